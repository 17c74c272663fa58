/*
 * Idle keep-alive connections for bench/relay-http:
 *   idle ADDR PORT N
 * opens N connections, BATCH at a time, sends one GET on each and reads
 * its answer whole (a head with Content-Length); prints "ready N" and
 * holds them, idle, until stdin closes.  Batches keep the proxy's peak
 * of requests in flight small, so that its memory afterwards is what
 * idle connections cost, not what a burst of 10,000 requests left.
 */
#include <sys/epoll.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define MAXFD	200000
#define BATCH	32

static const char	 request[] = "GET / HTTP/1.1\r\nHost: bench\r\n\r\n";

struct conn {
	char	 buf[512];
	size_t	 len;
	bool	 sent, done;
};

static struct conn	*conns;

static void
die(const char *what)
{
	fprintf(stderr, "idle: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* Is the answer in c whole? */
static bool
whole(struct conn *c)
{
	char	*end, *cl;

	c->buf[c->len] = '\0';
	if ((end = strstr(c->buf, "\r\n\r\n")) == NULL ||
	    (cl = strcasestr(c->buf, "\r\nContent-Length:")) == NULL)
		return false;
	return c->len - (size_t)(end + 4 - c->buf) >=
	    strtoul(cl + 17, NULL, 10);
}

static void
dial(int ep, const struct sockaddr_in *sin)
{
	struct epoll_event	ev;
	int			fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd == -1 || fd >= MAXFD)
		die("socket");
	if (connect(fd, (const struct sockaddr *)sin, sizeof(*sin)) == -1 &&
	    errno != EINPROGRESS)
		die("connect");
	ev.events = EPOLLIN | EPOLLOUT | EPOLLET;
	ev.data.fd = fd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == -1)
		die("epoll_ctl");
}

/* The request out, the answer in: true once it is whole. */
static bool
progress(int fd, uint32_t events)
{
	struct conn	*c = &conns[fd];
	ssize_t		 r;

	if (!c->sent && (events & EPOLLOUT) && send(fd, request,
	    sizeof(request) - 1, MSG_NOSIGNAL) == (ssize_t)sizeof(request) - 1)
		c->sent = true;
	while (!c->done && (events & EPOLLIN) && c->len < sizeof(c->buf) - 1 &&
	    (r = recv(fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len,
	    0)) > 0) {
		c->len += (size_t)r;
		if (whole(c)) {
			c->done = true;
			return true;
		}
	}
	return false;
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	 sin;
	struct epoll_event	 evs[512];
	int			 ep, i, n, count, opened, ready = 0;
	char			 x;

	if (argc != 4)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	count = atoi(argv[3]);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)atoi(argv[2]));
	if (inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1)
		return 2;
	if ((conns = calloc(MAXFD, sizeof(*conns))) == NULL ||
	    (ep = epoll_create1(0)) == -1)
		die("setup");
	for (opened = 0; opened < count || ready < opened;) {
		for (; opened < count && opened - ready < BATCH; opened++)
			dial(ep, &sin);
		if ((n = epoll_wait(ep, evs, 512, 20000)) <= 0)
			die("idle connections not established");
		for (i = 0; i < n; i++)
			if (progress(evs[i].data.fd, evs[i].events))
				ready++;
	}
	printf("ready %d\n", ready);
	fflush(stdout);
	while (read(0, &x, 1) > 0)
		;
	return 0;
}
