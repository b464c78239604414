#include "common.h"

#include "ocispec/image.h"
#include "tap.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define D3 "sha256:3333333333333333333333333333333333333333333333333333333333333333"

static const char manifest_doc[] =
        "{\"schemaVersion\":2,\"mediaType\":\"" CT_MT_OCI_MANIFEST "\","
        "\"config\":{\"mediaType\":\"" CT_MT_OCI_CONFIG "\",\"digest\":\"" D1 "\",\"size\":10},"
        "\"layers\":[{\"mediaType\":\"" CT_MT_OCI_LAYER_GZIP "\",\"digest\":\"" D2 "\",\"size\":20,"
        "\"annotations\":{\"a\":\"b\"}}],"
        "\"annotations\":{\"org.opencontainers.image.created\":\"2026-01-01T00:00:00Z\"}}";

static int
test_manifest_round_trip (void)
{
	cleanup_manifest struct ct_manifest *m = NULL;
	cleanup_free char *out = NULL;
	ct_error_t err = NULL;
	size_t len;

	CHECK (ct_manifest_decode (manifest_doc, strlen (manifest_doc), "manifest", &m, &err) == 0);
	CHECK (m->schema_version == 2);
	CHECK_STR (m->config.digest, D1);
	CHECK (m->config.size == 10);
	CHECK (m->n_layers == 1);
	CHECK_STR (ct_descriptor_annotation (&m->layers[0], "a"), "b");
	CHECK (ct_manifest_encode (m, &out, &len, &err) == 0);
	/* The input is in the encoder's key order: same bytes back. */
	CHECK_STR (out, manifest_doc);
	CHECK (len == strlen (manifest_doc));
	return 0;
}

static int
test_index_round_trip (void)
{
	static const char doc[] = "{\"schemaVersion\":2,\"mediaType\":\"" CT_MT_OCI_INDEX "\",\"manifests\":["
	                          "{\"mediaType\":\"" CT_MT_OCI_MANIFEST "\",\"digest\":\"" D1 "\",\"size\":5,"
	                          "\"annotations\":{\"" CT_ANNOTATION_REF_NAME "\":\"app:1\"},"
	                          "\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}}]}";
	cleanup_index struct ct_index *ix = NULL;
	cleanup_free char *out = NULL;
	ct_error_t err = NULL;
	size_t len;

	CHECK (ct_index_decode (doc, strlen (doc), NULL, &ix, &err) == 0);
	CHECK (ix->n_manifests == 1);
	CHECK_STR (ix->manifests[0].platform->variant, "v8");
	CHECK (ct_index_encode (ix, &out, &len, &err) == 0);
	CHECK_STR (out, doc);
	return 0;
}

static int
test_config_round_trip (void)
{
	static const char doc[] =
	        "{\"created\":\"2026-01-01T00:00:00Z\",\"author\":\"me\",\"architecture\":\"amd64\",\"os\":\"linux\","
	        "\"config\":{\"User\":\"1000\",\"ExposedPorts\":{\"80/tcp\":{}},\"Env\":[\"PATH=/bin\"],"
	        "\"Entrypoint\":[],\"Cmd\":[\"sh\"],\"Volumes\":{\"/data\":{}},\"WorkingDir\":\"/w\","
	        "\"Labels\":{\"l\":\"v\"},\"StopSignal\":\"SIGTERM\"},"
	        "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D3 "\"]},"
	        "\"history\":[{\"created\":\"2026-01-01T00:00:00Z\",\"created_by\":\"/bin/sh -c x\",\"comment\":\"c\"},"
	        "{\"created_by\":\"ENV\",\"empty_layer\":true}]}";
	cleanup_image_config struct ct_image_config *c = NULL;
	cleanup_free char *out = NULL;
	ct_error_t err = NULL;
	size_t len;

	CHECK (ct_image_config_decode (doc, strlen (doc), "config", &c, &err) == 0);
	CHECK_STR (c->config.exposed_ports[0], "80/tcp");
	CHECK_STR (c->config.volumes[0], "/data");
	CHECK (c->config.entrypoint_present && c->config.entrypoint[0] == NULL);
	CHECK (c->config.cmd_present);
	CHECK_STR (ct_rt_map_get (&c->config.labels, "l"), "v");
	CHECK (c->n_history == 2 && c->history[1].empty_layer);
	CHECK_STR (c->diff_ids[0], D3);
	CHECK (ct_image_config_encode (c, &out, &len, &err) == 0);
	CHECK_STR (out, doc);
	return 0;
}

static int
test_config_null_entrypoint (void)
{
	static const char doc[] = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Entrypoint\":null},"
	                          "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
	cleanup_image_config struct ct_image_config *c = NULL;
	cleanup_free char *out = NULL;
	ct_error_t err = NULL;

	CHECK (ct_image_config_decode (doc, strlen (doc), NULL, &c, &err) == 0);
	CHECK (!c->config.entrypoint_present && !c->config.cmd_present);
	CHECK (ct_image_config_encode (c, &out, NULL, &err) == 0);
	CHECK_STR (out, "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},"
	                "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");
	return 0;
}

