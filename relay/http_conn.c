/*
 * Connections to hosts, and the pool of idle ones: a request takes an
 * idle connection to its host when there is one (from the very first
 * request of a session), else connects.  A connection goes back to the
 * pool only when its exchange ended cleanly (framing respected, nothing
 * pending either way, no close asked); idle, anything it reads means the
 * host closed it or broke the protocol, and it is closed.  Each socket
 * is registered once, for its whole life, like the sessions' own.
 * Towards hosts over TLS, the handshake follows the connect (its end is
 * http_host_handshake's), and an idle connection reads TLS's own
 * records (tickets) without being closed for them.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "relay/http_relay.h"
#include "relay/tls.h"

static void	conn_idle_event(struct leg *);

static size_t
bucket_of(const struct hs_addr *a, uint16_t port)
{
	uint32_t	h = 2166136261u;
	size_t		i, n = a->family == HS_AF_INET6 ? 16 : 4;

	for (i = 0; i < n; i++)
		h = (h ^ a->bytes[i]) * 16777619u;
	h = (h ^ port) * 16777619u;
	return h % HTTP_POOL_BUCKETS;
}

static void
unlink_idle(struct http_engine *he, struct http_conn *c)
{
	if (!c->idle)
		return;
	TAILQ_REMOVE(&he->idle[bucket_of(&c->addr, c->port)], c, bucket);
	TAILQ_REMOVE(&he->lru, c, lru);
	he->nidle--;
	c->idle = false;
}

void
http_conn_close(struct http_engine *he, struct http_conn *c)
{
	if (c == NULL || c->closed)
		return;
	unlink_idle(he, c);
	tls_leg_free(&c->leg);
	free(c->tls_name);
	c->tls_name = NULL;
	if (c->leg.fd != -1)
		close(c->leg.fd);
	c->leg.fd = -1;
	c->leg.s = NULL;
	c->leg.open = c->leg.can_read = c->leg.can_write = false;
	c->closed = true;
	/* An event of this batch may still name it. */
	if (he->e->in_batch)
		LIST_INSERT_HEAD(&he->dead, c, dead);
	else
		free(c);
}

/* Idle: readable means closed by the host, or bytes nobody asked for. */
static void
conn_idle_event(struct leg *l)
{
	struct http_conn	*c = (struct http_conn *)l;

	if (c->closed || !c->idle)
		return;
	if (l->tls != NULL && l->can_read && !l->rdhup &&
	    tls_leg_idle_read(l) == 0)
		return;
	if (l->can_read || l->rdhup)
		http_conn_close(c->he, c);
}

const struct http_conn *
http_conn_of(const struct leg *l)
{
	/* Only a host connection's leg has this handler (leg comes first). */
	return l->idle == conn_idle_event ? (const struct http_conn *)l : NULL;
}

/* The TLS context towards s's host, NULL: plain. */
static const void *
tls_ctx_of(const struct session *s)
{
	return s->rt->tls != NULL ? (const void *)s->rt->tls->client : NULL;
}

static bool
conn_fits(const struct http_conn *c, const struct session *s,
    const struct relay_target *t)
{
	const char	*name;

	if (c->port != t->port || !addr_equal(&c->addr, &t->addr) ||
	    c->tls_ctx != tls_ctx_of(s))
		return false;
	if (c->tls_ctx == NULL)
		return true;
	name = tls_host_name(s);
	return strcmp(c->tls_name, name != NULL ? name : "") == 0;
}

static struct http_conn *
pool_take(struct http_engine *he, const struct session *s,
    const struct relay_target *t)
{
	struct http_conn	*c;

	TAILQ_FOREACH(c, &he->idle[bucket_of(&t->addr, t->port)], bucket)
		if (conn_fits(c, s, t)) {
			unlink_idle(he, c);
			return c;
		}
	return NULL;
}

/* Out of descriptors: the idle connections give theirs back. */
static void
pool_trim(struct http_engine *he)
{
	struct http_conn	*c;

	while ((c = TAILQ_FIRST(&he->lru)) != NULL)
		http_conn_close(he, c);
}

