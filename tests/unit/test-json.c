#include "common.h"

#include "json.h"
#include "tap.h"

static yajl_val
parse (const char *s)
{
	ct_error_t err = NULL;
	yajl_val v = NULL;

	if (ct_json_parse (s, strlen (s), &v, &err) < 0) {
		printf ("# parse: %s\n", err->msg);
		ct_error_release (&err);
		return NULL;
	}
	return v;
}

static int
test_u32_bounds (void)
{
	cleanup_yajl yajl_val v = parse ("{\"ok\": 4294967295, \"big\": 4294967296, \"neg\": -1, \"f\": 1.5,"
	                                 " \"e\": 1e3, \"s\": \"1\", \"z\": -0}");
	ct_error_t err = NULL;
	uint32_t x = 0;
	bool present = false;

	CHECK (v != NULL);
	CHECK (ct_json_get_u32 (v, "a", "ok", true, &x, &present, &err) == 0);
	CHECK (present && x == 4294967295u);
	CHECK (ct_json_get_u32 (v, "a", "big", true, &x, NULL, &err) == -1);
	CHECK_STR (err->msg, "`a.big`: not a uint32");
	ct_error_release (&err);
	CHECK (ct_json_get_u32 (v, "", "neg", true, &x, NULL, &err) == -1);
	CHECK_STR (err->msg, "`neg`: not a uint32");
	ct_error_release (&err);
	CHECK (ct_json_get_u32 (v, "", "f", true, &x, NULL, &err) == -1);
	CHECK_ERR (err, "not a uint32");
	ct_error_release (&err);
	CHECK (ct_json_get_u32 (v, "", "e", true, &x, NULL, &err) == -1);
	ct_error_release (&err);
	CHECK (ct_json_get_u32 (v, "", "s", true, &x, NULL, &err) == -1);
	ct_error_release (&err);
	CHECK (ct_json_get_u32 (v, "", "z", true, &x, NULL, &err) == 0 && x == 0);
	CHECK (ct_json_get_u32 (v, "", "absent", false, &x, &present, &err) == 0 && !present);
	CHECK (ct_json_get_u32 (v, "p", "absent", true, &x, &present, &err) == -1);
	CHECK_STR (err->msg, "`p.absent`: required");
	ct_error_release (&err);
	return 0;
}

static int
test_u64_i64 (void)
{
	cleanup_yajl yajl_val v = parse ("{\"max\": 18446744073709551615, \"over\": 18446744073709551616,"
	                                 " \"imin\": -9223372036854775808, \"imax\": 9223372036854775807,"
	                                 " \"iover\": 9223372036854775808, \"u16\": 65536, \"i32\": -2147483649}");
	ct_error_t err = NULL;
	uint64_t u = 0;
	int64_t i = 0;
	uint16_t s = 0;
	int32_t i32 = 0;

	CHECK (v != NULL);
	CHECK (ct_json_get_u64 (v, "", "max", true, &u, NULL, &err) == 0 && u == UINT64_MAX);
	CHECK (ct_json_get_u64 (v, "", "over", true, &u, NULL, &err) == -1);
	CHECK_STR (err->msg, "`over`: not a uint64");
	ct_error_release (&err);
	CHECK (ct_json_get_i64 (v, "", "imin", true, &i, NULL, &err) == 0 && i == INT64_MIN);
	CHECK (ct_json_get_i64 (v, "", "imax", true, &i, NULL, &err) == 0 && i == INT64_MAX);
	CHECK (ct_json_get_i64 (v, "", "iover", true, &i, NULL, &err) == -1);
	CHECK_STR (err->msg, "`iover`: not an int64");
	ct_error_release (&err);
	CHECK (ct_json_get_u16 (v, "", "u16", true, &s, NULL, &err) == -1);
	CHECK_STR (err->msg, "`u16`: not a uint16");
	ct_error_release (&err);
	CHECK (ct_json_get_i32 (v, "", "i32", true, &i32, NULL, &err) == -1);
	CHECK_STR (err->msg, "`i32`: not an int32");
	ct_error_release (&err);
	return 0;
}

static int
test_types (void)
{
	cleanup_yajl yajl_val v =
	        parse ("{\"s\": 1, \"b\": \"true\", \"a\": {}, \"o\": [], \"v\": [\"x\", 2],"
	               " \"m\": {\"k\": \"v\", \"n\": 3}, \"nul\": null, \"dup\": \"1\", \"dup\": \"2\"}");
	ct_error_t err = NULL;
	cleanup_free char *str = NULL;
	cleanup_strv char **sv = NULL;
	bool b = false;
	yajl_val x = NULL;

	CHECK (v != NULL);
	CHECK (ct_json_get_str (v, "", "s", true, &str, &err) == -1);
	CHECK_STR (err->msg, "`s`: not a string");
	ct_error_release (&err);
	CHECK (ct_json_get_bool (v, "", "b", true, &b, NULL, &err) == -1);
	CHECK_STR (err->msg, "`b`: not a boolean");
	ct_error_release (&err);
	CHECK (ct_json_get_array (v, "", "a", true, &x, &err) == -1);
	CHECK_STR (err->msg, "`a`: not an array");
	ct_error_release (&err);
	CHECK (ct_json_get_object (v, "", "o", true, &x, &err) == -1);
	CHECK_STR (err->msg, "`o`: not an object");
	ct_error_release (&err);
	CHECK (ct_json_get_strv (v, "top", "v", true, &sv, &err) == -1);
	CHECK_STR (err->msg, "`top.v[1]`: not a string");
	ct_error_release (&err);
	{
		char **k = NULL, **vals = NULL;
		size_t n = 0;
		CHECK (ct_json_get_strmap (v, "", "m", true, &k, &vals, &n, NULL, &err) == -1);
		CHECK_STR (err->msg, "`m.n`: not a string");
		ct_error_release (&err);
	}
	/* null counts as absent */
	CHECK (ct_json_get_str (v, "", "nul", true, &str, &err) == -1);
	CHECK_STR (err->msg, "`nul`: required");
	ct_error_release (&err);
	/* repeated keys: the last wins, as in Go */
	CHECK (ct_json_get_str (v, "", "dup", true, &str, &err) == 0);
	CHECK_STR (str, "2");
	return 0;
}

