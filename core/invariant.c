/*
 * A failed invariant: say which and stop.  The message goes to stderr
 * like assert(3)'s (the daemon's parent then logs how its child ended).
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/invariant.h"

void
hs_assert_failed(const char *expr, const char *file, int line,
    const char *func)
{
	(void)fprintf(stderr, "invariant failed: %s (%s:%d, %s)\n", expr,
	    file, line, func);
	abort();
}
