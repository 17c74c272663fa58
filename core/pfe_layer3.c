/*
 * Layer 3 of the PF engine: what each service should have in the
 * kernel (its rules, and the hosts that are up in the table it uses),
 * what the kernel has as far as the backend said, and the operations
 * that bring the one to the other, issued only on a difference.  A
 * refused operation leaves the service "not installed": it is retried
 * with backoff, logged when its error changes, and counted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pfe_priv.h"

#define GEN_UNKNOWN	UINT64_MAX

/* The hosts of table tid that are up, as layer 3 sees them. */
static size_t
want_hosts(const struct pfe *p, uint32_t tid, struct l3_host *out)
{
	const struct table_conf	*t = &p->cfg->tables[tid];
	size_t			 i, n = 0;

	for (i = 0; i < t->nhosts; i++) {
		uint32_t		 hid = t->host_ids[i];
		const struct host_conf	*h;

		if (hid >= p->cfg->nhosts || p->hosts[hid].st.state != HOST_UP)
			continue;
		h = &p->cfg->hosts[hid];
		out[n].id = hid;
		out[n].addr = h->addr;
		out[n].port = t->port;
		out[n].weight = h->weight != 0 ? h->weight : 1;
		n++;
	}
	return n;
}

/* The table the service's rules should lead to, HS_ID_NONE: no rules. */
static uint32_t
want_table(struct pfe *p, uint32_t sid)
{
	const struct service_conf	*s = &p->cfg->services[sid];
	struct pfe_service		*ps = &p->services[sid];
	uint32_t			 act = pfe_service_active(p, sid);

	if (act != HS_ID_NONE)
		ps->want_rules = true;
	else if (ps->disabled || !(pfe_table_pending(p, s->table_id) ||
	    (s->backup_id != HS_ID_NONE && pfe_table_pending(p, s->backup_id))))
		ps->want_rules = false;
	/* A table still waiting for its first results keeps the rules. */
	if (!ps->want_rules)
		return HS_ID_NONE;
	return act != HS_ID_NONE ? act : s->table_id;
}

/* "adding rules: X" and "replacing table: X" have the same cause. */
static bool
same_cause(const char *a, const char *b)
{
	const char	*ca = strstr(a, ": "), *cb = strstr(b, ": ");

	return ca != NULL && cb != NULL && strcmp(ca, cb) == 0;
}

static void
l3_failed(struct pfe *p, uint32_t sid, const char *op, const struct buf *err)
{
	struct pfe_service	*ps = &p->services[sid];
	char			 line[L3_ERROR_MAX];

	(void)snprintf(line, sizeof(line), "%s: %s", op,
	    err->len > 0 ? buf_str(err) : "failed");
	ps->known = false;
	ps->failures++;
	if (ps->attempts++ == 0)
		p->l3_nretry++;
	ps->retry_at = p->now_ms + l3_retry_delay(ps->attempts);
	if (ps->attempts == 1 || !same_cause(line, ps->error))
		pfe_log(p, 0, "service %s: layer 3 not installed: %s (retry "
		    "in %llums)", p->cfg->services[sid].name, line,
		    (unsigned long long)l3_retry_delay(ps->attempts));
	(void)snprintf(ps->error, sizeof(ps->error), "%s", line);
}

/* Layer 3 holds what the service wants: a failure is over. */
static void
l3_converged(struct pfe *p, uint32_t sid)
{
	struct pfe_service	*ps = &p->services[sid];

	if (ps->attempts > 0) {
		pfe_log(p, 0, "service %s: layer 3 installed after %u failed "
		    "attempts", p->cfg->services[sid].name, ps->attempts);
		p->l3_nretry--;
	}
	ps->attempts = 0;
	ps->error[0] = '\0';
}

static void
forget_hosts(struct pfe_service *ps)
{
	free(ps->hosts);
	ps->hosts = NULL;
	ps->nhosts = 0;
	ps->table = HS_ID_NONE;
	ps->gen = GEN_UNKNOWN;
}

