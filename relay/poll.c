/*
 * The sessions' sockets are watched by an epoll set of the engine's
 * own, which libevent's loop watches in turn.  Each socket is added
 * once, edge-triggered for reading, writing and the peer's end, and
 * leaves the set when it is closed: no epoll_ctl(DEL) before every close
 * as libevent's events need, two system calls less per session.
 *
 * An event names its leg; a session that ends while a batch of events is
 * handled is freed only after the batch, so a later event of the same
 * batch never reads freed memory (it finds the session ended).  A leg
 * no session owns (a pooled connection to a host) has its own handler.
 */
#include <sys/epoll.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "relay/relay_priv.h"

#define POLL_BATCH	256

static void
poll_ready(evutil_socket_t fd, short what, void *arg)
{
	struct relay_engine	*e = arg;
	struct epoll_event	 evs[POLL_BATCH];
	struct leg		*l;
	int			 i, n;

	if ((n = epoll_wait(e->epfd, evs, POLL_BATCH, 0)) == -1) {
		if (errno != EINTR)
			relay_log(e, 0, "relay: epoll_wait: %s",
			    strerror(errno));
		return;
	}
	e->in_batch = true;
	for (i = 0; i < n; i++) {
		l = evs[i].data.ptr;
		if (l->s != NULL && l->s->ended)
			continue;
		if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
			l->can_read = true;
		if (evs[i].events & EPOLLRDHUP)
			l->can_read = l->rdhup = true;
		if (evs[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
			l->can_write = true;
		if (l->s != NULL)
			session_event(l);
		else if (l->idle != NULL)
			l->idle(l);
	}
	e->in_batch = false;
	session_free_ended(e);
}

int
poll_init(struct relay_engine *e)
{
	if ((e->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		return -1;
	e->ev_poll = event_new(e->base, e->epfd, EV_READ | EV_PERSIST,
	    poll_ready, e);
	if (e->ev_poll == NULL || event_add(e->ev_poll, NULL) == -1)
		return -1;
	return 0;
}

void
poll_free(struct relay_engine *e)
{
	if (e->ev_poll != NULL)
		event_free(e->ev_poll);
	if (e->epfd != -1)
		close(e->epfd);
	e->ev_poll = NULL;
	e->epfd = -1;
}

int
poll_add(struct relay_engine *e, struct leg *l)
{
	struct epoll_event	ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
	ev.data.ptr = l;
	return epoll_ctl(e->epfd, EPOLL_CTL_ADD, l->fd, &ev);
}
