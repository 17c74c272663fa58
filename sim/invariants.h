/*
 * The invariants --explore checks after every event of a simulated run.
 * Each is computed from the world's truth (virtual hosts, delivered
 * results, the recorder's replay of layer-3 and carp operations), not
 * from the engines' own bookkeeping.
 *
 * They are checked incrementally: after an event, only the hosts,
 * tables and services it changed (the world says which), and all of
 * them after an operator's command or a reload and once per check
 * interval of virtual time, so that a run costs the same per check
 * whatever the size of the configuration.
 */
#ifndef HS_SIM_INVARIANTS_H
#define HS_SIM_INVARIANTS_H

#include <stdint.h>

#include "backends/sim/world.h"
#include "core/buf.h"

struct invariants;

struct invariants	*invariants_new(void);
void			 invariants_free(struct invariants *);
/* What an event changed (a world's changed callback). */
void			 invariants_changed(struct invariants *,
			    enum world_change, uint32_t id);
/*
 * 0 if every invariant holds for what changed since the last call.
 * Otherwise -1: what failed in msg (one line), and scenario expect
 * lines (without "at T ") that hold only if the engines behaved, one
 * per line, in expects.
 */
int			 invariants_check(struct invariants *, struct world *,
			    struct buf *msg, struct buf *expects);
/* The same over everything, now. */
int			 invariants_check_all(struct invariants *,
			    struct world *, struct buf *msg,
			    struct buf *expects);

#endif /* HS_SIM_INVARIANTS_H */
