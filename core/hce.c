/*
 * The host check engine.  Each checked host has a slot on a grid:
 * start + its phase offset + k * interval.  Due hosts wait in a FIFO
 * queue until a slot in flight is free.  The due times live in a binary
 * heap so that a run costs O(log n) per check, whatever the host count.
 * The PFE hears of a result at once when it changes what the host
 * shows (state, retries, reason, code); the counters of the others
 * follow in batches, at most HCE_COUNTERS_MS later.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/ctl.h"
#include "core/due_heap.h"
#include "core/hce.h"
#include "core/host_state.h"
#include "core/invariant.h"

#define LOG_LINE_MAX	512
#define HCE_OVERRUN_SLOTS 2	/* intervals a check may run */

struct hce_host {
	struct host_status	 st;
	uint32_t		 rtt_ms;
	int32_t			 detail;
	enum check_error	 last;		/* the latest result's reason */
	bool			 disabled;	/* by the operator */
	bool			 inflight;
	bool			 queued;
	bool			 dirty;		/* counters the PFE lacks */
	bool			 listed;	/* on the dirty list */
	uint64_t		 seq;		/* of the check in flight */
	uint64_t		 started_ms;
	uint64_t		 base_ms;	/* first slot of the grid */
};

struct hce {
	const struct config	*cfg;
	struct hce_io		 io;
	uint32_t		 max_inflight;
	uint32_t		 inflight;
	int			 log_max;	/* lines above this level are not made */
	bool			 held;		/* hce_hold */
	uint64_t		 next_seq;
	struct hce		*next;		/* a prepared reload */
	uint32_t		*next_map;	/* its hosts' ids in cfg */
	struct hce_host		*hosts;
	size_t			 nhosts;
	bool			*table_disabled;
	size_t			 ntables;
	struct due_heap		 sched;		/* next check of each host */
	uint32_t		*queue;		/* ring of host ids */
	size_t			 qhead;
	size_t			 qlen;
	uint32_t		*dirty;		/* hosts whose counters wait */
	size_t			 ndirty;
	uint64_t		 flush_ms;	/* when they go */
	struct msg		*batch;		/* 16 KiB: allocated once */
};

static const struct table_conf *
host_table(const struct hce *hce, uint32_t id)
{
	return &hce->cfg->tables[hce->cfg->hosts[id].table_id];
}

static uint64_t
table_interval_ms(const struct hce *hce, const struct table_conf *t)
{
	uint32_t	s = t->interval_s ? t->interval_s : hce->cfg->interval_s;

	return (uint64_t)(s ? s : HS_INTERVAL_DEFAULT) * 1000;
}

static uint32_t
table_timeout_ms(const struct hce *hce, const struct table_conf *t)
{
	uint32_t	ms = t->timeout_ms ? t->timeout_ms : hce->cfg->timeout_ms;

	return ms ? ms : HS_TIMEOUT_DEFAULT;
}

/* A host the configuration asks us to check, enabled or not. */
static bool
host_checkable(const struct hce *hce, uint32_t id)
{
	const struct host_conf	*hc = &hce->cfg->hosts[id];
	const struct table_conf	*t;

	if (hc->table_id >= hce->cfg->ntables)
		return false;
	t = &hce->cfg->tables[hc->table_id];
	return config_table_live(t) && t->check.type != CHECK_NONE;
}

static bool
host_enabled(const struct hce *hce, uint32_t id)
{
	return host_checkable(hce, id) && !hce->hosts[id].disabled &&
	    !hce->table_disabled[hce->cfg->hosts[id].table_id];
}

static void
queue_push(struct hce *hce, uint32_t id)
{
	struct hce_host	*h = &hce->hosts[id];

	if (h->queued)
		return;
	HS_ASSERT(hce->qlen < hce->nhosts);
	h->queued = true;
	hce->queue[(hce->qhead + hce->qlen++) % hce->nhosts] = id;
}

