/* The cgroupfs driver (cgroups.h): the host's layout, the container's
   cgroup in each hierarchy, and the lifecycle operations on it. */
#include "common.h"

#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>

#include "cgroups.h"
#include "fs.h"
#include "log.h"
#include "state.h"
#include "strv.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define CG_ROOT     "/sys/fs/cgroup"
#define CG_FILE_MAX 4096

/* ---- paths ---- */

/* Lexically clean `in` like runc's utils.CleanPath: "." and empty parts
   dropped, ".." removed with its parent and never above the start, so a
   relative cgroupsPath cannot climb out of the cgroup it is relative to.
   Keeps a leading "/" when there is one; "" for nothing. */
static char *
clean_path (const char *in)
{
	size_t len = strlen (in);
	char *out = xmalloc (len + 2);
	bool abs = in[0] == '/';
	size_t o = 0;
	const char *p = in;

	if (abs)
		out[o++] = '/';
	while (*p) {
		const char *e;
		size_t n;

		while (*p == '/')
			p++;
		e = strchrnul (p, '/');
		n = (size_t) (e - p);
		if (n == 0 || (n == 1 && p[0] == '.')) {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			size_t floor = abs ? 1 : 0;
			while (o > floor && out[o - 1] != '/')
				o--;
			if (o > floor)
				o--; /* the separator */
		} else {
			if (o > 0 && out[o - 1] != '/')
				out[o++] = '/';
			memcpy (out + o, p, n);
			o += n;
		}
		p = e;
	}
	out[o] = '\0';
	return out;
}

/* dir + "/" + rel, cleaned; dir absolute. */
static char *
join_path (const char *dir, const char *rel)
{
	cleanup_free char *joined = NULL;

	xasprintf (&joined, "%s/%s", dir, rel);
	return clean_path (joined);
}

static char *
parent_path (const char *path)
{
	char *dup = xstrdup (path);
	char *slash = strrchr (dup, '/');

	if (slash == NULL || slash == dup)
		dup[1] = '\0', dup[0] = '/';
	else
		*slash = '\0';
	return dup;
}

/* ---- the host's layout ---- */

static void
hier_release (struct rt_cg_hier *h)
{
	free (h->mount);
	free (h->controllers);
	free (h->path);
	if (h->dirfd >= 0)
		close (h->dirfd);
	memset (h, 0, sizeof (*h));
	h->dirfd = -1;
}

static struct rt_cg_hier *
add_hier (struct rt_cgroup *cg, bool v2, const char *mount, const char *controllers)
{
	struct rt_cg_hier *h;

	cg->h = xrealloc (cg->h, (cg->n + 1) * sizeof (*cg->h));
	h = &cg->h[cg->n++];
	memset (h, 0, sizeof (*h));
	h->dirfd = -1;
	h->v2 = v2;
	h->mount = xstrdup (mount);
	h->controllers = xstrdup (controllers);
	return h;
}

/* Whether the comma-separated list has `name`. */
static bool
list_has (const char *list, const char *name, char sep)
{
	size_t n = strlen (name);
	const char *p = list;

	while (p && *p) {
		const char *e = strchrnul (p, sep);
		if ((size_t) (e - p) == n && strncmp (p, name, n) == 0)
			return true;
		p = *e ? e + 1 : NULL;
	}
	return false;
}

/* The mount point of the v1 hierarchy holding `controllers` ("cpu,cpuacct",
   "name=systemd"), and the root of the hierarchy it shows, from
   /proc/self/mountinfo: a cgroup mount whose super options list every one. */
static int
find_v1_mount (const char *mountinfo, const char *controllers, char **mount, char **root)
{
	const char *line = mountinfo;

	while (line && *line) {
		const char *end = strchrnul (line, '\n');
		cleanup_free char *l = strndup (line, (size_t) (end - line));
		char *f[12] = { 0 };
		char *save = NULL, *tok;
		size_t nf = 0;
		char *dash;

		line = *end ? end + 1 : NULL;
		if (l == NULL)
			continue;
		/* ID PARENT MAJ:MIN ROOT MOUNT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPER */
		dash = strstr (l, " - ");
		if (dash == NULL)
			continue;
		*dash = '\0';
		for (tok = strtok_r (l, " ", &save); tok && nf < 5; tok = strtok_r (NULL, " ", &save))
			f[nf++] = tok;
		if (nf < 5)
			continue;
		save = NULL;
		f[5] = strtok_r (dash + 3, " ", &save); /* fstype */
		f[6] = strtok_r (NULL, " ", &save);     /* source */
		f[7] = strtok_r (NULL, " ", &save);     /* super options */
		if (f[5] == NULL || f[7] == NULL || strcmp (f[5], "cgroup") != 0)
			continue;
		{
			cleanup_free char *want = xstrdup (controllers);
			char *s2 = NULL, *c;
			bool all = true;

			for (c = strtok_r (want, ",", &s2); c; c = strtok_r (NULL, ",", &s2))
				if (!list_has (f[7], c, ','))
					all = false;
			if (!all)
				continue;
		}
		*mount = xstrdup (f[4]);
		*root = xstrdup (f[3]);
		return 0;
	}
	return -1;
}

