/*
 * The engines' invariants stay checked in a build with NDEBUG: a broken
 * one stops the process with the expression and where, instead of going
 * on with state that cannot be trusted.
 */
#define NDEBUG 1	/* what a release build defines: changes nothing here */

#include <sys/wait.h>

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include "core/due_heap.h"
#include "core/invariant.h"

/* Run fn in a child; its stderr into out; returns its wait status. */
static int
run_child(void (*fn)(void), char *out, size_t len)
{
	int	p[2], status;
	pid_t	pid;
	ssize_t	n;
	size_t	have = 0;

	assert_int_equal(pipe(p), 0);
	if ((pid = fork()) == 0) {
		dup2(p[1], STDERR_FILENO);
		close(p[0]);
		fn();
		_exit(0);
	}
	assert_true(pid > 0);
	close(p[1]);
	while (have < len - 1 && (n = read(p[0], out + have,
	    len - 1 - have)) > 0)
		have += (size_t)n;
	out[have] = '\0';
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void
broken_here(void)
{
	int	inflight = 0;

	HS_ASSERT(inflight > 0);
}

static void
heap_out_of_bounds(void)
{
	struct due_heap	h;

	if (due_heap_init(&h, 2) == 0)
		(void)due_heap_due(&h, 5);
}

static void
test_stays_on_with_ndebug(void **state)
{
	char	out[512];
	int	status = run_child(broken_here, out, sizeof(out));

	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
	assert_non_null(strstr(out, "invariant failed: inflight > 0 ("));
	assert_non_null(strstr(out, "test_invariant.c:"));
}

static void
test_engine_bounds_checked(void **state)
{
	char	out[512];
	int	status = run_child(heap_out_of_bounds, out, sizeof(out));

	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
	assert_non_null(strstr(out, "invariant failed: id < h->nids ("));
	assert_non_null(strstr(out, "due_heap.c:"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stays_on_with_ndebug),
		cmocka_unit_test(test_engine_bounds_checked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
