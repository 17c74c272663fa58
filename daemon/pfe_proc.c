/*
 * The PFE process: host, table and service state from the HCE's
 * results, the layer-3 operations that follow, and the control socket
 * that hoststatectl talks to.  It runs chrooted and unprivileged.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "core/pfe.h"
#include "daemon/channel.h"
#include "daemon/config_xfer.h"
#include "daemon/control.h"
#include "daemon/log.h"
#include "daemon/pfe_proc.h"

#define PFE_LOG_VERBOSE	2	/* "log verbose": debug lines of every process */

struct pfe_proc {
	struct event_base	*base;
	struct config		*conf;
	struct config		*newconf;	/* acked, waiting for start */
	struct config_xfer	 xfer;
	struct pfe		*pfe;
	struct control		*control;
	struct channel		*parent;
	struct channel		*hce;
	bool			 started;
	/* A successful reload is answered once the switch is done. */
	bool			 reload_answer;
	uint32_t		 reload_client;
};

static void
pfe_proc_send(struct pfe_proc *pp, struct channel *ch, const struct msg *m)
{
	if (ch == NULL)
		return;		/* lost: the parent is shutting us down */
	if (channel_send(ch, m) == -1)
		fatalx("cannot send %s to %s", msg_type_name(m->type),
		    channel_name(ch));
}

static void
pfe_io_send(void *arg, enum hs_peer peer, const struct msg *m)
{
	struct pfe_proc	*pp = arg;

	if (peer == PEER_HCE)
		pfe_proc_send(pp, pp->hce, m);
	else if (peer == PEER_PARENT)
		pfe_proc_send(pp, pp->parent, m);
	/* PEER_RELAY: no relay processes in this version. */
}

static void
pfe_io_table_replace(void *arg, const struct service_conf *s,
    const struct table_conf *t, const struct hs_addr *addrs, size_t n)
{
	char	 a[HS_ADDRSTR_MAX];
	size_t	 i;

	/* No layer-3 backend yet: say what would be applied. */
	log_debug("service %s: table %s would hold %zu addresses", s->name,
	    t != NULL ? t->name : "-", n);
	for (i = 0; i < n; i++)
		log_debug("service %s: table %s: %s", s->name,
		    t != NULL ? t->name : "-", addr_fmt(&addrs[i], a,
		    sizeof(a)));
}

static void
pfe_io_rules_add(void *arg, const struct service_conf *s)
{
	log_debug("service %s: redirection rules would be added", s->name);
}

static void
pfe_io_rules_remove(void *arg, const struct service_conf *s)
{
	log_debug("service %s: redirection rules would be removed", s->name);
}

static void
pfe_io_event(void *arg, const struct ctl_event *ev)
{
	struct pfe_proc	*pp = arg;

	control_event(pp->control, ev);
}

static void
pfe_proc_answer(struct pfe_proc *pp, uint32_t client, enum msg_type type)
{
	struct msg	 m;

	memset(&m, 0, sizeof(m));
	m.type = type;
	m.peerid = client;
	control_send(pp->control, client, &m);
}

static void
pfe_proc_show(struct pfe_proc *pp, uint32_t client, enum ctl_action action)
{
	struct ctl_row	*rows = NULL;
	struct msg	 m;
	int		 i, n = 0;

	/* Sessions live in relay processes, which this version has not. */
	if (action != CTL_SHOW_SESSIONS &&
	    (n = pfe_rows(pp->pfe, action, &rows)) == -1) {
		control_fail(pp->control, client, "out of memory");
		return;
	}
	memset(&m, 0, sizeof(m));
	m.type = MSG_CTL_ROW;
	m.peerid = client;
	for (i = 0; i < n; i++) {
		m.u.ctl_row = rows[i];
		if (control_send(pp->control, client, &m) == -1)
			break;		/* the client was dropped */
	}
	free(rows);
	if (i == n)
		pfe_proc_answer(pp, client, MSG_CTL_END);
}

static void
pfe_proc_verbose(struct pfe_proc *pp, uint32_t client, int level)
{
	struct msg	 m;

	log_setverbose(level);
	memset(&m, 0, sizeof(m));
	m.type = MSG_CTL_VERBOSE;
	m.u.id.id = level;
	pfe_proc_send(pp, pp->parent, &m);
	pfe_proc_send(pp, pp->hce, &m);
	pfe_proc_answer(pp, client, MSG_CTL_OK);
}

