#include "common.h"

#include "ref.h"
#include "tap.h"

/* Parse s, expecting success. */
static int
parse_ok (const char *s, struct ct_ref *r)
{
	ct_error_t err = NULL;

	if (ct_ref_parse (s, r, &err) < 0) {
		printf ("# `%s`: unexpected error: %s\n", s, err->msg);
		ct_error_release (&err);
		return -1;
	}
	return 0;
}

/* Parse s, expecting an error containing needle. */
static int
parse_fails (const char *s, const char *needle)
{
	struct ct_ref r = { 0 };
	ct_error_t err = NULL;

	if (ct_ref_parse (s, &r, &err) == 0) {
		printf ("# `%s`: parsed, expected an error with \"%s\"\n", s, needle);
		ct_ref_clear (&r);
		return -1;
	}
	if (strstr (err->msg, needle) == NULL) {
		printf ("# `%s`: error \"%s\", expected \"%s\"\n", s, err->msg, needle);
		ct_error_release (&err);
		return -1;
	}
	/* Every error names what was given. */
	if (*s != '\0' && strstr (err->msg, s) == NULL) {
		printf ("# `%s`: error \"%s\" does not name the reference\n", s, err->msg);
		ct_error_release (&err);
		return -1;
	}
	ct_error_release (&err);
	return 0;
}

#define CHECK_NULL(x) CHECK ((x) == NULL)

static int
check_docker (const char *s, const char *host, const char *repo, const char *tag, const char *digest, const char *full)
{
	struct ct_ref r = { 0 };
	cleanup_free char *name = NULL;
	int ret = -1;

	if (parse_ok (s, &r) < 0)
		return -1;
	name = ct_ref_docker_name (&r);
	if (r.transport == CT_TRANSPORT_DOCKER && strcmp (r.text, s) == 0 && strcmp (r.host, host) == 0 &&
	    strcmp (r.repository, repo) == 0 &&
	    (tag == NULL ? r.tag == NULL : r.tag != NULL && strcmp (r.tag, tag) == 0) &&
	    (digest == NULL ? r.digest == NULL : r.digest != NULL && strcmp (r.digest, digest) == 0) &&
	    strcmp (name, full) == 0 && r.path == NULL)
		ret = 0;
	else
		printf ("# `%s`: host=%s repo=%s tag=%s digest=%s name=%s\n", s, r.host, r.repository,
		        r.tag ? r.tag : "(null)", r.digest ? r.digest : "(null)", name);
	ct_ref_clear (&r);
	return ret;
}

#define D64 "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static int
test_docker_valid (void)
{
	CHECK (check_docker ("docker://localhost:5000/app:1", "localhost:5000", "app", "1", NULL,
	                     "localhost:5000/app:1") == 0);
	CHECK (check_docker ("docker://localhost/app", "localhost", "app", "latest", NULL, "localhost/app:latest") ==
	       0);
	CHECK (check_docker ("docker://quay.io/org/sub/app:v1.2-rc_3", "quay.io", "org/sub/app", "v1.2-rc_3", NULL,
	                     "quay.io/org/sub/app:v1.2-rc_3") == 0);
	CHECK (check_docker ("docker://docker.io/debian:12", "docker.io", "library/debian", "12", NULL,
	                     "docker.io/library/debian:12") == 0);
	CHECK (check_docker ("docker://index.docker.io/user/app", "docker.io", "user/app", "latest", NULL,
	                     "docker.io/user/app:latest") == 0);
	CHECK (check_docker ("docker://127.0.0.1:5000/a.b_c__d---e/f:TAG", "127.0.0.1:5000", "a.b_c__d---e/f", "TAG",
	                     NULL, "127.0.0.1:5000/a.b_c__d---e/f:TAG") == 0);
	CHECK (check_docker ("docker://[::1]:5000/app:1", "[::1]:5000", "app", "1", NULL, "[::1]:5000/app:1") == 0);
	CHECK (check_docker ("docker://Registry.Example.COM/app:_x", "Registry.Example.COM", "app", "_x", NULL,
	                     "Registry.Example.COM/app:_x") == 0);
	CHECK (check_docker ("docker://localhost:5000/app@" D64, "localhost:5000", "app", NULL, D64,
	                     "localhost:5000/app@" D64) == 0);
	/* Tag and digest: the digest wins in the name. */
	CHECK (check_docker ("docker://localhost:5000/app:1@" D64, "localhost:5000", "app", "1", D64,
	                     "localhost:5000/app@" D64) == 0);
	return 0;
}

static int
test_docker_api_host (void)
{
	struct ct_ref r = { 0 };

	CHECK (parse_ok ("docker://docker.io/alpine", &r) == 0);
	CHECK_STR (ct_ref_api_host (&r), "registry-1.docker.io");
	ct_ref_clear (&r);
	CHECK (parse_ok ("docker://localhost:5000/alpine", &r) == 0);
	CHECK_STR (ct_ref_api_host (&r), "localhost:5000");
	ct_ref_clear (&r);
	return 0;
}

