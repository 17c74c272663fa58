/*
 * Unit tests of the simulator backend: event queue order, PRNG
 * determinism, the virtual hosts' fault model, the recorder, the FIFO.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backends/sim/clock.h"
#include "backends/sim/fifo.h"
#include "backends/sim/prng.h"
#include "backends/sim/recorder.h"
#include "backends/sim/vhost.h"

static void
test_clock_same_instant_keeps_order(void **state)
{
	struct sim_clock	c;
	struct sim_event	ev;
	uint32_t		i;

	clock_init(&c);
	memset(&ev, 0, sizeof(ev));
	for (i = 0; i < 100; i++) {
		ev.time_ms = (i % 2) ? 500 : 100;
		ev.a = i;
		assert_int_equal(clock_schedule(&c, &ev), 0);
	}
	/* All at 100 in insertion order (even a), then all at 500 (odd). */
	for (i = 0; i < 100; i++) {
		assert_true(clock_pop(&c, &ev));
		assert_int_equal(ev.a, i < 50 ? 2 * i : 2 * (i - 50) + 1);
		assert_int_equal(c.now_ms, i < 50 ? 100 : 500);
	}
	assert_false(clock_pop(&c, &ev));
	assert_int_equal(clock_next(&c), UINT64_MAX);
	clock_free(&c);
}

static void
test_clock_random_times_come_out_sorted(void **state)
{
	struct sim_clock	c;
	struct sim_event	ev, prev;
	struct prng		p;
	int			i;

	clock_init(&c);
	prng_seed(&p, 99);
	memset(&ev, 0, sizeof(ev));
	for (i = 0; i < 20000; i++) {
		ev.time_ms = prng_below(&p, 1000);
		assert_int_equal(clock_schedule(&c, &ev), 0);
	}
	assert_int_equal(clock_pending(&c), 20000);
	assert_true(clock_pop(&c, &prev));
	while (clock_pop(&c, &ev)) {
		assert_true(ev.time_ms > prev.time_ms ||
		    (ev.time_ms == prev.time_ms && ev.order > prev.order));
		prev = ev;
	}
	clock_free(&c);
}

/* Events due at the current instant keep (time, insertion) order too. */
static void
test_clock_due_now_after_earlier_same_instant(void **state)
{
	struct sim_clock	c;
	struct sim_event	ev;

	clock_init(&c);
	memset(&ev, 0, sizeof(ev));
	ev.time_ms = 10, ev.a = 'X';
	assert_int_equal(clock_schedule(&c, &ev), 0);
	ev.time_ms = 5, ev.a = 'Y';
	assert_int_equal(clock_schedule(&c, &ev), 0);
	assert_true(clock_pop(&c, &ev));
	assert_int_equal(ev.a, 'Y');
	ev.time_ms = 5, ev.a = 'Z';		/* due now */
	assert_int_equal(clock_schedule(&c, &ev), 0);
	ev.time_ms = 10, ev.a = 'W';
	assert_int_equal(clock_schedule(&c, &ev), 0);
	assert_int_equal(clock_next(&c), 5);
	assert_true(clock_pop(&c, &ev));
	assert_int_equal(ev.a, 'Z');
	assert_true(clock_pop(&c, &ev));
	assert_int_equal(ev.a, 'X');
	assert_int_equal(c.now_ms, 10);
	ev.time_ms = 10, ev.a = 'V';		/* due now, after W */
	assert_int_equal(clock_schedule(&c, &ev), 0);
	assert_int_equal(clock_pending(&c), 2);
	assert_true(clock_pop(&c, &ev));
	assert_int_equal(ev.a, 'W');
	assert_true(clock_pop(&c, &ev));
	assert_int_equal(ev.a, 'V');
	assert_false(clock_pop(&c, &ev));
	clock_free(&c);
}

static void
test_prng_same_seed_same_sequence(void **state)
{
	struct prng	a, b, c;
	int		i, same = 0;

	prng_seed(&a, 42);
	prng_seed(&b, 42);
	prng_seed(&c, 43);
	for (i = 0; i < 1000; i++) {
		uint64_t x = prng_next(&a);
		assert_int_equal(x, prng_next(&b));
		same += x == prng_next(&c);
	}
	assert_int_equal(same, 0);
}

