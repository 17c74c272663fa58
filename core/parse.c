/*
 * The configuration language of hoststated, by hand-written recursive
 * descent.  Statements end at a newline (or a comma, or the '}' closing
 * their block).  The grammar, whole:
 *
 * config     := { statement NL }
 * statement  := NAME '=' value                    (macro; value: word|string)
 *             | include STRING
 *             | interval N | timeout N | prefork N | log (updates|all)
 *             | demote GROUP [file STRING] [script STRING]
 *             | user NAME | chroot STRING | socket STRING
 *             | metrics listen on ADDR port PORT
 *             | table NAME '{' { tableopt } '}'
 *             | service NAME '{' { serviceopt } '}'
 *             | protocol NAME '{' { protoopt } '}'
 *             | relay NAME '{' { relayopt } '}'
 * tableopt   := host ADDR [retry N] [weight N] | real port PORT
 *             | check (icmp|tcp|ssl)
 *             | check (http|https) STRING [host NAME] (code N | digest STRING)
 *             | check send STRING expect STRING [ssl]
 *             | check script STRING
 *             | timeout N | interval N | disable | demote GROUP | include
 * serviceopt := virtual host ADDR port PORT [interface IF]
 *             | [backup] table NAME | sticky-address | [match] tag NAME
 *             | disable
 *             | include
 * protoopt   := protocol (http|tcp|dns)
 *             | [request|response] (header|cookie|url|path) action
 *             | tcp '{' tcpopt { [','] tcpopt } '}' | tcp tcpopt
 *             | ssl '{' sslopt { [','] sslopt } '}' | ssl sslopt | include
 * action     := append STRING to STRING | change STRING to STRING
 *             | remove STRING | expect STRING [from STRING]
 *             | filter STRING from STRING | hash STRING | log STRING
 * tcpopt     := backlog N | [no] nodelay | [no] sack | [no] splice
 *             | socket buffer N | ip ttl N | ip minttl N
 * sslopt     := ciphers STRING | session cache (N|disable)
 *             | [no] (sslv2|sslv3|tlsv1|tlsv1.2|tlsv1.3)
 * relayopt   := listen on ADDR port PORT [ssl] | protocol NAME
 *             | forward to ADDR port PORT [retry N]
 *             | table NAME [port PORT] [MODE] | backup table NAME
 *             | service NAME | timeout N | disable
 *             | ssl certificate STRING | ssl key STRING | include
 * MODE       := roundrobin | loadbalance | hash | source-hash | random
 *             | least-states
 *
 * NAME is a quoted string or any word; STRING a quoted string or a word
 * that is not a keyword.  Numbers are decimal.  The lexer (lex.c) handles
 * comments, line continuations, macros ($name) and includes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/parse_priv.h"


/*
 * After an error: skip to the end of the statement, that is past its
 * newline or up to the '}' closing the enclosing block; a block opened
 * on the way is skipped whole.
 */
void
p_resync(struct parser *p)
{
	int	 depth = 0;

	for (;;) {
		switch (TOK(p)->type) {
		case TOK_EOF:
			return;
		case TOK_NL:
			p_next(p);
			if (depth == 0)
				return;
			break;
		case TOK_LBRACE:
			depth++;
			p_next(p);
			break;
		case TOK_RBRACE:
			if (depth == 0)
				return;
			depth--;
			p_next(p);
			break;
		default:
			p_next(p);
			break;
		}
	}
}

/* A statement parsed (rc 0) must end here; after an error, resync. */
void
p_done(struct parser *p, int rc)
{
	if (p->block_cut) {
		/* The next declaration starts here: parse it, skip nothing. */
		p->block_cut = false;
		return;
	}
	if (rc == 0) {
		switch (TOK(p)->type) {
		case TOK_NL:
		case TOK_COMMA:
			p_next(p);
			return;
		case TOK_RBRACE:
		case TOK_EOF:
			return;
		default:
			(void)p_syntax(p);
			break;
		}
	}
	p_resync(p);
}

