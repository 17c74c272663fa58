/*
 * The resolved configuration model: what the parser produces and every
 * engine reads.  Objects live in arrays indexed by their id; ids are
 * assigned in declaration order, as hoststatectl prints them.
 */
#ifndef HS_CONFIG_H
#define HS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"

#define HS_ID_NONE		UINT32_MAX
#define HS_NAME_MAX		64	/* table/service/relay/protocol name, incl. ":port" */
#define HS_HOSTNAME_MAX		256	/* a host as written: address or DNS name */
#define HS_IFNAME_MAX		16	/* interface or carp group name */
#define HS_PATH_MAX		1024	/* file paths */
#define HS_STR_MAX		1024	/* HTTP paths, send/expect data, action keys and values */
#define HS_DIGEST_HEX_MAX	128	/* SHA-512 in hex */
#define HS_LISTEN_MAX		16	/* virtual hosts per service, listeners per relay */

#define HS_HOSTS_MAX		100000	/* per configuration */
#define HS_TABLES_MAX		10000
#define HS_SERVICES_MAX		10000
#define HS_RELAYS_MAX		1000
#define HS_PROTOCOLS_MAX	1000
#define HS_ACTIONS_MAX		256	/* per protocol */
#define HS_DEMOTES_MAX		64	/* groups with a file or script */
#define HS_ROUTES_MAX		64	/* match rules per protocol */
#define HS_METHOD_MAX		32	/* a match rule's method */

/* Defaults and bounds of the global options (relayd / hoststated). */
#define HS_INTERVAL_DEFAULT	10	/* seconds */
#define HS_INTERVAL_MAX		86400
#define HS_TIMEOUT_DEFAULT	200	/* milliseconds */
#define HS_TIMEOUT_MAX		3600000
#define HS_PREFORK_DEFAULT	5
#define HS_PREFORK_MAX		32
#define HS_RETRY_MAX		1000
#define HS_WEIGHT_MAX		1000
#define HS_RELAY_TIMEOUT_DEFAULT 600	/* seconds */
#define HS_DNS_TIMEOUT_DEFAULT	2	/* seconds a DNS query waits (dnsdist's) */
#define HS_SESSIONS_DEFAULT	10000	/* per relay process */
#define HS_BACKLOG_DEFAULT	10	/* of a relay's listeners */
#define HS_SESSIONS_MAX		1000000
#define HS_SESSION_BUFFER_DEFAULT 262144	/* bytes per direction */
#define HS_SESSION_BUFFER_MIN	4096
#define HS_SESSION_BUFFER_MAX	(16 * 1024 * 1024)
#define HS_KEY_LEN		16	/* a relay's hash key */
#define HS_USER_DEFAULT		"_hoststated"
#define HS_CHROOT_DEFAULT	"/var/empty"
#define HS_SOCKET_DEFAULT	"/var/run/hoststated.sock"
#define HS_CONFIG_DEFAULT	"/etc/hoststated.conf"

enum check_type {
	CHECK_NONE = 0,		/* relay tables may go unchecked: hosts count as up */
	CHECK_ICMP,
	CHECK_TCP,
	CHECK_TLS,		/* "check ssl" */
	CHECK_HTTP_CODE,	/* "check http[s] PATH [host NAME] code N" */
	CHECK_HTTP_DIGEST,	/* "check http[s] PATH [host NAME] digest HEX" */
	CHECK_SEND_EXPECT,	/* "check send DATA expect PATTERN [ssl]" */
	CHECK_SCRIPT,		/* "check script PATH" */
};

/* Chosen by the length of the hex string. */
enum digest_type {
	DIGEST_NONE = 0,
	DIGEST_MD5,		/* 32 hex digits */
	DIGEST_SHA1,		/* 40 */
	DIGEST_SHA256,		/* 64 */
	DIGEST_SHA512,		/* 128 */
};

struct check_conf {
	enum check_type		 type;
	bool			 tls;		/* https, send/expect ... ssl */
	char			 path[HS_STR_MAX];	/* HTTP path or script path */
	char			 host[HS_HOSTNAME_MAX];	/* HTTP Host header; "" = address */
	int			 code;		/* HTTP status, 100..999 */
	enum digest_type	 digest_type;
	char			 digest[HS_DIGEST_HEX_MAX + 1];	/* lowercase hex */
	char			 send[HS_STR_MAX];	/* escapes translated; "" = read only */
	char			 expect[HS_STR_MAX];	/* shell-style pattern */
};

