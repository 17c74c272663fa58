/*
 * The key process signs what a TLS handshake asks for and nothing else:
 * a PKCS#1 signature of a DigestInfo, a raw operation on an EMSA-PSS
 * block, an ECDSA signature of a digest, each with a key of its type.
 * Anything else (a raw decryption in disguise, a key of the other type,
 * an operation it does not know) is refused.
 */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "daemon/key_store.h"

static EVP_PKEY	*rsa, *ec;

static int
setup(void **state)
{
	rsa = EVP_RSA_gen(2048);
	ec = EVP_EC_gen("P-256");
	return rsa != NULL && ec != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(ec);
	return 0;
}

static void
request(struct msg_key *req, uint8_t op, const uint8_t *data, size_t len)
{
	memset(req, 0, sizeof(*req));
	req->id = 7;
	req->op = op;
	req->len = (uint16_t)len;
	memcpy(req->data, data, len);
}

/* The signature in res, checked with the public key. */
static void
assert_verifies(EVP_PKEY *pkey, const struct msg_key *res, int pad,
    const uint8_t *tbs, size_t tbslen, const EVP_MD *md)
{
	EVP_PKEY_CTX	*ctx = EVP_PKEY_CTX_new(pkey, NULL);

	assert_int_equal(res->ok, 1);
	assert_int_equal(res->id, 7);
	assert_int_equal(EVP_PKEY_verify_init(ctx), 1);
	if (pad != 0) {
		assert_true(EVP_PKEY_CTX_set_rsa_padding(ctx, pad) > 0);
		assert_true(EVP_PKEY_CTX_set_signature_md(ctx, md) > 0);
	}
	assert_int_equal(EVP_PKEY_verify(ctx, res->data, res->len, tbs,
	    tbslen), 1);
	EVP_PKEY_CTX_free(ctx);
}

static void
sha256(const char *text, uint8_t out[32])
{
	unsigned int	n;

	assert_int_equal(EVP_Digest(text, strlen(text), out, &n,
	    EVP_sha256(), NULL), 1);
}

static void
test_pkcs1_of_a_digest_info(void **state)
{
	struct msg_key	 req, res;
	uint8_t		 dgst[32], di[64], *p = di;
	X509_SIG	*sig = X509_SIG_new();
	X509_ALGOR	*alg;
	ASN1_OCTET_STRING *oct;
	char		 why[256];
	int		 len;

	sha256("handshake", dgst);
	X509_SIG_getm(sig, &alg, &oct);
	X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, NULL);
	ASN1_OCTET_STRING_set(oct, dgst, sizeof(dgst));
	len = i2d_X509_SIG(sig, &p);
	X509_SIG_free(sig);
	request(&req, KEY_RSA_PKCS1, di, (size_t)len);
	assert_int_equal(key_sign(rsa, &req, &res, why, sizeof(why)), 0);
	assert_verifies(rsa, &res, RSA_PKCS1_PADDING, dgst, sizeof(dgst),
	    EVP_sha256());

	/* the bare digest: no DigestInfo, refused */
	request(&req, KEY_RSA_PKCS1, dgst, sizeof(dgst));
	assert_int_equal(key_sign(rsa, &req, &res, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "PKCS#1 signature of something else"));
	/* with the EC key */
	request(&req, KEY_RSA_PKCS1, di, (size_t)len);
	assert_int_equal(key_sign(ec, &req, &res, why, sizeof(why)), -1);
}

static void
test_pss_block_only(void **state)
{
	struct msg_key	 req, res;
	uint8_t		 dgst[32], em[256];
	char		 why[256];
	const RSA	*r = EVP_PKEY_get0_RSA(rsa);

	sha256("handshake", dgst);
	assert_int_equal(RSA_padding_add_PKCS1_PSS_mgf1((RSA *)r, em, dgst,
	    EVP_sha256(), EVP_sha256(), -1), 1);
	request(&req, KEY_RSA_PSS, em, sizeof(em));
	assert_int_equal(key_sign(rsa, &req, &res, why, sizeof(why)), 0);
	assert_verifies(rsa, &res, RSA_PKCS1_PSS_PADDING, dgst, sizeof(dgst),
	    EVP_sha256());

	/* random bytes ending as a PSS block does: refused */
	RAND_bytes(em, sizeof(em));
	em[0] &= 0x7f;
	em[sizeof(em) - 1] = 0xbc;
	request(&req, KEY_RSA_PSS, em, sizeof(em));
	assert_int_equal(key_sign(rsa, &req, &res, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "something else than a PSS block"));
	/* a PKCS#1 v1.5 encryption block (00 02 ...) */
	em[0] = 0;
	em[1] = 2;
	request(&req, KEY_RSA_PSS, em, sizeof(em));
	assert_int_equal(key_sign(rsa, &req, &res, why, sizeof(why)), -1);
	/* shorter than the modulus */
	request(&req, KEY_RSA_PSS, em, sizeof(em) - 1);
	assert_int_equal(key_sign(rsa, &req, &res, why, sizeof(why)), -1);
}

static void
test_ecdsa_of_a_digest(void **state)
{
	struct msg_key	 req, res;
	uint8_t		 dgst[48];
	char		 why[256];

	sha256("handshake", dgst);
	request(&req, KEY_ECDSA, dgst, 32);
	assert_int_equal(key_sign(ec, &req, &res, why, sizeof(why)), 0);
	assert_verifies(ec, &res, 0, dgst, 32, NULL);

	request(&req, KEY_ECDSA, dgst, 33);
	assert_int_equal(key_sign(ec, &req, &res, why, sizeof(why)), -1);
	request(&req, KEY_ECDSA, dgst, 32);
	assert_int_equal(key_sign(rsa, &req, &res, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "key that is not EC"));
	request(&req, KEY_OP_MAX, dgst, 32);
	assert_int_equal(key_sign(ec, &req, &res, why, sizeof(why)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pkcs1_of_a_digest_info),
		cmocka_unit_test(test_pss_block_only),
		cmocka_unit_test(test_ecdsa_of_a_digest),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
