/* The cruntime subcommands: one file each under runtime/cmd/ (STYLE.md 3.6).
   Each returns -1 with *err set on failure, else the process exit status
   (0, or for `run` and `exec` the process's status: exit code or 128 + signal;
   `exec` reports its own failures and returns 255, as runc). */
#ifndef RT_CMDS_H
#define RT_CMDS_H

#include <stdbool.h>

#include "cli.h"

struct rt_create_opts;

#define CREATE_USAGE                                                                          \
	"cruntime create [-b|--bundle DIR] [--pid-file F] [--console-socket S] [--no-pivot] " \
	"[--no-new-keyring] [--preserve-fds N] ID"

int cmd_spec (struct ct_globals *g, int argc, char **argv, ct_error_t *err);
int cmd_features (struct ct_globals *g, int argc, char **argv, ct_error_t *err);
int cmd_run (struct ct_globals *g, int argc, char **argv, ct_error_t *err);
int cmd_create (struct ct_globals *g, int argc, char **argv, ct_error_t *err);
int cmd_start (struct ct_globals *g, int argc, char **argv, ct_error_t *err);
int cmd_state (struct ct_globals *g, int argc, char **argv, ct_error_t *err);
int cmd_kill (struct ct_globals *g, int argc, char **argv, ct_error_t *err);
int cmd_delete (struct ct_globals *g, int argc, char **argv, ct_error_t *err);
int cmd_list (struct ct_globals *g, int argc, char **argv, ct_error_t *err);
int cmd_exec (struct ct_globals *g, int argc, char **argv, ct_error_t *err);
int cmd_ps (struct ct_globals *g, int argc, char **argv, ct_error_t *err);
int cmd_pause (struct ct_globals *g, int argc, char **argv, ct_error_t *err);
int cmd_resume (struct ct_globals *g, int argc, char **argv, ct_error_t *err);
int cmd_events (struct ct_globals *g, int argc, char **argv, ct_error_t *err);
int cmd_update (struct ct_globals *g, int argc, char **argv, ct_error_t *err);

/* Options shared by create and run (run also takes -d and --keep).
   Returns 0, 1 when --help was answered, or -1. */
int cmd_create_parse (int argc, char **argv, bool is_run, struct rt_create_opts *o, bool *detach, ct_error_t *err);

/* Parse `CMD [--help] ID`: 0, 1 when --help was answered, or -1. */
int cmd_id_only (int argc, char **argv, const char *usage, ct_error_t *err);

#endif
