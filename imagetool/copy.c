/* The copy engine (copy.h): sources, destinations, and the bottom-up copy. */
#include "common.h"

#include <sys/stat.h>

#include "archive.h"
#include "copy.h"
#include "digest.h"
#include "fs.h"
#include "log.h"
#include "progress.h"
#include "store.h"
#include "strv.h"

/* ---- sources ---- */

struct ct_image_source {
	char *text; /* the reference as given, for messages */
	const char *op;
	struct ct_layout *layout; /* store, oci:DIR, or the temp layout of an archive */
	char *tmpdir;             /* owned temp layout (archives), removed on free */
	struct ct_descriptor top; /* layout: the named descriptor */
	char *archive_name;       /* archives: the name the archive gave the image */
	struct ct_registry *reg;
	char *reg_ref; /* registry: tag or digest */
	/* the top document, fetched once (copy and manifest choice both need it) */
	char *top_buf;
	size_t top_len;
	char *top_media_type;
	char *top_digest;
};

static const char *
tmp_parent (void)
{
	const char *t = getenv ("TMPDIR");

	/* Images are big: /var/tmp (disk) rather than /tmp (often tmpfs), as podman does. */
	return t != NULL && t[0] == '/' ? t : "/var/tmp";
}

/* A fresh empty directory for a temporary layout, malloc'd. */
static char *
make_tmpdir (ct_error_t *err)
{
	char *dir;

	xasprintf (&dir, "%s/cimage-XXXXXX", tmp_parent ());
	if (mkdtemp (dir) == NULL) {
		ct_make_error (err, errno, "create a temporary directory in `%s`", tmp_parent ());
		free (dir);
		return NULL;
	}
	return dir;
}

static void
remove_tmpdir (char *dir)
{
	ct_error_t e = NULL;

	if (dir == NULL)
		return;
	if (ct_fs_rm_rf_at (AT_FDCWD, dir, &e) < 0) {
		ct_log_warning ("remove `%s`: %s", dir, e->msg);
		ct_error_release (&e);
	}
}

/* The descriptor of index.json named exactly `name` (oci:DIR:REF names are
   matched as they are, without the store's normalisation); with name NULL,
   the only descriptor. */
static int
layout_find_exact (struct ct_layout *l, const char *name, const char *text, struct ct_descriptor *out, ct_error_t *err)
{
	cleanup_index struct ct_index *ix = NULL;
	const struct ct_descriptor *found = NULL;
	size_t i;

	if (ct_layout_read_index (l, &ix, err) < 0)
		return -1;
	if (name == NULL) {
		if (ix->n_manifests != 1)
			return ct_make_error (err, 0, "`%s` holds %zu images; name one: %s:NAME", text, ix->n_manifests,
			                      text);
		ct_descriptor_copy (out, &ix->manifests[0]);
		return 0;
	}
	for (i = 0; i < ix->n_manifests; i++) {
		const char *n = ct_descriptor_annotation (&ix->manifests[i], CT_ANNOTATION_REF_NAME);

		if (n == NULL || strcmp (n, name) != 0)
			continue;
		if (found != NULL)
			return ct_make_error (err, 0, "name `%s` appears twice in `%s/index.json`", name,
			                      ct_layout_path (l));
		found = &ix->manifests[i];
	}
	if (found == NULL)
		return ct_make_error (err, ENOENT, "`%s`: no image named `%s`", text, name);
	ct_descriptor_copy (out, found);
	return 0;
}

