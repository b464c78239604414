/* The image store, and any OCI image layout directory: specs/store-format.md
   is the contract (atomic writes, locking, names, gc).  cimage uses it for
   the store and for oci:DIR; cbuild for its results.

   A layout is opened in one of three modes:
     CT_LAYOUT_READ   no lock; a missing layout is an error naming the dir
     CT_LAYOUT_WRITE  creates the layout when the directory is missing or
                      empty; shared flock on .cimage.lock for the handle's life
     CT_LAYOUT_GC     as WRITE with the exclusive lock (gc)
   A non-empty directory without oci-layout is refused ("`DIR` is not an OCI
   image layout"), as is an imageLayoutVersion other than 1.x.

   Blobs are written through a ct_blob_writer: bytes go to tmp/ (mkstemp,
   O_CLOEXEC), are hashed and counted as they arrive, and commit() verifies
   digest and size, fsyncs, renames into blobs/ALG/HEX and fsyncs the dir.
   A writer freed without commit removes its temp file: nothing partial is
   ever visible under blobs/.  Each writer holds an exclusive flock on its own
   temp file, so the temp files of killed writers are the ones nobody holds:
   every WRITE open removes those (flock LOCK_NB succeeds), and so does gc. */
#ifndef CT_STORE_H
#define CT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "ocispec/image.h"

enum ct_layout_mode {
	CT_LAYOUT_READ = 0,
	CT_LAYOUT_WRITE,
	CT_LAYOUT_GC,
};

struct ct_layout;

int ct_layout_open (const char *dir, enum ct_layout_mode mode, struct ct_layout **out, ct_error_t *err);
void ct_layout_close (struct ct_layout *l);
void ct_layout_closep (struct ct_layout **l);
#define cleanup_layout __attribute__ ((cleanup (ct_layout_closep)))
const char *ct_layout_path (const struct ct_layout *l);
int ct_layout_dirfd (const struct ct_layout *l);

/* ---- blobs ---- */

/* Whether blobs/ALG/HEX exists as a regular file (of `size` bytes when
   size >= 0).  Existing blobs are trusted (they were verified when written). */
bool ct_layout_has_blob (struct ct_layout *l, const char *digest, int64_t size);
/* O_RDONLY|O_CLOEXEC fd of a blob: "blob `sha256:...` is not in `DIR`" (ENOENT). */
int ct_layout_open_blob (struct ct_layout *l, const char *digest, ct_error_t *err);
/* Read a whole small blob (manifest, index, config: at most `max` bytes) and
   check its digest (another tool may have written the layout). */
int ct_layout_read_blob (struct ct_layout *l, const char *digest, size_t max, char **buf, size_t *len, ct_error_t *err);
/* Store bytes held in memory; *digest_out (may be NULL) gets "sha256:..."
   (malloc'd).  expected may be NULL (computed) or a digest that must match. */
int ct_layout_put_blob (struct ct_layout *l, const void *buf, size_t len, const char *expected, char **digest_out,
                        ct_error_t *err);

struct ct_blob_writer;

/* expected_digest may be NULL (sha256 computed); expected_size < 0: unknown. */
int ct_blob_writer_new (struct ct_layout *l, const char *expected_digest, int64_t expected_size,
                        struct ct_blob_writer **out, ct_error_t *err);
/* Fails at once when more than expected_size bytes arrive. */
int ct_blob_writer_write (struct ct_blob_writer *w, const void *buf, size_t len, ct_error_t *err);
/* Bytes accepted so far (where a resumed download continues: Range). */
int64_t ct_blob_writer_offset (const struct ct_blob_writer *w);
/* Verify ("digest mismatch: expected X, got Y", "size mismatch: ..."),
   fsync, rename into place (an existing blob wins and the temp is removed).
   *digest_out (may be NULL) gets the digest.  The writer must still be freed. */
int ct_blob_writer_commit (struct ct_blob_writer *w, char **digest_out, ct_error_t *err);
void ct_blob_writer_free (struct ct_blob_writer *w);
void ct_blob_writer_freep (struct ct_blob_writer **w);
#define cleanup_blob_writer __attribute__ ((cleanup (ct_blob_writer_freep)))

/* ---- index.json and names ---- */

/* index.json as it is now (re-read on every call; readers take no lock). */
int ct_layout_read_index (struct ct_layout *l, struct ct_index **out, ct_error_t *err);

/* Normalise a name as store-format.md "NAMES" says: no tag and no digest ->
   ":latest"; checked against the annotation grammar.  Malloc'd. */
int ct_store_normalize_name (const char *name, char **out, ct_error_t *err);

/* Find a name: exact match of the normalised name (or of the name as given,
   as other tools may store "x" untagged); else, when it has no
   registry host, the one stored HOST/NAME[:TAG]; several -> an error listing
   them; none -> "image `NAME` is not in the store" (ENOENT).
   *desc is a deep copy of the index entry; *full (may be NULL) the stored name. */
int ct_layout_resolve (struct ct_layout *l, const char *name, struct ct_descriptor *desc, char **full, ct_error_t *err);

/* Under the exclusive index lock: re-read index.json, drop every descriptor
   named `name`, add `desc` with the ref.name annotation set to `name`,
   write atomically.  Requires a WRITE handle. */
int ct_layout_set_name (struct ct_layout *l, const char *name, const struct ct_descriptor *desc, ct_error_t *err);
/* Remove the descriptors with these (already resolved, full) names; a name
   not present is an error and nothing is changed. */
int ct_layout_remove_names (struct ct_layout *l, char *const *names, ct_error_t *err);

/* ---- gc (needs CT_LAYOUT_GC) ---- */
struct ct_gc_stats {
	size_t blobs_removed;
	uint64_t bytes_removed;
	size_t tmp_removed;
};
int ct_layout_gc (struct ct_layout *l, struct ct_gc_stats *stats, ct_error_t *err);
/* The same, calling fn (may be NULL) for each blob removed ("sha256:...",
   its size): what `cimage gc` reports. */
typedef void (*ct_gc_fn) (const char *digest, uint64_t size, void *data);
int ct_layout_gc_report (struct ct_layout *l, struct ct_gc_stats *stats, ct_gc_fn fn, void *data, ct_error_t *err);

#endif