/* Strip the mount's root from our own cgroup: the path below the mount
   point (they differ when a cgroup, not the hierarchy's root, is mounted). */
static char *
below_mount (const char *own, const char *root)
{
	size_t n = strlen (root);

	if (strcmp (root, "/") != 0 && strncmp (own, root, n) == 0 && (own[n] == '/' || own[n] == '\0'))
		return xstrdup (own[n] ? own + n : "/");
	return xstrdup (own);
}

/* Fill cg->h with every hierarchy of the host; h->path temporarily holds
   our own cgroup in it. */
static int
read_layout (struct rt_cgroup *cg, ct_error_t *err)
{
	cleanup_free char *self = NULL, *mountinfo = NULL;
	struct statfs sfs;
	const char *line;
	size_t len;

	if (statfs (CG_ROOT, &sfs) < 0)
		return ct_make_error (err, errno, "statfs `%s`", CG_ROOT);
	if (ct_fs_read_all_at (AT_FDCWD, "/proc/self/cgroup", 1 << 20, &self, &len, err) < 0)
		return -1;
	if (sfs.f_type == CGROUP2_SUPER_MAGIC) {
		cg->mode = RT_CG_UNIFIED;
	} else {
		struct statfs ufs;
		cg->mode = RT_CG_LEGACY;
		if (statfs (CG_ROOT "/unified", &ufs) == 0 && ufs.f_type == CGROUP2_SUPER_MAGIC)
			cg->mode = RT_CG_HYBRID;
		if (ct_fs_read_all_at (AT_FDCWD, "/proc/self/mountinfo", 16 << 20, &mountinfo, &len, err) < 0)
			return -1;
	}
	/* /proc/self/cgroup: "ID:CONTROLLERS:PATH", "0::PATH" for v2 */
	for (line = self; line && *line;) {
		const char *end = strchrnul (line, '\n');
		cleanup_free char *l = strndup (line, (size_t) (end - line));
		char *c1, *c2;

		line = *end ? end + 1 : NULL;
		if (l == NULL || (c1 = strchr (l, ':')) == NULL || (c2 = strchr (c1 + 1, ':')) == NULL)
			continue;
		*c2 = '\0';
		if (c1[1] == '\0') {
			struct rt_cg_hier *h;
			if (cg->mode == RT_CG_LEGACY)
				continue;
			h = add_hier (cg, true, cg->mode == RT_CG_UNIFIED ? CG_ROOT : CG_ROOT "/unified", "");
			h->path = xstrdup (c2 + 1);
		} else if (cg->mode != RT_CG_UNIFIED) {
			cleanup_free char *mount = NULL, *root = NULL;
			struct rt_cg_hier *h;

			if (find_v1_mount (mountinfo, c1 + 1, &mount, &root) < 0)
				continue; /* a hierarchy not mounted here */
			h = add_hier (cg, false, mount, c1 + 1);
			h->path = below_mount (c2 + 1, root);
		}
	}
	if (cg->n == 0)
		return ct_make_error (err, 0, "find the cgroup hierarchies: none is mounted under `%s`", CG_ROOT);
	return 0;
}

