/* A relay process: the relay engine on its own loop. */
#ifndef HS_DAEMON_RELAY_PROC_H
#define HS_DAEMON_RELAY_PROC_H

#include <stdint.h>

#include "core/config.h"
#include "core/msg.h"
#include "daemon/privdrop.h"
#include "daemon/proc.h"

struct relay_proc_args {
	struct config		*conf;		/* inherited by fork, then owned */
	const struct privdrop	*drop;		/* NULL: not root, no drop */
	uint32_t		 index;		/* from 1 */
	int			 parent_fd;	/* channel to the parent */
	int			 pfe_fd;	/* channel to the PFE */
	int			 fd_sock;	/* listeners from the parent */
	int			 key_fd;	/* channel to the key process */
	uint8_t			 secret[HS_KEY_LEN];
	uint64_t		 seed;
	struct msg_tickets	 tickets;	/* the first ticket keys */
};

void	 relay_proc_main(void *args, const struct proc_pipes *)
	    __attribute__((noreturn));

#endif /* HS_DAEMON_RELAY_PROC_H */
