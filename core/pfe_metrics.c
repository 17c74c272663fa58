/*
 * show metrics: the PFE's view of every host, table, service and relay
 * in the Prometheus text format.  The states are those of the show
 * commands (the same row builders), so the two never disagree.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/pfe_priv.h"
#include "core/prom.h"

#define M_PREFIX	"hoststated_"

struct metrics {
	const struct pfe	*p;
	const struct ctl_row	*relays;	/* show relays, summed */
	size_t			 nrelays;
	uint64_t		 now_ms;	/* the engine's clock */
	uint64_t		 wall_ms;	/* since the epoch */
	struct buf		*b;
};

/* A time of the engine's clock as seconds since the epoch. */
static uint64_t
wall_of(const struct metrics *x, uint64_t ms)
{
	uint64_t	ago = x->now_ms > ms ? x->now_ms - ms : 0;

	return x->wall_ms > ago ? x->wall_ms - ago : 0;
}

static void
m_daemon(const struct metrics *x, uint64_t start_wall_ms)
{
	const struct pfe_counters	*c = &x->p->count;
	struct prom_label		 l[1] = { { "result", "success" } };

	prom_family(x->b, M_PREFIX "start_time_seconds", "gauge",
	    "When the daemon started, in seconds since the epoch.");
	prom_sample_ms(x->b, M_PREFIX "start_time_seconds", NULL, 0,
	    start_wall_ms);
	prom_family(x->b, M_PREFIX "config_generation", "gauge",
	    "Generation of the running configuration, 1 at start.");
	prom_sample_u64(x->b, M_PREFIX "config_generation", NULL, 0,
	    x->p->cfg->gen);
	prom_family(x->b, M_PREFIX "config_reloads_total", "counter",
	    "Configuration reloads, by result.");
	prom_sample_u64(x->b, M_PREFIX "config_reloads_total", l, 1,
	    c->reload_ok);
	l[0].value = "failure";
	prom_sample_u64(x->b, M_PREFIX "config_reloads_total", l, 1,
	    c->reload_failed);
	prom_family(x->b, M_PREFIX "config_last_reload_successful", "gauge",
	    "Whether the last reload succeeded (1 before any reload).");
	prom_sample_u64(x->b, M_PREFIX "config_last_reload_successful",
	    NULL, 0, c->reload_last_ms == 0 || c->reload_last_ok);
	if (c->reload_last_ms == 0)
		return;
	prom_family(x->b, M_PREFIX "config_last_reload_timestamp_seconds",
	    "gauge", "When the last reload ended, in seconds since the "
	    "epoch.");
	prom_sample_ms(x->b, M_PREFIX "config_last_reload_timestamp_seconds",
	    NULL, 0, wall_of(x, c->reload_last_ms));
}

/* Hosts of live tables, in id order: each once. */
static bool
host_next(const struct pfe *p, uint32_t *hid)
{
	for (; *hid < p->cfg->nhosts; (*hid)++)
		if (pfe_host_ok(p, *hid))
			return true;
	return false;
}

static void
host_labels(const struct pfe *p, uint32_t hid, struct prom_label *l)
{
	l[0].name = "table";
	l[0].value = p->cfg->tables[p->cfg->hosts[hid].table_id].name;
	l[1].name = "host";
	l[1].value = p->cfg->hosts[hid].name;
}

static const char *
host_state_label(uint8_t status)
{
	switch (status) {
	case ST_UP:
		return "up";
	case ST_DOWN:
		return "down";
	case ST_DISABLED:
		return "disabled";
	default:
		return "unknown";
	}
}

static void
m_host_states(const struct metrics *x)
{
	static const uint8_t	 states[] = { ST_UNKNOWN, ST_UP, ST_DOWN,
				    ST_DISABLED };
	struct prom_label	 l[3];
	struct ctl_row		 v;
	uint32_t		 hid;
	size_t			 i;

	prom_family(x->b, M_PREFIX "host_up", "gauge",
	    "Whether the host passes its table's check (1) or not (0).");
	for (hid = 0; host_next(x->p, &hid); hid++) {
		memset(&v, 0, sizeof(v));
		pfe_row_host(x->p, hid, x->now_ms, &v);
		host_labels(x->p, hid, l);
		prom_sample_u64(x->b, M_PREFIX "host_up", l, 2,
		    v.status == ST_UP);
	}
	prom_family(x->b, M_PREFIX "host_state", "gauge",
	    "The host's state: 1 for the state it is in, 0 for the others.");
	for (hid = 0; host_next(x->p, &hid); hid++) {
		memset(&v, 0, sizeof(v));
		pfe_row_host(x->p, hid, x->now_ms, &v);
		host_labels(x->p, hid, l);
		l[2].name = "state";
		for (i = 0; i < sizeof(states); i++) {
			l[2].value = host_state_label(states[i]);
			prom_sample_u64(x->b, M_PREFIX "host_state", l, 3,
			    v.status == states[i]);
		}
	}
}

