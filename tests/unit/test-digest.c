#include "common.h"

#include "digest.h"
#include "tap.h"

#define SHA256_EMPTY "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SHA256_ABC   "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA512_EMPTY                                                                                              \
	"sha512:cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f" \
	"63b931bd47417a81a538327af927da3e"
#define SHA512_ABC                                                                                                \
	"sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd" \
	"454d4423643ce80e2a9ac94fa54ca49f"

static int
test_vectors (void)
{
	ct_error_t err = NULL;
	cleanup_free char *a = ct_digest_buffer (CT_DIGEST_SHA256, "", 0, &err);
	cleanup_free char *b = ct_digest_buffer (CT_DIGEST_SHA256, "abc", 3, &err);
	cleanup_free char *c = ct_digest_buffer (CT_DIGEST_SHA512, "", 0, &err);
	cleanup_free char *d = ct_digest_buffer (CT_DIGEST_SHA512, "abc", 3, &err);

	CHECK (err == NULL);
	CHECK_STR (a, SHA256_EMPTY);
	CHECK_STR (b, SHA256_ABC);
	CHECK_STR (c, SHA512_EMPTY);
	CHECK_STR (d, SHA512_ABC);
	return 0;
}

static int
test_streaming (void)
{
	ct_error_t err = NULL;
	cleanup_digester struct ct_digester *dg = ct_digest_init (CT_DIGEST_SHA256, &err);
	cleanup_free char *out = NULL;

	CHECK (dg != NULL);
	CHECK (ct_digest_update (dg, "a", 1, &err) == 0);
	CHECK (ct_digest_update (dg, "", 0, &err) == 0);
	CHECK (ct_digest_update (dg, "bc", 2, &err) == 0);
	out = ct_digest_final (dg, &err);
	CHECK_STR (out, SHA256_ABC);
	return 0;
}

static int
expect_invalid (const char *digest, const char *needle)
{
	ct_error_t err = NULL;
	cleanup_free char *prefix = NULL;

	xasprintf (&prefix, "invalid digest `%s`: ", digest);
	CHECK (ct_digest_parse (digest, NULL, NULL, &err) == -1);
	CHECK (strncmp (err->msg, prefix, strlen (prefix)) == 0);
	CHECK_ERR (err, needle);
	ct_error_release (&err);
	return 0;
}

