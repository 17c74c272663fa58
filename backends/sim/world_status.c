/*
 * Status words of the simulated world's objects, as hoststatectl shows
 * them, for a scenario's expect lines.  Objects are named as written in
 * the configuration; a table also by its printed "NAME:PORT".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sim/world_priv.h"
#include "core/ctl.h"
#include "core/pfe.h"

const struct table_conf *
world_table(const struct world *w, const char *name)
{
	return sim_table_named(w->conf, name);
}

const struct table_conf *
sim_table_named(const struct config *conf, const char *name)
{
	const struct table_conf	*t, *found = NULL;
	size_t			 i;

	t = config_table_by_name(conf, name);
	if (t != NULL && config_table_live(t))
		return t;
	/* A declared template: its one live copy. */
	for (i = 0; i < conf->ntables; i++) {
		t = &conf->tables[i];
		if (!config_table_live(t) || strcmp(t->base, name) != 0)
			continue;
		if (found != NULL)
			return NULL;	/* ambiguous: name the copy */
		found = t;
	}
	return found;
}

const struct service_conf *
world_service(const struct world *w, const char *name)
{
	return config_service_by_name(w->conf, name);
}

static const char *
host_status_word(const struct world *w, uint32_t id)
{
	if (pfe_host_disabled(w->pfe, id))
		return "disabled";
	return host_state_name(pfe_host_state(w->pfe, id));
}

static bool
host_live(const struct world *w, uint32_t id)
{
	const struct table_conf	*t;

	t = config_table(w->conf, w->conf->hosts[id].table_id);
	return t != NULL && config_table_live(t);
}

int
world_host_status(const struct world *w, const char *name, struct buf *out)
{
	const char	*first = NULL, *s;
	size_t		 i, n = 0;
	bool		 same = true;

	for (i = 0; i < w->conf->nhosts; i++) {
		if (strcmp(w->conf->hosts[i].name, name) != 0 ||
		    !host_live(w, (uint32_t)i))
			continue;
		s = host_status_word(w, (uint32_t)i);
		if (first == NULL)
			first = s;
		else if (strcmp(first, s) != 0)
			same = false;
		n++;
	}
	if (n == 0)
		return -1;
	if (same)
		return buf_puts(out, first);
	/* Copies of the host disagree: show each one with its id. */
	for (i = 0, n = 0; i < w->conf->nhosts; i++) {
		if (strcmp(w->conf->hosts[i].name, name) != 0 ||
		    !host_live(w, (uint32_t)i))
			continue;
		buf_printf(out, "%s%s (id %zu)", n++ > 0 ? ", " : "",
		    host_status_word(w, (uint32_t)i), i);
	}
	return 0;
}

int
world_table_status(const struct world *w, const char *name, struct buf *out)
{
	const struct table_conf	*t;
	uint32_t		 up;

	if ((t = world_table(w, name)) == NULL)
		return -1;
	if (pfe_table_disabled(w->pfe, t->id))
		return buf_puts(out, "disabled");
	if ((up = pfe_table_up(w->pfe, t->id)) == 0)
		return buf_puts(out, "empty");
	return buf_printf(out, "active (%u hosts up)", up);
}

int
world_service_status(const struct world *w, const char *name,
    struct buf *out)
{
	const struct service_conf	*s;
	struct ctl_row			 row;
	char				 st[64];

	if ((s = world_service(w, name)) == NULL)
		return -1;
	memset(&row, 0, sizeof(row));
	row.status = pfe_service_status(w->pfe, s->id);
	return buf_puts(out, ctl_status_str(&row, st, sizeof(st)));
}

int
world_relay_status(const struct world *w, const char *name, struct buf *out)
{
	struct ctl_row	*rows = NULL;
	char		 st[64];
	int		 n, i, rv = -1;

	if ((n = pfe_rows(w->pfe, CTL_SHOW_RELAYS, w->clock.now_ms,
	    &rows)) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (rows[i].type != OBJ_RELAY ||
		    strcmp(rows[i].name, name) != 0)
			continue;
		rv = buf_puts(out, ctl_status_str(&rows[i], st, sizeof(st)));
		break;
	}
	free(rows);
	return rv;
}
