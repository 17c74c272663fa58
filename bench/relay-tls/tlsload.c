/*
 * The TLS client of bench/relay-tls.
 *   tlsload handshakes ADDR PORT CONC SECS
 *	CONC connections at a time, each a full handshake (no session
 *	offered) and a close, for SECS seconds:
 *	"handshakes=N per_sec=R errors=E"
 *   tlsload stream ADDR PORT BYTES
 *	one handshake, then read BYTES (a source backend behind the
 *	proxy sends them) and close: "bytes=N mb_per_sec=R"
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

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
#include <openssl/ssl.h>

#define CONC_MAX	256

struct conn {
	int	 fd;
	SSL	*ssl;
};

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
dial(const struct sockaddr_in *sin, int nonblock)
{
	int	fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM | (nonblock ? SOCK_NONBLOCK :
	    0), 0)) == -1)
		return -1;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (const struct sockaddr *)sin, sizeof(*sin)) == -1 &&
	    errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
conn_start(struct conn *c, SSL_CTX *ctx, const struct sockaddr_in *sin)
{
	if ((c->fd = dial(sin, 1)) == -1)
		return -1;
	c->ssl = SSL_new(ctx);
	SSL_set_fd(c->ssl, c->fd);
	SSL_set_connect_state(c->ssl);
	return 0;
}

static void
conn_end(struct conn *c)
{
	SSL_free(c->ssl);
	close(c->fd);
	c->ssl = NULL;
	c->fd = -1;
}

/* 1: done, 0: wants events (set in ev), -1: failed. */
static int
conn_step(struct conn *c, short *ev)
{
	int	r = SSL_do_handshake(c->ssl);

	if (r == 1)
		return 1;
	switch (SSL_get_error(c->ssl, r)) {
	case SSL_ERROR_WANT_READ:
		*ev = POLLIN;
		return 0;
	case SSL_ERROR_WANT_WRITE:
		*ev = POLLOUT;
		return 0;
	default:
		ERR_clear_error();
		return -1;
	}
}

static void
handshakes(SSL_CTX *ctx, const struct sockaddr_in *sin, int conc, int secs)
{
	struct conn	 c[CONC_MAX];
	struct pollfd	 pfd[CONC_MAX];
	uint64_t	 done = 0, errors = 0;
	double		 t0 = now(), end = t0 + secs;
	int		 i, r;

	for (i = 0; i < conc; i++) {
		if (conn_start(&c[i], ctx, sin) == -1)
			exit(1);
		pfd[i].fd = c[i].fd;
		pfd[i].events = POLLOUT;
	}
	while (now() < end) {
		if (poll(pfd, (nfds_t)conc, 100) == -1 && errno != EINTR)
			exit(1);
		for (i = 0; i < conc; i++) {
			if (pfd[i].revents == 0)
				continue;
			if ((r = conn_step(&c[i], &pfd[i].events)) == 0)
				continue;
			if (r == 1)
				done++;
			else
				errors++;
			conn_end(&c[i]);
			if (conn_start(&c[i], ctx, sin) == -1)
				exit(1);
			pfd[i].fd = c[i].fd;
			pfd[i].events = POLLOUT;
		}
	}
	printf("handshakes=%llu per_sec=%.0f errors=%llu\n",
	    (unsigned long long)done, (double)done / (now() - t0),
	    (unsigned long long)errors);
}

static void
stream(SSL_CTX *ctx, const struct sockaddr_in *sin, uint64_t bytes)
{
	static char	 buf[65536];
	uint64_t	 got = 0;
	double		 t0;
	size_t		 n;
	int		 fd;
	SSL		*ssl;

	if ((fd = dial(sin, 0)) == -1)
		exit(1);
	ssl = SSL_new(ctx);
	SSL_set_fd(ssl, fd);
	if (SSL_connect(ssl) != 1)
		exit(1);
	t0 = now();
	while (got < bytes && SSL_read_ex(ssl, buf, sizeof(buf), &n))
		got += n;
	printf("bytes=%llu mb_per_sec=%.0f\n", (unsigned long long)got,
	    (double)got / 1e6 / (now() - t0));
	SSL_free(ssl);
	close(fd);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	 sin;
	SSL_CTX			*ctx;

	if (argc < 5) {
		fprintf(stderr, "usage: tlsload handshakes ADDR PORT CONC SECS"
		    " | stream ADDR PORT BYTES\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	alarm(600);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)atoi(argv[3]));
	if (inet_pton(AF_INET, argv[2], &sin.sin_addr) != 1)
		return 2;
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return 1;
	/* Full handshakes only: no session kept, no ticket asked. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	if (strcmp(argv[1], "handshakes") == 0 && argc == 6) {
		int	conc = atoi(argv[4]);

		if (conc < 1 || conc > CONC_MAX)
			return 2;
		handshakes(ctx, &sin, conc, atoi(argv[5]));
	} else if (strcmp(argv[1], "stream") == 0 && argc == 5)
		stream(ctx, &sin, strtoull(argv[4], NULL, 10));
	else
		return 2;
	return 0;
}
