/* relay NAME { ... }: layer 7 listeners and where they forward to. */
#include <stdio.h>
#include <string.h>

#include "core/lb.h"
#include "core/parse_priv.h"

#define RELAY_TIMEOUT_MAX	2147483647U

static const struct {
	enum keyword	 kw;
	enum lb_mode	 mode;
} modes[] = {
	{ KW_ROUNDROBIN,	LB_ROUNDROBIN },
	{ KW_LOADBALANCE,	LB_LOADBALANCE },
	{ KW_HASH,		LB_HASH },
	{ KW_SOURCE_HASH,	LB_SOURCE_HASH },
	{ KW_RANDOM,		LB_RANDOM },
	{ KW_LEAST_STATES,	LB_LEAST_STATES },
};

/* listen on ADDR port PORT [ssl] */
static int
relay_listen(struct parser *p, struct relay_conf *r, struct relay_extra *x,
    const struct pos *at)
{
	struct listen_conf *l;

	if (p_expect(p, KW_ON) == -1)
		return -1;
	if (r->nlistens >= HS_LISTEN_MAX) {
		p_error_at(p, at, "relay %s: too many listeners (max %d)",
		    r->name, HS_LISTEN_MAX);
		return -1;
	}
	l = &r->listens[r->nlistens];
	memset(l, 0, sizeof(*l));
	if (p_address(p, l->name, sizeof(l->name), &l->addr) == -1 ||
	    p_expect(p, KW_PORT) == -1 || p_port(p, &l->port) == -1)
		return -1;
	l->ssl = p_accept(p, KW_SSL) || p_accept(p, KW_TLS);
	x->listen_at[r->nlistens++] = *at;
	return 0;
}

static int	relay_table_ref(struct parser *, struct relay_conf *,
		    struct relay_extra *);
static int	relay_with_tls(struct parser *, struct relay_conf *);

/* forward to ADDR port PORT [retry N], after "to" */
static int
relay_forward_addr(struct parser *p, struct relay_conf *r)
{
	struct forward_conf *f = &r->forward;

	if (p_address(p, f->name, sizeof(f->name), &f->addr) == -1 ||
	    p_expect(p, KW_PORT) == -1 || p_port(p, &f->port) == -1)
		return -1;
	if (p_accept(p, KW_RETRY) &&
	    p_number(p, 0, HS_RETRY_MAX, "retry", &f->retry) == -1)
		return -1;
	r->has_forward = true;
	return 0;
}

/* relayd's table target, <NAME>: a word in angle brackets */
static bool
p_at_table_ref(struct parser *p)
{
	const struct token	*t = TOK(p);

	return t->type == TOK_WORD && t->len > 2 && t->text[0] == '<' &&
	    t->text[t->len - 1] == '>';
}

/*
 * forward [with ssl|tls] to ADDR port PORT [retry N]
 * forward [with ssl|tls] to <TABLE> [port PORT] [MODE [KEY]] [retry N]
 * (the second is "table TABLE ... with ssl")
 */
