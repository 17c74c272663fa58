/*
 * The configuration language: one grammar, one place (core/parse.c with
 * its lexer core/lex.c).  The parser never resolves names or reads files
 * other than the configuration and its includes; name resolution is a
 * callback the caller provides.
 */
#ifndef HS_PARSE_H
#define HS_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/config.h"

#define PARSE_LINE_MAX		4096	/* longer lines are an error */
#define PARSE_INCLUDE_DEPTH	16
#define PARSE_MACROS_MAX	1024
#define PARSE_ERRORS_MAX	100	/* stop collecting after this many */

/* Resolve a host name to up to max addresses; returns how many, 0 if none. */
typedef size_t	(*resolve_fn)(void *arg, const char *name,
		    struct hs_addr *out, size_t max);

struct parse_opts {
	resolve_fn	 resolve;	/* NULL: only numeric addresses */
	void		*resolve_arg;
	/* -D name=value: persistent macros the file cannot override. */
	const char	*const *defines;
	size_t		 ndefines;
	/*
	 * Added: a relay TLS listener's certificate and key must be
	 * readable; returns 0 if path is.  NULL: not checked (core itself
	 * touches no file but the configuration).
	 */
	int		(*readable)(void *arg, const char *path);
	void		*readable_arg;
	/*
	 * Added, with readable_arg: what readable TLS files hold.  A
	 * certificate with its key (key NULL: a CA file, or a key that
	 * is not to be read here); a cipher list.  0, or -1 with one line
	 * in why.  NULL: not checked.
	 */
	int		(*tls_files)(void *arg, const char *cert,
			    const char *key, char *why, size_t len);
	int		(*tls_ciphers)(void *arg, const char *list, char *why,
			    size_t len);
	/* Added: refuse "include" (text from untrusted memory, fuzzing). */
	bool		 noinclude;
	/*
	 * Added: why a check script cannot run as things stand ("no such
	 * file", "not executable"), NULL if it can.  Said as a warning
	 * ("FILE:LINE: warning: ...") in warnings; NULL: not checked.
	 */
	const char	*(*script_problem)(void *arg, const char *path);
	void		*script_problem_arg;
	struct buf	*warnings;
};

/*
 * Parse FILE into a validated model.  On any error returns NULL and
 * appends one "FILE:LINE: message\n" per error to errors (a message
 * without a line, such as a file that cannot be opened, is "FILE: message").
 * Notes for -n -v (unused tables, unused macros) go to notes if not NULL.
 */
struct config	*config_parse(const char *file, const struct parse_opts *,
		    struct buf *errors, struct buf *notes);
/* The same from a string in memory, named name in messages. */
struct config	*config_parse_string(const char *name, const char *text,
		    size_t len, const struct parse_opts *, struct buf *errors,
		    struct buf *notes);

/*
 * The canonical form of a model: parsing it again gives the same model.
 * Declared tables are printed, not their per-port copies.
 */
void		 config_print(const struct config *, struct buf *);

#endif /* HS_PARSE_H */
