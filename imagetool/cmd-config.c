/* cimage config: change a stored image's configuration (specs/cimage.1.md).
   The config is edited on its JSON tree (ocispec/config-edit.h), so what
   our model does not know survives; a new config blob, a new manifest
   pointing to it, then the name.  Every option is checked before the store
   is opened: a bad one changes nothing. */
#include "common.h"

#include <ctype.h>
#include <signal.h>
#include <time.h>

#include "cmds.h"
#include "log.h"
#include "ocispec/config-edit.h"
#include "store.h"
#include "stored.h"
#include "signals.h"
#include "strv.h"

/* ------------------------------------------------------------ option values */

/* "K=V" with a non-empty K. */
static int
check_pair (const char *opt, const char *s, const char *want, ct_error_t *err)
{
	const char *eq = strchr (s, '=');

	if (eq == NULL || eq == s)
		return ct_make_error (err, 0, "config: %s `%s`: want %s", opt, s, want);
	return 0;
}

static int
check_absolute (const char *opt, const char *s, ct_error_t *err)
{
	if (s[0] != '/')
		return ct_make_error (err, 0, "config: %s `%s`: not an absolute path", opt, s);
	return 0;
}

static bool
parse_port (const char *s, size_t len, unsigned *out)
{
	unsigned v = 0;

	if (len == 0 || len > 5)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit ((unsigned char) s[i]))
			return false;
		v = v * 10 + (unsigned) (s[i] - '0');
	}
	if (v < 1 || v > 65535)
		return false;
	*out = v;
	return true;
}

/* --expose PORT[-PORT][/PROTO] -> "PORT/proto" keys (a range gives one key
   per port, as Docker's EXPOSE does). */
static int
add_ports (const char *s, char ***ports, ct_error_t *err)
{
	const char *slash = strchr (s, '/');
	size_t nlen = slash ? (size_t) (slash - s) : strlen (s);
	const char *dash = memchr (s, '-', nlen);
	cleanup_free char *proto = xstrdup (slash ? slash + 1 : "tcp");
	unsigned lo, hi;

	for (char *p = proto; *p; p++)
		*p = (char) tolower ((unsigned char) *p);
	if (strcmp (proto, "tcp") != 0 && strcmp (proto, "udp") != 0 && strcmp (proto, "sctp") != 0)
		return ct_make_error (err, 0, "config: --expose `%s`: unknown protocol `%s` (tcp, udp or sctp)", s,
		                      slash + 1);
	if (dash != NULL) {
		if (!parse_port (s, (size_t) (dash - s), &lo) ||
		    !parse_port (dash + 1, nlen - (size_t) (dash - s) - 1, &hi) || hi < lo)
			return ct_make_error (err, 0,
			                      "config: --expose `%s`: not a port or range (1-65535, e.g. 80, "
			                      "53/udp, 8000-8010/tcp)",
			                      s);
	} else {
		if (!parse_port (s, nlen, &lo))
			return ct_make_error (err, 0,
			                      "config: --expose `%s`: not a port or range (1-65535, e.g. 80, "
			                      "53/udp, 8000-8010/tcp)",
			                      s);
		hi = lo;
	}
	for (unsigned p = lo; p <= hi; p++) {
		char *key = NULL;
		xasprintf (&key, "%u/%s", p, proto);
		ct_strv_take (ports, key);
	}
	return 0;
}

/* "n" of a decimal string, within [min, max]. */
static bool
small_number (const char *s, int min, int max, int *out)
{
	long v = 0;

	if (*s == '\0' || strlen (s) > 3)
		return false;
	for (const char *p = s; *p; p++) {
		if (!isdigit ((unsigned char) *p))
			return false;
		v = v * 10 + (*p - '0');
	}
	if (v < min || v > max)
		return false;
	*out = (int) v;
	return true;
}

/* The name config.md wants ("SIGNAME", "SIGRTMIN+3") for a signal given
   as a name (any case, with or without SIG) or a number. */
