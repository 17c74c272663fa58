/*
 * A relay process: one of prefork, each its own libevent loop running
 * the relay engine (relay/) on listening sockets the parent opened and
 * handed over (SCM_RIGHTS), with host state from the PFE.  It runs
 * chrooted and unprivileged, and talks only through core messages: with
 * the parent (configuration, shutdown) and the PFE (host states, show
 * requests, monitors).
 */
#include <sys/resource.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <openssl/crypto.h>

#include "core/reload.h"
#include "daemon/channel.h"
#include "daemon/fdpass.h"
#include "daemon/log.h"
#include "daemon/readfile.h"
#include "daemon/relay_proc.h"
#include "relay/relay.h"

#define RELAY_FD_RESERVE	64	/* listeners, channels, logging */

struct relay_proc {
	struct event_base	*base;
	uint32_t		 index;		/* from 1 */
	char			 name[32];	/* "relay 2", in the log */
	struct config		*conf;
	struct reload_child	 reload;
	struct relay_engine	*eng;
	struct channel		*parent;
	struct channel		*pfe;
	struct channel		*key;		/* the key process */
	int			 fdsock;	/* listeners from the parent */
	struct event		*ev_fds;
};

static void
relay_proc_send(void *arg, enum hs_peer peer, const struct msg *m)
{
	struct relay_proc	*rp = arg;
	struct channel		*ch;

	ch = peer == PEER_PARENT ? rp->parent : peer == PEER_PFE ? rp->pfe :
	    peer == PEER_KEY ? rp->key : NULL;
	if (ch == NULL)
		return;		/* lost: the parent is shutting us down */
	if (channel_send(ch, m) == -1)
		fatalx("cannot send %s to %s: %zu bytes wait unread",
		    msg_type_name(m->type), channel_name(ch),
		    channel_pending(ch));
}

/* The engine's messages go to the PFE, tagged with our generation. */
static void
relay_io_send(void *arg, enum hs_peer peer, const struct msg *m)
{
	struct relay_proc	*rp = arg;
	struct msg		*copy;

	if (peer == PEER_KEY) {
		relay_proc_send(rp, peer, m);	/* no ids: no generation */
		return;
	}
	if ((copy = malloc(sizeof(*copy))) == NULL)
		fatalx("out of memory");
	memcpy(copy, m, sizeof(*copy));
	copy->gen = rp->conf->gen;
	relay_proc_send(rp, peer, copy);
	free(copy);
}

static bool
relay_io_verbose(void *arg)
{
	return log_getverbose() > 0;
}

/* A certificate or CA file, read at once; never a private key. */
static void
relay_proc_take_file(struct relay_proc *rp, const struct msg *m, int fd)
{
	uint8_t	*data;
	size_t	 len;

	if (m->u.file.kind == FILE_KEY) {
		close(fd);
		fatalx("protocol error from parent: a private key");
	}
	if (readfile_fd(fd, &data, &len) == -1) {
		log_warn("%s", m->u.file.path);
		data = NULL;
		len = 0;
	}
	close(fd);
	if (data != NULL && relay_file_add(rp->eng, &m->u.file, data,
	    len) == -1)
		log_warnx("%s: cannot be kept", m->u.file.path);
	free(data);
}

/* What the parent passed (listeners, files): all of it, before a switch. */
static void
relay_proc_take_listeners(struct relay_proc *rp)
{
	struct msg	*m;
	int		 fd, r;

	if ((m = malloc(sizeof(*m))) == NULL)
		fatalx("out of memory");
	while ((r = fdpass_recv(rp->fdsock, m, &fd)) == 1) {
		if (m->type == MSG_FILE) {
			relay_proc_take_file(rp, m, fd);
			continue;
		}
		if (m->type != MSG_RELAY_LISTENER) {
			close(fd);
			fatalx("protocol error from parent: %s with a "
			    "descriptor", msg_type_name(m->type));
		}
		if (relay_listener_add(rp->eng, &m->u.listener.addr,
		    m->u.listener.port, fd) == -1)
			fatalx("cannot take a listener");
	}
	free(m);
	if (r == -1)
		fatalx("parent: listener channel closed or broken");
}

static void
relay_proc_fds(evutil_socket_t fd, short ev, void *arg)
{
	struct relay_proc	*rp = arg;

	relay_proc_take_listeners(rp);
}

