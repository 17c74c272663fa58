/*
 * The backend of bench/relay-tcp: one epoll loop, so that it costs
 * little next to the proxies it serves.
 *   backend ADDR PORT echo     echo every byte; close after the client
 *   backend ADDR PORT source N send N bytes (sendfile from memory), close
 */
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FILE_SIZE	(64 * 1024 * 1024)
#define MAXFD		200000

static uint64_t	 left[MAXFD];	/* source: bytes still to send */
static off_t	 foff[MAXFD];
static int	 memfd = -1;

static void
die(const char *what)
{
	fprintf(stderr, "backend: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void
add(int ep, int fd, uint32_t events)
{
	struct epoll_event	ev = { .events = events, .data.fd = fd };

	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == -1)
		die("epoll_ctl");
}

static void
echo(int fd)
{
	static char	buf[65536];
	ssize_t		n;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n > 0) {
			/* echo: small answers fit the socket buffer */
			if (send(fd, buf, (size_t)n, MSG_NOSIGNAL) != n) {
				close(fd);
				return;
			}
			if ((size_t)n < sizeof(buf))
				return;
			continue;
		}
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return;
		close(fd);
		return;
	}
}

static void
source(int fd)
{
	ssize_t	n;
	size_t	chunk;

	while (left[fd] > 0) {
		if (foff[fd] >= FILE_SIZE)
			foff[fd] = 0;
		chunk = FILE_SIZE - (size_t)foff[fd];
		if (chunk > left[fd])
			chunk = (size_t)left[fd];
		n = sendfile(fd, memfd, &foff[fd], chunk);
		if (n > 0) {
			left[fd] -= (uint64_t)n;
			continue;
		}
		if (n == -1 && errno == EAGAIN)
			return;
		break;
	}
	close(fd);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	sin;
	struct epoll_event	evs[256];
	uint64_t		total = 0;
	int			l, ep, n, i, fd, on = 1, is_source;

	if (argc < 4)
		return 2;
	is_source = strcmp(argv[3], "source") == 0;
	if (is_source) {
		if (argc < 5)
			return 2;
		total = strtoull(argv[4], NULL, 10);
		if ((memfd = memfd_create("source", 0)) == -1 ||
		    ftruncate(memfd, FILE_SIZE) == -1)
			die("memfd");
	}
	signal(SIGPIPE, SIG_IGN);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)atoi(argv[2]));
	if (inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1)
		return 2;
	if ((l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1 ||
	    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    bind(l, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(l, 4096) == -1)
		die("listen");
	if ((ep = epoll_create1(0)) == -1)
		die("epoll");
	add(ep, l, EPOLLIN);
	for (;;) {
		if ((n = epoll_wait(ep, evs, 256, -1)) == -1) {
			if (errno == EINTR)
				continue;
			die("epoll_wait");
		}
		for (i = 0; i < n; i++) {
			fd = evs[i].data.fd;
			if (fd != l) {
				if (is_source)
					source(fd);
				else
					echo(fd);
				continue;
			}
			while ((fd = accept4(l, NULL, NULL, SOCK_NONBLOCK)) !=
			    -1) {
				if (fd >= MAXFD) {
					close(fd);
					continue;
				}
				(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY,
				    &on, sizeof(on));
				left[fd] = total;
				foff[fd] = 0;
				add(ep, fd, (is_source ? EPOLLOUT : EPOLLIN) |
				    EPOLLET);
				if (is_source)
					source(fd);
			}
		}
	}
}
