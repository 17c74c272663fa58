/*
 * Body framing: Content-Length, chunked (RFC 9112 7.1) with extensions
 * and trailers, until the close; and the end of a connection.
 */
#include <string.h>

#include "relay/http_priv.h"

static size_t
token_end(const char *s, size_t n, size_t i)
{
	return http_run(s, i, n, C_TOKEN);
}

/* The offset after the quoted-string at s[i], or 0 if it is not one. */
static size_t
quoted_end(const char *s, size_t n, size_t i)
{
	for (i++; i < n; i++) {
		if (s[i] == '"')
			return i + 1;
		if (s[i] == '\\') {
			if (++i == n || !http_is(s[i], C_VALUE))
				return 0;
		} else if (!http_is(s[i], C_QDTEXT))
			return 0;
	}
	return 0;
}

/*
 * *( ";" name [ "=" ( token / quoted-string ) ] ), without the optional
 * whitespace (BWS) of RFC 9112 7.1.1: parsers that refuse it and parsers
 * that allow it would disagree on where a chunk starts.
 */
static bool
chunk_ext(const char *s, size_t n)
{
	size_t	i = 0, j;

	while (i < n) {
		if (s[i] != ';' || (j = token_end(s, n, i + 1)) == i + 1)
			return false;
		i = j;
		if (i == n || s[i] != '=')
			continue;
		if (i + 1 < n && s[i + 1] == '"')
			j = quoted_end(s, n, i + 1);
		else if ((j = token_end(s, n, i + 1)) == i + 1)
			j = 0;
		if (j == 0)
			return false;
		i = j;
	}
	return true;
}

static unsigned
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	return (c | 0x20) - 'a' + 10;
}

/* 1 to 16 hex digits, then extensions; the size goes to body_left. */
static int
chunk_size(struct http_parser *p, const char *s, size_t n)
{
	uint64_t	size = 0;
	size_t		i;

	if (memchr(s, '\r', n) != NULL)
		return http_fail(p, HTTP_E_BARE_CR);
	for (i = 0; i < n && http_is(s[i], C_HEX); i++) {
		if (i == 16)
			return http_fail(p, HTTP_E_CHUNK_SIZE);
		size = size << 4 | hex_value(s[i]);
	}
	if (i == 0 || (i < n && s[i] != ';'))
		return http_fail(p, http_char_error(i < n ? s[i] : ';',
		    HTTP_E_CHUNK_SIZE));
	if (!chunk_ext(s + i, n - i))
		return http_fail(p, HTTP_E_CHUNK_EXT);
	p->body_left = size;
	return 0;
}

/*
 * The chunk-size line at s: its length once complete, 0 if more bytes
 * are needed or it is the last chunk (then the trailers' unit starts at
 * s), -1 on error.
 */
static long
chunk_line(struct http_parser *p, const char *s, size_t n)
{
	struct http_bound	b = { p->lim.chunk_line_max, UINT32_MAX,
	    HTTP_E_CHUNK_LINE_TOO_LONG, HTTP_E_CHUNK_LINE_TOO_LONG };
	uint32_t		start, len;
	int			r;

	if ((r = http_line(p, s, n, &b, &start, &len)) <= 0)
		return r;
	if (chunk_size(p, s, len) == -1)
		return -1;
	if (p->body_left == 0) {
		/* The trailers' unit starts here, past this line. */
		p->state = S_TRAILERS;
		p->nfields = 0;
		return 0;
	}
	p->state = S_CHUNK_DATA;
	p->scan = p->line = 0;
	return len + 2;
}

/* CRLF after chunk data: 2 once both are here, 0 for more, -1. */
static int
chunk_crlf(struct http_parser *p, const char *s, size_t n)
{
	if (s[0] != '\r' || (n > 1 && s[1] != '\n'))
		return http_fail(p, HTTP_E_CHUNK_CRLF);
	if (n == 1)
		return 0;
	p->state = S_CHUNK_LINE;
	return 2;
}

static void
data_seen(struct http_parser *p, uint64_t n)
{
	p->body_left -= n;
	if (p->body_left == 0)
		p->state = p->state == S_BODY_LENGTH ? S_DONE : S_CHUNK_CRLF;
}

enum http_event
http_parse_body(struct http_parser *p, const char *buf, size_t len,
    size_t *used)
{
	size_t	off = 0, n;
	long	r = 1;

	while (off < len && r > 0) {
		switch (p->state) {
		case S_BODY_CLOSE:
			off = len;
			break;
		case S_BODY_LENGTH:
		case S_CHUNK_DATA:
			n = len - off;
			if (n > p->body_left)
				n = p->body_left;
			off += n;
			data_seen(p, n);
			break;
		case S_CHUNK_CRLF:
			if ((r = chunk_crlf(p, buf + off, len - off)) > 0)
				off += r;
			break;
		case S_CHUNK_LINE:
			if ((r = chunk_line(p, buf + off, len - off)) > 0)
				off += r;
			break;
		default:	/* S_DONE, S_TRAILERS */
			r = 0;
			break;
		}
	}
	*used = off;
	if (off > 0)
		return HTTP_BODY;
	if (p->state == S_ERROR)
		return HTTP_ERROR;
	if (p->state == S_TRAILERS)
		return http_parse_trailers(p, buf, len, used);
	return HTTP_MORE;
}

/* The last chunk's line (already read), trailer fields, the empty line. */
enum http_event
http_parse_trailers(struct http_parser *p, const char *buf, size_t len,
    size_t *used)
{
	struct http_bound	b = { p->lim.field_line_max,
	    p->lim.trailer_max, HTTP_E_FIELD_LINE_TOO_LONG,
	    HTTP_E_TRAILER_TOO_LARGE };
	uint32_t		start, n;
	int			r;

	for (;;) {
		if ((r = http_line(p, buf, len, &b, &start, &n)) <= 0)
			return r == 0 ? HTTP_MORE : HTTP_ERROR;
		if (n == 0)
			break;
		if (http_field_line(p, buf, start, n, true) == -1)
			return HTTP_ERROR;
	}
	p->fields_base = buf;
	*used = p->line;
	p->scan = p->line = 0;
	p->state = S_DONE;
	return HTTP_TRAILERS;
}

int
http_finish(struct http_parser *p)
{
	switch (p->state) {
	case S_BODY_CLOSE:
		p->state = S_DONE;
		return 0;
	case S_DONE:
		return 0;
	case S_START:
		if (p->scan == p->line)	/* only empty lines so far */
			return 0;
		break;
	case S_ERROR:
		return -1;
	default:
		break;
	}
	http_fail(p, HTTP_E_TRUNCATED);
	return -1;
}

uint64_t
http_body_left(const struct http_parser *p)
{
	switch (p->state) {
	case S_BODY_LENGTH:
	case S_CHUNK_DATA:
		return p->body_left;
	case S_BODY_CLOSE:
		return UINT64_MAX;
	default:
		return 0;
	}
}

void
http_body_skip(struct http_parser *p, uint64_t n)
{
	if (p->state != S_BODY_LENGTH && p->state != S_CHUNK_DATA)
		return;
	if (n > p->body_left)
		n = p->body_left;
	if (n > 0)
		data_seen(p, n);
}
