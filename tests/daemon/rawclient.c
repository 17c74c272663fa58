/*
 * A misbehaving control client for the robustness test: connects to
 * the daemon's socket, writes bytes no hoststatectl would send, and
 * prints what came back: "FAIL <text>" (a failure answer), "closed"
 * (closed without one), or "noanswer" (nothing within two seconds).
 *   header          a header with an unknown message type
 *   short           a header whose length is below the header's
 *   huge            a header announcing more than the maximum length
 *   unexpected      a well-formed message a client never sends
 *   random SEED N   N pseudo-random bytes from SEED
 *   hold N MS       open N connections, keep them MS milliseconds, and
 *                   print how many the daemon refused with a line and
 *                   how many it closed without one
 *                   ("held N refused R closed C: first refusal")
 *   monitors N MS   open N connections that each ask to monitor, print
 *                   how many were refused ("monitors N refused R: ...")
 *                   once the answers are in, keep them MS milliseconds
 *   pipeline N READ send N "show summary" requests at once without
 *                   reading; with READ 0 hold the connection two seconds
 *                   more, still not reading, and close ("sent N"); with
 *                   READ 1 then read and count the answers ("sent N
 *                   answered A")
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/msg.h"

static size_t
put_header(uint8_t *p, uint16_t type, uint32_t len)
{
	memset(p, 0, MSG_HDR_LEN);
	p[0] = type >> 8;
	p[1] = type & 0xff;
	p[4] = len >> 24;
	p[5] = (len >> 16) & 0xff;
	p[6] = (len >> 8) & 0xff;
	p[7] = len & 0xff;
	return MSG_HDR_LEN;
}

static size_t
make_bytes(int argc, char *argv[], uint8_t *p, size_t max)
{
	struct msg	 m;
	uint32_t	 x;
	size_t		 i, n;
	int		 len;

	if (strcmp(argv[2], "header") == 0)
		return put_header(p, 0xfff0, MSG_HDR_LEN);
	if (strcmp(argv[2], "short") == 0)
		return put_header(p, MSG_CTL_REQUEST, 4);
	if (strcmp(argv[2], "huge") == 0)
		return put_header(p, MSG_CTL_REQUEST, MSG_MAX_LEN * 4);
	if (strcmp(argv[2], "unexpected") == 0) {
		memset(&m, 0, sizeof(m));
		m.type = MSG_CTL_OK;
		len = msg_encode(&m, p, max);
		return len > 0 ? (size_t)len : 0;
	}
	if (strcmp(argv[2], "random") == 0 && argc == 5) {
		x = (uint32_t)strtoul(argv[3], NULL, 10) * 2654435761u + 1;
		n = strtoul(argv[4], NULL, 10);
		for (i = 0; i < n && i < max; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			p[i] = x & 0xff;
		}
		return i;
	}
	return 0;
}

static void
report(int fd)
{
	static uint8_t	 in[4 * MSG_MAX_LEN];
	static struct msg m;
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	size_t		 len = 0;
	ssize_t		 n;
	int		 flen;

	while (len < sizeof(in) && poll(&pfd, 1, 2000) == 1) {
		if ((n = read(fd, in + len, sizeof(in) - len)) <= 0)
			break;
		len += n;
		flen = len >= MSG_HDR_LEN ? msg_frame_len(in, len) : 0;
		if (flen > 0 && len >= (size_t)flen) {
			if (msg_decode(in, flen, &m) == 0 &&
			    m.type == MSG_CTL_FAIL)
				printf("FAIL %s\n", m.u.text.text);
			else
				printf("answer %s\n", msg_type_name(m.type));
			return;
		}
	}
	printf(len == 0 && poll(&pfd, 1, 0) == 1 ? "closed\n" : "noanswer\n");
}

static int
connect_to(const char *path)
{
	struct sockaddr_un	 sun;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		perror("rawclient: connect");
		exit(2);
	}
	return fd;
}

/* One request; -1 if it cannot be sent within wait_ms. */
static int
send_request_within(int fd, enum ctl_action action, int wait_ms)
{
	struct msg	 m;
	struct pollfd	 pfd = { fd, POLLOUT, 0 };
	uint8_t		 frame[MSG_MAX_LEN];
	int		 len;

	memset(&m, 0, sizeof(m));
	m.type = MSG_CTL_REQUEST;
	m.u.ctl_request.action = action;
	if ((len = msg_encode(&m, frame, sizeof(frame))) <= 0 ||
	    poll(&pfd, 1, wait_ms) != 1)
		return -1;
	return send(fd, frame, (size_t)len, MSG_NOSIGNAL | MSG_DONTWAIT) ==
	    len ? 0 : -1;
}

static int
send_request(int fd, enum ctl_action action)
{
	return send_request_within(fd, action, 1000);
}

/*
 * The first message from the daemon in buf: 1 and its text if it is a
 * refusal, 0 for another one (a monitor's event), -1 if incomplete.
 */
