/* OCI image-spec documents (image-spec v1.1: descriptor.md, manifest.md,
   image-index.md, config.md) and the Docker schema-2 forms a registry may
   send, as cimage and cbuild read and write them.

   Decoders take the raw bytes (never more than CT_IMAGE_MAX_DOC, 4 MiB:
   "manifest too large"), check every field's type and the grammar of digests
   and media types, ignore unknown keys, and name the JSON path on errors:
     "`layers[2].digest`: invalid digest `sha256:xyz`: ...".
   `source` (e.g. "manifest sha256:ab12...") prefixes every message.
   Encoders write compact JSON with a fixed key order (the order of the
   structs below), so equal documents give equal bytes and digests.
   Strings are owned; every struct has a _free. */
#ifndef CT_OCISPEC_IMAGE_H
#define CT_OCISPEC_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "ocispec/runtime.h" /* struct ct_rt_map: parallel key/value vectors */

#define CT_IMAGE_MAX_DOC (4u * 1024 * 1024)

/* Media types. */
#define CT_MT_OCI_MANIFEST          "application/vnd.oci.image.manifest.v1+json"
#define CT_MT_OCI_INDEX             "application/vnd.oci.image.index.v1+json"
#define CT_MT_OCI_CONFIG            "application/vnd.oci.image.config.v1+json"
#define CT_MT_OCI_LAYER             "application/vnd.oci.image.layer.v1.tar"
#define CT_MT_OCI_LAYER_GZIP        "application/vnd.oci.image.layer.v1.tar+gzip"
#define CT_MT_OCI_LAYER_ZSTD        "application/vnd.oci.image.layer.v1.tar+zstd"
#define CT_MT_OCI_LAYER_ND          "application/vnd.oci.image.layer.nondistributable.v1.tar"
#define CT_MT_OCI_LAYER_ND_GZIP     "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"
#define CT_MT_OCI_LAYER_ND_ZSTD     "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd"
#define CT_MT_OCI_EMPTY             "application/vnd.oci.empty.v1+json"
#define CT_MT_DOCKER_MANIFEST       "application/vnd.docker.distribution.manifest.v2+json"
#define CT_MT_DOCKER_LIST           "application/vnd.docker.distribution.manifest.list.v2+json"
#define CT_MT_DOCKER_CONFIG         "application/vnd.docker.container.image.v1+json"
#define CT_MT_DOCKER_LAYER_GZIP     "application/vnd.docker.image.rootfs.diff.tar.gzip"
#define CT_MT_DOCKER_LAYER_FOREIGN  "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"
#define CT_MT_DOCKER_SCHEMA1        "application/vnd.docker.distribution.manifest.v1+json"
#define CT_MT_DOCKER_SCHEMA1_SIGNED "application/vnd.docker.distribution.manifest.v1+prettyjws"

#define CT_ANNOTATION_REF_NAME "org.opencontainers.image.ref.name"

/* What a document is, from its media type. */
enum ct_doc_kind {
	CT_DOC_UNKNOWN = 0,
	CT_DOC_MANIFEST, /* OCI manifest or Docker schema-2 manifest */
	CT_DOC_INDEX,    /* OCI index or Docker manifest list */
};
enum ct_doc_kind ct_image_doc_kind (const char *media_type);
/* A document's media type when the transport did not say: its `mediaType`
   member, else (OCI allows it to be absent) "manifests" -> index, "config" ->
   manifest.  NULL when neither (caller's error).  Malloc'd. */
char *ct_image_sniff_media_type (const char *data, size_t len);

struct ct_platform {
	char *architecture; /* required in an index entry's platform */
	char *os;           /* required */
	char *os_version;   /* "os.version" */
	char **os_features; /* "os.features" */
	char *variant;
};

struct ct_descriptor {
	char *media_type; /* required */
	char *digest;     /* required, validated with ct_digest_parse */
	int64_t size;     /* required, >= 0 */
	char **urls;
	struct ct_rt_map annotations;
	char *artifact_type;
	struct ct_platform *platform; /* NULL when absent */
	                              /* `data` (embedded content) is read only to be checked against digest. */
};

struct ct_manifest {
	int schema_version; /* must be 2 */
	char *media_type;   /* as written in the document; may be NULL for OCI */
	char *artifact_type;
	struct ct_descriptor config;
	struct ct_descriptor *layers;
	size_t n_layers;
	struct ct_descriptor *subject; /* NULL when absent */
	struct ct_rt_map annotations;
};

