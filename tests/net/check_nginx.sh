# Every check method against real servers, as an operator points them:
# Debian's nginx (daemon off, a prefix of its own under the test's
# directory, loopback ports chosen here) serving pages of 43 B, 5 KB,
# 50 KB and 2 MiB over http and https (self-signed), and openssl
# s_server -www, whose status page comes in one write.  Up where the
# server serves, down where it does not, with the reason a user sees.
. "$(dirname "$0")/lib.sh"
command -v nginx >/dev/null || { echo "FAIL: nginx not installed"; exit 1; }
make_cert

WWW=$TMP/nginx/www
mkdir -p "$WWW"
printf '<html><body>hoststated test page</body></html>' | head -c 43 \
    >"$WWW/43.html"
for p in 5k:5120 50k:51200 2m:2097152; do
	head -c "${p#*:}" /dev/urandom | base64 -w 76 | head -c "${p#*:}" \
	    >"$WWW/${p%%:*}.html"
done
chmod -R a+rX "$TMP"

# start_nginx: HTTP on HPORT, HTTPS on SPORT, both loopback ports that
# were free a moment ago; tried again with others if one was taken.
start_nginx() {
	local try i
	for try in 1 2 3; do
		free_port -m accept
		HPORT=$PORT
		free_port -m accept
		SPORT=$PORT
		cat >"$TMP/nginx/nginx.conf" <<CONF
daemon off;
master_process off;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log;
events { worker_connections 256; }
http {
	access_log off;
	client_body_temp_path $TMP/nginx/body;
	proxy_temp_path $TMP/nginx/proxy;
	fastcgi_temp_path $TMP/nginx/fastcgi;
	uwsgi_temp_path $TMP/nginx/uwsgi;
	scgi_temp_path $TMP/nginx/scgi;
	server {
		listen 127.0.0.1:$HPORT;
		root $WWW;
	}
	server {
		listen 127.0.0.1:$SPORT ssl;
		ssl_certificate $CERT;
		ssl_certificate_key $KEY;
		root $WWW;
	}
}
CONF
		timeout 300 nginx -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" \
		    -e "$TMP/nginx/error.log" &
		PIDS="$PIDS $!"
		i=0
		while [ $i -lt 100 ] && kill -0 $! 2>/dev/null; do
			"$CHECKRUN" tcp 127.0.0.1 "$SPORT" | grep -q up=1 &&
			    return 0
			sleep 0.05
			i=$((i + 1))
		done
		kill $! 2>/dev/null
	done
	echo "FAIL - nginx did not start: $(cat "$TMP/nginx/error.log")"
	exit 1
}
start_nginx

digest() {	# KIND FILE
	openssl dgst -"$1" -r "$2" | cut -d' ' -f1
}
OTHER=$(printf other | openssl dgst -sha256 -r | cut -d' ' -f1)

expect_check "tcp to nginx" "up=1 error=HCE_TCP_CONNECT_OK" \
    "$CHECKRUN" tcp 127.0.0.1 "$HPORT"
expect_check "ssl to nginx's https" "up=1 error=HCE_TLS_CONNECT_OK" \
    "$CHECKRUN" ssl 127.0.0.1 "$SPORT"
expect_check "ssl to nginx's plain http: not TLS" \
    "up=0 error=HCE_TLS_CONNECT_FAIL" "$CHECKRUN" ssl 127.0.0.1 "$HPORT"

for page in 43 5k 50k 2m; do
	f=$WWW/$page.html
	for scheme in http https; do
		port=$HPORT
		[ $scheme = https ] && port=$SPORT
		expect_check "$scheme code 200 of the $page page" \
		    "up=1 error=HCE_HTTP_CODE_OK detail=200" \
		    "$CHECKRUN" -t 3000 -P "/$page.html" -C 200 $scheme \
		    127.0.0.1 "$port"
		for kind in md5 sha1 sha256 sha512; do
			expect_check "$scheme digest $kind of the $page page" \
			    "up=1 error=HCE_HTTP_DIGEST_OK" \
			    "$CHECKRUN" -t 3000 -P "/$page.html" \
			    -d "$(digest $kind "$f")" $scheme 127.0.0.1 "$port"
		done
		expect_check "$scheme digest of the $page page, wrong digest" \
		    "up=0 error=HCE_HTTP_DIGEST_FAIL" \
		    "$CHECKRUN" -t 3000 -P "/$page.html" -d "$OTHER" $scheme \
		    127.0.0.1 "$port"
	done
