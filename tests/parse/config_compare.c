#include <stdio.h>
#include <string.h>

#include "tests/parse/config_compare.h"

#define DIFF(cond, ...) do {						\
	if (cond) {							\
		(void)snprintf(why, len, __VA_ARGS__);			\
		return -1;						\
	}								\
} while (0)
#define NUM(f, what, i) DIFF((a)->f != (b)->f, "%s %zu: %s differs: %lld != %lld", \
	    what, (size_t)(i), #f, (long long)(a)->f, (long long)(b)->f)
#define STR(f, what, i) DIFF(strcmp((a)->f, (b)->f) != 0,		\
	    "%s %zu: %s differs: \"%s\" != \"%s\"", what, (size_t)(i), #f, \
	    (a)->f, (b)->f)
#define ADDR(f, what, i) DIFF(!addr_equal(&(a)->f, &(b)->f),		\
	    "%s %zu: %s differs", what, (size_t)(i), #f)

static int
cmp_check(const struct check_conf *a, const struct check_conf *b, size_t i,
    char *why, size_t len)
{
	NUM(type, "table check", i);
	NUM(tls, "table check", i);
	STR(path, "table check", i);
	STR(host, "table check", i);
	NUM(code, "table check", i);
	NUM(digest_type, "table check", i);
	STR(digest, "table check", i);
	STR(send, "table check", i);
	STR(expect, "table check", i);
	return 0;
}

static int
cmp_table(const struct table_conf *a, const struct table_conf *b, size_t i,
    char *why, size_t len)
{
	size_t	 h;

	NUM(id, "table", i);
	STR(name, "table", i);
	STR(base, "table", i);
	NUM(port, "table", i);
	NUM(real_port, "table", i);
	NUM(timeout_ms, "table", i);
	NUM(interval_s, "table", i);
	STR(demote, "table", i);
	NUM(disabled, "table", i);
	NUM(template, "table", i);
	NUM(copy_of, "table", i);
	NUM(nhosts, "table", i);
	for (h = 0; h < a->nhosts; h++)
		DIFF(a->host_ids[h] != b->host_ids[h], "table %zu: host %zu "
		    "differs", i, h);
	return cmp_check(&a->check, &b->check, i, why, len);
}

static int
cmp_host(const struct host_conf *a, const struct host_conf *b, size_t i,
    char *why, size_t len)
{
	NUM(id, "host", i);
	NUM(table_id, "host", i);
	STR(name, "host", i);
	ADDR(addr, "host", i);
	NUM(retry, "host", i);
	NUM(weight, "host", i);
	return 0;
}

static int
cmp_service(const struct service_conf *a, const struct service_conf *b,
    size_t i, char *why, size_t len)
{
	size_t	 v;

	NUM(id, "service", i);
	STR(name, "service", i);
	NUM(nvirts, "service", i);
	for (v = 0; v < a->nvirts; v++) {
		STR(virts[v].name, "service", i);
		ADDR(virts[v].addr, "service", i);
		NUM(virts[v].port, "service", i);
		STR(virts[v].ifname, "service", i);
	}
	NUM(table_id, "service", i);
	NUM(backup_id, "service", i);
	NUM(sticky, "service", i);
	STR(tag, "service", i);
	NUM(match, "service", i);
	NUM(disabled, "service", i);
	return 0;
}

static int
cmp_protocol(const struct protocol_conf *a, const struct protocol_conf *b,
    size_t i, char *why, size_t len)
{
	size_t	 n;

	NUM(id, "protocol", i);
	STR(name, "protocol", i);
	NUM(type, "protocol", i);
	NUM(nactions, "protocol", i);
	for (n = 0; n < a->nactions; n++) {
		NUM(actions[n].dir, "protocol", i);
		NUM(actions[n].entity, "protocol", i);
		NUM(actions[n].op, "protocol", i);
		STR(actions[n].key, "protocol", i);
		STR(actions[n].value, "protocol", i);
		NUM(actions[n].has_value, "protocol", i);
		NUM(actions[n].status, "protocol", i);
	}
	NUM(nroutes, "protocol", i);
	for (n = 0; n < a->nroutes; n++) {
		STR(routes[n].method, "protocol", i);
		NUM(routes[n].has_entity, "protocol", i);
		NUM(routes[n].entity, "protocol", i);
		STR(routes[n].key, "protocol", i);
		STR(routes[n].value, "protocol", i);
		NUM(routes[n].has_value, "protocol", i);
		STR(routes[n].table, "protocol", i);
	}
	NUM(http.request_line, "protocol", i);
	NUM(http.header_line, "protocol", i);
	NUM(http.headerlen, "protocol", i);
	NUM(http.headers, "protocol", i);
	NUM(http.chunk_line, "protocol", i);
	NUM(http.trailerlen, "protocol", i);
	NUM(http.keepalive, "protocol", i);
	NUM(http.websockets, "protocol", i);
	NUM(tcp.set, "protocol", i);
	NUM(tcp.on, "protocol", i);
	NUM(tcp.backlog, "protocol", i);
	NUM(tcp.bufsize, "protocol", i);
	NUM(tcp.ttl, "protocol", i);
	NUM(tcp.minttl, "protocol", i);
	NUM(tcp.session_buffer, "protocol", i);
	NUM(ssl.set, "protocol", i);
	NUM(ssl.on, "protocol", i);
	STR(ssl.ciphers, "protocol", i);
	NUM(ssl.session_cache, "protocol", i);
	NUM(ssl.tickets, "protocol", i);
	STR(ssl.ecdhe, "protocol", i);
	NUM(ssl.edh, "protocol", i);
	NUM(ssl.client_order, "protocol", i);
	STR(ssl.ca_file, "protocol", i);
	NUM(ssl.nkeypairs, "protocol", i);
	for (n = 0; n < a->ssl.nkeypairs; n++) {
		STR(ssl.keypairs[n].name, "protocol", i);
		STR(ssl.keypairs[n].cert, "protocol", i);
		STR(ssl.keypairs[n].key, "protocol", i);
	}
	return 0;
}

