/*
 * The protocol's tcp options on the relay's sockets.  A connection
 * accepted by Linux inherits the listener's nodelay, buffer sizes, ttl
 * and minttl, so the client side costs no system call per session; the
 * host side is set on each socket before it connects.  Linux has no
 * per-socket SACK switch: "sack" follows net.ipv4.tcp_sack.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <string.h>

/* The TCP option number of <netinet/tcp.h>, not the configuration's. */
#undef TCPOPT_SACK

#include "relay/relay_priv.h"

void
relay_tune_of(const struct config *c, const struct relay_conf *r,
    struct relay_tune *t)
{
	const struct tcp_opts	*o = NULL;

	memset(t, 0, sizeof(*t));
	t->timeout_ms = r->timeout_s > UINT32_MAX / 1000 ? UINT32_MAX :
	    r->timeout_s * 1000;
	t->bufsize = HS_SESSION_BUFFER_DEFAULT;
	t->splice = true;
	t->retry = r->has_forward ? r->forward.retry : r->retry;
	t->backlog = HS_BACKLOG_DEFAULT;
	/* The relay's cap, shared out between the processes. */
	if (r->sessions != 0)
		t->max_sessions = (r->sessions + c->prefork - 1) / c->prefork;
	if (r->protocol_id < c->nprotocols) {
		o = &c->protocols[r->protocol_id].tcp;
		t->dns = c->protocols[r->protocol_id].type == PROTO_DNS;
	}
	if (o == NULL)
		return;
	/* A request and its answer each go out at once: no Nagle delay. */
	if (c->protocols[r->protocol_id].type == PROTO_HTTP)
		t->nodelay = true;
	t->backlog = o->backlog;
	if (o->set & TCPOPT_SESSION_BUFFER)
		t->bufsize = o->session_buffer;
	if (o->set & TCPOPT_SPLICE)
		t->splice = (o->on & TCPOPT_SPLICE) != 0;
	if (o->set & TCPOPT_NODELAY)
		t->nodelay = (o->on & TCPOPT_NODELAY) != 0;
	if (o->set & TCPOPT_BUFSIZE)
		t->sockbuf = o->bufsize;
	if (o->set & TCPOPT_TTL)
		t->ttl = o->ttl;
	if (o->set & TCPOPT_MINTTL)
		t->minttl = o->minttl;
}

static int
set_int(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof(v));
}

/* Only what is configured: an option left out keeps the kernel's. */
static int
sockopt_apply(int fd, int family, const struct relay_tune *t)
{
	int	rv = 0;
	bool	v6 = family == AF_INET6;

	if (t->nodelay)
		rv |= set_int(fd, IPPROTO_TCP, TCP_NODELAY, 1);
	if (t->sockbuf != 0) {
		rv |= set_int(fd, SOL_SOCKET, SO_SNDBUF, (int)t->sockbuf);
		rv |= set_int(fd, SOL_SOCKET, SO_RCVBUF, (int)t->sockbuf);
	}
	if (t->ttl != 0)
		rv |= set_int(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
		    v6 ? IPV6_UNICAST_HOPS : IP_TTL, (int)t->ttl);
	if (t->minttl != 0)
		rv |= set_int(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
		    v6 ? IPV6_MINHOPCOUNT : IP_MINTTL, (int)t->minttl);
	return rv == 0 ? 0 : -1;
}

static int
sock_family(int fd)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return AF_INET;
	return ss.ss_family;
}

/* A DNS relay's UDP sockets: the buffer sizes and the ttl only. */
int
sockopt_udp(int fd, int family, const struct relay_tune *t)
{
	struct relay_tune	u;

	memset(&u, 0, sizeof(u));
	u.sockbuf = t->sockbuf;
	u.ttl = t->ttl;
	return sockopt_apply(fd, family, &u);
}

static int
sock_type(int fd)
{
	int		type = SOCK_STREAM;
	socklen_t	len = sizeof(type);

	(void)getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len);
	return type;
}

/* Again at every switch: a reload may change the options. */
void
sockopt_listener(struct relay_engine *e, int fd, const struct relay_tune *t)
{
	if (sock_type(fd) == SOCK_DGRAM) {
		if (sockopt_udp(fd, sock_family(fd), t) == -1)
			relay_log(e, 0, "relay: listener options: %s",
			    strerror(errno));
		return;
	}
	if (sockopt_apply(fd, sock_family(fd), t) == -1 ||
	    listen(fd, (int)t->backlog) == -1)
		relay_log(e, 0, "relay: listener options: %s",
		    strerror(errno));
}

/* DNS over TCP: whole messages, never held back waiting for more. */
void
sockopt_nodelay(int fd)
{
	(void)set_int(fd, IPPROTO_TCP, TCP_NODELAY, 1);
}

int
sockopt_host(int fd, int family, const struct relay_tune *t)
{
	return sockopt_apply(fd, family, t);
}
