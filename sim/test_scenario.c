/*
 * Unit tests of the scenario language: times, parse errors as
 * FILE:LINE: message, ordering, and running a scenario end to end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/run.h"
#include "sim/scenario.h"

#define CONF \
	"config {\n" \
	"table web {\n" \
	"	real port 80\n" \
	"	check tcp\n" \
	"	host 10.0.0.1\n" \
	"}\n" \
	"}\n"

static void
test_times(void **state)
{
	static const struct {
		const char	*text;
		uint64_t	 ms;
	} good[] = {
		{ "0s", 0 }, { "30s", 30000 }, { "12.5s", 12500 },
		{ "300ms", 300 }, { "2m", 120000 }, { "1h", 3600000 },
		{ "0.001s", 1 }, { "1.5m", 90000 },
	};
	static const char *const bad[] = {
		"", "s", "30", "30x", "-1s", "1.s", "0.0001s", "1.5ms", "30 s",
	};
	uint64_t	ms;
	size_t		i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(scenario_time(good[i].text, &ms), 0);
		assert_int_equal(ms, good[i].ms);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(scenario_time(bad[i], &ms), -1);
}

/* Parsing text fails with exactly this first error line. */
static void
assert_parse_error(const char *text, const char *want)
{
	struct scenario	sc;
	struct buf	err;
	const char	*nl;

	buf_init(&err, 65536);
	assert_int_equal(scenario_parse_string("t.scenario", text,
	    strlen(text), &sc, &err), -1);
	nl = strchr(buf_str(&err), '\n');
	assert_non_null(nl);
	if (strncmp(buf_str(&err), want, (size_t)(nl - buf_str(&err))) != 0 ||
	    strlen(want) != (size_t)(nl - buf_str(&err)))
		fail_msg("got \"%s\", want \"%s\"", buf_str(&err), want);
	buf_free(&err);
}

static void
test_parse_errors_name_file_and_line(void **state)
{
	assert_parse_error("seed 1\n", "t.scenario: no config statement");
	assert_parse_error(CONF "at 30 host 10.0.0.1 down\n",
	    "t.scenario:8: invalid time: 30 (e.g. 30s, 12.5s, 300ms, 2m, 1h)");
	assert_parse_error(CONF "at 1s host 10.0.0.1 explode\n",
	    "t.scenario:8: unknown host fault: explode");
	assert_parse_error(CONF "\n\nat 1s host 10.0.0.1 latency\n",
	    "t.scenario:10: latency needs a value");
	assert_parse_error(CONF "at 1s host 10.0.0.1 http-code 99\n",
	    "t.scenario:8: invalid http code: 99 (100 to 999)");
	assert_parse_error(CONF "at 1s expect host 10.0.0.1 sideways\n",
	    "t.scenario:8: not a host status: \"sideways\"");
	assert_parse_error(CONF "at 1s expect table web active\n",
	    "t.scenario:8: not a table status: \"active\"");
	assert_parse_error(CONF "at 1s expect weather sunny x\n",
	    "t.scenario:8: unknown expectation: weather");
	assert_parse_error(CONF "at 1s host \"10.0.0.1 down\n",
	    "t.scenario:8: unterminated quoted string");
	assert_parse_error(CONF "frobnicate\n",
	    "t.scenario:8: unknown statement: frobnicate");
	assert_parse_error(CONF "run 10s\nat 11s ctl poll\n",
	    "t.scenario:9: statement after the end of the run (run 10000 ms)");
	assert_parse_error(CONF "run 1s\nrun 2s\n",
	    "t.scenario:9: run given twice");
	assert_parse_error(CONF "config \"x.conf\"\n",
	    "t.scenario:8: config given twice");
	assert_parse_error("config {\ntable web {\n",
	    "t.scenario:2: inline configuration not closed (missing })");
	assert_parse_error(CONF "define 9x 1\n",
	    "t.scenario:8: invalid macro name: 9x");
	assert_parse_error(CONF "at 1s expect layer3 www \"10.0.0.1 nope\"\n",
	    "t.scenario:8: not an address: nope");
	assert_parse_error(CONF "at 1s ctl\n",
	    "t.scenario:8: usage: at TIME ctl COMMAND [ARGUMENT ...]");
	assert_parse_error(CONF "inject everything\n",
	    "t.scenario:8: unknown fault injection: everything");
}

/* One pass reports every error, each at its line, in line order. */
static void
test_parse_reports_every_error_in_line_order(void **state)
{
	const char	*text = CONF
	    "run 10s\n"
	    "at 20s ctl poll\n"
	    "at 1s host 10.0.0.1 explode\n"
	    "at 15s expect host 10.0.0.1 up\n"
	    "at 1s frob\n";
	const char	*want =
	    "t.scenario:9: statement after the end of the run (run 10000 ms)\n"
	    "t.scenario:10: unknown host fault: explode\n"
	    "t.scenario:11: statement after the end of the run (run 10000 ms)\n"
	    "t.scenario:12: unknown statement: at 1s frob\n";
	struct scenario	sc;
	struct buf	err;

	buf_init(&err, 65536);
	assert_int_equal(scenario_parse_string("t.scenario", text,
	    strlen(text), &sc, &err), -1);
	assert_string_equal(buf_str(&err), want);
	buf_free(&err);
}