static int
test_parse_errors (void)
{
	ct_error_t err = NULL;
	yajl_val v = NULL;
	cleanup_free char *big = NULL;
	cleanup_free char *deep = NULL;

	CHECK (ct_json_parse ("", 0, &v, &err) == -1);
	CHECK_ERR (err, "invalid JSON at line 1, column 1: ");
	CHECK (strchr (err->msg, '\n') == NULL);
	ct_error_release (&err);
	CHECK (ct_json_parse ("{} x", 4, &v, &err) == -1);
	CHECK_ERR (err, "invalid JSON at line 1, column 4: parse error: trailing garbage");
	ct_error_release (&err);
	/* the position names the line a person has to fix */
	CHECK (ct_json_parse ("{\n  \"a\": 1,\n  \"b\": ]\n}", 22, &v, &err) == -1);
	CHECK_ERR (err, "invalid JSON at line 3, column 8: ");
	ct_error_release (&err);
	big = xmalloc (CT_JSON_MAX_SIZE + 1);
	memset (big, ' ', CT_JSON_MAX_SIZE + 1);
	CHECK (ct_json_parse (big, CT_JSON_MAX_SIZE + 1, &v, &err) == -1);
	CHECK_STR (err->msg, "document too large");
	ct_error_release (&err);
	deep = xmalloc (100001);
	memset (deep, '[', 100000);
	deep[100000] = '\0';
	CHECK (ct_json_parse (deep, 100000, &v, &err) == -1);
	CHECK_ERR (err, "nesting");
	ct_error_release (&err);
	return 0;
}

static int
test_writer (void)
{
	ct_error_t err = NULL;
	cleanup_free char *out = NULL;
	size_t len = 0;
	struct ct_jsonw *w = ct_jsonw_new (false);

	ct_jsonw_map_open (w);
	ct_jsonw_kv_str (w, "s", "a\"b\\c\n\x01");
	ct_jsonw_kv_uint (w, "u", UINT64_MAX);
	ct_jsonw_kv_int (w, "i", INT64_MIN);
	ct_jsonw_kv_bool (w, "b", true);
	ct_jsonw_key (w, "a");
	ct_jsonw_array_open (w);
	ct_jsonw_null (w);
	ct_jsonw_strn (w, "xy", 1);
	ct_jsonw_array_close (w);
	ct_jsonw_map_close (w);
	CHECK (ct_jsonw_finish (w, &out, &len, &err) == 0);
	CHECK_STR (out, "{\"s\":\"a\\\"b\\\\c\\n\\u0001\",\"u\":18446744073709551615,\"i\":-9223372036854775808,"
	                "\"b\":true,\"a\":[null,\"x\"]}");
	CHECK (len == strlen (out));
	return 0;
}

static int
test_writer_beautify (void)
{
	ct_error_t err = NULL;
	cleanup_free char *out = NULL;
	struct ct_jsonw *w = ct_jsonw_new (true);

	ct_jsonw_map_open (w);
	ct_jsonw_kv_int (w, "a", 1);
	ct_jsonw_map_close (w);
	CHECK (ct_jsonw_finish (w, &out, NULL, &err) == 0);
	CHECK_STR (out, "{\n\t\"a\": 1\n}\n");
	return 0;
}

static int
test_writer_sticky (void)
{
	ct_error_t err = NULL;
	cleanup_free char *out = NULL;
	struct ct_jsonw *w = ct_jsonw_new (false);

	ct_jsonw_map_open (w);
	ct_jsonw_key (w, "a");
	ct_jsonw_key (w, "b"); /* a key where a value is expected */
	ct_jsonw_int (w, 1);
	ct_jsonw_map_close (w);
	CHECK (ct_jsonw_finish (w, &out, NULL, &err) == -1);
	CHECK_STR (err->msg, "generate JSON: key where a value is expected");
	CHECK (out == NULL);
	ct_error_release (&err);

	w = ct_jsonw_new (false);
	ct_jsonw_map_open (w);
	ct_jsonw_int (w, 1);
	CHECK (ct_jsonw_finish (w, &out, NULL, &err) == -1);
	CHECK_STR (err->msg, "generate JSON: value where a key is expected");
	ct_error_release (&err);

	w = ct_jsonw_new (false);
	ct_jsonw_array_open (w);
	CHECK (ct_jsonw_finish (w, &out, NULL, &err) == -1);
	CHECK_STR (err->msg, "generate JSON: document not complete");
	ct_error_release (&err);

	w = ct_jsonw_new (false);
	ct_jsonw_array_open (w);
	ct_jsonw_strn (w, "\xff\xfe", 2);
	ct_jsonw_array_close (w);
	CHECK (ct_jsonw_finish (w, &out, NULL, &err) == 0); /* yajl does not validate by default */
	return 0;
}

int
main (void)
{
	static const struct tap_test tests[] = {
		TAP_TEST (test_u32_bounds),    TAP_TEST (test_u64_i64), TAP_TEST (test_types),
		TAP_TEST (test_parse_errors),  TAP_TEST (test_writer),  TAP_TEST (test_writer_beautify),
		TAP_TEST (test_writer_sticky),
	};
	return tap_run (tests, TAP_COUNT (tests));
}
