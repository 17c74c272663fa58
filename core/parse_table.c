/* table NAME { ... }: hosts, a check, and the table's own options. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/parse_priv.h"
#include "core/pattern.h"

/* Room for ":65535" in the name of a per-port copy. */
#define TABLE_NAME_MAX	(HS_NAME_MAX - 6)

static struct table_conf *
table_of(struct parser *p, void *ctx)
{
	return &p->cfg->tables[*(uint32_t *)ctx];
}

static int
host_add(struct parser *p, struct table_conf *t, const struct host_conf *h,
    const struct pos *at)
{
	struct config	*c = p->cfg;
	struct host_conf *hosts;
	struct pos	*hx;
	uint32_t	*ids;
	size_t		 n = t->nhosts, cap = p->hcap;

	if (c->nhosts >= HS_HOSTS_MAX) {
		p_error_at(p, at, "too many hosts (max %d)", HS_HOSTS_MAX);
		return -1;
	}
	if ((hosts = p_grow(c->hosts, &cap, c->nhosts,
	    sizeof(*hosts))) == NULL)
		goto nomem;
	c->hosts = hosts;
	if ((hx = p_grow(p->hx, &p->hcap, c->nhosts, sizeof(*hx))) == NULL)
		goto nomem;
	p->hx = hx;
	hx[c->nhosts] = *at;
	if (n == 0 || (n & (n - 1)) == 0) {
		if ((ids = realloc(t->host_ids, (n < 2 ? 4 : n * 2) *
		    sizeof(*ids))) == NULL)
			goto nomem;
		t->host_ids = ids;
	}
	hosts[c->nhosts] = *h;
	hosts[c->nhosts].id = (uint32_t)c->nhosts;
	hosts[c->nhosts].table_id = t->id;
	t->host_ids[t->nhosts++] = (uint32_t)c->nhosts++;
	return 0;
nomem:
	p_error(p, "out of memory");
	return -1;
}

/* host ADDR [retry N] [weight N] */
static int
table_host(struct parser *p, struct table_conf *t)
{
	struct host_conf h;
	struct pos	 at = p_pos(p);

	memset(&h, 0, sizeof(h));
	h.weight = 1;
	if (p_address(p, h.name, sizeof(h.name), &h.addr) == -1)
		return -1;
	for (;;) {
		if (p_accept(p, KW_RETRY)) {
			if (p_number(p, 0, HS_RETRY_MAX, "retry",
			    &h.retry) == -1)
				return -1;
		} else if (p_accept(p, KW_WEIGHT)) {
			if (p_number(p, 1, HS_WEIGHT_MAX, "weight",
			    &h.weight) == -1)
				return -1;
		} else
			break;
	}
	return host_add(p, t, &h, &at);
}

static int
check_digest(struct parser *p, struct check_conf *ck)
{
	struct pos	 at = p_pos(p);
	char		 hex[HS_STR_MAX];
	size_t		 i, n;

	if (p_string(p, hex, sizeof(hex), "digest") == -1)
		return -1;
	n = strlen(hex);
	for (i = 0; i < n; i++) {
		if (hex[i] >= 'A' && hex[i] <= 'F')
			hex[i] = (char)(hex[i] - 'A' + 'a');
		if (!((hex[i] >= '0' && hex[i] <= '9') ||
		    (hex[i] >= 'a' && hex[i] <= 'f')))
			break;
	}
	ck->digest_type = n == 32 ? DIGEST_MD5 : n == 40 ? DIGEST_SHA1 :
	    n == 64 ? DIGEST_SHA256 : n == 128 ? DIGEST_SHA512 : DIGEST_NONE;
	if (i < n || ck->digest_type == DIGEST_NONE) {
		p_error_at(p, &at, "invalid digest \"%.64s\": 32, 40, 64 or "
		    "128 hex digits expected", hex);
		return -1;
	}
	memcpy(ck->digest, hex, n + 1);
	ck->type = CHECK_HTTP_DIGEST;
	return 0;
}

/* check http|https "PATH" [host NAME] code N | digest "HEX" */
static int
check_http(struct parser *p, struct check_conf *ck)
{
	const char	*m = ck->tls ? "https" : "http";
	uint32_t	 code;

	if (!p_at_string(p)) {
		p_error(p, "check %s: missing path (check %s \"PATH\" "
		    "[host NAME] code N | digest \"HEX\")", m, m);
		return -1;
	}
	if (p_string(p, ck->path, sizeof(ck->path), "path") == -1)
		return -1;
	if (p_accept(p, KW_HOST) &&
	    p_name(p, ck->host, sizeof(ck->host), "host name") == -1)
		return -1;
	if (p_accept(p, KW_CODE)) {
		if (p_number(p, 100, 999, "http code", &code) == -1)
			return -1;
		ck->code = (int)code;
		ck->type = CHECK_HTTP_CODE;
		return 0;
	}
	if (p_accept(p, KW_DIGEST))
		return check_digest(p, ck);
	p_error(p, "check %s: missing code N or digest \"HEX\"", m);
	return -1;
}

