/*
 * The simulated world's wiring and event loop.  See world.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sim/world_priv.h"
#include "core/ctl.h"
#include "core/demote.h"
#include "core/hce.h"
#include "core/pfe.h"

void
world_fail(struct world *w, const char *what)
{
	if (w->error)
		return;
	w->error = 1;
	(void)snprintf(w->errstr, sizeof(w->errstr), "%s", what);
}

void
world_print(struct world *w, int level, const char *line)
{
	if (w->opts.quiet || w->opts.line == NULL)
		return;
	if (level > 0 && !w->verbose)
		return;
	w->opts.line(w->opts.line_arg, w->clock.now_ms, level, line);
}

/* Print the world's scratch line buffer and reset it. */
void
world_print_line(struct world *w, int level)
{
	if (w->line.truncated)
		world_fail(w, "timeline line too long");
	world_print(w, level, buf_str(&w->line));
	buf_reset(&w->line);
}

static void
io_log(void *arg, int level, const char *line)
{
	world_print(arg, level, line);
}

void
world_hce_send(void *arg, enum hs_peer to, const struct msg *m)
{
	world_send(arg, to, PEER_HCE, m);
}

void
world_pfe_send(void *arg, enum hs_peer to, const struct msg *m)
{
	world_send(arg, to, PEER_PFE, m);
}

void
world_parent_send(void *arg, enum hs_peer to, const struct msg *m)
{
	world_send(arg, to, PEER_PARENT, m);
}

/* How much later than its latency an answer comes: seeded. */
uint32_t
world_jitter(struct world *w)
{
	uint32_t	lo = w->opts.jitter_min_ms, hi = w->opts.jitter_max_ms;

	if (hi <= lo)
		return lo;
	return lo + (uint32_t)prng_below(&w->jitter, (uint64_t)(hi - lo) + 1);
}

void
world_changed(struct world *w, enum world_change what, uint32_t id)
{
	if (w->changed != NULL)
		w->changed(w->after_arg, what, id);
}

void
world_relay_send(void *arg, enum hs_peer to, const struct msg *m)
{
	world_send(arg, to, PEER_RELAY, m);
}

/* Pack a result into an event: it is due at start + rtt. */
void
world_schedule_result(struct world *w, uint32_t kind,
    const struct check_result *r)
{
	struct sim_event	ev;

	memset(&ev, 0, sizeof(ev));
	ev.time_ms = w->clock.now_ms + r->rtt_ms;
	ev.kind = kind;
	ev.a = r->host_id;
	ev.b = r->seq;
	ev.tag = (uint16_t)w->epoch;
	ev.c = (uint64_t)r->error | (uint64_t)(r->up ? 1 : 0) << 8 |
	    (uint64_t)(r->rtt_ms & 0x7fffff) << 9 |
	    (uint64_t)(uint32_t)r->detail << 32;
	if (clock_schedule(&w->clock, &ev) == -1)
		world_fail(w, "event queue full");
}

static void
unpack_result(const struct sim_event *ev, struct check_result *r)
{
	r->host_id = ev->a;
	r->seq = ev->b;
	r->error = (enum check_error)(ev->c & 0xff);
	r->up = (ev->c >> 8) & 1;
	r->rtt_ms = (uint32_t)((ev->c >> 9) & 0x7fffff);
	r->detail = (int32_t)(uint32_t)(ev->c >> 32);
}

static void
hce_check_start(void *arg, const struct check_request *req)
{
	struct world		*w = arg;
	struct world_host	*h;
	struct check_result	 r;

	if (req->host_id >= w->nhosts) {
		world_fail(w, "check started for an unknown host");
		return;
	}
	h = &w->hosts[req->host_id];
	vhost_check(&w->vhosts[h->vhost], req, w->clock.now_ms,
	    world_jitter(w), &r);
	h->inflight_seq = req->seq;
	world_schedule_result(w, WEV_CHECK, &r);
}

