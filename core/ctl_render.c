/*
 * The one renderer of hoststatectl's output, shared by the control tool
 * and the simulator: the seed's tab-separated table, JSON, and monitor
 * event lines.
 */
#include <stdio.h>
#include <string.h>

#include "core/check.h"
#include "core/ctl.h"
#include "core/host_state.h"
#include "core/msg.h"

#define STATUS_MAX	64
#define AVAIL_MAX	16

static const char *const obj_names[] = {
	[OBJ_SERVICE] = "service",
	[OBJ_TABLE] = "table",
	[OBJ_HOST] = "host",
	[OBJ_RELAY] = "relay",
};

static const char *
obj_name(uint8_t type)
{
	if (type > OBJ_RELAY)
		return "unknown";
	return obj_names[type];
}

const char *
ctl_status_str(const struct ctl_row *row, char *buf, size_t len)
{
	const char	*s;

	switch (row->status) {
	case ST_UNKNOWN:
		s = "unknown";
		break;
	case ST_UP:
		s = "up";
		break;
	case ST_DOWN:
		s = "down";
		break;
	case ST_DISABLED:
		s = "disabled";
		break;
	case ST_ACTIVE:
		s = "active";
		break;
	case ST_ACTIVE_BACKUP:
		s = "active (using backup table)";
		break;
	case ST_TABLE_ACTIVE:
		(void)snprintf(buf, len, "active (%u hosts up)", row->up);
		return buf;
	case ST_EMPTY:
		s = "empty";
		break;
	case ST_NOT_INSTALLED:
		s = "not installed";
		break;
	default:
		s = "invalid";
		break;
	}
	(void)snprintf(buf, len, "%s", s);
	return buf;
}

const char *
ctl_avail_str(uint32_t up_cnt, uint32_t check_cnt, char *buf, size_t len)
{
	if (check_cnt == 0 || up_cnt > check_cnt)
		(void)snprintf(buf, len, "%s", "");
	else
		(void)snprintf(buf, len, "%.2f%%",
		    (double)up_cnt * 100.0 / (double)check_cnt);
	return buf;
}

static void
render_host_detail(const struct ctl_row *r, struct buf *out)
{
	if (r->check_cnt == 0)
		return;
	(void)buf_printf(out, "\t%4s\ttotal: %u/%u checks", "", r->up_cnt,
	    r->check_cnt);
	if (r->retry_cnt > 0)
		(void)buf_printf(out, ", %u retries", r->retry_cnt);
	if (r->status == ST_DOWN && r->error != HCE_NONE)
		(void)buf_printf(out, ", error: %s",
		    check_error_str((enum check_error)r->error));
	(void)buf_puts(out, "\n");
}

static void
render_http_json(const struct relay_stats *s, struct buf *out)
{
	uint64_t	n[RELAY_HTTP_REASONS];
	size_t		k;

	relay_http_answers(s, n);
	(void)buf_printf(out, ",\"requests\":%llu,\"answered\":{",
	    (unsigned long long)s->requests);
	for (k = 0; k < RELAY_HTTP_REASONS; k++)
		(void)buf_printf(out, "%s\"%s\":%llu", k > 0 ? "," : "",
		    relay_http_reasons[k], (unsigned long long)n[k]);
	(void)buf_printf(out, "}");
}

