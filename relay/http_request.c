/*
 * A request on its way to a host: the head refused or rewritten (hop-by-
 * hop fields out, the actions, Connection and Via of this hop in), the
 * table a match rule names (else the relay's), a host of it and a
 * connection to that host (pooled, or a connect retried on another host
 * while retries are left); then the body, chunk framing and trailers as
 * they come, trailers without the fields that must not cross.
 */
#include <string.h>

#include "relay/http_relay.h"

static bool
idempotent(uint8_t m)
{
	return m == HTTP_M_GET || m == HTTP_M_HEAD || m == HTTP_M_PUT ||
	    m == HTTP_M_DELETE || m == HTTP_M_OPTIONS || m == HTTP_M_TRACE;
}

/* What a session row and the log line show of the request. */
static void
note_request(struct http_xchg *x, const struct http_parser *p)
{
	struct http_slice	m = http_method(p), t = http_target(p), v;

	(void)http_safe_copy(x->m, sizeof(x->m), m.p, m.len);
	(void)http_safe_copy(x->path, sizeof(x->path), t.p, t.len);
	x->host[0] = '\0';
	if (p->head.host >= 0) {
		v = http_field_value(p, (size_t)p->head.host);
		(void)http_safe_copy(x->host, sizeof(x->host), v.p, v.len);
	}
	x->method = p->head.method_id;
	x->version = p->head.version;
	x->logged[0] = '\0';
}

static void
uncount(struct session *s, struct http_xchg *x)
{
	if (!x->counted)
		return;
	relay_hosts_count(s->eng->hosts, x->target.host_id, -1);
	x->counted = false;
}

/* A host of the rule's table (or the relay's) not tried yet. */
static int
choose(struct session *s, struct http_xchg *x, const struct lb_client *cl)
{
	struct relay_hosts	*rh = s->eng->hosts;
	uint32_t		 rid = s->rt->id;
	int			 r;

	if (rid == HS_ID_NONE)
		return -1;	/* the relay went away in a reload */
	if (x->route != HS_ID_NONE)
		r = relay_hosts_select_table(rh, rid, x->route, cl, x->tried,
		    x->ntried, &x->target);
	else
		r = relay_hosts_select(rh, rid, cl, x->tried, x->ntried,
		    &x->target);
	if (r == -1)
		return -1;
	if (x->target.host_id != HS_ID_NONE) {
		x->tried[x->ntried++ % RELAY_TRIED_MAX] = x->target.host_id;
		relay_hosts_count(rh, x->target.host_id, 1);
		x->counted = true;
	}
	x->attempts++;
	s->target = x->target;
	s->attempts++;
	return 0;
}

/*
 * A host for x and a connection to it; the hash values of the head's
 * actions count for the first choice only.  0, or -1 if the session
 * ended.
 */
int
http_connect(struct session *s, struct http_xchg *x,
    const struct http_work *w)
{
	struct lb_client	cl;
	int			r;

	for (;;) {
		memset(&cl, 0, sizeof(cl));
		cl.addr = s->caddr;
		cl.relay_addr = s->laddr;
		cl.relay_port = s->lport;
		if (w != NULL && w->hashlen > 0) {
			cl.hashdata = w->hash;
			cl.hashlen = w->hashlen;
		}
		if (choose(s, x, &cl) == -1)
			return x->attempts == 0 ? http_answer(s, x, 503,
			    "No host is up to serve this request.",
			    SESS_NO_HOST, false) : http_answer(s, x, 502,
			    "No host could be reached.", SESS_CONNECT_FAILED,
			    false);
		if ((r = http_conn_get(s, x)) >= 0) {
			x->rq = r == 1 ? RQ_BODY : RQ_CONNECT;
			return 0;
		}
		if (r == -1)
			return http_answer(s, x, 503, "The relay is out of "
			    "resources.", SESS_ERROR, false);
		s->rt->stats.connect_fail++;
		uncount(s, x);
		if (x->attempts > s->rt->tune.retry)
			return http_answer(s, x, 502, "No host could be "
			    "reached.", SESS_CONNECT_FAILED, false);
		w = NULL;
	}
}

/* The connect to x's host failed: another host while retries are left. */
int
http_connect_failed(struct session *s, struct http_xchg *x)
{
	s->rt->stats.connect_fail++;
	uncount(s, x);
	http_conn_close(s->eng->http, x->conn);
	x->conn = NULL;
	if (x->attempts > s->rt->tune.retry)
		return http_answer(s, x, 502, "No host could be reached.",
		    SESS_CONNECT_FAILED, false);
	return http_connect(s, x, NULL);
}

