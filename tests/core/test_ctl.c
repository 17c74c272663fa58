/* The control language and its renderer. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <cmocka.h>

#include "core/check.h"
#include "core/ctl.h"
#include "core/msg.h"

static struct buf	err;

static int
parse(const char *line, struct ctl_request *req)
{
	char	 copy[512], *argv[16], *w, *save = NULL;
	int	 argc = 0;

	(void)snprintf(copy, sizeof(copy), "%s", line);
	for (w = strtok_r(copy, " ", &save); w != NULL && argc < 16;
	    w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	buf_reset(&err);
	return ctl_parse(argc, argv, req, &err);
}

static int
setup(void **state)
{
	buf_init(&err, 1024);
	return 0;
}

static int
teardown(void **state)
{
	buf_free(&err);
	return 0;
}

static void
test_unique_prefixes(void **state)
{
	struct ctl_request	req;
	const struct {
		const char	*line;
		enum ctl_action	 action;
	} cases[] = {
		{ "show summary", CTL_SHOW_SUMMARY },
		{ "sh su", CTL_SHOW_SUMMARY },
		{ "show h", CTL_SHOW_HOSTS },
		{ "show t", CTL_SHOW_TABLES },
		{ "show rel", CTL_SHOW_RELAYS },
		{ "show ses", CTL_SHOW_SESSIONS },
		{ "show serv", CTL_SHOW_SERVICES },
		{ "p", CTL_POLL },
		{ "m", CTL_MONITOR },
		{ "log v", CTL_LOG_VERBOSE },
		{ "log brief", CTL_LOG_BRIEF },
		{ "st", CTL_STOP },
		{ "reload", CTL_RELOAD },
	};
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse(cases[i].line, &req), 0);
		assert_int_equal(req.action, cases[i].action);
	}
}

static void
test_targets(void **state)
{
	struct ctl_request	req;

	assert_int_equal(parse("table disable webhosts:80", &req), 0);
	assert_int_equal(req.action, CTL_TABLE_DISABLE);
	assert_false(req.by_id);
	assert_string_equal(req.target, "webhosts:80");
	assert_int_equal(parse("ho en 12", &req), 0);
	assert_int_equal(req.action, CTL_HOST_ENABLE);
	assert_true(req.by_id);
	assert_int_equal(req.id, 12);
	assert_int_equal(parse("host disable 10.1.1.100", &req), 0);
	assert_false(req.by_id);
	assert_string_equal(req.target, "10.1.1.100");
	assert_int_equal(parse("service d www", &req), 0);
	assert_int_equal(req.action, CTL_SERVICE_DISABLE);
	assert_int_equal(parse("reload /etc/other.conf", &req), 0);
	assert_string_equal(req.target, "/etc/other.conf");
	assert_int_equal(parse("reload 42", &req), 0);	/* a file name */
	assert_false(req.by_id);
	assert_string_equal(req.target, "42");
	assert_int_equal(parse("host disable 4294967295", &req), 0);
	assert_false(req.by_id);	/* no such id: taken as a name */
	assert_int_equal(parse("reload", &req), 0);
	assert_string_equal(req.target, "");
}

static void
test_errors(void **state)
{
	struct ctl_request	req;
	const struct {
		const char	*line;
		const char	*msg;
	} cases[] = {
		{ "s", "ambiguous argument: s" },
		{ "show s", "ambiguous argument: s" },
		{ "frobnicate", "unknown argument: frobnicate" },
		{ "show everything", "unknown argument: everything" },
		{ "show", "missing argument: "
		    "summary|hosts|tables|services|relays|sessions|metrics" },
		{ "", "missing argument: "
		    "show|host|table|service|reload|poll|monitor|log|stop" },
		{ "host disable", "missing argument: id or name" },
		{ "show summary now", "superfluous argument: now" },
		{ "poll 3", "superfluous argument: 3" },
		{ "table enable a b", "superfluous argument: b" },
		{ "reload a b", "superfluous argument: b" },
		{ "host", "missing argument: disable|enable" },
	};
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse(cases[i].line, &req), -1);
		assert_string_equal(buf_str(&err), cases[i].msg);
		assert_int_equal(req.action, CTL_NONE);
	}
}

