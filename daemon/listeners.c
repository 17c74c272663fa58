/*
 * The relays' listening sockets, opened by the parent: it stays root, so
 * ports below 1024 work at startup and at every reload.  One socket per
 * address and port, shared by every relay process (each accepts on it);
 * a reload opens only the new ones and keeps those a running relay
 * still uses, so no connection is refused while it switches.  A DNS
 * relay has a UDP socket as well as a TCP one on each address and port;
 * a relay process tells them apart by their type.
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/relay_hosts.h"
#include "daemon/fdpass.h"
#include "daemon/listeners.h"
#include "daemon/log.h"
#include "relay/relay.h"

struct listener_fd {
	struct hs_addr	 addr;
	uint16_t	 port;
	int		 type;		/* SOCK_STREAM, SOCK_DGRAM */
	int		 fd;
	bool		 keep;		/* the prepared configuration uses it */
	bool		 fresh;		/* opened for it, not committed yet */
};

struct listeners {
	struct listener_fd	*v;
	size_t			 n, cap;
};

struct listeners *
listeners_new(void)
{
	return calloc(1, sizeof(struct listeners));
}

void
listeners_free(struct listeners *ls)
{
	size_t	i;

	if (ls == NULL)
		return;
	for (i = 0; i < ls->n; i++)
		close(ls->v[i].fd);
	free(ls->v);
	free(ls);
}

static int
open_socket(const struct hs_addr *a, uint16_t port, int type, int backlog)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl;
	int			 fd, on = 1, saved;

	sl = relay_sockaddr(a, port, &ss);
	fd = socket(ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    (a->family == HS_AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) == -1) ||
	    bind(fd, (struct sockaddr *)&ss, sl) == -1 ||
	    (type == SOCK_STREAM && listen(fd, backlog) == -1)) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int
listener_open(const struct hs_addr *a, uint16_t port, int backlog)
{
	return open_socket(a, port, SOCK_STREAM, backlog);
}

static struct listener_fd *
find(struct listeners *ls, const struct hs_addr *a, uint16_t port, int type)
{
	size_t	i;

	for (i = 0; i < ls->n; i++)
		if (ls->v[i].port == port && ls->v[i].type == type &&
		    addr_equal(&ls->v[i].addr, a))
			return &ls->v[i];
	return NULL;
}

static struct listener_fd *
add(struct listeners *ls)
{
	struct listener_fd	*v;
	size_t			 cap;

	if (ls->n == ls->cap) {
		cap = ls->cap ? ls->cap * 2 : 16;
		if ((v = reallocarray(ls->v, cap, sizeof(*v))) == NULL)
			return NULL;
		ls->v = v;
		ls->cap = cap;
	}
	memset(&ls->v[ls->n], 0, sizeof(ls->v[ls->n]));
	return &ls->v[ls->n++];
}

static int
backlog_of(const struct config *c, const struct relay_conf *r)
{
	if (r->protocol_id < c->nprotocols)
		return (int)c->protocols[r->protocol_id].tcp.backlog;
	return HS_BACKLOG_DEFAULT;
}

static bool
relay_dns(const struct config *c, const struct relay_conf *r)
{
	return relay_proto_type(c, r) == PROTO_DNS;
}

/* One listener of relay r: kept, or opened; -1 with a line in err. */
static int
prepare_one(struct listeners *ls, const struct config *c,
    const struct relay_conf *r, const struct listen_conf *l, int type,
    struct buf *err)
{
	struct listener_fd	*lf;
	char			 a[HS_ADDRSTR_MAX];
	int			 fd;

	if ((lf = find(ls, &l->addr, l->port, type)) != NULL) {
		lf->keep = true;
		return 0;
	}
	if ((fd = open_socket(&l->addr, l->port, type, backlog_of(c, r))) ==
	    -1) {
		buf_printf(err, "relay %s: cannot listen on %s port %u%s: "
		    "%s\n", r->name, addr_fmt(&l->addr, a, sizeof(a)),
		    l->port, type == SOCK_DGRAM ? " (udp)" : "",
		    strerror(errno));
		return -1;
	}
	if ((lf = add(ls)) == NULL) {
		close(fd);
		buf_printf(err, "relay %s: out of memory\n", r->name);
		return -1;
	}
	lf->addr = l->addr;
	lf->port = l->port;
	lf->type = type;
	lf->fd = fd;
	lf->keep = lf->fresh = true;
	return 0;
}

int
listeners_prepare(struct listeners *ls, const struct config *c,
    struct buf *err)
{
	size_t	i, j;
	int	rv = 0;

	for (i = 0; i < ls->n; i++)
		ls->v[i].keep = false;
	for (i = 0; i < c->nrelays; i++) {
		const struct relay_conf	*r = &c->relays[i];

		if (r->disabled || relay_unsupported(c, r) != NULL)
			continue;
		for (j = 0; j < r->nlistens; j++) {
			if (prepare_one(ls, c, r, &r->listens[j], SOCK_STREAM,
			    err) == -1)
				rv = -1;
			if (relay_dns(c, r) && prepare_one(ls, c, r,
			    &r->listens[j], SOCK_DGRAM, err) == -1)
				rv = -1;
		}
	}
	if (rv == -1)
		listeners_abort(ls);
	return rv;
}

/* Close what keep says: the unused ones (commit) or the fresh (abort). */
static void
sweep(struct listeners *ls, bool commit)
{
	size_t	i, k = 0;

	for (i = 0; i < ls->n; i++) {
		bool	drop = commit ? !ls->v[i].keep : ls->v[i].fresh;

		if (drop) {
			close(ls->v[i].fd);
			continue;
		}
		ls->v[k] = ls->v[i];
		ls->v[k].fresh = false;
		ls->v[k].keep = true;
		k++;
	}
	ls->n = k;
}

void
listeners_commit(struct listeners *ls)
{
	sweep(ls, true);
}

void
listeners_abort(struct listeners *ls)
{
	sweep(ls, false);
}

int *
listeners_closefds(const struct listeners *ls, int first, int second)
{
	int	*v;
	size_t	 i, n = 0;

	if ((v = calloc(ls->n + 3, sizeof(*v))) == NULL)
		return NULL;
	v[n++] = first;
	if (second != -1)
		v[n++] = second;
	for (i = 0; i < ls->n; i++)
		v[n++] = ls->v[i].fd;
	v[n] = -1;
	return v;
}

int
listeners_send(struct listeners *ls, int sock, bool fresh_only)
{
	struct msg	m;
	size_t		i;

	memset(&m, 0, sizeof(m));
	m.type = MSG_RELAY_LISTENER;
	for (i = 0; i < ls->n; i++) {
		if (fresh_only && !ls->v[i].fresh)
			continue;
		m.u.listener.addr = ls->v[i].addr;
		m.u.listener.port = ls->v[i].port;
		if (fdpass_send(sock, &m, ls->v[i].fd) == -1) {
			log_warn("cannot pass a listener to a relay process");
			return -1;
		}
	}
	return 0;
}
