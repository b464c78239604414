#include "common.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "copyup.h"
#include "fs.h"
#include "mounts.h"

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

struct mount_flag {
	const char *name;
	bool clear;
	unsigned long flag;
};

/* runc's table (libcontainer/specconv): these become MS_* flags; anything
   else is file-system data. */
static const struct mount_flag mount_flags[] = {
	{ "async", true, MS_SYNCHRONOUS },
	{ "atime", true, MS_NOATIME },
	{ "bind", false, MS_BIND },
	{ "defaults", false, 0 },
	{ "dev", true, MS_NODEV },
	{ "diratime", true, MS_NODIRATIME },
	{ "dirsync", false, MS_DIRSYNC },
	{ "exec", true, MS_NOEXEC },
	{ "iversion", false, MS_I_VERSION },
	{ "lazytime", false, MS_LAZYTIME },
	{ "loud", true, MS_SILENT },
	{ "mand", false, MS_MANDLOCK },
	{ "noatime", false, MS_NOATIME },
	{ "nodev", false, MS_NODEV },
	{ "nodiratime", false, MS_NODIRATIME },
	{ "noexec", false, MS_NOEXEC },
	{ "noiversion", true, MS_I_VERSION },
	{ "nolazytime", true, MS_LAZYTIME },
	{ "nomand", true, MS_MANDLOCK },
	{ "norelatime", true, MS_RELATIME },
	{ "nostrictatime", true, MS_STRICTATIME },
	{ "nosuid", false, MS_NOSUID },
	{ "rbind", false, MS_BIND | MS_REC },
	{ "relatime", false, MS_RELATIME },
	{ "remount", false, MS_REMOUNT },
	{ "ro", false, MS_RDONLY },
	{ "rw", true, MS_RDONLY },
	{ "silent", false, MS_SILENT },
	{ "strictatime", false, MS_STRICTATIME },
	{ "suid", true, MS_NOSUID },
	{ "sync", false, MS_SYNCHRONOUS },
};

static const struct mount_flag propagation_flags[] = {
	{ "private", false, MS_PRIVATE },       { "rprivate", false, MS_PRIVATE | MS_REC },
	{ "shared", false, MS_SHARED },         { "rshared", false, MS_SHARED | MS_REC },
	{ "slave", false, MS_SLAVE },           { "rslave", false, MS_SLAVE | MS_REC },
	{ "unbindable", false, MS_UNBINDABLE }, { "runbindable", false, MS_UNBINDABLE | MS_REC },
};

/* Recursive attributes (runc's recAttrFlags): applied to the mount and
   every mount below it with mount_setattr(2) AT_RECURSIVE. */
static const struct mount_flag recursive_flags[] = {
	{ "rro", false, MOUNT_ATTR_RDONLY },
	{ "rrw", true, MOUNT_ATTR_RDONLY },
	{ "rnosuid", false, MOUNT_ATTR_NOSUID },
	{ "rsuid", true, MOUNT_ATTR_NOSUID },
	{ "rnodev", false, MOUNT_ATTR_NODEV },
	{ "rdev", true, MOUNT_ATTR_NODEV },
	{ "rnoexec", false, MOUNT_ATTR_NOEXEC },
	{ "rexec", true, MOUNT_ATTR_NOEXEC },
	{ "rnodiratime", false, MOUNT_ATTR_NODIRATIME },
	{ "rdiratime", true, MOUNT_ATTR_NODIRATIME },
	{ "rrelatime", false, MOUNT_ATTR_RELATIME },
	{ "rnorelatime", true, MOUNT_ATTR_RELATIME },
	{ "rnoatime", false, MOUNT_ATTR_NOATIME },
	{ "ratime", true, MOUNT_ATTR_NOATIME },
	{ "rstrictatime", false, MOUNT_ATTR_STRICTATIME },
	{ "rnostrictatime", true, MOUNT_ATTR_STRICTATIME },
};

