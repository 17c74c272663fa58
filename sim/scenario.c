/*
 * The scenario parser.  One statement per line; words are separated by
 * blanks, "double quotes" group words (with \" \\ \n \t escapes) and '#'
 * starts a comment outside quotes.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sim/world.h"
#include "core/addr.h"
#include "sim/scenario.h"
#include "sim/scenario_priv.h"

void
perr(struct pstate *ps, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	errors_vadd(ps->errs, ps->line, fmt, ap);
	va_end(ap);
	ps->nerr++;
}

int
scenario_time(const char *s, uint64_t *ms)
{
	uint64_t	 whole = 0, frac = 0, scale = 1, unit;
	const char	*p = s;
	int		 ndig = 0;

	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		if (whole > UINT64_MAX / 10 / 3600000)
			return -1;
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++, ndig++) {
			if (ndig >= 9)
				return -1;
			frac = frac * 10 + (uint64_t)(*p - '0');
			scale *= 10;
		}
		if (ndig == 0)
			return -1;
	}
	if (strcmp(p, "ms") == 0)
		unit = 1;
	else if (strcmp(p, "s") == 0)
		unit = 1000;
	else if (strcmp(p, "m") == 0)
		unit = 60000;
	else if (strcmp(p, "h") == 0)
		unit = 3600000;
	else
		return -1;
	/* No time finer than a millisecond. */
	if ((frac * unit) % scale != 0)
		return -1;
	*ms = whole * unit + frac * unit / scale;
	return 0;
}

static int
unescape(char c)
{
	switch (c) {
	case 'n':
		return '\n';
	case 't':
		return '\t';
	case 'r':
		return '\r';
	case '"':
	case '\\':
		return c;
	default:
		return -1;
	}
}

/* Split a line into words; -1 with a message on a syntax error. */
static int
split_words(struct pstate *ps, const char *line, struct words *wd)
{
	const char	*p = line;
	char		*o = wd->store, *end = wd->store + sizeof(wd->store);
	int		 c;

	wd->n = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (*p == '\0' || *p == '#')
			return 0;
		if (wd->n == SCEN_WORDS_MAX) {
			perr(ps, "too many words (at most %d)", SCEN_WORDS_MAX);
			return -1;
		}
		wd->w[wd->n] = o;
		wd->quoted[wd->n] = *p == '"';
		if (*p == '"') {
			for (p++; *p != '"'; p++) {
				if (*p == '\0') {
					perr(ps, "unterminated quoted string");
					return -1;
				}
				c = *p;
				if (c == '\\' && (c = unescape(*++p)) == -1) {
					perr(ps, "unknown escape \\%c in string",
					    *p != '\0' ? *p : ' ');
					return -1;
				}
				if (o + 1 >= end)
					goto toolong;
				*o++ = (char)c;
			}
			p++;
		} else {
			while (*p != '\0' && *p != ' ' && *p != '\t' &&
			    *p != '\r' && *p != '#') {
				if (o + 1 >= end)
					goto toolong;
				*o++ = *p++;
			}
		}
		*o++ = '\0';
		wd->n++;
	}
toolong:
	perr(ps, "line too long");
	return -1;
}

struct scen_stmt *
stmt_new(struct pstate *ps, uint64_t t, enum scen_kind kind)
{
	struct scenario		*sc = ps->sc;
	struct scen_stmt	*s;

	if (sc->nstmts >= SCEN_STMTS_MAX) {
		perr(ps, "too many statements (at most %d)", SCEN_STMTS_MAX);
		return NULL;
	}
	s = realloc(sc->stmts, (sc->nstmts + 1) * sizeof(*s));
	if (s == NULL) {
		perr(ps, "out of memory");
		return NULL;
	}
	sc->stmts = s;
	s = &sc->stmts[sc->nstmts++];
	memset(s, 0, sizeof(*s));
	s->time_ms = t;
	s->line = ps->line;
	s->kind = kind;
	return s;
}

/* strdup that counts a failure as a parse error. */
char *
pdup(struct pstate *ps, const char *s)
{
	char	*d;

	if ((d = strdup(s)) == NULL)
		perr(ps, "out of memory");
	return d;
}

