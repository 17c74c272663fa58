/*
 * libFuzzer target for the configuration parser: any bytes must give a
 * model or errors, never a crash or a leak; a model printed and parsed
 * again must print the same.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/parse.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
round_trip(const struct config *cfg, const struct parse_opts *opts)
{
	struct buf	 text1, text2, errors;
	struct config	*again;

	buf_init(&text1, 1 << 24);
	buf_init(&text2, 1 << 24);
	buf_init(&errors, 1 << 16);
	config_print(cfg, &text1);
	again = config_parse_string("printed", buf_str(&text1), text1.len,
	    opts, &errors, NULL);
	if (again == NULL) {
		fprintf(stderr, "printed text does not parse:\n%s\n%s",
		    buf_str(&errors), buf_str(&text1));
		abort();
	}
	config_print(again, &text2);
	if (strcmp(buf_str(&text1), buf_str(&text2)) != 0) {
		fprintf(stderr, "print differs:\n%s\n----\n%s",
		    buf_str(&text1), buf_str(&text2));
		abort();
	}
	config_free(again);
	buf_free(&text1);
	buf_free(&text2);
	buf_free(&errors);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct parse_opts opts = { .noinclude = true };
	struct buf	 errors, notes;
	struct config	*cfg;

	buf_init(&errors, 1 << 16);
	buf_init(&notes, 1 << 16);
	cfg = config_parse_string("fuzz", (const char *)data, size, &opts,
	    &errors, &notes);
	if (cfg != NULL) {
		round_trip(cfg, &opts);
		config_free(cfg);
	}
	buf_free(&errors);
	buf_free(&notes);
	return 0;
}
