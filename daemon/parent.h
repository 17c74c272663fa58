/*
 * The parent process: loads and reloads the configuration, forks the
 * HCE and the PFE, runs check scripts, applies carp demotion, owns the
 * control socket's path, and ends the daemon when a child dies.
 */
#ifndef HS_DAEMON_PARENT_H
#define HS_DAEMON_PARENT_H

#include <stddef.h>

struct parent_opts {
	const char		*conffile;
	const char *const	*defines;	/* -D name=value */
	size_t			 ndefines;
	const char		*sockpath;	/* -s; NULL: from the config */
	int			 foreground;	/* -d */
	int			 verbose;	/* -v count */
};

/* Run the daemon; returns the exit status (0 after SIGTERM/SIGINT). */
int	 parent_main(const struct parent_opts *);

#endif /* HS_DAEMON_PARENT_H */
