/* CHILD side: from clone() to execve().  The plan was fully prepared by the
   parent (spawn.c); every step below only performs system calls on it.  The
   order is the point of this file: read it top to bottom with runc's
   standard_init_linux.go / rootfs_linux.go next to it. */
#include "common.h"

#include <grp.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "caps.h"
#include "fs.h"
#include "fdpass.h"
#include "init.h"
#include "sync.h"
#include "terminal.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

struct init_state {
	struct rt_init *p;
	int rootfd;            /* O_PATH fd of the rootfs, then of the new "/" */
	const char *exec_path; /* resolved args[0] */
	int start_fd;          /* the exec fifo opened for writing, or -1 */
	char path_buf[PATH_MAX];
	char home_env[sizeof ("HOME=") + PATH_MAX]; /* step_home's HOME=... */
};

static int
step_oom (struct init_state *s, ct_error_t *err)
{
	cleanup_close int fd = -1;
	char buf[32];
	int len;

	/* Still in the host's /proc: before the mounts replace it.  In a user
	   namespace the parent has written it (sync.h). */
	if (!s->p->has_oom_score_adj || s->p->userns)
		return 0;
	fd = open ("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return ct_make_error (err, errno, "open `/proc/self/oom_score_adj`");
	len = snprintf (buf, sizeof (buf), "%d", s->p->oom_score_adj);
	if (write (fd, buf, (size_t) len) != len)
		return ct_make_error (err, errno, "set oom_score_adj to %d", s->p->oom_score_adj);
	return 0;
}

/* First: nothing of the container may run before it is in its cgroup,
   nor in a new user namespace before its id maps exist (sync.h). */
static int
step_placed (struct init_state *s, ct_error_t *err)
{
	struct rt_sync_msg msg;
	ssize_t n;

	if (!s->p->placed_wait)
		return 0;
	do
		n = recv (s->p->sync_fd, &msg, sizeof (msg), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ct_make_error (err, errno, "wait to be placed in the cgroup and user namespace");
	/* The parent reports its own error: ours is only for the record. */
	if (n != (ssize_t) sizeof (msg) || msg.type != RT_SYNC_PLACED)
		return ct_make_error (err, 0, "the runtime could not place the container");
	return 0;
}

/* runc's nsexec: until execve() (which makes us dumpable again) a process
   of the container may not ptrace us nor open our /proc/PID files, exe
   included (CVE-2019-5736).  After step_placed: the parent has written our
   id maps by then, which a rootless parent cannot do once /proc/PID turns
   root-owned. */
static int
step_dumpable (struct init_state *s, ct_error_t *err)
{
	(void) s;
	if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return ct_make_error (err, errno, "clear the dumpable flag");
	return 0;
}

/* In a new user namespace, or one exec joined in step_setns: become its
   root before the mounts, so files are made as a mapped id (runc's
   nsexec); the credentials step drops to process.user at the end. */
static int
step_userns (struct init_state *s, ct_error_t *err)
{
	if (!s->p->new_userns && !(s->p->exec && s->p->userns))
		return 0;
	if (setresgid (0, 0, 0) < 0)
		return ct_make_error (err, errno, "become root in the user namespace: setresgid 0");
	if (setresuid (0, 0, 0) < 0)
		return ct_make_error (err, errno, "become root in the user namespace: setresuid 0");
	/* a change of credentials clears the parent-death signal */
	if (!s->p->detach && prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return ct_make_error (err, errno, "set the parent-death signal");
	return 0;
}

/* The init's joined user namespace (init.h): last before the
   credentials, so the setup above ran as the host's root in namespaces
   the runtime's user namespace owns. */
static int
step_join_userns (struct init_state *s, ct_error_t *err)
{
	if (s->p->userns_fd < 0)
		return 0;
	if (setns (s->p->userns_fd, CLONE_NEWUSER) < 0)
		return ct_make_error (err, errno, "join the user namespace");
	/* a change of credentials clears the parent-death signal */
	if (!s->p->detach && prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return ct_make_error (err, errno, "set the parent-death signal");
	return 0;
}

/* After the user namespace is ours, so it owns the new cgroup namespace. */
static int
step_cgroupns (struct init_state *s, ct_error_t *err)
{
	if (s->p->new_cgroupns && unshare (CLONE_NEWCGROUP) < 0)
		return ct_make_error (err, errno, "create the cgroup namespace");
	return 0;
}

static int
step_setns (struct init_state *s, ct_error_t *err)
{
	size_t i;

	for (i = 0; i < s->p->n_joins; i++)
		if (setns (s->p->joins[i].fd, s->p->joins[i].flag) < 0)
			return ct_make_error (err, errno, "join namespace (flag %#x)", (unsigned) s->p->joins[i].flag);
	return 0;
}

static int
step_prepare_root (struct init_state *s, ct_error_t *err)
{
	/* Our copy of the host mount tree must not propagate anything back
	   (runc: rslave by default, or what rootfsPropagation asks). */
	if (mount (NULL, "/", NULL, s->p->root_propagation, NULL) < 0)
		return ct_make_error (err, errno, "set the propagation of `/`");
	/* pivot_root needs the rootfs to be a mount point. */
	if (mount (s->p->rootfs, s->p->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return ct_make_error (err, errno, "bind mount the rootfs `%s`", s->p->rootfs);
	s->rootfd = open (s->p->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s->rootfd < 0)
		return ct_make_error (err, errno, "open the rootfs `%s`", s->p->rootfs);
	return 0;
}

/* exec: after joining the mount namespace our root is the container's. */
static int
step_enter_root (struct init_state *s, ct_error_t *err)
{
	s->rootfd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s->rootfd < 0)
		return ct_make_error (err, errno, "open the container's root");
	return 0;
}

static int
step_mounts (struct init_state *s, ct_error_t *err)
{
	size_t i;

	for (i = 0; i < s->p->n_mounts; i++)
		if (rt_mount_do (s->rootfd, &s->p->mounts[i], err) < 0)
			return -1;
	return 0;
}

static int
step_devices (struct init_state *s, ct_error_t *err)
{
	mode_t old = umask (0);
	int r = rt_mount_default_devices (s->rootfd, err);
	size_t i;

	/* linux.devices after the defaults, so one may replace a default */
	for (i = 0; r == 0 && i < s->p->n_devices; i++)
		r = rt_mount_device (s->rootfd, &s->p->devices[i], err);
	umask (old);
	return r;
}

/* The runtime's hooks (prestart, createRuntime) run now, in the runtime
   namespace, once our namespaces and mounts exist; then createContainer in
   our mount namespace with the host's root still in place, so their paths
   resolve on the host (runc: before pivot_root). */
static int
step_hooks (struct init_state *s, ct_error_t *err)
{
	struct rt_sync_msg msg;
	ssize_t n;

	if (!s->p->sync_hooks)
		return 0;
	memset (&msg, 0, sizeof (msg));
	msg.type = RT_SYNC_HOOKS;
	if (send (s->p->sync_fd, &msg, sizeof (msg), MSG_NOSIGNAL) != (ssize_t) sizeof (msg))
		return ct_make_error (err, errno, "ask the parent to run the hooks");
	do
		n = recv (s->p->sync_fd, &msg, sizeof (msg), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ct_make_error (err, errno, "wait for the runtime's hooks");
	/* The parent reports its own error: ours is only for the record. */
	if (n != (ssize_t) sizeof (msg) || msg.type != RT_SYNC_HOOKS_DONE)
		return ct_make_error (err, 0, "the runtime's hooks failed");
	return rt_hooks_run (&s->p->create_container, s->p->hook_state_fd, &s->p->sigmask, err);
}

static int
step_pivot_root (struct init_state *s, ct_error_t *err)
{
	cleanup_close int oldroot = -1;

	if (fchdir (s->rootfd) < 0)
		return ct_make_error (err, errno, "chdir to the rootfs");
	if (s->p->no_pivot) {
		if (mount (".", "/", NULL, MS_MOVE, NULL) < 0)
			return ct_make_error (err, errno, "move the rootfs to `/`");
		if (chroot (".") < 0)
			return ct_make_error (err, errno, "chroot");
	} else {
		oldroot = open ("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
		if (oldroot < 0)
			return ct_make_error (err, errno, "open `/`");
		/* pivot_root (".", ".") stacks the old root on top of the new one;
		   it is then unmounted from where we stand (runc's trick: no
		   temporary directory in the rootfs). */
		if (syscall (SYS_pivot_root, ".", ".") < 0)
			return ct_make_error (err, errno, "pivot_root");
		if (fchdir (oldroot) < 0)
			return ct_make_error (err, errno, "chdir to the old root");
		/* Unmounting must not propagate to the host's mounts. */
		if (mount (NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
			return ct_make_error (err, errno, "make the old root rslave");
		if (umount2 (".", MNT_DETACH) < 0)
			return ct_make_error (err, errno, "unmount the old root");
	}
	if (chdir ("/") < 0)
		return ct_make_error (err, errno, "chdir to `/`");
	close (s->rootfd);
	s->rootfd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s->rootfd < 0)
		return ct_make_error (err, errno, "open the new root");
	return 0;
}

/* After pivot_root, so the pty comes from the container's devpts, and
   before the root turns read-only (runc's setupConsole). */
static int
step_console (struct init_state *s, ct_error_t *err)
{
	struct rt_init *p = s->p;
	int r;

	if (!p->terminal)
		return 0;
	r = rt_terminal_setup (p->console_fd, p->console_rows, p->console_cols, !p->exec, err);
	p->console_fd = -1; /* closed by rt_terminal_setup, or CLOEXEC */
	return r;
}

/* runc: after the console, before readonlyPaths turns /proc/sys
   read-only; the container's /proc is mounted and ours by now. */
static int
step_sysctl (struct init_state *s, ct_error_t *err)
{
	cleanup_close int fsfd = -1;
	cleanup_close int procfd = -1;

	if (s->p->attrs.n_sysctls == 0)
		return 0;
	/* CVE-2025-52881: write through a procfs of our own, detached and
	   never visible to the container, not through its /proc where a bind
	   mount could send the write to another file.  Where the kernel
	   refuses one (no fsopen, a user namespace without a full /proc),
	   the container's /proc with its statfs check. */
	fsfd = (int) syscall (SYS_fsopen, "proc", FSOPEN_CLOEXEC);
	if (fsfd >= 0 && syscall (SYS_fsconfig, fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
		procfd = (int) syscall (SYS_fsmount, fsfd, FSMOUNT_CLOEXEC,
		                        MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	return rt_attrs_apply_sysctl (s->rootfd, procfd, &s->p->attrs, err);
}

/* As root still: a real-time policy or a raised priority needs
   CAP_SYS_NICE / CAP_SYS_ADMIN, which the capabilities step may drop. */
static int
step_sched (struct init_state *s, ct_error_t *err)
{
	if (rt_attrs_apply_sched (&s->p->attrs, err) < 0)
		return -1;
	return rt_attrs_apply_ioprio (&s->p->attrs, err);
}

static int
step_personality (struct init_state *s, ct_error_t *err)
{
	return rt_attrs_apply_personality (&s->p->attrs, err);
}

/* execCPUAffinity.final: just before execve, in the container's cgroup */
static int
step_cpu_final (struct init_state *s, ct_error_t *err)
{
	return rt_attrs_apply_cpu_final (&s->p->attrs, err);
}

static int
step_paths (struct init_state *s, ct_error_t *err)
{
	char **p;

	for (p = s->p->masked_paths; p && *p; p++)
		if (rt_mount_mask_path (s->rootfd, *p, err) < 0)
			return -1;
	for (p = s->p->readonly_paths; p && *p; p++)
		if (rt_mount_readonly_path (s->rootfd, *p, err) < 0)
			return -1;
	return 0;
}

static int
step_finalize_root (struct init_state *s, ct_error_t *err)
{
	if (s->p->root_readonly && mount (NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
		return ct_make_error (err, errno, "remount `/` read-only");
	if (s->p->rootfs_propagation != 0 && mount (NULL, "/", NULL, s->p->rootfs_propagation, NULL) < 0)
		return ct_make_error (err, errno, "set rootfsPropagation");
	return 0;
}

static int
step_uts (struct init_state *s, ct_error_t *err)
{
	if (s->p->hostname && sethostname (s->p->hostname, strlen (s->p->hostname)) < 0)
		return ct_make_error (err, errno, "set hostname `%s`", s->p->hostname);
	if (s->p->domainname && setdomainname (s->p->domainname, strlen (s->p->domainname)) < 0)
		return ct_make_error (err, errno, "set domainname `%s`", s->p->domainname);
	return 0;
}

static int
step_rlimits (struct init_state *s, ct_error_t *err)
{
	size_t i;

	/* in a user namespace the parent has set them (sync.h) */
	if (s->p->userns)
		return 0;
	for (i = 0; i < s->p->n_rlimits; i++)
		if (setrlimit (s->p->rlimits[i].resource, &s->p->rlimits[i].lim) < 0)
			return ct_make_error (err, errno, "set rlimit %d", s->p->rlimits[i].resource);
	return 0;
}

static int
step_close_fds (struct init_state *s, ct_error_t *err)
{
	unsigned int first = 3 + (unsigned int) s->p->preserve_fds;
	int fd;

	/* Everything from 3 + preserve_fds on is closed by execve(); the sync
	   socket was placed above that range by the parent. */
	if (syscall (SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		return ct_make_error (err, errno, "mark fds close-on-exec");
	for (fd = 3; fd < (int) first; fd++) {
		int flags = fcntl (fd, F_GETFD);
		if (flags >= 0 && fcntl (fd, F_SETFD, flags & ~FD_CLOEXEC) < 0)
			return ct_make_error (err, errno, "preserve fd %d", fd);
	}
	return 0;
}

static int
step_keyring (struct init_state *s, ct_error_t *err)
{
	/* A new anonymous session keyring, so the container cannot read the
	   caller's keys; kernels without keyrings are fine (runc). */
	if (s->p->new_keyring && syscall (SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, NULL) < 0 && errno != ENOSYS)
		return ct_make_error (err, errno, "join a new session keyring");
	return 0;
}

/* SELinux: the session keyring the next step joins gets the label (runc
   sets it early, before the keyring too). */
static int
step_lsm_keyring (struct init_state *s, ct_error_t *err)
{
	return rt_lsm_apply_keycreate (&s->p->lsm, err);
}

/* The AppArmor profile and SELinux label the next execve() switches to:
   as root still and before no_new_privs, which restricts profile changes
   (runc applies both before finalizeNamespace).  The startContainer hooks
   this process runs later are exec'd under them too, as with runc. */
static int
step_lsm (struct init_state *s, ct_error_t *err)
{
	return rt_lsm_apply_exec (&s->p->lsm, err);
}

static int
step_credentials (struct init_state *s, ct_error_t *err)
{
	struct rt_init *p = s->p;

	/* runc finalizeNamespace: bounding set first (needs CAP_SETPCAP),
	   KEEPCAPS across the uid change, then the process sets. */
	if (rt_caps_drop_bounding (p->cap_bounding, err) < 0)
		return -1;
	if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return ct_make_error (err, errno, "set keepcaps");
	/* a user namespace whose setgroups is "deny" (joined: unshare
	   --map-root-user; or the runtime's own, under rootless podman)
	   refuses it: fine when there are no groups to set (runc skips it
	   then); the groups kept are the namespace creator's, which nobody
	   in it can drop */
	if (setgroups (p->n_groups, p->groups) < 0 &&
	    !(errno == EPERM && (p->userns || p->setgroups_denied) && p->n_groups == 0)) {
		if (errno == EPERM && p->setgroups_denied)
			return ct_make_error (err, errno,
			                      "setgroups: additional groups cannot be set where setgroups is denied");
		return ct_make_error (err, errno, "setgroups");
	}
	if (setresgid (p->gid, p->gid, p->gid) < 0)
		return ct_make_error (err, errno, "setresgid %u", (unsigned) p->gid);
	if (setresuid (p->uid, p->uid, p->uid) < 0)
		return ct_make_error (err, errno, "setresuid %u", (unsigned) p->uid);
	if (prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return ct_make_error (err, errno, "clear keepcaps");
	return 0;
}

/* One /etc/passwd line (name:pw:uid:gid:gecos:home:shell) read a byte at a
   time: only the uid and home fields are kept, so lines of any length parse
   (runc's scanner takes 64 KiB lines). */
struct passwd_scan {
	unsigned field;
	bool uid_bad;      /* not only digits, or out of range */
	size_t uid_digits; /* none: no uid */
	unsigned long uid; /* the digits so far */
	size_t home_len;
	bool home_long; /* longer than the buffer */
};

/* Feed C; true when it ends a line that is UID's entry, its home then in
   HOME (SIZE bytes), NUL-terminated. */
static bool
passwd_scan_byte (struct passwd_scan *ps, char c, uid_t uid, char *home, size_t size)
{
	bool match;

	if (c != '\n') {
		if (c == ':')
			ps->field++;
		else if (ps->field == 2) {
			if (c < '0' || c > '9' || ps->uid > UINT32_MAX)
				ps->uid_bad = true;
			else {
				ps->uid = ps->uid * 10 + (unsigned long) (c - '0');
				ps->uid_digits++;
			}
		} else if (ps->field == 5) {
			if (ps->home_len + 1 < size)
				home[ps->home_len++] = c;
			else
				ps->home_long = true;
		}
		return false;
	}
	/* runc trims the line: spaces end the home when it is the last field */
	if (ps->field == 5)
		while (ps->home_len > 0 && (home[ps->home_len - 1] == ' ' || home[ps->home_len - 1] == '\t' ||
		                            home[ps->home_len - 1] == '\r'))
			ps->home_len--;
	home[ps->home_len] = '\0';
	match = ps->field >= 5 && ps->uid_digits > 0 && !ps->uid_bad && !ps->home_long &&
	        ps->uid == (unsigned long) uid;
	memset (ps, 0, sizeof (*ps));
	return match;
}

/* runc's setupUser: a missing or empty HOME becomes the home of the
   first /etc/passwd entry of the process's uid, "/" without one (or
   without a readable regular file).  Read in the container's root,
   before the credentials and seccomp. */
static int
step_home (struct init_state *s, ct_error_t *err)
{
	ct_error_t ignored = NULL;
	cleanup_close int fd = -1;
	struct passwd_scan ps = { 0 };
	char *home = s->home_env + 5;
	size_t size = sizeof (s->home_env) - 5;
	size_t total = 0;
	bool found = false;
	struct stat st;
	char buf[1024];
	ssize_t n, i;

	(void) err;
	if (!s->p->set_home)
		return 0;
	memcpy (s->home_env, "HOME=", 5);
	/* only a regular file is opened for reading: a device node or FIFO
	   planted there is looked at through O_PATH and left alone */
	fd = ct_fs_openat_beneath (s->rootfd, "/etc/passwd", O_PATH, 0, &ignored);
	if (fd >= 0 && fstat (fd, &st) == 0 && S_ISREG (st.st_mode)) {
		struct stat again;

		close (fd);
		fd = ct_fs_openat_beneath (s->rootfd, "/etc/passwd", O_RDONLY | O_NONBLOCK | O_NOCTTY, 0, &ignored);
		if (fd >= 0 && (fstat (fd, &again) < 0 || again.st_ino != st.st_ino || again.st_dev != st.st_dev)) {
			close (fd);
			fd = -1;
		}
	} else if (fd >= 0) {
		close (fd);
		fd = -1;
	}
	if (fd < 0)
		ct_error_release (&ignored);
	while (fd >= 0 && !found && total < (16U << 20)) {
		n = read (fd, buf, sizeof (buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* the last line may lack its newline */
			found = passwd_scan_byte (&ps, '\n', s->p->uid, home, size);
			break;
		}
		total += (size_t) n;
		for (i = 0; i < n && !found; i++)
			found = passwd_scan_byte (&ps, buf[i], s->p->uid, home, size);
	}
	if (!found)
		snprintf (home, size, "/");
	s->p->envp[s->p->home_slot] = s->home_env;
	return 0;
}

/* Load linux.seccomp; with a listener (SCMP_ACT_NOTIFY) hand its fd to
   the parent, which passes it on to the agent, and wait until it has
   (sync.h), so no notified syscall of ours waits for nobody. */
static int
load_seccomp (struct init_state *s, ct_error_t *err)
{
	struct rt_sync_msg msg;
	ssize_t n;
	int fd = rt_seccomp_load (&s->p->seccomp);

	if (fd < 0)
		return ct_make_error (err, errno, "load the seccomp filter");
	if (fd == 0)
		return 0;
	memset (&msg, 0, sizeof (msg));
	msg.type = RT_SYNC_SECCOMP;
	n = rt_fdpass_send (s->p->sync_fd, &msg, sizeof (msg), fd);
	close (fd);
	if (n != (ssize_t) sizeof (msg))
		return ct_make_error (err, errno, "send the seccomp listener to the runtime");
	do
		n = recv (s->p->sync_fd, &msg, sizeof (msg), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ct_make_error (err, errno, "wait for the seccomp agent");
	/* The parent reports its own error: ours is only for the record. */
	if (n != (ssize_t) sizeof (msg) || msg.type != RT_SYNC_SECCOMP_DONE)
		return ct_make_error (err, 0, "the runtime could not hand the seccomp listener over");
	return 0;
}

/* Without no_new_privs loading needs CAP_SYS_ADMIN: before the
   credentials drop it (runc). */
static int
step_seccomp_early (struct init_state *s, ct_error_t *err)
{
	if (s->p->seccomp.len == 0 || s->p->no_new_privs)
		return 0;
	return load_seccomp (s, err);
}

/* With no_new_privs: as late as possible, so the profile need not allow
   what the init does before (runc: after the lookup, before the fifo). */
static int
step_seccomp_late (struct init_state *s, ct_error_t *err)
{
	if (s->p->seccomp.len == 0 || !s->p->no_new_privs)
		return 0;
	return load_seccomp (s, err);
}

static int
step_mkcwd (struct init_state *s, ct_error_t *err)
{
	int fd;

	/* runc creates a missing cwd (as root, before the root turns read-only);
	   inside the rootfs only. */
	fd = ct_fs_mkdir_p_beneath (s->rootfd, s->p->cwd, 0755, err);
	if (fd < 0)
		return ct_error_wrap (err, "create cwd `%s`", s->p->cwd);
	close (fd);
	return 0;
}

static int
step_cwd (struct init_state *s, ct_error_t *err)
{
	cleanup_close int fd = -1;

	/* After setresuid, so the user's own permissions apply (runc).  Resolved
	   inside the root with magic links refused: a cwd such as
	   /proc/self/fd/N can never reach a host directory through an inherited
	   fd (CVE-2024-21626). */
	if (s->p->has_umask)
		umask (s->p->umask);
	fd = ct_fs_openat_beneath (s->rootfd, s->p->cwd, O_PATH | O_DIRECTORY, 0, err);
	if (fd < 0)
		return ct_error_wrap (err, "chdir to cwd `%s`", s->p->cwd);
	if (fchdir (fd) < 0)
		return ct_make_error (err, errno, "chdir to cwd `%s`", s->p->cwd);
	return 0;
}

static int
step_caps (struct init_state *s, ct_error_t *err)
{
	struct rt_init *p = s->p;

	return rt_caps_apply (p->cap_effective, p->cap_permitted, p->cap_inheritable, p->cap_ambient, err);
}

static int
step_nnp (struct init_state *s, ct_error_t *err)
{
	if (s->p->no_new_privs && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return ct_make_error (err, errno, "set no_new_privs");
	return 0;
}

/* PATH lookup inside the container (we are chrooted now), as Go's
   exec.LookPath that runc uses: the same message on failure. */
static int
step_lookup (struct init_state *s, ct_error_t *err)
{
	const char *name = s->p->argv[0];
	const char *path = s->p->path_env;
	struct stat st;

	if (strchr (name, '/') != NULL) {
		if (stat (name, &st) < 0)
			return ct_make_error (err, 0, "\"%s\": stat %s: %s", name, name, strerror (errno));
		s->exec_path = name;
		return 0;
	}
	if (path == NULL)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	while (path != NULL) {
		const char *colon = strchr (path, ':');
		size_t len = colon ? (size_t) (colon - path) : strlen (path);
		int n;

		if (len == 0)
			n = snprintf (s->path_buf, sizeof (s->path_buf), "./%s", name);
		else
			n = snprintf (s->path_buf, sizeof (s->path_buf), "%.*s/%s", (int) len, path, name);
		if (n > 0 && (size_t) n < sizeof (s->path_buf) && stat (s->path_buf, &st) == 0 &&
		    S_ISREG (st.st_mode) && (st.st_mode & 0111)) {
			s->exec_path = s->path_buf;
			return 0;
		}
		path = colon ? colon + 1 : NULL;
	}
	return ct_make_error (err, 0, "\"%s\": executable file not found in $PATH", name);
}

/* create: tell the parent everything but execve() is done (it then writes
   state "created" and exits), then block opening the exec fifo until
   `start` opens it for reading.  The fifo is reopened through our O_PATH fd
   (runc does the same): it lives on the host, outside the new root.  Last
   before execve() so that every failure above is reported by `create`.
   The fifo stays open: step_started writes the answer `start` waits for. */
static int
step_wait_start (struct init_state *s, ct_error_t *err)
{
	struct rt_sync_msg msg;
	char path[64];

	if (s->p->fifo_fd < 0)
		return 0;
	memset (&msg, 0, sizeof (msg));
	msg.type = RT_SYNC_READY;
	if (send (s->p->sync_fd, &msg, sizeof (msg), MSG_NOSIGNAL) != (ssize_t) sizeof (msg))
		return ct_make_error (err, errno, "tell the parent we are ready");
	snprintf (path, sizeof (path), "/proc/self/fd/%d", s->p->fifo_fd);
	s->start_fd = open (path, O_WRONLY | O_CLOEXEC);
	if (s->start_fd < 0)
		return ct_make_error (err, errno, "open the exec fifo");
	return 0;
}

/* startContainer: after `start` (or, for run, right before execve), inside
   the container: the paths resolve in its root, as its user (runc). */
static int
step_start_hooks (struct init_state *s, ct_error_t *err)
{
	return rt_hooks_run (&s->p->start_container, s->p->start_state_fd, &s->p->sigmask, err);
}

/* create: "0" on the fifo lets `start` return; a failure above is written
   there instead by rt_init_child. */
static int
step_started (struct init_state *s, ct_error_t *err)
{
	int fd = s->start_fd;

	if (fd < 0)
		return 0;
	s->start_fd = -1;
	if (write (fd, "0", 1) != 1) {
		int e = errno;
		close (fd);
		return ct_make_error (err, e, "write the exec fifo");
	}
	close (fd);
	return 0;
}

static int
step_exec (struct init_state *s, ct_error_t *err)
{
	if (sigprocmask (SIG_SETMASK, &s->p->sigmask, NULL) < 0)
		return ct_make_error (err, errno, "restore the signal mask");
	execve (s->exec_path, s->p->argv, s->p->envp);
	return ct_make_error (err, errno, "\"%s\"", s->p->argv[0]);
}

/* Which runs perform a step: the container's init, or an exec'd process
   joining the container after its init set everything up. */
enum { STEP_INIT = 1, STEP_EXEC = 2, STEP_BOTH = STEP_INIT | STEP_EXEC };

static const struct init_step {
	const char *name;
	int (*fn) (struct init_state *, ct_error_t *);
	int when;
} steps[] = {
	/* host /proc is still ours here */
	{ "cgroup", step_placed, STEP_BOTH },
	{ "dumpable", step_dumpable, STEP_BOTH },
	{ "oom_score_adj", step_oom, STEP_BOTH },
	/* exec: the user namespace is the first of the joins (spawn.c) */
	{ "join namespaces", step_setns, STEP_BOTH },
	{ "user namespace", step_userns, STEP_BOTH },
	{ "cgroup namespace", step_cgroupns, STEP_INIT },
	{ "prepare rootfs", step_prepare_root, STEP_INIT },
	{ "enter root", step_enter_root, STEP_EXEC },
	/* config mounts in order, destinations resolved in the rootfs */
	{ "mounts", step_mounts, STEP_INIT },
	/* the cwd may lie in a mount made above; exec does not create it (runc) */
	{ "cwd", step_mkcwd, STEP_INIT },
	{ "devices", step_devices, STEP_INIT },
	/* namespaces and mounts exist, the host root is still ours */
	{ "hooks", step_hooks, STEP_INIT },
	{ "pivot_root", step_pivot_root, STEP_INIT },
	/* exec: in the container's root since "enter root" */
	{ "console", step_console, STEP_BOTH },
	{ "sysctl", step_sysctl, STEP_INIT },
	/* masked/readonly paths name container paths: after the pivot */
	{ "paths", step_paths, STEP_INIT },
	{ "finalize rootfs", step_finalize_root, STEP_INIT },
	{ "hostname", step_uts, STEP_INIT },
	/* raising limits may need CAP_SYS_RESOURCE: before credentials */
	{ "rlimits", step_rlimits, STEP_BOTH },
	{ "close fds", step_close_fds, STEP_BOTH },
	{ "keyring label", step_lsm_keyring, STEP_BOTH },
	{ "keyring", step_keyring, STEP_BOTH },
	{ "scheduler", step_sched, STEP_BOTH },
	{ "user namespace", step_join_userns, STEP_INIT },
	{ "lsm", step_lsm, STEP_BOTH },
	/* before the filter and the uid change, as root in the container */
	{ "home", step_home, STEP_BOTH },
	/* without noNewPrivileges: while we still have CAP_SYS_ADMIN */
	{ "seccomp", step_seccomp_early, STEP_BOTH },
	{ "credentials", step_credentials, STEP_BOTH },
	{ "cwd", step_cwd, STEP_BOTH },
	{ "capabilities", step_caps, STEP_BOTH },
	{ "no_new_privs", step_nnp, STEP_BOTH },
	{ "personality", step_personality, STEP_BOTH },
	/* the lookup sees the container's root and the user's permissions */
	{ "exec", step_lookup, STEP_BOTH },
	/* with noNewPrivileges: as late as possible */
	{ "seccomp", step_seccomp_late, STEP_BOTH },
	/* blocks until `start`: nothing that can fail for config reasons after */
	{ "wait start", step_wait_start, STEP_INIT },
	{ "hooks", step_start_hooks, STEP_INIT },
	{ "wait start", step_started, STEP_INIT },
	{ "cpu affinity", step_cpu_final, STEP_BOTH },
	{ "exec", step_exec, STEP_BOTH },
};

static void
send_error (int fd, const char *step, ct_error_t err)
{
	struct rt_sync_msg msg;

	memset (&msg, 0, sizeof (msg));
	msg.type = RT_SYNC_ERROR;
	msg.status = err ? err->status : 0;
	snprintf (msg.msg, sizeof (msg.msg), "%s: %s", step, err && err->msg ? err->msg : "failed");
	/* Best effort: the parent treats a silent death as a failure too. */
	if (send (fd, &msg, sizeof (msg), MSG_NOSIGNAL) < 0)
		_exit (1);
}

/* `start` waits on the fifo: "1" then the error line, in one write (at
   most PIPE_BUF bytes, so it arrives whole). */
static void
start_error (int fd, const char *step, ct_error_t err)
{
	char buf[PIPE_BUF];
	int n;

	n = snprintf (buf, sizeof (buf), "1%s: %s", step, err && err->msg ? err->msg : "failed");
	if (n < 0)
		return;
	if ((size_t) n >= sizeof (buf))
		n = sizeof (buf) - 1;
	if (write (fd, buf, (size_t) n) < 0)
		return;
}

void
rt_init_child (struct rt_init *p)
{
	struct init_state s = { .p = p, .rootfd = -1, .start_fd = -1 };
	ct_error_t err = NULL;
	int when = p->exec ? STEP_EXEC : STEP_INIT;
	size_t i;

	/* Our copy of the parent's locked state-dir fd would keep the
	   container locked until execve(): only the parent holds it. */
	if (p->state_fd >= 0)
		close (p->state_fd);
	prctl (PR_SET_NAME, p->exec ? "cruntime:[exec]" : "cruntime:[init]", 0, 0, 0);
	/* A foreground run or exec owns us: if it dies, so do we.  create,
	   run -d and exec -d leave us to the caller's subreaper instead. */
	if (!p->detach)
		prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	for (i = 0; i < CT_ARRAY_SIZE (steps); i++)
		if ((steps[i].when & when) != 0 && steps[i].fn (&s, &err) < 0) {
			if (s.start_fd >= 0)
				start_error (s.start_fd, steps[i].name, err);
			send_error (p->sync_fd, steps[i].name, err);
			_exit (1);
		}
	_exit (1); /* not reached: step_exec does not return on success */
}
