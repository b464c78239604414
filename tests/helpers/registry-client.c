/* registry-client: drives imagetool/registry.c for tests/imagetool/registry.bats
   (the pull/push commands are written on top of it elsewhere).

     registry-client [OPTIONS] ping HOST
     registry-client [OPTIONS] get-manifest HOST REPO REF
         prints the digest, the media type and the size, one per line
     registry-client [OPTIONS] get-blob HOST REPO DIGEST:SIZE MAX
         writes the (verified) blob to stdout
     registry-client [OPTIONS] fetch LAYOUT HOST REPO DIGEST:SIZE...
     registry-client [OPTIONS] pull LAYOUT HOST REPO REF
         manifest (must be one, not an index), its config and layers into
         LAYOUT; the manifest blob too; prints the manifest digest
     registry-client [OPTIONS] push LAYOUT HOST REPO MANIFEST-DIGEST TAG
         config, layers, then the manifest under TAG

   OPTIONS: --tls-verify=true|false, --cert-dir DIR, --parallel N,
   --mount-from REPO, --user USER, --pass PASS, --debug (log records on
   stderr), -q (no progress).
   Errors: one line on stderr, exit 1. */
#include "common.h"

#include <getopt.h>

#include "log.h"
#include "ocispec/image.h"
#include "progress.h"
#include "registry.h"
#include "store.h"

static int
fail (ct_error_t *err)
{
	char *s = ct_error_string (*err);

	fprintf (stderr, "registry-client: %s\n", s);
	free (s);
	ct_error_release (err);
	return 1;
}

static int
parse_blob_arg (const char *arg, struct ct_descriptor *d)
{
	const char *colon = strrchr (arg, ':');
	char *end;

	memset (d, 0, sizeof *d);
	if (colon == NULL || strchr (arg, ':') == colon)
		return -1;
	d->digest = xstrndup (arg, (size_t) (colon - arg));
	d->media_type = xstrdup ("application/octet-stream");
	d->size = strtoll (colon + 1, &end, 10);
	return *end == '\0' ? 0 : -1;
}

static int
manifest_blobs (const char *buf, size_t len, struct ct_descriptor **out, size_t *n, ct_error_t *err)
{
	cleanup_manifest struct ct_manifest *m = NULL;
	struct ct_descriptor *v;

	if (ct_manifest_decode (buf, len, "manifest", &m, err) < 0)
		return -1;
	v = xcalloc (m->n_layers + 1, sizeof *v);
	ct_descriptor_copy (&v[0], &m->config);
	for (size_t i = 0; i < m->n_layers; i++)
		ct_descriptor_copy (&v[i + 1], &m->layers[i]);
	*out = v;
	*n = m->n_layers + 1;
	return 0;
}

static void
free_blobs (struct ct_descriptor *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ct_descriptor_clear (&v[i]);
	free (v);
}

