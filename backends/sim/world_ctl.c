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

	if ((n = pfe_rows(w->pfe, action == CTL_SHOW_METRICS ?
	    CTL_SHOW_RELAYS : action, w->clock.now_ms, &rows)) == -1) {
		buf_puts(out, "out of memory\n");
		return -1;
	}
	/* Virtual time: the daemon started at the epoch. */
	if (action == CTL_SHOW_METRICS)
		(void)pfe_metrics(w->pfe, rows, (size_t)n, w->clock.now_ms,
		    w->clock.now_ms, 0, out);
	else
		ctl_render(action, rows, (size_t)n, out);
	free(rows);
	return 0;
}

uint32_t
world_client_begin(struct world *w, struct buf *out)
{
	if (++w->next_client == 0)
		w->next_client = 1;
	w->ctl_client = w->next_client;
	w->ctl_out = out;
	w->ctl_result = 1;
	return w->ctl_client;
}

int
world_client_end(struct world *w)
{
	int	rv = w->ctl_result;

	w->ctl_client = 0;
	w->ctl_out = NULL;
	return rv;
}

/*
 * The engines' answer to a control client: into the output of the
 * command being run, or, if it comes late (a held channel), on the
 * timeline when it comes.
 */
void
world_reply(void *arg, uint32_t client, bool ok, const char *text)
{
	struct world	*w = arg;
	struct buf	 late;

	if (client != 0 && client == w->ctl_client && w->ctl_out != NULL) {
		if (ok)
			buf_puts(w->ctl_out, "command succeeded\n");
		else
			ctl_failure(w->ctl_out, text);
		w->ctl_result = ok ? 0 : -1;
		return;
	}
	if (client == 0)
		return;
	buf_init(&late, WORLD_LINE_MAX);
	buf_printf(&late, "answer to control client %u:\n", client);
	if (ok)
		buf_puts(&late, "command succeeded\n");
	else
		ctl_failure(&late, text);
	world_print_text(w, buf_str(&late));
	buf_free(&late);
}

static int
world_command(struct world *w, const struct ctl_request *req,
    struct buf *out)
{
	struct buf	err;
	uint32_t	client = world_client_begin(w, out);
	int		rv;

	buf_init(&err, 1024);
	rv = pfe_command(w->pfe, req, client, &err, w->clock.now_ms);
	world_changed(w, WORLD_CHANGED_ALL, 0);
	/* Its messages may cross what is due now, answers included. */
	world_settle(w);
	if (rv == -1) {
		ctl_failure(out, buf_str(&err));
		w->ctl_result = -1;
	}
	buf_free(&err);
	return world_client_end(w);
}

static int
world_ctl_reload(struct world *w, const char *path, struct buf *out)
{
	if (w->reload == NULL) {
		ctl_failure(out, "reload not supported");
		return -1;
	}
	return w->reload(w->reload_arg, w, path, out);
}

/* Commands the PFE does not carry out itself: monitors see them too. */
static void
world_command_event(struct world *w, const struct ctl_request *req)
{
	pfe_command_event(w->pfe, req, NULL, w->clock.now_ms);
	world_settle(w);
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
		world_command_event(w, &req);
		buf_puts(out, "command succeeded\n");
		return 0;
	case CTL_STOP:
		world_command_event(w, &req);
		world_shutdown(w);
		buf_puts(out, "command succeeded\n");
		return 0;
	default:
		rv = world_command(w, &req, out);
		break;
	}
	return rv;
}

void
world_shutdown(struct world *w)
{
	if (w->stopped)
		return;
	world_drain(w);
	pfe_shutdown(w->pfe, w->clock.now_ms);
	world_drain(w);
	demote_shutdown(w->demote);
	w->stopped = true;
	world_changed(w, WORLD_CHANGED_ALL, 0);
}
