/*
 * The protocol's actions on a head, in their order, and its match rules.
 * An entity's key names: a header field (any case), a cookie of the
 * Cookie fields, a key of the query, or for path a pattern the path must
 * match (the query is then the path's value).  Values compare as shell
 * patterns (fnmatch(3)); header values in any case.  Appended and
 * changed values expand $REMOTE_ADDR, $REMOTE_PORT, $SERVER_ADDR,
 * $SERVER_PORT, $TIMEOUT, $HOST and $SERVER_NAME.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "relay/http_relay.h"

/* Text built in the scratch space, then kept (one at a time). */
struct sb {
	struct http_work	*w;
	char			*p;
	size_t			 n, cap;
};

static void
sb_start(struct sb *b, struct http_work *w)
{
	b->w = w;
	b->p = w->str + w->slen;
	b->cap = HTTP_WORK_STR - w->slen;
	b->n = 0;
}

static void
sb_add(struct sb *b, const char *s, size_t n)
{
	if (n > b->cap - b->n) {
		b->w->full = true;
		return;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

static const char *
sb_keep(struct sb *b, size_t *len)
{
	b->w->slen += b->n;
	*len = b->n;
	return b->p;
}

const char *
http_entity_name(uint8_t e)
{
	static const char *const names[] = { "header", "cookie", "url",
	    "path" };

	return e < sizeof(names) / sizeof(names[0]) ? names[e] : "?";
}

/* The first Host field's value, for $HOST. */
static struct http_slice
host_value(const struct http_work *w)
{
	int	i = work_field_find(w, "Host", 4, 0);

	if (i < 0)
		return (struct http_slice){ "", 0 };
	return (struct http_slice){ w->f[i].value, w->f[i].vlen };
}

static void
sb_var(struct sb *b, struct session *s, const char *var, size_t n)
{
	char			 t[HS_ADDRSTR_MAX];
	struct http_slice	 h;

	if (n == 11 && memcmp(var, "REMOTE_ADDR", n) == 0)
		(void)addr_fmt(&s->caddr, t, sizeof(t));
	else if (n == 11 && memcmp(var, "REMOTE_PORT", n) == 0)
		(void)snprintf(t, sizeof(t), "%u", s->cport);
	else if (n == 11 && memcmp(var, "SERVER_ADDR", n) == 0)
		(void)addr_fmt(&s->laddr, t, sizeof(t));
	else if (n == 11 && memcmp(var, "SERVER_PORT", n) == 0)
		(void)snprintf(t, sizeof(t), "%u", s->lport);
	else if (n == 7 && memcmp(var, "TIMEOUT", n) == 0)
		(void)snprintf(t, sizeof(t), "%u", s->rt->tune.timeout_ms /
		    1000);
	else if (n == 11 && memcmp(var, "SERVER_NAME", n) == 0)
		(void)snprintf(t, sizeof(t), "%s", HTTP_SERVER_NAME);
	else if (n == 4 && memcmp(var, "HOST", n) == 0) {
		h = host_value(b->w);
		sb_add(b, h.p, h.len);
		return;
	} else {
		sb_add(b, "$", 1);	/* not a variable: as written */
		sb_add(b, var, n);
		return;
	}
	sb_add(b, t, strlen(t));
}

/* An action's value with its variables expanded. */
static struct http_slice
expand(struct session *s, struct http_work *w, const struct http_action *a)
{
	struct http_slice	 v = { a->value, a->valuelen };
	struct sb		 b;
	const char		*p = a->value, *d;
	size_t			 n;

	if (!a->vars)
		return v;
	sb_start(&b, w);
	while ((d = strchr(p, '$')) != NULL) {
		sb_add(&b, p, d - p);
		for (n = 1; d[n] == '_' || (d[n] >= 'A' && d[n] <= 'Z'); n++)
			;
		sb_var(&b, s, d + 1, n - 1);
		p = d + n;
	}
	sb_add(&b, p, strlen(p));
	v.p = sb_keep(&b, &v.len);
	return v;
}

static bool
match(struct http_work *w, const char *pattern, struct http_slice v,
    int flags)
{
	char	*z;
	bool	 r;

	if ((z = work_str(w, v.len + 1)) == NULL)
		return false;
	memcpy(z, v.p, v.len);
	z[v.len] = '\0';
	r = fnmatch(pattern, z, flags) == 0;
	w->slen -= v.len + 1;
	return r;
}

/* "name=value" pairs separated by sep (cookies ';', queries '&'). */
static bool
pair_next(struct http_slice *list, char sep, struct http_slice *name,
    struct http_slice *value, struct http_slice *pair)
{
	const char	*s = list->p, *end = s + list->len, *e, *eq;

	while (s < end && (*s == sep || *s == ' '))
		s++;
	if (s == end)
		return false;
	if ((e = memchr(s, sep, end - s)) == NULL)
		e = end;
	*pair = (struct http_slice){ s, e - s };
	while (pair->len > 0 && pair->p[pair->len - 1] == ' ')
		pair->len--;
	eq = memchr(pair->p, '=', pair->len);
	*name = (struct http_slice){ pair->p, eq != NULL ? (size_t)(eq -
	    pair->p) : pair->len };
	*value = eq != NULL ? (struct http_slice){ eq + 1, pair->p +
	    pair->len - eq - 1 } : (struct http_slice){ "", 0 };
	*list = (struct http_slice){ e, end - e };
	return true;
}

static bool
pair_find(struct http_slice list, char sep, const char *key, size_t klen,
    struct http_slice *value)
{
	struct http_slice	n, v, p;

	while (pair_next(&list, sep, &n, &v, &p))
		if (n.len == klen && memcmp(n.p, key, klen) == 0) {
			*value = v;
			return true;
		}
	return false;
}

/*
 * The value after *i of the entity's key: every field of a header, the
 * first cookie or query key of that name, a path's query.
 */
static bool
value_next(struct http_work *w, uint8_t entity, const char *key,
    size_t klen, size_t *i, struct http_slice *v)
{
	int	j;

	switch (entity) {
	case ENTITY_HEADER:
		if ((j = work_field_find(w, key, klen, *i)) < 0)
			return false;
		*i = (size_t)j + 1;
		*v = (struct http_slice){ w->f[j].value, w->f[j].vlen };
		return true;
	case ENTITY_COOKIE:
		while ((j = work_field_find(w, "Cookie", 6, *i)) >= 0) {
			*i = (size_t)j + 1;
			if (pair_find((struct http_slice){ w->f[j].value,
			    w->f[j].vlen }, ';', key, klen, v)) {
				*i = w->nf;
				return true;
			}
		}
		return false;
	case ENTITY_URL:
		if (*i > 0 || w->query == NULL)
			return false;
		*i = 1;
		return pair_find((struct http_slice){ w->query, w->querylen },
		    '&', key, klen, v);
	default:
		if (*i > 0 || !match(w, key, (struct http_slice){ w->path,
		    w->pathlen }, 0))
			return false;
		*i = 1;
		*v = w->query != NULL ? (struct http_slice){ w->query,
		    w->querylen } : (struct http_slice){ "", 0 };
		return true;
	}
}

/* Does the key have a value (matching pattern, unless NULL)? */
static bool
entity_has(struct http_work *w, uint8_t entity, const char *key,
    const char *pattern, struct http_slice *seen)
{
	struct http_slice	v;
	size_t			i = 0;
	int			flags = entity == ENTITY_HEADER ? FNM_CASEFOLD : 0;

	while (value_next(w, entity, key, strlen(key), &i, &v)) {
		*seen = v;
		if (pattern == NULL || match(w, pattern, v, flags))
			return true;
	}
	return false;
}

static void
block(struct http_work *w, const struct http_action *a, struct http_slice v)
{
	w->blocked = a->status;
	w->block = a;
	w->block_value = v.p;
	w->block_vlen = v.len;
}

static void
feed_hash(struct http_work *w, struct http_slice v)
{
	if (v.len + 1 > sizeof(w->hash) - w->hashlen)
		return;
	memcpy(w->hash + w->hashlen, v.p, v.len);
	w->hashlen += v.len;
	w->hash[w->hashlen++] = '\0';
}

/* "Key: value" into the request's logged text, cut to fit. */
static void
feed_log(struct http_work *w, const char *key, struct http_slice v)
{
	size_t	n = strlen(w->logged), room = CTL_HTTP_LOGGED_MAX - n;
	int	k;

	k = snprintf(w->logged + n, room, "%s%s: ", n > 0 ? ", " : "", key);
	if (k < 0 || (size_t)k >= room)
		return;
	(void)http_safe_copy(w->logged + n + k, room - k, v.p, v.len);
}

/* A path and its query, as a request line has them. */
static struct http_slice
path_and_query(struct http_work *w)
{
	struct http_slice	v = { w->path, w->pathlen };

	if (w->query != NULL && (v.p = work_cat(w, w->path, w->pathlen,
	    "?", 1, w->query, w->querylen)) != NULL)
		v.len = w->pathlen + 1 + w->querylen;
	return v;
}

/* expect, filter, hash, log: the same for every entity. */
static void
look(struct http_work *w, const struct http_action *a)
{
	struct http_slice	v = { "", 0 };
	bool			has;

	switch (a->op) {
	case ACTION_EXPECT:
		has = entity_has(w, a->entity, a->key, a->has_value ?
		    a->value : NULL, &v);
		/* A path that does not match is not this rule's business. */
		if (a->entity == ENTITY_PATH && a->has_value && !has &&
		    !entity_has(w, a->entity, a->key, NULL, &v))
			return;
		if (!has)
			block(w, a, v);
		return;
	case ACTION_FILTER:
		if (entity_has(w, a->entity, a->key, a->value, &v))
			block(w, a, v);
		return;
	default:
		if (!entity_has(w, a->entity, a->key, NULL, &v))
			return;
		if (a->entity == ENTITY_PATH)
			v = path_and_query(w);
		if (a->op == ACTION_HASH)
			feed_hash(w, v);
		else
			feed_log(w, a->entity == ENTITY_PATH ? "path" : a->key,
			    v);
		return;
	}
}

/* Framing fields are the parser's: no action may change them. */
static bool
frames(const struct http_action *a)
{
	return http_name_eq(a->key, a->keylen, "Content-Length", 14) ||
	    http_name_eq(a->key, a->keylen, "Transfer-Encoding", 17);
}

static void
header_change(struct session *s, struct http_work *w,
    const struct http_action *a)
{
	struct http_slice	 v;
	struct ofield		*f;
	int			 i, last = -1;

	if (frames(a))
		return;
	if (a->op == ACTION_REMOVE) {
		for (i = 0; (i = work_field_find(w, a->key, a->keylen, i)) >= 0;
		    i++)
			w->f[i].gone = true;
		return;
	}
	v = expand(s, w, a);
	for (i = 0; (i = work_field_find(w, a->key, a->keylen, i)) >= 0; i++) {
		if (a->op == ACTION_CHANGE && last >= 0)
			w->f[i].gone = true;	/* one field of that name */
		else
			last = i;
	}
	if (last < 0) {
		(void)work_field_add(w, a->key, a->keylen, v.p, v.len);
		return;
	}
	f = &w->f[last];
	if (a->op == ACTION_CHANGE) {
		f->value = v.p;
		f->vlen = v.len;
	} else if ((f->value = work_cat(w, f->value, f->vlen, ", ", 2, v.p,
	    v.len)) != NULL)
		f->vlen += 2 + v.len;
}

/* A list of pairs without key (remove) or with key=v (change). */
static struct http_slice
pairs_rebuild(struct http_work *w, struct http_slice list, char sep,
    const struct http_action *a, struct http_slice v, bool *found)
{
	struct http_slice	n, val, p, out;
	struct sb		b;
	const char		join[2] = { sep, ' ' };

	sb_start(&b, w);
	while (pair_next(&list, sep, &n, &val, &p)) {
		if (n.len == a->keylen && memcmp(n.p, a->key, n.len) == 0) {
			if (a->op == ACTION_REMOVE || *found)
				continue;
			*found = true;
			p = (struct http_slice){ NULL, 0 };
		}
		if (b.n > 0)
			sb_add(&b, join, sep == ';' ? 2 : 1);
		if (p.p != NULL) {
			sb_add(&b, p.p, p.len);
			continue;
		}
		sb_add(&b, a->key, a->keylen);
		sb_add(&b, "=", 1);
		sb_add(&b, v.p, v.len);
	}
	out.p = sb_keep(&b, &out.len);
	return out;
}

static void
cookie_change(struct session *s, struct http_work *w,
    const struct http_action *a)
{
	struct http_slice	 v = { "", 0 }, nv;
	struct ofield		*f;
	bool			 found = false;
	int			 i, last = -1;

	if (a->op != ACTION_REMOVE)
		v = expand(s, w, a);
	for (i = 0; a->op != ACTION_APPEND &&
	    (i = work_field_find(w, "Cookie", 6, i)) >= 0; i++) {
		f = &w->f[i];
		nv = pairs_rebuild(w, (struct http_slice){ f->value, f->vlen },
		    ';', a, v, &found);
		f->value = nv.p;
		f->vlen = nv.len;
		f->gone = nv.len == 0;
	}
	if (a->op == ACTION_REMOVE || found)
		return;
	for (i = 0; (i = work_field_find(w, "Cookie", 6, i)) >= 0; i++)
		last = i;
	if (last < 0) {
		if ((nv.p = work_cat(w, a->key, a->keylen, "=", 1, v.p,
		    v.len)) != NULL)
			(void)work_field_add(w, "Cookie", 6, nv.p,
			    a->keylen + 1 + v.len);
		return;
	}
	f = &w->f[last];
	if ((nv.p = work_cat(w, f->value, f->vlen, "; ", 2, a->key,
	    a->keylen)) == NULL || work_cat(w, "=", 1, v.p, v.len, "", 0) ==
	    NULL)
		return;
	f->value = nv.p;
	f->vlen += 2 + a->keylen + 1 + v.len;
}

static void
url_change(struct session *s, struct http_work *w,
    const struct http_action *a)
{
	struct http_slice	 v = { "", 0 }, q = { "", 0 };
	bool			 found = false;
	char			*p;

	if (a->op != ACTION_REMOVE)
		v = expand(s, w, a);
	if (w->query != NULL)
		q = (struct http_slice){ w->query, w->querylen };
	if (a->op != ACTION_APPEND)
		q = pairs_rebuild(w, q, '&', a, v, &found);
	if (a->op != ACTION_REMOVE && !found) {
		if ((p = work_cat(w, q.p, q.len, "&", q.len > 0, a->key,
		    a->keylen)) == NULL || work_cat(w, "=", 1, v.p, v.len, "",
		    0) == NULL)
			return;
		q = (struct http_slice){ p, q.len + (q.len > 0) + a->keylen +
		    1 + v.len };
	}
	w->query = q.len > 0 ? q.p : NULL;
	w->querylen = q.len;
	w->target_changed = true;
}

/* Paths that match the key: change replaces, append adds to it. */
static void
path_change(struct session *s, struct http_work *w,
    const struct http_action *a)
{
	struct http_slice	v;
	char			*p;

	if (!match(w, a->key, (struct http_slice){ w->path, w->pathlen }, 0))
		return;
	w->target_changed = true;
	if (a->op == ACTION_REMOVE) {
		w->query = NULL;	/* the path's value */
		w->querylen = 0;
		return;
	}
	v = expand(s, w, a);
	if (a->op == ACTION_CHANGE) {
		w->path = v.p;
		w->pathlen = v.len;
	} else if ((p = work_cat(w, w->path, w->pathlen, v.p, v.len, "",
	    0)) != NULL) {
		w->path = p;
		w->pathlen += v.len;
	}
}

/* OPTIONS *: no path, no query, nothing for their actions to change. */
static bool
asterisk(const struct http_work *w)
{
	return w->pathlen == 1 && w->path[0] == '*';
}

/*
 * The actions of direction dir, in order, until one blocks (the work
 * says which); -1 when the rewritten head no longer fits.
 */
int
http_actions(struct session *s, struct http_xchg *x, struct http_work *w,
    enum action_dir dir)
{
	const struct http_proto		*pr = x->proto;
	const struct http_action	*a;
	size_t				 i;

	for (i = 0; i < pr->nactions && w->blocked == 0; i++) {
		a = &pr->actions[i];
		if (a->dir != dir)
			continue;
		if (a->op >= ACTION_EXPECT)
			look(w, a);
		else if (a->entity == ENTITY_HEADER)
			header_change(s, w, a);
		else if (a->entity == ENTITY_COOKIE)
			cookie_change(s, w, a);
		else if (asterisk(w))
			continue;
		else if (a->entity == ENTITY_URL)
			url_change(s, w, a);
		else
			path_change(s, w, a);
		if (w->full)
			return -1;
	}
	return 0;
}

bool
http_route_matches(struct session *s, const struct http_route *r,
    struct http_work *w, const struct http_xchg *x)
{
	struct http_slice	v;

	if (r->method != NULL && strcmp(r->method, x->m) != 0)
		return false;
	if (!r->has_entity)
		return true;
	if (r->entity == ENTITY_PATH)
		return match(w, r->key, (struct http_slice){ w->path,
		    w->pathlen }, 0);
	return entity_has(w, r->entity, r->key, r->has_value ? r->value :
	    NULL, &v);
}
