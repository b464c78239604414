/* imagetool/registry.c's WWW-Authenticate parser and imagetool/auth.c's
   lookup (key forms, base64, broken files). */
#include "common.h"

#include "auth.h"
#include "fs.h"
#include "registry.h"
#include "strv.h"
#include "tap.h"

static int
test_challenge_bearer (void)
{
	cleanup_strv char **k = NULL;
	cleanup_strv char **v = NULL;
	cleanup_free char *scheme = ct_registry_parse_challenge (
	        "Bearer "
	        "realm=\"https://auth.example/token\",service=\"registry.example\",scope=\"repository:a/b:pull,push\"",
	        &k, &v);

	CHECK_STR (scheme, "Bearer");
	CHECK (ct_strv_len (k) == 3);
	CHECK_STR (k[0], "realm");
	CHECK_STR (v[0], "https://auth.example/token");
	CHECK_STR (k[1], "service");
	CHECK_STR (v[1], "registry.example");
	CHECK_STR (k[2], "scope");
	/* The comma inside the quotes is part of the value. */
	CHECK_STR (v[2], "repository:a/b:pull,push");
	return 0;
}

static int
test_challenge_odd_spacing_and_escapes (void)
{
	cleanup_strv char **k = NULL;
	cleanup_strv char **v = NULL;
	cleanup_free char *scheme =
	        ct_registry_parse_challenge ("  basic   Realm = \"a \\\"b\\\", c\" , charset=UTF-8,,", &k, &v);

	CHECK_STR (scheme, "basic");
	CHECK (ct_strv_len (k) == 2);
	CHECK_STR (k[0], "realm");
	CHECK_STR (v[0], "a \"b\", c");
	CHECK_STR (k[1], "charset");
	CHECK_STR (v[1], "UTF-8");
	return 0;
}

static int
test_challenge_no_params (void)
{
	cleanup_strv char **k = NULL;
	cleanup_strv char **v = NULL;
	cleanup_free char *scheme = ct_registry_parse_challenge ("Basic", &k, &v);

	CHECK_STR (scheme, "Basic");
	CHECK (ct_strv_len (k) == 0);
	return 0;
}

static char tmpdir[] = "/tmp/test-registry-auth.XXXXXX";

static int
write_auth (const char *json)
{
	ct_error_t err = NULL;
	cleanup_free char *path = NULL;

	xasprintf (&path, "%s/auth.json", tmpdir);
	if (ct_fs_write_atomic_at (AT_FDCWD, path, json, strlen (json), 0600, &err) < 0) {
		ct_error_release (&err);
		return -1;
	}
	setenv ("REGISTRY_AUTH_FILE", path, 1);
	unsetenv ("XDG_RUNTIME_DIR");
	setenv ("HOME", tmpdir, 1);
	return 0;
}

static int
test_lookup_key_forms (void)
{
	const char *forms[] = { "reg.example:5000", "https://reg.example:5000", "http://reg.example:5000",
		                "reg.example:5000/v2/", "https://reg.example:5000/v1/" };

	for (size_t i = 0; i < CT_ARRAY_SIZE (forms); i++) {
		cleanup_free char *json = NULL;
		cleanup_free char *user = NULL;
		cleanup_free char *pass = NULL;
		ct_error_t err = NULL;

		/* "alice:pa:ss" — the password may hold a colon. */
		xasprintf (&json, "{\"auths\":{\"other\":{\"auth\":\"eDp5\"},\"%s\":{\"auth\":\"YWxpY2U6cGE6c3M=\"}}}",
		           forms[i]);
		CHECK (write_auth (json) == 0);
		CHECK (ct_auth_lookup ("reg.example:5000", &user, &pass, &err) == 0);
		CHECK_STR (user, "alice");
		CHECK_STR (pass, "pa:ss");
	}
	return 0;
}

static int
test_lookup_missing_and_broken (void)
{
	cleanup_free char *user = NULL;
	cleanup_free char *pass = NULL;
	ct_error_t err = NULL;

	CHECK (write_auth ("{\"auths\":{\"reg.example\":{\"auth\":\"eDp5\"}}}") == 0);
	CHECK (ct_auth_lookup ("reg.example:5000", &user, &pass, &err) == 1);
	CHECK (ct_auth_lookup ("other.example", &user, &pass, &err) == 1);

	CHECK (write_auth ("{\"auths\":{\"reg.example\":{\"auth\":\"not base64!\"}}}") == 0);
	CHECK (ct_auth_lookup ("reg.example", &user, &pass, &err) == -1);
	CHECK_ERR (err, "`auths.reg.example.auth`: not base64");
	ct_error_release (&err);

	CHECK (write_auth ("{\"auths\":{\"reg.example\":{\"auth\":\"bm9jb2xvbg==\"}}}") == 0);
	CHECK (ct_auth_lookup ("reg.example", &user, &pass, &err) == -1);
	CHECK_ERR (err, "not user:password");
	ct_error_release (&err);

	CHECK (write_auth ("[1]") == 0);
	CHECK (ct_auth_lookup ("reg.example", &user, &pass, &err) == -1);
	CHECK_ERR (err, "not a JSON object");
	ct_error_release (&err);
	return 0;
}

static int
test_store_remove_roundtrip (void)
{
	cleanup_free char *user = NULL;
	cleanup_free char *pass = NULL;
	ct_error_t err = NULL;

	CHECK (write_auth ("{}") == 0);
	CHECK (ct_auth_store ("reg.example", "bob", "s3cret", &err) == 0);
	CHECK (ct_auth_lookup ("reg.example", &user, &pass, &err) == 0);
	CHECK_STR (user, "bob");
	CHECK_STR (pass, "s3cret");
	CHECK (ct_auth_remove ("reg.example", &err) == 0);
	CHECK (ct_auth_remove ("reg.example", &err) == 1);
	CHECK (ct_auth_lookup ("reg.example", &user, &pass, &err) == 1);
	return 0;
}

static const struct tap_test tests[] = {
	TAP_TEST (test_challenge_bearer),          TAP_TEST (test_challenge_odd_spacing_and_escapes),
	TAP_TEST (test_challenge_no_params),       TAP_TEST (test_lookup_key_forms),
	TAP_TEST (test_lookup_missing_and_broken), TAP_TEST (test_store_remove_roundtrip),
};

int
main (void)
{
	int r;
	ct_error_t err = NULL;

	if (mkdtemp (tmpdir) == NULL)
		return 1;
	r = tap_run (tests, TAP_COUNT (tests));
	if (ct_fs_rm_rf_at (AT_FDCWD, tmpdir, &err) < 0)
		ct_error_release (&err);
	return r;
}
