/* Slot maps that change little; see slots.h. */
#include <stdlib.h>
#include <string.h>

#include "backends/nft/slots.h"
#include "core/lb_slots.h"

#define FREE	UINT32_MAX

void
nft_slotmap_free(struct nft_slotmap *m)
{
	free(m->slot);
	m->slot = NULL;
	m->n = 0;
}

bool
nft_slot_same(const struct l3_host *a, const struct l3_host *b)
{
	return addr_equal(&a->addr, &b->addr) && a->port == b->port;
}

static int
host_cmp(const struct l3_host *a, const struct l3_host *b)
{
	int	c = addr_cmp(&a->addr, &b->addr);

	return c != 0 ? c : (a->port > b->port) - (a->port < b->port);
}

/* The hosts by address and port, to find a slot's host quickly. */
struct sorted_host {
	struct l3_host	 h;
	uint32_t	 k;		/* its index in the caller's list */
};

static int
sorted_cmp(const void *a, const void *b)
{
	return host_cmp(&((const struct sorted_host *)a)->h,
	    &((const struct sorted_host *)b)->h);
}

static uint32_t
find_host(const struct sorted_host *sh, size_t n, const struct l3_host *x)
{
	size_t	lo = 0, hi = n, mid;
	int	c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((c = host_cmp(&sh[mid].h, x)) == 0)
			return sh[mid].k;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return FREE;
}

static uint32_t
weight_of(const struct l3_host *h)
{
	return h->weight != 0 ? h->weight : 1;
}

/* Which host each current slot keeps (FREE: it must change). */
static void
keep_slots(const struct nft_slotmap *cur, const struct l3_host *h, size_t n,
    const struct sorted_host *sh, uint32_t *owner, uint32_t *held)
{
	uint32_t	i, k;

	for (i = 0; i < cur->n; i++) {
		k = find_host(sh, n, &cur->slot[i]);
		if (k != FREE && held[k] < weight_of(&h[k])) {
			held[k]++;
			owner[i] = k;
		} else
			owner[i] = FREE;
	}
}

/*
 * Move the kept slots from beyond w into the holes below it, then give
 * the remaining holes to the hosts short of their weight.
 */
static void
compact(uint32_t *owner, uint32_t nowner, uint32_t w, const struct l3_host *h,
    size_t n, uint32_t *held)
{
	uint32_t	i, top = nowner, k = 0;

	for (i = 0; i < w; i++) {
		if (i < nowner && owner[i] != FREE)
			continue;
		while (top > w && owner[top - 1] == FREE)
			top--;
		if (top > w) {
			owner[i] = owner[--top];
			owner[top] = FREE;
			continue;
		}
		while (k < n && held[k] >= weight_of(&h[k]))
			k++;
		owner[i] = (uint32_t)k;
		held[k]++;
	}
}

int
nft_slots_weighted(const struct nft_slotmap *cur, const struct l3_host *h,
    size_t n, struct nft_slotmap *next)
{
	struct sorted_host	*sh;
	uint32_t		*held, *owner, w = 0, i, nowner;
	size_t			 k;

	memset(next, 0, sizeof(*next));
	for (k = 0; k < n; k++)
		w += weight_of(&h[k]);
	nowner = cur->n > w ? cur->n : w;
	sh = calloc(n + 1, sizeof(*sh));
	held = calloc(n + 1, sizeof(*held));
	owner = calloc(nowner + 1, sizeof(*owner));
	next->slot = calloc(w + 1, sizeof(*next->slot));
	if (sh == NULL || held == NULL || owner == NULL || next->slot == NULL) {
		free(sh);
		free(held);
		free(owner);
		nft_slotmap_free(next);
		return -1;
	}
	for (k = 0; k < n; k++) {
		sh[k].h = h[k];
		sh[k].k = (uint32_t)k;
	}
	qsort(sh, n, sizeof(*sh), sorted_cmp);
	keep_slots(cur, h, n, sh, owner, held);
	for (i = cur->n; i < nowner; i++)
		owner[i] = FREE;
	compact(owner, nowner, w, h, n, held);
	for (i = 0; i < w; i++)
		next->slot[i] = h[owner[i]];
	next->n = w;
	free(sh);
	free(held);
	free(owner);
	return 0;
}

int
nft_slots_dealt(const struct l3_host *h, size_t n, uint32_t m,
    struct nft_slotmap *next)
{
	uint32_t	*owner, i;

	memset(next, 0, sizeof(*next));
	if (n == 0)
		return 0;
	owner = calloc(m, sizeof(*owner));
	next->slot = calloc(m, sizeof(*next->slot));
	if (owner == NULL || next->slot == NULL ||
	    lb_slots_deal(h, n, owner, m) == -1) {
		free(owner);
		nft_slotmap_free(next);
		return -1;
	}
	for (i = 0; i < m; i++)
		next->slot[i] = h[owner[i]];
	next->n = m;
	free(owner);
	return 0;
}
