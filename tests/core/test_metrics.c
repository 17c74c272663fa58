/* show metrics: the Prometheus text of the PFE's state, line by line. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <cmocka.h>

#include "core/pfe.h"
#include "core/prom.h"
#include "tests/core/testconf.h"
#include "tests/core/testio.h"

static void
assert_line(const struct buf *b, const char *line)
{
	const char	*p = buf_str(b);
	size_t		 n = strlen(line);

	for (; p != NULL && *p != '\0'; p = strchr(p, '\n'), p += p != NULL) {
		if (strncmp(p, line, n) == 0 && (p[n] == '\n' || p[n] == '\0'))
			return;
	}
	printf("--- no line: %s\n--- in\n%s", line, buf_str(b));
	fail();
}

/* Label values are escaped as the format says; HELP keeps quotes. */
static void
test_prom_escape(void **state)
{
	struct prom_label	l[2] = { { "table", "a\"b\\c\nd" },
				    { "host", "h" } };
	struct buf		b;

	buf_init(&b, 4096);
	prom_family(&b, "x_total", "counter", "Say \"it\"\\now\n.");
	prom_sample_u64(&b, "x_total", l, 2, 7);
	prom_sample_ms(&b, "y_seconds", NULL, 0, 1250);
	assert_string_equal(buf_str(&b),
	    "# HELP x_total Say \"it\"\\\\now\\n.\n"
	    "# TYPE x_total counter\n"
	    "x_total{table=\"a\\\"b\\\\c\\nd\",host=\"h\"} 7\n"
	    "y_seconds 1.250\n");
	buf_free(&b);
}

static void
status_rtt(struct pfe *p, uint32_t host_id, enum host_state state,
    enum check_error err, const uint32_t *rtt, size_t n)
{
	struct msg	m;
	size_t		i, k;

	memset(&m, 0, sizeof(m));
	m.type = MSG_HOST_STATUS;
	m.u.host_status.host_id = host_id;
	m.u.host_status.state = (uint8_t)state;
	m.u.host_status.error = (uint8_t)err;
	m.u.host_status.check_cnt = (uint32_t)n;
	m.u.host_status.up_cnt = state == HOST_UP ? (uint32_t)n : 0;
	m.u.host_status.detail = -1;
	for (i = 0; i < n; i++) {
		for (k = 0; k < HS_RTT_BUCKETS && rtt[i] > rtt_bucket_ms[k];
		    k++)
			;
		if (k < HS_RTT_BUCKETS)
			m.u.host_status.rtt.n[k]++;
		m.u.host_status.rtt.sum_ms += rtt[i];
		m.u.host_status.rtt_ms = rtt[i];
	}
	assert_int_equal(pfe_dispatch(p, PEER_HCE, &m, 0), 0);
}

struct fixture {
	struct config	*cfg;
	struct tio	 io;
	struct pfe	*pfe;
};

static void
fixture_start(struct fixture *f, struct config *cfg)
{
	struct pfe_io	pio;

	f->cfg = cfg;
	tio_init(&f->io);
	tio_pfe_io(&f->io, &pio);
	f->pfe = pfe_new(cfg, &pio, 0);
	assert_non_null(f->pfe);
	pfe_start(f->pfe, 0);
}

static void
fixture_stop(struct fixture *f)
{
	pfe_free(f->pfe);
	config_free(f->cfg);
	tio_free(&f->io);
}