const char *const rt_mount_known_options[] = {
	"async",
	"atime",
	"bind",
	"defaults",
	"dev",
	"diratime",
	"dirsync",
	"exec",
	"iversion",
	"lazytime",
	"loud",
	"mand",
	"noatime",
	"nodev",
	"nodiratime",
	"noexec",
	"noiversion",
	"nolazytime",
	"nomand",
	"norelatime",
	"nostrictatime",
	"nosuid",
	"rbind",
	"relatime",
	"remount",
	"ro",
	"rw",
	"silent",
	"strictatime",
	"suid",
	"sync",
	"private",
	"rprivate",
	"shared",
	"rshared",
	"slave",
	"rslave",
	"unbindable",
	"runbindable",
	"rro",
	"rrw",
	"rnosuid",
	"rsuid",
	"rnodev",
	"rdev",
	"rnoexec",
	"rexec",
	"rnodiratime",
	"rdiratime",
	"rrelatime",
	"rnorelatime",
	"rnoatime",
	"ratime",
	"rstrictatime",
	"rnostrictatime",
	"idmap",
	"ridmap",
	"tmpcopyup",
	NULL,
};

int
rt_mount_parse_propagation (const char *name, unsigned long *out, ct_error_t *err)
{
	size_t i;

	for (i = 0; i < CT_ARRAY_SIZE (propagation_flags); i++)
		if (strcmp (propagation_flags[i].name, name) == 0) {
			*out = propagation_flags[i].flag;
			return 0;
		}
	return ct_make_error (err, 0, "unknown propagation `%s`", name);
}

int
rt_mount_parse_options (char *const *opts, size_t n, struct rt_mount *m, ct_error_t *err)
{
	size_t i, j;
	char *data = NULL;

	m->idmap_fd = -1;
	for (i = 0; i < n; i++) {
		const char *o = opts[i];
		bool done = false;

		/* not for mount(2): idmap.c makes the mount */
		if (strcmp (o, "idmap") == 0 || strcmp (o, "ridmap") == 0) {
			m->idmap = true;
			m->ridmap = m->ridmap || o[0] == 'r';
			continue;
		}

		for (j = 0; j < CT_ARRAY_SIZE (mount_flags) && !done; j++) {
			if (strcmp (mount_flags[j].name, o) != 0)
				continue;
			done = true;
			if (mount_flags[j].flag & MS_BIND) {
				m->bind = true;
				m->rec = m->rec || (mount_flags[j].flag & MS_REC);
			} else if (mount_flags[j].clear)
				m->flags &= ~mount_flags[j].flag;
			else
				m->flags |= mount_flags[j].flag;
		}
		for (j = 0; j < CT_ARRAY_SIZE (recursive_flags) && !done; j++) {
			uint64_t f = recursive_flags[j].flag;

			if (strcmp (recursive_flags[j].name, o) != 0)
				continue;
			done = true;
			m->rec_attrs = true;
			if (recursive_flags[j].clear) {
				m->attr_clr |= f;
				m->attr_set &= ~f;
			} else if (f == MOUNT_ATTR_STRICTATIME || (f & MOUNT_ATTR__ATIME) != 0) {
				/* one atime mode: the others go (STRICTATIME is 0) */
				m->attr_clr |= MOUNT_ATTR__ATIME;
				m->attr_set = (m->attr_set & ~(uint64_t) MOUNT_ATTR__ATIME) | f;
			} else {
				m->attr_set |= f;
				m->attr_clr &= ~f;
			}
		}
		for (j = 0; j < CT_ARRAY_SIZE (propagation_flags) && !done; j++)
			if (strcmp (propagation_flags[j].name, o) == 0) {
				m->propagation = propagation_flags[j].flag;
				done = true;
			}
		/* runc's extension; it means something for a tmpfs only */
		if (!done && strcmp (o, "tmpcopyup") == 0) {
			m->tmpcopyup = true;
			done = true;
		}
		if (done)
			continue;
		if (data == NULL)
			data = xstrdup (o);
		else {
			char *d = NULL;
			xasprintf (&d, "%s,%s", data, o);
			free (data);
			data = d;
		}
	}
	free (m->data);
	m->data = data;
	return 0;
}

