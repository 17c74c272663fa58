/*
 * The two things the HTTP checks read from an answer, as pure functions
 * over bytes that may arrive in any split: the status code of the first
 * line, and where the head ends (the first empty line, "\n" or "\r\n").
 */
#ifndef HS_HTTP_SCAN_H
#define HS_HTTP_SCAN_H

#include <stddef.h>

/* "HTTP/1.x NNN" at the start of line: the code, or -1 if malformed. */
int		 http_status_code(const char *line, size_t len);

/* Where the head scanner is between chunks; start at HEAD_LINE_START. */
enum http_head_state {
	HEAD_LINE_START = 0,	/* at the start of a line */
	HEAD_LINE_CR,		/* a line that is so far one '\r' */
	HEAD_IN_LINE,		/* a line with something in it */
};

/*
 * Scan the next len bytes of an answer: the offset in data just past
 * the head's empty line, or -1 if the head goes on (state kept).
 */
long		 http_head_end(enum http_head_state *, const char *data,
		    size_t len);

#endif /* HS_HTTP_SCAN_H */
