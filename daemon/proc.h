/*
 * The privilege-separated processes: one socketpair per pair of them,
 * forked children that keep only their own ends, one libevent loop each.
 */
#ifndef HS_DAEMON_PROC_H
#define HS_DAEMON_PROC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/config.h"

/*
 * The channel between two processes.  Nothing a process sends is
 * unbounded: configuration text is pumped as the peer reads it, the HCE
 * starts no check while its results wait unread, and the PFE refuses
 * commands while the HCE or the parent is behind.  So a channel holds
 * little more than PROC_CHANNEL_BUSY; PROC_CHANNEL_MAX queued means the
 * peer stopped reading, and the sender gives up on it.
 */
#define PROC_CHANNEL_MAX	(4 * 1024 * 1024)
#define PROC_CHANNEL_BUSY	(1024 * 1024)
#define PROC_CHANNEL_LOW	(256 * 1024)

enum proc_id {
	PROC_PARENT = 0,
	PROC_HCE,
	PROC_PFE,
	PROC_KEY,		/* the relays' private keys */
	PROC_MAX,
	PROC_RELAY = PROC_MAX,	/* one of prefork, by its index */
	PROC_METRICS		/* serves show metrics over HTTP */
};

/*
 * A relay process talks to the parent (configuration) and to the PFE
 * (host states, show requests), and gets its listening sockets and
 * certificates from the parent on a datagram socketpair of their own
 * (fdpass.c); the key process signs for it.
 */
enum relay_pipe {
	RELAY_PIPE_PARENT = 0,
	RELAY_PIPE_PFE,
	RELAY_PIPE_FDS,
	RELAY_PIPE_KEY,
	RELAY_PIPE_MAX
};

/*
 * fd[a][b]: process a's end of the socketpair between a and b (the
 * parent with each child, the HCE with the PFE; -1 for the others).
 * relay[i][k][0]: the parent's, PFE's or key process's end of relay
 * i's pipe k, relay[i][k][1]: relay i's end.  key_fds: the datagram
 * socketpair on which the parent passes the key process its files.
 */
struct proc_pipes {
	int		 fd[PROC_MAX][PROC_MAX];
	uint32_t	 nrelays;
	int		 relay[HS_PREFORK_MAX][RELAY_PIPE_MAX][2];
	int		 metrics[2];	/* the PFE's end, the metrics process's */
	int		 key_fds[2];
};

const char	*proc_name(enum proc_id);
/* Create every socketpair, nrelays relays' too; -1 with a log line. */
int		 proc_pipes_open(struct proc_pipes *, uint32_t nrelays);
/* The PFE-metrics socketpair, when metrics are served; -1 with a log line. */
int		 proc_pipes_metrics(struct proc_pipes *);
/*
 * Fork the child id (a relay: PROC_RELAY and its index, from 1).  In
 * the child: close every end that is not its own and the descriptors in
 * closefds (ending with -1), then run child_main, which never returns.
 * In the parent: return the pid, or -1 with a log line.
 */
pid_t		 proc_fork(struct proc_pipes *, enum proc_id, uint32_t index,
		    const int *closefds,
		    void (*child_main)(void *arg, const struct proc_pipes *),
		    void *arg);
/* In the parent after forking: close the children's ends. */
void		 proc_pipes_parent(struct proc_pipes *);
/* Monotonic milliseconds: the clock the engines are driven by. */
uint64_t	 proc_now_ms(void);

struct reload_child;
struct msg;
/*
 * A child's message from the parent that belongs to the reload
 * handshake: given to it (any misstep is a fatal protocol error), true;
 * or false, for the child's own dispatch.
 */
bool		 proc_reload_msg(struct reload_child *, const struct msg *);

#endif /* HS_DAEMON_PROC_H */
