/*
 * The PFE process: host, table and service state from the HCE's
 * results, the layer-3 operations that follow, and the control socket
 * that hoststatectl talks to.  It runs chrooted and unprivileged; it is
 * the only process that touches the packet filter: on Linux it keeps
 * CAP_NET_ADMIN (and nothing else) for nftables' netlink messages, on
 * OpenBSD it opens /dev/pf before dropping privileges.
 */
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "core/pfe.h"
#include "core/reload.h"
#if defined(HS_HAVE_NFT)
#include <linux/capability.h>

#include "backends/nft/nft.h"
#elif defined(HS_HAVE_PF)
#include "backends/pf/pf_backend.h"
#endif
#include "daemon/channel.h"
#include "daemon/control.h"
#include "daemon/log.h"
#include "daemon/pfe_proc.h"
#include "daemon/pfe_proc_priv.h"

#define PFE_LOG_VERBOSE	2	/* "log verbose": debug lines of every process */
#define PFE_VERIFY_SEC	2	/* how often our rules are looked for */

#if defined(HS_HAVE_NFT)
/* nfnetlink checks the process that sends. */
#define PFE_CAPS	(1ULL << CAP_NET_ADMIN)
#define PFE_PLEDGE	"stdio unix recvfd"
#elif defined(HS_HAVE_PF)
#define PFE_CAPS	0
#define PFE_PLEDGE	"stdio unix recvfd pf"
#else
#define PFE_CAPS	0
#define PFE_PLEDGE	"stdio unix recvfd"
#endif

void
pfe_proc_send(struct pfe_proc *pp, struct channel *ch, const struct msg *m)
{
	if (ch == NULL)
		return;		/* lost: the parent is shutting us down */
	if (channel_send(ch, m) == -1)
		fatalx("cannot send %s to %s: %zu bytes wait unread",
		    msg_type_name(m->type), channel_name(ch),
		    channel_pending(ch));
}

static void
pfe_io_send(void *arg, enum hs_peer peer, const struct msg *m)
{
	struct pfe_proc	*pp = arg;

	if (peer == PEER_HCE)
		pfe_proc_send(pp, pp->hce, m);
	else if (peer == PEER_PARENT)
		pfe_proc_send(pp, pp->parent, m);
	else if (peer == PEER_RELAY)
		pfe_relays_send(pp, m);
}

/* No packet filter in this build, or not root: layer 3 is refused. */
static int
pfe_io_refuse(void *arg, struct buf *err)
{
	(void)buf_puts(err, "no packet filter (built without one, or not "
	    "running as root)");
	return -1;
}

static int
pfe_io_refuse_table(void *arg, const struct service_conf *s,
    const struct l3_table *lt, struct buf *err)
{
	return pfe_io_refuse(arg, err);
}

static int
pfe_io_refuse_add(void *arg, const struct service_conf *s,
    const struct table_conf *t, struct buf *err)
{
	return pfe_io_refuse(arg, err);
}

static int
pfe_io_refuse_remove(void *arg, const struct service_conf *s,
    struct buf *err)
{
	return pfe_io_refuse(arg, err);
}

/* Open the packet filter while still root. */
static void
pfe_proc_l3_open(struct pfe_proc *pp)
{
	struct buf	err;

	if (geteuid() != 0)
		return;
	buf_init(&err, 1024);
#if defined(HS_HAVE_NFT)
	if ((pp->nft = nft_backend_new(&err)) == NULL)
		fatalx("nftables: %s", buf_str(&err));
#elif defined(HS_HAVE_PF)
	if ((pp->pf = pf_backend_open(&err)) == NULL)
		fatalx("pf: %s", buf_str(&err));
#endif
	buf_free(&err);
}

static void
pfe_proc_l3_io(struct pfe_proc *pp, struct pfe_io *io)
{
#if defined(HS_HAVE_NFT)
	if (pp->nft != NULL) {
		nft_backend_io(pp->nft, io);
		return;
	}
#elif defined(HS_HAVE_PF)
	if (pp->pf != NULL) {
		pf_backend_io(pp->pf, io);
		return;
	}
#endif
	io->l3_arg = pp;
	io->l3_init = pfe_io_refuse;
	io->l3_flush = NULL;	/* nothing of ours to remove */
	io->rules_add = pfe_io_refuse_add;
	io->rules_remove = pfe_io_refuse_remove;
	io->table_replace = pfe_io_refuse_table;
}

