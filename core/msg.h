/*
 * Typed messages between the engines (parent, HCE, PFE, relays, control).
 * In the daemon they cross socketpairs; in the simulator an in-memory
 * queue.  Both go through msg_encode/msg_decode, so every simulation
 * exercises the wire format.  Decoding trusts nothing: every length and
 * enum is checked and a bad message is rejected whole.
 *
 * Wire format (all integers big-endian):
 *   u16 type, u16 reserved (0), u32 length of the whole message
 *   (header included), u32 peerid, u32 gen, then the payload of that
 *   type.
 *
 * Generations.  Host, table, service and relay ids are per
 * configuration: the same id names another object after a reload.  Every
 * configuration the daemon runs has a generation (1 at startup, one more
 * for each reload the parent starts), and every message carries in gen
 * the generation its sender runs, or for an answer the generation it
 * answers.  A receiver that applies the ids of a message (host status,
 * enable/disable, script runs, relay messages) first compares gen with
 * its own and refuses a mismatch with a log line: it never applies an id
 * to another object.  A control client sends 0: "the running one".
 */
#ifndef HS_MSG_H
#define HS_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "core/check.h"
#include "core/config.h"
#include "core/ctl.h"

#define MSG_HDR_LEN	16
#define MSG_MAX_LEN	16384	/* header included */
#define MSG_TEXT_MAX	(MSG_MAX_LEN - MSG_HDR_LEN - 8)

enum msg_type {
	MSG_NONE = 0,
	/* hce -> pfe when a host's outcome changes; pfe -> relays on change */
	MSG_HOST_STATUS,
	/* hce -> pfe: counters of checks that changed nothing, batched */
	MSG_HOST_COUNTERS,
	/* pfe -> hce (and relays): operator commands */
	MSG_HOST_ENABLE,
	MSG_HOST_DISABLE,
	MSG_TABLE_ENABLE,
	MSG_TABLE_DISABLE,
	MSG_POLL,		/* pfe -> hce: check every host now */
	MSG_CMD_END,		/* pfe -> hce: an operator's command ends */
	MSG_CMD_DONE,		/* hce -> pfe: ... applied (id: its gen) */
	MSG_DEMOTE,		/* pfe -> parent: carp group +1 / -1 */
	MSG_SCRIPT_RUN,		/* hce -> parent */
	MSG_SCRIPT_DONE,	/* parent -> hce */
	/* control socket (hoststatectl <-> pfe, pfe <-> parent) */
	MSG_CTL_REQUEST,	/* ctl -> control */
	MSG_CTL_ROW,		/* control -> ctl: one object for show */
	MSG_CTL_END,		/* end of a list */
	MSG_CTL_OK,		/* command succeeded */
	MSG_CTL_FAIL,		/* command failed: text says why */
	MSG_CTL_EVENT,		/* control -> monitor clients */
	MSG_CTL_VERBOSE,	/* log brief|verbose: level */
	MSG_RELOAD,		/* control -> parent: text = file or "" */
	MSG_RELOAD_RESULT,	/* parent -> control: ok flag + errors text */
	/* the reload handshake (core/reload.h) */
	MSG_CFG_TEXT,		/* parent -> child: a chunk of text */
	MSG_CFG_DONE,		/* parent -> child: end of the text */
	MSG_CFG_READY,		/* child -> parent: ready to switch */
	MSG_CFG_FAIL,		/* child -> parent: cannot; text: why */
	MSG_CFG_ABORT,		/* parent -> child: drop it */
	MSG_CFG_START,		/* parent -> hce -> pfe: switch, start */
	MSG_SHUTDOWN,
	/* relays */
	MSG_RELAY_HOSTS,	/* pfe -> relays: states of hosts relays use */
	MSG_RELAY_READY,	/* relay -> pfe: switched; which relays listen */
	MSG_RELAY_STATS,	/* relay -> pfe: a relay's counters (show) */
	MSG_CTL_SESSION,	/* relay -> pfe -> ctl: a session or its end */
	MSG_RELAY_MONITOR,	/* pfe -> relays: send session ends or not */
	MSG_RELAY_LISTENER,	/* parent -> relay, with its descriptor */
	MSG_CTL_TEXT,		/* control -> ctl: a chunk of show metrics */
	/* TLS (relay/tls*.c, daemon/key_proc.c) */
	MSG_FILE,		/* parent -> relay, key: with a descriptor */
	MSG_KEY_OP,		/* relay -> key: a private-key operation */
	MSG_KEY_RESULT,		/* key -> relay: its result */
	MSG_TLS_TICKETS,	/* parent -> relays: session ticket keys */
	MSG_TYPE_MAX
};

