/* cimage export and import (specs/cimage.1.md): a stored image to an OCI or
   docker archive, and an archive into the store. */
#include "common.h"

#include <getopt.h>
#include <libgen.h>
#include <sys/stat.h>

#include "archive.h"
#include "cli.h"
#include "cmd-archive.h"
#include "store.h"

#define EXPORT_USAGE "cimage export NAME [-o FILE|-] [--format oci|docker]"
#define IMPORT_USAGE "cimage import [--ref REF] FILE|- NAME"

static int
parse_format (const char *s, enum ct_archive_format *out, ct_error_t *err)
{
	if (strcmp (s, "oci") == 0)
		*out = CT_ARCHIVE_OCI;
	else if (strcmp (s, "docker") == 0)
		*out = CT_ARCHIVE_DOCKER;
	else
		return ct_make_error (err, 0, "unknown archive format `%s` (oci or docker)", s);
	return 0;
}

/* Write to FILE through a temporary file beside it, renamed into place only
   when the whole archive is written: a failure leaves no half file. */
static int
export_to_file (struct ct_layout *l, const struct ct_descriptor *desc, const char *name, enum ct_archive_format format,
                const char *file, ct_error_t *err)
{
	cleanup_free char *copy = xstrdup (file);
	cleanup_free char *tmp = NULL;
	cleanup_close int fd = -1;
	mode_t mask;

	xasprintf (&tmp, "%s/.%s.tmp-XXXXXX", dirname (copy), strrchr (file, '/') ? strrchr (file, '/') + 1 : file);
	fd = mkostemp (tmp, O_CLOEXEC);
	if (fd < 0)
		return ct_make_error (err, errno, "create `%s`", tmp);
	/* mkstemp makes 0600; an archive is an ordinary file. */
	mask = umask (0);
	umask (mask);
	if (fchmod (fd, 0666 & ~mask) < 0) {
		ct_make_error (err, errno, "chmod `%s`", tmp);
		goto fail;
	}
	if (ct_archive_write (l, desc, name, format, fd, err) < 0)
		goto fail;
	if (fsync (fd) < 0) {
		ct_make_error (err, errno, "fsync `%s`", tmp);
		goto fail;
	}
	if (close (steal_fd (&fd)) < 0) {
		ct_make_error (err, errno, "close `%s`", tmp);
		goto fail;
	}
	if (rename (tmp, file) < 0) {
		ct_make_error (err, errno, "rename `%s` to `%s`", tmp, file);
		goto fail;
	}
	return 0;
fail:
	unlink (tmp);
	return -1;
}

int
cmd_export (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	cleanup_layout struct ct_layout *l = NULL;
	cleanup_free char *full = NULL;
	struct ct_descriptor desc = { 0 };
	enum ct_archive_format format = CT_ARCHIVE_OCI;
	const char *output = "-";
	int c, r;

	while ((c = ct_cli_getopt (argc, argv, "o:h", opts, err)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 'f':
			if (parse_format (optarg, &format, err) < 0)
				return -1;
			break;
		case 'h':
			printf ("usage: %s\n\nWrite a stored image as an OCI archive (or a docker archive) to FILE or "
			        "stdout.\n",
			        EXPORT_USAGE);
			return 0;
		default:
			return -1;
		}
	}
	if (ct_cli_args (argc, argv, 1, 1, EXPORT_USAGE, err) < 0)
		return -1;
	/* As docker save: binary on a terminal helps nobody. */
	if (strcmp (output, "-") == 0 && isatty (STDOUT_FILENO))
		return ct_make_error (err, 0,
		                      "refusing to write an archive to a terminal; use -o FILE or redirect stdout");

	/* Worded as the store commands word it: a store that does not exist
	   yet holds no image either. */
	if (ct_layout_open (g->store, CT_LAYOUT_READ, &l, err) < 0 ||
	    ct_layout_resolve (l, argv[optind], &desc, &full, err) < 0) {
		if (ct_error_status (*err) == ENOENT &&
		    (l == NULL || strstr ((*err)->msg, "is not in the store") != NULL)) {
			ct_error_release (err);
			return ct_make_error (err, 0, "export `%s`: image is not in the store", argv[optind]);
		}
		return ct_error_wrap (err, "export `%s`", argv[optind]);
	}
	if (strcmp (output, "-") == 0)
		r = ct_archive_write (l, &desc, full, format, STDOUT_FILENO, err);
	else
		r = export_to_file (l, &desc, full, format, output, err);
	ct_descriptor_clear (&desc);
	if (r < 0)
		return ct_error_wrap (err, "export `%s`", argv[optind]);
	return 0;
}

int
cmd_import (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	static const struct option opts[] = {
		{ "ref", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	cleanup_layout struct ct_layout *l = NULL;
	cleanup_free char *name = NULL;
	struct ct_descriptor desc = { 0 };
	const char *ref = NULL, *file;
	int c, r;

	while ((c = ct_cli_getopt (argc, argv, "h", opts, err)) != -1) {
		switch (c) {
		case 'r':
			ref = optarg;
			break;
		case 'h':
			printf ("usage: %s\n\nRead an OCI archive or a docker archive (plain or compressed) into the "
			        "store as NAME\nand print the stored manifest digest.  --ref chooses the image of an "
			        "archive that holds several.\n",
			        IMPORT_USAGE);
			return 0;
		default:
			return -1;
		}
	}
	if (ct_cli_args (argc, argv, 2, 2, IMPORT_USAGE, err) < 0)
		return -1;
	file = argv[optind];
	if (strcmp (file, "-") == 0 && isatty (STDIN_FILENO))
		return ct_make_error (err, 0,
		                      "refusing to read an archive from a terminal; give FILE or redirect stdin");
	/* A bad name fails before anything is read. */
	if (ct_store_normalize_name (argv[optind + 1], &name, err) < 0)
		return ct_error_wrap (err, "import `%s`", file);
	if (ct_layout_open (g->store, CT_LAYOUT_WRITE, &l, err) < 0)
		return ct_error_wrap (err, "import `%s`", file);
	/* Blobs first, the name last (store-format.md ATOMIC WRITES). */
	r = ct_archive_read (file, CT_ARCHIVE_AUTO, ref, l, &desc, NULL, err);
	if (r == 0)
		r = ct_layout_set_name (l, name, &desc, err);
	if (r == 0)
		printf ("%s\n", desc.digest);
	ct_descriptor_clear (&desc);
	if (r < 0)
		return ct_error_wrap (err, "import `%s`", file);
	return 0;
}
