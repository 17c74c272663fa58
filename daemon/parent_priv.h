/* The parent's state, shared by parent.c and parent_relays.c. */
#ifndef HS_DAEMON_PARENT_PRIV_H
#define HS_DAEMON_PARENT_PRIV_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <event2/event.h>

#include "core/reload.h"
#include "daemon/channel.h"
#include "daemon/listeners.h"
#include "daemon/parent.h"
#include "daemon/privdrop.h"
#include "daemon/proc.h"

#define PARENT_CHILD_WAIT_MS	3000	/* for a child to finish at exit */
#define PARENT_CHILDREN		(PROC_MAX + HS_PREFORK_MAX)

/* child[PROC_HCE], child[PROC_PFE], then the relays from PROC_RELAY. */
struct child {
	char			 name[32];	/* "hce", "relay 2" */
	pid_t			 pid;		/* -1 once reaped */
	struct channel		*ch;
	bool			 lost;		/* channel gone */
	struct event		*ev_kill;	/* kills it when lost */
	uint32_t		 ready_gen;	/* relay: prepared this reload */
};

struct parent {
	const struct parent_opts *opts;
	char			 conffile[PATH_MAX];	/* absolute */
	struct event_base	*base;
	struct config		*conf;
	char			 sockpath[HS_PATH_MAX];
	struct privdrop		 drop;
	bool			 root;
	struct child		 child[PARENT_CHILDREN];
	int			 nchildren;	/* PROC_MAX + relays */
	struct proc_pipes	 pipes;		/* the parent's ends */
	struct listeners	*listeners;	/* the relays' */
	int			 metrics_fd;	/* metrics listen on, or -1 */
	pid_t			 metrics_pid;	/* -1: none, or reaped */
	uint8_t			 secret[HS_KEY_LEN];	/* relays' hash keys */
	struct script_runner	*scripts;
	struct demote		*demote;
	struct parent_demote	*demote_out;	/* carp, files, scripts */
	struct event		*ev_sig[4];
	struct event		*ev_exit_timer;
	struct reload_parent	 reload;
	bool			 exiting;
	int			 exit_code;
	struct msg_tickets	 tickets;	/* the relays' ticket keys */
	struct event		*ev_tickets;
};

/* parent.c */
void	 parent_send(struct parent *, int child, const struct msg *);
void	 parent_exit(struct parent *, int code);
void	 parent_child_lost(void *arg, struct channel *, const char *why);
void	 parent_drained(void *arg, struct channel *);
void	 parent_kill_lost(evutil_socket_t, short, void *);
void	 parent_status_str(int status, char *, size_t);

/* parent_metrics.c */
int	 parent_metrics_listen(struct parent *);
int	 parent_metrics_fork(struct parent *, int control_fd);
bool	 parent_metrics_reap(struct parent *);
void	 parent_metrics_kill(struct parent *);

/* parent_relays.c */
int	 parent_relays_fork(struct parent *, const int *closefds);
int	 parent_relays_channels(struct parent *);
void	 parent_relays_send(struct parent *, const struct msg *);
void	 parent_relays_listeners(struct parent *, bool fresh_only);

/* parent_tls.c */
int	 parent_key_fork(struct parent *, const int *closefds);
struct channel *parent_key_channel(struct parent *);
int	 parent_tls_files(struct parent *, const struct config *,
	    struct buf *errors);
void	 parent_tickets_init(struct parent *);
int	 parent_tickets_timer(struct parent *);

#endif /* HS_DAEMON_PARENT_PRIV_H */
