/*
 * Reach into a daemon process's channel, as a broken peer would: take a
 * copy of descriptor FD of process PID (pidfd_getfd, root) and
 *   shut               shut the socket down: the peer reads end of file
 *   send TYPE GEN ID   write one message of TYPE (its name, as
 *                      msg_type_name says: host_disable) carrying GEN
 *                      and the id ID, as if PID had sent it
 */
#include <sys/socket.h>
#include <sys/syscall.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/msg.h"

static int
grab(pid_t pid, int fd)
{
	int	pidfd, copy;

	if ((pidfd = (int)syscall(SYS_pidfd_open, pid, 0)) == -1) {
		perror("procfd: pidfd_open");
		exit(2);
	}
	if ((copy = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0)) == -1) {
		perror("procfd: pidfd_getfd");
		exit(2);
	}
	close(pidfd);
	return copy;
}

int
main(int argc, char *argv[])
{
	static struct msg	 m;
	uint8_t			 frame[MSG_MAX_LEN];
	int			 fd, len;

	if (argc < 4) {
		fprintf(stderr, "usage: procfd PID FD shut | "
		    "send TYPE GEN ID\n");
		return 2;
	}
	fd = grab((pid_t)atoi(argv[1]), atoi(argv[2]));
	if (strcmp(argv[3], "shut") == 0 && argc == 4) {
		if (shutdown(fd, SHUT_RDWR) == -1) {
			perror("procfd: shutdown");
			return 1;
		}
		return 0;
	}
	if (strcmp(argv[3], "send") != 0 || argc != 7) {
		fprintf(stderr, "procfd: unknown action %s\n", argv[3]);
		return 2;
	}
	for (m.type = MSG_NONE + 1; m.type < MSG_TYPE_MAX; m.type++)
		if (strcmp(msg_type_name(m.type), argv[4]) == 0)
			break;
	m.gen = (uint32_t)strtoul(argv[5], NULL, 10);
	m.u.id.id = (uint32_t)strtoul(argv[6], NULL, 10);
	if ((len = msg_encode(&m, frame, sizeof(frame))) <= 0 ||
	    write(fd, frame, (size_t)len) != len) {
		fprintf(stderr, "procfd: cannot send type %s\n", argv[4]);
		return 1;
	}
	return 0;
}
