/*
 * The HTTP side of the relay engine, shared by the files of relay/ that
 * make it (http_*.c besides the parser's): a relay whose protocol is
 * HTTP reads each request's head before it chooses a host, applies the
 * protocol's actions and match rules, and relays one request at a time
 * over a connection to the host that it keeps for later requests (a
 * pool per process, used from the first request).  Bodies stream
 * through, or are spliced; nothing is ever buffered whole.
 *
 * A session (the client's connection) holds only its input buffer while
 * bytes wait in it, and an exchange while a request is in flight: the
 * two parsers, the host connection, the host's input and the heads to
 * write.  An idle keep-alive session holds neither.
 */
#ifndef HS_HTTP_RELAY_H
#define HS_HTTP_RELAY_H

#include <sys/queue.h>

#include "relay/http_parser.h"
#include "relay/relay_priv.h"

#define HTTP_SERVER_NAME	"hoststated"
#define HTTP_OUT_EXTRA		16384	/* room an out head has past head_max */
#define HTTP_WORK_STR		65536	/* scratch text for one head's rewrite */
#define HTTP_HASH_MAX		4096	/* values fed to the hash, per request */
#define HTTP_POOL_BUCKETS	64
#define HTTP_FREE_KEEP		64	/* idle buffers and exchanges kept */
#define HTTP_COPY_MAX		16384	/* body bytes copied behind a head */
#define HTTP_SPLICE_MIN		65536	/* body left that is worth a splice */
#define HTTP_STEPS		32	/* steps of a session before others run */
#define HTTP_OFFER_MAX		128	/* an Upgrade offer kept; longer: none */

/* Bytes in a buffer: [off, len) not yet consumed. */
struct hbuf {
	char		*p;
	size_t		 off, len, size;
};

/* A free list of equal buffers. */
struct hbuf_pool {
	char		**v;
	size_t		  n, size;
};

/* An action of the protocol, its strings copied out of the configuration. */
struct http_action {
	uint8_t		 dir;		/* enum action_dir */
	uint8_t		 entity;	/* enum action_entity */
	uint8_t		 op;		/* enum action_op */
	bool		 has_value;
	bool		 vars;		/* value names $VARIABLES */
	uint16_t	 status;	/* when it blocks */
	const char	*key;
	size_t		 keylen;
	const char	*value;
	size_t		 valuelen;
};

struct http_route {
	const char	*method;	/* NULL: any */
	bool		 has_entity;
	uint8_t		 entity;
	bool		 has_value;
	const char	*key;
	const char	*value;
	uint32_t	 table_id;	/* HS_ID_NONE: not resolved */
};

/* A relay's protocol as its sessions use it; counted references. */
struct http_proto {
	uint32_t		 refs;
	struct http_limits	 lim;
	size_t			 inbuf;		/* input buffers */
	size_t			 outbuf;	/* rewritten heads */
	uint32_t		 keepalive;
	bool			 websockets;
	bool			 splice;
	struct http_action	*actions;
	size_t			 nactions;
	struct http_route	*routes;
	size_t			 nroutes;
	char			*strings;
};

/*
 * A connection to a host.  While a request uses it, leg.s is that
 * session; idle in the pool, leg.s is NULL and its events (the host
 * closing it, stray bytes) close it.  One over TLS is taken again only
 * for the same context (configuration) and host name.
 */
struct http_conn {
	struct leg		 leg;
	TAILQ_ENTRY(http_conn)	 bucket;	/* idle: its pool bucket */
	TAILQ_ENTRY(http_conn)	 lru;		/* idle: oldest first */
	LIST_ENTRY(http_conn)	 dead;		/* closed: freed after the batch */
	struct http_engine	*he;
	struct hs_addr		 addr;
	uint16_t		 port;
	uint32_t		 host_id;
	uint64_t		 expires;	/* idle until then */
	uint32_t		 uses;		/* requests it carried */
	const void		*tls_ctx;	/* its TLS's context; NULL: plain */
	char			*tls_name;	/* the name it was verified for */
	bool			 idle;
	bool			 closed;
};

enum rq_state {
	RQ_HEAD = 0,		/* reading the head */
	RQ_CONNECT,		/* head rewritten, waiting for the host */
	RQ_BODY,		/* head and body to the host */
	RQ_DONE,		/* all of it read (or dropped) */
};

enum rs_state {
	RS_WAIT = 0,		/* no answer expected yet */
	RS_HEAD,		/* reading the host's head */
	RS_BODY,
	RS_UPGRADE,		/* 101 queued: a tunnel once it is out */
	RS_DONE,		/* the answer is queued whole */
};

