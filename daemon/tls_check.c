#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "core/tls_conf.h"
#include "daemon/readfile.h"
#include "daemon/tls_check.h"
#include "relay/relay.h"

/* The first certificate of a PEM file, and how many there are. */
static X509 *
pem_first(const uint8_t *data, size_t len, int *count)
{
	BIO	*bio;
	X509	*x, *first = NULL;

	*count = 0;
	if ((bio = BIO_new_mem_buf(data, (int)len)) == NULL)
		return NULL;
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		if (first == NULL)
			first = x;
		else
			X509_free(x);
		++*count;
	}
	BIO_free(bio);
	ERR_clear_error();
	return first;
}

static EVP_PKEY *
pem_key(const char *path, char *why, size_t len)
{
	uint8_t		*data;
	size_t		 n;
	BIO		*bio;
	EVP_PKEY	*pkey = NULL;

	if (readfile_path(path, &data, &n) == -1) {
		(void)snprintf(why, len, "key %s: %s", path, strerror(errno));
		return NULL;
	}
	if ((bio = BIO_new_mem_buf(data, (int)n)) != NULL) {
		pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
		BIO_free(bio);
	}
	readfile_free(data, n);
	ERR_clear_error();
	if (pkey == NULL)
		(void)snprintf(why, len, "key %s: no PEM private key (or one "
		    "with a passphrase)", path);
	else if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA &&
	    EVP_PKEY_get_base_id(pkey) != EVP_PKEY_EC) {
		(void)snprintf(why, len, "key %s: neither RSA nor EC", path);
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	return pkey;
}

int
tls_check_files(void *arg, const char *cert, const char *key, char *why,
    size_t len)
{
	const struct tls_check	*tc = arg;
	uint8_t			*data;
	size_t			 n;
	X509			*x;
	EVP_PKEY		*pkey;
	int			 count, rc = 0;

	if (readfile_path(cert, &data, &n) == -1) {
		(void)snprintf(why, len, "%s: %s", cert, strerror(errno));
		return -1;
	}
	x = pem_first(data, n, &count);
	readfile_free(data, n);
	if (x == NULL) {
		(void)snprintf(why, len, "%s: no PEM certificate", cert);
		return -1;
	}
	if (key != NULL && tc != NULL && tc->keys) {
		if ((pkey = pem_key(key, why, len)) == NULL)
			rc = -1;
		else if (X509_check_private_key(x, pkey) != 1) {
			(void)snprintf(why, len, "key %s does not match "
			    "certificate %s", key, cert);
			rc = -1;
		}
		EVP_PKEY_free(pkey);
		ERR_clear_error();
	}
	X509_free(x);
	return rc;
}

int
tls_check_ciphers(void *arg, const char *list, char *why, size_t len)
{
	return relay_ciphers_check(list, why, len);
}

#define MODES_SEEN	64	/* keys told about once */

struct modes {
	void		(*warn)(void *, const char *);
	void		*arg;
	dev_t		 dev[MODES_SEEN];
	ino_t		 ino[MODES_SEEN];
	size_t		 n;
};

static bool
told(struct modes *m, const struct stat *st)
{
	size_t	 i;

	for (i = 0; i < m->n; i++)
		if (m->dev[i] == st->st_dev && m->ino[i] == st->st_ino)
			return true;
	if (m->n < MODES_SEEN) {
		m->dev[m->n] = st->st_dev;
		m->ino[m->n++] = st->st_ino;
	}
	return false;
}

static int
key_mode(void *arg, const struct keypair_conf *kp)
{
	struct modes	*m = arg;
	struct stat	 st;
	char		 line[HS_PATH_MAX + 128];

	if (stat(kp->key, &st) == -1 || (st.st_mode & S_IROTH) == 0 ||
	    told(m, &st))
		return 0;
	(void)snprintf(line, sizeof(line), "key %s is readable by others "
	    "(mode %04o): only root should read it",
	    kp->key, (unsigned)(st.st_mode & 07777));
	m->warn(m->arg, line);
	return 0;
}

void
tls_check_key_modes(const struct config *c, void (*warn)(void *, const char *),
    void *arg)
{
	struct modes	 m;

	memset(&m, 0, sizeof(m));
	m.warn = warn;
	m.arg = arg;
	(void)config_keypairs(c, key_mode, &m);
}
