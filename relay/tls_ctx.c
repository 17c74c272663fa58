/*
 * The TLS contexts of a configuration, one SSL_CTX per certificate a
 * listener presents and one towards the hosts, built from the files
 * the parent passed (the process is chrooted) when the configuration
 * is prepared, so that the switch cannot fail.  The callbacks find
 * what they need through the leg (SSL app data), never through the
 * context, so a reload may free a relay's contexts while older
 * sessions still run on them.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "core/tls_conf.h"
#include "relay/relay_priv.h"
#include "relay/tls.h"

#define TLS_SID_CTX	"hoststated"

int
tls_engine_init(struct relay_engine *e)
{
	if ((e->tls = calloc(1, sizeof(*e->tls))) == NULL)
		return -1;
	e->tls->eng = e;
	if ((e->tls->keys = key_client_new(e)) == NULL)
		return -1;
	return 0;
}

void
tls_engine_free(struct relay_engine *e)
{
	if (e->tls == NULL)
		return;
	tls_drop(e);
	tls_files_clear(e->tls);
	key_client_free(e->tls->keys);
	OPENSSL_cleanse(&e->tls->tickets, sizeof(e->tls->tickets));
	free(e->tls);
	e->tls = NULL;
}

void
tls_files_clear(struct tls_engine *te)
{
	size_t	 i;

	for (i = 0; i < te->nfiles; i++) {
		free(te->files[i].path);
		free(te->files[i].data);
	}
	free(te->files);
	te->files = NULL;
	te->nfiles = 0;
}

/* A relay never takes a private key: the parent sending one is broken. */
int
tls_file_add(struct relay_engine *e, uint8_t kind, const char *path,
    const uint8_t *data, size_t len)
{
	struct tls_engine	*te = e->tls;
	struct tls_file		*f;

	if ((kind != FILE_CERT && kind != FILE_CA) || len > TLS_FILE_MAX)
		return -1;
	if ((f = reallocarray(te->files, te->nfiles + 1, sizeof(*f))) == NULL)
		return -1;
	te->files = f;
	f = &te->files[te->nfiles];
	f->kind = kind;
	f->len = len;
	f->path = strdup(path);
	f->data = malloc(len > 0 ? len : 1);
	if (f->path == NULL || f->data == NULL) {
		free(f->path);
		free(f->data);
		return -1;
	}
	memcpy(f->data, data, len);
	te->nfiles++;
	return 0;
}

static const struct tls_file *
file_find(const struct tls_engine *te, uint8_t kind, const char *path)
{
	size_t	 i;

	/* The latest wins: a reload sends again what it needs. */
	for (i = te->nfiles; i-- > 0;)
		if (te->files[i].kind == kind &&
		    strcmp(te->files[i].path, path) == 0)
			return &te->files[i];
	return NULL;
}

/* Every certificate of a PEM file, in order; NULL if none or broken. */
static STACK_OF(X509) *
pem_certs(const struct tls_file *f)
{
	STACK_OF(X509)	*sk;
	BIO		*bio;
	X509		*x;

	if ((sk = sk_X509_new_null()) == NULL)
		return NULL;
	if ((bio = BIO_new_mem_buf(f->data, (int)f->len)) == NULL) {
		sk_X509_free(sk);
		return NULL;
	}
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL)
		if (!sk_X509_push(sk, x)) {
			X509_free(x);
			break;
		}
	BIO_free(bio);
	/* The end of the file is an error in the queue: not ours. */
	ERR_clear_error();
	if (sk_X509_num(sk) == 0) {
		sk_X509_free(sk);
		return NULL;
	}
	return sk;
}

static int
ctx_versions(SSL_CTX *ctx, const struct ssl_opts *o)
{
	unsigned	 v = ssl_versions(o);

	return SSL_CTX_set_min_proto_version(ctx, (v & TLS_V12) ?
	    TLS1_2_VERSION : TLS1_3_VERSION) &&
	    SSL_CTX_set_max_proto_version(ctx, (v & TLS_V13) ?
	    TLS1_3_VERSION : TLS1_2_VERSION);
}