static void
test_prng_below_stays_in_range(void **state)
{
	struct prng	p;
	int		seen[7] = { 0 };
	int		i;

	prng_seed(&p, 1);
	for (i = 0; i < 7000; i++) {
		uint64_t x = prng_below(&p, 7);
		assert_true(x < 7);
		seen[x]++;
	}
	for (i = 0; i < 7; i++)
		assert_true(seen[i] > 0);
	assert_int_equal(prng_below(&p, 0), 0);
}

/* A check of one host of a one-table configuration. */
struct fixture {
	struct table_conf	table;
	struct host_conf	host;
	struct check_request	req;
	struct vhost		vh;
};

static void
fixture_init(struct fixture *f, enum check_type type)
{
	memset(f, 0, sizeof(*f));
	f->table.check.type = type;
	f->table.check.code = 200;
	f->table.timeout_ms = 200;
	f->req.host = &f->host;
	f->req.table = &f->table;
	f->req.timeout_ms = 200;
	f->req.seq = 7;
	vhost_init(&f->vh);
}

static struct check_result
check_at(struct fixture *f, uint64_t now)
{
	struct check_result	r;

	memset(&r, 0, sizeof(r));
	vhost_check(&f->vh, &f->req, now, 0, &r);
	assert_int_equal(r.seq, 7);
	return r;
}

static void
test_vhost_healthy_host_passes_every_method(void **state)
{
	static const enum check_error ok[] = {
		[CHECK_ICMP] = HCE_ICMP_OK,
		[CHECK_TCP] = HCE_TCP_CONNECT_OK,
		[CHECK_TLS] = HCE_TLS_CONNECT_OK,
		[CHECK_HTTP_CODE] = HCE_HTTP_CODE_OK,
		[CHECK_SCRIPT] = HCE_SCRIPT_OK,
	};
	struct fixture		f;
	struct check_result	r;
	int			t;

	for (t = CHECK_ICMP; t <= CHECK_SCRIPT; t++) {
		if (t == CHECK_HTTP_DIGEST || t == CHECK_SEND_EXPECT)
			continue;
		fixture_init(&f, (enum check_type)t);
		r = check_at(&f, 0);
		assert_true(r.up);
		assert_int_equal(r.error, ok[t]);
		assert_int_equal(r.rtt_ms, 0);
		vhost_free(&f.vh);
	}
}

static void
test_vhost_down_times_out_with_the_method_error(void **state)
{
	static const struct {
		enum check_type	 type;
		enum check_error err;
	} cases[] = {
		{ CHECK_ICMP, HCE_ICMP_READ_TIMEOUT },
		{ CHECK_TCP, HCE_TCP_CONNECT_TIMEOUT },
		{ CHECK_TLS, HCE_TLS_CONNECT_TIMEOUT },
		{ CHECK_HTTP_CODE, HCE_TCP_CONNECT_TIMEOUT },
		{ CHECK_SCRIPT, HCE_SCRIPT_TIMEOUT },
	};
	struct fixture		f;
	struct check_result	r;
	size_t			i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fixture_init(&f, cases[i].type);
		vhost_set_down(&f.vh, 0);
		r = check_at(&f, 10);
		assert_false(r.up);
		assert_int_equal(r.error, cases[i].err);
		assert_int_equal(r.rtt_ms, 200);
		vhost_free(&f.vh);
	}
}

static void
test_vhost_refuse_fails_tcp_at_once_not_icmp(void **state)
{
	struct fixture		f;
	struct check_result	r;

	fixture_init(&f, CHECK_TCP);
	vhost_set_refuse(&f.vh, 0);
	r = check_at(&f, 5);
	assert_false(r.up);
	assert_int_equal(r.error, HCE_TCP_CONNECT_REFUSED);
	assert_int_equal(r.rtt_ms, 0);
	f.table.check.type = CHECK_ICMP;
	r = check_at(&f, 5);
	assert_true(r.up);
	f.table.check.type = CHECK_SCRIPT;
	r = check_at(&f, 5);
	assert_false(r.up);
	assert_int_equal(r.error, HCE_SCRIPT_FAIL);
	assert_int_equal(r.detail, 1);
	vhost_free(&f.vh);
}

