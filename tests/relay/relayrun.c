/*
 * One relay engine on its own, for the engine's tests: it opens the
 * listeners of a configuration as the parent would, and takes host
 * states from commands on stdin, encoded and decoded as the PFE's
 * MSG_RELAY_HOSTS.  What the engine sends the PFE is printed.
 *
 *   relayrun [-v] [-p PROC] [-f N [-R]] CONFIG
 * -f N runs N engines in N processes (the first reads the commands) on
 * listeners shared as the daemon shares them, or with -R one of their
 * own each (SO_REUSEPORT): the benchmark of the two compares them.
 * Commands, one per line:
 *   host NAME up|down|unknown [disabled] [table-disabled]
 *   stats | sessions          answered, then "end"
 *   monitor on|off
 *   reload FILE               "reloaded" or "reload failed"
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "core/parse.h"
#include "relay/relay.h"

#define OPEN_MAX	256

struct run {
	struct event_base	*base;
	struct relay_engine	*eng;
	struct config		*cfg;
	bool			 verbose;
	struct {
		const struct listen_conf *l;
		int			 fd;
	}			 open[OPEN_MAX];
	size_t			 nopen;
	char			 line[4096];
	size_t			 len;
};

static void
say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
say(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void
io_log(void *arg, int level, const char *line)
{
	struct run	*r = arg;

	if (level == 0 || r->verbose)
		fprintf(stderr, "relay: %s\n", line);
}

static bool
io_verbose(void *arg)
{
	return ((struct run *)arg)->verbose;
}

static void
print_stats(const struct run *r, const struct msg_relay_stats *s)
{
	const struct relay_stats *st = &s->stats;

	say("relay %s active=%llu total=%llu in=%llu out=%llu "
	    "connect_fail=%llu errors=%llu queries=%llu answers=%llu "
	    "timeouts=%llu malformed=%llu unmatched=%llu requests=%llu "
	    "http_bad=%llu http_blocked=%llu http_client_timeout=%llu "
	    "http_bad_gateway=%llu http_unavailable=%llu "
	    "http_gateway_timeout=%llu", s->relay_id < r->cfg->nrelays ?
	    r->cfg->relays[s->relay_id].name : "?",
	    (unsigned long long)st->active, (unsigned long long)st->total,
	    (unsigned long long)st->bytes_in, (unsigned long long)st->bytes_out,
	    (unsigned long long)st->connect_fail,
	    (unsigned long long)st->errors, (unsigned long long)st->queries,
	    (unsigned long long)st->answers, (unsigned long long)st->timeouts,
	    (unsigned long long)st->malformed,
	    (unsigned long long)st->unmatched,
	    (unsigned long long)st->requests,
	    (unsigned long long)st->http_bad,
	    (unsigned long long)st->http_blocked,
	    (unsigned long long)st->http_client_timeout,
	    (unsigned long long)st->http_bad_gateway,
	    (unsigned long long)st->http_unavailable,
	    (unsigned long long)st->http_gateway_timeout);
}

/* What the engine sends, through the wire format. */
static void
io_send(void *arg, enum hs_peer peer, const struct msg *m)
{
	static struct msg	 d;
	struct run		*r = arg;
	uint8_t			 wire[MSG_MAX_LEN];
	struct buf		 b;
	uint32_t		 i;
	int			 len;

	if ((len = msg_encode(m, wire, sizeof(wire))) <= 0 ||
	    msg_decode(wire, (size_t)len, &d) == -1) {
		say("bad message %s", msg_type_name(m->type));
		return;
	}
	buf_init(&b, 65536);
	switch (d.type) {
	case MSG_RELAY_READY:
		buf_puts(&b, "ready");
		for (i = 0; i < d.u.relay_ready.nrelays; i++)
			buf_printf(&b, " %s=%s", r->cfg->relays[i].name,
			    d.u.relay_ready.listening[i / 8] & (1U << (i % 8)) ?
			    "listening" : "no");
		say("%s", buf_str(&b));
		break;
	case MSG_RELAY_STATS:
		print_stats(r, &d.u.relay_stats);
		break;
	case MSG_CTL_SESSION:
		ctl_render_session(&d.u.ctl_session, &b);
		printf("%s%s", d.peerid == 0 ? "ended " : "", buf_str(&b));
		fflush(stdout);
		break;
	case MSG_CTL_END:
		say("end");
		break;
	default:
		say("unexpected %s", msg_type_name(d.type));
	}
	buf_free(&b);
}

static bool	reuseport;

