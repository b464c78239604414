/* Edits of an image configuration (image-spec config.md) made on its JSON
   tree, not on struct ct_image_config: the members an edit changes are
   rewritten in place and every other member keeps its value and position,
   including the ones our model does not know (Healthcheck, ArgsEscaped,
   OnBuild, Shell, Docker's container_config, an extension's keys...), so
   the new config differs from the old one by the edit only.  The output
   is compact JSON (a beautified input is not kept beautified).

   `cimage config` makes an edit from its options; `cimage commit` can use
   diff_id + history for the layer it adds. */
#ifndef CT_OCISPEC_CONFIG_EDIT_H
#define CT_OCISPEC_CONFIG_EDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "ocispec/image.h"

/* Everything owned (ct_config_edit_clear); NULL / false / 0: unchanged. */
struct ct_config_edit {
	/* config.Env: each "NAME=VALUE" replaces the first entry of NAME
	   (later entries of NAME are dropped), else it is appended */
	char **env;
	/* config.Entrypoint / config.Cmd when *_set: the new vector; an empty
	   one is written as [] (present, adding nothing to process.args) */
	char **entrypoint;
	bool entrypoint_set;
	char **cmd;
	bool cmd_set;
	char *working_dir; /* config.WorkingDir */
	char *user;        /* config.User */
	char *stop_signal; /* config.StopSignal */
	/* config.Labels: each key set (its value replaced where it is, else
	   appended) */
	struct ct_rt_map labels;
	/* keys added to config.ExposedPorts ("80/tcp") and config.Volumes
	   ("/data"), with {} as value; keys already there are kept as they are */
	char **exposed_ports;
	char **volumes;
	char *diff_id;             /* appended to rootfs.diff_ids */
	struct ct_history history; /* appended to history when history_set */
	bool history_set;
	/* empty entries ({}) put before `history`: commit gives base layers
	   that history has no entry for one of their own, so entries and
	   layers still pair up */
	size_t history_pad;
	char *created; /* the top-level created / author, replaced or added */
	char *author;
};

void ct_config_edit_clear (struct ct_config_edit *e);
/* Set label `key` (replacing an earlier set of the same key). */
void ct_config_edit_set_label (struct ct_config_edit *e, const char *key, const char *value);
/* Whether e changes anything. */
bool ct_config_edit_empty (const struct ct_config_edit *e);

/* Check `data` is an image config (ct_image_config_decode; `source` prefixes
   its errors), apply e, and return the new document in *out (malloc'd,
   *out_len bytes). */
int ct_config_edit_apply (const char *data, size_t len, const char *source, const struct ct_config_edit *e, char **out,
                          size_t *out_len, ct_error_t *err);

/* A JSON array of strings as --cmd and --entrypoint take it ("[]" gives an
   empty vector, never NULL).  Errors: "invalid JSON at line 1, column 3:
   ...", "not an array of strings". */
int ct_config_edit_parse_strv (const char *json, char ***out, ct_error_t *err);

#endif
