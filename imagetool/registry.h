/* A registry client (OCI distribution spec v1.1 / Docker registry API v2)
   over libcurl, for one repository of one registry.

   - Auth: anonymous first; on 401 the WWW-Authenticate challenge decides:
     Basic (credentials from auth.h, or the ones given) or Bearer (GET the
     realm with service and scope=repository:REPO:pull[,push], basic-authed
     when credentials exist; "token" or "access_token" from the answer, reused
     until 401 again).  A 401 with credentials: "HOST: authentication
     failed (401): <registry error code>".
   - TLS verified (libcurl's CA bundle plus *.crt in cert_dir, else
     /etc/containers/certs.d/HOST/ and /etc/docker/certs.d/HOST/; client
     cert.pem/key.pem pairs there too).  Plain http only when tls_verify is
     false or the host is localhost / 127.0.0.0/8 / ::1: https is tried first
     and http used when the TLS handshake fails (as skopeo does for insecure
     registries).
   - Timeouts: connect 30 s; a transfer that receives no byte for 30 s fails
     (CURLOPT_LOW_SPEED_LIMIT 1 / _TIME 30).  Retries with backoff (0.5, 1,
     2 s; 3 retries) on connect errors, timeouts, 429 (Retry-After honoured up
     to 10 s) and 5xx.
   - Errors name the reference, the HTTP status and the registry's error
     code: "pull `127.0.0.1:5000/app:1`: manifest unknown (404)".
   - Manifests and indexes over CT_IMAGE_MAX_DOC (4 MiB) are refused, from
     Content-Length when sent, else while streaming.
   - Blob transfers run in parallel (curl multi, one thread, at most
     `parallel` at once) and every downloaded byte goes through a
     ct_blob_writer, so a blob is stored only when its digest and size
     match; an interrupted download resumes with a Range request. */
#ifndef CT_IMAGETOOL_REGISTRY_H
#define CT_IMAGETOOL_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "ocispec/image.h"
#include "progress.h"
#include "store.h"

struct ct_registry_opts {
	int tls_verify;       /* -1: default (verify, except localhost rules), 0: --tls-verify=false, 1: forced */
	const char *cert_dir; /* --cert-dir, or NULL */
	const char *user;     /* explicit credentials (login), or NULL: auth.h lookup */
	const char *pass;
	int parallel;   /* concurrent blob transfers; <= 0: 6 */
	bool push;      /* ask tokens for pull,push */
	const char *op; /* "pull", "push", "copy", "inspect", "login": first word of errors */
};

struct ct_registry;

/* host as in the reference ("localhost:5000", "docker.io"); repository "app". */
int ct_registry_open (const char *host, const char *repository, const struct ct_registry_opts *opts,
                      struct ct_registry **out, ct_error_t *err);
void ct_registry_free (struct ct_registry *r);
void ct_registry_freep (struct ct_registry **r);
#define cleanup_registry __attribute__ ((cleanup (ct_registry_freep)))

/* GET /v2/ with the auth flow: what `login` checks. */
int ct_registry_ping (struct ct_registry *r, ct_error_t *err);

/* GET a manifest or index by tag or digest, Accept: the four OCI/Docker
   manifest and index types.  *media_type from Content-Type (or sniffed when
   it is missing or generic), *digest computed over the bytes; when `ref` is
   a digest the bytes must match it.  All outputs malloc'd. */
int ct_registry_get_manifest (struct ct_registry *r, const char *ref, char **buf, size_t *len, char **media_type,
                              char **digest, ct_error_t *err);

/* Download blobs (configs and layers) into `dest`: those already there are
   skipped (progress "exists"), the others fetched in parallel and committed
   through ct_blob_writer.  All or error: on failure no partial blob is
   visible, completed ones stay (a re-run skips them). */
int ct_registry_fetch_blobs (struct ct_registry *r, const struct ct_descriptor *blobs, size_t n, struct ct_layout *dest,
                             struct ct_progress *progress, ct_error_t *err);
/* Download one small blob into memory (at most max bytes), verified. */
int ct_registry_get_blob (struct ct_registry *r, const struct ct_descriptor *d, size_t max, char **buf, size_t *len,
                          ct_error_t *err);

/* Upload blobs from `src`: HEAD first (skip what the registry has), then a
   cross-repository mount from `mount_from` (a repository on the same
   registry, may be NULL), else POST + PUT (monolithic) or POST + PATCH... +
   PUT (chunked, for blobs larger than chunk_size when the registry accepts
   it).  Parallel as fetch_blobs. */
int ct_registry_push_blobs (struct ct_registry *r, const struct ct_descriptor *blobs, size_t n, struct ct_layout *src,
                            const char *mount_from, struct ct_progress *progress, ct_error_t *err);

/* PUT /v2/REPO/manifests/REF with Content-Type media_type. */
int ct_registry_put_manifest (struct ct_registry *r, const char *ref, const char *media_type, const char *buf,
                              size_t len, ct_error_t *err);

/* Parse a WWW-Authenticate challenge `Scheme k="v", k2=v2`: the scheme
   (malloc'd) and its parameters as parallel NULL-terminated vectors (keys
   lowercased; quoted values may hold commas, spaces and \" escapes).
   Exposed for the unit tests. */
char *ct_registry_parse_challenge (const char *challenge, char ***keys, char ***values);

#endif
