/*
 * libFuzzer target for the message decoder: any bytes are either
 * rejected or decode to a message that encodes back to the same bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctl.h"
#include "core/msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct msg	m;
static uint8_t		again[MSG_MAX_LEN];

/* Render what can be rendered, to run the renderer on decoded input. */
static void
render(const struct msg *msg)
{
	struct buf	b;

	buf_init(&b, 1 << 20);
	if (msg->type == MSG_CTL_ROW) {
		ctl_render(CTL_SHOW_HOSTS, &msg->u.ctl_row, 1, &b);
		ctl_render_json(CTL_SHOW_HOSTS, &msg->u.ctl_row, 1,
		    msg->u.ctl_row.error_age_ms, &b);
		ctl_render(CTL_SHOW_RELAYS, &msg->u.ctl_row, 1, &b);
	} else if (msg->type == MSG_CTL_SESSION) {
		ctl_render_session(&msg->u.ctl_session, &b);
		ctl_render_session_json(&msg->u.ctl_session, &b);
	} else if (msg->type == MSG_CTL_EVENT) {
		ctl_render_event(&msg->u.ctl_event, &b);
		ctl_render_event_json(&msg->u.ctl_event, &b);
	}
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int	flen, len;

	flen = msg_frame_len(data, size);
	if (msg_decode(data, size, &m) == -1)
		return 0;
	if (flen != (int)size)
		abort();	/* decoded though the frame says otherwise */
	len = msg_encode(&m, again, sizeof(again));
	if (len != (int)size || memcmp(again, data, size) != 0) {
		fprintf(stderr, "%s: re-encoding differs (%d vs %zu bytes)\n",
		    msg_type_name(m.type), len, size);
		abort();
	}
	render(&m);
	return 0;
}
