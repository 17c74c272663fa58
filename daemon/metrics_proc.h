/*
 * The metrics process: serves show metrics over HTTP (metrics listen
 * on) for a Prometheus server.  Chrooted and unprivileged, it holds the
 * listening socket the parent opened and a read-only control channel to
 * the PFE, on which it may ask for nothing but show metrics.
 */
#ifndef HS_DAEMON_METRICS_PROC_H
#define HS_DAEMON_METRICS_PROC_H

#include "daemon/privdrop.h"
#include "daemon/proc.h"

#define METRICS_CLIENTS_MAX	64	/* HTTP connections at once */
#define METRICS_TIMEOUT_SEC	10	/* to send a request, to take the answer */

struct metrics_proc_args {
	const struct privdrop	*drop;		/* NULL: not root */
	int			 listen_fd;
};

void	metrics_proc_main(void *args, const struct proc_pipes *)
	    __attribute__((noreturn));

#endif /* HS_DAEMON_METRICS_PROC_H */
