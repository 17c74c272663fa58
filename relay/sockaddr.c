/* Addresses as the system calls want them, and back. */
#include <sys/socket.h>
#include <netinet/in.h>

#include <string.h>

#include "relay/relay.h"

socklen_t
relay_sockaddr(const struct hs_addr *a, uint16_t port,
    struct sockaddr_storage *ss)
{
	struct sockaddr_in	*sin = (void *)ss;
	struct sockaddr_in6	*sin6 = (void *)ss;

	memset(ss, 0, sizeof(*ss));
	if (a->family == HS_AF_INET6) {
		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, a->bytes, 16);
		sin6->sin6_port = htons(port);
		return sizeof(*sin6);
	}
	sin->sin_family = AF_INET;
	memcpy(&sin->sin_addr, a->bytes, 4);
	sin->sin_port = htons(port);
	return sizeof(*sin);
}

void
relay_addr_of(const struct sockaddr_storage *ss, struct hs_addr *a,
    uint16_t *port)
{
	const struct sockaddr_in	*sin = (const void *)ss;
	const struct sockaddr_in6	*sin6 = (const void *)ss;

	memset(a, 0, sizeof(*a));
	*port = 0;
	if (ss->ss_family == AF_INET) {
		a->family = HS_AF_INET;
		memcpy(a->bytes, &sin->sin_addr, 4);
		*port = ntohs(sin->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		a->family = HS_AF_INET6;
		memcpy(a->bytes, &sin6->sin6_addr, 16);
		*port = ntohs(sin6->sin6_port);
	}
}
