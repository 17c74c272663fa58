/* The wire format: every type round-trips; bad input is rejected whole. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <cmocka.h>

#include "core/msg.h"

static uint8_t	wire[MSG_MAX_LEN + 64];

/* One filled-in message of each type, with every field non-zero. */
static void
sample(enum msg_type type, struct msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->peerid = 0xa1b2c3d4;
	m->gen = 0x01020304;
	switch (type) {
	case MSG_HOST_STATUS:
		m->u.host_status = (struct msg_host_status){ 70000, HOST_DOWN,
		    HCE_HTTP_CODE_FAIL, 3, 100, 99, 250, 503,
		    { { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 }, 123456789 } };
		break;
	case MSG_HOST_COUNTERS:
		m->u.host_counters.n = 2;
		m->u.host_counters.e[0] = (struct msg_counters){ 7, 10, 9, 3,
		    { { 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 6 }, 24000 } };
		m->u.host_counters.e[1] = (struct msg_counters){ 70000, 5, 5,
		    1, { { 5 }, 5 } };
		break;
	case MSG_HOST_ENABLE:
	case MSG_HOST_DISABLE:
	case MSG_TABLE_ENABLE:
	case MSG_TABLE_DISABLE:
	case MSG_CTL_VERBOSE:
	case MSG_CMD_DONE:
		m->u.id.id = 0xfffffffe;
		break;
	case MSG_DEMOTE:
		(void)snprintf(m->u.demote.group, HS_IFNAME_MAX, "carp");
		m->u.demote.delta = -1;
		break;
	case MSG_SCRIPT_RUN:
		m->u.script_run.host_id = 5;
		m->u.script_run.seq = 0x0102030405060708ULL;
		m->u.script_run.timeout_ms = 200;
		(void)snprintf(m->u.script_run.path, HS_PATH_MAX, "/bin/check");
		(void)snprintf(m->u.script_run.arg, HS_HOSTNAME_MAX, "10.0.0.1");
		break;
	case MSG_SCRIPT_DONE:
		m->u.script_done = (struct msg_script_done){ 5,
		    0x1122334455667788ULL, -1, 1, 42 };
		break;
	case MSG_CTL_REQUEST:
		m->u.ctl_request.action = CTL_TABLE_DISABLE;
		m->u.ctl_request.by_id = false;
		m->u.ctl_request.id = HS_ID_NONE;
		(void)snprintf(m->u.ctl_request.target, HS_HOSTNAME_MAX,
		    "webhosts:80");
		break;
	case MSG_CTL_ROW:
		m->u.ctl_row.type = OBJ_HOST;
		m->u.ctl_row.status = ST_DOWN;
		m->u.ctl_row.id = 3;
		m->u.ctl_row.parent_id = 2;
		(void)snprintf(m->u.ctl_row.name, HS_HOSTNAME_MAX, "127.0.0.1");
		m->u.ctl_row.up = 1;
		m->u.ctl_row.check_cnt = 9;
		m->u.ctl_row.up_cnt = 8;
		m->u.ctl_row.retry_cnt = 2;
		m->u.ctl_row.error = HCE_ICMP_READ_TIMEOUT;
		m->u.ctl_row.error_age_ms = 0x0102030405ULL;
		m->u.ctl_row.rtt_ms = 7;
		m->u.ctl_row.detail = -1;
		(void)snprintf(m->u.ctl_row.check, 32, "icmp");
		m->u.ctl_row.l3_rules = 1;
		m->u.ctl_row.l3_hosts = 2;
		m->u.ctl_row.l3_failures = 5;
		(void)snprintf(m->u.ctl_row.l3_error, L3_ERROR_MAX,
		    "adding rules: refused");
		break;
	case MSG_CTL_EVENT:
		m->u.ctl_event.kind = EV_HOST_STATUS;
		m->u.ctl_event.id = 1;
		(void)snprintf(m->u.ctl_event.name, HS_HOSTNAME_MAX, "10.1.1.1");
		m->u.ctl_event.old_state = HOST_UP;
		m->u.ctl_event.new_state = HOST_DOWN;
		m->u.ctl_event.error = HCE_TCP_CONNECT_REFUSED;
		m->u.ctl_event.rtt_ms = 2;
		m->u.ctl_event.check_cnt = 2;
		m->u.ctl_event.up_cnt = 1;
		m->u.ctl_event.value = -7;
		m->u.ctl_event.time_ms = 86400000ULL * 365;
		break;
	case MSG_CTL_FAIL:
	case MSG_RELOAD:
	case MSG_RELOAD_RESULT:
	case MSG_CFG_TEXT:
	case MSG_CFG_FAIL:
		m->u.text.ok = type == MSG_RELOAD_RESULT;
		m->u.text.len = (uint32_t)snprintf(m->u.text.text,
		    sizeof(m->u.text.text), "table web {\n\thost 10.0.0.1\n}\n");
		break;
	case MSG_RELAY_HOSTS:
		m->u.relay_hosts.n = 2;
		m->u.relay_hosts.v[0] = (struct msg_relay_host){ 7, HOST_UP, 0 };
		m->u.relay_hosts.v[1] = (struct msg_relay_host){ 70000,
		    HOST_UNKNOWN, RELAY_HOST_DISABLED |
		    RELAY_HOST_TABLE_DISABLED };
		break;
	case MSG_RELAY_READY:
		m->u.relay_ready.nrelays = 11;
		m->u.relay_ready.listening[0] = 0x81;
		m->u.relay_ready.listening[1] = 0x04;
		break;
	case MSG_RELAY_STATS:
		m->u.relay_stats.relay_id = 3;
		m->u.relay_stats.stats = (struct relay_stats){ 1, 2,
		    1ULL << 40, 4, 5, 6, 7, 8, 9, 10, 11, 1ULL << 35, 13, 14, 15,
		    16, 17, 18 };
		break;
	case MSG_CTL_SESSION:
		m->u.ctl_session.proc = 3;
		m->u.ctl_session.id = 1ULL << 33;
		m->u.ctl_session.relay_id = 9;
		(void)snprintf(m->u.ctl_session.relay, HS_NAME_MAX, "web");
		(void)addr_parse("192.0.2.1", &m->u.ctl_session.client);
		m->u.ctl_session.client_port = 40000;
		(void)addr_parse("2001:db8::2", &m->u.ctl_session.host);
		m->u.ctl_session.host_port = 443;
		m->u.ctl_session.age_ms = 12;
		m->u.ctl_session.idle_ms = 3;
		m->u.ctl_session.bytes_in = 251;
		m->u.ctl_session.bytes_out = 1ULL << 36;
		m->u.ctl_session.end = SESS_HOST_RESET;
		(void)snprintf(m->u.ctl_session.detail, HS_SESSION_DETAIL_MAX,
		    "udp example.com. A");
		m->u.ctl_session.requests = 70000;
		m->u.ctl_session.status = 502;
		(void)snprintf(m->u.ctl_session.method, HS_METHOD_MAX, "PUT");
		(void)snprintf(m->u.ctl_session.http_host, CTL_HTTP_HOST_MAX,
		    "www.example.com");
		(void)snprintf(m->u.ctl_session.path, CTL_HTTP_PATH_MAX, "/x");
		(void)snprintf(m->u.ctl_session.logged, CTL_HTTP_LOGGED_MAX,
		    "X-Id: 1");
		break;
	case MSG_RELAY_MONITOR:
		m->u.id.id = 1;
		break;
	case MSG_RELAY_LISTENER:
		(void)addr_parse("::1", &m->u.listener.addr);
		m->u.listener.port = 8443;
		break;
	case MSG_FILE:
		m->u.file.kind = FILE_KEY;
		(void)snprintf(m->u.file.path, sizeof(m->u.file.path),
		    "/etc/ssl/private/a.key");
		break;
	case MSG_KEY_OP:
	case MSG_KEY_RESULT:
		m->u.key.id = 77;
		m->u.key.op = KEY_ECDSA;
		m->u.key.ok = type == MSG_KEY_RESULT;
		memset(m->u.key.key, 0xab, sizeof(m->u.key.key));
		m->u.key.len = 32;
		memset(m->u.key.data, 0x5a, m->u.key.len);
		break;
	case MSG_TLS_TICKETS:
		m->u.tickets.n = 2;
		memset(&m->u.tickets.keys[0], 1, sizeof(m->u.tickets.keys[0]));
		memset(&m->u.tickets.keys[1], 2, sizeof(m->u.tickets.keys[1]));
		break;
	default:
		break;
	}
}

