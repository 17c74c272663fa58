/* The pf ioctls of the layer-3 operations, as plans; see pf_plan.h. */
#include <stdio.h>
#include <string.h>

#include "backends/pf/pf_plan.h"

static struct pfp_op *
op_add(struct pf_plan *pl, enum pfp_kind kind, const char *anchor,
    const char *table)
{
	struct pfp_op	*op = &pl->ops[pl->n++];

	memset(op, 0, sizeof(*op));
	op->kind = kind;
	(void)snprintf(op->anchor, sizeof(op->anchor), "%s", anchor);
	(void)snprintf(op->table, sizeof(op->table), "%s", table);
	return op;
}

static void
plan_init(struct pf_plan *pl)
{
	pl->n = 0;
	pl->gone = NULL;
	pl->ngone = 0;
}

void
pf_plan_flush(struct pf_plan *pl)
{
	plan_init(pl);
	(void)op_add(pl, PFP_CHILDREN, PF_PLAN_ANCHOR, "");
	/* An empty transaction removes the child's rules. */
	(void)op_add(pl, PFP_XBEGIN, "", "");
	(void)op_add(pl, PFP_XCOMMIT, "", "");
	(void)op_add(pl, PFP_CLRTABLES, "", "");
	(void)op_add(pl, PFP_END, "", "");
}

/*
 * The service's anchor and table: its name must fit a pf table and be
 * one anchor path component.
 */
static int
names(const struct service_conf *s, char *anchor, size_t alen, char *table,
    size_t tlen, struct buf *err)
{
	if (strlen(s->name) > PF_PLAN_TABLE_MAX) {
		(void)buf_printf(err, "service name too long for a pf table "
		    "(%d characters at most)", PF_PLAN_TABLE_MAX);
		return -1;
	}
	if (s->name[strcspn(s->name, "/*<> \t")] != '\0') {
		(void)buf_puts(err, "service name not usable as a pf anchor "
		    "or table: no '/', '*', '<', '>' or blanks");
		return -1;
	}
	(void)snprintf(anchor, alen, "%s/%s", PF_PLAN_ANCHOR, s->name);
	(void)snprintf(table, tlen, "%s", s->name);
	return 0;
}

int
pf_plan_rules_add(const struct service_conf *s,
    const struct table_conf *active, struct pf_plan *pl, struct buf *err)
{
	char		 anchor[PF_PLAN_ANCHOR_MAX + 1];
	char		 table[PF_PLAN_TABLE_MAX + 1];
	struct pfp_op	*op;
	size_t		 i;

	plan_init(pl);
	if (names(s, anchor, sizeof(anchor), table, sizeof(table), err) == -1)
		return -1;
	(void)op_add(pl, PFP_ADDTABLE, anchor, table);
	(void)op_add(pl, PFP_CLRADDRS, anchor, table);
	(void)op_add(pl, PFP_XBEGIN, anchor, "");
	for (i = 0; i < s->nvirts; i++) {
		op = op_add(pl, PFP_ADDRULE, anchor, "");
		op->rule.match = s->match;
		memcpy(op->rule.ifname, s->virts[i].ifname,
		    sizeof(op->rule.ifname));
		op->rule.dst = s->virts[i].addr;
		op->rule.dport = s->virts[i].port;
		memcpy(op->rule.tag, s->tag, sizeof(op->rule.tag));
		memcpy(op->rule.table, table, sizeof(op->rule.table));
		op->rule.rdr_port = active->port != 0 ? active->port :
		    s->virts[i].port;
		op->rule.sticky = s->sticky;
	}
	(void)op_add(pl, PFP_XCOMMIT, anchor, "");
	return 0;
}

int
pf_plan_rules_remove(const struct service_conf *s, struct pf_plan *pl,
    struct buf *err)
{
	char	anchor[PF_PLAN_ANCHOR_MAX + 1];
	char	table[PF_PLAN_TABLE_MAX + 1];

	plan_init(pl);
	if (names(s, anchor, sizeof(anchor), table, sizeof(table), err) == -1)
		return -1;
	(void)op_add(pl, PFP_XBEGIN, anchor, "");
	(void)op_add(pl, PFP_XCOMMIT, anchor, "");
	(void)op_add(pl, PFP_CLRTABLES, anchor, "");
	return 0;
}