/* A word no statement starts with here. */
int
p_unknown(struct parser *p)
{
	if (TOK(p)->type == TOK_WORD && TOK(p)->kw == KW_NONE) {
		p_error(p, "unknown keyword '%.64s'", TOK(p)->text);
		return -1;
	}
	return p_syntax(p);
}

/* include "FILE": its statements continue the current context. */
static void
p_include(struct parser *p)
{
	char		 path[HS_PATH_MAX];
	struct pos	 at;

	p_next(p);
	at = p_pos(p);
	if (p_string(p, path, sizeof(path), "file name") == -1) {
		p_resync(p);
		return;
	}
	if (TOK(p)->type != TOK_NL && TOK(p)->type != TOK_EOF) {
		(void)p_syntax(p);
		p_resync(p);
		return;
	}
	(void)lex_push_file(&p->lx, path, at.file, at.line);
	p_next(p);
}

/* "table NAME {" and its kind, alone on a line: a declaration begins. */
static bool
p_block_opener(struct parser *p)
{
	switch (TOK(p)->kw) {
	case KW_TABLE:
	case KW_SERVICE:
	case KW_PROTOCOL:
	case KW_RELAY:
		return lex_line_opens_block(&p->lx);
	default:
		return false;
	}
}

/*
 * One error where the block was opened, instead of one per statement
 * that follows: the declaration on this line is parsed as a new one.
 */
static void
p_block_unclosed(struct parser *p, const struct pos *open)
{
	if (strcmp(open->file, TOK(p)->file) == 0)
		p_error_at(p, open, "block not closed: missing '}' before "
		    "line %d", TOK(p)->line);
	else
		p_error_at(p, open, "block not closed: missing '}' before "
		    "%s:%d", TOK(p)->file, TOK(p)->line);
	p->block_cut = true;
}

/* '{' statements '}', each statement parsed by stmt. */
int
p_block(struct parser *p, int (*stmt)(struct parser *, void *), void *ctx)
{
	struct pos	 open = p_pos(p);

	if (TOK(p)->type != TOK_LBRACE) {
		if (TOK(p)->type != TOK_ERROR)
			p_error(p, "syntax error: expected '{' before %s",
			    p_tokdesc(p));
		return -1;
	}
	p_next(p);
	for (;;) {
		while (TOK(p)->type == TOK_NL || TOK(p)->type == TOK_COMMA)
			p_next(p);
		if (TOK(p)->type == TOK_RBRACE) {
			p_next(p);
			return 0;
		}
		if (TOK(p)->type == TOK_EOF) {
			p_error_at(p, &open, "block not closed: missing '}'");
			return -1;
		}
		if (p_block_opener(p)) {
			p_block_unclosed(p, &open);
			return 0;
		}
		if (p_is_kw(p, KW_INCLUDE))
			p_include(p);
		else if (TOK(p)->type == TOK_ERROR)
			p_resync(p);
		else
			p_done(p, stmt(p, ctx));
	}
}

/* name=value, after name: the value is read before the next token. */
static int
p_macro(struct parser *p, const char *name, const struct pos *at)
{
	p_next(p);
	if (!lex_macro_name_ok(name)) {
		p_error_at(p, at, "invalid macro name '%.64s'", name);
		return -1;
	}
	if (TOK(p)->type != TOK_WORD && TOK(p)->type != TOK_STRING)
		return p_syntax(p);
	if (lex_macro_set(&p->lx, name, TOK(p)->text, false, at->file,
	    at->line) == -1) {
		p_error_at(p, at, "out of memory");
		return -1;
	}
	p_next(p);
	return 0;
}

/* log updates|all, and relayd's log connection [errors] */
static int
p_log(struct parser *p)
{
	if (p_accept(p, KW_UPDATES))
		p->cfg->log = LOG_UPDATES;
	else if (p_accept(p, KW_ALL))
		p->cfg->log = LOG_ALL;
	else if (p_accept(p, KW_CONNECTION))
		p->cfg->log_sessions = p_accept(p, KW_ERRORS) ?
		    LOG_SESSIONS_ERRORS : LOG_SESSIONS_ALL;
	else {
		p_error(p, "syntax error: log updates, log all or log "
		    "connection [errors] expected");
		return -1;
	}
	return 0;
}

