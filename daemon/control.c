#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/channel.h"
#include "daemon/control.h"
#include "daemon/log.h"
#include "daemon/proc.h"

/*
 * A show of 100,000 hosts (about 60 bytes a row, 330 at most) must fit;
 * a monitor lagging by 1 MiB is dropped.  A client with more than
 * CONTROL_PAUSE bytes of answers unread gets no request read until it
 * reads them (down to CONTROL_RESUME): pipelining requests cannot make
 * the daemon queue answers without bound.
 */
#define CONTROL_OUT_MAX		(64 * 1024 * 1024)
#define CONTROL_PAUSE		(1024 * 1024)
#define CONTROL_RESUME		(256 * 1024)
#define CONTROL_MONITOR_LAG	(1024 * 1024)
/* A client that asks nothing holds one of few slots: not for long. */
#define CONTROL_IDLE_SEC	30
/* "refusing a connection" at most this often; then how many more. */
#define CONTROL_REFUSE_LOG_SEC	10

struct control_client {
	TAILQ_ENTRY(control_client)	 entry;
	struct control			*control;
	struct channel			*ch;
	struct event			*idle;
	uint32_t			 id;
	uid_t				 uid;
	gid_t				 gid;
	bool				 may_modify;
	bool				 monitor;
	bool				 internal;	/* control_attach */
};

struct control {
	struct event_base		*base;
	int				 fd;
	gid_t				 sock_gid;
	struct event			*ev_accept;
	struct event			*ev_pause;	/* out of descriptors */
	struct event			*ev_refused;	/* logs them */
	uint64_t			 refuse_logged_ms;
	unsigned			 refused;	/* since that line */
	TAILQ_HEAD(, control_client)	 clients;
	size_t				 nclients;
	uint32_t			 next_id;
	control_request_fn		 request;
	void				*arg;
};

static int
control_sockaddr(const char *path, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path)) {
		log_warnx("control socket path too long: %s", path);
		return -1;
	}
	memcpy(sun->sun_path, path, strlen(path) + 1);
	return 0;
}

/* Is a daemon answering at path?  Then we must not take it over. */
static bool
control_in_use(const struct sockaddr_un *sun)
{
	int	 fd, rc;

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return false;
	rc = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	close(fd);
	return rc == 0;
}

int
control_listen(const char *path, gid_t gid)
{
	struct sockaddr_un	 sun;
	mode_t			 old;
	int			 fd;

	if (control_sockaddr(path, &sun) == -1)
		return -1;
	if (control_in_use(&sun)) {
		log_warnx("control socket %s: a daemon is already running",
		    path);
		return -1;
	}
	if (unlink(path) == -1 && errno != ENOENT) {
		log_warn("control socket %s: unlink", path);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1) {
		log_warn("control socket: socket");
		return -1;
	}
	/* Never visible with a wider mode than 0660, not even briefly. */
	old = umask(S_IXUSR | S_IXGRP | S_IRWXO);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		umask(old);
		log_warn("control socket %s: bind", path);
		close(fd);
		return -1;
	}
	umask(old);
	if (chmod(path, 0660) == -1 ||
	    (gid != (gid_t)-1 && geteuid() == 0 && chown(path, 0, gid) == -1)) {
		log_warn("control socket %s: permissions", path);
		goto fail;
	}
	if (listen(fd, CONTROL_BACKLOG) == -1) {
		log_warn("control socket %s: listen", path);
		goto fail;
	}
	return fd;
fail:
	close(fd);
	unlink(path);
	return -1;
}

void
control_unlink(const char *path)
{
	if (unlink(path) == -1 && errno != ENOENT)
		log_warn("control socket %s: unlink", path);
}

static struct control_client *
control_find(struct control *c, uint32_t id)
{
	struct control_client	*cl;

	TAILQ_FOREACH(cl, &c->clients, entry)
		if (cl->id == id)
			return cl;
	return NULL;
}

static void
control_close(struct control_client *cl)
{
	struct control	*c = cl->control;

	TAILQ_REMOVE(&c->clients, cl, entry);
	if (!cl->internal)
		c->nclients--;
	channel_free(cl->ch);
	event_free(cl->idle);
	free(cl);
	/* A descriptor is free again: accept if we had paused. */
	if (c->ev_pause != NULL && evtimer_pending(c->ev_pause, NULL)) {
		evtimer_del(c->ev_pause);
		event_add(c->ev_accept, NULL);
	}
}

