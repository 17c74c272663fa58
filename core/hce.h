/*
 * The host check engine: schedules checks per table (interval, timeout),
 * spreads them so a large table is not checked in one burst, bounds the
 * checks in flight, applies retry, keeps availability counters, and
 * tells the PFE of every change at once (MSG_HOST_STATUS: state,
 * retries left, reason or code of the check) and of the counters of
 * the other checks in batches (MSG_HOST_COUNTERS).
 */
#ifndef HS_HCE_H
#define HS_HCE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/check.h"
#include "core/config.h"
#include "core/engine.h"
#include "core/msg.h"

#define HCE_INFLIGHT_DEFAULT	4096
/* Checks one hce_run starts; more are due at once (hce_next_deadline). */
#define HCE_STARTS_PER_RUN	256
/* How long the counters of a check that changed nothing may wait. */
#define HCE_COUNTERS_MS		1000

struct hce_io {
	void	*arg;
	/* Start a check; the backend reports it with hce_check_done later. */
	void	(*check_start)(void *arg, const struct check_request *);
	/* Forget a started check; no result is expected for it any more. */
	void	(*check_cancel)(void *arg, uint32_t host_id, uint64_t seq);
	send_fn	 send;
	log_fn	 log;
};

struct hce;

struct hce	*hce_new(const struct config *, const struct hce_io *,
		    uint32_t max_inflight, uint64_t now_ms);
void		 hce_free(struct hce *);
/* When hce_run must next be called; HS_TIME_NEVER if nothing is pending. */
uint64_t	 hce_next_deadline(const struct hce *);
/* Start the checks that are due, within the in-flight bound. */
void		 hce_run(struct hce *, uint64_t now_ms);
/*
 * A backend's result; stale or unknown results are ignored.  It starts
 * no waiting check: the next hce_run does (hce_next_deadline says when).
 */
void		 hce_check_done(struct hce *, const struct check_result *,
		    uint64_t now_ms);
/*
 * Messages from the PFE (enable/disable, poll, the end of an operator's
 * command) and the parent (script results).  Returns -1 for a message
 * the HCE cannot accept from that peer: a protocol error.  A message
 * whose ids belong to another configuration generation is refused with
 * a log line and returns 0.
 */
int		 hce_dispatch(struct hce *, enum hs_peer, const struct msg *,
		    uint64_t now_ms);
/*
 * Does m belong to the running configuration?  If not, logs the refusal
 * (for drivers that route a message elsewhere, like script results).
 */
bool		 hce_gen_current(struct hce *, const struct msg *m);
/* The running configuration's generation. */
uint32_t	 hce_gen(const struct hce *);
/*
 * Switch to a new configuration in two steps, so that a reload either
 * happens whole or not at all.  prepare allocates everything the switch
 * needs; on failure (-1, out of memory) nothing changed.  commit cannot
 * fail: checks in flight are cancelled, and hosts present in both (same
 * table name, same host) keep state and counters.  abort drops what
 * prepare made.  The hce does not own either configuration; after
 * commit the old one may be freed.
 */
int		 hce_reload_prepare(struct hce *, const struct config *);
void		 hce_reload_commit(struct hce *, uint64_t now_ms);
void		 hce_reload_abort(struct hce *);
/* prepare and commit; -1 (with a log line) keeps the running one. */
int		 hce_reload(struct hce *, const struct config *,
		    uint64_t now_ms);
/*
 * While held, the HCE starts no check: due hosts wait in its queue.  A
 * driver holds it while the PFE does not read its results, so that a
 * stalled peer bounds what is queued for it.  Call hce_run after
 * releasing.
 */
void		 hce_hold(struct hce *, bool held);
/* Checks started and not yet reported (for invariants and tests). */
uint32_t	 hce_inflight(const struct hce *);
/*
 * Make log lines up to this level only (default 1: every line).  With 0,
 * results that change nothing cost no formatting (log brief).
 */
void		 hce_log_level(struct hce *, int max_level);
/* The check result a parent's MSG_SCRIPT_DONE stands for. */
void		 hce_script_result(const struct msg_script_done *,
		    struct check_result *);
/* Read-only views for the simulator, invariants and tests. */
uint32_t	 hce_queued(const struct hce *);
bool		 hce_host_inflight(const struct hce *, uint32_t host_id);
enum host_state	 hce_host_state(const struct hce *, uint32_t host_id);
/*
 * The host's counters as the HCE has them.  The PFE may lag: it gets
 * them with every status and, for checks that change nothing, in
 * batches (MSG_HOST_COUNTERS) at most HCE_COUNTERS_MS later.
 */
void		 hce_host_counts(const struct hce *, uint32_t host_id,
		    uint32_t *check_cnt, uint32_t *up_cnt);
/* The host's counters wait for the next batch: the PFE's are behind. */
bool		 hce_host_counts_pending(const struct hce *, uint32_t host_id);
/* When the host is next due, HS_TIME_NEVER if it is not scheduled. */
uint64_t	 hce_host_next_check(const struct hce *, uint32_t host_id);

#endif /* HS_HCE_H */
