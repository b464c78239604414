/* libFuzzer target: the seccomp profile translation (runtime/seccomp-filter.c).

   The input is a `linux.seccomp` object; it is decoded inside a minimal
   config.json as cruntime would, then compiled to BPF with libseccomp.  A
   profile either fails with a one-line message or yields a program the
   kernel could take (1..BPF_MAXINSNS instructions). */
#include "common.h"

#include <linux/filter.h>
#include <stdint.h>

#include "log.h"
#include "ocispec/runtime.h"
#include "seccomp-filter.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char head[] = "{\"ociVersion\":\"1.0.0\",\"linux\":{\"seccomp\":";
static const char tail[] = "}}";

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	struct rt_seccomp_prog prog = { 0 };
	struct ct_rt_spec *spec = NULL;
	ct_error_t err = NULL;
	cleanup_free char *doc = NULL;
	size_t len = sizeof (head) - 1 + size + sizeof (tail) - 1;
	static bool quiet;

	if (!quiet) {
		/* unknown syscall names are warnings: keep the output readable */
		if (ct_log_init ("fuzz", "/dev/null", NULL, "error", false, &err) < 0)
			ct_error_release (&err);
		quiet = true;
	}
	doc = xmalloc (len);
	memcpy (doc, head, sizeof (head) - 1);
	memcpy (doc + sizeof (head) - 1, data, size);
	memcpy (doc + sizeof (head) - 1 + size, tail, sizeof (tail) - 1);
	if (ct_rt_spec_decode (doc, len, "config.json", &spec, &err) < 0) {
		ct_error_release (&err);
		return 0;
	}
	if (spec->linux_ != NULL && spec->linux_->seccomp != NULL) {
		if (rt_seccomp_compile (spec->linux_->seccomp, &prog, &err) == 0) {
			if (prog.insns != NULL && (prog.len == 0 || prog.len > BPF_MAXINSNS))
				abort ();
		} else {
			if (err == NULL || err->msg == NULL || strchr (err->msg, '\n') != NULL)
				abort ();
			ct_error_release (&err);
		}
		rt_seccomp_prog_release (&prog);
	}
	ct_rt_spec_free (spec);
	return 0;
}
