/*
 * hoststatectl: the operator's control tool.  It parses the command
 * words with the core's ctl_parse, sends one request over the control
 * socket, and prints the answer with the core's renderer, the same one
 * the simulator uses.
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/ctl.h"
#include "core/msg.h"

#define CTL_ROWS_MAX		(HS_HOSTS_MAX + HS_TABLES_MAX + \
				    HS_SERVICES_MAX + HS_RELAYS_MAX)
/*
 * How long to wait for the daemon's next message, except for monitor: a
 * hung daemon gets a clear line instead of a wait.  A reload parses and
 * resolves names in the parent first, so it may take longer.
 */
#define CTL_ANSWER_TIMEOUT	10	/* seconds */
#define CTL_RELOAD_TIMEOUT	30
#define CTL_OUT_MAX		(256 * 1024 * 1024)

/* The frame reader: the reply stream from the daemon. */
struct reader {
	int	 fd;
	uint8_t	 buf[4 * MSG_MAX_LEN];
	size_t	 len;
};

static const char	*sockpath = HS_SOCKET_DEFAULT;
static int		 json;		/* -j: failures are JSON too */
static int		 answer_timeout = CTL_ANSWER_TIMEOUT;

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: hoststatectl [-j] [-s socket] command "
	    "[argument ...]\n");
	exit(1);
}

/* With -j, a failure is a JSON result on standard output. */
static void __attribute__((noreturn))
die_json(const char *text)
{
	struct buf	 out;

	buf_init(&out, 2 * MSG_MAX_LEN);
	ctl_render_result_json(false, text, &out);
	fputs(buf_str(&out), stdout);
	buf_free(&out);
	exit(1);
}

static void __attribute__((noreturn))
die(const char *fmt, ...)
{
	char	 text[2048];
	va_list	 ap;

	va_start(ap, fmt);
	(void)vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (json)
		die_json(text);
	fprintf(stderr, "hoststatectl: %s\n", text);
	exit(1);
}

/* One failure answer: every line of it, each prefixed. */
static void __attribute__((noreturn))
die_text(const char *text)
{
	const char	*nl;

	if (*text == '\0')
		die("command failed");
	if (json)
		die_json(text);
	while (*text != '\0') {
		nl = strchr(text, '\n');
		if (nl == NULL)
			nl = text + strlen(text);
		fprintf(stderr, "hoststatectl: %.*s\n", (int)(nl - text),
		    text);
		text = *nl == '\n' ? nl + 1 : nl;
	}
	exit(1);
}

static int
ctl_connect(const char *path)
{
	struct sockaddr_un	 sun;
	struct timeval		 tv = { answer_timeout, 0 };
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		die("socket path too long: %s", path);
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		die("socket: %s", strerror(errno));
	/* A daemon that accepts nobody: connect waits at most this long. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			die("no answer from hoststated within %d seconds",
			    answer_timeout);
		die("cannot connect to %s: %s", path, strerror(errno));
	}
	return fd;
}

static void
ctl_send(int fd, const struct ctl_request *req)
{
	struct msg	 m;
	uint8_t		 frame[MSG_MAX_LEN];
	ssize_t		 n;
	size_t		 off = 0;
	int		 len;

	memset(&m, 0, sizeof(m));
	m.type = MSG_CTL_REQUEST;
	m.u.ctl_request = *req;
	if ((len = msg_encode(&m, frame, sizeof(frame))) <= 0)
		die("cannot encode the request");
	while (off < (size_t)len) {
		n = send(fd, frame + off, len - off, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		/*
		 * A daemon that refuses us says why and closes: read that
		 * line rather than dying of a write to a closed socket.
		 */
		if (n == -1 && (errno == EPIPE || errno == ECONNRESET))
			return;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			die("no answer from hoststated within %d seconds",
			    answer_timeout);
		if (n <= 0)
			die("cannot send to %s: %s", sockpath,
			    n == 0 ? "closed" : strerror(errno));
		off += n;
	}
}

