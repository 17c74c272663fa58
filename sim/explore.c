/*
 * Random fault schedules and one run of each, with the invariants; see
 * explore.h.  explore_jobs.c runs many, in order or in parallel.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sim/prng.h"
#include "backends/sim/world.h"
#include "sim/explore_priv.h"
#include "sim/invariants.h"
#include "sim/run.h"
#include "sim/scenario.h"

static int
strp_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sort and drop repeats; the new count. */
static size_t
unique(const char **v, size_t n)
{
	size_t	i, j = 0;

	qsort(v, n, sizeof(*v), strp_cmp);
	for (i = 0; i < n; i++)
		if (j == 0 || strcmp(v[j - 1], v[i]) != 0)
			v[j++] = v[i];
	return j;
}

int
targets_init(struct targets *tg, const struct config *c)
{
	const struct table_conf	*t;
	size_t			 i, n = 0;

	memset(tg, 0, sizeof(*tg));
	tg->hosts = calloc(c->nhosts + 1, sizeof(char *));
	tg->tables = calloc(c->ntables + 1, sizeof(char *));
	tg->services = calloc(c->nservices + 1, sizeof(char *));
	tg->paths = calloc(c->ntables + 1, sizeof(char *));
	if (tg->hosts == NULL || tg->tables == NULL || tg->services == NULL ||
	    tg->paths == NULL)
		return -1;
	for (i = 0; i < c->nhosts; i++) {
		t = config_table(c, c->hosts[i].table_id);
		if (t != NULL && config_table_live(t))
			tg->hosts[n++] = c->hosts[i].name;
		if (t != NULL && config_table_live(t) &&
		    t->check.type != CHECK_NONE)
			tg->nchecked++;
	}
	tg->nhosts = unique(tg->hosts, n);	/* one per virtual host */
	for (i = 0; i < c->ntables; i++) {
		t = &c->tables[i];
		if (!config_table_live(t))
			continue;
		tg->tables[tg->ntables++] = t->name;
		if ((t->check.type == CHECK_HTTP_CODE ||
		    t->check.type == CHECK_HTTP_DIGEST) &&
		    strchr(t->check.path, '"') == NULL &&
		    strchr(t->check.path, '\\') == NULL)
			tg->paths[tg->npaths++] = t->check.path;
	}
	tg->npaths = unique(tg->paths, tg->npaths);
	for (i = 0; i < c->nservices; i++)
		tg->services[tg->nservices++] = c->services[i].name;
	tg->interval_ms = c->interval_s * 1000;
	tg->timeout_ms = c->timeout_ms;
	return 0;
}

void
targets_free(struct targets *tg)
{
	free(tg->hosts);
	free(tg->tables);
	free(tg->services);
	free(tg->paths);
}

static const char *
pick(struct prng *p, const char **names, size_t n)
{
	return n == 0 ? NULL : names[prng_below(p, n)];
}

/* What a host answers on one path: a wrong, slow or large page. */
static void
gen_answer(struct prng *p, const struct targets *tg, const char *h,
    char *out, size_t len)
{
	static const unsigned int codes[] = { 200, 404, 500, 503 };
	const char	*path = pick(p, tg->paths, tg->npaths);
	uint64_t	 k = prng_below(p, 100);

	if (k < 25)
		(void)snprintf(out, len, "host %s path \"%s\" http-code %u",
		    h, path, codes[prng_below(p, 4)]);
	else if (k < 45)
		(void)snprintf(out, len, "host %s path \"%s\" body \"%s\"", h,
		    path, prng_below(p, 2) ? "" : "error page");
	else if (k < 60)
		(void)snprintf(out, len, "host %s path \"%s\" slow %llums", h,
		    path, (unsigned long long)prng_below(p,
		    2 * (uint64_t)tg->timeout_ms));
	else if (k < 70)
		(void)snprintf(out, len, "host %s path \"%s\" body-size %llu",
		    h, path, (unsigned long long)(prng_below(p, 2) ? 4096 :
		    2u * 1024 * 1024));
	else if (k < 80)
		(void)snprintf(out, len, "host %s path \"%s\" one-read", h,
		    path);
	else
		(void)snprintf(out, len, "host %s path \"%s\" up", h, path);
}

/* One random fault on a random host. */
static void
gen_fault(struct prng *p, const struct targets *tg, char *out, size_t len)
{
	static const char *const bodies[] = { "\"\"", "ok", "\"error page\"" };
	static const unsigned int codes[] = { 200, 404, 500, 503 };
	const char	*h = pick(p, tg->hosts, tg->nhosts);
	uint64_t	 k = prng_below(p, 100);

	if (k < 22)
		(void)snprintf(out, len, "host %s down", h);
	else if (k < 30)
		(void)snprintf(out, len, "host %s refuse", h);
	else if (k < 56)
		(void)snprintf(out, len, "host %s up", h);
	else if (k < 64)
		(void)snprintf(out, len, "host %s latency %llums", h,
		    (unsigned long long)(prng_below(p, 2) ?
		    tg->timeout_ms / 4 : tg->timeout_ms * 2));
	else if (k < 72)
		(void)snprintf(out, len, "host %s http-code %u", h,
		    codes[prng_below(p, 4)]);
	else if (k < 78)
		(void)snprintf(out, len, "host %s body %s", h,
		    bodies[prng_below(p, 3)]);
	else if (k < 84 || tg->npaths == 0)
		(void)snprintf(out, len, "host %s flap %llums", h,
		    (unsigned long long)(1000 +
		    prng_below(p, 2 * (uint64_t)tg->interval_ms)));
	else
		gen_answer(p, tg, h, out, len);
}

