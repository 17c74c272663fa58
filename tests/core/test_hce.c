/* The check engine driven directly: scheduling, retry, bound, operator. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <cmocka.h>

#include "core/hce.h"
#include "tests/core/testconf.h"
#include "tests/core/testio.h"

struct fixture {
	struct tio	 io;
	struct config	*cfg;
	struct hce	*hce;
};

static struct fixture *
fixture_new(struct config *cfg, uint32_t max_inflight)
{
	struct fixture	*f = calloc(1, sizeof(*f));
	struct hce_io	 io;

	assert_non_null(f);
	tio_init(&f->io);
	tio_hce_io(&f->io, &io);
	f->cfg = cfg;
	f->hce = hce_new(cfg, &io, max_inflight, 0);
	assert_non_null(f->hce);
	return f;
}

static void
fixture_free(struct fixture *f)
{
	hce_free(f->hce);
	config_free(f->cfg);
	tio_free(&f->io);
	free(f);
}

/* One table of n hosts, "10.0.X.Y", with retry and interval given. */
static struct config *
conf_hosts(size_t ntables, size_t per_table, uint32_t retry,
    uint32_t interval_s)
{
	struct config	*c = tc_new();
	char		 name[32], addr[32];
	size_t		 i, j;

	c->interval_s = interval_s;
	for (i = 0; i < ntables; i++) {
		uint32_t t;

		(void)snprintf(name, sizeof(name), "t%zu", i);
		t = tc_table(c, name, 80, true, CHECK_TCP);
		c->tables[t].interval_s = interval_s;
		for (j = 0; j < per_table; j++) {
			(void)snprintf(addr, sizeof(addr), "10.%zu.%zu.%zu", i,
			    j / 250, j % 250 + 1);
			(void)tc_host(c, t, addr, retry);
		}
	}
	return c;
}

static const struct msg_host_status *
last_status(const struct fixture *f)
{
	const struct msg *m = tio_last_sent(&f->io, PEER_PFE, MSG_HOST_STATUS);

	assert_non_null(m);
	return &m->u.host_status;
}

static void
test_small_config_starts_at_once(void **state)
{
	struct fixture	*f = fixture_new(conf_hosts(1, 2, 0, 10), 0);

	tio_run_hce(&f->io, f->hce, 5);
	assert_int_equal(f->io.nstarts, 2);
	assert_int_equal(f->io.starts[0].host_id, 0);
	assert_int_equal(f->io.starts[0].at_ms, 0);
	assert_int_equal(f->io.starts[1].host_id, 1);
	assert_int_equal(f->io.starts[1].at_ms, 1);
	assert_int_equal(f->io.starts[0].timeout_ms, HS_TIMEOUT_DEFAULT);
	fixture_free(f);
}

/* 1,000 hosts at interval 1 s: spread over the interval, no burst. */
static void
test_offsets_spread_checks(void **state)
{
	struct fixture	*f = fixture_new(conf_hosts(10, 100, 0, 1), 2000);
	uint32_t	 per_ms[1000];
	size_t		 i, busiest = 0;
	uint64_t	 last = 0;

	memset(per_ms, 0, sizeof(per_ms));
	tio_run_hce(&f->io, f->hce, 999);
	assert_int_equal(f->io.nstarts, 1000);
	for (i = 0; i < f->io.nstarts; i++) {
		uint64_t at = f->io.starts[i].at_ms;

		assert_true(at < 1000);
		assert_true(at >= last);	/* in id order */
		assert_int_equal(f->io.starts[i].host_id, i);
		last = at;
		if (++per_ms[at] > busiest)
			busiest = per_ms[at];
	}
	printf("1000 hosts, interval 1s: last first check at %llu ms, "
	    "at most %zu starts in one ms\n", (unsigned long long)last,
	    busiest);
	assert_true(last >= 990 && last < 1000);
	assert_true(busiest <= 1);
	fixture_free(f);
}

static void
test_every_interval(void **state)
{
	struct fixture	*f = fixture_new(conf_hosts(1, 1, 0, 10), 0);

	tio_run_hce(&f->io, f->hce, 0);
	tio_report(&f->io, f->hce, 0, true, HCE_TCP_CONNECT_OK, 3);
	tio_run_hce(&f->io, f->hce, 9999);
	assert_int_equal(f->io.nstarts, 1);
	tio_run_hce(&f->io, f->hce, 10000);
	assert_int_equal(f->io.nstarts, 2);
	assert_int_equal(f->io.starts[1].at_ms, 10000);
	fixture_free(f);
}

