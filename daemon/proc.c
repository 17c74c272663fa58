#include <sys/socket.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <stdio.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "daemon/log.h"
#include "daemon/proc.h"

static const char *const proc_names[PROC_MAX] = {
	[PROC_PARENT] = "parent",
	[PROC_HCE] = "hce",
	[PROC_PFE] = "pfe",
};

const char *
proc_name(enum proc_id id)
{
	if ((unsigned)id >= PROC_MAX)
		return "unknown";
	return proc_names[id];
}

int
proc_pipes_open(struct proc_pipes *pp)
{
	int	 a, b, sv[2];

	for (a = 0; a < PROC_MAX; a++)
		for (b = 0; b < PROC_MAX; b++)
			pp->fd[a][b] = -1;
	for (a = 0; a < PROC_MAX; a++)
		for (b = a + 1; b < PROC_MAX; b++) {
			if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
			    sv) == -1) {
				log_warn("socketpair %s-%s", proc_name(a),
				    proc_name(b));
				return -1;
			}
			pp->fd[a][b] = sv[0];
			pp->fd[b][a] = sv[1];
		}
	return 0;
}

static void
proc_close_others(struct proc_pipes *pp, enum proc_id self)
{
	int	 a, b;

	for (a = 0; a < PROC_MAX; a++) {
		if (a == (int)self)
			continue;
		for (b = 0; b < PROC_MAX; b++)
			if (pp->fd[a][b] != -1) {
				close(pp->fd[a][b]);
				pp->fd[a][b] = -1;
			}
	}
}

/* ps and /proc/PID/comm tell the processes apart: "hoststated-hce". */
static void
proc_title(enum proc_id id)
{
#ifdef __linux__
	char	 name[32];

	/* The kernel keeps 15 bytes: "hoststated-hce" and "-pfe" fit. */
	snprintf(name, sizeof(name), "hoststated-%s", proc_name(id));
	prctl(PR_SET_NAME, name, 0, 0, 0);
#else
	setproctitle("%s", proc_name(id));
#endif
}

pid_t
proc_fork(struct proc_pipes *pp, enum proc_id id, const int *closefds,
    void (*child_main)(void *, const struct proc_pipes *), void *arg)
{
	pid_t	 pid;

	switch ((pid = fork())) {
	case -1:
		log_warn("fork %s", proc_name(id));
		return -1;
	case 0:
		break;
	default:
		return pid;
	}
	/* The child: signal dispositions are set up by child_main. */
	log_procname(proc_name(id));
	proc_title(id);
	proc_close_others(pp, id);
	for (; closefds != NULL && *closefds != -1; closefds++)
		close(*closefds);
	child_main(arg, pp);
	_exit(1);
}

void
proc_pipes_parent(struct proc_pipes *pp)
{
	proc_close_others(pp, PROC_PARENT);
}

uint64_t
proc_now_ms(void)
{
	struct timespec	 ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		fatal("clock_gettime");
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
