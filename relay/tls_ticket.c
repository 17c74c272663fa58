/*
 * Resumption.  Towards clients: session tickets sealed with keys the
 * parent draws and rotates and every relay process holds, so a client
 * resumes whichever process accepts it (OpenSSL's own ticket keys are
 * per context, so per process).  Towards hosts: the last session of
 * each host, kept per relay, offered on the next connection to it.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "relay/http_relay.h"
#include "relay/relay_priv.h"
#include "relay/tls.h"

int
tls_tickets_set(struct relay_engine *e, const struct msg_tickets *t)
{
	if (t->n == 0 || t->n > TICKET_KEYS_MAX)
		return -1;
	OPENSSL_cleanse(&e->tls->tickets, sizeof(e->tls->tickets));
	e->tls->tickets = *t;
	return 0;
}

/*
 * The parent's rotation: the fresh key seals from now on, the one it
 * replaces still opens what it sealed, the one before is forgotten.
 */
void
tls_tickets_rotate(struct msg_tickets *t, const struct ticket_key *fresh)
{
	if (t->n > 0)
		t->keys[1] = t->keys[0];
	t->keys[0] = *fresh;
	t->n = t->n > 0 ? 2 : 1;
}

static int
ticket_mac(EVP_MAC_CTX *hctx, const struct ticket_key *k)
{
	OSSL_PARAM	 params[2];

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	return EVP_MAC_init(hctx, k->hmac, sizeof(k->hmac), params);
}

/*
 * OpenSSL's ticket callback: seal with the current key (1), open with
 * the key the ticket names (1, or 2 when it is the previous one: the
 * client gets a fresh ticket), or refuse (0: a full handshake).
 */
int
tls_ticket_cb(SSL *ssl, unsigned char *name, unsigned char *iv,
    EVP_CIPHER_CTX *cctx, EVP_MAC_CTX *hctx, int enc)
{
	const struct leg		*l = SSL_get_app_data(ssl);
	const struct msg_tickets	*t;
	const struct ticket_key		*k;
	uint32_t			 i;

	if (l == NULL)
		return 0;
	t = &l->s->eng->tls->tickets;
	if (enc) {
		if (t->n == 0)
			return 0;
		k = &t->keys[0];
		if (RAND_bytes(iv, EVP_MAX_IV_LENGTH) != 1)
			return -1;
		memcpy(name, k->name, TICKET_NAME_LEN);
		if (!EVP_EncryptInit_ex(cctx, EVP_aes_256_cbc(), NULL, k->aes,
		    iv) || !ticket_mac(hctx, k))
			return -1;
		return 1;
	}
	for (i = 0; i < t->n; i++) {
		k = &t->keys[i];
		if (memcmp(name, k->name, TICKET_NAME_LEN) != 0)
			continue;
		if (!EVP_DecryptInit_ex(cctx, EVP_aes_256_cbc(), NULL, k->aes,
		    iv) || !ticket_mac(hctx, k))
			return -1;
		return i == 0 ? 1 : 2;
	}
	return 0;
}

static struct tls_host_session *
host_slot(struct tls_relay *tr, const struct hs_addr *a, uint16_t port)
{
	uint32_t	 h = 2166136261u;
	size_t		 i;

	/* FNV-1a: a slot per host, a collision only costs a handshake. */
	for (i = 0; i < sizeof(a->bytes); i++)
		h = (h ^ a->bytes[i]) * 16777619u;
	h = (h ^ (port >> 8)) * 16777619u;
	h = (h ^ (port & 0xff)) * 16777619u;
	return &tr->hosts[h % TLS_HOST_SESSIONS];
}

/*
 * A host gave a session (after the handshake, or a TLS 1.3 ticket, which
 * may come while the connection waits in the pool): filed for the
 * connection's host with the relay whose context made the connection,
 * if that relay still runs.  A copy is kept: OpenSSL marks the
 * connection's own session as not resumable when the connection is
 * freed without a close_notify sent, which a session that ends by the
 * client's reset or the timeout is.
 */
int
tls_host_session_new(SSL *ssl, SSL_SESSION *sess)
{
	const struct leg	*l = SSL_get_app_data(ssl);
	struct tls_relay	*tr = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
	const struct http_conn	*c;
	struct tls_host_session	*slot;
	const struct hs_addr	*addr;
	uint16_t		 port;
	SSL_SESSION		*copy;

	if (l == NULL || tr == NULL || !SSL_SESSION_is_resumable(sess))
		return 0;
	if (l->s != NULL) {
		addr = &l->s->target.addr;
		port = l->s->target.port;
	} else if ((c = http_conn_of(l)) != NULL) {
		addr = &c->addr;
		port = c->port;
	} else
		return 0;
	if ((copy = SSL_SESSION_dup(sess)) == NULL)
		return 0;
	slot = host_slot(tr, addr, port);
	SSL_SESSION_free(slot->sess);
	slot->addr = *addr;
	slot->port = port;
	slot->sess = copy;
	return 0;	/* the connection's own is not kept */
}

SSL_SESSION *
tls_host_session(struct tls_relay *tr, const struct hs_addr *a,
    uint16_t port)
{
	struct tls_host_session	*slot = host_slot(tr, a, port);

	if (slot->sess == NULL || slot->port != port ||
	    !addr_equal(&slot->addr, a))
		return NULL;
	return slot->sess;
}
