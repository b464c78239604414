# A throw-away unprivileged user for the rootless suites: `load ../lib/rootless`.
# rl_make_user sets RL_UID RL_GID RL_SUBUID RL_SUBGID; as_user needs RL_XDG.

RL_USER=ct-rootless

# Make the user once (idempotent): a home, its own group, and subordinate
# id ranges; other users' lines in /etc/subuid and /etc/subgid stay as they are.
rl_make_user() {
	id "$RL_USER" >/dev/null 2>&1 || useradd -m -U -s /bin/sh "$RL_USER" || return 1
	local f start
	for f in /etc/subuid /etc/subgid; do
		touch "$f"
		grep -q "^$RL_USER:" "$f" && continue
		# past every range already given out, at least 100000
		start=$(awk -F: 'BEGIN { m = 100000 } { if ($2 + $3 > m) m = $2 + $3 } END { print m }' "$f")
		echo "$RL_USER:$start:65536" >>"$f"
	done
	RL_UID=$(id -u "$RL_USER")
	RL_GID=$(id -g "$RL_USER")
	# shellcheck disable=SC2034 # for the suites that load this file
	RL_SUBUID=$(awk -F: -v u="$RL_USER" '$1 == u { print $2; exit }' /etc/subuid)
	# shellcheck disable=SC2034
	RL_SUBGID=$(awk -F: -v u="$RL_USER" '$1 == u { print $2; exit }' /etc/subgid)
}

# Run a command as the user, with a clean environment of its own.
as_user() {
	setpriv --reuid="$RL_UID" --regid="$RL_GID" --init-groups \
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="/home/$RL_USER" USER="$RL_USER" \
		XDG_RUNTIME_DIR="$RL_XDG" "$@"
}
