/*
 * DNS over UDP.  A relay's listener is read in batches (recvmmsg); each
 * well-formed query gets a host, as a session of a TCP relay would, and
 * a fresh ID, and leaves on that relay's socket for that host: a UDP
 * socket connected to the host's address and port, so the kernel lets
 * only the host's own datagrams in.  The sockets are long-lived, bound
 * to a random port (the kernel picks ephemeral ports at random), and
 * replaced by a fresh one after DNS_SOCKET_QUERIES queries or
 * DNS_SOCKET_MS, the old one staying until its queries are answered or
 * expire.  Answers are read in batches too, matched, given the client's
 * ID back, and sent from the listener in batches (sendmmsg), one call
 * for each socket the datagrams of a batch go to.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "relay/dns_priv.h"

#define DNS_READ_ROUNDS	4	/* batches per wake-up, for fairness */

static void	usock_ready(evutil_socket_t, short, void *);

void
dns_sockname_of(const struct hs_addr *a, uint16_t port,
    struct dns_sockname *n)
{
	struct sockaddr_storage	ss;

	n->len = relay_sockaddr(a, port, &ss);
	memcpy(&n->u, &ss, n->len);
}

static void
sockname_addr(const struct dns_sockname *n, struct hs_addr *a,
    uint16_t *port)
{
	struct sockaddr_storage	ss;

	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, &n->u, n->len < sizeof(n->u) ? n->len : sizeof(n->u));
	relay_addr_of(&ss, a, port);
}

/* Family, address and port: the kernel may fill in the rest (scope). */
static bool
sockname_equal(const struct dns_sockname *a, socklen_t alen,
    const struct dns_sockname *b)
{
	if (alen < sizeof(sa_family_t) ||
	    a->u.sa.sa_family != b->u.sa.sa_family)
		return false;
	if (b->u.sa.sa_family == AF_INET)
		return alen >= sizeof(a->u.sin) &&
		    a->u.sin.sin_port == b->u.sin.sin_port &&
		    a->u.sin.sin_addr.s_addr == b->u.sin.sin_addr.s_addr;
	return alen >= sizeof(a->u.sin6) &&
	    a->u.sin6.sin6_port == b->u.sin6.sin6_port &&
	    memcmp(&a->u.sin6.sin6_addr, &b->u.sin6.sin6_addr, 16) == 0;
}

static size_t
bucket(const struct hs_addr *a, uint16_t port)
{
	size_t	i, h = port;

	for (i = 0; i < sizeof(a->bytes); i++)
		h = h * 31 + a->bytes[i];
	return h % DNS_UPSTREAM_BUCKETS;
}

static void
usock_close(struct dns_usock *us)
{
	struct dns_upstream	*up = us->up;

	if (us->retired)
		LIST_REMOVE(us, entry);
	else
		up->active = NULL;
	if (us->ev != NULL)
		event_free(us->ev);
	close(us->fd);
	free(us);
	/* Made again when a query needs it. */
	if (up->active == NULL && LIST_EMPTY(&up->retired)) {
		LIST_REMOVE(up, entry);
		free(up);
	}
}

static void
usock_retire(struct dns_usock *us)
{
	if (us->up->active == us)
		us->up->active = NULL;
	us->retired = true;
	LIST_INSERT_HEAD(&us->up->retired, us, entry);
	if (us->pending == 0 && !us->busy)
		usock_close(us);
}

/* A query answered or gone: a retired socket closes with its last. */
void
dns_usock_done(struct dns_usock *us)
{
	us->pending--;
	if (us->retired && us->pending == 0 && !us->busy)
		usock_close(us);
}

static struct dns_usock *
usock_open(struct relay_engine *e, struct dns_upstream *up)
{
	struct dns_usock	*us;
	int			 fd;

	fd = socket(up->name.u.sa.sa_family, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd == -1)
		return NULL;
	(void)sockopt_udp(fd, up->name.u.sa.sa_family, &up->rt->tune);
	if (connect(fd, &up->name.u.sa, up->name.len) == -1 ||
	    (us = calloc(1, sizeof(*us))) == NULL) {
		close(fd);
		return NULL;
	}
	us->fd = fd;
	us->up = up;
	us->born_ms = relay_now_ms();
	us->ev = event_new(e->base, fd, EV_READ | EV_PERSIST, usock_ready, us);
	if (us->ev == NULL || event_add(us->ev, NULL) == -1) {
		if (us->ev != NULL)
			event_free(us->ev);
		close(fd);
		free(us);
		return NULL;
	}
	return us;
}

