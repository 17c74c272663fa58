/*
 * Every mistake of the error table, from text in memory: the parse gives
 * no model and reports "e.conf:LINE: ..." with the words a user needs.
 * Errors that need files (includes, binary files, long lines) are in
 * test_check_cmd.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/parse.h"

struct error_case {
	const char	*what;
	const char	*text;
	int		 line;
	const char	*words;
};

#define SVC	"service s {\n virtual host 10.0.0.1 port 80\n table t\n}\n"
#define TBL	"table t {\n check icmp\n host 10.0.0.2\n}\n"

static const struct error_case cases[] = {
	{ "syntax error", "table t {\n host 10.0.0.1 {\n}\n", 2,
	    "syntax error: unexpected '{'" },
	{ "unknown keyword", "intervall 10\n", 1,
	    "unknown keyword 'intervall'" },
	{ "unknown keyword in a block", "table t {\n chek icmp\n}\n", 2,
	    "unknown keyword 'chek'" },
	{ "undefined macro", "table t {\n host $web1\n}\n", 2,
	    "macro 'web1' not defined" },
	{ "undefined macro in a string", "table t {\n check http "
	    "\"/$page\" code 200\n host 10.0.0.1\n}\n", 2,
	    "macro 'page' not defined" },
	{ "undefined table", SVC, 3, "table 't' not defined" },
	{ "undefined backup table", TBL "service s {\n virtual host "
	    "10.0.0.1 port 80\n table t\n backup table sorry\n}\n", 8,
	    "table 'sorry' not defined" },
	{ "undefined protocol", TBL "relay r {\n listen on 127.0.0.1 port 80"
	    "\n protocol web\n table t\n}\n", 7, "protocol 'web' not defined" },
	{ "undefined service", "relay r {\n listen on 127.0.0.1 port 80\n"
	    " service www\n}\n", 3, "service 'www' not defined" },
	{ "duplicate table", TBL TBL, 5, "table t defined twice" },
	{ "duplicate service", TBL SVC SVC, 9, "service s defined twice" },
	{ "duplicate protocol", "protocol p {\n}\nprotocol p {\n}\n", 3,
	    "protocol p defined twice" },
	{ "duplicate relay", "relay r {\n}\nrelay r {\n}\n", 3,
	    "relay r defined twice" },
	{ "table without hosts", "table t {\n check icmp\n}\n" SVC, 6,
	    "table t has no hosts" },
	{ "table without check", "table t {\n host 10.0.0.2\n}\n" SVC, 6,
	    "table t has no check" },
	{ "relative demote file", "demote carp file \"run/carp\"\n", 1,
	    "demote group carp: demote file must be an absolute path: "
	    "run/carp" },
	{ "demote script twice", "demote carp script \"/a\"\n"
	    "demote carp file \"/f\" script \"/b\"\n", 2,
	    "demote group carp: demote script already set" },
	{ "match without tag", TBL "service s {\n virtual host 10.0.0.1 "
	    "port 80\n table t\n match web\n}\n", 8,
	    "syntax error" },
	{ "port 0", "table t {\n real port 0\n}\n", 2, "invalid port 0" },
	{ "port 70000", "table t {\n real port 70000\n}\n", 2,
	    "invalid port 70000" },
	{ "unknown port name", "table t {\n real port gopherx\n}\n", 2,
	    "invalid port gopherx" },
	{ "bad address", "table t {\n check icmp\n host 10.1.1.300\n}\n", 3,
	    "invalid address 10.1.1.300" },
	{ "bad address chars", "table t {\n check icmp\n host a/b\n}\n", 3,
	    "invalid address a/b" },
	{ "unresolvable host", "table t {\n check icmp\n host web.invalid\n"
	    "}\n", 3, "cannot resolve host web.invalid" },
	{ "check http without path", "table t {\n check http code 200\n"
	    " host 10.0.0.1\n}\n", 2, "check http: missing path" },
	{ "check https without code", "table t {\n check https \"/\"\n"
	    " host 10.0.0.1\n}\n", 2, "check https: missing code N or digest" },
	{ "check send without expect", "table t {\n real port 25\n"
	    " check send \"HELO\"\n host 10.0.0.1\n}\n", 3,
	    "check send: missing expect" },
	{ "check script without path", "table t {\n check script\n"
	    " host 10.0.0.1\n}\n", 2, "check script: missing path" },
	{ "check script relative", "table t {\n check script \"x.sh\"\n"
	    " host 10.0.0.1\n}\n", 2, "path x.sh is not absolute" },
	{ "short hex key", TBL "relay r {\n listen on 127.0.0.1 port 80\n"
	    " table t loadbalance 0x0102\n}\n", 7,
	    "hex key must be 128 bits (32 hex digits) long" },
	{ "key with roundrobin", TBL "relay r {\n listen on 127.0.0.1 port 80"
	    "\n table t roundrobin \"k\"\n}\n", 7,
	    "key not supported by mode roundrobin" },
	{ "listener used twice", TBL "relay r {\n listen on 127.0.0.1 port "
	    "80\n table t\n}\nrelay s {\n listen on 127.0.0.1 port 80\n"
	    " table t\n}\n", 10,
	    "relay s: 127.0.0.1 port 80 is already a listener of relay r" },
	{ "sessions 0", "sessions 0\n", 1, "invalid sessions 0" },
	{ "session buffer too small", "protocol p {\n tcp session buffer "
	    "100\n}\n", 2, "invalid session buffer 100" },
	{ "log connection what", "log connection maybe\n", 1,
	    "syntax error: unexpected 'maybe'" },
	{ "check without method", "table t {\n check\n}\n", 2,
	    "check: missing or unknown method" },
	{ "bad digest", "table t {\n check http \"/\" digest \"abc\"\n"
	    " host 10.0.0.1\n}\n", 2, "invalid digest \"abc\"" },
	{ "two checks", "table t {\n check icmp\n check tcp\n}\n", 3,
	    "table t: check already set" },
	{ "invalid pattern", "table t {\n real port 25\n check send \"\" "
	    "expect \"2[0-9\"\n host 10.0.0.1\n}\n", 3,
	    "invalid pattern \"2[0-9\": unterminated [" },
	{ "backup table is itself", TBL "service s {\n virtual host "
	    "10.0.0.1 port 80\n table t\n backup table t\n}\n", 8,
	    "service s: backup table is the main table" },
	{ "timeout 0", "timeout 0\n", 1, "invalid timeout 0 (must be" },
	{ "interval 0", "interval 0\n", 1, "invalid interval 0 (must be" },
	{ "table interval 0", "table t {\n interval 0\n}\n", 2,
	    "invalid interval 0" },
	{ "interval too large", "interval 86401\n", 1,
	    "invalid interval 86401 (must be 1..86400)" },
	{ "prefork too large", "prefork 33\n", 1, "invalid prefork 33" },
	{ "not a number", "retry=x\ntable t {\n host 10.0.0.1 retry $retry\n"
	    "}\n", 3, "invalid retry 'x': not a number" },
	{ "http code out of range", "table t {\n check http \"/\" code 99\n"
	    "}\n", 2, "invalid http code 99" },
	{ "timeout exceeds interval", "interval 1\ntimeout 1000\n", 2,
	    "global timeout exceeds interval (1000ms >= 1s)" },
	{ "table timeout exceeds interval", "table t {\n check icmp\n"
	    " timeout 5000\n interval 5\n host 10.0.0.1\n}\n", 1,
	    "table t: timeout exceeds interval (5000ms >= 5s)" },
	{ "check tcp without port", "table t {\n check tcp\n"
	    " host 10.0.0.1\n}\n", 1, "table t: check tcp needs a port" },
	{ "service without virtual host", TBL "service s {\n table t\n}\n",
	    5, "service s has no virtual host" },
	{ "service without table", "service s {\n virtual host 10.0.0.1 port"
	    " 80\n}\n", 1, "service s has no table" },
	{ "with but not ssl", TBL "relay r {\n listen on 127.0.0.1 port 80"
	    "\n forward with tcp to 10.0.0.1 port 80\n}\n", 7,
	    "with ssl (or tls) expected" },
	{ "keypair name a path", "protocol p {\n tls keypair ../x\n}\n", 2,
	    "invalid keypair name ../x" },
	{ "session what", "protocol p {\n tls session resumption\n}\n", 2,
	    "syntax error" },
	{ "no TLS version", "protocol p {\n tls { no tlsv1.2, no tlsv1.3 }"
	    "\n}\n", 1, "no TLS version left" },
	{ "ecdhe curve unknown", "protocol p {\n tls ecdhe \"X25519,P-224\""
	    "\n}\n", 2, "unknown ecdhe curve 'P-224'" },
	{ "client renegotiation", "protocol p {\n tls client-renegotiation"
	    "\n}\n", 2, "client-renegotiation is not supported" },
	{ "edh params what", "protocol p {\n tls edh params strong\n}\n", 2,
	    "edh params none, auto or legacy expected" },
	{ "relay without listener", TBL "relay r {\n table t\n}\n", 5,
	    "relay r has no listener" },
	{ "relay with two targets", TBL "relay r {\n listen on 127.0.0.1 "
	    "port 80\n forward to 10.0.0.1 port 80\n table t\n}\n", 8,
	    "relay r: more than one target" },
	{ "host twice in a table", "table t {\n check icmp\n host 10.0.0.1\n"
	    " host 10.0.0.2\n host 10.0.0.1 retry 2\n}\n", 5,
	    "host 10.0.0.1 defined twice in table t" },
	{ "port missing", "table t {\n real port\n}\n", 2,
	    "syntax error: port expected before end of line" },
	{ "relay without target", "relay r {\n listen on 127.0.0.1 port 80"
	    "\n}\n", 1, "relay r has no target" },
	{ "unterminated string", "table t {\n check http \"/ code 200\n}\n",
	    2, "unterminated string" },
	{ "unclosed block", "table t {\n check icmp\n", 1,
	    "block not closed" },
	{ "stray brace", "}\n", 1, "syntax error: unexpected '}'" },
	{ "bad protocol type", "protocol p {\n protocol gopher\n}\n", 2,
	    "invalid protocol type gopher" },
	{ "actions need http", "protocol p {\n protocol tcp\n header remove"
	    " \"X\"\n}\n", 1, "actions need protocol http" },
	{ "match in a tcp protocol", TBL "protocol p {\n protocol tcp\n"
	    " match path \"/a/*\" forward to t\n}\n", 7,
	    "protocol p: match rules need protocol http" },
	{ "match to an undefined table", "protocol p {\n protocol http\n"
	    " match host \"a.example\" forward to api\n}\n", 3,
	    "table 'api' not defined" },
	{ "match a response", "protocol p {\n protocol http\n match "
	    "response header \"X\" forward to t\n}\n", 3,
	    "match rules apply to requests only" },
	{ "match nothing", "protocol p {\n protocol http\n match request "
	    "forward to t\n}\n", 3, "syntax error: method, host, header" },
	{ "match without a table", "protocol p {\n protocol http\n match "
	    "path \"/x\"\n}\n", 3,
	    "syntax error: expected 'forward' before end of line" },
	{ "match a bad method", "protocol p {\n protocol http\n match "
	    "method \"GE T\" forward to t\n}\n", 3, "invalid method GE T" },
	{ "match a bad pattern", "protocol p {\n protocol http\n match "
	    "header \"X\" value \"[a\" forward to t\n}\n", 3,
	    "invalid pattern \"[a\": unterminated [" },
	{ "match to a table without hosts", "table e {\n real port 80\n}\n"
	    TBL "protocol p {\n protocol http\n match path \"/e/*\" "
	    "forward to e\n}\nrelay r {\n listen on 127.0.0.1 port 80\n"
	    " protocol p\n table t\n}\n", 10, "table e has no hosts" },
	{ "response cookie action", "protocol p {\n protocol http\n"
	    " response cookie remove \"s\"\n}\n", 3,
	    "cookie actions apply to requests only" },
	{ "response path action", "protocol p {\n protocol http\n"
	    " response path expect \"/*\"\n}\n", 3,
	    "path actions apply to requests only" },
	{ "action on the framing", "protocol p {\n protocol http\n"
	    " header remove \"content-length\"\n}\n", 3,
	    "header content-length frames the message" },
	{ "response hash", "protocol p {\n protocol http\n"
	    " response header hash \"X\"\n}\n", 3,
	    "hash actions apply to requests only" },
	{ "filter with a bad pattern", "protocol p {\n protocol http\n"
	    " header filter \"a[\" from \"X\"\n}\n", 3,
	    "invalid pattern: unterminated [" },
	{ "block status out of range", "protocol p {\n protocol http\n"
	    " header expect \"X\" status 302\n}\n", 3,
	    "invalid status 302" },
	{ "headerlen too large", "protocol p {\n protocol http\n"
	    " http headerlen 200000\n}\n", 3, "invalid headerlen 200000" },
	{ "request line 0", "protocol p {\n protocol http\n"
	    " http { request line 0 }\n}\n", 3, "invalid request line 0" },
	{ "unknown http option", "protocol p {\n protocol http\n"
	    " http { pipelining }\n}\n", 3,
	    "unknown keyword 'pipelining'" },
	{ "relay sessions 0", TBL "relay r {\n listen on 127.0.0.1 port 80"
	    "\n table t\n sessions 0\n}\n", 8, "invalid sessions 0" },
	{ "bad lb mode", TBL "relay r {\n listen on 127.0.0.1 port 80\n"
	    " table t fastest\n}\n", 7, "syntax error: unexpected 'fastest'" },
	{ "include from memory", "include \"other.conf\"\n", 1,
	    "include not allowed here" },
	{ "invalid macro name", "my-macro=1\n", 1,
	    "invalid macro name 'my-macro'" },
	{ "name too long", "table aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaa {\n}\n", 1, "table name too long" },
};

static void
test_error_case(void **state)
{
	const struct parse_opts opts = { .noinclude = true };
	const struct error_case *c = *state;
	struct buf	 errors;
	struct config	*cfg;
	char		 want[64];

	buf_init(&errors, 65536);
	cfg = config_parse_string("e.conf", c->text, strlen(c->text), &opts,
	    &errors, NULL);
	if (cfg != NULL)
		fail_msg("%s: parsed, expected an error", c->what);
	(void)snprintf(want, sizeof(want), "e.conf:%d: ", c->line);
	if (strstr(buf_str(&errors), want) == NULL ||
	    strstr(buf_str(&errors), c->words) == NULL)
		fail_msg("%s: want \"%s%s\", got:\n%s", c->what, want,
		    c->words, buf_str(&errors));
	buf_free(&errors);
}

/* Parsing goes on after an error: every mistake is reported. */
static void
test_every_error_reported(void **state)
{
	const char	*text = "interval 0\ntable t {\n host 10.0.0.300\n"
	    " bogus\n}\nprefork 99\n";
	struct buf	 errors;

	buf_init(&errors, 65536);
	assert_null(config_parse_string("e.conf", text, strlen(text), NULL,
	    &errors, NULL));
	assert_non_null(strstr(buf_str(&errors), "e.conf:1: invalid interval"));
	assert_non_null(strstr(buf_str(&errors), "e.conf:3: invalid address"));
	assert_non_null(strstr(buf_str(&errors), "e.conf:4: unknown keyword"));
	assert_non_null(strstr(buf_str(&errors), "e.conf:6: invalid prefork"));
	buf_free(&errors);
}

