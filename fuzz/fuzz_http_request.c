/*
 * libFuzzer target for the HTTP request parser: whatever the bytes, every
 * way of feeding them gives the same trace and the parser's invariants
 * hold (see http_trace.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz/http_trace.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	why;

	buf_init(&why, SIZE_MAX / 2);
	if (http_check_all_ways(HTTP_REQUEST, data, size, &why) == -1) {
		fputs(buf_str(&why), stderr);
		abort();
	}
	buf_free(&why);
	return 0;
}
