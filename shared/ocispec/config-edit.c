#include "common.h"

#include <yajl/yajl_tree.h>

#include "json.h"
#include "strv.h"
#include "ocispec/config-edit.h"

/* The config.* members an edit may rewrite, in the order a member absent
   from the document is added (ct_image_config_encode's order). */
enum member { M_USER, M_PORTS, M_ENV, M_ENTRYPOINT, M_CMD, M_VOLUMES, M_WORKDIR, M_LABELS, M_STOP, M__COUNT };

static const char *const member_names[M__COUNT] = {
	[M_USER] = "User",
	[M_PORTS] = "ExposedPorts",
	[M_ENV] = "Env",
	[M_ENTRYPOINT] = "Entrypoint",
	[M_CMD] = "Cmd",
	[M_VOLUMES] = "Volumes",
	[M_WORKDIR] = "WorkingDir",
	[M_LABELS] = "Labels",
	[M_STOP] = "StopSignal",
};

static bool
has_items (char *const *v)
{
	return v != NULL && v[0] != NULL;
}

static bool
edits (const struct ct_config_edit *e, enum member m)
{
	switch (m) {
	case M_USER:
		return e->user != NULL;
	case M_PORTS:
		return has_items (e->exposed_ports);
	case M_ENV:
		return has_items (e->env);
	case M_ENTRYPOINT:
		return e->entrypoint_set;
	case M_CMD:
		return e->cmd_set;
	case M_VOLUMES:
		return has_items (e->volumes);
	case M_WORKDIR:
		return e->working_dir != NULL;
	case M_LABELS:
		return e->labels.n > 0;
	case M_STOP:
		return e->stop_signal != NULL;
	case M__COUNT:
	default:
		break;
	}
	return false;
}

static bool
edits_config (const struct ct_config_edit *e)
{
	for (int m = 0; m < M__COUNT; m++)
		if (edits (e, (enum member) m))
			return true;
	return false;
}

bool
ct_config_edit_empty (const struct ct_config_edit *e)
{
	return !edits_config (e) && e->diff_id == NULL && !e->history_set && e->created == NULL && e->author == NULL;
}

void
ct_config_edit_set_label (struct ct_config_edit *e, const char *key, const char *value)
{
	ct_rt_map_set (&e->labels, key, value);
}

void
ct_config_edit_clear (struct ct_config_edit *e)
{
	ct_strv_free (e->env);
	ct_strv_free (e->entrypoint);
	ct_strv_free (e->cmd);
	free (e->working_dir);
	free (e->user);
	free (e->stop_signal);
	for (size_t i = 0; i < e->labels.n; i++) {
		free (e->labels.keys[i]);
		free (e->labels.values[i]);
	}
	free (e->labels.keys);
	free (e->labels.values);
	ct_strv_free (e->exposed_ports);
	ct_strv_free (e->volumes);
	free (e->diff_id);
	free (e->created);
	free (e->author);
	free (e->history.created);
	free (e->history.created_by);
	free (e->history.author);
	free (e->history.comment);
	memset (e, 0, sizeof *e);
}

/* ------------------------------------------------------------ writing */

/* Readers take the last of repeated keys (Go, ct_json_lookup): an edited
   member is written once, where its last occurrence was. */
static bool
is_last_key (yajl_val obj, size_t i)
{
	for (size_t j = i + 1; j < obj->u.object.len; j++)
		if (strcmp (obj->u.object.keys[j], obj->u.object.keys[i]) == 0)
			return false;
	return true;
}

static void
write_strv (struct ct_jsonw *w, char *const *v)
{
	ct_jsonw_array_open (w);
	for (size_t i = 0; v != NULL && v[i] != NULL; i++)
		ct_jsonw_str (w, v[i]);
	ct_jsonw_array_close (w);
}

static bool
same_name (const char *entry, const char *name, size_t n)
{
	return strncmp (entry, name, n) == 0 && (entry[n] == '=' || entry[n] == '\0');
}

/* Env with the edit's variables set (umoci's and Docker's rule: replace in
   place, else append). */
static void
write_env (struct ct_jsonw *w, yajl_val old, char *const *set)
{
	cleanup_strv char **env = NULL;
	size_t n = 0;

	if (old != NULL && YAJL_IS_ARRAY (old))
		for (size_t i = 0; i < old->u.array.len; i++)
			if (YAJL_IS_STRING (old->u.array.values[i]))
				ct_strv_push (&env, old->u.array.values[i]->u.string);
	n = ct_strv_len (env);
	for (size_t s = 0; set[s] != NULL; s++) {
		size_t nl = strcspn (set[s], "=");
		bool found = false;

		for (size_t i = 0; i < n;) {
			if (!same_name (env[i], set[s], nl)) {
				i++;
				continue;
			}
			if (!found) {
				free (env[i]);
				env[i] = xstrdup (set[s]);
				found = true;
				i++;
				continue;
			}
			/* a later duplicate would override the new value for
			   some readers: gone */
			free (env[i]);
			memmove (&env[i], &env[i + 1], (n - i) * sizeof (char *));
			n--;
		}
		if (!found) {
			ct_strv_push (&env, set[s]);
			n++;
		}
	}
	write_strv (w, env);
}

