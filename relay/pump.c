/*
 * The data path: each direction of a session is a pump that reads from
 * one leg and writes to the other, with the kernel's readiness tracked
 * by edge-triggered events (each socket registered once).  It copies
 * through a pooled buffer, or splices through a pooled pipe when both
 * legs are plain sockets and the relay splices, so the bytes never come
 * up to user space.  A pump holding bytes its destination cannot take
 * stops reading: memory stays bounded by one buffer (or pipe) per
 * direction whatever the sender does.  The end of one direction is
 * passed on as a half-close; the session ends when both are done.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "relay/http_relay.h"

#define SPLICE_FLAGS	(SPLICE_F_MOVE | SPLICE_F_NONBLOCK)
#define PUMP_BULK	16384	/* a read this big starts splicing */
#define PUMP_STEPS	16	/* calls per direction before others run */

static ssize_t
plain_read(struct leg *l, void *buf, size_t len)
{
	return recv(l->fd, buf, len, 0);
}

static ssize_t
plain_write(struct leg *l, const void *buf, size_t len, bool more)
{
	return send(l->fd, buf, len, MSG_NOSIGNAL | (more ? MSG_MORE : 0));
}

static int
plain_shutdown(struct leg *l)
{
	return shutdown(l->fd, SHUT_WR);
}

const struct leg_ops	leg_plain = {
	plain_read, plain_write, plain_shutdown
};

void
pump_init(struct pump *p, struct leg *src, struct leg *dst, size_t bufsize,
    uint64_t *total)
{
	memset(p, 0, sizeof(*p));
	p->src = src;
	p->dst = dst;
	p->bufsize = bufsize;
	p->total = total;
	p->pipe[0] = p->pipe[1] = -1;
}

void
pump_release(struct relay_engine *e, struct pump *p)
{
	pool_buf_put(e, p->buf, p->bufsize);
	p->buf = NULL;
	pool_pipe_put(e, p->pipe, p->bufsize, p->inpipe == 0);
	p->inpipe = 0;
}

/* Why a failing leg ends the session. */
static enum session_end
leg_failed(const struct session *s, const struct leg *l)
{
	const struct pump	*from = l == &s->client ? &s->up : &s->down;

	/* It had closed its side already: an ordinary end. */
	if (from->eof)
		return SESS_DONE;
	return l == &s->client ? SESS_CLIENT_RESET : SESS_HOST_RESET;
}

static bool
would_block(void)
{
	return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
}

/*
 * Pass the end on once everything before it is written.  When the other
 * direction is finished too, the session closes both sockets, which ends
 * them as well: no shutdown(2) for that; but a TLS peer must read its
 * close_notify, or the end looks like a cut.
 */
static int
pump_finish(struct session *s, struct pump *p)
{
	const struct pump	*other = p == &s->up ? &s->down : &s->up;

	if (!p->eof || p->shut || p->len > p->off || p->inpipe > 0 ||
	    !p->dst->open)
		return 0;
	p->shut = true;
	if (other->shut && p->dst->tls == NULL)
		return 1;
	if (p->dst->ops->shutdown(p->dst) == -1 && errno != ENOTCONN) {
		s->end = leg_failed(s, p->dst);
		return -1;
	}
	return 1;
}

/* The outcome of a write of n bytes (or an error) to p's destination. */
static int
written(struct session *s, struct pump *p, ssize_t n)
{
	if (n > 0) {
		p->bytes += (uint64_t)n;
		*p->total += (uint64_t)n;
		return 1;
	}
	if (n == -1 && would_block()) {
		p->dst->can_write = false;
		return 0;
	}
	s->end = leg_failed(s, p->dst);
	return -1;
}

static int
copy_write(struct session *s, struct pump *p)
{
	ssize_t	n;
	int	r;

	n = p->dst->ops->write(p->dst, p->buf + p->off, p->len - p->off,
	    false);
	if ((r = written(s, p, n)) == 1) {
		p->off += (size_t)n;
		if (p->off == p->len)
			p->off = p->len = 0;
	}
	return r;
}

static int
copy_read(struct session *s, struct pump *p)
{
	ssize_t	n;

	if (p->buf == NULL &&
	    (p->buf = pool_buf_get(s->eng, p->bufsize)) == NULL) {
		s->end = SESS_ERROR;
		return -1;
	}
	n = p->src->ops->read(p->src, p->buf, p->bufsize);
	if (n > 0) {
		p->len = (size_t)n;
		/* Short: drained, unless its end is pending too. */
		if ((size_t)n < p->bufsize && !p->src->rdhup)
			p->src->can_read = false;
		/* A big read: a bulk transfer, worth splicing. */
		if ((size_t)n >= p->bufsize || n >= PUMP_BULK)
			p->bulk = true;
		return 1;
	}
	if (n == 0) {
		p->eof = true;
		p->src->rdhup = false;
		return 1;
	}
	if (would_block()) {
		p->src->can_read = false;
		return 0;
	}
	s->end = leg_failed(s, p->src);
	return -1;
}