/* Each error names the document and the JSON path. */
static int
expect_manifest_error (const char *doc, const char *needle)
{
	struct ct_manifest *m = NULL;
	ct_error_t err = NULL;

	CHECK (ct_manifest_decode (doc, strlen (doc), "manifest X", &m, &err) < 0);
	CHECK (m == NULL);
	CHECK (strncmp (err->msg, "manifest X: ", 12) == 0);
	CHECK_ERR (err, needle);
	ct_error_release (&err);
	return 0;
}

static int
test_manifest_errors (void)
{
	static const char cfg[] =
	        "\"config\":{\"mediaType\":\"" CT_MT_OCI_CONFIG "\",\"digest\":\"" D1 "\",\"size\":1}";

	CHECK (expect_manifest_error ("{\"schemaVersion\":1,"
	                              "\"layers\":[]}",
	                              "`schemaVersion`: must be 2, not 1") == 0);
	CHECK (expect_manifest_error ("{\"layers\":[]}", "`schemaVersion`: required") == 0);
	CHECK (expect_manifest_error ("{\"schemaVersion\":2,\"layers\":[]}", "`config`: required") == 0);
	CHECK (expect_manifest_error (
	               "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"a/b\",\"digest\":\"sha256:xyz\","
	               "\"size\":1},\"layers\":[]}",
	               "`config.digest`: invalid digest `sha256:xyz`") == 0);
	CHECK (expect_manifest_error ("{\"schemaVersion\":2,"
	                              "\"config\":{\"mediaType\":\"a/b\",\"digest\":\"" D1
	                              "\",\"size\":-1},\"layers\":[]}",
	                              "`config.size`: not a non-negative int64") == 0);
	{
		char doc[1024];
		snprintf (doc, sizeof doc,
		          "{\"schemaVersion\":2,%s,\"layers\":[{\"mediaType\":\"a/b\",\"digest\":\"" D1
		          "\",\"size\":1},{\"mediaType\":\"not a type\",\"digest\":\"" D1 "\",\"size\":1}]}",
		          cfg);
		CHECK (expect_manifest_error (doc, "`layers[1].mediaType`: invalid media type `not a type`") == 0);
		snprintf (doc, sizeof doc,
		          "{\"schemaVersion\":2,%s,\"layers\":[{\"mediaType\":\"a/b\",\"digest\":\"" D1 "\"}]}", cfg);
		CHECK (expect_manifest_error (doc, "`layers[0].size`: required") == 0);
		snprintf (doc, sizeof doc,
		          "{\"schemaVersion\":2,\"mediaType\":\"" CT_MT_OCI_INDEX "\",%s,\"layers\":[]}", cfg);
		CHECK (expect_manifest_error (doc, "`mediaType`: `" CT_MT_OCI_INDEX "` is not an image manifest") == 0);
		/* data must match the digest ("aGk=" is "hi") */
		snprintf (doc, sizeof doc,
		          "{\"schemaVersion\":2,%s,\"layers\":[{\"mediaType\":\"a/b\",\"digest\":\"" D1
		          "\",\"size\":2,\"data\":\"aGk=\"}]}",
		          cfg);
		CHECK (expect_manifest_error (doc, "`layers[0].data`: digest mismatch") == 0);
	}
	CHECK (expect_manifest_error ("[1]", "not a JSON object") == 0);
	CHECK (expect_manifest_error ("{", "invalid JSON") == 0);
	return 0;
}

static int
test_data_ok (void)
{
	/* sha256("hi") */
	static const char doc[] =
	        "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"" CT_MT_OCI_EMPTY "\",\"digest\":\"sha256:"
	        "8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4\","
	        "\"size\":2,\"data\":\"aGk=\"},\"layers\":[]}";
	cleanup_manifest struct ct_manifest *m = NULL;
	ct_error_t err = NULL;

	CHECK (ct_manifest_decode (doc, strlen (doc), NULL, &m, &err) == 0);
	CHECK (m->media_type == NULL);
	return 0;
}

static int
test_too_large (void)
{
	cleanup_free char *big = xmalloc (CT_IMAGE_MAX_DOC + 2);
	struct ct_index *ix = NULL;
	ct_error_t err = NULL;

	memset (big, ' ', CT_IMAGE_MAX_DOC + 1);
	big[CT_IMAGE_MAX_DOC + 1] = '\0';
	CHECK (ct_index_decode (big, CT_IMAGE_MAX_DOC + 1, "index", &ix, &err) < 0);
	CHECK_ERR (err, "too large");
	ct_error_release (&err);
	return 0;
}

