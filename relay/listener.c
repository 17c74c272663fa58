/*
 * Listening sockets: handed over by the parent, bound to the relay that
 * listens on their address and port, accepting while the session bound
 * and the descriptors allow.  A listener whose relay goes away in a
 * reload is closed; one whose relay stays is kept, so a reload never
 * refuses a connection.  A DNS relay listens on UDP and TCP on each
 * address and port: its UDP listeners are read by dns_udp.c, and take
 * no part in pausing (they hold no descriptor per query).
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "relay/dns.h"
#include "relay/relay_priv.h"

static void	listener_accept(evutil_socket_t, short, void *);

static struct listener *
listener_find(struct relay_engine *e, const struct hs_addr *a, uint16_t port,
    int type)
{
	struct listener	*l;

	TAILQ_FOREACH(l, &e->listeners, entry)
		if (l->port == port && l->type == type &&
		    addr_equal(&l->addr, a))
			return l;
	return NULL;
}

void
listener_free(struct listener *l)
{
	if (l->type == SOCK_DGRAM)
		dns_listener_gone(l->eng, l);
	if (l->ev != NULL)
		event_free(l->ev);
	if (l->fd != -1)
		close(l->fd);
	free(l);
}

int
listener_add(struct relay_engine *e, const struct hs_addr *a, uint16_t port,
    int fd)
{
	struct listener	*l;
	socklen_t	 len = sizeof(int);
	int		 type = SOCK_STREAM;

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1 ||
	    (type != SOCK_STREAM && type != SOCK_DGRAM)) {
		close(fd);
		return -1;
	}
	if ((l = listener_find(e, a, port, type)) != NULL) {
		TAILQ_REMOVE(&e->listeners, l, entry);
		listener_free(l);
	}
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		close(fd);
		return -1;
	}
	l->eng = e;
	l->addr = *a;
	l->port = port;
	l->fd = fd;
	l->type = type;
	l->ev = event_new(e->base, fd, EV_READ | EV_PERSIST,
	    type == SOCK_DGRAM ? dns_udp_ready : listener_accept, l);
	if (l->ev == NULL || evutil_make_socket_nonblocking(fd) == -1) {
		listener_free(l);
		return -1;
	}
	TAILQ_INSERT_TAIL(&e->listeners, l, entry);
	return 0;
}

static void
listener_arm(struct listener *l, bool on)
{
	if (on == l->armed)
		return;
	if (on && event_add(l->ev, NULL) == -1)
		return;
	if (!on)
		event_del(l->ev);
	l->armed = on;
}

/* Accepting: started, not stopping, not paused, and a relay to serve. */
static bool
listener_open(const struct listener *l)
{
	const struct relay_engine *e = l->eng;

	return l->rt != NULL && e->started && !e->stopping &&
	    (!e->paused || l->type == SOCK_DGRAM) && !l->rt->capped;
}

/* Relay r's listener j of this type: bound to rt when it may run. */
static size_t
bind_one(struct relay_engine *e, const struct relay_conf *r, size_t j,
    int type, struct relay_rt *rt)
{
	struct listener	*l;

	l = listener_find(e, &r->listens[j].addr, r->listens[j].port, type);
	if (l == NULL)
		return 0;
	if (rt != NULL) {
		l->rt = rt;
		sockopt_listener(e, l->fd, &rt->tune);
	}
	return 1;
}

/*
 * A relay with its share of sessions stops accepting (the clients wait
 * in the backlog) until one of them ends.
 */
void
listener_cap(struct relay_engine *e, struct relay_rt *rt)
{
	struct listener	*l;
	bool		 capped;

	capped = rt->tune.max_sessions != 0 &&
	    rt->stats.active >= rt->tune.max_sessions;
	if (capped == rt->capped)
		return;
	rt->capped = capped;
	TAILQ_FOREACH(l, &e->listeners, entry)
		if (l->rt == rt)
			listener_arm(l, listener_open(l));
}

