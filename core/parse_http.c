/*
 * The HTTP parts of a protocol: its bounds and kept connections
 * (http { ... }) and its match rules, which send requests to other
 * tables; the rules' tables are resolved for each relay that uses the
 * protocol, as its own table is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/parse_priv.h"
#include "core/pattern.h"

static const struct {
	enum keyword	 kw;
	enum action_entity entity;
} route_entities[] = {
	{ KW_HEADER,	ENTITY_HEADER },
	{ KW_COOKIE,	ENTITY_COOKIE },
	{ KW_URL,	ENTITY_URL },
	{ KW_PATH,	ENTITY_PATH },
};

void
parse_http_defaults(struct http_opts *o)
{
	o->request_line = HS_HTTP_LINE_DEFAULT;
	o->header_line = HS_HTTP_LINE_DEFAULT;
	o->headerlen = HS_HTTP_HEAD_DEFAULT;
	o->headers = HS_HTTP_FIELDS_DEFAULT;
	o->chunk_line = HS_HTTP_CHUNK_DEFAULT;
	o->trailerlen = HS_HTTP_LINE_DEFAULT;
	o->keepalive = HS_HTTP_KEEPALIVE_DEFAULT;
	o->websockets = true;
}

/* request line N | header line N | chunk line N */
static int
http_line_opt(struct parser *p, struct http_opts *o)
{
	uint32_t	*v;
	const char	*what;

	if (p_accept(p, KW_REQUEST)) {
		v = &o->request_line;
		what = "request line";
	} else if (p_accept(p, KW_HEADER)) {
		v = &o->header_line;
		what = "header line";
	} else {
		p_next(p);	/* chunk */
		v = &o->chunk_line;
		what = "chunk line";
	}
	if (p_expect(p, KW_LINE) == -1)
		return -1;
	return p_number(p, 16, 65535, what, v);
}

static int
http_opt(struct parser *p, void *ctx)
{
	struct http_opts	*o = ctx;

	if (p_is_kw(p, KW_REQUEST) || p_is_kw(p, KW_HEADER) ||
	    p_is_kw(p, KW_CHUNK))
		return http_line_opt(p, o);
	if (p_accept(p, KW_HEADERLEN))
		return p_number(p, 256, HS_HTTP_HEAD_MAX, "headerlen",
		    &o->headerlen);
	if (p_accept(p, KW_HEADERS))
		return p_number(p, 1, 65535, "headers", &o->headers);
	if (p_accept(p, KW_TRAILERLEN))
		return p_number(p, 256, HS_HTTP_HEAD_MAX, "trailerlen",
		    &o->trailerlen);
	if (p_accept(p, KW_KEEPALIVE))
		return p_number(p, 0, HS_HTTP_KEEPALIVE_MAX, "keepalive",
		    &o->keepalive);
	if (p_accept(p, KW_WEBSOCKETS)) {
		o->websockets = true;
		return 0;
	}
	if (p_accept(p, KW_NO)) {
		if (p_expect(p, KW_WEBSOCKETS) == -1)
			return -1;
		o->websockets = false;
		return 0;
	}
	return p_unknown(p);
}

/* http { OPTION, ... } | http OPTION, after "http" */
int
parse_http_opts(struct parser *p, struct http_opts *o)
{
	if (TOK(p)->type == TOK_LBRACE)
		return p_block(p, http_opt, o);
	return http_opt(p, o);
}

