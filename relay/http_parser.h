/*
 * A strict, incremental, zero-copy HTTP/1.1 parser for requests and
 * responses (RFC 9110, RFC 9112).  Pure C: it calls nothing but libc.
 *
 * Feeding.  http_parser_init() takes the limits and an array of
 * lim->fields_max struct http_field (the caller's: a parser alone is
 * small).  The caller owns the bytes: it calls http_parse() with the
 * connection's bytes not yet consumed (what the last call left, then what
 * arrived since); the call consumes *used of them and returns an event:
 *	HTTP_MORE	nothing more is complete: keep the bytes, read, call
 *	HTTP_HEAD	the head is complete; *used is its length
 *	HTTP_BODY	*used bytes of body to forward as they are (chunk-size
 *			lines, extensions and CRLFs included)
 *	HTTP_TRAILERS	the last chunk, its trailer fields and the final CRLF
 *	HTTP_ERROR	http_error(): answer http_error_status() and close
 * A unit that must be seen whole (a head, a chunk-size line, the last
 * chunk with its trailers) stays unconsumed until it is complete, but is
 * not rescanned: the parser remembers how far it looked for the end of a
 * line and parses each line once, so any split of the input, one byte at
 * a time included, costs about the same and gives the same events.
 * http_done() says the message ended with that event; it stays readable
 * until a call with bytes starts the next (pipelined) message.  After
 * HTTP_HEAD, http_body_left() bytes of body may bypass the parser (splice)
 * if the caller then says so with http_body_skip().  When the peer
 * closes, http_finish() ends a response delimited by the close, or says
 * the message was cut short.
 *
 * Slices.  The start line and the fields are offsets into the head, kept
 * in arrival order; http_method(), http_target(), http_field_name(),
 * http_field_value() ... give them as pointer and length into the buffer
 * that completed the head, so the caller keeps those bytes in place until
 * it has built its own head (then it may compact).  http_field_find()
 * looks a field up by name in any case, http_list_next() walks a list
 * value, http_connection_lists() says whether Connection names a field.
 * Once the body starts the field array is reused for the trailers, which
 * the accessors give at HTTP_TRAILERS: copy what you need at HTTP_HEAD.
 *
 * Framing (RFC 9112 6.3).  A request has a body only with Content-Length
 * or chunked Transfer-Encoding.  A response has none for HEAD, 1xx, 204,
 * 304; otherwise chunked, Content-Length, or until the close.  After a
 * 101 or a 2xx to CONNECT (HTTP_BODY_TUNNEL) every byte is HTTP_BODY
 * until the close.  Tell a response parser the request's method with
 * http_parser_set_method() before its response (it stays for the 1xx
 * that may come first).  CONNECT is parsed; refusing it is the caller's
 * job, as every policy is: the parser reports the version, Connection
 * tokens (HTTP_CONN_*), Upgrade and Expect and decides nothing on them.
 *
 * Strictness.  An error ends the message and the parser: a request error
 * maps to 400, 414, 431, 501 or 505; any response error to 502, and that
 * backend connection must not be reused.  Refused: CR or LF alone, NUL
 * and control characters, obs-fold (in responses too: 502, not replaced
 * by spaces), whitespace after the start line, before a colon or in the
 * target, empty or invalid field names, versions other than 1.0 and 1.1;
 * Content-Length with Transfer-Encoding, differing or malformed lengths
 * (identical ones fold: send one), several Transfer-Encoding fields or
 * one in HTTP/1.0, chunked not last or twice, unknown request codings
 * (501), empty list elements, parameters or tabs in Transfer-Encoding,
 * tabs around Content-Length or Connection; chunk sizes other than 1 to
 * 16 hex digits, chunk extensions off their grammar or with whitespace,
 * chunk data without its CRLF; a missing (HTTP/1.1), repeated or invalid
 * Host, or one unlike an absolute-form target's authority (http or https
 * only); an HTTP/1.0 GET, HEAD or DELETE with a body; a 1xx or 204 with
 * a length, a 101 without Upgrade and Connection: upgrade.  Trailer
 * fields that must not be forwarded are marked: http_trailer_forbidden().
 *
 * Bounds (struct http_limits, 0 takes the default; lines without CRLF):
 *	start_line_max	8192	request line: 414
 *	field_line_max	8192	one field line: 431
 *	head_max	16384	the whole head: 431
 *	fields_max	100	fields in a head or in trailers: 431
 *	chunk_line_max	1024	chunk size and extensions: 400
 *	trailer_max	8192	last chunk, trailers, final CRLF: 431
 * The earliest bound a line cannot meet decides.  A unit is complete
 * within its bound, so a caller's buffer of head_max bytes never stalls.
 */
#ifndef HS_HTTP_PARSER_H
#define HS_HTTP_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_START_LINE_MAX	8192
#define HTTP_FIELD_LINE_MAX	8192
#define HTTP_HEAD_MAX		16384
#define HTTP_FIELDS_MAX		100
#define HTTP_CHUNK_LINE_MAX	1024
#define HTTP_TRAILER_MAX	8192