/*
 * One list for both kinds: TLS 1.3 suites (TLS_...) go to the 1.3 list,
 * the rest to the older one, which never offers key exchange by RSA
 * encryption: a key that only signs does not decrypt, and that key
 * exchange has no forward secrecy anyway.
 */
static int
ctx_ciphers(SSL_CTX *ctx, const char *list, bool v12, char *why, size_t len)
{
	char		 old[HS_NAME_MAX * 4 + 8], v13[HS_NAME_MAX * 4];
	const char	*p, *end;
	size_t		 n;

	old[0] = v13[0] = '\0';
	for (p = list; *p != '\0'; p = *end != '\0' ? end + 1 : end) {
		end = p + strcspn(p, ":, ");
		n = (size_t)(end - p);
		if (n == 0)
			continue;
		if (strncmp(p, "TLS_", 4) == 0)
			(void)snprintf(v13 + strlen(v13), sizeof(v13) -
			    strlen(v13), "%s%.*s", v13[0] ? ":" : "", (int)n,
			    p);
		else
			(void)snprintf(old + strlen(old), sizeof(old) -
			    strlen(old), "%s%.*s", old[0] ? ":" : "", (int)n,
			    p);
	}
	if (old[0] == '\0' && v12) {
		(void)snprintf(why, len, "ciphers \"%s\": none for TLS 1.2 "
		    "(no tlsv1.2 turns it off)", list);
		return -1;
	}
	(void)snprintf(old + strlen(old), sizeof(old) - strlen(old), "%s",
	    old[0] ? ":!kRSA" : "");
	if ((old[0] != '\0' && !SSL_CTX_set_cipher_list(ctx, old)) ||
	    (v13[0] != '\0' && !SSL_CTX_set_ciphersuites(ctx, v13))) {
		(void)snprintf(why, len, "ciphers \"%s\": none left (key "
		    "exchange by RSA encryption is never offered)", list);
		ERR_clear_error();
		return -1;
	}
	return 0;
}

/* ecdhe's curves (the library's default without it); edh's DHE. */
static int
ctx_groups(SSL_CTX *ctx, const struct ssl_opts *o, char *why, size_t len)
{
	char	 list[sizeof(o->ecdhe)], *c;

	(void)snprintf(list, sizeof(list), "%s", o->ecdhe);
	for (c = list; *c != '\0'; c++)
		if (*c == ',')
			*c = ':';
	if (list[0] != '\0' && !SSL_CTX_set1_groups_list(ctx, list)) {
		(void)snprintf(why, len, "ecdhe %.200s: cannot be used",
		    o->ecdhe);
		ERR_clear_error();
		return -1;
	}
	if (o->edh != SSL_EDH_NONE)
		(void)SSL_CTX_set_dh_auto(ctx, 1);
	return 0;
}

/* What servers and clients share: versions, ciphers, buffers. */
static SSL_CTX *
ctx_new(const SSL_METHOD *method, const struct ssl_opts *o, char *why,
    size_t len)
{
	SSL_CTX	*ctx;

	if ((ctx = SSL_CTX_new(method)) == NULL) {
		(void)snprintf(why, len, "out of memory");
		return NULL;
	}
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_COMPRESSION);
	/*
	 * Partial writes: a pump writes what it can and keeps the rest;
	 * released buffers: an idle session holds none; read ahead: one
	 * read brings several records.
	 */
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_read_ahead(ctx, 1);
	if (!ctx_versions(ctx, o)) {
		(void)snprintf(why, len, "no TLS version to run");
		SSL_CTX_free(ctx);
		return NULL;
	}
	if (ctx_ciphers(ctx, o->ciphers, ssl_versions(o) & TLS_V12, why,
	    len) == -1) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	if (ctx_groups(ctx, o, why, len) == -1) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