static int
open_listener(const struct hs_addr *a, uint16_t port, int type)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl;
	int			 fd, on = 1;

	sl = relay_sockaddr(a, port, &ss);
	fd = socket(ss.ss_family, type | SOCK_CLOEXEC, 0);
	if (fd == -1 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on,
	    sizeof(on)) == -1 || (reuseport && setsockopt(fd, SOL_SOCKET,
	    SO_REUSEPORT, &on, sizeof(on)) == -1) ||
	    bind(fd, (struct sockaddr *)&ss, sl) == -1 ||
	    (type == SOCK_STREAM && listen(fd, 128) == -1)) {
		fprintf(stderr, "relayrun: listen on port %u: %s\n", port,
		    strerror(errno));
		exit(1);
	}
	return fd;
}

/* A DNS relay listens on UDP as well as TCP. */
static bool
relay_dns(const struct config *cfg, const struct relay_conf *rc)
{
	return relay_proto_type(cfg, rc) == PROTO_DNS;
}

/* An enabled relay of cfg has this listener of this type already. */
static bool
listened(const struct config *cfg, const struct listen_conf *l, int type)
{
	size_t	i, j;

	for (i = 0; i < cfg->nrelays; i++)
		for (j = 0; j < cfg->relays[i].nlistens; j++)
			if (!cfg->relays[i].disabled &&
			    (type == SOCK_STREAM ||
			    relay_dns(cfg, &cfg->relays[i])) &&
			    cfg->relays[i].listens[j].port == l->port &&
			    addr_equal(&cfg->relays[i].listens[j].addr,
			    &l->addr))
				return true;
	return false;
}

static void
open_one(struct run *r, const struct config *old,
    const struct listen_conf *l, int type)
{
	if (old != NULL && listened(old, l, type))
		return;
	if (r->nopen == OPEN_MAX) {
		fprintf(stderr, "relayrun: too many listeners\n");
		exit(1);
	}
	r->open[r->nopen].l = l;
	r->open[r->nopen++].fd = open_listener(&l->addr, l->port, type);
}

/* The listeners of cfg's relays, as the parent would hand them. */
static void
open_listeners(struct run *r, const struct config *cfg,
    const struct config *old)
{
	const struct listen_conf	*l;
	size_t				 i, j;

	for (i = 0; i < cfg->nrelays; i++) {
		const struct relay_conf	*rc = &cfg->relays[i];

		if (rc->disabled)
			continue;
		for (j = 0; j < rc->nlistens; j++) {
			l = &rc->listens[j];
			open_one(r, old, l, SOCK_STREAM);
			if (relay_dns(cfg, rc))
				open_one(r, old, l, SOCK_DGRAM);
		}
	}
}

/* Hand the opened listeners to the engine. */
static void
add_listeners(struct run *r)
{
	size_t	i;

	for (i = 0; i < r->nopen; i++)
		if (relay_listener_add(r->eng, &r->open[i].l->addr,
		    r->open[i].l->port, r->open[i].fd) == -1) {
			fprintf(stderr, "relayrun: listener\n");
			exit(1);
		}
	r->nopen = 0;
}

static struct config *
load(const char *path)
{
	struct buf	 errors;
	struct config	*c;

	buf_init(&errors, 65536);
	if ((c = config_parse(path, NULL, &errors, NULL)) == NULL)
		fprintf(stderr, "%s", buf_str(&errors));
	buf_free(&errors);
	return c;
}

static void
host_command(struct run *r, char *words[], int n)
{
	static struct msg	 m, d;
	uint8_t			 wire[MSG_MAX_LEN];
	uint8_t			 state, flags = 0;
	size_t			 i;
	int			 k, len;

	if (n < 3) {
		say("usage: host NAME up|down|unknown [disabled] "
		    "[table-disabled]");
		return;
	}
	state = strcmp(words[2], "up") == 0 ? HOST_UP :
	    strcmp(words[2], "down") == 0 ? HOST_DOWN : HOST_UNKNOWN;
	for (k = 3; k < n; k++)
		flags |= strcmp(words[k], "disabled") == 0 ?
		    RELAY_HOST_DISABLED : RELAY_HOST_TABLE_DISABLED;
	memset(&m, 0, sizeof(m));
	m.type = MSG_RELAY_HOSTS;
	for (i = 0; i < r->cfg->nhosts && m.u.relay_hosts.n <
	    RELAY_HOSTS_MAX; i++)
		if (strcmp(r->cfg->hosts[i].name, words[1]) == 0)
			m.u.relay_hosts.v[m.u.relay_hosts.n++] =
			    (struct msg_relay_host){ (uint32_t)i, state,
			    flags };
	if ((len = msg_encode(&m, wire, sizeof(wire))) <= 0 ||
	    msg_decode(wire, (size_t)len, &d) == -1 ||
	    relay_dispatch(r->eng, &d) == -1)
		say("host %s: refused", words[1]);
	else
		say("host %s %s", words[1], words[2]);
}

