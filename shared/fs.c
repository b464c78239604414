#include "common.h"

#include <dirent.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <time.h>
#ifdef HAVE_LINUX_OPENAT2_H
#include <linux/openat2.h>
#endif

#include "fs.h"

#define MAX_SYMLINK_HOPS 40
#define PROC_ROOT_INO    1

int
ct_fs_read_all_fd (int fd, size_t max, char **buf, size_t *len, ct_error_t *err)
{
	cleanup_free char *data = NULL;
	size_t cap = 4096, n = 0;

	data = xmalloc (cap);
	for (;;) {
		ssize_t r;
		if (n + 1 >= cap) {
			cap *= 2;
			data = xrealloc (data, cap);
		}
		r = read (fd, data + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return ct_make_error (err, errno, "read");
		if (r == 0)
			break;
		n += (size_t) r;
		if (n > max)
			return ct_make_error (err, EFBIG, "larger than %zu bytes", max);
	}
	data[n] = '\0';
	*len = n;
	*buf = steal_pointer (&data);
	return 0;
}

int
ct_fs_read_all_at (int dirfd, const char *path, size_t max, char **buf, size_t *len, ct_error_t *err)
{
	cleanup_close int fd = openat (dirfd, path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return ct_make_error (err, errno, "open `%s`", path);
	if (ct_fs_read_all_fd (fd, max, buf, len, err) < 0)
		return ct_error_wrap (err, "read `%s`", path);
	return 0;
}

static int
write_all (int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = write (fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t) n;
	}
	return 0;
}

/* Split "a/b/c" into an fd for "a/b" (O_RDONLY|O_DIRECTORY, so it can be fsync'ed)
   and the base "c". */
static int
open_parent (int dirfd, const char *name, const char **base, ct_error_t *err)
{
	const char *slash = strrchr (name, '/');
	cleanup_free char *dir = NULL;
	int fd;

	if (slash == NULL) {
		*base = name;
		dir = xstrdup (".");
	} else {
		*base = slash + 1;
		dir = slash == name ? xstrdup ("/") : xstrndup (name, (size_t) (slash - name));
	}
	if (**base == '\0')
		return ct_make_error (err, EINVAL, "write `%s`: not a file name", name);
	fd = openat (dirfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ct_make_error (err, errno, "open directory `%s`", dir);
	return fd;
}

static void
random_suffix (char *out, size_t n)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	struct timespec ts;
	static uint64_t counter;
	uint64_t x;

	clock_gettime (CLOCK_MONOTONIC, &ts);
	x = ((uint64_t) ts.tv_nsec << 16) ^ (uint64_t) ts.tv_sec ^ ((uint64_t) getpid () << 40) ^
	    (++counter * 0x9e3779b97f4a7c15ULL);
	for (size_t i = 0; i < n; i++) {
		out[i] = chars[x % (sizeof chars - 1)];
		x = x / (sizeof chars - 1) ^ (x << 7) ^ (counter + i) * 0xbf58476d1ce4e5b9ULL;
	}
	out[n] = '\0';
}

int
ct_fs_write_atomic_at (int dirfd, const char *name, const void *buf, size_t len, mode_t mode, ct_error_t *err)
{
	cleanup_close int parent = -1;
	cleanup_close int fd = -1;
	cleanup_free char *tmp = NULL;
	const char *base;
	int saved;

	parent = open_parent (dirfd, name, &base, err);
	if (parent < 0)
		return ct_error_wrap (err, "write `%s`", name);
	for (int tries = 0; fd < 0; tries++) {
		char suffix[7];
		random_suffix (suffix, 6);
		free (tmp);
		xasprintf (&tmp, ".%s.tmp-%s", base, suffix);
		fd = openat (parent, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode & 07777);
		if (fd < 0 && (errno != EEXIST || tries > 100))
			return ct_make_error (err, errno, "write `%s`: create temporary file", name);
	}
	if (fchmod (fd, mode & 07777) < 0 || write_all (fd, buf, len) < 0 || fsync (fd) < 0)
		goto fail;
	if (close (steal_fd (&fd)) < 0)
		goto fail;
	if (renameat (parent, tmp, parent, base) < 0)
		goto fail;
	/* the rename is durable only once the directory is */
	if (fsync (parent) < 0)
		return ct_make_error (err, errno, "write `%s`: fsync directory", name);
	return 0;
fail:
	saved = errno;
	unlinkat (parent, tmp, 0);
	return ct_make_error (err, saved, "write `%s`", name);
}

int
ct_fs_mkdir_p_at (int dirfd, const char *path, mode_t mode, ct_error_t *err)
{
	cleanup_free char *copy = xstrdup (path);
	char *p = copy;

	if (*p == '\0')
		return ct_make_error (err, ENOENT, "create directory ``");
	/* each prefix in turn: "a", "a/b", "a/b/c" */
	for (;;) {
		char *slash;
		struct stat st;

		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		slash = strchr (p, '/');
		if (slash)
			*slash = '\0';
		if (mkdirat (dirfd, copy, mode) < 0) {
			if (errno != EEXIST)
				return ct_make_error (err, errno, "create directory `%s`", copy);
			if (fstatat (dirfd, copy, &st, 0) < 0)
				return ct_make_error (err, errno, "create directory `%s`", copy);
			if (!S_ISDIR (st.st_mode))
				return ct_make_error (err, ENOTDIR, "create directory `%s`", copy);
		}
		if (slash == NULL)
			break;
		*slash = '/';
		p = slash + 1;
	}
	return 0;
}

static bool
is_mount_root (int dirfd, const char *name, dev_t parent_dev, dev_t *dev)
{
	struct statx stx;

	if (statx (dirfd, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_BASIC_STATS, &stx) < 0)
		return false;
	*dev = makedev (stx.stx_dev_major, stx.stx_dev_minor);
	if (*dev != parent_dev)
		return true;
	/* same-device bind mounts: only the attribute tells (5.8+) */
	return (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) && (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

static int
rm_rf_dir (int dirfd, const char *name, dev_t dev, int depth, ct_error_t *err)
{
	cleanup_dir DIR *d = NULL;
	struct dirent *de;
	int fd;

	if (depth > 4096)
		return ct_make_error (err, ELOOP, "remove `%s`: too deep", name);
	fd = openat (dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ct_make_error (err, errno, "remove `%s`", name);
	d = fdopendir (fd);
	if (d == NULL) {
		int saved = errno;
		close (fd);
		return ct_make_error (err, saved, "remove `%s`", name);
	}
	while ((errno = 0, de = readdir (d)) != NULL) {
		dev_t child_dev;
		if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
			continue;
		if (unlinkat (fd, de->d_name, 0) == 0 || errno == ENOENT)
			continue;
		if (errno != EISDIR && errno != EPERM)
			return ct_make_error (err, errno, "remove `%s/%s`", name, de->d_name);
		if (is_mount_root (fd, de->d_name, dev, &child_dev))
			return ct_make_error (err, EXDEV, "remove `%s/%s`: is a mount point", name, de->d_name);
		if (rm_rf_dir (fd, de->d_name, dev, depth + 1, err) < 0)
			return ct_error_wrap (err, "remove `%s`", name);
	}
	if (errno != 0)
		return ct_make_error (err, errno, "read directory `%s`", name);
	if (unlinkat (dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return ct_make_error (err, errno, "remove `%s`", name);
	return 0;
}

int
ct_fs_rm_rf_at (int dirfd, const char *name, ct_error_t *err)
{
	struct stat st;

	if (fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		return ct_make_error (err, errno, "remove `%s`", name);
	}
	if (!S_ISDIR (st.st_mode)) {
		if (unlinkat (dirfd, name, 0) < 0 && errno != ENOENT)
			return ct_make_error (err, errno, "remove `%s`", name);
		return 0;
	}
	return rm_rf_dir (dirfd, name, st.st_dev, 0, err);
}

/* ---- resolution beneath a root ---- */

static bool
openat2_disabled_by_env (void)
{
	const char *v = getenv ("CT_NO_OPENAT2");
	return v != NULL && *v != '\0' && strcmp (v, "0") != 0;
}

static bool openat2_missing; /* the kernel said ENOSYS once */

bool
ct_fs_have_openat2 (void)
{
#if defined HAVE_LINUX_OPENAT2_H && HAVE_DECL_SYS_OPENAT2
	return !openat2_missing && !openat2_disabled_by_env ();
#else
	return false;
#endif
}

/* Returns the fd, -1 with errno, or -2 when the caller should use the fallback. */
static int
try_openat2 (int rootfd, const char *path, int flags, mode_t mode)
{
#if defined HAVE_LINUX_OPENAT2_H && HAVE_DECL_SYS_OPENAT2
	struct open_how how = { 0 };

	if (!ct_fs_have_openat2 ())
		return -2;
	how.flags = (uint64_t) (flags | O_CLOEXEC);
	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
		how.mode = mode;
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	/* EAGAIN/EXDEV: the kernel saw a concurrent rename and refused to guess */
	for (int tries = 0; tries < 32; tries++) {
		long fd = syscall (SYS_openat2, rootfd, *path ? path : ".", &how, sizeof how);
		if (fd >= 0)
			return (int) fd;
		if (errno == ENOSYS) {
			openat2_missing = true;
			return -2;
		}
		if (errno == E2BIG || errno == EINVAL || errno == EPERM)
			return -2;
		if (errno != EAGAIN && errno != EXDEV)
			return -1;
	}
	return -2;
#else
	return -2;
#endif
}

/* Stack of O_PATH directory fds from the root (fds[0], not owned) down to the
   current directory: `..` pops, so it can never rise above the root. */
struct walk {
	int *fds;
	size_t n, cap;
};

static int
walk_top (struct walk *w)
{
	return w->fds[w->n - 1];
}

static void
walk_push (struct walk *w, int fd)
{
	if (w->n == w->cap) {
		w->cap *= 2;
		w->fds = xreallocarray (w->fds, w->cap, sizeof *w->fds);
	}
	w->fds[w->n++] = fd;
}

static void
walk_pop_to (struct walk *w, size_t n)
{
	while (w->n > n)
		close (w->fds[--w->n]);
}

static void
walk_release (struct walk *w)
{
	walk_pop_to (w, 1);
	free (w->fds);
}

/* A magic link is a procfs symlink whose target is not a path (root, cwd, exe,
   fd/N, ns/...).  The only plain symlinks procfs has are in its root directory
   (self, thread-self, mounts, net...), so: a symlink inside a procfs directory
   other than the proc root is treated as magic. */
static bool
is_magic_link_dir (int dirfd)
{
	struct statfs sfs;
	struct stat st;

	if (fstatfs (dirfd, &sfs) < 0 || fstat (dirfd, &st) < 0)
		return true;
	return sfs.f_type == PROC_SUPER_MAGIC && st.st_ino != PROC_ROOT_INO;
}

/* Replace the path being walked by "<target>/<rest>" after reading the
   symlink `linkfd` (an O_PATH|O_NOFOLLOW fd). */
static int
follow_link (struct walk *w, int linkfd, const char *rest, char **path, int *hops)
{
	char target[PATH_MAX + 1];
	ssize_t n;
	char *next;

	if (is_magic_link_dir (walk_top (w)) || ++*hops > MAX_SYMLINK_HOPS) {
		errno = ELOOP;
		return -1;
	}
	n = readlinkat (linkfd, "", target, sizeof target - 1);
	if (n < 0)
		return -1;
	if (n == 0) {
		errno = ENOENT;
		return -1;
	}
	target[n] = '\0';
	xasprintf (&next, "%s/%s", target, rest);
	free (*path);
	*path = next;
	/* absolute targets restart at the root, as RESOLVE_IN_ROOT does */
	if (target[0] == '/')
		walk_pop_to (w, 1);
	return 0;
}

/* Userspace RESOLVE_IN_ROOT.  mkdir_mode: create missing directories and
   return an O_PATH fd of the final one; else open the last component with
   flags/mode.  Returns -1 with errno on failure. */
static int
walk_beneath (int rootfd, const char *path_in, int flags, mode_t mode, bool mkdir_mode)
{
	struct walk w = { .fds = xmalloc (8 * sizeof (int)), .n = 1, .cap = 8 };
	char *path = xstrdup (path_in);
	size_t pos = 0;
	int hops = 0;
	int ret = -1;
	int saved;

	w.fds[0] = rootfd;
	for (;;) {
		char *comp, *rest;
		bool last;
		size_t clen;
		int fd;
		struct stat st;

		while (path[pos] == '/')
			pos++;
		if (path[pos] == '\0') {
			/* resolved to a directory already on the stack */
			if (mkdir_mode)
				ret = openat (walk_top (&w), ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
			else
				ret = openat (walk_top (&w), ".", flags | O_CLOEXEC, mode);
			break;
		}
		comp = path + pos;
		clen = strcspn (comp, "/");
		rest = comp + clen;
		if (*rest == '/')
			*rest++ = '\0';
		while (*rest == '/')
			rest++;
		last = *rest == '\0';
		pos = (size_t) (rest - path);

		if (strcmp (comp, ".") == 0)
			continue;
		if (strcmp (comp, "..") == 0) {
			if (w.n > 1)
				walk_pop_to (&w, w.n - 1);
			continue;
		}
		/* O_CREAT|O_EXCL never follows a final symlink (open(2)): EEXIST */
		if (last && !mkdir_mode &&
		    ((flags & O_NOFOLLOW) || (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))) {
			ret = openat (walk_top (&w), comp, flags | O_CLOEXEC, mode);
			break;
		}
		fd = openat (walk_top (&w), comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT) {
			if (last && !mkdir_mode && (flags & O_CREAT)) {
				/* O_NOFOLLOW: a symlink planted meanwhile is not followed out */
				ret = openat (walk_top (&w), comp, flags | O_NOFOLLOW | O_CLOEXEC, mode);
				break;
			}
			if (mkdir_mode) {
				if (mkdirat (walk_top (&w), comp, mode) < 0 && errno != EEXIST)
					break;
				fd = openat (walk_top (&w), comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
			}
		}
		if (fd < 0)
			break;
		if (fstat (fd, &st) < 0) {
			saved = errno;
			close (fd);
			errno = saved;
			break;
		}
		if (S_ISLNK (st.st_mode)) {
			cleanup_free char *tail = xstrdup (rest);
			int r = follow_link (&w, fd, tail, &path, &hops);
			saved = errno;
			close (fd);
			errno = saved;
			if (r < 0)
				break;
			pos = 0;
			continue;
		}
		if (last && !mkdir_mode) {
			close (fd);
			ret = openat (walk_top (&w), comp, flags | O_NOFOLLOW | O_CLOEXEC, mode);
			break;
		}
		if (!S_ISDIR (st.st_mode)) {
			close (fd);
			errno = ENOTDIR;
			break;
		}
		walk_push (&w, fd);
	}
	saved = errno;
	walk_release (&w);
	free (path);
	errno = saved;
	return ret;
}

int
ct_fs_openat_beneath (int rootfd, const char *path, int flags, mode_t mode, ct_error_t *err)
{
	int fd = try_openat2 (rootfd, path, flags, mode);

	if (fd == -2)
		fd = walk_beneath (rootfd, path, flags, mode, false);
	if (fd < 0)
		return ct_make_error (err, errno, "open `%s` beneath root", path);
	return fd;
}

int
ct_fs_mkdir_p_beneath (int rootfd, const char *path, mode_t mode, ct_error_t *err)
{
	/* fast path: it exists already */
	int fd = try_openat2 (rootfd, path, O_PATH | O_DIRECTORY, 0);

	if (fd >= 0)
		return fd;
	/* creating component by component needs the walk anyway: it never holds
	   anything but fds below the root */
	fd = walk_beneath (rootfd, path, 0, mode, true);
	if (fd < 0)
		return ct_make_error (err, errno, "create directory `%s` beneath root", path);
	return fd;
}
