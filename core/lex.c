/*
 * The lexer: turns the configuration text into tokens, expanding macros
 * and following includes.  The only files it reads are the configuration
 * and its includes, whole, with a size bound.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/lex.h"

enum src_kind {
	SRC_FILE,
	SRC_MACRO,
};

struct lex_src {
	enum src_kind	 kind;
	const char	*name;		/* as given, for messages */
	const char	*path;		/* as opened, for loops and includes */
	char		*data;
	size_t		 len;
	size_t		 pos;
	int		 line;
	bool		 bol;		/* at the beginning of a line */
	int		 mdepth;	/* macro nesting */
	struct lex_src	*prev;
};

struct lex_macro {
	char		*name;
	char		*value;
	bool		 persistent;
	bool		 used;
	const char	*file;
	int		 line;
	struct lex_macro *next;
};

/* Sorted for bsearch; the order matches enum keyword. */
static const char *const keywords[] = {
	NULL,
	"all", "append", "backlog", "backup", "buffer", "ca", "cache",
	"certificate", "change", "check", "chroot", "chunk", "ciphers",
	"code", "connection", "cookie", "demote", "digest", "disable", "dns",
	"errors", "expect", "file",
	"filter", "forward", "from", "hash", "header", "headerlen",
	"headers", "host", "http", "https", "icmp", "include", "interface",
	"interval", "ip", "keepalive", "key", "keypair", "least-states",
	"line", "listen", "loadbalance", "log", "match", "method", "metrics",
	"minttl", "no", "nodelay", "on", "path", "port", "prefork",
	"protocol", "random", "real", "relay", "remove", "request",
	"response", "retry", "roundrobin", "sack", "script", "send",
	"service", "session", "sessions", "socket", "source-hash",
	"splice",
	"ssl", "sslv2", "sslv3", "status", "sticky-address", "table", "tag",
	"tcp", "tickets", "timeout", "tls", "tlsv1", "tlsv1.2", "tlsv1.3",
	"to", "trailerlen", "ttl", "updates", "url", "user", "value",
	"virtual", "websockets", "weight", "with",
};
#define NKEYWORDS	(sizeof(keywords) / sizeof(keywords[0]))
_Static_assert(NKEYWORDS == KW_MAX, "keywords and enum keyword differ");

/* Names the relay expands at run time: kept verbatim in strings. */
static const char *const runtime_vars[] = {
	"HOST", "REMOTE_ADDR", "REMOTE_PORT", "SERVER_ADDR", "SERVER_NAME",
	"SERVER_PORT", "TIMEOUT",
};

static int
kwcmp(const void *k, const void *e)
{
	return strcmp(k, *(const char *const *)e);
}

enum keyword
lex_keyword(const char *s)
{
	const char *const *p;

	p = bsearch(s, keywords + 1, NKEYWORDS - 1, sizeof(keywords[0]),
	    kwcmp);
	return p == NULL ? KW_NONE : (enum keyword)(p - keywords);
}

const char *
lex_keyword_text(enum keyword kw)
{
	if ((size_t)kw >= NKEYWORDS || kw == KW_NONE)
		return "?";
	return keywords[kw];
}

void
lex_error(struct lex *lx, const char *file, int line, const char *fmt, ...)
{
	va_list	 ap;

	lx->nerrors++;
	if (lx->nerrors > PARSE_ERRORS_MAX)
		return;
	if (line > 0)
		buf_printf(lx->errors, "%s:%d: ", file, line);
	else
		buf_printf(lx->errors, "%s: ", file);
	va_start(ap, fmt);
	buf_vprintf(lx->errors, fmt, ap);
	va_end(ap);
	buf_puts(lx->errors, "\n");
	if (lx->nerrors == PARSE_ERRORS_MAX)
		buf_printf(lx->errors, "%s: too many errors, giving up\n",
		    file);
}

void
lex_init(struct lex *lx, struct buf *errors, bool noinclude)
{
	memset(lx, 0, sizeof(*lx));
	lx->errors = errors;
	lx->noinclude = noinclude;
	lx->tok.type = TOK_EOF;
}

static void
src_pop(struct lex *lx)
{
	struct lex_src	*s = lx->src;

	lx->src = s->prev;
	if (s->kind == SRC_FILE)
		lx->depth--;
	free(s->data);
	free(s);
}

void
lex_free(struct lex *lx)
{
	struct lex_macro *m, *next;
	size_t		  i;

	while (lx->src != NULL)
		src_pop(lx);
	for (m = lx->macros; m != NULL; m = next) {
		next = m->next;
		free(m->name);
		free(m->value);
		free(m);
	}
	for (i = 0; i < lx->nnames; i++)
		free(lx->names[i]);
	free(lx->names);
	memset(lx, 0, sizeof(*lx));
}