/*
 * After a start or a switch: give each listener of the configuration its
 * relay, close those no running relay uses (the parent keeps its own
 * copy as long as one does), and note which relays have all their
 * listeners.
 */
void
listener_bind_relays(struct relay_engine *e)
{
	const struct config	*c = e->cfg;
	struct listener		*l, *next;
	struct relay_rt		*rt;
	const char		*why;
	size_t			 i, j, have, want;

	TAILQ_FOREACH(l, &e->listeners, entry)
		l->rt = NULL;
	for (i = 0; i < c->nrelays; i++) {
		const struct relay_conf	*r = &c->relays[i];

		why = r->disabled ? "disabled" : relay_unsupported(c, r);
		rt = why == NULL ? e->by_id[i] : NULL;
		want = r->nlistens * (e->by_id[i]->tune.dns ? 2 : 1);
		for (j = 0, have = 0; j < r->nlistens; j++) {
			have += bind_one(e, r, j, SOCK_STREAM, rt);
			if (e->by_id[i]->tune.dns)
				have += bind_one(e, r, j, SOCK_DGRAM, rt);
		}
		e->by_id[i]->listening = why == NULL && have == want;
		if (why != NULL && !r->disabled)
			relay_log(e, 0, "relay %s: not listening: %s", r->name,
			    why);
		else if (why == NULL && have < want)
			relay_log(e, 0, "relay %s: not listening: %zu of its "
			    "%zu listeners missing", r->name, want - have,
			    want);
	}
	for (l = TAILQ_FIRST(&e->listeners); l != NULL; l = next) {
		next = TAILQ_NEXT(l, entry);
		if (l->rt == NULL) {
			TAILQ_REMOVE(&e->listeners, l, entry);
			listener_free(l);
			continue;
		}
		listener_arm(l, listener_open(l));
	}
}

/* Stop accepting until a session ends (bound) or a while (descriptors). */
void
listener_pause(struct relay_engine *e, bool descriptors)
{
	struct listener	*l;
	struct timeval	 tv = { 0, RELAY_PAUSE_MS * 1000 };

	if (!e->paused) {
		relay_log(e, 1, "relay: accept paused: %s", descriptors ?
		    "out of descriptors" : "session bound reached");
		e->paused = true;
		TAILQ_FOREACH(l, &e->listeners, entry)
			listener_arm(l, listener_open(l));
	}
	if (descriptors) {
		pool_pipes_trim(e);
		evtimer_add(e->pause_timer, &tv);
	}
}

void
listener_resume(struct relay_engine *e)
{
	struct listener	*l;

	if (!e->paused || e->nsessions >= e->cfg->sessions ||
	    !LIST_EMPTY(&e->waiting))
		return;
	e->paused = false;
	evtimer_del(e->pause_timer);
	TAILQ_FOREACH(l, &e->listeners, entry)
		listener_arm(l, listener_open(l));
}

static void
listener_accept(evutil_socket_t fd, short what, void *arg)
{
	struct listener		*l = arg;
	struct relay_engine	*e = l->eng;
	struct sockaddr_storage	 ss;
	socklen_t		 sl;
	int			 i, s;

	for (i = 0; i < RELAY_ACCEPT_BATCH && l->armed; i++) {
		if (e->nsessions >= e->cfg->sessions) {
			listener_pause(e, false);
			return;
		}
		sl = sizeof(ss);
		s = accept4(fd, (struct sockaddr *)&ss, &sl,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (s == -1) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM)
				listener_pause(e, true);
			else if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				relay_log(e, 0, "relay %s: accept: %s",
				    l->rt->name, strerror(errno));
			if (errno != ECONNABORTED && errno != EINTR)
				return;
			continue;
		}
		if (l->rt->tune.dns)
			dns_tcp_accept(l, s, &ss);
		else
			session_accept(l, s, &ss);
	}
}
