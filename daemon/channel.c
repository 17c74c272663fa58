#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "daemon/channel.h"

#define CHANNEL_NAME_MAX	32

struct channel {
	struct bufferevent	*bev;
	char			 name[CHANNEL_NAME_MAX];
	size_t			 outmax;
	size_t			 high;		/* busy above */
	size_t			 low;		/* drained at */
	bool			 pause_reading;
	bool			 paused;	/* reading stopped: busy */
	bool			 was_busy;
	channel_drained_fn	 drained;
	channel_dispatch_fn	 dispatch;
	channel_error_fn	 error;
	void			*arg;
	int			 closing;	/* channel_close_flush called */
	int			 broken;	/* protocol error: no more reads */
	int			 dead;		/* error reported */
	struct msg		*msg;		/* decode target, one per channel */
};

static void
channel_fail(struct channel *ch, const char *why)
{
	if (ch->dead)
		return;
	ch->dead = 1;
	bufferevent_disable(ch->bev, EV_READ | EV_WRITE);
	ch->error(ch->arg, ch, why);
}

/* A bad frame: stop reading but let the owner write a last answer. */
static void
channel_protocol_error(struct channel *ch, const char *why)
{
	ch->broken = 1;
	bufferevent_disable(ch->bev, EV_READ);
	ch->error(ch->arg, ch, why);
}

static size_t
out_len(const struct channel *ch)
{
	return evbuffer_get_length(bufferevent_get_output(ch->bev));
}

bool
channel_busy(const struct channel *ch)
{
	return ch->high != 0 && out_len(ch) > ch->high;
}

size_t
channel_room(const struct channel *ch)
{
	size_t	n = out_len(ch);

	return n < ch->outmax ? ch->outmax - n : 0;
}

/* Busy with a reader that does not read: decode nothing more for now. */
static bool
channel_pause(struct channel *ch)
{
	if (!ch->pause_reading || !channel_busy(ch))
		return false;
	ch->paused = true;
	ch->was_busy = true;
	bufferevent_disable(ch->bev, EV_READ);
	return true;
}

/* Dispatch every complete frame; -1 if the channel may be gone. */
static int
channel_decode(struct channel *ch)
{
	struct evbuffer	*in = bufferevent_get_input(ch->bev);
	uint8_t		*p;
	size_t		 avail;
	int		 len;

	while (!ch->dead && !ch->closing && !ch->broken &&
	    !channel_pause(ch)) {
		avail = evbuffer_get_length(in);
		if (avail < MSG_HDR_LEN)
			return 0;
		p = evbuffer_pullup(in, MSG_HDR_LEN);
		len = msg_frame_len(p, MSG_HDR_LEN);
		if (len < 0 || len > MSG_MAX_LEN || len < MSG_HDR_LEN) {
			channel_protocol_error(ch,
			    "protocol error: bad frame header");
			return -1;
		}
		if (len == 0 || avail < (size_t)len)
			return 0;
		p = evbuffer_pullup(in, len);
		if (msg_decode(p, len, ch->msg) == -1) {
			channel_protocol_error(ch,
			    "protocol error: malformed message");
			return -1;
		}
		evbuffer_drain(in, len);
		if (ch->dispatch(ch->arg, ch, ch->msg) == -1)
			return -1;	/* the channel may be gone */
	}
	return 0;
}

static void
channel_read_cb(struct bufferevent *bev, void *arg)
{
	(void)channel_decode(arg);
}

/* The output fell to the low mark (or emptied). */
static void
channel_write_cb(struct bufferevent *bev, void *arg)
{
	struct channel	*ch = arg;

	if (ch->closing && !ch->dead &&
	    evbuffer_get_length(bufferevent_get_output(bev)) == 0) {
		ch->dead = 1;
		ch->error(ch->arg, ch, NULL);
		return;
	}
	if (ch->dead || ch->closing || out_len(ch) > ch->low)
		return;
	if (ch->paused) {
		ch->paused = false;
		/* What waited in the input buffer raises no read event. */
		if (bufferevent_enable(ch->bev, EV_READ) == -1 ||
		    channel_decode(ch) == -1 || ch->dead)
			return;
	}
	if (ch->was_busy && ch->drained != NULL) {
		ch->was_busy = false;
		ch->drained(ch->arg, ch);
	}
}

