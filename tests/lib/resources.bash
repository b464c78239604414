# Shared by the resource suites (cgroup-resources.bats, update.bats): the
# container's cgroupsPath is "/$CGNAME", read back per interface (v1 on a v1 or
# hybrid host, v2 in the pure cgroup v2 qemu guest).  `load ../lib/resources`
# after `load ../lib/helpers`.

# teardown: the bundle, then rmdir what is left of /$CGNAME (nothing when
# setup skipped before naming it).
resources_teardown() {
	teardown_bundle
	local d
	[ -n "${CGNAME:-}" ] || return 0
	for d in /sys/fs/cgroup/*/"$CGNAME" /sys/fs/cgroup/"$CGNAME"; do
		[ -d "$d" ] && rmdir "$d"
	done
	return 0
}

cg_v2() {
	[ -f /sys/fs/cgroup/cgroup.controllers ]
}

# cg_file CONTROLLER V1FILE V2FILE: the file of the container's cgroup.
cg_file() {
	if cg_v2; then
		echo "/sys/fs/cgroup/$CGNAME/$3"
	else
		echo "/sys/fs/cgroup/$1/$CGNAME/$2"
	fi
}

# cg_read CONTROLLER V1FILE V2FILE: its first line.
cg_read() {
	head -n1 "$(cg_file "$@")"
}
