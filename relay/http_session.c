/*
 * A session of an HTTP relay: the client's requests one at a time, each
 * an exchange with a host; pipelined requests wait in the client's
 * buffer and are answered in order.  A run moves what can move, in one
 * order: client bytes in, the request on, bytes to the host, the host's
 * bytes in, the answer on, bytes to the client, the end of the exchange.
 * Readiness is the legs' (edge-triggered, as for the pumps): a short
 * read means drained, so a step with nothing to do costs no system call.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "relay/http_relay.h"
#include "relay/tls.h"

int
http_session_start(struct session *s)
{
	struct http_sess	*h;

	if (s->rt->http == NULL || http_engine_get(s->eng) == NULL ||
	    (h = calloc(1, sizeof(*h))) == NULL)
		return -1;
	h->end = SESS_DONE;
	s->http = h;
	return 0;
}

bool
http_tunnelled(const struct session *s)
{
	return s->http->tunnel;
}

static bool
would_block(void)
{
	return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
}

/* Into b's room: bytes read, 0 at the end, -2 none now, -1 failed. */
ssize_t
http_io_read(struct session *s, struct leg *l, struct hbuf *b)
{
	size_t	room = b->size - b->len;
	ssize_t	n;

	n = l->ops->read(l, b->p + b->len, room);
	if (n > 0) {
		b->len += (size_t)n;
		/* Short: drained, unless its end is pending too. */
		if ((size_t)n < room && !l->rdhup)
			l->can_read = false;
		return n;
	}
	if (n == 0) {
		l->can_read = l->rdhup = false;
		return 0;
	}
	if (would_block()) {
		l->can_read = false;
		return -2;
	}
	return -1;
}

/* Bytes written (counted), 0 when it would block, -1 failed. */
int
http_io_write(struct session *s, struct leg *l, const char *p, size_t n,
    bool to_host)
{
	struct pump	*pm = to_host ? &s->up : &s->down;
	ssize_t		 w;

	w = l->ops->write(l, p, n, false);
	if (w > 0) {
		pm->bytes += (uint64_t)w;
		*pm->total += (uint64_t)w;
		if ((size_t)w < n)
			l->can_write = false;
		return (int)w;
	}
	if (w == -1 && would_block()) {
		l->can_write = false;
		return 0;
	}
	return -1;
}

/* The log line of the session's end keeps the last request's words. */
static void
keep_last(struct session *s, const struct http_xchg *x)
{
	struct relay_engine	*e = s->eng;
	struct http_sess	*h = s->http;

	if (x->m[0] == '\0' || (e->cfg->log_sessions == LOG_SESSIONS_DEBUG &&
	    !e->monitor && (e->io.verbose == NULL ||
	    !e->io.verbose(e->io.arg))))
		return;
	if (h->last == NULL && (h->last = malloc(sizeof(*h->last))) == NULL)
		return;
	h->last->status = x->status;
	memcpy(h->last->m, x->m, sizeof(h->last->m));
	memcpy(h->last->host, x->host, sizeof(h->last->host));
	memcpy(h->last->path, x->path, sizeof(h->last->path));
	memcpy(h->last->logged, x->logged, sizeof(h->last->logged));
}

/* The exchange is over: its connection to the pool (or closed). */
static void
end_exchange(struct session *s, struct http_xchg *x, bool reuse)
{
	struct http_engine	*he = s->eng->http;

	if (x->counted) {
		relay_hosts_count(s->eng->hosts, x->target.host_id, -1);
		x->counted = false;
	}
	http_conn_release(he, x->conn, reuse, x->proto->keepalive,
	    s->rt->tune.timeout_ms);
	x->conn = NULL;
	keep_last(s, x);
	http_splice_end(s, x);
	hbuf_give(he, &x->hin, false);
	hbuf_give(he, &x->qout, true);
	hbuf_give(he, &x->sout, true);
	http_xchg_put(he, x);
	s->http->x = NULL;
}

void
http_session_end(struct session *s)
{
	struct http_sess	*h = s->http;

	if (h == NULL)
		return;
	if (h->x != NULL)
		end_exchange(s, h->x, false);
	http_conn_close(s->eng->http, h->conn);
	hbuf_give(s->eng->http, &h->cin, false);
	free(h->last);
	free(h);
	s->http = NULL;
}