int
rt_cg_plan (struct rt_cgroup *cg, const char *cgroups_path, const char *id, ct_error_t *err)
{
	const char *inner = cgroups_path && *cgroups_path ? cgroups_path : id;
	size_t i;

	memset (cg, 0, sizeof (*cg));
	if (strpbrk (inner, "\t\n") != NULL)
		return ct_make_error (err, 0, "config.json: `linux.cgroupsPath`: `%s` holds a tab or newline", inner);
	if (read_layout (cg, err) < 0)
		return ct_error_wrap (err, "cgroups");
	for (i = 0; i < cg->n; i++) {
		struct rt_cg_hier *h = &cg->h[i];
		cleanup_free char *own = h->path;

		if (inner[0] == '/') {
			h->path = clean_path (inner);
		} else {
			/* v2: our own cgroup holds us, so no controller could be
			   enabled for a child of it: its parent (runc). */
			cleanup_free char *base = cg->mode == RT_CG_UNIFIED ? parent_path (own) : xstrdup (own);
			cleanup_free char *rel = clean_path (inner);
			h->path = join_path (base, rel);
		}
		if (strcmp (h->path, "/") == 0)
			return ct_make_error (err, 0, "config.json: `linux.cgroupsPath`: `%s` is a hierarchy's root",
			                      inner);
	}
	return 0;
}

int
rt_cg_check_systemd (ct_error_t *err)
{
	/* sd_booted(): systemd runs as init iff this directory exists */
	if (access ("/run/systemd/system", F_OK) < 0)
		return ct_make_error (err, 0, "systemd not running on this host, cannot use systemd cgroups manager");
	return ct_make_error (err, 0,
	                      "--systemd-cgroup: the systemd cgroup driver is not supported; cruntime drives "
	                      "cgroupfs (omit --systemd-cgroup)");
}

/* ---- files ---- */