static void
control_idle(evutil_socket_t fd, short ev, void *arg)
{
	struct control_client	*cl = arg;

	log_debug("control client %u: idle for %d s, dropping it", cl->id,
	    CONTROL_IDLE_SEC);
	control_close(cl);
}

static void
control_idle_reset(struct control_client *cl)
{
	struct timeval	 tv = { CONTROL_IDLE_SEC, 0 };

	if (!cl->monitor && !cl->internal)
		evtimer_add(cl->idle, &tv);
}

static int
control_dispatch(void *arg, struct channel *ch, const struct msg *m)
{
	struct control_client	*cl = arg;
	struct control		*c = cl->control;
	uint32_t		 id = cl->id;

	if (m->type != MSG_CTL_REQUEST) {
		log_debug("control client %u: unexpected %s", id,
		    msg_type_name(m->type));
		if (control_fail(c, id, "protocol error: unexpected message")
		    == 0)
			channel_close_flush(ch);
		return -1;
	}
	if (cl->internal && m->u.ctl_request.action != CTL_SHOW_METRICS) {
		log_warnx("control client %u: only show metrics is allowed "
		    "here", id);
		if (control_fail(c, id, "protocol error: only show metrics")
		    == 0)
			channel_close_flush(ch);
		return -1;
	}
	control_idle_reset(cl);
	c->request(c->arg, id, cl->may_modify, m->gen, &m->u.ctl_request);
	/* The handler may have dropped (and freed) this client. */
	return control_find(c, id) == NULL ? -1 : 0;
}

static void
control_error(void *arg, struct channel *ch, const char *why)
{
	struct control_client	*cl = arg;
	struct msg		 m;

	if (why != NULL && strncmp(why, "protocol error", 14) == 0) {
		log_info("control client %u (uid %u): %s", cl->id,
		    (unsigned)cl->uid, why);
		memset(&m, 0, sizeof(m));
		m.type = MSG_CTL_FAIL;
		m.u.text.len = snprintf(m.u.text.text, sizeof(m.u.text.text),
		    "%s", why);
		if (channel_send(ch, &m) == 0) {
			channel_close_flush(ch);
			return;
		}
	}
	control_close(cl);
}

static int
control_peer(int fd, struct control_client *cl, gid_t sock_gid)
{
#ifdef SO_PEERCRED
	struct ucred	 cred;
	socklen_t	 len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1) {
		log_warn("control: SO_PEERCRED");
		return -1;
	}
	cl->uid = cred.uid;
	cl->gid = cred.gid;
#else
	if (getpeereid(fd, &cl->uid, &cl->gid) == -1) {
		log_warn("control: getpeereid");
		return -1;
	}
#endif
	cl->may_modify = cl->uid == 0 || cl->gid == sock_gid;
	return 0;
}

/* Say how many refusals the last line did not show. */
static void
control_refused_report(evutil_socket_t fd, short ev, void *arg)
{
	struct control	*c = arg;

	if (c->refused > 0)
		log_warnx("control: refused %u more connections in %d s",
		    c->refused, CONTROL_REFUSE_LOG_SEC);
	c->refused = 0;
	c->refuse_logged_ms = proc_now_ms();
}

static void
control_refuse_log(struct control *c, uid_t uid, const char *why)
{
	struct timeval	 tv = { CONTROL_REFUSE_LOG_SEC, 0 };
	uint64_t	 now = proc_now_ms();

	if (c->refuse_logged_ms != 0 &&
	    now - c->refuse_logged_ms < CONTROL_REFUSE_LOG_SEC * 1000) {
		if (c->refused++ == 0)
			evtimer_add(c->ev_refused, &tv);
		return;
	}
	log_warnx("control: refusing a connection from uid %u: %s",
	    (unsigned)uid, why);
	c->refuse_logged_ms = now;
}

/*
 * One failure line, then close: the client learns why.  Nothing is
 * read, so no channel is needed; the line fits any socket buffer.
 */