void
http_session_row(const struct session *s, struct ctl_session *row)
{
	const struct http_sess	*h = s->http;
	const struct http_xchg	*x = h->x;

	row->requests = h->requests;
	if (x != NULL && x->m[0] != '\0') {
		row->status = x->status;
		memcpy(row->method, x->m, sizeof(row->method));
		memcpy(row->http_host, x->host, sizeof(row->http_host));
		memcpy(row->path, x->path, sizeof(row->path));
		memcpy(row->logged, x->logged, sizeof(row->logged));
	} else if (h->last != NULL) {
		row->status = h->last->status;
		memcpy(row->method, h->last->m, sizeof(row->method));
		memcpy(row->http_host, h->last->host, sizeof(row->http_host));
		memcpy(row->path, h->last->path, sizeof(row->path));
		memcpy(row->logged, h->last->logged, sizeof(row->logged));
	}
}

/* After the answer, what the client still sends is read and dropped. */
static int
discard(struct session *s)
{
	struct http_sess	*h = s->http;
	char			*tmp = s->eng->http->w.str;
	ssize_t			 n;

	n = s->client.ops->read(&s->client, tmp, HTTP_WORK_STR);
	if (n > 0) {
		if ((size_t)n < HTTP_WORK_STR && !s->client.rdhup)
			s->client.can_read = false;
		return 1;
	}
	if (n == -1 && would_block()) {
		s->client.can_read = false;
		return 0;
	}
	session_end(s, h->end);
	return -1;
}

static int
client_in(struct session *s)
{
	struct http_sess	*h = s->http;
	struct hbuf		*b = &h->cin;
	ssize_t			 n;

	if (!s->client.can_read || h->client_eof)
		return 0;
	if (h->lingering)
		return discard(s);
	if (b->p == NULL && hbuf_take(s->eng->http, b, s->rt->http != NULL ?
	    s->rt->http->inbuf : HS_SESSION_BUFFER_DEFAULT, false) == -1) {
		session_end(s, SESS_ERROR);
		return -1;
	}
	if (b->len == b->size) {
		if (b->off == 0)
			return 0;	/* full: the pipelined wait */
		hbuf_compact(b);
	}
	if ((n = http_io_read(s, &s->client, b)) > 0)
		return 1;
	if (n == -2)
		return 0;
	if (n == 0) {
		h->client_eof = true;
		return 1;
	}
	session_end(s, SESS_CLIENT_RESET);
	return -1;
}

/* The head of the request in the client's buffer, once it is whole. */
static int
request_head_step(struct session *s, struct http_xchg *x)
{
	struct http_sess	*h = s->http;
	struct hbuf		*b = &h->cin;
	size_t			 used;

	switch (http_parse(&x->req, b->p + b->off, b->len - b->off, &used)) {
	case HTTP_HEAD:
		b->off += used;		/* the slices stay where they are */
		return http_request_head(s, x) == -1 ? -1 : 1;
	case HTTP_MORE:
		if (!h->client_eof)
			return 0;
		if (http_finish(&x->req) == 0) {
			session_end(s, SESS_DONE);	/* no request at all */
			return -1;
		}
		return http_answer(s, x, 400, "The connection closed inside "
		    "a request.", SESS_HTTP_ERROR, false) == -1 ? -1 : 1;
	default:
		h->requests++;
		s->rt->stats.requests++;
		return http_answer(s, x, http_error_status(&x->req),
		    http_error_str(http_error(&x->req)), SESS_HTTP_ERROR,
		    false) == -1 ? -1 : 1;
	}
}

static int
request_on(struct session *s)
{
	struct http_sess	*h = s->http;
	struct http_xchg	*x = h->x;
	int			 r, moved = 0;

	if (x == NULL) {
		if (h->closing || h->lingering || h->cin.off == h->cin.len)
			return 0;
		if (s->rt->http == NULL || (x = http_xchg_new(s->eng->http,
		    s->rt->http)) == NULL) {
			session_end(s, SESS_ERROR);
			return -1;
		}
		h->x = x;
		x->start_ms = relay_now_ms();
	}
	if (x->rq == RQ_HEAD) {
		if ((r = request_head_step(s, x)) <= 0)
			return r;
		moved = 1;
	}
	if (x->rq == RQ_BODY) {
		if ((r = http_request_body(s, x)) == -1)
			return -1;
		moved |= r;
	}
	return moved;
}

