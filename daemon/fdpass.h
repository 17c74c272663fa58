/* Passing a descriptor with a core message (SCM_RIGHTS). */
#ifndef HS_DAEMON_FDPASS_H
#define HS_DAEMON_FDPASS_H

#include "core/msg.h"

/* Send m with fd (which stays open here); 0 or -1. */
int	 fdpass_send(int sock, const struct msg *m, int fd);
/*
 * Receive one message and its descriptor without blocking: 1, 0 when
 * nothing waits, -1 on a closed socket or a bad datagram (a descriptor
 * that came with it is closed).
 */
int	 fdpass_recv(int sock, struct msg *m, int *fd);

#endif /* HS_DAEMON_FDPASS_H */