static bool
object_has_key (yajl_val obj, const char *key)
{
	if (obj == NULL || !YAJL_IS_OBJECT (obj))
		return false;
	for (size_t j = 0; j < obj->u.object.len; j++)
		if (strcmp (obj->u.object.keys[j], key) == 0)
			return true;
	return false;
}

/* Labels: old members kept (each key once, its last value), the edit's
   values set in place or appended. */
static void
write_labels (struct ct_jsonw *w, yajl_val old, const struct ct_rt_map *set)
{
	ct_jsonw_map_open (w);
	if (old != NULL && YAJL_IS_OBJECT (old))
		for (size_t i = 0; i < old->u.object.len; i++) {
			const char *k = old->u.object.keys[i];
			const char *nv = ct_rt_map_get (set, k);
			if (!is_last_key (old, i))
				continue;
			ct_jsonw_key (w, k);
			if (nv != NULL)
				ct_jsonw_str (w, nv);
			else
				ct_jsonw_value (w, old->u.object.values[i]);
		}
	for (size_t i = 0; i < set->n; i++)
		if (!object_has_key (old, set->keys[i]))
			ct_jsonw_kv_str (w, set->keys[i], set->values[i]);
	ct_jsonw_map_close (w);
}

/* ExposedPorts, Volumes: a set of keys whose values are {}. */
static void
write_key_set (struct ct_jsonw *w, yajl_val old, char *const *add)
{
	ct_jsonw_map_open (w);
	if (old != NULL && YAJL_IS_OBJECT (old))
		for (size_t i = 0; i < old->u.object.len; i++) {
			if (!is_last_key (old, i))
				continue;
			ct_jsonw_key (w, old->u.object.keys[i]);
			ct_jsonw_value (w, old->u.object.values[i]);
		}
	for (size_t i = 0; add[i] != NULL; i++) {
		bool dup = object_has_key (old, add[i]);
		for (size_t j = 0; j < i && !dup; j++)
			dup = strcmp (add[j], add[i]) == 0;
		if (dup)
			continue;
		ct_jsonw_key (w, add[i]);
		ct_jsonw_map_open (w);
		ct_jsonw_map_close (w);
	}
	ct_jsonw_map_close (w);
}

static void
write_member (struct ct_jsonw *w, enum member m, yajl_val old, const struct ct_config_edit *e)
{
	ct_jsonw_key (w, member_names[m]);
	switch (m) {
	case M_USER:
		ct_jsonw_str (w, e->user);
		break;
	case M_PORTS:
		write_key_set (w, old, e->exposed_ports);
		break;
	case M_ENV:
		write_env (w, old, e->env);
		break;
	case M_ENTRYPOINT:
		write_strv (w, e->entrypoint);
		break;
	case M_CMD:
		write_strv (w, e->cmd);
		break;
	case M_VOLUMES:
		write_key_set (w, old, e->volumes);
		break;
	case M_WORKDIR:
		ct_jsonw_str (w, e->working_dir);
		break;
	case M_LABELS:
		write_labels (w, old, &e->labels);
		break;
	case M_STOP:
		ct_jsonw_str (w, e->stop_signal);
		break;
	case M__COUNT:
	default:
		ct_jsonw_null (w);
		break;
	}
}

static int
member_of_key (const char *key)
{
	for (int m = 0; m < M__COUNT; m++)
		if (strcmp (member_names[m], key) == 0)
			return m;
	return -1;
}

static void
write_config (struct ct_jsonw *w, yajl_val cfg, const struct ct_config_edit *e)
{
	bool done[M__COUNT] = { false };

	ct_jsonw_map_open (w);
	if (cfg != NULL && YAJL_IS_OBJECT (cfg))
		for (size_t i = 0; i < cfg->u.object.len; i++) {
			int m = member_of_key (cfg->u.object.keys[i]);
			if (m < 0 || !edits (e, (enum member) m)) {
				ct_jsonw_key (w, cfg->u.object.keys[i]);
				ct_jsonw_value (w, cfg->u.object.values[i]);
				continue;
			}
			if (!is_last_key (cfg, i))
				continue;
			write_member (w, (enum member) m, cfg->u.object.values[i], e);
			done[m] = true;
		}
	for (int m = 0; m < M__COUNT; m++)
		if (edits (e, (enum member) m) && !done[m])
			write_member (w, (enum member) m, NULL, e);
	ct_jsonw_map_close (w);
}

static void
write_history_entry (struct ct_jsonw *w, const struct ct_history *h)
{
	ct_jsonw_map_open (w);
	if (h->created != NULL)
		ct_jsonw_kv_str (w, "created", h->created);
	if (h->created_by != NULL)
		ct_jsonw_kv_str (w, "created_by", h->created_by);
	if (h->author != NULL)
		ct_jsonw_kv_str (w, "author", h->author);
	if (h->comment != NULL)
		ct_jsonw_kv_str (w, "comment", h->comment);
	if (h->empty_layer)
		ct_jsonw_kv_bool (w, "empty_layer", true);
	ct_jsonw_map_close (w);
}

