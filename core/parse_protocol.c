/* protocol NAME { ... }: the type, HTTP actions, TCP and SSL options. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/parse_priv.h"
#include "core/pattern.h"
#include "core/tls_conf.h"

#define TCP_BACKLOG_MAX		512
#define TCP_BUFSIZE_MAX		(16 * 1024 * 1024)
#define SSL_CACHE_MAX		1000000

static const struct {
	enum keyword	 kw;
	enum action_entity entity;
} entities[] = {
	{ KW_HEADER,	ENTITY_HEADER },
	{ KW_COOKIE,	ENTITY_COOKIE },
	{ KW_URL,	ENTITY_URL },
	{ KW_PATH,	ENTITY_PATH },
};

static int
action_add(struct parser *p, struct protocol_conf *pr,
    const struct action_conf *a)
{
	struct action_conf	*n;
	size_t			 cnt = pr->nactions;

	if (cnt >= HS_ACTIONS_MAX) {
		p_error(p, "protocol %s: too many actions (max %d)", pr->name,
		    HS_ACTIONS_MAX);
		return -1;
	}
	if (cnt == 0 || (cnt & (cnt - 1)) == 0) {
		if ((n = realloc(pr->actions, (cnt < 2 ? 4 : cnt * 2) *
		    sizeof(*n))) == NULL) {
			p_error(p, "out of memory");
			return -1;
		}
		pr->actions = n;
	}
	pr->actions[pr->nactions++] = *a;
	return 0;
}

/* "A" SEP "B": a into first, b into second */
static int
action_pair(struct parser *p, enum keyword sep, char *first, char *second)
{
	if (p_string(p, first, HS_STR_MAX, "string") == -1 ||
	    p_expect(p, sep) == -1 ||
	    p_string(p, second, HS_STR_MAX, "string") == -1)
		return -1;
	return 0;
}

/* [status N] after expect and filter: the answer when they block. */
static int
action_status(struct parser *p, struct action_conf *a)
{
	uint32_t	 n;

	if (!p_accept(p, KW_STATUS))
		return 0;
	if (p_number(p, 400, 599, "status", &n) == -1)
		return -1;
	a->status = (uint16_t)n;
	return 0;
}

/* What an action compares is a pattern (a path's key too): valid. */
static int
action_pattern(struct parser *p, const struct action_conf *a,
    const struct pos *at)
{
	const char	*why;

	if ((a->op == ACTION_EXPECT || a->op == ACTION_FILTER) &&
	    a->has_value && !pattern_valid(a->value, &why))
		goto bad;
	if (a->entity == ENTITY_PATH && !pattern_valid(a->key, &why))
		goto bad;
	return 0;
bad:
	p_error_at(p, at, "invalid pattern: %s", why);
	return -1;
}

/* The operation of an action, after its entity. */
static int
action_op(struct parser *p, struct action_conf *a)
{
	enum keyword	 kw = TOK(p)->type == TOK_WORD ? TOK(p)->kw : KW_NONE;

	p_next(p);
	a->has_value = kw == KW_APPEND || kw == KW_CHANGE || kw == KW_FILTER;
	switch (kw) {
	case KW_APPEND:
		a->op = ACTION_APPEND;
		return action_pair(p, KW_TO, a->value, a->key);
	case KW_CHANGE:
		a->op = ACTION_CHANGE;
		return action_pair(p, KW_TO, a->key, a->value);
	case KW_FILTER:
		a->op = ACTION_FILTER;
		if (action_pair(p, KW_FROM, a->value, a->key) == -1)
			return -1;
		return action_status(p, a);
	case KW_EXPECT:
		/* expect "KEY" | expect "VALUE" from "KEY" */
		a->op = ACTION_EXPECT;
		if (p_string(p, a->key, HS_STR_MAX, "string") == -1)
			return -1;
		if (p_accept(p, KW_FROM)) {
			memcpy(a->value, a->key, sizeof(a->value));
			a->has_value = true;
			if (p_string(p, a->key, HS_STR_MAX, "string") == -1)
				return -1;
		}
		return action_status(p, a);
	case KW_REMOVE:
	case KW_HASH:
	case KW_LOG:
		a->op = kw == KW_REMOVE ? ACTION_REMOVE : kw == KW_HASH ?
		    ACTION_HASH : ACTION_LOG;
		return p_string(p, a->key, HS_STR_MAX, "string");
	default:
		p_error(p, "syntax error: append, change, remove, expect, "
		    "filter, hash or log expected");
		return -1;
	}
}

