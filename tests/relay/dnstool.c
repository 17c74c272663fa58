/*
 * DNS clients and misbehaving DNS servers for the DNS relay's tests, on
 * loopback.  Queries ask for qK.example.com, type A; an
 * answer is right when it has the ID and the question its query was
 * sent with, compared byte for byte (not with the relay's parser).
 * Every mode ends within -T seconds (default 20).
 *
 * Clients (-b ADDR: the source address):
 *   udp ADDR PORT N SOCKETS [ID]  N queries spread over SOCKETS sockets
 *                                 (as many source ports), at most -w at
 *                                 a time (default 64), each with ID
 *                                 (default: random); print "sent=N
 *                                 answered=A wrong=W ports=P"
 *   tcp ADDR PORT N [ID]          N queries in one write on one
 *                                 connection; print "sent=N answered=A
 *                                 wrong=W reordered=0|1"
 *   garbage ADDR PORT udp|tcp     the malformed messages ("sent=K"); over
 *                                 TCP in one write with a good query last,
 *                                 whose answer is awaited ("answered=1")
 * Servers, on UDP and TCP:
 *   serve ADDR PORT silent        read queries, never answer
 *   serve ADDR PORT reverse       answer; over TCP, the queries read at
 *                                 once are answered last first
 *   serve ADDR PORT log           answer, and print "udp|tcp id=ID" for
 *                                 each query, as it came
 *   serve ADDR PORT evil          UDP: garbage, the answer with a wrong
 *                                 ID, then with a wrong question, then
 *                                 the right one
 *   serve ADDR PORT spoof         UDP: the answer, but NXDOMAIN, from
 *                                 port PORT+1, then the right one
 */
#include <sys/prctl.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXQ		20000
#define MAXSOCK		1024
#define MSGMAX		65535

static const char	*bind_addr = "127.0.0.1";
static int		 window = 64;
static int		 deadline_s = 20;
static int		 spoof_fd = -1;	/* serve spoof: PORT+1 */

static void __attribute__((noreturn))
die(const char *what)
{
	fprintf(stderr, "dnstool: %s: %s\n", what, strerror(errno));
	exit(2);
}

static struct sockaddr_in
sin_of(const char *addr, int port)
{
	struct sockaddr_in	sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
		fprintf(stderr, "dnstool: bad address %s\n", addr);
		exit(2);
	}
	return sin;
}

static long
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* Query k with this ID into p; its length. */
static size_t
query(uint8_t *p, int k, uint16_t id)
{
	char	name[64], *label, *save = NULL;
	size_t	n = 12, l;

	snprintf(name, sizeof(name), "q%d.example.com", k);
	memset(p, 0, 12);
	p[0] = (uint8_t)(id >> 8);
	p[1] = (uint8_t)id;
	p[2] = 0x01;		/* RD */
	p[5] = 1;		/* one question */
	for (label = strtok_r(name, ".", &save); label != NULL;
	    label = strtok_r(NULL, ".", &save)) {
		l = strlen(label);
		p[n++] = (uint8_t)l;
		memcpy(p + n, label, l);
		n += l;
	}
	p[n++] = 0;
	memcpy(p + n, "\0\1\0\1", 4);
	return n + 4;
}

/* The query an answer answers: "qK." gives K; -1 if not one of ours. */
static int
answer_of(const uint8_t *p, size_t len)
{
	char	buf[16];
	size_t	l;

	if (len < 14 || p[12] < 2 || (l = p[12]) > 10 || p[13] != 'q' ||
	    13 + l > len)
		return -1;
	memcpy(buf, p + 14, l - 1);
	buf[l - 1] = '\0';
	return atoi(buf);
}

/* The answer repeats the query: ID, QR set, and the question. */
static int
answer_right(const uint8_t *a, size_t alen, const uint8_t *q, size_t qlen)
{
	return alen >= qlen && a[0] == q[0] && a[1] == q[1] &&
	    (a[2] & 0x80) && memcmp(a + 12, q + 12, qlen - 12) == 0 &&
	    a[4] == 0 && a[5] == 1;
}

static uint16_t
query_id(int given, int k)
{
	if (given >= 0)
		return (uint16_t)given;
	return (uint16_t)(random() ^ k);
}

struct sent {
	uint16_t	 id;
	int		 sock;
	int		 done;
};

