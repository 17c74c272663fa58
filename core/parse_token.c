/* Token helpers of the parser: expect, strings, numbers, ports, addresses. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/parse_priv.h"

void
p_next(struct parser *p)
{
	lex_next(&p->lx);
}

struct pos
p_pos(struct parser *p)
{
	struct pos	 at = { TOK(p)->file, TOK(p)->line };

	return at;
}

void
p_error_at(struct parser *p, const struct pos *at, const char *fmt, ...)
{
	char		 msg[1024];
	va_list		 ap;
	struct pos	 here;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (at->file == NULL)	/* no position: the current token's */
		here = p_pos(p);
	else
		here = *at;
	lex_error(&p->lx, here.file != NULL ? here.file : "?", here.line,
	    "%s", msg);
}

void
p_error(struct parser *p, const char *fmt, ...)
{
	char		 msg[1024];
	va_list		 ap;
	struct pos	 at = p_pos(p);

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p_error_at(p, &at, "%s", msg);
}

/* The current token, as a message shows it. */
const char *
p_tokdesc(struct parser *p)
{
	switch (TOK(p)->type) {
	case TOK_EOF:
		return "end of file";
	case TOK_NL:
		return "end of line";
	case TOK_LBRACE:
		return "'{'";
	case TOK_RBRACE:
		return "'}'";
	case TOK_COMMA:
		return "','";
	case TOK_EQUAL:
		return "'='";
	default:
		return TOK(p)->text;
	}
}

/* A syntax error at the current token; returns -1. */
int
p_syntax(struct parser *p)
{
	if (TOK(p)->type == TOK_ERROR)
		return -1;	/* the lexer said why */
	if (TOK(p)->type == TOK_WORD || TOK(p)->type == TOK_STRING)
		p_error(p, "syntax error: unexpected '%.64s'", TOK(p)->text);
	else
		p_error(p, "syntax error: unexpected %s", p_tokdesc(p));
	return -1;
}

bool
p_is_kw(struct parser *p, enum keyword kw)
{
	return TOK(p)->type == TOK_WORD && TOK(p)->kw == kw;
}

bool
p_accept(struct parser *p, enum keyword kw)
{
	if (!p_is_kw(p, kw))
		return false;
	p_next(p);
	return true;
}

/* A word that is no keyword, an option's name only where it is one. */
bool
p_accept_word(struct parser *p, const char *word)
{
	if (TOK(p)->type != TOK_WORD || TOK(p)->kw != KW_NONE ||
	    strcmp(TOK(p)->text, word) != 0)
		return false;
	p_next(p);
	return true;
}

int
p_expect(struct parser *p, enum keyword kw)
{
	if (p_accept(p, kw))
		return 0;
	if (TOK(p)->type == TOK_ERROR)
		return -1;
	p_error(p, "syntax error: expected '%s' before %s%.64s%s",
	    lex_keyword_text(kw), TOK(p)->type == TOK_WORD ? "'" : "",
	    p_tokdesc(p), TOK(p)->type == TOK_WORD ? "'" : "");
	return -1;
}

/* A string argument comes next: quoted, or a word that is no keyword. */
bool
p_at_string(struct parser *p)
{
	return TOK(p)->type == TOK_STRING ||
	    (TOK(p)->type == TOK_WORD && TOK(p)->kw == KW_NONE);
}

/* Copy src to out translating backslash escapes; c: the C ones too. */
static int
unescape(const char *src, char *out, size_t len, bool c)
{
	size_t	 n = 0;
	char	 ch;

	for (; *src != '\0'; src++) {
		ch = *src;
		if (ch == '\\' && src[1] != '\0') {
			ch = *++src;
			if (c && ch == 'n')
				ch = '\n';
			else if (c && ch == 'r')
				ch = '\r';
			else if (c && ch == 't')
				ch = '\t';
			else if (ch != '\\' && ch != '"' && ch != '\'' &&
			    ch != '$') {
				if (n + 1 >= len)
					return -1;
				out[n++] = '\\';
			}
		}
		if (n + 1 >= len)
			return -1;
		out[n++] = ch;
	}
	out[n] = '\0';
	return 0;
}

static int
string_arg(struct parser *p, char *out, size_t len, const char *what,
    bool c)
{
	struct token	*t = TOK(p);

	if (t->type == TOK_ERROR)
		return -1;
	if (!p_at_string(p)) {
		p_error(p, "syntax error: %s expected before %s%s%s", what,
		    t->type == TOK_WORD ? "'" : "", p_tokdesc(p),
		    t->type == TOK_WORD ? "'" : "");
		return -1;
	}
	if (t->type == TOK_WORD) {
		if ((size_t)snprintf(out, len, "%s", t->text) >= len)
			goto toolong;
	} else if (unescape(t->text, out, len, c) == -1)
		goto toolong;
	p_next(p);
	return 0;
toolong:
	p_error(p, "%s too long (max %zu)", what, len - 1);
	return -1;
}

