/*
 * A relay process's view of the hosts: fed by MSG_RELAY_HOSTS (through
 * the wire format), it chooses only hosts that are up and enabled, falls
 * back to the backup table, skips hosts a session already tried, and
 * agrees with every other process and with itself after a reload.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <cmocka.h>

#include "core/parse.h"
#include "core/relay_hosts.h"

static const uint8_t	secret[HS_KEY_LEN] = "daemon's secret";

#define TWO_TABLES \
	"table web {\n check tcp\n real port 8080\n host 10.0.0.1\n" \
	" host 10.0.0.2\n host 10.0.0.3\n}\n" \
	"table sorry {\n host 10.9.0.1\n}\n"

static struct config *
conf(const char *text)
{
	struct buf	 errors;
	struct config	*c;

	buf_init(&errors, 4096);
	c = config_parse_string("t.conf", text, strlen(text), NULL, &errors,
	    NULL);
	if (c == NULL)
		fail_msg("%s", buf_str(&errors));
	buf_free(&errors);
	return c;
}

static uint32_t
host_id(const struct config *c, const char *table, const char *name)
{
	const struct table_conf	*t = config_table_by_name(c, table);
	size_t			 i;

	assert_non_null(t);
	for (i = 0; i < t->nhosts; i++)
		if (strcmp(c->hosts[t->host_ids[i]].name, name) == 0)
			return t->host_ids[i];
	fail_msg("no host %s in %s", name, table);
	return HS_ID_NONE;
}

/* Send one host's state as the PFE does, through encode and decode. */
static void
send_state(struct relay_hosts *rh, uint32_t id, enum host_state st,
    uint8_t flags)
{
	static struct msg	m, d;
	uint8_t			wire[MSG_MAX_LEN];
	int			len;

	memset(&m, 0, sizeof(m));
	m.type = MSG_RELAY_HOSTS;
	m.u.relay_hosts.n = 1;
	m.u.relay_hosts.v[0] = (struct msg_relay_host){ id, st, flags };
	len = msg_encode(&m, wire, sizeof(wire));
	assert_true(len > 0);
	assert_int_equal(msg_decode(wire, (size_t)len, &d), 0);
	assert_int_equal(relay_hosts_update(rh, &d.u.relay_hosts), 0);
}

static void
client(struct lb_client *cl, unsigned n)
{
	char	a[32];

	memset(cl, 0, sizeof(*cl));
	(void)snprintf(a, sizeof(a), "192.0.%u.%u", n / 250, n % 250 + 1);
	assert_int_equal(addr_parse(a, &cl->addr), 0);
	assert_int_equal(addr_parse("127.0.0.1", &cl->relay_addr), 0);
	cl->relay_port = 80;
}

static int
choose(struct relay_hosts *rh, uint32_t rid, unsigned n)
{
	struct relay_target	t;
	struct lb_client	cl;

	client(&cl, n);
	if (relay_hosts_select(rh, rid, &cl, NULL, 0, &t) == -1)
		return -1;
	return (int)t.host_id;
}

/* Checked hosts wait for the PFE's word; only up and enabled ones serve. */
static void
test_only_usable_hosts(void **state)
{
	struct config		*c = conf(TWO_TABLES "relay r {\n listen on "
	    "127.0.0.1 port 80\n table web roundrobin\n}\n");
	struct relay_hosts	*rh = relay_hosts_new(c, secret, 1);
	uint32_t		 h1 = host_id(c, "web", "10.0.0.1");
	uint32_t		 h2 = host_id(c, "web", "10.0.0.2");
	uint32_t		 h3 = host_id(c, "web", "10.0.0.3");
	unsigned		 i;
	int			 id;

	assert_non_null(rh);
	assert_int_equal(choose(rh, 0, 0), -1);		/* all unknown */
	send_state(rh, h1, HOST_UP, 0);
	send_state(rh, h2, HOST_UP, 0);
	send_state(rh, h3, HOST_DOWN, 0);
	send_state(rh, h2, HOST_UP, 0);			/* again: no change */
	for (i = 0; i < 20; i++) {
		id = choose(rh, 0, i);
		assert_true(id == (int)h1 || id == (int)h2);
	}
	send_state(rh, h1, HOST_UP, RELAY_HOST_DISABLED);
	for (i = 0; i < 10; i++)
		assert_int_equal(choose(rh, 0, i), h2);
	assert_false(relay_hosts_usable(rh, h1));
	send_state(rh, h2, HOST_UP, RELAY_HOST_TABLE_DISABLED);
	assert_int_equal(choose(rh, 0, 0), -1);
	assert_false(relay_hosts_usable(rh, h2));
	relay_hosts_free(rh);
	config_free(c);
}