static int
cmp_relay(const struct relay_conf *a, const struct relay_conf *b, size_t i,
    char *why, size_t len)
{
	size_t	 l;

	NUM(id, "relay", i);
	STR(name, "relay", i);
	NUM(nlistens, "relay", i);
	for (l = 0; l < a->nlistens; l++) {
		STR(listens[l].name, "relay", i);
		ADDR(listens[l].addr, "relay", i);
		NUM(listens[l].port, "relay", i);
		NUM(listens[l].ssl, "relay", i);
	}
	NUM(protocol_id, "relay", i);
	NUM(has_forward, "relay", i);
	STR(forward.name, "relay", i);
	ADDR(forward.addr, "relay", i);
	NUM(forward.port, "relay", i);
	NUM(forward.retry, "relay", i);
	NUM(forward_tls, "relay", i);
	NUM(table_id, "relay", i);
	NUM(mode, "relay", i);
	NUM(backup_id, "relay", i);
	NUM(service_id, "relay", i);
	NUM(timeout_s, "relay", i);
	NUM(sessions, "relay", i);
	for (l = 0; l < HS_ROUTES_MAX; l++)
		NUM(route_table[l], "relay", i);
	NUM(disabled, "relay", i);
	STR(ssl_cert, "relay", i);
	STR(ssl_key, "relay", i);
	NUM(retry, "relay", i);
	NUM(has_key, "relay", i);
	DIFF(memcmp(a->key, b->key, sizeof(a->key)) != 0,
	    "relay %zu: key differs", i);
	return 0;
}

static int
cmp_globals(const struct config *a, const struct config *b, char *why,
    size_t len)
{
	NUM(interval_s, "config", 0);
	NUM(timeout_ms, "config", 0);
	NUM(prefork, "config", 0);
	NUM(log, "config", 0);
	NUM(log_sessions, "config", 0);
	NUM(sessions, "config", 0);
	STR(demote, "config", 0);
	STR(user, "config", 0);
	STR(chroot, "config", 0);
	STR(socket, "config", 0);
	NUM(nhosts, "config", 0);
	NUM(ntables, "config", 0);
	NUM(nservices, "config", 0);
	NUM(nprotocols, "config", 0);
	NUM(nrelays, "config", 0);
	NUM(ndemotes, "config", 0);
	return 0;
}

static int
cmp_demote(const struct demote_conf *a, const struct demote_conf *b, size_t i,
    char *why, size_t len)
{
	STR(group, "demote", i);
	STR(file, "demote", i);
	STR(script, "demote", i);
	return 0;
}

int
config_compare(const struct config *a, const struct config *b, char *why,
    size_t len)
{
	size_t	 i;

	if (cmp_globals(a, b, why, len) == -1)
		return -1;
	for (i = 0; i < a->nhosts; i++)
		if (cmp_host(&a->hosts[i], &b->hosts[i], i, why, len) == -1)
			return -1;
	for (i = 0; i < a->ntables; i++)
		if (cmp_table(&a->tables[i], &b->tables[i], i, why, len) == -1)
			return -1;
	for (i = 0; i < a->nservices; i++)
		if (cmp_service(&a->services[i], &b->services[i], i, why,
		    len) == -1)
			return -1;
	for (i = 0; i < a->nprotocols; i++)
		if (cmp_protocol(&a->protocols[i], &b->protocols[i], i, why,
		    len) == -1)
			return -1;
	for (i = 0; i < a->nrelays; i++)
		if (cmp_relay(&a->relays[i], &b->relays[i], i, why, len) == -1)
			return -1;
	for (i = 0; i < a->ndemotes; i++)
		if (cmp_demote(&a->demotes[i], &b->demotes[i], i, why,
		    len) == -1)
			return -1;
	return 0;
}