/* check send "DATA" expect "PATTERN" [ssl] */
static int
check_send(struct parser *p, struct check_conf *ck)
{
	struct pos	 at;
	const char	*why;

	if (!p_at_string(p)) {
		p_error(p, "check send: missing data (check send \"DATA\" "
		    "expect \"PATTERN\" [ssl])");
		return -1;
	}
	if (p_cstring(p, ck->send, sizeof(ck->send), "send data") == -1)
		return -1;
	if (!p_is_kw(p, KW_EXPECT)) {
		p_error(p, "check send: missing expect \"PATTERN\"");
		return -1;
	}
	p_next(p);
	at = p_pos(p);
	if (p_cstring(p, ck->expect, sizeof(ck->expect), "expect pattern")
	    == -1)
		return -1;
	if (!pattern_valid(ck->expect, &why)) {
		p_error_at(p, &at, "invalid pattern \"%.64s\": %s", ck->expect,
		    why);
		return -1;
	}
	ck->tls = p_accept(p, KW_SSL);
	ck->type = CHECK_SEND_EXPECT;
	return 0;
}

/* A script that cannot run now is allowed (it may be installed later). */
static void
script_warn(struct parser *p, const struct pos *at, const char *path)
{
	const char	*why;

	if (p->opts->script_problem == NULL || p->opts->warnings == NULL ||
	    (why = p->opts->script_problem(p->opts->script_problem_arg,
	    path)) == NULL)
		return;
	buf_printf(p->opts->warnings, "%s:%d: warning: check script %s: %s\n",
	    at->file, at->line, path, why);
}

static int
check_script(struct parser *p, struct check_conf *ck)
{
	struct pos	 at = p_pos(p);

	if (!p_at_string(p)) {
		p_error(p, "check script: missing path (check script "
		    "\"/PATH\")");
		return -1;
	}
	if (p_string(p, ck->path, sizeof(ck->path), "script path") == -1)
		return -1;
	if (ck->path[0] != '/') {
		p_error_at(p, &at, "check script: path %.64s is not absolute",
		    ck->path);
		return -1;
	}
	ck->type = CHECK_SCRIPT;
	script_warn(p, &at, ck->path);
	return 0;
}

static int
check_method(struct parser *p, struct check_conf *ck)
{
	enum keyword	 kw = TOK(p)->type == TOK_WORD ? TOK(p)->kw : KW_NONE;

	if (kw == KW_ICMP || kw == KW_TCP || kw == KW_SSL) {
		p_next(p);
		ck->type = kw == KW_ICMP ? CHECK_ICMP : kw == KW_TCP ?
		    CHECK_TCP : CHECK_TLS;
		ck->tls = kw == KW_SSL;
		return 0;
	}
	if (kw == KW_HTTP || kw == KW_HTTPS) {
		p_next(p);
		ck->tls = kw == KW_HTTPS;
		return check_http(p, ck);
	}
	if (p_accept(p, KW_SEND))
		return check_send(p, ck);
	if (p_accept(p, KW_SCRIPT))
		return check_script(p, ck);
	if (TOK(p)->type == TOK_ERROR)
		return -1;
	p_error(p, "check: missing or unknown method %s%s%s (icmp, tcp, ssl, "
	    "http, https, send or script)", TOK(p)->type == TOK_WORD ? "'" :
	    "", p_tokdesc(p), TOK(p)->type == TOK_WORD ? "'" : "");
	return -1;
}

static int
table_check(struct parser *p, uint32_t id)
{
	struct check_conf ck;
	struct table_conf *t = &p->cfg->tables[id];
	struct pos	 at = p_pos(p);

	memset(&ck, 0, sizeof(ck));
	if (check_method(p, &ck) == -1)
		return -1;
	if (p->tx[id].has_check) {
		p_error_at(p, &at, "table %s: check already set", t->name);
		return -1;
	}
	p->tx[id].has_check = true;
	t->check = ck;
	return 0;
}

