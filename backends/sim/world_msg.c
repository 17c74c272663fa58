/*
 * Messages between the simulated engines: one FIFO per receiver and
 * sender, as a socketpair; the seed picks which channel delivers next.
 * A held channel (world_hold) keeps its messages until it is released.
 * The parent's side (carp demotion, check scripts, the acknowledgements
 * of the reload handshake) is here too.
 */
#include <stdio.h>
#include <string.h>

#include "backends/sim/world_priv.h"
#include "core/demote.h"
#include "core/hce.h"
#include "core/pfe.h"

static bool
channel_held(const struct world *w, enum hs_peer to, enum hs_peer from)
{
	return (w->hold[from] & (1u << to)) != 0;
}

/* Its messages can be delivered now: not empty, not held. */
static bool
channel_ready(const struct world *w, enum hs_peer to, enum hs_peer from)
{
	return !fifo_empty(&w->chan[to][from]) && !channel_held(w, to, from);
}

void
world_send(struct world *w, enum hs_peer to, enum hs_peer from,
    const struct msg *m)
{
	struct msg_fifo	*f;
	bool		 was_ready;

	if (to >= PEER_MAX || from >= PEER_MAX) {
		world_fail(w, "a message to or from no engine");
		return;
	}
	f = &w->chan[to][from];
	was_ready = channel_ready(w, to, from);
	if (fifo_push(f, to, from, m) == -1)
		world_fail(w, "message does not encode or the queue is full");
	else if (!was_ready && channel_ready(w, to, from))
		w->nbusy++;
}

void
world_hold(struct world *w, enum hs_peer from, enum hs_peer to, bool hold)
{
	bool	was_ready;

	if (from >= PEER_MAX || to >= PEER_MAX)
		return;
	was_ready = channel_ready(w, to, from);
	if (hold)
		w->hold[from] |= 1u << to;
	else
		w->hold[from] &= ~(1u << to);
	if (was_ready && !channel_ready(w, to, from))
		w->nbusy--;
	else if (!was_ready && channel_ready(w, to, from))
		w->nbusy++;
	if (!hold)
		world_settle(w);
}

/*
 * The parent runs a script check: a virtual host answers it.  As the
 * daemon's parent, not one of a configuration it no longer runs (the
 * HCE cancels those on switching).
 */
static void
parent_script_run(struct world *w, const struct msg *m)
{
	const struct msg_script_run	*sr = &m->u.script_run;
	struct check_request		 req;
	struct check_result		 r;
	const struct host_conf		*hc;
	struct world_host		*h;

	if (m->gen != w->parent_conf->gen) {
		buf_printf(&w->line, "parent: script for host %u of "
		    "configuration %u refused: configuration %u is running",
		    sr->host_id, m->gen, w->parent_conf->gen);
		world_print_line(w, 1);
		return;
	}
	if ((hc = config_host(w->parent_conf, sr->host_id)) == NULL ||
	    sr->host_id >= w->nhosts) {
		world_fail(w, "script run for an unknown host");
		return;
	}
	memset(&req, 0, sizeof(req));
	req.host_id = sr->host_id;
	req.seq = sr->seq;
	req.host = hc;
	req.table = config_table(w->parent_conf, hc->table_id);
	req.timeout_ms = sr->timeout_ms;
	if (req.table == NULL) {
		world_fail(w, "script run for a host without table");
		return;
	}
	h = &w->hosts[sr->host_id];
	vhost_check(&w->vhosts[h->vhost], &req, w->clock.now_ms,
	    world_jitter(w), &r);
	h->inflight_seq = sr->seq;
	world_schedule_result(w, WEV_SCRIPT, &r);
}

