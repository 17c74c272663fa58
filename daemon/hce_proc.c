/*
 * The HCE process.  It opens its ICMP sockets while still privileged,
 * then chroots and drops to the unprivileged user, and from then on
 * only checks hosts: results go to the PFE, scripts to the parent.
 */
#include <sys/resource.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "backends/net/net_check.h"
#include "core/hce.h"
#include "core/reload.h"
#include "daemon/channel.h"
#include "daemon/hce_proc.h"
#include "daemon/log.h"

/*
 * Wake up on a grid of this many ms: the checks due within a tick start
 * together, one wakeup for many instead of one each.
 */
#define HCE_TICK_MS	10

struct hce_proc {
	struct event_base	*base;
	struct config		*conf;
	struct reload_child	 reload;
	struct hce		*hce;
	struct net_checker	*checker;
	struct channel		*parent;
	struct channel		*pfe;
	struct event		*timer;
	uint64_t		 timer_at;	/* when it fires, or never */
	bool			 held;		/* a peer is behind */
};

static void
hce_proc_schedule(struct hce_proc *hp)
{
	uint64_t	 now, next;
	struct timeval	 tv;

	if (!hp->reload.started || hp->pfe == NULL)
		return;
	next = hce_next_deadline(hp->hce);
	if (next == HS_TIME_NEVER) {
		evtimer_del(hp->timer);
		hp->timer_at = HS_TIME_NEVER;
		return;
	}
	next = (next + HCE_TICK_MS - 1) / HCE_TICK_MS * HCE_TICK_MS;
	/* Most results leave the next tick where it was. */
	if (next == hp->timer_at)
		return;
	hp->timer_at = next;
	now = proc_now_ms();
	next = next > now ? next - now : 0;
	tv.tv_sec = next / 1000;
	tv.tv_usec = (next % 1000) * 1000;
	evtimer_add(hp->timer, &tv);
}

static void
hce_proc_timer(evutil_socket_t fd, short ev, void *arg)
{
	struct hce_proc	*hp = arg;

	hp->timer_at = HS_TIME_NEVER;
	hce_run(hp->hce, proc_now_ms());
	hce_proc_schedule(hp);
}

static void
hce_proc_result(void *arg, const struct check_result *res)
{
	struct hce_proc	*hp = arg;

	hce_check_done(hp->hce, res, proc_now_ms());
	hce_proc_schedule(hp);
}

static void
hce_io_check_start(void *arg, const struct check_request *req)
{
	struct hce_proc	*hp = arg;

	net_check_start(hp->checker, req);
}

static void
hce_io_check_cancel(void *arg, uint32_t host_id, uint64_t seq)
{
	struct hce_proc	*hp = arg;

	net_check_cancel(hp->checker, host_id, seq);
}

/*
 * No check starts while the PFE or the parent leaves what we sent them
 * unread: what waits for them stays bounded by the checks in flight.
 */
static void
hce_proc_hold(struct hce_proc *hp)
{
	bool	busy = (hp->pfe != NULL && channel_busy(hp->pfe)) ||
		    (hp->parent != NULL && channel_busy(hp->parent));

	if (busy == hp->held)
		return;
	hp->held = busy;
	hce_hold(hp->hce, busy);
	log_debug("%s checks: a peer %s", busy ? "holding" : "resuming",
	    busy ? "is behind" : "caught up");
	if (!busy) {
		hce_run(hp->hce, proc_now_ms());
		hce_proc_schedule(hp);
	}
}

static void
hce_proc_drained(void *arg, struct channel *ch)
{
	hce_proc_hold(arg);
}

static void
hce_io_send(void *arg, enum hs_peer peer, const struct msg *m)
{
	struct hce_proc	*hp = arg;
	struct channel	*ch;

	switch (peer) {
	case PEER_PFE:
		ch = hp->pfe;
		break;
	case PEER_PARENT:
		ch = hp->parent;
		break;
	default:
		return;		/* no relay processes in this version */
	}
	if (ch == NULL)
		return;		/* lost: the parent is shutting us down */
	if (channel_send(ch, m) == -1)
		fatalx("cannot send %s to %s: %zu bytes wait unread",
		    msg_type_name(m->type), channel_name(ch),
		    channel_pending(ch));
	if (!hp->held && channel_busy(ch))
		hce_proc_hold(hp);
}