/* [request|response] header|cookie|url|path ACTION */
static int
protocol_action(struct parser *p, struct protocol_conf *pr)
{
	struct action_conf a;
	struct pos	   at = p_pos(p);
	size_t		   i;

	memset(&a, 0, sizeof(a));
	a.dir = DIR_REQUEST;
	if (p_accept(p, KW_RESPONSE))
		a.dir = DIR_RESPONSE;
	else
		(void)p_accept(p, KW_REQUEST);
	for (i = 0; i < sizeof(entities) / sizeof(entities[0]); i++)
		if (p_accept(p, entities[i].kw))
			break;
	if (i == sizeof(entities) / sizeof(entities[0])) {
		p_error(p, "syntax error: header, cookie, url or path expected");
		return -1;
	}
	a.entity = entities[i].entity;
	if (action_op(p, &a) == -1 || action_pattern(p, &a, &at) == -1)
		return -1;
	/* The parser frames messages with these: nothing else may. */
	if (a.entity == ENTITY_HEADER && a.op <= ACTION_REMOVE &&
	    (strcasecmp(a.key, "Content-Length") == 0 ||
	    strcasecmp(a.key, "Transfer-Encoding") == 0)) {
		p_error_at(p, &at, "header %s frames the message: append, "
		    "change and remove cannot touch it", a.key);
		return -1;
	}
	/* A response has no cookie, url or path; its host is chosen. */
	if (a.dir == DIR_RESPONSE && (a.entity != ENTITY_HEADER ||
	    a.op == ACTION_HASH)) {
		p_error_at(p, &at, "%s actions apply to requests only",
		    a.op == ACTION_HASH ? "hash" :
		    lex_keyword_text(entities[i].kw));
		return -1;
	}
	return action_add(p, pr, &a);
}

static int
tcp_flag(struct parser *p, struct tcp_opts *o, bool on)
{
	uint32_t	 flag;

	if (p_accept(p, KW_NODELAY))
		flag = TCPOPT_NODELAY;
	else if (p_accept(p, KW_SACK))
		flag = TCPOPT_SACK;
	else if (p_accept(p, KW_SPLICE))
		flag = TCPOPT_SPLICE;
	else {
		p_error(p, "syntax error: nodelay, sack or splice expected");
		return -1;
	}
	o->set |= flag;
	if (on)
		o->on |= flag;
	else
		o->on &= ~flag;
	return 0;
}

static int
tcp_opt(struct parser *p, void *ctx)
{
	struct tcp_opts	*o = ctx;

	if (p_accept(p, KW_SESSION)) {
		o->set |= TCPOPT_SESSION_BUFFER;
		if (p_expect(p, KW_BUFFER) == -1)
			return -1;
		return p_number(p, HS_SESSION_BUFFER_MIN,
		    HS_SESSION_BUFFER_MAX, "session buffer",
		    &o->session_buffer);
	}
	if (p_accept(p, KW_BACKLOG)) {
		o->set |= TCPOPT_BACKLOG;
		return p_number(p, 1, TCP_BACKLOG_MAX, "backlog", &o->backlog);
	}
	if (p_accept(p, KW_SOCKET)) {
		o->set |= TCPOPT_BUFSIZE;
		if (p_expect(p, KW_BUFFER) == -1)
			return -1;
		return p_number(p, 1, TCP_BUFSIZE_MAX, "socket buffer",
		    &o->bufsize);
	}
	if (p_accept(p, KW_IP)) {
		if (p_accept(p, KW_TTL)) {
			o->set |= TCPOPT_TTL;
			return p_number(p, 1, 255, "ip ttl", &o->ttl);
		}
		if (p_expect(p, KW_MINTTL) == -1)
			return -1;
		o->set |= TCPOPT_MINTTL;
		return p_number(p, 1, 255, "ip minttl", &o->minttl);
	}
	if (p_accept(p, KW_NO))
		return tcp_flag(p, o, false);
	if (p_is_kw(p, KW_NODELAY) || p_is_kw(p, KW_SACK) ||
	    p_is_kw(p, KW_SPLICE))
		return tcp_flag(p, o, true);
	return p_unknown(p);
}