/* The seed's backup example: both web servers down, the sorry server up. */
static void
test_metrics_backup(void **state)
{
	static const uint32_t	 fast[] = { 1, 4, 30 }, slow[] = { 200, 3000 };
	struct fixture		 f;
	struct pfe		*p;
	struct buf		 b;

	fixture_start(&f, tc_seed_backup());
	p = f.pfe;
	status_rtt(p, 0, HOST_DOWN, HCE_TCP_CONNECT_TIMEOUT, slow, 2);
	status_rtt(p, 1, HOST_DOWN, HCE_TCP_CONNECT_REFUSED, fast, 1);
	status_rtt(p, 3, HOST_UP, HCE_ICMP_OK, fast, 3);
	buf_init(&b, PFE_METRICS_MAX);
	assert_int_equal(pfe_metrics(p, NULL, 0, 5000, 1700000005000ULL,
	    1700000000000ULL, &b), 0);
	assert_line(&b, "hoststated_start_time_seconds 1700000000.000");
	assert_line(&b, "hoststated_host_up{table=\"webhosts\","
	    "host=\"10.1.1.100\"} 0");
	assert_line(&b, "hoststated_host_state{table=\"sorry_server:80\","
	    "host=\"127.0.0.1\",state=\"up\"} 1");
	assert_line(&b, "hoststated_host_last_failure_info{table=\"webhosts\","
	    "host=\"10.1.1.101\",reason=\"tcp connect refused\"} 1");
	/* cumulative buckets: 1 and 4 ms, then 30, then nothing more */
	assert_line(&b, "hoststated_host_check_duration_seconds_bucket{"
	    "table=\"sorry_server:80\",host=\"127.0.0.1\",le=\"0.001\"} 1");
	assert_line(&b, "hoststated_host_check_duration_seconds_bucket{"
	    "table=\"sorry_server:80\",host=\"127.0.0.1\",le=\"0.005\"} 2");
	assert_line(&b, "hoststated_host_check_duration_seconds_bucket{"
	    "table=\"sorry_server:80\",host=\"127.0.0.1\",le=\"0.050\"} 3");
	assert_line(&b, "hoststated_host_check_duration_seconds_sum{"
	    "table=\"sorry_server:80\",host=\"127.0.0.1\"} 0.035");
	/* 3 s is above the last bucket: only +Inf counts it */
	assert_line(&b, "hoststated_host_check_duration_seconds_bucket{"
	    "table=\"webhosts\",host=\"10.1.1.100\",le=\"2.500\"} 1");
	assert_line(&b, "hoststated_host_check_duration_seconds_bucket{"
	    "table=\"webhosts\",host=\"10.1.1.100\",le=\"+Inf\"} 2");
	assert_line(&b, "hoststated_host_check_duration_seconds_count{"
	    "table=\"webhosts\",host=\"10.1.1.100\"} 2");
	assert_line(&b, "hoststated_table_hosts_up{table=\"webhosts\"} 0");
	assert_line(&b, "hoststated_service_state{service=\"www\","
	    "state=\"backup\"} 1");
	assert_line(&b, "hoststated_service_up{service=\"www\"} 1");
	assert_line(&b, "hoststated_config_last_reload_successful 1");
	buf_free(&b);
	fixture_stop(&f);
}

/* A service the packet filter refuses: not installed, its failures. */
static void
test_metrics_not_installed(void **state)
{
	static const uint32_t	 fast[] = { 1 };
	struct fixture		 f;
	struct buf		 b;

	fixture_start(&f, tc_seed_simple());
	f.io.l3_refuse = -1;
	status_rtt(f.pfe, 0, HOST_UP, HCE_TCP_CONNECT_OK, fast, 1);
	pfe_run(f.pfe, 200);
	buf_init(&b, PFE_METRICS_MAX);
	assert_int_equal(pfe_metrics(f.pfe, NULL, 0, 200, 0, 0, &b), 0);
	assert_line(&b, "hoststated_service_state{service=\"www\","
	    "state=\"not_installed\"} 1");
	assert_line(&b, "hoststated_service_state{service=\"www\","
	    "state=\"active\"} 0");
	assert_line(&b, "hoststated_service_up{service=\"www\"} 0");
	assert_line(&b, "hoststated_service_layer3_failures_total{"
	    "service=\"www\"} 2");
	buf_free(&b);
	fixture_stop(&f);
}

/* has no line that starts so. */
static void
assert_no_line(const struct buf *b, const char *start)
{
	const char	*p = buf_str(b);
	size_t		 n = strlen(start);

	for (; p != NULL && *p != '\0'; p = strchr(p, '\n'), p += p != NULL) {
		if (strncmp(p, start, n) == 0) {
			printf("--- a line starts with: %s\n--- in\n%s", start,
			    buf_str(b));
			fail();
		}
	}
}

