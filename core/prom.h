/*
 * The Prometheus text exposition format (version 0.0.4): a family's
 * HELP and TYPE lines, then its samples, label values escaped.
 */
#ifndef HS_PROM_H
#define HS_PROM_H

#include <stdint.h>

#include "core/buf.h"

#define PROM_LABELS_MAX	4

struct prom_label {
	const char	*name;
	const char	*value;
};

/* "# HELP name help" and "# TYPE name type" (gauge, counter, ...). */
void	prom_family(struct buf *, const char *name, const char *type,
	    const char *help);
/*
 * One sample: name{labels} value.  Labels with a NULL name end the list
 * early; suffix is appended to the name ("_bucket", "" for none).
 */
void	prom_sample(struct buf *, const char *name, const char *suffix,
	    const struct prom_label *, int nlabels, const char *value);
void	prom_sample_u64(struct buf *, const char *name,
	    const struct prom_label *, int nlabels, uint64_t value);
/* Seconds, from milliseconds: "1.250". */
void	prom_sample_ms(struct buf *, const char *name,
	    const struct prom_label *, int nlabels, uint64_t ms);

#endif /* HS_PROM_H */
