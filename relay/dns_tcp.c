/*
 * DNS over TCP (RFC 7766).  A client's connection carries queries with
 * two-byte length prefixes, several at a time; each well-formed one gets
 * a fresh ID and goes, pipelined, over the connection's own connection to
 * its host (chosen once, as a TCP relay's session chooses, and again
 * whenever that connection has closed).  Answers come back in whatever
 * order the host sends them, are matched by ID on that connection and by
 * question, and go back with the client's ID.  A malformed message is
 * dropped and the framing kept.  Bounded: DNS_TCP_PIPELINE queries in
 * flight, DNS_TCP_OUT_MAX bytes queued toward either side; past that the
 * other side is not read.  A host connection that closes with queries in
 * flight answers them SERVFAIL; an idle client connection closes at the
 * relay's timeout.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "relay/dns_priv.h"

static void	conn_run(struct dns_conn *);

static size_t
buf_used(const struct dns_buf *b)
{
	return b->len - b->off;
}

/* Room for n more bytes after what b holds; -1 without memory. */
static int
buf_reserve(struct dns_buf *b, size_t n)
{
	uint8_t	*nb;
	size_t	 cap;

	if (b->off > 0 && b->off == b->len)
		b->off = b->len = 0;
	if (b->cap - b->len >= n)
		return 0;
	if (b->off > 0) {
		memmove(b->b, b->b + b->off, b->len - b->off);
		b->len -= b->off;
		b->off = 0;
		if (b->cap - b->len >= n)
			return 0;
	}
	for (cap = b->cap ? b->cap : DNS_TCP_BUF_MIN; cap - b->len < n;)
		cap *= 2;
	if ((nb = realloc(b->b, cap)) == NULL)
		return -1;
	b->b = nb;
	b->cap = cap;
	return 0;
}

/* An idle connection holds no buffer. */
static void
buf_trim(struct dns_buf *b)
{
	if (b->off < b->len)
		return;
	free(b->b);
	memset(b, 0, sizeof(*b));
}

/* A message with its length prefix; -1 without memory. */
static int
buf_message(struct dns_buf *b, const uint8_t *p, size_t len)
{
	if (buf_reserve(b, len + 2) == -1)
		return -1;
	dns_put16(b->b + b->len, (uint16_t)len);
	memcpy(b->b + b->len + 2, p, len);
	b->len += len + 2;
	return 0;
}

static uint16_t
prefix(const struct dns_buf *b)
{
	return (uint16_t)(b->b[b->off] << 8 | b->b[b->off + 1]);
}

static void
host_uncount(struct dns_conn *c)
{
	if (!c->counted)
		return;
	relay_hosts_count(c->e->hosts, c->target.host_id, -1);
	c->counted = false;
}

static void
host_close(struct dns_conn *c)
{
	if (c->hev != NULL)
		event_free(c->hev);
	if (c->hfd != -1)
		close(c->hfd);
	c->hev = NULL;
	c->hfd = -1;
	c->h_open = c->h_read = c->h_write = false;
	host_uncount(c);
	free(c->hin.b);
	memset(&c->hin, 0, sizeof(c->hin));
}

/* The client gets a SERVFAIL for a query the relay cannot forward. */
static void
servfail(struct dns_conn *c, uint16_t id, uint16_t flags,
    const struct dns_question *q)
{
	uint8_t	out[DNS_HEADER_LEN + DNS_NAME_MAX + 4];
	size_t	n;

	c->rt->stats.errors++;
	n = dns_servfail(id, flags, q, out, sizeof(out));
	if (buf_message(&c->cout, out, n) == -1)
		dns_conn_end(c, SESS_ERROR);
}

/*
 * The host connection failed or closed: what is in flight on it is
 * answered SERVFAIL; the next query connects again.
 */
static void
host_lost(struct dns_conn *c, enum session_end why)
{
	struct dns_query	*q;

	host_close(c);
	free(c->hout.b);
	memset(&c->hout, 0, sizeof(c->hout));
	c->has_target = false;
	c->ntried = c->attempts = 0;
	while (!c->ended && (q = TAILQ_FIRST(&c->queries)) != NULL) {
		servfail(c, q->client_id, q->flags, &q->q);
		dns_query_end(c->e, q, why, -1, 0);
	}
}

static void	host_ev(evutil_socket_t, short, void *);

