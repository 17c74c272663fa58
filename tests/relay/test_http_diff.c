/*
 * Differential test: our parser against llhttp on a corpus of valid and
 * invalid messages and of variants generated from them (a byte inserted,
 * replaced or deleted anywhere, a line repeated or ended by LF alone).
 * Where the two disagree, the difference must be one of our deliberate
 * strictness rules (we reject what llhttp lets through), or one of the
 * few listed messages we accept that llhttp refuses for reasons that are
 * not framing.  Two parsers that both accept a message must frame it the
 * same way: same messages, same bodies, ending at the same byte.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "relay/http_parser.h"
#include "tests/relay/llhttp_oracle.h"

/*
 * Our errors for messages llhttp (8.1, default mode) accepts, and why we
 * are stricter.  Each must show up in the corpus: the list is what the
 * test observes, no more.
 */
static const struct {
	enum http_error	 e;
	const char	*why;
} stricter[] = {
	{ HTTP_E_BARE_CR, "CR alone ends a line for llhttp (RFC 9112 2.2)" },
	{ HTTP_E_BARE_LF, "LF alone ends a line for llhttp (RFC 9112 2.2)" },
	{ HTTP_E_NUL, "NUL in a reason phrase" },
	{ HTTP_E_VERSION, "a request line without version (HTTP/0.9)" },
	{ HTTP_E_STATUS, "status line: one SP, 3 digits from 100" },
	{ HTTP_E_TARGET, "target form and characters; absolute-form only "
	  "http and https (RFC 9112 3.2)" },
	{ HTTP_E_FIELD_NAME, "empty field name (RFC 9110 5.1)" },
	{ HTTP_E_SPACE_BEFORE_COLON, "whitespace before the colon "
	  "(RFC 9112 5.1)" },
	{ HTTP_E_OBS_FOLD, "obs-fold, in requests and responses "
	  "(RFC 9112 5.2)" },
	{ HTTP_E_HOST_MISSING, "HTTP/1.1 without Host (RFC 9112 3.2)" },
	{ HTTP_E_HOST_REPEATED, "two Host fields (RFC 9112 3.2)" },
	{ HTTP_E_HOST_INVALID, "Host syntax (RFC 9110 7.2, RFC 3986)" },
	{ HTTP_E_HOST_MISMATCH, "Host unlike the absolute-form authority" },
	{ HTTP_E_CONNECTION, "Connection not a token list, or tabs around "
	  "it" },
	{ HTTP_E_CONTENT_LENGTH, "tabs around Content-Length (desync)" },
	{ HTTP_E_TE_SYNTAX, "Transfer-Encoding not a plain token list, or "
	  "tabs (desync)" },
	{ HTTP_E_TE_UNKNOWN, "unknown transfer coding in a request "
	  "(RFC 9112 6.1: 501)" },
	{ HTTP_E_TE_HTTP10, "Transfer-Encoding in HTTP/1.0 (RFC 9112 6.1)" },
	{ HTTP_E_NO_UPGRADE, "a 101 that names no protocol (RFC 9110 "
	  "15.2.2)" },
	{ HTTP_E_LENGTH_NOT_ALLOWED, "a length in a 1xx or 204: llhttp "
	  "reads a body there, RFC 9112 6.3 none" },
	{ HTTP_E_CHUNK_EXT, "chunk extension grammar, without BWS" },
	{ HTTP_E_CHUNK_CRLF, "chunk data not followed by CRLF "
	  "(RFC 9112 7.1)" },
	{ HTTP_E_TRUNCATED, "the close inside a message: llhttp ends a "
	  "head at a CR alone, or ignores a final CR" },
};

/* llhttp's refusals of messages we accept: none of them is framing. */
static const struct {
	const char	*name;		/* llhttp_errno_name() */
	const char	*reason;	/* its reason, NULL: any */
	bool		 folded;	/* only with identical lengths */
	const char	*why;
} lenient[] = {
	{ "HPE_INVALID_METHOD", NULL, false,
	  "extension methods: any token (RFC 9110 9.1); not framing" },
	{ "HPE_UNEXPECTED_CONTENT_LENGTH", "Duplicate Content-Length", true,
	  "identical Content-Length lines fold into one (RFC 9110 8.6): "
	  "one length, no ambiguity" },
};

