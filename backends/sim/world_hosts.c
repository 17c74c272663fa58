/*
 * The simulated world's hosts: each configured host's virtual host (one
 * per name as written), and what the world knows of it for invariants.
 */
#include <stdlib.h>
#include <string.h>

#include "backends/sim/world_priv.h"
#include "core/engine.h"

static int
host_name_cmp(const struct config *c, uint32_t a, uint32_t b)
{
	return strcmp(c->hosts[a].name, c->hosts[b].name);
}

/* Sort host ids by name without qsort_r: a simple merge sort. */
static void
sort_hosts(uint32_t *ids, uint32_t *tmp, size_t n, const struct config *c)
{
	size_t	mid, i, j, k;

	if (n < 2)
		return;
	mid = n / 2;
	sort_hosts(ids, tmp, mid, c);
	sort_hosts(ids + mid, tmp, n - mid, c);
	for (i = 0, j = mid, k = 0; i < mid || j < n; k++) {
		if (j == n || (i < mid && host_name_cmp(c, ids[i], ids[j]) <= 0))
			tmp[k] = ids[i++];
		else
			tmp[k] = ids[j++];
	}
	memcpy(ids, tmp, n * sizeof(*ids));
}

static int
vhost_index(const struct world *w, const char *name, size_t *idx)
{
	size_t	lo = 0, hi = w->nvhosts, mid;
	int	c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		c = strcmp(name, w->vhost_names[mid]);
		if (c == 0) {
			*idx = mid;
			return 0;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	*idx = lo;
	return -1;
}

struct vhost *
world_vhost(struct world *w, const char *name)
{
	size_t	idx;

	return vhost_index(w, name, &idx) == 0 ? &w->vhosts[idx] : NULL;
}

/* Add a virtual host for name at sorted position idx. */
static int
vhost_insert(struct world *w, size_t idx, const char *name)
{
	struct vhost	*v;
	char		**names, *copy;
	size_t		 i;

	if ((copy = strdup(name)) == NULL)
		return -1;
	v = realloc(w->vhosts, (w->nvhosts + 1) * sizeof(*v));
	if (v != NULL)
		w->vhosts = v;
	names = realloc(w->vhost_names, (w->nvhosts + 1) * sizeof(*names));
	if (names != NULL)
		w->vhost_names = names;
	if (v == NULL || names == NULL) {
		free(copy);
		return -1;
	}
	memmove(&w->vhosts[idx + 1], &w->vhosts[idx],
	    (w->nvhosts - idx) * sizeof(*v));
	memmove(&w->vhost_names[idx + 1], &w->vhost_names[idx],
	    (w->nvhosts - idx) * sizeof(*names));
	vhost_init(&w->vhosts[idx]);
	w->vhost_names[idx] = copy;
	w->nvhosts++;
	/* Indices after idx moved up by one (none when appending). */
	for (i = 0; idx + 1 < w->nvhosts && i < w->nhosts; i++)
		if (w->hosts[i].vhost >= idx && w->hosts[i].vhost != UINT32_MAX)
			w->hosts[i].vhost++;
	return 0;
}

/* Chain each virtual host's configured hosts, in id order. */
static int
world_link_vhosts(struct world *w)
{
	uint32_t	*first;
	size_t		 i;

	if ((first = calloc(w->nvhosts + 1, sizeof(*first))) == NULL)
		return -1;
	for (i = 0; i < w->nvhosts; i++)
		first[i] = HS_ID_NONE;
	for (i = w->nhosts; i-- > 0;) {
		w->hosts[i].vhost_next = first[w->hosts[i].vhost];
		first[w->hosts[i].vhost] = (uint32_t)i;
	}
	free(w->vhost_first);
	w->vhost_first = first;
	return 0;
}

/*
 * Give every configured host its virtual host, creating those not seen
 * before (new ones are healthy).  Bulk creation at start: sort by name.
 */
int
world_map_hosts(struct world *w)
{
	uint32_t	*ids, *tmp;
	size_t		 i, idx;
	const char	*name;

	for (i = 0; i < w->nhosts; i++)
		w->hosts[i].vhost = UINT32_MAX;
	ids = calloc(w->nhosts + 1, sizeof(*ids));
	tmp = calloc(w->nhosts + 1, sizeof(*tmp));
	if (ids == NULL || tmp == NULL) {
		free(ids);
		free(tmp);
		return -1;
	}
	for (i = 0; i < w->nhosts; i++)
		ids[i] = (uint32_t)i;
	sort_hosts(ids, tmp, w->nhosts, w->hce_conf);
	free(tmp);
	for (i = 0; i < w->nhosts; i++) {
		name = w->hce_conf->hosts[ids[i]].name;
		if (vhost_index(w, name, &idx) == -1 &&
		    vhost_insert(w, idx, name) == -1) {
			free(ids);
			return -1;
		}
		w->hosts[ids[i]].vhost = (uint32_t)idx;
	}
	free(ids);
	return world_link_vhosts(w);
}

int
world_hosts_alloc(struct world *w, size_t n)
{
	struct world_host	*h;
	size_t			 i;

	if ((h = calloc(n + 1, sizeof(*h))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		h[i].fail_since = HS_TIME_NEVER;
	free(w->hosts);
	w->hosts = h;
	w->nhosts = n;
	return 0;
}

/* When a host started failing, as the virtual host v shows at now. */
static uint64_t
effective_fail_since(const struct vhost *v, uint64_t stored, uint64_t now)
{
	if (v->reach != VH_FLAP)
		return stored;
	if (vhost_reach_at(v, now) != VH_DOWN)
		return HS_TIME_NEVER;
	return vhost_phase_start(v, now);
}

/*
 * After a fault statement (before: the virtual host as it was): the time
 * since which each host of this virtual host fails its checks, as a
 * fresh check would see it.  A flap's phases are computed when needed.
 */
void
world_vhost_changed(struct world *w, struct vhost *vh,
    const struct vhost *before)
{
	struct check_request	 req;
	struct check_result	 r;
	struct world_host	*h;
	const struct host_conf	*hc;
	uint64_t		 now = w->clock.now_ms, prev;
	uint32_t		 i;

	for (i = w->vhost_first[vh - w->vhosts]; i != HS_ID_NONE;
	    i = h->vhost_next) {
		h = &w->hosts[i];
		hc = &w->hce_conf->hosts[i];
		memset(&req, 0, sizeof(req));
		req.host_id = (uint32_t)i;
		req.host = hc;
		req.table = config_table(w->hce_conf, hc->table_id);
		if (req.table == NULL)
			continue;
		req.timeout_ms = req.table->timeout_ms;
		prev = effective_fail_since(before, h->fail_since, now);
		vhost_check(vh, &req, now, 0, &r);
		if (vh->reach == VH_FLAP)
			h->fail_since = now;	/* a flap starts down */
		else if (!r.up)
			h->fail_since = prev != HS_TIME_NEVER ? prev : now;
		else
			h->fail_since = HS_TIME_NEVER;
		world_changed(w, WORLD_CHANGED_HOST, i);
	}
}