static uint32_t
queue_pop(struct hce *hce)
{
	uint32_t	id;

	HS_ASSERT(hce->qlen > 0 && hce->qhead < hce->nhosts);
	id = hce->queue[hce->qhead];
	HS_ASSERT(id < hce->nhosts && hce->hosts[id].queued);
	hce->qhead = (hce->qhead + 1) % hce->nhosts;
	hce->qlen--;
	hce->hosts[id].queued = false;
	return id;
}

/* Rare (disable, reload): a linear pass is fine. */
static void
queue_remove(struct hce *hce, uint32_t id)
{
	size_t	i, kept = 0, n = hce->qlen;

	if (!hce->hosts[id].queued)
		return;
	for (i = 0; i < n; i++) {
		uint32_t other = hce->queue[(hce->qhead + i) % hce->nhosts];

		if (other != id)
			hce->queue[(hce->qhead + kept++) % hce->nhosts] = other;
	}
	hce->qlen = kept;
	hce->hosts[id].queued = false;
}

/* The first slot of the host's grid at or after now. */
static uint64_t
next_slot(const struct hce *hce, uint32_t id, uint64_t now_ms)
{
	const struct hce_host	*h = &hce->hosts[id];
	uint64_t		 iv = table_interval_ms(hce, host_table(hce, id));

	if (now_ms <= h->base_ms)
		return h->base_ms;
	return h->base_ms + (now_ms - h->base_ms + iv - 1) / iv * iv;
}

static void
hce_log(struct hce *hce, int level, const char *line)
{
	if (hce->io.log != NULL)
		hce->io.log(hce->io.arg, level, line);
}

/* relayd's line: host H, check M (Nms,ERROR[,CODE]), state A -> B, ... */
static void
log_result(struct hce *hce, uint32_t id, enum host_state old,
    enum check_error error)
{
	const struct hce_host	*h = &hce->hosts[id];
	const struct table_conf	*t = host_table(hce, id);
	char			 line[LOG_LINE_MAX], code[16] = "", avail[16];
	int			 level;

	if (old != h->st.state)
		level = 0;
	else
		level = hce->cfg->log == LOG_ALL ? 0 : 1;
	if (hce->io.log == NULL || level > hce->log_max)
		return;		/* formatting is most of a check's cost */
	if (h->detail >= 0 && (error == HCE_HTTP_CODE_FAIL ||
	    error == HCE_SCRIPT_FAIL))
		(void)snprintf(code, sizeof(code), ",%d", h->detail);
	(void)snprintf(line, sizeof(line), "host %s, check %s (%ums,%s%s), "
	    "state %s -> %s, availability %s", hce->cfg->hosts[id].name,
	    check_type_name(t->check.type, t->check.tls), h->rtt_ms,
	    check_error_str(error), code, host_state_name(old),
	    host_state_name(h->st.state),
	    ctl_avail_str(h->st.up_cnt, h->st.check_cnt, avail, sizeof(avail)));
	hce_log(hce, level, line);
}

static void
log_overrun(struct hce *hce, uint32_t id, uint64_t ms)
{
	char	line[LOG_LINE_MAX];

	if (hce->io.log == NULL || hce->log_max < 1)
		return;
	(void)snprintf(line, sizeof(line), "host %s: check still running "
	    "after %llums, started again", hce->cfg->hosts[id].name,
	    (unsigned long long)ms);
	hce_log(hce, 1, line);
}