/* One random operator command, or the kernel refusing a service. */
static void
gen_ctl(struct prng *p, const struct targets *tg, char *out, size_t len)
{
	const char	*onoff = prng_below(p, 2) ? "enable" : "disable";
	uint64_t	 k = prng_below(p, 100);

	if (k < 40 && tg->nhosts > 0)
		(void)snprintf(out, len, "ctl host %s %s", onoff,
		    pick(p, tg->hosts, tg->nhosts));
	else if (k < 65 && tg->ntables > 0)
		(void)snprintf(out, len, "ctl table %s %s", onoff,
		    pick(p, tg->tables, tg->ntables));
	else if (k < 85 && tg->nservices > 0)
		(void)snprintf(out, len, "ctl service %s %s", onoff,
		    pick(p, tg->services, tg->nservices));
	else if (k < 89 && tg->nservices > 0)
		(void)snprintf(out, len, "layer3 %s %s",
		    prng_below(p, 2) ? "fail" : "ok",
		    pick(p, tg->services, tg->nservices));
	else if (k < 92)
		(void)snprintf(out, len, "ctl reload");
	else
		(void)snprintf(out, len, "ctl poll");
}

/*
 * When a statement applies: on a 100 ms grid, or, for half the
 * operator's commands, at an instant a check starts or times out (the
 * hce spreads first checks over min(interval, hosts) ms), so that the
 * command's messages cross answers due then.
 */
static uint64_t
gen_time(struct prng *p, const struct targets *tg, const struct schedule *s,
    bool command)
{
	uint64_t	iv = tg->interval_ms, n = tg->nchecked, w, t;

	if (!command || n == 0 || iv == 0 || prng_below(p, 2) == 0)
		return prng_below(p, s->horizon / 100) * 100;
	w = iv < n ? iv : n;
	t = prng_below(p, s->horizon / iv) * iv + prng_below(p, n) * w / n;
	if (prng_below(p, 2))
		t += tg->timeout_ms;
	return t < s->horizon ? t : s->horizon - 1;
}

/* By time; generation order breaks ties (a stable insertion sort). */
static void
sched_sort(struct schedule *s)
{
	struct sched_line	l;
	size_t			i, j;

	for (i = 1; i < s->n; i++) {
		l = s->lines[i];
		for (j = i; j > 0 && s->lines[j - 1].t > l.t; j--)
			s->lines[j] = s->lines[j - 1];
		s->lines[j] = l;
	}
}

int
gen_schedule(uint64_t seed, const struct targets *tg, struct schedule *s)
{
	struct prng	p;
	size_t		i, n;

	prng_seed(&p, seed);
	s->horizon = 100 * (uint64_t)tg->interval_ms;
	if (s->horizon < 60000)
		s->horizon = 60000;
	n = 16 + (size_t)prng_below(&p, 48);
	if ((s->lines = calloc(n, sizeof(*s->lines))) == NULL)
		return -1;
	s->n = n;
	for (i = 0; i < n; i++) {
		if (tg->nhosts > 0 && prng_below(&p, 100) < 65) {
			s->lines[i].t = gen_time(&p, tg, s, false);
			gen_fault(&p, tg, s->lines[i].text,
			    sizeof(s->lines[i].text));
		} else {
			gen_ctl(&p, tg, s->lines[i].text,
			    sizeof(s->lines[i].text));
			s->lines[i].t = gen_time(&p, tg, s, true);
		}
	}
	/* No jitter, a little, or up to a quarter of the timeout. */
	switch (prng_below(&p, 3)) {
	case 0:
		s->jitter_ms = 0;
		break;
	case 1:
		s->jitter_ms = SCEN_JITTER_DEFAULT_MS;
		break;
	default:
		s->jitter_ms = tg->timeout_ms / 4;
		break;
	}
	sched_sort(s);
	return 0;
}

/*
 * The scenario text of a schedule: every statement up to cut, then the
 * expectations (one per line, without "at T") one millisecond later.
 */
void
sched_text(const char *config, uint64_t seed, unsigned int inject,
    const struct schedule *s, uint64_t cut, const char *expects,
    struct buf *out)
{
	const char	*p, *nl;
	uint64_t	 end = cut == UINT64_MAX ? s->horizon : cut + 1;
	unsigned int	 bit;
	size_t		 i;

