/*
 * libFuzzer target for the send/expect pattern matcher: the input is
 * "PATTERN\0TEXT".  A pattern that compiles must give, for TEXT split
 * into chunks at the sizes the input's last byte picks, the answer that
 * fnmatch(3) on every beginning of TEXT gives, and NEVER only when no
 * beginning matched.
 */
#include <fnmatch.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/pattern.h"

#define PATTERN_MAX	64
#define TEXT_MAX	256

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static bool
some_beginning_matches(const char *pat, const char *text, size_t len)
{
	char	buf[TEXT_MAX + 1];
	size_t	k;

	for (k = 0; k <= len; k++) {
		memcpy(buf, text, k);
		buf[k] = '\0';
		if (fnmatch(pat, buf, 0) == 0)
			return true;
	}
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char			 pat[PATTERN_MAX + 1], text[TEXT_MAX + 1];
	const uint8_t		*nul;
	struct pattern		*pt;
	enum pattern_verdict	 v = PATTERN_MORE;
	const char		*why;
	size_t			 plen, tlen, off, n, chunk;

	if ((nul = memchr(data, '\0', size)) == NULL ||
	    (plen = (size_t)(nul - data)) > PATTERN_MAX)
		return 0;
	memcpy(pat, data, plen);
	pat[plen] = '\0';
	tlen = size - plen - 1;
	if (tlen == 0 || tlen > TEXT_MAX ||
	    memchr(nul + 1, '\0', tlen) != NULL)
		return 0;
	memcpy(text, nul + 1, tlen);
	text[tlen] = '\0';
	if ((pt = pattern_new(pat, &why)) == NULL) {
		if (why == NULL || why[0] == '\0')
			abort();
		return 0;
	}
	chunk = 1 + (unsigned char)text[tlen - 1] % 7;
	for (off = 0; off < tlen; off += n) {
		n = chunk < tlen - off ? chunk : tlen - off;
		v = pattern_feed(pt, text + off, n);
	}
	pattern_free(pt);
	if ((v == PATTERN_MATCH) != some_beginning_matches(pat, text, tlen))
		abort();
	return 0;
}
