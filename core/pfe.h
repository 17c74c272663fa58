/*
 * The PF engine's state machine: host, table and service state from the
 * HCE's results and the operator's commands; which table each service
 * uses (main, backup or none); the layer-3 operations that follow, issued
 * only on change; carp demotion requests; the rows hoststatectl shows.
 *
 * Two choices where relayd is silent:
 * - A service whose tables have no host up but whose (main or backup)
 *   table still waits for its first results, all its enabled hosts
 *   unknown, keeps the rules pfe_start installed (its table emptied),
 *   instead of removing them before anything was checked.
 * - A demoting table demotes its group while it is enabled, has no host
 *   up and at least one host checked down; a table whose hosts are all
 *   unknown (start, enable, reload) has not failed yet.
 */
#ifndef HS_PFE_H
#define HS_PFE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/ctl.h"
#include "core/engine.h"
#include "core/layer3.h"
#include "core/msg.h"

/*
 * The layer-3 operations get l3_arg (the backend), the others arg.  They
 * return 0, or -1 with one line in err saying why; a refused operation
 * changes nothing (one transaction each).
 */
struct pfe_io {
	void	*arg;
	void	*l3_arg;
	/* Remove what an earlier run left in our table or anchor. */
	int	(*l3_init)(void *l3_arg, struct buf *err);
	/* Remove every rule and table of ours. */
	int	(*l3_flush)(void *l3_arg, struct buf *err);
	/*
	 * Install the service's redirection rules (or replace them) with
	 * its table empty: new connections will go to the active table's
	 * port.
	 */
	int	(*rules_add)(void *l3_arg, const struct service_conf *,
		    const struct table_conf *active, struct buf *err);
	/* Remove the service's rules and table; none there is no error. */
	int	(*rules_remove)(void *l3_arg, const struct service_conf *,
		    struct buf *err);
	/*
	 * Are the service's rules still in the kernel?  -1 with why not.
	 * NULL: never asked.
	 */
	int	(*l3_check)(void *l3_arg, const struct service_conf *,
		    struct buf *err);
	/* Replace the hosts new connections of the service go to. */
	int	(*table_replace)(void *l3_arg, const struct service_conf *,
		    const struct l3_table *, struct buf *err);
	/* To monitor clients: every event. */
	void	(*event)(void *arg, const struct ctl_event *);
	/*
	 * The answer to a control client's command (pfe_command, reload)
	 * once it is known: "command succeeded", or one failure line.
	 */
	void	(*reply)(void *arg, uint32_t client, bool ok,
		    const char *text);
	send_fn	 send;		/* hce, parent (demote), relays */
	log_fn	 log;
};

struct pfe;

struct pfe	*pfe_new(const struct config *, const struct pfe_io *,
		    uint64_t now_ms);
void		 pfe_free(struct pfe *);
/*
 * Messages from the HCE (MSG_HOST_STATUS, MSG_HOST_COUNTERS,
 * MSG_CMD_DONE), the parent (MSG_RELOAD_RESULT) and relay process
 * peerid (MSG_RELAY_READY).  Returns -1 for a message the PFE cannot
 * accept from that peer: a protocol error.  Host statuses and counters
 * of another configuration generation are refused with a log line and
 * return 0.
 */
int		 pfe_dispatch(struct pfe *, enum hs_peer, const struct msg *,
		    uint64_t now_ms);
/*
 * An operator command that changes state (enable/disable, poll) from
 * control client `client`.  Returns -1 with one line in err ("no such
 * table: x") if it cannot be done.  Otherwise the PFE has applied it,
 * sent what the HCE must know, and ends it with MSG_CMD_END: the
 * answer goes to io.reply when the HCE has applied it too, and is a
 * failure if a reload switched the HCE to another configuration in
 * between (the command's ids are no longer the running ones).
 */
int		 pfe_command(struct pfe *, const struct ctl_request *,
		    uint32_t client, struct buf *err, uint64_t now_ms);
/*
 * Monitor clients see every command that changes or tries to change
 * state.  The PFE reports those it carries out itself; a driver reports
 * the others here (log brief|verbose, stop) with the failure, if any.
 */
void		 pfe_command_event(struct pfe *, const struct ctl_request *,
		    const char *failure, uint64_t now_ms);
