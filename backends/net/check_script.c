/*
 * check script PATH, in two halves.  In the HCE the check only forwards
 * the request to the parent (script_forward, MSG_SCRIPT_RUN) and waits
 * for its answer (net_checker_script_done) until the timeout plus a
 * grace.  In the parent the script runner forks PATH with the host as
 * its argument, in a process group of its own with descriptors above 2
 * closed, kills the group with SIGKILL at the timeout, reaps it from a
 * SIGCHLD event with waitpid on its own pids only, and reports the exit
 * status: 0 means up.  A script that cannot be executed says why through
 * a close-on-exec pipe: no such file, or not executable.
 */
#include <sys/queue.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "backends/net/net_internal.h"

#define SCRIPT_JOBS_MAX		1024

void
script_start(struct net_check *chk)
{
	struct net_checker	*nc = chk->nc;
	struct msg_script_run	 m;
	int			 n1, n2;

	memset(&m, 0, sizeof(m));
	m.host_id = chk->host_id;
	m.seq = chk->seq;
	m.timeout_ms = (uint32_t)(chk->deadline_ms - chk->start_ms);
	n1 = snprintf(m.path, sizeof(m.path), "%s", chk->table->check.path);
	n2 = snprintf(m.arg, sizeof(m.arg), "%s", chk->host->name);
	if (nc->opts.script_forward == NULL || n1 < 0 ||
	    (size_t)n1 >= sizeof(m.path) || n2 < 0 ||
	    (size_t)n2 >= sizeof(m.arg)) {
		net_defer(chk, false, HCE_SCRIPT_FAIL, -1);
		return;
	}
	/* The parent kills at the timeout; its answer may be a bit late. */
	chk->phase = PHASE_SCRIPT;
	chk->deadline_ms += SCRIPT_GRACE_MS;
	net_wait(chk, -1, 0);
	nc->opts.script_forward(nc->opts.script_arg, &m);
}

/* --- the parent's runner --------------------------------------------- */

struct script_job {
	LIST_ENTRY(script_job)	 entry;
	struct script_runner	*sr;
	pid_t			 pid;		/* -1: could not start */
	int			 errfd;		/* exec's errno, if it failed */
	uint32_t		 host_id;
	uint64_t		 seq;
	uint64_t		 start_ms;
	bool			 timed_out;
	struct event		*timer;
};

struct script_runner {
	struct event_base	*base;
	uid_t			 uid;
	gid_t			 gid;
	script_done_fn		 done;
	void			*arg;
	struct event		*sigchld;
	LIST_HEAD(, script_job)	 jobs;
	uint32_t		 njobs;
};

static void
job_free(struct script_job *job)
{
	LIST_REMOVE(job, entry);
	job->sr->njobs--;
	event_free(job->timer);
	if (job->errfd != -1)
		close(job->errfd);
	free(job);
}