static void
control_refuse(struct control *c, int fd, uid_t uid, const char *why)
{
	static struct msg	 m;
	uint8_t			 frame[MSG_MAX_LEN];
	int			 len;

	control_refuse_log(c, uid, why);
	memset(&m, 0, sizeof(m));
	m.type = MSG_CTL_FAIL;
	m.u.text.len = (uint32_t)snprintf(m.u.text.text,
	    sizeof(m.u.text.text), "%s", why);
	if ((len = msg_encode(&m, frame, sizeof(frame))) > 0)
		(void)send(fd, frame, (size_t)len, MSG_DONTWAIT | MSG_NOSIGNAL);
	close(fd);
}

static size_t
control_count_uid(const struct control *c, uid_t uid)
{
	const struct control_client	*cl;
	size_t				 n = 0;

	TAILQ_FOREACH(cl, &c->clients, entry)
		n += cl->uid == uid;
	return n;
}

/* Is there a slot for this client?  NULL, or why not. */
static const char *
control_admit(const struct control *c, const struct control_client *cl,
    char *why, size_t len)
{
	if (c->nclients >= CONTROL_CLIENTS_MAX)
		(void)snprintf(why, len, "too many control clients (%d), try "
		    "again later", CONTROL_CLIENTS_MAX);
	else if (!cl->may_modify &&
	    c->nclients >= CONTROL_CLIENTS_MAX - CONTROL_RESERVED)
		(void)snprintf(why, len, "no control slot left for read-only "
		    "clients (%d of %d are kept for those who may change "
		    "state), try again later", CONTROL_RESERVED,
		    CONTROL_CLIENTS_MAX);
	else if (cl->uid != 0 &&
	    control_count_uid(c, cl->uid) >= CONTROL_PER_USER)
		(void)snprintf(why, len, "too many control connections from "
		    "uid %u (%d), try again later", (unsigned)cl->uid,
		    CONTROL_PER_USER);
	else
		return NULL;
	return why;
}

/* A client admitted: its channel and idle timer; -1 has freed it. */
static int
control_client_start(struct control *c, struct control_client *cl, int fd)
{
	char	name[32];

	cl->control = c;
	if (++c->next_id == 0)
		c->next_id = 1;		/* 0 means "no client" on the wire */
	cl->id = c->next_id;
	snprintf(name, sizeof(name), "control client %u", cl->id);
	cl->idle = evtimer_new(c->base, control_idle, cl);
	cl->ch = channel_new(c->base, fd, name, CONTROL_OUT_MAX,
	    control_dispatch, control_error, cl);
	if (cl->ch == NULL || cl->idle == NULL) {
		log_warnx("control: cannot set up a client channel");
		if (cl->ch != NULL)
			channel_free(cl->ch);
		else
			close(fd);
		if (cl->idle != NULL)
			event_free(cl->idle);
		free(cl);
		return -1;
	}
	channel_set_flow(cl->ch, CONTROL_PAUSE, CONTROL_RESUME, true, NULL);
	control_idle_reset(cl);
	TAILQ_INSERT_TAIL(&c->clients, cl, entry);
	if (!cl->internal)
		c->nclients++;
	return 0;
}

static void
control_accept_fd(struct control *c, int fd)
{
	struct control_client	*cl;
	char			 why[256];

	if ((cl = calloc(1, sizeof(*cl))) == NULL) {
		log_warn("control: client");
		close(fd);
		return;
	}
	if (control_peer(fd, cl, c->sock_gid) == -1) {
		free(cl);
		close(fd);
		return;
	}
	if (control_admit(c, cl, why, sizeof(why)) != NULL) {
		control_refuse(c, fd, cl->uid, why);
		free(cl);
		return;
	}
	(void)control_client_start(c, cl, fd);
}

int
control_attach(struct control *c, int fd)
{
	struct control_client	*cl;

	if ((cl = calloc(1, sizeof(*cl))) == NULL) {
		log_warn("control: client");
		close(fd);
		return -1;
	}
	cl->uid = (uid_t)-1;
	cl->gid = (gid_t)-1;
	cl->internal = true;
	return control_client_start(c, cl, fd);
}

static void
control_resume(evutil_socket_t fd, short ev, void *arg)
{
	struct control	*c = arg;

	event_add(c->ev_accept, NULL);
}

static void
control_accept(evutil_socket_t lfd, short ev, void *arg)
{
	struct control	*c = arg;
	struct timeval	 tv = { 1, 0 };
	int		 fd;

	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd == -1) {
		if (errno == EMFILE || errno == ENFILE) {
			/* Out of descriptors: pause instead of spinning. */
			log_warn("control: accept");
			event_del(c->ev_accept);
			evtimer_add(c->ev_pause, &tv);
		} else if (errno != EAGAIN && errno != EINTR &&
		    errno != ECONNABORTED)
			log_warn("control: accept");
		return;
	}
	control_accept_fd(c, fd);
}