static int
udp_socket(const struct sockaddr_in *to)
{
	struct sockaddr_in	me = sin_of(bind_addr, 0);
	int			fd;

	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&me, sizeof(me)) == -1 ||
	    connect(fd, (const struct sockaddr *)to, sizeof(*to)) == -1)
		die("udp socket");
	return fd;
}

static int
udp_client(const char *addr, int port, int n, int nsock, int id)
{
	static struct sent	 s[MAXQ];
	static struct pollfd	 pfd[MAXSOCK];
	struct sockaddr_in	 to = sin_of(addr, port);
	uint8_t			 q[512], a[MSGMAX];
	int			 i, k, next = 0, inflight = 0, answered = 0;
	int			 wrong = 0, ports = 0;
	long			 end = now_ms() + deadline_s * 1000L;
	ssize_t			 r;
	size_t			 qlen;

	if (n > MAXQ || nsock > MAXSOCK || nsock < 1)
		return 2;
	for (i = 0; i < nsock; i++) {
		pfd[i].fd = udp_socket(&to);
		pfd[i].events = POLLIN;
	}
	ports = nsock;
	/* -T 0: send the first window and go. */
	for (;;) {
		for (; next < n && inflight < window; next++, inflight++) {
			s[next].id = query_id(id, next);
			s[next].sock = next % nsock;
			qlen = query(q, next, s[next].id);
			if (send(pfd[s[next].sock].fd, q, qlen, 0) == -1)
				die("send");
		}
		if (answered + wrong >= n || now_ms() >= end)
			break;
		if (poll(pfd, (nfds_t)nsock, 100) <= 0)
			continue;
		for (i = 0; i < nsock; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			while ((r = recv(pfd[i].fd, a, sizeof(a),
			    MSG_DONTWAIT)) > 0) {
				k = answer_of(a, (size_t)r);
				if (k < 0 || k >= next || s[k].done ||
				    s[k].sock != i) {
					wrong++;
					continue;
				}
				qlen = query(q, k, s[k].id);
				s[k].done = 1;
				inflight--;
				if (answer_right(a, (size_t)r, q, qlen))
					answered++;
				else
					wrong++;
			}
		}
	}
	printf("sent=%d answered=%d wrong=%d ports=%d\n", next, answered,
	    wrong, ports);
	return 0;
}

static int
tcp_connect(const char *addr, int port)
{
	struct sockaddr_in	to = sin_of(addr, port);
	struct sockaddr_in	me = sin_of(bind_addr, 0);
	int			fd;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&me, sizeof(me)) == -1 ||
	    connect(fd, (struct sockaddr *)&to, sizeof(to)) == -1)
		die("connect");
	return fd;
}

static void
write_all(int fd, const uint8_t *p, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		if ((w = write(fd, p, n)) <= 0)
			die("write");
		p += w;
		n -= (size_t)w;
	}
}

/* One length-prefixed message from fd within the deadline; its length. */
static ssize_t
read_message(int fd, uint8_t *p, long end)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };
	size_t		have = 0, need = 2;
	ssize_t		r;

	while (have < need) {
		if (now_ms() >= end || poll(&pfd, 1, 100) < 0)
			return -1;
		if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		if ((r = read(fd, p + have, need - have)) <= 0)
			return -1;
		have += (size_t)r;
		if (have == 2)
			need = 2 + (size_t)(p[0] << 8 | p[1]);
	}
	memmove(p, p + 2, need - 2);
	return (ssize_t)(need - 2);
}

static int
tcp_client(const char *addr, int port, int n, int id)
{
	static struct sent	 s[MAXQ];
	static uint8_t		 out[MAXQ * 300];
	uint8_t			 q[512], a[MSGMAX + 2];
	size_t			 len = 0, qlen;
	int			 fd, k, got = 0, answered = 0, wrong = 0;
	int			 reordered = 0;
	long			 end = now_ms() + deadline_s * 1000L;
	ssize_t			 r;

	if (n > MAXQ)
		return 2;
	for (k = 0; k < n; k++) {
		s[k].id = query_id(id, k);
		qlen = query(out + len + 2, k, s[k].id);
		out[len] = (uint8_t)(qlen >> 8);
		out[len + 1] = (uint8_t)qlen;
		len += 2 + qlen;
	}
	fd = tcp_connect(addr, port);
	write_all(fd, out, len);
	while (got < n && (r = read_message(fd, a, end)) >= 0) {
		k = answer_of(a, (size_t)r);
		if (k < 0 || k >= n || s[k].done) {
			wrong++;
			got++;
			continue;
		}
		if (k != got)
			reordered = 1;
		got++;
		s[k].done = 1;
		qlen = query(q, k, s[k].id);
		if (answer_right(a, (size_t)r, q, qlen))
			answered++;
		else
			wrong++;
	}
	printf("sent=%d answered=%d wrong=%d reordered=%d\n", n, answered,
	    wrong, reordered);
	close(fd);
	return 0;
}

