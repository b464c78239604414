#include "common.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "digest.h"
#include "fs.h"
#include "layer-write.h"
#include "store.h"
#include "tap-fs.h"
#include "tap.h"

/* A tree: dir/, dir/file (+ a hard link dir/link2, an xattr), dir/sym. */
static int
make_tree (int fd)
{
	if (mkdirat (fd, "dir", 0750) < 0 || put (fd, "dir/file", "content\n") < 0 ||
	    linkat (fd, "dir/file", fd, "dir/link2", 0) < 0 || symlinkat ("file", fd, "dir/sym") < 0 ||
	    mkfifoat (fd, "fifo", 0600) < 0)
		return -1;
	return 0;
}

struct layer {
	struct ct_descriptor desc;
	char *diff_id;
};

static void
layer_clear (struct layer *l)
{
	ct_descriptor_clear (&l->desc);
	free (l->diff_id);
}

static int
write_layer (struct ct_layout *store, int rootfd, enum ct_layer_compression c, const struct ct_id_map *uid_map,
             size_t n_uid_map, struct layer *out, ct_error_t *err)
{
	static const char *const files[] = { "dir", "dir/file", "dir/link2", "dir/sym", "fifo" };
	struct ct_layer_write_opts o = {
		.compression = c,
		.uid_map = uid_map,
		.n_uid_map = n_uid_map,
		.clamp_mtime = 1000,
	};
	cleanup_layer_writer struct ct_layer_writer *w = NULL;

	if (ct_layer_writer_new (store, &o, &w, err) < 0)
		return -1;
	if (ct_layer_writer_add_whiteout (w, "a/gone", err) < 0)
		return -1;
	for (size_t i = 0; i < CT_ARRAY_SIZE (files); i++)
		if (ct_layer_writer_add (w, rootfd, files[i], err) < 0)
			return -1;
	if (ct_layer_writer_add_opaque (w, "dir", err) < 0)
		return -1;
	return ct_layer_writer_finish (w, &out->desc, &out->diff_id, err);
}

/* "TYPE NAME[>LINK] UID MTIME" per entry of the blob, checking diff_id. */
static char *
list_blob (struct ct_layout *store, const struct layer *l, ct_error_t *err)
{
	struct archive *a = archive_read_new ();
	struct archive_entry *e;
	cleanup_close int fd = ct_layout_open_blob (store, l->desc.digest, err);
	char *out = xstrdup ("");

	if (fd < 0) {
		archive_read_free (a);
		free (out);
		return NULL;
	}
	archive_read_support_filter_all (a);
	archive_read_support_format_tar (a);
	if (archive_read_open_fd (a, fd, 4096) != ARCHIVE_OK) {
		archive_read_free (a);
		free (out);
		return NULL;
	}
	while (archive_read_next_header (a, &e) == ARCHIVE_OK) {
		char *next;
		const char *link = archive_entry_hardlink (e) ? archive_entry_hardlink (e) : archive_entry_symlink (e);
		char t = archive_entry_hardlink (e)          ? 'h'
		         : S_ISDIR (archive_entry_mode (e))  ? 'd'
		         : S_ISLNK (archive_entry_mode (e))  ? 'l'
		         : S_ISFIFO (archive_entry_mode (e)) ? 'p'
		                                             : 'f';
		xasprintf (&next, "%s%c %s%s%s %jd %jd %s\n", out, t, archive_entry_pathname (e), link ? ">" : "",
		           link ? link : "", (intmax_t) archive_entry_uid (e), (intmax_t) archive_entry_mtime (e),
		           archive_entry_uname (e) && *archive_entry_uname (e) ? "uname" : "-");
		free (out);
		out = next;
	}
	archive_read_free (a);
	return out;
}

/* sha256 of the blob decompressed by gzip -dc or zstd -dc. */
static char *
uncompressed_digest (struct ct_layout *store, const struct layer *l, const char *tool)
{
	cleanup_free char *cmd = NULL;
	char line[128] = "";
	FILE *p;

	xasprintf (&cmd, "%s -dc %s/blobs/sha256/%s | sha256sum", tool, ct_layout_path (store),
	           strchr (l->desc.digest, ':') + 1);
	p = popen (cmd, "r");
	if (p == NULL)
		return NULL;
	if (fgets (line, sizeof line, p) == NULL)
		line[0] = '\0';
	pclose (p);
	line[64] = '\0';
	return strlen (line) == 64 ? xstrdup (line) : NULL;
}

