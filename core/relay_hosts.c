/* A relay process's view of the hosts and its choice; see relay_hosts.h. */
#include <stdlib.h>
#include <string.h>

#include "core/relay_hosts.h"

/* Where a host of a relay table sits in its table's choice array. */
struct rh_host {
	uint32_t	 table;		/* HS_ID_NONE: no relay uses it */
	uint32_t	 idx;
	uint8_t		 state;		/* enum host_state */
	bool		 disabled;
};

struct rh_table {
	struct lb_host	*hosts;		/* what lb_select chooses from */
	size_t		 n;
	bool		 disabled;
};

struct relay_hosts {
	const struct config	*cfg;
	uint8_t			 secret[HS_KEY_LEN];
	uint64_t		 seed;
	struct rh_host		*hosts;		/* by host id */
	struct rh_table		*tables;	/* by table id */
	size_t			 ntables;	/* so freeing needs no cfg */
	struct lb_state		*lb;		/* by relay id */
	struct relay_hosts	*next;		/* prepared for a switch */
	uint32_t		*next_map;	/* its hosts' ids in cfg */
};

uint32_t
relay_main_table(const struct config *c, const struct relay_conf *r)
{
	if (r->table_id != HS_ID_NONE)
		return r->table_id;
	if (r->service_id < c->nservices)
		return c->services[r->service_id].table_id;
	return HS_ID_NONE;
}

uint32_t
relay_backup_table(const struct config *c, const struct relay_conf *r)
{
	if (r->table_id != HS_ID_NONE)
		return r->backup_id;
	if (r->service_id < c->nservices)
		return c->services[r->service_id].backup_id;
	return HS_ID_NONE;
}

static size_t
tables_add(uint32_t *tids, size_t n, size_t max, uint32_t tid)
{
	size_t	i;

	if (tid == HS_ID_NONE || n == max)
		return n;
	for (i = 0; i < n; i++)
		if (tids[i] == tid)
			return n;
	tids[n] = tid;
	return n + 1;
}

size_t
relay_tables(const struct config *c, const struct relay_conf *r,
    uint32_t *tids, size_t max)
{
	const struct protocol_conf	*pr = NULL;
	size_t				 i, n = 0;

	n = tables_add(tids, n, max, relay_main_table(c, r));
	n = tables_add(tids, n, max, relay_backup_table(c, r));
	if (r->protocol_id < c->nprotocols)
		pr = &c->protocols[r->protocol_id];
	for (i = 0; pr != NULL && i < pr->nroutes && i < HS_ROUTES_MAX; i++)
		n = tables_add(tids, n, max, r->route_table[i]);
	return n;
}

const char *
relay_unsupported(const struct config *c, const struct relay_conf *r)
{
	const struct protocol_conf	*pr = NULL;
	size_t				 i;

	if (r->protocol_id < c->nprotocols)
		pr = &c->protocols[r->protocol_id];
	for (i = 0; i < r->nlistens; i++)
		if (pr != NULL && pr->type == PROTO_DNS && r->listens[i].ssl)
			return "DNS over TLS is not supported in this version";
	if (pr != NULL && pr->type == PROTO_DNS && r->forward_tls)
		return "DNS over TLS is not supported in this version";
	return NULL;
}

void
relay_hash_key(const struct relay_conf *r, const uint8_t secret[HS_KEY_LEN],
    uint8_t key[HS_KEY_LEN])
{
	uint64_t	h[2];
	uint8_t		k1[HS_KEY_LEN];
	size_t		i;

	if (r->has_key) {
		memcpy(key, r->key, HS_KEY_LEN);
		return;
	}
	memcpy(k1, secret, HS_KEY_LEN);
	k1[0] ^= 0x5a;
	h[0] = lb_siphash(secret, r->name, strlen(r->name));
	h[1] = lb_siphash(k1, r->name, strlen(r->name));
	for (i = 0; i < HS_KEY_LEN; i++)
		key[i] = (uint8_t)(h[i / 8] >> (8 * (i % 8)));
}

static bool
host_up(const struct relay_hosts *rh, const struct rh_host *h)
{
	return h->state == HOST_UP && !h->disabled &&
	    !rh->tables[h->table].disabled;
}

static void
refresh_host(struct relay_hosts *rh, uint32_t id)
{
	struct rh_host	*h = &rh->hosts[id];

	if (h->table != HS_ID_NONE)
		rh->tables[h->table].hosts[h->idx].up = host_up(rh, h);
}

