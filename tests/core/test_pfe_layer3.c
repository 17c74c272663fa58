/*
 * The PF engine's layer 3 against a kernel that may refuse: what it
 * asks for, when it retries, what the operator sees.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <cmocka.h>

#include "core/pfe.h"
#include "tests/core/pfe_fixture.h"
#include "tests/core/testconf.h"

/* A check result reaching the engine at t. */
static void
status_at(struct fixture *f, uint64_t t, uint32_t host, enum host_state st)
{
	tio_status_at(f->pfe, t, host, st, 1, st == HOST_UP, st == HOST_UP ?
	    HCE_TCP_CONNECT_OK : HCE_TCP_CONNECT_REFUSED);
}

static size_t
count(const char *hay, const char *needle)
{
	size_t	n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay++;
	}
	return n;
}

static char *
json_services(struct fixture *f)
{
	struct ctl_row	*rows;
	struct buf	 b;
	char		*s;
	int		 n;

	buf_init(&b, 65536);
	n = pfe_rows(f->pfe, CTL_SHOW_SERVICES, 0, &rows);
	assert_true(n >= 0);
	ctl_render_json(CTL_SHOW_SERVICES, rows, (size_t)n, 0, &b);
	s = strdup(buf_str(&b));
	free(rows);
	buf_free(&b);
	return s;
}

/*
 * A refused apply leaves the service "not installed" with its error
 * shown; it is retried after 200 ms, then 400 ms, logged once while the
 * error stays the same, and repaired (rules and table) once the kernel
 * accepts again.
 */
static void
test_refused_apply_retried_with_backoff(void **state)
{
	struct fixture	*f = fixture_new(tc_seed_simple());
	char		*json;

	f->io.l3_refuse = -1;
	status_at(f, 1000, 0, HOST_UP);
	assert_false(pfe_service_converged(f->pfe, 0));
	assert_int_equal(pfe_next_deadline(f->pfe), 1200);
	assert_show(f, CTL_SHOW_SERVICES,
	    "Type      Id    Name                            Avlblty Status\n"
	    "service    0    www                                     not installed\n"
	    "                layer 3: replacing table: Operation not permitted (1 failures)\n");
	/* while backing off, a change waits for the retry */
	status_at(f, 1100, 1, HOST_UP);
	assert_int_equal(count(buf_str(&f->io.ops), "refused"), 1);
	pfe_run(f->pfe, 1200);
	assert_int_equal(count(buf_str(&f->io.ops), "refused"), 2);
	assert_int_equal(pfe_next_deadline(f->pfe), 1600);
	assert_int_equal(count(buf_str(&f->io.log), "not installed"), 1);
	f->io.l3_refuse = 0;
	buf_reset(&f->io.ops);
	pfe_run(f->pfe, 1600);
	assert_string_equal(buf_str(&f->io.ops),
	    "add www\nreplace www webhosts 10.1.100.1 10.1.100.2\n");
	assert_true(pfe_service_converged(f->pfe, 0));
	assert_int_equal(pfe_next_deadline(f->pfe), HS_TIME_NEVER);
	assert_non_null(strstr(buf_str(&f->io.log),
	    "service www: layer 3 installed after 2 failed attempts"));
	assert_show(f, CTL_SHOW_SUMMARY,
	    "Type      Id    Name                            Avlblty Status\n"
	    "service    0    www                                     active\n"
	    "table      0    webhosts                                active (2 hosts up)\n"
	    "host       1    10.1.100.2                      100.00% up\n"
	    "host       0    10.1.100.1                      100.00% up\n");
	json = json_services(f);
	assert_non_null(strstr(json, "\"layer3\":{\"rules\":true,\"hosts\":2,"
	    "\"failures\":2,\"error\":null}"));
	free(json);
	fixture_free(f);
}

/* The error is in the JSON output while the service is not installed. */
static void
test_refused_apply_in_json(void **state)
{
	struct fixture	*f = fixture_new(tc_seed_simple());
	char		*json;

	f->io.l3_refuse = -1;
	status_at(f, 0, 0, HOST_UP);
	json = json_services(f);
	assert_non_null(strstr(json, "\"status\":\"not installed\","
	    "\"layer3\":{\"rules\":false,\"hosts\":0,\"failures\":1,"
	    "\"error\":\"replacing table: Operation not permitted\"}"));
	free(json);
	fixture_free(f);
}

