/* cimage pull, push and copy: option parsing around the copy engine (copy.h). */
#include "common.h"

#include "cli.h"
#include "cmds.h"
#include "copy.h"
#include "ref.h"

#define PULL_USAGE "cimage pull [--platform OS/ARCH[/VARIANT]] [--all] [--tls-verify=false] [--cert-dir DIR] SRC [NAME]"
#define PUSH_USAGE "cimage push [--tls-verify=false] [--cert-dir DIR] NAME DEST"
#define COPY_USAGE                                                                                                \
	"cimage copy [--platform OS/ARCH[/VARIANT]] [--all] [--src-tls-verify=false] [--dest-tls-verify=false]\n" \
	"                   [--tls-verify=false] [--src-cert-dir DIR] [--dest-cert-dir DIR] [--cert-dir DIR] SRC DEST"

enum {
	OPT_PLATFORM = 256,
	OPT_ALL,
	OPT_TLS_VERIFY,
	OPT_SRC_TLS_VERIFY,
	OPT_DEST_TLS_VERIFY,
	OPT_CERT_DIR,
	OPT_SRC_CERT_DIR,
	OPT_DEST_CERT_DIR,
};

/* --tls-verify[=BOOL], as skopeo spells it. */
static int
parse_bool_flag (const char *flag, const char *arg, int *out, ct_error_t *err)
{
	if (arg == NULL || strcmp (arg, "true") == 0 || strcmp (arg, "1") == 0)
		*out = 1;
	else if (strcmp (arg, "false") == 0 || strcmp (arg, "0") == 0)
		*out = 0;
	else
		return ct_make_error (err, 0, "invalid value `%s` for --%s: want true or false", arg, flag);
	return 0;
}

/* A pull source without a transport is a registry reference
   (`cimage pull localhost:5000/app:1`); ref.c rejects it when it has no host. */
static int
parse_pull_source (const char *s, struct ct_ref *ref, ct_error_t *err)
{
	cleanup_free char *with = NULL;

	if (ct_ref_parse (s, ref, err) < 0)
		return -1;
	if (ref->transport != CT_TRANSPORT_STORE)
		return 0;
	ct_ref_clear (ref);
	xasprintf (&with, "docker://%s", s);
	return ct_ref_parse (with, ref, err);
}

struct copy_cli {
	struct ct_copy_opts o;
	struct ct_platform platform;
	bool have_platform;
};

/* Parse the options every copying command shares; returns like getopt
   handling: 0 ok, 1 printed help, -1 error. */
static int
parse_copy_options (struct ct_globals *g, int argc, char **argv, const char *usage, bool src_dest_flags,
                    struct copy_cli *cli, ct_error_t *err)
{
	static const struct option longopts[] = {
		{ "platform", required_argument, NULL, OPT_PLATFORM },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "tls-verify", optional_argument, NULL, OPT_TLS_VERIFY },
		{ "src-tls-verify", optional_argument, NULL, OPT_SRC_TLS_VERIFY },
		{ "dest-tls-verify", optional_argument, NULL, OPT_DEST_TLS_VERIFY },
		{ "cert-dir", required_argument, NULL, OPT_CERT_DIR },
		{ "src-cert-dir", required_argument, NULL, OPT_SRC_CERT_DIR },
		{ "dest-cert-dir", required_argument, NULL, OPT_DEST_CERT_DIR },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, v;