/* metrics listen on ADDR port PORT: show metrics over HTTP. */
static int
p_metrics(struct parser *p)
{
	struct listen_conf	*l = &p->cfg->metrics;

	if (p_expect(p, KW_LISTEN) == -1 || p_expect(p, KW_ON) == -1)
		return -1;
	if (l->port != 0) {
		p_error(p, "metrics listen on: given twice");
		return -1;
	}
	if (p_address(p, l->name, sizeof(l->name), &l->addr) == -1 ||
	    p_expect(p, KW_PORT) == -1 || p_port(p, &l->port) == -1)
		return -1;
	return 0;
}

/* A global option, after its keyword. */
static int
p_global(struct parser *p, enum keyword kw)
{
	struct config	*c = p->cfg;

	switch (kw) {
	case KW_INTERVAL:
		p->interval_at = p_pos(p);
		return p_number(p, 1, HS_INTERVAL_MAX, "interval",
		    &c->interval_s);
	case KW_TIMEOUT:
		p->timeout_at = p_pos(p);
		return p_number(p, 1, HS_TIMEOUT_MAX, "timeout",
		    &c->timeout_ms);
	case KW_PREFORK:
		return p_number(p, 1, HS_PREFORK_MAX, "prefork", &c->prefork);
	case KW_SESSIONS:
		return p_number(p, 1, HS_SESSIONS_MAX, "sessions",
		    &c->sessions);
	case KW_LOG:
		return p_log(p);
	case KW_DEMOTE:
		return parse_demote(p);
	case KW_USER:
		return p_name(p, c->user, sizeof(c->user), "user");
	case KW_CHROOT:
		return p_string(p, c->chroot, sizeof(c->chroot), "chroot path");
	case KW_SOCKET:
		return p_string(p, c->socket, sizeof(c->socket), "socket path");
	case KW_METRICS:
		return p_metrics(p);
	case KW_TABLE:
		return parse_table(p);
	case KW_SERVICE:
		return parse_service(p);
	case KW_PROTOCOL:
		return parse_protocol(p);
	case KW_RELAY:
		return parse_relay(p);
	default:
		return -2;
	}
}

/* A top-level statement: a macro definition or a keyword's. */
static int
p_statement(struct parser *p)
{
	char		 word[128];
	struct pos	 at = p_pos(p);
	enum keyword	 kw = TOK(p)->kw;
	int		 rc;

	if (TOK(p)->type != TOK_WORD)
		return p_syntax(p);
	if (TOK(p)->len >= sizeof(word)) {
		p_error(p, "unknown keyword '%.64s...'", TOK(p)->text);
		return -1;
	}
	memcpy(word, TOK(p)->text, TOK(p)->len + 1);
	p_next(p);
	if (TOK(p)->type == TOK_EQUAL)
		return p_macro(p, word, &at);
	if ((rc = p_global(p, kw)) != -2)
		return rc;
	if (kw == KW_NONE)
		p_error_at(p, &at, "unknown keyword '%s'", word);
	else
		p_error_at(p, &at, "syntax error: unexpected '%s'", word);
	return -1;
}

static void
p_toplevel(struct parser *p)
{
	p_next(p);
	for (;;) {
		switch (TOK(p)->type) {
		case TOK_EOF:
			return;
		case TOK_NL:
			p_next(p);
			break;
		case TOK_RBRACE:
			(void)p_syntax(p);
			p_next(p);
			break;
		case TOK_ERROR:
			p_resync(p);
			break;
		default:
			if (p_is_kw(p, KW_INCLUDE))
				p_include(p);
			else
				p_done(p, p_statement(p));
			break;
		}
	}
}