/* Keep a copy of a file name alive until lex_free. */
static const char *
lex_keep(struct lex *lx, const char *s)
{
	char	**n, *c;

	if ((c = strdup(s)) == NULL)
		return NULL;
	n = realloc(lx->names, (lx->nnames + 1) * sizeof(*n));
	if (n == NULL) {
		free(c);
		return NULL;
	}
	lx->names = n;
	lx->names[lx->nnames++] = c;
	return c;
}

/* Length of a valid UTF-8 sequence at p, 0 if invalid. */
static size_t
utf8_len(const unsigned char *p, size_t left)
{
	size_t	 n, i;
	unsigned c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (left < n)
		return 0;
	for (i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xf0 && p[1] < 0x90) ||
	    (c == 0xf4 && p[1] > 0x8f) || (c == 0xed && p[1] > 0x9f))
		return 0;
	return n;
}

/* Line of the first byte that is not text, 0 if it is all text. */
static int
text_check(const char *data, size_t len)
{
	const unsigned char *p = (const unsigned char *)data;
	size_t	 i = 0, n;
	int	 line = 1;

	while (i < len) {
		if (p[i] == '\n')
			line++;
		if (p[i] == '\0' || (p[i] < 0x20 && p[i] != '\n' &&
		    p[i] != '\t' && p[i] != '\r' && p[i] != '\f' &&
		    p[i] != '\v') || p[i] == 0x7f)
			return line;
		if ((n = utf8_len(p + i, len - i)) == 0)
			return line;
		i += n;
	}
	return 0;
}

static int
src_push(struct lex *lx, enum src_kind kind, const char *name,
    const char *path, char *data, size_t len, int line)
{
	struct lex_src	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		free(data);
		lex_error(lx, name, 0, "out of memory");
		return -1;
	}
	s->kind = kind;
	s->name = name;
	s->path = path;
	s->data = data;
	s->len = len;
	s->line = line;
	s->bol = kind == SRC_FILE;
	s->mdepth = lx->src != NULL ? lx->src->mdepth : 0;
	if (kind == SRC_MACRO)
		s->mdepth++;
	else
		lx->depth++;
	s->prev = lx->src;
	lx->src = s;
	return 0;
}

static int
push_checked(struct lex *lx, const char *name, const char *path, char *data,
    size_t len)
{
	int	 bad;

	if ((bad = text_check(data, len)) != 0) {
		free(data);
		lex_error(lx, name, bad, "not a text file");
		return -1;
	}
	return src_push(lx, SRC_FILE, name, path, data, len, 1);
}

int
lex_push_text(struct lex *lx, const char *name, const char *text,
    size_t len)
{
	char		*data;
	const char	*kept;

	if ((kept = lex_keep(lx, name)) == NULL ||
	    (data = malloc(len + 1)) == NULL) {
		lex_error(lx, name, 0, "out of memory");
		return -1;
	}
	memcpy(data, text, len);
	data[len] = '\0';
	return push_checked(lx, kept, kept, data, len);
}

/* Read a whole file, bounded; errno is set on failure. */
static char *
read_file(const char *path, size_t *lenp, bool *toobig)
{
	FILE	*f;
	char	*data, *p;
	size_t	 len = 0, cap = 8192, n;

	*toobig = false;
	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if ((data = malloc(cap)) == NULL)
		goto fail;
	for (;;) {
		if (len == cap) {
			if (cap >= LEX_FILE_MAX) {
				*toobig = true;
				goto fail;
			}
			cap *= 2;
			if ((p = realloc(data, cap)) == NULL)
				goto fail;
			data = p;
		}
		n = fread(data + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	*lenp = len;
	return data;
fail:
	free(data);
	fclose(f);
	return NULL;
}

/* Lexical normalisation of a path, enough to see an include loop. */
static void
path_normalize(char *p)
{
	char	*comp[HS_PATH_MAX / 2], *tok, *save = NULL;
	char	 copy[HS_PATH_MAX];
	size_t	 n = 0, i;
	bool	 abs = *p == '/';

	(void)snprintf(copy, sizeof(copy), "%s", p);
	for (tok = strtok_r(copy, "/", &save); tok != NULL;
	    tok = strtok_r(NULL, "/", &save)) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0 && n > 0 &&
		    strcmp(comp[n - 1], "..") != 0) {
			n--;
			continue;
		}
		if (strcmp(tok, "..") == 0 && n == 0 && abs)
			continue;
		comp[n++] = tok;
	}
	p[0] = '\0';
	if (abs)
		strcpy(p, "/");
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(p, "/");
		strcat(p, comp[i]);
	}
	if (*p == '\0')
		strcpy(p, ".");
}