static int
table_stmt(struct parser *p, void *ctx)
{
	uint32_t	   id = *(uint32_t *)ctx;
	struct table_conf *t = table_of(p, ctx);
	struct table_extra *x = &p->tx[id];

	if (p_accept(p, KW_HOST))
		return table_host(p, t);
	if (p_accept(p, KW_REAL)) {
		if (p_expect(p, KW_PORT) == -1 || p_port(p, &t->port) == -1)
			return -1;
		t->real_port = true;
		return 0;
	}
	if (p_accept(p, KW_CHECK))
		return table_check(p, id);
	if (p_accept(p, KW_TIMEOUT)) {
		x->has_timeout = true;
		return p_number(p, 1, HS_TIMEOUT_MAX, "timeout",
		    &t->timeout_ms);
	}
	if (p_accept(p, KW_INTERVAL)) {
		x->has_interval = true;
		return p_number(p, 1, HS_INTERVAL_MAX, "interval",
		    &t->interval_s);
	}
	if (p_accept(p, KW_DISABLE)) {
		t->disabled = true;
		return 0;
	}
	if (p_accept(p, KW_DEMOTE))
		return p_name(p, t->demote, sizeof(t->demote), "demote group");
	return p_unknown(p);
}

static int
table_new(struct parser *p, const char *name, const struct pos *at)
{
	struct config	   *c = p->cfg;
	struct table_conf  *t;
	struct table_extra *x;
	size_t		    cap = p->tcap;

	if (c->ntables >= HS_TABLES_MAX) {
		p_error_at(p, at, "too many tables (max %d)", HS_TABLES_MAX);
		return -1;
	}
	if ((t = p_grow(c->tables, &cap, c->ntables, sizeof(*t))) == NULL)
		goto nomem;
	c->tables = t;
	if ((x = p_grow(p->tx, &p->tcap, c->ntables, sizeof(*x))) == NULL)
		goto nomem;
	p->tx = x;
	t = &c->tables[c->ntables];
	memset(t, 0, sizeof(*t));
	t->id = (uint32_t)c->ntables;
	(void)snprintf(t->name, sizeof(t->name), "%s", name);
	(void)snprintf(t->base, sizeof(t->base), "%s", name);
	t->copy_of = HS_ID_NONE;
	memset(&x[c->ntables], 0, sizeof(*x));
	x[c->ntables].at = *at;
	c->ntables++;
	return 0;
nomem:
	p_error_at(p, at, "out of memory");
	return -1;
}

/* table NAME { ... }, after "table" */
int
parse_table(struct parser *p)
{
	char		 name[HS_NAME_MAX];
	struct pos	 at = p_pos(p);
	uint32_t	 id;
	size_t		 i;

	if (p_name(p, name, TABLE_NAME_MAX, "table name") == -1)
		return -1;
	if (strchr(name, ':') != NULL) {
		p_error_at(p, &at, "invalid table name %s: ':' is reserved "
		    "for the port of a copy", name);
		return -1;
	}
	for (i = 0; i < p->cfg->ntables; i++)
		if (strcmp(p->cfg->tables[i].name, name) == 0) {
			p_error_at(p, &at, "table %s defined twice", name);
			return -1;
		}
	if (table_new(p, name, &at) == -1)
		return -1;
	id = (uint32_t)p->cfg->ntables - 1;
	return p_block(p, table_stmt, &id);
}

/* A host of a template, again in a per-port copy, with an id of its own. */
int
parse_copy_host(struct parser *p, struct table_conf *copy, uint32_t hid)
{
	struct host_conf h = p->cfg->hosts[hid];
	struct pos	 at = p->hx[hid];

	return host_add(p, copy, &h, &at);
}

struct host_key {
	const char	*name;
	uint32_t	 id;
};

static int
host_key_cmp(const void *a, const void *b)
{
	const struct host_key	*x = a, *y = b;
	int			 c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The same host twice in a table: sorted by name, in n log n. */
void
parse_check_hosts(struct parser *p, size_t ndeclared)
{
	const struct table_conf	*t;
	struct host_key		*keys;
	size_t			 i, j;

	for (i = 0; i < ndeclared; i++) {
		t = &p->cfg->tables[i];
		if (t->nhosts < 2)
			continue;
		if ((keys = calloc(t->nhosts, sizeof(*keys))) == NULL) {
			p_error_at(p, &p->tx[i].at, "out of memory");
			return;
		}
		for (j = 0; j < t->nhosts; j++) {
			keys[j].id = t->host_ids[j];
			keys[j].name = p->cfg->hosts[keys[j].id].name;
		}
		qsort(keys, t->nhosts, sizeof(*keys), host_key_cmp);
		for (j = 1; j < t->nhosts; j++)
			if (strcmp(keys[j - 1].name, keys[j].name) == 0)
				p_error_at(p, &p->hx[keys[j].id], "host %s "
				    "defined twice in table %s", keys[j].name,
				    t->name);
		free(keys);
	}
}
