/*
 * Invariants of a simulated run; see invariants.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sim/world.h"
#include "core/ctl.h"
#include "core/lb.h"
#include "core/pfe.h"
#include "sim/invariants.h"

static uint64_t
table_interval_ms(const struct world *w, const struct table_conf *t)
{
	uint32_t	s = t->interval_s != 0 ? t->interval_s :
			    w->conf->interval_s;

	return (uint64_t)s * 1000;
}

/* When the virtual host behind host id started failing its checks. */
static uint64_t
fail_since(const struct world *w, uint32_t id)
{
	const struct vhost	*vh = &w->vhosts[w->hosts[id].vhost];
	uint64_t		 now = w->clock.now_ms;

	if (vh->reach != VH_FLAP)
		return w->hosts[id].fail_since;
	if (vhost_reach_at(vh, now) != VH_DOWN)
		return HS_TIME_NEVER;
	return vhost_phase_start(vh, now);
}

/*
 * May host id be in a layer-3 table or be chosen by a relay?  Enabled,
 * in an enabled table, its latest completed check passed (or failed
 * within its retry allowance), and not down for longer than the engine
 * may take to notice.
 */
static bool
host_servable(const struct world *w, uint32_t id, const char **why)
{
	const struct host_conf	*h = &w->conf->hosts[id];
	const struct table_conf	*t = config_table(w->conf, h->table_id);
	const struct world_host	*wh = &w->hosts[id];
	uint64_t		 since, limit;

	if (pfe_host_disabled(w->pfe, id)) {
		*why = "is disabled";
		return false;
	}
	if (t == NULL || pfe_table_disabled(w->pfe, t->id)) {
		*why = "is in a disabled table";
		return false;
	}
	if (t->check.type == CHECK_NONE)
		return true;	/* unchecked relay tables: hosts count as up */
	if (wh->results == 0) {
		*why = "was never checked";
		return false;
	}
	if (!wh->last_up && wh->fails > h->retry) {
		*why = "failed its latest checks";
		return false;
	}
	since = fail_since(w, id);
	/* A reload restarts every check: count from then at the latest. */
	if (since != HS_TIME_NEVER && since < w->reload_ms)
		since = w->reload_ms;
	limit = (uint64_t)(h->retry + 1) * table_interval_ms(w, t) +
	    t->timeout_ms;
	if (since != HS_TIME_NEVER && w->clock.now_ms > since + limit) {
		*why = "has been down for more than its retries' intervals "
		    "plus a timeout";
		return false;
	}
	return true;
}

/* A host of table tid at this address that may be served, or why not. */
static bool
address_servable(const struct world *w, uint32_t tid,
    const struct hs_addr *a, uint32_t *bad_id, const char **why)
{
	const struct table_conf	*t = config_table(w->conf, tid);
	size_t			 i;
	uint32_t		 hid;

	*why = "belongs to no host of the service's active table";
	*bad_id = HS_ID_NONE;
	for (i = 0; t != NULL && i < t->nhosts; i++) {
		hid = t->host_ids[i];
		if (!addr_equal(&w->conf->hosts[hid].addr, a))
			continue;
		*bad_id = hid;
		if (host_servable(w, hid, why))
			return true;
	}
	return false;
}

static uint32_t
table_hosts_up(const struct world *w, uint32_t tid)
{
	const struct table_conf	*t = config_table(w->conf, tid);
	uint32_t		 n = 0;
	size_t			 i;

	if (t == NULL || pfe_table_disabled(w->pfe, tid))
		return 0;
	for (i = 0; i < t->nhosts; i++)
		if (!pfe_host_disabled(w->pfe, t->host_ids[i]) &&
		    pfe_host_state(w->pfe, t->host_ids[i]) == HOST_UP)
			n++;
	return n;
}

static void
table_status_word(const struct world *w, uint32_t tid, struct buf *out)
{
	uint32_t	up = table_hosts_up(w, tid);

	if (pfe_table_disabled(w->pfe, tid))
		buf_puts(out, "disabled");
	else if (up == 0)
		buf_puts(out, "empty");
	else
		buf_printf(out, "active (%u hosts up)", up);
}

