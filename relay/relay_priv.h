/*
 * The relay engine's parts, shared by the files of relay/: the engine,
 * its relays and listeners, sessions with their two legs, and the two
 * pumps (one per direction) that move the bytes.
 */
#ifndef HS_RELAY_PRIV_H
#define HS_RELAY_PRIV_H

#include <sys/queue.h>
#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "core/ctl.h"
#include "core/relay_hosts.h"
#include "relay/relay.h"

#define RELAY_ACCEPT_BATCH	64	/* accepts per wake-up, for fairness */
#define RELAY_PAUSE_MS		100	/* retry accept after fd exhaustion */
#define RELAY_BUFS_IDLE		16	/* free buffers kept per process */
#define RELAY_PIPES_IDLE	32	/* free pipes kept per process */
#define RELAY_LOG_MAX		512

struct relay_engine;
struct session;
struct tls_engine;
struct tls_leg;
struct tls_relay;
struct dns_engine;
struct dns_rt;
struct http_engine;
struct http_proto;
struct http_sess;

/* What a relay's sessions need of its configuration, copied at switch. */
struct relay_tune {
	uint32_t		 timeout_ms;	/* idle */
	uint32_t		 bufsize;	/* per direction */
	bool			 splice;
	bool			 nodelay;
	uint32_t		 sockbuf;	/* 0: the kernel's */
	uint32_t		 ttl;		/* 0: the kernel's */
	uint32_t		 minttl;
	uint32_t		 retry;		/* connects after the first */
	uint32_t		 backlog;	/* of its listeners */
	bool			 dns;		/* protocol dns (dns_*.c) */
	uint32_t		 max_sessions;	/* this process's share; 0: any */
};

/*
 * A relay at run time, by name: it outlives a reload that keeps it, and
 * one that drops it until its last session ends.
 */
struct relay_rt {
	TAILQ_ENTRY(relay_rt)	 entry;
	char			 name[HS_NAME_MAX];
	uint32_t		 id;		/* HS_ID_NONE: not configured */
	struct relay_tune	 tune;
	struct tls_relay	*tls;		/* NULL: no TLS */
	struct relay_stats	 stats;		/* this process's */
	uint32_t		 refs;		/* sessions, + 1 if configured */
	bool			 configured;	/* in the running configuration */
	bool			 listening;
	struct dns_rt		*dns;		/* DNS: queries, upstreams */
	bool			 capped;	/* at max_sessions: not accepting */
	bool			 is_http;
	struct http_proto	*http;		/* its protocol, if HTTP */
};

/* A listening socket and the relay accepting on it. */
struct listener {
	TAILQ_ENTRY(listener)	 entry;
	struct relay_engine	*eng;
	struct hs_addr		 addr;
	uint16_t		 port;
	int			 fd;
	int			 type;		/* SOCK_STREAM, SOCK_DGRAM */
	struct event		*ev;
	struct relay_rt		*rt;		/* NULL: not accepting */
	bool			 armed;		/* ev is added */
};

/*
 * One side of a session.  The calls go through ops so that a leg can be
 * wrapped (TLS) without the pumps knowing; splice needs plain legs on
 * both sides.
 */
struct leg;
struct leg_ops {
	ssize_t	(*read)(struct leg *, void *, size_t);
	ssize_t	(*write)(struct leg *, const void *, size_t, bool more);
	int	(*shutdown)(struct leg *);
};

struct leg {
	struct session		*s;
	const struct leg_ops	*ops;
	struct tls_leg		*tls;		/* NULL: a plain socket */
	int			 fd;
	bool			 open;		/* connected */
	bool			 can_read;	/* not known to be drained */
	bool			 can_write;	/* not known to be full */
	bool			 rdhup;		/* the peer's FIN is pending */
	/* Events while no session owns it (s == NULL): a pooled host. */
	void			(*idle)(struct leg *);
};

extern const struct leg_ops	 leg_plain;

