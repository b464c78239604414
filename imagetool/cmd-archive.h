/* cimage export / import (cmd-archive.c). */
#ifndef CT_IMAGETOOL_CMD_ARCHIVE_H
#define CT_IMAGETOOL_CMD_ARCHIVE_H

#include "cli.h"

int cmd_export (struct ct_globals *g, int argc, char **argv, ct_error_t *err);
int cmd_import (struct ct_globals *g, int argc, char **argv, ct_error_t *err);

#endif
