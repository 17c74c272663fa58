/*
 * Private keys that are not here.  A relay's certificate gets a key
 * made of its public half and a method (RSA_METHOD, EC_KEY_METHOD: the
 * hook OpenSSL 3.0 still takes for keys whose operations go elsewhere)
 * whose signing sends the digest to the key process and waits for the
 * signature.  The wait is an OpenSSL async job's pause: the handshake
 * returns SSL_ERROR_WANT_ASYNC, the process serves its other sessions,
 * and the answer (MSG_KEY_RESULT, matched by id) resumes the handshake
 * of the leg that asked.  Key exchange by RSA decryption is never
 * offered (tls_ctx.c), so signing is all the key process does.
 *
 * The legacy methods are deprecated in OpenSSL 3 but kept until 4.0;
 * they send such a key ("foreign") down the legacy path, which is what
 * lets a method do the raw operation.  A provider doing the same needs
 * key management and signature implementations of its own.
 */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <sys/queue.h>

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/async.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "relay/relay_priv.h"
#include "relay/tls.h"

#define KEY_INFLIGHT_MAX	64	/* sent, unanswered, per process */

enum key_req_state {
	REQ_QUEUED,		/* waiting for room on the channel */
	REQ_SENT,
	REQ_DONE,		/* answered, or failed before being sent */
};

struct key_req {
	TAILQ_ENTRY(key_req)	 entry;
	enum key_req_state	 state;
	struct leg		*leg;		/* NULL: cancelled */
	bool			 ok;
	struct msg_key		 k;	/* the request, then the answer */
};

TAILQ_HEAD(key_reqs, key_req);

struct key_client {
	struct relay_engine	*eng;
	RSA_METHOD		*rsa;
	EC_KEY_METHOD		*ec;
	struct leg		*current;	/* whose handshake runs */
	struct key_reqs		 queued;
	struct key_reqs		 sent;
	size_t			 nsent;
	uint32_t		 next_id;
	bool			 lost;	/* no key process any more */
	struct msg		*out;	/* what is sent, off the job */
};

static int	rsa_sign_remote(int, const unsigned char *, unsigned char *,
		    RSA *, int);
static int	ec_sign_remote(int, const unsigned char *, int,
		    unsigned char *, unsigned int *, const BIGNUM *,
		    const BIGNUM *, EC_KEY *);
static ECDSA_SIG *ec_sign_sig_remote(const unsigned char *, int,
		    const BIGNUM *, const BIGNUM *, EC_KEY *);

struct key_client *
key_client_new(struct relay_engine *e)
{
	struct key_client	*kc;

	if ((kc = calloc(1, sizeof(*kc))) == NULL)
		return NULL;
	kc->eng = e;
	kc->next_id = 1;
	TAILQ_INIT(&kc->queued);
	TAILQ_INIT(&kc->sent);
	kc->rsa = RSA_meth_dup(RSA_PKCS1_OpenSSL());
	kc->ec = EC_KEY_METHOD_new(EC_KEY_OpenSSL());
	kc->out = calloc(1, sizeof(*kc->out));
	if (kc->rsa == NULL || kc->ec == NULL || kc->out == NULL ||
	    !RSA_meth_set1_name(kc->rsa, "hoststated key process") ||
	    !RSA_meth_set_priv_enc(kc->rsa, rsa_sign_remote) ||
	    !RSA_meth_set_priv_dec(kc->rsa, NULL)) {
		key_client_free(kc);
		return NULL;
	}
	EC_KEY_METHOD_set_sign(kc->ec, ec_sign_remote, NULL,
	    ec_sign_sig_remote);
	return kc;
}

void
key_client_free(struct key_client *kc)
{
	struct key_req	*r;

	if (kc == NULL)
		return;
	/* Sessions are gone: what is left has no job waiting. */
	while ((r = TAILQ_FIRST(&kc->queued)) != NULL) {
		TAILQ_REMOVE(&kc->queued, r, entry);
		free(r);
	}
	while ((r = TAILQ_FIRST(&kc->sent)) != NULL) {
		TAILQ_REMOVE(&kc->sent, r, entry);
		free(r);
	}
	RSA_meth_free(kc->rsa);
	EC_KEY_METHOD_free(kc->ec);
	free(kc->out);
	free(kc);
}

int
relay_key_id(EVP_PKEY *pkey, uint8_t out[KEY_ID_LEN])
{
	unsigned char	*der = NULL;
	unsigned int	 n = KEY_ID_LEN;
	int		 len;

	if ((len = i2d_PUBKEY(pkey, &der)) <= 0)
		return -1;
	if (!EVP_Digest(der, (size_t)len, out, &n, EVP_sha256(), NULL)) {
		OPENSSL_free(der);
		return -1;
	}
	OPENSSL_free(der);
	return 0;
}

