#include "common.h"

#include "ocispec/config-edit.h"
#include "strv.h"
#include "tap.h"

#define ROOTFS "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}"

/* The edited document for `in`, or NULL (the error printed). */
static char *
apply (const char *in, const struct ct_config_edit *e)
{
	ct_error_t err = NULL;
	char *out = NULL;
	size_t len;

	if (ct_config_edit_apply (in, strlen (in), "config", e, &out, &len, &err) < 0) {
		printf ("# %s\n", err->msg);
		ct_error_release (&err);
		return NULL;
	}
	if (strlen (out) != len)
		abort ();
	return out;
}

static int
test_untouched_members (void)
{
	struct ct_config_edit e = { 0 };
	cleanup_free char *out = NULL;
	static const char in[] =
	        "{\"x-first\":{\"a\":[1,2.50,-3e-2,true,false,null,\"s\\u00e9\\n\"]},\"architecture\":\"amd64\","
	        "\"os\":\"linux\",\"config\":{\"Healthcheck\":{\"Test\":[\"CMD\",\"true\"],\"Interval\":30000000000},"
	        "\"Memory\":1.50e3,\"Big\":123456789012345678901234567890,\"Env\":[\"A=1\"],\"Shell\":[\"/bin/sh\"]},"
	        "\"container_config\":{\"Cmd\":[\"x\"]}," ROOTFS "}";

	ct_strv_push (&e.env, "B=2");
	out = apply (in, &e);
	ct_config_edit_clear (&e);
	CHECK (out != NULL);
	/* compact, same order, numbers as written, strings re-escaped by yajl */
	CHECK_STR (out,
	           "{\"x-first\":{\"a\":[1,2.50,-3e-2,true,false,null,\"s\xc3\xa9\\n\"]},\"architecture\":\"amd64\","
	           "\"os\":\"linux\",\"config\":{\"Healthcheck\":{\"Test\":[\"CMD\",\"true\"],\"Interval\":"
	           "30000000000},\"Memory\":1.50e3,\"Big\":123456789012345678901234567890,\"Env\":[\"A=1\",\"B=2\"],"
	           "\"Shell\":[\"/bin/sh\"]},\"container_config\":{\"Cmd\":[\"x\"]}," ROOTFS "}");
	return 0;
}

static int
test_env (void)
{
	struct ct_config_edit e = { 0 };
	cleanup_free char *out = NULL;
	static const char in[] = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"PATH=/bin\","
	                         "\"A=1\",\"AB=2\",\"A=3\",\"A\",\"C=\"]}," ROOTFS "}";

	ct_strv_push (&e.env, "A=new");
	ct_strv_push (&e.env, "C=c");
	ct_strv_push (&e.env, "D=d=e");
	ct_strv_push (&e.env, "D=last");
	out = apply (in, &e);
	ct_config_edit_clear (&e);
	CHECK (out != NULL);
	/* A's first entry replaced, its later ones (with or without =) gone;
	   AB untouched; D appended once, with its last value */
	CHECK (strstr (out, "\"Env\":[\"PATH=/bin\",\"A=new\",\"AB=2\",\"C=c\",\"D=last\"]") != NULL);
	return 0;
}

