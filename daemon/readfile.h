/* Reading a whole file from a descriptor, bounded (certificates, keys). */
#ifndef HS_DAEMON_READFILE_H
#define HS_DAEMON_READFILE_H

#include <stddef.h>
#include <stdint.h>

#define READFILE_MAX	(1024 * 1024)

/*
 * Read fd from offset 0 (pread: a descriptor shared with another
 * process keeps its offset) into *data (NUL-terminated, *len bytes).
 * -1 with errno set; EFBIG beyond READFILE_MAX.
 */
int	 readfile_fd(int fd, uint8_t **data, size_t *len);
int	 readfile_path(const char *path, uint8_t **data, size_t *len);
/* Wipe and free: what was read may be a private key. */
void	 readfile_free(uint8_t *data, size_t len);

#endif /* HS_DAEMON_READFILE_H */