enum http_kind {
	HTTP_REQUEST,
	HTTP_RESPONSE,
};

enum http_event {
	HTTP_ERROR = -1,
	HTTP_MORE = 0,
	HTTP_HEAD,
	HTTP_BODY,
	HTTP_TRAILERS,
};

/* Statuses for requests (400 unless marked); responses: always 502. */
enum http_error {
	HTTP_E_NONE,
	HTTP_E_START_LINE_TOO_LONG,	/* 414 */
	HTTP_E_FIELD_LINE_TOO_LONG,	/* 431 */
	HTTP_E_HEAD_TOO_LARGE,		/* 431 */
	HTTP_E_TOO_MANY_FIELDS,		/* 431 */
	HTTP_E_TRAILER_TOO_LARGE,	/* 431 */
	HTTP_E_BARE_CR,
	HTTP_E_BARE_LF,
	HTTP_E_NUL,
	HTTP_E_METHOD,
	HTTP_E_TARGET,
	HTTP_E_VERSION,
	HTTP_E_VERSION_UNSUPPORTED,	/* 505 */
	HTTP_E_STATUS,
	HTTP_E_NO_UPGRADE,
	HTTP_E_LENGTH_NOT_ALLOWED,
	HTTP_E_SPACE_AFTER_START_LINE,
	HTTP_E_OBS_FOLD,
	HTTP_E_FIELD_NAME,
	HTTP_E_SPACE_BEFORE_COLON,
	HTTP_E_FIELD_VALUE,
	HTTP_E_CONTENT_LENGTH,
	HTTP_E_CONTENT_LENGTH_DIFFERS,
	HTTP_E_CONTENT_LENGTH_WITH_TE,
	HTTP_E_TE_REPEATED,
	HTTP_E_TE_HTTP10,
	HTTP_E_TE_SYNTAX,
	HTTP_E_TE_NOT_CHUNKED,
	HTTP_E_TE_UNKNOWN,		/* 501 */
	HTTP_E_HOST_MISSING,
	HTTP_E_HOST_REPEATED,
	HTTP_E_HOST_INVALID,
	HTTP_E_HOST_MISMATCH,
	HTTP_E_CONNECTION,
	HTTP_E_BODY_NOT_ALLOWED,
	HTTP_E_CHUNK_SIZE,
	HTTP_E_CHUNK_EXT,
	HTTP_E_CHUNK_LINE_TOO_LONG,
	HTTP_E_CHUNK_CRLF,
	HTTP_E_TRUNCATED,
	HTTP_E_COUNT
};

enum http_method {
	HTTP_M_OTHER,		/* any other token: the caller decides */
	HTTP_M_GET,
	HTTP_M_HEAD,
	HTTP_M_POST,
	HTTP_M_PUT,
	HTTP_M_DELETE,
	HTTP_M_CONNECT,
	HTTP_M_OPTIONS,
	HTTP_M_TRACE,
	HTTP_M_PATCH,
};

/* Fields the parser or a proxy acts on; the rest are HTTP_F_OTHER. */
enum http_field_kind {
	HTTP_F_OTHER,
	HTTP_F_HOST,
	HTTP_F_CONTENT_LENGTH,
	HTTP_F_TRANSFER_ENCODING,
	HTTP_F_CONNECTION,
	HTTP_F_KEEP_ALIVE,
	HTTP_F_PROXY_CONNECTION,
	HTTP_F_TE,
	HTTP_F_TRAILER,
	HTTP_F_UPGRADE,
	HTTP_F_EXPECT,
};

enum http_framing {
	HTTP_BODY_NONE,
	HTTP_BODY_LENGTH,	/* content_length bytes */
	HTTP_BODY_CHUNKED,
	HTTP_BODY_CLOSE,	/* responses: until the server closes */
	HTTP_BODY_TUNNEL,	/* 101, or 2xx to CONNECT: bytes both ways */
};

/* What the head says, beyond its fields (struct http_head.flags). */
#define HTTP_CONN_CLOSE		0x0001	/* Connection lists close */
#define HTTP_CONN_KEEP_ALIVE	0x0002	/* ... keep-alive */
#define HTTP_CONN_UPGRADE	0x0004	/* ... upgrade */
#define HTTP_UPGRADE		0x0008	/* an Upgrade field is present */
#define HTTP_EXPECT_CONTINUE	0x0010	/* Expect: 100-continue */
#define HTTP_EXPECT_OTHER	0x0020	/* another expectation (417) */
#define HTTP_CL_FOLDED		0x0040	/* identical Content-Length lines */
#define HTTP_TARGET_ABSOLUTE	0x0080	/* absolute-form request target */

struct http_limits {
	uint32_t	start_line_max;
	uint32_t	field_line_max;	/* at most 65535 */
	uint32_t	head_max;
	uint32_t	fields_max;	/* at most 65535 */
	uint32_t	chunk_line_max;
	uint32_t	trailer_max;
};

struct http_slice {
	const char	*p;
	size_t		 len;
};

