/*
 * Pending DNS queries: each gets a fresh ID drawn from the kernel's
 * CSPRNG (getrandom, read ahead in blocks so that a query costs no
 * system call), unique among this process's pending queries, and is
 * found again through the ID table.  A relay's queries wait in the order
 * they were sent; one timer, set for the oldest, expires them at the
 * relay's timeout.
 */
#include <sys/random.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "relay/dns_priv.h"

static void	dns_expire(evutil_socket_t, short, void *);

struct dns_engine *
dns_engine(struct relay_engine *e)
{
	struct dns_engine	*d;

	if (e->dns != NULL)
		return e->dns;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	if ((d->expire = evtimer_new(e->base, dns_expire, e)) == NULL) {
		free(d);
		return NULL;
	}
	LIST_INIT(&d->conns);
	d->rnd_off = sizeof(d->rnd);
	e->dns = d;
	return d;
}

struct dns_rt *
dns_rt(struct relay_rt *rt)
{
	struct dns_rt	*dr;
	size_t		 i;

	if (rt->dns != NULL)
		return rt->dns;
	if ((dr = calloc(1, sizeof(*dr))) == NULL)
		return NULL;
	TAILQ_INIT(&dr->queries);
	for (i = 0; i < DNS_UPSTREAM_BUCKETS; i++)
		LIST_INIT(&dr->upstreams[i]);
	rt->dns = dr;
	return dr;
}

void
dns_rt_free(struct relay_rt *rt)
{
	if (rt->dns == NULL)
		return;
	dns_upstreams_free(rt->dns);
	free(rt->dns);
	rt->dns = NULL;
}

/* Two bytes of the kernel's randomness; -1 if it has none to give. */
static int
random16(struct dns_engine *d, uint16_t *v)
{
	ssize_t	n;
	size_t	got = 0;

	if (d->rnd_off + 2 > sizeof(d->rnd)) {
		while (got < sizeof(d->rnd)) {
			n = getrandom(d->rnd + got, sizeof(d->rnd) - got, 0);
			if (n == -1 && errno == EINTR)
				continue;
			if (n <= 0)
				return -1;
			got += (size_t)n;
		}
		d->rnd_off = 0;
	}
	*v = (uint16_t)(d->rnd[d->rnd_off] << 8 | d->rnd[d->rnd_off + 1]);
	d->rnd_off += 2;
	return 0;
}

static int
draw_id(struct dns_engine *d, uint16_t *id)
{
	int	i;

	for (i = 0; i < DNS_ID_TRIES; i++)
		if (random16(d, id) == 0 && d->byid[*id] == NULL)
			return 0;
	return -1;
}

static void
expire_arm(struct relay_engine *e, uint64_t at)
{
	struct dns_engine	*d = e->dns;
	uint64_t		 now = relay_now_ms(), in;
	struct timeval		 tv;

	if (d->expire_at != 0 && d->expire_at <= at)
		return;
	in = at > now ? at - now : 0;
	tv.tv_sec = (time_t)(in / 1000);
	tv.tv_usec = (suseconds_t)(in % 1000 * 1000);
	if (evtimer_add(d->expire, &tv) == 0)
		d->expire_at = at;
}

struct dns_query *
dns_query_new(struct relay_engine *e, struct relay_rt *rt,
    struct dns_conn *conn, const struct dns_msg *m, size_t size)
{
	struct dns_engine	*d = dns_engine(e);
	struct dns_rt		*dr = dns_rt(rt);
	struct dns_query	*q;
	uint16_t		 id;

	if (d == NULL || dr == NULL || d->npending >= DNS_PENDING_MAX ||
	    draw_id(d, &id) == -1)
		return NULL;
	if ((q = d->spare) != NULL) {
		d->spare = TAILQ_NEXT(q, fifo);
		d->nspare--;
	} else if ((q = malloc(sizeof(*q))) == NULL)
		return NULL;
	q->rt = rt;
	rt->refs++;
	q->sid = conn == NULL ? e->next_id++ : conn->sid;
	q->start_ms = relay_now_ms();
	q->deadline_ms = q->start_ms + rt->tune.timeout_ms;
	q->id = id;
	q->client_id = m->id;
	q->flags = m->flags;
	q->size = (uint16_t)size;
	q->usock = NULL;
	q->conn = conn;
	q->l = NULL;
	q->target.host_id = HS_ID_NONE;
	q->target.addr.family = HS_AF_NONE;
	q->target.port = 0;
	q->counted = false;
	q->q.namelen = m->q.namelen;
	memcpy(q->q.name, m->q.name, m->q.namelen);
	q->q.type = m->q.type;
	q->q.qclass = m->q.qclass;
	d->byid[id] = q;
	d->npending++;
	TAILQ_INSERT_TAIL(&dr->queries, q, fifo);
	if (conn == NULL)
		rt->stats.active++;
	expire_arm(e, q->deadline_ms);
	return q;
}