int
main (int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tls-verify", required_argument, NULL, 't' },
		{ "cert-dir", required_argument, NULL, 'c' },
		{ "parallel", required_argument, NULL, 'j' },
		{ "mount-from", required_argument, NULL, 'm' },
		{ "user", required_argument, NULL, 'u' },
		{ "pass", required_argument, NULL, 'p' },
		{ "debug", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	struct ct_registry_opts ro = { .tls_verify = -1, .op = "pull" };
	const char *mount_from = NULL;
	bool quiet = false;
	ct_error_t err = NULL;
	cleanup_registry struct ct_registry *r = NULL;
	struct ct_progress *progress = NULL;
	const char *cmd;
	int c, ret = 1;

	while ((c = getopt_long (argc, argv, "+q", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			ro.tls_verify = strcmp (optarg, "false") == 0 ? 0 : 1;
			break;
		case 'c':
			ro.cert_dir = optarg;
			break;
		case 'j':
			ro.parallel = (int) strtol (optarg, NULL, 10);
			break;
		case 'm':
			mount_from = optarg;
			break;
		case 'u':
			ro.user = optarg;
			break;
		case 'p':
			ro.pass = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'd':
			if (ct_log_init ("registry-client", NULL, NULL, "debug", true, &err) < 0)
				return fail (&err);
			break;
		default:
			return 2;
		}
	}
	if (optind >= argc) {
		fputs ("usage: registry-client [OPTIONS] ping|get-manifest|fetch|pull|push ARGS...\n", stderr);
		return 2;
	}
	cmd = argv[optind++];
	argc -= optind;
	argv += optind;
	progress = ct_progress_new (quiet);

	if (strcmp (cmd, "ping") == 0 && argc == 1) {
		ro.op = "ping";
		if (ct_registry_open (argv[0], "", &ro, &r, &err) < 0 || ct_registry_ping (r, &err) < 0)
			goto out;
		ret = 0;
	} else if (strcmp (cmd, "get-manifest") == 0 && argc == 3) {
		cleanup_free char *buf = NULL;
		cleanup_free char *mt = NULL;
		cleanup_free char *digest = NULL;
		size_t len;

		if (ct_registry_open (argv[0], argv[1], &ro, &r, &err) < 0 ||
		    ct_registry_get_manifest (r, argv[2], &buf, &len, &mt, &digest, &err) < 0)
			goto out;
		printf ("%s\n%s\n%zu\n", digest, mt, len);
		ret = 0;
	} else if (strcmp (cmd, "get-blob") == 0 && argc == 4) {
		cleanup_free char *buf = NULL;
		struct ct_descriptor d;
		size_t len;

		if (parse_blob_arg (argv[2], &d) < 0) {
			ct_descriptor_clear (&d);
			ct_make_error (&err, 0, "bad blob argument `%s`: DIGEST:SIZE", argv[2]);
			goto out;
		}
		if (ct_registry_open (argv[0], argv[1], &ro, &r, &err) < 0 ||
		    ct_registry_get_blob (r, &d, (size_t) strtoull (argv[3], NULL, 10), &buf, &len, &err) < 0) {
			ct_descriptor_clear (&d);
			goto out;
		}
		ct_descriptor_clear (&d);
		fwrite (buf, 1, len, stdout);
		ret = 0;
	} else if (strcmp (cmd, "fetch") == 0 && argc >= 4) {
		cleanup_layout struct ct_layout *l = NULL;
		size_t n = (size_t) argc - 3;
		struct ct_descriptor *v = xcalloc (n, sizeof *v);

		for (size_t i = 0; i < n; i++)
			if (parse_blob_arg (argv[3 + i], &v[i]) < 0) {
				ct_make_error (&err, 0, "bad blob argument `%s`: DIGEST:SIZE", argv[3 + i]);
				free_blobs (v, n);
				goto out;
			}
		if (ct_layout_open (argv[0], CT_LAYOUT_WRITE, &l, &err) < 0 ||
		    ct_registry_open (argv[1], argv[2], &ro, &r, &err) < 0 ||
		    ct_registry_fetch_blobs (r, v, n, l, progress, &err) < 0) {
			free_blobs (v, n);
			goto out;
		}
		free_blobs (v, n);
		ret = 0;
	} else if (strcmp (cmd, "pull") == 0 && argc == 4) {
		cleanup_layout struct ct_layout *l = NULL;
		cleanup_free char *buf = NULL;
		cleanup_free char *mt = NULL;
		cleanup_free char *digest = NULL;
		struct ct_descriptor *v = NULL;
		size_t len, n = 0;

		if (ct_layout_open (argv[0], CT_LAYOUT_WRITE, &l, &err) < 0 ||
		    ct_registry_open (argv[1], argv[2], &ro, &r, &err) < 0 ||
		    ct_registry_get_manifest (r, argv[3], &buf, &len, &mt, &digest, &err) < 0)
			goto out;
		if (ct_image_doc_kind (mt) != CT_DOC_MANIFEST) {
			ct_make_error (&err, 0, "`%s` is not a manifest", mt);
			goto out;
		}
		if (manifest_blobs (buf, len, &v, &n, &err) < 0)
			goto out;
		if (ct_registry_fetch_blobs (r, v, n, l, progress, &err) < 0 ||
		    ct_layout_put_blob (l, buf, len, digest, NULL, &err) < 0) {
			free_blobs (v, n);
			goto out;
		}
		free_blobs (v, n);
		printf ("%s\n", digest);
		ret = 0;
	} else if (strcmp (cmd, "push") == 0 && argc == 5) {
		cleanup_layout struct ct_layout *l = NULL;
		cleanup_free char *buf = NULL;
		cleanup_free char *mt = NULL;
		struct ct_descriptor *v = NULL;
		size_t len, n = 0;

		ro.op = "push";
		ro.push = true;
		if (ct_layout_open (argv[0], CT_LAYOUT_READ, &l, &err) < 0 ||
		    ct_layout_read_blob (l, argv[3], CT_IMAGE_MAX_DOC, &buf, &len, &err) < 0)
			goto out;
		mt = ct_image_sniff_media_type (buf, len);
		if (mt == NULL) {
			ct_make_error (&err, 0, "`%s`: no media type", argv[3]);
			goto out;
		}
		if (manifest_blobs (buf, len, &v, &n, &err) < 0)
			goto out;
		if (ct_registry_open (argv[1], argv[2], &ro, &r, &err) < 0 ||
		    ct_registry_push_blobs (r, v, n, l, mount_from, progress, &err) < 0 ||
		    ct_registry_put_manifest (r, argv[4], mt, buf, len, &err) < 0) {
			free_blobs (v, n);
			goto out;
		}
		free_blobs (v, n);
		ret = 0;
	} else {
		ct_make_error (&err, 0, "unknown command or wrong arguments: `%s`", cmd);
	}
out:
	ct_progress_free (progress);
	if (ret != 0)
		return fail (&err);
	return 0;
}
