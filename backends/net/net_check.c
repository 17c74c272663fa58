/*
 * The checker object: keeps the checks in flight (found by host id and
 * sequence for cancel), dispatches a request to its method, owns the
 * deadline of every check and reports exactly one result per check
 * after releasing everything the check held, so the callback may start
 * the next check at once.
 */
#include <sys/socket.h>

#include <poll.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "backends/net/net_internal.h"
#include "core/hce.h"
#include "core/pattern.h"

uint64_t
net_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
net_log(struct net_checker *nc, const char *fmt, ...)
{
	char	 line[512];
	va_list	 ap;

	if (nc->opts.log == NULL)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(line, sizeof(line), fmt, ap);	/* a cut line is fine */
	va_end(ap);
	nc->opts.log(nc->opts.log_arg, 0, line);
}

void
net_checker_opts_init(struct net_checker_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->icmp4_fd = -1;
	o->icmp6_fd = -1;
}

struct net_checker *
net_checker_new(struct event_base *base, const struct net_checker_opts *o)
{
	struct net_checker	*nc;
	size_t			 i;

	if (base == NULL || o == NULL || o->result == NULL)
		return NULL;
	if ((nc = calloc(1, sizeof(*nc))) == NULL)
		return NULL;
	nc->base = base;
	nc->opts = *o;
	for (i = 0; i < NET_BUCKETS; i++)
		LIST_INIT(&nc->buckets[i]);
	LIST_INIT(&nc->spare);
	nc->icmp4.nc = nc;
	nc->icmp4.family = HS_AF_INET;
	nc->icmp4.fd = o->icmp4_fd;
	nc->icmp6.nc = nc;
	nc->icmp6.family = HS_AF_INET6;
	nc->icmp6.fd = o->icmp6_fd;
	/* An echo id per checker so two daemons on one host do not mix. */
	nc->echo_id = (uint16_t)(getpid() ^ (net_now_ms() << 4));
	nc->edge = (event_base_get_features(base) & EV_FEATURE_ET) != 0;
	if ((nc->ssl_ctx = tls_ctx_new()) == NULL ||
	    net_stall_init(nc) == -1) {
		net_checker_free(nc);
		return NULL;
	}
	return nc;
}

/*
 * A released check and its event are kept for the next one, up to
 * NET_SPARE_MAX: two allocations and two frees less a check.
 */
static void
check_recycle(struct net_checker *nc, struct net_check *chk)
{
	struct event	*ev = chk->ev;

	if (nc->nspare + 1 > NET_SPARE_MAX) {	/* no room (0 under ASan) */
		event_free(ev);
		free(chk);
		return;
	}
	memset(chk, 0, sizeof(*chk));
	chk->ev = ev;
	LIST_INSERT_HEAD(&nc->spare, chk, entry);
	nc->nspare++;
}

static struct net_check *
check_alloc(struct net_checker *nc)
{
	struct net_check	*chk;

	if ((chk = LIST_FIRST(&nc->spare)) != NULL) {
		LIST_REMOVE(chk, entry);
		nc->nspare--;
		return chk;
	}
	if ((chk = calloc(1, sizeof(*chk))) == NULL)
		return NULL;
	if ((chk->ev = event_new(nc->base, -1, 0, net_check_io, chk)) ==
	    NULL) {
		free(chk);
		return NULL;
	}
	return chk;
}

