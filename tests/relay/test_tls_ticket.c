/*
 * Session ticket keys across rotations, with real handshakes in memory
 * (OpenSSL client and server over a BIO pair), TLS 1.2 and 1.3: the
 * server runs tls_ticket_cb with the keys tls_tickets_set gave it, and
 * the keys change as the parent rotates them (tls_tickets_rotate).  A
 * ticket seals with the current key; after one rotation it still
 * resumes and is renewed under the new key; after two it does not; two
 * relay processes holding the same keys resume each other's tickets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "relay/relay_priv.h"
#include "relay/tls.h"

static EVP_PKEY	*pkey;
static X509	*cert;
static int	 version = TLS1_3_VERSION;

/* A relay process's ticket state, and a server context using it. */
struct proc {
	struct relay_engine	 eng;
	struct tls_engine	 te;
	struct session		 s;
	struct leg		 l;
	SSL_CTX			*ctx;
};

/* What a client got from one connection. */
struct got {
	int			 reused;
	SSL_SESSION		*sess;		/* the last one given */
};

static int
setup_cert(void **state)
{
	X509_NAME	*n;

	pkey = EVP_EC_gen("P-256");
	cert = X509_new();
	if (pkey == NULL || cert == NULL)
		return -1;
	ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
	X509_gmtime_adj(X509_getm_notBefore(cert), -60);
	X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
	n = X509_get_subject_name(cert);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)"ticket.test", -1, -1, 0);
	X509_set_issuer_name(cert, n);
	X509_set_pubkey(cert, pkey);
	return X509_sign(cert, pkey, EVP_sha256()) > 0 ? 0 : -1;
}

static int
teardown_cert(void **state)
{
	X509_free(cert);
	EVP_PKEY_free(pkey);
	return 0;
}

static int
use_tls12(void **state)
{
	version = TLS1_2_VERSION;
	return 0;
}

static int
use_tls13(void **state)
{
	version = TLS1_3_VERSION;
	return 0;
}

/* A process as a relay's server context sets it up: tickets only. */
static void
proc_init(struct proc *p, const struct msg_tickets *t)
{
	memset(p, 0, sizeof(*p));
	p->eng.tls = &p->te;
	p->te.eng = &p->eng;
	p->s.eng = &p->eng;
	p->l.s = &p->s;
	p->ctx = SSL_CTX_new(TLS_server_method());
	assert_non_null(p->ctx);
	assert_int_equal(SSL_CTX_use_certificate(p->ctx, cert), 1);
	assert_int_equal(SSL_CTX_use_PrivateKey(p->ctx, pkey), 1);
	SSL_CTX_set_session_cache_mode(p->ctx, SSL_SESS_CACHE_OFF);
	(void)SSL_CTX_set_num_tickets(p->ctx, 1);
	SSL_CTX_set_timeout(p->ctx, TLS_TICKET_ROTATE_S);
	SSL_CTX_set_tlsext_ticket_key_evp_cb(p->ctx, tls_ticket_cb);
	if (t != NULL)
		assert_int_equal(tls_tickets_set(&p->eng, t), 0);
}

static void
proc_free(struct proc *p)
{
	SSL_CTX_free(p->ctx);
}

static void
key_new(struct ticket_key *k)
{
	assert_int_equal(RAND_bytes((unsigned char *)k, sizeof(*k)), 1);
}

/* The parent's keys after its start, then after each rotation. */
static void
rotate(struct msg_tickets *t)
{
	struct ticket_key	 k;

	key_new(&k);
	tls_tickets_rotate(t, &k);
}

/* A rotation, and the keys sent to the relay process p. */
static void
rotate_to(struct msg_tickets *t, struct proc *p)
{
	rotate(t);
	assert_int_equal(tls_tickets_set(&p->eng, t), 0);
}

/*
 * One connection: handshake, a byte each way (TLS 1.3's tickets come
 * after the handshake), close.  offer: the session offered, or NULL.
 */
