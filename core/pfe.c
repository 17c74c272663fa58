/*
 * The PF engine: mirrors host states from the HCE, derives table and
 * service state, and after every event compares what each service
 * should have in layer 3 with what it has, issuing only the difference.
 * Carp demotion follows the same pattern per table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/invariant.h"
#include "core/pfe_priv.h"

#define LOG_LINE_MAX	512

bool
pfe_table_ok(const struct pfe *p, uint32_t id)
{
	return id < p->cfg->ntables && config_table_live(&p->cfg->tables[id]);
}

bool
pfe_host_ok(const struct pfe *p, uint32_t id)
{
	return id < p->cfg->nhosts &&
	    pfe_table_ok(p, p->cfg->hosts[id].table_id);
}

void
pfe_log(struct pfe *p, int level, const char *fmt, ...)
{
	char	line[LOG_LINE_MAX];
	va_list	ap;

	if (p->io.log == NULL)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	p->io.log(p->io.arg, level, line);
}

void
pfe_emit(struct pfe *p, enum ctl_event_kind kind, uint32_t id,
    const char *name, int32_t value)
{
	struct ctl_event	ev;

	if (p->io.event == NULL)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.kind = (uint8_t)kind;
	ev.id = id;
	(void)snprintf(ev.name, sizeof(ev.name), "%s", name);
	ev.value = value;
	ev.time_ms = p->now_ms;
	p->io.event(p->io.arg, &ev);
}

void
pfe_send(struct pfe *p, enum hs_peer peer, enum msg_type type, uint32_t id)
{
	struct msg	m;

	if (p->io.send == NULL)
		return;
	memset(&m, 0, offsetof(struct msg, u) + sizeof(m.u.id));
	m.type = type;
	m.gen = p->cfg->gen;
	m.u.id.id = id;
	p->io.send(p->io.arg, peer, &m);
}

void
pfe_reply(struct pfe *p, uint32_t client, bool ok, const char *text)
{
	if (p->io.reply != NULL)
		p->io.reply(p->io.arg, client, ok, text);
}

/* Hosts of an unchecked (relay) table count as up. */
enum host_state
pfe_initial_state(const struct pfe *p, uint32_t id)
{
	const struct table_conf	*t = &p->cfg->tables[p->cfg->hosts[id].table_id];

	if (t->check.type == CHECK_NONE && !p->tables[t->id].disabled &&
	    !p->hosts[id].disabled)
		return HOST_UP;
	return HOST_UNKNOWN;
}

/* The only place a host's state changes: keeps its table's counts. */
void
pfe_set_state(struct pfe *p, uint32_t id, enum host_state state)
{
	struct pfe_host		*h = &p->hosts[id];
	struct pfe_table	*t = &p->tables[p->cfg->hosts[id].table_id];

	if (h->st.state == state)
		return;
	if (h->st.state == HOST_UP) {
		HS_ASSERT(t->up > 0);
		t->up--;
		t->gen++;
	} else if (h->st.state == HOST_DOWN) {
		HS_ASSERT(t->down > 0);
		t->down--;
	}
	if (state == HOST_UP) {
		t->up++;
		t->gen++;
	} else if (state == HOST_DOWN)
		t->down++;
	HS_ASSERT(t->up + t->down <=
	    p->cfg->tables[p->cfg->hosts[id].table_id].nhosts);
	h->st.state = state;
	pfe_relay_mark(p, id);
}

static uint32_t
table_up(const struct pfe *p, uint32_t id)
{
	if (!pfe_table_ok(p, id) || p->tables[id].disabled)
		return 0;
	return p->tables[id].up;
}

/* Enabled, no host up, but not every host unknown yet: really empty. */
static bool
table_settled_empty(const struct pfe *p, uint32_t id)
{
	return pfe_table_ok(p, id) && !p->tables[id].disabled &&
	    p->tables[id].up == 0 && p->tables[id].down > 0;
}

/* Enabled with hosts whose first results have not come yet. */
bool
pfe_table_pending(const struct pfe *p, uint32_t id)
{
	const struct table_conf	*t;
	size_t			 i;

	if (!pfe_table_ok(p, id) || p->tables[id].disabled ||
	    p->tables[id].up > 0 || p->tables[id].down > 0)
		return false;
	t = &p->cfg->tables[id];
	for (i = 0; i < t->nhosts; i++)
		if (t->host_ids[i] < p->cfg->nhosts &&
		    !p->hosts[t->host_ids[i]].disabled)
			return true;
	return false;
}

