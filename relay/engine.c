/*
 * The relay engine: its relays by name, the configuration switch, the
 * PFE's messages, and the answers to show relays and show sessions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "relay/dns.h"
#include "relay/http_relay.h"
#include "relay/tls.h"

void
relay_log(struct relay_engine *e, int level, const char *fmt, ...)
{
	char	line[RELAY_LOG_MAX];
	va_list	ap;

	if (e->io.log == NULL)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	e->io.log(e->io.arg, level, line);
}

/* Coarse is enough for idle times and ages, and costs no system call. */
uint64_t
relay_now_ms(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_MONOTONIC_COARSE, &ts) == -1)
		return 0;
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
relay_send(struct relay_engine *e, const struct msg *m)
{
	if (e->io.send != NULL)
		e->io.send(e->io.arg, PEER_PFE, m);
}

static void
rt_free(struct relay_rt *rt)
{
	http_proto_put(rt->http);
	tls_relay_free(rt->tls);
	dns_rt_free(rt);
	free(rt);
}

void
relay_rt_unref(struct relay_engine *e, struct relay_rt *rt)
{
	if (--rt->refs > 0)
		return;
	TAILQ_REMOVE(&e->relays, rt, entry);
	rt_free(rt);
}

static void	rt_build_free(const struct config *, struct relay_rt **);

static struct relay_rt *
rt_find(struct relay_engine *e, const char *name)
{
	struct relay_rt	*rt;

	TAILQ_FOREACH(rt, &e->relays, entry)
		if (rt->id != HS_ID_NONE && strcmp(rt->name, name) == 0)
			return rt;
	return NULL;
}

/*
 * The runtime relays of cfg, by id: those of the same name carried over
 * (counters, listeners), new ones created but not linked yet.  NULL on
 * failure, with nothing changed.
 */
static struct relay_rt **
rt_build(struct relay_engine *e, const struct config *cfg)
{
	struct relay_rt	**by_id;
	size_t		  i;

	if ((by_id = calloc(cfg->nrelays ? cfg->nrelays : 1,
	    sizeof(*by_id))) == NULL)
		return NULL;
	for (i = 0; i < cfg->nrelays; i++) {
		if ((by_id[i] = rt_find(e, cfg->relays[i].name)) != NULL)
			continue;
		if ((by_id[i] = calloc(1, sizeof(*by_id[i]))) == NULL)
			goto fail;
		(void)snprintf(by_id[i]->name, sizeof(by_id[i]->name), "%s",
		    cfg->relays[i].name);
		by_id[i]->id = HS_ID_NONE;
	}
	return by_id;
fail:
	rt_build_free(cfg, by_id);
	return NULL;
}

/* Undo rt_build: only the new relays (no reference yet) are freed. */
static void
rt_build_free(const struct config *cfg, struct relay_rt **by_id)
{
	size_t	i;

	for (i = 0; i < cfg->nrelays; i++)
		if (by_id[i] != NULL && by_id[i]->refs == 0)
			free(by_id[i]);
	free(by_id);
}

/* Make by_id the running relays; drop the configuration's hold on others. */
static void
rt_switch(struct relay_engine *e, const struct config *cfg,
    struct relay_rt **by_id)
{
	struct relay_rt	*rt, *next;
	size_t		 i;

	TAILQ_FOREACH(rt, &e->relays, entry)
		rt->configured = false;
	for (i = 0; i < cfg->nrelays; i++) {
		if (by_id[i]->refs == 0) {
			by_id[i]->refs = 1;	/* the configuration's */
			TAILQ_INSERT_TAIL(&e->relays, by_id[i], entry);
		}
		by_id[i]->configured = true;
		by_id[i]->id = (uint32_t)i;
		relay_tune_of(cfg, &cfg->relays[i], &by_id[i]->tune);
		http_proto_switch(e, by_id[i], cfg, &cfg->relays[i]);
	}
	for (rt = TAILQ_FIRST(&e->relays); rt != NULL; rt = next) {
		next = TAILQ_NEXT(rt, entry);
		if (rt->configured || rt->id == HS_ID_NONE)
			continue;
		rt->id = HS_ID_NONE;
		rt->listening = false;
		relay_rt_unref(e, rt);
	}
	free(e->by_id);
	e->by_id = by_id;
}

