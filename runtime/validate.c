#include "common.h"

#include <sys/stat.h>

#include "cgroup-devices.h"
#include "validate.h"

struct ctx {
	const struct ct_rt_spec *s;
	const char *bundle; /* never NULL */
};

typedef int (*check_fn) (const struct ctx *c, ct_error_t *err);

/* Every message starts with the document and the JSON path, like the
   decoder's. */
#define FAIL(err, status, path, fmt, ...) ct_make_error (err, status, "config.json: `%s`: " fmt, path, ##__VA_ARGS__)

static const struct ct_rt_namespace *
find_ns (const struct ct_rt_spec *s, enum ct_rt_ns_type t)
{
	if (s->linux_ == NULL)
		return NULL;
	for (size_t i = 0; i < s->linux_->n_namespaces; i++)
		if (s->linux_->namespaces[i].type == t)
			return &s->linux_->namespaces[i];
	return NULL;
}

static int
check_version (const struct ctx *c, ct_error_t *err)
{
	/* only the 1.x line is compatible with what we implement */
	if (strncmp (c->s->oci_version, "1.", 2) != 0)
		return FAIL (err, 0, "ociVersion", "unsupported version `%s`", c->s->oci_version);
	return 0;
}

/* Lexically: does the relative path p climb above its starting point? */
static bool
escapes (const char *p)
{
	int depth = 0;

	while (*p != '\0') {
		size_t n = strcspn (p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (--depth < 0)
				return true;
		} else if (n > 0 && !(n == 1 && p[0] == '.'))
			depth++;
		p += n;
		p += strspn (p, "/");
	}
	return false;
}

static int
check_root (const struct ctx *c, ct_error_t *err)
{
	const struct ct_rt_root *r = c->s->root;
	cleanup_free char *full = NULL;
	struct stat st;

	if (r == NULL)
		return ct_make_error (err, 0, "config.json: `root`: required");
	if (r->path[0] == '\0')
		return FAIL (err, 0, "root.path", "must not be empty");
	if (r->path[0] != '/' && escapes (r->path))
		return FAIL (err, 0, "root.path", "`%s` escapes the bundle", r->path);
	if (r->path[0] == '/')
		full = xstrdup (r->path);
	else
		xasprintf (&full, "%s/%s", c->bundle, r->path);
	if (stat (full, &st) < 0)
		return FAIL (err, errno, "root.path", "stat `%s`", full);
	if (!S_ISDIR (st.st_mode))
		return FAIL (err, ENOTDIR, "root.path", "`%s` is not a directory", full);
	return 0;
}

static int
check_process (const struct ctx *c, ct_error_t *err)
{
	const struct ct_rt_process *p = c->s->process;

	/* create/run need something to execute */
	if (p == NULL)
		return ct_make_error (err, 0, "config.json: `process`: required");
	if (p->args[0] == NULL)
		return FAIL (err, 0, "process.args", "must not be empty");
	if (p->cwd[0] != '/')
		return FAIL (err, 0, "process.cwd", "`%s` is not an absolute path", p->cwd);
	for (size_t i = 0; i < p->n_rlimits; i++) {
		const struct ct_rt_rlimit *r = &p->rlimits[i];
		if (r->soft > r->hard)
			return ct_make_error (err, 0,
			                      "config.json: `process.rlimits[%zu]`: soft limit above hard limit", i);
		for (size_t j = 0; j < i; j++)
			if (strcmp (p->rlimits[j].type, r->type) == 0)
				return ct_make_error (err, 0,
				                      "config.json: `process.rlimits[%zu].type`: duplicate rlimit `%s`",
				                      i, r->type);
	}
	return 0;
}

static int
check_mounts (const struct ctx *c, ct_error_t *err)
{
	for (size_t i = 0; i < c->s->n_mounts; i++) {
		const char *d = c->s->mounts[i].destination;
		/* runc 1.1 only warns; the spec says MUST be absolute */
		if (d[0] != '/')
			return ct_make_error (
			        err, 0, "config.json: `mounts[%zu].destination`: `%s` is not an absolute path", i, d);
	}
	return 0;
}

