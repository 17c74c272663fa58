/*
 * The metrics process.  Each HTTP client sends one request (parsed by
 * the relay's strict parser) and gets one answer, then the connection
 * closes.  Scrapes that arrive while the PFE renders wait for the next
 * round, so every answer was rendered after its request came; one round
 * answers all the scrapes that wait for it.
 */
#include <sys/queue.h>
#include <sys/socket.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "core/buf.h"
#include "core/pfe.h"
#include "daemon/channel.h"
#include "daemon/log.h"
#include "daemon/metrics_proc.h"
#include "relay/http_parser.h"

#define METRICS_FIELDS		32
#define METRICS_HEAD_MAX	8192
#define METRICS_TYPE		"text/plain; version=0.0.4; charset=utf-8"

TAILQ_HEAD(scrapes, scrape);

struct scrape {
	TAILQ_ENTRY(scrape)	 entry;
	struct scrapes		*list;		/* which of mp's it is on */
	struct metrics_proc	*mp;
	struct bufferevent	*bev;
	struct http_parser	 parser;
	struct http_field	 fields[METRICS_FIELDS];
	bool			 head;		/* HEAD: no body */
};

struct metrics_proc {
	struct event_base	*base;
	struct event		*ev_accept;
	struct channel		*pfe;
	struct scrapes		 busy;		/* reading, or writing */
	struct scrapes		 asked;		/* the answer coming is theirs */
	struct scrapes		 next;		/* for the round after */
	size_t			 nclients;
	bool			 asking;
	struct buf		 text;
};

static void
scrape_move(struct scrape *s, struct scrapes *to)
{
	TAILQ_REMOVE(s->list, s, entry);
	TAILQ_INSERT_TAIL(to, s, entry);
	s->list = to;
}

static void
scrape_free(struct scrape *s)
{
	struct metrics_proc	*mp = s->mp;

	TAILQ_REMOVE(s->list, s, entry);
	bufferevent_free(s->bev);
	free(s);
	if (mp->nclients-- == METRICS_CLIENTS_MAX)
		event_add(mp->ev_accept, NULL);
}

static void
scrape_written(struct bufferevent *bev, void *arg)
{
	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		scrape_free(arg);
}

static void
scrape_event(struct bufferevent *bev, short what, void *arg)
{
	scrape_free(arg);
}

/* The answer, then the close once it is written. */
static void
scrape_answer(struct scrape *s, int status, const char *reason,
    const char *type, const char *body, size_t len)
{
	struct evbuffer	*out = bufferevent_get_output(s->bev);

	scrape_move(s, &s->mp->busy);
	evbuffer_add_printf(out, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n", status, reason,
	    type, len);
	if (!s->head)
		evbuffer_add(out, body, len);
	bufferevent_disable(s->bev, EV_READ);
	bufferevent_setcb(s->bev, NULL, scrape_written, scrape_event, s);
	bufferevent_enable(s->bev, EV_WRITE);
}

static void
scrape_error(struct scrape *s, int status, const char *reason)
{
	char	body[128];
	int	n;

	n = snprintf(body, sizeof(body), "%d %s\n", status, reason);
	scrape_answer(s, status, reason, "text/plain; charset=utf-8", body,
	    (size_t)n);
}

/* A round: ask the PFE for the text, for every scrape waiting now. */
static void
metrics_ask(struct metrics_proc *mp)
{
	struct scrape	*s;
	struct msg	 m;

	if (mp->asking || TAILQ_EMPTY(&mp->next))
		return;
	while ((s = TAILQ_FIRST(&mp->next)) != NULL)
		scrape_move(s, &mp->asked);
	memset(&m, 0, sizeof(m));
	m.type = MSG_CTL_REQUEST;
	m.u.ctl_request.action = CTL_SHOW_METRICS;
	if (channel_send(mp->pfe, &m) == -1)
		fatalx("cannot ask the pfe for metrics");
	mp->asking = true;
	buf_reset(&mp->text);
}

/* The round ended: its text (or why not) to each of its scrapes. */
static void
metrics_answered(struct metrics_proc *mp, const char *failure)
{
	struct scrape	*s;

	while ((s = TAILQ_FIRST(&mp->asked)) != NULL) {
		if (failure != NULL)
			scrape_error(s, 503, "Service Unavailable");
		else
			scrape_answer(s, 200, "OK", METRICS_TYPE,
			    mp->text.data, mp->text.len);
	}
	if (failure != NULL)
		log_warnx("show metrics failed: %s", failure);
	mp->asking = false;
	buf_reset(&mp->text);
	metrics_ask(mp);
}

/* A complete request head: only GET or HEAD of /metrics (or /). */
static void
scrape_request(struct scrape *s)
{
	struct http_slice	 t = http_target(&s->parser);
	size_t			 n;

	s->head = s->parser.head.method_id == HTTP_M_HEAD;
	if (s->parser.head.method_id != HTTP_M_GET && !s->head) {
		scrape_error(s, 405, "Method Not Allowed");
		return;
	}
	for (n = 0; n < t.len && t.p[n] != '?'; n++)
		;
	if (!(n == 8 && memcmp(t.p, "/metrics", 8) == 0) &&
	    !(n == 1 && t.p[0] == '/')) {
		scrape_error(s, 404, "Not Found");
		return;
	}
	bufferevent_disable(s->bev, EV_READ);
	scrape_move(s, &s->mp->next);
	metrics_ask(s->mp);
}

