/*
 * A shell-style pattern as a sequence of items, each one byte of a set
 * or a '*', run as a small automaton over the stream: state i means
 * "the bytes so far can be the beginning of a match whose first i items
 * are done".  The live states are a bitset, advanced byte by byte.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/pattern.h"

#define WORD_BITS	64

struct item {
	bool		 star;
	uint8_t		 set[32];	/* bytes this item matches */
};

struct pattern {
	struct item	*items;
	size_t		 nitems;
	size_t		 nwords;	/* of each state bitset */
	uint64_t	*live;		/* states reachable so far */
	uint64_t	*next;
	uint64_t	*stars;		/* states whose item is a '*' */
	enum pattern_verdict verdict;
};

static void
set_add(uint8_t *set, unsigned c)
{
	set[c >> 3] |= (uint8_t)(1u << (c & 7));
}

static bool
set_has(const uint8_t *set, unsigned c)
{
	return (set[c >> 3] >> (c & 7)) & 1;
}

/* The C locale's classes, spelled out: no setlocale can change them. */
static bool
class_has(const char *name, unsigned c)
{
	bool	upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z';
	bool	digit = c >= '0' && c <= '9', graph = c > ' ' && c < 0x7f;

	if (strcmp(name, "alpha") == 0)
		return upper || lower;
	if (strcmp(name, "alnum") == 0)
		return upper || lower || digit;
	if (strcmp(name, "digit") == 0)
		return digit;
	if (strcmp(name, "upper") == 0)
		return upper;
	if (strcmp(name, "lower") == 0)
		return lower;
	if (strcmp(name, "xdigit") == 0)
		return digit || (c >= 'a' && c <= 'f') ||
		    (c >= 'A' && c <= 'F');
	if (strcmp(name, "space") == 0)
		return c == ' ' || (c >= '\t' && c <= '\r');
	if (strcmp(name, "blank") == 0)
		return c == ' ' || c == '\t';
	if (strcmp(name, "cntrl") == 0)
		return c < ' ' || c == 0x7f;
	if (strcmp(name, "graph") == 0)
		return graph;
	if (strcmp(name, "print") == 0)
		return graph || c == ' ';
	/* punct */
	return graph && !upper && !lower && !digit;
}

