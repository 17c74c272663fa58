/*
 * The system resolver for the parser, in the parent only: it records
 * every answer (core/resolved.h) so that the children parse the
 * configuration text to the same addresses without resolving.
 */
#ifndef HS_DAEMON_RESOLVE_H
#define HS_DAEMON_RESOLVE_H

#include <stddef.h>

#include "core/addr.h"
#include "core/resolved.h"

/* A resolve_fn: getaddrinfo, recording into arg (struct resolved). */
size_t	 resolve_record(void *arg, const char *name, struct hs_addr *out,
	    size_t max);

#endif /* HS_DAEMON_RESOLVE_H */
