/* libnftables under the PF engine's layer-3 operations; see nft.h. */
#include <stdlib.h>
#include <string.h>

#include <nftables/libnftables.h>

#include "backends/nft/nft.h"
#include "backends/nft/ruleset.h"

struct nft_backend {
	struct nft_ctx	*ctx;
	struct buf	 text;		/* the transaction being built */
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
		err->truncated = false;		/* one line, cut: still useful */
}

int
nft_backend_run(struct nft_backend *nb, const char *text, struct buf *err)
{
	int	rv;

	rv = nft_run_cmd_from_buffer(nb->ctx, text);
	/* Both buffers accumulate until read. */
	(void)nft_ctx_get_output_buffer(nb->ctx);
	if (rv != 0) {
		error_line(nft_ctx_get_error_buffer(nb->ctx), err);
		return -1;
	}
	(void)nft_ctx_get_error_buffer(nb->ctx);
	return 0;
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

int
nft_flush(struct nft_backend *nb, struct buf *err)
{
	int	built = nft_text_flush(&nb->text);

	if (built == -1)
		(void)buf_puts(err, "nftables transaction too large");
	return run_built(nb, built, err);
}

int
nft_rules_add(struct nft_backend *nb, const struct service_conf *s,
    struct buf *err)
{
	return run_built(nb, nft_text_rules_add(s, &nb->text, err), err);
}

int
nft_rules_remove(struct nft_backend *nb, const struct service_conf *s,
    struct buf *err)
{
	int	built = nft_text_rules_remove(s, &nb->text);

	if (built == -1)
		(void)buf_puts(err, "nftables transaction too large");
	return run_built(nb, built, err);
}

int
nft_table_replace(struct nft_backend *nb, const struct service_conf *s,
    const struct l3_table *lt, struct buf *err)
{
	return run_built(nb, nft_text_table_replace(s, lt, &nb->text, err),
	    err);
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
	io->rules_add = io_rules_add;
	io->rules_remove = io_rules_remove;
	io->table_replace = io_table_replace;
}
