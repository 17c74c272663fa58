/*
 * Random fault schedules with invariants; see explore.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sim/prng.h"
#include "backends/sim/world.h"
#include "sim/explore.h"
#include "sim/invariants.h"
#include "sim/run.h"
#include "sim/scenario.h"

#define SCHED_TEXT_MAX	(4u * 1024 * 1024)

struct sched_line {
	uint64_t	 t;
	char		 text[HS_HOSTNAME_MAX + 64];
};

struct schedule {
	struct sched_line	*lines;
	size_t			 n;
	uint64_t		 horizon;
};

/* What a schedule can name: from the configuration. */
struct targets {
	const char	**hosts;
	size_t		 nhosts;
	const char	**tables;
	size_t		 ntables;
	const char	**services;
	size_t		 nservices;
	uint32_t	 interval_ms;
	uint32_t	 timeout_ms;
};

struct watch {
	bool		 violated;
	uint64_t	 t;
	struct buf	 msg;
	struct buf	 exp;
};

static int
strp_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
targets_init(struct targets *tg, const struct config *c)
{
	size_t	i, j, n = 0;

	memset(tg, 0, sizeof(*tg));
	tg->hosts = calloc(c->nhosts + 1, sizeof(char *));
	tg->tables = calloc(c->ntables + 1, sizeof(char *));
	tg->services = calloc(c->nservices + 1, sizeof(char *));
	if (tg->hosts == NULL || tg->tables == NULL || tg->services == NULL)
		return -1;
	for (i = 0; i < c->nhosts; i++) {
		const struct table_conf *t = config_table(c, c->hosts[i].table_id);
		if (t != NULL && config_table_live(t))
			tg->hosts[n++] = c->hosts[i].name;
	}
	/* One virtual host per name. */
	qsort(tg->hosts, n, sizeof(char *), strp_cmp);
	for (i = 0, j = 0; i < n; i++)
		if (j == 0 || strcmp(tg->hosts[j - 1], tg->hosts[i]) != 0)
			tg->hosts[j++] = tg->hosts[i];
	tg->nhosts = j;
	for (i = 0; i < c->ntables; i++)
		if (config_table_live(&c->tables[i]))
			tg->tables[tg->ntables++] = c->tables[i].name;
	for (i = 0; i < c->nservices; i++)
		tg->services[tg->nservices++] = c->services[i].name;
	tg->interval_ms = c->interval_s * 1000;
	tg->timeout_ms = c->timeout_ms;
	return 0;
}

static void
targets_free(struct targets *tg)
{
	free(tg->hosts);
	free(tg->tables);
	free(tg->services);
}

static const char *
pick(struct prng *p, const char **names, size_t n)
{
	return n == 0 ? NULL : names[prng_below(p, n)];
}

/* One random fault on a random host. */
static void
gen_fault(struct prng *p, const struct targets *tg, char *out, size_t len)
{
	static const char *const bodies[] = { "\"\"", "ok", "\"error page\"" };
	static const unsigned int codes[] = { 200, 404, 500, 503 };
	const char	*h = pick(p, tg->hosts, tg->nhosts);
	uint64_t	 k = prng_below(p, 100);

	if (k < 25)
		(void)snprintf(out, len, "host %s down", h);
	else if (k < 35)
		(void)snprintf(out, len, "host %s refuse", h);
	else if (k < 65)
		(void)snprintf(out, len, "host %s up", h);
	else if (k < 75)
		(void)snprintf(out, len, "host %s latency %llums", h,
		    (unsigned long long)(prng_below(p, 2) ?
		    tg->timeout_ms / 4 : tg->timeout_ms * 2));
	else if (k < 85)
		(void)snprintf(out, len, "host %s http-code %u", h,
		    codes[prng_below(p, 4)]);
	else if (k < 92)
		(void)snprintf(out, len, "host %s body %s", h,
		    bodies[prng_below(p, 3)]);
	else
		(void)snprintf(out, len, "host %s flap %llums", h,
		    (unsigned long long)(1000 +
		    prng_below(p, 2 * (uint64_t)tg->interval_ms)));
}

