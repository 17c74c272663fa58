/*
 * The canonical text of a model, for hoststated -n -v: every option
 * written out, declared tables only (not their per-port copies), and
 * parsing it again gives the same model.
 */
#include <stdio.h>
#include <string.h>

#include "core/lex.h"
#include "core/parse.h"

/* A quoted string; c: also the C escapes of send/expect data. */
static void
print_str(struct buf *b, const char *s, bool c)
{
	size_t	 n;

	buf_puts(b, "\"");
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			buf_printf(b, "\\%c", *s);
		else if (c && *s == '\n')
			buf_puts(b, "\\n");
		else if (c && *s == '\r')
			buf_puts(b, "\\r");
		else if (c && *s == '\t')
			buf_puts(b, "\\t");
		else if (*s == '$') {
			/* $REMOTE_ADDR stays as is; any other $ is quoted */
			for (n = 1; s[n] == '_' || (s[n] >= 'A' && s[n] <= 'Z')
			    || (s[n] >= 'a' && s[n] <= 'z') ||
			    (s[n] >= '0' && s[n] <= '9'); n++)
				;
			buf_puts(b, lex_runtime_var(s + 1, n - 1) ? "$" :
			    "\\$");
		} else
			buf_add(b, s, 1);
	}
	buf_puts(b, "\"");
}

static void
print_demote(const struct demote_conf *d, struct buf *b)
{
	buf_puts(b, "demote ");
	print_str(b, d->group, false);
	if (d->file[0] != '\0') {
		buf_puts(b, " file ");
		print_str(b, d->file, false);
	}
	if (d->script[0] != '\0') {
		buf_puts(b, " script ");
		print_str(b, d->script, false);
	}
	buf_puts(b, "\n");
}

static void
print_globals(const struct config *c, struct buf *b)
{
	size_t	i;

	buf_printf(b, "interval %u\ntimeout %u\nprefork %u\nsessions %u\n"
	    "log %s\n", c->interval_s, c->timeout_ms, c->prefork, c->sessions,
	    c->log == LOG_ALL ? "all" : "updates");
	if (c->log_sessions != LOG_SESSIONS_DEBUG)
		buf_printf(b, "log connection%s\n",
		    c->log_sessions == LOG_SESSIONS_ERRORS ? " errors" : "");
	if (c->demote[0] != '\0') {
		buf_puts(b, "demote ");
		print_str(b, c->demote, false);
		buf_puts(b, "\n");
	}
	for (i = 0; i < c->ndemotes; i++)
		print_demote(&c->demotes[i], b);
	buf_puts(b, "user ");
	print_str(b, c->user, false);
	buf_puts(b, "\nchroot ");
	print_str(b, c->chroot, false);
	buf_puts(b, "\nsocket ");
	print_str(b, c->socket, false);
	buf_puts(b, "\n");
	if (c->metrics.port != 0) {
		buf_puts(b, "metrics listen on ");
		print_str(b, c->metrics.name, false);
		buf_printf(b, " port %u\n", c->metrics.port);
	}
}

static void
print_check(const struct check_conf *ck, struct buf *b)
{
	switch (ck->type) {
	case CHECK_NONE:
		return;
	case CHECK_ICMP:
	case CHECK_TCP:
	case CHECK_TLS:
	case CHECK_SCRIPT:
		buf_printf(b, "\tcheck %s", check_type_name(ck->type, ck->tls));
		if (ck->type == CHECK_SCRIPT) {
			buf_puts(b, " ");
			print_str(b, ck->path, false);
		}
		break;
	case CHECK_HTTP_CODE:
	case CHECK_HTTP_DIGEST:
		buf_printf(b, "\tcheck %s ", ck->tls ? "https" : "http");
		print_str(b, ck->path, false);
		if (ck->host[0] != '\0') {
			buf_puts(b, " host ");
			print_str(b, ck->host, false);
		}
		if (ck->type == CHECK_HTTP_CODE)
			buf_printf(b, " code %d", ck->code);
		else
			buf_printf(b, " digest \"%s\"", ck->digest);
		break;
	case CHECK_SEND_EXPECT:
		buf_puts(b, "\tcheck send ");
		print_str(b, ck->send, true);
		buf_puts(b, " expect ");
		print_str(b, ck->expect, true);
		if (ck->tls)
			buf_puts(b, " ssl");
		break;
	}
	buf_puts(b, "\n");
}