/* The next message; exits on a closed connection or a bad frame. */
static void
ctl_read(struct reader *r, struct msg *m)
{
	ssize_t	 n;
	int	 len;

	for (;;) {
		len = r->len >= MSG_HDR_LEN ? msg_frame_len(r->buf, r->len) : 0;
		if (len < 0)
			die("protocol error: bad frame from hoststated");
		if (len > 0 && r->len >= (size_t)len) {
			if (msg_decode(r->buf, len, m) == -1)
				die("protocol error: malformed message from "
				    "hoststated");
			memmove(r->buf, r->buf + len, r->len - len);
			r->len -= len;
			return;
		}
		n = read(r->fd, r->buf + r->len, sizeof(r->buf) - r->len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			die("no answer from hoststated within %d seconds",
			    answer_timeout);
		if (n == -1 && errno == ECONNRESET)
			die("connection closed by hoststated");
		if (n == -1)
			die("read: %s", strerror(errno));
		if (n == 0)
			die("connection closed by hoststated");
		r->len += n;
	}
}

/* The next item of a list answer of TYPE; false at its end. */
static bool
ctl_read_item(struct reader *r, struct msg *m, enum msg_type type)
{
	ctl_read(r, m);
	if (m->type == MSG_CTL_END)
		return false;
	if (m->type == MSG_CTL_FAIL)
		die_text(m->u.text.text);
	if (m->type != type)
		die("protocol error: unexpected %s", msg_type_name(m->type));
	return true;
}

static void
print_buf(struct buf *out)
{
	if (out->truncated)
		die("output too large");
	fputs(buf_str(out), stdout);
	if (fflush(stdout) == EOF)
		exit(1);
}

/* Wall-clock milliseconds since the epoch, for the JSON times. */
static uint64_t
wall_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* show sessions: a line (or a JSON object) per session, as they come. */
static void
ctl_sessions(struct reader *r, struct msg *m)
{
	struct buf	 out;
	size_t		 n = 0;

	buf_init(&out, CTL_OUT_MAX);
	if (json)
		buf_puts(&out, "[");
	while (ctl_read_item(r, m, MSG_CTL_SESSION)) {
		if (json) {
			buf_puts(&out, n++ > 0 ? ",\n " : "");
			ctl_render_session_json(&m->u.ctl_session, &out);
			/* one array: the object's newline goes */
			if (out.len > 0 && out.data[out.len - 1] == '\n')
				out.data[--out.len] = '\0';
		} else
			ctl_render_session(&m->u.ctl_session, &out);
	}
	if (json)
		buf_puts(&out, "]\n");
	print_buf(&out);
	buf_free(&out);
}

/* show metrics: the daemon's text as it comes, JSON or not. */
static void
ctl_metrics(struct reader *r, struct msg *m)
{
	while (ctl_read_item(r, m, MSG_CTL_TEXT))
		if (fwrite(m->u.text.text, 1, m->u.text.len, stdout) !=
		    m->u.text.len)
			exit(1);
	if (fflush(stdout) == EOF)
		exit(1);
}

static void
ctl_show(struct reader *r, struct msg *m, enum ctl_action action)
{
	struct ctl_row	*rows = NULL, *nrows;
	size_t		 n = 0, cap = 0;
	struct buf	 out;

	while (ctl_read_item(r, m, MSG_CTL_ROW)) {
		if (n == CTL_ROWS_MAX)
			die("protocol error: too many rows");
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nrows = reallocarray(rows, cap,
			    sizeof(*rows))) == NULL)
				die("out of memory");
			rows = nrows;
		}
		rows[n++] = m->u.ctl_row;
	}
	buf_init(&out, CTL_OUT_MAX);
	if (json)
		ctl_render_json(action, rows, n, wall_ms(), &out);
	else
		ctl_render(action, rows, n, &out);
	print_buf(&out);
	buf_free(&out);
	free(rows);
}