/* An array member with one more element at its end (after `pad` empty
   history entries). */
static void
write_appended (struct ct_jsonw *w, yajl_val old, const struct ct_history *h, size_t pad, const char *s)
{
	ct_jsonw_array_open (w);
	if (old != NULL && YAJL_IS_ARRAY (old))
		for (size_t i = 0; i < old->u.array.len; i++)
			ct_jsonw_value (w, old->u.array.values[i]);
	for (; h != NULL && pad > 0; pad--) {
		ct_jsonw_map_open (w);
		ct_jsonw_map_close (w);
	}
	if (h != NULL)
		write_history_entry (w, h);
	else
		ct_jsonw_str (w, s);
	ct_jsonw_array_close (w);
}

static void
write_rootfs (struct ct_jsonw *w, yajl_val rootfs, const char *diff_id)
{
	ct_jsonw_map_open (w);
	for (size_t i = 0; i < rootfs->u.object.len; i++) {
		const char *k = rootfs->u.object.keys[i];
		if (strcmp (k, "diff_ids") != 0) {
			ct_jsonw_key (w, k);
			ct_jsonw_value (w, rootfs->u.object.values[i]);
		} else if (is_last_key (rootfs, i)) {
			ct_jsonw_key (w, k);
			write_appended (w, rootfs->u.object.values[i], NULL, 0, diff_id);
		}
	}
	ct_jsonw_map_close (w);
}

int
ct_config_edit_apply (const char *data, size_t len, const char *source, const struct ct_config_edit *e, char **out,
                      size_t *out_len, ct_error_t *err)
{
	cleanup_image_config struct ct_image_config *check = NULL;
	cleanup_yajl yajl_val root = NULL;
	struct ct_jsonw *w;
	bool config_seen = false, history_seen = false, created_seen = false, author_seen = false;
	bool config_edit = edits_config (e);

	/* the model's decoder checks every member an edit reads (Env is an
	   array of strings, rootfs.diff_ids exists...) */
	if (ct_image_config_decode (data, len, source, &check, err) < 0)
		return -1;
	if (ct_json_parse (data, len, &root, err) < 0)
		return source != NULL ? ct_error_wrap (err, "%s", source) : -1;

	w = ct_jsonw_new (false);
	ct_jsonw_map_open (w);
	for (size_t i = 0; i < root->u.object.len; i++) {
		const char *k = root->u.object.keys[i];
		yajl_val v = root->u.object.values[i];

		if (strcmp (k, "config") == 0 && config_edit) {
			if (!is_last_key (root, i))
				continue;
			ct_jsonw_key (w, k);
			write_config (w, v, e);
			config_seen = true;
		} else if (strcmp (k, "rootfs") == 0 && e->diff_id != NULL) {
			if (!is_last_key (root, i))
				continue;
			ct_jsonw_key (w, k);
			write_rootfs (w, v, e->diff_id);
		} else if (strcmp (k, "history") == 0 && e->history_set) {
			if (!is_last_key (root, i))
				continue;
			ct_jsonw_key (w, k);
			write_appended (w, v, &e->history, e->history_pad, NULL);
			history_seen = true;
		} else if ((strcmp (k, "created") == 0 && e->created != NULL) ||
		           (strcmp (k, "author") == 0 && e->author != NULL)) {
			if (!is_last_key (root, i))
				continue;
			ct_jsonw_kv_str (w, k, k[0] == 'c' ? e->created : e->author);
			*(k[0] == 'c' ? &created_seen : &author_seen) = true;
		} else {
			ct_jsonw_key (w, k);
			ct_jsonw_value (w, v);
		}
	}
	if (config_edit && !config_seen) {
		ct_jsonw_key (w, "config");
		write_config (w, NULL, e);
	}
	if (e->history_set && !history_seen) {
		ct_jsonw_key (w, "history");
		write_appended (w, NULL, &e->history, e->history_pad, NULL);
	}
	if (e->created != NULL && !created_seen)
		ct_jsonw_kv_str (w, "created", e->created);
	if (e->author != NULL && !author_seen)
		ct_jsonw_kv_str (w, "author", e->author);
	ct_jsonw_map_close (w);
	return ct_jsonw_finish (w, out, out_len, err);
}

/* ------------------------------------------------------------ option values */

int
ct_config_edit_parse_strv (const char *json, char ***out, ct_error_t *err)
{
	cleanup_yajl yajl_val v = NULL;
	cleanup_strv char **r = NULL;

	if (ct_json_parse (json, strlen (json), &v, err) < 0)
		return -1;
	if (!YAJL_IS_ARRAY (v))
		return ct_make_error (err, 0, "not an array of strings");
	r = xcalloc (1, sizeof (char *));
	for (size_t i = 0; i < v->u.array.len; i++) {
		if (!YAJL_IS_STRING (v->u.array.values[i]))
			return ct_make_error (err, 0, "not an array of strings");
		ct_strv_push (&r, v->u.array.values[i]->u.string);
	}
	*out = steal_pointer (&r);
	return 0;
}