#define NSTRICT		(sizeof(stricter) / sizeof(stricter[0]))
#define NLENIENT	(sizeof(lenient) / sizeof(lenient[0]))

struct tally {
	int	cases, agree, both_reject;
	int	stricter[NSTRICT];
	int	lenient[NLENIENT];
	int	failures;
};

struct side {
	struct http_parser	p;
	struct http_field	f[HTTP_FIELDS_MAX];
	struct buf		head, body, trailers;
	bool			chunked;
	struct buf		*out;
};

static void
put_fields(struct side *s, struct buf *to)
{
	struct http_slice	n, v;
	size_t			i;

	for (i = 0; i < http_nfields(&s->p); i++) {
		n = http_field_name(&s->p, i);
		v = http_field_value(&s->p, i);
		oracle_escape(to, n.p, n.len);
		buf_puts(to, ": ");
		oracle_escape(to, v.p, v.len);
		buf_puts(to, "; ");
	}
}

static void
put_head(struct side *s)
{
	const struct http_head	*h = &s->p.head;
	struct http_slice	 a, b;
	struct buf		 line;

	buf_init(&line, 1 << 20);
	if (s->p.kind == HTTP_REQUEST) {
		a = http_method(&s->p);
		b = http_target(&s->p);
		buf_printf(&line, "%.*s %.*s v%d", (int)a.len, a.p,
		    (int)b.len, b.p, h->version);
	} else {
		a = http_reason(&s->p);
		buf_printf(&line, "%d %.*s v%d", h->status, (int)a.len, a.p,
		    h->version);
	}
	buf_reset(&s->head);
	oracle_escape(&s->head, line.data, line.len);
	buf_puts(&s->head, " | ");
	put_fields(s, &s->head);
	buf_free(&line);
	buf_reset(&s->body);
	buf_reset(&s->trailers);
	s->chunked = h->framing == HTTP_BODY_CHUNKED;
}

/* The data of chunks our parser accepted (so well formed). */
static void
dechunk(const char *s, size_t n, struct buf *to)
{
	size_t		i = 0;
	uint64_t	size;

	while (i < n) {
		for (size = 0; i < n && s[i] != ';' && s[i] != '\r' &&
		    s[i] != ' ' && s[i] != '\t'; i++)
			size = size * 16 + (s[i] <= '9' ? s[i] - '0' :
			    (s[i] | 0x20) - 'a' + 10);
		while (i < n && s[i] != '\n')
			i++;
		i++;
		oracle_escape(to, s + i, size);
		i += size + 2;
	}
}

static void
put_message(struct side *s, size_t end)
{
	buf_printf(s->out, "%s| body=", buf_str(&s->head));
	if (s->chunked)
		dechunk(s->body.data, s->body.len, s->out);
	else
		oracle_escape(s->out, buf_str(&s->body), s->body.len);
	buf_printf(s->out, " | %s| end=%zu\n", buf_str(&s->trailers), end);
}

/* Where llhttp stops parsing HTTP: CONNECT, an upgrade, a 101. */
static bool
tunnel(const struct http_parser *p)
{
	unsigned	up = HTTP_UPGRADE | HTTP_CONN_UPGRADE;

	if (p->kind == HTTP_RESPONSE)
		return p->head.framing == HTTP_BODY_TUNNEL;
	return p->head.method_id == HTTP_M_CONNECT ||
	    (p->head.flags & up) == up;
}

static void
ours_run(bool request, bool head_request, const char *in, size_t len,
    struct buf *out, bool *folded)
{
	struct side	 s;
	enum http_event	 ev;
	size_t		 off = 0, used;
	bool		 close_body, done;

