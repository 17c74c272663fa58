/*
 * The pf plans carried out on /dev/pf (OpenBSD only), one ioctl per op,
 * as pf(4) documents them; see pf_backend.h and pf_plan.h.
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <net/if.h>
#include <net/pfvar.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/pf/pf_backend.h"

/* After ours: its TCPOPT_ names are the kernel's, not the config's. */
#include <netinet/tcp.h>

#define PF_CHILDREN_MAX	1024	/* anchors under hoststated we empty */

struct pf_backend {
	int		 dev;
	struct pf_plan	 plan;
	/* The open ruleset transaction, between XBEGIN and XCOMMIT. */
	struct pfioc_trans	trans;
	struct pfioc_trans_e	trans_e;
};

static int
fail(struct buf *err, const char *ioc, const char *anchor)
{
	(void)buf_printf(err, "%s %s: %s", ioc, anchor, strerror(errno));
	return -1;
}

struct pf_backend *
pf_backend_open(struct buf *err)
{
	struct pf_backend	*pb;
	struct pf_status	 st;

	if ((pb = calloc(1, sizeof(*pb))) == NULL) {
		(void)buf_puts(err, "out of memory");
		return NULL;
	}
	if ((pb->dev = open("/dev/pf", O_RDWR | O_CLOEXEC)) == -1) {
		(void)buf_printf(err, "/dev/pf: %s", strerror(errno));
		free(pb);
		return NULL;
	}
	memset(&st, 0, sizeof(st));
	if (ioctl(pb->dev, DIOCGETSTATUS, &st) == -1 || !st.running) {
		(void)buf_puts(err, "pf is not enabled (pfctl -e)");
		pf_backend_free(pb);
		return NULL;
	}
	return pb;
}

void
pf_backend_free(struct pf_backend *pb)
{
	if (pb == NULL)
		return;
	close(pb->dev);
	free(pb);
}

static void
table_of(const struct pfp_op *op, const char *anchor, struct pfr_table *t)
{
	memset(t, 0, sizeof(*t));
	(void)strlcpy(t->pfrt_anchor, anchor, sizeof(t->pfrt_anchor));
	(void)strlcpy(t->pfrt_name, op->table, sizeof(t->pfrt_name));
}

static void
pf_addr_of(const struct hs_addr *a, struct pf_addr *pa)
{
	memset(pa, 0, sizeof(*pa));
	memcpy(pa, a->bytes, a->family == HS_AF_INET6 ? 16 : 4);
}

static int
op_table(struct pf_backend *pb, const struct pfp_op *op, const char *anchor,
    struct buf *err)
{
	struct pfioc_table	io;
	struct pfr_table	t;

	memset(&io, 0, sizeof(io));
	switch (op->kind) {
	case PFP_ADDTABLE:
		table_of(op, anchor, &t);
		t.pfrt_flags = PFR_TFLAG_PERSIST;
		io.pfrio_buffer = &t;
		io.pfrio_esize = sizeof(t);
		io.pfrio_size = 1;
		if (ioctl(pb->dev, DIOCRADDTABLES, &io) == -1)
			return fail(err, "DIOCRADDTABLES", anchor);
		return 0;
	case PFP_CLRADDRS:
		table_of(op, anchor, &io.pfrio_table);
		if (ioctl(pb->dev, DIOCRCLRADDRS, &io) == -1)
			return fail(err, "DIOCRCLRADDRS", anchor);
		return 0;
	default:	/* PFP_CLRTABLES: every table of the anchor */
		(void)strlcpy(io.pfrio_table.pfrt_anchor, anchor,
		    sizeof(io.pfrio_table.pfrt_anchor));
		if (ioctl(pb->dev, DIOCRCLRTABLES, &io) == -1 &&
		    errno != ENOENT)
			return fail(err, "DIOCRCLRTABLES", anchor);
		return 0;
	}
}

/* The whole table at once; weighted hosts are cost entries. */
static int
op_setaddrs(struct pf_backend *pb, const struct pfp_op *op, struct buf *err)
{
	struct pfioc_table	 io;
	struct pfr_addr		*a;
	size_t			 i;
	int			 rv = 0;

	if ((a = calloc(op->nhosts + 1, sizeof(*a))) == NULL) {
		(void)buf_puts(err, "out of memory");
		return -1;
	}
	for (i = 0; i < op->nhosts; i++) {
		const struct l3_host *h = &op->hosts[i];

		a[i].pfra_af = h->addr.family == HS_AF_INET6 ? AF_INET6 :
		    AF_INET;
		a[i].pfra_net = h->addr.family == HS_AF_INET6 ? 128 : 32;
		memcpy(&a[i].pfra_u, h->addr.bytes,
		    h->addr.family == HS_AF_INET6 ? 16 : 4);
		if (h->weight > 1) {
			a[i].pfra_type = PFRKE_COST;
			a[i].pfra_weight = (u_int16_t)h->weight;
		}
	}
	memset(&io, 0, sizeof(io));
	table_of(op, op->anchor, &io.pfrio_table);
	io.pfrio_buffer = a;
	io.pfrio_esize = sizeof(*a);
	io.pfrio_size = (int)op->nhosts;
	if (ioctl(pb->dev, DIOCRSETADDRS, &io) == -1)
		rv = fail(err, "DIOCRSETADDRS", op->anchor);
	free(a);
	return rv;
}