/* Rebuild "words..." from index i for the timeline echo. */
char *
join_words(struct pstate *ps, const struct words *wd, int i)
{
	struct buf	b;
	char		*s;
	const char	*p;

	buf_init(&b, SCEN_LINE_MAX * 2);
	for (; i < wd->n; i++) {
		if (b.len > 0)
			buf_puts(&b, " ");
		if (!wd->quoted[i]) {
			buf_puts(&b, wd->w[i]);
			continue;
		}
		buf_puts(&b, "\"");
		for (p = wd->w[i]; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				buf_printf(&b, "\\%c", *p);
			else if (*p == '\n')
				buf_puts(&b, "\\n");
			else if (*p == '\t')
				buf_puts(&b, "\\t");
			else
				buf_printf(&b, "%c", *p);
		}
		buf_puts(&b, "\"");
	}
	s = pdup(ps, buf_str(&b));
	buf_free(&b);
	return s;
}

int
parse_number(const char *s, uint64_t max, uint64_t *out)
{
	char			*end;
	unsigned long long	 v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
parse_define(struct pstate *ps, const struct words *wd)
{
	struct scenario	*sc = ps->sc;
	char		**d;
	size_t		 len;
	const char	*p;

	if (wd->n != 3) {
		perr(ps, "usage: define NAME VALUE");
		return -1;
	}
	for (p = wd->w[1]; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			break;
	if (*p != '\0' || wd->w[1][0] == '\0' ||
	    isdigit((unsigned char)wd->w[1][0])) {
		perr(ps, "invalid macro name: %s", wd->w[1]);
		return -1;
	}
	if (sc->ndefines >= SCEN_DEFINES_MAX) {
		perr(ps, "too many defines (at most %d)", SCEN_DEFINES_MAX);
		return -1;
	}
	if ((d = realloc(sc->defines, (sc->ndefines + 1) * sizeof(*d))) ==
	    NULL) {
		perr(ps, "out of memory");
		return -1;
	}
	sc->defines = d;
	len = strlen(wd->w[1]) + strlen(wd->w[2]) + 2;
	if ((d[sc->ndefines] = malloc(len)) == NULL) {
		perr(ps, "out of memory");
		return -1;
	}
	(void)snprintf(d[sc->ndefines++], len, "%s=%s", wd->w[1], wd->w[2]);
	return 0;
}

static int
parse_config(struct pstate *ps, const struct words *wd)
{
	struct scenario	*sc = ps->sc;
	int		 i;

	if (sc->config_path != NULL || ps->config.len > 0 ||
	    sc->config_text != NULL) {
		perr(ps, "config given twice");
		return -1;
	}
	if (wd->n == 2 && wd->quoted[1]) {
		if ((sc->config_path = scenario_path(sc, wd->w[1])) == NULL) {
			perr(ps, "out of memory");
			return -1;
		}
		return 0;
	}
	if (wd->n != 2 || strcmp(wd->w[1], "{") != 0) {
		perr(ps, "usage: config \"FILE\" or config { ... }");
		return -1;
	}
	/* Pad so the parser's line numbers are the scenario's. */
	for (i = 0; i < ps->line; i++)
		buf_puts(&ps->config, "\n");
	sc->config_line = ps->line;
	ps->in_config = true;
	ps->depth = 1;
	return 0;
}

/* jitter MAX, or jitter MIN MAX: answers come that much later. */
static int
parse_jitter(struct pstate *ps, const struct words *wd)
{
	struct scenario	*sc = ps->sc;
	uint64_t	 lo = 0, hi;
	int		 i;

	if (wd->n != 2 && wd->n != 3) {
		perr(ps, "usage: jitter [MIN] MAX");
		return -1;
	}
	for (i = 1; i < wd->n; i++) {
		if (scenario_time(wd->w[i], &hi) == -1 ||
		    hi > SCEN_JITTER_MAX_MS) {
			perr(ps, "invalid jitter: %s (at most 1h)", wd->w[i]);
			return -1;
		}
		if (i == 1 && wd->n == 3)
			lo = hi;
	}
	if (lo > hi) {
		perr(ps, "jitter: %s is more than %s", wd->w[1], wd->w[2]);
		return -1;
	}
	sc->jitter_min_ms = (uint32_t)lo;
	sc->jitter_max_ms = (uint32_t)hi;
	return 0;
}

static int
parse_scalar(struct pstate *ps, const struct words *wd)
{
	struct scenario	*sc = ps->sc;
	const char	*kw = wd->w[0];

	if (wd->n != 2) {
		perr(ps, "usage: %s %s", kw, strcmp(kw, "inject") == 0 ?
		    "drop-table-remove|pfe-switches-first" :
		    strcmp(kw, "seed") == 0 ? "N" : "TIME");
		return -1;
	}
	if (strcmp(kw, "seed") == 0) {
		if (parse_number(wd->w[1], UINT64_MAX, &sc->seed) == -1) {
			perr(ps, "invalid seed: %s", wd->w[1]);
			return -1;
		}
		sc->has_seed = true;
	} else if (strcmp(kw, "run") == 0) {
		if (sc->has_run) {
			perr(ps, "run given twice");
			return -1;
		}
		if (scenario_time(wd->w[1], &sc->run_ms) == -1) {
			perr(ps, "invalid time: %s", wd->w[1]);
			return -1;
		}
		sc->has_run = true;
	} else {
		if (world_inject_word(wd->w[1]) == 0) {
			perr(ps, "unknown fault injection: %s", wd->w[1]);
			return -1;
		}
		sc->inject |= world_inject_word(wd->w[1]);
	}
	return 0;
}

static int
parse_statement(struct pstate *ps, const struct words *wd)
{
	const char	*kw = wd->w[0];

	if (strcmp(kw, "at") == 0)
		return parse_at(ps, wd);
	if (strcmp(kw, "config") == 0)
		return parse_config(ps, wd);
	if (strcmp(kw, "define") == 0)
		return parse_define(ps, wd);
	if (strcmp(kw, "seed") == 0 || strcmp(kw, "run") == 0 ||
	    strcmp(kw, "inject") == 0)
		return parse_scalar(ps, wd);
	if (strcmp(kw, "jitter") == 0)
		return parse_jitter(ps, wd);
	perr(ps, "unknown statement: %s", kw);
	return -1;
}

/* A line of an inline configuration: find its closing brace. */
static void
config_line(struct pstate *ps, const char *line)
{
	const char	*p;
	bool		 quoted = false;

	for (p = line; *p != '\0'; p++) {
		if (quoted) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '"')
				quoted = false;
			continue;
		}
		if (*p == '#')
			break;
		if (*p == '"')
			quoted = true;
		else if (*p == '{')
			ps->depth++;
		else if (*p == '}' && --ps->depth == 0)
			break;
	}
	if (ps->depth > 0) {
		buf_printf(&ps->config, "%s\n", line);
		return;
	}
	buf_add(&ps->config, line, (size_t)(p - line));
	buf_puts(&ps->config, "\n");
	ps->in_config = false;
	for (p++; *p == ' ' || *p == '\t' || *p == '\r'; p++)
		;
	if (*p != '\0' && *p != '#')
		perr(ps, "text after the configuration's closing brace");
	if (ps->config.truncated)
		perr(ps, "inline configuration too large");
	else if ((ps->sc->config_text = strdup(buf_str(&ps->config))) == NULL)
		perr(ps, "out of memory");
}