static int
relay_forward(struct parser *p, struct relay_conf *r, struct relay_extra *x)
{
	if (relay_with_tls(p, r) == -1 || p_expect(p, KW_TO) == -1)
		return -1;
	if (p_at_table_ref(p))
		return relay_table_ref(p, r, x);
	return relay_forward_addr(p, r);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * A hash key as relayd writes it: 0x and 32 hex digits, or any other
 * text, hashed to 128 bits so that the same text gives the same key.
 */
static int
relay_key(struct parser *p, struct relay_conf *r)
{
	static const uint8_t	 k0[LB_KEY_LEN] = "hoststated key 0";
	static const uint8_t	 k1[LB_KEY_LEN] = "hoststated key 1";
	char			 text[HS_STR_MAX];
	struct pos		 at = p_pos(p);
	uint64_t		 h[2];
	size_t			 i, n;

	if (r->mode == LB_ROUNDROBIN || r->mode == LB_RANDOM ||
	    r->mode == LB_LEAST_STATES) {
		p_error(p, "key not supported by mode %s",
		    lb_mode_name(r->mode));
		return -1;
	}
	if (p_string(p, text, sizeof(text), "key") == -1)
		return -1;
	n = strlen(text);
	r->has_key = true;
	if (n < 2 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) {
		h[0] = lb_siphash(k0, text, n);
		h[1] = lb_siphash(k1, text, n);
		for (i = 0; i < HS_KEY_LEN; i++)
			r->key[i] = (uint8_t)(h[i / 8] >> (8 * (i % 8)));
		return 0;
	}
	for (i = 2; i < n && hexval(text[i]) >= 0; i++)
		;
	if (n != 2 + 2 * HS_KEY_LEN || i != n) {
		p_error_at(p, &at, "hex key must be 128 bits (32 hex "
		    "digits) long");
		return -1;
	}
	for (i = 0; i < HS_KEY_LEN; i++)
		r->key[i] = (uint8_t)(hexval(text[2 + 2 * i]) << 4 |
		    hexval(text[3 + 2 * i]));
	return 0;
}

/* [with ssl|tls]: TLS towards the hosts */
static int
relay_with_tls(struct parser *p, struct relay_conf *r)
{
	if (!p_accept(p, KW_WITH))
		return 0;
	if (!p_accept(p, KW_SSL) && !p_accept(p, KW_TLS)) {
		p_error(p, "syntax error: with ssl (or tls) expected");
		return -1;
	}
	r->forward_tls = true;
	return 0;
}

/* [retry N]: other hosts a failed connect tries */
static int
relay_retry(struct parser *p, uint32_t *retry)
{
	if (p_accept(p, KW_RETRY))
		return p_number(p, 0, HS_RETRY_MAX, "retry", retry);
	return 0;
}

/* [port PORT] [MODE [KEY]] [retry N], after a table's name */
static int
relay_table_opts(struct parser *p, struct relay_conf *r,
    struct relay_extra *x)
{
	size_t	 i;

	if (p_accept(p, KW_PORT) && p_port(p, &x->table_port) == -1)
		return -1;
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (p_accept(p, modes[i].kw)) {
			r->mode = modes[i].mode;
			if (p_at_string(p) && relay_key(p, r) == -1)
				return -1;
			break;
		}
	if (relay_retry(p, &r->retry) == -1 || relay_with_tls(p, r) == -1)
		return -1;
	return parse_table_use(p, true, false, r->id);
}

/* table NAME [port PORT] [MODE [KEY]] [retry N] [with ssl], after "table" */
static int
relay_table(struct parser *p, struct relay_conf *r, struct relay_extra *x)
{
	if (parse_ref(p, &x->table, "", "table") == -1)
		return -1;
	return relay_table_opts(p, r, x);
}

/* <NAME> [port PORT] [MODE [KEY]] [retry N], relayd's spelling */
static int
relay_table_ref(struct parser *p, struct relay_conf *r,
    struct relay_extra *x)
{
	const struct token	*t = TOK(p);

	if (t->len - 2 >= sizeof(x->table.name)) {
		p_error(p, "name too long: '%.64s...' (max %zu)", t->text,
		    sizeof(x->table.name) - 1);
		return -1;
	}
	memcpy(x->table.name, t->text + 1, t->len - 2);
	x->table.name[t->len - 2] = '\0';
	x->table.at = p_pos(p);
	x->table.set = true;
	p_next(p);
	return relay_table_opts(p, r, x);
}

/* ssl certificate "PATH" | ssl key "PATH" (or tls ...) */
static int
relay_ssl(struct parser *p, struct relay_conf *r)
{
	if (p_accept(p, KW_CERTIFICATE))
		return p_string(p, r->ssl_cert, sizeof(r->ssl_cert),
		    "certificate path");
	if (p_accept(p, KW_KEY))
		return p_string(p, r->ssl_key, sizeof(r->ssl_key), "key path");
	p_error(p, "syntax error: ssl certificate \"PATH\" or ssl key "
	    "\"PATH\" expected");
	return -1;
}

/* forward, table and service are the targets: one per relay */
static int
relay_target(struct parser *p, struct relay_conf *r, struct relay_extra *x)
{
	int		 rc;

	if (x->ntargets > 0) {
		p_error(p, "relay %s: more than one target (forward to, "
		    "table or service)", r->name);
		return -1;
	}
	if (p_accept(p, KW_FORWARD))
		rc = relay_forward(p, r, x);
	else if (p_accept(p, KW_TABLE))
		rc = relay_table(p, r, x);
	else {
		p_next(p);
		rc = parse_ref(p, &x->service, "", "service");
		if (rc == 0)
			rc = relay_retry(p, &r->retry);
		if (rc == 0)
			rc = relay_with_tls(p, r);
	}
	if (rc == 0)
		x->ntargets++;
	return rc;
}

static int
relay_stmt(struct parser *p, void *ctx)
{
	uint32_t	    id = *(uint32_t *)ctx;
	struct relay_conf  *r = &p->cfg->relays[id];
	struct relay_extra *x = &p->rx[id];
	struct pos	    at = p_pos(p);
	char		    owner[HS_NAME_MAX + 16];

	(void)snprintf(owner, sizeof(owner), "relay %s", r->name);
	if (p_accept(p, KW_LISTEN))
		return relay_listen(p, r, x, &at);
	if (p_accept(p, KW_PROTOCOL))
		return parse_ref(p, &x->protocol, owner, "protocol");
	if (p_is_kw(p, KW_FORWARD) || p_is_kw(p, KW_TABLE) ||
	    p_is_kw(p, KW_SERVICE))
		return relay_target(p, r, x);
	if (p_accept(p, KW_BACKUP)) {
		if (p_expect(p, KW_TABLE) == -1 ||
		    parse_ref(p, &x->backup, owner, "backup table") == -1)
			return -1;
		return parse_table_use(p, true, true, id);
	}
	if (p_accept(p, KW_TIMEOUT)) {
		x->has_timeout = true;
		return p_number(p, 1, RELAY_TIMEOUT_MAX, "timeout",
		    &r->timeout_s);
	}
	if (p_accept(p, KW_SESSIONS))
		return p_number(p, 1, HS_SESSIONS_MAX, "sessions",
		    &r->sessions);
	if (p_accept(p, KW_DISABLE)) {
		r->disabled = true;
		return 0;
	}
	if (p_accept(p, KW_SSL) || p_accept(p, KW_TLS))
		return relay_ssl(p, r);
	return p_unknown(p);
}

static int
relay_new(struct parser *p, const char *name, const struct pos *at)
{
	struct config	   *c = p->cfg;
	struct relay_conf  *r;
	struct relay_extra *x;
	size_t		    cap = p->rcap, i;

	if (c->nrelays >= HS_RELAYS_MAX) {
		p_error_at(p, at, "too many relays (max %d)", HS_RELAYS_MAX);
		return -1;
	}
	if ((r = p_grow(c->relays, &cap, c->nrelays, sizeof(*r))) == NULL)
		goto nomem;
	c->relays = r;
	if ((x = p_grow(p->rx, &p->rcap, c->nrelays, sizeof(*x))) == NULL)
		goto nomem;
	p->rx = x;
	r = &c->relays[c->nrelays];
	memset(r, 0, sizeof(*r));
	r->id = (uint32_t)c->nrelays;
	(void)snprintf(r->name, sizeof(r->name), "%s", name);
	r->protocol_id = HS_ID_NONE;
	r->table_id = HS_ID_NONE;
	r->backup_id = HS_ID_NONE;
	r->service_id = HS_ID_NONE;
	r->mode = LB_LOADBALANCE;
	r->timeout_s = HS_RELAY_TIMEOUT_DEFAULT;
	for (i = 0; i < HS_ROUTES_MAX; i++)
		r->route_table[i] = HS_ID_NONE;
	memset(&x[c->nrelays], 0, sizeof(*x));
	x[c->nrelays].at = *at;
	c->nrelays++;
	return 0;
nomem:
	p_error_at(p, at, "out of memory");
	return -1;
}

/* relay NAME { ... }, after "relay" */
int
parse_relay(struct parser *p)
{
	char		 name[HS_NAME_MAX];
	struct pos	 at = p_pos(p);
	uint32_t	 id;
	size_t		 i;

	if (p_name(p, name, sizeof(name), "relay name") == -1)
		return -1;
	for (i = 0; i < p->cfg->nrelays; i++)
		if (strcmp(p->cfg->relays[i].name, name) == 0) {
			p_error_at(p, &at, "relay %s defined twice", name);
			return -1;
		}
	if (relay_new(p, name, &at) == -1)
		return -1;
	id = (uint32_t)p->cfg->nrelays - 1;
	return p_block(p, relay_stmt, &id);
}