static int
refusal_in(const uint8_t *buf, size_t len, char *why, size_t whylen)
{
	static struct msg m;
	int		 flen;

	flen = len >= MSG_HDR_LEN ? msg_frame_len(buf, len) : 0;
	if (flen <= 0 || len < (size_t)flen)
		return -1;
	if (msg_decode(buf, (size_t)flen, &m) == -1 || m.type != MSG_CTL_FAIL)
		return 0;
	snprintf(why, whylen, "%.*s", (int)(whylen - 1), m.u.text.text);
	return 1;
}

/*
 * Many clients at once (idle, or monitors): the daemon must bound them,
 * say why it refuses one, and not die.  Whatever the daemon says within
 * half a second counts.
 */
static int
hold(const char *path, int n, int ms, bool monitor)
{
	static struct pollfd	 pfd[1024];
	static uint8_t		 in[1024][MSG_MAX_LEN];
	static size_t		 have[1024];
	static int		 fd[1024];
	char			 why[512] = "", w[512];
	int			 i, left, said, refused = 0, closed = 0;
	ssize_t			 r;

	if (n < 1 || n > 1024)
		return 2;
	for (i = 0; i < n; i++) {
		pfd[i].fd = fd[i] = connect_to(path);
		pfd[i].events = POLLIN;
		if (monitor)
			(void)send_request(fd[i], CTL_MONITOR);
	}
	for (left = 5; left > 0 && poll(pfd, (nfds_t)n, 100) >= 0; left--) {
		for (i = 0; i < n; i++) {
			if (pfd[i].fd < 0 || !(pfd[i].revents & POLLIN))
				continue;
			r = read(fd[i], in[i] + have[i],
			    sizeof(in[i]) - have[i]);
			if (r > 0 && (said = refusal_in(in[i],
			    have[i] += (size_t)r, w, sizeof(w))) == -1)
				continue;	/* more to come */
			pfd[i].fd = -1;		/* heard enough */
			if (r > 0 && said == 0)
				continue;	/* accepted */
			if (r > 0 && refused++ == 0)
				snprintf(why, sizeof(why), "%s", w);
			closed += r <= 0;
			close(fd[i]);
			fd[i] = -1;
		}
	}
	if (monitor)
		printf("monitors %d refused %d: %s\n", n, refused, why);
	fflush(stdout);
	poll(NULL, 0, ms);
	if (!monitor)
		printf("held %d refused %d closed %d: %s\n", n, refused,
		    closed, why);
	for (i = 0; i < n; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	return 0;
}

/* Count the answers (each ends with MSG_CTL_END) within 60 seconds. */
static int
count_answers(int fd, int want)
{
	static uint8_t	 in[4 * MSG_MAX_LEN];
	static struct msg m;
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	size_t		 have = 0;
	ssize_t		 n;
	int		 flen, ends = 0;

	while (ends < want && poll(&pfd, 1, 60000) == 1) {
		if ((n = read(fd, in + have, sizeof(in) - have)) <= 0)
			break;
		have += (size_t)n;
		while (have >= MSG_HDR_LEN &&
		    (flen = msg_frame_len(in, have)) > 0 &&
		    have >= (size_t)flen) {
			if (msg_decode(in, (size_t)flen, &m) == 0 &&
			    m.type == MSG_CTL_END)
				ends++;
			memmove(in, in + flen, have - (size_t)flen);
			have -= (size_t)flen;
		}
	}
	return ends;
}

/*
 * A client that asks a lot and reads late, or never.  It sends what
 * the daemon takes within 3 seconds.
 */
static int
pipeline(const char *path, int n, bool readback)
{
	struct timespec	 t0, t;
	int		 fd = connect_to(path), i, left;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = 3000 - (int)((t.tv_sec - t0.tv_sec) * 1000 +
		    (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0 ||
		    send_request_within(fd, CTL_SHOW_SUMMARY, left) == -1)
			break;
	}
	if (!readback) {
		poll(NULL, 0, 2000);
		printf("sent %d\n", i);
		close(fd);
		return 0;
	}
	printf("sent %d answered %d\n", i, count_answers(fd, i));
	close(fd);
	return 0;
}

int
main(int argc, char *argv[])
{
	static uint8_t		 out[64 * 1024];
	size_t			 n;
	int			 fd;

	if (argc == 5 && strcmp(argv[2], "hold") == 0)
		return hold(argv[1], atoi(argv[3]), atoi(argv[4]), false);
	if (argc == 5 && strcmp(argv[2], "monitors") == 0)
		return hold(argv[1], atoi(argv[3]), atoi(argv[4]), true);
	if (argc == 5 && strcmp(argv[2], "pipeline") == 0)
		return pipeline(argv[1], atoi(argv[3]), atoi(argv[4]) != 0);
	if (argc < 3 || (n = make_bytes(argc, argv, out, sizeof(out))) == 0) {
		fprintf(stderr, "usage: rawclient socket header|short|huge|"
		    "unexpected|random SEED N|hold N MS|monitors N MS|"
		    "pipeline N READ\n");
		return 2;
	}
	fd = connect_to(argv[1]);
	if (write(fd, out, n) != (ssize_t)n) {
		perror("rawclient: write");
		return 2;
	}
	report(fd);
	close(fd);
	return 0;
}
