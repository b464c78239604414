#include "common.h"

#include <ctype.h>
#include <inttypes.h>
#include <sys/utsname.h>

#include <yajl/yajl_tree.h>

#include "digest.h"
#include "json.h"
#include "strv.h"
#include "ocispec/image.h"

/* Decoders fill a zeroed struct the caller owns, so a failure half way is
   released by the ordinary free functions (as ocispec/runtime.c does). */

/* ------------------------------------------------------------ small helpers */

static void
map_clear (struct ct_rt_map *m)
{
	if (m->keys != NULL)
		for (size_t i = 0; i < m->n; i++)
			free (m->keys[i]);
	if (m->values != NULL)
		for (size_t i = 0; i < m->n; i++)
			free (m->values[i]);
	free (m->keys);
	free (m->values);
	m->keys = m->values = NULL;
	m->n = 0;
}

static void
map_copy (struct ct_rt_map *dst, const struct ct_rt_map *src)
{
	dst->n = src->n;
	dst->keys = NULL;
	dst->values = NULL;
	if (src->n == 0)
		return;
	dst->keys = xcalloc (src->n + 1, sizeof (char *));
	dst->values = xcalloc (src->n + 1, sizeof (char *));
	for (size_t i = 0; i < src->n; i++) {
		dst->keys[i] = xstrdup (src->keys[i]);
		dst->values[i] = xstrdup (src->values[i]);
	}
}

static char *
dup_or_null (const char *s)
{
	return s != NULL ? xstrdup (s) : NULL;
}

/* RFC 6838 section 4.2 restricted-name: 1-127 chars, first ALPHA/DIGIT, then
   ALPHA / DIGIT / "!" / "#" / "$" / "&" / "-" / "^" / "_" / "." / "+". */
static bool
restricted_name (const char *s, size_t len)
{
	if (len == 0 || len > 127 || !isalnum ((unsigned char) s[0]))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!isalnum ((unsigned char) s[i]) && strchr ("!#$&-^_.+", s[i]) == NULL)
			return false;
	return true;
}

static bool
media_type_valid (const char *mt)
{
	const char *slash = strchr (mt, '/');

	if (slash == NULL)
		return false;
	return restricted_name (mt, (size_t) (slash - mt)) && restricted_name (slash + 1, strlen (slash + 1));
}

static int
check_media_type (const char *mt, const char *path, const char *key, ct_error_t *err)
{
	cleanup_free char *p = NULL;

	if (mt == NULL || media_type_valid (mt))
		return 0;
	p = ct_json_path_key (path, key);
	return ct_json_error (err, p, "invalid media type `%s`", mt);
}

static int
get_schema_version (yajl_val root, int *out, ct_error_t *err)
{
	yajl_val v = ct_json_lookup (root, "schemaVersion");
	int64_t n;

	if (v == NULL)
		return ct_json_error (err, "schemaVersion", "required");
	if (ct_json_as_int (v, "schemaVersion", INT32_MIN, INT32_MAX, "int32", &n, err) < 0)
		return -1;
	if (n != 2)
		return ct_json_error (err, "schemaVersion", "must be 2, not %" PRId64, n);
	*out = (int) n;
	return 0;
}

/* ------------------------------------------------------------ base64 (descriptor `data`) */

