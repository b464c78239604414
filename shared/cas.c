#include "common.h"

#include "cas.h"

int
ct_cas_default_dir (const char *opt, char **out, ct_error_t *err)
{
	const char *env = getenv ("CIMAGE_STORE");
	const char *xdg = getenv ("XDG_DATA_HOME");
	const char *home = getenv ("HOME");

	if (opt != NULL && opt[0] != '\0') {
		*out = xstrdup (opt);
		return 0;
	}
	if (env != NULL && env[0] != '\0') {
		*out = xstrdup (env);
		return 0;
	}
	if (geteuid () == 0) {
		*out = xstrdup ("/var/lib/cimage");
		return 0;
	}
	/* XDG base directory spec: a relative XDG_DATA_HOME is invalid and ignored. */
	if (xdg != NULL && xdg[0] == '/') {
		xasprintf (out, "%s/cimage", xdg);
		return 0;
	}
	if (home == NULL || home[0] != '/')
		return ct_make_error (err, 0, "find the default store: `HOME` is not an absolute path; use --store");
	xasprintf (out, "%s/.local/share/cimage", home);
	return 0;
}
