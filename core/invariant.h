/*
 * Invariants of the engines (in-flight counts, hosts up per table, ring
 * and heap bounds), checked in every build: NDEBUG does not turn them
 * off.  A broken invariant means the engine's state can no longer be
 * trusted, so the process stops at once with the expression and where.
 */
#ifndef HS_INVARIANT_H
#define HS_INVARIANT_H

#define HS_ASSERT(e)	((e) ? (void)0 : \
			    hs_assert_failed(#e, __FILE__, __LINE__, __func__))

void	hs_assert_failed(const char *expr, const char *file, int line,
	    const char *func) __attribute__((noreturn));

#endif /* HS_INVARIANT_H */
