/* The layer writer (layer-write.h): two libarchive writers in a chain,
     tar (pax) --tar_write--> diff_id hash --> raw+gzip/zstd --blob_write--> store
   so the uncompressed bytes pass through our hands once, for the diff_id,
   and the compressed ones once, into the blob writer (which hashes them for
   the digest). */
#include "common.h"

#include <archive.h>
#include <archive_entry.h>
#include <locale.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "digest.h"
#include "fs.h"
#include "layer-write.h"
#include "log.h"

#define WHITEOUT_PREFIX ".wh."
#define OPAQUE_MARKER   ".wh..wh..opq"

struct ct_layer_writer {
	struct ct_layer_write_opts o;
	struct archive *tar;
	struct archive *comp; /* NULL when uncompressed */
	struct archive_entry_linkresolver *links;
	struct ct_blob_writer *blob;
	struct ct_digester *diff; /* of the uncompressed tar */
	ct_error_t cb_err;        /* an error of our callbacks, which libarchive only sees as -1 */
	locale_t utf8;            /* C.UTF-8 while libarchive converts names (0: none) */
	bool finished;
	char buf[1 << 16]; /* file data on its way to the tar */
};

int
ct_layer_compression_parse (const char *s, enum ct_layer_compression *out, ct_error_t *err)
{
	if (strcmp (s, "gzip") == 0)
		*out = CT_LAYER_GZIP;
	else if (strcmp (s, "zstd") == 0)
		*out = CT_LAYER_ZSTD;
	else if (strcmp (s, "none") == 0)
		*out = CT_LAYER_UNCOMPRESSED;
	else
		return ct_make_error (err, EINVAL, "unknown compression `%s` (gzip, zstd or none)", s);
	return 0;
}

const char *
ct_layer_compression_media_type (enum ct_layer_compression c)
{
	switch (c) {
	case CT_LAYER_ZSTD:
		return CT_MT_OCI_LAYER_ZSTD;
	case CT_LAYER_UNCOMPRESSED:
		return CT_MT_OCI_LAYER;
	case CT_LAYER_GZIP:
	default:
		return CT_MT_OCI_LAYER_GZIP;
	}
}

/* The error of the last libarchive call on a: ours when a callback failed. */
static int
archive_fail (struct ct_layer_writer *w, struct archive *a, const char *what, ct_error_t *err)
{
	if (w->cb_err != NULL) {
		*err = steal_pointer (&w->cb_err);
		return ct_error_wrap (err, "%s", what);
	}
	return ct_make_error (err, archive_errno (a) > 0 ? archive_errno (a) : 0, "%s: %s", what,
	                      archive_error_string (a) ? archive_error_string (a) : "libarchive error");
}

static la_ssize_t
blob_write (struct archive *a, void *data, const void *buf, size_t len)
{
	struct ct_layer_writer *w = data;

	(void) a;
	if (w->cb_err == NULL && ct_blob_writer_write (w->blob, buf, len, &w->cb_err) < 0)
		return -1;
	return w->cb_err ? -1 : (la_ssize_t) len;
}

static la_ssize_t
tar_write (struct archive *a, void *data, const void *buf, size_t len)
{
	struct ct_layer_writer *w = data;

	(void) a;
	if (w->cb_err != NULL || ct_digest_update (w->diff, buf, len, &w->cb_err) < 0)
		return -1;
	if (w->comp == NULL)
		return blob_write (NULL, w, buf, len);
	if (archive_write_data (w->comp, buf, len) != (la_ssize_t) len) {
		if (w->cb_err == NULL)
			ct_make_error (&w->cb_err, 0, "compress: %s", archive_error_string (w->comp));
		return -1;
	}
	return (la_ssize_t) len;
}

/* The compressor: libarchive's "raw" format passes one entry's data
   through its filters unchanged. */