/* Host states; the values are stable on the wire. */
enum host_state {
	HOST_UNKNOWN = 0,
	HOST_UP = 1,
	HOST_DOWN = 2,
};

/*
 * Round-trip times of a host's checks since it was last reset: how many
 * fell in each bucket (at most rtt_bucket_ms[i], above the one before;
 * not cumulative), their sum; those above the last bucket are the
 * host's check count minus the buckets' total.
 */
#define HS_RTT_BUCKETS	11
extern const uint32_t rtt_bucket_ms[HS_RTT_BUCKETS];

struct rtt_hist {
	uint32_t		n[HS_RTT_BUCKETS];
	uint64_t		sum_ms;
};

struct msg_host_status {
	uint32_t		host_id;
	uint8_t			state;		/* enum host_state */
	uint8_t			error;		/* enum check_error */
	uint32_t		retry_cnt;	/* failures still tolerated */
	uint32_t		check_cnt;
	uint32_t		up_cnt;
	uint32_t		rtt_ms;
	int32_t			detail;
	struct rtt_hist		rtt;
};

/* Entries of one MSG_HOST_COUNTERS; a batch takes as many as it needs. */
#define MSG_COUNTERS_MAX	240

struct msg_host_counters {
	uint32_t		n;
	struct msg_counters {
		uint32_t	host_id;
		uint32_t	check_cnt;
		uint32_t	up_cnt;
		uint32_t	rtt_ms;		/* of the latest check */
		struct rtt_hist	rtt;
	} e[MSG_COUNTERS_MAX];
};

struct msg_id {
	uint32_t		id;
};

struct msg_demote {
	char			group[HS_IFNAME_MAX];
	int32_t			delta;		/* +1 or -1 */
};

struct msg_script_run {
	uint32_t		host_id;
	uint64_t		seq;
	uint32_t		timeout_ms;
	char			path[HS_PATH_MAX];
	char			arg[HS_HOSTNAME_MAX];	/* the host, as written */
};

/* Statuses of a script that did not run, below any exit status. */
#define SCRIPT_STATUS_FAILED		(-1)	/* fork, setuid, exec... */
#define SCRIPT_STATUS_NOT_FOUND		(-2)	/* exec: no such file */
#define SCRIPT_STATUS_NOT_EXECUTABLE	(-3)	/* exec: permission denied */

struct msg_script_done {
	uint32_t		host_id;
	uint64_t		seq;
	int32_t			status;		/* exit, or SCRIPT_STATUS_* */
	uint8_t			timed_out;	/* killed at the timeout */
	uint32_t		rtt_ms;
};

/* States of hosts in relay tables, complete per host: idempotent. */
#define RELAY_HOSTS_MAX		2000	/* per message */
#define RELAY_HOST_DISABLED	0x01
#define RELAY_HOST_TABLE_DISABLED 0x02

struct msg_relay_host {
	uint32_t		host_id;
	uint8_t			state;		/* enum host_state */
	uint8_t			flags;		/* RELAY_HOST_* */
};

struct msg_relay_hosts {
	uint32_t		n;
	struct msg_relay_host	v[RELAY_HOSTS_MAX];
};

/* Relay ids whose listeners a relay process accepts on. */
struct msg_relay_ready {
	uint32_t		nrelays;
	uint8_t			listening[(HS_RELAYS_MAX + 7) / 8];
};

/* A listening socket: its address and port (the descriptor travels aside). */
struct msg_listener {
	struct hs_addr		addr;
	uint16_t		port;
};

