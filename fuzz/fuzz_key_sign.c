/*
 * libFuzzer target for what the key process takes from a relay: any
 * request is refused or signed, and a signature made checks out with
 * the public key.  RSA keys of 1024 and 1025 bits (a PSS block with and
 * without its leading zero byte) and a P-256 key.
 *
 * Input: op, key, flags, then the request's data.  With flags & 1 the
 * data is a digest the target encodes as TLS would (a DigestInfo, or a
 * PSS block), then flips the bit the next two bytes name (none when
 * flags & 2), so that requests near the accepted shapes are tried too;
 * an encoding left whole must be signed.
 */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "daemon/key_store.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static EVP_PKEY	*keys[3];

static void
keys_make(void)
{
	if (keys[0] != NULL)
		return;
	keys[0] = EVP_RSA_gen(1024);
	keys[1] = EVP_RSA_gen(1025);
	keys[2] = EVP_EC_gen("P-256");
	if (keys[0] == NULL || keys[1] == NULL || keys[2] == NULL)
		abort();
}

static const EVP_MD *
md_of_len(size_t len)
{
	switch (len) {
	case 20:
		return EVP_sha1();
	case 32:
		return EVP_sha256();
	case 48:
		return EVP_sha384();
	case 64:
		return EVP_sha512();
	default:
		return NULL;
	}
}

/* A DigestInfo of dig into out; its length, 0 if dig is no digest. */
static size_t
digest_info_make(const uint8_t *dig, size_t len, uint8_t *out,
    size_t outlen)
{
	const EVP_MD	*md = md_of_len(len);
	X509_SIG	*sig;
	X509_ALGOR	*alg;
	ASN1_OCTET_STRING *os;
	unsigned char	*p = out;
	int		 n = 0;

	if (md == NULL || (sig = X509_SIG_new()) == NULL)
		return 0;
	X509_SIG_getm(sig, &alg, &os);
	if (X509_ALGOR_set0(alg, OBJ_nid2obj(EVP_MD_get_type(md)),
	    V_ASN1_NULL, NULL) && ASN1_OCTET_STRING_set(os, dig, (int)len) &&
	    i2d_X509_SIG(sig, NULL) <= (int)outlen)
		n = i2d_X509_SIG(sig, &p);
	X509_SIG_free(sig);
	return n > 0 ? (size_t)n : 0;
}

/* A PSS block of dig for key (salt as long as the digest); 0: none. */
static size_t
pss_make(EVP_PKEY *key, const uint8_t *dig, size_t len, uint8_t *out)
{
	const EVP_MD	*md = md_of_len(len);
	const RSA	*rsa = EVP_PKEY_get0_RSA(key);

	if (md == NULL || md == EVP_sha1() || rsa == NULL ||
	    RSA_padding_add_PKCS1_PSS_mgf1((RSA *)rsa, out, dig, md, md,
	    (int)len) != 1)
		return 0;
	return (size_t)EVP_PKEY_get_size(key);
}

/* What was signed checks out with the public key. */
static void
check_signed(EVP_PKEY *key, const struct msg_key *req,
    const struct msg_key *res)
{
	uint8_t		 back[KEY_DATA_MAX];
	size_t		 n = sizeof(back);
	EVP_PKEY_CTX	*ctx;
	int		 ok;

	if ((ctx = EVP_PKEY_CTX_new(key, NULL)) == NULL)
		abort();
	if (req->op == KEY_ECDSA)
		ok = EVP_PKEY_verify_init(ctx) > 0 && EVP_PKEY_verify(ctx,
		    res->data, res->len, req->data, req->len) == 1;
	else
		ok = EVP_PKEY_verify_recover_init(ctx) > 0 &&
		    EVP_PKEY_CTX_set_rsa_padding(ctx, req->op == KEY_RSA_PSS ?
		    RSA_NO_PADDING : RSA_PKCS1_PADDING) > 0 &&
		    EVP_PKEY_verify_recover(ctx, back, &n, res->data,
		    res->len) > 0 && n == req->len &&
		    memcmp(back, req->data, n) == 0;
	EVP_PKEY_CTX_free(ctx);
	if (!ok)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct msg_key	 req, res;
	EVP_PKEY		*key;
	char			 why[256];
	size_t			 bit = SIZE_MAX;
	bool			 built;
	int			 r;

	keys_make();
	if (size < 5)
		return 0;
	memset(&req, 0, sizeof(req));
	req.op = data[0] % (KEY_OP_MAX + 1);
	key = keys[data[1] % 3];
	built = data[2] & 1;
	if (built) {
		if (!(data[2] & 2))
			bit = (size_t)data[3] << 8 | data[4];
		data += 5;
		size -= 5;
		if (req.op == KEY_RSA_PSS)
			req.len = (uint16_t)pss_make(key, data, size, req.data);
		else if (req.op == KEY_RSA_PKCS1)
			req.len = (uint16_t)digest_info_make(data, size,
			    req.data, sizeof(req.data));
		else if (size <= sizeof(req.data)) {
			memcpy(req.data, data, size);
			req.len = (uint16_t)size;
		}
		if (bit != SIZE_MAX && bit / 8 < req.len)
			req.data[bit / 8] ^= (uint8_t)(1U << (bit % 8));
	} else {
		data += 3;
		size -= 3;
		if (size > sizeof(req.data))
			size = sizeof(req.data);
		memcpy(req.data, data, size);
		req.len = (uint16_t)size;
	}
	r = key_sign(key, &req, &res, why, sizeof(why));
	if (r == 0 && res.ok)
		check_signed(key, &req, &res);
	/* An encoding TLS would make, left whole: signed. */
	if (built && bit == SIZE_MAX && req.len > 0 &&
	    (req.op == KEY_RSA_PSS || req.op == KEY_RSA_PKCS1) &&
	    EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA && r != 0)
		abort();
	return 0;
}
