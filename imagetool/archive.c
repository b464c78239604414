/* OCI and docker image archives (archive.h) through libarchive.

   Reading makes one pass over the tar, so stdin works: every member that may
   be a blob is streamed straight into the destination layout by a
   ct_blob_writer, and the small documents (oci-layout, index.json,
   manifest.json) are kept in memory; the image is chosen at the end.  A
   failure leaves at most unreferenced blobs, which gc removes: blobs that
   others may already use are never deleted here.

   Writing is deterministic: entries sorted by name, owned 0:0, modes
   0644/0755, mtime 0, pax restricted (plain ustar headers unless a name or
   size needs more). */
#include "common.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include "archive.h"
#include "digest.h"
#include "ocispec/docker-archive.h"
#include "strv.h"

#define IO_BUF    (128 * 1024)
#define MAX_DEPTH 8 /* index -> index -> manifest nesting we follow */
#define MAGIC_LEN 4

static const unsigned char gzip_magic[] = { 0x1f, 0x8b };
static const unsigned char zstd_magic[] = { 0x28, 0xb5, 0x2f, 0xfd };

static void
archive_freep (struct archive **a)
{
	if (*a != NULL)
		archive_read_free (*a);
}
#define cleanup_archive_read __attribute__ ((cleanup (archive_freep)))

static void
archive_write_freep (struct archive **a)
{
	if (*a != NULL)
		archive_write_free (*a);
}
#define cleanup_archive_write __attribute__ ((cleanup (archive_write_freep)))

static int
archive_fail (ct_error_t *err, struct archive *a, const char *what)
{
	const char *msg = archive_error_string (a);
	int e = archive_errno (a);

	/* libarchive's own complaints carry ARCHIVE_ERRNO_MISC (-1),
	   _FILE_FORMAT (EILSEQ) or _PROGRAMMER (EINVAL): only system errors
	   are reported as such. */
	return ct_make_error (err, e > 0 && e != EILSEQ && e != EINVAL ? e : 0, "%s: %s", what,
	                      msg ? msg : "unknown libarchive error");
}

/* ---------------------------------------------------------------- reading */

struct member {
	char *name;   /* cleaned: no "./", no trailing '/' */
	char *target; /* a symbolic link: the member it names (cleaned) */
	char *digest;
	int64_t size;
	unsigned char magic[MAGIC_LEN];
	size_t magic_len;
};

struct doc {
	char *data;
	size_t len;
	bool seen;
};

struct reader {
	struct archive *a;
	struct ct_layout *dest;
	enum ct_archive_format format;
	struct member *members;
	size_t n_members;
	struct doc oci_layout, index, manifest;
};

static void
reader_release (struct reader *rd)
{
	for (size_t i = 0; i < rd->n_members; i++) {
		free (rd->members[i].name);
		free (rd->members[i].target);
		free (rd->members[i].digest);
	}
	free (rd->members);
	free (rd->oci_layout.data);
	free (rd->index.data);
	free (rd->manifest.data);
}

/* Member names are relative paths without `..`: they name blobs and files of
   the archive, and nothing is ever created from them outside the layout. */
static int
clean_name (const char *raw, char **out, ct_error_t *err)
{
	cleanup_free char *copy = xstrdup (raw);
	cleanup_free char *res = xstrdup ("");
	char *save = NULL;

	if (raw[0] == '/')
		return ct_make_error (err, 0, "member `%s`: absolute names are refused", raw);
	for (char *c = strtok_r (copy, "/", &save); c != NULL; c = strtok_r (NULL, "/", &save)) {
		char *next;
		if (strcmp (c, ".") == 0)
			continue;
		if (strcmp (c, "..") == 0)
			return ct_make_error (err, 0, "member `%s`: names with `..` are refused", raw);
		xasprintf (&next, "%s%s%s", res, *res ? "/" : "", c);
		free (res);
		res = next;
	}
	*out = steal_pointer (&res);
	return 0;
}

static struct member *
find_member (struct reader *rd, const char *name)
{
	/* Links are followed by name only, a few hops at most. */
	for (int hops = 0; hops < 8; hops++) {
		struct member *m = NULL;
		/* The last member of a name wins, as tar extraction would have it. */
		for (size_t i = rd->n_members; i-- > 0 && m == NULL;)
			if (strcmp (rd->members[i].name, name) == 0)
				m = &rd->members[i];
		if (m == NULL || m->target == NULL)
			return m;
		name = m->target;
	}
	return NULL;
}

/* docker and skopeo write <id>/layer.tar as a symbolic link to the layer
   stored once (../<hex>.tar).  Such a link is only a second name for a
   member: nothing is created from it, and one leading outside the archive
   is refused. */
static int
record_link (struct reader *rd, const char *raw, char *name, const char *target, ct_error_t *err)
{
	cleanup_free char *owned = name;
	cleanup_free char *joined = NULL;
	cleanup_strv char **parts = NULL;
	const char *slash = strrchr (name, '/');
	char *save = NULL;
	struct member m = { 0 };

	if (target[0] == '/')
		return ct_make_error (err, 0, "member `%s`: a symbolic link pointing outside the archive (`%s`)", raw,
		                      target);
	xasprintf (&joined, "%.*s%s%s", slash ? (int) (slash - name) : 0, name, slash ? "/" : "", target);
	/* `..` resolved by hand: clean_name refuses it, a link may use it. */
	for (char *c = strtok_r (joined, "/", &save); c != NULL; c = strtok_r (NULL, "/", &save)) {
		size_t n = ct_strv_len (parts);
		if (strcmp (c, ".") == 0)
			continue;
		if (strcmp (c, "..") != 0) {
			ct_strv_push (&parts, c);
			continue;
		}
		if (n == 0)
			return ct_make_error (err, 0,
			                      "member `%s`: a symbolic link pointing outside the archive (`%s`)", raw,
			                      target);
		free (parts[n - 1]);
		parts[n - 1] = NULL;
	}
	m.name = steal_pointer (&owned);
	m.target = ct_strv_join (parts, "/");
	rd->members = xreallocarray (rd->members, rd->n_members + 1, sizeof *rd->members);
	rd->members[rd->n_members++] = m;
	return 0;
}

