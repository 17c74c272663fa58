/*
 * The reload handshake (core/reload.h) between a parent and two
 * children, every message through the wire format: the switch happens
 * in every process or in none, in the right order, and stale or
 * misplaced messages are recognized.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <cmocka.h>

#include "core/parse.h"
#include "core/reload.h"

#define QMAX	256

struct qmsg {
	enum hs_peer	 to;
	enum hs_peer	 from;
	struct msg	*m;
};

struct child {
	struct reload_child	 rc;
	struct config		*running;
	bool			 prepared;	/* engine state made */
	bool			 fail;		/* prepare fails */
	int			 commits;
	int			 aborts;
	int			 starts;
};

struct harness {
	struct reload_parent	 parent;
	struct config		*parent_conf;
	struct child		 hce, pfe;
	struct qmsg		 q[QMAX];
	size_t			 head, n;
	size_t			 room;		/* the parent's */
	int			 parent_aborts;
	struct buf		 trace;		/* from>to type gen */
	struct buf		 log;
};

static struct harness	h;

static struct config *
conf_of(const char *text)
{
	struct parse_opts	 opts;
	struct buf		 err;
	struct config		*c;

	memset(&opts, 0, sizeof(opts));
	buf_init(&err, 4096);
	c = config_parse_string("t.conf", text, strlen(text), &opts, &err,
	    NULL);
	if (c == NULL)
		printf("%s", buf_str(&err));
	assert_non_null(c);
	buf_free(&err);
	return c;
}

static const char *
peer_name(enum hs_peer p)
{
	return p == PEER_PARENT ? "parent" : p == PEER_HCE ? "hce" :
	    p == PEER_PFE ? "pfe" : "?";
}

static void
push(enum hs_peer from, enum hs_peer to, const struct msg *m)
{
	uint8_t	 wire[MSG_MAX_LEN];
	int	 len;

	assert_true(h.n < QMAX);
	len = msg_encode(m, wire, sizeof(wire));
	assert_true(len > 0);
	h.q[(h.head + h.n) % QMAX].m = malloc(sizeof(struct msg));
	assert_non_null(h.q[(h.head + h.n) % QMAX].m);
	assert_int_equal(msg_decode(wire, (size_t)len,
	    h.q[(h.head + h.n) % QMAX].m), 0);
	h.q[(h.head + h.n) % QMAX].to = to;
	h.q[(h.head + h.n) % QMAX].from = from;
	h.n++;
	if (m->type != MSG_CFG_TEXT)
		(void)buf_printf(&h.trace, "%s>%s %s %u\n", peer_name(from),
		    peer_name(to), msg_type_name(m->type), m->gen);
}

static void
send_parent(void *arg, enum hs_peer to, const struct msg *m)
{
	push(PEER_PARENT, to, m);
	h.room = h.room > MSG_MAX_LEN ? h.room - MSG_MAX_LEN : 0;
}

static void
send_hce(void *arg, enum hs_peer to, const struct msg *m)
{
	push(PEER_HCE, to, m);
}

static void
send_pfe(void *arg, enum hs_peer to, const struct msg *m)
{
	push(PEER_PFE, to, m);
}

static size_t
room(void *arg, enum hs_peer peer)
{
	return h.room;
}

static void
parent_commit(void *arg, struct config *conf)
{
	config_free(h.parent_conf);
	h.parent_conf = conf;
}

static void
parent_aborted(void *arg)
{
	h.parent_aborts++;
}

static void
log_line(void *arg, int level, const char *line)
{
	(void)buf_printf(&h.log, "%s\n", line);
}

static int
prepare(void *arg, const struct config *conf, struct buf *why)
{
	struct child	*c = arg;

	assert_false(c->prepared);
	if (c->fail) {
		(void)buf_puts(why, "out of memory");
		return -1;
	}
	c->prepared = true;
	return 0;
}

static void
commit(void *arg, struct config *conf)
{
	struct child	*c = arg;

	assert_true(c->prepared);
	c->prepared = false;
	config_free(c->running);
	c->running = conf;
	c->commits++;
}

