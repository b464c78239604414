# Mode-aware cgroup helpers for the bats suites: `load ../lib/cgroups` after
# `load ../lib/helpers`.  They work on the three layouts a host can have:
#   v1      cgroup v1 hierarchies only
#   hybrid  v1 hierarchies plus a cgroup2 mount at /sys/fs/cgroup/unified
#   v2      /sys/fs/cgroup is cgroup2
# A hierarchy is named by its KEY, the middle field of /proc/PID/cgroup:
# "memory", "cpu,cpuacct", "name=systemd", and "" for the cgroup2 one.

CG_ROOT=${CG_ROOT:-/sys/fs/cgroup}

# Print v1, hybrid or v2.
cg_mode() {
	if [ -f "$CG_ROOT/cgroup.controllers" ]; then
		echo v2
	elif [ -f "$CG_ROOT/unified/cgroup.controllers" ]; then
		echo hybrid
	else
		echo v1
	fi
}

# Print one line "KEY|MOUNTPOINT" per hierarchy a container joins: every
# mounted v1 hierarchy (from /proc/self/mountinfo; the first mount of each),
# and the cgroup2 one on hybrid and v2 hosts.
cg_hierarchies() {
	local mode
	mode=$(cg_mode)
	if [ "$mode" = v2 ]; then
		printf '|%s\n' "$CG_ROOT"
		return 0
	fi
	# mountinfo: ... MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS
	awk '{
		for (i = 7; i < NF && $i != "-"; i++) {}
		if ($(i + 1) != "cgroup" || $4 != "/") next
		n = split($(i + 3), o, ",")
		key = ""
		for (j = 1; j <= n; j++) {
			if (o[j] ~ /^(rw|ro|clone_children|noprefix|xattr|cpuset_v2_mode|favordynmods)$/ || o[j] ~ /^release_agent=/) continue
			key = key == "" ? o[j] : key "," o[j]
		}
		if (!(key in seen)) { seen[key] = 1; print key "|" $5 }
	}' /proc/self/mountinfo
	[ "$mode" = hybrid ] && printf '|%s\n' "$CG_ROOT/unified"
	return 0
}

# The KEYs of cg_hierarchies, one a line ("" for cgroup2).
cg_keys() {
	cg_hierarchies | cut -d'|' -f1
}

# Our own cgroup in hierarchy KEY, from /proc/self/cgroup.  The KEY's order
# of controllers is the kernel's in both files.
cg_own() {
	awk -F: -v k="$1" '$2 == k { sub(/^[^:]*:[^:]*:/, ""); print; exit }' /proc/self/cgroup
}

