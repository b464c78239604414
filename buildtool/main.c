/* cbuild: options, commands and exit codes (specs/cbuild.1.md).
   The build is the default action, `cbuild [OPTIONS] CONTEXT|-`; the only
   other command is `cbuild parse`.  Options come before CONTEXT, so the first
   word that is not an option decides: "parse" runs the command (a context
   directory named parse is written ./parse), anything else is the CONTEXT.
   Rows with fn == NULL are planned and answer "cbuild CMD: not implemented yet"
   with exit 1, never success. */
#include "common.h"

#include <getopt.h>

#include "cli.h"
#include "cas.h"
#include "log.h"

#define BUILD_USAGE "cbuild [OPTIONS] CONTEXT|-"
#define PARSE_USAGE "cbuild parse [--json] FILE"

static const struct ct_command commands[] = {
	{ "build", NULL, "build an image from a Dockerfile (default action)", BUILD_USAGE },
	{ "parse", NULL, "print the parsed Dockerfile as JSON", PARSE_USAGE },
	{ NULL, NULL, NULL, NULL },
};

static void
print_help (FILE *f)
{
	fputs ("usage: cbuild [OPTIONS] CONTEXT|-\n"
	       "       cbuild parse [--json] FILE\n"
	       "\n"
	       "Build an OCI image from a Dockerfile into the cimage store; RUN steps run\n"
	       "through an OCI runtime.  See cbuild(1).\n"
	       "\n"
	       "OPTIONS:\n"
	       "   -f, --file FILE|-        Dockerfile (default: CONTEXT/Dockerfile)\n"
	       "   -t, --tag NAME           name the result (repeatable)\n"
	       "   --build-arg K[=V]        set a build argument (repeatable)\n"
	       "   --target STAGE           build up to this stage\n"
	       "   --no-cache               run every step\n"
	       "   --runtime PATH           OCI runtime for RUN (default: cruntime beside cbuild)\n"
	       "   --store DIR              image store (default as cimage(1))\n"
	       "   --network host|none      network of RUN steps\n"
	       "   --label K=V              add an image label (repeatable)\n"
	       "   --iidfile FILE           write the image ID to FILE\n"
	       "   --output DEST            also copy the result to DEST (a cimage reference)\n"
	       "   --platform P             target platform OS/ARCH[/VARIANT]\n"
	       "   --timestamp SECONDS      like SOURCE_DATE_EPOCH: reproducible timestamps\n"
	       "   -q, --quiet              print only the image ID\n"
	       "   --progress plain|tty     progress output style\n"
	       "   --debug                  log debug records\n"
	       "   --log FILE               write log records to FILE instead of stderr\n"
	       "   --log-format text|json   log record format (default: text)\n"
	       "   --log-level LEVEL        error, warning, info or debug (default: warning)\n"
	       "   -h, --help               print this help and exit\n"
	       "   -v, --version            print the version and exit\n"
	       "\n",
	       f);
	ct_cli_print_commands (f, commands);
	fputs ("\nRun `cbuild parse --help` for the command's usage.\n", f);
}

static int
check_choice (const char *flag, const char *value, const char *a, const char *b, ct_error_t *err)
{
	if (strcmp (value, a) == 0 || strcmp (value, b) == 0)
		return 0;
	return ct_make_error (err, 0, "check %s: `%s` is neither %s nor %s", flag, value, a, b);
}

enum {
	OPT_STORE = 256,
	OPT_DEBUG,
	OPT_LOG,
	OPT_LOG_FORMAT,
	OPT_LOG_LEVEL,
	OPT_BUILD_ARG,
	OPT_TARGET,
	OPT_NO_CACHE,
	OPT_RUNTIME,
	OPT_NETWORK,
	OPT_LABEL,
	OPT_IIDFILE,
	OPT_OUTPUT,
	OPT_PLATFORM,
	OPT_PROGRESS,
	OPT_TIMESTAMP,
};