static void
test_long_target_rejected(void **state)
{
	struct ctl_request	req;
	char			line[HS_HOSTNAME_MAX + 32];

	memset(line, 'a', sizeof(line));
	memcpy(line, "host disable ", 13);
	line[sizeof(line) - 1] = '\0';
	assert_int_equal(parse(line, &req), -1);
	assert_non_null(strstr(buf_str(&err), "argument too long"));
}

static void
test_modifies(void **state)
{
	assert_false(ctl_action_modifies(CTL_SHOW_SUMMARY));
	assert_false(ctl_action_modifies(CTL_MONITOR));
	assert_true(ctl_action_modifies(CTL_HOST_DISABLE));
	assert_true(ctl_action_modifies(CTL_RELOAD));
	assert_true(ctl_action_modifies(CTL_POLL));
	assert_true(ctl_action_modifies(CTL_STOP));
}

/* No relay sessions: nothing to print, not an empty summary table. */
static void
test_render_no_sessions(void **state)
{
	struct buf	b;

	buf_init(&b, 4096);
	ctl_render(CTL_SHOW_SESSIONS, NULL, 0, &b);
	assert_string_equal(buf_str(&b), "");
	ctl_render(CTL_SHOW_TABLES, NULL, 0, &b);
	assert_non_null(strstr(buf_str(&b), "Avlblty"));
	buf_free(&b);
}

/* Every show command is a show (rows, or metrics text), nothing else is. */
static void
test_shows(void **state)
{
	static const char *const shows[] = { "summary", "hosts", "tables",
	    "services", "relays", "sessions", "metrics" };
	struct ctl_request	 req;
	char			 line[64];
	size_t			 i;
	int			 a;

	for (i = 0; i < sizeof(shows) / sizeof(shows[0]); i++) {
		(void)snprintf(line, sizeof(line), "show %s", shows[i]);
		assert_int_equal(parse(line, &req), 0);
		assert_true(ctl_action_shows(req.action));
	}
	for (a = CTL_HOST_DISABLE; a < CTL_ACTION_MAX; a++)
		assert_false(ctl_action_shows((enum ctl_action)a));
	assert_false(ctl_action_shows(CTL_NONE));
}

static void
test_status_and_availability(void **state)
{
	struct ctl_row	row;
	char		s[64];

	memset(&row, 0, sizeof(row));
	row.status = ST_TABLE_ACTIVE;
	row.up = 2;
	assert_string_equal(ctl_status_str(&row, s, sizeof(s)),
	    "active (2 hosts up)");
	row.status = ST_ACTIVE_BACKUP;
	assert_string_equal(ctl_status_str(&row, s, sizeof(s)),
	    "active (using backup table)");
	row.status = ST_EMPTY;
	assert_string_equal(ctl_status_str(&row, s, sizeof(s)), "empty");
	assert_string_equal(ctl_avail_str(0, 0, s, sizeof(s)), "");
	assert_string_equal(ctl_avail_str(0, 1, s, sizeof(s)), "0.00%");
	assert_string_equal(ctl_avail_str(2, 3, s, sizeof(s)), "66.67%");
	assert_string_equal(ctl_avail_str(1, 1, s, sizeof(s)), "100.00%");
}