static void
run_again(evutil_socket_t fd, short what, void *arg)
{
	session_run_again(arg);
}

/* After running out of descriptors: waiting sessions first. */
static void
pause_over(evutil_socket_t fd, short what, void *arg)
{
	struct relay_engine	*e = arg;

	session_retry_waiting(e);
	listener_resume(e);
}

struct relay_engine *
relay_new(struct event_base *base, const struct config *cfg,
    const struct relay_opts *opts, const struct relay_io *io)
{
	struct relay_engine	*e;
	struct relay_rt		**by_id;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	e->base = base;
	e->cfg = cfg;
	e->opts = *opts;
	e->io = *io;
	e->next_id = 1;
	TAILQ_INIT(&e->relays);
	TAILQ_INIT(&e->listeners);
	LIST_INIT(&e->sessions);
	LIST_INIT(&e->ended);
	LIST_INIT(&e->waiting);
	TAILQ_INIT(&e->again);
	e->epfd = -1;
	e->hosts = relay_hosts_new(cfg, opts->secret, opts->seed);
	e->pause_timer = evtimer_new(base, pause_over, e);
	e->ev_again = event_new(base, -1, 0, run_again, e);
	if (e->hosts == NULL || e->pause_timer == NULL || e->ev_again == NULL ||
	    poll_init(e) == -1 || due_init(e) == -1 ||
	    tls_engine_init(e) == -1 ||
	    (by_id = rt_build(e, cfg)) == NULL) {
		relay_free(e);
		return NULL;
	}
	rt_switch(e, cfg, by_id);
	return e;
}

void
relay_free(struct relay_engine *e)
{
	struct listener	*l;
	struct relay_rt	*rt;

	if (e == NULL)
		return;
	relay_stop(e);
	relay_reload_abort(e);
	while ((l = TAILQ_FIRST(&e->listeners)) != NULL) {
		TAILQ_REMOVE(&e->listeners, l, entry);
		listener_free(l);
	}
	while ((rt = TAILQ_FIRST(&e->relays)) != NULL) {
		TAILQ_REMOVE(&e->relays, rt, entry);
		rt_free(rt);
	}
	tls_engine_free(e);
	dns_engine_free(e);
	if (e->pause_timer != NULL)
		event_free(e->pause_timer);
	if (e->ev_again != NULL)
		event_free(e->ev_again);
	http_engine_free(e);
	due_free(e);
	poll_free(e);
	pool_free(e);
	relay_hosts_free(e->hosts);
	free(e->by_id);
	free(e);
}

int
relay_listener_add(struct relay_engine *e, const struct hs_addr *addr,
    uint16_t port, int fd)
{
	return listener_add(e, addr, port, fd);
}

/* 0: the session's end is logged; 1: only when verbose. */
static int
session_log_level(const struct relay_engine *e, enum session_end end)
{
	switch (e->cfg->log_sessions) {
	case LOG_SESSIONS_ALL:
		return 0;
	case LOG_SESSIONS_ERRORS:
		return end != SESS_DONE;
	default:
		return 1;
	}
}

bool
relay_session_noted(const struct relay_engine *e, enum session_end end)
{
	return e->monitor || session_log_level(e, end) == 0 ||
	    e->io.verbose == NULL || e->io.verbose(e->io.arg);
}

/*
 * The line of a session's end: logged as "log connection" says (failed
 * ones only with "errors", otherwise only when verbose), and sent to
 * the PFE for its monitor clients while there are some.
 */
