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
 *                   print how many the daemon closed ("held N closed M")
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* Many idle clients at once: the daemon must bound them, not die. */
static int
hold(const char *path, int n, int ms)
{
	struct pollfd	 pfd[1024];
	char		 c;
	int		 i, closed = 0;

	if (n < 1 || n > 1024)
		return 2;
	for (i = 0; i < n; i++) {
		pfd[i].fd = connect_to(path);
		pfd[i].events = POLLIN;
	}
	poll(NULL, 0, ms);
	for (i = 0; i < n; i++) {
		if (poll(&pfd[i], 1, 0) == 1 && read(pfd[i].fd, &c, 1) <= 0)
			closed++;
		close(pfd[i].fd);
	}
	printf("held %d closed %d\n", n, closed);
	return 0;
}

int
main(int argc, char *argv[])
{
	static uint8_t		 out[64 * 1024];
	size_t			 n;
	int			 fd;

	if (argc == 5 && strcmp(argv[2], "hold") == 0)
		return hold(argv[1], atoi(argv[3]), atoi(argv[4]));
	if (argc < 3 || (n = make_bytes(argc, argv, out, sizeof(out))) == 0) {
		fprintf(stderr, "usage: rawclient socket header|short|huge|"
		    "unexpected|random SEED N|hold N MS\n");
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
