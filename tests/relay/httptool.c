/*
 * HTTP backends with odd framing, and a raw client, for the HTTP relay's
 * tests on loopback (curl and nginx do the ordinary part).  Every mode
 * ends within -T seconds (default 60).
 *
 *   httptool [-T S] [-l LOG] [-H 'Name: value']... serve ADDR PORT MODE
 *     (one child per connection; keep-alive unless asked to close)
 *     echo         200 with, as its body, the request head as received,
 *                  then "body=N sum=S" and the trailers received; the
 *                  head says X-Conn: K (connection number) and X-Req: N
 *                  (request number on that connection)
 *     chunked      echo's body, sent chunked with an extension, and a
 *                  trailer X-Sum
 *     slow MS      echo after MS ms
 *     cut N        Content-Length 2N, N bytes, then close
 *     raw FILE     FILE as it is to each request, then close
 *     keep FILE    FILE as it is to each request, the connection kept
 *     upgrade [P]  101 with "Upgrade: P" (websocket by default, none for
 *                  "-"), then echo every byte; logs "closed K" when the
 *                  relay closes
 *     flaky        answer a connection's first request, close on its
 *                  second without a byte
 *     continue     "100 Continue" before reading a body that expects it
 *   -l LOG: a line per connection ("conn K") and request ("req K N
 *   METHOD TARGET").  -H adds a field to every answer.
 *
 *   httptool [-T S] raw ADDR PORT FILE [MS]
 *     write FILE, wait MS ms (default 0) and write nothing more, print
 *     what comes back until the close (or -T)
 *   httptool [-T S] trickle ADDR PORT FILE MS
 *     write FILE a byte every MS ms, print what comes back
 *   httptool [-T S] ws ADDR PORT TEXT [OFFER]
 *     GET / with Upgrade: OFFER (websocket by default); after the 101,
 *     send TEXT, print the status line and what comes back (the echo)
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "tests/relay/seeded.h"

#define HEAD_MAX	65536
#define EXTRA_MAX	16

static const char	*logfile;
static const char	*extra[EXTRA_MAX];
static int		 nextra;

struct conn {
	int		 fd;
	int		 k;		/* connection number */
	int		 n;		/* requests on it */
	char		 buf[HEAD_MAX * 2];
	size_t		 len;
};

struct req {
	char		 head[HEAD_MAX];
	size_t		 headlen;
	char		 method[32];
	char		 target[1024];
	bool		 http10;
	bool		 close;
	bool		 chunked;
	bool		 expect;
	long long	 length;
	uint64_t	 body;		/* bytes of body */
	uint64_t	 sum;
	char		 trailers[4096];
};

