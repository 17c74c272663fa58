/*
 * What to check after an event: the objects it changed, and everything
 * after an operator's command or a reload and once per check interval
 * of virtual time (what time alone changes: a host down for too long,
 * a flap's phases).
 */
#include <stdlib.h>
#include <string.h>

#include "sim/invariants_priv.h"

struct invariants {
	struct inv_index	 ix;
	bool			 all;
	uint64_t		 next_sweep;
	struct inv_dirty	 hosts;
	struct inv_dirty	 tables;
	struct inv_dirty	 services;
};

struct invariants *
invariants_new(void)
{
	struct invariants	*inv;

	if ((inv = calloc(1, sizeof(*inv))) != NULL)
		inv->all = true;
	return inv;
}

static void
dirty_free(struct inv_dirty *d)
{
	free(d->ids);
	free(d->on);
	memset(d, 0, sizeof(*d));
}

void
invariants_free(struct invariants *inv)
{
	if (inv == NULL)
		return;
	inv_index_free(&inv->ix);
	dirty_free(&inv->hosts);
	dirty_free(&inv->tables);
	dirty_free(&inv->services);
	free(inv);
}

/* Sized for n objects; false (and everything to check) if it cannot. */
static bool
dirty_add(struct inv_dirty *d, uint32_t id, size_t n)
{
	if (id >= n)
		return false;
	if (d->cap < n) {
		if (d->n > 0)
			return false;	/* a new configuration: see all */
		free(d->ids);
		free(d->on);
		d->ids = calloc(n, sizeof(*d->ids));
		d->on = calloc(n, sizeof(*d->on));
		d->cap = n;
		d->n = 0;
		if (d->ids == NULL || d->on == NULL) {
			dirty_free(d);
			return false;
		}
	}
	if (!d->on[id]) {
		d->on[id] = 1;
		d->ids[d->n++] = id;
	}
	return true;
}

static void
dirty_clear(struct inv_dirty *d)
{
	size_t	i;

	for (i = 0; i < d->n; i++)
		d->on[d->ids[i]] = 0;
	d->n = 0;
}

void
invariants_changed(struct invariants *inv, enum world_change what,
    uint32_t id)
{
	const struct config	*c = inv->ix.conf;
	bool			 ok = false;

	if (inv->all || c == NULL)
		return;
	switch (what) {
	case WORLD_CHANGED_HOST:
		ok = dirty_add(&inv->hosts, id, c->nhosts);
		break;
	case WORLD_CHANGED_TABLE:
		ok = dirty_add(&inv->tables, id, c->ntables);
		break;
	case WORLD_CHANGED_SERVICE:
		ok = dirty_add(&inv->services, id, c->nservices);
		break;
	default:
		break;
	}
	if (!ok)
		inv->all = true;
}

static int
check_dirty(struct invariants *inv, struct world *w, struct buf *msg,
    struct buf *exp)
{
	size_t	i;

	for (i = 0; i < inv->tables.n; i++)
		if (inv_table(w, &inv->ix, inv->tables.ids[i], msg, exp) == -1)
			return -1;
	for (i = 0; i < inv->services.n; i++)
		if (inv_service(w, &inv->ix, inv->services.ids[i], msg,
		    exp) == -1)
			return -1;
	for (i = 0; i < inv->hosts.n; i++)
		if (inv_host(w, &inv->ix, inv->hosts.ids[i], msg, exp) == -1)
			return -1;
	return 0;
}

int
invariants_check_all(struct invariants *inv, struct world *w,
    struct buf *msg, struct buf *exp)
{
	const struct config	*c = w->conf;
	size_t			 i;

	if (inv->ix.conf != c && inv_index_build(&inv->ix, c) == -1) {
		buf_puts(msg, "out of memory checking invariants");
		return -1;
	}
	/* A table's checks cover its services, groups and relays. */
	for (i = 0; i < c->ntables; i++)
		if (inv_table(w, &inv->ix, (uint32_t)i, msg, exp) == -1)
			return -1;
	for (i = 0; i < c->nhosts; i++)
		if (inv_host_counts(w, (uint32_t)i, msg, exp) == -1)
			return -1;
	return 0;
}

/*
 * Nothing in flight and no channel held: every engine runs the same
 * configuration (a reload happened everywhere or nowhere).
 */
static int
check_generations(struct world *w, bool *mid_reload, struct buf *msg)
{
	size_t	i;

	*mid_reload = w->conf->gen != w->hce_conf->gen ||
	    w->conf->gen != w->parent_conf->gen ||
	    w->conf->gen != w->relay_conf->gen;
	if (!*mid_reload)
		return 0;
	for (i = 0; i < PEER_MAX; i++)
		if (w->hold[i] != 0)
			return 0;	/* the scenario holds a channel */
	buf_printf(msg, "engines run different configurations with nothing "
	    "in flight: parent %u, hce %u, pfe %u, relay %u",
	    w->parent_conf->gen, w->hce_conf->gen, w->conf->gen,
	    w->relay_conf->gen);
	return -1;
}

int
invariants_check(struct invariants *inv, struct world *w, struct buf *msg,
    struct buf *exp)
{
	uint64_t	now = world_now(w);
	bool		mid_reload;
	int		rv;

	if (check_generations(w, &mid_reload, msg) == -1)
		return -1;
	if (mid_reload) {
		/* Host ids differ between engines: look again after. */
		inv->all = true;
		return 0;
	}
	if (inv->ix.conf != w->conf || now >= inv->next_sweep)
		inv->all = true;
	if (inv->all) {
		rv = invariants_check_all(inv, w, msg, exp);
		inv->next_sweep = now + inv->ix.sweep_ms;
	} else
		rv = check_dirty(inv, w, msg, exp);
	inv->all = false;
	dirty_clear(&inv->hosts);
	dirty_clear(&inv->tables);
	dirty_clear(&inv->services);
	return rv;
}
