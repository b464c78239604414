# CT_REQUIRE_PKG(VAR, MODULES, DEBIAN-PACKAGE)
# pkg-config check that fails naming the Debian package to install.
AC_DEFUN([CT_REQUIRE_PKG], [
  PKG_CHECK_MODULES([$1], [$2], [],
    [AC_MSG_ERROR([$2 not found by pkg-config: install the Debian package $3])])
])

# CT_TRY_CFLAGS(VAR, FLAGS)
# Append to VAR each flag of FLAGS the compiler accepts (no autoconf-archive needed).
AC_DEFUN([CT_TRY_CFLAGS], [
  for ct_flag in $2; do
    AC_MSG_CHECKING([whether $CC accepts $ct_flag])
    ct_save_CFLAGS=$CFLAGS
    CFLAGS="$CFLAGS -Werror $ct_flag"
    AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [])],
      [AC_MSG_RESULT([yes]); $1="[$]$1 $ct_flag"],
      [AC_MSG_RESULT([no])])
    CFLAGS=$ct_save_CFLAGS
  done
])
