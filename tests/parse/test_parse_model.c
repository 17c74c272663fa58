/*
 * The model the parser builds from the seed's samples: ids, per-port
 * copies, inherited timing, and the canonical text round trip.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/lex.h"
#include "core/parse.h"
#include "core/tls_conf.h"
#include "tests/parse/config_compare.h"

static const char *const examples[] = {
	"hoststated.conf", "backup.conf", "maintenance.conf", "relay.conf",
	"full.conf",
};

static struct config *
load(const char *name, struct buf *notes)
{
	char		 path[1024];
	struct buf	 errors;
	struct config	*cfg;

	(void)snprintf(path, sizeof(path), "%s/%s", EXAMPLES_DIR, name);
	buf_init(&errors, 65536);
	cfg = config_parse(path, NULL, &errors, notes);
	if (cfg == NULL)
		fail_msg("%s: %s", name, buf_str(&errors));
	buf_free(&errors);
	return cfg;
}

static struct config *
parse_text(const char *text, struct buf *errors, struct buf *notes)
{
	return config_parse_string("test.conf", text, strlen(text), NULL,
	    errors, notes);
}

static void
assert_table(const struct config *c, uint32_t id, const char *name,
    size_t nhosts, const uint32_t *hosts)
{
	const struct table_conf	*t = config_table(c, id);
	size_t			 i;

	assert_non_null(t);
	assert_int_equal(t->id, id);
	assert_string_equal(t->name, name);
	assert_int_equal(t->nhosts, nhosts);
	for (i = 0; i < nhosts; i++) {
		assert_int_equal(t->host_ids[i], hosts[i]);
		assert_int_equal(c->hosts[hosts[i]].id, hosts[i]);
		assert_int_equal(c->hosts[hosts[i]].table_id, id);
	}
}

static void
test_initial_config(void **state)
{
	struct config	*c = load("hoststated.conf", NULL);
	const uint32_t	 web[] = { 0, 1 };

	assert_int_equal(c->ntables, 1);
	assert_table(c, 0, "webhosts", 2, web);
	assert_true(config_table_live(&c->tables[0]));
	assert_int_equal(c->tables[0].port, 80);
	assert_true(c->tables[0].real_port);
	assert_int_equal(c->tables[0].check.type, CHECK_HTTP_CODE);
	assert_int_equal(c->tables[0].check.code, 200);
	assert_string_equal(c->hosts[0].name, "10.1.1.100");
	assert_string_equal(c->hosts[1].name, "10.1.1.101");
	assert_int_equal(c->nservices, 1);
	assert_string_equal(c->services[0].name, "www");
	assert_int_equal(c->services[0].table_id, 0);
	assert_int_equal(c->services[0].backup_id, HS_ID_NONE);
	assert_string_equal(c->services[0].virts[0].name, "81.81.81.81");
	assert_int_equal(c->services[0].virts[0].port, 80);
	assert_string_equal(c->services[0].virts[0].ifname, "trunk0");
	config_free(c);
}

/* The seed's second summary: sorry_server:80 is table 2, host 3. */
static void
test_backup_ids(void **state)
{
	struct config	*c = load("backup.conf", NULL);
	const uint32_t	 web[] = { 0, 1 }, sorry[] = { 2 }, copy[] = { 3 };

	assert_int_equal(c->ntables, 3);
	assert_int_equal(c->nhosts, 4);
	assert_table(c, 0, "webhosts", 2, web);
	assert_table(c, 1, "sorry_server", 1, sorry);
	assert_table(c, 2, "sorry_server:80", 1, copy);
	assert_false(c->tables[0].template);
	assert_true(c->tables[1].template);
	assert_false(config_table_live(&c->tables[1]));
	assert_int_equal(c->tables[2].copy_of, 1);
	assert_int_equal(c->tables[2].port, 80);
	assert_false(c->tables[2].real_port);
	assert_int_equal(c->tables[2].check.type, CHECK_ICMP);
	assert_string_equal(c->hosts[3].name, "127.0.0.1");
	assert_int_equal(c->services[0].table_id, 0);
	assert_int_equal(c->services[0].backup_id, 2);
	config_free(c);
}

