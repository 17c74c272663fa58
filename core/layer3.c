/* Layer-3 host identity and retry policy; see layer3.h. */
#include <string.h>

#include "core/layer3.h"

uint64_t
l3_retry_delay(uint32_t attempt)
{
	uint64_t	d = L3_RETRY_FIRST_MS;

	while (attempt-- > 1 && d < L3_RETRY_MAX_MS)
		d *= 2;
	return d < L3_RETRY_MAX_MS ? d : L3_RETRY_MAX_MS;
}

bool
l3_host_equal(const struct l3_host *a, const struct l3_host *b)
{
	return addr_equal(&a->addr, &b->addr) && a->port == b->port &&
	    a->weight == b->weight;
}

static bool
virt_equal(const struct virt_conf *a, const struct virt_conf *b)
{
	return addr_equal(&a->addr, &b->addr) && a->port == b->port &&
	    strcmp(a->ifname, b->ifname) == 0;
}

bool
l3_service_equal(const struct service_conf *a, const struct service_conf *b)
{
	size_t	i;

	if (a->nvirts != b->nvirts || a->sticky != b->sticky ||
	    a->match != b->match || strcmp(a->tag, b->tag) != 0)
		return false;
	for (i = 0; i < a->nvirts; i++)
		if (!virt_equal(&a->virts[i], &b->virts[i]))
			return false;
	return true;
}
