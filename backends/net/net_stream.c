/*
 * The shared part of every stream check after connect (and TLS): write
 * the method's request, then feed what is read to the method until it
 * decides, the peer closes, or the deadline passes.  Plain sockets and
 * TLS go through the same loop; only the calls and the reasons differ.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include <event2/event.h>

#include "backends/net/net_internal.h"

static void	stream_read(struct net_check *);

static const enum check_error stream_errors[2][4] = {
	{ HCE_TCP_WRITE_TIMEOUT, HCE_TCP_WRITE_FAIL, HCE_TCP_READ_TIMEOUT,
	    HCE_TCP_READ_FAIL },
	{ HCE_TLS_WRITE_TIMEOUT, HCE_TLS_WRITE_ERROR, HCE_TLS_READ_TIMEOUT,
	    HCE_TLS_READ_ERROR },
};

enum check_error
stream_error(const struct net_check *chk, enum stream_fault f)
{
	return stream_errors[chk->ssl != NULL][f];
}

void
stream_ready(struct net_check *chk)
{
	chk->method->ready(chk);
}

/*
 * Wait for the answer rather than try a read that would only say "not
 * yet": one system call less per check.  TLS may hold bytes already.
 */
static void
stream_await(struct net_check *chk)
{
	chk->phase = PHASE_READ;
	if (chk->ssl != NULL && SSL_has_pending(chk->ssl))
		stream_step(chk, EV_READ);
	else
		net_wait(chk, chk->fd, EV_READ);
}

void
stream_begin(struct net_check *chk)
{
	if (chk->woff < chk->wlen) {
		chk->phase = PHASE_WRITE;
		stream_step(chk, 0);
	} else
		stream_await(chk);
}

bool
stream_keep(struct net_check *chk, const char *data, size_t len)
{
	if (len > chk->rmax - chk->rlen)
		return false;
	if (chk->rbuf == NULL && (chk->rbuf = malloc(chk->rmax + 1)) == NULL)
		return false;
	memcpy(chk->rbuf + chk->rlen, data, len);
	chk->rlen += len;
	chk->rbuf[chk->rlen] = '\0';
	return true;
}

/* Wait for the direction TLS asks for; false on a real error. */
static bool
tls_want(struct net_check *chk, int r)
{
	switch (SSL_get_error(chk->ssl, r)) {
	case SSL_ERROR_WANT_READ:
		net_wait(chk, chk->fd, EV_READ);
		return true;
	case SSL_ERROR_WANT_WRITE:
		net_wait(chk, chk->fd, EV_WRITE);
		return true;
	default:
		ERR_clear_error();
		return false;
	}
}

/* Returns true when everything is written; else waiting or finished. */
static bool
stream_write(struct net_check *chk)
{
	ssize_t	 n;
	int	 r;

	while (chk->woff < chk->wlen) {
		if (chk->ssl != NULL) {
			ERR_clear_error();
			r = SSL_write(chk->ssl, chk->wbuf + chk->woff,
			    (int)(chk->wlen - chk->woff));
			if (r > 0) {
				chk->woff += (size_t)r;
				continue;
			}
			if (!tls_want(chk, r))
				net_finish(chk, false,
				    stream_error(chk, FAULT_WRITE), -1);
			return false;
		}
		n = send(chk->fd, chk->wbuf + chk->woff, chk->wlen - chk->woff,
		    MSG_NOSIGNAL);
		if (n > 0) {
			chk->woff += (size_t)n;
		} else if (n == -1 && errno == EINTR) {
			continue;
		} else if (n == -1 &&
		    (errno == EAGAIN || errno == EWOULDBLOCK)) {
			net_wait(chk, chk->fd, EV_WRITE);
			return false;
		} else {
			net_finish(chk, false,
			    stream_error(chk, FAULT_WRITE), -1);
			return false;
		}
	}
	chk->phase = PHASE_READ;
	return true;
}

/* One read: > 0 bytes, 0 at EOF, -1 waiting, -2 failed. */
static ssize_t
stream_read_once(struct net_check *chk, char *buf, size_t len)
{
	ssize_t	 n;
	int	 r;

	if (chk->ssl != NULL) {
		ERR_clear_error();
		if ((r = SSL_read(chk->ssl, buf, (int)len)) > 0)
			return r;
		if (SSL_get_error(chk->ssl, r) == SSL_ERROR_ZERO_RETURN)
			return 0;
		return tls_want(chk, r) ? -1 : -2;
	}
	for (;;) {
		if ((n = recv(chk->fd, buf, len, 0)) >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -2;
		net_wait(chk, chk->fd, EV_READ);
		return -1;
	}
}

static void
stream_read(struct net_check *chk)
{
	char	 buf[NET_READ_CHUNK];
	ssize_t	 n;

	for (;;) {
		n = stream_read_once(chk, buf, sizeof(buf));
		if (n == -1)
			return;
		if (n == -2) {
			net_finish(chk, false,
			    stream_error(chk, FAULT_READ), -1);
			return;
		}
		if (n == 0) {
			chk->method->eof(chk);
			return;
		}
		if (chk->method->input(chk, buf, (size_t)n))
			return;
	}
}

void
stream_step(struct net_check *chk, short what)
{
	if (net_timed_out(what)) {
		if (chk->phase == PHASE_WRITE)
			net_finish(chk, false,
			    stream_error(chk, FAULT_WRITE_TIMEOUT), -1);
		else
			chk->method->timeout(chk);
		return;
	}
	if (chk->phase == PHASE_WRITE) {
		if (stream_write(chk))
			stream_await(chk);
		return;
	}
	stream_read(chk);
}