/* The seed's third summary: webhosts:80 is table 2, sorry_server:80 3. */
static void
test_maintenance_ids(void **state)
{
	struct config	*c = load("maintenance.conf", NULL);
	const uint32_t	 web[] = { 0, 1 }, sorry[] = { 2 };
	const uint32_t	 webcopy[] = { 3, 4 }, sorrycopy[] = { 5 };

	assert_int_equal(c->ntables, 4);
	assert_int_equal(c->nhosts, 6);
	assert_table(c, 0, "webhosts", 2, web);
	assert_table(c, 1, "sorry_server", 1, sorry);
	assert_table(c, 2, "webhosts:80", 2, webcopy);
	assert_table(c, 3, "sorry_server:80", 1, sorrycopy);
	assert_true(c->tables[0].template);
	assert_true(c->tables[1].template);
	assert_int_equal(c->services[0].table_id, 2);
	assert_int_equal(c->services[0].backup_id, 3);
	assert_ptr_equal(config_table_by_name(c, "webhosts:80"),
	    &c->tables[2]);
	assert_ptr_equal(config_service_by_name(c, "www"), &c->services[0]);
	config_free(c);
}

static void
test_relay_sample(void **state)
{
	struct config		*c = load("relay.conf", NULL);
	const struct protocol_conf *pr;
	const uint32_t		 copy[] = { 2, 3 };

	assert_int_equal(c->nrelays, 1);
	assert_table(c, 1, "webhosts:80", 2, copy);
	assert_int_equal(c->relays[0].table_id, 1);
	assert_int_equal(c->relays[0].mode, LB_LOADBALANCE);
	assert_int_equal(c->relays[0].protocol_id, 0);
	assert_int_equal(c->relays[0].listens[0].port, 80);
	assert_false(c->relays[0].listens[0].ssl);
	pr = &c->protocols[0];
	assert_string_equal(pr->name, "http");
	assert_int_equal(pr->type, PROTO_HTTP);
	assert_int_equal(pr->nactions, 3);
	assert_int_equal(pr->actions[0].op, ACTION_APPEND);
	assert_string_equal(pr->actions[0].value, "$REMOTE_ADDR");
	assert_string_equal(pr->actions[0].key, "X-Forwarded-For");
	assert_string_equal(pr->actions[1].value,
	    "$SERVER_ADDR:$SERVER_PORT");
	assert_int_equal(pr->actions[2].op, ACTION_CHANGE);
	assert_string_equal(pr->actions[2].key, "Connection");
	assert_string_equal(pr->actions[2].value, "close");
	config_free(c);
}

/* print(parse(print(x))) == print(x), and the models are equal. */
/* The TLS grammar, relayd's spellings too, and its printed form. */
static void
test_tls_options(void **state)
{
	const char	*text = "table web {\n real port 443\n"
	    " host 10.0.0.1\n}\n"
	    "protocol p {\n tls { ciphers \"ECDHE-ECDSA-AES128-GCM-SHA256\","
	    " no tlsv1.3, session tickets, session cache 100,\n"
	    "  ca file \"/etc/ssl/ca.pem\" }\n"
	    " tls keypair a.test\n"
	    " ssl keypair b certificate \"/b.crt\" key \"/b.key\"\n}\n"
	    "protocol q {\n ssl { session cache disable, no session tickets }"
	    "\n ssl { ecdhe \"X25519,P-384\", edh params legacy }\n"
	    " tls { no cipher-server-preference, no client-renegotiation,"
	    " no tlsv1.0, tlsv1.1 }\n}\n"
	    "relay r {\n listen on 127.0.0.1 port 443 tls\n protocol p\n"
	    " forward with tls to <web> port 8443 roundrobin\n}\n"
	    "relay s {\n listen on 127.0.0.1 port 444\n protocol q\n"
	    " forward with ssl to 10.0.0.2 port 443\n}\n"
	    "relay t {\n listen on 127.0.0.1 port 445\n"
	    " table web retry 1 with ssl\n}\n";
	struct buf		 errors, printed;
	struct config		*c, *d;
	const struct ssl_opts	*o;
	char			 why[256];

	buf_init(&errors, 4096);
	buf_init(&printed, 65536);
	c = parse_text(text, &errors, NULL);
	if (c == NULL)
		fail_msg("%s", buf_str(&errors));
	o = &c->protocols[0].ssl;
	assert_string_equal(o->ciphers, "ECDHE-ECDSA-AES128-GCM-SHA256");
	assert_true(o->tickets);
	assert_int_equal(o->session_cache, 100);
	assert_string_equal(o->ca_file, "/etc/ssl/ca.pem");
	assert_int_equal(ssl_versions(o), TLS_V12);
	assert_int_equal(o->nkeypairs, 2);
	assert_string_equal(o->keypairs[0].cert, "/etc/ssl/a.test.crt");
	assert_string_equal(o->keypairs[0].key, "/etc/ssl/private/a.test.key");
	assert_string_equal(o->keypairs[1].key, "/b.key");
	assert_string_equal(o->ecdhe, "");
	assert_int_equal(o->edh, SSL_EDH_NONE);
	assert_false(o->client_order);
	o = &c->protocols[1].ssl;
	assert_false(o->tickets);
	assert_int_equal(o->session_cache, SSL_CACHE_DISABLED);
	assert_string_equal(o->ecdhe, "X25519,P-384");
	assert_int_equal(o->edh, SSL_EDH_LEGACY);
	assert_true(o->client_order);
	assert_int_equal(ssl_versions(o), TLS_V12 | TLS_V13);
	assert_true(c->relays[0].listens[0].ssl);
	assert_true(c->relays[0].forward_tls);
	assert_false(c->relays[0].has_forward);
	assert_int_equal(c->relays[0].mode, LB_ROUNDROBIN);
	assert_int_equal(strncmp(c->tables[c->relays[0].table_id].name,
	    "web", 3), 0);
	assert_true(c->relays[1].forward_tls && c->relays[1].has_forward);
	assert_true(c->relays[2].forward_tls);
	assert_int_equal(c->relays[2].retry, 1);
	config_print(c, &printed);
	d = config_parse_string("printed", buf_str(&printed), printed.len,
	    NULL, &errors, NULL);
	if (d == NULL)
		fail_msg("%s\n%s", buf_str(&errors), buf_str(&printed));
	if (config_compare(c, d, why, sizeof(why)) != 0)
		fail_msg("%s", why);
	config_free(c);
	config_free(d);
	buf_free(&errors);
	buf_free(&printed);
}