done
expect_check "http code of a missing page" \
    "up=0 error=HCE_HTTP_CODE_FAIL detail=404" \
    "$CHECKRUN" -P /missing.html -C 200 http 127.0.0.1 "$HPORT"
expect_check "http code 404 expected of a missing page" \
    "up=1 error=HCE_HTTP_CODE_OK detail=404" \
    "$CHECKRUN" -P /missing.html -C 404 http 127.0.0.1 "$HPORT"
expect_check "http to nginx's https port: a plain request is refused" \
    "up=0 error=HCE_HTTP_CODE_FAIL detail=400" \
    "$CHECKRUN" -P /43.html -C 200 http 127.0.0.1 "$SPORT"
expect_check "https to nginx's plain http port: not TLS" \
    "up=0 error=HCE_TLS_CONNECT_FAIL" \
    "$CHECKRUN" -P /43.html -C 200 https 127.0.0.1 "$HPORT"
expect_check "send/expect of a page's status line" \
    "up=1 error=HCE_SEND_EXPECT_OK" \
    "$CHECKRUN" -s "GET /50k.html HTTP/1.0
Host: localhost

" -e "HTTP/1.1 200 OK" send 127.0.0.1 "$HPORT"
expect_check "send/expect over ssl" "up=1 error=HCE_SEND_EXPECT_OK" \
    "$CHECKRUN" -S -s "GET /2m.html HTTP/1.0

" -e "HTTP/1.? 200*" send 127.0.0.1 "$SPORT"
expect_check "send/expect of a missing page: mismatch" \
    "up=0 error=HCE_SEND_EXPECT_FAIL" \
    "$CHECKRUN" -s "GET /missing.html HTTP/1.0

" -e "HTTP/1.1 200*" send 127.0.0.1 "$HPORT"

# The host of the pages answers ping (as root: a raw socket), and a
# check script may ask it with curl.
if [ "$(id -u)" = 0 ]; then
	expect_check "icmp to nginx's host" "up=1 error=HCE_ICMP_OK" \
	    "$CHECKRUN" icmp 127.0.0.1
fi
page_script() {	# FILE PAGE: curl that page of the host given as $1
	printf '#!/bin/sh\nexec curl -sf -o /dev/null "http://$1:%s/%s"\n' \
	    "$HPORT" "$2" >"$1"
	chmod 755 "$1"
}
page_script "$TMP/page.sh" 43.html
page_script "$TMP/nopage.sh" missing.html
expect_check "script fetching a page with curl" \
    "up=1 error=HCE_SCRIPT_OK detail=0" \
    "$CHECKRUN" -t 3000 -P "$TMP/page.sh" script 127.0.0.1
expect_check "script fetching a missing page" \
    "up=0 error=HCE_SCRIPT_FAIL detail=22" \
    "$CHECKRUN" -t 3000 -P "$TMP/nopage.sh" script 127.0.0.1

# openssl s_server -www: its page (over 4 KiB) in one write, and no
# answer at all to a HEAD.
free_port -m accept
openssl s_server -quiet -www -accept "127.0.0.1:$PORT" -cert "$CERT" \
    -key "$KEY" >/dev/null 2>&1 &
PIDS="$PIDS $!"
i=0
while ! "$CHECKRUN" tcp 127.0.0.1 "$PORT" | grep -q up=1 && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
expect_check "https code 200 of openssl s_server -www" \
    "up=1 error=HCE_HTTP_CODE_OK detail=200" \
    "$CHECKRUN" -t 3000 -C 200 https 127.0.0.1 "$PORT"

finish