static bool
v_checks(const struct pfe_host *h, char *v, size_t len)
{
	(void)snprintf(v, len, "%u", h->st.check_cnt);
	return true;
}

static bool
v_passed(const struct pfe_host *h, char *v, size_t len)
{
	(void)snprintf(v, len, "%u", h->st.up_cnt);
	return true;
}

static bool
v_avail(const struct pfe_host *h, char *v, size_t len)
{
	if (h->st.check_cnt == 0)
		return false;
	(void)snprintf(v, len, "%.6f", (double)h->st.up_cnt /
	    h->st.check_cnt);
	return true;
}

static bool
v_rtt(const struct pfe_host *h, char *v, size_t len)
{
	if (h->st.check_cnt == 0)
		return false;
	(void)snprintf(v, len, "%u.%03u", h->rtt_ms / 1000, h->rtt_ms % 1000);
	return true;
}

/* A family of one sample per host; value() false: not this host. */
static void
m_host_family(const struct metrics *x, const char *name, const char *type,
    const char *help, bool (*value)(const struct pfe_host *, char *, size_t))
{
	struct prom_label	 l[2];
	uint32_t		 hid;
	char			 v[32];

	prom_family(x->b, name, type, help);
	for (hid = 0; host_next(x->p, &hid); hid++) {
		if (!value(&x->p->hosts[hid], v, sizeof(v)))
			continue;
		host_labels(x->p, hid, l);
		prom_sample(x->b, name, "", l, 2, v);
	}
}

static void
m_host_checks(const struct metrics *x)
{
	m_host_family(x, M_PREFIX "host_checks_total", "counter",
	    "Checks of the host since it was last enabled or reloaded.",
	    v_checks);
	m_host_family(x, M_PREFIX "host_checks_passed_total", "counter",
	    "Checks of the host that passed.", v_passed);
	m_host_family(x, M_PREFIX "host_availability_ratio", "gauge",
	    "Checks passed over checks done (hosts checked at least once).",
	    v_avail);
	m_host_family(x, M_PREFIX "host_check_rtt_seconds", "gauge",
	    "Round-trip time of the host's latest check.", v_rtt);
}

/* The round-trip times of every check, as a histogram. */
static void
m_host_rtt(const struct metrics *x)
{
	const char		*name = M_PREFIX "host_check_duration_seconds";
	struct prom_label	 l[3];
	const struct host_status *st;
	uint64_t		 cum;
	uint32_t		 hid;
	size_t			 i;
	char			 le[16], v[24];

	prom_family(x->b, name, "histogram", "Round-trip times of the host's "
	    "checks, failed ones included.");
	for (hid = 0; host_next(x->p, &hid); hid++) {
		st = &x->p->hosts[hid].st;
		host_labels(x->p, hid, l);
		l[2].name = "le";
		for (cum = 0, i = 0; i < HS_RTT_BUCKETS; i++) {
			cum += st->rtt.n[i];
			(void)snprintf(le, sizeof(le), "%u.%03u",
			    rtt_bucket_ms[i] / 1000, rtt_bucket_ms[i] % 1000);
			l[2].value = le;
			(void)snprintf(v, sizeof(v), "%" PRIu64, cum);
			prom_sample(x->b, name, "_bucket", l, 3, v);
		}
		l[2].value = "+Inf";
		(void)snprintf(v, sizeof(v), "%u", st->check_cnt);
		prom_sample(x->b, name, "_bucket", l, 3, v);
		(void)snprintf(v, sizeof(v), "%" PRIu64 ".%03" PRIu64,
		    st->rtt.sum_ms / 1000, st->rtt.sum_ms % 1000);
		prom_sample(x->b, name, "_sum", l, 2, v);
		(void)snprintf(v, sizeof(v), "%u", st->check_cnt);
		prom_sample(x->b, name, "_count", l, 2, v);
	}
}

