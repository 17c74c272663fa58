/* The PFE process's state, shared by pfe_proc.c and pfe_relays.c. */
#ifndef HS_DAEMON_PFE_PROC_PRIV_H
#define HS_DAEMON_PFE_PROC_PRIV_H

#include <sys/queue.h>

#include <stdbool.h>
#include <stdint.h>

#include <event2/event.h>

#include "core/pfe.h"
#include "core/reload.h"
#include "daemon/channel.h"
#include "daemon/control.h"
#include "daemon/proc.h"

/* A show relays|sessions|metrics waiting for the relay processes' answers. */
struct pfe_show {
	LIST_ENTRY(pfe_show)	 entry;
	uint32_t		 client;
	enum ctl_action		 action;
	uint32_t		 waiting;	/* relays yet to end */
	struct ctl_row		*rows;		/* show relays: to sum into */
	int			 nrows;
};

struct pfe_proc {
	struct event_base	*base;
	struct config		*conf;
	struct reload_child	 reload;
	struct pfe		*pfe;
	struct control		*control;
	struct channel		*parent;
	struct channel		*hce;
	struct channel		*relay[HS_PREFORK_MAX];
	uint32_t		 nrelays;
	bool			 relay_monitor;	/* they send session ends */
	LIST_HEAD(, pfe_show)	 shows;
	struct msg		*scratch;	/* a message is large */
	uint64_t		 start_wall_ms;	/* show metrics */
	struct event		*ev_retry;	/* a refused layer-3 apply */
	struct event		*ev_verify;	/* our rules still there? */
#if defined(HS_HAVE_NFT)
	struct nft_backend	*nft;
#elif defined(HS_HAVE_PF)
	struct pf_backend	*pf;
#endif
};

/* pfe_proc.c */
void	 pfe_proc_send(struct pfe_proc *, struct channel *,
	    const struct msg *);
void	 pfe_proc_answer(struct pfe_proc *, uint32_t client, enum msg_type);
uint64_t pfe_proc_wall_ms(void);

/* pfe_relays.c */
void	 pfe_relays_setup(struct pfe_proc *, const struct proc_pipes *);
void	 pfe_relays_send(struct pfe_proc *, const struct msg *);
void	 pfe_relays_show(struct pfe_proc *, uint32_t client, enum ctl_action);
void	 pfe_relays_monitor(struct pfe_proc *, bool on);

#endif /* HS_DAEMON_PFE_PROC_PRIV_H */
