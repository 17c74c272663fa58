/*
 * The rows of hoststatectl's show commands, in the seed's order: each
 * service with its main table and hosts (newest first), its backup table
 * and hosts; each relay likewise; then the tables no one uses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pfe_priv.h"
#include "core/relay_hosts.h"

struct rows {
	struct ctl_row	*v;
	size_t		 n;
	size_t		 cap;
	bool		 failed;
	uint64_t	 now_ms;
};

static struct ctl_row *
row_add(struct rows *r, enum ctl_obj type, uint32_t id, const char *name)
{
	struct ctl_row	*v;
	size_t		 cap;

	if (r->failed)
		return NULL;
	if (r->n == r->cap) {
		cap = r->cap ? r->cap * 2 : 16;
		if ((v = reallocarray(r->v, cap, sizeof(*v))) == NULL) {
			r->failed = true;
			return NULL;
		}
		r->v = v;
		r->cap = cap;
	}
	v = &r->v[r->n++];
	memset(v, 0, sizeof(*v));
	v->type = (uint8_t)type;
	v->id = id;
	v->parent_id = HS_ID_NONE;
	v->detail = -1;
	(void)snprintf(v->name, sizeof(v->name), "%s", name);
	return v;
}

/* The state and counters of a host's row. */
void
pfe_row_host(const struct pfe *p, uint32_t hid, uint64_t now_ms,
    struct ctl_row *v)
{
	const struct pfe_host	*h = &p->hosts[hid];

	v->parent_id = p->cfg->hosts[hid].table_id;
	if (h->disabled)
		v->status = ST_DISABLED;
	else if (h->st.state == HOST_UP)
		v->status = ST_UP;
	else if (h->st.state == HOST_DOWN)
		v->status = ST_DOWN;
	else
		v->status = ST_UNKNOWN;
	v->check_cnt = h->st.check_cnt;
	v->up_cnt = h->st.up_cnt;
	v->retry_cnt = h->st.retry_cnt;
	v->error = (uint8_t)h->st.error;
	if (h->st.error != HCE_NONE && now_ms > h->error_ms)
		v->error_age_ms = now_ms - h->error_ms;
	v->rtt_ms = h->rtt_ms;
	v->detail = h->detail;
}

static void
host_row(const struct pfe *p, struct rows *r, uint32_t hid)
{
	struct ctl_row	*v;

	if ((v = row_add(r, OBJ_HOST, hid, p->cfg->hosts[hid].name)) != NULL)
		pfe_row_host(p, hid, r->now_ms, v);
}

void
pfe_row_table(const struct pfe *p, uint32_t tid, struct ctl_row *v)
{
	const struct table_conf	*t = &p->cfg->tables[tid];

	v->up = pfe_table_up(p, tid);
	if (p->tables[tid].disabled)
		v->status = ST_DISABLED;
	else
		v->status = v->up > 0 ? ST_TABLE_ACTIVE : ST_EMPTY;
	(void)snprintf(v->check, sizeof(v->check), "%s",
	    check_type_name(t->check.type, t->check.tls));
}

static void
table_row(const struct pfe *p, struct rows *r, uint32_t tid, uint32_t parent)
{
	struct ctl_row	*v;

	if ((v = row_add(r, OBJ_TABLE, tid, p->cfg->tables[tid].name)) ==
	    NULL)
		return;
	v->parent_id = parent;
	pfe_row_table(p, tid, v);
}

/* A table and, unless it is disabled, its hosts newest first. */
static void
table_rows(const struct pfe *p, struct rows *r, uint32_t tid, uint32_t parent,
    bool *shown)
{
	const struct table_conf	*t;
	size_t			 i;

	if (!pfe_table_ok(p, tid))
		return;
	shown[tid] = true;
	table_row(p, r, tid, parent);
	if (p->tables[tid].disabled)
		return;
	t = &p->cfg->tables[tid];
	for (i = t->nhosts; i > 0; i--)
		if (t->host_ids[i - 1] < p->cfg->nhosts)
			host_row(p, r, t->host_ids[i - 1]);
}

/*
 * Active only with its rules in place: a service the kernel refused, or
 * whose rules are gone, is "not installed".
 */
enum ctl_status
pfe_service_status(const struct pfe *p, uint32_t sid)
{
	uint32_t	act = pfe_service_active(p, sid);

	if (p->services[sid].disabled)
		return ST_DISABLED;
	if (!pfe_service_converged(p, sid) ||
	    (act != HS_ID_NONE && !pfe_service_installed(p, sid)))
		return ST_NOT_INSTALLED;
	if (act == HS_ID_NONE)
		return ST_DOWN;
	return act == p->cfg->services[sid].table_id ? ST_ACTIVE :
	    ST_ACTIVE_BACKUP;
}

void
pfe_row_service(const struct pfe *p, uint32_t sid, struct ctl_row *v)
{
	v->status = pfe_service_status(p, sid);
	v->l3_rules = pfe_service_installed(p, sid);
	v->l3_hosts = (uint32_t)p->services[sid].nhosts;
	v->l3_failures = p->services[sid].failures;
	(void)snprintf(v->l3_error, sizeof(v->l3_error), "%s",
	    p->l3_ready ? p->services[sid].error : p->l3_error);
}