static void
pfe_proc_forward(struct pfe_proc *pp, uint32_t client, enum msg_type type,
    const char *text)
{
	struct msg	 m;
	int		 n;

	memset(&m, 0, sizeof(m));
	m.type = type;
	m.peerid = client;
	n = snprintf(m.u.text.text, sizeof(m.u.text.text), "%s", text);
	if (n < 0 || (size_t)n >= sizeof(m.u.text.text)) {
		control_fail(pp->control, client, "argument too long");
		return;
	}
	m.u.text.len = n;
	pfe_proc_send(pp, pp->parent, &m);
}

static void
pfe_proc_command(struct pfe_proc *pp, uint32_t client,
    const struct ctl_request *req)
{
	struct buf	 err;

	if (pp->newconf != NULL) {
		/* Ids are about to change: a command now could hit another. */
		control_fail(pp->control, client,
		    "reload in progress, try again");
		return;
	}
	buf_init(&err, 1024);
	if (pfe_command(pp->pfe, req, &err, proc_now_ms()) == -1)
		control_fail(pp->control, client, err.len > 0 ?
		    buf_str(&err) : "command failed");
	else
		pfe_proc_answer(pp, client, MSG_CTL_OK);
	buf_free(&err);
}

static void
pfe_proc_request(void *arg, uint32_t client, bool may_modify,
    const struct ctl_request *req)
{
	struct pfe_proc	*pp = arg;

	if (ctl_action_modifies(req->action) && !may_modify) {
		control_fail(pp->control, client, "permission denied");
		return;
	}
	if (ctl_action_shows(req->action)) {
		pfe_proc_show(pp, client, req->action);
		return;
	}
	switch (req->action) {
	case CTL_MONITOR:
		control_monitor(pp->control, client);
		break;
	case CTL_RELOAD:
		pfe_proc_forward(pp, client, MSG_RELOAD, req->target);
		break;
	case CTL_STOP:
		log_info("stop requested by control client %u", client);
		pfe_proc_forward(pp, client, MSG_SHUTDOWN, "");
		pfe_proc_answer(pp, client, MSG_CTL_OK);
		break;
	case CTL_LOG_BRIEF:
		pfe_proc_verbose(pp, client, 0);
		break;
	case CTL_LOG_VERBOSE:
		pfe_proc_verbose(pp, client, PFE_LOG_VERBOSE);
		break;
	case CTL_HOST_DISABLE:
	case CTL_HOST_ENABLE:
	case CTL_TABLE_DISABLE:
	case CTL_TABLE_ENABLE:
	case CTL_SERVICE_DISABLE:
	case CTL_SERVICE_ENABLE:
	case CTL_POLL:
		pfe_proc_command(pp, client, req);
		break;
	default:
		control_fail(pp->control, client, "unknown command");
		break;
	}
}

static void
pfe_proc_reload_result(struct pfe_proc *pp, const struct msg *m)
{
	if (!m->u.text.ok) {
		control_fail(pp->control, m->peerid, m->u.text.text);
		return;
	}
	if (pp->newconf != NULL) {
		/* The HCE's start has not reached us yet: answer after. */
		pp->reload_answer = true;
		pp->reload_client = m->peerid;
		return;
	}
	pfe_proc_answer(pp, m->peerid, MSG_CTL_OK);
}

static void
pfe_proc_start(struct pfe_proc *pp)
{
	uint64_t	 now = proc_now_ms();

	if (pp->newconf != NULL) {
		pfe_reload(pp->pfe, pp->newconf, now);
		config_free(pp->conf);
		pp->conf = pp->newconf;
		pp->newconf = NULL;
		log_debug("configuration reloaded");
		if (pp->reload_answer) {
			pp->reload_answer = false;
			pfe_proc_answer(pp, pp->reload_client, MSG_CTL_OK);
		}
		return;
	}
	if (pp->started)
		fatalx("protocol error from hce: start without configuration");
	pp->started = true;
	pfe_start(pp->pfe, now);
}

static void
pfe_proc_cfg_done(struct pfe_proc *pp)
{
	struct msg	 m;

	config_xfer_take(&pp->xfer, &pp->newconf);
	memset(&m, 0, sizeof(m));
	m.type = MSG_CFG_DONE;
	pfe_proc_send(pp, pp->parent, &m);
}

