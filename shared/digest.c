#include "common.h"

#include <inttypes.h>

#include <openssl/evp.h>

#include "digest.h"

struct ct_digester {
	enum ct_digest_algo algo;
	EVP_MD_CTX *ctx;
};

struct ct_digest_verifier {
	struct ct_digester *d;
	char *expected;
	int64_t expected_size;
	uint64_t seen;
};

struct ct_digest_reader {
	int fd;
	struct ct_digest_verifier *v;
	bool done; /* verified at EOF */
};

static const struct {
	const char *name;
	size_t hex_len;
} algos[] = {
	[CT_DIGEST_SHA256] = { "sha256", 64 },
	[CT_DIGEST_SHA512] = { "sha512", 128 },
};

const char *
ct_digest_algo_name (enum ct_digest_algo algo)
{
	return algos[algo].name;
}

size_t
ct_digest_hex_len (enum ct_digest_algo algo)
{
	return algos[algo].hex_len;
}

static const EVP_MD *
evp_md (enum ct_digest_algo algo)
{
	return algo == CT_DIGEST_SHA512 ? EVP_sha512 () : EVP_sha256 ();
}

/* descriptor.md grammar:
     algorithm-component ::= [a-z0-9]+
     algorithm-separator ::= [+._-]
     encoded             ::= [a-zA-Z0-9=_-]+ */
static bool
is_component_char (char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool
is_separator (char c)
{
	return c == '+' || c == '.' || c == '_' || c == '-';
}

int
ct_digest_parse (const char *digest, enum ct_digest_algo *algo, const char **hex, ct_error_t *err)
{
	const char *colon = strchr (digest, ':');
	const char *enc;
	size_t alen, i, n = CT_ARRAY_SIZE (algos);

	if (colon == NULL)
		return ct_make_error (err, EINVAL,
		                      "invalid digest `%s`: missing `:` between algorithm and encoded part", digest);
	alen = (size_t) (colon - digest);
	/* components separated by single separators, none empty */
	for (i = 0; i < alen; i++) {
		bool sep = is_separator (digest[i]);
		if (!sep && !is_component_char (digest[i]))
			break;
		if (sep && (i == 0 || i + 1 == alen || is_separator (digest[i - 1])))
			break;
	}
	if (alen == 0 || i < alen)
		return ct_make_error (err, EINVAL, "invalid digest `%s`: malformed algorithm", digest);
	enc = colon + 1;
	if (*enc == '\0')
		return ct_make_error (err, EINVAL, "invalid digest `%s`: empty encoded part", digest);
	for (const char *p = enc; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '=' ||
		      *p == '_' || *p == '-'))
			return ct_make_error (err, EINVAL, "invalid digest `%s`: malformed encoded part", digest);

	for (i = 0; i < n; i++)
		if (strlen (algos[i].name) == alen && memcmp (algos[i].name, digest, alen) == 0)
			break;
	if (i == n)
		return ct_make_error (err, ENOTSUP, "invalid digest `%s`: unsupported algorithm `%.*s`", digest,
		                      (int) alen, digest);
	if (strlen (enc) != algos[i].hex_len)
		return ct_make_error (err, EINVAL, "invalid digest `%s`: %s needs %zu hex characters, got %zu", digest,
		                      algos[i].name, algos[i].hex_len, strlen (enc));
	for (const char *p = enc; *p; p++)
		if (!((*p >= 'a' && *p <= 'f') || (*p >= '0' && *p <= '9')))
			return ct_make_error (err, EINVAL, "invalid digest `%s`: %s must be lowercase hex", digest,
			                      algos[i].name);
	if (algo)
		*algo = (enum ct_digest_algo) i;
	if (hex)
		*hex = enc;
	return 0;
}

char *
ct_digest_format (enum ct_digest_algo algo, const unsigned char *raw)
{
	static const char xdigits[] = "0123456789abcdef";
	size_t nraw = algos[algo].hex_len / 2;
	size_t nlen = strlen (algos[algo].name);
	char *out = xmalloc (nlen + 1 + 2 * nraw + 1);
	char *p = out;

	memcpy (p, algos[algo].name, nlen);
	p += nlen;
	*p++ = ':';
	for (size_t i = 0; i < nraw; i++) {
		*p++ = xdigits[raw[i] >> 4];
		*p++ = xdigits[raw[i] & 0xf];
	}
	*p = '\0';
	return out;
}

struct ct_digester *
ct_digest_init (enum ct_digest_algo algo, ct_error_t *err)
{
	struct ct_digester *d = xzalloc (sizeof *d);

	d->algo = algo;
	d->ctx = EVP_MD_CTX_new ();
	if (d->ctx == NULL || EVP_DigestInit_ex (d->ctx, evp_md (algo), NULL) != 1) {
		ct_digest_free (d);
		ct_make_error (err, 0, "initialise %s digest", algos[algo].name);
		return NULL;
	}
	return d;
}

int
ct_digest_update (struct ct_digester *d, const void *buf, size_t len, ct_error_t *err)
{
	if (d->ctx == NULL || EVP_DigestUpdate (d->ctx, buf, len) != 1)
		return ct_make_error (err, 0, "update %s digest", algos[d->algo].name);
	return 0;
}