	cli->o.op = argv[0];
	cli->o.store = g->store;
	cli->o.quiet = g->quiet;
	cli->o.src_tls.tls_verify = -1;
	cli->o.dst_tls.tls_verify = -1;
	while ((opt = ct_cli_getopt (argc, argv, "h", longopts, err)) != -1) {
		if (!src_dest_flags && (opt == OPT_SRC_TLS_VERIFY || opt == OPT_DEST_TLS_VERIFY ||
		                        opt == OPT_SRC_CERT_DIR || opt == OPT_DEST_CERT_DIR))
			return ct_make_error (err, 0, "flag provided but not defined: %s", argv[optind - 1]);
		switch (opt) {
		case OPT_PLATFORM:
			ct_platform_clear (&cli->platform);
			if (ct_platform_parse (optarg, &cli->platform, err) < 0)
				return -1;
			cli->have_platform = true;
			cli->o.platform = &cli->platform;
			break;
		case OPT_ALL:
			cli->o.all = true;
			break;
		case OPT_TLS_VERIFY:
			if (parse_bool_flag ("tls-verify", optarg, &v, err) < 0)
				return -1;
			cli->o.src_tls.tls_verify = cli->o.dst_tls.tls_verify = v;
			break;
		case OPT_SRC_TLS_VERIFY:
			if (parse_bool_flag ("src-tls-verify", optarg, &cli->o.src_tls.tls_verify, err) < 0)
				return -1;
			break;
		case OPT_DEST_TLS_VERIFY:
			if (parse_bool_flag ("dest-tls-verify", optarg, &cli->o.dst_tls.tls_verify, err) < 0)
				return -1;
			break;
		case OPT_CERT_DIR:
			cli->o.src_tls.cert_dir = cli->o.dst_tls.cert_dir = optarg;
			break;
		case OPT_SRC_CERT_DIR:
			cli->o.src_tls.cert_dir = optarg;
			break;
		case OPT_DEST_CERT_DIR:
			cli->o.dst_tls.cert_dir = optarg;
			break;
		case 'h':
			printf ("usage: %s\n", usage);
			return 1;
		default:
			return -1;
		}
	}
	if (cli->o.all && cli->have_platform)
		return ct_make_error (err, 0, "--all and --platform cannot be used together");
	return 0;
}

static int
run_copy (struct copy_cli *cli, const struct ct_ref *src, const struct ct_ref *dst, bool print_digest, ct_error_t *err)
{
	cleanup_free char *digest = NULL;

	if (ct_copy_image (src, dst, &cli->o, &digest, err) < 0)
		return -1;
	if (print_digest)
		printf ("%s\n", digest);
	return 0;
}

int
cmd_pull (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	struct copy_cli cli = { 0 };
	struct ct_ref src = { 0 }, dst = { 0 };
	int r;

	r = parse_copy_options (g, argc, argv, PULL_USAGE, false, &cli, err);
	if (r == 0)
		r = ct_cli_args (argc, argv, 1, 2, PULL_USAGE, err);
	if (r == 0)
		r = parse_pull_source (argv[optind], &src, err);
	if (r == 0) {
		dst.transport = CT_TRANSPORT_STORE;
		dst.text = xstrdup (optind + 1 < argc ? argv[optind + 1] : "store");
		dst.name = optind + 1 < argc ? xstrdup (argv[optind + 1]) : NULL;
		r = run_copy (&cli, &src, &dst, true, err);
	}
	ct_ref_clear (&src);
	ct_ref_clear (&dst);
	ct_platform_clear (&cli.platform);
	return r < 0 ? -1 : 0;
}

int
cmd_push (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	struct copy_cli cli = { 0 };
	struct ct_ref src = { 0 }, dst = { 0 };
	int r;

	r = parse_copy_options (g, argc, argv, PUSH_USAGE, false, &cli, err);
	if (r == 0)
		r = ct_cli_args (argc, argv, 2, 2, PUSH_USAGE, err);
	if (r == 0)
		r = ct_ref_parse (argv[optind], &src, err);
	if (r == 0 && src.transport != CT_TRANSPORT_STORE)
		r = ct_make_error (err, 0,
		                   "push `%s`: NAME must be a stored image; use `cimage copy` between transports",
		                   argv[optind]);
	if (r == 0)
		r = parse_pull_source (argv[optind + 1], &dst, err);
	if (r == 0)
		r = run_copy (&cli, &src, &dst, true, err);
	ct_ref_clear (&src);
	ct_ref_clear (&dst);
	ct_platform_clear (&cli.platform);
	return r < 0 ? -1 : 0;
}

int
cmd_copy (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	struct copy_cli cli = { 0 };
	struct ct_ref src = { 0 }, dst = { 0 };
	int r;

	r = parse_copy_options (g, argc, argv, COPY_USAGE, true, &cli, err);
	if (r == 0)
		r = ct_cli_args (argc, argv, 2, 2, COPY_USAGE, err);
	if (r == 0)
		r = ct_ref_parse (argv[optind], &src, err);
	if (r == 0)
		r = ct_ref_parse (argv[optind + 1], &dst, err);
	if (r == 0)
		r = run_copy (&cli, &src, &dst, true, err);
	ct_ref_clear (&src);
	ct_ref_clear (&dst);
	ct_platform_clear (&cli.platform);
	return r < 0 ? -1 : 0;
}