/* A quoted string or a word that is not a keyword. */
int
p_string(struct parser *p, char *out, size_t len, const char *what)
{
	return string_arg(p, out, len, what, false);
}

/* The same with the C escapes \n \r \t translated. */
int
p_cstring(struct parser *p, char *out, size_t len, const char *what)
{
	return string_arg(p, out, len, what, true);
}

/* The name of an object: a quoted string or any word. */
int
p_name(struct parser *p, char *out, size_t len, const char *what)
{
	struct token	*t = TOK(p);

	if (t->type != TOK_STRING && t->type != TOK_WORD)
		return p_string(p, out, len, what);
	if (t->len == 0) {
		p_error(p, "%s must not be empty", what);
		return -1;
	}
	if (t->len >= len || (t->type == TOK_STRING &&
	    unescape(t->text, out, len, false) == -1)) {
		p_error(p, "%s too long: '%.64s...' (max %zu)", what, t->text,
		    len - 1);
		return -1;
	}
	if (t->type == TOK_WORD)
		memcpy(out, t->text, t->len + 1);
	p_next(p);
	return 0;
}

int
p_number(struct parser *p, uint32_t min, uint32_t max, const char *what,
    uint32_t *out)
{
	struct token		*t = TOK(p);
	unsigned long long	 v = 0;
	size_t			 i;

	if (t->type == TOK_ERROR)
		return -1;
	if (t->type != TOK_WORD || t->len == 0) {
		p_error(p, "syntax error: %s expected before %s", what,
		    p_tokdesc(p));
		return -1;
	}
	for (i = 0; i < t->len; i++) {
		if (t->text[i] < '0' || t->text[i] > '9') {
			p_error(p, "invalid %s '%.64s': not a number", what,
			    t->text);
			return -1;
		}
		if (v <= UINT32_MAX)
			v = v * 10 + (unsigned)(t->text[i] - '0');
	}
	if (v < min || v > max) {
		p_error(p, "invalid %s %.64s (must be %u..%u)", what, t->text,
		    min, max);
		return -1;
	}
	*out = (uint32_t)v;
	p_next(p);
	return 0;
}

int
p_port(struct parser *p, uint16_t *port)
{
	struct token	*t = TOK(p);
	uint32_t	 v;
	size_t		 i;

	if (t->type == TOK_ERROR)
		return -1;
	if (t->type == TOK_WORD && port_by_name(t->text, port) == 0) {
		p_next(p);
		return 0;
	}
	for (i = 0; t->type == TOK_WORD && i < t->len; i++)
		if (t->text[i] < '0' || t->text[i] > '9')
			break;
	if (t->type != TOK_WORD && t->type != TOK_STRING) {
		p_error(p, "syntax error: port expected before %s",
		    p_tokdesc(p));
		return -1;
	}
	if (t->type != TOK_WORD || t->len == 0 || i < t->len) {
		p_error(p, "invalid port %.64s", t->text);
		return -1;
	}
	if (t->len > 5 || (v = (uint32_t)atoi(t->text)) < 1 || v > 65535) {
		p_error(p, "invalid port %.64s (must be 1..65535 or a "
		    "service name)", t->text);
		return -1;
	}
	*port = (uint16_t)v;
	p_next(p);
	return 0;
}

/* Host names: letters, digits, '-', '.', '_'; not only digits and dots. */
static bool
hostname_ok(const char *s)
{
	bool	 alpha = false;

	if (*s == '\0' || *s == '-' || *s == '.')
		return false;
	for (; *s != '\0'; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    *s == '_')
			alpha = true;
		else if (!((*s >= '0' && *s <= '9') || *s == '-' || *s == '.'))
			return false;
	}
	return alpha;
}

/* An address or a host name resolved now; name keeps it as written. */
int
p_address(struct parser *p, char *name, size_t len, struct hs_addr *addr)
{
	struct hs_addr	 found[8];
	size_t		 n = 0;
	struct pos	 at = p_pos(p);

	if (p_name(p, name, len, "address") == -1)
		return -1;
	if (addr_parse(name, addr) == 0)
		return 0;
	if (!hostname_ok(name)) {
		p_error_at(p, &at, "invalid address %s", name);
		return -1;
	}
	if (p->opts->resolve != NULL)
		n = p->opts->resolve(p->opts->resolve_arg, name, found, 8);
	if (n == 0) {
		p_error_at(p, &at, "cannot resolve host %s", name);
		return -1;
	}
	*addr = found[0];
	return 0;
}

void *
p_grow(void *arr, size_t *cap, size_t n, size_t size)
{
	size_t	 ncap;
	void	*a;

	if (n < *cap)
		return arr;
	ncap = *cap == 0 ? 8 : *cap * 2;
	if ((a = realloc(arr, ncap * size)) == NULL)
		return NULL;
	memset((char *)a + *cap * size, 0, (ncap - *cap) * size);
	*cap = ncap;
	return a;
}