static int
ssl_version(struct parser *p, struct ssl_opts *o, bool on)
{
	static const struct {
		enum keyword	 kw;
		uint32_t	 flag;
	} v[] = {
		{ KW_SSLV2, SSLOPT_SSLV2 }, { KW_SSLV3, SSLOPT_SSLV3 },
		{ KW_TLSV1, SSLOPT_TLSV1 }, { KW_TLSV1_2, SSLOPT_TLSV1_2 },
		{ KW_TLSV1_3, SSLOPT_TLSV1_3 },
	};
	size_t	 i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (p_accept(p, v[i].kw)) {
			o->set |= v[i].flag;
			if (on)
				o->on |= v[i].flag;
			else
				o->on &= ~v[i].flag;
			return 0;
		}
	if (!on) {
		p_error(p, "syntax error: sslv2, sslv3, tlsv1, tlsv1.2, "
		    "tlsv1.3 or session tickets expected");
		return -1;
	}
	return p_unknown(p);
}

/* A file the daemon reads when it loads the configuration. */
static int
ssl_readable(struct parser *p, const struct pos *at, const char *what,
    const char *path)
{
	if (p->opts->readable != NULL &&
	    p->opts->readable(p->opts->readable_arg, path) != 0) {
		p_error_at(p, at, "cannot read %s %s", what, path);
		return -1;
	}
	return 0;
}

/* What a certificate (with its key, or a CA file) holds. */
void
parse_tls_files(struct parser *p, const struct pos *at, const char *owner,
    const char *cert, const char *key)
{
	char	 why[PARSE_LINE_MAX];

	if (p->opts->tls_files != NULL && p->opts->tls_files(
	    p->opts->readable_arg, cert, key, why, sizeof(why)) != 0)
		p_error_at(p, at, "%s%s%.512s", owner, owner[0] ? ": " : "",
		    why);
}

/* keypair NAME [certificate "PATH"] [key "PATH"] */
static int
ssl_keypair(struct parser *p, struct ssl_opts *o)
{
	struct keypair_conf	*kp;
	struct pos		 at = p_pos(p);
	size_t			 cap = o->nkeypairs;

	if (o->nkeypairs >= HS_KEYPAIRS_MAX) {
		p_error(p, "too many keypairs (max %d)", HS_KEYPAIRS_MAX);
		return -1;
	}
	if ((kp = p_grow(o->keypairs, &cap, o->nkeypairs,
	    sizeof(*kp))) == NULL) {
		p_error(p, "out of memory");
		return -1;
	}
	o->keypairs = kp;
	kp = &o->keypairs[o->nkeypairs];
	memset(kp, 0, sizeof(*kp));
	if (p_name(p, kp->name, sizeof(kp->name), "keypair name") == -1)
		return -1;
	if (strchr(kp->name, '/') != NULL || kp->name[0] == '.') {
		p_error_at(p, &at, "invalid keypair name %.64s", kp->name);
		return -1;
	}
	if (p_accept(p, KW_CERTIFICATE) && p_string(p, kp->cert,
	    sizeof(kp->cert), "certificate path") == -1)
		return -1;
	if (p_accept(p, KW_KEY) &&
	    p_string(p, kp->key, sizeof(kp->key), "key path") == -1)
		return -1;
	o->nkeypairs++;
	keypair_paths(kp, kp);
	if (ssl_readable(p, &at, "certificate", kp->cert) == 0 &&
	    ssl_readable(p, &at, "key", kp->key) == 0)
		parse_tls_files(p, &at, "", kp->cert, kp->key);
	return 0;
}

/* ca file "PATH": the certificates hosts are verified against */
static int
ssl_ca(struct parser *p, struct ssl_opts *o)
{
	struct pos	 at = p_pos(p);

	if (p_expect(p, KW_FILE) == -1 ||
	    p_string(p, o->ca_file, sizeof(o->ca_file), "ca file") == -1)
		return -1;
	if (ssl_readable(p, &at, "ca file", o->ca_file) == 0)
		parse_tls_files(p, &at, "", o->ca_file, NULL);
	return 0;
}

/* ciphers "LIST": names the TLS library knows */
static int
ssl_ciphers(struct parser *p, struct ssl_opts *o)
{
	struct pos	 at = p_pos(p);
	char		 why[PARSE_LINE_MAX];

	if (p_string(p, o->ciphers, sizeof(o->ciphers), "ciphers") == -1)
		return -1;
	if (p->opts->tls_ciphers != NULL && p->opts->tls_ciphers(
	    p->opts->readable_arg, o->ciphers, why, sizeof(why)) != 0)
		p_error_at(p, &at, "%.512s", why);
	return 0;
}

