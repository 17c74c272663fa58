/*
 * Large bodies skip user space: while a Content-Length body or a chunk
 * has 64 KiB or more to come, nothing waits in the buffers and both legs
 * are plain sockets, its bytes go through a pipe with splice(2), never
 * more than the parser says are body (http_body_skip), so the framing
 * after them is parsed as usual.  A body that runs to the close is
 * spliced to the end.
 */
#include <fcntl.h>

#include <errno.h>
#include <unistd.h>

#include "relay/http_relay.h"

#define SPLICE_FLAGS	(SPLICE_F_MOVE | SPLICE_F_NONBLOCK)

static struct leg *
src_of(struct session *s, struct http_xchg *x, bool up)
{
	return up ? &s->client : &x->conn->leg;
}

static struct leg *
dst_of(struct session *s, struct http_xchg *x, bool up)
{
	return up ? &x->conn->leg : &s->client;
}

bool
http_splice_wanted(const struct session *s, const struct http_xchg *x,
    bool up)
{
	const struct http_parser	*p = up ? &x->req : &x->res;
	const struct hbuf		*out = up ? &x->qout : &x->sout;

	if (!x->proto->splice || x->nosplice || x->conn == NULL ||
	    !x->conn->leg.open || x->conn->leg.ops != &leg_plain ||
	    s->client.ops != &leg_plain)
		return false;
	if (out->off != out->len || (up ? x->qfwd : x->sfwd) != 0)
		return false;
	return http_body_left(p) >= HTTP_SPLICE_MIN;
}

void
http_splice_end(struct session *s, struct http_xchg *x)
{
	if (x->pipe[0] != -1)
		pool_pipe_put(s->eng, x->pipe, s->rt->tune.bufsize,
		    x->inpipe == 0);
	x->inpipe = 0;
	x->splicing = 0;
}

/* Out of the pipe into dst: 1 moved, 0 would block, -1 failed. */
static int
pipe_out(struct session *s, struct http_xchg *x, struct leg *dst, bool up)
{
	struct pump	*pm = up ? &s->up : &s->down;
	ssize_t		 n;

	n = splice(x->pipe[0], NULL, dst->fd, NULL, x->inpipe, SPLICE_FLAGS);
	if (n > 0) {
		x->inpipe -= (size_t)n;
		pm->bytes += (uint64_t)n;
		*pm->total += (uint64_t)n;
		if (!up)
			x->answered = true;
		return 1;
	}
	if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
		dst->can_write = false;
		return 0;
	}
	return -1;
}

/* Into the pipe, the body only: 1 moved, 0 would block, 2 the end. */
static int
pipe_in(struct session *s, struct http_xchg *x, struct leg *src, bool up)
{
	struct http_parser	*p = up ? &x->req : &x->res;
	uint64_t		 left = http_body_left(p);
	size_t			 room = s->rt->tune.bufsize - x->inpipe;
	ssize_t			 n;

	if (left < room)
		room = (size_t)left;
	n = splice(src->fd, NULL, x->pipe[1], NULL, room, SPLICE_FLAGS);
	if (n > 0) {
		x->inpipe += (size_t)n;
		http_body_skip(p, (uint64_t)n);
		return 1;
	}
	if (n == 0)
		return 2;
	if (errno == EAGAIN || errno == EINTR) {
		/* A full pipe gives EAGAIN too: drained only if empty. */
		if (x->inpipe == 0)
			src->can_read = false;
		return 0;
	}
	return -1;
}

/* One round of splicing a body: 1 moved, 0 not, -1 the session ended. */
int
http_splice(struct session *s, struct http_xchg *x, bool up)
{
	struct leg	*src = src_of(s, x, up), *dst = dst_of(s, x, up);
	struct leg	*failed = NULL;
	int		 r = 0, moved = 0, steps;

	if (x->pipe[0] == -1 && pool_pipe_get(s->eng, s->rt->tune.bufsize,
	    x->pipe) == -1) {
		x->nosplice = true;
		return 0;
	}
	x->splicing = up ? 1 : 2;
	for (steps = 0; steps < 16 && failed == NULL; steps++) {
		r = 0;
		if (x->inpipe > 0 && dst->can_write) {
			if ((r = pipe_out(s, x, dst, up)) == -1)
				failed = dst;
		} else if (x->inpipe < s->rt->tune.bufsize &&
		    src->can_read && http_body_left(up ? &x->req : &x->res) >
		    0) {
			if ((r = pipe_in(s, x, src, up)) == 2) {
				if (up)
					s->http->client_eof = true;
				else
					x->host_eof = true;
			} else if (r == -1 && errno == EINVAL &&
			    x->inpipe == 0) {
				x->nosplice = true;	/* copy from now on */
				r = 0;
			} else if (r == -1)
				failed = src;
		}
		if (r == 0)
			break;
		moved = 1;
	}
	if (failed != NULL) {
		session_end(s, failed == &s->client ? SESS_CLIENT_RESET :
		    SESS_HOST_RESET);
		return -1;
	}
	/* The pipe is left once empty and the body's spliced part over. */
	if (x->inpipe == 0 && (x->nosplice || http_body_left(up ? &x->req :
	    &x->res) < HTTP_SPLICE_MIN || (up ? s->http->client_eof :
	    x->host_eof) || !src->can_read))
		x->splicing = 0;
	return moved;
}
