/*
 * A tiny HTTP server for the daemon tests: listens on ADDR PORT and
 * answers every request with "HTTP/1.0 200 OK" and a short body ("ok",
 * or -b BODY: a server that says its name), then closes.  -c serves
 * each connection in a child of its own, so one slow client holds up
 * no other.  Exits on SIGTERM or after -T seconds (default 60), so a
 * failed test never leaves it behind for long.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/wait.h>

#define REPLY	"HTTP/1.0 200 OK\r\nContent-Length: %zu\r\n" \
		"Connection: close\r\n\r\n%s\n"
#define BODY_MAX	256

static const char	*body = "ok";

static int
listen_on(const char *addr, int port)
{
	struct sockaddr_in	 sin;
	int			 fd, on = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
		fprintf(stderr, "webserver: bad address %s\n", addr);
		exit(1);
	}
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, 64) == -1) {
		fprintf(stderr, "webserver: %s:%d: %s\n", addr, port,
		    strerror(errno));
		exit(1);
	}
	return fd;
}

/* Read the request head (bounded in size and time), answer, close. */
static void
serve(int fd)
{
	char		 buf[4096];
	size_t		 len = 0;
	ssize_t		 n;
	struct pollfd	 pfd = { fd, POLLIN, 0 };

	while (len < sizeof(buf) - 1 && poll(&pfd, 1, 1000) == 1) {
		if ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) <= 0)
			break;
		len += n;
		buf[len] = '\0';
		if (strstr(buf, "\r\n\r\n") != NULL)
			break;
	}
	len = (size_t)snprintf(buf, sizeof(buf), REPLY, strlen(body) + 1, body);
	n = write(fd, buf, len);
	(void)n;
	close(fd);
}

/*
 * -c: in a child, so that the parent accepts again at once.  The child
 * closes the listening socket: a stopped server must refuse at once, not
 * leave it open in a child still serving.
 */
static void
serve_child(int lfd, int fd)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	switch (fork()) {
	case -1:
		serve(fd);
		return;
	case 0:
		close(lfd);
		serve(fd);
		_exit(0);
	default:
		close(fd);
	}
}

int
main(int argc, char *argv[])
{
	struct pollfd	 pfd;
	time_t		 end;
	int		 ch, fd, lifetime = 60, concurrent = 0;

	while ((ch = getopt(argc, argv, "b:cT:")) != -1) {
		switch (ch) {
		case 'b':
			if (strlen(optarg) > BODY_MAX)
				goto usage;
			body = optarg;
			break;
		case 'c':
			concurrent = 1;
			break;
		case 'T':
			lifetime = atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind != 2)
		goto usage;
	/* A tcp check closes without reading the answer. */
	signal(SIGPIPE, SIG_IGN);
	pfd.fd = listen_on(argv[optind], atoi(argv[optind + 1]));
	pfd.events = POLLIN;
	end = time(NULL) + lifetime;
	while (time(NULL) < end) {
		if (poll(&pfd, 1, 500) != 1)
			continue;
		if ((fd = accept(pfd.fd, NULL, NULL)) == -1)
			continue;
		if (concurrent)
			serve_child(pfd.fd, fd);
		else
			serve(fd);
	}
	return 0;
usage:
	fprintf(stderr, "usage: webserver [-c] [-b body] [-T seconds] "
	    "address port\n");
	return 1;
}
