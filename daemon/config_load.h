/*
 * Loading the configuration in the daemon: the parser of core/ with the
 * system's name resolution and file checks, and the -n front end.
 */
#ifndef HS_CONFIG_LOAD_H
#define HS_CONFIG_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/buf.h"
#include "core/config.h"

#define CONFIG_ERRORS_MAX	(256 * 1024)	/* bytes of messages kept */

/*
 * Parse file, resolving host names with getaddrinfo(3) and checking that
 * TLS certificates and keys are readable and belong together.  NULL on
 * error, with every "FILE:LINE: message" in errors; notes (may be NULL)
 * get the -v notes, warnings (may be NULL) a check script that cannot
 * run.
 */
struct config	*config_load(const char *file, const char *const *defines,
		    size_t ndefines, struct buf *errors, struct buf *notes,
		    struct buf *warnings);

/*
 * hoststated -n: "configuration OK" on out and 0, or the errors on err
 * and 1; warnings on err either way.  verbose: also the canonical
 * configuration and the notes.
 */
int		 config_check(const char *file, const char *const *defines,
		    size_t ndefines, bool verbose, FILE *out, FILE *err);

#endif /* HS_CONFIG_LOAD_H */
