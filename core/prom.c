/*
 * The Prometheus text exposition format.  Names are ours and fixed;
 * label values come from the configuration (host and table names) and
 * are escaped as the format says: backslash, double quote, newline.
 */
#include <inttypes.h>
#include <stdio.h>

#include "core/prom.h"

static void
prom_escape(struct buf *b, const char *s, int quotes)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			(void)buf_puts(b, "\\\\");
		else if (*s == '\n')
			(void)buf_puts(b, "\\n");
		else if (*s == '"' && quotes)
			(void)buf_puts(b, "\\\"");
		else
			(void)buf_add(b, s, 1);
	}
}

void
prom_family(struct buf *b, const char *name, const char *type,
    const char *help)
{
	(void)buf_printf(b, "# HELP %s ", name);
	prom_escape(b, help, 0);
	(void)buf_printf(b, "\n# TYPE %s %s\n", name, type);
}

void
prom_sample(struct buf *b, const char *name, const char *suffix,
    const struct prom_label *l, int nlabels, const char *value)
{
	int	i;

	(void)buf_printf(b, "%s%s", name, suffix);
	for (i = 0; i < nlabels && l[i].name != NULL; i++) {
		(void)buf_printf(b, "%s%s=\"", i == 0 ? "{" : ",", l[i].name);
		prom_escape(b, l[i].value, 1);
		(void)buf_puts(b, "\"");
	}
	(void)buf_printf(b, "%s %s\n", i > 0 ? "}" : "", value);
}

void
prom_sample_u64(struct buf *b, const char *name, const struct prom_label *l,
    int nlabels, uint64_t value)
{
	char	v[24];

	(void)snprintf(v, sizeof(v), "%" PRIu64, value);
	prom_sample(b, name, "", l, nlabels, v);
}

void
prom_sample_ms(struct buf *b, const char *name, const struct prom_label *l,
    int nlabels, uint64_t ms)
{
	char	v[32];

	(void)snprintf(v, sizeof(v), "%" PRIu64 ".%03" PRIu64, ms / 1000,
	    ms % 1000);
	prom_sample(b, name, "", l, nlabels, v);
}
