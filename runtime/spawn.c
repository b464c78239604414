#include "common.h"

#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>

#include "attrs.h"
#include "caps.h"
#include "hooks.h"
#include "idmap.h"
#include "log.h"
#include "lsm.h"
#include "namespaces.h"
#include "notify.h"
#include "rootless.h"
#include "seccomp-filter.h"
#include "spawn.h"
#include "strv.h"
#include "sync.h"
#include "terminal.h"

static const int forwarded_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "RLIMIT_AS", RLIMIT_AS },
	{ "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU },
	{ "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE },
	{ "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE },
	{ "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC },
	{ "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
	{ "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_STACK", RLIMIT_STACK },
};

static bool
strv_nonempty (char **v)
{
	return v != NULL && v[0] != NULL;
}

/* A copy that is never NULL: the child indexes argv, envp and path lists. */
static char **
strv_dup_nonnull (char **v)
{
	return v != NULL ? ct_strv_dup (v) : xcalloc (1, sizeof (char *));
}

#define UNSUPPORTED(field) ct_make_error (err, 0, "config.json: `%s`: not supported yet", field)

static int
check_process (const struct ct_rt_process *p, const char *doc, const char *pfx, ct_error_t *err)
{
	return rt_lsm_check_process (p, doc, pfx, err);
}

int
rt_spawn_check_supported (const struct ct_rt_spec *spec, ct_error_t *err)
{
	const struct ct_rt_linux *l = spec->linux_;
	const struct ct_rt_process *p = spec->process;
	size_t i;

	if (p != NULL && check_process (p, "config.json", "process.", err) < 0)
		return -1;
	if (rt_idmap_check (spec, err) < 0)
		return -1;
	if (l == NULL)
		return 0;
	for (i = 0; i < l->n_namespaces; i++) {
		const struct rt_ns_kind *k = rt_ns_by_name (ct_rt_ns_type_name (l->namespaces[i].type));
		if (k == NULL || !k->supported)
			return ct_make_error (err, 0,
			                      "config.json: `linux.namespaces[%zu]`: %s namespace: not supported yet",
			                      i, ct_rt_ns_type_name (l->namespaces[i].type));
	}
	if (l->n_net_devices)
		return UNSUPPORTED ("linux.netDevices");
	if (rt_lsm_check_mount_label (l->mount_label, err) < 0)
		return -1;
	if (l->intel_rdt != NULL)
		return UNSUPPORTED ("linux.intelRdt");
	if (l->memory_policy != NULL)
		return UNSUPPORTED ("linux.memoryPolicy");
	return 0;
}

static int
prepare_mounts (const struct ct_rt_spec *spec, const char *bundle, struct rt_init *p, ct_error_t *err)
{
	size_t i;

	p->mounts = xcalloc (spec->n_mounts ? spec->n_mounts : 1, sizeof (struct rt_mount));
	for (i = 0; i < spec->n_mounts; i++) {
		const struct ct_rt_mount *sm = &spec->mounts[i];
		struct rt_mount *m = &p->mounts[i];
		struct stat st;

		p->n_mounts++;
		m->dest = xstrdup (sm->destination);
		m->type = xstrdup (sm->type ? sm->type : "none");
		if (rt_mount_parse_options (sm->options, ct_strv_len (sm->options), m, err) < 0)
			return ct_error_wrap (err, "config.json: `mounts[%zu]`", i);
		if (strcmp (m->type, "bind") == 0)
			m->bind = true;
		if (strcmp (m->type, "cgroup") == 0 || strcmp (m->type, "cgroup2") == 0)
			m->cgroup = true;
		if (!m->bind) {
			const char *label = spec->linux_ ? spec->linux_->mount_label : NULL;
			char *labelled = rt_lsm_mount_data (m->type, m->data, label);

			if (labelled != NULL) {
				free (m->data);
				m->data = labelled;
			}
			m->source = xstrdup (sm->source ? sm->source : m->type);
			continue;
		}
		if (sm->source == NULL)
			return ct_make_error (err, 0, "config.json: `mounts[%zu].source`: required for a bind mount",
			                      i);
		/* Relative bind sources are relative to the bundle (runc). */
		if (sm->source[0] == '/')
			m->source = xstrdup (sm->source);
		else
			xasprintf (&m->source, "%s/%s", bundle, sm->source);
		if (stat (m->source, &st) < 0)
			return ct_make_error (err, errno, "config.json: `mounts[%zu]`: stat source `%s`", i, m->source);
		m->src_is_dir = S_ISDIR (st.st_mode);
	}
	return 0;
}

/* linux.devices: the nodes the init creates after the default ones.
   validate.c checked the paths are absolute and the numbers present. */
static int
prepare_devices (const struct ct_rt_linux *l, struct rt_init *p, ct_error_t *err)
{
	size_t i;

	p->devices = xcalloc (l && l->n_devices ? l->n_devices : 1, sizeof (struct rt_device));
	for (i = 0; l && i < l->n_devices; i++) {
		const struct ct_rt_device *sd = &l->devices[i];
		struct rt_device *d = &p->devices[p->n_devices];
		char *slash;
		mode_t type;

		if (strcmp (sd->type, "c") == 0 || strcmp (sd->type, "u") == 0)
			type = S_IFCHR;
		else if (strcmp (sd->type, "b") == 0)
			type = S_IFBLK;
		else if (strcmp (sd->type, "p") == 0)
			type = S_IFIFO;
		else
			return ct_make_error (err, 0, "config.json: `linux.devices[%zu].type`: unknown type `%s`", i,
			                      sd->type);
		if ((sd->major_present && (sd->major < 0 || sd->major > UINT32_MAX)) ||
		    (sd->minor_present && (sd->minor < 0 || sd->minor > UINT32_MAX)))
			return ct_make_error (err, 0, "config.json: `linux.devices[%zu]`: major or minor out of range",
			                      i);
		/* /dev/ptmx stays the symlink to pts/ptmx, the container's own
		   devpts (runc's createDevices skips it: a privileged
		   container, podman's or containerd's --privileged, lists
		   every host device, /dev/ptmx too).  validate.c made the path clean. */
		if (strcmp (sd->path, "/dev/ptmx") == 0)
			continue;
		p->n_devices++;
		d->path = xstrdup (sd->path);
		d->dir = xstrdup (sd->path);
		slash = strrchr (d->dir, '/');
		d->base = xstrdup (slash + 1);
		slash[slash == d->dir ? 1 : 0] = '\0';
		/* runc: 0666 when fileMode is absent */
		d->mode = type | (sd->file_mode_present ? (mode_t) sd->file_mode & 07777 : 0666);
		d->dev = type == S_IFIFO ? 0 : makedev ((unsigned) sd->major, (unsigned) sd->minor);
		d->uid = sd->uid_present ? sd->uid : 0;
		d->gid = sd->gid_present ? sd->gid : 0;
	}
	return 0;
}

static int
prepare_namespaces (const struct ct_rt_spec *spec, struct rt_spawn *s, ct_error_t *err)
{
	const struct ct_rt_linux *l = spec->linux_;
	bool have_mount = false;
	size_t i;

	s->init.joins = xcalloc (l && l->n_namespaces ? l->n_namespaces : 1, sizeof (struct rt_ns_join));
	for (i = 0; l && i < l->n_namespaces; i++) {
		const struct ct_rt_namespace *ns = &l->namespaces[i];
		const struct rt_ns_kind *k = rt_ns_by_name (ct_rt_ns_type_name (ns->type));
		int fd, raw;

		if (k->flag == CLONE_NEWNS)
			have_mount = true;
		if (k->flag == CLONE_NEWUTS && ns->path == NULL)
			s->init.new_uts = true;
		/* unshared by the init once it is in its cgroup (sync.h) */
		if (k->flag == CLONE_NEWCGROUP && ns->path == NULL) {
			s->init.new_cgroupns = true;
			continue;
		}
		if (k->flag == CLONE_NEWTIME && ns->path == NULL) {
			s->new_timens = true;
			continue;
		}
		if (k->flag == CLONE_NEWUSER)
			s->init.userns = true;
		if (ns->path == NULL) {
			s->clone_flags |= k->flag;
			if (k->flag == CLONE_NEWUSER) {
				s->init.new_userns = true;
				s->uid_map = rt_id_map_format (l->uid_mappings, l->n_uid_mappings);
				s->gid_map = rt_id_map_format (l->gid_mappings, l->n_gid_mappings);
			}
			continue;
		}
		raw = open (ns->path, O_RDONLY | O_CLOEXEC);
		if (raw < 0)
			return ct_make_error (err, errno, "config.json: `linux.namespaces[%zu]`: open `%s`", i,
			                      ns->path);
		/* Above the --preserve-fds range, which the child keeps open. */
		fd = fcntl (raw, F_DUPFD_CLOEXEC, 3 + s->init.preserve_fds);
		close (raw);
		if (fd < 0)
			return ct_make_error (err, errno, "config.json: `linux.namespaces[%zu]`: place the fd", i);
		if (k->flag == CLONE_NEWPID) {
			/* setns(CLONE_NEWPID) only affects children: the parent joins. */
			if (s->pidns_fd >= 0)
				close (s->pidns_fd);
			s->pidns_fd = fd;
			continue;
		}
		if (k->flag == CLONE_NEWUSER) {
			/* joined last by the init (init.h) */
			if (s->init.userns_fd >= 0)
				close (s->init.userns_fd);
			s->init.userns_fd = fd;
			continue;
		}
		s->init.joins[s->init.n_joins].flag = k->flag;
		s->init.joins[s->init.n_joins].fd = fd;
		s->init.n_joins++;
	}
	if (!have_mount)
		return ct_make_error (err, 0, "config.json: `linux.namespaces`: a mount namespace is required");
	if (l != NULL && l->time_offsets != NULL) {
		const struct ct_rt_time_offset *mono = l->time_offsets->monotonic;
		const struct ct_rt_time_offset *boot = l->time_offsets->boottime;

		/* only a namespace no process has entered takes offsets */
		if (!s->new_timens)
			return ct_make_error (
			        err, 0,
			        "config.json: `linux.timeOffsets`: needs a new time namespace, not a joined one");
		if ((mono && mono->nanosecs >= 1000000000U) || (boot && boot->nanosecs >= 1000000000U))
			return ct_make_error (err, 0,
			                      "config.json: `linux.timeOffsets`: nanosecs must be below 1000000000");
		/* clock ids, which every kernel with time namespaces reads */
		xasprintf (&s->timens_offsets, "%d %lld %u\n%d %lld %u\n", CLOCK_MONOTONIC,
		           mono ? (long long) mono->secs : 0LL, mono ? mono->nanosecs : 0U, CLOCK_BOOTTIME,
		           boot ? (long long) boot->secs : 0LL, boot ? boot->nanosecs : 0U);
	}
	if ((spec->hostname || spec->domainname) && !s->init.new_uts)
		return ct_make_error (err, 0, "config.json: `hostname`: needs a new uts namespace");
	return 0;
}

/* Whether our user namespace refuses setgroups (its gid_map was written
   unprivileged: `unshare -r`, or podman's for a rootless user whose
   newgidmap is missing).  A process that makes no user namespace of its own
   inherits that. */
static bool
setgroups_denied (void)
{
	char buf[8] = "";
	cleanup_close int fd = open ("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);

	return fd >= 0 && read (fd, buf, sizeof (buf) - 1) > 0 && strncmp (buf, "deny", 4) == 0;
}

/* doc and pfx name the fields in messages: "config.json" and "process."
   for the config's process, an exec --process file's name and "". */
static int
prepare_process (const struct ct_rt_process *proc, const char *doc, const char *pfx, struct rt_init *p, ct_error_t *err)
{
	static const char *const set_names[] = { "bounding", "effective", "permitted", "inheritable", "ambient" };
	const struct ct_rt_capabilities *c = proc->capabilities;
	size_t i, j;

	if (!strv_nonempty (proc->args))
		return ct_make_error (err, 0, "%s: `%sargs`: must not be empty", doc, pfx);
	p->argv = strv_dup_nonnull (proc->args);
	p->envp = strv_dup_nonnull (proc->env);
	p->setgroups_denied = setgroups_denied ();
	for (i = 0; p->envp[i]; i++)
		if (strncmp (p->envp[i], "PATH=", 5) == 0)
			p->path_env = p->envp[i] + 5;
	p->cwd = xstrdup (proc->cwd ? proc->cwd : "/");
	if (proc->cwd != NULL && proc->cwd[0] != '/')
		return ct_make_error (err, 0, "%s: `%scwd`: `%s` is not an absolute path", doc, pfx, proc->cwd);
	p->uid = proc->user.uid;
	p->gid = proc->user.gid;
	p->n_groups = proc->user.n_additional_gids;
	p->groups = xcalloc (p->n_groups ? p->n_groups : 1, sizeof (gid_t));
	for (i = 0; i < p->n_groups; i++)
		p->groups[i] = proc->user.additional_gids[i];
	if (proc->user.umask_present) {
		p->has_umask = true;
		p->umask = (mode_t) proc->user.umask;
	}

	p->rlimits = xcalloc (proc->n_rlimits ? proc->n_rlimits : 1, sizeof (struct rt_rlimit));
	for (i = 0; i < proc->n_rlimits; i++) {
		const struct ct_rt_rlimit *r = &proc->rlimits[i];
		for (j = 0; j < CT_ARRAY_SIZE (rlimit_names); j++)
			if (strcmp (rlimit_names[j].name, r->type) == 0)
				break;
		if (j == CT_ARRAY_SIZE (rlimit_names))
			return ct_make_error (err, 0, "%s: `%srlimits[%zu].type`: unknown rlimit `%s`", doc, pfx, i,
			                      r->type);
		p->rlimits[i].resource = rlimit_names[j].resource;
		p->rlimits[i].lim.rlim_cur = r->soft;
		p->rlimits[i].lim.rlim_max = r->hard;
		p->n_rlimits++;
	}
	p->no_new_privs = proc->no_new_privileges;
	if (proc->oom_score_adj_present) {
		p->has_oom_score_adj = true;
		p->oom_score_adj = proc->oom_score_adj;
	}
	if (c != NULL) {
		char **const sets[] = { c->bounding, c->effective, c->permitted, c->inheritable, c->ambient };
		uint64_t *const masks[] = { &p->cap_bounding, &p->cap_effective, &p->cap_permitted, &p->cap_inheritable,
			                    &p->cap_ambient };

		for (i = 0; i < CT_ARRAY_SIZE (sets); i++) {
			cleanup_free char *what = NULL;

			xasprintf (&what, "%scapabilities.%s", pfx, set_names[i]);
			if (rt_caps_parse (sets[i], ct_strv_len (sets[i]), masks[i], what, err) < 0)
				return ct_error_wrap (err, "%s", doc);
		}
		/* The kernel raises an ambient capability only if it is permitted and
		   inheritable; runc's default spec lists ambient ones without
		   inheritable, and runc skips them: so do we, but say so. */
		if (p->cap_ambient & ~(p->cap_inheritable & p->cap_permitted))
			ct_log_debug ("process.capabilities.ambient: capabilities not in both inheritable and "
			              "permitted are not raised");
		p->cap_ambient &= p->cap_inheritable & p->cap_permitted;
	}
	return 0;
}

/* process.terminal: the size to apply and the console socket, connected
   now (runc does it before clone too): the child only sends on it. */
static int
prepare_terminal (const struct ct_rt_process *proc, const char *doc, const char *pfx, const struct rt_spawn_opts *o,
                  struct rt_spawn *s, ct_error_t *err)
{
	struct rt_init *p = &s->init;

	if (!proc->terminal)
		return 0;
	p->terminal = true;
	if (proc->console_size != NULL) {
		if (proc->console_size->height > USHRT_MAX || proc->console_size->width > USHRT_MAX)
			return ct_make_error (err, 0, "%s: `%sconsoleSize`: out of range", doc, pfx);
		p->console_rows = (unsigned short) proc->console_size->height;
		p->console_cols = (unsigned short) proc->console_size->width;
	}
	if (o->console_socket == NULL) {
		int sv[2];

		if (o->detach)
			return ct_make_error (err, 0, "%s: `%sterminal`: needs --console-socket", doc, pfx);
		/* the foreground: the master comes to us (rt_spawn_wait) */
		if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
			return ct_make_error (err, errno, "create the terminal socket");
		s->tty_sock = sv[0];
		/* Above the --preserve-fds range: the child keeps that range open. */
		p->console_fd = fcntl (sv[1], F_DUPFD_CLOEXEC, 3 + o->preserve_fds);
		close (sv[1]);
		if (p->console_fd < 0)
			return ct_make_error (err, errno, "place the terminal socket");
		return 0;
	}
	p->console_fd = rt_terminal_connect (o->console_socket, 3 + o->preserve_fds, err);
	return p->console_fd < 0 ? -1 : 0;
}

/* Everything the hooks need, made before clone: the argv/envp copies and
   the two state files the init's hooks read (filled at RT_SYNC_HOOKS, once
   the pid is known). */
static int
prepare_hooks (const struct ct_rt_spec *spec, const struct rt_spawn_opts *o, struct rt_spawn *s, ct_error_t *err)
{
	const struct ct_rt_hooks *h = spec->hooks;
	struct rt_init *p = &s->init;

	s->hook_state.oci_version = (char *) CT_OCI_RUNTIME_SPEC_VERSION;
	s->hook_state.id = (char *) (o->id ? o->id : "");
	s->hook_state.status = (char *) "creating";
	s->hook_state.pid_present = true;
	s->hook_state.bundle = (char *) o->bundle;
	if (spec->annotations_present && spec->annotations.n > 0) {
		s->hook_state.annotations = spec->annotations;
		s->hook_state.annotations_present = true;
	}
	rt_hook_list_prepare ("prestart", h ? &h->prestart : NULL, &s->prestart);
	rt_hook_list_prepare ("createRuntime", h ? &h->create_runtime : NULL, &s->create_runtime);
	rt_hook_list_prepare ("createContainer", h ? &h->create_container : NULL, &p->create_container);
	rt_hook_list_prepare ("startContainer", h ? &h->start_container : NULL, &p->start_container);
	p->sync_hooks = s->prestart.n || s->create_runtime.n || p->create_container.n || p->start_container.n;
	if (!p->sync_hooks)
		return 0;
	/* Above the --preserve-fds range, which the child keeps open. */
	p->hook_state_fd = rt_hooks_state_fd (&s->hook_state, 3 + o->preserve_fds, err);
	if (p->hook_state_fd < 0)
		return -1;
	p->start_state_fd = rt_hooks_state_fd (&s->hook_state, 3 + o->preserve_fds, err);
	if (p->start_state_fd < 0)
		return -1;
	return 0;
}

/* Every fd of a fresh plan at -1, so rt_spawn_release () is safe from the
   first failure on; shared by the init and the exec plans. */
static void
spawn_init (struct rt_spawn *s, const struct rt_spawn_opts *o)
{
	struct rt_init *p = &s->init;

	memset (s, 0, sizeof (*s));
	s->pidns_fd = -1;
	s->sync_fd = -1;
	s->tty_sock = -1;
	s->notify_fd = -1;
	p->sync_fd = -1;
	p->fifo_fd = -1;
	p->hook_state_fd = -1;
	p->start_state_fd = -1;
	p->console_fd = -1;
	p->userns_fd = -1;
	rt_lsm_init (&p->lsm);
	p->state_fd = o->state_fd;
	p->detach = o->detach;
}

/* Socket activation (runc, go-systemd's activation.Files): when
   LISTEN_PID is our pid, the LISTEN_FDS fds from 3 on are the container's
   too, before the --preserve-fds ones.  Their number, or 0. */
static int
listen_fds (void)
{
	const char *pid = getenv ("LISTEN_PID");
	const char *fds = getenv ("LISTEN_FDS");
	char *end;
	long v;

	if (pid == NULL || fds == NULL)
		return 0;
	errno = 0;
	v = strtol (pid, &end, 10);
	if (errno != 0 || *end != '\0' || end == pid || v != (long) getpid ())
		return 0;
	v = strtol (fds, &end, 10);
	if (errno != 0 || *end != '\0' || end == fds || v <= 0 || v > 1024)
		return 0;
	return (int) v;
}

/* The container's env gets LISTEN_FDS=N and LISTEN_PID=1, appended (runc). */
static void
append_listen_env (struct rt_init *p, int n)
{
	size_t len = ct_strv_len (p->envp);
	char **env = xcalloc (len + 3, sizeof (char *));
	size_t i;

	for (i = 0; i < len; i++)
		env[i] = p->envp[i];
	xasprintf (&env[len], "LISTEN_FDS=%d", n);
	env[len + 1] = xstrdup ("LISTEN_PID=1");
	free (p->envp);
	p->envp = env;
	/* path_env pointed into a string we kept: still valid */
}

/* runc's setupUser: when the env has no HOME (or an empty one) the init
   sets it, from the container's /etc/passwd (step_home).  Last, once the
   env is complete: its slot is the empty HOME's, else one more at the end
   (runc's os.Setenv appends too). */
static void
prepare_home (struct rt_init *p)
{
	size_t len = ct_strv_len (p->envp);
	size_t i;
	char **env;

	for (i = 0; i < len; i++)
		if (strncmp (p->envp[i], "HOME=", 5) == 0) {
			if (p->envp[i][5] != '\0')
				return;
			p->set_home = true;
			p->home_slot = i;
			return;
		}
	env = xcalloc (len + 2, sizeof (char *));
	memcpy (env, p->envp, len * sizeof (char *));
	free (p->envp);
	p->envp = env;
	p->set_home = true;
	p->home_slot = len;
}

/* NOTIFY_SOCKET for run and create (runc's setupSpec): ROOT/ID/notify
   bound read-only on /run/notify, NOTIFY_SOCKET=/run/notify/notify.sock in
   the env; run binds the socket now, before the container can send. */
static int
prepare_notify (const struct rt_spawn_opts *o, struct rt_spawn *s, ct_error_t *err)
{
	struct rt_init *p = &s->init;
	const char *host = getenv ("NOTIFY_SOCKET");
	const char *const opts[] = { "bind", "nosuid", "noexec", "nodev", "ro" };
	struct rt_mount *m;
	char dir[PATH_MAX];
	size_t len;
	char **env;

	if (host == NULL || o->state_fd < 0)
		return 0;
	if (mkdirat (o->state_fd, RT_NOTIFY_DIR, 0755) < 0 && errno != EEXIST)
		return ct_make_error (err, errno, "create the notify socket directory");
	if (rt_notify_path (o->state_fd, false, dir, sizeof (dir), err) < 0)
		return -1;
	p->mounts = xrealloc (p->mounts, (p->n_mounts + 1) * sizeof (struct rt_mount));
	m = &p->mounts[p->n_mounts];
	memset (m, 0, sizeof (*m));
	p->n_mounts++;
	m->source = xstrdup (dir);
	m->dest = xstrdup (RT_NOTIFY_IN_CONTAINER);
	m->type = xstrdup ("bind");
	if (rt_mount_parse_options ((char *const *) opts, CT_ARRAY_SIZE (opts), m, err) < 0)
		return ct_error_wrap (err, "NOTIFY_SOCKET");
	m->bind = true;
	m->src_is_dir = true;
	len = ct_strv_len (p->envp);
	env = xcalloc (len + 2, sizeof (char *));
	memcpy (env, p->envp, len * sizeof (char *));
	xasprintf (&env[len], "NOTIFY_SOCKET=%s/%s", RT_NOTIFY_IN_CONTAINER, RT_NOTIFY_SOCK);
	free (p->envp);
	p->envp = env;
	s->notify_host = xstrdup (host);
	if (o->fifo_fd >= 0)
		return 0; /* create: `start` binds it */
	return rt_notify_bind (o->state_fd, &s->notify_fd, err);
}

int
rt_spawn_prepare (const struct ct_rt_spec *spec, const struct rt_spawn_opts *o_in, struct rt_spawn *s, ct_error_t *err)
{
	struct rt_init *p = &s->init;
	const struct ct_rt_linux *l = spec->linux_;
	cleanup_free char *root = NULL;
	struct rt_spawn_opts opts = *o_in;
	const struct rt_spawn_opts *o = &opts;
	int n_listen = listen_fds ();
	size_t i;

	/* the listen fds come first, then --preserve-fds: one range from 3 */
	opts.preserve_fds += n_listen;
	spawn_init (s, o);
	if (prepare_hooks (spec, o, s, err) < 0)
		return -1;
	/* Above the --preserve-fds range, so the child keeps it until exec. */
	if (o->fifo_fd >= 0) {
		p->fifo_fd = fcntl (o->fifo_fd, F_DUPFD_CLOEXEC, 3 + o->preserve_fds);
		if (p->fifo_fd < 0)
			return ct_make_error (err, errno, "place the exec fifo");
	}

	if (spec->root == NULL || spec->root->path == NULL)
		return ct_make_error (err, 0, "config.json: `root.path`: required");
	if (spec->process == NULL)
		return ct_make_error (err, 0, "config.json: `process`: required by `run`");
	if (spec->root->path[0] == '/')
		root = xstrdup (spec->root->path);
	else
		xasprintf (&root, "%s/%s", o->bundle, spec->root->path);
	p->rootfs = realpath (root, NULL);
	if (p->rootfs == NULL)
		return ct_make_error (err, errno, "config.json: `root.path`: resolve `%s`", root);
	p->root_readonly = spec->root->readonly;
	p->no_pivot = o->no_pivot;
	p->new_keyring = !o->no_new_keyring;
	p->preserve_fds = o->preserve_fds;
	p->root_propagation = MS_SLAVE | MS_REC;
	if (l != NULL && l->rootfs_propagation != NULL) {
		if (rt_mount_parse_propagation (l->rootfs_propagation, &p->rootfs_propagation, err) < 0)
			return ct_error_wrap (err, "config.json: `linux.rootfsPropagation`");
		p->root_propagation = p->rootfs_propagation | MS_REC;
		/* A shared "/" would make pivot_root fail; runc keeps it slave
		   until the end and applies the wish on the new root. */
		if (p->rootfs_propagation & MS_SHARED)
			p->root_propagation = MS_SLAVE | MS_REC;
	}
	if (prepare_namespaces (spec, s, err) < 0 || prepare_mounts (spec, o->bundle, p, err) < 0 ||
	    prepare_devices (l, p, err) < 0 || prepare_process (spec->process, "config.json", "process.", p, err) < 0 ||
	    rt_attrs_prepare_process (spec->process, "config.json", "process.", false, &p->attrs, err) < 0 ||
	    rt_attrs_prepare_linux (l, &p->attrs, err) < 0 ||
	    prepare_terminal (spec->process, "config.json", "process.", o, s, err) < 0)
		return -1;
	if (rt_idmap_prepare (spec, p, err) < 0 ||
	    rt_lsm_prepare (spec->process, 3 + o->preserve_fds, &p->lsm, err) < 0)
		return -1;
	if (l != NULL && l->seccomp != NULL && rt_spawn_prepare_seccomp (l->seccomp, o->state_fd, s, err) < 0)
		return -1;
	if (n_listen > 0)
		append_listen_env (p, n_listen);
	if (prepare_notify (o, s, err) < 0)
		return -1;
	if (spec->hostname)
		p->hostname = xstrdup (spec->hostname);
	if (spec->domainname)
		p->domainname = xstrdup (spec->domainname);
	p->masked_paths = strv_dup_nonnull (l ? l->masked_paths : NULL);
	p->readonly_paths = strv_dup_nonnull (l ? l->readonly_paths : NULL);
	for (i = 0; p->masked_paths[i]; i++)
		if (p->masked_paths[i][0] != '/')
			return ct_make_error (err, 0, "config.json: `linux.maskedPaths[%zu]`: not an absolute path", i);
	for (i = 0; p->readonly_paths[i]; i++)
		if (p->readonly_paths[i][0] != '/')
			return ct_make_error (err, 0, "config.json: `linux.readonlyPaths[%zu]`: not an absolute path",
			                      i);
	prepare_home (p);
	return 0;
}

int
rt_spawn_prepare_seccomp (const struct ct_rt_seccomp *sc, int state_fd, struct rt_spawn *s, ct_error_t *err)
{
	if (rt_seccomp_compile_cached (sc, state_fd, &s->init.seccomp, err) < 0)
		return -1;
	if (!s->init.seccomp.listener)
		return 0;
	if (sc->listener_path == NULL || sc->listener_path[0] == '\0')
		return ct_make_error (err, 0, "config.json: `linux.seccomp.listenerPath`: required by SCMP_ACT_NOTIFY");
	s->seccomp_listener_path = xstrdup (sc->listener_path);
	if (sc->listener_metadata != NULL)
		s->seccomp_listener_metadata = xstrdup (sc->listener_metadata);
	return 0;
}

/* Open /proc/PID/ns/NAME unless it is our own namespace already (joining
   our own user namespace would fail; the others would be no-ops). */
static int
open_ns (pid_t pid, const char *name, int min_fd, int *fd, ct_error_t *err)
{
	cleanup_close int nsfd = -1;
	char path[64];
	struct stat theirs, ours;

	*fd = -1;
	snprintf (path, sizeof (path), "/proc/%d/ns/%s", (int) pid, name);
	if (stat (path, &theirs) < 0) {
		if (errno == ENOENT && strcmp (name, "cgroup") == 0)
			return 0; /* a kernel without cgroup namespaces */
		return ct_make_error (err, errno, "stat `%s`", path);
	}
	snprintf (path, sizeof (path), "/proc/self/ns/%s", name);
	if (stat (path, &ours) == 0 && ours.st_dev == theirs.st_dev && ours.st_ino == theirs.st_ino)
		return 0;
	snprintf (path, sizeof (path), "/proc/%d/ns/%s", (int) pid, name);
	nsfd = open (path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return ct_make_error (err, errno, "open `%s`", path);
	/* Above the --preserve-fds range: the child keeps that range open. */
	*fd = fcntl (nsfd, F_DUPFD_CLOEXEC, min_fd);
	if (*fd < 0)
		return ct_make_error (err, errno, "place the fd of `%s`", path);
	return 0;
}

int
rt_spawn_prepare_exec (const struct ct_rt_process *proc, const char *doc, const char *pfx, pid_t init_pid,
                       const struct rt_spawn_opts *o, struct rt_spawn *s, ct_error_t *err)
{
	struct rt_init *p = &s->init;
	const struct rt_ns_kind *k;
	int pass;

	spawn_init (s, o);
	p->exec = true;
	p->new_keyring = !o->no_new_keyring;
	p->preserve_fds = o->preserve_fds;
	p->masked_paths = xcalloc (1, sizeof (char *));
	p->readonly_paths = xcalloc (1, sizeof (char *));
	for (k = rt_ns_kinds; k->name != NULL; k++)
		p->n_joins++; /* capacity: every kind */
	p->joins = xcalloc (p->n_joins, sizeof (struct rt_ns_join));
	p->n_joins = 0;

	if (check_process (proc, doc, pfx, err) < 0)
		return -1;
	/* Three passes: the user namespace first (it owns the others, and
	   joining it gives us the capabilities to join them), the mount
	   namespace last (joining it makes its root ours); time is joined by
	   the child like the others. */
	for (pass = 0; pass < 3; pass++)
		for (k = rt_ns_kinds; k->name != NULL; k++) {
			int want = k->flag == CLONE_NEWUSER ? 0 : k->flag == CLONE_NEWNS ? 2 : 1;
			int fd;

			if (!k->supported || want != pass)
				continue;
			if (open_ns (init_pid, k->proc, 3 + o->preserve_fds, &fd, err) < 0)
				return ct_error_wrap (err, "join the namespaces of pid %d", (int) init_pid);
			if (fd < 0)
				continue;
			/* setns(CLONE_NEWPID) only affects children: the parent joins. */
			if (k->flag == CLONE_NEWPID) {
				s->pidns_fd = fd;
				continue;
			}
			if (k->flag == CLONE_NEWUSER)
				p->userns = true;
			p->joins[p->n_joins].flag = k->flag;
			p->joins[p->n_joins].fd = fd;
			p->n_joins++;
		}
	if (rt_lsm_prepare (proc, 3 + o->preserve_fds, &p->lsm, err) < 0)
		return -1;
	if (prepare_process (proc, doc, pfx, p, err) < 0 ||
	    rt_attrs_prepare_process (proc, doc, pfx, true, &p->attrs, err) < 0 ||
	    rt_attrs_prepare_exec_personality (init_pid, &p->attrs, err) < 0)
		return -1;
	if (prepare_terminal (proc, doc, pfx, o, s, err) < 0)
		return -1;
	prepare_home (p);
	return 0;
}

/* Make our children's time namespace a new one with s->timens_offsets;
 *own gets an fd of our own to come back to. */
static int
enter_new_timens (struct rt_spawn *s, int *own, ct_error_t *err)
{
	cleanup_close int raw = open ("/proc/self/ns/time", O_RDONLY | O_CLOEXEC);
	cleanup_close int fd = -1;
	size_t len;

	if (raw < 0)
		return ct_make_error (err, errno, "open `/proc/self/ns/time`");
	/* Above the --preserve-fds range: the child closes it, but must not
	   find it in place of a preserved fd. */
	*own = fcntl (raw, F_DUPFD_CLOEXEC, 3 + s->init.preserve_fds);
	if (*own < 0)
		return ct_make_error (err, errno, "place the time namespace fd");
	if (unshare (CLONE_NEWTIME) < 0)
		return ct_make_error (err, errno, "create the time namespace");
	if (s->timens_offsets == NULL)
		return 0;
	len = strlen (s->timens_offsets);
	fd = open ("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write (fd, s->timens_offsets, len) != (ssize_t) len) {
		int e = errno;
		if (setns (*own, CLONE_NEWTIME) < 0)
			ct_log_warning ("cannot return to our own time namespace: errno %d", errno);
		return ct_make_error (err, e, "config.json: `linux.timeOffsets`: write the offsets");
	}
	return 0;
}

/* The child is in a user namespace (new or joined): what it cannot do
   there itself, done by us, root on the host, before it goes on (sync.h;
   runc's parent does the same). */
static int
place_in_userns (struct rt_spawn *s, ct_error_t *err)
{
	const struct rt_init *p = &s->init;
	size_t i;

	if (p->new_userns) {
		if (rt_id_map_write (s->pid, false, s->uid_map, err) < 0)
			return ct_error_wrap (err, "config.json: `linux.uidMappings`");
		if (rt_id_map_write (s->pid, true, s->gid_map, err) < 0)
			return ct_error_wrap (err, "config.json: `linux.gidMappings`");
	}
	if (p->has_oom_score_adj) {
		char buf[32];

		snprintf (buf, sizeof (buf), "%d", p->oom_score_adj);
		if (rt_proc_write (s->pid, "oom_score_adj", buf, err) < 0)
			return ct_error_wrap (err, "set oom_score_adj to %d", p->oom_score_adj);
	}
	for (i = 0; i < p->n_rlimits; i++)
		if (prlimit (s->pid, p->rlimits[i].resource, &p->rlimits[i].lim, NULL) < 0)
			return ct_make_error (err, errno, "set rlimit %d", p->rlimits[i].resource);
	return 0;
}

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* clone3's arguments up to the cgroup fd (linux/sched.h, CLONE_ARGS_SIZE_VER2) */
struct rt_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size,
	        cgroup;
};

/* On a pure v2 host the child can be born in the container's cgroup
   (CLONE_INTO_CGROUP, Linux 5.7) instead of being moved there: a move
   through cgroup.procs takes the threadgroup lock for writing, whose
   first taker waits for an RCU grace period (milliseconds per `run`).
   Not when execCPUAffinity.initial must be set before the child enters
   its cgroup. */
static bool
can_clone_into_cgroup (const struct rt_spawn *s)
{
	return s->cg != NULL && s->cg->mode == RT_CG_UNIFIED && s->cg->n == 1 && s->cg->h[0].dirfd >= 0 &&
	       !s->init.attrs.has_cpu_initial;
}

/* Like fork() into the cgroup: the pid, 0 in the child, -1 with errno when
   clone3 cannot (an older kernel, a cgroup we may not enter): the caller
   then clones and moves the child as before. */
static long
clone_into_cgroup (const struct rt_spawn *s)
{
#ifdef SYS_clone3
	struct rt_clone_args a;

	memset (&a, 0, sizeof (a));
	a.flags = (uint64_t) s->clone_flags | CLONE_INTO_CGROUP;
	a.exit_signal = SIGCHLD;
	a.cgroup = (uint64_t) s->cg->h[0].dirfd;
	return syscall (SYS_clone3, &a, sizeof (a));
#else
	(void) s;
	errno = ENOSYS;
	return -1;
#endif
}

/* A pid namespace we may not join, or may not leave again, ourselves.
   Rootless exec: the container's user namespace owns its pid namespace,
   which only a process with capabilities there may join (join_user).
   Root in a user namespace (rootless podman runs the runtime so) may join
   the container's but not return to its own, owned by the initial one.
   Like fork(): returns the new process's pid, 0 in it, -1 with errno.  A
   helper joins the user namespace (joins[0], dropped from the new
   process's plan) when asked and the pid namespace, then clones with
   CLONE_PARENT, so the new process is our child and in the pid namespace;
   the helper sends its pid back and ends where it is. */
static long
clone_via_helper (struct rt_spawn *s, unsigned long flags, bool join_user)
{
	cleanup_close int rd = -1;
	int pipefd[2], status, e;
	long pid = -1;
	pid_t helper;

	if (pipe2 (pipefd, O_CLOEXEC) < 0)
		return -1;
	rd = pipefd[0];
	helper = fork ();
	if (helper < 0) {
		e = errno;
		close (pipefd[1]);
		errno = e;
		return -1;
	}
	if (helper == 0) {
		long child = -1;

		if ((!join_user || setns (s->init.joins[0].fd, CLONE_NEWUSER) == 0) &&
		    setns (s->pidns_fd, CLONE_NEWPID) == 0) {
			if (join_user) {
				memmove (&s->init.joins[0], &s->init.joins[1],
				         (s->init.n_joins - 1) * sizeof (s->init.joins[0]));
				s->init.n_joins--;
			}
			child = syscall (SYS_clone, flags | CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, NULL);
			if (child == 0) {
				close (pipefd[1]);
				return 0;
			}
		}
		if (child < 0)
			child = -errno;
		_exit (write (pipefd[1], &child, sizeof (child)) == (ssize_t) sizeof (child) ? 0 : 1);
	}
	close (pipefd[1]);
	e = read (rd, &pid, sizeof (pid)) == (ssize_t) sizeof (pid) ? 0 : EIO;
	while (waitpid (helper, &status, 0) < 0 && errno == EINTR)
		;
	if (e != 0 || pid < 0) {
		errno = e != 0 ? e : (int) -pid;
		return -1;
	}
	return pid;
}

int
rt_spawn_clone (struct rt_spawn *s, ct_error_t *err)
{
	cleanup_close int own_pidns = -1;
	cleanup_close int own_timens = -1;
	bool via_helper = false;
	bool join_user = false;
	bool born_in_cgroup = false;
	int timens_errno;
	int sv[2];
	int child_fd;
	int clone_errno;
	size_t i;
	long pid;

	sigemptyset (&s->blocked);
	for (i = 0; i < CT_ARRAY_SIZE (forwarded_signals); i++)
		sigaddset (&s->blocked, forwarded_signals[i]);
	sigaddset (&s->blocked, SIGCHLD);
	if (s->tty_sock >= 0)
		sigaddset (&s->blocked, SIGWINCH);
	/* Blocked before clone: nothing is lost between clone and sigwaitinfo;
	   the child restores the old mask just before execve(). */
	if (sigprocmask (SIG_BLOCK, &s->blocked, &s->init.sigmask) < 0)
		return ct_make_error (err, errno, "block signals");

	s->init.placed_wait = s->cg != NULL || s->init.userns;
	if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return ct_make_error (err, errno, "create the sync socket");
	s->sync_fd = sv[0];
	/* Above the --preserve-fds range, so the child keeps it until exec. */
	child_fd = fcntl (sv[1], F_DUPFD_CLOEXEC, 3 + s->init.preserve_fds);
	close (sv[1]);
	if (child_fd < 0)
		return ct_make_error (err, errno, "place the sync socket");
	s->init.sync_fd = child_fd;

	if (s->pidns_fd >= 0) {
		/* To come back after the clone: any later child of ours (LeakSanitizer's
		   tracer thread, for one) must not land in the container. */
		own_pidns = open ("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
		if (own_pidns >= 0 && setns (own_pidns, CLONE_NEWPID) < 0 && errno == EPERM) {
			/* no way back to our own: the helper joins (clone_via_helper),
			   through the container's user namespace if it has one */
			via_helper = true;
			join_user = s->init.n_joins > 0 && s->init.joins[0].flag == CLONE_NEWUSER;
			close (own_pidns);
			own_pidns = -1;
		} else if (own_pidns < 0 || setns (s->pidns_fd, CLONE_NEWPID) < 0) {
			int e = errno;
			/* rootless exec: through the user namespace (clone_via_helper) */
			via_helper = join_user = own_pidns >= 0 && e == EPERM && s->init.n_joins > 0 &&
			                         s->init.joins[0].flag == CLONE_NEWUSER;
			if (!via_helper) {
				close (child_fd);
				return ct_make_error (err, e, "join the pid namespace");
			}
			close (own_pidns);
			own_pidns = -1;
		}
	}

	/* A new time namespace: unshare(CLONE_NEWTIME) only changes the
	   namespace our *children* get, and its offsets can be written until
	   a process enters it; the clone below is that process.  Right after
	   it we setns() back to our own, which resets our children's too, so
	   hooks and later children stay in the runtime's time namespace. */
	if (s->new_timens && enter_new_timens (s, &own_timens, err) < 0) {
		close (child_fd);
		if (own_pidns >= 0 && setns (own_pidns, CLONE_NEWPID) < 0)
			ct_log_warning ("cannot return to our own pid namespace: errno %d", errno);
		return -1;
	}

	/* Raw clone without CLONE_VM behaves like fork(): the child runs on a
	   copy of our stack, and is pid 1 when CLONE_NEWPID is set. */
	if (via_helper)
		pid = clone_via_helper (s, (unsigned long) s->clone_flags, join_user);
	else {
		pid = can_clone_into_cgroup (s) ? clone_into_cgroup (s) : -1;
		born_in_cgroup = pid >= 0;
		if (pid < 0)
			pid = syscall (SYS_clone, (unsigned long) s->clone_flags | SIGCHLD, NULL, NULL, NULL, NULL);
	}
	clone_errno = errno;
	if (pid != 0 && own_pidns >= 0 && setns (own_pidns, CLONE_NEWPID) < 0)
		ct_log_warning ("cannot return to our own pid namespace: errno %d", errno);
	if (pid != 0 && own_timens >= 0 && setns (own_timens, CLONE_NEWTIME) < 0) {
		timens_errno = errno;
		if (pid > 0)
			s->pid = (pid_t) pid; /* rt_spawn_release() kills and reaps it */
		close (child_fd);
		return ct_make_error (err, timens_errno, "return to our own time namespace");
	}
	if (pid < 0) {
		close (child_fd);
		return ct_make_error (err, clone_errno, "clone the container process");
	}
	if (pid == 0) {
		close (s->sync_fd);
		if (s->tty_sock >= 0)
			close (s->tty_sock); /* it may sit in the --preserve-fds range */
		if (own_pidns >= 0)
			close (own_pidns); /* it may sit in the --preserve-fds range */
		if (own_timens >= 0)
			close (own_timens); /* it may sit in the --preserve-fds range */
		rt_init_child (&s->init);
	}
	s->pid = (pid_t) pid;
	close (child_fd);
	s->init.sync_fd = -1;
	/* execCPUAffinity.initial: before the child enters the container's
	   cgroup (config.md); on failure rt_spawn_release() reaps it. */
	if (s->init.attrs.has_cpu_initial &&
	    sched_setaffinity (s->pid, sizeof (s->init.attrs.cpu_initial), &s->init.attrs.cpu_initial) < 0)
		return ct_make_error (err, errno, "set the initial cpu affinity");
	/* On failure rt_spawn_release() kills and reaps the child. */
	if (s->init.userns && place_in_userns (s, err) < 0)
		return -1;
	if (born_in_cgroup)
		ct_log_debug ("clone3: pid %d born in its cgroup", (int) s->pid);
	else if (s->cg != NULL && rt_cg_enter (s->cg, s->pid, err) < 0)
		return -1;
	if (s->init.placed_wait) {
		struct rt_sync_msg msg;

		memset (&msg, 0, sizeof (msg));
		msg.type = RT_SYNC_PLACED;
		if (send (s->sync_fd, &msg, sizeof (msg), MSG_NOSIGNAL) != (ssize_t) sizeof (msg))
			return ct_make_error (err, errno, "tell the container init it is placed");
	}
	/* only the child talks to the console socket */
	if (s->init.console_fd >= 0) {
		close (s->init.console_fd);
		s->init.console_fd = -1;
	}
	return 0;
}

/* RT_SYNC_HOOKS: the init's namespaces exist; runc's order. */
static int
run_runtime_hooks (struct rt_spawn *s, ct_error_t *err)
{
	struct rt_init *p = &s->init;

	s->hook_state.pid = s->pid;
	s->hook_state.status = (char *) "creating";
	if (rt_hooks_state_update (p->hook_state_fd, &s->hook_state, err) < 0)
		return -1;
	if (rt_hooks_run (&s->prestart, p->hook_state_fd, &p->sigmask, err) < 0 ||
	    rt_hooks_run (&s->create_runtime, p->hook_state_fd, &p->sigmask, err) < 0)
		return -1;
	/* what startContainer will see, after `start` or right away for run */
	s->hook_state.status = (char *) "created";
	return rt_hooks_state_update (p->start_state_fd, &s->hook_state, err);
}

/* One datagram of the child, and the fd it carries (RT_SYNC_SECCOMP), or
 *fd = -1. */
static ssize_t
recv_sync (int sock, struct rt_sync_msg *msg, int *fd)
{
	union {
		char buf[CMSG_SPACE (sizeof (int))];
		struct cmsghdr align;
	} cm;
	struct msghdr mh = { 0 };
	struct cmsghdr *c;
	struct iovec iov = { .iov_base = msg, .iov_len = sizeof (*msg) };
	ssize_t n;

	*fd = -1;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.buf;
	mh.msg_controllen = sizeof (cm.buf);
	n = recvmsg (sock, &mh, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return n;
	for (c = CMSG_FIRSTHDR (&mh); c != NULL; c = CMSG_NXTHDR (&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN (sizeof (int)))
			memcpy (fd, CMSG_DATA (c), sizeof (int));
	return n;
}

/* RT_SYNC_SECCOMP: give the listener to the agent (runc's procSeccomp).
   The process state's pid is the process that loaded the filter; the
   container's state is the hooks' one ("creating" for the init). */
static int
hand_over_listener (struct rt_spawn *s, int fd, ct_error_t *err)
{
	struct ct_rt_state st = s->hook_state;

	if (fd < 0 || s->seccomp_listener_path == NULL)
		return ct_make_error (err, 0, "the container init sent no seccomp listener");
	/* the init hands it over while being created, whatever hooks ran */
	if (!s->init.exec)
		st.status = (char *) "creating";
	if (!st.pid_present || st.pid == 0) {
		st.pid = s->pid;
		st.pid_present = true;
	}
	return rt_seccomp_send_listener (s->seccomp_listener_path, s->seccomp_listener_metadata, s->pid, &st, fd, err);
}

int
rt_spawn_sync (struct rt_spawn *s, ct_error_t *err)
{
	struct rt_sync_msg msg;
	bool failed = false;
	bool ready = false;
	ssize_t n;

	for (;;) {
		cleanup_close int fd = -1;

		n = recv_sync (s->sync_fd, &msg, &fd);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ct_make_error (err, errno, "read the sync socket");
		if (n == 0)
			break;
		if ((size_t) n == sizeof (msg) && msg.type == RT_SYNC_ERROR && !failed) {
			msg.msg[sizeof (msg.msg) - 1] = '\0';
			ct_make_error (err, msg.status, "%s", msg.msg);
			failed = true;
		}
		if ((size_t) n == sizeof (msg) && msg.type == RT_SYNC_HOOKS && !failed) {
			struct rt_sync_msg reply;

			memset (&reply, 0, sizeof (reply));
			reply.type = RT_SYNC_HOOKS_DONE;
			if (run_runtime_hooks (s, err) < 0) {
				failed = true;
				reply.type = RT_SYNC_ERROR;
			}
			/* On failure the child exits: read on until EOF. */
			if (send (s->sync_fd, &reply, sizeof (reply), MSG_NOSIGNAL) < 0 && !failed) {
				ct_make_error (err, errno, "answer the container init");
				failed = true;
			}
			continue;
		}
		if ((size_t) n == sizeof (msg) && msg.type == RT_SYNC_SECCOMP && !failed) {
			struct rt_sync_msg reply;

			memset (&reply, 0, sizeof (reply));
			reply.type = RT_SYNC_SECCOMP_DONE;
			if (hand_over_listener (s, fd, err) < 0) {
				failed = true;
				reply.type = RT_SYNC_ERROR;
			}
			/* On failure the child exits: read on until EOF. */
			if (send (s->sync_fd, &reply, sizeof (reply), MSG_NOSIGNAL) < 0 && !failed) {
				ct_make_error (err, errno, "answer the container init");
				failed = true;
			}
			continue;
		}
		/* blocked on the exec fifo from now on: nothing more to hear */
		if ((size_t) n == sizeof (msg) && msg.type == RT_SYNC_READY && !failed) {
			ready = true;
			break;
		}
	}
	/* With an exec fifo the child cannot exec before READY: a bare EOF
	   means it died. */
	if (!failed && !ready && s->init.fifo_fd >= 0) {
		ct_make_error (err, 0, "the container init exited before it was ready");
		failed = true;
	}
	if (failed) {
		int st;
		while (waitpid (s->pid, &st, 0) < 0 && errno == EINTR)
			;
		s->pid = 0;
		return -1;
	}
	return 0;
}

int
rt_spawn_wait (struct rt_spawn *s, int *status, ct_error_t *err)
{
	/* runc: the READY of NOTIFY_SOCKET first, then the wait */
	if (rt_notify_relay (s->notify_fd, s->notify_host, s->pid, err) < 0)
		return -1;
	if (s->tty_sock >= 0) {
		cleanup_close int master = rt_terminal_recv_fd (s->tty_sock, err);

		if (master < 0 || rt_terminal_proxy (master, s->pid, &s->blocked, status, err) < 0)
			return -1;
		s->pid = 0;
		return 0;
	}
	for (;;) {
		siginfo_t si;
		int st;
		pid_t r;
		int sig = sigwaitinfo (&s->blocked, &si);

		if (sig < 0) {
			if (errno == EINTR)
				continue;
			return ct_make_error (err, errno, "wait for signals");
		}
		if (sig != SIGCHLD) {
			if (kill (s->pid, sig) < 0 && errno != ESRCH)
				return ct_make_error (err, errno, "forward signal %d", sig);
			continue;
		}
		r = waitpid (s->pid, &st, WNOHANG);
		if (r < 0)
			return ct_make_error (err, errno, "wait for the container process");
		if (r == 0)
			continue;
		s->pid = 0;
		*status = WIFEXITED (st) ? WEXITSTATUS (st) : 128 + WTERMSIG (st);
		return 0;
	}
}

void
rt_spawn_release (struct rt_spawn *s)
{
	struct rt_init *p = &s->init;

	if (s->pid > 0) {
		int st;
		kill (s->pid, SIGKILL);
		waitpid (s->pid, &st, 0);
		s->pid = 0;
	}
	if (s->sync_fd >= 0)
		close (s->sync_fd);
	if (s->tty_sock >= 0)
		close (s->tty_sock);
	s->tty_sock = -1;
	if (s->pidns_fd >= 0)
		close (s->pidns_fd);
	s->sync_fd = s->pidns_fd = -1;
	free (s->timens_offsets);
	s->timens_offsets = NULL;
	free (s->uid_map);
	free (s->gid_map);
	s->uid_map = s->gid_map = NULL;
	if (s->notify_fd >= 0)
		close (s->notify_fd);
	s->notify_fd = -1;
	free (s->notify_host);
	s->notify_host = NULL;
	free (s->seccomp_listener_path);
	free (s->seccomp_listener_metadata);
	s->seccomp_listener_path = s->seccomp_listener_metadata = NULL;
	rt_hook_list_release (&s->prestart);
	rt_hook_list_release (&s->create_runtime);
	rt_init_release (p);
}

void
rt_init_release (struct rt_init *p)
{
	size_t i;

	for (i = 0; i < p->n_joins; i++)
		close (p->joins[i].fd);
	free (p->joins);
	free (p->rootfs);
	for (i = 0; i < p->n_mounts; i++)
		rt_mount_release (&p->mounts[i]);
	free (p->mounts);
	ct_cleanup_strvp (&p->masked_paths);
	ct_cleanup_strvp (&p->readonly_paths);
	free (p->hostname);
	free (p->domainname);
	ct_cleanup_strvp (&p->argv);
	ct_cleanup_strvp (&p->envp);
	free (p->cwd);
	free (p->groups);
	free (p->rlimits);
	for (i = 0; i < p->n_devices; i++) {
		free (p->devices[i].path);
		free (p->devices[i].dir);
		free (p->devices[i].base);
	}
	free (p->devices);
	rt_attrs_release (&p->attrs);
	rt_lsm_release (&p->lsm);
	if (p->sync_fd >= 0)
		close (p->sync_fd);
	if (p->fifo_fd >= 0)
		close (p->fifo_fd);
	if (p->hook_state_fd >= 0)
		close (p->hook_state_fd);
	if (p->start_state_fd >= 0)
		close (p->start_state_fd);
	if (p->console_fd >= 0)
		close (p->console_fd);
	if (p->userns_fd >= 0)
		close (p->userns_fd);
	rt_hook_list_release (&p->create_container);
	rt_hook_list_release (&p->start_container);
	rt_seccomp_prog_release (&p->seccomp);
	memset (p, 0, sizeof (*p));
	p->sync_fd = -1;
	p->fifo_fd = -1;
	p->hook_state_fd = -1;
	p->start_state_fd = -1;
	p->console_fd = -1;
	p->userns_fd = -1;
	rt_lsm_init (&p->lsm);
	p->state_fd = -1; /* borrowed: never closed here */
}