	memset(&s, 0, sizeof(s));
	buf_init(&s.head, 1 << 24);
	buf_init(&s.body, 1 << 24);
	buf_init(&s.trailers, 1 << 24);
	s.out = out;
	http_parser_init(&s.p, request ? HTTP_REQUEST : HTTP_RESPONSE, NULL,
	    s.f);
	http_parser_set_method(&s.p, head_request ? HTTP_M_HEAD : HTTP_M_GET);
	*folded = false;
	while ((ev = http_parse(&s.p, in + off, len - off, &used)) > 0) {
		if (ev == HTTP_HEAD) {
			put_head(&s);
			*folded |= (s.p.head.flags & HTTP_CL_FOLDED) != 0;
		} else if (ev == HTTP_BODY)
			buf_add(&s.body, in + off, used);
		else
			put_fields(&s, &s.trailers);
		off += used;
		/* A tunnel's head ends the HTTP part of the connection. */
		done = http_done(&s.p) || (ev == HTTP_HEAD &&
		    s.p.head.framing == HTTP_BODY_TUNNEL);
		if (done)
			put_message(&s, off);
		if (done && tunnel(&s.p)) {
			buf_puts(out, "TUNNEL\n");
			goto out;
		}
	}
	close_body = http_body_left(&s.p) == UINT64_MAX;
	if (ev == HTTP_ERROR || http_finish(&s.p) == -1)
		buf_printf(out, "ERROR %s\n",
		    http_error_str(http_error(&s.p)));
	else {
		if (close_body)
			put_message(&s, len);
		buf_puts(out, "OK\n");
	}
out:
	buf_free(&s.head);
	buf_free(&s.body);
	buf_free(&s.trailers);
}

struct base {
	bool		 request;
	bool		 head_request;	/* responses: to a HEAD */
	const char	*text;
};

