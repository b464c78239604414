/* Lifecycle orchestration: which status allows which operation, and the
   order of durable steps (state dir, exec fifo, clone, state.json, pid file)
   so that a failure or a crash at any point leaves something `delete -f`
   can clean up. */
#include "common.h"

#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#include "cgroup-devices.h"
#include "cgroup-mount.h"
#include "container.h"
#include "fs.h"
#include "hooks.h"
#include "log.h"
#include "notify.h"
#include "rootless.h"
#include "signals.h"
#include "ocispec/runtime.h"
#include "spawn.h"
#include "state.h"
#include "terminal.h"
#include "validate.h"

/* How long delete -f waits for a killed init to disappear. */
#define GONE_TIMEOUT_MS 10000

static int
write_pid_file (const char *path, pid_t pid, ct_error_t *err)
{
	cleanup_free char *tmp = NULL;
	cleanup_close int fd = -1;
	char buf[32];
	int len = snprintf (buf, sizeof (buf), "%d", (int) pid);

	/* runc writes it atomically too: readers never see a partial pid */
	xasprintf (&tmp, "%s.tmp", path);
	fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return ct_make_error (err, errno, "create pid file `%s`", tmp);
	if (write (fd, buf, (size_t) len) != len)
		return ct_make_error (err, errno, "write pid file `%s`", tmp);
	if (close (steal_fd (&fd)) < 0)
		return ct_make_error (err, errno, "close pid file `%s`", tmp);
	if (rename (tmp, path) < 0)
		return ct_make_error (err, errno, "rename pid file to `%s`", path);
	return 0;
}

static int
save_state (int dirfd, const char *id, const char *status, pid_t pid, const char *bundle, const char *rootfs,
            const char *created, const struct ct_rt_spec *spec, ct_error_t *err)
{
	struct ct_rt_state st = { 0 };

	/* borrowed strings: st is never freed */
	st.oci_version = (char *) CT_OCI_RUNTIME_SPEC_VERSION;
	st.id = (char *) id;
	st.status = (char *) status;
	st.pid = pid;
	st.pid_present = true;
	st.bundle = (char *) bundle;
	st.rootfs = (char *) rootfs;
	st.created = (char *) created;
	st.owner = (char *) "";
	if (spec->annotations_present && spec->annotations.n > 0) {
		st.annotations = spec->annotations;
		st.annotations_present = true;
	}
	return rt_state_write (dirfd, &st, err);
}

/* Keep the config as create saw it (runc keeps it in its state too): exec
   must not follow later edits of the bundle, nor fail when it is gone. */
static int
save_config (int dirfd, const struct ct_rt_spec *spec, ct_error_t *err)
{
	cleanup_free char *buf = NULL;
	size_t len;

	if (ct_rt_spec_encode (spec, &buf, &len, err) < 0)
		return ct_error_wrap (err, "encode the config");
	if (ct_fs_write_atomic_at (dirfd, RT_STATE_CONFIG, buf, len, 0600, err) < 0)
		return ct_error_wrap (err, "save the config");
	return 0;
}

/* poststart or poststop: failures are warnings (runtime-spec: "log a
   warning ... and continue").  base: the state with id, bundle, annotations. */
static void
run_post_hooks (const struct ct_rt_spec *spec, const char *kind, const char *status, pid_t pid,
                const struct ct_rt_state *base)
{
	const struct ct_rt_hooks *h = spec->hooks;
	struct rt_hook_list l;
	struct ct_rt_state st = *base;

	if (h == NULL)
		return;
	rt_hook_list_prepare (kind, strcmp (kind, "poststart") == 0 ? &h->poststart : &h->poststop, &l);
	st.status = (char *) status;
	st.pid = pid;
	st.pid_present = true;
	rt_hooks_run_warn (&l, &st);
	rt_hook_list_release (&l);
}

/* The config kept by create (RT_STATE_CONFIG), or NULL when there is none
   (an old or crashed create): then there are no hooks to run either. */
static struct ct_rt_spec *
load_saved_config (const struct rt_container *c)
{
	struct ct_rt_spec *spec = NULL;
	ct_error_t e = NULL;
	char path[64];

	snprintf (path, sizeof (path), "/proc/self/fd/%d/%s", c->dirfd, RT_STATE_CONFIG);
	if (faccessat (c->dirfd, RT_STATE_CONFIG, F_OK, 0) < 0)
		return NULL;
	if (ct_rt_spec_load (path, &spec, &e) < 0) {
		cleanup_free char *msg = ct_error_string (e);
		ct_log_warning ("`%s`: hooks not run: %s", c->id, msg);
		ct_error_release (&e);
		return NULL;
	}
	return spec;
}

