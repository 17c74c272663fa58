/*
 * Unit tests of what virtual hosts answer: healthy by default for every
 * method, answers per host and per path, error pages, bodies past the
 * checker's read bounds, slow bodies against one-read answers, jitter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "backends/sim/vhost.h"

struct fixture {
	struct vhost		vh;
	struct host_conf	host;
	struct table_conf	table;
	struct check_request	req;
};

static void
fixture_init(struct fixture *f, enum check_type type)
{
	memset(f, 0, sizeof(*f));
	f->table.check.type = type;
	f->table.check.code = 200;
	f->req.host = &f->host;
	f->req.table = &f->table;
	f->req.timeout_ms = 200;
	vhost_init(&f->vh);
}

static struct check_result
check(struct fixture *f, uint32_t jitter)
{
	struct check_result	r;

	memset(&r, 0, sizeof(r));
	vhost_check(&f->vh, &f->req, 0, jitter, &r);
	return r;
}

/* sha1 of text repeated to len bytes, in hex. */
static void
sha1_hex(const char *text, size_t len, char out[41])
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen, i;
	EVP_MD_CTX	*ctx = EVP_MD_CTX_new();
	size_t		n, step = strlen(text);

	assert_non_null(ctx);
	assert_int_equal(EVP_DigestInit_ex(ctx, EVP_sha1(), NULL), 1);
	for (; len > 0; len -= n) {
		n = len < step ? len : step;
		assert_int_equal(EVP_DigestUpdate(ctx, text, n), 1);
	}
	assert_int_equal(EVP_DigestFinal_ex(ctx, md, &mdlen), 1);
	EVP_MD_CTX_free(ctx);
	for (i = 0; i < mdlen; i++)
		(void)snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void
digest_fixture(struct fixture *f, const char *path, const char *page)
{
	fixture_init(f, CHECK_HTTP_DIGEST);
	f->table.check.digest_type = DIGEST_SHA1;
	(void)snprintf(f->table.check.path, sizeof(f->table.check.path), "%s",
	    path);
	sha1_hex(page, strlen(page), f->table.check.digest);
}

static void
test_healthy_host_passes_what_each_check_expects(void **state)
{
	struct fixture	f;

	digest_fixture(&f, "/index.html", "<html>welcome</html>");
	assert_int_equal(check(&f, 0).error, HCE_HTTP_DIGEST_OK);
	f.table.check.type = CHECK_SEND_EXPECT;
	strcpy(f.table.check.expect, "SSH-2.0-*");
	assert_int_equal(check(&f, 0).error, HCE_SEND_EXPECT_OK);
	f.table.check.type = CHECK_HTTP_CODE;
	f.table.check.tls = true;
	f.table.check.code = 302;
	assert_true(check(&f, 0).up);
	assert_int_equal(check(&f, 0).detail, 302);
	vhost_free(&f.vh);
}

/* Check the fixture's host on another path, for another page. */
static enum check_error
digest_on(struct fixture *f, const char *path, const char *page)
{
	(void)snprintf(f->table.check.path, sizeof(f->table.check.path), "%s",
	    path);
	sha1_hex(page, strlen(page), f->table.check.digest);
	return check(f, 0).error;
}

/* Two digest checks on one host, two paths, each with its own page. */
static void
test_answers_per_path(void **state)
{
	struct fixture	f;

	digest_fixture(&f, "/a", "page a");
	assert_int_equal(answer_set_body(vhost_answer(&f.vh, "/a"), "page a",
	    6), 0);
	assert_int_equal(answer_set_body(vhost_answer(&f.vh, "/b"), "page b",
	    6), 0);
	assert_int_equal(digest_on(&f, "/a", "page a"), HCE_HTTP_DIGEST_OK);
	assert_int_equal(digest_on(&f, "/b", "page b"), HCE_HTTP_DIGEST_OK);
	assert_int_equal(digest_on(&f, "/a", "page b"), HCE_HTTP_DIGEST_FAIL);
	/* The host's body is for paths without their own. */
	assert_int_equal(answer_set_body(vhost_answer(&f.vh, NULL), "other",
	    5), 0);
	assert_int_equal(digest_on(&f, "/a", "page a"), HCE_HTTP_DIGEST_OK);
	assert_int_equal(digest_on(&f, "/c", "other"), HCE_HTTP_DIGEST_OK);
	vhost_path_reset(&f.vh, "/a");
	assert_int_equal(digest_on(&f, "/a", "other"), HCE_HTTP_DIGEST_OK);
	assert_int_equal(digest_on(&f, "/b", "page b"), HCE_HTTP_DIGEST_OK);
	/* up: every answer healthy again, paths forgotten. */
	vhost_set_up(&f.vh, 0);
	assert_int_equal(f.vh.npaths, 0);
	assert_int_equal(digest_on(&f, "/b", "anything"), HCE_HTTP_DIGEST_OK);
	vhost_free(&f.vh);
}

