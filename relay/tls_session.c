/*
 * Where TLS meets a session: the client's handshake comes first, before
 * a host is chosen; the host's comes after the connect, with the name
 * the configuration gives the host (SNI and verification) and its last
 * session offered for resumption (an HTTP relay's connection also asks
 * for http/1.1 by ALPN); a failed one counts as a failed connect and
 * the next host is tried.
 */
#include <string.h>

#include <openssl/x509v3.h>

#include "relay/http_relay.h"
#include "relay/relay_priv.h"
#include "relay/tls.h"

/* 0: a plain listener; 1: the handshake runs; -1: out of memory. */
int
tls_session_accept(struct session *s)
{
	SSL_CTX	*ctx;

	if ((ctx = tls_server_ctx(s->rt->tls, &s->laddr, s->lport)) == NULL)
		return 0;
	return tls_leg_new(&s->client, ctx, true) == -1 ? -1 : 1;
}

/* The name the configuration gives the session's host. */
const char *
tls_host_name(const struct session *s)
{
	const struct config	*c = s->eng->cfg;

	if (s->target.host_id < c->nhosts)
		return c->hosts[s->target.host_id].name;
	if (s->rt->id < c->nrelays && c->relays[s->rt->id].has_forward)
		return c->relays[s->rt->id].forward.name;
	return NULL;
}

/*
 * A name goes as SNI and is what the certificate must be for; an
 * address as written is not sent (RFC 6066) and is checked as an IP.
 */
static int
host_identity(SSL *ssl, const char *name, bool verify)
{
	struct hs_addr	 a;
	X509_VERIFY_PARAM *vp = SSL_get0_param(ssl);

	if (name == NULL || *name == '\0')
		return 0;
	if (addr_parse(name, &a) == 0)
		return verify ? X509_VERIFY_PARAM_set1_ip_asc(vp, name) : 1;
	if (!SSL_set_tlsext_host_name(ssl, name))
		return 0;
	return verify ? X509_VERIFY_PARAM_set1_host(vp, name, 0) : 1;
}

/*
 * TLS on l, a connected leg to the session's target: its name, and its
 * last session offered.  0: a plain host; 1: the handshake may run;
 * -1: out of memory.
 */
static int
host_leg_start(struct session *s, struct leg *l, bool http)
{
	static const unsigned char	 h1[] = "\x08http/1.1";
	struct tls_relay		*tr = s->rt->tls;
	SSL_SESSION			*sess;
	SSL				*ssl;

	if (tr == NULL || tr->client == NULL)
		return 0;
	if (tls_leg_new(l, tr->client, false) == -1)
		return -1;
	ssl = l->tls->ssl;
	if (!host_identity(ssl, tls_host_name(s), tr->verify) ||
	    (http && SSL_set_alpn_protos(ssl, h1, sizeof(h1) - 1) != 0))
		return -1;
	/* A copy: the connection may spoil its own (tls_ticket.c). */
	if ((sess = tls_host_session(tr, &s->target.addr,
	    s->target.port)) != NULL &&
	    (sess = SSL_SESSION_dup(sess)) != NULL) {
		(void)SSL_set_session(ssl, sess);
		SSL_SESSION_free(sess);
	}
	/* Connected: the hello can go at once. */
	l->can_write = true;
	return 1;
}

/* 0: a plain host; 1: the handshake runs; -1: the session ended. */
int
tls_session_connect(struct session *s)
{
	int	r;

	if ((r = host_leg_start(s, &s->host, false)) == -1) {
		session_end(s, SESS_ERROR);
		return -1;
	}
	if (r == 1)
		(void)tls_session_event(&s->host);
	return r;
}

/*
 * An HTTP relay's connection to its host, connected: 0 plain, 1 TLS
 * set up (the caller runs the handshake, whose end is
 * http_host_handshake's), -1 failed.
 */
int
tls_http_connect(struct session *s, struct leg *l)
{
	return host_leg_start(s, l, true);
}

static void
handshake_step(struct leg *l)
{
	struct session	*s = l->s;
	int		 r;

	if ((r = tls_leg_handshake(l)) == 0)
		return;
	if (l == &s->client) {
		if (r == 1)
			session_begin(s);
		else
			session_end(s, SESS_TLS_FAILED);
	} else if (s->http != NULL)
		http_host_handshake(s, l, r == 1);
	else if (r == 1)
		session_host_ready(s);
	else
		session_connect_failed(s);
}

/* An event on a TLS leg: true if the handshake took it. */
bool
tls_session_event(struct leg *l)
{
	if (l->tls->handshaking) {
		handshake_step(l);
		return true;
	}
	tls_leg_events(l);
	return false;
}