static void
refresh_table(struct relay_hosts *rh, uint32_t tid)
{
	const struct table_conf	*t = &rh->cfg->tables[tid];
	size_t			 i;

	for (i = 0; i < t->nhosts; i++)
		refresh_host(rh, t->host_ids[i]);
}

/*
 * The configuration may be gone by now (a prepared view is dropped after
 * its pending configuration was freed), so only rh's own fields are read.
 */
static void
free_arrays(struct relay_hosts *rh)
{
	size_t	i;

	for (i = 0; rh->tables != NULL && i < rh->ntables; i++)
		free(rh->tables[i].hosts);
	free(rh->tables);
	free(rh->hosts);
	free(rh->lb);
	rh->ntables = 0;
	rh->tables = NULL;
	rh->hosts = NULL;
	rh->lb = NULL;
}

/* Give table tid its choice array, hosts as the engines start them. */
static int
table_init(struct relay_hosts *rh, uint32_t tid)
{
	const struct config	*c = rh->cfg;
	const struct table_conf	*t = &c->tables[tid];
	struct rh_table		*rt = &rh->tables[tid];
	size_t			 i;

	if (rt->hosts != NULL || t->nhosts == 0)
		return 0;
	if ((rt->hosts = calloc(t->nhosts, sizeof(*rt->hosts))) == NULL)
		return -1;
	rt->n = t->nhosts;
	rt->disabled = t->disabled;
	for (i = 0; i < t->nhosts; i++) {
		const struct host_conf	*hc = &c->hosts[t->host_ids[i]];
		struct rh_host		*h = &rh->hosts[hc->id];

		rt->hosts[i].id = hc->id;
		rt->hosts[i].addr = hc->addr;
		rt->hosts[i].port = t->port;
		rt->hosts[i].weight = hc->weight;
		h->table = tid;
		h->idx = (uint32_t)i;
		/* Unchecked tables: hosts count as up, as in the PFE. */
		h->state = t->check.type == CHECK_NONE ? HOST_UP :
		    HOST_UNKNOWN;
	}
	refresh_table(rh, tid);
	return 0;
}

static int
alloc_arrays(struct relay_hosts *rh, const struct config *c)
{
	uint8_t		 key[HS_KEY_LEN];
	uint32_t	 tids[RELAY_TABLES_MAX];
	size_t		 i, j, n;

	rh->cfg = c;
	rh->hosts = calloc(c->nhosts ? c->nhosts : 1, sizeof(*rh->hosts));
	rh->tables = calloc(c->ntables ? c->ntables : 1, sizeof(*rh->tables));
	if (rh->tables != NULL)
		rh->ntables = c->ntables;
	rh->lb = calloc(c->nrelays ? c->nrelays : 1, sizeof(*rh->lb));
	if (rh->hosts == NULL || rh->tables == NULL || rh->lb == NULL)
		return -1;
	for (i = 0; i < c->nhosts; i++)
		rh->hosts[i].table = HS_ID_NONE;
	for (i = 0; i < c->nrelays; i++) {
		const struct relay_conf	*r = &c->relays[i];

		relay_hash_key(r, rh->secret, key);
		lb_state_init(&rh->lb[i], rh->seed + i, key);
		n = relay_tables(c, r, tids, RELAY_TABLES_MAX);
		for (j = 0; j < n; j++)
			if (tids[j] < c->ntables && table_init(rh, tids[j]) ==
			    -1)
				return -1;
	}
	return 0;
}

struct relay_hosts *
relay_hosts_new(const struct config *c, const uint8_t secret[HS_KEY_LEN],
    uint64_t seed)
{
	struct relay_hosts	*rh;

	if ((rh = calloc(1, sizeof(*rh))) == NULL)
		return NULL;
	memcpy(rh->secret, secret, HS_KEY_LEN);
	rh->seed = seed;
	if (alloc_arrays(rh, c) == -1) {
		free_arrays(rh);
		free(rh);
		return NULL;
	}
	return rh;
}

void
relay_hosts_free(struct relay_hosts *rh)
{
	if (rh == NULL)
		return;
	relay_hosts_abort(rh);
	free_arrays(rh);
	free(rh);
}

