/*
 * The HTTP parser fed as a connection delivers: every split of a message
 * (byte by byte, at each point, at random points, with bodies spliced
 * past the parser) gives the same trace; pipelined messages, chunked
 * bodies with extensions and trailers; each bound at its limit and one
 * past it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fuzz/http_trace.h"
#include "tests/relay/http_test.h"

struct sample {
	enum http_kind		kind;
	enum http_method	method;
	const char		*text;
};

static const struct sample samples[] = {
	{ HTTP_REQUEST, HTTP_M_GET,
	  "GET /a HTTP/1.1\r\nHost: h\r\nUser-Agent: t\r\n\r\n"
	  "POST /b?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
	  "\r\nGET /c HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" },
	{ HTTP_REQUEST, HTTP_M_GET,
	  "PUT /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
	  "5;name=val;q=\"a \\\" b\"\r\nhello\r\n"
	  "1A\r\nabcdefghijklmnopqrstuvwxyz\r\n"
	  "0;last\r\nChecksum: 1234\r\nContent-Length: 9\r\n\r\n"
	  "GET /next HTTP/1.1\r\nHost: h\r\n\r\n" },
	{ HTTP_REQUEST, HTTP_M_GET,
	  "GET / HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n"
	  "X: a\r\n b\r\n\r\n" },
	{ HTTP_REQUEST, HTTP_M_GET,
	  "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
	  "3\r\nabc\r\n2\r\nxyz\r\n" },
	{ HTTP_RESPONSE, HTTP_M_GET,
	  "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3"
	  "\r\n\r\nabcHTTP/1.1 204 No Content\r\n\r\n"
	  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	  "4\r\nwiki\r\n0\r\nExpires: never\r\n\r\n"
	  "HTTP/1.0 200 OK\r\n\r\nthe rest, until the close" },
	{ HTTP_RESPONSE, HTTP_M_HEAD,
	  "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
	  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" },
	{ HTTP_RESPONSE, HTTP_M_GET,
	  "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort" },
};

#define NSAMPLES	(sizeof(samples) / sizeof(samples[0]))

static uint64_t
next_random(uint64_t *x)
{
	uint64_t	z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void
trace(const struct http_run *r, const char *text, size_t len,
    struct buf *out)
{
	buf_reset(out);
	if (http_run(r, text, len, out) == -1)
		fail_msg("invariant broken:\n%s", buf_str(out));
}

static void
assert_same_trace(const struct http_run *r, const char *text, size_t len,
    const struct buf *want, const char *how)
{
	struct buf	got;

	buf_init(&got, 1 << 20);
	trace(r, text, len, &got);
	if (strcmp(buf_str(&got), buf_str(want)) != 0)
		fail_msg("%s: trace differs\nwant:\n%sgot:\n%s", how,
		    buf_str(want), buf_str(&got));
	buf_free(&got);
}

/* Random increasing cut points. */
static size_t
random_cuts(uint64_t *rng, size_t len, size_t *cuts, size_t max)
{
	size_t	n = 0, pos = 0;

	while (n < max && len > 0) {
		pos += 1 + next_random(rng) % (len / 4 + 1);
		if (pos >= len)
			break;
		cuts[n++] = pos;
	}
	return n;
}

static void
test_every_split_gives_the_same_trace(void **state)
{
	struct buf	want;
	size_t		i, c, len, cuts[64];
	uint64_t	rng = 42;
	int		k;

	buf_init(&want, 1 << 20);
	for (i = 0; i < NSAMPLES; i++) {
		struct http_run r = { samples[i].kind, samples[i].method,
		    NULL, NULL, 0, 0, false, true };

		len = strlen(samples[i].text);
		trace(&r, samples[i].text, len, &want);
		r.piece = 1;
		assert_same_trace(&r, samples[i].text, len, &want, "bytes");
		r.piece = 0;
		r.ncuts = 1;
		for (c = 1; c < len; c++) {
			r.cuts = &c;
			assert_same_trace(&r, samples[i].text, len, &want,
			    "one cut");
		}
		r.cuts = cuts;
		for (k = 0; k < 200; k++) {
			r.ncuts = random_cuts(&rng, len, cuts, 64);
			r.splice = k % 2;
			assert_same_trace(&r, samples[i].text, len, &want,
			    r.splice ? "random cuts, spliced" : "random cuts");
		}
	}
	buf_free(&want);
}

