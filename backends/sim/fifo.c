#include <stdlib.h>
#include <string.h>

#include "backends/sim/fifo.h"

#define FIFO_ENTRY_HDR	2	/* destination, sender */

void
fifo_init(struct msg_fifo *f, size_t max)
{
	memset(f, 0, sizeof(*f));
	f->max = max;
}

void
fifo_free(struct msg_fifo *f)
{
	free(f->data);
	memset(f, 0, sizeof(*f));
}

static int
fifo_reserve(struct msg_fifo *f, size_t need)
{
	uint8_t	*d;
	size_t	 cap;

	if (f->head == f->len)
		f->head = f->len = 0;
	if (f->cap - f->len >= need)
		return 0;
	if (f->head > 0) {
		/* Slide the unread part down before growing. */
		memmove(f->data, f->data + f->head, f->len - f->head);
		f->len -= f->head;
		f->head = 0;
		if (f->cap - f->len >= need)
			return 0;
	}
	if (f->len + need > f->max)
		return -1;
	cap = f->cap == 0 ? 4096 : f->cap;
	while (cap < f->len + need)
		cap *= 2;
	if ((d = realloc(f->data, cap)) == NULL)
		return -1;
	f->data = d;
	f->cap = cap;
	return 0;
}

int
fifo_push(struct msg_fifo *f, enum hs_peer to, enum hs_peer from,
    const struct msg *m)
{
	int	n;

	if (fifo_reserve(f, FIFO_ENTRY_HDR + MSG_MAX_LEN) == -1)
		return -1;
	n = msg_encode(m, f->data + f->len + FIFO_ENTRY_HDR, MSG_MAX_LEN);
	if (n <= 0)
		return -1;
	f->data[f->len] = (uint8_t)to;
	f->data[f->len + 1] = (uint8_t)from;
	f->len += FIFO_ENTRY_HDR + (size_t)n;
	return 0;
}

int
fifo_pop(struct msg_fifo *f, enum hs_peer *to, enum hs_peer *from,
    struct msg *m)
{
	const uint8_t	*p;
	size_t		 avail;
	int		 n;

	if (f->head == f->len)
		return 0;
	p = f->data + f->head;
	avail = f->len - f->head - FIFO_ENTRY_HDR;
	*to = (enum hs_peer)p[0];
	*from = (enum hs_peer)p[1];
	n = msg_frame_len(p + FIFO_ENTRY_HDR, avail);
	if (n <= 0 || (size_t)n > avail) {
		/* Cannot find the next frame: drop everything queued. */
		f->head = f->len;
		return -1;
	}
	f->head += FIFO_ENTRY_HDR + (size_t)n;
	if (msg_decode(p + FIFO_ENTRY_HDR, (size_t)n, m) == -1)
		return -1;
	return 1;
}
