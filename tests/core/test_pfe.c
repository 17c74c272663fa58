/* The PF engine driven directly: states, layer 3, demotion, commands. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <cmocka.h>

#include "core/demote.h"
#include "core/pfe.h"
#include "tests/core/pfe_fixture.h"
#include "tests/core/testconf.h"
#include "tests/core/testio.h"

static const char seed_sample_1[] =
"Type      Id    Name                            Avlblty Status\n"
"service    0    www                                     active\n"
"table      0    webhosts                                active (2 hosts up)\n"
"host       1    10.1.100.2                      100.00% up\n"
"host       0    10.1.100.1                      100.00% up\n";

static const char seed_sample_2[] =
"Type      Id    Name                            Avlblty Status\n"
"service    0    www                                     active (using backup table)\n"
"table      0    webhosts                                empty\n"
"host       1    10.1.1.101                      0.00%   down\n"
"host       0    10.1.1.100                      0.00%   down\n"
"table      2    sorry_server:80                         active (1 hosts up)\n"
"host       3    127.0.0.1                       100.00% up\n";

static const char seed_sample_3[] =
"Type      Id    Name                            Avlblty Status\n"
"service    0    www                                     active (using backup table)\n"
"table      2    webhosts:80                             disabled\n"
"table      3    sorry_server:80                         active (1 hosts up)\n"
"host       5    127.0.0.1                       100.00% up\n";

static void
test_seed_both_hosts_up(void **state)
{
	struct fixture	*f = fixture_new(tc_seed_simple());

	tio_status(f->pfe, 0, HOST_UP, 1, 1, HCE_HTTP_CODE_OK);
	tio_status(f->pfe, 1, HOST_UP, 1, 1, HCE_HTTP_CODE_OK);
	assert_show(f, CTL_SHOW_SUMMARY, seed_sample_1);
	fixture_free(f);
}

static void
test_seed_every_host_down_uses_backup(void **state)
{
	struct fixture	*f = fixture_new(tc_seed_backup());

	tio_status(f->pfe, 0, HOST_DOWN, 1, 0, HCE_HTTP_CODE_FAIL);
	tio_status(f->pfe, 1, HOST_DOWN, 1, 0, HCE_TCP_CONNECT_REFUSED);
	tio_status(f->pfe, 3, HOST_UP, 1, 1, HCE_ICMP_OK);
	assert_show(f, CTL_SHOW_SUMMARY, seed_sample_2);
	assert_int_equal(pfe_service_active(f->pfe, 0), 2);
	fixture_free(f);
}

static void
test_seed_table_disable(void **state)
{
	struct fixture	*f = fixture_new(tc_seed_templated());

	tio_status(f->pfe, 3, HOST_UP, 1, 1, HCE_HTTP_CODE_OK);
	tio_status(f->pfe, 4, HOST_UP, 1, 1, HCE_HTTP_CODE_OK);
	tio_status(f->pfe, 5, HOST_UP, 1, 1, HCE_ICMP_OK);
	assert_int_equal(pfe_service_active(f->pfe, 0), 2);
	assert_int_equal(ctl(f, "table disable webhosts:80"), 0);
	assert_show(f, CTL_SHOW_SUMMARY, seed_sample_3);
	assert_int_equal(pfe_service_active(f->pfe, 0), 3);
	/* and back: the main table serves again once a host is up */
	assert_int_equal(ctl(f, "table enable webhosts:80"), 0);
	assert_int_equal(pfe_service_active(f->pfe, 0), 3);
	tio_status(f->pfe, 4, HOST_UP, 1, 1, HCE_HTTP_CODE_OK);
	assert_int_equal(pfe_service_active(f->pfe, 0), 2);
	fixture_free(f);
}

/* A real-port table is printed "webhosts"; "webhosts:80" names it too. */
static void
test_real_port_table_by_name_and_port(void **state)
{
	struct fixture	*f = fixture_new(tc_seed_backup());

	assert_int_equal(ctl(f, "table disable webhosts:80"), 0);
	assert_true(pfe_table_disabled(f->pfe, 0));
	assert_int_equal(ctl(f, "table disable webhosts"), -1);
	assert_string_equal(buf_str(&f->err),
	    "table webhosts is already disabled");
	assert_int_equal(ctl(f, "table enable 0"), 0);
	assert_int_equal(ctl(f, "table disable webhosts:81"), -1);
	assert_string_equal(buf_str(&f->err), "no such table: webhosts:81");
	fixture_free(f);
}

