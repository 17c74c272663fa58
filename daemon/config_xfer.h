/*
 * A configuration crossing from the parent to a child on reload: the
 * canonical text (config_print) in MSG_CFG_TEXT chunks and MSG_CFG_DONE.
 * Host names were resolved by the parent; its answers travel ahead of
 * the text as "# resolve NAME ADDRESS" comment lines, so that the child
 * re-parses to the same addresses without touching the network.
 */
#ifndef HS_DAEMON_CONFIG_XFER_H
#define HS_DAEMON_CONFIG_XFER_H

#include <stddef.h>

#include "core/addr.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/parse.h"
#include "daemon/channel.h"

#define XFER_TEXT_MAX	(64 * 1024 * 1024)	/* a bigger config is refused */

struct resolved_name {
	char		 name[HS_HOSTNAME_MAX];
	struct hs_addr	 addr;
};

/* Every name the parser asked for and the first address it got. */
struct resolved {
	struct resolved_name	*v;
	size_t			 n;
	size_t			 cap;
};

void	 resolved_free(struct resolved *);
/* A resolve_fn: the system resolver, recording into arg (struct resolved). */
size_t	 resolve_record(void *arg, const char *name, struct hs_addr *out,
	    size_t max);
/* A resolve_fn answering only from arg (struct resolved). */
size_t	 resolve_recorded(void *arg, const char *name, struct hs_addr *out,
	    size_t max);

/* Parent: send conf to a child; -1 with a log line. */
int	 config_xfer_send(struct channel *, const struct config *,
	    const struct resolved *);

/* Child: collect the chunks, then parse them. */
struct config_xfer {
	struct buf	 text;
};
void	 config_xfer_init(struct config_xfer *);
void	 config_xfer_reset(struct config_xfer *);
/* A MSG_CFG_TEXT chunk; -1 if the configuration is too big. */
int	 config_xfer_add(struct config_xfer *, const struct msg *);
/* The collected text as a model, or NULL with the errors in errors. */
struct config *config_xfer_parse(struct config_xfer *, struct buf *errors);
/*
 * The collected text as the child's next model, replacing *next: text
 * from the parent that does not parse is fatal for the child.
 */
void	 config_xfer_take(struct config_xfer *, struct config **next);

#endif /* HS_DAEMON_CONFIG_XFER_H */
