/*
 * The parent's side of the metrics process: it opens the metrics
 * listener with the relays' (before privileges go, so a low port works),
 * forks the process with that socket and its pipe to the PFE, and reaps
 * it.  It has no channel to the parent: it exits when the PFE does.
 */
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/listeners.h"
#include "daemon/log.h"
#include "daemon/metrics_proc.h"
#include "daemon/parent_priv.h"

#define METRICS_BACKLOG		16

int
parent_metrics_listen(struct parent *p)
{
	const struct listen_conf	*l = &p->conf->metrics;
	char				 a[HS_ADDRSTR_MAX];

	p->metrics_fd = -1;
	if (l->port == 0)
		return 0;
	if ((p->metrics_fd = listener_open(&l->addr, l->port,
	    METRICS_BACKLOG)) == -1) {
		fprintf(stderr, "metrics: cannot listen on %s port %u: %s\n",
		    addr_fmt(&l->addr, a, sizeof(a)), l->port, strerror(errno));
		return -1;
	}
	return 0;
}

/* After the PFE: the pipe between them is in p->pipes already. */
int
parent_metrics_fork(struct parent *p, int control_fd)
{
	static struct metrics_proc_args	 args;
	int				*closefds;

	if (p->metrics_fd == -1)
		return 0;
	if ((closefds = listeners_closefds(p->listeners, control_fd, -1)) ==
	    NULL)
		return -1;
	args.drop = p->root ? &p->drop : NULL;
	args.listen_fd = p->metrics_fd;
	p->metrics_pid = proc_fork(&p->pipes, PROC_METRICS, 0, closefds,
	    metrics_proc_main, &args);
	free(closefds);
	if (p->metrics_pid == -1)
		return -1;
	close(p->metrics_fd);
	p->metrics_fd = -1;
	return 0;
}

/* SIGCHLD: true when it was the metrics process. */
bool
parent_metrics_reap(struct parent *p)
{
	char	 how[128];
	int	 status;

	if (p->metrics_pid == -1 ||
	    waitpid(p->metrics_pid, &status, WNOHANG) != p->metrics_pid)
		return false;
	p->metrics_pid = -1;
	parent_status_str(status, how, sizeof(how));
	if (!p->exiting) {
		log_warnx("lost child: metrics %s", how);
		parent_exit(p, 1);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		log_debug("metrics %s", how);
	else
		log_warnx("metrics %s", how);
	return true;
}

void
parent_metrics_kill(struct parent *p)
{
	if (p->metrics_pid == -1)
		return;
	log_warnx("metrics did not stop, killing it");
	kill(p->metrics_pid, SIGKILL);
}
