/*
 * libFuzzer target for the scenario language: any bytes give a scenario
 * or FILE:LINE errors, never a crash or a leak.  A short self-contained
 * scenario (inline configuration, no file reloads) is also checked
 * against its configuration (names that do not exist: errors at their
 * lines) and run, twice, and must give the same timeline both times.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/run.h"
#include "sim/scenario.h"

#define FUZZ_RUN_MAX_MS	(10 * 60 * 1000)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
self_contained(const struct scenario *sc)
{
	size_t	i;

	if (sc->config_text == NULL || sc->run_ms > FUZZ_RUN_MAX_MS)
		return 0;
	for (i = 0; i < sc->nstmts; i++) {
		if (sc->stmts[i].kind == SC_RELOAD &&
		    sc->stmts[i].target != NULL)
			return 0;
		if (sc->stmts[i].kind == SC_CTL && sc->stmts[i].argc > 1 &&
		    strncmp(sc->stmts[i].argv[0], "re", 2) == 0)
			return 0;	/* reload FILE */
	}
	return 1;
}

/* Unknown names are errors that say where, before any run. */
static int
names_ok(const struct scenario *sc)
{
	struct config	*conf;
	struct buf	 err;
	int		 rv;

	buf_init(&err, 1 << 20);
	if ((conf = sim_config_load(sc, NULL, &err)) == NULL) {
		buf_free(&err);
		return 0;
	}
	buf_reset(&err);
	rv = scenario_check_names(sc, conf, &err);
	if (rv == -1 && strncmp(buf_str(&err), "fuzz.scenario:", 14) != 0)
		abort();
	config_free(conf);
	buf_free(&err);
	return rv == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static FILE		*null;
	struct scenario		 sc;
	struct run_opts		 ro;
	struct run_result	 a, b;
	struct buf		 err;
	int			 ra, rb;

	if (null == NULL && (null = fopen("/dev/null", "w")) == NULL)
		abort();
	buf_init(&err, 1 << 20);
	if (scenario_parse_string("fuzz.scenario", (const char *)data, len,
	    &sc, &err) == -1) {
		if (err.len == 0 || strncmp(buf_str(&err), "fuzz.scenario",
		    13) != 0)
			abort();	/* an error must say where */
		buf_free(&err);
		return 0;
	}
	buf_free(&err);
	if (self_contained(&sc) && names_ok(&sc)) {
		memset(&ro, 0, sizeof(ro));
		ro.err = null;
		ra = scenario_run(&sc, &ro, &a);
		rb = scenario_run(&sc, &ro, &b);
		if (ra != rb || (ra == 0 && a.hash != b.hash))
			abort();
	}
	scenario_free(&sc);
	return 0;
}
