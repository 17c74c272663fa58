#include "daemon/log.h"
#include "daemon/notify.h"

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>

static void
notify_send(const char *state)
{
	int	 rc;

	/* 0: not started by a service manager that listens. */
	if ((rc = sd_notify(0, state)) < 0)
		log_debug("sd_notify %s failed (%d)", state, rc);
}
#else
static void
notify_send(const char *state)
{
}
#endif

void
notify_ready(void)
{
	notify_send("READY=1\nSTATUS=running");
}

void
notify_reloading(void)
{
	notify_send("RELOADING=1\nSTATUS=reloading the configuration");
}

void
notify_stopping(void)
{
	notify_send("STOPPING=1\nSTATUS=stopping");
}