static void
print_table(const struct config *c, const struct table_conf *t,
    struct buf *b)
{
	const struct host_conf	*h;
	size_t			 i;

	buf_puts(b, "\ntable ");
	print_str(b, t->base, false);
	buf_puts(b, " {\n");
	if (t->real_port)
		buf_printf(b, "\treal port %u\n", t->port);
	print_check(&t->check, b);
	buf_printf(b, "\ttimeout %u\n\tinterval %u\n", t->timeout_ms,
	    t->interval_s);
	if (t->demote[0] != '\0') {
		buf_puts(b, "\tdemote ");
		print_str(b, t->demote, false);
		buf_puts(b, "\n");
	}
	if (t->disabled)
		buf_puts(b, "\tdisable\n");
	for (i = 0; i < t->nhosts; i++) {
		h = &c->hosts[t->host_ids[i]];
		buf_puts(b, "\thost ");
		print_str(b, h->name, false);
		buf_printf(b, " retry %u weight %u\n", h->retry, h->weight);
	}
	buf_puts(b, "}\n");
}

static void
print_service(const struct config *c, const struct service_conf *s,
    struct buf *b)
{
	const struct virt_conf	*v;
	size_t			 i;

	buf_puts(b, "\nservice ");
	print_str(b, s->name, false);
	buf_puts(b, " {\n");
	for (i = 0; i < s->nvirts; i++) {
		v = &s->virts[i];
		buf_puts(b, "\tvirtual host ");
		print_str(b, v->name, false);
		buf_printf(b, " port %u", v->port);
		if (v->ifname[0] != '\0') {
			buf_puts(b, " interface ");
			print_str(b, v->ifname, false);
		}
		buf_puts(b, "\n");
	}
	if (s->table_id < c->ntables) {
		buf_puts(b, "\ttable ");
		print_str(b, c->tables[s->table_id].base, false);
		buf_puts(b, "\n");
	}
	if (s->backup_id < c->ntables) {
		buf_puts(b, "\tbackup table ");
		print_str(b, c->tables[s->backup_id].base, false);
		buf_puts(b, "\n");
	}
	if (s->sticky)
		buf_puts(b, "\tsticky-address\n");
	if (s->tag[0] != '\0') {
		buf_puts(b, s->match ? "\tmatch tag " : "\ttag ");
		print_str(b, s->tag, false);
		buf_puts(b, "\n");
	}
	if (s->disabled)
		buf_puts(b, "\tdisable\n");
	buf_puts(b, "}\n");
}

static void
print_action(const struct action_conf *a, struct buf *b)
{
	static const char *const ent[] = { "header", "cookie", "url", "path" };
	static const char *const op[] = { "append", "change", "remove",
	    "expect", "filter", "hash", "log" };

	buf_printf(b, "\t%s %s %s ", a->dir == DIR_RESPONSE ? "response" :
	    "request", ent[a->entity], op[a->op]);
	switch (a->op) {
	case ACTION_APPEND:
		print_str(b, a->value, false);
		buf_puts(b, " to ");
		print_str(b, a->key, false);
		break;
	case ACTION_CHANGE:
		print_str(b, a->key, false);
		buf_puts(b, " to ");
		print_str(b, a->value, false);
		break;
	case ACTION_EXPECT:
	case ACTION_FILTER:
		if (a->has_value) {
			print_str(b, a->value, false);
			buf_puts(b, " from ");
		}
		print_str(b, a->key, false);
		if (a->status != 0)
			buf_printf(b, " status %u", a->status);
		break;
	default:
		print_str(b, a->key, false);
		break;
	}
	buf_puts(b, "\n");
}

static void
print_route(const struct route_conf *r, struct buf *b)
{
	static const char *const ent[] = { "header", "cookie", "url", "path" };

	buf_puts(b, "\tmatch request");
	if (r->method[0] != '\0') {
		buf_puts(b, " method ");
		print_str(b, r->method, false);
	}
	if (r->has_entity) {
		buf_printf(b, " %s ", ent[r->entity]);
		print_str(b, r->key, false);
		if (r->has_value) {
			buf_puts(b, " value ");
			print_str(b, r->value, false);
		}
	}
	buf_puts(b, " forward to ");
	print_str(b, r->table, false);
	buf_puts(b, "\n");
}

