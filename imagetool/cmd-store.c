#include "common.h"

#include <inttypes.h>

#include "cmd-store.h"
#include "stored.h"
#include "copy.h"
#include "layer-cache.h"
#include "ref.h"
#include "json.h"
#include "log.h"
#include "store.h"
#include "strv.h"

/* ------------------------------------------------------------ helpers */

static int
usage (const char *usage_line, const char *summary)
{
	printf ("usage: %s\n\n%s.\n", usage_line, summary);
	return 0;
}

/* The store for reading; *l = NULL when it does not exist yet (nobody wrote
   it), which readers show as an empty store. */
static int
open_read (struct ct_globals *g, struct ct_layout **l, ct_error_t *err)
{
	*l = NULL;
	if (ct_layout_open (g->store, CT_LAYOUT_READ, l, err) == 0)
		return 0;
	if (ct_error_status (*err) == ENOENT) {
		ct_error_release (err);
		*l = NULL;
		return 0;
	}
	return -1;
}

static void
human_size (uint64_t n, char *buf, size_t len)
{
	static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB" };
	double v = (double) n;
	size_t i = 0;

	/* SI units as podman and docker show them */
	while (v >= 999.5 && i + 1 < sizeof units / sizeof units[0]) {
		v /= 1000;
		i++;
	}
	if (i == 0)
		snprintf (buf, len, "%" PRIu64 " B", n);
	else
		snprintf (buf, len, "%.3g %s", v, units[i]);
}

static const char *
short_digest (const char *digest)
{
	static char buf[13];
	const char *hex = strchr (digest, ':');

	hex = hex ? hex + 1 : digest;
	snprintf (buf, sizeof buf, "%.12s", hex);
	return buf;
}

/* ------------------------------------------------------------ images */

struct image_row {
	const char *name;
	const struct ct_descriptor *d;
	uint64_t size;
	char *platform; /* "os/arch[/variant]" or NULL */
};

static int
manifest_size (struct ct_layout *l, const struct ct_descriptor *d, uint64_t *size, char **platform, ct_error_t *err)
{
	cleanup_manifest struct ct_manifest *m = NULL;

	if (cimage_read_manifest (l, d->digest, &m, err) < 0)
		return -1;
	*size = (uint64_t) m->config.size;
	for (size_t i = 0; i < m->n_layers; i++)
		*size += (uint64_t) m->layers[i].size;
	if (platform == NULL)
		return 0;
	if (d->platform != NULL) {
		*platform = ct_platform_format (d->platform);
	} else if (ct_layout_has_blob (l, m->config.digest, -1)) {
		cleanup_image_config struct ct_image_config *c = NULL;
		struct ct_platform p = { 0 };
		if (cimage_read_config (l, m, NULL, NULL, &c, err) < 0) {
			/* artifacts have configs that are not image configs */
			ct_error_release (err);
			return 0;
		}
		p.os = c->os;
		p.architecture = c->architecture;
		p.variant = c->variant;
		*platform = ct_platform_format (&p);
	}
	return 0;
}

static int
row_fill (struct ct_layout *l, struct image_row *r, ct_error_t *err)
{
	const struct ct_descriptor *d = r->d;

	if (ct_image_doc_kind (d->media_type) == CT_DOC_MANIFEST)
		return manifest_size (l, d, &r->size, &r->platform, err);
	{
		/* an index: what its manifests in the store weigh */
		cleanup_index struct ct_index *ix = NULL;
		if (cimage_read_index (l, d->digest, &ix, err) < 0)
			return -1;
		r->size = 0;
		for (size_t i = 0; i < ix->n_manifests; i++) {
			uint64_t s = 0;
			const struct ct_descriptor *e = &ix->manifests[i];
			if (ct_image_doc_kind (e->media_type) != CT_DOC_MANIFEST ||
			    !ct_layout_has_blob (l, e->digest, -1))
				continue;
			if (manifest_size (l, e, &s, NULL, err) < 0)
				return -1;
			r->size += s;
		}
	}
	return 0;
}

static int
row_cmp (const void *a, const void *b)
{
	return strcmp (((const struct image_row *) a)->name, ((const struct image_row *) b)->name);
}

