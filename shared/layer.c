#include "common.h"

#include <inttypes.h>
#include <pthread.h>
#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "digest.h"
#include "fs.h"
#include "layer.h"
#include "log.h"

/* How the layer is read: two libarchive readers in a chain.
     raw  = filters gzip/zstd (by magic; anything else passes through as is)
            + format raw: yields the uncompressed tar bytes
     tar  = format tar (ustar, pax, GNU), no filter, fed by tar_read() from
            `raw`, which hashes every byte it hands over (the diff_id covers
            the uncompressed tar, image-spec config.md "rootfs").
   After tar's end-of-archive the rest of `raw` (padding after the two zero
   blocks) is drained into the hash too.  Nothing is ever held whole in
   memory. */
#define IO_BUF (128 * 1024)

#define WH_PREFIX      ".wh."
#define WH_OPAQUE      ".wh..wh..opq"
#define WH_META_PREFIX ".wh..wh."

/* What we remember about a path (relative, cleaned) during one apply. */
enum {
	PI_LAYER = 1, /* placed by this layer, or an ancestor of such a path */
	PI_TIMES = 2, /* set mtime (and atime) to `mtime` in the final pass */
	PI_MODE = 4,  /* set the permission bits to `mode` in the final pass */
};

struct pathinfo {
	char *path; /* NULL: empty slot */
	unsigned flags;
	mode_t mode;
	struct timespec mtime;
};

/* Open-addressing hash of pathinfo by path.  Entries are never deleted
   (forgetting a path clears its flags), so probing needs no tombstones. */
struct pathtab {
	struct pathinfo *slots;
	size_t cap, used;
};

/* Decompressing and hashing run on a thread of their own, ahead of the
   thread that creates the files (what `gzip -d | tar -x` gets from two
   processes): a ring of IO_BUF buffers between them.  Slots [head,
   head+count) are filled; the consumer holds slot `head` (handed to the
   tar reader) until it asks for the next one. */
#define IN_SLOTS 4
struct inflow {
	pthread_t thread;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char *buf[IN_SLOTS];
	la_ssize_t len[IN_SLOTS];
	size_t head, count;
	bool held;
	bool done; /* the reader stopped: end of stream, or error_msg */
	char *error_msg;
	bool stop; /* the consumer gave up: the reader must end */
};

struct apply {
	const char *name; /* the layer, for messages */
	const struct ct_layer_apply_opts *o;
	int rootfd;
	struct archive *tar;
	struct archive *raw;
	struct ct_digester *digest;
	struct inflow in; /* the decompressed stream, from its reader thread */
	bool raw_failed;
	uint32_t root_uid, root_gid; /* host ids of container 0:0, for created parents */
	bool root_ids_mapped;
	uid_t uid; /* host ids of the entry being placed */
	gid_t gid;
	struct pathtab paths;
	/* the parent directory of the last entry placed: consecutive entries
	   of one directory (the common case) share its in-root resolution;
	   dropped whenever anything is removed (it could be that directory or
	   one above it) */
	char *parent_dir;
	int parent_fd;
	gid_t parent_gid; /* its group: a new file there gets it or our egid */
	uid_t euid;       /* who creates the files: owner enough when ids match */
	gid_t egid;
};

/* ---- path table ---- */

static uint64_t
hash_str (const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char) *s) * 0x100000001b3ULL;
	return h;
}

