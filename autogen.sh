#!/bin/sh
# Regenerate configure and Makefile.in (needs Debian's autoconf, automake, pkg-config).
set -e
cd "$(dirname "$0")"
autoreconf -fi