/*
 * Each check in flight holds a descriptor: raise the soft limit to the
 * hard one and keep the in-flight bound under it, so a large table gets
 * checks that wait their turn instead of "tcp socket limit" failures.
 */
static uint32_t
hce_proc_inflight_bound(void)
{
	struct rlimit	rl;
	rlim_t		room;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return HCE_INFLIGHT_DEFAULT / 4;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	room = rl.rlim_cur > 256 ? rl.rlim_cur - 128 : rl.rlim_cur / 2;
	return room < HCE_INFLIGHT_DEFAULT ? (uint32_t)room :
	    HCE_INFLIGHT_DEFAULT;
}

static void
hce_proc_script(void *arg, const struct msg_script_run *run)
{
	struct hce_proc	*hp = arg;
	struct msg	 m;

	memset(&m, 0, sizeof(m));
	m.type = MSG_SCRIPT_RUN;
	m.gen = hp->conf->gen;
	m.u.script_run = *run;
	hce_io_send(hp, PEER_PARENT, &m);
}

static int
hce_proc_prepare(void *arg, const struct config *conf, struct buf *why)
{
	struct hce_proc	*hp = arg;

	if (hce_reload_prepare(hp->hce, conf) == -1) {
		(void)buf_puts(why, "out of memory");
		return -1;
	}
	return 0;
}

static void
hce_proc_abort(void *arg)
{
	struct hce_proc	*hp = arg;

	hce_reload_abort(hp->hce);
}

/* Cancels the checks in flight before the old model goes. */
static void
hce_proc_commit(void *arg, struct config *conf)
{
	struct hce_proc	*hp = arg;
	uint64_t	 now = proc_now_ms();

	hce_reload_commit(hp->hce, now);
	config_free(hp->conf);
	hp->conf = conf;
	log_debug("configuration %u running", conf->gen);
	hce_run(hp->hce, now);
	hce_proc_schedule(hp);
}

/* Results that change nothing are only formatted when they are logged. */
static void
hce_proc_verbose(struct hce_proc *hp, int level)
{
	log_setverbose(level);
	hce_log_level(hp->hce, level > 0 ? 1 : 0);
}

static void
hce_proc_start(void *arg)
{
	struct hce_proc	*hp = arg;

	hce_run(hp->hce, proc_now_ms());
	hce_proc_schedule(hp);
}

static int
hce_proc_dispatch_parent(void *arg, struct channel *ch, const struct msg *m)
{
	struct hce_proc	*hp = arg;

	if (proc_reload_msg(&hp->reload, m))
		return 0;
	switch (m->type) {
	case MSG_SCRIPT_DONE:
		/* A stale answer for a cancelled check is harmless. */
		if (hce_gen_current(hp->hce, m))
			net_checker_script_done(hp->checker,
			    &m->u.script_done);
		break;
	case MSG_CTL_VERBOSE:
		hce_proc_verbose(hp, (int)m->u.id.id);
		break;
	case MSG_SHUTDOWN:
		/* _exit: exit handlers (a leak checker) cannot work chrooted. */
		_exit(0);
	default:
		fatalx("protocol error from parent: unexpected %s",
		    msg_type_name(m->type));
	}
	return 0;
}

static int
hce_proc_dispatch_pfe(void *arg, struct channel *ch, const struct msg *m)
{
	struct hce_proc	*hp = arg;

	if (m->type == MSG_CTL_VERBOSE) {
		hce_proc_verbose(hp, (int)m->u.id.id);
		return 0;
	}
	/*
	 * An operator command may overtake the parent's first start on
	 * the other channel: the engine exists already and takes it.
	 */
	if (hce_dispatch(hp->hce, PEER_PFE, m, proc_now_ms()) == -1)
		fatalx("protocol error from pfe: unexpected %s for id %u",
		    msg_type_name(m->type), m->u.id.id);
	hce_proc_schedule(hp);
	return 0;
}

