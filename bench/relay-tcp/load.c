/*
 * The load of bench/relay-tcp, one epoll loop:
 *   load short ADDR PORT CONC SECS SIZE
 *	sessions per second: CONC at a time, each connects, writes SIZE
 *	bytes, reads SIZE bytes back and closes; prints sessions=,
 *	per_sec=, errors=, p50_us=, p99_us=
 *   load stream ADDR PORT BYTES
 *	one connection read to BYTES (discarded in the kernel); prints
 *	bytes=, secs=, mb_per_sec=
 *   load idle ADDR PORT N
 *	N connections, each echoed one byte; prints "ready N" and holds
 *	them until stdin closes
 */
#include <sys/epoll.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXFD		200000
#define MAXSAMPLES	4000000

struct conn {
	uint64_t	start_ns;
	size_t		sent;
	size_t		got;
	int		active;
};

static struct sockaddr_in	 target;
static struct conn		 conns[MAXFD];
static uint32_t			*samples;
static size_t			 nsamples;

static uint64_t
now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void
die(const char *what)
{
	fprintf(stderr, "load: %s: %s\n", what, strerror(errno));
	exit(2);
}

static int
dial(int ep, uint32_t events)
{
	struct epoll_event	ev;
	int			fd, on = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd == -1 || fd >= MAXFD)
		die("socket");
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	if (connect(fd, (struct sockaddr *)&target, sizeof(target)) == -1 &&
	    errno != EINPROGRESS)
		die("connect");
	ev.events = events;
	ev.data.fd = fd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == -1)
		die("epoll_ctl");
	memset(&conns[fd], 0, sizeof(conns[fd]));
	conns[fd].start_ns = now_ns();
	conns[fd].active = 1;
	return fd;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t	x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* One step of a short session; 1 when it ended (well or not). */
static int
short_step(int fd, size_t size, uint64_t *errors)
{
	static char	buf[65536], data[65536];
	struct conn	*c = &conns[fd];
	ssize_t		 n;

	while (c->sent < size) {
		n = send(fd, data, size - c->sent, MSG_NOSIGNAL);
		if (n > 0) {
			c->sent += (size_t)n;
			continue;
		}
		if (n == -1 && errno == EAGAIN)
			return 0;
		(*errors)++;
		return 1;
	}
	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n > 0) {
			c->got += (size_t)n;
			if (c->got >= size)
				break;
			continue;
		}
		if (n == -1 && errno == EAGAIN)
			return 0;
		(*errors)++;
		return 1;
	}
	if (nsamples < MAXSAMPLES)
		samples[nsamples++] = (uint32_t)((now_ns() - c->start_ns) /
		    1000);
	return 1;
}

static void
run_short(int conc, int secs, size_t size)
{
	struct epoll_event	evs[512];
	uint64_t		end, sessions = 0, errors = 0, start;
	int			ep, i, n, fd, open = 0;
	double			el;

	if ((samples = calloc(MAXSAMPLES, sizeof(*samples))) == NULL ||
	    (ep = epoll_create1(0)) == -1)
		die("setup");
	start = now_ns();
	end = start + (uint64_t)secs * 1000000000ULL;
	for (i = 0; i < conc; i++, open++)
		dial(ep, EPOLLIN | EPOLLOUT | EPOLLET);
	while (open > 0) {
		if ((n = epoll_wait(ep, evs, 512, 1000)) == -1) {
			if (errno == EINTR)
				continue;
			die("epoll_wait");
		}
		for (i = 0; i < n; i++) {
			fd = evs[i].data.fd;
			if (!conns[fd].active || !short_step(fd, size,
			    &errors))
				continue;
			conns[fd].active = 0;
			close(fd);
			open--;
			sessions++;
			if (now_ns() < end) {
				dial(ep, EPOLLIN | EPOLLOUT | EPOLLET);
				open++;
			}
		}
	}
	el = (double)(now_ns() - start) / 1e9;
	qsort(samples, nsamples, sizeof(*samples), cmp_u32);
	printf("sessions=%llu per_sec=%.0f errors=%llu p50_us=%u p99_us=%u\n",
	    (unsigned long long)sessions, (double)sessions / el,
	    (unsigned long long)errors,
	    nsamples ? samples[nsamples / 2] : 0,
	    nsamples ? samples[nsamples * 99 / 100] : 0);
}

static void
run_stream(uint64_t bytes)
{
	static char	buf[1 << 20];
	uint64_t	got = 0, start;
	ssize_t		n;
	int		fd, on = 1;
	double		el;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		die("socket");
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	if (connect(fd, (struct sockaddr *)&target, sizeof(target)) == -1)
		die("connect");
	start = now_ns();
	while (got < bytes) {
		/* MSG_TRUNC: TCP discards in the kernel, no copy here */
		n = recv(fd, buf, sizeof(buf), MSG_TRUNC);
		if (n <= 0)
			break;
		got += (uint64_t)n;
	}
	el = (double)(now_ns() - start) / 1e9;
	printf("bytes=%llu secs=%.3f mb_per_sec=%.0f\n",
	    (unsigned long long)got, el, (double)got / el / 1e6);
	if (got < bytes)
		exit(1);
}

static void
run_idle(int count)
{
	struct epoll_event	evs[512];
	char			c = 'x';
	int			ep, i, n, fd, ready = 0;

	if ((ep = epoll_create1(0)) == -1)
		die("epoll");
	for (i = 0; i < count; i++) {
		fd = dial(ep, EPOLLIN | EPOLLOUT | EPOLLET);
		conns[fd].sent = 0;
	}
	while (ready < count) {
		if ((n = epoll_wait(ep, evs, 512, 10000)) <= 0)
			die("idle sessions not established");
		for (i = 0; i < n; i++) {
			fd = evs[i].data.fd;
			if (conns[fd].sent == 0 && (evs[i].events & EPOLLOUT) &&
			    send(fd, &c, 1, MSG_NOSIGNAL) == 1)
				conns[fd].sent = 1;
			if ((evs[i].events & EPOLLIN) && conns[fd].got == 0 &&
			    recv(fd, &c, 1, 0) == 1) {
				conns[fd].got = 1;
				ready++;
			}
		}
	}
	printf("ready %d\n", ready);
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
}

int
main(int argc, char *argv[])
{
	if (argc < 5)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	memset(&target, 0, sizeof(target));
	target.sin_family = AF_INET;
	target.sin_port = htons((uint16_t)atoi(argv[3]));
	if (inet_pton(AF_INET, argv[2], &target.sin_addr) != 1)
		return 2;
	if (strcmp(argv[1], "short") == 0 && argc == 7)
		run_short(atoi(argv[4]), atoi(argv[5]),
		    (size_t)atoi(argv[6]));
	else if (strcmp(argv[1], "stream") == 0)
		run_stream(strtoull(argv[4], NULL, 10));
	else if (strcmp(argv[1], "idle") == 0)
		run_idle(atoi(argv[4]));
	else
		return 2;
	return 0;
}
