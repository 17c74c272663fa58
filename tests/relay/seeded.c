#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "tests/relay/seeded.h"

/* splitmix64 */
uint64_t
next_rand(uint64_t *s)
{
	uint64_t	z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
fill(struct stream *st, uint8_t *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)next_rand(&st->seed);
}

void
sum(struct stream *st, const uint8_t *p, size_t n)
{
	size_t	i;

	if (st->n == 0 && st->sum == 0)
		st->sum = 0xcbf29ce484222325ULL;
	for (i = 0; i < n; i++) {
		st->sum ^= p[i];
		st->sum *= 0x100000001b3ULL;
	}
	st->n += n;
}

uint64_t
final(const struct stream *st)
{
	return st->n == 0 ? 0xcbf29ce484222325ULL : st->sum;
}

int
addr_fill(const char *addr, int port, struct sockaddr_in *sin)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sin->sin_addr) != 1) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int
listen_on(const char *addr, int port, int backlog)
{
	struct sockaddr_in	sin;
	int			l, on = 1;

	if (addr_fill(addr, port, &sin) == -1 ||
	    (l = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	if (setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    bind(l, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(l, backlog) == -1) {
		close(l);
		return -1;
	}
	return l;
}

int
accept_next(int l)
{
	int	fd;

	while ((fd = accept(l, NULL, NULL)) == -1)
		if (errno != EINTR && errno != ECONNABORTED)
			return -1;
	return fd;
}