static void
test_layer3_ops_only_on_change(void **state)
{
	struct fixture	*f = fixture_new(tc_seed_backup());
	const char	*want =
	    "init\n"
	    "add www\n"
	    "replace www webhosts 10.1.1.100\n"
	    "replace www webhosts 10.1.1.100 10.1.1.101\n"
	    "replace www webhosts 10.1.1.101\n"
	    "replace www sorry_server:80 127.0.0.1\n"
	    "replace www webhosts 10.1.1.100\n"
	    "remove www\n"
	    "add www\n"
	    "replace www sorry_server:80 127.0.0.1\n";

	tio_status(f->pfe, 0, HOST_UP, 1, 1, HCE_HTTP_CODE_OK);
	tio_status(f->pfe, 0, HOST_UP, 2, 2, HCE_HTTP_CODE_OK);
	tio_status(f->pfe, 1, HOST_UP, 1, 1, HCE_HTTP_CODE_OK);
	tio_status(f->pfe, 3, HOST_UP, 1, 1, HCE_ICMP_OK);
	tio_status(f->pfe, 0, HOST_DOWN, 3, 2, HCE_HTTP_CODE_FAIL);
	tio_status(f->pfe, 1, HOST_DOWN, 2, 1, HCE_HTTP_CODE_FAIL);
	tio_status(f->pfe, 1, HOST_DOWN, 3, 1, HCE_HTTP_CODE_FAIL);
	tio_status(f->pfe, 0, HOST_UP, 4, 3, HCE_HTTP_CODE_OK);
	tio_status(f->pfe, 3, HOST_DOWN, 2, 1, HCE_ICMP_READ_TIMEOUT);
	tio_status(f->pfe, 0, HOST_DOWN, 5, 3, HCE_HTTP_CODE_FAIL);
	tio_status(f->pfe, 1, HOST_DOWN, 4, 1, HCE_HTTP_CODE_FAIL);
	tio_status(f->pfe, 3, HOST_UP, 3, 2, HCE_ICMP_OK);
	assert_string_equal(buf_str(&f->io.ops), want);
	assert_non_null(strstr(buf_str(&f->io.events),
	    "service www (id 0): rules removed\n"));
	assert_non_null(strstr(buf_str(&f->io.events),
	    "host 10.1.1.101 (id 1): up -> down, http code mismatch, 0ms, "
	    "availability 50.00%\n"));
	fixture_free(f);
}

/* A service whose hosts have not been checked yet keeps its rules. */
static void
test_unchecked_service_keeps_rules(void **state)
{
	struct config	*c = tc_new();
	uint32_t	 a, b;
	struct fixture	*f;

	a = tc_table(c, "a", 80, true, CHECK_TCP);
	(void)tc_host(c, a, "10.0.0.1", 0);
	b = tc_table(c, "b", 80, true, CHECK_TCP);
	(void)tc_host(c, b, "10.0.1.1", 0);
	(void)tc_service(c, "sa", a, HS_ID_NONE);
	(void)tc_service(c, "sb", b, HS_ID_NONE);
	f = fixture_new(c);
	tio_status(f->pfe, 0, HOST_UP, 1, 1, HCE_TCP_CONNECT_OK);
	assert_string_equal(buf_str(&f->io.ops),
	    "init\nadd sa\nadd sb\nreplace sa a 10.0.0.1\n");
	tio_status(f->pfe, 1, HOST_DOWN, 1, 0, HCE_TCP_CONNECT_TIMEOUT);
	assert_non_null(strstr(buf_str(&f->io.ops), "remove sb\n"));
	assert_true(pfe_service_installed(f->pfe, 0));
	assert_false(pfe_service_installed(f->pfe, 1));
	fixture_free(f);
}

/* Pass the pfe's demotion requests to the parent's counters. */
static void
deliver_demotes(struct fixture *f, struct demote *d, size_t *done)
{
	for (; *done < f->io.nsent; (*done)++)
		if (f->io.sent[*done].msg.type == MSG_DEMOTE)
			assert_int_equal(demote_dispatch(d, PEER_PFE,
			    &f->io.sent[*done].msg), 0);
}

static void
test_demotion_shared_group(void **state)
{
	struct config		*c = tc_new();
	struct demote_io	 dio = { NULL, NULL, NULL, NULL };
	struct demote		*d = demote_new(&dio);
	struct fixture		*f;
	uint32_t		 a, b;
	size_t			 done = 0;

	a = tc_table(c, "a", 80, true, CHECK_TCP);
	(void)tc_host(c, a, "10.0.0.1", 0);
	b = tc_table(c, "b", 80, true, CHECK_TCP);
	(void)tc_host(c, b, "10.0.1.1", 0);
	(void)snprintf(c->tables[a].demote, HS_IFNAME_MAX, "carp");
	(void)snprintf(c->tables[b].demote, HS_IFNAME_MAX, "carp");
	(void)tc_service(c, "sa", a, HS_ID_NONE);
	f = fixture_new(c);	/* b serves no one: still checked, demotes */

	tio_status(f->pfe, 0, HOST_DOWN, 1, 0, HCE_TCP_CONNECT_TIMEOUT);
	tio_status(f->pfe, 0, HOST_DOWN, 2, 0, HCE_TCP_CONNECT_TIMEOUT);
	deliver_demotes(f, d, &done);
	assert_int_equal(demote_count(d, "carp"), 1);
	tio_status(f->pfe, 1, HOST_DOWN, 1, 0, HCE_TCP_CONNECT_TIMEOUT);
	deliver_demotes(f, d, &done);
	assert_int_equal(demote_count(d, "carp"), 2);
	tio_status(f->pfe, 0, HOST_UP, 3, 1, HCE_TCP_CONNECT_OK);
	deliver_demotes(f, d, &done);
	assert_int_equal(demote_count(d, "carp"), 1);
	assert_int_equal(ctl(f, "table disable b"), 0);
	deliver_demotes(f, d, &done);
	assert_int_equal(demote_count(d, "carp"), 0);
	assert_int_equal(ctl(f, "table enable b"), 0);	/* unknown: no */
	deliver_demotes(f, d, &done);
	assert_int_equal(demote_count(d, "carp"), 0);
	tio_status(f->pfe, 0, HOST_DOWN, 4, 1, HCE_TCP_CONNECT_TIMEOUT);
	tio_status(f->pfe, 1, HOST_DOWN, 1, 0, HCE_TCP_CONNECT_TIMEOUT);
	deliver_demotes(f, d, &done);
	assert_int_equal(demote_count(d, "carp"), 2);
	assert_true(pfe_table_demoted(f->pfe, a));
	assert_non_null(strstr(buf_str(&f->io.events), "demote carp: +1\n"));
	pfe_shutdown(f->pfe, 0);
	deliver_demotes(f, d, &done);
	assert_int_equal(demote_count(d, "carp"), 0);
	assert_int_equal(tio_count_sent(&f->io, PEER_PARENT, MSG_DEMOTE), 8);
	assert_non_null(strstr(buf_str(&f->io.ops), "remove sa\n"));
	demote_free(d);
	fixture_free(f);
}

