/*
 * Reading a TLS leg: every byte the peer sent comes out, whatever the
 * caller's buffer, and a read that drains the socket makes one system
 * call, not a second that only finds it empty.  The leg's SSL and its
 * peer's run over a socket pair, with contexts set as the relay's
 * (read ahead, released buffers); the system calls are counted in
 * /proc/self/io.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "relay/relay_priv.h"
#include "relay/tls.h"

struct pair {
	SSL_CTX		*sctx, *cctx;
	struct leg	 leg;		/* the relay's side, a server */
	SSL		*peer;		/* the client */
	int		 fd[2];
};

static SSL_CTX *
ctx_new(const SSL_METHOD *m)
{
	SSL_CTX	*ctx;

	assert_non_null(ctx = SSL_CTX_new(m));
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_read_ahead(ctx, 1);
	return ctx;
}

/* A self-signed P-256 certificate for the server's context. */
static void
ctx_certify(SSL_CTX *ctx)
{
	EVP_PKEY	*key;
	X509		*x;

	assert_non_null(key = EVP_EC_gen("P-256"));
	assert_non_null(x = X509_new());
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, key);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN",
	    MBSTRING_ASC, (const unsigned char *)"leg.test", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	assert_true(X509_sign(x, key, EVP_sha256()) > 0);
	assert_int_equal(SSL_CTX_use_certificate(ctx, x), 1);
	assert_int_equal(SSL_CTX_use_PrivateKey(ctx, key), 1);
	X509_free(x);
	EVP_PKEY_free(key);
}

static int
setup(void **state)
{
	struct pair	*p;
	int		 i, a = 0, b = 0;

	assert_non_null(p = calloc(1, sizeof(*p)));
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0,
	    p->fd), 0);
	p->sctx = ctx_new(TLS_server_method());
	p->cctx = ctx_new(TLS_client_method());
	ctx_certify(p->sctx);
	p->leg.fd = p->fd[0];
	p->leg.ops = &leg_plain;
	assert_int_equal(tls_leg_new(&p->leg, p->sctx, true), 0);
	assert_non_null(p->peer = SSL_new(p->cctx));
	assert_int_equal(SSL_set_fd(p->peer, p->fd[1]), 1);
	SSL_set_connect_state(p->peer);
	for (i = 0; i < 100 && (a != 1 || b != 1); i++) {
		if (b != 1)
			b = SSL_do_handshake(p->peer);
		if (a != 1)
			a = SSL_do_handshake(p->leg.tls->ssl);
	}
	assert_int_equal(a, 1);
	assert_int_equal(b, 1);
	p->leg.can_read = p->leg.can_write = true;
	*state = p;
	return 0;
}

static int
teardown(void **state)
{
	struct pair	*p = *state;

	tls_leg_free(&p->leg);
	SSL_free(p->peer);
	SSL_CTX_free(p->sctx);
	SSL_CTX_free(p->cctx);
	close(p->fd[0]);
	close(p->fd[1]);
	free(p);
	return 0;
}

/* The process's read system calls so far; reading them costs one. */
static long
syscr(void)
{
	char	 b[512], *s;
	ssize_t	 n;
	int	 fd;

	assert_true((fd = open("/proc/self/io", O_RDONLY)) != -1);
	n = read(fd, b, sizeof(b) - 1);
	close(fd);
	assert_true(n > 0);
	b[n] = '\0';
	assert_non_null(s = strstr(b, "syscr: "));
	return strtol(s + 7, NULL, 10);
}

/* A record at a time (partial writes), all into the socket's buffer. */
static void
peer_write(struct pair *p, const void *buf, size_t len)
{
	size_t	 off, n;

	for (off = 0; off < len; off += n)
		assert_int_equal(SSL_write_ex(p->peer, (const char *)buf + off,
		    len - off, &n), 1);
}

/* Read system calls made by one read of the leg, which gets want. */
static long
leg_read_calls(struct pair *p, size_t len, ssize_t want)
{
	static uint8_t	 buf[262144];
	long		 c0, c1, c2;
	ssize_t		 n;

	c0 = syscr();
	c1 = syscr();	/* c1 - c0: the cost of counting */
	n = p->leg.ops->read(&p->leg, buf, len);
	c2 = syscr();
	assert_int_equal(n, want);
	return (c2 - c1) - (c1 - c0);
}

static void
test_one_record_one_read(void **state)
{
	struct pair	*p = *state;
	const char	 req[] = "GET / HTTP/1.1\r\nHost: leg.test\r\n\r\n";

	peer_write(p, req, sizeof(req) - 1);
	assert_int_equal(leg_read_calls(p, 16384, sizeof(req) - 1), 1);
	errno = 0;
	assert_int_equal(p->leg.ops->read(&p->leg, (char[16]){ 0 }, 16), -1);
	assert_int_equal(errno, EAGAIN);
}

static void
test_two_records_one_read(void **state)
{
	struct pair	*p = *state;

	peer_write(p, "first request", 13);
	peer_write(p, "second", 6);
	assert_int_equal(leg_read_calls(p, 16384, 19), 1);
}

/* More than OpenSSL's buffer holds: read on until the socket is dry. */
static void
test_many_records_all_out(void **state)
{
	struct pair	*p = *state;
	static uint8_t	 big[100000];
	uint8_t		 got[sizeof(big)];
	ssize_t		 n;
	size_t		 i;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + 3);
	peer_write(p, big, sizeof(big));
	n = p->leg.ops->read(&p->leg, got, sizeof(got));
	assert_int_equal(n, sizeof(big));
	assert_memory_equal(got, big, sizeof(big));
	errno = 0;
	assert_int_equal(p->leg.ops->read(&p->leg, got, sizeof(got)), -1);
	assert_int_equal(errno, EAGAIN);
}

/* A caller's buffer smaller than a record: the rest comes next. */
static void
test_small_buffer_keeps_the_rest(void **state)
{
	struct pair	*p = *state;
	char		 b[64];
	ssize_t		 n;

	peer_write(p, "0123456789abcdefghij", 20);
	n = p->leg.ops->read(&p->leg, b, 8);
	assert_int_equal(n, 8);
	assert_memory_equal(b, "01234567", 8);
	n = p->leg.ops->read(&p->leg, b, sizeof(b));
	assert_int_equal(n, 12);
	assert_memory_equal(b, "89abcdefghij", 12);
}

/* The peer's close_notify after its bytes: the bytes, then the end. */
static void
test_bytes_then_end(void **state)
{
	struct pair	*p = *state;
	char		 b[64];

	peer_write(p, "last", 4);
	assert_true(SSL_shutdown(p->peer) >= 0);
	assert_int_equal(p->leg.ops->read(&p->leg, b, sizeof(b)), 4);
	assert_int_equal(p->leg.ops->read(&p->leg, b, sizeof(b)), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_one_record_one_read,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_records_one_read,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_records_all_out,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_small_buffer_keeps_the_rest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bytes_then_end,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