static void
send_status(struct hce *hce, uint32_t id, enum check_error error)
{
	const struct hce_host	*h = &hce->hosts[id];
	struct msg		 m;

	/* a struct msg is 16 KiB: clear only what this message uses */
	memset(&m, 0, offsetof(struct msg, u) + sizeof(m.u.host_status));
	m.type = MSG_HOST_STATUS;
	m.gen = hce->cfg->gen;
	m.u.host_status.host_id = id;
	m.u.host_status.state = (uint8_t)h->st.state;
	m.u.host_status.error = (uint8_t)error;
	m.u.host_status.retry_cnt = h->st.retry_cnt;
	m.u.host_status.check_cnt = h->st.check_cnt;
	m.u.host_status.up_cnt = h->st.up_cnt;
	m.u.host_status.rtt_ms = h->rtt_ms;
	m.u.host_status.detail = h->detail;
	m.u.host_status.rtt = h->st.rtt;
	if (hce->io.send != NULL)
		hce->io.send(hce->io.arg, PEER_PFE, &m);
}

/* Counters of unchanged results wait, at most HCE_COUNTERS_MS. */
static void
mark_dirty(struct hce *hce, uint32_t id, uint64_t now_ms)
{
	struct hce_host	*h = &hce->hosts[id];

	h->dirty = true;
	if (h->listed)
		return;
	h->listed = true;
	if (hce->ndirty == 0)
		hce->flush_ms = now_ms + HCE_COUNTERS_MS;
	hce->dirty[hce->ndirty++] = id;
}

static void
flush_send(struct hce *hce)
{
	if (hce->batch->u.host_counters.n > 0 && hce->io.send != NULL)
		hce->io.send(hce->io.arg, PEER_PFE, hce->batch);
	hce->batch->u.host_counters.n = 0;
}

/* Send the waiting counters, MSG_COUNTERS_MAX hosts a message. */
static void
flush_counters(struct hce *hce)
{
	struct msg_host_counters	*c = &hce->batch->u.host_counters;
	size_t				 i;

	hce->batch->type = MSG_HOST_COUNTERS;
	hce->batch->peerid = 0;
	hce->batch->gen = hce->cfg->gen;
	c->n = 0;
	for (i = 0; i < hce->ndirty; i++) {
		uint32_t	 id = hce->dirty[i];
		struct hce_host	*h = &hce->hosts[id];

		h->listed = false;
		if (!h->dirty)
			continue;	/* sent with a change, or disabled */
		h->dirty = false;
		c->e[c->n].host_id = id;
		c->e[c->n].check_cnt = h->st.check_cnt;
		c->e[c->n].up_cnt = h->st.up_cnt;
		c->e[c->n].rtt_ms = h->rtt_ms;
		c->e[c->n].rtt = h->st.rtt;
		if (++c->n == MSG_COUNTERS_MAX)
			flush_send(hce);
	}
	flush_send(hce);
	hce->ndirty = 0;
}

static void
record_result(struct hce *hce, uint32_t id, bool up, enum check_error error,
    uint32_t rtt_ms, int32_t detail, uint64_t now_ms)
{
	struct hce_host	*h = &hce->hosts[id];
	enum host_state	 old;
	uint32_t	 retry = h->st.retry_cnt;
	bool		 changed;

	if ((unsigned)error >= HCE_ERROR_MAX)
		error = up ? HCE_NONE : HCE_ABORTED;
	changed = error != h->last || detail != h->detail;
	h->rtt_ms = rtt_ms;
	h->detail = detail;
	h->last = error;
	old = host_state_apply(&h->st, hce->cfg->hosts[id].retry, up, error);
	host_rtt_add(&h->st, rtt_ms);
	log_result(hce, id, old, error);
	if (changed || old != h->st.state || retry != h->st.retry_cnt) {
		h->dirty = false;
		send_status(hce, id, error);
	} else
		mark_dirty(hce, id, now_ms);
}

static void
start_check(struct hce *hce, uint32_t id, uint64_t now_ms)
{
	struct hce_host		*h = &hce->hosts[id];
	struct check_request	 req;

	HS_ASSERT(!h->inflight && hce->inflight < hce->max_inflight);
	h->inflight = true;
	h->seq = ++hce->next_seq;
	h->started_ms = now_ms;
	hce->inflight++;
	memset(&req, 0, sizeof(req));
	req.host_id = id;
	req.seq = h->seq;
	req.host = &hce->cfg->hosts[id];
	req.table = host_table(hce, id);
	req.timeout_ms = table_timeout_ms(hce, req.table);
	hce->io.check_start(hce->io.arg, &req);
}

