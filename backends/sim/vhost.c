#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "backends/sim/vhost.h"

void
vhost_init(struct vhost *vh)
{
	memset(vh, 0, sizeof(*vh));
	vh->code = 200;
}

void
vhost_free(struct vhost *vh)
{
	free(vh->body);
	free(vh->digest);
	vhost_init(vh);
}

static void
vhost_reach_set(struct vhost *vh, enum vhost_reach r, uint64_t now_ms)
{
	vh->reach = (uint8_t)r;
	vh->since_ms = now_ms;
}

void
vhost_set_up(struct vhost *vh, uint64_t now_ms)
{
	free(vh->body);
	free(vh->digest);
	vh->body = vh->digest = NULL;
	vh->bodylen = 0;
	vh->latency_ms = 0;
	vh->code = 200;
	vhost_reach_set(vh, VH_UP, now_ms);
}

void
vhost_set_down(struct vhost *vh, uint64_t now_ms)
{
	vhost_reach_set(vh, VH_DOWN, now_ms);
}

void
vhost_set_refuse(struct vhost *vh, uint64_t now_ms)
{
	vhost_reach_set(vh, VH_REFUSE, now_ms);
}

void
vhost_set_flap(struct vhost *vh, uint32_t period_ms, uint64_t now_ms)
{
	vh->flap_ms = period_ms > 0 ? period_ms : 1;
	vhost_reach_set(vh, VH_FLAP, now_ms);
}

void
vhost_set_latency(struct vhost *vh, uint32_t ms, uint64_t now_ms)
{
	vh->latency_ms = ms;
	vhost_reach_set(vh, VH_UP, now_ms);
}

void
vhost_set_code(struct vhost *vh, uint16_t code, uint64_t now_ms)
{
	vh->code = code;
	vhost_reach_set(vh, VH_UP, now_ms);
}

int
vhost_set_body(struct vhost *vh, const char *text, size_t len,
    uint64_t now_ms)
{
	char	*b;

	if (len > VHOST_BODY_MAX)
		return -1;
	if ((b = malloc(len + 1)) == NULL)
		return -1;
	memcpy(b, text, len);
	b[len] = '\0';
	free(vh->body);
	free(vh->digest);
	vh->digest = NULL;
	vh->body = b;
	vh->bodylen = len;
	vhost_reach_set(vh, VH_UP, now_ms);
	return 0;
}

enum vhost_reach
vhost_reach_at(const struct vhost *vh, uint64_t now_ms)
{
	uint64_t	phase;

	if (vh->reach != VH_FLAP)
		return (enum vhost_reach)vh->reach;
	phase = (now_ms - vh->since_ms) / vh->flap_ms;
	return (phase % 2 == 0) ? VH_DOWN : VH_UP;
}

uint64_t
vhost_phase_start(const struct vhost *vh, uint64_t now_ms)
{
	uint64_t	phase;

	if (vh->reach != VH_FLAP)
		return vh->since_ms;
	phase = (now_ms - vh->since_ms) / vh->flap_ms;
	return vh->since_ms + phase * vh->flap_ms;
}

static const EVP_MD *
digest_md(enum digest_type t)
{
	const char	*name = digest_type_name(t);

	return name != NULL ? EVP_get_digestbyname(name) : NULL;
}

/* The hex digest of the body, computed once per body and type. */
static const char *
vhost_digest(struct vhost *vh, enum digest_type t)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0, i;
	const EVP_MD	*evp;

	if (vh->digest != NULL && vh->digest_type == t)
		return vh->digest;
	free(vh->digest);
	vh->digest = NULL;
	if ((evp = digest_md(t)) == NULL)
		return NULL;
	if (EVP_Digest(vh->body != NULL ? vh->body : "", vh->bodylen, md,
	    &mdlen, evp, NULL) != 1)
		return NULL;
	if ((vh->digest = malloc(mdlen * 2 + 1)) == NULL)
		return NULL;
	for (i = 0; i < mdlen; i++)
		(void)snprintf(vh->digest + i * 2, 3, "%02x", md[i]);
	vh->digest_type = (uint8_t)t;
	return vh->digest;
}

