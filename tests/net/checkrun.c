/*
 * Runs checks through the net backend on a libevent loop, the way the
 * HCE does, and prints what a user would see:
 *   up=1 error=HCE_TCP_CONNECT_OK detail=-1 rtt_ms=0
 * With -n COUNT it runs COUNT checks (-c at a time) and prints the
 * totals and the process's open descriptors before the first check and
 * after the last result (checker still alive), so a test can see that
 * every check gives back what it took.  With -X MS it starts COUNT
 * checks at once, cancels those still running after MS milliseconds,
 * waits past their timeout and prints how many were reported anyway.
 * With -Z MS the loop stalls for MS milliseconds right after the first
 * start, as a busy machine can stall the daemon.  Scripts go through the
 * parent's runner in this same process, as the daemon wires them.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "backends/net/net_check.h"

#define ERRNAME(e)	[e] = #e
static const char *const error_names[HCE_ERROR_MAX] = {
	ERRNAME(HCE_NONE), ERRNAME(HCE_ABORTED), ERRNAME(HCE_INTERVAL_TIMEOUT),
	ERRNAME(HCE_ICMP_OK), ERRNAME(HCE_ICMP_READ_TIMEOUT),
	ERRNAME(HCE_ICMP_WRITE_TIMEOUT), ERRNAME(HCE_TCP_SOCKET_ERROR),
	ERRNAME(HCE_TCP_SOCKET_LIMIT), ERRNAME(HCE_TCP_SOCKET_OPTION),
	ERRNAME(HCE_TCP_CONNECT_ERROR), ERRNAME(HCE_TCP_CONNECT_REFUSED),
	ERRNAME(HCE_TCP_CONNECT_TIMEOUT), ERRNAME(HCE_TCP_CONNECT_OK),
	ERRNAME(HCE_TCP_WRITE_TIMEOUT), ERRNAME(HCE_TCP_WRITE_FAIL),
	ERRNAME(HCE_TCP_READ_TIMEOUT), ERRNAME(HCE_TCP_READ_FAIL),
	ERRNAME(HCE_SCRIPT_OK), ERRNAME(HCE_SCRIPT_FAIL),
	ERRNAME(HCE_SCRIPT_TIMEOUT), ERRNAME(HCE_TLS_CONNECT_OK),
	ERRNAME(HCE_TLS_CONNECT_FAIL), ERRNAME(HCE_TLS_CONNECT_TIMEOUT),
	ERRNAME(HCE_TLS_CONNECT_ERROR), ERRNAME(HCE_TLS_READ_TIMEOUT),
	ERRNAME(HCE_TLS_WRITE_TIMEOUT), ERRNAME(HCE_TLS_READ_ERROR),
	ERRNAME(HCE_TLS_WRITE_ERROR), ERRNAME(HCE_SEND_EXPECT_FAIL),
	ERRNAME(HCE_SEND_EXPECT_OK), ERRNAME(HCE_HTTP_CODE_ERROR),
	ERRNAME(HCE_HTTP_CODE_FAIL), ERRNAME(HCE_HTTP_CODE_OK),
	ERRNAME(HCE_HTTP_DIGEST_ERROR), ERRNAME(HCE_HTTP_DIGEST_FAIL),
	ERRNAME(HCE_HTTP_DIGEST_OK), ERRNAME(HCE_ICMP_SOCKET_ERROR),
	ERRNAME(HCE_SCRIPT_NOT_FOUND), ERRNAME(HCE_SCRIPT_NOT_EXECUTABLE),
};

struct run {
	struct event_base	*base;
	struct net_checker	*nc;
	struct script_runner	*sr;
	struct check_request	 req;
	unsigned long		 count, started, done, up;
	unsigned long		 by_error[HCE_ERROR_MAX];
	unsigned		 concurrency;
	bool			 quiet;
	long			 cancel_ms;	/* -X; -1: no cancelling */
	long			 stall_ms;	/* -Z */
	unsigned long		 cancelled;
	bool			*reported;	/* by seq, with -X */
};

static void
usage(void)
{
	fprintf(stderr, "usage: checkrun [-D] [-t ms] [-n count] [-c conc] "
	    "[-H host] [-P path] [-C code] [-d hex] [-s data] [-e pattern] "
	    "[-S] [-u id] [-X ms] [-Z ms] icmp|tcp|ssl|http|send|script "
	    "ADDR|NAME [PORT]\n");
	exit(2);
}