/* The public key of x, its private operations done by the key process. */
EVP_PKEY *
key_remote(struct key_client *kc, X509 *x)
{
	EVP_PKEY	*pub = X509_get0_pubkey(x), *pk;
	RSA		*rsa = NULL;
	EC_KEY		*ec = NULL;

	if (pub == NULL || (pk = EVP_PKEY_new()) == NULL)
		return NULL;
	switch (EVP_PKEY_get_base_id(pub)) {
	case EVP_PKEY_RSA:
		if ((rsa = EVP_PKEY_get1_RSA(pub)) == NULL ||
		    !RSA_set_method(rsa, kc->rsa) ||
		    !RSA_set_ex_data(rsa, 0, kc) ||
		    !EVP_PKEY_assign_RSA(pk, rsa))
			goto fail;
		return pk;
	case EVP_PKEY_EC:
		if ((ec = EVP_PKEY_get1_EC_KEY(pub)) == NULL ||
		    !EC_KEY_set_method(ec, kc->ec) ||
		    !EC_KEY_set_ex_data(ec, 0, kc) ||
		    !EVP_PKEY_assign_EC_KEY(pk, ec))
			goto fail;
		return pk;
	}
fail:
	RSA_free(rsa);
	EC_KEY_free(ec);
	EVP_PKEY_free(pk);
	return NULL;
}

static void
req_send(struct key_client *kc, struct key_req *r)
{
	r->state = REQ_SENT;
	TAILQ_INSERT_TAIL(&kc->sent, r, entry);
	kc->nsent++;
	memset(kc->out, 0, offsetof(struct msg, u));
	kc->out->type = MSG_KEY_OP;
	kc->out->u.key = r->k;
	kc->eng->io.send(kc->eng->io.arg, PEER_KEY, kc->out);
}

/* Done: wake the leg's handshake, which takes the result. */
static void
req_done(struct key_client *kc, struct key_req *r, bool ok)
{
	struct leg	*l = r->leg;

	r->state = REQ_DONE;
	r->ok = ok;
	if (l != NULL)
		tls_leg_ready(l);
}

/*
 * Send what waits, oldest first, while fewer than KEY_INFLIGHT_MAX
 * wait for an answer.  Never from an async job: its stack is small and
 * a channel's send is not.
 */
void
key_client_flush(struct key_client *kc)
{
	struct key_req	*r;

	while (kc->nsent < KEY_INFLIGHT_MAX &&
	    (r = TAILQ_FIRST(&kc->queued)) != NULL) {
		TAILQ_REMOVE(&kc->queued, r, entry);
		req_send(kc, r);
	}
}

int
key_client_result(struct key_client *kc, const struct msg_key *res)
{
	struct key_req	*r;
	bool		 ok;

	TAILQ_FOREACH(r, &kc->sent, entry)
		if (r->k.id == res->id)
			break;
	if (r == NULL)
		return -1;	/* no such request: a confused key process */
	TAILQ_REMOVE(&kc->sent, r, entry);
	kc->nsent--;
	if (r->leg == NULL)
		free(r);	/* its session ended meanwhile */
	else {
		ok = res->ok && res->op == r->k.op;
		r->k = *res;
		req_done(kc, r, ok);
	}
	key_client_flush(kc);
	return 0;
}

/* The key process is gone: every handshake waiting for it fails. */
void
key_client_lost(struct key_client *kc)
{
	struct key_req	*r;

	kc->lost = true;
	while ((r = TAILQ_FIRST(&kc->queued)) != NULL) {
		TAILQ_REMOVE(&kc->queued, r, entry);
		req_done(kc, r, false);
	}
	while ((r = TAILQ_FIRST(&kc->sent)) != NULL) {
		TAILQ_REMOVE(&kc->sent, r, entry);
		kc->nsent--;
		if (r->leg == NULL)
			free(r);
		else
			req_done(kc, r, false);
	}
}

/* The leg whose handshake OpenSSL runs next, for the methods to see. */
void
key_client_enter(struct key_client *kc, struct leg *l)
{
	kc->current = l;
}

/*
 * The session ended while its key operation waits: its job, woken,
 * gives up; a request on its way stays until its answer frees it.
 */
void
key_req_cancel(struct key_req *r)
{
	struct key_client	*kc = r->leg->s->eng->tls->keys;

	r->leg = NULL;
	r->ok = false;
	if (r->state == REQ_QUEUED) {
		TAILQ_REMOVE(&kc->queued, r, entry);
		r->state = REQ_DONE;
	}
}

/*
 * Ask the key process and wait, inside the handshake's async job:
 * returns the answer's length, or -1.  Only a relay's own handshake
 * may ask: no job or no leg means someone else called.
 */