static void
test_round_trip(void **state)
{
	struct buf	 text1, text2, errors;
	struct config	*a, *b;
	char		 why[256];
	size_t		 i;

	for (i = 0; i < sizeof(examples) / sizeof(examples[0]); i++) {
		buf_init(&text1, 1 << 20);
		buf_init(&text2, 1 << 20);
		buf_init(&errors, 65536);
		a = load(examples[i], NULL);
		config_print(a, &text1);
		b = config_parse_string("printed", buf_str(&text1), text1.len,
		    NULL, &errors, NULL);
		if (b == NULL)
			fail_msg("%s: printed text does not parse: %s\n%s",
			    examples[i], buf_str(&errors), buf_str(&text1));
		if (config_compare(a, b, why, sizeof(why)) != 0)
			fail_msg("%s: %s", examples[i], why);
		config_print(b, &text2);
		assert_string_equal(buf_str(&text1), buf_str(&text2));
		config_free(a);
		config_free(b);
		buf_free(&text1);
		buf_free(&text2);
		buf_free(&errors);
	}
}

static void
test_unused_table_is_live(void **state)
{
	struct buf	 errors, notes;
	struct config	*c;

	buf_init(&errors, 4096);
	buf_init(&notes, 4096);
	c = parse_text("interval 30\n"
	    "table mon {\n\tcheck http \"/\" code 200\n\thost 10.0.0.1\n}\n"
	    "table tls {\n\tcheck https \"/\" code 200\n\thost 10.0.0.2\n}\n",
	    &errors, &notes);
	assert_non_null(c);
	assert_true(config_table_live(&c->tables[0]));
	assert_string_equal(c->tables[0].name, "mon");
	assert_int_equal(c->tables[0].port, 80);
	assert_int_equal(c->tables[1].port, 443);
	assert_int_equal(c->tables[0].interval_s, 30);
	assert_int_equal(c->tables[0].timeout_ms, HS_TIMEOUT_DEFAULT);
	assert_non_null(strstr(buf_str(&notes), "test.conf:2: note: table "
	    "mon is not used by any service or relay"));
	config_free(c);
	buf_free(&errors);
	buf_free(&notes);
}

