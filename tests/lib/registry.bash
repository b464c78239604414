# Test registries for the imagetool suites: `load ../lib/registry`.
#
#   registry_start [plain|htpasswd|tls|tls-htpasswd|tls-clientcert|token]
#       starts /usr/bin/docker-registry (distribution 2.8) on 127.0.0.1 and a
#       free port, with its config, storage and certificates under
#       $BATS_FILE_TMPDIR (or $BATS_TEST_TMPDIR when called from a test), and
#       waits until /v2/ answers.  Exports:
#         REGISTRY            127.0.0.1:PORT
#         REGISTRY_DIR        its directory (config.yml, storage/, registry.log)
#         REGISTRY_USER, REGISTRY_PASS    for htpasswd, tls-htpasswd and token
#         REGISTRY_CA         the throw-away CA (PEM) for tls and tls-htpasswd
#         REGISTRY_CERT_DIR   a directory holding ca.crt: a --cert-dir
#                             (tls-clientcert: also client.cert and client.key,
#                             a client certificate the registry requires;
#                             REGISTRY_CA_ONLY_DIR holds ca.crt alone)
#         TOKEN_SERVER        127.0.0.1:PORT of the token server (token)
#         TOKEN_LOG           one line per token request (path, auth=yes|no)
#   registry_stop   kills the processes registry_start started in the same
#       scope, nothing else: in teardown_file those of setup_file, in a
#       test (or teardown) those the test started.
#   registry_requires [token]   skips unless docker-registry, openssl, curl,
#       htpasswd and python3 exist (and python3-cryptography for token).
#
# One registry per bats file: call registry_start in setup_file and
# registry_stop in teardown_file; a test that starts its own has teardown
# call registry_stop.  Background servers keep no fd but 0-2 (bats waits for its pipes).

# Started processes, one PID a line, per scope (a test's own, or the file's).
_registry_pidfile() {
	echo "${BATS_TEST_TMPDIR:-$BATS_FILE_TMPDIR}/.registry-pids"
}

_registry_started() {
	echo "$1" >>"$(_registry_pidfile)"
}

# `python3 -c "$_REGISTRY_EXEC_CLOSED" CMD...` runs CMD with only stdin,
# stdout and stderr (bats waits until every copy of its internal pipes, fd 3
# and others, is closed), under the same PID (exec: $! is the server).
_REGISTRY_EXEC_CLOSED='import os, sys; os.closerange(3, 65536); os.execvp(sys.argv[1], sys.argv[1:])'

registry_requires() {
	command -v docker-registry >/dev/null || skip "test requires docker-registry"
	command -v openssl >/dev/null || skip "test requires openssl"
	command -v curl >/dev/null || skip "test requires curl"
	command -v htpasswd >/dev/null || skip "test requires htpasswd (apache2-utils)"
	command -v python3 >/dev/null || skip "test requires python3"
	if [ "${1:-}" = token ]; then
		python3 -c 'import cryptography' 2>/dev/null || skip "test requires python3-cryptography"
	fi
}

# A free TCP port on 127.0.0.1 (the kernel picks; a race with another
# process is caught by registry_start, which then retries).
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A CA and a server certificate for 127.0.0.1 and localhost, in $1.
_registry_make_certs() {
	local d=$1
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=cimage test CA" \
		-keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null || return 1
	openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
		-keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null || return 1
	printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$d/server.ext"
	openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
		-days 2 -extfile "$d/server.ext" -out "$d/server.crt" 2>/dev/null || return 1
	mkdir -p "$d/certs"
	cp "$d/ca.crt" "$d/certs/ca.crt"
}

# Poll until $1 (a URL) answers 200 or 401 (at most ~10 s), or pid $2 died.
_registry_wait() {
	local url=$1 pid=$2 i code
	shift 2
	for ((i = 0; i < 200; i++)); do
		kill -0 "$pid" 2>/dev/null || return 1
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$@" "$url" 2>/dev/null) || code=000
		if [ "$code" = 200 ] || [ "$code" = 401 ]; then
			return 0
		fi
		sleep 0.05
	done
	return 1
}

_registry_start_token_server() {
	local d=$1 i
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=cimage test token issuer" \
		-keyout "$d/token.key" -out "$d/token.crt" 2>/dev/null || return 1
	rm -f "$d/token.port"
	: >"$d/token.log"
	python3 -c "$_REGISTRY_EXEC_CLOSED" python3 "$CT_SRCDIR/tests/helpers/tokenserver.py" --key "$d/token.key" --issuer cimage-test-issuer \
		--port-file "$d/token.port" --log "$d/token.log" \
		--user "$REGISTRY_USER" --password "$REGISTRY_PASS" >"$d/token-server.log" 2>&1 &
	_registry_started "$!"
	for ((i = 0; i < 200; i++)); do
		[ -s "$d/token.port" ] && break
		kill -0 "$!" 2>/dev/null || return 1
		sleep 0.05
	done
	[ -s "$d/token.port" ] || return 1
	TOKEN_SERVER=127.0.0.1:$(cat "$d/token.port")
	TOKEN_LOG=$d/token.log
	export TOKEN_SERVER TOKEN_LOG
}

