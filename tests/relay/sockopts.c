/*
 * sockopts PID: the options of another process's TCP sockets, one line
 * each, as the tests of the relay's tcp options read them:
 *
 *   LOCAL PEER nodelay=N ttl=N minttl=N rcvbuf=N sndbuf=N
 *
 * (PEER is "-" for a listener).  The sockets are borrowed with
 * pidfd_getfd(2), which needs the right to ptrace the process: root.
 */
#include <sys/socket.h>
#include <sys/syscall.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
opt(int fd, int level, int name)
{
	int		v = -1;
	socklen_t	len = sizeof(v);

	if (getsockopt(fd, level, name, &v, &len) == -1)
		return -1;
	return v;
}

static void
addr_str(const struct sockaddr_in *sin, char *out, size_t n)
{
	char	a[INET_ADDRSTRLEN];

	if (inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a)) == NULL)
		(void)snprintf(out, n, "?");
	else
		(void)snprintf(out, n, "%s:%u", a, ntohs(sin->sin_port));
}

/* One line for an IPv4 TCP socket; anything else says nothing. */
static void
show(int fd)
{
	struct sockaddr_in	local, peer;
	socklen_t		len = sizeof(local);
	char			l[64], p[64] = "-";

	if (opt(fd, SOL_SOCKET, SO_TYPE) != SOCK_STREAM ||
	    getsockname(fd, (struct sockaddr *)&local, &len) == -1 ||
	    local.sin_family != AF_INET)
		return;
	addr_str(&local, l, sizeof(l));
	len = sizeof(peer);
	if (getpeername(fd, (struct sockaddr *)&peer, &len) == 0)
		addr_str(&peer, p, sizeof(p));
	printf("%s %s nodelay=%d ttl=%d minttl=%d rcvbuf=%d sndbuf=%d\n",
	    l, p, opt(fd, IPPROTO_TCP, TCP_NODELAY), opt(fd, IPPROTO_IP,
	    IP_TTL), opt(fd, IPPROTO_IP, IP_MINTTL), opt(fd, SOL_SOCKET,
	    SO_RCVBUF), opt(fd, SOL_SOCKET, SO_SNDBUF));
}

int
main(int argc, char *argv[])
{
	char		 path[64];
	struct dirent	*d;
	DIR		*dir;
	int		 pidfd, fd;
	long		 pid;

	if (argc != 2 || (pid = strtol(argv[1], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: sockopts PID\n");
		return 2;
	}
	(void)snprintf(path, sizeof(path), "/proc/%ld/fd", pid);
	if ((pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0)) == -1 ||
	    (dir = opendir(path)) == NULL) {
		fprintf(stderr, "sockopts: %ld: %s\n", pid, strerror(errno));
		return 1;
	}
	while ((d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		fd = (int)syscall(SYS_pidfd_getfd, pidfd,
		    atoi(d->d_name), 0);
		if (fd == -1)
			continue;	/* closed meanwhile */
		show(fd);
		close(fd);
	}
	closedir(dir);
	return 0;
}