uint32_t
pfe_service_active(const struct pfe *p, uint32_t id)
{
	const struct service_conf	*s;

	if (id >= p->cfg->nservices || p->services[id].disabled)
		return HS_ID_NONE;
	s = &p->cfg->services[id];
	if (table_up(p, s->table_id) > 0)
		return s->table_id;
	if (s->backup_id != HS_ID_NONE && table_up(p, s->backup_id) > 0)
		return s->backup_id;
	return HS_ID_NONE;
}

static void
demote_send(struct pfe *p, uint32_t tid, int delta)
{
	const struct table_conf	*t = &p->cfg->tables[tid];
	struct msg		 m;

	p->tables[tid].demoted = delta > 0;
	if (delta > 0)
		p->count.demote++;
	else
		p->count.promote++;
	memset(&m, 0, offsetof(struct msg, u) + sizeof(m.u.demote));
	m.type = MSG_DEMOTE;
	m.gen = p->cfg->gen;
	(void)snprintf(m.u.demote.group, sizeof(m.u.demote.group), "%s",
	    t->demote);
	m.u.demote.delta = delta;
	if (p->io.send != NULL)
		p->io.send(p->io.arg, PEER_PARENT, &m);
	pfe_log(p, 0, "table %s: demote %s %+d", t->name, t->demote, delta);
	pfe_emit(p, EV_DEMOTE, tid, t->demote, delta);
}

/*
 * A demoting table demotes its group while it is settled empty: no host
 * up and at least one checked down.  A table whose hosts are all still
 * unknown (start, enable, reload) has not failed yet.
 */
static void
sync_demote(struct pfe *p)
{
	size_t	i;

	for (i = 0; i < p->cfg->ntables; i++) {
		const struct table_conf	*t = &p->cfg->tables[i];
		bool			 want;

		if (t->demote[0] == '\0' || !config_table_live(t))
			continue;
		want = table_settled_empty(p, (uint32_t)i);
		if (want && !p->tables[i].demoted)
			demote_send(p, (uint32_t)i, 1);
		else if (!want && p->tables[i].demoted)
			demote_send(p, (uint32_t)i, -1);
	}
}

void
pfe_sync(struct pfe *p)
{
	pfe_l3_sync(p);
	sync_demote(p);
	pfe_relay_flush(p);
}

static void
pfe_arrays_free(struct pfe *p)
{
	pfe_l3_free(p);
	pfe_relay_free(p);
	free(p->hosts);
	free(p->tables);
	free(p->services);
	p->hosts = NULL;
	p->tables = NULL;
	p->services = NULL;
}

/* Fresh state for cfg: everything unknown, disabled as configured. */
static int
pfe_arrays_alloc(struct pfe *p, const struct config *cfg)
{
	size_t	i;

	p->hosts = calloc(cfg->nhosts ? cfg->nhosts : 1, sizeof(*p->hosts));
	p->tables = calloc(cfg->ntables ? cfg->ntables : 1,
	    sizeof(*p->tables));
	p->services = calloc(cfg->nservices ? cfg->nservices : 1,
	    sizeof(*p->services));
	p->cfg = cfg;
	if (p->hosts == NULL || p->tables == NULL || p->services == NULL ||
	    pfe_relay_alloc(p) == -1) {
		pfe_arrays_free(p);
		return -1;
	}
	for (i = 0; i < cfg->nhosts; i++) {
		host_state_reset(&p->hosts[i].st);
		p->hosts[i].detail = -1;
	}
	for (i = 0; i < cfg->ntables; i++)
		p->tables[i].disabled = cfg->tables[i].disabled;
	for (i = 0; i < cfg->nservices; i++) {
		p->services[i].disabled = cfg->services[i].disabled;
		pfe_l3_service_reset(&p->services[i]);
	}
	return 0;
}

