/* cimage commit (specs/cimage.1.md): the image a bundle was unpacked from,
   plus one layer holding what changed in the bundle, stored under a name.

   The changes: copy mode compares BUNDLE/rootfs with BUNDLE/cimage.record
   (rootfs-record.h); overlay mode takes BUNDLE/overlay/upper as overlayfs
   left it (a 0:0 char device is a deletion, trusted.overlay.opaque=y an
   opaque directory).  Blobs go in first (layer, config, manifest), the name
   last, then the bundle is moved onto the new image: cimage.json names the
   new manifest and, in copy mode, the record becomes the state this commit
   saw, so the next commit holds only what changed after it. */
#include "common.h"

#include <getopt.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <time.h>

#include "bundle.h"
#include "cmds.h"
#include "layer-write.h"
#include "log.h"
#include "ocispec/config-edit.h"
#include "rootfs-record.h"
#include "store.h"
#include "stored.h"
#include "strv.h"

#define COMMIT_USAGE "cimage commit [-m MSG] [--author A] [--compression gzip|zstd|none] BUNDLE NAME"
#define RECORD_TMP   ".cimage.record.tmp"
#define WHITEOUT     ".wh."

/* ------------------------------------------------------------ the changes */

enum item_kind {
	ITEM_FILE,     /* the file at path, as it is */
	ITEM_WHITEOUT, /* path was deleted */
	ITEM_OPAQUE,   /* directory path hides what lower layers had in it */
};

struct item {
	char *name; /* the entry's name in the layer: the sort key */
	char *path;
	enum item_kind kind;
};

struct items {
	struct item *v;
	size_t n;
	size_t alloc;
};

static void
items_release (struct items *it)
{
	for (size_t i = 0; i < it->n; i++) {
		free (it->v[i].name);
		free (it->v[i].path);
	}
	free (it->v);
	memset (it, 0, sizeof (*it));
}

static int
items_add (struct items *it, const char *path, enum item_kind kind, ct_error_t *err)
{
	const char *slash = strrchr (path, '/');
	const char *base = slash ? slash + 1 : path;
	struct item *x;

	/* A file whose name is a whiteout's would be read back as one. */
	if (kind == ITEM_FILE && strncmp (base, WHITEOUT, strlen (WHITEOUT)) == 0)
		return ct_make_error (err, EINVAL, "`%s`: a name starting with `%s` cannot be stored in a layer", path,
		                      WHITEOUT);
	if (it->n == it->alloc) {
		it->alloc = it->alloc ? it->alloc * 2 : 64;
		it->v = xreallocarray (it->v, it->alloc, sizeof (*it->v));
	}
	x = &it->v[it->n++];
	x->path = xstrdup (path);
	x->kind = kind;
	if (kind == ITEM_FILE)
		x->name = xstrdup (path);
	else if (kind == ITEM_OPAQUE)
		xasprintf (&x->name, "%s%s" WHITEOUT WHITEOUT ".opq", path, path[0] ? "/" : "");
	else
		xasprintf (&x->name, "%.*s" WHITEOUT "%s", (int) (base - path), path, base);
	return 0;
}

static int
item_cmp (const void *a, const void *b)
{
	return ct_rootfs_path_cmp (((const struct item *) a)->name, ((const struct item *) b)->name);
}

/* Copy mode: the rootfs against its record.  The new record is written to
   newfd as the walk goes. */