/* The backup table serves while no main host is up, and gives back. */
static void
test_backup_takeover_and_return(void **state)
{
	struct config		*c = conf(TWO_TABLES "relay r {\n listen on "
	    "127.0.0.1 port 80\n table web\n backup table sorry\n}\n");
	struct relay_hosts	*rh = relay_hosts_new(c, secret, 1);
	uint32_t		 h1 = host_id(c, "web", "10.0.0.1");
	uint32_t		 sorry = host_id(c, "sorry:80", "10.9.0.1");
	struct relay_target	 t;
	struct lb_client	 cl;

	/* the backup table is unchecked: its host counts as up */
	assert_int_equal(choose(rh, 0, 5), sorry);
	client(&cl, 5);
	assert_int_equal(relay_hosts_select(rh, 0, &cl, NULL, 0, &t), 0);
	assert_int_equal(t.port, 80);		/* the listener's port */
	send_state(rh, h1, HOST_UP, 0);
	assert_int_equal(choose(rh, 0, 5), h1);
	assert_int_equal(relay_hosts_select(rh, 0, &cl, NULL, 0, &t), 0);
	assert_int_equal(t.port, 8080);		/* its real port */
	send_state(rh, h1, HOST_DOWN, 0);
	assert_int_equal(choose(rh, 0, 5), sorry);
	relay_hosts_free(rh);
	config_free(c);
}

/* A retry skips the hosts the session tried; then the backup; then none. */
static void
test_retry_skips_tried_hosts(void **state)
{
	struct config		*c = conf(TWO_TABLES "relay r {\n listen on "
	    "127.0.0.1 port 80\n table web source-hash retry 3\n"
	    " backup table sorry\n}\n");
	struct relay_hosts	*rh = relay_hosts_new(c, secret, 1);
	uint32_t		 tried[RELAY_TRIED_MAX];
	struct relay_target	 t;
	struct lb_client	 cl;
	size_t			 n = 0, i;

	assert_int_equal(c->relays[0].retry, 3);
	for (i = 0; i < 3; i++)
		send_state(rh, c->tables[0].host_ids[i], HOST_UP, 0);
	client(&cl, 9);
	for (i = 0; i < 3; i++) {
		assert_int_equal(relay_hosts_select(rh, 0, &cl, tried, n, &t),
		    0);
		assert_true(t.host_id < 3);
		tried[n++] = t.host_id;
	}
	assert_true(tried[0] != tried[1] && tried[1] != tried[2] &&
	    tried[0] != tried[2]);
	/* every main host tried: the backup */
	assert_int_equal(relay_hosts_select(rh, 0, &cl, tried, n, &t), 0);
	assert_int_equal(t.host_id, host_id(c, "sorry:80", "10.9.0.1"));
	tried[n++] = t.host_id;
	assert_int_equal(relay_hosts_select(rh, 0, &cl, tried, n, &t), -1);
	/* the marks were undone */
	assert_true(relay_hosts_usable(rh, tried[0]));
	assert_int_equal(relay_hosts_select(rh, 0, &cl, NULL, 0, &t), 0);
	assert_int_equal(t.host_id, tried[0]);
	relay_hosts_free(rh);
	config_free(c);
}