static int
host_out(struct session *s, struct http_xchg *x)
{
	struct http_conn	*c = x->conn;
	struct hbuf		*q = &x->qout, *in = &s->http->cin;
	const char		*p;
	size_t			 n;
	int			 w, moved = 0;

	if (c == NULL || !c->leg.open || x->rq < RQ_BODY || x->host_eof)
		return 0;
	while (c->leg.can_write) {
		if (q->off < q->len) {
			p = q->p + q->off;
			n = q->len - q->off;
		} else if (x->qfwd > 0) {
			p = in->p + in->off;
			n = x->qfwd;
		} else
			break;
		if ((w = http_io_write(s, &c->leg, p, n, true)) == -1) {
			/* The host closed or reset: no answer will come. */
			x->host_eof = true;
			return 1;
		}
		if (w == 0)
			break;
		moved = 1;
		if (q->off < q->len)
			q->off += (size_t)w;
		else {
			in->off += (size_t)w;
			x->qfwd -= (size_t)w;
		}
	}
	return moved;
}

static int
host_in(struct session *s, struct http_xchg *x)
{
	struct http_conn	*c = x->conn;
	struct hbuf		*b = &x->hin;
	ssize_t			 n;

	if (c == NULL || !c->leg.open || !c->leg.can_read || x->host_eof ||
	    x->splicing == 2 || (x->rs != RS_HEAD && x->rs != RS_BODY))
		return 0;
	if (b->p == NULL && hbuf_take(s->eng->http, b, x->proto->inbuf,
	    false) == -1) {
		session_end(s, SESS_ERROR);
		return -1;
	}
	if (b->len == b->size) {
		if (b->off == 0)
			return 0;
		hbuf_compact(b);
	}
	if ((n = http_io_read(s, &c->leg, b)) > 0) {
		x->heard = true;
		return 1;
	}
	if (n == -2)
		return 0;
	x->host_eof = true;	/* the end, or a reset: the same here */
	return 1;
}

/*
 * The host closed before answering.  A pooled connection it had closed
 * meanwhile is no failure of the host: a request that is safe to send
 * again (idempotent, no body) goes again, once, on a new connection.
 */
static int
no_answer(struct session *s, struct http_xchg *x)
{
	int	r;

	if (!x->reused || x->retried || !x->replayable || x->heard ||
	    x->answered)
		return http_answer(s, x, 502, "The host closed the connection "
		    "without an answer.", SESS_HOST_RESET, false);
	x->retried = true;
	http_conn_close(s->eng->http, x->conn);
	x->conn = NULL;
	x->host_eof = false;
	x->qout.off = 0;
	http_parser_init(&x->res, HTTP_RESPONSE, &x->proto->lim,
	    x->fields + x->nf);
	http_parser_set_method(&x->res, x->method);
	if ((r = http_conn_get(s, x)) >= 0)
		return 1;
	if (r == -1)
		return http_answer(s, x, 503, "The relay is out of resources.",
		    SESS_ERROR, false);
	return http_connect_failed(s, x) == -1 ? -1 : 1;
}

static int
response_head_step(struct session *s, struct http_xchg *x)
{
	struct hbuf	*b = &x->hin;
	size_t		 used;

	if (b->p == NULL || b->off == b->len)
		return x->host_eof ? no_answer(s, x) : 0;
	switch (http_parse(&x->res, b->p + b->off, b->len - b->off, &used)) {
	case HTTP_HEAD:
		b->off += used;
		return http_response_head(s, x) == -1 ? -1 : 1;
	case HTTP_MORE:
		if (!x->host_eof)
			return 0;
		return http_answer(s, x, 502, "The host's answer was cut "
		    "short.", SESS_HOST_RESET, false) == -1 ? -1 : 1;
	default:
		return http_answer(s, x, 502, http_error_str(http_error(
		    &x->res)), SESS_HTTP_ERROR, false) == -1 ? -1 : 1;
	}
}

static int
response_on(struct session *s, struct http_xchg *x)
{
	int	r, moved = 0;

	if (x->rs == RS_HEAD) {
		if ((r = response_head_step(s, x)) <= 0)
			return r;
		moved = 1;
	}
	if (x->rs == RS_BODY) {
		if ((r = http_response_body(s, x)) == -1)
			return -1;
		moved |= r;
	}
	return moved;
}

