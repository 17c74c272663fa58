/*
 * The simulated world's reload: the daemon's handshake (core/reload.h)
 * between the parent, the HCE and the PFE, over the world's message
 * channels, interleaved as the seed picks with each other and with the
 * answers due at the same instant.  Each engine parses the text it gets
 * and runs its own copy of the configuration, as each process of the
 * daemon does.  A scenario can fail an engine's preparation and hold a
 * channel (world_msg.c) to force an interleaving.
 */
#include <stdlib.h>
#include <string.h>

#include "backends/sim/world_priv.h"
#include "core/hce.h"
#include "core/pfe.h"

/* A configuration no engine runs any more. */
void
world_release_config(struct world *w, struct config *old)
{
	if (old != NULL && old != w->conf && old != w->hce_conf &&
	    old != w->parent_conf && old != w->relay_conf)
		config_free(old);
}

static void
parent_commit(void *arg, struct config *conf)
{
	struct world	*w = arg;
	struct config	*old = w->parent_conf;

	w->parent_conf = conf;
	world_release_config(w, old);
}

static void
reload_log(void *arg, int level, const char *line)
{
	world_print(arg, level, line);
}

/* An injected failure, as if the engine ran out of memory. */
static bool
injected(struct world *w, unsigned int which, struct buf *why)
{
	if (!(w->reload_fail & which))
		return false;
	w->reload_fail &= ~which;
	(void)buf_puts(why, "out of memory (injected)");
	return true;
}

static int
hce_prepare(void *arg, const struct config *conf, struct buf *why)
{
	struct world	*w = arg;

	if (injected(w, WORLD_RELOAD_FAIL_HCE, why))
		return -1;
	if (hce_reload_prepare(w->hce, conf) == -1) {
		(void)buf_puts(why, "out of memory");
		return -1;
	}
	return 0;
}

static void
hce_abort(void *arg)
{
	struct world	*w = arg;

	hce_reload_abort(w->hce);
}

/* Hosts that stay keep what the world knows of them (invariants). */
static int
hosts_carry(struct world *w, const struct config *conf)
{
	struct world_host	*old = w->hosts;
	size_t			 nold = w->nhosts, i;
	uint32_t		*map;

	if ((map = config_host_map(w->hce_conf, conf)) == NULL)
		return -1;
	w->hosts = NULL;
	if (world_hosts_alloc(w, conf->nhosts) == -1) {
		w->hosts = old;
		w->nhosts = nold;
		free(map);
		return -1;
	}
	for (i = 0; i < conf->nhosts; i++) {
		if (map[i] == HS_ID_NONE || map[i] >= nold)
			continue;
		w->hosts[i] = old[map[i]];
		w->hosts[i].inflight_seq = 0;
	}
	free(map);
	free(old);
	return 0;
}

static void
hce_commit(void *arg, struct config *conf)
{
	struct world	*w = arg;
	struct config	*old = w->hce_conf;

	/* Cancels the checks in flight, by the old ids. */
	hce_reload_commit(w->hce, w->clock.now_ms);
	if (hosts_carry(w, conf) == -1) {
		world_fail(w, "out of memory");
		return;
	}
	w->hce_conf = conf;
	w->epoch++;	/* answers to checks started before are stale */
	w->reload_ms = w->clock.now_ms;
	if (world_map_hosts(w) == -1)
		world_fail(w, "out of memory");
	world_release_config(w, old);
	world_changed(w, WORLD_CHANGED_ALL, 0);
}

static int
pfe_prepare(void *arg, const struct config *conf, struct buf *why)
{
	struct world	*w = arg;

	if (injected(w, WORLD_RELOAD_FAIL_PFE, why))
		return -1;
	if (pfe_reload_prepare(w->pfe, conf) == -1) {
		(void)buf_puts(why, "out of memory");
		return -1;
	}
	return 0;
}

static void
pfe_abort(void *arg)
{
	struct world	*w = arg;

	pfe_reload_abort(w->pfe);
}

static void
pfe_commit(void *arg, struct config *conf)
{
	struct world	*w = arg;
	struct config	*old = w->conf;

	pfe_reload_commit(w->pfe, w->clock.now_ms);
	w->conf = conf;
	world_release_config(w, old);
	world_changed(w, WORLD_CHANGED_ALL, 0);
}

static void
pfe_started(void *arg)
{
	struct world	*w = arg;

	pfe_start(w->pfe, w->clock.now_ms);
}

