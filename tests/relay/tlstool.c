/*
 * TLS ends for the relay tests, on loopback: bytes seeded and summed as
 * tcptool does (FNV-1a), so either end says what it sent and got.
 * Every mode ends within -T seconds (default 60).
 *
 *   tlstool -c CERT -k KEY serve ADDR PORT echo|sink
 *	a TLS server, one child per connection: echo until the end, then
 *	close_notify; or read to the end and answer "bytes=N sum=S"
 *   tlstool -c CERT -k KEY serve ADDR PORT late
 *	HTTP/1.1 over TLS 1.3, kept alive: each request (a head, no
 *	body) gets 200 "conn=PID req=N"; 50 ms after each answer, on
 *	the idle connection, a new session ticket and a key update
 *   tlstool -c CERT -k KEY serve ADDR PORT lateonly
 *	as late, but no ticket comes with the handshake, the answer says
 *	"reused=0|1" too, and the connection is closed (close_notify)
 *	200 ms after the late ticket: only that ticket can resume
 *   tlstool [-n SNI] [-s FILE] [-V 1.2|1.3] echo ADDR PORT N SEED
 *	a TLS client writing N bytes while reading the echo, then
 *	close_notify; prints "sent=N sum=S got=N sum=S reused=0|1";
 *	with -s it offers the session in FILE (if there is one) and
 *	leaves there the last one the server gave; -V: that version only
 *   tlstool stall ADDR PORT BYTES MS
 *	a TCP client that sends BYTES of a ClientHello's start and then
 *	nothing: prints "closed after MS" once the peer closes, or
 *	"open" after MS ms
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include "tests/relay/seeded.h"

#define CHUNK	16384

static void __attribute__((noreturn))
die(const char *what)
{
	fprintf(stderr, "tlstool: %s: %s\n", what, errno ? strerror(errno) :
	    "failed");
	ERR_print_errors_fp(stderr);
	exit(2);
}

static int
dial(const char *addr, int port)
{
	struct sockaddr_in	sin;
	int			fd;

	if (addr_fill(addr, port, &sin) == -1)
		die("address");
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		die("connect");
	return fd;
}

/*
 * Keep-alive answers, each followed, once the client is idle, by the
 * records TLS 1.3 may send at any time: a ticket and a key update.
 * With only, the connection ends 200 ms after its first late ticket.
 */