static void
test_unknown_counts_at_once(void **state)
{
	struct fixture	*f = fixture_new(conf_hosts(1, 2, 5, 10), 0);

	tio_run_hce(&f->io, f->hce, 1);
	tio_report(&f->io, f->hce, 0, false, HCE_TCP_CONNECT_REFUSED, 1);
	assert_int_equal(last_status(f)->state, HOST_DOWN);
	assert_int_equal(last_status(f)->error, HCE_TCP_CONNECT_REFUSED);
	tio_report(&f->io, f->hce, 1, true, HCE_TCP_CONNECT_OK, 1);
	assert_int_equal(last_status(f)->state, HOST_UP);
	assert_int_equal(last_status(f)->retry_cnt, 5);
	fixture_free(f);
}

/* retry 2: a host that is up goes down at the third failure in a row. */
static void
test_retry_needs_n_plus_one_failures(void **state)
{
	struct fixture	*f = fixture_new(conf_hosts(1, 1, 2, 1), 0);
	const bool	 results[] = { true, false, false, true, false, false,
			    false };
	const uint8_t	 expect[] = { HOST_UP, HOST_UP, HOST_UP, HOST_UP,
			    HOST_UP, HOST_UP, HOST_DOWN };
	const uint32_t	 retries[] = { 2, 1, 0, 2, 1, 0, 0 };
	size_t		 i;

	for (i = 0; i < sizeof(results) / sizeof(results[0]); i++) {
		tio_run_hce(&f->io, f->hce, i * 1000);
		tio_report(&f->io, f->hce, 0, results[i], results[i] ?
		    HCE_TCP_CONNECT_OK : HCE_TCP_CONNECT_TIMEOUT, 200);
		assert_int_equal(last_status(f)->state, expect[i]);
		assert_int_equal(last_status(f)->retry_cnt, retries[i]);
		assert_int_equal(hce_host_state(f->hce, 0), expect[i]);
	}
	fixture_free(f);
}

static void
test_availability_and_log_line(void **state)
{
	struct fixture	*f = fixture_new(tc_seed_simple(), 0);

	tio_run_hce(&f->io, f->hce, 1);
	tio_report(&f->io, f->hce, 0, true, HCE_HTTP_CODE_OK, 3);
	assert_non_null(strstr(buf_str(&f->io.log), "0 host 10.1.100.1, "
	    "check http code (3ms,http code ok), state unknown -> up, "
	    "availability 100.00%\n"));
	tio_run_hce(&f->io, f->hce, 10000);
	tio_report(&f->io, f->hce, 0, true, HCE_HTTP_CODE_OK, 2);
	/* unchanged state: verbose only, with log updates */
	assert_non_null(strstr(buf_str(&f->io.log), "1 host 10.1.100.1, "
	    "check http code (2ms,http code ok), state up -> up, "
	    "availability 100.00%\n"));
	tio_run_hce(&f->io, f->hce, 20000);
	tio_report(&f->io, f->hce, 0, false, HCE_HTTP_CODE_FAIL, 4);
	assert_int_equal(last_status(f)->check_cnt, 3);
	assert_int_equal(last_status(f)->up_cnt, 2);
	assert_non_null(strstr(buf_str(&f->io.log), "state up -> down, "
	    "availability 66.67%\n"));
	fixture_free(f);
}

static void
test_log_all_logs_every_check_at_level_0(void **state)
{
	struct config	*c = tc_seed_simple();
	struct fixture	*f;

	c->log = LOG_ALL;
	f = fixture_new(c, 0);
	tio_run_hce(&f->io, f->hce, 1);
	tio_report(&f->io, f->hce, 0, true, HCE_HTTP_CODE_OK, 3);
	tio_run_hce(&f->io, f->hce, 10000);
	tio_report(&f->io, f->hce, 0, true, HCE_HTTP_CODE_OK, 3);
	assert_non_null(strstr(buf_str(&f->io.log), "0 host 10.1.100.1, "
	    "check http code (3ms,http code ok), state up -> up"));
	fixture_free(f);
}

/*
 * A check still running two slots later (a starved checker, or one that
 * lost it) is cancelled and started again, without a verdict; never two
 * in flight for one host.
 */
static void
test_overrun_restarts_without_verdict(void **state)
{
	struct fixture	*f = fixture_new(conf_hosts(1, 1, 0, 1), 0);

	hce_log_level(f->hce, 1);
	tio_run_hce(&f->io, f->hce, 0);
	assert_true(hce_host_inflight(f->hce, 0));
	tio_run_hce(&f->io, f->hce, 1999);
	assert_int_equal(f->io.ncancels, 0);
	assert_int_equal(f->io.nstarts, 1);
	tio_run_hce(&f->io, f->hce, 2000);
	assert_int_equal(f->io.ncancels, 1);
	assert_int_equal(f->io.cancels[0].seq, f->io.starts[0].seq);
	assert_int_equal(f->io.nstarts, 2);
	assert_int_equal(hce_inflight(f->hce), 1);
	assert_int_equal(tio_count_sent(&f->io, PEER_PFE, MSG_HOST_STATUS), 0);
	assert_int_equal(hce_host_state(f->hce, 0), HOST_UNKNOWN);
	assert_non_null(strstr(buf_str(&f->io.log), "1 host 10.0.0.1: check "
	    "still running after 2000ms, started again"));
	/* the late result of the cancelled check is ignored */
	{
		struct check_result res = { 0, f->io.starts[0].seq, true,
		    HCE_TCP_CONNECT_OK, 5, -1 };

		hce_check_done(f->hce, &res, 2001);
		assert_int_equal(hce_host_state(f->hce, 0), HOST_UNKNOWN);
		assert_int_equal(hce_inflight(f->hce), 1);
	}
	tio_report(&f->io, f->hce, 0, true, HCE_TCP_CONNECT_OK, 2);
	assert_int_equal(hce_host_state(f->hce, 0), HOST_UP);
	fixture_free(f);
}

