#!/bin/sh
# Runs inside the pure cgroup v2 guest (tests/vm/run-vm.sh): cruntime from
# /usr/bin on the busybox bundle at /bundle.  Prints "ok N - what" or
# "not ok N - what: detail" per check; exits 1 when any check failed.
failed=0
n=0
check() {
	n=$((n + 1))
	if [ "$1" = "$2" ]; then
		echo "ok $n - $3"
	else
		echo "not ok $n - $3: got [$1], want [$2]"
		failed=1
	fi
}

cd /bundle || exit 1
cruntime spec || exit 1
# busybox sed: terminal off, then each test sets args
sed -i 's/"terminal": true/"terminal": false/' config.json
# the spec's args block spans lines the first time, one line afterwards
set_args() {
	if grep -q '"args": \[$' config.json; then
		sed -i "/\"args\": \[\$/,/\]/c\\		\"args\": [$1]," config.json
	else
		sed -i "s|^\t*\"args\": \[.*\],\$|		\"args\": [$1],|" config.json
	fi
}

check "$(grep -o memory /sys/fs/cgroup/cgroup.controllers)" memory "the guest is a pure cgroup v2 host with the memory controller"
check "$(ls -d /sys/fs/cgroup/cpu 2>/dev/null)" "" "no cgroup v1 hierarchy"

set_args '"echo", "hello from v2"'
check "$(cruntime --root /run/ct run ct1 2>/dev/null)" "hello from v2" "run prints the container's output"

set_args '"sh", "-c", "exit 42"'
cruntime --root /run/ct run ct2 2>/dev/null
check "$?" 42 "the exit status passes through"

set_args '"sh", "-c", "grep -c cgroup /proc/self/mountinfo; cat /proc/self/cgroup"'
out=$(cruntime --root /run/ct run ct3 2>/dev/null | tr '\n' ' ')
check "$out" "1 0::/ct3 " "one cgroup mount inside; v2's single /proc/self/cgroup line: the container's cgroup"

set_args '"sh", "-c", "echo $$; hostname"'
out=$(cruntime --root /run/ct run ct4 2>/dev/null | tr '\n' ' ')
check "$out" "1 runc " "pid 1 and the config's hostname"

check "$(ls /run/ct)" "" "nothing left under --root"
exit $failed
