/*
 * The invariants --explore checks after every event of a simulated run.
 * Each is computed from the world's truth (virtual hosts, delivered
 * results, the recorder's replay of layer-3 and carp operations), not
 * from the engines' own bookkeeping.
 */
#ifndef HS_SIM_INVARIANTS_H
#define HS_SIM_INVARIANTS_H

#include "core/buf.h"

struct world;

/*
 * 0 if every invariant holds.  Otherwise -1: what failed in msg (one
 * line), and scenario expect lines (without "at T ") that hold only if
 * the engines behaved, one per line, in expects.
 */
int	invariants_check(struct world *, struct buf *msg, struct buf *expects);

#endif /* HS_SIM_INVARIANTS_H */