static void
test_globals_defaults(void **state)
{
	struct buf	 errors;
	struct config	*c;

	buf_init(&errors, 4096);
	c = parse_text("", &errors, NULL);
	assert_non_null(c);
	assert_int_equal(c->interval_s, 10);
	assert_int_equal(c->timeout_ms, 200);
	assert_int_equal(c->prefork, 5);
	assert_int_equal(c->log, LOG_UPDATES);
	assert_string_equal(c->user, HS_USER_DEFAULT);
	assert_string_equal(c->socket, HS_SOCKET_DEFAULT);
	config_free(c);
	c = parse_text("interval 20\ntimeout 1500\nprefork 8\nlog all\n"
	    "demote carp\nuser nobody\nchroot \"/tmp\"\nsocket \"/s\"\n",
	    &errors, NULL);
	assert_non_null(c);
	assert_int_equal(c->interval_s, 20);
	assert_int_equal(c->timeout_ms, 1500);
	assert_int_equal(c->prefork, 8);
	assert_int_equal(c->log, LOG_ALL);
	assert_string_equal(c->demote, "carp");
	assert_string_equal(c->user, "nobody");
	assert_string_equal(c->chroot, "/tmp");
	assert_string_equal(c->socket, "/s");
	config_free(c);
	buf_free(&errors);
}

/*
 * demote GROUP alone names the global group; with file or script it
 * says where the group's counter goes, and the group is not global.
 */
static void
test_demote_file_and_script(void **state)
{
	struct buf		 errors;
	struct config		*c;
	const struct demote_conf *d;

	buf_init(&errors, 4096);
	c = parse_text("demote carp\ndemote carp file \"/run/hs/carp\"\n"
	    "demote vrrp file \"/run/hs/vrrp\" script \"/etc/hs/vrrp.sh\"\n",
	    &errors, NULL);
	assert_non_null(c);
	assert_string_equal(c->demote, "carp");
	assert_int_equal(c->ndemotes, 2);
	d = config_demote(c, "carp");
	assert_non_null(d);
	assert_string_equal(d->file, "/run/hs/carp");
	assert_string_equal(d->script, "");
	d = config_demote(c, "vrrp");
	assert_non_null(d);
	assert_string_equal(d->file, "/run/hs/vrrp");
	assert_string_equal(d->script, "/etc/hs/vrrp.sh");
	assert_null(config_demote(c, "other"));
	config_free(c);
	c = parse_text("demote vrrp script \"/x\"\n", &errors, NULL);
	assert_non_null(c);
	assert_string_equal(c->demote, "");
	config_free(c);
	buf_free(&errors);
}

/* Tables inherit the timing in effect at the end of the file. */
static void
test_table_timing(void **state)
{
	struct buf	 errors;
	struct config	*c;

	buf_init(&errors, 4096);
	c = parse_text("table a {\n\tcheck icmp\n\thost 10.0.0.1\n}\n"
	    "table b {\n\tcheck icmp\n\ttimeout 700\n\tinterval 3\n"
	    "\thost 10.0.0.2\n}\ninterval 5\ntimeout 900\n", &errors, NULL);
	assert_non_null(c);
	assert_int_equal(c->tables[0].interval_s, 5);
	assert_int_equal(c->tables[0].timeout_ms, 900);
	assert_int_equal(c->tables[1].interval_s, 3);
	assert_int_equal(c->tables[1].timeout_ms, 700);
	config_free(c);
	buf_free(&errors);
}

static void
test_checks(void **state)
{
	struct buf	 errors;
	struct config	*c;

	buf_init(&errors, 4096);
	c = parse_text("table a {\n real port 25\n"
	    " check send \"HELO x\\r\\n\" expect \"250*\" ssl\n host ::1\n}\n"
	    "table b {\n check http \"/i\" host www.example.org digest "
	    "\"ABCDEF0123456789abcdef0123456789\"\n host 10.0.0.2\n}\n"
	    "table c {\n check script \"/bin/true\"\n host 10.0.0.3\n}\n",
	    &errors, NULL);
	if (c == NULL)
		fail_msg("%s", buf_str(&errors));
	assert_int_equal(c->tables[0].check.type, CHECK_SEND_EXPECT);
	assert_string_equal(c->tables[0].check.send, "HELO x\r\n");
	assert_string_equal(c->tables[0].check.expect, "250*");
	assert_true(c->tables[0].check.tls);
	assert_int_equal(c->hosts[0].addr.family, HS_AF_INET6);
	assert_int_equal(c->tables[1].check.type, CHECK_HTTP_DIGEST);
	assert_int_equal(c->tables[1].check.digest_type, DIGEST_MD5);
	assert_string_equal(c->tables[1].check.digest,
	    "abcdef0123456789abcdef0123456789");
	assert_string_equal(c->tables[1].check.host, "www.example.org");
	assert_int_equal(c->tables[2].check.type, CHECK_SCRIPT);
	assert_string_equal(c->tables[2].check.path, "/bin/true");
	assert_string_equal(check_type_name(CHECK_TLS, true), "ssl");
	config_free(c);
	buf_free(&errors);
}