/* A syntax error does not hide a reference to a table nothing defines. */
static void
test_undefined_names_after_syntax_error(void **state)
{
	const char	*text = "table t {\n host 10.0.0.1\n check tcp\n"
	    " real port 99999\n}\nservice s {\n virtual host 10.0.0.9 port 80"
	    "\n table nosuch\n}\nrelay r {\n listen on 10.0.0.9 port 81\n"
	    " protocol noproto\n forward to 10.0.0.1 port 80\n}\n";
	struct buf	 errors;

	buf_init(&errors, 65536);
	assert_null(config_parse_string("e.conf", text, strlen(text), NULL,
	    &errors, NULL));
	assert_non_null(strstr(buf_str(&errors), "e.conf:4: invalid port"));
	assert_non_null(strstr(buf_str(&errors),
	    "e.conf:8: table 'nosuch' not defined"));
	assert_non_null(strstr(buf_str(&errors),
	    "e.conf:12: protocol 'noproto' not defined"));
	buf_free(&errors);
}

static size_t
count_lines(const char *s)
{
	size_t	 n = 0;

	for (; (s = strchr(s, '\n')) != NULL; s++)
		n++;
	return n;
}

/*
 * A block missing its '}': one error where it was opened, and what
 * follows is parsed as the declarations it is (its own mistakes too).
 */