/*
 * A check that started late (here: waiting for room in flight) is not
 * cut at its next slot: the timeout is shorter than the interval, so
 * the delay is ours, not the host's.
 */
static void
test_late_start_not_an_interval_timeout(void **state)
{
	struct fixture	*f = fixture_new(conf_hosts(1, 2, 0, 1), 1);

	tio_run_hce(&f->io, f->hce, 900);
	assert_int_equal(f->io.nstarts, 1);		/* host 1 waits */
	tio_report(&f->io, f->hce, 0, true, HCE_TCP_CONNECT_OK, 900);
	tio_run_hce(&f->io, f->hce, 900);
	assert_int_equal(f->io.nstarts, 2);
	assert_int_equal(f->io.starts[1].at_ms, 900);
	tio_run_hce(&f->io, f->hce, 1500);	/* host 1's slot at 1001 */
	assert_int_equal(f->io.ncancels, 0);
	assert_true(hce_host_inflight(f->hce, 1));
	tio_report(&f->io, f->hce, 1, true, HCE_TCP_CONNECT_OK, 600);
	assert_int_equal(hce_host_state(f->hce, 1), HOST_UP);
	fixture_free(f);
}

static void
test_inflight_bound_queues_fifo(void **state)
{
	struct fixture	*f = fixture_new(conf_hosts(1, 10, 0, 10), 3);
	size_t		 i;

	tio_run_hce(&f->io, f->hce, 100);
	assert_int_equal(f->io.nstarts, 3);
	assert_int_equal(hce_inflight(f->hce), 3);
	assert_int_equal(hce_queued(f->hce), 7);
	tio_report(&f->io, f->hce, 1, true, HCE_TCP_CONNECT_OK, 1);
	assert_int_equal(f->io.nstarts, 3);	/* a result starts nothing */
	assert_true(hce_next_deadline(f->hce) == 0);
	tio_run_hce(&f->io, f->hce, f->io.now_ms);
	assert_int_equal(f->io.nstarts, 4);
	assert_int_equal(f->io.starts[3].host_id, 3);
	for (i = 0; f->io.nstarts < 10; i++) {
		size_t before = f->io.nstarts;

		if (!hce_host_inflight(f->hce, (uint32_t)i))
			continue;
		tio_report(&f->io, f->hce, (uint32_t)i, true,
		    HCE_TCP_CONNECT_OK, 1);
		tio_run_hce(&f->io, f->hce, f->io.now_ms);
		assert_int_equal(f->io.nstarts, before + 1);
		assert_true(hce_inflight(f->hce) <= 3);
	}
	for (i = 0; i < 10; i++)
		assert_int_equal(f->io.starts[i].host_id, i);
	fixture_free(f);
}

/* A host still queued when due again is not queued twice. */
static void
test_queued_host_not_queued_twice(void **state)
{
	struct fixture	*f = fixture_new(conf_hosts(1, 3, 0, 1), 1);

	tio_run_hce(&f->io, f->hce, 2);
	assert_int_equal(hce_queued(f->hce), 2);
	tio_run_hce(&f->io, f->hce, 1000);	/* host 0 overran */
	assert_int_equal(hce_inflight(f->hce), 1);
	assert_true(hce_queued(f->hce) <= 2);
	tio_run_hce(&f->io, f->hce, 1002);
	assert_true(hce_queued(f->hce) <= 2);
	fixture_free(f);
}

static struct msg
id_msg(enum msg_type type, uint32_t id)
{
	struct msg	m;

	memset(&m, 0, sizeof(m));
	m.type = type;
	m.u.id.id = id;
	return m;
}

