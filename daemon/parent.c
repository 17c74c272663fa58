/*
 * The parent process.  It stays root: it parses the configuration
 * (resolving host names), creates the control socket, runs check
 * scripts as the unprivileged user, and applies carp demotion.  It
 * never talks to the network or to hoststatectl itself.
 */
#include <sys/random.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "backends/net/net_check.h"
#include "core/demote.h"
#include "core/parse.h"
#include "core/reload.h"
#include "daemon/channel.h"
#include "daemon/control.h"
#include "daemon/hce_proc.h"
#include "daemon/log.h"
#include "daemon/notify.h"
#include "daemon/parent.h"
#include "daemon/parent_demote.h"
#include "daemon/pfe_proc.h"
#include "daemon/privdrop.h"
#include "daemon/parent_priv.h"
#include "daemon/proc.h"
#include "daemon/resolve.h"
#include "daemon/tls_check.h"

#define PARENT_ERRORS_MAX	(256 * 1024)

static int
parent_readable(void *arg, const char *path)
{
	return access(path, R_OK);
}

/* Parse file with the daemon's -D macros and the recording resolver. */
static struct config *
parent_parse(struct parent *p, const char *file, struct resolved *r,
    struct buf *errors)
{
	struct parse_opts	 opts;

	memset(&opts, 0, sizeof(opts));
	opts.resolve = resolve_record;
	opts.resolve_arg = r;
	opts.defines = p->opts->defines;
	opts.ndefines = p->opts->ndefines;
	opts.readable = parent_readable;
	/* Certificates only: keys are for the key process to read. */
	opts.tls_files = tls_check_files;
	opts.tls_ciphers = tls_check_ciphers;
	return config_parse(file, &opts, errors, NULL);
}

/* Without root there is no layer 3: refuse what needs it. */
static int
parent_check_root(struct parent *p, const struct config *conf,
    struct buf *errors)
{
	if (p->root || conf->nservices == 0)
		return 0;
	buf_printf(errors, "service %s: layer-3 services need root\n",
	    conf->services[0].name);
	return -1;
}

static void
parent_log_lines(const char *prefix, const char *text)
{
	const char	*nl;

	while (*text != '\0') {
		nl = strchr(text, '\n');
		if (nl == NULL)
			nl = text + strlen(text);
		log_warnx("%s%.*s", prefix, (int)(nl - text), text);
		text = *nl == '\n' ? nl + 1 : nl;
	}
}

void
parent_send(struct parent *p, int id, const struct msg *m)
{
	struct channel	*ch = id < p->nchildren ? p->child[id].ch : NULL;

	if (ch == NULL)
		return;
	if (channel_send(ch, m) == -1) {
		/* Only a child that stopped reading fills its channel. */
		log_warnx("cannot send %s to %s: %zu bytes wait unread",
		    msg_type_name(m->type), p->child[id].name,
		    channel_pending(ch));
		parent_exit(p, 1);
	}
}

static void
parent_send_type(struct parent *p, int id, enum msg_type type)
{
	struct msg	 m;

	memset(&m, 0, sizeof(m));
	m.type = type;
	m.gen = p->conf->gen;
	parent_send(p, id, &m);
}

/* The relays are one child of the handshake: every relay process. */
static void
parent_reload_send(void *arg, enum hs_peer peer, const struct msg *m)
{
	struct parent	*p = arg;

	if (peer == PEER_RELAY)
		parent_relays_send(p, m);
	else
		parent_send(p, peer == PEER_HCE ? PROC_HCE : peer == PEER_KEY ?
		    PROC_KEY : PROC_PFE, m);
}

static size_t
child_room(const struct child *c)
{
	size_t	n;

	if (c->ch == NULL)
		return SIZE_MAX;	/* lost: the daemon is stopping */
	n = channel_pending(c->ch);
	return n < PROC_CHANNEL_BUSY ? PROC_CHANNEL_BUSY - n : 0;
}