static int
relay_proc_prepare(void *arg, const struct config *conf, struct buf *why)
{
	struct relay_proc	*rp = arg;

	/* The files of this configuration came before its text. */
	relay_proc_take_listeners(rp);
	if (relay_reload_prepare(rp->eng, conf) == -1) {
		(void)buf_puts(why, relay_error(rp->eng));
		return -1;
	}
	return 0;
}

static void
relay_proc_commit(void *arg, struct config *conf)
{
	struct relay_proc	*rp = arg;
	struct config		*old = rp->conf;

	relay_proc_take_listeners(rp);
	/* What the engine says from now on is of the new generation. */
	rp->conf = conf;
	relay_reload_commit(rp->eng);
	config_free(old);
	log_debug("configuration %u running", conf->gen);
}

static void
relay_proc_abort(void *arg)
{
	struct relay_proc	*rp = arg;

	relay_proc_take_listeners(rp);
	relay_reload_abort(rp->eng);
}

static void
relay_proc_start(void *arg)
{
	struct relay_proc	*rp = arg;

	relay_proc_take_listeners(rp);
	if (relay_start(rp->eng) == -1)
		fatalx("%s", relay_error(rp->eng));
}

static void __attribute__((noreturn))
relay_proc_shutdown(struct relay_proc *rp)
{
	log_debug("shut down with %u sessions", relay_sessions(rp->eng));
	/* _exit: exit handlers (a leak checker) cannot work chrooted. */
	_exit(0);
}

static int
relay_proc_dispatch_parent(void *arg, struct channel *ch, const struct msg *m)
{
	struct relay_proc	*rp = arg;

	if (proc_reload_msg(&rp->reload, m))
		return 0;
	switch (m->type) {
	case MSG_CTL_VERBOSE:
		log_setverbose(m->u.id.id);
		break;
	case MSG_TLS_TICKETS:
		if (relay_dispatch(rp->eng, m) == -1)
			fatalx("protocol error from parent: bad ticket keys");
		break;
	case MSG_SHUTDOWN:
		relay_proc_shutdown(rp);
	default:
		fatalx("protocol error from parent: unexpected %s",
		    msg_type_name(m->type));
	}
	return 0;
}

static int
relay_proc_dispatch_pfe(void *arg, struct channel *ch, const struct msg *m)
{
	struct relay_proc	*rp = arg;

	if (m->type == MSG_CFG_START) {
		if (reload_child_dispatch(&rp->reload, PEER_PFE, m) == -1)
			fatalx("protocol error from pfe: start out of place");
		return 0;
	}
	switch (m->type) {
	case MSG_CTL_VERBOSE:
		log_setverbose(m->u.id.id);
		return 0;
	case MSG_RELAY_HOSTS:
		/* Another configuration's ids: its snapshot will follow. */
		if (m->gen != rp->conf->gen) {
			log_debug("host states of configuration %u ignored, "
			    "%u runs", m->gen, rp->conf->gen);
			return 0;
		}
		break;
	default:
		break;
	}
	if (relay_dispatch(rp->eng, m) == -1)
		fatalx("protocol error from pfe: unexpected %s",
		    msg_type_name(m->type));
	return 0;
}

/* Only answers: a key operation's result. */
static int
relay_proc_dispatch_key(void *arg, struct channel *ch, const struct msg *m)
{
	struct relay_proc	*rp = arg;

	if (m->type != MSG_KEY_RESULT || relay_dispatch(rp->eng, m) == -1)
		fatalx("protocol error from key: unexpected %s",
		    msg_type_name(m->type));
	return 0;
}

static void
relay_proc_lost(void *arg, struct channel *ch, const char *why)
{
	struct relay_proc	*rp = arg;

	if (ch == rp->parent)
		fatalx("parent: %s", why != NULL ? why : "closed");
	if (ch == rp->key) {
		/* The parent reports the loss and stops the daemon. */
		log_debug("key: %s", why != NULL ? why : "closed");
		channel_free(rp->key);
		rp->key = NULL;
		relay_key_lost(rp->eng);
		return;
	}
	if (why != NULL && strncmp(why, "protocol error", 14) == 0)
		fatalx("pfe: %s", why);
	/* Also seen at every shutdown: the parent reports a real loss. */
	log_debug("pfe: %s", why != NULL ? why : "closed");
	channel_free(rp->pfe);
	rp->pfe = NULL;
}

