/*
 * The sessions' timeout heap: after any mix of sessions set, set again
 * earlier or later and cleared (from the top, the middle, the end), the
 * earliest is on top, every session knows its place, and draining it
 * gives the times in order.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "relay/relay_priv.h"

#define NSESS	300
#define ROUNDS	30000

static uint64_t
next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void
assert_heap(const struct relay_engine *e, const struct session *s)
{
	uint32_t	i, set = 0;

	for (i = 0; i < e->ndue; i++) {
		assert_int_equal(e->due[i]->due_idx, i + 1);
		if (i > 0)
			assert_true(e->due[(i - 1) / 2]->due_ms <=
			    e->due[i]->due_ms);
	}
	for (i = 0; i < NSESS; i++)
		set += s[i].due_idx != 0;
	assert_int_equal(set, e->ndue);
}

static void
test_heap_order(void **state)
{
	struct relay_engine	 e;
	struct session		*s = calloc(NSESS, sizeof(*s));
	uint64_t		 x = 88172645463325252ULL, last = 0;
	uint32_t		 i, r, cleared = 0;

	memset(&e, 0, sizeof(e));
	assert_non_null(s);
	assert_non_null(e.base = event_base_new());
	assert_int_equal(due_init(&e), 0);
	for (i = 0; i < NSESS; i++)
		s[i].eng = &e;
	for (r = 0; r < ROUNDS; r++) {
		i = (uint32_t)(next(&x) % NSESS);
		if (next(&x) % 4 == 0) {
			cleared += s[i].due_idx != 0;
			due_clear(&s[i]);
		} else
			assert_int_equal(due_set(&s[i], 1000000 +
			    next(&x) % 100000), 0);
		if (r % 97 == 0)
			assert_heap(&e, s);
	}
	assert_heap(&e, s);
	assert_true(cleared > 1000);
	while (e.ndue > 0) {
		assert_true(e.due[0]->due_ms >= last);
		last = e.due[0]->due_ms;
		due_clear(e.due[0]);
	}
	for (i = 0; i < NSESS; i++)
		assert_int_equal(s[i].due_idx, 0);
	due_free(&e);
	event_base_free(e.base);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_heap_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
