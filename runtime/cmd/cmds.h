/* The cruntime subcommands: one file each under runtime/cmd/ (STYLE.md 3.6).
   Each returns -1 with *err set on failure, else the process exit status
   (0, or for `run` the container's status: exit code or 128 + signal). */
#ifndef RT_CMDS_H
#define RT_CMDS_H

#include "cli.h"

int cmd_spec (struct ct_globals *g, int argc, char **argv, ct_error_t *err);
int cmd_features (struct ct_globals *g, int argc, char **argv, ct_error_t *err);
int cmd_run (struct ct_globals *g, int argc, char **argv, ct_error_t *err);

#endif