static int
rules_remove(struct pfe *p, uint32_t sid)
{
	const struct service_conf	*s = &p->cfg->services[sid];
	struct pfe_service		*ps = &p->services[sid];
	struct buf			 err;
	int				 rv;

	buf_init(&err, L3_ERROR_MAX);
	if ((rv = p->io.rules_remove(p->io.l3_arg, s, &err)) == -1)
		l3_failed(p, sid, "removing rules", &err);
	buf_free(&err);
	if (rv == -1)
		return -1;
	ps->rules = false;
	ps->known = true;
	forget_hosts(ps);
	pfe_log(p, 0, "service %s: rules removed", s->name);
	pfe_emit(p, EV_RULES_REMOVED, sid, s->name, 0);
	return 0;
}

static int
rules_add(struct pfe *p, uint32_t sid, uint32_t tid)
{
	const struct service_conf	*s = &p->cfg->services[sid];
	struct pfe_service		*ps = &p->services[sid];
	const struct table_conf		*t = &p->cfg->tables[tid];
	struct buf			 err;
	int				 rv;

	buf_init(&err, L3_ERROR_MAX);
	if ((rv = p->io.rules_add(p->io.l3_arg, s, t, &err)) == -1)
		l3_failed(p, sid, "adding rules", &err);
	buf_free(&err);
	if (rv == -1)
		return -1;
	/* The rules lead to an empty table now. */
	forget_hosts(ps);
	ps->rules = true;
	ps->known = true;
	ps->rules_port = t->port;
	pfe_log(p, 0, "service %s: rules added", s->name);
	pfe_emit(p, EV_RULES_ADDED, sid, s->name, 0);
	return 0;
}

static bool
hosts_equal(const struct l3_host *a, size_t na, const struct l3_host *b,
    size_t nb)
{
	size_t	i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (!l3_host_equal(&a[i], &b[i]))
			return false;
	return true;
}

/* The hosts of old that are not in cur (by address and port). */
static size_t
hosts_gone(const struct l3_host *old, size_t nold, const struct l3_host *cur,
    size_t ncur, struct l3_host *out)
{
	size_t	i, j, n = 0;

	for (i = 0; i < nold; i++) {
		for (j = 0; j < ncur; j++)
			if (addr_equal(&old[i].addr, &cur[j].addr) &&
			    old[i].port == cur[j].port)
				break;
		if (j == ncur)
			out[n++] = old[i];
	}
	return n;
}

static int
table_apply(struct pfe *p, uint32_t sid, uint32_t tid, struct l3_host *want,
    size_t n)
{
	const struct service_conf	*s = &p->cfg->services[sid];
	struct pfe_service		*ps = &p->services[sid];
	struct l3_host			*gone;
	struct l3_table			 lt;
	struct buf			 err;
	int				 rv;

	if ((gone = calloc(ps->nhosts + 1, sizeof(*gone))) == NULL) {
		pfe_log(p, 0, "service %s: out of memory", s->name);
		return -1;
	}
	memset(&lt, 0, sizeof(lt));
	lt.table = &p->cfg->tables[tid];
	lt.hosts = want;
	lt.nhosts = n;
	lt.gone = gone;
	if (s->sticky)
		lt.ngone = hosts_gone(ps->hosts, ps->nhosts, want, n, gone);
	buf_init(&err, L3_ERROR_MAX);
	if ((rv = p->io.table_replace(p->io.l3_arg, s, &lt, &err)) == -1)
		l3_failed(p, sid, "replacing table", &err);
	buf_free(&err);
	free(gone);
	return rv;
}

