/* The tmpcopyup mount option (runc's extension): a tmpfs mounted over a
   directory of the rootfs starts with a copy of what it covers.  Podman asks
   for it on the tmpfs mounts of `--read-only` (/tmp, /var/tmp, /run).

   Runs in the container's init between clone() and execve(): no allocation,
   fixed stack buffers, every name opened relative to a directory fd with
   O_NOFOLLOW, so a symlink in the rootfs is copied as a symlink and never
   followed. */
#include "common.h"
#include <dirent.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include "copyup.h"

/* Deeper trees are refused rather than exhaust the init's fds and stack. */
#define COPYUP_MAX_DEPTH 64

struct copyup {
	char link[PATH_MAX]; /* symlink targets, one at a time */
	const char *dest;    /* the mount, for messages */
};

static int copy_dir (struct copyup *c, int src, int dst, int depth, ct_error_t *err);

/* Owner, then mode (a chown clears setuid bits), then times. */
static int
set_meta (int dirfd, const char *name, int fd, const struct stat *st)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };

	if (fd >= 0) {
		if (fchown (fd, st->st_uid, st->st_gid) < 0 || fchmod (fd, st->st_mode & 07777) < 0)
			return -1;
		return futimens (fd, ts);
	}
	if (fchownat (dirfd, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	if (!S_ISLNK (st->st_mode) && fchmodat (dirfd, name, st->st_mode & 07777, 0) < 0)
		return -1;
	return utimensat (dirfd, name, ts, AT_SYMLINK_NOFOLLOW);
}

static int
copy_file (int src, int dst, const char *name, const struct stat *st)
{
	cleanup_close int in = -1;
	cleanup_close int out = -1;
	struct stat now;
	off_t left;

	/* O_NONBLOCK: something swapped in for a FIFO must not block the init */
	in = openat (src, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (in < 0)
		return -1;
	if (fstat (in, &now) < 0)
		return -1;
	if (!S_ISREG (now.st_mode) || now.st_ino != st->st_ino || now.st_dev != st->st_dev) {
		errno = ESTALE;
		return -1;
	}
	out = openat (dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0)
		return -1;
	for (left = now.st_size; left > 0;) {
		ssize_t n = sendfile (out, in, NULL, left > 0x40000000 ? 0x40000000 : (size_t) left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break; /* shrank meanwhile: what was there is copied */
		left -= n;
	}
	return set_meta (dst, name, out, &now);
}

static int
copy_entry (struct copyup *c, int src, int dst, const char *name, int depth, ct_error_t *err)
{
	struct stat st;
	ssize_t n;

	if (fstatat (src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		goto fail;
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR: {
		cleanup_close int s = -1;
		cleanup_close int d = -1;

		if (depth >= COPYUP_MAX_DEPTH)
			return ct_make_error (err, ELOOP, "mount `%s`: copy up `%s`: more than %d directories deep",
			                      c->dest, name, COPYUP_MAX_DEPTH);
		if (mkdirat (dst, name, 0700) < 0)
			goto fail;
		s = openat (src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		d = openat (dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (s < 0 || d < 0)
			goto fail;
		if (copy_dir (c, s, d, depth + 1, err) < 0)
			return -1;
		/* the mode last, so a read-only directory could be filled */
		if (set_meta (dst, name, d, &st) < 0)
			goto fail;
		return 0;
	}
	case S_IFREG:
		if (copy_file (src, dst, name, &st) < 0)
			goto fail;
		return 0;
	case S_IFLNK:
		n = readlinkat (src, name, c->link, sizeof (c->link) - 1);
		if (n < 0)
			goto fail;
		c->link[n] = '\0';
		if (symlinkat (c->link, dst, name) < 0 || set_meta (dst, name, -1, &st) < 0)
			goto fail;
		return 0;
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
		if (mknodat (dst, name, st.st_mode, st.st_rdev) < 0 || set_meta (dst, name, -1, &st) < 0)
			goto fail;
		return 0;
	default:
		return 0; /* a socket: whoever made it is not in this container */
	}
fail:
	return ct_make_error (err, errno, "mount `%s`: copy up `%s`", c->dest, name);
}

static int
copy_dir (struct copyup *c, int src, int dst, int depth, ct_error_t *err)
{
	/* one small buffer per level: getdents64 resumes where it stopped */
	char buf[1024] __attribute__ ((aligned (8)));

	for (;;) {
		long n = syscall (SYS_getdents64, src, buf, sizeof (buf));
		if (n < 0)
			return ct_make_error (err, errno, "mount `%s`: copy up: read a directory", c->dest);
		if (n == 0)
			return 0;
		for (long off = 0; off < n;) {
			struct dirent64 *de = (struct dirent64 *) (buf + off);
			off += de->d_reclen;
			if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
				continue;
			if (copy_entry (c, src, dst, de->d_name, depth, err) < 0)
				return -1;
		}
	}
}

int
rt_copyup (int src, int dst, const char *dest, ct_error_t *err)
{
	static struct copyup c; /* the init is single-threaded: PATH_MAX off the stack */

	c.dest = dest;
	return copy_dir (&c, src, dst, 0, err);
}