static void
test_missing_brace_one_error(void **state)
{
	const char	*text = "table web {\n check icmp\n host 10.0.0.1\n"
	    "\ntable sorry {\n check icmp\n host 10.0.0.2\n}\n"
	    "table other {\n check icmp\n host 10.0.0.3\n}\n"
	    "service www {\n virtual host 10.0.0.9 port 80\n table web\n"
	    " backup table sorry\n}\n";
	const char	*bad_after = "table web {\n check icmp\n host 10.0.0.1"
	    "\n}\nservice www {\n virtual host 10.0.0.9 "
	    "port 80\n table web\nrelay r {\n listen on 10.0.0.9 port 81\n"
	    " forward to 10.0.0.300 port 80\n}\n";
	struct buf	 errors;

	buf_init(&errors, 65536);
	assert_null(config_parse_string("e.conf", text, strlen(text), NULL,
	    &errors, NULL));
	assert_string_equal(buf_str(&errors), "e.conf:1: block not closed: "
	    "missing '}' before line 5\n");
	buf_free(&errors);

	buf_init(&errors, 65536);
	assert_null(config_parse_string("e.conf", bad_after,
	    strlen(bad_after), NULL, &errors, NULL));
	assert_non_null(strstr(buf_str(&errors), "e.conf:5: block not "
	    "closed: missing '}' before line 8\n"));
	assert_non_null(strstr(buf_str(&errors), "e.conf:10: invalid "
	    "address"));
	assert_int_equal(count_lines(buf_str(&errors)), 2);
	buf_free(&errors);
}