# The cgroup (path inside hierarchy KEY) that runc's cgroupfs rules give a
# container: cg_expected KEY CGROUPSPATH ID.  Absolute: itself; relative:
# under our own cgroup (v2: under its parent); empty: relative "ID".
cg_expected() {
	local key=$1 path=$2 id=$3 base
	[ -n "$path" ] || path=$id
	if [[ $path == /* ]]; then
		echo "$path"
		return 0
	fi
	base=$(cg_own "$key")
	[ "$(cg_mode)" = v2 ] && base=$(dirname "$base")
	[ "$base" = / ] && base=
	echo "$base/$path"
}

# The host directory of cgroup PATH in the hierarchy that has CONTROLLER
# ("memory", "freezer", "pids", "unified" for the cgroup2 one; on v2 every
# controller is the cgroup2 one): cg_dir CONTROLLER PATH.
cg_dir() {
	local controller=$1 path=$2 key mnt
	if [ "$(cg_mode)" = v2 ]; then
		echo "$CG_ROOT$path"
		return 0
	fi
	while IFS='|' read -r key mnt; do
		if [ "$controller" = unified ] && [ -z "$key" ]; then
			echo "$mnt$path"
			return 0
		fi
		if [ -n "$key" ] && [[ ,$key, == *,$controller,* ]]; then
			echo "$mnt$path"
			return 0
		fi
	done < <(cg_hierarchies)
	echo "cg_dir: no hierarchy has $controller" >&2
	return 1
}

# Print FILE of cgroup PATH in CONTROLLER's hierarchy: cg_file CONTROLLER PATH FILE.
cg_file() {
	local dir
	dir=$(cg_dir "$1" "$2") || return 1
	cat "$dir/$3"
}

# The memory limit file's name in this mode.
cg_memory_limit_file() {
	if [ "$(cg_mode)" = v2 ]; then echo memory.max; else echo memory.limit_in_bytes; fi
}

# FROZEN or THAWED for cgroup PATH: v1 freezer.state (FREEZING counts as
# not frozen), v2 cgroup.freeze and the "frozen" key of cgroup.events (both 1).
cg_freezer_state() {
	local path=$1 dir
	if [ "$(cg_mode)" = v2 ]; then
		dir=$(cg_dir unified "$path") || return 1
		if [ "$(cat "$dir/cgroup.freeze")" = 1 ] && grep -qx 'frozen 1' "$dir/cgroup.events"; then
			echo FROZEN
		else
			echo THAWED
		fi
	else
		dir=$(cg_dir freezer "$path") || return 1
		case $(cat "$dir/freezer.state") in
		FROZEN) echo FROZEN ;;
		*) echo THAWED ;;
		esac
	fi
}

# For retry: cg_freezer_is PATH STATE.
cg_freezer_is() {
	[ "$(cg_freezer_state "$1")" = "$2" ]
}

# The pids in cgroup PATH (the pids hierarchy on v1; cgroup2 otherwise).
cg_procs() {
	local dir
	# never a hierarchy's root: that would be every process on the host
	case $1 in
	"" | /) echo "cg_procs: refusing the root cgroup" >&2; return 1 ;;
	esac
	if [ "$(cg_mode)" = v2 ]; then
		dir=$(cg_dir unified "$1")
	else
		dir=$(cg_dir pids "$1" 2>/dev/null || cg_dir freezer "$1")
	fi || return 1
	cat "$dir/cgroup.procs"
}

# Succeeds when cgroup PATH exists in every hierarchy (cg_exists_all) / in
# none (cg_absent_all); PATH may be a KEY-dependent relative path: then
# give the cgroupsPath and the id as cg_expected takes them.
cg_exists_all() {
	local key mnt p rc=0
	while IFS='|' read -r key mnt; do
		p=$(cg_expected "$key" "$1" "${2:-}")
		if [ ! -d "$mnt$p" ]; then
			echo "cgroup missing: $mnt$p" >&2
			rc=1
		fi
	done < <(cg_hierarchies)
	return $rc
}

cg_absent_all() {
	local key mnt p rc=0
	while IFS='|' read -r key mnt; do
		p=$(cg_expected "$key" "$1" "${2:-}")
		if [ -e "$mnt$p" ]; then
			echo "cgroup left behind: $mnt$p" >&2
			rc=1
		fi
	done < <(cg_hierarchies)
	return $rc
}

# Check that /proc/PID/cgroup puts PID in the container's cgroup in every
# hierarchy: cg_check_proc PID CGROUPSPATH ID.  Prints what differs.
cg_check_proc() {
	local pid=$1 path=$2 id=${3:-} key mnt want got rc=0 mode
	mode=$(cg_mode)
	while IFS='|' read -r key mnt; do
		want=$(cg_expected "$key" "$path" "$id")
		got=$(awk -F: -v k="$key" '$2 == k { sub(/^[^:]*:[^:]*:/, ""); print; exit }' "/proc/$pid/cgroup")
		if [ "$got" != "$want" ]; then
			echo "pid $pid in hierarchy [$key]: cgroup [$got], want [$want]" >&2
			rc=1
		fi
	done < <(cg_hierarchies)
	return $rc
}

# rmdir, deepest first, what a test made below each hierarchy: for the
# cgroupsPath PATH (absolute, or relative as cg_expected resolves it, with
# ID for the empty one) its first component below the base and everything
# inside it.  Never touches anything else; rmdir only (cgroupfs).
cg_cleanup() {
	local path=$1 id=${2:-} key mnt full top base
	[ -n "$path" ] || path=$id
	top=${path#/}
	top=${top%%/*}
	[ -n "$top" ] || return 0
	while IFS='|' read -r key mnt; do
		full=$(cg_expected "$key" "$path" "$id")
		base=${full%"/${path#/}"}
		[ -d "$mnt$base/$top" ] || continue
		find "$mnt$base/$top" -depth -type d -exec rmdir {} \; 2>/dev/null ||
			echo "cg_cleanup: could not remove all of $mnt$base/$top" >&2
	done < <(cg_hierarchies)
	return 0
}

# Thaw cgroup PATH (a test's own, for teardown after a failure left it frozen).
cg_thaw() {
	local dir
	case $1 in
	"" | /) return 1 ;; # never the root: not ours
	esac
	if [ "$(cg_mode)" = v2 ]; then
		dir=$(cg_dir unified "$1") && [ -e "$dir/cgroup.freeze" ] && echo 0 >"$dir/cgroup.freeze"
	else
		dir=$(cg_dir freezer "$1") && [ -e "$dir/freezer.state" ] && echo THAWED >"$dir/freezer.state"
	fi
	return 0
}