/* After every entry point of the engine: when it wants to run next. */
static void
pfe_proc_schedule(struct pfe_proc *pp)
{
	uint64_t	 d = pfe_next_deadline(pp->pfe), now;
	struct timeval	 tv;

	if (d == HS_TIME_NEVER) {
		evtimer_del(pp->ev_retry);
		return;
	}
	now = proc_now_ms();
	d = d > now ? d - now : 0;
	tv.tv_sec = (time_t)(d / 1000);
	tv.tv_usec = (suseconds_t)(d % 1000) * 1000;
	evtimer_add(pp->ev_retry, &tv);
}

static void
pfe_proc_retry(evutil_socket_t fd, short ev, void *arg)
{
	struct pfe_proc	*pp = arg;

	pfe_run(pp->pfe, proc_now_ms());
	pfe_proc_schedule(pp);
}

/* Rules someone else removed are put back (pfe_verify). */
static void
pfe_proc_verify(evutil_socket_t fd, short ev, void *arg)
{
	struct pfe_proc	*pp = arg;

	pfe_verify(pp->pfe, proc_now_ms());
	pfe_proc_schedule(pp);
}

static void
pfe_io_event(void *arg, const struct ctl_event *ev)
{
	struct pfe_proc	*pp = arg;

	control_event(pp->control, ev, pfe_gen(pp->pfe));
}

void
pfe_proc_answer(struct pfe_proc *pp, uint32_t client, enum msg_type type)
{
	struct msg	 m;

	memset(&m, 0, offsetof(struct msg, u));
	m.type = type;
	m.peerid = client;
	m.gen = pfe_gen(pp->pfe);
	control_send(pp->control, client, &m);
}

/* The engine's answer to a command; client 0 (SIGHUP) has no socket. */
static void
pfe_io_reply(void *arg, uint32_t client, bool ok, const char *text)
{
	struct pfe_proc	*pp = arg;

	if (client == 0)
		return;
	if (ok)
		pfe_proc_answer(pp, client, MSG_CTL_OK);
	else
		control_fail(pp->control, client, *text != '\0' ? text :
		    "command failed");
}

/* A command refused before it ran; monitors see the attempt. */
static void
pfe_proc_refuse(struct pfe_proc *pp, uint32_t client,
    const struct ctl_request *req, const char *why)
{
	if (ctl_action_modifies(req->action))
		pfe_command_event(pp->pfe, req, why, proc_now_ms());
	control_fail(pp->control, client, why);
}

static void
pfe_proc_show(struct pfe_proc *pp, uint32_t client, enum ctl_action action)
{
	struct ctl_row	*rows = NULL;
	struct msg	 m;
	int		 i, n = 0;

	/* The relay processes count sessions: they answer too. */
	if (action == CTL_SHOW_RELAYS || action == CTL_SHOW_SESSIONS ||
	    action == CTL_SHOW_METRICS) {
		pfe_relays_show(pp, client, action);
		return;
	}
	/* What it says of a service's rules holds now. */
	if (action == CTL_SHOW_SUMMARY || action == CTL_SHOW_SERVICES)
		pfe_proc_verify(-1, 0, pp);
	if ((n = pfe_rows(pp->pfe, action, proc_now_ms(), &rows)) == -1) {
		control_fail(pp->control, client, "out of memory");
		return;
	}
	memset(&m, 0, offsetof(struct msg, u) + sizeof(m.u.ctl_row));
	m.type = MSG_CTL_ROW;
	m.peerid = client;
	m.gen = pfe_gen(pp->pfe);
	for (i = 0; i < n; i++) {
		m.u.ctl_row = rows[i];
		if (control_send(pp->control, client, &m) == -1)
			break;		/* the client was dropped */
	}
	free(rows);
	if (i == n)
		pfe_proc_answer(pp, client, MSG_CTL_END);
}

uint64_t
pfe_proc_wall_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
pfe_proc_verbose(struct pfe_proc *pp, uint32_t client,
    const struct ctl_request *req)
{
	struct msg	 m;
	int		 level = req->action == CTL_LOG_VERBOSE ?
			    PFE_LOG_VERBOSE : 0;

	log_setverbose(level);
	memset(&m, 0, sizeof(m));
	m.type = MSG_CTL_VERBOSE;
	m.gen = pfe_gen(pp->pfe);
	m.u.id.id = level;
	pfe_proc_send(pp, pp->parent, &m);
	pfe_proc_send(pp, pp->hce, &m);
	pfe_relays_send(pp, &m);
	pfe_command_event(pp->pfe, req, NULL, proc_now_ms());
	pfe_proc_answer(pp, client, MSG_CTL_OK);
}

