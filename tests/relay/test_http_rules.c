/*
 * The HTTP/1.1 rules a proxy must follow, one test per rule: each
 * rejection with its status, next to the accepted message it differs
 * from.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/relay/http_test.h"

static struct http_parser	P;
static struct http_field	F[HTTP_FIELDS_MAX];

static struct http_outcome
req(const char *text)
{
	return http_feed(&P, HTTP_REQUEST, HTTP_M_GET, F, text,
	    strlen(text), 0);
}

static struct http_outcome
resp_to(enum http_method m, const char *text)
{
	return http_feed(&P, HTTP_RESPONSE, m, F, text, strlen(text), 1);
}

static struct http_outcome
resp(const char *text)
{
	return resp_to(HTTP_M_GET, text);
}

#define REJECTS(o, err, st) do {					\
	struct http_outcome o_ = (o);					\
	assert_string_equal(http_error_str(o_.error),			\
	    http_error_str(err));					\
	assert_int_equal(o_.status, (st));				\
} while (0)

#define ACCEPTS(o, nmsg) do {						\
	struct http_outcome o_ = (o);					\
	assert_string_equal(http_error_str(o_.error),			\
	    http_error_str(HTTP_E_NONE));				\
	assert_int_equal(o_.messages, (nmsg));				\
} while (0)

/* RFC 9112 6.3: which messages have a body, and how long it is. */
static void
test_framing_requests(void **state)
{
	ACCEPTS(req("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 1);
	assert_int_equal(P.head.framing, HTTP_BODY_NONE);
	ACCEPTS(req("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
	    "\r\nabc"), 1);
	assert_int_equal(P.head.framing, HTTP_BODY_LENGTH);
	ACCEPTS(req("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    "gzip, chunked\r\n\r\n0\r\n\r\n"), 1);
	assert_int_equal(P.head.framing, HTTP_BODY_CHUNKED);
	/* A request with neither has no body: what follows is a request. */
	REJECTS(req("POST / HTTP/1.1\r\nHost: a\r\n\r\nabc\r\n"),
	    HTTP_E_METHOD, 400);
}

static void
test_framing_responses(void **state)
{
	const char *cl = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";

	ACCEPTS(resp_to(HTTP_M_HEAD, cl), 1);
	assert_int_equal(P.head.framing, HTTP_BODY_NONE);
	ACCEPTS(resp("HTTP/1.1 204 No Content\r\n\r\n"), 1);
	ACCEPTS(resp("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n"
	    "\r\n"), 1);
	ACCEPTS(resp("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"),
	    1);
	/* A length where none may be: parsers frame it differently. */
	REJECTS(resp("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n"),
	    HTTP_E_LENGTH_NOT_ALLOWED, 502);
	REJECTS(resp("HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked"
	    "\r\n\r\n"), HTTP_E_LENGTH_NOT_ALLOWED, 502);
	REJECTS(resp("HTTP/1.1 100 Continue\r\nContent-Length: 5\r\n\r\n"),
	    HTTP_E_LENGTH_NOT_ALLOWED, 502);
	ACCEPTS(resp("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"
	    "Content-Length: 0\r\n\r\n"), 2);
	ACCEPTS(resp("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n"
	    "Connection: upgrade\r\n\r\n"), 1);
	assert_int_equal(P.head.framing, HTTP_BODY_TUNNEL);
	/* A 101 that names no protocol: what follows cannot be framed. */
	REJECTS(resp("HTTP/1.1 101 Switching Protocols\r\n\r\n"),
	    HTTP_E_NO_UPGRADE, 502);
	REJECTS(resp("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n"
	    "\r\n"), HTTP_E_NO_UPGRADE, 502);
	ACCEPTS(resp_to(HTTP_M_CONNECT, "HTTP/1.1 200 OK\r\n\r\n"), 1);
	assert_int_equal(P.head.framing, HTTP_BODY_TUNNEL);
	/* Neither length nor chunked: the body runs until the close. */
	ACCEPTS(resp("HTTP/1.1 200 OK\r\n\r\nall of it"), 1);
	assert_int_equal(P.head.framing, HTTP_BODY_CLOSE);
	/* A length cut short by the close is an error. */
	REJECTS(resp("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nabc"),
	    HTTP_E_TRUNCATED, 502);
	/* chunked not last in a response: until the close (6.3 item 4). */
	ACCEPTS(resp("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip"
	    "\r\n\r\nxyz"), 1);
	assert_int_equal(P.head.framing, HTTP_BODY_CLOSE);
}

static void
test_content_length_with_transfer_encoding(void **state)
{
	REJECTS(req("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n"),
	    HTTP_E_CONTENT_LENGTH_WITH_TE, 400);
	REJECTS(req("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    "chunked\r\nContent-Length: 3\r\n\r\n"),
	    HTTP_E_CONTENT_LENGTH_WITH_TE, 400);
	REJECTS(resp("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n"),
	    HTTP_E_CONTENT_LENGTH_WITH_TE, 502);
}

static void
test_content_length_repeated(void **state)
{
	ACCEPTS(req("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
	    "Content-Length: 3\r\n\r\nabc"), 1);
	assert_true(P.head.flags & HTTP_CL_FOLDED);
	assert_int_equal(P.head.content_length, 3);
	REJECTS(req("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
	    "Content-Length: 4\r\n\r\nabcd"),
	    HTTP_E_CONTENT_LENGTH_DIFFERS, 400);
	REJECTS(resp("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n"
	    "Content-Length: 30\r\n\r\n"),
	    HTTP_E_CONTENT_LENGTH_DIFFERS, 502);
}

static void
test_content_length_malformed(void **state)
{
	static const char *const bad[] = {
		"+3", "-3", "3 3", "0x3", "3,3", "", "3a", " ",
		"18446744073709551616", "99999999999999999999999",
	};
	char	text[256];
	size_t	i;

	ACCEPTS(req("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 007\r\n"
	    "\r\n1234567"), 1);
	ACCEPTS(req("POST / HTTP/1.1\r\nHost: a\r\nContent-Length:  1  \r\n"
	    "\r\nx"), 1);
	REJECTS(req("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\t\r\n"
	    "\r\nx"), HTTP_E_CONTENT_LENGTH, 400);
	REJECTS(req("POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\t1\r\n"
	    "\r\nx"), HTTP_E_CONTENT_LENGTH, 400);
	ACCEPTS(req("POST / HTTP/1.1\r\nHost: a\r\nContent-Length:"
	    "18446744073709551615\r\n\r\n"), 0);
	assert_true(P.head.content_length == UINT64_MAX);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "POST / HTTP/1.1\r\nHost: a\r\n"
		    "Content-Length: %s\r\n\r\n", bad[i]);
		REJECTS(req(text), HTTP_E_CONTENT_LENGTH, 400);
	}
}

static void
test_transfer_encoding_rules(void **state)
{
	REJECTS(req("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    "chunked, gzip\r\n\r\n"), HTTP_E_TE_NOT_CHUNKED, 400);
	REJECTS(req("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    "gzip\r\n\r\n"), HTTP_E_TE_NOT_CHUNKED, 400);
	REJECTS(req("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    "chunked, chunked\r\n\r\n"), HTTP_E_TE_NOT_CHUNKED, 400);
	REJECTS(req("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    "foo, chunked\r\n\r\n"), HTTP_E_TE_UNKNOWN, 501);
	REJECTS(req("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    "identity\r\n\r\n"), HTTP_E_TE_NOT_CHUNKED, 400);
	REJECTS(req("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    "chunked\r\nTransfer-Encoding: chunked\r\n\r\n"),
	    HTTP_E_TE_REPEATED, 400);
	REJECTS(req("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    "gzip\r\nTransfer-Encoding: chunked\r\n\r\n"),
	    HTTP_E_TE_REPEATED, 400);
	REJECTS(req("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    "chunked;q=1\r\n\r\n"), HTTP_E_TE_SYNTAX, 400);
	REJECTS(req("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    "\r\n\r\n"), HTTP_E_TE_SYNTAX, 400);
	REJECTS(req("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    "\"chunked\"\r\n\r\n"), HTTP_E_TE_SYNTAX, 400);
	ACCEPTS(req("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    "CHUNKED\r\n\r\n0\r\n\r\n"), 1);
	/* Empty elements and tabs: parsers read them differently. */
	REJECTS(req("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    "chunked,\r\n\r\n"), HTTP_E_TE_SYNTAX, 400);
	REJECTS(req("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    ", chunked\r\n\r\n"), HTTP_E_TE_SYNTAX, 400);
	REJECTS(req("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    "chunked\t\r\n\r\n"), HTTP_E_TE_SYNTAX, 400);
	REJECTS(req("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\t"
	    "chunked\r\n\r\n"), HTTP_E_TE_SYNTAX, 400);
	REJECTS(req("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    "gzip,\tchunked\r\n\r\n"), HTTP_E_TE_SYNTAX, 400);
	REJECTS(resp("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\t\r\n"
	    "\r\n"), HTTP_E_TE_SYNTAX, 502);
	REJECTS(resp("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n"), HTTP_E_TE_REPEATED, 502);
	REJECTS(resp("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, "
	    "chunked\r\n\r\n"), HTTP_E_TE_NOT_CHUNKED, 502);
}

static void
test_transfer_encoding_in_http10(void **state)
{
	REJECTS(req("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "0\r\n\r\n"), HTTP_E_TE_HTTP10, 400);
	REJECTS(resp("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n"
	    "\r\n0\r\n\r\n"), HTTP_E_TE_HTTP10, 502);
	ACCEPTS(req("POST / HTTP/1.0\r\nContent-Length: 1\r\n\r\nx"), 1);
}

static void
test_chunk_size(void **state)
{
	const char	*head = "POST / HTTP/1.1\r\nHost: a\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n";
	static const char *const bad[] = {
		"0x5\r\nhello\r\n0\r\n\r\n", "+5\r\nhello\r\n0\r\n\r\n",
		"-5\r\n", " 5\r\nhello\r\n0\r\n\r\n", "5x\r\nhello\r\n",
		"\r\n", "g\r\n", "00000000000000005\r\nhello\r\n",
		"10000000000000000\r\n",
	};
	char	text[512];
	size_t	i;

	snprintf(text, sizeof(text), "%s%s", head,
	    "000000000000000A\r\n0123456789\r\nFfFfFfFfFfFfFfF\r\n");
	ACCEPTS(req(text), 0);
	assert_true(http_body_left(&P) == 0xFfFfFfFfFfFfFfFULL);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "%s%s", head, bad[i]);
		REJECTS(req(text), HTTP_E_CHUNK_SIZE, 400);
	}
	snprintf(text, sizeof(text), "%s%s", head, "5\nhello\r\n");
	REJECTS(req(text), HTTP_E_BARE_LF, 400);
	snprintf(text, sizeof(text), "%s%s", head, "5\r\nhelloX\r\n");
	REJECTS(req(text), HTTP_E_CHUNK_CRLF, 400);
	snprintf(text, sizeof(text), "%s%s", head, "5\r\nhello\n0\r\n");
	REJECTS(req(text), HTTP_E_CHUNK_CRLF, 400);
	snprintf(text, sizeof(text), "%s%s", head, "5\r\r\nhello\r\n");
	REJECTS(req(text), HTTP_E_BARE_CR, 400);
}

static void
test_chunk_extensions(void **state)
{
	const char	*head = "POST / HTTP/1.1\r\nHost: a\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n";
	static const char *const good[] = {
		";a", ";a=b", ";a=\"b c\";d", ";a=\"q\\\"\"", ";a=b;c=d;e",
	};
	/* No whitespace (BWS): parsers disagree on it. */
	static const char *const bad[] = {
		";", ";=b", ";a=", ";a b", ";a=\"b", ";a=b c", ";a ",
		";a=\"\x01\"", ";a=b,c", "; a", ";a =b", ";a= b", ";a=b;",
	};
	char	text[512];
	size_t	i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text), "%s1%s\r\nx\r\n0%s\r\n\r\n",
		    head, good[i], good[i]);
		ACCEPTS(req(text), 1);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "%s1%s\r\nx\r\n0\r\n\r\n", head,
		    bad[i]);
		REJECTS(req(text), HTTP_E_CHUNK_EXT, 400);
	}
	snprintf(text, sizeof(text), "%s1 ;a\r\nx\r\n0\r\n\r\n", head);
	REJECTS(req(text), HTTP_E_CHUNK_SIZE, 400);
}

static void
test_trailers(void **state)
{
	ACCEPTS(req("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n1\r\nx\r\n0\r\nChecksum: abc\r\n"
	    "Content-Length: 5\r\nHost: evil\r\n\r\n"), 1);
	assert_int_equal(http_nfields(&P), 3);
	assert_false(http_trailer_forbidden(http_field_kind(&P, 0)));
	assert_true(http_trailer_forbidden(http_field_kind(&P, 1)));
	assert_true(http_trailer_forbidden(http_field_kind(&P, 2)));
	REJECTS(req("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n0\r\nA: b\r\n c\r\n\r\n"), HTTP_E_OBS_FOLD, 400);
	REJECTS(req("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n0\r\nA: b\n\r\n"), HTTP_E_BARE_LF, 400);
}

static void
test_line_endings(void **state)
{
	REJECTS(req("GET / HTTP/1.1\nHost: a\r\n\r\n"), HTTP_E_BARE_LF, 400);
	REJECTS(req("GET / HTTP/1.1\r\nHost: a\n\r\n"), HTTP_E_BARE_LF, 400);
	REJECTS(req("GET / HTTP/1.1\r\nHost: a\r\n\n"), HTTP_E_BARE_LF, 400);
	REJECTS(req("GET / HTTP/1.1\r\nHost: a\rX: y\r\n\r\n"),
	    HTTP_E_BARE_CR, 400);
	REJECTS(req("GET / HTTP/1.1\r\nHost: a\r\r\n\r\n"), HTTP_E_BARE_CR,
	    400);
	REJECTS(req("GET /\r HTTP/1.1\r\nHost: a\r\n\r\n"), HTTP_E_BARE_CR,
	    400);
	REJECTS(resp("HTTP/1.1 200 OK\r\nA: b\n\r\n"), HTTP_E_BARE_LF, 502);
	/* Empty lines before a request line are skipped (RFC 9112 2.2). */
	ACCEPTS(req("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"), 1);
	ACCEPTS(http_feed(&P, HTTP_REQUEST, HTTP_M_GET, F, "GET / HTTP/1.1\r\n"
	    "Host: a\r\n\r\n\r\n", 29, 1), 1);
	REJECTS(http_feed(&P, HTTP_REQUEST, HTTP_M_GET, F, "GET / HTTP/1.1\r\n"
	    "Host: a\r\n\r\nG", 28, 1), HTTP_E_TRUNCATED, 400);
	REJECTS(req("\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"), HTTP_E_BARE_LF,
	    400);
}

static void
test_nul_and_control_characters(void **state)
{
	static const char nul[] = "GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n"
	    "\r\n";

	REJECTS(http_feed(&P, HTTP_REQUEST, HTTP_M_GET, F, nul,
	    sizeof(nul) - 1, 0), HTTP_E_NUL, 400);
	REJECTS(req("GET / HTTP/1.1\r\nHost: a\r\nX: a\x01" "b\r\n\r\n"),
	    HTTP_E_FIELD_VALUE, 400);
	REJECTS(req("GET / HTTP/1.1\r\nHost: a\r\nX: a\x7f\r\n\r\n"),
	    HTTP_E_FIELD_VALUE, 400);
	ACCEPTS(req("GET / HTTP/1.1\r\nHost: a\r\nX: a\tb \xe9\r\n\r\n"), 1);
	assert_int_equal(http_field_value(&P, 1).len, 5);
}

static void
test_obs_fold(void **state)
{
	REJECTS(req("GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n"),
	    HTTP_E_OBS_FOLD, 400);
	REJECTS(req("GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n\tb\r\n\r\n"),
	    HTTP_E_OBS_FOLD, 400);
	/* Responses too: 502, never rewritten (RFC 9112 5.2 allows it). */
	REJECTS(resp("HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n"),
	    HTTP_E_OBS_FOLD, 502);
}

static void
test_whitespace_after_start_line(void **state)
{
	REJECTS(req("GET / HTTP/1.1\r\n Host: a\r\n\r\n"),
	    HTTP_E_SPACE_AFTER_START_LINE, 400);
	REJECTS(resp("HTTP/1.1 200 OK\r\n\tX: a\r\n\r\n"),
	    HTTP_E_SPACE_AFTER_START_LINE, 502);
}

static void
test_field_names(void **state)
{
	REJECTS(req("GET / HTTP/1.1\r\nHost : a\r\n\r\n"),
	    HTTP_E_SPACE_BEFORE_COLON, 400);
	REJECTS(req("GET / HTTP/1.1\r\nHost\t: a\r\n\r\n"),
	    HTTP_E_SPACE_BEFORE_COLON, 400);
	REJECTS(req("GET / HTTP/1.1\r\nHost: a\r\n: b\r\n\r\n"),
	    HTTP_E_FIELD_NAME, 400);
	REJECTS(req("GET / HTTP/1.1\r\nHost: a\r\nX(y): b\r\n\r\n"),
	    HTTP_E_FIELD_NAME, 400);
	REJECTS(req("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n"),
	    HTTP_E_FIELD_NAME, 400);
	REJECTS(req("GET / HTTP/1.1\r\nHost: a\r\nX\x01: b\r\n\r\n"),
	    HTTP_E_FIELD_NAME, 400);
	ACCEPTS(req("GET / HTTP/1.1\r\nHost: a\r\nX-!#$%&'*+.^_`|~: \r\n"
	    "\r\n"), 1);
}

static void
test_request_line(void **state)
{
	REJECTS(req("GET /a b HTTP/1.1\r\nHost: a\r\n\r\n"), HTTP_E_TARGET,
	    400);
	REJECTS(req("GET /a\tb HTTP/1.1\r\nHost: a\r\n\r\n"), HTTP_E_TARGET,
	    400);
	REJECTS(req("GET  / HTTP/1.1\r\nHost: a\r\n\r\n"), HTTP_E_TARGET,
	    400);
	REJECTS(req("GET /\x7f HTTP/1.1\r\nHost: a\r\n\r\n"), HTTP_E_TARGET,
	    400);
	REJECTS(req("GET a HTTP/1.1\r\nHost: a\r\n\r\n"), HTTP_E_TARGET, 400);
	REJECTS(req("GET * HTTP/1.1\r\nHost: a\r\n\r\n"), HTTP_E_TARGET, 400);
	REJECTS(req("GET / HTTP/1.1 \r\nHost: a\r\n\r\n"), HTTP_E_VERSION,
	    400);
	REJECTS(req("GET / http/1.1\r\nHost: a\r\n\r\n"), HTTP_E_VERSION,
	    400);
	REJECTS(req("GET /\r\n\r\n"), HTTP_E_VERSION, 400);
	REJECTS(req("GET / HTTP/2.0\r\nHost: a\r\n\r\n"),
	    HTTP_E_VERSION_UNSUPPORTED, 505);
	REJECTS(req("G@T / HTTP/1.1\r\nHost: a\r\n\r\n"), HTTP_E_METHOD, 400);
	REJECTS(req(" GET / HTTP/1.1\r\nHost: a\r\n\r\n"), HTTP_E_METHOD,
	    400);
	ACCEPTS(req("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"), 1);
	ACCEPTS(req("CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n"), 1);
	assert_int_equal(P.head.method_id, HTTP_M_CONNECT);
	REJECTS(req("CONNECT a HTTP/1.1\r\nHost: a\r\n\r\n"), HTTP_E_TARGET,
	    400);
	ACCEPTS(req("PURGE /x?y=%20 HTTP/1.1\r\nHost: a\r\n\r\n"), 1);
	assert_int_equal(P.head.method_id, HTTP_M_OTHER);
	REJECTS(req("GET / HTTP/1.2\r\nHost: a\r\n\r\n"),
	    HTTP_E_VERSION_UNSUPPORTED, 505);
	REJECTS(resp("HTTP/1.2 200 OK\r\n\r\n"), HTTP_E_VERSION_UNSUPPORTED,
	    502);
}

static void
test_host(void **state)
{
	REJECTS(req("GET / HTTP/1.1\r\n\r\n"), HTTP_E_HOST_MISSING, 400);
	ACCEPTS(req("GET / HTTP/1.0\r\n\r\n"), 1);
	REJECTS(req("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n"),
	    HTTP_E_HOST_REPEATED, 400);
	REJECTS(req("GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n"),
	    HTTP_E_HOST_REPEATED, 400);
	REJECTS(req("GET / HTTP/1.1\r\nHost: a b\r\n\r\n"),
	    HTTP_E_HOST_INVALID, 400);
	REJECTS(req("GET / HTTP/1.1\r\nHost: u@a\r\n\r\n"),
	    HTTP_E_HOST_INVALID, 400);
	REJECTS(req("GET / HTTP/1.1\r\nHost: a:8o\r\n\r\n"),
	    HTTP_E_HOST_INVALID, 400);
	REJECTS(req("GET / HTTP/1.1\r\nHost: :80\r\n\r\n"),
	    HTTP_E_HOST_INVALID, 400);
	REJECTS(req("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n"),
	    HTTP_E_HOST_INVALID, 400);
	ACCEPTS(req("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n"), 1);
	ACCEPTS(req("GET / HTTP/1.1\r\nHost: a%2Db.example\r\n\r\n"), 1);
	REJECTS(req("GET / HTTP/1.1\r\nHost: a%2\r\n\r\n"),
	    HTTP_E_HOST_INVALID, 400);
	REJECTS(req("GET / HTTP/1.1\r\nHost: a%zz\r\n\r\n"),
	    HTTP_E_HOST_INVALID, 400);
	ACCEPTS(req("GET / HTTP/1.1\r\nHost: \r\n\r\n"), 1);
	ACCEPTS(req("GET / HTTP/1.1\r\nHost: xn--d-0fa.example:80\r\n\r\n"),
	    1);
	assert_int_equal(P.head.host, 0);
}

static void
test_host_and_absolute_target(void **state)
{
	ACCEPTS(req("GET http://a.example/x HTTP/1.1\r\nHost: A.example"
	    "\r\n\r\n"), 1);
	assert_true(P.head.flags & HTTP_TARGET_ABSOLUTE);
	ACCEPTS(req("GET http://a:80/x HTTP/1.1\r\nHost: a\r\n\r\n"), 1);
	ACCEPTS(req("GET https://a/x HTTP/1.1\r\nHost: a:443\r\n\r\n"), 1);
	REJECTS(req("GET http://a/x HTTP/1.1\r\nHost: b\r\n\r\n"),
	    HTTP_E_HOST_MISMATCH, 400);
	REJECTS(req("GET http://a:81/x HTTP/1.1\r\nHost: a\r\n\r\n"),
	    HTTP_E_HOST_MISMATCH, 400);
	REJECTS(req("GET http://a/x HTTP/1.1\r\n\r\n"), HTTP_E_HOST_MISSING,
	    400);
	REJECTS(req("GET http://u@a/x HTTP/1.1\r\nHost: a\r\n\r\n"),
	    HTTP_E_TARGET, 400);
	REJECTS(req("GET http:///x HTTP/1.1\r\nHost: \r\n\r\n"),
	    HTTP_E_TARGET, 400);
	REJECTS(req("GET ftp://a/x HTTP/1.1\r\nHost: a\r\n\r\n"),
	    HTTP_E_TARGET, 400);
}

static void
test_http10_body_not_allowed(void **state)
{
	REJECTS(req("GET / HTTP/1.0\r\nContent-Length: 1\r\n\r\nx"),
	    HTTP_E_BODY_NOT_ALLOWED, 400);
	REJECTS(req("HEAD / HTTP/1.0\r\nContent-Length: 1\r\n\r\nx"),
	    HTTP_E_BODY_NOT_ALLOWED, 400);
	REJECTS(req("DELETE / HTTP/1.0\r\nContent-Length: 1\r\n\r\nx"),
	    HTTP_E_BODY_NOT_ALLOWED, 400);
	ACCEPTS(req("GET / HTTP/1.0\r\nContent-Length: 0\r\n\r\n"), 1);
	ACCEPTS(req("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\n"
	    "x"), 1);
}

static void
test_responses_that_cannot_be_framed(void **state)
{
	REJECTS(resp("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"),
	    HTTP_E_CONTENT_LENGTH, 502);
	REJECTS(resp("HTTP/1.1 20 OK\r\n\r\n"), HTTP_E_STATUS, 502);
	REJECTS(resp("HTTP/1.1 2000 OK\r\n\r\n"), HTTP_E_STATUS, 502);
	REJECTS(resp("HTTP/1.1 200 O\x01K\r\n\r\n"), HTTP_E_STATUS, 502);
	REJECTS(resp("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "zz\r\n"), HTTP_E_CHUNK_SIZE, 502);
	REJECTS(resp("\r\nHTTP/1.1 200 OK\r\n\r\n"), HTTP_E_VERSION, 502);
	ACCEPTS(resp("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n"), 1);
	assert_int_equal(P.head.status, 200);
	assert_int_equal(http_reason(&P).len, 0);
}

/* What the relay needs to decide persistence; no policy here. */
static void
test_persistence_inputs(void **state)
{
	ACCEPTS(req("GET / HTTP/1.0\r\nConnection: Keep-Alive, X-Foo\r\n"
	    "X-Foo: 1\r\n\r\n"), 1);
	assert_int_equal(P.head.version, 10);
	assert_int_equal(P.head.flags & (HTTP_CONN_KEEP_ALIVE |
	    HTTP_CONN_CLOSE), HTTP_CONN_KEEP_ALIVE);
	assert_true(http_connection_lists(&P, http_field_name(&P, 1)));
	assert_false(http_connection_lists(&P, http_field_name(&P, 0)));
	ACCEPTS(req("GET / HTTP/1.1\r\nHost: a\r\nConnection: ,close,\r\n"
	    "\r\n"), 1);
	assert_true(P.head.flags & HTTP_CONN_CLOSE);
	ACCEPTS(req("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n"
	    "Connection: Upgrade\r\n\r\n"), 1);
	assert_int_equal(P.head.flags & (HTTP_UPGRADE | HTTP_CONN_UPGRADE),
	    HTTP_UPGRADE | HTTP_CONN_UPGRADE);
	ACCEPTS(req("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\n"
	    "Content-Length: 1\r\n\r\nx"), 1);
	assert_true(P.head.flags & HTTP_EXPECT_CONTINUE);
	ACCEPTS(req("PUT / HTTP/1.1\r\nHost: a\r\nExpect: other\r\n\r\n"),
	    1);
	assert_true(P.head.flags & HTTP_EXPECT_OTHER);
	REJECTS(req("GET / HTTP/1.1\r\nHost: a\r\nConnection: a b\r\n\r\n"),
	    HTTP_E_CONNECTION, 400);
	REJECTS(req("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\t\r\n"
	    "\r\n"), HTTP_E_CONNECTION, 400);
}

static bool
among(const char *offer, const char *chosen)
{
	struct http_slice	o = { offer, strlen(offer) };
	struct http_slice	c = { chosen, strlen(chosen) };

	return http_upgrade_among(o, c);
}

/*
 * RFC 9110 7.8: a 101 switches only to protocols the request's Upgrade
 * offered: names in any case, a version only where the offer names one.
 */
static void
test_upgrade_offered(void **state)
{
	char	offer[32];

	assert_true(among("websocket", "websocket"));
	assert_true(among("websocket", "WebSocket"));
	assert_true(among("foo, websocket", "websocket"));
	assert_true(among("foo,\twebsocket , h2c", "h2c"));
	assert_true(among("foo", "FOO/2"));
	assert_true(among("foo/2", "foo/2"));
	assert_true(among("websocket, foo", "foo, websocket"));
	assert_false(among("websocket", "h2c"));
	assert_false(among("websocket", "websocket, h2c"));
	assert_false(among("foo/1", "foo/2"));
	assert_false(among("foo/1", "foo"));
	assert_false(among("websocket", ""));
	assert_false(among("websocket", " , "));
	assert_false(among("websocket", "websocket/"));
	assert_false(among("websocket", "web socket"));
	assert_false(among("", "websocket"));
	assert_false(among("web/socket", "web"));
	/* The request's Upgrade fields, as one list. */
	ACCEPTS(req("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: foo, websocket\r\n"
	    "Connection: upgrade\r\nUpgrade: bar/2\r\n\r\n"), 1);
	assert_true(http_upgrade_offer(&P, offer, 21));
	assert_string_equal(offer, "foo, websocket,bar/2");
	assert_false(http_upgrade_offer(&P, offer, 20));
	assert_true(http_upgrade_offer(&P, offer, sizeof(offer)));
	/* and a 101's, every one of them offered */
	ACCEPTS(resp("HTTP/1.1 101 Switching Protocols\r\nUpgrade: BAR/2\r\n"
	    "Connection: upgrade\r\nUpgrade: websocket\r\n\r\n"), 1);
	assert_true(http_upgrade_chosen(&P, offer));
	ACCEPTS(resp("HTTP/1.1 101 Switching Protocols\r\nUpgrade: BAR/2\r\n"
	    "Connection: upgrade\r\nUpgrade: h2c\r\n\r\n"), 1);
	assert_false(http_upgrade_chosen(&P, offer));
	ACCEPTS(resp("HTTP/1.1 101 Switching Protocols\r\nUpgrade: ,\r\n"
	    "Connection: upgrade\r\n\r\n"), 1);
	assert_false(http_upgrade_chosen(&P, offer));
}

/* Find by name in any case, iterate in arrival order, list elements. */
static void
test_header_api(void **state)
{
	struct http_slice	list, e;
	const char		*names[] = { "Host", "X-A", "x-b", "X-a" };
	size_t			i;

	ACCEPTS(req("GET /p?q=1 HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nx-b:2\r\n"
	    "X-a:  3 , 4\t\r\n\r\n"), 1);
	assert_int_equal(http_nfields(&P), 4);
	for (i = 0; i < 4; i++) {
		struct http_slice n = http_field_name(&P, i);

		assert_int_equal(n.len, strlen(names[i]));
		assert_memory_equal(n.p, names[i], n.len);
	}
	assert_int_equal(http_field_find(&P, "x-a", 0), 1);
	assert_int_equal(http_field_find(&P, "x-a", 2), 3);
	assert_int_equal(http_field_find(&P, "X-B", 0), 2);
	assert_int_equal(http_field_find(&P, "nope", 0), -1);
	assert_int_equal(http_field_value(&P, 3).len, 5);
	list = http_field_value(&P, 3);
	assert_true(http_list_next(&list, &e));
	assert_true(e.len == 1 && e.p[0] == '3');
	assert_true(http_list_next(&list, &e));
	assert_true(e.len == 1 && e.p[0] == '4');
	assert_false(http_list_next(&list, &e));
	assert_int_equal(http_target(&P).len, 6);
	assert_memory_equal(http_method(&P).p, "GET", 3);
	assert_int_equal(http_field_kind(&P, 0), HTTP_F_HOST);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_framing_requests),
		cmocka_unit_test(test_framing_responses),
		cmocka_unit_test(test_content_length_with_transfer_encoding),
		cmocka_unit_test(test_content_length_repeated),
		cmocka_unit_test(test_content_length_malformed),
		cmocka_unit_test(test_transfer_encoding_rules),
		cmocka_unit_test(test_transfer_encoding_in_http10),
		cmocka_unit_test(test_chunk_size),
		cmocka_unit_test(test_chunk_extensions),
		cmocka_unit_test(test_trailers),
		cmocka_unit_test(test_line_endings),
		cmocka_unit_test(test_nul_and_control_characters),
		cmocka_unit_test(test_obs_fold),
		cmocka_unit_test(test_whitespace_after_start_line),
		cmocka_unit_test(test_field_names),
		cmocka_unit_test(test_request_line),
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_host_and_absolute_target),
		cmocka_unit_test(test_http10_body_not_allowed),
		cmocka_unit_test(test_responses_that_cannot_be_framed),
		cmocka_unit_test(test_persistence_inputs),
		cmocka_unit_test(test_header_api),
		cmocka_unit_test(test_upgrade_offered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
