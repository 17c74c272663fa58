/*
 * check send DATA expect PATTERN [ssl]: writes DATA (nothing when
 * empty, to read a banner), then reads until the input accumulated so
 * far matches the shell-style PATTERN (fnmatch), the peer closes, or the
 * deadline passes.  Input is bounded: more than EXPECT_INPUT_MAX bytes
 * without a match is a mismatch.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "backends/net/net_internal.h"

#define EXPECT_INPUT_MAX	16384

static void
expect_ready(struct net_check *chk)
{
	const char	*data = chk->table->check.send;

	chk->wlen = strlen(data);
	if (chk->wlen > 0 && (chk->wbuf = strdup(data)) == NULL) {
		net_finish(chk, false, stream_error(chk, FAULT_WRITE), -1);
		return;
	}
	chk->rmax = EXPECT_INPUT_MAX;
	stream_begin(chk);
}

static bool
expect_input(struct net_check *chk, const char *data, size_t len)
{
	if (!stream_keep(chk, data, len)) {
		net_finish(chk, false, HCE_SEND_EXPECT_FAIL, -1);
		return true;
	}
	if (fnmatch(chk->table->check.expect, chk->rbuf, 0) != 0)
		return false;
	net_finish(chk, true, HCE_SEND_EXPECT_OK, -1);
	return true;
}

static void
expect_eof(struct net_check *chk)
{
	net_finish(chk, false, chk->rlen == 0 ?
	    stream_error(chk, FAULT_READ) : HCE_SEND_EXPECT_FAIL, -1);
}

/* Something that never matched is a mismatch; silence is a timeout. */
static void
expect_timeout(struct net_check *chk)
{
	net_finish(chk, false, chk->rlen == 0 ?
	    stream_error(chk, FAULT_READ_TIMEOUT) : HCE_SEND_EXPECT_FAIL, -1);
}

const struct check_method send_expect_method = {
	.ready = expect_ready,
	.input = expect_input,
	.eof = expect_eof,
	.timeout = expect_timeout,
};