struct host_conf {
	uint32_t		 id;
	uint32_t		 table_id;
	char			 name[HS_HOSTNAME_MAX];	/* as written, after macro expansion */
	struct hs_addr		 addr;			/* resolved at load time */
	uint32_t		 retry;
	uint32_t		 weight;		/* 1 unless given */
};

struct table_conf {
	uint32_t		 id;
	char			 name[HS_NAME_MAX];	/* as printed: "web" or "web:80" */
	char			 base[HS_NAME_MAX];	/* as declared */
	uint16_t		 port;		/* real port or the user's port; 0 = none */
	bool			 real_port;	/* port came from "real port" */
	struct check_conf	 check;
	uint32_t		 timeout_ms;
	uint32_t		 interval_s;
	char			 demote[HS_IFNAME_MAX];	/* carp group; "" = none */
	bool			 disabled;
	/*
	 * A declared table without a real port becomes a template: each
	 * service or relay port that uses it gets a copy "NAME:PORT" with
	 * ids of its own.  Templates are neither checked nor shown.
	 */
	bool			 template;
	uint32_t		 copy_of;	/* template id, or HS_ID_NONE */
	uint32_t		*host_ids;	/* declaration order */
	size_t			 nhosts;
};

struct virt_conf {
	char			 name[HS_HOSTNAME_MAX];	/* as written */
	struct hs_addr		 addr;
	uint16_t		 port;
	char			 ifname[HS_IFNAME_MAX];	/* "" = any */
};

struct service_conf {
	uint32_t		 id;
	char			 name[HS_NAME_MAX];
	struct virt_conf	 virts[HS_LISTEN_MAX];
	size_t			 nvirts;
	uint32_t		 table_id;	/* the table in use (a copy if templated) */
	uint32_t		 backup_id;	/* HS_ID_NONE if none */
	bool			 sticky;
	char			 tag[HS_NAME_MAX];	/* "" = none */
	bool			 match;		/* match tag: "match in" */
	bool			 disabled;
};

enum proto_type {
	PROTO_TCP = 0,
	PROTO_HTTP,
	PROTO_DNS,
};

enum action_dir {
	DIR_REQUEST = 0,
	DIR_RESPONSE,
};

enum action_entity {
	ENTITY_HEADER = 0,
	ENTITY_COOKIE,
	ENTITY_URL,
	ENTITY_PATH,
};

enum action_op {
	ACTION_APPEND = 0,	/* append "VALUE" to "KEY" */
	ACTION_CHANGE,		/* change "KEY" to "VALUE" */
	ACTION_REMOVE,		/* remove "KEY" */
	ACTION_EXPECT,		/* expect "VALUE" from "KEY" / expect "KEY" */
	ACTION_FILTER,		/* filter "VALUE" from "KEY" */
	ACTION_HASH,		/* hash "KEY" */
	ACTION_LOG,		/* log "KEY" */
};

struct action_conf {
	enum action_dir		 dir;
	enum action_entity	 entity;
	enum action_op		 op;
	char			 key[HS_STR_MAX];
	char			 value[HS_STR_MAX];	/* may hold $REMOTE_ADDR etc. */
	bool			 has_value;
	uint16_t		 status;	/* blocked: answer; 0 = 403 */
};

/*
 * match request [method M] [header|cookie|url "KEY" [value "V"] |
 * path "P"] forward to TABLE: requests that match go to another table.
 */
struct route_conf {
	char			 method[HS_METHOD_MAX]; /* "" = any */
	bool			 has_entity;
	enum action_entity	 entity;
	char			 key[HS_STR_MAX];	/* path: pattern */
	char			 value[HS_STR_MAX];	/* pattern */
	bool			 has_value;
	char			 table[HS_NAME_MAX];	/* as written */
};

/* http { ... }: the parser's bounds and the connections kept. */
#define HS_HTTP_LINE_DEFAULT	8192
#define HS_HTTP_HEAD_DEFAULT	16384
#define HS_HTTP_HEAD_MAX	131072
#define HS_HTTP_FIELDS_DEFAULT	100
#define HS_HTTP_CHUNK_DEFAULT	1024
#define HS_HTTP_KEEPALIVE_DEFAULT 64
#define HS_HTTP_KEEPALIVE_MAX	100000