static struct dns_upstream *
upstream_get(struct relay_engine *e, struct dns_rt *dr, struct relay_rt *rt,
    const struct relay_target *t)
{
	struct dns_upstream	*up;
	size_t			 b = bucket(&t->addr, t->port);

	LIST_FOREACH(up, &dr->upstreams[b], entry)
		if (up->port == t->port && addr_equal(&up->addr, &t->addr))
			return up;
	if ((up = calloc(1, sizeof(*up))) == NULL)
		return NULL;
	up->e = e;
	up->rt = rt;
	up->addr = t->addr;
	up->port = t->port;
	dns_sockname_of(&t->addr, t->port, &up->name);
	LIST_INIT(&up->retired);
	LIST_INSERT_HEAD(&dr->upstreams[b], up, entry);
	return up;
}

/*
 * The socket a query to target leaves by: the active one, or a fresh
 * one when it is due (the old one kept if none can be had).  The fresh
 * one is active before the old one retires, which may close it: the
 * upstream must not look unused then, or it would be freed.
 */
struct dns_usock *
dns_usock_get(struct relay_engine *e, struct relay_rt *rt,
    const struct relay_target *t)
{
	struct dns_rt		*dr = dns_rt(rt);
	struct dns_upstream	*up;
	struct dns_usock	*us, *fresh;

	if (dr == NULL || (up = upstream_get(e, dr, rt, t)) == NULL)
		return NULL;
	us = up->active;
	if (us != NULL && us->sent < DNS_SOCKET_QUERIES &&
	    relay_now_ms() - us->born_ms < DNS_SOCKET_MS)
		return us;
	if ((fresh = usock_open(e, up)) == NULL) {
		if (us != NULL)
			return us;
		if (LIST_EMPTY(&up->retired)) {
			LIST_REMOVE(up, entry);
			free(up);
		}
		return NULL;
	}
	up->active = fresh;
	if (us != NULL)
		usock_retire(us);
	return fresh;
}

void
dns_upstreams_refresh(struct dns_rt *dr)
{
	struct dns_upstream	*up, *next;
	size_t			 i;

	for (i = 0; i < DNS_UPSTREAM_BUCKETS; i++)
		for (up = LIST_FIRST(&dr->upstreams[i]); up != NULL;
		    up = next) {
			next = LIST_NEXT(up, entry);
			if (up->active != NULL)
				usock_retire(up->active);
		}
}

void
dns_upstreams_free(struct dns_rt *dr)
{
	struct dns_upstream	*up;
	struct dns_usock	*us;
	size_t			 i;

	for (i = 0; i < DNS_UPSTREAM_BUCKETS; i++)
		while ((up = LIST_FIRST(&dr->upstreams[i])) != NULL) {
			while ((us = LIST_FIRST(&up->retired)) != NULL) {
				us->pending = 0;
				usock_close(us);
			}
			if (up->active == NULL)
				continue;	/* freed with its last socket */
			up->active->pending = 0;
			usock_close(up->active);
		}
}

/* Ready for recvmmsg: every datagram of the batch in its own buffer. */
static void
batch_arm(struct dns_batch *b, bool names)
{
	size_t	i;

	for (i = 0; i < DNS_BATCH; i++) {
		b->iov[i].iov_base = b->buf[i];
		b->iov[i].iov_len = sizeof(b->buf[i]);
		memset(&b->msg[i].msg_hdr, 0, sizeof(b->msg[i].msg_hdr));
		b->msg[i].msg_hdr.msg_iov = &b->iov[i];
		b->msg[i].msg_hdr.msg_iovlen = 1;
		if (names) {
			b->msg[i].msg_hdr.msg_name = &b->name[i].u;
			b->msg[i].msg_hdr.msg_namelen = sizeof(b->name[i].u);
		}
		b->fd[i] = -1;
		b->q[i] = NULL;
	}
}

/* Datagram j could not be sent: its query fails (or the answer is lost). */
static void
send_failed(struct relay_engine *e, struct relay_rt *rt,
    struct dns_batch *b, size_t j)
{
	if (b->q[j] != NULL)
		dns_query_end(e, b->q[j], SESS_ERROR, -1, 0);
	else
		rt->stats.errors++;
}

