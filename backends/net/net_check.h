/*
 * The real check backend: runs the core's check requests against real
 * hosts on a libevent loop (ICMP, TCP, TLS, HTTP(S), send/expect) and
 * reports exactly one result per request through a callback, always
 * from the event loop, never from inside net_check_start.  Scripts are
 * not run here: the HCE forwards them to the parent (script_forward)
 * and feeds the answer back with net_checker_script_done.
 */
#ifndef HS_NET_CHECK_H
#define HS_NET_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/check.h"
#include "core/engine.h"
#include "core/msg.h"

struct event_base;
struct net_checker;

typedef void	(*net_result_fn)(void *arg, const struct check_result *);
typedef void	(*net_script_fn)(void *arg, const struct msg_script_run *);

struct net_checker_opts {
	net_result_fn	 result;	/* required */
	void		*result_arg;
	/*
	 * ICMP sockets opened before privileges were dropped (see
	 * icmp_socket_open), owned by the checker from now on; -1 lets the
	 * checker open them itself on first use.
	 */
	int		 icmp4_fd;
	int		 icmp6_fd;
	/* Sends MSG_SCRIPT_RUN to the parent; NULL: scripts fail. */
	net_script_fn	 script_forward;
	void		*script_arg;
	/* Problems of the checker itself (not of hosts); NULL: silent. */
	log_fn		 log;
	void		*log_arg;
};

/* Defaults: no result callback, no ICMP sockets, no script forwarding. */
void		 net_checker_opts_init(struct net_checker_opts *);
struct net_checker *net_checker_new(struct event_base *,
		    const struct net_checker_opts *);
/* Frees every check in flight without reporting it. */
void		 net_checker_free(struct net_checker *);
/*
 * Start a check.  The request's host and table must stay valid until
 * the result is reported or the check is cancelled (the HCE cancels
 * every check before it lets go of a configuration).
 */
void		 net_check_start(struct net_checker *,
		    const struct check_request *);
void		 net_check_cancel(struct net_checker *, uint32_t host_id,
		    uint64_t seq);
/* Checks started and not yet reported or cancelled. */
uint32_t	 net_checker_inflight(const struct net_checker *);
/*
 * The parent's MSG_SCRIPT_DONE for a forwarded script check: reports its
 * result.  Returns -1 if no such check is waiting (stale, cancelled).
 */
int		 net_checker_script_done(struct net_checker *,
		    const struct msg_script_done *);

/*
 * Open an ICMP socket for family (HS_AF_INET or HS_AF_INET6): a raw one
 * when allowed (root), else an unprivileged datagram ("ping") socket.
 * force_dgram skips the raw attempt.  Returns the descriptor or -1.
 */
int		 icmp_socket_open(int family, bool force_dgram);

/* --- script runner, used by the parent process ------------------------ */

struct script_runner;
typedef void	(*script_done_fn)(void *arg, const struct msg_script_done *);

/*
 * Scripts run as uid/gid ((uid_t)-1: unchanged), each in its own process
 * group, with descriptors above 2 closed, killed with SIGKILL at their
 * timeout.  Children are reaped through a SIGCHLD event on base and
 * waitpid on their own pids only, so other children are left alone.
 */
struct script_runner *script_runner_new(struct event_base *, uid_t, gid_t,
		    script_done_fn, void *arg);
/* Kills and reaps every running script without reporting it. */
void		 script_runner_free(struct script_runner *);
/* Runs one script; its answer comes through the callback, later. */
void		 script_runner_run(struct script_runner *,
		    const struct msg_script_run *);

#endif /* HS_NET_CHECK_H */