static void
test_statements_sorted_by_time_then_file_order(void **state)
{
	const char	*text = CONF
	    "at 20s ctl poll\n"
	    "at 10s host 10.0.0.1 down   # comment\n"
	    "at 10s expect host 10.0.0.1 \"up\"\n"
	    "at 5s show summary\n";
	struct scenario	sc;
	struct buf	err;

	buf_init(&err, 4096);
	assert_int_equal(scenario_parse_string("t.scenario", text,
	    strlen(text), &sc, &err), 0);
	assert_int_equal(sc.nstmts, 4);
	assert_int_equal(sc.stmts[0].line, 11);
	assert_int_equal(sc.stmts[1].line, 9);
	assert_int_equal(sc.stmts[2].line, 10);
	assert_int_equal(sc.stmts[3].line, 8);
	assert_string_equal(sc.stmts[1].src, "host 10.0.0.1 down");
	assert_string_equal(sc.stmts[2].text, "up");
	assert_int_equal(sc.run_ms, 20000);	/* the last statement */
	assert_int_equal(sc.config_line, 1);
	scenario_free(&sc);
	buf_free(&err);
}

static void
test_inline_config_errors_keep_scenario_lines(void **state)
{
	const char	*text = "seed 3\nconfig {\ntable web {\n"
	    "	check bogus\n	host 10.0.0.1\n}\n}\n";
	struct scenario	 sc;
	struct buf	 err;
	struct config	*conf;

	buf_init(&err, 4096);
	assert_int_equal(scenario_parse_string("t.scenario", text,
	    strlen(text), &sc, &err), 0);
	conf = sim_config_load(&sc, NULL, &err);
	assert_null(conf);
	assert_non_null(strstr(buf_str(&err), "t.scenario:4: "));
	scenario_free(&sc);
	buf_free(&err);
}

/* Run text; return the timeline in a malloc'd string. */
static char *
run_text(const char *text, uint64_t seed, struct run_result *res)
{
	struct scenario	 sc;
	struct run_opts	 ro;
	struct buf	 err;
	char		*out = NULL;
	size_t		 len = 0;
	FILE		*f;

	buf_init(&err, 4096);
	assert_int_equal(scenario_parse_string("t.scenario", text,
	    strlen(text), &sc, &err), 0);
	f = open_memstream(&out, &len);
	assert_non_null(f);
	memset(&ro, 0, sizeof(ro));
	ro.out = f;
	ro.err = stderr;
	ro.seed = seed;
	ro.seed_set = true;
	assert_int_equal(scenario_run(&sc, &ro, res), 0);
	fclose(f);
	scenario_free(&sc);
	buf_free(&err);
	return out;
}

static void
test_run_reports_passed_and_failed(void **state)
{
	const char		*text = CONF
	    "at 5s host 10.0.0.1 down\n"
	    "at 11s expect host 10.0.0.1 down\n"
	    "at 11s expect host 10.0.0.1 up\n"
	    "run 11s\n";
	struct run_result	 a, b;
	char			*x, *y, *last;

	x = run_text(text, 5, &a);
	y = run_text(text, 5, &b);
	assert_int_equal(a.passed, 1);
	assert_int_equal(a.failed, 1);
	assert_string_equal(x, y);
	assert_int_equal(a.hash, b.hash);
	assert_non_null(strstr(x, "expect host 10.0.0.1 up: FAILED "
	    "(t.scenario:10): expected \"up\", found \"down\""));
	/* The closing tally is the last line, verbatim. */
	last = strstr(x, "\nexpectations: ");
	assert_non_null(last);
	assert_string_equal(last, "\nexpectations: 1 passed, 1 failed\n");
	free(x);
	free(y);
}

static void
test_run_unknown_host_is_a_scenario_error(void **state)
{
	const char		*text = CONF "at 1s host 10.9.9.9 down\n";
	struct scenario		 sc;
	struct run_opts		 ro;
	struct run_result	 res;
	struct buf		 err;
	char			*msg = NULL;
	size_t			 len = 0;
	FILE			*f;

	buf_init(&err, 4096);
	assert_int_equal(scenario_parse_string("t.scenario", text,
	    strlen(text), &sc, &err), 0);
	f = open_memstream(&msg, &len);
	memset(&ro, 0, sizeof(ro));
	ro.err = f;
	assert_int_equal(scenario_run(&sc, &ro, &res), -1);
	fclose(f);
	assert_string_equal(msg, "t.scenario:8: no such host: 10.9.9.9\n");
	free(msg);
	scenario_free(&sc);
	buf_free(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_parse_errors_name_file_and_line),
		cmocka_unit_test(test_parse_reports_every_error_in_line_order),
		cmocka_unit_test(test_statements_sorted_by_time_then_file_order),
		cmocka_unit_test(test_inline_config_errors_keep_scenario_lines),
		cmocka_unit_test(test_run_reports_passed_and_failed),
		cmocka_unit_test(test_run_unknown_host_is_a_scenario_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