/* The host's check is no longer in flight: reported or cancelled. */
static void
check_over(struct hce *hce, uint32_t id, bool cancel)
{
	struct hce_host	*h = &hce->hosts[id];

	HS_ASSERT(h->inflight && hce->inflight > 0);
	h->inflight = false;
	hce->inflight--;
	if (cancel && hce->io.check_cancel != NULL)
		hce->io.check_cancel(hce->io.arg, id, h->seq);
}

/* Stop whatever the host has going: check in flight, queue, schedule. */
static void
host_stop(struct hce *hce, uint32_t id)
{
	if (hce->hosts[id].inflight)
		check_over(hce, id, true);
	queue_remove(hce, id);
	due_heap_remove(&hce->sched, id);
}

/*
 * Start waiting checks, at most HCE_STARTS_PER_RUN: a run is one pass of
 * the caller's loop, which sees the answers of what it started before
 * starting more.  A result starts nothing itself; otherwise a checker
 * short of CPU would go round its whole in-flight set in every pass,
 * each answer waiting for all the others.
 */
static void
drain(struct hce *hce, uint64_t now_ms)
{
	uint32_t	id, started = 0;

	while (!hce->held && hce->inflight < hce->max_inflight &&
	    hce->qlen > 0 && started < HCE_STARTS_PER_RUN) {
		id = queue_pop(hce);
		if (host_enabled(hce, id) && !hce->hosts[id].inflight) {
			start_check(hce, id, now_ms);
			started++;
		}
	}
}

/*
 * A host's slot came with its check still running.  The timeout is
 * shorter than the interval, so the host is not to blame: the check
 * started late (it waited for room in flight) or the checker was too
 * busy to see its answer.  It goes on and this slot is skipped.  A check
 * still running HCE_OVERRUN_SLOTS intervals after it started (a checker
 * starved of CPU, or one that lost it) is cancelled and started again,
 * without a verdict: what the host shows stays as it was.
 */
static void
host_due(struct hce *hce, uint32_t id, uint64_t now_ms)
{
	struct hce_host	*h = &hce->hosts[id];
	uint64_t	 iv;

	iv = table_interval_ms(hce, host_table(hce, id));
	if (h->inflight && now_ms - h->started_ms < HCE_OVERRUN_SLOTS * iv)
		return;
	if (h->inflight) {
		check_over(hce, id, true);
		log_overrun(hce, id, now_ms - h->started_ms);
	}
	queue_push(hce, id);
}

void
hce_run(struct hce *hce, uint64_t now_ms)
{
	uint32_t	 id;
	uint64_t	 iv, due;

	while ((id = due_heap_top(&hce->sched)) != DUE_NONE &&
	    due_heap_due(&hce->sched, id) <= now_ms) {
		iv = table_interval_ms(hce, host_table(hce, id));
		due = due_heap_due(&hce->sched, id) + iv;
		if (due <= now_ms)	/* called late: skip missed slots */
			due = next_slot(hce, id, now_ms + 1);
		due_heap_set(&hce->sched, id, due);
		host_due(hce, id, now_ms);
	}
	drain(hce, now_ms);
	if (hce->ndirty > 0 && now_ms >= hce->flush_ms)
		flush_counters(hce);
}

uint64_t
hce_next_deadline(const struct hce *hce)
{
	uint64_t	next = HS_TIME_NEVER;

	if (hce->qlen > 0 && hce->inflight < hce->max_inflight && !hce->held)
		return 0;
	if (due_heap_top(&hce->sched) != DUE_NONE)
		next = due_heap_due(&hce->sched, due_heap_top(&hce->sched));
	if (hce->ndirty > 0 && hce->flush_ms < next)
		next = hce->flush_ms;
	return next;
}

