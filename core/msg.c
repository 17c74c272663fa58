/*
 * The wire format of the messages between engines: big-endian, field by
 * field, strings as a 16-bit length and their bytes.  The decoder checks
 * every length and enum and rejects a message whole.
 */
#include <string.h>

#include "core/msg.h"

struct wr {
	uint8_t	*p;
	size_t	 len;
	size_t	 off;
	int	 bad;
};

struct rd {
	const uint8_t	*p;
	size_t		 len;
	size_t		 off;
	int		 bad;
};

static void
put(struct wr *w, const void *src, size_t n)
{
	if (w->bad || n > w->len - w->off) {
		w->bad = 1;
		return;
	}
	memcpy(w->p + w->off, src, n);
	w->off += n;
}

static void
put_u8(struct wr *w, uint8_t v)
{
	put(w, &v, 1);
}

static void
put_u16(struct wr *w, uint16_t v)
{
	uint8_t	b[2] = { v >> 8, v & 0xff };

	put(w, b, sizeof(b));
}

static void
put_u32(struct wr *w, uint32_t v)
{
	uint8_t	b[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };

	put(w, b, sizeof(b));
}

static void
put_u64(struct wr *w, uint64_t v)
{
	put_u32(w, (uint32_t)(v >> 32));
	put_u32(w, (uint32_t)v);
}

/* A string field of size bytes: must be NUL-terminated within it. */
static void
put_str(struct wr *w, const char *s, size_t size)
{
	size_t	n = strnlen(s, size);

	if (n == size) {
		w->bad = 1;
		return;
	}
	put_u16(w, (uint16_t)n);
	put(w, s, n);
}

static const uint8_t *
get(struct rd *r, size_t n)
{
	const uint8_t	*p;

	if (r->bad || n > r->len - r->off) {
		r->bad = 1;
		return NULL;
	}
	p = r->p + r->off;
	r->off += n;
	return p;
}

static uint8_t
get_u8(struct rd *r)
{
	const uint8_t	*p = get(r, 1);

	return p ? p[0] : 0;
}

static uint16_t
get_u16(struct rd *r)
{
	const uint8_t	*p = get(r, 2);

	return p ? (uint16_t)(p[0] << 8 | p[1]) : 0;
}