static void
print_http(const struct http_opts *o, struct buf *b)
{
	buf_printf(b, "\thttp {\n\t\trequest line %u\n\t\theader line %u\n"
	    "\t\theaderlen %u\n\t\theaders %u\n\t\tchunk line %u\n"
	    "\t\ttrailerlen %u\n\t\tkeepalive %u\n\t\t%swebsockets\n\t}\n",
	    o->request_line, o->header_line, o->headerlen, o->headers,
	    o->chunk_line, o->trailerlen, o->keepalive,
	    o->websockets ? "" : "no ");
}

static void
print_flag(struct buf *b, uint32_t set, uint32_t on, uint32_t flag,
    const char *name)
{
	if (set & flag)
		buf_printf(b, "\t\t%s%s\n", on & flag ? "" : "no ", name);
}

static void
print_tcp(const struct tcp_opts *o, struct buf *b)
{
	if (o->set == 0)
		return;
	buf_puts(b, "\ttcp {\n");
	print_flag(b, o->set, o->on, TCPOPT_NODELAY, "nodelay");
	print_flag(b, o->set, o->on, TCPOPT_SACK, "sack");
	print_flag(b, o->set, o->on, TCPOPT_SPLICE, "splice");
	if (o->set & TCPOPT_BACKLOG)
		buf_printf(b, "\t\tbacklog %u\n", o->backlog);
	if (o->set & TCPOPT_BUFSIZE)
		buf_printf(b, "\t\tsocket buffer %u\n", o->bufsize);
	if (o->set & TCPOPT_TTL)
		buf_printf(b, "\t\tip ttl %u\n", o->ttl);
	if (o->set & TCPOPT_MINTTL)
		buf_printf(b, "\t\tip minttl %u\n", o->minttl);
	if (o->set & TCPOPT_SESSION_BUFFER)
		buf_printf(b, "\t\tsession buffer %u\n", o->session_buffer);
	buf_puts(b, "\t}\n");
}

static void
print_ssl(const struct ssl_opts *o, struct buf *b)
{
	size_t	 i;

	buf_puts(b, "\tssl {\n\t\tciphers ");
	print_str(b, o->ciphers, false);
	buf_puts(b, "\n");
	if (o->session_cache == SSL_CACHE_DISABLED)
		buf_puts(b, "\t\tsession cache disable\n");
	else if (o->session_cache >= 0)
		buf_printf(b, "\t\tsession cache %d\n", o->session_cache);
	print_flag(b, o->set, o->on, SSLOPT_SSLV2, "sslv2");
	print_flag(b, o->set, o->on, SSLOPT_SSLV3, "sslv3");
	print_flag(b, o->set, o->on, SSLOPT_TLSV1, "tlsv1");
	print_flag(b, o->set, o->on, SSLOPT_TLSV1_2, "tlsv1.2");
	print_flag(b, o->set, o->on, SSLOPT_TLSV1_3, "tlsv1.3");
	if (o->tickets)
		buf_puts(b, "\t\tsession tickets\n");
	if (o->ecdhe[0] != '\0') {
		buf_puts(b, "\t\tecdhe ");
		print_str(b, o->ecdhe, false);
		buf_puts(b, "\n");
	}
	if (o->edh != SSL_EDH_NONE)
		buf_printf(b, "\t\tedh params %s\n", o->edh == SSL_EDH_LEGACY ?
		    "legacy" : "auto");
	if (o->client_order)
		buf_puts(b, "\t\tno cipher-server-preference\n");
	if (o->ca_file[0] != '\0') {
		buf_puts(b, "\t\tca file ");
		print_str(b, o->ca_file, false);
		buf_puts(b, "\n");
	}
	for (i = 0; i < o->nkeypairs; i++) {
		buf_puts(b, "\t\tkeypair ");
		print_str(b, o->keypairs[i].name, false);
		buf_puts(b, " certificate ");
		print_str(b, o->keypairs[i].cert, false);
		buf_puts(b, " key ");
		print_str(b, o->keypairs[i].key, false);
		buf_puts(b, "\n");
	}
	buf_puts(b, "\t}\n");
}

