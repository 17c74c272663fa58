/* The schedule heap against a plain array, over random operations. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <cmocka.h>

#include "core/due_heap.h"

#define NIDS	64

static void
test_ties_in_id_order(void **state)
{
	struct due_heap	h;

	assert_int_equal(due_heap_init(&h, 4), 0);
	assert_int_equal(due_heap_top(&h), DUE_NONE);
	due_heap_set(&h, 3, 10);
	due_heap_set(&h, 1, 10);
	due_heap_set(&h, 2, 5);
	assert_int_equal(due_heap_top(&h), 2);
	due_heap_set(&h, 2, 20);		/* moved later */
	assert_int_equal(due_heap_top(&h), 1);
	due_heap_remove(&h, 1);
	assert_int_equal(due_heap_top(&h), 3);
	assert_false(due_heap_has(&h, 1));
	due_heap_set(&h, 9, 0);			/* out of range: ignored */
	assert_int_equal(due_heap_top(&h), 3);
	due_heap_clear(&h);
	assert_int_equal(due_heap_top(&h), DUE_NONE);
	assert_false(due_heap_has(&h, 3));
	due_heap_free(&h);
}

/* The id a brute-force scan would pick. */
static uint32_t
model_top(const bool *in, const uint64_t *due)
{
	uint32_t	i, best = DUE_NONE;

	for (i = 0; i < NIDS; i++)
		if (in[i] && (best == DUE_NONE || due[i] < due[best]))
			best = i;
	return best;
}

static void
test_random_operations_match_model(void **state)
{
	struct due_heap	h;
	bool		in[NIDS] = { false };
	uint64_t	due[NIDS] = { 0 }, x = 88172645463325252ULL;
	int		step;

	assert_int_equal(due_heap_init(&h, NIDS), 0);
	for (step = 0; step < 100000; step++) {
		uint32_t id;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		id = (uint32_t)(x % NIDS);
		switch ((x >> 8) % 4) {
		case 0:
			due_heap_remove(&h, id);
			in[id] = false;
			break;
		case 1:
			id = due_heap_top(&h);
			assert_int_equal(id, model_top(in, due));
			if (id != DUE_NONE) {
				due_heap_remove(&h, id);
				in[id] = false;
			}
			break;
		default:
			due[id] = (x >> 16) % 1000;
			due_heap_set(&h, id, due[id]);
			in[id] = true;
			break;
		}
		assert_int_equal(due_heap_top(&h), model_top(in, due));
	}
	due_heap_free(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ties_in_id_order),
		cmocka_unit_test(test_random_operations_match_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
