/*
 * What the fields of a head mean for framing and routing, the rules
 * across fields, and the framing they give (RFC 9112 6.3).
 */
#include <string.h>

#include "relay/http_priv.h"

/* Transfer codings a request may name besides chunked (RFC 9112 7). */
static const char *const known_codings[] = {
	"gzip", "x-gzip", "deflate", "compress", "x-compress",
};

/* By length, then by the first letter where two names share one. */
enum http_field_kind
http_kind_of(const char *name, size_t len)
{
	const char		*known;
	enum http_field_kind	 kind;
	bool			 c = http_lower(name[0]) == 'c';
	bool			 t = http_lower(name[0]) == 't';

	switch (len) {
	case 2:
		known = "te", kind = HTTP_F_TE;
		break;
	case 4:
		known = "host", kind = HTTP_F_HOST;
		break;
	case 6:
		known = "expect", kind = HTTP_F_EXPECT;
		break;
	case 7:
		known = t ? "trailer" : "upgrade";
		kind = t ? HTTP_F_TRAILER : HTTP_F_UPGRADE;
		break;
	case 10:
		known = c ? "connection" : "keep-alive";
		kind = c ? HTTP_F_CONNECTION : HTTP_F_KEEP_ALIVE;
		break;
	case 14:
		known = "content-length", kind = HTTP_F_CONTENT_LENGTH;
		break;
	case 16:
		known = "proxy-connection", kind = HTTP_F_PROXY_CONNECTION;
		break;
	case 17:
		known = "transfer-encoding", kind = HTTP_F_TRANSFER_ENCODING;
		break;
	default:
		return HTTP_F_OTHER;
	}
	return http_is_name(name, len, known, len) ? kind : HTTP_F_OTHER;
}

static bool
is_token(struct http_slice s)
{
	return s.len > 0 && http_run(s.p, 0, s.len, C_TOKEN) == s.len;
}

static bool
slice_is(struct http_slice s, const char *lower)
{
	return http_is_name(s.p, s.len, lower, strlen(lower));
}

/* 1*DIGIT, overflow checked; identical repeats fold into one. */
static int
content_length(struct http_parser *p, struct http_slice v)
{
	uint64_t	n = 0;
	unsigned	d;
	size_t		i;

	if (v.len == 0)
		return http_fail(p, HTTP_E_CONTENT_LENGTH);
	for (i = 0; i < v.len; i++) {
		if (v.p[i] < '0' || v.p[i] > '9')
			return http_fail(p, HTTP_E_CONTENT_LENGTH);
		d = v.p[i] - '0';
		if (n > (UINT64_MAX - d) / 10)
			return http_fail(p, HTTP_E_CONTENT_LENGTH);
		n = n * 10 + d;
	}
	if (p->cl_seen) {
		if (n != p->head.content_length)
			return http_fail(p, HTTP_E_CONTENT_LENGTH_DIFFERS);
		p->head.flags |= HTTP_CL_FOLDED;
	}
	p->cl_seen = 1;
	p->head.content_length = n;
	return 0;
}

static bool
coding_known(struct http_slice c)
{
	size_t	i;

	for (i = 0; i < sizeof(known_codings) / sizeof(known_codings[0]); i++)
		if (slice_is(c, known_codings[i]))
			return true;
	return false;
}

/* The list element of s[0, n) up to its comma, without spaces. */
static struct http_slice
element(const char *s, size_t n)
{
	const char	*e = memchr(s, ',', n);

	if (e == NULL)
		e = s + n;
	while (s < e && *s == ' ')
		s++;
	while (e > s && e[-1] == ' ')
		e--;
	return (struct http_slice){ s, e - s };
}

/*
 * One field only, a list of plain codings: no parameters, no empty
 * elements, no tabs (each a way for two parsers to read it differently).
 */
static int
transfer_encoding(struct http_parser *p, struct http_slice v)
{
	struct http_slice	c;
	const char		*end = v.p + v.len, *s = v.p;

	if (p->te_seen)
		return http_fail(p, HTTP_E_TE_REPEATED);
	p->te_seen = 1;
	for (;;) {
		c = element(s, end - s);
		if (!is_token(c))
			return http_fail(p, HTTP_E_TE_SYNTAX);
		p->te_last_chunked = slice_is(c, "chunked");
		if (p->te_last_chunked) {
			if (p->te_chunked < 2)
				p->te_chunked++;
		} else if (!coding_known(c))
			p->te_unknown = 1;
		if ((s = memchr(s, ',', end - s)) == NULL)
			return 0;
		s++;
	}
}

static int
connection(struct http_parser *p, struct http_slice v)
{
	struct http_slice	t;

	while (http_list_next(&v, &t)) {
		if (!is_token(t))
			return http_fail(p, HTTP_E_CONNECTION);
		if (slice_is(t, "close"))
			p->head.flags |= HTTP_CONN_CLOSE;
		else if (slice_is(t, "keep-alive"))
			p->head.flags |= HTTP_CONN_KEEP_ALIVE;
		else if (slice_is(t, "upgrade"))
			p->head.flags |= HTTP_CONN_UPGRADE;
	}
	return 0;
}

