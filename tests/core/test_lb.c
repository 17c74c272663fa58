/* Load-balancing methods for relays. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <cmocka.h>

#include "core/lb.h"

#define NHOSTS	4

static void
hosts_init(struct lb_host *h, size_t n, uint32_t first_id, int net)
{
	char	addr[32];
	size_t	i;

	memset(h, 0, n * sizeof(*h));
	for (i = 0; i < n; i++) {
		h[i].id = first_id + (uint32_t)i;
		(void)snprintf(addr, sizeof(addr), "10.%d.0.%zu", net, i + 1);
		assert_int_equal(addr_parse(addr, &h[i].addr), 0);
		h[i].weight = 1;
		h[i].up = true;
	}
}

static void
client_init(struct lb_client *c, uint32_t n)
{
	char	addr[32];

	memset(c, 0, sizeof(*c));
	(void)snprintf(addr, sizeof(addr), "192.168.%u.%u", n / 250,
	    n % 250 + 1);
	assert_int_equal(addr_parse(addr, &c->addr), 0);
	assert_int_equal(addr_parse("172.16.1.1", &c->relay_addr), 0);
	c->relay_port = 443;
}

static void
test_siphash_reference_vectors(void **state)
{
	uint8_t	key[LB_KEY_LEN], msg[15];
	size_t	i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)i;
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	/* from the SipHash paper, appendix A, and its reference vectors */
	assert_true(lb_siphash(key, msg, 15) == 0xa129ca6149be45e5ULL);
	assert_true(lb_siphash(key, msg, 0) == 0x726fdb47dd0e0e31ULL);
}

static void
test_roundrobin_skips_down_hosts(void **state)
{
	struct lb_host	h[NHOSTS];
	struct lb_state	st;
	unsigned	count[NHOSTS] = { 0 };
	int		i, id;

	hosts_init(h, NHOSTS, 10, 0);
	h[2].up = false;
	lb_state_init(&st, 1, NULL);
	for (i = 0; i < 300; i++) {
		id = lb_select(LB_ROUNDROBIN, h, NHOSTS, NULL, 0, NULL, &st);
		assert_true(id >= 10 && id < 10 + NHOSTS);
		count[id - 10]++;
	}
	assert_int_equal(count[0], 100);
	assert_int_equal(count[1], 100);
	assert_int_equal(count[2], 0);
	assert_int_equal(count[3], 100);
}

static void
test_random_is_seeded_and_spread(void **state)
{
	struct lb_host	h[NHOSTS];
	struct lb_state	a, b;
	unsigned	count[NHOSTS] = { 0 };
	int		i, x, y;

	hosts_init(h, NHOSTS, 0, 0);
	h[3].up = false;
	h[0].weight = 2;
	lb_state_init(&a, 42, NULL);
	lb_state_init(&b, 42, NULL);
	for (i = 0; i < 40000; i++) {
		x = lb_select(LB_RANDOM, h, NHOSTS, NULL, 0, NULL, &a);
		y = lb_select(LB_RANDOM, h, NHOSTS, NULL, 0, NULL, &b);
		assert_int_equal(x, y);
		assert_true(x >= 0 && x < 3);
		count[x]++;
	}
	printf("random, weights 2:1:1: %u %u %u\n", count[0], count[1],
	    count[2]);
	assert_true(count[0] > 19000 && count[0] < 21000);
	assert_true(count[1] > 9000 && count[1] < 11000);
	assert_true(count[2] > 9000 && count[2] < 11000);
	lb_state_init(&b, 43, NULL);
	for (i = 0, x = 0; i < 100; i++)
		x += lb_select(LB_RANDOM, h, NHOSTS, NULL, 0, NULL, &a) !=
		    lb_select(LB_RANDOM, h, NHOSTS, NULL, 0, NULL, &b);
	assert_true(x > 0);	/* another seed, another sequence */
}