static void
test_pipelined_requests(void **state)
{
	struct http_run	 r = { HTTP_REQUEST, HTTP_M_GET, NULL, NULL, 0, 0,
	    false, false };
	struct buf	 out;
	const char	*t, *a, *b, *c;

	buf_init(&out, 1 << 20);
	trace(&r, samples[0].text, strlen(samples[0].text), &out);
	t = buf_str(&out);
	assert_int_equal(http_trace_messages(t), 3);
	assert_non_null(a = strstr(t, "H GET /a v11"));
	assert_non_null(b = strstr(t, "H POST /b?x=1 v11"));
	assert_non_null(c = strstr(t, "H GET /c v10"));
	assert_true(a < b && b < c);
	assert_non_null(strstr(b, "B 5 hello\nE\n"));
	buf_free(&out);
}

static void
test_chunked_with_extensions_and_trailers(void **state)
{
	struct http_run	 r = { HTTP_REQUEST, HTTP_M_GET, NULL, NULL, 0, 0,
	    false, false };
	struct buf	 out;
	const char	*t;

	buf_init(&out, 1 << 20);
	trace(&r, samples[1].text, strlen(samples[1].text), &out);
	t = buf_str(&out);
	/* Body bytes are forwarded as they came, framing included. */
	assert_non_null(strstr(t, "B 62 5;name=val;q=\"a \\x5c\" b\"\\x0d"
	    "\\x0ahello\\x0d\\x0a1A\\x0d\\x0aabcdefghijklmnopqrstuvwxyz\\x0d"
	    "\\x0a\n"));
	assert_non_null(strstr(t, "T\n  Checksum: 1234 [0]\n"
	    " !Content-Length: 9 [2]\nE\n"));
	assert_non_null(strstr(t, "H GET /next"));
	assert_int_equal(http_trace_messages(t), 2);
	buf_free(&out);
}

static void
test_pipelined_responses(void **state)
{
	struct http_run	 r = { HTTP_RESPONSE, HTTP_M_GET, NULL, NULL, 0, 0,
	    false, true };
	struct buf	 out;

	buf_init(&out, 1 << 20);
	trace(&r, samples[4].text, strlen(samples[4].text), &out);
	assert_int_equal(http_trace_messages(buf_str(&out)), 5);
	assert_non_null(strstr(buf_str(&out),
	    "B 25 the rest, until the close\nE\nEOF\n"));
	r.method = HTTP_M_HEAD;
	trace(&r, samples[5].text, strlen(samples[5].text), &out);
	assert_int_equal(http_trace_messages(buf_str(&out)), 2);
	assert_null(strstr(buf_str(&out), "\nX "));
	buf_free(&out);
}

/* Bytes given once are not looked at again: the scan resumes. */
static void
test_no_rescan(void **state)
{
	static struct http_field	f[HTTP_FIELDS_MAX];
	struct http_parser		p;
	char				line[600];
	size_t				i, used;

	memset(line, 'a', sizeof(line));
	memcpy(line, "GET /", 5);
	http_parser_init(&p, HTTP_REQUEST, NULL, f);
	for (i = 1; i <= sizeof(line); i++) {
		assert_int_equal(http_parse(&p, line, i, &used), HTTP_MORE);
		assert_int_equal(used, 0);
		assert_int_equal(p.scan, i);
	}
}

/* prefix, then c up to len bytes in all; returns the end. */
static char *
fill(char *e, const char *prefix, char c, size_t len)
{
	size_t	n = strlen(prefix);

	memcpy(e, prefix, n);
	memset(e + n, c, len - n);
	return e + len;
}