static struct got
connect_to(struct proc *p, SSL_SESSION *offer)
{
	SSL_CTX		*cctx;
	SSL		*c, *s;
	BIO		*cb, *sb;
	struct got	 g;
	unsigned char	 byte = 'x';
	int		 i, cdone = 0, sdone = 0;

	cctx = SSL_CTX_new(TLS_client_method());
	assert_non_null(cctx);
	SSL_CTX_set_min_proto_version(cctx, version);
	SSL_CTX_set_max_proto_version(cctx, version);
	c = SSL_new(cctx);
	s = SSL_new(p->ctx);
	assert_non_null(c);
	assert_non_null(s);
	SSL_set_app_data(s, &p->l);
	assert_int_equal(BIO_new_bio_pair(&cb, 0, &sb, 0), 1);
	SSL_set_bio(c, cb, cb);
	SSL_set_bio(s, sb, sb);
	if (offer != NULL)
		assert_int_equal(SSL_set_session(c, offer), 1);
	SSL_set_connect_state(c);
	SSL_set_accept_state(s);
	for (i = 0; i < 100 && !(cdone && sdone); i++) {
		if (!cdone)
			cdone = SSL_do_handshake(c) == 1;
		if (!sdone)
			sdone = SSL_do_handshake(s) == 1;
	}
	assert_true(cdone && sdone);
	assert_int_equal(SSL_write(s, &byte, 1), 1);
	assert_int_equal(SSL_read(c, &byte, 1), 1);
	assert_int_equal(SSL_write(c, &byte, 1), 1);
	assert_int_equal(SSL_read(s, &byte, 1), 1);
	g.reused = SSL_session_reused(c);
	assert_int_equal(SSL_session_reused(s), g.reused);
	g.sess = SSL_get1_session(c);
	assert_non_null(g.sess);
	/* A session freed without close_notify is not resumable. */
	(void)SSL_shutdown(c);
	(void)SSL_shutdown(s);
	SSL_free(c);
	SSL_free(s);
	SSL_CTX_free(cctx);
	return g;
}

/* The key a session's ticket names: its first TICKET_NAME_LEN bytes. */
static const unsigned char *
ticket_name(const SSL_SESSION *sess)
{
	const unsigned char	*tick;
	size_t			 len;

	SSL_SESSION_get0_ticket(sess, &tick, &len);
	assert_true(len > TICKET_NAME_LEN);
	return tick;
}

static void
assert_named(const SSL_SESSION *sess, const struct ticket_key *k)
{
	assert_memory_equal(ticket_name(sess), k->name, TICKET_NAME_LEN);
}

static void
test_sealed_with_current_key(void **state)
{
	struct msg_tickets	 t = { 0 };
	struct proc		 p;
	struct got		 g;

	rotate(&t);
	assert_int_equal(t.n, 1);
	proc_init(&p, &t);
	g = connect_to(&p, NULL);
	assert_false(g.reused);
	assert_named(g.sess, &t.keys[0]);
	SSL_SESSION_free(g.sess);
	rotate_to(&t, &p);
	assert_int_equal(t.n, 2);
	g = connect_to(&p, NULL);
	assert_named(g.sess, &t.keys[0]);
	SSL_SESSION_free(g.sess);
	proc_free(&p);
}

static void
test_previous_key_resumes_renewed(void **state)
{
	struct msg_tickets	 t = { 0 };
	struct proc		 p;
	struct got		 first, again, renewed;

	rotate(&t);
	proc_init(&p, &t);
	first = connect_to(&p, NULL);
	rotate_to(&t, &p);
	assert_memory_not_equal(t.keys[0].name, t.keys[1].name,
	    TICKET_NAME_LEN);
	again = connect_to(&p, first.sess);
	assert_true(again.reused);
	assert_named(again.sess, &t.keys[0]);
	/* The renewed ticket resumes in turn. */
	renewed = connect_to(&p, again.sess);
	assert_true(renewed.reused);
	SSL_SESSION_free(first.sess);
	SSL_SESSION_free(again.sess);
	SSL_SESSION_free(renewed.sess);
	proc_free(&p);
}

static void
test_two_rotations_old_refused(void **state)
{
	struct msg_tickets	 t = { 0 };
	struct proc		 p;
	struct got		 old, renewed, g;

	rotate(&t);
	proc_init(&p, &t);
	old = connect_to(&p, NULL);
	rotate_to(&t, &p);
	renewed = connect_to(&p, old.sess);
	assert_true(renewed.reused);
	rotate_to(&t, &p);
	g = connect_to(&p, old.sess);
	assert_false(g.reused);
	assert_named(g.sess, &t.keys[0]);
	SSL_SESSION_free(g.sess);
	g = connect_to(&p, renewed.sess);
	assert_true(g.reused);
	SSL_SESSION_free(g.sess);
	SSL_SESSION_free(old.sess);
	SSL_SESSION_free(renewed.sess);
	proc_free(&p);
}

