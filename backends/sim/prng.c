#include "backends/sim/prng.h"

uint64_t
prng_mix(uint64_t *state)
{
	uint64_t	z;

	z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
prng_seed(struct prng *p, uint64_t seed)
{
	int	i;

	for (i = 0; i < 4; i++)
		p->s[i] = prng_mix(&seed);
}

static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t
prng_next(struct prng *p)
{
	uint64_t	*s = p->s;
	uint64_t	 result, t;

	result = rotl(s[1] * 5, 7) * 9;
	t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t
prng_below(struct prng *p, uint64_t n)
{
	uint64_t	x, limit;

	if (n == 0)
		return 0;
	/* Reject the top remainder so every value is equally likely. */
	limit = UINT64_MAX - UINT64_MAX % n;
	do {
		x = prng_next(p);
	} while (x >= limit);
	return x % n;
}
