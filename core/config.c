/* The configuration model: freeing it, lookups, names of its enums. */
#include <stdlib.h>
#include <string.h>

#include "core/config.h"

void
config_free(struct config *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	for (i = 0; i < c->ntables; i++)
		free(c->tables[i].host_ids);
	for (i = 0; i < c->nprotocols; i++)
		free(c->protocols[i].actions);
	free(c->hosts);
	free(c->tables);
	free(c->services);
	free(c->protocols);
	free(c->relays);
	free(c);
}

const struct table_conf *
config_table(const struct config *c, uint32_t id)
{
	return id < c->ntables ? &c->tables[id] : NULL;
}

const struct host_conf *
config_host(const struct config *c, uint32_t id)
{
	return id < c->nhosts ? &c->hosts[id] : NULL;
}

const struct table_conf *
config_table_by_name(const struct config *c, const char *name)
{
	size_t	 i;

	for (i = 0; i < c->ntables; i++)
		if (strcmp(c->tables[i].name, name) == 0)
			return &c->tables[i];
	return NULL;
}

const struct service_conf *
config_service_by_name(const struct config *c, const char *name)
{
	size_t	 i;

	for (i = 0; i < c->nservices; i++)
		if (strcmp(c->services[i].name, name) == 0)
			return &c->services[i];
	return NULL;
}

bool
config_table_live(const struct table_conf *t)
{
	return !t->template;
}

/* The host of table tname named hname in c, or HS_ID_NONE. */
static uint32_t
host_find(const struct config *c, const char *tname, const char *hname)
{
	const struct table_conf	*t;
	size_t			 i;

	if ((t = config_table_by_name(c, tname)) == NULL)
		return HS_ID_NONE;
	for (i = 0; i < t->nhosts; i++)
		if (strcmp(c->hosts[t->host_ids[i]].name, hname) == 0)
			return t->host_ids[i];
	return HS_ID_NONE;
}

uint32_t *
config_host_map(const struct config *old, const struct config *new)
{
	uint32_t	*map;
	size_t		 i;

	if ((map = calloc(new->nhosts + 1, sizeof(*map))) == NULL)
		return NULL;
	for (i = 0; i < new->nhosts; i++)
		map[i] = host_find(old, new->tables[new->hosts[i].table_id].name,
		    new->hosts[i].name);
	return map;
}

const char *
check_type_name(enum check_type type, bool tls)
{
	switch (type) {
	case CHECK_NONE:
		return "none";
	case CHECK_ICMP:
		return "icmp";
	case CHECK_TCP:
		return "tcp";
	case CHECK_TLS:
		return "ssl";
	case CHECK_HTTP_CODE:
		return tls ? "https code" : "http code";
	case CHECK_HTTP_DIGEST:
		return tls ? "https digest" : "http digest";
	case CHECK_SEND_EXPECT:
		return tls ? "send expect ssl" : "send expect";
	case CHECK_SCRIPT:
		return "script";
	}
	return "unknown";
}

const char *
lb_mode_name(enum lb_mode mode)
{
	switch (mode) {
	case LB_ROUNDROBIN:
		return "roundrobin";
	case LB_LOADBALANCE:
		return "loadbalance";
	case LB_HASH:
		return "hash";
	case LB_SOURCE_HASH:
		return "source-hash";
	case LB_RANDOM:
		return "random";
	case LB_LEAST_STATES:
		return "least-states";
	}
	return "unknown";
}

const char *
digest_type_name(enum digest_type t)
{
	switch (t) {
	case DIGEST_MD5:
		return "MD5";
	case DIGEST_SHA1:
		return "SHA1";
	case DIGEST_SHA256:
		return "SHA256";
	case DIGEST_SHA512:
		return "SHA512";
	default:
		return NULL;
	}
}
