/* The container's /sys/fs/cgroup (cgroup-mount.h). */
#include "common.h"

#include <sys/mount.h>
#include <sys/stat.h>

#include "cgroup-mount.h"
#include "fs.h"
#include "strv.h"

void
rt_cg_mount_plan (const struct rt_cgroup *cg, bool ns, struct rt_cg_mount *out)
{
	size_t i;

	memset (out, 0, sizeof (*out));
	out->ns = ns;
	out->links = xcalloc (1, sizeof (char *));
	if (cg->mode == RT_CG_UNIFIED) {
		out->v2 = true;
		for (i = 0; i < cg->n; i++)
			if (cg->h[i].v2)
				xasprintf (&out->v2_src, "%s%s", cg->h[i].mount, cg->h[i].path);
		return;
	}
	out->dirs = xcalloc (cg->n ? cg->n : 1, sizeof (*out->dirs));
	for (i = 0; i < cg->n; i++) {
		const struct rt_cg_hier *h = &cg->h[i];
		struct rt_cg_mount_dir *d;

		/* hybrid: the unified hierarchy only groups our processes (runc
		   does not show it either) */
		if (h->v2)
			continue;
		d = &out->dirs[out->n_dirs++];
		d->controllers = xstrdup (h->controllers);
		d->name = xstrdup (strncmp (h->controllers, "name=", 5) == 0 ? h->controllers + 5 : h->controllers);
		xasprintf (&d->src, "%s%s", h->mount, h->path);
		/* "cpu,cpuacct": links "cpu" and "cpuacct" to it */
		if (strchr (h->controllers, ',') != NULL) {
			cleanup_free char *list = xstrdup (h->controllers);
			char *save = NULL, *c;

			for (c = strtok_r (list, ",", &save); c; c = strtok_r (NULL, ",", &save)) {
				ct_strv_push (&out->links, c);
				ct_strv_push (&out->links, d->name);
			}
		}
	}
}

void
rt_cg_mount_release (struct rt_cg_mount *plan)
{
	size_t i;

	for (i = 0; i < plan->n_dirs; i++) {
		free (plan->dirs[i].name);
		free (plan->dirs[i].src);
		free (plan->dirs[i].controllers);
	}
	free (plan->dirs);
	free (plan->v2_src);
	ct_cleanup_strvp (&plan->links);
	memset (plan, 0, sizeof (*plan));
}

/* ---- child side: system calls only ---- */

#define FD_PATH(buf, fd) snprintf ((buf), sizeof (buf), "/proc/self/fd/%d", (fd))

/* Bind src on name under dirfd, then apply flags to the new mount: a fd
   opened before the bind names what it covers, so it is looked up again. */
static int
bind_with_flags (const char *src, int dirfd, const char *name, unsigned long flags, const char *what, ct_error_t *err)
{
	cleanup_close int fd = -1;
	char target[64];

	fd = openat (dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ct_make_error (err, errno, "open `%s`", what);
	FD_PATH (target, fd);
	if (mount (src, target, NULL, MS_BIND, NULL) < 0)
		return ct_make_error (err, errno, "bind mount `%s` on `%s`", src, what);
	close (fd);
	fd = openat (dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ct_make_error (err, errno, "open `%s`", what);
	FD_PATH (target, fd);
	if (mount (NULL, target, NULL, MS_BIND | MS_REMOUNT | flags, NULL) < 0)
		return ct_make_error (err, errno, "remount `%s`", what);
	return 0;
}

static int
mount_v1 (int rootfd, const char *dest, const struct rt_cg_mount *plan, unsigned long flags, ct_error_t *err)
{
	cleanup_close int fd = -1;
	cleanup_close int top = -1;
	char target[64];
	size_t i;

	fd = ct_fs_openat_beneath (rootfd, dest, O_PATH | O_DIRECTORY, 0, err);
	if (fd < 0)
		return ct_error_wrap (err, "mount `cgroup` on `%s`", dest);
	FD_PATH (target, fd);
	/* writable while we fill it; read-only at the end if asked */
	if (mount ("cgroup", target, "tmpfs", flags & ~MS_RDONLY, "mode=755") < 0)
		return ct_make_error (err, errno, "mount `tmpfs` on `%s`", dest);
	/* the new tmpfs, ours alone: plain *at calls are safe inside it */
	top = ct_fs_openat_beneath (rootfd, dest, O_PATH | O_DIRECTORY, 0, err);
	if (top < 0)
		return ct_error_wrap (err, "mount `cgroup` on `%s`", dest);
	for (i = 0; i < plan->n_dirs; i++) {
		const struct rt_cg_mount_dir *d = &plan->dirs[i];
		cleanup_close int sub = -1;

		if (mkdirat (top, d->name, 0755) < 0 && errno != EEXIST)
			return ct_make_error (err, errno, "create `%s/%s`", dest, d->name);
		if (!plan->ns) {
			if (bind_with_flags (d->src, top, d->name, flags, dest, err) < 0)
				return -1;
			continue;
		}
		sub = openat (top, d->name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			return ct_make_error (err, errno, "open `%s/%s`", dest, d->name);
		FD_PATH (target, sub);
		if (mount ("cgroup", target, "cgroup", flags, d->controllers) < 0)
			return ct_make_error (err, errno, "mount the cgroup `%s` on `%s/%s`", d->controllers, dest,
			                      d->name);
	}
	for (i = 0; plan->links[i] && plan->links[i + 1]; i += 2)
		if (symlinkat (plan->links[i + 1], top, plan->links[i]) < 0 && errno != EEXIST)
			return ct_make_error (err, errno, "symlink `%s/%s`", dest, plan->links[i]);
	if (flags & MS_RDONLY) {
		FD_PATH (target, top);
		if (mount (NULL, target, NULL, MS_REMOUNT | MS_BIND | flags, NULL) < 0)
			return ct_make_error (err, errno, "remount `%s` read-only", dest);
	}
	return 0;
}

int
rt_cg_mount_do (int rootfd, const char *dest, const struct rt_cg_mount *plan, unsigned long flags, ct_error_t *err)
{
	cleanup_close int fd = -1;
	char target[64];

	if (!plan->v2)
		return mount_v1 (rootfd, dest, plan, flags, err);
	fd = ct_fs_openat_beneath (rootfd, dest, O_PATH | O_DIRECTORY, 0, err);
	if (fd < 0)
		return ct_error_wrap (err, "mount `cgroup` on `%s`", dest);
	FD_PATH (target, fd);
	if (plan->ns) {
		if (mount ("cgroup2", target, "cgroup2", flags, NULL) < 0)
			return ct_make_error (err, errno, "mount `cgroup2` on `%s`", dest);
		return 0;
	}
	if (mount (plan->v2_src, target, NULL, MS_BIND, NULL) < 0)
		return ct_make_error (err, errno, "bind mount `%s` on `%s`", plan->v2_src, dest);
	close (fd);
	fd = ct_fs_openat_beneath (rootfd, dest, O_PATH | O_DIRECTORY, 0, err);
	if (fd < 0)
		return ct_error_wrap (err, "remount `%s`", dest);
	FD_PATH (target, fd);
	if (mount (NULL, target, NULL, MS_BIND | MS_REMOUNT | flags, NULL) < 0)
		return ct_make_error (err, errno, "remount `%s`", dest);
	return 0;
}