/* Every address in a service's layer-3 table may be served. */
static int
check_layer3(struct world *w, const struct service_conf *s, struct buf *msg,
    struct buf *exp)
{
	const struct rec_service	*rs;
	const struct table_conf		*t;
	const char			*why = NULL, *bad_why = NULL;
	uint32_t			 bad = HS_ID_NONE, id;
	char				 a[HS_ADDRSTR_MAX];
	size_t				 i;
	int				 nok = 0;

	rs = recorder_service(&w->rec, s->name);
	if (rs == NULL || rs->naddrs == 0)
		return 0;
	t = config_table_by_name(w->conf, rs->table);
	buf_printf(exp, "expect layer3 %s \"", s->name);
	for (i = 0; i < rs->naddrs; i++) {
		if (pfe_service_disabled(w->pfe, s->id)) {
			why = "is served by a disabled service";
			id = HS_ID_NONE;
		} else if (t != NULL &&
		    address_servable(w, t->id, &rs->addrs[i], &id, &why)) {
			buf_printf(exp, "%s%s", nok++ > 0 ? " " : "",
			    addr_fmt(&rs->addrs[i], a, sizeof(a)));
			continue;
		}
		if (bad_why == NULL) {
			bad_why = why;
			bad = id;
			buf_printf(msg, "service %s: layer-3 table holds %s, "
			    "which %s", s->name,
			    addr_fmt(&rs->addrs[i], a, sizeof(a)), why);
		}
	}
	buf_puts(exp, "\"\n");
	(void)bad;
	if (bad_why != NULL)
		return -1;
	buf_reset(exp);
	return 0;
}

/* The backup table is in use iff the main one has no host up. */
static int
check_backup(struct world *w, const struct service_conf *s, struct buf *msg,
    struct buf *exp)
{
	uint32_t	want = HS_ID_NONE, got;
	const char	*word;

	if (!pfe_service_disabled(w->pfe, s->id)) {
		if (table_hosts_up(w, s->table_id) > 0)
			want = s->table_id;
		else if (s->backup_id != HS_ID_NONE &&
		    table_hosts_up(w, s->backup_id) > 0)
			want = s->backup_id;
	}
	got = pfe_service_active(w->pfe, s->id);
	if (got == want)
		return 0;
	word = pfe_service_disabled(w->pfe, s->id) ? "disabled" :
	    want == HS_ID_NONE ? "down" : want == s->backup_id ?
	    "active (using backup table)" : "active";
	buf_printf(msg, "service %s uses table %d, but its hosts say %s",
	    s->name, got == HS_ID_NONE ? -1 : (int)got, word);
	buf_printf(exp, "expect service %s \"%s\"\n", s->name, word);
	return -1;
}

static int
check_table_up(struct world *w, const struct table_conf *t, struct buf *msg,
    struct buf *exp)
{
	uint32_t	want = table_hosts_up(w, t->id);

	if (pfe_table_up(w->pfe, t->id) == want)
		return 0;
	buf_printf(msg, "table %s counts %u hosts up, its hosts say %u",
	    t->name, pfe_table_up(w->pfe, t->id), want);
	buf_puts(exp, "expect table ");
	buf_printf(exp, "%s \"", t->name);
	table_status_word(w, t->id, exp);
	buf_puts(exp, "\"\n");
	return -1;
}

/* A demoting table is settled empty: enabled, none up, one checked down. */
static bool
table_demotes(const struct world *w, const struct table_conf *t)
{
	size_t	i;

	if (t->demote[0] == '\0' || !config_table_live(t) ||
	    pfe_table_disabled(w->pfe, t->id) || table_hosts_up(w, t->id) > 0)
		return false;
	for (i = 0; i < t->nhosts; i++)
		if (!pfe_host_disabled(w->pfe, t->host_ids[i]) &&
		    pfe_host_state(w->pfe, t->host_ids[i]) == HOST_DOWN)
			return true;
	return false;
}

static int
check_demote(struct world *w, struct buf *msg, struct buf *exp)
{
	const struct table_conf	*t, *u;
	size_t			 i, j;
	int64_t			 want;

	for (i = 0; i < w->conf->ntables; i++) {
		t = &w->conf->tables[i];
		if (t->demote[0] == '\0' || !config_table_live(t))
			continue;
		want = 0;
		for (j = 0; j < w->conf->ntables; j++) {
			u = &w->conf->tables[j];
			if (strcmp(u->demote, t->demote) == 0 &&
			    table_demotes(w, u))
				want++;
		}
		if (recorder_group(&w->rec, t->demote) == want)
			continue;
		buf_printf(msg, "carp group %s is demoted %lld times, "
		    "%lld of its tables are empty", t->demote,
		    (long long)recorder_group(&w->rec, t->demote),
		    (long long)want);
		buf_printf(exp, "expect demote %s %lld\n", t->demote,
		    (long long)want);
		return -1;
	}
	return 0;
}

