/* The PFE process: the core pfe and the control socket server. */
#ifndef HS_DAEMON_PFE_PROC_H
#define HS_DAEMON_PFE_PROC_H

#include "core/config.h"
#include "daemon/privdrop.h"
#include "daemon/proc.h"

struct pfe_proc_args {
	struct config		*conf;		/* inherited by fork, then owned */
	const struct privdrop	*drop;		/* NULL: not root, no drop */
	int			 control_fd;	/* listening, made by the parent */
};

void	 pfe_proc_main(void *args, const struct proc_pipes *)
	    __attribute__((noreturn));

#endif /* HS_DAEMON_PFE_PROC_H */
