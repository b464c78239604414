/* cimage login / logout (specs/cimage.1.md): check credentials against the
   registry (GET /v2/ with the auth flow), then store them in the auth file
   podman and skopeo read; logout removes them. */
#include "common.h"

#include <getopt.h>
#include <termios.h>

#include "auth.h"
#include "cli.h"
#include "cmds.h"
#include "registry.h"

#define LOGIN_USAGE "cimage login [-u USER] [-p PASS] [--password-stdin] [--tls-verify=false] [--cert-dir DIR] HOST"

/* "https://host:5000/" -> "host:5000", as podman accepts. */
static char *
normalize_host (const char *arg)
{
	if (strncmp (arg, "https://", 8) == 0)
		arg += 8;
	else if (strncmp (arg, "http://", 7) == 0)
		arg += 7;
	return xstrndup (arg, strcspn (arg, "/"));
}

/* One line from fd, without its newline (and a \r before it). */
static int
read_line (FILE *f, char **out, const char *what, ct_error_t *err)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline (&line, &cap, f);

	if (n < 0) {
		free (line);
		if (ferror (f))
			return ct_make_error (err, errno, "read the %s", what);
		return ct_make_error (err, 0, "read the %s: end of input", what);
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	*out = line;
	return 0;
}

static int
prompt (const char *label, bool echo, char **out, const char *what, ct_error_t *err)
{
	struct termios old, quiet;
	bool restore = false;
	int r;

	/* Echo goes off before the prompt shows: TCSAFLUSH drops what was typed
	   ahead, so a password typed as soon as the prompt appeared would be lost. */
	if (!echo && tcgetattr (STDIN_FILENO, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= (tcflag_t) ~ECHO;
		restore = tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
	}
	fputs (label, stderr);
	fflush (stderr);
	r = read_line (stdin, out, what, err);
	if (restore) {
		tcsetattr (STDIN_FILENO, TCSAFLUSH, &old);
		fputc ('\n', stderr);
	}
	return r;
}

static int
parse_bool (const char *flag, const char *v, int *out, ct_error_t *err)
{
	if (v == NULL || strcmp (v, "true") == 0)
		*out = 1;
	else if (strcmp (v, "false") == 0)
		*out = 0;
	else
		return ct_make_error (err, 0, "invalid value `%s` for %s: true or false", v, flag);
	return 0;
}

enum {
	OPT_PASSWORD_STDIN = 256,
	OPT_TLS_VERIFY,
	OPT_CERT_DIR,
};

int
cmd_login (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	static const struct option opts[] = {
		{ "username", required_argument, NULL, 'u' },
		{ "password", required_argument, NULL, 'p' },
		{ "password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN },
		{ "tls-verify", optional_argument, NULL, OPT_TLS_VERIFY },
		{ "cert-dir", required_argument, NULL, OPT_CERT_DIR },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ct_registry_opts ro = { .tls_verify = -1, .op = "login" };
	cleanup_registry struct ct_registry *r = NULL;
	cleanup_free char *host = NULL;
	cleanup_free char *user = NULL;
	cleanup_free char *pass = NULL;
	bool pass_stdin = false;
	int c;

	(void) g;
	while ((c = ct_cli_getopt (argc, argv, "u:p:h", opts, err)) != -1) {
		switch (c) {
		case 'u':
			free (user);
			user = xstrdup (optarg);
			break;
		case 'p':
			free (pass);
			pass = xstrdup (optarg);
			break;
		case OPT_PASSWORD_STDIN:
			pass_stdin = true;
			break;
		case OPT_TLS_VERIFY:
			if (parse_bool ("--tls-verify", optarg, &ro.tls_verify, err) < 0)
				return -1;
			break;
		case OPT_CERT_DIR:
			ro.cert_dir = optarg;
			break;
		case 'h':
			printf ("usage: %s\n\nCheck the credentials against HOST and store them.\n", LOGIN_USAGE);
			return 0;
		default:
			return -1;
		}
	}
	if (ct_cli_args (argc, argv, 1, 1, LOGIN_USAGE, err) < 0)
		return -1;
	host = normalize_host (argv[optind]);
	if (host[0] == '\0')
		return ct_make_error (err, 0, "login: empty registry host `%s`", argv[optind]);
	if (pass != NULL && pass_stdin)
		return ct_make_error (err, 0, "login `%s`: -p and --password-stdin are exclusive", host);

	if (user == NULL) {
		if (pass_stdin || !isatty (STDIN_FILENO))
			return ct_make_error (err, 0, "login `%s`: no user name: use -u USER", host);
		if (prompt ("Username: ", true, &user, "user name", err) < 0)
			return ct_error_wrap (err, "login `%s`", host);
	}
	if (pass == NULL) {
		if (pass_stdin) {
			if (read_line (stdin, &pass, "password from stdin", err) < 0)
				return ct_error_wrap (err, "login `%s`", host);
		} else if (isatty (STDIN_FILENO)) {
			if (prompt ("Password: ", false, &pass, "password", err) < 0)
				return ct_error_wrap (err, "login `%s`", host);
		} else
			return ct_make_error (
			        err, 0, "login `%s`: no password: use -p PASS, --password-stdin or a terminal", host);
	}
	if (user[0] == '\0')
		return ct_make_error (err, 0, "login `%s`: empty user name", host);

	ro.user = user;
	ro.pass = pass;
	if (ct_registry_open (host, "", &ro, &r, err) < 0)
		return -1;
	if (ct_registry_ping (r, err) < 0)
		return -1;
	if (ct_auth_store (host, user, pass, err) < 0)
		return ct_error_wrap (err, "login `%s`", host);
	puts ("Login Succeeded!");
	return 0;
}

int
cmd_logout (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	cleanup_free char *host = NULL;
	int c, r;

	(void) g;
	while ((c = ct_cli_getopt (argc, argv, "h", opts, err)) != -1) {
		switch (c) {
		case 'h':
			puts ("usage: cimage logout HOST\n\nRemove the stored credentials for HOST.");
			return 0;
		default:
			return -1;
		}
	}
	if (ct_cli_args (argc, argv, 1, 1, "cimage logout HOST", err) < 0)
		return -1;
	host = normalize_host (argv[optind]);
	r = ct_auth_remove (host, err);
	if (r < 0)
		return ct_error_wrap (err, "logout `%s`", host);
	if (r == 1)
		return ct_make_error (err, 0, "not logged into %s", host);
	printf ("Removed login credentials for %s\n", host);
	return 0;
}
