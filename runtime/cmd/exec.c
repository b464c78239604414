/* cruntime exec: run a new process in a created or running container, from
   --process FILE or from the config's process with ARGS and the flags on
   top (runc 1.1's semantics).  As runc: usage errors exit 1, every failure
   after that (the container, the process, the exec itself) exits 255, and
   otherwise the exit status is the process's (128 + signal when killed). */
#include "common.h"

#include <libgen.h>
#include <sys/file.h>

#include "caps.h"
#include "cli.h"
#include "cmds.h"
#include "container.h"
#include "state.h"
#include "log.h"
#include "lsm.h"
#include "strv.h"

#define EXEC_USAGE                                                                                                    \
	"cruntime exec [--process FILE] [-d] [--pid-file F] [--cwd DIR] [-e K=V]... [-u UID[:GID]] "                  \
	"[-g GID]... [--cap CAP]... [--no-new-privs] [--preserve-fds N] [--ignore-paused] [-t] [--console-socket S] " \
	"[--cgroup [CONTROLLERS:]PATH]... ID [COMMAND ARGS...]"

/* runc's exit status for an exec that failed before the process ran */
#define EXEC_FAILED 255

struct exec_flags {
	const char *process; /* --process FILE */
	const char *cwd;
	const char *user;
	char **env;  /* -e K=V, in order */
	char **caps; /* --cap */
	gid_t *gids; /* --additional-gids */
	size_t n_gids;
	bool no_new_privs;
	bool tty;                  /* -t */
	const char *apparmor;      /* --apparmor PROFILE */
	const char *process_label; /* --process-label LABEL */
	char **cgroups;            /* --cgroup [CONTROLLERS:]PATH */
	struct rt_exec_opts o;
};

static void
exec_flags_release (struct exec_flags *f)
{
	ct_strv_free (f->env);
	ct_strv_free (f->caps);
	ct_strv_free (f->cgroups);
	free (f->gids);
}

static int
parse_uint (const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoul (s, &end, 10);
	return errno != 0 || *end != '\0' || *out > max ? -1 : 0;
}

