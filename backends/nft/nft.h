/*
 * The nftables backend: the PF engine's layer-3 operations applied with
 * libnftables, one transaction each, through one context kept for the
 * process's life (a new context costs milliseconds; an update about a
 * tenth of one).  Sending needs CAP_NET_ADMIN in the calling process.
 */
#ifndef HS_NFT_H
#define HS_NFT_H

#include "core/buf.h"
#include "core/pfe.h"

struct nft_backend;

/* NULL with a line in err on failure. */
struct nft_backend	*nft_backend_new(struct buf *err);
void			 nft_backend_free(struct nft_backend *);
/* Run one transaction; -1 with the first error line in err. */
int			 nft_backend_run(struct nft_backend *, const char *text,
			    struct buf *err);
/* The PF engine's layer-3 operations (see struct pfe_io). */
int			 nft_flush(struct nft_backend *, struct buf *err);
int			 nft_rules_add(struct nft_backend *,
			    const struct service_conf *, struct buf *err);
int			 nft_rules_remove(struct nft_backend *,
			    const struct service_conf *, struct buf *err);
int			 nft_table_replace(struct nft_backend *,
			    const struct service_conf *,
			    const struct l3_table *, struct buf *err);
int			 nft_rules_check(struct nft_backend *,
			    const struct service_conf *, struct buf *err);
/* Point the PF engine's layer-3 operations at the backend. */
void			 nft_backend_io(struct nft_backend *, struct pfe_io *);

#endif /* HS_NFT_H */
