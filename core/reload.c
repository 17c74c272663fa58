/*
 * The reload handshake: the parent's side sends the canonical text and
 * collects the children's answers; a child's side parses, prepares, and
 * switches when started.  See reload.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/invariant.h"
#include "core/parse.h"
#include "core/reload.h"

#define RELOAD_LINE_MAX		512
#define RELOAD_ERRORS_MAX	(64 * 1024)

static void
reload_log(log_fn log, void *arg, int level, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
reload_log(log_fn log, void *arg, int level, const char *fmt, ...)
{
	char	line[RELOAD_LINE_MAX];
	va_list	ap;

	if (log == NULL)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log(arg, level, line);
}

/* A message without payload, or with text (cut at whole lines). */
static void
send_text(send_fn send, void *arg, enum hs_peer to, enum msg_type type,
    uint32_t gen, uint32_t client, bool ok, const char *text)
{
	struct msg		*m;
	size_t			 len = text != NULL ? strlen(text) : 0;
	const char		*nl;

	if (send == NULL || (m = malloc(sizeof(*m))) == NULL)
		return;		/* a lost answer; the process says so */
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->gen = gen;
	m->peerid = client;
	m->u.text.ok = ok;
	if (len > MSG_TEXT_MAX) {
		len = MSG_TEXT_MAX;
		for (nl = text + len; nl > text && nl[-1] != '\n'; nl--)
			;
		if (nl > text)
			len = (size_t)(nl - text);
	}
	if (len > 0)
		memcpy(m->u.text.text, text, len);
	m->u.text.len = (uint32_t)len;
	send(arg, to, m);
	free(m);
}

static void
parent_send(struct reload_parent *rp, enum hs_peer to, enum msg_type type,
    uint32_t gen)
{
	send_text(rp->io.send, rp->io.arg, to, type, gen, 0, false, NULL);
}

void
reload_parent_init(struct reload_parent *rp,
    const struct reload_parent_io *io, const enum hs_peer *children,
    size_t nchildren, enum hs_peer start_to, enum hs_peer answer_to,
    uint32_t gen)
{
	HS_ASSERT(nchildren <= RELOAD_CHILDREN_MAX);
	memset(rp, 0, sizeof(*rp));
	rp->io = *io;
	memcpy(rp->child, children, nchildren * sizeof(*children));
	rp->nchildren = nchildren;
	rp->start_to = start_to;
	rp->answer_to = answer_to;
	rp->gen = rp->last_gen = gen;
	buf_init(&rp->text, RELOAD_TEXT_MAX);
}

void
reload_parent_free(struct reload_parent *rp)
{
	config_free(rp->next);
	rp->next = NULL;
	buf_free(&rp->text);
}

void
reload_parent_start(struct reload_parent *rp)
{
	parent_send(rp, rp->start_to, MSG_CFG_START, rp->gen);
}

bool
reload_parent_busy(const struct reload_parent *rp)
{
	return rp->next != NULL;
}

void
reload_parent_refuse(struct reload_parent *rp, uint32_t client,
    const char *errors)
{
	send_text(rp->io.send, rp->io.arg, rp->answer_to, MSG_RELOAD_RESULT,
	    rp->last_gen, client, false, errors);
}

/* The text was sent or given up: free its memory, it may be large. */
static void
parent_idle(struct reload_parent *rp)
{
	rp->next = NULL;
	buf_free(&rp->text);
	buf_init(&rp->text, RELOAD_TEXT_MAX);
}

int
reload_parent_begin(struct reload_parent *rp, struct config *conf,
    const struct resolved *names, uint32_t client)
{
	size_t	i;

	if (rp->next != NULL) {
		config_free(conf);
		reload_parent_refuse(rp, client, "reload already in progress");
		return -1;
	}
	buf_reset(&rp->text);
	resolved_print(names, &rp->text);
	config_print(conf, &rp->text);
	if (rp->text.truncated) {
		config_free(conf);
		parent_idle(rp);
		reload_parent_refuse(rp, client,
		    "configuration too big to send to the engines");
		if (rp->io.aborted != NULL)
			rp->io.aborted(rp->io.arg);
		return -1;
	}
	conf->gen = ++rp->last_gen;
	rp->next = conf;
	rp->client = client;
	for (i = 0; i < rp->nchildren; i++) {
		rp->sent[i] = 0;
		rp->done_sent[i] = false;
		rp->ready[i] = false;
	}
	reload_parent_pump(rp);
	return 0;
}

static size_t
parent_room(struct reload_parent *rp, enum hs_peer peer)
{
	return rp->io.room != NULL ? rp->io.room(rp->io.arg, peer) : SIZE_MAX;
}