struct ct_index {
	int schema_version; /* must be 2 */
	char *media_type;
	char *artifact_type;
	struct ct_descriptor *manifests;
	size_t n_manifests;
	struct ct_descriptor *subject;
	struct ct_rt_map annotations;
};

struct ct_history {
	char *created;
	char *created_by;
	char *author;
	char *comment;
	bool empty_layer;
};

/* The image configuration (config.md).  `config` members are what
   conversion.md maps to a runtime config. */
struct ct_image_config {
	char *created;
	char *author;
	char *architecture; /* required */
	char *os;           /* required */
	char *os_version;
	char **os_features;
	char *variant;
	struct {
		char *user;
		char **exposed_ports; /* keys of ExposedPorts: "80/tcp" */
		char **env;
		char **entrypoint;
		bool entrypoint_present; /* null vs [] matter to conversion.md */
		char **cmd;
		bool cmd_present;
		char **volumes; /* keys of Volumes */
		char *working_dir;
		struct ct_rt_map labels;
		char *stop_signal;
	} config;
	char **diff_ids; /* rootfs.diff_ids; rootfs.type must be "layers" */
	struct ct_history *history;
	size_t n_history;
};

/* ---- decoding ---- */
int ct_manifest_decode (const char *data, size_t len, const char *source, struct ct_manifest **out, ct_error_t *err);
int ct_index_decode (const char *data, size_t len, const char *source, struct ct_index **out, ct_error_t *err);
int ct_image_config_decode (const char *data, size_t len, const char *source, struct ct_image_config **out,
                            ct_error_t *err);

/* ---- encoding (compact, fixed key order, no trailing newline) ---- */
int ct_manifest_encode (const struct ct_manifest *m, char **out, size_t *len, ct_error_t *err);
int ct_index_encode (const struct ct_index *ix, char **out, size_t *len, ct_error_t *err);
int ct_image_config_encode (const struct ct_image_config *c, char **out, size_t *len, ct_error_t *err);

/* ---- Docker schema 2 -> OCI (specs/store-format.md "CONTENT") ----
   Media types mapped (Docker manifest -> OCI manifest, list -> index, Docker
   config -> OCI config, Docker layer gzip -> OCI layer gzip, foreign ->
   nondistributable); digests, sizes, urls and platform unchanged.  An OCI
   document is returned re-encoded only when something changed: *changed
   says whether the caller must store new bytes. */
int ct_manifest_to_oci (struct ct_manifest *m, bool *changed, ct_error_t *err);
int ct_index_to_oci (struct ct_index *ix, bool *changed, ct_error_t *err);
/* A layer media type this project can unpack (tar, +gzip, +zstd, OCI or Docker). */
bool ct_image_layer_type_known (const char *media_type);

/* ---- platforms ---- */
/* Parse "os/arch[/variant]" ("linux/arm64/v8").  Errors name the string. */
int ct_platform_parse (const char *s, struct ct_platform *out, ct_error_t *err);
/* The host's platform as Go spells it (linux/amd64, linux/arm64/v8, ...). */
void ct_platform_host (struct ct_platform *out);
/* Whether an index entry's platform satisfies `want` (os and architecture
   equal; variant equal when want has one; arm64 treats no variant as v8). */
bool ct_platform_match (const struct ct_platform *have, const struct ct_platform *want);
/* "linux/arm64/v8", malloc'd. */
char *ct_platform_format (const struct ct_platform *p);

/* ---- ownership ---- */
void ct_platform_clear (struct ct_platform *p);
void ct_platform_free (struct ct_platform *p);
void ct_descriptor_clear (struct ct_descriptor *d);
/* Deep copy into *dst (which is overwritten, not freed). */
void ct_descriptor_copy (struct ct_descriptor *dst, const struct ct_descriptor *src);
/* The value of annotation `key`, or NULL. */
const char *ct_descriptor_annotation (const struct ct_descriptor *d, const char *key);
void ct_descriptor_set_annotation (struct ct_descriptor *d, const char *key, const char *value);
void ct_manifest_free (struct ct_manifest *m);
void ct_index_free (struct ct_index *ix);
void ct_image_config_free (struct ct_image_config *c);
void ct_manifest_freep (struct ct_manifest **m);
void ct_index_freep (struct ct_index **ix);
void ct_image_config_freep (struct ct_image_config **c);
#define cleanup_manifest     __attribute__ ((cleanup (ct_manifest_freep)))
#define cleanup_index        __attribute__ ((cleanup (ct_index_freep)))
#define cleanup_image_config __attribute__ ((cleanup (ct_image_config_freep)))

#endif