struct http_opts {
	uint32_t		 request_line;	/* start line */
	uint32_t		 header_line;	/* one field line */
	uint32_t		 headerlen;	/* the whole head */
	uint32_t		 headers;	/* fields of a head */
	uint32_t		 chunk_line;
	uint32_t		 trailerlen;
	uint32_t		 keepalive;	/* idle per host */
	bool			 websockets;	/* Upgrade: tunnel */
};

/* Flags set in tcp_opts.set / ssl_opts.set say which options were given. */
#define TCPOPT_NODELAY		0x01
#define TCPOPT_SACK		0x02
#define TCPOPT_SPLICE		0x04
#define TCPOPT_BACKLOG		0x08
#define TCPOPT_BUFSIZE		0x10
#define TCPOPT_TTL		0x20
#define TCPOPT_MINTTL		0x40
#define TCPOPT_SESSION_BUFFER	0x80

struct tcp_opts {
	uint32_t		 set;		/* options given */
	uint32_t		 on;		/* for the boolean ones: on or "no ..." */
	uint32_t		 backlog;	/* default 10, max 512 */
	uint32_t		 bufsize;
	uint32_t		 ttl;
	uint32_t		 minttl;
	uint32_t		 session_buffer;	/* bytes per direction */
};

#define SSLOPT_SSLV3		0x01
#define SSLOPT_TLSV1		0x02	/* 1.0 in hoststated; relayd: 1.2 and 1.3 */
#define SSLOPT_TLSV1_2		0x04
#define SSLOPT_TLSV1_3		0x08
#define SSLOPT_SSLV2		0x10	/* accepted for compatibility, never enabled */
#define SSL_CIPHERS_DEFAULT	"HIGH:!aNULL"
#define SSL_CACHE_DEFAULT	(-2)	/* library default */
#define SSL_CACHE_DISABLED	(-1)

/* edh [params none|auto|legacy]: the DHE parameters, none by default */
enum ssl_edh {
	SSL_EDH_NONE = 0,
	SSL_EDH_AUTO,
	SSL_EDH_LEGACY,
};
#define HS_KEYPAIRS_MAX		64	/* per protocol */

/* A certificate and its key, chosen by SNI ("keypair NAME"). */
struct keypair_conf {
	char			 name[HS_HOSTNAME_MAX];
	char			 cert[HS_PATH_MAX];	/* "" = /etc/ssl/NAME.crt */
	char			 key[HS_PATH_MAX];	/* "" = /etc/ssl/private/NAME.key */
};

struct ssl_opts {
	uint32_t		 set;		/* protocol versions given */
	uint32_t		 on;		/* ... and enabled */
	char			 ciphers[HS_NAME_MAX * 4];
	int			 session_cache;	/* size, or SSL_CACHE_* */
	bool			 tickets;	/* "session tickets" */
	char			 ecdhe[HS_NAME_MAX * 2];	/* "": default */
	uint8_t			 edh;		/* enum ssl_edh */
	bool			 client_order;	/* no cipher-server-preference */
	char			 ca_file[HS_PATH_MAX];	/* "": hosts unverified */
	struct keypair_conf	*keypairs;
	size_t			 nkeypairs;
};

struct protocol_conf {
	uint32_t		 id;
	char			 name[HS_NAME_MAX];
	enum proto_type		 type;
	struct action_conf	*actions;
	size_t			 nactions;
	struct route_conf	*routes;
	size_t			 nroutes;
	struct http_opts	 http;
	struct tcp_opts		 tcp;
	struct ssl_opts		 ssl;
};

enum lb_mode {
	LB_ROUNDROBIN = 0,
	LB_LOADBALANCE,
	LB_HASH,
	LB_SOURCE_HASH,
	LB_RANDOM,
	LB_LEAST_STATES,
};

struct listen_conf {
	char			 name[HS_HOSTNAME_MAX];
	struct hs_addr		 addr;
	uint16_t		 port;
	bool			 ssl;
};

struct forward_conf {
	char			 name[HS_HOSTNAME_MAX];
	struct hs_addr		 addr;
	uint16_t		 port;
	uint32_t		 retry;
};

