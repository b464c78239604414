#include "common.h"

#include <dirent.h>
#include <sys/stat.h>

#include "fs.h"
#include "tap.h"

/* Fixture: TMP/root is the untrusted root, TMP/outside a host directory that
   must never change.  Built fresh for every test. */
static char tmp[64];
static char root[96];
static char outside[96];
static int rootfd = -1;

static void
put (const char *path, const char *text)
{
	int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write (fd, text, strlen (text)) != (ssize_t) strlen (text))
		abort ();
	close (fd);
}

static void
link_at (const char *target, const char *name)
{
	cleanup_free char *p = NULL;
	xasprintf (&p, "%s/%s", root, name);
	if (symlink (target, p) < 0)
		abort ();
}

static int
setup (void)
{
	cleanup_free char *p = NULL;

	snprintf (tmp, sizeof tmp, "/tmp/ct-test-fs-XXXXXX");
	if (mkdtemp (tmp) == NULL)
		return -1;
	snprintf (root, sizeof root, "%s/root", tmp);
	snprintf (outside, sizeof outside, "%s/outside", tmp);
	if (mkdir (root, 0755) < 0 || mkdir (outside, 0755) < 0)
		return -1;
	xasprintf (&p, "%s/etc", root);
	if (mkdir (p, 0755) < 0)
		return -1;
	free (p);
	xasprintf (&p, "%s/etc/passwd", root);
	put (p, "inside");
	free (p);
	xasprintf (&p, "%s/a", root);
	mkdir (p, 0755);
	free (p);
	xasprintf (&p, "%s/a/b", root);
	mkdir (p, 0755);
	free (p);
	xasprintf (&p, "%s/marker", outside);
	put (p, "outside");
	rootfd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return rootfd < 0 ? -1 : 0;
}

static void
teardown (void)
{
	ct_error_t err = NULL;
	if (rootfd >= 0)
		close (rootfd);
	rootfd = -1;
	if (ct_fs_rm_rf_at (AT_FDCWD, tmp, &err) < 0)
		ct_error_release (&err);
}

/* TMP/outside holds only its marker, and TMP only root and outside. */
static bool
outside_untouched (void)
{
	cleanup_dir DIR *d = opendir (outside);
	cleanup_dir DIR *t = opendir (tmp);
	struct dirent *de;
	int n = 0;

	if (d == NULL || t == NULL)
		return false;
	while ((de = readdir (d)) != NULL)
		if (strcmp (de->d_name, ".") && strcmp (de->d_name, ".."))
			n += strcmp (de->d_name, "marker") == 0 ? 1 : 100;
	while ((de = readdir (t)) != NULL)
		if (strcmp (de->d_name, ".") && strcmp (de->d_name, "..") && strcmp (de->d_name, "root") &&
		    strcmp (de->d_name, "outside"))
			n += 100;
	return n == 1;
}

static bool
reads (const char *path, const char *want)
{
	ct_error_t err = NULL;
	cleanup_close int fd = ct_fs_openat_beneath (rootfd, path, O_RDONLY, 0, &err);
	char buf[64] = { 0 };

	if (fd < 0) {
		printf ("# open `%s`: %s (%d)\n", path, err->msg, err->status);
		ct_error_release (&err);
		return false;
	}
	if (read (fd, buf, sizeof buf - 1) < 0)
		return false;
	if (strcmp (buf, want) != 0)
		printf ("# `%s` reads \"%s\"\n", path, buf);
	return strcmp (buf, want) == 0;
}

static int
fails_with (const char *path, int flags, int want)
{
	ct_error_t err = NULL;
	int fd = ct_fs_openat_beneath (rootfd, path, flags, 0644, &err);

	if (fd >= 0) {
		printf ("# open `%s` succeeded\n", path);
		close (fd);
		return -1;
	}
	if (err->status != want)
		printf ("# open `%s`: %s (%d), expected %d\n", path, err->msg, err->status, want);
	CHECK (err->status == want);
	CHECK_ERR (err, "beneath root");
	ct_error_release (&err);
	return 0;
}