void
hce_check_done(struct hce *hce, const struct check_result *res,
    uint64_t now_ms)
{
	struct hce_host	*h;

	if (res->host_id >= hce->nhosts)
		return;
	h = &hce->hosts[res->host_id];
	if (!h->inflight || h->seq != res->seq)
		return;		/* stale: cancelled, disabled or reloaded */
	check_over(hce, res->host_id, false);
	record_result(hce, res->host_id, res->up, res->error, res->rtt_ms,
	    res->detail, now_ms);
}

uint32_t
hce_inflight(const struct hce *hce)
{
	return hce->inflight;
}

void
hce_log_level(struct hce *hce, int max_level)
{
	hce->log_max = max_level;
}

uint32_t
hce_queued(const struct hce *hce)
{
	return (uint32_t)hce->qlen;
}

bool
hce_host_inflight(const struct hce *hce, uint32_t id)
{
	return id < hce->nhosts && hce->hosts[id].inflight;
}

enum host_state
hce_host_state(const struct hce *hce, uint32_t id)
{
	return id < hce->nhosts ? hce->hosts[id].st.state : HOST_UNKNOWN;
}

void
hce_host_counts(const struct hce *hce, uint32_t id, uint32_t *check_cnt,
    uint32_t *up_cnt)
{
	*check_cnt = id < hce->nhosts ? hce->hosts[id].st.check_cnt : 0;
	*up_cnt = id < hce->nhosts ? hce->hosts[id].st.up_cnt : 0;
}

bool
hce_host_counts_pending(const struct hce *hce, uint32_t id)
{
	return id < hce->nhosts && hce->hosts[id].dirty;
}

uint64_t
hce_host_next_check(const struct hce *hce, uint32_t id)
{
	if (!due_heap_has(&hce->sched, id))
		return HS_TIME_NEVER;
	return due_heap_due(&hce->sched, id);
}

static void
hce_arrays_free(struct hce *hce)
{
	free(hce->hosts);
	free(hce->table_disabled);
	free(hce->queue);
	free(hce->dirty);
	due_heap_free(&hce->sched);
	hce->hosts = NULL;
	hce->table_disabled = NULL;
	hce->queue = NULL;
	hce->dirty = NULL;
}

static int
hce_arrays_alloc(struct hce *hce, const struct config *cfg)
{
	size_t	n = cfg->nhosts ? cfg->nhosts : 1;

	hce->hosts = calloc(n, sizeof(*hce->hosts));
	hce->table_disabled = calloc(cfg->ntables ? cfg->ntables : 1,
	    sizeof(*hce->table_disabled));
	hce->queue = calloc(n, sizeof(*hce->queue));
	hce->dirty = calloc(n, sizeof(*hce->dirty));
	if (due_heap_init(&hce->sched, cfg->nhosts) == -1 ||
	    hce->hosts == NULL || hce->table_disabled == NULL ||
	    hce->queue == NULL || hce->dirty == NULL) {
		hce_arrays_free(hce);
		return -1;
	}
	hce->cfg = cfg;
	hce->nhosts = cfg->nhosts;
	hce->ntables = cfg->ntables;
	hce->qhead = hce->qlen = 0;
	hce->ndirty = 0;
	hce->inflight = 0;
	return 0;
}

/*
 * Spread the checks: host k of the n checked hosts has its grid start
 * at start_ms + k * w / n, w = min(interval, n ms), and is next due
 * there (or one interval later with skip_one): a few hosts start at
 * once, a large table at an even rate.
 */