static int
check_namespaces (const struct ctx *c, ct_error_t *err)
{
	const struct ct_rt_linux *l = c->s->linux_;
	bool seen[CT_RT_NS__COUNT] = { false };

	if (l == NULL)
		return 0;
	for (size_t i = 0; i < l->n_namespaces; i++) {
		const struct ct_rt_namespace *ns = &l->namespaces[i];
		if (seen[ns->type])
			return ct_make_error (err, 0,
			                      "config.json: `linux.namespaces[%zu].type`: duplicate namespace `%s`", i,
			                      ct_rt_ns_type_name (ns->type));
		seen[ns->type] = true;
		if (ns->path != NULL && ns->path[0] != '/')
			return ct_make_error (err, 0,
			                      "config.json: `linux.namespaces[%zu].path`: `%s` is not an absolute path",
			                      i, ns->path);
	}
	return 0;
}

static int
check_id_map (const char *what, const struct ct_rt_id_mapping *m, size_t n, ct_error_t *err)
{
	/* the kernel's limit on the lines of an id map (user_namespaces(7)) */
	if (n > 340)
		return ct_make_error (err, 0, "config.json: `%s`: %zu mappings, at most 340 are allowed", what, n);
	for (size_t i = 0; i < n; i++) {
		if (m[i].size == 0)
			return ct_make_error (err, 0, "config.json: `%s[%zu].size`: must not be 0", what, i);
		/* the last id of the range must still be a uint32 */
		if ((uint64_t) m[i].container_id + m[i].size - 1 > UINT32_MAX)
			return ct_make_error (err, 0, "config.json: `%s[%zu]`: containerID range overflows uint32",
			                      what, i);
		if ((uint64_t) m[i].host_id + m[i].size - 1 > UINT32_MAX)
			return ct_make_error (err, 0, "config.json: `%s[%zu]`: hostID range overflows uint32", what, i);
		/* the kernel refuses a map whose ranges overlap on either side */
		for (size_t j = 0; j < i; j++) {
			if ((uint64_t) m[i].container_id < (uint64_t) m[j].container_id + m[j].size &&
			    (uint64_t) m[j].container_id < (uint64_t) m[i].container_id + m[i].size)
				return ct_make_error (err, 0,
				                      "config.json: `%s[%zu]`: containerID range overlaps `%s[%zu]`",
				                      what, i, what, j);
			if ((uint64_t) m[i].host_id < (uint64_t) m[j].host_id + m[j].size &&
			    (uint64_t) m[j].host_id < (uint64_t) m[i].host_id + m[i].size)
				return ct_make_error (err, 0, "config.json: `%s[%zu]`: hostID range overlaps `%s[%zu]`",
				                      what, i, what, j);
		}
	}
	return 0;
}

static int
check_user_ns (const struct ctx *c, ct_error_t *err)
{
	const struct ct_rt_linux *l = c->s->linux_;
	const struct ct_rt_namespace *user = find_ns (c->s, CT_RT_NS_USER);

	if (l == NULL)
		return 0;
	if (check_id_map ("linux.uidMappings", l->uid_mappings, l->n_uid_mappings, err) < 0 ||
	    check_id_map ("linux.gidMappings", l->gid_mappings, l->n_gid_mappings, err) < 0)
		return -1;
	for (size_t i = 0; i < c->s->n_mounts; i++) {
		const struct ct_rt_mount *m = &c->s->mounts[i];
		cleanup_free char *u = NULL;
		cleanup_free char *g = NULL;
		xasprintf (&u, "mounts[%zu].uidMappings", i);
		xasprintf (&g, "mounts[%zu].gidMappings", i);
		if (check_id_map (u, m->uid_mappings, m->n_uid_mappings, err) < 0 ||
		    check_id_map (g, m->gid_mappings, m->n_gid_mappings, err) < 0)
			return -1;
	}
	if (user == NULL) {
		if (l->n_uid_mappings > 0)
			return FAIL (err, 0, "linux.uidMappings", "requires a user namespace");
		if (l->n_gid_mappings > 0)
			return FAIL (err, 0, "linux.gidMappings", "requires a user namespace");
		return 0;
	}
	/* joining an existing user namespace brings its own mappings */
	if (user->path == NULL) {
		if (l->n_uid_mappings == 0)
			return FAIL (err, 0, "linux.uidMappings", "required with a new user namespace");
		if (l->n_gid_mappings == 0)
			return FAIL (err, 0, "linux.gidMappings", "required with a new user namespace");
	}
	return 0;
}