static void
test_vhost_latency_within_and_past_timeout(void **state)
{
	struct fixture		f;
	struct check_result	r;

	fixture_init(&f, CHECK_HTTP_CODE);
	answer_set_latency(vhost_answer(&f.vh, NULL), 150);
	r = check_at(&f, 0);
	assert_true(r.up);
	assert_int_equal(r.rtt_ms, 150);
	answer_set_latency(vhost_answer(&f.vh, NULL), 250);
	r = check_at(&f, 0);
	assert_false(r.up);
	assert_int_equal(r.error, HCE_TCP_READ_TIMEOUT);
	assert_int_equal(r.rtt_ms, 200);
	vhost_free(&f.vh);
}

static void
test_vhost_http_code_and_up_restores(void **state)
{
	struct fixture		f;
	struct check_result	r;

	fixture_init(&f, CHECK_HTTP_CODE);
	answer_set_code(vhost_answer(&f.vh, NULL), 503);
	r = check_at(&f, 0);
	assert_false(r.up);
	assert_int_equal(r.error, HCE_HTTP_CODE_FAIL);
	assert_int_equal(r.detail, 503);
	vhost_set_up(&f.vh, 1);
	r = check_at(&f, 1);
	assert_true(r.up);
	assert_int_equal(r.detail, 200);
	vhost_free(&f.vh);
}

static void
test_vhost_digest_and_expect_see_the_body(void **state)
{
	struct fixture		f;
	struct check_result	r;

	fixture_init(&f, CHECK_HTTP_DIGEST);
	f.table.check.digest_type = DIGEST_MD5;
	/* md5("") */
	strcpy(f.table.check.digest, "d41d8cd98f00b204e9800998ecf8427e");
	r = check_at(&f, 0);
	assert_true(r.up);
	assert_int_equal(r.error, HCE_HTTP_DIGEST_OK);
	assert_int_equal(answer_set_body(vhost_answer(&f.vh, NULL), "x", 1),
	    0);
	r = check_at(&f, 0);
	assert_int_equal(r.error, HCE_HTTP_DIGEST_FAIL);
	f.table.check.type = CHECK_SEND_EXPECT;
	strcpy(f.table.check.expect, "x*");
	r = check_at(&f, 0);
	assert_int_equal(r.error, HCE_SEND_EXPECT_OK);
	strcpy(f.table.check.expect, "220 *");
	r = check_at(&f, 0);
	assert_int_equal(r.error, HCE_SEND_EXPECT_FAIL);
	vhost_free(&f.vh);
}

static void
test_vhost_flap_starts_down_and_toggles(void **state)
{
	struct fixture	f;

	fixture_init(&f, CHECK_TCP);
	vhost_set_flap(&f.vh, 1000, 5000);
	assert_false(check_at(&f, 5000).up);
	assert_false(check_at(&f, 5999).up);
	assert_true(check_at(&f, 6000).up);
	assert_false(check_at(&f, 7000).up);
	assert_int_equal(vhost_phase_start(&f.vh, 7500), 7000);
	vhost_free(&f.vh);
}