/* The child exited: its status, or why exec failed. */
static int32_t
job_status(struct script_job *job, int st)
{
	int	 err;

	if (job->errfd != -1 &&
	    read(job->errfd, &err, sizeof(err)) == (ssize_t)sizeof(err)) {
		if (err == ENOENT || err == ENOTDIR)
			return SCRIPT_STATUS_NOT_FOUND;
		if (err == EACCES || err == ENOEXEC || err == EPERM)
			return SCRIPT_STATUS_NOT_EXECUTABLE;
		return SCRIPT_STATUS_FAILED;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : SCRIPT_STATUS_FAILED;
}

static void
job_report(struct script_job *job, int32_t status)
{
	struct script_runner	*sr = job->sr;
	struct msg_script_done	 m;
	uint64_t		 now = net_now_ms();

	memset(&m, 0, sizeof(m));
	m.host_id = job->host_id;
	m.seq = job->seq;
	m.status = status;
	m.timed_out = job->timed_out;
	m.rtt_ms = (uint32_t)(now - job->start_ms);
	job_free(job);
	sr->done(sr->arg, &m);
}

static void
job_timeout(int fd, short what, void *arg)
{
	struct script_job	*job = arg;
	int			 st;

	if (job->pid == -1) {
		job_report(job, SCRIPT_STATUS_FAILED);
		return;
	}
	/* Exited in time, its SIGCHLD not yet seen: not a timeout. */
	if (waitpid(job->pid, &st, WNOHANG) == job->pid) {
		job_report(job, job_status(job, st));
		return;
	}
	/* The whole group: a script's own children die with it. */
	job->timed_out = true;
	(void)kill(-job->pid, SIGKILL);
	(void)kill(job->pid, SIGKILL);
}

static void
runner_reap(int sig, short what, void *arg)
{
	struct script_runner	*sr = arg;
	struct script_job	*job, *next;
	int			 st;
	pid_t			 r;

	for (job = LIST_FIRST(&sr->jobs); job != NULL; job = next) {
		next = LIST_NEXT(job, entry);
		if (job->pid == -1)
			continue;
		do {
			r = waitpid(job->pid, &st, WNOHANG);
		} while (r == -1 && errno == EINTR);
		if (r != job->pid)
			continue;
		job_report(job, job_status(job, st));
		/* The callback may have ended other jobs: start over. */
		next = LIST_FIRST(&sr->jobs);
	}
}

struct script_runner *
script_runner_new(struct event_base *base, uid_t uid, gid_t gid,
    script_done_fn done, void *arg)
{
	struct script_runner	*sr;

	if (done == NULL || (sr = calloc(1, sizeof(*sr))) == NULL)
		return NULL;
	sr->base = base;
	sr->uid = uid;
	sr->gid = gid;
	sr->done = done;
	sr->arg = arg;
	LIST_INIT(&sr->jobs);
	sr->sigchld = evsignal_new(base, SIGCHLD, runner_reap, sr);
	if (sr->sigchld == NULL || evsignal_add(sr->sigchld, NULL) == -1) {
		script_runner_free(sr);
		return NULL;
	}
	return sr;
}

void
script_runner_free(struct script_runner *sr)
{
	struct script_job	*job;
	int			 st;

	if (sr == NULL)
		return;
	while ((job = LIST_FIRST(&sr->jobs)) != NULL) {
		if (job->pid != -1) {
			(void)kill(-job->pid, SIGKILL);
			(void)kill(job->pid, SIGKILL);
			while (waitpid(job->pid, &st, 0) == -1 &&
			    errno == EINTR)
				;
		}
		job_free(job);
	}
	if (sr->sigchld != NULL)
		event_free(sr->sigchld);
	free(sr);
}

/*
 * In the child: never returns.  errfd (close-on-exec) becomes 3 and
 * gets exec's errno if exec fails; the script sees nothing above 2.
 */
static void
script_exec(const struct script_runner *sr, const struct msg_script_run *m,
    int errfd)
{
	sigset_t	 none;
	int		 err;

	(void)setpgid(0, 0);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	(void)signal(SIGPIPE, SIG_DFL);
	if (errfd != 3 && (dup3(errfd, 3, O_CLOEXEC) == -1))
		_exit(127);
	closefrom(4);
	if (sr->gid != (gid_t)-1 &&
	    (setgroups(1, &sr->gid) == -1 || setgid(sr->gid) == -1))
		_exit(127);
	if (sr->uid != (uid_t)-1 && setuid(sr->uid) == -1)
		_exit(127);
	execl(m->path, m->path, m->arg, (char *)NULL);
	err = errno;
	(void)!write(3, &err, sizeof(err));
	_exit(127);
}

void
script_runner_run(struct script_runner *sr, const struct msg_script_run *m)
{
	struct script_job	*job;
	struct timeval		 tv;
	int			 fds[2] = { -1, -1 };

	if ((job = calloc(1, sizeof(*job))) == NULL)
		return;
	job->timer = evtimer_new(sr->base, job_timeout, job);
	if (job->timer == NULL) {
		free(job);
		return;
	}
	job->sr = sr;
	job->host_id = m->host_id;
	job->seq = m->seq;
	job->start_ms = net_now_ms();
	job->pid = -1;
	job->errfd = -1;
	LIST_INSERT_HEAD(&sr->jobs, job, entry);
	sr->njobs++;
	if (sr->njobs > SCRIPT_JOBS_MAX || memchr(m->path, '\0',
	    sizeof(m->path)) == NULL || memchr(m->arg, '\0',
	    sizeof(m->arg)) == NULL || pipe2(fds, O_CLOEXEC) == -1 ||
	    (job->pid = fork()) == -1) {
		if (fds[0] != -1) {
			close(fds[0]);
			close(fds[1]);
		}
		job->pid = -1;
		event_active(job->timer, EV_TIMEOUT, 0);
		return;
	}
	if (job->pid == 0)
		script_exec(sr, m, fds[1]);
	close(fds[1]);
	job->errfd = fds[0];
	(void)setpgid(job->pid, job->pid);
	tv.tv_sec = m->timeout_ms / 1000;
	tv.tv_usec = (suseconds_t)(m->timeout_ms % 1000) * 1000;
	evtimer_add(job->timer, &tv);
}
