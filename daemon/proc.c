#include <sys/socket.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <stdio.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "core/msg.h"
#include "core/reload.h"
#include "daemon/log.h"
#include "daemon/proc.h"

static const char *const proc_names[PROC_MAX] = {
	[PROC_PARENT] = "parent",
	[PROC_HCE] = "hce",
	[PROC_PFE] = "pfe",
	[PROC_KEY] = "key",
};

const char *
proc_name(enum proc_id id)
{
	if ((unsigned)id >= PROC_MAX)
		return "unknown";
	return proc_names[id];
}

static int
pair(int type, int fds[2], const char *a, const char *b)
{
	if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, fds) == 0)
		return 0;
	log_warn("socketpair %s-%s", a, b);
	fds[0] = fds[1] = -1;
	return -1;
}

/* Who talks to whom: the parent to every child, the HCE to the PFE. */
static bool
proc_linked(int a, int b)
{
	return a == PROC_PARENT || (a == PROC_HCE && b == PROC_PFE);
}

static const char *
relay_pipe_peer(int k)
{
	return k == RELAY_PIPE_PFE ? "pfe" : k == RELAY_PIPE_KEY ? "key" :
	    "parent";
}

int
proc_pipes_open(struct proc_pipes *pp, uint32_t nrelays)
{
	int		 a, b, k, sv[2];
	uint32_t	 i;

	memset(pp, -1, sizeof(*pp));
	pp->nrelays = nrelays;
	for (a = 0; a < PROC_MAX; a++)
		for (b = a + 1; b < PROC_MAX; b++) {
			if (!proc_linked(a, b))
				continue;
			if (pair(SOCK_STREAM, sv, proc_name(a),
			    proc_name(b)) == -1)
				return -1;
			pp->fd[a][b] = sv[0];
			pp->fd[b][a] = sv[1];
		}
	if (pair(SOCK_SEQPACKET, pp->key_fds, "parent", "key") == -1)
		return -1;
	for (i = 0; i < nrelays; i++)
		for (k = 0; k < RELAY_PIPE_MAX; k++)
			if (pair(k == RELAY_PIPE_FDS ? SOCK_SEQPACKET :
			    SOCK_STREAM, pp->relay[i][k], relay_pipe_peer(k),
			    "relay") == -1)
				return -1;
	return 0;
}

int
proc_pipes_metrics(struct proc_pipes *pp)
{
	return pair(SOCK_STREAM, pp->metrics, "pfe", "metrics");
}

static void
close_fd(int *fd)
{
	if (*fd != -1)
		close(*fd);
	*fd = -1;
}

/* Does process self (relay index) keep end e of relay i's pipe k? */
static bool
relay_end_kept(enum proc_id self, uint32_t index, uint32_t i, int k, int e)
{
	if (e == 1)
		return self == PROC_RELAY && index == i + 1;
	if (k == RELAY_PIPE_PFE)
		return self == PROC_PFE;
	if (k == RELAY_PIPE_KEY)
		return self == PROC_KEY;
	return self == PROC_PARENT;
}

static void
proc_close_others(struct proc_pipes *pp, enum proc_id self, uint32_t index)
{
	int		 a, b, k, e;
	uint32_t	 i;

	for (a = 0; a < PROC_MAX; a++) {
		if (a == (int)self)
			continue;
		for (b = 0; b < PROC_MAX; b++)
			close_fd(&pp->fd[a][b]);
	}
	for (i = 0; i < pp->nrelays; i++)
		for (k = 0; k < RELAY_PIPE_MAX; k++)
			for (e = 0; e < 2; e++)
				if (!relay_end_kept(self, index, i, k, e))
					close_fd(&pp->relay[i][k][e]);
	if (self != PROC_PFE)
		close_fd(&pp->metrics[0]);
	if (self != PROC_METRICS)
		close_fd(&pp->metrics[1]);
	if (self != PROC_PARENT)
		close_fd(&pp->key_fds[0]);
	if (self != PROC_KEY)
		close_fd(&pp->key_fds[1]);
}

/* ps and /proc/PID/comm tell the processes apart: "hoststated-hce". */
static void
proc_title(enum proc_id id, uint32_t index)
{
	char	 name[32];

	/* The kernel keeps 15 bytes: "hoststated-hce", "-pfe", "-r32" fit. */
	if (id == PROC_RELAY)
		snprintf(name, sizeof(name), "hoststated-r%u", index);
	else if (id == PROC_METRICS)
		snprintf(name, sizeof(name), "hoststated-prom");
	else
		snprintf(name, sizeof(name), "hoststated-%s", proc_name(id));
#ifdef __linux__
	prctl(PR_SET_NAME, name, 0, 0, 0);
#else
	setproctitle("%s", name + 11);
#endif
}

pid_t
proc_fork(struct proc_pipes *pp, enum proc_id id, uint32_t index,
    const int *closefds, void (*child_main)(void *, const struct proc_pipes *),
    void *arg)
{
	pid_t	 pid;

	switch ((pid = fork())) {
	case -1:
		log_warn("fork %s", id == PROC_RELAY ? "relay" :
		    id == PROC_METRICS ? "metrics" : proc_name(id));
		return -1;
	case 0:
		break;
	default:
		return pid;
	}
	/* The child: signal dispositions are set up by child_main. */
	if (id == PROC_METRICS)
		log_procname("metrics");
	else if (id != PROC_RELAY)
		log_procname(proc_name(id));
	proc_title(id, index);
	proc_close_others(pp, id, index);
	for (; closefds != NULL && *closefds != -1; closefds++)
		close(*closefds);
	child_main(arg, pp);
	_exit(1);
}

void
proc_pipes_parent(struct proc_pipes *pp)
{
	proc_close_others(pp, PROC_PARENT, 0);
}

uint64_t
proc_now_ms(void)
{
	struct timespec	 ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		fatal("clock_gettime");
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

bool
proc_reload_msg(struct reload_child *rc, const struct msg *m)
{
	if (!reload_msg(m))
		return false;
	if (reload_child_dispatch(rc, PEER_PARENT, m) == -1)
		fatalx("protocol error from parent: %s out of place",
		    msg_type_name(m->type));
	return true;
}
