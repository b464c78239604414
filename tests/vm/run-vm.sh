#!/bin/bash
# Boot a throw-away guest with Debian's cloud kernel under qemu software
# emulation (no KVM: nested KVM hangs on these machines) and run SCRIPT in it
# on a pure cgroup v2 hierarchy.  The guest's console goes to stdout; the exit
# status is the script's.
#   run-vm.sh SCRIPT [PROGRAM...]      (PROGRAMs are copied in with their libraries)
# Environment: VM_KERNEL (default: the newest /boot/vmlinuz-*-cloud-amd64),
# VM_TIMEOUT seconds (default 300), VM_MEM (default 1024M).
set -euo pipefail

script=${1:?usage: run-vm.sh SCRIPT [PROGRAM...]}
shift
here=$(cd "$(dirname "$0")" && pwd)
kernel=${VM_KERNEL:-$(ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sort -V | tail -n1)}
if [ -z "$kernel" ] || [ ! -r "$kernel" ]; then
	echo "run-vm.sh: no cloud kernel: install the Debian package linux-image-cloud-amd64" >&2
	exit 2
fi
command -v qemu-system-x86_64 >/dev/null || {
	echo "run-vm.sh: install the Debian package qemu-system-x86" >&2
	exit 2
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$here/mk-initramfs.sh" "$tmp/initrd.gz" "$script" "$@"

# cgroup_no_v1=all: every controller on the v2 hierarchy, as on most real hosts
timeout "${VM_TIMEOUT:-300}" qemu-system-x86_64 -cpu max -m "${VM_MEM:-1024M}" -smp 2 \
	-nographic -no-reboot -nodefaults -serial stdio -monitor none \
	-kernel "$kernel" -initrd "$tmp/initrd.gz" \
	-append "console=ttyS0 panic=-1 quiet cgroup_no_v1=all rdinit=/init" \
	</dev/null | tee "$tmp/console" | tr -d '\r'
status=$(tr -d '\r' <"$tmp/console" | sed -n 's/^vm: exit status \([0-9]*\)$/\1/p' | tail -n1)
[ -n "$status" ] || { echo "run-vm.sh: the guest did not report an exit status" >&2; exit 2; }
exit "$status"