static int
read_doc (struct reader *rd, const char *name, struct doc *d, ct_error_t *err)
{
	char *buf = xmalloc (CT_IMAGE_MAX_DOC + 1);
	size_t len = 0;
	la_ssize_t n;

	while ((n = archive_read_data (rd->a, buf + len, CT_IMAGE_MAX_DOC + 1 - len)) > 0) {
		len += (size_t) n;
		if (len > CT_IMAGE_MAX_DOC) {
			free (buf);
			return ct_make_error (err, EFBIG, "member `%s`: larger than %u bytes", name, CT_IMAGE_MAX_DOC);
		}
	}
	if (n < 0) {
		free (buf);
		cleanup_free char *what = NULL;
		xasprintf (&what, "member `%s`", name);
		return archive_fail (err, rd->a, what);
	}
	buf[len] = '\0';
	free (d->data);
	d->data = buf;
	d->len = len;
	d->seen = true;
	return 0;
}

/* Stream the current member into the layout; expected may be NULL. */
static int
store_member (struct reader *rd, const char *raw, char *name, const char *expected, int64_t size, ct_error_t *err)
{
	cleanup_blob_writer struct ct_blob_writer *w = NULL;
	cleanup_free char *buf = NULL;
	struct member m = { .name = name, .size = size };
	la_ssize_t n;

	if (expected != NULL && ct_layout_has_blob (rd->dest, expected, size)) {
		/* Existing blobs are trusted; the magic is still needed. */
		unsigned char head[MAGIC_LEN];
		n = archive_read_data (rd->a, head, sizeof head);
		if (n < 0)
			goto read_error;
		memcpy (m.magic, head, (size_t) n);
		m.magic_len = (size_t) n;
		if (archive_read_data_skip (rd->a) < ARCHIVE_OK)
			goto read_error;
		m.digest = xstrdup (expected);
		goto record;
	}

	if (ct_blob_writer_new (rd->dest, expected, size, &w, err) < 0)
		goto fail;
	buf = xmalloc (IO_BUF);
	while ((n = archive_read_data (rd->a, buf, IO_BUF)) > 0) {
		if (m.magic_len < MAGIC_LEN) {
			size_t k = MAGIC_LEN - m.magic_len < (size_t) n ? MAGIC_LEN - m.magic_len : (size_t) n;
			memcpy (m.magic + m.magic_len, buf, k);
			m.magic_len += k;
		}
		if (ct_blob_writer_write (w, buf, (size_t) n, err) < 0)
			goto fail;
	}
	if (n < 0)
		goto read_error;
	if (ct_blob_writer_commit (w, &m.digest, err) < 0)
		goto fail;

record:
	rd->members = xreallocarray (rd->members, rd->n_members + 1, sizeof *rd->members);
	rd->members[rd->n_members++] = m;
	return 0;

read_error : {
	cleanup_free char *what = NULL;
	xasprintf (&what, "member `%s`", raw);
	free (name);
	return archive_fail (err, rd->a, what);
}
fail:
	free (name);
	return ct_error_wrap (err, "member `%s`", raw);
}

/* blobs/ALG/HEX -> "ALG:HEX" when it is one; a malformed name under blobs/
   is an error (an OCI layout holds nothing else there). */
static int
blob_name_digest (const char *name, char **digest, ct_error_t *err)
{
	const char *alg, *slash;
	cleanup_free char *d = NULL;

	*digest = NULL;
	if (strncmp (name, "blobs/", 6) != 0)
		return 0;
	alg = name + 6;
	slash = strchr (alg, '/');
	if (slash == NULL || strchr (slash + 1, '/') != NULL)
		return ct_make_error (err, 0, "member `%s`: not a blob name (blobs/ALG/HEX)", name);
	xasprintf (&d, "%.*s:%s", (int) (slash - alg), alg, slash + 1);
	if (ct_digest_parse (d, NULL, NULL, err) < 0)
		return ct_error_wrap (err, "member `%s`", name);
	*digest = steal_pointer (&d);
	return 0;
}

static bool
is_docker_metadata (const char *name)
{
	const char *base = strrchr (name, '/');

	base = base ? base + 1 : name;
	/* `docker save` before 25: <id>/json and <id>/VERSION beside each layer;
	   nothing reads them. */
	return strcmp (name, "repositories") == 0 || strcmp (base, "json") == 0 || strcmp (base, "VERSION") == 0;
}

static int
read_member (struct reader *rd, struct archive_entry *e, ct_error_t *err)
{
	const char *raw = archive_entry_pathname (e);
	cleanup_free char *name = NULL;
	cleanup_free char *digest = NULL;
	int64_t size;

	if (raw == NULL)
		return ct_make_error (err, 0, "a member without a name");
	if (clean_name (raw, &name, err) < 0)
		return -1;
	if (archive_entry_hardlink (e) != NULL)
		return ct_make_error (
		        err, 0, "member `%s`: a hard link; an image archive holds only files and directories", raw);
	switch (archive_entry_filetype (e)) {
	case AE_IFDIR:
		return 0;
	case AE_IFREG:
		break;
	case AE_IFLNK:
		/* Only a docker archive's own names may be links: never a blob or
		   one of the documents, and never in a (forced) OCI archive. */
		if (rd->format != CT_ARCHIVE_OCI && strncmp (name, "blobs/", 6) != 0 &&
		    strcmp (name, "oci-layout") != 0 && strcmp (name, "index.json") != 0 &&
		    strcmp (name, "manifest.json") != 0 && archive_entry_symlink (e) != NULL)
			return record_link (rd, raw, steal_pointer (&name), archive_entry_symlink (e), err);
		return ct_make_error (
		        err, 0, "member `%s`: a symbolic link; an image archive holds only files and directories", raw);
	default:
		return ct_make_error (err, 0,
		                      "member `%s`: a device or special file; an image archive holds only files and "
		                      "directories",
		                      raw);
	}
	size = archive_entry_size_is_set (e) ? archive_entry_size (e) : -1;

	if (strcmp (name, "oci-layout") == 0)
		return read_doc (rd, raw, &rd->oci_layout, err);
	if (strcmp (name, "index.json") == 0)
		return read_doc (rd, raw, &rd->index, err);
	if (strcmp (name, "manifest.json") == 0)
		return read_doc (rd, raw, &rd->manifest, err);
	if (blob_name_digest (name, &digest, err) < 0)
		return -1;
	if (digest != NULL)
		return store_member (rd, raw, steal_pointer (&name), digest, size, err);
	/* A docker archive's layers and config have names of its own choosing;
	   their digests are computed.  An OCI archive has nothing else. */
	if (rd->format == CT_ARCHIVE_OCI || is_docker_metadata (name))
		return 0;
	return store_member (rd, raw, steal_pointer (&name), NULL, size, err);
}