/* One direction: bytes read from src, written to dst. */
struct pump {
	struct leg		*src;
	struct leg		*dst;
	uint8_t			*buf;		/* copy path, from the pool */
	size_t			 off, len;	/* [off, len) waits for dst */
	size_t			 bufsize;	/* of the buffer or the pipe */
	int			 pipe[2];	/* splice path, from the pool */
	size_t			 inpipe;
	uint64_t		 bytes;
	uint64_t		*total;		/* the relay's counter */
	bool			 bulk;		/* filled a buffer: splice */
	bool			 nosplice;	/* splice failed: copy */
	bool			 eof;		/* src said so */
	bool			 shut;		/* dst's write side closed */
};

enum session_phase {
	PHASE_CONNECT = 0,	/* choosing a host, connecting */
	PHASE_RELAY,		/* both legs open */
};

struct session {
	LIST_ENTRY(session)	 entry;
	LIST_ENTRY(session)	 wait_entry;	/* waiting for a descriptor */
	TAILQ_ENTRY(session)	 again_entry;
	struct relay_engine	*eng;
	struct relay_rt		*rt;
	struct http_sess	*http;		/* an HTTP relay's session */
	uint64_t		 id;
	struct leg		 client;
	struct leg		 host;
	struct pump		 up;		/* client to host */
	struct pump		 down;		/* host to client */
	uint64_t		 start_ms;
	uint64_t		 last_ms;	/* last byte moved */
	uint64_t		 due_ms;	/* when its timeout looks next */
	uint32_t		 due_idx;	/* in the engine's heap, from 1 */
	enum session_phase	 phase;
	enum session_end	 end;
	struct hs_addr		 caddr;
	struct hs_addr		 laddr;		/* the listener, for hashing */
	uint16_t		 cport;
	uint16_t		 lport;
	bool			 waiting;
	bool			 counted;	/* in relay_hosts' states */
	bool			 again;		/* on the engine's run-again list */
	bool			 ended;
	struct relay_target	 target;
	uint32_t		 ntried;
	uint32_t		 attempts;	/* connects started */
	uint32_t		 tried[RELAY_TRIED_MAX];
};

/* A free list of equal things, bounded. */
struct pool_bufs {
	uint8_t			**v;
	size_t			 n;
	size_t			 size;		/* of each buffer */
};

struct pool_pipes {
	int			(*v)[2];
	size_t			 n;
	size_t			 size;		/* of each pipe */
};

struct relay_engine {
	struct event_base	*base;
	const struct config	*cfg;
	struct relay_opts	 opts;
	struct relay_io		 io;
	struct relay_hosts	*hosts;
	TAILQ_HEAD(, relay_rt)	 relays;
	struct relay_rt		**by_id;	/* current config's relays */
	/* A switch prepared, not committed. */
	const struct config	*next;
	struct relay_rt		**next_by_id;
	uint32_t		*next_map;	/* old host ids to new */
	TAILQ_HEAD(, listener)	 listeners;
	LIST_HEAD(, session)	 sessions;
	uint32_t		 nsessions;
	int			 epfd;		/* the sessions' sockets */
	struct event		*ev_poll;
	bool			 in_batch;	/* handling the poller's events */
	LIST_HEAD(, session)	 ended;		/* to free after the batch */
	LIST_HEAD(, session)	 waiting;	/* to connect once descriptors
						   are free again */
	TAILQ_HEAD(, session)	 again;		/* yielded: run next loop */
	struct event		*ev_again;
	struct session		**due;		/* timeouts: a heap, earliest first */
	uint32_t		 ndue, maxdue;
	struct event		*ev_due;	/* set for the earliest */
	uint64_t		 due_armed;	/* ev_due's time; 0: not set */
	uint64_t		 next_id;
	bool			 started;
	bool			 stopping;
	bool			 paused;	/* bound or descriptors reached */
	struct event		*pause_timer;
	bool			 monitor;	/* send session ends to the pfe */
	struct pool_bufs	 bufs;
	struct pool_pipes	 pipes;
	struct tls_engine	*tls;
	char			 error[RELAY_LOG_MAX];	/* why prepare failed */
	struct dns_engine	*dns;		/* when a DNS relay ran */
	struct http_engine	*http;		/* once an HTTP session starts */
};