static void
m_host_failures(const struct metrics *x)
{
	struct prom_label	 l[3];
	const struct pfe_host	*h;
	uint32_t		 hid;

	prom_family(x->b, M_PREFIX "host_last_failure_info", "gauge",
	    "Why the host's last failed check failed (hosts that failed).");
	for (hid = 0; host_next(x->p, &hid); hid++) {
		h = &x->p->hosts[hid];
		if (h->st.error == HCE_NONE)
			continue;
		host_labels(x->p, hid, l);
		l[2].name = "reason";
		l[2].value = check_error_str(h->st.error);
		prom_sample_u64(x->b, M_PREFIX "host_last_failure_info", l, 3,
		    1);
	}
	prom_family(x->b, M_PREFIX "host_last_failure_timestamp_seconds",
	    "gauge", "When that failure was seen, in seconds since the epoch.");
	for (hid = 0; host_next(x->p, &hid); hid++) {
		h = &x->p->hosts[hid];
		if (h->st.error == HCE_NONE)
			continue;
		host_labels(x->p, hid, l);
		prom_sample_ms(x->b,
		    M_PREFIX "host_last_failure_timestamp_seconds", l, 2,
		    wall_of(x, h->error_ms));
	}
}

static void
m_tables(const struct metrics *x)
{
	static const char *const names[] = { M_PREFIX "table_hosts",
	    M_PREFIX "table_hosts_up", M_PREFIX "table_enabled" };
	static const char *const helps[] = { "Hosts of the table.",
	    "Hosts of the table that are up (0 while it is disabled).",
	    "Whether the table is enabled." };
	const struct config	*cfg = x->p->cfg;
	struct prom_label	 l[1] = { { "table", NULL } };
	struct ctl_row		 v;
	uint64_t		 val;
	size_t			 k;
	uint32_t		 tid;

	for (k = 0; k < 3; k++) {
		prom_family(x->b, names[k], "gauge", helps[k]);
		for (tid = 0; tid < cfg->ntables; tid++) {
			if (!pfe_table_ok(x->p, tid))
				continue;
			memset(&v, 0, sizeof(v));
			pfe_row_table(x->p, tid, &v);
			l[0].value = cfg->tables[tid].name;
			val = k == 0 ? cfg->tables[tid].nhosts : k == 1 ?
			    v.up : v.status != ST_DISABLED;
			prom_sample_u64(x->b, names[k], l, 1, val);
		}
	}
}

static const char *
service_state_label(uint8_t status)
{
	switch (status) {
	case ST_ACTIVE:
		return "active";
	case ST_ACTIVE_BACKUP:
		return "backup";
	case ST_DISABLED:
		return "disabled";
	case ST_NOT_INSTALLED:
		return "not_installed";
	default:
		return "down";
	}
}

/* Services (layer 3) and relays (layer 7) have the same families. */
static void
m_forwarders(const struct metrics *x, const char *kind, size_t n,
    const char *(*name)(const struct metrics *, size_t),
    void (*row)(const struct metrics *, size_t, struct ctl_row *))
{
	/* The last only for services: layer 3 refused them. */
	static const uint8_t	 states[] = { ST_ACTIVE, ST_ACTIVE_BACKUP,
				    ST_DOWN, ST_DISABLED, ST_NOT_INSTALLED };
	struct prom_label	 l[2] = { { kind, NULL }, { "state", NULL } };
	struct ctl_row		 v;
	char			 fam[64], help[160];
	size_t			 i, k, nstates = sizeof(states);

	if (strcmp(kind, "service") != 0)
		nstates--;
	(void)snprintf(fam, sizeof(fam), M_PREFIX "%s_state", kind);
	(void)snprintf(help, sizeof(help), "The %s's state: active (main "
	    "table), backup (backup table), down or disabled%s.", kind,
	    nstates == sizeof(states) ? ", or not_installed (the packet "
	    "filter refused it)" : "");
	prom_family(x->b, fam, "gauge", help);
	for (i = 0; i < n; i++) {
		row(x, i, &v);
		l[0].value = name(x, i);
		for (k = 0; k < nstates; k++) {
			l[1].value = service_state_label(states[k]);
			prom_sample_u64(x->b, fam, l, 2, v.status == states[k]);
		}
	}
	(void)snprintf(fam, sizeof(fam), M_PREFIX "%s_up", kind);
	(void)snprintf(help, sizeof(help), "Whether the %s forwards to a "
	    "table (its main or its backup).", kind);
	prom_family(x->b, fam, "gauge", help);
	for (i = 0; i < n; i++) {
		row(x, i, &v);
		l[0].value = name(x, i);
		prom_sample_u64(x->b, fam, l, 1, v.status == ST_ACTIVE ||
		    v.status == ST_ACTIVE_BACKUP);
	}
}