/* Everything desc reaches must be in the layout (the archive's blobs are). */
static int
check_complete (struct ct_layout *l, const struct ct_descriptor *desc, const char *what, int depth, ct_error_t *err)
{
	cleanup_free char *buf = NULL;
	size_t len;

	if (!ct_layout_has_blob (l, desc->digest, desc->size)) {
		/* Non-distributable layers may stay behind their urls. */
		if (desc->urls != NULL && desc->urls[0] != NULL)
			return 0;
		return ct_make_error (err, 0, "%s `%s` is not in the archive", what, desc->digest);
	}
	if (depth > MAX_DEPTH)
		return ct_make_error (err, 0, "indexes nested deeper than %d levels", MAX_DEPTH);

	switch (ct_image_doc_kind (desc->media_type)) {
	case CT_DOC_MANIFEST: {
		cleanup_manifest struct ct_manifest *m = NULL;
		cleanup_free char *source = NULL;

		if (ct_layout_read_blob (l, desc->digest, CT_IMAGE_MAX_DOC, &buf, &len, err) < 0)
			return -1;
		xasprintf (&source, "manifest `%s`", desc->digest);
		if (ct_manifest_decode (buf, len, source, &m, err) < 0)
			return -1;
		if (check_complete (l, &m->config, "config", depth + 1, err) < 0)
			return -1;
		for (size_t i = 0; i < m->n_layers; i++)
			if (check_complete (l, &m->layers[i], "layer", depth + 1, err) < 0)
				return -1;
		return 0;
	}
	case CT_DOC_INDEX: {
		cleanup_index struct ct_index *ix = NULL;
		cleanup_free char *source = NULL;

		if (ct_layout_read_blob (l, desc->digest, CT_IMAGE_MAX_DOC, &buf, &len, err) < 0)
			return -1;
		xasprintf (&source, "index `%s`", desc->digest);
		if (ct_index_decode (buf, len, source, &ix, err) < 0)
			return -1;
		for (size_t i = 0; i < ix->n_manifests; i++)
			if (check_complete (l, &ix->manifests[i], "manifest", depth + 1, err) < 0)
				return -1;
		return 0;
	}
	default:
		return 0; /* configs, layers, unknown types: a leaf */
	}
}

/* "a:1", "@1" (unnamed) ... for messages. */
static char *
list_choices (char **names)
{
	cleanup_free char *joined = ct_strv_join (names, "`, `");
	char *s;

	xasprintf (&s, "`%s`", joined);
	return s;
}

static int
finish_oci (struct reader *rd, const char *ref, struct ct_descriptor *desc, char **name, ct_error_t *err)
{
	cleanup_index struct ct_index *ix = NULL;
	cleanup_strv char **choices = NULL;
	const struct ct_descriptor *chosen = NULL;
	size_t n_images = 0;

	if (!rd->oci_layout.seen)
		return ct_make_error (err, 0, "no oci-layout member: not an OCI archive");
	if (ct_oci_layout_check (rd->oci_layout.data, rd->oci_layout.len, "oci-layout", err) < 0)
		return -1;
	if (!rd->index.seen)
		return ct_make_error (err, 0, "no index.json member: not an OCI archive");
	if (ct_index_decode (rd->index.data, rd->index.len, "index.json", &ix, err) < 0)
		return -1;

	for (size_t i = 0; i < ix->n_manifests; i++) {
		const struct ct_descriptor *d = &ix->manifests[i];
		const char *rn = ct_descriptor_annotation (d, CT_ANNOTATION_REF_NAME);
		cleanup_free char *at = NULL;
		char *label;

		if (ct_image_doc_kind (d->media_type) == CT_DOC_UNKNOWN)
			continue; /* image-layout.md: unknown types are no error */
		n_images++;
		xasprintf (&at, "@%zu", i);
		label = xstrdup (rn ? rn : at);
		if (ref != NULL && (strcmp (ref, label) == 0 || strcmp (ref, at) == 0)) {
			if (chosen != NULL)
				return ct_make_error (err, 0, "index.json names `%s` twice", ref);
			chosen = d;
		}
		if (ref == NULL)
			chosen = d;
		ct_strv_take (&choices, label);
	}
	if (n_images == 0)
		return ct_make_error (err, 0, "index.json lists no image");
	if (ref == NULL && n_images > 1) {
		cleanup_free char *list = list_choices (choices);
		return ct_make_error (err, 0, "the archive holds %zu images; choose one of %s", n_images, list);
	}
	if (chosen == NULL) {
		cleanup_free char *list = list_choices (choices);
		return ct_make_error (err, ENOENT, "no image `%s` in the archive; it holds %s", ref, list);
	}
	if (check_complete (rd->dest, chosen, "manifest", 0, err) < 0)
		return -1;
	ct_descriptor_copy (desc, chosen);
	if (name != NULL) {
		const char *rn = ct_descriptor_annotation (chosen, CT_ANNOTATION_REF_NAME);
		*name = rn ? xstrdup (rn) : NULL;
	}
	return 0;
}

/* RepoTags are written "busybox:latest" by docker and in full by others:
   compare the familiar forms. */
static char *
familiar (const char *s)
{
	const char *slash;
	char *r;

	if (strncmp (s, "docker.io/library/", 18) == 0)
		s += 18;
	else if (strncmp (s, "docker.io/", 10) == 0)
		s += 10;
	slash = strrchr (s, '/');
	if (strchr (slash ? slash : s, ':') == NULL)
		xasprintf (&r, "%s:latest", s);
	else
		r = xstrdup (s);
	return r;
}

static int
find_docker_member (struct reader *rd, const char *listed, struct member **out, ct_error_t *err)
{
	cleanup_free char *clean = NULL;

	if (clean_name (listed, &clean, err) < 0)
		return ct_error_wrap (err, "manifest.json");
	*out = find_member (rd, clean);
	if (*out == NULL)
		return ct_make_error (err, 0, "manifest.json names `%s`, which is not in the archive", listed);
	return 0;
}