static void
render_relay_detail(const struct ctl_row *r, struct buf *out)
{
	const struct relay_stats *s = &r->stats;

	(void)buf_printf(out, "\t%4s\tsessions: %llu active, %llu total, "
	    "bytes: %llu in, %llu out, %llu connect failures, %llu errors\n",
	    "", (unsigned long long)s->active, (unsigned long long)s->total,
	    (unsigned long long)s->bytes_in, (unsigned long long)s->bytes_out,
	    (unsigned long long)s->connect_fail,
	    (unsigned long long)s->errors);
	if (strcmp(r->check, "dns") == 0) {
		(void)buf_printf(out, "\t%4s\tdns: %llu queries, %llu answers, "
		    "%llu timeouts, %llu malformed, %llu unmatched\n", "",
		    (unsigned long long)s->queries,
		    (unsigned long long)s->answers,
		    (unsigned long long)s->timeouts,
		    (unsigned long long)s->malformed,
		    (unsigned long long)s->unmatched);
		return;
	}
	if (s->requests == 0)
		return;
	(void)buf_printf(out, "\t%4s\trequests: %llu, answered by the relay: "
	    "%llu bad request, %llu blocked, %llu client timeout, "
	    "%llu bad gateway, %llu unavailable, %llu gateway timeout\n", "",
	    (unsigned long long)s->requests, (unsigned long long)s->http_bad,
	    (unsigned long long)s->http_blocked,
	    (unsigned long long)s->http_client_timeout,
	    (unsigned long long)s->http_bad_gateway,
	    (unsigned long long)s->http_unavailable,
	    (unsigned long long)s->http_gateway_timeout);
}

static void
render_relay_dns_json(const struct relay_stats *s, struct buf *out)
{
	(void)buf_printf(out, ",\"protocol\":\"dns\",\"queries\":%llu,"
	    "\"answers\":%llu,\"timeouts\":%llu,\"malformed\":%llu,"
	    "\"unmatched\":%llu", (unsigned long long)s->queries,
	    (unsigned long long)s->answers, (unsigned long long)s->timeouts,
	    (unsigned long long)s->malformed,
	    (unsigned long long)s->unmatched);
}

/* Why a service is not installed, under its row in show services. */
static void
render_service_detail(const struct ctl_row *r, struct buf *out)
{
	if (r->l3_error[0] == '\0')
		return;
	(void)buf_printf(out, "\t%4s\tlayer 3: %s", "", r->l3_error);
	if (r->l3_failures > 0)
		(void)buf_printf(out, " (%u failures)", r->l3_failures);
	(void)buf_puts(out, "\n");
}

void
ctl_render(enum ctl_action action, const struct ctl_row *rows, size_t n,
    struct buf *out)
{
	char	status[STATUS_MAX], avail[AVAIL_MAX];
	size_t	i;

	/* Sessions are lines of their own, not the summary's table. */
	if (action == CTL_SHOW_SESSIONS)
		return;
	(void)buf_printf(out, "%s\t%4s\t%-24s\t%-7s\t%s\n", "Type", "Id",
	    "Name", "Avlblty", "Status");
	for (i = 0; i < n; i++) {
		const struct ctl_row *r = &rows[i];

		avail[0] = '\0';
		if (r->type == OBJ_HOST)
			ctl_avail_str(r->up_cnt, r->check_cnt, avail,
			    sizeof(avail));
		(void)buf_printf(out, "%s\t%4u\t%-24s\t%-7s\t%s\n",
		    obj_name(r->type), r->id, r->name, avail,
		    ctl_status_str(r, status, sizeof(status)));
		if (action == CTL_SHOW_HOSTS && r->type == OBJ_HOST)
			render_host_detail(r, out);
		if (action == CTL_SHOW_RELAYS && r->type == OBJ_RELAY)
			render_relay_detail(r, out);
		if (action == CTL_SHOW_SERVICES && r->type == OBJ_SERVICE)
			render_service_detail(r, out);
	}
}

/* A JSON string with the escapes RFC 8259 requires. */
static void
json_str(struct buf *out, const char *s)
{
	(void)buf_puts(out, "\"");
	for (; *s != '\0'; s++) {
		unsigned char	c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			(void)buf_printf(out, "\\%c", c);
		else if (c < 0x20)
			(void)buf_printf(out, "\\u%04x", c);
		else
			(void)buf_add(out, &c, 1);
	}
	(void)buf_puts(out, "\"");
}

static void
json_avail(struct buf *out, uint32_t up_cnt, uint32_t check_cnt)
{
	if (check_cnt == 0 || up_cnt > check_cnt)
		(void)buf_puts(out, "null");
	else
		(void)buf_printf(out, "%.2f",
		    (double)up_cnt * 100.0 / (double)check_cnt);
}