static bool
include_loops(struct lex *lx, const char *path)
{
	struct lex_src	*s;

	for (s = lx->src; s != NULL; s = s->prev)
		if (s->kind == SRC_FILE && strcmp(s->path, path) == 0)
			return true;
	return false;
}

/* The path of an include: relative to the including file's directory. */
static int
include_path(struct lex *lx, const char *path, char *out, size_t len)
{
	const char	*slash;
	int		 n;

	if (path[0] == '/' || lx->src == NULL ||
	    (slash = strrchr(lx->src->path, '/')) == NULL)
		n = snprintf(out, len, "%s", path);
	else
		n = snprintf(out, len, "%.*s/%s",
		    (int)(slash - lx->src->path), lx->src->path, path);
	if (n < 0 || (size_t)n >= len)
		return -1;
	path_normalize(out);
	return 0;
}

int
lex_push_file(struct lex *lx, const char *path, const char *incfile,
    int incline)
{
	char		 full[HS_PATH_MAX];
	const char	*name, *kept, *where = incfile != NULL ? incfile : path;
	char		*data;
	size_t		 len;
	bool		 toobig;

	if (incfile != NULL && lx->noinclude) {
		lex_error(lx, incfile, incline, "include not allowed here");
		return -1;
	}
	if (lx->depth >= PARSE_INCLUDE_DEPTH) {
		lex_error(lx, where, incline, "include \"%s\": more than %d "
		    "nested includes", path, PARSE_INCLUDE_DEPTH);
		return -1;
	}
	if (include_path(lx, path, full, sizeof(full)) == -1) {
		lex_error(lx, where, incline, "include \"%s\": path too long",
		    path);
		return -1;
	}
	if (include_loops(lx, full)) {
		lex_error(lx, where, incline, "include loop: \"%s\" is "
		    "already being read", path);
		return -1;
	}
	if ((data = read_file(full, &len, &toobig)) == NULL) {
		if (incfile != NULL)
			lex_error(lx, incfile, incline, "cannot open include "
			    "file \"%s\": %s", path, toobig ? "file too large" :
			    strerror(errno));
		else
			lex_error(lx, path, 0, "cannot open: %s", toobig ?
			    "file too large" : strerror(errno));
		return -1;
	}
	if ((name = lex_keep(lx, path)) == NULL ||
	    (kept = lex_keep(lx, full)) == NULL) {
		free(data);
		lex_error(lx, where, incline, "out of memory");
		return -1;
	}
	return push_checked(lx, name, kept, data, len);
}

static struct lex_macro *
macro_find(struct lex *lx, const char *name, size_t len)
{
	struct lex_macro *m;

	for (m = lx->macros; m != NULL; m = m->next)
		if (strlen(m->name) == len && memcmp(m->name, name, len) == 0)
			return m;
	return NULL;
}

