/*
 * demote GROUP [file PATH] [script PATH]: alone, the global demotion
 * group (hoststated's: reset to 0 at start, 128 at exit); with file or
 * script, where the group's counter goes where there is no carp.
 */
#include <stdio.h>
#include <string.h>

#include "core/parse_priv.h"

static struct demote_conf *
demote_conf_get(struct parser *p, const char *group, const struct pos *at)
{
	struct config		*c = p->cfg;
	struct demote_conf	*d;
	size_t			 i, cap = c->ndemotes;

	for (i = 0; i < c->ndemotes; i++)
		if (strcmp(c->demotes[i].group, group) == 0)
			return &c->demotes[i];
	if (c->ndemotes >= HS_DEMOTES_MAX) {
		p_error_at(p, at, "too many demote groups with a file or "
		    "script (max %d)", HS_DEMOTES_MAX);
		return NULL;
	}
	/* The capacity is not kept: p_grow grows from the count. */
	if ((d = p_grow(c->demotes, &cap, c->ndemotes, sizeof(*d))) == NULL) {
		p_error_at(p, at, "out of memory");
		return NULL;
	}
	c->demotes = d;
	d = &c->demotes[c->ndemotes++];
	memset(d, 0, sizeof(*d));
	(void)snprintf(d->group, sizeof(d->group), "%s", group);
	return d;
}

static int
demote_path(struct parser *p, const char *group, const char *what,
    char *dst, size_t len)
{
	struct pos	at = p_pos(p);

	if (dst[0] != '\0') {
		p_error(p, "demote group %s: %s already set", group, what);
		return -1;
	}
	if (p_string(p, dst, len, what) == -1)
		return -1;
	if (dst[0] != '/') {
		p_error_at(p, &at, "demote group %s: %s must be an absolute "
		    "path: %s", group, what, dst);
		return -1;
	}
	return 0;
}

/* After "demote". */
int
parse_demote(struct parser *p)
{
	char			 group[HS_IFNAME_MAX];
	struct pos		 at = p_pos(p);
	struct demote_conf	*d;

	if (p_name(p, group, sizeof(group), "demote group") == -1)
		return -1;
	if (!p_is_kw(p, KW_FILE) && !p_is_kw(p, KW_SCRIPT)) {
		memcpy(p->cfg->demote, group, sizeof(group));
		return 0;
	}
	if ((d = demote_conf_get(p, group, &at)) == NULL)
		return -1;
	for (;;) {
		if (p_accept(p, KW_FILE)) {
			if (demote_path(p, group, "demote file", d->file,
			    sizeof(d->file)) == -1)
				return -1;
		} else if (p_accept(p, KW_SCRIPT)) {
			if (demote_path(p, group, "demote script", d->script,
			    sizeof(d->script)) == -1)
				return -1;
		} else
			return 0;
	}
}
