/*
 * Load-balancing selection for relays: pure functions over the hosts of
 * a table that are up, falling back to the backup table's hosts when the
 * main table has none.  Deterministic given the state: random draws from
 * a PRNG seeded by the caller, hashes are keyed SipHash-2-4.
 */
#ifndef HS_LB_H
#define HS_LB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "core/config.h"

#define LB_KEY_LEN	HS_KEY_LEN

struct lb_host {
	uint32_t	id;
	struct hs_addr	addr;
	uint16_t	port;		/* with addr: what the hash scores */
	uint32_t	weight;		/* random only; 0 counts as 1 */
	bool		up;
	uint32_t	states;		/* sessions open to it (least-states) */
};

/* What the hash methods feed on. */
struct lb_client {
	struct hs_addr	addr;		/* client: source-hash, loadbalance */
	struct hs_addr	relay_addr;	/* listener: loadbalance, hash */
	uint16_t	relay_port;
	const void	*hashdata;	/* values from "hash" actions, or NULL */
	size_t		hashlen;
};

/* Per relay table: the round-robin position, the PRNG and the hash key. */
struct lb_state {
	uint32_t	rr_next;
	uint64_t	rng;
	uint8_t		key[LB_KEY_LEN];
};

void		lb_state_init(struct lb_state *, uint64_t seed,
		    const uint8_t key[LB_KEY_LEN]);
/*
 * The id of the chosen host, or -1 when no host of main nor backup is up.
 * The hash methods use rendezvous hashing: a client sticks to its host
 * while that host is up, and only the clients of a host that goes down
 * move.
 */
int		lb_select(enum lb_mode, const struct lb_host *main, size_t nmain,
		    const struct lb_host *backup, size_t nbackup,
		    const struct lb_client *, struct lb_state *);

/* SipHash-2-4 of data under a 128-bit key. */
uint64_t	lb_siphash(const uint8_t key[LB_KEY_LEN], const void *data,
		    size_t len);

#endif /* HS_LB_H */
