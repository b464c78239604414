/* SHA-256 (FIPS 180-4) without libcrypto, for cruntime.

   cruntime starts once per command, twice for run, create and exec (the
   sealed re-exec, runtime/selfexe.c); loading libcrypto costs about half a
   millisecond per start in relocations alone, more than the rest of the
   start.  Its only digest is the seccomp cache key, a few kilobytes: this
   small implementation does it.  Blobs (cimage) keep libcrypto's faster
   streaming digests (digest.h). */
#ifndef CT_SHA256_H
#define CT_SHA256_H

#include <stddef.h>

#define CT_SHA256_LEN 32

/* The SHA-256 of len bytes at buf into out. */
void ct_sha256 (const void *buf, size_t len, unsigned char out[CT_SHA256_LEN]);

/* The same as 64 lowercase hex characters and a NUL. */
void ct_sha256_hex (const void *buf, size_t len, char out[2 * CT_SHA256_LEN + 1]);

#endif
