/* Weighted Maglev slots for sticky-address tables; see lb_slots.h. */
#include <stdlib.h>
#include <string.h>

#include "core/lb.h"
#include "core/lb_slots.h"

#define SLOT_FREE	UINT32_MAX

static const uint32_t slot_primes[] = {
	251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071,
};

/* A fixed key: the deal must not change from one run to the next. */
static const uint8_t slot_key[LB_KEY_LEN] = "hoststated-slots";

/* Where a host starts in the slots and how far it steps each time. */
struct slot_walk {
	uint32_t	 offset;
	uint32_t	 skip;		/* 1..m-1, m prime: visits every slot */
	uint32_t	 next;
	uint64_t	 credit;	/* weight received, in turns of maxw */
};

uint32_t
lb_slots_count(size_t nhosts)
{
	size_t	i;

	for (i = 0; i < sizeof(slot_primes) / sizeof(slot_primes[0]); i++)
		if (slot_primes[i] / 8 >= nhosts)
			return slot_primes[i];
	return LB_SLOTS_MAX;
}

static void
walk_init(const struct l3_host *h, uint32_t m, struct slot_walk *w)
{
	uint8_t		in[1 + sizeof(h->addr.bytes) + 2];
	uint64_t	x;

	in[0] = h->addr.family;
	memcpy(in + 1, h->addr.bytes, sizeof(h->addr.bytes));
	in[sizeof(in) - 2] = (uint8_t)(h->port >> 8);
	in[sizeof(in) - 1] = (uint8_t)h->port;
	x = lb_siphash(slot_key, in, sizeof(in));
	w->offset = (uint32_t)((x & 0xffffffff) % m);
	w->skip = (uint32_t)((x >> 32) % (m - 1)) + 1;
	w->next = 0;
	w->credit = 0;
}

/* The host's next preferred slot that is still free. */
static uint32_t
walk_take(struct slot_walk *w, const uint32_t *slots, uint32_t m)
{
	uint32_t	c;

	do {
		c = (uint32_t)((w->offset + (uint64_t)w->next * w->skip) % m);
		w->next++;
	} while (slots[c] != SLOT_FREE);
	return c;
}

int
lb_slots_deal(const struct l3_host *hosts, size_t n, uint32_t *slots,
    uint32_t m)
{
	struct slot_walk	*w;
	uint32_t		 maxw = 1, filled = 0, c;
	size_t			 i;

	if (n == 0 || m < 2 || (w = calloc(n, sizeof(*w))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		walk_init(&hosts[i], m, &w[i]);
		if (hosts[i].weight > maxw)
			maxw = hosts[i].weight;
	}
	for (c = 0; c < m; c++)
		slots[c] = SLOT_FREE;
	/* Rounds: the heaviest host takes a slot in each, others in turn. */
	while (filled < m) {
		for (i = 0; i < n && filled < m; i++) {
			w[i].credit += hosts[i].weight != 0 ?
			    hosts[i].weight : 1;
			if (w[i].credit < maxw)
				continue;
			w[i].credit -= maxw;
			slots[walk_take(&w[i], slots, m)] = (uint32_t)i;
			filled++;
		}
	}
	free(w);
	return 0;
}
