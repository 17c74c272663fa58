/*
 * A leg wrapped in TLS.  Whatever reads or writes the leg (a pump, an
 * HTTP parser) sees the plain leg's contract: bytes, 0 at the end,
 * -1 with EAGAIN when it must wait for the socket.  Underneath, the
 * socket's readiness (set by the poller on the leg) is translated: a
 * read that needs to write first (or the reverse) is retried when the
 * socket becomes writable (readable).  A read fills the buffer while
 * records come, so that a short read still means "drained", as the
 * pumps assume of a socket.  It stops once OpenSSL holds no more bytes
 * and its last read of the socket was short: the socket is drained,
 * and a further read would only say so (a system call per request).
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>

#include <openssl/err.h>

#include "relay/relay_priv.h"
#include "relay/tls.h"

static ssize_t
tls_read(struct leg *l, void *buf, size_t len)
{
	struct tls_leg	*t = l->tls;
	size_t		 got = 0, n;
	int		 err;

	if (t->failed) {
		errno = ECONNRESET;
		return -1;
	}
	t->rd_short = false;
	while (got < len) {
		ERR_clear_error();
		if (SSL_read_ex(t->ssl, (char *)buf + got, len - got, &n)) {
			got += n;
			if (t->rd_short && !SSL_has_pending(t->ssl))
				break;
			continue;
		}
		err = SSL_get_error(t->ssl, 0);
		if (err == SSL_ERROR_WANT_READ)
			break;
		if (err == SSL_ERROR_WANT_WRITE) {
			t->rd_wants_write = true;
			l->can_write = false;
			break;
		}
		if (err == SSL_ERROR_ZERO_RETURN) {
			if (got == 0)
				return 0;
			l->rdhup = true;	/* read again: the end */
			break;
		}
		if (got == 0) {
			errno = ECONNRESET;
			return -1;
		}
		t->failed = true;
		l->rdhup = true;	/* read again: the error */
		break;
	}
	if (got > 0)
		return (ssize_t)got;
	errno = EAGAIN;
	return -1;
}

/*
 * Record after record while the socket takes them: a partial write
 * returns at each record, and a short write must mean "full", as it
 * does of a socket (the poller's edge comes only once it is).
 */
static ssize_t
tls_write(struct leg *l, const void *buf, size_t len, bool more)
{
	struct tls_leg	*t = l->tls;
	size_t		 put = 0, n;
	int		 err;

	while (put < len) {
		ERR_clear_error();
		if (SSL_write_ex(t->ssl, (const char *)buf + put, len - put,
		    &n)) {
			put += n;
			continue;
		}
		err = SSL_get_error(t->ssl, 0);
		if (err == SSL_ERROR_WANT_READ) {
			t->wr_wants_read = true;
			l->can_read = false;
		} else if (err != SSL_ERROR_WANT_WRITE) {
			if (put > 0)
				break;	/* the error comes at the next write */
			errno = EPIPE;
			return -1;
		}
		if (put > 0)
			break;
		errno = EAGAIN;
		return -1;
	}
	return (ssize_t)put;
}

/* close_notify, then the socket's FIN once the alert is out. */
static int
tls_close_notify(struct leg *l)
{
	struct tls_leg	*t = l->tls;

	ERR_clear_error();
	if (SSL_shutdown(t->ssl) < 0 &&
	    SSL_get_error(t->ssl, -1) == SSL_ERROR_WANT_WRITE) {
		t->shut_pending = true;
		l->can_write = false;
		return 0;
	}
	t->shut_pending = false;
	return shutdown(l->fd, SHUT_WR);
}

/*
 * After the poller's flags changed: a read that waited for the socket
 * to be writable may go on once it is (and the reverse), and a
 * close_notify that did not fit goes out.
 */
void
tls_leg_events(struct leg *l)
{
	struct tls_leg	*t = l->tls;

	if (t->rd_wants_write && l->can_write) {
		t->rd_wants_write = false;
		l->can_read = true;
	}
	if (t->wr_wants_read && l->can_read) {
		t->wr_wants_read = false;
		l->can_write = true;
	}
	if (t->shut_pending && l->can_write)
		(void)tls_close_notify(l);
}

/*
 * An idle connection to a host is readable: a session ticket or key
 * update keeps it, anything else (bytes nobody asked for, the end, an
 * error) means it is done.
 */