static int
conn_socket(struct http_engine *he, int family)
{
	int	fd;

	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1 && (errno == EMFILE || errno == ENFILE) &&
	    he->nidle > 0) {
		pool_trim(he);
		fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	}
	return fd;
}

/*
 * A connection for x's target: 1 with a pooled one (or connected at
 * once), 0 with a connect under way, -2 when the connect was refused at
 * once, -1 when no socket could be had.
 */
int
http_conn_get(struct session *s, struct http_xchg *x)
{
	struct http_engine	*he = s->eng->http;
	struct sockaddr_storage	 ss;
	struct http_conn	*c;
	socklen_t		 sl;
	int			 fd;

	if (!x->retried && (c = pool_take(he, s, &x->target)) != NULL) {
		c->leg.s = s;
		x->conn = c;
		x->reused = true;
		return 1;
	}
	x->reused = false;
	sl = relay_sockaddr(&x->target.addr, x->target.port, &ss);
	if ((fd = conn_socket(he, ss.ss_family)) == -1)
		return -1;
	(void)sockopt_host(fd, ss.ss_family, &s->rt->tune);
	if (connect(fd, (struct sockaddr *)&ss, sl) == -1 &&
	    errno != EINPROGRESS) {
		close(fd);
		return -2;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		return -1;
	}
	c->he = he;
	c->leg.s = s;
	c->leg.ops = &leg_plain;
	c->leg.idle = conn_idle_event;
	c->leg.fd = fd;
	c->addr = x->target.addr;
	c->port = x->target.port;
	c->host_id = x->target.host_id;
	if (poll_add(s->eng, &c->leg) == -1) {
		close(fd);
		free(c);
		return -1;
	}
	x->conn = c;
	return 0;
}

/* The connect's outcome: 1 connected, 0 not yet, -1 failed. */
int
http_conn_connected(struct http_conn *c)
{
	int		err = 0;
	socklen_t	len = sizeof(err);

	if (getsockopt(c->leg.fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err != 0)
		return -1;
	if (!c->leg.can_write)
		return 0;
	return 1;
}

/*
 * Connected: open at once, or TLS set up (1), with what the pool will
 * match it by.  -1: no TLS could be set up.
 */
int
http_conn_tls(struct session *s, struct http_conn *c)
{
	const char	*name;
	int		 r;

	if ((r = tls_http_connect(s, &c->leg)) == 0) {
		c->leg.open = true;
		return 0;
	}
	if (r == -1)
		return -1;
	name = tls_host_name(s);
	if ((c->tls_name = strdup(name != NULL ? name : "")) == NULL)
		return -1;
	c->tls_ctx = tls_ctx_of(s);
	return 1;
}

static size_t
idle_to(struct http_engine *he, const struct http_conn *c)
{
	struct http_conn	*o;
	size_t			 n = 0;

	TAILQ_FOREACH(o, &he->idle[bucket_of(&c->addr, c->port)], bucket)
		if (o->port == c->port && addr_equal(&o->addr, &c->addr))
			n++;
	return n;
}

/*
 * Done with c: kept for another request if the exchange allows it, the
 * host said nothing more, and the pool has room for its host; closed
 * otherwise.  It stays idle for at most timeout_ms (and 60 s).
 */
void
http_conn_release(struct http_engine *he, struct http_conn *c, bool reuse,
    uint32_t keepalive, uint32_t timeout_ms)
{
	if (c == NULL)
		return;
	if (!reuse || !c->leg.open || c->leg.can_read || c->leg.rdhup ||
	    he->e->stopping || idle_to(he, c) >= keepalive) {
		http_conn_close(he, c);
		return;
	}
	if (timeout_ms > 60000)
		timeout_ms = 60000;
	c->leg.s = NULL;
	c->idle = true;
	c->uses++;
	c->expires = relay_now_ms() + timeout_ms;
	TAILQ_INSERT_HEAD(&he->idle[bucket_of(&c->addr, c->port)], c, bucket);
	TAILQ_INSERT_TAIL(&he->lru, c, lru);
	he->nidle++;
	http_sweep_arm(he);
}