static void
pump_child(struct reload_parent *rp, size_t i)
{
	const char	*text = buf_str(&rp->text);
	struct msg	*m;
	size_t		 len;

	if ((m = malloc(sizeof(*m))) == NULL)
		return;		/* pumped again when the child drains */
	while (rp->sent[i] < rp->text.len) {
		len = rp->text.len - rp->sent[i];
		if (len > MSG_TEXT_MAX)
			len = MSG_TEXT_MAX;
		if (parent_room(rp, rp->child[i]) < MSG_MAX_LEN)
			break;
		memset(m, 0, offsetof(struct msg, u) + sizeof(m->u.text.ok) +
		    sizeof(m->u.text.len));
		m->type = MSG_CFG_TEXT;
		m->gen = rp->next->gen;
		m->u.text.len = (uint32_t)len;
		memcpy(m->u.text.text, text + rp->sent[i], len);
		rp->io.send(rp->io.arg, rp->child[i], m);
		rp->sent[i] += len;
	}
	free(m);
	if (rp->sent[i] == rp->text.len &&
	    parent_room(rp, rp->child[i]) >= MSG_HDR_LEN) {
		parent_send(rp, rp->child[i], MSG_CFG_DONE, rp->next->gen);
		rp->done_sent[i] = true;
	}
}

void
reload_parent_pump(struct reload_parent *rp)
{
	size_t	i;

	for (i = 0; rp->next != NULL && i < rp->nchildren; i++)
		if (!rp->done_sent[i])
			pump_child(rp, i);
}

/* Every child is ready: switch, start the first, answer the client. */
static void
parent_commit(struct reload_parent *rp)
{
	struct config	*conf = rp->next;
	uint32_t	 client = rp->client;

	parent_idle(rp);
	rp->gen = conf->gen;
	rp->io.commit(rp->io.arg, conf);
	parent_send(rp, rp->start_to, MSG_CFG_START, rp->gen);
	send_text(rp->io.send, rp->io.arg, rp->answer_to, MSG_RELOAD_RESULT,
	    rp->gen, client, true, NULL);
	reload_log(rp->io.log, rp->io.arg, 0,
	    "configuration reloaded (generation %u)", rp->gen);
}

/* A child cannot switch: nobody does. */
static void
parent_abort(struct reload_parent *rp, const char *why)
{
	uint32_t	gen = rp->next->gen, client = rp->client;
	size_t		i;

	for (i = 0; i < rp->nchildren; i++)
		parent_send(rp, rp->child[i], MSG_CFG_ABORT, gen);
	config_free(rp->next);
	parent_idle(rp);
	reload_log(rp->io.log, rp->io.arg, 0,
	    "reload failed: %s; configuration %u kept", why, rp->gen);
	send_text(rp->io.send, rp->io.arg, rp->answer_to, MSG_RELOAD_RESULT,
	    gen, client, false, why);
	if (rp->io.aborted != NULL)
		rp->io.aborted(rp->io.arg);
}

int
reload_parent_dispatch(struct reload_parent *rp, enum hs_peer peer,
    const struct msg *m)
{
	size_t	i, nready = 0;

	for (i = 0; i < rp->nchildren && rp->child[i] != peer; i++)
		;
	if (i == rp->nchildren ||
	    (m->type != MSG_CFG_READY && m->type != MSG_CFG_FAIL))
		return -1;
	if (rp->next == NULL || m->gen != rp->next->gen)
		return 0;	/* about a reload given up already */
	if (!rp->done_sent[i] || rp->ready[i])
		return -1;	/* an answer to text it has not all got */
	if (m->type == MSG_CFG_FAIL) {
		parent_abort(rp, m->u.text.len > 0 ? m->u.text.text :
		    "a process cannot switch");
		return 0;
	}
	rp->ready[i] = true;
	for (i = 0; i < rp->nchildren; i++)
		nready += rp->ready[i];
	if (nready == rp->nchildren)
		parent_commit(rp);
	return 0;
}

void
reload_child_init(struct reload_child *rc, const struct reload_child_io *io,
    const char *name, enum hs_peer start_from, enum hs_peer start_to,
    uint32_t gen)
{
	memset(rc, 0, sizeof(*rc));
	rc->io = *io;
	rc->name = name;
	rc->start_from = start_from;
	rc->start_to = start_to;
	rc->gen = gen;
	buf_init(&rc->text, RELOAD_TEXT_MAX);
}

static void
child_text_reset(struct reload_child *rc)
{
	rc->text_gen = 0;
	buf_free(&rc->text);
	buf_init(&rc->text, RELOAD_TEXT_MAX);
}

static void
child_drop_pending(struct reload_child *rc)
{
	if (rc->pending == NULL)
		return;
	if (rc->io.abort != NULL)
		rc->io.abort(rc->io.arg);
	config_free(rc->pending);
	rc->pending = NULL;
}

void
reload_child_free(struct reload_child *rc)
{
	child_drop_pending(rc);
	buf_free(&rc->text);
}