static void
test_host_commands(void **state)
{
	struct fixture	*f = fixture_new(tc_seed_backup());
	const struct msg *m;

	tio_status(f->pfe, 0, HOST_UP, 3, 3, HCE_HTTP_CODE_OK);
	assert_int_equal(ctl(f, "host disable 10.1.1.100"), 0);
	assert_true(pfe_host_disabled(f->pfe, 0));
	assert_int_equal(pfe_host_state(f->pfe, 0), HOST_UNKNOWN);
	assert_int_equal(pfe_table_up(f->pfe, 0), 0);
	m = tio_last_sent(&f->io, PEER_HCE, MSG_HOST_DISABLE);
	assert_non_null(m);
	assert_int_equal(m->u.id.id, 0);
	/* no relay uses the table: nothing for the relay processes */
	assert_int_equal(tio_count_sent(&f->io, PEER_RELAY, MSG_RELAY_HOSTS),
	    0);
	assert_non_null(strstr(buf_str(&f->io.events),
	    "host 10.1.1.100 (id 0): disabled\n"));
	/* the other hosts are not checked yet: rules stay, table emptied */
	assert_non_null(strstr(buf_str(&f->io.ops), "replace www webhosts\n"));
	assert_null(strstr(buf_str(&f->io.ops), "remove www\n"));
	/* a late result for a disabled host is ignored */
	tio_status(f->pfe, 0, HOST_UP, 4, 4, HCE_HTTP_CODE_OK);
	assert_int_equal(pfe_host_state(f->pfe, 0), HOST_UNKNOWN);
	assert_int_equal(ctl(f, "host disable 0"), -1);
	assert_string_equal(buf_str(&f->err),
	    "host 10.1.1.100 is already disabled");
	assert_int_equal(ctl(f, "host disable 10.9.9.9"), -1);
	assert_string_equal(buf_str(&f->err), "no such host: 10.9.9.9");
	assert_int_equal(ctl(f, "host disable 2"), -1);	/* template's */
	assert_string_equal(buf_str(&f->err), "no such host: 2");
	assert_int_equal(ctl(f, "host enable 0"), 0);
	assert_false(pfe_host_disabled(f->pfe, 0));
	assert_int_equal(ctl(f, "host enable 10.1.1.100"), -1);
	assert_string_equal(buf_str(&f->err),
	    "host 10.1.1.100 is already enabled");
	fixture_free(f);
}

/* A host name in several tables: the command acts on all of them. */
static void
test_host_name_in_several_tables(void **state)
{
	struct config	*c = tc_new();
	uint32_t	 a, b;
	struct fixture	*f;

	a = tc_table(c, "a", 80, true, CHECK_TCP);
	(void)tc_host(c, a, "10.0.0.1", 0);
	b = tc_table(c, "b", 443, true, CHECK_TCP);
	(void)tc_host(c, b, "10.0.0.1", 0);
	f = fixture_new(c);
	assert_int_equal(ctl(f, "host disable 10.0.0.1"), 0);
	assert_true(pfe_host_disabled(f->pfe, 0));
	assert_true(pfe_host_disabled(f->pfe, 1));
	assert_int_equal(tio_count_sent(&f->io, PEER_HCE, MSG_HOST_DISABLE),
	    2);
	fixture_free(f);
}

/*
 * As relayd: service disable removes the rules and disables the main
 * table (the HCE stops checking it); enable enables the main and the
 * backup table, whose hosts start unknown, and the rules come back with
 * the first host up.
 */