int
ct_image_source_open (const struct ct_ref *ref, const struct ct_copy_opts *o, struct ct_image_source **out,
                      ct_error_t *err)
{
	struct ct_image_source *s = xzalloc (sizeof *s);
	struct ct_registry_opts ropts;

	s->text = xstrdup (ref->text);
	s->op = o->op;
	switch (ref->transport) {
	case CT_TRANSPORT_STORE:
		if (ct_layout_open (o->store, CT_LAYOUT_READ, &s->layout, err) < 0 ||
		    ct_layout_resolve (s->layout, ref->name, &s->top, NULL, err) < 0)
			goto fail;
		break;
	case CT_TRANSPORT_OCI:
		if (ct_layout_open (ref->path, CT_LAYOUT_READ, &s->layout, err) < 0 ||
		    layout_find_exact (s->layout, ref->name, ref->text, &s->top, err) < 0)
			goto fail;
		break;
	case CT_TRANSPORT_OCI_ARCHIVE:
	case CT_TRANSPORT_DOCKER_ARCHIVE:
		s->tmpdir = make_tmpdir (err);
		if (s->tmpdir == NULL || ct_layout_open (s->tmpdir, CT_LAYOUT_WRITE, &s->layout, err) < 0 ||
		    ct_archive_read (ref->path,
		                     ref->transport == CT_TRANSPORT_OCI_ARCHIVE ? CT_ARCHIVE_OCI : CT_ARCHIVE_DOCKER,
		                     ref->name, s->layout, &s->top, &s->archive_name, err) < 0)
			goto fail;
		break;
	case CT_TRANSPORT_DOCKER:
		ropts = o->src_tls;
		ropts.op = o->op;
		ropts.push = false;
		if (ct_registry_open (ref->host, ref->repository, &ropts, &s->reg, err) < 0)
			goto fail;
		s->reg_ref = xstrdup (ref->digest != NULL ? ref->digest : ref->tag != NULL ? ref->tag : "latest");
		break;
	}
	*out = s;
	return 0;
fail:
	ct_image_source_free (s);
	return -1;
}

void
ct_image_source_free (struct ct_image_source *s)
{
	if (s == NULL)
		return;
	ct_layout_close (s->layout);
	remove_tmpdir (s->tmpdir);
	free (s->tmpdir);
	ct_descriptor_clear (&s->top);
	ct_registry_free (s->reg);
	free (s->reg_ref);
	free (s->top_buf);
	free (s->top_media_type);
	free (s->top_digest);
	free (s->archive_name);
	free (s->text);
	free (s);
}

void
ct_image_source_freep (struct ct_image_source **s)
{
	ct_image_source_free (*s);
}

int
ct_image_source_top (struct ct_image_source *s, char **buf, size_t *len, char **media_type, char **digest,
                     ct_error_t *err)
{
	if (s->top_buf == NULL) {
		if (s->reg != NULL) {
			if (ct_registry_get_manifest (s->reg, s->reg_ref, &s->top_buf, &s->top_len, &s->top_media_type,
			                              &s->top_digest, err) < 0)
				return -1;
		} else {
			if (ct_layout_read_blob (s->layout, s->top.digest, CT_IMAGE_MAX_DOC, &s->top_buf, &s->top_len,
			                         err) < 0)
				return ct_error_wrap (err, "%s `%s`", s->op, s->text);
			s->top_media_type = xstrdup (s->top.media_type);
			s->top_digest = xstrdup (s->top.digest);
		}
	}
	*buf = xmalloc (s->top_len + 1);
	memcpy (*buf, s->top_buf, s->top_len);
	(*buf)[s->top_len] = '\0';
	*len = s->top_len;
	*media_type = xstrdup (s->top_media_type);
	*digest = xstrdup (s->top_digest);
	return 0;
}

int
ct_image_source_doc (struct ct_image_source *s, const struct ct_descriptor *d, char **buf, size_t *len, ct_error_t *err)
{
	cleanup_free char *mt = NULL;
	cleanup_free char *dg = NULL;

	if (d->size > (int64_t) CT_IMAGE_MAX_DOC)
		return ct_make_error (err, EFBIG, "%s `%s`: manifest `%s` is larger than 4 MiB", s->op, s->text,
		                      d->digest);
	if (s->reg != NULL)
		return ct_registry_get_manifest (s->reg, d->digest, buf, len, &mt, &dg, err);
	if (ct_layout_read_blob (s->layout, d->digest, CT_IMAGE_MAX_DOC, buf, len, err) < 0)
		return ct_error_wrap (err, "%s `%s`", s->op, s->text);
	return 0;
}

