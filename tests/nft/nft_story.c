/*
 * The layer-3 story (tests/layer3/story.h) against nftables.
 *   nft_story text CONF    the transactions, as text (golden files)
 *   nft_story apply CONF   applied for real, with what the kernel
 *                          holds after each step (run it in a
 *                          network namespace of its own)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef HS_HAVE_NFT
#include "backends/nft/nft.h"
#endif
#include "backends/nft/ruleset.h"
#include "tests/layer3/story.h"

static struct buf	text;
/* The text mode's kernel accepts everything: the maps follow. */
static struct nft_maps	maps[8];
static char		names[8][HS_NAME_MAX];

static struct nft_maps *
maps_of(const char *name)
{
	size_t	i;

	for (i = 0; i < 8 && names[i][0] != '\0'; i++)
		if (strcmp(names[i], name) == 0)
			return &maps[i];
	if (i == 8)
		return NULL;
	(void)snprintf(names[i], sizeof(names[i]), "%s", name);
	return &maps[i];
}

static int
print(int built, struct buf *err)
{
	if (built == 0)
		fputs(buf_str(&text), stdout);
	buf_reset(&text);
	return built;
}

static int
text_flush(void *arg, struct buf *err)
{
	return print(nft_text_flush(&text), err);
}

static int
text_rules_add(void *arg, const struct service_conf *s,
    const struct table_conf *t, struct buf *err)
{
	struct nft_maps	*m = maps_of(s->name);

	if (m == NULL)
		return -1;
	nft_maps_clear(m, true);
	return print(nft_text_rules_add(s, &text, err), err);
}

static int
text_rules_remove(void *arg, const struct service_conf *s, struct buf *err)
{
	return print(nft_text_rules_remove(s, &text), err);
}

static int
text_table_replace(void *arg, const struct service_conf *s,
    const struct l3_table *lt, struct buf *err)
{
	struct nft_maps	*m = maps_of(s->name), next;

	if (m == NULL || print(nft_text_table_replace(s, lt, m, &next, &text,
	    err), err) == -1)
		return -1;
	nft_maps_clear(m, false);
	*m = next;
	return 0;
}

static void
log_line(void *arg, int level, const char *line)
{
	if (strstr(line, "not installed") != NULL)
		printf("refused: %s\n", line);
}

static void
list_table(void *arg)
{
	fflush(stdout);
	if (system("nft list table inet " NFT_TABLE " 2>/dev/null || "
	    "echo '(no table inet " NFT_TABLE ")'") == -1)
		perror("system");
}

int
main(int argc, char *argv[])
{
#ifdef HS_HAVE_NFT
	struct nft_backend	*nb = NULL;
#else
	void			*nb = NULL;
#endif
	struct pfe_io		 io;
	struct buf		 err;
	int			 rv, i;

	if (argc != 3 || (strcmp(argv[1], "text") != 0 &&
	    strcmp(argv[1], "apply") != 0)) {
		fprintf(stderr, "usage: nft_story text|apply CONF\n");
		return 2;
	}
	memset(&io, 0, sizeof(io));
	io.log = log_line;
	buf_init(&text, NFT_TEXT_MAX);
	buf_init(&err, 1024);
	if (strcmp(argv[1], "apply") == 0) {
#ifdef HS_HAVE_NFT
		if ((nb = nft_backend_new(&err)) == NULL) {
			fprintf(stderr, "nft_story: %s\n", buf_str(&err));
			return 1;
		}
		nft_backend_io(nb, &io);
#else
		fprintf(stderr, "nft_story: built without libnftables\n");
		return 1;
#endif
	} else {
		io.l3_init = text_flush;
		io.l3_flush = text_flush;
		io.rules_add = text_rules_add;
		io.rules_remove = text_rules_remove;
		io.table_replace = text_table_replace;
	}
	rv = story_run(argv[2], &io, stdout, nb != NULL ? list_table : NULL,
	    NULL);
#ifdef HS_HAVE_NFT
	nft_backend_free(nb);
#endif
	for (i = 0; i < 8; i++)
		nft_maps_clear(&maps[i], false);
	buf_free(&text);
	buf_free(&err);
	return rv == 0 ? 0 : 1;
}
