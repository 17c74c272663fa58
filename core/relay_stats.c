/*
 * A relay's counters are kept by each relay process; what show relays
 * and show metrics give is their sum.
 */
#include "core/ctl.h"

void
relay_stats_add(struct relay_stats *sum, const struct relay_stats *s)
{
	sum->active += s->active;
	sum->total += s->total;
	sum->bytes_in += s->bytes_in;
	sum->bytes_out += s->bytes_out;
	sum->connect_fail += s->connect_fail;
	sum->errors += s->errors;
	sum->queries += s->queries;
	sum->answers += s->answers;
	sum->timeouts += s->timeouts;
	sum->malformed += s->malformed;
	sum->unmatched += s->unmatched;
	sum->requests += s->requests;
	sum->http_bad += s->http_bad;
	sum->http_blocked += s->http_blocked;
	sum->http_client_timeout += s->http_client_timeout;
	sum->http_bad_gateway += s->http_bad_gateway;
	sum->http_unavailable += s->http_unavailable;
	sum->http_gateway_timeout += s->http_gateway_timeout;
}

const char *const relay_http_reasons[RELAY_HTTP_REASONS] = { "bad_request",
    "blocked", "client_timeout", "bad_gateway", "unavailable",
    "gateway_timeout" };

/* In the order of relay_http_reasons. */
void
relay_http_answers(const struct relay_stats *s, uint64_t n[RELAY_HTTP_REASONS])
{
	n[0] = s->http_bad;
	n[1] = s->http_blocked;
	n[2] = s->http_client_timeout;
	n[3] = s->http_bad_gateway;
	n[4] = s->http_unavailable;
	n[5] = s->http_gateway_timeout;
}
