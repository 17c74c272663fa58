/*
 * The hce and the pfe wired together through the wire format, driven by
 * random results, operator commands and reloads (seeded); after every
 * step the two engines and layer 3 must agree.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <cmocka.h>

#include "core/demote.h"
#include "core/hce.h"
#include "core/pfe.h"
#include "tests/core/testconf.h"

#define QUEUE_MAX	4096
#define STEPS		20000
#define MAX_INFLIGHT	3

struct queued {
	enum hs_peer	from;
	enum hs_peer	to;
	uint8_t		wire[2048];	/* a counters batch of 29 */
	size_t		len;
};

struct pending_check {
	uint32_t	host_id;
	uint64_t	seq;
};

struct world {
	uint64_t		 now;
	uint64_t		 rng;
	struct config		*cfg;
	struct hce		*hce;
	struct pfe		*pfe;
	struct demote		*demote;
	struct queued		 q[QUEUE_MAX];
	size_t			 qlen;
	struct pending_check	 checks[64];
	size_t			 nchecks;
	/* layer 3 as the pfe left it, per service */
	bool			 installed[8];
	struct hs_addr		 addrs[8][16];
	size_t			 naddrs[8];
	/* what the run went through, to show it covered something */
	unsigned		 nreplace, nremove, nbackup, ndemoted, nreload;
};

static uint64_t
rnd(struct world *w)
{
	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 7;
	w->rng ^= w->rng << 17;
	return w->rng;
}

static void
enqueue(struct world *w, enum hs_peer from, enum hs_peer to,
    const struct msg *m)
{
	struct msg	copy = *m;
	int		len;

	assert_true(w->qlen < QUEUE_MAX);
	len = msg_encode(&copy, w->q[w->qlen].wire, sizeof(w->q[0].wire));
	assert_true(len > 0);
	w->q[w->qlen].len = (size_t)len;
	w->q[w->qlen].from = from;
	w->q[w->qlen].to = to;
	w->qlen++;
}

static void
hce_send(void *arg, enum hs_peer to, const struct msg *m)
{
	enqueue(arg, PEER_HCE, to, m);
}

static void
pfe_send(void *arg, enum hs_peer to, const struct msg *m)
{
	enqueue(arg, PEER_PFE, to, m);
}

static void
check_start(void *arg, const struct check_request *req)
{
	struct world	*w = arg;
	size_t		 i;

	for (i = 0; i < w->nchecks; i++)
		assert_int_not_equal(w->checks[i].host_id, req->host_id);
	assert_true(w->nchecks < MAX_INFLIGHT);
	w->checks[w->nchecks].host_id = req->host_id;
	w->checks[w->nchecks].seq = req->seq;
	w->nchecks++;
}

static void
check_cancel(void *arg, uint32_t host_id, uint64_t seq)
{
	struct world	*w = arg;
	size_t		 i;

	for (i = 0; i < w->nchecks; i++)
		if (w->checks[i].host_id == host_id &&
		    w->checks[i].seq == seq) {
			w->checks[i] = w->checks[--w->nchecks];
			return;
		}
	fail_msg("cancel of a check not in flight: host %u", host_id);
}

static int
table_replace(void *arg, const struct service_conf *s,
    const struct l3_table *lt, struct buf *err)
{
	struct world	*w = arg;
	size_t		 i;

	assert_true(lt->nhosts <= 16);
	assert_true(w->installed[s->id]);
	w->nreplace++;
	for (i = 0; i < lt->nhosts; i++)
		w->addrs[s->id][i] = lt->hosts[i].addr;
	w->naddrs[s->id] = lt->nhosts;
	return 0;
}

static int
rules_add(void *arg, const struct service_conf *s,
    const struct table_conf *t, struct buf *err)
{
	struct world	*w = arg;

	assert_false(w->installed[s->id]);
	w->installed[s->id] = true;
	return 0;
}

static int
rules_remove(void *arg, const struct service_conf *s, struct buf *err)
{
	struct world	*w = arg;

	assert_true(w->installed[s->id]);
	w->installed[s->id] = false;
	w->naddrs[s->id] = 0;
	w->nremove++;
	return 0;
}