/* The reload text fills a child's channel up to the busy mark. */
static size_t
parent_reload_room(void *arg, enum hs_peer peer)
{
	struct parent	*p = arg;
	size_t		 room = SIZE_MAX, r;
	int		 id;

	if (peer == PEER_HCE || peer == PEER_PFE || peer == PEER_KEY)
		return child_room(&p->child[peer == PEER_HCE ? PROC_HCE :
		    peer == PEER_KEY ? PROC_KEY : PROC_PFE]);
	for (id = PROC_RELAY; id < p->nchildren; id++)
		if ((r = child_room(&p->child[id])) < room)
			room = r;
	return room;
}

/* Every child is ready: the new configuration runs from now on. */
static void
parent_reload_commit(void *arg, struct config *conf)
{
	struct parent	*p = arg;

	if (strcmp(conf->socket, p->conf->socket) != 0 ||
	    strcmp(conf->user, p->conf->user) != 0 ||
	    strcmp(conf->chroot, p->conf->chroot) != 0 ||
	    conf->prefork != p->conf->prefork ||
	    conf->metrics.port != p->conf->metrics.port ||
	    !addr_equal(&conf->metrics.addr, &p->conf->metrics.addr))
		log_warnx("reload: socket, user, chroot, prefork and metrics "
		    "listen changes take effect at restart");
	/* Listeners no relay uses any more close; the relays' too. */
	listeners_commit(p->listeners);
	parent_demote_config(p->demote_out, conf);
	config_free(p->conf);
	p->conf = conf;
	/* The key process is started by us, not by the HCE's chain. */
	parent_send_type(p, PROC_KEY, MSG_CFG_START);
	notify_ready();
}

/* A child could not take it: the running configuration stays. */
static void
parent_reload_aborted(void *arg)
{
	struct parent	*p = arg;

	listeners_abort(p->listeners);
	notify_ready();
}

void
parent_drained(void *arg, struct channel *ch)
{
	struct parent	*p = arg;

	reload_parent_pump(&p->reload);
}

static void
parent_reload(struct parent *p, const char *file, uint32_t client)
{
	struct buf	 errors;
	struct resolved	 names;
	struct config	*conf;
	const char	*path = file != NULL && *file != '\0' ? file :
			    p->conffile;

	if (p->exiting)
		return;
	if (reload_parent_busy(&p->reload)) {
		reload_parent_refuse(&p->reload, client,
		    "reload already in progress");
		return;
	}
	log_info("reloading configuration from %s", path);
	notify_reloading();
	buf_init(&errors, PARENT_ERRORS_MAX);
	memset(&names, 0, sizeof(names));
	conf = parent_parse(p, path, &names, &errors);
	if (conf != NULL && (parent_check_root(p, conf, &errors) == -1 ||
	    listeners_prepare(p->listeners, conf, &errors) == -1)) {
		config_free(conf);
		conf = NULL;
	}
	/* Its files reach the relays and the key process before the text. */
	if (conf != NULL && parent_tls_files(p, conf, &errors) == -1) {
		listeners_abort(p->listeners);
		config_free(conf);
		conf = NULL;
	}
	if (conf == NULL) {
		if (errors.len == 0)
			buf_printf(&errors, "%s: cannot load\n", path);
		parent_log_lines("reload failed: ", buf_str(&errors));
		reload_parent_refuse(&p->reload, client, buf_str(&errors));
		notify_ready();
	} else {
		/* The new listeners reach the relays before the text. */
		parent_relays_listeners(p, true);
		if (reload_parent_begin(&p->reload, conf, &names, client) ==
		    -1)
			listeners_abort(p->listeners);
	}
	resolved_free(&names);
	buf_free(&errors);
}

/* A script request must be the configured script of that very host. */
static bool
parent_script_allowed(struct parent *p, const struct msg_script_run *run)
{
	const struct host_conf	*h;
	const struct table_conf	*t;

	if ((h = config_host(p->conf, run->host_id)) == NULL ||
	    (t = config_table(p->conf, h->table_id)) == NULL)
		return false;
	return t->check.type == CHECK_SCRIPT &&
	    strcmp(t->check.path, run->path) == 0 &&
	    strcmp(h->name, run->arg) == 0;
}

/*
 * Sent with the running generation: an answer that crosses a reload is
 * refused by the HCE, whose check was cancelled by the switch anyway.
 */
