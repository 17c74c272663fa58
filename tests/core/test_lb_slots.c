/* Sticky-address slots: complete, weighted, stable as hosts come and go. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <cmocka.h>

#include "core/lb_slots.h"

#define NHOSTS	5

static void
hosts_init(struct l3_host *h, size_t n)
{
	char	text[32];
	size_t	i;

	memset(h, 0, n * sizeof(*h));
	for (i = 0; i < n; i++) {
		(void)snprintf(text, sizeof(text), "198.18.2.%zu", i + 1);
		assert_int_equal(addr_parse(text, &h[i].addr), 0);
		h[i].port = 80;
		h[i].weight = 1;
		h[i].id = (uint32_t)i;
	}
}

static bool
is_prime(uint32_t m)
{
	uint32_t	d;

	for (d = 2; d * d <= m; d++)
		if (m % d == 0)
			return false;
	return m > 1;
}

static void
test_counts_are_primes_with_room(void **state)
{
	size_t	n;

	assert_int_equal(lb_slots_count(1), LB_SLOTS_MIN);
	for (n = 1; n <= 20000; n = n * 3 + 1) {
		uint32_t m = lb_slots_count(n);

		assert_true(is_prime(m));
		assert_true(m >= 8 * n || m == LB_SLOTS_MAX);
	}
	assert_int_equal(lb_slots_count(1000000), LB_SLOTS_MAX);
}

/* Each host gets its share of the slots, by weight. */
static void
test_shares_follow_weights(void **state)
{
	struct l3_host	h[2];
	uint32_t	slots[LB_SLOTS_MIN], count[2] = { 0, 0 }, i;

	hosts_init(h, 2);
	h[0].weight = 3;
	assert_int_equal(lb_slots_deal(h, 2, slots, LB_SLOTS_MIN), 0);
	for (i = 0; i < LB_SLOTS_MIN; i++) {
		assert_true(slots[i] < 2);
		count[slots[i]]++;
	}
	printf("weights 3:1 -> %u:%u slots\n", count[0], count[1]);
	assert_true(count[0] > 2 * count[1] && count[0] < 4 * count[1]);
}

/*
 * A host that leaves loses its slots; most of the others keep theirs,
 * and when it comes back the deal is the same as before.
 */
static void
test_stable_as_hosts_come_and_go(void **state)
{
	struct l3_host	h[NHOSTS], rest[NHOSTS - 1];
	uint32_t	m = lb_slots_count(NHOSTS);
	uint32_t	*all = calloc(m, sizeof(*all));
	uint32_t	*fewer = calloc(m, sizeof(*fewer));
	uint32_t	*again = calloc(m, sizeof(*again));
	uint32_t	i, moved = 0, kept = 0;

	assert_non_null(all);
	assert_non_null(fewer);
	assert_non_null(again);
	hosts_init(h, NHOSTS);
	memcpy(rest, h, 2 * sizeof(*h));		/* host 2 leaves */
	memcpy(rest + 2, h + 3, 2 * sizeof(*h));
	assert_int_equal(lb_slots_deal(h, NHOSTS, all, m), 0);
	assert_int_equal(lb_slots_deal(rest, NHOSTS - 1, fewer, m), 0);
	for (i = 0; i < m; i++) {
		uint32_t owner = rest[fewer[i]].id;

		if (all[i] == 2)
			continue;
		if (owner == all[i])
			kept++;
		else
			moved++;
	}
	printf("host 2 of %d leaves: %u of the others' slots moved, %u kept\n",
	    NHOSTS, moved, kept);
	assert_true(moved * 10 < kept);
	assert_int_equal(lb_slots_deal(h, NHOSTS, again, m), 0);
	assert_memory_equal(all, again, m * sizeof(*all));
	free(all);
	free(fewer);
	free(again);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_are_primes_with_room),
		cmocka_unit_test(test_shares_follow_weights),
		cmocka_unit_test(test_stable_as_hosts_come_and_go),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
