/*
 * The DNS relay's parts, shared by relay/dns_*.c.  A query forwarded
 * upstream gets a fresh random ID, unique in the process: the ID table
 * (an array of 65536) finds it again when the answer comes back.  Over
 * UDP the answer must come on the socket the query left by (connected
 * to the host's address and port) and repeat its question; over TCP it
 * must come on the connection the query went by.
 */
#ifndef HS_RELAY_DNS_PRIV_H
#define HS_RELAY_DNS_PRIV_H

#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "relay/dns.h"
#include "relay/dns_msg.h"
#include "relay/relay_priv.h"

#define DNS_IDS			65536
#define DNS_PENDING_MAX		32768	/* per process: half the IDs, so a
					   random draw finds a free one */
#define DNS_ID_TRIES		32
#define DNS_RANDOM_BYTES	1024	/* drawn from the kernel at once */
#define DNS_BATCH		64	/* datagrams per recvmmsg/sendmmsg */
#define DNS_UDP_MAX		4096	/* largest datagram relayed */
#define DNS_SOCKET_QUERIES	10000	/* a fresh source port after this */
#define DNS_SOCKET_MS		60000	/* ... or this long */
#define DNS_UPSTREAM_BUCKETS	16
#define DNS_ROWS_MAX		1000	/* pending queries in show sessions */
#define DNS_TCP_PIPELINE	128	/* queries in flight per connection */
#define DNS_TCP_OUT_MAX		(128 * 1024)	/* queued toward one side */
#define DNS_TCP_BUF_MIN		4096
#define DNS_FREE_MAX		1024	/* spare query records kept */

/* A socket address of either family, with its length. */
struct dns_sockname {
	socklen_t		 len;
	union {
		struct sockaddr		sa;
		struct sockaddr_in	sin;
		struct sockaddr_in6	sin6;
	}			 u;
};

struct dns_upstream;
struct dns_conn;

/* A UDP socket toward one host: connected, on a random source port. */
struct dns_usock {
	LIST_ENTRY(dns_usock)	 entry;		/* its upstream's retired */
	struct dns_upstream	*up;
	struct event		*ev;
	int			 fd;
	uint32_t		 sent;
	uint32_t		 pending;
	uint64_t		 born_ms;
	bool			 retired;	/* closes when pending is 0 */
	bool			 busy;		/* in its callback: close later */
};

/* A host address and port a relay sends UDP queries to. */
struct dns_upstream {
	LIST_ENTRY(dns_upstream) entry;
	struct relay_engine	*e;
	struct relay_rt		*rt;
	struct hs_addr		 addr;
	uint16_t		 port;
	struct dns_sockname	 name;
	struct dns_usock	*active;
	LIST_HEAD(, dns_usock)	 retired;
};

/* A relay's DNS state: its queries by age and its upstream sockets. */
struct dns_rt {
	TAILQ_HEAD(, dns_query)	 queries;
	LIST_HEAD(, dns_upstream) upstreams[DNS_UPSTREAM_BUCKETS];
};

/* A query forwarded and not answered yet. */
struct dns_query {
	TAILQ_ENTRY(dns_query)	 fifo;		/* its relay's, oldest first */
	TAILQ_ENTRY(dns_query)	 conn_entry;	/* tcp: its connection's */
	struct relay_rt		*rt;
	uint64_t		 sid;		/* udp: as a session */
	uint64_t		 start_ms;
	uint64_t		 deadline_ms;
	uint16_t		 id;		/* ours, upstream */
	uint16_t		 client_id;
	uint16_t		 flags;		/* the query's */
	uint16_t		 size;
	struct dns_usock	*usock;		/* udp: sent on */
	struct dns_conn		*conn;		/* tcp: its connection */
	struct listener		*l;		/* udp: answered from */
	struct dns_sockname	 client;	/* udp */
	struct relay_target	 target;
	bool			 counted;	/* udp: in least-states */
	struct dns_question	 q;
};

