/*
 * Socket options that need <netinet/tcp.h>, kept apart because its
 * TCPOPT_* names clash with the configuration model's.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

void	net_delay_ack(int fd);

/* Do not ACK the SYN-ACK at once: a connect-only check resets first. */
void
net_delay_ack(int fd)
{
	int	 off = 0;

	(void)setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &off, sizeof(off));
}
