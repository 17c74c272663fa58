#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "core/addr.h"

int
addr_parse(const char *s, struct hs_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->bytes) == 1) {
		a->family = HS_AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->bytes) == 1) {
		a->family = HS_AF_INET6;
		return 0;
	}
	memset(a, 0, sizeof(*a));
	return -1;
}

const char *
addr_fmt(const struct hs_addr *a, char *buf, size_t len)
{
	int	af;

	if (a->family != HS_AF_INET && a->family != HS_AF_INET6) {
		(void)snprintf(buf, len, "-");
		return buf;
	}
	af = a->family == HS_AF_INET ? AF_INET : AF_INET6;
	if (inet_ntop(af, a->bytes, buf, (socklen_t)len) == NULL)
		(void)snprintf(buf, len, "-");
	return buf;
}

bool
addr_equal(const struct hs_addr *a, const struct hs_addr *b)
{
	return addr_cmp(a, b) == 0;
}

int
addr_cmp(const struct hs_addr *a, const struct hs_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->bytes, b->bytes, sizeof(a->bytes));
}