void
rt_mount_release (struct rt_mount *m)
{
	free (m->source);
	free (m->dest);
	free (m->type);
	free (m->data);
	if (m->idmap_fd >= 0)
		close (m->idmap_fd);
	memset (m, 0, sizeof (*m));
	m->idmap_fd = -1;
}

/* ---- child side ---- */

/* Open (O_PATH) the mount destination `path` under rootfd, creating it when
   missing: a directory, or when !dir an empty file in a directory created as
   needed.  All resolution goes through the shared in-root helpers, so a
   symlink in the rootfs is followed inside it, never out. */
static int
mkpath_in_root (int rootfd, const char *path, bool dir, ct_error_t *err)
{
	cleanup_free char *parent = NULL;
	cleanup_close int pfd = -1;
	ct_error_t e = NULL;
	const char *slash;
	int fd;

	if (dir)
		return ct_fs_mkdir_p_beneath (rootfd, path, 0755, err);
	fd = ct_fs_openat_beneath (rootfd, path, O_PATH, 0, &e);
	if (fd >= 0 || ct_error_status (e) != ENOENT) {
		if (fd < 0)
			*err = e;
		return fd;
	}
	ct_error_release (&e);
	slash = strrchr (path, '/');
	parent = xstrndup (path, slash ? (size_t) (slash - path) : 0);
	pfd = ct_fs_mkdir_p_beneath (rootfd, *parent ? parent : "/", 0755, err);
	if (pfd < 0)
		return -1;
	/* O_EXCL: never open (and so never block on or touch) something that is
	   already there, e.g. a FIFO or a device node planted in the rootfs. */
	fd = ct_fs_openat_beneath (rootfd, path, O_WRONLY | O_CREAT | O_EXCL, 0644, &e);
	if (fd < 0 && ct_error_status (e) != EEXIST) {
		*err = e;
		return -1;
	}
	ct_error_release (&e);
	if (fd >= 0)
		close (fd);
	fd = ct_fs_openat_beneath (rootfd, path, O_PATH, 0, &e);
	if (fd >= 0 || ct_error_status (e) != ENOENT) {
		if (fd < 0)
			*err = e;
		return fd;
	}
	/* EEXIST then ENOENT: a dangling symlink.  Create its target, inside the
	   root (runc does the same); O_NONBLOCK|O_NOCTTY in case something else
	   appeared there meanwhile. */
	ct_error_release (&e);
	fd = ct_fs_openat_beneath (rootfd, path, O_WRONLY | O_CREAT | O_NONBLOCK | O_NOCTTY, 0644, err);
	if (fd < 0)
		return -1;
	close (fd);
	return ct_fs_openat_beneath (rootfd, path, O_PATH, 0, err);
}

static void
fd_path (char *buf, size_t len, int fd)
{
	snprintf (buf, len, "/proc/self/fd/%d", fd);
}

/* runc's checkProcMount (CVE-2019-16884, CVE-2019-19921, CVE-2023-27561):
   a mount on /proc must be a procfs, and inside /proc only the files lxcfs
   emulates may be covered, or maskedPaths and readonlyPaths could be undone
   from below. */
static const char *const proc_allowed[] = {
	"/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo",  "/proc/stat",    "/proc/swaps",
	"/proc/uptime",  "/proc/loadavg",   "/proc/slabinfo", "/proc/net/dev", "/proc/sys/kernel/ns_last_pid",
};

/* `path` (absolute, in the container) without `.`, `..` and repeated
   slashes, into buf; false when it does not fit. */