static uint32_t
get_u32(struct rd *r)
{
	const uint8_t	*p = get(r, 4);

	if (p == NULL)
		return 0;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint64_t
get_u64(struct rd *r)
{
	uint64_t	hi = get_u32(r);

	return hi << 32 | get_u32(r);
}

/* Rejects a string that does not fit its field or holds a NUL. */
static void
get_str(struct rd *r, char *dst, size_t size)
{
	size_t		 n = get_u16(r);
	const uint8_t	*p;

	dst[0] = '\0';
	if (r->bad)
		return;
	if (n >= size) {
		r->bad = 1;
		return;
	}
	if ((p = get(r, n)) == NULL)
		return;
	if (memchr(p, '\0', n) != NULL) {
		r->bad = 1;
		return;
	}
	memcpy(dst, p, n);
	dst[n] = '\0';
}

/* An enum or flag read as one byte, checked against its bound. */
static uint8_t
get_enum(struct rd *r, unsigned max)
{
	uint8_t	v = get_u8(r);

	if (v >= max)
		r->bad = 1;
	return v;
}

static int
enum_ok(unsigned v, unsigned max)
{
	return v < max;
}

const uint32_t rtt_bucket_ms[HS_RTT_BUCKETS] = {
	1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500
};

static void
put_rtt(struct wr *w, const struct rtt_hist *h, uint32_t check_cnt)
{
	uint64_t	total = 0;
	size_t		i;

	for (i = 0; i < HS_RTT_BUCKETS; i++) {
		put_u32(w, h->n[i]);
		total += h->n[i];
	}
	put_u64(w, h->sum_ms);
	if (total > check_cnt)
		w->bad = 1;
}

/* More checks in the buckets than checks done: refused. */
static void
get_rtt(struct rd *r, struct rtt_hist *h, uint32_t check_cnt)
{
	uint64_t	total = 0;
	size_t		i;

	for (i = 0; i < HS_RTT_BUCKETS; i++) {
		h->n[i] = get_u32(r);
		total += h->n[i];
	}
	h->sum_ms = get_u64(r);
	if (total > check_cnt)
		r->bad = 1;
}

static void
put_host_status(struct wr *w, const struct msg_host_status *h)
{
	if (!enum_ok(h->state, HOST_DOWN + 1) ||
	    !enum_ok(h->error, HCE_ERROR_MAX))
		w->bad = 1;
	put_u32(w, h->host_id);
	put_u8(w, h->state);
	put_u8(w, h->error);
	put_u32(w, h->retry_cnt);
	put_u32(w, h->check_cnt);
	put_u32(w, h->up_cnt);
	put_u32(w, h->rtt_ms);
	put_u32(w, (uint32_t)h->detail);
	put_rtt(w, &h->rtt, h->check_cnt);
}

static void
get_host_status(struct rd *r, struct msg_host_status *h)
{
	h->host_id = get_u32(r);
	h->state = get_enum(r, HOST_DOWN + 1);
	h->error = get_enum(r, HCE_ERROR_MAX);
	h->retry_cnt = get_u32(r);
	h->check_cnt = get_u32(r);
	h->up_cnt = get_u32(r);
	h->rtt_ms = get_u32(r);
	h->detail = (int32_t)get_u32(r);
	get_rtt(r, &h->rtt, h->check_cnt);
	if (h->up_cnt > h->check_cnt)
		r->bad = 1;
}

static void
put_host_counters(struct wr *w, const struct msg_host_counters *c)
{
	uint32_t	i;

	if (c->n > MSG_COUNTERS_MAX) {
		w->bad = 1;
		return;
	}
	put_u32(w, c->n);
	for (i = 0; i < c->n; i++) {
		if (c->e[i].up_cnt > c->e[i].check_cnt)
			w->bad = 1;
		put_u32(w, c->e[i].host_id);
		put_u32(w, c->e[i].check_cnt);
		put_u32(w, c->e[i].up_cnt);
		put_u32(w, c->e[i].rtt_ms);
		put_rtt(w, &c->e[i].rtt, c->e[i].check_cnt);
	}
}

static void
get_host_counters(struct rd *r, struct msg_host_counters *c)
{
	uint32_t	i;

	c->n = get_u32(r);
	if (c->n > MSG_COUNTERS_MAX) {
		r->bad = 1;
		return;
	}
	for (i = 0; i < c->n && !r->bad; i++) {
		c->e[i].host_id = get_u32(r);
		c->e[i].check_cnt = get_u32(r);
		c->e[i].up_cnt = get_u32(r);
		c->e[i].rtt_ms = get_u32(r);
		get_rtt(r, &c->e[i].rtt, c->e[i].check_cnt);
		if (c->e[i].up_cnt > c->e[i].check_cnt)
			r->bad = 1;
	}
}

static void
put_demote(struct wr *w, const struct msg_demote *d)
{
	if ((d->delta != 1 && d->delta != -1) || d->group[0] == '\0')
		w->bad = 1;
	put_str(w, d->group, sizeof(d->group));
	put_u32(w, (uint32_t)d->delta);
}

static void
get_demote(struct rd *r, struct msg_demote *d)
{
	get_str(r, d->group, sizeof(d->group));
	d->delta = (int32_t)get_u32(r);
	if ((d->delta != 1 && d->delta != -1) || d->group[0] == '\0')
		r->bad = 1;
}

static void
put_script_run(struct wr *w, const struct msg_script_run *s)
{
	put_u32(w, s->host_id);
	put_u64(w, s->seq);
	put_u32(w, s->timeout_ms);
	put_str(w, s->path, sizeof(s->path));
	put_str(w, s->arg, sizeof(s->arg));
}

static void
get_script_run(struct rd *r, struct msg_script_run *s)
{
	s->host_id = get_u32(r);
	s->seq = get_u64(r);
	s->timeout_ms = get_u32(r);
	get_str(r, s->path, sizeof(s->path));
	get_str(r, s->arg, sizeof(s->arg));
}

static void
put_script_done(struct wr *w, const struct msg_script_done *s)
{
	if (s->timed_out > 1)
		w->bad = 1;
	put_u32(w, s->host_id);
	put_u64(w, s->seq);
	put_u32(w, (uint32_t)s->status);
	put_u8(w, s->timed_out);
	put_u32(w, s->rtt_ms);
}

static void
get_script_done(struct rd *r, struct msg_script_done *s)
{
	s->host_id = get_u32(r);
	s->seq = get_u64(r);
	s->status = (int32_t)get_u32(r);
	s->timed_out = get_enum(r, 2);
	s->rtt_ms = get_u32(r);
}

static void
put_ctl_request(struct wr *w, const struct ctl_request *q)
{
	if (!enum_ok(q->action, CTL_ACTION_MAX))
		w->bad = 1;
	put_u8(w, (uint8_t)q->action);
	put_u8(w, q->by_id ? 1 : 0);
	put_u32(w, q->id);
	put_str(w, q->target, sizeof(q->target));
}

static void
get_ctl_request(struct rd *r, struct ctl_request *q)
{
	q->action = (enum ctl_action)get_enum(r, CTL_ACTION_MAX);
	q->by_id = get_enum(r, 2) != 0;
	q->id = get_u32(r);
	get_str(r, q->target, sizeof(q->target));
}

static void
put_stats(struct wr *w, const struct relay_stats *s)
{
	put_u64(w, s->active);
	put_u64(w, s->total);
	put_u64(w, s->bytes_in);
	put_u64(w, s->bytes_out);
	put_u64(w, s->connect_fail);
	put_u64(w, s->errors);
	put_u64(w, s->queries);
	put_u64(w, s->answers);
	put_u64(w, s->timeouts);
	put_u64(w, s->malformed);
	put_u64(w, s->unmatched);
	put_u64(w, s->requests);
	put_u64(w, s->http_bad);
	put_u64(w, s->http_blocked);
	put_u64(w, s->http_client_timeout);
	put_u64(w, s->http_bad_gateway);
	put_u64(w, s->http_unavailable);
	put_u64(w, s->http_gateway_timeout);
}

static void
get_stats(struct rd *r, struct relay_stats *s)
{
	s->active = get_u64(r);
	s->total = get_u64(r);
	s->bytes_in = get_u64(r);
	s->bytes_out = get_u64(r);
	s->connect_fail = get_u64(r);
	s->errors = get_u64(r);
	s->queries = get_u64(r);
	s->answers = get_u64(r);
	s->timeouts = get_u64(r);
	s->malformed = get_u64(r);
	s->unmatched = get_u64(r);
	s->requests = get_u64(r);
	s->http_bad = get_u64(r);
	s->http_blocked = get_u64(r);
	s->http_client_timeout = get_u64(r);
	s->http_bad_gateway = get_u64(r);
	s->http_unavailable = get_u64(r);
	s->http_gateway_timeout = get_u64(r);
	if (s->active > s->total)
		r->bad = 1;
}

static void
put_ctl_row(struct wr *w, const struct ctl_row *c)
{
	if (!enum_ok(c->type, OBJ_RELAY + 1) ||
	    !enum_ok(c->status, ST_NOT_INSTALLED + 1) ||
	    !enum_ok(c->error, HCE_ERROR_MAX))
		w->bad = 1;
	put_u8(w, c->type);
	put_u8(w, c->status);
	put_u32(w, c->id);
	put_u32(w, c->parent_id);
	put_str(w, c->name, sizeof(c->name));
	put_u32(w, c->up);
	put_u32(w, c->check_cnt);
	put_u32(w, c->up_cnt);
	put_u32(w, c->retry_cnt);
	put_u8(w, c->error);
	put_u64(w, c->error_age_ms);
	put_u32(w, c->rtt_ms);
	put_u32(w, (uint32_t)c->detail);
	put_str(w, c->check, sizeof(c->check));
	put_stats(w, &c->stats);
	if (c->l3_rules > 1)
		w->bad = 1;
	put_u8(w, c->l3_rules);
	put_u32(w, c->l3_hosts);
	put_u32(w, c->l3_failures);
	put_str(w, c->l3_error, sizeof(c->l3_error));
}

static void
get_ctl_row(struct rd *r, struct ctl_row *c)
{
	c->type = get_enum(r, OBJ_RELAY + 1);
	c->status = get_enum(r, ST_NOT_INSTALLED + 1);
	c->id = get_u32(r);
	c->parent_id = get_u32(r);
	get_str(r, c->name, sizeof(c->name));
	c->up = get_u32(r);
	c->check_cnt = get_u32(r);
	c->up_cnt = get_u32(r);
	c->retry_cnt = get_u32(r);
	c->error = get_enum(r, HCE_ERROR_MAX);
	c->error_age_ms = get_u64(r);
	c->rtt_ms = get_u32(r);
	c->detail = (int32_t)get_u32(r);
	get_str(r, c->check, sizeof(c->check));
	get_stats(r, &c->stats);
	c->l3_rules = get_enum(r, 2);
	c->l3_hosts = get_u32(r);
	c->l3_failures = get_u32(r);
	get_str(r, c->l3_error, sizeof(c->l3_error));
	if (c->up_cnt > c->check_cnt)
		r->bad = 1;
}

static void
put_ctl_event(struct wr *w, const struct ctl_event *e)
{
	if (!enum_ok(e->kind, EV_KIND_MAX) ||
	    !enum_ok(e->old_state, HOST_DOWN + 1) ||
	    !enum_ok(e->new_state, HOST_DOWN + 1) ||
	    !enum_ok(e->error, HCE_ERROR_MAX))
		w->bad = 1;
	put_u8(w, e->kind);
	put_u32(w, e->id);
	put_str(w, e->name, sizeof(e->name));
	put_u8(w, e->old_state);
	put_u8(w, e->new_state);
	put_u8(w, e->error);
	put_u32(w, e->rtt_ms);
	put_u32(w, e->check_cnt);
	put_u32(w, e->up_cnt);
	put_u32(w, (uint32_t)e->value);
	put_u64(w, e->time_ms);
}

static void
get_ctl_event(struct rd *r, struct ctl_event *e)
{
	e->kind = get_enum(r, EV_KIND_MAX);
	e->id = get_u32(r);
	get_str(r, e->name, sizeof(e->name));
	e->old_state = get_enum(r, HOST_DOWN + 1);
	e->new_state = get_enum(r, HOST_DOWN + 1);
	e->error = get_enum(r, HCE_ERROR_MAX);
	e->rtt_ms = get_u32(r);
	e->check_cnt = get_u32(r);
	e->up_cnt = get_u32(r);
	e->value = (int32_t)get_u32(r);
	e->time_ms = get_u64(r);
	if (e->up_cnt > e->check_cnt)
		r->bad = 1;
}

static void
put_addr(struct wr *w, const struct hs_addr *a)
{
	if (a->family != HS_AF_NONE && a->family != HS_AF_INET &&
	    a->family != HS_AF_INET6)
		w->bad = 1;
	put_u8(w, a->family);
	put(w, a->bytes, sizeof(a->bytes));
}

static void
get_addr(struct rd *r, struct hs_addr *a)
{
	const uint8_t	*p;

	a->family = get_u8(r);
	if (a->family != HS_AF_NONE && a->family != HS_AF_INET &&
	    a->family != HS_AF_INET6)
		r->bad = 1;
	if ((p = get(r, sizeof(a->bytes))) != NULL)
		memcpy(a->bytes, p, sizeof(a->bytes));
}

static void
put_relay_hosts(struct wr *w, const struct msg_relay_hosts *h)
{
	uint32_t	i;

	if (h->n > RELAY_HOSTS_MAX) {
		w->bad = 1;
		return;
	}
	put_u32(w, h->n);
	for (i = 0; i < h->n; i++) {
		if (!enum_ok(h->v[i].state, HOST_DOWN + 1) ||
		    h->v[i].flags > (RELAY_HOST_DISABLED |
		    RELAY_HOST_TABLE_DISABLED))
			w->bad = 1;
		put_u32(w, h->v[i].host_id);
		put_u8(w, h->v[i].state);
		put_u8(w, h->v[i].flags);
	}
}

static void
get_relay_hosts(struct rd *r, struct msg_relay_hosts *h)
{
	uint32_t	i;

	h->n = get_u32(r);
	if (h->n > RELAY_HOSTS_MAX) {
		r->bad = 1;
		return;
	}
	for (i = 0; i < h->n && !r->bad; i++) {
		h->v[i].host_id = get_u32(r);
		h->v[i].state = get_enum(r, HOST_DOWN + 1);
		h->v[i].flags = get_enum(r, (RELAY_HOST_DISABLED |
		    RELAY_HOST_TABLE_DISABLED) + 1);
	}
}

static void
put_relay_ready(struct wr *w, const struct msg_relay_ready *m)
{
	if (m->nrelays > HS_RELAYS_MAX) {
		w->bad = 1;
		return;
	}
	put_u32(w, m->nrelays);
	put(w, m->listening, (m->nrelays + 7) / 8);
}

static void
get_relay_ready(struct rd *r, struct msg_relay_ready *m)
{
	const uint8_t	*p;
	size_t		 n;

	m->nrelays = get_u32(r);
	if (m->nrelays > HS_RELAYS_MAX) {
		r->bad = 1;
		return;
	}
	n = (m->nrelays + 7) / 8;
	if ((p = get(r, n)) != NULL)
		memcpy(m->listening, p, n);
}

static void
put_ctl_session(struct wr *w, const struct ctl_session *s)
{
	if (!enum_ok(s->end, SESS_END_MAX))
		w->bad = 1;
	put_u32(w, s->proc);
	put_u64(w, s->id);
	put_u32(w, s->relay_id);
	put_str(w, s->relay, sizeof(s->relay));
	put_addr(w, &s->client);
	put_u16(w, s->client_port);
	put_addr(w, &s->host);
	put_u16(w, s->host_port);
	put_u64(w, s->age_ms);
	put_u64(w, s->idle_ms);
	put_u64(w, s->bytes_in);
	put_u64(w, s->bytes_out);
	put_u8(w, s->end);
	put_str(w, s->detail, sizeof(s->detail));
	put_u32(w, s->requests);
	put_u16(w, s->status);
	put_str(w, s->method, sizeof(s->method));
	put_str(w, s->http_host, sizeof(s->http_host));
	put_str(w, s->path, sizeof(s->path));
	put_str(w, s->logged, sizeof(s->logged));
}

static void
get_ctl_session(struct rd *r, struct ctl_session *s)
{
	s->proc = get_u32(r);
	s->id = get_u64(r);
	s->relay_id = get_u32(r);
	get_str(r, s->relay, sizeof(s->relay));
	get_addr(r, &s->client);
	s->client_port = get_u16(r);
	get_addr(r, &s->host);
	s->host_port = get_u16(r);
	s->age_ms = get_u64(r);
	s->idle_ms = get_u64(r);
	s->bytes_in = get_u64(r);
	s->bytes_out = get_u64(r);
	s->end = get_enum(r, SESS_END_MAX);
	get_str(r, s->detail, sizeof(s->detail));
	s->requests = get_u32(r);
	s->status = get_u16(r);
	get_str(r, s->method, sizeof(s->method));
	get_str(r, s->http_host, sizeof(s->http_host));
	get_str(r, s->path, sizeof(s->path));
	get_str(r, s->logged, sizeof(s->logged));
}

static void
put_text(struct wr *w, const struct msg_text *t)
{
	if (t->ok > 1 || t->len > MSG_TEXT_MAX ||
	    memchr(t->text, '\0', t->len) != NULL)
		w->bad = 1;
	if (w->bad)
		return;
	put_u8(w, t->ok);
	put_u32(w, t->len);
	put(w, t->text, t->len);
}

static void
get_text(struct rd *r, struct msg_text *t)
{
	const uint8_t	*p;

	t->ok = get_enum(r, 2);
	t->len = get_u32(r);
	t->text[0] = '\0';
	if (r->bad || t->len > MSG_TEXT_MAX) {
		r->bad = 1;
		return;
	}
	if ((p = get(r, t->len)) == NULL)
		return;
	if (memchr(p, '\0', t->len) != NULL) {
		r->bad = 1;
		return;
	}
	memcpy(t->text, p, t->len);
	t->text[t->len] = '\0';
}

static void
put_file(struct wr *w, const struct msg_file *f)
{
	if (!enum_ok(f->kind, FILE_KIND_MAX) || f->kind == 0 ||
	    f->path[0] == '\0')
		w->bad = 1;
	put_u8(w, f->kind);
	put_str(w, f->path, sizeof(f->path));
}

static void
get_file(struct rd *r, struct msg_file *f)
{
	f->kind = get_enum(r, FILE_KIND_MAX);
	get_str(r, f->path, sizeof(f->path));
	if (f->kind == 0 || f->path[0] == '\0')
		r->bad = 1;
}

static void
put_key(struct wr *w, const struct msg_key *k)
{
	if (!enum_ok(k->op, KEY_OP_MAX) || k->op == 0 || k->ok > 1 ||
	    k->len > KEY_DATA_MAX) {
		w->bad = 1;
		return;
	}
	put_u32(w, k->id);
	put_u8(w, k->op);
	put_u8(w, k->ok);
	put(w, k->key, sizeof(k->key));
	put_u16(w, k->len);
	put(w, k->data, k->len);
}

static void
get_key(struct rd *r, struct msg_key *k)
{
	const uint8_t	*p;

	k->id = get_u32(r);
	k->op = get_enum(r, KEY_OP_MAX);
	k->ok = get_enum(r, 2);
	if ((p = get(r, sizeof(k->key))) != NULL)
		memcpy(k->key, p, sizeof(k->key));
	k->len = get_u16(r);
	if (k->op == 0 || k->len > KEY_DATA_MAX) {
		r->bad = 1;
		return;
	}
	if ((p = get(r, k->len)) != NULL)
		memcpy(k->data, p, k->len);
}

static void
put_tickets(struct wr *w, const struct msg_tickets *t)
{
	uint32_t	i;

	if (t->n == 0 || t->n > TICKET_KEYS_MAX) {
		w->bad = 1;
		return;
	}
	put_u32(w, t->n);
	for (i = 0; i < t->n; i++) {
		put(w, t->keys[i].name, TICKET_NAME_LEN);
		put(w, t->keys[i].aes, TICKET_SECRET_LEN);
		put(w, t->keys[i].hmac, TICKET_SECRET_LEN);
	}
}

static void
get_tickets(struct rd *r, struct msg_tickets *t)
{
	const uint8_t	*p;
	uint32_t	 i;

	t->n = get_u32(r);
	if (t->n == 0 || t->n > TICKET_KEYS_MAX) {
		r->bad = 1;
		return;
	}
	for (i = 0; i < t->n; i++) {
		if ((p = get(r, sizeof(t->keys[i]))) == NULL)
			return;
		memcpy(t->keys[i].name, p, TICKET_NAME_LEN);
		memcpy(t->keys[i].aes, p + TICKET_NAME_LEN, TICKET_SECRET_LEN);
		memcpy(t->keys[i].hmac, p + TICKET_NAME_LEN +
		    TICKET_SECRET_LEN, TICKET_SECRET_LEN);
	}
}

/* The payload kind of each type. */
enum payload {
	PL_NONE,
	PL_HOST_STATUS,
	PL_HOST_COUNTERS,
	PL_ID,
	PL_DEMOTE,
	PL_SCRIPT_RUN,
	PL_SCRIPT_DONE,
	PL_CTL_REQUEST,
	PL_CTL_ROW,
	PL_CTL_EVENT,
	PL_TEXT,
	PL_RELAY_HOSTS,
	PL_RELAY_READY,
	PL_RELAY_STATS,
	PL_CTL_SESSION,
	PL_LISTENER,
	PL_FILE,
	PL_KEY,
	PL_TICKETS,
};

static const enum payload payloads[MSG_TYPE_MAX] = {
	[MSG_HOST_STATUS] = PL_HOST_STATUS,
	[MSG_HOST_COUNTERS] = PL_HOST_COUNTERS,
	[MSG_HOST_ENABLE] = PL_ID,
	[MSG_HOST_DISABLE] = PL_ID,
	[MSG_TABLE_ENABLE] = PL_ID,
	[MSG_TABLE_DISABLE] = PL_ID,
	[MSG_POLL] = PL_NONE,
	[MSG_CMD_END] = PL_NONE,
	[MSG_CMD_DONE] = PL_ID,
	[MSG_DEMOTE] = PL_DEMOTE,
	[MSG_SCRIPT_RUN] = PL_SCRIPT_RUN,
	[MSG_SCRIPT_DONE] = PL_SCRIPT_DONE,
	[MSG_CTL_REQUEST] = PL_CTL_REQUEST,
	[MSG_CTL_ROW] = PL_CTL_ROW,
	[MSG_CTL_END] = PL_NONE,
	[MSG_CTL_OK] = PL_NONE,
	[MSG_CTL_FAIL] = PL_TEXT,
	[MSG_CTL_EVENT] = PL_CTL_EVENT,
	[MSG_CTL_VERBOSE] = PL_ID,
	[MSG_RELOAD] = PL_TEXT,
	[MSG_RELOAD_RESULT] = PL_TEXT,
	[MSG_CFG_TEXT] = PL_TEXT,
	[MSG_CFG_DONE] = PL_NONE,
	[MSG_CFG_READY] = PL_NONE,
	[MSG_CFG_FAIL] = PL_TEXT,
	[MSG_CFG_ABORT] = PL_NONE,
	[MSG_CFG_START] = PL_NONE,
	[MSG_SHUTDOWN] = PL_NONE,
	[MSG_RELAY_HOSTS] = PL_RELAY_HOSTS,
	[MSG_RELAY_READY] = PL_RELAY_READY,
	[MSG_RELAY_STATS] = PL_RELAY_STATS,
	[MSG_CTL_SESSION] = PL_CTL_SESSION,
	[MSG_RELAY_MONITOR] = PL_ID,
	[MSG_RELAY_LISTENER] = PL_LISTENER,
	[MSG_CTL_TEXT] = PL_TEXT,
	[MSG_FILE] = PL_FILE,
	[MSG_KEY_OP] = PL_KEY,
	[MSG_KEY_RESULT] = PL_KEY,
	[MSG_TLS_TICKETS] = PL_TICKETS,
};

static int
type_ok(unsigned type)
{
	return type > MSG_NONE && type < MSG_TYPE_MAX;
}

static void
put_payload(struct wr *w, const struct msg *m)
{
	switch (payloads[m->type]) {
	case PL_NONE:
		break;
	case PL_HOST_STATUS:
		put_host_status(w, &m->u.host_status);
		break;
	case PL_HOST_COUNTERS:
		put_host_counters(w, &m->u.host_counters);
		break;
	case PL_ID:
		put_u32(w, m->u.id.id);
		break;
	case PL_DEMOTE:
		put_demote(w, &m->u.demote);
		break;
	case PL_SCRIPT_RUN:
		put_script_run(w, &m->u.script_run);
		break;
	case PL_SCRIPT_DONE:
		put_script_done(w, &m->u.script_done);
		break;
	case PL_CTL_REQUEST:
		put_ctl_request(w, &m->u.ctl_request);
		break;
	case PL_CTL_ROW:
		put_ctl_row(w, &m->u.ctl_row);
		break;
	case PL_CTL_EVENT:
		put_ctl_event(w, &m->u.ctl_event);
		break;
	case PL_TEXT:
		put_text(w, &m->u.text);
		break;
	case PL_RELAY_HOSTS:
		put_relay_hosts(w, &m->u.relay_hosts);
		break;
	case PL_RELAY_READY:
		put_relay_ready(w, &m->u.relay_ready);
		break;
	case PL_RELAY_STATS:
		put_u32(w, m->u.relay_stats.relay_id);
		put_stats(w, &m->u.relay_stats.stats);
		break;
	case PL_CTL_SESSION:
		put_ctl_session(w, &m->u.ctl_session);
		break;
	case PL_LISTENER:
		if (m->u.listener.addr.family == HS_AF_NONE)
			w->bad = 1;
		put_addr(w, &m->u.listener.addr);
		put_u16(w, m->u.listener.port);
		break;
	case PL_FILE:
		put_file(w, &m->u.file);
		break;
	case PL_KEY:
		put_key(w, &m->u.key);
		break;
	case PL_TICKETS:
		put_tickets(w, &m->u.tickets);
		break;
	}
}

static void
get_payload(struct rd *r, struct msg *m)
{
	switch (payloads[m->type]) {
	case PL_NONE:
		break;
	case PL_HOST_STATUS:
		get_host_status(r, &m->u.host_status);
		break;
	case PL_HOST_COUNTERS:
		get_host_counters(r, &m->u.host_counters);
		break;
	case PL_ID:
		m->u.id.id = get_u32(r);
		break;
	case PL_DEMOTE:
		get_demote(r, &m->u.demote);
		break;
	case PL_SCRIPT_RUN:
		get_script_run(r, &m->u.script_run);
		break;
	case PL_SCRIPT_DONE:
		get_script_done(r, &m->u.script_done);
		break;
	case PL_CTL_REQUEST:
		get_ctl_request(r, &m->u.ctl_request);
		break;
	case PL_CTL_ROW:
		get_ctl_row(r, &m->u.ctl_row);
		break;
	case PL_CTL_EVENT:
		get_ctl_event(r, &m->u.ctl_event);
		break;
	case PL_TEXT:
		get_text(r, &m->u.text);
		break;
	case PL_RELAY_HOSTS:
		get_relay_hosts(r, &m->u.relay_hosts);
		break;
	case PL_RELAY_READY:
		get_relay_ready(r, &m->u.relay_ready);
		break;
	case PL_RELAY_STATS:
		m->u.relay_stats.relay_id = get_u32(r);
		get_stats(r, &m->u.relay_stats.stats);
		break;
	case PL_CTL_SESSION:
		get_ctl_session(r, &m->u.ctl_session);
		break;
	case PL_LISTENER:
		get_addr(r, &m->u.listener.addr);
		m->u.listener.port = get_u16(r);
		if (m->u.listener.addr.family == HS_AF_NONE)
			r->bad = 1;
		break;
	case PL_FILE:
		get_file(r, &m->u.file);
		break;
	case PL_KEY:
		get_key(r, &m->u.key);
		break;
	case PL_TICKETS:
		get_tickets(r, &m->u.tickets);
		break;
	}
}

int
msg_encode(const struct msg *m, uint8_t *out, size_t outlen)
{
	struct wr	w = { out, outlen < MSG_MAX_LEN ? outlen : MSG_MAX_LEN,
			    0, 0 };

	if (!type_ok(m->type))
		return -1;
	put_u16(&w, (uint16_t)m->type);
	put_u16(&w, 0);
	put_u32(&w, 0);		/* length, patched below */
	put_u32(&w, m->peerid);
	put_u32(&w, m->gen);
	put_payload(&w, m);
	if (w.bad)
		return -1;
	out[4] = (uint8_t)(w.off >> 24);
	out[5] = (uint8_t)(w.off >> 16);
	out[6] = (uint8_t)(w.off >> 8);
	out[7] = (uint8_t)w.off;
	return (int)w.off;
}

int
msg_frame_len(const uint8_t *in, size_t len)
{
	struct rd	r = { in, len, 0, 0 };
	uint16_t	type, reserved;
	uint32_t	flen;

	if (len < MSG_HDR_LEN)
		return 0;
	type = get_u16(&r);
	reserved = get_u16(&r);
	flen = get_u32(&r);
	if (!type_ok(type) || reserved != 0 || flen < MSG_HDR_LEN ||
	    flen > MSG_MAX_LEN)
		return -1;
	return (int)flen;
}

int
msg_decode(const uint8_t *in, size_t len, struct msg *m)
{
	struct rd	r = { in, len, 0, 0 };
	int		flen;

	if ((flen = msg_frame_len(in, len)) <= 0 || (size_t)flen != len)
		return -1;
	memset(m, 0, offsetof(struct msg, u));
	m->type = (enum msg_type)get_u16(&r);
	(void)get_u16(&r);
	(void)get_u32(&r);
	m->peerid = get_u32(&r);
	m->gen = get_u32(&r);
	get_payload(&r, m);
	if (r.bad || r.off != len)
		return -1;
	return 0;
}

static const char *const msg_type_names[MSG_TYPE_MAX] = {
	[MSG_NONE] = "none",
	[MSG_HOST_STATUS] = "host_status",
	[MSG_HOST_COUNTERS] = "host_counters",
	[MSG_HOST_ENABLE] = "host_enable",
	[MSG_HOST_DISABLE] = "host_disable",
	[MSG_TABLE_ENABLE] = "table_enable",
	[MSG_TABLE_DISABLE] = "table_disable",
	[MSG_POLL] = "poll",
	[MSG_CMD_END] = "cmd_end",
	[MSG_CMD_DONE] = "cmd_done",
	[MSG_DEMOTE] = "demote",
	[MSG_SCRIPT_RUN] = "script_run",
	[MSG_SCRIPT_DONE] = "script_done",
	[MSG_CTL_REQUEST] = "ctl_request",
	[MSG_CTL_ROW] = "ctl_row",
	[MSG_CTL_END] = "ctl_end",
	[MSG_CTL_OK] = "ctl_ok",
	[MSG_CTL_FAIL] = "ctl_fail",
	[MSG_CTL_EVENT] = "ctl_event",
	[MSG_CTL_VERBOSE] = "ctl_verbose",
	[MSG_RELOAD] = "reload",
	[MSG_RELOAD_RESULT] = "reload_result",
	[MSG_CFG_TEXT] = "cfg_text",
	[MSG_CFG_DONE] = "cfg_done",
	[MSG_CFG_READY] = "cfg_ready",
	[MSG_CFG_FAIL] = "cfg_fail",
	[MSG_CFG_ABORT] = "cfg_abort",
	[MSG_CFG_START] = "cfg_start",
	[MSG_SHUTDOWN] = "shutdown",
	[MSG_RELAY_HOSTS] = "relay_hosts",
	[MSG_RELAY_READY] = "relay_ready",
	[MSG_RELAY_STATS] = "relay_stats",
	[MSG_CTL_SESSION] = "ctl_session",
	[MSG_RELAY_MONITOR] = "relay_monitor",
	[MSG_RELAY_LISTENER] = "relay_listener",
	[MSG_CTL_TEXT] = "ctl_text",
	[MSG_FILE] = "file",
	[MSG_KEY_OP] = "key_op",
	[MSG_KEY_RESULT] = "key_result",
	[MSG_TLS_TICKETS] = "tls_tickets",
};

const char *
msg_type_name(enum msg_type t)
{
	if ((unsigned)t >= MSG_TYPE_MAX)
		return "invalid";
	return msg_type_names[t];
}

const char *
host_state_name(enum host_state s)
{
	switch (s) {
	case HOST_UNKNOWN:
		return "unknown";
	case HOST_UP:
		return "up";
	case HOST_DOWN:
		return "down";
	}
	return "invalid";
}
