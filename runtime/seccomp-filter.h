/* linux.seccomp (config-linux.md "Seccomp"): translated to classic BPF in
   the PARENT with libseccomp, loaded by the CHILD with the raw seccomp(2)
   system call (no libseccomp, no allocation there).

   Compiled programs are cached in ROOT/seccomp:cache/<sha256>.bpf (ROOT =
   the --root state directory; ':' is never in a container id, so `list`
   and `delete` never take it for a container).  The key hashes a canonical
   serialisation of the profile, the libseccomp version, seccomp_api_get()
   and the kernel's machine and release.  An entry is "sha256:<hex of the
   program>\n" then the program; one whose size or digest is wrong is
   recompiled and rewritten (tmp + rename), never loaded.

   Order in the init (runc): without noNewPrivileges the filter is loaded
   before the credentials (loading needs CAP_SYS_ADMIN then); with it, after
   the exec lookup, just before "wait start".

   SCMP_ACT_NOTIFY: the filter is loaded with SECCOMP_FILTER_FLAG_NEW_LISTENER;
   the child sends the listener fd over the sync socket (RT_SYNC_SECCOMP,
   SCM_RIGHTS, sync.h); the parent connects to listenerPath and sends the
   container process state with the fd in one sendmsg (runc).

   Named seccomp-filter, not seccomp: with -I runtime a seccomp.h here would
   shadow libseccomp's <seccomp.h>. */
#ifndef RT_SECCOMP_FILTER_H
#define RT_SECCOMP_FILTER_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"
#include "json.h"
#include "ocispec/runtime.h"
#include "ocispec/state.h"

/* the directory under ROOT holding the compiled programs */
#define RT_SECCOMP_CACHE_DIR "seccomp:cache"

struct rt_seccomp_prog {
	struct sock_filter *insns; /* malloc'd; NULL = no filter */
	size_t len;                /* instructions, 1..BPF_MAXINSNS */
	unsigned int flags;        /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
	bool listener;             /* an SCMP_ACT_NOTIFY rule: NEW_LISTENER is in flags */
};

/* Translate s into a BPF program: pure (no cache, no I/O but libseccomp,
   no kernel probing), for the fuzzer too.  Unknown syscall names are
   skipped with a warning; unknown architectures, bad argument indexes and
   misplaced SCMP_ACT_NOTIFY are config errors naming the JSON path
   ("config.json: `linux.seccomp.architectures[0]`: ...").  On failure out
   is empty.  rt_seccomp_prog_release() out either way. */
int rt_seccomp_compile (const struct ct_rt_seccomp *s, struct rt_seccomp_prog *out, ct_error_t *err);

/* rt_seccomp_compile through the cache of the state root that holds
   state_fd (ROOT/ID: the cache is ../seccomp:cache), and the kernel
   checks: a flag the kernel refuses is an error naming it.  state_fd < 0:
   no cache.  A cache that cannot be used is only logged (debug).  Logs
   "seccomp: cache hit <hex>" or "seccomp: compiled <hex>" at debug level. */
int rt_seccomp_compile_cached (const struct ct_rt_seccomp *s, int state_fd, struct rt_seccomp_prog *out,
                               ct_error_t *err);

void rt_seccomp_prog_release (struct rt_seccomp_prog *p);

/* CHILD: load p with seccomp(2).  Returns the listener fd (p->listener),
   0 (no listener) or -1 with errno set.  Async-signal-safe, no allocation. */
int rt_seccomp_load (const struct rt_seccomp_prog *p);

/* PARENT: hand the listener fd to the agent at path: connect (unix
   stream), send the container process state (config-linux.md) with fd in
   one sendmsg.  pid is the process that loaded the filter; state the
   container's state. */
int rt_seccomp_send_listener (const char *path, const char *metadata, pid_t pid, const struct ct_rt_state *state,
                              int fd, ct_error_t *err);

/* The "seccomp" object of `features` (features-linux.md); supportedFlags
   are probed on this kernel. */
void rt_seccomp_features (struct ct_jsonw *w);

#endif