static void
hce_check_cancel(void *arg, uint32_t host_id, uint64_t seq)
{
	struct world	*w = arg;

	if (host_id < w->nhosts && w->hosts[host_id].inflight_seq == seq)
		w->hosts[host_id].inflight_seq = 0;
}

/* What the world knows of a completed check, for the invariants. */
void
world_host_result(struct world *w, const struct check_result *r)
{
	struct world_host	*h = &w->hosts[r->host_id];

	h->inflight_seq = 0;
	h->last_up = r->up;
	h->fails = r->up ? 0 : h->fails + 1;
	h->results++;
	w->nchecks++;
	world_changed(w, WORLD_CHANGED_HOST, r->host_id);
}

static void
world_check_done(struct world *w, const struct sim_event *ev)
{
	struct check_result	r;

	if (ev->tag != (uint16_t)w->epoch || ev->a >= w->nhosts ||
	    w->hosts[ev->a].inflight_seq != ev->b)
		return;		/* cancelled, or from before a reload */
	unpack_result(ev, &r);
	world_host_result(w, &r);
	hce_check_done(w->hce, &r, w->clock.now_ms);
}

static void
world_script_done(struct world *w, const struct sim_event *ev)
{
	struct check_result	r;
	struct msg		m;

	if (ev->tag != (uint16_t)w->epoch || ev->a >= w->nhosts ||
	    w->hosts[ev->a].inflight_seq != ev->b)
		return;
	unpack_result(ev, &r);
	world_host_result(w, &r);
	memset(&m, 0, sizeof(m));
	m.type = MSG_SCRIPT_DONE;
	m.gen = w->parent_conf->gen;
	m.u.script_done.host_id = r.host_id;
	m.u.script_done.seq = r.seq;
	m.u.script_done.rtt_ms = r.rtt_ms;
	m.u.script_done.timed_out = r.error == HCE_SCRIPT_TIMEOUT;
	m.u.script_done.status = r.error == HCE_SCRIPT_TIMEOUT ? -1 :
	    r.detail;
	world_parent_send(w, PEER_HCE, &m);
}

static bool
addrs_contain(const struct l3_host *h, size_t n, const struct hs_addr *x)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (addr_equal(&h[i].addr, x))
			return true;
	return false;
}

/* The injected fault: is this replace one that removes an address? */
static bool
replace_removes(const struct world *w, const char *service,
    const struct l3_host *hosts, size_t n)
{
	const struct rec_service	*s;
	size_t				 i;

	if ((s = recorder_service(&w->rec, service)) == NULL)
		return false;
	for (i = 0; i < s->naddrs; i++)
		if (!addrs_contain(hosts, n, &s->addrs[i]))
			return true;
	return false;
}

/* A service the scenario made fail refuses, as a kernel would. */
static bool
l3_refused(struct world *w, const char *service, const char *op,
    struct buf *err)
{
	if (!recorder_refuses(&w->rec, service))
		return false;
	buf_puts(err, "refused (layer3 fail)");
	if (!w->opts.quiet) {
		buf_printf(&w->line, "pf: %s %s refused (layer3 fail)", op,
		    service);
		world_print_line(w, 0);
	}
	return true;
}

static int
pfe_table_replace(void *arg, const struct service_conf *svc,
    const struct l3_table *lt, struct buf *err)
{
	struct world	*w = arg;
	struct buf	*line = w->opts.quiet ? NULL : &w->line;

	if (l3_refused(w, svc->name, "table", err))
		return -1;
	if ((w->opts.inject & WORLD_INJECT_DROP_TABLE_REMOVE) &&
	    replace_removes(w, svc->name, lt->hosts, lt->nhosts)) {
		buf_printf(&w->line, "pf: table %s replace dropped (injected "
		    "fault)", svc->name);
		world_print_line(w, 1);
		return 0;
	}
	if (recorder_table_replace(&w->rec, svc->name, lt->table->name,
	    lt->hosts, lt->nhosts, line) == -1)
		world_fail(w, "recorder: table replace failed");
	world_changed(w, WORLD_CHANGED_SERVICE, svc->id);
	if (line != NULL)
		world_print_line(w, 0);
	return 0;
}

