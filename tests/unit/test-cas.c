#include "common.h"

#include "cas.h"
#include "tap.h"

/* Set or unset an environment variable for one check. */
static void
setenv_or_unset (const char *name, const char *value)
{
	if (value)
		setenv (name, value, 1);
	else
		unsetenv (name);
}

static int
test_default_dir_precedence (void)
{
	ct_error_t err = NULL;
	cleanup_free char *a = NULL;
	cleanup_free char *b = NULL;

	setenv_or_unset ("CIMAGE_STORE", "/env/store");
	CHECK (ct_cas_default_dir ("/opt/store", &a, &err) == 0);
	CHECK_STR (a, "/opt/store");
	CHECK (ct_cas_default_dir (NULL, &b, &err) == 0);
	CHECK_STR (b, "/env/store");
	setenv_or_unset ("CIMAGE_STORE", NULL);
	return 0;
}

static int
test_default_dir_by_user (void)
{
	ct_error_t err = NULL;
	cleanup_free char *s = NULL;

	setenv_or_unset ("CIMAGE_STORE", NULL);
	if (geteuid () == 0) {
		CHECK (ct_cas_default_dir (NULL, &s, &err) == 0);
		CHECK_STR (s, "/var/lib/cimage");
		return 0;
	}
	setenv_or_unset ("XDG_DATA_HOME", "/xdg");
	CHECK (ct_cas_default_dir (NULL, &s, &err) == 0);
	CHECK_STR (s, "/xdg/cimage");
	free (steal_pointer (&s));
	/* A relative XDG_DATA_HOME is ignored (XDG base directory spec). */
	setenv_or_unset ("XDG_DATA_HOME", "rel");
	setenv_or_unset ("HOME", "/home/u");
	CHECK (ct_cas_default_dir (NULL, &s, &err) == 0);
	CHECK_STR (s, "/home/u/.local/share/cimage");
	free (steal_pointer (&s));
	setenv_or_unset ("HOME", "relative");
	CHECK (ct_cas_default_dir (NULL, &s, &err) == -1);
	CHECK_ERR (err, "`HOME` is not an absolute path");
	ct_error_release (&err);
	return 0;
}

int
main (void)
{
	static const struct tap_test tests[] = {
		TAP_TEST (test_default_dir_precedence),
		TAP_TEST (test_default_dir_by_user),
	};
	return tap_run (tests, TAP_COUNT (tests));
}