/*
 * A file the receiver reads from the descriptor that comes with it:
 * the parent opens certificates, keys and CA files for the processes
 * that cannot (chrooted), and a relay never gets a key.
 */
enum file_kind {
	FILE_CERT = 1,
	FILE_KEY,
	FILE_CA,
	FILE_KIND_MAX
};

struct msg_file {
	uint8_t			kind;		/* enum file_kind */
	char			path[HS_PATH_MAX];
};

/*
 * The private-key operations the key process does for the relays,
 * nothing else: a signature with the key whose public half has the
 * SHA-256 (of its DER SubjectPublicKeyInfo) in key.
 */
#define KEY_ID_LEN		32
#define KEY_DATA_MAX		1024	/* RSA up to 8192 bits */

enum key_op {
	KEY_RSA_PKCS1 = 1,	/* data: a DigestInfo, padded there */
	KEY_RSA_PSS,		/* data: a whole PSS-encoded block */
	KEY_ECDSA,		/* data: a digest; result: DER signature */
	KEY_OP_MAX
};

struct msg_key {
	uint32_t		id;		/* the relay's; echoed */
	uint8_t			op;		/* enum key_op */
	uint8_t			ok;		/* result: 1 done, 0 refused */
	uint8_t			key[KEY_ID_LEN];
	uint16_t		len;
	uint8_t			data[KEY_DATA_MAX];
};

/*
 * Session ticket keys, the same in every relay process: tickets are
 * made with the first and accepted with either (then renewed).
 */
#define TICKET_NAME_LEN		16
#define TICKET_SECRET_LEN	32
#define TICKET_KEYS_MAX		2
/*
 * The parent draws a new key this often; a ticket (or a cached
 * session) lives as long, so the previous key still opens every ticket
 * that has not expired.
 */
#define TLS_TICKET_ROTATE_S	3600

struct ticket_key {
	uint8_t			name[TICKET_NAME_LEN];
	uint8_t			aes[TICKET_SECRET_LEN];
	uint8_t			hmac[TICKET_SECRET_LEN];
};

struct msg_tickets {
	uint32_t		n;		/* 1 or 2 */
	struct ticket_key	keys[TICKET_KEYS_MAX];
};

struct msg_relay_stats {
	uint32_t		relay_id;
	struct relay_stats	stats;
};

/* Text payloads: reload path, errors, failure reasons, config chunks. */
struct msg_text {
	uint8_t			ok;		/* MSG_RELOAD_RESULT only */
	uint32_t		len;
	char			text[MSG_TEXT_MAX + 1];	/* NUL-terminated after decode */
};

struct msg {
	enum msg_type		type;
	uint32_t		peerid;		/* control client, or 0 */
	uint32_t		gen;		/* of the configuration */
	union {
		struct msg_host_status	host_status;
		struct msg_host_counters host_counters;
		struct msg_id		id;	/* enable/disable ... */
		struct msg_demote	demote;
		struct msg_script_run	script_run;
		struct msg_script_done	script_done;
		struct ctl_request	ctl_request;
		struct ctl_row		ctl_row;
		struct ctl_event	ctl_event;
		struct msg_text		text;
		struct msg_relay_hosts	relay_hosts;
		struct msg_relay_ready	relay_ready;
		struct msg_relay_stats	relay_stats;
		struct ctl_session	ctl_session;
		struct msg_listener	listener;
		struct msg_file		file;
		struct msg_key		key;
		struct msg_tickets	tickets;
	} u;
};

/*
 * Encode m into out (at most outlen bytes); returns the length written
 * or -1 if it does not fit or m is invalid.
 */
int		 msg_encode(const struct msg *m, uint8_t *out, size_t outlen);
/*
 * Length of the message at the start of in once its header is complete:
 * 0 if more bytes are needed, -1 if the header is invalid.
 */
int		 msg_frame_len(const uint8_t *in, size_t len);
/* Decode exactly one message of len bytes; 0 or -1 if malformed. */
int		 msg_decode(const uint8_t *in, size_t len, struct msg *m);
const char	*msg_type_name(enum msg_type);
const char	*host_state_name(enum host_state);

#endif /* HS_MSG_H */