/*
 * One sendmmsg for the datagrams idx[0..k) that go to fd.  A refusal
 * the kernel kept from an earlier ICMP error is reported once, instead
 * of sending: that datagram is tried again.  A full socket drops what is
 * left, as the network would.
 */
static void
send_group(struct relay_engine *e, struct relay_rt *rt, struct dns_batch *b,
    int fd, struct mmsghdr *out, const size_t *idx, size_t k)
{
	size_t	off = 0;
	int	r, refused = 0;

	while (off < k) {
		r = sendmmsg(fd, out + off, (unsigned)(k - off), MSG_DONTWAIT);
		if (r > 0) {
			off += (size_t)r;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno == ECONNREFUSED && refused++ == 0) {
			rt->stats.connect_fail++;
			continue;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == ENOBUFS) {
			while (off < k)
				send_failed(e, rt, b, idx[off++]);
			return;
		}
		send_failed(e, rt, b, idx[off++]);
	}
}

/* Send what the batch's n datagrams became, grouped by socket. */
static void
batch_send(struct relay_engine *e, struct relay_rt *rt, struct dns_batch *b,
    size_t n)
{
	struct mmsghdr	out[DNS_BATCH];
	size_t		idx[DNS_BATCH], i, j, k;
	int		fd;

	for (i = 0; i < n; i++) {
		if ((fd = b->fd[i]) == -1)
			continue;
		for (j = i, k = 0; j < n; j++) {
			if (b->fd[j] != fd)
				continue;
			memset(&out[k], 0, sizeof(out[k]));
			b->iov[j].iov_len = b->len[j];
			out[k].msg_hdr.msg_iov = &b->iov[j];
			out[k].msg_hdr.msg_iovlen = 1;
			if (b->q[j] == NULL) {
				out[k].msg_hdr.msg_name = &b->name[j].u;
				out[k].msg_hdr.msg_namelen = b->name[j].len;
			}
			idx[k++] = j;
			b->fd[j] = -1;
		}
		send_group(e, rt, b, fd, out, idx, k);
	}
}

/*
 * A query that goes nowhere (no host up, no socket, no ID): a SERVFAIL
 * in its place, so that the client asks elsewhere at once.
 */
static void
query_refused(struct relay_engine *e, struct listener *l,
    struct dns_batch *b, size_t i, const struct dns_msg *m,
    enum session_end why)
{
	struct relay_rt		*rt = l->rt;
	struct dns_query	 q;
	struct ctl_session	 row;

	rt->stats.errors++;
	b->len[i] = (uint16_t)dns_servfail(m->id, m->flags, &m->q, b->buf[i],
	    sizeof(b->buf[i]));
	b->fd[i] = l->fd;
	if (!relay_session_noted(e, why))
		return;
	memset(&q, 0, sizeof(q));
	q.rt = rt;
	q.sid = e->next_id++;
	q.start_ms = relay_now_ms();
	q.size = (uint16_t)b->msg[i].msg_len;
	q.client = b->name[i];
	q.q = m->q;
	dns_query_row(e, &q, &row);
	row.end = (uint8_t)why;
	relay_session_ended(e, &row);
}

/* Datagram i of a listener's batch: a query to forward, or dropped. */
static void
query_in(struct relay_engine *e, struct listener *l, struct dns_batch *b,
    size_t i)
{
	struct relay_rt		*rt = l->rt;
	uint8_t			*p = b->buf[i];
	size_t			 len = b->msg[i].msg_len;
	struct dns_msg		 m;
	struct lb_client	 cl;
	struct relay_target	 t;
	struct dns_usock	*us;
	struct dns_query	*q;
	uint16_t		 cport;

	b->name[i].len = b->msg[i].msg_hdr.msg_namelen;
	if ((b->msg[i].msg_hdr.msg_flags & MSG_TRUNC) ||
	    dns_parse_query(p, len, &m) != DNS_OK) {
		rt->stats.malformed++;
		return;
	}
	rt->stats.queries++;
	rt->stats.total++;
	rt->stats.bytes_in += len;
	memset(&cl, 0, sizeof(cl));
	sockname_addr(&b->name[i], &cl.addr, &cport);
	cl.relay_addr = l->addr;
	cl.relay_port = l->port;
	if (rt->id == HS_ID_NONE || relay_hosts_select(e->hosts, rt->id, &cl,
	    NULL, 0, &t) == -1) {
		query_refused(e, l, b, i, &m, SESS_NO_HOST);
		return;
	}
	if ((us = dns_usock_get(e, rt, &t)) == NULL ||
	    (q = dns_query_new(e, rt, NULL, &m, len)) == NULL) {
		query_refused(e, l, b, i, &m, SESS_ERROR);
		return;
	}
	q->l = l;
	q->client = b->name[i];
	q->usock = us;
	q->target = t;
	us->pending++;
	us->sent++;
	if (t.host_id != HS_ID_NONE) {
		relay_hosts_count(e->hosts, t.host_id, 1);
		q->counted = true;
	}
	/* Answers must fit the batch's buffers. */
	if (m.has_opt && m.opt_size > DNS_UDP_MAX)
		dns_put16(p + m.opt_size_at, DNS_UDP_MAX);
	dns_set_id(p, q->id);
	b->len[i] = (uint16_t)len;
	b->fd[i] = us->fd;
	b->q[i] = q;
}

