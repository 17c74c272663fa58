/*
 * Before a scenario runs: every host, table, service and relay its
 * statements name exists in the configuration in effect when the
 * statement applies (reloads switch it), and every error of the file
 * is reported at its line, all in one pass.
 */
#include <stdlib.h>
#include <string.h>

#include "backends/sim/world.h"
#include "core/ctl.h"
#include "sim/run.h"
#include "sim/scenario_priv.h"

/* The configuration in effect, with its host names sorted to search. */
struct names {
	const struct config	 *conf;
	struct config		 *owned;	/* loaded by a reload */
	const char		**hosts;	/* every host */
	size_t			  nhosts;
	const char		**live;		/* hosts of live tables */
	size_t			  nlive;
};

static int
strp_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool
sorted_has(const char **v, size_t n, const char *name)
{
	return n > 0 && bsearch(&name, v, n, sizeof(*v), strp_cmp) != NULL;
}

static void
names_free(struct names *nm)
{
	config_free(nm->owned);
	free(nm->hosts);
	free(nm->live);
	memset(nm, 0, sizeof(*nm));
}

static int
names_set(struct names *nm, const struct config *conf, struct config *owned)
{
	const struct table_conf	*t;
	size_t			 i;

	names_free(nm);
	nm->conf = conf;
	nm->owned = owned;
	nm->hosts = calloc(conf->nhosts + 1, sizeof(*nm->hosts));
	nm->live = calloc(conf->nhosts + 1, sizeof(*nm->live));
	if (nm->hosts == NULL || nm->live == NULL)
		return -1;
	for (i = 0; i < conf->nhosts; i++) {
		nm->hosts[nm->nhosts++] = conf->hosts[i].name;
		t = config_table(conf, conf->hosts[i].table_id);
		if (t != NULL && config_table_live(t))
			nm->live[nm->nlive++] = conf->hosts[i].name;
	}
	qsort(nm->hosts, nm->nhosts, sizeof(*nm->hosts), strp_cmp);
	qsort(nm->live, nm->nlive, sizeof(*nm->live), strp_cmp);
	return 0;
}

static bool
relay_exists(const struct config *c, const char *name)
{
	size_t	i;

	for (i = 0; i < c->nrelays; i++)
		if (strcmp(c->relays[i].name, name) == 0)
			return true;
	return false;
}

/* What the statement names, if it does not exist: its kind, or NULL. */
static const char *
missing(const struct names *nm, const struct scen_stmt *s)
{
	switch (s->kind) {
	case SC_FAULT:
		return sorted_has(nm->hosts, nm->nhosts, s->target) ? NULL :
		    "host";
	case SC_EXPECT_HOST:
	case SC_EXPECT_AVAIL:
		return sorted_has(nm->live, nm->nlive, s->target) ? NULL :
		    "host";
	case SC_EXPECT_TABLE:
		return sim_table_named(nm->conf, s->target) ? NULL : "table";
	case SC_EXPECT_SERVICE:
	case SC_EXPECT_LAYER3:
	case SC_EXPECT_RULES:
	case SC_LAYER3:
		return config_service_by_name(nm->conf, s->target) ? NULL :
		    "service";
	case SC_EXPECT_RELAY:
	case SC_CONNECT:
	case SC_EXPECT_CONNECT:
		return relay_exists(nm->conf, s->target) ? NULL : "relay";
	default:
		return NULL;
	}
}

/* The file a reload statement loads: 1 and *file (NULL: the same). */
static int
reload_file(const struct scen_stmt *s, const char **file)
{
	struct ctl_request	req;
	struct buf		err;
	int			rv;

	*file = NULL;
	if (s->kind == SC_RELOAD) {
		*file = s->target;
		return 1;
	}
	if (s->kind != SC_CTL)
		return 0;
	buf_init(&err, 1024);
	rv = ctl_parse(s->argc, s->argv, &req, &err) == 0 &&
	    req.action == CTL_RELOAD;
	buf_free(&err);
	if (rv && req.target[0] != '\0')
		*file = s->argv[s->argc - 1];
	return rv;
}

/*
 * Follow a reload: a file that does not load is reported when the run
 * gets there, and the running configuration stays, as in the daemon.
 */
static void
follow_reload(const struct scenario *sc, const struct config *first,
    const char *file, struct names *nm)
{
	struct config	*conf;
	struct buf	 err;
	char		*path;

	if (file == NULL || file[0] == '\0') {
		if (nm->conf != first)
			(void)names_set(nm, first, NULL);
		return;
	}
	if ((path = scenario_path(sc, file)) == NULL)
		return;
	buf_init(&err, 65536);
	conf = sim_config_load(sc, path, &err);
	buf_free(&err);
	free(path);
	if (conf != NULL && names_set(nm, conf, conf) == -1)
		names_free(nm);
}

int
scenario_check(const struct scenario *sc, const struct config *conf,
    struct scen_errors *errs)
{
	struct names		 nm;
	const struct scen_stmt	*s;
	const char		*kind, *file;
	size_t			 i;
	int			 nerr = 0;

	memset(&nm, 0, sizeof(nm));
	if (names_set(&nm, conf, NULL) == -1) {
		errors_add(errs, 0, "out of memory");
		names_free(&nm);
		return 1;
	}
	for (i = 0; i < sc->nstmts && nm.conf != NULL; i++) {
		s = &sc->stmts[i];
		if ((kind = missing(&nm, s)) != NULL) {
			errors_add(errs, s->line, "no such %s: %s", kind,
			    s->target);
			nerr++;
		}
		if (reload_file(s, &file))
			follow_reload(sc, conf, file, &nm);
	}
	names_free(&nm);
	return nerr;
}

int
scenario_check_names(const struct scenario *sc, const struct config *conf,
    struct buf *err)
{
	struct scen_errors	errs;

	memset(&errs, 0, sizeof(errs));
	(void)scenario_check(sc, conf, &errs);
	return errors_finish(&errs, sc->path, NULL, err);
}

int
scenario_load(const char *path, struct scenario *sc, struct buf *err)
{
	struct scen_errors	 errs;
	struct config		*conf = NULL;
	struct buf		 cerr;
	char			*text;
	size_t			 len;

	memset(sc, 0, sizeof(*sc));
	if (scenario_read(path, &text, &len, err) == -1)
		return -1;
	memset(&errs, 0, sizeof(errs));
	(void)scenario_parse_all(path, text, len, sc, &errs);
	free(text);
	if (sc->config_path != NULL || sc->config_text != NULL) {
		buf_init(&cerr, 1024 * 1024);
		if ((conf = sim_config_load(sc, NULL, &cerr)) == NULL)
			errors_add_text(&errs, path, buf_str(&cerr));
		buf_free(&cerr);
	}
	if (conf != NULL)
		(void)scenario_check(sc, conf, &errs);
	config_free(conf);
	return errors_finish(&errs, path, sc, err);
}