/* engine.c */
void		 relay_log(struct relay_engine *, int level, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
uint64_t	 relay_now_ms(void);
void		 relay_send(struct relay_engine *, const struct msg *);
void		 relay_rt_unref(struct relay_engine *, struct relay_rt *);
void		 relay_session_ended(struct relay_engine *,
		    const struct ctl_session *);
/* A session ending so would be logged or monitored: worth a row. */
bool		 relay_session_noted(const struct relay_engine *,
		    enum session_end);

/* listener.c */
int		 listener_add(struct relay_engine *, const struct hs_addr *,
		    uint16_t, int fd);
void		 listener_bind_relays(struct relay_engine *);
void		 listener_free(struct listener *);
void		 listener_pause(struct relay_engine *, bool descriptors);
void		 listener_resume(struct relay_engine *);
void		 listener_cap(struct relay_engine *, struct relay_rt *);

/* session_due.c */
int		 due_init(struct relay_engine *);
void		 due_free(struct relay_engine *);
/* s's timeout looks at due_ms: -1 out of memory. */
int		 due_set(struct session *, uint64_t due_ms);
void		 due_clear(struct session *);

/* poll.c */
int		 poll_init(struct relay_engine *);
void		 poll_free(struct relay_engine *);
int		 poll_add(struct relay_engine *, struct leg *);

/* session.c */
void		 session_event(struct leg *);
void		 session_free(struct session *);
void		 session_free_ended(struct relay_engine *);
void		 session_retry_waiting(struct relay_engine *);
void		 session_again(struct session *);
void		 session_run_again(struct relay_engine *);
void		 session_accept(struct listener *, int fd,
		    const struct sockaddr_storage *);
void		 session_end(struct session *, enum session_end);
void		 session_row(const struct session *, struct ctl_session *);
/* A row cleared, with its process, session id and relay. */
void		 session_row_head(const struct relay_engine *,
		    const struct relay_rt *, uint64_t id, struct ctl_session *);
void		 session_reload(struct relay_engine *, const uint32_t *old_to_new,
		    size_t nold);
void		 session_connected(struct session *);
void		 session_touch(struct session *);
/* Its timeout is due: ends it, or sets it due again. */
void		 session_timeout(struct session *);
/* The client is ready (accepted, its handshake done): what comes next. */
void		 session_begin(struct session *);
/* The connection to the host is ready (its handshake done): relay. */
void		 session_host_ready(struct session *);
/* The connection to the host failed: the next host, or the end. */
void		 session_connect_failed(struct session *);

/* pump.c */
void		 pump_init(struct pump *, struct leg *src, struct leg *dst,
		    size_t bufsize, uint64_t *total);
/* Move what can move in both directions; -1: the session ended. */
int		 session_run(struct session *);
void		 pump_release(struct relay_engine *, struct pump *);

/* pool.c */
uint8_t		*pool_buf_get(struct relay_engine *, size_t size);
void		 pool_buf_put(struct relay_engine *, uint8_t *, size_t size);
int		 pool_pipe_get(struct relay_engine *, size_t size, int fds[2]);
void		 pool_pipe_put(struct relay_engine *, int fds[2], size_t size,
		    bool empty);
void		 pool_free(struct relay_engine *);
void		 pool_pipes_trim(struct relay_engine *);

/* sockopt.c */
void		 sockopt_listener(struct relay_engine *, int fd,
		    const struct relay_tune *);
int		 sockopt_host(int fd, int family, const struct relay_tune *);
int		 sockopt_udp(int fd, int family, const struct relay_tune *);
void		 sockopt_nodelay(int fd);
void		 relay_tune_of(const struct config *, const struct relay_conf *,
		    struct relay_tune *);

#endif /* HS_RELAY_PRIV_H */
