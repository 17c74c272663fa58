/* Shared between the files of the simulated world; not an interface. */
#ifndef HS_SIM_WORLD_PRIV_H
#define HS_SIM_WORLD_PRIV_H

#include "backends/sim/world.h"

void	world_fail(struct world *, const char *);
void	world_drain(struct world *);
void	world_print(struct world *, int level, const char *);
void	world_print_text(struct world *, const char *);
int	world_hosts_alloc(struct world *, size_t);
int	world_map_hosts(struct world *);

#endif /* HS_SIM_WORLD_PRIV_H */