/* Offsets count from the first byte of the head (or trailer section). */
struct http_field {
	uint32_t	name;
	uint32_t	value;		/* without surrounding whitespace */
	uint32_t	value_len;
	uint16_t	name_len;
	uint16_t	kind;		/* enum http_field_kind */
};

struct http_span {
	uint32_t	off;
	uint32_t	len;
};

struct http_head {
	const char	*base;		/* where the head was, at HTTP_HEAD */
	uint32_t	 len;		/* bytes, leading empty lines too */
	struct http_span method;	/* requests */
	struct http_span target;
	struct http_span reason;	/* responses */
	uint16_t	 status;
	uint8_t		 method_id;	/* enum http_method */
	uint8_t		 version;	/* 10 or 11 */
	uint8_t		 framing;	/* enum http_framing */
	uint16_t	 flags;		/* HTTP_CONN_CLOSE ... */
	int32_t		 host;		/* index of the Host field, or -1 */
	uint64_t	 content_length;
};

struct http_parser {
	struct http_limits	 lim;
	struct http_field	*field;		/* the caller's, fields_max */
	uint32_t		 nfields;	/* of the head, then trailers */
	const char		*fields_base;
	struct http_head	 head;
	uint8_t			 kind;		/* enum http_kind */
	uint8_t			 state;
	uint8_t			 error;		/* enum http_error */
	uint8_t			 req_method;	/* responses: the request's */
	uint32_t		 scan;		/* unit bytes looked at */
	uint32_t		 line;		/* unit offset of this line */
	uint64_t		 body_left;	/* of the body or this chunk */
	/* Gathered from the fields while the head is parsed. */
	uint8_t			 te_seen;
	uint8_t			 te_chunked;	/* times chunked was named */
	uint8_t			 te_last_chunked;
	uint8_t			 te_unknown;
	uint8_t			 cl_seen;
};

/* Fill in the defaults; then change what you need before init. */
void		 http_limits_default(struct http_limits *);
/*
 * Start a parser for one connection; NULL lim takes the defaults.  fields
 * has room for lim->fields_max entries (HTTP_FIELDS_MAX by default).
 */
void		 http_parser_init(struct http_parser *, enum http_kind,
		    const struct http_limits *, struct http_field *fields);
/* For a response parser: the method of the request it answers. */
void		 http_parser_set_method(struct http_parser *,
		    enum http_method);

enum http_event	 http_parse(struct http_parser *, const char *buf,
		    size_t len, size_t *used);
bool		 http_done(const struct http_parser *);
/* 0 when the connection may end here, -1 (HTTP_E_TRUNCATED) if not. */
int		 http_finish(struct http_parser *);
/* Body bytes that may bypass the parser; UINT64_MAX until the close. */
uint64_t	 http_body_left(const struct http_parser *);
void		 http_body_skip(struct http_parser *, uint64_t);

enum http_error	 http_error(const struct http_parser *);
/* The status a relay answers: 400, 414, 431, 501, 505, or 502. */
int		 http_error_status(const struct http_parser *);
const char	*http_error_str(enum http_error);
int		 http_error_request_status(enum http_error);

/* The head, valid while its bytes stay where they were. */
struct http_slice http_method(const struct http_parser *);
struct http_slice http_target(const struct http_parser *);
struct http_slice http_reason(const struct http_parser *);
/* Fields in arrival order: of the head, or the trailers after them. */
size_t		 http_nfields(const struct http_parser *);
struct http_slice http_field_name(const struct http_parser *, size_t);
struct http_slice http_field_value(const struct http_parser *, size_t);
enum http_field_kind http_field_kind(const struct http_parser *, size_t);
/* Index of the first field at or after from named name, or -1. */
int		 http_field_find(const struct http_parser *, const char *name,
		    size_t from);
/* Is this field named by a Connection field (so hop-by-hop)? */
bool		 http_connection_lists(const struct http_parser *,
		    struct http_slice name);
/* A trailer field that must not be forwarded (framing, routing...). */
bool		 http_trailer_forbidden(enum http_field_kind);

/*
 * Comma-separated lists (RFC 9110 5.6.1): the next non-empty element of
 * *list, without surrounding whitespace; *list moves past it.
 */
bool		 http_list_next(struct http_slice *list,
		    struct http_slice *elem);
bool		 http_name_eq(const char *, size_t, const char *, size_t);

/*
 * Upgrade (RFC 9110 7.8).  The request's offer, its Upgrade fields as one
 * list, copied into offer, since the request's bytes may be gone when the
 * answer comes: false if it does not fit in size.
 */
bool		 http_upgrade_offer(const struct http_parser *req,
		    char *offer, size_t size);
/*
 * Whether a 101's Upgrade fields name at least one protocol and only
 * protocols of the offer; names in any case, and a version only if the
 * offer names one.
 */
bool		 http_upgrade_chosen(const struct http_parser *res,
		    const char *offer);
/* The same for one list of chosen protocols. */
bool		 http_upgrade_among(struct http_slice offer,
		    struct http_slice chosen);

#endif /* HS_HTTP_PARSER_H */