/* A growing buffer, freed when empty. */
struct dns_buf {
	uint8_t			*b;
	size_t			 off, len, cap;
};

/* A client's TCP connection and the one to its host. */
struct dns_conn {
	LIST_ENTRY(dns_conn)	 entry;
	struct relay_engine	*e;
	struct relay_rt		*rt;
	uint64_t		 sid;
	struct hs_addr		 caddr, laddr;
	uint16_t		 cport, lport;
	int			 cfd, hfd;
	struct event		*cev, *hev, *timer;
	bool			 c_read, c_write, c_eof;
	bool			 h_read, h_write, h_open;
	bool			 has_target, counted;
	struct relay_target	 target;
	uint32_t		 tried[RELAY_TRIED_MAX];
	uint32_t		 ntried, attempts;
	struct dns_buf		 cin, cout, hin, hout;
	TAILQ_HEAD(, dns_query)	 queries;
	uint32_t		 npending, nqueries, ntimeouts;
	uint64_t		 start_ms, last_ms;
	uint64_t		 bytes_in, bytes_out;
	bool			 running, ended;
};

/* The datagrams of one recvmmsg, and where each goes next. */
struct dns_batch {
	struct mmsghdr		 msg[DNS_BATCH];
	struct iovec		 iov[DNS_BATCH];
	struct dns_sockname	 name[DNS_BATCH];
	int			 fd[DNS_BATCH];		/* -1: dropped */
	uint16_t		 len[DNS_BATCH];	/* to send */
	struct dns_query	*q[DNS_BATCH];		/* upstream: query */
	uint8_t			 buf[DNS_BATCH][DNS_UDP_MAX];
};

struct dns_engine {
	struct dns_query	*byid[DNS_IDS];
	uint32_t		 npending;
	uint8_t			 rnd[DNS_RANDOM_BYTES];
	size_t			 rnd_off;
	struct event		*expire;
	uint64_t		 expire_at;	/* 0: not armed */
	LIST_HEAD(, dns_conn)	 conns;
	struct dns_query	*spare;		/* free records, by fifo */
	uint32_t		 nspare;
	struct dns_batch	 batch;
};

/* dns_query.c */
struct dns_engine *dns_engine(struct relay_engine *);
struct dns_rt	*dns_rt(struct relay_rt *);
/*
 * A pending query for m (size bytes), of connection conn or over UDP
 * (NULL), with a fresh ID; NULL when none can be had.
 */
struct dns_query *dns_query_new(struct relay_engine *, struct relay_rt *,
		    struct dns_conn *, const struct dns_msg *, size_t size);
/* rcode: the answer's (-1: none), answer: its size. */
void		 dns_query_end(struct relay_engine *, struct dns_query *,
		    enum session_end, int rcode, size_t answer);
/* The pending query the answer a names, or NULL. */
struct dns_query *dns_query_find(struct relay_engine *,
		    const struct dns_msg *a);
void		 dns_query_row(struct relay_engine *, const struct dns_query *,
		    struct ctl_session *);

/* dns_udp.c */
struct dns_usock *dns_usock_get(struct relay_engine *, struct relay_rt *,
		    const struct relay_target *);
void		 dns_usock_done(struct dns_usock *);
void		 dns_upstreams_free(struct dns_rt *);
/* After a reload: fresh sockets, and no upstream kept for nothing. */
void		 dns_upstreams_refresh(struct dns_rt *);

/* dns_tcp.c */
void		 dns_conn_end(struct dns_conn *, enum session_end);
void		 dns_conn_row(const struct dns_conn *, struct ctl_session *);
void		 dns_conn_query_gone(struct dns_conn *, struct dns_query *,
		    enum session_end);
void		 dns_sockname_of(const struct hs_addr *, uint16_t,
		    struct dns_sockname *);

#endif /* HS_RELAY_DNS_PRIV_H */