/* ---- beneath tests: each body runs with openat2 and with CT_NO_OPENAT2=1 ---- */

static int
beneath_plain (void)
{
	CHECK (reads ("etc/passwd", "inside"));
	CHECK (reads ("/etc/passwd", "inside"));
	CHECK (reads ("./a/../etc//passwd", "inside"));
	CHECK (fails_with ("etc/missing", O_RDONLY, ENOENT) == 0);
	CHECK (fails_with ("etc/passwd/x", O_RDONLY, ENOTDIR) == 0);
	return 0;
}

static int
beneath_dotdot (void)
{
	CHECK (reads ("../../etc/passwd", "inside"));
	CHECK (reads ("a/b/../../../../../../etc/passwd", "inside"));
	CHECK (reads ("/../../../etc/passwd", "inside"));
	/* `..` resolves to the root itself at most */
	CHECK (fails_with ("../outside/marker", O_RDONLY, ENOENT) == 0);
	return 0;
}

static int
beneath_abs_symlink (void)
{
	link_at ("/etc", "abs");
	link_at ("/etc/passwd", "a/b/pw");
	CHECK (reads ("abs/passwd", "inside"));
	CHECK (reads ("a/b/pw", "inside"));
	return 0;
}

static int
beneath_relative_chain (void)
{
	cleanup_free char *host = NULL;

	/* each hop climbs further than the root could allow */
	link_at ("../../../../../../etc", "a/b/up");
	link_at ("../a/b/up", "a/hop");
	link_at ("a/hop/passwd", "chain");
	CHECK (reads ("chain", "inside"));
	CHECK (reads ("a/b/up/passwd", "inside"));
	/* a relative link to the real outside directory stays in the root */
	link_at ("../outside/marker", "esc");
	CHECK (fails_with ("esc", O_RDONLY, ENOENT) == 0);
	/* and so does an absolute one to the host path */
	xasprintf (&host, "%s/marker", outside);
	link_at (host, "esc2");
	CHECK (fails_with ("esc2", O_RDONLY, ENOENT) == 0);
	return 0;
}

static int
beneath_loop (void)
{
	link_at ("loop2", "loop1");
	link_at ("loop1", "loop2");
	link_at ("self/x", "self");
	CHECK (fails_with ("loop1", O_RDONLY, ELOOP) == 0);
	CHECK (fails_with ("loop1/x", O_RDONLY, ELOOP) == 0);
	CHECK (fails_with ("self", O_RDONLY, ELOOP) == 0);
	return 0;
}

