/*
 * The parent's side of TLS: it starts the key process (a child like
 * the others: its loss stops the daemon), opens the files of each
 * configuration and passes them before the configuration's text, and
 * draws the session ticket keys every relay process shares, rotating
 * them every TLS_TICKET_ROTATE_S.
 */
#include <sys/random.h>

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "daemon/key_proc.h"
#include "daemon/log.h"
#include "daemon/parent_priv.h"
#include "daemon/tls_check.h"
#include "daemon/tls_files.h"
#include "relay/tls.h"

int
parent_key_fork(struct parent *p, const int *closefds)
{
	static struct key_proc_args	 args;

	args.conf = p->conf;
	args.drop = p->root ? &p->drop : NULL;
	args.fd_sock = p->pipes.key_fds[1];
	p->child[PROC_KEY].pid = proc_fork(&p->pipes, PROC_KEY, 0, closefds,
	    key_proc_main, &args);
	return p->child[PROC_KEY].pid == -1 ? -1 : 0;
}

static int
parent_dispatch_key(void *arg, struct channel *ch, const struct msg *m)
{
	struct parent	*p = arg;

	if (m->type != MSG_CFG_READY && m->type != MSG_CFG_FAIL)
		fatalx("protocol error from key: unexpected %s",
		    msg_type_name(m->type));
	if (reload_parent_dispatch(&p->reload, PEER_KEY, m) == -1)
		fatalx("protocol error from key: %s out of place",
		    msg_type_name(m->type));
	return 0;
}

struct channel *
parent_key_channel(struct parent *p)
{
	return channel_new(p->base, p->pipes.fd[PROC_PARENT][PROC_KEY], "key",
	    PROC_CHANNEL_MAX, parent_dispatch_key, parent_child_lost, p);
}

static void
warn_line(void *arg, const char *line)
{
	log_warnx("%s", line);
}

/*
 * Open conf's files and pass them: certificates and CA files to every
 * relay process, certificates and keys to the key process.  They take
 * them at the switch (or the start) that follows.
 */
int
parent_tls_files(struct parent *p, const struct config *conf,
    struct buf *errors)
{
	struct tls_files	 tf;
	uint32_t		 i;
	int			 rv = 0;

	if (tls_files_open(&tf, conf, errors) == -1)
		return -1;
	tls_check_key_modes(conf, warn_line, NULL);
	for (i = 0; i < p->pipes.nrelays && rv == 0; i++)
		rv = tls_files_send(&tf, p->pipes.relay[i][RELAY_PIPE_FDS][0],
		    false);
	if (rv == 0)
		rv = tls_files_send(&tf, p->pipes.key_fds[0], true);
	tls_files_close(&tf);
	if (rv == -1)
		buf_printf(errors, "cannot pass the TLS files\n");
	return rv;
}

static void
ticket_key_new(struct ticket_key *k)
{
	if (getrandom(k, sizeof(*k), 0) != (ssize_t)sizeof(*k))
		fatal("getrandom");
}

/* The first key, drawn before the relays fork: they start with it. */
void
parent_tickets_init(struct parent *p)
{
	struct ticket_key	 k;

	memset(&p->tickets, 0, sizeof(p->tickets));
	ticket_key_new(&k);
	tls_tickets_rotate(&p->tickets, &k);
	OPENSSL_cleanse(&k, sizeof(k));
}

static void
parent_tickets_rotate(evutil_socket_t fd, short ev, void *arg)
{
	struct parent		*p = arg;
	struct msg		*m;
	struct ticket_key	 k;

	ticket_key_new(&k);
	tls_tickets_rotate(&p->tickets, &k);
	OPENSSL_cleanse(&k, sizeof(k));
	if ((m = calloc(1, sizeof(*m))) == NULL)
		fatalx("out of memory");
	m->type = MSG_TLS_TICKETS;
	m->gen = p->conf->gen;
	m->u.tickets = p->tickets;
	parent_relays_send(p, m);
	OPENSSL_cleanse(m, sizeof(*m));
	free(m);
	log_debug("session ticket keys rotated");
}

int
parent_tickets_timer(struct parent *p)
{
	struct timeval	 tv = { TLS_TICKET_ROTATE_S, 0 };

	p->ev_tickets = event_new(p->base, -1, EV_PERSIST,
	    parent_tickets_rotate, p);
	if (p->ev_tickets == NULL || event_add(p->ev_tickets, &tv) == -1)
		return -1;
	return 0;
}