static void __attribute__((noreturn))
ctl_monitor(struct reader *r, struct msg *m)
{
	struct buf	 out;
	struct timespec	 ts;
	struct tm	 tm;
	char		 when[64];

	buf_init(&out, 64 * 1024);
	for (;;) {
		ctl_read(r, m);
		if (m->type == MSG_CTL_FAIL)
			die_text(m->u.text.text);
		if (m->type != MSG_CTL_EVENT && m->type != MSG_CTL_SESSION)
			die("protocol error: unexpected %s",
			    msg_type_name(m->type));
		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
		buf_reset(&out);
		if (json) {
			buf_printf(&out, "{\"time\":\"%s.%03ld\",\"data\":",
			    when, ts.tv_nsec / 1000000);
			if (m->type == MSG_CTL_SESSION)
				ctl_render_session_json(&m->u.ctl_session,
				    &out);
			else
				ctl_render_event_json(&m->u.ctl_event, &out);
			/* The renderer ends its object with a newline. */
			if (out.len > 0 && out.data[out.len - 1] == '\n')
				out.len--;
			buf_puts(&out, "}\n");
		} else {
			buf_printf(&out, "%s.%03ld ", when,
			    ts.tv_nsec / 1000000);
			if (m->type == MSG_CTL_SESSION)
				ctl_render_session(&m->u.ctl_session, &out);
			else
				ctl_render_event(&m->u.ctl_event, &out);
		}
		print_buf(&out);
	}
}

static void
ctl_result(struct reader *r, struct msg *m)
{
	ctl_read(r, m);
	if (m->type == MSG_CTL_FAIL)
		die_text(m->u.text.text);
	if (m->type != MSG_CTL_OK)
		die("protocol error: unexpected %s", msg_type_name(m->type));
	if (json)
		printf("{\"result\":\"command succeeded\"}\n");
	else
		printf("command succeeded\n");
}

/* The daemon may run elsewhere (/ after detaching): send full paths. */
static void
ctl_absolute(struct ctl_request *req)
{
	char	 path[PATH_MAX];
	int	 n;

	if (req->target[0] == '\0' || req->target[0] == '/')
		return;
	if (realpath(req->target, path) == NULL)
		die("%s: %s", req->target, strerror(errno));
	n = snprintf(req->target, sizeof(req->target), "%s", path);
	if (n < 0 || (size_t)n >= sizeof(req->target))
		die("path too long: %s", path);
}

int
main(int argc, char *argv[])
{
	struct ctl_request	 req;
	struct timeval		 tv;
	static struct reader	 r;
	static struct msg	 m;
	struct buf		 err;
	int			 ch;

	/* A daemon that closes on us is an answer, not a fatal signal. */
	signal(SIGPIPE, SIG_IGN);
	while ((ch = getopt(argc, argv, "+js:")) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 's':
			sockpath = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	buf_init(&err, 4096);
	if (ctl_parse(argc, argv, &req, &err) == -1)
		die("%s", buf_str(&err));
	if (req.action == CTL_RELOAD) {
		ctl_absolute(&req);
		answer_timeout = CTL_RELOAD_TIMEOUT;
	}
	r.fd = ctl_connect(sockpath);
	tv.tv_sec = answer_timeout;
	tv.tv_usec = 0;
	if (req.action != CTL_MONITOR)
		setsockopt(r.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	ctl_send(r.fd, &req);
	if (req.action == CTL_MONITOR)
		ctl_monitor(&r, &m);	/* until interrupted */
	if (req.action == CTL_SHOW_SESSIONS)
		ctl_sessions(&r, &m);
	else if (req.action == CTL_SHOW_METRICS)
		ctl_metrics(&r, &m);
	else if (ctl_action_shows(req.action))
		ctl_show(&r, &m, req.action);
	else
		ctl_result(&r, &m);
	close(r.fd);
	return 0;
}