static void
test_macros(void **state)
{
	const char *const defines[] = { "port=8080", "net=10.9.9" };
	struct parse_opts opts = { .defines = defines, .ndefines = 2 };
	struct buf	 errors, notes;
	struct config	*c;
	const char	*text = "net=10.1.1\nport=80\nunused=1\n"
	    "path=\"/status\"\n"
	    "table t {\n real port $port\n check http \"$path\" code 200\n"
	    " host $net.5\n}\n";

	buf_init(&errors, 4096);
	buf_init(&notes, 4096);
	c = config_parse_string("m.conf", text, strlen(text), &opts, &errors,
	    &notes);
	if (c == NULL)
		fail_msg("%s", buf_str(&errors));
	assert_int_equal(c->tables[0].port, 8080);
	assert_string_equal(c->hosts[0].name, "10.9.9.5");
	assert_string_equal(c->tables[0].check.path, "/status");
	assert_non_null(strstr(buf_str(&notes),
	    "m.conf:3: note: macro unused is not used"));
	config_free(c);
	buf_free(&errors);
	buf_free(&notes);
}

static size_t
fake_resolve(void *arg, const char *name, struct hs_addr *out, size_t max)
{
	if (strcmp(name, "multi.example") != 0 || max < 2)
		return 0;
	(void)addr_parse("192.0.2.7", &out[0]);
	(void)addr_parse("192.0.2.8", &out[1]);
	return 2;
}

static void
test_resolver_first_address(void **state)
{
	struct parse_opts opts = { .resolve = fake_resolve };
	struct buf	 errors;
	struct config	*c;
	char		 a[HS_ADDRSTR_MAX];
	const char	*text = "table t {\n check icmp\n host multi.example\n}\n";

	buf_init(&errors, 4096);
	c = config_parse_string("r.conf", text, strlen(text), &opts, &errors,
	    NULL);
	assert_non_null(c);
	assert_string_equal(c->hosts[0].name, "multi.example");
	assert_string_equal(addr_fmt(&c->hosts[0].addr, a, sizeof(a)),
	    "192.0.2.7");
	config_free(c);
	buf_free(&errors);
}

/* Two references with the same template and port share one copy. */
static void
test_shared_copy(void **state)
{
	struct buf	 errors;
	struct config	*c;
	const char	*text = "table t {\n check tcp\n host 10.0.0.1\n}\n"
	    "service a {\n virtual host 10.1.0.1 port 80\n table t\n}\n"
	    "service b {\n virtual host 10.1.0.2 port 80\n table t\n}\n"
	    "service c {\n virtual host 10.1.0.3 port 443\n table t\n}\n"
	    "relay r {\n listen on 127.0.0.1 port 8080\n table t port 80 "
	    "roundrobin\n}\n";

	buf_init(&errors, 4096);
	c = parse_text(text, &errors, NULL);
	if (c == NULL)
		fail_msg("%s", buf_str(&errors));
	assert_int_equal(c->ntables, 3);
	assert_string_equal(c->tables[1].name, "t:80");
	assert_string_equal(c->tables[2].name, "t:443");
	assert_int_equal(c->services[0].table_id, 1);
	assert_int_equal(c->services[1].table_id, 1);
	assert_int_equal(c->services[2].table_id, 2);
	assert_int_equal(c->relays[0].table_id, 1);
	assert_int_equal(c->relays[0].mode, LB_ROUNDROBIN);
	config_free(c);
	buf_free(&errors);
}

static void
test_host_map(void **state)
{
	struct config	*old = load("backup.conf", NULL);
	struct config	*new = load("maintenance.conf", NULL);
	uint32_t	*map = config_host_map(old, new);

	assert_non_null(map);
	/* webhosts (template now) keeps the declared hosts 0 and 1 */
	assert_int_equal(map[0], 0);
	assert_int_equal(map[1], 1);
	/* webhosts:80 did not exist before */
	assert_int_equal(map[3], HS_ID_NONE);
	/* sorry_server:80 host 5 was host 3 */
	assert_int_equal(map[5], 3);
	free(map);
	config_free(old);
	config_free(new);
}

