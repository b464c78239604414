#include "common.h"

#include <archive.h>
#include <archive_entry.h>
#include <locale.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#include "digest.h"
#include "fs.h"
#include "layer.h"
#include "log.h"
#include "tap.h"

/* Layers are written with libarchive's writer (pax, as image builders do)
   into a memfd and applied to TMP/root; TMP/sentinel sits beside the root
   and must never change. */

#define MTIME 1500000000

struct ent {
	const char *path;
	mode_t type; /* AE_IF*; 0 = regular file */
	mode_t perm; /* 0 = 0644 (0755 for directories) */
	const char *data;
	const char *link;     /* symlink target */
	const char *hardlink; /* hardlink target */
	int64_t uid, gid;
	time_t mtime; /* 0 = MTIME */
	const char *xname, *xval;
	unsigned maj, min;
	int64_t sparse_size; /* > 0: a sparse file of this size holding `data` at its end */
};

/* Unprivileged runs apply rootless, as cimage does for a user. */
static struct ct_layer_apply_opts dflt;

static char *tmp;  /* the test's directory */
static char *root; /* tmp/root */
static int rootfd = -1;

static void
teardown (void)
{
	ct_error_t err = NULL;

	if (rootfd >= 0)
		close (rootfd);
	rootfd = -1;
	if (tmp && ct_fs_rm_rf_at (AT_FDCWD, tmp, &err) < 0)
		ct_error_release (&err);
	free (tmp);
	free (root);
	tmp = root = NULL;
}

static int
setup (void)
{
	char tmpl[] = "/tmp/test-layer-XXXXXX";
	cleanup_free char *sentinel = NULL;
	cleanup_free char *f = NULL;
	FILE *fp;

	teardown (); /* what a failed test left */
	if (mkdtemp (tmpl) == NULL)
		return -1;
	tmp = xstrdup (tmpl);
	xasprintf (&root, "%s/root", tmp);
	xasprintf (&sentinel, "%s/sentinel", tmp);
	xasprintf (&f, "%s/sentinel/keep", tmp);
	if (mkdir (root, 0755) < 0 || mkdir (sentinel, 0755) < 0)
		return -1;
	fp = fopen (f, "w");
	if (fp == NULL)
		return -1;
	fputs ("keep\n", fp);
	fclose (fp);
	rootfd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return rootfd < 0 ? -1 : 0;
}

