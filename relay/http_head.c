/*
 * The entry point and the head of a message: the unit scanner, the start
 * lines and the field lines.  See http_parser.h.
 */
#include <string.h>

#include "relay/http_priv.h"

static const struct {
	const char	*name;
	uint8_t		 len;
	uint8_t		 id;
} methods[] = {
	{ "GET", 3, HTTP_M_GET },
	{ "HEAD", 4, HTTP_M_HEAD },
	{ "POST", 4, HTTP_M_POST },
	{ "PUT", 3, HTTP_M_PUT },
	{ "DELETE", 6, HTTP_M_DELETE },
	{ "CONNECT", 7, HTTP_M_CONNECT },
	{ "OPTIONS", 7, HTTP_M_OPTIONS },
	{ "TRACE", 5, HTTP_M_TRACE },
	{ "PATCH", 5, HTTP_M_PATCH },
};

void
http_limits_default(struct http_limits *lim)
{
	lim->start_line_max = HTTP_START_LINE_MAX;
	lim->field_line_max = HTTP_FIELD_LINE_MAX;
	lim->head_max = HTTP_HEAD_MAX;
	lim->fields_max = HTTP_FIELDS_MAX;
	lim->chunk_line_max = HTTP_CHUNK_LINE_MAX;
	lim->trailer_max = HTTP_TRAILER_MAX;
}

/* Zero takes the default; offsets and counts must fit their fields. */
static uint32_t
bound(uint32_t v, uint32_t def, uint32_t max)
{
	if (v == 0)
		return def;
	return v < max ? v : max;
}

static void
limits_fill(struct http_limits *lim, const struct http_limits *from)
{
	struct http_limits	d;

	http_limits_default(&d);
	if (from == NULL)
		from = &d;
	lim->start_line_max = bound(from->start_line_max, d.start_line_max,
	    INT32_MAX);
	lim->field_line_max = bound(from->field_line_max, d.field_line_max,
	    UINT16_MAX);
	lim->head_max = bound(from->head_max, d.head_max, INT32_MAX);
	lim->fields_max = bound(from->fields_max, d.fields_max, UINT16_MAX);
	lim->chunk_line_max = bound(from->chunk_line_max, d.chunk_line_max,
	    INT32_MAX);
	lim->trailer_max = bound(from->trailer_max, d.trailer_max,
	    INT32_MAX);
}

/* Forget the previous message; keep the connection's settings. */
static void
message_reset(struct http_parser *p)
{
	memset(&p->head, 0, sizeof(p->head));
	p->head.host = -1;
	p->head.version = 11;
	p->nfields = 0;
	p->fields_base = NULL;
	p->state = S_START;
	p->error = HTTP_E_NONE;
	p->scan = p->line = 0;
	p->body_left = 0;
	p->te_seen = p->te_chunked = p->te_last_chunked = 0;
	p->te_unknown = p->cl_seen = 0;
}

void
http_parser_init(struct http_parser *p, enum http_kind kind,
    const struct http_limits *lim, struct http_field *fields)
{
	memset(p, 0, sizeof(*p));
	limits_fill(&p->lim, lim);
	p->kind = kind;
	p->field = fields;
	p->req_method = HTTP_M_GET;
	message_reset(p);
}

void
http_parser_set_method(struct http_parser *p, enum http_method m)
{
	p->req_method = m;
}

enum http_event
http_fail(struct http_parser *p, enum http_error e)
{
	p->state = S_ERROR;
	p->error = e;
	return HTTP_ERROR;
}

enum http_error
http_char_error(char c, enum http_error e)
{
	if (c == '\r')
		return HTTP_E_BARE_CR;
	if (c == '\0')
		return HTTP_E_NUL;
	return e;
}

int
http_line(struct http_parser *p, const char *buf, size_t len,
    const struct http_bound *b, uint32_t *start, uint32_t *n)
{
	size_t		 line_stop, stop, end;
	const char	*lf;

	/* The LF must come before both: the earlier bound decides. */
	line_stop = (size_t)p->line + b->line_max + 2;
	stop = line_stop < b->unit_max ? line_stop : b->unit_max;
	end = len < stop ? len : stop;
	if (p->scan >= end ||
	    (lf = memchr(buf + p->scan, '\n', end - p->scan)) == NULL) {
		if (end > p->scan)
			p->scan = end;
		if (len < stop)
			return 0;
		return http_fail(p, line_stop <= b->unit_max ? b->line_err :
		    b->unit_err);
	}
	*start = p->line;
	p->line = p->scan = lf + 1 - buf;
	if (lf == buf + *start || lf[-1] != '\r')
		return http_fail(p, HTTP_E_BARE_LF);
	*n = lf - 1 - (buf + *start);
	return 1;
}