static int
open_compressor (struct ct_layer_writer *w, ct_error_t *err)
{
	struct archive_entry *e;
	int r;

	w->comp = archive_write_new ();
	if (archive_write_set_format_raw (w->comp) != ARCHIVE_OK)
		return archive_fail (w, w->comp, "set up the compressor", err);
	if (w->o.compression == CT_LAYER_ZSTD)
		r = archive_write_add_filter_zstd (w->comp);
	else {
		r = archive_write_add_filter_gzip (w->comp);
		/* no mtime in the gzip header: the same tar gives the same blob */
		if (r == ARCHIVE_OK)
			r = archive_write_set_filter_option (w->comp, "gzip", "timestamp", NULL);
	}
	if (r != ARCHIVE_OK || archive_write_set_bytes_per_block (w->comp, 0) != ARCHIVE_OK ||
	    archive_write_open2 (w->comp, w, NULL, blob_write, NULL, NULL) != ARCHIVE_OK)
		return archive_fail (w, w->comp, "set up the compressor", err);
	e = archive_entry_new ();
	archive_entry_set_filetype (e, AE_IFREG);
	r = archive_write_header (w->comp, e);
	archive_entry_free (e);
	if (r != ARCHIVE_OK)
		return archive_fail (w, w->comp, "set up the compressor", err);
	return 0;
}

