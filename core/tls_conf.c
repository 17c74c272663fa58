/* The meaning of the TLS options; see tls_conf.h. */
#include <stdio.h>
#include <string.h>

#include "core/tls_conf.h"

static const struct ssl_opts	ssl_defaults = {
	.ciphers = SSL_CIPHERS_DEFAULT,
	.session_cache = SSL_CACHE_DEFAULT,
};

/*
 * relayd's reading: tlsv1 is every TLS 1 version that runs (1.2 and
 * 1.3); tlsv1.2 and tlsv1.3 say more precisely and win over it.  SSL 2
 * and 3 never run, whatever is written.
 */
unsigned
ssl_versions(const struct ssl_opts *o)
{
	unsigned	 v = TLS_V12 | TLS_V13;

	if ((o->set & SSLOPT_TLSV1) && !(o->on & SSLOPT_TLSV1))
		v = 0;
	if (o->set & SSLOPT_TLSV1_2)
		v = (o->on & SSLOPT_TLSV1_2) ? v | TLS_V12 : v & ~TLS_V12;
	if (o->set & SSLOPT_TLSV1_3)
		v = (o->on & SSLOPT_TLSV1_3) ? v | TLS_V13 : v & ~TLS_V13;
	return v;
}

const struct ssl_opts *
relay_ssl_opts(const struct config *c, const struct relay_conf *r)
{
	if (r->protocol_id < c->nprotocols)
		return &c->protocols[r->protocol_id].ssl;
	return &ssl_defaults;
}

bool
relay_tls_listens(const struct relay_conf *r)
{
	size_t	 i;

	for (i = 0; i < r->nlistens; i++)
		if (r->listens[i].ssl)
			return true;
	return false;
}

void
keypair_paths(const struct keypair_conf *kp, struct keypair_conf *out)
{
	if (out != kp)
		*out = *kp;
	if (kp->cert[0] == '\0')
		(void)snprintf(out->cert, sizeof(out->cert),
		    "/etc/ssl/%.*s.crt", (int)(sizeof(out->cert) - 16),
		    kp->name);
	if (kp->key[0] == '\0')
		(void)snprintf(out->key, sizeof(out->key),
		    "/etc/ssl/private/%.*s.key", (int)(sizeof(out->key) - 24),
		    kp->name);
}

void
relay_default_keypair(const struct config *c, const struct relay_conf *r,
    size_t listen, struct keypair_conf *out)
{
	const struct ssl_opts	*o = relay_ssl_opts(c, r);
	struct keypair_conf	 kp;

	if (r->ssl_cert[0] == '\0' && r->ssl_key[0] == '\0' &&
	    o->nkeypairs > 0) {
		keypair_paths(&o->keypairs[0], out);
		return;
	}
	memset(&kp, 0, sizeof(kp));
	if (listen < r->nlistens)
		(void)addr_fmt(&r->listens[listen].addr, kp.name,
		    sizeof(kp.name));
	memcpy(kp.cert, r->ssl_cert, sizeof(kp.cert));
	memcpy(kp.key, r->ssl_key, sizeof(kp.key));
	keypair_paths(&kp, out);
}

int
config_keypairs(const struct config *c,
    int (*cb)(void *, const struct keypair_conf *), void *arg)
{
	const struct relay_conf	*r;
	const struct ssl_opts	*o;
	struct keypair_conf	 kp;
	size_t			 ri, i;
	int			 rc;

	for (ri = 0; ri < c->nrelays; ri++) {
		r = &c->relays[ri];
		if (!relay_tls_listens(r))
			continue;
		for (i = 0; i < r->nlistens; i++) {
			if (!r->listens[i].ssl)
				continue;
			relay_default_keypair(c, r, i, &kp);
			if ((rc = cb(arg, &kp)) != 0)
				return rc;
		}
		o = relay_ssl_opts(c, r);
		for (i = 0; i < o->nkeypairs; i++) {
			keypair_paths(&o->keypairs[i], &kp);
			if ((rc = cb(arg, &kp)) != 0)
				return rc;
		}
	}
	return 0;
}
