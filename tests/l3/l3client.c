/*
 * The client of the layer-3 tests: new TCP connections to a virtual
 * address, each asking "GET /" of a server that answers with its name.
 *
 *   l3client [-b SRC] count N ADDR PORT
 *	N connections in a row; prints "NAME COUNT" per name answered and
 *	"failed COUNT" for connections that got no answer.
 *   l3client [-b SRC] [-k PID | -x CMD] failover AVOID MS ADDR PORT
 *	kills PID or runs CMD (if given), then opens connections for MS
 *	milliseconds,
 *	one every 5 ms; a connection is bad if it failed or AVOID answered.
 *	Prints failover_ms (from the start to the first connection after
 *	the last bad one; -1 if the last one was bad), attempts and bad.
 *   l3client [-b SRC] hold FILE ADDR PORT
 *	connects, waits (at most 10 s) until FILE exists, then asks and
 *	prints the name that answers.
 * Every connection is bounded: 500 ms to connect (-t MS sets it), 2 s to
 * answer.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NAME_MAX_LEN	64
#define NAMES_MAX	16
#define CONNECT_MS	500
#define ANSWER_MS	2000
#define REQUEST		"GET / HTTP/1.0\r\nHost: l3\r\n\r\n"

static const char	*src;		/* -b */
static int		 connect_ms = CONNECT_MS;	/* -t */

static uint64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int
sockaddr_of(const char *addr, int port, struct sockaddr_in *sin)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, addr, &sin->sin_addr) == 1 ? 0 : -1;
}

/* A connected socket, or -1 (refused, timed out, ...). */
static int
dial(const char *addr, int port)
{
	struct sockaddr_in	 sin, me;
	struct pollfd		 pfd;
	socklen_t		 len = sizeof(int);
	int			 fd, err = 0;

	if (sockaddr_of(addr, port, &sin) == -1 ||
	    (fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1)
		return -1;
	if (src != NULL && (sockaddr_of(src, 0, &me) == -1 ||
	    bind(fd, (struct sockaddr *)&me, sizeof(me)) == -1)) {
		close(fd);
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 &&
	    errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	pfd.fd = fd;
	pfd.events = POLLOUT;
	if (poll(&pfd, 1, connect_ms) != 1 ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1 ||
	    err != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Ask on fd and copy the answer's body (its first line) into name. */
static int
ask(int fd, char *name, size_t len)
{
	char		 buf[4096], *body;
	size_t		 got = 0;
	ssize_t		 n;
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	uint64_t	 end = now_ms() + ANSWER_MS;

	if (write(fd, REQUEST, strlen(REQUEST)) != (ssize_t)strlen(REQUEST))
		return -1;
	while (got < sizeof(buf) - 1 && now_ms() < end) {
		if (poll(&pfd, 1, (int)(end - now_ms())) != 1)
			break;
		if ((n = read(fd, buf + got, sizeof(buf) - 1 - got)) <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	if ((body = strstr(buf, "\r\n\r\n")) == NULL)
		return -1;
	body += 4;
	body[strcspn(body, "\r\n")] = '\0';
	(void)snprintf(name, len, "%s", body);
	return name[0] != '\0' ? 0 : -1;
}

static int
fetch(const char *addr, int port, char *name, size_t len)
{
	int	fd, rv;

	if ((fd = dial(addr, port)) == -1)
		return -1;
	rv = ask(fd, name, len);
	close(fd);
	return rv;
}

static int
cmd_count(int n, const char *addr, int port)
{
	char	names[NAMES_MAX][NAME_MAX_LEN], name[NAME_MAX_LEN];
	int	counts[NAMES_MAX], nnames = 0, failed = 0, i, j;

	for (i = 0; i < n; i++) {
		if (fetch(addr, port, name, sizeof(name)) == -1) {
			failed++;
			continue;
		}
		for (j = 0; j < nnames && strcmp(names[j], name) != 0; j++)
			;
		if (j == nnames) {
			if (nnames == NAMES_MAX)
				continue;
			(void)snprintf(names[nnames], NAME_MAX_LEN, "%s", name);
			counts[nnames++] = 0;
		}
		counts[j]++;
	}
	for (j = 0; j < nnames; j++)
		printf("%s %d\n", names[j], counts[j]);
	if (failed > 0)
		printf("failed %d\n", failed);
	return 0;
}

static int
cmd_failover(pid_t victim, const char *cmd, const char *avoid, int window,
    const char *addr, int port)
{
	char		name[NAME_MAX_LEN];
	uint64_t	start, t, good_since = 0;
	int		attempts = 0, bad = 0;
	bool		last_bad = true;

	start = now_ms();
	if (victim > 0 && kill(victim, SIGTERM) == -1) {
		perror("l3client: kill");
		return 1;
	}
	/* The fault is in place once the command is done. */
	if (cmd != NULL && system(cmd) != 0) {
		fprintf(stderr, "l3client: %s failed\n", cmd);
		return 1;
	}
	if (cmd != NULL)
		start = now_ms();
	while ((t = now_ms()) < start + (uint64_t)window) {
		attempts++;
		if (fetch(addr, port, name, sizeof(name)) == -1 ||
		    strcmp(name, avoid) == 0) {
			bad++;
			last_bad = true;
		} else if (last_bad) {
			good_since = t;
			last_bad = false;
		}
		usleep(5000);
	}
	printf("failover_ms=%lld attempts=%d bad=%d\n", last_bad ? -1LL :
	    (long long)(good_since - start), attempts, bad);
	return 0;
}

static int
cmd_hold(const char *file, const char *addr, int port)
{
	char		name[NAME_MAX_LEN];
	struct stat	st;
	uint64_t	end;
	int		fd;

	if ((fd = dial(addr, port)) == -1) {
		printf("failed\n");
		return 1;
	}
	printf("connected\n");
	fflush(stdout);
	for (end = now_ms() + 10000; stat(file, &st) == -1 && now_ms() < end;)
		usleep(10000);
	if (ask(fd, name, sizeof(name)) == -1) {
		printf("failed\n");
		return 1;
	}
	printf("%s\n", name);
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: l3client [-b src] [-t ms] count N addr port\n"
	    "       l3client [-b src] [-t ms] [-k pid | -x cmd] failover avoid "
	    "ms addr port\n"
	    "       l3client [-b src] [-t ms] hold file addr port\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	const char	*cmd = NULL;
	pid_t		 victim = 0;
	int		 ch;

	while ((ch = getopt(argc, argv, "b:k:t:x:")) != -1) {
		if (ch == 'b')
			src = optarg;
		else if (ch == 'k')
			victim = (pid_t)atoi(optarg);
		else if (ch == 'x')
			cmd = optarg;
		else if (ch == 't' && atoi(optarg) > 0)
			connect_ms = atoi(optarg);
		else
			usage();
	}
	argc -= optind;
	argv += optind;
	signal(SIGPIPE, SIG_IGN);
	if (argc == 4 && strcmp(argv[0], "count") == 0)
		return cmd_count(atoi(argv[1]), argv[2], atoi(argv[3]));
	if (argc == 5 && strcmp(argv[0], "failover") == 0)
		return cmd_failover(victim, cmd, argv[1], atoi(argv[2]),
		    argv[3], atoi(argv[4]));
	if (argc == 4 && strcmp(argv[0], "hold") == 0)
		return cmd_hold(argv[1], argv[2], atoi(argv[3]));
	usage();
	return 2;
}
