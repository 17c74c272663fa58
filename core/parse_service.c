/* service NAME { ... }: layer 3 virtual hosts in front of a table. */
#include <stdio.h>
#include <string.h>

#include "core/parse_priv.h"

/* A name referenced (table, protocol, service): resolved at the end. */
int
parse_ref(struct parser *p, struct ref *r, const char *owner,
    const char *what)
{
	struct pos	 at = p_pos(p);

	if (r->set) {
		p_error(p, "%s: %s already set", owner, what);
		return -1;
	}
	if (p_name(p, r->name, sizeof(r->name), "name") == -1)
		return -1;
	r->at = at;
	r->set = true;
	return 0;
}

/* virtual host ADDR port PORT [interface IF] */
static int
service_virtual(struct parser *p, struct service_conf *s)
{
	struct virt_conf *v;

	if (p_expect(p, KW_HOST) == -1)
		return -1;
	if (s->nvirts >= HS_LISTEN_MAX) {
		p_error(p, "service %s: too many virtual hosts (max %d)",
		    s->name, HS_LISTEN_MAX);
		return -1;
	}
	v = &s->virts[s->nvirts];
	memset(v, 0, sizeof(*v));
	if (p_address(p, v->name, sizeof(v->name), &v->addr) == -1 ||
	    p_expect(p, KW_PORT) == -1 || p_port(p, &v->port) == -1)
		return -1;
	if (p_accept(p, KW_INTERFACE) &&
	    p_name(p, v->ifname, sizeof(v->ifname), "interface name") == -1)
		return -1;
	s->nvirts++;
	return 0;
}

static int
service_stmt(struct parser *p, void *ctx)
{
	uint32_t	      id = *(uint32_t *)ctx;
	struct service_conf  *s = &p->cfg->services[id];
	struct service_extra *x = &p->sx[id];
	char		      owner[HS_NAME_MAX + 16];

	(void)snprintf(owner, sizeof(owner), "service %s", s->name);
	if (p_accept(p, KW_VIRTUAL))
		return service_virtual(p, s);
	if (p_accept(p, KW_TABLE)) {
		if (parse_ref(p, &x->table, owner, "table") == -1)
			return -1;
		return parse_table_use(p, false, false, id);
	}
	if (p_accept(p, KW_BACKUP)) {
		if (p_expect(p, KW_TABLE) == -1 ||
		    parse_ref(p, &x->backup, owner, "backup table") == -1)
			return -1;
		return parse_table_use(p, false, true, id);
	}
	if (p_accept(p, KW_STICKY_ADDRESS)) {
		s->sticky = true;
		return 0;
	}
	if (p_accept(p, KW_MATCH)) {
		if (p_expect(p, KW_TAG) == -1)
			return -1;
		s->match = true;
		return p_name(p, s->tag, sizeof(s->tag), "tag");
	}
	if (p_accept(p, KW_TAG))
		return p_name(p, s->tag, sizeof(s->tag), "tag");
	if (p_accept(p, KW_DISABLE)) {
		s->disabled = true;
		return 0;
	}
	return p_unknown(p);
}

static int
service_new(struct parser *p, const char *name, const struct pos *at)
{
	struct config	     *c = p->cfg;
	struct service_conf  *s;
	struct service_extra *x;
	size_t		      cap = p->scap;

	if (c->nservices >= HS_SERVICES_MAX) {
		p_error_at(p, at, "too many services (max %d)",
		    HS_SERVICES_MAX);
		return -1;
	}
	if ((s = p_grow(c->services, &cap, c->nservices, sizeof(*s))) == NULL)
		goto nomem;
	c->services = s;
	if ((x = p_grow(p->sx, &p->scap, c->nservices, sizeof(*x))) == NULL)
		goto nomem;
	p->sx = x;
	s = &c->services[c->nservices];
	memset(s, 0, sizeof(*s));
	s->id = (uint32_t)c->nservices;
	(void)snprintf(s->name, sizeof(s->name), "%s", name);
	s->table_id = HS_ID_NONE;
	s->backup_id = HS_ID_NONE;
	memset(&x[c->nservices], 0, sizeof(*x));
	x[c->nservices].at = *at;
	c->nservices++;
	return 0;
nomem:
	p_error_at(p, at, "out of memory");
	return -1;
}

/* service NAME { ... }, after "service" */
int
parse_service(struct parser *p)
{
	char		 name[HS_NAME_MAX];
	struct pos	 at = p_pos(p);
	uint32_t	 id;
	size_t		 i;

	if (p_name(p, name, sizeof(name), "service name") == -1)
		return -1;
	for (i = 0; i < p->cfg->nservices; i++)
		if (strcmp(p->cfg->services[i].name, name) == 0) {
			p_error_at(p, &at, "service %s defined twice", name);
			return -1;
		}
	if (service_new(p, name, &at) == -1)
		return -1;
	id = (uint32_t)p->cfg->nservices - 1;
	return p_block(p, service_stmt, &id);
}