/* ms since the epoch as "2026-11-27T18:35:37.088Z" (civil from days). */
static void
json_utc(struct buf *out, uint64_t ms)
{
	uint64_t	secs = ms / 1000, z = secs / 86400 + 719468;
	uint64_t	era = z / 146097, doe = z - era * 146097;
	uint64_t	yoe, doy, mp, d, m, y, sod = secs % 86400;

	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y = yoe + era * 400;

	(void)buf_printf(out, "\"%04llu-%02llu-%02lluT%02llu:%02llu:%02llu."
	    "%03lluZ\"", (unsigned long long)(y + (m <= 2)),
	    (unsigned long long)m, (unsigned long long)d,
	    (unsigned long long)(sod / 3600),
	    (unsigned long long)(sod / 60 % 60), (unsigned long long)(sod % 60),
	    (unsigned long long)(ms % 1000));
}

/*
 * A host's error is the reason it is down; an up host has none.  The
 * last failure, up or down, is a field of its own with its time.
 */
static void
render_host_json(const struct ctl_row *r, uint64_t now_ms, struct buf *out)
{
	const char	*err = check_error_str((enum check_error)r->error);
	bool		 failed = r->error != HCE_NONE;

	(void)buf_printf(out, ",\"table_id\":%u,\"check_cnt\":%u,"
	    "\"up_cnt\":%u,\"retry_cnt\":%u,\"error\":", r->parent_id,
	    r->check_cnt, r->up_cnt, r->retry_cnt);
	if (failed && r->status == ST_DOWN)
		json_str(out, err);
	else
		(void)buf_puts(out, "null");
	(void)buf_puts(out, ",\"last_error\":");
	if (failed)
		json_str(out, err);
	else
		(void)buf_puts(out, "null");
	(void)buf_puts(out, ",\"last_error_time\":");
	if (failed && now_ms >= r->error_age_ms)
		json_utc(out, now_ms - r->error_age_ms);
	else
		(void)buf_puts(out, "null");
}

static void
render_row_json(const struct ctl_row *r, uint64_t now_ms, struct buf *out)
{
	char	status[STATUS_MAX];

	(void)buf_puts(out, "{\"type\":");
	json_str(out, obj_name(r->type));
	(void)buf_printf(out, ",\"id\":%u,\"name\":", r->id);
	json_str(out, r->name);
	(void)buf_puts(out, ",\"availability\":");
	if (r->type == OBJ_HOST)
		json_avail(out, r->up_cnt, r->check_cnt);
	else
		(void)buf_puts(out, "null");
	(void)buf_puts(out, ",\"status\":");
	json_str(out, ctl_status_str(r, status, sizeof(status)));
	if (r->type == OBJ_TABLE)
		(void)buf_printf(out, ",\"hosts_up\":%u", r->up);
	if (r->type == OBJ_RELAY)
		(void)buf_printf(out, ",\"sessions_active\":%llu,"
		    "\"sessions_total\":%llu,\"bytes_in\":%llu,"
		    "\"bytes_out\":%llu,\"connect_failures\":%llu,"
		    "\"errors\":%llu", (unsigned long long)r->stats.active,
		    (unsigned long long)r->stats.total,
		    (unsigned long long)r->stats.bytes_in,
		    (unsigned long long)r->stats.bytes_out,
		    (unsigned long long)r->stats.connect_fail,
		    (unsigned long long)r->stats.errors);
	if (r->type == OBJ_SERVICE) {
		(void)buf_printf(out, ",\"layer3\":{\"rules\":%s,\"hosts\":%u,"
		    "\"failures\":%u,\"error\":", r->l3_rules ? "true" :
		    "false", r->l3_hosts, r->l3_failures);
		if (r->l3_error[0] == '\0')
			(void)buf_puts(out, "null");
		else
			json_str(out, r->l3_error);
		(void)buf_puts(out, "}");
	}
	if (r->type == OBJ_RELAY && strcmp(r->check, "dns") == 0)
		render_relay_dns_json(&r->stats, out);
	else if (r->type == OBJ_RELAY)
		render_http_json(&r->stats, out);
	if (r->type == OBJ_HOST)
		render_host_json(r, now_ms, out);
	(void)buf_puts(out, "}");
}

