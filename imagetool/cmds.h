/* The cimage commands (imagetool/main.c's table); each in its cmd-*.c. */
#ifndef CT_IMAGETOOL_CMDS_H
#define CT_IMAGETOOL_CMDS_H

#include "cli.h"

int cmd_pull (struct ct_globals *g, int argc, char **argv, ct_error_t *err);
int cmd_push (struct ct_globals *g, int argc, char **argv, ct_error_t *err);
int cmd_copy (struct ct_globals *g, int argc, char **argv, ct_error_t *err);
int cmd_login (struct ct_globals *g, int argc, char **argv, ct_error_t *err);
int cmd_unpack (struct ct_globals *g, int argc, char **argv, ct_error_t *err);
int cmd_umount (struct ct_globals *g, int argc, char **argv, ct_error_t *err);
int cmd_commit (struct ct_globals *g, int argc, char **argv, ct_error_t *err);
int cmd_logout (struct ct_globals *g, int argc, char **argv, ct_error_t *err);
int cmd_config (struct ct_globals *g, int argc, char **argv, ct_error_t *err);

#endif
