/*
 * The control language shared by hoststatectl and the simulator: command
 * words (with unique prefixes), the rows a show command returns, monitor
 * events, and the one renderer that prints them.
 */
#ifndef HS_CTL_H
#define HS_CTL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/layer3.h"

enum ctl_action {
	CTL_NONE = 0,
	CTL_SHOW_SUMMARY,	/* the show commands stay together */
	CTL_SHOW_HOSTS,
	CTL_SHOW_TABLES,
	CTL_SHOW_SERVICES,
	CTL_SHOW_RELAYS,
	CTL_SHOW_SESSIONS,
	CTL_SHOW_METRICS,	/* Prometheus text, not rows */
	CTL_HOST_DISABLE,
	CTL_HOST_ENABLE,
	CTL_TABLE_DISABLE,
	CTL_TABLE_ENABLE,
	CTL_SERVICE_DISABLE,
	CTL_SERVICE_ENABLE,
	CTL_RELOAD,
	CTL_POLL,
	CTL_MONITOR,
	CTL_LOG_BRIEF,
	CTL_LOG_VERBOSE,
	CTL_STOP,
	CTL_ACTION_MAX
};

struct ctl_request {
	enum ctl_action		 action;
	bool			 by_id;		/* target was a number */
	uint32_t		 id;
	char			 target[HS_HOSTNAME_MAX];	/* name, or path for reload */
};

/*
 * Parse command words ("show su", "table disable webhosts:80") into a
 * request.  On error returns -1 and writes one line to err, e.g.
 * "ambiguous argument: s" or "unknown argument: foo".
 */
int		 ctl_parse(int argc, char *const argv[], struct ctl_request *,
		    struct buf *err);
/* True for actions that change state (need write permission). */
bool		 ctl_action_modifies(enum ctl_action);
/* True for the show commands, answered with rows. */
bool		 ctl_action_shows(enum ctl_action);
/* The command words of an action: "host disable". */
const char	*ctl_action_words(enum ctl_action);

enum ctl_obj {
	OBJ_SERVICE = 0,
	OBJ_TABLE,
	OBJ_HOST,
	OBJ_RELAY,
};

/* Status of a row, from which the seed's status words are derived. */
enum ctl_status {
	ST_UNKNOWN = 0,		/* host */
	ST_UP,			/* host */
	ST_DOWN,		/* host, service */
	ST_DISABLED,		/* any */
	ST_ACTIVE,		/* service, relay */
	ST_ACTIVE_BACKUP,	/* service using its backup table */
	ST_TABLE_ACTIVE,	/* table: "active (N hosts up)" */
	ST_EMPTY,		/* table */
	ST_NOT_INSTALLED,	/* service: refused by layer 3, or no rules */
};

/* A relay's counters, summed over the relay processes. */
struct relay_stats {
	uint64_t		 active;	/* sessions open now */
	uint64_t		 total;		/* sessions accepted */
	uint64_t		 bytes_in;	/* client to host */
	uint64_t		 bytes_out;	/* host to client */
	uint64_t		 connect_fail;	/* connects that failed */
	uint64_t		 errors;	/* sessions that ended badly */
	/* DNS relays: messages rather than sessions. */
	uint64_t		 queries;	/* well-formed queries */
	uint64_t		 answers;	/* answers given back */
	uint64_t		 timeouts;	/* queries never answered */
	uint64_t		 malformed;	/* packets dropped unread */
	uint64_t		 unmatched;	/* answers to no query */
	uint64_t		 requests;	/* HTTP requests read */
	/* HTTP requests the relay answered itself, by class. */
	uint64_t		 http_bad;	/* 4xx: malformed, refused */
	uint64_t		 http_blocked;	/* by expect or filter */
	uint64_t		 http_client_timeout;	/* 408 */
	uint64_t		 http_bad_gateway;	/* 502 */
	uint64_t		 http_unavailable;	/* 503: no host up */
	uint64_t		 http_gateway_timeout;	/* 504 */
};

/* One relay process's counters into the sum of them all. */
void		 relay_stats_add(struct relay_stats *sum,
		    const struct relay_stats *);
/* The answers an HTTP relay gave itself, by reason (show relays' words). */
#define RELAY_HTTP_REASONS	6
extern const char *const relay_http_reasons[RELAY_HTTP_REASONS];
void		 relay_http_answers(const struct relay_stats *,
		    uint64_t n[RELAY_HTTP_REASONS]);

struct ctl_row {
	uint8_t			 type;		/* enum ctl_obj */
	uint8_t			 status;	/* enum ctl_status */
	uint32_t		 id;
	uint32_t		 parent_id;	/* host: its table; table: service/relay */
	char			 name[HS_HOSTNAME_MAX];
	uint32_t		 up;		/* table: hosts up */
	uint32_t		 check_cnt;	/* host */
	uint32_t		 up_cnt;
	uint32_t		 retry_cnt;	/* failures still tolerated */
	uint8_t			 error;		/* last failure */
	uint64_t		 error_age_ms;	/* since it was seen */
	uint32_t		 rtt_ms;
	int32_t			 detail;
	char			 check[32];	/* table: check method name;
						   relay: protocol type */
	struct relay_stats	 stats;		/* relay (show relays) */
	/* Services: what layer 3 holds, and why not while it is refused. */
	uint8_t			 l3_rules;	/* rules in place */
	uint32_t		 l3_hosts;	/* hosts its table holds */
	uint32_t		 l3_failures;	/* refused operations, ever */
	char			 l3_error[L3_ERROR_MAX];
};

