EXTRA_DIST += %reldir%/README.md %reldir%/runtime.sh %reldir%/image.sh