/* A request whose target, or one field line, is exactly n bytes long. */
static char *
request_with(size_t target_len, size_t field_len, size_t nfields)
{
	size_t	 cap = target_len + field_len + nfields * 8 + 128, i;
	char	*s = malloc(cap), *e;

	assert_non_null(s);
	e = fill(s, "GET /", 't', 4 + target_len);
	e += sprintf(e, " HTTP/1.1\r\nHost: h\r\n");
	if (field_len > 0) {
		e = fill(e, "X: ", 'v', field_len);
		e += sprintf(e, "\r\n");
	}
	for (i = 0; i < nfields; i++)
		e += sprintf(e, "F%zu: 1\r\n", i % 10);
	sprintf(e, "\r\n");
	return s;
}

static struct http_outcome
feed_split(const char *text, const struct http_limits *lim)
{
	static struct http_field	 f[HTTP_FIELDS_MAX + 8];
	struct http_run			 r = { HTTP_REQUEST, HTTP_M_GET, lim,
	    NULL, 0, 1, false, false };
	struct http_outcome		 o = { HTTP_E_NONE, 0, 0, 0 };
	struct buf			 bytes, whole;
	struct http_parser		 p;
	size_t				 used;

	/* Byte by byte and whole must agree; report the whole run. */
	buf_init(&bytes, 1 << 24);
	buf_init(&whole, 1 << 24);
	trace(&r, text, strlen(text), &bytes);
	r.piece = 0;
	trace(&r, text, strlen(text), &whole);
	assert_string_equal(buf_str(&bytes), buf_str(&whole));
	o.messages = http_trace_messages(buf_str(&whole));
	http_parser_init(&p, HTTP_REQUEST, lim, f);
	while (http_parse(&p, text, strlen(text), &used) > 0)
		text += used;
	o.error = http_error(&p);
	o.status = http_error_status(&p);
	buf_free(&bytes);
	buf_free(&whole);
	return o;
}

static void
assert_bound(const char *text, const struct http_limits *lim,
    enum http_error err, int status)
{
	struct http_outcome	o = feed_split(text, lim);

	assert_string_equal(http_error_str(o.error), http_error_str(err));
	assert_int_equal(o.status, status);
	if (err == HTTP_E_NONE)
		assert_int_equal(o.messages, 1);
}

static void
test_bounds_start_line_and_field_line(void **state)
{
	/* "GET " target " HTTP/1.1": 13 bytes around the target. */
	char	*s;

	s = request_with(HTTP_START_LINE_MAX - 13, 0, 0);
	assert_bound(s, NULL, HTTP_E_NONE, 0);
	free(s);
	s = request_with(HTTP_START_LINE_MAX - 12, 0, 0);
	assert_bound(s, NULL, HTTP_E_START_LINE_TOO_LONG, 414);
	free(s);
	s = request_with(1, HTTP_FIELD_LINE_MAX, 0);
	assert_bound(s, NULL, HTTP_E_NONE, 0);
	free(s);
	s = request_with(1, HTTP_FIELD_LINE_MAX + 1, 0);
	assert_bound(s, NULL, HTTP_E_FIELD_LINE_TOO_LONG, 431);
	free(s);
}

static void
test_bounds_fields_and_head(void **state)
{
	struct http_limits	 lim;
	char			*s;
	size_t			 base;

	/* Host is one field. */
	s = request_with(1, 0, HTTP_FIELDS_MAX - 1);
	assert_bound(s, NULL, HTTP_E_NONE, 0);
	free(s);
	s = request_with(1, 0, HTTP_FIELDS_MAX);
	assert_bound(s, NULL, HTTP_E_TOO_MANY_FIELDS, 431);
	free(s);
	/* A head of exactly head_max bytes, then one more. */
	http_limits_default(&lim);
	lim.head_max = 200;
	s = request_with(1, 100, 0);
	base = strlen(s);
	free(s);
	s = request_with(1 + lim.head_max - base, 100, 0);
	assert_int_equal(strlen(s), lim.head_max);
	assert_bound(s, &lim, HTTP_E_NONE, 0);
	free(s);
	s = request_with(2 + lim.head_max - base, 100, 0);
	assert_bound(s, &lim, HTTP_E_HEAD_TOO_LARGE, 431);
	free(s);
	/* Configured: 3 fields. */
	http_limits_default(&lim);
	lim.fields_max = 3;
	s = request_with(1, 0, 2);
	assert_bound(s, &lim, HTTP_E_NONE, 0);
	free(s);
	s = request_with(1, 0, 3);
	assert_bound(s, &lim, HTTP_E_TOO_MANY_FIELDS, 431);
	free(s);
}

