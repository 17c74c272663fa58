/*
 * What every engine shares: the peers it talks to and the I/O callbacks
 * a driver (daemon process or simulator) provides.  Engines never read a
 * clock: each entry point takes the current time in milliseconds, and
 * each engine says when it next needs to run (next_deadline).
 */
#ifndef HS_ENGINE_H
#define HS_ENGINE_H

#include <stdint.h>

#define HS_TIME_NEVER	UINT64_MAX

enum hs_peer {
	PEER_PARENT = 0,
	PEER_HCE,
	PEER_PFE,
	PEER_RELAY,
	PEER_KEY,		/* the key process (TLS private keys) */
	PEER_MAX
};

struct msg;

/* Send an encoded-on-the-way message to a peer engine. */
typedef void	(*send_fn)(void *arg, enum hs_peer, const struct msg *);
/* One log line, without trailing newline; level 0 = normal, 1 = verbose. */
typedef void	(*log_fn)(void *arg, int level, const char *line);

#endif /* HS_ENGINE_H */
