/* Shared between the files of the simulated world; not an interface. */
#ifndef HS_SIM_WORLD_PRIV_H
#define HS_SIM_WORLD_PRIV_H

#include "backends/sim/world.h"

void	world_fail(struct world *, const char *);
void	world_drain(struct world *);
void	world_print(struct world *, int level, const char *);
void	world_print_text(struct world *, const char *);
int	world_hosts_alloc(struct world *, size_t);
/* Queue a message from an engine (send_fn). */
void	world_hce_send(void *, enum hs_peer, const struct msg *);
void	world_pfe_send(void *, enum hs_peer, const struct msg *);
void	world_parent_send(void *, enum hs_peer, const struct msg *);
int	world_map_hosts(struct world *);
/* world_reload.c */
void	world_reload_init(struct world *);
void	world_reload_free(struct world *);
void	world_parent_reload_msg(struct world *, enum hs_peer from,
	    const struct msg *);
/* world_ctl.c: the answer to a control client. */
void	world_reply(void *arg, uint32_t client, bool ok, const char *text);
uint32_t world_client_begin(struct world *, struct buf *out);
int	world_client_end(struct world *);

#endif /* HS_SIM_WORLD_PRIV_H */