static void
test_host_disable_and_enable(void **state)
{
	struct fixture	*f = fixture_new(conf_hosts(1, 2, 0, 10), 0);
	struct msg	 m;

	tio_run_hce(&f->io, f->hce, 1);
	tio_report(&f->io, f->hce, 1, true, HCE_TCP_CONNECT_OK, 1);
	m = id_msg(MSG_HOST_DISABLE, 0);
	assert_int_equal(hce_dispatch(f->hce, PEER_PFE, &m, 5), 0);
	assert_int_equal(f->io.ncancels, 1);
	assert_int_equal(hce_inflight(f->hce), 0);
	m = id_msg(MSG_HOST_DISABLE, 1);
	assert_int_equal(hce_dispatch(f->hce, PEER_PFE, &m, 5), 0);
	assert_int_equal(hce_host_state(f->hce, 1), HOST_UNKNOWN);
	tio_run_hce(&f->io, f->hce, 60000);
	assert_int_equal(f->io.nstarts, 2);	/* nothing checked */
	m = id_msg(MSG_HOST_ENABLE, 1);
	f->io.now_ms = 60005;
	assert_int_equal(hce_dispatch(f->hce, PEER_PFE, &m, 60005), 0);
	assert_int_equal(hce_host_next_check(f->hce, 1), 70001);
	tio_run_hce(&f->io, f->hce, 70001);
	assert_int_equal(f->io.nstarts, 3);
	assert_int_equal(f->io.starts[2].host_id, 1);
	tio_report(&f->io, f->hce, 1, true, HCE_TCP_CONNECT_OK, 1);
	assert_int_equal(last_status(f)->check_cnt, 1);	/* zeroed */
	fixture_free(f);
}

static void
test_table_disable_and_bad_ids(void **state)
{
	struct fixture	*f = fixture_new(conf_hosts(2, 2, 0, 10), 0);
	struct msg	 m;

	m = id_msg(MSG_TABLE_DISABLE, 0);
	assert_int_equal(hce_dispatch(f->hce, PEER_PFE, &m, 0), 0);
	tio_run_hce(&f->io, f->hce, 100);
	assert_int_equal(f->io.nstarts, 2);
	assert_int_equal(f->io.starts[0].host_id, 2);
	m = id_msg(MSG_TABLE_DISABLE, 7);
	assert_int_equal(hce_dispatch(f->hce, PEER_PFE, &m, 0), -1);
	m = id_msg(MSG_HOST_DISABLE, 99);
	assert_int_equal(hce_dispatch(f->hce, PEER_PFE, &m, 0), -1);
	m = id_msg(MSG_CTL_OK, 0);
	assert_int_equal(hce_dispatch(f->hce, PEER_PFE, &m, 0), -1);
	m = id_msg(MSG_POLL, 0);
	assert_int_equal(hce_dispatch(f->hce, PEER_RELAY, &m, 0), -1);
	m = id_msg(MSG_TABLE_ENABLE, 0);
	assert_int_equal(hce_dispatch(f->hce, PEER_PFE, &m, 100), 0);
	/* back on their grid: offsets 0 and 1 ms, interval 10 s */
	tio_run_hce(&f->io, f->hce, 10001);
	assert_int_equal(f->io.nstarts, 4);
	assert_int_equal(f->io.starts[2].host_id, 0);
	assert_int_equal(f->io.starts[2].at_ms, 10000);
	fixture_free(f);
}

static void
test_poll_checks_all_now_within_bound(void **state)
{
	struct fixture	*f = fixture_new(conf_hosts(1, 5, 0, 10), 2);
	struct msg	 m = id_msg(MSG_POLL, 0);
	size_t		 i;

	for (i = 0; i < 5; i++) {
		tio_run_hce(&f->io, f->hce, 10);
		tio_report(&f->io, f->hce, (uint32_t)i, true,
		    HCE_TCP_CONNECT_OK, 1);
	}
	assert_int_equal(f->io.nstarts, 5);
	f->io.now_ms = 3000;
	assert_int_equal(hce_dispatch(f->hce, PEER_PFE, &m, 3000), 0);
	assert_int_equal(f->io.nstarts, 7);
	assert_int_equal(f->io.starts[5].at_ms, 3000);
	assert_int_equal(hce_queued(f->hce), 3);
	assert_int_equal(hce_host_next_check(f->hce, 0), 13000);
	fixture_free(f);
}

/*
 * After a reload the first result of a carried host goes to the PFE even
 * if it changes nothing here: the PFE's view of it may differ.
 */
static void
test_reload_sends_first_result(void **state)
{
	struct fixture	*f = fixture_new(conf_hosts(1, 1, 0, 10), 0);
	struct config	*c2 = conf_hosts(1, 1, 0, 10);

	tio_run_hce(&f->io, f->hce, 0);
	tio_report(&f->io, f->hce, 0, true, HCE_TCP_CONNECT_OK, 1);
	tio_run_hce(&f->io, f->hce, 10000);
	tio_report(&f->io, f->hce, 0, true, HCE_TCP_CONNECT_OK, 1);
	assert_int_equal(tio_count_sent(&f->io, PEER_PFE, MSG_HOST_STATUS), 1);
	f->io.now_ms = 15000;
	assert_int_equal(hce_reload(f->hce, c2, 15000), 0);
	config_free(f->cfg);
	f->cfg = c2;
	tio_run_hce(&f->io, f->hce, 15000);
	tio_report(&f->io, f->hce, 0, true, HCE_TCP_CONNECT_OK, 1);
	assert_int_equal(tio_count_sent(&f->io, PEER_PFE, MSG_HOST_STATUS), 2);
	assert_int_equal(last_status(f)->check_cnt, 3);
	fixture_free(f);
}

