/*
 * Seeded bytes and their sums, for the test tools on either end of a
 * relay (tcptool, tlstool): a sender fills with next_rand from a seed,
 * each end sums what it sent or got (FNV-1a), and the two sums printed
 * say whether the bytes came through unchanged.  And the servers'
 * listening socket.
 */
#ifndef HS_TESTS_RELAY_SEEDED_H
#define HS_TESTS_RELAY_SEEDED_H

#include <stddef.h>
#include <stdint.h>

struct stream {
	uint64_t	 seed;
	uint64_t	 sum;
	uint64_t	 n;
};

uint64_t	 next_rand(uint64_t *);
void		 fill(struct stream *, uint8_t *, size_t);
void		 sum(struct stream *, const uint8_t *, size_t);
uint64_t	 final(const struct stream *);

struct sockaddr_in;
/* An IPv4 address and port: 0, or -1 if addr is not one. */
int		 addr_fill(const char *addr, int port, struct sockaddr_in *);
/* A listening socket on addr:port: its descriptor, or -1 (errno). */
int		 listen_on(const char *addr, int port, int backlog);
/* The next connection on l (interruptions passed over), or -1. */
int		 accept_next(int l);

#endif