static const struct option options[] = {
	{ "file", required_argument, NULL, 'f' },
	{ "tag", required_argument, NULL, 't' },
	{ "build-arg", required_argument, NULL, OPT_BUILD_ARG },
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
	{ "runtime", required_argument, NULL, OPT_RUNTIME },
	{ "store", required_argument, NULL, OPT_STORE },
	{ "network", required_argument, NULL, OPT_NETWORK },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "iidfile", required_argument, NULL, OPT_IIDFILE },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "platform", required_argument, NULL, OPT_PLATFORM },
	{ "timestamp", required_argument, NULL, OPT_TIMESTAMP },
	{ "quiet", no_argument, NULL, 'q' },
	{ "progress", required_argument, NULL, OPT_PROGRESS },
	{ "debug", no_argument, NULL, OPT_DEBUG },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "log-format", required_argument, NULL, OPT_LOG_FORMAT },
	{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'v' },
	{ NULL, 0, NULL, 0 },
};

/* "-t" or "--build-arg": how to name option `c` in a message. */
static const char *
option_name (int c)
{
	static char name[32];
	size_t i;

	for (i = 0; options[i].name != NULL; i++)
		if (options[i].val == c && c >= 256) {
			snprintf (name, sizeof name, "--%s", options[i].name);
			return name;
		}
	snprintf (name, sizeof name, "-%c", c);
	return name;
}

static int
run (int argc, char **argv, ct_error_t *err)
{
	struct ct_globals g = { .tool = "cbuild" };
	cleanup_free char *store = NULL;
	const char *build_only = NULL; /* first option that only a build takes */
	char *build_argv[3] = { (char *) "build", NULL, NULL };
	int c;

	while ((c = ct_cli_getopt (argc, argv, "+f:t:qhv", options, err)) != -1) {
		switch (c) {
		case OPT_DEBUG:
			g.debug = true;
			continue;
		case OPT_LOG:
			g.log_path = optarg;
			continue;
		case OPT_LOG_FORMAT:
			g.log_format = optarg;
			continue;
		case OPT_LOG_LEVEL:
			g.log_level = optarg;
			continue;
		case 'h':
			print_help (stdout);
			return 0;
		case 'v':
			ct_cli_print_version (stdout, "cbuild", "image-spec: 1.1.1\n");
			return 0;
		case '?':
			return -1;
		case OPT_NETWORK:
			if (check_choice ("--network", optarg, "host", "none", err) < 0)
				return -1;
			break;
		case OPT_PROGRESS:
			if (check_choice ("--progress", optarg, "plain", "tty", err) < 0)
				return -1;
			break;
		case OPT_STORE:
			g.store = optarg;
			break;
		case 'q':
			g.quiet = true;
			break;
		default:
			/* Accepted, not yet used: the build itself is planned. */
			break;
		}
		if (build_only == NULL)
			build_only = option_name (c);
	}
	if (ct_log_init (g.tool, g.log_path, g.log_format, g.log_level, g.debug, err) < 0)
		return -1;

	if (optind < argc && strcmp (argv[optind], "parse") == 0) {
		if (build_only != NULL)
			return ct_make_error (err, 0, "`%s` is a build option, not one of `cbuild parse`; usage: %s",
			                      build_only, PARSE_USAGE);
		return ct_cli_dispatch (&g, commands, argc - optind, argv + optind, err);
	}

	if (argc - optind != 1)
		return ct_make_error (err, 0, "`cbuild` requires exactly 1 argument (CONTEXT); usage: %s", BUILD_USAGE);
	if (ct_cas_default_dir (g.store, &store, err) < 0)
		return -1;
	g.store = store;
	ct_log_debug ("store `%s`", g.store);

	build_argv[1] = argv[optind];
	return ct_cli_dispatch (&g, commands, 2, build_argv, err);
}

int
main (int argc, char **argv)
{
	ct_error_t err = NULL;

	return ct_cli_exit (run (argc, argv, &err), &err);
}