/* Compare the payload field by field through a second encoding. */
static void
assert_same(const struct msg *a, const struct msg *b)
{
	uint8_t	wa[MSG_MAX_LEN], wb[MSG_MAX_LEN];
	int	la, lb;

	assert_int_equal(a->type, b->type);
	assert_int_equal(a->peerid, b->peerid);
	assert_int_equal(a->gen, b->gen);
	la = msg_encode(a, wa, sizeof(wa));
	lb = msg_encode(b, wb, sizeof(wb));
	assert_int_equal(la, lb);
	assert_memory_equal(wa, wb, (size_t)la);
}

static void
test_round_trip_every_type(void **state)
{
	struct msg	m, d;
	int		t, len;

	for (t = MSG_NONE + 1; t < MSG_TYPE_MAX; t++) {
		sample((enum msg_type)t, &m);
		len = msg_encode(&m, wire, sizeof(wire));
		assert_true(len >= MSG_HDR_LEN);
		assert_int_equal(msg_frame_len(wire, (size_t)len), len);
		assert_int_equal(msg_decode(wire, (size_t)len, &d), 0);
		assert_same(&m, &d);
		assert_string_not_equal(msg_type_name((enum msg_type)t),
		    "invalid");
	}
	/* spot checks of decoded values */
	sample(MSG_HOST_STATUS, &m);
	len = msg_encode(&m, wire, sizeof(wire));
	assert_int_equal(msg_decode(wire, (size_t)len, &d), 0);
	assert_int_equal(d.u.host_status.detail, 503);
	assert_int_equal(d.u.host_status.host_id, 70000);
	sample(MSG_CTL_EVENT, &m);
	len = msg_encode(&m, wire, sizeof(wire));
	assert_int_equal(msg_decode(wire, (size_t)len, &d), 0);
	assert_string_equal(d.u.ctl_event.name, "10.1.1.1");
	assert_int_equal(d.u.ctl_event.time_ms, 86400000ULL * 365);
	assert_int_equal(d.u.ctl_event.value, -7);
	sample(MSG_CTL_ROW, &m);
	len = msg_encode(&m, wire, sizeof(wire));
	assert_int_equal(msg_decode(wire, (size_t)len, &d), 0);
	assert_int_equal(d.u.ctl_row.error_age_ms, 0x0102030405ULL);
	assert_int_equal(d.gen, 0x01020304);
	sample(MSG_CFG_TEXT, &m);
	len = msg_encode(&m, wire, sizeof(wire));
	assert_int_equal(msg_decode(wire, (size_t)len, &d), 0);
	assert_string_equal(d.u.text.text, m.u.text.text);
}

