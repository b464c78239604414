/* cimage: global options, the command table and exit codes (specs/cimage.1.md).
   Every command of the design has a row; a row with fn == NULL is planned and
   answers "cimage CMD: not implemented yet" with exit 1, never success. */
#include "common.h"

#include <getopt.h>

#include "cli.h"
#include "cas.h"
#include "cmd-archive.h"
#include "cmd-store.h"
#include "cmds.h"
#include "log.h"

static const struct ct_command commands[] = {
	{ "pull", cmd_pull, "copy an image into the store and print its manifest digest",
	  "cimage pull [--platform OS/ARCH[/VARIANT]] [--all] [--tls-verify=false] [--cert-dir DIR] SRC [NAME]" },
	{ "push", cmd_push, "copy a stored image to a destination",
	  "cimage push [--tls-verify=false] [--cert-dir DIR] NAME DEST" },
	{ "copy", cmd_copy, "copy an image from any transport to any transport",
	  "cimage copy [--platform OS/ARCH[/VARIANT]] [--tls-verify=false] [--cert-dir DIR] SRC DEST" },
	{ "images", cmd_images, "list the images in the store", "cimage images [--format table|json] [-q]" },
	{ "inspect", cmd_inspect, "print an image's manifest, config or summary",
	  "cimage inspect [--raw|--config] [--tls-verify=false] [--cert-dir DIR] REF" },
	{ "tag", cmd_tag, "give a stored image another name", "cimage tag NAME NEWNAME" },
	{ "rm", cmd_rm, "remove names from the store", "cimage rm NAME..." },
	{ "gc", cmd_gc, "delete blobs no name refers to", "cimage gc [-q]" },
	{ "history", cmd_history, "print the history of a stored image", "cimage history [--format table|json] NAME" },
	{ "unpack", cmd_unpack, "unpack an image into an OCI runtime bundle",
	  "cimage unpack [--overlay] [--rootless] [--uid-map C:H:N]... [--gid-map C:H:N]... REF BUNDLE" },
	{ "umount", cmd_umount, "unmount the overlay rootfs of a bundle", "cimage umount BUNDLE" },
	{ "commit", cmd_commit, "store a bundle's rootfs changes as a new image",
	  "cimage commit [-m MSG] [--author A] [--compression gzip|zstd|none] BUNDLE NAME" },
	{ "config", cmd_config, "change an image's configuration",
	  "cimage config [--env K=V] [--cmd JSON] [--entrypoint JSON] [--workdir D] [--user U]\n"
	  "                     [--label K=V] [--expose P] [--volume D] [--stop-signal S] NAME [NEWNAME]" },
	{ "export", cmd_export, "write a stored image as an OCI or docker archive",
	  "cimage export NAME [-o FILE|-] [--format oci|docker]" },
	{ "import", cmd_import, "read an OCI or docker archive into the store",
	  "cimage import [--ref REF] FILE|- NAME" },
	{ "login", cmd_login, "store credentials for a registry",
	  "cimage login [-u USER] [-p PASS] [--password-stdin] [--tls-verify=false] [--cert-dir DIR] HOST" },
	{ "logout", cmd_logout, "remove stored credentials for a registry", "cimage logout HOST" },
	{ NULL, NULL, NULL, NULL },
};

static void
print_help (FILE *f)
{
	fputs ("usage: cimage [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS...]\n"
	       "\n"
	       "Copy OCI images between registries, archives and a local store, and turn them\n"
	       "into OCI runtime bundles.  See cimage(1).\n"
	       "\n"
	       "GLOBAL OPTIONS:\n"
	       "   --store DIR          image store (default: $CIMAGE_STORE, else /var/lib/cimage for\n"
	       "                        root, ${XDG_DATA_HOME:-~/.local/share}/cimage otherwise)\n"
	       "   --debug              log debug records\n"
	       "   -q, --quiet          no progress output\n"
	       "   --log FILE           write log records to FILE instead of stderr\n"
	       "   --log-format FORMAT  log record format: text or json (default: text)\n"
	       "   --log-level LEVEL    error, warning, info or debug (default: warning)\n"
	       "   -h, --help           print this help and exit\n"
	       "   -v, --version        print the version and exit\n"
	       "\n",
	       f);
	ct_cli_print_commands (f, commands);
	fputs ("\nRun `cimage COMMAND --help` for a command's usage.\n", f);
}

enum {
	OPT_STORE = 256,
	OPT_DEBUG,
	OPT_LOG,
	OPT_LOG_FORMAT,
	OPT_LOG_LEVEL,
};

static const struct option global_options[] = {
	{ "store", required_argument, NULL, OPT_STORE },
	{ "debug", no_argument, NULL, OPT_DEBUG },
	{ "quiet", no_argument, NULL, 'q' },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "log-format", required_argument, NULL, OPT_LOG_FORMAT },
	{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'v' },
	{ NULL, 0, NULL, 0 },
};

static int
run (int argc, char **argv, ct_error_t *err)
{
	struct ct_globals g = { .tool = "cimage" };
	cleanup_free char *store = NULL;
	const struct ct_command *cmd;
	int c;

	while ((c = ct_cli_getopt (argc, argv, "+qhv", global_options, err)) != -1) {
		switch (c) {
		case OPT_STORE:
			g.store = optarg;
			break;
		case OPT_DEBUG:
			g.debug = true;
			break;
		case 'q':
			g.quiet = true;
			break;
		case OPT_LOG:
			g.log_path = optarg;
			break;
		case OPT_LOG_FORMAT:
			g.log_format = optarg;
			break;
		case OPT_LOG_LEVEL:
			g.log_level = optarg;
			break;
		case 'h':
			print_help (stdout);
			return 0;
		case 'v':
			ct_cli_print_version (stdout, "cimage", "image-spec: 1.1.1\n");
			return 0;
		default:
			return -1;
		}
	}
	if (ct_log_init (g.tool, g.log_path, g.log_format, g.log_level, g.debug, err) < 0)
		return -1;
	if (optind >= argc)
		return ct_make_error (err, 0, "no command given; see `cimage --help`");

	cmd = ct_cli_find (commands, argv[optind]);
	if (cmd != NULL) {
		if (ct_cas_default_dir (g.store, &store, err) < 0)
			return -1;
		g.store = store;
		ct_log_debug ("store `%s`", g.store);
	}

	return ct_cli_dispatch (&g, commands, argc - optind, argv + optind, err);
}

int
main (int argc, char **argv)
{
	ct_error_t err = NULL;

	return ct_cli_exit (run (argc, argv, &err), &err);
}