/*
 * "HTTP/" DIGIT "." DIGIT, and only 1.0 or 1.1: a 1.2 would be read as
 * 1.1 (RFC 9110 2.5) by some and refused by others.
 */
static int
version(struct http_parser *p, const char *v)
{
	if (memcmp(v, "HTTP/", 5) != 0 || v[5] < '0' || v[5] > '9' ||
	    v[6] != '.' || v[7] < '0' || v[7] > '9')
		return http_fail(p, HTTP_E_VERSION);
	if (v[5] != '1' || v[7] > '1')
		return http_fail(p, HTTP_E_VERSION_UNSUPPORTED);
	p->head.version = v[7] == '0' ? 10 : 11;
	return 0;
}

static uint8_t
method_id(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (methods[i].len == n && memcmp(methods[i].name, s, n) == 0)
			return methods[i].id;
	return HTTP_M_OTHER;
}

/* origin-form, asterisk-form, authority-form (CONNECT), absolute-form. */
static int
target_form(struct http_parser *p, const char *t, size_t n)
{
	struct http_slice	scheme, auth;
	int			m = p->head.method_id;

	if (m == HTTP_M_CONNECT)
		return http_host_valid(t, n, true) ? 0 :
		    http_fail(p, HTTP_E_TARGET);
	if (t[0] == '/')
		return 0;
	if (n == 1 && t[0] == '*')
		return m == HTTP_M_OPTIONS ? 0 : http_fail(p, HTTP_E_TARGET);
	if (!http_absolute_form(t, n, &scheme, &auth))
		return http_fail(p, HTTP_E_TARGET);
	p->head.flags |= HTTP_TARGET_ABSOLUTE;
	return 0;
}

/* method SP request-target SP HTTP-version, exactly. */
static int
request_line(struct http_parser *p, const char *base, uint32_t off,
    uint32_t n)
{
	const char	*s = base + off;
	uint32_t	 i, t;

	if (memchr(s, '\r', n) != NULL)
		return http_fail(p, HTTP_E_BARE_CR);
	i = http_run(s, 0, n, C_TOKEN);
	if (i == 0 || i == n || s[i] != ' ')
		return http_fail(p, http_char_error(i < n ? s[i] : ' ',
		    HTTP_E_METHOD));
	p->head.method = (struct http_span){ off, i };
	p->head.method_id = method_id(s, i);
	if (n < i + 10 || s[n - 9] != ' ')
		return http_fail(p, HTTP_E_VERSION);
	if (version(p, s + n - 8) == -1)
		return -1;
	t = http_scan(s, i + 1, n - 9, C_TARGET, 0x21);
	if (t == i + 1 || t < n - 9)
		return http_fail(p, http_char_error(s[t], HTTP_E_TARGET));
	p->head.target = (struct http_span){ off + i + 1, t - i - 1 };
	return target_form(p, s + i + 1, t - i - 1);
}

/* HTTP-version SP 3DIGIT [SP reason-phrase]: the SP is often missing. */
static int
status_line(struct http_parser *p, const char *base, uint32_t off,
    uint32_t n)
{
	const char	*s = base + off;
	uint32_t	 i;

	if (memchr(s, '\r', n) != NULL)
		return http_fail(p, HTTP_E_BARE_CR);
	if (n < 8)
		return http_fail(p, HTTP_E_VERSION);
	if (version(p, s) == -1)
		return -1;
	if (n < 12 || s[8] != ' ' || s[9] < '1' || s[9] > '9' ||
	    s[10] < '0' || s[10] > '9' || s[11] < '0' || s[11] > '9' ||
	    (n > 12 && s[12] != ' '))
		return http_fail(p, HTTP_E_STATUS);
	p->head.status = (s[9] - '0') * 100 + (s[10] - '0') * 10 +
	    (s[11] - '0');
	for (i = 13; i < n && http_is(s[i], C_VALUE); i++)
		;
	if (i < n)
		return http_fail(p, http_char_error(s[i], HTTP_E_STATUS));
	p->head.reason = n > 12 ? (struct http_span){ off + 13, n - 13 } :
	    (struct http_span){ off + 12, 0 };
	return 0;
}