static void
pfe_init_unchecked(struct pfe *p)
{
	size_t	i;

	for (i = 0; i < p->cfg->nhosts; i++)
		if (pfe_host_ok(p, (uint32_t)i))
			pfe_set_state(p, (uint32_t)i,
			    pfe_initial_state(p, (uint32_t)i));
}

struct pfe *
pfe_new(const struct config *cfg, const struct pfe_io *io, uint64_t now_ms)
{
	struct pfe	*p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->io = *io;
	p->now_ms = now_ms;
	p->relay_procs = cfg->prefork;
	if (pfe_arrays_alloc(p, cfg) == -1) {
		free(p);
		return NULL;
	}
	pfe_init_unchecked(p);
	return p;
}

void
pfe_free(struct pfe *p)
{
	if (p == NULL)
		return;
	pfe_reload_abort(p);
	pfe_arrays_free(p);
	free(p);
}

static int
host_status(struct pfe *p, const struct msg *m)
{
	const struct msg_host_status	*hs = &m->u.host_status;
	struct pfe_host			*h;
	struct ctl_event		 ev;
	enum host_state			 old;

	if (m->gen != p->cfg->gen) {
		pfe_log(p, 0, "pfe: status of host %u of configuration %u "
		    "refused: configuration %u is running", hs->host_id,
		    m->gen, p->cfg->gen);
		return 0;
	}
	if (!pfe_host_ok(p, hs->host_id) || hs->state > HOST_DOWN ||
	    hs->error >= HCE_ERROR_MAX)
		return -1;
	h = &p->hosts[hs->host_id];
	if (h->disabled || p->tables[p->cfg->hosts[hs->host_id].table_id].disabled)
		return 0;	/* a late result for a disabled host */
	old = h->st.state;
	pfe_set_state(p, hs->host_id, (enum host_state)hs->state);
	h->st.retry_cnt = hs->retry_cnt;
	h->st.check_cnt = hs->check_cnt;
	h->st.up_cnt = hs->up_cnt;
	if (check_error_failed((enum check_error)hs->error)) {
		h->st.error = (enum check_error)hs->error;
		h->error_ms = p->now_ms;
	}
	h->rtt_ms = hs->rtt_ms;
	h->st.rtt = hs->rtt;
	h->detail = hs->detail;
	if (p->io.event != NULL) {
		memset(&ev, 0, sizeof(ev));
		ev.kind = EV_HOST_STATUS;
		ev.id = hs->host_id;
		(void)snprintf(ev.name, sizeof(ev.name), "%s",
		    p->cfg->hosts[hs->host_id].name);
		ev.old_state = (uint8_t)old;
		ev.new_state = hs->state;
		ev.error = hs->error;
		ev.rtt_ms = hs->rtt_ms;
		ev.check_cnt = hs->check_cnt;
		ev.up_cnt = hs->up_cnt;
		ev.value = hs->detail;
		ev.time_ms = p->now_ms;
		p->io.event(p->io.arg, &ev);
	}
	if (old != h->st.state)
		pfe_sync(p);
	return 0;
}

/*
 * The HCE has applied an operator's command up to its MSG_CMD_END: it
 * met the configuration the command meant, or a reload came between.
 */
static void
cmd_done(struct pfe *p, const struct msg *m)
{
	char	text[160];

	if (m->u.id.id == m->gen) {
		pfe_reply(p, m->peerid, true, "");
		return;
	}
	(void)snprintf(text, sizeof(text), "the configuration was reloaded "
	    "while the command was on its way (generation %u, now %u): not "
	    "applied, try again", m->u.id.id, m->gen);
	pfe_log(p, 0, "control client %u: %s", m->peerid, text);
	pfe_reply(p, m->peerid, false, text);
}

/* The parent's answer to a reload; a success waits for the switch. */
static void
reload_result(struct pfe *p, const struct msg *m)
{
	char	 first[HS_HOSTNAME_MAX];
	size_t	 n;

	if (m->u.text.ok) {
		if (m->gen == p->cfg->gen) {
			pfe_reply(p, m->peerid, true, "");
			return;
		}
		p->reload_client = m->peerid;
		p->reload_gen = m->gen;
		return;
	}
	p->count.reload_failed++;
	p->count.reload_last_ms = p->now_ms;
	p->count.reload_last_ok = false;
	n = strcspn(m->u.text.text, "\n");
	(void)snprintf(first, sizeof(first), "%.*s", (int)n, m->u.text.text);
	pfe_emit(p, EV_RELOAD, 0, first, 1);
	pfe_reply(p, m->peerid, false, m->u.text.text);
}