/* ecdhe "CURVES": default, or names of curves, in order of preference */
static int
ssl_ecdhe(struct parser *p, struct ssl_opts *o)
{
	static const char *const known[] = {
		"X25519", "X448", "P-256", "P-384", "P-521", "prime256v1",
		"secp256r1", "secp384r1", "secp521r1",
	};
	struct pos	 at = p_pos(p);
	char		 list[sizeof(o->ecdhe)], *name, *rest;
	size_t		 i;

	if (p_string(p, o->ecdhe, sizeof(o->ecdhe), "ecdhe curves") == -1)
		return -1;
	if (strcmp(o->ecdhe, "default") == 0 || strcmp(o->ecdhe, "auto") == 0) {
		o->ecdhe[0] = '\0';
		return 0;
	}
	(void)snprintf(list, sizeof(list), "%s", o->ecdhe);
	for (rest = list; (name = strsep(&rest, ",:")) != NULL;) {
		for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (strcasecmp(name, known[i]) == 0)
				break;
		if (i == sizeof(known) / sizeof(known[0])) {
			p_error_at(p, &at, "unknown ecdhe curve '%.64s' (X25519, "
			    "X448, P-256, P-384, P-521 or default)", name);
			return 0;
		}
	}
	return 0;
}

/* edh [params none|auto|legacy], no edh */
static int
ssl_edh(struct parser *p, struct ssl_opts *o)
{
	o->edh = SSL_EDH_AUTO;
	if (!p_accept_word(p, "params"))
		return 0;
	if (p_accept_word(p, "none"))
		o->edh = SSL_EDH_NONE;
	else if (p_accept_word(p, "legacy"))
		o->edh = SSL_EDH_LEGACY;
	else if (!p_accept_word(p, "auto")) {
		p_error(p, "syntax error: edh params none, auto or legacy "
		    "expected");
		return -1;
	}
	return 0;
}

/* relayd's words for what hoststated sets otherwise, or never enables */
static int
ssl_relayd_opt(struct parser *p, struct ssl_opts *o, bool on)
{
	if (p_accept_word(p, "cipher-server-preference"))
		o->client_order = !on;
	else if (p_accept_word(p, "client-renegotiation")) {
		/* A new handshake mid-session would sign outside the key
		 * process's handshake path: never allowed, as by default. */
		if (on)
			p_error(p, "client-renegotiation is not supported: "
			    "clients cannot renegotiate");
	}
	else if (p_accept_word(p, "tlsv1.0") || p_accept_word(p, "tlsv1.1"))
		;	/* never enabled, as sslv3 */
	else if (!on && p_accept_word(p, "edh"))
		o->edh = SSL_EDH_NONE;
	else
		return 1;
	return 0;
}

static int
ssl_opt(struct parser *p, void *ctx)
{
	struct ssl_opts	*o = ctx;
	uint32_t	 n;
	int		 rc;

	if (p_accept(p, KW_CIPHERS))
		return ssl_ciphers(p, o);
	if (p_accept(p, KW_CA))
		return ssl_ca(p, o);
	if (p_accept(p, KW_KEYPAIR))
		return ssl_keypair(p, o);
	if (p_accept_word(p, "ecdhe"))
		return ssl_ecdhe(p, o);
	if (p_accept_word(p, "edh"))
		return ssl_edh(p, o);
	if ((rc = ssl_relayd_opt(p, o, true)) != 1)
		return rc;
	if (p_accept(p, KW_SESSION)) {
		if (p_accept(p, KW_TICKETS)) {
			o->tickets = true;
			return 0;
		}
		if (p_expect(p, KW_CACHE) == -1)
			return -1;
		if (p_accept(p, KW_DISABLE)) {
			o->session_cache = SSL_CACHE_DISABLED;
			return 0;
		}
		if (p_number(p, 0, SSL_CACHE_MAX, "session cache", &n) == -1)
			return -1;
		o->session_cache = (int)n;
		return 0;
	}
	if (p_accept(p, KW_NO)) {
		if (p_accept(p, KW_SESSION)) {
			o->tickets = false;
			return p_expect(p, KW_TICKETS);
		}
		if ((rc = ssl_relayd_opt(p, o, false)) != 1)
			return rc;
		return ssl_version(p, o, false);
	}
	return ssl_version(p, o, true);
}

