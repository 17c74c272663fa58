/*
 * A reload that runs out of memory, at every allocation it makes: the
 * engine says so and runs on with the configuration it had, untouched
 * (checks in flight, states, counters), so that its caller keeps that
 * configuration alive.  Allocation fails through the linker's --wrap.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <cmocka.h>

#include "core/hce.h"
#include "core/pfe.h"
#include "tests/core/testconf.h"
#include "tests/core/testio.h"

void	*__real_calloc(size_t, size_t);
void	*__real_malloc(size_t);
void	*__real_reallocarray(void *, size_t, size_t);
void	*__wrap_calloc(size_t, size_t);
void	*__wrap_malloc(size_t);
void	*__wrap_reallocarray(void *, size_t, size_t);

/* Allocations still allowed before one fails; -1: none fails. */
static long	allowed = -1;

static bool
allocation_fails(void)
{
	if (allowed < 0)
		return false;
	if (allowed == 0) {
		allowed = -1;
		return true;
	}
	allowed--;
	return false;
}

void *
__wrap_calloc(size_t n, size_t size)
{
	return allocation_fails() ? NULL : __real_calloc(n, size);
}

void *
__wrap_malloc(size_t size)
{
	return allocation_fails() ? NULL : __real_malloc(size);
}

void *
__wrap_reallocarray(void *p, size_t n, size_t size)
{
	return allocation_fails() ? NULL : __real_reallocarray(p, n, size);
}

/* Two tables; the second configuration drops one host and adds two. */
static struct config *
conf(bool second)
{
	struct config	*c = tc_new();
	uint32_t	 a, b;

	c->gen = second ? 2 : 1;
	c->interval_s = 1;
	a = tc_table(c, "a", 80, true, CHECK_TCP);
	(void)tc_host(c, a, "10.0.0.1", 0);
	(void)tc_host(c, a, second ? "10.0.0.4" : "10.0.0.2", 0);
	b = tc_table(c, "b", 80, true, CHECK_TCP);
	(void)tc_host(c, b, "10.0.1.1", 0);
	if (second)
		(void)tc_host(c, b, "10.0.1.2", 0);
	(void)tc_service(c, "s", a, b);
	return c;
}

static void
test_hce_reload_out_of_memory(void **state)
{
	struct tio	 io;
	struct hce_io	 hio;
	struct config	*c1 = conf(false), *c2 = conf(true);
	struct hce	*hce;
	long		 k;
	uint32_t	 inflight;

	tio_init(&io);
	tio_hce_io(&io, &hio);
	hce = hce_new(c1, &hio, 0, 0);
	assert_non_null(hce);
	tio_run_hce(&io, hce, 5);	/* first checks spread over 3 ms */
	tio_report(&io, hce, 0, true, HCE_TCP_CONNECT_OK, 1);
	tio_report(&io, hce, 2, false, HCE_TCP_CONNECT_REFUSED, 1);
	inflight = hce_inflight(hce);
	assert_int_equal(inflight, 1);	/* host 1 still checking */
	for (k = 0;; k++) {
		allowed = k;
		if (hce_reload(hce, c2, 500) == 0)
			break;
		allowed = -1;
		/* nothing changed: same generation, states, check in flight */
		assert_int_equal(hce_gen(hce), 1);
		assert_int_equal(hce_host_state(hce, 0), HOST_UP);
		assert_int_equal(hce_host_state(hce, 2), HOST_DOWN);
		assert_int_equal(hce_inflight(hce), inflight);
		assert_true(hce_host_inflight(hce, 1));
		assert_int_equal(io.ncancels, 0);
		assert_non_null(strstr(buf_str(&io.log),
		    "hce: reload failed: out of memory"));
	}
	allowed = -1;
	printf("hce: %ld allocations failed one by one, then it switched\n",
	    k);
	assert_true(k >= 2);
	/* the caller frees the old configuration only now */
	config_free(c1);
	assert_int_equal(hce_gen(hce), 2);
	assert_int_equal(hce_host_state(hce, 0), HOST_UP);	/* carried */
	assert_int_equal(hce_host_state(hce, 2), HOST_DOWN);
	tio_run_hce(&io, hce, 2000);
	hce_free(hce);
	config_free(c2);
	tio_free(&io);
}

static void
status(struct pfe *p, uint32_t gen, uint32_t id, enum host_state st)
{
	struct msg	m;

	memset(&m, 0, sizeof(m));
	m.type = MSG_HOST_STATUS;
	m.gen = gen;
	m.u.host_status.host_id = id;
	m.u.host_status.state = (uint8_t)st;
	m.u.host_status.error = st == HOST_UP ? HCE_TCP_CONNECT_OK :
	    HCE_TCP_CONNECT_REFUSED;
	m.u.host_status.check_cnt = 1;
	m.u.host_status.up_cnt = st == HOST_UP;
	m.u.host_status.detail = -1;
	assert_int_equal(pfe_dispatch(p, PEER_HCE, &m, 0), 0);
}

static void
test_pfe_reload_out_of_memory(void **state)
{
	struct tio	 io;
	struct pfe_io	 pio;
	struct config	*c1 = conf(false), *c2 = conf(true);
	struct pfe	*pfe;
	char		*before;
	long		 k;

	tio_init(&io);
	tio_pfe_io(&io, &pio);
	pfe = pfe_new(c1, &pio, 0);
	assert_non_null(pfe);
	pfe_start(pfe, 0);
	status(pfe, 1, 0, HOST_UP);
	status(pfe, 1, 1, HOST_DOWN);
	before = tio_show(pfe, CTL_SHOW_HOSTS);
	for (k = 0;; k++) {
		char	*now;

		allowed = k;
		if (pfe_reload(pfe, c2, 0) == 0)
			break;
		allowed = -1;
		now = tio_show(pfe, CTL_SHOW_HOSTS);
		assert_string_equal(now, before);
		free(now);
		assert_int_equal(pfe_gen(pfe), 1);
		assert_non_null(strstr(buf_str(&io.log),
		    "pfe: reload failed: out of memory"));
	}
	allowed = -1;
	printf("pfe: %ld allocations failed one by one, then it switched\n",
	    k);
	assert_true(k >= 2);
	free(before);
	config_free(c1);
	assert_int_equal(pfe_gen(pfe), 2);
	assert_int_equal(pfe_host_state(pfe, 0), HOST_UP);
	status(pfe, 2, 1, HOST_UP);	/* 10.0.0.4, new */
	pfe_free(pfe);
	config_free(c2);
	tio_free(&io);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hce_reload_out_of_memory),
		cmocka_unit_test(test_pfe_reload_out_of_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