/* To the parent; 0, or -1 when refused (the client was told). */
static int
pfe_proc_forward(struct pfe_proc *pp, uint32_t client,
    const struct ctl_request *req, enum msg_type type)
{
	struct msg	 m;
	int		 n;

	if (channel_busy(pp->parent)) {
		pfe_proc_refuse(pp, client, req, "the parent is busy, try "
		    "again");
		return -1;
	}
	memset(&m, 0, sizeof(m));
	m.type = type;
	m.peerid = client;
	m.gen = pfe_gen(pp->pfe);
	n = snprintf(m.u.text.text, sizeof(m.u.text.text), "%s", req->target);
	if (n < 0 || (size_t)n >= sizeof(m.u.text.text)) {
		pfe_proc_refuse(pp, client, req, "argument too long");
		return -1;
	}
	m.u.text.len = n;
	pfe_proc_send(pp, pp->parent, &m);
	return 0;
}

/* Answered by the engine once the HCE has applied it too. */
static void
pfe_proc_command(struct pfe_proc *pp, uint32_t client,
    const struct ctl_request *req)
{
	struct buf	 err;

	if (reload_child_pending(&pp->reload)) {
		/* Ids are about to change: a command now could hit another. */
		pfe_proc_refuse(pp, client, req,
		    "reload in progress, try again");
		return;
	}
	if (channel_busy(pp->hce)) {
		pfe_proc_refuse(pp, client, req,
		    "the check engine is busy, try again");
		return;
	}
	buf_init(&err, 1024);
	if (pfe_command(pp->pfe, req, client, &err, proc_now_ms()) == -1)
		control_fail(pp->control, client, err.len > 0 ?
		    buf_str(&err) : "command failed");
	buf_free(&err);
	pfe_proc_schedule(pp);
}

