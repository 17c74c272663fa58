/*
 * The simulated world: one hce, one pfe and the parent's carp demotion
 * counters wired together exactly as the daemon wires its processes.
 * Every message between them is encoded with msg_encode, queued in an
 * in-memory FIFO and decoded with msg_decode before dispatch, so every
 * simulation exercises the wire format.  Checks run against virtual
 * hosts on a virtual clock; every layer-3 and carp operation goes to the
 * recorder.
 */
#ifndef HS_SIM_WORLD_H
#define HS_SIM_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backends/sim/clock.h"
#include "backends/sim/fifo.h"
#include "backends/sim/prng.h"
#include "backends/sim/recorder.h"
#include "backends/sim/vhost.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/msg.h"
#include "core/reload.h"

#define WORLD_FIFO_MAX		(16u * 1024 * 1024)	/* queued message bytes */
#define WORLD_DISPATCH_MAX	10000000	/* messages per drain: a loop */
#define WORLD_LINE_MAX		65536

/*
 * Fault injection in the simulated backend, to prove the invariant
 * checks catch a broken engine: drop every layer-3 table replace that
 * removes an address (the table keeps hosts that went down).
 */
#define WORLD_INJECT_DROP_TABLE_REMOVE	0x01

/* A timeline line; level 1 lines are verbose. */
typedef void	(*world_line_fn)(void *arg, uint64_t now_ms, int level,
		    const char *line);

struct world_opts {
	uint64_t	 seed;
	uint32_t	 max_inflight;	/* 0: HCE_INFLIGHT_DEFAULT */
	unsigned int	 inject;	/* WORLD_INJECT_* */
	world_line_fn	 line;
	void		*line_arg;
	bool		 quiet;		/* no timeline lines at all (bench) */
};

/* Per configured host: what the world knows independently of engines. */
struct world_host {
	uint32_t	 vhost;		/* index in world.vhosts */
	uint64_t	 inflight_seq;	/* 0: no check running */
	uint64_t	 fail_since;	/* checks would fail since; NEVER if not */
	uint32_t	 fails;		/* consecutive failed results */
	uint32_t	 results;	/* results delivered */
	bool		 last_up;	/* latest completed check passed */
};

/* For world_inject_reload_failure: which engine fails to prepare. */
#define WORLD_RELOAD_FAIL_HCE	0x01
#define WORLD_RELOAD_FAIL_PFE	0x02

struct world {
	struct world_opts	 opts;
	struct sim_clock	 clock;
	struct prng		 prng;
	struct recorder		 rec;
	/*
	 * Each engine runs its own configuration, as each process of the
	 * daemon does: the one it parsed from the reload handshake's text.
	 * They are the same generation except during a reload.  conf is
	 * the PFE's (what hoststatectl shows); all three are owned.
	 */
	struct config		*conf;
	struct config		*hce_conf;	/* host ids of hosts[] */
	struct config		*parent_conf;
	struct reload_parent	 reload_parent;
	struct reload_child	 reload_hce;
	struct reload_child	 reload_pfe;
	/* WORLD_RELOAD_FAIL_*: the next preparation fails */
	unsigned int		 reload_fail;
	struct hce		*hce;
	struct pfe		*pfe;
	struct demote		*demote;	/* the parent's counters */
	struct vhost		*vhosts;
	char			**vhost_names;	/* as written in the config */
	size_t			 nvhosts;
	struct world_host	*hosts;		/* by host id */
	size_t			 nhosts;
	struct msg_fifo		 fifo;
	/* Held channels (world_hold): hold[from] has bit to set. */
	struct msg_fifo		 held;
	uint32_t		 hold[PEER_MAX];
	uint32_t		 epoch;		/* bumped by reload: stale checks */
	struct msg		 msg;		/* decode target (large) */
	struct buf		 line;
	bool			 monitor;	/* print monitor events */
	bool			 verbose;
	bool			 stopped;
	int			 error;		/* a fatal world error happened */
	char			 errstr[256];
	uint64_t		 nchecks;	/* results delivered to the hce */
	uint64_t		 nmsgs;
	uint64_t		 nevents;
	uint64_t		 reload_ms;	/* last reload: checks restarted */
	/* Control clients: the answer of ctl_client goes to ctl_out. */
	uint32_t		 next_client;
	uint32_t		 ctl_client;
	struct buf		*ctl_out;
	int			 ctl_result;	/* 0, -1, 1: waiting */
	/* Called after every processed event (explore's invariants). */
	void			(*after_event)(void *, struct world *);
	void			*after_arg;
	/*
	 * Reload for "hoststatectl reload [FILE]": the runner parses, then
	 * calls world_reload or world_reload_refuse; returns as world_ctl.
	 */
	int			(*reload)(void *, struct world *,
				    const char *path, struct buf *out);
	void			*reload_arg;
};

/* Takes ownership of conf.  NULL with err set on failure. */
struct world	*world_new(struct config *conf, const struct world_opts *,
		    struct buf *err);
void		 world_free(struct world *);
/* Install rules and start checking at the current time (0). */
int		 world_start(struct world *);
/* Process every event due strictly before t, then set now to t. */
int		 world_run_before(struct world *, uint64_t t);
uint64_t	 world_now(const struct world *);
/* Print the engines' verbose lines too (-v, hoststatectl log verbose). */
void		 world_set_verbose(struct world *, bool);

/* The virtual host named as written in the configuration, or NULL. */
struct vhost	*world_vhost(struct world *, const char *name);
/*
 * Call after changing a virtual host's faults, with a copy of it from
 * before the change: keeps the hosts' fail_since (for invariants).
 */
void		 world_vhost_changed(struct world *, struct vhost *,
		    const struct vhost *before);

/*
 * A hoststatectl command, as its words.  Appends exactly what
 * hoststatectl prints to out.  Returns 0 on success, -1 on failure, 1
 * if the answer has not come yet (a channel is held): it is printed on
 * the timeline when it comes.
 */
int		 world_ctl(struct world *, int argc, char *const argv[],
		    struct buf *out);
/*
 * Reload to conf (taken over; freed on failure too) through the reload
 * handshake, as control client: the answer as world_ctl's, failure lines
 * in out.  world_reload_refuse: the parent could not parse it (errors).
 */
int		 world_reload(struct world *, struct config *,
		    struct buf *out);
int		 world_reload_refuse(struct world *, const char *errors,
		    struct buf *out);
/* The next reload fails in the engine's preparation (WORLD_RELOAD_FAIL_*). */
void		 world_inject_reload_failure(struct world *, unsigned int);
/*
 * Hold the channel from -> to: its messages wait until it is released,
 * then come after everything sent meanwhile (forces an interleaving).
 */
void		 world_hold(struct world *, enum hs_peer from,
		    enum hs_peer to, bool hold);
/* Shut down: rules removed, demotions released. */
void		 world_shutdown(struct world *);

/* Status words as hoststatectl shows them; -1 if no such object. */
int		 world_host_status(const struct world *, const char *name,
		    struct buf *out);
int		 world_table_status(const struct world *, const char *name,
		    struct buf *out);
int		 world_service_status(const struct world *, const char *name,
		    struct buf *out);
int		 world_relay_status(const struct world *, const char *name,
		    struct buf *out);
/* Lookups of live objects by configured or printed name. */
const struct table_conf	  *world_table(const struct world *, const char *);
const struct service_conf *world_service(const struct world *,
			    const char *);

#endif /* HS_SIM_WORLD_H */