static void
hce_spread(struct hce *hce, uint64_t start_ms, bool skip_one)
{
	uint64_t	n = 0, k = 0, w, iv;
	size_t		i;

	due_heap_clear(&hce->sched);
	for (i = 0; i < hce->nhosts; i++)
		if (host_checkable(hce, (uint32_t)i))
			n++;
	for (i = 0; i < hce->nhosts; i++) {
		struct hce_host	*h = &hce->hosts[i];

		if (!host_checkable(hce, (uint32_t)i))
			continue;
		iv = table_interval_ms(hce, host_table(hce, (uint32_t)i));
		w = iv < n ? iv : n;
		h->base_ms = start_ms + k++ * w / n;
		if (host_enabled(hce, (uint32_t)i))
			due_heap_set(&hce->sched, (uint32_t)i,
			    h->base_ms + (skip_one ? iv : 0));
	}
}

static void
hce_schedule_all(struct hce *hce, uint64_t now_ms)
{
	hce_spread(hce, now_ms, false);
}

static void
hce_init_hosts(struct hce *hce)
{
	size_t	i;

	for (i = 0; i < hce->ntables; i++)
		hce->table_disabled[i] = hce->cfg->tables[i].disabled;
	for (i = 0; i < hce->nhosts; i++) {
		host_state_reset(&hce->hosts[i].st);
		hce->hosts[i].detail = -1;
		hce->hosts[i].last = HCE_NONE;
	}
}

struct hce *
hce_new(const struct config *cfg, const struct hce_io *io,
    uint32_t max_inflight, uint64_t now_ms)
{
	struct hce	*hce;

	if ((hce = calloc(1, sizeof(*hce))) == NULL ||
	    (hce->batch = calloc(1, sizeof(*hce->batch))) == NULL) {
		free(hce);
		return NULL;
	}
	hce->io = *io;
	hce->max_inflight = max_inflight ? max_inflight : HCE_INFLIGHT_DEFAULT;
	hce->log_max = 1;
	if (hce_arrays_alloc(hce, cfg) == -1) {
		free(hce->batch);
		free(hce);
		return NULL;
	}
	hce_init_hosts(hce);
	hce_schedule_all(hce, now_ms);
	return hce;
}

void
hce_free(struct hce *hce)
{
	if (hce == NULL)
		return;
	hce_reload_abort(hce);
	hce_arrays_free(hce);
	free(hce->batch);
	free(hce);
}

/* Unknown, no counters: what the PFE shows after a disable or enable. */
static void
host_reset(struct hce_host *h)
{
	host_state_reset(&h->st);
	h->rtt_ms = 0;
	h->detail = -1;
	h->last = HCE_NONE;
	h->dirty = false;
}

static void
host_disable(struct hce *hce, uint32_t id)
{
	host_stop(hce, id);
	host_reset(&hce->hosts[id]);
}

/* Unknown again, checked from its next slot on. */
static void
host_enable(struct hce *hce, uint32_t id, uint64_t now_ms)
{
	host_stop(hce, id);
	host_reset(&hce->hosts[id]);
	if (host_enabled(hce, id))
		due_heap_set(&hce->sched, id, next_slot(hce, id, now_ms));
}

static void
table_set(struct hce *hce, uint32_t tid, bool disable, uint64_t now_ms)
{
	const struct table_conf	*t = &hce->cfg->tables[tid];
	size_t			 i;

	hce->table_disabled[tid] = disable;
	for (i = 0; i < t->nhosts; i++) {
		uint32_t id = t->host_ids[i];

		if (id >= hce->nhosts)
			continue;
		if (disable)
			host_disable(hce, id);
		else
			host_enable(hce, id, now_ms);
	}
}

/*
 * Check every enabled host now, within the in-flight bound (the rest
 * wait their turn), then go on spread over the interval again: a poll
 * must not leave every host due in the same millisecond for ever.
 */
static void
hce_poll(struct hce *hce, uint64_t now_ms)
{
	size_t	i;

	for (i = 0; i < hce->nhosts; i++)
		if (host_enabled(hce, (uint32_t)i) &&
		    !hce->hosts[i].inflight)
			queue_push(hce, (uint32_t)i);
	hce_spread(hce, now_ms, true);
	hce_run(hce, now_ms);
}