/* Quotes, backslashes, dollars and escapes survive print and parse. */
static void
test_round_trip_strings(void **state)
{
	const char	*text = "protocol \"odd name\" {\n protocol http\n"
	    " header append \"a \\\"q\\\" \\\\ \\$x $HOST\" to \"K\"\n"
	    " request cookie expect 'single \\' quote' from \"c\"\n}\n"
	    "table t {\n real port 7\n check send \"a\\tb\\r\\n\\\\\" "
	    "expect \"\\[x]*\"\n host 10.0.0.1\n}\n";
	struct buf	 errors, text1, text2;
	struct config	*a, *b;
	char		 why[256];

	buf_init(&errors, 4096);
	buf_init(&text1, 65536);
	buf_init(&text2, 65536);
	a = parse_text(text, &errors, NULL);
	if (a == NULL)
		fail_msg("%s", buf_str(&errors));
	assert_string_equal(a->protocols[0].name, "odd name");
	assert_string_equal(a->protocols[0].actions[0].value,
	    "a \"q\" \\ $x $HOST");
	assert_string_equal(a->protocols[0].actions[1].value, "single ' quote");
	assert_string_equal(a->tables[0].check.send, "a\tb\r\n\\");
	assert_string_equal(a->tables[0].check.expect, "\\[x]*");
	config_print(a, &text1);
	b = parse_text(buf_str(&text1), &errors, NULL);
	if (b == NULL)
		fail_msg("%s\n%s", buf_str(&errors), buf_str(&text1));
	if (config_compare(a, b, why, sizeof(why)) != 0)
		fail_msg("%s\n%s", why, buf_str(&text1));
	config_print(b, &text2);
	assert_string_equal(buf_str(&text1), buf_str(&text2));
	config_free(a);
	config_free(b);
	buf_free(&errors);
	buf_free(&text1);
	buf_free(&text2);
}

/* Statements may continue on the next line and share one with commas. */
static void
test_continuation_and_comments(void **state)
{
	struct buf	 errors;
	struct config	*c;
	const char	*text = "# comment\ntable t { # open\n"
	    " check icmp, host 10.0.0.1 \\\n   retry 3 weight 2\n"
	    " host 10.0.0.2 }\n";

	buf_init(&errors, 4096);
	c = parse_text(text, &errors, NULL);
	if (c == NULL)
		fail_msg("%s", buf_str(&errors));
	assert_int_equal(c->tables[0].nhosts, 2);
	assert_int_equal(c->hosts[0].retry, 3);
	assert_int_equal(c->hosts[0].weight, 2);
	assert_int_equal(c->hosts[1].weight, 1);
	config_free(c);
	buf_free(&errors);
}

/* Every keyword is found by the binary search: the table is sorted. */
/*
 * The relay's options: session bound and logging, the session buffer,
 * connect retries and the hash key of a table, all kept by the printed
 * text that reloads carry to the engines.
 */
static void
test_relay_options(void **state)
{
	const char	*text = "sessions 20000\nlog connection errors\n"
	    "log all\n"
	    "table t {\n host 10.0.0.1\n host 10.0.0.2\n}\n"
	    "protocol p {\n tcp { session buffer 16384, no splice }\n}\n"
	    "relay a {\n listen on 127.0.0.1 port 80\n protocol p\n"
	    " table t loadbalance \"a secret\" retry 2\n}\n"
	    "relay b {\n listen on 127.0.0.1 port 81\n"
	    " table t port 80 source-hash "
	    "0x000102030405060708090a0b0c0d0e0f\n}\n"
	    "relay c {\n listen on 127.0.0.1 port 82\n table t\n}\n";
	struct buf	 errors, printed;
	struct config	*c, *again;
	char		 why[256];
	size_t		 i;

	buf_init(&errors, 4096);
	buf_init(&printed, 65536);
	c = parse_text(text, &errors, NULL);
	if (c == NULL)
		fail_msg("%s", buf_str(&errors));
	assert_int_equal(c->sessions, 20000);
	assert_int_equal(c->log_sessions, LOG_SESSIONS_ERRORS);
	assert_int_equal(c->log, LOG_ALL);
	assert_int_equal(c->protocols[0].tcp.session_buffer, 16384);
	assert_false(c->protocols[0].tcp.on & TCPOPT_SPLICE);
	assert_int_equal(c->relays[0].retry, 2);
	assert_true(c->relays[0].has_key);
	assert_int_equal(c->relays[1].mode, LB_SOURCE_HASH);
	assert_true(c->relays[1].has_key);
	for (i = 0; i < HS_KEY_LEN; i++)
		assert_int_equal(c->relays[1].key[i], i);
	assert_false(c->relays[2].has_key);
	assert_int_equal(c->relays[2].retry, 0);
	config_print(c, &printed);
	again = parse_text(buf_str(&printed), &errors, NULL);
	if (again == NULL)
		fail_msg("%s\n%s", buf_str(&errors), buf_str(&printed));
	if (config_compare(c, again, why, sizeof(why)) != 0)
		fail_msg("%s", why);
	config_free(again);
	config_free(c);
	/* the defaults */
	c = parse_text("", &errors, NULL);
	assert_non_null(c);
	assert_int_equal(c->sessions, HS_SESSIONS_DEFAULT);
	assert_int_equal(c->log_sessions, LOG_SESSIONS_DEBUG);
	config_free(c);
	buf_free(&errors);
	buf_free(&printed);
}

