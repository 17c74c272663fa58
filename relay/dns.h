/*
 * The DNS relay, as the rest of the engine calls it: a DNS relay's UDP
 * listeners read queries here, its TCP listeners hand their connections
 * here, and show sessions, reloads and shutdown reach its queries and
 * connections through these calls.
 */
#ifndef HS_RELAY_DNS_H
#define HS_RELAY_DNS_H

#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

struct listener;
struct relay_engine;
struct relay_rt;

/* A UDP listener is readable (its event's callback; arg: the listener). */
void		 dns_udp_ready(evutil_socket_t, short, void *);
/* A connection accepted on a DNS relay's TCP listener. */
void		 dns_tcp_accept(struct listener *, int fd,
		    const struct sockaddr_storage *);
/* The listener closes: the queries to answer from it end. */
void		 dns_listener_gone(struct relay_engine *, struct listener *);
/* The relay's DNS state (its upstream sockets), with its last reference. */
void		 dns_rt_free(struct relay_rt *);
/* show sessions: rows of the pending queries and the connections. */
void		 dns_rows(struct relay_engine *, uint32_t client);
/* After a switch: host ids of the queries' and connections' hosts. */
void		 dns_reload(struct relay_engine *, const uint32_t *old_to_new,
		    size_t nold);
/* Shutdown: every query and connection ends. */
void		 dns_stop(struct relay_engine *);
void		 dns_engine_free(struct relay_engine *);

#endif /* HS_RELAY_DNS_H */
