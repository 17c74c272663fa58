#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <cmocka.h>

#include "core/ctl.h"
#include "tests/core/testio.h"

void
tio_init(struct tio *t)
{
	memset(t, 0, sizeof(*t));
	t->sent = calloc(TIO_SENT_MAX, sizeof(*t->sent));
	assert_non_null(t->sent);
	buf_init(&t->ops, 1 << 20);
	buf_init(&t->events, 1 << 20);
	buf_init(&t->log, 1 << 20);
	buf_init(&t->replies, 1 << 20);
}

void
tio_free(struct tio *t)
{
	free(t->sent);
	buf_free(&t->ops);
	buf_free(&t->events);
	buf_free(&t->log);
	buf_free(&t->replies);
}

static void
check_start(void *arg, const struct check_request *req)
{
	struct tio	*t = arg;

	assert_true(t->nstarts < TIO_MAX);
	t->starts[t->nstarts].host_id = req->host_id;
	t->starts[t->nstarts].seq = req->seq;
	t->starts[t->nstarts].at_ms = t->now_ms;
	t->starts[t->nstarts].timeout_ms = req->timeout_ms;
	t->nstarts++;
}

static void
check_cancel(void *arg, uint32_t host_id, uint64_t seq)
{
	struct tio	*t = arg;

	assert_true(t->ncancels < TIO_MAX);
	t->cancels[t->ncancels].host_id = host_id;
	t->cancels[t->ncancels].seq = seq;
	t->cancels[t->ncancels].at_ms = t->now_ms;
	t->ncancels++;
}

/* Every message crosses the wire format, as in the daemon. */
static void
send_msg(void *arg, enum hs_peer peer, const struct msg *m)
{
	struct tio	*t = arg;
	uint8_t		 wire[MSG_MAX_LEN];
	int		 len;

	assert_true(t->nsent < TIO_SENT_MAX);
	len = msg_encode(m, wire, sizeof(wire));
	assert_true(len > 0);
	assert_int_equal(msg_decode(wire, (size_t)len,
	    &t->sent[t->nsent].msg), 0);
	t->sent[t->nsent].peer = peer;
	t->nsent++;
}

static void
log_line(void *arg, int level, const char *line)
{
	struct tio	*t = arg;

	(void)buf_printf(&t->log, "%d %s\n", level, line);
}

void
tio_hce_io(struct tio *t, struct hce_io *io)
{
	memset(io, 0, sizeof(*io));
	io->arg = t;
	io->check_start = check_start;
	io->check_cancel = check_cancel;
	io->send = send_msg;
	io->log = log_line;
}

/* A refusing kernel: the operation is recorded as refused, and fails. */
static int
refused(struct tio *t, const char *op, const char *name, struct buf *err)
{
	if (t->l3_refuse == 0)
		return 0;
	if (t->l3_refuse > 0)
		t->l3_refuse--;
	(void)buf_printf(&t->ops, "refused %s %s\n", op, name);
	(void)buf_puts(err, t->l3_why != NULL ? t->l3_why :
	    "Operation not permitted");
	t->nops++;
	return -1;
}

static int
l3_init(void *arg, struct buf *err)
{
	struct tio	*t = arg;

	if (refused(t, "init", "-", err) == -1)
		return -1;
	(void)buf_puts(&t->ops, "init\n");
	t->nops++;
	return 0;
}

static int
l3_flush(void *arg, struct buf *err)
{
	struct tio	*t = arg;

	if (refused(t, "flush", "-", err) == -1)
		return -1;
	(void)buf_puts(&t->ops, "flush\n");
	t->nops++;
	return 0;
}

/* Rules removed behind the engine's back, once. */
static int
l3_check(void *arg, const struct service_conf *s, struct buf *err)
{
	struct tio	*t = arg;

	(void)buf_printf(&t->ops, "%s %s\n", t->l3_lost ? "lost" : "check",
	    s->name);
	if (!t->l3_lost)
		return 0;
	t->l3_lost = false;
	(void)buf_puts(err, "No such file or directory");
	return -1;
}

static int
table_replace(void *arg, const struct service_conf *s,
    const struct l3_table *lt, struct buf *err)
{
	struct tio	*t = arg;
	char		 text[HS_ADDRSTR_MAX];
	size_t		 i;

	if (refused(t, "replace", s->name, err) == -1)
		return -1;
	(void)buf_printf(&t->ops, "replace %s %s", s->name, lt->table->name);
	for (i = 0; i < lt->nhosts; i++) {
		(void)buf_printf(&t->ops, " %s",
		    addr_fmt(&lt->hosts[i].addr, text, sizeof(text)));
		if (lt->hosts[i].weight != 1)
			(void)buf_printf(&t->ops, "*%u", lt->hosts[i].weight);
	}
	for (i = 0; i < lt->ngone; i++)
		(void)buf_printf(&t->ops, " -%s",
		    addr_fmt(&lt->gone[i].addr, text, sizeof(text)));
	(void)buf_puts(&t->ops, "\n");
	t->nops++;
	return 0;
}