int
ct_image_source_blob (struct ct_image_source *s, const struct ct_descriptor *d, size_t max, char **buf, size_t *len,
                      ct_error_t *err)
{
	if (d->size > (int64_t) max)
		return ct_make_error (err, EFBIG, "%s `%s`: blob `%s` is larger than %zu bytes", s->op, s->text,
		                      d->digest, max);
	if (s->reg != NULL)
		return ct_registry_get_blob (s->reg, d, max, buf, len, err);
	if (ct_layout_read_blob (s->layout, d->digest, max, buf, len, err) < 0)
		return ct_error_wrap (err, "%s `%s`", s->op, s->text);
	return 0;
}

/* Platforms of an index's entries, for "no image for ..." errors. */
static char *
index_platforms (const struct ct_index *ix)
{
	cleanup_strv char **v = NULL;
	size_t i;

	for (i = 0; i < ix->n_manifests; i++)
		if (ix->manifests[i].platform != NULL)
			ct_strv_take (&v, ct_platform_format (ix->manifests[i].platform));
	return v == NULL ? xstrdup ("none") : ct_strv_join (v, ", ");
}

/* The entry of `ix` for `want`: the first match, skipping entries that are
   not image manifests (attestations carry platform unknown/unknown). */
static const struct ct_descriptor *
index_choose (const struct ct_index *ix, const struct ct_platform *want)
{
	size_t i;

	for (i = 0; i < ix->n_manifests; i++) {
		const struct ct_descriptor *d = &ix->manifests[i];

		if (ct_image_doc_kind (d->media_type) != CT_DOC_MANIFEST || d->platform == NULL)
			continue;
		if (ct_platform_match (d->platform, want))
			return d;
	}
	return NULL;
}

int
ct_image_source_manifest (struct ct_image_source *s, const struct ct_platform *platform, struct ct_manifest **m,
                          char **digest, char **raw, size_t *raw_len, ct_error_t *err)
{
	cleanup_free char *buf = NULL;
	cleanup_free char *mt = NULL;
	cleanup_free char *dg = NULL;
	cleanup_free char *src = NULL;
	struct ct_platform host = { 0 };
	size_t len;
	int depth;

	if (ct_image_source_top (s, &buf, &len, &mt, &dg, err) < 0)
		return -1;
	if (platform == NULL) {
		ct_platform_host (&host);
		platform = &host;
	}
	/* An index may name another index; two levels are plenty. */
	for (depth = 0; ct_image_doc_kind (mt) == CT_DOC_INDEX; depth++) {
		cleanup_index struct ct_index *ix = NULL;
		const struct ct_descriptor *d;

		free (src);
		xasprintf (&src, "index %s", dg);
		if (depth == 2 || ct_index_decode (buf, len, src, &ix, err) < 0) {
			if (depth == 2)
				ct_make_error (err, 0, "indexes nested deeper than 2 levels");
			ct_platform_clear (&host);
			return ct_error_wrap (err, "%s `%s`", s->op, s->text);
		}
		d = index_choose (ix, platform);
		if (d == NULL) {
			cleanup_free char *want = ct_platform_format (platform);
			cleanup_free char *have = index_platforms (ix);

			ct_platform_clear (&host);
			return ct_make_error (err, ENOENT, "%s `%s`: no image for %s in the index (it has %s)", s->op,
			                      s->text, want, have);
		}
		free (buf);
		buf = NULL;
		if (ct_image_source_doc (s, d, &buf, &len, err) < 0) {
			ct_platform_clear (&host);
			return -1;
		}
		free (mt);
		mt = xstrdup (d->media_type);
		free (dg);
		dg = xstrdup (d->digest);
	}
	ct_platform_clear (&host);
	if (ct_image_doc_kind (mt) != CT_DOC_MANIFEST)
		return ct_make_error (err, 0, "%s `%s`: unsupported manifest type `%s`", s->op, s->text, mt);
	free (src);
	xasprintf (&src, "manifest %s", dg);
	if (ct_manifest_decode (buf, len, src, m, err) < 0)
		return ct_error_wrap (err, "%s `%s`", s->op, s->text);
	if (digest != NULL)
		*digest = steal_pointer (&dg);
	if (raw != NULL) {
		*raw_len = len;
		*raw = steal_pointer (&buf);
	}
	return 0;
}

