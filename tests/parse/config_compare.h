/* Field-by-field comparison of two configuration models, for tests. */
#ifndef HS_TEST_CONFIG_COMPARE_H
#define HS_TEST_CONFIG_COMPARE_H

#include <stddef.h>

#include "core/config.h"

/*
 * 0 if a and b are the same model; otherwise -1 with the first
 * difference described in why.
 */
int	 config_compare(const struct config *a, const struct config *b,
	    char *why, size_t len);

#endif
