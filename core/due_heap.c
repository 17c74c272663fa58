/* Ids by due time; see due_heap.h. */
#include <stdlib.h>
#include <string.h>

#include "core/due_heap.h"
#include "core/invariant.h"

int
due_heap_init(struct due_heap *h, size_t nids)
{
	size_t	n = nids ? nids : 1, i;

	memset(h, 0, sizeof(*h));
	h->heap = calloc(n, sizeof(*h->heap));
	h->pos = calloc(n, sizeof(*h->pos));
	h->due = calloc(n, sizeof(*h->due));
	if (h->heap == NULL || h->pos == NULL || h->due == NULL) {
		due_heap_free(h);
		return -1;
	}
	h->nids = nids;
	for (i = 0; i < n; i++)
		h->pos[i] = DUE_NONE;
	return 0;
}

void
due_heap_free(struct due_heap *h)
{
	free(h->heap);
	free(h->pos);
	free(h->due);
	memset(h, 0, sizeof(*h));
}

static bool
less(const struct due_heap *h, uint32_t a, uint32_t b)
{
	if (h->due[a] != h->due[b])
		return h->due[a] < h->due[b];
	return a < b;
}

static void
place(struct due_heap *h, size_t at, uint32_t id)
{
	HS_ASSERT(at < h->n && id < h->nids);
	h->heap[at] = id;
	h->pos[id] = (uint32_t)at;
}

static void
sift_up(struct due_heap *h, size_t at)
{
	uint32_t	id = h->heap[at];

	while (at > 0 && less(h, id, h->heap[(at - 1) / 2])) {
		place(h, at, h->heap[(at - 1) / 2]);
		at = (at - 1) / 2;
	}
	place(h, at, id);
}

static void
sift_down(struct due_heap *h, size_t at)
{
	uint32_t	id = h->heap[at];
	size_t		child;

	while ((child = 2 * at + 1) < h->n) {
		if (child + 1 < h->n && less(h, h->heap[child + 1],
		    h->heap[child]))
			child++;
		if (!less(h, h->heap[child], id))
			break;
		place(h, at, h->heap[child]);
		at = child;
	}
	place(h, at, id);
}

void
due_heap_set(struct due_heap *h, uint32_t id, uint64_t due)
{
	if (id >= h->nids)
		return;
	h->due[id] = due;
	if (h->pos[id] == DUE_NONE) {
		HS_ASSERT(h->n < h->nids);
		h->n++;
		place(h, h->n - 1, id);
	}
	sift_up(h, h->pos[id]);
	sift_down(h, h->pos[id]);
}

void
due_heap_remove(struct due_heap *h, uint32_t id)
{
	size_t		at;
	uint32_t	last;

	if (id >= h->nids || h->pos[id] == DUE_NONE)
		return;
	at = h->pos[id];
	HS_ASSERT(h->n > 0 && at < h->n && h->heap[at] == id);
	h->pos[id] = DUE_NONE;
	last = h->heap[--h->n];
	if (at == h->n)
		return;
	place(h, at, last);
	sift_up(h, at);
	sift_down(h, h->pos[last]);
}

void
due_heap_clear(struct due_heap *h)
{
	size_t	i;

	for (i = 0; i < h->n; i++)
		h->pos[h->heap[i]] = DUE_NONE;
	h->n = 0;
}

bool
due_heap_has(const struct due_heap *h, uint32_t id)
{
	return id < h->nids && h->pos[id] != DUE_NONE;
}

uint32_t
due_heap_top(const struct due_heap *h)
{
	return h->n > 0 ? h->heap[0] : DUE_NONE;
}

uint64_t
due_heap_due(const struct due_heap *h, uint32_t id)
{
	HS_ASSERT(id < h->nids);
	return h->due[id];
}
