/*
 * A small server for the net check tests, one behaviour per mode, on a
 * loopback (or test namespace) address:
 *   accept   accept and hold the connection until the peer closes
 *   http     answer "HTTP/1.0 CODE" with BODY (-c, -b)
 *   slow     the same after DELAY ms (-d)
 *   close    close at once without a word
 *   banner   send BODY on accept, then hold
 *   echo     send back what is read
 *   garbage  answer anything with bytes that are not TLS
 *   full     never accept, with a full accept queue: SYNs are dropped
 * -B SIZE makes BODY SIZE bytes of 'x'.  -w one sends an answer (HTTP head
 * and body, or a banner) in one write, -w byte a byte at a time, each
 * its own segment 2 ms after the last; by default an HTTP head and its
 * body are two writes.
 * -t CERT KEY wraps every mode in TLS.  -l FILE logs what a check sent
 * (the request head, the TLS server name) for the tests to inspect.
 * Prints the port it listens on, then serves for at most -T seconds.
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

struct server {
	const char	*mode;
	const char	*writes;	/* -w: "one", "byte" or NULL */
	int		 code;
	const char	*body;
	int		 delay_ms;
	const char	*log;
	SSL_CTX		*ctx;
};

struct conn {
	int		 fd;
	SSL		*ssl;
};

static void
usage(void)
{
	fprintf(stderr, "usage: testserver [-a addr] [-p port] [-m mode] "
	    "[-c code] [-b body] [-B size] [-d ms] [-t cert key] [-l log] "
	    "[-T secs] [-w one|byte]\n");
	exit(2);
}

static ssize_t
conn_read(struct conn *c, char *buf, size_t len)
{
	int	 r;

	if (c->ssl == NULL)
		return read(c->fd, buf, len);
	r = SSL_read(c->ssl, buf, (int)len);
	return r > 0 ? r : (SSL_get_error(c->ssl, r) == SSL_ERROR_ZERO_RETURN ?
	    0 : -1);
}

static void
conn_write(struct conn *c, const char *buf, size_t len)
{
	if (c->ssl == NULL)
		(void)!write(c->fd, buf, len);
	else
		(void)SSL_write(c->ssl, buf, (int)len);
}

/* An answer as -w says: in one write, a byte at a time, or as it is. */
static void
conn_answer(const struct server *s, struct conn *c, const char *buf,
    size_t len)
{
	size_t	 i;
	int	 on = 1;

	if (s->writes == NULL || strcmp(s->writes, "byte") != 0) {
		conn_write(c, buf, len);
		return;
	}
	(void)setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	for (i = 0; i < len; i++) {
		conn_write(c, buf + i, 1);
		usleep(2000);
	}
}

static void
log_line(const struct server *s, const char *what, const char *text,
    size_t len)
{
	FILE	*f;

	if (s->log == NULL || (f = fopen(s->log, "a")) == NULL)
		return;
	fprintf(f, "%s: %.*s\n", what, (int)len, text);
	fclose(f);
}

