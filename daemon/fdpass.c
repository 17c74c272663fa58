/*
 * Descriptors from the parent to a child: one core message and one
 * descriptor per datagram of a SOCK_SEQPACKET socketpair, so a message
 * and its descriptor cannot be split or merged with others.  The stream
 * channels (channel.c) cannot carry them: their reads drop ancillary
 * data.
 */
#include <sys/socket.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "daemon/fdpass.h"

/* Room for one descriptor beside a message. */
union fdpass_cmsg {
	struct cmsghdr	hdr;
	char		buf[CMSG_SPACE(sizeof(int))];
};

static void
fdpass_msghdr(struct msghdr *mh, struct iovec *iov, void *frame,
    size_t len, union fdpass_cmsg *cm)
{
	memset(mh, 0, sizeof(*mh));
	memset(cm, 0, sizeof(*cm));
	iov->iov_base = frame;
	iov->iov_len = len;
	mh->msg_iov = iov;
	mh->msg_iovlen = 1;
	mh->msg_control = cm->buf;
	mh->msg_controllen = sizeof(cm->buf);
}

int
fdpass_send(int sock, const struct msg *m, int fd)
{
	uint8_t			 frame[MSG_MAX_LEN];
	union fdpass_cmsg	 cm;
	struct msghdr		 mh;
	struct cmsghdr		*c;
	struct iovec		 iov;
	int			 len;
	ssize_t			 n;

	if ((len = msg_encode(m, frame, sizeof(frame))) <= 0)
		return -1;
	fdpass_msghdr(&mh, &iov, frame, (size_t)len, &cm);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	do {
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	} while (n == -1 && errno == EINTR);
	return n == len ? 0 : -1;
}

int
fdpass_recv(int sock, struct msg *m, int *fd)
{
	uint8_t			 frame[MSG_MAX_LEN];
	union fdpass_cmsg	 cm;
	struct msghdr		 mh;
	struct cmsghdr		*c;
	struct iovec		 iov;
	ssize_t			 n;

	*fd = -1;
	fdpass_msghdr(&mh, &iov, frame, sizeof(frame), &cm);
	do {
		n = recvmsg(sock, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	} while (n == -1 && errno == EINTR);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	if (n <= 0)
		return -1;
	for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type ==
		    SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(fd, CMSG_DATA(c), sizeof(int));
	if ((mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || *fd == -1 ||
	    msg_decode(frame, (size_t)n, m) == -1) {
		if (*fd != -1)
			close(*fd);
		*fd = -1;
		return -1;
	}
	return 1;
}