static void
test_header_is_big_endian(void **state)
{
	struct msg	m;
	int		len;

	sample(MSG_HOST_ENABLE, &m);
	len = msg_encode(&m, wire, sizeof(wire));
	assert_int_equal(len, MSG_HDR_LEN + 4);
	assert_int_equal(wire[0], 0);
	assert_int_equal(wire[1], MSG_HOST_ENABLE);
	assert_int_equal(wire[7], MSG_HDR_LEN + 4);
	assert_int_equal(wire[8], 0xa1);
	assert_int_equal(wire[12], 0x01);	/* the generation */
	assert_int_equal(wire[15], 0x04);
	assert_int_equal(wire[16], 0xff);
	assert_int_equal(wire[19], 0xfe);
}

static void
test_truncated_input_rejected(void **state)
{
	struct msg	m, d;
	int		t, len;
	size_t		cut;

	for (t = MSG_NONE + 1; t < MSG_TYPE_MAX; t++) {
		sample((enum msg_type)t, &m);
		len = msg_encode(&m, wire, sizeof(wire));
		for (cut = 0; cut < (size_t)len; cut++) {
			assert_int_equal(msg_decode(wire, cut, &d), -1);
			assert_int_equal(msg_frame_len(wire, cut),
			    cut < MSG_HDR_LEN ? 0 : len);
		}
		/* a length field that lies about the payload */
		if (len > MSG_HDR_LEN) {
			wire[7]--;
			assert_int_equal(msg_decode(wire, (size_t)len - 1, &d),
			    -1);
		}
	}
}

static void
test_trailing_bytes_rejected(void **state)
{
	struct msg	m, d;
	int		len;

	sample(MSG_POLL, &m);
	len = msg_encode(&m, wire, sizeof(wire));
	wire[len] = 0;
	wire[7]++;
	assert_int_equal(msg_decode(wire, (size_t)len + 1, &d), -1);
}