int
pf_plan_table_replace(const struct service_conf *s,
    const struct l3_table *lt, struct pf_plan *pl, struct buf *err)
{
	char		 anchor[PF_PLAN_ANCHOR_MAX + 1];
	char		 table[PF_PLAN_TABLE_MAX + 1];
	struct pfp_op	*op;

	plan_init(pl);
	if (names(s, anchor, sizeof(anchor), table, sizeof(table), err) == -1)
		return -1;
	op = op_add(pl, PFP_SETADDRS, anchor, table);
	op->hosts = lt->hosts;
	op->nhosts = lt->nhosts;
	if (s->sticky) {
		pl->gone = lt->gone;
		pl->ngone = lt->ngone;
	}
	return 0;
}

static void
print_addr(const struct hs_addr *a, struct buf *out)
{
	char	text[HS_ADDRSTR_MAX];

	(void)buf_puts(out, addr_fmt(a, text, sizeof(text)));
}

void
pf_rule_print(const struct pfp_rule *r, struct buf *out)
{
	(void)buf_puts(out, r->match ? "match in" : "pass in quick");
	if (r->ifname[0] != '\0')
		(void)buf_printf(out, " on %s", r->ifname);
	(void)buf_printf(out, " %s proto tcp from any to ",
	    r->dst.family == HS_AF_INET6 ? "inet6" : "inet");
	print_addr(&r->dst, out);
	(void)buf_printf(out, " port = %u flags S/SA", r->dport);
	if (r->tag[0] != '\0')
		(void)buf_printf(out, " tag %s", r->tag);
	(void)buf_printf(out, " rdr-to <%s> port %u round-robin", r->table,
	    r->rdr_port);
	if (r->sticky)
		(void)buf_puts(out, " sticky-address");
}

static void
print_hosts(const struct l3_host *h, size_t n, struct buf *out)
{
	size_t	i;

	if (n == 0)
		(void)buf_puts(out, " (none)");
	for (i = 0; i < n; i++) {
		(void)buf_puts(out, i == 0 ? " " : ", ");
		print_addr(&h[i].addr, out);
		if (h[i].weight > 1)
			(void)buf_printf(out, " weight %u", h[i].weight);
	}
}

static void
print_op(const struct pfp_op *op, bool in_each, struct buf *out)
{
	const char	*a = op->anchor[0] != '\0' ? op->anchor : "A";

	(void)buf_puts(out, in_each ? "\t" : "");
	switch (op->kind) {
	case PFP_CHILDREN:
		(void)buf_printf(out, "DIOCGETRULESETS %s: for each anchor A "
		    "under it", a);
		break;
	case PFP_END:
		(void)buf_puts(out, "end");
		break;
	case PFP_XBEGIN:
		(void)buf_printf(out, "DIOCXBEGIN ruleset %s", a);
		break;
	case PFP_ADDRULE:
		(void)buf_printf(out, "DIOCADDRULE %s: ", a);
		pf_rule_print(&op->rule, out);
		break;
	case PFP_XCOMMIT:
		(void)buf_printf(out, "DIOCXCOMMIT ruleset %s", a);
		break;
	case PFP_ADDTABLE:
		(void)buf_printf(out, "DIOCRADDTABLES %s <%s> persist", a,
		    op->table);
		break;
	case PFP_CLRADDRS:
		(void)buf_printf(out, "DIOCRCLRADDRS %s <%s>", a, op->table);
		break;
	case PFP_SETADDRS:
		(void)buf_printf(out, "DIOCRSETADDRS %s <%s>:", a, op->table);
		print_hosts(op->hosts, op->nhosts, out);
		break;
	case PFP_CLRTABLES:
		(void)buf_printf(out, "DIOCRCLRTABLES %s", a);
		break;
	case PFP_KILLSRC:
		(void)buf_puts(out, "DIOCKILLSRCNODES to ");
		print_addr(&op->addr, out);
		break;
	}
	(void)buf_puts(out, "\n");
}

void
pf_plan_print(const struct pf_plan *pl, struct buf *out)
{
	struct pfp_op	kill;
	bool		in_each = false;
	size_t		i;

	for (i = 0; i < pl->n; i++) {
		if (pl->ops[i].kind == PFP_END)
			in_each = false;
		print_op(&pl->ops[i], in_each, out);
		if (pl->ops[i].kind == PFP_CHILDREN)
			in_each = true;
	}
	memset(&kill, 0, sizeof(kill));
	kill.kind = PFP_KILLSRC;
	for (i = 0; i < pl->ngone; i++) {
		kill.addr = pl->gone[i].addr;
		print_op(&kill, false, out);
	}
}