static int
route_add(struct parser *p, struct protocol_conf *pr,
    const struct route_conf *r, const struct pos *at)
{
	struct route_conf	*n;
	struct route_ref	*x;
	size_t			 cnt = pr->nroutes;

	if (cnt >= HS_ROUTES_MAX) {
		p_error_at(p, at, "protocol %s: too many match rules (max %d)",
		    pr->name, HS_ROUTES_MAX);
		return -1;
	}
	if (cnt == 0 || (cnt & (cnt - 1)) == 0) {
		if ((n = realloc(pr->routes, (cnt < 2 ? 4 : cnt * 2) *
		    sizeof(*n))) == NULL)
			goto nomem;
		pr->routes = n;
	}
	if ((x = p_grow(p->rrefs, &p->rrcap, p->nrrefs, sizeof(*x))) == NULL)
		goto nomem;
	p->rrefs = x;
	x[p->nrrefs].proto = pr->id;
	x[p->nrrefs].idx = (uint32_t)cnt;
	x[p->nrrefs++].at = *at;
	pr->routes[pr->nroutes++] = *r;
	return 0;
nomem:
	p_error_at(p, at, "out of memory");
	return -1;
}

/* A pattern, checked: shell-style, as fnmatch(3) reads it. */
static int
route_pattern(struct parser *p, char *out, const char *what)
{
	struct pos	 at = p_pos(p);
	const char	*why;

	if (p_string(p, out, HS_STR_MAX, what) == -1)
		return -1;
	if (!pattern_valid(out, &why)) {
		p_error_at(p, &at, "invalid pattern \"%.64s\": %s", out, why);
		return -1;
	}
	return 0;
}

/* METHOD: a token as a request line has it. */
static int
route_method(struct parser *p, struct route_conf *r)
{
	const char	*s;

	if (p_name(p, r->method, sizeof(r->method), "method") == -1)
		return -1;
	for (s = r->method; *s != '\0'; s++)
		if (strchr("!#$%&'*+-.^_`|~", *s) == NULL &&
		    !(*s >= '0' && *s <= '9') && !(*s >= 'A' && *s <= 'Z') &&
		    !(*s >= 'a' && *s <= 'z')) {
			p_error(p, "invalid method %.32s", r->method);
			return -1;
		}
	return 0;
}

/* header|cookie|url "KEY" [value "PATTERN"] | path "PATTERN" | host "P" */
static int
route_entity(struct parser *p, struct route_conf *r)
{
	size_t	 i;

	if (p_accept(p, KW_HOST)) {
		r->has_entity = r->has_value = true;
		r->entity = ENTITY_HEADER;
		(void)snprintf(r->key, sizeof(r->key), "Host");
		return route_pattern(p, r->value, "host");
	}
	for (i = 0; i < sizeof(route_entities) / sizeof(route_entities[0]);
	    i++)
		if (p_accept(p, route_entities[i].kw))
			break;
	if (i == sizeof(route_entities) / sizeof(route_entities[0]))
		return 0;
	r->has_entity = true;
	r->entity = route_entities[i].entity;
	if (r->entity == ENTITY_PATH)
		return route_pattern(p, r->key, "path");
	if (p_string(p, r->key, sizeof(r->key), "key") == -1)
		return -1;
	if (!p_accept(p, KW_VALUE))
		return 0;
	r->has_value = true;
	return route_pattern(p, r->value, "value");
}

/* match [request] [method M] [ENTITY] forward to TABLE, after "match" */
int
parse_match(struct parser *p, struct protocol_conf *pr)
{
	struct route_conf	 r;
	struct pos		 at = p_pos(p);

	memset(&r, 0, sizeof(r));
	if (p_accept(p, KW_RESPONSE)) {
		p_error_at(p, &at, "match rules apply to requests only");
		return -1;
	}
	(void)p_accept(p, KW_REQUEST);
	if (p_accept(p, KW_METHOD) && route_method(p, &r) == -1)
		return -1;
	if (route_entity(p, &r) == -1)
		return -1;
	if (r.method[0] == '\0' && !r.has_entity) {
		p_error(p, "syntax error: method, host, header, cookie, url or "
		    "path expected");
		return -1;
	}
	if (p_expect(p, KW_FORWARD) == -1 || p_expect(p, KW_TO) == -1 ||
	    p_name(p, r.table, sizeof(r.table), "table name") == -1)
		return -1;
	return route_add(p, pr, &r, &at);
}

