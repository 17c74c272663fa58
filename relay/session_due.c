/*
 * The sessions' timeouts: one heap per engine, earliest first, and one
 * libevent timer set for the earliest, rather than a timer event per
 * session (some 140 bytes each with its allocation, the largest part of
 * an idle connection's cost).  A session is due at most once per
 * timeout period and finds then whether bytes moved meanwhile
 * (session_timeout), so moving bytes never touches the heap.
 */
#include <stdlib.h>

#include "relay/relay_priv.h"

#define DUE_FIRST	64

static void
place(struct relay_engine *e, uint32_t i, struct session *s)
{
	e->due[i] = s;
	s->due_idx = i + 1;
}

static void
sift_up(struct relay_engine *e, uint32_t i)
{
	struct session	*s = e->due[i];
	uint32_t	 up;

	while (i > 0 && s->due_ms < e->due[up = (i - 1) / 2]->due_ms) {
		place(e, i, e->due[up]);
		i = up;
	}
	place(e, i, s);
}

static void
sift_down(struct relay_engine *e, uint32_t i)
{
	struct session	*s = e->due[i];
	uint32_t	 c;

	while ((c = 2 * i + 1) < e->ndue) {
		if (c + 1 < e->ndue && e->due[c + 1]->due_ms < e->due[c]->due_ms)
			c++;
		if (e->due[c]->due_ms >= s->due_ms)
			break;
		place(e, i, e->due[c]);
		i = c;
	}
	place(e, i, s);
}

/* The timer set for the earliest, unless it is set as early already. */
static void
arm(struct relay_engine *e)
{
	struct timeval	 tv;
	uint64_t	 due, now, wait;

	if (e->ndue == 0)
		return;
	due = e->due[0]->due_ms;
	if (e->due_armed != 0 && e->due_armed <= due)
		return;
	now = relay_now_ms();
	wait = due > now ? due - now : 0;
	tv.tv_sec = (time_t)(wait / 1000);
	tv.tv_usec = (suseconds_t)(wait % 1000 * 1000);
	if (evtimer_add(e->ev_due, &tv) == 0)
		e->due_armed = due > 0 ? due : 1;
}

static void
due_fire(evutil_socket_t fd, short what, void *arg)
{
	struct relay_engine	*e = arg;
	struct session		*s;
	uint64_t		 now = relay_now_ms();

	e->due_armed = 0;
	/* A session set again is due in the future: the loop ends. */
	while (e->ndue > 0 && (s = e->due[0])->due_ms <= now) {
		due_clear(s);
		session_timeout(s);	/* may free s */
	}
	arm(e);
}

int
due_init(struct relay_engine *e)
{
	e->ev_due = evtimer_new(e->base, due_fire, e);
	return e->ev_due != NULL ? 0 : -1;
}

void
due_free(struct relay_engine *e)
{
	if (e->ev_due != NULL)
		event_free(e->ev_due);
	free(e->due);
	e->ev_due = NULL;
	e->due = NULL;
	e->ndue = e->maxdue = 0;
}

static int
grow(struct relay_engine *e)
{
	struct session	**v;
	uint32_t	  n = e->maxdue > 0 ? e->maxdue * 2 : DUE_FIRST;

	if (n <= e->maxdue || (v = reallocarray(e->due, n, sizeof(*v))) ==
	    NULL)
		return -1;
	e->due = v;
	e->maxdue = n;
	return 0;
}

int
due_set(struct session *s, uint64_t due_ms)
{
	struct relay_engine	*e = s->eng;
	uint64_t		 was = s->due_ms;

	s->due_ms = due_ms;
	if (s->due_idx == 0) {
		if (e->ndue == e->maxdue && grow(e) == -1)
			return -1;
		e->due[e->ndue] = s;
		sift_up(e, e->ndue++);
	} else if (due_ms < was)
		sift_up(e, s->due_idx - 1);
	else
		sift_down(e, s->due_idx - 1);
	arm(e);
	return 0;
}

void
due_clear(struct session *s)
{
	struct relay_engine	*e = s->eng;
	struct session		*last;
	uint32_t		 i;

	if (s->due_idx == 0)
		return;
	i = s->due_idx - 1;
	s->due_idx = 0;
	last = e->due[--e->ndue];
	if (i == e->ndue)
		return;
	place(e, i, last);
	if (last->due_ms < s->due_ms)
		sift_up(e, i);
	else
		sift_down(e, i);
}
