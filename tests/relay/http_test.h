/* Helpers for the HTTP parser's tests: parse a whole text, see the end. */
#ifndef HS_TEST_HTTP_H
#define HS_TEST_HTTP_H

#include <string.h>

#include "relay/http_parser.h"

struct http_outcome {
	enum http_error	error;		/* HTTP_E_NONE: no error */
	int		status;		/* what a relay would answer */
	int		messages;	/* messages that ended */
	int		heads;
};

/*
 * Feed text to a fresh parser in one piece, as far as it goes; with
 * eof, the connection then ends.  The parser is left for inspection.
 */
static inline struct http_outcome
http_feed(struct http_parser *p, enum http_kind kind, enum http_method m,
    struct http_field *fields, const char *text, size_t n, int eof)
{
	struct http_outcome	o = { HTTP_E_NONE, 0, 0, 0 };
	enum http_event		ev;
	size_t			off = 0, used;

	http_parser_init(p, kind, NULL, fields);
	http_parser_set_method(p, m);
	for (;;) {
		ev = http_parse(p, text + off, n - off, &used);
		off += used;
		if (ev == HTTP_ERROR || ev == HTTP_MORE)
			break;
		o.heads += ev == HTTP_HEAD;
		o.messages += http_done(p);
	}
	if (ev != HTTP_ERROR && eof) {
		int close_body = http_body_left(p) == UINT64_MAX;

		if (http_finish(p) == 0)
			o.messages += close_body;
	}
	o.error = http_error(p);
	o.status = http_error_status(p);
	return o;
}

#endif /* HS_TEST_HTTP_H */
