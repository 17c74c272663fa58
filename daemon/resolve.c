#include <sys/socket.h>
#include <netinet/in.h>

#include <netdb.h>
#include <string.h>

#include "daemon/log.h"
#include "daemon/resolve.h"

static int
sockaddr_to_addr(const struct sockaddr *sa, struct hs_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (sa->sa_family == AF_INET) {
		a->family = HS_AF_INET;
		memcpy(a->bytes, &((const struct sockaddr_in *)sa)->sin_addr,
		    4);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		a->family = HS_AF_INET6;
		memcpy(a->bytes, &((const struct sockaddr_in6 *)sa)->sin6_addr,
		    16);
		return 0;
	}
	return -1;
}

size_t
resolve_record(void *arg, const char *name, struct hs_addr *out, size_t max)
{
	struct resolved	*r = arg;
	struct addrinfo	 hints, *res, *ai;
	size_t		 n = 0;
	int		 error;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	/* Load time only: the parent blocks here, never a child's loop. */
	if ((error = getaddrinfo(name, NULL, &hints, &res)) != 0) {
		log_warnx("cannot resolve %s: %s", name, gai_strerror(error));
		return 0;
	}
	for (ai = res; ai != NULL && n < max; ai = ai->ai_next)
		if (sockaddr_to_addr(ai->ai_addr, &out[n]) == 0)
			n++;
	freeaddrinfo(res);
	if (n > 0 && r != NULL && resolved_add(r, name, &out[0]) == -1) {
		log_warnx("cannot record the address of %s", name);
		return 0;
	}
	return n;
}