void
relay_session_ended(struct relay_engine *e, const struct ctl_session *row)
{
	struct buf	b;
	struct msg	m;
	int		level;

	level = session_log_level(e, (enum session_end)row->end);
	if (level == 0 || e->io.verbose == NULL ||
	    e->io.verbose(e->io.arg)) {
		buf_init(&b, RELAY_LOG_MAX);
		ctl_render_session(row, &b);
		if (b.len > 0 && b.data[b.len - 1] == '\n')
			b.data[--b.len] = '\0';
		relay_log(e, level, "%s", buf_str(&b));
		buf_free(&b);
	}
	if (!e->monitor)
		return;
	memset(&m, 0, offsetof(struct msg, u) + sizeof(m.u.ctl_session));
	m.type = MSG_CTL_SESSION;
	m.u.ctl_session = *row;
	relay_send(e, &m);
}

/* The relays whose listeners accept, as the PFE shows them. */
static void
send_ready(struct relay_engine *e)
{
	struct msg	m;
	size_t		i;

	memset(&m, 0, offsetof(struct msg, u) + sizeof(m.u.relay_ready));
	m.type = MSG_RELAY_READY;
	m.u.relay_ready.nrelays = (uint32_t)e->cfg->nrelays;
	for (i = 0; i < e->cfg->nrelays; i++)
		if (e->by_id[i]->listening)
			m.u.relay_ready.listening[i / 8] |= 1U << (i % 8);
	relay_send(e, &m);
}

/* Each relay of the running configuration takes its prepared TLS. */
static void
tls_switch(struct relay_engine *e)
{
	struct tls_relay	*old;
	size_t			 i;

	for (i = 0; i < e->cfg->nrelays; i++) {
		old = e->by_id[i]->tls;
		e->by_id[i]->tls = tls_take(e, i);
		tls_relay_free(old);
	}
	tls_drop(e);
	tls_files_clear(e->tls);
}

int
relay_start(struct relay_engine *e)
{
	if (tls_prepare(e, e->cfg, e->error, sizeof(e->error)) == -1) {
		tls_files_clear(e->tls);
		return -1;
	}
	tls_switch(e);
	e->started = true;
	listener_bind_relays(e);
	send_ready(e);
	return 0;
}

const char *
relay_error(const struct relay_engine *e)
{
	return e->error;
}

/* Which host of cfg each host of the running configuration is. */
static uint32_t *
old_to_new(const struct config *old, const struct config *cfg)
{
	uint32_t	*map, *inv;
	size_t		 i;

	if ((inv = calloc(old->nhosts ? old->nhosts : 1, sizeof(*inv))) ==
	    NULL)
		return NULL;
	for (i = 0; i < old->nhosts; i++)
		inv[i] = HS_ID_NONE;
	if ((map = config_host_map(old, cfg)) == NULL && cfg->nhosts > 0) {
		free(inv);
		return NULL;
	}
	for (i = 0; i < cfg->nhosts; i++)
		if (map[i] < old->nhosts)
			inv[map[i]] = (uint32_t)i;
	free(map);
	return inv;
}

/* What a prepared switch holds; listeners stay as they are. */
static void
reload_drop(struct relay_engine *e)
{
	if (e->next_by_id != NULL)
		rt_build_free(e->next, e->next_by_id);
	relay_hosts_abort(e->hosts);
	tls_drop(e);
	free(e->next_map);
	e->next = NULL;
	e->next_by_id = NULL;
	e->next_map = NULL;
}

int
relay_reload_prepare(struct relay_engine *e, const struct config *cfg)
{
	reload_drop(e);
	e->next = cfg;
	(void)snprintf(e->error, sizeof(e->error), "out of memory");
	if ((e->next_map = old_to_new(e->cfg, cfg)) == NULL ||
	    (e->next_by_id = rt_build(e, cfg)) == NULL ||
	    relay_hosts_prepare(e->hosts, cfg) == -1 ||
	    tls_prepare(e, cfg, e->error, sizeof(e->error)) == -1) {
		reload_drop(e);
		return -1;
	}
	return 0;
}

