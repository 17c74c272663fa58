/* carp demotion counters (OpenBSD only); see carp.h. */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <net/if.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "backends/pf/carp.h"

static int
group_req(const char *group, struct ifgroupreq *ifgr, struct buf *err)
{
	memset(ifgr, 0, sizeof(*ifgr));
	if (strlcpy(ifgr->ifgr_name, group, sizeof(ifgr->ifgr_name)) >=
	    sizeof(ifgr->ifgr_name)) {
		(void)buf_printf(err, "group name too long: %s", group);
		return -1;
	}
	return 0;
}

/* One ioctl on a datagram socket of its own. */
static int
group_ioctl(unsigned long cmd, struct ifgroupreq *ifgr, const char *what,
    struct buf *err)
{
	int	s, rv;

	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) == -1) {
		(void)buf_printf(err, "socket: %s", strerror(errno));
		return -1;
	}
	if ((rv = ioctl(s, cmd, ifgr)) == -1)
		(void)buf_printf(err, "%s %s: %s", what, ifgr->ifgr_name,
		    strerror(errno));
	close(s);
	return rv;
}

int
carp_demote(const char *group, int delta, struct buf *err)
{
	struct ifgroupreq	ifgr;

	if (group_req(group, &ifgr, err) == -1)
		return -1;
	ifgr.ifgr_attrib.ifg_carp_demoted = delta;
	return group_ioctl(SIOCSIFGATTR, &ifgr, "SIOCSIFGATTR", err);
}

int
carp_set(const char *group, int32_t value, struct buf *err)
{
	struct ifgroupreq	ifgr;
	int			delta;

	if (group_req(group, &ifgr, err) == -1 ||
	    group_ioctl(SIOCGIFGATTR, &ifgr, "SIOCGIFGATTR", err) == -1)
		return -1;
	delta = (int)value - (int)ifgr.ifgr_attrib.ifg_carp_demoted;
	return delta == 0 ? 0 : carp_demote(group, delta, err);
}
