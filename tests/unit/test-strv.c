#include "common.h"

#include "strv.h"
#include "tap.h"

static int
test_new_len_join (void)
{
	cleanup_strv char **v = CT_STRV ("sh", "-c", "echo hi");
	cleanup_free char *j = ct_strv_join (v, " ");
	cleanup_free char *e = ct_strv_join (NULL, ",");

	CHECK (ct_strv_len (v) == 3);
	CHECK (v[3] == NULL);
	CHECK_STR (j, "sh -c echo hi");
	CHECK_STR (e, "");
	CHECK (ct_strv_len (NULL) == 0);
	return 0;
}

static int
test_dup_push_contains (void)
{
	cleanup_strv char **v = NULL;
	cleanup_strv char **d = NULL;
	cleanup_free char *j = NULL;

	CHECK (ct_strv_dup (NULL) == NULL);
	ct_strv_push (&v, "PATH=/bin");
	ct_strv_take (&v, xstrdup ("TERM=xterm"));
	CHECK (ct_strv_len (v) == 2);
	d = ct_strv_dup (v);
	CHECK (d != v && d[0] != v[0]);
	j = ct_strv_join (d, ";");
	CHECK_STR (j, "PATH=/bin;TERM=xterm");
	CHECK (ct_strv_contains (d, "TERM=xterm"));
	CHECK (!ct_strv_contains (d, "TERM"));
	CHECK (!ct_strv_contains (NULL, "x"));
	return 0;
}

static int
test_free_null (void)
{
	char **v = ct_strv_new (NULL);
	CHECK (v != NULL && v[0] == NULL);
	ct_strv_free (v);
	ct_strv_free (NULL);
	return 0;
}

int
main (void)
{
	static const struct tap_test tests[] = {
		TAP_TEST (test_new_len_join),
		TAP_TEST (test_dup_push_contains),
		TAP_TEST (test_free_null),
	};
	return tap_run (tests, TAP_COUNT (tests));
}
