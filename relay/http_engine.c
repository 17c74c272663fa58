/*
 * What the HTTP sessions of a relay process share: the pool of host
 * connections (http_conn.c), free lists of buffers and exchanges so that
 * a request allocates nothing once the process is warm, and the scratch
 * space one head's rewrite uses (a process rewrites one head at a time).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "relay/http_relay.h"

static void	sweep_idle(evutil_socket_t, short, void *);

struct http_engine *
http_engine_get(struct relay_engine *e)
{
	struct http_engine	*he;
	size_t			 i;

	if (e->http != NULL)
		return e->http;
	if ((he = calloc(1, sizeof(*he))) == NULL)
		return NULL;
	he->e = e;
	for (i = 0; i < HTTP_POOL_BUCKETS; i++)
		TAILQ_INIT(&he->idle[i]);
	TAILQ_INIT(&he->lru);
	LIST_INIT(&he->dead);
	he->sweep = evtimer_new(e->base, sweep_idle, he);
	he->w.str = malloc(HTTP_WORK_STR);
	he->xfree = calloc(HTTP_FREE_KEEP, sizeof(*he->xfree));
	if (he->sweep == NULL || he->w.str == NULL || he->xfree == NULL) {
		if (he->sweep != NULL)
			event_free(he->sweep);
		free(he->w.str);
		free(he->xfree);
		free(he);
		return NULL;
	}
	e->http = he;
	return he;
}

static void
bufs_free(struct hbuf_pool *bp)
{
	while (bp->n > 0)
		free(bp->v[--bp->n]);
	free(bp->v);
	bp->v = NULL;
}

void
http_engine_free(struct relay_engine *e)
{
	struct http_engine	*he = e->http;
	struct http_conn	*c;

	if (he == NULL)
		return;
	while ((c = TAILQ_FIRST(&he->lru)) != NULL)
		http_conn_close(he, c);
	e->in_batch = false;
	http_reap(e);
	event_free(he->sweep);
	bufs_free(&he->inbufs);
	bufs_free(&he->outbufs);
	while (he->nxfree > 0)
		free(he->xfree[--he->nxfree]);
	free(he->xfree);
	free(he->w.f);
	free(he->w.str);
	free(he);
	e->http = NULL;
}

/* Connections closed during a batch, once no event can name them. */
void
http_reap(struct relay_engine *e)
{
	struct http_conn	*c;

	if (e->http == NULL)
		return;
	while ((c = LIST_FIRST(&e->http->dead)) != NULL) {
		LIST_REMOVE(c, dead);
		free(c);
	}
}

/* Idle connections past their time are closed; runs while there are. */
static void
sweep_idle(evutil_socket_t fd, short what, void *arg)
{
	struct http_engine	*he = arg;
	struct http_conn	*c;
	struct timeval		 tv = { 1, 0 };
	uint64_t		 now = relay_now_ms();

	while ((c = TAILQ_FIRST(&he->lru)) != NULL && c->expires <= now)
		http_conn_close(he, c);
	he->sweeping = he->nidle > 0;
	if (he->sweeping)
		evtimer_add(he->sweep, &tv);
}

/* The sweep runs once a second while a connection is idle. */
void
http_sweep_arm(struct http_engine *he)
{
	struct timeval	tv = { 1, 0 };

	if (he->sweeping)
		return;
	he->sweeping = true;
	evtimer_add(he->sweep, &tv);
}

int
hbuf_take(struct http_engine *he, struct hbuf *b, size_t size, bool out)
{
	struct hbuf_pool	*bp = out ? &he->outbufs : &he->inbufs;

	b->off = b->len = 0;
	if (b->p != NULL)
		return 0;
	if (bp->n > 0 && bp->size == size)
		b->p = bp->v[--bp->n];
	else if ((b->p = malloc(size)) == NULL)
		return -1;
	b->size = size;
	return 0;
}

void
hbuf_give(struct http_engine *he, struct hbuf *b, bool out)
{
	struct hbuf_pool	*bp = out ? &he->outbufs : &he->inbufs;

	if (b->p == NULL)
		return;
	if (bp->size != b->size) {
		/* Another size in use now (a reload): start over with it. */
		while (bp->n > 0)
			free(bp->v[--bp->n]);
		bp->size = b->size;
	}
	if (bp->v == NULL)
		bp->v = calloc(HTTP_FREE_KEEP, sizeof(*bp->v));
	if (bp->v != NULL && bp->n < HTTP_FREE_KEEP)
		bp->v[bp->n++] = b->p;
	else
		free(b->p);
	b->p = NULL;
	b->off = b->len = b->size = 0;
}

/* Move the bytes not consumed to the front: room for a whole unit. */
void
hbuf_compact(struct hbuf *b)
{
	if (b->off == 0)
		return;
	if (b->off < b->len)
		memmove(b->p, b->p + b->off, b->len - b->off);
	b->len -= b->off;
	b->off = 0;
}

int
hbuf_add(struct hbuf *b, const char *s, size_t n)
{
	if (n > b->size - b->len)
		return -1;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	return 0;
}

struct http_xchg *
http_xchg_new(struct http_engine *he, struct http_proto *pr)
{
	struct http_xchg	*x = NULL;
	size_t			 nf = pr->lim.fields_max;

	while (x == NULL && he->nxfree > 0) {
		x = he->xfree[--he->nxfree];
		if (x->nf != nf) {
			free(x);
			x = NULL;
		}
	}
	if (x == NULL && (x = malloc(sizeof(*x) + 2 * nf *
	    sizeof(struct http_field))) == NULL)
		return NULL;
	memset(x, 0, sizeof(*x));
	x->fields = (struct http_field *)(x + 1);
	x->nf = nf;
	x->proto = http_proto_ref(pr);
	x->route = HS_ID_NONE;
	x->pipe[0] = x->pipe[1] = -1;
	http_parser_init(&x->req, HTTP_REQUEST, &pr->lim, x->fields);
	http_parser_init(&x->res, HTTP_RESPONSE, &pr->lim, x->fields + nf);
	return x;
}

/* Its buffers and connection are the caller's to give back first. */
void
http_xchg_put(struct http_engine *he, struct http_xchg *x)
{
	http_proto_put(x->proto);
	x->proto = NULL;
	if (he->nxfree < HTTP_FREE_KEEP)
		he->xfree[he->nxfree++] = x;
	else
		free(x);
}
