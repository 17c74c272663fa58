#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "core/tls_conf.h"
#include "daemon/key_store.h"
#include "daemon/readfile.h"
#include "relay/relay.h"

int
key_files_add(struct key_files *kf, const struct msg_file *f, int fd)
{
	struct key_file	*v;
	uint8_t		*data;
	size_t		 len;

	if (readfile_fd(fd, &data, &len) == -1)
		return -1;
	if ((v = reallocarray(kf->v, kf->n + 1, sizeof(*v))) == NULL) {
		readfile_free(data, len);
		return -1;
	}
	kf->v = v;
	v = &kf->v[kf->n];
	if ((v->path = strdup(f->path)) == NULL) {
		readfile_free(data, len);
		return -1;
	}
	v->kind = f->kind;
	v->data = data;
	v->len = len;
	kf->n++;
	return 0;
}

void
key_files_clear(struct key_files *kf)
{
	size_t	 i;

	for (i = 0; i < kf->n; i++) {
		free(kf->v[i].path);
		readfile_free(kf->v[i].data, kf->v[i].len);
	}
	free(kf->v);
	kf->v = NULL;
	kf->n = 0;
}

static const struct key_file *
file_find(const struct key_files *kf, uint8_t kind, const char *path)
{
	size_t	 i;

	for (i = kf->n; i-- > 0;)
		if (kf->v[i].kind == kind && strcmp(kf->v[i].path, path) == 0)
			return &kf->v[i];
	return NULL;
}

void
key_set_free(struct key_set *ks)
{
	size_t	 i;

	for (i = 0; i < ks->n; i++)
		EVP_PKEY_free(ks->v[i].pkey);
	free(ks->v);
	ks->v = NULL;
	ks->n = 0;
}

EVP_PKEY *
key_set_find(const struct key_set *ks, const uint8_t *id)
{
	size_t	 i;

	for (i = 0; i < ks->n; i++)
		if (memcmp(ks->v[i].id, id, KEY_ID_LEN) == 0)
			return ks->v[i].pkey;
	return NULL;
}

struct load {
	struct key_set		*ks;
	const struct key_files	*files;
	char			*why;
	size_t			 len;
};

/* A key and the certificate it must be the key of. */
static int
load_pair(struct load *ld, const struct keypair_conf *kp, EVP_PKEY **pkey)
{
	const struct key_file	*cf, *kf;
	BIO			*bio;
	X509			*x = NULL;

	cf = file_find(ld->files, FILE_CERT, kp->cert);
	kf = file_find(ld->files, FILE_KEY, kp->key);
	if (cf == NULL || kf == NULL) {
		(void)snprintf(ld->why, ld->len, "%.400s not received",
		    cf == NULL ? kp->cert : kp->key);
		return -1;
	}
	if ((bio = BIO_new_mem_buf(kf->data, (int)kf->len)) != NULL) {
		*pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
		BIO_free(bio);
	}
	if ((bio = BIO_new_mem_buf(cf->data, (int)cf->len)) != NULL) {
		x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
		BIO_free(bio);
	}
	ERR_clear_error();
	if (*pkey == NULL || x == NULL)
		(void)snprintf(ld->why, ld->len, "%.400s: no PEM %s",
		    *pkey == NULL ? kp->key : kp->cert, *pkey == NULL ?
		    "private key" : "certificate");
	else if (X509_check_private_key(x, *pkey) != 1)
		(void)snprintf(ld->why, ld->len, "key %.400s does not match "
		    "certificate %.400s", kp->key, kp->cert);
	else {
		X509_free(x);
		return 0;
	}
	X509_free(x);
	ERR_clear_error();
	return -1;
}

static int
load_one(void *arg, const struct keypair_conf *kp)
{
	struct load		*ld = arg;
	struct key_set		*ks = ld->ks;
	struct key_entry	*v;
	EVP_PKEY		*pkey = NULL;
	uint8_t			 id[KEY_ID_LEN];

	if (load_pair(ld, kp, &pkey) == -1) {
		EVP_PKEY_free(pkey);
		return -1;
	}
	if (relay_key_id(pkey, id) == -1) {
		(void)snprintf(ld->why, ld->len, "key %.400s: cannot be used",
		    kp->key);
		EVP_PKEY_free(pkey);
		return -1;
	}
	if (key_set_find(ks, id) != NULL) {
		EVP_PKEY_free(pkey);	/* the same key for another name */
		return 0;
	}
	if ((v = reallocarray(ks->v, ks->n + 1, sizeof(*v))) == NULL) {
		(void)snprintf(ld->why, ld->len, "out of memory");
		EVP_PKEY_free(pkey);
		return -1;
	}
	ks->v = v;
	memcpy(ks->v[ks->n].id, id, KEY_ID_LEN);
	ks->v[ks->n++].pkey = pkey;
	return 0;
}

int
key_set_load(struct key_set *ks, const struct config *c,
    const struct key_files *files, char *why, size_t len)
{
	struct load	 ld = { ks, files, why, len };

	if (config_keypairs(c, load_one, &ld) != 0) {
		key_set_free(ks);
		return -1;
	}
	return 0;
}

/* A DigestInfo of a digest TLS signs with: nothing else. */
static int
digest_info(const uint8_t *data, size_t len)
{
	const unsigned char	*p = data;
	const X509_ALGOR	*alg;
	const ASN1_OCTET_STRING	*dig;
	const ASN1_OBJECT	*obj;
	X509_SIG		*sig;
	const EVP_MD		*md;
	int			 ok = 0;

	if ((sig = d2i_X509_SIG(NULL, &p, (long)len)) == NULL)
		return 0;
	X509_SIG_get0(sig, &alg, &dig);
	X509_ALGOR_get0(&obj, NULL, NULL, alg);
	if (p == data + len && (md = EVP_get_digestbyobj(obj)) != NULL &&
	    EVP_MD_get_size(md) == ASN1_STRING_length(dig)) {
		switch (EVP_MD_get_type(md)) {
		case NID_sha1:
		case NID_sha224:
		case NID_sha256:
		case NID_sha384:
		case NID_sha512:
			ok = 1;
		}
	}
	X509_SIG_free(sig);
	return ok;
}