static void
parent_script_done(void *arg, const struct msg_script_done *done)
{
	struct parent	*p = arg;
	struct msg	 m;

	memset(&m, 0, sizeof(m));
	m.type = MSG_SCRIPT_DONE;
	m.gen = p->conf->gen;
	m.u.script_done = *done;
	parent_send(p, PROC_HCE, &m);
}

static void
parent_script_run(struct parent *p, const struct msg *m)
{
	const struct msg_script_run	*run = &m->u.script_run;
	struct msg_script_done		 done;

	if (m->gen != p->conf->gen) {
		/* The HCE cancels it when it switches, right after us. */
		log_debug("script for host %u of configuration %u refused: "
		    "configuration %u is running", run->host_id, m->gen,
		    p->conf->gen);
		return;
	}
	if (!parent_script_allowed(p, run)) {
		/* Stale after a reload, or a confused HCE: never run it. */
		log_debug("script %s for host %u refused: not configured",
		    run->path, run->host_id);
		memset(&done, 0, sizeof(done));
		done.host_id = run->host_id;
		done.seq = run->seq;
		done.status = -1;
		parent_script_done(p, &done);
		return;
	}
	script_runner_run(p->scripts, run);
}

static int
parent_dispatch_hce(void *arg, struct channel *ch, const struct msg *m)
{
	struct parent	*p = arg;

	switch (m->type) {
	case MSG_SCRIPT_RUN:
		parent_script_run(p, m);
		break;
	case MSG_CFG_READY:
	case MSG_CFG_FAIL:
		if (reload_parent_dispatch(&p->reload, PEER_HCE, m) == -1)
			fatalx("protocol error from hce: %s out of place",
			    msg_type_name(m->type));
		break;
	default:
		fatalx("protocol error from hce: unexpected %s",
		    msg_type_name(m->type));
	}
	return 0;
}

static int
parent_dispatch_pfe(void *arg, struct channel *ch, const struct msg *m)
{
	struct parent	*p = arg;

	switch (m->type) {
	case MSG_DEMOTE:
		if (demote_dispatch(p->demote, PEER_PFE, m) == -1)
			log_warnx("carp group %s: demote %+d refused",
			    m->u.demote.group, (int)m->u.demote.delta);
		break;
	case MSG_RELOAD:
		parent_reload(p, m->u.text.text, m->peerid);
		break;
	case MSG_CFG_READY:
	case MSG_CFG_FAIL:
		if (reload_parent_dispatch(&p->reload, PEER_PFE, m) == -1)
			fatalx("protocol error from pfe: %s out of place",
			    msg_type_name(m->type));
		break;
	case MSG_CTL_VERBOSE:
		log_setverbose(m->u.id.id);
		parent_send(p, PROC_KEY, m);
		break;
	case MSG_SHUTDOWN:
		log_info("shutting down on request");
		parent_exit(p, 0);
		break;
	default:
		fatalx("protocol error from pfe: unexpected %s",
		    msg_type_name(m->type));
	}
	return 0;
}

void
parent_status_str(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exited with status %d",
		    WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "terminated by signal %d (%s)",
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "ended with wait status %#x", status);
}

static bool
parent_children_gone(struct parent *p)
{
	int	id;

	for (id = PROC_HCE; id < p->nchildren; id++)
		if (p->child[id].pid != -1)
			return false;
	return p->metrics_pid == -1;
}

static void
parent_finish(struct parent *p)
{
	demote_shutdown(p->demote);
	parent_demote_finish(p->demote_out);
	control_unlink(p->sockpath);
	event_base_loopbreak(p->base);
}