static void
service_row(const struct pfe *p, struct rows *r, uint32_t sid)
{
	struct ctl_row	*v;

	if ((v = row_add(r, OBJ_SERVICE, sid, p->cfg->services[sid].name)) !=
	    NULL)
		pfe_row_service(p, sid, v);
}

void
pfe_row_relay(const struct pfe *p, uint32_t rid, struct ctl_row *v)
{
	const struct relay_conf	*rc = &p->cfg->relays[rid];

	(void)snprintf(v->check, sizeof(v->check), "%s",
	    proto_type_name(relay_proto_type(p->cfg, rc)));
	/* Active only while every relay process accepts for it. */
	if (rc->disabled)
		v->status = ST_DISABLED;
	else
		v->status = pfe_relay_listening(p, rid) ? ST_ACTIVE : ST_DOWN;
}

static void
relay_row(const struct pfe *p, struct rows *r, uint32_t rid)
{
	struct ctl_row	*v;

	if ((v = row_add(r, OBJ_RELAY, rid, p->cfg->relays[rid].name)) !=
	    NULL)
		pfe_row_relay(p, rid, v);
}

/* The tables of a relay's match rules, after its own. */
static void
relay_route_rows(const struct pfe *p, struct rows *r,
    const struct relay_conf *rc, bool *shown)
{
	uint32_t	tids[RELAY_TABLES_MAX];
	size_t		i, n;

	n = relay_tables(p->cfg, rc, tids, RELAY_TABLES_MAX);
	for (i = 0; i < n; i++)
		if (tids[i] != rc->table_id && tids[i] != rc->backup_id &&
		    tids[i] != relay_main_table(p->cfg, rc))
			table_rows(p, r, tids[i], rc->id, shown);
}

static void
mark_shown(const struct pfe *p, uint32_t tid, bool *shown)
{
	if (tid < p->cfg->ntables)
		shown[tid] = true;
}

static void
rows_summary(const struct pfe *p, struct rows *r, bool *shown)
{
	const struct config	*cfg = p->cfg;
	size_t			 i;

	for (i = 0; i < cfg->nservices; i++) {
		service_row(p, r, (uint32_t)i);
		if (p->services[i].disabled) {
			/* shows only its own row; its tables are not unused */
			mark_shown(p, cfg->services[i].table_id, shown);
			mark_shown(p, cfg->services[i].backup_id, shown);
			continue;
		}
		table_rows(p, r, cfg->services[i].table_id, (uint32_t)i, shown);
		if (cfg->services[i].backup_id != HS_ID_NONE)
			table_rows(p, r, cfg->services[i].backup_id,
			    (uint32_t)i, shown);
	}
	for (i = 0; i < cfg->nrelays; i++) {
		relay_row(p, r, (uint32_t)i);
		if (cfg->relays[i].table_id != HS_ID_NONE)
			table_rows(p, r, cfg->relays[i].table_id, (uint32_t)i,
			    shown);
		if (cfg->relays[i].backup_id != HS_ID_NONE)
			table_rows(p, r, cfg->relays[i].backup_id,
			    (uint32_t)i, shown);
		relay_route_rows(p, r, &cfg->relays[i], shown);
	}
	for (i = 0; i < cfg->ntables; i++)
		if (!shown[i])
			table_rows(p, r, (uint32_t)i, HS_ID_NONE, shown);
}

static void
rows_of_kind(const struct pfe *p, struct rows *r, enum ctl_action action)
{
	size_t	i;

	switch (action) {
	case CTL_SHOW_TABLES:
		for (i = 0; i < p->cfg->ntables; i++)
			if (pfe_table_ok(p, (uint32_t)i))
				table_row(p, r, (uint32_t)i, HS_ID_NONE);
		break;
	case CTL_SHOW_SERVICES:
		for (i = 0; i < p->cfg->nservices; i++)
			service_row(p, r, (uint32_t)i);
		break;
	case CTL_SHOW_RELAYS:
		for (i = 0; i < p->cfg->nrelays; i++)
			relay_row(p, r, (uint32_t)i);
		break;
	default:
		break;
	}
}

int
pfe_rows(const struct pfe *p, enum ctl_action action, uint64_t now_ms,
    struct ctl_row **out)
{
	struct rows	 r = { NULL, 0, 0, false, now_ms };
	bool		*shown;

	*out = NULL;
	if (action == CTL_SHOW_SUMMARY || action == CTL_SHOW_HOSTS) {
		if ((shown = calloc(p->cfg->ntables ? p->cfg->ntables : 1,
		    sizeof(*shown))) == NULL)
			return -1;
		rows_summary(p, &r, shown);
		free(shown);
	} else
		rows_of_kind(p, &r, action);
	if (r.failed) {
		free(r.v);
		return -1;
	}
	*out = r.v;
	return (int)r.n;
}