static void
parent_dispatch(struct world *w, enum hs_peer from, const struct msg *m)
{
	switch (m->type) {
	case MSG_DEMOTE:
		if (demote_dispatch(w->demote, from, m) == -1) {
			buf_printf(&w->line, "carp: demote %s %+d refused",
			    m->u.demote.group, m->u.demote.delta);
			world_print_line(w, 0);
		}
		break;
	case MSG_SCRIPT_RUN:
		parent_script_run(w, m);
		break;
	case MSG_CFG_READY:
	case MSG_CFG_FAIL:
		world_parent_reload_msg(w, from, m);
		break;
	default:
		buf_printf(&w->line, "parent: unexpected %s message",
		    msg_type_name(m->type));
		world_print_line(w, 0);
		world_fail(w, "unexpected message to the parent");
		break;
	}
}

/* The pfe takes a host's status: did its state change? */
static int
pfe_host_status(struct world *w, enum hs_peer from, const struct msg *m)
{
	uint32_t	id = m->u.host_status.host_id;
	enum host_state	before;
	int		rv;

	if (id >= w->conf->nhosts)
		return pfe_dispatch(w->pfe, from, m, w->clock.now_ms);
	before = pfe_host_state(w->pfe, id);
	rv = pfe_dispatch(w->pfe, from, m, w->clock.now_ms);
	if (pfe_host_state(w->pfe, id) != before)
		world_changed(w, WORLD_CHANGED_TABLE,
		    w->conf->hosts[id].table_id);
	else
		world_changed(w, WORLD_CHANGED_HOST, id);
	return rv;
}

static int
world_dispatch(struct world *w, enum hs_peer to, enum hs_peer from,
    const struct msg *m)
{
	switch (to) {
	case PEER_PFE:
		if (reload_msg(m))
			return reload_child_dispatch(&w->reload_pfe, from, m);
		if (m->type == MSG_HOST_STATUS)
			return pfe_host_status(w, from, m);
		return pfe_dispatch(w->pfe, from, m, w->clock.now_ms);
	case PEER_HCE:
		if (reload_msg(m))
			return reload_child_dispatch(&w->reload_hce, from, m);
		return hce_dispatch(w->hce, from, m, w->clock.now_ms);
	case PEER_PARENT:
		parent_dispatch(w, from, m);
		return 0;
	case PEER_RELAY:
		if (reload_msg(m))
			return reload_child_dispatch(&w->reload_relay, from, m);
		return world_relay_dispatch(w, from, m);
	default:
		return -1;
	}
}

/* Deliver the oldest message of one channel the seed picks. */
void
world_deliver(struct world *w)
{
	struct msg_fifo	*f = NULL;
	enum hs_peer	 to = PEER_MAX, from = PEER_MAX;
	unsigned int	 k, i;
	int		 rv;

	k = w->nbusy > 1 ? (unsigned int)prng_below(&w->order, w->nbusy) : 0;
	for (i = 0; i < PEER_MAX * PEER_MAX; i++) {
		to = (enum hs_peer)(i / PEER_MAX);
		from = (enum hs_peer)(i % PEER_MAX);
		if (channel_ready(w, to, from) && k-- == 0)
			break;
	}
	if (i == PEER_MAX * PEER_MAX) {
		world_fail(w, "no channel to deliver from");
		return;
	}
	f = &w->chan[to][from];
	rv = fifo_pop(f, &to, &from, &w->msg);
	if (fifo_empty(f))
		w->nbusy--;
	if (rv == -1) {
		world_fail(w, "a queued message does not decode");
		return;
	}
	w->nmsgs++;
	if (world_dispatch(w, to, from, &w->msg) == -1) {
		buf_printf(&w->line, "%s rejected %s message",
		    to == PEER_PFE ? "pfe" : to == PEER_HCE ? "hce" : "relay",
		    msg_type_name(w->msg.type));
		world_print_line(w, 0);
		world_fail(w, "an engine rejected a message");
	}
}

/* Deliver every message, including those sent while delivering. */
void
world_drain(struct world *w)
{
	uint64_t	n = 0;

	while (w->nbusy > 0 && !w->error) {
		if (++n > WORLD_DISPATCH_MAX) {
			world_fail(w, "engines keep messaging each other");
			return;
		}
		world_deliver(w);
	}
}