void
ctl_render_result_json(bool ok, const char *failure, struct buf *out)
{
	(void)buf_printf(out, "{\"result\":\"command %s\"",
	    ok ? "succeeded" : "failed");
	if (!ok) {
		(void)buf_puts(out, ",\"error\":");
		json_str(out, failure);
	}
	(void)buf_puts(out, "}\n");
}

void
ctl_render_json(enum ctl_action action, const struct ctl_row *rows,
    size_t n, uint64_t now_ms, struct buf *out)
{
	size_t	i;

	(void)buf_puts(out, "[");
	for (i = 0; i < n; i++) {
		(void)buf_puts(out, i > 0 ? ",\n " : "");
		render_row_json(&rows[i], now_ms, out);
	}
	(void)buf_puts(out, "]\n");
}

static const char *
state_name(uint8_t s)
{
	return host_state_name((enum host_state)s);
}

static void
render_host_event(const struct ctl_event *e, struct buf *out)
{
	char	avail[AVAIL_MAX];

	(void)buf_printf(out, "host %s (id %u): ", e->name, e->id);
	if (e->old_state != e->new_state)
		(void)buf_printf(out, "%s -> ", state_name(e->old_state));
	(void)buf_printf(out, "%s, %s, %ums", state_name(e->new_state),
	    check_error_str((enum check_error)e->error), e->rtt_ms);
	if (e->check_cnt > 0)
		(void)buf_printf(out, ", availability %s",
		    ctl_avail_str(e->up_cnt, e->check_cnt, avail,
		    sizeof(avail)));
}

void
ctl_render_event(const struct ctl_event *e, struct buf *out)
{
	switch (e->kind) {
	case EV_HOST_STATUS:
		render_host_event(e, out);
		break;
	case EV_HOST_DISABLE:
	case EV_HOST_ENABLE:
		(void)buf_printf(out, "host %s (id %u): %s", e->name, e->id,
		    e->kind == EV_HOST_DISABLE ? "disabled" : "enabled");
		break;
	case EV_TABLE_DISABLE:
	case EV_TABLE_ENABLE:
		(void)buf_printf(out, "table %s (id %u): %s", e->name, e->id,
		    e->kind == EV_TABLE_DISABLE ? "disabled" : "enabled");
		break;
	case EV_SERVICE_DISABLE:
	case EV_SERVICE_ENABLE:
		(void)buf_printf(out, "service %s (id %u): %s", e->name, e->id,
		    e->kind == EV_SERVICE_DISABLE ? "disabled" : "enabled");
		break;
	case EV_TABLE_CHANGED:
		(void)buf_printf(out, "service %s (id %u): table replaced, "
		    "%d hosts", e->name, e->id, e->value);
		break;
	case EV_RULES_ADDED:
	case EV_RULES_REMOVED:
		(void)buf_printf(out, "service %s (id %u): rules %s", e->name,
		    e->id, e->kind == EV_RULES_ADDED ? "added" : "removed");
		break;
	case EV_DEMOTE:
		(void)buf_printf(out, "demote %s: %+d", e->name, e->value);
		break;
	case EV_RELOAD:
		if (e->value != 0)
			(void)buf_printf(out, "reload failed: %s", e->name);
		else
			(void)buf_puts(out, "reload: configuration reloaded");
		break;
	case EV_POLL:
		(void)buf_puts(out, "poll: checking every host now");
		break;
	case EV_LOG:
		(void)buf_printf(out, "log: %s", e->name);
		break;
	case EV_STOP:
		(void)buf_puts(out, "stop: shutting down");
		break;
	case EV_COMMAND_FAILED:
		(void)buf_printf(out, "%s failed: %s",
		    ctl_action_words((enum ctl_action)e->value), e->name);
		break;
	default:
		(void)buf_printf(out, "event %u", e->kind);
		break;
	}
	(void)buf_puts(out, "\n");
}