/* The state a post hook of c receives. */
static void
post_hook_state (const struct rt_container *c, const struct ct_rt_spec *spec, struct ct_rt_state *st)
{
	memset (st, 0, sizeof (*st));
	st->oci_version = (char *) CT_OCI_RUNTIME_SPEC_VERSION;
	st->id = c->id;
	st->bundle = c->state && c->state->bundle ? c->state->bundle : (char *) "";
	if (spec->annotations_present && spec->annotations.n > 0) {
		st->annotations = spec->annotations;
		st->annotations_present = true;
	}
}

/* A new user namespace on a pure v2 host: its root owns the cgroup
   directory and the files it needs to manage it (runc 1.1). */
static int
give_cgroup_to_userns (const struct ct_rt_linux *l, const struct rt_cgroup *cg, ct_error_t *err)
{
	static const char *const files[] = { "", "cgroup.procs", "cgroup.subtree_control", "cgroup.threads" };
	int fd = rt_cg_unified_dirfd (cg);
	long uid = -1, gid = -1;
	bool new_userns = false;
	size_t i;

	for (i = 0; l != NULL && i < l->n_namespaces; i++)
		if (l->namespaces[i].type == CT_RT_NS_USER && l->namespaces[i].path == NULL)
			new_userns = true;
	if (!new_userns || cg->mode != RT_CG_UNIFIED || fd < 0)
		return 0;
	for (i = 0; i < l->n_uid_mappings; i++)
		if (l->uid_mappings[i].container_id == 0)
			uid = l->uid_mappings[i].host_id;
	for (i = 0; i < l->n_gid_mappings; i++)
		if (l->gid_mappings[i].container_id == 0)
			gid = l->gid_mappings[i].host_id;
	if (uid < 0 && gid < 0)
		return 0; /* no root in the container to give it to */
	for (i = 0; i < CT_ARRAY_SIZE (files); i++)
		if (fchownat (fd, files[i], (uid_t) uid, (gid_t) gid, files[i][0] ? 0 : AT_EMPTY_PATH) < 0 &&
		    !(errno == ENOENT && files[i][0]))
			return ct_make_error (err, errno, "chown the cgroup's `%s` to the container's root",
			                      files[i][0] ? files[i] : ".");
	return 0;
}

/* Rootless and the cgroup exists: each controller linux.resources asks
   for must have been delegated to us (v2: offered in the new cgroup's
   cgroup.controllers), else the limit could not be set. */
static int
check_delegated (const struct rt_cgroup *cg, const struct ct_rt_resources *res, ct_error_t *err)
{
	const char *v1_name, *v2_name, *field;
	bool v2 = false;

	for (size_t i = 0; (v1_name = rt_rootless_requested (res, i, &v2_name, &field)) != NULL; i++) {
		if (rt_cg_dirfd (cg, v1_name, &v2) >= 0 || (v2_name != NULL && rt_cg_dirfd (cg, v2_name, &v2) >= 0))
			continue;
		return ct_make_error (err, EPERM,
		                      "config.json: `%s`: cgroup controller `%s` is not delegated to uid %u", field,
		                      cg->mode == RT_CG_UNIFIED && v2_name ? v2_name : v1_name, (unsigned) geteuid ());
	}
	return 0;
}

/* The container's cgroup: planned and saved in the state directory before
   anything is made (a crash after the mkdir leaves what `delete -f` finds),
   then made, limited and given its device rules while still empty.
   Rootless (runc's rule): when the hierarchy is not writable, a container
   that asked for no limits (device rules aside) and no cgroupsPath goes
   on without a cgroup (*cg is then empty); one that asked for a limit
   fails naming the controller that is not delegated to us. */