static int
client_out(struct session *s, struct http_xchg *x)
{
	struct hbuf	*o = &x->sout;
	const char	*p;
	size_t		 n;
	int		 w, moved = 0;

	while (s->client.can_write) {
		if (o->off < o->len) {
			p = o->p + o->off;
			n = o->len - o->off;
		} else if (x->sfwd > 0) {
			p = x->hin.p + x->hin.off;
			n = x->sfwd;
		} else
			break;
		if ((w = http_io_write(s, &s->client, p, n, false)) == -1) {
			session_end(s, SESS_CLIENT_RESET);
			return -1;
		}
		if (w == 0)
			break;
		moved = 1;
		x->answered = true;
		if (o->off < o->len)
			o->off += (size_t)w;
		else {
			x->hin.off += (size_t)w;
			x->sfwd -= (size_t)w;
		}
	}
	return moved;
}

/*
 * Answered and closing: our end first, then what the client sends, so
 * that bytes still on their way do not turn the close into a reset that
 * destroys the answer.  A client that said it would close and whose
 * bytes are all read sends nothing more: the session ends at once.
 */
static int
close_client(struct session *s, bool all_read)
{
	struct http_sess	*h = s->http;
	struct leg		*l = &s->client;
	bool			 at_once;

	h->lingering = true;
	hbuf_give(s->eng->http, &h->cin, false);
	at_once = all_read && h->client_close && !l->can_read;
	/* A plain socket's close says the end by itself. */
	if (h->client_eof || (at_once && l->tls == NULL) ||
	    l->ops->shutdown(l) == -1 ||
	    (at_once && !l->tls->shut_pending)) {
		session_end(s, h->end);
		return -1;
	}
	return 1;
}

static bool
out_empty(const struct http_xchg *x)
{
	return x->qout.off == x->qout.len && x->qfwd == 0 &&
	    x->sout.off == x->sout.len && x->sfwd == 0 && x->inpipe == 0;
}

/* The exchange ends once its answer is out; the next may start. */
static int
xchg_finish(struct session *s)
{
	struct http_sess	*h = s->http;
	struct http_xchg	*x = h->x;
	bool			 reuse, all_read;

	if (x == NULL) {
		if (h->cin.p != NULL && h->cin.off == h->cin.len)
			hbuf_give(s->eng->http, &h->cin, false);
		if (h->client_eof && !h->lingering && h->cin.p == NULL) {
			session_end(s, h->end);
			return -1;
		}
		return 0;
	}
	if (x->rs == RS_UPGRADE && out_empty(x))
		return http_tunnel(s, x);
	if (x->rs != RS_DONE || x->sout.off < x->sout.len || x->sfwd > 0 ||
	    x->splicing != 0)
		return 0;
	/*
	 * An answer before the whole request: the rest of it would be read
	 * as the next request, and the host may not have read it.
	 */
	if (x->rq != RQ_DONE || !out_empty(x))
		h->closing = true;
	reuse = !x->local && x->rq == RQ_DONE && out_empty(x) &&
	    http_done(&x->res) && !x->host_close && !x->host_eof &&
	    x->hin.off == x->hin.len;
	/* The relay's own answers leave the rest of a request unread. */
	all_read = !x->local && x->rq == RQ_DONE && h->cin.off == h->cin.len;
	end_exchange(s, x, reuse);
	if (h->closing)
		return close_client(s, all_read);
	return 1;
}

static int
http_step(struct session *s)
{
	struct http_sess	*h = s->http;
	struct http_xchg	*x;
	int			 moved, r;

	if ((moved = client_in(s)) == -1 || (r = request_on(s)) == -1)
		return -1;
	moved |= r;
	if ((x = h->x) != NULL) {
		if ((r = host_out(s, x)) == -1)
			return -1;
		moved |= r;
		if ((r = host_in(s, x)) == -1)
			return -1;
		moved |= r;
		if ((r = response_on(s, x)) == -1)
			return -1;
		moved |= r;
		if ((r = client_out(s, x)) == -1)
			return -1;
		moved |= r;
	}
	if ((r = xchg_finish(s)) == -1)
		return -1;
	moved |= r;
	if (moved)
		session_touch(s);
	return moved;
}

/*
 * Run until nothing moves; after HTTP_STEPS steps the session yields to
 * the others and runs again later in this loop.  -1: it ended.
 */
int
http_run(struct session *s)
{
	int	steps, r;

	for (steps = 0; steps < HTTP_STEPS; steps++) {
		if ((r = http_step(s)) == -1)
			return -1;
		if (s->http->tunnel)
			return session_run(s);
		if (r == 0)
			return 0;
	}
	session_again(s);
	return 0;
}