static int
op_begin(struct pf_backend *pb, const char *anchor, struct buf *err)
{
	memset(&pb->trans, 0, sizeof(pb->trans));
	memset(&pb->trans_e, 0, sizeof(pb->trans_e));
	pb->trans_e.type = PF_TRANS_RULESET;
	(void)strlcpy(pb->trans_e.anchor, anchor, sizeof(pb->trans_e.anchor));
	pb->trans.size = 1;
	pb->trans.esize = sizeof(pb->trans_e);
	pb->trans.array = &pb->trans_e;
	if (ioctl(pb->dev, DIOCXBEGIN, &pb->trans) == -1)
		return fail(err, "DIOCXBEGIN", anchor);
	return 0;
}

static int
op_commit(struct pf_backend *pb, const char *anchor, struct buf *err)
{
	if (ioctl(pb->dev, DIOCXCOMMIT, &pb->trans) == -1) {
		(void)fail(err, "DIOCXCOMMIT", anchor);
		(void)ioctl(pb->dev, DIOCXROLLBACK, &pb->trans);
		return -1;
	}
	return 0;
}

/* The rule pf_rule_print shows, as pf(4) takes it. */
static int
op_addrule(struct pf_backend *pb, const struct pfp_op *op, struct buf *err)
{
	const struct pfp_rule	*r = &op->rule;
	struct pfioc_rule	 rio;

	memset(&rio, 0, sizeof(rio));
	(void)strlcpy(rio.anchor, op->anchor, sizeof(rio.anchor));
	rio.ticket = pb->trans_e.ticket;
	rio.rule.action = r->match ? PF_MATCH : PF_PASS;
	rio.rule.quick = !r->match;
	rio.rule.direction = PF_IN;
	rio.rule.keep_state = PF_STATE_NORMAL;
	rio.rule.flags = TH_SYN;
	rio.rule.flagset = TH_SYN | TH_ACK;
	rio.rule.af = r->dst.family == HS_AF_INET6 ? AF_INET6 : AF_INET;
	rio.rule.proto = IPPROTO_TCP;
	rio.rule.rtableid = -1;
	rio.rule.onrdomain = -1;
	(void)strlcpy(rio.rule.ifname, r->ifname, sizeof(rio.rule.ifname));
	(void)strlcpy(rio.rule.tagname, r->tag, sizeof(rio.rule.tagname));
	rio.rule.src.addr.type = PF_ADDR_ADDRMASK;
	rio.rule.dst.addr.type = PF_ADDR_ADDRMASK;
	pf_addr_of(&r->dst, &rio.rule.dst.addr.v.a.addr);
	memset(&rio.rule.dst.addr.v.a.mask, 0xff,
	    r->dst.family == HS_AF_INET6 ? 16 : 4);
	rio.rule.dst.port_op = PF_OP_EQ;
	rio.rule.dst.port[0] = htons(r->dport);
	rio.rule.nat.addr.type = PF_ADDR_NONE;
	rio.rule.rdr.addr.type = PF_ADDR_TABLE;
	(void)strlcpy(rio.rule.rdr.addr.v.tblname, r->table,
	    sizeof(rio.rule.rdr.addr.v.tblname));
	rio.rule.rdr.proxy_port[0] = r->rdr_port;
	rio.rule.rdr.port_op = PF_OP_EQ;
	rio.rule.rdr.opts = PF_POOL_ROUNDROBIN |
	    (r->sticky ? PF_POOL_STICKYADDR : 0);
	rio.rule.route.addr.type = PF_ADDR_NONE;
	if (ioctl(pb->dev, DIOCADDRULE, &rio) == -1)
		return fail(err, "DIOCADDRULE", op->anchor);
	return 0;
}

/* The source nodes binding clients to a host that left. */
static int
kill_src(struct pf_backend *pb, const struct hs_addr *a, struct buf *err)
{
	struct pfioc_src_node_kill	psnk;

	memset(&psnk, 0, sizeof(psnk));
	psnk.psnk_af = a->family == HS_AF_INET6 ? AF_INET6 : AF_INET;
	pf_addr_of(a, &psnk.psnk_dst.addr.v.a.addr);
	memset(&psnk.psnk_dst.addr.v.a.mask, 0xff,
	    sizeof(psnk.psnk_dst.addr.v.a.mask));
	if (ioctl(pb->dev, DIOCKILLSRCNODES, &psnk) == -1)
		return fail(err, "DIOCKILLSRCNODES", "");
	return 0;
}