static int
open_fds(void)
{
	DIR		*d = opendir("/proc/self/fd");
	struct dirent	*e;
	int		 n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the directory itself */
}

static void
start_more(struct run *r)
{
	while (r->started < r->count &&
	    r->started - r->done < r->concurrency) {
		r->req.seq = ++r->started;
		net_check_start(r->nc, &r->req);
	}
}

static void
on_result(void *arg, const struct check_result *res)
{
	struct run	*r = arg;

	r->done++;
	r->up += res->up;
	if (r->reported != NULL && res->seq >= 1 && res->seq <= r->count)
		r->reported[res->seq - 1] = true;
	if (res->error < HCE_ERROR_MAX)
		r->by_error[res->error]++;
	if (!r->quiet)
		printf("up=%d error=%s detail=%d rtt_ms=%u\n", res->up,
		    res->error < HCE_ERROR_MAX ? error_names[res->error] : "?",
		    res->detail, res->rtt_ms);
	if (r->cancel_ms >= 0)
		return;
	if (r->done == r->count)
		event_base_loopbreak(r->base);
	else
		start_more(r);
}

static void
on_cancel(int fd, short what, void *arg)
{
	struct run	*r = arg;
	unsigned long	 i;

	for (i = 0; i < r->count; i++)
		if (!r->reported[i]) {
			net_check_cancel(r->nc, r->req.host_id, i + 1);
			r->cancelled++;
		}
}

/* Not running for a while, as a descheduled process. */
static void
on_stall(int fd, short what, void *arg)
{
	struct run	*r = arg;

	usleep((useconds_t)r->stall_ms * 1000);
}

static void
on_quit(int fd, short what, void *arg)
{
	event_base_loopbreak(arg);
}

/* -X: all at once, cancel the rest after ms, quit past the timeout. */
static int
cancel_run(struct run *r)
{
	struct timeval	 tv;

	if ((r->reported = calloc(r->count, sizeof(bool))) == NULL)
		return -1;
	r->concurrency = (unsigned)r->count;
	start_more(r);
	tv.tv_sec = r->cancel_ms / 1000;
	tv.tv_usec = (r->cancel_ms % 1000) * 1000;
	event_base_once(r->base, -1, EV_TIMEOUT, on_cancel, r, &tv);
	tv.tv_sec = (r->cancel_ms + r->req.timeout_ms + 1500) / 1000;
	tv.tv_usec = ((r->cancel_ms + r->req.timeout_ms + 1500) % 1000) * 1000;
	event_base_once(r->base, -1, EV_TIMEOUT, on_quit, r->base, &tv);
	return 0;
}

static void
on_script_forward(void *arg, const struct msg_script_run *m)
{
	struct run	*r = arg;

	script_runner_run(r->sr, m);
}

static void
on_script_done(void *arg, const struct msg_script_done *m)
{
	struct run	*r = arg;

	if (net_checker_script_done(r->nc, m) == -1)
		fprintf(stderr, "checkrun: stale script answer\n");
}

static void
on_log(void *arg, int level, const char *line)
{
	fprintf(stderr, "checkrun: %s\n", line);
}

static void
parse_method(const char *m, struct check_conf *c)
{
	if (strcmp(m, "icmp") == 0)
		c->type = CHECK_ICMP;
	else if (strcmp(m, "tcp") == 0)
		c->type = CHECK_TCP;
	else if (strcmp(m, "ssl") == 0)
		c->type = CHECK_TLS;
	else if (strcmp(m, "http") == 0 || strcmp(m, "https") == 0) {
		c->type = c->digest[0] != '\0' ? CHECK_HTTP_DIGEST :
		    CHECK_HTTP_CODE;
		c->tls = c->tls || strcmp(m, "https") == 0;
	} else if (strcmp(m, "send") == 0)
		c->type = CHECK_SEND_EXPECT;
	else if (strcmp(m, "script") == 0)
		c->type = CHECK_SCRIPT;
	else
		usage();
	switch (strlen(c->digest)) {
	case 32: c->digest_type = DIGEST_MD5; break;
	case 40: c->digest_type = DIGEST_SHA1; break;
	case 64: c->digest_type = DIGEST_SHA256; break;
	case 128: c->digest_type = DIGEST_SHA512; break;
	default: c->digest_type = DIGEST_NONE; break;
	}
}