static int
pfe_rules(struct world *w, const struct service_conf *svc, bool add,
    struct buf *err)
{
	struct buf	*line = w->opts.quiet ? NULL : &w->line;

	if (l3_refused(w, svc->name, "rules", err))
		return -1;
	if (recorder_rules(&w->rec, svc->name, add, line) == -1)
		world_fail(w, "recorder: rules change failed");
	world_changed(w, WORLD_CHANGED_SERVICE, svc->id);
	if (line != NULL)
		world_print_line(w, 0);
	return 0;
}

static int
pfe_rules_add(void *arg, const struct service_conf *svc,
    const struct table_conf *active, struct buf *err)
{
	return pfe_rules(arg, svc, true, err);
}

static int
pfe_rules_remove(void *arg, const struct service_conf *svc, struct buf *err)
{
	return pfe_rules(arg, svc, false, err);
}

static int
pfe_l3_flush(void *arg, struct buf *err)
{
	struct world	*w = arg;
	struct buf	 lines;

	buf_init(&lines, WORLD_LINE_MAX);
	if (recorder_flush(&w->rec, w->opts.quiet ? NULL : &lines) == -1)
		world_fail(w, "recorder: flush failed");
	world_print_text(w, buf_str(&lines));
	buf_free(&lines);
	return 0;
}

static void
pfe_event(void *arg, const struct ctl_event *ev)
{
	struct world	*w = arg;

	if (!w->monitor || w->opts.quiet)
		return;
	ctl_render_event(ev, &w->line);
	/* The renderer ends lines with newlines: print them one by one. */
	world_print_text(w, buf_str(&w->line));
	buf_reset(&w->line);
}

/* Print text line by line (renderer output ends lines with '\n'). */
void
world_print_text(struct world *w, const char *text)
{
	char	line[WORLD_LINE_MAX];

	while (text_next_line(&text, line, sizeof(line)))
		world_print(w, 0, line);
}

static int
world_engines(struct world *w, struct buf *err)
{
	struct hce_io		hio;
	struct pfe_io		pio;
	struct demote_io	dio;

	memset(&hio, 0, sizeof(hio));
	hio.arg = w;
	hio.check_start = hce_check_start;
	hio.check_cancel = hce_check_cancel;
	hio.send = world_hce_send;
	hio.log = io_log;
	memset(&pio, 0, sizeof(pio));
	pio.arg = w;
	pio.l3_arg = w;
	pio.table_replace = pfe_table_replace;
	pio.rules_add = pfe_rules_add;
	pio.rules_remove = pfe_rules_remove;
	pio.l3_flush = pfe_l3_flush;
	pio.event = w->opts.quiet ? NULL : pfe_event;
	pio.reply = world_reply;
	pio.send = world_pfe_send;
	pio.log = io_log;
	world_demote_io(w, &dio);
	dio.log = io_log;
	w->hce = hce_new(w->conf, &hio, w->opts.max_inflight != 0 ?
	    w->opts.max_inflight : HCE_INFLIGHT_DEFAULT, w->clock.now_ms);
	w->pfe = pfe_new(w->conf, &pio, w->clock.now_ms);
	w->demote = demote_new(&dio);
	if (w->pfe != NULL)
		pfe_set_relay_procs(w->pfe, 1);
	if (w->hce == NULL || w->pfe == NULL || w->demote == NULL ||
	    world_relay_init(w) == -1) {
		buf_puts(err, "cannot create the engines: out of memory");
		return -1;
	}
	return 0;
}

struct world *
world_new(struct config *conf, const struct world_opts *opts,
    struct buf *err)
{
	struct world	*w;
	uint64_t	 state = opts->seed;
	size_t		 i;

