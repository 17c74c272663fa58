/* Shared by the files of the invariants; not an interface. */
#ifndef HS_SIM_INVARIANTS_PRIV_H
#define HS_SIM_INVARIANTS_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/invariants.h"

/* A table's hosts sorted by address, to find an address's hosts. */
struct inv_addr {
	struct hs_addr	 addr;
	uint32_t	 host_id;
};

/* Who depends on whom in one configuration (rebuilt on reload). */
struct inv_index {
	const struct config	 *conf;
	uint32_t		 *svc_off;	/* table -> services using it */
	uint32_t		 *svc;
	uint32_t		 *relay_off;	/* table -> relays using it */
	uint32_t		 *relay;
	uint32_t		 *addr_off;	/* table -> its inv_addrs */
	struct inv_addr		 *addrs;
	uint32_t		 *group_of;	/* table -> group, or NONE */
	uint32_t		 *group_off;	/* group -> its tables */
	uint32_t		 *group_tables;
	uint32_t		  ngroups;
	int32_t			 *rec;		/* service -> recorder entry */
	struct hs_addr		 *want;		/* scratch: nhosts addresses */
	uint64_t		  sweep_ms;	/* shortest check interval */
};

/* Objects to look at again: a list with a membership flag. */
struct inv_dirty {
	uint32_t	*ids;
	uint8_t		*on;
	size_t		 n;
	size_t		 cap;
};

int	 inv_index_build(struct inv_index *, const struct config *);
void	 inv_index_free(struct inv_index *);
/* The recorder's entry of a service, NULL if it never had one. */
const struct rec_service *inv_rec(struct inv_index *, const struct world *,
	    uint32_t service_id);

/* The checks, one object at a time (invariants.c). */
int	 inv_table(struct world *, struct inv_index *, uint32_t table_id,
	    struct buf *msg, struct buf *exp);
int	 inv_service(struct world *, struct inv_index *, uint32_t service_id,
	    struct buf *msg, struct buf *exp);
int	 inv_group(struct world *, struct inv_index *, uint32_t group,
	    struct buf *msg, struct buf *exp);
int	 inv_relay(struct world *, struct inv_index *, uint32_t relay_id,
	    struct buf *msg);
int	 inv_host(struct world *, struct inv_index *, uint32_t host_id,
	    struct buf *msg, struct buf *exp);
int	 inv_host_counts(struct world *, uint32_t host_id, struct buf *msg,
	    struct buf *exp);

#endif /* HS_SIM_INVARIANTS_PRIV_H */