static void
scrape_read(struct bufferevent *bev, void *arg)
{
	struct scrape	*s = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	size_t		 len = evbuffer_get_length(in), used = 0;
	const char	*p;
	int		 status;

	p = (const char *)evbuffer_pullup(in, -1);
	switch (http_parse(&s->parser, p, len, &used)) {
	case HTTP_MORE:
		if (len < METRICS_HEAD_MAX)
			return;
		scrape_error(s, 431, "Request Header Fields Too Large");
		return;
	case HTTP_HEAD:
		scrape_request(s);
		return;
	default:
		status = http_error_status(&s->parser);
		scrape_error(s, status, status == 505 ? "HTTP Version Not "
		    "Supported" : status == 501 ? "Not Implemented" :
		    "Bad Request");
		return;
	}
}

static void
scrape_new(struct metrics_proc *mp, int fd)
{
	struct http_limits	 lim;
	struct timeval		 tv = { METRICS_TIMEOUT_SEC, 0 };
	struct scrape		*s;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->bev = bufferevent_socket_new(mp->base, fd,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		log_warn("metrics: a client");
		free(s);
		close(fd);
		return;
	}
	http_limits_default(&lim);
	lim.head_max = METRICS_HEAD_MAX;
	lim.fields_max = METRICS_FIELDS;
	http_parser_init(&s->parser, HTTP_REQUEST, &lim, s->fields);
	s->mp = mp;
	s->list = &mp->busy;
	TAILQ_INSERT_TAIL(&mp->busy, s, entry);
	if (++mp->nclients == METRICS_CLIENTS_MAX)
		event_del(mp->ev_accept);
	bufferevent_setwatermark(s->bev, EV_READ, 0, METRICS_HEAD_MAX);
	bufferevent_set_timeouts(s->bev, &tv, &tv);
	bufferevent_setcb(s->bev, scrape_read, NULL, scrape_event, s);
	bufferevent_enable(s->bev, EV_READ);
}

static void
metrics_accept(evutil_socket_t lfd, short ev, void *arg)
{
	struct metrics_proc	*mp = arg;
	int			 fd;

	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd == -1) {
		if (errno != EAGAIN && errno != EINTR &&
		    errno != ECONNABORTED)
			log_warn("metrics: accept");
		return;
	}
	scrape_new(mp, fd);
}

static int
metrics_dispatch(void *arg, struct channel *ch, const struct msg *m)
{
	struct metrics_proc	*mp = arg;

	if (!mp->asking)
		fatalx("protocol error from pfe: unexpected %s",
		    msg_type_name(m->type));
	switch (m->type) {
	case MSG_CTL_TEXT:
		if (buf_add(&mp->text, m->u.text.text, m->u.text.len) == -1)
			fatalx("metrics from the pfe over %d bytes",
			    PFE_METRICS_MAX);
		break;
	case MSG_CTL_END:
		metrics_answered(mp, NULL);
		break;
	case MSG_CTL_FAIL:
		metrics_answered(mp, m->u.text.text);
		break;
	default:
		fatalx("protocol error from pfe: unexpected %s",
		    msg_type_name(m->type));
	}
	return 0;
}

/* The PFE is gone: the daemon is stopping. */
static void
metrics_lost(void *arg, struct channel *ch, const char *why)
{
	if (why != NULL && strncmp(why, "protocol error", 14) == 0)
		fatalx("pfe: %s", why);
	log_debug("pfe: %s, exiting", why != NULL ? why : "closed");
	exit(0);
}

void
metrics_proc_main(void *argp, const struct proc_pipes *fds)
{
	struct metrics_proc_args	*args = argp;
	struct metrics_proc		 mp;

	memset(&mp, 0, sizeof(mp));
	/* The parent decides when to stop; the PFE's end tells us. */
	signal(SIGTERM, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if ((mp.base = event_base_new()) == NULL)
		fatalx("event_base_new");
	if (args->drop != NULL && privdrop_apply(args->drop, "metrics") == -1)
		exit(1);
	privdrop_pledge("metrics", "stdio inet");
	TAILQ_INIT(&mp.busy);
	TAILQ_INIT(&mp.asked);
	TAILQ_INIT(&mp.next);
	buf_init(&mp.text, PFE_METRICS_MAX);
	mp.pfe = channel_new(mp.base, fds->metrics[1], "pfe",
	    PROC_CHANNEL_MAX, metrics_dispatch, metrics_lost, &mp);
	mp.ev_accept = event_new(mp.base, args->listen_fd,
	    EV_READ | EV_PERSIST, metrics_accept, &mp);
	if (mp.pfe == NULL || mp.ev_accept == NULL ||
	    event_add(mp.ev_accept, NULL) == -1)
		fatalx("cannot set up the event loop");
	log_debug("started");
	event_base_dispatch(mp.base);
	fatalx("event loop ended");
}