/* The first rule that matches names the table; none, the relay's. */
static void
route(struct session *s, struct http_xchg *x, struct http_work *w)
{
	const struct http_proto	*pr = x->proto;
	size_t			 i;

	for (i = 0; i < pr->nroutes; i++)
		if (http_route_matches(s, &pr->routes[i], w, x)) {
			x->route = pr->routes[i].table_id;
			return;
		}
}

/*
 * This hop's fields: the connection to the host is kept unless an action
 * set Connection: close (or keepalive 0); an upgrade asks for one.
 */
static int
hop_fields(struct http_xchg *x, struct http_work *w)
{
	int		i = work_field_find(w, "Connection", 10, 0);

	if (i >= 0)
		x->host_close = work_field_lists(w, i, "close");
	else if (x->upgrade)
		(void)work_field_add(w, "Connection", 10, "upgrade", 7);
	else if (x->proto->keepalive == 0) {
		x->host_close = true;
		(void)work_field_add(w, "Connection", 10, "close", 5);
	} else if (x->version == 10)
		(void)work_field_add(w, "Connection", 10, "keep-alive", 10);
	return work_via(w, x->version);
}

/* METHOD SP path[?query] SP HTTP/1.x, then the fields, into qout. */
static int
write_head(struct session *s, struct http_xchg *x, struct http_work *w)
{
	struct http_slice	 m = http_method(&x->req);
	size_t			 n;
	char			*line;

	n = m.len + 1 + w->pathlen + (w->query != NULL ? w->querylen + 1 : 0)
	    + 9;
	if ((line = work_str(w, n)) == NULL)
		return -1;
	memcpy(line, m.p, m.len);
	n = m.len;
	line[n++] = ' ';
	memcpy(line + n, w->path, w->pathlen);
	n += w->pathlen;
	if (w->query != NULL) {
		line[n++] = '?';
		memcpy(line + n, w->query, w->querylen);
		n += w->querylen;
	}
	memcpy(line + n, x->version == 10 ? " HTTP/1.0" : " HTTP/1.1", 9);
	n += 9;
	if (hbuf_take(s->eng->http, &x->qout, x->proto->outbuf, true) == -1)
		return -1;
	return work_head(w, &x->qout, line, n);
}

static void
log_blocked(struct session *s, struct http_xchg *x,
    const struct http_work *w)
{
	const struct http_action	*a = w->block;
	char				 v[128];

	(void)http_safe_copy(v, sizeof(v), w->block_value, w->block_vlen);
	relay_log(s->eng, 0, "relay %s: session %u:%llu: %s %s blocked by "
	    "%s %s \"%s\" (value \"%s\"): %u", s->rt->name,
	    s->eng->opts.proc, (unsigned long long)s->id, x->m, x->path,
	    http_entity_name(a->entity), a->op == ACTION_EXPECT ? "expect" :
	    "filter", a->key, v, w->blocked);
}

/* After the parser's HTTP_HEAD: 0, or -1 if the session ended. */
int
http_request_head(struct session *s, struct http_xchg *x)
{
	struct http_sess	*h = s->http;
	struct http_work	*w = &s->eng->http->w;
	const struct http_parser *p = &x->req;
	uint16_t		 fl = p->head.flags;

	h->requests++;
	s->rt->stats.requests++;
	note_request(x, p);
	/* An offer too long to keep goes on as a plain request. */
	x->upgrade = x->proto->websockets && (fl & HTTP_UPGRADE) &&
	    (fl & HTTP_CONN_UPGRADE) && x->method == HTTP_M_GET &&
	    p->head.framing == HTTP_BODY_NONE &&
	    http_upgrade_offer(p, x->offer, sizeof(x->offer));
	h->closing = p->head.version == 10 ? !(fl & HTTP_CONN_KEEP_ALIVE) :
	    (fl & HTTP_CONN_CLOSE) != 0;
	h->client_close = h->closing;
	if (x->method == HTTP_M_CONNECT)
		return http_answer(s, x, 405, "This relay does not tunnel "
		    "CONNECT requests.", SESS_HTTP_ERROR, false);
	if (fl & HTTP_EXPECT_OTHER)
		return http_answer(s, x, 417, "Only 100-continue can be "
		    "expected.", SESS_HTTP_ERROR, false);
	work_start(w, x->logged);
	if (work_fields(w, p, x->upgrade) == -1)
		return http_answer(s, x, 431, "The request head is too large.",
		    SESS_HTTP_ERROR, false);
	work_target(w, http_target(p));
	if (http_actions(s, x, w, DIR_REQUEST) == -1)
		return http_answer(s, x, 431, "The request head is too large "
		    "once rewritten.", SESS_HTTP_ERROR, false);
	if (w->blocked != 0) {
		log_blocked(s, x, w);
		return http_answer(s, x, w->blocked, "The relay's protocol "
		    "does not allow this request.", SESS_HTTP_ERROR, true);
	}
	route(s, x, w);
	if (hop_fields(x, w) == -1 || write_head(s, x, w) == -1)
		return http_answer(s, x, 431, "The request head is too large "
		    "once rewritten.", SESS_HTTP_ERROR, false);
	http_parser_set_method(&x->res, x->method);
	x->replayable = p->head.framing == HTTP_BODY_NONE &&
	    idempotent(x->method);
	x->rs = RS_HEAD;
	return http_connect(s, x, w);
}

