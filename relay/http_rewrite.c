/*
 * A head as it is sent on: the fields that went through (hop-by-hop ones
 * and those the Connection field names removed, repeated lengths folded),
 * changed by the actions, and written out with a start line.  Fields are
 * slices of the input or of the scratch text, so a head without actions
 * is copied once, into the output buffer.
 */
#include <stdlib.h>
#include <string.h>

#include "relay/http_relay.h"

void
work_start(struct http_work *w, char *logged)
{
	w->nf = 0;
	w->slen = 0;
	w->full = false;
	w->path = w->query = NULL;
	w->pathlen = w->querylen = 0;
	w->target_changed = false;
	w->hashlen = 0;
	w->logged = logged;
	w->blocked = 0;
	w->block = NULL;
	w->block_value = NULL;
	w->block_vlen = 0;
}

char *
work_str(struct http_work *w, size_t n)
{
	char	*p;

	if (n > HTTP_WORK_STR - w->slen) {
		w->full = true;
		return NULL;
	}
	p = w->str + w->slen;
	w->slen += n;
	return p;
}

/* a, b and c one after the other, in the scratch text. */
char *
work_cat(struct http_work *w, const char *a, size_t an, const char *b,
    size_t bn, const char *c, size_t cn)
{
	char	*p;

	if ((p = work_str(w, an + bn + cn)) == NULL)
		return NULL;
	memcpy(p, a, an);
	memcpy(p + an, b, bn);
	memcpy(p + an + bn, c, cn);
	return p;
}

static int
grow(struct http_work *w, size_t need)
{
	struct ofield	*f;
	size_t		 cap;

	if (need <= w->cap)
		return 0;
	cap = need < 64 ? 64 : need * 2;
	if ((f = realloc(w->f, cap * sizeof(*f))) == NULL)
		return -1;
	w->f = f;
	w->cap = cap;
	return 0;
}

int
work_field_add(struct http_work *w, const char *name, size_t nlen,
    const char *value, size_t vlen)
{
	if (grow(w, w->nf + 1) == -1) {
		w->full = true;
		return -1;
	}
	w->f[w->nf++] = (struct ofield){ name, nlen, value, vlen, false };
	return 0;
}

int
work_field_find(const struct http_work *w, const char *name, size_t nlen,
    size_t from)
{
	for (; from < w->nf; from++)
		if (!w->f[from].gone && http_name_eq(w->f[from].name,
		    w->f[from].nlen, name, nlen))
			return (int)from;
	return -1;
}

/* Does field i's value (a token list) have this token? */
bool
work_field_lists(const struct http_work *w, int i, const char *token)
{
	struct http_slice	list = { w->f[i].value, w->f[i].vlen }, e;

	while (http_list_next(&list, &e))
		if (http_name_eq(e.p, e.len, token, strlen(token)))
			return true;
	return false;
}

/* This hop in Via, after the hops the message has been through. */
int
work_via(struct http_work *w, uint8_t version)
{
	const char	*via = version == 10 ? "1.0 " HTTP_SERVER_NAME :
			    "1.1 " HTTP_SERVER_NAME;
	size_t		 n = strlen(via);
	struct ofield	*f;
	char		*v;
	int		 i;

	if ((i = work_field_find(w, "Via", 3, 0)) < 0)
		return work_field_add(w, "Via", 3, via, n);
	f = &w->f[i];
	if ((v = work_cat(w, f->value, f->vlen, ", ", 2, via, n)) == NULL)
		return -1;
	f->value = v;
	f->vlen += 2 + n;
	return 0;
}

/* Fields that belong to this hop only (RFC 9110 7.6.1). */
static bool
hop_by_hop(const struct http_parser *p, size_t i, bool upgrade)
{
	switch (http_field_kind(p, i)) {
	case HTTP_F_CONNECTION:
	case HTTP_F_KEEP_ALIVE:
	case HTTP_F_PROXY_CONNECTION:
	case HTTP_F_TE:
		return true;
	case HTTP_F_UPGRADE:
		return !upgrade;
	case HTTP_F_OTHER:
		/*
		 * What Connection names goes too, but never a field that
		 * frames the message or routes it: only unknown ones.
		 */
		return http_connection_lists(p, http_field_name(p, i));
	default:
		return false;
	}
}

/* The head's fields that go on; -1 when they do not fit. */
int
work_fields(struct http_work *w, const struct http_parser *p, bool upgrade)
{
	struct http_slice	n, v;
	size_t			 i, nf = http_nfields(p);
	bool			 length = false;

	if (grow(w, nf + 16) == -1)
		return -1;
	for (i = 0; i < nf; i++) {
		if (hop_by_hop(p, i, upgrade))
			continue;
		if (http_field_kind(p, i) == HTTP_F_CONTENT_LENGTH) {
			if (length)
				continue;	/* identical repeats: one */
			length = true;
		}
		n = http_field_name(p, i);
		v = http_field_value(p, i);
		w->f[w->nf++] = (struct ofield){ n.p, n.len, v.p, v.len,
		    false };
	}
	return 0;
}

/*
 * The request target's path and query; an absolute-form target is sent
 * on in origin form (its authority is the Host the parser checked).
 */
void
work_target(struct http_work *w, struct http_slice t)
{
	const char	*p = t.p, *end = t.p + t.len, *q;

	/* An absolute form starts with its scheme, never with '/' or '*'. */
	if (t.p != NULL && t.len > 0 && t.p[0] != '/' && t.p[0] != '*' &&
	    (q = memmem(t.p, t.len, "://", 3)) != NULL) {
		for (p = q + 3; p < end && *p != '/' && *p != '?'; p++)
			;
		w->target_changed = true;
	}
	q = memchr(p, '?', end - p);
	w->path = p;
	w->pathlen = (q != NULL ? q : end) - p;
	if (w->pathlen == 0) {
		w->path = "/";
		w->pathlen = 1;
	}
	if (q != NULL) {
		w->query = q + 1;
		w->querylen = end - q - 1;
	}
}

static size_t
put(char *out, const char *s, size_t n)
{
	memcpy(out, s, n);
	return n;
}

/* The head: start line, the fields left, the empty line; -1: no room. */
int
work_head(struct http_work *w, struct hbuf *b, const char *start,
    size_t startlen)
{
	const struct ofield	*f;
	size_t			 i, need = startlen + 4;
	char			*o;

	for (i = 0; i < w->nf; i++)
		if (!w->f[i].gone)
			need += w->f[i].nlen + w->f[i].vlen + 4;
	if (need > b->size - b->len)
		return -1;
	o = b->p + b->len;
	o += put(o, start, startlen);
	o += put(o, "\r\n", 2);
	for (i = 0; i < w->nf; i++) {
		f = &w->f[i];
		if (f->gone)
			continue;
		o += put(o, f->name, f->nlen);
		o += put(o, ": ", 2);
		o += put(o, f->value, f->vlen);
		o += put(o, "\r\n", 2);
	}
	o += put(o, "\r\n", 2);
	b->len = o - b->p;
	return 0;
}

/*
 * Text from the network for a session row or a log line: cut to fit,
 * bytes outside printable ASCII shown as '?'.
 */
size_t
http_safe_copy(char *out, size_t size, const char *s, size_t n)
{
	size_t	i;

	if (size == 0)
		return 0;
	if (n >= size)
		n = size - 1;
	for (i = 0; i < n; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	out[n] = '\0';
	return n;
}