/* Malformed messages, each one dropped by a careful relay. */
static size_t
garbage(int i, uint8_t *p)
{
	static const uint8_t	 g[][40] = {
		{ 5, 1, 2, 3, 4, 5 },				/* short */
		{ 12, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0 },	/* no name */
		{ 17, 0, 2, 0x81, 0, 0, 1, 0, 0, 0, 0, 0, 0,	/* QR set */
		    0, 0, 1, 0, 1 },
		{ 12, 0, 3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0 },	/* qdcount 0 */
		{ 18, 0, 4, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,	/* loop */
		    0xc0, 12, 0, 1, 0, 1 },
		{ 18, 0, 5, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,	/* past end */
		    9, 'a', 0, 1, 0, 1 },
		{ 20, 0, 6, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,	/* trailing */
		    1, 'a', 0, 0, 1, 0, 1, 0xff },
		{ 19, 0, 7, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,	/* label type */
		    0x41, 'a', 0, 0, 1, 0, 1 },
	};

	if (i >= (int)(sizeof(g) / sizeof(g[0])))
		return 0;
	memcpy(p, g[i] + 1, g[i][0]);
	return g[i][0];
}

static int
garbage_client(const char *addr, int port, const char *proto)
{
	uint8_t			 out[4096], p[64], a[MSGMAX + 2];
	struct sockaddr_in	 to = sin_of(addr, port);
	size_t			 n, len = 0;
	int			 i, fd, answered = 0;

	if (strcmp(proto, "udp") == 0) {
		fd = udp_socket(&to);
		for (i = 0; (n = garbage(i, p)) > 0; i++)
			if (send(fd, p, n, 0) == -1)
				die("send");
		printf("sent=%d\n", i);
		return 0;
	}
	for (i = 0; (n = garbage(i, p)) > 0; i++) {
		out[len] = 0;
		out[len + 1] = (uint8_t)n;
		memcpy(out + len + 2, p, n);
		len += 2 + n;
	}
	out[len++] = 0;			/* and one of length 0 */
	out[len++] = 0;
	i++;
	n = query(out + len + 2, 1, 4242);
	out[len] = 0;
	out[len + 1] = (uint8_t)n;
	len += 2 + n;
	fd = tcp_connect(addr, port);
	write_all(fd, out, len);
	if (read_message(fd, a, now_ms() + deadline_s * 1000L) > 0 &&
	    a[0] == 4242 >> 8 && a[1] == (4242 & 0xff))
		answered = 1;
	printf("sent=%d answered=%d\n", i, answered);
	return 0;
}

/* The query as its own answer: QR and RA set, no records added. */
static void
as_answer(uint8_t *p)
{
	p[2] |= 0x80;
	p[3] = 0x80;
}

static void
serve_udp(int fd, const char *how)
{
	struct sockaddr_storage	ss;
	socklen_t		sl;
	uint8_t			p[MSGMAX], w[MSGMAX];
	ssize_t			n;

	for (;;) {
		sl = sizeof(ss);
		if ((n = recvfrom(fd, p, sizeof(p), 0, (struct sockaddr *)&ss,
		    &sl)) < 12)
			continue;
		if (strcmp(how, "silent") == 0)
			continue;
		if (strcmp(how, "log") == 0)
			printf("udp id=%u\n", p[0] << 8 | p[1]);
		as_answer(p);
		if (strcmp(how, "evil") == 0) {
			(void)sendto(fd, "\0\1\2", 3, 0, (struct sockaddr *)&ss,
			    sl);
			memcpy(w, p, (size_t)n);
			w[1] ^= 1;
			(void)sendto(fd, w, (size_t)n, 0,
			    (struct sockaddr *)&ss, sl);
			memcpy(w, p, (size_t)n);
			w[13] = w[13] == 'x' ? 'y' : 'x';
			(void)sendto(fd, w, (size_t)n, 0,
			    (struct sockaddr *)&ss, sl);
		}
		if (strcmp(how, "spoof") == 0) {
			memcpy(w, p, (size_t)n);
			w[3] |= 3;	/* NXDOMAIN */
			(void)sendto(spoof_fd, w, (size_t)n, 0,
			    (struct sockaddr *)&ss, sl);
		}
		(void)sendto(fd, p, (size_t)n, 0, (struct sockaddr *)&ss, sl);
	}
}

