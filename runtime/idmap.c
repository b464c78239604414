#include "common.h"

#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "idmap.h"
#include "rootless.h"

bool
rt_idmap_supported (void)
{
	/* an invalid call: anything but ENOSYS means the syscall exists */
	return syscall (SYS_mount_setattr, -1, "", AT_EMPTY_PATH, NULL, (size_t) 0) == 0 || errno != ENOSYS;
}

static bool
has_option (char *const *opts, const char *name)
{
	for (; opts != NULL && *opts != NULL; opts++)
		if (strcmp (*opts, name) == 0)
			return true;
	return false;
}

static bool
wants_idmap (const struct ct_rt_mount *m)
{
	return m->n_uid_mappings > 0 || m->n_gid_mappings > 0 || has_option (m->options, "idmap") ||
	       has_option (m->options, "ridmap");
}

static const struct ct_rt_namespace *
user_ns (const struct ct_rt_spec *spec)
{
	const struct ct_rt_linux *l = spec->linux_;

	for (size_t i = 0; l != NULL && i < l->n_namespaces; i++)
		if (l->namespaces[i].type == CT_RT_NS_USER)
			return &l->namespaces[i];
	return NULL;
}

int
rt_idmap_check (const struct ct_rt_spec *spec, ct_error_t *err)
{
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct ct_rt_mount *m = &spec->mounts[i];
		bool bind = (m->type != NULL && strcmp (m->type, "bind") == 0) || has_option (m->options, "bind") ||
		            has_option (m->options, "rbind");

		if (!wants_idmap (m))
			continue;
		if ((m->n_uid_mappings == 0) != (m->n_gid_mappings == 0))
			return ct_make_error (err, 0,
			                      "config.json: `mounts[%zu]`: uidMappings and gidMappings go together", i);
		if (!bind)
			return ct_make_error (err, 0, "config.json: `mounts[%zu]`: only bind mounts can be idmapped",
			                      i);
		if (m->n_uid_mappings == 0 && user_ns (spec) == NULL)
			return ct_make_error (
			        err, 0, "config.json: `mounts[%zu]`: idmap without uidMappings needs a user namespace",
			        i);
		/* the helper user namespace's maps need root (runc 1.2 refuses too) */
		if (geteuid () != 0)
			return ct_make_error (err, 0, "config.json: `mounts[%zu]`: idmapped mounts need root", i);
	}
	return 0;
}

/* The maps go through the same writer as the container's (rootless.c);
   idmapped mounts need root, so it writes them itself. */
static int
write_map (pid_t pid, bool gid, const struct ct_rt_id_mapping *m, size_t n, ct_error_t *err)
{
	cleanup_free char *text = rt_id_map_format (m, n);

	return rt_id_map_write (pid, gid, text, err);
}

/* An fd of a new user namespace with these maps: a child cloned into it
   waits while we write its maps and open its namespace, then is killed
   (the namespace lives on through the fd). */
static int
userns_with_maps (const struct ct_rt_id_mapping *uid, size_t nu, const struct ct_rt_id_mapping *gid, size_t ng,
                  ct_error_t *err)
{
	pid_t parent = getpid ();
	char path[64];
	long pid;
	int fd = -1;
	int st;

	pid = syscall (SYS_clone, (unsigned long) (CLONE_NEWUSER | SIGCHLD), NULL, NULL, NULL, NULL);
	if (pid < 0)
		return ct_make_error (err, errno, "create a user namespace for an idmapped mount");
	if (pid == 0) {
		prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		if (getppid () != parent)
			_exit (0);
		for (;;)
			pause ();
	}
	if (write_map ((pid_t) pid, false, uid, nu, err) == 0 && write_map ((pid_t) pid, true, gid, ng, err) == 0) {
		snprintf (path, sizeof (path), "/proc/%ld/ns/user", pid);
		fd = open (path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			ct_make_error (err, errno, "open `%s`", path);
	}
	kill ((pid_t) pid, SIGKILL);
	while (waitpid ((pid_t) pid, &st, 0) < 0 && errno == EINTR)
		;
	return fd;
}

/* The detached, idmapped copy of m's source. */
static int
make_tree (size_t i, const struct rt_mount *m, int userns_fd, ct_error_t *err)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t) userns_fd };
	cleanup_close int tree = -1;

	tree = (int) syscall (SYS_open_tree, AT_FDCWD, m->source,
	                      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (m->rec ? AT_RECURSIVE : 0));
	if (tree < 0)
		return ct_make_error (err, errno, "config.json: `mounts[%zu]`: clone `%s` for an idmapped mount", i,
		                      m->source);
	if (syscall (SYS_mount_setattr, tree, "", AT_EMPTY_PATH | (m->ridmap ? AT_RECURSIVE : 0), &attr,
	             sizeof (attr)) < 0) {
		if (errno == EINVAL)
			return ct_make_error (
			        err, errno,
			        "config.json: `mounts[%zu]`: idmap `%s`: its file system does not support "
			        "idmapped mounts",
			        i, m->source);
		return ct_make_error (err, errno, "config.json: `mounts[%zu]`: idmap `%s`", i, m->source);
	}
	return steal_fd (&tree);
}

int
rt_idmap_prepare (const struct ct_rt_spec *spec, struct rt_init *p, ct_error_t *err)
{
	const struct ct_rt_linux *l = spec->linux_;

	for (size_t i = 0; i < spec->n_mounts && i < p->n_mounts; i++) {
		const struct ct_rt_mount *sm = &spec->mounts[i];
		struct rt_mount *m = &p->mounts[i];
		cleanup_close int userns = -1;
		cleanup_close int tree = -1;
		int ns;

		if (!wants_idmap (sm))
			continue;
		m->idmap = true; /* mappings alone imply it (runc 1.2) */
		if (sm->n_uid_mappings > 0 || p->userns_fd < 0) {
			if (sm->n_uid_mappings > 0)
				userns = userns_with_maps (sm->uid_mappings, sm->n_uid_mappings, sm->gid_mappings,
				                           sm->n_gid_mappings, err);
			else if (p->new_userns && l != NULL)
				/* the container's namespace is not made yet: its maps */
				userns = userns_with_maps (l->uid_mappings, l->n_uid_mappings, l->gid_mappings,
				                           l->n_gid_mappings, err);
			else
				return ct_make_error (
				        err, 0,
				        "config.json: `mounts[%zu]`: idmap without uidMappings needs a user namespace",
				        i);
			if (userns < 0)
				return ct_error_wrap (err, "config.json: `mounts[%zu]`", i);
			ns = userns;
		} else
			ns = p->userns_fd; /* the joined user namespace */
		tree = make_tree (i, m, ns, err);
		if (tree < 0)
			return -1;
		/* Above the --preserve-fds range: the init inherits it, execve closes it. */
		m->idmap_fd = fcntl (tree, F_DUPFD_CLOEXEC, 3 + p->preserve_fds);
		if (m->idmap_fd < 0)
			return ct_make_error (err, errno, "place the idmapped mount of `%s`", m->dest);
	}
	return 0;
}
