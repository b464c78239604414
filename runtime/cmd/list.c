/* cruntime list: every container under --root, as runc prints them: a
   table (Go tabwriter: min width 12, padding 3), or a JSON array (`null`
   when there is none), or only the ids. */
#include "common.h"

#include <dirent.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "cli.h"
#include "cmds.h"
#include "container.h"
#include "log.h"
#include "strv.h"

#define LIST_USAGE "cruntime list [-f|--format table|json] [-q|--quiet]"
#define N_COLS     6

struct row {
	char *cols[N_COLS];
	char *json;
};

static char *
owner_of (int dirfd)
{
	struct passwd pw, *res = NULL;
	struct stat st;
	char buf[1024];
	char *s;

	if (fstat (dirfd, &st) < 0)
		return xstrdup ("");
	if (getpwuid_r (st.st_uid, &pw, buf, sizeof (buf), &res) == 0 && res != NULL)
		return xstrdup (res->pw_name);
	xasprintf (&s, "#%u", (unsigned) st.st_uid);
	return s;
}

static int
cmp_names (const void *a, const void *b)
{
	return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Directory names under root, sorted (runc reads them sorted too). */
static char **
list_ids (const char *root)
{
	cleanup_dir DIR *d = opendir (root);
	struct dirent *de;
	char **ids = xcalloc (1, sizeof (char *));
	size_t n = 0;

	while (d != NULL && (de = readdir (d)) != NULL) {
		if (de->d_name[0] == '.' || (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN))
			continue;
		/* ':' is never in an id: the runtime's own directories (seccomp:cache) */
		if (strchr (de->d_name, ':') != NULL)
			continue;
		ids = xrealloc (ids, (n + 2) * sizeof (char *));
		ids[n++] = xstrdup (de->d_name);
		ids[n] = NULL;
	}
	qsort (ids, n, sizeof (char *), cmp_names);
	return ids;
}

/* The last column is not padded (tabwriter aligns tab-terminated cells). */
static void
print_row (const char *const *cols, const size_t *width)
{
	size_t j;

	for (j = 0; j + 1 < N_COLS; j++)
		printf ("%-*s", (int) width[j], cols[j]);
	printf ("%s\n", cols[N_COLS - 1]);
}

static void
print_table (struct row *rows, size_t n)
{
	static const char *const head[N_COLS] = { "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER" };
	size_t width[N_COLS];
	size_t i, j;

	for (j = 0; j < N_COLS; j++) {
		width[j] = strlen (head[j]);
		for (i = 0; i < n; i++)
			if (strlen (rows[i].cols[j]) > width[j])
				width[j] = strlen (rows[i].cols[j]);
		width[j] = width[j] + 3 < 12 ? 12 : width[j] + 3;
	}
	print_row (head, width);
	for (i = 0; i < n; i++)
		print_row ((const char *const *) rows[i].cols, width);
}

int
cmd_list (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	cleanup_strv char **ids = NULL;
	struct row *rows = NULL;
	const char *format = "table";
	bool quiet = false;
	size_t n = 0, i, j;
	int opt;

	while ((opt = ct_cli_getopt (argc, argv, "f:qh", longopts, err)) != -1) {
		switch (opt) {
		case 'f':
			if (strcmp (optarg, "table") != 0 && strcmp (optarg, "json") != 0)
				return ct_make_error (err, 0, "invalid format option `%s`: want table or json", optarg);
			format = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			printf ("usage: %s\n", LIST_USAGE);
			return 0;
		default:
			return -1;
		}
	}
	if (ct_cli_args (argc, argv, 0, 0, LIST_USAGE, err) < 0)
		return -1;

	ids = list_ids (g->root);
	rows = xcalloc (ct_strv_len (ids) + 1, sizeof (struct row));
	for (i = 0; ids[i]; i++) {
		struct rt_container c;
		struct ct_rt_state doc;
		cleanup_free char *owner = NULL;
		ct_error_t e = NULL;
		struct row *r = &rows[n];

		/* a container being deleted or half-created is skipped, as runc does */
		if (rt_container_load (g->root, ids[i], LOCK_SH, false, &c, &e) < 0) {
			ct_log_debug ("list: skip `%s`: %s", ids[i], e && e->msg ? e->msg : "");
			ct_error_release (&e);
			continue;
		}
		owner = owner_of (c.dirfd);
		rt_container_state_doc (&c, owner, &doc);
		if (ct_rt_state_encode (&doc, false, &r->json, NULL, &e) < 0) {
			ct_error_release (&e);
			rt_container_release (&c);
			continue;
		}
		r->cols[0] = xstrdup (c.id);
		xasprintf (&r->cols[1], "%d", (int) c.pid);
		r->cols[2] = xstrdup (c.status);
		r->cols[3] = xstrdup (doc.bundle);
		r->cols[4] = xstrdup (doc.created ? doc.created : "");
		r->cols[5] = xstrdup (owner);
		rt_container_release (&c);
		n++;
	}

	if (quiet) {
		for (i = 0; i < n; i++)
			printf ("%s\n", rows[i].cols[0]);
	} else if (strcmp (format, "json") == 0) {
		if (n == 0)
			fputs ("null", stdout);
		for (i = 0; i < n; i++)
			printf ("%s%s", i == 0 ? "[" : ",", rows[i].json);
		fputs (n ? "]\n" : "\n", stdout);
	} else {
		print_table (rows, n);
	}
	for (i = 0; i < n; i++) {
		for (j = 0; j < N_COLS; j++)
			free (rows[i].cols[j]);
		free (rows[i].json);
	}
	free (rows);
	return 0;
}
