/* Archive JSON documents (docker-archive.h). */
#include "common.h"

#include "json.h"
#include "ocispec/docker-archive.h"
#include "strv.h"

const char ct_oci_layout_doc[] = "{\"imageLayoutVersion\":\"1.0.0\"}";

int
ct_oci_layout_check (const char *data, size_t len, const char *source, ct_error_t *err)
{
	cleanup_yajl yajl_val tree = NULL;
	cleanup_free char *version = NULL;

	if (ct_json_parse (data, len, &tree, err) < 0)
		return ct_error_wrap (err, "%s", source);
	if (!YAJL_IS_OBJECT (tree))
		return ct_make_error (err, 0, "%s: not a JSON object", source);
	if (ct_json_get_str (tree, "", "imageLayoutVersion", true, &version, err) < 0)
		return ct_error_wrap (err, "%s", source);
	if (strncmp (version, "1.", 2) != 0)
		return ct_make_error (err, 0, "%s: unsupported imageLayoutVersion `%s` (1.x expected)", source,
		                      version);
	return 0;
}

void
ct_docker_archive_entries_free (struct ct_docker_archive_entry *e, size_t n)
{
	if (e == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free (e[i].config);
		ct_strv_free (e[i].repo_tags);
		ct_strv_free (e[i].layers);
	}
	free (e);
}

int
ct_docker_archive_manifest_decode (const char *data, size_t len, const char *source,
                                   struct ct_docker_archive_entry **out, size_t *n, ct_error_t *err)
{
	cleanup_yajl yajl_val tree = NULL;
	struct ct_docker_archive_entry *e;
	size_t count;

	if (ct_json_parse (data, len, &tree, err) < 0)
		return ct_error_wrap (err, "%s", source);
	if (!YAJL_IS_ARRAY (tree))
		return ct_make_error (err, 0, "%s: not a JSON array", source);
	count = tree->u.array.len;
	e = xcalloc (count ? count : 1, sizeof *e);
	for (size_t i = 0; i < count; i++) {
		cleanup_free char *p = ct_json_path_index ("", i);
		yajl_val v = tree->u.array.values[i];

		if (ct_json_as_object (v, p, err) < 0 ||
		    ct_json_get_str (v, p, "Config", true, &e[i].config, err) < 0 ||
		    ct_json_get_strv (v, p, "RepoTags", false, &e[i].repo_tags, err) < 0 ||
		    ct_json_get_strv (v, p, "Layers", true, &e[i].layers, err) < 0) {
			ct_docker_archive_entries_free (e, count);
			return ct_error_wrap (err, "%s", source);
		}
		e[i].n_layers = ct_strv_len (e[i].layers);
	}
	*out = e;
	*n = count;
	return 0;
}

int
ct_docker_archive_manifest_encode (const struct ct_docker_archive_entry *e, size_t n, char **out, size_t *len,
                                   ct_error_t *err)
{
	struct ct_jsonw *w = ct_jsonw_new (false);

	ct_jsonw_array_open (w);
	for (size_t i = 0; i < n; i++) {
		ct_jsonw_map_open (w);
		ct_jsonw_kv_str (w, "Config", e[i].config);
		ct_jsonw_key (w, "RepoTags");
		ct_jsonw_array_open (w);
		for (char **t = e[i].repo_tags; t != NULL && *t != NULL; t++)
			ct_jsonw_str (w, *t);
		ct_jsonw_array_close (w);
		ct_jsonw_key (w, "Layers");
		ct_jsonw_array_open (w);
		for (size_t j = 0; j < e[i].n_layers; j++)
			ct_jsonw_str (w, e[i].layers[j]);
		ct_jsonw_array_close (w);
		ct_jsonw_map_close (w);
	}
	ct_jsonw_array_close (w);
	return ct_jsonw_finish (w, out, len, err);
}

int
ct_docker_archive_repositories_encode (const char *repo, const char *tag, const char *id, char **out, size_t *len,
                                       ct_error_t *err)
{
	struct ct_jsonw *w = ct_jsonw_new (false);

	ct_jsonw_map_open (w);
	ct_jsonw_key (w, repo);
	ct_jsonw_map_open (w);
	ct_jsonw_kv_str (w, tag, id);
	ct_jsonw_map_close (w);
	ct_jsonw_map_close (w);
	return ct_jsonw_finish (w, out, len, err);
}
