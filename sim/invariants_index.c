/*
 * The index of who depends on whom in a configuration, for the
 * invariants checked one object at a time.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/invariants_priv.h"

static int
inv_addr_cmp(const void *a, const void *b)
{
	const struct inv_addr	*x = a, *y = b;
	int			 c;

	if ((c = addr_cmp(&x->addr, &y->addr)) != 0)
		return c;
	return (x->host_id > y->host_id) - (x->host_id < y->host_id);
}

/*
 * Count into off[key], sum so off[key] ends key's slice, then place
 * values counting down: off[key] .. off[key + 1] is key's slice.
 */
static int
csr_alloc(uint32_t **off, uint32_t **v, size_t nkeys, size_t nvals)
{
	*off = calloc(nkeys + 2, sizeof(**off));
	*v = calloc(nvals + 1, sizeof(**v));
	return *off == NULL || *v == NULL ? -1 : 0;
}

static void
csr_sum(uint32_t *off, size_t nkeys)
{
	size_t	i;

	for (i = 1; i <= nkeys; i++)
		off[i] += off[i - 1];
}

static void
csr_put(uint32_t *off, uint32_t *v, uint32_t key, uint32_t val)
{
	v[--off[key]] = val;
}

static int
index_services(struct inv_index *ix, const struct config *c)
{
	size_t	i;

	if (csr_alloc(&ix->svc_off, &ix->svc, c->ntables,
	    2 * c->nservices) == -1)
		return -1;
	for (i = 0; i < c->nservices; i++) {
		ix->svc_off[c->services[i].table_id]++;
		if (c->services[i].backup_id < c->ntables)
			ix->svc_off[c->services[i].backup_id]++;
	}
	csr_sum(ix->svc_off, c->ntables);
	for (i = c->nservices; i-- > 0;) {
		if (c->services[i].backup_id < c->ntables)
			csr_put(ix->svc_off, ix->svc,
			    c->services[i].backup_id, (uint32_t)i);
		csr_put(ix->svc_off, ix->svc, c->services[i].table_id,
		    (uint32_t)i);
	}
	return 0;
}

static int
index_relays(struct inv_index *ix, const struct config *c)
{
	const struct relay_conf	*r;
	size_t			 i;

	if (csr_alloc(&ix->relay_off, &ix->relay, c->ntables,
	    2 * c->nrelays) == -1)
		return -1;
	for (i = 0; i < c->nrelays; i++) {
		r = &c->relays[i];
		if (r->table_id < c->ntables)
			ix->relay_off[r->table_id]++;
		if (r->backup_id < c->ntables)
			ix->relay_off[r->backup_id]++;
	}
	csr_sum(ix->relay_off, c->ntables);
	for (i = c->nrelays; i-- > 0;) {
		r = &c->relays[i];
		if (r->backup_id < c->ntables)
			csr_put(ix->relay_off, ix->relay, r->backup_id,
			    (uint32_t)i);
		if (r->table_id < c->ntables)
			csr_put(ix->relay_off, ix->relay, r->table_id,
			    (uint32_t)i);
	}
	return 0;
}

static int
index_addrs(struct inv_index *ix, const struct config *c)
{
	const struct table_conf	*t;
	size_t			 i, j, k = 0;

	ix->addr_off = calloc(c->ntables + 2, sizeof(*ix->addr_off));
	ix->addrs = calloc(c->nhosts + 1, sizeof(*ix->addrs));
	if (ix->addr_off == NULL || ix->addrs == NULL)
		return -1;
	for (i = 0; i < c->ntables; i++) {
		t = &c->tables[i];
		ix->addr_off[i] = (uint32_t)k;
		for (j = 0; j < t->nhosts && k < c->nhosts; j++) {
			ix->addrs[k].host_id = t->host_ids[j];
			ix->addrs[k++].addr = c->hosts[t->host_ids[j]].addr;
		}
		qsort(&ix->addrs[ix->addr_off[i]], k - ix->addr_off[i],
		    sizeof(*ix->addrs), inv_addr_cmp);
	}
	ix->addr_off[c->ntables] = (uint32_t)k;
	return 0;
}

