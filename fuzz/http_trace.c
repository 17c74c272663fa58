/* A relay's way of feeding the HTTP parser, traced; see http_trace.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/http_trace.h"

struct run_state {
	const struct http_run	*r;
	struct http_parser	 p;
	struct buf		*out;
	struct buf		 body;		/* body bytes not yet written */
	const char		*broken;	/* the invariant that broke */
};

static void
put_escaped(struct buf *b, const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\')
			buf_add(b, s + i, 1);
		else
			buf_printf(b, "\\x%02x", (unsigned char)s[i]);
	}
}

static void
flush_body(struct run_state *st)
{
	if (st->body.len == 0)
		return;
	buf_printf(st->out, "B %zu ", st->body.len);
	put_escaped(st->out, st->body.data, st->body.len);
	buf_puts(st->out, "\n");
	buf_reset(&st->body);
}

static bool
within(struct http_slice s, const char *base, size_t len)
{
	return s.p >= base && s.len <= len && (size_t)(s.p - base) <=
	    len - s.len;
}

static void
check(struct run_state *st, bool ok, const char *what)
{
	if (!ok && st->broken == NULL)
		st->broken = what;
}

/* Every field a slice of the unit: a token, then a clean value. */
static void
check_fields(struct run_state *st, const char *unit, size_t len)
{
	struct http_parser	*p = &st->p;
	struct http_slice	 n, v;
	size_t			 i, j;

	check(st, http_nfields(p) <= p->lim.fields_max, "too many fields");
	for (i = 0; i < http_nfields(p); i++) {
		n = http_field_name(p, i);
		v = http_field_value(p, i);
		check(st, within(n, unit, len) && within(v, unit, len),
		    "field outside its unit");
		check(st, n.len > 0 && n.p[n.len] == ':', "field name");
		for (j = 0; j < v.len; j++)
			check(st, v.p[j] != '\r' && v.p[j] != '\n' &&
			    v.p[j] != '\0', "CR, LF or NUL in a value");
	}
}

static void
put_fields(struct run_state *st, bool trailer)
{
	struct http_parser	*p = &st->p;
	struct http_slice	 n, v;
	size_t			 i;

	for (i = 0; i < http_nfields(p); i++) {
		n = http_field_name(p, i);
		v = http_field_value(p, i);
		buf_puts(st->out, trailer && http_trailer_forbidden(
		    http_field_kind(p, i)) ? " !" : "  ");
		put_escaped(st->out, n.p, n.len);
		buf_puts(st->out, ": ");
		put_escaped(st->out, v.p, v.len);
		buf_printf(st->out, " [%d]\n", http_field_kind(p, i));
	}
}

static void
check_request(struct run_state *st)
{
	const struct http_head	*h = &st->p.head;

	check(st, h->host >= 0 || h->version == 10, "no Host in HTTP/1.1");
	check(st, st->p.te_seen == 0 || st->p.cl_seen == 0,
	    "Content-Length with Transfer-Encoding");
	check(st, h->framing != HTTP_BODY_CLOSE &&
	    h->framing != HTTP_BODY_TUNNEL, "request framing");
}

static void
on_head(struct run_state *st, const char *unit, size_t used)
{
	struct http_parser	*p = &st->p;
	const struct http_head	*h = &p->head;
	struct http_slice	 a, b;
	bool			 req = p->kind == HTTP_REQUEST;

	check(st, used == h->len && h->len <= p->lim.head_max &&
	    h->base == unit, "head length");
	check(st, used >= 4 && memcmp(unit + used - 4, "\r\n\r\n", 4) == 0,
	    "head end");
	a = req ? http_method(p) : http_reason(p);
	b = req ? http_target(p) : (struct http_slice){ unit, 0 };
	check(st, within(a, unit, used) && within(b, unit, used),
	    "start line outside the head");
	check_fields(st, unit, used);
	if (req)
		check_request(st);
	check(st, h->framing != HTTP_BODY_LENGTH ||
	    http_body_left(p) == h->content_length, "body length");
	buf_puts(st->out, "H ");
	put_escaped(st->out, a.p, a.len);
	buf_puts(st->out, req ? " " : "");
	put_escaped(st->out, b.p, b.len);
	buf_printf(st->out, " v%d s%d m%d framing=%d cl=%llu flags=%#x "
	    "host=%d\n", h->version, h->status, h->method_id, h->framing,
	    (unsigned long long)h->content_length, h->flags, h->host);
	put_fields(st, false);
}