/* Relays "tcp", "web" (HTTP) and "dns", in that order, on one table. */
static struct config *
three_relays(void)
{
	static const enum proto_type	 types[] = { PROTO_HTTP, PROTO_DNS };
	struct config			*c = tc_new();
	uint32_t			 t;
	size_t				 i;

	t = tc_table(c, "web", 80, true, CHECK_TCP);
	(void)tc_host(c, t, "10.0.0.1", 0);
	(void)tc_relay(c, "tcp", t, HS_ID_NONE);
	(void)tc_relay(c, "web", t, HS_ID_NONE);
	(void)tc_relay(c, "dns", t, HS_ID_NONE);
	c->protocols = calloc(2, sizeof(*c->protocols));
	assert_non_null(c->protocols);
	c->nprotocols = 2;
	for (i = 0; i < 2; i++) {
		c->protocols[i].type = types[i];
		c->relays[i + 1].protocol_id = (uint32_t)i;
	}
	return c;
}

/* What one relay process counted for a relay: every counter set. */
static struct relay_stats
process_stats(uint64_t base)
{
	struct relay_stats	s;

	memset(&s, 0, sizeof(s));
	s.total = base;
	s.requests = base + 1;
	s.http_bad = base + 2;
	s.http_blocked = base + 3;
	s.http_client_timeout = base + 4;
	s.http_bad_gateway = base + 5;
	s.http_unavailable = base + 6;
	s.http_gateway_timeout = base + 7;
	s.queries = base + 8;
	return s;
}

/*
 * An HTTP relay's requests and the answers it gave itself, by reason,
 * summed over two relay processes; TCP and DNS relays have none.
 */
static void
test_metrics_relay_http(void **state)
{
	static const char *const reasons[] = { "bad_request", "blocked",
	    "client_timeout", "bad_gateway", "unavailable", "gateway_timeout" };
	struct ctl_row		 rows[3];
	struct relay_stats	 one = process_stats(10),
				 two = process_stats(100);
	struct fixture		 f;
	struct buf		 b;
	size_t			 i;
	char			 line[160];

	fixture_start(&f, three_relays());
	memset(rows, 0, sizeof(rows));
	for (i = 0; i < 3; i++) {
		rows[i].type = OBJ_RELAY;
		rows[i].id = (uint32_t)i;
		relay_stats_add(&rows[i].stats, &one);
		relay_stats_add(&rows[i].stats, &two);
	}
	buf_init(&b, PFE_METRICS_MAX);
	assert_int_equal(pfe_metrics(f.pfe, rows, 3, 0, 0, 0, &b), 0);
	assert_line(&b, "# TYPE hoststated_relay_http_requests_total counter");
	assert_line(&b, "hoststated_relay_http_requests_total{relay=\"web\"} "
	    "112");
	assert_line(&b, "# TYPE hoststated_relay_http_error_responses_total "
	    "counter");
	/* base + 2 for the first reason, one more for each next: summed */
	for (i = 0; i < 6; i++) {
		(void)snprintf(line, sizeof(line), "hoststated_relay_http_"
		    "error_responses_total{relay=\"web\",reason=\"%s\"} %zu",
		    reasons[i], 114 + 2 * i);
		assert_line(&b, line);
	}
	/* the other kinds keep their own families, not these */
	assert_line(&b, "hoststated_relay_sessions_total{relay=\"tcp\"} 110");
	assert_line(&b, "hoststated_relay_dns_queries_total{relay=\"dns\"} "
	    "126");
	assert_no_line(&b, "hoststated_relay_http_requests_total{relay=\"tcp\"");
	assert_no_line(&b, "hoststated_relay_http_requests_total{relay=\"dns\"");
	assert_no_line(&b, "hoststated_relay_http_error_responses_total{"
	    "relay=\"tcp\"");
	assert_no_line(&b, "hoststated_relay_http_error_responses_total{"
	    "relay=\"dns\"");
	assert_no_line(&b, "hoststated_relay_dns_queries_total{relay=\"web\"");
	buf_free(&b);
	fixture_stop(&f);
}

/* A buffer too small is an error, not a cut text. */
static void
test_metrics_bounded(void **state)
{
	struct fixture	 f;
	struct buf	 b;

	fixture_start(&f, tc_seed_simple());
	buf_init(&b, 256);
	assert_int_equal(pfe_metrics(f.pfe, NULL, 0, 0, 0, 0, &b), -1);
	buf_free(&b);
	fixture_stop(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prom_escape),
		cmocka_unit_test(test_metrics_backup),
		cmocka_unit_test(test_metrics_not_installed),
		cmocka_unit_test(test_metrics_relay_http),
		cmocka_unit_test(test_metrics_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