/* -n -v notes the relays this version will not run, at their line. */
static void
test_unsupported_relay_noted(void **state)
{
	struct buf	 errors, notes;
	struct config	*c;

	buf_init(&errors, 4096);
	buf_init(&notes, 4096);
	c = parse_text("protocol d {\n protocol dns\n}\n"
	    "relay dns {\n listen on 127.0.0.1 port 53\n protocol d\n"
	    " forward with ssl to 10.0.0.1 port 853\n}\n"
	    "relay tcp {\n listen on 127.0.0.1 port 81\n"
	    " forward to 10.0.0.1 port 80\n}\n"
	    "protocol h {\n protocol http\n}\n"
	    "relay web {\n listen on 127.0.0.1 port 80\n protocol h\n"
	    " forward to 10.0.0.1 port 80\n}\n", &errors, &notes);
	assert_non_null(c);
	assert_non_null(strstr(buf_str(&notes), "test.conf:4: note: relay "
	    "dns will not listen: DNS over TLS is not supported in this "
	    "version"));
	assert_null(strstr(buf_str(&notes), "relay tcp"));
	assert_null(strstr(buf_str(&notes), "relay web"));
	config_free(c);
	buf_free(&errors);
	buf_free(&notes);
}

/* A string key is hashed: the same text gives the same key. */
static void
test_relay_key_text(void **state)
{
	const char	*text = "table t {\n host 10.0.0.1\n}\n"
	    "relay a {\n listen on 127.0.0.1 port 80\n table t hash k1\n}\n"
	    "relay b {\n listen on 127.0.0.1 port 81\n table t hash k1\n}\n"
	    "relay c {\n listen on 127.0.0.1 port 82\n table t hash k2\n}\n";
	struct buf	 errors;
	struct config	*c;

	buf_init(&errors, 4096);
	c = parse_text(text, &errors, NULL);
	if (c == NULL)
		fail_msg("%s", buf_str(&errors));
	assert_memory_equal(c->relays[0].key, c->relays[1].key, HS_KEY_LEN);
	assert_memory_not_equal(c->relays[0].key, c->relays[2].key,
	    HS_KEY_LEN);
	config_free(c);
	buf_free(&errors);
}

/*
 * Match rules: each relay gets its own copy of a templated table (the
 * port it forwards to), a table with a real port is used as it is, and
 * every option prints and parses back the same.
 */
