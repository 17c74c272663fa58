/*
 * carp demotion (OpenBSD): an interface group's demote counter, read
 * with SIOCGIFGATTR and moved with SIOCSIFGATTR, which adds to it (the
 * kernel refuses a result outside 0..255).
 */
#ifndef HS_PF_CARP_H
#define HS_PF_CARP_H

#include <stdint.h>

#include "core/buf.h"

/* Add delta to the group's counter; -1 with a line in err. */
int	 carp_demote(const char *group, int delta, struct buf *err);
/* Set the group's counter to value. */
int	 carp_set(const char *group, int32_t value, struct buf *err);

#endif /* HS_PF_CARP_H */