static void
test_render_json(void **state)
{
	struct ctl_row	rows[3];
	struct buf	b;

	memset(rows, 0, sizeof(rows));
	rows[0].type = OBJ_TABLE;
	rows[0].status = ST_TABLE_ACTIVE;
	rows[0].up = 1;
	(void)snprintf(rows[0].name, sizeof(rows[0].name), "web\"x");
	rows[1].type = OBJ_HOST;
	rows[1].id = 3;
	rows[1].status = ST_DOWN;
	rows[1].check_cnt = 4;
	rows[1].up_cnt = 1;
	rows[1].error = HCE_HTTP_CODE_FAIL;
	rows[1].error_age_ms = 1500;
	(void)snprintf(rows[1].name, sizeof(rows[1].name), "10.0.0.1");
	/* up again: no error, the last failure kept with its time */
	rows[2] = rows[1];
	rows[2].id = 4;
	rows[2].status = ST_UP;
	rows[2].error = HCE_TCP_CONNECT_REFUSED;
	rows[2].error_age_ms = 0;
	buf_init(&b, 4096);
	ctl_render_json(CTL_SHOW_SUMMARY, rows, 3, 1764268537088ULL, &b);
	assert_string_equal(buf_str(&b),
	    "[{\"type\":\"table\",\"id\":0,\"name\":\"web\\\"x\","
	    "\"availability\":null,\"status\":\"active (1 hosts up)\","
	    "\"hosts_up\":1},\n"
	    " {\"type\":\"host\",\"id\":3,\"name\":\"10.0.0.1\","
	    "\"availability\":25.00,\"status\":\"down\",\"table_id\":0,"
	    "\"check_cnt\":4,\"up_cnt\":1,\"retry_cnt\":0,"
	    "\"error\":\"http code mismatch\","
	    "\"last_error\":\"http code mismatch\","
	    "\"last_error_time\":\"2025-11-27T18:35:35.588Z\"},\n"
	    " {\"type\":\"host\",\"id\":4,\"name\":\"10.0.0.1\","
	    "\"availability\":25.00,\"status\":\"up\",\"table_id\":0,"
	    "\"check_cnt\":4,\"up_cnt\":1,\"retry_cnt\":0,"
	    "\"error\":null,\"last_error\":\"tcp connect refused\","
	    "\"last_error_time\":\"2025-11-27T18:35:37.088Z\"}]\n");
	/* a leap day, and a host that never failed */
	buf_reset(&b);
	rows[2].error = HCE_NONE;
	ctl_render_json(CTL_SHOW_HOSTS, &rows[2], 1, 951782400000ULL, &b);
	assert_non_null(strstr(buf_str(&b), "\"error\":null,"
	    "\"last_error\":null,\"last_error_time\":null}"));
	rows[2].error = HCE_ABORTED;
	buf_reset(&b);
	ctl_render_json(CTL_SHOW_HOSTS, &rows[2], 1, 951782400000ULL, &b);
	assert_non_null(strstr(buf_str(&b),
	    "\"last_error_time\":\"2000-02-29T00:00:00.000Z\"}"));
	buf_reset(&b);
	ctl_render_result_json(false, "no such host: x\nsecond \"line\"", &b);
	assert_string_equal(buf_str(&b), "{\"result\":\"command failed\","
	    "\"error\":\"no such host: x\\u000asecond \\\"line\\\"\"}\n");
	buf_free(&b);
}

static void
test_render_events(void **state)
{
	struct ctl_event	ev;
	struct buf		b;

	buf_init(&b, 4096);
	memset(&ev, 0, sizeof(ev));
	ev.kind = EV_HOST_STATUS;
	(void)snprintf(ev.name, sizeof(ev.name), "10.1.1.100");
	ev.old_state = HOST_UP;
	ev.new_state = HOST_DOWN;
	ev.error = HCE_TCP_CONNECT_REFUSED;
	ev.rtt_ms = 2;
	ev.check_cnt = 2;
	ev.up_cnt = 1;
	ctl_render_event(&ev, &b);
	ev.kind = EV_TABLE_DISABLE;
	ev.id = 2;
	(void)snprintf(ev.name, sizeof(ev.name), "webhosts:80");
	ctl_render_event(&ev, &b);
	ev.kind = EV_RULES_REMOVED;
	ev.id = 0;
	(void)snprintf(ev.name, sizeof(ev.name), "www");
	ctl_render_event(&ev, &b);
	ev.kind = EV_DEMOTE;
	ev.value = 1;
	(void)snprintf(ev.name, sizeof(ev.name), "carp");
	ctl_render_event(&ev, &b);
	assert_string_equal(buf_str(&b),
	    "host 10.1.1.100 (id 0): up -> down, tcp connect refused, 2ms, "
	    "availability 50.00%\n"
	    "table webhosts:80 (id 2): disabled\n"
	    "service www (id 0): rules removed\n"
	    "demote carp: +1\n");
	buf_reset(&b);
	ev.kind = EV_DEMOTE;
	ev.time_ms = 1500;
	ctl_render_event_json(&ev, &b);
	assert_string_equal(buf_str(&b), "{\"event\":\"demote\","
	    "\"time_ms\":1500,\"id\":0,\"name\":\"carp\",\"value\":1}\n");
	buf_free(&b);
}