static int
check_uts (const struct ctx *c, ct_error_t *err)
{
	const struct ct_rt_namespace *uts = find_ns (c->s, CT_RT_NS_UTS);

	/* setting the host's own hostname would be a silent escape */
	if (c->s->hostname != NULL && c->s->hostname[0] != '\0' && uts == NULL)
		return FAIL (err, 0, "hostname", "requires a new uts namespace");
	if (c->s->domainname != NULL && c->s->domainname[0] != '\0' && uts == NULL)
		return FAIL (err, 0, "domainname", "requires a new uts namespace");
	return 0;
}

/* runc 1.2 libcontainer/configs/validate: the ipc namespace's sysctls */
static bool
is_ipc_sysctl (const char *k)
{
	static const char *const ipc[] = {
		"kernel.msgmax",      "kernel.msgmnb",      "kernel.msgmni",      "kernel.sem",
		"kernel.shmall",      "kernel.shmmax",      "kernel.shmmni",      "kernel.shm_rmid_forced",
		"kernel.msg_next_id", "kernel.sem_next_id", "kernel.shm_next_id", NULL,
	};
	for (size_t i = 0; ipc[i] != NULL; i++)
		if (strcmp (k, ipc[i]) == 0)
			return true;
	return strncmp (k, "fs.mqueue.", 10) == 0;
}

/* Whether the network namespace of the config is ours ("host" means
   "current" for runc too): none, or a path to the one we are in. */
static int
is_host_netns (const struct ct_rt_namespace *ns, bool *host, ct_error_t *err)
{
	struct stat theirs, ours;

	*host = ns == NULL;
	if (ns == NULL || ns->path == NULL)
		return 0;
	if (stat (ns->path, &theirs) < 0)
		return ct_make_error (err, errno, "config.json: `linux.namespaces`: stat `%s`", ns->path);
	if (stat ("/proc/self/ns/net", &ours) < 0)
		return ct_make_error (err, errno, "stat `/proc/self/ns/net`");
	*host = theirs.st_dev == ours.st_dev && theirs.st_ino == ours.st_ino;
	return 0;
}

/* A key is dot-separated names: no '/', no empty component (so no way
   out of /proc/sys once the dots become slashes). */
static bool
valid_sysctl_key (const char *k)
{
	if (*k == '\0' || *k == '.' || strchr (k, '/') != NULL || strstr (k, "..") != NULL)
		return false;
	return k[strlen (k) - 1] != '.';
}

static int
check_sysctl (const struct ctx *c, ct_error_t *err)
{
	const struct ct_rt_linux *l = c->s->linux_;
	bool host_net = false, net_checked = false;

	if (l == NULL)
		return 0;
	/* a sysctl outside the container's own namespaces would change the
	   host: runc's rules and wording */
	for (size_t i = 0; i < l->sysctl.n; i++) {
		const char *k = l->sysctl.keys[i];
		if (!valid_sysctl_key (k))
			return ct_make_error (err, 0, "config.json: `linux.sysctl.%s`: not a valid sysctl name", k);
		if (is_ipc_sysctl (k)) {
			if (find_ns (c->s, CT_RT_NS_IPC) == NULL)
				return ct_make_error (
				        err, 0,
				        "config.json: `linux.sysctl.%s`: not allowed in the host's ipc namespace", k);
			continue;
		}
		if (strncmp (k, "net.", 4) == 0) {
			if (!net_checked && is_host_netns (find_ns (c->s, CT_RT_NS_NETWORK), &host_net, err) < 0)
				return -1;
			net_checked = true;
			if (host_net)
				return ct_make_error (
				        err, 0,
				        "config.json: `linux.sysctl.%s`: not allowed in the host's network namespace",
				        k);
			continue;
		}
		if (find_ns (c->s, CT_RT_NS_UTS) != NULL) {
			if (strcmp (k, "kernel.domainname") == 0)
				continue;
			if (strcmp (k, "kernel.hostname") == 0)
				return ct_make_error (
				        err, 0,
				        "config.json: `linux.sysctl.%s`: conflicts with the OCI `hostname` field", k);
		}
		return ct_make_error (err, 0, "config.json: `linux.sysctl.%s`: not in a separate kernel namespace", k);
	}
	return 0;
}

static int
check_time_ns (const struct ctx *c, ct_error_t *err)
{
	const struct ct_rt_linux *l = c->s->linux_;

	if (l != NULL && l->time_offsets != NULL && find_ns (c->s, CT_RT_NS_TIME) == NULL)
		return FAIL (err, 0, "linux.timeOffsets", "requires a time namespace");
	return 0;
}

