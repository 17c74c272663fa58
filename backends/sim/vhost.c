#include <stdlib.h>
#include <string.h>

#include "backends/sim/vhost.h"

void
vhost_init(struct vhost *vh)
{
	memset(vh, 0, sizeof(*vh));
}

static void
vhost_paths_free(struct vhost *vh)
{
	size_t	i;

	for (i = 0; i < vh->npaths; i++) {
		free(vh->paths[i].path);
		answer_free(&vh->paths[i].answer);
	}
	free(vh->paths);
	vh->paths = NULL;
	vh->npaths = 0;
}

void
vhost_free(struct vhost *vh)
{
	answer_free(&vh->answer);
	vhost_paths_free(vh);
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
	answer_free(&vh->answer);
	vhost_paths_free(vh);
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
vhost_answers(struct vhost *vh, uint64_t now_ms)
{
	vhost_reach_set(vh, VH_UP, now_ms);
}

struct vhost_answer *
vhost_answer(struct vhost *vh, const char *path)
{
	struct vhost_path	*p;
	size_t			 i;

	if (path == NULL)
		return &vh->answer;
	for (i = 0; i < vh->npaths; i++)
		if (strcmp(vh->paths[i].path, path) == 0)
			return &vh->paths[i].answer;
	if (vh->npaths >= VHOST_PATHS_MAX)
		return NULL;
	p = realloc(vh->paths, (vh->npaths + 1) * sizeof(*p));
	if (p == NULL)
		return NULL;
	vh->paths = p;
	p = &vh->paths[vh->npaths];
	if ((p->path = strdup(path)) == NULL)
		return NULL;
	answer_init(&p->answer);
	vh->npaths++;
	return &p->answer;
}

void
vhost_path_reset(struct vhost *vh, const char *path)
{
	size_t	i;

	for (i = 0; i < vh->npaths; i++) {
		if (strcmp(vh->paths[i].path, path) != 0)
			continue;
		free(vh->paths[i].path);
		answer_free(&vh->paths[i].answer);
		vh->paths[i] = vh->paths[--vh->npaths];
		return;
	}
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

/* When the method has what it needs: the status line, or the end. */
static uint64_t
answer_time(const struct check_conf *cc, const struct answer_view *v)
{
	switch (cc->type) {
	case CHECK_HTTP_DIGEST:
	case CHECK_SEND_EXPECT:
		return (uint64_t)v->latency_ms + v->slow_ms;
	default:
		return v->latency_ms;
	}
}

/* A host that answers in time: what the method makes of its answer. */
static void
answer(const struct check_conf *cc, const struct answer_view *v,
    uint32_t rtt, struct check_result *out)
{
	enum check_error	e;
	int			code;

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
		if (answer_code_ok(v, cc->code, &code))
			result_set(out, true, HCE_HTTP_CODE_OK, rtt, code);
		else
			result_set(out, false, HCE_HTTP_CODE_FAIL, rtt, code);
		break;
	case CHECK_HTTP_DIGEST:
		e = answer_digest(v, cc);
		result_set(out, e == HCE_HTTP_DIGEST_OK, e, rtt, -1);
		break;
	case CHECK_SEND_EXPECT:
		if (answer_expect_ok(v, cc->expect))
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

static bool
check_is_http(const struct check_conf *cc)
{
	return cc->type == CHECK_HTTP_CODE || cc->type == CHECK_HTTP_DIGEST;
}

void
vhost_check(struct vhost *vh, const struct check_request *req,
    uint64_t now_ms, uint32_t jitter_ms, struct check_result *out)
{
	const struct check_conf	*cc = &req->table->check;
	struct answer_view	 v;
	uint32_t		 to = req->timeout_ms;
	uint64_t		 rtt;

	out->host_id = req->host_id;
	out->seq = req->seq;
	switch (vhost_reach_at(vh, now_ms)) {
	case VH_DOWN:
		result_set(out, false, timeout_error(cc, false), to, -1);
		return;
	case VH_REFUSE:
		if (cc->type == CHECK_ICMP)
			break;
		if (jitter_ms >= to)
			result_set(out, false, timeout_error(cc, false), to,
			    -1);
		else if (cc->type == CHECK_SCRIPT)
			result_set(out, false, HCE_SCRIPT_FAIL, jitter_ms, 1);
		else
			result_set(out, false, HCE_TCP_CONNECT_REFUSED,
			    jitter_ms, -1);
		return;
	default:
		break;
	}
	answer_view(vh, check_is_http(cc) ? cc->path : NULL, &v);
	rtt = answer_time(cc, &v) + jitter_ms;
	if (rtt >= to) {
		/* Connected: the answer is what comes late. */
		result_set(out, false, timeout_error(cc, true), to, -1);
		return;
	}
	answer(cc, &v, (uint32_t)rtt, out);
}