int
relay_ciphers_check(const char *list, char *why, size_t len)
{
	SSL_CTX	*ctx;
	int	 rc;

	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		(void)snprintf(why, len, "out of memory");
		return -1;
	}
	rc = ctx_ciphers(ctx, list, false, why, len);
	SSL_CTX_free(ctx);
	return rc;
}

static int
alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
    const unsigned char *in, unsigned int inlen, void *arg)
{
	static const unsigned char	 http11[] = "\x08http/1.1";
	unsigned char			*sel;

	if (SSL_select_next_proto(&sel, outlen, http11, sizeof(http11) - 1,
	    in, inlen) != OPENSSL_NPN_NEGOTIATED)
		return SSL_TLSEXT_ERR_NOACK;
	*out = sel;
	return SSL_TLSEXT_ERR_OK;
}

/* SNI: the keypair whose certificate names the host, or the default. */
static int
servername(SSL *ssl, int *alert, void *arg)
{
	const char		*name;
	struct leg		*l = SSL_get_app_data(ssl);
	const struct tls_relay	*tr;
	const struct tls_server	*srv = NULL;
	size_t			 i;

	name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
	if (name == NULL || l == NULL || l->s->rt == NULL ||
	    (tr = l->s->rt->tls) == NULL)
		return SSL_TLSEXT_ERR_OK;
	for (i = 0; i < tr->nlisten && srv == NULL; i++)
		if (tr->listen[i].port == l->s->lport &&
		    addr_equal(&tr->listen[i].addr, &l->s->laddr))
			srv = &tr->listen[i];
	for (i = 0; srv != NULL && i < srv->nsni; i++)
		if (X509_check_host(SSL_CTX_get0_certificate(srv->sni[i]),
		    name, 0, 0, NULL) == 1) {
			if (SSL_set_SSL_CTX(ssl, srv->sni[i]) == NULL)
				return SSL_TLSEXT_ERR_ALERT_FATAL;
			break;
		}
	return SSL_TLSEXT_ERR_OK;
}

/* The certificate (and chain) of kp with its key in the key process. */
static int
ctx_keypair(struct relay_engine *e, SSL_CTX *ctx,
    const struct keypair_conf *kp, char *why, size_t len)
{
	const struct tls_file	*f;
	STACK_OF(X509)		*chain;
	EVP_PKEY		*pkey;
	int			 i, ok;

	if ((f = file_find(e->tls, FILE_CERT, kp->cert)) == NULL) {
		(void)snprintf(why, len, "certificate %.400s not received",
		    kp->cert);
		return -1;
	}
	if ((chain = pem_certs(f)) == NULL) {
		(void)snprintf(why, len,
		    "certificate %.400s: no PEM certificate",
		    kp->cert);
		return -1;
	}
	pkey = key_remote(e->tls->keys, sk_X509_value(chain, 0));
	ok = pkey != NULL &&
	    SSL_CTX_use_certificate(ctx, sk_X509_value(chain, 0)) &&
	    SSL_CTX_use_PrivateKey(ctx, pkey);
	for (i = 1; ok && i < sk_X509_num(chain); i++)
		ok = SSL_CTX_add1_chain_cert(ctx, sk_X509_value(chain, i));
	EVP_PKEY_free(pkey);
	sk_X509_pop_free(chain, X509_free);
	if (!ok) {
		(void)snprintf(why, len, "certificate %.400s: %s", kp->cert,
		    pkey == NULL ? "key type not RSA or EC" :
		    "cannot be used");
		ERR_clear_error();
		return -1;
	}
	return 0;
}

/*
 * A server context: the versions, ciphers and session options of the
 * relay's protocol, tickets made with the keys every relay process
 * shares, and the certificate of kp.
 */
