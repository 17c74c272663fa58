/*
 * llhttp, from the C sources Debian's node-llhttp ships, as an oracle for
 * the differential test.  Both sides describe a connection's bytes the
 * same way: one line per message that ended,
 *	start line | fields | body=<decoded body> | trailers | end=<offset>
 * then a verdict line: "OK", "TUNNEL" (the rest is not HTTP), or
 * "ERROR <name> <why>".
 */
#ifndef HS_LLHTTP_ORACLE_H
#define HS_LLHTTP_ORACLE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

/* head_request: a response parser answers a HEAD request. */
void	oracle_run(bool request, bool head_request, const char *in,
	    size_t len, struct buf *out);
/* Escape bytes so that a description stays one line. */
void	oracle_escape(struct buf *, const char *, size_t);

#endif /* HS_LLHTTP_ORACLE_H */