static void
result_set(struct check_result *out, bool up, enum check_error e,
    uint32_t rtt, int32_t detail)
{
	out->up = up;
	out->error = e;
	out->rtt_ms = rtt;
	out->detail = detail;
}

/* The host did not answer within the timeout: the method's timeout. */
static enum check_error
timeout_error(const struct check_conf *cc, bool connected)
{
	switch (cc->type) {
	case CHECK_ICMP:
		return HCE_ICMP_READ_TIMEOUT;
	case CHECK_TLS:
		return HCE_TLS_CONNECT_TIMEOUT;
	case CHECK_SCRIPT:
		return HCE_SCRIPT_TIMEOUT;
	case CHECK_TCP:
		return HCE_TCP_CONNECT_TIMEOUT;
	default:
		if (!connected)
			return HCE_TCP_CONNECT_TIMEOUT;
		return cc->tls ? HCE_TLS_READ_TIMEOUT : HCE_TCP_READ_TIMEOUT;
	}
}

/* A host that answers in time: what the method makes of its answer. */
static void
answer(struct vhost *vh, const struct check_conf *cc, uint32_t rtt,
    struct check_result *out)
{
	const char	*hex, *body;

	body = vh->body != NULL ? vh->body : "";
	switch (cc->type) {
	case CHECK_ICMP:
		result_set(out, true, HCE_ICMP_OK, rtt, -1);
		break;
	case CHECK_TCP:
		result_set(out, true, HCE_TCP_CONNECT_OK, rtt, -1);
		break;
	case CHECK_TLS:
		result_set(out, true, HCE_TLS_CONNECT_OK, rtt, -1);
		break;
	case CHECK_HTTP_CODE:
		if (vh->code == cc->code)
			result_set(out, true, HCE_HTTP_CODE_OK, rtt, vh->code);
		else
			result_set(out, false, HCE_HTTP_CODE_FAIL, rtt,
			    vh->code);
		break;
	case CHECK_HTTP_DIGEST:
		hex = vhost_digest(vh, cc->digest_type);
		if (hex == NULL)
			result_set(out, false, HCE_HTTP_DIGEST_ERROR, rtt, -1);
		else if (strcmp(hex, cc->digest) == 0)
			result_set(out, true, HCE_HTTP_DIGEST_OK, rtt, -1);
		else
			result_set(out, false, HCE_HTTP_DIGEST_FAIL, rtt, -1);
		break;
	case CHECK_SEND_EXPECT:
		if (fnmatch(cc->expect, body, 0) == 0)
			result_set(out, true, HCE_SEND_EXPECT_OK, rtt, -1);
		else
			result_set(out, false, HCE_SEND_EXPECT_FAIL, rtt, -1);
		break;
	case CHECK_SCRIPT:
		result_set(out, true, HCE_SCRIPT_OK, rtt, 0);
		break;
	case CHECK_NONE:
	default:
		result_set(out, true, HCE_NONE, rtt, -1);
		break;
	}
}

void
vhost_check(struct vhost *vh, const struct check_request *req,
    uint64_t now_ms, struct check_result *out)
{
	const struct check_conf	*cc = &req->table->check;
	uint32_t		 to = req->timeout_ms;

	out->host_id = req->host_id;
	out->seq = req->seq;
	switch (vhost_reach_at(vh, now_ms)) {
	case VH_DOWN:
		result_set(out, false, timeout_error(cc, false), to, -1);
		return;
	case VH_REFUSE:
		if (cc->type == CHECK_ICMP)
			break;
		if (cc->type == CHECK_SCRIPT)
			result_set(out, false, HCE_SCRIPT_FAIL, 0, 1);
		else
			result_set(out, false, HCE_TCP_CONNECT_REFUSED, 0, -1);
		return;
	default:
		break;
	}
	if (vh->latency_ms >= to) {
		result_set(out, false, timeout_error(cc, true), to, -1);
		return;
	}
	answer(vh, cc, vh->latency_ms, out);
}
