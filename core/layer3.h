/*
 * What the PF engine asks of a layer-3 backend (pf, nftables, the
 * simulator's recorder): the identity of the hosts a service's table
 * holds, and the retry policy of an operation the kernel refused.
 */
#ifndef HS_LAYER3_H
#define HS_LAYER3_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "core/config.h"

#define L3_ERROR_MAX		256	/* one line from a backend */
#define L3_RETRY_FIRST_MS	200	/* then doubled ... */
#define L3_RETRY_MAX_MS		5000	/* ... up to this */

/* A host where new connections may go, and its share of them. */
struct l3_host {
	uint32_t	 id;		/* host id in the configuration */
	struct hs_addr	 addr;
	uint16_t	 port;		/* the table's (real) port */
	uint32_t	 weight;	/* 1..HS_WEIGHT_MAX */
};

/* One table replace: the active table's hosts that are up. */
struct l3_table {
	const struct table_conf	*table;
	const struct l3_host	*hosts;		/* declaration order */
	size_t			 nhosts;
	/* Sticky services: held before, not now; their bindings go. */
	const struct l3_host	*gone;
	size_t			 ngone;
};

/* The delay before retry number attempt (1, 2, ...) of a failed apply. */
uint64_t	 l3_retry_delay(uint32_t attempt);
/* Same address, port and weight. */
bool		 l3_host_equal(const struct l3_host *, const struct l3_host *);
/*
 * The service's rules depend only on these: its virtual hosts, sticky
 * address and tag.  A reload that changes one reinstalls the rules.
 */
bool		 l3_service_equal(const struct service_conf *,
		    const struct service_conf *);

#endif /* HS_LAYER3_H */