struct control *
control_new(struct event_base *base, int listenfd, control_request_fn request,
    void *arg)
{
	struct control	*c;
	struct stat	 st;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->base = base;
	c->fd = listenfd;
	c->request = request;
	c->arg = arg;
	TAILQ_INIT(&c->clients);
	/* The socket's group as the parent made it: who may change state. */
	if (fstat(listenfd, &st) == 0)
		c->sock_gid = st.st_gid;
	c->ev_accept = event_new(base, listenfd, EV_READ | EV_PERSIST,
	    control_accept, c);
	c->ev_pause = evtimer_new(base, control_resume, c);
	c->ev_refused = evtimer_new(base, control_refused_report, c);
	if (c->ev_accept == NULL || c->ev_pause == NULL ||
	    c->ev_refused == NULL ||
	    event_add(c->ev_accept, NULL) == -1) {
		control_free(c);
		return NULL;
	}
	return c;
}

void
control_free(struct control *c)
{
	struct control_client	*cl;

	if (c == NULL)
		return;
	while ((cl = TAILQ_FIRST(&c->clients)) != NULL)
		control_close(cl);
	if (c->ev_accept != NULL)
		event_free(c->ev_accept);
	if (c->ev_pause != NULL)
		event_free(c->ev_pause);
	if (c->ev_refused != NULL)
		event_free(c->ev_refused);
	close(c->fd);
	free(c);
}

int
control_send(struct control *c, uint32_t client, const struct msg *m)
{
	struct control_client	*cl;

	if ((cl = control_find(c, client)) == NULL)
		return -1;
	if (channel_send(cl->ch, m) == -1) {
		log_warnx("control client %u: cannot queue %s, dropping it",
		    cl->id, msg_type_name(m->type));
		control_close(cl);
		return -1;
	}
	return 0;
}

int
control_fail(struct control *c, uint32_t client, const char *text)
{
	struct msg	 m;
	int		 n;

	memset(&m, 0, sizeof(m));
	m.type = MSG_CTL_FAIL;
	m.peerid = client;
	n = snprintf(m.u.text.text, sizeof(m.u.text.text), "%s", text);
	if (n < 0)
		return -1;
	/* An over-long reason is cut at the bound rather than lost. */
	m.u.text.len = (size_t)n < sizeof(m.u.text.text) ?
	    (uint32_t)n : (uint32_t)sizeof(m.u.text.text) - 1;
	return control_send(c, client, &m);
}

void
control_monitor(struct control *c, uint32_t client)
{
	struct control_client	*cl;

	if ((cl = control_find(c, client)) != NULL) {
		cl->monitor = true;
		evtimer_del(cl->idle);
	}
}

/* To every monitor client; how many there were. */
static size_t
control_to_monitors(struct control *c, struct msg *m)
{
	struct control_client	*cl, *next;
	size_t			 n = 0;

	for (cl = TAILQ_FIRST(&c->clients); cl != NULL; cl = next) {
		next = TAILQ_NEXT(cl, entry);
		if (!cl->monitor)
			continue;
		if (channel_pending(cl->ch) > CONTROL_MONITOR_LAG) {
			log_warnx("control client %u: monitor too slow, "
			    "dropping it", cl->id);
			control_close(cl);
			continue;
		}
		m->peerid = cl->id;
		control_send(c, cl->id, m);
		n++;
	}
	return n;
}

void
control_event(struct control *c, const struct ctl_event *ev, uint32_t gen)
{
	struct msg	 m;

	memset(&m, 0, offsetof(struct msg, u) + sizeof(m.u.ctl_event));
	m.type = MSG_CTL_EVENT;
	m.gen = gen;
	m.u.ctl_event = *ev;
	(void)control_to_monitors(c, &m);
}

size_t
control_session_end(struct control *c, const struct ctl_session *s,
    uint32_t gen)
{
	struct msg	 m;

	memset(&m, 0, offsetof(struct msg, u) + sizeof(m.u.ctl_session));
	m.type = MSG_CTL_SESSION;
	m.gen = gen;
	m.u.ctl_session = *s;
	return control_to_monitors(c, &m);
}
