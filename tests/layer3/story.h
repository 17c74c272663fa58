/*
 * One story for every layer-3 backend's golden files: the PF engine on
 * a configuration, its hosts going up and down as a health checker
 * would report them, the operator disabling each service, a shutdown.
 * What the engine asks of the backend at each step is whatever the
 * given layer-3 operations print.
 */
#ifndef HS_TEST_STORY_H
#define HS_TEST_STORY_H

#include <stdio.h>

#include "core/pfe.h"

/*
 * Run the story on the configuration in path with io's layer-3
 * operations; "# STEP" lines go to out before each step, and after
 * each step after_step (if not NULL) is called.  0, or -1 with a
 * message on stderr.
 */
int	story_run(const char *path, const struct pfe_io *io, FILE *out,
	    void (*after_step)(void *), void *arg);

#endif /* HS_TEST_STORY_H */
