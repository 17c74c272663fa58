/*
 * A recording I/O for the engine tests: every check started or
 * cancelled, every message sent (passed through the wire format), every
 * layer-3 operation, event and log line.
 */
#ifndef HS_TESTIO_H
#define HS_TESTIO_H

#include "core/buf.h"
#include "core/hce.h"
#include "core/pfe.h"

#define TIO_MAX		4096
#define TIO_SENT_MAX	256	/* a struct msg is 16 KiB */

struct tio_check {
	uint32_t	host_id;
	uint64_t	seq;
	uint64_t	at_ms;
	uint32_t	timeout_ms;
};

struct tio_sent {
	enum hs_peer	peer;
	struct msg	msg;
};

struct tio {
	uint64_t	 now_ms;	/* the tests' clock */
	struct tio_check starts[TIO_MAX];
	size_t		 nstarts;
	struct tio_check cancels[TIO_MAX];
	size_t		 ncancels;
	struct tio_sent	*sent;		/* TIO_SENT_MAX entries */
	size_t		 nsent;
	struct buf	 ops;		/* layer-3 ops, one line each */
	int		 l3_refuse;	/* refuse this many ops; -1: all */
	const char	*l3_why;	/* a refusal's error; NULL: EPERM's */
	bool		 l3_lost;	/* the next check finds no rules */
	size_t		 nops;
	struct buf	 events;	/* rendered monitor lines */
	size_t		 nevents;
	struct buf	 log;		/* "LEVEL line" */
	struct buf	 replies;	/* answers to control clients */
};

void	tio_init(struct tio *);
void	tio_free(struct tio *);
void	tio_hce_io(struct tio *, struct hce_io *);
void	tio_pfe_io(struct tio *, struct pfe_io *);
/* The last message of this type sent to peer, or NULL. */
const struct msg *tio_last_sent(const struct tio *, enum hs_peer,
	    enum msg_type);
size_t	tio_count_sent(const struct tio *, enum hs_peer, enum msg_type);
/* Run the hce at each deadline up to and including until_ms. */
void	tio_run_hce(struct tio *, struct hce *, uint64_t until_ms);
/* Report the check in flight for host_id (the latest started). */
void	tio_report(struct tio *, struct hce *, uint32_t host_id, bool up,
	    enum check_error, uint32_t rtt_ms);
/* Feed a host status to the pfe as the hce would send it. */
void	tio_status(struct pfe *, uint32_t host_id, enum host_state,
	    uint32_t check_cnt, uint32_t up_cnt, enum check_error);
/* The same, reaching the pfe at now_ms. */
void	tio_status_at(struct pfe *, uint64_t now_ms, uint32_t host_id,
	    enum host_state, uint32_t check_cnt, uint32_t up_cnt,
	    enum check_error);
/* Render rows of action with tabs expanded to 8 columns. */
char	*tio_show(const struct pfe *, enum ctl_action);

#endif /* HS_TESTIO_H */