static int
test_config_errors (void)
{
	cleanup_image_config struct ct_image_config *c = NULL;
	ct_error_t err = NULL;
	static const char no_rootfs[] = "{\"architecture\":\"amd64\",\"os\":\"linux\"}";
	static const char bad_type[] = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"x\","
	                               "\"diff_ids\":[]}}";
	static const char bad_port[] = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"ExposedPorts\":"
	                               "{\"80/tcp\":1}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
	static const char bad_diff[] = "{\"architecture\":\"amd64\",\"os\":\"linux\","
	                               "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D1 "\",\"md5:x\"]}}";

	CHECK (ct_image_config_decode ("{\"os\":\"linux\"}", 14, "config", &c, &err) < 0);
	CHECK_ERR (err, "config: `architecture`: required");
	ct_error_release (&err);
	CHECK (ct_image_config_decode (no_rootfs, strlen (no_rootfs), NULL, &c, &err) < 0);
	CHECK_ERR (err, "`rootfs`: required");
	ct_error_release (&err);
	CHECK (ct_image_config_decode (bad_type, strlen (bad_type), NULL, &c, &err) < 0);
	CHECK_ERR (err, "`rootfs.type`: must be `layers`");
	ct_error_release (&err);
	CHECK (ct_image_config_decode (bad_port, strlen (bad_port), NULL, &c, &err) < 0);
	CHECK_ERR (err, "`config.ExposedPorts.80/tcp`: not an object");
	ct_error_release (&err);
	CHECK (ct_image_config_decode (bad_diff, strlen (bad_diff), NULL, &c, &err) < 0);
	CHECK_ERR (err, "`rootfs.diff_ids[1]`: invalid digest");
	ct_error_release (&err);
	return 0;
}

static int
test_docker_conversion (void)
{
	static const char doc[] =
	        "{\"schemaVersion\":2,\"mediaType\":\"" CT_MT_DOCKER_MANIFEST "\","
	        "\"config\":{\"mediaType\":\"" CT_MT_DOCKER_CONFIG "\",\"digest\":\"" D1 "\",\"size\":10},"
	        "\"layers\":[{\"mediaType\":\"" CT_MT_DOCKER_LAYER_GZIP "\",\"digest\":\"" D2 "\",\"size\":20},"
	        "{\"mediaType\":\"" CT_MT_DOCKER_LAYER_FOREIGN "\",\"digest\":\"" D3 "\",\"size\":30,"
	        "\"urls\":[\"https://x/y\"]}]}";
	static const char list[] = "{\"schemaVersion\":2,\"mediaType\":\"" CT_MT_DOCKER_LIST "\",\"manifests\":["
	                           "{\"mediaType\":\"" CT_MT_DOCKER_MANIFEST "\",\"digest\":\"" D1 "\",\"size\":5,"
	                           "\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}";
	cleanup_manifest struct ct_manifest *m = NULL;
	cleanup_manifest struct ct_manifest *oci = NULL;
	cleanup_index struct ct_index *ix = NULL;
	ct_error_t err = NULL;
	bool changed = false;

	CHECK (ct_manifest_decode (doc, strlen (doc), NULL, &m, &err) == 0);
	CHECK (ct_manifest_to_oci (m, &changed, &err) == 0);
	CHECK (changed);
	CHECK_STR (m->media_type, CT_MT_OCI_MANIFEST);
	CHECK_STR (m->config.media_type, CT_MT_OCI_CONFIG);
	CHECK_STR (m->config.digest, D1);
	CHECK_STR (m->layers[0].media_type, CT_MT_OCI_LAYER_GZIP);
	CHECK_STR (m->layers[0].digest, D2);
	CHECK (m->layers[0].size == 20);
	CHECK_STR (m->layers[1].media_type, CT_MT_OCI_LAYER_ND_GZIP);
	CHECK_STR (m->layers[1].digest, D3);
	CHECK_STR (m->layers[1].urls[0], "https://x/y");
	/* Already OCI: nothing to do. */
	CHECK (ct_manifest_decode (manifest_doc, strlen (manifest_doc), NULL, &oci, &err) == 0);
	CHECK (ct_manifest_to_oci (oci, &changed, &err) == 0);
	CHECK (!changed);

	CHECK (ct_index_decode (list, strlen (list), NULL, &ix, &err) == 0);
	CHECK (ct_index_to_oci (ix, &changed, &err) == 0);
	CHECK (changed);
	CHECK_STR (ix->media_type, CT_MT_OCI_INDEX);
	CHECK_STR (ix->manifests[0].media_type, CT_MT_OCI_MANIFEST);
	CHECK_STR (ix->manifests[0].digest, D1);
	CHECK_STR (ix->manifests[0].platform->architecture, "amd64");
	return 0;
}

