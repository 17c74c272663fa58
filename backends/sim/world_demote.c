/*
 * The simulated parent's demotion: every change goes to the recorder's
 * carp groups; a group with a demote file or script also says what the
 * daemon would write or run, so that a VRRP setup can be rehearsed.
 */
#include <stdio.h>
#include <string.h>

#include "backends/sim/world_priv.h"
#include "core/demote.h"

/* What the daemon would do for a group without carp. */
static void
rehearse(struct world *w, const char *group, int32_t total)
{
	const struct demote_conf	*d = config_demote(w->conf, group);
	char				 line[HS_PATH_MAX + 64];

	if (d == NULL || w->opts.quiet)
		return;
	if (d->file[0] != '\0') {
		(void)snprintf(line, sizeof(line), "demote file %s: %d",
		    d->file, total);
		world_print(w, 0, line);
	}
	if (d->script[0] != '\0') {
		(void)snprintf(line, sizeof(line), "demote script: %s %s %d",
		    d->script, group, total);
		world_print(w, 0, line);
	}
}

static int
demote_apply_cb(void *arg, const char *group, int delta, int32_t total)
{
	struct world	*w = arg;
	struct buf	*line = w->opts.quiet ? NULL : &w->line;

	if (recorder_demote(&w->rec, group, delta, line) == -1)
		return -1;
	if (line != NULL) {
		world_print(w, 0, buf_str(line));
		buf_reset(line);
	}
	rehearse(w, group, total);
	return 0;
}

static int
demote_reset_cb(void *arg, const char *group, int32_t value)
{
	struct world	*w = arg;
	struct buf	*line = w->opts.quiet ? NULL : &w->line;

	if (recorder_demote(&w->rec, group,
	    (int)(value - recorder_group(&w->rec, group)), line) == -1)
		return -1;
	if (line != NULL) {
		world_print(w, 0, buf_str(line));
		buf_reset(line);
	}
	rehearse(w, group, value);
	return 0;
}

void
world_demote_io(struct world *w, struct demote_io *io)
{
	memset(io, 0, sizeof(*io));
	io->arg = w;
	io->apply = demote_apply_cb;
	io->reset = demote_reset_cb;
}