/*
 * A run starts at most HCE_STARTS_PER_RUN checks and asks to run again
 * at once: the loop sees answers between the batches.
 */
static void
test_starts_per_run_bounded(void **state)
{
	struct fixture	*f = fixture_new(conf_hosts(4, 250, 0, 10), 4096);
	struct msg	 m = id_msg(MSG_POLL, 0);

	assert_int_equal(hce_dispatch(f->hce, PEER_PFE, &m, 0), 0);
	assert_int_equal(f->io.nstarts, HCE_STARTS_PER_RUN);
	assert_true(hce_next_deadline(f->hce) == 0);
	hce_run(f->hce, 0);
	assert_int_equal(f->io.nstarts, 2 * HCE_STARTS_PER_RUN);
	tio_run_hce(&f->io, f->hce, 0);
	assert_int_equal(f->io.nstarts, 1000);
	fixture_free(f);
}

/*
 * After a poll of 200 hosts at interval 1 s, the next round is spread
 * again, one start a millisecond, not all in one.
 */
static void
test_poll_then_spread_again(void **state)
{
	struct fixture	*f = fixture_new(conf_hosts(2, 100, 0, 1), 2000);
	struct msg	 m = id_msg(MSG_POLL, 0);
	uint32_t	 per_ms[1000];
	size_t		 i, polled, busiest = 0;

	tio_run_hce(&f->io, f->hce, 999);
	for (i = 0; i < 200; i++)
		tio_report(&f->io, f->hce, (uint32_t)i, true,
		    HCE_TCP_CONNECT_OK, 1);
	f->io.now_ms = 1500;
	assert_int_equal(hce_dispatch(f->hce, PEER_PFE, &m, 1500), 0);
	polled = f->io.nstarts;
	assert_int_equal(polled, 400);		/* every host, now */
	for (i = 0; i < 200; i++)
		tio_report(&f->io, f->hce, (uint32_t)i, true,
		    HCE_TCP_CONNECT_OK, 1);
	memset(per_ms, 0, sizeof(per_ms));
	tio_run_hce(&f->io, f->hce, 3499);
	assert_int_equal(f->io.nstarts, polled + 200);
	for (i = polled; i < f->io.nstarts; i++) {
		uint64_t at = f->io.starts[i].at_ms;

		assert_true(at >= 2500 && at < 3500);
		if (++per_ms[at - 2500] > busiest)
			busiest = per_ms[at - 2500];
	}
	printf("after a poll of 200 hosts: at most %zu starts in one ms\n",
	    busiest);
	assert_true(busiest <= 1);
	fixture_free(f);
}

/*
 * Results that change nothing reach the PFE in batches of counters, at
 * most HCE_COUNTERS_MS later; a change (here a tolerated failure, which
 * takes a retry) goes at once.
 */
static void
test_unchanged_results_batched(void **state)
{
	struct fixture		*f = fixture_new(conf_hosts(1, 3, 1, 10), 0);
	const struct msg	*m;
	size_t			 i, round;

	for (round = 0; round < 3; round++) {
		tio_run_hce(&f->io, f->hce, round * 10000 + 2);
		for (i = 0; i < 3; i++)
			tio_report(&f->io, f->hce, (uint32_t)i, true,
			    HCE_TCP_CONNECT_OK, (uint32_t)(round + 1));
	}
	/* one status per host (unknown -> up), then counters only */
	assert_int_equal(tio_count_sent(&f->io, PEER_PFE, MSG_HOST_STATUS),
	    3);
	assert_int_equal(tio_count_sent(&f->io, PEER_PFE, MSG_HOST_COUNTERS),
	    1);
	assert_true(hce_host_counts_pending(f->hce, 2));
	tio_run_hce(&f->io, f->hce, 20002 + HCE_COUNTERS_MS);
	assert_false(hce_host_counts_pending(f->hce, 2));
	assert_int_equal(tio_count_sent(&f->io, PEER_PFE, MSG_HOST_COUNTERS),
	    2);
	m = tio_last_sent(&f->io, PEER_PFE, MSG_HOST_COUNTERS);
	assert_int_equal(m->u.host_counters.n, 3);
	assert_int_equal(m->u.host_counters.e[2].host_id, 2);
	assert_int_equal(m->u.host_counters.e[2].check_cnt, 3);
	assert_int_equal(m->u.host_counters.e[2].up_cnt, 3);
	assert_int_equal(m->u.host_counters.e[2].rtt_ms, 3);
	/* every check's time in its bucket: 1, 2 and 3 ms */
	assert_int_equal(m->u.host_counters.e[2].rtt.n[0], 1);
	assert_int_equal(m->u.host_counters.e[2].rtt.n[1], 1);
	assert_int_equal(m->u.host_counters.e[2].rtt.n[2], 1);
	assert_int_equal(m->u.host_counters.e[2].rtt.sum_ms, 6);
	assert_true(hce_next_deadline(f->hce) == 30000);
	tio_run_hce(&f->io, f->hce, 30000);
	tio_report(&f->io, f->hce, 0, false, HCE_TCP_CONNECT_REFUSED, 1);
	assert_int_equal(tio_count_sent(&f->io, PEER_PFE, MSG_HOST_STATUS),
	    4);
	assert_int_equal(last_status(f)->state, HOST_UP);
	assert_int_equal(last_status(f)->retry_cnt, 0);
	assert_int_equal(last_status(f)->check_cnt, 4);
	fixture_free(f);
}

