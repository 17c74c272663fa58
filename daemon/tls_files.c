#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/msg.h"
#include "core/tls_conf.h"
#include "daemon/fdpass.h"
#include "daemon/log.h"
#include "daemon/tls_files.h"

struct opening {
	struct tls_files	*tf;
	struct buf		*err;
	int			 rv;
};

static void
open_one(struct opening *o, uint8_t kind, const char *path)
{
	struct tls_files	*tf = o->tf;
	struct tls_file_fd	*v;
	size_t			 i;
	int			 fd;

	for (i = 0; i < tf->n; i++)
		if (tf->v[i].kind == kind && strcmp(tf->v[i].path, path) == 0)
			return;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		buf_printf(o->err, "%s: %s\n", path, strerror(errno));
		o->rv = -1;
		return;
	}
	if ((v = reallocarray(tf->v, tf->n + 1, sizeof(*v))) == NULL) {
		close(fd);
		buf_printf(o->err, "%s: out of memory\n", path);
		o->rv = -1;
		return;
	}
	tf->v = v;
	v = &tf->v[tf->n++];
	v->kind = kind;
	(void)snprintf(v->path, sizeof(v->path), "%s", path);
	v->fd = fd;
}

static int
open_pair(void *arg, const struct keypair_conf *kp)
{
	open_one(arg, FILE_CERT, kp->cert);
	open_one(arg, FILE_KEY, kp->key);
	return 0;
}

int
tls_files_open(struct tls_files *tf, const struct config *c,
    struct buf *err)
{
	struct opening		 o = { tf, err, 0 };
	const struct ssl_opts	*so;
	size_t			 i;

	memset(tf, 0, sizeof(*tf));
	(void)config_keypairs(c, open_pair, &o);
	for (i = 0; i < c->nrelays; i++) {
		so = relay_ssl_opts(c, &c->relays[i]);
		if (c->relays[i].forward_tls && so->ca_file[0] != '\0')
			open_one(&o, FILE_CA, so->ca_file);
	}
	if (o.rv == -1)
		tls_files_close(tf);
	return o.rv;
}

int
tls_files_send(const struct tls_files *tf, int sock, bool keys)
{
	struct msg	*m;
	size_t		 i;
	int		 rv = 0;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return -1;
	m->type = MSG_FILE;
	for (i = 0; i < tf->n && rv == 0; i++) {
		if (tf->v[i].kind == (keys ? FILE_CA : FILE_KEY))
			continue;
		m->u.file.kind = tf->v[i].kind;
		memcpy(m->u.file.path, tf->v[i].path, sizeof(m->u.file.path));
		if ((rv = fdpass_send(sock, m, tf->v[i].fd)) == -1)
			log_warn("cannot pass %s", tf->v[i].path);
	}
	free(m);
	return rv;
}

void
tls_files_close(struct tls_files *tf)
{
	size_t	 i;

	for (i = 0; i < tf->n; i++)
		close(tf->v[i].fd);
	free(tf->v);
	tf->v = NULL;
	tf->n = 0;
}
