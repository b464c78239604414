#include "common.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "digest.h"
#include "fs.h"
#include "layer-cache.h"
#include "layer.h"
#include "log.h"
#include "stored.h"

#define CACHE_DIR "layers/sha256"
#define CACHE_TMP "layers/tmp"

/* The hex part of a "sha256:HEX" diff_id, checked: it names a directory. */
static int
diff_hex (const char *diff_id, const char **hex, ct_error_t *err)
{
	const char *h;
	size_t i;

	if (strncmp (diff_id, "sha256:", 7) != 0 || strlen (diff_id) != 7 + 64)
		return ct_make_error (err, 0, "diff_id `%s` is not a sha256 digest", diff_id);
	h = diff_id + 7;
	for (i = 0; i < 64; i++)
		if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
			return ct_make_error (err, 0, "diff_id `%s` is not a sha256 digest", diff_id);
	*hex = h;
	return 0;
}

/* Extract one layer into CACHE_TMP/XXXXXX, sync it, rename it to
   CACHE_DIR/HEX.  A concurrent unpack may win the rename: then ours goes. */
static int
cache_layer (struct ct_layout *l, const struct ct_descriptor *layer, const char *diff_id, const char *hex,
             ct_error_t *err)
{
	struct ct_layer_apply_opts ao = { .overlay = true };
	int storefd = ct_layout_dirfd (l);
	cleanup_free char *tmp = NULL;
	cleanup_free char *dest = NULL;
	cleanup_close int blob = -1;
	cleanup_close int dir = -1;
	ct_error_t e = NULL;
	const char *name;

	if (ct_fs_mkdir_p_at (storefd, CACHE_TMP, 0700, err) < 0 ||
	    ct_fs_mkdir_p_at (storefd, CACHE_DIR, 0700, err) < 0)
		return -1;
	xasprintf (&tmp, "%s/%s/XXXXXX", ct_layout_path (l), CACHE_TMP);
	if (mkdtemp (tmp) == NULL)
		return ct_make_error (err, errno, "create a directory in `%s/%s`", ct_layout_path (l), CACHE_TMP);
	/* lower directories are read through the overlay: 0755 like any root */
	chmod (tmp, 0755);
	name = tmp + strlen (ct_layout_path (l)) + 1;
	dir = openat (storefd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	blob = ct_layout_open_blob (l, layer->digest, err);
	if (dir < 0 || blob < 0) {
		if (dir < 0 && *err == NULL)
			ct_make_error (err, errno, "open `%s`", tmp);
		goto fail;
	}
	ct_log_debug ("extract layer %s into the layer cache", layer->digest);
	if (ct_layer_apply (dir, blob, layer->digest, diff_id, &ao, err) < 0)
		goto fail;
	if (syncfs (dir) < 0) {
		ct_make_error (err, errno, "sync the layer cache");
		goto fail;
	}
	xasprintf (&dest, "%s/%s", CACHE_DIR, hex);
	if (renameat (storefd, name, storefd, dest) < 0) {
		if (errno != EEXIST && errno != ENOTEMPTY) {
			ct_make_error (err, errno, "rename into `%s/%s`", ct_layout_path (l), dest);
			goto fail;
		}
		if (ct_fs_rm_rf_at (storefd, name, &e) < 0)
			ct_log_error_release (&e);
	}
	return 0;
fail:
	if (ct_fs_rm_rf_at (storefd, name, &e) < 0)
		ct_log_error_release (&e);
	return -1;
}

/* mount(2) options are one page: lower directories are named relative to
   the cache (the current directory meanwhile; their diff_ids stay readable
   in mountinfo), upper and work through /proc/self/fd. */
static int
mount_overlay (struct ct_layout *l, const struct ct_image_config *ic, size_t n, int bundlefd, const char *bundle,
               ct_error_t *err)
{
	cleanup_close int cwd = -1;
	cleanup_close int cache = -1;
	cleanup_close int upper = -1;
	cleanup_close int work = -1;
	cleanup_close int rootfs = -1;
	cleanup_free char *opts = NULL;
	char target[64];
	size_t i, len, cap;
	int r;

	if (mkdirat (bundlefd, "overlay", 0700) < 0 || mkdirat (bundlefd, CT_BUNDLE_UPPER, 0755) < 0 ||
	    mkdirat (bundlefd, CT_BUNDLE_WORK, 0700) < 0)
		return ct_make_error (err, errno, "create `%s/overlay`", bundle);
	upper = openat (bundlefd, CT_BUNDLE_UPPER, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	work = openat (bundlefd, CT_BUNDLE_WORK, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	rootfs = openat (bundlefd, CT_BUNDLE_ROOTFS, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (upper < 0 || work < 0 || rootfs < 0)
		return ct_make_error (err, errno, "open `%s/overlay`", bundle);

	cap = n * 66 + 128;
	opts = xmalloc (cap);
	len = 0;
	len += (size_t) snprintf (opts + len, cap - len, "lowerdir=");
	/* overlayfs lists the top layer first */
	for (i = n; i-- > 0;)
		len += (size_t) snprintf (opts + len, cap - len, "%s%s", i + 1 < n ? ":" : "", ic->diff_ids[i] + 7);
	if (n == 0)
		len += (size_t) snprintf (opts + len, cap - len, "empty");
	len += (size_t) snprintf (opts + len, cap - len, ",upperdir=/proc/self/fd/%d,workdir=/proc/self/fd/%d", upper,
	                          work);
	if (len >= (size_t) getpagesize ())
		return ct_make_error (err, 0, "unpack --overlay: %zu layers are more than one overlay mount takes", n);

	cwd = open (".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	cache = openat (ct_layout_dirfd (l), CACHE_DIR, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cwd < 0 || cache < 0 || fchdir (cache) < 0)
		return ct_make_error (err, errno, "open the layer cache `%s/%s`", ct_layout_path (l), CACHE_DIR);
	snprintf (target, sizeof target, "/proc/self/fd/%d", rootfs);
	ct_log_debug ("mount overlay on `%s/rootfs`: %s", bundle, opts);
	r = mount ("cimage", target, "overlay", 0, opts);
	if (r < 0)
		ct_make_error (err, errno, "mount an overlay on `%s/%s`", bundle, CT_BUNDLE_ROOTFS);
	if (fchdir (cwd) < 0 && r == 0) {
		ct_make_error (err, errno, "return to the working directory");
		umount2 (target, MNT_DETACH);
		return -1;
	}
	return r;
}

int
cimage_overlay_mount (struct ct_layout *l, const struct ct_manifest *m, const struct ct_image_config *ic, int bundlefd,
                      const char *bundle, ct_error_t *err)
{
	int storefd = ct_layout_dirfd (l);
	struct stat st;
	size_t i;

	for (i = 0; i < m->n_layers; i++) {
		cleanup_free char *path = NULL;
		const char *hex = NULL;

		if (diff_hex (ic->diff_ids[i], &hex, err) < 0)
			return -1;
		xasprintf (&path, "%s/%s", CACHE_DIR, hex);
		if (fstatat (storefd, path, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR (st.st_mode))
			continue;
		if (cache_layer (l, &m->layers[i], ic->diff_ids[i], hex, err) < 0)
			return -1;
	}
	if (m->n_layers == 0 && (ct_fs_mkdir_p_at (storefd, CACHE_DIR "/empty", 0755, err) < 0))
		return -1;
	return mount_overlay (l, ic, m->n_layers, bundlefd, bundle, err);
}

/* ------------------------------------------------------------ gc */

struct hexset {
	char **v;
	size_t n;
};

static void
hexset_add (struct hexset *s, const char *hex)
{
	s->v = xreallocarray (s->v, s->n + 1, sizeof (*s->v));
	s->v[s->n++] = xstrndup (hex, 64);
}

static bool
hexset_has (const struct hexset *s, const char *hex)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp (s->v[i], hex) == 0)
			return true;
	return false;
}

static void
hexset_clear (struct hexset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free (s->v[i]);
	free (s->v);
	s->v = NULL;
	s->n = 0;
}

/* The diff_ids of manifest `digest` (when it and its config are stored). */
static void
add_manifest_layers (struct ct_layout *l, const char *digest, struct hexset *keep)
{
	cleanup_manifest struct ct_manifest *m = NULL;
	cleanup_image_config struct ct_image_config *c = NULL;
	ct_error_t e = NULL;
	size_t i;

	if (cimage_read_manifest (l, digest, &m, &e) < 0 || cimage_read_config (l, m, NULL, NULL, &c, &e) < 0) {
		ct_error_release (&e);
		return;
	}
	for (i = 0; c->diff_ids && c->diff_ids[i]; i++)
		if (strncmp (c->diff_ids[i], "sha256:", 7) == 0)
			hexset_add (keep, c->diff_ids[i] + 7);
}

/* Cached layers named in the lowerdir= of overlay mounts we can see. */
static void
add_mounted_layers (struct hexset *keep)
{
	cleanup_file FILE *f = fopen ("/proc/self/mountinfo", "re");
	cleanup_free char *line = NULL;
	size_t cap = 0;

	if (f == NULL)
		return;
	while (getline (&line, &cap, f) > 0) {
		const char *p = strstr (line, " - overlay ");
		if (p == NULL || (p = strstr (p, "lowerdir=")) == NULL)
			continue;
		for (p += 9; *p && *p != ',' && *p != ' ' && *p != '\n';) {
			size_t n = strcspn (p, ":, \n");
			/* names are relative to the cache (mount_overlay) */
			if (n >= 64 && strspn (p + n - 64, "0123456789abcdef") >= 64)
				hexset_add (keep, p + n - 64);
			p += n;
			if (*p == ':')
				p++;
		}
	}
}

int
cimage_layer_cache_gc (struct ct_layout *l, size_t *removed, ct_error_t *err)
{
	int storefd = ct_layout_dirfd (l);
	cleanup_index struct ct_index *ix = NULL;
	struct hexset keep = { 0 };
	cleanup_close int cache = -1;
	DIR *d;
	struct dirent *de;
	size_t i;
	int r = 0;

	*removed = 0;
	if (ct_fs_rm_rf_at (storefd, CACHE_TMP, err) < 0)
		return -1;
	cache = openat (storefd, CACHE_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (cache < 0)
		return errno == ENOENT ? 0 : ct_make_error (err, errno, "open `%s/%s`", ct_layout_path (l), CACHE_DIR);
	if (ct_layout_read_index (l, &ix, err) < 0)
		return -1;
	for (i = 0; i < ix->n_manifests; i++) {
		const struct ct_descriptor *e = &ix->manifests[i];
		if (ct_image_doc_kind (e->media_type) == CT_DOC_MANIFEST)
			add_manifest_layers (l, e->digest, &keep);
		else if (ct_image_doc_kind (e->media_type) == CT_DOC_INDEX) {
			cleanup_index struct ct_index *sub = NULL;
			ct_error_t e2 = NULL;
			if (cimage_read_index (l, e->digest, &sub, &e2) < 0) {
				ct_error_release (&e2);
				continue;
			}
			for (size_t j = 0; j < sub->n_manifests; j++)
				add_manifest_layers (l, sub->manifests[j].digest, &keep);
		}
	}
	add_mounted_layers (&keep);
	d = fdopendir (fcntl (cache, F_DUPFD_CLOEXEC, 3));
	if (d == NULL) {
		hexset_clear (&keep);
		return ct_make_error (err, errno, "read `%s/%s`", ct_layout_path (l), CACHE_DIR);
	}
	while ((de = readdir (d)) != NULL) {
		if (strlen (de->d_name) != 64 || strspn (de->d_name, "0123456789abcdef") != 64 ||
		    hexset_has (&keep, de->d_name))
			continue;
		if (ct_fs_rm_rf_at (cache, de->d_name, err) < 0) {
			r = ct_error_wrap (err, "remove the cached layer sha256:%s", de->d_name);
			break;
		}
		(*removed)++;
	}
	closedir (d);
	hexset_clear (&keep);
	return r;
}
