/*
 * Shell-style patterns (fnmatch(3) without flags, in the C locale)
 * matched against a byte stream as it arrives: the matcher answers as
 * soon as some beginning of the stream matches the whole pattern, or as
 * soon as no beginning can any more.  The answer depends only on the
 * bytes, never on how they were split into chunks, and each byte costs
 * time proportional to the pattern, never to what came before it.
 *
 * The syntax is fnmatch's: '*' any bytes, '?' one byte, '[...]' one
 * byte of a set ('!' or '^' negates, ranges a-z, classes [:alpha:]),
 * '\' quotes the next byte.  An unterminated '[', a trailing '\', an
 * unknown class, a class as the end of a range and the collating forms
 * [=c=] and [.c.] are errors: fnmatch takes the first literally, never
 * matches the next two and reads the others in more than one way.
 */
#ifndef HS_PATTERN_H
#define HS_PATTERN_H

#include <stdbool.h>
#include <stddef.h>

struct pattern;

enum pattern_verdict {
	PATTERN_MORE = 0,	/* no beginning matched yet; one still may */
	PATTERN_MATCH,		/* the bytes so far begin with a match */
	PATTERN_NEVER,		/* no beginning of this stream can match */
};

/*
 * Compile src.  NULL on error, with *why saying what is wrong ("unterminated
 * [") or "out of memory".
 */
struct pattern	*pattern_new(const char *src, const char **why);
void		 pattern_free(struct pattern *);
/* Forget the bytes fed so far: the next byte starts a new stream. */
void		 pattern_reset(struct pattern *);
/*
 * Feed the next len bytes (len > 0).  Once the answer is MATCH or NEVER
 * it stays so; further bytes are not looked at.  An empty beginning
 * counts: a pattern that matches "" matches once one byte arrived.
 */
enum pattern_verdict pattern_feed(struct pattern *, const void *data,
		    size_t len);
/* True if src compiles; else *why says why. */
bool		 pattern_valid(const char *src, const char **why);

#endif /* HS_PATTERN_H */