static int
test_docker_no_host (void)
{
	CHECK (parse_fails ("docker://app:1",
	                    "`docker://app:1`: no registry host; write it in full, e.g. "
	                    "docker://docker.io/library/app:1 or docker://localhost:5000/app:1") == 0);
	CHECK (parse_fails ("docker://user/app",
	                    "e.g. docker://docker.io/user/app or docker://localhost:5000/user/app") == 0);
	CHECK (parse_fails ("docker://alpine", "no registry host") == 0);
	CHECK (parse_fails ("docker://localhost:5000", "no registry host") == 0);
	CHECK (parse_fails ("docker://", "no image named after `docker://`") == 0);
	return 0;
}

static int
test_docker_invalid (void)
{
	CHECK (parse_fails ("docker://localhost:5000/App:1", "invalid repository `App`") == 0);
	CHECK (parse_fails ("docker://localhost:5000/a..b", "invalid repository `a..b`") == 0);
	CHECK (parse_fails ("docker://localhost:5000/a___b", "invalid repository") == 0);
	CHECK (parse_fails ("docker://localhost:5000/-a", "invalid repository") == 0);
	CHECK (parse_fails ("docker://localhost:5000/a-", "invalid repository") == 0);
	CHECK (parse_fails ("docker://localhost:5000/a//b", "invalid repository") == 0);
	CHECK (parse_fails ("docker://localhost:5000/a/", "invalid repository") == 0);
	CHECK (parse_fails ("docker://localhost:5000/", "invalid repository ``") == 0);
	CHECK (parse_fails ("docker://localhost:5000/a b", "invalid repository") == 0);
	CHECK (parse_fails ("docker://localhost:5000/app:", "invalid tag ``") == 0);
	CHECK (parse_fails ("docker://localhost:5000/app:-x", "invalid tag `-x`") == 0);
	CHECK (parse_fails ("docker://localhost:5000/app:.x", "invalid tag") == 0);
	CHECK (parse_fails ("docker://localhost:5000/app:a/b", "invalid repository") == 0);
	CHECK (parse_fails ("docker://localhost:5000/app:x!y", "invalid tag") == 0);
	CHECK (parse_fails ("docker://localhost:5000/app@sha256:abc", "invalid digest `sha256:abc`") == 0);
	CHECK (parse_fails ("docker://localhost:5000/app@md5:0123456789abcdef0123456789abcdef", "invalid digest") == 0);
	CHECK (parse_fails ("docker://localhost:5000/app@", "invalid digest") == 0);
	CHECK (parse_fails ("docker://local_host:5000/app", "invalid registry host `local_host:5000`") == 0);
	CHECK (parse_fails ("docker://localhost:50a0/app", "invalid registry host") == 0);
	CHECK (parse_fails ("docker://localhost:/app", "invalid registry host") == 0);
	CHECK (parse_fails ("docker://-a.com/app", "invalid registry host") == 0);
	CHECK (parse_fails ("docker://a..com/app", "invalid registry host") == 0);
	CHECK (parse_fails ("docker://[zz]:5000/app", "invalid registry host") == 0);
	{
		/* 128 characters of tag are fine, 129 are not. */
		char buf[200];
		char tag[130];
		memset (tag, 'a', 129);
		tag[129] = '\0';
		snprintf (buf, sizeof buf, "docker://localhost/app:%s", tag);
		CHECK (parse_fails (buf, "invalid tag") == 0);
		tag[128] = '\0';
		snprintf (buf, sizeof buf, "docker://localhost/app:%s", tag);
		CHECK (check_docker (buf, "localhost", "app", tag, NULL, buf + strlen ("docker://")) == 0);
	}
	{
		/* host/repository at most 255 characters. */
		char buf[400];
		char repo[260];
		memset (repo, 'a', 250);
		repo[250] = '\0';
		snprintf (buf, sizeof buf, "docker://localhost/%s", repo);
		CHECK (parse_fails (buf, "longer than 255 characters") == 0);
	}
	return 0;
}

