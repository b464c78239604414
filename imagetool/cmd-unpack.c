/* cimage unpack and cimage umount: a stored image becomes an OCI runtime
   bundle (specs/bundle-format.md).  Copy mode applies every layer into
   BUNDLE/rootfs; overlay mode extracts each layer once into the store's
   layer cache (layer-cache.c) and mounts an overlay of them on
   BUNDLE/rootfs. */
#include "common.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle-config.h"
#include "bundle.h"
#include "cmds.h"
#include "fs.h"
#include "layer-cache.h"
#include "layer.h"
#include "log.h"
#include "rootfs-record.h"
#include "store.h"
#include "stored.h"
#include "strv.h"

struct unpack_opts {
	bool rootless;
	bool overlay;
	struct ct_id_map *uid_map;
	size_t n_uid_map;
	struct ct_id_map *gid_map;
	size_t n_gid_map;
};

static int
add_map (struct ct_id_map **maps, size_t *n, const char *arg, const char *what, ct_error_t *err)
{
	struct ct_id_map m;

	if (ct_id_map_parse (arg, what, &m, err) < 0)
		return -1;
	*maps = xreallocarray (*maps, *n + 1, sizeof (**maps));
	(*maps)[(*n)++] = m;
	return 0;
}

/* BUNDLE is made here, or must be an empty directory: an unpack never
   mixes with what was there.  *made says whether we created it (a failed
   unpack then removes it whole; otherwise only what it put inside). */
