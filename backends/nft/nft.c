/* libnftables under the PF engine's layer-3 operations; see nft.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nftables/libnftables.h>

#include "backends/nft/nft.h"
#include "backends/nft/ruleset.h"

/* What a service's maps hold, so that a change names only what changes. */
struct nft_service_maps {
	char		 name[HS_NAME_MAX];
	struct nft_maps	 maps;
};

struct nft_backend {
	struct nft_ctx		*ctx;
	struct buf		 text;		/* the transaction to run */
	struct nft_service_maps	*svc;
	size_t			 nsvc;
};

struct nft_backend *
nft_backend_new(struct buf *err)
{
	struct nft_backend	*nb;

	if ((nb = calloc(1, sizeof(*nb))) == NULL) {
		(void)buf_puts(err, "out of memory");
		return NULL;
	}
	if ((nb->ctx = nft_ctx_new(NFT_CTX_DEFAULT)) == NULL ||
	    nft_ctx_buffer_output(nb->ctx) == -1 ||
	    nft_ctx_buffer_error(nb->ctx) == -1) {
		(void)buf_puts(err, "cannot create an nftables context");
		nft_backend_free(nb);
		return NULL;
	}
	buf_init(&nb->text, NFT_TEXT_MAX);
	return nb;
}

void
nft_backend_free(struct nft_backend *nb)
{
	if (nb == NULL)
		return;
	if (nb->ctx != NULL)
		nft_ctx_free(nb->ctx);
	buf_free(&nb->text);
	while (nb->nsvc > 0)
		nft_maps_clear(&nb->svc[--nb->nsvc].maps, false);
	free(nb->svc);
	free(nb);
}

/*
 * libnftables says "<cmdline>:2:1-35: Error: WHAT" then the command and
 * a marker line: keep WHAT and the command, on one line.
 */
static void
error_line(const char *text, struct buf *err)
{
	const char	*what = strstr(text, "Error: "), *nl, *cmd;
	int		 wlen, clen = 0;

	if (what == NULL) {
		(void)buf_puts(err, "nftables refused the transaction");
		return;
	}
	what += strlen("Error: ");
	nl = strchr(what, '\n');
	wlen = nl != NULL ? (int)(nl - what) : (int)strlen(what);
	if (nl != NULL) {
		cmd = nl + 1;
		clen = (int)strcspn(cmd, "\n");
		(void)buf_printf(err, "%.*s: %.*s", wlen, what, clen, cmd);
	} else
		(void)buf_printf(err, "%.*s", wlen, what);
	if (err->truncated && err->len > 0)
		err->truncated = false;	/* one line, cut: still useful */
}

/* Run text; *out (if not NULL) is what it printed, until the next run. */
static int
run_text(struct nft_backend *nb, const char *text, const char **out,
    struct buf *err)
{
	const char	*o;
	int		 rv;

	rv = nft_run_cmd_from_buffer(nb->ctx, text);
	/* Both buffers accumulate until read. */
	o = nft_ctx_get_output_buffer(nb->ctx);
	if (out != NULL)
		*out = o;
	if (rv != 0) {
		error_line(nft_ctx_get_error_buffer(nb->ctx), err);
		return -1;
	}
	(void)nft_ctx_get_error_buffer(nb->ctx);
	return 0;
}

int
nft_backend_run(struct nft_backend *nb, const char *text, struct buf *err)
{
	return run_text(nb, text, NULL, err);
}

/* Run what was built (built == 0); the text buffer is reused. */
static int
run_built(struct nft_backend *nb, int built, struct buf *err)
{
	int	rv = -1;

	if (built == 0)
		rv = nft_backend_run(nb, buf_str(&nb->text), err);
	buf_reset(&nb->text);
	return rv;
}

/* The service's maps as we left them; NULL if out of memory. */
static struct nft_maps *
maps_of(struct nft_backend *nb, const char *name)
{
	struct nft_service_maps	*v;
	size_t			 i;

	for (i = 0; i < nb->nsvc; i++)
		if (strcmp(nb->svc[i].name, name) == 0)
			return &nb->svc[i].maps;
	if ((v = reallocarray(nb->svc, nb->nsvc + 1, sizeof(*v))) == NULL)
		return NULL;
	nb->svc = v;
	v = &nb->svc[nb->nsvc++];
	memset(v, 0, sizeof(*v));
	(void)snprintf(v->name, sizeof(v->name), "%s", name);
	return &v->maps;
}

