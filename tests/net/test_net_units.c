/*
 * The pure pieces of the net backend, case by case: the HTTP status
 * line as a check reads it, where an answer's head ends, and which
 * wakeups count as a timeout.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <event2/event.h>

#include "backends/net/net_internal.h"

static int
status(const char *line)
{
	return http_status_code(line, strlen(line));
}

static void
test_status_line_accepted(void **state)
{
	assert_int_equal(status("HTTP/1.0 200 OK\r\n"), 200);
	assert_int_equal(status("HTTP/1.1 404 Not Found"), 404);
	assert_int_equal(status("HTTP/1.0 503"), 503);
	assert_int_equal(status("HTTP/1.1 999 odd\n"), 999);
}

static void
test_status_line_rejected(void **state)
{
	assert_int_equal(status(""), -1);
	assert_int_equal(status("HTTP/1.0 20"), -1);
	assert_int_equal(status("HTTP/2 200 OK"), -1);
	assert_int_equal(status("HTTP/1.0 099 low"), -1);
	assert_int_equal(status("HTTP/1.0 2000 long"), -1);
	assert_int_equal(status("HTTP/1.0  200 two spaces"), -1);
	assert_int_equal(status("SSH-2.0-OpenSSH"), -1);
	assert_int_equal(status("http/1.0 200 OK"), -1);
}

/* The body's offset, the answer fed in chunks of chunk bytes. */
static long
head_end_split(const char *answer, size_t chunk)
{
	enum http_head_state	 st = HEAD_LINE_START;
	size_t			 off, n, len = strlen(answer);
	long			 at;

	for (off = 0; off < len; off += n) {
		n = chunk < len - off ? chunk : len - off;
		if ((at = http_head_end(&st, answer + off, n)) != -1)
			return (long)off + at;
	}
	return -1;
}

static void
test_head_end_whatever_the_split(void **state)
{
	const char	*crlf =
	    "HTTP/1.0 200 OK\r\nServer: x\r\n\r\nbody\r\n\r\n";
	const char	*lf = "HTTP/1.0 200 OK\nA: b\n\nbody";
	const char	*open = "HTTP/1.0 200 OK\r\nA: \r\r\n";
	size_t		 chunk;

	for (chunk = 1; chunk <= strlen(crlf); chunk++) {
		assert_int_equal(head_end_split(crlf, chunk), 30);
		assert_int_equal(head_end_split(lf, chunk), 22);
		assert_int_equal(head_end_split(open, chunk), -1);
	}
}

static void
test_readiness_beats_deadline(void **state)
{
	assert_true(net_timed_out(EV_TIMEOUT));
	assert_false(net_timed_out(EV_TIMEOUT | EV_WRITE));
	assert_false(net_timed_out(EV_TIMEOUT | EV_READ));
	assert_false(net_timed_out(EV_READ));
	assert_false(net_timed_out(0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_line_accepted),
		cmocka_unit_test(test_status_line_rejected),
		cmocka_unit_test(test_head_end_whatever_the_split),
		cmocka_unit_test(test_readiness_beats_deadline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
