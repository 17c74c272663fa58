# Shared by the HTTP relay's tests, after lib.sh: httptool ($HTTPTOOL)
# backends and raw clients, a real nginx as a backend, and curl as the
# client.  Arguments of every test: RELAYRUN TCPTOOL HTTPTOOL.

HTTPTOOL=$3
NGINX_PID=

http_cleanup() {
	[ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null
	cleanup
}
trap http_cleanup EXIT

command -v curl >/dev/null || fail "curl is missing (tools/deps)"

# hserve ADDR PORT [-l LOG] [-H FIELD]... -- MODE [ARG]: a backend.
hserve() {
	local addr=$1 port=$2 opts=()
	shift 2
	while [ "$1" != "--" ]; do
		opts+=("$1")
		shift
	done
	shift
	"$HTTPTOOL" -T 120 "${opts[@]}" serve "$addr" "$port" "$@" &
	SERVERS="$SERVERS $!"
	wait_until 5 port_open "$addr" "$port" ||
	    fail "httptool on $addr:$port did not start"
}

# start_nginx ADDR PORT: nginx serving $T/www, with /echo (what the
# request carried), PUT into $T/www/put/, and a log line per request
# with its connection's number ($T/nginx.log).
start_nginx() {
	command -v nginx >/dev/null || fail "nginx is missing (tools/deps)"
	mkdir -p "$T/www/put" "$T/ngx"
	# Its workers run as another user when we are root.
	chmod 755 "$T" "$T/www"
	chmod 777 "$T/www/put"
	cat >"$T/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $T/ngx/nginx.pid;
error_log $T/ngx/error.log;
events { worker_connections 1024; }
http {
	log_format conns '\$connection \$connection_requests \$request_method \$request_uri';
	access_log $T/nginx.log conns;
	client_body_temp_path $T/ngx/body;
	proxy_temp_path $T/ngx/proxy;
	fastcgi_temp_path $T/ngx/fastcgi;
	uwsgi_temp_path $T/ngx/uwsgi;
	scgi_temp_path $T/ngx/scgi;
	keepalive_requests 100000;
	server {
		listen $1:$2;
		root $T/www;
		location /put/ {
			dav_methods PUT;
			client_max_body_size 0;
		}
		location = /nocontent {
			return 204;
		}
		location = /echo {
			return 200 "method=\$request_method uri=\$request_uri host=\$host xff=\$http_x_forwarded_for by=\$http_x_forwarded_by conn=\$http_connection via=\$http_via\n";
		}
	}
}
NGINX
	nginx -c "$T/nginx.conf" -p "$T/ngx" 2>"$T/ngx/stderr" &
	NGINX_PID=$!
	wait_until 5 port_open "$1" "$2" ||
	    fail "nginx did not start: $(cat "$T/ngx/stderr" "$T/ngx/error.log" 2>/dev/null)"
}

# www_files: bodies of 0, 1, 251, 16 KiB and 1 MiB bytes in $T/www.
www_files() {
	mkdir -p "$T/www"
	: >"$T/www/0"
	head -c 1 /dev/urandom >"$T/www/1"
	head -c 251 /dev/urandom >"$T/www/251"
	head -c 16384 /dev/urandom >"$T/www/16k"
	head -c 1048576 /dev/urandom >"$T/www/1m"
}

# req FILE TEXT: a raw request (printf escapes) into $T/FILE.
req() {
	printf "$2" >"$T/$1"
}

# raw FILE [MS]: send $T/FILE to the relay, print the answer.
raw() {
	"$HTTPTOOL" -T 10 raw $NET.1 "${PORT:-8080}" "$T/$1" ${2:-}
}

# status_of TEXT: the status code of the first status line.
status_of() {
	sed -n '1s/^HTTP\/1\.[01] \([0-9]*\).*/\1/p'
}
