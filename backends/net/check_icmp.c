/*
 * check icmp: echo request / reply for IPv4 and IPv6, many hosts over
 * one socket per family.  A raw socket (root, opened before dropping
 * privileges) sees every ICMP packet, so replies are matched by our
 * echo id, the sequence and the source address.  An unprivileged
 * datagram ("ping") socket gets only its own replies but the kernel
 * rewrites the id, so there the sequence and the source address match.
 * Sequences index a table of checks in flight, one slot per sequence.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/icmp6.h>
#include <netinet/ip_icmp.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "backends/net/net_internal.h"

#define ICMP_PACKET_MAX		1500
#define ICMP_ECHO_LEN		16	/* header + 8 bytes of payload */
#define ICMP_RECV_BURST		256	/* packets per wakeup, for fairness */
#define ICMP_RCVBUF		(1024 * 1024)

int
icmp_socket_open(int family, bool force_dgram)
{
	int		 af, proto, fd = -1, rcvbuf = ICMP_RCVBUF;
	const int	 flags = SOCK_NONBLOCK | SOCK_CLOEXEC;

	af = family == HS_AF_INET6 ? AF_INET6 : AF_INET;
	proto = family == HS_AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	if (!force_dgram)
		fd = socket(af, SOCK_RAW | flags, proto);
	if (fd == -1)
		fd = socket(af, SOCK_DGRAM | flags, proto);
	if (fd == -1)
		return -1;
	if (family == HS_AF_INET6) {
		struct icmp6_filter	 filt;

		/* Only echo replies wake us up, not neighbour discovery. */
		ICMP6_FILTER_SETBLOCKALL(&filt);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filt);
		(void)setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filt,
		    sizeof(filt));
	}
	/* Best effort: a burst of thousands of replies must not drop. */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	return fd;
}

static void
icmp_reply(struct icmp_sock *s, const uint8_t *pkt, size_t len,
    const struct sockaddr_storage *from)
{
	struct net_checker	*nc = s->nc;
	struct net_check	*chk;
	struct hs_addr		 src;
	uint16_t		 id, seq;
	size_t			 hl = 0;

	if (s->family == HS_AF_INET && s->raw) {
		if (len < 20)
			return;
		hl = (size_t)(pkt[0] & 0x0f) * 4;
	}
	if (len < hl + ICMP_ECHO_LEN)
		return;
	pkt += hl;
	if (pkt[0] != (s->family == HS_AF_INET ? ICMP_ECHOREPLY :
	    ICMP6_ECHO_REPLY) || pkt[1] != 0)
		return;
	id = (uint16_t)(pkt[4] << 8 | pkt[5]);
	seq = (uint16_t)(pkt[6] << 8 | pkt[7]);
	if ((s->raw && id != nc->echo_id) || nc->icmp_slots == NULL ||
	    (chk = nc->icmp_slots[seq]) == NULL)
		return;
	memset(&src, 0, sizeof(src));
	src.family = (uint8_t)s->family;
	if (s->family == HS_AF_INET)
		memcpy(src.bytes,
		    &((const struct sockaddr_in *)from)->sin_addr, 4);
	else
		memcpy(src.bytes,
		    &((const struct sockaddr_in6 *)from)->sin6_addr, 16);
	if (!addr_equal(&src, &chk->host->addr))
		return;
	net_finish(chk, true, HCE_ICMP_OK, -1);
}

static void
icmp_recv(int fd, short what, void *arg)
{
	struct icmp_sock	*s = arg;
	struct sockaddr_storage	 from;
	socklen_t		 fromlen;
	uint8_t			 pkt[ICMP_PACKET_MAX];
	ssize_t			 n;
	int			 i;

	for (i = 0; i < ICMP_RECV_BURST; i++) {
		fromlen = sizeof(from);
		n = recvfrom(fd, pkt, sizeof(pkt), 0,
		    (struct sockaddr *)&from, &fromlen);
		if (n == -1 && errno == EINTR)
			continue;
		if (n < 0)
			return;
		icmp_reply(s, pkt, (size_t)n, &from);
	}
}