void
dns_udp_ready(evutil_socket_t fd, short what, void *arg)
{
	struct listener		*l = arg;
	struct relay_engine	*e = l->eng;
	struct relay_rt		*rt = l->rt;
	struct dns_engine	*d;
	struct dns_batch	*b;
	uint8_t			 drop;
	size_t			 i;
	int			 n, round;

	if (rt == NULL || (d = dns_engine(e)) == NULL) {
		(void)recv(fd, &drop, sizeof(drop), MSG_DONTWAIT);
		return;
	}
	b = &d->batch;
	rt->refs++;
	for (round = 0; round < DNS_READ_ROUNDS; round++) {
		batch_arm(b, true);
		n = recvmmsg(fd, b->msg, DNS_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			break;
		for (i = 0; i < (size_t)n; i++)
			query_in(e, l, b, i);
		batch_send(e, rt, b, (size_t)n);
		if (n < DNS_BATCH)
			break;
	}
	relay_rt_unref(e, rt);
}

/* Datagram i of an upstream socket's batch: an answer to give back. */
static void
answer_in(struct relay_engine *e, struct dns_usock *us, struct dns_batch *b,
    size_t i)
{
	struct relay_rt		*rt = us->up->rt;
	uint8_t			*p = b->buf[i];
	size_t			 len = b->msg[i].msg_len;
	struct dns_msg		 m;
	struct dns_query	*q;

	if ((b->msg[i].msg_hdr.msg_flags & MSG_TRUNC) ||
	    dns_parse_answer(p, len, &m) != DNS_OK) {
		rt->stats.malformed++;
		return;
	}
	if (!sockname_equal(&b->name[i], b->msg[i].msg_hdr.msg_namelen,
	    &us->up->name) || (q = dns_query_find(e, &m)) == NULL ||
	    q->usock != us) {
		rt->stats.unmatched++;
		return;
	}
	dns_set_id(p, q->client_id);
	b->len[i] = (uint16_t)len;
	b->fd[i] = q->l->fd;
	b->name[i] = q->client;
	rt->stats.answers++;
	rt->stats.bytes_out += len;
	dns_query_end(e, q, SESS_DONE, DNS_RCODE(m.flags), len);
}

static void
usock_ready(evutil_socket_t fd, short what, void *arg)
{
	struct dns_usock	*us = arg;
	struct relay_engine	*e = us->up->e;
	struct relay_rt		*rt = us->up->rt;
	struct dns_batch	*b = &e->dns->batch;
	size_t			 i;
	int			 n, round;

	/* Neither the socket nor its relay goes away under this loop. */
	us->busy = true;
	rt->refs++;
	for (round = 0; round < DNS_READ_ROUNDS; round++) {
		batch_arm(b, true);
		n = recvmmsg(fd, b->msg, DNS_BATCH, MSG_DONTWAIT, NULL);
		if (n == -1 && errno == ECONNREFUSED) {
			rt->stats.connect_fail++;
			continue;
		}
		if (n <= 0)
			break;
		for (i = 0; i < (size_t)n; i++)
			answer_in(e, us, b, i);
		batch_send(e, rt, b, (size_t)n);
		if (n < DNS_BATCH)
			break;
	}
	us->busy = false;
	if (us->retired && us->pending == 0)
		usock_close(us);
	relay_rt_unref(e, rt);
}
