/* A PF engine on the recording I/O, started, and what the tests ask of it. */
#ifndef HS_PFE_FIXTURE_H
#define HS_PFE_FIXTURE_H

#include "core/pfe.h"
#include "tests/core/testio.h"

struct fixture {
	struct tio	 io;
	struct config	*cfg;
	struct pfe	*pfe;
	struct buf	 err;
};

/* Takes cfg; the first refuse layer-3 operations are refused (-1: all). */
struct fixture	*fixture_new_refusing(struct config *cfg, int refuse);
struct fixture	*fixture_new(struct config *cfg);
void		 fixture_free(struct fixture *);
/* Run "words..." as hoststatectl would; returns pfe_command's result. */
int		 ctl(struct fixture *, const char *line);
void		 assert_show(struct fixture *, enum ctl_action,
		    const char *want);

#endif /* HS_PFE_FIXTURE_H */
