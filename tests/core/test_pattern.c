/*
 * The stream matcher of send/expect patterns: its answer is "some
 * beginning of the bytes matches", the same however the bytes are
 * split, and agrees with fnmatch(3) run on every beginning.
 */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <cmocka.h>

#include "core/pattern.h"

/* Feed text in chunks of chunk bytes (0: one write) and answer. */
static enum pattern_verdict
feed(const char *pat, const char *text, size_t chunk)
{
	struct pattern		*pt;
	enum pattern_verdict	 v = PATTERN_MORE;
	const char		*why;
	size_t			 off, len = strlen(text), n;

	pt = pattern_new(pat, &why);
	assert_non_null(pt);
	for (off = 0; off < len; off += n) {
		n = chunk == 0 || chunk > len - off ? len - off : chunk;
		v = pattern_feed(pt, text + off, n);
	}
	pattern_free(pt);
	return v;
}

/* fnmatch on every beginning of text, at least one byte read. */
static enum pattern_verdict
oracle(const char *pat, const char *text)
{
	char	 buf[256];
	size_t	 k, len = strlen(text);

	for (k = 0; k <= len && len > 0; k++) {
		memcpy(buf, text, k);
		buf[k] = '\0';
		if (fnmatch(pat, buf, 0) == 0)
			return PATTERN_MATCH;
	}
	return PATTERN_MORE;
}

static void
test_banner_split_anywhere(void **state)
{
	const char	*banner = "SSH-2.0-OpenSSH_9.2\r\n";
	size_t		 chunk;

	for (chunk = 0; chunk <= strlen(banner); chunk++) {
		assert_int_equal(feed("SSH-2.0-*", banner, chunk),
		    PATTERN_MATCH);
		/* no trailing star: the banner still begins with a match */
		assert_int_equal(feed("SSH-2.0-OpenSSH_9.2", banner, chunk),
		    PATTERN_MATCH);
		assert_int_equal(feed("220 *", banner, chunk), PATTERN_NEVER);
		assert_int_equal(feed("*ESMTP*", banner, chunk),
		    PATTERN_MORE);
	}
}

static void
test_waits_for_the_rest(void **state)
{
	struct pattern	*pt;
	const char	*why;

	pt = pattern_new("220 *ESMTP*", &why);
	assert_non_null(pt);
	assert_int_equal(pattern_feed(pt, "220 mail.ex", 11), PATTERN_MORE);
	assert_int_equal(pattern_feed(pt, "ample ES", 8), PATTERN_MORE);
	assert_int_equal(pattern_feed(pt, "MTP\r\n", 5), PATTERN_MATCH);
	pattern_reset(pt);
	assert_int_equal(pattern_feed(pt, "554 go away", 11), PATTERN_NEVER);
	pattern_free(pt);
}

static void
test_sets_classes_and_quotes(void **state)
{
	assert_int_equal(feed("HTTP/1.[01] 200", "HTTP/1.1 200 OK", 1),
	    PATTERN_MATCH);
	assert_int_equal(feed("[[:digit:]][[:digit:]][!0-4]", "205", 1),
	    PATTERN_MATCH);
	assert_int_equal(feed("[[:digit:]][[:digit:]][!0-4]", "204", 1),
	    PATTERN_NEVER);
	assert_int_equal(feed("[]x]", "]", 0), PATTERN_MATCH);
	assert_int_equal(feed("a\\*b", "a*b", 0), PATTERN_MATCH);
	assert_int_equal(feed("a\\*b", "axb", 0), PATTERN_NEVER);
	assert_int_equal(feed("*", "x", 0), PATTERN_MATCH);
	assert_int_equal(feed("", "x", 0), PATTERN_MATCH);
}

static void
test_errors_say_why(void **state)
{
	const char	*why = NULL;

	assert_null(pattern_new("2[0-9", &why));
	assert_string_equal(why, "unterminated [");
	assert_null(pattern_new("ab\\", &why));
	assert_string_equal(why, "trailing backslash");
	assert_null(pattern_new("[[:vowel:]]", &why));
	assert_string_equal(why, "unknown character class");
	assert_false(pattern_valid("[[.a.]]", &why));
	/* fnmatch reads this one two ways, depending on what matched */
	assert_null(pattern_new("[a*-[:print:]x]", &why));
	assert_string_equal(why, "a class cannot end a range");
	assert_true(pattern_valid("[[:alpha:]_-]*", &why));
}

/* Random patterns and texts over a small alphabet, against fnmatch. */
static void
test_agrees_with_fnmatch(void **state)
{
	static const char	 pal[] = "ab*?[]!-\\:", tal[] = "ab-]!";
	char			 pat[12], text[24];
	uint64_t		 x = 0x9e3779b97f4a7c15ULL;
	struct pattern		*pt;
	const char		*why;
	int			 round, i, n, agreed = 0;

	for (round = 0; round < 200000; round++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		n = (int)(x % 10);
		for (i = 0; i < n; i++)
			pat[i] = pal[(x >> (8 + 3 * i)) % (sizeof(pal) - 1)];
		pat[n] = '\0';
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		n = (int)(1 + x % 16);
		for (i = 0; i < n; i++)
			text[i] = tal[(x >> (8 + 3 * i)) % (sizeof(tal) - 1)];
		text[n] = '\0';
		if ((pt = pattern_new(pat, &why)) == NULL)
			continue;
		pattern_free(pt);
		if ((feed(pat, text, 1) == PATTERN_MATCH) !=
		    (oracle(pat, text) == PATTERN_MATCH))
			fail_msg("pattern '%s' text '%s'", pat, text);
		assert_int_equal(feed(pat, text, 0), feed(pat, text, 3));
		agreed++;
	}
	assert_true(agreed > 10000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_banner_split_anywhere),
		cmocka_unit_test(test_waits_for_the_rest),
		cmocka_unit_test(test_sets_classes_and_quotes),
		cmocka_unit_test(test_errors_say_why),
		cmocka_unit_test(test_agrees_with_fnmatch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
