/*
 * The PF engine's state machine: host, table and service state from the
 * HCE's results and the operator's commands; which table each service
 * uses (main, backup or none); the layer-3 operations that follow, issued
 * only on change; carp demotion requests; the rows hoststatectl shows.
 *
 * Two choices where relayd is silent:
 * - A service whose tables have no host up but whose (main or backup)
 *   table still waits for its first results, all its enabled hosts
 *   unknown, keeps the rules pfe_start installed (its table emptied),
 *   instead of removing them before anything was checked.
 * - A demoting table demotes its group while it is enabled, has no host
 *   up and at least one host checked down; a table whose hosts are all
 *   unknown (start, enable, reload) has not failed yet.
 */
#ifndef HS_PFE_H
#define HS_PFE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/ctl.h"
#include "core/engine.h"
#include "core/msg.h"

struct pfe_io {
	void	*arg;
	/* Replace a service's layer-3 table with these addresses (port: active->port). */
	void	(*table_replace)(void *arg, const struct service_conf *,
		    const struct table_conf *active, const struct hs_addr *,
		    size_t);
	/* Install / remove a service's redirection rules. */
	void	(*rules_add)(void *arg, const struct service_conf *);
	void	(*rules_remove)(void *arg, const struct service_conf *);
	/* To monitor clients: every event. */
	void	(*event)(void *arg, const struct ctl_event *);
	send_fn	 send;		/* hce, parent (demote), relays */
	log_fn	 log;
};

struct pfe;

struct pfe	*pfe_new(const struct config *, const struct pfe_io *,
		    uint64_t now_ms);
void		 pfe_free(struct pfe *);
/* Messages from the HCE (MSG_HOST_STATUS); -1 if unexpected. */
int		 pfe_dispatch(struct pfe *, enum hs_peer, const struct msg *,
		    uint64_t now_ms);
/*
 * An operator command that changes state (enable/disable, poll).  Returns
 * 0, or -1 with one line in err ("no such table: x").
 */
int		 pfe_command(struct pfe *, const struct ctl_request *,
		    struct buf *err, uint64_t now_ms);
/*
 * The rows of a show command, in the seed's order.  The caller frees
 * *rows.  Returns the number of rows, or -1 on allocation failure.
 */
int		 pfe_rows(const struct pfe *, enum ctl_action,
		    struct ctl_row **rows);
/* Install rules and tables for the start; demote empty tables. */
void		 pfe_start(struct pfe *, uint64_t now_ms);
/* Switch configuration keeping the state of hosts present in both. */
void		 pfe_reload(struct pfe *, const struct config *, uint64_t now_ms);
/* Remove every rule and table, release every demotion. */
void		 pfe_shutdown(struct pfe *, uint64_t now_ms);

/* Read-only views for invariants and tests. */
enum host_state	 pfe_host_state(const struct pfe *, uint32_t host_id);
bool		 pfe_host_disabled(const struct pfe *, uint32_t host_id);
bool		 pfe_table_disabled(const struct pfe *, uint32_t table_id);
uint32_t	 pfe_table_up(const struct pfe *, uint32_t table_id);
bool		 pfe_service_disabled(const struct pfe *, uint32_t service_id);
/* The table a service uses now, or HS_ID_NONE when down or disabled. */
uint32_t	 pfe_service_active(const struct pfe *, uint32_t service_id);
/* The table asked for a carp demotion that it has not released yet. */
bool		 pfe_table_demoted(const struct pfe *, uint32_t table_id);
/* The service's redirection rules are in place. */
bool		 pfe_service_installed(const struct pfe *, uint32_t service_id);

#endif /* HS_PFE_H */