static int
remote_op(struct key_client *kc, EVP_PKEY *pub, enum key_op op,
    const unsigned char *in, size_t inlen, unsigned char *out, size_t max)
{
	struct leg	*l = kc != NULL ? kc->current : NULL;
	struct key_req	*r;
	int		 n = -1;

	if (l == NULL || l->tls == NULL || ASYNC_get_current_job() == NULL ||
	    kc->lost || inlen > KEY_DATA_MAX || (r = calloc(1,
	    sizeof(*r))) == NULL)
		return -1;
	r->leg = l;
	r->k.id = kc->next_id++;
	r->k.op = op;
	r->k.len = (uint16_t)inlen;
	memcpy(r->k.data, in, inlen);
	if (relay_key_id(pub, r->k.key) == -1) {
		free(r);
		return -1;
	}
	l->tls->req = r;
	r->state = REQ_QUEUED;
	TAILQ_INSERT_TAIL(&kc->queued, r, entry);
	/* Sent by the handshake's caller, once the job has paused. */
	while (r->state != REQ_DONE && r->leg != NULL &&
	    ASYNC_pause_job() == 1)
		;
	if (r->leg != NULL && r->state != REQ_DONE)
		key_req_cancel(r);	/* could not wait */
	if (r->leg == NULL) {
		if (r->state != REQ_SENT)
			free(r);
		return -1;
	}
	r->leg->tls->req = NULL;
	if (r->ok && r->k.len <= max) {
		memcpy(out, r->k.data, r->k.len);
		n = r->k.len;
	}
	free(r);
	return n;
}

static EVP_PKEY *
rsa_pub(RSA *rsa)
{
	EVP_PKEY	*pk = EVP_PKEY_new();

	if (pk != NULL && (!RSA_up_ref(rsa) || !EVP_PKEY_assign_RSA(pk,
	    rsa))) {
		EVP_PKEY_free(pk);
		return NULL;
	}
	return pk;
}

/*
 * The raw private operation OpenSSL asks for: PKCS#1 v1.5 over a
 * DigestInfo (TLS 1.2 with an old client), or no padding over a PSS
 * block it encoded (RSA-PSS, TLS 1.3).
 */
static int
rsa_sign_remote(int flen, const unsigned char *from, unsigned char *to,
    RSA *rsa, int padding)
{
	struct key_client	*kc = RSA_get_ex_data(rsa, 0);
	EVP_PKEY		*pub;
	enum key_op		 op;
	int			 n;

	if (padding == RSA_PKCS1_PADDING)
		op = KEY_RSA_PKCS1;
	else if (padding == RSA_NO_PADDING)
		op = KEY_RSA_PSS;
	else
		return -1;
	if (flen < 0 || (pub = rsa_pub(rsa)) == NULL)
		return -1;
	n = remote_op(kc, pub, op, from, (size_t)flen, to,
	    (size_t)RSA_size(rsa));
	EVP_PKEY_free(pub);
	return n;
}

static EVP_PKEY *
ec_pub(EC_KEY *ec)
{
	EVP_PKEY	*pk = EVP_PKEY_new();

	if (pk != NULL && (!EC_KEY_up_ref(ec) ||
	    !EVP_PKEY_assign_EC_KEY(pk, ec))) {
		EVP_PKEY_free(pk);
		return NULL;
	}
	return pk;
}

static int
ec_sign_remote(int type, const unsigned char *dgst, int dlen,
    unsigned char *sig, unsigned int *siglen, const BIGNUM *kinv,
    const BIGNUM *rp, EC_KEY *ec)
{
	struct key_client	*kc = EC_KEY_get_ex_data(ec, 0);
	EVP_PKEY		*pub;
	int			 n;

	if (dlen < 0 || (pub = ec_pub(ec)) == NULL)
		return 0;
	n = remote_op(kc, pub, KEY_ECDSA, dgst, (size_t)dlen, sig,
	    (size_t)ECDSA_size(ec));
	EVP_PKEY_free(pub);
	if (n < 0)
		return 0;
	*siglen = (unsigned int)n;
	return 1;
}

static ECDSA_SIG *
ec_sign_sig_remote(const unsigned char *dgst, int dlen, const BIGNUM *kinv,
    const BIGNUM *rp, EC_KEY *ec)
{
	unsigned char		 sig[KEY_DATA_MAX];
	const unsigned char	*p = sig;
	unsigned int		 n;

	if ((size_t)ECDSA_size(ec) > sizeof(sig) ||
	    !ec_sign_remote(0, dgst, dlen, sig, &n, kinv, rp, ec))
		return NULL;
	return d2i_ECDSA_SIG(NULL, &p, n);
}
