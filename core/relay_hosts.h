/*
 * A relay process's view of the hosts and its choice of a host for a new
 * session.  Host states arrive from the PFE as MSG_RELAY_HOSTS, complete
 * per host, so applying one twice changes nothing; the choice follows the
 * relay's method over the main table's hosts that are up, or the backup
 * table's when none is.  Pure: the relay engine, the simulator and the
 * tests share it, so the same key and the same hosts up give the same
 * host everywhere.
 */
#ifndef HS_RELAY_HOSTS_H
#define HS_RELAY_HOSTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "core/config.h"
#include "core/lb.h"
#include "core/msg.h"

#define RELAY_TRIED_MAX	32	/* hosts a session remembers trying */

/* Where a session connects. */
struct relay_target {
	uint32_t	 host_id;	/* HS_ID_NONE: a fixed forward address */
	struct hs_addr	 addr;
	uint16_t	 port;
};

struct relay_hosts;

/*
 * For cfg (not copied: it must outlive the view, or the next reload).
 * secret: the daemon's, for relays without a key of their own; seed:
 * for the random method.  NULL on allocation failure.
 */
struct relay_hosts *relay_hosts_new(const struct config *,
		    const uint8_t secret[HS_KEY_LEN], uint64_t seed);
void		 relay_hosts_free(struct relay_hosts *);
/*
 * Switch to cfg: hosts and tables found in both keep their state, relays
 * of the same name their selection state; session counts start at zero.
 * -1 on allocation failure, with the old view kept.
 */
int		 relay_hosts_reload(struct relay_hosts *, const struct config *);
/*
 * The same in two steps: prepare allocates everything (-1: nothing
 * changed), commit switches and cannot fail, abort drops what prepare
 * made.
 */
int		 relay_hosts_prepare(struct relay_hosts *,
		    const struct config *);
void		 relay_hosts_commit(struct relay_hosts *);
void		 relay_hosts_abort(struct relay_hosts *);
/* Apply MSG_RELAY_HOSTS; -1 if it names a host cfg does not have. */
int		 relay_hosts_update(struct relay_hosts *,
		    const struct msg_relay_hosts *);
/*
 * The target of a new session of relay rid, skipping the hosts of tried
 * (earlier connects of the same session).  0, or -1 when no host of the
 * main or backup table is up.
 */
int		 relay_hosts_select(struct relay_hosts *, uint32_t rid,
		    const struct lb_client *, const uint32_t *tried,
		    size_t ntried, struct relay_target *);
/*
 * The same from table tid (a match rule's), with relay rid's method and
 * its state: no backup table.
 */
int		 relay_hosts_select_table(struct relay_hosts *, uint32_t rid,
		    uint32_t tid, const struct lb_client *,
		    const uint32_t *tried, size_t ntried,
		    struct relay_target *);
/* A session to host id opened (+1) or ended (-1): least-states. */
void		 relay_hosts_count(struct relay_hosts *, uint32_t host_id,
		    int delta);
/* The host may take new sessions: up, enabled, in an enabled table. */
bool		 relay_hosts_usable(const struct relay_hosts *, uint32_t);
/* Sessions this process has open to host id. */
uint32_t	 relay_hosts_states(const struct relay_hosts *, uint32_t);
/*
 * The key relay r hashes with: its configured one, or one derived from
 * secret and its name, so every process and every reload agree.
 */
void		 relay_hash_key(const struct relay_conf *,
		    const uint8_t secret[HS_KEY_LEN], uint8_t key[HS_KEY_LEN]);
/* The tables relay r forwards to (directly or through its service). */
uint32_t	 relay_main_table(const struct config *,
		    const struct relay_conf *);
uint32_t	 relay_backup_table(const struct config *,
		    const struct relay_conf *);
/*
 * Every table relay r may forward to: main, backup, its match rules'
 * (each once); at most max ids in tids, the count returned.
 */
size_t		 relay_tables(const struct config *,
		    const struct relay_conf *, uint32_t *tids, size_t max);
#define RELAY_TABLES_MAX	(2 + HS_ROUTES_MAX)
/*
 * Why this version cannot run relay r (DNS over TLS), or NULL if it
 * can.
 */
const char	*relay_unsupported(const struct config *,
		    const struct relay_conf *);

#endif /* HS_RELAY_HOSTS_H */
