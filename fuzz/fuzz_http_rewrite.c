/*
 * libFuzzer target for a request head's rewrite: the head the parser
 * accepts goes through the hop-by-hop cut, the protocol's actions on
 * every entity (header, cookie, url, path; each op, with variables) and
 * the match rules, and what would be sent on must be a head the parser
 * accepts whole, without the fields that must not cross.  The first two
 * bytes choose which actions run; the rest is the request.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "relay/http_relay.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define A(d, e, o, k, v)	{ d, e, o, v != NULL, false, 403, k, 0, v, 0 }

static struct http_action all[] = {
	A(DIR_REQUEST, ENTITY_HEADER, ACTION_APPEND, "X-Forwarded-For",
	    "$REMOTE_ADDR:$REMOTE_PORT"),
	A(DIR_REQUEST, ENTITY_HEADER, ACTION_CHANGE, "X-Env",
	    "$HOST $SERVER_ADDR $SERVER_PORT $TIMEOUT $SERVER_NAME $NONE"),
	A(DIR_REQUEST, ENTITY_HEADER, ACTION_REMOVE, "X-Internal", NULL),
	A(DIR_REQUEST, ENTITY_HEADER, ACTION_CHANGE, "Connection", "close"),
	A(DIR_REQUEST, ENTITY_HEADER, ACTION_LOG, "User-Agent", NULL),
	A(DIR_REQUEST, ENTITY_HEADER, ACTION_FILTER, "X-Agent", "*evil*"),
	A(DIR_REQUEST, ENTITY_COOKIE, ACTION_CHANGE, "session", "s$HOST"),
	A(DIR_REQUEST, ENTITY_COOKIE, ACTION_REMOVE, "tracking", NULL),
	A(DIR_REQUEST, ENTITY_COOKIE, ACTION_APPEND, "added", "new"),
	A(DIR_REQUEST, ENTITY_COOKIE, ACTION_HASH, "sid", NULL),
	A(DIR_REQUEST, ENTITY_URL, ACTION_CHANGE, "page", "2"),
	A(DIR_REQUEST, ENTITY_URL, ACTION_REMOVE, "debug", NULL),
	A(DIR_REQUEST, ENTITY_URL, ACTION_APPEND, "relayed", "$REMOTE_PORT"),
	A(DIR_REQUEST, ENTITY_PATH, ACTION_CHANGE, "/old/*", "/new/"),
	A(DIR_REQUEST, ENTITY_PATH, ACTION_APPEND, "/page/*", ".html"),
	A(DIR_REQUEST, ENTITY_PATH, ACTION_REMOVE, "/strip/*", NULL),
	A(DIR_REQUEST, ENTITY_PATH, ACTION_LOG, "/*", NULL),
	A(DIR_REQUEST, ENTITY_URL, ACTION_EXPECT, "q", "*"),
};

static struct http_route routes[] = {
	{ NULL, true, ENTITY_HEADER, true, "Host", "api.*", 1 },
	{ NULL, true, ENTITY_PATH, false, "/static/*", NULL, 2 },
	{ "POST", true, ENTITY_COOKIE, true, "beta", "y*", 3 },
	{ NULL, true, ENTITY_URL, false, "down", NULL, 4 },
};

static void __attribute__((noreturn))
broken(const char *why, const char *head, size_t len)
{
	fprintf(stderr, "rewrite: %s\n%.*s\n", why, (int)len, head);
	abort();
}

/* The head sent on parses whole, and keeps no hop-by-hop field. */
static void
check_out(const char *head, size_t len)
{
	static struct http_field	 f[256];
	struct http_limits		 lim = { .head_max = 131072,
					    .fields_max = 256,
					    .field_line_max = 65536,
					    .start_line_max = 65536 };
	struct http_parser		 p;
	size_t				 used, i;

	http_parser_init(&p, HTTP_REQUEST, &lim, f);
	if (http_parse(&p, head, len, &used) != HTTP_HEAD || used != len)
		broken(http_error_str(http_error(&p)), head, len);
	for (i = 0; i < http_nfields(&p); i++)
		switch (http_field_kind(&p, i)) {
		case HTTP_F_KEEP_ALIVE:
		case HTTP_F_PROXY_CONNECTION:
		case HTTP_F_TE:
		case HTTP_F_UPGRADE:
			broken("a hop-by-hop field crossed", head, len);
		default:
			break;
		}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct http_field	 fields[100];
	static struct http_action	 acts[sizeof(all) / sizeof(all[0])];
	static struct http_work		 w;
	static char			 out[131072], logged[512];
	static struct relay_rt		 rt;
	struct http_proto		 pr;
	struct http_parser		 p;
	struct http_xchg		 x;
	struct session			 s;
	struct hbuf			 b = { out, 0, 0, sizeof(out) };
	struct http_slice		 m;
	char				 line[70000];
	size_t				 i, used, n = 0, ln;
	unsigned			 pick;

	if (size < 2)
		return 0;
	pick = data[0] | data[1] << 8;
	if (w.str == NULL && (w.str = malloc(HTTP_WORK_STR)) == NULL)
		abort();
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		all[i].keylen = strlen(all[i].key);
		all[i].valuelen = all[i].value != NULL ?
		    strlen(all[i].value) : 0;
		all[i].vars = all[i].value != NULL &&
		    strchr(all[i].value, '$') != NULL;
		if (pick & 1u << (i % 16))
			acts[n++] = all[i];
	}
	memset(&pr, 0, sizeof(pr));
	pr.actions = acts;
	pr.nactions = n;
	http_parser_init(&p, HTTP_REQUEST, NULL, fields);
	if (http_parse(&p, (const char *)data + 2, size - 2, &used) !=
	    HTTP_HEAD)
		return 0;
	memset(&s, 0, sizeof(s));
	rt.tune.timeout_ms = 77000;
	s.rt = &rt;
	(void)addr_parse("192.0.2.1", &s.caddr);
	(void)addr_parse("2001:db8::1", &s.laddr);
	s.cport = 40000;
	s.lport = 8080;
	memset(&x, 0, sizeof(x));
	x.proto = &pr;
	m = http_method(&p);
	(void)http_safe_copy(x.m, sizeof(x.m), m.p, m.len);
	work_start(&w, logged);
	logged[0] = '\0';
	if (work_fields(&w, &p, false) == -1)
		return 0;
	work_target(&w, http_target(&p));
	if (http_actions(&s, &x, &w, DIR_REQUEST) == -1 || w.blocked != 0)
		return 0;
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		(void)http_route_matches(&s, &routes[i], &w, &x);
	ln = (size_t)snprintf(line, sizeof(line), "%.*s %.*s%s%.*s HTTP/1.%c",
	    (int)m.len, m.p, (int)w.pathlen, w.path, w.query != NULL ? "?" :
	    "", w.query != NULL ? (int)w.querylen : 0, w.query != NULL ?
	    w.query : "", p.head.version == 10 ? '0' : '1');
	if (ln >= sizeof(line) || work_head(&w, &b, line, ln) == -1)
		return 0;
	check_out(out, b.len);
	return 0;
}
