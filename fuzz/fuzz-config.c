/* libFuzzer target: config.json decoding (shared/ocispec/runtime.c).

   Every input goes through the three runtime-spec decoders cruntime exposes
   to files a user hands it (config.json, `exec --process`, `update -r`).  A
   config that decodes must encode, and its encoding must decode again to the
   same encoding: the writer (`spec`) and the reader agree on every field. */
#include "common.h"

#include <stdint.h>

#include "ocispec/runtime.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_round_trip (const struct ct_rt_spec *spec)
{
	cleanup_free char *once = NULL, *twice = NULL;
	struct ct_rt_spec *again = NULL;
	ct_error_t err = NULL;
	size_t len1 = 0, len2 = 0;

	if (ct_rt_spec_encode (spec, &once, &len1, &err) < 0)
		abort ();
	if (ct_rt_spec_decode (once, len1, "encoded", &again, &err) < 0) {
		fprintf (stderr, "re-decode failed: %s\n%.*s\n", err->msg, (int) len1, once);
		abort ();
	}
	if (ct_rt_spec_encode (again, &twice, &len2, &err) < 0)
		abort ();
	if (len1 != len2 || memcmp (once, twice, len1) != 0) {
		fprintf (stderr, "encoding not stable:\n%.*s\n---\n%.*s\n", (int) len1, once, (int) len2, twice);
		abort ();
	}
	ct_rt_spec_free (again);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	const char *text = (const char *) data;
	struct ct_rt_spec *spec = NULL;
	struct ct_rt_process *process = NULL;
	struct ct_rt_resources *resources = NULL;
	ct_error_t err = NULL;

	if (ct_rt_spec_decode (text, size, "config.json", &spec, &err) == 0) {
		check_round_trip (spec);
		ct_rt_spec_free (spec);
	} else {
		/* every failure carries a one-line message */
		if (err == NULL || err->msg == NULL || strchr (err->msg, '\n') != NULL)
			abort ();
		ct_error_release (&err);
	}
	if (ct_rt_process_decode (text, size, "process.json", &process, &err) == 0)
		ct_rt_process_free (process);
	else
		ct_error_release (&err);
	if (ct_rt_resources_decode (text, size, "resources.json", &resources, &err) == 0)
		ct_rt_resources_free (resources);
	else
		ct_error_release (&err);
	return 0;
}