void
relay_reload_commit(struct relay_engine *e)
{
	const struct config	*cfg = e->next;
	size_t			 nold = e->cfg->nhosts;

	if (cfg == NULL)
		return;
	relay_hosts_commit(e->hosts);
	e->cfg = cfg;
	rt_switch(e, cfg, e->next_by_id);
	tls_switch(e);
	session_reload(e, e->next_map, nold);
	dns_reload(e, e->next_map, nold);
	free(e->next_map);
	e->next = NULL;
	e->next_by_id = NULL;
	e->next_map = NULL;
	if (e->started) {
		listener_bind_relays(e);
		send_ready(e);
	}
}

/* Also closes the listeners handed over for the dropped configuration. */
void
relay_reload_abort(struct relay_engine *e)
{
	reload_drop(e);
	tls_files_clear(e->tls);
	if (e->started)
		listener_bind_relays(e);
}

int
relay_reload(struct relay_engine *e, const struct config *cfg)
{
	if (relay_reload_prepare(e, cfg) == -1)
		return -1;
	relay_reload_commit(e);
	return 0;
}

/* show relays: one MSG_RELAY_STATS per configured relay, then the end. */
static void
answer_stats(struct relay_engine *e, uint32_t client)
{
	struct msg	m;
	size_t		i;

	memset(&m, 0, offsetof(struct msg, u) + sizeof(m.u.relay_stats));
	m.type = MSG_RELAY_STATS;
	m.peerid = client;
	for (i = 0; i < e->cfg->nrelays; i++) {
		m.u.relay_stats.relay_id = (uint32_t)i;
		m.u.relay_stats.stats = e->by_id[i]->stats;
		relay_send(e, &m);
	}
}

static void
answer_sessions(struct relay_engine *e, uint32_t client)
{
	struct session	*s;
	struct msg	 m;

	memset(&m, 0, sizeof(m));
	m.type = MSG_CTL_SESSION;
	m.peerid = client;
	LIST_FOREACH(s, &e->sessions, entry) {
		session_row(s, &m.u.ctl_session);
		relay_send(e, &m);
	}
	dns_rows(e, client);
}

static int
answer_show(struct relay_engine *e, const struct msg *req)
{
	struct msg	m;

	if (req->u.ctl_request.action == CTL_SHOW_RELAYS)
		answer_stats(e, req->peerid);
	else if (req->u.ctl_request.action == CTL_SHOW_SESSIONS)
		answer_sessions(e, req->peerid);
	else
		return -1;
	memset(&m, 0, sizeof(m));
	m.type = MSG_CTL_END;
	m.peerid = req->peerid;
	relay_send(e, &m);
	return 0;
}

int
relay_dispatch(struct relay_engine *e, const struct msg *m)
{
	switch (m->type) {
	case MSG_RELAY_HOSTS:
		return relay_hosts_update(e->hosts, &m->u.relay_hosts);
	case MSG_CTL_REQUEST:
		return answer_show(e, m);
	case MSG_RELAY_MONITOR:
		e->monitor = m->u.id.id != 0;
		return 0;
	case MSG_KEY_RESULT:
		return key_client_result(e->tls->keys, &m->u.key);
	case MSG_TLS_TICKETS:
		return tls_tickets_set(e, &m->u.tickets);
	default:
		return -1;
	}
}

int
relay_file_add(struct relay_engine *e, const struct msg_file *f,
    const uint8_t *data, size_t len)
{
	return tls_file_add(e, f->kind, f->path, data, len);
}

void
relay_key_lost(struct relay_engine *e)
{
	key_client_lost(e->tls->keys);
}

void
relay_stop(struct relay_engine *e)
{
	struct listener	*l;

	e->stopping = true;
	TAILQ_FOREACH(l, &e->listeners, entry)
		if (l->armed) {
			event_del(l->ev);
			l->armed = false;
		}
	while (!LIST_EMPTY(&e->sessions))
		session_end(LIST_FIRST(&e->sessions), SESS_SHUTDOWN);
	dns_stop(e);
}

uint32_t
relay_sessions(const struct relay_engine *e)
{
	return e->nsessions;
}
