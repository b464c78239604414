#include "common.h"

#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "ocispec/runtime.h"
#include "seccomp-filter.h"
#include "tap.h"

/* Decode a config.json whose linux.seccomp is `profile`. */
static struct ct_rt_spec *
spec_with (const char *profile, ct_error_t *err)
{
	cleanup_free char *doc = NULL;
	struct ct_rt_spec *spec = NULL;

	xasprintf (&doc, "{\"ociVersion\": \"1.0.2\", \"linux\": {\"seccomp\": %s}}", profile);
	if (ct_rt_spec_decode (doc, strlen (doc), "config.json", &spec, err) < 0)
		return NULL;
	return spec;
}

/* Load prog in a child with no_new_privs, call mkdir(path), report the
   errno it saw (0 = success) as the exit status. */
static int
mkdir_errno_under (const struct rt_seccomp_prog *prog, const char *path)
{
	int st;
	pid_t pid = fork ();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		long code = 0;

		if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || rt_seccomp_load (prog) < 0)
			code = 200;
		else if (syscall (SYS_mkdir, path, 0700) < 0)
			code = errno;
		/* the raw exit: ASan's _exit would run a leak check the filter denies */
		syscall (SYS_exit_group, code);
	}
	if (waitpid (pid, &st, 0) < 0 || !WIFEXITED (st))
		return -1;
	return WEXITSTATUS (st);
}

static int
test_default_errno_ret (void)
{
	/* everything fails with 77 but what the child needs to exit */
	static const char profile[] = "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 77, \"syscalls\": "
	                              "[{\"names\": [\"exit_group\", \"exit\"], \"action\": \"SCMP_ACT_ALLOW\"}]}";
	cleanup_rt_spec struct ct_rt_spec *spec = NULL;
	struct rt_seccomp_prog prog = { 0 };
	ct_error_t err = NULL;
	int st;

	spec = spec_with (profile, &err);
	CHECK (spec != NULL);
	CHECK (rt_seccomp_compile (spec->linux_->seccomp, &prog, &err) == 0);
	CHECK (prog.len > 0 && prog.insns != NULL && !prog.listener && prog.flags == 0);
	st = mkdir_errno_under (&prog, "/nonexistent/x");
	rt_seccomp_prog_release (&prog);
	if (st != 77)
		printf ("# the child exited %d\n", st);
	CHECK (st == 77);
	CHECK (prog.insns == NULL && prog.len == 0);
	return 0;
}

static int
test_notify_flags (void)
{
	static const char profile[] =
	        "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_TSYNC\", "
	        "\"SECCOMP_FILTER_FLAG_LOG\"], \"syscalls\": [{\"names\": [\"mkdir\"], \"action\": "
	        "\"SCMP_ACT_NOTIFY\"}]}";
	cleanup_rt_spec struct ct_rt_spec *spec = NULL;
	struct rt_seccomp_prog prog = { 0 };
	ct_error_t err = NULL;

	spec = spec_with (profile, &err);
	CHECK (spec != NULL);
	CHECK (rt_seccomp_compile (spec->linux_->seccomp, &prog, &err) == 0);
	CHECK (prog.listener);
	/* TSYNC with a listener needs TSYNC_ESRCH, or the kernel says EINVAL */
	CHECK (prog.flags == (SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_NEW_LISTENER |
	                      SECCOMP_FILTER_FLAG_TSYNC_ESRCH));
	rt_seccomp_prog_release (&prog);
	return 0;
}

static int
test_errors (void)
{
	static const struct {
		const char *profile, *msg;
	} bad[] = {
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_NOPE\"]}",
		  "config.json: `linux.seccomp.architectures[0]`: unknown seccomp architecture `SCMP_ARCH_NOPE`" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"mkdir\"], \"action\": "
		  "\"SCMP_ACT_ERRNO\", \"errnoRet\": 70000}]}",
		  "config.json: `linux.seccomp.syscalls[0].action`: errno `70000` out of range" },
		{ "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"sendmsg\"], \"action\": "
		  "\"SCMP_ACT_NOTIFY\"}]}",
		  "config.json: `linux.seccomp.syscalls[0].names[0]`: SCMP_ACT_NOTIFY cannot be used for `sendmsg`" },
	};
	size_t i;

	for (i = 0; i < CT_ARRAY_SIZE (bad); i++) {
		cleanup_rt_spec struct ct_rt_spec *spec = NULL;
		struct rt_seccomp_prog prog = { 0 };
		ct_error_t err = NULL;

		spec = spec_with (bad[i].profile, &err);
		CHECK (spec != NULL);
		CHECK (rt_seccomp_compile (spec->linux_->seccomp, &prog, &err) == -1);
		CHECK_ERR (err, bad[i].msg);
		CHECK (prog.insns == NULL);
		ct_error_release (&err);
	}
	return 0;
}

int
main (void)
{
	static const struct tap_test tests[] = {
		TAP_TEST (test_default_errno_ret),
		TAP_TEST (test_notify_flags),
		TAP_TEST (test_errors),
	};
	return tap_run (tests, TAP_COUNT (tests));
}
