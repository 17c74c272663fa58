/*
 * A session's life: accepted, a host chosen (core's relay_hosts), a
 * connect started and retried on another host when it fails, bytes
 * relayed by the pumps, ended by both sides closing, a reset, or its
 * idle timeout.  Its end is counted, logged and, while a monitor
 * listens, sent to the PFE.
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "relay/http_relay.h"
#include "relay/tls.h"

static void	session_connect(struct session *);
static void	session_uncount(struct session *);

void
session_touch(struct session *s)
{
	s->last_ms = relay_now_ms();
}

/* A leg's socket is ready (poll.c), or its key operation done. */
void
session_event(struct leg *l)
{
	struct session	*s = l->s;

	if (l->tls != NULL && tls_session_event(l))
		return;		/* its handshake took it */
	if (s->http != NULL) {
		http_session_event(s, l);
		return;
	}
	if (l == &s->host && !l->open) {
		session_connected(s);
		return;
	}
	(void)session_run(s);
}

/* Watch the socket once, for everything, edge-triggered. */
static int
leg_open(struct session *s, struct leg *l, int fd)
{
	l->s = s;
	l->ops = &leg_plain;
	l->fd = fd;
	return poll_add(s->eng, l);
}

/* Closing the socket takes it out of the poller too. */
static void
leg_close(struct leg *l)
{
	tls_leg_free(l);
	if (l->fd != -1)
		close(l->fd);
	l->fd = -1;
	l->open = l->can_read = l->can_write = l->rdhup = false;
}

/*
 * s due again when what is left of its timeout after idle ms is up: at
 * least 1 ms later, so that a session set again is never due at once.
 */
static int
timeout_rest(struct session *s, uint64_t now, uint64_t idle)
{
	uint32_t	limit = s->rt->tune.timeout_ms;

	return due_set(s, now + (limit > idle ? limit - idle : 1));
}

/* s is due: ended if idle for its whole timeout, else due again. */
void
session_timeout(struct session *s)
{
	uint64_t		 now = relay_now_ms();
	uint64_t		 idle = now - (s->http != NULL ? http_since(s) :
				    s->last_ms);
	uint32_t		 limit = s->rt->tune.timeout_ms;
	enum session_end	 why;

	if (idle >= limit) {
		/* HTTP may answer first (408, 504): a full period for that. */
		why = s->http != NULL ? http_expired(s) : SESS_TIMEOUT;
		if (why == SESS_END_MAX)
			return;
		if (why != SESS_OPEN) {
			session_end(s, why);
			return;
		}
		s->last_ms = now;
		idle = 0;
	}
	/* Moved bytes since: due again when the rest of the time is up. */
	if (timeout_rest(s, now, idle) == -1)
		session_end(s, SESS_ERROR);
}

void
session_accept(struct listener *l, int fd, const struct sockaddr_storage *ss)
{
	struct relay_engine	*e = l->eng;
	struct relay_rt		*rt = l->rt;
	struct session		*s;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		close(fd);
		relay_log(e, 0, "relay %s: out of memory", rt->name);
		rt->stats.errors++;
		return;
	}
	s->eng = e;
	s->rt = rt;
	rt->refs++;
	s->id = e->next_id++;
	s->start_ms = s->last_ms = relay_now_ms();
	relay_addr_of(ss, &s->caddr, &s->cport);
	s->laddr = l->addr;
	s->lport = l->port;
	s->client.fd = fd;
	s->host.fd = -1;
	s->target.host_id = HS_ID_NONE;
	pump_init(&s->up, &s->client, &s->host, rt->tune.bufsize,
	    &rt->stats.bytes_in);
	pump_init(&s->down, &s->host, &s->client, rt->tune.bufsize,
	    &rt->stats.bytes_out);
	LIST_INSERT_HEAD(&e->sessions, s, entry);
	e->nsessions++;
	rt->stats.active++;
	rt->stats.total++;
	if (timeout_rest(s, s->start_ms, 0) == -1 ||
	    leg_open(s, &s->client, fd) == -1) {
		session_end(s, SESS_ERROR);
		return;
	}
	s->client.open = true;
	listener_cap(e, rt);
	switch (tls_session_accept(s)) {
	case 0:
		session_begin(s);
		break;
	case -1:
		session_end(s, SESS_ERROR);
		break;
	}
	/* Otherwise the handshake runs first (tls_session.c). */
}

/*
 * After the handshake, if any: a host (TCP) or the first request (HTTP),
 * which may have come with the handshake's end: no edge will say so.
 */