/* Every command that changes or tries to change state is an event. */
static void
test_render_command_events(void **state)
{
	struct ctl_event	ev;
	struct buf		b;

	buf_init(&b, 4096);
	memset(&ev, 0, sizeof(ev));
	ev.kind = EV_POLL;
	ctl_render_event(&ev, &b);
	ev.kind = EV_LOG;
	(void)snprintf(ev.name, sizeof(ev.name), "verbose");
	ctl_render_event(&ev, &b);
	ev.kind = EV_RELOAD;
	ev.value = 1;
	(void)snprintf(ev.name, sizeof(ev.name), "x.conf:3: syntax error");
	ctl_render_event(&ev, &b);
	ev.value = 0;
	ctl_render_event(&ev, &b);
	ev.kind = EV_COMMAND_FAILED;
	ev.value = CTL_HOST_DISABLE;
	(void)snprintf(ev.name, sizeof(ev.name), "no such host: nosuch");
	ctl_render_event(&ev, &b);
	ev.kind = EV_STOP;
	ctl_render_event(&ev, &b);
	assert_string_equal(buf_str(&b),
	    "poll: checking every host now\n"
	    "log: verbose\n"
	    "reload failed: x.conf:3: syntax error\n"
	    "reload: configuration reloaded\n"
	    "host disable failed: no such host: nosuch\n"
	    "stop: shutting down\n");
	buf_reset(&b);
	ev.kind = EV_COMMAND_FAILED;
	ctl_render_event_json(&ev, &b);
	assert_string_equal(buf_str(&b), "{\"event\":\"command_failed\","
	    "\"time_ms\":0,\"id\":0,\"name\":\"no such host: nosuch\","
	    "\"command\":\"host disable\"}\n");
	buf_free(&b);
}

/* A check that passed has a result and no error. */
static void
test_render_host_event_json(void **state)
{
	struct ctl_event	ev;
	struct buf		b;

	buf_init(&b, 4096);
	memset(&ev, 0, sizeof(ev));
	ev.kind = EV_HOST_STATUS;
	ev.old_state = ev.new_state = HOST_UP;
	ev.error = HCE_TCP_CONNECT_OK;
	ev.check_cnt = ev.up_cnt = 1;
	ctl_render_event_json(&ev, &b);
	assert_non_null(strstr(buf_str(&b),
	    "\"result\":\"tcp connect ok\",\"error\":null,"));
	buf_reset(&b);
	ev.new_state = HOST_DOWN;
	ev.error = HCE_TCP_CONNECT_REFUSED;
	ctl_render_event_json(&ev, &b);
	assert_non_null(strstr(buf_str(&b), "\"result\":\"tcp connect "
	    "refused\",\"error\":\"tcp connect refused\","));
	buf_free(&b);
}