/* Replace the service's table with the up hosts of table tid if needed. */
static int
table_sync(struct pfe *p, uint32_t sid, uint32_t tid)
{
	struct pfe_service	*ps = &p->services[sid];
	const struct table_conf	*t = &p->cfg->tables[tid];
	struct l3_host		*want;
	size_t			 n;

	if (ps->known && ps->table == tid && ps->gen == p->tables[tid].gen)
		return 0;
	if ((want = calloc(t->nhosts + 1, sizeof(*want))) == NULL) {
		pfe_log(p, 0, "service %s: out of memory",
		    p->cfg->services[sid].name);
		return -1;
	}
	n = want_hosts(p, tid, want);
	/* Empty is empty, whichever table it came from. */
	if (ps->known && (hosts_equal(want, n, ps->hosts, ps->nhosts) &&
	    (ps->table == tid || n == 0))) {
		free(want);
		ps->gen = p->tables[tid].gen;
		return 0;
	}
	if (table_apply(p, sid, tid, want, n) == -1) {
		free(want);
		return -1;
	}
	free(ps->hosts);
	ps->hosts = want;
	ps->nhosts = n;
	ps->table = tid;
	ps->gen = p->tables[tid].gen;
	pfe_log(p, 1, "service %s: table %s, %zu hosts",
	    p->cfg->services[sid].name, t->name, n);
	pfe_emit(p, EV_TABLE_CHANGED, sid, p->cfg->services[sid].name,
	    (int32_t)n);
	return 0;
}

static bool
backing_off(const struct pfe *p, uint32_t attempts, uint64_t retry_at)
{
	return attempts > 0 && p->now_ms < retry_at;
}

/* Bring the service's layer 3 to what its tables' states want. */
static void
service_sync(struct pfe *p, uint32_t sid)
{
	struct pfe_service	*ps = &p->services[sid];
	uint32_t		 tid = want_table(p, sid);

	if (!p->l3_ready || backing_off(p, ps->attempts, ps->retry_at))
		return;
	if (tid == HS_ID_NONE) {
		if ((ps->rules || !ps->known) && rules_remove(p, sid) == -1)
			return;
	} else {
		if ((!ps->rules || !ps->known ||
		    ps->rules_port != p->cfg->tables[tid].port) &&
		    rules_add(p, sid, tid) == -1)
			return;
		if (table_sync(p, sid, tid) == -1)
			return;
	}
	l3_converged(p, sid);
}

static void
orphans_sync(struct pfe *p)
{
	struct pfe_orphan	*o;
	struct buf		 err;
	size_t			 i = 0;

	buf_init(&err, L3_ERROR_MAX);
	while (i < p->norphans) {
		o = &p->orphans[i];
		if (backing_off(p, o->attempts, o->retry_at)) {
			i++;
			continue;
		}
		buf_reset(&err);
		if (p->io.rules_remove(p->io.l3_arg, &o->conf, &err) == -1) {
			o->attempts++;
			o->retry_at = p->now_ms + l3_retry_delay(o->attempts);
			i++;
			continue;
		}
		pfe_log(p, 0, "service %s: rules of the removed service "
		    "removed", o->conf.name);
		p->orphans[i] = p->orphans[--p->norphans];
	}
	buf_free(&err);
}

/*
 * Clean up after an earlier run before anything is installed.  Without
 * services there is nothing to install: a host monitor leaves the
 * packet filter alone.
 */
static void
l3_init(struct pfe *p)
{
	char		line[L3_ERROR_MAX];
	struct buf	err;

	if (p->l3_ready || p->cfg->nservices == 0 ||
	    backing_off(p, p->l3_attempts, p->l3_retry_at))
		return;
	buf_init(&err, L3_ERROR_MAX);
	if (p->io.l3_init == NULL || p->io.l3_init(p->io.l3_arg, &err) == 0) {
		if (p->l3_attempts > 0)
			pfe_log(p, 0, "layer 3: started after %u failed "
			    "attempts", p->l3_attempts);
		p->l3_ready = true;
		p->l3_attempts = 0;
		p->l3_error[0] = '\0';
	} else {
		(void)snprintf(line, sizeof(line), "starting: %s",
		    err.len > 0 ? buf_str(&err) : "failed");
		p->l3_attempts++;
		p->l3_retry_at = p->now_ms + l3_retry_delay(p->l3_attempts);
		if (p->l3_attempts == 1 || strcmp(line, p->l3_error) != 0)
			pfe_log(p, 0, "layer 3: cannot start: %s (retrying)",
			    line + strlen("starting: "));
		(void)snprintf(p->l3_error, sizeof(p->l3_error), "%s", line);
	}
	buf_free(&err);
}

