/* The PF engine's state, shared by pfe.c, pfe_command.c and pfe_rows.c. */
#ifndef HS_PFE_PRIV_H
#define HS_PFE_PRIV_H

#include "core/host_state.h"
#include "core/layer3.h"
#include "core/pfe.h"

struct pfe_host {
	struct host_status	 st;
	uint32_t		 rtt_ms;
	int32_t			 detail;
	uint64_t		 error_ms;	/* when st.error was seen */
	bool			 disabled;	/* by the operator */
};

struct pfe_table {
	bool			 disabled;
	bool			 demoted;	/* we asked for +1 */
	uint32_t		 up;		/* hosts up */
	uint32_t		 down;		/* hosts down */
	uint64_t		 gen;		/* bumped when the up set changes */
};

/* A service's layer 3: what it should hold, what it holds, failures. */
struct pfe_service {
	bool			 disabled;
	bool			 want_rules;
	/* What the kernel holds, as far as the backend said. */
	bool			 rules;		/* rules in place */
	bool			 known;		/* false once an apply failed */
	uint16_t		 rules_port;	/* the port they redirect to */
	uint32_t		 table;		/* where its hosts come from */
	uint64_t		 gen;		/* that table's gen then */
	struct l3_host		*hosts;
	size_t			 nhosts;
	/* Failed applies; the last error until one succeeds. */
	uint32_t		 failures;
	uint32_t		 attempts;	/* in a row: the backoff */
	uint64_t		 retry_at;
	char			 error[L3_ERROR_MAX];
};

/* A service a reload dropped whose rules could not be removed yet. */
struct pfe_orphan {
	struct service_conf	 conf;
	uint32_t		 attempts;
	uint64_t		 retry_at;
};

/* What the relay processes are told and say (pfe_relay.c). */
struct pfe_relays {
	bool			*used;		/* by table: a relay uses it */
	uint8_t			*dirty;		/* by host: to send */
	uint32_t		*queue;		/* the dirty hosts */
	size_t			 nqueue;
	uint32_t		*listening;	/* by relay: processes, a bit each */
};

/* What show metrics reports beyond the state: kept across reloads. */
struct pfe_counters {
	uint64_t		 reload_ok;
	uint64_t		 reload_failed;
	uint64_t		 reload_last_ms;	/* 0: never reloaded */
	bool			 reload_last_ok;
	uint64_t		 demote;	/* +1 requests sent */
	uint64_t		 promote;	/* -1 requests sent */
};

struct pfe {
	const struct config	*cfg;
	struct pfe_io		 io;
	struct pfe_host		*hosts;
	struct pfe_table	*tables;
	struct pfe_service	*services;
	struct pfe_relays	 relay;
	uint32_t		 relay_procs;
	struct pfe_orphan	*orphans;
	size_t			 norphans;
	/* The backend's start: what an earlier run left is removed. */
	bool			 l3_ready;
	uint32_t		 l3_attempts;
	uint64_t		 l3_retry_at;
	size_t			 l3_nretry;	/* services backing off */
	char			 l3_error[L3_ERROR_MAX];
	uint64_t		 now_ms;
	struct pfe		*next;		/* a prepared reload */
	uint32_t		*next_map;	/* its hosts' ids in cfg */
	/* A successful reload's answer waits for the switch to its gen. */
	uint32_t		 reload_client;
	uint32_t		 reload_gen;	/* 0: none waits */
	struct pfe_counters	 count;		/* for show metrics */
};

/* pfe.c */
bool		 pfe_table_ok(const struct pfe *, uint32_t);
bool		 pfe_host_ok(const struct pfe *, uint32_t);
void		 pfe_set_state(struct pfe *, uint32_t host_id, enum host_state);
enum host_state	 pfe_initial_state(const struct pfe *, uint32_t host_id);
void		 pfe_sync(struct pfe *);
void		 pfe_emit(struct pfe *, enum ctl_event_kind, uint32_t id,
		    const char *name, int32_t value);
void		 pfe_send(struct pfe *, enum hs_peer, enum msg_type, uint32_t);
void		 pfe_reply(struct pfe *, uint32_t client, bool ok,
		    const char *text);
void		 pfe_log(struct pfe *, int level, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
bool		 pfe_table_pending(const struct pfe *, uint32_t);

/* pfe_layer3.c */
void		 pfe_l3_sync(struct pfe *);
void		 pfe_l3_start(struct pfe *);
void		 pfe_l3_shutdown(struct pfe *);
void		 pfe_l3_service_reset(struct pfe_service *);
void		 pfe_l3_free(struct pfe *);
/* Reload: remove what cfg drops; carry what it keeps from old. */
void		 pfe_l3_release(struct pfe *, const struct config *cfg);
void		 pfe_l3_carry(struct pfe *, struct pfe *old);
uint64_t	 pfe_l3_deadline(const struct pfe *);

/* pfe_relay.c */
/* A show row's state and counters (pfe_rows.c), for the metrics too. */
void		 pfe_row_host(const struct pfe *, uint32_t host_id,
		    uint64_t now_ms, struct ctl_row *);
void		 pfe_row_table(const struct pfe *, uint32_t table_id,
		    struct ctl_row *);
void		 pfe_row_service(const struct pfe *, uint32_t service_id,
		    struct ctl_row *);
void		 pfe_row_relay(const struct pfe *, uint32_t relay_id,
		    struct ctl_row *);

int		 pfe_relay_alloc(struct pfe *);
void		 pfe_relay_free(struct pfe *);
void		 pfe_relay_mark(struct pfe *, uint32_t host_id);
void		 pfe_relay_mark_table(struct pfe *, uint32_t table_id);
void		 pfe_relay_flush(struct pfe *);
void		 pfe_relay_snapshot(struct pfe *, uint32_t peerid);
int		 pfe_relay_ready(struct pfe *, const struct msg *);
void		 pfe_relay_carry(struct pfe *, const struct pfe *old);

#endif /* HS_PFE_PRIV_H */
