/*
 * What the PFE tells the relay processes, and what it learns from them.
 * Host state goes out as MSG_RELAY_HOSTS with each host's complete state
 * (state, host disabled, table disabled), only for hosts of tables a
 * relay forwards to: the hosts that changed after every event, and all
 * of them to a relay process that reports it switched or started
 * (MSG_RELAY_READY; relays switch after the PFE, which starts them).  Each relay process says in
 * its MSG_RELAY_READY which relays accept on all their listeners; a
 * relay shows "active" when every process does.
 */
#include <stdlib.h>
#include <string.h>

#include "core/pfe_priv.h"
#include "core/relay_hosts.h"

static void
mark_used(struct pfe *p, uint32_t tid)
{
	if (tid < p->cfg->ntables)
		p->relay.used[tid] = true;
}

int
pfe_relay_alloc(struct pfe *p)
{
	const struct config	*c = p->cfg;
	uint32_t		 tids[RELAY_TABLES_MAX];
	size_t			 i, j, n;

	memset(&p->relay, 0, sizeof(p->relay));
	p->relay.used = calloc(c->ntables ? c->ntables : 1, 1);
	p->relay.dirty = calloc(c->nhosts ? c->nhosts : 1, 1);
	p->relay.queue = calloc(c->nhosts ? c->nhosts : 1, sizeof(uint32_t));
	p->relay.listening = calloc(c->nrelays ? c->nrelays : 1,
	    sizeof(uint32_t));
	if (p->relay.used == NULL || p->relay.dirty == NULL ||
	    p->relay.queue == NULL || p->relay.listening == NULL) {
		pfe_relay_free(p);
		return -1;
	}
	for (i = 0; i < c->nrelays; i++) {
		n = relay_tables(c, &c->relays[i], tids, RELAY_TABLES_MAX);
		for (j = 0; j < n; j++)
			mark_used(p, tids[j]);
	}
	return 0;
}

void
pfe_relay_free(struct pfe *p)
{
	free(p->relay.used);
	free(p->relay.dirty);
	free(p->relay.queue);
	free(p->relay.listening);
	memset(&p->relay, 0, sizeof(p->relay));
}

static bool
host_of_relay(const struct pfe *p, uint32_t hid)
{
	return hid < p->cfg->nhosts && p->relay.used != NULL &&
	    p->relay.used[p->cfg->hosts[hid].table_id];
}

/* Host hid changed (state or a disabled flag): tell the relays. */
void
pfe_relay_mark(struct pfe *p, uint32_t hid)
{
	if (!host_of_relay(p, hid) || p->relay.dirty[hid])
		return;
	p->relay.dirty[hid] = 1;
	p->relay.queue[p->relay.nqueue++] = hid;
}

void
pfe_relay_mark_table(struct pfe *p, uint32_t tid)
{
	const struct table_conf	*t = &p->cfg->tables[tid];
	size_t			 i;

	for (i = 0; i < t->nhosts; i++)
		pfe_relay_mark(p, t->host_ids[i]);
}

static void
host_entry(const struct pfe *p, uint32_t hid, struct msg_relay_host *v)
{
	v->host_id = hid;
	v->state = (uint8_t)p->hosts[hid].st.state;
	v->flags = 0;
	if (p->hosts[hid].disabled)
		v->flags |= RELAY_HOST_DISABLED;
	if (p->tables[p->cfg->hosts[hid].table_id].disabled)
		v->flags |= RELAY_HOST_TABLE_DISABLED;
}

/* Send the hosts of ids in messages of RELAY_HOSTS_MAX. */
static void
send_hosts(struct pfe *p, const uint32_t *ids, size_t n, uint32_t peerid)
{
	struct msg	*m;
	size_t		 i;

	if (p->io.send == NULL || n == 0)
		return;
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		pfe_log(p, 0, "pfe: out of memory telling the relays");
		return;
	}
	m->type = MSG_RELAY_HOSTS;
	m->peerid = peerid;
	m->gen = p->cfg->gen;
	for (i = 0; i < n; i++) {
		host_entry(p, ids[i], &m->u.relay_hosts.v[m->u.relay_hosts.n++]);
		if (m->u.relay_hosts.n == RELAY_HOSTS_MAX || i == n - 1) {
			p->io.send(p->io.arg, PEER_RELAY, m);
			m->u.relay_hosts.n = 0;
		}
	}
	free(m);
}

/* The hosts that changed since the last time, to every relay process. */
void
pfe_relay_flush(struct pfe *p)
{
	size_t	i;

	if (p->relay.nqueue == 0)
		return;
	send_hosts(p, p->relay.queue, p->relay.nqueue, 0);
	for (i = 0; i < p->relay.nqueue; i++)
		p->relay.dirty[p->relay.queue[i]] = 0;
	p->relay.nqueue = 0;
}

/* Every host of a relay table, to relay process peerid (0: to each). */
void
pfe_relay_snapshot(struct pfe *p, uint32_t peerid)
{
	uint32_t	*ids;
	size_t		 i, n = 0;

	if ((ids = calloc(p->cfg->nhosts ? p->cfg->nhosts : 1,
	    sizeof(*ids))) == NULL) {
		pfe_log(p, 0, "pfe: out of memory telling the relays");
		return;
	}
	for (i = 0; i < p->cfg->nhosts; i++)
		if (host_of_relay(p, (uint32_t)i) &&
		    pfe_host_ok(p, (uint32_t)i))
			ids[n++] = (uint32_t)i;
	send_hosts(p, ids, n, peerid);
	free(ids);
}

/*
 * A relay process (peerid: 1 to 32) switched to the running
 * configuration: which relays it accepts on; it gets every host.
 */
int
pfe_relay_ready(struct pfe *p, const struct msg *m)
{
	const struct msg_relay_ready	*r = &m->u.relay_ready;
	uint32_t			 bit;
	size_t				 i;

	if (m->gen != p->cfg->gen)
		return 0;	/* it will say so again once switched */
	if (m->peerid == 0 || m->peerid > 32 ||
	    r->nrelays != p->cfg->nrelays)
		return -1;
	bit = 1U << (m->peerid - 1);
	for (i = 0; i < p->cfg->nrelays; i++) {
		if (r->listening[i / 8] & (1U << (i % 8)))
			p->relay.listening[i] |= bit;
		else
			p->relay.listening[i] &= ~bit;
	}
	pfe_relay_snapshot(p, m->peerid);
	return 0;
}

/*
 * A switch: relays of the same name keep their listening processes
 * until these say otherwise (they listen through the switch).
 */
void
pfe_relay_carry(struct pfe *p, const struct pfe *old)
{
	size_t	i, j;

	for (i = 0; i < p->cfg->nrelays; i++)
		for (j = 0; j < old->cfg->nrelays; j++)
			if (strcmp(p->cfg->relays[i].name,
			    old->cfg->relays[j].name) == 0) {
				p->relay.listening[i] =
				    old->relay.listening[j];
				break;
			}
}

void
pfe_set_relay_procs(struct pfe *p, uint32_t n)
{
	p->relay_procs = n > 32 ? 32 : n;
}

bool
pfe_relay_listening(const struct pfe *p, uint32_t rid)
{
	uint32_t	all;

	if (rid >= p->cfg->nrelays || p->relay_procs == 0)
		return false;
	all = p->relay_procs == 32 ? UINT32_MAX :
	    (1U << p->relay_procs) - 1;
	return (p->relay.listening[rid] & all) == all;
}
