/*
 * Many explore runs: in this process or spread over worker processes,
 * each run's outcome reported in run order (so that the output does not
 * depend on the number of workers), a replay scenario for each
 * violation up to a bound, progress on stderr for long explorations.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backends/sim/prng.h"
#include "sim/explore_priv.h"
#include "sim/run.h"
#include "sim/scenario.h"

struct explorer {
	const struct explore_opts *eo;
	struct explore_result	*er;
	const char		*config;	/* absolute path */
	const struct targets	*tg;
	unsigned int		 keep;
	uint64_t		 next;		/* the next run to report */
	struct run_report	*pending;	/* later runs, done */
	size_t			 npending;
	double			 t0, shown;
	int			 failed;
};

/* A header on a worker's pipe, then msg and exp bytes. */
struct wire_report {
	uint64_t	run;
	uint64_t	seed;
	uint64_t	checks;
	uint64_t	t;
	uint32_t	outcome;
	uint32_t	msglen;
	uint32_t	explen;
};

static double
wall_seconds(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
write_file(const char *path, const char *text)
{
	FILE	*f;
	int	 rv = 0;

	if ((f = fopen(path, "w")) == NULL)
		return -1;
	if (fputs(text, f) == EOF)
		rv = -1;
	if (fclose(f) == EOF)
		rv = -1;
	return rv;
}

/* The replay scenario of a violation: its schedule up to it. */
static void
write_replay(struct explorer *x, const struct run_report *rp)
{
	struct schedule	 s;
	struct buf	 text;
	char		 path[1024];
	int		 n;

	n = snprintf(path, sizeof(path), "%s/explore-%llu.scenario",
	    x->eo->dir, (unsigned long long)rp->seed);
	memset(&s, 0, sizeof(s));
	if (n < 0 || (size_t)n >= sizeof(path) ||
	    gen_schedule(rp->seed, x->tg, &s) == -1) {
		printf("explore: cannot write a replay of seed %llu\n",
		    (unsigned long long)rp->seed);
		free(s.lines);
		return;
	}
	buf_init(&text, SCHED_TEXT_MAX);
	buf_printf(&text, "# Replays an invariant violation found by "
	    "hoststated-sim --explore.\n# %s\n", buf_str(&rp->msg));
	if (rp->exp.len == 0)
		buf_puts(&text, "# No expectation states this invariant: "
		    "the timeline up to its end shows it.\n");
	sched_text(x->config, rp->seed, x->eo->inject, &s, rp->t,
	    buf_str(&rp->exp), &text);
	if (text.truncated || write_file(path, buf_str(&text)) == -1)
		printf("explore: cannot write %s: %s\n", path,
		    text.truncated ? "too large" : strerror(errno));
	else {
		printf("explore: wrote %s\n", path);
		if (x->er->kept++ == 0)
			(void)snprintf(x->er->first_file,
			    sizeof(x->er->first_file), "%s", path);
	}
	buf_free(&text);
	free(s.lines);
}

static void
progress(struct explorer *x)
{
	double	now = wall_seconds();

	if (!x->eo->progress || now - x->shown < x->eo->progress_s)
		return;
	x->shown = now;
	fprintf(stderr, "explore: %llu/%llu runs, %llu violations, "
	    "%llu checks, %.0f checks/s\n", (unsigned long long)x->er->runs,
	    (unsigned long long)x->eo->runs,
	    (unsigned long long)x->er->violations,
	    (unsigned long long)x->er->checks,
	    (double)x->er->checks / (now - x->t0));
}

/* One run's outcome, in run order. */
static void
account(struct explorer *x, const struct run_report *rp)
{
	x->er->runs++;
	x->er->checks += rp->checks;
	if (rp->outcome == RUN_FAILED)
		x->failed = 1;
	if (rp->outcome == RUN_OK || rp->outcome == RUN_FAILED)
		return;
	x->er->violations++;
	printf("explore: seed %llu: invariant violated at %llu ms: %s\n",
	    (unsigned long long)rp->seed, (unsigned long long)rp->t,
	    buf_str(&rp->msg));
	if (x->er->violations <= x->keep)
		write_replay(x, rp);
	fflush(stdout);
}

/* Keep a report until every run before it is reported. */
static int
hold(struct explorer *x, struct run_report *rp)
{
	struct run_report	*v;
	size_t			 i;

	if (rp->run == x->next) {
		account(x, rp);
		report_free(rp);
		x->next++;
		/* Later ones waiting in order behind it. */
		while (x->npending > 0 && x->pending[0].run == x->next) {
			account(x, &x->pending[0]);
			report_free(&x->pending[0]);
			memmove(&x->pending[0], &x->pending[1],
			    --x->npending * sizeof(*x->pending));
			x->next++;
		}
		progress(x);
		return 0;
	}
	v = realloc(x->pending, (x->npending + 1) * sizeof(*v));
	if (v == NULL)
		return -1;
	x->pending = v;
	for (i = x->npending; i > 0 && v[i - 1].run > rp->run; i--)
		v[i] = v[i - 1];
	v[i] = *rp;		/* takes over its buffers */
	x->npending++;
	return 0;
}

static int
write_full(int fd, const void *p, size_t n)
{
	const char	*c = p;
	ssize_t		 w;

	while (n > 0) {
		if ((w = write(fd, c, n)) == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
read_full(int fd, void *p, size_t n)
{
	char	*c = p;
	ssize_t	 r;

	while (n > 0) {
		if ((r = read(fd, c, n)) == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

static int
send_report(int fd, const struct run_report *rp)
{
	struct wire_report	h;

	memset(&h, 0, sizeof(h));
	h.run = rp->run;
	h.seed = rp->seed;
	h.checks = rp->checks;
	h.t = rp->t;
	h.outcome = rp->outcome;
	h.msglen = (uint32_t)rp->msg.len;
	h.explen = (uint32_t)rp->exp.len;
	if (write_full(fd, &h, sizeof(h)) == -1 ||
	    write_full(fd, buf_str(&rp->msg), rp->msg.len) == -1 ||
	    write_full(fd, buf_str(&rp->exp), rp->exp.len) == -1)
		return -1;
	return 0;
}

/* A text of len bytes into b (bounded like the run's own). */
static int
recv_text(int fd, size_t len, struct buf *b)
{
	char	*t;
	int	 rv;

	if (len > SCHED_TEXT_MAX || (t = malloc(len + 1)) == NULL)
		return -1;
	if ((rv = read_full(fd, t, len)) == 0)
		rv = buf_add(b, t, len);
	free(t);
	return rv;
}

static int
recv_report(int fd, struct run_report *rp)
{
	struct wire_report	h;

	if (read_full(fd, &h, sizeof(h)) == -1 || h.outcome > RUN_FAILED)
		return -1;
	rp->run = h.run;
	rp->seed = h.seed;
	rp->checks = h.checks;
	rp->t = h.t;
	rp->outcome = (enum run_outcome)h.outcome;
	if (recv_text(fd, h.msglen, &rp->msg) == -1 ||
	    recv_text(fd, h.explen, &rp->exp) == -1)
		return -1;
	return 0;
}

/* Run r (of seed) here. */
static void
run_here(struct explorer *x, uint64_t r, uint64_t seed,
    struct run_report *rp)
{
	report_init(rp);
	rp->run = r;
	rp->seed = seed;
	if (explore_one(x->eo, x->config, x->tg, rp) == -1)
		rp->outcome = RUN_FAILED;
}

/* A worker: every jobs-th run from k, reported on fd. */
static void
worker(struct explorer *x, unsigned int k, unsigned int jobs, int fd)
{
	struct run_report	rp;
	uint64_t		state = x->eo->seed, seed, r;

	for (r = 0; r < x->eo->runs; r++) {
		seed = prng_mix(&state);
		if (r % jobs != k)
			continue;
		run_here(x, r, seed, &rp);
		if (send_report(fd, &rp) == -1 || rp.outcome == RUN_FAILED) {
			report_free(&rp);
			break;
		}
		report_free(&rp);
	}
	_exit(0);
}

static int
spawn(struct explorer *x, unsigned int jobs, pid_t *pids, struct pollfd *pfd)
{
	unsigned int	k;
	int		fds[2];

	fflush(stdout);
	fflush(stderr);
	for (k = 0; k < jobs; k++) {
		if (pipe(fds) == -1)
			return -1;
		if ((pids[k] = fork()) == -1) {
			close(fds[0]);
			close(fds[1]);
			return -1;
		}
		if (pids[k] == 0) {
			close(fds[0]);
			worker(x, k, jobs, fds[1]);
		}
		close(fds[1]);
		pfd[k].fd = fds[0];
		pfd[k].events = POLLIN;
	}
	return 0;
}

/* Read the workers' reports until every worker is done. */
static int
collect(struct explorer *x, unsigned int jobs, struct pollfd *pfd)
{
	struct run_report	rp;
	unsigned int		k, open = jobs;

	while (open > 0 && !x->failed) {
		if (poll(pfd, jobs, -1) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (k = 0; k < jobs; k++) {
			if (pfd[k].fd == -1 || pfd[k].revents == 0)
				continue;
			report_init(&rp);
			if (recv_report(pfd[k].fd, &rp) == -1) {
				report_free(&rp);
				close(pfd[k].fd);
				pfd[k].fd = -1;
				open--;
				continue;
			}
			if (hold(x, &rp) == -1) {
				report_free(&rp);
				return -1;
			}
		}
	}
	return 0;
}

static int
run_parallel(struct explorer *x, unsigned int jobs)
{
	pid_t		 pids[EXPLORE_JOBS_MAX];
	struct pollfd	 pfd[EXPLORE_JOBS_MAX];
	unsigned int	 k;
	int		 rv;

	memset(pids, 0, sizeof(pids));
	for (k = 0; k < jobs; k++)
		pfd[k].fd = -1;
	rv = spawn(x, jobs, pids, pfd);
	if (rv == 0)
		rv = collect(x, jobs, pfd);
	for (k = 0; k < jobs; k++) {
		if (pfd[k].fd != -1)
			close(pfd[k].fd);
		if (pids[k] > 0 && (rv == -1 || x->failed))
			(void)kill(pids[k], SIGTERM);
		if (pids[k] > 0)
			(void)waitpid(pids[k], NULL, 0);
	}
	while (x->npending > 0)
		report_free(&x->pending[--x->npending]);
	free(x->pending);
	x->pending = NULL;
	if (rv == 0 && !x->failed && x->next != x->eo->runs) {
		fprintf(stderr, "explore: a worker stopped before run %llu\n",
		    (unsigned long long)x->next);
		rv = -1;
	} else if (rv == -1)
		fprintf(stderr, "explore: cannot run workers: %s\n",
		    strerror(errno));
	return rv;
}

static int
run_sequential(struct explorer *x)
{
	struct run_report	rp;
	uint64_t		state = x->eo->seed, r;

	for (r = 0; r < x->eo->runs && !x->failed; r++) {
		run_here(x, r, prng_mix(&state), &rp);
		(void)hold(x, &rp);
	}
	return 0;
}

/*
 * Handed a scenario instead of a configuration?  Its first statement
 * says so; name its configuration if it has one in a file.
 */
static bool
is_scenario(const char *path)
{
	struct scenario	sc;
	struct buf	err;
	bool		yes = false;

	buf_init(&err, 65536);
	if (scenario_parse_file(path, &sc, &err) == 0) {
		yes = true;
		fprintf(stderr, "hoststated-sim: %s is a scenario, not a "
		    "configuration: run it with hoststated-sim %s", path,
		    path);
		if (sc.config_path != NULL)
			fprintf(stderr, ", or explore its configuration "
			    "with hoststated-sim --explore N %s",
			    sc.config_path);
		fprintf(stderr, "\n");
		scenario_free(&sc);
	}
	buf_free(&err);
	return yes;
}

static struct config *
explore_config_load(const char *abs, const char *given)
{
	struct scenario	 sc;
	struct config	*conf;
	struct buf	 err;

	memset(&sc, 0, sizeof(sc));
	sc.config_path = (char *)abs;
	buf_init(&err, 1024 * 1024);
	if ((conf = sim_config_load(&sc, NULL, &err)) == NULL &&
	    !is_scenario(given))
		fprintf(stderr, "%s", buf_str(&err));
	buf_free(&err);
	return conf;
}

int
explore_run(const char *config, const struct explore_opts *eo,
    struct explore_result *er)
{
	struct explorer	 x;
	struct targets	 tg;
	struct config	*conf;
	char		 abs[PATH_MAX];
	unsigned int	 jobs = eo->jobs;
	int		 rv;

	memset(er, 0, sizeof(*er));
	if (realpath(config, abs) == NULL) {
		fprintf(stderr, "%s: %s\n", config, strerror(errno));
		return -1;
	}
	if ((conf = explore_config_load(abs, config)) == NULL)
		return -1;
	if (targets_init(&tg, conf) == -1) {
		targets_free(&tg);
		config_free(conf);
		return -1;
	}
	memset(&x, 0, sizeof(x));
	x.eo = eo;
	x.er = er;
	x.config = abs;
	x.tg = &tg;
	x.keep = eo->max_reports ? eo->max_reports : EXPLORE_KEEP_DEFAULT;
	x.t0 = x.shown = wall_seconds();
	if (jobs > EXPLORE_JOBS_MAX)
		jobs = EXPLORE_JOBS_MAX;
	if (jobs > 1 && !eo->verbose && eo->runs > 1)
		rv = run_parallel(&x, jobs);
	else
		rv = run_sequential(&x);
	targets_free(&tg);
	config_free(conf);
	return rv == -1 || x.failed ? -1 : 0;
}

int
explore_config(const char *config, const struct explore_opts *eo)
{
	struct explore_result	er;

	if (explore_run(config, eo, &er) == -1)
		return 2;
	printf("explore: %llu runs, %llu violations, %llu checks "
	    "(seed %llu)\n", (unsigned long long)er.runs,
	    (unsigned long long)er.violations,
	    (unsigned long long)er.checks, (unsigned long long)eo->seed);
	if (er.violations > 0)
		printf("explore: %llu replay scenarios written to %s%s\n",
		    (unsigned long long)er.kept, eo->dir,
		    er.kept < er.violations ? " (the first ones: --keep N "
		    "for more)" : "");
	return er.violations > 0 ? 1 : 0;
}
