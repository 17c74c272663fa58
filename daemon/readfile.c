#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "daemon/readfile.h"

int
readfile_fd(int fd, uint8_t **data, size_t *len)
{
	uint8_t	*buf;
	size_t	 n = 0;
	ssize_t	 r;

	if ((buf = malloc(READFILE_MAX + 1)) == NULL)
		return -1;
	while (n <= READFILE_MAX) {
		r = pread(fd, buf + n, READFILE_MAX + 1 - n, (off_t)n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	if (r == -1 || n > READFILE_MAX) {
		readfile_free(buf, n);
		if (r != -1)
			errno = EFBIG;
		return -1;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}

int
readfile_path(const char *path, uint8_t **data, size_t *len)
{
	int	 fd, rc, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	rc = readfile_fd(fd, data, len);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

void
readfile_free(uint8_t *data, size_t len)
{
	if (data == NULL)
		return;
	OPENSSL_cleanse(data, len);
	free(data);
}
