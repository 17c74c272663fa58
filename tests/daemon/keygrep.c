/*
 * keygrep KEYFILE PID...: search the memory of each process (every
 * readable mapping, through /proc/PID/mem, as root) for the secret
 * numbers of the private key in KEYFILE: the EC private scalar, the
 * RSA private exponent and first prime, each as OpenSSL keeps them
 * (little-endian words) and as they are written (big-endian), and the
 * first base64 line of the PEM file.  Prints one line per process:
 *   PID found WHAT at ADDRESS      or      PID clean BYTES
 * A mapping of more than 4 GiB is passed over (an address sanitizer's
 * shadow memory: reserved terabytes, never a copy of the heap's data);
 * "skipped BYTES" follows the line then.
 * Exit 0, or 2 when a process or the key cannot be read.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#define NEEDLES_MAX	8
#define NEEDLE_MAX	64	/* bytes compared of a long number */
#define CHUNK		(1024 * 1024)
#define MAPPING_MAX	(4ULL << 30)

struct needle {
	const char	*what;
	unsigned char	 b[NEEDLE_MAX + 128];
	size_t		 len;
};

static struct needle	needles[NEEDLES_MAX];
static size_t		nneedles;

static void
add_bn(EVP_PKEY *pkey, const char *param, const char *what)
{
	BIGNUM		*bn = NULL;
	struct needle	*n;
	int		 len;

	if (!EVP_PKEY_get_bn_param(pkey, param, &bn))
		return;
	len = BN_num_bytes(bn);
	if (len > NEEDLE_MAX)
		len = NEEDLE_MAX;
	n = &needles[nneedles++];
	n->what = what;
	n->len = (size_t)len;
	/* the low bytes of the little-endian form: limbs in memory */
	BN_bn2lebinpad(bn, n->b, BN_num_bytes(bn) > NEEDLE_MAX ?
	    NEEDLE_MAX : BN_num_bytes(bn));
	if (BN_num_bytes(bn) > NEEDLE_MAX) {
		unsigned char	*all;

		all = malloc((size_t)BN_num_bytes(bn));
		BN_bn2lebinpad(bn, all, BN_num_bytes(bn));
		memcpy(n->b, all, NEEDLE_MAX);
		n[1].what = what;
		n[1].len = NEEDLE_MAX;
		BN_bn2bin(bn, all);
		memcpy(n[1].b, all, NEEDLE_MAX);
		free(all);
	} else {
		n[1].what = what;
		n[1].len = (size_t)len;
		BN_bn2binpad(bn, n[1].b, len);
	}
	nneedles++;
	BN_clear_free(bn);
}

/* The first line of base64 after the PEM header. */
static void
add_pem_line(const char *path)
{
	FILE		*f;
	char		 line[256];
	struct needle	*n;

	if ((f = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "-----", 5) == 0)
			continue;
		line[strcspn(line, "\n")] = '\0';
		n = &needles[nneedles++];
		n->what = "PEM text";
		n->len = strlen(line);
		memcpy(n->b, line, n->len);
		break;
	}
	fclose(f);
}

static int
load_needles(const char *path)
{
	FILE		*f;
	EVP_PKEY	*pkey;

	if ((f = fopen(path, "r")) == NULL) {
		perror(path);
		return -1;
	}
	pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (pkey == NULL) {
		fprintf(stderr, "keygrep: %s: no private key\n", path);
		return -1;
	}
	add_bn(pkey, OSSL_PKEY_PARAM_PRIV_KEY, "EC private scalar");
	add_bn(pkey, OSSL_PKEY_PARAM_RSA_D, "RSA private exponent");
	add_bn(pkey, OSSL_PKEY_PARAM_RSA_FACTOR1, "RSA prime");
	add_pem_line(path);
	EVP_PKEY_free(pkey);
	return nneedles > 1 ? 0 : -1;
}

/* The needle in buf[0..len), or NULL. */
static const struct needle *
search(const unsigned char *buf, size_t len, size_t *at)
{
	size_t	 i;

	for (i = 0; i < nneedles; i++) {
		const unsigned char	*p = buf, *end = buf + len;

		while (p < end && (p = memchr(p, needles[i].b[0],
		    (size_t)(end - p))) != NULL) {
			if ((size_t)(end - p) >= needles[i].len &&
			    memcmp(p, needles[i].b, needles[i].len) == 0) {
				*at = (size_t)(p - buf);
				return &needles[i];
			}
			p++;
		}
	}
	return NULL;
}

/* Search one mapping, overlapping chunks by a needle's length. */
static const struct needle *
search_range(int mem, uint64_t lo, uint64_t hi, unsigned char *buf,
    uint64_t *where, uint64_t *bytes)
{
	const struct needle	*n;
	uint64_t		 off;
	ssize_t			 r;
	size_t			 at;

	for (off = lo; off < hi; off += CHUNK) {
		size_t	want = hi - off > CHUNK + 256 ? CHUNK + 256 :
		    hi - off;

		if ((r = pread(mem, buf, want, (off_t)off)) <= 0)
			return NULL;	/* an unreadable page: skip it */
		*bytes += (uint64_t)r;
		if ((n = search(buf, (size_t)r, &at)) != NULL) {
			*where = off + at;
			return n;
		}
	}
	return NULL;
}

static int
grep_pid(const char *pid, unsigned char *buf)
{
	char			 path[64], line[512], perms[8];
	const struct needle	*n = NULL;
	FILE			*maps;
	uint64_t		 lo, hi, where = 0, bytes = 0, skipped = 0;
	int			 mem;

	snprintf(path, sizeof(path), "/proc/%s/maps", pid);
	if ((maps = fopen(path, "r")) == NULL) {
		perror(path);
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/%s/mem", pid);
	if ((mem = open(path, O_RDONLY)) == -1) {
		perror(path);
		fclose(maps);
		return -1;
	}
	while (n == NULL && fgets(line, sizeof(line), maps) != NULL) {
		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s", &lo, &hi,
		    perms) != 3 || perms[0] != 'r')
			continue;
		if (strstr(line, "[vvar]") != NULL)
			continue;
		if (hi - lo > MAPPING_MAX) {
			skipped += hi - lo;
			continue;
		}
		n = search_range(mem, lo, hi, buf, &where, &bytes);
	}
	close(mem);
	fclose(maps);
	if (n != NULL)
		printf("%s found %s at 0x%" PRIx64 "\n", pid, n->what, where);
	else if (skipped > 0)
		printf("%s clean %" PRIu64 " skipped %" PRIu64 "\n", pid, bytes,
		    skipped);
	else
		printf("%s clean %" PRIu64 "\n", pid, bytes);
	return 0;
}

int
main(int argc, char *argv[])
{
	unsigned char	*buf;
	int		 i, rc = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: keygrep KEYFILE PID...\n");
		return 2;
	}
	if (load_needles(argv[1]) == -1)
		return 2;
	if ((buf = malloc(CHUNK + 256)) == NULL)
		return 2;
	for (i = 2; i < argc; i++)
		if (grep_pid(argv[i], buf) == -1)
			rc = 2;
	free(buf);
	return rc;
}