static void
test_service_commands_and_poll(void **state)
{
	struct fixture	*f = fixture_new(tc_seed_simple());

	tio_status(f->pfe, 0, HOST_UP, 1, 1, HCE_HTTP_CODE_OK);
	buf_reset(&f->io.ops);
	assert_int_equal(ctl(f, "service disable www"), 0);
	assert_string_equal(buf_str(&f->io.ops), "remove www\n");
	assert_true(pfe_table_disabled(f->pfe, 0));
	assert_int_equal(tio_last_sent(&f->io, PEER_HCE,
	    MSG_TABLE_DISABLE)->u.id.id, 0);
	assert_non_null(strstr(buf_str(&f->io.events),
	    "service www (id 0): disabled\n"
	    "table webhosts (id 0): disabled\n"));
	assert_int_equal(ctl(f, "service disable 0"), -1);
	assert_string_equal(buf_str(&f->err), "service www is already disabled");
	assert_show(f, CTL_SHOW_SUMMARY,
	    "Type      Id    Name                            Avlblty Status\n"
	    "service    0    www                                     disabled\n");
	assert_int_equal(ctl(f, "service enable www"), 0);
	assert_false(pfe_table_disabled(f->pfe, 0));
	assert_int_equal(tio_last_sent(&f->io, PEER_HCE,
	    MSG_TABLE_ENABLE)->u.id.id, 0);
	assert_int_equal(pfe_host_state(f->pfe, 0), HOST_UNKNOWN);
	tio_status(f->pfe, 0, HOST_UP, 1, 1, HCE_HTTP_CODE_OK);
	assert_string_equal(buf_str(&f->io.ops),
	    "remove www\nadd www\nreplace www webhosts 10.1.100.1\n");
	assert_int_equal(ctl(f, "service enable nosuch"), -1);
	assert_string_equal(buf_str(&f->err), "no such service: nosuch");
	assert_int_equal(ctl(f, "table enable 7"), -1);
	assert_string_equal(buf_str(&f->err), "no such table: 7");
	assert_int_equal(ctl(f, "poll"), 0);
	assert_non_null(tio_last_sent(&f->io, PEER_HCE, MSG_POLL));
	fixture_free(f);
}

/* The declared name of a template acts on its per-port copies. */
static void
test_table_by_declared_name(void **state)
{
	struct fixture	*f = fixture_new(tc_seed_templated());

	assert_int_equal(ctl(f, "table disable webhosts"), 0);
	assert_true(pfe_table_disabled(f->pfe, 2));
	assert_int_equal(ctl(f, "table disable 0"), -1);	/* template */
	assert_string_equal(buf_str(&f->err), "no such table: 0");
	assert_non_null(tio_last_sent(&f->io, PEER_HCE, MSG_TABLE_DISABLE));
	assert_non_null(strstr(buf_str(&f->io.events),
	    "table webhosts:80 (id 2): disabled\n"));
	fixture_free(f);
}

static void
test_reload_keeps_state_and_drops_removed_hosts(void **state)
{
	struct fixture	*f = fixture_new(tc_seed_backup());
	struct config	*c2 = tc_new();
	uint32_t	 web, sorry, copy;

	web = tc_table(c2, "webhosts", 80, true, CHECK_HTTP_CODE);
	(void)tc_host(c2, web, "10.1.1.102", 0);
	(void)tc_host(c2, web, "10.1.1.100", 0);
	sorry = tc_template(c2, "sorry_server");
	(void)tc_host(c2, sorry, "127.0.0.1", 0);
	copy = tc_copy(c2, sorry, 80);
	(void)tc_service(c2, "www", web, copy);

	tio_status(f->pfe, 0, HOST_UP, 2, 2, HCE_HTTP_CODE_OK);
	tio_status(f->pfe, 1, HOST_UP, 2, 1, HCE_HTTP_CODE_OK);
	buf_reset(&f->io.ops);
	pfe_reload(f->pfe, c2, 0);
	config_free(f->cfg);
	f->cfg = c2;
	assert_int_equal(pfe_host_state(f->pfe, 1), HOST_UP);
	assert_int_equal(pfe_host_state(f->pfe, 0), HOST_UNKNOWN);
	assert_string_equal(buf_str(&f->io.ops),
	    "replace www webhosts 10.1.1.100\n");
	assert_show(f, CTL_SHOW_SUMMARY,
	    "Type      Id    Name                            Avlblty Status\n"
	    "service    0    www                                     active\n"
	    "table      0    webhosts                                active (1 hosts up)\n"
	    "host       1    10.1.1.100                      100.00% up\n"
	    "host       0    10.1.1.102                              unknown\n"
	    "table      2    sorry_server:80                         empty\n"
	    "host       3    127.0.0.1                               unknown\n");
	fixture_free(f);
}

/* A demoting table that disappears on reload releases its demotion. */
static void
test_reload_releases_demotion(void **state)
{
	struct config	*c = tc_new(), *c2 = tc_new();
	struct fixture	*f;
	uint32_t	 a;
	const struct msg *m;

	a = tc_table(c, "a", 80, true, CHECK_TCP);
	(void)tc_host(c, a, "10.0.0.1", 0);
	(void)snprintf(c->tables[a].demote, HS_IFNAME_MAX, "carp");
	a = tc_table(c2, "other", 80, true, CHECK_TCP);
	(void)tc_host(c2, a, "10.0.0.1", 0);
	f = fixture_new(c);
	tio_status(f->pfe, 0, HOST_DOWN, 1, 0, HCE_TCP_CONNECT_TIMEOUT);
	assert_int_equal(tio_count_sent(&f->io, PEER_PARENT, MSG_DEMOTE), 1);
	pfe_reload(f->pfe, c2, 0);
	config_free(f->cfg);
	f->cfg = c2;
	m = tio_last_sent(&f->io, PEER_PARENT, MSG_DEMOTE);
	assert_int_equal(tio_count_sent(&f->io, PEER_PARENT, MSG_DEMOTE), 2);
	assert_int_equal(m->u.demote.delta, -1);
	assert_string_equal(m->u.demote.group, "carp");
	fixture_free(f);
}

