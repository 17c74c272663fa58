/* What the HTTP parser's files share; not for its users. */
#ifndef HS_HTTP_PRIV_H
#define HS_HTTP_PRIV_H

#include <string.h>

#include "relay/http_parser.h"

/* Character classes (RFC 9110 5.6.2, 5.5; RFC 3986 for hosts). */
#define C_TOKEN		0x01	/* tchar */
#define C_VALUE		0x02	/* field-vchar, obs-text, SP, HTAB */
#define C_TARGET	0x04	/* visible ASCII and obs-text */
#define C_HEX		0x08
#define C_HOST		0x10	/* reg-name: unreserved, sub-delims */
#define C_QDTEXT	0x20	/* in a quoted-string, unescaped */
#define C_SCHEME	0x40	/* ALPHA DIGIT + - . */

extern const uint8_t	http_class[256];

static inline int
http_is(char c, int cls)
{
	return http_class[(uint8_t)c] & cls;
}

static inline char
http_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Does a name equal lower, a lowercase name, in any case? */
static inline bool
http_is_name(const char *s, size_t n, const char *lower, size_t len)
{
	size_t	i;

	if (n != len)
		return false;
	for (i = 0; i < n; i++)
		if (http_lower(s[i]) != lower[i])
			return false;
	return true;
}

/* Does any of 8 bytes fall below `below' or equal DEL?  (Any, not which.) */
static inline bool
http_word_has_ctl(uint64_t x, uint8_t below)
{
	const uint64_t	ones = 0x0101010101010101ULL;
	const uint64_t	high = 0x8080808080808080ULL;
	uint64_t	del = x ^ (ones * 0x7f);

	return (((x - ones * below) & ~x) | ((del - ones) & ~del)) & high;
}

/* The end of the run of bytes of class cls in s[i, n), four at a time. */
static inline size_t
http_run(const char *s, size_t i, size_t n, int cls)
{
	const uint8_t	*u = (const uint8_t *)s;

	while (i + 4 <= n && (http_class[u[i]] & http_class[u[i + 1]] &
	    http_class[u[i + 2]] & http_class[u[i + 3]] & cls))
		i += 4;
	while (i < n && http_is(s[i], cls))
		i++;
	return i;
}

/*
 * The same for a class that holds every byte but those below `below' and
 * DEL (and HTAB, in values): eight bytes at a time while none of them is
 * one of those.
 */
static inline size_t
http_scan(const char *s, size_t i, size_t n, int cls, uint8_t below)
{
	uint64_t	w;
	size_t		end;

	for (;;) {
		for (; i + 8 <= n; i += 8) {
			memcpy(&w, s + i, 8);
			if (http_word_has_ctl(w, below))
				break;
		}
		/* The last bytes: the final eight, checked once more. */
		if (i + 8 > n && n >= 8 && i > n - 8) {
			memcpy(&w, s + n - 8, 8);
			if (!http_word_has_ctl(w, below))
				return n;
		}
		end = i + 8 < n ? i + 8 : n;
		i = http_run(s, i, end, cls);
		if (i < end || i == n)
			return i;
	}
}

enum http_state {
	S_START,		/* request or status line */
	S_FIELDS,
	S_BODY_LENGTH,
	S_BODY_CLOSE,
	S_CHUNK_LINE,
	S_CHUNK_DATA,
	S_CHUNK_CRLF,
	S_TRAILERS,		/* from the last chunk's line */
	S_DONE,
	S_ERROR,
};

/* Sets the error and the error state; returns HTTP_ERROR. */
enum http_event	 http_fail(struct http_parser *, enum http_error);
/* The error a character that ends a part early means. */
enum http_error	 http_char_error(char, enum http_error);
/* How long a line and the unit that holds it may be, and what if not. */
struct http_bound {
	uint32_t	line_max;	/* without CRLF */
	uint32_t	unit_max;	/* the unit up to the line's LF */
	uint8_t		line_err;
	uint8_t		unit_err;
};

/*
 * The next line of the unit at buf[0, len), from p->line: 1 with its
 * offset and length (without CRLF) once it ends, and p->line moves past
 * it; 0 while more bytes are needed (p->scan remembers how far it
 * looked); -1 with the error set when it cannot end within its bounds or
 * ends in LF alone.
 */
int		 http_line(struct http_parser *, const char *buf, size_t len,
		    const struct http_bound *, uint32_t *start, uint32_t *n);
/* A field line (without CRLF) at offset off of the unit at base. */
int		 http_field_line(struct http_parser *, const char *base,
		    uint32_t off, uint32_t n, bool trailer);
/* Which field a name is, by its lowercase name. */
enum http_field_kind http_kind_of(const char *, size_t);
/* What one head field means; -1 with the error set. */
int		 http_field_meaning(struct http_parser *, const char *base,
		    const struct http_field *, bool tab_ows);
/* The rules across fields, then the framing; -1 with the error set. */
int		 http_head_finish(struct http_parser *);
enum http_event	 http_parse_body(struct http_parser *, const char *,
		    size_t, size_t *);
enum http_event	 http_parse_trailers(struct http_parser *, const char *,
		    size_t, size_t *);
/*
 * A Host value or an authority: RFC 3986 host [":" port], the host not
 * empty unless the whole value is, no userinfo.
 */
bool		 http_host_valid(const char *, size_t, bool need_port);
/* scheme "://" authority [path...]: the authority's parts. */
bool		 http_absolute_form(const char *, size_t,
		    struct http_slice *scheme, struct http_slice *authority);
/* Do an absolute-form target's authority and Host name the same? */
bool		 http_authority_same(struct http_slice scheme,
		    struct http_slice authority, struct http_slice host);

#endif /* HS_HTTP_PRIV_H */
