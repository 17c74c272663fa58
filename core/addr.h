/* Addresses as plain values: no sockaddr, no system calls. */
#ifndef HS_ADDR_H
#define HS_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HS_AF_NONE	0
#define HS_AF_INET	4
#define HS_AF_INET6	6
#define HS_ADDRSTR_MAX	48	/* longest IPv6 text plus NUL */

struct hs_addr {
	uint8_t		family;		/* HS_AF_* */
	uint8_t		bytes[16];	/* network order; 4 used for IPv4 */
};

/* Numeric IPv4 or IPv6 text to an address; 0 on success, -1 if not one. */
int		 addr_parse(const char *, struct hs_addr *);
/* Text form into buf; returns buf ("-" for HS_AF_NONE). */
const char	*addr_fmt(const struct hs_addr *, char *, size_t);
bool		 addr_equal(const struct hs_addr *, const struct hs_addr *);
int		 addr_cmp(const struct hs_addr *, const struct hs_addr *);

#endif /* HS_ADDR_H */
