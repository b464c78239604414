#!/bin/bash
# Pack an initramfs for a throw-away test guest (tests/vm/run-vm.sh):
# busybox-static as the userland, the given programs with the shared libraries
# they load (found with ldd), a busybox bundle at /bundle, and SCRIPT as
# /test.sh.  VM_COPY="SRC=DEST ..." copies more files or trees in (cp -a,
# DEST absolute in the guest).  The guest's /init mounts a pure cgroup v2 hierarchy with every
# controller, runs /test.sh and reports its exit status on the console.
#   mk-initramfs.sh OUT.cpio.gz SCRIPT [PROGRAM...]
set -euo pipefail

out=${1:?usage: mk-initramfs.sh OUT.cpio.gz SCRIPT [PROGRAM...]}
script=${2:?usage: mk-initramfs.sh OUT.cpio.gz SCRIPT [PROGRAM...]}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
busybox=${BUSYBOX:-/bin/busybox}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,run,usr/bin,usr/sbin,usr/lib,lib64}
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
	[ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done

# PROGRAM goes to /usr/bin/NAME, the libraries it loads (ldd) to their own paths
add_program() {
	local f lib
	f=$(readlink -f "$1")
	cp "$f" "$root/usr/bin/$(basename "$1")"
	for lib in $(ldd "$f" 2>/dev/null | grep -o '/[^ ]*' || true); do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}
for prog in "$@"; do
	add_program "$prog"
done
# scripts say #!/usr/bin/env bash, some #!/bin/bash
[ -e "$root/usr/bin/env" ] || ln -s ../../bin/busybox "$root/usr/bin/env"
if [ -e "$root/usr/bin/bash" ] && [ ! -e "$root/bin/bash" ]; then
	ln -s ../usr/bin/bash "$root/bin/bash"
fi
for pair in ${VM_COPY:-}; do
	mkdir -p "$root$(dirname "${pair#*=}")"
	cp -a "${pair%%=*}" "$root${pair#*=}"
done

"$here/../fixtures/mk-busybox-rootfs.sh" "$root/bundle/rootfs" >/dev/null
cp "$script" "$root/test.sh"
chmod +x "$root/test.sh"

# pid 1 of the guest.  pivot_root(2) cannot leave the initramfs (rootfs), so
# the first stage copies the userland to a tmpfs and switches to it.
cat >"$root/init" <<'INIT'
#!/bin/sh
export PATH=/usr/bin:/usr/sbin:/bin:/sbin
mount -t tmpfs -o mode=0755 tmpfs /newroot 2>/dev/null || { mkdir /newroot && mount -t tmpfs -o mode=0755 tmpfs /newroot; }
for d in $(ls /); do
	case $d in proc | sys | dev | tmp | run | newroot | init) continue ;; esac
	[ -e "/$d" ] && cp -a "/$d" /newroot/
done
mkdir -p /newroot/proc /newroot/sys /newroot/dev /newroot/tmp /newroot/run
exec switch_root /newroot /stage2
INIT
cat >"$root/stage2" <<'INIT'
#!/bin/sh
# a pure cgroup v2 host, then /test.sh; its status is the line "vm: exit status N"
export PATH=/usr/bin:/usr/sbin:/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t cgroup2 cgroup2 /sys/fs/cgroup
# the LSMs the kernel has (its AppArmor: security-lsm.bats runs there)
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null || true
echo "vm: kernel $(uname -r), cgroup2 controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
/test.sh
echo "vm: exit status $?"
poweroff -f
INIT
chmod +x "$root/stage2"
chmod +x "$root/init"

(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out"
