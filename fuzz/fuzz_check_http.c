/*
 * libFuzzer target for what the HTTP checks (backends/net) read from an
 * answer: the status line's code and the end of the head.  The end of
 * the head must be found at the same offset whether the answer comes in
 * one read or in chunks of the sizes the input's first byte picks, and a
 * status code is -1 or 100 to 999.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backends/net/http_scan.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static long
head_end_split(const char *data, size_t len, size_t chunk)
{
	enum http_head_state	 st = HEAD_LINE_START;
	size_t			 off, n;
	long			 at;

	for (off = 0; off < len; off += n) {
		n = chunk < len - off ? chunk : len - off;
		if ((at = http_head_end(&st, data + off, n)) != -1) {
			if (at <= 0 || (size_t)at > n)
				abort();
			return (long)off + at;
		}
	}
	return -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*text = (const char *)data + 1;
	const char	*nl;
	size_t		 len, chunk;
	long		 whole;
	int		 code;

	if (size < 1)
		return 0;
	chunk = 1 + data[0] % 13;
	len = size - 1;
	whole = head_end_split(text, len, len > 0 ? len : 1);
	if (whole != head_end_split(text, len, chunk))
		abort();
	if (whole != -1 && (text[whole - 1] != '\n' || whole > (long)len))
		abort();
	nl = memchr(text, '\n', len);
	code = http_status_code(text, nl != NULL ? (size_t)(nl - text) : len);
	if (code != -1 && (code < 100 || code > 999))
		abort();
	return 0;
}
