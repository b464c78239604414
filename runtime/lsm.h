/* Linux security modules: the AppArmor profile and SELinux labels of the
   container's process (process.apparmorProfile, process.selinuxLabel, exec
   --apparmor, --process-label) and of its mounts (linux.mountLabel), as
   runc's libcontainer/apparmor and go-selinux's label package.  A label
   asked for on a host without its LSM is an error, before anything is
   created.  The parent prepares the text and a verified procfs fd; the
   init only writes it (no allocation there). */
#ifndef RT_LSM_H
#define RT_LSM_H

#include <stdbool.h>

#include "error.h"
#include "ocispec/runtime.h"

struct rt_lsm {
	char *apparmor_exec; /* "exec PROFILE" for attr/apparmor/exec, or NULL */
	char *selinux_label; /* for attr/exec and attr/keycreate, or NULL */
	/* the host's procfs (fstatfs checked), O_PATH|O_CLOEXEC, above the
	   --preserve-fds range; -1 when there is nothing to write */
	int procfd;
};

/* The host's state, as runc reads it: AppArmor when securityfs shows it
   and its module parameter "enabled" is Y; SELinux when selinuxfs is
   mounted on /sys/fs/selinux. */
bool rt_lsm_apparmor_enabled (void);
bool rt_lsm_selinux_enabled (void);

/* Refuse a profile or label this host cannot apply; doc and pfx name the
   fields ("config.json", "process.").  */
int rt_lsm_check_process (const struct ct_rt_process *proc, const char *doc, const char *pfx, ct_error_t *err);
int rt_lsm_check_mount_label (const char *mount_label, ct_error_t *err);

/* Fill l from proc; min_fd is where its procfs fd may go (3 + preserve_fds). */
int rt_lsm_prepare (const struct ct_rt_process *proc, int min_fd, struct rt_lsm *l, ct_error_t *err);

/* The data of a mount of type `type` with linux.mountLabel applied: runc's
   label.FormatMountLabel on the mounts its rootfs code labels (not proc,
   sysfs, mqueue, cgroup, binds).  A new string, or NULL for data as is. */
char *rt_lsm_mount_data (const char *type, const char *data, const char *mount_label);

void rt_lsm_init (struct rt_lsm *l);
void rt_lsm_release (struct rt_lsm *l);

/* ---- child side (init.c) ---- */

/* SELinux: the label of keys we create (the session keyring); before it. */
int rt_lsm_apply_keycreate (const struct rt_lsm *l, ct_error_t *err);
/* The profile and label the execve() gives the process. */
int rt_lsm_apply_exec (const struct rt_lsm *l, ct_error_t *err);

#endif
