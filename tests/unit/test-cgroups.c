/* runtime/cgroups.c: where cgroupsPath puts the container on this host
   (runc's rules), the saved plan, and the paths ".." cannot climb out of.
   Reads the host's layout; creates nothing. */
#include "common.h"

#include <sys/stat.h>

#include "cgroups.h"
#include "fs.h"
#include "tap.h"

/* Our own cgroup in the hierarchy h, from /proc/self/cgroup (v1: the line
   naming its controllers; v2: the 0:: line). */
static char *
own_cgroup (const struct rt_cg_hier *h)
{
	cleanup_free char *self = NULL;
	ct_error_t err = NULL;
	size_t len;
	char *line, *save = NULL;

	if (ct_fs_read_all_at (AT_FDCWD, "/proc/self/cgroup", 1 << 20, &self, &len, &err) < 0) {
		ct_error_release (&err);
		return NULL;
	}
	for (line = strtok_r (self, "\n", &save); line; line = strtok_r (NULL, "\n", &save)) {
		char *c1 = strchr (line, ':'), *c2 = c1 ? strchr (c1 + 1, ':') : NULL;
		if (c2 == NULL)
			continue;
		*c2 = '\0';
		if (h->v2 ? c1[1] == '\0' : strcmp (c1 + 1, h->controllers) == 0)
			return xstrdup (c2 + 1);
	}
	return NULL;
}

static int
test_absolute (void)
{
	struct rt_cgroup cg;
	ct_error_t err = NULL;
	size_t i;

	if (rt_cg_plan (&cg, "/a/./b//../c/", "id", &err) < 0) {
		printf ("# %s\n", err->msg);
		ct_error_release (&err);
		return TAP_SKIP; /* no cgroup file system here */
	}
	CHECK (cg.n > 0);
	for (i = 0; i < cg.n; i++)
		CHECK_STR (cg.h[i].path, "/a/c");
	rt_cg_release (&cg);
	/* ".." never climbs above the root */
	CHECK (rt_cg_plan (&cg, "/../../x", "id", &err) == 0);
	for (i = 0; i < cg.n; i++)
		CHECK_STR (cg.h[i].path, "/x");
	rt_cg_release (&cg);
	return 0;
}

static int
test_relative_and_default (void)
{
	static const char *const inputs[] = { "rel/ct", "../../../rel/ct", NULL };
	ct_error_t err = NULL;
	size_t i, k;

	for (k = 0; k < 3; k++) {
		struct rt_cgroup cg;

		if (rt_cg_plan (&cg, inputs[k], "myid", &err) < 0) {
			ct_error_release (&err);
			return TAP_SKIP;
		}
		for (i = 0; i < cg.n; i++) {
			cleanup_free char *own = own_cgroup (&cg.h[i]);
			cleanup_free char *want = NULL;
			const char *base;
			char *slash;

			CHECK (own != NULL);
			/* v2 (pure): under the parent of our own cgroup (runc) */
			if (cg.mode == RT_CG_UNIFIED) {
				slash = strrchr (own, '/');
				if (slash != NULL && slash != own)
					*slash = '\0';
				else
					own[1] = '\0';
			}
			base = strcmp (own, "/") == 0 ? "" : own;
			/* "../" at the start is dropped: never above where it starts */
			xasprintf (&want, "%s/%s", base, inputs[k] ? "rel/ct" : "myid");
			CHECK_STR (cg.h[i].path, want);
		}
		rt_cg_release (&cg);
	}
	return 0;
}

static int
test_bad_paths (void)
{
	struct rt_cgroup cg;
	ct_error_t err = NULL;

	CHECK (rt_cg_plan (&cg, "/", "id", &err) < 0);
	CHECK_ERR (err, "is a hierarchy's root");
	ct_error_release (&err);
	rt_cg_release (&cg);
	CHECK (rt_cg_plan (&cg, "/a\nb", "id", &err) < 0);
	CHECK_ERR (err, "linux.cgroupsPath");
	ct_error_release (&err);
	rt_cg_release (&cg);
	return 0;
}

/* What create saves is what later commands load. */
static int
test_save_load (void)
{
	char dir[] = "/tmp/test-cgroups.XXXXXX";
	cleanup_close int dirfd = -1;
	struct rt_cgroup cg, back;
	ct_error_t err = NULL;
	size_t i;

	if (rt_cg_plan (&cg, "/ct-unit-test-never-made/x", "id", &err) < 0) {
		ct_error_release (&err);
		return TAP_SKIP;
	}
	CHECK (mkdtemp (dir) != NULL);
	dirfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK (dirfd >= 0);
	CHECK (rt_cg_save (&cg, dirfd, &err) == 0);
	CHECK (rt_cg_load (&back, dirfd, &err) == 0);
	CHECK (back.mode == cg.mode);
	CHECK (back.n == cg.n);
	for (i = 0; i < cg.n; i++) {
		CHECK_STR (back.h[i].mount, cg.h[i].mount);
		CHECK_STR (back.h[i].path, cg.h[i].path);
		CHECK (back.h[i].v2 == cg.h[i].v2);
		CHECK (back.h[i].dirfd == -1); /* never created */
	}
	rt_cg_release (&back);
	rt_cg_release (&cg);
	unlinkat (dirfd, "cgroup", 0);
	rmdir (dir);
	/* no saved plan: ENOENT, the "no cgroup" answer */
	CHECK (rt_cg_load (&back, dirfd, &err) < 0);
	CHECK (ct_error_status (err) == ENOENT);
	ct_error_release (&err);
	rt_cg_release (&back);
	return 0;
}

static const struct tap_test tests[] = {
	TAP_TEST (test_absolute),
	TAP_TEST (test_relative_and_default),
	TAP_TEST (test_bad_paths),
	TAP_TEST (test_save_load),
};

int
main (void)
{
	return tap_run (tests, TAP_COUNT (tests));
}