static void
test_bad_header_rejected(void **state)
{
	struct msg	m, d;
	int		len;

	sample(MSG_HOST_ENABLE, &m);
	len = msg_encode(&m, wire, sizeof(wire));
	wire[1] = MSG_TYPE_MAX;			/* unknown type */
	assert_int_equal(msg_frame_len(wire, (size_t)len), -1);
	assert_int_equal(msg_decode(wire, (size_t)len, &d), -1);
	wire[1] = MSG_NONE;
	assert_int_equal(msg_frame_len(wire, (size_t)len), -1);
	wire[1] = MSG_HOST_ENABLE;
	wire[3] = 1;				/* reserved */
	assert_int_equal(msg_frame_len(wire, (size_t)len), -1);
	wire[3] = 0;
	wire[4] = 0x01;				/* oversized: 16 MB */
	assert_int_equal(msg_frame_len(wire, (size_t)len), -1);
	wire[4] = 0;
	wire[7] = MSG_HDR_LEN - 1;		/* shorter than a header */
	assert_int_equal(msg_frame_len(wire, (size_t)len), -1);
}

static void
test_bad_enums_rejected(void **state)
{
	struct msg	m, d;
	int		len;

	sample(MSG_HOST_STATUS, &m);
	len = msg_encode(&m, wire, sizeof(wire));
	wire[MSG_HDR_LEN + 4] = 3;		/* state */
	assert_int_equal(msg_decode(wire, (size_t)len, &d), -1);
	wire[MSG_HDR_LEN + 4] = HOST_UP;
	wire[MSG_HDR_LEN + 5] = HCE_ERROR_MAX;	/* error */
	assert_int_equal(msg_decode(wire, (size_t)len, &d), -1);

	/* a batch of counters: its count bounded, no more up than checks */
	sample(MSG_HOST_COUNTERS, &m);
	m.u.host_counters.n = MSG_COUNTERS_MAX;
	len = msg_encode(&m, wire, sizeof(wire));
	assert_true(len > 0 && len <= MSG_MAX_LEN);
	assert_int_equal(msg_decode(wire, (size_t)len, &d), 0);
	m.u.host_counters.n = MSG_COUNTERS_MAX + 1;
	assert_int_equal(msg_encode(&m, wire, sizeof(wire)), -1);
	sample(MSG_HOST_COUNTERS, &m);
	len = msg_encode(&m, wire, sizeof(wire));
	wire[MSG_HDR_LEN + 4 + 11] = 11;	/* up_cnt 11 of 10 checks */
	assert_int_equal(msg_decode(wire, (size_t)len, &d), -1);
	/* more round-trip times than checks */
	sample(MSG_HOST_COUNTERS, &m);
	m.u.host_counters.e[1].rtt.n[3] = 1;	/* 6 of 5 checks */
	assert_int_equal(msg_encode(&m, wire, sizeof(wire)), -1);
	sample(MSG_HOST_STATUS, &m);
	len = msg_encode(&m, wire, sizeof(wire));
	assert_true(len > 0);
	wire[MSG_HDR_LEN + 26 + 3] = 101;	/* bucket 0: 101 of 100 */
	assert_int_equal(msg_decode(wire, (size_t)len, &d), -1);
	wire[MSG_HDR_LEN + 4 + 11] = 9;
	wire[MSG_HDR_LEN + 3] = 3;		/* says 3 entries, has 2 */
	assert_int_equal(msg_decode(wire, (size_t)len, &d), -1);

	sample(MSG_CTL_REQUEST, &m);
	len = msg_encode(&m, wire, sizeof(wire));
	wire[MSG_HDR_LEN] = CTL_ACTION_MAX;
	assert_int_equal(msg_decode(wire, (size_t)len, &d), -1);
	wire[MSG_HDR_LEN] = CTL_POLL;
	wire[MSG_HDR_LEN + 1] = 2;		/* by_id is a boolean */
	assert_int_equal(msg_decode(wire, (size_t)len, &d), -1);

	sample(MSG_DEMOTE, &m);
	m.u.demote.delta = 2;
	assert_int_equal(msg_encode(&m, wire, sizeof(wire)), -1);
	m.u.demote.delta = 1;
	len = msg_encode(&m, wire, sizeof(wire));
	wire[len - 1] = 2;
	assert_int_equal(msg_decode(wire, (size_t)len, &d), -1);

	sample(MSG_CTL_ROW, &m);
	m.u.ctl_row.status = ST_NOT_INSTALLED + 1;
	assert_int_equal(msg_encode(&m, wire, sizeof(wire)), -1);
	sample(MSG_CTL_ROW, &m);
	m.u.ctl_row.l3_rules = 2;		/* a boolean */
	assert_int_equal(msg_encode(&m, wire, sizeof(wire)), -1);
	sample(MSG_CTL_EVENT, &m);
	m.u.ctl_event.kind = EV_KIND_MAX;
	assert_int_equal(msg_encode(&m, wire, sizeof(wire)), -1);
	m.type = MSG_TYPE_MAX;
	assert_int_equal(msg_encode(&m, wire, sizeof(wire)), -1);
}