void
http_session_event(struct session *s, struct leg *l)
{
	struct http_sess	*h = s->http;
	struct http_xchg	*x = h->x;
	int			 r;

	if (h->tunnel) {
		(void)session_run(s);
		return;
	}
	if (x != NULL && x->conn != NULL && l == &x->conn->leg &&
	    !l->open) {
		if ((r = http_conn_connected(x->conn)) == 0)
			return;
		if (r == 1 && (r = http_conn_tls(s, x->conn)) == 1) {
			/* Its end comes back as http_host_handshake. */
			(void)tls_session_event(l);
			return;
		}
		if (r == -1) {
			if (http_connect_failed(s, x) == -1)
				return;
		} else if (x->rq == RQ_CONNECT)
			x->rq = RQ_BODY;
	}
	(void)http_run(s);
}

/* The TLS handshake with the host on l ended: ok, or a failed connect. */
void
http_host_handshake(struct session *s, struct leg *l, bool ok)
{
	struct http_xchg	*x = s->http->x;

	if (x == NULL || x->conn == NULL || l != &x->conn->leg)
		return;
	if (!ok) {
		if (http_connect_failed(s, x) == -1)
			return;
	} else {
		l->open = true;
		if (x->rq == RQ_CONNECT)
			x->rq = RQ_BODY;
	}
	(void)http_run(s);
}

/*
 * Where the session's timeout counts from: the last byte moved, but a
 * request's head must arrive whole within the timeout (a client that
 * trickles it still gets 408).
 */
uint64_t
http_since(const struct session *s)
{
	const struct http_xchg	*x = s->http->x;

	if (x != NULL && x->rq == RQ_HEAD && !x->local)
		return x->start_ms;
	return s->last_ms;
}

/*
 * The session's timeout: an idle keep-alive session just ends; a client
 * that stalls its request gets 408, a request the host does not answer
 * in time 504; a session whose answer is stuck ends.  SESS_OPEN: an
 * answer is on its way; SESS_END_MAX: the session ended already.
 */
enum session_end
http_expired(struct session *s)
{
	struct http_sess	*h = s->http;
	struct http_xchg	*x = h->x;
	bool			 client;

	if (h->tunnel)
		return SESS_TIMEOUT;
	if (h->lingering)
		return h->end;
	if (x == NULL)
		return SESS_DONE;
	if (h->timed_out || x->answered || x->local)
		return SESS_TIMEOUT;
	h->timed_out = true;
	client = x->rq == RQ_HEAD || (x->rq == RQ_BODY &&
	    !http_done(&x->req) && x->qfwd == 0 && x->qout.off == x->qout.len &&
	    x->splicing == 0);
	if (http_answer(s, x, client ? 408 : 504, client ? "The request "
	    "did not arrive in time." : "The host did not answer in time.",
	    SESS_TIMEOUT, false) == -1)
		return SESS_END_MAX;
	session_again(s);
	return SESS_OPEN;
}

/* The 101 is out: bytes both ways from now on, through the pumps. */
static int
carry(struct session *s, struct pump *p, struct hbuf *b)
{
	size_t	n = b->p != NULL ? b->len - b->off : 0;

	if (n == 0)
		return 0;
	if (n > p->bufsize || (p->buf = pool_buf_get(s->eng, p->bufsize)) ==
	    NULL)
		return -1;
	memcpy(p->buf, b->p + b->off, n);
	p->off = 0;
	p->len = n;
	b->off = b->len;
	return 0;
}

int
http_tunnel(struct session *s, struct http_xchg *x)
{
	struct http_sess	*h = s->http;
	struct relay_rt		*rt = s->rt;
	struct leg		*hl = &x->conn->leg;
	uint64_t		 up = s->up.bytes, down = s->down.bytes;

	pump_init(&s->up, &s->client, hl, rt->tune.bufsize,
	    &rt->stats.bytes_in);
	pump_init(&s->down, hl, &s->client, rt->tune.bufsize,
	    &rt->stats.bytes_out);
	s->up.bytes = up;
	s->down.bytes = down;
	if (carry(s, &s->up, &h->cin) == -1 ||
	    carry(s, &s->down, &x->hin) == -1) {
		session_end(s, SESS_ERROR);
		return -1;
	}
	s->up.eof = h->client_eof;
	s->down.eof = x->host_eof;
	h->conn = x->conn;
	x->conn = NULL;
	end_exchange(s, x, false);
	hbuf_give(s->eng->http, &h->cin, false);
	h->tunnel = true;
	s->phase = PHASE_RELAY;
	return 1;
}