static int
setup_cgroup (int dirfd, const char *id, const struct ct_rt_spec *spec, bool rootless, struct rt_cgroup *cg,
              ct_error_t *err)
{
	const struct ct_rt_linux *l = spec->linux_;
	const struct ct_rt_resources *res = l ? l->resources : NULL;
	const char *v2_name, *field;
	const char *wanted = rt_rootless_requested (res, 0, &v2_name, &field);
	bool optional = rootless && wanted == NULL && (l == NULL || l->cgroups_path == NULL);

	if (rt_cg_plan (cg, l ? l->cgroups_path : NULL, id, err) < 0 || rt_cg_save (cg, dirfd, err) < 0)
		return -1;
	if (rt_cg_create (cg, err) < 0) {
		int e = ct_error_status (*err);
		ct_error_t ignored = NULL;

		cleanup_free char *msg = NULL;

		if (rootless && wanted != NULL && (e == EACCES || e == EPERM || e == EROFS))
			return ct_error_wrap (
			        err, "config.json: `%s`: cgroup controller `%s` is not delegated to uid %u", field,
			        cg->mode == RT_CG_UNIFIED && v2_name ? v2_name : wanted, (unsigned) geteuid ());
		if (!optional || (e != EACCES && e != EPERM && e != EROFS))
			return -1;
		msg = ct_error_string (*err);
		ct_log_debug ("no cgroup for `%s`: %s", id, msg);
		ct_error_release (err);
		if (rt_cg_destroy (cg, &ignored) < 0)
			ct_error_release (&ignored);
		rt_cg_release (cg);
		unlinkat (dirfd, RT_STATE_CGROUP, 0);
		return 0;
	}
	if (rootless && check_delegated (cg, res, err) < 0)
		return -1;
	if (res != NULL && rt_cg_apply (cg, res, false, err) < 0)
		return -1;
	if (rt_cg_devices_apply (cg, res ? res->devices : NULL, res ? res->n_devices : 0, l ? l->devices : NULL,
	                         l ? l->n_devices : 0, err) < 0) {
		cleanup_free char *msg = NULL;

		/* device rules need privileges a rootless caller lacks (v2:
		   BPF); runc goes on without them too */
		if (!rootless)
			return -1;
		msg = ct_error_string (*err);
		ct_log_debug ("no device rules for `%s`: %s", id, msg);
		ct_error_release (err);
	}
	return give_cgroup_to_userns (l, cg, err);
}

/* Everything in the container's cgroup dies, then the cgroup goes. */
static int
remove_cgroup (struct rt_cgroup *cg, ct_error_t *err)
{
	if (cg->n == 0)
		return 0;
	if (rt_cg_kill (cg, SIGKILL, err) < 0 || rt_cg_destroy (cg, err) < 0)
		return -1;
	return 0;
}

/* Everything after the state directory exists; the caller removes it on
   failure.  Durable order: init.start and state "creating" right after
   clone, so a killed `create` leaves the pid for `delete -f` to kill. */
