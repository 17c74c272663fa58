/*
 * The in-memory message queue between simulated engines: each message is
 * stored encoded (msg_encode) with its destination and sender, and
 * decoded (msg_decode) when taken out, exactly like a socketpair.
 */
#ifndef HS_SIM_FIFO_H
#define HS_SIM_FIFO_H

#include <stddef.h>
#include <stdint.h>

#include "core/engine.h"
#include "core/msg.h"

struct msg_fifo {
	uint8_t		*data;
	size_t		 head;		/* first unread byte */
	size_t		 len;		/* bytes in use from 0 */
	size_t		 cap;
	size_t		 max;		/* bound on queued bytes */
};

void	 fifo_init(struct msg_fifo *, size_t max);
static inline int
fifo_empty(const struct msg_fifo *f)
{
	return f->head == f->len;
}

void	 fifo_free(struct msg_fifo *);
/* Encode and queue; -1 if the message does not encode or fit. */
int	 fifo_push(struct msg_fifo *, enum hs_peer to, enum hs_peer from,
	    const struct msg *);
/*
 * Take the oldest message: 1 and *m decoded, 0 when empty, -1 when it
 * does not decode (the message is dropped).
 */
int	 fifo_pop(struct msg_fifo *, enum hs_peer *to, enum hs_peer *from,
	    struct msg *m);

#endif /* HS_SIM_FIFO_H */