struct relay_conf {
	uint32_t		 id;
	char			 name[HS_NAME_MAX];
	struct listen_conf	 listens[HS_LISTEN_MAX];
	size_t			 nlistens;
	uint32_t		 protocol_id;	/* HS_ID_NONE: plain TCP */
	bool			 has_forward;	/* fixed "forward to ADDR port P" */
	struct forward_conf	 forward;
	bool			 forward_tls;	/* "forward with ssl": TLS to hosts */
	uint32_t		 table_id;	/* HS_ID_NONE if none */
	enum lb_mode		 mode;		/* default loadbalance, as hoststated */
	uint32_t		 backup_id;
	uint32_t		 service_id;	/* "service NAME": forward to its table */
	uint32_t		 retry;		/* table, service: other hosts tried */
	bool			 has_key;	/* else the daemon's, per relay name */
	uint8_t			 key[HS_KEY_LEN];	/* hash methods */
	uint32_t		 timeout_s;	/* session timeout */
	uint32_t		 sessions;	/* at once; 0: any */
	/* The table of each of its protocol's match rules (copies). */
	uint32_t		 route_table[HS_ROUTES_MAX];
	bool			 disabled;
	char			 ssl_cert[HS_PATH_MAX];	/* "" = /etc/ssl/ADDR.crt */
	char			 ssl_key[HS_PATH_MAX];	/* "" = /etc/ssl/private/ADDR.key */
};

/* Where a demote group's counter goes where there is no carp. */
struct demote_conf {
	char			 group[HS_IFNAME_MAX];
	char			 file[HS_PATH_MAX];	/* "" = none */
	char			 script[HS_PATH_MAX];	/* "" = none */
};

enum log_level {
	LOG_UPDATES = 0,	/* state changes only */
	LOG_ALL,		/* every check */
};

/* The line a relay logs when a session ends. */
enum log_sessions {
	LOG_SESSIONS_DEBUG = 0,	/* only with -v or "log verbose" */
	LOG_SESSIONS_ERRORS,	/* "log connection errors": failed ones */
	LOG_SESSIONS_ALL,	/* "log connection": every one */
};

struct config {
	/*
	 * Which configuration this is: set when it starts running (1 at
	 * startup, one more per reload), 0 until then.  Ids are only
	 * meaningful within one generation (see core/msg.h).
	 */
	uint32_t		 gen;
	uint32_t		 interval_s;
	uint32_t		 timeout_ms;
	uint32_t		 prefork;
	enum log_level		 log;
	enum log_sessions	 log_sessions;
	uint32_t		 sessions;	/* per relay process */
	char			 demote[HS_IFNAME_MAX];	/* global demote group */
	struct demote_conf	*demotes;
	size_t			 ndemotes;
	char			 user[HS_NAME_MAX];
	char			 chroot[HS_PATH_MAX];
	char			 socket[HS_PATH_MAX];
	struct listen_conf	 metrics;	/* port 0: not served */

	struct host_conf	*hosts;
	size_t			 nhosts;
	struct table_conf	*tables;
	size_t			 ntables;
	struct service_conf	*services;
	size_t			 nservices;
	struct protocol_conf	*protocols;
	size_t			 nprotocols;
	struct relay_conf	*relays;
	size_t			 nrelays;
};

void			 config_free(struct config *);
/* Lookups by id (NULL when out of range) and by printed name. */
const struct table_conf	*config_table(const struct config *, uint32_t);
const struct host_conf	*config_host(const struct config *, uint32_t);
const struct table_conf	*config_table_by_name(const struct config *, const char *);
const struct service_conf *config_service_by_name(const struct config *,
			    const char *);
const struct demote_conf *config_demote(const struct config *,
			    const char *group);
/* A table that is checked and shown: not a template. */
bool			 config_table_live(const struct table_conf *);

/*
 * For each host of new, the id of the same host in old (same table name,
 * same host name), or HS_ID_NONE: reload keeps those hosts' state.
 * Returns an array of new->nhosts ids the caller frees, NULL on failure.
 */
uint32_t		*config_host_map(const struct config *old,
			    const struct config *new);

const char		*check_type_name(enum check_type, bool tls);
/* The digest's name as OpenSSL knows it ("SHA1"), NULL for none. */
const char		*digest_type_name(enum digest_type);
const char		*lb_mode_name(enum lb_mode);
const char		*proto_type_name(enum proto_type);
/* What a relay speaks: its protocol's type, TCP without one. */
enum proto_type		 relay_proto_type(const struct config *,
			    const struct relay_conf *);

#endif /* HS_CONFIG_H */