/* What the old view knew of the hosts and tables the new one keeps. */
static void
carry_states(struct relay_hosts *rh, const struct relay_hosts *old,
    const uint32_t *map)
{
	const struct table_conf	*ot;
	size_t			 i;

	for (i = 0; i < rh->cfg->ntables; i++) {
		ot = config_table_by_name(old->cfg, rh->cfg->tables[i].name);
		if (ot != NULL && rh->tables[i].hosts != NULL &&
		    old->tables[ot->id].hosts != NULL)
			rh->tables[i].disabled = old->tables[ot->id].disabled;
	}
	for (i = 0; map != NULL && i < rh->cfg->nhosts; i++) {
		if (map[i] == HS_ID_NONE || map[i] >= old->cfg->nhosts ||
		    old->hosts[map[i]].table == HS_ID_NONE ||
		    rh->hosts[i].table == HS_ID_NONE)
			continue;
		rh->hosts[i].state = old->hosts[map[i]].state;
		rh->hosts[i].disabled = old->hosts[map[i]].disabled;
	}
	for (i = 0; i < rh->cfg->ntables; i++)
		if (rh->tables[i].hosts != NULL)
			refresh_table(rh, (uint32_t)i);
}

/* Relays of the same name keep their round-robin place and PRNG. */
static void
carry_relays(struct relay_hosts *rh, const struct relay_hosts *old)
{
	size_t	i, j;

	for (i = 0; i < rh->cfg->nrelays; i++)
		for (j = 0; j < old->cfg->nrelays; j++) {
			if (strcmp(rh->cfg->relays[i].name,
			    old->cfg->relays[j].name) != 0)
				continue;
			rh->lb[i].rr_next = old->lb[j].rr_next;
			rh->lb[i].rng = old->lb[j].rng;
			break;
		}
}

int
relay_hosts_prepare(struct relay_hosts *rh, const struct config *c)
{
	struct relay_hosts	*next;

	relay_hosts_abort(rh);
	if ((next = calloc(1, sizeof(*next))) == NULL)
		return -1;
	memcpy(next->secret, rh->secret, HS_KEY_LEN);
	next->seed = rh->seed;
	if (alloc_arrays(next, c) == -1 ||
	    ((rh->next_map = config_host_map(rh->cfg, c)) == NULL &&
	    c->nhosts > 0)) {
		free_arrays(next);
		free(next);
		return -1;
	}
	rh->next = next;
	return 0;
}

/* Nothing to allocate: the states are carried over as they are now. */
void
relay_hosts_commit(struct relay_hosts *rh)
{
	struct relay_hosts	*next = rh->next;

	if (next == NULL)
		return;
	carry_states(next, rh, rh->next_map);
	carry_relays(next, rh);
	free_arrays(rh);
	rh->cfg = next->cfg;
	rh->hosts = next->hosts;
	rh->tables = next->tables;
	rh->ntables = next->ntables;
	rh->lb = next->lb;
	free(next);
	free(rh->next_map);
	rh->next = NULL;
	rh->next_map = NULL;
}

void
relay_hosts_abort(struct relay_hosts *rh)
{
	if (rh == NULL || rh->next == NULL)
		return;
	free_arrays(rh->next);
	free(rh->next);
	free(rh->next_map);
	rh->next = NULL;
	rh->next_map = NULL;
}

int
relay_hosts_reload(struct relay_hosts *rh, const struct config *c)
{
	if (relay_hosts_prepare(rh, c) == -1)
		return -1;
	relay_hosts_commit(rh);
	return 0;
}

int
relay_hosts_update(struct relay_hosts *rh, const struct msg_relay_hosts *m)
{
	const struct msg_relay_host	*v;
	struct rh_host			*h;
	uint32_t			 i;

	for (i = 0; i < m->n && i < RELAY_HOSTS_MAX; i++) {
		v = &m->v[i];
		if (v->host_id >= rh->cfg->nhosts || v->state > HOST_DOWN)
			return -1;
		h = &rh->hosts[v->host_id];
		if (h->table == HS_ID_NONE)
			continue;	/* no relay forwards to its table */
		h->state = v->state;
		h->disabled = (v->flags & RELAY_HOST_DISABLED) != 0;
		rh->tables[h->table].disabled =
		    (v->flags & RELAY_HOST_TABLE_DISABLED) != 0;
		refresh_host(rh, v->host_id);
	}
	return 0;
}

