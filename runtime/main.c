/* cruntime: global options (runc's), the command table, exit codes. */
#include "common.h"

#include <seccomp.h>

#include "cli.h"
#include "cmd/cmds.h"
#include "log.h"
#include "rootless.h"
#include "selfexe.h"

/* Every runc command, in runc's order; fn == NULL answers
   "cruntime <cmd>: not implemented yet" (exit 1).  checkpoint/restore are
   deliberately absent (no CRIU support planned). */
static const struct ct_command commands[] = {
	{ "create", cmd_create, "create a container",
	  "cruntime create [-b BUNDLE] [--console-socket PATH] [--pid-file PATH] [--no-pivot] "
	  "[--no-new-keyring] [--preserve-fds N] ID" },
	{ "delete", cmd_delete, "delete any resources held by the container", "cruntime delete [-f] ID" },
	{ "events", cmd_events,
	  "display container events such as OOM notifications, cpu, memory, and IO usage statistics",
	  "cruntime events [--stats] [--interval D] ID" },
	{ "exec", cmd_exec, "execute new process inside the container", NULL },
	{ "features", cmd_features, "show the enabled features", "cruntime features" },
	{ "kill", cmd_kill, "kill sends the specified signal to the container's init process",
	  "cruntime kill [-a] ID [SIGNAL]" },
	{ "list", cmd_list, "lists containers started by cruntime with the given root",
	  "cruntime list [-f table|json] [-q]" },
	{ "pause", cmd_pause, "pause suspends all processes inside the container", "cruntime pause ID" },
	{ "ps", cmd_ps, "ps displays the processes running inside a container",
	  "cruntime ps [-f table|json] ID [ps-args]" },
	{ "resume", cmd_resume, "resumes all processes that have been previously paused", "cruntime resume ID" },
	{ "run", cmd_run, "create and run a container", NULL },
	{ "spec", cmd_spec, "create a new specification file", "cruntime spec [--rootless] [-b BUNDLE]" },
	{ "start", cmd_start, "executes the user defined process in a created container", "cruntime start ID" },
	{ "state", cmd_state, "output the state of a container", "cruntime state ID" },
	{ "update", cmd_update, "update container resource constraints",
	  "cruntime update [-r FILE|-] [--memory BYTES] [--pids-limit N] ... ID" },
	{ NULL, NULL, NULL, NULL },
};

static void
usage (FILE *f)
{
	fputs ("usage: cruntime [global options] command [command options] [arguments...]\n\n"
	       "cruntime is a command line client for running applications packaged according to\n"
	       "the Open Container Initiative (OCI) format.\n\n",
	       f);
	ct_cli_print_commands (f, commands);
	fputs ("\nGLOBAL OPTIONS:\n"
	       "   --debug                 enable debug logging\n"
	       "   --log FILE              set the log file to write cruntime logs to (default is stderr)\n"
	       "   --log-format text|json  set the log format (default: text)\n"
	       "   --log-level LEVEL       error, warning, info or debug (default: warning)\n"
	       "   --root DIR              root directory for storage of container state\n"
	       "                           (default: /run/cruntime, or $XDG_RUNTIME_DIR/cruntime when rootless)\n"
	       "   --systemd-cgroup        use the systemd cgroup driver (not supported yet)\n"
	       "   --rootless true|false|auto  ignore cgroup permission errors when no resources are\n"
	       "                           requested (default: auto: when not root)\n"
	       "   --help, -h              show help\n"
	       "   --version, -v           print the version\n",
	       f);
}

static void
print_version (void)
{
	const struct scmp_version *v = seccomp_version ();
	cleanup_free char *extra = NULL;

	xasprintf (&extra, "libseccomp: %u.%u.%u\n", v ? v->major : 0, v ? v->minor : 0, v ? v->micro : 0);
	ct_cli_print_version (stdout, "cruntime", extra);
}

enum { OPT_ROOT = 256, OPT_LOG, OPT_LOG_FORMAT, OPT_LOG_LEVEL, OPT_DEBUG, OPT_SYSTEMD, OPT_ROOTLESS, OPT_CRIU };

static int
parse_globals (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "log", required_argument, NULL, OPT_LOG },
		{ "log-format", required_argument, NULL, OPT_LOG_FORMAT },
		{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
		{ "debug", no_argument, NULL, OPT_DEBUG },
		{ "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD },
		{ "rootless", required_argument, NULL, OPT_ROOTLESS },
		{ "criu", required_argument, NULL, OPT_CRIU },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = ct_cli_getopt (argc, argv, "+hv", longopts, err)) != -1) {
		switch (c) {
		case OPT_ROOT:
			g->root = optarg;
			break;
		case OPT_LOG:
			g->log_path = optarg;
			break;
		case OPT_LOG_FORMAT:
			if (strcmp (optarg, "text") != 0 && strcmp (optarg, "json") != 0)
				return ct_make_error (err, 0, "invalid log-format: %s", optarg);
			g->log_format = optarg;
			break;
		case OPT_LOG_LEVEL:
			g->log_level = optarg; /* checked by ct_log_init */
			break;
		case OPT_DEBUG:
			g->debug = true;
			break;
		case OPT_SYSTEMD:
			g->systemd_cgroup = true;
			break;
		case OPT_ROOTLESS:
			if (strcmp (optarg, "true") != 0 && strcmp (optarg, "false") != 0 &&
			    strcmp (optarg, "auto") != 0)
				return ct_make_error (
				        err, 0, "invalid value `%s` for --rootless: want true, false or auto", optarg);
			g->rootless = optarg;
			break;
		case OPT_CRIU:
			break; /* runc's, for checkpoint/restore: accepted, unused */
		case 'h':
			usage (stdout);
			return 1;
		case 'v':
			print_version ();
			return 1;
		default:
			return -1;
		}
	}
	return 0;
}

int
main (int argc, char **argv)
{
	struct ct_globals g = { 0 };
	cleanup_free char *root_buf = NULL;
	const char *xdg_root;
	bool xdg = false;
	ct_error_t err = NULL;
	int r;

	g.tool = "cruntime";
	g.root = xdg_root = rt_rootless_default_root (&root_buf, &xdg);
	g.rootless = "auto";

	r = parse_globals (&g, argc, argv, &err);
	/* Before anything else: run, create and exec go on from a sealed copy
	   of the binary (CVE-2019-5736). */
	if (r == 0 && optind < argc && rt_selfexe_needed (argv[optind]) && rt_selfexe_ensure_sealed (argv, &err) < 0)
		r = -1;
	if (r == 0 && ct_log_init (g.tool, g.log_path, g.log_format, g.log_level, g.debug, &err) < 0)
		r = -1;
	/* r > 0: --help or --version answered */
	if (r != 0)
		return ct_cli_exit (r < 0 ? -1 : 0, &err);
	/* runc makes the XDG root (0700, sticky) when it is the one in use */
	if (xdg && g.root == xdg_root && rt_rootless_make_root (xdg_root, &err) < 0)
		return ct_cli_exit (-1, &err);
	if (optind >= argc) {
		usage (stderr);
		return 1;
	}
	/* r: 0, -1, or the container's exit status (run) */
	return ct_cli_exit (ct_cli_dispatch (&g, commands, argc - optind, argv + optind, &err), &err);
}
