/*
 * Configurations built by hand for the engine tests: the model the
 * parser would produce, with ids as hoststatectl prints them.
 */
#ifndef HS_TESTCONF_H
#define HS_TESTCONF_H

#include <stdbool.h>
#include <stdint.h>

#include "core/config.h"

/* interval 10 s, timeout 200 ms, log updates. */
struct config	*tc_new(void);
/* A live table checked by method; port 0 = none. */
uint32_t	 tc_table(struct config *, const char *name, uint16_t port,
		    bool real_port, enum check_type);
/* A declared table without a port: a template, not checked or shown. */
uint32_t	 tc_template(struct config *, const char *name);
/* A per-port copy "BASE:PORT" of a template. */
uint32_t	 tc_copy(struct config *, uint32_t template_id, uint16_t port);
uint32_t	 tc_host(struct config *, uint32_t table_id, const char *addr,
		    uint32_t retry);
uint32_t	 tc_service(struct config *, const char *name, uint32_t table_id,
		    uint32_t backup_id);
uint32_t	 tc_relay(struct config *, const char *name, uint32_t table_id,
		    uint32_t backup_id);

/* The seed's three situations, ids as the seed prints them. */
struct config	*tc_seed_simple(void);		/* webhosts, 2 hosts */
struct config	*tc_seed_backup(void);		/* + sorry_server backup */
struct config	*tc_seed_templated(void);	/* webhosts:80, sorry_server:80 */

#endif /* HS_TESTCONF_H */
