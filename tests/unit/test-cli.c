#include "common.h"

#include "cli.h"
#include "tap.h"

static int called;

static int
cmd_ok (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	called++;
	/* dispatch hands over argv with the command name first and getopt reset */
	if (argc < 1 || strcmp (argv[0], "ok") != 0 || optind != 0)
		return ct_make_error (err, 0, "bad dispatch");
	return 7;
}

static const struct ct_command cmds[] = {
	{ "ok", cmd_ok, "an implemented command", "tool ok" },
	{ "later", NULL, "a planned command", "tool later [-x] ARG" },
	{ NULL, NULL, NULL, NULL },
};

static int
test_find_and_dispatch (void)
{
	struct ct_globals g = { .tool = "tool" };
	char *ok[] = { (char *) "ok", NULL };
	char *later[] = { (char *) "later", (char *) "x", NULL };
	char *nope[] = { (char *) "nope", NULL };
	ct_error_t err = NULL;

	CHECK (ct_cli_find (cmds, "later") == &cmds[1]);
	CHECK (ct_cli_find (cmds, "lat") == NULL);
	called = 0;
	CHECK (ct_cli_dispatch (&g, cmds, 1, ok, &err) == 7);
	CHECK (called == 1 && err == NULL);
	CHECK (ct_cli_dispatch (&g, cmds, 2, later, &err) == -1);
	CHECK_STR (err->msg, "tool later: not implemented yet");
	CHECK (err->status == 0);
	ct_error_release (&err);
	CHECK (ct_cli_dispatch (&g, cmds, 1, nope, &err) == -1);
	CHECK_STR (err->msg, "unknown command `nope`; see `tool --help`");
	ct_error_release (&err);
	CHECK (ct_cli_dispatch (&g, cmds, 0, nope, &err) == -1);
	CHECK_ERR (err, "no command given");
	ct_error_release (&err);
	return 0;
}

static int
test_planned_help (void)
{
	struct ct_globals g = { .tool = "tool" };
	char *help[] = { (char *) "later", (char *) "--help", NULL };
	char *after_dashes[] = { (char *) "later", (char *) "--", (char *) "--help", NULL };
	ct_error_t err = NULL;

	CHECK (ct_cli_dispatch (&g, cmds, 2, help, &err) == 0);
	CHECK (err == NULL);
	/* after "--", --help is an argument: the planned command still fails */
	CHECK (ct_cli_dispatch (&g, cmds, 3, after_dashes, &err) == -1);
	ct_error_release (&err);
	return 0;
}

static const struct option longopts[] = {
	{ "bundle", required_argument, NULL, 'b' },
	{ "detach", no_argument, NULL, 'd' },
	{ NULL, 0, NULL, 0 },
};

/* Run ct_cli_getopt over argv until it ends or fails; the last return value. */
static int
getopt_all (int argc, char **argv, const char *shortopts, ct_error_t *err)
{
	int c;

	optind = 0;
	while ((c = ct_cli_getopt (argc, argv, shortopts, longopts, err)) != -1)
		if (c == '?')
			return c;
	return c;
}

static int
test_getopt_runc_wording (void)
{
	char *missing_long[] = { (char *) "run", (char *) "--bundle", NULL };
	char *missing_short[] = { (char *) "run", (char *) "-b", NULL };
	char *unknown_long[] = { (char *) "run", (char *) "--frobnicate", NULL };
	char *unknown_short[] = { (char *) "run", (char *) "-x", NULL };
	char *fine[] = { (char *) "run", (char *) "--bundle=/b", (char *) "-d", (char *) "id", NULL };
	ct_error_t err = NULL;

	CHECK (getopt_all (2, missing_long, "b:d", &err) == '?');
	CHECK_STR (err->msg, "flag needs an argument: --bundle");
	ct_error_release (&err);
	CHECK (getopt_all (2, missing_short, "b:d", &err) == '?');
	CHECK_STR (err->msg, "flag needs an argument: -b");
	ct_error_release (&err);
	CHECK (getopt_all (2, unknown_long, "b:d", &err) == '?');
	CHECK_STR (err->msg, "flag provided but not defined: --frobnicate");
	ct_error_release (&err);
	CHECK (getopt_all (2, unknown_short, "b:d", &err) == '?');
	CHECK_STR (err->msg, "flag provided but not defined: -x");
	ct_error_release (&err);
	CHECK (getopt_all (4, fine, "b:d", &err) == -1);
	CHECK (err == NULL);
	CHECK (optind == 3);
	return 0;
}

static int
test_args_count (void)
{
	char *argv[] = { (char *) "tag", (char *) "a", (char *) "b", (char *) "c", NULL };
	ct_error_t err = NULL;

	optind = 1;
	CHECK (ct_cli_args (3, argv, 2, 2, "tool tag NAME NEWNAME", &err) == 0);
	CHECK (ct_cli_args (2, argv, 2, 2, "tool tag NAME NEWNAME", &err) == -1);
	CHECK_STR (err->msg, "`tag` requires exactly 2 arguments; usage: tool tag NAME NEWNAME");
	ct_error_release (&err);
	CHECK (ct_cli_args (4, argv, 1, 2, "u", &err) == -1);
	CHECK_ERR (err, "takes at most 2 arguments");
	ct_error_release (&err);
	CHECK (ct_cli_args (1, argv, 1, -1, "u", &err) == -1);
	CHECK_ERR (err, "requires at least 1 argument;");
	ct_error_release (&err);
	CHECK (ct_cli_args (4, argv, 1, -1, "u", &err) == 0);
	return 0;
}

int
main (void)
{
	static const struct tap_test tests[] = {
		TAP_TEST (test_find_and_dispatch),
		TAP_TEST (test_planned_help),
		TAP_TEST (test_getopt_runc_wording),
		TAP_TEST (test_args_count),
	};
	return tap_run (tests, TAP_COUNT (tests));
}