/* The rules need HTTP (not after syntax errors) and tables that exist. */
static void
check_routes(struct parser *p, size_t ndeclared, bool types)
{
	const struct protocol_conf	*pr;
	const struct route_ref		*x;
	size_t				 i;

	for (i = 0; i < p->nrrefs; i++) {
		x = &p->rrefs[i];
		pr = &p->cfg->protocols[x->proto];
		if (types && pr->type != PROTO_HTTP)
			p_error_at(p, &x->at, "protocol %s: match rules need "
			    "protocol http", pr->name);
		(void)parse_find_table(p, ndeclared, pr->routes[x->idx].table,
		    &x->at);
	}
}

void
parse_check_route_names(struct parser *p)
{
	check_routes(p, p->cfg->ntables, false);
}

static const struct protocol_conf *
relay_protocol(const struct parser *p, const struct relay_conf *r)
{
	if (r->protocol_id >= p->cfg->nprotocols)
		return NULL;
	return &p->cfg->protocols[r->protocol_id];
}

/* Tables that rules of a protocol in use name become templates too. */
void
parse_mark_route_tables(struct parser *p, size_t ndeclared)
{
	const struct protocol_conf	*pr;
	struct table_conf		*t;
	size_t				 i, j, k;

	for (i = 0; i < p->cfg->nrelays; i++) {
		if ((pr = relay_protocol(p, &p->cfg->relays[i])) == NULL)
			continue;
		for (j = 0; j < pr->nroutes; j++)
			for (k = 0; k < ndeclared; k++) {
				t = &p->cfg->tables[k];
				if (strcmp(t->name, pr->routes[j].table) != 0)
					continue;
				p->tx[k].used = true;
				t->template = !t->real_port;
			}
	}
}

/* The position of rule idx of protocol pid, for its errors. */
static const struct pos *
route_at(const struct parser *p, uint32_t pid, uint32_t idx)
{
	size_t	i;

	for (i = 0; i < p->nrrefs; i++)
		if (p->rrefs[i].proto == pid && p->rrefs[i].idx == idx)
			return &p->rrefs[i].at;
	return &p->px[pid];
}

/* Each relay's table for each rule: the table, or its copy for the port. */
static void
resolve_relay(struct parser *p, size_t ndeclared, uint32_t rid)
{
	struct relay_conf		*r = &p->cfg->relays[rid];
	const struct protocol_conf	*pr = relay_protocol(p, r);
	const struct pos		*at;
	uint32_t			 tid;
	uint16_t			 port;
	size_t				 j, k;

	for (j = 0; j < HS_ROUTES_MAX; j++)
		r->route_table[j] = HS_ID_NONE;
	for (j = 0; pr != NULL && j < pr->nroutes; j++) {
		for (k = 0, tid = HS_ID_NONE; k < ndeclared; k++)
			if (strcmp(p->cfg->tables[k].name,
			    pr->routes[j].table) == 0)
				tid = (uint32_t)k;
		if (tid == HS_ID_NONE)
			continue;	/* reported by check_routes */
		at = route_at(p, pr->id, (uint32_t)j);
		if (!p->cfg->tables[tid].real_port) {
			if ((port = parse_relay_port(p, rid)) == 0)
				continue;
			if ((tid = parse_table_copy(p, tid, port)) ==
			    HS_ID_NONE)
				continue;
		}
		if (p->cfg->tables[tid].nhosts == 0)
			p_error_at(p, at, "table %s has no hosts",
			    pr->routes[j].table);
		r->route_table[j] = tid;
	}
}

void
parse_validate_routes(struct parser *p, size_t ndeclared)
{
	size_t	i;

	check_routes(p, ndeclared, true);
	for (i = 0; i < p->cfg->nrelays; i++)
		resolve_relay(p, ndeclared, (uint32_t)i);
}