static int
test_members_added (void)
{
	struct ct_config_edit e = { 0 };
	cleanup_free char *out = NULL;
	cleanup_free char *out2 = NULL;
	static const char no_config[] = "{\"architecture\":\"amd64\",\"os\":\"linux\"," ROOTFS "}";
	static const char null_config[] = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":null," ROOTFS "}";

	e.user = xstrdup ("1:2");
	e.cmd_set = true;
	e.cmd = xcalloc (1, sizeof (char *));
	e.entrypoint_set = true;
	e.entrypoint = CT_STRV ("/init");
	e.working_dir = xstrdup ("/w");
	e.stop_signal = xstrdup ("SIGINT");
	ct_config_edit_set_label (&e, "k", "v");
	ct_strv_push (&e.exposed_ports, "80/tcp");
	ct_strv_push (&e.exposed_ports, "80/tcp");
	ct_strv_push (&e.volumes, "/v");
	ct_strv_push (&e.env, "E=1");
	out = apply (no_config, &e);
	out2 = apply (null_config, &e);
	ct_config_edit_clear (&e);
	CHECK (out != NULL && out2 != NULL);
	/* absent members come in the model's order; a set key once */
	CHECK_STR (out, "{\"architecture\":\"amd64\",\"os\":\"linux\"," ROOTFS ",\"config\":{\"User\":\"1:2\","
	                "\"ExposedPorts\":{\"80/tcp\":{}},\"Env\":[\"E=1\"],\"Entrypoint\":[\"/init\"],\"Cmd\":[],"
	                "\"Volumes\":{\"/v\":{}},\"WorkingDir\":\"/w\",\"Labels\":{\"k\":\"v\"},\"StopSignal\":"
	                "\"SIGINT\"}}");
	/* a null config is replaced where it was */
	CHECK_STR (out2, "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"User\":\"1:2\","
	                 "\"ExposedPorts\":{\"80/tcp\":{}},\"Env\":[\"E=1\"],\"Entrypoint\":[\"/init\"],\"Cmd\":[],"
	                 "\"Volumes\":{\"/v\":{}},\"WorkingDir\":\"/w\",\"Labels\":{\"k\":\"v\"},\"StopSignal\":"
	                 "\"SIGINT\"}," ROOTFS "}");
	return 0;
}

static int
test_sets_and_labels (void)
{
	struct ct_config_edit e = { 0 };
	cleanup_free char *out = NULL;
	static const char in[] = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{\"a\":\"1\","
	                         "\"b\":\"2\",\"a\":\"3\"},\"ExposedPorts\":{\"53/udp\":{},\"80/tcp\":null},"
	                         "\"Volumes\":null}," ROOTFS "}";

	ct_config_edit_set_label (&e, "b", "new");
	ct_config_edit_set_label (&e, "c", "added");
	ct_config_edit_set_label (&e, "c", "last");
	ct_strv_push (&e.exposed_ports, "80/tcp");
	ct_strv_push (&e.exposed_ports, "443/tcp");
	ct_strv_push (&e.volumes, "/data");
	out = apply (in, &e);
	ct_config_edit_clear (&e);
	CHECK (out != NULL);
	/* a repeated key is written once, with the last value (what readers
	   see); the edit's values in place; new keys last */
	CHECK (strstr (out, "\"Labels\":{\"b\":\"new\",\"a\":\"3\",\"c\":\"last\"}") != NULL);
	CHECK (strstr (out, "\"ExposedPorts\":{\"53/udp\":{},\"80/tcp\":null,\"443/tcp\":{}}") != NULL);
	CHECK (strstr (out, "\"Volumes\":{\"/data\":{}}") != NULL);
	return 0;
}

static int
test_duplicate_config (void)
{
	struct ct_config_edit e = { 0 };
	cleanup_free char *out = NULL;
	/* two "config" members: readers use the last; the edit goes there and
	   the shadowed one is dropped */
	static const char in[] = "{\"config\":{\"User\":\"old\"},\"architecture\":\"amd64\",\"os\":\"linux\","
	                         "\"config\":{\"User\":\"u\",\"Cmd\":[\"x\"],\"User\":\"v\"}," ROOTFS "}";

	e.user = xstrdup ("w");
	out = apply (in, &e);
	ct_config_edit_clear (&e);
	CHECK (out != NULL);
	CHECK_STR (out,
	           "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"x\"],\"User\":\"w\"}," ROOTFS
	           "}");
	return 0;
}

static int
test_history_and_diff_id (void)
{
	struct ct_config_edit e = { 0 };
	cleanup_free char *out = NULL;
	cleanup_free char *out2 = NULL;
	static const char with[] = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"diff_ids\":[\"sha256:"
	                           "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"],\"type\":"
	                           "\"layers\",\"x\":1},\"history\":[{\"created_by\":\"base\",\"x-extra\":true}]}";
	static const char without[] = "{\"architecture\":\"amd64\",\"os\":\"linux\"," ROOTFS "}";

	e.diff_id = xstrdup ("sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	e.history_set = true;
	e.history.created = xstrdup ("1970-01-01T00:00:00Z");
	e.history.created_by = xstrdup ("cimage commit");
	e.history.comment = xstrdup ("c");
	out = apply (with, &e);
	free (e.diff_id);
	e.diff_id = NULL;
	e.history.empty_layer = true;
	out2 = apply (without, &e);
	ct_config_edit_clear (&e);
	CHECK (out != NULL && out2 != NULL);
	CHECK_STR (out,
	           "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"diff_ids\":[\"sha256:"
	           "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"sha256:"
	           "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"],\"type\":\"layers\",\"x\":1},"
	           "\"history\":[{\"created_by\":\"base\",\"x-extra\":true},{\"created\":\"1970-01-01T00:00:00Z\","
	           "\"created_by\":\"cimage commit\",\"comment\":\"c\"}]}");
	CHECK_STR (out2, "{\"architecture\":\"amd64\",\"os\":\"linux\"," ROOTFS ",\"history\":[{\"created\":"
	                 "\"1970-01-01T00:00:00Z\",\"created_by\":\"cimage commit\",\"comment\":\"c\","
	                 "\"empty_layer\":true}]}");
	return 0;
}