	if ((w = calloc(1, sizeof(*w))) == NULL) {
		config_free(conf);
		buf_puts(err, "out of memory");
		return NULL;
	}
	w->opts = *opts;
	conf->gen = 1;
	w->conf = w->hce_conf = w->parent_conf = conf;
	clock_init(&w->clock);
	/* Independent streams: more jitter draws move no delivery. */
	prng_seed(&w->order, prng_mix(&state));
	prng_seed(&w->jitter, prng_mix(&state));
	recorder_init(&w->rec);
	for (i = 0; i < PEER_MAX * PEER_MAX; i++)
		fifo_init(&w->chan[i / PEER_MAX][i % PEER_MAX],
		    WORLD_FIFO_MAX);
	buf_init(&w->line, WORLD_LINE_MAX);
	if (world_hosts_alloc(w, conf->nhosts) == -1 ||
	    world_map_hosts(w) == -1) {
		buf_puts(err, "out of memory");
		world_free(w);
		return NULL;
	}
	if (world_engines(w, err) == -1) {
		world_free(w);
		return NULL;
	}
	world_reload_init(w);
	world_set_verbose(w, false);
	return w;
}

void
world_free(struct world *w)
{
	size_t	i;

	if (w == NULL)
		return;
	if (w->hce != NULL)
		hce_free(w->hce);
	if (w->pfe != NULL)
		pfe_free(w->pfe);
	world_relay_free(w);
	demote_free(w->demote);
	for (i = 0; i < w->nvhosts; i++) {
		vhost_free(&w->vhosts[i]);
		free(w->vhost_names[i]);
	}
	free(w->vhosts);
	free(w->vhost_names);
	free(w->vhost_first);
	free(w->hosts);
	world_reload_free(w);
	clock_free(&w->clock);
	recorder_free(&w->rec);
	for (i = 0; i < PEER_MAX * PEER_MAX; i++)
		fifo_free(&w->chan[i / PEER_MAX][i % PEER_MAX]);
	buf_free(&w->line);
	free(w);
}

void
world_set_verbose(struct world *w, bool verbose)
{
	w->verbose = verbose;
	/* Lines nobody prints are not even formatted: most of a check. */
	hce_log_level(w->hce, w->opts.quiet ? -1 : verbose ? 1 : 0);
}

uint64_t
world_now(const struct world *w)
{
	return w->clock.now_ms;
}

/* As the daemon: the parent starts the HCE, which starts the PFE. */
int
world_start(struct world *w)
{
	if (w->conf->demote[0] != '\0' &&
	    demote_global(w->demote, w->conf->demote) == -1)
		world_fail(w, "cannot set the global demote group");
	reload_parent_start(&w->reload_parent);
	world_drain(w);
	world_changed(w, WORLD_CHANGED_ALL, 0);
	return w->error ? -1 : 0;
}

static void
world_event(struct world *w, const struct sim_event *ev)
{
	switch (ev->kind) {
	case WEV_CHECK:
		world_check_done(w, ev);
		break;
	case WEV_SCRIPT:
		world_script_done(w, ev);
		break;
	default:
		world_fail(w, "unknown event");
		break;
	}
}

/* The engines' next work: the hce's checks, a refused apply's retry. */
static uint64_t
world_deadline(const struct world *w)
{
	uint64_t	hn, pn;

	hn = hce_next_deadline(w->hce);
	pn = pfe_next_deadline(w->pfe);
	return pn < hn ? pn : hn;
}

/* Work due at now, before t: an answer first, then the engines'. */
static bool
world_due(const struct world *w, uint64_t t)
{
	uint64_t	now = w->clock.now_ms, dn;

	if (now >= t)
		return false;
	dn = world_deadline(w);
	return clock_next(&w->clock) <= now || (dn != HS_TIME_NEVER &&
	    dn <= now);
}