void
pfe_l3_start(struct pfe *p)
{
	size_t	i;

	l3_init(p);
	for (i = 0; i < p->cfg->nservices; i++)
		p->services[i].want_rules = !p->services[i].disabled;
}

void
pfe_l3_sync(struct pfe *p)
{
	size_t	i;

	l3_init(p);
	if (p->l3_ready && p->norphans > 0)
		orphans_sync(p);
	for (i = 0; i < p->cfg->nservices; i++)
		service_sync(p, (uint32_t)i);
}

uint64_t
pfe_l3_deadline(const struct pfe *p)
{
	uint64_t	t = HS_TIME_NEVER;
	size_t		i;

	if (!p->l3_ready)
		return p->l3_attempts > 0 ? p->l3_retry_at : HS_TIME_NEVER;
	/* Asked before every step of a run: no scan while all is well. */
	if (p->l3_nretry == 0 && p->norphans == 0)
		return HS_TIME_NEVER;
	for (i = 0; i < p->cfg->nservices; i++)
		if (p->services[i].attempts > 0 &&
		    p->services[i].retry_at < t)
			t = p->services[i].retry_at;
	for (i = 0; i < p->norphans; i++)
		if (p->orphans[i].retry_at < t)
			t = p->orphans[i].retry_at;
	return t;
}

void
pfe_run(struct pfe *p, uint64_t now_ms)
{
	p->now_ms = now_ms;
	pfe_sync(p);
}

uint64_t
pfe_next_deadline(const struct pfe *p)
{
	return pfe_l3_deadline(p);
}

void
pfe_verify(struct pfe *p, uint64_t now_ms)
{
	struct pfe_service	*ps;
	struct buf		 err;
	size_t			 i;

	p->now_ms = now_ms;
	if (p->io.l3_check == NULL || !p->l3_ready)
		return;
	buf_init(&err, L3_ERROR_MAX);
	for (i = 0; i < p->cfg->nservices; i++) {
		ps = &p->services[i];
		if (!ps->rules || !ps->known || ps->attempts > 0)
			continue;
		buf_reset(&err);
		if (p->io.l3_check(p->io.l3_arg, &p->cfg->services[i],
		    &err) == 0)
			continue;
		ps->known = false;
		ps->failures++;
		pfe_log(p, 0, "service %s: rules gone from the kernel: %s "
		    "(installing them again)", p->cfg->services[i].name,
		    err.len > 0 ? buf_str(&err) : "not found");
	}
	buf_free(&err);
	pfe_sync(p);
}

void
pfe_l3_shutdown(struct pfe *p)
{
	struct buf	err;
	size_t		i;

	buf_init(&err, L3_ERROR_MAX);
	if (p->io.l3_flush != NULL && (p->l3_ready || p->cfg->nservices > 0) &&
	    p->io.l3_flush(p->io.l3_arg, &err) == -1)
		pfe_log(p, 0, "layer 3: cannot remove our rules: %s",
		    buf_str(&err));
	buf_free(&err);
	for (i = 0; i < p->cfg->nservices; i++) {
		struct pfe_service *ps = &p->services[i];

		if (p->io.l3_flush == NULL && (ps->rules || !ps->known))
			(void)rules_remove(p, (uint32_t)i);
		else if (ps->rules) {
			pfe_log(p, 0, "service %s: rules removed",
			    p->cfg->services[i].name);
			pfe_emit(p, EV_RULES_REMOVED, (uint32_t)i,
			    p->cfg->services[i].name, 0);
		}
		ps->rules = false;
		ps->want_rules = false;
		forget_hosts(ps);
	}
	p->norphans = 0;
}

void
pfe_l3_service_reset(struct pfe_service *ps)
{
	ps->known = true;
	forget_hosts(ps);
}