/*
 * Counters of checks that changed nothing.  A host the operator reset
 * since (disabled, or enabled and unknown until its next status) keeps
 * its own: the batch was counted before.
 */
static int
host_counters(struct pfe *p, const struct msg *m)
{
	const struct msg_host_counters	*c = &m->u.host_counters;
	struct pfe_host			*h;
	uint32_t			 i;

	if (m->gen != p->cfg->gen) {
		pfe_log(p, 0, "pfe: counters of %u hosts of configuration %u "
		    "refused: configuration %u is running", c->n, m->gen,
		    p->cfg->gen);
		return 0;
	}
	for (i = 0; i < c->n; i++)
		if (!pfe_host_ok(p, c->e[i].host_id))
			return -1;
	for (i = 0; i < c->n; i++) {
		h = &p->hosts[c->e[i].host_id];
		if (h->disabled || h->st.state == HOST_UNKNOWN ||
		    p->tables[p->cfg->hosts[c->e[i].host_id].table_id].disabled)
			continue;
		h->st.check_cnt = c->e[i].check_cnt;
		h->st.up_cnt = c->e[i].up_cnt;
		h->rtt_ms = c->e[i].rtt_ms;
		h->st.rtt = c->e[i].rtt;
	}
	return 0;
}

int
pfe_dispatch(struct pfe *p, enum hs_peer peer, const struct msg *m,
    uint64_t now_ms)
{
	p->now_ms = now_ms;
	switch (m->type) {
	case MSG_HOST_STATUS:
		if (peer != PEER_HCE)
			return -1;
		return host_status(p, m);
	case MSG_HOST_COUNTERS:
		if (peer != PEER_HCE)
			return -1;
		return host_counters(p, m);
	case MSG_CMD_DONE:
		if (peer != PEER_HCE)
			return -1;
		cmd_done(p, m);
		return 0;
	case MSG_RELAY_READY:
		if (peer != PEER_RELAY)
			return -1;
		return pfe_relay_ready(p, m);
	case MSG_RELOAD_RESULT:
		if (peer != PEER_PARENT)
			return -1;
		reload_result(p, m);
		return 0;
	default:
		return -1;
	}
}

void
pfe_start(struct pfe *p, uint64_t now_ms)
{
	p->now_ms = now_ms;
	pfe_l3_start(p);
	pfe_l3_sync(p);
}

void
pfe_shutdown(struct pfe *p, uint64_t now_ms)
{
	size_t	i;

	p->now_ms = now_ms;
	pfe_l3_shutdown(p);
	for (i = 0; i < p->cfg->ntables; i++)
		if (p->tables[i].demoted)
			demote_send(p, (uint32_t)i, -1);
}

/* Release what the old configuration had and the new one drops. */
static void
reload_release(struct pfe *p, const struct config *cfg)
{
	const struct config	*old = p->cfg;
	const struct table_conf	*nt;
	size_t			 i;

	pfe_l3_release(p, cfg);
	for (i = 0; i < old->ntables; i++) {
		if (!p->tables[i].demoted)
			continue;
		nt = config_table_by_name(cfg, old->tables[i].name);
		if (nt == NULL || !config_table_live(nt) ||
		    strcmp(nt->demote, old->tables[i].demote) != 0)
			demote_send(p, (uint32_t)i, -1);
	}
}

static void
reload_carry_hosts(struct pfe *p, const struct pfe *old, const uint32_t *map)
{
	size_t	i;

	for (i = 0; map != NULL && i < p->cfg->nhosts; i++) {
		const struct pfe_host	*oh;

		if (map[i] == HS_ID_NONE || map[i] >= old->cfg->nhosts ||
		    !pfe_host_ok(p, (uint32_t)i) ||
		    p->tables[p->cfg->hosts[i].table_id].disabled)
			continue;
		oh = &old->hosts[map[i]];
		if (oh->disabled)
			continue;
		pfe_set_state(p, (uint32_t)i, oh->st.state);
		p->hosts[i].st = oh->st;
		p->hosts[i].rtt_ms = oh->rtt_ms;
		p->hosts[i].detail = oh->detail;
		p->hosts[i].error_ms = oh->error_ms;
	}
}