static void
print_protocol(const struct protocol_conf *pr, struct buf *b)
{
	static const char *const type[] = { "tcp", "http", "dns" };
	size_t	 i;

	buf_puts(b, "\nprotocol ");
	print_str(b, pr->name, false);
	buf_printf(b, " {\n\tprotocol %s\n", type[pr->type]);
	for (i = 0; i < pr->nactions; i++)
		print_action(&pr->actions[i], b);
	for (i = 0; i < pr->nroutes; i++)
		print_route(&pr->routes[i], b);
	if (pr->type == PROTO_HTTP)
		print_http(&pr->http, b);
	print_tcp(&pr->tcp, b);
	print_ssl(&pr->ssl, b);
	buf_puts(b, "}\n");
}

static void
print_key(const struct relay_conf *r, struct buf *b)
{
	size_t	 i;

	if (!r->has_key)
		return;
	buf_puts(b, " 0x");
	for (i = 0; i < HS_KEY_LEN; i++)
		buf_printf(b, "%02x", r->key[i]);
}

/* Ends the line of a table or service target. */
static void
print_retry(const struct relay_conf *r, struct buf *b)
{
	if (r->retry > 0)
		buf_printf(b, " retry %u", r->retry);
	buf_puts(b, r->forward_tls ? " with ssl\n" : "\n");
}

static void
print_relay_table(const struct config *c, const struct relay_conf *r,
    struct buf *b)
{
	const struct table_conf	*t = &c->tables[r->table_id];

	buf_puts(b, "\ttable ");
	print_str(b, t->base, false);
	if (t->copy_of != HS_ID_NONE &&
	    (r->nlistens == 0 || t->port != r->listens[0].port))
		buf_printf(b, " port %u", t->port);
	buf_printf(b, " %s", lb_mode_name(r->mode));
	print_key(r, b);
	print_retry(r, b);
}

static void
print_relay_target(const struct config *c, const struct relay_conf *r,
    struct buf *b)
{
	if (r->has_forward) {
		buf_printf(b, "\tforward%s to ", r->forward_tls ?
		    " with ssl" : "");
		print_str(b, r->forward.name, false);
		buf_printf(b, " port %u retry %u\n", r->forward.port,
		    r->forward.retry);
	}
	if (r->table_id < c->ntables)
		print_relay_table(c, r, b);
	if (r->backup_id < c->ntables) {
		buf_puts(b, "\tbackup table ");
		print_str(b, c->tables[r->backup_id].base, false);
		buf_puts(b, "\n");
	}
	if (r->service_id < c->nservices) {
		buf_puts(b, "\tservice ");
		print_str(b, c->services[r->service_id].name, false);
		print_retry(r, b);
	}
}

static void
print_relay(const struct config *c, const struct relay_conf *r,
    struct buf *b)
{
	size_t	 i;

	buf_puts(b, "\nrelay ");
	print_str(b, r->name, false);
	buf_puts(b, " {\n");
	for (i = 0; i < r->nlistens; i++) {
		buf_puts(b, "\tlisten on ");
		print_str(b, r->listens[i].name, false);
		buf_printf(b, " port %u%s\n", r->listens[i].port,
		    r->listens[i].ssl ? " ssl" : "");
	}
	if (r->protocol_id < c->nprotocols) {
		buf_puts(b, "\tprotocol ");
		print_str(b, c->protocols[r->protocol_id].name, false);
		buf_puts(b, "\n");
	}
	print_relay_target(c, r, b);
	buf_printf(b, "\ttimeout %u\n", r->timeout_s);
	if (r->sessions != 0)
		buf_printf(b, "\tsessions %u\n", r->sessions);
	if (r->disabled)
		buf_puts(b, "\tdisable\n");
	if (r->ssl_cert[0] != '\0') {
		buf_puts(b, "\tssl certificate ");
		print_str(b, r->ssl_cert, false);
		buf_puts(b, "\n");
	}
	if (r->ssl_key[0] != '\0') {
		buf_puts(b, "\tssl key ");
		print_str(b, r->ssl_key, false);
		buf_puts(b, "\n");
	}
	buf_puts(b, "}\n");
}

void
config_print(const struct config *c, struct buf *b)
{
	size_t	 i;

	print_globals(c, b);
	for (i = 0; i < c->ntables; i++)
		if (c->tables[i].copy_of == HS_ID_NONE)
			print_table(c, &c->tables[i], b);
	for (i = 0; i < c->nservices; i++)
		print_service(c, &c->services[i], b);
	for (i = 0; i < c->nprotocols; i++)
		print_protocol(&c->protocols[i], b);
	for (i = 0; i < c->nrelays; i++)
		print_relay(c, &c->relays[i], b);
}
