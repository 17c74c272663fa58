/*
 * check ssl: TCP plus a full TLS handshake.  The certificate is not
 * verified (a self-signed or expired certificate still means the
 * service answers TLS); only a failed handshake marks the host down.
 * SNI is the table's `host NAME` or the host as written, unless that is
 * a numeric address.  The same handshake serves https and send/expect
 * with ssl.
 */
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <event2/event.h>

#include "backends/net/net_internal.h"

SSL_CTX *
tls_ctx_new(void)
{
	SSL_CTX	*ctx;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return NULL;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	/* A health check talks to old servers too: accept what they speak. */
	SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
	SSL_CTX_set_security_level(ctx, 0);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF |
	    SSL_OP_NO_TICKET);
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	return ctx;
}

static const char *
tls_server_name(const struct net_check *chk)
{
	const char	*name = chk->table->check.host;
	struct hs_addr	 a;

	if (name[0] == '\0')
		name = chk->host->name;
	if (name[0] == '\0' || addr_parse(name, &a) == 0)
		return NULL;
	return name;
}

void
tls_start(struct net_check *chk)
{
	const char	*sni;

	if ((chk->ssl = SSL_new(chk->nc->ssl_ctx)) == NULL ||
	    SSL_set_fd(chk->ssl, chk->fd) != 1) {
		ERR_clear_error();
		net_finish(chk, false, HCE_TLS_CONNECT_ERROR, -1);
		return;
	}
	if ((sni = tls_server_name(chk)) != NULL &&
	    SSL_set_tlsext_host_name(chk->ssl, sni) != 1) {
		ERR_clear_error();
		net_finish(chk, false, HCE_TLS_CONNECT_ERROR, -1);
		return;
	}
	chk->phase = PHASE_TLS;
	tls_step(chk, 0);
}

void
tls_step(struct net_check *chk, short what)
{
	int	 r;

	if (net_timed_out(what)) {
		net_finish(chk, false, HCE_TLS_CONNECT_TIMEOUT, -1);
		return;
	}
	ERR_clear_error();
	if ((r = SSL_connect(chk->ssl)) == 1) {
		stream_ready(chk);
		return;
	}
	switch (SSL_get_error(chk->ssl, r)) {
	case SSL_ERROR_WANT_READ:
		net_wait(chk, chk->fd, EV_READ);
		break;
	case SSL_ERROR_WANT_WRITE:
		net_wait(chk, chk->fd, EV_WRITE);
		break;
	case SSL_ERROR_SSL:
	case SSL_ERROR_SYSCALL:
	case SSL_ERROR_ZERO_RETURN:
		/* The peer does not speak TLS, or closed mid-handshake. */
		ERR_clear_error();
		net_finish(chk, false, HCE_TLS_CONNECT_FAIL, -1);
		break;
	default:
		ERR_clear_error();
		net_finish(chk, false, HCE_TLS_CONNECT_ERROR, -1);
		break;
	}
}

static void
tls_ready(struct net_check *chk)
{
	net_finish(chk, true, HCE_TLS_CONNECT_OK, -1);
}

const struct check_method tls_method = {
	.ready = tls_ready,
};
