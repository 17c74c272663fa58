/*
 * A seeded pseudo-random generator (xoshiro256** seeded by splitmix64):
 * the same seed gives the same sequence on every platform.
 */
#ifndef HS_SIM_PRNG_H
#define HS_SIM_PRNG_H

#include <stdint.h>

struct prng {
	uint64_t	s[4];
};

void		 prng_seed(struct prng *, uint64_t seed);
uint64_t	 prng_next(struct prng *);
/* Uniform in [0, n); 0 when n is 0. */
uint64_t	 prng_below(struct prng *, uint64_t n);
/* One step of splitmix64: derives independent seeds from one. */
uint64_t	 prng_mix(uint64_t *state);

#endif /* HS_SIM_PRNG_H */