/* One call of the parser on the kept bytes; false to stop feeding. */
static bool
feed_once(struct run_state *st, const char *buf, size_t len, size_t *used)
{
	struct http_parser	*p = &st->p;
	size_t			 bound;
	enum http_event		 ev;

	ev = http_parse(p, buf, len, used);
	check(st, *used <= len, "used more than given");
	switch (ev) {
	case HTTP_MORE:
		bound = p->lim.head_max > p->lim.trailer_max ?
		    p->lim.head_max : p->lim.trailer_max;
		if (bound < p->lim.chunk_line_max + 2)
			bound = p->lim.chunk_line_max + 2;
		check(st, *used == 0 && len < bound, "stalled");
		return false;
	case HTTP_HEAD:
		flush_body(st);
		on_head(st, buf, *used);
		break;
	case HTTP_BODY:
		check(st, *used > 0, "empty body event");
		buf_add(&st->body, buf, *used);
		break;
	case HTTP_TRAILERS:
		check(st, *used > 0, "empty trailers");
		flush_body(st);
		check_fields(st, buf, *used);
		buf_puts(st->out, "T\n");
		put_fields(st, true);
		break;
	case HTTP_ERROR:
		flush_body(st);
		check(st, http_error(p) != HTTP_E_NONE, "error without code");
		buf_printf(st->out, "X %d %s\n", http_error_status(p),
		    http_error_str(http_error(p)));
		return false;
	}
	if (http_done(p)) {
		flush_body(st);
		buf_puts(st->out, "E\n");
	}
	return true;
}

/* Body bytes that arrive while none are kept go past the parser. */
static size_t
splice_piece(struct run_state *st, const char *in, size_t n)
{
	uint64_t	left = http_body_left(&st->p);
	size_t		k = left < n ? (size_t)left : n;

	if (k == 0)
		return 0;
	buf_add(&st->body, in, k);
	if (left != UINT64_MAX)
		http_body_skip(&st->p, k);
	if (http_done(&st->p)) {
		flush_body(st);
		buf_puts(st->out, "E\n");
	}
	return k;
}

static size_t
piece_end(const struct http_run *r, size_t pos, size_t len, size_t *cut)
{
	while (r->cuts != NULL && *cut < r->ncuts && r->cuts[*cut] <= pos)
		(*cut)++;
	if (r->cuts != NULL && *cut < r->ncuts && r->cuts[*cut] < len)
		return r->cuts[(*cut)++];
	if (r->cuts == NULL && r->piece > 0 && len - pos > r->piece)
		return pos + r->piece;
	return len;
}

static void
at_eof(struct run_state *st)
{
	bool	close_body = http_body_left(&st->p) == UINT64_MAX;

	flush_body(st);
	if (http_finish(&st->p) == -1) {
		buf_printf(st->out, "X %d %s\n", http_error_status(&st->p),
		    http_error_str(http_error(&st->p)));
		return;
	}
	if (close_body)
		buf_puts(st->out, "E\n");
	buf_puts(st->out, "EOF\n");
}

/* Feed every piece; returns false once the parser failed. */
static bool
feed(struct run_state *st, const char *in, size_t len, char *kept)
{
	size_t	pos = 0, have = 0, start, used, end, cut = 0;

	while (pos < len) {
		end = piece_end(st->r, pos, len, &cut);
		if (st->r->splice && have == 0)
			pos += splice_piece(st, in + pos, end - pos);
		memcpy(kept + have, in + pos, end - pos);
		have += end - pos;
		pos = end;
		start = 0;
		while (feed_once(st, kept + start, have - start, &used))
			start += used;
		if (http_error(&st->p) != HTTP_E_NONE || st->broken != NULL)
			return false;
		memmove(kept, kept + start, have - start);
		have -= start;
	}
	return true;
}

