/* Registry credentials (auth.h): the containers-auth.json format that
   podman, skopeo and docker share.  Rewrites keep every key they do not
   own: the file is re-encoded from its yajl tree. */
#include "common.h"

#include <sys/stat.h>

#include <openssl/evp.h>

#include "auth.h"
#include "fs.h"
#include "json.h"

#define AUTH_FILE_MAX (4u * 1024 * 1024)

/* The files lookup reads, in order (malloc'd, NULL-terminated). */
static void
lookup_paths (char *paths[4])
{
	const char *env = getenv ("REGISTRY_AUTH_FILE");
	const char *xdg = getenv ("XDG_RUNTIME_DIR");
	const char *home = getenv ("HOME");
	size_t n = 0;

	if (env != NULL && *env != '\0')
		paths[n++] = xstrdup (env);
	if (xdg != NULL && *xdg != '\0')
		xasprintf (&paths[n++], "%s/containers/auth.json", xdg);
	if (home != NULL && *home != '\0')
		xasprintf (&paths[n++], "%s/.docker/config.json", home);
	paths[n] = NULL;
}

char *
ct_auth_write_path (ct_error_t *err)
{
	const char *env = getenv ("REGISTRY_AUTH_FILE");
	const char *xdg = getenv ("XDG_RUNTIME_DIR");
	const char *home = getenv ("HOME");
	char *p;

	if (env != NULL && *env != '\0')
		return xstrdup (env);
	if (xdg != NULL && *xdg != '\0') {
		xasprintf (&p, "%s/containers/auth.json", xdg);
		return p;
	}
	if (home != NULL && *home != '\0') {
		xasprintf (&p, "%s/.docker/config.json", home);
		return p;
	}
	ct_make_error (err, 0, "no place for credentials: set REGISTRY_AUTH_FILE, XDG_RUNTIME_DIR or HOME");
	return NULL;
}

/* Whether an auths key names host: "HOST", "https://HOST", "http://HOST",
   "HOST/v2/", "https://HOST/v1/" (docker's forms). */
static bool
key_matches (const char *key, const char *host)
{
	size_t n;

	if (strncmp (key, "https://", 8) == 0)
		key += 8;
	else if (strncmp (key, "http://", 7) == 0)
		key += 7;
	n = strcspn (key, "/");
	if (n == strlen (host) && strncmp (key, host, n) == 0)
		return true;
	/* docker.io is stored by docker as https://index.docker.io/v1/ */
	return strcmp (host, "docker.io") == 0 && n == strlen ("index.docker.io") &&
	       strncmp (key, "index.docker.io", n) == 0;
}

static int
read_file (const char *path, yajl_val *tree, bool *missing, ct_error_t *err)
{
	cleanup_free char *data = NULL;
	size_t len;

	*missing = false;
	*tree = NULL;
	if (ct_fs_read_all_at (AT_FDCWD, path, AUTH_FILE_MAX, &data, &len, err) < 0) {
		if (ct_error_status (*err) == ENOENT) {
			ct_error_release (err);
			*missing = true;
			return 0;
		}
		return -1;
	}
	if (len == 0) /* an empty file is an empty configuration */
		return 0;
	if (ct_json_parse (data, len, tree, err) < 0)
		return ct_error_wrap (err, "`%s`", path);
	if (!YAJL_IS_OBJECT (*tree)) {
		yajl_tree_free (*tree);
		*tree = NULL;
		return ct_make_error (err, 0, "`%s`: not a JSON object", path);
	}
	return 0;
}

