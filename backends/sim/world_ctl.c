/*
 * The operator's side of the simulated world: hoststatectl commands,
 * reload, shutdown, and the status words scenarios expect.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sim/world_priv.h"
#include "core/ctl.h"
#include "core/demote.h"
#include "core/hce.h"
#include "core/pfe.h"

/* A failure as hoststatectl prints it: each line prefixed. */
static void
ctl_failure(struct buf *out, const char *text)
{
	const char	*nl;

	if (*text == '\0')
		text = "command failed";
	while (*text != '\0') {
		nl = strchr(text, '\n');
		if (nl == NULL)
			nl = text + strlen(text);
		buf_printf(out, "hoststatectl: %.*s\n", (int)(nl - text), text);
		text = *nl == '\n' ? nl + 1 : nl;
	}
}

static int
world_show(struct world *w, enum ctl_action action, struct buf *out)
{
	struct ctl_row	*rows = NULL;
	int		 n;

	if ((n = pfe_rows(w->pfe, action, &rows)) == -1) {
		buf_puts(out, "out of memory\n");
		return -1;
	}
	ctl_render(action, rows, (size_t)n, out);
	free(rows);
	return 0;
}

static int
world_command(struct world *w, const struct ctl_request *req,
    struct buf *out)
{
	struct buf	err;
	int		rv;

	buf_init(&err, 1024);
	rv = pfe_command(w->pfe, req, &err, w->clock.now_ms);
	world_drain(w);
	if (rv == 0)
		buf_puts(out, "command succeeded\n");
	else
		ctl_failure(out, buf_str(&err));
	buf_free(&err);
	return rv;
}

static int
world_ctl_reload(struct world *w, const char *path, struct buf *out)
{
	struct buf	err;
	int		rv;

	if (w->reload == NULL) {
		ctl_failure(out, "reload not supported");
		return -1;
	}
	buf_init(&err, 65536);
	rv = w->reload(w->reload_arg, w, path, &err);
	if (rv == 0)
		buf_puts(out, "command succeeded\n");
	else
		ctl_failure(out, buf_str(&err));
	buf_free(&err);
	return rv;
}

int
world_ctl(struct world *w, int argc, char *const argv[], struct buf *out)
{
	struct ctl_request	req;
	struct buf		err;
	int			rv = 0;

	buf_init(&err, 1024);
	if (ctl_parse(argc, argv, &req, &err) == -1) {
		buf_printf(out, "hoststatectl: %s\n", buf_str(&err));
		buf_free(&err);
		return -1;
	}
	buf_free(&err);
	if (ctl_action_shows(req.action))
		return world_show(w, req.action, out);
	switch (req.action) {
	case CTL_RELOAD:
		return world_ctl_reload(w, req.target, out);
	case CTL_MONITOR:
		w->monitor = true;
		return 0;
	case CTL_LOG_BRIEF:
	case CTL_LOG_VERBOSE:
		world_set_verbose(w, req.action == CTL_LOG_VERBOSE);
		buf_puts(out, "command succeeded\n");
		return 0;
	case CTL_STOP:
		world_shutdown(w);
		buf_puts(out, "command succeeded\n");
		return 0;
	default:
		rv = world_command(w, &req, out);
		break;
	}
	return rv;
}

int
world_reload(struct world *w, struct config *conf)
{
	struct world_host	*old = w->hosts;
	size_t			 nold = w->nhosts, i;
	struct config		*oldconf = w->conf;
	uint32_t		*map;

	if ((map = config_host_map(oldconf, conf)) == NULL) {
		config_free(conf);
		return -1;
	}
	w->hosts = NULL;
	if (world_hosts_alloc(w, conf->nhosts) == -1) {
		w->hosts = old;
		w->nhosts = nold;
		free(map);
		config_free(conf);
		return -1;
	}
	/* Hosts that stay keep what the world knows of them. */
	for (i = 0; i < conf->nhosts; i++) {
		if (map[i] == HS_ID_NONE || map[i] >= nold)
			continue;
		w->hosts[i] = old[map[i]];
		w->hosts[i].inflight_seq = 0;
	}
	free(map);
	free(old);
	w->conf = conf;
	w->epoch++;	/* answers to checks started before are stale */
	w->reload_ms = w->clock.now_ms;
	if (world_map_hosts(w) == -1) {
		world_fail(w, "out of memory");
		return -1;
	}
	hce_reload(w->hce, conf, w->clock.now_ms);
	pfe_reload(w->pfe, conf, w->clock.now_ms);
	world_drain(w);
	config_free(oldconf);
	return w->error ? -1 : 0;
}

void
world_shutdown(struct world *w)
{
	if (w->stopped)
		return;
	pfe_shutdown(w->pfe, w->clock.now_ms);
	world_drain(w);
	demote_shutdown(w->demote);
	w->stopped = true;
}
