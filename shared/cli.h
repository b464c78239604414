/* Command-line conventions shared by cruntime, cimage and cbuild (STYLE.md 3.6).
   Each tool's main.c parses its global options with a "+" optstring, then
   ct_cli_dispatch() finds the command row, resets getopt and calls it.
   A command is `int cmd_<name> (struct ct_globals *, int argc, char **argv,
   ct_error_t *err)` with argv[0] = the command name; it returns 0 or -1 + err. */
#ifndef CT_CLI_H
#define CT_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "error.h"

struct ct_globals {
	const char *tool;       /* "cruntime", "cimage", "cbuild" */
	const char *root;       /* cruntime --root (state directory) */
	const char *log_path;   /* --log */
	const char *log_format; /* --log-format text|json */
	const char *log_level;  /* --log-level */
	bool debug;             /* --debug */
	bool systemd_cgroup;    /* cruntime --systemd-cgroup */
	const char *rootless;   /* cruntime --rootless true|false|auto */
	const char *store;      /* cimage/cbuild --store */
	bool quiet;             /* cimage -q */
};

typedef int (*ct_cmd_fn) (struct ct_globals *g, int argc, char **argv, ct_error_t *err);

struct ct_command {
	const char *name;
	ct_cmd_fn fn; /* NULL: planned, answers "not implemented yet" with exit 1 */
	const char *summary;
	const char *usage; /* "cimage tag NAME NEWNAME": printed by `CMD --help` of a planned command */
};

/* Find `name` in a table ending with a {NULL} row. */
const struct ct_command *ct_cli_find (const struct ct_command *cmds, const char *name);

/* Print "COMMANDS:" and one aligned row per command. */
void ct_cli_print_commands (FILE *f, const struct ct_command *cmds);

/* Run the command argv[0] from `cmds`: resets getopt (optind = 0), calls it.
   An unknown command or a planned one fails through err, except that a planned
   command asked for `--help`/`-h` prints its usage and summary and returns 0:
   people and scripts can learn an interface before it exists. */
int ct_cli_dispatch (struct ct_globals *g, const struct ct_command *cmds, int argc, char **argv, ct_error_t *err);

/* getopt_long with runc's wording for mistakes:
   "flag needs an argument: --bundle", "flag provided but not defined: -x".
   Returns the option (as getopt_long does), -1 at the end, or '?' with *err set.
   Call with opterr semantics handled here (no getopt message is printed). */
int ct_cli_getopt (int argc, char **argv, const char *shortopts, const struct option *longopts, ct_error_t *err);

/* Check the number of positional arguments left (argc - optind) is within
   [min, max] (max < 0: unbounded); else "`CMD` requires ..." with the usage. */
int ct_cli_args (int argc, char **argv, int min, int max, const char *usage, ct_error_t *err);

/* The end of every tool's main(): r < 0 reports *err (ct_log_error_release)
   and gives exit status 1; otherwise stdout is flushed, and a failed write
   (a full disk, a closed pipe) is reported the same way, so output is never
   lost silently; else r itself is the exit status. */
int ct_cli_exit (int r, ct_error_t *err);

/* Print runc-shaped version lines for `tool`:
   "<tool> version X\ncommit: C\nspec: S\n" plus any extra lines given (may be NULL). */
void ct_cli_print_version (FILE *f, const char *tool, const char *extra);

#endif
