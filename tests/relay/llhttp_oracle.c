/*
 * llhttp as an oracle (see llhttp_oracle.h).  It is fed one byte at a
 * time, so the offset where each message ends is known exactly.  Its
 * lenient modes stay off, except keep-alive: whether a connection may
 * carry another message is relay policy, not parsing.
 */
#include <string.h>

#include <llhttp.h>

#include "tests/relay/llhttp_oracle.h"

struct oracle {
	llhttp_t		 p;
	llhttp_settings_t	 s;
	bool			 head_request;
	size_t			 pos;		/* bytes fed, this one too */
	bool			 in_head;
	struct buf		 start, fields, field, value, body, trailers;
	struct buf		*out;
};

void
oracle_escape(struct buf *b, const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\' && s[i] != '|')
			buf_add(b, s + i, 1);
		else
			buf_printf(b, "\\x%02x", (unsigned char)s[i]);
	}
}

static struct oracle *
of(llhttp_t *p)
{
	return p->data;
}

static int
on_begin(llhttp_t *p)
{
	struct oracle	*o = of(p);

	buf_reset(&o->start);
	buf_reset(&o->fields);
	buf_reset(&o->field);
	buf_reset(&o->value);
	buf_reset(&o->body);
	buf_reset(&o->trailers);
	o->in_head = true;
	return 0;
}

/* Spans come in pieces (one byte at a time here): gather them. */
static int
on_start_span(llhttp_t *p, const char *at, size_t n)
{
	buf_add(&of(p)->start, at, n);
	return 0;
}

static int
on_field(llhttp_t *p, const char *at, size_t n)
{
	buf_add(&of(p)->field, at, n);
	return 0;
}

static int
on_value(llhttp_t *p, const char *at, size_t n)
{
	buf_add(&of(p)->value, at, n);
	return 0;
}

/* A field is complete: "name: value" with the value's OWS trimmed. */
static int
on_value_done(llhttp_t *p)
{
	struct oracle	*o = of(p);
	struct buf	*to = o->in_head ? &o->fields : &o->trailers;
	const char	*v = o->value.data != NULL ? o->value.data : "";
	size_t		 n = o->value.len;

	while (n > 0 && (*v == ' ' || *v == '\t'))
		v++, n--;
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	oracle_escape(to, buf_str(&o->field), o->field.len);
	buf_puts(to, ": ");
	oracle_escape(to, v, n);
	buf_puts(to, "; ");
	buf_reset(&o->field);
	buf_reset(&o->value);
	return 0;
}

static int
on_headers_done(llhttp_t *p)
{
	struct oracle	*o = of(p);
	int		 v = p->http_major == 1 && p->http_minor == 0 ? 10 : 11;
	struct buf	 line;

	buf_init(&line, 1 << 20);
	if (p->type == HTTP_REQUEST)
		buf_printf(&line, "%s %s v%d",
		    llhttp_method_name(p->method), buf_str(&o->start), v);
	else
		buf_printf(&line, "%d %s v%d", p->status_code,
		    buf_str(&o->start), v);
	buf_reset(&o->start);
	oracle_escape(&o->start, line.data, line.len);
	buf_free(&line);
	o->in_head = false;
	/* No body, as RFC 9112 6.3 says and Node's client tells llhttp. */
	if (p->type == HTTP_RESPONSE && (o->head_request ||
	    p->status_code / 100 == 1 || p->status_code == 304))
		return 1;
	return 0;
}

static int
on_body(llhttp_t *p, const char *at, size_t n)
{
	buf_add(&of(p)->body, at, n);
	return 0;
}

static int
on_complete(llhttp_t *p)
{
	struct oracle	*o = of(p);

	buf_printf(o->out, "%s | %s| body=", buf_str(&o->start),
	    buf_str(&o->fields));
	oracle_escape(o->out, buf_str(&o->body), o->body.len);
	buf_printf(o->out, " | %s| end=%zu\n", buf_str(&o->trailers),
	    o->pos);
	return 0;
}

static void
verdict(struct oracle *o, llhttp_errno_t e)
{
	if (e == HPE_OK)
		buf_puts(o->out, "OK\n");
	else if (e == HPE_PAUSED_UPGRADE)
		buf_puts(o->out, "TUNNEL\n");
	else
		buf_printf(o->out, "ERROR %s %s\n", llhttp_errno_name(e),
		    llhttp_get_error_reason(&o->p));
}

void
oracle_run(bool request, bool head_request, const char *in, size_t len,
    struct buf *out)
{
	struct oracle	 o;
	struct buf	*bufs[] = { &o.start, &o.fields, &o.field, &o.value,
	    &o.body, &o.trailers };
	llhttp_errno_t	 e = HPE_OK;
	size_t		 i;

	memset(&o, 0, sizeof(o));
	for (i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
		buf_init(bufs[i], 1 << 24);
	o.out = out;
	o.head_request = head_request;
	llhttp_settings_init(&o.s);
	o.s.on_message_begin = on_begin;
	o.s.on_url = on_start_span;
	o.s.on_status = on_start_span;
	o.s.on_header_field = on_field;
	o.s.on_header_value = on_value;
	o.s.on_header_value_complete = on_value_done;
	o.s.on_headers_complete = on_headers_done;
	o.s.on_body = on_body;
	o.s.on_message_complete = on_complete;
	llhttp_init(&o.p, request ? HTTP_REQUEST : HTTP_RESPONSE, &o.s);
	llhttp_set_lenient_keep_alive(&o.p, 1);
	o.p.data = &o;
	for (i = 0; i < len && e == HPE_OK; i++) {
		o.pos = i + 1;
		e = llhttp_execute(&o.p, in + i, 1);
	}
	if (e == HPE_OK)
		e = llhttp_finish(&o.p);
	verdict(&o, e);
	for (i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
		buf_free(bufs[i]);
}