/* show relays: each relay's counters under its row, in text and JSON. */
static void
test_render_relay_stats(void **state)
{
	struct ctl_row	row;
	struct buf	b;

	memset(&row, 0, sizeof(row));
	row.type = OBJ_RELAY;
	row.status = ST_ACTIVE;
	(void)snprintf(row.name, sizeof(row.name), "r");
	row.stats = (struct relay_stats){ .active = 2, .total = 10,
	    .bytes_in = 251, .bytes_out = 502, .connect_fail = 1,
	    .errors = 3, .queries = 9 };
	buf_init(&b, 4096);
	ctl_render(CTL_SHOW_RELAYS, &row, 1, &b);
	assert_non_null(strstr(buf_str(&b), "relay\t   0\tr"));
	assert_non_null(strstr(buf_str(&b), "\tsessions: 2 active, 10 total, "
	    "bytes: 251 in, 502 out, 1 connect failures, 3 errors\n"));
	/* no requests: a TCP relay, no HTTP line */
	assert_null(strstr(buf_str(&b), "requests:"));
	buf_reset(&b);
	ctl_render(CTL_SHOW_SUMMARY, &row, 1, &b);
	assert_null(strstr(buf_str(&b), "sessions:"));
	buf_reset(&b);
	ctl_render_json(CTL_SHOW_RELAYS, &row, 1, 0, &b);
	assert_non_null(strstr(buf_str(&b), "\"sessions_active\":2,"
	    "\"sessions_total\":10,\"bytes_in\":251,\"bytes_out\":502,"
	    "\"connect_failures\":1,\"errors\":3,\"requests\":0,"));
	assert_null(strstr(buf_str(&b), "queries"));
	/* A DNS relay: its messages too. */
	(void)snprintf(row.check, sizeof(row.check), "dns");
	row.stats.answers = 7;
	row.stats.timeouts = 2;
	row.stats.malformed = 5;
	row.stats.unmatched = 1;
	buf_reset(&b);
	ctl_render(CTL_SHOW_RELAYS, &row, 1, &b);
	assert_non_null(strstr(buf_str(&b), " 3 errors\n\t    \tdns: 9 "
	    "queries, 7 answers, 2 timeouts, 5 malformed, 1 unmatched\n"));
	assert_non_null(strstr(buf_str(&b), "\tdns: 9 queries, 7 answers, "
	    "2 timeouts, 5 malformed, 1 unmatched\n"));
	buf_reset(&b);
	ctl_render_json(CTL_SHOW_RELAYS, &row, 1, 0, &b);
	assert_non_null(strstr(buf_str(&b), "\"errors\":3,\"protocol\":"
	    "\"dns\",\"queries\":9,\"answers\":7,\"timeouts\":2,"
	    "\"malformed\":5,\"unmatched\":1}"));
	/* an HTTP relay: its requests and what the relay answered itself */
	row.check[0] = '\0';
	row.stats.requests = 40;
	row.stats.http_bad = 1;
	row.stats.http_blocked = 2;
	row.stats.http_client_timeout = 3;
	row.stats.http_bad_gateway = 4;
	row.stats.http_unavailable = 5;
	row.stats.http_gateway_timeout = 6;
	buf_reset(&b);
	ctl_render(CTL_SHOW_RELAYS, &row, 1, &b);
	assert_non_null(strstr(buf_str(&b), "3 errors\n\t    \trequests: 40, "
	    "answered by the relay: 1 bad request, 2 blocked, 3 client "
	    "timeout, 4 bad gateway, 5 unavailable, 6 gateway timeout\n"));
	buf_reset(&b);
	ctl_render_json(CTL_SHOW_RELAYS, &row, 1, 0, &b);
	assert_non_null(strstr(buf_str(&b), "\"errors\":3,\"requests\":40,"
	    "\"answered\":{\"bad_request\":1,\"blocked\":2,"
	    "\"client_timeout\":3,\"bad_gateway\":4,\"unavailable\":5,"
	    "\"gateway_timeout\":6}}"));
	buf_free(&b);
}

