/*
 * Where the parent's demotion counters go: carp on OpenBSD (the
 * interface group's demote counter), and for a group with a demote file
 * or script, the file written and the script run on every change.
 */
#ifndef HS_DAEMON_PARENT_DEMOTE_H
#define HS_DAEMON_PARENT_DEMOTE_H

#include <event2/event.h>

#include "core/config.h"
#include "core/demote.h"

struct parent_demote;

struct parent_demote	*parent_demote_new(struct event_base *,
			    const struct config *);
void			 parent_demote_free(struct parent_demote *);
/* The configuration whose demote files and scripts apply from now. */
void			 parent_demote_config(struct parent_demote *,
			    const struct config *);
/* The apply and reset callbacks of the parent's counters. */
void			 parent_demote_io(struct parent_demote *,
			    struct demote_io *);
/* At exit, after the counters' last change: the scripts finish. */
void			 parent_demote_finish(struct parent_demote *);

#endif /* HS_DAEMON_PARENT_DEMOTE_H */
