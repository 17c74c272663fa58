/*
 * The relay invariants --explore checks: the relay process's view of
 * the hosts is the PFE's (so it never chooses a host down or disabled),
 * and a hashing relay's clients keep their hosts while the hosts up stay
 * the same.  A world is run to a healthy state, then its relay process
 * is broken on purpose, and the check must say so.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "backends/sim/world.h"
#include "core/parse.h"
#include "core/relay_hosts.h"
#include "sim/invariants.h"

static const char conf_text[] =
    "table web {\n\treal port 80\n\tcheck tcp\n"
    "\thost 10.0.0.1\n\thost 10.0.0.2\n\thost 10.0.0.3\n}\n"
    "relay www {\n\tlisten on 192.0.2.1 port 80\n"
    "\ttable web source-hash\n}\n";

static struct world *
healthy_world(void)
{
	struct world_opts	 wo;
	struct buf		 err;
	struct config		*c;
	struct world		*w;

	buf_init(&err, 4096);
	c = config_parse_string("t.conf", conf_text, strlen(conf_text), NULL,
	    &err, NULL);
	assert_non_null(c);
	memset(&wo, 0, sizeof(wo));
	wo.seed = 3;
	wo.quiet = true;
	w = world_new(c, &wo, &err);
	assert_non_null(w);
	assert_int_equal(world_start(w), 0);
	assert_int_equal(world_run_before(w, 15000), 0);
	buf_free(&err);
	return w;
}

static int
check(struct world *w, struct buf *msg)
{
	struct invariants	*inv = invariants_new();
	struct buf		 exp;
	int			 rv;

	assert_non_null(inv);
	buf_init(&exp, 4096);
	buf_reset(msg);
	rv = invariants_check_all(inv, w, msg, &exp);
	buf_free(&exp);
	invariants_free(inv);
	return rv;
}

static void
test_relay_view_must_be_the_pfes(void **state)
{
	struct world		*w = healthy_world();
	struct msg_relay_hosts	 m;
	struct buf		 msg;

	buf_init(&msg, 4096);
	assert_int_equal(check(w, &msg), 0);
	/* the relay process believes a host is down that the PFE has up */
	memset(&m, 0, sizeof(m));
	m.n = 1;
	m.v[0].host_id = 1;
	m.v[0].state = HOST_DOWN;
	assert_int_equal(relay_hosts_update(w->relay, &m), 0);
	assert_int_equal(check(w, &msg), -1);
	assert_non_null(strstr(buf_str(&msg), "relay www: the relay process "
	    "sees host 10.0.0.2 (id 1) not up, the pfe up"));
	world_free(w);
	buf_free(&msg);
}

static void
test_hashing_must_be_stable(void **state)
{
	struct world		*w = healthy_world();
	struct relay_hosts	*other;
	uint8_t			 secret[HS_KEY_LEN] = "another secret";
	struct msg_relay_hosts	 m;
	struct buf		 msg;
	size_t			 i;

	buf_init(&msg, 4096);
	assert_int_equal(check(w, &msg), 0);
	assert_int_equal(check(w, &msg), 0);
	/* the same hosts up, another key: clients move */
	other = relay_hosts_new(w->conf, secret, 3);
	assert_non_null(other);
	memset(&m, 0, sizeof(m));
	m.n = 3;
	for (i = 0; i < 3; i++) {
		m.v[i].host_id = (uint32_t)i;
		m.v[i].state = HOST_UP;
	}
	assert_int_equal(relay_hosts_update(other, &m), 0);
	relay_hosts_free(w->relay);
	w->relay = other;
	assert_int_equal(check(w, &msg), -1);
	assert_non_null(strstr(buf_str(&msg), "relay www: a client changed "
	    "hosts while the hosts up stayed the same"));
	world_free(w);
	buf_free(&msg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_relay_view_must_be_the_pfes),
		cmocka_unit_test(test_hashing_must_be_stable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