static int
b64_val (char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Standard base64 with padding (Go's encoding/json []byte form). */
static int
b64_decode (const char *s, unsigned char **out, size_t *outlen)
{
	size_t len = strlen (s), o = 0;
	cleanup_free unsigned char *buf = NULL;

	if (len % 4 != 0)
		return -1;
	buf = xmalloc (len / 4 * 3 + 1);
	for (size_t i = 0; i < len; i += 4) {
		int v[4];
		for (int j = 0; j < 4; j++) {
			if (s[i + j] == '=' && i + 4 == len && j >= 2)
				v[j] = -2;
			else
				v[j] = b64_val (s[i + j]);
			if (v[j] == -1)
				return -1;
		}
		if (v[0] < 0 || v[1] < 0 || (v[2] == -2 && v[3] != -2))
			return -1;
		buf[o++] = (unsigned char) (v[0] << 2 | v[1] >> 4);
		if (v[2] >= 0)
			buf[o++] = (unsigned char) ((v[1] & 15) << 4 | v[2] >> 2);
		if (v[3] >= 0)
			buf[o++] = (unsigned char) ((v[2] & 3) << 6 | v[3]);
	}
	*out = steal_pointer (&buf);
	*outlen = o;
	return 0;
}

/* ------------------------------------------------------------ decoders */

static int
dec_platform (yajl_val v, const char *path, struct ct_platform *p, ct_error_t *err)
{
	if (ct_json_as_object (v, path, err) < 0)
		return -1;
	if (ct_json_get_str (v, path, "architecture", true, &p->architecture, err) < 0 ||
	    ct_json_get_str (v, path, "os", true, &p->os, err) < 0 ||
	    ct_json_get_str (v, path, "os.version", false, &p->os_version, err) < 0 ||
	    ct_json_get_strv (v, path, "os.features", false, &p->os_features, err) < 0 ||
	    ct_json_get_str (v, path, "variant", false, &p->variant, err) < 0)
		return -1;
	return 0;
}

static int
dec_descriptor (yajl_val v, const char *path, struct ct_descriptor *d, ct_error_t *err)
{
	cleanup_free char *p_digest = ct_json_path_key (path, "digest");
	cleanup_free char *p_size = ct_json_path_key (path, "size");
	cleanup_free char *data = NULL;
	yajl_val sz, plat;
	ct_error_t derr = NULL;

	if (ct_json_as_object (v, path, err) < 0)
		return -1;
	if (ct_json_get_str (v, path, "mediaType", true, &d->media_type, err) < 0 ||
	    check_media_type (d->media_type, path, "mediaType", err) < 0 ||
	    ct_json_get_str (v, path, "digest", true, &d->digest, err) < 0)
		return -1;
	if (ct_digest_parse (d->digest, NULL, NULL, &derr) < 0) {
		ct_json_error (err, p_digest, "%s", derr->msg);
		ct_error_release (&derr);
		return -1;
	}
	sz = ct_json_lookup (v, "size");
	if (sz == NULL)
		return ct_json_error (err, p_size, "required");
	if (ct_json_as_int (sz, p_size, 0, INT64_MAX, "non-negative int64", &d->size, err) < 0)
		return -1;
	if (ct_json_get_strv (v, path, "urls", false, &d->urls, err) < 0 ||
	    ct_json_get_strmap (v, path, "annotations", false, &d->annotations.keys, &d->annotations.values,
	                        &d->annotations.n, NULL, err) < 0 ||
	    ct_json_get_str (v, path, "artifactType", false, &d->artifact_type, err) < 0 ||
	    check_media_type (d->artifact_type, path, "artifactType", err) < 0 ||
	    ct_json_get_str (v, path, "data", false, &data, err) < 0)
		return -1;
	if (data != NULL) {
		cleanup_free char *p_data = ct_json_path_key (path, "data");
		cleanup_free unsigned char *raw = NULL;
		size_t rawlen;

		if (b64_decode (data, &raw, &rawlen) < 0)
			return ct_json_error (err, p_data, "not base64");
		if (ct_digest_verify_buffer (d->digest, d->size, raw, rawlen, &derr) < 0) {
			ct_json_error (err, p_data, "%s", derr->msg);
			ct_error_release (&derr);
			return -1;
		}
	}
	plat = ct_json_lookup (v, "platform");
	if (plat != NULL) {
		cleanup_free char *pp = ct_json_path_key (path, "platform");
		d->platform = xzalloc (sizeof *d->platform);
		if (dec_platform (plat, pp, d->platform, err) < 0)
			return -1;
	}
	return 0;
}

static int
dec_descriptor_array (yajl_val root, const char *key, bool required, struct ct_descriptor **out, size_t *n,
                      ct_error_t *err)
{
	yajl_val a = NULL;
	size_t len;

	if (ct_json_get_array (root, "", key, required, &a, err) < 0)
		return -1;
	if (a == NULL)
		return 0;
	len = a->u.array.len;
	*out = xcalloc (len ? len : 1, sizeof (struct ct_descriptor));
	*n = len;
	for (size_t i = 0; i < len; i++) {
		cleanup_free char *ep = ct_json_path_index (key, i);
		if (dec_descriptor (a->u.array.values[i], ep, &(*out)[i], err) < 0)
			return -1;
	}
	return 0;
}

static int
dec_optional_descriptor (yajl_val root, const char *key, struct ct_descriptor **out, ct_error_t *err)
{
	yajl_val v = ct_json_lookup (root, key);

	if (v == NULL)
		return 0;
	*out = xzalloc (sizeof **out);
	return dec_descriptor (v, key, *out, err);
}

static int
parse_doc (const char *data, size_t len, yajl_val *root, ct_error_t *err)
{
	if (len > CT_IMAGE_MAX_DOC)
		return ct_make_error (err, 0, "document too large (%zu bytes, at most %u)", len, CT_IMAGE_MAX_DOC);
	if (ct_json_parse (data, len, root, err) < 0)
		return -1;
	if (!YAJL_IS_OBJECT (*root))
		return ct_make_error (err, 0, "not a JSON object");
	return 0;
}

static int
wrap_source (const char *source, ct_error_t *err)
{
	if (source != NULL && source[0] != '\0')
		return ct_error_wrap (err, "%s", source);
	return -1;
}

static int
manifest_decode (const char *data, size_t len, struct ct_manifest *m, ct_error_t *err)
{
	cleanup_yajl yajl_val root = NULL;
	yajl_val cfg;

	if (len > CT_IMAGE_MAX_DOC)
		return ct_make_error (err, 0, "manifest too large (%zu bytes, at most %u)", len, CT_IMAGE_MAX_DOC);
	if (parse_doc (data, len, &root, err) < 0 || get_schema_version (root, &m->schema_version, err) < 0 ||
	    ct_json_get_str (root, "", "mediaType", false, &m->media_type, err) < 0 ||
	    check_media_type (m->media_type, "", "mediaType", err) < 0)
		return -1;
	if (m->media_type != NULL && ct_image_doc_kind (m->media_type) != CT_DOC_MANIFEST)
		return ct_json_error (err, "mediaType", "`%s` is not an image manifest media type", m->media_type);
	if (ct_json_get_str (root, "", "artifactType", false, &m->artifact_type, err) < 0 ||
	    check_media_type (m->artifact_type, "", "artifactType", err) < 0)
		return -1;
	cfg = ct_json_lookup (root, "config");
	if (cfg == NULL)
		return ct_json_error (err, "config", "required");
	if (dec_descriptor (cfg, "config", &m->config, err) < 0 ||
	    dec_descriptor_array (root, "layers", true, &m->layers, &m->n_layers, err) < 0 ||
	    dec_optional_descriptor (root, "subject", &m->subject, err) < 0 ||
	    ct_json_get_strmap (root, "", "annotations", false, &m->annotations.keys, &m->annotations.values,
	                        &m->annotations.n, NULL, err) < 0)
		return -1;
	return 0;
}

int
ct_manifest_decode (const char *data, size_t len, const char *source, struct ct_manifest **out, ct_error_t *err)
{
	struct ct_manifest *m = xzalloc (sizeof *m);

	if (manifest_decode (data, len, m, err) < 0) {
		ct_manifest_free (m);
		return wrap_source (source, err);
	}
	*out = m;
	return 0;
}

static int
index_decode (const char *data, size_t len, struct ct_index *ix, ct_error_t *err)
{
	cleanup_yajl yajl_val root = NULL;

	if (len > CT_IMAGE_MAX_DOC)
		return ct_make_error (err, 0, "index too large (%zu bytes, at most %u)", len, CT_IMAGE_MAX_DOC);
	if (parse_doc (data, len, &root, err) < 0 || get_schema_version (root, &ix->schema_version, err) < 0 ||
	    ct_json_get_str (root, "", "mediaType", false, &ix->media_type, err) < 0 ||
	    check_media_type (ix->media_type, "", "mediaType", err) < 0)
		return -1;
	if (ix->media_type != NULL && ct_image_doc_kind (ix->media_type) != CT_DOC_INDEX)
		return ct_json_error (err, "mediaType", "`%s` is not an image index media type", ix->media_type);
	if (ct_json_get_str (root, "", "artifactType", false, &ix->artifact_type, err) < 0 ||
	    check_media_type (ix->artifact_type, "", "artifactType", err) < 0 ||
	    dec_descriptor_array (root, "manifests", true, &ix->manifests, &ix->n_manifests, err) < 0 ||
	    dec_optional_descriptor (root, "subject", &ix->subject, err) < 0 ||
	    ct_json_get_strmap (root, "", "annotations", false, &ix->annotations.keys, &ix->annotations.values,
	                        &ix->annotations.n, NULL, err) < 0)
		return -1;
	return 0;
}

int
ct_index_decode (const char *data, size_t len, const char *source, struct ct_index **out, ct_error_t *err)
{
	struct ct_index *ix = xzalloc (sizeof *ix);

	if (index_decode (data, len, ix, err) < 0) {
		ct_index_free (ix);
		return wrap_source (source, err);
	}
	*out = ix;
	return 0;
}

/* The keys of an object member whose values are objects ("80/tcp": {}). */
static int
dec_key_set (yajl_val obj, const char *path, const char *key, char ***out, ct_error_t *err)
{
	cleanup_free char *p = NULL;
	yajl_val v = NULL;

	if (ct_json_get_object (obj, path, key, false, &v, err) < 0)
		return -1;
	if (v == NULL)
		return 0;
	p = ct_json_path_key (path, key);
	*out = xcalloc (v->u.object.len + 1, sizeof (char *));
	for (size_t i = 0; i < v->u.object.len; i++) {
		yajl_val e = v->u.object.values[i];
		if (!YAJL_IS_OBJECT (e) && !YAJL_IS_NULL (e)) {
			cleanup_free char *ep = ct_json_path_key (p, v->u.object.keys[i]);
			return ct_json_error (err, ep, "not an object");
		}
		(*out)[i] = xstrdup (v->u.object.keys[i]);
	}
	return 0;
}

static int
dec_history (yajl_val v, const char *path, struct ct_history *h, ct_error_t *err)
{
	if (ct_json_as_object (v, path, err) < 0 || ct_json_get_str (v, path, "created", false, &h->created, err) < 0 ||
	    ct_json_get_str (v, path, "created_by", false, &h->created_by, err) < 0 ||
	    ct_json_get_str (v, path, "author", false, &h->author, err) < 0 ||
	    ct_json_get_str (v, path, "comment", false, &h->comment, err) < 0 ||
	    ct_json_get_bool (v, path, "empty_layer", false, &h->empty_layer, NULL, err) < 0)
		return -1;
	return 0;
}

static int
image_config_decode (const char *data, size_t len, struct ct_image_config *c, ct_error_t *err)
{
	cleanup_yajl yajl_val root = NULL;
	cleanup_free char *rtype = NULL;
	yajl_val cfg = NULL, rootfs = NULL, hist = NULL;

	if (len > CT_IMAGE_MAX_DOC)
		return ct_make_error (err, 0, "image config too large (%zu bytes, at most %u)", len, CT_IMAGE_MAX_DOC);
	if (parse_doc (data, len, &root, err) < 0 ||
	    ct_json_get_str (root, "", "created", false, &c->created, err) < 0 ||
	    ct_json_get_str (root, "", "author", false, &c->author, err) < 0 ||
	    ct_json_get_str (root, "", "architecture", true, &c->architecture, err) < 0 ||
	    ct_json_get_str (root, "", "os", true, &c->os, err) < 0 ||
	    ct_json_get_str (root, "", "os.version", false, &c->os_version, err) < 0 ||
	    ct_json_get_strv (root, "", "os.features", false, &c->os_features, err) < 0 ||
	    ct_json_get_str (root, "", "variant", false, &c->variant, err) < 0 ||
	    ct_json_get_object (root, "", "config", false, &cfg, err) < 0)
		return -1;
	if (cfg != NULL) {
		const char *p = "config";
		if (ct_json_get_str (cfg, p, "User", false, &c->config.user, err) < 0 ||
		    dec_key_set (cfg, p, "ExposedPorts", &c->config.exposed_ports, err) < 0 ||
		    ct_json_get_strv (cfg, p, "Env", false, &c->config.env, err) < 0 ||
		    ct_json_get_strv (cfg, p, "Entrypoint", false, &c->config.entrypoint, err) < 0 ||
		    ct_json_get_strv (cfg, p, "Cmd", false, &c->config.cmd, err) < 0 ||
		    dec_key_set (cfg, p, "Volumes", &c->config.volumes, err) < 0 ||
		    ct_json_get_str (cfg, p, "WorkingDir", false, &c->config.working_dir, err) < 0 ||
		    ct_json_get_strmap (cfg, p, "Labels", false, &c->config.labels.keys, &c->config.labels.values,
		                        &c->config.labels.n, NULL, err) < 0 ||
		    ct_json_get_str (cfg, p, "StopSignal", false, &c->config.stop_signal, err) < 0)
			return -1;
		/* An empty vector is present, null or absent is not (conversion.md). */
		c->config.entrypoint_present = c->config.entrypoint != NULL;
		c->config.cmd_present = c->config.cmd != NULL;
	}
	if (ct_json_get_object (root, "", "rootfs", true, &rootfs, err) < 0 ||
	    ct_json_get_str (rootfs, "rootfs", "type", true, &rtype, err) < 0)
		return -1;
	if (strcmp (rtype, "layers") != 0)
		return ct_json_error (err, "rootfs.type", "must be `layers`, not `%s`", rtype);
	if (ct_json_get_strv (rootfs, "rootfs", "diff_ids", true, &c->diff_ids, err) < 0)
		return -1;
	for (size_t i = 0; c->diff_ids[i] != NULL; i++) {
		ct_error_t derr = NULL;
		if (ct_digest_parse (c->diff_ids[i], NULL, NULL, &derr) < 0) {
			cleanup_free char *ep = ct_json_path_index ("rootfs.diff_ids", i);
			ct_json_error (err, ep, "%s", derr->msg);
			ct_error_release (&derr);
			return -1;
		}
	}
	if (ct_json_get_array (root, "", "history", false, &hist, err) < 0)
		return -1;
	if (hist != NULL) {
		c->n_history = hist->u.array.len;
		c->history = xcalloc (c->n_history ? c->n_history : 1, sizeof *c->history);
		for (size_t i = 0; i < c->n_history; i++) {
			cleanup_free char *ep = ct_json_path_index ("history", i);
			if (dec_history (hist->u.array.values[i], ep, &c->history[i], err) < 0)
				return -1;
		}
	}
	return 0;
}

int
ct_image_config_decode (const char *data, size_t len, const char *source, struct ct_image_config **out, ct_error_t *err)
{
	struct ct_image_config *c = xzalloc (sizeof *c);

	if (image_config_decode (data, len, c, err) < 0) {
		ct_image_config_free (c);
		return wrap_source (source, err);
	}
	*out = c;
	return 0;
}

/* ------------------------------------------------------------ kinds and sniffing */

enum ct_doc_kind
ct_image_doc_kind (const char *media_type)
{
	if (media_type == NULL)
		return CT_DOC_UNKNOWN;
	if (strcmp (media_type, CT_MT_OCI_MANIFEST) == 0 || strcmp (media_type, CT_MT_DOCKER_MANIFEST) == 0)
		return CT_DOC_MANIFEST;
	if (strcmp (media_type, CT_MT_OCI_INDEX) == 0 || strcmp (media_type, CT_MT_DOCKER_LIST) == 0)
		return CT_DOC_INDEX;
	return CT_DOC_UNKNOWN;
}

char *
ct_image_sniff_media_type (const char *data, size_t len)
{
	cleanup_yajl yajl_val root = NULL;
	ct_error_t err = NULL;
	yajl_val v;

	if (len > CT_IMAGE_MAX_DOC || ct_json_parse (data, len, &root, &err) < 0) {
		ct_error_release (&err);
		return NULL;
	}
	if (!YAJL_IS_OBJECT (root))
		return NULL;
	v = ct_json_lookup (root, "mediaType");
	if (v != NULL)
		return YAJL_IS_STRING (v) ? xstrdup (v->u.string) : NULL;
	if (ct_json_lookup (root, "manifests") != NULL)
		return xstrdup (CT_MT_OCI_INDEX);
	if (ct_json_lookup (root, "config") != NULL)
		return xstrdup (CT_MT_OCI_MANIFEST);
	return NULL;
}

bool
ct_image_layer_type_known (const char *mt)
{
	static const char *const known[] = {
		CT_MT_OCI_LAYER,         CT_MT_OCI_LAYER_GZIP,       CT_MT_OCI_LAYER_ZSTD,
		CT_MT_OCI_LAYER_ND,      CT_MT_OCI_LAYER_ND_GZIP,    CT_MT_OCI_LAYER_ND_ZSTD,
		CT_MT_DOCKER_LAYER_GZIP, CT_MT_DOCKER_LAYER_FOREIGN, NULL,
	};

	if (mt == NULL)
		return false;
	for (size_t i = 0; known[i] != NULL; i++)
		if (strcmp (mt, known[i]) == 0)
			return true;
	return false;
}

/* ------------------------------------------------------------ encoders */

static void
w_str (struct ct_jsonw *w, const char *key, const char *v)
{
	if (v != NULL)
		ct_jsonw_kv_str (w, key, v);
}

static void
w_strv (struct ct_jsonw *w, const char *key, char *const *v, bool force)
{
	if (!force && (v == NULL || v[0] == NULL))
		return;
	ct_jsonw_key (w, key);
	ct_jsonw_array_open (w);
	for (size_t i = 0; v != NULL && v[i] != NULL; i++)
		ct_jsonw_str (w, v[i]);
	ct_jsonw_array_close (w);
}

static void
w_map (struct ct_jsonw *w, const char *key, const struct ct_rt_map *m)
{
	if (m->n == 0)
		return;
	ct_jsonw_key (w, key);
	ct_jsonw_map_open (w);
	for (size_t i = 0; i < m->n; i++)
		ct_jsonw_kv_str (w, m->keys[i], m->values[i]);
	ct_jsonw_map_close (w);
}

static void
w_key_set (struct ct_jsonw *w, const char *key, char *const *v)
{
	if (v == NULL || v[0] == NULL)
		return;
	ct_jsonw_key (w, key);
	ct_jsonw_map_open (w);
	for (size_t i = 0; v[i] != NULL; i++) {
		ct_jsonw_key (w, v[i]);
		ct_jsonw_map_open (w);
		ct_jsonw_map_close (w);
	}
	ct_jsonw_map_close (w);
}

static void
w_platform (struct ct_jsonw *w, const struct ct_platform *p)
{
	ct_jsonw_map_open (w);
	w_str (w, "architecture", p->architecture);
	w_str (w, "os", p->os);
	w_str (w, "os.version", p->os_version);
	w_strv (w, "os.features", p->os_features, false);
	w_str (w, "variant", p->variant);
	ct_jsonw_map_close (w);
}

static void
w_descriptor (struct ct_jsonw *w, const struct ct_descriptor *d)
{
	ct_jsonw_map_open (w);
	w_str (w, "mediaType", d->media_type);
	w_str (w, "digest", d->digest);
	ct_jsonw_kv_int (w, "size", d->size);
	w_strv (w, "urls", d->urls, false);
	w_map (w, "annotations", &d->annotations);
	w_str (w, "artifactType", d->artifact_type);
	if (d->platform != NULL) {
		ct_jsonw_key (w, "platform");
		w_platform (w, d->platform);
	}
	ct_jsonw_map_close (w);
}

static void
w_descriptors (struct ct_jsonw *w, const char *key, const struct ct_descriptor *d, size_t n)
{
	ct_jsonw_key (w, key);
	ct_jsonw_array_open (w);
	for (size_t i = 0; i < n; i++)
		w_descriptor (w, &d[i]);
	ct_jsonw_array_close (w);
}

static int
check_descriptor (const struct ct_descriptor *d, const char *path, ct_error_t *err)
{
	if (d->media_type == NULL || !media_type_valid (d->media_type))
		return ct_make_error (err, 0, "encode: `%s.mediaType`: invalid media type `%s`", path,
		                      d->media_type ? d->media_type : "");
	if (d->digest == NULL || ct_digest_parse (d->digest, NULL, NULL, err) < 0)
		return d->digest == NULL ? ct_make_error (err, 0, "encode: `%s.digest`: required", path)
		                         : ct_error_wrap (err, "encode: `%s.digest`", path);
	if (d->size < 0)
		return ct_make_error (err, 0, "encode: `%s.size`: negative", path);
	return 0;
}

int
ct_manifest_encode (const struct ct_manifest *m, char **out, size_t *len, ct_error_t *err)
{
	struct ct_jsonw *w;

	if (check_descriptor (&m->config, "config", err) < 0)
		return -1;
	for (size_t i = 0; i < m->n_layers; i++) {
		cleanup_free char *p = ct_json_path_index ("layers", i);
		if (check_descriptor (&m->layers[i], p, err) < 0)
			return -1;
	}
	w = ct_jsonw_new (false);
	ct_jsonw_map_open (w);
	ct_jsonw_kv_int (w, "schemaVersion", 2);
	w_str (w, "mediaType", m->media_type);
	w_str (w, "artifactType", m->artifact_type);
	ct_jsonw_key (w, "config");
	w_descriptor (w, &m->config);
	w_descriptors (w, "layers", m->layers, m->n_layers);
	if (m->subject != NULL) {
		ct_jsonw_key (w, "subject");
		w_descriptor (w, m->subject);
	}
	w_map (w, "annotations", &m->annotations);
	ct_jsonw_map_close (w);
	return ct_jsonw_finish (w, out, len, err);
}

int
ct_index_encode (const struct ct_index *ix, char **out, size_t *len, ct_error_t *err)
{
	struct ct_jsonw *w;

	for (size_t i = 0; i < ix->n_manifests; i++) {
		cleanup_free char *p = ct_json_path_index ("manifests", i);
		if (check_descriptor (&ix->manifests[i], p, err) < 0)
			return -1;
	}
	w = ct_jsonw_new (false);
	ct_jsonw_map_open (w);
	ct_jsonw_kv_int (w, "schemaVersion", 2);
	w_str (w, "mediaType", ix->media_type);
	w_str (w, "artifactType", ix->artifact_type);
	w_descriptors (w, "manifests", ix->manifests, ix->n_manifests);
	if (ix->subject != NULL) {
		ct_jsonw_key (w, "subject");
		w_descriptor (w, ix->subject);
	}
	w_map (w, "annotations", &ix->annotations);
	ct_jsonw_map_close (w);
	return ct_jsonw_finish (w, out, len, err);
}

int
ct_image_config_encode (const struct ct_image_config *c, char **out, size_t *len, ct_error_t *err)
{
	struct ct_jsonw *w;

	if (c->architecture == NULL || c->os == NULL)
		return ct_make_error (err, 0, "encode: image config: `%s` is required",
		                      c->architecture == NULL ? "architecture" : "os");
	w = ct_jsonw_new (false);
	ct_jsonw_map_open (w);
	w_str (w, "created", c->created);
	w_str (w, "author", c->author);
	w_str (w, "architecture", c->architecture);
	w_str (w, "os", c->os);
	w_str (w, "os.version", c->os_version);
	w_strv (w, "os.features", c->os_features, false);
	w_str (w, "variant", c->variant);
	ct_jsonw_key (w, "config");
	ct_jsonw_map_open (w);
	w_str (w, "User", c->config.user);
	w_key_set (w, "ExposedPorts", c->config.exposed_ports);
	w_strv (w, "Env", c->config.env, false);
	if (c->config.entrypoint_present)
		w_strv (w, "Entrypoint", c->config.entrypoint, true);
	if (c->config.cmd_present)
		w_strv (w, "Cmd", c->config.cmd, true);
	w_key_set (w, "Volumes", c->config.volumes);
	w_str (w, "WorkingDir", c->config.working_dir);
	w_map (w, "Labels", &c->config.labels);
	w_str (w, "StopSignal", c->config.stop_signal);
	ct_jsonw_map_close (w);
	ct_jsonw_key (w, "rootfs");
	ct_jsonw_map_open (w);
	ct_jsonw_kv_str (w, "type", "layers");
	w_strv (w, "diff_ids", c->diff_ids, true);
	ct_jsonw_map_close (w);
	if (c->n_history > 0) {
		ct_jsonw_key (w, "history");
		ct_jsonw_array_open (w);
		for (size_t i = 0; i < c->n_history; i++) {
			const struct ct_history *h = &c->history[i];
			ct_jsonw_map_open (w);
			w_str (w, "created", h->created);
			w_str (w, "created_by", h->created_by);
			w_str (w, "author", h->author);
			w_str (w, "comment", h->comment);
			if (h->empty_layer)
				ct_jsonw_kv_bool (w, "empty_layer", true);
			ct_jsonw_map_close (w);
		}
		ct_jsonw_array_close (w);
	}
	ct_jsonw_map_close (w);
	return ct_jsonw_finish (w, out, len, err);
}

/* ------------------------------------------------------------ Docker -> OCI */

static bool
map_type (char **mt, const char *from, const char *to)
{
	if (*mt == NULL || strcmp (*mt, from) != 0)
		return false;
	free (*mt);
	*mt = xstrdup (to);
	return true;
}

static int
check_not_schema1 (const char *mt, ct_error_t *err)
{
	if (mt != NULL && (strcmp (mt, CT_MT_DOCKER_SCHEMA1) == 0 || strcmp (mt, CT_MT_DOCKER_SCHEMA1_SIGNED) == 0))
		return ct_make_error (err, 0, "docker schema 1 manifests are not supported");
	return 0;
}

int
ct_manifest_to_oci (struct ct_manifest *m, bool *changed, ct_error_t *err)
{
	bool c = false;

	if (check_not_schema1 (m->media_type, err) < 0)
		return -1;
	if (m->media_type != NULL && strcmp (m->media_type, CT_MT_DOCKER_MANIFEST) != 0 &&
	    strcmp (m->media_type, CT_MT_OCI_MANIFEST) != 0)
		return ct_make_error (err, 0, "`%s` is not an image manifest media type", m->media_type);
	c |= map_type (&m->media_type, CT_MT_DOCKER_MANIFEST, CT_MT_OCI_MANIFEST);
	c |= map_type (&m->config.media_type, CT_MT_DOCKER_CONFIG, CT_MT_OCI_CONFIG);
	for (size_t i = 0; i < m->n_layers; i++) {
		c |= map_type (&m->layers[i].media_type, CT_MT_DOCKER_LAYER_GZIP, CT_MT_OCI_LAYER_GZIP);
		c |= map_type (&m->layers[i].media_type, CT_MT_DOCKER_LAYER_FOREIGN, CT_MT_OCI_LAYER_ND_GZIP);
	}
	*changed = c;
	return 0;
}

int
ct_index_to_oci (struct ct_index *ix, bool *changed, ct_error_t *err)
{
	bool c = false;

	if (ix->media_type != NULL && strcmp (ix->media_type, CT_MT_DOCKER_LIST) != 0 &&
	    strcmp (ix->media_type, CT_MT_OCI_INDEX) != 0)
		return ct_make_error (err, 0, "`%s` is not an image index media type", ix->media_type);
	c |= map_type (&ix->media_type, CT_MT_DOCKER_LIST, CT_MT_OCI_INDEX);
	/* The entries' digests stay: the caller that converts a child manifest
	   too must put the new digest and size into the entry. */
	for (size_t i = 0; i < ix->n_manifests; i++) {
		c |= map_type (&ix->manifests[i].media_type, CT_MT_DOCKER_MANIFEST, CT_MT_OCI_MANIFEST);
		c |= map_type (&ix->manifests[i].media_type, CT_MT_DOCKER_LIST, CT_MT_OCI_INDEX);
	}
	*changed = c;
	return 0;
}

/* ------------------------------------------------------------ platforms */

static void
normalize_arch (struct ct_platform *p)
{
	static const char *const aliases[][2] = {
		{ "x86_64", "amd64" }, { "x86-64", "amd64" }, { "aarch64", "arm64" },
		{ "i386", "386" },     { "i686", "386" },     { "armhf", "arm" },
	};

	for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		if (strcmp (p->architecture, aliases[i][0]) == 0) {
			free (p->architecture);
			p->architecture = xstrdup (aliases[i][1]);
			return;
		}
}

static bool
platform_part_ok (const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum ((unsigned char) s[i]) && strchr ("._-", s[i]) == NULL)
			return false;
	return true;
}

int
ct_platform_parse (const char *s, struct ct_platform *out, ct_error_t *err)
{
	const char *parts[4] = { NULL };
	size_t lens[4] = { 0 };
	size_t n = 0;
	const char *p = s;

	memset (out, 0, sizeof *out);
	for (;;) {
		const char *slash = strchr (p, '/');
		if (n == 3)
			return ct_make_error (err, 0, "invalid platform `%s`: expected OS/ARCH[/VARIANT]", s);
		parts[n] = p;
		lens[n] = slash ? (size_t) (slash - p) : strlen (p);
		if (!platform_part_ok (parts[n], lens[n]))
			return ct_make_error (err, 0, "invalid platform `%s`: expected OS/ARCH[/VARIANT]", s);
		n++;
		if (slash == NULL)
			break;
		p = slash + 1;
	}
	if (n < 2)
		return ct_make_error (err, 0, "invalid platform `%s`: expected OS/ARCH[/VARIANT]", s);
	out->os = xstrndup (parts[0], lens[0]);
	out->architecture = xstrndup (parts[1], lens[1]);
	if (n == 3)
		out->variant = xstrndup (parts[2], lens[2]);
	normalize_arch (out);
	return 0;
}

void
ct_platform_host (struct ct_platform *out)
{
	const char *arch = NULL, *variant = NULL;

	memset (out, 0, sizeof *out);
	/* The compiled architecture first: a 32-bit binary on a 64-bit kernel
	   runs 32-bit images. */
#if defined(__x86_64__)
	arch = "amd64";
#elif defined(__aarch64__)
	arch = "arm64";
	variant = "v8";
#elif defined(__arm__)
	arch = "arm";
#if defined(__ARM_ARCH) && __ARM_ARCH >= 7
	variant = "v7";
#elif defined(__ARM_ARCH) && __ARM_ARCH == 6
	variant = "v6";
#else
	variant = "v5";
#endif
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
	arch = "ppc64le";
#elif defined(__s390x__)
	arch = "s390x";
#elif defined(__riscv) && __riscv_xlen == 64
	arch = "riscv64";
#elif defined(__i386__)
	arch = "386";
#endif
	if (arch == NULL) {
		struct utsname u;
		if (uname (&u) == 0) {
			out->architecture = xstrdup (u.machine);
			normalize_arch (out);
		} else
			out->architecture = xstrdup ("unknown");
	} else
		out->architecture = xstrdup (arch);
	out->os = xstrdup ("linux");
	out->variant = dup_or_null (variant);
}

bool
ct_platform_match (const struct ct_platform *have, const struct ct_platform *want)
{
	const char *hv;

	if (have == NULL || want == NULL || have->os == NULL || have->architecture == NULL || want->os == NULL ||
	    want->architecture == NULL)
		return false;
	if (strcmp (have->os, want->os) != 0 || strcmp (have->architecture, want->architecture) != 0)
		return false;
	if (want->variant == NULL || want->variant[0] == '\0')
		return true;
	hv = have->variant;
	if ((hv == NULL || hv[0] == '\0') && strcmp (have->architecture, "arm64") == 0)
		hv = "v8";
	return hv != NULL && strcmp (hv, want->variant) == 0;
}

char *
ct_platform_format (const struct ct_platform *p)
{
	char *s;

	if (p->variant != NULL && p->variant[0] != '\0')
		xasprintf (&s, "%s/%s/%s", p->os ? p->os : "", p->architecture ? p->architecture : "", p->variant);
	else
		xasprintf (&s, "%s/%s", p->os ? p->os : "", p->architecture ? p->architecture : "");
	return s;
}

/* ------------------------------------------------------------ ownership */

void
ct_platform_clear (struct ct_platform *p)
{
	if (p == NULL)
		return;
	free (p->architecture);
	free (p->os);
	free (p->os_version);
	ct_strv_free (p->os_features);
	free (p->variant);
	memset (p, 0, sizeof *p);
}

void
ct_platform_free (struct ct_platform *p)
{
	ct_platform_clear (p);
	free (p);
}

void
ct_descriptor_clear (struct ct_descriptor *d)
{
	if (d == NULL)
		return;
	free (d->media_type);
	free (d->digest);
	ct_strv_free (d->urls);
	map_clear (&d->annotations);
	free (d->artifact_type);
	ct_platform_free (d->platform);
	memset (d, 0, sizeof *d);
}

static void
platform_copy (struct ct_platform *dst, const struct ct_platform *src)
{
	dst->architecture = dup_or_null (src->architecture);
	dst->os = dup_or_null (src->os);
	dst->os_version = dup_or_null (src->os_version);
	dst->os_features = ct_strv_dup (src->os_features);
	dst->variant = dup_or_null (src->variant);
}

void
ct_descriptor_copy (struct ct_descriptor *dst, const struct ct_descriptor *src)
{
	memset (dst, 0, sizeof *dst);
	dst->media_type = dup_or_null (src->media_type);
	dst->digest = dup_or_null (src->digest);
	dst->size = src->size;
	dst->urls = ct_strv_dup (src->urls);
	map_copy (&dst->annotations, &src->annotations);
	dst->artifact_type = dup_or_null (src->artifact_type);
	if (src->platform != NULL) {
		dst->platform = xzalloc (sizeof *dst->platform);
		platform_copy (dst->platform, src->platform);
	}
}

const char *
ct_descriptor_annotation (const struct ct_descriptor *d, const char *key)
{
	return ct_rt_map_get (&d->annotations, key);
}

void
ct_descriptor_set_annotation (struct ct_descriptor *d, const char *key, const char *value)
{
	ct_rt_map_set (&d->annotations, key, value);
}

static void
descriptors_free (struct ct_descriptor *d, size_t n)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		ct_descriptor_clear (&d[i]);
	free (d);
}

