#include "common.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include "digest.h"
#include "fs.h"
#include "store.h"
#include "tap-fs.h"
#include "tap.h"

/* sha256 of "hello" */
#define HELLO "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"

static int
count_entries (const char *dir)
{
	DIR *d = opendir (dir);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir (d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir (d);
	return n;
}

static bool
exists (const char *dir, const char *rel)
{
	cleanup_free char *p = NULL;
	struct stat st;

	xasprintf (&p, "%s/%s", dir, rel);
	return stat (p, &st) == 0;
}

/* A manifest (and its config and one layer) stored in l; *desc describes it. */
static int
put_image (struct ct_layout *l, const char *layer_text, struct ct_descriptor *desc)
{
	cleanup_free char *cfg_d = NULL;
	cleanup_free char *layer_d = NULL;
	cleanup_free char *cfg = NULL;
	cleanup_free char *man = NULL;
	cleanup_free char *man_d = NULL;
	cleanup_free char *diff = NULL;
	ct_error_t err = NULL;

	if (ct_layout_put_blob (l, layer_text, strlen (layer_text), NULL, &layer_d, &err) < 0)
		return -1;
	diff = xstrdup (layer_d);
	xasprintf (
	        &cfg,
	        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\"]}}",
	        diff);
	if (ct_layout_put_blob (l, cfg, strlen (cfg), NULL, &cfg_d, &err) < 0)
		return -1;
	xasprintf (&man,
	           "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":{\"mediaType\":\"%s\",\"digest\":\"%s\","
	           "\"size\":%zu},\"layers\":[{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%zu}]}",
	           CT_MT_OCI_MANIFEST, CT_MT_OCI_CONFIG, cfg_d, strlen (cfg), CT_MT_OCI_LAYER, layer_d,
	           strlen (layer_text));
	if (ct_layout_put_blob (l, man, strlen (man), NULL, &man_d, &err) < 0)
		return -1;
	memset (desc, 0, sizeof *desc);
	desc->media_type = xstrdup (CT_MT_OCI_MANIFEST);
	desc->digest = steal_pointer (&man_d);
	desc->size = (int64_t) strlen (man);
	return 0;
}

static int
test_create_and_reopen (void)
{
	cleanup_free char *dir = mk_tmpdir ();
	cleanup_free char *sub = NULL;
	cleanup_free char *buf = NULL;
	cleanup_index struct ct_index *ix = NULL;
	struct ct_layout *l = NULL;
	ct_error_t err = NULL;
	size_t len;

	CHECK (dir != NULL);
	xasprintf (&sub, "%s/store", dir);
	/* READ of a missing store: ENOENT naming the dir. */
	CHECK (ct_layout_open (sub, CT_LAYOUT_READ, &l, &err) < 0);
	CHECK (ct_error_status (err) == ENOENT);
	CHECK_ERR (err, sub);
	ct_error_release (&err);
	CHECK (ct_layout_open (sub, CT_LAYOUT_WRITE, &l, &err) == 0);
	CHECK (exists (sub, "blobs/sha256") && exists (sub, "tmp") && exists (sub, ".cimage.lock"));
	CHECK (ct_fs_read_all_at (ct_layout_dirfd (l), "oci-layout", 100, &buf, &len, &err) == 0);
	CHECK_STR (buf, "{\"imageLayoutVersion\":\"1.0.0\"}");
	CHECK (ct_layout_read_index (l, &ix, &err) == 0);
	CHECK (ix->n_manifests == 0);
	CHECK_STR (ix->media_type, CT_MT_OCI_INDEX);
	ct_layout_close (l);
	CHECK (ct_layout_open (sub, CT_LAYOUT_READ, &l, &err) == 0);
	CHECK_STR (ct_layout_path (l), sub);
	ct_layout_close (l);
	rm_dir (dir);
	return 0;
}

static int
test_refuse_foreign_dir (void)
{
	cleanup_free char *dir = mk_tmpdir ();
	cleanup_free char *p = NULL;
	struct ct_layout *l = NULL;
	ct_error_t err = NULL;

	xasprintf (&p, "%s/something", dir);
	CHECK (ct_fs_write_atomic_at (AT_FDCWD, p, "x", 1, 0644, &err) == 0);
	CHECK (ct_layout_open (dir, CT_LAYOUT_WRITE, &l, &err) < 0);
	CHECK_ERR (err, "is not an OCI image layout");
	ct_error_release (&err);
	CHECK (ct_layout_open (dir, CT_LAYOUT_READ, &l, &err) < 0);
	CHECK (ct_error_status (err) == 0);
	ct_error_release (&err);
	CHECK (!exists (dir, "oci-layout"));
	free (p);
	xasprintf (&p, "%s/something", dir);
	unlink (p);
	free (p);
	xasprintf (&p, "%s/oci-layout", dir);
	CHECK (ct_fs_write_atomic_at (AT_FDCWD, p, "{\"imageLayoutVersion\":\"2.0.0\"}", 30, 0644, &err) == 0);
	CHECK (ct_layout_open (dir, CT_LAYOUT_READ, &l, &err) < 0);
	CHECK_ERR (err, "oci-layout`: imageLayoutVersion `2.0.0` is not supported");
	ct_error_release (&err);
	CHECK (ct_fs_write_atomic_at (AT_FDCWD, p, "{", 1, 0644, &err) == 0);
	CHECK (ct_layout_open (dir, CT_LAYOUT_WRITE, &l, &err) < 0);
	CHECK_ERR (err, "oci-layout`: invalid JSON");
	ct_error_release (&err);
	rm_dir (dir);
	return 0;
}

static int
test_blob_writer (void)
{
	cleanup_free char *dir = mk_tmpdir ();
	cleanup_layout struct ct_layout *l = NULL;
	cleanup_free char *d = NULL;
	cleanup_free char *buf = NULL;
	cleanup_free char *blobs = NULL;
	cleanup_free char *tmp = NULL;
	struct ct_blob_writer *w = NULL;
	ct_error_t err = NULL;
	size_t len;
	int fd;

	CHECK (ct_layout_open (dir, CT_LAYOUT_WRITE, &l, &err) == 0);
	xasprintf (&blobs, "%s/blobs/sha256", dir);
	xasprintf (&tmp, "%s/tmp", dir);
	/* freed without commit: nothing anywhere */
	CHECK (ct_blob_writer_new (l, HELLO, 5, &w, &err) == 0);
	CHECK (ct_blob_writer_write (w, "hel", 3, &err) == 0);
	CHECK (ct_blob_writer_offset (w) == 3);
	CHECK (count_entries (tmp) == 1);
	ct_blob_writer_free (w);
	CHECK (count_entries (blobs) == 0);
	CHECK (count_entries (tmp) == 0);
	/* too many bytes: fails at once */
	CHECK (ct_blob_writer_new (l, HELLO, 5, &w, &err) == 0);
	CHECK (ct_blob_writer_write (w, "hello!", 6, &err) < 0);
	CHECK_ERR (err, "size mismatch: expected 5 bytes, got 6");
	ct_error_release (&err);
	ct_blob_writer_free (w);
	/* short */
	CHECK (ct_blob_writer_new (l, HELLO, 5, &w, &err) == 0);
	CHECK (ct_blob_writer_write (w, "hell", 4, &err) == 0);
	CHECK (ct_blob_writer_commit (w, NULL, &err) < 0);
	CHECK_ERR (err, "size mismatch: expected 5 bytes, got 4");
	ct_error_release (&err);
	ct_blob_writer_free (w);
	/* wrong content */
	CHECK (ct_blob_writer_new (l, HELLO, -1, &w, &err) == 0);
	CHECK (ct_blob_writer_write (w, "jello", 5, &err) == 0);
	CHECK (ct_blob_writer_commit (w, NULL, &err) < 0);
	CHECK_ERR (err, "digest mismatch: expected " HELLO ", got sha256:");
	ct_error_release (&err);
	ct_blob_writer_free (w);
	CHECK (count_entries (blobs) == 0);
	CHECK (count_entries (tmp) == 0);
	/* right */
	CHECK (ct_blob_writer_new (l, NULL, -1, &w, &err) == 0);
	CHECK (ct_blob_writer_write (w, "hello", 5, &err) == 0);
	CHECK (ct_blob_writer_commit (w, &d, &err) == 0);
	ct_blob_writer_free (w);
	CHECK_STR (d, HELLO);
	CHECK (ct_layout_has_blob (l, HELLO, 5));
	CHECK (ct_layout_has_blob (l, HELLO, -1));
	CHECK (!ct_layout_has_blob (l, HELLO, 6));
	CHECK (!ct_layout_has_blob (l, "sha256:nope", -1));
	/* again: idempotent */
	CHECK (ct_layout_put_blob (l, "hello", 5, HELLO, NULL, &err) == 0);
	CHECK (count_entries (blobs) == 1);
	CHECK (count_entries (tmp) == 0);
	CHECK (ct_layout_read_blob (l, HELLO, 100, &buf, &len, &err) == 0);
	CHECK (len == 5 && memcmp (buf, "hello", 5) == 0);
	fd = ct_layout_open_blob (l, HELLO, &err);
	CHECK (fd >= 0);
	close (fd);
	/* read_blob verifies: corrupt the blob behind the store's back */
	{
		cleanup_free char *p = NULL;
		xasprintf (&p, "%s/blobs/sha256/%s", dir, HELLO + 7);
		CHECK (ct_fs_write_atomic_at (AT_FDCWD, p, "jello", 5, 0644, &err) == 0);
	}
	free (buf);
	buf = NULL;
	CHECK (ct_layout_read_blob (l, HELLO, 100, &buf, &len, &err) < 0);
	CHECK_ERR (err, "digest mismatch");
	ct_error_release (&err);
	CHECK (ct_layout_open_blob (l, "sha256:2222222222222222222222222222222222222222222222222222222222222222",
	                            &err) < 0);
	CHECK (ct_error_status (err) == ENOENT);
	CHECK_ERR (err, "is not in");
	ct_error_release (&err);
	rm_dir (dir);
	return 0;
}

/* Blobs of 4 MiB and more are hashed and written by a helper thread: the
   same results as the caller's thread gives, whatever the chunk sizes. */
static int
test_blob_writer_big (void)
{
	cleanup_free char *dir = mk_tmpdir ();
	cleanup_layout struct ct_layout *l = NULL;
	cleanup_free char *data = NULL;
	cleanup_free char *want = NULL;
	cleanup_free char *got = NULL;
	cleanup_free char *blobs = NULL;
	cleanup_free char *tmp = NULL;
	cleanup_free char *back = NULL;
	struct ct_blob_writer *w = NULL;
	ct_error_t err = NULL;
	const size_t size = (9u << 20) + 12345;
	size_t off, n, len;

	CHECK (ct_layout_open (dir, CT_LAYOUT_WRITE, &l, &err) == 0);
	xasprintf (&blobs, "%s/blobs/sha256", dir);
	xasprintf (&tmp, "%s/tmp", dir);
	data = xmalloc (size);
	for (off = 0; off < size; off++)
		data[off] = (char) ((off * 2654435761u) >> 13);
	want = ct_digest_buffer (CT_DIGEST_SHA256, data, size, &err);
	CHECK (want != NULL);
	/* chunks of odd sizes, some larger than the thread's slots */
	CHECK (ct_blob_writer_new (l, want, (int64_t) size, &w, &err) == 0);
	for (off = 0, n = 1; off < size; off += n, n = n * 7 % 1048573 + 1) {
		if (n > size - off)
			n = size - off;
		CHECK (ct_blob_writer_write (w, data + off, n, &err) == 0);
	}
	CHECK (ct_blob_writer_offset (w) == (int64_t) size);
	CHECK (ct_blob_writer_commit (w, &got, &err) == 0);
	ct_blob_writer_free (w);
	CHECK (strcmp (got, want) == 0);
	CHECK (ct_layout_read_blob (l, want, size, &back, &len, &err) == 0);
	CHECK (len == size && memcmp (back, data, size) == 0);
	/* one flipped byte: a mismatch, nothing stored */
	data[size / 2] ^= 1;
	CHECK (ct_blob_writer_new (l, "sha256:0000000000000000000000000000000000000000000000000000000000000000",
	                           (int64_t) size, &w, &err) == 0);
	CHECK (ct_blob_writer_write (w, data, size, &err) == 0);
	CHECK (ct_blob_writer_commit (w, NULL, &err) < 0);
	CHECK_ERR (err, "digest mismatch");
	ct_error_release (&err);
	ct_blob_writer_free (w);
	/* freed half way: the thread stops, the temp file goes */
	CHECK (ct_blob_writer_new (l, want, (int64_t) size, &w, &err) == 0);
	CHECK (ct_blob_writer_write (w, data, size / 2, &err) == 0);
	ct_blob_writer_free (w);
	CHECK (count_entries (blobs) == 1);
	CHECK (count_entries (tmp) == 0);
	rm_dir (dir);
	return 0;
}

static int
test_read_only_handle (void)
{
	cleanup_free char *dir = mk_tmpdir ();
	struct ct_layout *l = NULL;
	struct ct_blob_writer *w = NULL;
	ct_error_t err = NULL;

	CHECK (ct_layout_open (dir, CT_LAYOUT_WRITE, &l, &err) == 0);
	ct_layout_close (l);
	CHECK (ct_layout_open (dir, CT_LAYOUT_READ, &l, &err) == 0);
	CHECK (ct_blob_writer_new (l, NULL, -1, &w, &err) < 0);
	CHECK_ERR (err, "read-only");
	ct_error_release (&err);
	ct_layout_close (l);
	rm_dir (dir);
	return 0;
}

static int
test_orphans (void)
{
	cleanup_free char *dir = mk_tmpdir ();
	cleanup_free char *orphan = NULL;
	cleanup_free char *tmp = NULL;
	struct ct_layout *l = NULL, *l2 = NULL;
	struct ct_blob_writer *w = NULL;
	ct_error_t err = NULL;

	CHECK (ct_layout_open (dir, CT_LAYOUT_WRITE, &l, &err) == 0);
	xasprintf (&orphan, "%s/tmp/blob-dead", dir);
	xasprintf (&tmp, "%s/tmp", dir);
	CHECK (ct_fs_write_atomic_at (AT_FDCWD, orphan, "x", 1, 0644, &err) == 0);
	/* a live writer's temp file survives another WRITE open; the orphan does not */
	CHECK (ct_blob_writer_new (l, NULL, -1, &w, &err) == 0);
	CHECK (count_entries (tmp) == 2);
	CHECK (ct_layout_open (dir, CT_LAYOUT_WRITE, &l2, &err) == 0);
	CHECK (count_entries (tmp) == 1);
	CHECK (!exists (dir, "tmp/blob-dead"));
	CHECK (ct_blob_writer_write (w, "hello", 5, &err) == 0);
	CHECK (ct_blob_writer_commit (w, NULL, &err) == 0);
	ct_blob_writer_free (w);
	CHECK (ct_layout_has_blob (l2, HELLO, 5));
	ct_layout_close (l2);
	ct_layout_close (l);
	rm_dir (dir);
	return 0;
}

static int
test_names (void)
{
	static const struct {
		const char *in, *out;
	} ok[] = {
		{ "app", "app:latest" },
		{ "app:1", "app:1" },
		{ "localhost:5000/app", "localhost:5000/app:latest" },
		{ "localhost:5000/a/b:2", "localhost:5000/a/b:2" },
		{ "a__b", NULL },
		{ "app@sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
		  "app@sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824" },
		{ "a--b", "a--b:latest" },
		{ "", NULL },
		{ "-a", NULL },
		{ "a/", NULL },
		{ "a b", NULL },
		{ "a:", NULL },
		{ "app@sha256:xyz", NULL },
	};

	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		ct_error_t err = NULL;
		cleanup_free char *out = NULL;
		int r = ct_store_normalize_name (ok[i].in, &out, &err);
		if (ok[i].out == NULL) {
			if (r == 0)
				printf ("# `%s` accepted as `%s`\n", ok[i].in, out);
			CHECK (r < 0);
			CHECK_ERR (err, "invalid name");
			ct_error_release (&err);
		} else {
			CHECK (r == 0);
			CHECK_STR (out, ok[i].out);
		}
	}
	return 0;
}

static int
test_set_resolve_remove (void)
{
	cleanup_free char *dir = mk_tmpdir ();
	cleanup_layout struct ct_layout *l = NULL;
	struct ct_descriptor a = { 0 }, b = { 0 }, got = { 0 };
	cleanup_free char *full = NULL;
	cleanup_index struct ct_index *ix = NULL;
	ct_error_t err = NULL;
	char *rm1[] = { (char *) "app:1", (char *) "nope:1", NULL };
	char *rm2[] = { (char *) "app:1", NULL };

	CHECK (ct_layout_open (dir, CT_LAYOUT_WRITE, &l, &err) == 0);
	CHECK (put_image (l, "layer a", &a) == 0);
	CHECK (put_image (l, "layer b", &b) == 0);
	CHECK (ct_layout_set_name (l, "app:1", &a, &err) == 0);
	CHECK (ct_layout_set_name (l, "localhost:5000/web:latest", &a, &err) == 0);
	CHECK (ct_layout_set_name (l, "r1.example/db:1", &a, &err) == 0);
	CHECK (ct_layout_set_name (l, "r2.example/db:1", &b, &err) == 0);
	/* replacing keeps one entry */
	CHECK (ct_layout_set_name (l, "app:1", &b, &err) == 0);
	CHECK (ct_layout_read_index (l, &ix, &err) == 0);
	CHECK (ix->n_manifests == 4);

	CHECK (ct_layout_resolve (l, "app:1", &got, &full, &err) == 0);
	CHECK_STR (got.digest, b.digest);
	CHECK_STR (full, "app:1");
	ct_descriptor_clear (&got);
	free (full);
	full = NULL;
	CHECK (ct_layout_resolve (l, "web", &got, &full, &err) == 0);
	CHECK_STR (full, "localhost:5000/web:latest");
	CHECK_STR (got.digest, a.digest);
	ct_descriptor_clear (&got);
	CHECK (ct_layout_resolve (l, "db:1", &got, NULL, &err) < 0);
	CHECK_ERR (err, "image `db:1` is ambiguous: `r1.example/db:1`, `r2.example/db:1`");
	ct_error_release (&err);
	CHECK (ct_layout_resolve (l, "other", &got, NULL, &err) < 0);
	CHECK (ct_error_status (err) == ENOENT);
	CHECK_ERR (err, "image `other` is not in the store");
	ct_error_release (&err);
	/* a name with a host never matches another host */
	CHECK (ct_layout_resolve (l, "r3.example/db:1", &got, NULL, &err) < 0);
	ct_error_release (&err);

	/* all-or-nothing */
	CHECK (ct_layout_remove_names (l, rm1, &err) < 0);
	CHECK_ERR (err, "nope:1");
	ct_error_release (&err);
	CHECK (ct_layout_resolve (l, "app:1", &got, NULL, &err) == 0);
	ct_descriptor_clear (&got);
	CHECK (ct_layout_remove_names (l, rm2, &err) == 0);
	CHECK (ct_layout_resolve (l, "app:1", &got, NULL, &err) < 0);
	ct_error_release (&err);
	ct_descriptor_clear (&a);
	ct_descriptor_clear (&b);
	rm_dir (dir);
	return 0;
}

static int
test_duplicate_names (void)
{
	cleanup_free char *dir = mk_tmpdir ();
	cleanup_free char *p = NULL;
	cleanup_free char *doc = NULL;
	cleanup_layout struct ct_layout *l = NULL;
	struct ct_index *ix = NULL;
	ct_error_t err = NULL;
	const char *e = "{\"mediaType\":\"" CT_MT_OCI_MANIFEST "\",\"digest\":\"" HELLO "\",\"size\":5,"
	                "\"annotations\":{\"" CT_ANNOTATION_REF_NAME "\":\"app:1\"}}";

	CHECK (ct_layout_open (dir, CT_LAYOUT_WRITE, &l, &err) == 0);
	xasprintf (&doc, "{\"schemaVersion\":2,\"manifests\":[%s,%s]}", e, e);
	xasprintf (&p, "%s/index.json", dir);
	CHECK (ct_fs_write_atomic_at (AT_FDCWD, p, doc, strlen (doc), 0644, &err) == 0);
	CHECK (ct_layout_read_index (l, &ix, &err) < 0);
	CHECK_ERR (err, "name `app:1` appears twice in `");
	ct_error_release (&err);
	CHECK (ct_fs_write_atomic_at (AT_FDCWD, p, "{]", 2, 0644, &err) == 0);
	CHECK (ct_layout_read_index (l, &ix, &err) < 0);
	CHECK_ERR (err, "index.json`: invalid JSON");
	ct_error_release (&err);
	rm_dir (dir);
	return 0;
}

/* Two processes naming 40 images each into one store lose nothing. */
static int
test_concurrent_set_name (void)
{
	cleanup_free char *dir = mk_tmpdir ();
	cleanup_layout struct ct_layout *l = NULL;
	cleanup_index struct ct_index *ix = NULL;
	struct ct_descriptor a = { 0 };
	ct_error_t err = NULL;
	pid_t pids[2];
	enum { N = 40 };

	CHECK (ct_layout_open (dir, CT_LAYOUT_WRITE, &l, &err) == 0);
	CHECK (put_image (l, "layer a", &a) == 0);
	for (int p = 0; p < 2; p++) {
		pids[p] = fork ();
		CHECK (pids[p] >= 0);
		if (pids[p] == 0) {
			struct ct_layout *cl = NULL;
			if (ct_layout_open (dir, CT_LAYOUT_WRITE, &cl, &err) < 0)
				_exit (1);
			for (int i = 0; i < N; i++) {
				char name[64];
				snprintf (name, sizeof name, "p%d/img:%d", p, i);
				if (ct_layout_set_name (cl, name, &a, &err) < 0)
					_exit (2);
			}
			_exit (0);
		}
	}
	for (int p = 0; p < 2; p++) {
		int st;
		CHECK (waitpid (pids[p], &st, 0) == pids[p]);
		CHECK (WIFEXITED (st) && WEXITSTATUS (st) == 0);
	}
	CHECK (ct_layout_read_index (l, &ix, &err) == 0);
	CHECK (ix->n_manifests == 2 * N);
	ct_descriptor_clear (&a);
	rm_dir (dir);
	return 0;
}

static int
test_gc (void)
{
	cleanup_free char *dir = mk_tmpdir ();
	cleanup_free char *blobs = NULL;
	cleanup_free char *p = NULL;
	struct ct_layout *l = NULL;
	struct ct_descriptor a = { 0 }, b = { 0 };
	struct ct_gc_stats st;
	ct_error_t err = NULL;
	char *rm[] = { (char *) "b:1", NULL };

	xasprintf (&blobs, "%s/blobs/sha256", dir);
	CHECK (ct_layout_open (dir, CT_LAYOUT_WRITE, &l, &err) == 0);
	CHECK (put_image (l, "layer a", &a) == 0);
	CHECK (put_image (l, "layer b", &b) == 0);
	CHECK (ct_layout_set_name (l, "a:1", &a, &err) == 0);
	CHECK (ct_layout_set_name (l, "b:1", &b, &err) == 0);
	CHECK (ct_layout_put_blob (l, "hello", 5, NULL, NULL, &err) == 0); /* unreferenced */
	CHECK (count_entries (blobs) == 7);
	/* gc needs the gc mode */
	CHECK (ct_layout_gc (l, &st, &err) < 0);
	ct_error_release (&err);
	CHECK (ct_layout_remove_names (l, rm, &err) == 0);
	ct_layout_close (l);

	xasprintf (&p, "%s/README", blobs); /* not a digest: left alone */
	CHECK (ct_fs_write_atomic_at (AT_FDCWD, p, "x", 1, 0644, &err) == 0);
	free (p);
	xasprintf (&p, "%s/tmp/orphan", dir);
	CHECK (ct_fs_write_atomic_at (AT_FDCWD, p, "x", 1, 0644, &err) == 0);
	CHECK (ct_layout_open (dir, CT_LAYOUT_GC, &l, &err) == 0);
	CHECK (ct_layout_gc (l, &st, &err) == 0);
	CHECK (st.blobs_removed == 4); /* b's manifest, config, layer; hello */
	CHECK (st.bytes_removed > 5);
	CHECK (count_entries (blobs) == 4); /* a's three + README */
	CHECK (ct_layout_has_blob (l, a.digest, a.size));
	CHECK (!ct_layout_has_blob (l, b.digest, -1));
	CHECK (!ct_layout_has_blob (l, HELLO, -1));
	/* idempotent */
	CHECK (ct_layout_gc (l, &st, &err) == 0);
	CHECK (st.blobs_removed == 0);

	/* a missing needed blob: fails, naming it, and deletes nothing */
	CHECK (ct_layout_put_blob (l, "hello", 5, NULL, NULL, &err) == 0);
	free (p);
	xasprintf (&p, "%s/%s", blobs, a.digest + 7);
	CHECK (unlink (p) == 0);
	CHECK (ct_layout_gc (l, &st, &err) < 0);
	CHECK_ERR (err, a.digest);
	ct_error_release (&err);
	CHECK (ct_layout_has_blob (l, HELLO, 5));
	ct_layout_close (l);
	ct_descriptor_clear (&a);
	ct_descriptor_clear (&b);
	rm_dir (dir);
	return 0;
}

static const struct tap_test tests[] = {
	TAP_TEST (test_create_and_reopen),
	TAP_TEST (test_refuse_foreign_dir),
	TAP_TEST (test_blob_writer),
	TAP_TEST (test_blob_writer_big),
	TAP_TEST (test_read_only_handle),
	TAP_TEST (test_orphans),
	TAP_TEST (test_names),
	TAP_TEST (test_set_resolve_remove),
	TAP_TEST (test_duplicate_names),
	TAP_TEST (test_concurrent_set_name),
	TAP_TEST (test_gc),
};

int
main (void)
{
	return tap_run (tests, TAP_COUNT (tests));
}
