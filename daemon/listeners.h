/* The parent's listening sockets for the relays; see listeners.c. */
#ifndef HS_DAEMON_LISTENERS_H
#define HS_DAEMON_LISTENERS_H

#include <stdbool.h>

#include "core/buf.h"
#include "core/config.h"

struct listeners;

struct listeners *listeners_new(void);
void		 listeners_free(struct listeners *);
/*
 * Open what the relays of cfg that can run need and keep what they
 * already have.  -1 with a line per failure in err ("relay www: cannot
 * listen on 10.0.0.1 port 80: Address already in use"): then nothing
 * changed.
 */
int		 listeners_prepare(struct listeners *, const struct config *,
		    struct buf *err);
/* The configuration switched: close what it no longer uses. */
void		 listeners_commit(struct listeners *);
/* It did not: close what prepare opened. */
void		 listeners_abort(struct listeners *);
/*
 * For a child that must not keep them: first, second unless it is -1,
 * then every listening socket, then -1 (proc_fork's closefds); NULL
 * without memory.
 */
int		*listeners_closefds(const struct listeners *, int first,
		    int second);
/* A listening TCP socket, non-blocking; -1 with errno. */
int		 listener_open(const struct hs_addr *, uint16_t port,
		    int backlog);
/* Pass the listeners (those prepare opened, or all) to a relay process. */
int		 listeners_send(struct listeners *, int sock, bool fresh_only);

#endif /* HS_DAEMON_LISTENERS_H */