int
main(int argc, char *argv[])
{
	static struct table_conf	 table;
	static struct host_conf		 host;
	struct net_checker_opts		 o;
	struct run			 r;
	int				 ch, dgram = 0;
	long				 script_id = -1;
	int				 fds_before, fds_after;

	memset(&r, 0, sizeof(r));
	r.count = 1;
	r.cancel_ms = -1;
	r.concurrency = 1;
	table.timeout_ms = 500;
	table.check.code = 200;
	while ((ch = getopt(argc, argv, "c:C:d:De:H:n:P:s:St:u:X:Z:")) != -1) {
		switch (ch) {
		case 'c': r.concurrency = (unsigned)atoi(optarg); break;
		case 'C': table.check.code = atoi(optarg); break;
		case 'd': snprintf(table.check.digest,
		    sizeof(table.check.digest), "%s", optarg); break;
		case 'D': dgram = 1; break;
		case 'e': snprintf(table.check.expect,
		    sizeof(table.check.expect), "%s", optarg); break;
		case 'H': snprintf(table.check.host,
		    sizeof(table.check.host), "%s", optarg); break;
		case 'n': r.count = strtoul(optarg, NULL, 10); break;
		case 'P': snprintf(table.check.path,
		    sizeof(table.check.path), "%s", optarg); break;
		case 's': snprintf(table.check.send,
		    sizeof(table.check.send), "%s", optarg); break;
		case 'S': table.check.tls = true; break;
		case 't': table.timeout_ms = (uint32_t)atoi(optarg); break;
		case 'u': script_id = atol(optarg); break;
		case 'X': r.cancel_ms = atol(optarg); break;
		case 'Z': r.stall_ms = atol(optarg); break;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2 || r.count == 0 || r.concurrency == 0)
		usage();
	parse_method(argv[0], &table.check);
	snprintf(host.name, sizeof(host.name), "%s", argv[1]);
	if (addr_parse(argv[1], &host.addr) == -1 &&
	    table.check.type != CHECK_SCRIPT)
		usage();
	table.port = argc > 2 ? (uint16_t)atoi(argv[2]) : 0;
	r.req.host = &host;
	r.req.table = &table;
	r.req.timeout_ms = table.timeout_ms;
	r.quiet = r.count > 1 || r.cancel_ms >= 0;

	r.base = event_base_new();
	net_checker_opts_init(&o);
	o.result = on_result;
	o.result_arg = &r;
	o.script_forward = on_script_forward;
	o.script_arg = &r;
	o.log = on_log;
	/* Opened up front, as the daemon does before dropping privileges. */
	if (table.check.type == CHECK_ICMP) {
		o.icmp4_fd = icmp_socket_open(HS_AF_INET, dgram);
		o.icmp6_fd = icmp_socket_open(HS_AF_INET6, dgram);
	}
	r.nc = net_checker_new(r.base, &o);
	/* -u ID: scripts run as uid and gid ID, as the daemon drops them. */
	r.sr = script_runner_new(r.base, (uid_t)script_id, (gid_t)script_id,
	    on_script_done, &r);
	if (r.base == NULL || r.nc == NULL || r.sr == NULL) {
		fprintf(stderr, "checkrun: cannot set up the checker\n");
		return 1;
	}
	fds_before = open_fds();
	if (r.cancel_ms >= 0) {
		if (cancel_run(&r) == -1)
			return 1;
	} else
		start_more(&r);
	if (r.stall_ms > 0)
		event_base_once(r.base, -1, EV_TIMEOUT, on_stall, &r, NULL);
	event_base_dispatch(r.base);
	fds_after = open_fds();
	if (net_checker_inflight(r.nc) != 0)
		printf("inflight=%u\n", net_checker_inflight(r.nc));
	script_runner_free(r.sr);
	net_checker_free(r.nc);
	event_base_free(r.base);
	free(r.reported);
	if (r.cancel_ms >= 0)
		printf("cancelled=%lu ", r.cancelled);
	if (r.count > 1 || r.cancel_ms >= 0) {
		printf("checks=%lu up=%lu fds_before=%d fds_after=%d\n",
		    r.done, r.up, fds_before, fds_after);
		for (ch = 0; ch < HCE_ERROR_MAX; ch++)
			if (r.by_error[ch] > 0)
				printf("%s=%lu\n", error_names[ch],
				    r.by_error[ch]);
	}
	return 0;
}