/*
 * Refused at t0, again 200 ms later, then twice with another error:
 * four refusals, two log lines (the first and the change).
 */
static void
refused_then_other_error(struct fixture *f, uint64_t t0, const char *op,
    const char *line, const char *other_line)
{
	pfe_run(f->pfe, t0 + 200);
	f->io.l3_why = "Device or resource busy";
	pfe_run(f->pfe, t0 + 600);
	pfe_run(f->pfe, t0 + 1400);
	assert_int_equal(count(buf_str(&f->io.ops), op), 4);
	assert_int_equal(count(buf_str(&f->io.log), line), 2);
	assert_int_equal(count(buf_str(&f->io.log), other_line), 1);
}

/* A refusal is logged again only when its error changes. */
static void
test_refusal_logged_per_change(void **state)
{
	struct fixture	*f = fixture_new(tc_seed_simple());

	f->io.l3_refuse = -1;
	status_at(f, 1000, 0, HOST_UP);
	refused_then_other_error(f, 1000, "refused", "not installed",
	    "not installed: adding rules: Device or resource busy");
	fixture_free(f);
}

/* The same for the start: once per error, not once per retry. */
static void
test_refused_init_logged_per_change(void **state)
{
	struct fixture	*f = fixture_new_refusing(tc_seed_simple(), -1);

	refused_then_other_error(f, 0, "refused init", "cannot start",
	    "cannot start: Device or resource busy");
	fixture_free(f);
}

/* Backoff doubles up to its bound. */
static void
test_retry_delays(void **state)
{
	assert_int_equal(l3_retry_delay(1), L3_RETRY_FIRST_MS);
	assert_int_equal(l3_retry_delay(2), 2 * L3_RETRY_FIRST_MS);
	assert_int_equal(l3_retry_delay(3), 4 * L3_RETRY_FIRST_MS);
	assert_int_equal(l3_retry_delay(40), L3_RETRY_MAX_MS);
}

/* Nothing is installed before what an earlier run left is removed. */
static void
test_refused_init_installs_nothing(void **state)
{
	struct fixture	*f = fixture_new_refusing(tc_seed_simple(), 1);

	assert_string_equal(buf_str(&f->io.ops), "refused init -\n");
	status_at(f, 50, 0, HOST_UP);
	assert_string_equal(buf_str(&f->io.ops), "refused init -\n");
	assert_show(f, CTL_SHOW_SERVICES,
	    "Type      Id    Name                            Avlblty Status\n"
	    "service    0    www                                     not installed\n"
	    "                layer 3: starting: Operation not permitted\n");
	assert_int_equal(pfe_next_deadline(f->pfe), 200);
	pfe_run(f->pfe, 200);
	assert_string_equal(buf_str(&f->io.ops), "refused init -\ninit\n"
	    "add www\nreplace www webhosts 10.1.100.1\n");
	fixture_free(f);
}

/* A host monitor without services never touches the packet filter. */
static void
test_no_services_no_layer3(void **state)
{
	struct config	*c = tc_new();
	struct fixture	*f;
	uint32_t	 t;

	t = tc_table(c, "web", 80, true, CHECK_TCP);
	(void)tc_host(c, t, "10.0.0.1", 0);
	f = fixture_new(c);
	status_at(f, 0, 0, HOST_UP);
	pfe_shutdown(f->pfe, 10);
	assert_int_equal(f->io.nops, 0);
	fixture_free(f);
}

/* Shutdown: one flush removes everything of ours. */
static void
test_shutdown_flushes(void **state)
{
	struct fixture	*f = fixture_new(tc_seed_simple());

	status_at(f, 0, 0, HOST_UP);
	buf_reset(&f->io.ops);
	pfe_shutdown(f->pfe, 10);
	assert_string_equal(buf_str(&f->io.ops), "flush\n");
	assert_false(pfe_service_installed(f->pfe, 0));
	assert_non_null(strstr(buf_str(&f->io.events),
	    "service www (id 0): rules removed\n"));
	fixture_free(f);
}

/* Once its rules are gone, a service is no longer shown active. */
static void
test_no_rules_never_active(void **state)
{
	struct fixture	*f = fixture_new(tc_seed_simple());

	status_at(f, 0, 0, HOST_UP);
	pfe_shutdown(f->pfe, 10);
	assert_show(f, CTL_SHOW_SUMMARY,
	    "Type      Id    Name                            Avlblty Status\n"
	    "service    0    www                                     not installed\n"
	    "table      0    webhosts                                active (1 hosts up)\n"
	    "host       1    10.1.100.2                              unknown\n"
	    "host       0    10.1.100.1                      100.00% up\n");
	fixture_free(f);
}

