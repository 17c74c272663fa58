/*
 * What the check method files share: one struct net_check per check in
 * flight, its single event (I/O readiness and the deadline at once), and
 * the small interface each stream method (tcp, tls, http, send/expect)
 * implements on top of the shared connect / handshake / write / read
 * machinery.
 */
#ifndef HS_NET_INTERNAL_H
#define HS_NET_INTERNAL_H

#include <sys/queue.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/ssl.h>

#include "backends/net/http_scan.h"
#include "backends/net/net_check.h"

#define NET_BUCKETS		16384	/* in-flight lookup by host id */
#ifdef __SANITIZE_ADDRESS__
#define NET_SPARE_MAX		0	/* a freed check must stay visible */
#else
#define NET_SPARE_MAX		256	/* released checks kept for reuse */
#endif
#define NET_ICMP_SLOTS		65536	/* one per 16-bit echo sequence */
#define NET_READ_CHUNK		16384
#define SCRIPT_GRACE_MS		1000	/* parent answer after the timeout */
#define NET_LAG_GRACE_MS	1000	/* readiness rechecked up to this long
					   (and the timeout) past the deadline,
					   for a late loop */
#define NET_BEAT_MS		20	/* heartbeat, checks in flight */
#define NET_BEAT_SLACK_MS	10	/* later than this: the loop stalled */

enum check_phase {
	PHASE_DEFERRED,		/* known at start: reported from the loop */
	PHASE_CONNECT,
	PHASE_TLS,
	PHASE_WRITE,
	PHASE_READ,
	PHASE_ICMP,		/* echo sent; the event is only the deadline */
	PHASE_SCRIPT,		/* forwarded to the parent */
};

struct net_check;

/* A stream method: called once the connection (and TLS) is up. */
struct check_method {
	/* Finish now, or set wbuf/rlimit and call stream_begin. */
	void	(*ready)(struct net_check *);
	/* Data read; returns true once the check is finished. */
	bool	(*input)(struct net_check *, const char *, size_t);
	/* Peer closed the connection; must finish. */
	void	(*eof)(struct net_check *);
	/* The deadline passed while reading; must finish. */
	void	(*timeout)(struct net_check *);
};

struct net_check {
	LIST_ENTRY(net_check)	 entry;
	struct net_checker	*nc;
	uint32_t		 host_id;
	uint64_t		 seq;
	const struct host_conf	*host;
	const struct table_conf	*table;
	const struct check_method *method;
	uint64_t		 start_ms;
	uint64_t		 deadline_ms;
	uint64_t		 stall_ms;	/* stall counted so far */
	enum check_phase	 phase;
	int			 fd;
	int			 armed_fd;	/* registered edge-triggered */
	short			 want;		/* EV_READ, EV_WRITE awaited */
	SSL			*ssl;
	struct event		*ev;
	/* PHASE_DEFERRED */
	bool			 pending_up;
	enum check_error	 pending_error;
	int32_t			 pending_detail;
	/* what to write, then what was read (methods own the meaning) */
	char			*wbuf;
	size_t			 wlen;
	size_t			 woff;
	char			*rbuf;		/* http code: the status line */
	size_t			 rlen;
	size_t			 rmax;		/* bound of rbuf, NUL apart */
	size_t			 nread;		/* bytes read so far */
	EVP_MD_CTX		*md;		/* http digest */
	enum http_head_state	 head;
	bool			 in_body;
	struct pattern		*pattern;	/* send/expect */
	int			 icmp_slot;	/* -1 when none */
};

LIST_HEAD(net_check_list, net_check);

struct icmp_sock {
	struct net_checker	*nc;
	int			 family;	/* HS_AF_* */
	int			 fd;
	bool			 raw;		/* else a "ping" socket */
	bool			 failed;	/* could not open: said once */
	struct event		*ev;
};

struct net_checker {
	struct event_base	*base;
	struct net_checker_opts	 opts;
	struct net_check_list	 buckets[NET_BUCKETS];
	uint32_t		 inflight;
	struct net_check_list	 spare;		/* see check_recycle */
	uint32_t		 nspare;
	SSL_CTX			*ssl_ctx;
	struct icmp_sock	 icmp4;
	struct icmp_sock	 icmp6;
	struct net_check	**icmp_slots;	/* NET_ICMP_SLOTS, lazily */
	uint16_t		 echo_id;
	uint16_t		 echo_next;
	bool			 edge;		/* the poller does EV_ET */
	struct event		*beat;		/* heartbeat, see net_stall.c */
	uint64_t		 beat_due_ms;	/* 0: not running */
	uint64_t		 stall_ms;	/* time the loop lost */
};

/* net_check.c */
uint64_t	 net_now_ms(void);
void		 net_log(struct net_checker *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
void		 net_finish(struct net_check *, bool up, enum check_error,
		    int32_t detail);
void		 net_defer(struct net_check *, bool up, enum check_error,
		    int32_t detail);
/* Wait for what (EV_READ/EV_WRITE or 0) until the check's deadline. */
void		 net_wait(struct net_check *, int fd, short what);
void		 net_check_io(int fd, short what, void *arg);
/*
 * Only the deadline fired.  Readiness seen in the same loop pass wins:
 * the loop may have been late, the peer was not.
 */
bool		 net_timed_out(short what);

/* net_stall.c: time the checker itself lost is given back to checks */
int		 net_stall_init(struct net_checker *);
void		 net_stall_free(struct net_checker *);
/* After the checks in flight changed: start or stop the heartbeat. */
void		 net_stall_track(struct net_checker *);
/* Count an overdue heartbeat as a stall. */
void		 net_stall_note(struct net_checker *, uint64_t now);
/* At a deadline: true if stalls moved it later (and it is re-armed). */
bool		 net_stall_credit(struct net_check *);

/* net_sockopt.c: best effort, failure only costs the optimisation */
void		 net_delay_ack(int fd);

/* check_tcp.c */
struct sockaddr_storage;
/* 0 and the sockaddr's length in *len, or -1 if not an address. */
int		 net_sockaddr(const struct hs_addr *, uint16_t port,
		    struct sockaddr_storage *, unsigned int *len);
void		 tcp_start(struct net_check *);
void		 tcp_connected(struct net_check *, short what);
extern const struct check_method tcp_method;

/* check_tls.c */
SSL_CTX		*tls_ctx_new(void);
void		 tls_start(struct net_check *);
void		 tls_step(struct net_check *, short what);
extern const struct check_method tls_method;

/* net_stream.c: write wbuf, then feed reads to the method */
void		 stream_begin(struct net_check *);
void		 stream_step(struct net_check *, short what);
/* the connection is up (after TLS if any): hand over to the method */
void		 stream_ready(struct net_check *);
/* Append to rbuf, NUL-terminated; false if rmax would be exceeded. */
bool		 stream_keep(struct net_check *, const char *, size_t);
/* The read/write failure or timeout reason, tcp or tls flavour. */
enum stream_fault { FAULT_WRITE_TIMEOUT, FAULT_WRITE, FAULT_READ_TIMEOUT,
		    FAULT_READ };
enum check_error stream_error(const struct net_check *, enum stream_fault);

/* check_http.c, check_send_expect.c */
extern const struct check_method http_code_method;
extern const struct check_method http_digest_method;
extern const struct check_method send_expect_method;

/* check_icmp.c */
void		 icmp_start(struct net_check *);
void		 icmp_timeout(struct net_check *);
void		 icmp_release(struct net_check *);
void		 icmp_close(struct net_checker *);

/* check_script.c */
void		 script_start(struct net_check *);

#endif /* HS_NET_INTERNAL_H */
