/*
 * A framed message channel over a stream socket (a socketpair between
 * two processes, or a control client).  Frames are the core's messages
 * (msg_frame_len, msg_decode, msg_encode); a frame that does not decode
 * is a protocol error and ends the channel: the peer is not trusted.
 */
#ifndef HS_DAEMON_CHANNEL_H
#define HS_DAEMON_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>

#include <event2/event.h>

#include "core/msg.h"

struct channel;

/* A decoded message; return -1 if the channel was freed by the callback. */
typedef int	(*channel_dispatch_fn)(void *arg, struct channel *,
		    const struct msg *);
/*
 * The channel is finished: why says how ("connection closed",
 * "protocol error: ..."), or is NULL after channel_close_flush.  The
 * callback owns the channel and frees it; after a protocol error it may
 * instead send a last message and call channel_close_flush.
 */
typedef void	(*channel_error_fn)(void *arg, struct channel *,
		    const char *why);

/* The output queued fell to the channel's low mark (channel_set_flow). */
typedef void	(*channel_drained_fn)(void *arg, struct channel *);

/*
 * Take over the descriptor fd (made non-blocking, closed on free).
 * outmax bounds the bytes queued for a slow reader: channel_send fails
 * beyond it.  Every channel has one; a privsep channel's owner keeps
 * below it by flow control (channel_set_flow), so reaching it means the
 * peer stopped reading.
 */
struct channel	*channel_new(struct event_base *, int fd, const char *name,
		    size_t outmax, channel_dispatch_fn, channel_error_fn,
		    void *arg);
void		 channel_free(struct channel *);
/*
 * Flow control.  The channel is busy while more than high bytes are
 * queued for output.  drained (if not NULL) is called whenever the
 * output, having been above low, falls to low or below.  With
 * pause_reading, a busy channel also stops decoding what its peer
 * sends until it is down to low: a control client that does not read
 * its answers gets no more of them.  Never pause a privsep channel's
 * reading: two processes waiting on each other would deadlock.
 */
void		 channel_set_flow(struct channel *, size_t high, size_t low,
		    bool pause_reading, channel_drained_fn);
bool		 channel_busy(const struct channel *);
/* Bytes that may still be queued before channel_send fails. */
size_t		 channel_room(const struct channel *);
/* 0, or -1 if the message is invalid or the output bound is reached. */
int		 channel_send(struct channel *, const struct msg *);
/* Stop reading; when everything queued is written, call the error cb. */
void		 channel_close_flush(struct channel *);
const char	*channel_name(const struct channel *);
int		 channel_fd(const struct channel *);
/* Bytes queued and not yet written. */
size_t		 channel_pending(const struct channel *);
/* Write what is queued, blocking at most timeout_ms (at shutdown). */
void		 channel_drain(struct channel *, int timeout_ms);

#endif /* HS_DAEMON_CHANNEL_H */
