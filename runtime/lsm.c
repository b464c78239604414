#include "common.h"

#include <sys/stat.h>
#include <sys/vfs.h>

#include "lsm.h"

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif
#ifndef SELINUX_MAGIC
#define SELINUX_MAGIC 0xf97cff8c
#endif

bool
rt_lsm_apparmor_enabled (void)
{
	cleanup_close int fd = -1;
	struct stat st;
	char c = 0;

	if (stat ("/sys/kernel/security/apparmor", &st) < 0)
		return false;
	fd = open ("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
	return fd >= 0 && read (fd, &c, 1) == 1 && c == 'Y';
}

bool
rt_lsm_selinux_enabled (void)
{
	struct statfs sfs;
	struct stat st;

	return statfs ("/sys/fs/selinux", &sfs) == 0 && (unsigned long) sfs.f_type == SELINUX_MAGIC &&
	       stat ("/sys/fs/selinux/enforce", &st) == 0;
}

int
rt_lsm_check_process (const struct ct_rt_process *proc, const char *doc, const char *pfx, ct_error_t *err)
{
	if (proc->apparmor_profile != NULL && proc->apparmor_profile[0] != '\0' && !rt_lsm_apparmor_enabled ())
		return ct_make_error (err, 0, "%s: `%sapparmorProfile`: AppArmor is not enabled on this host", doc,
		                      pfx);
	if (proc->selinux_label != NULL && proc->selinux_label[0] != '\0' && !rt_lsm_selinux_enabled ())
		return ct_make_error (err, 0, "%s: `%sselinuxLabel`: SELinux is not enabled on this host", doc, pfx);
	return 0;
}

int
rt_lsm_check_mount_label (const char *mount_label, ct_error_t *err)
{
	if (mount_label != NULL && mount_label[0] != '\0' && !rt_lsm_selinux_enabled ())
		return ct_make_error (err, 0, "config.json: `linux.mountLabel`: SELinux is not enabled on this host");
	return 0;
}

void
rt_lsm_init (struct rt_lsm *l)
{
	memset (l, 0, sizeof (*l));
	l->procfd = -1;
}

void
rt_lsm_release (struct rt_lsm *l)
{
	free (l->apparmor_exec);
	free (l->selinux_label);
	if (l->procfd >= 0)
		close (l->procfd);
	rt_lsm_init (l);
}

int
rt_lsm_prepare (const struct ct_rt_process *proc, int min_fd, struct rt_lsm *l, ct_error_t *err)
{
	cleanup_close int raw = -1;
	struct statfs sfs;

	if (proc->apparmor_profile != NULL && proc->apparmor_profile[0] != '\0')
		xasprintf (&l->apparmor_exec, "exec %s", proc->apparmor_profile);
	if (proc->selinux_label != NULL && proc->selinux_label[0] != '\0')
		l->selinux_label = xstrdup (proc->selinux_label);
	if (l->apparmor_exec == NULL && l->selinux_label == NULL)
		return 0;
	/* The init writes through this fd, never through a /proc path: after
	   the mounts or a join of the container's mount namespace, "/proc" is
	   the container's to fake (runc's utils.ProcThreadSelf checks too). */
	raw = open ("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (raw < 0)
		return ct_make_error (err, errno, "open `/proc`");
	if (fstatfs (raw, &sfs) < 0)
		return ct_make_error (err, errno, "statfs `/proc`");
	if (sfs.f_type != PROC_SUPER_MAGIC)
		return ct_make_error (err, 0, "`/proc` is not a procfs");
	l->procfd = fcntl (raw, F_DUPFD_CLOEXEC, min_fd);
	if (l->procfd < 0)
		return ct_make_error (err, errno, "place the procfs fd");
	return 0;
}

char *
rt_lsm_mount_data (const char *type, const char *data, const char *mount_label)
{
	static const char *const unlabelled[] = { "proc", "sysfs", "mqueue", "cgroup", "cgroup2", "bind", NULL };
	char *out = NULL;
	size_t i;

	if (mount_label == NULL || mount_label[0] == '\0')
		return NULL;
	for (i = 0; unlabelled[i] != NULL; i++)
		if (strcmp (type, unlabelled[i]) == 0)
			return NULL;
	if (data == NULL || data[0] == '\0')
		xasprintf (&out, "context=\"%s\"", mount_label);
	else
		xasprintf (&out, "%s,context=\"%s\"", data, mount_label);
	return out;
}

/* ---- child side: system calls only ---- */

/* Write text to thread-self/ATTR of the verified procfs, in one write. */
static int
write_attr (int procfd, const char *attr, const char *fallback, const char *text, ct_error_t *err)
{
	cleanup_close int fd = -1;
	char path[64];
	struct statfs sfs;
	size_t len = strlen (text);

	snprintf (path, sizeof (path), "thread-self/%s", attr);
	fd = openat (procfd, path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && fallback != NULL) {
		snprintf (path, sizeof (path), "thread-self/%s", fallback);
		fd = openat (procfd, path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0)
		return ct_make_error (err, errno, "open `/proc/%s`", path);
	if (fstatfs (fd, &sfs) < 0)
		return ct_make_error (err, errno, "statfs `/proc/%s`", path);
	if (sfs.f_type != PROC_SUPER_MAGIC)
		return ct_make_error (err, 0, "`/proc/%s` is not on a procfs", path);
	if (write (fd, text, len) != (ssize_t) len)
		return ct_make_error (err, errno, "write `%s` to `/proc/%s`", text, path);
	return 0;
}

int
rt_lsm_apply_keycreate (const struct rt_lsm *l, ct_error_t *err)
{
	if (l->selinux_label == NULL)
		return 0;
	return write_attr (l->procfd, "attr/keycreate", NULL, l->selinux_label, err);
}

int
rt_lsm_apply_exec (const struct rt_lsm *l, ct_error_t *err)
{
	if (l->apparmor_exec != NULL &&
	    write_attr (l->procfd, "attr/apparmor/exec", "attr/exec", l->apparmor_exec, err) < 0)
		return ct_error_wrap (err, "apply the AppArmor profile");
	if (l->selinux_label != NULL && write_attr (l->procfd, "attr/exec", NULL, l->selinux_label, err) < 0)
		return ct_error_wrap (err, "set the SELinux process label");
	return 0;
}
