/* The parent's carp demotion counters. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <cmocka.h>

#include "core/demote.h"

struct group_log {
	char	lines[64][64];
	size_t	n;
	int	fail;		/* make the next apply fail */
};

static int
apply(void *arg, const char *group, int delta, int32_t total)
{
	struct group_log	*g = arg;

	if (g->fail) {
		g->fail = 0;
		return -1;
	}
	assert_true(g->n < 64);
	(void)snprintf(g->lines[g->n++], 64, "%s %+d = %d", group, delta,
	    (int)total);
	return 0;
}

static int
reset(void *arg, const char *group, int32_t value)
{
	struct group_log	*g = arg;

	assert_true(g->n < 64);
	(void)snprintf(g->lines[g->n++], 64, "%s set %d", group, (int)value);
	return 0;
}

static struct msg_demote
req(const char *group, int delta)
{
	struct msg_demote	m;

	memset(&m, 0, sizeof(m));
	(void)snprintf(m.group, sizeof(m.group), "%s", group);
	m.delta = delta;
	return m;
}

static void
test_counts_add_up_and_never_go_negative(void **state)
{
	struct group_log	 g = { .n = 0 };
	struct demote_io	 io = { &g, apply, reset, NULL };
	struct demote		*d = demote_new(&io);
	struct msg_demote	 m;

	m = req("carp", 1);
	assert_int_equal(demote_apply(d, &m), 0);
	assert_int_equal(demote_apply(d, &m), 0);
	m = req("other", 1);
	assert_int_equal(demote_apply(d, &m), 0);
	assert_int_equal(demote_count(d, "carp"), 2);
	m = req("carp", -1);
	assert_int_equal(demote_apply(d, &m), 0);
	assert_int_equal(demote_apply(d, &m), 0);
	assert_int_equal(demote_apply(d, &m), -1);	/* below zero */
	assert_int_equal(demote_count(d, "carp"), 0);
	m = req("never", -1);
	assert_int_equal(demote_apply(d, &m), -1);
	assert_int_equal(demote_count(d, "never"), 0);
	assert_int_equal(g.n, 5);	/* refused requests touch nothing */
	demote_free(d);
}

static void
test_shutdown_undoes_net_change(void **state)
{
	struct group_log	 g = { .n = 0 };
	struct demote_io	 io = { &g, apply, reset, NULL };
	struct demote		*d = demote_new(&io);
	struct msg_demote	 m;

	m = req("carp", 1);
	assert_int_equal(demote_apply(d, &m), 0);
	assert_int_equal(demote_apply(d, &m), 0);
	m = req("lan", 1);
	assert_int_equal(demote_apply(d, &m), 0);
	m = req("lan", -1);
	assert_int_equal(demote_apply(d, &m), 0);
	g.n = 0;
	demote_shutdown(d);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.lines[0], "carp -2 = 0");
	assert_int_equal(demote_count(d, "carp"), 0);
	demote_shutdown(d);
	assert_int_equal(g.n, 1);	/* nothing more to undo */
	demote_free(d);
}

static void
test_bad_requests(void **state)
{
	struct group_log	 g = { .n = 0 };
	struct demote_io	 io = { &g, apply, reset, NULL };
	struct demote		*d = demote_new(&io);
	struct msg_demote	 m;
	struct msg		 msg;

	m = req("carp", 2);
	assert_int_equal(demote_apply(d, &m), -1);
	m = req("", 1);
	assert_int_equal(demote_apply(d, &m), -1);
	g.fail = 1;
	m = req("carp", 1);
	assert_int_equal(demote_apply(d, &m), -1);	/* callback failed */
	assert_int_equal(demote_count(d, "carp"), 0);
	memset(&msg, 0, sizeof(msg));
	msg.type = MSG_DEMOTE;
	msg.u.demote = req("carp", 1);
	assert_int_equal(demote_dispatch(d, PEER_HCE, &msg), -1);
	assert_int_equal(demote_dispatch(d, PEER_PFE, &msg), 0);
	msg.type = MSG_POLL;
	assert_int_equal(demote_dispatch(d, PEER_PFE, &msg), -1);
	assert_int_equal(demote_count(d, "carp"), 1);
	demote_free(d);
}

/*
 * The global group is set to 0 at start and to 128 at exit; the tables
 * demoting it add to that meanwhile, and their share is undone first.
 */
static void
test_global_group(void **state)
{
	struct group_log	 g = { .n = 0 };
	struct demote_io	 io = { &g, apply, reset, NULL };
	struct demote		*d = demote_new(&io);
	struct msg_demote	 m;

	assert_int_equal(demote_global(d, "carp"), 0);
	assert_int_equal(demote_global(d, "other"), -1);	/* one only */
	m = req("carp", 1);
	assert_int_equal(demote_apply(d, &m), 0);
	demote_shutdown(d);
	assert_int_equal(g.n, 4);
	assert_string_equal(g.lines[0], "carp set 0");
	assert_string_equal(g.lines[1], "carp +1 = 1");
	assert_string_equal(g.lines[2], "carp -1 = 0");
	assert_string_equal(g.lines[3], "carp set 128");
	demote_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_add_up_and_never_go_negative),
		cmocka_unit_test(test_shutdown_undoes_net_change),
		cmocka_unit_test(test_bad_requests),
		cmocka_unit_test(test_global_group),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