/* A child ended: reaped here, whether expected or not. */
static void
parent_reaped(struct parent *p, int id, int status)
{
	struct child	*c = &p->child[id];
	char		 how[128];

	parent_status_str(status, how, sizeof(how));
	c->pid = -1;
	if (c->ev_kill != NULL)
		evtimer_del(c->ev_kill);
	if (c->ch != NULL) {
		channel_free(c->ch);
		c->ch = NULL;
	}
	if (c->lost || !p->exiting) {
		log_warnx("lost child: %s %s", c->name, how);
		parent_exit(p, 1);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		log_debug("%s %s", c->name, how);
	else
		log_warnx("%s %s", c->name, how);
	if (parent_children_gone(p))
		parent_finish(p);
}

static void
parent_sigchld(struct parent *p)
{
	int	 id, status;
	pid_t	 pid;

	for (id = PROC_HCE; id < p->nchildren; id++) {
		if (p->child[id].pid == -1)
			continue;
		pid = waitpid(p->child[id].pid, &status, WNOHANG);
		if (pid == p->child[id].pid)
			parent_reaped(p, id, status);
	}
	if (parent_metrics_reap(p) && parent_children_gone(p) && p->exiting)
		parent_finish(p);
}

/* A lost child that is still there after the grace period. */
void
parent_kill_lost(evutil_socket_t fd, short ev, void *arg)
{
	struct child	*c = arg;

	if (c->pid == -1)
		return;
	log_warnx("%s: closed its channel but did not exit, killing it",
	    c->name);
	kill(c->pid, SIGKILL);
}

/*
 * A child's channel closed: it is ending, or of no use any more.  The
 * daemon stops now; the child's exit status comes with SIGCHLD, and a
 * child that lingers is killed after a grace period.  Never wait here:
 * the other child and the signals are served meanwhile.
 */
void
parent_child_lost(void *arg, struct channel *ch, const char *why)
{
	struct parent	*p = arg;
	struct timeval	 tv = { PARENT_CHILD_WAIT_MS / 1000, 0 };
	struct child	*c;
	int		 id;

	for (id = PROC_HCE; id < p->nchildren; id++)
		if (p->child[id].ch == ch)
			break;
	if (id == p->nchildren)
		fatalx("channel of no child lost");
	c = &p->child[id];
	channel_free(ch);
	c->ch = NULL;
	if (why != NULL && strncmp(why, "protocol error", 14) == 0)
		log_warnx("%s: %s", c->name, why);
	if (p->exiting)
		return;		/* as told; stragglers are killed */
	log_warnx("%s: %s, stopping the daemon", c->name,
	    why != NULL ? why : "channel closed");
	c->lost = true;
	if (c->pid != -1)
		evtimer_add(c->ev_kill, &tv);
	parent_exit(p, 1);
}

static void
parent_exit_timeout(evutil_socket_t fd, short ev, void *arg)
{
	struct parent	*p = arg;
	int		 id;

	/* A lost child has a timer of its own. */
	for (id = PROC_HCE; id < p->nchildren; id++)
		if (p->child[id].pid != -1 && !p->child[id].lost) {
			log_warnx("%s did not stop, killing it",
			    p->child[id].name);
			kill(p->child[id].pid, SIGKILL);
		}
	parent_metrics_kill(p);
}

/*
 * Stop the children: the PFE removes its layer-3 state and releases
 * its demotions (which reach us before it exits); the parent finishes
 * once both are reaped.
 */
void
parent_exit(struct parent *p, int code)
{
	struct timeval	 tv = { PARENT_CHILD_WAIT_MS / 1000, 0 };
	int		 id;

	if (p->exiting) {
		if (code > p->exit_code)
			p->exit_code = code;
		return;
	}
	p->exiting = true;
	p->exit_code = code;
	notify_stopping();
	for (id = PROC_RELAY; id < p->nchildren; id++)
		parent_send_type(p, id, MSG_SHUTDOWN);
	parent_send_type(p, PROC_KEY, MSG_SHUTDOWN);
	parent_send_type(p, PROC_PFE, MSG_SHUTDOWN);
	parent_send_type(p, PROC_HCE, MSG_SHUTDOWN);
	evtimer_add(p->ev_exit_timer, &tv);
	if (parent_children_gone(p))
		parent_finish(p);
}

static void
parent_signal(evutil_socket_t sig, short ev, void *arg)
{
	struct parent	*p = arg;

	switch (sig) {
	case SIGHUP:
		parent_reload(p, NULL, 0);
		break;
	case SIGTERM:
	case SIGINT:
		if (!p->exiting)
			log_info("received %s, shutting down", strsignal(sig));
		parent_exit(p, 0);
		break;
	case SIGCHLD:
		parent_sigchld(p);
		break;
	}
}

static int
parent_load(struct parent *p)
{
	struct buf	 errors;
	struct resolved	 names;

	buf_init(&errors, PARENT_ERRORS_MAX);
	memset(&names, 0, sizeof(names));
	/* The children inherit the model: the names are not needed after. */
	p->conf = parent_parse(p, p->opts->conffile, &names, &errors);
	resolved_free(&names);
	/* Reloads happen after daemon(3) moved us to /: keep a full path. */
	if (p->conf != NULL &&
	    realpath(p->opts->conffile, p->conffile) == NULL) {
		buf_printf(&errors, "%s: %s\n", p->opts->conffile,
		    strerror(errno));
		config_free(p->conf);
		p->conf = NULL;
	}
	if (p->conf != NULL && parent_check_root(p, p->conf, &errors) == -1) {
		config_free(p->conf);
		p->conf = NULL;
	}
	if (p->conf == NULL) {
		if (errors.len == 0)
			buf_printf(&errors, "%s: cannot load\n",
			    p->opts->conffile);
		/* Printed as the parser wrote them: FILE:LINE: message. */
		fputs(buf_str(&errors), stderr);
		buf_free(&errors);
		return -1;
	}
	buf_free(&errors);
	return 0;
}

static void
parent_children_init(struct parent *p)
{
	int	id;

	for (id = 0; id < PARENT_CHILDREN; id++) {
		p->child[id].pid = -1;
		if (id < PROC_RELAY)
			(void)snprintf(p->child[id].name,
			    sizeof(p->child[id].name), "%s", proc_name(id));
		else
			(void)snprintf(p->child[id].name,
			    sizeof(p->child[id].name), "relay %d",
			    id - PROC_RELAY + 1);
	}
	p->nchildren = PROC_MAX;
	p->metrics_pid = -1;
	p->metrics_fd = -1;
}

/* The startup configuration's TLS files, to the relays and keys. */
static int
parent_start_tls(struct parent *p)
{
	struct buf	 errors;
	int		 rv;

	buf_init(&errors, PARENT_ERRORS_MAX);
	if ((rv = parent_tls_files(p, p->conf, &errors)) == -1)
		parent_log_lines("", buf_str(&errors));
	buf_free(&errors);
	return rv;
}

/*
 * The relays' listening sockets, opened as root before anything starts
 * (a port in use is a startup error), and the secret their hash keys
 * derive from.
 */
static int
parent_listen(struct parent *p)
{
	struct buf	 errors;
	int		 rv = 0;

	if (getrandom(p->secret, sizeof(p->secret), 0) !=
	    (ssize_t)sizeof(p->secret)) {
		log_warn("getrandom");
		return -1;
	}
	parent_tickets_init(p);
	if ((p->listeners = listeners_new()) == NULL) {
		log_warnx("out of memory");
		return -1;
	}
	buf_init(&errors, PARENT_ERRORS_MAX);
	if (listeners_prepare(p->listeners, p->conf, &errors) == -1) {
		fputs(buf_str(&errors), stderr);
		rv = -1;
	} else
		listeners_commit(p->listeners);
	buf_free(&errors);
	if (rv == 0)
		rv = parent_metrics_listen(p);
	return rv;
}

static int
parent_paths(struct parent *p)
{
	const char	*sock, *user, *dir;
	int		 n;

	sock = p->opts->sockpath != NULL ? p->opts->sockpath :
	    p->conf->socket[0] != '\0' ? p->conf->socket : HS_SOCKET_DEFAULT;
	n = snprintf(p->sockpath, sizeof(p->sockpath), "%s", sock);
	if (n < 0 || (size_t)n >= sizeof(p->sockpath)) {
		log_warnx("control socket path too long: %s", sock);
		return -1;
	}
	if (!p->root) {
		log_warnx("not running as root: no chroot, no privilege drop");
		return 0;
	}
	user = p->conf->user[0] != '\0' ? p->conf->user : HS_USER_DEFAULT;
	dir = p->conf->chroot[0] != '\0' ? p->conf->chroot : HS_CHROOT_DEFAULT;
	return privdrop_lookup(&p->drop, user, dir);
}

/*
 * The HCE, the PFE and the relays; none keeps the listening sockets the
 * parent opened (the relays get theirs passed), and only the PFE keeps
 * the control socket.
 */
static int
parent_fork(struct parent *p, int control_fd)
{
	static struct hce_proc_args	 hargs;
	static struct pfe_proc_args	 pargs;
	struct proc_pipes		*pp = &p->pipes;
	int				*closefds;
	int				 id, rv = -1;

	if ((closefds = listeners_closefds(p->listeners, control_fd,
	    p->metrics_fd)) == NULL ||
	    proc_pipes_open(pp, p->conf->prefork) == -1 ||
	    (p->metrics_fd != -1 && proc_pipes_metrics(pp) == -1))
		goto done;
	p->nchildren = PROC_RELAY + (int)pp->nrelays;
	hargs.conf = p->conf;
	hargs.drop = p->root ? &p->drop : NULL;
	pargs.conf = p->conf;
	pargs.drop = hargs.drop;
	pargs.control_fd = control_fd;
	p->child[PROC_HCE].pid = proc_fork(pp, PROC_HCE, 0, closefds,
	    hce_proc_main, &hargs);
	if (p->child[PROC_HCE].pid == -1)
		goto done;
	p->child[PROC_PFE].pid = proc_fork(pp, PROC_PFE, 0, closefds + 1,
	    pfe_proc_main, &pargs);
	if (p->child[PROC_PFE].pid == -1 ||
	    parent_key_fork(p, closefds) == -1 ||
	    parent_relays_fork(p, closefds) == -1 ||
	    parent_metrics_fork(p, control_fd) == -1) {
		for (id = PROC_HCE; id < p->nchildren; id++)
			if (p->child[id].pid > 0)
				kill(p->child[id].pid, SIGTERM);
		goto done;
	}
	/* The PFE owns the control socket now; we only remove its path. */
	close(control_fd);
	proc_pipes_parent(pp);
	rv = 0;
done:
	free(closefds);
	return rv;
}

static int
parent_fork_channels(struct parent *p)
{
	const int	*fd = p->pipes.fd[PROC_PARENT];
	int		 id;

	p->child[PROC_HCE].ch = channel_new(p->base, fd[PROC_HCE], "hce",
	    PROC_CHANNEL_MAX, parent_dispatch_hce, parent_child_lost, p);
	p->child[PROC_PFE].ch = channel_new(p->base, fd[PROC_PFE], "pfe",
	    PROC_CHANNEL_MAX, parent_dispatch_pfe, parent_child_lost, p);
	p->child[PROC_KEY].ch = parent_key_channel(p);
	for (id = PROC_HCE; id < PROC_MAX; id++) {
		p->child[id].ev_kill = evtimer_new(p->base, parent_kill_lost,
		    &p->child[id]);
		if (p->child[id].ch == NULL || p->child[id].ev_kill == NULL)
			return -1;
		channel_set_flow(p->child[id].ch, PROC_CHANNEL_BUSY,
		    PROC_CHANNEL_LOW, false, parent_drained);
	}
	return parent_relays_channels(p);
}

/*
 * HCE, PFE and relays get the configuration; the HCE switches first,
 * then the PFE, then the relays.
 */
static void
parent_reload_init(struct parent *p)
{
	const enum hs_peer	 children[] = { PEER_HCE, PEER_PFE, PEER_RELAY,
				    PEER_KEY };
	struct reload_parent_io	 io;

	memset(&io, 0, sizeof(io));
	io.arg = p;
	io.send = parent_reload_send;
	io.room = parent_reload_room;
	io.commit = parent_reload_commit;
	io.aborted = parent_reload_aborted;
	io.log = log_engine;
	reload_parent_init(&p->reload, &io, children, 4, PEER_HCE, PEER_PFE,
	    p->conf->gen);
}

static int
parent_events(struct parent *p)
{
	const int		 sigs[4] = { SIGHUP, SIGTERM, SIGINT, SIGCHLD };
	struct demote_io	 dio;
	int			 i;

	for (i = 0; i < 4; i++) {
		p->ev_sig[i] = evsignal_new(p->base, sigs[i], parent_signal, p);
		if (p->ev_sig[i] == NULL || evsignal_add(p->ev_sig[i],
		    NULL) == -1)
			return -1;
	}
	if ((p->ev_exit_timer = evtimer_new(p->base, parent_exit_timeout,
	    p)) == NULL || parent_tickets_timer(p) == -1)
		return -1;
	p->scripts = script_runner_new(p->base,
	    p->root ? p->drop.uid : (uid_t)-1,
	    p->root ? p->drop.gid : (gid_t)-1, parent_script_done, p);
	if ((p->demote_out = parent_demote_new(p->base, p->conf)) == NULL)
		return -1;
	memset(&dio, 0, sizeof(dio));
	parent_demote_io(p->demote_out, &dio);
	dio.log = log_engine;
	p->demote = demote_new(&dio);
	if (p->scripts == NULL || p->demote == NULL)
		return -1;
	/* hoststated's global group: 0 while running, 128 at exit. */
	if (p->conf->demote[0] != '\0' &&
	    demote_global(p->demote, p->conf->demote) == -1)
		log_warnx("demote %s: cannot reset the global group",
		    p->conf->demote);
	return 0;
}

static void
parent_free(struct parent *p)
{
	int	 i;

	for (i = 0; i < 4; i++)
		if (p->ev_sig[i] != NULL)
			event_free(p->ev_sig[i]);
	if (p->ev_exit_timer != NULL)
		event_free(p->ev_exit_timer);
	if (p->ev_tickets != NULL)
		event_free(p->ev_tickets);
	for (i = PROC_HCE; i < p->nchildren; i++) {
		channel_free(p->child[i].ch);
		if (p->child[i].ev_kill != NULL)
			event_free(p->child[i].ev_kill);
	}
	listeners_free(p->listeners);
	script_runner_free(p->scripts);
	demote_free(p->demote);
	reload_parent_free(&p->reload);
	parent_demote_free(p->demote_out);
	config_free(p->conf);
	event_base_free(p->base);
}

int
parent_main(const struct parent_opts *opts)
{
	struct parent	 p;
	int		 fd;

	memset(&p, 0, sizeof(p));
	p.opts = opts;
	p.root = geteuid() == 0;
	parent_children_init(&p);
	log_init(1, opts->verbose);	/* stderr until detached */
	if (parent_load(&p) == -1 || parent_paths(&p) == -1 ||
	    parent_listen(&p) == -1)
		return 1;
	p.conf->gen = 1;	/* inherited by the children */
	if ((fd = control_listen(p.sockpath, p.root ? 0 : (gid_t)-1)) == -1)
		return 1;
	if (!opts->foreground) {
		log_check_syslog();
		if (daemon(0, 0) == -1) {
			log_warn("daemon");
			control_unlink(p.sockpath);
			return 1;
		}
		log_init(0, opts->verbose);
	}
	signal(SIGPIPE, SIG_IGN);
	/* Children set their own; the parent's come through libevent. */
	if (parent_fork(&p, fd) == -1) {
		control_unlink(p.sockpath);
		return 1;
	}
	if ((p.base = event_base_new()) == NULL)
		fatalx("event_base_new");
	if (parent_fork_channels(&p) == -1 || parent_events(&p) == -1)
		fatalx("cannot set up the event loop");
	parent_relays_listeners(&p, false);
	if (parent_start_tls(&p) == -1)
		parent_exit(&p, 1);
	log_info("startup: %zu hosts, %zu tables, %zu services, socket %s",
	    p.conf->nhosts, p.conf->ntables, p.conf->nservices, p.sockpath);
	parent_reload_init(&p);
	reload_parent_start(&p.reload);
	parent_send_type(&p, PROC_KEY, MSG_CFG_START);
	/* The control socket listens: clients queue until the PFE serves. */
	notify_ready();
	event_base_dispatch(p.base);
	parent_free(&p);
	return p.exit_code;
}