struct dns_query *
dns_query_find(struct relay_engine *e, const struct dns_msg *a)
{
	struct dns_query	*q;

	if (e->dns == NULL || (q = e->dns->byid[a->id]) == NULL)
		return NULL;
	if (a->has_question && !dns_question_equal(&q->q, &a->q))
		return NULL;
	return q;
}

/* A query over UDP is a session of its own: its row. */
void
dns_query_row(struct relay_engine *e, const struct dns_query *q,
    struct ctl_session *row)
{
	struct sockaddr_storage	ss;
	uint64_t		now = relay_now_ms();
	int			n;

	session_row_head(e, q->rt, q->sid, row);
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, &q->client.u, q->client.len);
	relay_addr_of(&ss, &row->client, &row->client_port);
	row->host = q->target.addr;
	row->host_port = q->target.port;
	row->age_ms = row->idle_ms = now - q->start_ms;
	row->bytes_in = q->size;
	n = snprintf(row->detail, sizeof(row->detail), "udp ");
	dns_question_text(&q->q, row->detail + n, sizeof(row->detail) - n);
}

/* Why the query ended, for its line: the answer's rcode or nothing. */
static void
query_ended(struct relay_engine *e, const struct dns_query *q,
    enum session_end why, int rcode, size_t answer)
{
	struct ctl_session	row;
	size_t			n;

	if (!relay_session_noted(e, why))
		return;
	dns_query_row(e, q, &row);
	row.end = (uint8_t)why;
	row.bytes_out = answer;
	n = strlen(row.detail);
	if (rcode >= 0 && n < sizeof(row.detail))
		(void)snprintf(row.detail + n, sizeof(row.detail) - n, ": %s",
		    dns_rcode_str((unsigned)rcode));
	relay_session_ended(e, &row);
}

/*
 * The end of a query: answered (done), expired, or dropped with its
 * connection or relay.  rcode: the answer's, or -1; answer: its size.
 */
void
dns_query_end(struct relay_engine *e, struct dns_query *q,
    enum session_end why, int rcode, size_t answer)
{
	struct dns_engine	*d = e->dns;
	struct relay_rt		*rt = q->rt;

	d->byid[q->id] = NULL;
	d->npending--;
	TAILQ_REMOVE(&rt->dns->queries, q, fifo);
	if (why == SESS_TIMEOUT) {
		rt->stats.timeouts++;
		rt->stats.errors++;
	}
	if (q->conn != NULL)
		dns_conn_query_gone(q->conn, q, why);
	else {
		if (why != SESS_DONE && why != SESS_SHUTDOWN &&
		    why != SESS_TIMEOUT)
			rt->stats.errors++;
		rt->stats.active--;
		if (q->counted)
			relay_hosts_count(e->hosts, q->target.host_id, -1);
		query_ended(e, q, why, rcode, answer);
		if (q->usock != NULL)
			dns_usock_done(q->usock);
	}
	relay_rt_unref(e, rt);
	if (d->nspare < DNS_FREE_MAX) {
		TAILQ_NEXT(q, fifo) = d->spare;
		d->spare = q;
		d->nspare++;
	} else
		free(q);
}

/*
 * The queries past their deadline end; the timer waits for the next.  A
 * query never ends early: the coarse clock may lag the timer's by a few
 * milliseconds, and then the timer waits those too.
 */
static void
dns_expire(evutil_socket_t fd, short what, void *arg)
{
	struct relay_engine	*e = arg;
	struct dns_engine	*d = e->dns;
	struct relay_rt		*rt, *next;
	struct dns_query	*q;
	uint64_t		 now = relay_now_ms(), at = 0;

	d->expire_at = 0;
	for (rt = TAILQ_FIRST(&e->relays); rt != NULL; rt = next) {
		/* The last query of a removed relay frees it. */
		rt->refs++;
		while (rt->dns != NULL &&
		    (q = TAILQ_FIRST(&rt->dns->queries)) != NULL &&
		    q->deadline_ms <= now)
			dns_query_end(e, q, SESS_TIMEOUT, -1, 0);
		if (rt->dns != NULL &&
		    (q = TAILQ_FIRST(&rt->dns->queries)) != NULL &&
		    (at == 0 || q->deadline_ms < at))
			at = q->deadline_ms;
		next = TAILQ_NEXT(rt, entry);
		relay_rt_unref(e, rt);
	}
	if (at != 0)
		expire_arm(e, at);
}