static void
abort_prepared(void *arg)
{
	struct child	*c = arg;

	assert_true(c->prepared);
	c->prepared = false;
	c->aborts++;
}

static void
start(void *arg)
{
	struct child	*c = arg;

	c->starts++;
}

static void
child_init(struct child *c, const char *name, send_fn send,
    enum hs_peer from, enum hs_peer to, const char *text)
{
	struct reload_child_io	io;

	memset(&io, 0, sizeof(io));
	io.arg = c;
	io.send = send;
	io.prepare = prepare;
	io.commit = commit;
	io.abort = abort_prepared;
	io.start = start;
	io.log = log_line;
	c->running = conf_of(text);
	c->running->gen = 1;
	reload_child_init(&c->rc, &io, name, from, to, 1);
}

static const char base_conf[] =
    "table web {\n\treal port 80\n\tcheck tcp\n\thost 10.0.0.1\n}\n";

static int
setup(void **state)
{
	const enum hs_peer	 children[] = { PEER_HCE, PEER_PFE };
	struct reload_parent_io	 io;

	memset(&h, 0, sizeof(h));
	buf_init(&h.trace, 1 << 16);
	buf_init(&h.log, 1 << 16);
	h.room = SIZE_MAX;
	memset(&io, 0, sizeof(io));
	io.send = send_parent;
	io.room = room;
	io.commit = parent_commit;
	io.aborted = parent_aborted;
	io.log = log_line;
	h.parent_conf = conf_of(base_conf);
	h.parent_conf->gen = 1;
	reload_parent_init(&h.parent, &io, children, 2, PEER_HCE, PEER_PFE, 1);
	child_init(&h.hce, "hce", send_hce, PEER_PARENT, PEER_PFE, base_conf);
	child_init(&h.pfe, "pfe", send_pfe, PEER_HCE, PEER_MAX, base_conf);
	return 0;
}

static int
teardown(void **state)
{
	while (h.n > 0) {
		free(h.q[h.head].m);
		h.head = (h.head + 1) % QMAX;
		h.n--;
	}
	reload_parent_free(&h.parent);
	reload_child_free(&h.hce.rc);
	reload_child_free(&h.pfe.rc);
	config_free(h.parent_conf);
	config_free(h.hce.running);
	config_free(h.pfe.running);
	buf_free(&h.trace);
	buf_free(&h.log);
	return 0;
}

/* Deliver what is queued; the parent's answers to the pfe are kept. */
static void
deliver(void)
{
	struct qmsg	 e;
	int		 rv;

	while (h.n > 0) {
		e = h.q[h.head];
		h.head = (h.head + 1) % QMAX;
		h.n--;
		if (e.to == PEER_PARENT)
			rv = reload_parent_dispatch(&h.parent, e.from, e.m);
		else if (e.m->type == MSG_RELOAD_RESULT)
			rv = 0;		/* the pfe engine's business */
		else
			rv = reload_child_dispatch(e.to == PEER_HCE ?
			    &h.hce.rc : &h.pfe.rc, e.from, e.m);
		assert_int_equal(rv, 0);
		free(e.m);
	}
}

/* A configuration whose text takes several chunks. */
static struct config *
big_conf(size_t nhosts)
{
	struct buf	 t;
	struct config	*c;
	size_t		 i;

	buf_init(&t, 1 << 22);
	(void)buf_puts(&t, "table web {\n\treal port 80\n\tcheck tcp\n");
	for (i = 0; i < nhosts; i++)
		(void)buf_printf(&t, "\thost 10.%zu.%zu.%zu\n", i >> 16 & 255,
		    i >> 8 & 255, i & 255);
	(void)buf_puts(&t, "}\n");
	c = conf_of(buf_str(&t));
	buf_free(&t);
	return c;
}

static void
test_startup_chain(void **state)
{
	reload_parent_start(&h.parent);
	deliver();
	assert_string_equal(buf_str(&h.trace),
	    "parent>hce cfg_start 1\nhce>pfe cfg_start 1\n");
	assert_int_equal(h.hce.starts, 1);
	assert_int_equal(h.pfe.starts, 1);
	assert_true(h.hce.rc.started && h.pfe.rc.started);
}