/* A new host connection, retried on other hosts as the relay says. */
static int
host_connect(struct dns_conn *c)
{
	struct relay_engine	*e = c->e;
	struct sockaddr_storage	 ss;
	struct lb_client	 cl;
	socklen_t		 sl;
	int			 fd;

	for (;;) {
		if (c->rt->id == HS_ID_NONE || c->attempts > c->rt->tune.retry)
			return -1;
		memset(&cl, 0, sizeof(cl));
		cl.addr = c->caddr;
		cl.relay_addr = c->laddr;
		cl.relay_port = c->lport;
		if (relay_hosts_select(e->hosts, c->rt->id, &cl, c->tried,
		    c->ntried, &c->target) == -1)
			return -1;
		sl = relay_sockaddr(&c->target.addr, c->target.port, &ss);
		if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0)) == -1)
			return -1;
		c->has_target = true;
		c->attempts++;
		if (c->target.host_id != HS_ID_NONE) {
			c->tried[c->ntried++ % RELAY_TRIED_MAX] =
			    c->target.host_id;
			relay_hosts_count(e->hosts, c->target.host_id, 1);
			c->counted = true;
		}
		(void)sockopt_host(fd, ss.ss_family, &c->rt->tune);
		sockopt_nodelay(fd);
		if (connect(fd, (struct sockaddr *)&ss, sl) == -1 &&
		    errno != EINPROGRESS) {
			close(fd);
			host_uncount(c);
			c->rt->stats.connect_fail++;
			continue;
		}
		c->hfd = fd;
		c->hev = event_new(e->base, fd, EV_READ | EV_WRITE | EV_ET |
		    EV_PERSIST, host_ev, c);
		if (c->hev == NULL || event_add(c->hev, NULL) == -1) {
			host_close(c);
			return -1;
		}
		return 0;
	}
}

/* A query from the client: forwarded, or answered SERVFAIL. */
static void
query_in(struct dns_conn *c, uint8_t *p, size_t len)
{
	struct relay_rt		*rt = c->rt;
	struct dns_query	*q;
	struct dns_msg		 m;

	if (dns_parse_query(p, len, &m) != DNS_OK) {
		rt->stats.malformed++;
		return;
	}
	rt->stats.queries++;
	rt->stats.bytes_in += len;
	c->bytes_in += len;
	c->nqueries++;
	if (c->hfd == -1)
		c->ntried = c->attempts = 0;
	if ((c->hfd == -1 && host_connect(c) == -1) ||
	    (q = dns_query_new(c->e, rt, c, &m, len)) == NULL) {
		servfail(c, m.id, m.flags, &m.q);
		return;
	}
	q->target = c->target;
	TAILQ_INSERT_TAIL(&c->queries, q, conn_entry);
	c->npending++;
	dns_set_id(p, q->id);
	if (buf_message(&c->hout, p, len) == -1)
		dns_conn_end(c, SESS_ERROR);
}

/* An answer from the host, for one of this connection's queries. */
static void
answer_in(struct dns_conn *c, uint8_t *p, size_t len)
{
	struct relay_rt		*rt = c->rt;
	struct dns_query	*q;
	struct dns_msg		 m;

	if (dns_parse_answer(p, len, &m) != DNS_OK) {
		rt->stats.malformed++;
		return;
	}
	if ((q = dns_query_find(c->e, &m)) == NULL || q->conn != c) {
		rt->stats.unmatched++;
		return;
	}
	dns_set_id(p, q->client_id);
	if (buf_message(&c->cout, p, len) == -1) {
		dns_conn_end(c, SESS_ERROR);
		return;
	}
	rt->stats.answers++;
	rt->stats.bytes_out += len;
	c->bytes_out += len;
	dns_query_end(c->e, q, SESS_DONE, DNS_RCODE(m.flags), len);
}

static bool
client_may_send(const struct dns_conn *c)
{
	return c->npending < DNS_TCP_PIPELINE &&
	    buf_used(&c->hout) < DNS_TCP_OUT_MAX &&
	    buf_used(&c->cout) < DNS_TCP_OUT_MAX;
}

/*
 * The complete messages in b, each to handle while may() allows; the
 * room the next one needs (its whole length once its prefix is in).
 */
static size_t
messages(struct dns_conn *c, struct dns_buf *b, bool (*may)(
    const struct dns_conn *), void (*handle)(struct dns_conn *, uint8_t *,
    size_t))
{
	size_t	len;

	while (!c->ended && buf_used(b) >= 2 && may(c)) {
		len = prefix(b);
		if (buf_used(b) < 2 + len)
			return 2 + len - buf_used(b);
		b->off += 2 + len;
		handle(c, b->b + b->off - len, len);
	}
	if (buf_used(b) == 1)
		return 1;
	return DNS_TCP_BUF_MIN;
}

static bool
host_may_answer(const struct dns_conn *c)
{
	return buf_used(&c->cout) < DNS_TCP_OUT_MAX;
}

/*
 * Read what a side offers into b and handle its messages; true if
 * anything moved.  *can: the side may have more; *eof: it said it has
 * no more.  -1 on an error (errno).
 */
