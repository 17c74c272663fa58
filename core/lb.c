/* Load-balancing methods for relays; see lb.h. */
#include <string.h>

#include "core/lb.h"

#define ROTL(x, b)	(uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static uint64_t
load_le64(const uint8_t *p)
{
	uint64_t	v = 0;
	int		i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Byte order fixed so that a trace is the same on every machine. */
static void
store_le(uint8_t *p, uint64_t v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void
sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = ROTL(v[1], 13);
	v[1] ^= v[0];
	v[0] = ROTL(v[0], 32);
	v[2] += v[3];
	v[3] = ROTL(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = ROTL(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = ROTL(v[1], 17);
	v[1] ^= v[2];
	v[2] = ROTL(v[2], 32);
}

uint64_t
lb_siphash(const uint8_t key[LB_KEY_LEN], const void *data, size_t len)
{
	const uint8_t	*p = data;
	uint64_t	 k0 = load_le64(key), k1 = load_le64(key + 8);
	uint64_t	 v[4], m, b = (uint64_t)len << 56;
	size_t		 i, left = len & 7;

	v[0] = k0 ^ 0x736f6d6570736575ULL;
	v[1] = k1 ^ 0x646f72616e646f6dULL;
	v[2] = k0 ^ 0x6c7967656e657261ULL;
	v[3] = k1 ^ 0x7465646279746573ULL;
	for (i = 0; i + 8 <= len; i += 8) {
		m = load_le64(p + i);
		v[3] ^= m;
		sip_round(v);
		sip_round(v);
		v[0] ^= m;
	}
	for (; left > 0; left--)
		b |= (uint64_t)p[i + left - 1] << (8 * (left - 1));
	v[3] ^= b;
	sip_round(v);
	sip_round(v);
	v[0] ^= b;
	v[2] ^= 0xff;
	for (i = 0; i < 4; i++)
		sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/* splitmix64: small, seedable, good enough to spread connections. */
static uint64_t
lb_rand(struct lb_state *st)
{
	uint64_t	z = (st->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
lb_state_init(struct lb_state *st, uint64_t seed,
    const uint8_t key[LB_KEY_LEN])
{
	memset(st, 0, sizeof(*st));
	st->rng = seed;
	if (key != NULL)
		memcpy(st->key, key, LB_KEY_LEN);
}

static size_t
count_up(const struct lb_host *h, size_t n)
{
	size_t	i, up = 0;

	for (i = 0; i < n; i++)
		if (h[i].up)
			up++;
	return up;
}

static int
select_roundrobin(const struct lb_host *h, size_t n, struct lb_state *st)
{
	size_t	i, idx;

	for (i = 0; i < n; i++) {
		idx = (st->rr_next + i) % n;
		if (h[idx].up) {
			st->rr_next = (uint32_t)((idx + 1) % n);
			return (int)h[idx].id;
		}
	}
	return -1;
}

static int
select_random(const struct lb_host *h, size_t n, struct lb_state *st)
{
	uint64_t	total = 0, r;
	size_t		i;

	for (i = 0; i < n; i++)
		if (h[i].up)
			total += h[i].weight ? h[i].weight : 1;
	if (total == 0)
		return -1;
	r = lb_rand(st) % total;
	for (i = 0; i < n; i++) {
		uint64_t	w = h[i].weight ? h[i].weight : 1;

		if (!h[i].up)
			continue;
		if (r < w)
			return (int)h[i].id;
		r -= w;
	}
	return -1;
}

static int
select_least_states(const struct lb_host *h, size_t n)
{
	const struct lb_host	*best = NULL;
	size_t			 i;

	for (i = 0; i < n; i++)
		if (h[i].up && (best == NULL || h[i].states < best->states))
			best = &h[i];
	return best != NULL ? (int)best->id : -1;
}

/*
 * Rendezvous hashing: the up host with the highest score wins.  The
 * score rests on what identifies a backend, its address and port, never
 * on its id: a reload that inserts a host moves only that host's share.
 */
static int
select_hashed(const struct lb_host *h, size_t n, uint64_t digest,
    const struct lb_state *st)
{
	uint8_t		 in[8 + 1 + 16 + 2];
	uint64_t	 score, best_score = 0;
	int		 best = -1;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (!h[i].up)
			continue;
		store_le(in, digest, 8);
		in[8] = h[i].addr.family;
		memcpy(in + 9, h[i].addr.bytes, 16);
		store_le(in + 25, h[i].port, 2);
		score = lb_siphash(st->key, in, sizeof(in));
		if (best == -1 || score > best_score) {
			best = (int)h[i].id;
			best_score = score;
		}
	}
	return best;
}

/* The input of each hash method, itself hashed to 64 bits. */
static uint64_t
client_digest(enum lb_mode mode, const struct lb_client *c,
    const struct lb_state *st)
{
	uint8_t		in[2 * 17 + 2 + 8];
	size_t		len = 0;
	uint64_t	extra = 0;

	memset(in, 0, sizeof(in));
	if (mode == LB_SOURCE_HASH || mode == LB_LOADBALANCE) {
		in[len++] = c->addr.family;
		memcpy(in + len, c->addr.bytes, 16);
		len += 16;
	}
	if (mode == LB_LOADBALANCE || mode == LB_HASH) {
		in[len++] = c->relay_addr.family;
		memcpy(in + len, c->relay_addr.bytes, 16);
		len += 16;
		in[len++] = (uint8_t)(c->relay_port >> 8);
		in[len++] = (uint8_t)c->relay_port;
	}
	if (mode == LB_HASH && c->hashdata != NULL && c->hashlen > 0)
		extra = lb_siphash(st->key, c->hashdata, c->hashlen);
	store_le(in + len, extra, 8);
	len += 8;
	return lb_siphash(st->key, in, len);
}

static int
select_in(enum lb_mode mode, const struct lb_host *h, size_t n,
    const struct lb_client *c, struct lb_state *st)
{
	switch (mode) {
	case LB_ROUNDROBIN:
		return select_roundrobin(h, n, st);
	case LB_RANDOM:
		return select_random(h, n, st);
	case LB_LEAST_STATES:
		return select_least_states(h, n);
	case LB_LOADBALANCE:
	case LB_HASH:
	case LB_SOURCE_HASH:
		if (c == NULL)
			return -1;
		return select_hashed(h, n, client_digest(mode, c, st), st);
	}
	return -1;
}

int
lb_select(enum lb_mode mode, const struct lb_host *main, size_t nmain,
    const struct lb_host *backup, size_t nbackup, const struct lb_client *c,
    struct lb_state *st)
{
	if (main != NULL && count_up(main, nmain) > 0)
		return select_in(mode, main, nmain, c, st);
	if (backup != NULL && count_up(backup, nbackup) > 0)
		return select_in(mode, backup, nbackup, c, st);
	return -1;
}
