/*
 * After the text is read: resolve the names, make the per-port copies of
 * templated tables, inherit the global check timing, and check what a
 * single statement could not (a service's table has hosts and a check...).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/parse_priv.h"
#include "core/relay_hosts.h"

int
parse_table_use(struct parser *p, bool relay, bool backup, uint32_t owner)
{
	struct table_use *u;

	if ((u = p_grow(p->uses, &p->ucap, p->nuses, sizeof(*u))) == NULL) {
		p_error(p, "out of memory");
		return -1;
	}
	p->uses = u;
	u[p->nuses].relay = relay;
	u[p->nuses].backup = backup;
	u[p->nuses].owner = owner;
	p->nuses++;
	return 0;
}

uint32_t
parse_find_table(struct parser *p, size_t ndeclared, const char *name,
    const struct pos *at)
{
	size_t	 i;

	for (i = 0; i < ndeclared; i++)
		if (strcmp(p->cfg->tables[i].name, name) == 0)
			return (uint32_t)i;
	p_error_at(p, at, "table '%s' not defined", name);
	return HS_ID_NONE;
}

static uint32_t
find_declared(struct parser *p, size_t ndeclared, const struct ref *r)
{
	return parse_find_table(p, ndeclared, r->name, &r->at);
}

/* The copy of template tid for port, made if it does not exist yet. */
uint32_t
parse_table_copy(struct parser *p, uint32_t tid, uint16_t port)
{
	struct config	  *c = p->cfg;
	struct table_conf *t;
	size_t		   i, cap = p->tcap;
	uint32_t	   id, hid;
	void		  *n;

	for (i = 0; i < c->ntables; i++)
		if (c->tables[i].copy_of == tid && c->tables[i].port == port)
			return (uint32_t)i;
	if (c->ntables >= HS_TABLES_MAX) {
		p_error_at(p, &p->tx[tid].at, "too many tables (max %d)",
		    HS_TABLES_MAX);
		return HS_ID_NONE;
	}
	if ((n = p_grow(c->tables, &cap, c->ntables, sizeof(*t))) == NULL)
		goto nomem;
	c->tables = n;
	if ((n = p_grow(p->tx, &p->tcap, c->ntables, sizeof(*p->tx))) == NULL)
		goto nomem;
	p->tx = n;
	id = (uint32_t)c->ntables++;
	t = &c->tables[id];
	*t = c->tables[tid];
	p->tx[id] = p->tx[tid];
	t->id = id;
	(void)snprintf(t->name, sizeof(t->name), "%.*s:%u",
	    HS_NAME_MAX - 7, t->base, port);
	t->port = port;
	t->real_port = false;
	t->template = false;
	t->copy_of = tid;
	t->host_ids = NULL;
	t->nhosts = 0;
	for (i = 0; i < c->tables[tid].nhosts; i++) {
		hid = c->tables[tid].host_ids[i];
		if (parse_copy_host(p, &c->tables[id], hid) == -1)
			return HS_ID_NONE;
	}
	return id;
nomem:
	p_error_at(p, &p->tx[tid].at, "out of memory");
	return HS_ID_NONE;
}

uint16_t
parse_relay_port(struct parser *p, uint32_t rid)
{
	const struct relay_conf	*r = &p->cfg->relays[rid];

	if (p->rx[rid].table_port != 0)
		return p->rx[rid].table_port;
	return r->nlistens > 0 ? r->listens[0].port : 0;
}

/* The port a use of a templated table gets. */
static uint16_t
use_port(struct parser *p, const struct table_use *u)
{
	if (!u->relay)
		return p->cfg->services[u->owner].nvirts > 0 ?
		    p->cfg->services[u->owner].virts[0].port : 0;
	return parse_relay_port(p, u->owner);
}

static const struct ref *
use_ref(struct parser *p, const struct table_use *u)
{
	if (u->relay)
		return u->backup ? &p->rx[u->owner].backup :
		    &p->rx[u->owner].table;
	return u->backup ? &p->sx[u->owner].backup : &p->sx[u->owner].table;
}

static uint32_t *
use_slot(struct parser *p, const struct table_use *u)
{
	if (u->relay)
		return u->backup ? &p->cfg->relays[u->owner].backup_id :
		    &p->cfg->relays[u->owner].table_id;
	return u->backup ? &p->cfg->services[u->owner].backup_id :
	    &p->cfg->services[u->owner].table_id;
}

/* A table in use needs hosts, and a check if a service uses it. */
static void
use_check(struct parser *p, const struct table_use *u, uint32_t tid)
{
	const struct table_conf	*t = &p->cfg->tables[tid];
	const struct ref	*r = use_ref(p, u);

	if (t->nhosts == 0)
		p_error_at(p, &r->at, "table %s has no hosts", r->name);
	else if (!u->relay && t->check.type == CHECK_NONE)
		p_error_at(p, &r->at, "table %s has no check", r->name);
}

