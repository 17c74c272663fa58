/*
 * The parent's side of the relay processes: it forks prefork of them,
 * passes them the listening sockets it opened (SCM_RIGHTS), sends them
 * each reload's configuration, and says they are ready to the handshake
 * once every one of them is: together they are one child of it.
 */
#include <sys/random.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "daemon/log.h"
#include "daemon/parent_priv.h"
#include "daemon/relay_proc.h"

static uint64_t
random64(void)
{
	uint64_t	v = 0;

	if (getrandom(&v, sizeof(v), 0) != sizeof(v))
		log_warn("getrandom");
	return v;
}

int
parent_relays_fork(struct parent *p, const int *closefds)
{
	static struct relay_proc_args	 args[HS_PREFORK_MAX];
	struct proc_pipes		*pp = &p->pipes;
	struct relay_proc_args		*a;
	uint32_t			 i;
	int				 id;

	for (i = 0; i < pp->nrelays; i++) {
		id = PROC_RELAY + (int)i;
		a = &args[i];
		a->conf = p->conf;
		a->drop = p->root ? &p->drop : NULL;
		a->index = i + 1;
		a->parent_fd = pp->relay[i][RELAY_PIPE_PARENT][1];
		a->pfe_fd = pp->relay[i][RELAY_PIPE_PFE][1];
		a->fd_sock = pp->relay[i][RELAY_PIPE_FDS][1];
		a->key_fd = pp->relay[i][RELAY_PIPE_KEY][1];
		a->tickets = p->tickets;
		memcpy(a->secret, p->secret, HS_KEY_LEN);
		a->seed = random64();
		p->child[id].pid = proc_fork(pp, PROC_RELAY, i + 1, closefds,
		    relay_proc_main, a);
		if (p->child[id].pid == -1)
			return -1;
	}
	return 0;
}

/* A relay's CFG_READY counts once all of them have said it. */
static int
parent_dispatch_relay(void *arg, struct channel *ch, const struct msg *m)
{
	struct parent	*p = arg;
	int		 id, self = -1;

	for (id = PROC_RELAY; id < p->nchildren; id++)
		if (p->child[id].ch == ch)
			self = id;
	if (m->type == MSG_CFG_READY) {
		p->child[self].ready_gen = m->gen;
		for (id = PROC_RELAY; id < p->nchildren; id++)
			if (p->child[id].ready_gen != m->gen)
				return 0;
	} else if (m->type != MSG_CFG_FAIL)
		fatalx("protocol error from %s: unexpected %s",
		    p->child[self].name, msg_type_name(m->type));
	if (reload_parent_dispatch(&p->reload, PEER_RELAY, m) == -1)
		fatalx("protocol error from %s: %s out of place",
		    p->child[self].name, msg_type_name(m->type));
	return 0;
}

int
parent_relays_channels(struct parent *p)
{
	struct child	*c;
	uint32_t	 i;

	for (i = 0; i < p->pipes.nrelays; i++) {
		c = &p->child[PROC_RELAY + i];
		c->ch = channel_new(p->base,
		    p->pipes.relay[i][RELAY_PIPE_PARENT][0], c->name,
		    PROC_CHANNEL_MAX, parent_dispatch_relay, parent_child_lost,
		    p);
		c->ev_kill = evtimer_new(p->base, parent_kill_lost, c);
		if (c->ch == NULL || c->ev_kill == NULL)
			return -1;
		channel_set_flow(c->ch, PROC_CHANNEL_BUSY, PROC_CHANNEL_LOW,
		    false, parent_drained);
	}
	return 0;
}

void
parent_relays_send(struct parent *p, const struct msg *m)
{
	int	id;

	for (id = PROC_RELAY; id < p->nchildren; id++)
		parent_send(p, id, m);
}

/* Before the text of a reload, or at startup: they take them at switch. */
void
parent_relays_listeners(struct parent *p, bool fresh_only)
{
	uint32_t	i;

	for (i = 0; i < p->pipes.nrelays; i++)
		if (listeners_send(p->listeners,
		    p->pipes.relay[i][RELAY_PIPE_FDS][0], fresh_only) == -1) {
			parent_exit(p, 1);
			return;
		}
}