void
channel_set_flow(struct channel *ch, size_t high, size_t low,
    bool pause_reading, channel_drained_fn drained)
{
	ch->high = high;
	ch->low = low < high ? low : high;
	ch->pause_reading = pause_reading;
	ch->drained = drained;
	bufferevent_setwatermark(ch->bev, EV_WRITE, ch->low, 0);
}

static void
channel_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct channel	*ch = arg;
	char		 why[128];

	if (what & BEV_EVENT_EOF)
		channel_fail(ch, "connection closed");
	else if (what & BEV_EVENT_ERROR) {
		snprintf(why, sizeof(why), "connection error: %s",
		    strerror(EVUTIL_SOCKET_ERROR()));
		channel_fail(ch, why);
	}
}

struct channel *
channel_new(struct event_base *base, int fd, const char *name, size_t outmax,
    channel_dispatch_fn dispatch, channel_error_fn error, void *arg)
{
	struct channel	*ch;
	int		 n;

	if ((ch = calloc(1, sizeof(*ch))) == NULL)
		return NULL;
	if ((ch->msg = malloc(sizeof(*ch->msg))) == NULL)
		goto fail;
	n = snprintf(ch->name, sizeof(ch->name), "%s", name);
	if (n < 0 || (size_t)n >= sizeof(ch->name))
		goto fail;
	if (evutil_make_socket_nonblocking(fd) == -1)
		goto fail;
	ch->bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (ch->bev == NULL)
		goto fail;
	ch->outmax = outmax;
	ch->dispatch = dispatch;
	ch->error = error;
	ch->arg = arg;
	/* Never buffer more than one frame beyond what was decoded. */
	bufferevent_setwatermark(ch->bev, EV_READ, 0, 4 * MSG_MAX_LEN);
	bufferevent_setcb(ch->bev, channel_read_cb, channel_write_cb,
	    channel_event_cb, ch);
	if (bufferevent_enable(ch->bev, EV_READ | EV_WRITE) == -1) {
		bufferevent_free(ch->bev);
		goto fail;
	}
	return ch;
fail:
	free(ch->msg);
	free(ch);
	return NULL;
}

void
channel_free(struct channel *ch)
{
	if (ch == NULL)
		return;
	bufferevent_free(ch->bev);
	free(ch->msg);
	free(ch);
}

int
channel_send(struct channel *ch, const struct msg *m)
{
	uint8_t		 frame[MSG_MAX_LEN];
	struct evbuffer	*out;
	int		 len;

	if (ch->dead)
		return -1;
	out = bufferevent_get_output(ch->bev);
	if ((len = msg_encode(m, frame, sizeof(frame))) <= 0 ||
	    evbuffer_get_length(out) + (size_t)len > ch->outmax)
		return -1;
	if (bufferevent_write(ch->bev, frame, len) == -1)
		return -1;
	if (ch->drained != NULL && out_len(ch) > ch->low)
		ch->was_busy = true;	/* say when it is down again */
	return 0;
}

void
channel_close_flush(struct channel *ch)
{
	if (ch->dead || ch->closing)
		return;
	ch->closing = 1;
	bufferevent_disable(ch->bev, EV_READ);
	/* Deferred, so that the caller's stack never sees the channel freed. */
	bufferevent_trigger(ch->bev, EV_WRITE,
	    BEV_TRIG_IGNORE_WATERMARKS | BEV_TRIG_DEFER_CALLBACKS);
}

const char *
channel_name(const struct channel *ch)
{
	return ch->name;
}

size_t
channel_pending(const struct channel *ch)
{
	return evbuffer_get_length(bufferevent_get_output(ch->bev));
}

int
channel_fd(const struct channel *ch)
{
	return bufferevent_getfd(ch->bev);
}

void
channel_drain(struct channel *ch, int timeout_ms)
{
	struct evbuffer	*out = bufferevent_get_output(ch->bev);
	struct pollfd	 pfd;

	pfd.fd = bufferevent_getfd(ch->bev);
	pfd.events = POLLOUT;
	while (evbuffer_get_length(out) > 0) {
		if (poll(&pfd, 1, timeout_ms) <= 0)
			return;
		if (evbuffer_write(out, pfd.fd) <= 0 && errno != EAGAIN)
			return;
	}
}
