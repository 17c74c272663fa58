/*
 * --explore finds a deliberately broken engine: the simulated backend
 * drops every layer-3 table replace that removes an address, so hosts
 * that went down stay in the table.  Explore must report it, write a
 * scenario, and that scenario must fail when replayed.  Without the
 * fault, the same schedules find nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "backends/sim/world.h"
#include "sim/explore.h"
#include "sim/run.h"
#include "sim/scenario.h"

static char	dir[] = "/tmp/hoststated-explore-XXXXXX";
static char	conf[sizeof(dir) + 32];
static char	conf2[sizeof(dir) + 32];

/* Two tables checked every second, a backup: statuses always flowing. */
static const char backup_conf[] =
	"interval 1\n"
	"table web {\n\treal port 80\n\tcheck http \"/\" code 200\n"
	"\thost 10.0.0.1\n\thost 10.0.0.2\n\thost 10.0.0.3\n}\n"
	"table sorry {\n\treal port 80\n\tcheck tcp\n"
	"\thost 10.0.1.1\n\thost 10.0.1.2\n}\n"
	"service www {\n\tvirtual host 192.0.2.1 port 80\n"
	"\ttable web\n\tbackup table sorry\n}\n";

static int
write_conf(const char *path, const char *text)
{
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static int
setup(void **state)
{
	FILE	*f;

	if (mkdtemp(dir) == NULL)
		return -1;
	(void)snprintf(conf, sizeof(conf), "%s/web.conf", dir);
	if ((f = fopen(conf, "w")) == NULL)
		return -1;
	fputs("table web {\n\treal port 80\n\tcheck tcp\n"
	    "\thost 10.0.0.1\n\thost 10.0.0.2\n\thost 10.0.0.3\n}\n"
	    "service www {\n\tvirtual host 192.0.2.1 port 80\n"
	    "\ttable web\n}\n", f);
	if (fclose(f) == EOF)
		return -1;
	(void)snprintf(conf2, sizeof(conf2), "%s/backup.conf", dir);
	return write_conf(conf2, backup_conf);
}

static int
teardown(void **state)
{
	char	cmd[sizeof(dir) + 16];

	(void)snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_explore_finds_the_injected_fault(void **state)
{
	struct explore_opts	 eo;
	struct explore_result	 er;
	struct scenario		 sc;
	struct run_opts		 ro;
	struct run_result	 res;
	struct buf		 err;

	memset(&eo, 0, sizeof(eo));
	eo.runs = 50;
	eo.seed = 1;
	eo.dir = dir;
	eo.inject = WORLD_INJECT_DROP_TABLE_REMOVE;
	eo.max_reports = 1;
	assert_int_equal(explore_run(conf, &eo, &er), 0);
	assert_true(er.violations > 0);
	assert_int_equal(er.kept, 1);
	assert_true(er.first_file[0] != '\0');
	assert_int_equal(access(er.first_file, R_OK), 0);

	/* The written scenario replays the violation: an expect fails. */
	buf_init(&err, 65536);
	assert_int_equal(scenario_parse_file(er.first_file, &sc, &err), 0);
	assert_true(sc.inject & WORLD_INJECT_DROP_TABLE_REMOVE);
	memset(&ro, 0, sizeof(ro));
	ro.err = stderr;
	assert_int_equal(scenario_run(&sc, &ro, &res), 0);
	assert_true(res.failed > 0);
	scenario_free(&sc);
	buf_free(&err);
}

static void
test_explore_healthy_world_finds_nothing(void **state)
{
	struct explore_opts	eo;
	struct explore_result	er;

	memset(&eo, 0, sizeof(eo));
	eo.runs = 50;
	eo.seed = 1;
	eo.dir = dir;
	assert_int_equal(explore_run(conf, &eo, &er), 0);
	assert_int_equal(er.runs, 50);
	assert_int_equal(er.violations, 0);
	assert_true(er.checks > 0);
}

/*
 * A reload handshake wired backwards (the PFE switches before the HCE)
 * loses host statuses the HCE sent under the old configuration when the
 * handshake's messages cross them: explore finds it within 2,000 seeds
 * (the relay process's messages cross them too, so fewer schedules lose
 * one), and the replay shows the status refused.  Wired as the daemon
 * is, the same schedules find nothing.
 */
static void
test_explore_finds_the_reload_handshake_bug(void **state)
{
	struct explore_opts	 eo;
	struct explore_result	 er;
	struct scenario		 sc;
	struct run_opts		 ro;
	struct run_result	 res;
	struct buf		 err;
	char			*out = NULL;
	size_t			 outlen = 0;

	memset(&eo, 0, sizeof(eo));
	eo.runs = 2000;
	eo.seed = 1;
	eo.dir = dir;
	eo.max_reports = 1;
	assert_int_equal(explore_run(conf2, &eo, &er), 0);
	assert_int_equal(er.violations, 0);
	eo.inject = WORLD_INJECT_PFE_SWITCHES_FIRST;
	assert_int_equal(explore_run(conf2, &eo, &er), 0);
	assert_true(er.violations > 0);
	assert_int_equal(er.kept, 1);

	buf_init(&err, 65536);
	assert_int_equal(scenario_parse_file(er.first_file, &sc, &err), 0);
	assert_true(sc.inject & WORLD_INJECT_PFE_SWITCHES_FIRST);
	memset(&ro, 0, sizeof(ro));
	ro.err = stderr;
	assert_non_null(ro.out = open_memstream(&out, &outlen));
	assert_int_equal(scenario_run(&sc, &ro, &res), 0);
	assert_int_equal(fclose(ro.out), 0);
	/* a message of the old generation, refused by a switched PFE */
	assert_non_null(strstr(out, " refused: configuration "));
	assert_non_null(strstr(out, " is running"));
	free(out);
	scenario_free(&sc);
	buf_free(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_explore_finds_the_injected_fault),
		cmocka_unit_test(test_explore_healthy_world_finds_nothing),
		cmocka_unit_test(test_explore_finds_the_reload_handshake_bug),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