static void __attribute__((noreturn))
die(const char *what)
{
	fprintf(stderr, "httptool: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void
write_all(int fd, const void *p, size_t n)
{
	const char	*c = p;
	ssize_t		 w;

	while (n > 0) {
		if ((w = write(fd, c, n)) == -1) {
			if (errno == EINTR)
				continue;
			_exit(0);	/* the peer left */
		}
		c += w;
		n -= (size_t)w;
	}
}

static void
sleep_ms(int ms)
{
	struct timespec	ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static void
logline(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
logline(const char *fmt, ...)
{
	char	line[1200];
	va_list	ap;
	int	fd, n;

	if (logfile == NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line) - 1)
		return;
	line[n++] = '\n';
	if ((fd = open(logfile, O_WRONLY | O_APPEND | O_CREAT, 0644)) == -1)
		return;
	(void)write(fd, line, (size_t)n);
	close(fd);
}

/* More bytes into c->buf: false at the end. */
static bool
conn_fill(struct conn *c)
{
	ssize_t	n;

	if (c->len == sizeof(c->buf))
		return false;
	do
		n = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
	while (n == -1 && errno == EINTR);
	if (n <= 0)
		return false;
	c->len += (size_t)n;
	return true;
}

static void
consume(struct conn *c, size_t n)
{
	memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
}

/* A line (without CRLF) into out: false at the end. */
static bool
line(struct conn *c, char *out, size_t size)
{
	char	*nl;
	size_t	 n;

	while ((nl = memchr(c->buf, '\n', c->len)) == NULL)
		if (!conn_fill(c))
			return false;
	n = nl - c->buf;
	if (n > 0 && c->buf[n - 1] == '\r')
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(out, c->buf, n);
	out[n] = '\0';
	consume(c, nl - c->buf + 1);
	return true;
}

static bool
field_is(const char *l, const char *name, const char **value)
{
	size_t	n = strlen(name);

	if (strncasecmp(l, name, n) != 0 || l[n] != ':')
		return false;
	for (*value = l + n + 1; **value == ' '; (*value)++)
		;
	return true;
}

static void
req_sum(struct req *r, const char *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		r->sum ^= (uint8_t)p[i];
		r->sum *= 0x100000001b3ULL;
	}
	r->body += n;
}

static void
head_field(struct req *r, const char *l)
{
	const char	*v;

	if (field_is(l, "Content-Length", &v))
		r->length = atoll(v);
	else if (field_is(l, "Transfer-Encoding", &v))
		r->chunked = strstr(v, "chunked") != NULL;
	else if (field_is(l, "Connection", &v))
		r->close = strcasestr(v, "close") != NULL ||
		    (r->http10 && strcasestr(v, "keep-alive") == NULL);
	else if (field_is(l, "Expect", &v))
		r->expect = true;
}

/* The head, kept as received: false at the end of the connection. */
static bool
read_head(struct conn *c, struct req *r)
{
	char	l[HEAD_MAX];
	size_t	n;

	memset(r, 0, sizeof(*r));
	r->length = -1;
	r->sum = 0xcbf29ce484222325ULL;
	do {
		if (!line(c, l, sizeof(l)))
			return false;
	} while (l[0] == '\0');
	(void)sscanf(l, "%31s %1023s", r->method, r->target);
	r->http10 = strstr(l, "HTTP/1.0") != NULL;
	r->close = r->http10;
	for (;;) {
		n = strlen(l);
		if (r->headlen + n + 2 < sizeof(r->head)) {
			memcpy(r->head + r->headlen, l, n);
			memcpy(r->head + r->headlen + n, "\r\n", 2);
			r->headlen += n + 2;
		}
		if (l[0] == '\0')
			return true;
		if (!line(c, l, sizeof(l)))
			return false;
		if (l[0] != '\0')
			head_field(r, l);
	}
}

static bool
read_bytes(struct conn *c, struct req *r, uint64_t n)
{
	size_t	k;

	while (n > 0) {
		if (c->len == 0 && !conn_fill(c))
			return false;
		k = c->len < n ? c->len : (size_t)n;
		req_sum(r, c->buf, k);
		consume(c, k);
		n -= k;
	}
	return true;
}

static bool
read_body(struct conn *c, struct req *r)
{
	char		l[HEAD_MAX];
	uint64_t	n;
	size_t		tl;

	if (!r->chunked)
		return r->length <= 0 || read_bytes(c, r, (uint64_t)r->length);
	for (;;) {
		if (!line(c, l, sizeof(l)))
			return false;
		n = strtoull(l, NULL, 16);
		if (n == 0)
			break;
		if (!read_bytes(c, r, n) || !line(c, l, sizeof(l)))
			return false;
	}
	for (;;) {
		if (!line(c, l, sizeof(l)))
			return false;
		if (l[0] == '\0')
			return true;
		tl = strlen(r->trailers);
		(void)snprintf(r->trailers + tl, sizeof(r->trailers) - tl,
		    "trailer %.1000s\n", l);
	}
}

/* echo's body: the head, then what the body was. */
static size_t
echo_body(const struct req *r, char *out, size_t size)
{
	int	n;

	n = snprintf(out, size, "%.*sbody=%llu sum=%016llx\n%s",
	    (int)r->headlen, r->head, (unsigned long long)r->body,
	    (unsigned long long)r->sum, r->trailers);
	return n < 0 ? 0 : (size_t)n >= size ? size - 1 : (size_t)n;
}

static size_t
fields(const struct conn *c, const struct req *r, char *out, size_t size)
{
	size_t	n;
	int	i;

	n = (size_t)snprintf(out, size, "Server: httptool\r\nX-Conn: %d\r\n"
	    "X-Req: %d\r\n%s", c->k, c->n, r->close ? "Connection: close\r\n" :
	    "");
	for (i = 0; i < nextra && n < size; i++)
		n += (size_t)snprintf(out + n, size - n, "%s\r\n", extra[i]);
	return n < size ? n : size - 1;
}

static void
answer(struct conn *c, const struct req *r, const char *mode)
{
	static char	body[HEAD_MAX * 2], out[HEAD_MAX * 3];
	char		f[2048];
	size_t		bl = echo_body(r, body, sizeof(body));
	int		n;

	(void)fields(c, r, f, sizeof(f));
	if (strcmp(mode, "chunked") == 0) {
		n = snprintf(out, sizeof(out), "HTTP/1.1 200 OK\r\n%s"
		    "Transfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n"
		    "%zx;part=1\r\n", f, bl);
		write_all(c->fd, out, (size_t)n);
		write_all(c->fd, body, bl);
		n = snprintf(out, sizeof(out), "\r\n0\r\nX-Sum: %016llx\r\n"
		    "\r\n", (unsigned long long)r->sum);
		write_all(c->fd, out, (size_t)n);
		return;
	}
	n = snprintf(out, sizeof(out), "HTTP/1.1 200 OK\r\n%sContent-Length: "
	    "%zu\r\n\r\n", f, bl);
	write_all(c->fd, out, (size_t)n);
	if (strcmp(r->method, "HEAD") != 0)
		write_all(c->fd, body, bl);
}

/* FILE as it is, whatever it says, and the connection kept. */
static void
send_file(int out, const char *file)
{
	static char	buf[HEAD_MAX * 4];
	ssize_t		n;
	int		fd;

	if ((fd = open(file, O_RDONLY)) == -1)
		die(file);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		write_all(out, buf, (size_t)n);
	close(fd);
}

static void __attribute__((noreturn))
serve_raw(struct conn *c, const char *file)
{
	struct req	r;

	if (read_head(c, &r)) {
		logline("req %d 1 %s %s", c->k, r.method, r.target);
		send_file(c->fd, file);
	}
	close(c->fd);
	_exit(0);
}

static void __attribute__((noreturn))
serve_upgrade(struct conn *c, const char *protocol)
{
	char		buf[65536], ok[512];
	struct req	r;
	ssize_t		n;

	if (strcmp(protocol, "-") == 0)
		(void)snprintf(ok, sizeof(ok), "HTTP/1.1 101 Switching "
		    "Protocols\r\nConnection: Upgrade\r\n\r\n");
	else
		(void)snprintf(ok, sizeof(ok), "HTTP/1.1 101 Switching "
		    "Protocols\r\nUpgrade: %s\r\nConnection: Upgrade\r\n\r\n",
		    protocol);
	if (!read_head(c, &r))
		_exit(0);
	logline("req %d 1 %s %s", c->k, r.method, r.target);
	write_all(c->fd, ok, strlen(ok));
	if (c->len > 0)
		write_all(c->fd, c->buf, c->len);
	while ((n = read(c->fd, buf, sizeof(buf))) > 0)
		write_all(c->fd, buf, (size_t)n);
	logline("closed %d", c->k);
	_exit(0);
}

static void __attribute__((noreturn))
serve_one(struct conn *c, int argc, char *argv[])
{
	struct req	 r;
	const char	*mode = argv[0];
	char		 cut[256];
	int		 n;

	if (strcmp(mode, "raw") == 0 && argc > 1)
		serve_raw(c, argv[1]);
	if (strcmp(mode, "upgrade") == 0)
		serve_upgrade(c, argc > 1 ? argv[1] : "websocket");
	while (read_head(c, &r)) {
		c->n++;
		logline("req %d %d %s %s", c->k, c->n, r.method, r.target);
		if (strcmp(mode, "flaky") == 0 && c->n == 2)
			break;
		if (r.expect && strcmp(mode, "continue") == 0)
			write_all(c->fd, "HTTP/1.1 100 Continue\r\n\r\n", 25);
		if (!read_body(c, &r))
			break;
		if (strcmp(mode, "slow") == 0 && argc > 1)
			sleep_ms(atoi(argv[1]));
		if (strcmp(mode, "keep") == 0 && argc > 1) {
			send_file(c->fd, argv[1]);
			continue;
		}
		if (strcmp(mode, "cut") == 0 && argc > 1) {
			n = snprintf(cut, sizeof(cut), "HTTP/1.1 200 OK\r\n"
			    "Content-Length: %d\r\n\r\n", 2 * atoi(argv[1]));
			write_all(c->fd, cut, (size_t)n);
			for (n = atoi(argv[1]); n > 0; n--)
				write_all(c->fd, "x", 1);
			break;
		}
		answer(c, &r, mode);
		if (r.close)
			break;
	}
	close(c->fd);
	_exit(0);
}

static void
serve(const char *addr, int port, int argc, char *argv[])
{
	static struct conn	c;
	int			l;

	if ((l = listen_on(addr, port, 512)) == -1)
		die("listen");
	signal(SIGCHLD, SIG_IGN);
	for (;;) {
		if ((c.fd = accept_next(l)) == -1)
			die("accept");
		c.k++;
		logline("conn %d", c.k);
		switch (fork()) {
		case -1:
			die("fork");
		case 0:
			close(l);
			serve_one(&c, argc, argv);
		default:
			close(c.fd);
		}
	}
}

static int
dial(const char *addr, int port)
{
	struct sockaddr_in	sin;
	int			fd;

	if (addr_fill(addr, port, &sin) == -1) {
		fprintf(stderr, "httptool: bad address %s\n", addr);
		exit(2);
	}
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		die("socket");
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		die("connect");
	return fd;
}

static size_t
read_file(const char *path, char **out)
{
	struct stat	st;
	ssize_t		n;
	int		fd;

	if ((fd = open(path, O_RDONLY)) == -1 || fstat(fd, &st) == -1)
		die(path);
	if ((*out = malloc((size_t)st.st_size + 1)) == NULL)
		die("malloc");
	if ((n = read(fd, *out, (size_t)st.st_size)) != st.st_size)
		die(path);
	close(fd);
	return (size_t)n;
}

/* What comes back, to the close: printed as it is. */
static void
print_back(int fd)
{
	char	buf[65536];
	ssize_t	n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	fflush(stdout);
}

static void
client_raw(const char *addr, int port, const char *file, int ms, int pace)
{
	char	*data;
	size_t	 n = read_file(file, &data), i;
	int	 fd = dial(addr, port);

	if (pace > 0)
		for (i = 0; i < n; i++) {
			write_all(fd, data + i, 1);
			sleep_ms(pace);
		}
	else
		write_all(fd, data, n);
	if (ms > 0)
		sleep_ms(ms);
	print_back(fd);
	free(data);
}

static void
client_ws(const char *addr, int port, const char *text, const char *offer)
{
	char		 req[512], buf[65536], *end;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd = dial(addr, port);

	(void)snprintf(req, sizeof(req), "GET /ws HTTP/1.1\r\nHost: "
	    "ws.example\r\nUpgrade: %s\r\nConnection: Upgrade\r\n\r\n",
	    offer);
	write_all(fd, req, strlen(req));
	while ((end = memmem(buf, len, "\r\n\r\n", 4)) == NULL) {
		if ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) <= 0)
			die("read");
		len += (size_t)n;
	}
	buf[len] = '\0';
	printf("%.*s\n", (int)strcspn(buf, "\r"), buf);
	len -= (size_t)(end + 4 - buf);
	write_all(fd, text, strlen(text));
	shutdown(fd, SHUT_WR);
	fwrite(end + 4, 1, len, stdout);
	print_back(fd);
	printf("\n");
}