static void
relay_proc_reload_init(struct relay_proc *rp)
{
	struct reload_child_io	 io;

	memset(&io, 0, sizeof(io));
	io.arg = rp;
	io.send = relay_proc_send;
	io.prepare = relay_proc_prepare;
	io.commit = relay_proc_commit;
	io.abort = relay_proc_abort;
	io.start = relay_proc_start;
	io.log = log_engine;
	reload_child_init(&rp->reload, &io, rp->name, PEER_PFE, PEER_MAX,
	    rp->conf->gen);
}

/*
 * Each session holds two descriptors, and a pipe two more while it
 * splices: raise the soft limit to the hard one (as root, first the hard
 * one to what the session bound needs, when the system allows it).
 */
static void
relay_proc_nofile(const struct config *conf)
{
	struct rlimit	rl;
	rlim_t		want = (rlim_t)conf->sessions * 4 + RELAY_FD_RESERVE;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want) {
		rl.rlim_max = want;
		rl.rlim_cur = want;
		if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
			return;
		(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	rl.rlim_cur = rl.rlim_max;
	(void)setrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur <
	    (rlim_t)conf->sessions * 2 + RELAY_FD_RESERVE)
		log_info("sessions %u need %u descriptors, %llu are allowed: "
		    "accepting pauses before", conf->sessions,
		    conf->sessions * 2 + RELAY_FD_RESERVE,
		    (unsigned long long)rl.rlim_cur);
}

/* The ticket keys the process starts with (inherited, then wiped). */
static void
relay_proc_tickets(struct relay_proc *rp, struct msg_tickets *t)
{
	struct msg	*m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		fatalx("out of memory");
	m->type = MSG_TLS_TICKETS;
	m->u.tickets = *t;
	if (relay_dispatch(rp->eng, m) == -1)
		fatalx("bad ticket keys");
	OPENSSL_cleanse(m, sizeof(*m));
	OPENSSL_cleanse(t, sizeof(*t));
	free(m);
}

static void
relay_proc_setup(struct relay_proc *rp, struct relay_proc_args *args)
{
	struct relay_opts	 o;
	struct relay_io		 io;

	memset(&o, 0, sizeof(o));
	o.proc = rp->index;
	memcpy(o.secret, args->secret, HS_KEY_LEN);
	o.seed = args->seed;
	memset(&io, 0, sizeof(io));
	io.arg = rp;
	io.send = relay_io_send;
	io.log = log_engine;
	io.verbose = relay_io_verbose;
	if ((rp->eng = relay_new(rp->base, rp->conf, &o, &io)) == NULL)
		fatalx("cannot create the relay engine");
	rp->parent = channel_new(rp->base, args->parent_fd, "parent",
	    PROC_CHANNEL_MAX, relay_proc_dispatch_parent, relay_proc_lost, rp);
	rp->pfe = channel_new(rp->base, args->pfe_fd, "pfe", PROC_CHANNEL_MAX,
	    relay_proc_dispatch_pfe, relay_proc_lost, rp);
	rp->key = channel_new(rp->base, args->key_fd, "key", PROC_CHANNEL_MAX,
	    relay_proc_dispatch_key, relay_proc_lost, rp);
	relay_proc_tickets(rp, &args->tickets);
	rp->fdsock = args->fd_sock;
	rp->ev_fds = event_new(rp->base, rp->fdsock, EV_READ | EV_PERSIST,
	    relay_proc_fds, rp);
	if (rp->parent == NULL || rp->pfe == NULL || rp->key == NULL ||
	    rp->ev_fds == NULL ||
	    event_add(rp->ev_fds, NULL) == -1)
		fatalx("cannot set up the event loop");
}

void
relay_proc_main(void *argp, const struct proc_pipes *pp)
{
	struct relay_proc_args	*args = argp;
	struct relay_proc	 rp;

	memset(&rp, 0, sizeof(rp));
	signal(SIGTERM, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	rp.index = args->index;
	rp.conf = args->conf;
	(void)snprintf(rp.name, sizeof(rp.name), "relay %u", rp.index);
	log_procname(rp.name);
	if ((rp.base = event_base_new()) == NULL)
		fatalx("event_base_new");
	relay_proc_nofile(rp.conf);
	if (args->drop != NULL && privdrop_apply(args->drop, rp.name) == -1)
		exit(1);
	privdrop_pledge(rp.name, "stdio inet recvfd");
	relay_proc_reload_init(&rp);
	relay_proc_setup(&rp, args);
	log_debug("started");
	event_base_dispatch(rp.base);
	fatalx("event loop ended");
}