static struct config *
config_new(void)
{
	struct config	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->interval_s = HS_INTERVAL_DEFAULT;
	c->timeout_ms = HS_TIMEOUT_DEFAULT;
	c->prefork = HS_PREFORK_DEFAULT;
	c->log = LOG_UPDATES;
	c->sessions = HS_SESSIONS_DEFAULT;
	(void)snprintf(c->user, sizeof(c->user), "%s", HS_USER_DEFAULT);
	(void)snprintf(c->chroot, sizeof(c->chroot), "%s", HS_CHROOT_DEFAULT);
	(void)snprintf(c->socket, sizeof(c->socket), "%s", HS_SOCKET_DEFAULT);
	return c;
}

/* -D name=value, before the file: the file cannot override them. */
static void
p_defines(struct parser *p)
{
	char		 name[128];
	const char	*d, *eq;
	size_t		 i;

	for (i = 0; i < p->opts->ndefines; i++) {
		d = p->opts->defines[i];
		if ((eq = strchr(d, '=')) == NULL ||
		    (size_t)(eq - d) >= sizeof(name)) {
			lex_error(&p->lx, "-D", 0, "invalid macro definition "
			    "'%.64s' (name=value expected)", d);
			continue;
		}
		(void)snprintf(name, sizeof(name), "%.*s", (int)(eq - d), d);
		if (!lex_macro_name_ok(name))
			lex_error(&p->lx, "-D", 0, "invalid macro name "
			    "'%s'", name);
		else if (lex_macro_set(&p->lx, name, eq + 1, true, "-D",
		    0) == -1)
			lex_error(&p->lx, "-D", 0, "out of memory");
	}
}

static int
parser_init(struct parser *p, const struct parse_opts *opts,
    struct buf *errors)
{
	static const struct parse_opts none;

	memset(p, 0, sizeof(*p));
	p->opts = opts != NULL ? opts : &none;
	lex_init(&p->lx, errors, p->opts->noinclude);
	if ((p->cfg = config_new()) == NULL) {
		lex_error(&p->lx, "hoststated", 0, "out of memory");
		return -1;
	}
	p_defines(p);
	return 0;
}

/* Parse what was pushed; any error: NULL, never a partial model. */
static struct config *
parser_run(struct parser *p, bool pushed, struct buf *notes)
{
	struct config	*cfg;

	if (pushed) {
		p_toplevel(p);
		if (p->lx.nerrors == 0)
			parse_validate(p, notes);
		else {
			parse_check_table_names(p);
			parse_check_owner_names(p);
		}
		if (p->lx.nerrors == 0 && notes != NULL)
			lex_macro_notes(&p->lx, notes);
	}
	cfg = p->cfg;
	if (!pushed || p->lx.nerrors > 0) {
		config_free(cfg);
		cfg = NULL;
	}
	free(p->tx);
	free(p->sx);
	free(p->rx);
	free(p->px);
	free(p->hx);
	free(p->uses);
	free(p->rrefs);
	lex_free(&p->lx);
	return cfg;
}

static struct config *
parse_common(const char *name, const char *text, size_t len,
    const struct parse_opts *opts, struct buf *errors, struct buf *notes)
{
	struct parser	 p;
	struct buf	 local;
	struct config	*cfg;
	bool		 pushed = false;

	buf_init(&local, 64 * 1024);
	if (errors == NULL)
		errors = &local;
	if (parser_init(&p, opts, errors) == 0) {
		if (text != NULL)
			pushed = lex_push_text(&p.lx, name, text, len) == 0;
		else
			pushed = lex_push_file(&p.lx, name, NULL, 0) == 0;
	}
	cfg = parser_run(&p, pushed, notes);
	buf_free(&local);
	return cfg;
}

struct config *
config_parse(const char *file, const struct parse_opts *opts,
    struct buf *errors, struct buf *notes)
{
	return parse_common(file, NULL, 0, opts, errors, notes);
}

struct config *
config_parse_string(const char *name, const char *text, size_t len,
    const struct parse_opts *opts, struct buf *errors, struct buf *notes)
{
	return parse_common(name, text != NULL ? text : "", text != NULL ?
	    len : 0, opts, errors, notes);
}