static void
test_http_routes_and_options(void **state)
{
	const char	*text = "table web {\n host 10.0.0.1\n}\n"
	    "table api {\n host 10.0.0.2\n}\n"
	    "table img {\n real port 8080\n host 10.0.0.3\n}\n"
	    "protocol p {\n protocol http\n"
	    " match request host \"api.*\" forward to api\n"
	    " match method PUT path \"/img/*\" forward to img\n"
	    " match cookie \"beta\" value \"1\" forward to api\n"
	    " header filter \"bot*\" from \"User-Agent\" status 429\n"
	    " http { headerlen 32768, headers 50, request line 4096 }\n"
	    " http { header line 2048, chunk line 128, trailerlen 4096 }\n"
	    " http keepalive 0\n http no websockets\n}\n"
	    "protocol q {\n protocol http\n}\n"
	    "relay a {\n listen on 127.0.0.1 port 80\n protocol p\n"
	    " table web\n sessions 500\n}\n"
	    "relay b {\n listen on 127.0.0.1 port 81\n protocol p\n"
	    " table web port 9000\n}\n"
	    "relay c {\n listen on 127.0.0.1 port 82\n protocol q\n"
	    " table web\n}\n";
	const struct protocol_conf	*pr;
	const struct table_conf		*t;
	struct buf			 errors, printed;
	struct config			*c, *again;
	char				 why[256];

	buf_init(&errors, 4096);
	buf_init(&printed, 65536);
	c = parse_text(text, &errors, NULL);
	if (c == NULL)
		fail_msg("%s", buf_str(&errors));
	pr = &c->protocols[0];
	assert_int_equal(pr->nroutes, 3);
	assert_true(pr->routes[0].has_entity);
	assert_int_equal(pr->routes[0].entity, ENTITY_HEADER);
	assert_string_equal(pr->routes[0].key, "Host");
	assert_string_equal(pr->routes[0].value, "api.*");
	assert_string_equal(pr->routes[1].method, "PUT");
	assert_int_equal(pr->routes[1].entity, ENTITY_PATH);
	assert_string_equal(pr->routes[1].key, "/img/*");
	assert_int_equal(pr->routes[2].entity, ENTITY_COOKIE);
	assert_string_equal(pr->routes[2].table, "api");
	assert_int_equal(pr->actions[0].status, 429);
	assert_int_equal(pr->http.headerlen, 32768);
	assert_int_equal(pr->http.headers, 50);
	assert_int_equal(pr->http.request_line, 4096);
	assert_int_equal(pr->http.header_line, 2048);
	assert_int_equal(pr->http.chunk_line, 128);
	assert_int_equal(pr->http.trailerlen, 4096);
	assert_int_equal(pr->http.keepalive, 0);
	assert_false(pr->http.websockets);
	/* the defaults */
	assert_int_equal(c->protocols[1].http.headerlen, 16384);
	assert_int_equal(c->protocols[1].http.keepalive, 64);
	assert_true(c->protocols[1].http.websockets);
	assert_int_equal(c->relays[0].sessions, 500);
	assert_int_equal(c->relays[1].sessions, 0);
	/* relay a: api:80 and img; relay b: api:9000 and img */
	t = config_table(c, c->relays[0].route_table[0]);
	assert_non_null(t);
	assert_string_equal(t->name, "api:80");
	t = config_table(c, c->relays[0].route_table[1]);
	assert_string_equal(t->name, "img");
	assert_int_equal(t->port, 8080);
	t = config_table(c, c->relays[1].route_table[0]);
	assert_string_equal(t->name, "api:9000");
	assert_int_equal(c->relays[1].route_table[1],
	    c->relays[0].route_table[1]);
	assert_int_equal(c->relays[1].route_table[2],
	    c->relays[1].route_table[0]);
	assert_int_equal(c->relays[2].route_table[0], HS_ID_NONE);
	config_print(c, &printed);
	again = parse_text(buf_str(&printed), &errors, NULL);
	if (again == NULL)
		fail_msg("%s\n%s", buf_str(&errors), buf_str(&printed));
	if (config_compare(c, again, why, sizeof(why)) != 0)
		fail_msg("%s", why);
	config_free(again);
	config_free(c);
	buf_free(&errors);
	buf_free(&printed);
}

static void
test_keywords_sorted(void **state)
{
	int	 kw;

	for (kw = KW_ALL; kw < KW_MAX; kw++)
		assert_int_equal(lex_keyword(lex_keyword_text(kw)), kw);
	assert_int_equal(lex_keyword("Table"), KW_NONE);
	assert_int_equal(lex_keyword("tables"), KW_NONE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_initial_config),
		cmocka_unit_test(test_backup_ids),
		cmocka_unit_test(test_maintenance_ids),
		cmocka_unit_test(test_relay_sample),
		cmocka_unit_test(test_relay_options),
		cmocka_unit_test(test_relay_key_text),
		cmocka_unit_test(test_unsupported_relay_noted),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_unused_table_is_live),
		cmocka_unit_test(test_globals_defaults),
		cmocka_unit_test(test_demote_file_and_script),
		cmocka_unit_test(test_table_timing),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_macros),
		cmocka_unit_test(test_resolver_first_address),
		cmocka_unit_test(test_shared_copy),
		cmocka_unit_test(test_host_map),
		cmocka_unit_test(test_round_trip_strings),
		cmocka_unit_test(test_continuation_and_comments),
		cmocka_unit_test(test_http_routes_and_options),
		cmocka_unit_test(test_keywords_sorted),
		cmocka_unit_test(test_tls_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