static size_t
lb_hosts(const struct world *w, uint32_t tid, struct lb_host *out)
{
	const struct table_conf	*t = config_table(w->conf, tid);
	size_t			 i;

	for (i = 0; t != NULL && i < t->nhosts; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].id = t->host_ids[i];
		out[i].addr = w->conf->hosts[t->host_ids[i]].addr;
		out[i].weight = w->conf->hosts[t->host_ids[i]].weight;
		out[i].up = !pfe_table_disabled(w->pfe, tid) &&
		    !pfe_host_disabled(w->pfe, t->host_ids[i]) &&
		    pfe_host_state(w->pfe, t->host_ids[i]) == HOST_UP;
	}
	return t != NULL ? t->nhosts : 0;
}

/* The host a relay would choose for a client may be served. */
static int
check_relay(struct world *w, const struct relay_conf *r, struct buf *msg)
{
	struct lb_host		*m, *b;
	struct lb_client	 cl;
	struct lb_state		 st;
	uint8_t			 key[LB_KEY_LEN];
	const char		*why = "";
	size_t			 nm, nb;
	int			 id, rv = 0;

	if (r->disabled || r->table_id == HS_ID_NONE)
		return 0;
	m = calloc(w->conf->nhosts + 1, sizeof(*m));
	b = calloc(w->conf->nhosts + 1, sizeof(*b));
	if (m == NULL || b == NULL) {
		free(m);
		free(b);
		return 0;
	}
	nm = lb_hosts(w, r->table_id, m);
	nb = r->backup_id != HS_ID_NONE ? lb_hosts(w, r->backup_id, b) : 0;
	memset(&cl, 0, sizeof(cl));
	(void)addr_parse("192.0.2.1", &cl.addr);
	cl.addr.bytes[3] = (uint8_t)(w->clock.now_ms & 0xff);
	memset(key, 0x5a, sizeof(key));
	lb_state_init(&st, w->clock.now_ms, key);
	id = lb_select(r->mode, m, nm, b, nb, &cl, &st);
	if (id >= 0 && !host_servable(w, (uint32_t)id, &why)) {
		buf_printf(msg, "relay %s chose host %s (id %d), which %s",
		    r->name, w->conf->hosts[id].name, id, why);
		rv = -1;
	}
	free(m);
	free(b);
	return rv;
}

static int
check_availability(struct world *w, struct buf *msg, struct buf *exp)
{
	struct ctl_row	*rows = NULL;
	int		 n, i, rv = 0;

	if ((n = pfe_rows(w->pfe, CTL_SHOW_HOSTS, w->clock.now_ms,
	    &rows)) == -1)
		return 0;
	for (i = 0; i < n && rv == 0; i++) {
		if (rows[i].type != OBJ_HOST ||
		    rows[i].up_cnt <= rows[i].check_cnt)
			continue;
		buf_printf(msg, "host %s (id %u): %u up checks out of %u",
		    rows[i].name, rows[i].id, rows[i].up_cnt,
		    rows[i].check_cnt);
		buf_printf(exp, "expect availability %s \"100.00%%\"\n",
		    rows[i].name);
		rv = -1;
	}
	free(rows);
	return rv;
}

int
invariants_check(struct world *w, struct buf *msg, struct buf *exp)
{
	const struct config	*c = w->conf;
	size_t			 i;

	for (i = 0; i < c->ntables; i++)
		if (config_table_live(&c->tables[i]) &&
		    check_table_up(w, &c->tables[i], msg, exp) == -1)
			return -1;
	for (i = 0; i < c->nservices; i++) {
		if (check_backup(w, &c->services[i], msg, exp) == -1 ||
		    check_layer3(w, &c->services[i], msg, exp) == -1)
			return -1;
	}
	if (check_demote(w, msg, exp) == -1)
		return -1;
	for (i = 0; i < c->nrelays; i++)
		if (check_relay(w, &c->relays[i], msg) == -1)
			return -1;
	return check_availability(w, msg, exp);
}