static void
hce_proc_lost(void *arg, struct channel *ch, const char *why)
{
	struct hce_proc	*hp = arg;

	if (ch == hp->parent)
		/* Without the parent there is nobody to report to. */
		fatalx("parent: %s", why != NULL ? why : "closed");
	if (why != NULL && strncmp(why, "protocol error", 14) == 0)
		fatalx("pfe: %s", why);
	/*
	 * Also seen at every shutdown.  A real loss is the parent's to
	 * report; it stops us then.
	 */
	log_debug("pfe: %s", why != NULL ? why : "closed");
	channel_free(hp->pfe);
	hp->pfe = NULL;
	evtimer_del(hp->timer);
	hp->timer_at = HS_TIME_NEVER;
}

/* The parent starts us; we start the PFE once we run. */
static void
hce_proc_reload_init(struct hce_proc *hp)
{
	struct reload_child_io	 io;

	memset(&io, 0, sizeof(io));
	io.arg = hp;
	io.send = hce_io_send;
	io.prepare = hce_proc_prepare;
	io.commit = hce_proc_commit;
	io.abort = hce_proc_abort;
	io.start = hce_proc_start;
	io.log = log_engine;
	reload_child_init(&hp->reload, &io, "hce", PEER_PARENT, PEER_PFE,
	    hp->conf->gen);
}

static int
hce_proc_icmp_open(struct net_checker_opts *o)
{
	/* Raw sockets need root: open them before dropping it. */
	o->icmp4_fd = icmp_socket_open(HS_AF_INET, false);
	o->icmp6_fd = icmp_socket_open(HS_AF_INET6, false);
	if (o->icmp4_fd == -1 && o->icmp6_fd == -1)
		log_debug("no ICMP socket: icmp checks will fail");
	return 0;
}

void
hce_proc_main(void *argp, const struct proc_pipes *pp)
{
	struct hce_proc_args	*args = argp;
	struct net_checker_opts	 o;
	struct hce_proc		 hp;
	struct hce_io		 io;

	memset(&hp, 0, sizeof(hp));
	hp.timer_at = HS_TIME_NEVER;
	/*
	 * The parent decides when to stop: a service manager signalling
	 * the whole group must not make a child's exit look like a crash.
	 */
	signal(SIGTERM, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if ((hp.base = event_base_new()) == NULL)
		fatalx("event_base_new");
	net_checker_opts_init(&o);
	hce_proc_icmp_open(&o);
	o.result = hce_proc_result;
	o.result_arg = &hp;
	o.script_forward = hce_proc_script;
	o.script_arg = &hp;
	o.log = log_engine;
	o.log_arg = &hp;
	if ((hp.checker = net_checker_new(hp.base, &o)) == NULL)
		fatalx("cannot create the check engine");
	if (args->drop != NULL && privdrop_apply(args->drop, "hce") == -1)
		exit(1);
	privdrop_pledge("hce", "stdio inet dns");
	hp.conf = args->conf;
	hce_proc_reload_init(&hp);
	hp.parent = channel_new(hp.base, pp->fd[PROC_HCE][PROC_PARENT],
	    "parent", PROC_CHANNEL_MAX, hce_proc_dispatch_parent,
	    hce_proc_lost, &hp);
	hp.pfe = channel_new(hp.base, pp->fd[PROC_HCE][PROC_PFE], "pfe",
	    PROC_CHANNEL_MAX, hce_proc_dispatch_pfe, hce_proc_lost, &hp);
	hp.timer = evtimer_new(hp.base, hce_proc_timer, &hp);
	if (hp.parent == NULL || hp.pfe == NULL || hp.timer == NULL)
		fatalx("cannot set up the event loop");
	channel_set_flow(hp.parent, PROC_CHANNEL_BUSY, PROC_CHANNEL_LOW, false,
	    hce_proc_drained);
	channel_set_flow(hp.pfe, PROC_CHANNEL_BUSY, PROC_CHANNEL_LOW, false,
	    hce_proc_drained);
	memset(&io, 0, sizeof(io));
	io.arg = &hp;
	io.check_start = hce_io_check_start;
	io.check_cancel = hce_io_check_cancel;
	io.send = hce_io_send;
	io.log = log_engine;
	hp.hce = hce_new(hp.conf, &io, hce_proc_inflight_bound(),
	    proc_now_ms());
	if (hp.hce == NULL)
		fatalx("cannot create the host check engine");
	hce_proc_verbose(&hp, log_getverbose());
	log_debug("started");
	event_base_dispatch(hp.base);
	fatalx("event loop ended");
}