static int
stmt_cmp(const void *a, const void *b)
{
	const struct scen_stmt	*x = a, *y = b;

	if (x->time_ms != y->time_ms)
		return x->time_ms < y->time_ms ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

static void
scenario_finish(struct pstate *ps)
{
	struct scenario	*sc = ps->sc;
	size_t		 i;

	if (ps->in_config)
		perr(ps, "inline configuration not closed (missing })");
	else if (sc->config_path == NULL && sc->config_text == NULL) {
		ps->line = 0;
		perr(ps, "no config statement");
	}
	if (sc->nstmts > 1)
		qsort(sc->stmts, sc->nstmts, sizeof(*sc->stmts), stmt_cmp);
	if (!sc->has_run) {
		sc->run_ms = sc->nstmts > 0 ?
		    sc->stmts[sc->nstmts - 1].time_ms : 0;
		return;
	}
	for (i = 0; i < sc->nstmts; i++) {
		if (sc->stmts[i].time_ms <= sc->run_ms)
			continue;
		ps->line = sc->stmts[i].line;
		perr(ps, "statement after the end of the run (run %llu ms)",
		    (unsigned long long)sc->run_ms);
	}
}

static int
scenario_set_path(struct scenario *sc, const char *name)
{
	const char	*slash;

	if ((sc->path = strdup(name)) == NULL)
		return -1;
	slash = strrchr(name, '/');
	if (slash == NULL)
		sc->dir = strdup(".");
	else
		sc->dir = strndup(name, (size_t)(slash - name) +
		    (slash == name ? 1 : 0));
	return sc->dir == NULL ? -1 : 0;
}

char *
scenario_path(const struct scenario *sc, const char *rel)
{
	size_t	 len;
	char	*p;

	if (rel[0] == '/' || sc->dir == NULL || strcmp(sc->dir, ".") == 0)
		return strdup(rel);
	len = strlen(sc->dir) + strlen(rel) + 2;
	if ((p = malloc(len)) == NULL)
		return NULL;
	(void)snprintf(p, len, "%s/%s", sc->dir, rel);
	return p;
}

int
scenario_parse_all(const char *name, const char *text, size_t len,
    struct scenario *sc, struct scen_errors *errs)
{
	struct pstate	 ps;
	struct words	*wd;
	char		 line[SCEN_LINE_MAX + 1];
	const char	*nl;
	size_t		 pos = 0, n;

	memset(sc, 0, sizeof(*sc));
	memset(&ps, 0, sizeof(ps));
	ps.name = name;
	ps.sc = sc;
	ps.errs = errs;
	sc->jitter_max_ms = SCEN_JITTER_DEFAULT_MS;
	if (scenario_set_path(sc, name) == -1 ||
	    (wd = malloc(sizeof(*wd))) == NULL) {
		perr(&ps, "out of memory");
		return ps.nerr;
	}
	buf_init(&ps.config, SCEN_FILE_MAX);
	while (pos < len) {
		ps.line++;
		/* The text need not end with a NUL: bound every search. */
		nl = memchr(text + pos, '\n', len - pos);
		n = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
		pos += n + 1;
		if (n > SCEN_LINE_MAX) {
			perr(&ps, "line too long (at most %d bytes)",
			    SCEN_LINE_MAX);
			continue;
		}
		if (memchr(text + pos - n - 1, '\0', n) != NULL) {
			perr(&ps, "NUL byte in scenario");
			continue;
		}
		memcpy(line, text + pos - n - 1, n);
		line[n] = '\0';
		if (ps.in_config)
			config_line(&ps, line);
		else if (split_words(&ps, line, wd) == 0 && wd->n > 0)
			(void)parse_statement(&ps, wd);
	}
	scenario_finish(&ps);
	free(wd);
	buf_free(&ps.config);
	return ps.nerr;
}

int
scenario_parse_string(const char *name, const char *text, size_t len,
    struct scenario *sc, struct buf *err)
{
	struct scen_errors	errs;

	memset(&errs, 0, sizeof(errs));
	(void)scenario_parse_all(name, text, len, sc, &errs);
	return errors_finish(&errs, name, sc, err);
}

/* The whole file, bounded; the caller frees *text. */
int
scenario_read(const char *path, char **text, size_t *len, struct buf *err)
{
	FILE	*f;

	if ((f = fopen(path, "r")) == NULL) {
		buf_printf(err, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if ((*text = malloc(SCEN_FILE_MAX + 1)) == NULL) {
		fclose(f);
		buf_printf(err, "%s: out of memory\n", path);
		return -1;
	}
	*len = fread(*text, 1, SCEN_FILE_MAX + 1, f);
	if (ferror(f) || *len > SCEN_FILE_MAX) {
		buf_printf(err, "%s: %s\n", path, ferror(f) ?
		    "read error" : "file too large");
		fclose(f);
		free(*text);
		*text = NULL;
		return -1;
	}
	fclose(f);
	return 0;
}

int
scenario_parse_file(const char *path, struct scenario *sc, struct buf *err)
{
	char	*text;
	size_t	 len;
	int	 rv;

	memset(sc, 0, sizeof(*sc));
	if (scenario_read(path, &text, &len, err) == -1)
		return -1;
	rv = scenario_parse_string(path, text, len, sc, err);
	free(text);
	return rv;
}

void
stmt_free(struct scen_stmt *s)
{
	int	i;

	free(s->target);
	free(s->path);
	free(s->text);
	free(s->src);
	for (i = 0; i < s->argc; i++)
		free(s->argv[i]);
	free(s->argv);
	memset(s, 0, sizeof(*s));
}

void
scenario_free(struct scenario *sc)
{
	size_t	i;

	for (i = 0; i < sc->nstmts; i++)
		stmt_free(&sc->stmts[i]);
	for (i = 0; i < sc->ndefines; i++)
		free(sc->defines[i]);
	free(sc->defines);
	free(sc->stmts);
	free(sc->path);
	free(sc->dir);
	free(sc->config_path);
	free(sc->config_text);
	memset(sc, 0, sizeof(*sc));
}