static const char *const event_names[] = {
	[EV_HOST_STATUS] = "host_status",
	[EV_HOST_DISABLE] = "host_disable",
	[EV_HOST_ENABLE] = "host_enable",
	[EV_TABLE_DISABLE] = "table_disable",
	[EV_TABLE_ENABLE] = "table_enable",
	[EV_SERVICE_DISABLE] = "service_disable",
	[EV_SERVICE_ENABLE] = "service_enable",
	[EV_TABLE_CHANGED] = "table_changed",
	[EV_RULES_ADDED] = "rules_added",
	[EV_RULES_REMOVED] = "rules_removed",
	[EV_DEMOTE] = "demote",
	[EV_RELOAD] = "reload",
	[EV_POLL] = "poll",
	[EV_LOG] = "log",
	[EV_STOP] = "stop",
	[EV_COMMAND_FAILED] = "command_failed",
};

void
ctl_render_event_json(const struct ctl_event *e, struct buf *out)
{
	(void)buf_puts(out, "{\"event\":");
	json_str(out, e->kind < EV_KIND_MAX ? event_names[e->kind] :
	    "unknown");
	(void)buf_printf(out, ",\"time_ms\":%llu,\"id\":%u,\"name\":",
	    (unsigned long long)e->time_ms, e->id);
	json_str(out, e->name);
	if (e->kind == EV_HOST_STATUS) {
		(void)buf_printf(out, ",\"old_state\":\"%s\","
		    "\"new_state\":\"%s\",\"result\":",
		    state_name(e->old_state), state_name(e->new_state));
		json_str(out, check_error_str((enum check_error)e->error));
		/* a check that passed has no error */
		(void)buf_puts(out, ",\"error\":");
		if (check_error_failed((enum check_error)e->error))
			json_str(out,
			    check_error_str((enum check_error)e->error));
		else
			(void)buf_puts(out, "null");
		(void)buf_printf(out, ",\"rtt_ms\":%u,\"check_cnt\":%u,"
		    "\"up_cnt\":%u,\"availability\":", e->rtt_ms, e->check_cnt,
		    e->up_cnt);
		json_avail(out, e->up_cnt, e->check_cnt);
	} else if (e->kind == EV_COMMAND_FAILED) {
		(void)buf_puts(out, ",\"command\":");
		json_str(out, ctl_action_words((enum ctl_action)e->value));
	} else
		(void)buf_printf(out, ",\"value\":%d", e->value);
	(void)buf_puts(out, "}\n");
}

static const char *const session_ends[SESS_END_MAX] = {
	[SESS_OPEN] = "running",
	[SESS_DONE] = "done",
	[SESS_TIMEOUT] = "timeout",
	[SESS_CLIENT_RESET] = "client reset",
	[SESS_HOST_RESET] = "host reset",
	[SESS_CONNECT_FAILED] = "connect failed",
	[SESS_NO_HOST] = "no host up",
	[SESS_SHUTDOWN] = "shutdown",
	[SESS_ERROR] = "error",
	[SESS_TLS_FAILED] = "tls handshake failed",
	[SESS_HTTP_ERROR] = "http error",
};

const char *
session_end_str(enum session_end e)
{
	if ((unsigned)e >= SESS_END_MAX)
		return "invalid";
	return session_ends[e];
}

/* ADDR:PORT, [ADDR]:PORT for IPv6, "-" before a host is chosen. */
static void
render_endpoint(const struct hs_addr *a, uint16_t port, struct buf *out)
{
	char	txt[HS_ADDRSTR_MAX];

	if (a->family == HS_AF_NONE) {
		(void)buf_puts(out, "-");
		return;
	}
	(void)addr_fmt(a, txt, sizeof(txt));
	if (a->family == HS_AF_INET6)
		(void)buf_printf(out, "[%s]:%u", txt, port);
	else
		(void)buf_printf(out, "%s:%u", txt, port);
}