static SSL_CTX *
server_ctx(struct relay_engine *e, const struct config *c,
    const struct relay_conf *r, const struct keypair_conf *kp, char *why,
    size_t len)
{
	const struct ssl_opts	*o = relay_ssl_opts(c, r);
	SSL_CTX			*ctx;

	if ((ctx = ctx_new(TLS_server_method(), o, why, len)) == NULL)
		return NULL;
	SSL_CTX_set_options(ctx, (o->client_order ? 0 :
	    SSL_OP_CIPHER_SERVER_PREFERENCE) |
	    (o->tickets ? 0 : SSL_OP_NO_TICKET));
	SSL_CTX_set_mode(ctx, SSL_MODE_ASYNC);
	(void)SSL_CTX_set_session_id_context(ctx,
	    (const unsigned char *)TLS_SID_CTX, sizeof(TLS_SID_CTX) - 1);
	if (o->session_cache == SSL_CACHE_DISABLED || o->session_cache == 0)
		SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	else if (o->session_cache > 0)
		SSL_CTX_sess_set_cache_size(ctx, o->session_cache);
	(void)SSL_CTX_set_num_tickets(ctx, o->tickets ||
	    (o->session_cache != SSL_CACHE_DISABLED &&
	    o->session_cache != 0) ? 1 : 0);
	SSL_CTX_set_timeout(ctx, TLS_TICKET_ROTATE_S);
	if (o->tickets)
		SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, tls_ticket_cb);
	SSL_CTX_set_tlsext_servername_callback(ctx, servername);
	if (relay_proto_type(c, r) == PROTO_HTTP)
		SSL_CTX_set_alpn_select_cb(ctx, alpn_select, NULL);
	if (ctx_keypair(e, ctx, kp, why, len) == -1) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

static int
client_ctx(struct relay_engine *e, const struct config *c,
    const struct relay_conf *r, struct tls_relay *tr, char *why, size_t len)
{
	static const unsigned char	 http11[] = "\x08http/1.1";
	const struct ssl_opts		*o = relay_ssl_opts(c, r);
	const struct tls_file		*f;
	STACK_OF(X509)			*cas;
	X509_STORE			*store;
	int				 i, ok = 1;

	if ((tr->client = ctx_new(TLS_client_method(), o, why, len)) == NULL)
		return -1;
	SSL_CTX_set_session_cache_mode(tr->client, SSL_SESS_CACHE_CLIENT |
	    SSL_SESS_CACHE_NO_INTERNAL_STORE);
	SSL_CTX_sess_set_new_cb(tr->client, tls_host_session_new);
	/* Where its sessions are filed; pooled connections outlive tr. */
	(void)SSL_CTX_set_app_data(tr->client, tr);
	if (relay_proto_type(c, r) == PROTO_HTTP)
		(void)SSL_CTX_set_alpn_protos(tr->client, http11,
		    sizeof(http11) - 1);
	if (o->ca_file[0] == '\0')
		return 0;
	if ((f = file_find(e->tls, FILE_CA, o->ca_file)) == NULL ||
	    (cas = pem_certs(f)) == NULL) {
		(void)snprintf(why, len, "ca file %.400s: %s", o->ca_file,
		    f == NULL ? "not received" : "no PEM certificate");
		return -1;
	}
	store = SSL_CTX_get_cert_store(tr->client);
	for (i = 0; ok && i < sk_X509_num(cas); i++)
		ok = X509_STORE_add_cert(store, sk_X509_value(cas, i));
	sk_X509_pop_free(cas, X509_free);
	if (!ok) {
		(void)snprintf(why, len, "ca file %.400s: cannot be used",
		    o->ca_file);
		return -1;
	}
	SSL_CTX_set_verify(tr->client, SSL_VERIFY_PEER, NULL);
	tr->verify = true;
	return 0;
}

void
tls_relay_free(struct tls_relay *tr)
{
	size_t	 i, j;

	if (tr == NULL)
		return;
	for (i = 0; i < tr->nlisten; i++) {
		SSL_CTX_free(tr->listen[i].ctx);
		for (j = 0; j < tr->listen[i].nsni; j++)
			SSL_CTX_free(tr->listen[i].sni[j]);
		free(tr->listen[i].sni);
	}
	if (tr->client != NULL)
		(void)SSL_CTX_set_app_data(tr->client, NULL);
	SSL_CTX_free(tr->client);
	for (i = 0; i < TLS_HOST_SESSIONS; i++)
		SSL_SESSION_free(tr->hosts[i].sess);
	free(tr);
}

