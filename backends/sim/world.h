/*
 * The simulated world: one hce, one pfe and the parent's carp demotion
 * counters wired together exactly as the daemon wires its processes.
 * Every message between them is encoded with msg_encode, queued on its
 * channel (one FIFO per sender and receiver, as a socketpair) and
 * decoded with msg_decode before dispatch, so every simulation exercises
 * the wire format.  Which channel delivers next, and when other work due
 * at the same instant runs, the seed decides: every order the daemon's
 * processes could see.  Checks run against virtual hosts on a virtual
 * clock, their answers with seeded jitter; every layer-3 and carp
 * operation goes to the recorder.
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
 * Deliberately broken worlds, to prove the invariants catch them:
 * - drop every layer-3 table replace that removes an address (the table
 *   keeps hosts that went down);
 * - wire the reload handshake backwards: the parent starts the PFE,
 *   which passes the start on to the HCE, so the PFE switches first and
 *   refuses the host statuses the HCE sent under the old configuration.
 */
#define WORLD_INJECT_DROP_TABLE_REMOVE	0x01
#define WORLD_INJECT_PFE_SWITCHES_FIRST	0x02

/* The words of the injections ("drop-table-remove"); 0 if unknown. */
unsigned int	 world_inject_word(const char *);
const char	*world_inject_name(unsigned int one);

/* A timeline line; level 1 lines are verbose. */
typedef void	(*world_line_fn)(void *arg, uint64_t now_ms, int level,
		    const char *line);

struct world_opts {
	uint64_t	 seed;
	uint32_t	 jitter_min_ms;	/* added to every answer's time */
	uint32_t	 jitter_max_ms;
	uint32_t	 max_inflight;	/* 0: HCE_INFLIGHT_DEFAULT */
	unsigned int	 inject;	/* WORLD_INJECT_* */
	world_line_fn	 line;
	void		*line_arg;
	bool		 quiet;		/* no timeline lines at all (bench) */
};

/*
 * What changed, for an observer that checks invariants incrementally:
 * a host's results or state, a service's layer-3 objects, or anything.
 */
enum world_change {
	WORLD_CHANGED_ALL = 0,
	WORLD_CHANGED_HOST,	/* a result, or a state that stayed */
	WORLD_CHANGED_TABLE,	/* a host of the table changed state */
	WORLD_CHANGED_SERVICE,	/* its layer-3 table or rules */
};

/* What a hashing relay chose for explore's probe clients. */
struct relay_probe {
	bool		 valid;
	uint64_t	 sig;		/* of the hosts up then */
	uint32_t	 chose[8];
};

/* Per configured host: what the world knows independently of engines. */
struct world_host {
	uint32_t	 vhost;		/* index in world.vhosts */
	uint32_t	 vhost_next;	/* next host of that vhost, or NONE */
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
	struct prng		 order;		/* which channel goes next */
	struct prng		 jitter;	/* answers' jitter */
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
	struct config		*relay_conf;	/* the relay process's */
	struct reload_parent	 reload_parent;
	struct reload_child	 reload_hce;
	struct reload_child	 reload_pfe;
	struct reload_child	 reload_relay;
	/* WORLD_RELOAD_FAIL_*: the next preparation fails */
	unsigned int		 reload_fail;
	struct hce		*hce;
	struct pfe		*pfe;
	struct relay_hosts	*relay;		/* the relay process's view */
	struct relay_probe	*probes;	/* by relay (explore) */
	struct demote		*demote;	/* the parent's counters */
	struct vhost		*vhosts;
	char			**vhost_names;	/* as written in the config */
	uint32_t		*vhost_first;	/* first host of each vhost */
	size_t			 nvhosts;
	struct world_host	*hosts;		/* by host id */
	size_t			 nhosts;
	struct msg_fifo		 chan[PEER_MAX][PEER_MAX];	/* [to][from] */
	unsigned int		 nbusy;		/* deliverable channels */
	/* Held channels (world_hold): hold[from] has bit to set. */
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
	/*
	 * Called after every processed event that leaves no message in
	 * flight (explore's invariants), and told what each one changed.
	 */
	void			(*after_event)(void *, struct world *);
	void			(*changed)(void *, enum world_change,
				    uint32_t id);
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
/*
 * Process every event due strictly before t and deliver every message
 * in flight, then set now to t.
 */
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
/*
 * A session of the relay named name from client:port (scenario's
 * connect): 0 with the host chosen in out, 1 when no host is up, -1 when
 * there is no such relay.  The session stays open to the end.
 */
struct relay_target;
/* Hashing relays chose as before while the hosts up did not change. */
int		 world_relay_stable(struct world *, uint32_t relay_id,
		    struct buf *why);
int		 world_relay_connect(struct world *, const char *name,
		    const struct hs_addr *, uint16_t, struct relay_target *);
/* Lookups of live objects by configured or printed name. */
const struct table_conf	  *world_table(const struct world *, const char *);
const struct table_conf	  *sim_table_named(const struct config *,
			    const char *);
const struct service_conf *world_service(const struct world *,
			    const char *);

#endif /* HS_SIM_WORLD_H */