static void
test_recorder_replays_operations(void **state)
{
	struct recorder			 r;
	struct l3_host			 a[2];
	struct buf			 line;
	const struct rec_service	*s;

	recorder_init(&r);
	buf_init(&line, 1024);
	memset(a, 0, sizeof(a));
	assert_int_equal(addr_parse("10.0.0.2", &a[0].addr), 0);
	assert_int_equal(addr_parse("10.0.0.1", &a[1].addr), 0);
	assert_int_equal(recorder_rules(&r, "www", true, NULL), 0);
	assert_int_equal(recorder_table_replace(&r, "www", "web", a, 2,
	    &line), 0);
	assert_string_equal(buf_str(&line),
	    "pf: table www replaced from web: 10.0.0.1 10.0.0.2");
	s = recorder_service(&r, "www");
	assert_non_null(s);
	assert_true(s->rules);
	assert_int_equal(s->naddrs, 2);
	assert_int_equal(recorder_rules(&r, "www", false, NULL), 0);
	assert_int_equal(s->naddrs, 0);
	/* A failing service refuses until it is told otherwise. */
	assert_false(recorder_refuses(&r, "www"));
	assert_int_equal(recorder_fault(&r, "www", true, 1000), 0);
	assert_true(recorder_refuses(&r, "www"));
	assert_int_equal(recorder_fault(&r, "www", false, 2000), 0);
	assert_false(recorder_refuses(&r, "www"));
	assert_int_equal(s->ok_since, 2000);
	assert_int_equal(r.nrefused, 1);
	/* A flush removes every service's rules, one line each. */
	assert_int_equal(recorder_rules(&r, "www", true, NULL), 0);
	assert_int_equal(recorder_rules(&r, "www2", true, NULL), 0);
	buf_reset(&line);
	assert_int_equal(recorder_flush(&r, &line), 0);
	assert_string_equal(buf_str(&line),
	    "pf: rules www removed\npf: rules www2 removed\n");
	assert_false(recorder_service(&r, "www2")->rules);
	buf_reset(&line);
	assert_int_equal(recorder_demote(&r, "carp", 1, &line), 0);
	assert_string_equal(buf_str(&line), "carp: demote carp +1 (counter 1)");
	assert_int_equal(recorder_group(&r, "carp"), 1);
	assert_int_equal(recorder_group(&r, "other"), 0);
	buf_free(&line);
	recorder_free(&r);
}

static void
test_fifo_roundtrip_and_order(void **state)
{
	struct msg_fifo	f;
	struct msg	m, out;
	enum hs_peer	to, from;
	uint32_t	i;

	fifo_init(&f, 1024 * 1024);
	memset(&m, 0, sizeof(m));
	m.type = MSG_HOST_STATUS;
	for (i = 0; i < 100; i++) {
		m.u.host_status.host_id = i;
		m.u.host_status.state = HOST_UP;
		assert_int_equal(fifo_push(&f, PEER_PFE, PEER_HCE, &m), 0);
	}
	for (i = 0; i < 100; i++) {
		assert_int_equal(fifo_pop(&f, &to, &from, &out), 1);
		assert_int_equal(to, PEER_PFE);
		assert_int_equal(from, PEER_HCE);
		assert_int_equal(out.type, MSG_HOST_STATUS);
		assert_int_equal(out.u.host_status.host_id, i);
	}
	assert_int_equal(fifo_pop(&f, &to, &from, &out), 0);
	/* A message that does not encode is refused. */
	m.type = MSG_TYPE_MAX;
	assert_int_equal(fifo_push(&f, PEER_PFE, PEER_HCE, &m), -1);
	fifo_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clock_same_instant_keeps_order),
		cmocka_unit_test(test_clock_random_times_come_out_sorted),
		cmocka_unit_test(test_clock_due_now_after_earlier_same_instant),
		cmocka_unit_test(test_prng_same_seed_same_sequence),
		cmocka_unit_test(test_prng_below_stays_in_range),
		cmocka_unit_test(test_vhost_healthy_host_passes_every_method),
		cmocka_unit_test(test_vhost_down_times_out_with_the_method_error),
		cmocka_unit_test(test_vhost_refuse_fails_tcp_at_once_not_icmp),
		cmocka_unit_test(test_vhost_latency_within_and_past_timeout),
		cmocka_unit_test(test_vhost_http_code_and_up_restores),
		cmocka_unit_test(test_vhost_digest_and_expect_see_the_body),
		cmocka_unit_test(test_vhost_flap_starts_down_and_toggles),
		cmocka_unit_test(test_recorder_replays_operations),
		cmocka_unit_test(test_fifo_roundtrip_and_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
