/*
 * Service names for ports, built in: the configuration means the same on
 * every machine, whatever its /etc/services says.
 */
#ifndef HS_PORTS_H
#define HS_PORTS_H

#include <stdint.h>

/* 0 and *port set if name is known, -1 if not. */
int		 port_by_name(const char *name, uint16_t *port);
/* The name of a port, NULL if it has none in the table. */
const char	*port_name(uint16_t port);

#endif /* HS_PORTS_H */
