/*
 * The scenario runner: the timeline, the statements, the expectations.
 */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sim/world.h"
#include "core/ctl.h"
#include "core/parse.h"
#include "core/pfe.h"
#include "core/relay_hosts.h"
#include "sim/run.h"

#define RUN_LOG_MAX	(64u * 1024 * 1024)	/* kept for expect log */

struct runner {
	const struct scenario	*sc;
	const struct run_opts	*ro;
	struct world		*w;
	struct run_result	*res;
	struct buf		 text;		/* ctl output, scratch */
	char			**log;		/* lines, for expect log */
	size_t			 nlog;
	size_t			 logbytes;
	int			 error;
};

void
sim_time_prefix(uint64_t ms, char *out, size_t len)
{
	(void)snprintf(out, len, "[%7llu.%03llus]  ",
	    (unsigned long long)(ms / 1000), (unsigned long long)(ms % 1000));
}

static void
hash_bytes(uint64_t *h, const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		*h ^= (unsigned char)s[i];
		*h *= 0x100000001b3ULL;
	}
}

static void
keep_line(struct runner *r, const char *line)
{
	char	**l;

	if (!r->sc->has_log_expect || r->logbytes > RUN_LOG_MAX)
		return;
	if ((l = realloc(r->log, (r->nlog + 1) * sizeof(*l))) == NULL)
		return;
	r->log = l;
	if ((l[r->nlog] = strdup(line)) == NULL)
		return;
	r->nlog++;
	r->logbytes += strlen(line);
}

/*
 * One line of output.  Timeline lines carry the virtual time; what
 * hoststatectl would print, and the closing tally, are printed verbatim
 * so that they compare with the real tool's output as they are.
 */
static void
emit(struct runner *r, bool stamped, uint64_t now, const char *line)
{
	char	 pfx[32] = "";

	if (stamped)
		sim_time_prefix(now, pfx, sizeof(pfx));
	hash_bytes(&r->res->hash, pfx, strlen(pfx));
	hash_bytes(&r->res->hash, line, strlen(line));
	hash_bytes(&r->res->hash, "\n", 1);
	if (r->ro->out != NULL)
		fprintf(r->ro->out, "%s%s\n", pfx, line);
	keep_line(r, line);
}

static void
timeline(void *arg, uint64_t now, int level, const char *line)
{
	emit(arg, true, now, line);
}