/* Read until the end of an HTTP request head (or EOF, or the bound). */
static void
read_request(const struct server *s, struct conn *c)
{
	char	 buf[8192];
	size_t	 len = 0;
	ssize_t	 n;

	while (len < sizeof(buf) - 1) {
		if ((n = conn_read(c, buf + len, sizeof(buf) - 1 - len)) <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		if (strstr(buf, "\r\n\r\n") != NULL)
			break;
	}
	log_line(s, "request", buf, len);
}

static void
hold(struct conn *c, bool echo)
{
	char	 buf[4096];
	ssize_t	 n;

	while ((n = conn_read(c, buf, sizeof(buf))) > 0)
		if (echo)
			conn_write(c, buf, (size_t)n);
}

static void
answer_http(const struct server *s, struct conn *c)
{
	char	 head[256], *all;
	size_t	 blen = strlen(s->body);
	int	 n;

	read_request(s, c);
	if (s->delay_ms > 0)
		usleep((useconds_t)s->delay_ms * 1000);
	n = snprintf(head, sizeof(head),
	    "HTTP/1.0 %d Test\r\nContent-Length: %zu\r\n\r\n", s->code,
	    blen);
	if (s->writes == NULL) {
		conn_write(c, head, (size_t)n);
		conn_write(c, s->body, blen);
		return;
	}
	if ((all = malloc((size_t)n + blen)) == NULL)
		return;
	memcpy(all, head, (size_t)n);
	memcpy(all + n, s->body, blen);
	conn_answer(s, c, all, (size_t)n + blen);
	free(all);
}

static void
serve(const struct server *s, int fd)
{
	struct conn	 c = { fd, NULL };
	const char	*sni;

	if (strcmp(s->mode, "garbage") == 0) {
		char	 buf[512];

		(void)!read(fd, buf, sizeof(buf));
		(void)!write(fd, "this is not TLS\r\n\r\n", 19);
		return;
	}
	if (strcmp(s->mode, "close") == 0)
		return;
	if (s->ctx != NULL) {
		c.ssl = SSL_new(s->ctx);
		SSL_set_fd(c.ssl, fd);
		if (SSL_accept(c.ssl) != 1)
			return;
		sni = SSL_get_servername(c.ssl, TLSEXT_NAMETYPE_host_name);
		log_line(s, "sni", sni ? sni : "", sni ? strlen(sni) : 0);
	}
	if (strcmp(s->mode, "http") == 0 || strcmp(s->mode, "slow") == 0)
		answer_http(s, &c);
	else if (strcmp(s->mode, "banner") == 0) {
		conn_answer(s, &c, s->body, strlen(s->body));
		hold(&c, false);
	} else
		hold(&c, strcmp(s->mode, "echo") == 0);
	if (c.ssl != NULL) {
		SSL_shutdown(c.ssl);
		SSL_free(c.ssl);
	}
}

static int
listen_on(const char *addr, int port, int backlog, struct sockaddr_storage *ss,
    socklen_t *sslen)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;
	int			 fd, on = 1;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		*sslen = sizeof(*sin);
	} else if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		*sslen = sizeof(*sin6);
	} else
		return -1;
	if ((fd = socket(ss->ss_family, SOCK_STREAM, 0)) == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, (struct sockaddr *)ss, *sslen) == -1 ||
	    listen(fd, backlog) == -1 ||
	    getsockname(fd, (struct sockaddr *)ss, sslen) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Fill the accept queue so that further SYNs are dropped. */
static void
fill_queue(const struct sockaddr_storage *ss, socklen_t sslen)
{
	struct pollfd	 p;
	int		 i, fd;

	for (i = 0; i < 64; i++) {
		fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (fd == -1)
			return;
		if (connect(fd, (const struct sockaddr *)ss, sslen) == 0)
			continue;
		p.fd = fd;
		p.events = POLLOUT;
		if (poll(&p, 1, 200) != 1)
			return;	/* this one hangs: the queue is full */
	}
}

static SSL_CTX *
tls_server(const char *cert, const char *key)
{
	SSL_CTX	*ctx = SSL_CTX_new(TLS_server_method());

	if (ctx == NULL || SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
		ERR_print_errors_fp(stderr);
		exit(1);
	}
	return ctx;
}

int
main(int argc, char *argv[])
{
	struct server		 s = { "accept", NULL, 200, "", 0, NULL, NULL };
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	const char		*addr = "127.0.0.1";
	char			*big = NULL;
	int			 ch, port = 0, lifetime = 60, lfd, fd, full;
	time_t			 end;

	while ((ch = getopt(argc, argv, "a:b:B:c:d:l:m:p:t:T:w:")) != -1) {
		switch (ch) {
		case 'a': addr = optarg; break;
		case 'B':
			if ((big = calloc(1, (size_t)atol(optarg) + 1)) == NULL)
				return 1;
			memset(big, 'x', (size_t)atol(optarg));
			s.body = big;
			break;
		case 'b': s.body = optarg; break;
		case 'c': s.code = atoi(optarg); break;
		case 'd': s.delay_ms = atoi(optarg); break;
		case 'l': s.log = optarg; break;
		case 'm': s.mode = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 't':
			if (optind >= argc)
				usage();
			s.ctx = tls_server(optarg, argv[optind++]);
			break;
		case 'T': lifetime = atoi(optarg); break;
		case 'w': s.writes = optarg; break;
		default: usage();
		}
	}
	full = strcmp(s.mode, "full") == 0;
	if ((lfd = listen_on(addr, port, full ? 0 : 4096, &ss, &sslen)) == -1) {
		fprintf(stderr, "testserver: %s port %d: %s\n", addr, port,
		    strerror(errno));
		return 1;
	}
	signal(SIGCHLD, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if (full)
		fill_queue(&ss, sslen);
	printf("%d\n", ntohs(((struct sockaddr_in *)&ss)->sin_port));
	fflush(stdout);
	end = time(NULL) + lifetime;
	alarm((unsigned)lifetime);
	while (!full && time(NULL) < end) {
		if ((fd = accept(lfd, NULL, NULL)) == -1)
			continue;
		if (fork() == 0) {
			close(lfd);
			alarm(10);
			serve(&s, fd);
			_exit(0);
		}
		close(fd);
	}
	while (full && time(NULL) < end)
		pause();
	return 0;
}
