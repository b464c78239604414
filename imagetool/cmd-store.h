/* The local store commands (specs/cimage.1.md): images, inspect, tag, rm,
   gc, history.  Readers open the store CT_LAYOUT_READ and treat a store that
   does not exist yet as empty; tag and rm open it CT_LAYOUT_WRITE, gc
   CT_LAYOUT_GC. */
#ifndef CT_IMAGETOOL_CMD_STORE_H
#define CT_IMAGETOOL_CMD_STORE_H

#include <stddef.h>

#include "cli.h"
#include "error.h"

int cmd_images (struct ct_globals *g, int argc, char **argv, ct_error_t *err);
int cmd_inspect (struct ct_globals *g, int argc, char **argv, ct_error_t *err);
int cmd_tag (struct ct_globals *g, int argc, char **argv, ct_error_t *err);
int cmd_rm (struct ct_globals *g, int argc, char **argv, ct_error_t *err);
int cmd_gc (struct ct_globals *g, int argc, char **argv, ct_error_t *err);
int cmd_history (struct ct_globals *g, int argc, char **argv, ct_error_t *err);

/* What inspect prints from: the manifest or index bytes of REF and, for a
   manifest, its config bytes.  cimage_inspect_fetch handles store names;
   other transports are to be added there (today they are an error). */
struct cimage_inspect_src {
	char *name;       /* the name to show ("Name") */
	char *digest;     /* of raw */
	char *media_type; /* of raw */
	char *raw;        /* manifest or index, as stored */
	size_t raw_len;
	char *config; /* NULL for an index */
	size_t config_len;
};
int cimage_inspect_fetch (struct ct_globals *g, const char *ref, struct cimage_inspect_src *out, ct_error_t *err);
void cimage_inspect_src_clear (struct cimage_inspect_src *s);

#endif
