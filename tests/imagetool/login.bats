#!/usr/bin/env bats
# cimage login / logout against docker-registry (htpasswd, token, TLS); the
# auth file is the one podman and skopeo read.  Contract: specs/cimage.1.md.

# Messages quote their subject in backticks: literal, not command substitution.
# shellcheck disable=SC2016,SC2154  # stderr comes from bats run --separate-stderr

load ../lib/helpers
load ../lib/registry

bats_require_minimum_version 1.5.0

setup_file() {
	command -v docker-registry >/dev/null && command -v htpasswd >/dev/null || return 0
	registry_start htpasswd
}

teardown_file() {
	registry_stop
}

setup() {
	registry_requires
	export REGISTRY_AUTH_FILE=$BATS_TEST_TMPDIR/auth.json
}

teardown() {
	registry_stop
}

@test "login stores the credentials (mode 0600) where skopeo finds them; logout removes them" {
	run_split "$CIMAGE" login -u "$REGISTRY_USER" -p "$REGISTRY_PASS" "$REGISTRY"
	[ "$status" -eq 0 ]
	[ "$output" = "Login Succeeded!" ]
	[ "$(stat -c %a "$REGISTRY_AUTH_FILE")" = 600 ]
	[ "$(jq -r ".auths[\"$REGISTRY\"].auth" "$REGISTRY_AUTH_FILE" | base64 -d)" = "$REGISTRY_USER:$REGISTRY_PASS" ]
	if command -v skopeo >/dev/null; then
		run skopeo login --get-login --authfile "$REGISTRY_AUTH_FILE" "$REGISTRY"
		[ "$status" -eq 0 ]
		[ "$output" = "$REGISTRY_USER" ]
	fi
	run_split "$CIMAGE" logout "$REGISTRY"
	[ "$status" -eq 0 ]
	[ "$output" = "Removed login credentials for $REGISTRY" ]
	[ "$(jq -c .auths "$REGISTRY_AUTH_FILE")" = "{}" ]
}

@test "a wrong password fails with the 401 and stores nothing" {
	run_split "$CIMAGE" login -u "$REGISTRY_USER" -p wrong "$REGISTRY"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == *"login \`$REGISTRY\`: authentication failed (401): unauthorized"* ]]
	[ ! -e "$REGISTRY_AUTH_FILE" ]
}

@test "--password-stdin reads one line; without a password and a terminal it is an error" {
	run_split "$CIMAGE" login -u "$REGISTRY_USER" --password-stdin "$REGISTRY" <<<"$REGISTRY_PASS"
	[ "$status" -eq 0 ]
	[ "$output" = "Login Succeeded!" ]
	rm "$REGISTRY_AUTH_FILE"
	run_split "$CIMAGE" login -u "$REGISTRY_USER" "$REGISTRY" </dev/null
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"no password: use -p PASS, --password-stdin or a terminal"* ]]
	run_split "$CIMAGE" login -p x "$REGISTRY" </dev/null
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"no user name: use -u USER"* ]]
	[ ! -e "$REGISTRY_AUTH_FILE" ]
}

@test "login and logout keep every other key of the auth file" {
	cat >"$REGISTRY_AUTH_FILE" <<-EOF
		{"auths": {"other.example:5000": {"auth": "YTpi", "email": "x@y"}},
		 "credHelpers": {"gcr.io": "gcloud"}, "number": 3, "list": [1, true, null]}
	EOF
	run_split "$CIMAGE" login -u "$REGISTRY_USER" -p "$REGISTRY_PASS" "https://$REGISTRY/"
	[ "$status" -eq 0 ]
	run jq -c --arg r "$REGISTRY" '[.auths["other.example:5000"], .credHelpers, .number, .list, (.auths[$r] | has("auth"))]' "$REGISTRY_AUTH_FILE"
	[ "$output" = '[{"auth":"YTpi","email":"x@y"},{"gcr.io":"gcloud"},3,[1,true,null],true]' ]
	run_split "$CIMAGE" logout "$REGISTRY"
	[ "$status" -eq 0 ]
	run jq -c '[.auths, .credHelpers]' "$REGISTRY_AUTH_FILE"
	[ "$output" = '[{"other.example:5000":{"auth":"YTpi","email":"x@y"}},{"gcr.io":"gcloud"}]' ]
}

@test "logout of a host never logged into is an error" {
	run_split "$CIMAGE" logout "$REGISTRY"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == *"not logged into $REGISTRY"* ]]
}

