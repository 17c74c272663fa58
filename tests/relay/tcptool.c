/*
 * Backends and clients for the relay tests, on loopback.  Bytes are
 * seeded pseudo-random and summed (FNV-1a), so both ends can say what
 * they sent and got.  Every mode ends within -T seconds (default 60).
 *
 * Servers (one child per connection, except name):
 *   serve ADDR PORT echo          echo until EOF, then close the write side
 *   serve ADDR PORT name NAME     write "NAME\n" and close
 *   serve ADDR PORT sink          read to EOF, answer "bytes=N sum=S\n"
 *   serve ADDR PORT source N SEED write N bytes, then close
 *   serve ADDR PORT slow MS       read 4 KiB every MS ms, answer as sink
 *   serve ADDR PORT reset N       write N bytes, then reset the connection
 * Clients (-b ADDR: bind this source address first):
 *   send ADDR PORT N SEED         write N bytes, close the write side,
 *                                 print "sent=N sum=S" and what comes back
 *   recv ADDR PORT [-d MS]        close the write side, read to EOF
 *                                 (MS ms between 64 KiB reads), print
 *                                 "bytes=N sum=S"
 *   echo ADDR PORT N SEED         write N bytes while reading the echo,
 *                                 print "sent=N sum=S got=N sum=S"
 *   who ADDR PORT [COUNT]         COUNT connections, print each answer
 *   trickle ADDR PORT N MS        write one byte every MS ms N times, then
 *                                 read to EOF: "sent=N got=N"
 *   hold ADDR PORT COUNT MS       open COUNT connections, hold them MS ms,
 *                                 print "open=K closed=C" (closed by peer)
 *   burst ADDR PORT N MS          echo N bytes, then stay silent up to MS
 *                                 ms: "got=N closed=0|1" (closed by peer)
 *   abort ADDR PORT N             write N bytes, then reset the connection
 * And:
 *   sum N SEED                    print "bytes=N sum=S" of N seeded bytes
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/relay/seeded.h"

#define CHUNK	65536

static const char	*bind_addr;
static int		 delay_ms;

static void __attribute__((noreturn))
die(const char *what)
{
	fprintf(stderr, "tcptool: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void
sockaddr_fill(const char *addr, int port, struct sockaddr_in *sin)
{
	if (addr_fill(addr, port, sin) == -1) {
		fprintf(stderr, "tcptool: bad address %s\n", addr);
		exit(2);
	}
}

static int
dial(const char *addr, int port)
{
	struct sockaddr_in	sin, src;
	int			fd, on = 1;

	sockaddr_fill(addr, port, &sin);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		die("socket");
	if (bind_addr != NULL) {
		sockaddr_fill(bind_addr, 0, &src);
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on,
		    sizeof(on));
		if (bind(fd, (struct sockaddr *)&src, sizeof(src)) == -1)
			die("bind");
	}
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		die("connect");
	return fd;
}

static void
write_all(int fd, const uint8_t *p, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			die("write");
		}
		p += w;
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

/* Read to EOF into st; a reset counts as the end too (printed). */
static int
read_all(int fd, struct stream *st, int pause_ms)
{
	static uint8_t	buf[CHUNK];
	ssize_t		n;

	for (;;) {
		n = read(fd, buf, pause_ms > 0 ? 4096 : sizeof(buf));
		if (n == 0)
			return 0;
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		sum(st, buf, (size_t)n);
		if (pause_ms > 0)
			sleep_ms(pause_ms);
	}
}

static void
send_stream(int fd, uint64_t total, uint64_t seed, struct stream *st)
{
	static uint8_t	buf[CHUNK];
	struct stream	gen = { seed, 0, 0 };
	size_t		n;

	while (total > 0) {
		n = total < sizeof(buf) ? (size_t)total : sizeof(buf);
		fill(&gen, buf, n);
		sum(st, buf, n);
		write_all(fd, buf, n);
		total -= n;
	}
}