static int
rules_add(void *arg, const struct service_conf *s,
    const struct table_conf *active, struct buf *err)
{
	struct tio	*t = arg;

	if (refused(t, "add", s->name, err) == -1)
		return -1;
	(void)buf_printf(&t->ops, "add %s\n", s->name);
	t->nops++;
	return 0;
}

static int
rules_remove(void *arg, const struct service_conf *s, struct buf *err)
{
	struct tio	*t = arg;

	if (refused(t, "remove", s->name, err) == -1)
		return -1;
	(void)buf_printf(&t->ops, "remove %s\n", s->name);
	t->nops++;
	return 0;
}

static void
event(void *arg, const struct ctl_event *ev)
{
	struct tio	*t = arg;

	ctl_render_event(ev, &t->events);
	t->nevents++;
}

/* "CLIENT ok" or "CLIENT failed: TEXT", one line each. */
static void
reply(void *arg, uint32_t client, bool ok, const char *text)
{
	struct tio	*t = arg;

	if (ok)
		(void)buf_printf(&t->replies, "%u ok\n", client);
	else
		(void)buf_printf(&t->replies, "%u failed: %s\n", client, text);
}

void
tio_pfe_io(struct tio *t, struct pfe_io *io)
{
	memset(io, 0, sizeof(*io));
	io->arg = t;
	io->l3_arg = t;
	io->table_replace = table_replace;
	io->rules_add = rules_add;
	io->rules_remove = rules_remove;
	io->l3_init = l3_init;
	io->l3_flush = l3_flush;
	io->l3_check = l3_check;
	io->event = event;
	io->reply = reply;
	io->send = send_msg;
	io->log = log_line;
}

const struct msg *
tio_last_sent(const struct tio *t, enum hs_peer peer, enum msg_type type)
{
	size_t	i;

	for (i = t->nsent; i > 0; i--)
		if (t->sent[i - 1].peer == peer &&
		    t->sent[i - 1].msg.type == type)
			return &t->sent[i - 1].msg;
	return NULL;
}

size_t
tio_count_sent(const struct tio *t, enum hs_peer peer, enum msg_type type)
{
	size_t	i, n = 0;

	for (i = 0; i < t->nsent; i++)
		if (t->sent[i].peer == peer && t->sent[i].msg.type == type)
			n++;
	return n;
}

void
tio_run_hce(struct tio *t, struct hce *hce, uint64_t until_ms)
{
	uint64_t	d;

	while ((d = hce_next_deadline(hce)) <= until_ms) {
		if (d > t->now_ms)
			t->now_ms = d;
		hce_run(hce, t->now_ms);
	}
	t->now_ms = until_ms;
}

void
tio_report(struct tio *t, struct hce *hce, uint32_t host_id, bool up,
    enum check_error err, uint32_t rtt_ms)
{
	struct check_result	res;
	size_t			i;

	for (i = t->nstarts; i > 0; i--)
		if (t->starts[i - 1].host_id == host_id)
			break;
	assert_true(i > 0);
	memset(&res, 0, sizeof(res));
	res.host_id = host_id;
	res.seq = t->starts[i - 1].seq;
	res.up = up;
	res.error = err;
	res.rtt_ms = rtt_ms;
	res.detail = -1;
	hce_check_done(hce, &res, t->now_ms);
}

void
tio_status(struct pfe *p, uint32_t host_id, enum host_state state,
    uint32_t check_cnt, uint32_t up_cnt, enum check_error err)
{
	tio_status_at(p, 0, host_id, state, check_cnt, up_cnt, err);
}

void
tio_status_at(struct pfe *p, uint64_t now_ms, uint32_t host_id,
    enum host_state state, uint32_t check_cnt, uint32_t up_cnt,
    enum check_error err)
{
	struct msg	m;

	memset(&m, 0, sizeof(m));
	m.type = MSG_HOST_STATUS;
	m.u.host_status.host_id = host_id;
	m.u.host_status.state = (uint8_t)state;
	m.u.host_status.error = (uint8_t)err;
	m.u.host_status.check_cnt = check_cnt;
	m.u.host_status.up_cnt = up_cnt;
	m.u.host_status.detail = -1;
	assert_int_equal(pfe_dispatch(p, PEER_HCE, &m, now_ms), 0);
}

char *
tio_show(const struct pfe *p, enum ctl_action action)
{
	struct ctl_row	*rows;
	struct buf	 b, x;
	size_t		 i, col = 0;
	int		 n;
	char		*out;

	n = pfe_rows(p, action, 0, &rows);
	assert_true(n >= 0);
	buf_init(&b, 1 << 20);
	buf_init(&x, 1 << 20);
	ctl_render(action, rows, (size_t)n, &b);
	free(rows);
	for (i = 0; i < b.len; i++) {
		char c = b.data[i];

		if (c == '\t') {
			do {
				(void)buf_puts(&x, " ");
			} while (++col % 8 != 0);
			continue;
		}
		(void)buf_add(&x, &c, 1);
		col = c == '\n' ? 0 : col + 1;
	}
	out = strdup(buf_str(&x));
	buf_free(&b);
	buf_free(&x);
	return out;
}