/*
 * A direction whose source and destination keep up with each other
 * would never see EAGAIN: after PUMP_STEPS calls it yields, and the
 * session runs again after the other events of this loop.
 */
static bool
pump_yield(struct session *s, int *steps)
{
	if (++*steps <= PUMP_STEPS)
		return false;
	session_again(s);
	return true;
}

static int
pump_copy(struct session *s, struct pump *p)
{
	int	moved = 0, r, steps = 0;

	for (;;) {
		if (pump_yield(s, &steps))
			break;
		if (p->len > p->off) {
			if (!p->dst->can_write || !p->dst->open)
				break;
			if ((r = copy_write(s, p)) == -1)
				return -1;
		} else if (!p->eof && p->src->can_read) {
			if ((r = copy_read(s, p)) == -1)
				return -1;
		} else
			break;
		if (r == 0)
			break;
		moved = 1;
	}
	if (p->len == p->off && p->buf != NULL) {
		pool_buf_put(s->eng, p->buf, p->bufsize);
		p->buf = NULL;
	}
	return moved;
}

static int
splice_write(struct session *s, struct pump *p)
{
	ssize_t	n;
	int	r;

	n = splice(p->pipe[0], NULL, p->dst->fd, NULL, p->inpipe,
	    SPLICE_FLAGS);
	if ((r = written(s, p, n)) == 1)
		p->inpipe -= (size_t)n;
	return r;
}

/*
 * The pipe fills by skb fragments, so a short read says nothing, and
 * EAGAIN with bytes in the pipe may mean a full pipe, not a drained
 * socket: only EAGAIN on an empty pipe marks the source drained.
 */
static int
splice_read(struct session *s, struct pump *p)
{
	ssize_t	n;

	n = splice(p->src->fd, NULL, p->pipe[1], NULL, p->bufsize - p->inpipe,
	    SPLICE_FLAGS);
	if (n > 0) {
		p->inpipe += (size_t)n;
		return 1;
	}
	if (n == 0) {
		p->eof = true;
		p->src->rdhup = false;
		return 1;
	}
	if (would_block()) {
		if (p->inpipe == 0)
			p->src->can_read = false;
		return 0;
	}
	if (errno == EINVAL && p->inpipe == 0) {
		p->nosplice = true;	/* copy from now on */
		return 0;
	}
	s->end = leg_failed(s, p->src);
	return -1;
}

static int
pump_splice(struct session *s, struct pump *p)
{
	int	moved = 0, r, steps = 0;

	for (;;) {
		if (pump_yield(s, &steps))
			break;
		if (p->inpipe > 0 && p->dst->can_write && p->dst->open) {
			if ((r = splice_write(s, p)) == -1)
				return -1;
		} else if (!p->eof && p->src->can_read &&
		    p->inpipe < p->bufsize) {
			if (p->pipe[0] == -1 &&
			    pool_pipe_get(s->eng, p->bufsize, p->pipe) == -1) {
				p->nosplice = true;
				break;
			}
			if ((r = splice_read(s, p)) == -1)
				return -1;
			if (r == 0 && p->inpipe > 0 && p->dst->can_write &&
			    p->dst->open)
				continue;	/* a full pipe: empty it */
		} else
			break;
		if (r == 0)
			break;
		moved = 1;
	}
	if (p->inpipe == 0 && p->pipe[0] != -1 &&
	    (!p->src->can_read || p->eof))
		pool_pipe_put(s->eng, p->pipe, p->bufsize, true);
	return moved;
}

/*
 * Both legs are plain sockets, nothing needs to see the bytes, and the
 * direction carries a bulk transfer (a read of 16 KiB or more): small
 * exchanges cost fewer calls copied (a short read says "drained"), big
 * ones less CPU spliced.
 */
static bool
pump_splices(const struct session *s, const struct pump *p)
{
	return s->rt->tune.splice && p->bulk && !p->nosplice &&
	    p->len == p->off && p->src->ops == &leg_plain &&
	    p->dst->ops == &leg_plain;
}

static int
pump_step(struct session *s, struct pump *p)
{
	int	moved, fin;

	if (pump_splices(s, p)) {
		moved = pump_splice(s, p);
		if (moved >= 0 && p->nosplice)
			moved = pump_copy(s, p);
	} else
		moved = pump_copy(s, p);
	if (moved == -1 || (fin = pump_finish(s, p)) == -1)
		return -1;
	return moved | fin;
}

int
session_run(struct session *s)
{
	int	up, down = 0;

	/* HTTP relays relay a request at a time, until a tunnel (101). */
	if (s->http != NULL && !http_tunnelled(s))
		return http_run(s);
	up = pump_step(s, &s->up);
	if (up != -1 && s->phase == PHASE_RELAY)
		down = pump_step(s, &s->down);
	if (up == -1 || down == -1) {
		session_end(s, s->end);
		return -1;
	}
	if (up > 0 || down > 0)
		session_touch(s);
	if (s->up.shut && s->down.shut) {
		session_end(s, SESS_DONE);
		return -1;
	}
	return 0;
}
