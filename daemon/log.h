/*
 * Logging of every hoststated process: syslog (LOG_DAEMON), or stderr
 * in the foreground (-d).  Each line names the process it comes from.
 */
#ifndef HS_DAEMON_LOG_H
#define HS_DAEMON_LOG_H

#include <stdarg.h>

void	 log_init(int foreground, int verbose);
/* Before detaching: warn when no syslog daemon would get our lines. */
void	 log_check_syslog(void);
void	 log_procname(const char *);
void	 log_setverbose(int);
int	 log_getverbose(void);
void	 log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
/* The engines' log_fn: level 0 is logged, level 1 only when verbose. */
void	 log_engine(void *arg, int level, const char *line);
void	 log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
/* log_warn appends the errno text; log_warnx does not. */
void	 log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
/* Log and exit(1): for "cannot happen" and unrecoverable setup errors. */
void	 fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	 fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif /* HS_DAEMON_LOG_H */