static void
usage(void)
{
	fprintf(stderr, "usage: httptool [-T secs] [-l log] [-H field] "
	    "serve ADDR PORT MODE [ARG] | raw ADDR PORT FILE [MS] | "
	    "trickle ADDR PORT FILE MS | ws ADDR PORT TEXT [OFFER]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	int	ch, secs = 60;

	while ((ch = getopt(argc, argv, "T:l:H:")) != -1) {
		switch (ch) {
		case 'T':
			secs = atoi(optarg);
			break;
		case 'l':
			logfile = optarg;
			break;
		case 'H':
			if (nextra < EXTRA_MAX)
				extra[nextra++] = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 4)
		usage();
	signal(SIGPIPE, SIG_IGN);
	alarm((unsigned)secs);
	if (strcmp(argv[0], "serve") == 0)
		serve(argv[1], atoi(argv[2]), argc - 3, argv + 3);
	else if (strcmp(argv[0], "raw") == 0)
		client_raw(argv[1], atoi(argv[2]), argv[3], argc > 4 ?
		    atoi(argv[4]) : 0, 0);
	else if (strcmp(argv[0], "trickle") == 0 && argc > 4)
		client_raw(argv[1], atoi(argv[2]), argv[3], 0, atoi(argv[4]));
	else if (strcmp(argv[0], "ws") == 0)
		client_ws(argv[1], atoi(argv[2]), argv[3], argc > 4 ?
		    argv[4] : "websocket");
	else
		usage();
	return 0;
}