static int
server_listen(struct relay_engine *e, const struct config *c,
    const struct relay_conf *r, size_t li, struct tls_server *srv,
    char *why, size_t len)
{
	const struct ssl_opts	*o = relay_ssl_opts(c, r);
	struct keypair_conf	 kp;
	size_t			 i;

	srv->addr = r->listens[li].addr;
	srv->port = r->listens[li].port;
	relay_default_keypair(c, r, li, &kp);
	if ((srv->ctx = server_ctx(e, c, r, &kp, why, len)) == NULL)
		return -1;
	if (o->nkeypairs == 0)
		return 0;
	if ((srv->sni = calloc(o->nkeypairs, sizeof(*srv->sni))) == NULL) {
		(void)snprintf(why, len, "out of memory");
		return -1;
	}
	for (i = 0; i < o->nkeypairs; i++, srv->nsni++) {
		keypair_paths(&o->keypairs[i], &kp);
		if ((srv->sni[i] = server_ctx(e, c, r, &kp, why, len)) == NULL)
			return -1;
	}
	return 0;
}

static struct tls_relay *
relay_tls(struct relay_engine *e, const struct config *c,
    const struct relay_conf *r, char *why, size_t len)
{
	struct tls_relay	*tr;
	size_t			 i;

	if ((tr = calloc(1, sizeof(*tr))) == NULL) {
		(void)snprintf(why, len, "out of memory");
		return NULL;
	}
	for (i = 0; i < r->nlistens; i++) {
		if (!r->listens[i].ssl)
			continue;
		if (server_listen(e, c, r, i, &tr->listen[tr->nlisten++], why,
		    len) == -1)
			goto fail;
	}
	if (r->forward_tls && client_ctx(e, c, r, tr, why, len) == -1)
		goto fail;
	return tr;
fail:
	tls_relay_free(tr);
	return NULL;
}

void
tls_drop(struct relay_engine *e)
{
	struct tls_engine	*te = e->tls;
	size_t			 i;

	for (i = 0; i < te->nnext; i++)
		tls_relay_free(te->next[i]);
	free(te->next);
	te->next = NULL;
	te->nnext = 0;
}

int
tls_prepare(struct relay_engine *e, const struct config *c, char *why,
    size_t len)
{
	struct tls_engine	*te = e->tls;
	char			 line[RELAY_LOG_MAX];
	size_t			 i;

	tls_drop(e);
	if ((te->next = calloc(c->nrelays ? c->nrelays : 1,
	    sizeof(*te->next))) == NULL) {
		(void)snprintf(why, len, "out of memory");
		return -1;
	}
	te->nnext = c->nrelays;
	for (i = 0; i < c->nrelays; i++) {
		if (!relay_tls_listens(&c->relays[i]) &&
		    !c->relays[i].forward_tls)
			continue;
		te->next[i] = relay_tls(e, c, &c->relays[i], line,
		    sizeof(line));
		if (te->next[i] == NULL) {
			(void)snprintf(why, len, "relay %s: %s",
			    c->relays[i].name, line);
			tls_drop(e);
			return -1;
		}
	}
	return 0;
}

struct tls_relay *
tls_take(struct relay_engine *e, size_t relay)
{
	struct tls_relay	*tr;

	if (relay >= e->tls->nnext)
		return NULL;
	tr = e->tls->next[relay];
	e->tls->next[relay] = NULL;
	return tr;
}

SSL_CTX *
tls_server_ctx(const struct tls_relay *tr, const struct hs_addr *addr,
    uint16_t port)
{
	size_t	 i;

	for (i = 0; tr != NULL && i < tr->nlisten; i++)
		if (tr->listen[i].port == port &&
		    addr_equal(&tr->listen[i].addr, addr))
			return tr->listen[i].ctx;
	return NULL;
}