static bool
class_known(const char *name)
{
	static const char *const names[] = { "alnum", "alpha", "blank",
	    "cntrl", "digit", "graph", "lower", "print", "punct", "space",
	    "upper", "xdigit" };
	size_t	i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

/* "[:name:]" at s (s[0] == '[', s[1] == ':'): its end, or NULL. */
static const char *
bracket_class(const char *s, uint8_t *set, const char **why)
{
	char		 name[8];
	const char	*end = strstr(s + 2, ":]");
	size_t		 len;
	unsigned	 c;

	*why = "unknown character class";
	if (end == NULL || (len = (size_t)(end - (s + 2))) >= sizeof(name))
		return NULL;
	memcpy(name, s + 2, len);
	name[len] = '\0';
	if (!class_known(name))
		return NULL;
	for (c = 0; c < 256; c++)
		if (class_has(name, c))
			set_add(set, c);
	return end + 2;
}

/* One byte of a bracket, maybe quoted: its value, or -1 at the end. */
static int
bracket_byte(const char **s)
{
	const char	*p = *s;

	if (*p == '\\')
		p++;
	if (*p == '\0')
		return -1;
	*s = p + 1;
	return (unsigned char)*p;
}

/*
 * A bracket expression from s (just past '['): fills set, returns what
 * follows the closing ']', or NULL with *why.  A ']' first is a member.
 */
static const char *
bracket_parse(const char *s, uint8_t *set, const char **why)
{
	bool	 negate = false, first = true;
	int	 lo, hi, c;
	size_t	 i;

	if (*s == '!' || *s == '^') {
		negate = true;
		s++;
	}
	for (; first || *s != ']'; first = false) {
		if (s[0] == '[' && (s[1] == '=' || s[1] == '.')) {
			*why = "collating elements are not supported";
			return NULL;
		}
		if (s[0] == '[' && s[1] == ':') {
			if ((s = bracket_class(s, set, why)) == NULL)
				return NULL;
			continue;
		}
		if ((lo = bracket_byte(&s)) == -1)
			goto unterminated;
		hi = lo;
		if (s[0] == '-' && s[1] != ']' && s[1] != '\0') {
			s++;
			/* fnmatch reads these two ways: refuse them */
			if (s[0] == '[' && (s[1] == ':' || s[1] == '=' ||
			    s[1] == '.')) {
				*why = "a class cannot end a range";
				return NULL;
			}
			if ((hi = bracket_byte(&s)) == -1)
				goto unterminated;
		}
		for (c = lo; c <= hi; c++)
			set_add(set, (unsigned)c);
		if (*s == '\0')
			goto unterminated;
	}
	if (negate)
		for (i = 0; i < 32; i++)
			set[i] = (uint8_t)~set[i];
	return s + 1;
unterminated:
	*why = "unterminated [";
	return NULL;
}

/* The next item of src into it; returns what follows, or NULL. */
static const char *
item_parse(const char *s, struct item *it, const char **why)
{
	memset(it, 0, sizeof(*it));
	switch (*s) {
	case '*':
		it->star = true;
		return s + 1;
	case '?':
		memset(it->set, 0xff, sizeof(it->set));
		return s + 1;
	case '[':
		return bracket_parse(s + 1, it->set, why);
	case '\\':
		if (*++s == '\0') {
			*why = "trailing backslash";
			return NULL;
		}
		break;
	}
	set_add(it->set, (unsigned char)*s);
	return s + 1;
}

void
pattern_free(struct pattern *pt)
{
	if (pt == NULL)
		return;
	free(pt->items);
	free(pt->live);
	free(pt->next);
	free(pt->stars);
	free(pt);
}

static int
pattern_alloc(struct pattern *pt, size_t maxitems)
{
	pt->items = calloc(maxitems ? maxitems : 1, sizeof(*pt->items));
	/* states 0..nitems, one more bit for the shift out of the last */
	pt->nwords = (maxitems + 2 + WORD_BITS - 1) / WORD_BITS;
	pt->live = calloc(pt->nwords, sizeof(uint64_t));
	pt->next = calloc(pt->nwords, sizeof(uint64_t));
	pt->stars = calloc(pt->nwords, sizeof(uint64_t));
	if (pt->items == NULL || pt->live == NULL || pt->next == NULL ||
	    pt->stars == NULL)
		return -1;
	return 0;
}

struct pattern *
pattern_new(const char *src, const char **why)
{
	struct pattern	*pt;
	struct item	 it;
	const char	*s = src;

	*why = "out of memory";
	if ((pt = calloc(1, sizeof(*pt))) == NULL)
		return NULL;
	if (pattern_alloc(pt, strlen(src)) == -1) {
		pattern_free(pt);
		return NULL;
	}
	while (*s != '\0') {
		if ((s = item_parse(s, &it, why)) == NULL) {
			pattern_free(pt);
			return NULL;
		}
		/* "**" is "*" */
		if (it.star && pt->nitems > 0 && pt->items[pt->nitems - 1].star)
			continue;
		if (it.star)
			pt->stars[pt->nitems / WORD_BITS] |=
			    1ULL << (pt->nitems % WORD_BITS);
		pt->items[pt->nitems++] = it;
	}
	pattern_reset(pt);
	return pt;
}

bool
pattern_valid(const char *src, const char **why)
{
	struct pattern	*pt;

	if ((pt = pattern_new(src, why)) == NULL)
		return false;
	pattern_free(pt);
	return true;
}

static bool
bit(const uint64_t *v, size_t i)
{
	return (v[i / WORD_BITS] >> (i % WORD_BITS)) & 1;
}

/* A state before a '*' also stands for the state after it. */
static void
close_stars(const struct pattern *pt, uint64_t *v)
{
	uint64_t	carry = 0, add;
	size_t		w;

	for (w = 0; w < pt->nwords; w++) {
		add = v[w] & pt->stars[w];
		v[w] |= add << 1 | carry;
		carry = add >> (WORD_BITS - 1);
	}
}

/* Decide from the live states, before the next byte. */
static enum pattern_verdict
verdict_of(const struct pattern *pt)
{
	size_t	w;

	if (bit(pt->live, pt->nitems))
		return PATTERN_MATCH;
	for (w = 0; w < pt->nwords; w++)
		if (pt->live[w] != 0)
			return PATTERN_MORE;
	return PATTERN_NEVER;
}

void
pattern_reset(struct pattern *pt)
{
	memset(pt->live, 0, pt->nwords * sizeof(uint64_t));
	pt->live[0] = 1;
	close_stars(pt, pt->live);
	pt->verdict = PATTERN_MORE;
}

static void
step(struct pattern *pt, unsigned c)
{
	uint64_t	*swap, word;
	size_t		 w, i;
	int		 b;

	for (w = 0; w < pt->nwords; w++)
		pt->next[w] = pt->live[w] & pt->stars[w];
	for (w = 0; w < pt->nwords; w++) {
		word = pt->live[w] & ~pt->stars[w];
		while (word != 0) {
			b = __builtin_ctzll(word);
			word &= word - 1;
			i = w * WORD_BITS + (size_t)b;
			if (i < pt->nitems && set_has(pt->items[i].set, c))
				pt->next[(i + 1) / WORD_BITS] |=
				    1ULL << ((i + 1) % WORD_BITS);
		}
	}
	close_stars(pt, pt->next);
	swap = pt->live;
	pt->live = pt->next;
	pt->next = swap;
}

enum pattern_verdict
pattern_feed(struct pattern *pt, const void *data, size_t len)
{
	const unsigned char	*p = data;
	size_t			 i;

	/* The empty beginning counts once something arrived. */
	if (len > 0 && pt->verdict == PATTERN_MORE)
		pt->verdict = verdict_of(pt);
	for (i = 0; i < len && pt->verdict == PATTERN_MORE; i++) {
		step(pt, p[i]);
		pt->verdict = verdict_of(pt);
	}
	return pt->verdict;
}
