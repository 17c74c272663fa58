/*
 * The hosts of the check-scale benchmark: N listeners spread over
 * loopback addresses and ports as layout.h places them, served by one
 * epoll loop.  A connection that sends
 * an HTTP request head gets "200 OK" and is closed; one that closes or
 * resets is closed.  The descriptor limit is raised to fit.  SIGUSR1
 * prints "accepted=N": the connections seen so far, which counts the
 * checks of any checker the same way.  With -L it only lists the hosts
 * ("ADDR PORT" lines) for the run script's configurations.
 */
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/check-scale/layout.h"

#define LISTENER_FLAG	(1ULL << 63)
#define EVENTS_MAX	512

static volatile sig_atomic_t	 report_wanted;
static uint64_t			 accepted;

static void
on_usr1(int sig)
{
	report_wanted = 1;
}

static const char response[] =
    "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n";

static int
listen_host(uint32_t i)
{
	struct sockaddr_in	 sin;
	int			 fd, on = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(bench_host_addr(i));
	sin.sin_port = htons(bench_host_port(i));
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, 1024) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
accept_all(int ep, int lfd)
{
	struct epoll_event	 ev;
	int			 fd;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) != -1) {
		accepted++;
		ev.events = EPOLLIN;
		ev.data.u64 = (uint64_t)fd;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == -1)
			close(fd);
	}
}

/* Requests fit in one segment here; anything else just closes. */
static void
serve(int fd)
{
	char	 buf[2048];
	ssize_t	 n;

	n = read(fd, buf, sizeof(buf) - 1);
	if (n == -1 && errno == EAGAIN)
		return;
	if (n > 0) {
		buf[n] = '\0';
		if (strstr(buf, "\r\n\r\n") == NULL)
			return;	/* wait for the rest; one read is typical */
		(void)!write(fd, response, sizeof(response) - 1);
	}
	close(fd);
}

/* Up to want, above the hard limit where allowed (root). */
static int
raise_nofile(rlim_t want)
{
	struct rlimit	 rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return -1;
	if (rl.rlim_cur >= want)
		return 0;
	rl.rlim_cur = want;
	if (rl.rlim_max < want)
		rl.rlim_max = want;
	if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
		return 0;
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_max < want)
		return -1;
	rl.rlim_cur = want;
	return setrlimit(RLIMIT_NOFILE, &rl);
}

int
main(int argc, char *argv[])
{
	struct epoll_event	 ev, evs[EVENTS_MAX];
	uint32_t		 n, i;
	int			 ep, fd, k, nev, lifetime;
	time_t			 end;

	if (argc == 3 && strcmp(argv[1], "-L") == 0) {
		n = (uint32_t)strtoul(argv[2], NULL, 10);
		for (i = 0; i < n && n <= BENCH_HOSTS_MAX; i++) {
			struct in_addr	a = { htonl(bench_host_addr(i)) };

			printf("%s %u\n", inet_ntoa(a), bench_host_port(i));
		}
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: listener NHOSTS SECONDS\n"
		    "       listener -L NHOSTS\n");
		return 2;
	}
	n = (uint32_t)strtoul(argv[1], NULL, 10);
	lifetime = atoi(argv[2]);
	if (n == 0 || n > BENCH_HOSTS_MAX || lifetime <= 0)
		return 2;
	/* One descriptor per listener plus the connections being served. */
	if (raise_nofile((rlim_t)n + 4096) == -1) {
		fprintf(stderr, "listener: cannot raise the descriptor limit "
		    "to %u\n", n + 4096);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGUSR1, on_usr1);
	if ((ep = epoll_create1(0)) == -1)
		return 1;
	for (i = 0; i < n; i++) {
		if ((fd = listen_host(i)) == -1) {
			fprintf(stderr, "listener: host %u: %s\n", i,
			    strerror(errno));
			return 1;
		}
		ev.events = EPOLLIN;
		ev.data.u64 = LISTENER_FLAG | (uint64_t)fd;
		epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	}
	printf("ready hosts=%u\n", n);
	fflush(stdout);
	end = time(NULL) + lifetime;
	while (time(NULL) < end) {
		if ((nev = epoll_wait(ep, evs, EVENTS_MAX, 100)) == -1) {
			if (errno != EINTR)
				return 1;
			nev = 0;
		}
		if (report_wanted) {
			report_wanted = 0;
			printf("accepted=%llu\n", (unsigned long long)accepted);
			fflush(stdout);
		}
		for (k = 0; k < nev; k++) {
			if (evs[k].data.u64 & LISTENER_FLAG)
				accept_all(ep, (int)(evs[k].data.u64 &
				    ~LISTENER_FLAG));
			else
				serve((int)evs[k].data.u64);
		}
	}
	return 0;
}
