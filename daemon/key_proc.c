/*
 * The key process: the only process that holds the relays' private
 * keys.  The parent starts it, opens the key files and passes their
 * descriptors; it reads them after it has chrooted and dropped its
 * privileges, and from then on signs what the relays ask, with the key
 * their certificate names, and nothing else: any other message, an
 * operation a handshake never makes, is a protocol error and stops the
 * daemon.  It is a child of the reload handshake: a reload's keys are
 * loaded (and checked against their certificates) before any process
 * switches, and the previous configuration's keys stay until the next
 * switch, for handshakes begun before it.
 */
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "core/reload.h"
#include "daemon/channel.h"
#include "daemon/fdpass.h"
#include "daemon/key_proc.h"
#include "daemon/key_store.h"
#include "daemon/log.h"

#define KEY_WHY_MAX	512

struct key_proc {
	struct event_base	*base;
	struct config		*conf;
	struct reload_child	 reload;
	struct channel		*parent;
	struct channel		*relay[HS_PREFORK_MAX];
	uint32_t		 nrelays;
	int			 fdsock;
	struct event		*ev_fds;
	struct key_files	 files;	/* received, not loaded yet */
	struct key_set		 cur, next, prev;
	bool			 loaded;	/* cur holds conf's keys */
	struct msg		*out;
};

/* The files the parent passed: all of them, before a load. */
static void
key_proc_take_files(struct key_proc *kp)
{
	struct msg	*m;
	int		 fd, r;

	if ((m = malloc(sizeof(*m))) == NULL)
		fatalx("out of memory");
	while ((r = fdpass_recv(kp->fdsock, m, &fd)) == 1) {
		if (m->type != MSG_FILE || (m->u.file.kind != FILE_CERT &&
		    m->u.file.kind != FILE_KEY)) {
			close(fd);
			fatalx("protocol error from parent: %s with a "
			    "descriptor", msg_type_name(m->type));
		}
		if (key_files_add(&kp->files, &m->u.file, fd) == -1)
			log_warn("%s", m->u.file.path);
		close(fd);
	}
	free(m);
	if (r == -1)
		fatalx("parent: file channel closed or broken");
}

static void
key_proc_fds(evutil_socket_t fd, short ev, void *arg)
{
	key_proc_take_files(arg);
}

/* The keys of the configuration held since the fork. */
static void
key_proc_load(struct key_proc *kp)
{
	char	 why[KEY_WHY_MAX];

	if (kp->loaded)
		return;
	key_proc_take_files(kp);
	if (key_set_load(&kp->cur, kp->conf, &kp->files, why,
	    sizeof(why)) == -1)
		fatalx("%s", why);
	key_files_clear(&kp->files);
	kp->loaded = true;
	log_debug("%zu keys", kp->cur.n);
}

static int
key_proc_prepare(void *arg, const struct config *conf, struct buf *why)
{
	struct key_proc	*kp = arg;
	char		 line[KEY_WHY_MAX];
	int		 rc;

	key_proc_load(kp);
	key_proc_take_files(kp);
	key_set_free(&kp->next);
	rc = key_set_load(&kp->next, conf, &kp->files, line, sizeof(line));
	key_files_clear(&kp->files);
	if (rc == -1)
		(void)buf_puts(why, line);
	return rc;
}

static void
key_proc_commit(void *arg, struct config *conf)
{
	struct key_proc	*kp = arg;

	key_set_free(&kp->prev);
	kp->prev = kp->cur;
	kp->cur = kp->next;
	memset(&kp->next, 0, sizeof(kp->next));
	config_free(kp->conf);
	kp->conf = conf;
	log_debug("configuration %u running, %zu keys", conf->gen,
	    kp->cur.n);
}

static void
key_proc_abort(void *arg)
{
	struct key_proc	*kp = arg;

	key_proc_take_files(kp);
	key_files_clear(&kp->files);
	key_set_free(&kp->next);
}

static void
key_proc_start(void *arg)
{
	key_proc_load(arg);
}

static void
key_proc_send(void *arg, enum hs_peer peer, const struct msg *m)
{
	struct key_proc	*kp = arg;

	if (peer != PEER_PARENT || kp->parent == NULL)
		return;
	if (channel_send(kp->parent, m) == -1)
		fatalx("cannot send %s to the parent",
		    msg_type_name(m->type));
}

static void __attribute__((noreturn))
key_proc_shutdown(struct key_proc *kp)
{
	key_set_free(&kp->cur);
	key_set_free(&kp->next);
	key_set_free(&kp->prev);
	key_files_clear(&kp->files);
	log_debug("shut down");
	_exit(0);
}

static int
key_proc_dispatch_parent(void *arg, struct channel *ch, const struct msg *m)
{
	struct key_proc	*kp = arg;

	if (proc_reload_msg(&kp->reload, m))
		return 0;
	switch (m->type) {
	case MSG_CTL_VERBOSE:
		log_setverbose(m->u.id.id);
		return 0;
	case MSG_SHUTDOWN:
		key_proc_shutdown(kp);
	default:
		fatalx("protocol error from parent: unexpected %s",
		    msg_type_name(m->type));
	}
}