void
dns_rows(struct relay_engine *e, uint32_t client)
{
	struct relay_rt		*rt;
	struct dns_query	*q;
	struct dns_conn		*c;
	struct msg		 m;
	size_t			 n = 0;

	if (e->dns == NULL)
		return;
	memset(&m, 0, sizeof(m));
	m.type = MSG_CTL_SESSION;
	m.peerid = client;
	LIST_FOREACH(c, &e->dns->conns, entry) {
		dns_conn_row(c, &m.u.ctl_session);
		relay_send(e, &m);
	}
	TAILQ_FOREACH(rt, &e->relays, entry) {
		if (rt->dns == NULL)
			continue;
		TAILQ_FOREACH(q, &rt->dns->queries, fifo) {
			if (q->conn != NULL)
				continue;
			/* Bounded: a flood of queries must not flood show. */
			if (n++ == DNS_ROWS_MAX)
				return;
			dns_query_row(e, q, &m.u.ctl_session);
			relay_send(e, &m);
		}
	}
}

static void
recount(struct relay_engine *e, struct relay_target *t, bool *counted,
    const uint32_t *old_to_new, size_t nold)
{
	uint32_t	old = t->host_id;

	*counted = false;
	if (old == HS_ID_NONE)
		return;
	t->host_id = old < nold ? old_to_new[old] : HS_ID_NONE;
	if (t->host_id == HS_ID_NONE)
		return;
	relay_hosts_count(e->hosts, t->host_id, 1);
	*counted = true;
}

void
dns_reload(struct relay_engine *e, const uint32_t *old_to_new, size_t nold)
{
	struct relay_rt		*rt;
	struct dns_query	*q;
	struct dns_conn		*c;

	if (e->dns == NULL)
		return;
	TAILQ_FOREACH(rt, &e->relays, entry) {
		if (rt->dns == NULL)
			continue;
		TAILQ_FOREACH(q, &rt->dns->queries, fifo)
			if (q->counted)
				recount(e, &q->target, &q->counted,
				    old_to_new, nold);
		dns_upstreams_refresh(rt->dns);
	}
	LIST_FOREACH(c, &e->dns->conns, entry)
		if (c->counted)
			recount(e, &c->target, &c->counted, old_to_new, nold);
}

/* The queries answered from listener l can be answered no more. */
void
dns_listener_gone(struct relay_engine *e, struct listener *l)
{
	struct relay_rt		*rt, *next;
	struct dns_query	*q, *qn;

	if (e->dns == NULL)
		return;
	for (rt = TAILQ_FIRST(&e->relays); rt != NULL; rt = next) {
		rt->refs++;
		q = rt->dns != NULL ? TAILQ_FIRST(&rt->dns->queries) : NULL;
		for (; q != NULL; q = qn) {
			qn = TAILQ_NEXT(q, fifo);
			if (q->l == l)
				dns_query_end(e, q, SESS_SHUTDOWN, -1, 0);
		}
		next = TAILQ_NEXT(rt, entry);
		relay_rt_unref(e, rt);
	}
}

void
dns_stop(struct relay_engine *e)
{
	struct relay_rt	*rt, *next;

	if (e->dns == NULL)
		return;
	while (!LIST_EMPTY(&e->dns->conns))
		dns_conn_end(LIST_FIRST(&e->dns->conns), SESS_SHUTDOWN);
	for (rt = TAILQ_FIRST(&e->relays); rt != NULL; rt = next) {
		rt->refs++;
		while (rt->dns != NULL && !TAILQ_EMPTY(&rt->dns->queries))
			dns_query_end(e, TAILQ_FIRST(&rt->dns->queries),
			    SESS_SHUTDOWN, -1, 0);
		next = TAILQ_NEXT(rt, entry);
		relay_rt_unref(e, rt);
	}
}

void
dns_engine_free(struct relay_engine *e)
{
	struct dns_engine	*d = e->dns;
	struct dns_query	*q;

	if (d == NULL)
		return;
	while ((q = d->spare) != NULL) {
		d->spare = TAILQ_NEXT(q, fifo);
		free(q);
	}
	event_free(d->expire);
	free(d);
	e->dns = NULL;
}
