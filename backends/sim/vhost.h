/*
 * Virtual hosts: the machines behind the configuration's host lines,
 * with the scenario language's fault model.  A virtual host is named by
 * its address as written; several configured hosts (the same address in
 * several tables) share one.  Results are computed when a check starts.
 */
#ifndef HS_SIM_VHOST_H
#define HS_SIM_VHOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/check.h"
#include "core/config.h"

#define VHOST_BODY_MAX	65536

enum vhost_reach {
	VH_UP = 0,	/* accepts connections and answers */
	VH_DOWN,	/* no answer at all: checks time out */
	VH_REFUSE,	/* connections refused at once; ICMP answers */
	VH_FLAP,	/* down, up, down, ... every flap_ms from since_ms */
};

struct vhost {
	uint8_t		 reach;		/* enum vhost_reach */
	uint8_t		 digest_type;	/* of the cached digest */
	uint16_t	 code;		/* HTTP status the host answers */
	uint32_t	 latency_ms;	/* answers after this long */
	uint32_t	 flap_ms;
	uint64_t	 since_ms;	/* when reach was last set */
	char		*body;		/* NULL: empty body */
	size_t		 bodylen;
	char		*digest;	/* hex digest of body, cached */
};

void	 vhost_init(struct vhost *);
void	 vhost_free(struct vhost *);
/* Fault statements; "up" also restores latency, code and body. */
void	 vhost_set_up(struct vhost *, uint64_t now_ms);
void	 vhost_set_down(struct vhost *, uint64_t now_ms);
void	 vhost_set_refuse(struct vhost *, uint64_t now_ms);
void	 vhost_set_flap(struct vhost *, uint32_t period_ms, uint64_t now_ms);
/* Answering faults: the host answers (again), with this attribute. */
void	 vhost_set_latency(struct vhost *, uint32_t ms, uint64_t now_ms);
void	 vhost_set_code(struct vhost *, uint16_t code, uint64_t now_ms);
int	 vhost_set_body(struct vhost *, const char *, size_t,
	    uint64_t now_ms);
/* The reachability at a given instant (flap resolved to up or down). */
enum vhost_reach vhost_reach_at(const struct vhost *, uint64_t now_ms);
/* When the current flap phase began (for "down since" bookkeeping). */
uint64_t vhost_phase_start(const struct vhost *, uint64_t now_ms);
/*
 * The result a check of req started at now_ms gets, with its rtt; the
 * result is due at now_ms + out->rtt_ms.
 */
void	 vhost_check(struct vhost *, const struct check_request *req,
	    uint64_t now_ms, struct check_result *out);

#endif /* HS_SIM_VHOST_H */