static void
test_least_states_counts(void **state)
{
	struct config		*c = conf(TWO_TABLES "relay r {\n listen on "
	    "127.0.0.1 port 80\n table web least-states\n}\n");
	struct relay_hosts	*rh = relay_hosts_new(c, secret, 1);
	unsigned		 count[3] = { 0, 0, 0 }, i;
	int			 id;

	for (i = 0; i < 3; i++)
		send_state(rh, c->tables[0].host_ids[i], HOST_UP, 0);
	for (i = 0; i < 30; i++) {
		id = choose(rh, 0, i);
		relay_hosts_count(rh, (uint32_t)id, 1);
		count[id]++;
	}
	assert_int_equal(count[0], 10);
	assert_int_equal(count[1], 10);
	assert_int_equal(count[2], 10);
	for (i = 0; i < 5; i++)
		relay_hosts_count(rh, 1, -1);
	assert_int_equal(relay_hosts_states(rh, 1), 5);
	assert_int_equal(choose(rh, 0, 99), 1);
	relay_hosts_free(rh);
	config_free(c);
}

/* Two processes (two views) with the daemon's secret agree. */
static void
test_processes_agree(void **state)
{
	struct config		*c = conf(TWO_TABLES "relay r {\n listen on "
	    "127.0.0.1 port 80\n table web loadbalance\n}\n");
	struct relay_hosts	*a = relay_hosts_new(c, secret, 1);
	struct relay_hosts	*b = relay_hosts_new(c, secret, 2);
	struct relay_hosts	*other;
	uint8_t			 s2[HS_KEY_LEN] = "another secret";
	unsigned		 i, differ = 0;

	other = relay_hosts_new(c, s2, 1);
	for (i = 0; i < 3; i++) {
		send_state(a, c->tables[0].host_ids[i], HOST_UP, 0);
		send_state(b, c->tables[0].host_ids[i], HOST_UP, 0);
		send_state(other, c->tables[0].host_ids[i], HOST_UP, 0);
	}
	for (i = 0; i < 300; i++) {
		assert_int_equal(choose(a, 0, i), choose(b, 0, i));
		differ += choose(a, 0, i) != choose(other, 0, i);
	}
	assert_true(differ > 0);	/* the key matters */
	relay_hosts_free(a);
	relay_hosts_free(b);
	relay_hosts_free(other);
	config_free(c);
}

/*
 * A reload that inserts a host first (every other host gets a new id)
 * keeps the known states and moves only the clients the new host wins.
 */
static void
test_reload_with_inserted_host(void **state)
{
	const char		*relay = "relay r {\n listen on 127.0.0.1 "
	    "port 80\n table web source-hash\n}\n";
	struct config		*c1, *c2;
	struct relay_hosts	*rh;
	char			 text[1024];
	unsigned		 i, moved = 0, to_new = 0;
	int			 before[2000], id;
	uint32_t		 h0;

	(void)snprintf(text, sizeof(text), "%s%s", TWO_TABLES, relay);
	c1 = conf(text);
	(void)snprintf(text, sizeof(text), "table web {\n check tcp\n real "
	    "port 8080\n host 10.0.0.9\n host 10.0.0.1\n host 10.0.0.2\n"
	    " host 10.0.0.3\n}\ntable sorry {\n host 10.9.0.1\n}\n%s", relay);
	c2 = conf(text);
	rh = relay_hosts_new(c1, secret, 1);
	for (i = 0; i < 3; i++)
		send_state(rh, c1->tables[0].host_ids[i], HOST_UP, 0);
	for (i = 0; i < 2000; i++)
		before[i] = choose(rh, 0, i);
	assert_int_equal(relay_hosts_reload(rh, c2), 0);
	h0 = host_id(c2, "web", "10.0.0.9");
	/* the new host is unknown until the PFE says otherwise */
	assert_false(relay_hosts_usable(rh, h0));
	for (i = 0; i < 2000; i++)
		assert_int_equal(choose(rh, 0, i), before[i] + 1);
	send_state(rh, h0, HOST_UP, 0);
	for (i = 0; i < 2000; i++) {
		id = choose(rh, 0, i);
		if (id == (int)h0)
			to_new++;
		else if (id != before[i] + 1)
			moved++;
	}
	printf("reload, host inserted first: %u of 2000 clients to it, "
	    "%u moved elsewhere\n", to_new, moved);
	assert_int_equal(moved, 0);
	assert_true(to_new > 300 && to_new < 700);
	relay_hosts_free(rh);
	config_free(c1);
	config_free(c2);
}

