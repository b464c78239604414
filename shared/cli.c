#include "common.h"

#include "cli.h"
#include "log.h"

const struct ct_command *
ct_cli_find (const struct ct_command *cmds, const char *name)
{
	for (; cmds->name != NULL; cmds++)
		if (strcmp (cmds->name, name) == 0)
			return cmds;
	return NULL;
}

void
ct_cli_print_commands (FILE *f, const struct ct_command *cmds)
{
	fputs ("COMMANDS:\n", f);
	for (; cmds->name != NULL; cmds++)
		fprintf (f, "   %-10s %s%s\n", cmds->name, cmds->summary, cmds->fn ? "" : " (not implemented yet)");
}

static bool
wants_help (int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp (argv[i], "--") == 0)
			return false;
		if (strcmp (argv[i], "--help") == 0 || strcmp (argv[i], "-h") == 0)
			return true;
	}
	return false;
}

int
ct_cli_dispatch (struct ct_globals *g, const struct ct_command *cmds, int argc, char **argv, ct_error_t *err)
{
	const struct ct_command *cmd;

	if (argc < 1)
		return ct_make_error (err, 0, "no command given; see `%s --help`", g->tool);
	cmd = ct_cli_find (cmds, argv[0]);
	if (cmd == NULL)
		return ct_make_error (err, 0, "unknown command `%s`; see `%s --help`", argv[0], g->tool);
	if (cmd->fn == NULL && wants_help (argc, argv)) {
		printf ("usage: %s\n\n%s.\n", cmd->usage ? cmd->usage : cmd->name, cmd->summary);
		return 0;
	}
	if (cmd->fn == NULL)
		return ct_make_error (err, 0, "%s %s: not implemented yet", g->tool, cmd->name);
	/* optind = 0 asks glibc (and musl) for a full re-initialisation of getopt. */
	optind = 0;
	return cmd->fn (g, argc, argv, err);
}

int
ct_cli_getopt (int argc, char **argv, const char *shortopts, const struct option *longopts, ct_error_t *err)
{
	cleanup_free char *opts = NULL;
	int c;
	int idx = -1;

	/* A ':' first (after a '+') makes getopt report a missing argument as ':'
	   and print nothing: the message is ours, in runc's wording. */
	if (shortopts[0] == '+')
		xasprintf (&opts, "+:%s", shortopts + 1);
	else
		xasprintf (&opts, ":%s", shortopts);
	opterr = 0;
	c = getopt_long (argc, argv, opts, longopts, &idx);
	if (c == ':') {
		/* The option lacking its argument is the last word getopt consumed. */
		const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
		if (strncmp (arg, "--", 2) == 0)
			return ct_make_error (err, 0, "flag needs an argument: %s", arg), '?';
		return ct_make_error (err, 0, "flag needs an argument: -%c", optopt), '?';
	}
	if (c == '?') {
		if (optopt != 0)
			return ct_make_error (err, 0, "flag provided but not defined: -%c", optopt), '?';
		return ct_make_error (err, 0, "flag provided but not defined: %s", argv[optind - 1]), '?';
	}
	return c;
}

int
ct_cli_args (int argc, char **argv, int min, int max, const char *usage, ct_error_t *err)
{
	int n = argc - optind;

	if (n < min || (max >= 0 && n > max)) {
		if (min == max)
			return ct_make_error (err, 0, "`%s` requires exactly %d argument%s; usage: %s", argv[0], min,
			                      min == 1 ? "" : "s", usage);
		if (n < min)
			return ct_make_error (err, 0, "`%s` requires at least %d argument%s; usage: %s", argv[0], min,
			                      min == 1 ? "" : "s", usage);
		return ct_make_error (err, 0, "`%s` takes at most %d argument%s; usage: %s", argv[0], max,
		                      max == 1 ? "" : "s", usage);
	}
	return 0;
}

void
ct_cli_print_version (FILE *f, const char *tool, const char *extra)
{
	fprintf (f, "%s version %s\ncommit: %s\nspec: %s\n", tool, PACKAGE_VERSION, CT_COMMIT,
	         CT_OCI_RUNTIME_SPEC_VERSION);
	if (extra != NULL)
		fputs (extra, f);
}

int
ct_cli_exit (int r, ct_error_t *err)
{
	if (r >= 0 && (fflush (stdout) != 0 || ferror (stdout))) {
		ct_make_error (err, errno, "write to stdout");
		r = -1;
	}
	if (r < 0) {
		ct_log_error_release (err);
		return 1;
	}
	return r;
}