/* The sentinel beside the root holds exactly its one file, unchanged. */
static bool
sentinel_intact (void)
{
	cleanup_free char *d = NULL;
	cleanup_free char *f = NULL;
	char buf[16] = { 0 };
	struct dirent *de;
	DIR *dir;
	int n = 0, fd;

	xasprintf (&d, "%s/sentinel", tmp);
	xasprintf (&f, "%s/sentinel/keep", tmp);
	dir = opendir (d);
	if (dir == NULL)
		return false;
	while ((de = readdir (dir)) != NULL)
		n += de->d_name[0] != '.';
	closedir (dir);
	fd = open (f, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (read (fd, buf, sizeof buf - 1) < 0)
		buf[0] = '\0';
	close (fd);
	/* and nothing else appeared in tmp */
	dir = opendir (tmp);
	if (dir == NULL)
		return false;
	while ((de = readdir (dir)) != NULL)
		n += de->d_name[0] != '.';
	closedir (dir);
	return n == 3 && strcmp (buf, "keep\n") == 0;
}

static char *
rp (const char *rel)
{
	char *p;
	xasprintf (&p, "%s/%s", root, rel);
	return p;
}

static bool
lstat_rel (const char *rel, struct stat *st)
{
	cleanup_free char *p = rp (rel);
	return lstat (p, st) == 0;
}

static bool
exists (const char *rel)
{
	struct stat st;
	return lstat_rel (rel, &st);
}

static char *
read_rel (const char *rel)
{
	cleanup_free char *p = rp (rel);
	char *buf = NULL;
	size_t len;
	ct_error_t err = NULL;

	if (ct_fs_read_all_at (AT_FDCWD, p, 1 << 20, &buf, &len, &err) < 0) {
		ct_error_release (&err);
		return NULL;
	}
	return buf;
}

static char *
link_rel (const char *rel)
{
	cleanup_free char *p = rp (rel);
	char buf[PATH_MAX];
	ssize_t n = readlink (p, buf, sizeof buf - 1);

	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return xstrdup (buf);
}

/* ---- writing layers ---- */

/* The tar of `ents` in a memfd (offset 0); *diff_id its digest. */
static int
mk_tar (const struct ent *ents, size_t n, char **diff_id)
{
	struct archive *a = archive_write_new ();
	int fd = memfd_create ("layer", MFD_CLOEXEC);
	ct_error_t err = NULL;

	/* names are UTF-8 (pax stores them so); the writer converts from the
	   locale's charset, the reader (cimage's C locale) must cope alone */
	setlocale (LC_CTYPE, "C.UTF-8");
	archive_write_set_format_pax_restricted (a);
	if (fd < 0 || archive_write_open_fd (a, fd) != ARCHIVE_OK)
		abort ();
	for (size_t i = 0; i < n; i++) {
		const struct ent *x = &ents[i];
		struct archive_entry *e = archive_entry_new ();
		mode_t type = x->type ? x->type : AE_IFREG;
		size_t dlen = x->data ? strlen (x->data) : 0;

		archive_entry_set_pathname (e, x->path);
		archive_entry_set_filetype (e, type);
		archive_entry_set_perm (e, x->perm ? x->perm : type == AE_IFDIR ? 0755 : 0644);
		archive_entry_set_uid (e, x->uid);
		archive_entry_set_gid (e, x->gid);
		archive_entry_set_mtime (e, x->mtime ? x->mtime : MTIME, 0);
		if (x->link)
			archive_entry_set_symlink (e, x->link);
		if (x->hardlink) {
			archive_entry_set_hardlink (e, x->hardlink);
			dlen = 0;
		}
		if (type == AE_IFCHR || type == AE_IFBLK)
			archive_entry_set_rdev (e, makedev (x->maj, x->min));
		if (x->xname)
			archive_entry_xattr_add_entry (e, x->xname, x->xval, strlen (x->xval));
		if (x->sparse_size > 0) {
			archive_entry_set_size (e, x->sparse_size);
			archive_entry_sparse_add_entry (e, x->sparse_size - (int64_t) dlen, (int64_t) dlen);
		} else if (type == AE_IFREG)
			archive_entry_set_size (e, (int64_t) dlen);
		if (archive_write_header (a, e) != ARCHIVE_OK)
			abort ();
		/* a sparse entry is written as its logical content: the writer
		   drops the bytes of the holes */
		for (int64_t hole = x->sparse_size > 0 ? x->sparse_size - (int64_t) dlen : 0; hole > 0;) {
			static const char zeros[1 << 20];
			size_t chunk = hole > (int64_t) sizeof zeros ? sizeof zeros : (size_t) hole;
			if (archive_write_data (a, zeros, chunk) != (la_ssize_t) chunk)
				abort ();
			hole -= (int64_t) chunk;
		}
		if (dlen && archive_write_data (a, x->data, dlen) != (la_ssize_t) dlen)
			abort ();
		archive_entry_free (e);
	}
	archive_write_close (a);
	archive_write_free (a);
	setlocale (LC_CTYPE, "C");
	if (lseek (fd, 0, SEEK_SET) < 0)
		abort ();
	if (diff_id) {
		*diff_id = ct_digest_fd (CT_DIGEST_SHA256, fd, &err);
		if (*diff_id == NULL || lseek (fd, 0, SEEK_SET) < 0)
			abort ();
	}
	return fd;
}

/* tarfd's bytes compressed with `filter` ("gzip"/"zstd") into a new memfd. */
static int
compress_fd (int tarfd, const char *filter)
{
	struct archive *a = archive_write_new ();
	struct archive_entry *e = archive_entry_new ();
	int fd = memfd_create ("layer-z", MFD_CLOEXEC);
	struct stat st;
	char buf[65536];
	ssize_t n;

	archive_write_set_format_raw (a);
	if (strcmp (filter, "gzip") == 0)
		archive_write_add_filter_gzip (a);
	else
		archive_write_add_filter_zstd (a);
	if (fd < 0 || fstat (tarfd, &st) < 0 || archive_write_open_fd (a, fd) != ARCHIVE_OK)
		abort ();
	archive_entry_set_filetype (e, AE_IFREG);
	archive_entry_set_size (e, st.st_size);
	if (archive_write_header (a, e) != ARCHIVE_OK)
		abort ();
	while ((n = read (tarfd, buf, sizeof buf)) > 0)
		archive_write_data (a, buf, (size_t) n);
	archive_entry_free (e);
	archive_write_close (a);
	archive_write_free (a);
	lseek (tarfd, 0, SEEK_SET);
	lseek (fd, 0, SEEK_SET);
	return fd;
}

#define LAYER "sha256:1111111111111111111111111111111111111111111111111111111111111111"

/* Apply `ents` as one layer; 0 or -1 with *errp set (if errp). */
static int
apply_opts (const struct ent *ents, size_t n, const struct ct_layer_apply_opts *o, ct_error_t *errp)
{
	cleanup_free char *diff = NULL;
	cleanup_close int fd = mk_tar (ents, n, &diff);
	ct_error_t err = NULL;
	int r = ct_layer_apply (rootfd, fd, LAYER, diff, o ? o : &dflt, &err);

	if (r < 0 && errp)
		*errp = err;
	else if (r < 0) {
		printf ("# apply: %s\n", err->msg);
		ct_error_release (&err);
	}
	return r;
}

#define APPLY(ents)          apply_opts (ents, CT_ARRAY_SIZE (ents), NULL, NULL)
#define APPLY_ERR(ents, err) apply_opts (ents, CT_ARRAY_SIZE (ents), NULL, err)

static bool
is_root (void)
{
	return geteuid () == 0;
}

/* ---- tests ---- */

static int
test_files_dirs_modes (void)
{
	static const struct ent l[] = {
		{ .path = "etc/", .type = AE_IFDIR, .perm = 0750, .mtime = 1000 },
		{ .path = "etc/hosts", .data = "127.0.0.1 localhost\n", .perm = 0640, .mtime = 2000 },
		{ .path = "bin/su", .data = "#!su\n", .perm = 04755 },
		{ .path = "bin/sg", .data = "#!sg\n", .perm = 02711 },
		{ .path = "tmp/", .type = AE_IFDIR, .perm = 01777, .mtime = 3000 },
		{ .path = "empty", .perm = 0600 },
	};
	struct stat st;
	cleanup_free char *hosts = NULL;

	CHECK (setup () == 0);
	CHECK (APPLY (l) == 0);
	/* before reading it, which may move atime */
	CHECK (lstat_rel ("etc/hosts", &st) && (st.st_mode & 07777) == 0640 && st.st_mtime == 2000 &&
	       st.st_atime == 2000);
	hosts = read_rel ("etc/hosts");
	CHECK_STR (hosts, "127.0.0.1 localhost\n");
	/* the directory's mtime survives the file written into it */
	CHECK (lstat_rel ("etc", &st) && S_ISDIR (st.st_mode) && (st.st_mode & 07777) == 0750 && st.st_mtime == 1000);
	CHECK (lstat_rel ("bin/su", &st) && (st.st_mode & 07777) == 04755);
	CHECK (lstat_rel ("bin/sg", &st) && (st.st_mode & 07777) == 02711);
	/* a parent the layer does not list: 0755 */
	CHECK (lstat_rel ("bin", &st) && S_ISDIR (st.st_mode) && (st.st_mode & 07777) == 0755);
	CHECK (lstat_rel ("tmp", &st) && (st.st_mode & 07777) == 01777 && st.st_mtime == 3000);
	CHECK (lstat_rel ("empty", &st) && S_ISREG (st.st_mode) && st.st_size == 0);
	CHECK (sentinel_intact ());
	teardown ();
	return 0;
}

static int
test_owner_setuid (void)
{
	static const struct ent l[] = {
		{ .path = "home/u/", .type = AE_IFDIR, .uid = 1000, .gid = 1001, .perm = 0700 },
		{ .path = "home/u/x", .data = "x", .uid = 1000, .gid = 1001 },
		/* chown after chmod would clear the bit: it must survive */
		{ .path = "bin/ping", .data = "p", .uid = 0, .gid = 1002, .perm = 06755 },
		{ .path = "l", .type = AE_IFLNK, .link = "home", .uid = 7, .gid = 8 },
	};
	struct stat st;

	if (!is_root ())
		return TAP_SKIP;
	CHECK (setup () == 0);
	CHECK (APPLY (l) == 0);
	CHECK (lstat_rel ("home/u", &st) && st.st_uid == 1000 && st.st_gid == 1001 && (st.st_mode & 07777) == 0700);
	CHECK (lstat_rel ("home/u/x", &st) && st.st_uid == 1000 && st.st_gid == 1001);
	CHECK (lstat_rel ("bin/ping", &st) && st.st_gid == 1002 && (st.st_mode & 07777) == 06755);
	CHECK (lstat_rel ("l", &st) && S_ISLNK (st.st_mode) && st.st_uid == 7 && st.st_gid == 8);
	teardown ();
	return 0;
}

static int
test_id_maps (void)
{
	static const struct ent l[] = {
		{ .path = "d/f", .data = "f", .uid = 1000, .gid = 5 },
	};
	static const struct ent bad[] = {
		{ .path = "g", .data = "g", .uid = 70000 },
	};
	struct ct_id_map um = { .container = 0, .host = 100000, .size = 65536 };
	struct ct_id_map gm = { .container = 0, .host = 200000, .size = 65536 };
	struct ct_layer_apply_opts o = { .uid_map = &um, .n_uid_map = 1, .gid_map = &gm, .n_gid_map = 1 };
	ct_error_t err = NULL;
	struct stat st;

	if (!is_root ())
		return TAP_SKIP;
	CHECK (setup () == 0);
	CHECK (apply_opts (l, CT_ARRAY_SIZE (l), &o, NULL) == 0);
	CHECK (lstat_rel ("d/f", &st) && st.st_uid == 101000 && st.st_gid == 200005);
	/* the parent made for it belongs to the container's root */
	CHECK (lstat_rel ("d", &st) && st.st_uid == 100000 && st.st_gid == 200000);
	CHECK (apply_opts (bad, CT_ARRAY_SIZE (bad), &o, &err) < 0);
	CHECK_STR (err->msg, "layer " LAYER ": `g`: uid 70000 is not mapped");
	ct_error_release (&err);
	CHECK (!exists ("g"));
	teardown ();
	return 0;
}

static int
test_symlink_fifo_device (void)
{
	static const struct ent l[] = {
		{ .path = "abs", .type = AE_IFLNK, .link = "/etc/../nowhere", .mtime = 4000 },
		{ .path = "rel", .type = AE_IFLNK, .link = "../../../x" },
		{ .path = "dev/fifo", .type = AE_IFIFO, .perm = 0620 },
		{ .path = "dev/null", .type = AE_IFCHR, .perm = 0666, .maj = 1, .min = 3 },
		{ .path = "dev/loop9", .type = AE_IFBLK, .perm = 0660, .maj = 7, .min = 9 },
	};
	static const struct ent fifo_only[] = {
		{ .path = "dev/fifo", .type = AE_IFIFO, .perm = 0620 },
	};
	cleanup_free char *t1 = NULL;
	cleanup_free char *t2 = NULL;
	struct stat st;

	CHECK (setup () == 0);
	if (!is_root ()) {
		/* unprivileged: the fifo part only */
		CHECK (APPLY (fifo_only) == 0);
		CHECK (lstat_rel ("dev/fifo", &st) && S_ISFIFO (st.st_mode) && (st.st_mode & 07777) == 0620);
		teardown ();
		return 0;
	}
	CHECK (APPLY (l) == 0);
	t1 = link_rel ("abs");
	t2 = link_rel ("rel");
	CHECK_STR (t1, "/etc/../nowhere");
	CHECK_STR (t2, "../../../x");
	CHECK (lstat_rel ("abs", &st) && st.st_mtime == 4000);
	CHECK (lstat_rel ("dev/fifo", &st) && S_ISFIFO (st.st_mode) && (st.st_mode & 07777) == 0620);
	CHECK (lstat_rel ("dev/null", &st) && S_ISCHR (st.st_mode) && st.st_rdev == makedev (1, 3) &&
	       (st.st_mode & 07777) == 0666);
	CHECK (lstat_rel ("dev/loop9", &st) && S_ISBLK (st.st_mode) && st.st_rdev == makedev (7, 9));
	CHECK (sentinel_intact ());
	teardown ();
	return 0;
}

/* Rootless: a device is skipped (with a warning), the rest is applied. */
static int
test_rootless_device (void)
{
	static const struct ent l[] = {
		{ .path = "dev/null", .type = AE_IFCHR, .perm = 0666, .maj = 1, .min = 3 },
		{ .path = "after", .data = "a", .uid = 4242 },
	};
	struct ct_layer_apply_opts o = { .rootless = true };
	pid_t pid;
	int status;

	CHECK (setup () == 0);
	CHECK (chmod (tmp, 0777) == 0 && chmod (root, 0777) == 0);
	pid = fork ();
	CHECK (pid >= 0);
	if (pid == 0) {
		ct_error_t err = NULL;
		if (is_root () && setresuid (65534, 65534, 65534) < 0)
			_exit (2);
		ct_log_set_fd (open ("/dev/null", O_WRONLY | O_CLOEXEC));
		if (ct_layer_apply (rootfd, mk_tar (l, CT_ARRAY_SIZE (l), NULL), LAYER, NULL, &o, &err) < 0) {
			printf ("# %s\n", err->msg);
			fflush (stdout);
			_exit (1);
		}
		_exit (0);
	}
	CHECK (waitpid (pid, &status, 0) == pid && WIFEXITED (status) && WEXITSTATUS (status) == 0);
	CHECK (!exists ("dev/null"));
	CHECK (exists ("after"));
	teardown ();
	return 0;
}

static int
test_xattrs (void)
{
	/* security.capability v2: cap_net_raw (13) permitted + effective */
	static const char cap[] = "\x01\x00\x00\x02\x00\x20\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00";
	static const struct ent l[] = {
		{ .path = "f", .data = "f", .xname = "user.note", .xval = "hello" },
		{ .path = "d/", .type = AE_IFDIR, .xname = "user.dir", .xval = "yes" },
	};
	cleanup_free char *f = NULL;
	cleanup_free char *d = NULL;
	cleanup_free char *p = NULL;
	cleanup_close int fd = -1;
	struct archive *a;
	struct archive_entry *e;
	ct_error_t err = NULL;
	char buf[64];
	ssize_t n;

	CHECK (setup () == 0);
	f = rp ("f");
	d = rp ("d");
	p = rp ("ping");
	if (setxattr (root, "user.probe", "1", 1, 0) < 0)
		return teardown (), TAP_SKIP; /* no user xattrs on this file system */
	CHECK (APPLY (l) == 0);
	n = getxattr (f, "user.note", buf, sizeof buf);
	CHECK (n == 5 && memcmp (buf, "hello", 5) == 0);
	n = getxattr (d, "user.dir", buf, sizeof buf);
	CHECK (n == 3 && memcmp (buf, "yes", 3) == 0);
	if (!is_root ())
		return teardown (), 0;
	/* the capability holds NULs: written by hand, on a setuid file's
	   neighbour order (chown would drop it if it came after) */
	a = archive_write_new ();
	e = archive_entry_new ();
	fd = memfd_create ("cap", MFD_CLOEXEC);
	archive_write_set_format_pax_restricted (a);
	CHECK (archive_write_open_fd (a, fd) == ARCHIVE_OK);
	archive_entry_set_pathname (e, "ping");
	archive_entry_set_filetype (e, AE_IFREG);
	archive_entry_set_perm (e, 0755);
	archive_entry_set_uid (e, 0);
	archive_entry_set_gid (e, 0);
	archive_entry_set_size (e, 1);
	archive_entry_xattr_add_entry (e, "security.capability", cap, sizeof cap - 1);
	CHECK (archive_write_header (a, e) == ARCHIVE_OK);
	CHECK (archive_write_data (a, "p", 1) == 1);
	archive_entry_free (e);
	archive_write_close (a);
	archive_write_free (a);
	lseek (fd, 0, SEEK_SET);
	CHECK (ct_layer_apply (rootfd, fd, LAYER, NULL, &dflt, &err) == 0);
	n = getxattr (p, "security.capability", buf, sizeof buf);
	CHECK (n == (ssize_t) sizeof cap - 1 && memcmp (buf, cap, sizeof cap - 1) == 0);
	teardown ();
	return 0;
}

static int
test_names (void)
{
	char longname[300];
	struct ent l[3] = {
		{ .path = NULL, .data = "long" },
		{ .path = "caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac.txt", .data = "utf8" },
		{ .path = "./dot/./x", .data = "dot" },
	};
	cleanup_free char *got = NULL;
	cleanup_free char *got2 = NULL;

	/* 4 components of 60 characters: 243 bytes, past ustar's 100 + 155 split */
	memset (longname, 'a', sizeof longname);
	for (int i = 1; i <= 3; i++)
		longname[i * 61 - 1] = '/';
	longname[4 * 61 - 1] = '\0';
	l[0].path = longname;
	CHECK (setup () == 0);
	CHECK (apply_opts (l, 3, NULL, NULL) == 0);
	got = read_rel (longname);
	CHECK_STR (got, "long");
	got2 = read_rel ("caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac.txt");
	CHECK_STR (got2, "utf8");
	CHECK (exists ("dot/x"));
	teardown ();
	return 0;
}

static int
test_sparse (void)
{
	static const struct ent l[] = {
		{ .path = "big", .data = "end", .sparse_size = 1 << 30 },
	};
	struct stat st;
	cleanup_free char *p = NULL;
	char buf[4];
	int fd;

	CHECK (setup () == 0);
	CHECK (APPLY (l) == 0);
	CHECK (lstat_rel ("big", &st) && st.st_size == 1 << 30);
	/* holes, not a gigabyte of zeros */
	CHECK (st.st_blocks * 512 < 1 << 20);
	p = rp ("big");
	fd = open (p, O_RDONLY | O_CLOEXEC);
	CHECK (fd >= 0);
	CHECK (pread (fd, buf, 3, (1 << 30) - 3) == 3 && memcmp (buf, "end", 3) == 0);
	CHECK (pread (fd, buf, 3, 4096) == 3 && memcmp (buf, "\0\0\0", 3) == 0);
	close (fd);
	teardown ();
	return 0;
}

static int
test_compression_and_diff_id (void)
{
	static const struct ent l[] = {
		{ .path = "z", .data = "compressed" },
	};
	const char *filters[] = { "gzip", "zstd" };
	cleanup_free char *diff = NULL;
	cleanup_close int tarfd = mk_tar (l, 1, &diff);
	ct_error_t err = NULL;

	CHECK (setup () == 0);
	for (size_t i = 0; i < 2; i++) {
		cleanup_close int fd = compress_fd (tarfd, filters[i]);
		cleanup_free char *got = NULL;
		CHECK (ct_fs_rm_rf_at (rootfd, "z", &err) == 0);
		CHECK (ct_layer_apply (rootfd, fd, LAYER, diff, &dflt, &err) == 0);
		got = read_rel ("z");
		CHECK_STR (got, "compressed");
	}
	/* the diff_id is of the uncompressed tar: a wrong one fails */
	{
		cleanup_close int fd = compress_fd (tarfd, "gzip");
#define WRONG "sha256:2222222222222222222222222222222222222222222222222222222222222222"
		CHECK (ct_layer_apply (rootfd, fd, LAYER, WRONG, &dflt, &err) < 0);
		CHECK_STR (err->msg, "layer " LAYER ": content does not match its diff_id " WRONG);
		ct_error_release (&err);
	}
	teardown ();
	return 0;
}

static int
test_not_tar (void)
{
	static const char junk[] = "this is not a tar archive, just some text that goes on for a while\n";
	cleanup_close int fd = memfd_create ("junk", MFD_CLOEXEC);
	cleanup_close int empty = memfd_create ("empty", MFD_CLOEXEC);
	cleanup_close int gz = -1;
	ct_error_t err = NULL;

	CHECK (setup () == 0);
	CHECK (write (fd, junk, sizeof junk) == (ssize_t) sizeof junk);
	lseek (fd, 0, SEEK_SET);
	CHECK (ct_layer_apply (rootfd, fd, LAYER, NULL, &dflt, &err) < 0);
	CHECK_STR (err->msg, "layer " LAYER ": not a tar archive (nor gzip/zstd)");
	ct_error_release (&err);
	/* gzip of something that is not a tar */
	lseek (fd, 0, SEEK_SET);
	gz = compress_fd (fd, "gzip");
	CHECK (ct_layer_apply (rootfd, gz, LAYER, NULL, &dflt, &err) < 0);
	CHECK_STR (err->msg, "layer " LAYER ": not a tar archive (nor gzip/zstd)");
	ct_error_release (&err);
	CHECK (ct_layer_apply (rootfd, empty, LAYER, NULL, &dflt, &err) < 0);
	CHECK_STR (err->msg, "layer " LAYER ": not a tar archive (nor gzip/zstd)");
	ct_error_release (&err);
	teardown ();
	return 0;
}

static int
test_replacement (void)
{
	static const struct ent lower[] = {
		{ .path = "a/", .type = AE_IFDIR },
		{ .path = "a/deep/f", .data = "lower" },
		{ .path = "b", .data = "file b" },
		{ .path = "c/", .type = AE_IFDIR },
		{ .path = "c/keep", .data = "keep" },
		{ .path = "s", .type = AE_IFLNK, .link = "../sentinel" },
		{ .path = "t", .type = AE_IFLNK, .link = "c" },
	};
	static const struct ent upper[] = {
		{ .path = "a", .data = "file over dir" },
		{ .path = "b/", .type = AE_IFDIR, .perm = 0711 },
		{ .path = "b/x", .data = "x" },
		{ .path = "c/", .type = AE_IFDIR, .perm = 0700, .mtime = 5000 },
		{ .path = "c/new", .data = "new" },
		/* a file over a symlink replaces the symlink */
		{ .path = "s", .data = "not followed" },
		/* a directory over a symlink to a directory: the symlink goes */
		{ .path = "t/", .type = AE_IFDIR },
	};
	cleanup_free char *a = NULL;
	cleanup_free char *s = NULL;
	struct stat st;

	CHECK (setup () == 0);
	CHECK (APPLY (lower) == 0);
	CHECK (APPLY (upper) == 0);
	a = read_rel ("a");
	CHECK_STR (a, "file over dir");
	CHECK (lstat_rel ("b", &st) && S_ISDIR (st.st_mode) && (st.st_mode & 07777) == 0711);
	CHECK (exists ("b/x"));
	/* directory over directory: contents kept, metadata updated */
	CHECK (exists ("c/keep") && exists ("c/new"));
	CHECK (lstat_rel ("c", &st) && (st.st_mode & 07777) == 0700 && st.st_mtime == 5000);
	s = read_rel ("s");
	CHECK_STR (s, "not followed");
	CHECK (lstat_rel ("t", &st) && S_ISDIR (st.st_mode));
	CHECK (exists ("c/keep"));
	CHECK (sentinel_intact ());
	teardown ();
	return 0;
}

static int
test_hardlinks (void)
{
	static const struct ent lower[] = {
		{ .path = "usr/bin/busybox", .data = "bb", .perm = 0755 },
	};
	static const struct ent upper[] = {
		{ .path = "bin/sh", .hardlink = "usr/bin/busybox" },  /* lower layer's file */
		{ .path = "etc/a", .data = "a" },                     /* this layer's file */
		{ .path = "var/b", .hardlink = "/etc/a" },            /* absolute name, across dirs */
		{ .path = "var/c", .hardlink = "../../../../etc/a" }, /* `..` stays in the root */
		{ .path = "usr/bin/busybox", .data = "replaced" },    /* replacing the name keeps the links' inode */
	};
	struct stat a, b, c, sh, bb;

	CHECK (setup () == 0);
	CHECK (APPLY (lower) == 0);
	CHECK (APPLY (upper) == 0);
	CHECK (lstat_rel ("etc/a", &a) && lstat_rel ("var/b", &b) && lstat_rel ("var/c", &c));
	CHECK (a.st_ino == b.st_ino && a.st_ino == c.st_ino && a.st_nlink == 3);
	CHECK (lstat_rel ("bin/sh", &sh) && lstat_rel ("usr/bin/busybox", &bb));
	CHECK (sh.st_ino != bb.st_ino && (sh.st_mode & 07777) == 0755 && sh.st_size == 2);
	teardown ();
	return 0;
}

static int
test_hardlink_bad (void)
{
	static const struct ent to_dir[] = {
		{ .path = "d/", .type = AE_IFDIR },
		{ .path = "l", .hardlink = "d" },
	};
	static const struct ent to_host[] = {
		{ .path = "passwd", .hardlink = "/etc/passwd" },
	};
	static const struct ent to_sentinel[] = {
		{ .path = "k", .hardlink = "../sentinel/keep" },
	};
	static const struct ent via_symlink[] = {
		{ .path = "out", .type = AE_IFLNK, .link = "../sentinel" },
		{ .path = "k2", .hardlink = "out/keep" },
	};
	ct_error_t err = NULL;

	CHECK (setup () == 0);
	CHECK (APPLY_ERR (to_dir, &err) < 0);
	CHECK_STR (err->msg, "layer " LAYER ": `l`: hardlink to directory `d`");
	ct_error_release (&err);
	/* the host's /etc/passwd is not in the root: there is nothing to link */
	CHECK (APPLY_ERR (to_host, &err) < 0);
	CHECK_STR (err->msg, "layer " LAYER ": `passwd`: hardlink target `/etc/passwd`");
	CHECK (err->status == ENOENT);
	ct_error_release (&err);
	CHECK (APPLY_ERR (to_sentinel, &err) < 0);
	CHECK_STR (err->msg, "layer " LAYER ": `k`: hardlink target `../sentinel/keep`");
	ct_error_release (&err);
	CHECK (APPLY_ERR (via_symlink, &err) < 0);
	CHECK_STR (err->msg, "layer " LAYER ": `k2`: hardlink target `out/keep`");
	ct_error_release (&err);
	CHECK (!exists ("l") && !exists ("passwd") && !exists ("k") && !exists ("k2"));
	CHECK (sentinel_intact ());
	teardown ();
	return 0;
}

static int
test_whiteouts (void)
{
	static const struct ent lower[] = {
		{ .path = "f", .data = "f" },
		{ .path = "tree/a/b/c", .data = "c" },
		{ .path = "opq/", .type = AE_IFDIR, .mtime = 1234 },
		{ .path = "opq/lower1", .data = "1" },
		{ .path = "opq/sub/lower2", .data = "2" },
		{ .path = "opq/both/lower3", .data = "3" },
		{ .path = "keep/x", .data = "x" },
	};
	static const struct ent upper[] = {
		{ .path = "opq/early", .data = "e" },     /* before the marker: stays */
		{ .path = "opq/both/mine", .data = "m" }, /* in a lower directory: the directory stays, emptied */
		{ .path = ".wh.f" },
		{ .path = "tree/.wh.a" },
		{ .path = "opq/.wh..wh..opq" },
		{ .path = "opq/late", .data = "l" }, /* after it: stays */
		{ .path = "keep/.wh.missing" },      /* nothing to remove */
		{ .path = "nodir/.wh.x" },           /* nor here */
	};
	struct stat st;

	CHECK (setup () == 0);
	CHECK (APPLY (lower) == 0);
	CHECK (APPLY (upper) == 0);
	CHECK (!exists ("f") && !exists (".wh.f"));
	CHECK (exists ("tree") && !exists ("tree/a") && !exists ("tree/.wh.a"));
	CHECK (exists ("opq/early") && exists ("opq/late") && exists ("opq/both/mine"));
	CHECK (!exists ("opq/lower1") && !exists ("opq/sub") && !exists ("opq/both/lower3"));
	CHECK (!exists ("opq/.wh..wh..opq"));
	CHECK (exists ("keep/x") && !exists ("nodir"));
	/* a lower directory keeps its times though its contents changed */
	CHECK (lstat_rel ("opq", &st) && st.st_mtime == 1234);
	teardown ();
	return 0;
}

static int
test_whiteouts_overlay (void)
{
	static const struct ent l[] = {
		{ .path = "d/.wh.gone" },
		{ .path = "o/.wh..wh..opq" },
		{ .path = "o/x", .data = "x" },
	};
	struct ct_layer_apply_opts o = { .overlay = true };
	cleanup_free char *od = NULL;
	struct stat st;
	char v[4];

	if (!is_root ())
		return TAP_SKIP;
	CHECK (setup () == 0);
	CHECK (apply_opts (l, CT_ARRAY_SIZE (l), &o, NULL) == 0);
	CHECK (lstat_rel ("d/gone", &st) && S_ISCHR (st.st_mode) && st.st_rdev == makedev (0, 0));
	CHECK (!exists ("d/.wh.gone"));
	od = rp ("o");
	CHECK (lgetxattr (od, "trusted.overlay.opaque", v, sizeof v) == 1 && v[0] == 'y');
	CHECK (exists ("o/x") && !exists ("o/.wh..wh..opq"));
	teardown ();
	return 0;
}

/* Names that try to leave the root land inside it. */
static int
test_hostile_names (void)
{
	cleanup_free char *abs_sentinel = NULL;
	cleanup_free char *inside = NULL;
	cleanup_free char *got = NULL;
	struct ent l[] = {
		{ .path = "../x", .data = "dotdot" },
		{ .path = "/abs/y", .data = "abs" },
		{ .path = "../../../../sentinel/z", .data = "z" },
		/* layer symlinks out, then writes through them */
		{ .path = "a", .type = AE_IFLNK, .link = NULL },
		{ .path = "a/file", .data = "through a" },
		{ .path = "up", .type = AE_IFLNK, .link = "../../../.." },
		{ .path = "up/file2", .data = "through up" },
		{ .path = "rel", .type = AE_IFLNK, .link = "../sentinel" },
		{ .path = "rel/keep", .data = "overwritten?" },
	};

	CHECK (setup () == 0);
	xasprintf (&abs_sentinel, "%s/sentinel", tmp);
	l[3].link = abs_sentinel;
	CHECK (apply_opts (l, CT_ARRAY_SIZE (l), NULL, NULL) == 0);
	got = read_rel ("x");
	CHECK_STR (got, "dotdot");
	CHECK (exists ("abs/y") && exists ("sentinel/z"));
	/* a -> /tmp/.../sentinel resolves to ROOT/tmp/.../sentinel */
	xasprintf (&inside, "%s/file", abs_sentinel + 1);
	CHECK (exists (inside));
	CHECK (exists ("file2"));
	CHECK (exists ("sentinel/keep"));
	CHECK (sentinel_intact ());
	teardown ();
	return 0;
}

static int
test_hostile_errors (void)
{
	static const struct ent loop[] = {
		{ .path = "l1", .type = AE_IFLNK, .link = "l2" },
		{ .path = "l2", .type = AE_IFLNK, .link = "l1" },
		{ .path = "l1/x", .data = "x" },
	};
	static const struct ent wh_dotdot[] = {
		{ .path = ".wh.." },
	};
	static const struct ent root_file[] = {
		{ .path = ".", .type = AE_IFLNK, .link = "/etc" },
	};
	static const struct ent file_parent[] = {
		{ .path = "f", .data = "f" },
		{ .path = "f/x", .data = "x" },
	};
	ct_error_t err = NULL;

	CHECK (setup () == 0);
	CHECK (APPLY_ERR (loop, &err) < 0);
	CHECK_STR (err->msg, "layer " LAYER ": `l1/x`: open `l1` beneath root");
	CHECK (err->status == ELOOP);
	ct_error_release (&err);
	CHECK (APPLY_ERR (wh_dotdot, &err) < 0);
	CHECK_STR (err->msg, "layer " LAYER ": `.wh..`: whiteout of an invalid name");
	ct_error_release (&err);
	CHECK (APPLY_ERR (root_file, &err) < 0);
	CHECK_STR (err->msg, "layer " LAYER ": `.`: cannot replace the root directory");
	ct_error_release (&err);
	CHECK (APPLY_ERR (file_parent, &err) < 0);
	CHECK_STR (err->msg, "layer " LAYER ": `f/x`: open `f` beneath root");
	CHECK (err->status == ENOTDIR);
	ct_error_release (&err);
	CHECK (sentinel_intact ());
	teardown ();
	return 0;
}

static int
test_root_entry (void)
{
	static const struct ent l[] = {
		{ .path = "./", .type = AE_IFDIR, .perm = 0700, .mtime = 7777 },
		{ .path = "./x", .data = "x" },
	};
	struct stat st;

	CHECK (setup () == 0);
	CHECK (APPLY (l) == 0);
	CHECK (stat (root, &st) == 0 && (st.st_mode & 07777) == 0700 && st.st_mtime == 7777);
	CHECK (exists ("x"));
	teardown ();
	return 0;
}

int
main (void)
{
	dflt.rootless = geteuid () != 0;
	static const struct tap_test tests[] = {
		TAP_TEST (test_files_dirs_modes),
		TAP_TEST (test_owner_setuid),
		TAP_TEST (test_id_maps),
		TAP_TEST (test_symlink_fifo_device),
		TAP_TEST (test_rootless_device),
		TAP_TEST (test_xattrs),
		TAP_TEST (test_names),
		TAP_TEST (test_sparse),
		TAP_TEST (test_compression_and_diff_id),
		TAP_TEST (test_not_tar),
		TAP_TEST (test_replacement),
		TAP_TEST (test_hardlinks),
		TAP_TEST (test_hardlink_bad),
		TAP_TEST (test_whiteouts),
		TAP_TEST (test_whiteouts_overlay),
		TAP_TEST (test_hostile_names),
		TAP_TEST (test_hostile_errors),
		TAP_TEST (test_root_entry),
	};
	return tap_run (tests, TAP_COUNT (tests));
}
