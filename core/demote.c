/* carp demotion counters of the parent; see demote.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/demote.h"

struct demote_group {
	char	name[HS_IFNAME_MAX];
	int32_t	count;		/* net table demotions */
	int32_t	base;		/* the global group's setting */
};

struct demote {
	struct demote_io	 io;
	char			 global[HS_IFNAME_MAX];	/* "" = none */
	struct demote_group	*groups;
	size_t			 ngroups;
	size_t			 cap;
};

struct demote *
demote_new(const struct demote_io *io)
{
	struct demote	*d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->io = *io;
	return d;
}

void
demote_free(struct demote *d)
{
	if (d == NULL)
		return;
	free(d->groups);
	free(d);
}

static void
demote_log(struct demote *d, int level, const char *fmt, const char *group,
    int value)
{
	char	line[128];

	if (d->io.log == NULL)
		return;
	(void)snprintf(line, sizeof(line), fmt, group, value);
	d->io.log(d->io.arg, level, line);
}

static struct demote_group *
find_group(const struct demote *d, const char *name)
{
	size_t	i;

	for (i = 0; i < d->ngroups; i++)
		if (strcmp(d->groups[i].name, name) == 0)
			return &d->groups[i];
	return NULL;
}

static struct demote_group *
add_group(struct demote *d, const char *name)
{
	struct demote_group	*g;
	size_t			 cap;

	if (d->ngroups == DEMOTE_GROUPS_MAX)
		return NULL;
	if (d->ngroups == d->cap) {
		cap = d->cap ? d->cap * 2 : 8;
		if ((g = reallocarray(d->groups, cap, sizeof(*g))) == NULL)
			return NULL;
		d->groups = g;
		d->cap = cap;
	}
	g = &d->groups[d->ngroups++];
	memset(g, 0, sizeof(*g));
	memcpy(g->name, name, strlen(name) + 1);
	return g;
}

int
demote_apply(struct demote *d, const struct msg_demote *m)
{
	struct demote_group	*g;
	size_t			 n = strnlen(m->group, sizeof(m->group));

	if (n == 0 || n == sizeof(m->group) ||
	    (m->delta != 1 && m->delta != -1)) {
		demote_log(d, 0, "demote %s: invalid request %+d", "?",
		    m->delta);
		return -1;
	}
	if ((g = find_group(d, m->group)) == NULL &&
	    (m->delta < 0 || (g = add_group(d, m->group)) == NULL)) {
		demote_log(d, 0, "demote %s: refused %+d", m->group, m->delta);
		return -1;
	}
	if (g->count + m->delta < 0) {
		demote_log(d, 0, "demote %s: refused %+d below zero", g->name,
		    m->delta);
		return -1;
	}
	if (d->io.apply != NULL && d->io.apply(d->io.arg, g->name,
	    m->delta, g->base + g->count + m->delta) == -1) {
		demote_log(d, 0, "demote %s: could not apply %+d", g->name,
		    m->delta);
		return -1;
	}
	g->count += m->delta;
	demote_log(d, 1, "demote %s: counter %d", g->name, g->count);
	return 0;
}

int
demote_dispatch(struct demote *d, enum hs_peer peer, const struct msg *m)
{
	if (peer != PEER_PFE || m->type != MSG_DEMOTE)
		return -1;
	return demote_apply(d, &m->u.demote);
}

static int
set_base(struct demote *d, struct demote_group *g, int32_t base)
{
	if (d->io.reset != NULL &&
	    d->io.reset(d->io.arg, g->name, base + g->count) == -1) {
		demote_log(d, 0, "demote %s: could not set the counter to %d",
		    g->name, base + g->count);
		return -1;
	}
	g->base = base;
	demote_log(d, 1, "demote %s: counter %d", g->name, g->base + g->count);
	return 0;
}

int
demote_global(struct demote *d, const char *group)
{
	struct demote_group	*g;

	if (d->global[0] != '\0' || group[0] == '\0' ||
	    strlen(group) >= sizeof(d->global))
		return -1;
	if ((g = find_group(d, group)) == NULL &&
	    (g = add_group(d, group)) == NULL)
		return -1;
	memcpy(d->global, group, strlen(group) + 1);
	return set_base(d, g, 0);
}

int32_t
demote_count(const struct demote *d, const char *group)
{
	const struct demote_group	*g = find_group(d, group);

	return g != NULL ? g->count : 0;
}

void
demote_shutdown(struct demote *d)
{
	struct demote_group	*g;
	size_t			 i;

	for (i = 0; i < d->ngroups; i++) {
		g = &d->groups[i];
		if (g->count == 0)
			continue;
		if (d->io.apply != NULL && d->io.apply(d->io.arg, g->name,
		    -g->count, g->base) == -1)
			demote_log(d, 0, "demote %s: could not undo %+d",
			    g->name, -g->count);
		g->count = 0;
	}
	if (d->global[0] != '\0' && (g = find_group(d, d->global)) != NULL)
		(void)set_base(d, g, DEMOTE_SHUTDOWN);
}