/* Empty lines before a request line are skipped (RFC 9112 2.2). */
static int
start_line(struct http_parser *p, const char *base, uint32_t off,
    uint32_t n)
{
	if (p->kind == HTTP_REQUEST) {
		if (n == 0)
			return 0;
		if (request_line(p, base, off, n) == -1)
			return -1;
	} else if (status_line(p, base, off, n) == -1)
		return -1;
	p->state = S_FIELDS;
	return 0;
}

int
http_field_line(struct http_parser *p, const char *base, uint32_t off,
    uint32_t n, bool trailer)
{
	const char		*s = base + off;
	struct http_field	*f;
	uint32_t		 i, v, e;
	bool			 tab;

	if (s[0] == ' ' || s[0] == '\t')
		return http_fail(p, p->nfields == 0 && !trailer ?
		    HTTP_E_SPACE_AFTER_START_LINE : HTTP_E_OBS_FOLD);
	i = http_run(s, 0, n, C_TOKEN);
	if (i < n && (s[i] == ' ' || s[i] == '\t'))
		return http_fail(p, HTTP_E_SPACE_BEFORE_COLON);
	if (i == 0 || i == n || s[i] != ':')
		return http_fail(p, http_char_error(i < n ? s[i] : ':',
		    HTTP_E_FIELD_NAME));
	for (v = i + 1, tab = false; v < n && (s[v] == ' ' || s[v] == '\t');
	    v++)
		tab |= s[v] == '\t';
	e = http_scan(s, v, n, C_VALUE, 0x20);
	if (e < n)
		return http_fail(p, http_char_error(s[e], HTTP_E_FIELD_VALUE));
	for (; e > v && (s[e - 1] == ' ' || s[e - 1] == '\t'); e--)
		tab |= s[e - 1] == '\t';
	if (p->nfields == p->lim.fields_max)
		return http_fail(p, HTTP_E_TOO_MANY_FIELDS);
	f = &p->field[p->nfields++];
	f->name = off;
	f->name_len = i;
	f->value = off + v;
	f->value_len = e - v;
	f->kind = http_kind_of(s, i);
	return trailer ? 0 : http_field_meaning(p, base, f, tab);
}

/* The head's unit: lines until the empty one, within head_max. */
static enum http_event
parse_head(struct http_parser *p, const char *buf, size_t len,
    size_t *used)
{
	struct http_bound	first = { p->lim.start_line_max,
	    p->lim.head_max, HTTP_E_START_LINE_TOO_LONG,
	    HTTP_E_HEAD_TOO_LARGE };
	struct http_bound	field = { p->lim.field_line_max,
	    p->lim.head_max, HTTP_E_FIELD_LINE_TOO_LONG,
	    HTTP_E_HEAD_TOO_LARGE };
	uint32_t		start, n;
	int			r;

	for (;;) {
		r = http_line(p, buf, len, p->state == S_START ? &first :
		    &field, &start, &n);
		if (r <= 0)
			return r == 0 ? HTTP_MORE : HTTP_ERROR;
		if (p->state == S_START) {
			if (start_line(p, buf, start, n) == -1)
				return HTTP_ERROR;
		} else if (n == 0)
			break;
		else if (http_field_line(p, buf, start, n, false) == -1)
			return HTTP_ERROR;
	}
	p->head.base = p->fields_base = buf;
	p->head.len = p->line;
	p->scan = p->line = 0;
	if (http_head_finish(p) == -1)
		return HTTP_ERROR;
	*used = p->head.len;
	return HTTP_HEAD;
}

enum http_event
http_parse(struct http_parser *p, const char *buf, size_t len,
    size_t *used)
{
	*used = 0;
	if (p->state == S_DONE) {
		/* The ended message stays readable until the next starts. */
		if (len == 0)
			return HTTP_MORE;
		message_reset(p);
	}
	switch (p->state) {
	case S_START:
	case S_FIELDS:
		return parse_head(p, buf, len, used);
	case S_ERROR:
		return HTTP_ERROR;
	case S_TRAILERS:
		return http_parse_trailers(p, buf, len, used);
	default:
		return http_parse_body(p, buf, len, used);
	}
}