int
nft_flush(struct nft_backend *nb, struct buf *err)
{
	int	built = nft_text_flush(&nb->text);
	size_t	i;

	if (built == -1)
		(void)buf_puts(err, "nftables transaction too large");
	if (run_built(nb, built, err) == -1)
		return -1;
	for (i = 0; i < nb->nsvc; i++)
		nft_maps_clear(&nb->svc[i].maps, false);
	return 0;
}

int
nft_rules_add(struct nft_backend *nb, const struct service_conf *s,
    struct buf *err)
{
	struct nft_maps	*m;

	if ((m = maps_of(nb, s->name)) == NULL) {
		(void)buf_puts(err, "out of memory");
		return -1;
	}
	if (run_built(nb, nft_text_rules_add(s, &nb->text, err), err) == -1)
		return -1;
	nft_maps_clear(m, true);	/* empty maps */
	return 0;
}

int
nft_rules_remove(struct nft_backend *nb, const struct service_conf *s,
    struct buf *err)
{
	struct nft_maps	*m;
	int		 built = nft_text_rules_remove(s, &nb->text);

	if (built == -1)
		(void)buf_puts(err, "nftables transaction too large");
	if (run_built(nb, built, err) == -1)
		return -1;
	if ((m = maps_of(nb, s->name)) != NULL)
		nft_maps_clear(m, false);
	return 0;
}

int
nft_table_replace(struct nft_backend *nb, const struct service_conf *s,
    const struct l3_table *lt, struct buf *err)
{
	struct nft_maps	*cur, next;
	int		 built;

	if ((cur = maps_of(nb, s->name)) == NULL) {
		(void)buf_puts(err, "out of memory");
		return -1;
	}
	built = nft_text_table_replace(s, lt, cur, &next, &nb->text, err);
	/* A refused transaction changed nothing: cur still holds. */
	if (run_built(nb, built, err) == -1) {
		nft_maps_clear(&next, false);
		return -1;
	}
	nft_maps_clear(cur, false);
	*cur = next;
	return 0;
}

/*
 * The service's prerouting chain is there, with its redirection rules
 * while its maps hold hosts.  The maps themselves are not listed: at
 * ten thousand hosts that costs more than a change.
 */
int
nft_rules_check(struct nft_backend *nb, const struct service_conf *s,
    struct buf *err)
{
	const struct nft_maps	*m;
	const char		*out = NULL;
	char			 nm[NFT_NAME_MAX];
	int			 rv;

	if ((m = maps_of(nb, s->name)) == NULL) {
		(void)buf_puts(err, "out of memory");
		return -1;
	}
	nft_service_name(s->name, nm, sizeof(nm));
	buf_reset(&nb->text);
	(void)buf_printf(&nb->text, "list chain inet %s %s_pre\n", NFT_TABLE,
	    nm);
	rv = run_text(nb, buf_str(&nb->text), &out, err);
	buf_reset(&nb->text);
	if (rv == -1)
		return -1;
	if (m->fam[0].n + m->fam[1].n > 0 &&
	    (out == NULL || strstr(out, " dnat ") == NULL)) {
		(void)buf_printf(err, "chain %s_pre: no redirection rule", nm);
		return -1;
	}
	return 0;
}

static int
io_check(void *arg, const struct service_conf *s, struct buf *err)
{
	return nft_rules_check(arg, s, err);
}

static int
io_flush(void *arg, struct buf *err)
{
	return nft_flush(arg, err);
}

static int
io_rules_add(void *arg, const struct service_conf *s,
    const struct table_conf *active, struct buf *err)
{
	return nft_rules_add(arg, s, err);
}

static int
io_rules_remove(void *arg, const struct service_conf *s, struct buf *err)
{
	return nft_rules_remove(arg, s, err);
}

static int
io_table_replace(void *arg, const struct service_conf *s,
    const struct l3_table *lt, struct buf *err)
{
	return nft_table_replace(arg, s, lt, err);
}

void
nft_backend_io(struct nft_backend *nb, struct pfe_io *io)
{
	io->l3_arg = nb;
	io->l3_init = io_flush;		/* what a crashed run left goes */
	io->l3_flush = io_flush;
	io->l3_check = io_check;
	io->rules_add = io_rules_add;
	io->rules_remove = io_rules_remove;
	io->table_replace = io_table_replace;
}