/* Release what a check holds; it is no longer in flight afterwards. */
static void
check_release(struct net_check *chk)
{
	struct net_checker	*nc = chk->nc;

	LIST_REMOVE(chk, entry);
	nc->inflight--;
	net_stall_track(nc);
	event_del(chk->ev);
	if (chk->ssl != NULL)
		SSL_free(chk->ssl);
	if (chk->fd != -1) {
		/* Reset instead of FIN: no TIME_WAIT pile-up at scale. */
		struct linger	 l = { 1, 0 };

		(void)setsockopt(chk->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
		close(chk->fd);
	}
	if (chk->md != NULL)
		EVP_MD_CTX_free(chk->md);
	pattern_free(chk->pattern);
	icmp_release(chk);
	free(chk->wbuf);
	free(chk->rbuf);
	check_recycle(nc, chk);
}

void
net_checker_free(struct net_checker *nc)
{
	struct net_check	*chk;
	size_t			 i;

	if (nc == NULL)
		return;
	for (i = 0; i < NET_BUCKETS; i++)
		while (!LIST_EMPTY(&nc->buckets[i]))
			check_release(LIST_FIRST(&nc->buckets[i]));
	while ((chk = LIST_FIRST(&nc->spare)) != NULL) {
		LIST_REMOVE(chk, entry);
		event_free(chk->ev);
		free(chk);
	}
	icmp_close(nc);
	net_stall_free(nc);
	free(nc->icmp_slots);
	SSL_CTX_free(nc->ssl_ctx);
	free(nc);
}

uint32_t
net_checker_inflight(const struct net_checker *nc)
{
	return nc->inflight;
}

void
net_finish(struct net_check *chk, bool up, enum check_error error,
    int32_t detail)
{
	struct net_checker	*nc = chk->nc;
	struct check_result	 r;
	uint64_t		 now = net_now_ms();

	memset(&r, 0, sizeof(r));
	r.host_id = chk->host_id;
	r.seq = chk->seq;
	r.up = up;
	r.error = error;
	r.detail = detail;
	r.rtt_ms = now > chk->start_ms ? (uint32_t)(now - chk->start_ms) : 0;
	check_release(chk);
	nc->opts.result(nc->opts.result_arg, &r);
}

/*
 * Where the poller allows it, a check's socket is registered once, for
 * both directions, edge-triggered: each phase then waits for what it
 * wants without taking the socket out of epoll and back (two system
 * calls a phase).  Every method reads and writes until it would block,
 * so no edge is lost; a wakeup for the other direction finds nothing
 * to do and waits again.
 */
void
net_wait(struct net_check *chk, int fd, short what)
{
	struct timeval	 tv;
	uint64_t	 now = net_now_ms(), left;

	left = chk->deadline_ms > now ? chk->deadline_ms - now : 0;
	tv.tv_sec = (time_t)(left / 1000);
	tv.tv_usec = (suseconds_t)((left % 1000) * 1000);
	chk->want = what;
	if (fd != -1 && fd == chk->armed_fd) {
		event_add(chk->ev, &tv);	/* the deadline only */
		return;
	}
	event_del(chk->ev);
	if (fd != -1 && chk->nc->edge) {
		event_assign(chk->ev, chk->nc->base, fd, EV_READ | EV_WRITE |
		    EV_ET | EV_PERSIST, net_check_io, chk);
		chk->armed_fd = fd;
	} else
		event_assign(chk->ev, chk->nc->base, fd, what, net_check_io,
		    chk);
	event_add(chk->ev, &tv);
}

bool
net_timed_out(short what)
{
	return (what & EV_TIMEOUT) && !(what & (EV_READ | EV_WRITE));
}

/* A result known while starting is reported from the loop, as promised. */
void
net_defer(struct net_check *chk, bool up, enum check_error error,
    int32_t detail)
{
	chk->phase = PHASE_DEFERRED;
	chk->pending_up = up;
	chk->pending_error = error;
	chk->pending_detail = detail;
	chk->armed_fd = -1;
	event_del(chk->ev);
	event_assign(chk->ev, chk->nc->base, -1, 0, net_check_io, chk);
	event_active(chk->ev, EV_TIMEOUT, 0);
}

/*
 * The deadline fired: is the socket ready all the same?  After a stall
 * (a busy host, a descheduled process) the loop expires every overdue
 * timer in one pass but harvests only a batch of the ready sockets, so
 * a check that connected in time could be taken for a timeout.  Past
 * the deadline plus a grace (the timeout, at most NET_LAG_GRACE_MS), a
 * timeout is a timeout: a check never runs much longer than twice its
 * timeout, and a peer trickling bytes cannot keep it alive.
 */
static short
net_ready_late(struct net_check *chk)
{
	struct pollfd	 p;
	uint64_t	 grace;
	short		 want, got = 0;

	grace = chk->deadline_ms - chk->start_ms;
	if (grace > NET_LAG_GRACE_MS)
		grace = NET_LAG_GRACE_MS;
	want = chk->want & (EV_READ | EV_WRITE);
	if (want == 0 || chk->fd == -1 ||
	    net_now_ms() >= chk->deadline_ms + grace)
		return 0;
	p.fd = chk->fd;
	p.events = (want & EV_READ ? POLLIN : 0) |
	    (want & EV_WRITE ? POLLOUT : 0);
	p.revents = 0;
	if (poll(&p, 1, 0) != 1)
		return 0;
	if ((want & EV_READ) && (p.revents & (POLLIN | POLLHUP | POLLERR)))
		got |= EV_READ;
	if ((want & EV_WRITE) && (p.revents & (POLLOUT | POLLHUP | POLLERR)))
		got |= EV_WRITE;
	return got;
}

void
net_check_io(int fd, short what, void *arg)
{
	struct net_check	*chk = arg;

	if (what == EV_TIMEOUT) {
		if (net_stall_credit(chk))
			return;		/* our lateness, not the host's */
		what |= net_ready_late(chk);
	}
	switch (chk->phase) {
	case PHASE_DEFERRED:
		net_finish(chk, chk->pending_up, chk->pending_error,
		    chk->pending_detail);
		break;
	case PHASE_CONNECT:
		tcp_connected(chk, what);
		break;
	case PHASE_TLS:
		tls_step(chk, what);
		break;
	case PHASE_WRITE:
	case PHASE_READ:
		stream_step(chk, what);
		break;
	case PHASE_ICMP:
		icmp_timeout(chk);
		break;
	case PHASE_SCRIPT:
		net_finish(chk, false, HCE_SCRIPT_TIMEOUT, -1);
		break;
	}
}

static const struct check_method *
method_of(const struct check_conf *c)
{
	switch (c->type) {
	case CHECK_TCP:
		return &tcp_method;
	case CHECK_TLS:
		return &tls_method;
	case CHECK_HTTP_CODE:
		return &http_code_method;
	case CHECK_HTTP_DIGEST:
		return &http_digest_method;
	case CHECK_SEND_EXPECT:
		return &send_expect_method;
	default:
		return NULL;
	}
}

static void
check_dispatch(struct net_check *chk)
{
	const struct check_conf	*c = &chk->table->check;

	switch (c->type) {
	case CHECK_NONE:
		/* An unchecked table's hosts count as up. */
		net_defer(chk, true, HCE_NONE, -1);
		break;
	case CHECK_ICMP:
		icmp_start(chk);
		break;
	case CHECK_SCRIPT:
		script_start(chk);
		break;
	default:
		chk->method = method_of(c);
		if (chk->method == NULL)
			net_defer(chk, false, HCE_TCP_SOCKET_ERROR, -1);
		else
			tcp_start(chk);
		break;
	}
}

void
net_check_start(struct net_checker *nc, const struct check_request *req)
{
	struct net_check	*chk;

	if ((chk = check_alloc(nc)) == NULL) {
		/*
		 * Out of memory: nothing to report with.  The HCE restarts
		 * such a check after two intervals.
		 */
		return;
	}
	chk->nc = nc;
	chk->host_id = req->host_id;
	chk->seq = req->seq;
	chk->host = req->host;
	chk->table = req->table;
	chk->fd = -1;
	chk->armed_fd = -1;
	chk->icmp_slot = -1;
	chk->start_ms = net_now_ms();
	chk->deadline_ms = chk->start_ms + req->timeout_ms;
	chk->stall_ms = nc->stall_ms;
	LIST_INSERT_HEAD(&nc->buckets[req->host_id % NET_BUCKETS], chk, entry);
	nc->inflight++;
	net_stall_track(nc);
	if (req->host == NULL || req->table == NULL) {
		/* A caller's bug: a down host rather than a crash. */
		net_log(nc, "check of host %u without host or table",
		    req->host_id);
		net_defer(chk, false, HCE_TCP_SOCKET_ERROR, -1);
		return;
	}
	check_dispatch(chk);
}

static struct net_check *
check_find(struct net_checker *nc, uint32_t host_id, uint64_t seq)
{
	struct net_check	*chk;

	LIST_FOREACH(chk, &nc->buckets[host_id % NET_BUCKETS], entry)
		if (chk->host_id == host_id && chk->seq == seq)
			return chk;
	return NULL;
}

void
net_check_cancel(struct net_checker *nc, uint32_t host_id, uint64_t seq)
{
	struct net_check	*chk;

	if ((chk = check_find(nc, host_id, seq)) != NULL)
		check_release(chk);
}

int
net_checker_script_done(struct net_checker *nc,
    const struct msg_script_done *m)
{
	struct net_check	*chk;
	struct check_result	 r;

	chk = check_find(nc, m->host_id, m->seq);
	if (chk == NULL || chk->phase != PHASE_SCRIPT)
		return -1;
	hce_script_result(m, &r);
	net_finish(chk, r.up, r.error, r.detail);
	return 0;
}