static int
create_in (int dirfd, const char *id, const char *bundle, const struct rt_create_opts *o, enum rt_create_mode mode,
           const struct ct_rt_spec *spec, int *status, ct_error_t *err)
{
	struct rt_spawn_opts so = { 0 };
	struct rt_spawn s;
	struct rt_cgroup cg = { 0 };
	struct rt_cg_mount cg_mount = { 0 };
	cleanup_close int fifo = -1;
	cleanup_free char *created = NULL;
	struct timespec now;
	unsigned long long start = 0;
	bool zombie;
	int r = -1;

	/* run --keep too: its delete runs the poststop hooks; and a
	   foreground run with seccomp, whose filter exec applies too */
	if ((mode != RT_CREATE_FOREGROUND || o->keep || (spec->linux_ && spec->linux_->seccomp)) &&
	    save_config (dirfd, spec, err) < 0)
		return -1;
	if (mode == RT_CREATE_CREATED) {
		/* 0622: the init may have dropped to a non-root user when it
		   reopens the fifo for writing (runc uses the same mode) */
		if (mkfifoat (dirfd, RT_STATE_FIFO, 0622) < 0 || fchmodat (dirfd, RT_STATE_FIFO, 0622, 0) < 0)
			return ct_make_error (err, errno, "create the exec fifo of `%s`", id);
		fifo = openat (dirfd, RT_STATE_FIFO, O_PATH | O_CLOEXEC);
		if (fifo < 0)
			return ct_make_error (err, errno, "open the exec fifo of `%s`", id);
	}
	so.bundle = bundle;
	so.no_pivot = o->no_pivot;
	so.no_new_keyring = o->no_new_keyring;
	so.preserve_fds = o->preserve_fds;
	so.fifo_fd = fifo;
	so.state_fd = dirfd;
	so.detach = mode != RT_CREATE_FOREGROUND;
	so.id = id;
	so.console_socket = o->console_socket;
	if (rt_spawn_prepare (spec, &so, &s, err) < 0 || setup_cgroup (dirfd, id, spec, o->rootless, &cg, err) < 0)
		goto out;
	s.cg = cg.n > 0 ? &cg : NULL;
	if (cg.n > 0) {
		size_t i;

		rt_cg_mount_plan (&cg, s.init.new_cgroupns, &cg_mount);
		for (i = 0; i < s.init.n_mounts; i++)
			if (s.init.mounts[i].cgroup)
				s.init.mounts[i].cg_plan = &cg_mount;
	}
	if (rt_spawn_clone (&s, err) < 0)
		goto out;
	clock_gettime (CLOCK_REALTIME, &now);
	created = ct_rt_state_format_time (now.tv_sec, now.tv_nsec);
	if (rt_proc_stat (s.pid, &start, &zombie) < 0) {
		ct_make_error (err, errno, "read the start time of pid %d", (int) s.pid);
		goto out;
	}
	if (rt_state_write_starttime (dirfd, start, err) < 0 ||
	    save_state (dirfd, id, "creating", s.pid, bundle, s.init.rootfs, created, spec, err) < 0)
		goto out;
	if (rt_spawn_sync (&s, err) < 0)
		goto out;
	ct_log_debug ("container `%s` started, init pid %d", id, (int) s.pid);
	if (save_state (dirfd, id, mode == RT_CREATE_CREATED ? "created" : "running", s.pid, bundle, s.init.rootfs,
	                created, spec, err) < 0)
		goto out;
	if (o->pid_file && write_pid_file (o->pid_file, s.pid, err) < 0)
		goto out;
	if (mode != RT_CREATE_CREATED)
		run_post_hooks (spec, "poststart", "running", s.pid, &s.hook_state);
	/* run -d with NOTIFY_SOCKET returns once the container said READY, as
	   runc; the lock is not held meanwhile */
	if (mode == RT_CREATE_DETACHED && s.notify_fd >= 0) {
		int relayed;

		flock (dirfd, LOCK_UN);
		relayed = rt_notify_relay (s.notify_fd, s.notify_host, s.pid, err);
		flock (dirfd, LOCK_EX);
		if (relayed < 0)
			goto out;
	}
	if (mode != RT_CREATE_FOREGROUND) {
		s.pid = 0; /* it lives on; our reaper duty passes to the subreaper */
		r = 0;
		goto out;
	}
	/* state/kill/delete must not block on us while the container runs */
	flock (dirfd, LOCK_UN);
	r = rt_spawn_wait (&s, status, err);
	flock (dirfd, LOCK_EX);
	if (r == 0)
		ct_log_debug ("container `%s` exited with status %d", id, *status);
	/* with --keep, `delete` runs them and removes the cgroup */
	if (r == 0 && !o->keep) {
		if (remove_cgroup (&cg, err) < 0)
			r = -1;
		run_post_hooks (spec, "poststop", "stopped", 0, &s.hook_state);
	}
out:
	rt_spawn_release (&s);
	if (r < 0) {
		ct_error_t ignored = NULL;
		if (remove_cgroup (&cg, &ignored) < 0) {
			cleanup_free char *msg = ct_error_string (ignored);
			ct_log_warning ("`%s`: %s", id, msg);
			ct_error_release (&ignored);
		}
	}
	rt_cg_release (&cg);
	rt_cg_mount_release (&cg_mount);
	return r;
}

int
rt_container_create (const char *root, const char *id, const struct rt_create_opts *o, enum rt_create_mode mode,
                     int *status, ct_error_t *err)
{
	cleanup_rt_spec struct ct_rt_spec *spec = NULL;
	cleanup_free char *bundle = NULL;
	cleanup_free char *config = NULL;
	cleanup_close int dirfd = -1;
	ct_error_t rm_err = NULL;
	int r;

	if (rt_state_check_id (id, err) < 0)
		return -1;
	bundle = realpath (o->bundle ? o->bundle : ".", NULL);
	if (bundle == NULL)
		return ct_make_error (err, errno, "resolve bundle `%s`", o->bundle ? o->bundle : ".");
	xasprintf (&config, "%s/config.json", bundle);
	ct_log_debug ("load `%s`", config);
	if (ct_rt_spec_load (config, &spec, err) < 0)
		return -1;
	if (rt_validate_spec (spec, bundle, err) < 0)
		return -1;
	if (rt_spawn_check_supported (spec, err) < 0)
		return -1;
	if (spec->process != NULL &&
	    rt_terminal_check (mode != RT_CREATE_FOREGROUND, spec->process->terminal, o->console_socket, err) < 0)
		return -1;

	dirfd = rt_state_create (root, id, err);
	if (dirfd < 0)
		return -1;
	*status = 0;
	r = create_in (dirfd, id, bundle, o, mode, spec, status, err);
	if (r == 0 && (mode != RT_CREATE_FOREGROUND || o->keep))
		return 0;
	/* A failed create, or a run without --keep, leaves nothing under root. */
	if (rt_state_remove (root, id, r < 0 ? &rm_err : err) < 0) {
		if (r < 0)
			ct_error_release (&rm_err);
		return -1;
	}
	return r;
}