/*
 * A switch in two steps: what the PFE says between prepare and commit is
 * kept; an aborted switch leaves the running view as it was.
 */
static void
test_prepare_commit_abort(void **state)
{
	struct config		*c1 = conf(TWO_TABLES "relay r {\n listen on "
	    "127.0.0.1 port 80\n table web roundrobin\n}\n");
	struct config		*c2 = conf(TWO_TABLES "relay r {\n listen on "
	    "127.0.0.1 port 80\n table web roundrobin\n}\n");
	struct relay_hosts	*rh = relay_hosts_new(c1, secret, 1);

	send_state(rh, 0, HOST_UP, 0);
	assert_int_equal(relay_hosts_prepare(rh, c2), 0);
	relay_hosts_abort(rh);
	assert_true(relay_hosts_usable(rh, 0));
	assert_int_equal(relay_hosts_prepare(rh, c2), 0);
	send_state(rh, 1, HOST_UP, 0);		/* after prepare */
	relay_hosts_commit(rh);
	assert_true(relay_hosts_usable(rh, 0));
	assert_true(relay_hosts_usable(rh, 1));
	assert_false(relay_hosts_usable(rh, 2));
	relay_hosts_free(rh);
	config_free(c1);
	config_free(c2);
}

static void
test_forward_and_unsupported(void **state)
{
	struct config		*c = conf("relay f {\n listen on 127.0.0.1 "
	    "port 80\n forward to 10.1.1.1 port 22 retry 2\n}\n"
	    "protocol h {\n protocol http\n}\n"
	    "relay h {\n listen on 127.0.0.1 port 81\n protocol h\n"
	    " forward to 10.1.1.1 port 80\n}\n"
	    "protocol d {\n protocol dns\n}\n"
	    "relay d {\n listen on 127.0.0.1 port 53\n protocol d\n"
	    " forward to 10.1.1.1 port 53\n}\n"
	    "relay dt {\n listen on 127.0.0.1 port 54\n protocol d\n"
	    " forward with ssl to 10.1.1.1 port 853\n}\n"
	    "relay ws {\n listen on 127.0.0.1 port 83\n protocol h\n"
	    " forward with ssl to 10.1.1.1 port 443\n}\n");
	struct relay_hosts	*rh = relay_hosts_new(c, secret, 1);
	struct relay_target	 t;
	char			 a[HS_ADDRSTR_MAX];

	assert_int_equal(relay_hosts_select(rh, 0, NULL, NULL, 0, &t), 0);
	assert_int_equal(t.host_id, HS_ID_NONE);
	assert_string_equal(addr_fmt(&t.addr, a, sizeof(a)), "10.1.1.1");
	assert_int_equal(t.port, 22);
	assert_null(relay_unsupported(c, &c->relays[0]));
	assert_null(relay_unsupported(c, &c->relays[1]));
	/* DNS relays run, but not over TLS. */
	assert_null(relay_unsupported(c, &c->relays[2]));
	assert_string_equal(relay_unsupported(c, &c->relays[3]),
	    "DNS over TLS is not supported in this version");
	/* HTTP relays, TLS towards the hosts too. */
	assert_null(relay_unsupported(c, &c->relays[4]));
	assert_int_equal(relay_hosts_select(rh, 7, NULL, NULL, 0, &t), -1);
	relay_hosts_free(rh);
	config_free(c);
}

static void
test_bad_update_rejected(void **state)
{
	struct config		*c = conf(TWO_TABLES);
	struct relay_hosts	*rh = relay_hosts_new(c, secret, 1);
	struct msg_relay_hosts	 m;

	memset(&m, 0, sizeof(m));
	m.n = 1;
	m.v[0].host_id = (uint32_t)c->nhosts;
	assert_int_equal(relay_hosts_update(rh, &m), -1);
	m.v[0].host_id = 0;		/* a host no relay uses: ignored */
	m.v[0].state = HOST_UP;
	assert_int_equal(relay_hosts_update(rh, &m), 0);
	relay_hosts_free(rh);
	config_free(c);
}