char *
ct_digest_final (struct ct_digester *d, ct_error_t *err)
{
	unsigned char raw[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (d->ctx == NULL || EVP_DigestFinal_ex (d->ctx, raw, &n) != 1 || n != algos[d->algo].hex_len / 2) {
		ct_make_error (err, 0, "finish %s digest", algos[d->algo].name);
		return NULL;
	}
	EVP_MD_CTX_free (d->ctx);
	d->ctx = NULL;
	return ct_digest_format (d->algo, raw);
}

void
ct_digest_free (struct ct_digester *d)
{
	if (d == NULL)
		return;
	EVP_MD_CTX_free (d->ctx);
	free (d);
}

struct ct_digest_verifier *
ct_digest_verifier_new (const char *expected, int64_t expected_size, ct_error_t *err)
{
	enum ct_digest_algo algo;
	struct ct_digest_verifier *v;
	struct ct_digester *d;

	if (ct_digest_parse (expected, &algo, NULL, err) < 0)
		return NULL;
	d = ct_digest_init (algo, err);
	if (d == NULL)
		return NULL;
	v = xzalloc (sizeof *v);
	v->d = d;
	v->expected = xstrdup (expected);
	v->expected_size = expected_size;
	return v;
}

int
ct_digest_verifier_update (struct ct_digest_verifier *v, const void *buf, size_t len, ct_error_t *err)
{
	v->seen += len;
	if (v->expected_size >= 0 && v->seen > (uint64_t) v->expected_size)
		return ct_make_error (err, EINVAL, "size mismatch: expected %" PRId64 " bytes, got %" PRIu64,
		                      v->expected_size, v->seen);
	return ct_digest_update (v->d, buf, len, err);
}

int
ct_digest_verifier_finish (struct ct_digest_verifier *v, ct_error_t *err)
{
	cleanup_free char *got = NULL;

	if (v->expected_size >= 0 && v->seen != (uint64_t) v->expected_size)
		return ct_make_error (err, EINVAL, "size mismatch: expected %" PRId64 " bytes, got %" PRIu64,
		                      v->expected_size, v->seen);
	got = ct_digest_final (v->d, err);
	if (got == NULL)
		return -1;
	if (strcmp (got, v->expected) != 0)
		return ct_make_error (err, EINVAL, "digest mismatch: expected %s, got %s", v->expected, got);
	return 0;
}

void
ct_digest_verifier_free (struct ct_digest_verifier *v)
{
	if (v == NULL)
		return;
	ct_digest_free (v->d);
	free (v->expected);
	free (v);
}

struct ct_digest_reader *
ct_digest_reader_new (int fd, const char *expected, int64_t expected_size, ct_error_t *err)
{
	struct ct_digest_verifier *v = ct_digest_verifier_new (expected, expected_size, err);
	struct ct_digest_reader *r;

	if (v == NULL)
		return NULL;
	r = xzalloc (sizeof *r);
	r->fd = fd;
	r->v = v;
	return r;
}

ssize_t
ct_digest_reader_read (struct ct_digest_reader *r, void *buf, size_t len, ct_error_t *err)
{
	ssize_t n;

	if (r->done)
		return 0;
	do
		n = read (r->fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ct_make_error (err, errno, "read");
	if (n == 0 && len > 0) {
		if (ct_digest_verifier_finish (r->v, err) < 0)
			return -1;
		r->done = true;
		return 0;
	}
	if (ct_digest_verifier_update (r->v, buf, (size_t) n, err) < 0)
		return -1;
	return n;
}

int
ct_digest_reader_finish (struct ct_digest_reader *r, ct_error_t *err)
{
	char buf[65536];
	ssize_t n;

	while ((n = ct_digest_reader_read (r, buf, sizeof buf, err)) > 0)
		;
	return n < 0 ? -1 : 0;
}

void
ct_digest_reader_free (struct ct_digest_reader *r)
{
	if (r == NULL)
		return;
	ct_digest_verifier_free (r->v);
	free (r);
}

char *
ct_digest_buffer (enum ct_digest_algo algo, const void *buf, size_t len, ct_error_t *err)
{
	cleanup_digester struct ct_digester *d = ct_digest_init (algo, err);

	if (d == NULL || ct_digest_update (d, buf, len, err) < 0)
		return NULL;
	return ct_digest_final (d, err);
}

char *
ct_digest_fd (enum ct_digest_algo algo, int fd, ct_error_t *err)
{
	cleanup_digester struct ct_digester *d = ct_digest_init (algo, err);
	char buf[65536];

	if (d == NULL)
		return NULL;
	for (;;) {
		ssize_t n = read (fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ct_make_error (err, errno, "read");
			return NULL;
		}
		if (n == 0)
			break;
		if (ct_digest_update (d, buf, (size_t) n, err) < 0)
			return NULL;
	}
	return ct_digest_final (d, err);
}

char *
ct_digest_file_at (enum ct_digest_algo algo, int dirfd, const char *path, ct_error_t *err)
{
	cleanup_close int fd = openat (dirfd, path, O_RDONLY | O_CLOEXEC);
	char *out;

	if (fd < 0) {
		ct_make_error (err, errno, "open `%s`", path);
		return NULL;
	}
	out = ct_digest_fd (algo, fd, err);
	if (out == NULL)
		ct_error_wrap (err, "digest `%s`", path);
	return out;
}

int
ct_digest_verify_buffer (const char *expected, int64_t expected_size, const void *buf, size_t len, ct_error_t *err)
{
	cleanup_digest_verifier struct ct_digest_verifier *v = ct_digest_verifier_new (expected, expected_size, err);

	if (v == NULL)
		return -1;
	if (ct_digest_verifier_update (v, buf, len, err) < 0)
		return -1;
	return ct_digest_verifier_finish (v, err);
}