/*
 * A reload asked for at once after startup: the pfe gets the new text
 * from the parent before the first start the hce passes on.  It starts
 * the running configuration, then switches with everybody.
 */
static void
test_reload_before_first_start(void **state)
{
	reload_parent_start(&h.parent);
	assert_int_equal(reload_parent_begin(&h.parent, big_conf(10), NULL, 7),
	    0);
	deliver();
	assert_int_equal(h.hce.starts, 1);
	assert_int_equal(h.pfe.starts, 1);
	assert_int_equal(h.parent_conf->gen, 2);
	assert_int_equal(h.hce.running->gen, 2);
	assert_int_equal(h.pfe.running->gen, 2);
	assert_int_equal(h.pfe.running->nhosts, 10);
}

/* Every child ready: the parent switches, then the hce, then the pfe. */
static void
test_reload_switches_everywhere(void **state)
{
	struct config	*next = big_conf(3000);

	reload_parent_start(&h.parent);
	deliver();
	buf_reset(&h.trace);
	assert_int_equal(reload_parent_begin(&h.parent, next, NULL, 7), 0);
	assert_true(reload_parent_busy(&h.parent));
	deliver();
	assert_false(reload_parent_busy(&h.parent));
	assert_string_equal(buf_str(&h.trace),
	    "parent>hce cfg_done 2\n"
	    "parent>pfe cfg_done 2\n"
	    "hce>parent cfg_ready 2\n"
	    "pfe>parent cfg_ready 2\n"
	    "parent>hce cfg_start 2\n"
	    "parent>pfe reload_result 2\n"
	    "hce>pfe cfg_start 2\n");
	assert_int_equal(h.parent_conf->gen, 2);
	assert_int_equal(h.hce.running->gen, 2);
	assert_int_equal(h.pfe.running->gen, 2);
	assert_int_equal(h.hce.running->nhosts, 3000);
	assert_int_equal(h.pfe.running->nhosts, 3000);
	assert_int_equal(h.hce.commits + h.pfe.commits, 2);
	assert_non_null(strstr(buf_str(&h.log),
	    "configuration reloaded (generation 2)"));
}

/* One child cannot: nobody switches, and the client learns why. */
static void
test_child_failure_aborts_everywhere(void **state)
{
	struct msg	*result = NULL;

	reload_parent_start(&h.parent);
	deliver();
	h.pfe.fail = true;
	assert_int_equal(reload_parent_begin(&h.parent,
	    conf_of(base_conf), NULL, 7), 0);
	/* deliver by hand to catch the answer to the client */
	while (h.n > 0) {
		struct qmsg e = h.q[h.head];

		h.head = (h.head + 1) % QMAX;
		h.n--;
		if (e.m->type == MSG_RELOAD_RESULT) {
			result = e.m;
			continue;
		}
		if (e.to == PEER_PARENT)
			assert_int_equal(reload_parent_dispatch(&h.parent,
			    e.from, e.m), 0);
		else
			assert_int_equal(reload_child_dispatch(e.to ==
			    PEER_HCE ? &h.hce.rc : &h.pfe.rc, e.from, e.m), 0);
		free(e.m);
	}
	assert_non_null(result);
	assert_false(result->u.text.ok);
	assert_int_equal(result->peerid, 7);
	assert_string_equal(result->u.text.text, "pfe: out of memory");
	free(result);
	assert_int_equal(h.hce.aborts, 1);	/* it was ready: dropped */
	assert_int_equal(h.parent_aborts, 1);
	assert_int_equal(h.hce.commits + h.pfe.commits, 0);
	assert_int_equal(h.parent_conf->gen, 1);
	assert_int_equal(h.hce.running->gen, 1);
	assert_false(reload_child_pending(&h.hce.rc));
	assert_non_null(strstr(buf_str(&h.log),
	    "reload failed: pfe: out of memory; configuration 1 kept"));
	assert_non_null(strstr(buf_str(&h.trace),
	    "parent>hce cfg_abort 2\nparent>pfe cfg_abort 2\n"));
	/* the next reload works, with a generation of its own */
	h.pfe.fail = false;
	assert_int_equal(reload_parent_begin(&h.parent, conf_of(base_conf),
	    NULL, 8), 0);
	deliver();
	assert_int_equal(h.pfe.running->gen, 3);
}