/* One random operator command. */
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
	else if (k < 92)
		(void)snprintf(out, len, "ctl reload");
	else
		(void)snprintf(out, len, "ctl poll");
}

static int
sched_cmp(const void *a, const void *b)
{
	const struct sched_line	*x = a, *y = b;

	return (x->t > y->t) - (x->t < y->t);
}

static int
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
		s->lines[i].t = prng_below(&p, s->horizon / 100) * 100;
		if (tg->nhosts > 0 && prng_below(&p, 100) < 65)
			gen_fault(&p, tg, s->lines[i].text,
			    sizeof(s->lines[i].text));
		else
			gen_ctl(&p, tg, s->lines[i].text,
			    sizeof(s->lines[i].text));
	}
	/* Generation order breaks ties: keep it (insertion stable sort). */
	for (i = 1; i < n; i++) {
		struct sched_line l = s->lines[i];
		size_t j = i;
		while (j > 0 && sched_cmp(&s->lines[j - 1], &l) > 0) {
			s->lines[j] = s->lines[j - 1];
			j--;
		}
		s->lines[j] = l;
	}
	return 0;
}

/*
 * The scenario text of a schedule: every statement up to cut, then the
 * expectations (one per line, without "at T") one millisecond later.
 */
static void
sched_text(const char *config, uint64_t seed, unsigned int inject,
    const struct schedule *s, uint64_t cut, const char *expects,
    struct buf *out)
{
	const char	*p, *nl;
	uint64_t	 end = cut == UINT64_MAX ? s->horizon : cut + 1;
	size_t		 i;

	buf_printf(out, "config \"%s\"\nseed %llu\n", config,
	    (unsigned long long)seed);
	if (inject & WORLD_INJECT_DROP_TABLE_REMOVE)
		buf_puts(out, "inject drop-table-remove\n");
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

static void
watch_event(void *arg, struct world *w)
{
	struct watch	*wt = arg;

	if (wt->violated)
		return;
	if (invariants_check(w, &wt->msg, &wt->exp) == 0) {
		buf_reset(&wt->msg);
		buf_reset(&wt->exp);
		return;
	}
	wt->violated = true;
	wt->t = world_now(w);
	w->stopped = true;	/* the rest of the run says nothing more */
}

/* Run a schedule once; 0, or -1 on a scenario error. */
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
	ro.after_event = watch_event;
	ro.after_arg = wt;
	rv = scenario_run(&sc, &ro, res);
	scenario_free(&sc);
	return rv;
}

static int
write_file(const char *path, const char *text)
{
	FILE	*f;
	int	 rv = 0;

	if ((f = fopen(path, "w")) == NULL)
		return -1;
	if (fputs(text, f) == EOF)
		rv = -1;
	if (fclose(f) == EOF)
		rv = -1;
	return rv;
}

static void
watch_init(struct watch *wt)
{
	memset(wt, 0, sizeof(*wt));
	buf_init(&wt->msg, 4096);
	buf_init(&wt->exp, 65536);
}

static void
watch_free(struct watch *wt)
{
	buf_free(&wt->msg);
	buf_free(&wt->exp);
}

static void
report(const struct explore_opts *eo, struct explore_result *er,
    uint64_t seed, const char *config, const struct schedule *s,
    const struct watch *wt)
{
	char		path[1024];
	struct buf	text;
	int		n;

	er->violations++;
	printf("explore: seed %llu: invariant violated at %llu ms: %s\n",
	    (unsigned long long)seed, (unsigned long long)wt->t,
	    buf_str(&wt->msg));
	if (er->violations > (eo->max_reports ? eo->max_reports : 10))
		return;
	n = snprintf(path, sizeof(path), "%s/explore-%llu.scenario", eo->dir,
	    (unsigned long long)seed);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		printf("explore: output path too long\n");
		return;
	}
	buf_init(&text, SCHED_TEXT_MAX);
	buf_printf(&text, "# Replays an invariant violation found by "
	    "hoststated-sim --explore.\n# %s\n", buf_str(&wt->msg));
	if (wt->exp.len == 0)
		buf_puts(&text, "# No expectation states this invariant: "
		    "the timeline up to its end shows it.\n");
	sched_text(config, seed, eo->inject, s, wt->t, buf_str(&wt->exp),
	    &text);
	if (text.truncated || write_file(path, buf_str(&text)) == -1)
		printf("explore: cannot write %s: %s\n", path,
		    text.truncated ? "too large" : strerror(errno));
	else {
		printf("explore: wrote %s\n", path);
		if (er->first_file[0] == '\0')
			(void)snprintf(er->first_file,
			    sizeof(er->first_file), "%s", path);
	}
	buf_free(&text);
}