/* One op, on anchor (the op's, or the child a for each is at). */
static int
exec_op(struct pf_backend *pb, const struct pfp_op *op, const char *anchor,
    struct buf *err)
{
	switch (op->kind) {
	case PFP_XBEGIN:
		return op_begin(pb, anchor, err);
	case PFP_ADDRULE:
		return op_addrule(pb, op, err);
	case PFP_XCOMMIT:
		return op_commit(pb, anchor, err);
	case PFP_SETADDRS:
		return op_setaddrs(pb, op, err);
	case PFP_ADDTABLE:
	case PFP_CLRADDRS:
	case PFP_CLRTABLES:
		return op_table(pb, op, anchor, err);
	default:
		(void)buf_puts(err, "pf: unexpected plan");
		return -1;
	}
}

/* The anchors under path; none (no such anchor) is no error. */
static int
children(struct pf_backend *pb, const char *path, char (*names)[PATH_MAX],
    size_t *n, struct buf *err)
{
	struct pfioc_ruleset	prs;
	u_int32_t		i, nr;

	*n = 0;
	memset(&prs, 0, sizeof(prs));
	(void)strlcpy(prs.path, path, sizeof(prs.path));
	if (ioctl(pb->dev, DIOCGETRULESETS, &prs) == -1)
		return errno == ENOENT || errno == EINVAL ? 0 :
		    fail(err, "DIOCGETRULESETS", path);
	nr = prs.nr;
	for (i = 0; i < nr && *n < PF_CHILDREN_MAX; i++) {
		prs.nr = i;
		if (ioctl(pb->dev, DIOCGETRULESET, &prs) == -1)
			return fail(err, "DIOCGETRULESET", path);
		if (snprintf(names[(*n)++], PATH_MAX, "%s/%s", path,
		    prs.name) >= PATH_MAX)
			(*n)--;
	}
	return 0;
}

/* The ops between CHILDREN and END, for every anchor under it. */
static int
exec_each(struct pf_backend *pb, const struct pf_plan *pl, size_t *i,
    struct buf *err)
{
	char	(*names)[PATH_MAX];
	size_t	 n, c, j, first = *i + 1;
	int	 rv = 0;

	if ((names = calloc(PF_CHILDREN_MAX, PATH_MAX)) == NULL) {
		(void)buf_puts(err, "out of memory");
		return -1;
	}
	if (children(pb, pl->ops[*i].anchor, names, &n, err) == -1)
		rv = -1;
	for (c = 0; rv == 0 && c < n; c++)
		for (j = first; rv == 0 && j < pl->n &&
		    pl->ops[j].kind != PFP_END; j++)
			rv = exec_op(pb, &pl->ops[j], names[c], err);
	for (j = first; j < pl->n && pl->ops[j].kind != PFP_END; j++)
		;
	*i = j;
	free(names);
	return rv;
}

int
pf_backend_exec(struct pf_backend *pb, const struct pf_plan *pl,
    struct buf *err)
{
	size_t	i;
	int	rv = 0;

	for (i = 0; rv == 0 && i < pl->n; i++) {
		if (pl->ops[i].kind == PFP_CHILDREN)
			rv = exec_each(pb, pl, &i, err);
		else
			rv = exec_op(pb, &pl->ops[i], pl->ops[i].anchor, err);
	}
	for (i = 0; rv == 0 && i < pl->ngone; i++)
		rv = kill_src(pb, &pl->gone[i].addr, err);
	return rv;
}

static int
io_flush(void *arg, struct buf *err)
{
	struct pf_backend	*pb = arg;

	pf_plan_flush(&pb->plan);
	return pf_backend_exec(pb, &pb->plan, err);
}

static int
io_rules_add(void *arg, const struct service_conf *s,
    const struct table_conf *active, struct buf *err)
{
	struct pf_backend	*pb = arg;

	if (pf_plan_rules_add(s, active, &pb->plan, err) == -1)
		return -1;
	return pf_backend_exec(pb, &pb->plan, err);
}

static int
io_rules_remove(void *arg, const struct service_conf *s, struct buf *err)
{
	struct pf_backend	*pb = arg;

	if (pf_plan_rules_remove(s, &pb->plan, err) == -1)
		return -1;
	return pf_backend_exec(pb, &pb->plan, err);
}

static int
io_table_replace(void *arg, const struct service_conf *s,
    const struct l3_table *lt, struct buf *err)
{
	struct pf_backend	*pb = arg;

	if (pf_plan_table_replace(s, lt, &pb->plan, err) == -1)
		return -1;
	return pf_backend_exec(pb, &pb->plan, err);
}

void
pf_backend_io(struct pf_backend *pb, struct pfe_io *io)
{
	io->l3_arg = pb;
	io->l3_init = io_flush;		/* what a crashed run left goes */
	io->l3_flush = io_flush;
	io->rules_add = io_rules_add;
	io->rules_remove = io_rules_remove;
	io->table_replace = io_table_replace;
}