/* A session line: show sessions, monitor and the log share it. */
static void
test_render_session(void **state)
{
	struct ctl_session	s;
	struct buf		b;

	memset(&s, 0, sizeof(s));
	s.proc = 2;
	s.id = 17;
	(void)snprintf(s.relay, sizeof(s.relay), "web");
	assert_int_equal(addr_parse("192.0.2.7", &s.client), 0);
	s.client_port = 40000;
	assert_int_equal(addr_parse("2001:db8::1", &s.host), 0);
	s.host_port = 80;
	s.age_ms = 3723004;
	s.idle_ms = 1500;
	s.bytes_in = 251;
	s.bytes_out = 64;
	buf_init(&b, 4096);
	ctl_render_session(&s, &b);
	assert_string_equal(buf_str(&b), "session 2:17 relay web: "
	    "192.0.2.7:40000 -> [2001:db8::1]:80, running, age 01:02:03.004, "
	    "idle 00:00:01.500, bytes in 251, out 64\n");
	buf_reset(&b);
	memset(&s.host, 0, sizeof(s.host));
	s.end = SESS_NO_HOST;
	ctl_render_session_json(&s, &b);
	assert_string_equal(buf_str(&b), "{\"session\":\"2:17\","
	    "\"relay\":\"web\",\"relay_id\":0,\"client\":\"192.0.2.7\","
	    "\"client_port\":40000,\"host\":null,\"host_port\":80,"
	    "\"state\":\"no host up\",\"age_ms\":3723004,\"idle_ms\":1500,"
	    "\"bytes_in\":251,\"bytes_out\":64}\n");
	/* A DNS query: what it asked, after the counts. */
	(void)snprintf(s.detail, sizeof(s.detail), "udp www.example.com. A");
	buf_reset(&b);
	ctl_render_session(&s, &b);
	assert_non_null(strstr(buf_str(&b), ", bytes in 251, out 64, "
	    "udp www.example.com. A\n"));
	buf_reset(&b);
	ctl_render_session_json(&s, &b);
	assert_non_null(strstr(buf_str(&b), "\"bytes_out\":64,\"detail\":"
	    "\"udp www.example.com. A\"}\n"));
	assert_string_equal(session_end_str(SESS_END_MAX), "invalid");
	/* an HTTP session: its requests, the one in flight, logged keys */
	s.detail[0] = '\0';
	s.end = SESS_OPEN;
	s.requests = 3;
	(void)snprintf(s.method, sizeof(s.method), "GET");
	(void)snprintf(s.http_host, sizeof(s.http_host), "www.example.com");
	(void)snprintf(s.path, sizeof(s.path), "/a?b=1");
	buf_reset(&b);
	ctl_render_session(&s, &b);
	assert_non_null(strstr(buf_str(&b), ", bytes in 251, out 64, "
	    "requests 3: GET www.example.com /a?b=1 -\n"));
	s.status = 200;
	(void)snprintf(s.logged, sizeof(s.logged), "X-Id: 7");
	buf_reset(&b);
	ctl_render_session(&s, &b);
	assert_non_null(strstr(buf_str(&b), ", requests 3: GET "
	    "www.example.com /a?b=1 200, log X-Id: 7\n"));
	buf_reset(&b);
	ctl_render_session_json(&s, &b);
	assert_non_null(strstr(buf_str(&b), "\"bytes_out\":64,"
	    "\"requests\":3,\"method\":\"GET\",\"http_host\":"
	    "\"www.example.com\",\"path\":\"/a?b=1\",\"status\":200,"
	    "\"logged\":\"X-Id: 7\"}\n"));
	buf_free(&b);
}

static void
test_check_error_texts(void **state)
{
	assert_string_equal(check_error_str(HCE_NONE), "none");
	assert_string_equal(check_error_str(HCE_ABORTED), "aborted");
	assert_string_equal(check_error_str(HCE_INTERVAL_TIMEOUT),
	    "interval timeout");
	assert_string_equal(check_error_str(HCE_ICMP_READ_TIMEOUT),
	    "icmp read timeout");
	assert_string_equal(check_error_str(HCE_TCP_CONNECT_ERROR),
	    "tcp connect failed");
	assert_string_equal(check_error_str(HCE_TCP_CONNECT_REFUSED),
	    "tcp connect refused");
	assert_string_equal(check_error_str(HCE_HTTP_DIGEST_FAIL),
	    "http digest mismatch");
	assert_string_equal(check_error_str(HCE_SEND_EXPECT_FAIL),
	    "send/expect failed");
	assert_string_equal(check_error_str(HCE_SCRIPT_FAIL), "script failed");
	assert_string_equal(check_error_str(HCE_ERROR_MAX), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unique_prefixes),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_long_target_rejected),
		cmocka_unit_test(test_modifies),
		cmocka_unit_test(test_shows),
		cmocka_unit_test(test_render_no_sessions),
		cmocka_unit_test(test_status_and_availability),
		cmocka_unit_test(test_render_json),
		cmocka_unit_test(test_render_events),
		cmocka_unit_test(test_render_command_events),
		cmocka_unit_test(test_render_host_event_json),
		cmocka_unit_test(test_check_error_texts),
		cmocka_unit_test(test_render_relay_stats),
		cmocka_unit_test(test_render_session),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
