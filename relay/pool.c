/*
 * Buffers and pipes are taken only while bytes are in flight and given
 * back as soon as a direction is empty, so an idle session holds
 * neither: memory follows the traffic, not the number of sessions.  A
 * few of each are kept for the next session; more are freed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "relay/relay_priv.h"

#define PIPE_DEFAULT_SIZE	65536	/* Linux's */

uint8_t *
pool_buf_get(struct relay_engine *e, size_t size)
{
	struct pool_bufs	*p = &e->bufs;

	if (p->n > 0 && p->size == size)
		return p->v[--p->n];
	return malloc(size);
}

void
pool_buf_put(struct relay_engine *e, uint8_t *b, size_t size)
{
	struct pool_bufs	*p = &e->bufs;

	if (b == NULL)
		return;
	if (p->size != size) {
		/* Another size now in use (a reload): start over with it. */
		while (p->n > 0)
			free(p->v[--p->n]);
		p->size = size;
	}
	if (p->v == NULL &&
	    (p->v = calloc(RELAY_BUFS_IDLE, sizeof(*p->v))) == NULL) {
		free(b);
		return;
	}
	if (p->n == RELAY_BUFS_IDLE) {
		free(b);
		return;
	}
	p->v[p->n++] = b;
}

static void
pipe_close(int fds[2])
{
	close(fds[0]);
	close(fds[1]);
	fds[0] = fds[1] = -1;
}

/*
 * A pipe of size bytes; -1 when none can be had (descriptors), and the
 * direction copies instead.  A pipe the kernel will not grow (the
 * user's pipe memory) still splices, in smaller steps.
 */
int
pool_pipe_get(struct relay_engine *e, size_t size, int fds[2])
{
	struct pool_pipes	*p = &e->pipes;

	if (p->n > 0 && p->size == size) {
		p->n--;
		fds[0] = p->v[p->n][0];
		fds[1] = p->v[p->n][1];
		return 0;
	}
	if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) == -1) {
		fds[0] = fds[1] = -1;
		return -1;
	}
	if (size != PIPE_DEFAULT_SIZE &&
	    fcntl(fds[0], F_SETPIPE_SZ, (int)size) == -1)
		relay_log(e, 1, "relay: pipe of %zu bytes: %s", size,
		    strerror(errno));
	return 0;
}

/* A pipe that still holds bytes cannot serve another session. */
void
pool_pipe_put(struct relay_engine *e, int fds[2], size_t size, bool empty)
{
	struct pool_pipes	*p = &e->pipes;

	if (fds[0] == -1)
		return;
	if (!empty) {
		pipe_close(fds);
		return;
	}
	if (p->size != size) {
		while (p->n > 0)
			pipe_close(p->v[--p->n]);
		p->size = size;
	}
	if (p->v == NULL &&
	    (p->v = calloc(RELAY_PIPES_IDLE, sizeof(*p->v))) == NULL) {
		pipe_close(fds);
		return;
	}
	if (p->n == RELAY_PIPES_IDLE) {
		pipe_close(fds);
		return;
	}
	p->v[p->n][0] = fds[0];
	p->v[p->n][1] = fds[1];
	p->n++;
	fds[0] = fds[1] = -1;
}

/* Out of descriptors: the idle pipes hold two each. */
void
pool_pipes_trim(struct relay_engine *e)
{
	while (e->pipes.n > 0) {
		e->pipes.n--;
		pipe_close(e->pipes.v[e->pipes.n]);
	}
}

void
pool_free(struct relay_engine *e)
{
	while (e->bufs.n > 0)
		free(e->bufs.v[--e->bufs.n]);
	free(e->bufs.v);
	e->bufs.v = NULL;
	while (e->pipes.n > 0) {
		e->pipes.n--;
		pipe_close(e->pipes.v[e->pipes.n]);
	}
	free(e->pipes.v);
	e->pipes.v = NULL;
}
