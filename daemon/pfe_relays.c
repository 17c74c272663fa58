/*
 * The PFE's side of the relay processes: a channel to each, host states
 * and starts sent to all (or a snapshot to one), their readiness passed
 * to the engine, and the show commands they answer: show relays sums
 * every process's counters into the relays' rows, show sessions passes
 * every process's sessions on.  Session ends reach monitor clients, and
 * the relays send them only while there is one.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/log.h"
#include "daemon/pfe_proc_priv.h"

static int	pfe_relays_dispatch(void *, struct channel *,
		    const struct msg *);
static void	pfe_relays_lost(void *, struct channel *, const char *);

void
pfe_relays_setup(struct pfe_proc *pp, const struct proc_pipes *fds)
{
	char		name[32];
	uint32_t	i;

	LIST_INIT(&pp->shows);
	if ((pp->scratch = malloc(sizeof(*pp->scratch))) == NULL)
		fatalx("out of memory");
	pp->nrelays = fds->nrelays;
	for (i = 0; i < pp->nrelays; i++) {
		(void)snprintf(name, sizeof(name), "relay %u", i + 1);
		pp->relay[i] = channel_new(pp->base,
		    fds->relay[i][RELAY_PIPE_PFE][0], name, PROC_CHANNEL_MAX,
		    pfe_relays_dispatch, pfe_relays_lost, pp);
		if (pp->relay[i] == NULL)
			fatalx("cannot set up the event loop");
		channel_set_flow(pp->relay[i], PROC_CHANNEL_BUSY,
		    PROC_CHANNEL_LOW, false, NULL);
	}
	pfe_set_relay_procs(pp->pfe, pp->nrelays);
}

/* To every relay process; host states with a peerid to that one only. */
void
pfe_relays_send(struct pfe_proc *pp, const struct msg *m)
{
	uint32_t	i;

	if (m->type == MSG_RELAY_HOSTS && m->peerid != 0) {
		if (m->peerid <= pp->nrelays)
			pfe_proc_send(pp, pp->relay[m->peerid - 1], m);
		return;
	}
	for (i = 0; i < pp->nrelays; i++)
		pfe_proc_send(pp, pp->relay[i], m);
}

void
pfe_relays_monitor(struct pfe_proc *pp, bool on)
{
	struct msg	m;

	if (on == pp->relay_monitor)
		return;
	pp->relay_monitor = on;
	memset(&m, 0, offsetof(struct msg, u) + sizeof(m.u.id));
	m.type = MSG_RELAY_MONITOR;
	m.gen = pfe_gen(pp->pfe);
	m.u.id.id = on;
	pfe_relays_send(pp, &m);
}

static struct pfe_show *
show_find(struct pfe_proc *pp, uint32_t client)
{
	struct pfe_show	*s;

	LIST_FOREACH(s, &pp->shows, entry)
		if (s->client == client)
			return s;
	return NULL;
}

/* show metrics: the text in chunks, as large as a message takes. */
static void
show_metrics(struct pfe_proc *pp, struct pfe_show *s)
{
	struct msg	*m = pp->scratch;
	struct buf	 text;
	size_t		 off, n;

	buf_init(&text, PFE_METRICS_MAX);
	if (pfe_metrics(pp->pfe, s->rows, (size_t)s->nrows, proc_now_ms(),
	    pfe_proc_wall_ms(), pp->start_wall_ms, &text) == -1) {
		control_fail(pp->control, s->client, "metrics too large");
		buf_free(&text);
		return;
	}
	memset(m, 0, offsetof(struct msg, u) + sizeof(m->u.text));
	m->type = MSG_CTL_TEXT;
	m->peerid = s->client;
	m->gen = pfe_gen(pp->pfe);
	for (off = 0; off < text.len; off += n) {
		n = text.len - off < MSG_TEXT_MAX ? text.len - off :
		    MSG_TEXT_MAX;
		memcpy(m->u.text.text, text.data + off, n);
		m->u.text.text[n] = '\0';
		m->u.text.len = n;
		if (control_send(pp->control, s->client, m) == -1)
			break;		/* the client was dropped */
	}
	if (off >= text.len)
		pfe_proc_answer(pp, s->client, MSG_CTL_END);
	buf_free(&text);
}

static void
show_rows(struct pfe_proc *pp, struct pfe_show *s)
{
	struct msg	*m = pp->scratch;
	int		 i;

	memset(m, 0, offsetof(struct msg, u) + sizeof(m->u.ctl_row));
	m->type = MSG_CTL_ROW;
	m->peerid = s->client;
	m->gen = pfe_gen(pp->pfe);
	for (i = 0; i < s->nrows; i++) {
		m->u.ctl_row = s->rows[i];
		if (control_send(pp->control, s->client, m) == -1)
			break;		/* the client was dropped */
	}
	if (i == s->nrows)
		pfe_proc_answer(pp, s->client, MSG_CTL_END);
}