/* The last chunk and the trailers that may cross, into out. */
int
http_trailers(struct hbuf *out, const struct http_parser *p)
{
	struct http_slice	n, v;
	size_t			i;

	if (hbuf_add(out, "0\r\n", 3) == -1)
		return -1;
	for (i = 0; i < http_nfields(p); i++) {
		if (http_trailer_forbidden(http_field_kind(p, i)))
			continue;
		n = http_field_name(p, i);
		v = http_field_value(p, i);
		if (hbuf_add(out, n.p, n.len) == -1 ||
		    hbuf_add(out, ": ", 2) == -1 ||
		    hbuf_add(out, v.p, v.len) == -1 ||
		    hbuf_add(out, "\r\n", 2) == -1)
			return -1;
	}
	return hbuf_add(out, "\r\n", 2);
}

/*
 * Parse what follows in in: body bytes go to the out buffer while it
 * holds a head not yet written and they are few (one write for both),
 * else they are forwarded from in (*fwd); trailers are rewritten into
 * out.  Parsing waits while bytes wait, so the order holds.  1 moved, 0
 * not, -1 the parser's error.
 */
int
http_body_step(struct http_parser *p, struct hbuf *in, struct hbuf *out,
    size_t *fwd)
{
	size_t	used, avail = in->len - in->off;

	if (*fwd > 0 || avail == 0)
		return 0;
	if (out->off == out->len)
		out->off = out->len = 0;
	if (out->p != NULL && out->size - out->len < p->lim.trailer_max + 16)
		return 0;
	switch (http_parse(p, in->p + in->off, avail, &used)) {
	case HTTP_BODY:
		if (out->p != NULL && out->len > out->off &&
		    used <= HTTP_COPY_MAX && used <= out->size - out->len) {
			(void)hbuf_add(out, in->p + in->off, used);
			in->off += used;
		} else
			*fwd = used;
		return 1;
	case HTTP_TRAILERS:
		if (out->p == NULL || http_trailers(out, p) == -1)
			return -1;
		in->off += used;
		return 1;
	case HTTP_MORE:
		return 0;
	default:
		return -1;
	}
}

/* The request's body on its way: 1 moved, 0 not, -1 session ended. */
int
http_request_body(struct session *s, struct http_xchg *x)
{
	struct http_sess	*h = s->http;
	int			 r;

	if (x->splicing == 1)
		return http_splice(s, x, true);
	if (x->qfwd > 0)
		return 0;
	if (http_done(&x->req)) {
		x->rq = RQ_DONE;
		return 1;
	}
	if (h->cin.off == h->cin.len) {
		if (h->client_eof) {
			/* Cut short: the host has half a request. */
			session_end(s, SESS_CLIENT_RESET);
			return -1;
		}
		return http_splice_wanted(s, x, true) ?
		    http_splice(s, x, true) : 0;
	}
	if ((r = http_body_step(&x->req, &h->cin, &x->qout, &x->qfwd)) != -1)
		return r;
	if (x->answered) {
		session_end(s, SESS_HTTP_ERROR);
		return -1;
	}
	return http_answer(s, x, http_error_status(&x->req),
	    http_error_str(http_error(&x->req)), SESS_HTTP_ERROR, false) ==
	    -1 ? -1 : 1;
}
