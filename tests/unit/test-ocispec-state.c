#include "common.h"

#include "ocispec/state.h"
#include "tap.h"

static int
test_round_trip (void)
{
	struct ct_rt_state st = { 0 };
	cleanup_rt_state struct ct_rt_state *back = NULL;
	cleanup_free char *out = NULL;
	cleanup_free char *out2 = NULL;
	char *keys[] = { (char *) "k" }, *vals[] = { (char *) "v\"q" };
	ct_error_t err = NULL;
	size_t len = 0;

	st.oci_version = (char *) "1.3.0";
	st.id = (char *) "web1";
	st.status = (char *) "running";
	st.pid = 4242;
	st.pid_present = true;
	st.bundle = (char *) "/b";
	st.rootfs = (char *) "/b/rootfs";
	st.created = (char *) "2026-01-02T15:04:05.123456789Z";
	st.owner = (char *) "";
	st.annotations = (struct ct_rt_map){ keys, vals, 1 };
	st.annotations_present = true;
	CHECK (ct_rt_state_encode (&st, false, &out, &len, &err) == 0);
	CHECK_STR (out,
	           "{\"ociVersion\":\"1.3.0\",\"id\":\"web1\",\"pid\":4242,\"status\":\"running\",\"bundle\":\"/b\","
	           "\"rootfs\":\"/b/rootfs\",\"created\":\"2026-01-02T15:04:05.123456789Z\",\"owner\":\"\","
	           "\"annotations\":{\"k\":\"v\\\"q\"}}");
	CHECK (ct_rt_state_decode (out, len, "state.json", &back, &err) == 0);
	CHECK_STR (back->id, "web1");
	CHECK (back->pid == 4242 && back->pid_present);
	CHECK_STR (back->status, "running");
	CHECK_STR (back->created, st.created);
	CHECK_STR (ct_rt_map_get (&back->annotations, "k"), "v\"q");
	CHECK (ct_rt_state_encode (back, false, &out2, NULL, &err) == 0);
	CHECK_STR (out, out2);
	return 0;
}

static int
test_decode_errors (void)
{
	struct ct_rt_state *s = NULL;
	ct_error_t err = NULL;
	const char *no_id = "{\"ociVersion\":\"1.3.0\",\"status\":\"created\",\"bundle\":\"/b\"}";
	const char *bad_pid =
	        "{\"ociVersion\":\"1.3.0\",\"id\":\"x\",\"status\":\"created\",\"bundle\":\"/b\",\"pid\":-1}";

	CHECK (ct_rt_state_decode (no_id, strlen (no_id), "state.json", &s, &err) == -1);
	CHECK_STR (err->msg, "state.json: `id`: required");
	ct_error_release (&err);
	CHECK (ct_rt_state_decode (bad_pid, strlen (bad_pid), "state.json", &s, &err) == -1);
	CHECK_STR (err->msg, "state.json: `pid`: not an int");
	ct_error_release (&err);
	CHECK (ct_rt_state_decode ("[]", 2, "state.json", &s, &err) == -1);
	CHECK_STR (err->msg, "state.json: not a JSON object");
	ct_error_release (&err);
	return 0;
}

static int
test_time_format (void)
{
	cleanup_free char *a = ct_rt_state_format_time (0, 0);
	cleanup_free char *b = ct_rt_state_format_time (1767366245, 123456789);
	cleanup_free char *c = ct_rt_state_format_time (1767366245, 120000000);

	CHECK_STR (a, "1970-01-01T00:00:00Z");
	CHECK_STR (b, "2026-01-02T15:04:05.123456789Z");
	CHECK_STR (c, "2026-01-02T15:04:05.12Z");
	return 0;
}

int
main (void)
{
	static const struct tap_test tests[] = {
		TAP_TEST (test_round_trip),
		TAP_TEST (test_decode_errors),
		TAP_TEST (test_time_format),
	};
	return tap_run (tests, TAP_COUNT (tests));
}
