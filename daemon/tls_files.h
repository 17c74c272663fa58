/*
 * The TLS files of a configuration, opened by the parent (which may
 * read /etc/ssl/private) and passed as descriptors: certificates and
 * CA files to the relay processes, certificates and keys to the key
 * process.  The parent itself never reads a key.
 */
#ifndef HS_DAEMON_TLS_FILES_H
#define HS_DAEMON_TLS_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/config.h"

struct tls_file_fd {
	uint8_t		 kind;		/* enum file_kind */
	char		 path[HS_PATH_MAX];
	int		 fd;
};

struct tls_files {
	struct tls_file_fd *v;
	size_t		 n;
};

/* Open every file cfg's TLS needs, once each: -1 with lines in err. */
int	 tls_files_open(struct tls_files *, const struct config *,
	    struct buf *err);
/* Pass them: keys == false, to a relay; true, to the key process. */
int	 tls_files_send(const struct tls_files *, int sock, bool keys);
void	 tls_files_close(struct tls_files *);

#endif /* HS_DAEMON_TLS_FILES_H */