/* TCP: what one read brings, answered (last first when reversing). */
static void
serve_tcp_conn(int fd, const char *how)
{
	static uint8_t	buf[4 * MSGMAX], out[4 * MSGMAX];
	size_t		have = 0, off, len, starts[4096], lens[4096], n, o;
	size_t		i, k;
	ssize_t		r;

	for (;;) {
		if ((r = read(fd, buf + have, sizeof(buf) - have)) <= 0)
			_exit(0);
		have += (size_t)r;
		if (strcmp(how, "silent") == 0) {
			have = 0;
			continue;
		}
		for (off = 0, n = 0; have - off >= 2 && n < 4096; n++) {
			len = (size_t)(buf[off] << 8 | buf[off + 1]);
			if (have - off < 2 + len)
				break;
			starts[n] = off;
			lens[n] = len;
			off += 2 + len;
		}
		for (o = 0, k = 0; k < n; k++) {
			i = strcmp(how, "reverse") == 0 ? n - 1 - k : k;
			if (strcmp(how, "log") == 0 && lens[i] >= 2)
				printf("tcp id=%u\n", buf[starts[i] + 2] << 8 |
				    buf[starts[i] + 3]);
			memcpy(out + o, buf + starts[i], 2 + lens[i]);
			if (lens[i] >= 12)
				as_answer(out + o + 2);
			o += 2 + lens[i];
		}
		write_all(fd, out, o);
		memmove(buf, buf + off, have - off);
		have -= off;
	}
}

static int
serve(const char *addr, int port, const char *how)
{
	struct sockaddr_in	sin = sin_of(addr, port);
	int			u, t, c, on = 1;

	if ((u = socket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
	    bind(u, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    (t = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    bind(t, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(t, 64) == -1)
		die("serve");
	if (strcmp(how, "spoof") == 0) {
		sin.sin_port = htons((uint16_t)(port + 1));
		if ((spoof_fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
		    bind(spoof_fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
			die("serve spoof");
	}
	signal(SIGCHLD, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (fork() == 0) {
		/* Children go with the server the test stops. */
		(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
		close(t);
		serve_udp(u, how);
	}
	close(u);
	printf("serving\n");
	fflush(stdout);
	for (;;) {
		if ((c = accept(t, NULL, NULL)) == -1)
			continue;
		if (fork() == 0) {
			(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
			close(t);
			alarm((unsigned)deadline_s);
			serve_tcp_conn(c, how);
		}
		close(c);
	}
}

int
main(int argc, char *argv[])
{
	int	ch;

	while ((ch = getopt(argc, argv, "b:T:w:")) != -1) {
		switch (ch) {
		case 'b':
			bind_addr = optarg;
			break;
		case 'T':
			deadline_s = atoi(optarg);
			break;
		case 'w':
			window = atoi(optarg);
			break;
		default:
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	srandom((unsigned)(getpid() ^ now_ms()));
	if (argc >= 5 && strcmp(argv[0], "udp") == 0)
		return udp_client(argv[1], atoi(argv[2]), atoi(argv[3]),
		    atoi(argv[4]), argc > 5 ? atoi(argv[5]) : -1);
	if (argc >= 4 && strcmp(argv[0], "tcp") == 0)
		return tcp_client(argv[1], atoi(argv[2]), atoi(argv[3]),
		    argc > 4 ? atoi(argv[4]) : -1);
	if (argc == 4 && strcmp(argv[0], "garbage") == 0)
		return garbage_client(argv[1], atoi(argv[2]), argv[3]);
	if (argc == 4 && strcmp(argv[0], "serve") == 0) {
		alarm((unsigned)deadline_s * 6);
		return serve(argv[1], atoi(argv[2]), argv[3]);
	}
	fprintf(stderr, "usage: dnstool [-b ADDR] [-T SECS] "
	    "[-w WINDOW] udp|tcp|garbage|serve ...\n");
	return 2;
}
