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
	for (i = 0; i < c->nprotocols; i++) {
		free(c->protocols[i].actions);
		free(c->protocols[i].ssl.keypairs);
		free(c->protocols[i].routes);
	}
	free(c->hosts);
	free(c->tables);
	free(c->services);
	free(c->protocols);
	free(c->relays);
	free(c->demotes);
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

const struct demote_conf *
config_demote(const struct config *c, const char *group)
{
	size_t	 i;

	for (i = 0; i < c->ndemotes; i++)
		if (strcmp(c->demotes[i].group, group) == 0)
			return &c->demotes[i];
	return NULL;
}

bool
config_table_live(const struct table_conf *t)
{
	return !t->template;
}

/* A host of a table, by name: sorted so that matching is O(n log n). */
struct named_id {
	const char	*name;
	uint32_t	 id;
};

static int
named_id_cmp(const void *a, const void *b)
{
	const struct named_id	*x = a, *y = b;
	int			 c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	return (x->id > y->id) - (x->id < y->id);
}

/* The first entry named name in the sorted v, or HS_ID_NONE. */
static uint32_t
named_id_find(const struct named_id *v, size_t n, const char *name)
{
	size_t	lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(v[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && strcmp(v[lo].name, name) == 0 ? v[lo].id : HS_ID_NONE;
}

/* Map the hosts of new table t to those of the old table of its name. */
static void
host_map_table(const struct config *old, const struct config *new,
    const struct table_conf *t, struct named_id *idx, uint32_t *map)
{
	const struct table_conf	*ot;
	size_t			 i, n = 0;

	if ((ot = config_table_by_name(old, t->name)) == NULL)
		return;
	for (i = 0; i < ot->nhosts; i++)
		if (ot->host_ids[i] < old->nhosts) {
			idx[n].name = old->hosts[ot->host_ids[i]].name;
			idx[n++].id = ot->host_ids[i];
		}
	qsort(idx, n, sizeof(*idx), named_id_cmp);
	for (i = 0; i < t->nhosts; i++)
		if (t->host_ids[i] < new->nhosts)
			map[t->host_ids[i]] = named_id_find(idx, n,
			    new->hosts[t->host_ids[i]].name);
}

uint32_t *
config_host_map(const struct config *old, const struct config *new)
{
	struct named_id	*idx;
	uint32_t	*map;
	size_t		 i;

	map = calloc(new->nhosts + 1, sizeof(*map));
	idx = calloc(old->nhosts + 1, sizeof(*idx));
	if (map == NULL || idx == NULL) {
		free(map);
		free(idx);
		return NULL;
	}
	for (i = 0; i < new->nhosts; i++)
		map[i] = HS_ID_NONE;
	for (i = 0; i < new->ntables; i++)
		host_map_table(old, new, &new->tables[i], idx, map);
	free(idx);
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

enum proto_type
relay_proto_type(const struct config *c, const struct relay_conf *r)
{
	return r->protocol_id < c->nprotocols ?
	    c->protocols[r->protocol_id].type : PROTO_TCP;
}

const char *
proto_type_name(enum proto_type t)
{
	switch (t) {
	case PROTO_HTTP:
		return "http";
	case PROTO_DNS:
		return "dns";
	default:
		return "tcp";
	}
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