/*
 * Rules removed behind the engine's back are found when it looks: the
 * service is installed again, and the loss logged and counted.
 */
static void
test_lost_rules_reinstalled(void **state)
{
	struct fixture	*f = fixture_new(tc_seed_simple());
	char		*json;

	status_at(f, 0, 0, HOST_UP);
	buf_reset(&f->io.ops);
	pfe_verify(f->pfe, 10);
	assert_string_equal(buf_str(&f->io.ops), "check www\n");
	f->io.l3_lost = true;
	buf_reset(&f->io.ops);
	pfe_verify(f->pfe, 20);
	assert_string_equal(buf_str(&f->io.ops),
	    "lost www\nadd www\nreplace www webhosts 10.1.100.1\n");
	assert_non_null(strstr(buf_str(&f->io.log), "service www: rules "
	    "gone from the kernel: No such file or directory"));
	json = json_services(f);
	assert_non_null(strstr(json, "\"status\":\"active\",\"layer3\":"
	    "{\"rules\":true,\"hosts\":1,\"failures\":1,\"error\":null}"));
	free(json);
	fixture_free(f);
}

/* Found gone while the kernel refuses: not installed, until repaired. */
static void
test_lost_rules_refused(void **state)
{
	struct fixture	*f = fixture_new(tc_seed_simple());

	status_at(f, 0, 0, HOST_UP);
	f->io.l3_lost = true;
	f->io.l3_refuse = 1;
	pfe_verify(f->pfe, 1000);
	assert_show(f, CTL_SHOW_SUMMARY,
	    "Type      Id    Name                            Avlblty Status\n"
	    "service    0    www                                     not installed\n"
	    "table      0    webhosts                                active (1 hosts up)\n"
	    "host       1    10.1.100.2                              unknown\n"
	    "host       0    10.1.100.1                      100.00% up\n");
	buf_reset(&f->io.ops);
	pfe_run(f->pfe, 1200);
	assert_string_equal(buf_str(&f->io.ops),
	    "add www\nreplace www webhosts 10.1.100.1\n");
	assert_true(pfe_service_converged(f->pfe, 0));
	fixture_free(f);
}

/*
 * The backend gets each host's address, port and weight; a sticky
 * service also learns which hosts left, so their bindings can go.
 */
static void
test_host_identity_and_gone(void **state)
{
	struct config	*c = tc_new();
	struct fixture	*f;
	uint32_t	 t, h;

	t = tc_table(c, "web", 8080, true, CHECK_TCP);
	h = tc_host(c, t, "10.0.0.1", 0);
	c->hosts[h].weight = 3;
	(void)tc_host(c, t, "10.0.0.2", 0);
	h = tc_service(c, "www", t, HS_ID_NONE);
	c->services[h].sticky = true;
	f = fixture_new(c);
	status_at(f, 0, 0, HOST_UP);
	status_at(f, 0, 1, HOST_UP);
	status_at(f, 0, 0, HOST_DOWN);
	assert_string_equal(buf_str(&f->io.ops), "init\nadd www\n"
	    "replace www web 10.0.0.1*3\n"
	    "replace www web 10.0.0.1*3 10.0.0.2\n"
	    "replace www web 10.0.0.2 -10.0.0.1\n");
	fixture_free(f);
}

/* A backup table on another port needs rules towards that port. */
static void
test_backup_on_other_port_reinstalls_rules(void **state)
{
	struct config	*c = tc_new();
	struct fixture	*f;
	uint32_t	 a, b;

	a = tc_table(c, "web", 80, true, CHECK_TCP);
	(void)tc_host(c, a, "10.0.0.1", 0);
	b = tc_table(c, "sorry", 8080, true, CHECK_TCP);
	(void)tc_host(c, b, "10.0.9.1", 0);
	(void)tc_service(c, "www", a, b);
	f = fixture_new(c);
	status_at(f, 0, 0, HOST_UP);
	status_at(f, 0, 1, HOST_UP);
	buf_reset(&f->io.ops);
	status_at(f, 0, 0, HOST_DOWN);
	assert_string_equal(buf_str(&f->io.ops),
	    "add www\nreplace www sorry 10.0.9.1\n");
	fixture_free(f);
}