	buf_printf(out, "config \"%s\"\nseed %llu\njitter %ums\n", config,
	    (unsigned long long)seed, s->jitter_ms);
	for (bit = 1; bit != 0 && bit <= inject; bit <<= 1)
		if ((inject & bit) && world_inject_name(bit) != NULL)
			buf_printf(out, "inject %s\n", world_inject_name(bit));
	for (i = 0; i < s->n && s->lines[i].t <= cut; i++)
		buf_printf(out, "at %llums %s\n",
		    (unsigned long long)s->lines[i].t, s->lines[i].text);
	for (p = expects; p != NULL && *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			break;
		buf_printf(out, "at %llums %.*s\n", (unsigned long long)end,
		    (int)(nl - p), p);
	}
	buf_printf(out, "run %llums\n", (unsigned long long)end);
}

void
report_init(struct run_report *rp)
{
	memset(rp, 0, sizeof(*rp));
	buf_init(&rp->msg, 4096);
	buf_init(&rp->exp, 65536);
}

void
report_free(struct run_report *rp)
{
	buf_free(&rp->msg);
	buf_free(&rp->exp);
}

/* The invariants watch a run: after every event, what it changed. */
struct watch {
	struct invariants	*inv;
	struct run_report	*rp;
	bool			 violated;
};

static void
watch_changed(void *arg, enum world_change what, uint32_t id)
{
	struct watch	*wt = arg;

	invariants_changed(wt->inv, what, id);
}

static void
watch_event(void *arg, struct world *w)
{
	struct watch	*wt = arg;

	if (wt->violated)
		return;
	if (invariants_check(wt->inv, w, &wt->rp->msg, &wt->rp->exp) == 0) {
		buf_reset(&wt->rp->msg);
		buf_reset(&wt->rp->exp);
		return;
	}
	wt->violated = true;
	wt->rp->t = world_now(w);
	w->stopped = true;	/* the rest of the run says nothing more */
}

/* Run a schedule once, watched or not; 0, or -1 on a scenario error. */
static int
run_schedule(const char *name, const char *text, bool verbose,
    struct watch *wt, struct run_result *res)
{
	struct scenario	sc;
	struct run_opts	ro;
	struct buf	err;
	int		rv;

	buf_init(&err, 65536);
	if (scenario_parse_string(name, text, strlen(text), &sc, &err) == -1) {
		fprintf(stderr, "%s", buf_str(&err));
		buf_free(&err);
		return -1;
	}
	buf_free(&err);
	memset(&ro, 0, sizeof(ro));
	ro.out = verbose ? stdout : NULL;
	ro.err = stderr;
	if (wt != NULL) {
		ro.after_event = watch_event;
		ro.changed = watch_changed;
		ro.after_arg = wt;
	}
	rv = scenario_run(&sc, &ro, res);
	scenario_free(&sc);
	return rv;
}

/* Two runs of one schedule: invariants, then the same trace again. */
int
explore_one(const struct explore_opts *eo, const char *config,
    const struct targets *tg, struct run_report *rp)
{
	struct schedule		s;
	struct watch		wt;
	struct run_result	r1, r2;
	struct buf		text;
	char			name[64];
	int			rv = -1;

	memset(&s, 0, sizeof(s));
	memset(&wt, 0, sizeof(wt));
	rp->outcome = RUN_FAILED;
	if (gen_schedule(rp->seed, tg, &s) == -1 ||
	    (wt.inv = invariants_new()) == NULL) {
		free(s.lines);
		return -1;
	}
	wt.rp = rp;
	buf_init(&text, SCHED_TEXT_MAX);
	sched_text(config, rp->seed, eo->inject, &s, UINT64_MAX, NULL, &text);
	(void)snprintf(name, sizeof(name), "explore-%llu",
	    (unsigned long long)rp->seed);
	if (run_schedule(name, buf_str(&text), eo->verbose, &wt, &r1) == -1) {
		/* The world stopped (an engine error): replay it too. */
		rp->outcome = RUN_STOPPED;
		buf_reset(&rp->msg);
		buf_reset(&rp->exp);
		buf_puts(&rp->msg, "the simulation stopped with an error");
		rp->t = s.horizon;
		rv = 0;
		goto done;
	}
	rp->checks = r1.checks;
	rp->outcome = RUN_OK;
	if (wt.violated) {
		rp->outcome = RUN_VIOLATION;
		rv = 0;
		goto done;
	}
	if (run_schedule(name, buf_str(&text), false, NULL, &r2) == -1)
		goto done;
	rp->checks += r2.checks;
	if (r1.hash != r2.hash) {
		rp->outcome = RUN_TWO_TIMELINES;
		buf_reset(&rp->msg);
		buf_puts(&rp->msg,
		    "the same seed gave two different timelines");
		rp->t = r1.end_ms;
	}
	rv = 0;
done:
	invariants_free(wt.inv);
	buf_free(&text);
	free(s.lines);
	return rv;
}