static int
parse_flags (int argc, char **argv, struct exec_flags *f, ct_error_t *err)
{
	static const struct option longopts[] = {
		{ "console-socket", required_argument, NULL, 'C' },
		{ "cwd", required_argument, NULL, 'w' },
		{ "env", required_argument, NULL, 'e' },
		{ "tty", no_argument, NULL, 't' },
		{ "user", required_argument, NULL, 'u' },
		{ "additional-gids", required_argument, NULL, 'g' },
		{ "process", required_argument, NULL, 'p' },
		{ "detach", no_argument, NULL, 'd' },
		{ "pid-file", required_argument, NULL, 'P' },
		{ "process-label", required_argument, NULL, 'L' },
		{ "apparmor", required_argument, NULL, 'A' },
		{ "no-new-privs", no_argument, NULL, 'N' },
		{ "cap", required_argument, NULL, 'c' },
		{ "preserve-fds", required_argument, NULL, 'f' },
		{ "cgroup", required_argument, NULL, 'G' },
		{ "ignore-paused", no_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	int c;

	/* "+": the command's own options after ID are not ours */
	while ((c = ct_cli_getopt (argc, argv, "+e:tu:g:p:dc:h", longopts, err)) != -1) {
		switch (c) {
		case 'C':
			f->o.console_socket = optarg;
			break;
		case 't':
			f->tty = true;
			break;
		case 'L':
			if (optarg[0] != '\0' && !rt_lsm_selinux_enabled ())
				return ct_make_error (err, 0,
				                      "exec --process-label: SELinux is not enabled on this host");
			f->process_label = optarg;
			break;
		case 'A':
			if (optarg[0] != '\0' && !rt_lsm_apparmor_enabled ())
				return ct_make_error (err, 0, "exec --apparmor: AppArmor is not enabled on this host");
			f->apparmor = optarg;
			break;
		case 'G':
			ct_strv_push (&f->cgroups, optarg);
			f->o.cgroups = f->cgroups;
			break;
		case 'w':
			f->cwd = optarg;
			break;
		case 'e':
			if (strchr (optarg, '=') == NULL || optarg[0] == '=')
				return ct_make_error (err, 0, "invalid environment variable `%s`: want KEY=VALUE",
				                      optarg);
			ct_strv_push (&f->env, optarg);
			break;
		case 'u':
			f->user = optarg;
			break;
		case 'g':
			if (parse_uint (optarg, UINT32_MAX - 1, &v) < 0)
				return ct_make_error (err, 0, "invalid value `%s` for flag --additional-gids", optarg);
			f->gids = xreallocarray (f->gids, f->n_gids + 1, sizeof (gid_t));
			f->gids[f->n_gids++] = (gid_t) v;
			break;
		case 'p':
			f->process = optarg;
			break;
		case 'd':
			f->o.detach = true;
			break;
		case 'P':
			f->o.pid_file = optarg;
			break;
		case 'N':
			f->no_new_privs = true;
			break;
		case 'c':
			ct_strv_push (&f->caps, optarg);
			break;
		case 'f':
			if (parse_uint (optarg, 65536, &v) < 0)
				return ct_make_error (err, 0, "invalid value `%s` for flag --preserve-fds", optarg);
			f->o.preserve_fds = (int) v;
			break;
		case 'I':
			f->o.ignore_paused = true;
			break;
		case 'h':
			printf ("usage: %s\n", EXEC_USAGE);
			return 1;
		default:
			return -1;
		}
	}
	return ct_cli_args (argc, argv, 1, -1, EXEC_USAGE, err);
}

/* -e K=V replaces an entry for K, else appends (runc). */
static void
env_set (char ***env, const char *kv)
{
	size_t klen = (size_t) (strchr (kv, '=') - kv) + 1;
	char **e;

	for (e = *env; e && *e; e++)
		if (strncmp (*e, kv, klen) == 0) {
			free (*e);
			*e = xstrdup (kv);
			return;
		}
	ct_strv_push (env, kv);
}

/* The config's process with args and the flags applied (runc's getProcess). */
static int
apply_flags (struct ct_rt_process *p, char **args, const struct exec_flags *f, ct_error_t *err)
{
	char **s;
	size_t i;

	if (args[0] == NULL)
		return ct_make_error (err, 0, "process args cannot be empty");
	ct_strv_free (p->args);
	p->args = ct_strv_dup (args);
	p->terminal = f->tty; /* runc: -t decides */
	for (s = f->env; s && *s; s++)
		env_set (&p->env, *s);
	if (f->cwd != NULL) {
		if (f->cwd[0] != '/')
			return ct_make_error (err, 0, "--cwd: `%s` is not an absolute path", f->cwd);
		free (p->cwd);
		p->cwd = xstrdup (f->cwd);
	}
	if (f->user != NULL) {
		cleanup_free char *uid = xstrdup (f->user);
		char *gid = strchr (uid, ':');
		unsigned long v;

		if (gid != NULL)
			*gid++ = '\0';
		if (parse_uint (uid, UINT32_MAX - 1, &v) < 0)
			return ct_make_error (err, 0, "invalid value `%s` for flag --user: want UID[:GID]", f->user);
		p->user.uid = (uint32_t) v;
		if (gid != NULL) {
			if (parse_uint (gid, UINT32_MAX - 1, &v) < 0)
				return ct_make_error (err, 0, "invalid value `%s` for flag --user: want UID[:GID]",
				                      f->user);
			p->user.gid = (uint32_t) v;
		}
	}
	if (f->n_gids > 0) {
		size_t n = p->user.n_additional_gids;

		p->user.additional_gids = xreallocarray (p->user.additional_gids, n + f->n_gids, sizeof (uint32_t));
		for (i = 0; i < f->n_gids; i++)
			p->user.additional_gids[n + i] = (uint32_t) f->gids[i];
		p->user.n_additional_gids = n + f->n_gids;
	}
	if (f->caps != NULL) {
		uint64_t mask = 0;

		if (rt_caps_parse (f->caps, ct_strv_len (f->caps), &mask, "--cap", err) < 0)
			return -1;
		if (p->capabilities == NULL)
			p->capabilities = xzalloc (sizeof (*p->capabilities));
		/* runc 1.1: every set but inheritable (CVE-2022-29162) */
		for (s = f->caps; *s; s++) {
			ct_strv_push (&p->capabilities->bounding, *s);
			ct_strv_push (&p->capabilities->effective, *s);
			ct_strv_push (&p->capabilities->permitted, *s);
			ct_strv_push (&p->capabilities->ambient, *s);
		}
	}
	if (f->no_new_privs)
		p->no_new_privileges = true;
	/* runc: a non-empty flag replaces the config's */
	if (f->apparmor != NULL && f->apparmor[0] != '\0') {
		free (p->apparmor_profile);
		p->apparmor_profile = xstrdup (f->apparmor);
	}
	if (f->process_label != NULL && f->process_label[0] != '\0') {
		free (p->selinux_label);
		p->selinux_label = xstrdup (f->process_label);
	}
	return 0;
}

static int
exec_in (struct ct_globals *g, const char *id, char **args, struct exec_flags *f, int *status, ct_error_t *err)
{
	cleanup_rt_spec struct ct_rt_spec *spec = NULL;
	cleanup_rt_process struct ct_rt_process *file_proc = NULL;
	cleanup_free char *config = NULL;
	cleanup_free char *pcopy = NULL;
	struct ct_rt_process *proc;
	struct rt_container c;
	const char *doc = "config.json";
	const char *pfx = "process.";
	int r;

	/* Read the process file first: its errors do not need the lock. */
	if (f->process != NULL) {
		if (ct_rt_process_load (f->process, &file_proc, err) < 0)
			return -1;
		pcopy = xstrdup (f->process);
		doc = basename (pcopy);
		pfx = "";
		if (args[0] != NULL)
			ct_log_debug ("exec --process: the arguments after the container id are ignored (runc)");
	}
	if (rt_container_load (g->root, id, LOCK_SH, false, &c, err) < 0)
		return -1;
	proc = file_proc;
	/* A stopped container's bundle may be gone: rt_container_exec refuses
	   it (and every state but created/running) before looking at proc. */
	if (proc == NULL && strcmp (c.status, "stopped") != 0) {
		/* the copy create saved; a container made without one: the bundle */
		xasprintf (&config, "%s/%s/%s", g->root, id, RT_STATE_CONFIG);
		if (access (config, F_OK) < 0 && errno == ENOENT) {
			free (config);
			xasprintf (&config, "%s/config.json", c.state->bundle);
		}
		if (ct_rt_spec_load (config, &spec, err) < 0) {
			rt_container_release (&c);
			return -1;
		}
		if (spec->process == NULL) {
			rt_container_release (&c);
			return ct_make_error (err, 0, "config.json: `process`: required by `exec`");
		}
		proc = spec->process;
		if (apply_flags (proc, args, f, err) < 0) {
			rt_container_release (&c);
			return -1;
		}
	}
	r = rt_container_exec (&c, proc, doc, pfx, &f->o, status, err);
	rt_container_release (&c);
	return r;
}

int
cmd_exec (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	struct exec_flags f = { 0 };
	const char *id;
	int status = 0;
	int r;

	r = parse_flags (argc, argv, &f, err);
	if (r != 0) {
		exec_flags_release (&f);
		return r < 0 ? -1 : 0;
	}
	id = argv[optind];
	r = exec_in (g, id, argv + optind + 1, &f, &status, err);
	exec_flags_release (&f);
	if (r < 0) {
		ct_error_wrap (err, "exec `%s`", id);
		ct_log_error_release (err);
		return EXEC_FAILED;
	}
	return status;
}