static void
world_step(struct world *w)
{
	struct sim_event	ev;
	uint64_t		qn, hn, pn;

	qn = clock_next(&w->clock);
	hn = hce_next_deadline(w->hce);
	if (hn != HS_TIME_NEVER && hn < w->clock.now_ms)
		hn = w->clock.now_ms;
	pn = pfe_next_deadline(w->pfe);
	if (pn != HS_TIME_NEVER && pn < w->clock.now_ms)
		pn = w->clock.now_ms;
	/* Answers due at an instant come before new checks. */
	if (qn != UINT64_MAX && qn <= hn && qn <= pn) {
		(void)clock_pop(&w->clock, &ev);
		world_event(w, &ev);
	} else if (hn <= pn) {
		w->clock.now_ms = hn;
		hce_run(w->hce, hn);
	} else {
		w->clock.now_ms = pn;
		pfe_run(w->pfe, pn);
	}
}

/* Move now to the next event or engine work before t; false if none. */
static bool
world_advance(struct world *w, uint64_t t)
{
	uint64_t	qn, dn, next;

	qn = clock_next(&w->clock);
	dn = world_deadline(w);
	next = qn;
	if (dn != HS_TIME_NEVER && dn < next)
		next = dn;
	if (next == UINT64_MAX || next >= t)
		return false;
	if (next > w->clock.now_ms)
		w->clock.now_ms = next;
	return true;
}

/*
 * A message in flight or the work due now, as the seed picks; then, if
 * nothing is in flight, the invariants may look.  n counts messages
 * since the last event: engines that only message each other loop.
 */
/* After a step: with nothing in flight, the invariants may look. */
static void
world_quiet(struct world *w, uint64_t *n)
{
	*n = 0;
	if (w->nbusy > 0)
		return;
	w->nevents++;
	if (w->after_event != NULL)
		w->after_event(w->after_arg, w);
}

static void
world_pick(struct world *w, bool due, uint64_t *n)
{
	if (w->nbusy > 0 && (!due ||
	    prng_below(&w->order, w->nbusy + 1) < w->nbusy)) {
		if (++*n > WORLD_DISPATCH_MAX) {
			world_fail(w, "engines keep messaging each other");
			return;
		}
		world_deliver(w);
		if (w->nbusy == 0)
			world_quiet(w, n);
		return;
	}
	world_step(w);
	world_quiet(w, n);
}

/*
 * The statement applied at now is done: deliver what it sent, crossing
 * the work that was due at now before it (answers, checks), not what
 * it made due itself, which comes after the statements at now.
 */
void
world_settle(struct world *w)
{
	struct sim_event	ev;
	uint64_t		n = 0, before = w->clock.next_order;
	uint64_t		now = w->clock.now_ms, hn;
	bool			hce_due, answer;
	unsigned int		k;

	hn = hce_next_deadline(w->hce);
	hce_due = hn != HS_TIME_NEVER && hn <= now;
	while (w->nbusy > 0 && !w->error) {
		answer = clock_peek(&w->clock, &ev) && ev.time_ms <= now &&
		    ev.order < before;
		/* Answers due at an instant come before new checks. */
		k = (unsigned int)prng_below(&w->order, w->nbusy +
		    (answer || hce_due ? 1 : 0));
		if (k < w->nbusy) {
			world_pick(w, false, &n);
			continue;
		}
		if (answer) {
			(void)clock_pop(&w->clock, &ev);
			world_event(w, &ev);
		} else {
			hce_due = false;	/* once: the checks due then */
			if ((hn = hce_next_deadline(w->hce)) != HS_TIME_NEVER &&
			    hn <= now)
				hce_run(w->hce, now);
		}
		world_quiet(w, &n);
	}
}

int
world_run_before(struct world *w, uint64_t t)
{
	uint64_t	n = 0;
	bool		due;

	while (!w->error && !w->stopped) {
		due = world_due(w, t);
		if (w->nbusy == 0 && !due && !(due = world_advance(w, t)))
			break;
		world_pick(w, due, &n);
	}
	if (t != UINT64_MAX && t > w->clock.now_ms)
		w->clock.now_ms = t;
	return w->error ? -1 : 0;
}
