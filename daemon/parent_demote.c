/* The parent's demotion outputs; see parent_demote.h. */
#include <stdlib.h>

#if defined(HS_HAVE_PF)
#include "backends/pf/carp.h"
#endif
#include "daemon/demote_file.h"
#include "daemon/demote_script.h"
#include "daemon/log.h"
#include "daemon/parent_demote.h"

struct parent_demote {
	const struct config	*conf;
	struct demote_scripts	*scripts;
};

struct parent_demote *
parent_demote_new(struct event_base *base, const struct config *conf)
{
	struct parent_demote	*pd;

	if ((pd = calloc(1, sizeof(*pd))) == NULL)
		return NULL;
	pd->conf = conf;
	if ((pd->scripts = demote_scripts_new(base)) == NULL) {
		free(pd);
		return NULL;
	}
	return pd;
}

void
parent_demote_free(struct parent_demote *pd)
{
	if (pd == NULL)
		return;
	demote_scripts_free(pd->scripts);
	free(pd);
}

void
parent_demote_config(struct parent_demote *pd, const struct config *conf)
{
	pd->conf = conf;
}

void
parent_demote_finish(struct parent_demote *pd)
{
	demote_scripts_finish(pd->scripts);
}

/* The group's file and script, where it has them. */
static void
outputs(struct parent_demote *pd, const char *group, int32_t total)
{
	const struct demote_conf	*d = config_demote(pd->conf, group);
	struct buf			 err;

	if (d == NULL)
		return;
	if (d->file[0] != '\0') {
		buf_init(&err, 1024);
		if (demote_file_write(d->file, total, &err) == -1)
			log_warnx("demote group %s: file: %s", group,
			    buf_str(&err));
		buf_free(&err);
	}
	if (d->script[0] != '\0')
		demote_scripts_run(pd->scripts, d->script, group, total);
}

static int
out_apply(void *arg, const char *group, int delta, int32_t total)
{
	struct parent_demote	*pd = arg;
	int			 rv = 0;
#if defined(HS_HAVE_PF)
	struct buf		 err;

	buf_init(&err, 1024);
	if ((rv = carp_demote(group, delta, &err)) == -1)
		log_warnx("carp group %s: %s", group, buf_str(&err));
	buf_free(&err);
#endif
	if (rv == 0)
		log_info("carp group %s: demote counter %+d (now %d)", group,
		    delta, (int)total);
	outputs(pd, group, total);
	return rv;
}

static int
out_reset(void *arg, const char *group, int32_t value)
{
	struct parent_demote	*pd = arg;
	int			 rv = 0;
#if defined(HS_HAVE_PF)
	struct buf		 err;

	buf_init(&err, 1024);
	if ((rv = carp_set(group, value, &err)) == -1)
		log_warnx("carp group %s: %s", group, buf_str(&err));
	buf_free(&err);
#endif
	if (rv == 0)
		log_info("carp group %s: demote counter set to %d", group,
		    (int)value);
	outputs(pd, group, value);
	return rv;
}

void
parent_demote_io(struct parent_demote *pd, struct demote_io *io)
{
	io->arg = pd;
	io->apply = out_apply;
	io->reset = out_reset;
}