bool
reload_child_pending(const struct reload_child *rc)
{
	return rc->pending != NULL;
}

/* The text as a model: the parent's names, nothing read from disk. */
static struct config *
child_parse(struct reload_child *rc, struct buf *why)
{
	struct parse_opts	 opts;
	struct resolved		 names;
	struct buf		 errors;
	struct config		*conf = NULL;

	memset(&names, 0, sizeof(names));
	memset(&opts, 0, sizeof(opts));
	if (rc->text.truncated) {
		(void)buf_puts(why, "configuration too big");
		return NULL;
	}
	if (resolved_scan(buf_str(&rc->text), &names) == -1) {
		(void)buf_puts(why, "malformed resolver lines");
		resolved_free(&names);
		return NULL;
	}
	opts.resolve = resolve_recorded;
	opts.resolve_arg = &names;
	opts.noinclude = true;	/* the canonical text is complete */
	buf_init(&errors, RELOAD_ERRORS_MAX);
	conf = config_parse_string("reload", buf_str(&rc->text), rc->text.len,
	    &opts, &errors, NULL);
	if (conf == NULL)
		(void)buf_printf(why, "the configuration does not parse: %.*s",
		    (int)strcspn(buf_str(&errors), "\n"), buf_str(&errors));
	buf_free(&errors);
	resolved_free(&names);
	return conf;
}

/* The whole text is here: parse it, prepare, and say so. */
static void
child_prepare(struct reload_child *rc, uint32_t gen)
{
	struct config	*conf;
	struct buf	 why, line;

	buf_init(&why, RELOAD_LINE_MAX);
	conf = child_parse(rc, &why);
	child_text_reset(rc);
	if (conf != NULL) {
		conf->gen = gen;
		if (rc->io.prepare(rc->io.arg, conf, &why) == -1) {
			config_free(conf);
			conf = NULL;
		}
	}
	if (conf == NULL) {
		buf_init(&line, RELOAD_LINE_MAX + 64);
		(void)buf_printf(&line, "%s: %s", rc->name, why.len > 0 ?
		    buf_str(&why) : "cannot switch");
		reload_log(rc->io.log, rc->io.arg, 0, "reload refused: %s",
		    buf_str(&line));
		send_text(rc->io.send, rc->io.arg, PEER_PARENT, MSG_CFG_FAIL,
		    gen, 0, false, buf_str(&line));
		buf_free(&line);
	} else {
		rc->pending = conf;
		send_text(rc->io.send, rc->io.arg, PEER_PARENT, MSG_CFG_READY,
		    gen, 0, false, NULL);
	}
	buf_free(&why);
}

static int
child_start(struct reload_child *rc, const struct msg *m)
{
	struct config	*conf;

	if (rc->pending != NULL && rc->pending->gen == m->gen) {
		conf = rc->pending;
		rc->pending = NULL;
		rc->gen = m->gen;
		rc->io.commit(rc->io.arg, conf);
	} else if (!rc->started && m->gen == rc->gen) {
		/* The first start; a reload's text may have come before it. */
		if (rc->io.start != NULL)
			rc->io.start(rc->io.arg);
	} else
		return -1;
	rc->started = true;
	if (rc->start_to != PEER_MAX)
		send_text(rc->io.send, rc->io.arg, rc->start_to, MSG_CFG_START,
		    rc->gen, 0, false, NULL);
	return 0;
}

int
reload_child_dispatch(struct reload_child *rc, enum hs_peer peer,
    const struct msg *m)
{
	if (m->type == MSG_CFG_START)
		return peer == rc->start_from ? child_start(rc, m) : -1;
	if (peer != PEER_PARENT)
		return -1;
	switch (m->type) {
	case MSG_CFG_TEXT:
	case MSG_CFG_DONE:
		if (rc->pending != NULL)
			return -1;	/* an abort comes first */
		if (rc->text_gen != m->gen) {
			child_text_reset(rc);
			rc->text_gen = m->gen;
		}
		if (m->type == MSG_CFG_TEXT)
			(void)buf_add(&rc->text, m->u.text.text,
			    m->u.text.len);
		else
			child_prepare(rc, m->gen);
		return 0;
	case MSG_CFG_ABORT:
		if (rc->pending != NULL && rc->pending->gen == m->gen)
			child_drop_pending(rc);
		if (rc->text_gen == m->gen)
			child_text_reset(rc);
		return 0;
	default:
		return -1;
	}
}

bool
reload_msg(const struct msg *m)
{
	switch (m->type) {
	case MSG_CFG_TEXT:
	case MSG_CFG_DONE:
	case MSG_CFG_READY:
	case MSG_CFG_FAIL:
	case MSG_CFG_ABORT:
	case MSG_CFG_START:
		return true;
	default:
		return false;
	}
}
