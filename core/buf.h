/*
 * A bounded, growable text buffer.  Appending past the bound fails and
 * marks the buffer truncated, so callers check once at the end.
 */
#ifndef HS_BUF_H
#define HS_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct buf {
	char	*data;		/* always NUL-terminated when len > 0 */
	size_t	 len;
	size_t	 cap;
	size_t	 max;		/* hard bound on len */
	bool	 truncated;	/* an append did not fit */
};

void	 buf_init(struct buf *, size_t max);
void	 buf_free(struct buf *);
void	 buf_reset(struct buf *);
int	 buf_add(struct buf *, const void *, size_t);
int	 buf_puts(struct buf *, const char *);
int	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 buf_vprintf(struct buf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
/* The text so far; "" for an empty buffer. */
const char *buf_str(const struct buf *);
/*
 * Copy the next line of *text (without its newline) into line and move
 * *text past it; false at the end.  A line longer than len - 1 comes out
 * in pieces, so nothing is lost.
 */
bool	 text_next_line(const char **text, char *line, size_t len);

#endif /* HS_BUF_H */