static void
test_strings_checked(void **state)
{
	struct msg	m, d;
	int		len;

	sample(MSG_DEMOTE, &m);
	memset(m.u.demote.group, 'g', sizeof(m.u.demote.group));
	assert_int_equal(msg_encode(&m, wire, sizeof(wire)), -1);

	sample(MSG_DEMOTE, &m);
	len = msg_encode(&m, wire, sizeof(wire));
	wire[MSG_HDR_LEN + 2 + 1] = '\0';	/* NUL inside "carp" */
	assert_int_equal(msg_decode(wire, (size_t)len, &d), -1);
	wire[MSG_HDR_LEN + 2 + 1] = 'a';
	wire[MSG_HDR_LEN + 1] = HS_IFNAME_MAX;	/* longer than the field */
	assert_int_equal(msg_decode(wire, (size_t)len, &d), -1);

	sample(MSG_CTL_FAIL, &m);
	m.u.text.len = MSG_TEXT_MAX + 1;
	assert_int_equal(msg_encode(&m, wire, sizeof(wire)), -1);
}

static void
test_largest_text_fits(void **state)
{
	static struct msg	m, d;
	int			len;

	memset(&m, 0, sizeof(m));
	m.type = MSG_CFG_TEXT;
	m.u.text.len = MSG_TEXT_MAX;
	memset(m.u.text.text, 'x', MSG_TEXT_MAX);
	len = msg_encode(&m, wire, sizeof(wire));
	assert_true(len > 0 && len <= MSG_MAX_LEN);
	assert_int_equal(msg_decode(wire, (size_t)len, &d), 0);
	assert_int_equal(d.u.text.len, MSG_TEXT_MAX);
	/* the output buffer bounds the encoding */
	assert_int_equal(msg_encode(&m, wire, (size_t)len - 1), -1);
}

static void
test_relay_payloads_checked(void **state)
{
	struct msg	m, d;
	int		len;

	sample(MSG_RELAY_HOSTS, &m);
	len = msg_encode(&m, wire, sizeof(wire));
	assert_int_equal(msg_decode(wire, (size_t)len, &d), 0);
	assert_int_equal(d.u.relay_hosts.n, 2);
	assert_int_equal(d.u.relay_hosts.v[1].host_id, 70000);
	wire[MSG_HDR_LEN + 4 + 4] = HOST_DOWN + 1;	/* a state */
	assert_int_equal(msg_decode(wire, (size_t)len, &d), -1);
	wire[MSG_HDR_LEN + 4 + 4] = HOST_UP;
	wire[MSG_HDR_LEN + 4 + 5] = 4;			/* unknown flag */
	assert_int_equal(msg_decode(wire, (size_t)len, &d), -1);
	m.u.relay_hosts.n = RELAY_HOSTS_MAX + 1;
	assert_int_equal(msg_encode(&m, wire, sizeof(wire)), -1);
	/* the most hosts a message holds fit in one frame */
	memset(&m, 0, sizeof(m));
	m.type = MSG_RELAY_HOSTS;
	m.u.relay_hosts.n = RELAY_HOSTS_MAX;
	assert_true(msg_encode(&m, wire, sizeof(wire)) > 0);

	sample(MSG_RELAY_READY, &m);
	m.u.relay_ready.nrelays = HS_RELAYS_MAX + 1;
	assert_int_equal(msg_encode(&m, wire, sizeof(wire)), -1);

	sample(MSG_CTL_SESSION, &m);
	m.u.ctl_session.end = SESS_END_MAX;
	assert_int_equal(msg_encode(&m, wire, sizeof(wire)), -1);
	sample(MSG_CTL_SESSION, &m);
	m.u.ctl_session.client.family = 5;
	assert_int_equal(msg_encode(&m, wire, sizeof(wire)), -1);

	sample(MSG_RELAY_STATS, &m);
	m.u.relay_stats.stats.active = 3;	/* more open than accepted */
	len = msg_encode(&m, wire, sizeof(wire));
	assert_int_equal(msg_decode(wire, (size_t)len, &d), -1);
}

