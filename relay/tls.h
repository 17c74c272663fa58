/*
 * TLS in the relay engine: a leg wrapper (leg_tls) that works the same
 * whatever reads or writes the leg, contexts built from each
 * configuration (one per listener's certificate, one towards the
 * hosts), and private keys kept out of the process: a key is a stub
 * whose operations go to the key process as core messages, inside an
 * OpenSSL async job that pauses until the answer comes, so the process
 * serves its other sessions meanwhile.
 *
 * A client leg runs its handshake before the session chooses a host; a
 * host leg runs its own after the connect and before any byte is
 * relayed.  Both are bounded by the session's timeout.
 */
#ifndef HS_RELAY_TLS_H
#define HS_RELAY_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "core/config.h"
#include "core/msg.h"

struct relay_engine;
struct session;
struct leg;
struct key_client;
struct key_req;

#define TLS_FILE_MAX		(1024 * 1024)	/* a certificate or CA file */
#define TLS_HOST_SESSIONS	64	/* hosts' sessions kept per relay */

/* A file received for the configuration being prepared. */
struct tls_file {
	uint8_t			 kind;		/* enum file_kind */
	char			*path;
	uint8_t			*data;
	size_t			 len;
};

/* A TLS listener's contexts: the default certificate, then by SNI. */
struct tls_server {
	struct hs_addr		 addr;
	uint16_t		 port;
	SSL_CTX			*ctx;
	SSL_CTX			**sni;		/* the protocol's keypairs */
	size_t			 nsni;
};

/* A host's session, to resume the next connection to it. */
struct tls_host_session {
	struct hs_addr		 addr;
	uint16_t		 port;
	SSL_SESSION		*sess;
};

/* A relay's TLS for one configuration. */
struct tls_relay {
	struct tls_server	 listen[HS_LISTEN_MAX];
	size_t			 nlisten;
	SSL_CTX			*client;	/* towards the hosts, or NULL */
	bool			 verify; /* hosts checked against ca file */
	struct tls_host_session	 hosts[TLS_HOST_SESSIONS];
};

/* The process's TLS state, for every configuration. */
struct tls_engine {
	struct relay_engine	*eng;
	struct key_client	*keys;
	struct msg_tickets	 tickets;	/* n == 0: none yet */
	struct tls_file		*files;		/* for the next switch */
	size_t			 nfiles;
	struct tls_relay	**next;		/* prepared, by relay id */
	size_t			 nnext;
};

/* A leg's TLS state. */
struct tls_leg {
	SSL			*ssl;
	struct key_req		*req;		/* the key operation awaited */
	bool			 handshaking;
	bool			 rd_wants_write;
	bool			 wr_wants_read;
	bool			 shut_pending;	/* close_notify not yet out */
	bool			 failed;	/* an error after some bytes */
	bool			 rd_short;	/* last socket read: short */
};

extern const struct leg_ops	 leg_tls;

/* tls_ctx.c: the contexts of a configuration. */
int		 tls_engine_init(struct relay_engine *);
void		 tls_engine_free(struct relay_engine *);
int		 tls_file_add(struct relay_engine *, uint8_t kind,
		    const char *path, const uint8_t *, size_t);
void		 tls_files_clear(struct tls_engine *);
/* Contexts for every relay of cfg: -1 with one line in why. */
int		 tls_prepare(struct relay_engine *, const struct config *,
		    char *why, size_t);
/* rts[i] takes the prepared contexts of relay i (or none). */
struct tls_relay *tls_take(struct relay_engine *, size_t relay);
void		 tls_drop(struct relay_engine *);
void		 tls_relay_free(struct tls_relay *);
SSL_CTX		*tls_server_ctx(const struct tls_relay *,
		    const struct hs_addr *, uint16_t port);

/* tls_ticket.c: session ticket keys shared by the relay processes. */
int		 tls_tickets_set(struct relay_engine *,
		    const struct msg_tickets *);
void		 tls_tickets_rotate(struct msg_tickets *,
		    const struct ticket_key *fresh);
int		 tls_ticket_cb(SSL *, unsigned char *name, unsigned char *iv,
		    EVP_CIPHER_CTX *, EVP_MAC_CTX *, int enc);
/* tls_ticket.c: the hosts' sessions, by address and port. */
int		 tls_host_session_new(SSL *, SSL_SESSION *);
SSL_SESSION	*tls_host_session(struct tls_relay *, const struct hs_addr *,
		    uint16_t port);

/* tls_key.c: keys whose private half is in the key process. */
struct key_client *key_client_new(struct relay_engine *);
void		 key_client_free(struct key_client *);
EVP_PKEY	*key_remote(struct key_client *, X509 *);
int		 key_client_result(struct key_client *, const struct msg_key *);
void		 key_client_flush(struct key_client *);
void		 key_client_lost(struct key_client *);
void		 key_client_enter(struct key_client *, struct leg *);
void		 key_req_cancel(struct key_req *);

/* tls_leg.c: the leg wrapper. */
int		 tls_leg_new(struct leg *, SSL_CTX *, bool server);
void		 tls_leg_free(struct leg *);
/* 1: done, 0: waiting (socket or key), -1: failed (logged). */
int		 tls_leg_handshake(struct leg *);
void		 tls_leg_events(struct leg *);
void		 tls_leg_ready(struct leg *);
/* An idle leg became readable: 0 if it read only TLS's own records. */
int		 tls_leg_idle_read(struct leg *);

/* tls_session.c: the session's side. */
int		 tls_session_accept(struct session *);
int		 tls_session_connect(struct session *);
int		 tls_http_connect(struct session *, struct leg *);
const char	*tls_host_name(const struct session *);
bool		 tls_session_event(struct leg *);

#endif /* HS_RELAY_TLS_H */
