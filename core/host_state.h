/*
 * One host's check state: unknown -> up/down with retry, availability
 * counters and the reason of the last failure (relayd's semantics).
 */
#ifndef HS_HOST_STATE_H
#define HS_HOST_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/check.h"
#include "core/msg.h"

struct host_status {
	enum host_state		state;
	uint32_t		retry_cnt;	/* failures still tolerated */
	uint32_t		check_cnt;
	uint32_t		up_cnt;
	enum check_error	error;		/* of the last failed check */
	struct rtt_hist		rtt;		/* of every check counted */
};

/*
 * Apply one check result.  The first result of an unknown host counts at
 * once; a host that is up goes down only after retry + 1 consecutive
 * failures; a success reloads the tolerance.  Returns the previous state.
 */
enum host_state	 host_state_apply(struct host_status *, uint32_t retry,
		    bool up, enum check_error);
/* Count a check's round-trip time (after host_state_apply counted it). */
void		 host_rtt_add(struct host_status *, uint32_t rtt_ms);
/* Unknown, counters zeroed: a disabled or (re)enabled host. */
void		 host_state_reset(struct host_status *);
/* True for an outcome that is a failure (not none and not "... ok"). */
bool		 check_error_failed(enum check_error);

#endif /* HS_HOST_STATE_H */