/* Services, then relays, then unused tables; hosts newest first. */
static void
test_row_order(void **state)
{
	struct config	*c = tc_new();
	uint32_t	 a, b, r, u;
	struct ctl_row	*rows;
	int		 n, i;
	const uint8_t	 types[] = { OBJ_SERVICE, OBJ_TABLE, OBJ_HOST,
			    OBJ_HOST, OBJ_RELAY, OBJ_TABLE, OBJ_HOST,
			    OBJ_TABLE, OBJ_HOST };
	const uint32_t	 ids[] = { 0, 0, 1, 0, 0, 1, 2, 3, 4 };

	a = tc_table(c, "a", 80, true, CHECK_TCP);
	(void)tc_host(c, a, "10.0.0.1", 0);
	(void)tc_host(c, a, "10.0.0.2", 0);
	r = tc_table(c, "r", 80, true, CHECK_NONE);
	(void)tc_host(c, r, "10.0.1.1", 0);
	b = tc_template(c, "tpl");
	(void)tc_host(c, b, "10.0.2.1", 0);
	u = tc_table(c, "unused", 22, true, CHECK_TCP);
	(void)tc_host(c, u, "10.0.3.1", 0);
	(void)tc_service(c, "s", a, HS_ID_NONE);
	(void)tc_relay(c, "rel", r, HS_ID_NONE);
	{
		struct fixture *f = fixture_new(c);

		n = pfe_rows(f->pfe, CTL_SHOW_SUMMARY, 0, &rows);
		assert_int_equal(n, 9);
		for (i = 0; i < n; i++) {
			assert_int_equal(rows[i].type, types[i]);
			assert_int_equal(rows[i].id, ids[i]);
		}
		/* an unchecked relay table counts its hosts as up */
		assert_int_equal(rows[6].status, ST_UP);
		assert_int_equal(rows[5].status, ST_TABLE_ACTIVE);
		free(rows);
		n = pfe_rows(f->pfe, CTL_SHOW_TABLES, 0, &rows);
		assert_int_equal(n, 3);
		assert_int_equal(rows[2].id, 3);
		free(rows);
		n = pfe_rows(f->pfe, CTL_SHOW_RELAYS, 0, &rows);
		assert_int_equal(n, 1);
		assert_int_equal(rows[0].type, OBJ_RELAY);
		free(rows);
		fixture_free(f);
	}
}

static void
test_show_hosts_details(void **state)
{
	struct fixture	*f = fixture_new(tc_seed_simple());
	struct msg	 m;

	memset(&m, 0, sizeof(m));
	m.type = MSG_HOST_STATUS;
	m.u.host_status.host_id = 0;
	m.u.host_status.state = HOST_DOWN;
	m.u.host_status.error = HCE_TCP_CONNECT_REFUSED;
	m.u.host_status.check_cnt = 3;
	m.u.host_status.up_cnt = 2;
	assert_int_equal(pfe_dispatch(f->pfe, PEER_HCE, &m, 0), 0);
	m.u.host_status.host_id = 1;
	m.u.host_status.state = HOST_UP;
	m.u.host_status.error = HCE_HTTP_CODE_OK;
	m.u.host_status.retry_cnt = 2;
	assert_int_equal(pfe_dispatch(f->pfe, PEER_HCE, &m, 0), 0);
	assert_show(f, CTL_SHOW_HOSTS,
	    "Type      Id    Name                            Avlblty Status\n"
	    "service    0    www                                     active\n"
	    "table      0    webhosts                                active (1 hosts up)\n"
	    "host       1    10.1.100.2                      66.67%  up\n"
	    "                total: 2/3 checks, 2 retries\n"
	    "host       0    10.1.100.1                      66.67%  down\n"
	    "                total: 2/3 checks, error: tcp connect refused\n");
	m.u.host_status.host_id = 9;
	assert_int_equal(pfe_dispatch(f->pfe, PEER_HCE, &m, 0), -1);
	m.u.host_status.host_id = 0;
	assert_int_equal(pfe_dispatch(f->pfe, PEER_RELAY, &m, 0), -1);
	fixture_free(f);
}

/* show hosts of the seed's table, host 1 in status (no counts). */
static void
assert_counts_shown(struct fixture *f, const char *status)
{
	char	want[1024];

	(void)snprintf(want, sizeof(want),
	    "Type      Id    Name                            Avlblty Status\n"
	    "service    0    www                                     active\n"
	    "table      0    webhosts                                active (1 hosts up)\n"
	    "host       1    10.1.100.2                              %s\n"
	    "host       0    10.1.100.1                      75.00%%  up\n"
	    "                total: 3/4 checks\n", status);
	assert_show(f, CTL_SHOW_HOSTS, want);
}

/*
 * Batched counters update what show hosts prints, except for a host
 * the operator reset since (disabled, or enabled and still unknown).
 */