static char *
chunked_with(size_t ext_len, size_t trailer_len)
{
	char	*s = malloc(ext_len + trailer_len + 256), *e;

	assert_non_null(s);
	e = s + sprintf(s, "POST / HTTP/1.1\r\nHost: h\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n");
	e = fill(e, "1;", 'e', ext_len);
	e += sprintf(e, "\r\nx\r\n0\r\n");
	if (trailer_len > 0) {
		e = fill(e, "T: ", 'v', trailer_len);
		e += sprintf(e, "\r\n");
	}
	sprintf(e, "\r\n");
	return s;
}

static void
test_bounds_chunk_line_and_trailers(void **state)
{
	char	*s;

	s = chunked_with(HTTP_CHUNK_LINE_MAX, 0);
	assert_bound(s, NULL, HTTP_E_NONE, 0);
	free(s);
	s = chunked_with(HTTP_CHUNK_LINE_MAX + 1, 0);
	assert_bound(s, NULL, HTTP_E_CHUNK_LINE_TOO_LONG, 400);
	free(s);
	/* "0\r\n" + "T: v..\r\n" + "\r\n" = trailer_len + 7 */
	s = chunked_with(3, HTTP_TRAILER_MAX - 7);
	assert_bound(s, NULL, HTTP_E_NONE, 0);
	free(s);
	s = chunked_with(3, HTTP_TRAILER_MAX - 6);
	assert_bound(s, NULL, HTTP_E_TRAILER_TOO_LARGE, 431);
	free(s);
}

static void
test_default_bounds(void **state)
{
	struct http_limits	lim;

	http_limits_default(&lim);
	assert_int_equal(lim.start_line_max, 8192);
	assert_int_equal(lim.field_line_max, 8192);
	assert_int_equal(lim.head_max, 16384);
	assert_int_equal(lim.fields_max, 100);
	assert_int_equal(lim.chunk_line_max, 1024);
	assert_int_equal(lim.trailer_max, 8192);
}

static const char	*corpus_dir;

/* The fuzz targets' check over their seed corpora. */
static void
check_corpus(const char *name, enum http_kind kind)
{
	char		 path[4096], data[65536];
	struct dirent	*de;
	struct buf	 why;
	DIR		*d;
	FILE		*f;
	size_t		 n;
	int		 files = 0;

	snprintf(path, sizeof(path), "%s/%s", corpus_dir, name);
	assert_non_null(d = opendir(path));
	buf_init(&why, 1 << 24);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", corpus_dir, name,
		    de->d_name);
		assert_non_null(f = fopen(path, "rb"));
		n = fread(data, 1, sizeof(data), f);
		fclose(f);
		if (http_check_all_ways(kind, (const uint8_t *)data, n,
		    &why) == -1)
			fail_msg("%s: %s", path, buf_str(&why));
		files++;
	}
	closedir(d);
	buf_free(&why);
	assert_true(files >= 10);
}

static void
test_seed_corpora_all_ways(void **state)
{
	check_corpus("http_request", HTTP_REQUEST);
	check_corpus("http_response", HTTP_RESPONSE);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_split_gives_the_same_trace),
		cmocka_unit_test(test_pipelined_requests),
		cmocka_unit_test(test_chunked_with_extensions_and_trailers),
		cmocka_unit_test(test_pipelined_responses),
		cmocka_unit_test(test_no_rescan),
		cmocka_unit_test(test_bounds_start_line_and_field_line),
		cmocka_unit_test(test_bounds_fields_and_head),
		cmocka_unit_test(test_bounds_chunk_line_and_trailers),
		cmocka_unit_test(test_default_bounds),
		cmocka_unit_test(test_seed_corpora_all_ways),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: %s fuzz-corpus-dir\n", argv[0]);
		return 2;
	}
	corpus_dir = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