/* One request and its answer. */
struct http_xchg {
	struct http_proto	*proto;
	struct http_parser	 req;
	struct http_parser	 res;
	struct http_field	*fields;	/* req's, then res's: 2 * nf */
	size_t			 nf;
	struct http_conn	*conn;
	struct hbuf		 hin;		/* from the host */
	struct hbuf		 qout;		/* to the host, before qfwd */
	size_t			 qfwd;		/* cin bytes to the host */
	struct hbuf		 sout;		/* to the client, before sfwd */
	size_t			 sfwd;		/* hin bytes to the client */
	enum rq_state		 rq;
	enum rs_state		 rs;
	uint8_t			 method;	/* enum http_method */
	uint8_t			 version;	/* the request's: 10, 11 */
	uint16_t		 status;	/* of the answer */
	bool			 upgrade;	/* asked for, and allowed */
	bool			 host_close;	/* the host closes after it */
	bool			 host_eof;
	bool			 reused;	/* a pooled connection */
	bool			 retried;
	bool			 local;		/* the answer is the relay's */
	bool			 answered;	/* answer bytes went out */
	bool			 replayable;	/* no body: may be sent again */
	bool			 counted;	/* in relay_hosts' states */
	bool			 heard;		/* the host sent a byte */
	bool			 nosplice;	/* splice failed: copy */
	int			 pipe[2];	/* splicing a body */
	size_t			 inpipe;
	uint8_t			 splicing;	/* 0, or 1 up, 2 down */
	uint32_t		 route;		/* table, or HS_ID_NONE */
	uint64_t		 start_ms;	/* its first byte */
	struct relay_target	 target;
	uint32_t		 tried[RELAY_TRIED_MAX];
	uint32_t		 ntried;
	uint32_t		 attempts;
	char			 m[HS_METHOD_MAX];
	char			 host[CTL_HTTP_HOST_MAX];
	char			 path[CTL_HTTP_PATH_MAX];
	char			 logged[CTL_HTTP_LOGGED_MAX];
	char			 offer[HTTP_OFFER_MAX];	/* its Upgrade */
};

/* What the log line of a session's end keeps of its last request. */
struct http_last {
	uint16_t		 status;
	char			 m[HS_METHOD_MAX];
	char			 host[CTL_HTTP_HOST_MAX];
	char			 path[CTL_HTTP_PATH_MAX];
	char			 logged[CTL_HTTP_LOGGED_MAX];
};

/* A session of an HTTP relay. */
struct http_sess {
	struct hbuf		 cin;		/* from the client */
	struct http_xchg	*x;
	struct http_last	*last;		/* only when lines are logged */
	uint32_t		 requests;
	uint8_t			 end;		/* enum session_end, once known */
	bool			 client_eof;
	bool			 closing;	/* close after this answer */
	bool			 client_close;	/* the client said it would */
	bool			 lingering;	/* answered; reading to the end */
	bool			 tunnel;	/* bytes both ways (101) */
	bool			 timed_out;
	struct http_conn	*conn;		/* the tunnel's host */
};

/* A field of a head being rewritten. */
struct ofield {
	const char		*name;
	size_t			 nlen;
	const char		*value;
	size_t			 vlen;
	bool			 gone;
};

/* One head's rewrite: fields, scratch text, hash values (per engine). */
struct http_work {
	struct ofield		*f;
	size_t			 nf, cap;
	char			*str;
	size_t			 slen;
	bool			 full;		/* str ran out */
	const char		*path;		/* the target's parts */
	size_t			 pathlen;
	const char		*query;		/* NULL: none */
	size_t			 querylen;
	bool			 target_changed;
	uint8_t			 hash[HTTP_HASH_MAX];
	size_t			 hashlen;
	char			*logged;	/* the exchange's */
	uint16_t		 blocked;	/* status, 0: passes */
	const struct http_action *block;	/* the action that blocked */
	const char		*block_value;	/* and the value it saw */
	size_t			 block_vlen;
};

struct http_engine {
	struct relay_engine	*e;
	TAILQ_HEAD(, http_conn)	 idle[HTTP_POOL_BUCKETS];
	TAILQ_HEAD(, http_conn)	 lru;
	size_t			 nidle;
	LIST_HEAD(, http_conn)	 dead;
	struct event		*sweep;
	bool			 sweeping;
	struct hbuf_pool	 inbufs;
	struct hbuf_pool	 outbufs;
	struct http_xchg	**xfree;
	size_t			 nxfree;
	struct http_work	 w;
};

