#include "common.h"

#include "tap.h"

static int
fails_with_enoent (ct_error_t *err)
{
	return ct_make_error (err, ENOENT, "open `%s`", "x/state.json");
}

static int
test_make_and_wrap (void)
{
	ct_error_t err = NULL;
	cleanup_free char *s = NULL;

	CHECK (fails_with_enoent (&err) == -1);
	CHECK (ct_error_wrap (&err, "load state of `%s`", "x") == -1);
	CHECK_STR (err->msg, "load state of `x`: open `x/state.json`");
	CHECK (ct_error_status (err) == ENOENT);
	s = ct_error_string (err);
	CHECK_STR (s, "load state of `x`: open `x/state.json`: No such file or directory");
	ct_error_release (&err);
	CHECK (err == NULL);
	return 0;
}

static int
test_set_once (void)
{
	ct_error_t err = NULL;

	ct_make_error (&err, EPERM, "first");
	ct_make_error (&err, EINVAL, "second");
	CHECK_STR (err->msg, "first");
	CHECK (err->status == EPERM);
	ct_error_release (&err);
	return 0;
}

static int
test_steal (void)
{
	cleanup_free char *p = xstrdup ("x");
	cleanup_close int fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
	char *q = steal_pointer (&p);
	int fd2 = steal_fd (&fd);

	CHECK (p == NULL && q != NULL);
	CHECK (fd == -1 && fd2 >= 0);
	free (q);
	close (fd2);
	return 0;
}

int
main (void)
{
	static const struct tap_test tests[] = {
		TAP_TEST (test_make_and_wrap),
		TAP_TEST (test_set_once),
		TAP_TEST (test_steal),
	};
	return tap_run (tests, TAP_COUNT (tests));
}