static uint32_t
key_proc_relay(const struct key_proc *kp, const struct channel *ch)
{
	uint32_t	 i;

	for (i = 0; i < kp->nrelays; i++)
		if (kp->relay[i] == ch)
			return i + 1;
	return 0;
}

/* A relay asks: the keys running, about to run, or just replaced. */
static int
key_proc_dispatch_relay(void *arg, struct channel *ch, const struct msg *m)
{
	struct key_proc	*kp = arg;
	EVP_PKEY	*pkey;
	char		 why[KEY_WHY_MAX];

	if (m->type != MSG_KEY_OP)
		fatalx("protocol error from relay %u: unexpected %s",
		    key_proc_relay(kp, ch), msg_type_name(m->type));
	key_proc_load(kp);
	memset(kp->out, 0, offsetof(struct msg, u));
	kp->out->type = MSG_KEY_RESULT;
	if ((pkey = key_set_find(&kp->cur, m->u.key.key)) == NULL &&
	    (pkey = key_set_find(&kp->next, m->u.key.key)) == NULL)
		pkey = key_set_find(&kp->prev, m->u.key.key);
	if (pkey == NULL) {
		log_info("relay %u asked for a key this process does not "
		    "hold", key_proc_relay(kp, ch));
		memset(&kp->out->u.key, 0, offsetof(struct msg_key, data));
		kp->out->u.key.id = m->u.key.id;
		kp->out->u.key.op = m->u.key.op;
	} else if (key_sign(pkey, &m->u.key, &kp->out->u.key, why,
	    sizeof(why)) == -1)
		fatalx("protocol error from relay %u: %s",
		    key_proc_relay(kp, ch), why);
	if (channel_send(ch, kp->out) == -1)
		fatalx("relay %u: %zu bytes wait unread",
		    key_proc_relay(kp, ch), channel_pending(ch));
	return 0;
}

static void
key_proc_lost(void *arg, struct channel *ch, const char *why)
{
	struct key_proc	*kp = arg;
	uint32_t	 i;

	if (ch == kp->parent)
		fatalx("parent: %s", why != NULL ? why : "closed");
	if (why != NULL && strncmp(why, "protocol error", 14) == 0)
		fatalx("relay %u: %s", key_proc_relay(kp, ch), why);
	/* A relay going away stops the daemon: the parent says so. */
	for (i = 0; i < kp->nrelays; i++)
		if (kp->relay[i] == ch) {
			log_debug("relay %u: %s", i + 1, why != NULL ? why :
			    "closed");
			kp->relay[i] = NULL;
		}
	channel_free(ch);
}

static void
key_proc_setup(struct key_proc *kp, const struct key_proc_args *args,
    const struct proc_pipes *pp)
{
	struct reload_child_io	 io;
	uint32_t		 i;
	char			 name[32];

	memset(&io, 0, sizeof(io));
	io.arg = kp;
	io.send = key_proc_send;
	io.prepare = key_proc_prepare;
	io.commit = key_proc_commit;
	io.abort = key_proc_abort;
	io.start = key_proc_start;
	io.log = log_engine;
	reload_child_init(&kp->reload, &io, "key", PEER_PARENT, PEER_MAX,
	    kp->conf->gen);
	kp->parent = channel_new(kp->base, pp->fd[PROC_KEY][PROC_PARENT],
	    "parent", PROC_CHANNEL_MAX, key_proc_dispatch_parent,
	    key_proc_lost, kp);
	kp->nrelays = pp->nrelays;
	for (i = 0; i < pp->nrelays; i++) {
		(void)snprintf(name, sizeof(name), "relay %u", i + 1);
		kp->relay[i] = channel_new(kp->base,
		    pp->relay[i][RELAY_PIPE_KEY][0], name, PROC_CHANNEL_MAX,
		    key_proc_dispatch_relay, key_proc_lost, kp);
		if (kp->relay[i] == NULL)
			fatalx("cannot set up the event loop");
	}
	kp->fdsock = args->fd_sock;
	kp->ev_fds = event_new(kp->base, kp->fdsock, EV_READ | EV_PERSIST,
	    key_proc_fds, kp);
	if (kp->parent == NULL || kp->ev_fds == NULL ||
	    event_add(kp->ev_fds, NULL) == -1)
		fatalx("cannot set up the event loop");
}

void
key_proc_main(void *argp, const struct proc_pipes *pp)
{
	struct key_proc_args	*args = argp;
	struct key_proc		 kp;

	memset(&kp, 0, sizeof(kp));
	signal(SIGTERM, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	kp.conf = args->conf;
	if ((kp.out = calloc(1, sizeof(*kp.out))) == NULL ||
	    (kp.base = event_base_new()) == NULL)
		fatalx("out of memory");
	if (args->drop != NULL && privdrop_apply(args->drop, "key") == -1)
		exit(1);
	privdrop_pledge("key", "stdio recvfd");
	key_proc_setup(&kp, args, pp);
	log_debug("started");
	event_base_dispatch(kp.base);
	fatalx("event loop ended");
}
