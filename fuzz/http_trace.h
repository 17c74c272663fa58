/*
 * Drive the HTTP parser over a connection's bytes as a relay would:
 * bytes arrive in pieces, unconsumed bytes are kept and compacted, body
 * bytes may bypass the parser (http_body_skip, as splice would).  What
 * the parser reports is written as text, body bytes merged, so that any
 * two ways of feeding the same bytes must give the same trace.  The
 * parser's invariants are checked on the way.
 */
#ifndef HS_HTTP_TRACE_H
#define HS_HTTP_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "relay/http_parser.h"

struct http_run {
	enum http_kind		  kind;
	enum http_method	  method;	/* responses: the request's */
	const struct http_limits *lim;		/* NULL: the defaults */
	const size_t		 *cuts;		/* pieces end at these */
	size_t			  ncuts;	/* (increasing offsets) */
	size_t			  piece;	/* else pieces this long; 0: */
						/* all at once */
	bool			  splice;	/* bodies by http_body_skip */
	bool			  eof;		/* the peer closes at the end */
};

/*
 * The trace of in[0, len) goes to out.  Returns 0, or -1 when the parser
 * broke one of its invariants (out ends with which).
 */
int	http_run(const struct http_run *, const char *in, size_t len,
	    struct buf *out);
/*
 * Feed the same bytes whole, byte by byte, and at cut points (bodies
 * spliced) chosen from the bytes themselves: the traces must agree and
 * the invariants hold.  The first byte chooses the limits (bit 0: tiny
 * ones, to reach every bound) and, for responses, the request method
 * (GET, HEAD, CONNECT).  Returns 0, or -1 with the differing traces in
 * why.
 */
int	http_check_all_ways(enum http_kind, const uint8_t *data, size_t size,
	    struct buf *why);
/* Messages that ended, from a trace (lines "E"). */
int	http_trace_messages(const char *trace);

#endif /* HS_HTTP_TRACE_H */