static void
say(struct runner *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
say(struct runner *r, const char *fmt, ...)
{
	struct buf	b;
	va_list		ap;

	buf_init(&b, WORLD_LINE_MAX);
	va_start(ap, fmt);
	(void)buf_vprintf(&b, fmt, ap);
	va_end(ap);
	timeline(r, world_now(r->w), 0, buf_str(&b));
	buf_free(&b);
}

/* Print multi-line output (renderer text) line by line. */
static void
say_text(struct runner *r, const char *text)
{
	char	line[WORLD_LINE_MAX];

	while (text_next_line(&text, line, sizeof(line)))
		emit(r, false, 0, line);
}

static size_t
sim_resolve(void *arg, const char *name, struct hs_addr *out, size_t max)
{
	/* Deterministic: no real DNS; only localhost is known. */
	if (max == 0 || strcmp(name, "localhost") != 0)
		return 0;
	return addr_parse("127.0.0.1", out) == 0 ? 1 : 0;
}

struct config *
sim_config_load(const struct scenario *sc, const char *path,
    struct buf *err)
{
	struct parse_opts	opts;

	memset(&opts, 0, sizeof(opts));
	opts.resolve = sim_resolve;
	opts.defines = (const char *const *)sc->defines;
	opts.ndefines = sc->ndefines;
	if (path != NULL)
		return config_parse(path, &opts, err, NULL);
	if (sc->config_path != NULL)
		return config_parse(sc->config_path, &opts, err, NULL);
	return config_parse_string(sc->path, sc->config_text,
	    strlen(sc->config_text), &opts, err, NULL);
}

bool
sim_file_is_config(const char *path)
{
	struct scenario	 sc;
	struct config	*conf;
	struct buf	 err;

	memset(&sc, 0, sizeof(sc));
	sc.config_path = (char *)path;
	buf_init(&err, 65536);
	conf = sim_config_load(&sc, NULL, &err);
	buf_free(&err);
	config_free(conf);
	return conf != NULL;
}

/*
 * Reload as the daemon's parent does: parse (errors are the answer),
 * then the handshake with the engines.  Returns as world_ctl, with what
 * hoststatectl would print in out.
 */
static int
run_reload(void *arg, struct world *w, const char *file, struct buf *out)
{
	struct runner	*r = arg;
	struct config	*conf;
	struct buf	 err;
	char		*path = NULL;
	int		 rv;

	if (file != NULL && file[0] != '\0' &&
	    (path = scenario_path(r->sc, file)) == NULL) {
		buf_puts(out, "hoststatectl: out of memory\n");
		return -1;
	}
	buf_init(&err, 65536);
	conf = sim_config_load(r->sc, path, &err);
	free(path);
	if (conf == NULL)
		rv = world_reload_refuse(w, buf_str(&err), out);
	else
		rv = world_reload(w, conf, out);
	buf_free(&err);
	return rv;
}

static void
stmt_error(struct runner *r, const struct scen_stmt *s, const char *msg,
    const char *what)
{
	if (r->ro->out != NULL)
		fflush(r->ro->out);	/* the timeline so far, then the error */
	fprintf(r->ro->err, "%s:%d: %s: %s\n", r->sc->path, s->line, msg,
	    what);
	r->error = 1;
}

/* An answering fault: the host's or the path's answer changes. */
static int
set_answer(struct vhost *vh, const struct scen_stmt *s, uint64_t now)
{
	struct vhost_answer	*a;

	if (s->fault == FAULT_UP) {		/* a path's: healthy again */
		vhost_path_reset(vh, s->path);
		vhost_answers(vh, now);
		return 0;
	}
	if ((a = vhost_answer(vh, s->path)) == NULL)
		return -1;
	switch (s->fault) {
	case FAULT_LATENCY:
		answer_set_latency(a, (uint32_t)s->value);
		break;
	case FAULT_SLOW:
		answer_set_slow(a, (uint32_t)s->value);
		break;
	case FAULT_ONE_READ:
		answer_set_slow(a, 0);
		break;
	case FAULT_HTTP_CODE:
		answer_set_code(a, (uint16_t)s->value);
		break;
	case FAULT_BODY:
		if (answer_set_body(a, s->text, strlen(s->text)) == -1)
			return -1;
		break;
	case FAULT_BODY_SIZE:
		if (answer_set_body_size(a, (size_t)s->value) == -1)
			return -1;
		break;
	default:
		return -1;
	}
	vhost_answers(vh, now);
	return 0;
}

static void
apply_fault(struct runner *r, const struct scen_stmt *s)
{
	struct vhost	*vh, before;
	uint64_t	 now = world_now(r->w);

	if ((vh = world_vhost(r->w, s->target)) == NULL) {
		stmt_error(r, s, "no such host", s->target);
		return;
	}
	say(r, "%s", s->src);
	/* Only reachability is compared with before: answers are freed. */
	memset(&before, 0, sizeof(before));
	before.reach = vh->reach;
	before.flap_ms = vh->flap_ms;
	before.since_ms = vh->since_ms;
	switch (s->fault) {
	case FAULT_DOWN:
		vhost_set_down(vh, now);
		break;
	case FAULT_REFUSE:
		vhost_set_refuse(vh, now);
		break;
	case FAULT_FLAP:
		vhost_set_flap(vh, (uint32_t)s->value, now);
		break;
	case FAULT_UP:
		if (s->path == NULL) {
			vhost_set_up(vh, now);
			break;
		}
		/* FALLTHROUGH */
	default:
		if (set_answer(vh, s, now) == -1)
			stmt_error(r, s, "out of memory or too many paths",
			    s->target);
		break;
	}
	world_vhost_changed(r->w, vh, &before);
}

static void
apply_layer3(struct runner *r, const struct scen_stmt *s)
{
	const struct service_conf	*svc;

	if ((svc = world_service(r->w, s->target)) == NULL) {
		stmt_error(r, s, "no such service", s->target);
		return;
	}
	say(r, "%s", s->src);
	if (recorder_fault(&r->w->rec, svc->name, s->value != 0,
	    world_now(r->w)) == -1)
		stmt_error(r, s, "out of memory", s->target);
}

static void
apply_ctl(struct runner *r, const struct scen_stmt *s)
{
	struct buf	out;
	int		i;

	buf_init(&out, 16u * 1024 * 1024);
	buf_puts(&out, "hoststatectl");
	for (i = 0; i < s->argc; i++)
		buf_printf(&out, " %s", s->argv[i]);
	say(r, "%s", buf_str(&out));
	buf_reset(&out);
	if (world_ctl(r->w, s->argc, s->argv, &out) == 1)
		say(r, "(no answer yet: a channel is held)");
	if (out.truncated)
		say(r, "(output truncated)");
	say_text(r, buf_str(&out));
	buf_free(&out);
}

static void
apply_reload(struct runner *r, const struct scen_stmt *s)
{
	struct buf	out;
	int		rv;

	buf_init(&out, 65536);
	say(r, "%s", s->src);
	rv = run_reload(r, r->w, s->target, &out);
	if (rv == -1) {
		say(r, "reload failed, keeping the running configuration:");
		say_text(r, buf_str(&out));
	} else if (rv == 1)
		say(r, "reload in progress: a channel is held");
	buf_free(&out);
}

static int
host_availability(struct runner *r, const char *name, struct buf *found)
{
	struct ctl_row	*rows = NULL;
	char		 av[32];
	int		 n, i, rv = -1;

	if ((n = pfe_rows(r->w->pfe, CTL_SHOW_HOSTS, world_now(r->w),
	    &rows)) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (rows[i].type != OBJ_HOST || strcmp(rows[i].name, name))
			continue;
		buf_printf(found, "%s%s", rv == 0 ? ", " : "",
		    ctl_avail_str(rows[i].up_cnt, rows[i].check_cnt, av,
		    sizeof(av)));
		rv = 0;
	}
	free(rows);
	return rv;
}

static bool
log_matches(const struct runner *r, const char *pattern)
{
	size_t	i;

	for (i = 0; i < r->nlog; i++)
		if (fnmatch(pattern, r->log[i], 0) == 0)
			return true;
	return false;
}

/* What the world shows for an expectation; -1 if no such object. */
static int
expect_found(struct runner *r, const struct scen_stmt *s, struct buf *found)
{
	const struct rec_service	*rs;

	switch (s->kind) {
	case SC_EXPECT_HOST:
		return world_host_status(r->w, s->target, found);
	case SC_EXPECT_TABLE:
		return world_table_status(r->w, s->target, found);
	case SC_EXPECT_SERVICE:
		return world_service_status(r->w, s->target, found);
	case SC_EXPECT_RELAY:
		return world_relay_status(r->w, s->target, found);
	case SC_EXPECT_DEMOTE:
		return buf_printf(found, "%lld", (long long)recorder_group(
		    &r->w->rec, s->target));
	case SC_EXPECT_LAYER3:
		rs = recorder_service(&r->w->rec, s->target);
		return recorder_addrs_str(rs, found);
	case SC_EXPECT_RULES:
		rs = recorder_service(&r->w->rec, s->target);
		return buf_puts(found, rs != NULL && rs->rules ? "loaded" :
		    "removed");
	case SC_EXPECT_AVAIL:
		return host_availability(r, s->target, found);
	case SC_EXPECT_LOG:
		return buf_puts(found, log_matches(r, s->text) ?
		    "a matching line" : "no matching line");
	default:
		return -1;
	}
}

static const char *
expect_object(enum scen_kind k)
{
	switch (k) {
	case SC_EXPECT_TABLE:
		return "table";
	case SC_EXPECT_SERVICE:
	case SC_EXPECT_LAYER3:
	case SC_EXPECT_RULES:
		return "service";
	case SC_EXPECT_RELAY:
		return "relay";
	case SC_EXPECT_DEMOTE:
		return "group";
	default:
		return "host";
	}
}

static void
apply_expect(struct runner *r, const struct scen_stmt *s)
{
	struct buf	 found, want;
	bool		 ok;

	buf_init(&found, 65536);
	buf_init(&want, 65536);
	if (s->kind == SC_EXPECT_DEMOTE)
		buf_printf(&want, "%llu", (unsigned long long)s->value);
	else if (s->kind == SC_EXPECT_RULES)
		buf_puts(&want, s->value ? "loaded" : "removed");
	else if (s->kind == SC_EXPECT_LOG)
		buf_puts(&want, "a matching line");
	else
		buf_puts(&want, s->text);
	if (expect_found(r, s, &found) == -1) {
		buf_reset(&found);
		buf_printf(&found, "no such %s %s", expect_object(s->kind),
		    s->target);
	}
	ok = strcmp(buf_str(&found), buf_str(&want)) == 0;
	if (ok) {
		r->res->passed++;
		say(r, "%s: ok", s->src);
	} else {
		r->res->failed++;
		say(r, "%s: FAILED (%s:%d): expected \"%s\", found \"%s\"",
		    s->src, r->sc->path, s->line, buf_str(&want),
		    buf_str(&found));
	}
	buf_free(&found);
	buf_free(&want);
}

/* "ADDR:PORT (id N)" of the host a connect chose, or "none". */
static int
connect_host(struct runner *r, const struct scen_stmt *s, struct buf *host,
    struct relay_target *t)
{
	struct hs_addr	client;
	uint16_t	port;
	char		a[HS_ADDRSTR_MAX];
	int		rv;

	if (scenario_endpoint(s->argv[0], &client, &port, true) == -1)
		return -1;
	rv = world_relay_connect(r->w, s->target, &client, port, t);
	if (rv == -1)
		return -1;
	if (rv == 1)
		return buf_puts(host, "none");
	(void)addr_fmt(&t->addr, a, sizeof(a));
	return buf_printf(host, t->addr.family == HS_AF_INET6 ? "[%s]:%u" :
	    "%s:%u", a, t->port);
}

/* The host a connect's expectation names matches the one chosen. */
static bool
connect_matches(const char *want, const struct relay_target *t, bool none)
{
	struct hs_addr	a;
	uint16_t	port;

	if (strcmp(want, "none") == 0 || none)
		return strcmp(want, "none") == 0 && none;
	if (scenario_endpoint(want, &a, &port, false) == -1)
		return false;
	return addr_equal(&a, &t->addr) && (port == 0 || port == t->port);
}

static void
apply_connect(struct runner *r, const struct scen_stmt *s)
{
	struct relay_target	t;
	struct buf		host;
	bool			ok;

	buf_init(&host, 256);
	if (connect_host(r, s, &host, &t) == -1) {
		stmt_error(r, s, "no such relay", s->target);
		buf_free(&host);
		return;
	}
	if (s->kind == SC_CONNECT)
		say(r, "%s: host %s", s->src, buf_str(&host));
	else {
		ok = connect_matches(s->text, &t,
		    strcmp(buf_str(&host), "none") == 0);
		if (ok) {
			r->res->passed++;
			say(r, "%s: ok", s->src);
		} else {
			r->res->failed++;
			say(r, "%s: FAILED (%s:%d): expected \"%s\", found "
			    "\"%s\"", s->src, r->sc->path, s->line, s->text,
			    buf_str(&host));
		}
	}
	buf_free(&host);
}

static void
apply(struct runner *r, const struct scen_stmt *s)
{
	switch (s->kind) {
	case SC_CONNECT:
	case SC_EXPECT_CONNECT:
		apply_connect(r, s);
		break;
	case SC_FAULT:
		apply_fault(r, s);
		break;
	case SC_HOLD:
	case SC_RELEASE:
		say(r, "%s", s->src);
		world_hold(r->w, (enum hs_peer)(s->value >> 8),
		    (enum hs_peer)(s->value & 0xff), s->kind == SC_HOLD);
		break;
	case SC_INJECT:
		say(r, "%s", s->src);
		world_inject_reload_failure(r->w, s->value == PEER_HCE ?
		    WORLD_RELOAD_FAIL_HCE : WORLD_RELOAD_FAIL_PFE);
		break;
	case SC_CTL:
		apply_ctl(r, s);
		break;
	case SC_RELOAD:
		apply_reload(r, s);
		break;
	case SC_LAYER3:
		apply_layer3(r, s);
		break;
	default:
		apply_expect(r, s);
		break;
	}
}

static void
runner_free(struct runner *r)
{
	size_t	i;

	for (i = 0; i < r->nlog; i++)
		free(r->log[i]);
	free(r->log);
	buf_free(&r->text);
	world_free(r->w);
}

static struct world *
runner_world(struct runner *r)
{
	struct world_opts	 wo;
	struct config		*conf;
	struct buf		 err;
	struct world		*w;

	buf_init(&err, 1024 * 1024);
	if ((conf = sim_config_load(r->sc, NULL, &err)) == NULL) {
		fprintf(r->ro->err, "%s", buf_str(&err));
		buf_free(&err);
		return NULL;
	}
	memset(&wo, 0, sizeof(wo));
	wo.seed = r->ro->seed_set ? r->ro->seed : r->sc->seed;
	wo.jitter_min_ms = r->sc->jitter_min_ms;
	wo.jitter_max_ms = r->sc->jitter_max_ms;
	wo.inject = r->sc->inject;
	wo.line = timeline;
	wo.line_arg = r;
	if ((w = world_new(conf, &wo, &err)) == NULL)
		fprintf(r->ro->err, "%s: %s\n", r->sc->path, buf_str(&err));
	buf_free(&err);
	if (w == NULL)
		return NULL;
	world_set_verbose(w, r->ro->verbose);
	w->reload = run_reload;
	w->reload_arg = r;
	w->after_event = r->ro->after_event;
	w->changed = r->ro->changed;
	w->after_arg = r->ro->after_arg;
	return w;
}

int
scenario_run(const struct scenario *sc, const struct run_opts *ro,
    struct run_result *res)
{
	struct runner	r;
	size_t		i;

	memset(res, 0, sizeof(*res));
	res->hash = 0xcbf29ce484222325ULL;
	memset(&r, 0, sizeof(r));
	r.sc = sc;
	r.ro = ro;
	r.res = res;
	buf_init(&r.text, 1024);
	if ((r.w = runner_world(&r)) == NULL)
		return -1;
	say(&r, "start: seed %llu, %zu hosts, %zu tables, %zu services",
	    (unsigned long long)r.w->opts.seed, r.w->conf->nhosts,
	    r.w->conf->ntables, r.w->conf->nservices);
	if (world_start(r.w) == -1)
		goto fail;
	for (i = 0; i < sc->nstmts && !r.error; i++) {
		if (world_run_before(r.w, sc->stmts[i].time_ms) == -1)
			goto fail;
		apply(&r, &sc->stmts[i]);
		if (r.w->error)
			goto fail;
	}
	if (!r.error && world_run_before(r.w, sc->run_ms) == -1)
		goto fail;
	if (r.error) {
		runner_free(&r);
		return -1;
	}
	res->checks = r.w->nchecks;
	res->end_ms = world_now(r.w);
	{
		char	tally[64];

		(void)snprintf(tally, sizeof(tally),
		    "expectations: %u passed, %u failed", res->passed,
		    res->failed);
		emit(&r, false, 0, tally);
	}
	runner_free(&r);
	return 0;
fail:
	if (ro->out != NULL)
		fflush(ro->out);
	fprintf(ro->err, "%s: simulation stopped at %llu ms: %s\n", sc->path,
	    (unsigned long long)world_now(r.w), r.w->errstr);
	runner_free(&r);
	return -1;
}