int
rt_cg_write (int dirfd, const char *file, const char *value, ct_error_t *err)
{
	cleanup_close int fd = openat (dirfd, file, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t len = strlen (value);
	ssize_t n;

	if (fd < 0)
		return ct_make_error (err, errno, "open `%s`", file);
	do
		n = write (fd, value, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ct_make_error (err, errno, "write `%s`: `%s`", file, value);
	if ((size_t) n != len)
		return ct_make_error (err, 0, "write `%s`: `%s`: short write", file, value);
	return 0;
}

int
rt_cg_read (int dirfd, const char *file, char *buf, size_t size, ct_error_t *err)
{
	cleanup_close int fd = openat (dirfd, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t got = 0;

	if (fd < 0)
		return ct_make_error (err, errno, "open `%s`", file);
	while (got + 1 < size) {
		ssize_t n = read (fd, buf + got, size - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ct_make_error (err, errno, "read `%s`", file);
		if (n == 0)
			break;
		got += (size_t) n;
	}
	buf[got] = '\0';
	while (got > 0 && buf[got - 1] == '\n')
		buf[--got] = '\0';
	return 0;
}

static int
hier_dirfd (const struct rt_cg_hier *h, ct_error_t *err)
{
	cleanup_free char *dir = NULL;
	int fd;

	xasprintf (&dir, "%s%s", h->mount, h->path);
	fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ct_make_error (err, errno, "open the cgroup `%s`", dir);
	return fd;
}

/* The controllers a v2 cgroup offers its processes (cgroup.controllers). */
static void
read_v2_controllers (struct rt_cg_hier *h)
{
	char buf[CG_FILE_MAX];
	ct_error_t ignored = NULL;

	free (h->controllers);
	if (h->dirfd < 0 || rt_cg_read (h->dirfd, "cgroup.controllers", buf, sizeof (buf), &ignored) < 0) {
		ct_error_release (&ignored);
		buf[0] = '\0';
	}
	h->controllers = xstrdup (buf);
}

/* ---- create ---- */

/* v1 cpuset: a new cgroup starts with empty cpus and mems, and a task cannot
   join it like that: copy the parent's. */
static int
cpuset_inherit (int parentfd, int fd, ct_error_t *err)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	size_t i;

	for (i = 0; i < CT_ARRAY_SIZE (files); i++) {
		char mine[CG_FILE_MAX], theirs[CG_FILE_MAX];

		if (rt_cg_read (fd, files[i], mine, sizeof (mine), err) < 0)
			return -1;
		if (mine[0] != '\0')
			continue;
		if (rt_cg_read (parentfd, files[i], theirs, sizeof (theirs), err) < 0 ||
		    rt_cg_write (fd, files[i], theirs, err) < 0)
			return -1;
	}
	return 0;
}

/* v2: make every controller this level offers available to its children,
   one by one: some cannot be enabled (busy, threaded, delegation), and runc
   goes on without them too. */
static void
enable_controllers (int fd, const char *where)
{
	char avail[CG_FILE_MAX], enabled[CG_FILE_MAX];
	ct_error_t e = NULL;
	char *save = NULL, *c;

	if (rt_cg_read (fd, "cgroup.controllers", avail, sizeof (avail), &e) < 0 ||
	    rt_cg_read (fd, "cgroup.subtree_control", enabled, sizeof (enabled), &e) < 0) {
		cleanup_free char *msg = ct_error_string (e);

		ct_log_debug ("cgroup `%s`: %s", where, msg);
		ct_error_release (&e);
		return;
	}
	for (c = strtok_r (avail, " ", &save); c; c = strtok_r (NULL, " ", &save)) {
		char op[64];

		if (list_has (enabled, c, ' '))
			continue;
		snprintf (op, sizeof (op), "+%s", c);
		if (rt_cg_write (fd, "cgroup.subtree_control", op, &e) < 0) {
			cleanup_free char *msg = ct_error_string (e);

			/* the message was leaked here: only rootless v2 (controllers
			   not delegated) reached it often enough for LSan to see */
			ct_log_debug ("cgroup `%s`: cannot enable %s: %s", where, c, msg);
			ct_error_release (&e);
		}
	}
}

/* mkdir -p mount+path one level at a time, so each new level can be set up
   from its parent. */
static int
create_hier_once (enum rt_cg_mode mode, struct rt_cg_hier *h, ct_error_t *err)
{
	cleanup_close int fd = open (h->mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool cpuset = !h->v2 && list_has (h->controllers, "cpuset", ',');
	/* Hybrid hosts: the unified hierarchy only groups our processes; its
	   root belongs to the host and we leave its subtree_control alone. */
	bool enable = h->v2 && mode == RT_CG_UNIFIED;
	cleanup_free char *walk = xstrdup (h->path);
	char *save = NULL, *part;

	if (fd < 0)
		return ct_make_error (err, errno, "open the cgroup hierarchy `%s`", h->mount);
	for (part = strtok_r (walk, "/", &save); part; part = strtok_r (NULL, "/", &save)) {
		int child;
		bool made;

		if (enable)
			enable_controllers (fd, h->mount);
		made = mkdirat (fd, part, 0755) == 0;
		if (!made && errno != EEXIST)
			return ct_make_error (err, errno, "create the cgroup `%s%s`", h->mount, h->path);
		child = openat (fd, part, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (child < 0)
			return ct_make_error (err, errno, "open the cgroup `%s%s`", h->mount, h->path);
		if (cpuset && cpuset_inherit (fd, child, err) < 0) {
			close (child);
			return ct_error_wrap (err, "set up the cpuset cgroup `%s%s`", h->mount, h->path);
		}
		close (fd);
		fd = child;
	}
	h->dirfd = steal_fd (&fd);
	if (h->v2)
		read_v2_controllers (h);
	return 0;
}

/* An empty ancestor may be removed by someone else between our mkdir and
   the next level's (another runtime's or tool's clean-up of a shared,
   emptied parent): the walk then meets ENOENT and starts over. */
static int
create_hier (enum rt_cg_mode mode, struct rt_cg_hier *h, ct_error_t *err)
{
	for (int attempt = 0;; attempt++) {
		if (create_hier_once (mode, h, err) == 0)
			return 0;
		if (ct_error_status (*err) != ENOENT || attempt == 7)
			return -1;
		ct_error_release (err);
	}
}

int
rt_cg_create (struct rt_cgroup *cg, ct_error_t *err)
{
	pid_t *pids = NULL;
	size_t i, n = 0;

	for (i = 0; i < cg->n; i++)
		if (create_hier (cg->mode, &cg->h[i], err) < 0)
			return -1;
	/* runc 1.2: joining a cgroup that already runs something is refused. */
	if (rt_cg_pids (cg, &pids, &n, err) < 0)
		return -1;
	free (pids);
	if (n > 0)
		return ct_make_error (err, 0, "container's cgroup is not empty: %zu process(es) found", n);
	return 0;
}

int
rt_cg_enter (const struct rt_cgroup *cg, pid_t pid, ct_error_t *err)
{
	char buf[32];
	size_t i;

	snprintf (buf, sizeof (buf), "%d", (int) pid);
	for (i = 0; i < cg->n; i++) {
		const struct rt_cg_hier *h = &cg->h[i];

		if (h->dirfd < 0)
			continue;
		if (rt_cg_write (h->dirfd, "cgroup.procs", buf, err) < 0)
			return ct_error_wrap (err, "join the cgroup `%s%s`", h->mount, h->path);
	}
	return 0;
}

/* ---- save / load ---- */

static const char *const mode_names[] = { "legacy", "hybrid", "unified" };

int
rt_cg_save (const struct rt_cgroup *cg, int state_dirfd, ct_error_t *err)
{
	cleanup_free char *doc = NULL;
	size_t i, len = 0;
	FILE *f = open_memstream (&doc, &len);

	if (f == NULL)
		return ct_make_error (err, errno, "save the cgroup");
	/* "mode NAME", then "v1|v2 TAB MOUNT TAB CONTROLLERS TAB PATH" */
	fprintf (f, "mode\t%s\n", mode_names[cg->mode]);
	for (i = 0; i < cg->n; i++)
		fprintf (f, "%s\t%s\t%s\t%s\n", cg->h[i].v2 ? "v2" : "v1", cg->h[i].mount,
		         cg->h[i].v2 ? "" : cg->h[i].controllers, cg->h[i].path);
	if (fclose (f) != 0)
		return ct_make_error (err, errno, "save the cgroup");
	return ct_fs_write_atomic_at (state_dirfd, RT_STATE_CGROUP, doc, len, 0600, err);
}

int
rt_cg_load (struct rt_cgroup *cg, int state_dirfd, ct_error_t *err)
{
	cleanup_free char *doc = NULL;
	const char *line;
	size_t len;

	memset (cg, 0, sizeof (*cg));
	if (ct_fs_read_all_at (state_dirfd, RT_STATE_CGROUP, 1 << 20, &doc, &len, err) < 0)
		return -1;
	for (line = doc; line && *line;) {
		const char *end = strchrnul (line, '\n');
		cleanup_free char *l = strndup (line, (size_t) (end - line));
		char *f[4] = { 0 };
		char *p;
		size_t nf = 0;

		line = *end ? end + 1 : NULL;
		if (l == NULL)
			continue;
		for (p = l; nf < 4;) {
			f[nf++] = p;
			p = strchr (p, '\t');
			if (p == NULL)
				break;
			*p++ = '\0';
		}
		if (nf == 2 && strcmp (f[0], "mode") == 0) {
			size_t m;
			for (m = 0; m < CT_ARRAY_SIZE (mode_names); m++)
				if (strcmp (f[1], mode_names[m]) == 0)
					cg->mode = (enum rt_cg_mode) m;
			continue;
		}
		if (nf == 4) {
			struct rt_cg_hier *h = add_hier (cg, strcmp (f[0], "v2") == 0, f[1], f[2]);
			ct_error_t gone = NULL;

			h->path = xstrdup (f[3]);
			h->dirfd = hier_dirfd (h, &gone);
			if (h->dirfd < 0) {
				h->dirfd = -1;
				ct_error_release (&gone);
			}
			if (h->v2)
				read_v2_controllers (h);
			continue;
		}
		return ct_make_error (err, 0, "read the saved cgroup: malformed line `%s`", l);
	}
	return 0;
}

/* ---- lookups ---- */

int
rt_cg_dirfd (const struct rt_cgroup *cg, const char *controller, bool *v2)
{
	size_t i;

	for (i = 0; i < cg->n; i++)
		if (!cg->h[i].v2 && list_has (cg->h[i].controllers, controller, ',')) {
			if (v2)
				*v2 = false;
			return cg->h[i].dirfd;
		}
	for (i = 0; i < cg->n; i++)
		if (cg->h[i].v2 && list_has (cg->h[i].controllers, controller, ' ')) {
			if (v2)
				*v2 = true;
			return cg->h[i].dirfd;
		}
	return -1;
}

int
rt_cg_unified_dirfd (const struct rt_cgroup *cg)
{
	size_t i;

	for (i = 0; i < cg->n; i++)
		if (cg->h[i].v2)
			return cg->h[i].dirfd;
	return -1;
}

/* The hierarchy whose cgroup.procs lists the container's processes. */
static const struct rt_cg_hier *
procs_hier (const struct rt_cgroup *cg)
{
	static const char *const prefer[] = { "pids", "freezer", "memory", "cpu", "devices" };
	size_t i, j;

	for (j = 0; j < CT_ARRAY_SIZE (prefer); j++)
		for (i = 0; i < cg->n; i++)
			if (!cg->h[i].v2 && cg->h[i].dirfd >= 0 && list_has (cg->h[i].controllers, prefer[j], ','))
				return &cg->h[i];
	for (i = 0; i < cg->n; i++)
		if (cg->h[i].dirfd >= 0)
			return &cg->h[i];
	return NULL;
}

/* ---- freezer ---- */

/* The freezer: v1's freezer hierarchy, else v2's cgroup.freeze. */
static int
freezer_dirfd (const struct rt_cgroup *cg, bool *v2)
{
	int fd = rt_cg_dirfd (cg, "freezer", v2);

	if (fd >= 0)
		return fd;
	if (cg->mode == RT_CG_UNIFIED) {
		*v2 = true;
		return rt_cg_unified_dirfd (cg);
	}
	return -1;
}

static void
nap (long ns)
{
	struct timespec ts = { 0, ns };
	nanosleep (&ts, NULL);
}

/* v2: cgroup.events says "frozen 1" once every process stopped; it is
   pollable (POLLPRI) when it changes. */
static int
wait_v2_frozen (int dirfd, bool frozen, ct_error_t *err)
{
	cleanup_close int fd = openat (dirfd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	const char *want = frozen ? "frozen 1" : "frozen 0";
	int tries;

	if (fd < 0)
		return ct_make_error (err, errno, "open `cgroup.events`");
	for (tries = 0; tries < 100; tries++) {
		char buf[512];
		struct pollfd pfd = { .fd = fd, .events = POLLPRI };
		ssize_t n = pread (fd, buf, sizeof (buf) - 1, 0);

		if (n < 0)
			return ct_make_error (err, errno, "read `cgroup.events`");
		buf[n] = '\0';
		if (strstr (buf, want) != NULL)
			return 0;
		if (poll (&pfd, 1, 100) < 0 && errno != EINTR)
			return ct_make_error (err, errno, "wait on `cgroup.events`");
	}
	return ct_make_error (err, ETIMEDOUT, "wait for the cgroup to be %s", frozen ? "frozen" : "thawed");
}

int
rt_cg_freeze (const struct rt_cgroup *cg, bool frozen, ct_error_t *err)
{
	bool v2 = false;
	int fd = freezer_dirfd (cg, &v2);
	int tries;

	if (fd < 0)
		return ct_make_error (err, 0, "no freezer cgroup for this container");
	if (v2) {
		if (rt_cg_write (fd, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
			return -1;
		return wait_v2_frozen (fd, frozen, err);
	}
	/* v1: FREEZING until every task stopped; writing FROZEN again retries
	   the ones that were busy (runc does the same, bounded). */
	for (tries = 0; tries < 1000; tries++) {
		char state[64];

		if (rt_cg_write (fd, "freezer.state", frozen ? "FROZEN" : "THAWED", err) < 0 ||
		    rt_cg_read (fd, "freezer.state", state, sizeof (state), err) < 0)
			return -1;
		if (strcmp (state, frozen ? "FROZEN" : "THAWED") == 0)
			return 0;
		nap (1000000);
	}
	if (frozen) {
		ct_error_t ignored = NULL;
		if (rt_cg_write (fd, "freezer.state", "THAWED", &ignored) < 0)
			ct_error_release (&ignored);
	}
	return ct_make_error (err, ETIMEDOUT, "%s the cgroup", frozen ? "freeze" : "thaw");
}

bool
rt_cg_is_frozen (const struct rt_cgroup *cg)
{
	bool v2 = false;
	int fd = freezer_dirfd (cg, &v2);
	char buf[64];
	ct_error_t ignored = NULL;

	if (fd < 0)
		return false;
	if (rt_cg_read (fd, v2 ? "cgroup.freeze" : "freezer.state", buf, sizeof (buf), &ignored) < 0) {
		ct_error_release (&ignored);
		return false;
	}
	return strcmp (buf, v2 ? "1" : "FROZEN") == 0;
}

/* ---- processes ---- */

static int
collect_pids (int dirfd, pid_t **pids, size_t *n, size_t *cap, int depth, ct_error_t *err)
{
	cleanup_free char *procs = NULL;
	cleanup_dir DIR *d = NULL;
	struct dirent *de;
	size_t len;
	char *p, *end;
	int fd;

	if (depth > 64)
		return ct_make_error (err, ELOOP, "read the cgroup tree: too deep");
	if (ct_fs_read_all_at (dirfd, "cgroup.procs", 16 << 20, &procs, &len, err) < 0)
		return -1;
	for (p = procs; *p; p = end) {
		long v = strtol (p, &end, 10);
		if (end == p)
			break;
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			*pids = xrealloc (*pids, *cap * sizeof (pid_t));
		}
		(*pids)[(*n)++] = (pid_t) v;
	}
	/* sub-cgroups the container made */
	fd = openat (dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || (d = fdopendir (fd)) == NULL) {
		if (fd >= 0)
			close (fd);
		return ct_make_error (err, errno, "list the cgroup");
	}
	while ((de = readdir (d)) != NULL) {
		cleanup_close int sub = -1;

		if (de->d_type != DT_DIR || strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
			continue;
		sub = openat (dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (sub < 0)
			continue; /* removed meanwhile */
		if (collect_pids (sub, pids, n, cap, depth + 1, err) < 0)
			return -1;
	}
	return 0;
}

int
rt_cg_pids (const struct rt_cgroup *cg, pid_t **pids, size_t *n, ct_error_t *err)
{
	const struct rt_cg_hier *h = procs_hier (cg);
	size_t cap = 0;

	*pids = NULL;
	*n = 0;
	if (h == NULL)
		return 0;
	if (collect_pids (h->dirfd, pids, n, &cap, 0, err) < 0) {
		free (*pids);
		*pids = NULL;
		*n = 0;
		return ct_error_wrap (err, "list the processes of the cgroup `%s%s`", h->mount, h->path);
	}
	return 0;
}

int
rt_cg_kill (const struct rt_cgroup *cg, int sig, ct_error_t *err)
{
	cleanup_free pid_t *pids = NULL;
	bool v2 = false;
	bool freeze, was_frozen;
	size_t i, n;
	int r = 0;

	if (sig == SIGKILL && cg->mode == RT_CG_UNIFIED && rt_cg_unified_dirfd (cg) >= 0 &&
	    faccessat (rt_cg_unified_dirfd (cg), "cgroup.kill", W_OK, 0) == 0)
		return rt_cg_write (rt_cg_unified_dirfd (cg), "cgroup.kill", "1", err);
	/* Frozen, nothing can fork away between the listing and the signals;
	   a container already paused stays paused, unless killed: a frozen v1
	   task dies only once thawed. */
	was_frozen = rt_cg_is_frozen (cg);
	freeze = freezer_dirfd (cg, &v2) >= 0 && !was_frozen;
	if (freeze && rt_cg_freeze (cg, true, err) < 0)
		return -1;
	if (rt_cg_pids (cg, &pids, &n, err) < 0)
		r = -1;
	for (i = 0; r == 0 && i < n; i++)
		if (kill (pids[i], sig) < 0 && errno != ESRCH)
			r = ct_make_error (err, errno, "send signal %d to pid %d", sig, (int) pids[i]);
	if (freeze || (was_frozen && sig == SIGKILL)) {
		ct_error_t thaw = NULL;
		if (rt_cg_freeze (cg, false, r < 0 ? &thaw : err) < 0 && r == 0)
			r = -1;
		ct_error_release (&thaw);
	}
	return r;
}

/* ---- destroy ---- */

/* rmdir dir/name and the cgroups below it, deepest first. */
static int
remove_tree (int dirfd, const char *name, int depth)
{
	cleanup_close int fd = -1;
	cleanup_dir DIR *d = NULL;
	struct dirent *de;
	int dfd;

	if (depth > 64)
		return -1;
	fd = openat (dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	dfd = dup (fd);
	if (dfd < 0 || (d = fdopendir (dfd)) == NULL) {
		if (dfd >= 0)
			close (dfd);
		return -1;
	}
	while ((de = readdir (d)) != NULL)
		if (de->d_type == DT_DIR && strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
			remove_tree (fd, de->d_name, depth + 1);
	if (unlinkat (dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return -1;
	return 0;
}

int
rt_cg_destroy (struct rt_cgroup *cg, ct_error_t *err)
{
	size_t i;

	for (i = 0; i < cg->n; i++) {
		struct rt_cg_hier *h = &cg->h[i];
		cleanup_free char *parent = parent_path (h->path);
		cleanup_free char *pdir = NULL;
		cleanup_close int pfd = -1;
		const char *leaf = strrchr (h->path, '/') + 1;
		int tries;

		if (h->dirfd >= 0) {
			close (h->dirfd);
			h->dirfd = -1;
		}
		xasprintf (&pdir, "%s%s", h->mount, parent);
		pfd = open (pdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (pfd < 0) {
			if (errno == ENOENT)
				continue;
			return ct_make_error (err, errno, "open the cgroup `%s`", pdir);
		}
		/* EBUSY while the last processes are still exiting: runc retries
		   too, for a bounded time. */
		for (tries = 0; remove_tree (pfd, leaf, 0) < 0; tries++) {
			if (errno != EBUSY || tries >= 200)
				return ct_make_error (err, errno, "remove the cgroup `%s%s`", h->mount, h->path);
			nap (5000000);
		}
	}
	return 0;
}

void
rt_cg_release (struct rt_cgroup *cg)
{
	size_t i;

	for (i = 0; i < cg->n; i++)
		hier_release (&cg->h[i]);
	free (cg->h);
	memset (cg, 0, sizeof (*cg));
}

/* ---- exec --cgroup ---- */

/* The hierarchy h's entry of the parsed specs: its controllers' or the
   catch-all "" one, or NULL. */
static const char *
sub_for (const struct rt_cg_hier *h, char **keys, char **paths)
{
	size_t i;

	for (i = 0; keys[i]; i++)
		if (keys[i][0] != '\0' && !h->v2 && list_has (h->controllers, keys[i], ','))
			return paths[i];
	for (i = 0; keys[i]; i++)
		if (keys[i][0] == '\0')
			return paths[i];
	return NULL;
}

int
rt_cg_sub (const struct rt_cgroup *cg, char *const *specs, struct rt_cgroup *out, ct_error_t *err)
{
	cleanup_strv char **keys = xcalloc (1, sizeof (char *));
	cleanup_strv char **paths = xcalloc (1, sizeof (char *));
	size_t i, j, nspecs = ct_strv_len ((char **) specs);

	memset (out, 0, sizeof (*out));
	for (i = 0; i < nspecs; i++) {
		const char *c = specs[i];
		const char *colon = strchr (c, ':');
		cleanup_free char *ctrls = NULL;
		char *save = NULL, *ctl;

		if (colon == NULL) {
			if (nspecs != 1)
				return ct_make_error (
				        err, 0, "invalid --cgroup argument: %s (missing <controller>: prefix)", c);
			ct_strv_push (&keys, "");
			ct_strv_push (&paths, c);
			continue;
		}
		if (strchr (colon + 1, ':') != NULL)
			return ct_make_error (err, 0, "invalid --cgroup argument: %s", c);
		if (cg->mode == RT_CG_UNIFIED)
			return ct_make_error (
			        err, 0, "invalid --cgroup argument: %s (no <controller>: prefix on cgroup v2)", c);
		ctrls = strndup (c, (size_t) (colon - c));
		if (ctrls == NULL || ctrls[0] == '\0' || strstr (ctrls, ",,") || ctrls[strlen (ctrls) - 1] == ',')
			return ct_make_error (err, 0, "invalid --cgroup argument: %s (empty <controller> prefix)", c);
		for (ctl = strtok_r (ctrls, ",", &save); ctl; ctl = strtok_r (NULL, ",", &save)) {
			for (j = 0; keys[j]; j++)
				if (strcmp (keys[j], ctl) == 0)
					return ct_make_error (
					        err, 0,
					        "invalid --cgroup argument(s): controller %s specified multiple times",
					        ctl);
			ct_strv_push (&keys, ctl);
			ct_strv_push (&paths, colon + 1);
		}
	}
	out->mode = cg->mode;
	for (i = 0; i < cg->n; i++) {
		const struct rt_cg_hier *h = &cg->h[i];
		const char *sub = sub_for (h, keys, paths);
		struct rt_cg_hier *o = add_hier (out, h->v2, h->mount, h->controllers);

		if (sub == NULL) {
			o->path = xstrdup (h->path);
		} else {
			/* relative to the container's cgroup, never above it */
			cleanup_free char *rel = clean_path (sub[0] == '/' ? sub + 1 : sub);
			o->path = join_path (h->path, rel);
		}
		o->dirfd = hier_dirfd (o, err);
		if (o->dirfd < 0) {
			o->dirfd = -1;
			return ct_error_wrap (err, "--cgroup `%s`", sub ? sub : "");
		}
	}
	/* a controller nobody has: runc's manager fails the same way */
	for (j = 0; keys[j]; j++) {
		bool found = keys[j][0] == '\0';
		for (i = 0; i < cg->n && !found; i++)
			found = !cg->h[i].v2 && list_has (cg->h[i].controllers, keys[j], ',');
		if (!found)
			return ct_make_error (err, 0, "invalid --cgroup argument: controller %s not mounted", keys[j]);
	}
	return 0;
}
