#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/parse.h"
#include "daemon/config_load.h"
#include "daemon/tls_check.h"

/* resolve_fn for the parser: every address of name, at most max. */
static size_t
resolve_host(void *arg, const char *name, struct hs_addr *out, size_t max)
{
	struct addrinfo	 hints, *res, *ai;
	size_t		 n = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(name, NULL, &hints, &res) != 0)
		return 0;
	for (ai = res; ai != NULL && n < max; ai = ai->ai_next) {
		memset(&out[n], 0, sizeof(out[n]));
		if (ai->ai_family == AF_INET) {
			out[n].family = HS_AF_INET;
			memcpy(out[n].bytes, &((struct sockaddr_in *)
			    (void *)ai->ai_addr)->sin_addr, 4);
			n++;
		} else if (ai->ai_family == AF_INET6) {
			out[n].family = HS_AF_INET6;
			memcpy(out[n].bytes, &((struct sockaddr_in6 *)
			    (void *)ai->ai_addr)->sin6_addr, 16);
			n++;
		}
	}
	freeaddrinfo(res);
	return n;
}

static int
file_readable(void *arg, const char *path)
{
	return access(path, R_OK) == 0 ? 0 : -1;
}

/*
 * What a check of this script would say: it runs as the daemon's user,
 * so an execute bit for someone is the least it needs.
 */
static const char *
script_problem(void *arg, const char *path)
{
	struct stat	 st;

	if (stat(path, &st) == -1)
		return errno == ENOENT || errno == ENOTDIR ? "no such file" :
		    strerror(errno);
	if (!S_ISREG(st.st_mode))
		return "not a regular file";
	if ((st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) == 0)
		return "not executable";
	return NULL;
}

/* -n alone reads keys: no relay process starts from its memory. */
struct config *
config_load(const char *file, const char *const *defines, size_t ndefines,
    struct buf *errors, struct buf *notes, struct buf *warnings)
{
	static const struct tls_check	 keys_too = { .keys = true };
	struct parse_opts		 opts;

	memset(&opts, 0, sizeof(opts));
	opts.resolve = resolve_host;
	opts.defines = defines;
	opts.ndefines = ndefines;
	opts.readable = file_readable;
	opts.script_problem = script_problem;
	opts.warnings = warnings;
	opts.readable_arg = (void *)&keys_too;
	opts.tls_files = tls_check_files;
	opts.tls_ciphers = tls_check_ciphers;
	return config_parse(file, &opts, errors, notes);
}

static void
warn_line(void *arg, const char *line)
{
	fprintf(arg, "warning: %s\n", line);
}

int
config_check(const char *file, const char *const *defines, size_t ndefines,
    bool verbose, FILE *out, FILE *err)
{
	struct buf	 errors, notes, warnings, text;
	struct config	*cfg;

	buf_init(&errors, CONFIG_ERRORS_MAX);
	buf_init(&notes, CONFIG_ERRORS_MAX);
	buf_init(&warnings, CONFIG_ERRORS_MAX);
	buf_init(&text, 64 * 1024 * 1024);
	cfg = config_load(file, defines, ndefines, &errors, &notes, &warnings);
	fputs(buf_str(&errors), err);
	fputs(buf_str(&warnings), err);
	if (cfg != NULL)
		tls_check_key_modes(cfg, warn_line, err);
	if (cfg != NULL && verbose) {
		config_print(cfg, &text);
		fputs(buf_str(&text), out);
		fputs(buf_str(&notes), err);
	}
	if (cfg != NULL)
		fputs("configuration OK\n", out);
	config_free(cfg);
	buf_free(&errors);
	buf_free(&notes);
	buf_free(&warnings);
	buf_free(&text);
	return cfg != NULL ? 0 : 1;
}