static void __attribute__((noreturn))
pfe_proc_shutdown(struct pfe_proc *pp)
{
	pfe_shutdown(pp->pfe, proc_now_ms());
	/* The demotions released above must reach the parent. */
	if (pp->parent != NULL)
		channel_drain(pp->parent, 1000);
	log_debug("shut down");
	/* _exit: exit handlers (a leak checker) cannot work chrooted. */
	_exit(0);
}

static int
pfe_proc_dispatch_parent(void *arg, struct channel *ch, const struct msg *m)
{
	struct pfe_proc	*pp = arg;

	switch (m->type) {
	case MSG_CFG_TEXT:
		if (config_xfer_add(&pp->xfer, m) == -1)
			fatalx("configuration from parent too big");
		break;
	case MSG_CFG_DONE:
		pfe_proc_cfg_done(pp);
		break;
	case MSG_RELOAD_RESULT:
		pfe_proc_reload_result(pp, m);
		break;
	case MSG_CTL_VERBOSE:
		log_setverbose(m->u.id.id);
		break;
	case MSG_SHUTDOWN:
		pfe_proc_shutdown(pp);
	default:
		fatalx("protocol error from parent: unexpected %s",
		    msg_type_name(m->type));
	}
	return 0;
}

static int
pfe_proc_dispatch_hce(void *arg, struct channel *ch, const struct msg *m)
{
	struct pfe_proc	*pp = arg;

	if (m->type == MSG_CFG_START) {
		pfe_proc_start(pp);
		return 0;
	}
	if (!pp->started)
		fatalx("protocol error from hce: %s before start",
		    msg_type_name(m->type));
	if (pfe_dispatch(pp->pfe, PEER_HCE, m, proc_now_ms()) == -1)
		fatalx("protocol error from hce: unexpected %s",
		    msg_type_name(m->type));
	return 0;
}

static void
pfe_proc_lost(void *arg, struct channel *ch, const char *why)
{
	struct pfe_proc	*pp = arg;

	if (ch == pp->parent) {
		log_warnx("parent: %s", why != NULL ? why : "closed");
		pp->parent = NULL;
		channel_free(ch);
		pfe_proc_shutdown(pp);
	}
	if (why != NULL && strncmp(why, "protocol error", 14) == 0)
		fatalx("hce: %s", why);
	/*
	 * Also seen at every shutdown.  A real loss is the parent's to
	 * report; it stops us then.
	 */
	log_debug("hce: %s", why != NULL ? why : "closed");
	channel_free(pp->hce);
	pp->hce = NULL;
}

static void
pfe_proc_setup(struct pfe_proc *pp, const struct proc_pipes *fds,
    int control_fd)
{
	struct pfe_io	 io;

	pp->parent = channel_new(pp->base, fds->fd[PROC_PFE][PROC_PARENT],
	    "parent", 0, pfe_proc_dispatch_parent, pfe_proc_lost, pp);
	pp->hce = channel_new(pp->base, fds->fd[PROC_PFE][PROC_HCE], "hce", 0,
	    pfe_proc_dispatch_hce, pfe_proc_lost, pp);
	pp->control = control_new(pp->base, control_fd, pfe_proc_request, pp);
	if (pp->parent == NULL || pp->hce == NULL || pp->control == NULL)
		fatalx("cannot set up the event loop");
	memset(&io, 0, sizeof(io));
	io.arg = pp;
	io.table_replace = pfe_io_table_replace;
	io.rules_add = pfe_io_rules_add;
	io.rules_remove = pfe_io_rules_remove;
	io.event = pfe_io_event;
	io.send = pfe_io_send;
	io.log = log_engine;
	if ((pp->pfe = pfe_new(pp->conf, &io, proc_now_ms())) == NULL)
		fatalx("cannot create the pf engine");
}

void
pfe_proc_main(void *argp, const struct proc_pipes *fds)
{
	struct pfe_proc_args	*args = argp;
	struct pfe_proc		 pp;

	memset(&pp, 0, sizeof(pp));
	/*
	 * The parent decides when to stop: a service manager signalling
	 * the whole group must not make a child's exit look like a crash.
	 */
	signal(SIGTERM, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if ((pp.base = event_base_new()) == NULL)
		fatalx("event_base_new");
	if (args->drop != NULL && privdrop_apply(args->drop, "pfe") == -1)
		exit(1);
	privdrop_pledge("pfe", "stdio unix recvfd");
	pp.conf = args->conf;
	config_xfer_init(&pp.xfer);
	pfe_proc_setup(&pp, fds, args->control_fd);
	log_debug("started");
	event_base_dispatch(pp.base);
	fatalx("event loop ended");
}
