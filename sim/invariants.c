/*
 * The invariants of a simulated run, one object at a time; see
 * invariants.h.  Lookups go through the index, so that a check costs
 * what the object is, not what the configuration is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sim/world.h"
#include "core/ctl.h"
#include "core/hce.h"
#include "core/lb.h"
#include "core/relay_hosts.h"
#include "core/pfe.h"
#include "sim/invariants_priv.h"

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

/* The first of table tid's hosts at a, in the index, or its end. */
static size_t
addr_first(const struct inv_index *ix, uint32_t tid, const struct hs_addr *a,
    size_t *end)
{
	size_t	lo = ix->addr_off[tid], hi = ix->addr_off[tid + 1], mid;

	*end = hi;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (addr_cmp(&ix->addrs[mid].addr, a) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A host of table tid at this address that may be served, or why not. */
static bool
address_servable(const struct world *w, const struct inv_index *ix,
    uint32_t tid, const struct hs_addr *a, uint32_t *bad_id,
    const char **why)
{
	size_t	i, end;

	*why = "belongs to no host of the service's active table";
	*bad_id = HS_ID_NONE;
	if (tid == HS_ID_NONE)
		return false;
	for (i = addr_first(ix, tid, a, &end); i < end &&
	    addr_equal(&ix->addrs[i].addr, a); i++) {
		*bad_id = ix->addrs[i].host_id;
		if (host_servable(w, *bad_id, why))
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

/*
 * Has the kernel accepted the service's operations for longer than the
 * engine's longest retry delay?  Only then must it hold what the engine
 * wants.
 */
static bool
layer3_settled(const struct world *w, const struct rec_service *rs)
{
	if (rs == NULL || !rs->failed)
		return true;
	return !rs->failing &&
	    w->clock.now_ms > rs->ok_since + L3_RETRY_MAX_MS;
}

static int
addr_qsort_cmp(const void *a, const void *b)
{
	return addr_cmp(a, b);
}

/* Once settled, layer 3 holds what the engine wants, rules and hosts. */
static int
check_converged(struct world *w, struct inv_index *ix,
    const struct service_conf *s, struct buf *msg, struct buf *exp)
{
	const struct rec_service	*rs = inv_rec(ix, w, s->id);
	struct hs_addr			*want = ix->want;
	char				 a[HS_ADDRSTR_MAX];
	size_t				 n, i;
	bool				 rules, same;

	rules = pfe_service_want(w->pfe, s->id, want, w->conf->nhosts, &n);
	qsort(want, n, sizeof(*want), addr_qsort_cmp);
	same = rules == (rs != NULL && rs->rules) &&
	    n == (rs != NULL ? rs->naddrs : 0);
	for (i = 0; same && i < n; i++)
		same = addr_equal(&want[i], &rs->addrs[i]);
	if (same)
		return 0;
	buf_printf(msg, "service %s: layer 3 has not converged to what the "
	    "engine wants (rules %s, %zu hosts)", s->name,
	    rules ? "loaded" : "removed", n);
	buf_printf(exp, "expect rules %s %s\n", s->name,
	    rules ? "loaded" : "removed");
	buf_printf(exp, "expect layer3 %s \"", s->name);
	for (i = 0; i < n; i++)
		buf_printf(exp, "%s%s", i > 0 ? " " : "",
		    addr_fmt(&want[i], a, sizeof(a)));
	buf_puts(exp, "\"\n");
	return -1;
}

/* The table a service's layer-3 addresses came from. */
static uint32_t
layer3_table(const struct world *w, const struct service_conf *s,
    const struct rec_service *rs)
{
	const struct table_conf	*t;

	t = config_table(w->conf, s->table_id);
	if (t != NULL && strcmp(t->name, rs->table) == 0)
		return t->id;
	t = config_table(w->conf, s->backup_id);
	if (t != NULL && strcmp(t->name, rs->table) == 0)
		return t->id;
	t = config_table_by_name(w->conf, rs->table);
	return t != NULL ? t->id : HS_ID_NONE;
}

/* May the service's layer-3 table hold its i-th address?  Why not. */
static bool
layer3_ok(const struct world *w, const struct inv_index *ix,
    const struct service_conf *s, const struct rec_service *rs,
    uint32_t tid, size_t i, const char **why)
{
	uint32_t	id;

	if (pfe_service_disabled(w->pfe, s->id)) {
		*why = "is served by a disabled service";
		return false;
	}
	return address_servable(w, ix, tid, &rs->addrs[i], &id, why);
}

/*
 * Every address in a service's layer-3 table may be served.  Only a
 * violation is put in words: what failed, and what the table should
 * hold.
 */
static int
check_layer3(struct world *w, struct inv_index *ix,
    const struct service_conf *s, struct buf *msg, struct buf *exp)
{
	const struct rec_service	*rs;
	const char			*why = NULL;
	char				 a[HS_ADDRSTR_MAX];
	uint32_t			 tid;
	size_t				 i, bad;
	int				 nok = 0;

	rs = inv_rec(ix, w, s->id);
	if (rs == NULL || rs->naddrs == 0)
		return 0;
	tid = layer3_table(w, s, rs);
	for (bad = 0; bad < rs->naddrs; bad++)
		if (!layer3_ok(w, ix, s, rs, tid, bad, &why))
			break;
	if (bad == rs->naddrs)
		return 0;
	buf_printf(msg, "service %s: layer-3 table holds %s, which %s",
	    s->name, addr_fmt(&rs->addrs[bad], a, sizeof(a)), why);
	buf_printf(exp, "expect layer3 %s \"", s->name);
	for (i = 0; i < rs->naddrs; i++)
		if (i != bad && layer3_ok(w, ix, s, rs, tid, i, &why))
			buf_printf(exp, "%s%s", nok++ > 0 ? " " : "",
			    addr_fmt(&rs->addrs[i], a, sizeof(a)));
	buf_puts(exp, "\"\n");
	return -1;
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

int
inv_group(struct world *w, struct inv_index *ix, uint32_t g,
    struct buf *msg, struct buf *exp)
{
	const struct table_conf	*t;
	const char		*group;
	uint32_t		 i;
	int64_t			 want = 0, have;

	if (g >= ix->ngroups)
		return 0;
	group = w->conf->tables[ix->group_tables[ix->group_off[g]]].demote;
	for (i = ix->group_off[g]; i < ix->group_off[g + 1]; i++) {
		t = &w->conf->tables[ix->group_tables[i]];
		if (table_demotes(w, t))
			want++;
	}
	if ((have = recorder_group(&w->rec, group)) == want)
		return 0;
	buf_printf(msg, "carp group %s is demoted %lld times, "
	    "%lld of its tables are empty", group, (long long)have,
	    (long long)want);
	buf_printf(exp, "expect demote %s %lld\n", group, (long long)want);
	return -1;
}

/* The PFE's word on host id: up, enabled, in an enabled table. */
static bool
pfe_usable(const struct world *w, uint32_t id)
{
	return !pfe_table_disabled(w->pfe, w->conf->hosts[id].table_id) &&
	    !pfe_host_disabled(w->pfe, id) &&
	    pfe_host_state(w->pfe, id) == HOST_UP;
}

/*
 * With nothing in flight, the relay process's view of table tid is the
 * PFE's; every host it may choose may be served.
 */
static int
check_relay_table(struct world *w, const struct relay_conf *r, uint32_t tid,
    struct buf *msg)
{
	const struct table_conf	*t = config_table(w->conf, tid);
	const char		*why = "";
	uint32_t		 id;
	bool			 seen;
	size_t			 i;

	for (i = 0; t != NULL && i < t->nhosts; i++) {
		id = t->host_ids[i];
		seen = relay_hosts_usable(w->relay, id);
		/* The PFE's word may be on its way. */
		if (w->nbusy == 0 && seen != pfe_usable(w, id)) {
			buf_printf(msg, "relay %s: the relay process sees host "
			    "%s (id %u) %s, the pfe %s", r->name,
			    w->conf->hosts[id].name, id, seen ? "up" :
			    "not up", seen ? "not up" : "up");
			return -1;
		}
		if (seen && !host_servable(w, id, &why)) {
			buf_printf(msg, "relay %s may choose host %s (id %u), "
			    "which %s", r->name, w->conf->hosts[id].name, id,
			    why);
			return -1;
		}
	}
	return 0;
}

/*
 * No new session goes to a host that may not be served, and the hashing
 * methods choose the same hosts while the hosts up stay the same.
 */
int
inv_relay(struct world *w, struct inv_index *ix, uint32_t rid,
    struct buf *msg)
{
	const struct relay_conf	*r = &w->conf->relays[rid];

	(void)ix;
	if (r->disabled || relay_unsupported(w->conf, r) != NULL)
		return 0;
	if (check_relay_table(w, r, relay_main_table(w->conf, r), msg) == -1 ||
	    check_relay_table(w, r, relay_backup_table(w->conf, r), msg) == -1)
		return -1;
	return world_relay_stable(w, r->id, msg);
}

/* What the PFE would show had it taken every status: if words can say. */
static void
host_expect(const char *name, enum host_state ps, enum host_state hs,
    const char *pav, const char *hav, struct buf *exp)
{
	if (ps != hs)
		buf_printf(exp, "expect host %s %s\n", name,
		    host_state_name(hs));
	else if (strcmp(pav, hav) != 0)
		buf_printf(exp, "expect availability %s \"%s\"\n", name, hav);
}

/*
 * No host has more up checks than checks, and with nothing in flight
 * the PFE shows every checked host as the HCE has it: a status the PFE
 * did not take is a state or an availability nobody sees.  Only the
 * counters of checks that changed nothing may lag, while the HCE holds
 * them for its next batch.
 */
int
inv_host_counts(struct world *w, uint32_t hid, struct buf *msg,
    struct buf *exp)
{
	const struct host_conf	*h = &w->conf->hosts[hid];
	const struct table_conf	*t = config_table(w->conf, h->table_id);
	uint32_t		 checks, up, hchecks, hup;
	enum host_state		 ps, hs;
	char			 a[32], b[32];

	pfe_host_counts(w->pfe, hid, &checks, &up);
	if (up > checks) {
		buf_printf(msg, "host %s (id %u): %u up checks out of %u",
		    h->name, hid, up, checks);
		buf_printf(exp, "expect availability %s \"100.00%%\"\n",
		    h->name);
		return -1;
	}
	if (t == NULL || !config_table_live(t) ||
	    t->check.type == CHECK_NONE)
		return 0;
	hce_host_counts(w->hce, hid, &hchecks, &hup);
	ps = pfe_host_state(w->pfe, hid);
	hs = hce_host_state(w->hce, hid);
	if (ps == hs && checks == hchecks && up == hup)
		return 0;
	/* Counters of checks that changed nothing come in batches. */
	if (ps == hs && hce_host_counts_pending(w->hce, hid) &&
	    checks <= hchecks && up <= hup)
		return 0;
	buf_printf(msg, "host %s (id %u): the pfe shows %s, %u/%u checks up, "
	    "the hce has %s, %u/%u", h->name, hid, host_state_name(ps), up,
	    checks, host_state_name(hs), hup, hchecks);
	host_expect(h->name, ps, hs, ctl_avail_str(up, checks, a, sizeof(a)),
	    ctl_avail_str(hup, hchecks, b, sizeof(b)), exp);
	return -1;
}

static bool
addrs_have(const struct rec_service *rs, const struct hs_addr *a)
{
	size_t	lo = 0, hi = rs->naddrs, mid;
	int	c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = addr_cmp(&rs->addrs[mid], a)) == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/*
 * A host's result came: its counters, and each layer-3 table holding
 * its address from its table may still hold it.
 */
int
inv_host(struct world *w, struct inv_index *ix, uint32_t hid,
    struct buf *msg, struct buf *exp)
{
	const struct host_conf		*h = &w->conf->hosts[hid];
	const struct rec_service	*rs;
	const struct service_conf	*s;
	const char			*why;
	uint32_t			 i, tid = h->table_id, bad;

	if (inv_host_counts(w, hid, msg, exp) == -1)
		return -1;
	if (tid >= w->conf->ntables)
		return 0;
	for (i = ix->svc_off[tid]; i < ix->svc_off[tid + 1]; i++) {
		s = &w->conf->services[ix->svc[i]];
		rs = inv_rec(ix, w, s->id);
		if (rs == NULL || rs->naddrs == 0 || !layer3_settled(w, rs) ||
		    strcmp(rs->table, w->conf->tables[tid].name) != 0 ||
		    !addrs_have(rs, &h->addr))
			continue;
		if (pfe_service_disabled(w->pfe, s->id) ||
		    !address_servable(w, ix, tid, &h->addr, &bad, &why))
			return check_layer3(w, ix, s, msg, exp);
	}
	return 0;
}

/* A service shown active has its rules in the kernel. */
static int
check_active_installed(struct world *w, struct inv_index *ix,
    const struct service_conf *s, struct buf *msg, struct buf *exp)
{
	const struct rec_service	*rs = inv_rec(ix, w, s->id);
	enum ctl_status			 st = pfe_service_status(w->pfe, s->id);

	if ((st != ST_ACTIVE && st != ST_ACTIVE_BACKUP) ||
	    (rs != NULL && rs->rules))
		return 0;
	buf_printf(msg, "service %s is shown active without rules in the "
	    "kernel", s->name);
	buf_printf(exp, "expect service %s \"not installed\"\n", s->name);
	return -1;
}

int
inv_service(struct world *w, struct inv_index *ix, uint32_t sid,
    struct buf *msg, struct buf *exp)
{
	const struct service_conf	*s = &w->conf->services[sid];

	if (check_backup(w, s, msg, exp) == -1)
		return -1;
	if (check_active_installed(w, ix, s, msg, exp) == -1)
		return -1;
	if (!layer3_settled(w, inv_rec(ix, w, sid)))
		return 0;
	if (check_converged(w, ix, s, msg, exp) == -1)
		return -1;
	return check_layer3(w, ix, s, msg, exp);
}

/* A host of the table changed state: everything that depends on it. */
int
inv_table(struct world *w, struct inv_index *ix, uint32_t tid,
    struct buf *msg, struct buf *exp)
{
	uint32_t	i;

	if (!config_table_live(&w->conf->tables[tid]))
		return 0;
	if (check_table_up(w, &w->conf->tables[tid], msg, exp) == -1)
		return -1;
	for (i = ix->svc_off[tid]; i < ix->svc_off[tid + 1]; i++)
		if (inv_service(w, ix, ix->svc[i], msg, exp) == -1)
			return -1;
	if (inv_group(w, ix, ix->group_of[tid], msg, exp) == -1)
		return -1;
	for (i = ix->relay_off[tid]; i < ix->relay_off[tid + 1]; i++)
		if (inv_relay(w, ix, ix->relay[i], msg) == -1)
			return -1;
	return 0;
}
