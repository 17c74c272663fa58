/* The parent's resolver answers, recorded and replayed; see resolved.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/resolved.h"

#define RESOLVE_PREFIX	"# resolve "

void
resolved_free(struct resolved *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

int
resolved_add(struct resolved *r, const char *name, const struct hs_addr *a)
{
	struct resolved_name	*v;
	size_t			 cap;
	int			 n;

	if (r->n == r->cap) {
		cap = r->cap ? r->cap * 2 : 16;
		if ((v = reallocarray(r->v, cap, sizeof(*v))) == NULL)
			return -1;
		r->v = v;
		r->cap = cap;
	}
	n = snprintf(r->v[r->n].name, sizeof(r->v[r->n].name), "%s", name);
	if (n < 0 || (size_t)n >= sizeof(r->v[r->n].name))
		return -1;
	r->v[r->n].addr = *a;
	r->n++;
	return 0;
}

size_t
resolve_recorded(void *arg, const char *name, struct hs_addr *out,
    size_t max)
{
	const struct resolved	*r = arg;
	size_t			 i;

	if (max == 0)
		return 0;
	for (i = 0; i < r->n; i++)
		if (strcmp(r->v[i].name, name) == 0) {
			out[0] = r->v[i].addr;
			return 1;
		}
	return 0;
}

void
resolved_print(const struct resolved *r, struct buf *text)
{
	char	a[HS_ADDRSTR_MAX];
	size_t	i;

	for (i = 0; r != NULL && i < r->n; i++)
		(void)buf_printf(text, RESOLVE_PREFIX "%s %s\n", r->v[i].name,
		    addr_fmt(&r->v[i].addr, a, sizeof(a)));
}

int
resolved_scan(const char *text, struct resolved *r)
{
	const char	*p = text, *nl, *sp;
	char		 name[HS_HOSTNAME_MAX], addr[HS_ADDRSTR_MAX];
	struct hs_addr	 a;
	size_t		 plen = strlen(RESOLVE_PREFIX);

	while (strncmp(p, RESOLVE_PREFIX, plen) == 0) {
		p += plen;
		if ((nl = strchr(p, '\n')) == NULL ||
		    (sp = memchr(p, ' ', (size_t)(nl - p))) == NULL ||
		    (size_t)(sp - p) >= sizeof(name) ||
		    (size_t)(nl - sp - 1) >= sizeof(addr))
			return -1;
		memcpy(name, p, (size_t)(sp - p));
		name[sp - p] = '\0';
		memcpy(addr, sp + 1, (size_t)(nl - sp - 1));
		addr[nl - sp - 1] = '\0';
		if (addr_parse(addr, &a) == -1 ||
		    resolved_add(r, name, &a) == -1)
			return -1;
		p = nl + 1;
	}
	return 0;
}