/* Demoting live tables grouped by group name, in table order. */
static int
index_groups(struct inv_index *ix, const struct config *c)
{
	const struct table_conf	*t, *u;
	size_t			 i, j;

	ix->group_of = calloc(c->ntables + 1, sizeof(*ix->group_of));
	if (csr_alloc(&ix->group_off, &ix->group_tables, c->ntables,
	    c->ntables) == -1 || ix->group_of == NULL)
		return -1;
	for (i = 0; i < c->ntables; i++) {
		t = &c->tables[i];
		ix->group_of[i] = HS_ID_NONE;
		if (t->demote[0] == '\0' || !config_table_live(t))
			continue;
		for (j = 0; j < i && ix->group_of[i] == HS_ID_NONE; j++) {
			u = &c->tables[j];
			if (ix->group_of[j] != HS_ID_NONE &&
			    strcmp(u->demote, t->demote) == 0)
				ix->group_of[i] = ix->group_of[j];
		}
		if (ix->group_of[i] == HS_ID_NONE)
			ix->group_of[i] = ix->ngroups++;
		ix->group_off[ix->group_of[i]]++;
	}
	csr_sum(ix->group_off, ix->ngroups);
	for (i = c->ntables; i-- > 0;)
		if (ix->group_of[i] != HS_ID_NONE)
			csr_put(ix->group_off, ix->group_tables,
			    ix->group_of[i], (uint32_t)i);
	return 0;
}

static void
index_sweep(struct inv_index *ix, const struct config *c)
{
	const struct table_conf	*t;
	uint64_t		 iv;
	size_t			 i;

	ix->sweep_ms = (uint64_t)(c->interval_s ? c->interval_s :
	    HS_INTERVAL_DEFAULT) * 1000;
	for (i = 0; i < c->ntables; i++) {
		t = &c->tables[i];
		iv = (uint64_t)(t->interval_s ? t->interval_s :
		    c->interval_s) * 1000;
		if (config_table_live(t) && iv > 0 && iv < ix->sweep_ms)
			ix->sweep_ms = iv;
	}
}

void
inv_index_free(struct inv_index *ix)
{
	free(ix->svc_off);
	free(ix->svc);
	free(ix->relay_off);
	free(ix->relay);
	free(ix->addr_off);
	free(ix->addrs);
	free(ix->group_of);
	free(ix->group_off);
	free(ix->group_tables);
	free(ix->rec);
	free(ix->want);
	memset(ix, 0, sizeof(*ix));
}

int
inv_index_build(struct inv_index *ix, const struct config *c)
{
	size_t	i;

	inv_index_free(ix);
	ix->conf = c;
	if (index_services(ix, c) == -1 || index_relays(ix, c) == -1 ||
	    index_addrs(ix, c) == -1 || index_groups(ix, c) == -1 ||
	    (ix->rec = calloc(c->nservices + 1, sizeof(*ix->rec))) == NULL ||
	    (ix->want = calloc(c->nhosts + 1, sizeof(*ix->want))) == NULL) {
		inv_index_free(ix);
		return -1;
	}
	for (i = 0; i < c->nservices; i++)
		ix->rec[i] = -1;
	index_sweep(ix, c);
	return 0;
}

/*
 * The recorder only adds entries: a service's is looked for again only
 * when it grew (rec[] < 0 is minus one more than its size then).
 */
const struct rec_service *
inv_rec(struct inv_index *ix, const struct world *w, uint32_t sid)
{
	const struct recorder	*r = &w->rec;
	const char		*name = w->conf->services[sid].name;
	size_t			 i;

	if (ix->rec[sid] >= 0)
		return &r->services[ix->rec[sid]];
	if ((size_t)(-(int64_t)ix->rec[sid] - 1) == r->nservices)
		return NULL;
	for (i = 0; i < r->nservices; i++)
		if (strcmp(r->services[i].name, name) == 0) {
			ix->rec[sid] = (int32_t)i;
			return &r->services[i];
		}
	ix->rec[sid] = -(int32_t)r->nservices - 1;
	return NULL;
}