static void
test_least_states(void **state)
{
	struct lb_host	h[NHOSTS];
	struct lb_state	st;

	hosts_init(h, NHOSTS, 0, 0);
	lb_state_init(&st, 1, NULL);
	h[0].states = 5;
	h[1].states = 2;
	h[2].states = 0;
	h[3].states = 2;
	h[2].up = false;
	assert_int_equal(lb_select(LB_LEAST_STATES, h, NHOSTS, NULL, 0, NULL,
	    &st), 1);
	h[1].states = 3;
	assert_int_equal(lb_select(LB_LEAST_STATES, h, NHOSTS, NULL, 0, NULL,
	    &st), 3);
}

/* Hash methods: sticky per client, spread, and only a dead host's move. */
static void
check_sticky(enum lb_mode mode)
{
	struct lb_host		h[NHOSTS];
	struct lb_state		st;
	struct lb_client	c;
	int			before[1000], id;
	unsigned		count[NHOSTS] = { 0 };
	uint32_t		i;
	uint8_t			key[LB_KEY_LEN] = "0123456789abcdef";

	hosts_init(h, NHOSTS, 0, 0);
	lb_state_init(&st, 0, key);
	for (i = 0; i < 1000; i++) {
		client_init(&c, i);
		before[i] = lb_select(mode, h, NHOSTS, NULL, 0, &c, &st);
		assert_int_equal(lb_select(mode, h, NHOSTS, NULL, 0, &c, &st),
		    before[i]);
		count[before[i]]++;
	}
	printf("%s over 1000 clients: %u %u %u %u\n", lb_mode_name(mode),
	    count[0], count[1], count[2], count[3]);
	for (i = 0; i < NHOSTS; i++)
		assert_true(count[i] > 150);
	h[1].up = false;
	for (i = 0; i < 1000; i++) {
		client_init(&c, i);
		id = lb_select(mode, h, NHOSTS, NULL, 0, &c, &st);
		assert_int_not_equal(id, 1);
		if (before[i] != 1)
			assert_int_equal(id, before[i]);
	}
}

static void
test_source_hash_sticky(void **state)
{
	check_sticky(LB_SOURCE_HASH);
}

static void
test_loadbalance_sticky(void **state)
{
	check_sticky(LB_LOADBALANCE);
}

/* hash: the relay address and the values of hash actions decide. */
static void
test_hash_uses_hashdata(void **state)
{
	struct lb_host		h[NHOSTS];
	struct lb_state		st;
	struct lb_client	c;
	char			cookie[32];
	unsigned		count[NHOSTS] = { 0 };
	int			i, id, again;

	hosts_init(h, NHOSTS, 0, 0);
	lb_state_init(&st, 0, NULL);
	for (i = 0; i < 400; i++) {
		client_init(&c, (uint32_t)i);
		(void)snprintf(cookie, sizeof(cookie), "session-%d", i % 100);
		c.hashdata = cookie;
		c.hashlen = strlen(cookie);
		id = lb_select(LB_HASH, h, NHOSTS, NULL, 0, &c, &st);
		client_init(&c, (uint32_t)i + 1000);	/* another client */
		c.hashdata = cookie;
		c.hashlen = strlen(cookie);
		again = lb_select(LB_HASH, h, NHOSTS, NULL, 0, &c, &st);
		assert_int_equal(id, again);	/* same session, same host */
		count[id]++;
	}
	for (i = 0; i < NHOSTS; i++)
		assert_true(count[i] > 0);
	assert_int_equal(lb_select(LB_HASH, h, NHOSTS, NULL, 0, NULL, &st),
	    -1);
}

/*
 * A host inserted before the others (a reload of an edited file gives
 * every later host a new id) takes only its own share: no other client
 * moves, because the score rests on the address and port, not the id.
 */
