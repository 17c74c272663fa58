/*
 * The key process's keys: loaded from the files the parent passed for
 * a configuration, each checked against its certificate and known by
 * the SHA-256 of its public half (what a relay asks for), and the only
 * operations done with them: the signatures a TLS handshake needs.
 */
#ifndef HS_DAEMON_KEY_STORE_H
#define HS_DAEMON_KEY_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "core/config.h"
#include "core/msg.h"

/* Files received (certificates and keys), until a configuration loads. */
struct key_file {
	uint8_t		 kind;		/* enum file_kind */
	char		*path;
	uint8_t		*data;
	size_t		 len;
};

struct key_files {
	struct key_file	*v;
	size_t		 n;
};

struct key_entry {
	uint8_t		 id[KEY_ID_LEN];
	EVP_PKEY	*pkey;
};

struct key_set {
	struct key_entry *v;
	size_t		 n;
};

/* Take the descriptor's file (read at once); -1 if it cannot be read. */
int		 key_files_add(struct key_files *, const struct msg_file *,
		    int fd);
/* Forget them, wiping the keys' bytes. */
void		 key_files_clear(struct key_files *);
/*
 * The keys of cfg's certificates, from files: -1 with one line in why
 * ("key /etc/ssl/private/x.key does not match certificate ...").
 */
int		 key_set_load(struct key_set *, const struct config *,
		    const struct key_files *, char *why, size_t len);
void		 key_set_free(struct key_set *);
EVP_PKEY	*key_set_find(const struct key_set *, const uint8_t *id);
/*
 * Do req with pkey into res: 0 done, -1 when it is not an operation a
 * handshake asks for (why says what): the relay is not to be trusted.
 */
int		 key_sign(EVP_PKEY *, const struct msg_key *req,
		    struct msg_key *res, char *why, size_t len);

#endif /* HS_DAEMON_KEY_STORE_H */
