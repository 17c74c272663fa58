/*
 * The lexer of the configuration language: tokens with their file and
 * line, macro expansion, an include stack, and the checks a file must
 * pass before it is read at all (text only, bounded lines).
 */
#ifndef HS_LEX_H
#define HS_LEX_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/parse.h"

#define LEX_TOKEN_MAX	PARSE_LINE_MAX	/* a token never spans more */
#define LEX_FILE_MAX	(16 * 1024 * 1024)	/* bigger files are refused */
#define LEX_MACRO_DEPTH	16	/* a macro value naming a macro ... */

enum tok_type {
	TOK_EOF = 0,
	TOK_NL,			/* end of a statement */
	TOK_WORD,		/* unquoted: keyword, name, number, address */
	TOK_STRING,		/* quoted, backslash escapes kept as written */
	TOK_LBRACE,
	TOK_RBRACE,
	TOK_COMMA,
	TOK_EQUAL,
	TOK_ERROR,		/* already reported; the parser resynchronises */
};

/* Keywords, in the order of the sorted table in lex.c. */
enum keyword {
	KW_NONE = 0,
	KW_ALL, KW_APPEND, KW_BACKLOG, KW_BACKUP, KW_BUFFER, KW_CA, KW_CACHE,
	KW_CERTIFICATE, KW_CHANGE, KW_CHECK, KW_CHROOT, KW_CHUNK, KW_CIPHERS,
	KW_CODE, KW_CONNECTION, KW_COOKIE, KW_DEMOTE, KW_DIGEST, KW_DISABLE,
	KW_DNS, KW_ERRORS, KW_EXPECT, KW_FILE,
	KW_FILTER, KW_FORWARD, KW_FROM, KW_HASH, KW_HEADER, KW_HEADERLEN,
	KW_HEADERS, KW_HOST, KW_HTTP, KW_HTTPS, KW_ICMP, KW_INCLUDE,
	KW_INTERFACE, KW_INTERVAL, KW_IP, KW_KEEPALIVE, KW_KEY, KW_KEYPAIR,
	KW_LEAST_STATES, KW_LINE, KW_LISTEN, KW_LOADBALANCE, KW_LOG,
	KW_MATCH, KW_METHOD, KW_METRICS,
	KW_MINTTL, KW_NO, KW_NODELAY, KW_ON, KW_PATH, KW_PORT, KW_PREFORK,
	KW_PROTOCOL, KW_RANDOM, KW_REAL, KW_RELAY, KW_REMOVE, KW_REQUEST,
	KW_RESPONSE, KW_RETRY, KW_ROUNDROBIN, KW_SACK, KW_SCRIPT, KW_SEND,
	KW_SERVICE, KW_SESSION, KW_SESSIONS, KW_SOCKET, KW_SOURCE_HASH,
	KW_SPLICE,
	KW_SSL, KW_SSLV2, KW_SSLV3, KW_STATUS, KW_STICKY_ADDRESS, KW_TABLE,
	KW_TAG, KW_TCP, KW_TICKETS, KW_TIMEOUT, KW_TLS, KW_TLSV1, KW_TLSV1_2,
	KW_TLSV1_3, KW_TO, KW_TRAILERLEN, KW_TTL, KW_UPDATES, KW_URL,
	KW_USER, KW_VALUE, KW_VIRTUAL, KW_WEBSOCKETS, KW_WEIGHT, KW_WITH,
	KW_MAX
};

struct token {
	enum tok_type	 type;
	enum keyword	 kw;		/* TOK_WORD only */
	const char	*file;		/* valid for the whole parse */
	int		 line;
	char		 text[LEX_TOKEN_MAX + 1];
	size_t		 len;
};

struct lex_src;
struct lex_macro;

struct lex {
	struct lex_src	*src;		/* innermost input: file, include, macro */
	int		 depth;		/* files open */
	struct lex_macro *macros;
	char		**names;	/* every file name, freed at the end */
	size_t		 nnames;
	bool		 noinclude;
	struct buf	*errors;
	size_t		 nerrors;
	struct token	 tok;		/* the current token */
};

void	 lex_init(struct lex *, struct buf *errors, bool noinclude);
void	 lex_free(struct lex *);
/*
 * Push a file (read from disk) or a text in memory; incfile/incline name
 * the include statement, or NULL/0 for the top file.  Returns -1 after
 * reporting an error.
 */
int	 lex_push_file(struct lex *, const char *path, const char *incfile,
	    int incline);
int	 lex_push_text(struct lex *, const char *name, const char *text,
	    size_t len);
/* Advance to the next token, into lx->tok. */
void	 lex_next(struct lex *);
/*
 * True when the current token starts its line in a file and the line
 * ends with '{': "table web {" where a block statement was expected
 * means the block before it lacks its '}'.
 */
bool	 lex_line_opens_block(const struct lex *);

/* Macros: persistent ones (-D) cannot be redefined by the file. */
int	 lex_macro_set(struct lex *, const char *name, const char *value,
	    bool persistent, const char *file, int line);
void	 lex_macro_notes(struct lex *, struct buf *notes);
bool	 lex_macro_name_ok(const char *);

/* Report "FILE:LINE: message"; line 0 leaves it out. */
void	 lex_error(struct lex *, const char *file, int line,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
enum keyword lex_keyword(const char *);
/* $HOST, $REMOTE_ADDR ...: names the relay expands at run time. */
bool	 lex_runtime_var(const char *name, size_t len);
const char *lex_keyword_text(enum keyword);

#endif /* HS_LEX_H */