static struct icmp_sock *
icmp_sock_ready(struct net_checker *nc, int family)
{
	struct icmp_sock	*s;
	int			 type;
	socklen_t		 len = sizeof(type);

	s = family == HS_AF_INET6 ? &nc->icmp6 : &nc->icmp4;
	if (s->ev != NULL)
		return s;
	if (s->fd == -1 && (s->fd = icmp_socket_open(family, false)) == -1) {
		if (!s->failed)
			net_log(nc, "check icmp: no ICMP%s socket (raw or "
			    "datagram): %s", family == HS_AF_INET6 ? "v6" : "",
			    strerror(errno));
		s->failed = true;
		return NULL;
	}
	if (getsockopt(s->fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1)
		return NULL;
	s->raw = type == SOCK_RAW;
	s->ev = event_new(nc->base, s->fd, EV_READ | EV_PERSIST, icmp_recv, s);
	if (s->ev == NULL || event_add(s->ev, NULL) == -1)
		return NULL;
	return s;
}

static int
icmp_slot_take(struct net_check *chk)
{
	struct net_checker	*nc = chk->nc;
	uint32_t		 i;
	uint16_t		 seq;

	if (nc->icmp_slots == NULL &&
	    (nc->icmp_slots = calloc(NET_ICMP_SLOTS, sizeof(chk))) == NULL)
		return -1;
	for (i = 0; i < NET_ICMP_SLOTS; i++) {
		seq = nc->echo_next++;
		if (nc->icmp_slots[seq] == NULL) {
			nc->icmp_slots[seq] = chk;
			chk->icmp_slot = seq;
			return seq;
		}
	}
	return -1;
}

static uint16_t
icmp_cksum(const uint8_t *p, size_t len)
{
	uint32_t	 sum = 0;
	size_t		 i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

void
icmp_start(struct net_check *chk)
{
	struct icmp_sock	*s;
	struct sockaddr_storage	 ss;
	unsigned int		 sslen;
	uint8_t			 pkt[ICMP_ECHO_LEN];
	uint16_t		 ck;
	int			 seq, family = chk->host->addr.family;

	if (net_sockaddr(&chk->host->addr, 0, &ss, &sslen) == -1) {
		net_defer(chk, false, HCE_ICMP_WRITE_TIMEOUT, -1);
		return;
	}
	/* Our own failure, not the host's: say so (the log says why). */
	if ((s = icmp_sock_ready(chk->nc, family)) == NULL) {
		net_defer(chk, false, HCE_ICMP_SOCKET_ERROR, -1);
		return;
	}
	if ((seq = icmp_slot_take(chk)) == -1) {
		net_defer(chk, false, HCE_ICMP_WRITE_TIMEOUT, -1);
		return;
	}
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = family == HS_AF_INET ? ICMP_ECHO : ICMP6_ECHO_REQUEST;
	pkt[4] = (uint8_t)(chk->nc->echo_id >> 8);
	pkt[5] = (uint8_t)chk->nc->echo_id;
	pkt[6] = (uint8_t)(seq >> 8);
	pkt[7] = (uint8_t)seq;
	memcpy(pkt + 8, "hoststat", 8);
	/* The kernel sums ICMPv6 itself; IPv4 is ours to sum. */
	if (family == HS_AF_INET) {
		ck = icmp_cksum(pkt, sizeof(pkt));
		pkt[2] = (uint8_t)(ck >> 8);
		pkt[3] = (uint8_t)ck;
	}
	if (sendto(s->fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&ss,
	    sslen) != (ssize_t)sizeof(pkt)) {
		net_defer(chk, false, HCE_ICMP_WRITE_TIMEOUT, -1);
		return;
	}
	chk->phase = PHASE_ICMP;
	net_wait(chk, -1, 0);
}

/*
 * The deadline fired.  After a stall the reply may be waiting in the
 * socket, unread: drain it first, and time out only if still unanswered.
 * Draining may finish this very check (and start others), so it is
 * looked up again by slot, host and sequence, never touched blindly.
 */
void
icmp_timeout(struct net_check *chk)
{
	struct net_checker	*nc = chk->nc;
	struct icmp_sock	*s;
	uint32_t		 host_id = chk->host_id;
	uint64_t		 seq = chk->seq;
	int			 slot = chk->icmp_slot;

	s = chk->host->addr.family == HS_AF_INET6 ? &nc->icmp6 : &nc->icmp4;
	if (s->fd != -1)
		icmp_recv(s->fd, EV_READ, s);
	chk = nc->icmp_slots[slot];
	if (chk != NULL && chk->host_id == host_id && chk->seq == seq)
		net_finish(chk, false, HCE_ICMP_READ_TIMEOUT, -1);
}

void
icmp_release(struct net_check *chk)
{
	if (chk->icmp_slot != -1)
		chk->nc->icmp_slots[chk->icmp_slot] = NULL;
	chk->icmp_slot = -1;
}

void
icmp_close(struct net_checker *nc)
{
	struct icmp_sock	*socks[2] = { &nc->icmp4, &nc->icmp6 };
	size_t			 i;

	for (i = 0; i < 2; i++) {
		if (socks[i]->ev != NULL)
			event_free(socks[i]->ev);
		if (socks[i]->fd != -1)
			close(socks[i]->fd);
		socks[i]->ev = NULL;
		socks[i]->fd = -1;
	}
}