static int
open_bundle (const char *bundle, bool *made, ct_error_t *err)
{
	cleanup_close int fd = -1;
	DIR *d;
	struct dirent *e;

	*made = false;
	if (mkdir (bundle, 0755) == 0)
		*made = true;
	else if (errno != EEXIST)
		return ct_make_error (err, errno, "create the bundle `%s`", bundle);
	fd = open (bundle, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ct_make_error (err, errno, "open the bundle `%s`", bundle);
	if (!*made) {
		int dup_fd = fcntl (fd, F_DUPFD_CLOEXEC, 3);
		if (dup_fd < 0 || (d = fdopendir (dup_fd)) == NULL) {
			if (dup_fd >= 0)
				close (dup_fd);
			return ct_make_error (err, errno, "read the bundle `%s`", bundle);
		}
		while ((e = readdir (d)) != NULL)
			if (strcmp (e->d_name, ".") != 0 && strcmp (e->d_name, "..") != 0)
				break;
		closedir (d);
		if (e != NULL)
			return ct_make_error (err, 0, "the bundle `%s` exists and is not empty", bundle);
	}
	return steal_fd (&fd);
}

/* Undo a failed unpack: the overlay (if mounted), then everything made. */
static void
undo_bundle (int bundlefd, const char *bundle, bool made, bool mounted)
{
	static const char *const ours[] = { CT_BUNDLE_ROOTFS, "overlay", "config.json", CT_BUNDLE_META,
		                            CT_BUNDLE_RECORD };
	ct_error_t e = NULL;
	size_t i;

	if (mounted) {
		cleanup_free char *rootfs = NULL;
		xasprintf (&rootfs, "%s/%s", bundle, CT_BUNDLE_ROOTFS);
		if (umount2 (rootfs, MNT_DETACH) < 0)
			ct_log_warning ("unmount `%s`: %s", rootfs, strerror (errno));
	}
	if (made) {
		if (ct_fs_rm_rf_at (AT_FDCWD, bundle, &e) < 0)
			ct_log_error_release (&e);
		return;
	}
	for (i = 0; i < CT_ARRAY_SIZE (ours); i++)
		if (ct_fs_rm_rf_at (bundlefd, ours[i], &e) < 0)
			ct_log_error_release (&e);
}

static int
write_config_json (int bundlefd, int rootfd, const struct ct_image_config *ic, const struct unpack_opts *o,
                   ct_error_t *err)
{
	struct ct_bundle_config_opts bo = {
		.rootless = o->rootless,
		.uid_map = o->uid_map,
		.n_uid_map = o->n_uid_map,
		.gid_map = o->gid_map,
		.n_gid_map = o->n_gid_map,
	};
	cleanup_rt_spec struct ct_rt_spec *spec = NULL;
	cleanup_free char *doc = NULL;
	size_t len;

	if (ct_bundle_config_make (rootfd, ic, &bo, &spec, err) < 0 || ct_rt_spec_encode (spec, &doc, &len, err) < 0)
		return -1;
	return ct_fs_write_atomic_at (bundlefd, "config.json", doc, len, 0644, err);
}

/* Copy mode: every layer applied in order into BUNDLE/rootfs, then the
   record commit diffs against. */
static int
unpack_copy (struct ct_layout *l, const struct ct_manifest *m, const struct ct_image_config *ic, int bundlefd,
             int rootfd, const struct unpack_opts *o, ct_error_t *err)
{
	struct ct_layer_apply_opts ao = {
		.uid_map = o->uid_map,
		.n_uid_map = o->n_uid_map,
		.gid_map = o->gid_map,
		.n_gid_map = o->n_gid_map,
		.rootless = o->rootless,
	};
	cleanup_close int rec = -1;
	static const char tmp[] = ".cimage.record.tmp";
	size_t i;

	for (i = 0; i < m->n_layers; i++) {
		cleanup_close int fd = ct_layout_open_blob (l, m->layers[i].digest, err);
		if (fd < 0)
			return -1;
		if (ct_layer_apply (rootfd, fd, m->layers[i].digest, ic->diff_ids[i], &ao, err) < 0)
			return -1;
	}
	rec = openat (bundlefd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (rec < 0)
		return ct_make_error (err, errno, "create `%s`", CT_BUNDLE_RECORD);
	if (ct_rootfs_record_write (rootfd, rec, err) < 0 || fsync (rec) < 0 ||
	    renameat (bundlefd, tmp, bundlefd, CT_BUNDLE_RECORD) < 0) {
		if (*err == NULL)
			ct_make_error (err, errno, "write `%s`", CT_BUNDLE_RECORD);
		unlinkat (bundlefd, tmp, 0);
		return -1;
	}
	return 0;
}

static int
check_image (const struct ct_manifest *m, const struct ct_image_config *ic, const char *ref, ct_error_t *err)
{
	size_t n_diff = ct_strv_len (ic->diff_ids);
	size_t i;

	if (n_diff != m->n_layers)
		return ct_make_error (err, 0, "`%s`: the manifest has %zu layers, the config %zu diff_ids", ref,
		                      m->n_layers, n_diff);
	for (i = 0; i < m->n_layers; i++)
		if (!ct_image_layer_type_known (m->layers[i].media_type))
			return ct_make_error (err, 0, "`%s`: layer %s: media type `%s` cannot be unpacked", ref,
			                      m->layers[i].digest, m->layers[i].media_type);
	return 0;
}

int
cmd_unpack (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	static const char use[] =
	        "cimage unpack [--overlay] [--rootless] [--uid-map C:H:N]... [--gid-map C:H:N]... REF BUNDLE";
	enum { OPT_UID_MAP = 256, OPT_GID_MAP, OPT_ROOTLESS, OPT_OVERLAY };
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "rootless", no_argument, NULL, OPT_ROOTLESS },
		{ "overlay", no_argument, NULL, OPT_OVERLAY },
		{ "uid-map", required_argument, NULL, OPT_UID_MAP },
		{ "gid-map", required_argument, NULL, OPT_GID_MAP },
		{ NULL, 0, NULL, 0 },
	};
	struct unpack_opts o = { 0 };
	cleanup_layout struct ct_layout *l = NULL;
	cleanup_manifest struct ct_manifest *m = NULL;
	cleanup_image_config struct ct_image_config *ic = NULL;
	cleanup_close int bundlefd = -1;
	cleanup_close int rootfd = -1;
	struct ct_descriptor d = { 0 }, md = { 0 };
	cleanup_free char *store = NULL;
	struct ct_bundle_meta meta = { 0 };
	const char *ref, *bundle;
	bool made = false, mounted = false;
	int c, r = -1;

	while ((c = ct_cli_getopt (argc, argv, "h", longopts, err)) != -1) {
		switch (c) {
		case 'h':
			printf ("usage: %s\n\nUnpack an image into an OCI runtime bundle.\n", use);
			goto out_ok;
		case OPT_ROOTLESS:
			o.rootless = true;
			break;
		case OPT_OVERLAY:
			o.overlay = true;
			break;
		case OPT_UID_MAP:
			if (add_map (&o.uid_map, &o.n_uid_map, optarg, "--uid-map", err) < 0)
				goto out;
			break;
		case OPT_GID_MAP:
			if (add_map (&o.gid_map, &o.n_gid_map, optarg, "--gid-map", err) < 0)
				goto out;
			break;
		default:
			goto out;
		}
	}
	if (ct_cli_args (argc, argv, 2, 2, use, err) < 0)
		goto out;
	ref = argv[optind];
	bundle = argv[optind + 1];
	/* Not root: nothing but a rootless bundle can come out of it. */
	if (geteuid () != 0)
		o.rootless = true;
	if (o.overlay && o.rootless) {
		ct_make_error (err, 0, "unpack --overlay needs root (overlayfs is mounted in the host's namespace)");
		goto out;
	}
	if (o.overlay && (o.n_uid_map > 0 || o.n_gid_map > 0)) {
		ct_make_error (err, 0, "unpack --overlay takes no --uid-map/--gid-map (the layer cache is shared)");
		goto out;
	}

	if (ct_layout_open (g->store, o.overlay ? CT_LAYOUT_WRITE : CT_LAYOUT_READ, &l, err) < 0)
		goto out_ctx;
	if (ct_layout_resolve (l, ref, &d, NULL, err) < 0) {
		cimage_ref_error ("unpack", ref, err);
		goto out;
	}
	if (cimage_pick_manifest (l, &d, &md, err) < 0 || cimage_read_manifest (l, md.digest, &m, err) < 0 ||
	    cimage_read_config (l, m, NULL, NULL, &ic, err) < 0 || check_image (m, ic, ref, err) < 0)
		goto out_ctx;

	bundlefd = open_bundle (bundle, &made, err);
	if (bundlefd < 0)
		goto out_ctx;
	if (mkdirat (bundlefd, CT_BUNDLE_ROOTFS, 0755) < 0) {
		ct_make_error (err, errno, "create `%s/%s`", bundle, CT_BUNDLE_ROOTFS);
		goto fail;
	}
	if (o.overlay) {
		if (cimage_overlay_mount (l, m, ic, bundlefd, bundle, err) < 0)
			goto fail;
		mounted = true;
	}
	rootfd = openat (bundlefd, CT_BUNDLE_ROOTFS, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (rootfd < 0) {
		ct_make_error (err, errno, "open `%s/%s`", bundle, CT_BUNDLE_ROOTFS);
		goto fail;
	}
	if (!o.overlay && unpack_copy (l, m, ic, bundlefd, rootfd, &o, err) < 0)
		goto fail;
	if (write_config_json (bundlefd, rootfd, ic, &o, err) < 0)
		goto fail;

	store = realpath (ct_layout_path (l), NULL);
	meta.store = store ? store : (char *) ct_layout_path (l);
	meta.ref = (char *) ref;
	meta.manifest = md.digest;
	meta.manifest_type = md.media_type;
	meta.manifest_size = md.size;
	meta.overlay = o.overlay;
	meta.uid_map = o.uid_map;
	meta.n_uid_map = o.n_uid_map;
	meta.gid_map = o.gid_map;
	meta.n_gid_map = o.n_gid_map;
	if (ct_bundle_meta_write (bundlefd, &meta, err) < 0)
		goto fail;
out_ok:
	r = 0;
	goto out;
fail:
	undo_bundle (bundlefd, bundle, made, mounted);
out_ctx:
	ct_error_wrap (err, "unpack `%s`", argc > optind ? argv[optind] : "");
out:
	ct_descriptor_clear (&d);
	ct_descriptor_clear (&md);
	free (o.uid_map);
	free (o.gid_map);
	return r;
}

int
cmd_umount (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	static const char use[] = "cimage umount BUNDLE";
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	cleanup_close int bundlefd = -1;
	cleanup_free char *rootfs = NULL;
	struct ct_bundle_meta meta;
	const char *bundle;
	int c;

	(void) g;
	while ((c = ct_cli_getopt (argc, argv, "h", longopts, err)) != -1) {
		if (c == 'h') {
			printf ("usage: %s\n\nUnmount the overlay rootfs of a bundle made by unpack --overlay.\n", use);
			return 0;
		}
		return -1;
	}
	if (ct_cli_args (argc, argv, 1, 1, use, err) < 0)
		return -1;
	bundle = argv[optind];
	bundlefd = open (bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (bundlefd < 0)
		return ct_make_error (err, errno, "umount: open the bundle `%s`", bundle);
	if (ct_bundle_meta_read (bundlefd, bundle, &meta, err) < 0)
		return ct_error_wrap (err, "umount");
	c = meta.overlay;
	ct_bundle_meta_clear (&meta);
	if (!c)
		return ct_make_error (err, 0, "umount `%s`: the bundle was not unpacked with --overlay", bundle);
	xasprintf (&rootfs, "%s/%s", bundle, CT_BUNDLE_ROOTFS);
	if (umount2 (rootfs, UMOUNT_NOFOLLOW) < 0) {
		if (errno == EINVAL)
			return ct_make_error (err, 0, "umount `%s`: not mounted", rootfs);
		return ct_make_error (err, errno, "umount `%s`", rootfs);
	}
	return 0;
}