/* Devices are made in the container's /dev only: "/dev/NAME[/NAME...]",
   no "." or ".." component, no trailing slash. */
static bool
under_dev (const char *p)
{
	if (strncmp (p, "/dev/", 5) != 0)
		return false;
	for (p += 5;;) {
		size_t n = strcspn (p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		if (p[n] == '\0')
			return true;
		p += n + 1;
	}
}

/* The S_IFMT bits of a linux.devices type: c and u are character devices. */
static uint32_t
device_ifmt (const char *type)
{
	if (strcmp (type, "b") == 0)
		return S_IFBLK;
	if (strcmp (type, "p") == 0)
		return S_IFIFO;
	return S_IFCHR;
}

static int
check_devices (const struct ctx *c, ct_error_t *err)
{
	const struct ct_rt_linux *l = c->s->linux_;

	if (l == NULL)
		return 0;
	for (size_t i = 0; i < l->n_devices; i++) {
		const struct ct_rt_device *d = &l->devices[i];
		if (d->path[0] != '/')
			return ct_make_error (err, 0,
			                      "config.json: `linux.devices[%zu].path`: `%s` is not an absolute path", i,
			                      d->path);
		if (!under_dev (d->path))
			return ct_make_error (err, 0, "config.json: `linux.devices[%zu].path`: `%s` is not under /dev",
			                      i, d->path);
		/* only a fifo needs no device numbers */
		if (strcmp (d->type, "p") != 0 && (!d->major_present || !d->minor_present))
			return ct_make_error (
			        err, 0, "config.json: `linux.devices[%zu]`: major and minor required for type `%s`", i,
			        d->type);
		/* podman passes the host device's whole st_mode: type bits are
		   accepted when they are the device's own (runc drops them) */
		if (d->file_mode_present &&
		    ((d->file_mode & ~(uint32_t) (S_IFMT | 07777)) != 0 ||
		     ((d->file_mode & S_IFMT) != 0 && (d->file_mode & S_IFMT) != device_ifmt (d->type))))
			return ct_make_error (
			        err, 0,
			        "config.json: `linux.devices[%zu].fileMode`: %#o is not a file mode for type `%s`", i,
			        d->file_mode, d->type);
	}
	return 0;
}

/* linux.resources.devices: checked before any cgroup is made */
static int
check_device_rules (const struct ctx *c, ct_error_t *err)
{
	const struct ct_rt_linux *l = c->s->linux_;

	if (l == NULL || l->resources == NULL)
		return 0;
	return rt_cg_devices_check (l->resources->devices, l->resources->n_devices, err);
}

/* config.md: a hook's path "MUST be absolute"; a relative one would
   resolve against whatever directory the runtime or the init is in. */
static int
check_hooks (const struct ctx *c, ct_error_t *err)
{
	const struct ct_rt_hooks *h = c->s->hooks;
	const struct {
		const char *kind;
		const struct ct_rt_hook_list *l;
	} lists[] = {
		{ "prestart", h ? &h->prestart : NULL },
		{ "createRuntime", h ? &h->create_runtime : NULL },
		{ "createContainer", h ? &h->create_container : NULL },
		{ "startContainer", h ? &h->start_container : NULL },
		{ "poststart", h ? &h->poststart : NULL },
		{ "poststop", h ? &h->poststop : NULL },
	};
	size_t i, j;

	for (i = 0; h != NULL && i < CT_ARRAY_SIZE (lists); i++)
		for (j = 0; j < lists[i].l->n; j++)
			if (lists[i].l->hooks[j].path[0] != '/')
				return ct_make_error (err, 0,
				                      "config.json: `hooks.%s[%zu].path`: `%s` is not an absolute path",
				                      lists[i].kind, j, lists[i].l->hooks[j].path);
	return 0;
}

static const check_fn checks[] = {
	check_version, check_root,   check_process, check_mounts,  check_namespaces,   check_user_ns,
	check_uts,     check_sysctl, check_time_ns, check_devices, check_device_rules, check_hooks,
};

int
rt_validate_spec (const struct ct_rt_spec *s, const char *bundle_dir, ct_error_t *err)
{
	struct ctx c = { .s = s, .bundle = bundle_dir != NULL ? bundle_dir : "." };

	for (size_t i = 0; i < CT_ARRAY_SIZE (checks); i++)
		if (checks[i](&c, err) < 0)
			return -1;
	return 0;
}