/* A -D macro that is not name=value is an error too. */
static void
test_bad_define(void **state)
{
	const char *const defines[] = { "novalue" };
	struct parse_opts opts = { .defines = defines, .ndefines = 1 };
	struct buf	 errors;

	buf_init(&errors, 4096);
	assert_null(config_parse_string("e.conf", "", 0, &opts, &errors,
	    NULL));
	assert_non_null(strstr(buf_str(&errors), "-D: invalid macro "
	    "definition 'novalue'"));
	buf_free(&errors);
}

/* A file full of mistakes: the first PARSE_ERRORS_MAX, then a stop. */
static void
test_error_limit(void **state)
{
	struct buf	 text, errors;
	size_t		 i, lines;

	buf_init(&text, 1 << 20);
	buf_init(&errors, 1 << 20);
	for (i = 0; i < 3 * PARSE_ERRORS_MAX; i++)
		buf_puts(&text, "bogus\n");
	assert_null(config_parse_string("e.conf", buf_str(&text), text.len,
	    NULL, &errors, NULL));
	lines = count_lines(buf_str(&errors));
	assert_int_equal(lines, PARSE_ERRORS_MAX + 1);
	assert_non_null(strstr(buf_str(&errors), "too many errors"));
	buf_free(&text);
	buf_free(&errors);
}

