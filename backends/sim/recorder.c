#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sim/recorder.h"

void
recorder_init(struct recorder *r)
{
	memset(r, 0, sizeof(*r));
}

void
recorder_free(struct recorder *r)
{
	size_t	i;

	for (i = 0; i < r->nservices; i++)
		free(r->services[i].addrs);
	free(r->services);
	free(r->groups);
	recorder_init(r);
}

const struct rec_service *
recorder_service(const struct recorder *r, const char *name)
{
	size_t	i;

	for (i = 0; i < r->nservices; i++)
		if (strcmp(r->services[i].name, name) == 0)
			return &r->services[i];
	return NULL;
}

static struct rec_service *
service_get(struct recorder *r, const char *name)
{
	struct rec_service	*s;

	if ((s = (struct rec_service *)recorder_service(r, name)) != NULL)
		return s;
	if (strlen(name) >= sizeof(s->name))
		return NULL;
	s = realloc(r->services, (r->nservices + 1) * sizeof(*s));
	if (s == NULL)
		return NULL;
	r->services = s;
	s = &r->services[r->nservices++];
	memset(s, 0, sizeof(*s));
	memcpy(s->name, name, strlen(name) + 1);
	return s;
}

static int
addr_qsort_cmp(const void *a, const void *b)
{
	return addr_cmp(a, b);
}

int
recorder_addrs_str(const struct rec_service *s, struct buf *out)
{
	char	a[HS_ADDRSTR_MAX];
	size_t	i;
	int	rv = 0;

	for (i = 0; s != NULL && i < s->naddrs; i++)
		rv |= buf_printf(out, "%s%s", i > 0 ? " " : "",
		    addr_fmt(&s->addrs[i], a, sizeof(a)));
	return rv;
}

int
recorder_table_replace(struct recorder *r, const char *service,
    const char *table, const struct l3_host *hosts, size_t n,
    struct buf *line)
{
	struct rec_service	*s;
	struct hs_addr		*copy = NULL;
	size_t			 i;

	if ((s = service_get(r, service)) == NULL)
		return -1;
	if (n > 0) {
		if ((copy = calloc(n, sizeof(*copy))) == NULL)
			return -1;
		for (i = 0; i < n; i++)
			copy[i] = hosts[i].addr;
		qsort(copy, n, sizeof(*copy), addr_qsort_cmp);
	}
	free(s->addrs);
	s->addrs = copy;
	s->naddrs = n;
	(void)snprintf(s->table, sizeof(s->table), "%s", table);
	r->nreplace++;
	if (line == NULL)
		return 0;
	if (buf_printf(line, "pf: table %s replaced from %s: ", service,
	    table) == -1)
		return -1;
	if (n == 0)
		return buf_puts(line, "(none)");
	return recorder_addrs_str(s, line);
}

int
recorder_rules(struct recorder *r, const char *service, bool add,
    struct buf *line)
{
	struct rec_service	*s;

	if ((s = service_get(r, service)) == NULL)
		return -1;
	s->rules = add;
	/* Rules come with an empty table, and go with it. */
	free(s->addrs);
	s->addrs = NULL;
	s->naddrs = 0;
	r->nrules++;
	if (line == NULL)
		return 0;
	return buf_printf(line, "pf: rules %s %s", service,
	    add ? "added" : "removed");
}

int
recorder_flush(struct recorder *r, struct buf *lines)
{
	size_t	i;
	int	rv = 0;

	for (i = 0; i < r->nservices; i++) {
		if (!r->services[i].rules)
			continue;
		rv |= recorder_rules(r, r->services[i].name, false, lines);
		if (lines != NULL)
			rv |= buf_puts(lines, "\n");
	}
	return rv;
}

int
recorder_fault(struct recorder *r, const char *service, bool fail,
    uint64_t now_ms)
{
	struct rec_service	*s;

	if ((s = service_get(r, service)) == NULL)
		return -1;
	if (s->failing && !fail)
		s->ok_since = now_ms;
	s->failing = fail;
	s->failed |= fail;
	return 0;
}

bool
recorder_refuses(struct recorder *r, const char *service)
{
	const struct rec_service	*s = recorder_service(r, service);

	if (s == NULL || !s->failing)
		return false;
	r->nrefused++;
	return true;
}

int64_t
recorder_group(const struct recorder *r, const char *name)
{
	size_t	i;

	for (i = 0; i < r->ngroups; i++)
		if (strcmp(r->groups[i].name, name) == 0)
			return r->groups[i].counter;
	return 0;
}

int
recorder_demote(struct recorder *r, const char *group, int delta,
    struct buf *line)
{
	struct rec_group	*g = NULL;
	size_t			 i;

	for (i = 0; i < r->ngroups; i++)
		if (strcmp(r->groups[i].name, group) == 0)
			g = &r->groups[i];
	if (g == NULL) {
		if (r->ngroups >= RECORDER_GROUPS_MAX ||
		    strlen(group) >= sizeof(g->name))
			return -1;
		g = realloc(r->groups, (r->ngroups + 1) * sizeof(*g));
		if (g == NULL)
			return -1;
		r->groups = g;
		g = &r->groups[r->ngroups++];
		memset(g, 0, sizeof(*g));
		memcpy(g->name, group, strlen(group) + 1);
	}
	g->counter += delta;
	r->ndemote++;
	if (line == NULL)
		return 0;
	return buf_printf(line, "carp: demote %s %+d (counter %lld)", group,
	    delta, (long long)g->counter);
}
