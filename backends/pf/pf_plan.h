/*
 * The pf side of the layer-3 operations, as plans: the ordered ioctls
 * (pf(4)) each operation makes, with their arguments, built and printed
 * without a kernel, so that they are tested on every platform.  The
 * ioctl layer (pf_ioctl.c, OpenBSD only) only carries a plan out.
 *
 * A service NAME lives in the anchor "hoststated/NAME", which the
 * operator's pf.conf reaches with an anchor rule for every anchor
 * under "hoststated" (see hoststated(8)): one persistent table <NAME>
 * holding the hosts that are up in the active table (weights as table
 * entry weights), and per virtual host one rule
 *     pass in quick [on IF] inet|inet6 proto tcp from any to VIP
 *         port = PORT flags S/SA [tag TAG] rdr-to <NAME> port REALPORT
 *         round-robin [sticky-address]
 * ("match in" instead of "pass in quick" with match tag), replaced in
 * one ruleset transaction.  When a sticky service's host goes down its
 * source nodes are killed, so its clients pick another host.
 */
#ifndef HS_PF_PLAN_H
#define HS_PF_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/layer3.h"

#define PF_PLAN_ANCHOR		"hoststated"
#define PF_PLAN_TABLE_MAX	31	/* PF_TABLE_NAME_SIZE - 1 */
#define PF_PLAN_ANCHOR_MAX	(sizeof(PF_PLAN_ANCHOR) + PF_PLAN_TABLE_MAX)
#define PF_PLAN_OPS_MAX		(HS_LISTEN_MAX + 8)

enum pfp_kind {
	PFP_CHILDREN,		/* DIOCGETRULESETS: for each anchor under */
	PFP_END,		/* end of the ops done for each child */
	PFP_XBEGIN,		/* DIOCXBEGIN, a PF_TRANS_RULESET */
	PFP_ADDRULE,		/* DIOCADDRULE, in that transaction */
	PFP_XCOMMIT,		/* DIOCXCOMMIT: all rules at once, or none */
	PFP_ADDTABLE,		/* DIOCRADDTABLES, PFR_TFLAG_PERSIST */
	PFP_CLRADDRS,		/* DIOCRCLRADDRS */
	PFP_SETADDRS,		/* DIOCRSETADDRS: the whole table at once */
	PFP_CLRTABLES,	/* DIOCRCLRTABLES: every table of the anchor */
	PFP_KILLSRC,		/* DIOCKILLSRCNODES: bindings to addr */
};

struct pfp_rule {
	bool		 match;		/* match in, else pass in quick */
	char		 ifname[HS_IFNAME_MAX];
	struct hs_addr	 dst;
	uint16_t	 dport;
	char		 tag[HS_NAME_MAX];
	char		 table[PF_PLAN_TABLE_MAX + 1];
	uint16_t	 rdr_port;
	bool		 sticky;
};

struct pfp_op {
	enum pfp_kind	 kind;
	/* "" in a for each: the child anchor */
	char		 anchor[PF_PLAN_ANCHOR_MAX + 1];
	char		 table[PF_PLAN_TABLE_MAX + 1];
	struct pfp_rule	 rule;			/* ADDRULE */
	const struct l3_host *hosts;		/* SETADDRS: the caller's */
	size_t		 nhosts;
	struct hs_addr	 addr;			/* KILLSRC */
};

struct pf_plan {
	struct pfp_op	 ops[PF_PLAN_OPS_MAX];
	size_t		 n;
	/* SETADDRS then KILLSRC for each gone host: kept apart, any number. */
	const struct l3_host *gone;
	size_t		 ngone;
};

/* Every anchor under hoststated emptied: start and shutdown. */
void	 pf_plan_flush(struct pf_plan *);
/* The service's table (emptied) and its rules.  -1 with err. */
int	 pf_plan_rules_add(const struct service_conf *,
	    const struct table_conf *active, struct pf_plan *, struct buf *err);
int	 pf_plan_rules_remove(const struct service_conf *, struct pf_plan *,
	    struct buf *err);
int	 pf_plan_table_replace(const struct service_conf *,
	    const struct l3_table *, struct pf_plan *, struct buf *err);

/* One line per ioctl, as the golden files show them. */
void	 pf_plan_print(const struct pf_plan *, struct buf *);
/* A rule as "pfctl -a hoststated/NAME -sr" shows it. */
void	 pf_rule_print(const struct pfp_rule *, struct buf *);

#endif /* HS_PF_PLAN_H */