static void
test_counters_batch(void **state)
{
	struct fixture	*f = fixture_new(tc_seed_simple());
	struct msg	 m;

	tio_status(f->pfe, 0, HOST_UP, 1, 1, HCE_HTTP_CODE_OK);
	tio_status(f->pfe, 1, HOST_UP, 1, 1, HCE_HTTP_CODE_OK);
	memset(&m, 0, sizeof(m));
	m.type = MSG_HOST_COUNTERS;
	m.gen = pfe_gen(f->pfe);
	m.u.host_counters.n = 2;
	m.u.host_counters.e[0] = (struct msg_counters){ 0, 4, 3, 2,
	    { { 0, 4 }, 8 } };
	m.u.host_counters.e[1] = (struct msg_counters){ 1, 4, 4, 2,
	    { { 0, 4 }, 8 } };
	assert_int_equal(ctl(f, "host disable 1"), 0);
	assert_int_equal(pfe_dispatch(f->pfe, PEER_HCE, &m, 0), 0);
	assert_counts_shown(f, "disabled");
	assert_int_equal(ctl(f, "host enable 1"), 0);
	assert_int_equal(pfe_dispatch(f->pfe, PEER_HCE, &m, 0), 0);
	assert_counts_shown(f, "unknown");
	/* another configuration's batch is refused, never applied */
	m.gen++;
	m.u.host_counters.e[0].check_cnt = 9;
	assert_int_equal(pfe_dispatch(f->pfe, PEER_HCE, &m, 0), 0);
	assert_counts_shown(f, "unknown");
	m.gen--;
	m.u.host_counters.e[1].host_id = 9;
	assert_int_equal(pfe_dispatch(f->pfe, PEER_HCE, &m, 0), -1);
	fixture_free(f);
}

/* Neither table has a host up: the service is down and its rules go. */
static void
test_service_down_and_backup_disabled(void **state)
{
	struct fixture	*f = fixture_new(tc_seed_backup());

	tio_status(f->pfe, 3, HOST_UP, 1, 1, HCE_ICMP_OK);
	tio_status(f->pfe, 0, HOST_DOWN, 1, 0, HCE_HTTP_CODE_FAIL);
	tio_status(f->pfe, 1, HOST_DOWN, 1, 0, HCE_HTTP_CODE_FAIL);
	assert_int_equal(pfe_service_active(f->pfe, 0), 2);
	assert_int_equal(ctl(f, "table disable sorry_server:80"), 0);
	assert_int_equal(pfe_service_active(f->pfe, 0), HS_ID_NONE);
	assert_false(pfe_service_installed(f->pfe, 0));
	assert_show(f, CTL_SHOW_SUMMARY,
	    "Type      Id    Name                            Avlblty Status\n"
	    "service    0    www                                     down\n"
	    "table      0    webhosts                                empty\n"
	    "host       1    10.1.1.101                      0.00%   down\n"
	    "host       0    10.1.1.100                      0.00%   down\n"
	    "table      2    sorry_server:80                         disabled\n");
	assert_string_equal(buf_str(&f->io.ops),
	    "init\nadd www\nreplace www sorry_server:80 127.0.0.1\n"
	    "remove www\n");
	assert_show(f, CTL_SHOW_SERVICES,
	    "Type      Id    Name                            Avlblty Status\n"
	    "service    0    www                                     down\n");
	fixture_free(f);
}

/* A relay shows its table and backup table; a disabled relay says so. */
/* Relay process proc (from 1) switched: these relays listen. */
static void
relay_ready(struct fixture *f, uint32_t proc, uint8_t listening)
{
	struct msg	m;

	memset(&m, 0, sizeof(m));
	m.type = MSG_RELAY_READY;
	m.peerid = proc;
	m.u.relay_ready.nrelays = (uint32_t)f->cfg->nrelays;
	m.u.relay_ready.listening[0] = listening;
	assert_int_equal(pfe_dispatch(f->pfe, PEER_RELAY, &m, 0), 0);
}

static const char *
relay_status(struct fixture *f)
{
	static char	 st[64];
	struct ctl_row	*rows;

	assert_int_equal(pfe_rows(f->pfe, CTL_SHOW_RELAYS, 0, &rows), 1);
	(void)ctl_status_str(&rows[0], st, sizeof(st));
	free(rows);
	return st;
}

/* The entry of host id in the last MSG_RELAY_HOSTS to the relays. */
static const struct msg_relay_host *
relay_entry(struct fixture *f, uint32_t id)
{
	const struct msg	*m;
	uint32_t		 i;

	m = tio_last_sent(&f->io, PEER_RELAY, MSG_RELAY_HOSTS);
	assert_non_null(m);
	for (i = 0; i < m->u.relay_hosts.n; i++)
		if (m->u.relay_hosts.v[i].host_id == id)
			return &m->u.relay_hosts.v[i];
	return NULL;
}

/*
 * The relay processes get each change of a relay table's hosts (state,
 * host or table disabled) once, every host when one says it switched
 * and when the PFE switches; a relay is active only while every relay
 * process listens for it.
 */