static struct pathinfo *
pathtab_slot (struct pathinfo *slots, size_t cap, const char *path)
{
	size_t i = (size_t) hash_str (path) & (cap - 1);

	while (slots[i].path != NULL && strcmp (slots[i].path, path) != 0)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static struct pathinfo *
pathtab_get (struct pathtab *t, const char *path, bool create)
{
	struct pathinfo *p;

	if (t->cap == 0) {
		if (!create)
			return NULL;
		t->cap = 256;
		t->slots = xcalloc (t->cap, sizeof *t->slots);
	}
	p = pathtab_slot (t->slots, t->cap, path);
	if (p->path != NULL || !create)
		return p->path != NULL ? p : NULL;
	if ((t->used + 1) * 4 > t->cap * 3) {
		struct pathinfo *old = t->slots;
		size_t oldcap = t->cap;

		t->cap *= 2;
		t->slots = xcalloc (t->cap, sizeof *t->slots);
		for (size_t i = 0; i < oldcap; i++)
			if (old[i].path != NULL)
				*pathtab_slot (t->slots, t->cap, old[i].path) = old[i];
		free (old);
		p = pathtab_slot (t->slots, t->cap, path);
	}
	p->path = xstrdup (path);
	t->used++;
	return p;
}

static void
pathtab_release (struct pathtab *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free (t->slots[i].path);
	free (t->slots);
	t->slots = NULL;
	t->cap = t->used = 0;
}

/* `path` and everything below it are gone: nothing to restore or keep. */
static void
pathtab_forget_tree (struct pathtab *t, const char *path)
{
	size_t len = strlen (path);

	for (size_t i = 0; i < t->cap; i++) {
		const char *p = t->slots[i].path;
		if (p == NULL)
			continue;
		if (len == 0 || (strncmp (p, path, len) == 0 && (p[len] == '\0' || p[len] == '/')))
			t->slots[i].flags = 0;
	}
}

/* `path` was placed by this layer: it and its ancestors survive an opaque
   whiteout of a directory above them, wherever the whiteout sits in the tar
   (containerd tracks the same). */
static void
mark_layer (struct apply *ap, const char *path)
{
	cleanup_free char *p = xstrdup (path);

	for (;;) {
		char *slash;
		struct pathinfo *pi = pathtab_get (&ap->paths, p, true);
		if (pi->flags & PI_LAYER)
			return; /* its ancestors are marked already */
		pi->flags |= PI_LAYER;
		slash = strrchr (p, '/');
		if (slash == NULL)
			return;
		*slash = '\0';
	}
}

/* ---- messages ---- */

static int entry_error (struct apply *ap, ct_error_t *err, const char *path, int status, const char *fmt, ...)
        __attribute__ ((format (printf, 5, 6)));

static int
entry_error (struct apply *ap, ct_error_t *err, const char *path, int status, const char *fmt, ...)
{
	cleanup_free char *msg = NULL;
	va_list ap_list;
	int r;

	va_start (ap_list, fmt);
	r = vasprintf (&msg, fmt, ap_list);
	va_end (ap_list);
	if (r < 0)
		abort ();
	return ct_make_error (err, status, "layer %s: `%s`: %s", ap->name, *path ? path : "/", msg);
}

static int
entry_wrap (struct apply *ap, ct_error_t *err, const char *path)
{
	return ct_error_wrap (err, "layer %s: `%s`", ap->name, *path ? path : "/");
}

/* ---- names ---- */

/* The entry name as a path relative to the root: empty and `.` components
   dropped, `..` pops but never above the root, as if the root were "/"
   (umoci and containerd resolve names this way).  "" is the root itself. */
static char *
clean_path (const char *name)
{
	size_t n = strlen (name);
	char *out = xmalloc (n + 1);
	size_t len = 0;
	const char *p = name;

	while (*p) {
		size_t clen;

		while (*p == '/')
			p++;
		clen = strcspn (p, "/");
		if (clen == 0)
			break;
		if (clen == 1 && p[0] == '.') {
			/* skip */
		} else if (clen == 2 && p[0] == '.' && p[1] == '.') {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
		} else {
			if (len > 0)
				out[len++] = '/';
			memcpy (out + len, p, clen);
			len += clen;
		}
		p += clen;
	}
	out[len] = '\0';
	return out;
}

/* Split a cleaned non-empty path into its directory ("" at the top) and base. */
static void
split_path (char *path, const char **dir, const char **base)
{
	char *slash = strrchr (path, '/');

	if (slash == NULL) {
		*dir = "";
		*base = path;
	} else {
		*slash = '\0';
		*dir = path;
		*base = slash + 1;
	}
}

/* ---- ownership, xattrs, times ---- */

static int
host_ids (struct apply *ap, struct archive_entry *e, const char *path, uid_t *uid, gid_t *gid, ct_error_t *err)
{
	int64_t cu = archive_entry_uid (e), cg = archive_entry_gid (e);
	uint32_t hu, hg;

	/* (uid_t) -1 means "leave unchanged" to chown: not an id */
	if (cu < 0 || cu >= UINT32_MAX)
		return entry_error (ap, err, path, 0, "uid %" PRId64 " out of range", cu);
	if (cg < 0 || cg >= UINT32_MAX)
		return entry_error (ap, err, path, 0, "gid %" PRId64 " out of range", cg);
	if (!ct_id_map_to_host (ap->o->uid_map, ap->o->n_uid_map, (uint32_t) cu, &hu))
		return entry_error (ap, err, path, 0, "uid %" PRId64 " is not mapped", cu);
	if (!ct_id_map_to_host (ap->o->gid_map, ap->o->n_gid_map, (uint32_t) cg, &hg))
		return entry_error (ap, err, path, 0, "gid %" PRId64 " is not mapped", cg);
	if (hu == UINT32_MAX || hg == UINT32_MAX)
		return entry_error (ap, err, path, 0, "uid or gid maps to 4294967295");
	*uid = hu;
	*gid = hg;
	return 0;
}

/* chown of fd (>= 0) or of dirfd/base without following it, to the entry's
   ids (ap->uid, ap->gid).  Rootless, a refused chown leaves the file ours:
   the usual result without a full id map (umoci's rootless unpack does the
   same). */
static int
set_owner (struct apply *ap, const char *path, int fd, int dirfd, const char *base, ct_error_t *err)
{
	int r;

	if (fd >= 0)
		r = fchown (fd, ap->uid, ap->gid);
	else
		r = fchownat (dirfd, base, ap->uid, ap->gid, AT_SYMLINK_NOFOLLOW);
	if (r < 0 && !(ap->o->rootless && (errno == EPERM || errno == EINVAL)))
		return entry_error (ap, err, path, errno, "chown to %u:%u", (unsigned) ap->uid, (unsigned) ap->gid);
	return 0;
}

static bool
has_prefix (const char *s, const char *prefix)
{
	return strncmp (s, prefix, strlen (prefix)) == 0;
}

/* Xattrs never taken from a layer: security.selinux is host policy (umoci
   ignores it too), and trusted.overlay.* would let a layer forge overlayfs
   metadata (redirects, metacopy, opacity) in the layer cache. */
static bool
xattr_ignored (const char *name)
{
	return strcmp (name, "security.selinux") == 0 || has_prefix (name, "trusted.overlay.");
}

/* Set the entry's xattrs on fd (>= 0), else on dirfd/base not followed. */
static int
set_xattrs (struct apply *ap, struct archive_entry *e, const char *path, int fd, int dirfd, const char *base,
            ct_error_t *err)
{
	cleanup_free char *proc = NULL;
	const char *xname;
	const void *value;
	size_t size;

	if (archive_entry_xattr_reset (e) == 0)
		return 0;
	while (archive_entry_xattr_next (e, &xname, &value, &size) == ARCHIVE_OK) {
		int r;

		/* an empty value: in PAX an empty record deletes the keyword, so
		   Go readers (umoci, containerd) never see the xattr; same here */
		if (xattr_ignored (xname) || size == 0)
			continue;
		if (fd >= 0)
			r = fsetxattr (fd, xname, value, size, 0);
		else {
			/* no fd for a symlink, fifo or device: the parent's fd
			   names the directory, lsetxattr does not follow base */
			if (proc == NULL)
				xasprintf (&proc, "/proc/self/fd/%d/%s", dirfd, base);
			r = lsetxattr (proc, xname, value, size, 0);
		}
		if (r == 0)
			continue;
		if (ap->o->rootless && (errno == EPERM || errno == ENOTSUP || errno == EACCES) &&
		    (has_prefix (xname, "trusted.") || has_prefix (xname, "security."))) {
			ct_log_warning ("layer %s: `%s`: xattr `%s` not set (not permitted rootless)", ap->name, path,
			                xname);
			continue;
		}
		return entry_error (ap, err, path, errno, "set xattr `%s`", xname);
	}
	return 0;
}

static void
entry_times (struct archive_entry *e, struct timespec ts[2])
{
	ts[1].tv_sec = archive_entry_mtime (e);
	ts[1].tv_nsec = archive_entry_mtime_nsec (e);
	/* atime = mtime: the layer's atime (if any) is not meaningful, and the
	   result is reproducible */
	ts[0] = ts[1];
}

/* Remember the current times of directory `dirpath` (fd: the directory) before
   this layer first changes its contents, to put them back at the end: an
   entry in a lower directory must not change that directory's mtime (umoci
   restores it the same way). */
static int
note_dir_times (struct apply *ap, const char *dirpath, int fd, ct_error_t *err)
{
	struct pathinfo *pi = pathtab_get (&ap->paths, dirpath, true);
	struct stat st;

	if (pi->flags & PI_TIMES)
		return 0;
	if (fstat (fd, &st) < 0)
		return entry_error (ap, err, dirpath, errno, "stat");
	pi->mtime = st.st_mtim;
	pi->flags |= PI_TIMES;
	return 0;
}

/* ---- placing ---- */

/* The cached directory may have gone: the next entry resolves its parent
   again (the fd stays open: the entry being placed still uses it). */
static void
parent_stale (struct apply *ap)
{
	free (ap->parent_dir);
	ap->parent_dir = NULL;
}

static void
parent_forget (struct apply *ap)
{
	if (ap->parent_fd >= 0)
		close (ap->parent_fd);
	ap->parent_fd = -1;
	free (ap->parent_dir);
	ap->parent_dir = NULL;
}

/* The directory `dir` (cleaned) inside the root, as an O_PATH fd; missing
   directories are created 0755 and owned by the container's root, as the
   image spec expects of parents a layer does not list. */
static int
open_parent (struct apply *ap, const char *dir, const char *path, ct_error_t *err)
{
	cleanup_free char *prefix = NULL;
	ct_error_t e = NULL;
	int fd;
	size_t len = 0;

	fd = ct_fs_openat_beneath (ap->rootfd, dir, O_PATH | O_DIRECTORY, 0, &e);
	if (fd >= 0)
		return fd;
	if (ct_error_status (e) != ENOENT) {
		*err = e;
		return entry_wrap (ap, err, path);
	}
	ct_error_release (&e);

	/* one component at a time, to know which ones are new */
	prefix = xstrdup (dir);
	for (;;) {
		cleanup_close int parentfd = -1;
		cleanup_close int rd = -1;
		const char *parent;
		size_t end = len + strcspn (dir + len, "/");
		bool last = dir[end] == '\0';

		prefix[end] = '\0';
		fd = ct_fs_openat_beneath (ap->rootfd, prefix, O_PATH | O_DIRECTORY, 0, &e);
		if (fd < 0 && ct_error_status (e) != ENOENT) {
			*err = e;
			return entry_wrap (ap, err, path);
		}
		if (fd < 0) {
			ct_error_release (&e);
			/* its parent exists (previous round): keep its times */
			parent = len == 0 ? "" : prefix;
			if (len > 0)
				prefix[len - 1] = '\0';
			parentfd = ct_fs_openat_beneath (ap->rootfd, parent, O_PATH | O_DIRECTORY, 0, err);
			if (parentfd < 0 || note_dir_times (ap, parent, parentfd, err) < 0)
				return entry_wrap (ap, err, path);
			if (len > 0)
				prefix[len - 1] = '/';
			fd = ct_fs_mkdir_p_beneath (ap->rootfd, prefix, 0755, err);
			if (fd < 0)
				return entry_wrap (ap, err, path);
			rd = openat (fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (rd < 0 || fchmod (rd, 0755) < 0 ||
			    (ap->root_ids_mapped && fchown (rd, ap->root_uid, ap->root_gid) < 0 &&
			     !(ap->o->rootless && (errno == EPERM || errno == EINVAL)))) {
				int saved = errno;
				close (fd);
				return entry_error (ap, err, path, saved, "create parent directory `%s`", prefix);
			}
			mark_layer (ap, prefix);
		}
		if (last)
			return fd;
		close (fd);
		prefix[end] = '/';
		len = end + 1;
	}
}

/* Remove whatever is at dirfd/base (a tree too), never following it. */
static int
remove_existing (struct apply *ap, int dirfd, const char *base, const char *path, const struct stat *st,
                 ct_error_t *err)
{
	parent_stale (ap);
	if (ct_fs_rm_rf_at (dirfd, base, err) < 0)
		return entry_wrap (ap, err, path);
	if (S_ISDIR (st->st_mode))
		pathtab_forget_tree (&ap->paths, path);
	else {
		struct pathinfo *pi = pathtab_get (&ap->paths, path, false);
		if (pi)
			pi->flags &= ~(unsigned) (PI_TIMES | PI_MODE);
	}
	return 0;
}

/* A new regular file at dirfd/base, created with its final permissions
   (the umask is 0 while a layer is applied, ct_layer_apply): only
   setuid/setgid/sticky, which chown would clear, need a chmod afterwards.
   -1 with errno (EEXIST: something is there). */
static int
create_file (struct archive_entry *e, int dirfd, const char *base)
{
	return openat (dirfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	               archive_entry_perm (e) & 0777);
}

/* The content and metadata of the file just created as fd (taken). */
static int
fill_file (struct apply *ap, struct archive_entry *e, const char *path, int fd_in, ct_error_t *err)
{
	cleanup_close int fd = fd_in;
	struct timespec ts[2];
	const void *block;
	size_t size;
	la_int64_t offset, end = 0;
	mode_t perm = archive_entry_perm (e) & 07777;
	int r;
	/* blocks come with their offsets: a sparse entry's holes are skipped
	   and stay holes; ftruncate makes the trailing one */
	while ((r = archive_read_data_block (ap->tar, &block, &size, &offset)) == ARCHIVE_OK) {
		const char *p = block;
		while (size > 0) {
			ssize_t n = pwrite (fd, p, size, offset);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return entry_error (ap, err, path, errno, "write");
			p += n;
			size -= (size_t) n;
			offset += n;
		}
		if (offset > end)
			end = offset;
	}
	if (r != ARCHIVE_EOF)
		return entry_error (ap, err, path, 0, "read: %s", archive_error_string (ap->tar));
	if (archive_entry_size_is_set (e) && archive_entry_size (e) != end &&
	    ftruncate (fd, archive_entry_size (e)) < 0)
		return entry_error (ap, err, path, errno, "truncate");
	/* chown clears setuid/setgid and file capabilities: owner first, then
	   xattrs (security.capability), then the mode.  A file created with
	   the ids asked for needs no chown: ours, in a directory of our group. */
	if (!(ap->uid == ap->euid && ap->gid == ap->egid && ap->parent_gid == ap->egid) &&
	    set_owner (ap, path, fd, -1, NULL, err) < 0)
		return -1;
	if (set_xattrs (ap, e, path, fd, -1, NULL, err) < 0)
		return -1;
	if ((perm & 07000) != 0 && fchmod (fd, perm) < 0)
		return entry_error (ap, err, path, errno, "chmod");
	entry_times (e, ts);
	if (futimens (fd, ts) < 0)
		return entry_error (ap, err, path, errno, "set times");
	if (close (steal_fd (&fd)) < 0)
		return entry_error (ap, err, path, errno, "close");
	return 0;
}

static int
write_file (struct apply *ap, struct archive_entry *e, const char *path, int dirfd, const char *base, ct_error_t *err)
{
	int fd = create_file (e, dirfd, base);

	if (fd < 0)
		return entry_error (ap, err, path, errno, "create");
	return fill_file (ap, e, path, fd, err);
}

/* A directory: created (or kept, with its contents), owner and xattrs now;
   mode and times in the final pass, once nothing more is written into it. */
static int
make_dir (struct apply *ap, struct archive_entry *e, const char *path, int dirfd, const char *base, bool exists,
          ct_error_t *err)
{
	cleanup_close int fd = -1;
	struct pathinfo *pi;
	struct timespec ts[2];

	if (!exists && mkdirat (dirfd, base, 0700) < 0)
		return entry_error (ap, err, path, errno, "create directory");
	if (*base == '\0')
		fd = openat (dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	else
		fd = openat (dirfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return entry_error (ap, err, path, errno, "open directory");
	if (set_owner (ap, path, fd, -1, NULL, err) < 0 || set_xattrs (ap, e, path, fd, -1, NULL, err) < 0)
		return -1;
	pi = pathtab_get (&ap->paths, path, true);
	entry_times (e, ts);
	pi->mtime = ts[1];
	pi->mode = archive_entry_perm (e) & 07777;
	pi->flags |= PI_TIMES | PI_MODE;
	return 0;
}

static int
make_symlink (struct apply *ap, struct archive_entry *e, const char *path, int dirfd, const char *base, ct_error_t *err)
{
	const char *target = archive_entry_symlink (e);
	struct timespec ts[2];

	if (target == NULL || *target == '\0')
		return entry_error (ap, err, path, 0, "symlink without a target");
	/* the target is stored verbatim: it is resolved (inside the root) only
	   when something is placed through it */
	if (symlinkat (target, dirfd, base) < 0)
		return entry_error (ap, err, path, errno, "create symlink");
	if (set_owner (ap, path, -1, dirfd, base, err) < 0 || set_xattrs (ap, e, path, -1, dirfd, base, err) < 0)
		return -1;
	entry_times (e, ts);
	if (utimensat (dirfd, base, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return entry_error (ap, err, path, errno, "set times");
	return 0;
}

/* FIFOs and devices.  Returns 1 when skipped (devices, rootless). */
static int
make_node (struct apply *ap, struct archive_entry *e, const char *path, int dirfd, const char *base, ct_error_t *err)
{
	mode_t type = archive_entry_filetype (e);
	struct timespec ts[2];
	dev_t dev = 0;

	if (type != AE_IFIFO)
		dev = makedev (archive_entry_rdevmajor (e), archive_entry_rdevminor (e));
	if (mknodat (dirfd, base, type | 0600, dev) < 0) {
		if (type != AE_IFIFO && ap->o->rootless && errno == EPERM) {
			ct_log_warning ("layer %s: `%s`: %s device %u:%u not created (not permitted rootless)",
			                ap->name, path, type == AE_IFCHR ? "character" : "block", major (dev),
			                minor (dev));
			return 1;
		}
		return entry_error (ap, err, path, errno, "create %s", type == AE_IFIFO ? "fifo" : "device");
	}
	if (set_owner (ap, path, -1, dirfd, base, err) < 0 || set_xattrs (ap, e, path, -1, dirfd, base, err) < 0)
		return -1;
	if (fchmodat (dirfd, base, archive_entry_perm (e) & 07777, AT_SYMLINK_NOFOLLOW) < 0)
		return entry_error (ap, err, path, errno, "chmod");
	entry_times (e, ts);
	if (utimensat (dirfd, base, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return entry_error (ap, err, path, errno, "set times");
	return 0;
}

/* A hardlink to `target` (an entry name), resolved inside the root: a file
   of this layer or of a lower one, never a directory. */
static int
make_hardlink (struct apply *ap, const char *target_name, const char *path, int dirfd, const char *base,
               ct_error_t *err)
{
	cleanup_free char *target = clean_path (target_name);
	cleanup_close int tdirfd = -1;
	const char *tdir, *tbase;
	struct stat st;
	ct_error_t e = NULL;

	if (*target == '\0')
		return entry_error (ap, err, path, 0, "hardlink to the root directory");
	split_path (target, &tdir, &tbase);
	tdirfd = ct_fs_openat_beneath (ap->rootfd, tdir, O_PATH | O_DIRECTORY, 0, &e);
	if (tdirfd < 0) {
		int status = ct_error_status (e);
		ct_error_release (&e);
		return entry_error (ap, err, path, status, "hardlink target `%s`", target_name);
	}
	if (fstatat (tdirfd, tbase, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return entry_error (ap, err, path, errno, "hardlink target `%s`", target_name);
	if (S_ISDIR (st.st_mode))
		return entry_error (ap, err, path, 0, "hardlink to directory `%s`", target_name);
	/* no AT_SYMLINK_FOLLOW: a link to a symlink links the symlink itself */
	if (linkat (tdirfd, tbase, dirfd, base, 0) < 0)
		return entry_error (ap, err, path, errno, "hardlink to `%s`", target_name);
	return 0;
}

/* ---- whiteouts ---- */

/* Empty `dirpath` (fd: O_PATH) of what lower layers put there: a child this
   layer placed stays, and directories leading to such children are emptied
   the same way (their lower contents are hidden too). */
static int
opaque_dir (struct apply *ap, const char *dirpath, int fd, int depth, ct_error_t *err)
{
	cleanup_close int rd = -1;
	cleanup_dir DIR *d = NULL;
	cleanup_strv char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;

	if (depth > 4096)
		return entry_error (ap, err, dirpath, ELOOP, "opaque whiteout: too deep");
	rd = openat (fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rd < 0)
		return entry_error (ap, err, dirpath, errno, "open directory");
	d = fdopendir (rd);
	if (d == NULL)
		return entry_error (ap, err, dirpath, errno, "open directory");
	rd = -1; /* owned by d */
	/* names first, then changes: no removal while readdir runs */
	while ((errno = 0, de = readdir (d)) != NULL) {
		if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
			continue;
		if (n + 2 > cap) {
			cap = cap ? cap * 2 : 16;
			names = xreallocarray (names, cap, sizeof *names);
		}
		names[n++] = xstrdup (de->d_name);
		names[n] = NULL;
	}
	if (errno != 0)
		return entry_error (ap, err, dirpath, errno, "read directory");
	for (size_t i = 0; i < n; i++) {
		cleanup_free char *child = NULL;
		struct pathinfo *pi;
		struct stat st;

		if (*dirpath)
			xasprintf (&child, "%s/%s", dirpath, names[i]);
		else
			child = xstrdup (names[i]);
		if (fstatat (fd, names[i], &st, AT_SYMLINK_NOFOLLOW) < 0)
			return entry_error (ap, err, child, errno, "stat");
		pi = pathtab_get (&ap->paths, child, false);
		if (pi && (pi->flags & PI_LAYER)) {
			cleanup_close int cfd = -1;
			if (!S_ISDIR (st.st_mode))
				continue;
			cfd = openat (fd, names[i], O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (cfd < 0)
				return entry_error (ap, err, child, errno, "open directory");
			if (opaque_dir (ap, child, cfd, depth + 1, err) < 0)
				return -1;
			continue;
		}
		if (note_dir_times (ap, dirpath, fd, err) < 0 ||
		    remove_existing (ap, fd, names[i], child, &st, err) < 0)
			return -1;
	}
	return 0;
}

static int
apply_whiteout (struct apply *ap, const char *path, const char *dir, const char *base, ct_error_t *err)
{
	cleanup_close int dirfd = -1;
	const char *victim = base + strlen (WH_PREFIX);
	cleanup_free char *victim_path = NULL;
	ct_error_t e = NULL;
	struct stat st;

	parent_stale (ap);
	if (strcmp (base, WH_OPAQUE) != 0 && has_prefix (base, WH_META_PREFIX))
		return 0; /* other .wh..wh. names are reserved (aufs metadata): nothing to do */
	if (strcmp (base, WH_OPAQUE) != 0 &&
	    (*victim == '\0' || strcmp (victim, ".") == 0 || strcmp (victim, "..") == 0))
		return entry_error (ap, err, path, 0, "whiteout of an invalid name");

	if (ap->o->overlay) {
		/* layer cache: an empty directory per layer, where overlayfs reads
		   the whiteouts; nothing lower to remove here */
		dirfd = open_parent (ap, dir, path, err);
		if (dirfd < 0)
			return -1;
		if (strcmp (base, WH_OPAQUE) == 0) {
			cleanup_close int rd = openat (dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (rd < 0 || fsetxattr (rd, "trusted.overlay.opaque", "y", 1, 0) < 0)
				return entry_error (ap, err, path, errno, "set trusted.overlay.opaque on `%s`",
				                    *dir ? dir : "/");
			return 0;
		}
		xasprintf (&victim_path, "%s%s%s", dir, *dir ? "/" : "", victim);
		if (fstatat (dirfd, victim, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    remove_existing (ap, dirfd, victim, victim_path, &st, err) < 0)
			return -1;
		if (mknodat (dirfd, victim, S_IFCHR | 0, makedev (0, 0)) < 0)
			return entry_error (ap, err, path, errno, "create whiteout device `%s`", victim_path);
		mark_layer (ap, victim_path);
		return 0;
	}

	/* nothing to remove when the directory is missing */
	dirfd = ct_fs_openat_beneath (ap->rootfd, dir, O_PATH | O_DIRECTORY, 0, &e);
	if (dirfd < 0) {
		int status = ct_error_status (e);
		ct_error_release (&e);
		if (status == ENOENT || status == ENOTDIR)
			return 0;
		return entry_error (ap, err, path, status, "open directory `%s`", *dir ? dir : "/");
	}
	if (strcmp (base, WH_OPAQUE) == 0)
		return opaque_dir (ap, dir, dirfd, 0, err);
	if (fstatat (dirfd, victim, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		return entry_error (ap, err, path, errno, "stat `%s`", victim);
	}
	xasprintf (&victim_path, "%s%s%s", dir, *dir ? "/" : "", victim);
	if (note_dir_times (ap, dir, dirfd, err) < 0)
		return -1;
	return remove_existing (ap, dirfd, victim, victim_path, &st, err);
}

/* ---- one entry ---- */

static int
apply_entry (struct apply *ap, struct archive_entry *e, ct_error_t *err)
{
	const char *name = archive_entry_pathname (e);
	const char *hardlink = archive_entry_hardlink (e);
	cleanup_free char *path = NULL;
	cleanup_free char *split = NULL;
	int dirfd; /* owned by ap's parent cache */
	const char *dir, *base;
	mode_t type = archive_entry_filetype (e);
	struct stat st;
	bool exists;
	int r;

	if (name == NULL)
		return ct_make_error (err, 0, "layer %s: entry without a name", ap->name);
	path = clean_path (name);
	if (*path == '\0') {
		/* "./": the root's own metadata; nothing may replace the root */
		if (hardlink != NULL || type != AE_IFDIR)
			return entry_error (ap, err, name, 0, "cannot replace the root directory");
		if (host_ids (ap, e, "./", &ap->uid, &ap->gid, err) < 0)
			return -1;
		return make_dir (ap, e, "", ap->rootfd, "", true, err);
	}
	split = xstrdup (path);
	split_path (split, &dir, &base);
	if (has_prefix (base, WH_PREFIX))
		return apply_whiteout (ap, path, dir, base, err);
	/* an unmapped id fails the entry before anything is written */
	if (hardlink == NULL && host_ids (ap, e, path, &ap->uid, &ap->gid, err) < 0)
		return -1;

	if (ap->parent_dir == NULL || strcmp (ap->parent_dir, dir) != 0) {
		struct stat pst;

		parent_forget (ap);
		ap->parent_fd = open_parent (ap, dir, path, err);
		if (ap->parent_fd < 0)
			return -1;
		if (fstat (ap->parent_fd, &pst) < 0)
			return entry_error (ap, err, path, errno, "stat its directory");
		ap->parent_gid = pst.st_gid;
		ap->parent_dir = xstrdup (dir);
	}
	dirfd = ap->parent_fd;
	/* the common case, a new regular file: create it first, look at what
	   is there only when something is */
	if (hardlink == NULL && type == AE_IFREG) {
		int fd;

		if (note_dir_times (ap, dir, dirfd, err) < 0)
			return -1;
		fd = create_file (e, dirfd, base);
		if (fd >= 0) {
			if (fill_file (ap, e, path, fd, err) < 0)
				return -1;
			mark_layer (ap, path);
			return 0;
		}
		if (errno != EEXIST)
			return entry_error (ap, err, path, errno, "create");
	}
	if (hardlink != NULL) {
		cleanup_free char *t = clean_path (hardlink);
		if (strcmp (t, path) == 0)
			return 0; /* a link to itself: already there */
	}
	exists = fstatat (dirfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (!exists && errno != ENOENT)
		return entry_error (ap, err, path, errno, "stat");
	if (note_dir_times (ap, dir, dirfd, err) < 0)
		return -1;
	/* a directory over a directory merges; anything else replaces, and a
	   symlink found there is removed, never followed */
	if (exists && !(hardlink == NULL && type == AE_IFDIR && S_ISDIR (st.st_mode))) {
		if (remove_existing (ap, dirfd, base, path, &st, err) < 0)
			return -1;
		exists = false;
	}

	if (hardlink != NULL)
		r = make_hardlink (ap, hardlink, path, dirfd, base, err);
	else {
		switch (type) {
		case AE_IFREG:
			r = write_file (ap, e, path, dirfd, base, err);
			break;
		case AE_IFDIR:
			r = make_dir (ap, e, path, dirfd, base, exists, err);
			break;
		case AE_IFLNK:
			r = make_symlink (ap, e, path, dirfd, base, err);
			break;
		case AE_IFIFO:
		case AE_IFCHR:
		case AE_IFBLK:
			r = make_node (ap, e, path, dirfd, base, err);
			if (r == 1)
				return 0;
			break;
		default:
			return entry_error (ap, err, path, 0, "unsupported entry type 0%o", (unsigned) type);
		}
	}
	if (r < 0)
		return -1;
	mark_layer (ap, path);
	return 0;
}

/* ---- the final pass ---- */

static bool
rootless_eperm (struct apply *ap)
{
	return ap->o->rootless && errno == EPERM;
}

static int
by_depth_desc (const void *a, const void *b)
{
	const struct pathinfo *const *pa = a, *const *pb = b;
	size_t da = 0, db = 0;

	for (const char *p = (*pa)->path; *p; p++)
		da += *p == '/';
	for (const char *p = (*pb)->path; *p; p++)
		db += *p == '/';
	if ((*pa)->path[0] == '\0' || (*pb)->path[0] == '\0')
		return ((*pa)->path[0] == '\0') - ((*pb)->path[0] == '\0'); /* the root last */
	return da < db ? 1 : da > db ? -1 : 0;
}

/* Directory modes and times once all entries are in: writing a child
   changes its directory's mtime, and a read-only mode would stop the
   children being written (rootless).  Deepest first; a directory that is
   gone or was replaced meanwhile is skipped. */
static int
finish_dirs (struct apply *ap, ct_error_t *err)
{
	cleanup_free struct pathinfo **list = NULL;
	size_t n = 0;

	list = xcalloc (ap->paths.used + 1, sizeof *list);
	for (size_t i = 0; i < ap->paths.cap; i++)
		if (ap->paths.slots[i].path != NULL && (ap->paths.slots[i].flags & (PI_TIMES | PI_MODE)))
			list[n++] = &ap->paths.slots[i];
	qsort (list, n, sizeof *list, by_depth_desc);
	for (size_t i = 0; i < n; i++) {
		struct pathinfo *pi = list[i];
		cleanup_close int fd = -1;
		ct_error_t e = NULL;

		/* in-root resolution: a key may lead through a symlink of the
		   rootfs (an entry written via `lib/` when lib -> usr/lib) */
		fd = ct_fs_openat_beneath (ap->rootfd, pi->path, O_RDONLY | O_DIRECTORY, 0, &e);
		if (fd < 0) {
			int status = ct_error_status (e);
			ct_error_release (&e);
			if (status == ENOENT || status == ENOTDIR || status == ELOOP)
				continue;
			return entry_error (ap, err, pi->path, status, "open directory");
		}
		if ((pi->flags & PI_MODE) && fchmod (fd, pi->mode) < 0 && !rootless_eperm (ap))
			return entry_error (ap, err, pi->path, errno, "chmod");
		if (pi->flags & PI_TIMES) {
			struct timespec ts[2] = { pi->mtime, pi->mtime };
			/* rootless: a lower directory we do not own keeps the
			   mtime our changes gave it */
			if (futimens (fd, ts) < 0 && !rootless_eperm (ap))
				return entry_error (ap, err, pi->path, errno, "set times");
		}
	}
	return 0;
}

/* ---- the stream ---- */

/* The reader thread: decompress, hash, hand over, until the end. */
static void *
inflow_run (void *data)
{
	struct apply *ap = data;
	struct inflow *in = &ap->in;
	ct_error_t err = NULL;

	for (;;) {
		size_t slot;
		la_ssize_t n;

		pthread_mutex_lock (&in->mu);
		while (in->count == IN_SLOTS && !in->stop)
			pthread_cond_wait (&in->cv, &in->mu);
		slot = (in->head + in->count) % IN_SLOTS;
		pthread_mutex_unlock (&in->mu);
		if (in->stop)
			break;
		/* the slot is ours: the consumer never looks past head+count */
		n = archive_read_data (ap->raw, in->buf[slot], IO_BUF);
		if (n > 0 && ct_digest_update (ap->digest, in->buf[slot], (size_t) n, &err) < 0) {
			pthread_mutex_lock (&in->mu);
			in->error_msg = xstrdup (err->msg);
			ct_error_release (&err);
			in->done = true;
			pthread_cond_broadcast (&in->cv);
			pthread_mutex_unlock (&in->mu);
			break;
		}
		pthread_mutex_lock (&in->mu);
		if (n > 0) {
			in->len[slot] = n;
			in->count++;
		} else {
			if (n < 0)
				in->error_msg = xstrdup (archive_error_string (ap->raw) ? archive_error_string (ap->raw)
				                                                        : "read error");
			in->done = true;
		}
		pthread_cond_broadcast (&in->cv);
		pthread_mutex_unlock (&in->mu);
		if (n <= 0)
			break;
	}
	return NULL;
}

static int
inflow_start (struct apply *ap, ct_error_t *err)
{
	struct inflow *in = &ap->in;
	int r;

	for (size_t i = 0; i < IN_SLOTS; i++)
		in->buf[i] = xmalloc (IO_BUF);
	r = pthread_create (&in->thread, NULL, inflow_run, ap);
	if (r != 0)
		return ct_make_error (err, r, "layer %s: start the reader thread", ap->name);
	in->started = true;
	return 0;
}

/* Stop the reader (wherever it is) and wait for it. */
static void
inflow_end (struct apply *ap)
{
	struct inflow *in = &ap->in;

	if (in->started) {
		pthread_mutex_lock (&in->mu);
		in->stop = true;
		pthread_cond_broadcast (&in->cv);
		pthread_mutex_unlock (&in->mu);
		pthread_join (in->thread, NULL);
		in->started = false;
	}
	for (size_t i = 0; i < IN_SLOTS; i++) {
		free (in->buf[i]);
		in->buf[i] = NULL;
	}
	free (in->error_msg);
	in->error_msg = NULL;
}

/* The next filled buffer (the previous one goes back to the reader):
   > 0 bytes, 0 at the end, -1 on the reader's error (in->error_msg). */
static la_ssize_t
inflow_next (struct inflow *in, const void **buf)
{
	la_ssize_t n;

	pthread_mutex_lock (&in->mu);
	if (in->held) {
		in->head = (in->head + 1) % IN_SLOTS;
		in->count--;
		in->held = false;
		pthread_cond_broadcast (&in->cv);
	}
	while (in->count == 0 && !in->done)
		pthread_cond_wait (&in->cv, &in->mu);
	if (in->count > 0) {
		in->held = true;
		*buf = in->buf[in->head];
		n = in->len[in->head];
	} else
		n = in->error_msg != NULL ? -1 : 0;
	pthread_mutex_unlock (&in->mu);
	return n;
}

static la_ssize_t
tar_read (struct archive *a, void *data, const void **buf)
{
	struct apply *ap = data;
	la_ssize_t n = inflow_next (&ap->in, buf);

	if (n < 0) {
		ap->raw_failed = true;
		archive_set_error (a, EIO, "%s", ap->in.error_msg);
	}
	return n;
}

static int
stream_error (struct apply *ap, ct_error_t *err, bool first)
{
	if (ap->raw_failed)
		return ct_make_error (err, 0, "layer %s: decompress: %s", ap->name, archive_error_string (ap->tar));
	if (first)
		return ct_make_error (err, 0, "layer %s: not a tar archive (nor gzip/zstd)", ap->name);
	return ct_make_error (err, 0, "layer %s: read tar: %s", ap->name, archive_error_string (ap->tar));
}

/* The rest of the uncompressed stream after the tar's end marker: the
   diff_id covers it too. */
static int
drain_raw (struct apply *ap, ct_error_t *err)
{
	const void *buf;
	la_ssize_t n;

	while ((n = inflow_next (&ap->in, &buf)) > 0)
		;
	if (n < 0)
		return ct_make_error (err, 0, "layer %s: decompress: %s", ap->name, ap->in.error_msg);
	/* the reader is done: the digest is whole */
	inflow_end (ap);
	return 0;
}

static void
apply_release (struct apply *ap)
{
	inflow_end (ap);
	if (ap->tar)
		archive_read_free (ap->tar);
	if (ap->raw)
		archive_read_free (ap->raw);
	ct_digest_free (ap->digest);
	pthread_mutex_destroy (&ap->in.mu);
	pthread_cond_destroy (&ap->in.cv);
	pathtab_release (&ap->paths);
	parent_forget (ap);
}

static int
apply_stream (struct apply *ap, const char *diff_id, ct_error_t *err)
{
	cleanup_free char *got = NULL;
	struct archive_entry *entry;
	bool first = true;
	int r;

	for (;;) {
		r = archive_read_next_header (ap->tar, &entry);
		if (r == ARCHIVE_EOF)
			break;
		/* ARCHIVE_WARN: e.g. a name not convertible to the locale; the
		   entry is still usable as its raw bytes */
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
			return stream_error (ap, err, first);
		first = false;
		if (apply_entry (ap, entry, err) < 0)
			return -1;
	}
	if (drain_raw (ap, err) < 0)
		return -1;
	got = ct_digest_final (ap->digest, err);
	if (got == NULL)
		return -1;
	if (diff_id != NULL && strcmp (got, diff_id) != 0)
		return ct_make_error (err, 0, "layer %s: content does not match its diff_id %s", ap->name, diff_id);
	return finish_dirs (ap, err);
}

int
ct_layer_apply (int rootfd, int layerfd, const char *name, const char *diff_id, const struct ct_layer_apply_opts *o,
                ct_error_t *err)
{
	struct ct_layer_apply_opts defaults = { 0 };
	struct apply ap = { .name = name,
		            .o = o ? o : &defaults,
		            .rootfd = rootfd,
		            .parent_fd = -1,
		            .euid = geteuid (),
		            .egid = getegid () };
	struct archive_entry *rawentry;
	enum ct_digest_algo algo = CT_DIGEST_SHA256;
	mode_t old_umask;
	int r;

	if (diff_id != NULL && ct_digest_parse (diff_id, &algo, NULL, err) < 0)
		return ct_error_wrap (err, "layer %s: diff_id", name);
	ap.digest = ct_digest_init (algo, err);
	if (ap.digest == NULL)
		return -1;
	ap.root_ids_mapped = ct_id_map_to_host (ap.o->uid_map, ap.o->n_uid_map, 0, &ap.root_uid) &&
	                     ct_id_map_to_host (ap.o->gid_map, ap.o->n_gid_map, 0, &ap.root_gid);
	pthread_mutex_init (&ap.in.mu, NULL);
	pthread_cond_init (&ap.in.cv, NULL);

	ap.raw = archive_read_new ();
	ap.tar = archive_read_new ();
	if (ap.raw == NULL || ap.tar == NULL)
		abort ();
	archive_read_support_filter_gzip (ap.raw);
	archive_read_support_filter_zstd (ap.raw);
	archive_read_support_format_raw (ap.raw);
	archive_read_support_format_tar (ap.tar);
	archive_read_support_format_gnutar (ap.tar);
	if (archive_read_open_fd (ap.raw, layerfd, IO_BUF) != ARCHIVE_OK) {
		/* the raw format takes anything but nothing: an empty blob
		   (EILSEQ: libarchive's ARCHIVE_ERRNO_FILE_FORMAT on Linux) */
		if (archive_errno (ap.raw) == EILSEQ)
			r = ct_make_error (err, 0, "layer %s: not a tar archive (nor gzip/zstd)", name);
		else
			r = ct_make_error (err, archive_errno (ap.raw), "layer %s: read: %s", name,
			                   archive_error_string (ap.raw));
		goto out;
	}
	r = archive_read_next_header (ap.raw, &rawentry);
	if (r == ARCHIVE_EOF) {
		r = ct_make_error (err, 0, "layer %s: not a tar archive (nor gzip/zstd)", name);
		goto out;
	}
	if (r != ARCHIVE_OK) {
		r = ct_make_error (err, 0, "layer %s: decompress: %s", name, archive_error_string (ap.raw));
		goto out;
	}
	if (inflow_start (&ap, err) < 0) {
		r = -1;
		goto out;
	}
	if (archive_read_open (ap.tar, &ap, NULL, tar_read, NULL) != ARCHIVE_OK) {
		r = stream_error (&ap, err, true);
		goto out;
	}
	old_umask = umask (0);
	r = apply_stream (&ap, diff_id, err);
	umask (old_umask);
out:
	apply_release (&ap);
	return r < 0 ? -1 : 0;
}
