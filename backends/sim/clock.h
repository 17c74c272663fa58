/*
 * The simulator's virtual clock: a binary heap of events ordered by
 * (time, insertion sequence), so events due at the same instant run in
 * the order they were scheduled.  No wall clock anywhere.
 */
#ifndef HS_SIM_CLOCK_H
#define HS_SIM_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_EVENTS_MAX	(64u * 1024 * 1024)	/* bound on queued events */

struct sim_event {
	uint64_t	 time_ms;
	uint64_t	 order;		/* insertion sequence: ties keep order */
	uint16_t	 kind;		/* owner-defined */
	uint16_t	 tag;		/* owner-defined payload */
	uint32_t	 a;
	uint64_t	 b;
	uint64_t	 c;
};

/*
 * Events due at the current instant (a healthy host answering at once)
 * skip the heap: they go to a FIFO ring, which keeps their order too.
 */
struct sim_clock {
	uint64_t		 now_ms;
	uint64_t		 next_order;
	struct sim_event	*heap;
	size_t			 len;
	size_t			 cap;
	struct sim_event	*ring;
	size_t			 rhead;
	size_t			 rlen;
	size_t			 rcap;
};

void		 clock_init(struct sim_clock *);
void		 clock_free(struct sim_clock *);
/* Queue an event; fails (-1) when memory or SIM_EVENTS_MAX runs out. */
int		 clock_schedule(struct sim_clock *, const struct sim_event *);
/* Time of the earliest event, UINT64_MAX if none. */
uint64_t	 clock_next(const struct sim_clock *);
/* The earliest event, without removing it; false if none. */
bool		 clock_peek(const struct sim_clock *, struct sim_event *ev);
/* Remove the earliest event into *ev and advance now to its time. */
bool		 clock_pop(struct sim_clock *, struct sim_event *ev);
size_t		 clock_pending(const struct sim_clock *);

#endif /* HS_SIM_CLOCK_H */