static const char *
layer_media_type (const struct member *m)
{
	if (m->magic_len >= sizeof gzip_magic && memcmp (m->magic, gzip_magic, sizeof gzip_magic) == 0)
		return CT_MT_OCI_LAYER_GZIP;
	if (m->magic_len >= sizeof zstd_magic && memcmp (m->magic, zstd_magic, sizeof zstd_magic) == 0)
		return CT_MT_OCI_LAYER_ZSTD;
	return CT_MT_OCI_LAYER;
}

static int measure_decompressed (int fd, int64_t *size, char **digest, ct_error_t *err);

/* A compressed layer of a docker archive, already stored as member m: its
   tar's digest must be the config's diff_ids[i]. */
static int
check_compressed_diff_id (struct reader *rd, const struct member *m, const char *name, size_t i, const char *diff_id,
                          ct_error_t *err)
{
	cleanup_close int fd = -1;
	cleanup_free char *digest = NULL;
	int64_t size;

	fd = ct_layout_open_blob (rd->dest, m->digest, err);
	if (fd < 0 || measure_decompressed (fd, &size, &digest, err) < 0)
		return ct_error_wrap (err, "layer `%s`", name);
	if (strcmp (digest, diff_id) != 0)
		return ct_make_error (err, 0, "layer `%s` uncompresses to `%s` but the config's diff_ids[%zu] is `%s`",
		                      name, digest, i, diff_id);
	return 0;
}

static int
finish_docker (struct reader *rd, const char *ref, struct ct_descriptor *desc, char **name, ct_error_t *err)
{
	struct ct_docker_archive_entry *entries = NULL;
	size_t n = 0;
	int ret = -1;
	const struct ct_docker_archive_entry *e = NULL;
	const char *tag = NULL;
	cleanup_strv char **choices = NULL;
	cleanup_image_config struct ct_image_config *cfg = NULL;
	cleanup_free char *cfg_buf = NULL;
	cleanup_free char *mbuf = NULL;
	cleanup_free char *mdigest = NULL;
	cleanup_free char *want = ref && ref[0] != '@' ? familiar (ref) : NULL;
	struct ct_manifest m = { .schema_version = 2 };
	struct member *cm;
	size_t cfg_len, mlen, n_diff;

	if (!rd->manifest.seen)
		return ct_make_error (err, 0, "no manifest.json member: not a docker archive");
	if (ct_docker_archive_manifest_decode (rd->manifest.data, rd->manifest.len, "manifest.json", &entries, &n,
	                                       err) < 0)
		return -1;

	for (size_t i = 0; i < n; i++) {
		char **t = entries[i].repo_tags;
		char *label;
		if (t != NULL && t[0] != NULL)
			label = xstrdup (t[0]);
		else
			xasprintf (&label, "@%zu", i);
		ct_strv_take (&choices, label);
		if (ref != NULL && ref[0] == '@') {
			char *end;
			unsigned long k = strtoul (ref + 1, &end, 10);
			if (*end == '\0' && end != ref + 1 && k == i)
				e = &entries[i];
		}
		for (; want != NULL && t != NULL && *t != NULL && e == NULL; t++) {
			cleanup_free char *f = familiar (*t);
			if (strcmp (f, want) == 0) {
				e = &entries[i];
				tag = *t;
			}
		}
	}
	if (n == 0) {
		ct_make_error (err, 0, "manifest.json lists no image");
		goto out;
	}
	if (ref == NULL && n > 1) {
		cleanup_free char *list = list_choices (choices);
		ct_make_error (err, 0, "the archive holds %zu images; choose one of %s", n, list);
		goto out;
	}
	if (ref == NULL) {
		e = &entries[0];
		tag = e->repo_tags ? e->repo_tags[0] : NULL;
	}
	if (e == NULL) {
		cleanup_free char *list = list_choices (choices);
		ct_make_error (err, ENOENT, "no image `%s` in the archive; it holds %s", ref, list);
		goto out;
	}

	if (find_docker_member (rd, e->config, &cm, err) < 0)
		goto out;
	/* Every listed member first: a missing one is the clearest error. */
	for (size_t i = 0; i < e->n_layers; i++) {
		struct member *lm;
		if (find_docker_member (rd, e->layers[i], &lm, err) < 0)
			goto out;
	}
	if (ct_layout_read_blob (rd->dest, cm->digest, CT_IMAGE_MAX_DOC, &cfg_buf, &cfg_len, err) < 0 ||
	    ct_image_config_decode (cfg_buf, cfg_len, e->config, &cfg, err) < 0)
		goto out;
	n_diff = ct_strv_len (cfg->diff_ids);
	if (n_diff != e->n_layers) {
		ct_make_error (err, 0, "config `%s` has %zu diff_ids for %zu layers", e->config, n_diff, e->n_layers);
		goto out;
	}

	m.media_type = xstrdup (CT_MT_OCI_MANIFEST);
	m.config.media_type = xstrdup (CT_MT_OCI_CONFIG);
	m.config.digest = xstrdup (cm->digest);
	m.config.size = cm->size;
	m.layers = xcalloc (e->n_layers ? e->n_layers : 1, sizeof *m.layers);
	for (size_t i = 0; i < e->n_layers; i++) {
		struct member *lm;
		const char *mt;

		if (find_docker_member (rd, e->layers[i], &lm, err) < 0)
			goto out;
		mt = layer_media_type (lm);
		/* An uncompressed layer is its own diff: a mismatch means the
		   archive's config and layers do not belong together. */
		if (strcmp (mt, CT_MT_OCI_LAYER) == 0 && strcmp (lm->digest, cfg->diff_ids[i]) != 0) {
			ct_make_error (err, 0, "layer `%s` has digest `%s` but the config's diff_ids[%zu] is `%s`",
			               e->layers[i], lm->digest, i, cfg->diff_ids[i]);
			goto out;
		}
		/* A compressed one is checked the same way once uncompressed (the
		   stored blob, one more pass), so no broken image gets a name. */
		if (strcmp (mt, CT_MT_OCI_LAYER) != 0 &&
		    check_compressed_diff_id (rd, lm, e->layers[i], i, cfg->diff_ids[i], err) < 0)
			goto out;
		m.layers[i].media_type = xstrdup (mt);
		m.layers[i].digest = xstrdup (lm->digest);
		m.layers[i].size = lm->size;
		m.n_layers++;
	}
	if (ct_manifest_encode (&m, &mbuf, &mlen, err) < 0 ||
	    ct_layout_put_blob (rd->dest, mbuf, mlen, NULL, &mdigest, err) < 0)
		goto out;

	memset (desc, 0, sizeof *desc);
	desc->media_type = xstrdup (CT_MT_OCI_MANIFEST);
	desc->digest = steal_pointer (&mdigest);
	desc->size = (int64_t) mlen;
	if (cfg->os != NULL && cfg->architecture != NULL) {
		desc->platform = xzalloc (sizeof *desc->platform);
		desc->platform->os = xstrdup (cfg->os);
		desc->platform->architecture = xstrdup (cfg->architecture);
		desc->platform->variant = cfg->variant ? xstrdup (cfg->variant) : NULL;
	}
	if (name != NULL)
		*name = tag ? xstrdup (tag) : NULL;
	ret = 0;
out:
	/* m's members are owned; the struct itself lives on the stack. */
	free (m.media_type);
	ct_descriptor_clear (&m.config);
	for (size_t i = 0; i < m.n_layers; i++)
		ct_descriptor_clear (&m.layers[i]);
	free (m.layers);
	ct_docker_archive_entries_free (entries, n);
	return ret;
}

