#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/addr.h"
#include "tests/core/testconf.h"

static void *
grow(void *v, size_t n, size_t size)
{
	void	*p = realloc(v, (n + 1) * size);

	if (p == NULL)
		abort();
	memset((char *)p + n * size, 0, size);
	return p;
}

struct config *
tc_new(void)
{
	struct config	*c = calloc(1, sizeof(*c));

	if (c == NULL)
		abort();
	c->interval_s = HS_INTERVAL_DEFAULT;
	c->timeout_ms = HS_TIMEOUT_DEFAULT;
	c->prefork = HS_PREFORK_DEFAULT;
	c->log = LOG_UPDATES;
	return c;
}

static struct table_conf *
table_add(struct config *c, const char *base)
{
	struct table_conf	*t;

	c->tables = grow(c->tables, c->ntables, sizeof(*c->tables));
	t = &c->tables[c->ntables];
	t->id = (uint32_t)c->ntables++;
	(void)snprintf(t->base, sizeof(t->base), "%s", base);
	(void)snprintf(t->name, sizeof(t->name), "%s", base);
	t->copy_of = HS_ID_NONE;
	t->timeout_ms = c->timeout_ms;
	t->interval_s = c->interval_s;
	return t;
}

uint32_t
tc_table(struct config *c, const char *name, uint16_t port, bool real_port,
    enum check_type type)
{
	struct table_conf	*t = table_add(c, name);

	t->port = port;
	t->real_port = real_port;
	t->check.type = type;
	if (type == CHECK_HTTP_CODE) {
		(void)snprintf(t->check.path, sizeof(t->check.path), "/");
		t->check.code = 200;
	}
	return t->id;
}

uint32_t
tc_template(struct config *c, const char *name)
{
	struct table_conf	*t = table_add(c, name);

	t->template = true;
	t->check.type = CHECK_HTTP_CODE;
	return t->id;
}

uint32_t
tc_host(struct config *c, uint32_t table_id, const char *addr,
    uint32_t retry)
{
	struct table_conf	*t = &c->tables[table_id];
	struct host_conf	*h;

	c->hosts = grow(c->hosts, c->nhosts, sizeof(*c->hosts));
	h = &c->hosts[c->nhosts];
	h->id = (uint32_t)c->nhosts++;
	h->table_id = table_id;
	(void)snprintf(h->name, sizeof(h->name), "%s", addr);
	if (addr_parse(addr, &h->addr) == -1)
		abort();
	h->retry = retry;
	h->weight = 1;
	t->host_ids = grow(t->host_ids, t->nhosts, sizeof(*t->host_ids));
	t->host_ids[t->nhosts++] = h->id;
	return h->id;
}

/* The copy gets hosts of its own, named as the template's. */
uint32_t
tc_copy(struct config *c, uint32_t template_id, uint16_t port)
{
	struct table_conf	*t;
	uint32_t		 id;
	size_t			 i, n = c->tables[template_id].nhosts;
	char			 base[HS_NAME_MAX];

	/* table_add moves the array: copy what we need first */
	(void)snprintf(base, sizeof(base), "%s", c->tables[template_id].base);
	t = table_add(c, base);
	if (snprintf(t->name, sizeof(t->name), "%s:%u", t->base, port) >=
	    (int)sizeof(t->name))
		abort();
	t->port = port;
	t->copy_of = template_id;
	t->check = c->tables[template_id].check;
	id = t->id;
	for (i = 0; i < n; i++) {
		const struct host_conf *h =
		    &c->hosts[c->tables[template_id].host_ids[i]];
		char name[HS_HOSTNAME_MAX];

		(void)snprintf(name, sizeof(name), "%s", h->name);
		(void)tc_host(c, id, name, h->retry);
	}
	return id;
}

uint32_t
tc_service(struct config *c, const char *name, uint32_t table_id,
    uint32_t backup_id)
{
	struct service_conf	*s;

	c->services = grow(c->services, c->nservices, sizeof(*c->services));
	s = &c->services[c->nservices];
	s->id = (uint32_t)c->nservices++;
	(void)snprintf(s->name, sizeof(s->name), "%s", name);
	s->nvirts = 1;
	(void)snprintf(s->virts[0].name, sizeof(s->virts[0].name),
	    "81.81.81.81");
	(void)addr_parse("81.81.81.81", &s->virts[0].addr);
	s->virts[0].port = 80;
	s->table_id = table_id;
	s->backup_id = backup_id;
	return s->id;
}

uint32_t
tc_relay(struct config *c, const char *name, uint32_t table_id,
    uint32_t backup_id)
{
	struct relay_conf	*r;

	c->relays = grow(c->relays, c->nrelays, sizeof(*c->relays));
	r = &c->relays[c->nrelays];
	r->id = (uint32_t)c->nrelays++;
	(void)snprintf(r->name, sizeof(r->name), "%s", name);
	r->table_id = table_id;
	r->backup_id = backup_id;
	r->protocol_id = HS_ID_NONE;
	r->service_id = HS_ID_NONE;
	r->mode = LB_LOADBALANCE;
	return r->id;
}

/*
 * Seed sample 1: table 0 webhosts (real port http), hosts 0 and 1, with
 * the addresses the seed's sample output shows.
 */
struct config *
tc_seed_simple(void)
{
	struct config	*c = tc_new();
	uint32_t	 t;

	t = tc_table(c, "webhosts", 80, true, CHECK_HTTP_CODE);
	(void)tc_host(c, t, "10.1.100.1", 0);
	(void)tc_host(c, t, "10.1.100.2", 0);
	(void)tc_service(c, "www", t, HS_ID_NONE);
	return c;
}

/*
 * Seed sample 2: table 0 webhosts (hosts 0, 1), template sorry_server
 * (table 1, host 2) and its copy sorry_server:80 (table 2, host 3).
 */
struct config *
tc_seed_backup(void)
{
	struct config	*c = tc_new();
	uint32_t	 web, sorry, copy;

	web = tc_table(c, "webhosts", 80, true, CHECK_HTTP_CODE);
	(void)tc_host(c, web, "10.1.1.100", 0);
	(void)tc_host(c, web, "10.1.1.101", 0);
	sorry = tc_template(c, "sorry_server");
	c->tables[sorry].check.type = CHECK_ICMP;
	(void)tc_host(c, sorry, "127.0.0.1", 0);
	copy = tc_copy(c, sorry, 80);
	(void)tc_service(c, "www", web, copy);
	return c;
}

/*
 * Seed sample 3: templates webhosts (table 0, hosts 0, 1) and
 * sorry_server (table 1, host 2); copies webhosts:80 (table 2, hosts 3,
 * 4) and sorry_server:80 (table 3, host 5).
 */
struct config *
tc_seed_templated(void)
{
	struct config	*c = tc_new();
	uint32_t	 web, sorry, webc, sorryc;

	web = tc_template(c, "webhosts");
	(void)tc_host(c, web, "10.1.1.100", 0);
	(void)tc_host(c, web, "10.1.1.101", 0);
	sorry = tc_template(c, "sorry_server");
	c->tables[sorry].check.type = CHECK_ICMP;
	(void)tc_host(c, sorry, "127.0.0.1", 0);
	webc = tc_copy(c, web, 80);
	sorryc = tc_copy(c, sorry, 80);
	(void)tc_service(c, "www", webc, sorryc);
	return c;
}
