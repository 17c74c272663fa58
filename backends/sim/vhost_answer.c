/*
 * What a virtual host answers: status code, body and timing, for the
 * whole host or one HTTP path, and what each check method makes of it.
 * Unset parts are healthy: they pass whatever the check expects.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "backends/sim/vhost.h"
#include "core/pattern.h"

void
answer_init(struct vhost_answer *a)
{
	memset(a, 0, sizeof(*a));
}

void
answer_free(struct vhost_answer *a)
{
	free(a->body);
	free(a->digest);
	answer_init(a);
}

void
answer_set_code(struct vhost_answer *a, uint16_t code)
{
	a->code = code;
	a->set |= ANSWER_CODE;
}

void
answer_set_latency(struct vhost_answer *a, uint32_t ms)
{
	a->latency_ms = ms;
	a->set |= ANSWER_LATENCY;
}

/* 0 ms: status line and body in one read again. */
void
answer_set_slow(struct vhost_answer *a, uint32_t ms)
{
	a->slow_ms = ms;
	a->set |= ANSWER_SLOW;
}

static int
answer_body(struct vhost_answer *a, char *text, size_t len, bool filler)
{
	if (text == NULL)
		return -1;
	free(a->body);
	free(a->digest);
	a->digest = NULL;
	a->body = text;
	a->bodylen = len;
	a->filler = filler;
	a->set |= ANSWER_BODY;
	return 0;
}

int
answer_set_body(struct vhost_answer *a, const char *text, size_t len)
{
	char	*b;

	if (len > VHOST_BODY_MAX || (b = malloc(len + 1)) == NULL)
		return -1;
	memcpy(b, text, len);
	b[len] = '\0';
	return answer_body(a, b, len, false);
}

/* A body of size bytes of 'x': only a bounded prefix is kept. */
int
answer_set_body_size(struct vhost_answer *a, size_t size)
{
	size_t	 keep = size < VHOST_BODY_MAX ? size : VHOST_BODY_MAX;
	char	*b;

	if (size > VHOST_BODY_SIZE_MAX || (b = malloc(keep + 1)) == NULL)
		return -1;
	memset(b, 'x', keep);
	b[keep] = '\0';
	return answer_body(a, b, size, true);
}

/* A part set on the path wins, then the host's. */
static const struct vhost_answer *
pick(const struct vhost_answer *path, const struct vhost_answer *host,
    uint8_t part)
{
	if (path != NULL && (path->set & part))
		return path;
	if (host->set & part)
		return host;
	return NULL;
}

static const struct vhost_answer *
path_answer(const struct vhost *vh, const char *path)
{
	size_t	i;

	for (i = 0; path != NULL && i < vh->npaths; i++)
		if (strcmp(vh->paths[i].path, path) == 0)
			return &vh->paths[i].answer;
	return NULL;
}

void
answer_view(const struct vhost *vh, const char *path, struct answer_view *v)
{
	const struct vhost_answer	*p = path_answer(vh, path), *a;

	memset(v, 0, sizeof(*v));
	v->code_from = pick(p, &vh->answer, ANSWER_CODE);
	v->body_from = (struct vhost_answer *)pick(p, &vh->answer,
	    ANSWER_BODY);
	if ((a = pick(p, &vh->answer, ANSWER_LATENCY)) != NULL)
		v->latency_ms = a->latency_ms;
	if ((a = pick(p, &vh->answer, ANSWER_SLOW)) != NULL)
		v->slow_ms = a->slow_ms;
}

bool
answer_code_ok(const struct answer_view *v, int want, int *code)
{
	*code = v->code_from != NULL ? v->code_from->code : want;
	return *code == want;
}

static bool
code_is_error(const struct answer_view *v)
{
	return v->code_from != NULL &&
	    (v->code_from->code < 200 || v->code_from->code > 299);
}

/* Hash len bytes of the body (its 'x' prefix repeated for body-size). */
static int
digest_body(const struct vhost_answer *a, EVP_MD_CTX *ctx)
{
	size_t	left = a->bodylen, n;

	if (!a->filler)
		return EVP_DigestUpdate(ctx, a->body, a->bodylen) == 1 ? 0 : -1;
	while (left > 0) {
		n = left < VHOST_BODY_MAX ? left : VHOST_BODY_MAX;
		if (EVP_DigestUpdate(ctx, a->body, n) != 1)
			return -1;
		left -= n;
	}
	return 0;
}

/* The hex digest of a body (NULL: empty), cached in its answer. */
static const char *
body_digest(struct vhost_answer *a, enum digest_type t, char *tmp,
    size_t tmplen)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0, i;
	const char	*name = digest_type_name(t);
	const EVP_MD	*evp;
	EVP_MD_CTX	*ctx;
	char		*hex = tmp;
	int		 rv = -1;

	if (a != NULL && a->digest != NULL && a->digest_type == t)
		return a->digest;
	if (name == NULL || (evp = EVP_get_digestbyname(name)) == NULL ||
	    (ctx = EVP_MD_CTX_new()) == NULL)
		return NULL;
	if (EVP_DigestInit_ex(ctx, evp, NULL) == 1 &&
	    (a == NULL || digest_body(a, ctx) == 0) &&
	    EVP_DigestFinal_ex(ctx, md, &mdlen) == 1)
		rv = 0;
	EVP_MD_CTX_free(ctx);
	if (rv == -1 || tmplen < mdlen * 2 + 1)
		return NULL;
	if (a != NULL) {
		free(a->digest);
		if ((a->digest = malloc(mdlen * 2 + 1)) == NULL)
			return NULL;
		a->digest_type = (uint8_t)t;
		hex = a->digest;
	}
	for (i = 0; i < mdlen; i++)
		(void)snprintf(hex + i * 2, 3, "%02x", md[i]);
	return hex;
}

/*
 * A digest check hashes the body whatever the status.  An error status
 * without a body of its own comes with an empty page.
 */
enum check_error
answer_digest(const struct answer_view *v, const struct check_conf *cc)
{
	char		 tmp[EVP_MAX_MD_SIZE * 2 + 1];
	const char	*hex;

	if (v->body_from == NULL && !code_is_error(v))
		return HCE_HTTP_DIGEST_OK;
	if (v->body_from != NULL && v->body_from->bodylen >
	    VHOST_DIGEST_READ_MAX)
		return HCE_HTTP_DIGEST_ERROR;
	hex = body_digest(v->body_from, cc->digest_type, tmp, sizeof(tmp));
	if (hex == NULL)
		return HCE_HTTP_DIGEST_ERROR;
	return strcmp(hex, cc->digest) == 0 ? HCE_HTTP_DIGEST_OK :
	    HCE_HTTP_DIGEST_FAIL;
}

/*
 * As the real check reads the input: up once some beginning of it, within
 * the checker's read bound, matches (core/pattern.h).
 */
bool
answer_expect_ok(const struct answer_view *v, const char *pattern)
{
	const struct vhost_answer	*a = v->body_from;
	struct pattern			*pt;
	const char			*why;
	size_t				 len;
	bool				 ok;

	if (a == NULL)
		return true;
	if ((pt = pattern_new(pattern, &why)) == NULL)
		return false;
	len = a->bodylen < VHOST_EXPECT_READ_MAX ? a->bodylen :
	    VHOST_EXPECT_READ_MAX;
	ok = len > 0 && pattern_feed(pt, a->body, len) == PATTERN_MATCH;
	pattern_free(pt);
	return ok;
}