static int
nothing_readable(void *arg, const char *path)
{
	return -1;
}

/* A TLS listener without readable files: the default paths, at its line. */
static void
test_default_certificate(void **state)
{
	const struct parse_opts opts = { .readable = nothing_readable };
	const char	*text = "relay r {\n forward to 10.0.0.1 port 80\n"
	    " listen on 127.0.0.1 port 80\n listen on 127.0.0.2 port 443 ssl\n"
	    "}\n";
	struct buf	 errors;

	buf_init(&errors, 4096);
	assert_null(config_parse_string("e.conf", text, strlen(text), &opts,
	    &errors, NULL));
	assert_non_null(strstr(buf_str(&errors), "e.conf:4: relay r: cannot "
	    "read certificate /etc/ssl/127.0.0.2.crt"));
	assert_non_null(strstr(buf_str(&errors), "e.conf:4: relay r: cannot "
	    "read key /etc/ssl/private/127.0.0.2.key"));
	assert_null(strstr(buf_str(&errors), "127.0.0.1"));
	buf_free(&errors);
}

int
main(void)
{
	struct CMUnitTest tests[sizeof(cases) / sizeof(cases[0]) + 6];
	size_t		  i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&tests[i], 0, sizeof(tests[i]));
		tests[i].name = cases[i].what;
		tests[i].test_func = test_error_case;
		tests[i].initial_state = (void *)&cases[i];
	}
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(
	    test_every_error_reported);
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(
	    test_undefined_names_after_syntax_error);
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(
	    test_missing_brace_one_error);
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_bad_define);
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(test_error_limit);
	tests[i++] = (struct CMUnitTest)cmocka_unit_test(
	    test_default_certificate);
	return _cmocka_run_group_tests("parse_errors", tests, i, NULL, NULL);
}
