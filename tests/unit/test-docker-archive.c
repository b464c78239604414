#include "common.h"

#include "ocispec/docker-archive.h"
#include "strv.h"
#include "tap.h"

static int
test_manifest_round_trip (void)
{
	const char *doc =
	        "[{\"Config\":\"c.json\",\"RepoTags\":[\"a:1\",\"b:2\"],\"Layers\":[\"l1/layer.tar\",\"l2.tar\"],"
	        "\"Unknown\":1},{\"Config\":\"d.json\",\"RepoTags\":null,\"Layers\":[]}]";
	struct ct_docker_archive_entry *e = NULL;
	cleanup_free char *out = NULL;
	size_t n = 0, len;
	ct_error_t err = NULL;
	int ret = -1;

	CHECK (ct_docker_archive_manifest_decode (doc, strlen (doc), "manifest.json", &e, &n, &err) == 0);
	if (n != 2 || strcmp (e[0].config, "c.json") != 0 || ct_strv_len (e[0].repo_tags) != 2 ||
	    strcmp (e[0].repo_tags[1], "b:2") != 0 || e[0].n_layers != 2 ||
	    strcmp (e[0].layers[0], "l1/layer.tar") != 0 || e[1].repo_tags != NULL || e[1].n_layers != 0)
		goto out;
	if (ct_docker_archive_manifest_encode (e, n, &out, &len, &err) < 0)
		goto out;
	if (strcmp (out,
	            "[{\"Config\":\"c.json\",\"RepoTags\":[\"a:1\",\"b:2\"],\"Layers\":[\"l1/layer.tar\",\"l2.tar\"]},"
	            "{\"Config\":\"d.json\",\"RepoTags\":[],\"Layers\":[]}]") != 0) {
		printf ("# encoded: %s\n", out);
		goto out;
	}
	ret = 0;
out:
	ct_docker_archive_entries_free (e, n);
	return ret;
}

static int
test_manifest_errors (void)
{
	static const struct {
		const char *doc, *needle;
	} cases[] = {
		{ "{}", "manifest.json: not a JSON array" },
		{ "[1]", "manifest.json: `[0]`: not an object" },
		{ "[{\"Layers\":[]}]", "`[0].Config`: required" },
		{ "[{\"Config\":\"c\"}]", "`[0].Layers`: required" },
		{ "[{\"Config\":\"c\",\"Layers\":[1]}]", "`[0].Layers[0]`: not a string" },
		{ "[{\"Config\":7,\"Layers\":[]}]", "`[0].Config`" },
		{ "[", "manifest.json: invalid JSON" },
	};
	for (size_t i = 0; i < CT_ARRAY_SIZE (cases); i++) {
		struct ct_docker_archive_entry *e = NULL;
		size_t n = 0;
		ct_error_t err = NULL;
		int r = ct_docker_archive_manifest_decode (cases[i].doc, strlen (cases[i].doc), "manifest.json", &e, &n,
		                                           &err);
		CHECK (r < 0);
		CHECK (e == NULL);
		CHECK_ERR (err, cases[i].needle);
		ct_error_release (&err);
	}
	return 0;
}

static int
test_oci_layout_and_repositories (void)
{
	ct_error_t err = NULL;
	cleanup_free char *out = NULL;
	size_t len;

	CHECK (ct_oci_layout_check (ct_oci_layout_doc, strlen (ct_oci_layout_doc), "oci-layout", &err) == 0);
	CHECK (ct_oci_layout_check ("{\"imageLayoutVersion\":\"1.1.0\"}", 30, "oci-layout", &err) == 0);
	CHECK (ct_oci_layout_check ("{\"imageLayoutVersion\":\"2.0.0\"}", 30, "oci-layout", &err) < 0);
	CHECK_ERR (err, "oci-layout: unsupported imageLayoutVersion `2.0.0` (1.x expected)");
	ct_error_release (&err);
	CHECK (ct_oci_layout_check ("{}", 2, "oci-layout", &err) < 0);
	CHECK_ERR (err, "`imageLayoutVersion`: required");
	ct_error_release (&err);

	CHECK (ct_docker_archive_repositories_encode ("localhost:5000/app", "1", "abc", &out, &len, &err) == 0);
	CHECK_STR (out, "{\"localhost:5000/app\":{\"1\":\"abc\"}}");
	CHECK (len == strlen (out));
	return 0;
}

int
main (void)
{
	static const struct tap_test tests[] = {
		TAP_TEST (test_manifest_round_trip),
		TAP_TEST (test_manifest_errors),
		TAP_TEST (test_oci_layout_and_repositories),
	};
	return tap_run (tests, TAP_COUNT (tests));
}