static int
test_oci (void)
{
	struct ct_ref r = { 0 };

	CHECK (parse_ok ("oci:/tmp/layout", &r) == 0);
	CHECK (r.transport == CT_TRANSPORT_OCI);
	CHECK_STR (r.path, "/tmp/layout");
	CHECK_NULL (r.name);
	ct_ref_clear (&r);

	/* The path ends at the first ':' (as skopeo): the rest is the ref.name. */
	CHECK (parse_ok ("oci:./dir:localhost:5000/app:1", &r) == 0);
	CHECK_STR (r.path, "./dir");
	CHECK_STR (r.name, "localhost:5000/app:1");
	ct_ref_clear (&r);

	CHECK (parse_ok ("oci:dir:Latest", &r) == 0);
	CHECK_STR (r.name, "Latest");
	ct_ref_clear (&r);

	CHECK (parse_ok ("oci-archive:/tmp/a.tar:app:1", &r) == 0);
	CHECK (r.transport == CT_TRANSPORT_OCI_ARCHIVE);
	CHECK_STR (r.path, "/tmp/a.tar");
	CHECK_STR (r.name, "app:1");
	ct_ref_clear (&r);

	CHECK (parse_ok ("oci-archive:-", &r) == 0);
	CHECK_STR (r.path, "-");
	ct_ref_clear (&r);

	CHECK (parse_fails ("oci:", "`oci:`: no directory after `oci:`") == 0);
	CHECK (parse_fails ("oci::x", "no directory") == 0);
	CHECK (parse_fails ("oci-archive:", "no file after `oci-archive:`") == 0);
	CHECK (parse_fails ("oci:-", "works for archives only") == 0);
	CHECK (parse_fails ("oci:dir:", "empty reference after `dir:`") == 0);
	CHECK (parse_fails ("oci:dir:a b", "invalid reference `a b`") == 0);
	CHECK (parse_fails ("oci:dir:a//b", "invalid reference") == 0);
	CHECK (parse_fails ("oci:dir:-a", "invalid reference") == 0);
	CHECK (parse_fails ("oci:dir:a:", "invalid reference") == 0);
	return 0;
}

static int
test_docker_archive (void)
{
	struct ct_ref r = { 0 };

	CHECK (parse_ok ("docker-archive:/tmp/x.tar", &r) == 0);
	CHECK (r.transport == CT_TRANSPORT_DOCKER_ARCHIVE);
	CHECK_STR (r.path, "/tmp/x.tar");
	CHECK_NULL (r.name);
	ct_ref_clear (&r);

	CHECK (parse_ok ("docker-archive:x.tar:busybox:1", &r) == 0);
	CHECK_STR (r.name, "busybox:1");
	ct_ref_clear (&r);

	CHECK (parse_ok ("docker-archive:x.tar:localhost:5000/app:1", &r) == 0);
	CHECK_STR (r.path, "x.tar");
	CHECK_STR (r.name, "localhost:5000/app:1");
	ct_ref_clear (&r);

	CHECK (parse_ok ("docker-archive:x.tar:@12", &r) == 0);
	CHECK_STR (r.name, "@12");
	ct_ref_clear (&r);

	CHECK (parse_fails ("docker-archive:x.tar:@", "invalid archive entry `@`: expected @N") == 0);
	CHECK (parse_fails ("docker-archive:x.tar:@1x", "invalid archive entry") == 0);
	CHECK (parse_fails ("docker-archive:x.tar:app@" D64, "by tag, not by digest") == 0);
	CHECK (parse_fails ("docker-archive:x.tar:App:1", "invalid repository `App`") == 0);
	return 0;
}

static int
test_store (void)
{
	struct ct_ref r = { 0 };

	CHECK (parse_ok ("app", &r) == 0);
	CHECK (r.transport == CT_TRANSPORT_STORE);
	CHECK_STR (r.name, "app");
	CHECK_STR (r.text, "app");
	CHECK_NULL (r.path);
	CHECK_NULL (r.host);
	ct_ref_clear (&r);

	/* A host and port, a tag, a digest: still the store without a transport. */
	CHECK (parse_ok ("localhost:5000/app:1", &r) == 0);
	CHECK (r.transport == CT_TRANSPORT_STORE);
	CHECK_STR (r.name, "localhost:5000/app:1");
	ct_ref_clear (&r);

	CHECK (parse_ok ("app@" D64, &r) == 0);
	CHECK_STR (r.name, "app@" D64);
	ct_ref_clear (&r);

	/* "docker:" without "//" is no transport: an image named docker. */
	CHECK (parse_ok ("docker:latest", &r) == 0);
	CHECK (r.transport == CT_TRANSPORT_STORE);
	ct_ref_clear (&r);

	CHECK (parse_fails ("", "empty image name") == 0);
	CHECK (parse_fails ("a b", "`a b`: invalid image name") == 0);
	CHECK (parse_fails ("/abs", "invalid image name") == 0);
	CHECK (parse_fails ("app:", "invalid image name") == 0);
	CHECK (parse_fails ("a..b", "invalid image name") == 0);
	return 0;
}

int
main (void)
{
	static const struct tap_test tests[] = {
		TAP_TEST (test_docker_valid),
		TAP_TEST (test_docker_api_host),
		TAP_TEST (test_docker_no_host),
		TAP_TEST (test_docker_invalid),
		TAP_TEST (test_oci),
		TAP_TEST (test_docker_archive),
		TAP_TEST (test_store),
	};
	return tap_run (tests, TAP_COUNT (tests));
}
