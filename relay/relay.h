/*
 * The relay engine of one relay process: the listeners it is handed,
 * the sessions it accepts, the host each session goes to (core's
 * relay_hosts, fed by the PFE's messages), and the bytes between them.
 * It runs on the caller's libevent loop and talks to the other engines
 * only through core messages (the io's send).
 */
#ifndef HS_RELAY_H
#define HS_RELAY_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stdint.h>

#include <event2/event.h>
#include <openssl/evp.h>

#include "core/addr.h"
#include "core/config.h"
#include "core/engine.h"
#include "core/msg.h"

struct relay_io {
	void		*arg;
	/*
	 * To the PFE: readiness, statistics and session rows, session
	 * ends; to the key process (PEER_KEY): private-key operations.
	 */
	send_fn		 send;
	log_fn		 log;
	/* Verbose lines are wanted: formatted only then.  NULL: always. */
	bool		(*verbose)(void *arg);
};

struct relay_opts {
	uint32_t	 proc;			/* this process, from 1 */
	uint8_t		 secret[HS_KEY_LEN];	/* for relays without a key */
	uint64_t	 seed;			/* for the random method */
};

struct relay_engine;

/* cfg is the caller's until relay_reload replaces it. */
struct relay_engine *relay_new(struct event_base *, const struct config *,
		    const struct relay_opts *, const struct relay_io *);
void		 relay_free(struct relay_engine *);
/*
 * A listening socket (opened by the parent) for addr:port, taken over.
 * One replaces the one held for the same address and port.
 */
int		 relay_listener_add(struct relay_engine *,
		    const struct hs_addr *, uint16_t port, int fd);
/*
 * A certificate or CA file for the configuration about to run (at
 * start, or before a reload's text), read by the caller from the
 * descriptor the parent passed.  -1 for a private key or a file too big.
 */
int		 relay_file_add(struct relay_engine *, const struct msg_file *,
		    const uint8_t *, size_t);
/*
 * Accept on the listeners of every relay the configuration enables and
 * this version can run, and tell the PFE which relays listen.  -1 if
 * its TLS contexts cannot be built (relay_error says why).
 */
int		 relay_start(struct relay_engine *);
/* Why the last relay_start or relay_reload_prepare failed. */
const char	*relay_error(const struct relay_engine *);
/* The key process is gone: handshakes waiting for it fail. */
void		 relay_key_lost(struct relay_engine *);
/*
 * Switch to cfg: sessions go on; relays of the same name keep their
 * listeners and counters; listeners no relay uses any more are closed.
 * -1 on allocation failure: the running configuration stays.
 */
int		 relay_reload(struct relay_engine *, const struct config *);
/*
 * The same in two steps: prepare allocates everything (-1: nothing
 * changed), commit switches and cannot fail; abort drops the prepared
 * configuration and the listeners handed over for it.
 */
int		 relay_reload_prepare(struct relay_engine *,
		    const struct config *);
void		 relay_reload_commit(struct relay_engine *);
void		 relay_reload_abort(struct relay_engine *);
/*
 * A message from the PFE: host states, a show request (answered with
 * rows and MSG_CTL_END), monitor on/off; from the parent: session
 * ticket keys; from the key process: a key operation's result.  -1 for
 * one it cannot take.
 */
int		 relay_dispatch(struct relay_engine *, const struct msg *);
/* Stop accepting and end every session (shutdown). */
void		 relay_stop(struct relay_engine *);
/* An address and port as the system calls want them, and back. */
socklen_t	 relay_sockaddr(const struct hs_addr *, uint16_t,
		    struct sockaddr_storage *);
void		 relay_addr_of(const struct sockaddr_storage *, struct hs_addr *,
		    uint16_t *port);
/*
 * A TLS cipher list as a relay reads it (TLS 1.3 suites and older
 * ciphers mixed): -1 with why if it names none it can use.
 */
int		 relay_ciphers_check(const char *list, char *why, size_t len);
/* A key's id for the key process: SHA-256 of its public half (DER). */
int		 relay_key_id(EVP_PKEY *, uint8_t out[KEY_ID_LEN]);
/* Sessions open now. */
uint32_t	 relay_sessions(const struct relay_engine *);

#endif /* HS_RELAY_H */
