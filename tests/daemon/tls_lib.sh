# With lib.sh, for the TLS tests: a CA of the run's own and certificates
# it signs, in $T/pki; tlstool ($TLSTOOL) for TLS ends.

PKI=$T/pki
mkdir -p "$PKI"
chmod 700 "$PKI"

# make_ca NAME: a self-signed CA, $PKI/NAME.crt and .key.
make_ca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
	    -nodes -days 2 -subj "/CN=$1" -keyout "$PKI/$1.key" \
	    -out "$PKI/$1.crt" 2>/dev/null || fail "openssl: CA $1"
}

# make_cert NAME CA TYPE SAN: $PKI/NAME.crt signed by CA, and its key
# (TYPE: ec or rsa), for the subjectAltName SAN (DNS:x,IP:y).
make_cert() {
	local name=$1 ca=$2 type=$3 san=$4 opt
	case $type in
	ec) opt="-newkey ec -pkeyopt ec_paramgen_curve:P-256" ;;
	rsa) opt="-newkey rsa:2048" ;;
	esac
	# shellcheck disable=SC2086
	openssl req $opt -nodes -subj "/CN=$name" -keyout "$PKI/$name.key" \
	    -out "$PKI/$name.csr" 2>/dev/null || fail "openssl: request $name"
	printf 'subjectAltName=%s\n' "$san" >"$PKI/$name.ext"
	openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/$ca.crt" \
	    -CAkey "$PKI/$ca.key" -CAcreateserial -days 2 \
	    -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null ||
	    fail "openssl: certificate $name"
	chmod 600 "$PKI/$name.key"
}

# s_client ARGS...: a handshake (and a line), its output for grep.
s_client() {
	echo | timeout 10 openssl s_client "$@" 2>&1
}

# subject_of ARGS...: the CN of the certificate the server presented.
subject_of() {
	s_client "$@" | sed -n 's/^subject=.*CN *= *\([^,/]*\).*/\1/p' |
	    head -1
}