static void
pfe_proc_request(void *arg, uint32_t client, bool may_modify, uint32_t gen,
    const struct ctl_request *req)
{
	struct pfe_proc	*pp = arg;
	char		 why[128];

	if (gen != 0 && gen != pfe_gen(pp->pfe)) {
		(void)snprintf(why, sizeof(why), "configuration %u is running, "
		    "not %u", pfe_gen(pp->pfe), gen);
		pfe_proc_refuse(pp, client, req, why);
		return;
	}
	if (ctl_action_modifies(req->action) && !may_modify) {
		pfe_proc_refuse(pp, client, req, "permission denied");
		return;
	}
	if (ctl_action_shows(req->action)) {
		pfe_proc_show(pp, client, req->action);
		return;
	}
	switch (req->action) {
	case CTL_MONITOR:
		control_monitor(pp->control, client);
		pfe_relays_monitor(pp, true);
		break;
	case CTL_RELOAD:
		(void)pfe_proc_forward(pp, client, req, MSG_RELOAD);
		break;
	case CTL_STOP:
		if (pfe_proc_forward(pp, client, req, MSG_SHUTDOWN) == -1)
			break;
		log_info("stop requested by control client %u", client);
		pfe_command_event(pp->pfe, req, NULL, proc_now_ms());
		pfe_proc_answer(pp, client, MSG_CTL_OK);
		break;
	case CTL_LOG_BRIEF:
	case CTL_LOG_VERBOSE:
		pfe_proc_verbose(pp, client, req);
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

static int
pfe_proc_prepare(void *arg, const struct config *conf, struct buf *why)
{
	struct pfe_proc	*pp = arg;

	if (pfe_reload_prepare(pp->pfe, conf) == -1) {
		(void)buf_puts(why, "out of memory");
		return -1;
	}
	return 0;
}

static void
pfe_proc_abort(void *arg)
{
	struct pfe_proc	*pp = arg;

	pfe_reload_abort(pp->pfe);
}

/* The HCE switched and told us: every status from now has new ids. */
static void
pfe_proc_commit(void *arg, struct config *conf)
{
	struct pfe_proc	*pp = arg;

	pfe_reload_commit(pp->pfe, proc_now_ms());
	pfe_proc_schedule(pp);
	config_free(pp->conf);
	pp->conf = conf;
	log_debug("configuration %u running", conf->gen);
}

static void
pfe_proc_start(void *arg)
{
	struct pfe_proc	*pp = arg;

	pfe_start(pp->pfe, proc_now_ms());
	pfe_proc_schedule(pp);
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

	if (proc_reload_msg(&pp->reload, m))
		return 0;
	switch (m->type) {
	case MSG_RELOAD_RESULT:
		(void)pfe_dispatch(pp->pfe, PEER_PARENT, m, proc_now_ms());
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
		if (reload_child_dispatch(&pp->reload, PEER_HCE, m) == -1)
			fatalx("protocol error from hce: start out of place");
		return 0;
	}
	/* A command's answer may come before the first start; no status. */
	if (!pp->reload.started && m->type == MSG_HOST_STATUS)
		fatalx("protocol error from hce: %s before start",
		    msg_type_name(m->type));
	if (pfe_dispatch(pp->pfe, PEER_HCE, m, proc_now_ms()) == -1)
		fatalx("protocol error from hce: unexpected %s",
		    msg_type_name(m->type));
	pfe_proc_schedule(pp);
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

/* The HCE starts us, before a reload and at startup. */
static void
pfe_proc_reload_init(struct pfe_proc *pp)
{
	struct reload_child_io	 io;

	memset(&io, 0, sizeof(io));
	io.arg = pp;
	io.send = pfe_io_send;
	io.prepare = pfe_proc_prepare;
	io.commit = pfe_proc_commit;
	io.abort = pfe_proc_abort;
	io.start = pfe_proc_start;
	io.log = log_engine;
	/* ... and we start the relays once we run. */
	reload_child_init(&pp->reload, &io, "pfe", PEER_HCE, PEER_RELAY,
	    pp->conf->gen);
}

static void
pfe_proc_setup(struct pfe_proc *pp, const struct proc_pipes *fds,
    int control_fd)
{
	struct timeval	 verify = { PFE_VERIFY_SEC, 0 };
	struct pfe_io	 io;

	pp->parent = channel_new(pp->base, fds->fd[PROC_PFE][PROC_PARENT],
	    "parent", PROC_CHANNEL_MAX, pfe_proc_dispatch_parent,
	    pfe_proc_lost, pp);
	pp->hce = channel_new(pp->base, fds->fd[PROC_PFE][PROC_HCE], "hce",
	    PROC_CHANNEL_MAX, pfe_proc_dispatch_hce, pfe_proc_lost, pp);
	pp->control = control_new(pp->base, control_fd, pfe_proc_request, pp);
	pp->ev_retry = evtimer_new(pp->base, pfe_proc_retry, pp);
	pp->ev_verify = event_new(pp->base, -1, EV_PERSIST, pfe_proc_verify,
	    pp);
	if (pp->parent == NULL || pp->hce == NULL || pp->control == NULL ||
	    pp->ev_retry == NULL || pp->ev_verify == NULL ||
	    evtimer_add(pp->ev_verify, &verify) == -1)
		fatalx("cannot set up the event loop");
	if (fds->metrics[0] != -1 &&
	    control_attach(pp->control, fds->metrics[0]) == -1)
		fatalx("cannot serve the metrics process");
	channel_set_flow(pp->parent, PROC_CHANNEL_BUSY, PROC_CHANNEL_LOW, false,
	    NULL);
	channel_set_flow(pp->hce, PROC_CHANNEL_BUSY, PROC_CHANNEL_LOW, false,
	    NULL);
	memset(&io, 0, sizeof(io));
	io.arg = pp;
	pfe_proc_l3_io(pp, &io);
	io.event = pfe_io_event;
	io.reply = pfe_io_reply;
	io.send = pfe_io_send;
	io.log = log_engine;
	if ((pp->pfe = pfe_new(pp->conf, &io, proc_now_ms())) == NULL)
		fatalx("cannot create the pf engine");
	pfe_relays_setup(pp, fds);
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
	pfe_proc_l3_open(&pp);
	if (args->drop != NULL &&
	    privdrop_apply_keep(args->drop, "pfe", PFE_CAPS) == -1)
		exit(1);
	privdrop_pledge("pfe", PFE_PLEDGE);
	pp.conf = args->conf;
	pp.start_wall_ms = pfe_proc_wall_ms();
	pfe_proc_reload_init(&pp);
	pfe_proc_setup(&pp, fds, args->control_fd);
	log_debug("started");
	event_base_dispatch(pp.base);
	fatalx("event loop ended");
}