static void
deliver(struct world *w)
{
	struct msg	m;
	size_t		i;

	for (i = 0; i < w->qlen; i++) {
		assert_int_equal(msg_decode(w->q[i].wire, w->q[i].len, &m), 0);
		switch (w->q[i].to) {
		case PEER_PFE:
			assert_int_equal(pfe_dispatch(w->pfe, w->q[i].from, &m,
			    w->now), 0);
			break;
		case PEER_HCE:
			assert_int_equal(hce_dispatch(w->hce, w->q[i].from, &m,
			    w->now), 0);
			break;
		case PEER_PARENT:
			assert_int_equal(demote_dispatch(w->demote,
			    w->q[i].from, &m), 0);
			break;
		default:
			break;		/* relays: none here */
		}
	}
	w->qlen = 0;
}

/* Two services (one with a backup), a shared demote group, a relay. */
static struct config *
world_conf(bool variant)
{
	struct config	*c = tc_new();
	uint32_t	 a, b, s, r;

	c->interval_s = 1;
	a = tc_table(c, "a", 80, true, CHECK_TCP);
	(void)tc_host(c, a, "10.0.0.1", 1);
	(void)tc_host(c, a, "10.0.0.2", 0);
	(void)tc_host(c, a, variant ? "10.0.0.4" : "10.0.0.3", 2);
	b = tc_table(c, "b", 80, true, CHECK_TCP);
	(void)tc_host(c, b, "10.0.1.1", 0);
	s = tc_table(c, "sorry", 80, true, CHECK_ICMP);
	(void)tc_host(c, s, "127.0.0.1", 0);
	r = tc_table(c, "r", 8080, true, CHECK_NONE);
	(void)tc_host(c, r, "10.0.2.1", 0);
	(void)snprintf(c->tables[a].demote, HS_IFNAME_MAX, "carp");
	(void)snprintf(c->tables[b].demote, HS_IFNAME_MAX, "carp");
	(void)tc_service(c, "sa", a, s);
	(void)tc_service(c, "sb", b, HS_ID_NONE);
	(void)tc_relay(c, "rel", r, HS_ID_NONE);
	return c;
}

static void
check_invariants(struct world *w)
{
	const struct config	*c = w->cfg;
	size_t			 i, j, n;
	int32_t			 demoting = 0;

	assert_true(hce_inflight(w->hce) <= MAX_INFLIGHT);
	assert_int_equal(hce_inflight(w->hce), w->nchecks);
	for (i = 0; i < c->nhosts; i++) {
		bool off = pfe_host_disabled(w->pfe, (uint32_t)i) ||
		    pfe_table_disabled(w->pfe, c->hosts[i].table_id);

		if (c->tables[c->hosts[i].table_id].check.type == CHECK_NONE)
			continue;
		assert_int_equal(hce_host_state(w->hce, (uint32_t)i),
		    pfe_host_state(w->pfe, (uint32_t)i));
		if (off)
			assert_int_equal(pfe_host_state(w->pfe, (uint32_t)i),
			    HOST_UNKNOWN);
	}
	for (i = 0; i < c->ntables; i++) {
		const struct table_conf *t = &c->tables[i];

		for (j = 0, n = 0; j < t->nhosts; j++)
			n += pfe_host_state(w->pfe, t->host_ids[j]) == HOST_UP;
		assert_int_equal(pfe_table_up(w->pfe, (uint32_t)i),
		    pfe_table_disabled(w->pfe, (uint32_t)i) ? 0 : n);
		demoting += pfe_table_demoted(w->pfe, (uint32_t)i);
	}
	assert_int_equal(demote_count(w->demote, "carp"), demoting);
	w->ndemoted += demoting > 0;
	w->nbackup += pfe_service_active(w->pfe, 0) == c->services[0].backup_id;
	for (i = 0; i < c->nservices; i++) {
		uint32_t act = pfe_service_active(w->pfe, (uint32_t)i);

		assert_int_equal(w->installed[i],
		    pfe_service_installed(w->pfe, (uint32_t)i));
		if (act == HS_ID_NONE) {
			assert_int_equal(w->naddrs[i], 0);
			continue;
		}
		assert_true(w->installed[i]);
		for (j = 0, n = 0; j < c->tables[act].nhosts; j++) {
			uint32_t h = c->tables[act].host_ids[j];

			if (pfe_host_state(w->pfe, h) != HOST_UP)
				continue;
			assert_true(n < w->naddrs[i]);
			assert_true(addr_equal(&w->addrs[i][n++],
			    &c->hosts[h].addr));
		}
		assert_int_equal(n, w->naddrs[i]);
	}
}

