/*
 * The backend of bench/relay-http: HTTP/1.1 keep-alive in one epoll
 * loop, so that it costs little next to the proxies it serves.
 *   backend ADDR PORT
 * GET /1m answers 1 MiB, any other target 100 bytes; requests may be
 * pipelined; "Connection: close" closes after the answer.  Requests
 * carry no body (the benchmark sends none).
 */
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define MAXFD		200000
#define INBUF		16384
#define BIG		(1024 * 1024)
#define SMALL		100

struct conn {
	char	*in;
	size_t	 len;
	size_t	 left;		/* of the answer being written */
	size_t	 total;		/* its size: head and body */
	size_t	 headlen;
	bool	 close;		/* after this answer */
	char	 head[128];
};

static struct conn	 conns[MAXFD];
static char		 body[BIG];

static void
die(const char *what)
{
	fprintf(stderr, "backend: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void
drop(int fd)
{
	free(conns[fd].in);
	memset(&conns[fd], 0, sizeof(conns[fd]));
	close(fd);
}

/* The answer's bytes not yet written: false when the socket is full. */
static bool
flush(int fd, struct conn *c)
{
	struct iovec	iov[2];
	size_t		done;
	ssize_t		n;
	int		k;

	while (c->left > 0) {
		done = c->total - c->left;
		k = 0;
		if (done < c->headlen) {
			iov[k].iov_base = c->head + done;
			iov[k++].iov_len = c->headlen - done;
			iov[k].iov_base = body;
			iov[k++].iov_len = c->total - c->headlen;
		} else {
			iov[k].iov_base = body + (done - c->headlen);
			iov[k++].iov_len = c->left;
		}
		if ((n = writev(fd, iov, k)) == -1)
			return errno != EAGAIN ? (drop(fd), false) : false;
		c->left -= (size_t)n;
	}
	return true;
}

/* Answer every whole request in the buffer, in order. */
static void
serve(int fd, struct conn *c)
{
	char	*end;
	size_t	 used, size;

	while (c->left == 0 && (end = memmem(c->in, c->len, "\r\n\r\n",
	    4)) != NULL) {
		used = (size_t)(end + 4 - c->in);
		end[2] = '\0';
		c->close = strcasestr(c->in, "\nConnection: close") != NULL;
		size = strncmp(c->in, "GET /1m ", 8) == 0 ? BIG : SMALL;
		c->headlen = (size_t)snprintf(c->head, sizeof(c->head),
		    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
		    "Content-Length: %zu\r\n%s\r\n", size, c->close ?
		    "Connection: close\r\n" : "");
		c->total = c->headlen + size;
		c->left = c->total;
		memmove(c->in, c->in + used, c->len - used);
		c->len -= used;
		if (!flush(fd, c))
			return;
		if (c->close) {
			drop(fd);
			return;
		}
	}
}

static void
readable(int fd, struct conn *c)
{
	ssize_t	n;

	for (;;) {
		if (c->len == INBUF) {
			drop(fd);	/* a head this large is not ours */
			return;
		}
		n = read(fd, c->in + c->len, INBUF - c->len);
		if (n == 0 || (n == -1 && errno != EAGAIN)) {
			drop(fd);
			return;
		}
		if (n == -1)
			return;
		c->len += (size_t)n;
		serve(fd, c);
		if (conns[fd].in == NULL || (size_t)n < INBUF)
			return;
	}
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	 sin;
	struct epoll_event	 ev, evs[256];
	struct conn		*c;
	int			 l, ep, fd, n, i, on = 1;

	if (argc != 3)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	memset(body, 'b', sizeof(body));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)atoi(argv[2]));
	if (inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1)
		return 2;
	if ((l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1 ||
	    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    bind(l, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(l, 4096) == -1 || (ep = epoll_create1(0)) == -1)
		die("listen");
	ev.events = EPOLLIN;
	ev.data.fd = l;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev) == -1)
		die("epoll_ctl");
	for (;;) {
		if ((n = epoll_wait(ep, evs, 256, -1)) == -1) {
			if (errno == EINTR)
				continue;
			die("epoll_wait");
		}
		for (i = 0; i < n; i++) {
			fd = evs[i].data.fd;
			if (fd == l) {
				while ((fd = accept4(l, NULL, NULL,
				    SOCK_NONBLOCK)) != -1) {
					if (fd >= MAXFD ||
					    (conns[fd].in = malloc(INBUF)) ==
					    NULL) {
						close(fd);
						continue;
					}
					(void)setsockopt(fd, IPPROTO_TCP,
					    TCP_NODELAY, &on, sizeof(on));
					ev.events = EPOLLIN | EPOLLOUT |
					    EPOLLET | EPOLLRDHUP;
					ev.data.fd = fd;
					if (epoll_ctl(ep, EPOLL_CTL_ADD, fd,
					    &ev) == -1)
						drop(fd);
				}
				continue;
			}
			c = &conns[fd];
			if (c->in == NULL)
				continue;
			if ((evs[i].events & EPOLLOUT) && c->left > 0) {
				if (!flush(fd, c))
					continue;
				if (c->close) {
					drop(fd);
					continue;
				}
			}
			if (evs[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLERR |
			    EPOLLHUP))
				readable(fd, c);
			else if (c->left == 0)
				serve(fd, c);
		}
	}
}