int
cmd_images (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	static const char use[] = "cimage images [--format table|json] [-q]";
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	cleanup_layout struct ct_layout *l = NULL;
	cleanup_index struct ct_index *ix = NULL;
	cleanup_free struct image_row *rows = NULL;
	const char *format = "table";
	bool quiet = false;
	size_t n = 0, width = 4;
	int c, r = -1;

	while ((c = ct_cli_getopt (argc, argv, "qh", longopts, err)) != -1) {
		switch (c) {
		case 'f':
			format = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			return usage (use, "List the images in the store");
		default:
			return -1;
		}
	}
	if (strcmp (format, "table") != 0 && strcmp (format, "json") != 0)
		return ct_make_error (err, 0, "images: unknown format `%s` (table or json)", format);
	if (ct_cli_args (argc, argv, 0, 0, use, err) < 0 || open_read (g, &l, err) < 0)
		return -1;
	if (l != NULL && ct_layout_read_index (l, &ix, err) < 0)
		return ct_error_wrap (err, "images");
	if (ix != NULL) {
		rows = xcalloc (ix->n_manifests + 1, sizeof *rows);
		for (size_t i = 0; i < ix->n_manifests; i++) {
			const struct ct_descriptor *d = &ix->manifests[i];
			const char *name = ct_descriptor_annotation (d, CT_ANNOTATION_REF_NAME);
			if (name == NULL || ct_image_doc_kind (d->media_type) == CT_DOC_UNKNOWN)
				continue;
			rows[n].name = name;
			rows[n].d = d;
			n++;
			if (strlen (name) > width)
				width = strlen (name);
		}
		qsort (rows, n, sizeof *rows, row_cmp);
	}
	if (quiet) {
		cleanup_strv char **seen = NULL;
		for (size_t i = 0; i < n; i++) {
			if (ct_strv_contains (seen, rows[i].d->digest))
				continue;
			ct_strv_push (&seen, rows[i].d->digest);
			printf ("%s\n", rows[i].d->digest);
		}
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (row_fill (l, &rows[i], err) < 0) {
			ct_error_wrap (err, "images: `%s`", rows[i].name);
			goto out;
		}
	if (strcmp (format, "json") == 0) {
		struct ct_jsonw *w = ct_jsonw_new (true);
		cleanup_free char *out = NULL;
		size_t len;

		ct_jsonw_array_open (w);
		for (size_t i = 0; i < n; i++) {
			ct_jsonw_map_open (w);
			ct_jsonw_kv_str (w, "name", rows[i].name);
			ct_jsonw_kv_str (w, "digest", rows[i].d->digest);
			ct_jsonw_kv_str (w, "mediaType", rows[i].d->media_type);
			ct_jsonw_kv_uint (w, "size", rows[i].size);
			if (rows[i].platform != NULL)
				ct_jsonw_kv_str (w, "platform", rows[i].platform);
			ct_jsonw_map_close (w);
		}
		ct_jsonw_array_close (w);
		if (ct_jsonw_finish (w, &out, &len, err) < 0)
			goto out;
		fwrite (out, 1, len, stdout);
	} else if (n > 0) {
		printf ("%-*s  %-12s  %s\n", (int) width, "NAME", "DIGEST", "SIZE");
		for (size_t i = 0; i < n; i++) {
			char hs[32];
			human_size (rows[i].size, hs, sizeof hs);
			printf ("%-*s  %-12s  %s\n", (int) width, rows[i].name, short_digest (rows[i].d->digest), hs);
		}
	}
	r = 0;
out:
	for (size_t i = 0; i < n; i++)
		free (rows[i].platform);
	return r;
}

/* ------------------------------------------------------------ inspect */

void
cimage_inspect_src_clear (struct cimage_inspect_src *s)
{
	free (s->name);
	free (s->digest);
	free (s->media_type);
	free (s->raw);
	free (s->config);
	memset (s, 0, sizeof *s);
}

static bool
has_transport (const char *ref)
{
	static const char *const prefixes[] = { "docker://", "oci:", "oci-archive:", "docker-archive:", NULL };

	for (size_t i = 0; prefixes[i] != NULL; i++)
		if (strncmp (ref, prefixes[i], strlen (prefixes[i])) == 0)
			return true;
	return strstr (ref, "://") != NULL;
}

static int
fetch_store (struct ct_globals *g, const char *ref, struct cimage_inspect_src *out, ct_error_t *err)
{
	cleanup_layout struct ct_layout *l = NULL;
	struct ct_descriptor d = { 0 };
	cleanup_free char *full = NULL;
	int r = -1;

	if (open_read (g, &l, err) < 0)
		return -1;
	if (l == NULL)
		return ct_make_error (err, ENOENT, "image `%s` is not in the store", ref);
	if (ct_layout_resolve (l, ref, &d, &full, err) < 0)
		return -1;
	out->name = steal_pointer (&full);
	out->digest = xstrdup (d.digest);
	out->media_type = xstrdup (d.media_type);
	if (ct_layout_read_blob (l, d.digest, CT_IMAGE_MAX_DOC, &out->raw, &out->raw_len, err) < 0)
		goto done;
	if (ct_image_doc_kind (d.media_type) == CT_DOC_MANIFEST) {
		cleanup_manifest struct ct_manifest *m = NULL;
		cleanup_free char *src = NULL;
		xasprintf (&src, "manifest %s", d.digest);
		if (ct_manifest_decode (out->raw, out->raw_len, src, &m, err) < 0 ||
		    cimage_read_config (l, m, &out->config, &out->config_len, NULL, err) < 0)
			goto done;
	}
	r = 0;
done:
	ct_descriptor_clear (&d);
	return r;
}

/* Any other transport: the reference's top document through the copy
   engine's image source and, for a manifest, its config. */
static int
fetch_remote (struct ct_globals *g, const char *ref, const struct ct_registry_opts *tls, struct cimage_inspect_src *out,
              ct_error_t *err)
{
	cleanup_image_source struct ct_image_source *src = NULL;
	struct ct_copy_opts o = { .op = "inspect", .store = g->store, .quiet = true };
	struct ct_ref r = { 0 };
	int ret = -1;

	if (tls != NULL)
		o.src_tls = *tls;
	else
		o.src_tls.tls_verify = -1;
	if (ct_ref_parse (ref, &r, err) < 0)
		return -1;
	if (ct_image_source_open (&r, &o, &src, err) < 0 ||
	    ct_image_source_top (src, &out->raw, &out->raw_len, &out->media_type, &out->digest, err) < 0)
		goto done;
	out->name = r.transport == CT_TRANSPORT_DOCKER ? ct_ref_docker_name (&r) : xstrdup (ref);
	if (ct_image_doc_kind (out->media_type) == CT_DOC_MANIFEST) {
		cleanup_manifest struct ct_manifest *m = NULL;
		cleanup_free char *msrc = NULL;

		xasprintf (&msrc, "manifest %s", out->digest);
		if (ct_manifest_decode (out->raw, out->raw_len, msrc, &m, err) < 0 ||
		    ct_image_source_blob (src, &m->config, CT_IMAGE_MAX_DOC, &out->config, &out->config_len, err) < 0)
			goto done;
	} else if (ct_image_doc_kind (out->media_type) != CT_DOC_INDEX) {
		ct_make_error (err, 0, "unsupported manifest type `%s`", out->media_type);
		goto done;
	}
	ret = 0;
done:
	ct_ref_clear (&r);
	return ret;
}

int
cimage_inspect_fetch (struct ct_globals *g, const char *ref, const struct ct_registry_opts *tls,
                      struct cimage_inspect_src *out, ct_error_t *err)
{
	memset (out, 0, sizeof *out);
	if (has_transport (ref)) {
		if (fetch_remote (g, ref, tls, out, err) < 0) {
			cimage_inspect_src_clear (out);
			return -1;
		}
		return 0;
	}
	if (fetch_store (g, ref, out, err) < 0) {
		cimage_inspect_src_clear (out);
		return cimage_ref_error ("inspect", ref, err);
	}
	return 0;
}

static void
w_strv_or_null (struct ct_jsonw *w, const char *key, char *const *v)
{
	ct_jsonw_key (w, key);
	if (v == NULL) {
		ct_jsonw_null (w);
		return;
	}
	ct_jsonw_array_open (w);
	for (size_t i = 0; v[i] != NULL; i++)
		ct_jsonw_str (w, v[i]);
	ct_jsonw_array_close (w);
}

static void
w_map_or_null (struct ct_jsonw *w, const char *key, const struct ct_rt_map *m)
{
	ct_jsonw_key (w, key);
	if (m->n == 0) {
		ct_jsonw_null (w);
		return;
	}
	ct_jsonw_map_open (w);
	for (size_t i = 0; i < m->n; i++)
		ct_jsonw_kv_str (w, m->keys[i], m->values[i]);
	ct_jsonw_map_close (w);
}

/* skopeo inspect's summary of one image. */
static int
summary_manifest (const struct cimage_inspect_src *s, struct ct_jsonw *w, ct_error_t *err)
{
	cleanup_manifest struct ct_manifest *m = NULL;
	cleanup_image_config struct ct_image_config *c = NULL;
	cleanup_free char *msrc = NULL;
	cleanup_free char *csrc = NULL;

	xasprintf (&msrc, "manifest %s", s->digest);
	if (ct_manifest_decode (s->raw, s->raw_len, msrc, &m, err) < 0)
		return -1;
	xasprintf (&csrc, "config %s", m->config.digest);
	if (ct_image_config_decode (s->config, s->config_len, csrc, &c, err) < 0)
		return -1;
	ct_jsonw_map_open (w);
	ct_jsonw_kv_str (w, "Name", s->name);
	ct_jsonw_kv_str (w, "Digest", s->digest);
	if (c->created != NULL)
		ct_jsonw_kv_str (w, "Created", c->created);
	ct_jsonw_kv_str (w, "Architecture", c->architecture);
	ct_jsonw_kv_str (w, "Os", c->os);
	if (c->variant != NULL)
		ct_jsonw_kv_str (w, "Variant", c->variant);
	ct_jsonw_key (w, "Layers");
	ct_jsonw_array_open (w);
	for (size_t i = 0; i < m->n_layers; i++)
		ct_jsonw_str (w, m->layers[i].digest);
	ct_jsonw_array_close (w);
	ct_jsonw_key (w, "LayersData");
	ct_jsonw_array_open (w);
	for (size_t i = 0; i < m->n_layers; i++) {
		ct_jsonw_map_open (w);
		ct_jsonw_kv_str (w, "MIMEType", m->layers[i].media_type);
		ct_jsonw_kv_str (w, "Digest", m->layers[i].digest);
		ct_jsonw_kv_int (w, "Size", m->layers[i].size);
		w_map_or_null (w, "Annotations", &m->layers[i].annotations);
		ct_jsonw_map_close (w);
	}
	ct_jsonw_array_close (w);
	w_strv_or_null (w, "Env", c->config.env);
	w_map_or_null (w, "Labels", &c->config.labels);
	ct_jsonw_map_close (w);
	return 0;
}

static int
summary_index (const struct cimage_inspect_src *s, struct ct_jsonw *w, ct_error_t *err)
{
	cleanup_index struct ct_index *ix = NULL;
	cleanup_free char *src = NULL;

	xasprintf (&src, "index %s", s->digest);
	if (ct_index_decode (s->raw, s->raw_len, src, &ix, err) < 0)
		return -1;
	ct_jsonw_map_open (w);
	ct_jsonw_kv_str (w, "Name", s->name);
	ct_jsonw_kv_str (w, "Digest", s->digest);
	ct_jsonw_kv_str (w, "MediaType", s->media_type);
	ct_jsonw_key (w, "Manifests");
	ct_jsonw_array_open (w);
	for (size_t i = 0; i < ix->n_manifests; i++) {
		const struct ct_descriptor *e = &ix->manifests[i];
		ct_jsonw_map_open (w);
		ct_jsonw_kv_str (w, "Digest", e->digest);
		ct_jsonw_kv_str (w, "MediaType", e->media_type);
		ct_jsonw_kv_int (w, "Size", e->size);
		if (e->platform != NULL) {
			cleanup_free char *p = ct_platform_format (e->platform);
			ct_jsonw_kv_str (w, "Platform", p);
		}
		ct_jsonw_map_close (w);
	}
	ct_jsonw_array_close (w);
	ct_jsonw_map_close (w);
	return 0;
}

int
cmd_inspect (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	static const char use[] = "cimage inspect [--raw|--config] [--tls-verify=false] [--cert-dir DIR] REF";
	static const struct option longopts[] = {
		{ "raw", no_argument, NULL, 'r' },
		{ "config", no_argument, NULL, 'c' },
		{ "tls-verify", optional_argument, NULL, 'T' },
		{ "cert-dir", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cimage_inspect_src s = { 0 };
	struct ct_registry_opts tls = { .tls_verify = -1 };
	bool raw = false, config = false;
	const char *ref;
	int c, r = -1;

	while ((c = ct_cli_getopt (argc, argv, "h", longopts, err)) != -1) {
		switch (c) {
		case 'r':
			raw = true;
			break;
		case 'c':
			config = true;
			break;
		case 'T':
			if (optarg == NULL || strcmp (optarg, "true") == 0)
				tls.tls_verify = 1;
			else if (strcmp (optarg, "false") == 0)
				tls.tls_verify = 0;
			else
				return ct_make_error (err, 0, "invalid value `%s` for --tls-verify: want true or false",
				                      optarg);
			break;
		case 'C':
			tls.cert_dir = optarg;
			break;
		case 'h':
			return usage (use, "Print an image's manifest, config or summary");
		default:
			return -1;
		}
	}
	if (raw && config)
		return ct_make_error (err, 0, "inspect: --raw and --config exclude each other; usage: %s", use);
	if (ct_cli_args (argc, argv, 1, 1, use, err) < 0)
		return -1;
	ref = argv[optind];
	if (cimage_inspect_fetch (g, ref, &tls, &s, err) < 0)
		return -1;
	if (raw) {
		fwrite (s.raw, 1, s.raw_len, stdout);
		r = 0;
	} else if (config) {
		if (s.config == NULL)
			ct_make_error (err, 0,
			               "inspect `%s`: an image index has no config; inspect one of its manifests", ref);
		else {
			fwrite (s.config, 1, s.config_len, stdout);
			r = 0;
		}
	} else {
		struct ct_jsonw *w = ct_jsonw_new (true);
		cleanup_free char *out = NULL;
		size_t len;
		int sr = s.config != NULL ? summary_manifest (&s, w, err) : summary_index (&s, w, err);

		if (sr < 0) {
			ct_jsonw_free (w);
			cimage_ref_error ("inspect", ref, err);
		} else if (ct_jsonw_finish (w, &out, &len, err) == 0) {
			fwrite (out, 1, len, stdout);
			r = 0;
		}
	}
	cimage_inspect_src_clear (&s);
	return r;
}

/* ------------------------------------------------------------ tag, rm */

/* The store for a command that changes names: not created when missing
   (the name the command needs cannot be there). */
static int
open_write (struct ct_globals *g, const char *cmd, const char *ref, struct ct_layout **l, ct_error_t *err)
{
	cleanup_layout struct ct_layout *probe = NULL;

	if (open_read (g, &probe, err) < 0)
		return ct_error_wrap (err, "%s", cmd);
	if (probe == NULL)
		return ct_make_error (err, 0, "%s `%s`: image is not in the store", cmd, ref);
	if (ct_layout_open (g->store, CT_LAYOUT_WRITE, l, err) < 0)
		return ct_error_wrap (err, "%s", cmd);
	return 0;
}

int
cmd_tag (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	static const char use[] = "cimage tag NAME NEWNAME";
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	cleanup_layout struct ct_layout *l = NULL;
	cleanup_free char *norm = NULL;
	struct ct_descriptor d = { 0 };
	const char *name, *newname;
	int c, r;

	while ((c = ct_cli_getopt (argc, argv, "h", longopts, err)) != -1) {
		if (c == 'h')
			return usage (use, "Give a stored image another name");
		return -1;
	}
	if (ct_cli_args (argc, argv, 2, 2, use, err) < 0)
		return -1;
	name = argv[optind];
	newname = argv[optind + 1];
	/* A bad new name is refused before anything is opened. */
	if (ct_store_normalize_name (newname, &norm, err) < 0)
		return ct_error_wrap (err, "tag `%s`", name);
	if (open_write (g, "tag", name, &l, err) < 0)
		return -1;
	if (ct_layout_resolve (l, name, &d, NULL, err) < 0)
		return cimage_ref_error ("tag", name, err);
	r = ct_layout_set_name (l, norm, &d, err);
	ct_descriptor_clear (&d);
	if (r < 0)
		return ct_error_wrap (err, "tag `%s`", name);
	return 0;
}

int
cmd_rm (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	static const char use[] = "cimage rm NAME...";
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	cleanup_layout struct ct_layout *l = NULL;
	cleanup_strv char **full = NULL;
	int c;

	while ((c = ct_cli_getopt (argc, argv, "h", longopts, err)) != -1) {
		if (c == 'h')
			return usage (use, "Remove names from the store");
		return -1;
	}
	if (ct_cli_args (argc, argv, 1, -1, use, err) < 0)
		return -1;
	if (open_write (g, "rm", argv[optind], &l, err) < 0)
		return -1;
	/* Resolve them all first: one unknown name changes nothing. */
	for (int i = optind; i < argc; i++) {
		struct ct_descriptor d = { 0 };
		char *f = NULL;
		if (ct_layout_resolve (l, argv[i], &d, &f, err) < 0)
			return cimage_ref_error ("rm", argv[i], err);
		ct_descriptor_clear (&d);
		if (ct_strv_contains (full, f))
			free (f);
		else
			ct_strv_take (&full, f);
	}
	if (ct_layout_remove_names (l, full, err) < 0)
		return ct_error_wrap (err, "rm");
	return 0;
}

/* ------------------------------------------------------------ gc */

static void
gc_report (const char *digest, uint64_t size, void *data)
{
	char hs[32];

	if (*(bool *) data)
		return;
	human_size (size, hs, sizeof hs);
	fprintf (stderr, "removed %s (%s)\n", digest, hs);
}

int
cmd_gc (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	static const char use[] = "cimage gc [-q]";
	static const struct option longopts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	cleanup_layout struct ct_layout *l = NULL;
	struct ct_gc_stats st;
	size_t layers = 0;
	bool quiet = g->quiet;
	int c;

	while ((c = ct_cli_getopt (argc, argv, "qh", longopts, err)) != -1) {
		switch (c) {
		case 'q':
			quiet = true;
			break;
		case 'h':
			return usage (use, "Delete blobs no name refers to");
		default:
			return -1;
		}
	}
	if (ct_cli_args (argc, argv, 0, 0, use, err) < 0)
		return -1;
	/* No store, nothing to collect: do not create one. */
	if (open_read (g, &l, err) < 0)
		return ct_error_wrap (err, "gc");
	if (l == NULL)
		return 0;
	ct_layout_close (steal_pointer (&l));
	if (ct_layout_open (g->store, CT_LAYOUT_GC, &l, err) < 0 ||
	    ct_layout_gc_report (l, &st, gc_report, &quiet, err) < 0 || cimage_layer_cache_gc (l, &layers, err) < 0)
		return ct_error_wrap (err, "gc");
	if (!quiet) {
		char hs[32];
		human_size (st.bytes_removed, hs, sizeof hs);
		fprintf (stderr, "gc: removed %zu blob%s (%s) and %zu temporary file%s\n", st.blobs_removed,
		         st.blobs_removed == 1 ? "" : "s", hs, st.tmp_removed, st.tmp_removed == 1 ? "" : "s");
		if (layers > 0)
			fprintf (stderr, "gc: removed %zu cached layer%s\n", layers, layers == 1 ? "" : "s");
	}
	return 0;
}

/* ------------------------------------------------------------ history */

struct hist_row {
	const struct ct_history *h;
	const char *layer; /* digest, NULL for an empty layer */
	int64_t size;
};

int
cmd_history (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	static const char use[] = "cimage history [--format table|json] NAME";
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	cleanup_layout struct ct_layout *l = NULL;
	cleanup_manifest struct ct_manifest *m = NULL;
	cleanup_image_config struct ct_image_config *cfg = NULL;
	cleanup_free struct hist_row *rows = NULL;
	struct ct_descriptor d = { 0 }, md = { 0 };
	struct ct_history *synth = NULL;
	const char *format = "table", *name;
	size_t n = 0, layer = 0;
	int c, r = -1;

	while ((c = ct_cli_getopt (argc, argv, "h", longopts, err)) != -1) {
		switch (c) {
		case 'f':
			format = optarg;
			break;
		case 'h':
			return usage (use, "Print the history of a stored image");
		default:
			return -1;
		}
	}
	if (strcmp (format, "table") != 0 && strcmp (format, "json") != 0)
		return ct_make_error (err, 0, "history: unknown format `%s` (table or json)", format);
	if (ct_cli_args (argc, argv, 1, 1, use, err) < 0)
		return -1;
	name = argv[optind];
	if (open_read (g, &l, err) < 0)
		return ct_error_wrap (err, "history");
	if (l == NULL)
		return ct_make_error (err, 0, "history `%s`: image is not in the store", name);
	if (ct_layout_resolve (l, name, &d, NULL, err) < 0)
		return cimage_ref_error ("history", name, err);
	if (cimage_pick_manifest (l, &d, &md, err) < 0 || cimage_read_manifest (l, md.digest, &m, err) < 0 ||
	    cimage_read_config (l, m, NULL, NULL, &cfg, err) < 0) {
		cimage_ref_error ("history", name, err);
		goto out;
	}
	/* Each history entry that is not an empty layer made the next layer;
	   without history, one row per layer. */
	if (cfg->n_history == 0 && m->n_layers > 0) {
		synth = xcalloc (m->n_layers, sizeof *synth);
		cfg->history = synth;
		cfg->n_history = m->n_layers;
	}
	rows = xcalloc (cfg->n_history + 1, sizeof *rows);
	for (size_t i = 0; i < cfg->n_history; i++) {
		rows[n].h = &cfg->history[i];
		if (!cfg->history[i].empty_layer && layer < m->n_layers) {
			rows[n].layer = m->layers[layer].digest;
			rows[n].size = m->layers[layer].size;
			layer++;
		}
		n++;
	}
	if (strcmp (format, "json") == 0) {
		struct ct_jsonw *w = ct_jsonw_new (true);
		cleanup_free char *out = NULL;
		size_t len;

		/* newest first, as podman history */
		ct_jsonw_array_open (w);
		for (size_t i = n; i-- > 0;) {
			ct_jsonw_map_open (w);
			if (rows[i].h->created)
				ct_jsonw_kv_str (w, "created", rows[i].h->created);
			if (rows[i].h->created_by)
				ct_jsonw_kv_str (w, "createdBy", rows[i].h->created_by);
			if (rows[i].h->author)
				ct_jsonw_kv_str (w, "author", rows[i].h->author);
			if (rows[i].h->comment)
				ct_jsonw_kv_str (w, "comment", rows[i].h->comment);
			ct_jsonw_kv_bool (w, "emptyLayer", rows[i].layer == NULL);
			if (rows[i].layer)
				ct_jsonw_kv_str (w, "layer", rows[i].layer);
			ct_jsonw_kv_int (w, "size", rows[i].size);
			ct_jsonw_map_close (w);
		}
		ct_jsonw_array_close (w);
		if (ct_jsonw_finish (w, &out, &len, err) < 0)
			goto out;
		fwrite (out, 1, len, stdout);
	} else {
		printf ("%-20s  %-45s  %-10s  %s\n", "CREATED", "CREATED BY", "SIZE", "COMMENT");
		for (size_t i = n; i-- > 0;) {
			const struct ct_history *h = rows[i].h;
			const char *by = h->created_by ? h->created_by : "";
			char hs[32];
			char bybuf[64];

			human_size ((uint64_t) rows[i].size, hs, sizeof hs);
			/* one line per entry: long commands are cut, as podman does */
			if (strlen (by) > 45)
				snprintf (bybuf, sizeof bybuf, "%.42s...", by);
			else
				snprintf (bybuf, sizeof bybuf, "%s", by);
			for (char *p = bybuf; *p; p++)
				if (*p == '\n' || *p == '\t')
					*p = ' ';
			if (h->comment != NULL && h->comment[0] != '\0')
				printf ("%-20s  %-45s  %-10s  %s\n", h->created ? h->created : "", bybuf, hs,
				        h->comment);
			else /* no trailing blanks */
				printf ("%-20s  %-45s  %s\n", h->created ? h->created : "", bybuf, hs);
		}
	}
	r = 0;
out:
	ct_descriptor_clear (&d);
	ct_descriptor_clear (&md);
	return r;
}
