#include <stdlib.h>
#include <string.h>

#include "backends/sim/clock.h"

void
clock_init(struct sim_clock *c)
{
	memset(c, 0, sizeof(*c));
}

void
clock_free(struct sim_clock *c)
{
	free(c->heap);
	free(c->ring);
	memset(c, 0, sizeof(*c));
}

static inline bool
event_before(const struct sim_event *x, const struct sim_event *y)
{
	if (x->time_ms != y->time_ms)
		return x->time_ms < y->time_ms;
	return x->order < y->order;
}

static int
clock_grow(struct sim_clock *c)
{
	struct sim_event	*h;
	size_t			 cap;

	if (c->cap >= SIM_EVENTS_MAX)
		return -1;
	cap = c->cap == 0 ? 256 : c->cap * 2;
	if (cap > SIM_EVENTS_MAX)
		cap = SIM_EVENTS_MAX;
	if ((h = realloc(c->heap, cap * sizeof(*h))) == NULL)
		return -1;
	c->heap = h;
	c->cap = cap;
	return 0;
}

static int
ring_grow(struct sim_clock *c)
{
	struct sim_event	*r;
	size_t			 cap, i;

	if (c->rcap >= SIM_EVENTS_MAX)
		return -1;
	cap = c->rcap == 0 ? 256 : c->rcap * 2;
	if ((r = malloc(cap * sizeof(*r))) == NULL)
		return -1;
	for (i = 0; i < c->rlen; i++)
		r[i] = c->ring[(c->rhead + i) % c->rcap];
	free(c->ring);
	c->ring = r;
	c->rcap = cap;
	c->rhead = 0;
	return 0;
}

/* Due now: behind everything already due now, in a FIFO. */
static int
ring_push(struct sim_clock *c, const struct sim_event *e)
{
	if (c->rlen == c->rcap && ring_grow(c) == -1)
		return -1;
	c->ring[(c->rhead + c->rlen++) % c->rcap] = *e;
	c->ring[(c->rhead + c->rlen - 1) % c->rcap].time_ms = c->now_ms;
	return 0;
}

int
clock_schedule(struct sim_clock *c, const struct sim_event *ev)
{
	struct sim_event	 e = *ev;
	size_t			 i, parent;

	e.order = c->next_order++;
	if (e.time_ms <= c->now_ms)
		return ring_push(c, &e);
	if (c->len == c->cap && clock_grow(c) == -1)
		return -1;
	/* Sift up: move parents down until e's slot is found. */
	for (i = c->len++; i > 0; i = parent) {
		parent = (i - 1) / 2;
		if (!event_before(&e, &c->heap[parent]))
			break;
		c->heap[i] = c->heap[parent];
	}
	c->heap[i] = e;
	return 0;
}

uint64_t
clock_next(const struct sim_clock *c)
{
	if (c->rlen > 0)
		return c->ring[c->rhead].time_ms;
	return c->len == 0 ? UINT64_MAX : c->heap[0].time_ms;
}

/* The earliest event, as clock_pop would take it; false if none. */
bool
clock_peek(const struct sim_clock *c, struct sim_event *ev)
{
	if (c->rlen > 0 && (c->len == 0 ||
	    event_before(&c->ring[c->rhead], &c->heap[0])))
		*ev = c->ring[c->rhead];
	else if (c->len > 0)
		*ev = c->heap[0];
	else
		return false;
	return true;
}

size_t
clock_pending(const struct sim_clock *c)
{
	return c->len + c->rlen;
}

bool
clock_pop(struct sim_clock *c, struct sim_event *ev)
{
	struct sim_event	 last;
	size_t			 i, child, n;

	if (c->rlen > 0 && (c->len == 0 ||
	    event_before(&c->ring[c->rhead], &c->heap[0]))) {
		*ev = c->ring[c->rhead];
		c->rhead = (c->rhead + 1) % c->rcap;
		c->rlen--;
		return true;
	}
	if (c->len == 0)
		return false;
	*ev = c->heap[0];
	if (ev->time_ms > c->now_ms)
		c->now_ms = ev->time_ms;
	n = --c->len;
	if (n == 0)
		return true;
	last = c->heap[n];
	/* Sift down the last element from the root. */
	for (i = 0; (child = 2 * i + 1) < n; i = child) {
		if (child + 1 < n && event_before(&c->heap[child + 1],
		    &c->heap[child]))
			child++;
		if (!event_before(&c->heap[child], &last))
			break;
		c->heap[i] = c->heap[child];
	}
	c->heap[i] = last;
	return true;
}
