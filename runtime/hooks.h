/* runtime-spec hooks (config.md "POSIX-platform Hooks"): run one list of
   hooks with the state document on stdin.  The same runner serves the
   runtime (prestart, createRuntime, poststart, poststop: from spawn.c and
   container.c) and the container's init (createContainer, startContainer:
   from init.c, between clone and execve), so it only forks, execs and
   waits on what was prepared before clone. */
#ifndef RT_HOOKS_H
#define RT_HOOKS_H

#include <signal.h>
#include <stddef.h>

#include "error.h"
#include "ocispec/runtime.h"
#include "ocispec/state.h"

/* The kinds we run, in the spec's order (NULL-terminated; `features`). */
extern const char *const rt_hook_kinds[];

/* One hook, ready to exec: argv = args or [path], envp = env or []. */
struct rt_hook {
	char *path;
	char **argv;
	char **envp;
	int timeout; /* seconds; 0 = none */
};

struct rt_hook_list {
	const char *kind; /* "prestart", "createRuntime", ... (static) */
	struct rt_hook *hooks;
	size_t n;
};

/* Copy a config's list (NULL or empty: n = 0). */
void rt_hook_list_prepare (const char *kind, const struct ct_rt_hook_list *src, struct rt_hook_list *out);
void rt_hook_list_release (struct rt_hook_list *l);

/* A sealed-off memfd (O_CLOEXEC, placed at min_fd or above) holding the
   encoded state s: hooks read it from offset 0 as their stdin. */
int rt_hooks_state_fd (const struct ct_rt_state *s, int min_fd, ct_error_t *err);

/* Rewrite the contents of a state fd made by rt_hooks_state_fd. */
int rt_hooks_state_update (int fd, const struct ct_rt_state *s, ct_error_t *err);

/* Run l's hooks in order, stopping at the first failure:
   "{kind} hook #{i} `{path}`: exit status 3" (or "killed by signal 9",
   "timed out after 2s").  stdin = state_fd from offset 0, stdout and
   stderr = our stderr; mask = the signal mask the hook starts with.
   No allocation on success paths: safe in the init after clone. */
int rt_hooks_run (const struct rt_hook_list *l, int state_fd, const sigset_t *mask, ct_error_t *err);

/* Run l's hooks and log a failure as a warning instead (poststart,
   poststop: "the runtime MUST log a warning... and continue"). */
void rt_hooks_run_warn (const struct rt_hook_list *l, const struct ct_rt_state *s);

#endif