static void
test_relay_host_states(void **state)
{
	struct config			*c = tc_new();
	const struct msg_relay_host	*e;
	const struct msg		*m;
	uint32_t			 a, b;
	struct fixture			*f;
	size_t				 sent;

	a = tc_table(c, "web", 80, true, CHECK_TCP);
	(void)tc_host(c, a, "10.0.0.1", 0);
	(void)tc_host(c, a, "10.0.0.2", 0);
	b = tc_table(c, "mon", 80, true, CHECK_TCP);
	(void)tc_host(c, b, "10.0.9.1", 0);
	(void)tc_relay(c, "r", a, HS_ID_NONE);
	f = fixture_new(c);
	pfe_set_relay_procs(f->pfe, 2);
	tio_status(f->pfe, 0, HOST_UP, 1, 1, HCE_TCP_CONNECT_OK);
	assert_non_null(e = relay_entry(f, 0));
	assert_int_equal(e->state, HOST_UP);
	assert_int_equal(e->flags, 0);
	sent = tio_count_sent(&f->io, PEER_RELAY, MSG_RELAY_HOSTS);
	tio_status(f->pfe, 0, HOST_UP, 2, 2, HCE_TCP_CONNECT_OK);
	tio_status(f->pfe, 2, HOST_DOWN, 1, 0, HCE_TCP_CONNECT_REFUSED);
	assert_int_equal(tio_count_sent(&f->io, PEER_RELAY, MSG_RELAY_HOSTS),
	    sent);		/* no change, and a table no relay uses */
	assert_int_equal(ctl(f, "host disable 10.0.0.2"), 0);
	assert_non_null(e = relay_entry(f, 1));
	assert_int_equal(e->flags, RELAY_HOST_DISABLED);
	assert_int_equal(ctl(f, "table disable web"), 0);
	assert_non_null(e = relay_entry(f, 0));
	assert_int_equal(e->state, HOST_UNKNOWN);
	assert_int_equal(e->flags, RELAY_HOST_TABLE_DISABLED);

	relay_ready(f, 2, 0x01);
	m = tio_last_sent(&f->io, PEER_RELAY, MSG_RELAY_HOSTS);
	assert_int_equal(m->peerid, 2);		/* to that process only */
	assert_int_equal(m->u.relay_hosts.n, 2);	/* web's hosts only */
	assert_show(f, CTL_SHOW_RELAYS,
	    "Type      Id    Name                            Avlblty Status\n"
	    "relay      0    r                                       down\n"
	    "                sessions: 0 active, 0 total, bytes: 0 in, 0 out, 0 connect failures, 0 errors\n");
	relay_ready(f, 1, 0x01);
	assert_string_equal(relay_status(f), "active");
	relay_ready(f, 1, 0x00);
	assert_string_equal(relay_status(f), "down");
	fixture_free(f);
}

/* A table a relay's match rule forwards to is a relay table too. */
static void
test_relay_route_table_states(void **state)
{
	struct config		*c = tc_new();
	struct protocol_conf	*pr;
	const struct msg_relay_host *e;
	uint32_t		 a, b, rid;
	struct fixture		*f;

	a = tc_table(c, "web", 80, true, CHECK_TCP);
	(void)tc_host(c, a, "10.0.0.1", 0);
	b = tc_table(c, "api", 80, true, CHECK_TCP);
	(void)tc_host(c, b, "10.0.9.1", 0);
	rid = tc_relay(c, "r", a, HS_ID_NONE);
	c->protocols = calloc(1, sizeof(*c->protocols));
	pr = &c->protocols[0];
	c->nprotocols = 1;
	pr->type = PROTO_HTTP;
	pr->routes = calloc(1, sizeof(*pr->routes));
	pr->nroutes = 1;
	c->relays[rid].protocol_id = 0;
	c->relays[rid].route_table[0] = b;
	f = fixture_new(c);
	pfe_set_relay_procs(f->pfe, 1);
	tio_status(f->pfe, 1, HOST_UP, 1, 1, HCE_TCP_CONNECT_OK);
	assert_non_null(e = relay_entry(f, 1));
	assert_int_equal(e->state, HOST_UP);
	fixture_free(f);
}

static void
test_relay_rows(void **state)
{
	struct config	*c = tc_new();
	uint32_t	 a, b;
	struct fixture	*f;

	a = tc_table(c, "web", 80, true, CHECK_TCP);
	(void)tc_host(c, a, "10.0.0.1", 0);
	b = tc_table(c, "sorry", 80, true, CHECK_TCP);
	(void)tc_host(c, b, "10.0.9.1", 0);
	(void)tc_relay(c, "wwwssl", a, b);
	(void)tc_relay(c, "off", HS_ID_NONE, HS_ID_NONE);
	c->relays[1].disabled = true;
	f = fixture_new(c);
	pfe_set_relay_procs(f->pfe, 1);
	tio_status(f->pfe, 1, HOST_UP, 1, 1, HCE_TCP_CONNECT_OK);
	relay_ready(f, 1, 0x01);
	assert_show(f, CTL_SHOW_SUMMARY,
	    "Type      Id    Name                            Avlblty Status\n"
	    "relay      0    wwwssl                                  active\n"
	    "table      0    web                                     empty\n"
	    "host       0    10.0.0.1                                unknown\n"
	    "table      1    sorry                                   active (1 hosts up)\n"
	    "host       1    10.0.9.1                        100.00% up\n"
	    "relay      1    off                                     disabled\n");
	assert_int_equal(f->io.nops, 0);	/* relays have no layer 3 */
	fixture_free(f);
}

/*
 * A command is answered when the HCE has applied it: "command
 * succeeded" if it met the same configuration, a failure line if a
 * reload came between.
 */
static void
test_command_answered_by_the_hce(void **state)
{
	struct fixture	*f = fixture_new(tc_seed_simple());
	const struct msg *end;
	struct msg	 m;

	assert_int_equal(ctl(f, "host disable 10.1.100.1"), 0);
	assert_string_equal(buf_str(&f->io.replies), "");
	end = tio_last_sent(&f->io, PEER_HCE, MSG_CMD_END);
	assert_non_null(end);
	assert_int_equal(end->peerid, 1);
	assert_int_equal(f->io.sent[f->io.nsent - 1].msg.type, MSG_CMD_END);
	memset(&m, 0, sizeof(m));
	m.type = MSG_CMD_DONE;
	m.peerid = 1;
	assert_int_equal(pfe_dispatch(f->pfe, PEER_HCE, &m, 0), 0);
	m.peerid = 2;
	m.gen = 5;		/* the hce runs 5, the command was 0 */
	assert_int_equal(pfe_dispatch(f->pfe, PEER_HCE, &m, 0), 0);
	assert_string_equal(buf_str(&f->io.replies), "1 ok\n"
	    "2 failed: the configuration was reloaded while the command was "
	    "on its way (generation 0, now 5): not applied, try again\n");
	assert_int_equal(pfe_dispatch(f->pfe, PEER_PARENT, &m, 0), -1);
	fixture_free(f);
}

