#!/usr/bin/env bats
# configure: a missing library is named with the Debian package to install.

load ../lib/helpers

setup() {
	WORK=$(mktemp -d "${BATS_TMPDIR:-/tmp}/ct-configure.XXXXXX")
	[ -x "$CT_SRCDIR/configure" ] || skip "no configure script in $CT_SRCDIR (run ./autogen.sh)"
}

teardown() {
	rm -rf "$WORK"
}

# A pkg-config that hides module $1 and passes everything else to the real one.
fake_pkg_config() {
	cat >"$WORK/pkg-config" <<SH
#!/bin/sh
for a in "\$@"; do
	case "\$a" in
	$1*) exit 1 ;;
	esac
done
exec $(command -v pkg-config) "\$@"
SH
	chmod +x "$WORK/pkg-config"
}

@test "configure names the Debian package of each missing library" {
	requires pkg-config
	local pair module package
	for pair in yajl:libyajl-dev libseccomp:libseccomp-dev libcap:libcap-dev \
		libcurl:libcurl4-openssl-dev libarchive:libarchive-dev libcrypto:libssl-dev; do
		module=${pair%%:*}
		package=${pair#*:}
		fake_pkg_config "$module"
		mkdir -p "$WORK/build-$module"
		cd "$WORK/build-$module"
		sane_run env PKG_CONFIG="$WORK/pkg-config" "$CT_SRCDIR/configure" -q
		[ "$status" -ne 0 ]
		[[ "$output" == *"install the Debian package $package"* ]]
	done
}
