/*
 * The simulated relay process: its view of the hosts is core's
 * relay_hosts, fed by the PFE's messages through the world's queue as in
 * the daemon, and it chooses the host of a scenario's connect with the
 * relay's method.  Sessions opened by connect stay open to the end of
 * the run (least-states counts them).  A relay without its own key
 * hashes with one derived from the seed, as the daemon derives its own
 * from a secret of its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sim/world_priv.h"
#include "core/lb.h"
#include "core/relay_hosts.h"
#include "core/reload.h"

int
world_relay_init(struct world *w)
{
	uint8_t		secret[HS_KEY_LEN];
	uint64_t	s = w->opts.seed;
	size_t		i;

	for (i = 0; i < HS_KEY_LEN; i++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		secret[i] = (uint8_t)(s >> 56);
	}
	w->relay_conf = w->conf;
	if ((w->relay = relay_hosts_new(w->relay_conf, secret,
	    w->opts.seed)) == NULL)
		return -1;
	return 0;
}

/*
 * Before world_reload_free, which frees the configurations.  A reload
 * still pending here is aborted first: its prepared view of the hosts
 * points into the configuration the child frees.
 */
void
world_relay_free(struct world *w)
{
	reload_child_free(&w->reload_relay);
	relay_hosts_free(w->relay);
	w->relay = NULL;
	free(w->probes);
	w->probes = NULL;
}

/* The relays this version can run, as the relay processes report them. */
static void
relay_ready(struct world *w)
{
	const struct config	*c = w->relay_conf;
	struct msg		*m;
	size_t			 i;

	if ((m = calloc(1, sizeof(*m))) == NULL) {
		world_fail(w, "out of memory");
		return;
	}
	m->type = MSG_RELAY_READY;
	m->peerid = 1;		/* relay process 1, the only one */
	m->gen = c->gen;
	m->u.relay_ready.nrelays = (uint32_t)c->nrelays;
	for (i = 0; i < c->nrelays; i++)
		if (!c->relays[i].disabled &&
		    relay_unsupported(c, &c->relays[i]) == NULL)
			m->u.relay_ready.listening[i / 8] |= 1U << (i % 8);
	world_relay_send(w, PEER_PFE, m);
	free(m);
}

static int
relay_prepare(void *arg, const struct config *conf, struct buf *why)
{
	struct world	*w = arg;

	if (relay_hosts_prepare(w->relay, conf) == -1) {
		(void)buf_puts(why, "out of memory");
		return -1;
	}
	return 0;
}

static void
relay_abort(void *arg)
{
	struct world	*w = arg;

	relay_hosts_abort(w->relay);
}

static void
relay_commit(void *arg, struct config *conf)
{
	struct world	*w = arg;
	struct config	*old = w->relay_conf;

	relay_hosts_commit(w->relay);
	free(w->probes);	/* new ids */
	w->probes = NULL;
	w->relay_conf = conf;
	world_release_config(w, old);
	relay_ready(w);
}

static void
relay_start(void *arg)
{
	relay_ready(arg);
}

static void
relay_log(void *arg, int level, const char *line)
{
	world_print(arg, level, line);
}

/* Started and switched by the PFE, after it, as in the daemon. */
void
world_relay_reload_init(struct world *w, enum hs_peer from)
{
	struct reload_child_io	 io;

	memset(&io, 0, sizeof(io));
	io.arg = w;
	io.send = world_relay_send;
	io.prepare = relay_prepare;
	io.commit = relay_commit;
	io.abort = relay_abort;
	io.start = relay_start;
	io.log = relay_log;
	reload_child_init(&w->reload_relay, &io, "relay", from, PEER_MAX,
	    w->relay_conf->gen);
}

int
world_relay_dispatch(struct world *w, enum hs_peer from, const struct msg *m)
{
	if (from != PEER_PFE)
		return -1;
	switch (m->type) {
	case MSG_RELAY_HOSTS:
		/* Another configuration's ids: its snapshot will follow. */
		if (m->gen != w->relay_conf->gen)
			return 0;
		return relay_hosts_update(w->relay, &m->u.relay_hosts);
	case MSG_RELAY_MONITOR:
		return 0;
	default:
		return -1;
	}
}

/*
 * A session of relay name from client: 0 with the host in out, 1 when no
 * host is up, -1 when there is no such relay.
 */
int
world_relay_connect(struct world *w, const char *name,
    const struct hs_addr *client, uint16_t port, struct relay_target *out)
{
	const struct config	*c = w->relay_conf;
	const struct relay_conf	*r = NULL;
	struct lb_client	 cl;
	size_t			 i;

	for (i = 0; i < c->nrelays && r == NULL; i++)
		if (strcmp(c->relays[i].name, name) == 0)
			r = &c->relays[i];
	if (r == NULL)
		return -1;
	memset(&cl, 0, sizeof(cl));
	cl.addr = *client;
	(void)port;
	if (r->nlistens > 0) {
		cl.relay_addr = r->listens[0].addr;
		cl.relay_port = r->listens[0].port;
	}
	if (r->disabled || relay_unsupported(c, r) != NULL ||
	    relay_hosts_select(w->relay, r->id, &cl, NULL, 0, out) == -1)
		return 1;
	if (out->host_id != HS_ID_NONE)
		relay_hosts_count(w->relay, out->host_id, 1);
	return 0;
}

#define PROBE_CLIENTS	8

/*
 * For --explore: the hashing methods choose the same host for the same
 * client while the set of hosts up is the same.  The probe clients'
 * choices are kept with a signature of the hosts up, per relay.
 */
int
world_relay_stable(struct world *w, uint32_t rid, struct buf *why)
{
	const struct config	*c = w->relay_conf;
	const struct relay_conf	*r = &c->relays[rid];
	struct relay_probe	*p;
	struct relay_target	 t;
	struct lb_client	 cl;
	uint64_t		 sig = 0xcbf29ce484222325ULL;
	uint32_t		 chose[PROBE_CLIENTS];
	size_t			 i;

	if (r->mode != LB_SOURCE_HASH && r->mode != LB_LOADBALANCE &&
	    r->mode != LB_HASH)
		return 0;
	if (w->probes == NULL && (w->probes = calloc(c->nrelays,
	    sizeof(*w->probes))) == NULL)
		return 0;
	for (i = 0; i < c->nhosts; i++)
		if (relay_hosts_usable(w->relay, (uint32_t)i))
			sig = (sig ^ i) * 0x100000001b3ULL;
	memset(&cl, 0, sizeof(cl));
	(void)addr_parse("198.51.100.1", &cl.addr);
	if (r->nlistens > 0) {
		cl.relay_addr = r->listens[0].addr;
		cl.relay_port = r->listens[0].port;
	}
	for (i = 0; i < PROBE_CLIENTS; i++) {
		cl.addr.bytes[3] = (uint8_t)(i + 1);
		chose[i] = relay_hosts_select(w->relay, rid, &cl, NULL, 0,
		    &t) == 0 ? t.host_id : HS_ID_NONE;
	}
	p = &w->probes[rid];
	if (p->valid && p->sig == sig &&
	    memcmp(p->chose, chose, sizeof(chose)) != 0) {
		buf_printf(why, "relay %s: a client changed hosts while the "
		    "hosts up stayed the same", r->name);
		return -1;
	}
	p->valid = true;
	p->sig = sig;
	memcpy(p->chose, chose, sizeof(chose));
	return 0;
}
