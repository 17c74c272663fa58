/*
 * The reload handshake between the parent and its children, as a state
 * machine without system calls.  The daemon's processes drive it over
 * their channels; the simulator drives the same code over its message
 * queue, where it can fail a child's preparation or hold a channel.
 *
 *   parent                         hce                     pfe
 *   CFG_TEXT ... CFG_DONE -------> parse, prepare
 *   CFG_TEXT ... CFG_DONE ---------------------------------> parse, prepare
 *          <---------------------- CFG_READY or CFG_FAIL (why)
 *          <------------------------------------------------ READY or FAIL
 *   every child ready: the parent switches and sends
 *   CFG_START --------------------> switch, CFG_START ------> switch
 *   RELOAD_RESULT (ok) -------------------------------------> answers the
 *                                                             client once
 *                                                             switched
 *   a child failed: CFG_ABORT to every child, RELOAD_RESULT (why) to pfe
 *
 * Every message of a reload carries its new generation (core/msg.h):
 * a late answer to an aborted reload is recognized and ignored.  The HCE
 * switches before the PFE and tells it on their channel, so every host
 * status the PFE reads before that CFG_START has the old ids and every
 * one after it the new ones.  At startup the children already hold the
 * configuration (inherited): the parent sends CFG_START with its
 * generation and no text, and they start.
 *
 * A child's preparation allocates everything its switch needs
 * (hce_reload_prepare, pfe_reload_prepare), so that the switch itself
 * cannot fail: a reload happens in every process or in none, and a
 * failed one keeps the running configuration everywhere.
 */
#ifndef HS_RELOAD_H
#define HS_RELOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/engine.h"
#include "core/msg.h"
#include "core/resolved.h"

/* A configuration text longer than this is refused. */
#define RELOAD_TEXT_MAX		(64u * 1024 * 1024)
#define RELOAD_CHILDREN_MAX	4

/* The parent's side. */
struct reload_parent_io {
	void	*arg;
	send_fn	 send;
	/* Bytes that may be queued to the child now; NULL: no bound. */
	size_t	(*room)(void *arg, enum hs_peer);
	/* Every child is ready: conf runs now, the driver takes it over. */
	void	(*commit)(void *arg, struct config *conf);
	/* Or the reload begun failed: the running configuration stays. */
	void	(*aborted)(void *arg);
	log_fn	 log;
};

struct reload_parent {
	struct reload_parent_io	 io;
	enum hs_peer		 child[RELOAD_CHILDREN_MAX];
	size_t			 nchildren;
	enum hs_peer		 start_to;	/* who switches first */
	enum hs_peer		 answer_to;	/* answers clients */
	uint32_t		 gen;		/* running */
	uint32_t		 last_gen;	/* handed out */
	/* The reload in flight: next != NULL. */
	struct config		*next;
	uint32_t		 client;
	struct buf		 text;
	size_t			 sent[RELOAD_CHILDREN_MAX];
	bool			 done_sent[RELOAD_CHILDREN_MAX];
	bool			 ready[RELOAD_CHILDREN_MAX];
};

/*
 * children: the processes that get the configuration; start_to: the
 * one the parent starts (it passes the start on); answer_to: the one
 * that answers control clients.  gen: the running configuration's.
 */
void	 reload_parent_init(struct reload_parent *,
	    const struct reload_parent_io *, const enum hs_peer *children,
	    size_t nchildren, enum hs_peer start_to, enum hs_peer answer_to,
	    uint32_t gen);
void	 reload_parent_free(struct reload_parent *);
/* Startup: the children start with the configuration they hold. */
void	 reload_parent_start(struct reload_parent *);
/*
 * Send conf (taken over, freed on failure too) to every child, with the
 * names the parser resolved; client: the control client to answer, 0
 * for none.  -1 if a reload is in flight or the text is too big: the
 * failure was sent as the answer.
 */
int	 reload_parent_begin(struct reload_parent *, struct config *conf,
	    const struct resolved *, uint32_t client);
/* Send more of the text where there is room; call when a child drains. */
void	 reload_parent_pump(struct reload_parent *);
/* CFG_READY and CFG_FAIL from a child; -1 for anything else. */
int	 reload_parent_dispatch(struct reload_parent *, enum hs_peer,
	    const struct msg *);
/* Answer client that its reload failed (errors: one or more lines). */
void	 reload_parent_refuse(struct reload_parent *, uint32_t client,
	    const char *errors);
bool	 reload_parent_busy(const struct reload_parent *);

/* A child's side. */
struct reload_child_io {
	void	*arg;
	send_fn	 send;
	/*
	 * The new configuration parsed: get ready to switch to it (e.g.
	 * hce_reload_prepare).  -1 with one line in why if it cannot.
	 */
	int	(*prepare)(void *arg, const struct config *,
		    struct buf *why);
	/* Switch now (e.g. hce_reload_commit); conf is taken over. */
	void	(*commit)(void *arg, struct config *conf);
	/* The configuration prepared will not run (e.g. hce_reload_abort). */
	void	(*abort)(void *arg);
	/* Startup: run the configuration held since the fork. */
	void	(*start)(void *arg);
	log_fn	 log;
};

struct reload_child {
	struct reload_child_io	 io;
	const char		*name;		/* "hce" */
	enum hs_peer		 start_from;	/* its starter */
	enum hs_peer		 start_to;	/* or PEER_MAX */
	uint32_t		 gen;		/* running */
	bool			 started;
	/* Text being received: text_gen != 0. */
	uint32_t		 text_gen;
	struct buf		 text;
	/* Parsed and prepared, waiting for CFG_START. */
	struct config		*pending;
};

void	 reload_child_init(struct reload_child *,
	    const struct reload_child_io *, const char *name,
	    enum hs_peer start_from, enum hs_peer start_to, uint32_t gen);
void	 reload_child_free(struct reload_child *);
/*
 * The handshake's messages (CFG_*) from the parent, and CFG_START from
 * start_from.  -1 for a message out of place: a protocol error.
 */
int	 reload_child_dispatch(struct reload_child *, enum hs_peer,
	    const struct msg *);
/* A new configuration waits for the switch: its ids are about to run. */
bool	 reload_child_pending(const struct reload_child *);

/* Is m one of the handshake's messages (for a driver's dispatch)? */
bool	 reload_msg(const struct msg *);

#endif /* HS_RELOAD_H */
