/* The small JSON documents of image archives, kept here with the other
   image-spec decoders (STYLE.md 3.5: JSON stays in shared/ocispec/):
   - oci-layout (image-layout.md): {"imageLayoutVersion":"1.0.0"};
   - a docker archive's manifest.json (`docker save`, skopeo docker-archive):
       [{"Config":"<hex>.json","RepoTags":["app:1"],"Layers":["<hex>.tar",...]}]
   - its legacy `repositories` file: {"app":{"1":"<top layer id>"}}. */
#ifndef CT_OCISPEC_DOCKER_ARCHIVE_H
#define CT_OCISPEC_DOCKER_ARCHIVE_H

#include <stddef.h>

#include "error.h"

/* Check an oci-layout document: imageLayoutVersion must be 1.x. */
int ct_oci_layout_check (const char *data, size_t len, const char *source, ct_error_t *err);
/* The oci-layout this project writes (static, no trailing newline). */
extern const char ct_oci_layout_doc[];

struct ct_docker_archive_entry {
	char *config;     /* member name of the config */
	char **repo_tags; /* NULL-terminated; may be NULL */
	char **layers;    /* member names, NULL-terminated, bottom first */
	size_t n_layers;
};

int ct_docker_archive_manifest_decode (const char *data, size_t len, const char *source,
                                       struct ct_docker_archive_entry **out, size_t *n, ct_error_t *err);
/* One entry as manifest.json (compact, keys Config, RepoTags, Layers). */
int ct_docker_archive_manifest_encode (const struct ct_docker_archive_entry *e, size_t n, char **out, size_t *len,
                                       ct_error_t *err);
/* {"REPO":{"TAG":"ID"}} */
int ct_docker_archive_repositories_encode (const char *repo, const char *tag, const char *id, char **out, size_t *len,
                                           ct_error_t *err);
void ct_docker_archive_entries_free (struct ct_docker_archive_entry *e, size_t n);

#endif