static int
canonical_signal (const char *s, char **out, ct_error_t *err)
{
	cleanup_free char *up = xstrdup (s);
	const char *name;
	int n;

	for (char *p = up; *p; p++)
		*p = (char) toupper ((unsigned char) *p);
	name = strncmp (up, "SIG", 3) == 0 ? up + 3 : up;
	if (small_number (up, 1, SIGRTMAX, &n)) {
		if (ct_signal_name (n) != NULL) {
			xasprintf (out, "SIG%s", ct_signal_name (n));
			return 0;
		}
		if (n >= SIGRTMIN) {
			if (n == SIGRTMIN)
				*out = xstrdup ("SIGRTMIN");
			else
				xasprintf (out, "SIGRTMIN+%d", n - SIGRTMIN);
			return 0;
		}
		return ct_make_error (err, 0, "config: --stop-signal `%s`: not a signal name or number", s);
	}
	if (ct_signal_from_name (name) > 0) {
		xasprintf (out, "SIG%s", name);
		return 0;
	}
	if (strcmp (name, "RTMIN") == 0 || strcmp (name, "RTMAX") == 0) {
		xasprintf (out, "SIG%s", name);
		return 0;
	}
	if ((strncmp (name, "RTMIN+", 6) == 0 && small_number (name + 6, 1, SIGRTMAX - SIGRTMIN, &n)) ||
	    (strncmp (name, "RTMAX-", 6) == 0 && small_number (name + 6, 1, SIGRTMAX - SIGRTMIN, &n))) {
		xasprintf (out, "SIG%s", name);
		return 0;
	}
	return ct_make_error (err, 0, "config: --stop-signal `%s`: not a signal name or number", s);
}

/* ------------------------------------------------------------ history */

/* RFC 3339 UTC time of the change: SOURCE_DATE_EPOCH when set
   (reproducible builds), else now. */