/* A script check run by the parent: exit status 0 means up. */
void
hce_script_result(const struct msg_script_done *sd, struct check_result *res)
{
	memset(res, 0, sizeof(*res));
	res->host_id = sd->host_id;
	res->seq = sd->seq;
	res->rtt_ms = sd->rtt_ms;
	res->detail = sd->timed_out ? -1 : sd->status;
	res->up = sd->status == 0 && !sd->timed_out;
	if (sd->timed_out)
		res->error = HCE_SCRIPT_TIMEOUT;
	else if (sd->status == SCRIPT_STATUS_NOT_FOUND)
		res->error = HCE_SCRIPT_NOT_FOUND;
	else if (sd->status == SCRIPT_STATUS_NOT_EXECUTABLE)
		res->error = HCE_SCRIPT_NOT_EXECUTABLE;
	else
		res->error = res->up ? HCE_SCRIPT_OK : HCE_SCRIPT_FAIL;
}

static int
dispatch_id(struct hce *hce, const struct msg *m, uint64_t now_ms)
{
	uint32_t	id = m->u.id.id;

	switch (m->type) {
	case MSG_HOST_DISABLE:
	case MSG_HOST_ENABLE:
		/* hosts of unchecked (relay) tables are valid, and idle */
		if (id >= hce->nhosts || hce->cfg->hosts[id].table_id >=
		    hce->ntables || !config_table_live(host_table(hce, id)))
			return -1;
		hce->hosts[id].disabled = m->type == MSG_HOST_DISABLE;
		if (m->type == MSG_HOST_DISABLE)
			host_disable(hce, id);
		else
			host_enable(hce, id, now_ms);
		break;
	case MSG_TABLE_DISABLE:
	case MSG_TABLE_ENABLE:
		if (id >= hce->ntables ||
		    !config_table_live(&hce->cfg->tables[id]))
			return -1;
		table_set(hce, id, m->type == MSG_TABLE_DISABLE, now_ms);
		break;
	default:
		return -1;
	}
	hce_run(hce, now_ms);
	return 0;
}

bool
hce_gen_current(struct hce *hce, const struct msg *m)
{
	char	line[LOG_LINE_MAX];

	if (m->gen == hce->cfg->gen)
		return true;
	(void)snprintf(line, sizeof(line), "hce: %s for id %u of configuration "
	    "%u refused: configuration %u is running", msg_type_name(m->type),
	    m->type == MSG_SCRIPT_DONE ? m->u.script_done.host_id :
	    m->u.id.id, m->gen, hce->cfg->gen);
	hce_log(hce, 0, line);
	return false;
}

/*
 * The end of an operator's command: every message of it came before on
 * the same channel.  The answer says which configuration they met.
 */
static void
cmd_done(struct hce *hce, const struct msg *end)
{
	struct msg	m;

	memset(&m, 0, offsetof(struct msg, u) + sizeof(m.u.id));
	m.type = MSG_CMD_DONE;
	m.peerid = end->peerid;
	m.gen = hce->cfg->gen;
	m.u.id.id = end->gen;
	if (hce->io.send != NULL)
		hce->io.send(hce->io.arg, PEER_PFE, &m);
}

int
hce_dispatch(struct hce *hce, enum hs_peer peer, const struct msg *m,
    uint64_t now_ms)
{
	switch (m->type) {
	case MSG_HOST_DISABLE:
	case MSG_HOST_ENABLE:
	case MSG_TABLE_DISABLE:
	case MSG_TABLE_ENABLE:
		if (peer != PEER_PFE)
			return -1;
		if (!hce_gen_current(hce, m))
			return 0;	/* never applied to another object */
		return dispatch_id(hce, m, now_ms);
	case MSG_POLL:
		if (peer != PEER_PFE)
			return -1;
		hce_poll(hce, now_ms);
		return 0;
	case MSG_CMD_END:
		if (peer != PEER_PFE)
			return -1;
		cmd_done(hce, m);
		return 0;
	case MSG_SCRIPT_DONE: {
		struct check_result	res;

		if (peer != PEER_PARENT)
			return -1;
		if (hce_gen_current(hce, m)) {
			hce_script_result(&m->u.script_done, &res);
			hce_check_done(hce, &res, now_ms);
		}
		return 0;
	}
	default:
		return -1;
	}
}