static int
test_sniff_and_kind (void)
{
	cleanup_free char *a = ct_image_sniff_media_type ("{\"manifests\":[]}", 16);
	cleanup_free char *b = ct_image_sniff_media_type ("{\"config\":{}}", 13);
	cleanup_free char *c = ct_image_sniff_media_type ("{\"mediaType\":\"x/y\"}", 19);
	cleanup_free char *d = ct_image_sniff_media_type ("{}", 2);

	CHECK_STR (a, CT_MT_OCI_INDEX);
	CHECK_STR (b, CT_MT_OCI_MANIFEST);
	CHECK_STR (c, "x/y");
	CHECK (d == NULL);
	CHECK (ct_image_doc_kind (CT_MT_DOCKER_LIST) == CT_DOC_INDEX);
	CHECK (ct_image_doc_kind (CT_MT_DOCKER_MANIFEST) == CT_DOC_MANIFEST);
	CHECK (ct_image_doc_kind (CT_MT_OCI_CONFIG) == CT_DOC_UNKNOWN);
	CHECK (ct_image_layer_type_known (CT_MT_OCI_LAYER_ZSTD));
	CHECK (ct_image_layer_type_known (CT_MT_DOCKER_LAYER_GZIP));
	CHECK (!ct_image_layer_type_known ("application/octet-stream"));
	return 0;
}

static int
test_platforms (void)
{
	struct ct_platform p = { 0 }, host = { 0 }, have = { 0 };
	cleanup_free char *s = NULL;
	cleanup_free char *hs = NULL;
	ct_error_t err = NULL;

	CHECK (ct_platform_parse ("linux/aarch64", &p, &err) == 0);
	CHECK_STR (p.architecture, "arm64");
	CHECK (p.variant == NULL);
	s = ct_platform_format (&p);
	CHECK_STR (s, "linux/arm64");
	have.os = (char *) "linux";
	have.architecture = (char *) "arm64";
	CHECK (ct_platform_match (&have, &p));
	ct_platform_clear (&p);
	CHECK (ct_platform_parse ("linux/arm64/v8", &p, &err) == 0);
	CHECK (ct_platform_match (&have, &p)); /* no variant is v8 on arm64 */
	have.variant = (char *) "v9";
	CHECK (!ct_platform_match (&have, &p));
	ct_platform_clear (&p);
	CHECK (ct_platform_parse ("linux/arm/v7", &p, &err) == 0);
	have.architecture = (char *) "arm";
	have.variant = NULL;
	CHECK (!ct_platform_match (&have, &p));
	ct_platform_clear (&p);
	CHECK (ct_platform_parse ("linux", &p, &err) < 0);
	CHECK_ERR (err, "invalid platform `linux`");
	ct_error_release (&err);
	CHECK (ct_platform_parse ("linux/amd64/v1/x", &p, &err) < 0);
	ct_error_release (&err);
	CHECK (ct_platform_parse ("linux//v1", &p, &err) < 0);
	ct_error_release (&err);
	ct_platform_host (&host);
	CHECK_STR (host.os, "linux");
	hs = ct_platform_format (&host);
#if defined(__x86_64__)
	CHECK_STR (hs, "linux/amd64");
#elif defined(__aarch64__)
	CHECK_STR (hs, "linux/arm64/v8");
#endif
	ct_platform_clear (&host);
	return 0;
}

static int
test_descriptor_copy (void)
{
	struct ct_descriptor a = { 0 }, b = { 0 };

	a.media_type = xstrdup (CT_MT_OCI_MANIFEST);
	a.digest = xstrdup (D1);
	a.size = 3;
	ct_descriptor_set_annotation (&a, "k", "v");
	ct_descriptor_set_annotation (&a, "k", "w");
	a.platform = xzalloc (sizeof *a.platform);
	a.platform->os = xstrdup ("linux");
	ct_descriptor_copy (&b, &a);
	ct_descriptor_clear (&a);
	CHECK_STR (b.digest, D1);
	CHECK_STR (ct_descriptor_annotation (&b, "k"), "w");
	CHECK (b.annotations.n == 1);
	CHECK_STR (b.platform->os, "linux");
	ct_descriptor_clear (&b);
	return 0;
}

static const struct tap_test tests[] = {
	TAP_TEST (test_manifest_round_trip), TAP_TEST (test_index_round_trip),
	TAP_TEST (test_config_round_trip),   TAP_TEST (test_config_null_entrypoint),
	TAP_TEST (test_manifest_errors),     TAP_TEST (test_data_ok),
	TAP_TEST (test_too_large),           TAP_TEST (test_config_errors),
	TAP_TEST (test_docker_conversion),   TAP_TEST (test_sniff_and_kind),
	TAP_TEST (test_platforms),           TAP_TEST (test_descriptor_copy),
};

int
main (void)
{
	return tap_run (tests, TAP_COUNT (tests));
}