/* Two runs of one schedule: invariants, then the same trace twice. */
static int
explore_one(const struct explore_opts *eo, struct explore_result *er,
    uint64_t seed, const char *config, const struct targets *tg)
{
	struct schedule		s;
	struct watch		w1, w2;
	struct run_result	r1, r2;
	struct buf		text;
	char			name[64];
	int			rv = -1;

	memset(&s, 0, sizeof(s));
	if (gen_schedule(seed, tg, &s) == -1)
		return -1;
	buf_init(&text, SCHED_TEXT_MAX);
	sched_text(config, seed, eo->inject, &s, UINT64_MAX, NULL, &text);
	(void)snprintf(name, sizeof(name), "explore-%llu",
	    (unsigned long long)seed);
	watch_init(&w1);
	watch_init(&w2);
	if (run_schedule(name, buf_str(&text), eo->verbose, &w1, &r1) == -1) {
		/* The world stopped (an engine error): replay it too. */
		buf_reset(&w1.msg);
		buf_reset(&w1.exp);
		buf_puts(&w1.msg, "the simulation stopped with an error");
		w1.t = s.horizon;
		report(eo, er, seed, config, &s, &w1);
		rv = 0;
		goto done;
	}
	if (run_schedule(name, buf_str(&text), false, &w2, &r2) == -1)
		goto done;
	er->checks += r1.checks + r2.checks;
	if (w1.violated)
		report(eo, er, seed, config, &s, &w1);
	else if (r1.hash != r2.hash) {
		buf_reset(&w1.msg);
		buf_puts(&w1.msg, "the same seed gave two different timelines");
		w1.t = r1.end_ms;
		report(eo, er, seed, config, &s, &w1);
	}
	rv = 0;
done:
	watch_free(&w1);
	watch_free(&w2);
	buf_free(&text);
	free(s.lines);
	return rv;
}

int
explore_run(const char *config, const struct explore_opts *eo,
    struct explore_result *er)
{
	struct scenario	 sc;
	struct targets	 tg;
	struct config	*conf;
	struct buf	 err;
	char		 abs[PATH_MAX];
	uint64_t	 state = eo->seed, r;
	int		 rv = 0;

	memset(er, 0, sizeof(*er));
	if (realpath(config, abs) == NULL) {
		fprintf(stderr, "%s: %s\n", config, strerror(errno));
		return -1;
	}
	memset(&sc, 0, sizeof(sc));
	sc.config_path = abs;
	buf_init(&err, 1024 * 1024);
	conf = sim_config_load(&sc, NULL, &err);
	if (conf == NULL) {
		fprintf(stderr, "%s", buf_str(&err));
		buf_free(&err);
		return -1;
	}
	buf_free(&err);
	if (targets_init(&tg, conf) == -1) {
		targets_free(&tg);
		config_free(conf);
		return -1;
	}
	for (r = 0; r < eo->runs && rv == 0; r++) {
		rv = explore_one(eo, er, prng_mix(&state), abs, &tg);
		er->runs++;
	}
	targets_free(&tg);
	config_free(conf);
	return rv;
}

int
explore_config(const char *config, const struct explore_opts *eo)
{
	struct explore_result	er;

	if (explore_run(config, eo, &er) == -1)
		return 2;
	printf("explore: %llu runs, %llu violations, %llu checks "
	    "(seed %llu)\n", (unsigned long long)er.runs,
	    (unsigned long long)er.violations,
	    (unsigned long long)er.checks, (unsigned long long)eo->seed);
	return er.violations > 0 ? 1 : 0;
}