static int
test_layer_entries_and_diff_id (void)
{
	cleanup_free char *dir = mk_tmpdir ();
	cleanup_free char *store_dir = NULL;
	cleanup_free char *list = NULL;
	cleanup_free char *unc = NULL;
	cleanup_free char *expected = NULL;
	cleanup_layout struct ct_layout *store = NULL;
	cleanup_close int rootfd = -1;
	struct layer l = { 0 };
	ct_error_t err = NULL;
	struct stat st;
	uint32_t uid;

	CHECK (dir != NULL);
	xasprintf (&store_dir, "%s/store", dir);
	CHECK (ct_layout_open (store_dir, CT_LAYOUT_WRITE, &store, &err) == 0);
	{
		cleanup_free char *root = NULL;
		xasprintf (&root, "%s/root", dir);
		CHECK (mkdir (root, 0755) == 0);
		rootfd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	CHECK (rootfd >= 0);
	CHECK (make_tree (rootfd) == 0);
	CHECK (fstatat (rootfd, "dir/file", &st, 0) == 0);
	uid = (uint32_t) st.st_uid;
	CHECK (write_layer (store, rootfd, CT_LAYER_GZIP, NULL, 0, &l, &err) == 0);
	CHECK_STR (l.desc.media_type, CT_MT_OCI_LAYER_GZIP);
	list = list_blob (store, &l, &err);
	CHECK (list != NULL);
	/* as added, numeric ids only, mtimes clamped, a hard link to the
	   first name, markers owned by 0 with mtime 0 */
	xasprintf (&expected,
	           "f a/.wh.gone 0 0 -\n"
	           "d dir/ %u 1000 -\n"
	           "f dir/file %u 1000 -\n"
	           "h dir/link2>dir/file %u 1000 -\n"
	           "l dir/sym>file %u 1000 -\n"
	           "p fifo %u 1000 -\n"
	           "f dir/.wh..wh..opq 0 0 -\n",
	           uid, uid, uid, uid, uid);
	CHECK_STR (list, expected);
	unc = uncompressed_digest (store, &l, "gzip");
	CHECK (unc != NULL);
	CHECK (strcmp (l.diff_id + strlen ("sha256:"), unc) == 0);
	layer_clear (&l);
	rm_dir (dir);
	return 0;
}

static int
test_deterministic_and_compressions (void)
{
	cleanup_free char *dir = mk_tmpdir ();
	cleanup_free char *store_dir = NULL;
	cleanup_free char *root = NULL;
	cleanup_layout struct ct_layout *store = NULL;
	cleanup_close int rootfd = -1;
	struct layer a = { 0 }, b = { 0 }, z = { 0 }, n = { 0 };
	ct_error_t err = NULL;
	cleanup_free char *unc = NULL;

	CHECK (dir != NULL);
	xasprintf (&store_dir, "%s/store", dir);
	xasprintf (&root, "%s/root", dir);
	CHECK (ct_layout_open (store_dir, CT_LAYOUT_WRITE, &store, &err) == 0);
	CHECK (mkdir (root, 0755) == 0);
	rootfd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK (rootfd >= 0);
	CHECK (make_tree (rootfd) == 0);
	CHECK (write_layer (store, rootfd, CT_LAYER_GZIP, NULL, 0, &a, &err) == 0);
	CHECK (write_layer (store, rootfd, CT_LAYER_GZIP, NULL, 0, &b, &err) == 0);
	CHECK_STR (a.desc.digest, b.desc.digest);
	CHECK (a.desc.size == b.desc.size);
	CHECK (write_layer (store, rootfd, CT_LAYER_ZSTD, NULL, 0, &z, &err) == 0);
	CHECK_STR (z.desc.media_type, CT_MT_OCI_LAYER_ZSTD);
	CHECK_STR (z.diff_id, a.diff_id); /* the same tar inside */
	CHECK (write_layer (store, rootfd, CT_LAYER_UNCOMPRESSED, NULL, 0, &n, &err) == 0);
	CHECK_STR (n.desc.media_type, CT_MT_OCI_LAYER);
	CHECK_STR (n.desc.digest, a.diff_id);
	if (access ("/usr/bin/zstd", X_OK) == 0) {
		unc = uncompressed_digest (store, &z, "zstd");
		CHECK (unc != NULL && strcmp (a.diff_id + 7, unc) == 0);
	}
	layer_clear (&a);
	layer_clear (&b);
	layer_clear (&z);
	layer_clear (&n);
	rm_dir (dir);
	return 0;
}

static int
test_owner_mapping (void)
{
	cleanup_free char *dir = mk_tmpdir ();
	cleanup_free char *store_dir = NULL;
	cleanup_free char *root = NULL;
	cleanup_layout struct ct_layout *store = NULL;
	cleanup_close int rootfd = -1;
	struct layer l = { 0 };
	ct_error_t err = NULL;
	struct stat st;
	struct ct_id_map map;

	CHECK (dir != NULL);
	xasprintf (&store_dir, "%s/store", dir);
	xasprintf (&root, "%s/root", dir);
	CHECK (ct_layout_open (store_dir, CT_LAYOUT_WRITE, &store, &err) == 0);
	CHECK (mkdir (root, 0755) == 0);
	rootfd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK (rootfd >= 0);
	CHECK (make_tree (rootfd) == 0);
	CHECK (fstat (rootfd, &st) == 0);
	/* our uid is container id 7 */
	map = (struct ct_id_map){ .container = 7, .host = (uint32_t) st.st_uid, .size = 1 };
	CHECK (write_layer (store, rootfd, CT_LAYER_GZIP, &map, 1, &l, &err) == 0);
	{
		cleanup_free char *list = list_blob (store, &l, &err);
		CHECK (list != NULL);
		CHECK (strstr (list, "f dir/file 7 1000 -\n") != NULL);
	}
	layer_clear (&l);
	/* an owner outside the map */
	map.host = (uint32_t) st.st_uid + 1;
	CHECK (write_layer (store, rootfd, CT_LAYER_GZIP, &map, 1, &l, &err) < 0);
	CHECK_ERR (err, "`dir`: owner ");
	CHECK_ERR (err, "is outside the bundle's uid mappings");
	ct_error_release (&err);
	/* nothing left behind in tmp/ by the failed layer */
	{
		cleanup_free char *tmp = NULL;
		DIR *d;
		struct dirent *de;
		int count = 0;
		xasprintf (&tmp, "%s/tmp", store_dir);
		d = opendir (tmp);
		CHECK (d != NULL);
		while ((de = readdir (d)) != NULL)
			count += de->d_name[0] != '.';
		closedir (d);
		CHECK (count == 0);
	}
	rm_dir (dir);
	return 0;
}

static int
test_compression_names (void)
{
	enum ct_layer_compression c;
	ct_error_t err = NULL;

	CHECK (ct_layer_compression_parse ("zstd", &c, &err) == 0 && c == CT_LAYER_ZSTD);
	CHECK (ct_layer_compression_parse ("none", &c, &err) == 0 && c == CT_LAYER_UNCOMPRESSED);
	CHECK (ct_layer_compression_parse ("gzip", &c, &err) == 0 && c == CT_LAYER_GZIP);
	CHECK (ct_layer_compression_parse ("xz", &c, &err) < 0);
	CHECK_ERR (err, "unknown compression `xz` (gzip, zstd or none)");
	ct_error_release (&err);
	return 0;
}

static const struct tap_test tests[] = {
	TAP_TEST (test_layer_entries_and_diff_id),
	TAP_TEST (test_deterministic_and_compressions),
	TAP_TEST (test_owner_mapping),
	TAP_TEST (test_compression_names),
};

int
main (void)
{
	return tap_run (tests, TAP_COUNT (tests));
}
