/*
 * What the relay reads from a parsed head: the start line and the fields
 * as slices, lookups by name, lists, and the errors with their status.
 */
#include <string.h>

#include "relay/http_priv.h"

static const struct {
	const char	*str;
	short		 status;	/* for a request */
} errors[HTTP_E_COUNT] = {
	[HTTP_E_NONE] = { "no error", 0 },
	[HTTP_E_START_LINE_TOO_LONG] = { "start line too long", 414 },
	[HTTP_E_FIELD_LINE_TOO_LONG] = { "field line too long", 431 },
	[HTTP_E_HEAD_TOO_LARGE] = { "header section too large", 431 },
	[HTTP_E_TOO_MANY_FIELDS] = { "too many fields", 431 },
	[HTTP_E_TRAILER_TOO_LARGE] = { "trailer section too large", 431 },
	[HTTP_E_BARE_CR] = { "CR not followed by LF", 400 },
	[HTTP_E_BARE_LF] = { "LF not preceded by CR", 400 },
	[HTTP_E_NUL] = { "NUL byte", 400 },
	[HTTP_E_METHOD] = { "invalid method", 400 },
	[HTTP_E_TARGET] = { "invalid request target", 400 },
	[HTTP_E_VERSION] = { "invalid HTTP version", 400 },
	[HTTP_E_VERSION_UNSUPPORTED] = { "HTTP version not supported", 505 },
	[HTTP_E_STATUS] = { "invalid status line", 400 },
	[HTTP_E_NO_UPGRADE] =
	    { "101 without Upgrade and Connection: upgrade", 400 },
	[HTTP_E_LENGTH_NOT_ALLOWED] =
	    { "1xx or 204 with a length or Transfer-Encoding", 400 },
	[HTTP_E_SPACE_AFTER_START_LINE] =
	    { "whitespace after the start line", 400 },
	[HTTP_E_OBS_FOLD] = { "folded field line (obs-fold)", 400 },
	[HTTP_E_FIELD_NAME] = { "invalid field name", 400 },
	[HTTP_E_SPACE_BEFORE_COLON] =
	    { "whitespace between field name and colon", 400 },
	[HTTP_E_FIELD_VALUE] = { "invalid character in field value", 400 },
	[HTTP_E_CONTENT_LENGTH] = { "invalid Content-Length", 400 },
	[HTTP_E_CONTENT_LENGTH_DIFFERS] =
	    { "differing Content-Length values", 400 },
	[HTTP_E_CONTENT_LENGTH_WITH_TE] =
	    { "Content-Length with Transfer-Encoding", 400 },
	[HTTP_E_TE_REPEATED] = { "several Transfer-Encoding fields", 400 },
	[HTTP_E_TE_HTTP10] = { "Transfer-Encoding in HTTP/1.0", 400 },
	[HTTP_E_TE_SYNTAX] = { "invalid Transfer-Encoding", 400 },
	[HTTP_E_TE_NOT_CHUNKED] =
	    { "chunked is not the last transfer coding, or repeated", 400 },
	[HTTP_E_TE_UNKNOWN] = { "unknown transfer coding", 501 },
	[HTTP_E_HOST_MISSING] = { "no Host in an HTTP/1.1 request", 400 },
	[HTTP_E_HOST_REPEATED] = { "several Host fields", 400 },
	[HTTP_E_HOST_INVALID] = { "invalid Host", 400 },
	[HTTP_E_HOST_MISMATCH] =
	    { "Host differs from the target's authority", 400 },
	[HTTP_E_CONNECTION] = { "invalid Connection", 400 },
	[HTTP_E_BODY_NOT_ALLOWED] =
	    { "HTTP/1.0 GET, HEAD or DELETE with a body", 400 },
	[HTTP_E_CHUNK_SIZE] = { "invalid chunk size", 400 },
	[HTTP_E_CHUNK_EXT] = { "invalid chunk extension", 400 },
	[HTTP_E_CHUNK_LINE_TOO_LONG] = { "chunk-size line too long", 400 },
	[HTTP_E_CHUNK_CRLF] = { "no CRLF after chunk data", 400 },
	[HTTP_E_TRUNCATED] = { "connection closed inside a message", 400 },
};

const char *
http_error_str(enum http_error e)
{
	return e < HTTP_E_COUNT ? errors[e].str : "unknown error";
}

int
http_error_request_status(enum http_error e)
{
	return e < HTTP_E_COUNT ? errors[e].status : 400;
}

enum http_error
http_error(const struct http_parser *p)
{
	return p->error;
}

int
http_error_status(const struct http_parser *p)
{
	if (p->error == HTTP_E_NONE)
		return 0;
	return p->kind == HTTP_RESPONSE ? 502 :
	    http_error_request_status(p->error);
}

bool
http_done(const struct http_parser *p)
{
	return p->state == S_DONE;
}

static struct http_slice
head_slice(const struct http_parser *p, struct http_span s)
{
	return (struct http_slice){ p->head.base + s.off, s.len };
}

struct http_slice
http_method(const struct http_parser *p)
{
	return head_slice(p, p->head.method);
}

struct http_slice
http_target(const struct http_parser *p)
{
	return head_slice(p, p->head.target);
}

struct http_slice
http_reason(const struct http_parser *p)
{
	return head_slice(p, p->head.reason);
}

size_t
http_nfields(const struct http_parser *p)
{
	return p->nfields;
}

struct http_slice
http_field_name(const struct http_parser *p, size_t i)
{
	const struct http_field	*f = &p->field[i];

	return (struct http_slice){ p->fields_base + f->name, f->name_len };
}

struct http_slice
http_field_value(const struct http_parser *p, size_t i)
{
	const struct http_field	*f = &p->field[i];

	return (struct http_slice){ p->fields_base + f->value, f->value_len };
}

enum http_field_kind
http_field_kind(const struct http_parser *p, size_t i)
{
	return p->field[i].kind;
}

int
http_field_find(const struct http_parser *p, const char *name, size_t from)
{
	size_t			len = strlen(name);
	struct http_slice	n;

	for (; from < p->nfields; from++) {
		n = http_field_name(p, from);
		if (http_name_eq(n.p, n.len, name, len))
			return (int)from;
	}
	return -1;
}

bool
http_connection_lists(const struct http_parser *p, struct http_slice name)
{
	struct http_slice	list, t;
	size_t			i;

	for (i = 0; i < p->nfields; i++) {
		if (p->field[i].kind != HTTP_F_CONNECTION)
			continue;
		list = http_field_value(p, i);
		while (http_list_next(&list, &t))
			if (http_name_eq(t.p, t.len, name.p, name.len))
				return true;
	}
	return false;
}

/* Every field the parser knows frames, routes or controls the hop. */
bool
http_trailer_forbidden(enum http_field_kind k)
{
	return k != HTTP_F_OTHER;
}

bool
http_list_next(struct http_slice *list, struct http_slice *elem)
{
	const char	*s = list->p, *end = s + list->len, *e, *next;

	while (s < end && (*s == ' ' || *s == '\t' || *s == ','))
		s++;
	if (s == end) {
		*list = (struct http_slice){ end, 0 };
		return false;
	}
	if ((e = memchr(s, ',', end - s)) == NULL)
		e = end;
	next = e < end ? e + 1 : end;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*elem = (struct http_slice){ s, e - s };
	*list = (struct http_slice){ next, end - next };
	return true;
}

bool
http_name_eq(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t	i;

	if (alen != blen)
		return false;
	for (i = 0; i < alen; i++)
		if (a[i] != b[i] && http_lower(a[i]) != http_lower(b[i]))
			return false;
	return true;
}