@test "a broken auth file is named, not overwritten" {
	echo '{"auths": ' >"$REGISTRY_AUTH_FILE"
	run_split "$CIMAGE" login -u "$REGISTRY_USER" -p "$REGISTRY_PASS" "$REGISTRY"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"\`$REGISTRY_AUTH_FILE\`: invalid JSON"* ]]
	[ "$(cat "$REGISTRY_AUTH_FILE")" = '{"auths": ' ]
}

@test "login to a token registry asks the token server with the credentials" {
	registry_requires token
	registry_start token
	run_split "$CIMAGE" login -u "$REGISTRY_USER" -p wrong "$REGISTRY"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"authentication failed (401)"* ]]
	[ ! -e "$REGISTRY_AUTH_FILE" ]
	run_split "$CIMAGE" login -u "$REGISTRY_USER" -p "$REGISTRY_PASS" "$REGISTRY"
	[ "$status" -eq 0 ]
	[ "$output" = "Login Succeeded!" ]
	grep -q '^/token?service=cimage-test auth=yes' "$TOKEN_LOG"
}

@test "login to a TLS registry: refused without its CA, accepted with --cert-dir or --tls-verify=false" {
	registry_start tls-htpasswd
	run_split "$CIMAGE" login -u "$REGISTRY_USER" -p "$REGISTRY_PASS" "$REGISTRY"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"login \`$REGISTRY\`: tls: "* ]]
	[ ! -e "$REGISTRY_AUTH_FILE" ]
	run_split "$CIMAGE" login --cert-dir "$REGISTRY_CERT_DIR" -u "$REGISTRY_USER" -p "$REGISTRY_PASS" "$REGISTRY"
	[ "$status" -eq 0 ]
	run_split "$CIMAGE" login --tls-verify=false -u "$REGISTRY_USER" -p "$REGISTRY_PASS" "$REGISTRY"
	[ "$status" -eq 0 ]
	run_split "$CIMAGE" login --tls-verify=maybe -u a -p b "$REGISTRY"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"invalid value \`maybe\` for --tls-verify"* ]]
}

@test "login needs exactly one host" {
	run_split "$CIMAGE" login -u a -p b
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"usage"*"cimage login"* ]] || [[ "$stderr" == *"requires"* ]]
	run_split "$CIMAGE" logout
	[ "$status" -eq 1 ]
}

# Run "$@" on a pseudo-terminal, answering each prompt (Username:, Password:)
# only once it is shown; prints everything the terminal showed.
on_tty() {
	python3 - "$@" <<-'PY'
		import os, pty, select, signal, sys, time
		answers = {b"Username: ": os.environ["TTY_USER"].encode(), b"Password: ": os.environ["TTY_PASS"].encode()}
		pid, fd = pty.fork()
		if pid == 0:
		    os.execvp(sys.argv[1], sys.argv[1:])
		seen = b""
		deadline = time.monotonic() + 30  # a lost answer must fail the test, not hang it
		while True:
		    left = deadline - time.monotonic()
		    if left <= 0 or not select.select([fd], [], [], left)[0]:
		        os.kill(pid, signal.SIGKILL)
		        sys.stdout.write(seen.decode(errors="replace") + "\n(no output for 30 s: killed)\n")
		        os.waitpid(pid, 0)
		        sys.exit(124)
		    try:
		        chunk = os.read(fd, 1024)
		    except OSError:
		        break
		    if not chunk:
		        break
		    seen += chunk
		    for prompt, answer in list(answers.items()):
		        if seen.endswith(prompt):
		            os.write(fd, answer + b"\n")
		            del answers[prompt]
		_, status = os.waitpid(pid, 0)
		sys.stdout.write(seen.decode(errors="replace").replace("\r", ""))
		sys.exit(os.waitstatus_to_exitcode(status))
	PY
}

@test "on a terminal, login prompts for the user name and the password (not echoed)" {
	TTY_USER=$REGISTRY_USER TTY_PASS=$REGISTRY_PASS run on_tty "$CIMAGE" login "$REGISTRY"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Username: $REGISTRY_USER"* ]]
	[[ "$output" == *"Password: "* ]]
	[[ "$output" == *"Login Succeeded!"* ]]
	[[ "$output" != *"$REGISTRY_PASS"* ]]
	[ "$(jq -r ".auths[\"$REGISTRY\"].auth" "$REGISTRY_AUTH_FILE" | base64 -d)" = "$REGISTRY_USER:$REGISTRY_PASS" ]
}