static int
changes_copy (int bundlefd, const char *bundle, int rootfd, int newfd, struct items *it, ct_error_t *err)
{
	struct ct_rootfs_changes ch = { 0 };
	cleanup_free char *recname = NULL;
	cleanup_close int recfd = -1;
	int r = 0;

	xasprintf (&recname, "%s/%s", bundle, CT_BUNDLE_RECORD);
	recfd = openat (bundlefd, CT_BUNDLE_RECORD, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (recfd < 0)
		return ct_make_error (err, errno, "open `%s`", recname);
	if (ct_rootfs_record_diff (rootfd, recfd, recname, newfd, &ch, err) < 0)
		return -1;
	for (size_t i = 0; i < ch.n && r == 0; i++)
		r = items_add (it, ch.v[i].path, ch.v[i].kind == CT_ROOTFS_DELETED ? ITEM_WHITEOUT : ITEM_FILE, err);
	ct_rootfs_changes_release (&ch);
	return r;
}

static bool
opaque_dir (const struct ct_rootfs_entry *e)
{
	static const char *const names[] = { "trusted.overlay.opaque", "user.overlay.opaque" };
	cleanup_close int fd = openat (e->dirfd, e->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return false;
	for (size_t i = 0; i < CT_ARRAY_SIZE (names); i++) {
		char v[2];
		if (fgetxattr (fd, names[i], v, sizeof v) == 1 && v[0] == 'y')
			return true;
	}
	return false;
}

static int
overlay_one (const struct ct_rootfs_entry *e, void *data, ct_error_t *err)
{
	struct items *it = data;

	if (e->path[0] == '\0')
		return 0;
	/* overlayfs marks a deleted lower path with a 0:0 char device. */
	if (S_ISCHR (e->st->st_mode) && e->st->st_rdev == makedev (0, 0))
		return items_add (it, e->path, ITEM_WHITEOUT, err);
	if (items_add (it, e->path, ITEM_FILE, err) < 0)
		return -1;
	if (S_ISDIR (e->st->st_mode) && opaque_dir (e))
		return items_add (it, e->path, ITEM_OPAQUE, err);
	return 0;
}

/* ------------------------------------------------------------ the image */

struct commit_opts {
	const char *message;
	const char *author;
	enum ct_layer_compression compression;
	int64_t epoch; /* SOURCE_DATE_EPOCH, or -1 */
};

static int
source_date_epoch (int64_t *out, ct_error_t *err)
{
	const char *s = getenv ("SOURCE_DATE_EPOCH");
	uintmax_t v;
	char *end;

	*out = -1;
	if (s == NULL || *s == '\0')
		return 0;
	errno = 0;
	v = strtoumax (s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || v > INT64_MAX)
		return ct_make_error (err, EINVAL, "SOURCE_DATE_EPOCH `%s`: not a number of seconds since 1970", s);
	*out = (int64_t) v;
	return 0;
}

static char *
rfc3339 (int64_t epoch)
{
	time_t t = epoch >= 0 ? (time_t) epoch : time (NULL);
	char buf[64];
	struct tm tm;

	gmtime_r (&t, &tm);
	strftime (buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup (buf);
}

/* The base config plus the new layer's diff_id and history entry, edited
   on its JSON (config-edit.h) so that members our model does not know
   (Healthcheck, OnBuild, ...) are kept. */
static int
new_config (struct ct_layout *l, const struct ct_manifest *base, const char *diff_id, const struct commit_opts *o,
            struct ct_descriptor *out, ct_error_t *err)
{
	cleanup_image_config struct ct_image_config *c = NULL;
	cleanup_free char *raw = NULL;
	cleanup_free char *doc = NULL;
	cleanup_free char *digest = NULL;
	cleanup_free char *src = NULL;
	struct ct_config_edit e = { 0 };
	size_t raw_len, len, with_layer = 0, i;
	int r;

	if (cimage_read_config (l, base, &raw, &raw_len, &c, err) < 0)
		return -1;
	if (ct_strv_len (c->diff_ids) != base->n_layers)
		return ct_make_error (err, EINVAL, "the base manifest has %zu layers, its config %zu diff_ids",
		                      base->n_layers, ct_strv_len (c->diff_ids));
	/* history pairs its non-empty entries with the layers in order: give
	   base layers the history lacks an entry of their own first. */
	for (i = 0; i < c->n_history; i++)
		with_layer += !c->history[i].empty_layer;
	e.history_pad = with_layer < base->n_layers ? base->n_layers - with_layer : 0;
	e.diff_id = xstrdup (diff_id);
	e.history_set = true;
	e.history.created = rfc3339 (o->epoch);
	e.history.created_by = xstrdup ("cimage commit");
	e.history.author = o->author ? xstrdup (o->author) : NULL;
	e.history.comment = o->message ? xstrdup (o->message) : NULL;
	e.created = xstrdup (e.history.created);
	e.author = o->author ? xstrdup (o->author) : NULL;
	xasprintf (&src, "config %s", base->config.digest);
	r = ct_config_edit_apply (raw, raw_len, src, &e, &doc, &len, err);
	ct_config_edit_clear (&e);
	if (r < 0 || ct_layout_put_blob (l, doc, len, NULL, &digest, err) < 0)
		return ct_error_wrap (err, "store the config");
	memset (out, 0, sizeof (*out));
	out->media_type = xstrdup (CT_MT_OCI_CONFIG);
	out->digest = steal_pointer (&digest);
	out->size = (int64_t) len;
	return 0;
}

/* base's layers + the new one, with the new config; annotations and
   subject of the base are not carried over (they described it). */
static int
new_manifest (struct ct_layout *l, const struct ct_manifest *base, const struct ct_descriptor *config,
              const struct ct_descriptor *layer, struct ct_descriptor *out, ct_error_t *err)
{
	cleanup_free struct ct_descriptor *layers = xcalloc (base->n_layers + 1, sizeof (*layers));
	cleanup_free char *doc = NULL;
	cleanup_free char *digest = NULL;
	struct ct_manifest m = {
		.schema_version = 2,
		.media_type = (char *) CT_MT_OCI_MANIFEST,
		.config = *config,
		.layers = layers,
		.n_layers = base->n_layers + 1,
	};
	size_t len;

	/* borrowed descriptors: encoded, never freed here */
	memcpy (layers, base->layers, base->n_layers * sizeof (*layers));
	layers[base->n_layers] = *layer;
	if (ct_manifest_encode (&m, &doc, &len, err) < 0 || ct_layout_put_blob (l, doc, len, NULL, &digest, err) < 0)
		return ct_error_wrap (err, "store the manifest");
	memset (out, 0, sizeof (*out));
	out->media_type = xstrdup (CT_MT_OCI_MANIFEST);
	out->digest = steal_pointer (&digest);
	out->size = (int64_t) len;
	return 0;
}

static int
write_layer (struct ct_layout *l, int srcfd, struct items *it, const struct ct_bundle_meta *meta,
             const struct commit_opts *o, struct ct_descriptor *desc, char **diff_id, ct_error_t *err)
{
	struct ct_layer_write_opts wo = {
		.compression = o->compression,
		.uid_map = meta->uid_map,
		.n_uid_map = meta->n_uid_map,
		.gid_map = meta->gid_map,
		.n_gid_map = meta->n_gid_map,
		.clamp_mtime = o->epoch,
	};
	cleanup_layer_writer struct ct_layer_writer *w = NULL;

	if (it->n > 1)
		qsort (it->v, it->n, sizeof (*it->v), item_cmp);
	if (ct_layer_writer_new (l, &wo, &w, err) < 0)
		return -1;
	for (size_t i = 0; i < it->n; i++) {
		const struct item *x = &it->v[i];
		int r;

		if (x->kind == ITEM_FILE)
			r = ct_layer_writer_add (w, srcfd, x->path, err);
		else if (x->kind == ITEM_WHITEOUT)
			r = ct_layer_writer_add_whiteout (w, x->path, err);
		else
			r = ct_layer_writer_add_opaque (w, x->path, err);
		if (r < 0)
			return -1;
	}
	return ct_layer_writer_finish (w, desc, diff_id, err);
}

/* The store the bundle came from, for writing; never created here (a
   store that is gone holds no base image either). */
static int
open_store (const char *dir, struct ct_layout **l, ct_error_t *err)
{
	cleanup_layout struct ct_layout *probe = NULL;

	if (ct_layout_open (dir, CT_LAYOUT_READ, &probe, err) < 0)
		return -1;
	return ct_layout_open (dir, CT_LAYOUT_WRITE, l, err);
}

static int
read_base (struct ct_layout *l, const struct ct_bundle_meta *meta, struct ct_manifest **m, ct_error_t *err)
{
	if (!ct_layout_has_blob (l, meta->manifest, -1))
		return ct_make_error (err, ENOENT, "the base image (manifest %s) is not in the store `%s` any more",
		                      meta->manifest, meta->store);
	return cimage_read_manifest (l, meta->manifest, m, err);
}

/* Move the bundle onto the new image: cimage.json first, then the record
   (the other order could leave a record newer than the image named). */
static int
update_bundle (int bundlefd, const char *bundle, struct ct_bundle_meta *meta, const struct ct_descriptor *md,
               bool has_record, ct_error_t *err)
{
	free (meta->manifest);
	free (meta->manifest_type);
	meta->manifest = xstrdup (md->digest);
	meta->manifest_type = xstrdup (md->media_type);
	meta->manifest_size = md->size;
	if (ct_bundle_meta_write (bundlefd, meta, err) < 0)
		return ct_error_wrap (err, "update `%s/%s`", bundle, CT_BUNDLE_META);
	if (has_record && renameat (bundlefd, RECORD_TMP, bundlefd, CT_BUNDLE_RECORD) < 0)
		return ct_make_error (err, errno, "update `%s/%s`", bundle, CT_BUNDLE_RECORD);
	return 0;
}

static int
commit (struct ct_globals *g, const char *bundle, const char *name, const struct commit_opts *o, ct_error_t *err)
{
	cleanup_layout struct ct_layout *l = NULL;
	cleanup_manifest struct ct_manifest *base = NULL;
	cleanup_close int bundlefd = -1;
	cleanup_close int srcfd = -1;
	cleanup_close int newrec = -1;
	cleanup_free char *norm = NULL;
	cleanup_free char *diff_id = NULL;
	struct ct_bundle_meta meta = { 0 };
	struct ct_descriptor layer = { 0 }, config = { 0 }, man = { 0 };
	struct items it = { 0 };
	const char *src;
	int r = -1;

	(void) g; /* the store is the bundle's, named in cimage.json */
	if (ct_store_normalize_name (name, &norm, err) < 0)
		return -1;
	bundlefd = open (bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (bundlefd < 0)
		return ct_make_error (err, errno, "open the bundle `%s`", bundle);
	if (ct_bundle_meta_read (bundlefd, bundle, &meta, err) < 0)
		return -1;
	if (open_store (meta.store, &l, err) < 0 || read_base (l, &meta, &base, err) < 0)
		goto out;

	src = meta.overlay ? CT_BUNDLE_UPPER : CT_BUNDLE_ROOTFS;
	srcfd = openat (bundlefd, src, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (srcfd < 0) {
		ct_make_error (err, errno, "open `%s/%s`", bundle, src);
		goto out;
	}
	if (meta.overlay) {
		if (ct_rootfs_walk (srcfd, overlay_one, &it, err) < 0)
			goto out;
	} else {
		newrec = openat (bundlefd, RECORD_TMP, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (newrec < 0) {
			ct_make_error (err, errno, "create `%s/%s`", bundle, RECORD_TMP);
			goto out;
		}
		if (changes_copy (bundlefd, bundle, srcfd, newrec, &it, err) < 0)
			goto out;
		if (fsync (newrec) < 0) {
			ct_make_error (err, errno, "write `%s/%s`", bundle, RECORD_TMP);
			goto out;
		}
	}
	ct_log_debug ("commit `%s`: %zu layer entries", bundle, it.n);

	/* Blobs first, the name last: a failure leaves no name behind (blobs
	   nobody names go with the next gc). */
	if (write_layer (l, srcfd, &it, &meta, o, &layer, &diff_id, err) < 0 ||
	    new_config (l, base, diff_id, o, &config, err) < 0 ||
	    new_manifest (l, base, &config, &layer, &man, err) < 0 || ct_layout_set_name (l, norm, &man, err) < 0)
		goto out;
	if (update_bundle (bundlefd, bundle, &meta, &man, newrec >= 0, err) < 0) {
		ct_error_wrap (err, "stored as `%s` (%s), but", norm, man.digest);
		goto out;
	}
	printf ("%s\n", man.digest);
	r = 0;
out:
	if (r < 0 && newrec >= 0)
		unlinkat (bundlefd, RECORD_TMP, 0);
	items_release (&it);
	ct_descriptor_clear (&layer);
	ct_descriptor_clear (&config);
	ct_descriptor_clear (&man);
	ct_bundle_meta_clear (&meta);
	return r;
}

int
cmd_commit (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	enum { OPT_AUTHOR = 256, OPT_COMPRESSION };
	static const struct option longopts[] = {
		{ "message", required_argument, NULL, 'm' },
		{ "author", required_argument, NULL, OPT_AUTHOR },
		{ "compression", required_argument, NULL, OPT_COMPRESSION },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct commit_opts o = { .compression = CT_LAYER_GZIP };
	int c;

	while ((c = ct_cli_getopt (argc, argv, "m:h", longopts, err)) != -1) {
		switch (c) {
		case 'm':
			o.message = optarg;
			break;
		case OPT_AUTHOR:
			o.author = optarg;
			break;
		case OPT_COMPRESSION:
			if (ct_layer_compression_parse (optarg, &o.compression, err) < 0)
				return ct_error_wrap (err, "commit");
			break;
		case 'h':
			printf ("usage: %s\n\nStore as NAME the image BUNDLE was unpacked from plus one layer holding "
			        "the "
			        "changes\nmade in BUNDLE/rootfs, and print the new manifest digest.\n",
			        COMMIT_USAGE);
			return 0;
		default:
			return -1;
		}
	}
	if (ct_cli_args (argc, argv, 2, 2, COMMIT_USAGE, err) < 0)
		return -1;
	if (source_date_epoch (&o.epoch, err) < 0 || commit (g, argv[optind], argv[optind + 1], &o, err) < 0)
		return ct_error_wrap (err, "commit `%s`", argv[optind]);
	return 0;
}
