/* Registry credentials in the containers-auth.json / ~/.docker/config.json
   format ({"auths":{"HOST":{"auth":"base64(user:pass)"}}}), as podman, skopeo
   and docker read and write them.
   Lookup order: REGISTRY_AUTH_FILE; $XDG_RUNTIME_DIR/containers/auth.json;
   ~/.docker/config.json.  `login` writes (and `logout` edits) the first of
   REGISTRY_AUTH_FILE or $XDG_RUNTIME_DIR/containers/auth.json (else
   ~/.docker/config.json when XDG_RUNTIME_DIR is unset), atomically, mode 0600,
   keeping every other key of the file.  credHelpers/credsStore are not run:
   a host that only has one is reported as having no stored credentials. */
#ifndef CT_IMAGETOOL_AUTH_H
#define CT_IMAGETOOL_AUTH_H

#include "error.h"

/* 0 with *user and *pass (malloc'd) when found; 1 when no file has the host;
   -1 on a broken file ("`FILE`: `auths.HOST.auth`: not base64"). Keys may be
   "HOST", "https://HOST", "http://HOST", "HOST/v2/" forms, as docker writes. */
int ct_auth_lookup (const char *host, char **user, char **pass, ct_error_t *err);
int ct_auth_store (const char *host, const char *user, const char *pass, ct_error_t *err);
/* 1 when there was nothing to remove. */
int ct_auth_remove (const char *host, ct_error_t *err);
/* The file login writes (malloc'd), for messages. */
char *ct_auth_write_path (ct_error_t *err);

#endif