void
session_begin(struct session *s)
{
	if (!s->rt->is_http)
		session_connect(s);
	else if (http_session_start(s) == -1)
		session_end(s, SESS_ERROR);
	else if (s->client.can_read)
		(void)http_run(s);
}

/* Choose a host the session has not tried and start connecting to it. */
static int
session_start_connect(struct session *s)
{
	struct relay_engine	*e = s->eng;
	struct sockaddr_storage	 ss;
	struct lb_client	 cl;
	socklen_t		 sl;
	int			 fd;

	if (s->rt->id == HS_ID_NONE) {
		s->end = SESS_NO_HOST;	/* the relay went away */
		return -1;
	}
	memset(&cl, 0, sizeof(cl));
	cl.addr = s->caddr;
	cl.relay_addr = s->laddr;
	cl.relay_port = s->lport;
	if (relay_hosts_select(e->hosts, s->rt->id, &cl, s->tried,
	    s->ntried, &s->target) == -1) {
		s->end = s->attempts == 0 ? SESS_NO_HOST : SESS_CONNECT_FAILED;
		return -1;
	}
	sl = relay_sockaddr(&s->target.addr, s->target.port, &ss);
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1 && (errno == EMFILE || errno == ENFILE ||
	    errno == ENOBUFS || errno == ENOMEM))
		return 2;	/* out of descriptors: not a try */
	if (fd == -1) {
		s->end = SESS_ERROR;
		return -1;
	}
	if (s->target.host_id != HS_ID_NONE) {
		s->tried[s->ntried++ % RELAY_TRIED_MAX] = s->target.host_id;
		relay_hosts_count(e->hosts, s->target.host_id, 1);
		s->counted = true;
	}
	s->attempts++;
	(void)sockopt_host(fd, ss.ss_family, &s->rt->tune);
	if (connect(fd, (struct sockaddr *)&ss, sl) == -1 &&
	    errno != EINPROGRESS) {
		close(fd);
		return 0;	/* refused at once: the next try */
	}
	if (leg_open(s, &s->host, fd) == -1) {
		close(fd);
		s->end = SESS_ERROR;
		return -1;
	}
	return 1;
}

static void
session_uncount(struct session *s)
{
	if (!s->counted)
		return;
	relay_hosts_count(s->eng->hosts, s->target.host_id, -1);
	s->counted = false;
}

/*
 * Connect, and on an immediate failure try again while retries are
 * left; the first failure of a table's host counts against the relay.
 */
static void
session_connect(struct session *s)
{
	uint32_t	retries = s->rt->tune.retry;
	int		r;

	for (;;) {
		if ((r = session_start_connect(s)) == 1)
			return;
		if (r == 2) {
			/* Retried with the others when descriptors free up. */
			LIST_INSERT_HEAD(&s->eng->waiting, s, wait_entry);
			s->waiting = true;
			listener_pause(s->eng, true);
			return;
		}
		if (r == -1) {
			session_end(s, s->end);
			return;
		}
		s->rt->stats.connect_fail++;
		session_uncount(s);
		if (s->attempts > retries) {
			session_end(s, SESS_CONNECT_FAILED);
			return;
		}
	}
}

/* Run s again after the other events of this loop (pump.c yields). */
void
session_again(struct session *s)
{
	if (s->again)
		return;
	s->again = true;
	TAILQ_INSERT_TAIL(&s->eng->again, s, again_entry);
	event_active(s->eng->ev_again, EV_TIMEOUT, 0);
}

/*
 * The sessions that yielded, each once, in the order they did; those
 * that yield again meanwhile queue behind them for the next loop.
 */
void
session_run_again(struct relay_engine *e)
{
	struct session	*s;
	size_t		 n = 0;

	TAILQ_FOREACH(s, &e->again, again_entry)
		n++;
	e->in_batch = true;
	while (n-- > 0 && (s = TAILQ_FIRST(&e->again)) != NULL) {
		TAILQ_REMOVE(&e->again, s, again_entry);
		s->again = false;
		(void)session_run(s);
	}
	e->in_batch = false;
	session_free_ended(e);
}

/*
 * Descriptors may be free again: the sessions waiting for one try again,
 * oldest last, until one has to wait again.
 */
void
session_retry_waiting(struct relay_engine *e)
{
	struct session	*s;

	while ((s = LIST_FIRST(&e->waiting)) != NULL) {
		LIST_REMOVE(s, wait_entry);
		s->waiting = false;
		session_connect(s);
		if (!LIST_EMPTY(&e->waiting))
			break;
	}
}

