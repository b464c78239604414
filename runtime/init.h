/* The container's init process: a plan prepared by the parent (spawn.c) and
   executed by the child (init.c) as a table of steps ending in execve().
   Everything here is parsed, resolved and allocated before clone(); the child
   only reads it (STYLE.md 3.4). */
#ifndef RT_INIT_H
#define RT_INIT_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "attrs.h"
#include "hooks.h"
#include "lsm.h"
#include "mounts.h"
#include "seccomp-filter.h"

struct rt_ns_join {
	int flag; /* CLONE_NEW* */
	int fd;   /* opened by the parent, O_CLOEXEC */
};

struct rt_rlimit {
	int resource;
	struct rlimit lim;
};

struct rt_init {
	int sync_fd; /* child's end of the sync socket */
	/* O_PATH fd of ROOT/ID/exec.fifo (create), or -1 (run): the init
	   reopens it O_WRONLY as its last step and so waits for `start` */
	int fifo_fd;
	/* the parent's locked fd of ROOT/ID, or -1: closed first, or our copy
	   would keep the container's lock held until execve */
	int state_fd;
	bool detach; /* outlives cruntime: no PR_SET_PDEATHSIG */
	/* exec: join a running container; its root, mounts and hostname are
	   already set up, so the steps that make them are skipped */
	bool exec;

	/* namespaces the child joins with setns() (pid is joined by the parent) */
	struct rt_ns_join *joins;
	size_t n_joins;
	bool new_uts;
	/* wait for RT_SYNC_PLACED first (sync.h): the parent has put us in
	   the container's cgroup and, in a new user namespace, written our id
	   maps, oom_score_adj and rlimits.  new_cgroupns is unshared after it,
	   not given to clone(), so its root is the container's cgroup */
	bool placed_wait;
	bool new_cgroupns;
	/* in a user namespace other than the runtime's: new_userns (cloned
	   with CLONE_NEWUSER) or one joined (first in joins).  The child
	   becomes the namespace's root before anything else; oom_score_adj
	   and rlimits are set by the parent (the child lacks the host's
	   CAP_SYS_RESOURCE there) */
	bool new_userns;
	bool userns;
	/* the runtime's own user namespace refuses setgroups */
	bool setgroups_denied;
	/* the init's joined user namespace (O_CLOEXEC), or -1: it joins it
	   late, right before the credentials step, having set everything up
	   as the host's root; the new namespaces clone() made stay owned by
	   the runtime's user namespace.  exec joins it first (in joins). */
	int userns_fd;

	/* file system */
	char *rootfs; /* absolute host path */
	bool root_readonly;
	unsigned long root_propagation;   /* MS_* for "/" before the rootfs bind */
	unsigned long rootfs_propagation; /* applied on the new "/" when set, else 0 */
	bool no_pivot;
	struct rt_mount *mounts;
	size_t n_mounts;
	struct rt_device *devices; /* linux.devices, after the default ones */
	size_t n_devices;
	char **masked_paths;   /* NULL-terminated */
	char **readonly_paths; /* NULL-terminated */

	char *hostname;   /* NULL: leave unset */
	char *domainname; /* NULL: leave unset */

	/* process */
	char **argv;
	char **envp;
	const char *path_env; /* value of PATH in envp, or NULL; borrowed */
	/* envp has no HOME (or an empty one): the init writes one at
	   envp[home_slot] (an empty HOME's, or a spare NULL slot before the
	   final NULL), from the container's /etc/passwd (runc) */
	bool set_home;
	size_t home_slot;
	char *cwd;
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	size_t n_groups;
	struct rt_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privs;
	bool has_oom_score_adj;
	int oom_score_adj;
	/* capability sets as kernel bitmasks (bit n = capability n); all 0
	   when the config has no capabilities object (runc) */
	uint64_t cap_bounding, cap_effective, cap_permitted, cap_inheritable, cap_ambient;
	int preserve_fds;
	bool new_keyring; /* join a fresh session keyring (runc's default) */
	bool has_umask;
	mode_t umask;
	sigset_t sigmask; /* the mask to restore just before execve() */
	/* scheduler, ioPriority, execCPUAffinity.final, personality, sysctl */
	struct rt_attrs attrs;
	/* apparmorProfile, selinuxLabel: written before the credentials */
	struct rt_lsm lsm;

	/* process.terminal: a pty whose master goes to console_fd (connected
	   to --console-socket by the parent, O_CLOEXEC); the init also binds
	   the slave on /dev/console.  rows/cols 0: consoleSize not given. */
	bool terminal;
	int console_fd;
	unsigned short console_rows, console_cols;

	/* hooks.  sync_hooks: stop before pivot_root, send RT_SYNC_HOOKS and
	   wait for the parent's prestart and createRuntime hooks (and for it to
	   fill the state fds) before running createContainer. */
	bool sync_hooks;
	int hook_state_fd;  /* memfd, state "creating" (createContainer), or -1 */
	int start_state_fd; /* memfd, state "created" (startContainer), or -1 */
	struct rt_hook_list create_container;
	struct rt_hook_list start_container;

	/* linux.seccomp compiled by the parent (len 0: none); loaded before
	   the credentials, or late with no_new_privs (seccomp.h) */
	struct rt_seccomp_prog seccomp;
};

/* Release everything the plan owns (parent side), closing its fds. */
void rt_init_release (struct rt_init *p);

/* Child entry after clone(): run every step, then execve().  Never returns:
   on failure it sends "{step}: msg" over p->sync_fd and _exit (1). */
__attribute__ ((noreturn)) void rt_init_child (struct rt_init *p);

#endif