int
ct_layer_writer_new (struct ct_layout *l, const struct ct_layer_write_opts *o, struct ct_layer_writer **out,
                     ct_error_t *err)
{
	struct ct_layer_writer *w = xzalloc (sizeof (*w));

	w->o = *o;
	if (ct_blob_writer_new (l, NULL, -1, &w->blob, err) < 0)
		goto fail;
	w->diff = ct_digest_init (CT_DIGEST_SHA256, err);
	if (w->diff == NULL)
		goto fail;
	if (o->compression != CT_LAYER_UNCOMPRESSED && open_compressor (w, err) < 0)
		goto fail;
	w->tar = archive_write_new ();
	/* pax_restricted: ustar headers, pax records only where needed
	   (long or non-ASCII names, big ids, xattrs). */
	if (archive_write_set_format_pax_restricted (w->tar) != ARCHIVE_OK ||
	    archive_write_add_filter_none (w->tar) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block (w->tar, 1) != ARCHIVE_OK ||
	    archive_write_open2 (w->tar, w, NULL, tar_write, NULL, NULL) != ARCHIVE_OK) {
		archive_fail (w, w->tar, "start the layer", err);
		goto fail;
	}
	/* pax names are UTF-8, converted from the locale's charset: in the C
	   locale every non-ASCII name would fail the conversion and be written
	   as raw bytes with hdrcharset=BINARY, in a UTF-8 locale not.  The same
	   files must give the same layer whatever the caller's locale: convert
	   as C.UTF-8 always (names that are not UTF-8 still go as raw bytes). */
	w->utf8 = newlocale (LC_CTYPE_MASK, "C.UTF-8", (locale_t) 0);
	w->links = archive_entry_linkresolver_new ();
	archive_entry_linkresolver_set_strategy (w->links, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
	*out = w;
	return 0;
fail:
	ct_layer_writer_free (w);
	return -1;
}

void
ct_layer_writer_free (struct ct_layer_writer *w)
{
	if (w == NULL)
		return;
	if (w->tar != NULL)
		archive_write_free (w->tar); /* closes: may call tar_write, harmless before free */
	if (w->comp != NULL)
		archive_write_free (w->comp);
	if (w->links != NULL)
		archive_entry_linkresolver_free (w->links);
	ct_blob_writer_free (w->blob);
	ct_digest_free (w->diff);
	ct_error_release (&w->cb_err);
	if (w->utf8 != (locale_t) 0)
		freelocale (w->utf8);
	free (w);
}

void
ct_layer_writer_freep (struct ct_layer_writer **w)
{
	ct_layer_writer_free (*w);
}

/* ------------------------------------------------------------ entries */

static int
name_cmp (const void *a, const void *b)
{
	return strcmp (*(char *const *) a, *(char *const *) b);
}

static bool
skipped_xattr (const char *name)
{
	/* overlayfs bookkeeping of the upper dir, not file content */
	return strncmp (name, "trusted.overlay.", 16) == 0 || strncmp (name, "user.overlay.", 13) == 0;
}

/* The xattrs of fd (fdpath == NULL) or of fdpath (/proc/self/fd/N of an
   O_PATH fd: symlinks and special files cannot be opened for reading), in
   name order. */
static int
add_xattrs (struct archive_entry *e, int fd, const char *fdpath, const char *path, ct_error_t *err)
{
	cleanup_free char *list = NULL;
	cleanup_free char **names = NULL;
	ssize_t len;
	size_t n = 0, i;

	for (;;) {
		len = fdpath ? listxattr (fdpath, NULL, 0) : flistxattr (fd, NULL, 0);
		if (len < 0 && (errno == ENOTSUP || errno == ENOENT))
			return 0; /* no xattrs there (or no /proc: special files go without) */
		if (len < 0)
			return ct_make_error (err, errno, "`%s`: list xattrs", path);
		if (len == 0)
			return 0;
		free (list);
		list = xmalloc ((size_t) len);
		len = fdpath ? listxattr (fdpath, list, (size_t) len) : flistxattr (fd, list, (size_t) len);
		if (len >= 0)
			break;
		if (errno != ERANGE) /* ERANGE: it grew meanwhile */
			return ct_make_error (err, errno, "`%s`: list xattrs", path);
	}
	names = xcalloc ((size_t) len + 1, sizeof (*names));
	for (char *p = list; p < list + len; p += strlen (p) + 1)
		if (!skipped_xattr (p))
			names[n++] = p;
	qsort (names, n, sizeof (*names), name_cmp);
	for (i = 0; i < n; i++) {
		cleanup_free char *value = NULL;
		ssize_t vlen;

		for (;;) {
			vlen = fdpath ? getxattr (fdpath, names[i], NULL, 0) : fgetxattr (fd, names[i], NULL, 0);
			if (vlen < 0)
				return ct_make_error (err, errno, "`%s`: read xattr `%s`", path, names[i]);
			free (value);
			value = xmalloc ((size_t) vlen + 1);
			vlen = fdpath ? getxattr (fdpath, names[i], value, (size_t) vlen)
			              : fgetxattr (fd, names[i], value, (size_t) vlen);
			if (vlen >= 0)
				break;
			if (errno != ERANGE)
				return ct_make_error (err, errno, "`%s`: read xattr `%s`", path, names[i]);
		}
		archive_entry_xattr_add_entry (e, names[i], value, (size_t) vlen);
	}
	return 0;
}

static int
write_header (struct ct_layer_writer *w, struct archive_entry *e, const char *path, ct_error_t *err)
{
	locale_t old = w->utf8 != (locale_t) 0 ? uselocale (w->utf8) : (locale_t) 0;
	int r = archive_write_header (w->tar, e);

	if (old != (locale_t) 0)
		uselocale (old);
	if (r == ARCHIVE_OK)
		return 0;
	/* a name that is not UTF-8: written as its bytes (hdrcharset=BINARY) */
	if (r == ARCHIVE_WARN && w->cb_err == NULL) {
		ct_log_debug ("layer: `%s`: %s", path, archive_error_string (w->tar));
		return 0;
	}
	return archive_fail (w, w->tar, path, err);
}

/* Exactly `size` bytes of fd: a file that shrank meanwhile is padded with
   zeros, one that grew is cut (the header already has the size). */
static int
write_data (struct ct_layer_writer *w, int fd, int64_t size, const char *path, ct_error_t *err)
{
	char *buf = w->buf;
	int64_t left = size;

	while (left > 0) {
		size_t want = left < (int64_t) sizeof w->buf ? (size_t) left : sizeof w->buf;
		ssize_t n = read (fd, buf, want);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ct_make_error (err, errno, "`%s`: read", path);
		if (n == 0) {
			n = (ssize_t) want;
			memset (buf, 0, want);
		}
		if (archive_write_data (w->tar, buf, (size_t) n) != n)
			return archive_fail (w, w->tar, path, err);
		left -= n;
	}
	return 0;
}

static int
map_owner (struct ct_layer_writer *w, const struct stat *st, const char *path, struct archive_entry *e, ct_error_t *err)
{
	uint32_t uid, gid;

	if (!ct_id_map_to_container (w->o.uid_map, w->o.n_uid_map, st->st_uid, &uid))
		return ct_make_error (err, 0, "`%s`: owner %ju is outside the bundle's uid mappings", path,
		                      (uintmax_t) st->st_uid);
	if (!ct_id_map_to_container (w->o.gid_map, w->o.n_gid_map, st->st_gid, &gid))
		return ct_make_error (err, 0, "`%s`: group %ju is outside the bundle's gid mappings", path,
		                      (uintmax_t) st->st_gid);
	archive_entry_set_uid (e, uid);
	archive_entry_set_gid (e, gid);
	return 0;
}

static void
freep_entry (struct archive_entry **e)
{
	if (*e != NULL)
		archive_entry_free (*e);
}
#define cleanup_entry __attribute__ ((cleanup (freep_entry)))

/* Open path's parent inside rootfd: *base points into path. */
static int
open_parent (int rootfd, const char *path, const char **base, ct_error_t *err)
{
	const char *slash = strrchr (path, '/');
	cleanup_free char *parent = NULL;
	int fd;

	if (slash == NULL) {
		*base = path;
		fd = fcntl (rootfd, F_DUPFD_CLOEXEC, 3);
		return fd < 0 ? ct_make_error (err, errno, "`%s`: dup", path) : fd;
	}
	*base = slash + 1;
	parent = xstrndup (path, (size_t) (slash - path));
	fd = ct_fs_openat_beneath (rootfd, parent, O_PATH | O_DIRECTORY, 0, err);
	if (fd < 0)
		return ct_error_wrap (err, "`%s`", path);
	return fd;
}

int
ct_layer_writer_add (struct ct_layer_writer *w, int rootfd, const char *path, ct_error_t *err)
{
	cleanup_close int pfd = -1;
	cleanup_close int fd = -1;
	cleanup_entry struct archive_entry *e = NULL;
	struct archive_entry *spare = NULL;
	cleanup_free char *fdpath = NULL;
	const char *base;
	struct stat st;
	int64_t mtime;

	pfd = open_parent (rootfd, path, &base, err);
	if (pfd < 0)
		return -1;
	if (fstatat (pfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return ct_make_error (err, errno, "`%s`: stat", path);
	if (S_ISSOCK (st.st_mode)) {
		ct_log_warning ("layer: `%s`: a socket cannot be stored in a layer; skipped", path);
		return 0;
	}
	if (S_ISREG (st.st_mode) || S_ISDIR (st.st_mode))
		fd = openat (pfd, base,
		             O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | (S_ISDIR (st.st_mode) ? O_DIRECTORY : 0));
	else
		fd = openat (pfd, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ct_make_error (err, errno, "`%s`: open", path);
	/* What was opened is what gets described (it may have been replaced
	   since the fstatat). */
	if (fstat (fd, &st) < 0)
		return ct_make_error (err, errno, "`%s`: stat", path);

	e = archive_entry_new ();
	archive_entry_copy_pathname (e, path);
	archive_entry_set_mode (e, st.st_mode);
	if (map_owner (w, &st, path, e, err) < 0)
		return -1;
	mtime = st.st_mtim.tv_sec;
	if (w->o.clamp_mtime >= 0 && mtime > w->o.clamp_mtime)
		mtime = w->o.clamp_mtime;
	archive_entry_set_mtime (e, mtime, 0);
	archive_entry_set_size (e, S_ISREG (st.st_mode) ? st.st_size : 0);
	archive_entry_set_dev (e, st.st_dev);
	archive_entry_set_ino64 (e, (la_int64_t) st.st_ino);
	archive_entry_set_nlink (e, (unsigned) st.st_nlink);
	if (S_ISCHR (st.st_mode) || S_ISBLK (st.st_mode))
		archive_entry_set_rdev (e, st.st_rdev);
	if (S_ISLNK (st.st_mode)) {
		size_t cap = st.st_size > 0 ? (size_t) st.st_size + 1 : 256;
		for (;;) {
			cleanup_free char *target = xmalloc (cap);
			ssize_t n = readlinkat (pfd, base, target, cap);

			if (n < 0)
				return ct_make_error (err, errno, "`%s`: read symlink", path);
			if ((size_t) n < cap) {
				target[n] = '\0';
				archive_entry_copy_symlink (e, target);
				break;
			}
			cap *= 2;
		}
	}
	if (!S_ISREG (st.st_mode) && !S_ISDIR (st.st_mode))
		xasprintf (&fdpath, "/proc/self/fd/%d", fd);
	if (add_xattrs (e, fd, fdpath, path, err) < 0)
		return -1;

	/* Later names of a file already in the layer become hard links to
	   the first (size 0, no data). */
	archive_entry_linkify (w->links, &e, &spare);
	if (e != NULL) {
		if (write_header (w, e, path, err) < 0)
			return -1;
		if (archive_entry_hardlink (e) == NULL && archive_entry_size (e) > 0 &&
		    write_data (w, fd, archive_entry_size (e), path, err) < 0)
			return -1;
	}
	/* The tar strategy never defers an entry; spare stays NULL. */
	if (spare != NULL)
		archive_entry_free (spare);
	return 0;
}

static int
add_marker (struct ct_layer_writer *w, const char *name, ct_error_t *err)
{
	cleanup_entry struct archive_entry *e = archive_entry_new ();

	archive_entry_copy_pathname (e, name);
	archive_entry_set_filetype (e, AE_IFREG);
	archive_entry_set_perm (e, 0);
	archive_entry_set_uid (e, 0);
	archive_entry_set_gid (e, 0);
	archive_entry_set_mtime (e, 0, 0);
	archive_entry_set_size (e, 0);
	return write_header (w, e, name, err);
}

int
ct_layer_writer_add_whiteout (struct ct_layer_writer *w, const char *path, ct_error_t *err)
{
	const char *slash = strrchr (path, '/');
	cleanup_free char *name = NULL;

	if (slash == NULL)
		xasprintf (&name, WHITEOUT_PREFIX "%s", path);
	else
		xasprintf (&name, "%.*s/" WHITEOUT_PREFIX "%s", (int) (slash - path), path, slash + 1);
	return add_marker (w, name, err);
}

int
ct_layer_writer_add_opaque (struct ct_layer_writer *w, const char *dir, ct_error_t *err)
{
	cleanup_free char *name = NULL;

	if (dir[0] == '\0')
		return add_marker (w, OPAQUE_MARKER, err);
	xasprintf (&name, "%s/" OPAQUE_MARKER, dir);
	return add_marker (w, name, err);
}

int
ct_layer_writer_finish (struct ct_layer_writer *w, struct ct_descriptor *desc, char **diff_id, ct_error_t *err)
{
	cleanup_free char *digest = NULL;
	cleanup_free char *dg = NULL;

	if (w->finished)
		return ct_make_error (err, 0, "finish a layer: already finished");
	w->finished = true;
	if (archive_write_close (w->tar) != ARCHIVE_OK)
		return archive_fail (w, w->tar, "end the layer", err);
	if (w->comp != NULL && archive_write_close (w->comp) != ARCHIVE_OK)
		return archive_fail (w, w->comp, "end the layer", err);
	dg = ct_digest_final (w->diff, err);
	if (dg == NULL)
		return -1;
	if (ct_blob_writer_commit (w->blob, &digest, err) < 0)
		return ct_error_wrap (err, "store the layer");
	memset (desc, 0, sizeof (*desc));
	desc->media_type = xstrdup (ct_layer_compression_media_type (w->o.compression));
	desc->digest = steal_pointer (&digest);
	desc->size = ct_blob_writer_offset (w->blob);
	*diff_id = steal_pointer (&dg);
	return 0;
}