static const char *
service_name(const struct metrics *x, size_t i)
{
	return x->p->cfg->services[i].name;
}

static void
service_row(const struct metrics *x, size_t i, struct ctl_row *v)
{
	memset(v, 0, sizeof(*v));
	pfe_row_service(x->p, (uint32_t)i, v);
}

/* Layer-3 operations refused, and rules found gone, since the start. */
static void
m_service_layer3(const struct metrics *x)
{
	const char		*fam = M_PREFIX "service_layer3_failures_total";
	struct prom_label	 l = { "service", NULL };
	struct ctl_row		 v;
	size_t			 i;

	prom_family(x->b, fam, "counter", "Layer-3 operations the packet "
	    "filter refused, and rules found gone from it.");
	for (i = 0; i < x->p->cfg->nservices; i++) {
		service_row(x, i, &v);
		l.value = service_name(x, i);
		prom_sample_u64(x->b, fam, &l, 1, v.l3_failures);
	}
}

static const char *
relay_name(const struct metrics *x, size_t i)
{
	return x->p->cfg->relays[i].name;
}

/* A relay on its backup: main table empty, backup table with hosts up. */
static void
relay_row(const struct metrics *x, size_t i, struct ctl_row *v)
{
	const struct relay_conf	*rc = &x->p->cfg->relays[i];

	memset(v, 0, sizeof(*v));
	pfe_row_relay(x->p, (uint32_t)i, v);
	if (v->status == ST_ACTIVE && rc->table_id != HS_ID_NONE &&
	    rc->backup_id != HS_ID_NONE &&
	    pfe_table_up(x->p, rc->table_id) == 0 &&
	    pfe_table_up(x->p, rc->backup_id) > 0)
		v->status = ST_ACTIVE_BACKUP;
}

static uint64_t
stat_of(const struct relay_stats *s, size_t k)
{
	switch (k) {
	case 0:
		return s->active;
	case 1:
		return s->total;
	case 2:
		return s->bytes_in;
	case 3:
		return s->bytes_out;
	case 4:
		return s->connect_fail;
	case 5:
		return s->errors;
	case 6:
		return s->queries;
	case 7:
		return s->answers;
	case 8:
		return s->timeouts;
	case 9:
		return s->malformed;
	default:
		return s->unmatched;
	}
}

#define RELAY_STATS	11
#define RELAY_STATS_TCP	6	/* the rest are DNS relays' only */

/* Row i's relay name if it is a relay of the running configuration. */
static const char *
row_relay(const struct metrics *x, size_t i)
{
	uint32_t	rid = x->relays[i].id;

	return rid < x->p->cfg->nrelays ? x->p->cfg->relays[rid].name : NULL;
}

/* What row i's relay speaks; after row_relay found it. */
static enum proto_type
row_proto(const struct metrics *x, size_t i)
{
	return relay_proto_type(x->p->cfg, &x->p->cfg->relays[x->relays[i].id]);
}

/* The relay processes' counters, summed by the caller. */
static void
m_relay_stats(const struct metrics *x)
{
	static const char *const names[] = { M_PREFIX "relay_sessions",
	    M_PREFIX "relay_sessions_total",
	    M_PREFIX "relay_received_bytes_total",
	    M_PREFIX "relay_sent_bytes_total",
	    M_PREFIX "relay_connect_failures_total",
	    M_PREFIX "relay_errors_total",
	    M_PREFIX "relay_dns_queries_total",
	    M_PREFIX "relay_dns_answers_total",
	    M_PREFIX "relay_dns_timeouts_total",
	    M_PREFIX "relay_dns_malformed_total",
	    M_PREFIX "relay_dns_unmatched_total" };
	static const char *const helps[] = { "Sessions open now.",
	    "Sessions accepted.", "Bytes from clients to hosts.",
	    "Bytes from hosts to clients.",
	    "Connections to hosts that failed.",
	    "Sessions that ended badly.",
	    "Well-formed DNS queries forwarded.",
	    "DNS answers given back to clients.",
	    "DNS queries not answered in time.",
	    "DNS messages dropped as malformed.",
	    "DNS answers that matched no query." };
	struct prom_label	 l[1] = { { "relay", NULL } };
	size_t			 i, k;

	for (k = 0; k < RELAY_STATS; k++) {
		prom_family(x->b, names[k], k == 0 ? "gauge" : "counter",
		    helps[k]);
		for (i = 0; i < x->nrelays; i++) {
			if ((l[0].value = row_relay(x, i)) == NULL ||
			    (k >= RELAY_STATS_TCP && row_proto(x, i) != PROTO_DNS))
				continue;
			prom_sample_u64(x->b, names[k], l, 1,
			    stat_of(&x->relays[i].stats, k));
		}
	}
}

