/*
 * A service's slot map for one address family, as the kernel holds it:
 * slot i leads to a host, and the rule picks a slot with "numgen inc
 * mod n" (round-robin) or "jhash ip saddr mod n" (sticky address).  A
 * change of hosts moves as few slots as it can, so that a transaction
 * deletes and adds a handful of elements, not the whole map: what
 * libnftables and the kernel spend grows with the elements a
 * transaction names.
 */
#ifndef HS_NFT_SLOTS_H
#define HS_NFT_SLOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/layer3.h"

struct nft_slotmap {
	struct l3_host	*slot;		/* the host of each slot */
	uint32_t	 n;		/* slots in use: the modulus */
};

void	 nft_slotmap_free(struct nft_slotmap *);
/*
 * Round-robin: each host as many slots as its weight.  Slots of the
 * hosts that stay keep them; slots of hosts that left are filled from
 * the end, then new slots go to the hosts short of their weight.
 * next is allocated; 0, or -1 if out of memory.
 */
int	 nft_slots_weighted(const struct nft_slotmap *cur,
	    const struct l3_host *, size_t, struct nft_slotmap *next);
/* Sticky address: m slots dealt by lb_slots (none without hosts). */
int	 nft_slots_dealt(const struct l3_host *, size_t, uint32_t m,
	    struct nft_slotmap *next);
/* Same address and port: the slot leads to the same place. */
bool	 nft_slot_same(const struct l3_host *, const struct l3_host *);

#endif /* HS_NFT_SLOTS_H */
