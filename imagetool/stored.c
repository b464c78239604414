#include "common.h"

#include "stored.h"

int
cimage_read_manifest (struct ct_layout *l, const char *digest, struct ct_manifest **m, ct_error_t *err)
{
	cleanup_free char *buf = NULL;
	cleanup_free char *src = NULL;
	size_t len;

	if (ct_layout_read_blob (l, digest, CT_IMAGE_MAX_DOC, &buf, &len, err) < 0)
		return -1;
	xasprintf (&src, "manifest %s", digest);
	return ct_manifest_decode (buf, len, src, m, err);
}

int
cimage_read_index (struct ct_layout *l, const char *digest, struct ct_index **ix, ct_error_t *err)
{
	cleanup_free char *buf = NULL;
	cleanup_free char *src = NULL;
	size_t len;

	if (ct_layout_read_blob (l, digest, CT_IMAGE_MAX_DOC, &buf, &len, err) < 0)
		return -1;
	xasprintf (&src, "index %s", digest);
	return ct_index_decode (buf, len, src, ix, err);
}

int
cimage_read_config (struct ct_layout *l, const struct ct_manifest *m, char **raw, size_t *raw_len,
                    struct ct_image_config **c, ct_error_t *err)
{
	cleanup_free char *buf = NULL;
	cleanup_free char *src = NULL;
	size_t len;

	if (ct_layout_read_blob (l, m->config.digest, CT_IMAGE_MAX_DOC, &buf, &len, err) < 0)
		return -1;
	if (c != NULL) {
		xasprintf (&src, "config %s", m->config.digest);
		if (ct_image_config_decode (buf, len, src, c, err) < 0)
			return -1;
	}
	if (raw != NULL) {
		*raw = steal_pointer (&buf);
		*raw_len = len;
	}
	return 0;
}

/* For a descriptor that names an index, the manifest for this host that is
   in the store (history and inspect --config need one image). */
int
cimage_pick_manifest (struct ct_layout *l, const struct ct_descriptor *d, struct ct_descriptor *out, ct_error_t *err)
{
	cleanup_index struct ct_index *ix = NULL;
	struct ct_platform host;
	cleanup_free char *hs = NULL;

	if (ct_image_doc_kind (d->media_type) == CT_DOC_MANIFEST) {
		ct_descriptor_copy (out, d);
		return 0;
	}
	if (cimage_read_index (l, d->digest, &ix, err) < 0)
		return -1;
	ct_platform_host (&host);
	hs = ct_platform_format (&host);
	for (size_t i = 0; i < ix->n_manifests; i++) {
		const struct ct_descriptor *e = &ix->manifests[i];
		if (ct_image_doc_kind (e->media_type) == CT_DOC_MANIFEST && ct_platform_match (e->platform, &host) &&
		    ct_layout_has_blob (l, e->digest, e->size)) {
			ct_descriptor_copy (out, e);
			ct_platform_clear (&host);
			return 0;
		}
	}
	ct_platform_clear (&host);
	return ct_make_error (err, 0, "image index %s has no manifest for %s in the store", d->digest, hs);
}

/* "CMD `REF`: image is not in the store" for a name that resolves to
   nothing; any other error gets the "CMD `REF`" context. */
int
cimage_ref_error (const char *cmd, const char *ref, ct_error_t *err)
{
	if (*err != NULL && ct_error_status (*err) == ENOENT && strstr ((*err)->msg, "is not in the store") != NULL) {
		ct_error_release (err);
		return ct_make_error (err, 0, "%s `%s`: image is not in the store", cmd, ref);
	}
	return ct_error_wrap (err, "%s `%s`", cmd, ref);
}