/* HTTP relays only: their requests, and every reason even at 0. */
static void
m_relay_http(const struct metrics *x)
{
	const char		*req = M_PREFIX "relay_http_requests_total";
	const char		*err = M_PREFIX
				    "relay_http_error_responses_total";
	struct prom_label	 l[2] = { { "relay", NULL }, { "reason", NULL } };
	uint64_t		 n[RELAY_HTTP_REASONS];
	size_t			 i, k;

	prom_family(x->b, req, "counter", "HTTP requests read from "
	    "clients, malformed ones included.");
	for (i = 0; i < x->nrelays; i++)
		if ((l[0].value = row_relay(x, i)) != NULL &&
		    row_proto(x, i) == PROTO_HTTP)
			prom_sample_u64(x->b, req, l, 1,
			    x->relays[i].stats.requests);
	prom_family(x->b, err, "counter", "Requests the relay answered "
	    "itself with an error page instead of a host's answer, by "
	    "reason.");
	for (i = 0; i < x->nrelays; i++) {
		if ((l[0].value = row_relay(x, i)) == NULL ||
		    row_proto(x, i) != PROTO_HTTP)
			continue;
		relay_http_answers(&x->relays[i].stats, n);
		for (k = 0; k < RELAY_HTTP_REASONS; k++) {
			l[1].value = relay_http_reasons[k];
			prom_sample_u64(x->b, err, l, 2, n[k]);
		}
	}
}

/* Whether table i is the first with its demote group. */
static bool
group_first(const struct config *cfg, size_t i)
{
	size_t	j;

	for (j = 0; j < i; j++)
		if (strcmp(cfg->tables[j].demote, cfg->tables[i].demote) == 0)
			return false;
	return true;
}

static void
m_demote(const struct metrics *x)
{
	const struct config	*cfg = x->p->cfg;
	struct prom_label	 l[1] = { { "direction", "demote" } };
	uint64_t		 n;
	size_t			 i, j;

	prom_family(x->b, M_PREFIX "demote_requests_total", "counter",
	    "Carp group demotions asked for (+1) and taken back (-1).");
	prom_sample_u64(x->b, M_PREFIX "demote_requests_total", l, 1,
	    x->p->count.demote);
	l[0].value = "promote";
	prom_sample_u64(x->b, M_PREFIX "demote_requests_total", l, 1,
	    x->p->count.promote);
	prom_family(x->b, M_PREFIX "demote_group_tables", "gauge",
	    "Tables demoting the group now.");
	l[0].name = "group";
	for (i = 0; i < cfg->ntables; i++) {
		if (cfg->tables[i].demote[0] == '\0' || !group_first(cfg, i))
			continue;
		for (n = 0, j = i; j < cfg->ntables; j++)
			if (strcmp(cfg->tables[j].demote,
			    cfg->tables[i].demote) == 0 &&
			    x->p->tables[j].demoted)
				n++;
		l[0].value = cfg->tables[i].demote;
		prom_sample_u64(x->b, M_PREFIX "demote_group_tables", l, 1, n);
	}
}

int
pfe_metrics(const struct pfe *p, const struct ctl_row *relays,
    size_t nrelays, uint64_t now_ms, uint64_t wall_ms,
    uint64_t start_wall_ms, struct buf *b)
{
	struct metrics	x = { p, relays, nrelays, now_ms, wall_ms, b };

	m_daemon(&x, start_wall_ms);
	m_host_states(&x);
	m_host_checks(&x);
	m_host_rtt(&x);
	m_host_failures(&x);
	m_tables(&x);
	m_forwarders(&x, "service", p->cfg->nservices, service_name,
	    service_row);
	m_service_layer3(&x);
	m_forwarders(&x, "relay", p->cfg->nrelays, relay_name, relay_row);
	m_relay_stats(&x);
	m_relay_http(&x);
	m_demote(&x);
	return b->truncated ? -1 : 0;
}
