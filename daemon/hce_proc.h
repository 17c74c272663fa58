/* The host check engine process: the core hce driven by the net checker. */
#ifndef HS_DAEMON_HCE_PROC_H
#define HS_DAEMON_HCE_PROC_H

#include "core/config.h"
#include "daemon/privdrop.h"
#include "daemon/proc.h"

struct hce_proc_args {
	struct config		*conf;		/* inherited by fork, then owned */
	const struct privdrop	*drop;		/* NULL: not root, no drop */
};

void	 hce_proc_main(void *args, const struct proc_pipes *)
	    __attribute__((noreturn));

#endif /* HS_DAEMON_HCE_PROC_H */
