/*
 * The pf backend (OpenBSD): the PF engine's layer-3 operations carried
 * out on /dev/pf, opened before the privilege drop; each operation's
 * ioctls are the plan pf_plan.h builds, and only this file's
 * pf_ioctl.c issues them.
 */
#ifndef HS_PF_BACKEND_H
#define HS_PF_BACKEND_H

#include "backends/pf/pf_plan.h"
#include "core/pfe.h"

struct pf_backend;

/* Opens /dev/pf and checks that pf runs; NULL with a line in err. */
struct pf_backend	*pf_backend_open(struct buf *err);
void			 pf_backend_free(struct pf_backend *);
/* Carries a plan out; -1 with the failing ioctl and errno in err. */
int			 pf_backend_exec(struct pf_backend *,
			    const struct pf_plan *, struct buf *err);
/* Point the PF engine's layer-3 operations at the backend. */
void			 pf_backend_io(struct pf_backend *, struct pfe_io *);

#endif /* HS_PF_BACKEND_H */
