/*
 * Host names as the parent resolved them when it parsed a configuration.
 * They travel ahead of the configuration text to the children as
 * "# resolve NAME ADDRESS" comment lines, so that a child parses the
 * text to the same addresses without touching the network.
 */
#ifndef HS_RESOLVED_H
#define HS_RESOLVED_H

#include <stddef.h>

#include "core/addr.h"
#include "core/buf.h"
#include "core/config.h"

struct resolved_name {
	char		 name[HS_HOSTNAME_MAX];
	struct hs_addr	 addr;
};

/* Every name the parser asked for and the first address it got. */
struct resolved {
	struct resolved_name	*v;
	size_t			 n;
	size_t			 cap;
};

void	 resolved_free(struct resolved *);
/* Record name's address; -1 if out of memory or the name is too long. */
int	 resolved_add(struct resolved *, const char *name,
	    const struct hs_addr *);
/* A resolve_fn answering only from arg (struct resolved). */
size_t	 resolve_recorded(void *arg, const char *name,
	    struct hs_addr *out, size_t max);
/* Append the "# resolve" lines of r to text. */
void	 resolved_print(const struct resolved *, struct buf *text);
/* Read the leading "# resolve" lines of text into r; -1 if malformed. */
int	 resolved_scan(const char *text, struct resolved *);

#endif /* HS_RESOLVED_H */