static const struct base bases[] = {
	{ true, false, "GET /index.html?q=1 HTTP/1.1\r\nHost: example.com\r\n"
	  "User-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n" },
	{ true, false, "POST /form HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n"
	  "Content-Type: text/plain\r\n\r\nhelloGET / HTTP/1.1\r\nHost: h\r\n"
	  "\r\n" },
	{ true, false, "PUT /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: "
	  "chunked\r\n\r\n5;a=b\r\nhello\r\n1a\r\nabcdefghijklmnopqrstuvwxyz"
	  "\r\n0\r\nChecksum: 1\r\n\r\n" },
	{ true, false, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
	  "POST / HTTP/1.0\r\nContent-Length: 2\r\n\r\nok" },
	{ true, false, "GET http://a.example/x HTTP/1.1\r\nHost: a.example\r\n"
	  "\r\n" },
	{ true, false, "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n" },
	{ true, false, "GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n"
	  "Connection: Upgrade\r\n\r\n" },
	{ true, false, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n"
	  "Content-Length: 3\r\n\r\nabc" },
	{ true, false, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n"
	  "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" },
	{ true, false, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: "
	  "gzip, chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n" },
	{ true, false, "GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n" },
	{ true, false, "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
	  "Content-Length: 1\r\n\r\nx" },
	{ false, false, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
	  "Server: t\r\n\r\nhello" },
	{ false, false, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	  "4\r\nwiki\r\n5;x=\"y\"\r\npedia\r\n0\r\nExpires: 0\r\n\r\n" },
	{ false, false, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content"
	  "\r\n\r\nHTTP/1.1 304 Not Modified\r\n\r\n" },
	{ false, false, "HTTP/1.0 200 OK\r\nServer: t\r\n\r\nuntil the close" },
	{ false, true, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
	  "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\n" },
	{ false, false, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n"
	  "Connection: upgrade\r\n\r\nbytes" },
	{ false, false, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
	  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" },
	{ false, false, "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"
	  "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n" },
	{ false, false, "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n"
	  "hello" },
	{ true, false, "GET / HTTP/1.1\r\nHost: h\r\nhost: h\r\n\r\n" },
	{ true, false, "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n"
	  "\r\n1\r\nx\r\n0\r\n\r\n" },
};

#define NBASES	(sizeof(bases) / sizeof(bases[0]))

/* Bytes that matter to HTTP's grammar, for the variants. */
static const char	variant_bytes[] = " \t\r\n\0:;,=\"0aF-\x7f\x80/";

struct line {
	const char	*s;
	size_t		 n;
};

/* One message line: the last line of each side's description. */
static struct line
last_line(const struct buf *b)
{
	const char	*s = buf_str(b), *e = s + b->len - 1, *p = e;

	while (p > s && p[-1] != '\n')
		p--;
	return (struct line){ p, e - p };
}

static int
count_lines(const struct buf *b)
{
	const char	*s = buf_str(b);
	int		 n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

/* Leading message lines the two descriptions share. */
static int
same_messages(const struct buf *a, const struct buf *b)
{
	const char	*x = buf_str(a), *y = buf_str(b), *nx, *ny;
	int		 n = 0, ma = count_lines(a) - 1;
	int		 mb = count_lines(b) - 1;

	while (n < ma && n < mb) {
		nx = strchr(x, '\n');
		ny = strchr(y, '\n');
		if (nx - x != ny - y || memcmp(x, y, nx - x) != 0)
			break;
		x = nx + 1;
		y = ny + 1;
		n++;
	}
	return n;
}

static void
show(const char *what, const struct base *b, const char *in, size_t len,
    const struct buf *ours, const struct buf *ll)
{
	struct buf	e;

	buf_init(&e, 1 << 24);
	oracle_escape(&e, in, len);
	fprintf(stderr, "%s (%s%s):\n  input: %s\n  ours:\n%s  llhttp:\n%s",
	    what, b->request ? "request" : "response",
	    b->head_request ? " to HEAD" : "", buf_str(&e), buf_str(ours),
	    buf_str(ll));
	buf_free(&e);
}

static bool
count_stricter(struct tally *t, struct line v)
{
	size_t	i, n;

	for (i = 0; i < NSTRICT; i++) {
		n = strlen(http_error_str(stricter[i].e));
		if (v.n == 6 + n &&
		    memcmp(v.s + 6, http_error_str(stricter[i].e), n) == 0) {
			t->stricter[i]++;
			return true;
		}
	}
	return false;
}

static bool
count_lenient(struct tally *t, struct line v, bool folded)
{
	size_t	i, n;

	for (i = 0; i < NLENIENT; i++) {
		n = strlen(lenient[i].name);
		if (v.n < 7 + n || memcmp(v.s + 6, lenient[i].name, n) != 0)
			continue;
		if (lenient[i].reason != NULL && (v.n != 7 + n +
		    strlen(lenient[i].reason) || memcmp(v.s + 7 + n,
		    lenient[i].reason, v.n - 7 - n) != 0))
			continue;
		if (lenient[i].folded && !folded)
			continue;
		t->lenient[i]++;
		return true;
	}
	return false;
}

static bool
is_error(struct line v)
{
	return v.n >= 5 && memcmp(v.s, "ERROR", 5) == 0;
}

/* Which side completed fewer messages, or failed, and is that allowed. */
static bool
classify(struct tally *t, const struct buf *o, const struct buf *l,
    bool folded)
{
	int		no = count_lines(o) - 1, nl = count_lines(l) - 1;
	int		d = same_messages(o, l);
	struct line	vo = last_line(o), vl = last_line(l);
	bool		eo = is_error(vo), el = is_error(vl);

	if (d < no && d < nl)
		return false;		/* both framed a message, differently */
	if (no == nl && eo == el) {
		if (eo)
			t->both_reject++;
		else if (vo.n != vl.n || memcmp(vo.s, vl.s, vo.n) != 0)
			return false;
		else
			t->agree++;
		return true;
	}
	if (no < nl || (no == nl && eo))
		return eo && count_stricter(t, vo);
	return el && count_lenient(t, vl, folded);
}

static void
check_case(struct tally *t, const struct base *b, const char *in,
    size_t len)
{
	struct buf	o, l;
	bool		folded;

	buf_init(&o, 1 << 24);
	buf_init(&l, 1 << 24);
	ours_run(b->request, b->head_request, in, len, &o, &folded);
	oracle_run(b->request, b->head_request, in, len, &l);
	t->cases++;
	if (!classify(t, &o, &l, folded)) {
		if (t->failures++ < 20)
			show("disagreement", b, in, len, &o, &l);
	}
	buf_free(&o);
	buf_free(&l);
}

/* The base, then each byte inserted, replaced, deleted; lines varied. */
static void
check_variants(struct tally *t, const struct base *b)
{
	const char	*s = b->text;
	size_t		 n = strlen(s), i, c, nb = sizeof(variant_bytes) - 1;
	char		*v = malloc(2 * n + 2);

	assert_non_null(v);
	check_case(t, b, s, n);
	for (i = 0; i <= n; i++) {
		for (c = 0; c < nb; c++) {
			memcpy(v, s, i);
			v[i] = variant_bytes[c];
			memcpy(v + i + 1, s + i, n - i);
			check_case(t, b, v, n + 1);
			if (i == n)
				continue;
			memcpy(v, s, n);
			v[i] = variant_bytes[c];
			check_case(t, b, v, n);
		}
		if (i == n)
			continue;
		memcpy(v, s, i);
		memcpy(v + i, s + i + 1, n - i - 1);
		check_case(t, b, v, n - 1);
	}
	free(v);
}

/* One random edit of v[0, *n): a byte inserted, replaced or deleted. */
static void
random_edit(uint64_t *rng, char *v, size_t *n)
{
	uint64_t	r = *rng = *rng * 6364136223846793005ULL +
	    1442695040888963407ULL;
	size_t		at = (r >> 33) % (*n + 1);
	char		c = (r >> 8) % 4 == 0 ? (char)(r >> 16) :
	    variant_bytes[(r >> 16) % (sizeof(variant_bytes) - 1)];

	switch (r % 3) {
	case 0:
		memmove(v + at + 1, v + at, *n - at);
		v[at] = c;
		(*n)++;
		break;
	case 1:
		if (at < *n)
			v[at] = c;
		break;
	default:
		if (at < *n) {
			memmove(v + at, v + at + 1, *n - at - 1);
			(*n)--;
		}
		break;
	}
}

/* Variants two to four edits away from a base, any byte value. */
static void
check_random_variants(struct tally *t, const struct base *b, int count)
{
	size_t		 n0 = strlen(b->text), n;
	char		*v = malloc(n0 + 8);
	uint64_t	 rng = n0;
	int		 i, e;

	assert_non_null(v);
	for (i = 0; i < count; i++) {
		memcpy(v, b->text, n0);
		n = n0;
		for (e = 0; e < 2 + i % 3; e++)
			random_edit(&rng, v, &n);
		check_case(t, b, v, n);
	}
	free(v);
}

static void
test_llhttp_differential(void **state)
{
	struct tally	t;
	size_t		i;

	memset(&t, 0, sizeof(t));
	for (i = 0; i < NBASES; i++) {
		check_variants(&t, &bases[i]);
		check_random_variants(&t, &bases[i], 3000);
	}
	printf("diff cases=%d agree=%d both_reject=%d failures=%d\n",
	    t.cases, t.agree, t.both_reject, t.failures);
	for (i = 0; i < NSTRICT; i++)
		printf("diff stricter=\"%s\" cases=%d why=\"%s\"\n",
		    http_error_str(stricter[i].e), t.stricter[i],
		    stricter[i].why);
	for (i = 0; i < NLENIENT; i++)
		printf("diff lenient=\"%s%s%s\" cases=%d why=\"%s\"\n",
		    lenient[i].name, lenient[i].reason ? " " : "",
		    lenient[i].reason ? lenient[i].reason : "",
		    t.lenient[i], lenient[i].why);
	assert_int_equal(t.failures, 0);
	for (i = 0; i < NSTRICT; i++)
		assert_true(t.stricter[i] > 0);
	for (i = 0; i < NLENIENT; i++)
		assert_true(t.lenient[i] > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_llhttp_differential),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