int
http_field_meaning(struct http_parser *p, const char *base,
    const struct http_field *f, bool tab_ows)
{
	struct http_slice	v = { base + f->value, f->value_len };
	bool			req = p->kind == HTTP_REQUEST;

	/* HTAB around a framing value: a classic way to desync parsers. */
	if (tab_ows && f->kind == HTTP_F_CONTENT_LENGTH)
		return http_fail(p, HTTP_E_CONTENT_LENGTH);
	if (tab_ows && f->kind == HTTP_F_TRANSFER_ENCODING)
		return http_fail(p, HTTP_E_TE_SYNTAX);
	if (tab_ows && f->kind == HTTP_F_CONNECTION)
		return http_fail(p, HTTP_E_CONNECTION);
	switch (f->kind) {
	case HTTP_F_CONTENT_LENGTH:
		return content_length(p, v);
	case HTTP_F_TRANSFER_ENCODING:
		return transfer_encoding(p, v);
	case HTTP_F_CONNECTION:
		return connection(p, v);
	case HTTP_F_UPGRADE:
		if (v.len > 0)
			p->head.flags |= HTTP_UPGRADE;
		return 0;
	case HTTP_F_HOST:
		if (!req)
			return 0;
		if (p->head.host >= 0)
			return http_fail(p, HTTP_E_HOST_REPEATED);
		if (!http_host_valid(v.p, v.len, false))
			return http_fail(p, HTTP_E_HOST_INVALID);
		p->head.host = f - p->field;
		return 0;
	case HTTP_F_EXPECT:
		if (req)
			p->head.flags |= slice_is(v, "100-continue") ?
			    HTTP_EXPECT_CONTINUE : HTTP_EXPECT_OTHER;
		return 0;
	default:
		return 0;
	}
}

/* Transfer-Encoding against the version and Content-Length. */
static int
te_rules(struct http_parser *p)
{
	bool	req = p->kind == HTTP_REQUEST;

	if (!p->te_seen)
		return 0;
	if (p->head.version == 10)
		return http_fail(p, HTTP_E_TE_HTTP10);
	if (p->cl_seen)
		return http_fail(p, HTTP_E_CONTENT_LENGTH_WITH_TE);
	if (p->te_chunked > 1 || (req && !p->te_last_chunked))
		return http_fail(p, HTTP_E_TE_NOT_CHUNKED);
	if (req && p->te_unknown)
		return http_fail(p, HTTP_E_TE_UNKNOWN);
	return 0;
}

static int
host_rules(struct http_parser *p)
{
	struct http_slice	scheme, auth, host, t = http_target(p);

	if (p->head.host < 0)
		return p->head.version == 11 ?
		    http_fail(p, HTTP_E_HOST_MISSING) : 0;
	if ((p->head.flags & HTTP_TARGET_ABSOLUTE) == 0)
		return 0;
	host = http_field_value(p, p->head.host);
	if (!http_absolute_form(t.p, t.len, &scheme, &auth) ||
	    !http_authority_same(scheme, auth, host))
		return http_fail(p, HTTP_E_HOST_MISMATCH);
	return 0;
}

static int
request_framing(struct http_parser *p)
{
	int	m = p->head.method_id;

	if (host_rules(p) == -1 || te_rules(p) == -1)
		return -1;
	if (p->te_seen)
		p->head.framing = HTTP_BODY_CHUNKED;
	else if (p->head.content_length > 0)
		p->head.framing = HTTP_BODY_LENGTH;
	if (p->head.version == 10 && p->head.framing != HTTP_BODY_NONE &&
	    (m == HTTP_M_GET || m == HTTP_M_HEAD || m == HTTP_M_DELETE))
		return http_fail(p, HTTP_E_BODY_NOT_ALLOWED);
	return 0;
}

static int
response_framing(struct http_parser *p)
{
	uint16_t	st = p->head.status;
	uint8_t		fr;

	if (te_rules(p) == -1)
		return -1;
	/* Forbidden (RFC 9112 6.1, RFC 9110 8.6); parsers frame it apart. */
	if ((st < 200 || st == 204) && (p->te_seen ||
	    p->head.content_length > 0))
		return http_fail(p, HTTP_E_LENGTH_NOT_ALLOWED);
	if (st == 101 && (p->head.flags & (HTTP_UPGRADE |
	    HTTP_CONN_UPGRADE)) != (HTTP_UPGRADE | HTTP_CONN_UPGRADE))
		return http_fail(p, HTTP_E_NO_UPGRADE);
	if (st == 101 || (p->req_method == HTTP_M_CONNECT && st / 100 == 2))
		fr = HTTP_BODY_TUNNEL;
	else if (st < 200 || st == 204 || st == 304 ||
	    p->req_method == HTTP_M_HEAD)
		fr = HTTP_BODY_NONE;
	else if (p->te_seen)
		fr = p->te_last_chunked ? HTTP_BODY_CHUNKED : HTTP_BODY_CLOSE;
	else if (p->cl_seen)
		fr = p->head.content_length > 0 ? HTTP_BODY_LENGTH :
		    HTTP_BODY_NONE;
	else
		fr = HTTP_BODY_CLOSE;
	p->head.framing = fr;
	return 0;
}

int
http_head_finish(struct http_parser *p)
{
	if ((p->kind == HTTP_REQUEST ? request_framing(p) :
	    response_framing(p)) == -1)
		return -1;
	switch (p->head.framing) {
	case HTTP_BODY_LENGTH:
		p->body_left = p->head.content_length;
		p->state = S_BODY_LENGTH;
		break;
	case HTTP_BODY_CHUNKED:
		p->state = S_CHUNK_LINE;
		break;
	case HTTP_BODY_CLOSE:
	case HTTP_BODY_TUNNEL:	/* not HTTP any more: bytes until the close */
		p->state = S_BODY_CLOSE;
		break;
	default:
		p->state = S_DONE;
		break;
	}
	return 0;
}