static int
decode_auth (const char *path, const char *key, const char *b64, char **user, char **pass, ct_error_t *err)
{
	size_t n = strlen (b64);
	cleanup_free unsigned char *raw = NULL;
	int got;
	size_t pad = 0;
	char *colon;

	if (n % 4 != 0)
		goto bad;
	raw = xmalloc (n / 4 * 3 + 1);
	got = EVP_DecodeBlock (raw, (const unsigned char *) b64, (int) n);
	if (got < 0)
		goto bad;
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	if (n >= 1 && b64[n - 1] == '=')
		pad++;
	if (n >= 2 && b64[n - 2] == '=')
		pad++;
	got -= (int) pad;
	raw[got] = '\0';
	if (memchr (raw, '\0', (size_t) got) != NULL)
		goto bad;
	colon = strchr ((char *) raw, ':');
	if (colon == NULL)
		return ct_make_error (err, 0, "`%s`: `auths.%s.auth`: not user:password", path, key);
	*user = xstrndup ((char *) raw, (size_t) (colon - (char *) raw));
	*pass = xstrdup (colon + 1);
	return 0;
bad:
	return ct_make_error (err, 0, "`%s`: `auths.%s.auth`: not base64", path, key);
}

int
ct_auth_lookup (const char *host, char **user, char **pass, ct_error_t *err)
{
	char *paths[4];
	int ret = 1;

	lookup_paths (paths);
	for (size_t i = 0; paths[i] != NULL && ret == 1; i++) {
		cleanup_yajl yajl_val tree = NULL;
		yajl_val auths;
		bool missing;

		if (read_file (paths[i], &tree, &missing, err) < 0) {
			ret = -1;
			break;
		}
		if (tree == NULL)
			continue;
		auths = ct_json_lookup (tree, "auths");
		if (auths == NULL || !YAJL_IS_OBJECT (auths))
			continue;
		/* An exact key wins over the URL forms. */
		for (int pass_no = 0; pass_no < 2 && ret == 1; pass_no++) {
			for (size_t k = 0; k < auths->u.object.len; k++) {
				const char *key = auths->u.object.keys[k];
				yajl_val a;

				if (pass_no == 0 ? strcmp (key, host) != 0 : !key_matches (key, host))
					continue;
				a = ct_json_lookup (auths->u.object.values[k], "auth");
				if (a == NULL || !YAJL_IS_STRING (a) || YAJL_GET_STRING (a)[0] == '\0')
					continue;
				if (decode_auth (paths[i], key, YAJL_GET_STRING (a), user, pass, err) < 0)
					ret = -1;
				else
					ret = 0;
				break;
			}
		}
	}
	for (size_t i = 0; paths[i] != NULL; i++)
		free (paths[i]);
	return ret;
}

/* Re-encode a yajl value as it was (numbers as integer or double). */
static void
write_value (struct ct_jsonw *w, yajl_val v)
{
	if (v == NULL || YAJL_IS_NULL (v))
		ct_jsonw_null (w);
	else if (YAJL_IS_STRING (v))
		ct_jsonw_str (w, YAJL_GET_STRING (v));
	else if (YAJL_IS_TRUE (v))
		ct_jsonw_bool (w, true);
	else if (YAJL_IS_FALSE (v))
		ct_jsonw_bool (w, false);
	else if (YAJL_IS_INTEGER (v))
		ct_jsonw_int (w, YAJL_GET_INTEGER (v));
	else if (YAJL_IS_NUMBER (v))
		ct_jsonw_double (w, YAJL_GET_DOUBLE (v));
	else if (YAJL_IS_ARRAY (v)) {
		ct_jsonw_array_open (w);
		for (size_t i = 0; i < v->u.array.len; i++)
			write_value (w, v->u.array.values[i]);
		ct_jsonw_array_close (w);
	} else {
		ct_jsonw_map_open (w);
		for (size_t i = 0; i < v->u.object.len; i++) {
			ct_jsonw_key (w, v->u.object.keys[i]);
			write_value (w, v->u.object.values[i]);
		}
		ct_jsonw_map_close (w);
	}
}

/* Write the file with auths.HOST replaced by `auth` (NULL: removed, with
   every other key form of the host).  *removed counts dropped entries. */