static void
check_insert_remaps_only_new_share(enum lb_mode mode)
{
	struct lb_host		before[NHOSTS], after[NHOSTS + 1];
	struct lb_state		st;
	struct lb_client	c;
	uint8_t			key[LB_KEY_LEN] = "fedcba9876543210";
	unsigned		moved = 0, to_new = 0;
	uint32_t		i;
	int			a, b;

	hosts_init(before, NHOSTS, 0, 0);
	hosts_init(after + 1, NHOSTS, 1, 0);
	hosts_init(after, 1, 0, 1);		/* 10.1.0.1, id 0 */
	lb_state_init(&st, 0, key);
	for (i = 0; i < 2000; i++) {
		client_init(&c, i);
		a = lb_select(mode, before, NHOSTS, NULL, 0, &c, &st);
		b = lb_select(mode, after, NHOSTS + 1, NULL, 0, &c, &st);
		assert_true(a >= 0 && b >= 0);
		if (b == 0) {
			to_new++;
			continue;
		}
		/* same address as before: ids moved up by one */
		if (!addr_equal(&after[b].addr, &before[a].addr))
			moved++;
	}
	printf("%s: host inserted first: %u of 2000 clients to it, %u moved "
	    "between old hosts\n", lb_mode_name(mode), to_new, moved);
	assert_int_equal(moved, 0);
	assert_true(to_new > 250 && to_new < 550);	/* about 1 in 5 */
}

static void
test_insert_remaps_only_new_share(void **state)
{
	check_insert_remaps_only_new_share(LB_SOURCE_HASH);
	check_insert_remaps_only_new_share(LB_LOADBALANCE);
}

/* The same address on another port is another backend. */
static void
test_port_is_part_of_the_backend(void **state)
{
	struct lb_host		h[2];
	struct lb_state		st;
	struct lb_client	c;
	uint8_t			key[LB_KEY_LEN] = "0123456789abcdef";
	unsigned		count[2] = { 0, 0 };
	uint32_t		i;
	int			id;

	hosts_init(h, 2, 0, 0);
	h[1].addr = h[0].addr;
	h[0].port = 8080;
	h[1].port = 8081;
	lb_state_init(&st, 0, key);
	for (i = 0; i < 1000; i++) {
		client_init(&c, i);
		id = lb_select(LB_SOURCE_HASH, h, 2, NULL, 0, &c, &st);
		assert_true(id == 0 || id == 1);
		count[id]++;
	}
	assert_true(count[0] > 350 && count[1] > 350);
}

static void
test_backup_fallback_and_none_up(void **state)
{
	struct lb_host		m[2], b[2];
	struct lb_state		st;
	struct lb_client	c;
	int			mode, id;

	hosts_init(m, 2, 0, 0);
	hosts_init(b, 2, 10, 1);
	client_init(&c, 7);
	lb_state_init(&st, 3, NULL);
	for (mode = LB_ROUNDROBIN; mode <= LB_LEAST_STATES; mode++) {
		m[0].up = m[1].up = true;
		id = lb_select((enum lb_mode)mode, m, 2, b, 2, &c, &st);
		assert_true(id == 0 || id == 1);
		m[0].up = m[1].up = false;
		id = lb_select((enum lb_mode)mode, m, 2, b, 2, &c, &st);
		assert_true(id == 10 || id == 11);
		b[0].up = false;
		assert_int_equal(lb_select((enum lb_mode)mode, m, 2, b, 2, &c,
		    &st), 11);
		b[1].up = false;
		assert_int_equal(lb_select((enum lb_mode)mode, m, 2, b, 2, &c,
		    &st), -1);
		b[0].up = b[1].up = true;
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_siphash_reference_vectors),
		cmocka_unit_test(test_roundrobin_skips_down_hosts),
		cmocka_unit_test(test_random_is_seeded_and_spread),
		cmocka_unit_test(test_least_states),
		cmocka_unit_test(test_source_hash_sticky),
		cmocka_unit_test(test_loadbalance_sticky),
		cmocka_unit_test(test_hash_uses_hashdata),
		cmocka_unit_test(test_backup_fallback_and_none_up),
		cmocka_unit_test(test_insert_remaps_only_new_share),
		cmocka_unit_test(test_port_is_part_of_the_backend),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