/* The host's socket became writable (or failed) while connecting. */
void
session_connected(struct session *s)
{
	int		err = 0;
	socklen_t	len = sizeof(err);

	if (getsockopt(s->host.fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err == 0 && !s->host.can_write)
		return;		/* only readable: not connected yet */
	if (err != 0) {
		session_connect_failed(s);
		return;
	}
	if (tls_session_connect(s) == 0)
		session_host_ready(s);
	/* Otherwise its handshake runs first (tls_session.c). */
}

void
session_connect_failed(struct session *s)
{
	leg_close(&s->host);
	s->rt->stats.connect_fail++;
	session_uncount(s);
	if (s->attempts > s->rt->tune.retry) {
		session_end(s, SESS_CONNECT_FAILED);
		return;
	}
	session_connect(s);
}

void
session_host_ready(struct session *s)
{
	s->host.open = true;
	s->phase = PHASE_RELAY;
	(void)session_run(s);
}

void
session_end(struct session *s, enum session_end why)
{
	struct relay_engine	*e = s->eng;
	struct relay_rt		*rt = s->rt;
	struct ctl_session	 row;

	if (s->ended)
		return;
	s->ended = true;
	s->end = why;
	if (s->waiting) {
		LIST_REMOVE(s, wait_entry);
		s->waiting = false;
	}
	if (s->again) {
		TAILQ_REMOVE(&e->again, s, again_entry);
		s->again = false;
	}
	session_row(s, &row);
	relay_session_ended(e, &row);
	http_session_end(s);
	session_uncount(s);
	if (why != SESS_DONE && why != SESS_SHUTDOWN)
		rt->stats.errors++;
	rt->stats.active--;
	listener_cap(e, rt);
	LIST_REMOVE(s, entry);
	e->nsessions--;
	pump_release(e, &s->up);
	pump_release(e, &s->down);
	leg_close(&s->client);
	leg_close(&s->host);
	due_clear(s);
	s->rt = NULL;
	relay_rt_unref(e, rt);
	/* Events of this batch may still name it: freed after the batch. */
	if (e->in_batch)
		LIST_INSERT_HEAD(&e->ended, s, entry);
	else
		session_free(s);
	if (e->paused)
		listener_resume(e);
}

void
session_free(struct session *s)
{
	free(s);
}

/* The sessions that ended during a batch, once nothing names them. */
void
session_free_ended(struct relay_engine *e)
{
	struct session	*s;

	while ((s = LIST_FIRST(&e->ended)) != NULL) {
		LIST_REMOVE(s, entry);
		session_free(s);
	}
	http_reap(e);
}

void
session_row_head(const struct relay_engine *e, const struct relay_rt *rt,
    uint64_t id, struct ctl_session *row)
{
	memset(row, 0, sizeof(*row));
	row->proc = e->opts.proc;
	row->id = id;
	row->relay_id = rt->id;
	(void)snprintf(row->relay, sizeof(row->relay), "%s", rt->name);
}

void
session_row(const struct session *s, struct ctl_session *row)
{
	uint64_t	now = relay_now_ms();

	session_row_head(s->eng, s->rt, s->id, row);
	row->client = s->caddr;
	row->client_port = s->cport;
	if (s->attempts > 0) {
		row->host = s->target.addr;
		row->host_port = s->target.port;
	}
	row->age_ms = now - s->start_ms;
	row->idle_ms = now - s->last_ms;
	row->bytes_in = s->up.bytes;
	row->bytes_out = s->down.bytes;
	row->end = s->ended ? (uint8_t)s->end : SESS_OPEN;
	if (s->http != NULL)
		http_session_row(s, row);
}

/*
 * After a switch: the hosts of open sessions have new ids (or none),
 * old_to_new says which; least-states counts them again.
 */
void
session_reload(struct relay_engine *e, const uint32_t *old_to_new,
    size_t nold)
{
	struct session	*s;
	uint32_t	 old;

	LIST_FOREACH(s, &e->sessions, entry) {
		s->ntried = 0;
		old = s->target.host_id;
		s->counted = false;
		if (old == HS_ID_NONE)
			continue;
		s->target.host_id = old < nold ? old_to_new[old] : HS_ID_NONE;
		if (s->target.host_id == HS_ID_NONE)
			continue;
		relay_hosts_count(e->hosts, s->target.host_id, 1);
		s->counted = true;
	}
}