void
pfe_l3_free(struct pfe *p)
{
	size_t	i;

	for (i = 0; p->services != NULL && i < p->cfg->nservices; i++)
		free(p->services[i].hosts);
	free(p->orphans);
	p->orphans = NULL;
	p->norphans = 0;
}

static void
orphan_add(struct pfe *p, const struct service_conf *s)
{
	struct pfe_orphan	*o;

	o = reallocarray(p->orphans, p->norphans + 1, sizeof(*o));
	if (o == NULL) {
		pfe_log(p, 0, "service %s: out of memory: its rules stay",
		    s->name);
		return;
	}
	p->orphans = o;
	o = &p->orphans[p->norphans++];
	o->conf = *s;
	o->attempts = 1;
	o->retry_at = p->now_ms + l3_retry_delay(1);
}

/* Remove the rules of the services cfg no longer has. */
void
pfe_l3_release(struct pfe *p, const struct config *cfg)
{
	const struct config	*old = p->cfg;
	size_t			 i;

	for (i = 0; i < old->nservices; i++) {
		struct pfe_service *ps = &p->services[i];

		if ((!ps->rules && ps->known) ||
		    config_service_by_name(cfg, old->services[i].name) != NULL)
			continue;
		if (ps->attempts > 0)
			p->l3_nretry--;
		ps->attempts = 0;	/* now, not after a backoff */
		if (!p->l3_ready || rules_remove(p, (uint32_t)i) == -1)
			orphan_add(p, &old->services[i]);
	}
}

/* The kernel's state of the services the new configuration keeps. */
void
pfe_l3_carry(struct pfe *p, struct pfe *old)
{
	const struct table_conf		*t;
	const struct service_conf	*s;
	size_t				 i;
	bool				 disabled;

	for (i = 0; i < old->cfg->nservices; i++) {
		struct pfe_service	*os = &old->services[i], *ns;

		if ((s = config_service_by_name(p->cfg,
		    old->cfg->services[i].name)) == NULL)
			continue;
		ns = &p->services[s->id];
		disabled = ns->disabled;
		*ns = *os;
		ns->disabled = disabled;
		os->hosts = NULL;
		os->nhosts = 0;
		ns->table = HS_ID_NONE;
		ns->gen = GEN_UNKNOWN;
		if (os->table != HS_ID_NONE && (t = config_table_by_name(
		    p->cfg, old->cfg->tables[os->table].name)) != NULL)
			ns->table = t->id;
		/* Changed virtual hosts, sticky or tag: new rules. */
		if (!l3_service_equal(&old->cfg->services[i], s))
			ns->known = false;
	}
	p->orphans = old->orphans;
	p->norphans = old->norphans;
	old->orphans = NULL;
	old->norphans = 0;
	p->l3_nretry = 0;
	for (i = 0; i < p->cfg->nservices; i++)
		if (p->services[i].attempts > 0)
			p->l3_nretry++;
}

bool
pfe_service_installed(const struct pfe *p, uint32_t id)
{
	return id < p->cfg->nservices && p->services[id].rules &&
	    p->services[id].known;
}

bool
pfe_service_converged(const struct pfe *p, uint32_t id)
{
	return id < p->cfg->nservices && p->l3_ready &&
	    p->services[id].attempts == 0;
}

bool
pfe_service_want(const struct pfe *p, uint32_t id, struct hs_addr *addrs,
    size_t max, size_t *n)
{
	const struct pfe_service	*ps;
	const struct table_conf		*t;
	uint32_t			 act;
	size_t				 i;

	*n = 0;
	if (id >= p->cfg->nservices)
		return false;
	ps = &p->services[id];
	if ((act = pfe_service_active(p, id)) == HS_ID_NONE)
		return ps->want_rules;
	t = &p->cfg->tables[act];
	for (i = 0; i < t->nhosts && *n < max; i++)
		if (t->host_ids[i] < p->cfg->nhosts &&
		    p->hosts[t->host_ids[i]].st.state == HOST_UP)
			addrs[(*n)++] = p->cfg->hosts[t->host_ids[i]].addr;
	return true;
}