static void
test_processes_share_keys(void **state)
{
	struct msg_tickets	 t = { 0 }, other = { 0 };
	struct proc		 a, b, c;
	struct got		 g, h;

	rotate(&t);
	rotate(&other);
	proc_init(&a, &t);
	proc_init(&b, &t);
	proc_init(&c, &other);
	g = connect_to(&a, NULL);
	h = connect_to(&b, g.sess);
	assert_true(h.reused);
	SSL_SESSION_free(h.sess);
	/* Rotated in both, the ticket from a still resumes in b. */
	rotate(&t);
	assert_int_equal(tls_tickets_set(&a.eng, &t), 0);
	assert_int_equal(tls_tickets_set(&b.eng, &t), 0);
	h = connect_to(&b, g.sess);
	assert_true(h.reused);
	assert_named(h.sess, &t.keys[0]);
	SSL_SESSION_free(h.sess);
	h = connect_to(&c, g.sess);
	assert_false(h.reused);
	SSL_SESSION_free(h.sess);
	SSL_SESSION_free(g.sess);
	proc_free(&a);
	proc_free(&b);
	proc_free(&c);
}

/* A ticket whose name is right but whose bytes were changed. */
static void
test_altered_ticket_refused(void **state)
{
	struct msg_tickets	 t = { 0 };
	struct proc		 p;
	struct got		 g, h;
	const unsigned char	*tick, *in;
	unsigned char		*der, *out, *at;
	SSL_SESSION		*bad;
	size_t			 tlen;
	int			 len;

	rotate(&t);
	proc_init(&p, &t);
	g = connect_to(&p, NULL);
	SSL_SESSION_get0_ticket(g.sess, &tick, &tlen);
	len = i2d_SSL_SESSION(g.sess, NULL);
	assert_true(len > 0);
	der = malloc(len);
	assert_non_null(der);
	out = der;
	assert_int_equal(i2d_SSL_SESSION(g.sess, &out), len);
	at = memmem(der, len, tick, tlen);
	assert_non_null(at);
	at[tlen - 1] ^= 0x01;		/* in the MAC */
	in = der;
	bad = d2i_SSL_SESSION(NULL, &in, len);
	assert_non_null(bad);
	assert_named(bad, &t.keys[0]);
	h = connect_to(&p, bad);
	assert_false(h.reused);
	SSL_SESSION_free(h.sess);
	SSL_SESSION_free(bad);
	SSL_SESSION_free(g.sess);
	free(der);
	proc_free(&p);
}

static void
test_bad_key_sets_refused(void **state)
{
	struct msg_tickets	 t = { 0 }, bad;
	struct proc		 p;
	struct got		 g, h;

	rotate(&t);
	proc_init(&p, &t);
	g = connect_to(&p, NULL);
	bad = t;
	bad.n = 0;
	assert_int_equal(tls_tickets_set(&p.eng, &bad), -1);
	bad.n = TICKET_KEYS_MAX + 1;
	assert_int_equal(tls_tickets_set(&p.eng, &bad), -1);
	/* The keys held before are kept. */
	h = connect_to(&p, g.sess);
	assert_true(h.reused);
	SSL_SESSION_free(h.sess);
	SSL_SESSION_free(g.sess);
	proc_free(&p);
}

/* Before the first keys come, no ticket is made. */
static void
test_no_keys_no_ticket(void **state)
{
	struct proc		 p;
	struct got		 g;
	const unsigned char	*tick;
	size_t			 len;

	proc_init(&p, NULL);
	g = connect_to(&p, NULL);
	SSL_SESSION_get0_ticket(g.sess, &tick, &len);
	assert_int_equal(len, 0);
	SSL_SESSION_free(g.sess);
	proc_free(&p);
}

#define EACH_VERSION(t)							\
	cmocka_unit_test_setup(t, use_tls12),				\
	cmocka_unit_test_setup(t, use_tls13)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		EACH_VERSION(test_sealed_with_current_key),
		EACH_VERSION(test_previous_key_resumes_renewed),
		EACH_VERSION(test_two_rotations_old_refused),
		EACH_VERSION(test_processes_share_keys),
		EACH_VERSION(test_altered_ticket_refused),
		EACH_VERSION(test_bad_key_sets_refused),
		EACH_VERSION(test_no_keys_no_ticket),
	};

	return cmocka_run_group_tests(tests, setup_cert, teardown_cert);
}
