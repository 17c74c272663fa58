/*
 * Shared by the files of the parser (parse*.c): the parser state, the
 * token helpers, and what a declaration remembers for the final checks
 * (its line, the names it references) that the model itself does not keep.
 */
#ifndef HS_PARSE_PRIV_H
#define HS_PARSE_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "core/config.h"
#include "core/lex.h"
#include "core/parse.h"
#include "core/ports.h"

/* Where something was written. */
struct pos {
	const char	*file;
	int		 line;
};

/* A name referenced before it can be resolved (forward references). */
struct ref {
	char		 name[HS_NAME_MAX];
	struct pos	 at;
	bool		 set;
};

struct table_extra {
	struct pos	 at;
	bool		 has_timeout;
	bool		 has_interval;
	bool		 has_check;
	bool		 used;		/* referenced by a service or relay */
};

struct service_extra {
	struct pos	 at;
	struct ref	 table;
	struct ref	 backup;
};

struct relay_extra {
	struct pos	 at;
	struct ref	 protocol;
	struct ref	 table;
	struct ref	 backup;
	struct ref	 service;
	uint16_t	 table_port;	/* "table NAME port P"; 0 = listen port */
	struct pos	 listen_at[HS_LISTEN_MAX];
	int		 ntargets;	/* forward, table, service */
	bool		 has_timeout;
};

/* A table reference, in file order: becomes a per-port copy if needed. */
struct table_use {
	bool		 relay;
	bool		 backup;
	uint32_t	 owner;		/* service or relay id */
};

/* Where a match rule of a protocol was written. */
struct route_ref {
	uint32_t	 proto;
	uint32_t	 idx;
	struct pos	 at;
};

struct parser {
	struct lex		 lx;
	const struct parse_opts	*opts;
	struct config		*cfg;
	struct table_extra	*tx;
	struct service_extra	*sx;
	struct relay_extra	*rx;
	struct pos		*px;		/* protocol declarations */
	struct pos		*hx;		/* host declarations */
	size_t			 tcap, hcap, scap, pcap, rcap;
	struct table_use	*uses;
	size_t			 nuses, ucap;
	struct route_ref	*rrefs;
	size_t			 nrrefs, rrcap;
	struct pos		 timeout_at;	/* global timeout, if given */
	struct pos		 interval_at;
	bool			 block_cut;	/* a block ended without '}' */
};

#define TOK(p)		(&(p)->lx.tok)

/* Tokens (parse.c). */
void	 p_next(struct parser *);
void	 p_error(struct parser *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 p_error_at(struct parser *, const struct pos *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
struct pos p_pos(struct parser *);
const char *p_tokdesc(struct parser *);
bool	 p_is_kw(struct parser *, enum keyword);
bool	 p_accept(struct parser *, enum keyword);
bool	 p_accept_word(struct parser *, const char *);
int	 p_expect(struct parser *, enum keyword);
int	 p_syntax(struct parser *);
bool	 p_at_string(struct parser *);
int	 p_string(struct parser *, char *, size_t, const char *what);
int	 p_cstring(struct parser *, char *, size_t, const char *what);
int	 p_name(struct parser *, char *, size_t, const char *what);
int	 p_number(struct parser *, uint32_t min, uint32_t max,
	    const char *what, uint32_t *);
int	 p_port(struct parser *, uint16_t *);
int	 p_address(struct parser *, char *, size_t, struct hs_addr *);
int	 p_block(struct parser *, int (*)(struct parser *, void *), void *);
void	 p_resync(struct parser *);
void	 p_done(struct parser *, int);
int	 p_unknown(struct parser *);
void	 *p_grow(void *, size_t *cap, size_t n, size_t size);

/* Declarations (parse_table.c, parse_service.c, parse_protocol.c,
 * parse_relay.c): called after the keyword. */
int	 parse_table(struct parser *);
int	 parse_service(struct parser *);
int	 parse_protocol(struct parser *);
int	 parse_relay(struct parser *);
int	 parse_demote(struct parser *);
int	 parse_ref(struct parser *, struct ref *, const char *owner,
	    const char *what);
int	 parse_table_use(struct parser *, bool relay, bool backup, uint32_t);
void	 parse_tls_files(struct parser *, const struct pos *,
	    const char *owner, const char *cert, const char *key);

/* HTTP: options and match rules (parse_http.c). */
void	 parse_http_defaults(struct http_opts *);
int	 parse_http_opts(struct parser *, struct http_opts *);
int	 parse_match(struct parser *, struct protocol_conf *);
void	 parse_mark_route_tables(struct parser *, size_t ndeclared);
void	 parse_validate_routes(struct parser *, size_t ndeclared);
void	 parse_check_route_names(struct parser *);

/* The checks and the per-port copies (parse_validate.c). */
void	 parse_validate(struct parser *, struct buf *notes);
void	 parse_validate_owners(struct parser *);
/*
 * With syntax errors the model is not validated, but the names it
 * references are still checked, so one run reports those mistakes too.
 */
void	 parse_check_table_names(struct parser *);
void	 parse_check_owner_names(struct parser *);
int	 parse_copy_host(struct parser *, struct table_conf *, uint32_t);
/* A declared table by name (HS_ID_NONE, reported at at), its copy. */
uint32_t parse_find_table(struct parser *, size_t ndeclared,
	    const char *name, const struct pos *at);
uint32_t parse_table_copy(struct parser *, uint32_t tid, uint16_t port);
/* The port relay rid's templated tables get; 0 if it has none. */
uint16_t parse_relay_port(struct parser *, uint32_t rid);
void	 parse_check_hosts(struct parser *, size_t ndeclared);

#endif /* HS_PARSE_PRIV_H */