static void
render_duration(uint64_t ms, struct buf *out)
{
	(void)buf_printf(out, "%02llu:%02llu:%02llu.%03llu",
	    (unsigned long long)(ms / 3600000),
	    (unsigned long long)(ms / 60000 % 60),
	    (unsigned long long)(ms / 1000 % 60),
	    (unsigned long long)(ms % 1000));
}

/*
 * ", requests N: GET host /path 200, log K: v": the request in flight
 * ("-" while it has no answer) or the last one.
 */
static void
render_session_http(const struct ctl_session *s, struct buf *out)
{
	if (s->requests == 0 && s->method[0] == '\0')
		return;
	(void)buf_printf(out, ", requests %u", s->requests);
	if (s->method[0] != '\0') {
		(void)buf_printf(out, ": %s %s %s ", s->method,
		    s->http_host[0] != '\0' ? s->http_host : "-", s->path);
		if (s->status != 0)
			(void)buf_printf(out, "%u", s->status);
		else
			(void)buf_puts(out, "-");
	}
	if (s->logged[0] != '\0')
		(void)buf_printf(out, ", log %s", s->logged);
}

void
ctl_render_session(const struct ctl_session *s, struct buf *out)
{
	(void)buf_printf(out, "session %u:%llu relay %s: ", s->proc,
	    (unsigned long long)s->id, s->relay);
	render_endpoint(&s->client, s->client_port, out);
	(void)buf_puts(out, " -> ");
	render_endpoint(&s->host, s->host_port, out);
	(void)buf_printf(out, ", %s, age ",
	    session_end_str((enum session_end)s->end));
	render_duration(s->age_ms, out);
	(void)buf_puts(out, ", idle ");
	render_duration(s->idle_ms, out);
	(void)buf_printf(out, ", bytes in %llu, out %llu",
	    (unsigned long long)s->bytes_in,
	    (unsigned long long)s->bytes_out);
	if (s->detail[0] != '\0')
		(void)buf_printf(out, ", %s", s->detail);
	render_session_http(s, out);
	(void)buf_puts(out, "\n");
}

void
ctl_render_session_json(const struct ctl_session *s, struct buf *out)
{
	char	txt[HS_ADDRSTR_MAX];

	(void)buf_printf(out, "{\"session\":\"%u:%llu\",\"relay\":", s->proc,
	    (unsigned long long)s->id);
	json_str(out, s->relay);
	(void)buf_printf(out, ",\"relay_id\":%u,\"client\":\"%s\","
	    "\"client_port\":%u,\"host\":", s->relay_id,
	    addr_fmt(&s->client, txt, sizeof(txt)), s->client_port);
	if (s->host.family == HS_AF_NONE)
		(void)buf_puts(out, "null");
	else
		(void)buf_printf(out, "\"%s\"", addr_fmt(&s->host, txt,
		    sizeof(txt)));
	(void)buf_printf(out, ",\"host_port\":%u,\"state\":\"%s\","
	    "\"age_ms\":%llu,\"idle_ms\":%llu,\"bytes_in\":%llu,"
	    "\"bytes_out\":%llu", s->host_port,
	    session_end_str((enum session_end)s->end),
	    (unsigned long long)s->age_ms, (unsigned long long)s->idle_ms,
	    (unsigned long long)s->bytes_in,
	    (unsigned long long)s->bytes_out);
	if (s->detail[0] != '\0') {
		(void)buf_puts(out, ",\"detail\":");
		json_str(out, s->detail);
	}
	if (s->requests > 0 || s->method[0] != '\0') {
		(void)buf_printf(out, ",\"requests\":%u,\"method\":",
		    s->requests);
		json_str(out, s->method);
		(void)buf_puts(out, ",\"http_host\":");
		json_str(out, s->http_host);
		(void)buf_puts(out, ",\"path\":");
		json_str(out, s->path);
		(void)buf_printf(out, ",\"status\":%u,\"logged\":", s->status);
		json_str(out, s->logged);
	}
	(void)buf_puts(out, "}\n");
}