/* http_session.c: the hooks of session.c and pump.c */
int		 http_session_start(struct session *);
void		 http_session_event(struct session *, struct leg *);
void		 http_host_handshake(struct session *, struct leg *, bool ok);
int		 http_run(struct session *);
bool		 http_tunnelled(const struct session *);
void		 http_session_end(struct session *);
void		 http_session_row(const struct session *, struct ctl_session *);
enum session_end http_expired(struct session *);
uint64_t	 http_since(const struct session *);
int		 http_io_write(struct session *, struct leg *, const char *,
		    size_t, bool to_host);
ssize_t		 http_io_read(struct session *, struct leg *, struct hbuf *);

/* http_engine.c */
struct http_engine *http_engine_get(struct relay_engine *);
void		 http_engine_free(struct relay_engine *);
void		 http_reap(struct relay_engine *);
void		 http_sweep_arm(struct http_engine *);
int		 hbuf_take(struct http_engine *, struct hbuf *, size_t size,
		    bool out);
void		 hbuf_give(struct http_engine *, struct hbuf *, bool out);
void		 hbuf_compact(struct hbuf *);
int		 hbuf_add(struct hbuf *, const char *, size_t);
struct http_xchg *http_xchg_new(struct http_engine *, struct http_proto *);
void		 http_xchg_put(struct http_engine *, struct http_xchg *);

/* http_proto.c */
void		 http_proto_switch(struct relay_engine *, struct relay_rt *,
		    const struct config *, const struct relay_conf *);
struct http_proto *http_proto_ref(struct http_proto *);
void		 http_proto_put(struct http_proto *);

/* http_conn.c */
/* A connection to the target: a pooled one (1), a connect begun (0). */
int		 http_conn_get(struct session *, struct http_xchg *);
/* Done with it: back to the pool if it may carry another request. */
void		 http_conn_release(struct http_engine *, struct http_conn *,
		    bool reuse, uint32_t keepalive, uint32_t timeout_ms);
void		 http_conn_close(struct http_engine *, struct http_conn *);
int		 http_conn_connected(struct http_conn *);
/* Connected: 0 open (plain), 1 its TLS handshake to run, -1 failed. */
int		 http_conn_tls(struct session *, struct http_conn *);
/* The host connection l is the leg of; NULL: l is a session's own. */
const struct http_conn *http_conn_of(const struct leg *l);

/* http_request.c */
int		 http_request_head(struct session *, struct http_xchg *);
int		 http_request_body(struct session *, struct http_xchg *);
int		 http_connect(struct session *, struct http_xchg *,
		    const struct http_work *);
int		 http_connect_failed(struct session *, struct http_xchg *);
int		 http_trailers(struct hbuf *, const struct http_parser *);
int		 http_body_step(struct http_parser *, struct hbuf *in,
		    struct hbuf *out, size_t *fwd);

/* http_response.c */
int		 http_response_head(struct session *, struct http_xchg *);
int		 http_response_body(struct session *, struct http_xchg *);
int		 http_tunnel(struct session *, struct http_xchg *);

/* http_rewrite.c */
void		 work_start(struct http_work *, char *logged);
int		 work_fields(struct http_work *, const struct http_parser *,
		    bool upgrade);
char		*work_str(struct http_work *, size_t);
char		*work_cat(struct http_work *, const char *, size_t,
		    const char *, size_t, const char *, size_t);
int		 work_field_add(struct http_work *, const char *, size_t,
		    const char *, size_t);
int		 work_field_find(const struct http_work *, const char *,
		    size_t, size_t from);
bool		 work_field_lists(const struct http_work *, int,
		    const char *token);
int		 work_via(struct http_work *, uint8_t version);
int		 work_head(struct http_work *, struct hbuf *,
		    const char *start, size_t startlen);
void		 work_target(struct http_work *, struct http_slice);
size_t		 http_safe_copy(char *, size_t, const char *, size_t);

/* http_action.c */
int		 http_actions(struct session *, struct http_xchg *,
		    struct http_work *, enum action_dir);
bool		 http_route_matches(struct session *, const struct http_route *,
		    struct http_work *, const struct http_xchg *);
const char	*http_entity_name(uint8_t);

/* http_answer.c */
/* The relay answers status itself: a small page, then the end. */
int		 http_answer(struct session *, struct http_xchg *, int status,
		    const char *why, enum session_end, bool blocked);
const char	*http_status_text(int status);

/* http_splice.c */
int		 http_splice(struct session *, struct http_xchg *, bool up);
void		 http_splice_end(struct session *, struct http_xchg *);
bool		 http_splice_wanted(const struct session *,
		    const struct http_xchg *, bool up);

#endif /* HS_HTTP_RELAY_H */
