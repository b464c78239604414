#include "common.h"

#include <sys/stat.h>
#include <sys/mman.h>
#include <time.h>

#include "fs.h"
#include "rootfs-record.h"
#include "tap-fs.h"
#include "tap.h"

/* The record of dirfd as text (malloc'd). */
static char *
record_of (int dirfd)
{
	ct_error_t err = NULL;
	char *buf = NULL;
	size_t len;
	int fd = memfd_create ("record", MFD_CLOEXEC);

	if (fd < 0 || ct_rootfs_record_write (dirfd, fd, &err) < 0 || lseek (fd, 0, SEEK_SET) < 0 ||
	    ct_fs_read_all_fd (fd, 1 << 20, &buf, &len, &err) < 0) {
		ct_error_release (&err);
		buf = NULL;
	}
	if (fd >= 0)
		close (fd);
	return buf;
}

/* "A path", "D path" and "C path" per change, one per line. */
static char *
diff_of (int dirfd, const char *record, ct_error_t *err)
{
	struct ct_rootfs_changes ch = { 0 };
	char *out = xstrdup ("");
	int fd = memfd_create ("record", MFD_CLOEXEC);

	if (fd < 0 || write (fd, record, strlen (record)) != (ssize_t) strlen (record) || lseek (fd, 0, SEEK_SET) < 0) {
		free (out);
		return NULL;
	}
	if (ct_rootfs_record_diff (dirfd, fd, "rec", -1, &ch, err) < 0) {
		close (fd);
		free (out);
		return NULL;
	}
	close (fd);
	for (size_t i = 0; i < ch.n; i++) {
		char *next;
		xasprintf (&next, "%s%c %s\n", out, "ACD"[ch.v[i].kind], ch.v[i].path);
		free (out);
		out = next;
	}
	ct_rootfs_changes_release (&ch);
	return out;
}

static int
test_path_order (void)
{
	static const char *const sorted[] = { "", ".wh.x", "a", "a/b", "a/b/c", "a/c", "a b", "a-c", "a\xc3\xa9", "b" };

	for (size_t i = 0; i < CT_ARRAY_SIZE (sorted); i++)
		for (size_t j = 0; j < CT_ARRAY_SIZE (sorted); j++) {
			int c = ct_rootfs_path_cmp (sorted[i], sorted[j]);
			if ((i < j && c >= 0) || (i == j && c != 0) || (i > j && c <= 0)) {
				printf ("# `%s` vs `%s`: %d\n", sorted[i], sorted[j], c);
				return -1;
			}
		}
	return 0;
}

static int
test_write_escapes_and_orders (void)
{
	cleanup_free char *dir = mk_tmpdir ();
	cleanup_free char *rec = NULL;
	cleanup_close int fd = -1;
	const char *p;

	CHECK (dir != NULL);
	fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK (fd >= 0);
	CHECK (mkdirat (fd, "a", 0755) == 0);
	CHECK (put (fd, "a/b", "x") == 0);
	CHECK (put (fd, "a-c", "") == 0);
	CHECK (put (fd, "sp ace", "") == 0);
	CHECK (put (fd, "new\nline\\", "") == 0);
	CHECK (symlinkat ("to where", fd, "link") == 0);
	CHECK (fchmodat (fd, "a-c", 04711, 0) == 0);
	rec = record_of (fd);
	rm_dir (dir);
	CHECK (rec != NULL);
	CHECK (strncmp (rec, "cimage-record 1\n. d 7", 21) == 0);
	/* a, then its contents, then a-c; escaped names */
	p = strstr (rec, "\na d 755 ");
	CHECK (p != NULL);
	p = strstr (p, "\na/b f 644 ");
	CHECK (p != NULL);
	p = strstr (p, "\na-c f 4711 ");
	CHECK (p != NULL);
	p = strstr (p, "\nlink l 777 ");
	CHECK (p != NULL);
	CHECK (strstr (p, " to\\040where\n") != NULL);
	p = strstr (p, "\nnew\\012line\\134 f ");
	CHECK (p != NULL);
	CHECK (strstr (p, "\nsp\\040ace f ") != NULL);
	return 0;
}