int
ct_archive_read (const char *file, enum ct_archive_format format, const char *ref, struct ct_layout *dest,
                 struct ct_descriptor *desc, char **name, ct_error_t *err)
{
	cleanup_archive_read struct archive *a = archive_read_new ();
	cleanup_close int fd = -1;
	struct reader rd = { .dest = dest, .format = format };
	struct archive_entry *entry;
	int r, ret = -1;

	if (strcmp (file, "-") == 0)
		fd = dup (STDIN_FILENO);
	else
		fd = open (file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return ct_make_error (err, errno, "open `%s`", file);

	/* `docker save | gzip` is common: the archive itself may be compressed. */
	archive_read_support_format_tar (a);
	archive_read_support_filter_gzip (a);
	archive_read_support_filter_zstd (a);
	archive_read_support_filter_xz (a);
	archive_read_support_filter_bzip2 (a);
	if (archive_read_open_fd (a, fd, IO_BUF) != ARCHIVE_OK)
		return archive_fail (err, a, "not a tar archive");
	rd.a = a;

	while ((r = archive_read_next_header (a, &entry)) != ARCHIVE_EOF) {
		if (r < ARCHIVE_WARN) {
			archive_fail (err, a, rd.n_members ? "after the last member read" : "not a tar archive");
			goto out;
		}
		if (read_member (&rd, entry, err) < 0)
			goto out;
	}

	if (format == CT_ARCHIVE_AUTO) {
		/* docker 25 writes both: the OCI layout is the complete one. */
		if (rd.oci_layout.seen)
			format = CT_ARCHIVE_OCI;
		else if (rd.manifest.seen)
			format = CT_ARCHIVE_DOCKER;
		else if (rd.index.seen)
			format = CT_ARCHIVE_OCI; /* finish_oci names the missing oci-layout */
		else {
			ct_make_error (err, 0,
			               "not an image archive: no oci-layout (OCI archive) and no manifest.json "
			               "(docker archive)");
			goto out;
		}
	}
	if (format == CT_ARCHIVE_OCI)
		ret = finish_oci (&rd, ref, desc, name, err);
	else
		ret = finish_docker (&rd, ref, desc, name, err);
out:
	reader_release (&rd);
	return ret;
}

/* ---------------------------------------------------------------- writing */

static struct archive_entry *
new_entry (const char *name, mode_t type, mode_t perm, int64_t size)
{
	struct archive_entry *e = archive_entry_new ();

	archive_entry_set_pathname (e, name);
	archive_entry_set_filetype (e, type);
	archive_entry_set_perm (e, perm);
	archive_entry_set_uid (e, 0);
	archive_entry_set_gid (e, 0);
	archive_entry_set_mtime (e, 0, 0);
	archive_entry_set_size (e, type == AE_IFREG ? size : 0);
	return e;
}

static int
write_header (struct archive *a, const char *name, mode_t type, int64_t size, ct_error_t *err)
{
	struct archive_entry *e = new_entry (name, type, type == AE_IFDIR ? 0755 : 0644, size);
	int r = archive_write_header (a, e);

	archive_entry_free (e);
	if (r < ARCHIVE_OK) {
		cleanup_free char *what = NULL;
		xasprintf (&what, "write `%s`", name);
		return archive_fail (err, a, what);
	}
	return 0;
}

static int
write_data (struct archive *a, const char *name, const void *buf, size_t len, ct_error_t *err)
{
	if (len > 0 && archive_write_data (a, buf, len) != (la_ssize_t) len) {
		cleanup_free char *what = NULL;
		xasprintf (&what, "write `%s`", name);
		return archive_fail (err, a, what);
	}
	return 0;
}

static int
write_mem (struct archive *a, const char *name, const void *buf, size_t len, ct_error_t *err)
{
	if (write_header (a, name, AE_IFREG, (int64_t) len, err) < 0)
		return -1;
	return write_data (a, name, buf, len, err);
}

static int
blob_size (struct ct_layout *l, const char *digest, int *fd_out, int64_t *size, ct_error_t *err)
{
	struct stat st;
	int fd = ct_layout_open_blob (l, digest, err);

	if (fd < 0)
		return -1;
	if (fstat (fd, &st) < 0) {
		close (fd);
		return ct_make_error (err, errno, "stat blob `%s`", digest);
	}
	*fd_out = fd;
	*size = st.st_size;
	return 0;
}

/* A stored blob as member `name`, verified while it is copied: another tool
   may have written the layout. */
static int
write_blob (struct archive *a, struct ct_layout *l, const char *name, const char *digest, ct_error_t *err)
{
	cleanup_close int fd = -1;
	cleanup_digest_reader struct ct_digest_reader *rd = NULL;
	cleanup_free char *buf = xmalloc (IO_BUF);
	int64_t size;
	ssize_t n;

	if (blob_size (l, digest, &fd, &size, err) < 0)
		return -1;
	if (write_header (a, name, AE_IFREG, size, err) < 0)
		return -1;
	rd = ct_digest_reader_new (fd, digest, size, err);
	if (rd == NULL)
		return -1;
	while ((n = ct_digest_reader_read (rd, buf, IO_BUF, err)) > 0)
		if (write_data (a, name, buf, (size_t) n, err) < 0)
			return -1;
	if (n < 0)
		return ct_error_wrap (err, "blob `%s`", digest);
	return 0;
}

/* Every blob desc reaches (desc's own included), appended to *out. */
static int
collect_blobs (struct ct_layout *l, const struct ct_descriptor *desc, char ***out, int depth, ct_error_t *err)
{
	cleanup_free char *buf = NULL;
	size_t len;

	if (depth > MAX_DEPTH)
		return ct_make_error (err, 0, "indexes nested deeper than %d levels", MAX_DEPTH);
	if (!ct_layout_has_blob (l, desc->digest, -1)) {
		if (desc->urls != NULL && desc->urls[0] != NULL)
			return 0; /* non-distributable: stays behind its urls */
		return ct_make_error (err, ENOENT, "blob `%s` is not in `%s`", desc->digest, ct_layout_path (l));
	}
	ct_strv_push (out, desc->digest);

	switch (ct_image_doc_kind (desc->media_type)) {
	case CT_DOC_MANIFEST: {
		cleanup_manifest struct ct_manifest *m = NULL;
		cleanup_free char *source = NULL;

		xasprintf (&source, "manifest `%s`", desc->digest);
		if (ct_layout_read_blob (l, desc->digest, CT_IMAGE_MAX_DOC, &buf, &len, err) < 0 ||
		    ct_manifest_decode (buf, len, source, &m, err) < 0)
			return -1;
		if (collect_blobs (l, &m->config, out, depth + 1, err) < 0)
			return -1;
		for (size_t i = 0; i < m->n_layers; i++)
			if (collect_blobs (l, &m->layers[i], out, depth + 1, err) < 0)
				return -1;
		return 0;
	}
	case CT_DOC_INDEX: {
		cleanup_index struct ct_index *ix = NULL;
		cleanup_free char *source = NULL;

		xasprintf (&source, "index `%s`", desc->digest);
		if (ct_layout_read_blob (l, desc->digest, CT_IMAGE_MAX_DOC, &buf, &len, err) < 0 ||
		    ct_index_decode (buf, len, source, &ix, err) < 0)
			return -1;
		for (size_t i = 0; i < ix->n_manifests; i++)
			if (collect_blobs (l, &ix->manifests[i], out, depth + 1, err) < 0)
				return -1;
		return 0;
	}
	default:
		return 0;
	}
}

static int
cmp_str (const void *a, const void *b)
{
	return strcmp (*(char *const *) a, *(char *const *) b);
}

static int
write_oci (struct archive *a, struct ct_layout *src, const struct ct_descriptor *desc, const char *name,
           ct_error_t *err)
{
	cleanup_strv char **blobs = NULL;
	cleanup_free char *index = NULL;
	struct ct_descriptor entry = { 0 };
	struct ct_index ix = { .schema_version = 2, .media_type = (char *) CT_MT_OCI_INDEX };
	size_t n, index_len;
	const char *last_alg = NULL;
	int r;

	if (collect_blobs (src, desc, &blobs, 0, err) < 0)
		return -1;
	n = ct_strv_len (blobs);
	qsort (blobs, n, sizeof *blobs, cmp_str);

	/* One descriptor, named as asked: the store's other annotations stay. */
	ct_descriptor_copy (&entry, desc);
	for (size_t i = 0; i < entry.annotations.n; i++)
		if (strcmp (entry.annotations.keys[i], CT_ANNOTATION_REF_NAME) == 0) {
			free (entry.annotations.keys[i]);
			free (entry.annotations.values[i]);
			entry.annotations.n--;
			entry.annotations.keys[i] = entry.annotations.keys[entry.annotations.n];
			entry.annotations.values[i] = entry.annotations.values[entry.annotations.n];
			break;
		}
	if (name != NULL)
		ct_descriptor_set_annotation (&entry, CT_ANNOTATION_REF_NAME, name);
	ix.manifests = &entry;
	ix.n_manifests = 1;
	r = ct_index_encode (&ix, &index, &index_len, err);
	ct_descriptor_clear (&entry);
	if (r < 0)
		return -1;

	/* Sorted: blobs/... < index.json < oci-layout. */
	if (write_header (a, "blobs/", AE_IFDIR, 0, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		cleanup_free char *member = NULL;
		const char *colon = strchr (blobs[i], ':');

		if (i > 0 && strcmp (blobs[i], blobs[i - 1]) == 0)
			continue;
		if (last_alg == NULL || strncmp (last_alg, blobs[i], (size_t) (colon - blobs[i]) + 1) != 0) {
			cleanup_free char *dir = NULL;
			xasprintf (&dir, "blobs/%.*s/", (int) (colon - blobs[i]), blobs[i]);
			if (write_header (a, dir, AE_IFDIR, 0, err) < 0)
				return -1;
			last_alg = blobs[i];
		}
		xasprintf (&member, "blobs/%.*s/%s", (int) (colon - blobs[i]), blobs[i], colon + 1);
		if (write_blob (a, src, member, blobs[i], err) < 0)
			return -1;
	}
	if (write_mem (a, "index.json", index, index_len, err) < 0)
		return -1;
	return write_mem (a, "oci-layout", ct_oci_layout_doc, strlen (ct_oci_layout_doc), err);
}

/* A decompressing reader over a blob (gzip or zstd, by magic). */
static int
open_decompressed (int fd, struct archive **out, ct_error_t *err)
{
	cleanup_archive_read struct archive *a = archive_read_new ();
	struct archive_entry *e;

	archive_read_support_filter_gzip (a);
	archive_read_support_filter_zstd (a);
	archive_read_support_format_raw (a);
	if (archive_read_open_fd (a, fd, IO_BUF) != ARCHIVE_OK || archive_read_next_header (a, &e) != ARCHIVE_OK)
		return archive_fail (err, a, "decompress");
	*out = steal_pointer (&a);
	return 0;
}

static int
blob_magic (int fd, unsigned char *magic, size_t *len, ct_error_t *err)
{
	ssize_t n = pread (fd, magic, MAGIC_LEN, 0);

	if (n < 0)
		return ct_make_error (err, errno, "read");
	*len = (size_t) n;
	return 0;
}

/* Size and digest of a compressed layer's tar (first pass: a tar header
   needs the size before the data). */
static int
measure_decompressed (int fd, int64_t *size, char **digest, ct_error_t *err)
{
	cleanup_archive_read struct archive *a = NULL;
	cleanup_digester struct ct_digester *d = NULL;
	cleanup_free char *buf = xmalloc (IO_BUF);
	la_ssize_t n;

	*size = 0;
	if (lseek (fd, 0, SEEK_SET) < 0)
		return ct_make_error (err, errno, "seek");
	if (open_decompressed (fd, &a, err) < 0)
		return -1;
	d = ct_digest_init (CT_DIGEST_SHA256, err);
	if (d == NULL)
		return -1;
	while ((n = archive_read_data (a, buf, IO_BUF)) > 0) {
		if (ct_digest_update (d, buf, (size_t) n, err) < 0)
			return -1;
		*size += n;
	}
	if (n < 0)
		return archive_fail (err, a, "decompress");
	*digest = ct_digest_final (d, err);
	return *digest ? 0 : -1;
}

struct docker_layer {
	char *member; /* HEX.tar */
	const char *digest;
	const char *diff_id;
};

/* A layer as an uncompressed tar, checked against its diff_id. */
static int
write_docker_layer (struct archive *a, struct ct_layout *src, const struct docker_layer *dl, ct_error_t *err)
{
	cleanup_close int fd = -1;
	unsigned char magic[MAGIC_LEN];
	size_t magic_len = 0;
	int64_t size;

	if (blob_size (src, dl->digest, &fd, &size, err) < 0)
		return -1;
	if (blob_magic (fd, magic, &magic_len, err) < 0)
		return ct_error_wrap (err, "layer `%s`", dl->digest);
	if ((magic_len >= sizeof gzip_magic && memcmp (magic, gzip_magic, sizeof gzip_magic) == 0) ||
	    (magic_len >= sizeof zstd_magic && memcmp (magic, zstd_magic, sizeof zstd_magic) == 0)) {
		cleanup_archive_read struct archive *ra = NULL;
		cleanup_free char *digest = NULL;
		cleanup_free char *buf = NULL;
		la_ssize_t n;

		if (measure_decompressed (fd, &size, &digest, err) < 0)
			return ct_error_wrap (err, "layer `%s`", dl->digest);
		if (strcmp (digest, dl->diff_id) != 0)
			return ct_make_error (err, 0,
			                      "layer `%s` uncompresses to `%s`, but the config's diff_id is `%s`",
			                      dl->digest, digest, dl->diff_id);
		if (write_header (a, dl->member, AE_IFREG, size, err) < 0)
			return -1;
		if (lseek (fd, 0, SEEK_SET) < 0)
			return ct_make_error (err, errno, "seek layer `%s`", dl->digest);
		if (open_decompressed (fd, &ra, err) < 0)
			return ct_error_wrap (err, "layer `%s`", dl->digest);
		/* The bytes were measured a moment ago; blobs are immutable, so
		   the second pass gives the same ones (libarchive fails the
		   entry if fewer arrive). */
		buf = xmalloc (IO_BUF);
		while ((n = archive_read_data (ra, buf, IO_BUF)) > 0)
			if (write_data (a, dl->member, buf, (size_t) n, err) < 0)
				return -1;
		if (n < 0)
			return archive_fail (err, ra, "decompress");
		return 0;
	}
	if (strcmp (dl->digest, dl->diff_id) != 0)
		return ct_make_error (err, 0, "layer `%s` is not compressed, but the config's diff_id is `%s`",
		                      dl->digest, dl->diff_id);
	close (steal_fd (&fd));
	return write_blob (a, src, dl->member, dl->digest, err);
}

/* A docker archive holds one platform: from an index take the host's. */
static int
pick_manifest (struct ct_layout *src, const struct ct_descriptor *desc, struct ct_descriptor *out, ct_error_t *err)
{
	cleanup_index struct ct_index *ix = NULL;
	cleanup_free char *buf = NULL;
	cleanup_free char *source = NULL;
	struct ct_platform host = { 0 };
	size_t len;

	if (ct_image_doc_kind (desc->media_type) == CT_DOC_MANIFEST) {
		ct_descriptor_copy (out, desc);
		return 0;
	}
	if (ct_image_doc_kind (desc->media_type) != CT_DOC_INDEX)
		return ct_make_error (err, 0, "`%s` has media type `%s`: not an image", desc->digest, desc->media_type);
	xasprintf (&source, "index `%s`", desc->digest);
	if (ct_layout_read_blob (src, desc->digest, CT_IMAGE_MAX_DOC, &buf, &len, err) < 0 ||
	    ct_index_decode (buf, len, source, &ix, err) < 0)
		return -1;
	ct_platform_host (&host);
	for (size_t i = 0; i < ix->n_manifests; i++) {
		const struct ct_descriptor *d = &ix->manifests[i];
		if (ct_image_doc_kind (d->media_type) == CT_DOC_MANIFEST && d->platform != NULL &&
		    ct_platform_match (d->platform, &host)) {
			ct_platform_clear (&host);
			ct_descriptor_copy (out, d);
			return 0;
		}
	}
	{
		cleanup_free char *p = ct_platform_format (&host);
		ct_platform_clear (&host);
		return ct_make_error (err, ENOENT,
		                      "index `%s` has no manifest for %s; a docker archive holds one platform",
		                      desc->digest, p);
	}
}

struct named {
	const char *name;
	int kind; /* 0 memory, 1 config blob, 2 layer */
	const void *data;
	size_t len;
	const struct docker_layer *layer;
};

static int
cmp_named (const void *a, const void *b)
{
	return strcmp (((const struct named *) a)->name, ((const struct named *) b)->name);
}

/* NAME[:TAG] -> repo and tag for RepoTags and `repositories`; a digest
   name has no tag to give. */
static bool
split_repo_tag (const char *name, char **repo, char **tag)
{
	const char *slash, *colon;

	if (name == NULL || strchr (name, '@') != NULL)
		return false;
	slash = strrchr (name, '/');
	colon = strrchr (slash ? slash : name, ':');
	if (colon == NULL) {
		*repo = xstrdup (name);
		*tag = xstrdup ("latest");
	} else {
		*repo = xstrndup (name, (size_t) (colon - name));
		*tag = xstrdup (colon + 1);
	}
	return true;
}

static int
write_docker (struct archive *a, struct ct_layout *src, const struct ct_descriptor *top, const char *name,
              ct_error_t *err)
{
	cleanup_manifest struct ct_manifest *m = NULL;
	cleanup_image_config struct ct_image_config *cfg = NULL;
	cleanup_free char *mbuf = NULL;
	cleanup_free char *cbuf = NULL;
	cleanup_free char *source = NULL;
	cleanup_free char *config_member = NULL;
	cleanup_free char *manifest_json = NULL;
	cleanup_free char *repositories = NULL;
	cleanup_free char *repo = NULL;
	cleanup_free char *tag = NULL;
	cleanup_free char *repo_tag = NULL;
	cleanup_free struct docker_layer *layers = NULL;
	cleanup_free struct named *entries = NULL;
	struct ct_descriptor desc = { 0 };
	struct ct_docker_archive_entry me = { 0 };
	char *tags[2] = { NULL, NULL };
	size_t mlen, clen, mj_len, rep_len = 0, n_entries = 0;
	int ret = -1;

	if (pick_manifest (src, top, &desc, err) < 0)
		return -1;
	xasprintf (&source, "manifest `%s`", desc.digest);
	if (ct_layout_read_blob (src, desc.digest, CT_IMAGE_MAX_DOC, &mbuf, &mlen, err) < 0 ||
	    ct_manifest_decode (mbuf, mlen, source, &m, err) < 0)
		goto out;
	free (source);
	xasprintf (&source, "config `%s`", m->config.digest);
	if (ct_layout_read_blob (src, m->config.digest, CT_IMAGE_MAX_DOC, &cbuf, &clen, err) < 0 ||
	    ct_image_config_decode (cbuf, clen, source, &cfg, err) < 0)
		goto out;
	if (ct_strv_len (cfg->diff_ids) != m->n_layers) {
		ct_make_error (err, 0, "config `%s` has %zu diff_ids for %zu layers", m->config.digest,
		               ct_strv_len (cfg->diff_ids), m->n_layers);
		goto out;
	}

	/* Members are named by content as skopeo does: HEX.json, DIFFHEX.tar. */
	xasprintf (&config_member, "%s.json", strchr (m->config.digest, ':') + 1);
	layers = xcalloc (m->n_layers ? m->n_layers : 1, sizeof *layers);
	me.config = config_member;
	me.layers = xcalloc (m->n_layers + 1, sizeof *me.layers);
	me.n_layers = m->n_layers;
	for (size_t i = 0; i < m->n_layers; i++) {
		const char *hex = strchr (cfg->diff_ids[i], ':');
		if (hex == NULL) {
			ct_make_error (err, 0, "config `%s`: invalid diff_id `%s`", m->config.digest, cfg->diff_ids[i]);
			goto out;
		}
		xasprintf (&layers[i].member, "%s.tar", hex + 1);
		layers[i].digest = m->layers[i].digest;
		layers[i].diff_id = cfg->diff_ids[i];
		me.layers[i] = layers[i].member;
	}
	if (split_repo_tag (name, &repo, &tag)) {
		xasprintf (&repo_tag, "%s:%s", repo, tag);
		tags[0] = repo_tag;
		me.repo_tags = tags;
	}
	if (ct_docker_archive_manifest_encode (&me, 1, &manifest_json, &mj_len, err) < 0)
		goto out;
	if (repo != NULL && m->n_layers > 0 &&
	    ct_docker_archive_repositories_encode (repo, tag, strchr (cfg->diff_ids[m->n_layers - 1], ':') + 1,
	                                           &repositories, &rep_len, err) < 0)
		goto out;

	entries = xcalloc (m->n_layers + 3, sizeof *entries);
	entries[n_entries++] = (struct named){ "manifest.json", 0, manifest_json, mj_len, NULL };
	if (repositories != NULL)
		entries[n_entries++] = (struct named){ "repositories", 0, repositories, rep_len, NULL };
	entries[n_entries++] = (struct named){ config_member, 1, NULL, 0, NULL };
	for (size_t i = 0; i < m->n_layers; i++)
		entries[n_entries++] = (struct named){ layers[i].member, 2, NULL, 0, &layers[i] };
	qsort (entries, n_entries, sizeof *entries, cmp_named);

	for (size_t i = 0; i < n_entries; i++) {
		const struct named *e = &entries[i];
		int r;
		if (i > 0 && strcmp (e->name, entries[i - 1].name) == 0)
			continue; /* a layer listed twice is stored once */
		if (e->kind == 0)
			r = write_mem (a, e->name, e->data, e->len, err);
		else if (e->kind == 1)
			r = write_blob (a, src, e->name, m->config.digest, err);
		else
			r = write_docker_layer (a, src, e->layer, err);
		if (r < 0)
			goto out;
	}
	ret = 0;
out:
	for (size_t i = 0; layers != NULL && i < m->n_layers; i++)
		free (layers[i].member);
	free (me.layers);
	ct_descriptor_clear (&desc);
	return ret;
}

int
ct_archive_write (struct ct_layout *src, const struct ct_descriptor *desc, const char *name,
                  enum ct_archive_format format, int fd, ct_error_t *err)
{
	cleanup_archive_write struct archive *a = archive_write_new ();
	int r;

	/* No padding after the end-of-archive blocks, whatever fd is
	   (libarchive pads to 10 KiB for pipes and devices by default). */
	if (archive_write_set_format_pax_restricted (a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block (a, 1) != ARCHIVE_OK || archive_write_open_fd (a, fd) != ARCHIVE_OK)
		return archive_fail (err, a, "start the archive");
	if (format == CT_ARCHIVE_DOCKER)
		r = write_docker (a, src, desc, name, err);
	else
		r = write_oci (a, src, desc, name, err);
	if (r < 0)
		return -1;
	if (archive_write_close (a) != ARCHIVE_OK)
		return archive_fail (err, a, "finish the archive");
	return 0;
}
