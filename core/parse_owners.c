/*
 * The checks of services, relays and protocols once the whole text is
 * read: what they must have, and the names they reference.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/parse_priv.h"
#include "core/tls_conf.h"

static void
check_service(struct parser *p, uint32_t id)
{
	const struct service_conf  *s = &p->cfg->services[id];
	const struct service_extra *x = &p->sx[id];

	if (s->nvirts == 0)
		p_error_at(p, &x->at, "service %s has no virtual host",
		    s->name);
	if (!x->table.set)
		p_error_at(p, &x->at, "service %s has no table", s->name);
	else if (x->backup.set && strcmp(x->table.name, x->backup.name) == 0)
		p_error_at(p, &x->backup.at, "service %s: backup table is the "
		    "main table", s->name);
}

static uint32_t
find_protocol(struct parser *p, const struct ref *r)
{
	size_t	 i;

	for (i = 0; i < p->cfg->nprotocols; i++)
		if (strcmp(p->cfg->protocols[i].name, r->name) == 0)
			return (uint32_t)i;
	p_error_at(p, &r->at, "protocol '%s' not defined", r->name);
	return HS_ID_NONE;
}

static uint32_t
find_service(struct parser *p, const struct ref *r)
{
	size_t	 i;

	for (i = 0; i < p->cfg->nservices; i++)
		if (strcmp(p->cfg->services[i].name, r->name) == 0)
			return (uint32_t)i;
	p_error_at(p, &r->at, "service '%s' not defined", r->name);
	return HS_ID_NONE;
}

/*
 * A TLS listener needs a certificate and a key the daemon can read: its
 * relay's, or the files named after its address.  A protocol's keypairs
 * were checked at their own lines.
 */
static void
check_certs(struct parser *p, const struct relay_conf *r,
    const struct relay_extra *x)
{
	const struct ssl_opts	*o = relay_ssl_opts(p->cfg, r);
	struct keypair_conf	 kp;
	char			 owner[HS_NAME_MAX + 8];
	size_t			 i;
	bool			 ok;

	if (r->ssl_cert[0] == '\0' && r->ssl_key[0] == '\0' &&
	    o->nkeypairs > 0)
		return;
	(void)snprintf(owner, sizeof(owner), "relay %s", r->name);
	for (i = 0; i < r->nlistens && p->opts->readable != NULL; i++) {
		if (!r->listens[i].ssl)
			continue;
		relay_default_keypair(p->cfg, r, i, &kp);
		ok = true;
		if (p->opts->readable(p->opts->readable_arg, kp.cert) != 0) {
			p_error_at(p, &x->listen_at[i], "relay %s: cannot "
			    "read certificate %s", r->name, kp.cert);
			ok = false;
		}
		if (p->opts->readable(p->opts->readable_arg, kp.key) != 0) {
			p_error_at(p, &x->listen_at[i], "relay %s: cannot "
			    "read key %s", r->name, kp.key);
			ok = false;
		}
		if (ok)
			parse_tls_files(p, &x->listen_at[i], owner, kp.cert,
			    kp.key);
	}
}

static void
check_relay(struct parser *p, uint32_t id)
{
	struct relay_conf	 *r = &p->cfg->relays[id];
	const struct relay_extra *x = &p->rx[id];

	if (r->nlistens == 0)
		p_error_at(p, &x->at, "relay %s has no listener", r->name);
	if (x->ntargets == 0)
		p_error_at(p, &x->at, "relay %s has no target (forward to, "
		    "table or service)", r->name);
	if (x->backup.set && !x->table.set)
		p_error_at(p, &x->backup.at, "relay %s: backup table without "
		    "a table", r->name);
	else if (x->backup.set && strcmp(x->table.name, x->backup.name) == 0)
		p_error_at(p, &x->backup.at, "relay %s: backup table is the "
		    "main table", r->name);
	if (x->protocol.set)
		r->protocol_id = find_protocol(p, &x->protocol);
	/* A DNS query waits seconds, not a TCP session's minutes. */
	if (!x->has_timeout && relay_proto_type(p->cfg, r) == PROTO_DNS)
		r->timeout_s = HS_DNS_TIMEOUT_DEFAULT;
	if (x->service.set)
		r->service_id = find_service(p, &x->service);
	check_certs(p, r, x);
}

static void
check_protocol(struct parser *p, uint32_t id)
{
	const struct protocol_conf *pr = &p->cfg->protocols[id];

	if (pr->nactions > 0 && pr->type != PROTO_HTTP)
		p_error_at(p, &p->px[id], "protocol %s: header, cookie, url "
		    "and path actions need protocol http", pr->name);
	if (ssl_versions(&pr->ssl) == 0)
		p_error_at(p, &p->px[id], "protocol %s: no TLS version left "
		    "(tlsv1.2 and tlsv1.3 are the ones that run)", pr->name);
}

struct listener_ref {
	const struct listen_conf *l;
	uint32_t		 relay;
	uint32_t		 idx;
};

static int
listener_cmp(const void *a, const void *b)
{
	const struct listener_ref *x = a, *y = b;
	int			   c;

	if ((c = addr_cmp(&x->l->addr, &y->l->addr)) != 0)
		return c;
	if (x->l->port != y->l->port)
		return x->l->port < y->l->port ? -1 : 1;
	if (x->relay != y->relay)
		return x->relay < y->relay ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* One address and port is one listener: sorted, so neighbours clash. */
static void
check_listeners(struct parser *p)
{
	const struct config	*c = p->cfg;
	struct listener_ref	*v;
	size_t			 i, j, n = 0;

	for (i = 0; i < c->nrelays; i++)
		n += c->relays[i].nlistens;
	if (n < 2)
		return;
	if ((v = calloc(n, sizeof(*v))) == NULL) {
		p_error_at(p, &p->rx[0].at, "out of memory");
		return;
	}
	for (i = 0, n = 0; i < c->nrelays; i++)
		for (j = 0; j < c->relays[i].nlistens; j++) {
			v[n].l = &c->relays[i].listens[j];
			v[n].relay = (uint32_t)i;
			v[n++].idx = (uint32_t)j;
		}
	qsort(v, n, sizeof(*v), listener_cmp);
	for (i = 1; i < n; i++) {
		char	 a[HS_ADDRSTR_MAX];

		if (!addr_equal(&v[i].l->addr, &v[i - 1].l->addr) ||
		    v[i].l->port != v[i - 1].l->port)
			continue;
		p_error_at(p, &p->rx[v[i].relay].listen_at[v[i].idx],
		    "relay %s: %s port %u is already a listener of relay %s",
		    c->relays[v[i].relay].name,
		    addr_fmt(&v[i].l->addr, a, sizeof(a)), v[i].l->port,
		    c->relays[v[i - 1].relay].name);
	}
	free(v);
}

void
parse_validate_owners(struct parser *p)
{
	size_t	 i;

	for (i = 0; i < p->cfg->nservices; i++)
		check_service(p, (uint32_t)i);
	for (i = 0; i < p->cfg->nrelays; i++)
		check_relay(p, (uint32_t)i);
	for (i = 0; i < p->cfg->nprotocols; i++)
		check_protocol(p, (uint32_t)i);
	check_listeners(p);
}

/* After syntax errors: only report protocol and service names. */
void
parse_check_owner_names(struct parser *p)
{
	const struct relay_extra *x;
	size_t			  i;

	for (i = 0; i < p->cfg->nrelays; i++) {
		x = &p->rx[i];
		if (x->protocol.set)
			(void)find_protocol(p, &x->protocol);
		if (x->service.set)
			(void)find_service(p, &x->service);
	}
}
