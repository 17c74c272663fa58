/* The key process: the relays' private keys and their signatures. */
#ifndef HS_DAEMON_KEY_PROC_H
#define HS_DAEMON_KEY_PROC_H

#include "core/config.h"
#include "daemon/privdrop.h"
#include "daemon/proc.h"

struct key_proc_args {
	struct config		*conf;	/* inherited by fork, then owned */
	const struct privdrop	*drop;		/* NULL: not root, no drop */
	int			 fd_sock;	/* key files from the parent */
};

void	 key_proc_main(void *args, const struct proc_pipes *)
	    __attribute__((noreturn));

#endif /* HS_DAEMON_KEY_PROC_H */
