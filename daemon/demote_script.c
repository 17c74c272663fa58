/* Demote scripts run by the parent; see demote_script.h. */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "daemon/demote_script.h"
#include "daemon/log.h"

struct demote_job {
	char		 group[HS_IFNAME_MAX];
	char		 path[HS_PATH_MAX];
	pid_t		 pid;		/* -1: not running */
	bool		 pending;	/* run again when it ends */
	int32_t		 value;		/* the latest counter */
	struct event	*timer;
};

struct demote_scripts {
	struct event_base	*base;
	struct event		*sigchld;
	struct demote_job	 jobs[HS_DEMOTES_MAX];
	size_t			 njobs;
};

/* Root's own: nobody else may have put something there. */
static bool
script_allowed(const char *path)
{
	struct stat	st;

	if (stat(path, &st) == -1) {
		log_warn("demote script %s", path);
		return false;
	}
	if (!S_ISREG(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		log_warnx("demote script %s: refused: not a file that only "
		    "root owns and may write", path);
		return false;
	}
	return true;
}

/* In the child: never returns. */
static void
script_exec(const struct demote_job *job)
{
	char		 value[16];
	char *const	 env[] = { "PATH=/usr/bin:/bin:/usr/sbin:/sbin", NULL };
	sigset_t	 none;

	(void)setpgid(0, 0);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	(void)signal(SIGPIPE, SIG_DFL);
	closefrom(3);
	(void)snprintf(value, sizeof(value), "%d", (int)job->value);
	execle(job->path, job->path, job->group, value, (char *)NULL, env);
	_exit(127);
}

static void
job_start(struct demote_scripts *ds, struct demote_job *job)
{
	struct timeval	tv = { DEMOTE_SCRIPT_TIMEOUT, 0 };

	job->pending = false;
	if (!script_allowed(job->path))
		return;
	if ((job->pid = fork()) == -1) {
		log_warn("demote script %s: fork", job->path);
		return;
	}
	if (job->pid == 0)
		script_exec(job);
	(void)setpgid(job->pid, job->pid);
	evtimer_add(job->timer, &tv);
	log_debug("demote script %s %s %d started", job->path, job->group,
	    (int)job->value);
}

static void
job_timeout(evutil_socket_t fd, short ev, void *arg)
{
	struct demote_job	*job = arg;

	if (job->pid > 0) {
		log_warnx("demote script %s: killed after %d s", job->path,
		    DEMOTE_SCRIPT_TIMEOUT);
		(void)kill(-job->pid, SIGKILL);
	}
}

static void
job_reap(struct demote_scripts *ds, struct demote_job *job)
{
	int	st;

	if (job->pid <= 0 || waitpid(job->pid, &st, WNOHANG) != job->pid)
		return;
	job->pid = -1;
	evtimer_del(job->timer);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		log_warnx("demote script %s %s: failed (wait status %#x)",
		    job->path, job->group, st);
	if (job->pending)
		job_start(ds, job);
}

static void
scripts_sigchld(evutil_socket_t sig, short ev, void *arg)
{
	struct demote_scripts	*ds = arg;
	size_t			 i;

	for (i = 0; i < ds->njobs; i++)
		job_reap(ds, &ds->jobs[i]);
}

/* Blocking: the event loop is over. */
static void
job_wait(struct demote_job *job)
{
	int	i, st;

	for (i = 0; i < DEMOTE_SCRIPT_TIMEOUT * 100; i++) {
		if (waitpid(job->pid, &st, WNOHANG) == job->pid) {
			job->pid = -1;
			return;
		}
		usleep(10 * 1000);
	}
	log_warnx("demote script %s: killed after %d s", job->path,
	    DEMOTE_SCRIPT_TIMEOUT);
	(void)kill(-job->pid, SIGKILL);
	(void)waitpid(job->pid, &st, 0);
	job->pid = -1;
}

void
demote_scripts_finish(struct demote_scripts *ds)
{
	size_t	i;

	for (i = 0; i < ds->njobs; i++) {
		struct demote_job *job = &ds->jobs[i];

		if (job->pid > 0)
			job_wait(job);
		if (job->pending) {
			job_start(ds, job);
			if (job->pid > 0)
				job_wait(job);
		}
	}
}

struct demote_scripts *
demote_scripts_new(struct event_base *base)
{
	struct demote_scripts	*ds;

	if ((ds = calloc(1, sizeof(*ds))) == NULL)
		return NULL;
	ds->base = base;
	ds->sigchld = evsignal_new(base, SIGCHLD, scripts_sigchld, ds);
	if (ds->sigchld == NULL || evsignal_add(ds->sigchld, NULL) == -1) {
		demote_scripts_free(ds);
		return NULL;
	}
	return ds;
}

void
demote_scripts_free(struct demote_scripts *ds)
{
	size_t	i;

	if (ds == NULL)
		return;
	for (i = 0; i < ds->njobs; i++) {
		struct demote_job *job = &ds->jobs[i];

		if (job->pid > 0) {
			(void)kill(-job->pid, SIGKILL);
			while (waitpid(job->pid, NULL, 0) == -1 &&
			    errno == EINTR)
				;
		}
		event_free(job->timer);
	}
	if (ds->sigchld != NULL)
		event_free(ds->sigchld);
	free(ds);
}

static struct demote_job *
job_get(struct demote_scripts *ds, const char *path, const char *group)
{
	struct demote_job	*job;
	size_t			 i;

	for (i = 0; i < ds->njobs; i++)
		if (strcmp(ds->jobs[i].group, group) == 0 &&
		    strcmp(ds->jobs[i].path, path) == 0)
			return &ds->jobs[i];
	if (ds->njobs == HS_DEMOTES_MAX ||
	    strlen(group) >= sizeof(job->group) ||
	    strlen(path) >= sizeof(job->path))
		return NULL;
	job = &ds->jobs[ds->njobs];
	memset(job, 0, sizeof(*job));
	if ((job->timer = evtimer_new(ds->base, job_timeout, job)) == NULL)
		return NULL;
	ds->njobs++;
	memcpy(job->group, group, strlen(group) + 1);
	memcpy(job->path, path, strlen(path) + 1);
	job->pid = -1;
	return job;
}

void
demote_scripts_run(struct demote_scripts *ds, const char *path,
    const char *group, int32_t value)
{
	struct demote_job	*job;

	if ((job = job_get(ds, path, group)) == NULL) {
		log_warnx("demote script %s %s: too many scripts", path, group);
		return;
	}
	job->value = value;
	if (job->pid > 0)
		job->pending = true;	/* after this one, with the latest */
	else
		job_start(ds, job);
}