static int
side_read(struct dns_conn *c, int fd, struct dns_buf *b, bool *can,
    bool (*may)(const struct dns_conn *),
    void (*handle)(struct dns_conn *, uint8_t *, size_t), bool *eof)
{
	size_t	want;
	ssize_t	n;
	int	moved = 0;

	want = messages(c, b, may, handle);
	if (c->ended || !*can || *eof || !may(c))
		return moved;
	if (buf_reserve(b, want) == -1) {
		errno = ENOMEM;
		return -1;
	}
	n = recv(fd, b->b + b->len, b->cap - b->len, 0);
	if (n == 0) {
		*eof = true;
		*can = false;
		return 1;
	}
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
			*can = false;
			return 0;
		}
		return -1;
	}
	/* A short read drained the socket: its next data is a new edge. */
	if ((size_t)n < b->cap - b->len)
		*can = false;
	b->len += (size_t)n;
	c->last_ms = relay_now_ms();
	(void)messages(c, b, may, handle);
	return 1;
}

/* Write what b holds to fd; true if anything moved, -1 on an error. */
static int
side_write(int fd, struct dns_buf *b, bool *can)
{
	ssize_t	n;

	if (!*can || buf_used(b) == 0)
		return 0;
	n = send(fd, b->b + b->off, buf_used(b), MSG_NOSIGNAL);
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
			*can = false;
			return 0;
		}
		return -1;
	}
	if ((size_t)n < buf_used(b))
		*can = false;
	b->off += (size_t)n;
	buf_trim(b);
	return 1;
}

/* One round over the four directions; true if anything moved. */
static bool
conn_step(struct dns_conn *c)
{
	bool	moved = false, h_eof = false;
	int	r;

	r = side_read(c, c->cfd, &c->cin, &c->c_read, client_may_send,
	    query_in, &c->c_eof);
	if (r == -1) {
		dns_conn_end(c, SESS_CLIENT_RESET);
		return false;
	}
	moved |= r > 0;
	if (c->ended)
		return false;
	if (c->h_open && (r = side_write(c->hfd, &c->hout, &c->h_write)) ==
	    -1) {
		host_lost(c, SESS_HOST_RESET);
		return !c->ended;
	}
	moved |= r > 0;
	if (c->h_open) {
		r = side_read(c, c->hfd, &c->hin, &c->h_read, host_may_answer,
		    answer_in, &h_eof);
		if (r == -1 || h_eof) {
			host_lost(c, SESS_HOST_RESET);
			return !c->ended;
		}
		moved |= r > 0;
	}
	if (c->ended)
		return false;
	if ((r = side_write(c->cfd, &c->cout, &c->c_write)) == -1) {
		dns_conn_end(c, SESS_CLIENT_RESET);
		return false;
	}
	if (r > 0)
		c->last_ms = relay_now_ms();
	return moved || r > 0;
}

/* Move what can move; c may be freed on return. */
static void
conn_run(struct dns_conn *c)
{
	c->running = true;
	while (!c->ended && conn_step(c))
		;
	if (!c->ended && c->c_eof && c->npending == 0 &&
	    buf_used(&c->cout) == 0)
		dns_conn_end(c, SESS_DONE);
	c->running = false;
	if (c->ended) {
		free(c);
		return;
	}
	buf_trim(&c->cin);
}

static void
client_ev(evutil_socket_t fd, short what, void *arg)
{
	struct dns_conn	*c = arg;

	if (what & EV_READ)
		c->c_read = true;
	if (what & EV_WRITE)
		c->c_write = true;
	conn_run(c);
}

