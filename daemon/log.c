#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "daemon/log.h"

#define LOG_LINE_MAX	4096

/* The logging state of this process (each process has its own copy). */
static int		 log_foreground = 1;
static int		 log_verbose;
static const char	*log_name = "parent";

void
log_init(int foreground, int verbose)
{
	log_foreground = foreground;
	log_verbose = verbose;
	tzset();
	/* LOG_NDELAY: the syslog socket must be open before any chroot. */
	if (!foreground)
		openlog("hoststated", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static bool
syslog_listening(void)
{
	struct sockaddr_un	 sun;
	int			 fd, rc;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	(void)snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", _PATH_LOG);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return false;
	rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	close(fd);
	return rc == 0;
}

void
log_check_syslog(void)
{
	if (!syslog_listening())
		log_warnx("no syslog daemon listens on %s: what is logged "
		    "after detaching is lost (-d logs to standard error)",
		    _PATH_LOG);
}

void
log_procname(const char *name)
{
	log_name = name;
}

void
log_setverbose(int v)
{
	log_verbose = v;
}

int
log_getverbose(void)
{
	return log_verbose;
}

static void
log_vline(int pri, const char *errtext, const char *fmt, va_list ap)
{
	char	 line[LOG_LINE_MAX];
	int	 n;

	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		/* A long line is cut, and says so, rather than lost. */
		memcpy(line + sizeof(line) - 5, "...", 4);
	if (log_foreground) {
		if (errtext != NULL)
			fprintf(stderr, "%s: %s: %s\n", log_name, line, errtext);
		else
			fprintf(stderr, "%s: %s\n", log_name, line);
		fflush(stderr);
	} else if (errtext != NULL)
		syslog(pri, "%s: %s: %s", log_name, line, errtext);
	else
		syslog(pri, "%s: %s", log_name, line);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vline(LOG_INFO, NULL, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	if (log_verbose < 1)
		return;
	va_start(ap, fmt);
	log_vline(LOG_DEBUG, NULL, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vline(LOG_ERR, strerror(saved), fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vline(LOG_ERR, NULL, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vline(LOG_CRIT, strerror(saved), fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vline(LOG_CRIT, NULL, fmt, ap);
	va_end(ap);
	exit(1);
}

void
log_engine(void *arg, int level, const char *line)
{
	(void)arg;
	if (level == 0)
		log_info("%s", line);
	else
		log_debug("%s", line);
}