/* Take the tried hosts out of the choice; restored by the caller. */
static void
mark_tried(struct relay_hosts *rh, const uint32_t *tried, size_t n,
    bool *was_up)
{
	struct rh_host	*h;
	size_t		 i;

	for (i = 0; i < n; i++) {
		was_up[i] = false;
		if (tried[i] >= rh->cfg->nhosts)
			continue;
		h = &rh->hosts[tried[i]];
		if (h->table == HS_ID_NONE)
			continue;
		was_up[i] = rh->tables[h->table].hosts[h->idx].up;
		rh->tables[h->table].hosts[h->idx].up = false;
	}
}

static void
unmark_tried(struct relay_hosts *rh, const uint32_t *tried, size_t n,
    const bool *was_up)
{
	struct rh_host	*h;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (!was_up[i])
			continue;
		h = &rh->hosts[tried[i]];
		rh->tables[h->table].hosts[h->idx].up = true;
	}
}

static const struct rh_table *
relay_table(const struct relay_hosts *rh, uint32_t tid)
{
	if (tid >= rh->cfg->ntables || rh->tables[tid].hosts == NULL)
		return NULL;
	return &rh->tables[tid];
}

/* Choose from m (or b when m has no host up), tried hosts left out. */
static int
select_from(struct relay_hosts *rh, uint32_t rid, const struct rh_table *m,
    const struct rh_table *b, const struct lb_client *cl,
    const uint32_t *tried, size_t ntried, struct relay_target *out)
{
	bool	was_up[RELAY_TRIED_MAX];
	int	id;

	if (ntried > RELAY_TRIED_MAX)
		ntried = RELAY_TRIED_MAX;
	mark_tried(rh, tried, ntried, was_up);
	id = lb_select(rh->cfg->relays[rid].mode, m != NULL ? m->hosts : NULL,
	    m ? m->n : 0, b != NULL ? b->hosts : NULL, b ? b->n : 0, cl,
	    &rh->lb[rid]);
	unmark_tried(rh, tried, ntried, was_up);
	if (id < 0)
		return -1;
	out->host_id = (uint32_t)id;
	out->addr = rh->cfg->hosts[id].addr;
	out->port = rh->cfg->tables[rh->hosts[id].table].port;
	return 0;
}

int
relay_hosts_select(struct relay_hosts *rh, uint32_t rid,
    const struct lb_client *cl, const uint32_t *tried, size_t ntried,
    struct relay_target *out)
{
	const struct relay_conf	*r;

	if (rid >= rh->cfg->nrelays)
		return -1;
	r = &rh->cfg->relays[rid];
	if (r->has_forward) {
		out->host_id = HS_ID_NONE;
		out->addr = r->forward.addr;
		out->port = r->forward.port;
		return 0;
	}
	return select_from(rh, rid, relay_table(rh, relay_main_table(rh->cfg,
	    r)), relay_table(rh, relay_backup_table(rh->cfg, r)), cl, tried,
	    ntried, out);
}

int
relay_hosts_select_table(struct relay_hosts *rh, uint32_t rid, uint32_t tid,
    const struct lb_client *cl, const uint32_t *tried, size_t ntried,
    struct relay_target *out)
{
	if (rid >= rh->cfg->nrelays)
		return -1;
	return select_from(rh, rid, relay_table(rh, tid), NULL, cl, tried,
	    ntried, out);
}

void
relay_hosts_count(struct relay_hosts *rh, uint32_t id, int delta)
{
	struct lb_host	*lh;

	if (id >= rh->cfg->nhosts || rh->hosts[id].table == HS_ID_NONE)
		return;
	lh = &rh->tables[rh->hosts[id].table].hosts[rh->hosts[id].idx];
	if (delta < 0 && lh->states == 0)
		return;
	lh->states += delta;
}

bool
relay_hosts_usable(const struct relay_hosts *rh, uint32_t id)
{
	if (id >= rh->cfg->nhosts || rh->hosts[id].table == HS_ID_NONE)
		return false;
	return host_up(rh, &rh->hosts[id]);
}

uint32_t
relay_hosts_states(const struct relay_hosts *rh, uint32_t id)
{
	if (id >= rh->cfg->nhosts || rh->hosts[id].table == HS_ID_NONE)
		return 0;
	return rh->tables[rh->hosts[id].table].hosts[rh->hosts[id].idx].states;
}
