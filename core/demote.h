/*
 * The parent's carp demotion counters, one per group.  The PFE asks for
 * +1 when a demoting table becomes empty and -1 when it recovers; the
 * parent applies each change to the real group through a callback,
 * never lets its own count go below zero, and at shutdown undoes the net
 * change it made, so other users of the group are left as they were.
 * The global group (hoststated's "demote GROUP") is set to 0 at start
 * and to DEMOTE_SHUTDOWN at exit, so that a peer takes over while this
 * daemon is not running.
 */
#ifndef HS_DEMOTE_H
#define HS_DEMOTE_H

#include <stddef.h>
#include <stdint.h>

#include "core/engine.h"
#include "core/msg.h"

#define DEMOTE_GROUPS_MAX	1024
#define DEMOTE_SHUTDOWN		128	/* the global group at exit */

struct demote_io {
	void	*arg;
	/*
	 * Add delta to the group's demotion counter; total is this
	 * daemon's whole share of it afterwards (what a file holds where
	 * there is no carp).  0, or -1 on failure.
	 */
	int	(*apply)(void *arg, const char *group, int delta,
		    int32_t total);
	/* Set the group's counter to value; 0, or -1 on failure. */
	int	(*reset)(void *arg, const char *group, int32_t value);
	log_fn	 log;
};

struct demote;

struct demote	*demote_new(const struct demote_io *);
void		 demote_free(struct demote *);
/*
 * Apply one request.  Returns 0, or -1 when refused (a release below
 * zero, a bad group or delta, too many groups, or the callback failed).
 */
int		 demote_apply(struct demote *, const struct msg_demote *);
/* MSG_DEMOTE from the PFE; -1 for anything else. */
int		 demote_dispatch(struct demote *, enum hs_peer,
		    const struct msg *);
/* The global group: its counter set to 0 now.  -1 if refused. */
int		 demote_global(struct demote *, const char *group);
/* The net change this process made to a group (0 if never seen). */
int32_t		 demote_count(const struct demote *, const char *group);
/*
 * Undo every net change; the counters are zero afterwards, but the
 * global group's, which is set to DEMOTE_SHUTDOWN.
 */
void		 demote_shutdown(struct demote *);

#endif /* HS_DEMOTE_H */