static int
history_time (char **out, ct_error_t *err)
{
	const char *sde = getenv ("SOURCE_DATE_EPOCH");
	struct tm tm;
	time_t t = time (NULL);
	char buf[64];

	if (sde != NULL && sde[0] != '\0') {
		char *end;
		long long v;
		errno = 0;
		v = strtoll (sde, &end, 10);
		if (errno != 0 || *end != '\0' || v < 0 || !isdigit ((unsigned char) sde[0]))
			return ct_make_error (
			        err, 0, "config: SOURCE_DATE_EPOCH `%s`: not a number of seconds since 1970", sde);
		t = (time_t) v;
	}
	if (gmtime_r (&t, &tm) == NULL || strftime (buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return ct_make_error (err, 0, "config: SOURCE_DATE_EPOCH `%s`: out of range", sde ? sde : "");
	*out = xstrdup (buf);
	return 0;
}

/* One argument as a shell would need it: created_by is read by people and
   copied into shells. */
static void
append_quoted (char **s, const char *arg)
{
	cleanup_free char *old = *s;
	cleanup_free char *q = NULL;
	size_t n = 0;

	if (arg[0] != '\0' &&
	    strspn (arg, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-./:=,+@%") == strlen (arg)) {
		xasprintf (s, "%s %s", old, arg);
		return;
	}
	q = xmalloc (strlen (arg) * 4 + 3);
	q[n++] = '\'';
	for (const char *p = arg; *p; p++) {
		if (*p == '\'') {
			memcpy (q + n, "'\\''", 4);
			n += 4;
		} else
			q[n++] = *p;
	}
	q[n++] = '\'';
	q[n] = '\0';
	xasprintf (s, "%s %s", old, q);
}

/* ------------------------------------------------------------ the command */

enum {
	OPT_ENV = 256,
	OPT_CMD,
	OPT_ENTRYPOINT,
	OPT_WORKDIR,
	OPT_USER,
	OPT_LABEL,
	OPT_EXPOSE,
	OPT_VOLUME,
	OPT_STOP_SIGNAL,
};

static int
parse_options (int argc, char **argv, struct ct_config_edit *e, bool *help, ct_error_t *err)
{
	static const struct option longopts[] = {
		{ "env", required_argument, NULL, OPT_ENV },
		{ "cmd", required_argument, NULL, OPT_CMD },
		{ "entrypoint", required_argument, NULL, OPT_ENTRYPOINT },
		{ "workdir", required_argument, NULL, OPT_WORKDIR },
		{ "user", required_argument, NULL, OPT_USER },
		{ "label", required_argument, NULL, OPT_LABEL },
		{ "expose", required_argument, NULL, OPT_EXPOSE },
		{ "volume", required_argument, NULL, OPT_VOLUME },
		{ "stop-signal", required_argument, NULL, OPT_STOP_SIGNAL },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = ct_cli_getopt (argc, argv, "h", longopts, err)) != -1) {
		switch (c) {
		case OPT_ENV:
			if (check_pair ("--env", optarg, "NAME=VALUE", err) < 0)
				return -1;
			ct_strv_push (&e->env, optarg);
			break;
		case OPT_CMD:
		case OPT_ENTRYPOINT: {
			const char *opt = c == OPT_CMD ? "--cmd" : "--entrypoint";
			char ***v = c == OPT_CMD ? &e->cmd : &e->entrypoint;
			ct_strv_free (*v);
			*v = NULL;
			if (ct_config_edit_parse_strv (optarg, v, err) < 0)
				return ct_error_wrap (err, "config: %s `%s`: want a JSON array of strings", opt,
				                      optarg);
			if (c == OPT_CMD)
				e->cmd_set = true;
			else
				e->entrypoint_set = true;
			break;
		}
		case OPT_WORKDIR:
			if (check_absolute ("--workdir", optarg, err) < 0)
				return -1;
			free (e->working_dir);
			e->working_dir = xstrdup (optarg);
			break;
		case OPT_USER:
			free (e->user);
			e->user = xstrdup (optarg);
			break;
		case OPT_LABEL: {
			cleanup_free char *key = NULL;
			if (check_pair ("--label", optarg, "KEY=VALUE", err) < 0)
				return -1;
			key = xstrndup (optarg, strcspn (optarg, "="));
			ct_config_edit_set_label (e, key, optarg + strlen (key) + 1);
			break;
		}
		case OPT_EXPOSE:
			if (add_ports (optarg, &e->exposed_ports, err) < 0)
				return -1;
			break;
		case OPT_VOLUME:
			if (check_absolute ("--volume", optarg, err) < 0)
				return -1;
			ct_strv_push (&e->volumes, optarg);
			break;
		case OPT_STOP_SIGNAL:
			free (e->stop_signal);
			e->stop_signal = NULL;
			if (canonical_signal (optarg, &e->stop_signal, err) < 0)
				return -1;
			break;
		case 'h':
			*help = true;
			return 0;
		default:
			return -1;
		}
	}
	return 0;
}

/* The store, which must exist (a missing one holds no NAME and is not
   created), opened for writing. */
static int
open_store (struct ct_globals *g, const char *name, struct ct_layout **l, ct_error_t *err)
{
	cleanup_layout struct ct_layout *probe = NULL;

	if (ct_layout_open (g->store, CT_LAYOUT_READ, &probe, err) < 0) {
		if (ct_error_status (*err) != ENOENT)
			return ct_error_wrap (err, "config");
		ct_error_release (err);
		return ct_make_error (err, 0, "config `%s`: image is not in the store", name);
	}
	if (ct_layout_open (g->store, CT_LAYOUT_WRITE, l, err) < 0)
		return ct_error_wrap (err, "config");
	return 0;
}

static bool
is_image_config_type (const char *mt)
{
	return mt != NULL && (strcmp (mt, CT_MT_OCI_CONFIG) == 0 || strcmp (mt, CT_MT_DOCKER_CONFIG) == 0);
}

/* The new config and manifest blobs for manifest `d`; *out gets the
   descriptor to name (d's, with the new digest and size). */
static int
store_edit (struct ct_layout *l, const struct ct_descriptor *d, const struct ct_config_edit *e,
            struct ct_descriptor *out, ct_error_t *err)
{
	cleanup_manifest struct ct_manifest *m = NULL;
	cleanup_free char *cbuf = NULL;
	cleanup_free char *src = NULL;
	cleanup_free char *edited = NULL;
	cleanup_free char *cdigest = NULL;
	cleanup_free char *nm = NULL;
	cleanup_free char *mdigest = NULL;
	size_t clen, elen, nmlen;

	if (cimage_read_manifest (l, d->digest, &m, err) < 0)
		return -1;
	if (!is_image_config_type (m->config.media_type))
		return ct_make_error (err, 0, "not an image: its config is a `%s`", m->config.media_type);
	if (cimage_read_config (l, m, &cbuf, &clen, NULL, err) < 0)
		return -1;
	xasprintf (&src, "config %s", m->config.digest);
	if (ct_config_edit_apply (cbuf, clen, src, e, &edited, &elen, err) < 0 ||
	    ct_layout_put_blob (l, edited, elen, NULL, &cdigest, err) < 0)
		return -1;
	free (m->config.digest);
	m->config.digest = steal_pointer (&cdigest);
	m->config.size = (int64_t) elen;
	if (ct_manifest_encode (m, &nm, &nmlen, err) < 0 || ct_layout_put_blob (l, nm, nmlen, NULL, &mdigest, err) < 0)
		return -1;
	ct_descriptor_copy (out, d);
	free (out->digest);
	out->digest = steal_pointer (&mdigest);
	out->size = (int64_t) nmlen;
	return 0;
}

int
cmd_config (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	/* main.c's usage, on one line for error messages */
	static const char use[] = "cimage config [--env K=V] [--cmd JSON] [--entrypoint JSON] [--workdir D] [--user U] "
	                          "[--label K=V] [--expose P] [--volume D] [--stop-signal S] NAME [NEWNAME]";
	struct ct_config_edit e = { 0 };
	cleanup_layout struct ct_layout *l = NULL;
	cleanup_free char *norm = NULL;
	cleanup_free char *full = NULL;
	struct ct_descriptor d = { 0 }, nd = { 0 };
	const char *name;
	bool help = false;
	int r = -1;

	if (parse_options (argc, argv, &e, &help, err) < 0)
		goto out;
	if (help) {
		printf ("usage: cimage config [--env K=V] [--cmd JSON] [--entrypoint JSON] [--workdir D] [--user U]\n"
		        "                     [--label K=V] [--expose P] [--volume D] [--stop-signal S] NAME "
		        "[NEWNAME]\n"
		        "\nChange an image's configuration.\n");
		r = 0;
		goto out;
	}
	if (ct_cli_args (argc, argv, 1, 2, use, err) < 0)
		goto out;
	name = argv[optind];
	if (ct_config_edit_empty (&e)) {
		ct_make_error (err, 0,
		               "config `%s`: nothing to change: give at least one option (see `cimage config --help`)",
		               name);
		goto out;
	}
	/* the history entry says what changed, as written (argv holds the
	   options first once getopt is done) */
	e.history_set = e.history.empty_layer = true;
	if (history_time (&e.history.created, err) < 0)
		goto out;
	e.history.created_by = xstrdup ("cimage config");
	for (int i = 1; i < optind; i++)
		append_quoted (&e.history.created_by, argv[i]);

	/* a bad NEWNAME is refused before the store is touched */
	if (optind + 1 < argc && ct_store_normalize_name (argv[optind + 1], &norm, err) < 0) {
		ct_error_wrap (err, "config `%s`", name);
		goto out;
	}
	if (open_store (g, name, &l, err) < 0)
		goto out;
	if (ct_layout_resolve (l, name, &d, &full, err) < 0) {
		if (ct_error_status (*err) == ENOENT && strstr ((*err)->msg, "is not in the store") != NULL) {
			ct_error_release (err);
			ct_make_error (err, 0, "config `%s`: image is not in the store", name);
		} else
			ct_error_wrap (err, "config `%s`", name);
		goto out;
	}
	switch (ct_image_doc_kind (d.media_type)) {
	case CT_DOC_MANIFEST:
		break;
	case CT_DOC_INDEX:
		ct_make_error (err, 0,
		               "config `%s`: an image index has no config; pull one platform (--platform) and "
		               "change that",
		               name);
		goto out;
	case CT_DOC_UNKNOWN:
	default:
		ct_make_error (err, 0, "config `%s`: not an image (`%s`)", name, d.media_type);
		goto out;
	}
	if (store_edit (l, &d, &e, &nd, err) < 0) {
		ct_error_wrap (err, "config `%s`", name);
		goto out;
	}
	/* NAME itself, as stored, when no NEWNAME: the old manifest stays
	   until gc */
	if (ct_layout_set_name (l, norm != NULL ? norm : full, &nd, err) < 0) {
		ct_error_wrap (err, "config `%s`", name);
		goto out;
	}
	ct_log_debug ("config `%s`: %s -> %s", name, d.digest, nd.digest);
	printf ("%s\n", nd.digest);
	r = 0;
out:
	ct_descriptor_clear (&d);
	ct_descriptor_clear (&nd);
	ct_config_edit_clear (&e);
	return r;
}