void
world_reload_init(struct world *w)
{
	const enum hs_peer	 children[] = { PEER_HCE, PEER_PFE, PEER_RELAY };
	struct reload_parent_io	 pio;
	struct reload_child_io	 cio;
	/* Who the parent starts, and who each child starts after it. */
	enum hs_peer		 first = PEER_HCE, hce_to = PEER_PFE;
	enum hs_peer		 pfe_from = PEER_HCE, pfe_to = PEER_RELAY;
	enum hs_peer		 hce_from = PEER_PARENT, relay_from = PEER_PFE;

	if (w->opts.inject & WORLD_INJECT_PFE_SWITCHES_FIRST) {
		first = PEER_PFE;
		pfe_from = PEER_PARENT;
		pfe_to = PEER_HCE;
		hce_from = PEER_PFE;
		hce_to = PEER_RELAY;
		relay_from = PEER_HCE;
	}

	memset(&pio, 0, sizeof(pio));
	pio.arg = w;
	pio.send = world_parent_send;
	pio.commit = parent_commit;
	pio.log = reload_log;
	reload_parent_init(&w->reload_parent, &pio, children, 3, first,
	    PEER_PFE, w->parent_conf->gen);
	memset(&cio, 0, sizeof(cio));
	cio.arg = w;
	cio.log = reload_log;
	cio.send = world_hce_send;
	cio.prepare = hce_prepare;
	cio.commit = hce_commit;
	cio.abort = hce_abort;
	reload_child_init(&w->reload_hce, &cio, "hce", hce_from, hce_to,
	    w->hce_conf->gen);
	cio.send = world_pfe_send;
	cio.prepare = pfe_prepare;
	cio.commit = pfe_commit;
	cio.abort = pfe_abort;
	cio.start = pfe_started;
	reload_child_init(&w->reload_pfe, &cio, "pfe", pfe_from, pfe_to,
	    w->conf->gen);
	world_relay_reload_init(w, relay_from);
}

void
world_reload_free(struct world *w)
{
	/* The engines may be gone: nothing of theirs to abort. */
	w->reload_hce.io.abort = NULL;
	w->reload_pfe.io.abort = NULL;
	reload_child_free(&w->reload_hce);
	reload_child_free(&w->reload_pfe);
	reload_parent_free(&w->reload_parent);
	if (w->relay_conf != w->conf && w->relay_conf != w->hce_conf &&
	    w->relay_conf != w->parent_conf)
		config_free(w->relay_conf);
	if (w->hce_conf != w->conf)
		config_free(w->hce_conf);
	if (w->parent_conf != w->conf && w->parent_conf != w->hce_conf)
		config_free(w->parent_conf);
	config_free(w->conf);
	w->conf = w->hce_conf = w->parent_conf = w->relay_conf = NULL;
}

void
world_parent_reload_msg(struct world *w, enum hs_peer from,
    const struct msg *m)
{
	if (reload_parent_dispatch(&w->reload_parent, from, m) == -1)
		world_fail(w, "a handshake message out of place");
}

int
world_reload(struct world *w, struct config *conf, struct buf *out)
{
	uint32_t	client = world_client_begin(w, out);

	(void)reload_parent_begin(&w->reload_parent, conf, NULL, client);
	world_settle(w);
	return world_client_end(w);
}

int
world_reload_refuse(struct world *w, const char *errors, struct buf *out)
{
	uint32_t	client = world_client_begin(w, out);

	reload_parent_refuse(&w->reload_parent, client, errors);
	world_settle(w);
	return world_client_end(w);
}

void
world_inject_reload_failure(struct world *w, unsigned int which)
{
	w->reload_fail |= which;
}

static const struct {
	const char	*word;
	unsigned int	 bit;
} injections[] = {
	{ "drop-table-remove", WORLD_INJECT_DROP_TABLE_REMOVE },
	{ "pfe-switches-first", WORLD_INJECT_PFE_SWITCHES_FIRST },
};

unsigned int
world_inject_word(const char *word)
{
	size_t	i;

	for (i = 0; i < sizeof(injections) / sizeof(injections[0]); i++)
		if (strcmp(word, injections[i].word) == 0)
			return injections[i].bit;
	return 0;
}

const char *
world_inject_name(unsigned int one)
{
	size_t	i;

	for (i = 0; i < sizeof(injections) / sizeof(injections[0]); i++)
		if (injections[i].bit == one)
			return injections[i].word;
	return NULL;
}