static void
test_script_result_from_parent(void **state)
{
	struct config	*c = conf_hosts(1, 1, 0, 10);
	struct fixture	*f;
	struct msg	 m;

	c->tables[0].check.type = CHECK_SCRIPT;
	f = fixture_new(c, 0);
	tio_run_hce(&f->io, f->hce, 0);
	memset(&m, 0, sizeof(m));
	m.type = MSG_SCRIPT_DONE;
	m.u.script_done.host_id = 0;
	m.u.script_done.seq = f->io.starts[0].seq;
	m.u.script_done.status = 2;
	assert_int_equal(hce_dispatch(f->hce, PEER_PARENT, &m, 5), 0);
	assert_int_equal(last_status(f)->state, HOST_DOWN);
	assert_int_equal(last_status(f)->error, HCE_SCRIPT_FAIL);
	assert_int_equal(last_status(f)->detail, 2);
	fixture_free(f);
}

/* The parent's answer as a result: exit status, timeout, why not run. */
static void
test_script_answers(void **state)
{
	struct msg_script_done	 m;
	struct check_result	 r;

	memset(&m, 0, sizeof(m));
	m.host_id = 7;
	m.seq = 42;
	m.rtt_ms = 15;
	hce_script_result(&m, &r);
	assert_true(r.up);
	assert_int_equal(r.error, HCE_SCRIPT_OK);
	assert_int_equal(r.host_id, 7);
	assert_int_equal(r.seq, 42);
	assert_int_equal(r.rtt_ms, 15);
	m.status = 1;
	hce_script_result(&m, &r);
	assert_false(r.up);
	assert_int_equal(r.error, HCE_SCRIPT_FAIL);
	assert_int_equal(r.detail, 1);
	m.status = SCRIPT_STATUS_FAILED;
	hce_script_result(&m, &r);
	assert_int_equal(r.error, HCE_SCRIPT_FAIL);
	m.status = SCRIPT_STATUS_NOT_FOUND;
	hce_script_result(&m, &r);
	assert_false(r.up);
	assert_int_equal(r.error, HCE_SCRIPT_NOT_FOUND);
	m.status = SCRIPT_STATUS_NOT_EXECUTABLE;
	hce_script_result(&m, &r);
	assert_int_equal(r.error, HCE_SCRIPT_NOT_EXECUTABLE);
	m.status = 0;
	m.timed_out = 1;	/* killed, whatever it said */
	hce_script_result(&m, &r);
	assert_false(r.up);
	assert_int_equal(r.error, HCE_SCRIPT_TIMEOUT);
}

/* Reload: a host in both keeps state and counters; a new one is unknown. */
static void
test_reload_keeps_state(void **state)
{
	struct fixture	*f = fixture_new(tc_seed_simple(), 0);
	struct config	*c2 = tc_new();
	uint32_t	 t;
	size_t		 ncancels;

	t = tc_table(c2, "webhosts", 80, true, CHECK_HTTP_CODE);
	(void)tc_host(c2, t, "10.1.100.9", 0);
	(void)tc_host(c2, t, "10.1.100.2", 0);
	(void)tc_service(c2, "www", t, HS_ID_NONE);
	tio_run_hce(&f->io, f->hce, 1);
	tio_report(&f->io, f->hce, 1, true, HCE_HTTP_CODE_OK, 1);
	tio_run_hce(&f->io, f->hce, 10001);
	tio_report(&f->io, f->hce, 1, false, HCE_HTTP_CODE_FAIL, 1);
	assert_int_equal(hce_inflight(f->hce), 1);	/* host 0 */
	f->io.now_ms = 15000;
	ncancels = f->io.ncancels;
	hce_reload(f->hce, c2, 15000);
	assert_int_equal(hce_inflight(f->hce), 0);
	assert_int_equal(f->io.ncancels, ncancels + 1);
	assert_int_equal(hce_host_state(f->hce, 1), HOST_DOWN);
	assert_int_equal(hce_host_state(f->hce, 0), HOST_UNKNOWN);
	config_free(f->cfg);
	f->cfg = c2;
	tio_run_hce(&f->io, f->hce, 15001);
	tio_report(&f->io, f->hce, 1, true, HCE_HTTP_CODE_OK, 1);
	assert_int_equal(last_status(f)->check_cnt, 3);
	assert_int_equal(last_status(f)->up_cnt, 2);
	fixture_free(f);
}