static void
reload_command(struct run *r, const char *path)
{
	struct config	*c;

	if ((c = load(path)) == NULL) {
		say("reload failed");
		return;
	}
	open_listeners(r, c, r->cfg);
	add_listeners(r);
	if (relay_reload(r->eng, c) == -1) {
		config_free(c);
		say("reload failed");
		return;
	}
	config_free(r->cfg);	/* sessions keep no pointer into it */
	r->cfg = c;
	say("reloaded");
}

static void
command(struct run *r, char *line)
{
	static struct msg	 m;
	char			*words[8], *p;
	int			 n = 0;

	while (n < 8 && (p = strsep(&line, " \t")) != NULL)
		if (*p != '\0')
			words[n++] = p;
	if (n == 0)
		return;
	memset(&m, 0, sizeof(m));
	if (strcmp(words[0], "host") == 0)
		host_command(r, words, n);
	else if (strcmp(words[0], "stats") == 0 ||
	    strcmp(words[0], "sessions") == 0) {
		m.type = MSG_CTL_REQUEST;
		m.peerid = 7;
		m.u.ctl_request.action = words[0][1] == 't' ?
		    CTL_SHOW_RELAYS : CTL_SHOW_SESSIONS;
		(void)relay_dispatch(r->eng, &m);
	} else if (strcmp(words[0], "monitor") == 0 && n == 2) {
		m.type = MSG_RELAY_MONITOR;
		m.u.id.id = strcmp(words[1], "on") == 0;
		(void)relay_dispatch(r->eng, &m);
		say("monitor %s", words[1]);
	} else if (strcmp(words[0], "reload") == 0 && n == 2)
		reload_command(r, words[1]);
	else
		say("unknown command %s", words[0]);
}

static void
stdin_read(evutil_socket_t fd, short what, void *arg)
{
	struct run	*r = arg;
	char		*nl;
	ssize_t		 n;

	n = read(fd, r->line + r->len, sizeof(r->line) - 1 - r->len);
	if (n <= 0) {
		event_base_loopbreak(r->base);
		return;
	}
	r->len += (size_t)n;
	r->line[r->len] = '\0';
	while ((nl = strchr(r->line, '\n')) != NULL) {
		*nl = '\0';
		command(r, r->line);
		memmove(r->line, nl + 1, r->len - (size_t)(nl + 1 - r->line));
		r->len -= (size_t)(nl + 1 - r->line);
		r->line[r->len] = '\0';
	}
	if (r->len == sizeof(r->line) - 1)
		r->len = 0;	/* an overlong line: dropped */
}

static void
stop(evutil_socket_t sig, short what, void *arg)
{
	event_base_loopbreak(arg);
}

int
main(int argc, char *argv[])
{
	static struct run	 r;
	struct relay_opts	 o;
	struct relay_io		 io;
	struct event		*ev_in, *ev_term;
	int			 ch, nprocs = 1, i;
	bool			 first = true;

	memset(&o, 0, sizeof(o));
	o.proc = 1;
	memcpy(o.secret, "relayrun secret", HS_KEY_LEN);
	o.seed = 1;
	while ((ch = getopt(argc, argv, "vp:f:R")) != -1) {
		switch (ch) {
		case 'f':
			nprocs = atoi(optarg);
			break;
		case 'R':
			reuseport = true;
			break;
		case 'v':
			r.verbose = true;
			break;
		case 'p':
			o.proc = (uint32_t)atoi(optarg);
			break;
		default:
			return 2;
		}
	}
	if (optind != argc - 1 || (r.cfg = load(argv[optind])) == NULL)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	/* Shared listeners are opened before the fork, as the parent does. */
	if (!reuseport)
		open_listeners(&r, r.cfg, NULL);
	for (i = 1; i < nprocs; i++)
		if (fork() == 0) {
			/* The first process reads the commands; end with it. */
			(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
			first = false;
			o.proc = (uint32_t)i + 1;
			break;
		}
	r.base = event_base_new();
	memset(&io, 0, sizeof(io));
	io.arg = &r;
	io.send = io_send;
	io.log = io_log;
	io.verbose = io_verbose;
	if ((r.eng = relay_new(r.base, r.cfg, &o, &io)) == NULL)
		return 1;
	if (reuseport)
		open_listeners(&r, r.cfg, NULL);
	add_listeners(&r);
	relay_start(r.eng);
	ev_in = event_new(r.base, 0, EV_READ | EV_PERSIST, stdin_read, &r);
	ev_term = evsignal_new(r.base, SIGTERM, stop, r.base);
	if (first)
		event_add(ev_in, NULL);
	event_add(ev_term, NULL);
	event_base_dispatch(r.base);
	relay_free(r.eng);
	event_free(ev_in);
	event_free(ev_term);
	event_base_free(r.base);
	config_free(r.cfg);
	return 0;
}
