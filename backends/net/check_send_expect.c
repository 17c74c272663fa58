/*
 * check send DATA expect PATTERN [ssl]: writes DATA (nothing when
 * empty, to read a banner), then feeds what is read to the pattern's
 * stream matcher (core/pattern.h) until some beginning of the answer
 * matches (up), none can any more (down at once), the peer closes, or
 * the deadline passes.  How the peer splits its bytes does not matter,
 * and nothing read is kept.  More than EXPECT_INPUT_MAX bytes without a
 * match is a mismatch.
 */
#include <stdlib.h>
#include <string.h>

#include "backends/net/net_internal.h"
#include "core/pattern.h"

#define EXPECT_INPUT_MAX	16384

static void
expect_ready(struct net_check *chk)
{
	const char	*data = chk->table->check.send, *why;

	chk->wlen = strlen(data);
	if (chk->wlen > 0 && (chk->wbuf = strdup(data)) == NULL) {
		net_finish(chk, false, stream_error(chk, FAULT_WRITE), -1);
		return;
	}
	/* The parser checked the pattern: only memory can fail here. */
	if ((chk->pattern = pattern_new(chk->table->check.expect, &why)) ==
	    NULL) {
		net_log(chk->nc, "check send/expect: pattern: %s", why);
		net_finish(chk, false, HCE_SEND_EXPECT_FAIL, -1);
		return;
	}
	stream_begin(chk);
}

static bool
expect_input(struct net_check *chk, const char *data, size_t len)
{
	size_t	room = EXPECT_INPUT_MAX - chk->nread;

	if (len > room)
		len = room;
	chk->nread += len;
	switch (pattern_feed(chk->pattern, data, len)) {
	case PATTERN_MATCH:
		net_finish(chk, true, HCE_SEND_EXPECT_OK, -1);
		return true;
	case PATTERN_NEVER:
		net_finish(chk, false, HCE_SEND_EXPECT_FAIL, -1);
		return true;
	case PATTERN_MORE:
		break;
	}
	if (chk->nread < EXPECT_INPUT_MAX)
		return false;
	net_finish(chk, false, HCE_SEND_EXPECT_FAIL, -1);
	return true;
}

static void
expect_eof(struct net_check *chk)
{
	net_finish(chk, false, chk->nread == 0 ?
	    stream_error(chk, FAULT_READ) : HCE_SEND_EXPECT_FAIL, -1);
}

/* Something that never matched is a mismatch; silence is a timeout. */
static void
expect_timeout(struct net_check *chk)
{
	net_finish(chk, false, chk->nread == 0 ?
	    stream_error(chk, FAULT_READ_TIMEOUT) : HCE_SEND_EXPECT_FAIL, -1);
}

const struct check_method send_expect_method = {
	.ready = expect_ready,
	.input = expect_input,
	.eof = expect_eof,
	.timeout = expect_timeout,
};
