/*
 * A host's answer on its way to the client: interim (1xx) heads passed
 * on, a final head rewritten (hop-by-hop fields out, the response
 * actions, this hop's Connection and Via in, HTTP/1.1 as our version),
 * the body as it comes; a 101 to an upgrade the client asked for turns
 * the session into a tunnel once the head is out.
 */
#include <string.h>

#include "relay/http_relay.h"

/* HTTP/1.1 SP status SP reason, then the fields, into sout. */
static int
write_head(struct session *s, struct http_xchg *x, struct http_work *w)
{
	struct http_slice	 r = http_reason(&x->res);
	char			*line;
	size_t			 n = 13 + r.len;

	if ((line = work_str(w, n)) == NULL ||
	    hbuf_take(s->eng->http, &x->sout, x->proto->outbuf, true) == -1)
		return -1;
	memcpy(line, "HTTP/1.1 ", 9);
	line[9] = '0' + x->res.head.status / 100 % 10;
	line[10] = '0' + x->res.head.status / 10 % 10;
	line[11] = '0' + x->res.head.status % 10;
	line[12] = ' ';
	memcpy(line + 13, r.p, r.len);
	if (x->sout.off == x->sout.len)
		x->sout.off = x->sout.len = 0;
	return work_head(w, &x->sout, line, n);
}

/* The client's hop: kept alive unless it, the host's framing or an
 * action says close; an HTTP/1.0 client is told it is kept. */
static int
hop_fields(struct session *s, struct http_xchg *x, struct http_work *w)
{
	struct http_sess	*h = s->http;
	int			 i = work_field_find(w, "Connection", 10, 0);

	if (i >= 0)
		h->closing |= work_field_lists(w, i, "close");
	else if (x->res.head.status == 101)
		(void)work_field_add(w, "Connection", 10, "upgrade", 7);
	else if (h->closing)
		(void)work_field_add(w, "Connection", 10, "close", 5);
	else if (x->version == 10)
		(void)work_field_add(w, "Connection", 10, "keep-alive", 10);
	return work_via(w, x->res.head.version);
}

/* 100 Continue and its kind pass on as they are, hop-by-hop aside. */
static int
interim(struct session *s, struct http_xchg *x)
{
	struct http_work	*w = &s->eng->http->w;

	if (x->version == 10)
		return 0;	/* an HTTP/1.0 client gets none (RFC 9110) */
	work_start(w, x->logged);
	if (work_fields(w, &x->res, false) == -1 ||
	    write_head(s, x, w) == -1)
		return http_answer(s, x, 502, "The host's answer is too "
		    "large.", SESS_HTTP_ERROR, false);
	return 0;
}

static void
log_blocked(struct session *s, struct http_xchg *x,
    const struct http_work *w)
{
	char	v[128];

	(void)http_safe_copy(v, sizeof(v), w->block_value, w->block_vlen);
	relay_log(s->eng, 0, "relay %s: session %u:%llu: answer %u to %s %s "
	    "blocked by header %s \"%s\" (value \"%s\"): %u", s->rt->name,
	    s->eng->opts.proc, (unsigned long long)s->id,
	    x->res.head.status, x->m, x->path, w->block->op == ACTION_EXPECT ?
	    "expect" : "filter", w->block->key, v, w->blocked);
}

/* A 101 to a protocol the request did not offer: what each side said. */
static int
switch_refused(struct session *s, struct http_xchg *x)
{
	struct http_slice	v = { "", 0 };
	char			chosen[HTTP_OFFER_MAX], offer[HTTP_OFFER_MAX];
	int			i = http_field_find(&x->res, "Upgrade", 0);

	if (i >= 0)
		v = http_field_value(&x->res, (size_t)i);
	(void)http_safe_copy(chosen, sizeof(chosen), v.p, v.len);
	(void)http_safe_copy(offer, sizeof(offer), x->offer, strlen(x->offer));
	relay_log(s->eng, 0, "relay %s: session %u:%llu: the host switched "
	    "%s %s to \"%s\", the request offered \"%s\": 502", s->rt->name,
	    s->eng->opts.proc, (unsigned long long)s->id, x->m, x->path,
	    chosen, offer);
	return http_answer(s, x, 502, "The host switched to a protocol the "
	    "request did not offer.", SESS_HTTP_ERROR, false);
}

/* After the parser's HTTP_HEAD: 0, or -1 if the session ended. */
int
http_response_head(struct session *s, struct http_xchg *x)
{
	struct http_sess	*h = s->http;
	struct http_work	*w = &s->eng->http->w;
	const struct http_parser *p = &x->res;
	uint16_t		 st = p->head.status, fl = p->head.flags;

	if (st == 101 && !x->upgrade)
		return http_answer(s, x, 502, "The host switched protocols "
		    "unasked.", SESS_HTTP_ERROR, false);
	if (st == 101 && !http_upgrade_chosen(p, x->offer))
		return switch_refused(s, x);
	if (st < 200 && st != 101)
		return interim(s, x);
	if (p->head.framing == HTTP_BODY_CHUNKED && x->version == 10)
		return http_answer(s, x, 502, "The host sent a chunked answer "
		    "to an HTTP/1.0 request.", SESS_HTTP_ERROR, false);
	x->status = st;
	x->host_close |= p->head.version == 10 ?
	    !(fl & HTTP_CONN_KEEP_ALIVE) : (fl & HTTP_CONN_CLOSE) != 0;
	/* Its end is the close: the client learns it the same way. */
	if (p->head.framing == HTTP_BODY_CLOSE) {
		x->host_close = true;
		h->closing = true;
	}
	work_start(w, x->logged);
	if (work_fields(w, p, st == 101) == -1 ||
	    http_actions(s, x, w, DIR_RESPONSE) == -1)
		return http_answer(s, x, 502, "The host's answer is too "
		    "large.", SESS_HTTP_ERROR, false);
	if (w->blocked != 0) {
		log_blocked(s, x, w);
		return http_answer(s, x, w->blocked, "The relay's protocol "
		    "does not allow this answer.", SESS_HTTP_ERROR, true);
	}
	if (hop_fields(s, x, w) == -1 || write_head(s, x, w) == -1)
		return http_answer(s, x, 502, "The host's answer is too "
		    "large.", SESS_HTTP_ERROR, false);
	x->rs = st == 101 ? RS_UPGRADE : RS_BODY;
	return 0;
}

/* The answer's body on its way: 1 moved, 0 not, -1 session ended. */
int
http_response_body(struct session *s, struct http_xchg *x)
{
	int	r;

	if (x->splicing == 2)
		return http_splice(s, x, false);
	if (x->sfwd > 0)
		return 0;
	if (http_done(&x->res)) {
		x->rs = RS_DONE;
		return 1;
	}
	if (x->hin.off == x->hin.len) {
		if (!x->host_eof)
			return http_splice_wanted(s, x, false) ?
			    http_splice(s, x, false) : 0;
		if (http_finish(&x->res) == 0) {
			x->rs = RS_DONE;
			return 1;
		}
		/* Cut short: the client cannot get it whole. */
		session_end(s, SESS_HOST_RESET);
		return -1;
	}
	if ((r = http_body_step(&x->res, &x->hin, &x->sout, &x->sfwd)) != -1)
		return r;
	if (x->answered) {
		session_end(s, SESS_HTTP_ERROR);
		return -1;
	}
	return http_answer(s, x, 502, http_error_str(http_error(&x->res)),
	    SESS_HTTP_ERROR, false) == -1 ? -1 : 1;
}