static void
host_ev(evutil_socket_t fd, short what, void *arg)
{
	struct dns_conn	*c = arg;
	int		 err = 0;
	socklen_t	 len = sizeof(err);

	if (!c->h_open) {
		if (!(what & EV_WRITE))
			return;		/* not connected yet */
		if (getsockopt(c->hfd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
			err = errno;
		if (err != 0) {
			/* Freed by conn_run only, whatever happens here. */
			c->running = true;
			c->rt->stats.connect_fail++;
			host_close(c);
			if (host_connect(c) == -1)
				host_lost(c, SESS_CONNECT_FAILED);
			conn_run(c);
			return;
		}
		c->h_open = true;
	}
	if (what & EV_READ)
		c->h_read = true;
	if (what & EV_WRITE)
		c->h_write = true;
	conn_run(c);
}

/* Idle at the relay's timeout, with nothing in flight: done. */
static void
conn_timer(evutil_socket_t fd, short what, void *arg)
{
	struct dns_conn	*c = arg;
	uint64_t	 idle = relay_now_ms() - c->last_ms;
	uint64_t	 limit = c->rt->tune.timeout_ms;
	struct timeval	 tv;

	if (idle >= limit && c->npending == 0 && buf_used(&c->cout) == 0) {
		dns_conn_end(c, SESS_DONE);
		return;
	}
	if (idle >= limit)
		idle = 0;
	tv.tv_sec = (time_t)((limit - idle) / 1000);
	tv.tv_usec = (suseconds_t)((limit - idle) % 1000 * 1000);
	evtimer_add(c->timer, &tv);
}

void
dns_tcp_accept(struct listener *l, int fd, const struct sockaddr_storage *ss)
{
	struct relay_engine	*e = l->eng;
	struct relay_rt		*rt = l->rt;
	struct dns_engine	*d = dns_engine(e);
	struct dns_conn		*c;
	struct timeval		 tv;

	if (d == NULL || dns_rt(rt) == NULL ||
	    (c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		rt->stats.errors++;
		return;
	}
	c->e = e;
	c->rt = rt;
	rt->refs++;
	c->sid = e->next_id++;
	c->start_ms = c->last_ms = relay_now_ms();
	relay_addr_of(ss, &c->caddr, &c->cport);
	c->laddr = l->addr;
	c->lport = l->port;
	c->cfd = fd;
	c->hfd = -1;
	TAILQ_INIT(&c->queries);
	LIST_INSERT_HEAD(&d->conns, c, entry);
	e->nsessions++;
	rt->stats.active++;
	rt->stats.total++;
	sockopt_nodelay(fd);
	tv.tv_sec = rt->tune.timeout_ms / 1000;
	tv.tv_usec = rt->tune.timeout_ms % 1000 * 1000;
	c->cev = event_new(e->base, fd, EV_READ | EV_WRITE | EV_ET |
	    EV_PERSIST, client_ev, c);
	c->timer = evtimer_new(e->base, conn_timer, c);
	if (c->cev == NULL || c->timer == NULL ||
	    event_add(c->cev, NULL) == -1 || evtimer_add(c->timer, &tv) == -1)
		dns_conn_end(c, SESS_ERROR);
}

void
dns_conn_query_gone(struct dns_conn *c, struct dns_query *q,
    enum session_end why)
{
	TAILQ_REMOVE(&c->queries, q, conn_entry);
	c->npending--;
	if (why == SESS_TIMEOUT)
		c->ntimeouts++;
}

void
dns_conn_row(const struct dns_conn *c, struct ctl_session *row)
{
	uint64_t	now = relay_now_ms();

	session_row_head(c->e, c->rt, c->sid, row);
	row->client = c->caddr;
	row->client_port = c->cport;
	if (c->has_target) {
		row->host = c->target.addr;
		row->host_port = c->target.port;
	}
	row->age_ms = now - c->start_ms;
	row->idle_ms = now - c->last_ms;
	row->bytes_in = c->bytes_in;
	row->bytes_out = c->bytes_out;
	(void)snprintf(row->detail, sizeof(row->detail), "tcp: %u queries, "
	    "%u pending, %u timeouts", c->nqueries, c->npending,
	    c->ntimeouts);
}

/*
 * The end of a connection and of its queries; c is freed, at once or
 * (inside conn_run) when conn_run is done with it.
 */
void
dns_conn_end(struct dns_conn *c, enum session_end why)
{
	struct relay_engine	*e = c->e;
	struct relay_rt		*rt = c->rt;
	struct ctl_session	 row;

	if (c->ended)
		return;
	c->ended = true;
	while (!TAILQ_EMPTY(&c->queries))
		dns_query_end(e, TAILQ_FIRST(&c->queries), why, -1, 0);
	if (relay_session_noted(e, why)) {
		dns_conn_row(c, &row);
		row.end = (uint8_t)why;
		relay_session_ended(e, &row);
	}
	if (why != SESS_DONE && why != SESS_SHUTDOWN)
		rt->stats.errors++;
	rt->stats.active--;
	host_close(c);
	if (c->cev != NULL)
		event_free(c->cev);
	if (c->timer != NULL)
		event_free(c->timer);
	close(c->cfd);
	c->cev = c->timer = NULL;
	c->cfd = -1;
	free(c->cin.b);
	free(c->cout.b);
	free(c->hout.b);
	memset(&c->cin, 0, sizeof(c->cin));
	memset(&c->cout, 0, sizeof(c->cout));
	memset(&c->hout, 0, sizeof(c->hout));
	LIST_REMOVE(c, entry);
	e->nsessions--;
	relay_rt_unref(e, rt);
	if (e->paused)
		listener_resume(e);
	if (!c->running)
		free(c);
}