int
tls_leg_idle_read(struct leg *l)
{
	struct tls_leg	*t = l->tls;
	char		 c;
	size_t		 n;

	ERR_clear_error();
	if (t->failed || SSL_read_ex(t->ssl, &c, 1, &n))
		return -1;
	if (SSL_get_error(t->ssl, 0) != SSL_ERROR_WANT_READ)
		return -1;
	l->can_read = false;
	return 0;
}

const struct leg_ops	leg_tls = {
	tls_read, tls_write, tls_close_notify
};

/* Notes whether the last read of the socket got less than it asked. */
static long
tls_bio_read(BIO *b, int oper, const char *argp, size_t len, int argi,
    long argl, int ret, size_t *processed)
{
	struct tls_leg	*t = (struct tls_leg *)BIO_get_callback_arg(b);

	(void)argp;
	(void)argi;
	(void)argl;
	if (oper == (BIO_CB_READ | BIO_CB_RETURN))
		t->rd_short = ret > 0 && processed != NULL &&
		    *processed < len;
	return ret;
}

int
tls_leg_new(struct leg *l, SSL_CTX *ctx, bool server)
{
	struct tls_leg	*t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return -1;
	if ((t->ssl = SSL_new(ctx)) == NULL ||
	    !SSL_set_fd(t->ssl, l->fd)) {
		SSL_free(t->ssl);
		free(t);
		return -1;
	}
	SSL_set_app_data(t->ssl, l);
	BIO_set_callback_arg(SSL_get_rbio(t->ssl), (char *)t);
	BIO_set_callback_ex(SSL_get_rbio(t->ssl), tls_bio_read);
	if (server)
		SSL_set_accept_state(t->ssl);
	else
		SSL_set_connect_state(t->ssl);
	t->handshaking = true;
	l->tls = t;
	l->ops = &leg_tls;
	return 0;
}

/*
 * A handshake waiting for the key process is woken with a failure
 * first, so that its async job ends rather than stays paused forever.
 */
void
tls_leg_free(struct leg *l)
{
	struct tls_leg	*t = l->tls;

	if (t == NULL)
		return;
	if (t->req != NULL) {
		key_req_cancel(t->req);
		t->req = NULL;
		ERR_clear_error();
		(void)SSL_do_handshake(t->ssl);
	}
	SSL_free(t->ssl);
	free(t);
	l->tls = NULL;
	l->ops = &leg_plain;
}

static const char *
tls_error(void)
{
	unsigned long	 e = ERR_peek_last_error();
	const char	*why = e != 0 ? ERR_reason_error_string(e) : NULL;

	return why != NULL ? why : "connection closed";
}

int
tls_leg_handshake(struct leg *l)
{
	struct tls_leg		*t = l->tls;
	struct key_client	*kc = l->s->eng->tls->keys;
	int			 r, err;

	ERR_clear_error();
	key_client_enter(kc, l);
	r = SSL_do_handshake(t->ssl);
	key_client_enter(kc, NULL);
	key_client_flush(kc);
	if (r == 1) {
		t->handshaking = false;
		/* The async mode costs a job per call: handshakes only. */
		SSL_clear_mode(t->ssl, SSL_MODE_ASYNC);
		/* Records may wait in OpenSSL's buffer: no edge will say. */
		l->can_read = l->can_write = true;
		return 1;
	}
	switch ((err = SSL_get_error(t->ssl, r))) {
	case SSL_ERROR_WANT_READ:
		l->can_read = false;
		return 0;
	case SSL_ERROR_WANT_WRITE:
		l->can_write = false;
		return 0;
	case SSL_ERROR_WANT_ASYNC:
		return 0;
	default:
		relay_log(l->s->eng, 1, "relay %s: %s TLS handshake failed: "
		    "%s", l->s->rt->name, l == &l->s->client ? "client" :
		    "host", err == SSL_ERROR_SYSCALL ? "connection closed" :
		    tls_error());
		ERR_clear_error();
		return -1;
	}
}

/*
 * The socket is ready (the poller set can_read, can_write), or a key
 * operation is answered: what waited for it may go on.
 */
void
tls_leg_ready(struct leg *l)
{
	struct relay_engine	*e = l->s->eng;
	bool			 batch = e->in_batch;

	e->in_batch = true;	/* the session is freed after, if it ends */
	session_event(l);
	e->in_batch = batch;
	if (!batch)
		session_free_ended(e);
}
