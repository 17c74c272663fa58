/*
 * The checker's own lateness.  A busy machine can keep the process from
 * running for a while; checks in flight then look slow although their
 * hosts answered in time.  While checks are in flight a heartbeat timer
 * runs every NET_BEAT_MS: when it (or a deadline) finds the heartbeat
 * overdue by more than NET_BEAT_SLACK_MS, the loop did not run for that
 * long, and the time is owed to every check in flight: its deadline
 * moves by as much before it may time out.  The HCE's interval timeout
 * still bounds a check at the host's next slot.
 */
#include <event2/event.h>

#include "backends/net/net_internal.h"

static void
stall_beat(int fd, short what, void *arg)
{
	struct net_checker	*nc = arg;
	struct timeval		 tv = { 0, NET_BEAT_MS * 1000 };
	uint64_t		 now = net_now_ms();

	net_stall_note(nc, now);
	if (nc->inflight == 0) {
		nc->beat_due_ms = 0;
		return;
	}
	nc->beat_due_ms = now + NET_BEAT_MS;
	evtimer_add(nc->beat, &tv);
}

int
net_stall_init(struct net_checker *nc)
{
	nc->beat = evtimer_new(nc->base, stall_beat, nc);
	return nc->beat != NULL ? 0 : -1;
}

void
net_stall_free(struct net_checker *nc)
{
	if (nc->beat != NULL)
		event_free(nc->beat);
	nc->beat = NULL;
}

/* The first check in flight starts the heartbeat, the last stops it. */
void
net_stall_track(struct net_checker *nc)
{
	struct timeval	 tv = { 0, NET_BEAT_MS * 1000 };

	if (nc->inflight > 0 && nc->beat_due_ms == 0) {
		nc->beat_due_ms = net_now_ms() + NET_BEAT_MS;
		evtimer_add(nc->beat, &tv);
	} else if (nc->inflight == 0 && nc->beat_due_ms != 0) {
		nc->beat_due_ms = 0;
		evtimer_del(nc->beat);
	}
}

void
net_stall_note(struct net_checker *nc, uint64_t now)
{
	if (nc->beat_due_ms == 0 || now <= nc->beat_due_ms + NET_BEAT_SLACK_MS)
		return;
	nc->stall_ms += now - nc->beat_due_ms;
	nc->beat_due_ms = now;
}

bool
net_stall_credit(struct net_check *chk)
{
	struct net_checker	*nc = chk->nc;
	struct timeval		 tv;
	uint64_t		 now = net_now_ms(), owed, left;

	if (chk->phase == PHASE_DEFERRED)
		return false;
	net_stall_note(nc, now);
	owed = nc->stall_ms - chk->stall_ms;
	chk->stall_ms = nc->stall_ms;
	chk->deadline_ms += owed;
	if (owed == 0 || chk->deadline_ms <= now)
		return false;
	/* Only the timer moves: the socket stays registered as it is. */
	left = chk->deadline_ms - now;
	tv.tv_sec = (time_t)(left / 1000);
	tv.tv_usec = (suseconds_t)((left % 1000) * 1000);
	event_add(chk->ev, &tv);
	return true;
}