static void
reload_carry_objects(struct pfe *p, struct pfe *old)
{
	const struct table_conf		*t;
	size_t				 i;

	for (i = 0; i < old->cfg->ntables; i++) {
		if (!old->tables[i].demoted ||
		    (t = config_table_by_name(p->cfg,
		    old->cfg->tables[i].name)) == NULL)
			continue;
		p->tables[t->id].demoted = true;
	}
	pfe_l3_carry(p, old);
}

int
pfe_reload_prepare(struct pfe *p, const struct config *cfg)
{
	struct pfe	*next;

	pfe_reload_abort(p);
	if ((next = calloc(1, sizeof(*next))) == NULL)
		return -1;
	if ((p->next_map = config_host_map(p->cfg, cfg)) == NULL ||
	    pfe_arrays_alloc(next, cfg) == -1) {
		free(next);
		free(p->next_map);
		p->next_map = NULL;
		return -1;
	}
	p->next = next;
	return 0;
}

void
pfe_reload_abort(struct pfe *p)
{
	if (p->next != NULL) {
		pfe_arrays_free(p->next);
		free(p->next);
		p->next = NULL;
	}
	free(p->next_map);
	p->next_map = NULL;
}

void
pfe_reload_commit(struct pfe *p, uint64_t now_ms)
{
	struct pfe	 old;

	HS_ASSERT(p->next != NULL);
	p->now_ms = now_ms;
	reload_release(p, p->next->cfg);
	old = *p;
	p->cfg = p->next->cfg;
	p->hosts = p->next->hosts;
	p->tables = p->next->tables;
	p->services = p->next->services;
	p->relay = p->next->relay;
	free(p->next);
	p->next = NULL;
	pfe_relay_carry(p, &old);
	pfe_init_unchecked(p);
	reload_carry_hosts(p, &old, p->next_map);
	reload_carry_objects(p, &old);
	free(p->next_map);
	p->next_map = NULL;
	pfe_arrays_free(&old);
	p->count.reload_ok++;
	p->count.reload_last_ms = now_ms;
	p->count.reload_last_ok = true;
	pfe_emit(p, EV_RELOAD, 0, "", 0);
	pfe_sync(p);
	if (p->reload_gen != 0 && p->reload_gen == p->cfg->gen) {
		pfe_reply(p, p->reload_client, true, "");
		p->reload_gen = 0;
	}
}

int
pfe_reload(struct pfe *p, const struct config *cfg, uint64_t now_ms)
{
	if (pfe_reload_prepare(p, cfg) == -1) {
		pfe_log(p, 0, "pfe: reload failed: out of memory");
		return -1;
	}
	pfe_reload_commit(p, now_ms);
	return 0;
}

uint32_t
pfe_gen(const struct pfe *p)
{
	return p->cfg->gen;
}

enum host_state
pfe_host_state(const struct pfe *p, uint32_t id)
{
	return id < p->cfg->nhosts ? p->hosts[id].st.state : HOST_UNKNOWN;
}

bool
pfe_host_disabled(const struct pfe *p, uint32_t id)
{
	return id < p->cfg->nhosts && p->hosts[id].disabled;
}

void
pfe_host_counts(const struct pfe *p, uint32_t id, uint32_t *check_cnt,
    uint32_t *up_cnt)
{
	*check_cnt = id < p->cfg->nhosts ? p->hosts[id].st.check_cnt : 0;
	*up_cnt = id < p->cfg->nhosts ? p->hosts[id].st.up_cnt : 0;
}

bool
pfe_table_disabled(const struct pfe *p, uint32_t id)
{
	return id < p->cfg->ntables && p->tables[id].disabled;
}

uint32_t
pfe_table_up(const struct pfe *p, uint32_t id)
{
	return table_up(p, id);
}

bool
pfe_table_demoted(const struct pfe *p, uint32_t id)
{
	return id < p->cfg->ntables && p->tables[id].demoted;
}

bool
pfe_service_disabled(const struct pfe *p, uint32_t id)
{
	return id < p->cfg->nservices && p->services[id].disabled;
}