bool
lex_macro_name_ok(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!(*s == '_' || (*s >= '0' && *s <= '9') ||
		    (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
			return false;
	return true;
}

int
lex_macro_set(struct lex *lx, const char *name, const char *value,
    bool persistent, const char *file, int line)
{
	struct lex_macro *m;
	char		 *v;

	if ((m = macro_find(lx, name, strlen(name))) != NULL) {
		if (m->persistent && !persistent)
			return 0;	/* -D wins over the file */
		if ((v = strdup(value)) == NULL)
			return -1;
		free(m->value);
		m->value = v;
		m->file = file;
		m->line = line;
		m->persistent = persistent;
		return 0;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return -1;
	if ((m->name = strdup(name)) == NULL ||
	    (m->value = strdup(value)) == NULL) {
		free(m->name);
		free(m);
		return -1;
	}
	m->persistent = persistent;
	m->file = file;
	m->line = line;
	m->next = lx->macros;
	lx->macros = m;
	return 0;
}

void
lex_macro_notes(struct lex *lx, struct buf *notes)
{
	struct lex_macro *m;

	for (m = lx->macros; m != NULL; m = m->next)
		if (!m->used && !m->persistent)
			buf_printf(notes, "%s:%d: note: macro %s is not "
			    "used\n", m->file, m->line, m->name);
}

static bool
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static bool
is_name_char(int c)
{
	return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

static bool
ends_word(const struct lex_src *s, size_t pos)
{
	int	c;

	if (pos >= s->len)
		return true;
	c = (unsigned char)s->data[pos];
	if (c == '\\' && pos + 1 < s->len && s->data[pos + 1] == '\n')
		return true;
	return is_space(c) || c == '\n' || c == '{' || c == '}' ||
	    c == ',' || c == '=' || c == '#' || c == '"' || c == '\'';
}

/* Append n bytes to the token; false once it is too long. */
static bool
tok_add(struct token *t, const char *p, size_t n)
{
	if (n > LEX_TOKEN_MAX - t->len)
		return false;
	memcpy(t->text + t->len, p, n);
	t->len += n;
	t->text[t->len] = '\0';
	return true;
}

bool
lex_runtime_var(const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < sizeof(runtime_vars) / sizeof(runtime_vars[0]); i++)
		if (strlen(runtime_vars[i]) == len &&
		    memcmp(runtime_vars[i], name, len) == 0)
			return true;
	return false;
}

/* $name inside a string: a defined macro, a run-time variable, or wrong. */
static bool
string_dollar(struct lex *lx, struct lex_src *s, struct token *t, bool *ok)
{
	const char	 *name = s->data + s->pos;
	size_t		  n = 0;
	struct lex_macro *m;

	while (s->pos + n < s->len && is_name_char((unsigned char)name[n]))
		n++;
	s->pos += n;
	if (n == 0)
		return tok_add(t, "$", 1);
	if ((m = macro_find(lx, name, n)) != NULL) {
		m->used = true;
		return tok_add(t, m->value, strlen(m->value));
	}
	if (lex_runtime_var(name, n))
		return tok_add(t, "$", 1) && tok_add(t, name, n);
	lex_error(lx, t->file, t->line, "macro '%.*s' not defined", (int)n,
	    name);
	*ok = false;
	return true;
}

static enum tok_type
lex_string(struct lex *lx, struct lex_src *s, struct token *t)
{
	char	 quote = s->data[s->pos++], c;
	bool	 fits = true, ok = true;

	for (;;) {
		if (s->pos >= s->len || s->data[s->pos] == '\n') {
			lex_error(lx, t->file, t->line, "unterminated string");
			return TOK_ERROR;
		}
		c = s->data[s->pos++];
		if (c == quote)
			break;
		if (c == '\\' && s->pos < s->len && s->data[s->pos] == '\n') {
			s->pos++;
			s->line++;
		} else if (c == '\\' && s->pos < s->len) {
			fits = fits && tok_add(t, s->data + s->pos - 1, 2);
			s->pos++;
		} else if (c == '$')
			fits = fits && string_dollar(lx, s, t, &ok);
		else
			fits = fits && tok_add(t, &c, 1);
	}
	if (!fits) {
		lex_error(lx, t->file, t->line, "string too long (max %d)",
		    LEX_TOKEN_MAX);
		return TOK_ERROR;
	}
	return ok ? TOK_STRING : TOK_ERROR;
}

/*
 * $name outside quotes: its value is read as if written in its place; the
 * rest of the word sticks to it ($net.100 with net=10.1.1 is 10.1.1.100).
 */
static enum tok_type
lex_macro_ref(struct lex *lx, struct lex_src *s, struct token *t)
{
	struct lex_macro *m;
	size_t		  start = ++s->pos, vlen, rest;
	char		 *v;

	while (s->pos < s->len && is_name_char((unsigned char)s->data[s->pos]))
		s->pos++;
	m = macro_find(lx, s->data + start, s->pos - start);
	if (m == NULL || s->pos == start) {
		while (!ends_word(s, s->pos))
			s->pos++;
		lex_error(lx, t->file, t->line, "macro '%.*s' not defined",
		    (int)(s->pos - start), s->data + start);
		return TOK_ERROR;
	}
	m->used = true;
	if (s->mdepth >= LEX_MACRO_DEPTH) {
		lex_error(lx, t->file, t->line, "macro '%s' nested too "
		    "deeply", m->name);
		return TOK_ERROR;
	}
	start = s->pos;
	while (!ends_word(s, s->pos))
		s->pos++;
	vlen = strlen(m->value);
	rest = s->pos - start;
	if ((v = malloc(vlen + rest + 1)) == NULL) {
		lex_error(lx, t->file, t->line, "out of memory");
		return TOK_ERROR;
	}
	memcpy(v, m->value, vlen);
	memcpy(v + vlen, s->data + start, rest);
	v[vlen + rest] = '\0';
	if (src_push(lx, SRC_MACRO, s->name, s->path, v, vlen + rest,
	    s->line) == -1)
		return TOK_ERROR;
	return TOK_EOF;		/* nothing yet: read on from the value */
}

static enum tok_type
lex_word(struct lex *lx, struct lex_src *s, struct token *t)
{
	size_t	 start = s->pos;

	while (!ends_word(s, s->pos))
		s->pos++;
	if (!tok_add(t, s->data + start, s->pos - start)) {
		lex_error(lx, t->file, t->line, "word too long (max %d)",
		    LEX_TOKEN_MAX);
		return TOK_ERROR;
	}
	t->kw = lex_keyword(t->text);
	return TOK_WORD;
}

/* At the start of a line of a file: refuse a line that is too long. */
static void
line_check(struct lex *lx, struct lex_src *s)
{
	const char	*nl;
	size_t		 eol;

	s->bol = false;
	nl = memchr(s->data + s->pos, '\n', s->len - s->pos);
	eol = nl != NULL ? (size_t)(nl - s->data) : s->len;
	if (eol - s->pos > PARSE_LINE_MAX) {
		lex_error(lx, s->name, s->line, "line too long (%zu bytes, "
		    "max %d)", eol - s->pos, PARSE_LINE_MAX);
		s->pos = eol;
	}
}

/* Skip blanks, comments and continuations; false at the end of input. */
static bool
skip_blanks(struct lex *lx, struct lex_src *s)
{
	int	 c;

	for (;;) {
		if (s->bol)
			line_check(lx, s);
		if (s->pos >= s->len)
			return false;
		c = (unsigned char)s->data[s->pos];
		if (is_space(c) || (c == '\n' && s->kind == SRC_MACRO))
			s->pos++;
		else if (c == '\\' && s->pos + 1 < s->len &&
		    s->data[s->pos + 1] == '\n') {
			s->pos += 2;
			s->line++;
			s->bol = true;
		} else if (c == '#') {
			while (s->pos < s->len && s->data[s->pos] != '\n')
				s->pos++;
		} else
			return true;
	}
}

/* The token at the current position, TOK_EOF if a macro was pushed. */
static enum tok_type
lex_one(struct lex *lx, struct lex_src *s, struct token *t)
{
	char	 c = s->data[s->pos];

	switch (c) {
	case '\n':
		s->pos++;
		s->line++;
		s->bol = true;
		return TOK_NL;
	case '{':
		s->pos++;
		return TOK_LBRACE;
	case '}':
		s->pos++;
		return TOK_RBRACE;
	case ',':
		s->pos++;
		return TOK_COMMA;
	case '=':
		s->pos++;
		return TOK_EQUAL;
	case '"':
	case '\'':
		return lex_string(lx, s, t);
	case '$':
		return lex_macro_ref(lx, s, t);
	default:
		return lex_word(lx, s, t);
	}
}

void
lex_next(struct lex *lx)
{
	struct token	*t = &lx->tok;
	struct lex_src	*s;
	enum src_kind	 kind;

	for (;;) {
		t->type = TOK_EOF;
		t->kw = KW_NONE;
		t->len = 0;
		t->text[0] = '\0';
		if ((s = lx->src) == NULL)
			return;
		if (!skip_blanks(lx, s)) {
			t->file = s->name;
			t->line = s->line;
			if (s->prev == NULL)
				return;
			kind = s->kind;
			src_pop(lx);
			if (kind == SRC_FILE) {
				/* an included file ends its last statement */
				t->file = lx->src->name;
				t->line = lx->src->line;
				t->type = TOK_NL;
				return;
			}
			continue;
		}
		t->file = s->name;
		t->line = s->line;
		t->type = lex_one(lx, s, t);
		if (t->type != TOK_EOF)
			return;
	}
}

bool
lex_line_opens_block(const struct lex *lx)
{
	const struct lex_src	*s = lx->src;
	size_t			 start, end, i;
	char			 quote = 0, last = 0;

	if (s == NULL || s->kind != SRC_FILE || lx->tok.type != TOK_WORD)
		return false;
	/* The token was the first thing on its line. */
	start = s->pos - lx->tok.len;
	for (i = start; i > 0 && is_space(s->data[i - 1]); i--)
		;
	if (i > 0 && s->data[i - 1] != '\n')
		return false;
	for (end = s->pos; end < s->len && s->data[end] != '\n'; end++) {
		char c = s->data[end];

		if (quote != 0) {
			if (c == quote)
				quote = 0;
			continue;
		}
		if (c == '#')
			break;
		if (c == '"' || c == '\'')
			quote = c;
		else if (!is_space(c))
			last = c;
	}
	return last == '{';
}