static int
rewrite (const char *path, yajl_val tree, const char *host, const char *auth, size_t *removed, ct_error_t *err)
{
	struct ct_jsonw *w = ct_jsonw_new (true);
	yajl_val auths = tree ? ct_json_lookup (tree, "auths") : NULL;
	cleanup_free char *out = NULL;
	cleanup_free char *dir = NULL;
	char *slash;
	size_t len;
	bool wrote_auths = false;

	*removed = 0;
	ct_jsonw_map_open (w);
	for (size_t i = 0; tree && i < tree->u.object.len; i++) {
		const char *key = tree->u.object.keys[i];

		if (strcmp (key, "auths") != 0 || auths == NULL || !YAJL_IS_OBJECT (auths)) {
			if (strcmp (key, "auths") == 0)
				continue; /* a broken auths (not an object) is replaced */
			ct_jsonw_key (w, key);
			write_value (w, tree->u.object.values[i]);
			continue;
		}
		if (wrote_auths)
			continue;
		wrote_auths = true;
		ct_jsonw_key (w, "auths");
		ct_jsonw_map_open (w);
		for (size_t k = 0; k < auths->u.object.len; k++) {
			const char *hk = auths->u.object.keys[k];

			if (key_matches (hk, host) && (auth == NULL || strcmp (hk, host) == 0)) {
				(*removed)++;
				continue;
			}
			ct_jsonw_key (w, hk);
			write_value (w, auths->u.object.values[k]);
		}
		if (auth != NULL) {
			ct_jsonw_key (w, host);
			ct_jsonw_map_open (w);
			ct_jsonw_kv_str (w, "auth", auth);
			ct_jsonw_map_close (w);
		}
		ct_jsonw_map_close (w);
	}
	if (!wrote_auths) {
		ct_jsonw_key (w, "auths");
		ct_jsonw_map_open (w);
		if (auth != NULL) {
			ct_jsonw_key (w, host);
			ct_jsonw_map_open (w);
			ct_jsonw_kv_str (w, "auth", auth);
			ct_jsonw_map_close (w);
		}
		ct_jsonw_map_close (w);
	}
	ct_jsonw_map_close (w);
	if (ct_jsonw_finish (w, &out, &len, err) < 0)
		return -1;

	dir = xstrdup (path);
	slash = strrchr (dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		if (ct_fs_mkdir_p_at (AT_FDCWD, dir, 0700, err) < 0)
			return ct_error_wrap (err, "write credentials to `%s`", path);
	}
	if (ct_fs_write_atomic_at (AT_FDCWD, path, out, len, 0600, err) < 0)
		return ct_error_wrap (err, "write credentials to `%s`", path);
	return 0;
}

int
ct_auth_store (const char *host, const char *user, const char *pass, ct_error_t *err)
{
	cleanup_free char *path = ct_auth_write_path (err);
	cleanup_free char *plain = NULL;
	cleanup_free char *b64 = NULL;
	cleanup_yajl yajl_val tree = NULL;
	bool missing;
	size_t n, removed;

	if (path == NULL)
		return -1;
	if (read_file (path, &tree, &missing, err) < 0)
		return -1;
	xasprintf (&plain, "%s:%s", user, pass);
	n = strlen (plain);
	b64 = xmalloc (4 * ((n + 2) / 3) + 1);
	EVP_EncodeBlock ((unsigned char *) b64, (const unsigned char *) plain, (int) n);
	return rewrite (path, tree, host, b64, &removed, err);
}

int
ct_auth_remove (const char *host, ct_error_t *err)
{
	cleanup_free char *path = ct_auth_write_path (err);
	cleanup_yajl yajl_val tree = NULL;
	bool missing;
	size_t removed = 0;
	yajl_val auths;
	bool any = false;

	if (path == NULL)
		return -1;
	if (read_file (path, &tree, &missing, err) < 0)
		return -1;
	if (tree == NULL)
		return 1;
	auths = ct_json_lookup (tree, "auths");
	for (size_t k = 0; auths && YAJL_IS_OBJECT (auths) && k < auths->u.object.len; k++)
		any = any || key_matches (auths->u.object.keys[k], host);
	if (!any)
		return 1;
	if (rewrite (path, tree, host, NULL, &removed, err) < 0)
		return -1;
	return removed > 0 ? 0 : 1;
}