/* Every table reference, in file order: the table itself or a copy. */
static void
resolve_uses(struct parser *p, size_t ndeclared)
{
	struct table_use *u;
	uint32_t	  tid;
	uint16_t	  port;
	size_t		  i;

	for (i = 0; i < p->nuses; i++) {
		if (!use_ref(p, &p->uses[i])->set)
			continue;
		tid = find_declared(p, ndeclared, use_ref(p, &p->uses[i]));
		if (tid == HS_ID_NONE)
			continue;
		u = &p->uses[i];
		if (!p->cfg->tables[tid].real_port) {
			if ((port = use_port(p, u)) == 0)
				continue;	/* reported with the owner */
			tid = parse_table_copy(p, tid, port);
			if (tid == HS_ID_NONE)
				continue;
		}
		*use_slot(p, u) = tid;
		use_check(p, u, tid);
	}
}

/* Declared tables that some service or relay uses become templates. */
static void
mark_templates(struct parser *p, size_t ndeclared)
{
	struct config	*c = p->cfg;
	size_t		 i, j;

	for (i = 0; i < p->nuses; i++) {
		const struct ref *r = use_ref(p, &p->uses[i]);

		for (j = 0; r->set && j < ndeclared; j++)
			if (strcmp(c->tables[j].name, r->name) == 0) {
				p->tx[j].used = true;
				c->tables[j].template = !c->tables[j].real_port;
			}
	}
}

/* Check timing: tables inherit the global values unless they set theirs. */
static void
check_timing(struct parser *p, size_t ndeclared)
{
	struct config	  *c = p->cfg;
	struct table_conf *t;
	size_t		   i;

	if ((uint64_t)c->timeout_ms >= (uint64_t)c->interval_s * 1000)
		p_error_at(p, p->timeout_at.file != NULL ? &p->timeout_at :
		    &p->interval_at, "global timeout exceeds interval "
		    "(%ums >= %us)", c->timeout_ms, c->interval_s);
	for (i = 0; i < ndeclared; i++) {
		t = &c->tables[i];
		if (!p->tx[i].has_timeout)
			t->timeout_ms = c->timeout_ms;
		if (!p->tx[i].has_interval)
			t->interval_s = c->interval_s;
		if ((uint64_t)t->timeout_ms >= (uint64_t)t->interval_s * 1000)
			p_error_at(p, &p->tx[i].at, "table %s: timeout exceeds "
			    "interval (%ums >= %us)", t->name, t->timeout_ms,
			    t->interval_s);
	}
}

/* A live table without a port: the check's usual one, or an error. */
static void
check_ports(struct parser *p, size_t ndeclared, struct buf *notes)
{
	struct table_conf *t;
	size_t		   i;

	for (i = 0; i < ndeclared; i++) {
		t = &p->cfg->tables[i];
		if (t->template)
			continue;
		if (!p->tx[i].used && notes != NULL)
			buf_printf(notes, "%s:%d: note: table %s is not used "
			    "by any service or relay\n", p->tx[i].at.file,
			    p->tx[i].at.line, t->name);
		/* Used, it is an error (use_check); unused, a slip. */
		if (!p->tx[i].used && t->nhosts == 0 &&
		    p->opts->warnings != NULL)
			buf_printf(p->opts->warnings, "%s:%d: warning: table "
			    "%s has no hosts\n", p->tx[i].at.file,
			    p->tx[i].at.line, t->name);
		if (t->port != 0)
			continue;
		switch (t->check.type) {
		case CHECK_HTTP_CODE:
		case CHECK_HTTP_DIGEST:
			t->port = t->check.tls ? 443 : 80;
			break;
		case CHECK_TLS:
			t->port = 443;
			break;
		case CHECK_TCP:
		case CHECK_SEND_EXPECT:
			p_error_at(p, &p->tx[i].at, "table %s: check %s needs "
			    "a port (real port)", t->name,
			    t->check.type == CHECK_TCP ? "tcp" : "send");
			break;
		default:
			break;
		}
	}
}

/* After syntax errors: only report table names nothing defines. */
void
parse_check_table_names(struct parser *p)
{
	size_t	 i;

	for (i = 0; i < p->nuses; i++)
		if (use_ref(p, &p->uses[i])->set)
			(void)find_declared(p, p->cfg->ntables,
			    use_ref(p, &p->uses[i]));
	parse_check_route_names(p);
}

/* Relays this version accepts but does not run: said with -n -v. */
static void
note_relays(struct parser *p, struct buf *notes)
{
	const struct relay_conf	*r;
	const char		*why;
	size_t			 i;

	for (i = 0; notes != NULL && i < p->cfg->nrelays; i++) {
		r = &p->cfg->relays[i];
		if ((why = relay_unsupported(p->cfg, r)) != NULL)
			buf_printf(notes, "%s:%d: note: relay %s will not "
			    "listen: %s\n", p->rx[i].at.file, p->rx[i].at.line,
			    r->name, why);
	}
}

void
parse_validate(struct parser *p, struct buf *notes)
{
	size_t	 ndeclared = p->cfg->ntables;

	check_timing(p, ndeclared);
	parse_check_hosts(p, ndeclared);
	parse_validate_owners(p);
	mark_templates(p, ndeclared);
	parse_mark_route_tables(p, ndeclared);
	resolve_uses(p, ndeclared);
	parse_validate_routes(p, ndeclared);
	check_ports(p, ndeclared, notes);
	note_relays(p, notes);
}