static bool
clean_path (const char *path, char *buf, size_t len)
{
	size_t n = 0;

	while (*path) {
		const char *c = path;
		size_t l;

		while (*c == '/')
			c++;
		l = strcspn (c, "/");
		path = c + l;
		if (l == 0 || (l == 1 && c[0] == '.'))
			continue;
		if (l == 2 && c[0] == '.' && c[1] == '.') {
			while (n > 0 && buf[--n] != '/')
				;
			continue;
		}
		if (n + 1 + l >= len)
			return false;
		buf[n++] = '/';
		memcpy (buf + n, c, l);
		n += l;
	}
	if (n == 0)
		buf[n++] = '/';
	buf[n] = '\0';
	return true;
}

/* rel: the destination as a clean path in the container's root */
static int
check_proc_dest (const struct rt_mount *m, const char *rel, ct_error_t *err)
{
	struct statfs sfs;
	struct stat st;
	size_t i;

	if (strcmp (rel, "/proc") == 0) {
		if (!m->bind && m->type != NULL && strcmp (m->type, "proc") == 0)
			return 0;
		/* a bind of the root of a procfs is as good as a new one */
		if (m->bind && statfs (m->source, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC &&
		    stat (m->source, &st) == 0 && st.st_ino == 1)
			return 0;
		return ct_make_error (err, EPERM,
		                      "mount `%s`: `/proc` cannot be mounted because it is not of type proc", m->dest);
	}
	if (strncmp (rel, "/proc/", 6) != 0)
		return 0;
	for (i = 0; i < CT_ARRAY_SIZE (proc_allowed); i++)
		if (strcmp (rel, proc_allowed[i]) == 0)
			return 0;
	return ct_make_error (err, EPERM, "mount `%s`: `%s` cannot be mounted because it is inside /proc", m->dest,
	                      rel);
}

/* Where fd really is, relative to rootfd: a symlink on the way (or swapped
   in meanwhile) is seen here, whatever the configured path said. */
static int
resolved_rel (int rootfd, int fd, char *buf, size_t len, ct_error_t *err)
{
	char root[PATH_MAX];
	char link[64];
	ssize_t rn, dn;

	fd_path (link, sizeof (link), rootfd);
	rn = readlink (link, root, sizeof (root) - 1);
	if (rn < 0)
		return ct_make_error (err, errno, "readlink the rootfs");
	root[rn] = '\0';
	if (rn == 1)
		rn = 0; /* the root is `/` */
	fd_path (link, sizeof (link), fd);
	dn = readlink (link, buf, len - 1);
	if (dn < 0)
		return ct_make_error (err, errno, "readlink a mount destination");
	buf[dn] = '\0';
	if (dn < rn || strncmp (buf, root, (size_t) rn) != 0 || (buf[rn] != '/' && buf[rn] != '\0'))
		return ct_make_error (err, EXDEV, "`%s` is outside the rootfs", buf);
	memmove (buf, buf + rn, (size_t) (dn - rn) + 1);
	if (buf[0] == '\0') {
		buf[0] = '/';
		buf[1] = '\0';
	}
	return 0;
}

/* tmpcopyup: the directory at fd stays open below the new tmpfs, which is
   mounted writable, filled from it, then made read-only if asked. */
static int
mount_tmpfs_copyup (int rootfd, int fd, const char *target, const struct rt_mount *m, ct_error_t *err)
{
	cleanup_close int below = -1;
	cleanup_close int top = -1;

	below = openat (fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (below < 0)
		return ct_make_error (err, errno, "mount `%s`: tmpcopyup needs a directory", m->dest);
	if (mount (m->source, target, m->type, m->flags & ~(unsigned long) MS_RDONLY, m->data) < 0)
		return ct_make_error (err, errno, "mount `%s` on `%s`", m->type, m->dest);
	top = ct_fs_openat_beneath (rootfd, m->dest, O_RDONLY | O_DIRECTORY, 0, err);
	if (top < 0)
		return ct_error_wrap (err, "mount `%s`", m->dest);
	if (rt_copyup (below, top, m->dest, err) < 0)
		return -1;
	if ((m->flags & MS_RDONLY) != 0) {
		char path[64];

		fd_path (path, sizeof (path), top);
		if (mount (NULL, path, NULL, MS_REMOUNT | m->flags, m->data) < 0)
			return ct_make_error (err, errno, "remount `%s` read-only", m->dest);
	}
	return 0;
}

int
rt_mount_do (int rootfd, const struct rt_mount *m, ct_error_t *err)
{
	cleanup_close int fd = -1;
	char target[64];
	char rel[PATH_MAX];

	/* the configured path first, so nothing is created under /proc */
	if (!clean_path (m->dest, rel, sizeof (rel)))
		return ct_make_error (err, ENAMETOOLONG, "mount `%s`", m->dest);
	if (check_proc_dest (m, rel, err) < 0)
		return -1;
	fd = mkpath_in_root (rootfd, m->dest, !m->bind || m->src_is_dir, err);
	if (fd < 0)
		return ct_error_wrap (err, "mount `%s`", m->dest);
	/* then where it resolved to, symlinks followed inside the root */
	if (resolved_rel (rootfd, fd, rel, sizeof (rel), err) < 0)
		return ct_error_wrap (err, "mount `%s`", m->dest);
	if (check_proc_dest (m, rel, err) < 0)
		return -1;
	fd_path (target, sizeof (target), fd);

	if (m->bind) {
		if (m->idmap_fd >= 0) {
			if (syscall (SYS_move_mount, m->idmap_fd, "", fd, "",
			             MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
				return ct_make_error (err, errno, "attach the idmapped mount of `%s` on `%s`",
				                      m->source, m->dest);
		} else if (mount (m->source, target, NULL, MS_BIND | (m->rec ? MS_REC : 0), NULL) < 0)
			return ct_make_error (err, errno, "bind mount `%s` on `%s`", m->source, m->dest);
		if (m->flags != 0) {
			/* Flags on a bind need a remount of the new mount: reopen the
			   destination so the fd points at it, not at what it covers. */
			close (fd);
			fd = ct_fs_openat_beneath (rootfd, m->dest, O_PATH, 0, err);
			if (fd < 0)
				return ct_error_wrap (err, "remount `%s`", m->dest);
			fd_path (target, sizeof (target), fd);
			if (mount (NULL, target, NULL, MS_BIND | MS_REMOUNT | m->flags, NULL) < 0)
				return ct_make_error (err, errno, "remount `%s`", m->dest);
		}
	} else if (m->cgroup && m->cg_plan != NULL) {
		if (rt_cg_mount_do (rootfd, m->dest, m->cg_plan, m->flags, err) < 0)
			return -1;
	} else if (m->cgroup) {
		/* No cgroup (a rootless container without one): an empty
		   read-only tmpfs rather than the host's tree. */
		if (mount ("cgroup", target, "tmpfs", m->flags, "mode=755") < 0)
			return ct_make_error (err, errno, "mount `cgroup` on `%s`", m->dest);
	} else if (m->tmpcopyup && strcmp (m->type, "tmpfs") == 0) {
		if (mount_tmpfs_copyup (rootfd, fd, target, m, err) < 0)
			return -1;
	} else {
		if (mount (m->source, target, m->type, m->flags, m->data) < 0)
			return ct_make_error (err, errno, "mount `%s` on `%s`", m->type, m->dest);
	}
	if (m->rec_attrs) {
		struct mount_attr attr = { .attr_set = m->attr_set, .attr_clr = m->attr_clr };

		close (fd);
		fd = ct_fs_openat_beneath (rootfd, m->dest, O_PATH, 0, err);
		if (fd < 0)
			return ct_error_wrap (err, "set the recursive attributes of `%s`", m->dest);
		if (syscall (SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof (attr)) < 0)
			return ct_make_error (err, errno, "set the recursive attributes of `%s`", m->dest);
	}
	if (m->propagation != 0) {
		close (fd);
		fd = ct_fs_openat_beneath (rootfd, m->dest, O_PATH, 0, err);
		if (fd < 0)
			return ct_error_wrap (err, "set propagation of `%s`", m->dest);
		fd_path (target, sizeof (target), fd);
		if (mount (NULL, target, NULL, m->propagation, NULL) < 0)
			return ct_make_error (err, errno, "set propagation of `%s`", m->dest);
	}
	return 0;
}

struct default_device {
	const char *name;
	unsigned int major, minor;
};

static const struct default_device default_devices[] = {
	{ "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 }, { "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

static const char *const default_symlinks[][2] = {
	{ "fd", "/proc/self/fd" },       { "stdin", "/proc/self/fd/0" }, { "stdout", "/proc/self/fd/1" },
	{ "stderr", "/proc/self/fd/2" }, { "ptmx", "pts/ptmx" },
};

/* /dev/NAME of the host bind mounted on an empty file NAME in dev. */
static int
bind_host_device (int dev, const char *name, ct_error_t *err)
{
	cleanup_close int fd = -1;
	char source[64];
	char target[64];

	fd = openat (dev, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return ct_make_error (err, errno, "create the mount point `/dev/%s`", name);
	close (fd);
	fd = openat (dev, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ct_make_error (err, errno, "open `/dev/%s`", name);
	snprintf (source, sizeof (source), "/dev/%s", name);
	fd_path (target, sizeof (target), fd);
	if (mount (source, target, NULL, MS_BIND, NULL) < 0)
		return ct_make_error (err, errno, "bind mount the host's `%s`", source);
	return 0;
}

int
rt_mount_default_devices (int rootfd, ct_error_t *err)
{
	cleanup_close int dev = -1;
	size_t i;

	dev = mkpath_in_root (rootfd, "/dev", true, err);
	if (dev < 0)
		return ct_error_wrap (err, "create default devices");
	/* mknod as runc does; in a user namespace that is EPERM, and the
	   host's node is bind mounted on an empty file instead (runc too).
	   Before pivot_root: the host's /dev is still ours. */
	for (i = 0; i < CT_ARRAY_SIZE (default_devices); i++) {
		const struct default_device *d = &default_devices[i];
		if (unlinkat (dev, d->name, 0) < 0 && errno != ENOENT)
			return ct_make_error (err, errno, "remove `/dev/%s`", d->name);
		if (mknodat (dev, d->name, S_IFCHR | 0666, makedev (d->major, d->minor)) < 0) {
			if (errno != EPERM)
				return ct_make_error (err, errno, "mknod `/dev/%s`", d->name);
			if (bind_host_device (dev, d->name, err) < 0)
				return -1;
			continue;
		}
		/* mknod obeys the umask; the mode must be exactly 0666 */
		if (fchmodat (dev, d->name, 0666, 0) < 0)
			return ct_make_error (err, errno, "chmod `/dev/%s`", d->name);
	}
	for (i = 0; i < CT_ARRAY_SIZE (default_symlinks); i++)
		if (symlinkat (default_symlinks[i][1], dev, default_symlinks[i][0]) < 0 && errno != EEXIST)
			return ct_make_error (err, errno, "symlink `/dev/%s`", default_symlinks[i][0]);
	return 0;
}

int
rt_mount_device (int rootfd, const struct rt_device *d, ct_error_t *err)
{
	cleanup_close int dir = -1;
	cleanup_close int fd = -1;
	struct stat st;
	char target[64];

	dir = ct_fs_mkdir_p_beneath (rootfd, d->dir, 0755, err);
	if (dir < 0)
		return ct_error_wrap (err, "create device `%s`", d->path);
	/* A node there (a default device, one from the image) is replaced;
	   anything else does not match the request (config-linux.md). */
	if (fstatat (dir, d->base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!S_ISCHR (st.st_mode) && !S_ISBLK (st.st_mode) && !S_ISFIFO (st.st_mode))
			return ct_make_error (err, EEXIST, "create device `%s`: it exists and is not a device",
			                      d->path);
		if (unlinkat (dir, d->base, 0) < 0)
			return ct_make_error (err, errno, "remove `%s`", d->path);
	} else if (errno != ENOENT)
		return ct_make_error (err, errno, "stat `%s`", d->path);
	if (mknodat (dir, d->base, d->mode, d->dev) == 0) {
		if (fchownat (dir, d->base, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
			return ct_make_error (err, errno, "chown `%s` to %u:%u", d->path, (unsigned) d->uid,
			                      (unsigned) d->gid);
		return 0;
	}
	if (errno != EPERM)
		return ct_make_error (err, errno, "mknod `%s`", d->path);
	/* Not permitted (a user namespace): bind the host's node, as runc. */
	fd = openat (dir, d->base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return ct_make_error (err, errno, "create the mount point `%s`", d->path);
	close (fd);
	fd = openat (dir, d->base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ct_make_error (err, errno, "open `%s`", d->path);
	fd_path (target, sizeof (target), fd);
	if (mount (d->path, target, NULL, MS_BIND, NULL) < 0)
		return ct_make_error (err, errno, "bind mount the host's `%s`", d->path);
	return 0;
}

int
rt_mount_mask_path (int rootfd, const char *path, ct_error_t *err)
{
	cleanup_close int fd = -1;
	cleanup_close int null = -1;
	ct_error_t e = NULL;
	struct stat st;
	char target[64];
	char source[64];

	fd = ct_fs_openat_beneath (rootfd, path, O_PATH, 0, &e);
	if (fd < 0) {
		if (ct_error_status (e) == ENOENT) {
			ct_error_release (&e);
			return 0;
		}
		*err = e;
		return ct_error_wrap (err, "mask `%s`", path);
	}
	if (fstat (fd, &st) < 0)
		return ct_make_error (err, errno, "stat `%s`", path);
	fd_path (target, sizeof (target), fd);
	if (S_ISDIR (st.st_mode)) {
		if (mount ("tmpfs", target, "tmpfs", MS_RDONLY, NULL) < 0)
			return ct_make_error (err, errno, "mask `%s`", path);
		return 0;
	}
	/* CVE-2025-31133: the container's /dev/null may have been replaced by
	   a symlink (to a procfs file, say) or another file.  Not followed,
	   and bound through the fd we checked.  Any character device: the
	   config may replace the default node (linux.devices), and the
	   devices cgroup still guards what a node opens. */
	null = ct_fs_openat_beneath (rootfd, "/dev/null", O_PATH | O_NOFOLLOW, 0, err);
	if (null < 0)
		return ct_error_wrap (err, "mask `%s`", path);
	if (fstat (null, &st) < 0)
		return ct_make_error (err, errno, "stat `/dev/null`");
	if (!S_ISCHR (st.st_mode))
		return ct_make_error (err, EPERM, "mask `%s`: `/dev/null` is not a character device", path);
	fd_path (source, sizeof (source), null);
	if (mount (source, target, NULL, MS_BIND, NULL) < 0)
		return ct_make_error (err, errno, "mask `%s`", path);
	return 0;
}

int
rt_mount_readonly_path (int rootfd, const char *path, ct_error_t *err)
{
	cleanup_close int fd = -1;
	ct_error_t e = NULL;
	char target[64];

	fd = ct_fs_openat_beneath (rootfd, path, O_PATH, 0, &e);
	if (fd < 0) {
		if (ct_error_status (e) == ENOENT) {
			ct_error_release (&e);
			return 0;
		}
		*err = e;
		return ct_error_wrap (err, "make `%s` read-only", path);
	}
	fd_path (target, sizeof (target), fd);
	if (mount (target, target, NULL, MS_BIND | MS_REC, NULL) < 0)
		return ct_make_error (err, errno, "bind `%s` on itself", path);
	close (fd);
	fd = ct_fs_openat_beneath (rootfd, path, O_PATH, 0, err);
	if (fd < 0)
		return ct_error_wrap (err, "make `%s` read-only", path);
	fd_path (target, sizeof (target), fd);
	if (mount (NULL, target, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return ct_make_error (err, errno, "remount `%s` read-only", path);
	return 0;
}