static void
random_command(struct world *w)
{
	static const enum ctl_action actions[] = { CTL_HOST_DISABLE,
	    CTL_HOST_ENABLE, CTL_TABLE_DISABLE, CTL_TABLE_ENABLE,
	    CTL_SERVICE_DISABLE, CTL_SERVICE_ENABLE, CTL_POLL };
	struct ctl_request	req;
	struct buf		err;

	memset(&req, 0, sizeof(req));
	req.action = actions[rnd(w) % 7];
	req.by_id = true;
	req.id = (uint32_t)(rnd(w) % 6);
	buf_init(&err, 256);
	(void)pfe_command(w->pfe, &req, 1, &err, w->now);
	buf_free(&err);
}

static void
step(struct world *w, struct config **spare)
{
	uint64_t	r = rnd(w) % 100, d;

	if (r < 45 && w->nchecks > 0) {
		size_t			i = rnd(w) % w->nchecks;
		struct check_result	res;

		memset(&res, 0, sizeof(res));
		res.host_id = w->checks[i].host_id;
		res.seq = w->checks[i].seq;
		res.up = rnd(w) % 3 != 0;
		res.error = res.up ? HCE_TCP_CONNECT_OK :
		    HCE_TCP_CONNECT_REFUSED;
		res.detail = -1;
		w->checks[i] = w->checks[--w->nchecks];
		hce_check_done(w->hce, &res, w->now);
	} else if (r < 90) {
		if ((d = hce_next_deadline(w->hce)) != HS_TIME_NEVER &&
		    d > w->now)
			w->now = d;
		hce_run(w->hce, w->now);
	} else if (r < 99)
		random_command(w);
	else {
		struct config *old = w->cfg;

		deliver(w);	/* reload after the queues drain */
		hce_reload(w->hce, *spare, w->now);
		pfe_reload(w->pfe, *spare, w->now);
		w->cfg = *spare;
		*spare = old;
		w->nreload++;
	}
	deliver(w);
	check_invariants(w);
}

static void
test_engines_agree(void **state)
{
	static struct world	 w;
	struct hce_io		 hio = { &w, check_start, check_cancel,
				    hce_send, NULL };
	struct pfe_io		 pio = { .arg = &w, .l3_arg = &w,
				    .table_replace = table_replace,
				    .rules_add = rules_add,
				    .rules_remove = rules_remove,
				    .send = pfe_send };
	struct demote_io	 dio = { NULL, NULL, NULL, NULL };
	struct config		*spare = world_conf(true);
	int			 i;

	memset(&w, 0, sizeof(w));
	w.rng = 0x9e3779b97f4a7c15ULL;
	w.cfg = world_conf(false);
	w.hce = hce_new(w.cfg, &hio, MAX_INFLIGHT, 0);
	w.pfe = pfe_new(w.cfg, &pio, 0);
	w.demote = demote_new(&dio);
	pfe_start(w.pfe, 0);
	for (i = 0; i < STEPS; i++)
		step(&w, &spare);
	printf("%d steps, %llu ms of engine time: %u table replaces, "
	    "%u rules removed, %u steps on the backup table, %u demoted, "
	    "%u reloads\n", STEPS, (unsigned long long)w.now, w.nreplace,
	    w.nremove, w.nbackup, w.ndemoted, w.nreload);
	assert_true(w.nreplace > 0 && w.nremove > 0 && w.nbackup > 0 &&
	    w.ndemoted > 0 && w.nreload > 0);
	pfe_shutdown(w.pfe, w.now);
	deliver(&w);
	assert_int_equal(demote_count(w.demote, "carp"), 0);
	assert_false(w.installed[0] || w.installed[1]);
	hce_free(w.hce);
	pfe_free(w.pfe);
	demote_free(w.demote);
	config_free(w.cfg);
	config_free(spare);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_engines_agree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
