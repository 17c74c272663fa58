/*
 * Virtual hosts: the machines behind the configuration's host lines,
 * with the scenario language's fault model.  A virtual host is named by
 * its address as written; several configured hosts (the same address in
 * several tables) share one.  Results are computed when a check starts.
 *
 * A host is healthy until a scenario says otherwise: it passes every
 * check its tables give it.  What it answers can be changed for the
 * whole host or for one HTTP path; a path's answer falls back to the
 * host's, and what neither sets is the healthy answer (the expected
 * code, a body with the expected digest, an answer matching the
 * expected pattern), all in one read.
 */
#ifndef HS_SIM_VHOST_H
#define HS_SIM_VHOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/check.h"
#include "core/config.h"

#define VHOST_BODY_MAX		65536		/* a body's text */
#define VHOST_BODY_SIZE_MAX	(1024u * 1024 * 1024)	/* body-size */
#define VHOST_PATHS_MAX		256		/* answered paths, per host */
/* As hoststated's checker: it stops reading past these. */
#define VHOST_DIGEST_READ_MAX	(1024 * 1024)
#define VHOST_EXPECT_READ_MAX	16384

enum vhost_reach {
	VH_UP = 0,	/* accepts connections and answers */
	VH_DOWN,	/* no answer at all: checks time out */
	VH_REFUSE,	/* connections refused at once; ICMP answers */
	VH_FLAP,	/* down, up, down, ... every flap_ms from since_ms */
};

/* What a scenario set in an answer; the rest falls back. */
#define ANSWER_CODE	0x01
#define ANSWER_BODY	0x02
#define ANSWER_LATENCY	0x04
#define ANSWER_SLOW	0x08

struct vhost_answer {
	uint8_t		 set;		/* ANSWER_* */
	uint8_t		 digest_type;	/* of the cached digest */
	uint16_t	 code;		/* HTTP status */
	uint32_t	 latency_ms;	/* until the first byte */
	uint32_t	 slow_ms;	/* from the status line to the end */
	char		*body;		/* text, or bodylen bytes of 'x' */
	size_t		 bodylen;	/* may exceed what body holds */
	bool		 filler;	/* body-size: body holds some 'x' */
	char		*digest;	/* hex digest of the body, cached */
};

struct vhost_path {
	char			*path;
	struct vhost_answer	 answer;
};

struct vhost {
	uint8_t			 reach;		/* enum vhost_reach */
	uint32_t		 flap_ms;
	uint64_t		 since_ms;	/* when reach was last set */
	struct vhost_answer	 answer;	/* the host's, every method */
	struct vhost_path	*paths;		/* HTTP paths, by path */
	size_t			 npaths;
};

void	 vhost_init(struct vhost *);
void	 vhost_free(struct vhost *);
/* Reachability; "up" also makes every answer healthy again. */
void	 vhost_set_up(struct vhost *, uint64_t now_ms);
void	 vhost_set_down(struct vhost *, uint64_t now_ms);
void	 vhost_set_refuse(struct vhost *, uint64_t now_ms);
void	 vhost_set_flap(struct vhost *, uint32_t period_ms, uint64_t now_ms);
/*
 * The answer a statement changes: the host's (path NULL) or one HTTP
 * path's, created healthy.  NULL when out of memory or paths.  Changing
 * an answer makes the host answer again (vhost_answers).
 */
struct vhost_answer *vhost_answer(struct vhost *, const char *path);
void	 vhost_answers(struct vhost *, uint64_t now_ms);
/* Forget a path's answer: it is the host's again. */
void	 vhost_path_reset(struct vhost *, const char *path);
void	 answer_set_code(struct vhost_answer *, uint16_t);
void	 answer_set_latency(struct vhost_answer *, uint32_t ms);
void	 answer_set_slow(struct vhost_answer *, uint32_t ms);
int	 answer_set_body(struct vhost_answer *, const char *, size_t);
int	 answer_set_body_size(struct vhost_answer *, size_t);
/* The reachability at a given instant (flap resolved to up or down). */
enum vhost_reach vhost_reach_at(const struct vhost *, uint64_t now_ms);
/* When the current flap phase began (for "down since" bookkeeping). */
uint64_t vhost_phase_start(const struct vhost *, uint64_t now_ms);
/*
 * The result a check of req started at now_ms gets, with its rtt; the
 * result is due at now_ms + out->rtt_ms.  An answer comes jitter_ms
 * later than the host's latency says (network jitter); a timeout does
 * not move.
 */
void	 vhost_check(struct vhost *, const struct check_request *req,
	    uint64_t now_ms, uint32_t jitter_ms, struct check_result *out);

/* vhost_answer.c: what a method makes of an answer. */
struct answer_view {
	const struct vhost_answer *code_from;	/* NULL: healthy */
	struct vhost_answer	  *body_from;	/* NULL: healthy */
	uint32_t		   latency_ms;
	uint32_t		   slow_ms;
};

void	 answer_init(struct vhost_answer *);
void	 answer_free(struct vhost_answer *);
/* Resolve path, host and healthy answers into what a check sees. */
void	 answer_view(const struct vhost *, const char *path,
	    struct answer_view *);
/* An HTTP code check: up, and the code seen in *code. */
bool	 answer_code_ok(const struct answer_view *, int want, int *code);
enum check_error answer_digest(const struct answer_view *,
	    const struct check_conf *);
bool	 answer_expect_ok(const struct answer_view *, const char *pattern);

#endif /* HS_SIM_VHOST_H */