static int
test_diff (void)
{
	cleanup_free char *dir = mk_tmpdir ();
	cleanup_free char *rec = NULL;
	cleanup_free char *d = NULL;
	cleanup_close int fd = -1;
	ct_error_t err = NULL;
	struct timespec keep[2];
	struct stat st;

	CHECK (dir != NULL);
	fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK (fd >= 0);
	CHECK (mkdirat (fd, "keep", 0755) == 0);
	CHECK (put (fd, "keep/same", "same") == 0);
	CHECK (put (fd, "keep/mode", "m") == 0);
	CHECK (put (fd, "keep/sneaky", "aaaa") == 0);
	CHECK (mkdirat (fd, "tree", 0755) == 0);
	CHECK (mkdirat (fd, "tree/sub", 0755) == 0);
	CHECK (put (fd, "tree/sub/f", "f") == 0);
	CHECK (mkdirat (fd, "todir", 0755) == 0);
	CHECK (put (fd, "todir/child", "c") == 0);
	CHECK (mkdirat (fd, "again", 0755) == 0);
	CHECK (put (fd, "again/back", "1") == 0);
	CHECK (put (fd, "again/gone", "2") == 0);
	CHECK (fstatat (fd, "keep/sneaky", &st, 0) == 0);
	keep[0] = st.st_atim;
	keep[1] = st.st_mtim;
	rec = record_of (fd);
	CHECK (rec != NULL);

	/* no change: nothing */
	d = diff_of (fd, rec, &err);
	CHECK (d != NULL);
	CHECK_STR (d, "");
	free (d);

	CHECK (fchmodat (fd, "keep/mode", 0600, 0) == 0);    /* metadata only */
	CHECK (put (fd, "keep/sneaky", "bbbb") == 0);        /* same size ... */
	CHECK (utimensat (fd, "keep/sneaky", keep, 0) == 0); /* ... and mtime: ctime tells */
	CHECK (put (fd, "keep/new", "n") == 0);              /* added */
	CHECK (ct_fs_rm_rf_at (fd, "tree", &err) == 0);      /* a tree deleted */
	CHECK (ct_fs_rm_rf_at (fd, "todir", &err) == 0);     /* a dir became a file */
	CHECK (put (fd, "todir", "now a file") == 0);
	CHECK (ct_fs_rm_rf_at (fd, "again", &err) == 0); /* deleted, made again */
	CHECK (mkdirat (fd, "again", 0755) == 0);
	CHECK (put (fd, "again/back", "1") == 0);
	d = diff_of (fd, rec, &err);
	rm_dir (dir);
	CHECK (d != NULL);
	CHECK_STR (d, "C again\n"
	              "C again/back\n"
	              "D again/gone\n"
	              "C keep\n"
	              "C keep/mode\n"
	              "A keep/new\n"
	              "C keep/sneaky\n"
	              "C todir\n"
	              "D tree\n");
	return 0;
}

static int
test_bad_records (void)
{
	cleanup_free char *dir = mk_tmpdir ();
	cleanup_close int fd = -1;
	ct_error_t err = NULL;

	CHECK (dir != NULL);
	fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK (fd >= 0);
	CHECK (diff_of (fd, "something else\n", &err) == NULL);
	CHECK_ERR (err, "`rec`: not a cimage record (no `cimage-record 1` line)");
	ct_error_release (&err);
	CHECK (diff_of (fd,
	                "cimage-record 1\n. d 755 0 0 1 0.0 0.0 1\nb f 644 0 0 1 0.0 0.0 2\na f 644 0 0 1 0.0 0.0 3\n",
	                &err) == NULL);
	CHECK_ERR (err, "`rec` line 4: `a` is out of order");
	ct_error_release (&err);
	CHECK (diff_of (fd, "cimage-record 1\n. d 755 0 0 1 0.0 0.0 1\nb f 644 0 0 1 0.0\n", &err) == NULL);
	CHECK_ERR (err, "`rec` line 3: not a record line");
	ct_error_release (&err);
	CHECK (diff_of (fd, "cimage-record 1\n. d 755 0 0 1 0.0 0.0 1\nx\\9 f 644 0 0 1 0.0 0.0 2\n", &err) == NULL);
	CHECK_ERR (err, "`rec` line 3: not a record line");
	ct_error_release (&err);
	rm_dir (dir);
	return 0;
}

static const struct tap_test tests[] = {
	TAP_TEST (test_path_order),
	TAP_TEST (test_write_escapes_and_orders),
	TAP_TEST (test_diff),
	TAP_TEST (test_bad_records),
};

int
main (void)
{
	return tap_run (tests, TAP_COUNT (tests));
}
