/* shared/sha256.c: the FIPS 180-4 examples, and agreement with libcrypto
   (digest.c) at every length around the padding boundaries. */
#include "common.h"

#include "digest.h"
#include "sha256.h"
#include "tap.h"

static int
test_vectors (void)
{
	static const char million_a[] = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
	char hex[2 * CT_SHA256_LEN + 1];
	cleanup_free char *a = xmalloc (1000000);

	ct_sha256_hex ("", 0, hex);
	CHECK_STR (hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	ct_sha256_hex ("abc", 3, hex);
	CHECK_STR (hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	ct_sha256_hex ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	CHECK_STR (hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	memset (a, 'a', 1000000);
	ct_sha256_hex (a, 1000000, hex);
	CHECK_STR (hex, million_a);
	return 0;
}

static int
test_matches_libcrypto (void)
{
	unsigned char buf[300];
	char hex[2 * CT_SHA256_LEN + 1];
	ct_error_t err = NULL;

	for (size_t i = 0; i < sizeof (buf); i++)
		buf[i] = (unsigned char) (i * 7 + 3);
	for (size_t len = 0; len <= sizeof (buf); len++) {
		cleanup_free char *ref = ct_digest_buffer (CT_DIGEST_SHA256, buf, len, &err);

		CHECK (ref != NULL);
		ct_sha256_hex (buf, len, hex);
		CHECK_STR (hex, ref + strlen ("sha256:"));
	}
	return 0;
}

static const struct tap_test tests[] = {
	TAP_TEST (test_vectors),
	TAP_TEST (test_matches_libcrypto),
};

int
main (void)
{
	return tap_run (tests, TAP_COUNT (tests));
}