/* An error status without a page of its own comes with an empty one. */
static void
test_error_status_serves_no_healthy_page(void **state)
{
	struct fixture	f;

	digest_fixture(&f, "/", "welcome");
	answer_set_code(vhost_answer(&f.vh, "/"), 503);
	assert_int_equal(check(&f, 0).error, HCE_HTTP_DIGEST_FAIL);
	answer_set_code(vhost_answer(&f.vh, "/"), 204);
	assert_int_equal(check(&f, 0).error, HCE_HTTP_DIGEST_OK);
	f.table.check.type = CHECK_HTTP_CODE;
	assert_int_equal(check(&f, 0).error, HCE_HTTP_CODE_FAIL);
	assert_int_equal(check(&f, 0).detail, 204);
	vhost_free(&f.vh);
}

/* body-size: hashed whole up to 1 MiB, an error past it, as the checker. */
static void
test_body_size_and_read_bounds(void **state)
{
	struct fixture	f;

	digest_fixture(&f, "/big", "x");
	sha1_hex("x", 100000, f.table.check.digest);
	assert_int_equal(answer_set_body_size(vhost_answer(&f.vh, "/big"),
	    100000), 0);
	assert_int_equal(check(&f, 0).error, HCE_HTTP_DIGEST_OK);
	sha1_hex("x", VHOST_DIGEST_READ_MAX + 1, f.table.check.digest);
	assert_int_equal(answer_set_body_size(vhost_answer(&f.vh, "/big"),
	    VHOST_DIGEST_READ_MAX + 1), 0);
	assert_int_equal(check(&f, 0).error, HCE_HTTP_DIGEST_ERROR);
	/* send/expect reads at most 16 KiB looking for a match. */
	f.table.check.type = CHECK_SEND_EXPECT;
	strcpy(f.table.check.expect, "xxx*");
	assert_int_equal(answer_set_body_size(vhost_answer(&f.vh, NULL),
	    VHOST_EXPECT_READ_MAX * 4), 0);
	assert_int_equal(check(&f, 0).error, HCE_SEND_EXPECT_OK);
	strcpy(f.table.check.expect, "*y");
	assert_int_equal(check(&f, 0).error, HCE_SEND_EXPECT_FAIL);
	vhost_free(&f.vh);
}

/*
 * A slow body: the status line comes at once, the end later.  Code
 * checks pass, digest checks wait and time out; one read again fixes it.
 */
static void
test_slow_body_against_one_read(void **state)
{
	struct fixture		f;
	struct check_result	r;

	digest_fixture(&f, "/", "page");
	answer_set_latency(vhost_answer(&f.vh, "/"), 20);
	answer_set_slow(vhost_answer(&f.vh, "/"), 100);
	r = check(&f, 0);
	assert_true(r.up);
	assert_int_equal(r.rtt_ms, 120);
	answer_set_slow(vhost_answer(&f.vh, "/"), 300);
	r = check(&f, 0);
	assert_false(r.up);
	assert_int_equal(r.error, HCE_TCP_READ_TIMEOUT);
	assert_int_equal(r.rtt_ms, 200);
	f.table.check.type = CHECK_HTTP_CODE;
	r = check(&f, 0);
	assert_true(r.up);
	assert_int_equal(r.rtt_ms, 20);
	f.table.check.type = CHECK_HTTP_DIGEST;
	answer_set_slow(vhost_answer(&f.vh, "/"), 0);	/* one read */
	r = check(&f, 0);
	assert_true(r.up);
	assert_int_equal(r.rtt_ms, 20);
	vhost_free(&f.vh);
}

/* Jitter delays answers, never timeouts, and can push one past it. */
static void
test_jitter_delays_answers(void **state)
{
	struct fixture		f;
	struct check_result	r;

	fixture_init(&f, CHECK_TCP);
	answer_set_latency(vhost_answer(&f.vh, NULL), 150);
	r = check(&f, 7);
	assert_true(r.up);
	assert_int_equal(r.rtt_ms, 157);
	r = check(&f, 50);
	assert_false(r.up);
	assert_int_equal(r.error, HCE_TCP_CONNECT_TIMEOUT);
	assert_int_equal(r.rtt_ms, 200);
	vhost_set_refuse(&f.vh, 0);
	r = check(&f, 3);
	assert_int_equal(r.error, HCE_TCP_CONNECT_REFUSED);
	assert_int_equal(r.rtt_ms, 3);
	vhost_set_down(&f.vh, 0);
	assert_int_equal(check(&f, 3).rtt_ms, 200);
	vhost_free(&f.vh);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_healthy_host_passes_what_each_check_expects),
		cmocka_unit_test(test_answers_per_path),
		cmocka_unit_test(test_error_status_serves_no_healthy_page),
		cmocka_unit_test(test_body_size_and_read_bounds),
		cmocka_unit_test(test_slow_body_against_one_read),
		cmocka_unit_test(test_jitter_delays_answers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