/*
 * The tables of match rules get host states like the relay's own and
 * are chosen from with the relay's method, without a backup table.
 */
static void
test_route_tables(void **state)
{
	struct config		*c = conf(TWO_TABLES "table api {\n"
	    " host 10.0.1.1\n host 10.0.1.2\n check tcp\n}\n"
	    "protocol p {\n protocol http\n"
	    " match path \"/api/*\" forward to api\n}\n"
	    "relay r {\n listen on 127.0.0.1 port 80\n protocol p\n"
	    " table web roundrobin\n backup table sorry\n}\n");
	struct relay_hosts	*rh = relay_hosts_new(c, secret, 1);
	uint32_t		 tid = c->relays[0].route_table[0];
	uint32_t		 a1 = host_id(c, "api:80", "10.0.1.1");
	uint32_t		 a2 = host_id(c, "api:80", "10.0.1.2");
	uint32_t		 tids[RELAY_TABLES_MAX];
	struct relay_target	 t;
	struct lb_client	 cl;

	assert_non_null(rh);
	assert_int_equal(relay_tables(c, &c->relays[0], tids,
	    RELAY_TABLES_MAX), 3);
	assert_int_equal(tids[2], tid);
	client(&cl, 1);
	/* unknown hosts: none, and the backup table is not the rule's */
	assert_int_equal(relay_hosts_select_table(rh, 0, tid, &cl, NULL, 0,
	    &t), -1);
	send_state(rh, a2, HOST_UP, 0);
	assert_int_equal(relay_hosts_select_table(rh, 0, tid, &cl, NULL, 0,
	    &t), 0);
	assert_int_equal(t.host_id, a2);
	assert_int_equal(t.port, 80);
	send_state(rh, a1, HOST_UP, 0);
	assert_int_equal(relay_hosts_select_table(rh, 0, tid, &cl, &a2, 1,
	    &t), 0);
	assert_int_equal(t.host_id, a1);
	relay_hosts_free(rh);
	config_free(c);
}

/*
 * A prepared switch may be dropped after the configuration it was
 * prepared for is gone (a process freeing a pending reload frees the
 * configuration first): dropping it reads nothing of that configuration,
 * and the running view goes on.  The sanitizer build checks the reads.
 */
static void
test_abort_after_config_freed(void **state)
{
	const char		*relay = "relay r {\n listen on 127.0.0.1 "
	    "port 80\n table web loadbalance\n}\n";
	struct config		*c1, *c2;
	struct relay_hosts	*rh;
	char			 text[1024];
	unsigned		 i;

	(void)snprintf(text, sizeof(text), "%s%s", TWO_TABLES, relay);
	c1 = conf(text);
	c2 = conf(text);
	rh = relay_hosts_new(c1, secret, 1);
	send_state(rh, c1->tables[0].host_ids[1], HOST_UP, 0);
	assert_int_equal(relay_hosts_prepare(rh, c2), 0);
	config_free(c2);
	relay_hosts_abort(rh);
	for (i = 0; i < 10; i++)
		assert_int_equal(choose(rh, 0, i), c1->tables[0].host_ids[1]);
	c2 = conf(text);
	assert_int_equal(relay_hosts_prepare(rh, c2), 0);
	config_free(c2);
	relay_hosts_free(rh);	/* drops the prepared view too */
	relay_hosts_abort(NULL);
	config_free(c1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_only_usable_hosts),
		cmocka_unit_test(test_backup_takeover_and_return),
		cmocka_unit_test(test_retry_skips_tried_hosts),
		cmocka_unit_test(test_least_states_counts),
		cmocka_unit_test(test_processes_agree),
		cmocka_unit_test(test_reload_with_inserted_host),
		cmocka_unit_test(test_abort_after_config_freed),
		cmocka_unit_test(test_prepare_commit_abort),
		cmocka_unit_test(test_forward_and_unsupported),
		cmocka_unit_test(test_bad_update_rejected),
		cmocka_unit_test(test_route_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