static bool
exists_at (int dirfd, const char *name)
{
	return faccessat (dirfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

/* Whether the recorded init still runs (not a zombie, not a reused pid). */
static bool
init_alive (pid_t pid, unsigned long long recorded)
{
	unsigned long long start;
	bool zombie;

	if (pid <= 0 || rt_proc_stat (pid, &start, &zombie) < 0)
		return false;
	return !zombie && (recorded == 0 || start == recorded);
}

static void
compute_status (struct rt_container *c)
{
	pid_t pid = c->state && c->state->pid_present ? c->state->pid : 0;

	c->pid = 0;
	c->status = "stopped";
	if (!init_alive (pid, c->start))
		return;
	c->pid = pid;
	if (strcmp (c->state->status, "creating") == 0)
		c->status = "creating";
	else if (c->cg.n > 0 && rt_cg_is_frozen (&c->cg))
		c->status = "paused";
	else if (exists_at (c->dirfd, RT_STATE_FIFO))
		c->status = "created";
	else
		c->status = "running";
}

int
rt_container_load (const char *root, const char *id, int lock_op, bool partial_ok, struct rt_container *c,
                   ct_error_t *err)
{
	ct_error_t e = NULL;

	memset (c, 0, sizeof (*c));
	c->dirfd = rt_state_open (root, id, lock_op, err);
	if (c->dirfd < 0)
		return -1;
	c->id = xstrdup (id);
	if (rt_state_load (c->dirfd, &c->state, &e) < 0) {
		bool missing = ct_error_status (e) == ENOENT;
		if (!(missing && partial_ok)) {
			rt_container_release (c);
			if (missing) {
				ct_error_release (&e);
				return ct_make_error (err, 0, "container does not exist");
			}
			*err = e;
			return -1;
		}
		ct_error_release (&e);
	}
	/* Unknown (an old or half-written directory): only the pid is checked. */
	if (rt_state_read_starttime (c->dirfd, &c->start, &e) < 0) {
		ct_error_release (&e);
		c->start = 0;
	}
	if (rt_cg_load (&c->cg, c->dirfd, &e) < 0) {
		if (ct_error_status (e) != ENOENT) {
			cleanup_free char *msg = ct_error_string (e);
			ct_log_warning ("`%s`: %s", id, msg);
		}
		ct_error_release (&e);
		rt_cg_release (&c->cg);
	}
	compute_status (c);
	return 0;
}

void
rt_container_release (struct rt_container *c)
{
	free (c->id);
	ct_rt_state_free (c->state);
	rt_cg_release (&c->cg);
	if (c->dirfd >= 0)
		close (c->dirfd);
	memset (c, 0, sizeof (*c));
	c->dirfd = -1;
}

static void
sleep_ms (long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
		;
}

int
rt_container_start (struct rt_container *c, ct_error_t *err)
{
	cleanup_close int fd = -1;
	cleanup_close int notify_fd = -1;
	cleanup_rt_spec struct ct_rt_spec *spec = NULL;
	char buf[PIPE_BUF + 1];
	size_t got = 0;
	ssize_t n;

	if (strcmp (c->status, "stopped") == 0)
		return ct_make_error (err, 0, "cannot start a container that has stopped");
	if (strcmp (c->status, "running") == 0)
		return ct_make_error (err, 0, "cannot start an already running container");
	if (strcmp (c->status, "created") != 0)
		return ct_make_error (err, 0, "cannot start a container in the %s state", c->status);

	/* NOTIFY_SOCKET: create mounted ROOT/ID/notify in the container; we
	   listen on it before the process can start (runc's start) */
	if (faccessat (c->dirfd, RT_NOTIFY_DIR, F_OK, AT_SYMLINK_NOFOLLOW) == 0 &&
	    rt_notify_bind (c->dirfd, &notify_fd, err) < 0)
		return -1;
	/* Non-blocking: if the init died meanwhile, a blocking open would wait
	   for a writer forever.  Our open releases the init's blocking open. */
	fd = openat (c->dirfd, RT_STATE_FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return ct_make_error (err, errno, "open the exec fifo of `%s`", c->id);
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int r = poll (&pfd, 1, 100);

		if (r < 0 && errno != EINTR)
			return ct_make_error (err, errno, "wait on the exec fifo of `%s`", c->id);
		if (r > 0)
			break;
		if (!init_alive (c->pid, c->start))
			return ct_make_error (err, 0, "cannot start a container that has stopped");
	}
	n = read (fd, buf, sizeof (buf) - 1);
	if (n < 0)
		return ct_make_error (err, errno, "read the exec fifo of `%s`", c->id);
	if (n == 0)
		return ct_make_error (err, 0, "cannot start an already running container");
	got = (size_t) n;
	/* "1" + the error of the init's last steps (startContainer hooks),
	   written at once; the init then exits. */
	if (buf[0] == '1') {
		buf[got] = '\0';
		return ct_make_error (err, 0, "%s", buf + 1);
	}
	if (unlinkat (c->dirfd, RT_STATE_FIFO, 0) < 0)
		return ct_make_error (err, errno, "remove the exec fifo of `%s`", c->id);
	c->status = "running";
	if (c->state != NULL) {
		free (c->state->status);
		c->state->status = xstrdup ("running");
		if (rt_state_write (c->dirfd, c->state, err) < 0)
			return -1;
	}
	spec = load_saved_config (c);
	if (spec != NULL && spec->hooks != NULL && spec->hooks->poststart.n > 0) {
		struct ct_rt_state st;

		post_hook_state (c, spec, &st);
		run_post_hooks (spec, "poststart", "running", c->pid, &st);
	}
	if (notify_fd >= 0) {
		flock (c->dirfd, LOCK_UN);
		return rt_notify_relay (notify_fd, getenv ("NOTIFY_SOCKET"), c->pid, err);
	}
	return 0;
}

/* runc: an exec'd process gets the container's seccomp filter (from the
   config create kept), its listener included. */
static int
exec_seccomp (const struct rt_container *c, struct rt_spawn *s, ct_error_t *err)
{
	cleanup_rt_spec struct ct_rt_spec *spec = load_saved_config (c);

	if (spec == NULL || spec->linux_ == NULL || spec->linux_->seccomp == NULL)
		return 0;
	if (rt_spawn_prepare_seccomp (spec->linux_->seccomp, c->dirfd, s, err) < 0)
		return ct_error_wrap (err, "exec in `%s`", c->id);
	if (c->state != NULL)
		s->hook_state = *c->state; /* borrowed: c outlives s */
	s->hook_state.status = (char *) c->status;
	s->hook_state.pid = c->pid;
	s->hook_state.pid_present = true;
	return 0;
}

int
rt_container_exec (struct rt_container *c, const struct ct_rt_process *proc, const char *doc, const char *pfx,
                   const struct rt_exec_opts *o, int *status, ct_error_t *err)
{
	struct rt_cgroup sub_cg = { 0 };
	struct rt_spawn_opts so = { 0 };
	struct rt_spawn s;
	int r = -1;

	*status = 0;
	if (strcmp (c->status, "stopped") == 0)
		return ct_make_error (err, 0, "cannot exec in a stopped container");
	if (strcmp (c->status, "paused") == 0 && !o->ignore_paused)
		return ct_make_error (err, 0, "cannot exec in a paused container (use --ignore-paused to override)");
	/* runc execs in created containers too: their namespaces are ready */
	if (strcmp (c->status, "running") != 0 && strcmp (c->status, "created") != 0 &&
	    strcmp (c->status, "paused") != 0)
		return ct_make_error (err, 0, "cannot exec in a container in the %s state", c->status);

	so.preserve_fds = o->preserve_fds;
	so.fifo_fd = -1;
	so.state_fd = c->dirfd;
	so.detach = o->detach;
	so.console_socket = o->console_socket;
	if (rt_terminal_check (o->detach, proc->terminal, o->console_socket, err) < 0)
		return -1;
	if (rt_spawn_prepare_exec (proc, doc, pfx, c->pid, &so, &s, err) < 0)
		goto out;
	if (exec_seccomp (c, &s, err) < 0)
		goto out;
	s.cg = c->cg.n > 0 ? &c->cg : NULL;
	if (o->cgroups != NULL && o->cgroups[0] != NULL) {
		if (c->cg.n == 0) {
			ct_make_error (err, 0, "--cgroup: the container has no cgroup");
			goto out;
		}
		if (rt_cg_sub (&c->cg, o->cgroups, &sub_cg, err) < 0)
			goto out;
		s.cg = &sub_cg;
	}
	/* The namespaces we opened must be the init's, not a reused pid's. */
	if (!init_alive (c->pid, c->start)) {
		ct_make_error (err, 0, "cannot exec in a stopped container");
		goto out;
	}
	/* --ignore-paused: the process is born frozen and gets nowhere until
	   `resume`, which needs the lock. */
	if (strcmp (c->status, "paused") == 0)
		flock (c->dirfd, LOCK_UN);
	if (rt_spawn_clone (&s, err) < 0 || rt_spawn_sync (&s, err) < 0)
		goto out;
	ct_log_debug ("exec in `%s`: pid %d", c->id, (int) s.pid);
	if (o->pid_file && write_pid_file (o->pid_file, s.pid, err) < 0)
		goto out;
	if (o->detach) {
		s.pid = 0; /* it lives on; our reaper duty passes to the subreaper */
		r = 0;
		goto out;
	}
	/* state/kill/delete and other execs must not wait for this one */
	flock (c->dirfd, LOCK_UN);
	r = rt_spawn_wait (&s, status, err);
	if (r == 0)
		ct_log_debug ("exec in `%s` exited with status %d", c->id, *status);
out:
	rt_spawn_release (&s);
	rt_cg_release (&sub_cg);
	return r;
}

/* Every pid whose pid namespace is `ns` (a /proc/PID/ns/pid link text). */
static int
kill_pidns (const char *ns, int sig, ct_error_t *err)
{
	cleanup_dir DIR *d = opendir ("/proc");
	struct dirent *de;

	if (d == NULL)
		return ct_make_error (err, errno, "open `/proc`");
	while ((de = readdir (d)) != NULL) {
		char path[64], link[128];
		ssize_t n;
		char *end;
		long pid = strtol (de->d_name, &end, 10);

		if (*end != '\0' || pid <= 0)
			continue;
		snprintf (path, sizeof (path), "/proc/%ld/ns/pid", pid);
		n = readlink (path, link, sizeof (link) - 1);
		if (n < 0)
			continue;
		link[n] = '\0';
		if (strcmp (link, ns) == 0 && kill ((pid_t) pid, sig) < 0 && errno != ESRCH)
			return ct_make_error (err, errno, "send signal %d to pid %ld", sig, pid);
	}
	return 0;
}

int
rt_container_kill (struct rt_container *c, int sig, bool all, ct_error_t *err)
{
	if (strcmp (c->status, "stopped") == 0)
		return ct_make_error (err, 0, "container not running");
	if (all && c->cg.n > 0) {
		if (rt_cg_kill (&c->cg, sig, err) < 0)
			return ct_error_wrap (err, "kill `%s`", c->id);
		return 0;
	}
	if (all) {
		char path[64], ns[128], self[128];
		ssize_t n, m;

		snprintf (path, sizeof (path), "/proc/%d/ns/pid", (int) c->pid);
		n = readlink (path, ns, sizeof (ns) - 1);
		m = readlink ("/proc/self/ns/pid", self, sizeof (self) - 1);
		if (n < 0 || m < 0)
			return ct_make_error (err, errno, "read the pid namespace of `%s`", c->id);
		ns[n] = self[m] = '\0';
		/* Sharing our pid namespace, "all" would be the whole host; without
		   cgroups we cannot tell the container's processes apart. */
		if (strcmp (ns, self) != 0) {
			if (kill_pidns (ns, sig, err) < 0)
				return ct_error_wrap (err, "kill `%s`", c->id);
			return 0;
		}
		ct_log_debug ("kill --all: `%s` shares our pid namespace: signalling its init only", c->id);
	}
	if (kill (c->pid, sig) < 0) {
		if (errno == ESRCH)
			return ct_make_error (err, 0, "container not running");
		return ct_make_error (err, errno, "send signal %d to pid %d", sig, (int) c->pid);
	}
	/* a frozen process dies only once thawed */
	if (sig == SIGKILL && strcmp (c->status, "paused") == 0 && rt_cg_freeze (&c->cg, false, err) < 0)
		return ct_error_wrap (err, "kill `%s`", c->id);
	return 0;
}

static int
kill_and_wait (struct rt_container *c, ct_error_t *err)
{
	long waited;

	if (c->pid <= 0)
		return 0;
	if (kill (c->pid, SIGKILL) < 0 && errno != ESRCH)
		return ct_make_error (err, errno, "kill pid %d", (int) c->pid);
	/* Not our child (create returned long ago): poll until the pid is gone
	   or a zombie waiting for its reaper. */
	for (waited = 0; init_alive (c->pid, c->start); waited += 10) {
		if (waited >= GONE_TIMEOUT_MS)
			return ct_make_error (err, ETIMEDOUT, "wait for pid %d to exit", (int) c->pid);
		sleep_ms (10);
	}
	return 0;
}

int
rt_container_delete (const char *root, struct rt_container *c, bool force, ct_error_t *err)
{
	bool live = strcmp (c->status, "stopped") != 0;
	bool early = strcmp (c->status, "created") == 0 || strcmp (c->status, "creating") == 0;
	cleanup_rt_spec struct ct_rt_spec *spec = NULL;

	/* runc: a created container is deleted by killing its init */
	if (live && !early && !force)
		return ct_make_error (err, 0, "cannot delete container %s that is not stopped: %s", c->id, c->status);
	/* everything in the cgroup first: a paused one is thawed to die */
	if ((live && c->cg.n > 0 && rt_cg_kill (&c->cg, SIGKILL, err) < 0) || (live && kill_and_wait (c, err) < 0))
		return ct_error_wrap (err, "delete `%s`", c->id);
	/* runc: poststop after the container process is gone, before its
	   state goes */
	spec = load_saved_config (c);
	if (spec != NULL && spec->hooks != NULL && spec->hooks->poststop.n > 0) {
		struct ct_rt_state st;

		post_hook_state (c, spec, &st);
		run_post_hooks (spec, "poststop", "stopped", 0, &st);
	}
	/* A stopped container's leftovers (a shared pid namespace lets them
	   outlive the init) die with it, as in runc. */
	if (remove_cgroup (&c->cg, err) < 0)
		return ct_error_wrap (err, "delete `%s`", c->id);
	return rt_state_remove (root, c->id, err);
}

int
rt_container_pause (struct rt_container *c, ct_error_t *err)
{
	if (strcmp (c->status, "running") != 0 && strcmp (c->status, "created") != 0)
		return ct_make_error (err, 0, "container not running");
	if (c->cg.n == 0)
		return ct_make_error (err, 0, "cannot pause `%s`: it has no cgroup", c->id);
	if (rt_cg_freeze (&c->cg, true, err) < 0)
		return ct_error_wrap (err, "pause `%s`", c->id);
	c->status = "paused";
	return 0;
}

int
rt_container_resume (struct rt_container *c, ct_error_t *err)
{
	if (strcmp (c->status, "paused") != 0)
		return ct_make_error (err, 0, "container not paused");
	if (rt_cg_freeze (&c->cg, false, err) < 0)
		return ct_error_wrap (err, "resume `%s`", c->id);
	compute_status (c);
	return 0;
}

int
rt_container_pids (struct rt_container *c, pid_t **pids, size_t *n, ct_error_t *err)
{
	*pids = NULL;
	*n = 0;
	/* runc: a stopped container lists what is left in its cgroup */
	if (c->cg.n > 0)
		return rt_cg_pids (&c->cg, pids, n, err);
	if (c->pid <= 0)
		return 0;
	*pids = xmalloc (sizeof (pid_t));
	(*pids)[0] = c->pid;
	*n = 1;
	return 0;
}

void
rt_container_state_doc (const struct rt_container *c, const char *owner, struct ct_rt_state *out)
{
	memset (out, 0, sizeof (*out));
	if (c->state != NULL)
		*out = *c->state; /* shallow: borrowed */
	out->oci_version =
	        c->state && c->state->oci_version ? c->state->oci_version : (char *) CT_OCI_RUNTIME_SPEC_VERSION;
	out->id = c->id;
	out->status = (char *) c->status;
	out->pid = c->pid;
	out->pid_present = true;
	if (out->bundle == NULL)
		out->bundle = (char *) "";
	out->owner = (char *) owner;
}

int
rt_parse_signal (const char *s, int *sig, ct_error_t *err)
{
	char *end;
	long n;

	errno = 0;
	n = strtol (s, &end, 10);
	if (end != s && *end == '\0') {
		if (errno != 0 || n < 1 || n > SIGRTMAX)
			return ct_make_error (err, 0, "unknown signal `%s`", s);
		*sig = (int) n;
		return 0;
	}
	n = ct_signal_from_name (s);
	if (n < 0)
		return ct_make_error (err, 0, "unknown signal `%s`", s);
	*sig = (int) n;
	return 0;
}
