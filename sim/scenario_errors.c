/*
 * A scenario's errors, all of them: kept as they are found (parsing,
 * the configuration, names that do not exist), printed in line order.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario_priv.h"

static void
errors_push(struct scen_errors *e, int line, bool raw, char *text)
{
	struct scen_error	*v;

	if (text == NULL || e->n >= SCEN_ERRORS_MAX ||
	    (v = realloc(e->v, (e->n + 1) * sizeof(*v))) == NULL) {
		free(text);
		e->dropped++;
		return;
	}
	e->v = v;
	v[e->n].line = line;
	v[e->n].raw = raw;
	v[e->n].text = text;
	e->n++;
}

void
errors_vadd(struct scen_errors *e, int line, const char *fmt, va_list ap)
{
	char	*text;

	if (vasprintf(&text, fmt, ap) == -1)
		text = NULL;
	errors_push(e, line, false, text);
}

void
errors_add(struct scen_errors *e, int line, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	errors_vadd(e, line, fmt, ap);
	va_end(ap);
}

/* "name:LINE: message": the line, or -1. */
static int
text_line(const char *text, const char *name, const char **msg)
{
	size_t	 len = strlen(name);
	long	 line = 0;
	const char *p;

	if (strncmp(text, name, len) != 0 || text[len] != ':' ||
	    !isdigit((unsigned char)text[len + 1]))
		return -1;
	for (p = text + len + 1; isdigit((unsigned char)*p); p++)
		if ((line = line * 10 + (*p - '0')) > 1000000000)
			return -1;
	if (p[0] != ':' || p[1] != ' ')
		return -1;
	*msg = p + 2;
	return (int)line;
}

void
errors_add_text(struct scen_errors *e, const char *name, const char *text)
{
	char		 line[SCEN_LINE_MAX * 2];
	const char	*msg;
	int		 n;

	while (text_next_line(&text, line, sizeof(line))) {
		if ((n = text_line(line, name, &msg)) > 0)
			errors_push(e, n, false, strdup(msg));
		else
			errors_push(e, 0, true, strdup(line));
	}
}

/* Insertion by line keeps the order errors were found within a line. */
static void
errors_sort(struct scen_errors *e)
{
	struct scen_error	x;
	size_t			i, j;

	for (i = 1; i < e->n; i++) {
		x = e->v[i];
		for (j = i; j > 0 && e->v[j - 1].line > x.line; j--)
			e->v[j] = e->v[j - 1];
		e->v[j] = x;
	}
}

void
errors_print(struct scen_errors *e, const char *name, struct buf *out)
{
	size_t	i;

	errors_sort(e);
	for (i = 0; i < e->n; i++) {
		if (e->v[i].raw)
			buf_printf(out, "%s\n", e->v[i].text);
		else if (e->v[i].line == 0)
			buf_printf(out, "%s: %s\n", name, e->v[i].text);
		else
			buf_printf(out, "%s:%d: %s\n", name, e->v[i].line,
			    e->v[i].text);
	}
	if (e->dropped > 0)
		buf_printf(out, "%s: %zu more errors\n", name, e->dropped);
}

int
errors_finish(struct scen_errors *e, const char *name, struct scenario *sc,
    struct buf *out)
{
	int	rv = 0;

	if (e->n > 0 || e->dropped > 0) {
		errors_print(e, name, out);
		if (sc != NULL)
			scenario_free(sc);
		rv = -1;
	}
	errors_free(e);
	return rv;
}

void
errors_free(struct scen_errors *e)
{
	size_t	i;

	for (i = 0; i < e->n; i++)
		free(e->v[i].text);
	free(e->v);
	memset(e, 0, sizeof(*e));
}