static void __attribute__((noreturn))
serve_late(SSL *ssl, int only)
{
	static char	 head[8192];
	char		 body[64], out[256];
	size_t		 len = 0, n;
	int		 req = 0;

	while (SSL_read_ex(ssl, head + len, sizeof(head) - 1 - len, &n)) {
		len += n;
		head[len] = '\0';
		if (strstr(head, "\r\n\r\n") == NULL)
			continue;
		if (only)
			snprintf(body, sizeof(body), "conn=%d req=%d reused=%d\n",
			    (int)getpid(), ++req, SSL_session_reused(ssl));
		else
			snprintf(body, sizeof(body), "conn=%d req=%d\n",
			    (int)getpid(), ++req);
		snprintf(out, sizeof(out), "HTTP/1.1 200 OK\r\n"
		    "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
		if (!SSL_write_ex(ssl, out, strlen(out), &n))
			_exit(1);
		len = 0;
		usleep(50000);
		/* Each goes out by itself: a ticket pending is "in init". */
		if (!SSL_new_session_ticket(ssl) || SSL_do_handshake(ssl) != 1)
			die("ticket");
		if (!SSL_key_update(ssl, SSL_KEY_UPDATE_NOT_REQUESTED) ||
		    SSL_do_handshake(ssl) != 1)
			die("key update");
		if (only) {
			usleep(200000);
			(void)SSL_shutdown(ssl);
			_exit(0);
		}
	}
	_exit(0);
}

/* A blocking server connection: echo, or count. */
static void __attribute__((noreturn))
serve_one(SSL_CTX *ctx, int fd, const char *mode)
{
	static uint8_t	buf[CHUNK];
	struct stream	st = { 0, 0, 0 };
	char		line[128];
	size_t		n, w;
	SSL		*ssl = SSL_new(ctx);

	SSL_set_fd(ssl, fd);
	if (SSL_accept(ssl) != 1)
		_exit(1);
	if (strcmp(mode, "late") == 0 || strcmp(mode, "lateonly") == 0)
		serve_late(ssl, strcmp(mode, "lateonly") == 0);
	while (SSL_read_ex(ssl, buf, sizeof(buf), &n)) {
		sum(&st, buf, n);
		if (strcmp(mode, "echo") == 0 &&
		    !SSL_write_ex(ssl, buf, n, &w))
			_exit(1);
	}
	if (strcmp(mode, "sink") == 0) {
		snprintf(line, sizeof(line), "bytes=%llu sum=%016llx\n",
		    (unsigned long long)st.n,
		    (unsigned long long)final(&st));
		(void)SSL_write_ex(ssl, line, strlen(line), &w);
	}
	(void)SSL_shutdown(ssl);
	shutdown(fd, SHUT_WR);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	_exit(0);
}

static void
serve(SSL_CTX *ctx, const char *addr, int port, const char *mode)
{
	int	l, fd;

	if ((l = listen_on(addr, port, 128)) == -1)
		die("listen");
	signal(SIGCHLD, SIG_IGN);
	for (;;) {
		if ((fd = accept_next(l)) == -1)
			die("accept");
		switch (fork()) {
		case -1:
			die("fork");
		case 0:
			close(l);
			serve_one(ctx, fd, mode);
		default:
			close(fd);
		}
	}
}

/* 1: moved bytes, 0: wait for want (POLLIN/POLLOUT), -1: the end. */
static int
step(SSL *ssl, int r, short *want)
{
	switch (SSL_get_error(ssl, r)) {
	case SSL_ERROR_WANT_READ:
		*want |= POLLIN;
		return 0;
	case SSL_ERROR_WANT_WRITE:
		*want |= POLLOUT;
		return 0;
	case SSL_ERROR_ZERO_RETURN:
		return -1;
	default:
		die("tls");
	}
}

/* The session in path, if there is one, offered. */
static void
session_offer(SSL *ssl, const char *path)
{
	SSL_SESSION	*sess;
	FILE		*f;

	if (path == NULL || (f = fopen(path, "r")) == NULL)
		return;
	if ((sess = PEM_read_SSL_SESSION(f, NULL, NULL, NULL)) == NULL)
		die("session file");
	fclose(f);
	SSL_set_session(ssl, sess);
	SSL_SESSION_free(sess);
}

/* The last session the server gave (a TLS 1.3 ticket comes late). */
static void
session_keep(SSL *ssl, const char *path)
{
	SSL_SESSION	*sess;
	FILE		*f;

	if (path == NULL || (sess = SSL_get1_session(ssl)) == NULL)
		return;
	if ((f = fopen(path, "w")) == NULL ||
	    !PEM_write_SSL_SESSION(f, sess) || fclose(f) != 0)
		die("session file");
	SSL_SESSION_free(sess);
}

/* Write total seeded bytes while reading the echo, then the end. */
static void
client_echo(SSL_CTX *ctx, const char *sni, const char *sessfile,
    const char *addr, int port, uint64_t total, uint64_t seed)
{
	static uint8_t	 out[CHUNK], in[CHUNK];
	struct stream	 gen = { seed, 0, 0 }, sent = { 0, 0, 0 };
	struct stream	 got = { 0, 0, 0 };
	struct pollfd	 pfd;
	size_t		 olen = 0, n, i;
	int		 fd = dial(addr, port), done = 0, r;
	SSL		*ssl = SSL_new(ctx);

	if (sni != NULL)
		SSL_set_tlsext_host_name(ssl, sni);
	session_offer(ssl, sessfile);
	SSL_set_fd(ssl, fd);
	if (SSL_connect(ssl) != 1)
		die("handshake");
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	pfd.fd = fd;
	for (;;) {
		pfd.events = 0;
		if (olen == 0 && total > 0) {
			olen = total < sizeof(out) ? total : sizeof(out);
			for (i = 0; i < olen; i++)
				out[i] = (uint8_t)next_rand(&gen.seed);
			sum(&sent, out, olen);
			total -= olen;
		}
		if (olen > 0) {
			if ((r = SSL_write_ex(ssl, out, olen, &n)) == 1)
				olen = 0;
			else if (step(ssl, r, &pfd.events) == -1)
				break;
		} else if (!done) {
			done = 1;
			(void)SSL_shutdown(ssl);
		}
		if ((r = SSL_read_ex(ssl, in, sizeof(in), &n)) == 1) {
			sum(&got, in, n);
			continue;
		}
		if (step(ssl, r, &pfd.events) == -1)
			break;
		if (poll(&pfd, 1, -1) == -1 && errno != EINTR)
			die("poll");
	}
	session_keep(ssl, sessfile);
	printf("sent=%llu sum=%016llx got=%llu sum=%016llx reused=%d\n",
	    (unsigned long long)sent.n, (unsigned long long)final(&sent),
	    (unsigned long long)got.n, (unsigned long long)final(&got),
	    SSL_session_reused(ssl));
	SSL_free(ssl);
	close(fd);
}

/* The start of a TLS record that never ends. */
static void
client_stall(const char *addr, int port, int bytes, int ms)
{
	static const uint8_t	 hello[] = { 0x16, 0x03, 0x01, 0x02, 0x00,
				    0x01, 0x00, 0x01, 0xfc, 0x03, 0x03 };
	struct pollfd		 pfd;
	struct timespec		 t0, t1;
	char			 c;
	int			 fd = dial(addr, port);

	if (bytes > (int)sizeof(hello))
		bytes = sizeof(hello);
	if (bytes > 0 && write(fd, hello, (size_t)bytes) != bytes)
		die("write");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pfd.fd = fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, ms) == 1 && recv(fd, &c, 1, 0) <= 0) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("closed after %lld\n", (long long)((t1.tv_sec -
		    t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000));
	} else
		printf("open\n");
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: tlstool [-T secs] [-c cert -k key] [-n sni] "
	    "[-s file] [-V version] serve|echo|stall ADDR PORT ...\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	const char	*cert = NULL, *key = NULL, *sni = NULL, *sess = NULL;
	SSL_CTX		*ctx;
	int		 ch, secs = 60, version = 0;

	while ((ch = getopt(argc, argv, "+T:c:k:n:s:V:")) != -1) {
		switch (ch) {
		case 'T':
			secs = atoi(optarg);
			break;
		case 'c':
			cert = optarg;
			break;
		case 'k':
			key = optarg;
			break;
		case 'n':
			sni = optarg;
			break;
		case 's':
			sess = optarg;
			break;
		case 'V':
			version = strcmp(optarg, "1.2") == 0 ? TLS1_2_VERSION :
			    strcmp(optarg, "1.3") == 0 ? TLS1_3_VERSION : -1;
			if (version == -1)
				usage();
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 3)
		usage();
	signal(SIGPIPE, SIG_IGN);
	alarm((unsigned)secs);
	if (strcmp(argv[0], "serve") == 0 && argc == 4 && cert && key) {
		if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL ||
		    SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
		    SSL_CTX_use_PrivateKey_file(ctx, key,
		    SSL_FILETYPE_PEM) != 1)
			die("certificate");
		/* Resumed sessions are told apart only by a late ticket. */
		if (strcmp(argv[3], "lateonly") == 0 &&
		    !SSL_CTX_set_num_tickets(ctx, 0))
			die("tickets");
		serve(ctx, argv[1], atoi(argv[2]), argv[3]);
	} else if (strcmp(argv[0], "echo") == 0 && argc == 5) {
		if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL ||
		    (version != 0 && (!SSL_CTX_set_min_proto_version(ctx,
		    version) || !SSL_CTX_set_max_proto_version(ctx, version))))
			die("context");
		client_echo(ctx, sni, sess, argv[1], atoi(argv[2]),
		    strtoull(argv[3], NULL, 10), strtoull(argv[4], NULL, 10));
		SSL_CTX_free(ctx);
	} else if (strcmp(argv[0], "stall") == 0 && argc == 5)
		client_stall(argv[1], atoi(argv[2]), atoi(argv[3]),
		    atoi(argv[4]));
	else
		usage();
	return 0;
}