void
ct_manifest_free (struct ct_manifest *m)
{
	if (m == NULL)
		return;
	free (m->media_type);
	free (m->artifact_type);
	ct_descriptor_clear (&m->config);
	descriptors_free (m->layers, m->n_layers);
	if (m->subject != NULL) {
		ct_descriptor_clear (m->subject);
		free (m->subject);
	}
	map_clear (&m->annotations);
	free (m);
}

void
ct_index_free (struct ct_index *ix)
{
	if (ix == NULL)
		return;
	free (ix->media_type);
	free (ix->artifact_type);
	descriptors_free (ix->manifests, ix->n_manifests);
	if (ix->subject != NULL) {
		ct_descriptor_clear (ix->subject);
		free (ix->subject);
	}
	map_clear (&ix->annotations);
	free (ix);
}

void
ct_image_config_free (struct ct_image_config *c)
{
	if (c == NULL)
		return;
	free (c->created);
	free (c->author);
	free (c->architecture);
	free (c->os);
	free (c->os_version);
	ct_strv_free (c->os_features);
	free (c->variant);
	free (c->config.user);
	ct_strv_free (c->config.exposed_ports);
	ct_strv_free (c->config.env);
	ct_strv_free (c->config.entrypoint);
	ct_strv_free (c->config.cmd);
	ct_strv_free (c->config.volumes);
	free (c->config.working_dir);
	map_clear (&c->config.labels);
	free (c->config.stop_signal);
	ct_strv_free (c->diff_ids);
	if (c->history != NULL)
		for (size_t i = 0; i < c->n_history; i++) {
			free (c->history[i].created);
			free (c->history[i].created_by);
			free (c->history[i].author);
			free (c->history[i].comment);
		}
	free (c->history);
	free (c);
}

void
ct_manifest_freep (struct ct_manifest **m)
{
	ct_manifest_free (*m);
}

void
ct_index_freep (struct ct_index **ix)
{
	ct_index_free (*ix);
}

void
ct_image_config_freep (struct ct_image_config **c)
{
	ct_image_config_free (*c);
}