/*
 * The rows of a show command, in the seed's order.  The caller frees
 * *rows.  Returns the number of rows, or -1 on allocation failure.
 */
int		 pfe_rows(const struct pfe *, enum ctl_action,
		    uint64_t now_ms, struct ctl_row **rows);
/* show metrics' text: below a control client's queue (daemon/control.c). */
#define PFE_METRICS_MAX		(32 * 1024 * 1024)
/*
 * show metrics: every object's state and counters in the Prometheus text
 * format.  relays: show relays' rows, every relay process's counters
 * summed; wall_ms and start_wall_ms: now and the daemon's start, in ms
 * since the epoch.  -1 when b was too small.
 */
int		 pfe_metrics(const struct pfe *, const struct ctl_row *relays,
		    size_t nrelays, uint64_t now_ms, uint64_t wall_ms,
		    uint64_t start_wall_ms, struct buf *b);
/*
 * Clean up what an earlier run left, install rules and tables for the
 * start; demote empty tables.
 */
void		 pfe_start(struct pfe *, uint64_t now_ms);
/* When pfe_run must be called next (a refused apply's retry). */
uint64_t	 pfe_next_deadline(const struct pfe *);
void		 pfe_run(struct pfe *, uint64_t now_ms);
/*
 * Switch configuration keeping the state of hosts present in both, in
 * two steps like hce_reload_prepare/commit/abort: prepare may fail (-1,
 * out of memory: nothing changed), commit cannot.  After commit the old
 * configuration may be freed.
 */
int		 pfe_reload_prepare(struct pfe *, const struct config *);
void		 pfe_reload_commit(struct pfe *, uint64_t now_ms);
void		 pfe_reload_abort(struct pfe *);
/* prepare and commit; -1 (with a log line) keeps the running one. */
int		 pfe_reload(struct pfe *, const struct config *,
		    uint64_t now_ms);
/* The running configuration's generation. */
uint32_t	 pfe_gen(const struct pfe *);
/*
 * Ask the backend whether the rules it installed are still there (the
 * daemon: before a show, and every few seconds).  A service whose rules
 * went behind the engine's back is installed again; the loss is logged
 * and counted as a failure.
 */
void		 pfe_verify(struct pfe *, uint64_t now_ms);
/* Remove every rule and table, release every demotion. */
void		 pfe_shutdown(struct pfe *, uint64_t now_ms);

/*
 * The relay processes the daemon runs (the simulator: 1); a relay is
 * active when every one of them listens for it.
 */
void		 pfe_set_relay_procs(struct pfe *, uint32_t);
bool		 pfe_relay_listening(const struct pfe *, uint32_t relay_id);

/* Read-only views for invariants and tests. */
enum host_state	 pfe_host_state(const struct pfe *, uint32_t host_id);
bool		 pfe_host_disabled(const struct pfe *, uint32_t host_id);
/* The counters behind the availability column. */
void		 pfe_host_counts(const struct pfe *, uint32_t host_id,
		    uint32_t *check_cnt, uint32_t *up_cnt);
bool		 pfe_table_disabled(const struct pfe *, uint32_t table_id);
uint32_t	 pfe_table_up(const struct pfe *, uint32_t table_id);
bool		 pfe_service_disabled(const struct pfe *, uint32_t service_id);
/* The table a service uses now, or HS_ID_NONE when down or disabled. */
uint32_t	 pfe_service_active(const struct pfe *, uint32_t service_id);
/* The table asked for a carp demotion that it has not released yet. */
bool		 pfe_table_demoted(const struct pfe *, uint32_t table_id);
/* The service's redirection rules are in place. */
bool		 pfe_service_installed(const struct pfe *, uint32_t service_id);
/* The service's status word, as show summary gives it. */
enum ctl_status	 pfe_service_status(const struct pfe *, uint32_t service_id);
/* Layer 3 holds what the engine wants for the service: no failure. */
bool		 pfe_service_converged(const struct pfe *, uint32_t service_id);
/*
 * What the engine wants layer 3 to hold for the service: whether its
 * rules are wanted, and the addresses of its table (n at most max).
 */
bool		 pfe_service_want(const struct pfe *, uint32_t service_id,
		    struct hs_addr *addrs, size_t max, size_t *n);

#endif /* HS_PFE_H */