static int
beneath_magic_link (void)
{
	ct_error_t err = NULL;
	cleanup_close int procfd = open ("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int fd;

	CHECK (procfd >= 0);
	/* the plain /proc/self symlink is fine */
	fd = ct_fs_openat_beneath (procfd, "self/status", O_RDONLY, 0, &err);
	CHECK (fd >= 0);
	close (fd);
	fd = ct_fs_openat_beneath (procfd, "self/root/etc/passwd", O_RDONLY, 0, &err);
	CHECK (fd < 0);
	CHECK (err->status == ELOOP);
	ct_error_release (&err);
	fd = ct_fs_openat_beneath (procfd, "thread-self/cwd", O_PATH, 0, &err);
	CHECK (fd < 0);
	CHECK (err->status == ELOOP);
	ct_error_release (&err);
	fd = ct_fs_openat_beneath (procfd, "self/fd/0", O_RDONLY, 0, &err);
	CHECK (fd < 0);
	CHECK (err->status == ELOOP);
	ct_error_release (&err);
	/* a link in the root to the magic path resolves inside the root */
	link_at ("/proc/self/root/etc/passwd", "magic");
	CHECK (fails_with ("magic", O_RDONLY, ENOENT) == 0);
	return 0;
}

static int
beneath_creat (void)
{
	ct_error_t err = NULL;
	cleanup_free char *host = NULL;
	cleanup_free char *p = NULL;
	struct stat st;
	int fd;

	/* dangling links pointing outside: created inside the root, or not at all */
	xasprintf (&host, "%s/newfile", outside);
	link_at (host, "dangle");
	CHECK (fails_with ("dangle", O_WRONLY | O_CREAT, ENOENT) == 0);
	link_at ("../../outside/newfile", "dangle2");
	CHECK (fails_with ("dangle2", O_WRONLY | O_CREAT, ENOENT) == 0);
	link_at ("/created", "dangle3");
	fd = ct_fs_openat_beneath (rootfd, "dangle3", O_WRONLY | O_CREAT, 0600, &err);
	CHECK (fd >= 0);
	CHECK (write (fd, "x", 1) == 1);
	close (fd);
	xasprintf (&p, "%s/created", root);
	CHECK (lstat (p, &st) == 0 && S_ISREG (st.st_mode) && st.st_size == 1);
	/* plain creation, O_EXCL on an existing file */
	fd = ct_fs_openat_beneath (rootfd, "../a/new", O_WRONLY | O_CREAT | O_EXCL, 0600, &err);
	CHECK (fd >= 0);
	close (fd);
	CHECK (fails_with ("a/new", O_WRONLY | O_CREAT | O_EXCL, EEXIST) == 0);
	/* O_EXCL does not follow a final symlink */
	link_at ("/created2", "exlink");
	CHECK (fails_with ("exlink", O_WRONLY | O_CREAT | O_EXCL, EEXIST) == 0);
	free (p);
	xasprintf (&p, "%s/created2", root);
	CHECK (lstat (p, &st) == -1 && errno == ENOENT);
	/* O_NOFOLLOW on a final symlink */
	link_at ("/etc/passwd", "nofollow");
	CHECK (fails_with ("nofollow", O_RDONLY | O_NOFOLLOW, ELOOP) == 0);
	CHECK (outside_untouched ());
	return 0;
}

static int
beneath_mkdir_p (void)
{
	ct_error_t err = NULL;
	cleanup_free char *p = NULL;
	cleanup_free char *q = NULL;
	cleanup_free char *r = NULL;
	struct stat st;
	int fd;

	link_at (outside, "sym");
	link_at ("../outside", "rsym");
	fd = ct_fs_mkdir_p_beneath (rootfd, "sym/x/y", 0755, &err);
	CHECK (fd >= 0);
	CHECK (fstat (fd, &st) == 0 && S_ISDIR (st.st_mode));
	close (fd);
	fd = ct_fs_mkdir_p_beneath (rootfd, "/rsym/../../rsym/z", 0755, &err);
	CHECK (fd >= 0);
	close (fd);
	/* existing: fine, and returns the directory */
	fd = ct_fs_mkdir_p_beneath (rootfd, "a/b", 0755, &err);
	CHECK (fd >= 0);
	close (fd);
	CHECK (outside_untouched ());
	xasprintf (&p, "%s%s/x/y", root, outside);
	CHECK (stat (p, &st) == 0 && S_ISDIR (st.st_mode));
	xasprintf (&q, "%s/outside/z", root);
	CHECK (stat (q, &st) == 0 && S_ISDIR (st.st_mode));
	/* a file in the way */
	fd = ct_fs_mkdir_p_beneath (rootfd, "etc/passwd/sub", 0755, &err);
	CHECK (fd < 0);
	CHECK (err->status == ENOTDIR);
	CHECK_ERR (err, "create directory `etc/passwd/sub` beneath root");
	ct_error_release (&err);
	xasprintf (&r, "%s/etc/passwd", root);
	CHECK (stat (r, &st) == 0 && S_ISREG (st.st_mode));
	return 0;
}

static int
run_beneath (int (*body) (void), bool openat2)
{
	int r;

	if (openat2)
		unsetenv ("CT_NO_OPENAT2");
	else
		setenv ("CT_NO_OPENAT2", "1", 1);
	if (openat2 && !ct_fs_have_openat2 ())
		return TAP_SKIP;
	if (!openat2 && ct_fs_have_openat2 ())
		return -1;
	if (setup () < 0)
		return -1;
	r = body ();
	if (r == 0 && !outside_untouched ())
		r = -1;
	teardown ();
	unsetenv ("CT_NO_OPENAT2");
	return r;
}

#define BENEATH(name)                             \
	static int name##_openat2 (void)          \
	{                                         \
		return run_beneath (name, true);  \
	}                                         \
	static int name##_fallback (void)         \
	{                                         \
		return run_beneath (name, false); \
	}

BENEATH (beneath_plain)
BENEATH (beneath_dotdot)
BENEATH (beneath_abs_symlink)
BENEATH (beneath_relative_chain)
BENEATH (beneath_loop)
BENEATH (beneath_magic_link)
BENEATH (beneath_creat)
BENEATH (beneath_mkdir_p)

/* ---- host-side helpers ---- */

static int
test_read_all (void)
{
	ct_error_t err = NULL;
	cleanup_close int dfd = -1;
	cleanup_free char *buf = NULL;
	cleanup_free char *p = NULL;
	size_t len = 0;

	CHECK (setup () == 0);
	dfd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK (ct_fs_read_all_at (dfd, "etc/passwd", 100, &buf, &len, &err) == 0);
	CHECK (len == 6);
	CHECK_STR (buf, "inside");
	CHECK (ct_fs_read_all_at (dfd, "etc/passwd", 6, &p, &len, &err) == 0);
	CHECK (ct_fs_read_all_at (dfd, "etc/passwd", 5, &p, &len, &err) == -1);
	CHECK_STR (err->msg, "read `etc/passwd`: larger than 5 bytes");
	CHECK (err->status == EFBIG);
	ct_error_release (&err);
	CHECK (ct_fs_read_all_at (dfd, "nope", 5, &p, &len, &err) == -1);
	CHECK_STR (err->msg, "open `nope`");
	CHECK (err->status == ENOENT);
	ct_error_release (&err);
	teardown ();
	return 0;
}

static int
count_entries (int dfd)
{
	cleanup_dir DIR *d = fdopendir (openat (dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir (d)) != NULL)
		if (strcmp (de->d_name, ".") && strcmp (de->d_name, ".."))
			n++;
	return n;
}

static int
test_write_atomic (void)
{
	ct_error_t err = NULL;
	cleanup_close int dfd = -1;
	cleanup_free char *buf = NULL;
	struct stat st;
	size_t len;

	CHECK (setup () == 0);
	dfd = open (outside, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK (ct_fs_write_atomic_at (dfd, "state.json", "{}", 2, 0600, &err) == 0);
	CHECK (fstatat (dfd, "state.json", &st, 0) == 0 && (st.st_mode & 07777) == 0600);
	CHECK (ct_fs_write_atomic_at (dfd, "state.json", "{\"a\":1}", 7, 0640, &err) == 0);
	CHECK (ct_fs_read_all_at (dfd, "state.json", 100, &buf, &len, &err) == 0);
	CHECK_STR (buf, "{\"a\":1}");
	CHECK (fstatat (dfd, "state.json", &st, 0) == 0 && (st.st_mode & 07777) == 0640);
	CHECK (count_entries (dfd) == 2); /* marker + state.json, no temporary left */

	/* into a subdirectory */
	CHECK (mkdirat (dfd, "sub", 0755) == 0);
	CHECK (ct_fs_write_atomic_at (dfd, "sub/x", "y", 1, 0644, &err) == 0);
	CHECK (fstatat (dfd, "sub/x", &st, 0) == 0 && st.st_size == 1);

	/* failure: rename over a non-empty directory; old content intact, no temporary */
	CHECK (mkdirat (dfd, "dir", 0755) == 0);
	CHECK (ct_fs_write_atomic_at (dfd, "dir/keep", "k", 1, 0644, &err) == 0);
	CHECK (ct_fs_write_atomic_at (dfd, "dir", "z", 1, 0644, &err) == -1);
	CHECK_STR (err->msg, "write `dir`");
	CHECK (err->status == EISDIR);
	ct_error_release (&err);
	CHECK (fstatat (dfd, "dir/keep", &st, 0) == 0);
	CHECK (count_entries (dfd) == 4);
	/* missing directory */
	CHECK (ct_fs_write_atomic_at (dfd, "nodir/x", "z", 1, 0644, &err) == -1);
	CHECK_ERR (err, "write `nodir/x`: open directory `nodir`");
	ct_error_release (&err);
	teardown ();
	return 0;
}

static int
test_mkdir_p (void)
{
	ct_error_t err = NULL;
	cleanup_close int dfd = -1;
	struct stat st;

	CHECK (setup () == 0);
	dfd = open (outside, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK (ct_fs_mkdir_p_at (dfd, "a/b//c/", 0750, &err) == 0);
	CHECK (fstatat (dfd, "a/b/c", &st, 0) == 0 && S_ISDIR (st.st_mode));
	CHECK (ct_fs_mkdir_p_at (dfd, "a/b/c", 0750, &err) == 0);
	CHECK (ct_fs_mkdir_p_at (dfd, "marker/x", 0750, &err) == -1);
	CHECK_STR (err->msg, "create directory `marker`");
	CHECK (err->status == ENOTDIR);
	ct_error_release (&err);
	teardown ();
	return 0;
}

static int
test_rm_rf (void)
{
	ct_error_t err = NULL;
	cleanup_close int dfd = -1;
	cleanup_free char *p = NULL;
	cleanup_free char *m = NULL;
	struct stat st;

	CHECK (setup () == 0);
	/* links to the outside dir and file, nested ones too */
	link_at (outside, "out");
	link_at (outside, "a/b/out");
	xasprintf (&m, "%s/marker", outside);
	link_at (m, "a/mark");
	xasprintf (&p, "%s/a/b/deep", root);
	CHECK (mkdir (p, 0700) == 0);
	dfd = open (tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK (ct_fs_rm_rf_at (dfd, "root", &err) == 0);
	CHECK (fstatat (dfd, "root", &st, AT_SYMLINK_NOFOLLOW) == -1 && errno == ENOENT);
	CHECK (stat (m, &st) == 0 && st.st_size == 7);
	CHECK (ct_fs_rm_rf_at (dfd, "root", &err) == 0); /* already gone */
	/* a symlink at the top is removed as a link */
	CHECK (symlinkat (outside, dfd, "top") == 0);
	CHECK (ct_fs_rm_rf_at (dfd, "top", &err) == 0);
	CHECK (stat (m, &st) == 0);
	CHECK (fstatat (dfd, "top", &st, AT_SYMLINK_NOFOLLOW) == -1);
	/* a single file */
	CHECK (ct_fs_rm_rf_at (dfd, "outside/marker", &err) == 0);
	CHECK (stat (m, &st) == -1 && errno == ENOENT);
	close (rootfd);
	rootfd = -1;
	teardown ();
	CHECK (stat (tmp, &st) == -1 && errno == ENOENT);
	return 0;
}

int
main (void)
{
	static const struct tap_test tests[] = {
		TAP_TEST (beneath_plain_openat2),
		TAP_TEST (beneath_plain_fallback),
		TAP_TEST (beneath_dotdot_openat2),
		TAP_TEST (beneath_dotdot_fallback),
		TAP_TEST (beneath_abs_symlink_openat2),
		TAP_TEST (beneath_abs_symlink_fallback),
		TAP_TEST (beneath_relative_chain_openat2),
		TAP_TEST (beneath_relative_chain_fallback),
		TAP_TEST (beneath_loop_openat2),
		TAP_TEST (beneath_loop_fallback),
		TAP_TEST (beneath_magic_link_openat2),
		TAP_TEST (beneath_magic_link_fallback),
		TAP_TEST (beneath_creat_openat2),
		TAP_TEST (beneath_creat_fallback),
		TAP_TEST (beneath_mkdir_p_openat2),
		TAP_TEST (beneath_mkdir_p_fallback),
		TAP_TEST (test_read_all),
		TAP_TEST (test_write_atomic),
		TAP_TEST (test_mkdir_p),
		TAP_TEST (test_rm_rf),
	};
	return tap_run (tests, TAP_COUNT (tests));
}