/* The key process's requests and the parent's files and tickets. */
static void
test_tls_payloads_checked(void **state)
{
	struct msg	m, d;
	int		len;

	sample(MSG_KEY_OP, &m);
	len = msg_encode(&m, wire, sizeof(wire));
	assert_int_equal(msg_decode(wire, (size_t)len, &d), 0);
	assert_int_equal(d.u.key.len, 32);
	assert_memory_equal(d.u.key.data, m.u.key.data, 32);
	wire[MSG_HDR_LEN + 4] = KEY_OP_MAX;		/* an operation */
	assert_int_equal(msg_decode(wire, (size_t)len, &d), -1);
	wire[MSG_HDR_LEN + 4] = 0;
	assert_int_equal(msg_decode(wire, (size_t)len, &d), -1);
	wire[MSG_HDR_LEN + 4] = KEY_ECDSA;
	wire[MSG_HDR_LEN + 5] = 2;			/* ok */
	assert_int_equal(msg_decode(wire, (size_t)len, &d), -1);
	wire[MSG_HDR_LEN + 5] = 0;
	/* a data length past the bound, and one past the frame */
	wire[MSG_HDR_LEN + 6 + KEY_ID_LEN] = 0xff;
	assert_int_equal(msg_decode(wire, (size_t)len, &d), -1);
	wire[MSG_HDR_LEN + 6 + KEY_ID_LEN] = 0;
	wire[MSG_HDR_LEN + 7 + KEY_ID_LEN] = 33;
	assert_int_equal(msg_decode(wire, (size_t)len, &d), -1);
	m.u.key.len = KEY_DATA_MAX + 1;
	assert_int_equal(msg_encode(&m, wire, sizeof(wire)), -1);

	sample(MSG_TLS_TICKETS, &m);
	m.u.tickets.n = TICKET_KEYS_MAX + 1;
	assert_int_equal(msg_encode(&m, wire, sizeof(wire)), -1);
	m.u.tickets.n = 0;
	assert_int_equal(msg_encode(&m, wire, sizeof(wire)), -1);
	m.u.tickets.n = 1;
	len = msg_encode(&m, wire, sizeof(wire));
	wire[MSG_HDR_LEN + 3] = 3;			/* n */
	assert_int_equal(msg_decode(wire, (size_t)len, &d), -1);

	sample(MSG_FILE, &m);
	m.u.file.kind = FILE_KIND_MAX;
	assert_int_equal(msg_encode(&m, wire, sizeof(wire)), -1);
	sample(MSG_FILE, &m);
	m.u.file.path[0] = '\0';
	assert_int_equal(msg_encode(&m, wire, sizeof(wire)), -1);
}

static void
test_names(void **state)
{
	assert_string_equal(msg_type_name(MSG_HOST_STATUS), "host_status");
	assert_string_equal(msg_type_name(MSG_TYPE_MAX), "invalid");
	assert_string_equal(host_state_name(HOST_UP), "up");
	assert_string_equal(host_state_name(HOST_DOWN), "down");
	assert_string_equal(host_state_name(HOST_UNKNOWN), "unknown");
	assert_string_equal(host_state_name((enum host_state)9), "invalid");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_every_type),
		cmocka_unit_test(test_header_is_big_endian),
		cmocka_unit_test(test_truncated_input_rejected),
		cmocka_unit_test(test_trailing_bytes_rejected),
		cmocka_unit_test(test_bad_header_rejected),
		cmocka_unit_test(test_bad_enums_rejected),
		cmocka_unit_test(test_strings_checked),
		cmocka_unit_test(test_largest_text_fits),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_relay_payloads_checked),
		cmocka_unit_test(test_tls_payloads_checked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
