#include "common.h"

#include <fcntl.h>
#include <inttypes.h>

#include "bundle.h"
#include "fs.h"
#include "json.h"

static void
write_maps (struct ct_jsonw *w, const char *key, const struct ct_id_map *maps, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	ct_jsonw_key (w, key);
	ct_jsonw_array_open (w);
	for (i = 0; i < n; i++) {
		ct_jsonw_map_open (w);
		ct_jsonw_kv_uint (w, "containerID", maps[i].container);
		ct_jsonw_kv_uint (w, "hostID", maps[i].host);
		ct_jsonw_kv_uint (w, "size", maps[i].size);
		ct_jsonw_map_close (w);
	}
	ct_jsonw_array_close (w);
}

int
ct_bundle_meta_write (int bundlefd, const struct ct_bundle_meta *m, ct_error_t *err)
{
	struct ct_jsonw *w = ct_jsonw_new (true);
	cleanup_free char *doc = NULL;
	size_t len;

	ct_jsonw_map_open (w);
	ct_jsonw_kv_str (w, "store", m->store);
	ct_jsonw_kv_str (w, "ref", m->ref);
	ct_jsonw_key (w, "manifest");
	ct_jsonw_map_open (w);
	ct_jsonw_kv_str (w, "mediaType", m->manifest_type);
	ct_jsonw_kv_str (w, "digest", m->manifest);
	ct_jsonw_kv_int (w, "size", m->manifest_size);
	ct_jsonw_map_close (w);
	ct_jsonw_kv_str (w, "mode", m->overlay ? "overlay" : "copy");
	write_maps (w, "uidMappings", m->uid_map, m->n_uid_map);
	write_maps (w, "gidMappings", m->gid_map, m->n_gid_map);
	ct_jsonw_map_close (w);
	if (ct_jsonw_finish (w, &doc, &len, err) < 0)
		return -1;
	return ct_fs_write_atomic_at (bundlefd, CT_BUNDLE_META, doc, len, 0644, err);
}

static int
read_maps (yajl_val top, const char *key, struct ct_id_map **out, size_t *n, ct_error_t *err)
{
	yajl_val arr = NULL;
	size_t i;

	*out = NULL;
	*n = 0;
	if (ct_json_get_array (top, "", key, false, &arr, err) < 0)
		return -1;
	if (arr == NULL)
		return 0;
	*out = xcalloc (arr->u.array.len + 1, sizeof (**out));
	for (i = 0; i < arr->u.array.len; i++) {
		yajl_val e = arr->u.array.values[i];
		cleanup_free char *path = ct_json_path_index (key, i);
		struct ct_id_map *mp = &(*out)[i];

		if (ct_json_get_u32 (e, path, "containerID", true, &mp->container, NULL, err) < 0 ||
		    ct_json_get_u32 (e, path, "hostID", true, &mp->host, NULL, err) < 0 ||
		    ct_json_get_u32 (e, path, "size", true, &mp->size, NULL, err) < 0)
			return -1;
		(*n)++;
	}
	return 0;
}

int
ct_bundle_meta_read (int bundlefd, const char *bundle, struct ct_bundle_meta *m, ct_error_t *err)
{
	cleanup_free char *doc = NULL;
	cleanup_yajl yajl_val top = NULL;
	yajl_val man = NULL;
	cleanup_free char *mode = NULL;
	size_t len;

	memset (m, 0, sizeof (*m));
	if (ct_fs_read_all_at (bundlefd, CT_BUNDLE_META, CT_JSON_MAX_SIZE, &doc, &len, err) < 0) {
		if (ct_error_status (*err) == ENOENT) {
			ct_error_release (err);
			return ct_make_error (err, ENOENT, "`%s`: not a bundle made by cimage unpack (no %s)", bundle,
			                      CT_BUNDLE_META);
		}
		return -1;
	}
	if (ct_json_parse (doc, len, &top, err) < 0 || ct_json_as_object (top, "", err) < 0 ||
	    ct_json_get_str (top, "", "store", true, &m->store, err) < 0 ||
	    ct_json_get_str (top, "", "ref", false, &m->ref, err) < 0 ||
	    ct_json_get_object (top, "", "manifest", true, &man, err) < 0 ||
	    ct_json_get_str (man, "manifest", "mediaType", true, &m->manifest_type, err) < 0 ||
	    ct_json_get_str (man, "manifest", "digest", true, &m->manifest, err) < 0 ||
	    ct_json_get_i64 (man, "manifest", "size", true, &m->manifest_size, NULL, err) < 0 ||
	    ct_json_get_str (top, "", "mode", true, &mode, err) < 0 ||
	    read_maps (top, "uidMappings", &m->uid_map, &m->n_uid_map, err) < 0 ||
	    read_maps (top, "gidMappings", &m->gid_map, &m->n_gid_map, err) < 0)
		goto fail;
	if (strcmp (mode, "overlay") != 0 && strcmp (mode, "copy") != 0) {
		ct_make_error (err, EINVAL, "`mode`: `%s` is neither copy nor overlay", mode);
		goto fail;
	}
	m->overlay = strcmp (mode, "overlay") == 0;
	return 0;
fail:
	ct_bundle_meta_clear (m);
	return ct_error_wrap (err, "`%s/%s`", bundle, CT_BUNDLE_META);
}

void
ct_bundle_meta_clear (struct ct_bundle_meta *m)
{
	free (m->store);
	free (m->ref);
	free (m->manifest);
	free (m->manifest_type);
	free (m->uid_map);
	free (m->gid_map);
	memset (m, 0, sizeof (*m));
}
