/* Content digests "algo:hex" (image-spec descriptor.md "Digests"), computed
   with OpenSSL libcrypto EVP.  Only the registered algorithms are accepted:
     sha256  64 lowercase hex characters
     sha512  128 lowercase hex characters
   Anything else (uppercase hex, wrong length, unknown algorithm, bad grammar)
   is "invalid digest `...`: <reason>".

   Untrusted bytes are verified while they stream (STYLE.md 3.10 rule 8, umoci's
   VerifiedReadCloser): a verifier checks the exact expected size and the digest;
   the fd reader built on it returns EOF only once both matched. */
#ifndef CT_DIGEST_H
#define CT_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

enum ct_digest_algo {
	CT_DIGEST_SHA256 = 0,
	CT_DIGEST_SHA512,
};

/* Longest "algo:hex" string plus NUL. */
#define CT_DIGEST_MAX_LEN (sizeof "sha512:" + 128)

/* "sha256" / "sha512". */
const char *ct_digest_algo_name (enum ct_digest_algo algo);
/* Length of the hex part: 64 / 128. */
size_t ct_digest_hex_len (enum ct_digest_algo algo);

/* Validate `digest`; on success store its algorithm (algo may be NULL) and
   point *hex (may be NULL) into `digest` after the ':'. */
int ct_digest_parse (const char *digest, enum ct_digest_algo *algo, const char **hex, ct_error_t *err);

/* Format raw hash bytes (ct_digest_hex_len/2 of them) as "algo:hex", malloc'd. */
char *ct_digest_format (enum ct_digest_algo algo, const unsigned char *raw);

/* ---- streaming ---- */
struct ct_digester;

struct ct_digester *ct_digest_init (enum ct_digest_algo algo, ct_error_t *err);
int ct_digest_update (struct ct_digester *d, const void *buf, size_t len, ct_error_t *err);
/* "algo:hex" (malloc'd) of everything fed so far; d can then only be freed. */
char *ct_digest_final (struct ct_digester *d, ct_error_t *err);
void ct_digest_free (struct ct_digester *d);

/* ---- verification: digest + exact size ---- */
struct ct_digest_verifier;

/* expected_size < 0: size not checked. */
struct ct_digest_verifier *ct_digest_verifier_new (const char *expected, int64_t expected_size, ct_error_t *err);
/* Fails as soon as more than expected_size bytes were fed:
   "size mismatch: expected N bytes, got M" (M = bytes so far). */
int ct_digest_verifier_update (struct ct_digest_verifier *v, const void *buf, size_t len, ct_error_t *err);
/* Check the total size, then the digest:
   "size mismatch: expected N bytes, got M", "digest mismatch: expected X, got Y". */
int ct_digest_verifier_finish (struct ct_digest_verifier *v, ct_error_t *err);
void ct_digest_verifier_free (struct ct_digest_verifier *v);

/* Read-through wrapper over an fd (not owned; the caller closes it). */
struct ct_digest_reader;

struct ct_digest_reader *ct_digest_reader_new (int fd, const char *expected, int64_t expected_size, ct_error_t *err);
/* Like read(2): > 0 bytes, 0 at EOF *after* size and digest matched, -1 with
   err on a read error or a mismatch.  Data returned before a mismatch is
   known must be treated as unverified until 0 is returned. */
ssize_t ct_digest_reader_read (struct ct_digest_reader *r, void *buf, size_t len, ct_error_t *err);
/* Drain what the consumer did not read and verify (for consumers that stop
   before EOF, e.g. at a tar end-of-archive marker). */
int ct_digest_reader_finish (struct ct_digest_reader *r, ct_error_t *err);
void ct_digest_reader_free (struct ct_digest_reader *r);

/* ---- one-shot ---- */
char *ct_digest_buffer (enum ct_digest_algo algo, const void *buf, size_t len, ct_error_t *err);
/* Digest everything readable from fd (from its current offset). */
char *ct_digest_fd (enum ct_digest_algo algo, int fd, ct_error_t *err);
char *ct_digest_file_at (enum ct_digest_algo algo, int dirfd, const char *path, ct_error_t *err);
/* expected_size < 0: not checked. */
int ct_digest_verify_buffer (const char *expected, int64_t expected_size, const void *buf, size_t len, ct_error_t *err);

static inline void
ct_cleanup_digesterp (struct ct_digester **d)
{
	ct_digest_free (*d);
}
static inline void
ct_cleanup_digest_verifierp (struct ct_digest_verifier **v)
{
	ct_digest_verifier_free (*v);
}
static inline void
ct_cleanup_digest_readerp (struct ct_digest_reader **r)
{
	ct_digest_reader_free (*r);
}
#define cleanup_digester        __attribute__ ((cleanup (ct_cleanup_digesterp)))
#define cleanup_digest_verifier __attribute__ ((cleanup (ct_cleanup_digest_verifierp)))
#define cleanup_digest_reader   __attribute__ ((cleanup (ct_cleanup_digest_readerp)))

#endif