static void
show_finish(struct pfe_proc *pp, struct pfe_show *s)
{
	if (s->action == CTL_SHOW_METRICS)
		show_metrics(pp, s);
	else
		show_rows(pp, s);
	LIST_REMOVE(s, entry);
	free(s->rows);
	free(s);
}

/* Ask every relay process; answered when the last one has. */
void
pfe_relays_show(struct pfe_proc *pp, uint32_t client, enum ctl_action a)
{
	struct pfe_show	*s;
	struct msg	*m = pp->scratch;
	uint32_t	 i;

	if (show_find(pp, client) != NULL || (s = calloc(1, sizeof(*s))) ==
	    NULL) {
		control_fail(pp->control, client, "out of memory");
		return;
	}
	s->client = client;
	s->action = a;
	if (a != CTL_SHOW_SESSIONS && (s->nrows = pfe_rows(pp->pfe,
	    CTL_SHOW_RELAYS, proc_now_ms(), &s->rows)) == -1) {
		free(s);
		control_fail(pp->control, client, "out of memory");
		return;
	}
	LIST_INSERT_HEAD(&pp->shows, s, entry);
	memset(m, 0, offsetof(struct msg, u) + sizeof(m->u.ctl_request));
	m->type = MSG_CTL_REQUEST;
	m->peerid = client;
	m->gen = pfe_gen(pp->pfe);
	/* The relays count; the metrics are rendered here from that. */
	m->u.ctl_request.action = a == CTL_SHOW_METRICS ? CTL_SHOW_RELAYS : a;
	for (i = 0; i < pp->nrelays; i++)
		if (pp->relay[i] != NULL) {
			s->waiting++;
			pfe_proc_send(pp, pp->relay[i], m);
		}
	if (s->waiting == 0)
		show_finish(pp, s);
}

/* A relay's counters, for the relay of that id in the running rows. */
static void
show_stats(struct pfe_proc *pp, const struct msg *m)
{
	struct pfe_show	*s = show_find(pp, m->peerid);
	int		 i;

	if (s == NULL || m->gen != pfe_gen(pp->pfe))
		return;		/* a relay between configurations */
	for (i = 0; i < s->nrows; i++)
		if (s->rows[i].id == m->u.relay_stats.relay_id)
			relay_stats_add(&s->rows[i].stats,
			    &m->u.relay_stats.stats);
}

/* A session row to its client, or a session's end to the monitors. */
static void
show_session(struct pfe_proc *pp, const struct msg *m)
{
	if (m->peerid == 0) {
		if (control_session_end(pp->control, &m->u.ctl_session,
		    pfe_gen(pp->pfe)) == 0)
			pfe_relays_monitor(pp, false);
		return;
	}
	if (show_find(pp, m->peerid) != NULL) {
		memcpy(pp->scratch, m, sizeof(*pp->scratch));
		(void)control_send(pp->control, m->peerid, pp->scratch);
	}
}

static int
pfe_relays_dispatch(void *arg, struct channel *ch, const struct msg *m)
{
	struct pfe_proc	*pp = arg;
	struct pfe_show	*s;
	uint32_t	 i;

	for (i = 0; i < pp->nrelays && pp->relay[i] != ch; i++)
		;
	switch (m->type) {
	case MSG_RELAY_READY:
		/* Which process it is, we know: not what it says. */
		memcpy(pp->scratch, m, sizeof(*pp->scratch));
		pp->scratch->peerid = i + 1;
		if (pfe_dispatch(pp->pfe, PEER_RELAY, pp->scratch,
		    proc_now_ms()) == -1)
			fatalx("protocol error from relay %u: bad readiness",
			    i + 1);
		break;
	case MSG_RELAY_STATS:
		show_stats(pp, m);
		break;
	case MSG_CTL_SESSION:
		show_session(pp, m);
		break;
	case MSG_CTL_END:
		if ((s = show_find(pp, m->peerid)) != NULL &&
		    --s->waiting == 0)
			show_finish(pp, s);
		break;
	default:
		fatalx("protocol error from relay %u: unexpected %s", i + 1,
		    msg_type_name(m->type));
	}
	return 0;
}

/* Seen at every shutdown; a real loss is the parent's to report. */
static void
pfe_relays_lost(void *arg, struct channel *ch, const char *why)
{
	struct pfe_proc	*pp = arg;
	uint32_t	 i;

	for (i = 0; i < pp->nrelays && pp->relay[i] != ch; i++)
		;
	if (why != NULL && strncmp(why, "protocol error", 14) == 0)
		fatalx("relay %u: %s", i + 1, why);
	log_debug("relay %u: %s", i + 1, why != NULL ? why : "closed");
	channel_free(ch);
	if (i < pp->nrelays)
		pp->relay[i] = NULL;
}
