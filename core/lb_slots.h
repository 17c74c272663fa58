/*
 * Sticky-address slots for a layer-3 table: a client's source address
 * hashes to one of m slots, and each slot belongs to one host.  Slots
 * are dealt by Maglev hashing (Eisenbud et al., NSDI 2016), weighted:
 * a host keeps most of its slots while other hosts come and go, so most
 * clients keep their host, and a host that comes back gets its slots
 * back.  The deal depends only on the hosts' addresses, ports and
 * weights: a restarted daemon deals the same slots.
 */
#ifndef HS_LB_SLOTS_H
#define HS_LB_SLOTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/layer3.h"

#define LB_SLOTS_MIN	251		/* primes, about 8 slots per host */
#define LB_SLOTS_MAX	131071

/* The number of slots for a table of nhosts hosts (a prime). */
uint32_t	 lb_slots_count(size_t nhosts);
/*
 * Deal m slots (m prime, as lb_slots_count gives) among n > 0 hosts:
 * slots[i] is the index in hosts of slot i's owner.  0, or -1 if out of
 * memory.
 */
int		 lb_slots_deal(const struct l3_host *hosts, size_t n,
		    uint32_t *slots, uint32_t m);

#endif /* HS_LB_SLOTS_H */
