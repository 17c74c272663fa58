/*
 * libFuzzer target for what a 101 may switch to: the input is an offer
 * (a request's Upgrade), a newline, and the protocols a 101 chose.
 * Whatever the bytes: a choice within the offer is within the offer
 * and itself together, and within itself; and through the parser (a
 * request and a 101 carrying them, when both parse) the answer is the
 * same as on the lists alone.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "relay/http_parser.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define TEXT_MAX	(3 * 8192 + 256)

static struct http_field	fields[2][HTTP_FIELDS_MAX];

static void __attribute__((noreturn))
broken(const char *why, struct http_slice o, struct http_slice c)
{
	fprintf(stderr, "upgrade: %s\noffer: %.*s\nchosen: %.*s\n", why,
	    (int)o.len, o.p, (int)c.len, c.p);
	abort();
}

/* A whole head of text parsed alone: true if it is one. */
static bool
parse(struct http_parser *p, enum http_kind kind, struct http_field *f,
    const char *text, size_t len)
{
	size_t	used;

	http_parser_init(p, kind, NULL, f);
	http_parser_set_method(p, HTTP_M_GET);
	return http_parse(p, text, len, &used) == HTTP_HEAD;
}

/* pre, the list as it is (NUL bytes too), post: its length. */
static size_t
head(char *out, const char *pre, struct http_slice v, const char *post)
{
	size_t	n = strlen(pre);

	memcpy(out, pre, n);
	memcpy(out + n, v.p, v.len);
	memcpy(out + n + v.len, post, strlen(post));
	return n + v.len + strlen(post);
}

static void
through_parser(struct http_slice o, struct http_slice c, bool among)
{
	static char		 req[TEXT_MAX], res[TEXT_MAX], offer[TEXT_MAX];
	struct http_parser	 pq, ps;
	size_t			 nq, ns;

	/* One field line each: a line end would make other fields. */
	if (memchr(o.p, '\r', o.len) != NULL ||
	    memchr(c.p, '\r', c.len) != NULL ||
	    memchr(c.p, '\n', c.len) != NULL)
		return;
	nq = head(req, "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: ", o,
	    "\r\nConnection: upgrade\r\n\r\n");
	ns = head(res, "HTTP/1.1 101 S\r\nUpgrade: ", c,
	    "\r\nConnection: upgrade\r\n\r\n");
	if (!parse(&pq, HTTP_REQUEST, fields[0], req, nq) ||
	    !parse(&ps, HTTP_RESPONSE, fields[1], res, ns))
		return;
	if (!http_upgrade_offer(&pq, offer, sizeof(offer)))
		broken("an offer that fits was not kept", o, c);
	if (http_upgrade_chosen(&ps, offer) != among)
		broken("the parser's answer differs", o, c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char		 both[2 * 8192 + 2];
	const char		*s = (const char *)data, *nl;
	struct http_slice	 o, c, oc;
	bool			 among;

	if (size > 8192 || (nl = memchr(s, '\n', size)) == NULL)
		return 0;
	o = (struct http_slice){ s, (size_t)(nl - s) };
	c = (struct http_slice){ nl + 1, size - o.len - 1 };
	among = http_upgrade_among(o, c);
	if (among && !http_upgrade_among(c, c))
		broken("a choice within an offer is not within itself", o, c);
	memcpy(both, o.p, o.len);
	both[o.len] = ',';
	memcpy(both + o.len + 1, c.p, c.len);
	oc = (struct http_slice){ both, o.len + 1 + c.len };
	if (among && !http_upgrade_among(oc, c))
		broken("a larger offer refuses a choice", o, c);
	through_parser(o, c, among);
	return 0;
}