/*
 * Carry state and counters of hosts present in both configurations.  The
 * first result of each after the switch goes to the PFE whatever it is:
 * the PFE's view of a carried host may differ from ours (a command that
 * crossed the reload was refused here, not there), and only a status
 * repairs it.
 */
static void
hce_carry(struct hce *hce, const struct hce_host *old, size_t nold,
    const uint32_t *map)
{
	size_t	i;

	for (i = 0; i < hce->nhosts && map != NULL; i++) {
		if (map[i] == HS_ID_NONE || map[i] >= nold ||
		    !host_enabled(hce, (uint32_t)i))
			continue;
		hce->hosts[i].st = old[map[i]].st;
		hce->hosts[i].rtt_ms = old[map[i]].rtt_ms;
		hce->hosts[i].detail = old[map[i]].detail;
		hce->hosts[i].last = HCE_ERROR_MAX;	/* no reason is */
	}
}

int
hce_reload_prepare(struct hce *hce, const struct config *cfg)
{
	struct hce	*next;

	hce_reload_abort(hce);
	if ((next = calloc(1, sizeof(*next))) == NULL)
		return -1;
	if ((hce->next_map = config_host_map(hce->cfg, cfg)) == NULL ||
	    hce_arrays_alloc(next, cfg) == -1) {
		free(next);
		free(hce->next_map);
		hce->next_map = NULL;
		return -1;
	}
	hce->next = next;
	return 0;
}

void
hce_reload_abort(struct hce *hce)
{
	if (hce->next != NULL) {
		hce_arrays_free(hce->next);
		free(hce->next);
		hce->next = NULL;
	}
	free(hce->next_map);
	hce->next_map = NULL;
}

void
hce_reload_commit(struct hce *hce, uint64_t now_ms)
{
	struct hce	 old;
	size_t		 i;

	HS_ASSERT(hce->next != NULL);
	/* Old ids: they must reach the PFE before the switch does. */
	flush_counters(hce);
	old = *hce;
	for (i = 0; i < old.nhosts; i++)
		if (old.hosts[i].inflight && hce->io.check_cancel != NULL)
			hce->io.check_cancel(hce->io.arg, (uint32_t)i,
			    old.hosts[i].seq);
	hce->cfg = hce->next->cfg;
	hce->hosts = hce->next->hosts;
	hce->nhosts = hce->next->nhosts;
	hce->table_disabled = hce->next->table_disabled;
	hce->ntables = hce->next->ntables;
	hce->queue = hce->next->queue;
	hce->qhead = hce->qlen = 0;
	hce->dirty = hce->next->dirty;
	hce->ndirty = 0;
	hce->sched = hce->next->sched;
	hce->inflight = 0;
	free(hce->next);
	hce->next = NULL;
	hce_init_hosts(hce);
	hce_carry(hce, old.hosts, old.nhosts, hce->next_map);
	free(hce->next_map);
	hce->next_map = NULL;
	hce_arrays_free(&old);
	hce_schedule_all(hce, now_ms);
}

int
hce_reload(struct hce *hce, const struct config *cfg, uint64_t now_ms)
{
	if (hce_reload_prepare(hce, cfg) == -1) {
		hce_log(hce, 0, "hce: reload failed: out of memory");
		return -1;
	}
	hce_reload_commit(hce, now_ms);
	return 0;
}

void
hce_hold(struct hce *hce, bool held)
{
	hce->held = held;
}

uint32_t
hce_gen(const struct hce *hce)
{
	return hce->cfg->gen;
}