/* ---- destinations ---- */

enum dest_kind {
	DEST_LAYOUT,   /* store or oci:DIR */
	DEST_REGISTRY, /* docker:// */
	DEST_ARCHIVE,  /* a temp layout written out as an archive at the end */
};

struct dest {
	enum dest_kind kind;
	struct ct_layout *layout;
	char *tmpdir;
	struct ct_registry *reg;
	char *mount_from; /* registry: a repository on the same registry holding the blobs */
};

static void
dest_clear (struct dest *d)
{
	ct_layout_close (d->layout);
	remove_tmpdir (d->tmpdir);
	free (d->tmpdir);
	ct_registry_free (d->reg);
	free (d->mount_from);
}

/* ---- the copy ---- */

struct copy {
	const struct ct_copy_opts *o;
	const struct ct_ref *src_ref;
	const struct ct_ref *dst_ref;
	struct ct_image_source *src;
	struct dest dst;
	struct ct_layout *staging; /* registry -> registry: blobs pass through here */
	char *staging_dir;
	struct ct_progress *progress;
};

/* Copy one blob between two layouts through a verifying writer. */
static int
layout_copy_blob (struct ct_layout *from, struct ct_layout *to, const struct ct_descriptor *d, ct_error_t *err)
{
	cleanup_blob_writer struct ct_blob_writer *w = NULL;
	cleanup_close int fd = -1;
	static char buf[1 << 20];
	ssize_t n;

	fd = ct_layout_open_blob (from, d->digest, err);
	if (fd < 0)
		return -1;
	if (ct_blob_writer_new (to, d->digest, d->size, &w, err) < 0)
		return -1;
	while ((n = read (fd, buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return ct_make_error (err, errno, "read blob `%s`", d->digest);
		}
		if (ct_blob_writer_write (w, buf, (size_t) n, err) < 0)
			return ct_error_wrap (err, "blob `%s`", d->digest);
	}
	if (ct_blob_writer_commit (w, NULL, err) < 0)
		return ct_error_wrap (err, "blob `%s`", d->digest);
	return 0;
}

static int
layout_copy_blobs (struct copy *c, struct ct_layout *from, struct ct_layout *to, const struct ct_descriptor *blobs,
                   size_t n, ct_error_t *err)
{
	size_t i;

	for (i = 0; i < n; i++) {
		cleanup_free char *what = NULL;
		int slot;

		xasprintf (&what, "Copying blob %.19s", blobs[i].digest);
		slot = ct_progress_add (c->progress, what, blobs[i].size);
		if (ct_layout_has_blob (to, blobs[i].digest, blobs[i].size)) {
			ct_progress_done (c->progress, slot, "exists");
			continue;
		}
		if (layout_copy_blob (from, to, &blobs[i], err) < 0) {
			ct_progress_done (c->progress, slot, "failed");
			return -1;
		}
		ct_progress_update (c->progress, slot, blobs[i].size);
		ct_progress_done (c->progress, slot, "done");
	}
	return 0;
}

/* The layout blobs of the source end up in, for a layout or archive
   destination (NULL for a registry). */
static struct ct_layout *
dest_layout (struct copy *c)
{
	return c->dst.kind == DEST_REGISTRY ? NULL : c->dst.layout;
}

/* Move blobs from the source to the destination. */
static int
copy_blobs (struct copy *c, const struct ct_descriptor *blobs, size_t n, ct_error_t *err)
{
	struct ct_layout *to = dest_layout (c);
	struct ct_layout *from = c->src->layout;

	if (c->src->reg != NULL) {
		/* registry -> registry goes through the staging layout */
		struct ct_layout *into = to != NULL ? to : c->staging;

		if (ct_registry_fetch_blobs (c->src->reg, blobs, n, into, c->progress, err) < 0)
			return -1;
		from = into;
		if (to != NULL)
			return 0;
	} else if (to != NULL) {
		return layout_copy_blobs (c, from, to, blobs, n, err);
	}
	return ct_registry_push_blobs (c->dst.reg, blobs, n, from, c->dst.mount_from, c->progress, err);
}

/* Write a manifest or index document to the destination.  `ref` is the tag
   (or NULL: by digest) for a registry. */
static int
put_doc (struct copy *c, const char *media_type, const char *buf, size_t len, const char *digest, const char *tag,
         ct_error_t *err)
{
	if (c->dst.kind == DEST_REGISTRY)
		return ct_registry_put_manifest (c->dst.reg, tag != NULL ? tag : digest, media_type, buf, len, err);
	return ct_layout_put_blob (c->dst.layout, buf, len, digest, NULL, err);
}

/* A re-encoded document replaces the one described by *out: new digest,
   size and media type. */
static int
describe_rewritten (struct ct_descriptor *out, const char *enc, size_t enc_len, const char *media_type, ct_error_t *err)
{
	char *digest = ct_digest_buffer (CT_DIGEST_SHA256, enc, enc_len, err);

	if (digest == NULL)
		return -1;
	free (out->digest);
	out->digest = digest;
	out->size = (int64_t) enc_len;
	free (out->media_type);
	out->media_type = xstrdup (media_type);
	return 0;
}

/* Copy the image manifest `raw` (its descriptor in `d`: digest, media type)
   with its blobs; `out` gets the descriptor as written (converted to OCI
   for layouts).  tag: registry tag when this is the top document. */
static int
copy_manifest (struct copy *c, const struct ct_descriptor *d, const char *raw, size_t len, const char *tag,
               struct ct_descriptor *out, ct_error_t *err)
{
	cleanup_manifest struct ct_manifest *m = NULL;
	cleanup_free struct ct_descriptor *blobs = NULL;
	cleanup_free char *src = NULL;
	cleanup_free char *enc = NULL;
	const char *bytes = raw;
	size_t n_blobs, i, enc_len;
	bool changed = false;

	xasprintf (&src, "manifest %s", d->digest);
	if (ct_manifest_decode (raw, len, src, &m, err) < 0)
		return -1;
	n_blobs = m->n_layers + 1;
	blobs = xmalloc (n_blobs * sizeof *blobs);
	blobs[0] = m->config;
	for (i = 0; i < m->n_layers; i++)
		blobs[i + 1] = m->layers[i];
	/* Shallow copies: the blob list borrows m's strings. */
	if (copy_blobs (c, blobs, n_blobs, err) < 0)
		return -1;

	ct_descriptor_copy (out, d);
	if (c->dst.kind != DEST_REGISTRY) {
		if (ct_manifest_to_oci (m, &changed, err) < 0)
			return ct_error_wrap (err, "convert %s to OCI", src);
		if (changed) {
			if (ct_manifest_encode (m, &enc, &enc_len, err) < 0 ||
			    describe_rewritten (out, enc, enc_len, CT_MT_OCI_MANIFEST, err) < 0)
				return -1;
			bytes = enc;
			len = enc_len;
		}
	}
	ct_progress_line (c->progress, "Writing manifest to image destination");
	return put_doc (c, out->media_type, bytes, len, out->digest, tag, err);
}

/* Copy an index and every manifest it lists (--all). */
static int
copy_index (struct copy *c, const struct ct_descriptor *d, const char *raw, size_t len, const char *tag, int depth,
            struct ct_descriptor *out, ct_error_t *err)
{
	cleanup_index struct ct_index *ix = NULL;
	cleanup_free char *src = NULL;
	cleanup_free char *enc = NULL;
	const char *bytes = raw;
	bool changed = false;
	size_t i, enc_len;

	xasprintf (&src, "index %s", d->digest);
	if (depth > 2)
		return ct_make_error (err, 0, "%s: indexes nested deeper than 2 levels", src);
	if (ct_index_decode (raw, len, src, &ix, err) < 0)
		return -1;
	for (i = 0; i < ix->n_manifests; i++) {
		struct ct_descriptor *child = &ix->manifests[i];
		struct ct_descriptor written = { 0 };
		cleanup_free char *cbuf = NULL;
		size_t clen;
		int r;

		if (ct_image_doc_kind (child->media_type) == CT_DOC_UNKNOWN)
			return ct_make_error (err, 0, "%s: `manifests[%zu]`: unsupported media type `%s`", src, i,
			                      child->media_type);
		if (ct_image_source_doc (c->src, child, &cbuf, &clen, err) < 0)
			return -1;
		if (ct_image_doc_kind (child->media_type) == CT_DOC_INDEX)
			r = copy_index (c, child, cbuf, clen, NULL, depth + 1, &written, err);
		else
			r = copy_manifest (c, child, cbuf, clen, NULL, &written, err);
		if (r < 0) {
			ct_descriptor_clear (&written);
			return -1;
		}
		/* A converted child has a new digest: the index must point at it. */
		if (strcmp (written.digest, child->digest) != 0 ||
		    strcmp (written.media_type, child->media_type) != 0) {
			changed = true;
			free (child->digest);
			child->digest = xstrdup (written.digest);
			child->size = written.size;
			free (child->media_type);
			child->media_type = xstrdup (written.media_type);
		}
		ct_descriptor_clear (&written);
	}
	ct_descriptor_copy (out, d);
	if (c->dst.kind != DEST_REGISTRY) {
		bool conv = false;

		if (ct_index_to_oci (ix, &conv, err) < 0)
			return ct_error_wrap (err, "convert %s to OCI", src);
		changed = changed || conv;
	}
	if (changed) {
		if (ct_index_encode (ix, &enc, &enc_len, err) < 0 ||
		    describe_rewritten (out, enc, enc_len, CT_MT_OCI_INDEX, err) < 0)
			return -1;
		bytes = enc;
		len = enc_len;
	}
	ct_progress_line (c->progress, "Writing manifest list to image destination");
	return put_doc (c, out->media_type, bytes, len, out->digest, tag, err);
}

/* The name an image gets in a layout destination. */
static int
dest_name (struct copy *c, char **out, ct_error_t *err)
{
	const struct ct_ref *s = c->src_ref;
	const struct ct_ref *d = c->dst_ref;

	if (d->transport == CT_TRANSPORT_OCI) {
		if (d->name == NULL)
			return ct_make_error (err, 0, "`%s`: name the image in the layout: oci:%s:NAME", d->text,
			                      d->path);
		*out = xstrdup (d->name);
		return 0;
	}
	if (d->transport == CT_TRANSPORT_OCI_ARCHIVE || d->transport == CT_TRANSPORT_DOCKER_ARCHIVE) {
		*out = d->name != NULL ? xstrdup (d->name) : NULL;
		return 0;
	}
	/* the store */
	if (d->name != NULL)
		return ct_store_normalize_name (d->name, out, err);
	switch (s->transport) {
	case CT_TRANSPORT_DOCKER:
		*out = ct_ref_docker_name (s);
		return 0;
	case CT_TRANSPORT_STORE:
		return ct_store_normalize_name (s->name, out, err);
	default:
		if (s->name != NULL)
			return ct_store_normalize_name (s->name, out, err);
		if (c->src->archive_name != NULL)
			return ct_store_normalize_name (c->src->archive_name, out, err);
		return ct_make_error (err, 0, "%s `%s`: the source names no image; give a NAME", c->o->op, s->text);
	}
}

/* The repository to mount blobs from when pushing to `d`'s registry: the
   source's repository when it is the same registry (copy), or the one a
   stored image was pulled from (its name starts with the same host). */
static char *
mount_source (const struct ct_ref *s, const struct ct_ref *d, const char *stored_name)
{
	size_t hl = strlen (d->host);
	const char *p;

	if (s->transport == CT_TRANSPORT_DOCKER && strcmp (s->host, d->host) == 0 &&
	    strcmp (s->repository, d->repository) != 0)
		return xstrdup (s->repository);
	if (stored_name == NULL || strncmp (stored_name, d->host, hl) != 0 || stored_name[hl] != '/')
		return NULL;
	p = stored_name + hl + 1;
	/* repository ends at the tag's ':' after the last '/', or at '@' */
	{
		const char *at = strchr (p, '@');
		const char *slash = strrchr (p, '/');
		const char *colon = strchr (slash != NULL ? slash : p, ':');
		const char *end = at != NULL ? at : colon != NULL ? colon : p + strlen (p);

		if (end - p == (ptrdiff_t) strlen (d->repository) &&
		    strncmp (p, d->repository, (size_t) (end - p)) == 0)
			return NULL;
		return xstrndup (p, (size_t) (end - p));
	}
}

static int
open_dest (struct copy *c, const char *stored_name, ct_error_t *err)
{
	const struct ct_ref *d = c->dst_ref;
	struct ct_registry_opts ropts;

	switch (d->transport) {
	case CT_TRANSPORT_STORE:
		c->dst.kind = DEST_LAYOUT;
		return ct_layout_open (c->o->store, CT_LAYOUT_WRITE, &c->dst.layout, err);
	case CT_TRANSPORT_OCI:
		c->dst.kind = DEST_LAYOUT;
		return ct_layout_open (d->path, CT_LAYOUT_WRITE, &c->dst.layout, err);
	case CT_TRANSPORT_OCI_ARCHIVE:
	case CT_TRANSPORT_DOCKER_ARCHIVE:
		c->dst.kind = DEST_ARCHIVE;
		c->dst.tmpdir = make_tmpdir (err);
		if (c->dst.tmpdir == NULL)
			return -1;
		return ct_layout_open (c->dst.tmpdir, CT_LAYOUT_WRITE, &c->dst.layout, err);
	case CT_TRANSPORT_DOCKER:
		c->dst.kind = DEST_REGISTRY;
		ropts = c->o->dst_tls;
		ropts.op = c->o->op;
		ropts.push = true;
		if (ct_registry_open (d->host, d->repository, &ropts, &c->dst.reg, err) < 0)
			return -1;
		c->dst.mount_from = mount_source (c->src_ref, d, stored_name);
		return 0;
	}
	return ct_make_error (err, 0, "unknown transport");
}

/* Write the finished temp layout of an archive destination to its file:
   FILE.tmp-XXXXXX then rename, so a failure leaves no half archive. */
static int
write_archive (struct copy *c, const struct ct_descriptor *desc, const char *name, ct_error_t *err)
{
	const struct ct_ref *d = c->dst_ref;
	enum ct_archive_format fmt = d->transport == CT_TRANSPORT_OCI_ARCHIVE ? CT_ARCHIVE_OCI : CT_ARCHIVE_DOCKER;
	cleanup_free char *tmp = NULL;
	cleanup_close int fd = -1;

	if (strcmp (d->path, "-") == 0)
		return ct_archive_write (c->dst.layout, desc, name, fmt, STDOUT_FILENO, err);
	xasprintf (&tmp, "%s.tmp-XXXXXX", d->path);
	fd = mkostemp (tmp, O_CLOEXEC);
	if (fd < 0)
		return ct_make_error (err, errno, "create `%s`", tmp);
	if (ct_archive_write (c->dst.layout, desc, name, fmt, fd, err) < 0 || fchmod (fd, 0644) < 0 || fsync (fd) < 0 ||
	    rename (tmp, d->path) < 0) {
		if (*err == NULL)
			ct_make_error (err, errno, "write `%s`", d->path);
		unlink (tmp);
		return -1;
	}
	return 0;
}

int
ct_copy_image (const struct ct_ref *src, const struct ct_ref *dst, const struct ct_copy_opts *o, char **digest_out,
               ct_error_t *err)
{
	struct copy c = { .o = o, .src_ref = src, .dst_ref = dst };
	cleanup_free char *buf = NULL;
	cleanup_free char *mt = NULL;
	cleanup_free char *dg = NULL;
	cleanup_free char *name = NULL;
	cleanup_free char *stored_name = NULL;
	struct ct_descriptor top = { 0 };
	struct ct_descriptor written = { 0 };
	struct ct_platform host = { 0 };
	const struct ct_platform *want = o->platform;
	const char *tag = NULL;
	size_t len;
	int r = -1;

	if (src->transport == CT_TRANSPORT_STORE) {
		/* the full stored name tells push where the blobs may be mounted from */
		cleanup_layout struct ct_layout *l = NULL;
		struct ct_descriptor tmp = { 0 };

		if (ct_layout_open (o->store, CT_LAYOUT_READ, &l, err) < 0 ||
		    ct_layout_resolve (l, src->name, &tmp, &stored_name, err) < 0)
			return ct_error_wrap (err, "%s `%s`", o->op, src->text);
		ct_descriptor_clear (&tmp);
	}
	if (ct_image_source_open (src, o, &c.src, err) < 0)
		goto out;
	if (open_dest (&c, stored_name, err) < 0)
		goto out;
	if (c.src->reg != NULL && c.dst.kind == DEST_REGISTRY) {
		c.staging_dir = make_tmpdir (err);
		if (c.staging_dir == NULL || ct_layout_open (c.staging_dir, CT_LAYOUT_WRITE, &c.staging, err) < 0)
			goto out;
	}
	c.progress = ct_progress_new (o->quiet);
	if (dst->transport == CT_TRANSPORT_DOCKER)
		tag = dst->tag != NULL ? dst->tag : dst->digest != NULL ? NULL : "latest";

	if (ct_image_source_top (c.src, &buf, &len, &mt, &dg, err) < 0)
		goto out;
	top.media_type = xstrdup (mt);
	top.digest = xstrdup (dg);
	top.size = (int64_t) len;

	if (ct_image_doc_kind (mt) == CT_DOC_INDEX && o->all) {
		if (copy_index (&c, &top, buf, len, tag, 0, &written, err) < 0)
			goto wrap;
	} else if (ct_image_doc_kind (mt) == CT_DOC_INDEX) {
		/* one platform: the manifest chosen from the index is the image */
		cleanup_manifest struct ct_manifest *m = NULL;
		cleanup_free char *raw = NULL;
		cleanup_free char *mdg = NULL;
		struct ct_descriptor md = { 0 };
		size_t raw_len;

		if (want == NULL) {
			ct_platform_host (&host);
			want = &host;
		}
		if (ct_image_source_manifest (c.src, want, &m, &mdg, &raw, &raw_len, err) < 0)
			goto out;
		md.digest = steal_pointer (&mdg);
		md.media_type = xstrdup (m->media_type != NULL ? m->media_type : CT_MT_OCI_MANIFEST);
		md.size = (int64_t) raw_len;
		md.platform = xzalloc (sizeof *md.platform);
		md.platform->os = xstrdup (want->os);
		md.platform->architecture = xstrdup (want->architecture);
		if (want->variant != NULL)
			md.platform->variant = xstrdup (want->variant);
		if (copy_manifest (&c, &md, raw, raw_len, tag, &written, err) < 0) {
			ct_descriptor_clear (&md);
			goto wrap;
		}
		ct_descriptor_clear (&md);
	} else if (ct_image_doc_kind (mt) == CT_DOC_MANIFEST) {
		if (copy_manifest (&c, &top, buf, len, tag, &written, err) < 0)
			goto wrap;
	} else {
		ct_make_error (err, 0, "unsupported manifest type `%s`", mt);
		goto wrap;
	}

	/* Name it last: the destination now holds everything it refers to. */
	if (c.dst.kind != DEST_REGISTRY) {
		if (dest_name (&c, &name, err) < 0)
			goto out;
		if (c.dst.kind == DEST_LAYOUT) {
			if (ct_layout_set_name (c.dst.layout, name, &written, err) < 0)
				goto wrap;
		} else if (write_archive (&c, &written, name, err) < 0) {
			goto wrap;
		}
	}
	if (digest_out != NULL)
		*digest_out = xstrdup (written.digest);
	r = 0;
	goto out;
wrap:
	/* registry errors already name the reference; the others get it here */
	if (c.src->reg == NULL && c.dst.kind != DEST_REGISTRY)
		ct_error_wrap (err, "%s `%s`", o->op, src->text);
out:
	ct_platform_clear (&host);
	ct_descriptor_clear (&top);
	ct_descriptor_clear (&written);
	ct_progress_free (c.progress);
	ct_image_source_free (c.src);
	dest_clear (&c.dst);
	ct_layout_close (c.staging);
	remove_tmpdir (c.staging_dir);
	free (c.staging_dir);
	return r;
}