static void
test_templates_are_not_checked(void **state)
{
	struct fixture	*f = fixture_new(tc_seed_templated(), 0);
	size_t		 i;

	tio_run_hce(&f->io, f->hce, 100);
	assert_int_equal(f->io.nstarts, 3);
	for (i = 0; i < f->io.nstarts; i++)
		assert_true(f->io.starts[i].host_id >= 3);
	fixture_free(f);
}

/* Relay tables without a check: never checked, yet addressable. */
static void
test_unchecked_tables(void **state)
{
	struct config	*c = conf_hosts(2, 1, 0, 10);
	struct fixture	*f;
	struct msg	 m;

	c->tables[1].check.type = CHECK_NONE;
	f = fixture_new(c, 0);
	tio_run_hce(&f->io, f->hce, 30000);
	/* host 0 at 0 s, and at 20 s when its unanswered check restarts */
	assert_int_equal(f->io.nstarts, 2);
	assert_int_equal(f->io.starts[1].host_id, 0);
	m = id_msg(MSG_HOST_DISABLE, 1);
	assert_int_equal(hce_dispatch(f->hce, PEER_PFE, &m, 30000), 0);
	m = id_msg(MSG_TABLE_ENABLE, 1);
	assert_int_equal(hce_dispatch(f->hce, PEER_PFE, &m, 30000), 0);
	assert_int_equal(hce_host_next_check(f->hce, 1), HS_TIME_NEVER);
	fixture_free(f);
}

static void
test_log_level_brief(void **state)
{
	struct fixture	*f = fixture_new(tc_seed_simple(), 0);

	hce_log_level(f->hce, 0);
	tio_run_hce(&f->io, f->hce, 1);
	tio_report(&f->io, f->hce, 0, true, HCE_HTTP_CODE_OK, 3);
	tio_run_hce(&f->io, f->hce, 10000);
	tio_report(&f->io, f->hce, 0, true, HCE_HTTP_CODE_OK, 3);
	assert_string_equal(buf_str(&f->io.log), "0 host 10.1.100.1, check "
	    "http code (3ms,http code ok), state unknown -> up, "
	    "availability 100.00%\n");
	fixture_free(f);
}

static void
test_empty_config_never_due(void **state)
{
	struct fixture	*f = fixture_new(tc_new(), 0);

	assert_true(hce_next_deadline(f->hce) == HS_TIME_NEVER);
	hce_run(f->hce, 1000);
	assert_int_equal(f->io.nstarts, 0);
	fixture_free(f);
}

/* Reload empties the queue and puts every host on the new grid. */
static void
test_reload_with_queue(void **state)
{
	struct fixture	*f = fixture_new(conf_hosts(1, 3, 0, 10), 1);
	struct config	*c2 = conf_hosts(1, 3, 0, 10);

	c2->tables[0].disabled = true;
	tio_run_hce(&f->io, f->hce, 5);
	assert_int_equal(hce_queued(f->hce), 2);
	f->io.now_ms = 100;
	hce_reload(f->hce, c2, 100);
	assert_int_equal(hce_queued(f->hce), 0);
	assert_int_equal(hce_inflight(f->hce), 0);
	assert_true(hce_next_deadline(f->hce) == HS_TIME_NEVER);
	config_free(f->cfg);
	f->cfg = c2;
	{
		struct msg m = id_msg(MSG_TABLE_ENABLE, 0);

		assert_int_equal(hce_dispatch(f->hce, PEER_PFE, &m, 200), 0);
	}
	assert_int_equal(hce_host_next_check(f->hce, 0), 10100);
	assert_int_equal(hce_host_next_check(f->hce, 2), 10102);
	fixture_free(f);
}

/*
 * A command meant for another configuration is refused, never applied
 * to the host that has its id now; the end of a command says which
 * configuration it met.
 */