int
http_run(const struct http_run *r, const char *in, size_t len,
    struct buf *out)
{
	struct run_state	 st;
	struct http_field	*fields;
	char			*kept;

	memset(&st, 0, sizeof(st));
	st.r = r;
	st.out = out;
	buf_init(&st.body, SIZE_MAX / 2);
	http_parser_init(&st.p, r->kind, r->lim, NULL);
	http_parser_set_method(&st.p, r->method);
	fields = calloc(st.p.lim.fields_max, sizeof(*fields));
	kept = malloc(len + 1);
	if (fields == NULL || kept == NULL)
		abort();
	st.p.field = fields;
	if (feed(&st, in, len, kept) && r->eof)
		at_eof(&st);
	flush_body(&st);
	if (st.broken != NULL)
		buf_printf(out, "BROKEN %s\n", st.broken);
	buf_free(&st.body);
	free(kept);
	free(fields);
	return st.broken != NULL ? -1 : 0;
}

int
http_trace_messages(const char *trace)
{
	const char	*nl;
	int		 n = 0;

	for (; *trace != '\0'; trace = nl + 1) {
		if (strncmp(trace, "E\n", 2) == 0)
			n++;
		if ((nl = strchr(trace, '\n')) == NULL)
			break;
	}
	return n;
}

/* Limits small enough that random inputs reach each of them. */
static const struct http_limits	tiny_limits = {
	.start_line_max = 40,
	.field_line_max = 30,
	.head_max = 120,
	.fields_max = 4,
	.chunk_line_max = 12,
	.trailer_max = 40,
};

static const enum http_method	fuzz_methods[] = {
	HTTP_M_GET, HTTP_M_HEAD, HTTP_M_CONNECT,
};

/* Up to 16 cut points, a function of the bytes. */
static size_t
cuts_from(const uint8_t *data, size_t size, size_t *cuts)
{
	uint64_t	h = 1469598103934665603ULL;
	size_t		i, n = 0, pos = 0;

	for (i = 0; i < size; i++)
		h = (h ^ data[i]) * 1099511628211ULL;
	while (n < 16 && size > 1) {
		h ^= h >> 29;
		h *= 0xbf58476d1ce4e5b9ULL;
		pos += 1 + (h >> 33) % (size / 3 + 1);
		if (pos >= size)
			break;
		cuts[n++] = pos;
	}
	return n;
}

static int
compare_run(const struct http_run *r, const char *in, size_t len,
    const struct buf *want, const char *how, struct buf *why)
{
	struct buf	got;
	int		rc;

	buf_init(&got, SIZE_MAX / 2);
	rc = http_run(r, in, len, &got);
	if (rc == 0 && strcmp(buf_str(&got), buf_str(want)) != 0)
		rc = -1;
	if (rc == -1)
		buf_printf(why, "%s:\nwant:\n%sgot:\n%s", how, buf_str(want),
		    buf_str(&got));
	buf_free(&got);
	return rc;
}

int
http_check_all_ways(enum http_kind kind, const uint8_t *data, size_t size,
    struct buf *why)
{
	struct http_run	 r = { kind, HTTP_M_GET, NULL, NULL, 0, 0, false,
	    true };
	const char	*in = (const char *)data + 1;
	size_t		 len, cuts[16];
	struct buf	 want;
	int		 rc = -1;

	if (size == 0)
		return 0;
	len = size - 1;
	if (data[0] & 1)
		r.lim = &tiny_limits;
	if (kind == HTTP_RESPONSE)
		r.method = fuzz_methods[(data[0] >> 1) % 3];
	buf_init(&want, SIZE_MAX / 2);
	if (http_run(&r, in, len, &want) == -1) {
		buf_printf(why, "whole:\n%s", buf_str(&want));
		goto out;
	}
	r.piece = 1;
	if (compare_run(&r, in, len, &want, "byte by byte", why) == -1)
		goto out;
	r.piece = 0;
	r.cuts = cuts;
	r.ncuts = cuts_from(data, size, cuts);
	r.splice = true;
	if (compare_run(&r, in, len, &want, "cut and spliced", why) == -1)
		goto out;
	rc = 0;
out:
	buf_free(&want);
	return rc;
}