static int
test_bad_documents (void)
{
	struct ct_config_edit e = { 0 };
	ct_error_t err = NULL;
	char *out = NULL;
	size_t len;
	static const char *const bad[][2] = {
		{ "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":\"A=1\"}," ROOTFS "}",
		  "config: `config.Env`: not an array" },
		{ "{\"architecture\":\"amd64\"," ROOTFS "}", "config: `os`: required" },
		{ "[1]", "config: not a JSON object" },
		{ "{", "config: invalid JSON" },
	};

	ct_strv_push (&e.env, "B=2");
	for (size_t i = 0; i < CT_ARRAY_SIZE (bad); i++) {
		CHECK (ct_config_edit_apply (bad[i][0], strlen (bad[i][0]), "config", &e, &out, &len, &err) < 0);
		CHECK (out == NULL);
		CHECK_ERR (err, bad[i][1]);
		ct_error_release (&err);
	}
	ct_config_edit_clear (&e);
	return 0;
}

static int
test_empty (void)
{
	struct ct_config_edit e = { 0 };

	CHECK (ct_config_edit_empty (&e));
	e.cmd_set = true;
	CHECK (!ct_config_edit_empty (&e));
	e.cmd_set = false;
	e.history_set = true;
	CHECK (!ct_config_edit_empty (&e));
	ct_config_edit_clear (&e);
	CHECK (ct_config_edit_empty (&e));
	return 0;
}

static int
test_parse_strv (void)
{
	cleanup_strv char **v = NULL;
	cleanup_strv char **empty = NULL;
	ct_error_t err = NULL;
	char **bad = NULL;
	static const char *const not_arrays[] = { "\"sh\"", "null", "{}", "[\"a\",1]", "[[\"a\"]]", "[null]" };

	CHECK (ct_config_edit_parse_strv ("[\"/bin/sh\", \"-c\", \"echo \\\"hi\\\"\"]", &v, &err) == 0);
	CHECK (ct_strv_len (v) == 3);
	CHECK_STR (v[2], "echo \"hi\"");
	CHECK (ct_config_edit_parse_strv (" [ ] ", &empty, &err) == 0);
	CHECK (empty != NULL && empty[0] == NULL);
	for (size_t i = 0; i < CT_ARRAY_SIZE (not_arrays); i++) {
		CHECK (ct_config_edit_parse_strv (not_arrays[i], &bad, &err) < 0);
		CHECK (bad == NULL);
		CHECK_STR (err->msg, "not an array of strings");
		ct_error_release (&err);
	}
	CHECK (ct_config_edit_parse_strv ("[\"a\"", &bad, &err) < 0);
	CHECK_ERR (err, "invalid JSON at line 1");
	ct_error_release (&err);
	CHECK (ct_config_edit_parse_strv ("", &bad, &err) < 0);
	ct_error_release (&err);
	return 0;
}

int
main (void)
{
	static const struct tap_test tests[] = {
		TAP_TEST (test_untouched_members), TAP_TEST (test_env),
		TAP_TEST (test_members_added),     TAP_TEST (test_sets_and_labels),
		TAP_TEST (test_duplicate_config),  TAP_TEST (test_history_and_diff_id),
		TAP_TEST (test_bad_documents),     TAP_TEST (test_empty),
		TAP_TEST (test_parse_strv),
	};

	return tap_run (tests, TAP_COUNT (tests));
}