static void
test_other_generation_refused(void **state)
{
	struct config	*c = conf_hosts(1, 2, 0, 10);
	struct fixture	*f;
	struct msg	 m;
	const struct msg *done;

	c->gen = 3;
	f = fixture_new(c, 0);
	tio_run_hce(&f->io, f->hce, 1);
	m = id_msg(MSG_HOST_DISABLE, 0);
	m.gen = 2;
	assert_int_equal(hce_dispatch(f->hce, PEER_PFE, &m, 5), 0);
	assert_int_equal(f->io.ncancels, 0);
	assert_true(hce_host_inflight(f->hce, 0));
	assert_non_null(strstr(buf_str(&f->io.log), "0 hce: host_disable for "
	    "id 0 of configuration 2 refused: configuration 3 is running"));
	m = id_msg(MSG_TABLE_DISABLE, 0);
	m.gen = 4;
	assert_int_equal(hce_dispatch(f->hce, PEER_PFE, &m, 5), 0);
	assert_int_equal(hce_inflight(f->hce), 2);
	/* a script's answer across a reload is stale too */
	memset(&m, 0, sizeof(m));
	m.type = MSG_SCRIPT_DONE;
	m.gen = 2;
	assert_int_equal(hce_dispatch(f->hce, PEER_PARENT, &m, 5), 0);
	/* the end of a command from generation 2, met by 3 */
	memset(&m, 0, sizeof(m));
	m.type = MSG_CMD_END;
	m.gen = 2;
	m.peerid = 9;
	assert_int_equal(hce_dispatch(f->hce, PEER_PFE, &m, 5), 0);
	done = tio_last_sent(&f->io, PEER_PFE, MSG_CMD_DONE);
	assert_non_null(done);
	assert_int_equal(done->peerid, 9);
	assert_int_equal(done->gen, 3);
	assert_int_equal(done->u.id.id, 2);
	/* the same generation: applied, and said so */
	m = id_msg(MSG_HOST_DISABLE, 0);
	m.gen = 3;
	assert_int_equal(hce_dispatch(f->hce, PEER_PFE, &m, 5), 0);
	assert_false(hce_host_inflight(f->hce, 0));
	m.type = MSG_CMD_END;
	assert_int_equal(hce_dispatch(f->hce, PEER_PFE, &m, 5), 0);
	done = tio_last_sent(&f->io, PEER_PFE, MSG_CMD_DONE);
	assert_int_equal(done->u.id.id, done->gen);
	/* from anyone but the pfe: a protocol error */
	assert_int_equal(hce_dispatch(f->hce, PEER_PARENT, &m, 5), -1);
	fixture_free(f);
}

/* Held, the HCE starts nothing: due hosts wait, bounded by the hosts. */
static void
test_hold_starts_nothing(void **state)
{
	struct fixture	*f = fixture_new(conf_hosts(1, 3, 0, 1), 0);

	hce_hold(f->hce, true);
	tio_run_hce(&f->io, f->hce, 5000);
	assert_int_equal(f->io.nstarts, 0);
	assert_int_equal(hce_queued(f->hce), 3);
	assert_true(hce_next_deadline(f->hce) > 5000);
	hce_hold(f->hce, false);
	assert_int_equal(hce_next_deadline(f->hce), 0);
	hce_run(f->hce, 5000);
	assert_int_equal(f->io.nstarts, 3);
	assert_int_equal(hce_queued(f->hce), 0);
	fixture_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_config_starts_at_once),
		cmocka_unit_test(test_offsets_spread_checks),
		cmocka_unit_test(test_every_interval),
		cmocka_unit_test(test_unknown_counts_at_once),
		cmocka_unit_test(test_retry_needs_n_plus_one_failures),
		cmocka_unit_test(test_availability_and_log_line),
		cmocka_unit_test(test_log_all_logs_every_check_at_level_0),
		cmocka_unit_test(test_overrun_restarts_without_verdict),
		cmocka_unit_test(test_late_start_not_an_interval_timeout),
		cmocka_unit_test(test_inflight_bound_queues_fifo),
		cmocka_unit_test(test_starts_per_run_bounded),
		cmocka_unit_test(test_reload_sends_first_result),
		cmocka_unit_test(test_queued_host_not_queued_twice),
		cmocka_unit_test(test_host_disable_and_enable),
		cmocka_unit_test(test_table_disable_and_bad_ids),
		cmocka_unit_test(test_poll_checks_all_now_within_bound),
		cmocka_unit_test(test_poll_then_spread_again),
		cmocka_unit_test(test_unchanged_results_batched),
		cmocka_unit_test(test_script_result_from_parent),
		cmocka_unit_test(test_script_answers),
		cmocka_unit_test(test_reload_keeps_state),
		cmocka_unit_test(test_templates_are_not_checked),
		cmocka_unit_test(test_unchecked_tables),
		cmocka_unit_test(test_log_level_brief),
		cmocka_unit_test(test_empty_config_never_due),
		cmocka_unit_test(test_reload_with_queue),
		cmocka_unit_test(test_other_generation_refused),
		cmocka_unit_test(test_hold_starts_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
