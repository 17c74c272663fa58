/*
 * libFuzzer target for the reload handshake's receiving side: the input
 * is a stream of frames, as a child reads them from its channels (text
 * chunks with their "# resolve" lines, ends, aborts, starts).  Each
 * decoded message goes to a child's state machine; whatever it is, the
 * child answers or refuses, never crashes, and leaks nothing.  Answers
 * go back to a parent, which must take or refuse them too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/msg.h"
#include "core/parse.h"
#include "core/reload.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct msg		 m;
static struct reload_parent	 parent;
static struct config		*running;

static void
to_parent(void *arg, enum hs_peer to, const struct msg *msg)
{
	if (to == PEER_PARENT)
		(void)reload_parent_dispatch(&parent, PEER_HCE, msg);
}

static void
drop(void *arg, enum hs_peer to, const struct msg *msg)
{
}

static int
prepare(void *arg, const struct config *c, struct buf *why)
{
	/* one in two fails, as an engine out of memory would */
	if (c->nhosts % 2 == 1) {
		(void)buf_puts(why, "out of memory");
		return -1;
	}
	return 0;
}

static void
commit(void *arg, struct config *c)
{
	config_free(running);
	running = c;
}

static void
nothing(void *arg)
{
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const enum hs_peer	 children[] = { PEER_HCE, PEER_PFE };
	struct reload_parent_io	 pio = { .send = drop, .commit = commit };
	struct reload_child_io	 cio = { .send = to_parent,
				    .prepare = prepare, .commit = commit,
				    .abort = nothing, .start = nothing };
	struct reload_child	 child;
	size_t			 off = 0;
	int			 len;

	running = NULL;
	reload_parent_init(&parent, &pio, children, 2, PEER_HCE, PEER_PFE, 1);
	reload_child_init(&child, &cio, "hce", PEER_PARENT, PEER_PFE, 1);
	while (off < size && (len = msg_frame_len(data + off,
	    size - off)) > 0 && (size_t)len <= size - off) {
		if (msg_decode(data + off, (size_t)len, &m) == 0)
			(void)reload_child_dispatch(&child,
			    m.type == MSG_CFG_START && (m.peerid & 1) ?
			    PEER_HCE : PEER_PARENT, &m);
		off += (size_t)len;
	}
	reload_child_free(&child);
	reload_parent_free(&parent);
	config_free(running);
	return 0;
}
