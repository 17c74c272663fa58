/* Retry and availability of one host; see host_state.h. */
#include <string.h>

#include "core/host_state.h"

bool
check_error_failed(enum check_error e)
{
	switch (e) {
	case HCE_NONE:
	case HCE_ICMP_OK:
	case HCE_TCP_CONNECT_OK:
	case HCE_SCRIPT_OK:
	case HCE_TLS_CONNECT_OK:
	case HCE_SEND_EXPECT_OK:
	case HCE_HTTP_CODE_OK:
	case HCE_HTTP_DIGEST_OK:
		return false;
	default:
		return true;
	}
}

enum host_state
host_state_apply(struct host_status *hs, uint32_t retry, bool up,
    enum check_error error)
{
	enum host_state	old = hs->state;

	if (up) {
		hs->state = HOST_UP;
		hs->retry_cnt = retry;
	} else {
		hs->error = error;
		if (old == HOST_UP && hs->retry_cnt > 0)
			hs->retry_cnt--;	/* tolerated: stays up */
		else {
			hs->state = HOST_DOWN;
			hs->retry_cnt = 0;
		}
	}
	hs->check_cnt++;
	if (hs->state == HOST_UP)
		hs->up_cnt++;
	return old;
}

void
host_rtt_add(struct host_status *hs, uint32_t rtt_ms)
{
	size_t	i;

	for (i = 0; i < HS_RTT_BUCKETS; i++)
		if (rtt_ms <= rtt_bucket_ms[i]) {
			hs->rtt.n[i]++;
			break;
		}
	hs->rtt.sum_ms += rtt_ms;
}

void
host_state_reset(struct host_status *hs)
{
	memset(hs, 0, sizeof(*hs));
	hs->state = HOST_UNKNOWN;
	hs->error = HCE_NONE;
}
