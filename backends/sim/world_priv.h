/* Shared between the files of the simulated world; not an interface. */
#ifndef HS_SIM_WORLD_PRIV_H
#define HS_SIM_WORLD_PRIV_H

#include "backends/sim/world.h"

enum world_event {
	WEV_CHECK = 1,		/* a virtual host's answer is due */
	WEV_SCRIPT,		/* a script run by the parent finished */
};

void	world_fail(struct world *, const char *);
void	world_print_line(struct world *, int level);
uint32_t world_jitter(struct world *);
void	world_schedule_result(struct world *, uint32_t kind,
	    const struct check_result *);
void	world_host_result(struct world *, const struct check_result *);
/* world_msg.c: queue a message on its channel, deliver them all. */
void	world_send(struct world *, enum hs_peer to, enum hs_peer from,
	    const struct msg *);
void	world_deliver(struct world *);
/* Deliver every message in flight (and nothing else). */
void	world_drain(struct world *);
/*
 * Deliver every message in flight, crossing the work due at the same
 * instant as the seed picks: what follows an operator's command.
 */
void	world_settle(struct world *);
void	world_changed(struct world *, enum world_change, uint32_t id);
void	world_print(struct world *, int level, const char *);
void	world_print_text(struct world *, const char *);
int	world_hosts_alloc(struct world *, size_t);
/* Queue a message from an engine (send_fn). */
void	world_hce_send(void *, enum hs_peer, const struct msg *);
void	world_pfe_send(void *, enum hs_peer, const struct msg *);
void	world_parent_send(void *, enum hs_peer, const struct msg *);
void	world_relay_send(void *, enum hs_peer, const struct msg *);
int	world_map_hosts(struct world *);
/* world_reload.c */
void	world_reload_init(struct world *);
void	world_release_config(struct world *, struct config *);
void	world_reload_free(struct world *);
void	world_parent_reload_msg(struct world *, enum hs_peer from,
	    const struct msg *);
/* world_ctl.c: the answer to a control client. */
void	world_reply(void *arg, uint32_t client, bool ok, const char *text);
uint32_t world_client_begin(struct world *, struct buf *out);
int	world_client_end(struct world *);
void	world_send(struct world *, enum hs_peer to, enum hs_peer from,
	    const struct msg *);
/* world_relay.c: the relay process, a child of the reload handshake */
int	world_relay_init(struct world *);
void	world_relay_free(struct world *);
void	world_relay_reload_init(struct world *, enum hs_peer from);
int	world_relay_dispatch(struct world *, enum hs_peer,
	    const struct msg *);
struct demote_io;
void	world_demote_io(struct world *, struct demote_io *);

#endif /* HS_SIM_WORLD_PRIV_H */