/* Server side of one connection, in a child. */
static void __attribute__((noreturn))
serve_one(int fd, int argc, char *argv[])
{
	static uint8_t	buf[CHUNK];
	struct stream	st = { 0, 0, 0 };
	char		line[128];
	ssize_t		n;
	const char	*mode = argv[0];

	if (strcmp(mode, "echo") == 0) {
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			write_all(fd, buf, (size_t)n);
		shutdown(fd, SHUT_WR);
		while (read(fd, buf, sizeof(buf)) > 0)
			;
	} else if (strcmp(mode, "sink") == 0 || strcmp(mode, "slow") == 0) {
		(void)read_all(fd, &st, mode[1] == 'l' && argc > 1 ?
		    atoi(argv[1]) : 0);
		snprintf(line, sizeof(line), "bytes=%llu sum=%016llx\n",
		    (unsigned long long)st.n,
		    (unsigned long long)final(&st));
		write_all(fd, (const uint8_t *)line, strlen(line));
	} else if (strcmp(mode, "source") == 0 && argc > 2) {
		send_stream(fd, strtoull(argv[1], NULL, 10),
		    strtoull(argv[2], NULL, 10), &st);
	} else if (strcmp(mode, "reset") == 0 && argc > 1) {
		struct linger	lg = { 1, 0 };

		send_stream(fd, strtoull(argv[1], NULL, 10), 1, &st);
		(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	close(fd);
	_exit(0);
}

static void
serve(const char *addr, int port, int argc, char *argv[])
{
	char			line[256];
	int			l, fd;

	if ((l = listen_on(addr, port, 512)) == -1)
		die("listen");
	signal(SIGCHLD, SIG_IGN);
	for (;;) {
		if ((fd = accept_next(l)) == -1)
			die("accept");
		if (strcmp(argv[0], "name") == 0 && argc > 1) {
			snprintf(line, sizeof(line), "%s\n", argv[1]);
			write_all(fd, (const uint8_t *)line, strlen(line));
			close(fd);
			continue;
		}
		switch (fork()) {
		case -1:
			die("fork");
		case 0:
			close(l);
			serve_one(fd, argc, argv);
		default:
			close(fd);
		}
	}
}

static void
print_reply(int fd)
{
	char	buf[4096];
	ssize_t	n;
	size_t	len = 0;

	while (len < sizeof(buf) - 1 &&
	    (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	printf("%s", buf);
}

static void
client_send(const char *addr, int port, uint64_t n, uint64_t seed)
{
	struct stream	st = { 0, 0, 0 };
	int		fd = dial(addr, port);

	send_stream(fd, n, seed, &st);
	shutdown(fd, SHUT_WR);
	printf("sent=%llu sum=%016llx ", (unsigned long long)st.n,
	    (unsigned long long)final(&st));
	print_reply(fd);
	printf("\n");
	close(fd);
}

static void
client_recv(const char *addr, int port)
{
	struct stream	st = { 0, 0, 0 };
	int		fd = dial(addr, port);
	int		rv;

	shutdown(fd, SHUT_WR);
	rv = read_all(fd, &st, delay_ms);
	printf("bytes=%llu sum=%016llx%s\n", (unsigned long long)st.n,
	    (unsigned long long)final(&st), rv == -1 ? " reset" : "");
	close(fd);
}

/*
 * Write total bytes while reading the echo, so neither side waits on the
 * other.  With shut, close the write side after them and read to EOF;
 * without, stop once the echo is whole, the connection left open.
 */
static void
echo_loop(int fd, uint64_t total, uint64_t seed, int shut,
    struct stream *sent, struct stream *got)
{
	static uint8_t	out[CHUNK], in[CHUNK];
	struct stream	gen = { seed, 0, 0 };
	struct pollfd	pfd;
	size_t		olen = 0, ooff = 0;
	uint64_t	want = total;
	ssize_t		n;
	int		wdone = 0;

	pfd.fd = fd;
	while (shut || got->n < want) {
		pfd.events = POLLIN | (wdone ? 0 : POLLOUT);
		if (poll(&pfd, 1, -1) == -1) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (!wdone && (pfd.revents & POLLOUT)) {
			if (ooff == olen && total > 0) {
				olen = total < sizeof(out) ? total : sizeof(out);
				fill(&gen, out, olen);
				sum(sent, out, olen);
				total -= olen;
				ooff = 0;
			}
			if ((n = write(fd, out + ooff, olen - ooff)) > 0)
				ooff += (size_t)n;
			if (ooff == olen && total == 0) {
				if (shut)
					shutdown(fd, SHUT_WR);
				wdone = 1;
			}
		}
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
			if ((n = read(fd, in, sizeof(in))) <= 0)
				break;
			sum(got, in, (size_t)n);
		}
	}
}

static void
client_echo(const char *addr, int port, uint64_t total, uint64_t seed)
{
	struct stream	sent = { 0, 0, 0 }, got = { 0, 0, 0 };
	int		fd = dial(addr, port);

	echo_loop(fd, total, seed, 1, &sent, &got);
	printf("sent=%llu sum=%016llx got=%llu sum=%016llx\n",
	    (unsigned long long)sent.n, (unsigned long long)final(&sent),
	    (unsigned long long)got.n, (unsigned long long)final(&got));
	close(fd);
}

/* A burst through an echo, then silence: does the peer close in ms? */
static void
client_burst(const char *addr, int port, uint64_t total, int ms)
{
	struct stream	sent = { 0, 0, 0 }, got = { 0, 0, 0 };
	struct pollfd	pfd;
	char		c;
	int		fd = dial(addr, port), closed = 0;

	echo_loop(fd, total, 1, 0, &sent, &got);
	pfd.fd = fd;
	pfd.events = POLLIN;
	if (got.n == total && poll(&pfd, 1, ms) == 1 &&
	    recv(fd, &c, 1, 0) <= 0)
		closed = 1;
	printf("got=%llu closed=%d\n", (unsigned long long)got.n, closed);
	close(fd);
}

static void
client_who(const char *addr, int port, int count)
{
	int	i, fd;

	for (i = 0; i < count; i++) {
		fd = dial(addr, port);
		print_reply(fd);
		close(fd);
	}
}

static void
client_trickle(const char *addr, int port, int count, int ms)
{
	struct stream	got = { 0, 0, 0 };
	int		i, fd = dial(addr, port);

	for (i = 0; i < count; i++) {
		write_all(fd, (const uint8_t *)"x", 1);
		sleep_ms(ms);
	}
	shutdown(fd, SHUT_WR);
	(void)read_all(fd, &got, 0);
	printf("sent=%d got=%llu\n", count, (unsigned long long)got.n);
	close(fd);
}

static void
client_hold(const char *addr, int port, int count, int ms)
{
	struct pollfd	*p;
	char		 c;
	int		 i, closed = 0, open = 0;

	if ((p = calloc((size_t)count, sizeof(*p))) == NULL)
		die("calloc");
	for (i = 0; i < count; i++) {
		p[i].fd = dial(addr, port);
		p[i].events = POLLIN;
		open++;
	}
	sleep_ms(ms);
	if (poll(p, (nfds_t)count, 0) == -1)
		die("poll");
	for (i = 0; i < count; i++)
		if ((p[i].revents & (POLLIN | POLLHUP)) &&
		    recv(p[i].fd, &c, 1, MSG_DONTWAIT) <= 0)
			closed++;
	printf("open=%d closed=%d\n", open, closed);
	for (i = 0; i < count; i++)
		close(p[i].fd);
	free(p);
}

static void
client_abort(const char *addr, int port, uint64_t n)
{
	struct stream	st = { 0, 0, 0 };
	struct linger	lg = { 1, 0 };
	int		fd = dial(addr, port);

	send_stream(fd, n, 1, &st);
	(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
	printf("aborted after %llu\n", (unsigned long long)n);
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: tcptool [-T secs] [-b addr] [-d ms] "
	    "serve|send|recv|echo|who|trickle|hold|abort|burst ADDR PORT "
	    "...\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	int	ch, secs = 60, port;

	while ((ch = getopt(argc, argv, "+T:b:d:")) != -1) {
		switch (ch) {
		case 'T':
			secs = atoi(optarg);
			break;
		case 'b':
			bind_addr = optarg;
			break;
		case 'd':
			delay_ms = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 3 && strcmp(argv[0], "sum") == 0) {
		static uint8_t	buf[CHUNK];
		struct stream	gen = { strtoull(argv[2], NULL, 10), 0, 0 };
		struct stream	st = { 0, 0, 0 };
		uint64_t	left = strtoull(argv[1], NULL, 10);
		size_t		n;

		while (left > 0) {
			n = left < sizeof(buf) ? (size_t)left : sizeof(buf);
			fill(&gen, buf, n);
			sum(&st, buf, n);
			left -= n;
		}
		printf("bytes=%llu sum=%016llx\n", (unsigned long long)st.n,
		    (unsigned long long)final(&st));
		return 0;
	}
	if (argc < 3)
		usage();
	signal(SIGPIPE, SIG_IGN);
	alarm((unsigned)secs);
	port = atoi(argv[2]);
	if (strcmp(argv[0], "serve") == 0 && argc > 3)
		serve(argv[1], port, argc - 3, argv + 3);
	else if (strcmp(argv[0], "send") == 0 && argc == 5)
		client_send(argv[1], port, strtoull(argv[3], NULL, 10),
		    strtoull(argv[4], NULL, 10));
	else if (strcmp(argv[0], "recv") == 0 && argc == 3)
		client_recv(argv[1], port);
	else if (strcmp(argv[0], "echo") == 0 && argc == 5)
		client_echo(argv[1], port, strtoull(argv[3], NULL, 10),
		    strtoull(argv[4], NULL, 10));
	else if (strcmp(argv[0], "who") == 0 && argc <= 4)
		client_who(argv[1], port, argc == 4 ? atoi(argv[3]) : 1);
	else if (strcmp(argv[0], "trickle") == 0 && argc == 5)
		client_trickle(argv[1], port, atoi(argv[3]), atoi(argv[4]));
	else if (strcmp(argv[0], "abort") == 0 && argc == 4)
		client_abort(argv[1], port, strtoull(argv[3], NULL, 10));
	else if (strcmp(argv[0], "hold") == 0 && argc == 5)
		client_hold(argv[1], port, atoi(argv[3]), atoi(argv[4]));
	else if (strcmp(argv[0], "burst") == 0 && argc == 5)
		client_burst(argv[1], port, strtoull(argv[3], NULL, 10),
		    atoi(argv[4]));
	else
		usage();
	return 0;
}