static int
test_parse (void)
{
	ct_error_t err = NULL;
	enum ct_digest_algo algo = CT_DIGEST_SHA256;
	const char *hex = NULL;

	CHECK (ct_digest_parse (SHA512_ABC, &algo, &hex, &err) == 0);
	CHECK (algo == CT_DIGEST_SHA512);
	CHECK (hex == SHA512_ABC + 7);
	CHECK (ct_digest_parse (SHA256_EMPTY, &algo, &hex, &err) == 0);
	CHECK (algo == CT_DIGEST_SHA256);
	CHECK (strlen (hex) == 64);
	CHECK (err == NULL);

	CHECK (expect_invalid ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "missing `:`") == 0);
	CHECK (expect_invalid ("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
	                       "sha256 must be lowercase hex") == 0);
	CHECK (expect_invalid ("sha256:abc", "sha256 needs 64 hex characters, got 3") == 0);
	CHECK (expect_invalid ("sha512:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	                       "sha512 needs 128 hex characters, got 64") == 0);
	CHECK (expect_invalid ("md5:d41d8cd98f00b204e9800998ecf8427e", "unsupported algorithm `md5`") == 0);
	CHECK (expect_invalid ("multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8",
	                       "unsupported algorithm `multihash+base58`") == 0);
	CHECK (expect_invalid ("SHA256:e3b0", "malformed algorithm") == 0);
	CHECK (expect_invalid ("sha256+:e3b0", "malformed algorithm") == 0);
	CHECK (expect_invalid (":e3b0", "malformed algorithm") == 0);
	CHECK (expect_invalid ("sha256:", "empty encoded part") == 0);
	CHECK (expect_invalid ("sha256:e3b0/../x", "malformed encoded part") == 0);
	return 0;
}

static int
test_verify_buffer (void)
{
	ct_error_t err = NULL;

	CHECK (ct_digest_verify_buffer (SHA256_ABC, 3, "abc", 3, &err) == 0);
	CHECK (ct_digest_verify_buffer (SHA512_ABC, -1, "abc", 3, &err) == 0);
	CHECK (ct_digest_verify_buffer (SHA256_ABC, 3, "abd", 3, &err) == -1);
	CHECK_STR (err->msg, "digest mismatch: expected " SHA256_ABC ", got "
	                     "sha256:a52d159f262b2c6ddb724a61840befc36eb30c88877a4030b65cbe86298449c9");
	ct_error_release (&err);
	CHECK (ct_digest_verify_buffer (SHA256_ABC, 4, "abc", 3, &err) == -1);
	CHECK_STR (err->msg, "size mismatch: expected 4 bytes, got 3");
	ct_error_release (&err);
	CHECK (ct_digest_verify_buffer (SHA256_ABC, 2, "abc", 3, &err) == -1);
	CHECK_STR (err->msg, "size mismatch: expected 2 bytes, got 3");
	ct_error_release (&err);
	CHECK (ct_digest_verify_buffer ("sha256:nothex", 3, "abc", 3, &err) == -1);
	CHECK_ERR (err, "invalid digest `sha256:nothex`");
	ct_error_release (&err);
	return 0;
}

/* A pipe holding `data`, write end closed: reads see exactly data then EOF. */
static int
pipe_with (const char *data, size_t len)
{
	int p[2];

	if (pipe2 (p, O_CLOEXEC) < 0)
		return -1;
	if (write (p[1], data, len) != (ssize_t) len) {
		close (p[0]);
		close (p[1]);
		return -1;
	}
	close (p[1]);
	return p[0];
}

static int
test_reader (void)
{
	ct_error_t err = NULL;
	cleanup_close int fd = pipe_with ("abc", 3);
	cleanup_digest_reader struct ct_digest_reader *r = ct_digest_reader_new (fd, SHA256_ABC, 3, &err);
	char buf[2];
	char got[8] = { 0 };
	size_t n = 0;
	ssize_t k;

	CHECK (fd >= 0 && r != NULL);
	/* small reads: data flows through unchanged */
	while ((k = ct_digest_reader_read (r, buf, sizeof buf, &err)) > 0) {
		memcpy (got + n, buf, (size_t) k);
		n += (size_t) k;
	}
	CHECK (k == 0);
	CHECK (err == NULL);
	CHECK_STR (got, "abc");
	/* EOF is sticky once verified */
	CHECK (ct_digest_reader_read (r, buf, sizeof buf, &err) == 0);
	return 0;
}

static int
test_reader_mismatch (void)
{
	ct_error_t err = NULL;
	char buf[64];

	{
		cleanup_close int fd = pipe_with ("abd", 3);
		cleanup_digest_reader struct ct_digest_reader *r = ct_digest_reader_new (fd, SHA256_ABC, 3, &err);
		CHECK (ct_digest_reader_read (r, buf, sizeof buf, &err) == 3);
		CHECK (ct_digest_reader_read (r, buf, sizeof buf, &err) == -1);
		CHECK_ERR (err, "digest mismatch: expected " SHA256_ABC ", got sha256:a52d159f");
		ct_error_release (&err);
	}
	{
		/* too long: fails while reading, before EOF */
		cleanup_close int fd = pipe_with ("abcd", 4);
		cleanup_digest_reader struct ct_digest_reader *r = ct_digest_reader_new (fd, SHA256_ABC, 3, &err);
		CHECK (ct_digest_reader_read (r, buf, sizeof buf, &err) == -1);
		CHECK_STR (err->msg, "size mismatch: expected 3 bytes, got 4");
		ct_error_release (&err);
	}
	{
		/* too short */
		cleanup_close int fd = pipe_with ("ab", 2);
		cleanup_digest_reader struct ct_digest_reader *r = ct_digest_reader_new (fd, SHA256_ABC, 3, &err);
		CHECK (ct_digest_reader_finish (r, &err) == -1);
		CHECK_STR (err->msg, "size mismatch: expected 3 bytes, got 2");
		ct_error_release (&err);
	}
	{
		/* finish drains what the consumer left */
		cleanup_close int fd = pipe_with ("abc", 3);
		cleanup_digest_reader struct ct_digest_reader *r = ct_digest_reader_new (fd, SHA256_ABC, 3, &err);
		CHECK (ct_digest_reader_read (r, buf, 1, &err) == 1);
		CHECK (ct_digest_reader_finish (r, &err) == 0);
	}
	return 0;
}

static int
test_file (void)
{
	ct_error_t err = NULL;
	char path[] = "/tmp/ct-test-digest-XXXXXX";
	cleanup_close int fd = mkostemp (path, O_CLOEXEC);
	cleanup_free char *a = NULL;
	cleanup_free char *b = NULL;

	CHECK (fd >= 0);
	CHECK (write (fd, "abc", 3) == 3);
	a = ct_digest_file_at (CT_DIGEST_SHA256, AT_FDCWD, path, &err);
	b = ct_digest_file_at (CT_DIGEST_SHA512, AT_FDCWD, path, &err);
	unlink (path);
	CHECK_STR (a, SHA256_ABC);
	CHECK_STR (b, SHA512_ABC);
	CHECK (ct_digest_file_at (CT_DIGEST_SHA256, AT_FDCWD, path, &err) == NULL);
	CHECK_ERR (err, "open `/tmp/ct-test-digest-");
	CHECK (err->status == ENOENT);
	ct_error_release (&err);
	return 0;
}

int
main (void)
{
	static const struct tap_test tests[] = {
		TAP_TEST (test_vectors),       TAP_TEST (test_streaming), TAP_TEST (test_parse),
		TAP_TEST (test_verify_buffer), TAP_TEST (test_reader),    TAP_TEST (test_reader_mismatch),
		TAP_TEST (test_file),
	};
	return tap_run (tests, TAP_COUNT (tests));
}