/* One reload at a time; the second is refused with a line. */
static void
test_reload_in_progress_refused(void **state)
{
	struct qmsg	e;

	reload_parent_start(&h.parent);
	deliver();
	assert_int_equal(reload_parent_begin(&h.parent, conf_of(base_conf),
	    NULL, 1), 0);
	assert_int_equal(reload_parent_begin(&h.parent, conf_of(base_conf),
	    NULL, 2), -1);
	e = h.q[(h.head + h.n - 1) % QMAX];
	assert_int_equal(e.m->type, MSG_RELOAD_RESULT);
	assert_int_equal(e.m->peerid, 2);
	assert_string_equal(e.m->u.text.text, "reload already in progress");
	deliver();
	assert_int_equal(h.hce.running->gen, 2);
}

/* The text goes out as the children's channels have room. */
static void
test_text_waits_for_room(void **state)
{
	size_t	sent;

	h.room = 0;
	assert_int_equal(reload_parent_begin(&h.parent, big_conf(3000),
	    NULL, 1), 0);
	assert_int_equal(h.n, 0);
	h.room = 2 * MSG_MAX_LEN;
	reload_parent_pump(&h.parent);
	sent = h.n;
	assert_true(sent >= 1 && sent <= 2);
	h.room = SIZE_MAX;
	reload_parent_pump(&h.parent);
	assert_true(h.n > sent);
	deliver();
	assert_int_equal(h.pfe.running->gen, 2);
}

/* Late answers to a reload given up are ignored, not applied. */
static void
test_stale_answers_ignored(void **state)
{
	struct msg	m;

	memset(&m, 0, sizeof(m));
	m.type = MSG_CFG_READY;
	m.gen = 5;
	assert_int_equal(reload_parent_dispatch(&h.parent, PEER_HCE, &m), 0);
	m.type = MSG_CFG_ABORT;
	assert_int_equal(reload_child_dispatch(&h.hce.rc, PEER_PARENT, &m), 0);
	/* out of place: a protocol error */
	assert_int_equal(reload_parent_dispatch(&h.parent, PEER_RELAY, &m),
	    -1);
	m.type = MSG_CFG_START;
	assert_int_equal(reload_child_dispatch(&h.pfe.rc, PEER_PARENT, &m),
	    -1);
	m.gen = 1;
	assert_int_equal(reload_child_dispatch(&h.pfe.rc, PEER_HCE, &m), 0);
	assert_int_equal(reload_child_dispatch(&h.pfe.rc, PEER_HCE, &m), -1);
	m.type = MSG_CFG_TEXT;
	assert_int_equal(reload_child_dispatch(&h.pfe.rc, PEER_HCE, &m), -1);
	m.type = MSG_CFG_READY;
	assert_int_equal(reload_child_dispatch(&h.pfe.rc, PEER_PARENT, &m),
	    -1);
}

/* Text that does not parse is a failed reload, not a dead child. */
static void
test_unparsable_text_fails(void **state)
{
	struct msg	m;

	memset(&m, 0, sizeof(m));
	m.type = MSG_CFG_TEXT;
	m.gen = 2;
	m.u.text.len = (uint32_t)snprintf(m.u.text.text,
	    sizeof(m.u.text.text), "table web {\n");
	assert_int_equal(reload_child_dispatch(&h.hce.rc, PEER_PARENT, &m),
	    0);
	m.type = MSG_CFG_DONE;
	m.u.text.len = 0;
	assert_int_equal(reload_child_dispatch(&h.hce.rc, PEER_PARENT, &m),
	    0);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.q[h.head].m->type, MSG_CFG_FAIL);
	assert_non_null(strstr(h.q[h.head].m->u.text.text,
	    "hce: the configuration does not parse: reload:"));
	assert_false(reload_child_pending(&h.hce.rc));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_startup_chain, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reload_before_first_start,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_switches_everywhere,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_child_failure_aborts_everywhere, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_in_progress_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_waits_for_room,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_answers_ignored,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_unparsable_text_fails,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