registry_start() {
	local variant=${1:-plain} base d port try pid scheme=http
	local -a curl_opts=()
	base=${BATS_FILE_TMPDIR:-$BATS_TEST_TMPDIR}
	d=$(mktemp -d "$base/registry-$variant.XXXXXX")
	mkdir -p "$d/storage"
	unset REGISTRY_USER REGISTRY_PASS REGISTRY_CA REGISTRY_CERT_DIR REGISTRY_CA_ONLY_DIR TOKEN_SERVER

	case $variant in
	plain | htpasswd | tls | tls-htpasswd | tls-clientcert | token) ;;
	*)
		echo "registry_start: unknown variant $variant" >&2
		return 1
		;;
	esac
	case $variant in
	htpasswd | tls-htpasswd | token)
		export REGISTRY_USER=tester
		export REGISTRY_PASS=secret-$RANDOM$RANDOM
		htpasswd -Bbn "$REGISTRY_USER" "$REGISTRY_PASS" >"$d/htpasswd" 2>/dev/null || return 1
		;;
	esac
	case $variant in
	tls | tls-htpasswd | tls-clientcert)
		_registry_make_certs "$d" || return 1
		export REGISTRY_CA=$d/ca.crt
		export REGISTRY_CERT_DIR=$d/certs
		scheme=https
		curl_opts=(--cacert "$d/ca.crt")
		;;
	esac
	if [ "$variant" = tls-clientcert ]; then
		mkdir -p "$d/ca-only"
		cp "$d/ca.crt" "$d/ca-only/ca.crt"
		export REGISTRY_CA_ONLY_DIR=$d/ca-only
		openssl req -newkey rsa:2048 -nodes -subj "/CN=cimage test client" \
			-keyout "$d/certs/client.key" -out "$d/client.csr" 2>/dev/null || return 1
		printf 'extendedKeyUsage=clientAuth\n' >"$d/client.ext"
		openssl x509 -req -in "$d/client.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
			-days 2 -extfile "$d/client.ext" -out "$d/certs/client.cert" 2>/dev/null || return 1
		curl_opts+=(--cert "$d/certs/client.cert" --key "$d/certs/client.key")
	fi
	if [ "$variant" = token ]; then
		_registry_start_token_server "$d" || return 1
	fi

	for ((try = 0; try < 5; try++)); do
		port=$(free_port) || return 1
		{
			echo "version: 0.1"
			echo "log:"
			echo "  level: error"
			echo "  accesslog:"
			echo "    disabled: true"
			echo "storage:"
			echo "  filesystem:"
			echo "    rootdirectory: $d/storage"
			echo "  delete:"
			echo "    enabled: true"
			echo "http:"
			echo "  addr: 127.0.0.1:$port"
			echo "  secret: cimage-test-secret"
			if [ "$scheme" = https ]; then
				echo "  tls:"
				echo "    certificate: $d/server.crt"
				echo "    key: $d/server.key"
				if [ "$variant" = tls-clientcert ]; then
					echo "    clientcas:"
					echo "      - $d/ca.crt"
				fi
			fi
			case $variant in
			htpasswd | tls-htpasswd)
				echo "auth:"
				echo "  htpasswd:"
				echo "    realm: cimage-test"
				echo "    path: $d/htpasswd"
				;;
			token)
				echo "auth:"
				echo "  token:"
				echo "    realm: http://$TOKEN_SERVER/token"
				echo "    service: cimage-test"
				echo "    issuer: cimage-test-issuer"
				echo "    rootcertbundle: $d/token.crt"
				;;
			esac
		} >"$d/config.yml"
		# docker-registry reads REGISTRY_* variables as configuration
		# (REGISTRY_AUTH_FILE would become auth.file): none of ours reach it.
		python3 -c "$_REGISTRY_EXEC_CLOSED" env $(compgen -e | grep '^REGISTRY_' | sed 's/^/-u /') \
			docker-registry serve "$d/config.yml" >"$d/registry.log" 2>&1 &
		pid=$!
		if _registry_wait "$scheme://127.0.0.1:$port/v2/" "$pid" "${curl_opts[@]}"; then
			_registry_started "$pid"
			export REGISTRY=127.0.0.1:$port
			export REGISTRY_DIR=$d
			return 0
		fi
		# Lost the port to someone else (or failed): try another.
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null || true
	done
	echo "registry_start: docker-registry did not come up; its log:" >&2
	cat "$d/registry.log" >&2
	return 1
}

registry_stop() {
	local pid f
	f=$(_registry_pidfile)
	[ -f "$f" ] || return 0
	while read -r pid; do
		kill "$pid" 2>/dev/null
	done <"$f"
	while read -r pid; do
		wait "$pid" 2>/dev/null || true
	done <"$f"
	rm -f "$f"
}

# tests/helpers/badregistry.py on a free port: exports BADREGISTRY
# (127.0.0.1:PORT) and BADREGISTRY_LOG (one line per request).
badregistry_start() {
	local base d i
	base=${BATS_FILE_TMPDIR:-$BATS_TEST_TMPDIR}
	d=$(mktemp -d "$base/badregistry.XXXXXX")
	python3 -c "$_REGISTRY_EXEC_CLOSED" python3 "$CT_SRCDIR/tests/helpers/badregistry.py" "$d/port" "$d/requests.log" >"$d/server.log" 2>&1 &
	_registry_started "$!"
	for ((i = 0; i < 200; i++)); do
		[ -s "$d/port" ] && break
		kill -0 "$!" 2>/dev/null || return 1
		sleep 0.05
	done
	[ -s "$d/port" ] || return 1
	export BADREGISTRY=127.0.0.1:$(cat "$d/port")
	export BADREGISTRY_LOG=$d/requests.log
}