static struct config *
one_service(const char *vip, bool second)
{
	struct config	*c = tc_new();
	uint32_t	 t, s;

	t = tc_table(c, "web", 80, true, CHECK_TCP);
	(void)tc_host(c, t, "10.0.0.1", 0);
	s = tc_service(c, "www", t, HS_ID_NONE);
	assert_int_equal(addr_parse(vip, &c->services[s].virts[0].addr), 0);
	c->services[s].virts[0].port = 80;
	c->services[s].nvirts = 1;
	if (second) {
		t = tc_table(c, "other", 81, true, CHECK_TCP);
		(void)tc_host(c, t, "10.0.1.1", 0);
		(void)tc_service(c, "www2", t, HS_ID_NONE);
	}
	return c;
}

/* A reload that changes a virtual host reinstalls the rules. */
static void
test_reload_changed_virtual_host(void **state)
{
	struct fixture	*f = fixture_new(one_service("192.0.2.1", false));
	struct config	*same = one_service("192.0.2.1", false);
	struct config	*moved = one_service("192.0.2.2", false);

	status_at(f, 0, 0, HOST_UP);
	buf_reset(&f->io.ops);
	pfe_reload(f->pfe, same, 0);
	config_free(f->cfg);
	f->cfg = same;
	assert_string_equal(buf_str(&f->io.ops), "");
	pfe_reload(f->pfe, moved, 0);
	config_free(f->cfg);
	f->cfg = moved;
	assert_string_equal(buf_str(&f->io.ops),
	    "add www\nreplace www web 10.0.0.1\n");
	fixture_free(f);
}

/* The rules of a service a reload drops go, later if refused now. */
static void
test_reload_dropped_service_retried(void **state)
{
	struct fixture	*f = fixture_new(one_service("192.0.2.1", true));
	struct config	*c2 = one_service("192.0.2.1", false);

	status_at(f, 0, 0, HOST_UP);
	status_at(f, 0, 1, HOST_UP);
	buf_reset(&f->io.ops);
	f->io.l3_refuse = 1;
	pfe_reload(f->pfe, c2, 1000);
	config_free(f->cfg);
	f->cfg = c2;
	assert_string_equal(buf_str(&f->io.ops), "refused remove www2\n");
	assert_int_equal(pfe_next_deadline(f->pfe), 1200);
	pfe_run(f->pfe, 1200);
	assert_string_equal(buf_str(&f->io.ops),
	    "refused remove www2\nremove www2\n");
	assert_int_equal(pfe_next_deadline(f->pfe), HS_TIME_NEVER);
	fixture_free(f);
}

/* A reload keeps the retry of a service the kernel refuses. */
static void
test_reload_keeps_pending_retry(void **state)
{
	struct fixture	*f = fixture_new(one_service("192.0.2.1", false));
	struct config	*same = one_service("192.0.2.1", false);

	f->io.l3_refuse = -1;
	status_at(f, 1000, 0, HOST_UP);
	assert_int_equal(pfe_next_deadline(f->pfe), 1200);
	pfe_reload(f->pfe, same, 1100);
	config_free(f->cfg);
	f->cfg = same;
	assert_int_equal(pfe_next_deadline(f->pfe), 1200);
	f->io.l3_refuse = 0;
	pfe_run(f->pfe, 1200);
	assert_true(pfe_service_converged(f->pfe, 0));
	assert_int_equal(pfe_next_deadline(f->pfe), HS_TIME_NEVER);
	fixture_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused_apply_retried_with_backoff),
		cmocka_unit_test(test_refused_apply_in_json),
		cmocka_unit_test(test_refusal_logged_per_change),
		cmocka_unit_test(test_refused_init_logged_per_change),
		cmocka_unit_test(test_retry_delays),
		cmocka_unit_test(test_refused_init_installs_nothing),
		cmocka_unit_test(test_no_services_no_layer3),
		cmocka_unit_test(test_shutdown_flushes),
		cmocka_unit_test(test_no_rules_never_active),
		cmocka_unit_test(test_lost_rules_reinstalled),
		cmocka_unit_test(test_lost_rules_refused),
		cmocka_unit_test(test_host_identity_and_gone),
		cmocka_unit_test(test_backup_on_other_port_reinstalls_rules),
		cmocka_unit_test(test_reload_changed_virtual_host),
		cmocka_unit_test(test_reload_dropped_service_retried),
		cmocka_unit_test(test_reload_keeps_pending_retry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