/* tcp { ... } | tcp OPT, and the same for ssl */
static int
protocol_group(struct parser *p, int (*opt)(struct parser *, void *),
    void *ctx)
{
	if (TOK(p)->type == TOK_LBRACE)
		return p_block(p, opt, ctx);
	return opt(p, ctx);
}

static int
protocol_stmt(struct parser *p, void *ctx)
{
	struct protocol_conf *pr = &p->cfg->protocols[*(uint32_t *)ctx];

	if (p_accept(p, KW_PROTOCOL)) {
		if (p_accept(p, KW_HTTP))
			pr->type = PROTO_HTTP;
		else if (p_accept(p, KW_TCP))
			pr->type = PROTO_TCP;
		else if (p_accept(p, KW_DNS))
			pr->type = PROTO_DNS;
		else {
			if (TOK(p)->type == TOK_WORD ||
			    TOK(p)->type == TOK_STRING)
				p_error(p, "invalid protocol type %.64s (http, "
				    "tcp or dns)", TOK(p)->text);
			else
				p_error(p, "syntax error: protocol type (http, "
				    "tcp or dns) expected before %s",
				    p_tokdesc(p));
			return -1;
		}
		return 0;
	}
	if (p_accept(p, KW_TCP))
		return protocol_group(p, tcp_opt, &pr->tcp);
	if (p_accept(p, KW_SSL) || p_accept(p, KW_TLS))
		return protocol_group(p, ssl_opt, &pr->ssl);
	if (p_accept(p, KW_HTTP))
		return parse_http_opts(p, &pr->http);
	if (p_accept(p, KW_MATCH))
		return parse_match(p, pr);
	if (p_is_kw(p, KW_REQUEST) || p_is_kw(p, KW_RESPONSE) ||
	    p_is_kw(p, KW_HEADER) || p_is_kw(p, KW_COOKIE) ||
	    p_is_kw(p, KW_URL) || p_is_kw(p, KW_PATH))
		return protocol_action(p, pr);
	return p_unknown(p);
}

static int
protocol_new(struct parser *p, const char *name, const struct pos *at)
{
	struct config	     *c = p->cfg;
	struct protocol_conf *pr;
	struct pos	     *x;
	size_t		      cap = p->pcap;

	if (c->nprotocols >= HS_PROTOCOLS_MAX) {
		p_error_at(p, at, "too many protocols (max %d)",
		    HS_PROTOCOLS_MAX);
		return -1;
	}
	if ((pr = p_grow(c->protocols, &cap, c->nprotocols,
	    sizeof(*pr))) == NULL)
		goto nomem;
	c->protocols = pr;
	if ((x = p_grow(p->px, &p->pcap, c->nprotocols, sizeof(*x))) == NULL)
		goto nomem;
	p->px = x;
	pr = &c->protocols[c->nprotocols];
	memset(pr, 0, sizeof(*pr));
	pr->id = (uint32_t)c->nprotocols;
	(void)snprintf(pr->name, sizeof(pr->name), "%s", name);
	pr->type = PROTO_TCP;
	pr->tcp.backlog = HS_BACKLOG_DEFAULT;
	pr->tcp.session_buffer = HS_SESSION_BUFFER_DEFAULT;
	(void)snprintf(pr->ssl.ciphers, sizeof(pr->ssl.ciphers), "%s",
	    SSL_CIPHERS_DEFAULT);
	pr->ssl.session_cache = SSL_CACHE_DEFAULT;
	parse_http_defaults(&pr->http);
	x[c->nprotocols] = *at;
	c->nprotocols++;
	return 0;
nomem:
	p_error_at(p, at, "out of memory");
	return -1;
}

/* protocol NAME { ... }, after "protocol" */
int
parse_protocol(struct parser *p)
{
	char		 name[HS_NAME_MAX];
	struct pos	 at = p_pos(p);
	uint32_t	 id;
	size_t		 i;

	if (p_name(p, name, sizeof(name), "protocol name") == -1)
		return -1;
	for (i = 0; i < p->cfg->nprotocols; i++)
		if (strcmp(p->cfg->protocols[i].name, name) == 0) {
			p_error_at(p, &at, "protocol %s defined twice", name);
			return -1;
		}
	if (protocol_new(p, name, &at) == -1)
		return -1;
	id = (uint32_t)p->cfg->nprotocols - 1;
	return p_block(p, protocol_stmt, &id);
}
