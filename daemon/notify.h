/*
 * The service manager's readiness protocol (systemd's sd_notify): the
 * parent says when it is ready, reloading or stopping.  Without
 * libsystemd at build time, or when not started by systemd, nothing.
 */
#ifndef HS_DAEMON_NOTIFY_H
#define HS_DAEMON_NOTIFY_H

void	 notify_ready(void);
void	 notify_reloading(void);
void	 notify_stopping(void);

#endif /* HS_DAEMON_NOTIFY_H */