/* MGF1 (RFC 8017 B.2.1) of seed with md, XORed into out. */
static int
mgf1_xor(uint8_t *out, size_t len, const uint8_t *seed, size_t slen,
    const EVP_MD *md)
{
	uint8_t		 c[4], h[EVP_MAX_MD_SIZE];
	unsigned int	 hlen;
	uint32_t	 i;
	size_t		 off, j;
	EVP_MD_CTX	*ctx;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	for (i = 0, off = 0; off < len; i++) {
		c[0] = i >> 24;
		c[1] = i >> 16;
		c[2] = i >> 8;
		c[3] = i;
		if (!EVP_DigestInit_ex(ctx, md, NULL) ||
		    !EVP_DigestUpdate(ctx, seed, slen) ||
		    !EVP_DigestUpdate(ctx, c, sizeof(c)) ||
		    !EVP_DigestFinal_ex(ctx, h, &hlen)) {
			EVP_MD_CTX_free(ctx);
			return -1;
		}
		for (j = 0; j < hlen && off < len; j++)
			out[off++] ^= h[j];
	}
	EVP_MD_CTX_free(ctx);
	return 0;
}

/*
 * An EMSA-PSS block as TLS makes them (RFC 8017 9.1.1; MGF1 with the
 * digest, a salt of the digest's length): its structure is checked
 * without the message, so that the raw operation it needs is no oracle
 * for decrypting anything else.
 */
static int
pss_block(const uint8_t *em, size_t len, int modbits)
{
	static const int	 nids[] = { NID_sha256, NID_sha384, NID_sha512 };
	uint8_t			 db[KEY_DATA_MAX];
	int			 msbits = (modbits - 1) & 7;
	size_t			 i, k, hlen, dblen;
	const EVP_MD		*md;

	if (msbits == 0) {
		if (len == 0 || *em != 0)
			return 0;
		em++;
		len--;
	} else if (len == 0 || (em[0] & (0xff << msbits)) != 0)
		return 0;
	if (len == 0 || em[len - 1] != 0xbc)
		return 0;
	for (k = 0; k < sizeof(nids) / sizeof(nids[0]); k++) {
		md = EVP_get_digestbynid(nids[k]);
		hlen = (size_t)EVP_MD_get_size(md);
		if (len < 2 * hlen + 2)
			continue;
		dblen = len - hlen - 1;
		memcpy(db, em, dblen);
		if (mgf1_xor(db, dblen, em + dblen, hlen, md) == -1)
			return 0;
		if (msbits != 0)
			db[0] &= 0xff >> (8 - msbits);
		/* DB = zeros || 0x01 || salt */
		for (i = 0; i < dblen - hlen - 1 && db[i] == 0; i++)
			;
		if (i == dblen - hlen - 1 && db[i] == 0x01)
			return 1;
	}
	return 0;
}

/* What each operation may be given: the shapes a handshake makes. */
static const char *
op_refused(EVP_PKEY *pkey, const struct msg_key *req)
{
	int	 type = EVP_PKEY_get_base_id(pkey);
	size_t	 size = (size_t)EVP_PKEY_get_size(pkey);

	switch (req->op) {
	case KEY_RSA_PKCS1:
		if (type != EVP_PKEY_RSA)
			return "an RSA signature with a key that is not RSA";
		if (!digest_info(req->data, req->len))
			return "a PKCS#1 signature of something else than a "
			    "digest";
		return NULL;
	case KEY_RSA_PSS:
		if (type != EVP_PKEY_RSA)
			return "an RSA signature with a key that is not RSA";
		if (req->len != size || !pss_block(req->data, req->len,
		    EVP_PKEY_get_bits(pkey)))
			return "a raw RSA operation on something else than a "
			    "PSS block";
		return NULL;
	case KEY_ECDSA:
		if (type != EVP_PKEY_EC)
			return "an ECDSA signature with a key that is not EC";
		if (req->len != 20 && req->len != 28 && req->len != 32 &&
		    req->len != 48 && req->len != 64)
			return "an ECDSA signature of something else than a "
			    "digest";
		return NULL;
	default:
		return "an unknown operation";
	}
}

int
key_sign(EVP_PKEY *pkey, const struct msg_key *req, struct msg_key *res,
    char *why, size_t len)
{
	EVP_PKEY_CTX	*ctx;
	const char	*refused;
	size_t		 n = sizeof(res->data);
	int		 pad;

	if ((refused = op_refused(pkey, req)) != NULL) {
		(void)snprintf(why, len, "asked for %s", refused);
		return -1;
	}
	memset(res, 0, offsetof(struct msg_key, data));
	res->id = req->id;
	res->op = req->op;
	memcpy(res->key, req->key, KEY_ID_LEN);
	pad = req->op == KEY_RSA_PSS ? RSA_NO_PADDING : RSA_PKCS1_PADDING;
	if ((ctx = EVP_PKEY_CTX_new(pkey, NULL)) != NULL &&
	    EVP_PKEY_sign_init(ctx) > 0 &&
	    (req->op == KEY_ECDSA ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, pad) > 0) &&
	    EVP_PKEY_sign(ctx, res->data, &n, req->data, req->len) > 0) {
		res->ok = 1;
		res->len = (uint16_t)n;
	}
	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
	return 0;
}
