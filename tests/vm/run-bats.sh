#!/bin/bash
# Run bats suites inside the pure cgroup v2 guest (tests/vm/run-vm.sh): one
# boot for all of them.  The guest gets bash, bats (Debian's: /usr/bin/bats
# with /usr/lib/bats-core and /usr/libexec/bats-core), jq, procps' ps, the
# build's cruntime and testinit, setpriv, and this source tree's tests/ directory; it
# runs `bats --tap FILE...` as root in the cgroup /tests/runner (so that a
# relative cgroupsPath lands under /tests, runc's rule on v2) and prints the
# TAP between the lines "vm: tap begin" and "vm: tap end".  The exit status is
# bats'.
#   run-bats.sh BUILDDIR FILE.bats...     (FILEs below this tests/ directory)
# Environment: as run-vm.sh (VM_KERNEL, VM_TIMEOUT, VM_MEM); VM_CRUNTIME=PATH
# runs the suites against another runtime (e.g. runc) instead of the build's.
set -euo pipefail

builddir=${1:?usage: run-bats.sh BUILDDIR FILE.bats...}
shift
[ $# -gt 0 ] || { echo "usage: run-bats.sh BUILDDIR FILE.bats..." >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
tests=$(cd "$here/.." && pwd)
builddir=$(cd "$builddir" && pwd)

for prog in "$builddir/cruntime" "$builddir/tests/helpers/testinit"; do
	[ -x "$prog" ] || { echo "run-bats.sh: no $prog: build it first" >&2; exit 2; }
done
# the front end: inside a bats test PATH starts with its libexec/bats-core,
# whose `bats` needs the front end's environment
bats=
for b in /usr/bin/bats $(type -ap bats); do
	case $b in */libexec/*) continue ;; esac
	[ -x "$b" ] && { bats=$b; break; }
done
[ -n "$bats" ] || { echo "run-bats.sh: install the Debian package bats" >&2; exit 2; }
runtime=${VM_CRUNTIME:-$builddir/cruntime}
progs=("$runtime" "$builddir/tests/helpers/testinit" "$(command -v bash)" "$(command -v jq)")
# setpriv: the rootless suites drop to an unprivileged uid
command -v setpriv >/dev/null && progs+=("$(command -v setpriv)")
# procps' ps: runc's ps runs `ps -ef`, which busybox's ps cannot do
if ps -ef >/dev/null 2>&1; then
	progs+=("$(command -v ps)")
fi

files=()
for f in "$@"; do
	f=$(cd "$(dirname "$f")" && pwd)/$(basename "$f")
	case $f in
	"$tests"/*) files+=("/src/tests/${f#"$tests"/}") ;;
	*) echo "run-bats.sh: $f is not below $tests" >&2; exit 2 ;;
	esac
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# only what the suites read: the bats files, lib/, the fixture scripts
mkdir -p "$tmp/tests"
cp -a "$tests/lib" "$tests/runtime" "$tests/fixtures" "$tmp/tests/"

cat >"$tmp/guest.sh" <<GUEST
#!/bin/bash
export PATH=/usr/local/bin:/usr/bin:/usr/sbin:/bin:/sbin
export CT_SRCDIR=/src CT_BUILDDIR=/build
export CRUNTIME=/usr/bin/$(basename "$runtime") TESTINIT=/usr/bin/testinit
export CIMAGE=/build/cimage CBUILD=/build/cbuild
export TMPDIR=/tmp BATS_TMPDIR=/tmp HOME=/root
mkdir -p /build/tests/cache /root
# bash's process substitution needs /dev/fd (devtmpfs has none)
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
for i in 0:stdin 1:stdout 2:stderr; do
	[ -e /dev/\${i#*:} ] || ln -s /proc/self/fd/\${i%%:*} /dev/\${i#*:}
done
# the busybox rootfs the suites copy (tests/lib/helpers.bash's cache)
cp -a /bundle/rootfs /build/tests/cache/busybox-rootfs
# our own cgroup is not the root one, as on a real host
mkdir -p /sys/fs/cgroup/tests/runner
echo \$\$ >/sys/fs/cgroup/tests/runner/cgroup.procs
echo "vm: tap begin"
bats --tap ${files[*]}
rc=\$?
echo "vm: tap end"
exit \$rc
GUEST
chmod +x "$tmp/guest.sh"

VM_COPY="$tmp/tests=/src/tests $bats=/usr/bin/bats /usr/lib/bats-core=/usr/lib/bats-core /usr/libexec/bats-core=/usr/libexec/bats-core ${VM_COPY:-}" \
	"$here/run-vm.sh" "$tmp/guest.sh" "${progs[@]}"
