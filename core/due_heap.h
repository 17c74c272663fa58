/*
 * A binary min-heap of ids by due time, ties broken by id, with each id
 * at most once and O(log n) insert, move and removal.  The check engine
 * keeps its schedule in one, so a run costs O(log n) per check.
 */
#ifndef HS_DUE_HEAP_H
#define HS_DUE_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DUE_NONE	UINT32_MAX

struct due_heap {
	uint32_t	*heap;		/* ids, by (due, id) */
	uint32_t	*pos;		/* per id: index in heap, or DUE_NONE */
	uint64_t	*due;		/* per id */
	size_t		 n;		/* ids in the heap */
	size_t		 nids;		/* ids are 0 .. nids - 1 */
};

/* 0, or -1 if out of memory. */
int		 due_heap_init(struct due_heap *, size_t nids);
void		 due_heap_free(struct due_heap *);
/* Insert id, or move it if it is already in. */
void		 due_heap_set(struct due_heap *, uint32_t id, uint64_t due);
void		 due_heap_remove(struct due_heap *, uint32_t id);
void		 due_heap_clear(struct due_heap *);
bool		 due_heap_has(const struct due_heap *, uint32_t id);
/* The earliest id, DUE_NONE when empty. */
uint32_t	 due_heap_top(const struct due_heap *);
/* The due time of an id in the heap. */
uint64_t	 due_heap_due(const struct due_heap *, uint32_t id);

#endif /* HS_DUE_HEAP_H */