/* Why a session ended; "done" is the only good end. */
enum session_end {
	SESS_OPEN = 0,		/* not ended: a show sessions row */
	SESS_DONE,		/* both sides closed */
	SESS_TIMEOUT,		/* idle for the relay's timeout */
	SESS_CLIENT_RESET,	/* the client reset or failed */
	SESS_HOST_RESET,	/* the host reset or failed */
	SESS_CONNECT_FAILED,	/* no connect succeeded, retries included */
	SESS_NO_HOST,		/* no host of the tables was up */
	SESS_SHUTDOWN,		/* the daemon stopped */
	SESS_ERROR,		/* a local failure (memory, descriptors) */
	SESS_TLS_FAILED,	/* the client's TLS handshake failed */
	SESS_HTTP_ERROR,	/* the relay answered an HTTP error itself */
	SESS_END_MAX
};

#define HS_SESSION_DETAIL_MAX	96
/* What a session row keeps of an HTTP request (cut, not refused). */
#define CTL_HTTP_HOST_MAX	128
#define CTL_HTTP_PATH_MAX	256
#define CTL_HTTP_LOGGED_MAX	512

/* A relay session: a show sessions row, or the event of its end. */
struct ctl_session {
	uint32_t		 proc;		/* relay process, from 1 */
	uint64_t		 id;		/* per process */
	uint32_t		 relay_id;
	char			 relay[HS_NAME_MAX];
	struct hs_addr		 client;
	uint16_t		 client_port;
	struct hs_addr		 host;		/* HS_AF_NONE: not chosen yet */
	uint16_t		 host_port;
	uint64_t		 age_ms;
	uint64_t		 idle_ms;
	uint64_t		 bytes_in;	/* client to host */
	uint64_t		 bytes_out;	/* host to client */
	uint8_t			 end;		/* enum session_end */
	char			 detail[HS_SESSION_DETAIL_MAX];	/* DNS: the
						   query, or a connection's
						   counts; "" for none */
	/* HTTP: requests read; the one in flight, or the last one. */
	uint32_t		 requests;
	uint16_t		 status;	/* its answer; 0: none yet */
	char			 method[HS_METHOD_MAX];
	char			 http_host[CTL_HTTP_HOST_MAX];
	char			 path[CTL_HTTP_PATH_MAX];
	char			 logged[CTL_HTTP_LOGGED_MAX];	/* "K: v, ..." */
};

enum ctl_event_kind {
	EV_HOST_STATUS = 0,	/* every check result */
	EV_HOST_DISABLE,
	EV_HOST_ENABLE,
	EV_TABLE_DISABLE,
	EV_TABLE_ENABLE,
	EV_SERVICE_DISABLE,
	EV_SERVICE_ENABLE,
	EV_TABLE_CHANGED,	/* a layer-3 table was replaced */
	EV_RULES_ADDED,
	EV_RULES_REMOVED,
	EV_DEMOTE,
	EV_RELOAD,		/* name: "" or why it failed (value 1) */
	EV_POLL,		/* hoststatectl poll */
	EV_LOG,			/* log brief|verbose: value 0|1 */
	EV_STOP,
	EV_COMMAND_FAILED,	/* value: enum ctl_action, name: why */
	EV_KIND_MAX
};

struct ctl_event {
	uint8_t			 kind;		/* enum ctl_event_kind */
	uint32_t		 id;
	char			 name[HS_HOSTNAME_MAX];
	uint8_t			 old_state;	/* host events: enum host_state */
	uint8_t			 new_state;
	uint8_t			 error;
	uint32_t		 rtt_ms;
	uint32_t		 check_cnt;
	uint32_t		 up_cnt;
	int32_t			 value;		/* demote delta, hosts up, ... */
	uint64_t		 time_ms;	/* engine clock */
};

/* The status word of a row: "active (2 hosts up)", "up", ... */
const char	*ctl_status_str(const struct ctl_row *, char *, size_t);
const char	*session_end_str(enum session_end);
/*
 * One line per session: show sessions, the monitor and the relay's log
 * line at its end.
 */
void		 ctl_render_session(const struct ctl_session *, struct buf *);
void		 ctl_render_session_json(const struct ctl_session *,
		    struct buf *);
/* "100.00%", or "" when the host has no counted check. */
const char	*ctl_avail_str(uint32_t up_cnt, uint32_t check_cnt, char *,
		    size_t);

/*
 * Render the rows of a show command as hoststatectl prints it (the
 * seed's tab-separated table), or as JSON.  now_ms is the caller's wall
 * clock in ms since the epoch: a host's last failure is shown at its
 * time, computed from the row's error_age_ms.
 */
void		 ctl_render(enum ctl_action, const struct ctl_row *, size_t,
		    struct buf *);
void		 ctl_render_json(enum ctl_action, const struct ctl_row *,
		    size_t, uint64_t now_ms, struct buf *);
/*
 * A command's result as JSON: {"result":"command succeeded"}, or
 * {"result":"command failed","error":"..."} with every line of failure.
 */
void		 ctl_render_result_json(bool ok, const char *failure,
		    struct buf *);
/* One monitor line per event. */
void		 ctl_render_event(const struct ctl_event *, struct buf *);
void		 ctl_render_event_json(const struct ctl_event *, struct buf *);

#endif /* HS_CTL_H */