/* A host status of another configuration is refused, not applied. */
static void
test_status_of_other_generation_refused(void **state)
{
	struct fixture	*f = fixture_new(tc_seed_simple());
	struct msg	 m;

	memset(&m, 0, sizeof(m));
	m.type = MSG_HOST_STATUS;
	m.gen = 7;
	m.u.host_status.host_id = 0;
	m.u.host_status.state = HOST_UP;
	m.u.host_status.error = HCE_HTTP_CODE_OK;
	assert_int_equal(pfe_dispatch(f->pfe, PEER_HCE, &m, 0), 0);
	assert_int_equal(pfe_host_state(f->pfe, 0), HOST_UNKNOWN);
	assert_non_null(strstr(buf_str(&f->io.log), "pfe: status of host 0 "
	    "of configuration 7 refused: configuration 0 is running"));
	fixture_free(f);
}

/* A reload's success is told once the PFE has switched to it. */
static void
test_reload_answer_waits_for_the_switch(void **state)
{
	struct fixture	*f = fixture_new(tc_seed_simple());
	struct config	*c2 = tc_seed_simple();
	struct msg	 m;

	c2->gen = 2;
	memset(&m, 0, sizeof(m));
	m.type = MSG_RELOAD_RESULT;
	m.peerid = 4;
	m.gen = 2;
	m.u.text.ok = 1;
	assert_int_equal(pfe_dispatch(f->pfe, PEER_PARENT, &m, 0), 0);
	assert_string_equal(buf_str(&f->io.replies), "");
	assert_int_equal(pfe_reload(f->pfe, c2, 0), 0);
	assert_string_equal(buf_str(&f->io.replies), "4 ok\n");
	config_free(f->cfg);
	f->cfg = c2;
	/* a failure is told at once, and monitors see it */
	m.u.text.ok = 0;
	m.gen = 3;
	m.u.text.len = (uint32_t)snprintf(m.u.text.text,
	    sizeof(m.u.text.text), "x.conf:3: syntax error\nx.conf:4: more");
	assert_int_equal(pfe_dispatch(f->pfe, PEER_PARENT, &m, 0), 0);
	assert_non_null(strstr(buf_str(&f->io.replies),
	    "4 failed: x.conf:3: syntax error\nx.conf:4: more\n"));
	assert_non_null(strstr(buf_str(&f->io.events),
	    "reload failed: x.conf:3: syntax error\n"));
	fixture_free(f);
}

/* Monitors see every command that changes or tries to change state. */
static void
test_commands_are_events(void **state)
{
	struct fixture		*f = fixture_new(tc_seed_simple());
	struct ctl_request	 req;

	buf_reset(&f->io.events);
	assert_int_equal(ctl(f, "poll"), 0);
	assert_int_equal(ctl(f, "host disable nosuch"), -1);
	memset(&req, 0, sizeof(req));
	req.action = CTL_LOG_VERBOSE;
	pfe_command_event(f->pfe, &req, NULL, 0);
	req.action = CTL_RELOAD;
	pfe_command_event(f->pfe, &req, "permission denied", 0);
	assert_string_equal(buf_str(&f->io.events),
	    "poll: checking every host now\n"
	    "host disable failed: no such host: nosuch\n"
	    "log: verbose\n"
	    "reload failed: permission denied\n");
	fixture_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_both_hosts_up),
		cmocka_unit_test(test_seed_every_host_down_uses_backup),
		cmocka_unit_test(test_seed_table_disable),
		cmocka_unit_test(test_real_port_table_by_name_and_port),
		cmocka_unit_test(test_layer3_ops_only_on_change),
		cmocka_unit_test(test_unchecked_service_keeps_rules),
		cmocka_unit_test(test_demotion_shared_group),
		cmocka_unit_test(test_host_commands),
		cmocka_unit_test(test_host_name_in_several_tables),
		cmocka_unit_test(test_service_commands_and_poll),
		cmocka_unit_test(test_table_by_declared_name),
		cmocka_unit_test(test_reload_keeps_state_and_drops_removed_hosts),
		cmocka_unit_test(test_reload_releases_demotion),
		cmocka_unit_test(test_row_order),
		cmocka_unit_test(test_show_hosts_details),
		cmocka_unit_test(test_counters_batch),
		cmocka_unit_test(test_service_down_and_backup_disabled),
		cmocka_unit_test(test_relay_rows),
		cmocka_unit_test(test_command_answered_by_the_hce),
		cmocka_unit_test(test_status_of_other_generation_refused),
		cmocka_unit_test(test_reload_answer_waits_for_the_switch),
		cmocka_unit_test(test_commands_are_events),
		cmocka_unit_test(test_relay_host_states),
		cmocka_unit_test(test_relay_route_table_states),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
