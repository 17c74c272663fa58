/*
 * check tcp: a non-blocking connect within the table's timeout.  Every
 * stream method starts here; once connected, the plain tcp check is
 * done and the others go on to TLS or to their request.  The plain
 * check delays its final handshake ACK (TCP_QUICKACK off) and resets:
 * the SYN-ACK already proves the listener, and the host's application
 * never sees the connection, as HAProxy's connect-only checks do.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "backends/net/net_internal.h"

int
net_sockaddr(const struct hs_addr *a, uint16_t port,
    struct sockaddr_storage *ss, unsigned int *len)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	switch (a->family) {
	case HS_AF_INET:
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, a->bytes, 4);
		*len = sizeof(*sin);
		return 0;
	case HS_AF_INET6:
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, a->bytes, 16);
		*len = sizeof(*sin6);
		return 0;
	default:
		return -1;
	}
}

static enum check_error
connect_error(int err)
{
	switch (err) {
	case ECONNREFUSED:
		return HCE_TCP_CONNECT_REFUSED;
	case ETIMEDOUT:
		return HCE_TCP_CONNECT_TIMEOUT;
	default:
		return HCE_TCP_CONNECT_ERROR;
	}
}

void
tcp_start(struct net_check *chk)
{
	struct sockaddr_storage	 ss;
	unsigned int		 len;
	int			 fd;

	if (chk->table->port == 0 ||
	    net_sockaddr(&chk->host->addr, chk->table->port, &ss, &len) == -1) {
		net_defer(chk, false, HCE_TCP_CONNECT_ERROR, -1);
		return;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1) {
		net_defer(chk, false, errno == EMFILE || errno == ENFILE ?
		    HCE_TCP_SOCKET_LIMIT : HCE_TCP_SOCKET_ERROR, -1);
		return;
	}
	chk->fd = fd;
	chk->phase = PHASE_CONNECT;
	if (chk->table->check.type == CHECK_TCP)
		net_delay_ack(fd);
	if (connect(fd, (struct sockaddr *)&ss, len) == -1 &&
	    errno != EINPROGRESS) {
		net_defer(chk, false, connect_error(errno), -1);
		return;
	}
	/*
	 * Even an immediate success is reported from the loop.  Readable
	 * as well as writable means an error or early data: only then is
	 * SO_ERROR worth a system call.
	 */
	net_wait(chk, fd, EV_READ | EV_WRITE);
}

void
tcp_connected(struct net_check *chk, short what)
{
	int		 err = 0;
	socklen_t	 len = sizeof(err);

	if (net_timed_out(what)) {
		net_finish(chk, false, HCE_TCP_CONNECT_TIMEOUT, -1);
		return;
	}
	if ((what & EV_READ) &&
	    getsockopt(chk->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err != 0) {
		net_finish(chk, false, connect_error(err), -1);
		return;
	}
	if (chk->table->check.type == CHECK_TLS || chk->table->check.tls)
		tls_start(chk);
	else
		stream_ready(chk);
}

static void
tcp_ready(struct net_check *chk)
{
	net_finish(chk, true, HCE_TCP_CONNECT_OK, -1);
}

const struct check_method tcp_method = {
	.ready = tcp_ready,
};
