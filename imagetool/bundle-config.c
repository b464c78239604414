#include "common.h"

#include <sys/stat.h>

#include "bundle-config.h"
#include "fs.h"
#include "log.h"
#include "strv.h"

/* /etc/passwd and /etc/group come from the image: bounded, like every other
   untrusted input (STYLE.md rule 8).  Real ones are a few kB. */
#define ACCOUNT_FILE_MAX (8u * 1024 * 1024)

/* runc spec's PATH, for images whose Env has none (Docker adds it too). */
#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

#define ANN_PREFIX "org.opencontainers.image."

/* ------------------------------------------------------------ accounts */

#define MAX_FIELDS 7

/* The next line of a NUL-terminated buffer, cut in place; NULL at the end. */
static char *
next_line (char **cursor)
{
	char *line = *cursor, *nl;

	if (line == NULL || *line == '\0')
		return NULL;
	nl = strchr (line, '\n');
	if (nl != NULL) {
		*nl = '\0';
		*cursor = nl + 1;
	} else {
		*cursor = line + strlen (line);
	}
	return line;
}

/* Split one passwd/group line at ':' in place; returns the field count. */
static size_t
split_fields (char *line, char **f)
{
	size_t n = 0;

	f[n++] = line;
	for (char *p = line; *p != '\0' && n < MAX_FIELDS; p++)
		if (*p == ':') {
			*p = '\0';
			f[n++] = p + 1;
		}
	return n;
}

/* A decimal id as passwd, group and Config.User write them: digits only,
   below (uid_t) -1, which means "no id" to the kernel. */
static bool
parse_id (const char *s, uint32_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (uint64_t) (*s - '0');
		if (v >= UINT32_MAX)
			return false;
	}
	*out = (uint32_t) v;
	return true;
}

/* Comments and NIS compat lines ("+user", "-user") name nobody. */
static bool
skip_line (const char *line)
{
	return line[0] == '\0' || line[0] == '#' || line[0] == '+' || line[0] == '-';
}

/* The whole of /etc/passwd or /etc/group of the rootfs, opened inside it (a
   symlink there resolves in the rootfs, never on the host).  *buf = NULL
   when the file does not exist. */
static int
read_account_file (int rootfd, const char *path, char **buf, ct_error_t *err)
{
	cleanup_close int pathfd = -1;
	cleanup_close int fd = -1;
	char proc[64];
	struct stat st;
	size_t len;

	*buf = NULL;
	/* O_PATH first: a device or FIFO planted there is refused before any
	   open(2) of it (a driver's open has effects; a FIFO would block) */
	pathfd = ct_fs_openat_beneath (rootfd, path, O_PATH, 0, err);
	if (pathfd < 0) {
		if (ct_error_status (*err) == ENOENT) {
			ct_error_release (err);
			return 0;
		}
		return -1;
	}
	if (fstat (pathfd, &st) < 0)
		return ct_make_error (err, errno, "stat `%s`", path);
	if (!S_ISREG (st.st_mode))
		return ct_make_error (err, 0, "`%s` is not a regular file", path);
	snprintf (proc, sizeof proc, "/proc/self/fd/%d", pathfd);
	fd = open (proc, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return ct_make_error (err, errno, "open `%s`", path);
	if (ct_fs_read_all_fd (fd, ACCOUNT_FILE_MAX, buf, &len, err) < 0)
		return ct_error_wrap (err, "read `%s`", path);
	return 0;
}

struct passwd_entry {
	uint32_t uid;
	uint32_t gid;
	char *name; /* owned */
	char *home; /* owned */
};

/* The first entry named `name` (or, name NULL, with uid `uid`), as libc and
   runc pick it; lines that do not parse are skipped.  False: none. */
static bool
passwd_find (char *data, const char *name, uint32_t uid, struct passwd_entry *e)
{
	char *cur = data, *line;

	while ((line = next_line (&cur)) != NULL) {
		char *f[MAX_FIELDS];
		size_t n;
		uint32_t u, g;

		if (skip_line (line))
			continue;
		n = split_fields (line, f);
		if (n < 4 || !parse_id (f[2], &u) || !parse_id (f[3], &g))
			continue;
		if (name != NULL ? strcmp (f[0], name) != 0 : u != uid)
			continue;
		e->uid = u;
		e->gid = g;
		e->name = xstrdup (f[0]);
		e->home = n > 5 && f[5][0] != '\0' ? xstrdup (f[5]) : NULL;
		return true;
	}
	return false;
}

/* The gid of group `name`; false when there is none. */
static bool
group_find (char *data, const char *name, uint32_t *gid)
{
	char *cur = data, *line;

	while ((line = next_line (&cur)) != NULL) {
		char *f[MAX_FIELDS];

		if (skip_line (line) || split_fields (line, f) < 3 || strcmp (f[0], name) != 0)
			continue;
		if (parse_id (f[2], gid))
			return true;
	}
	return false;
}

static bool
member_of (const char *list, const char *user)
{
	size_t ul = strlen (user);

	for (const char *p = list; *p != '\0';) {
		size_t n = strcspn (p, ",");
		if (n == ul && strncmp (p, user, n) == 0)
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

/* The gids of the groups whose member list names `user` (getgrouplist minus
   the primary group, which the runtime sets anyway), in file order, once. */
static void
groups_of (char *data, const char *user, struct ct_rt_user *u)
{
	char *cur = data, *line;

	while ((line = next_line (&cur)) != NULL) {
		char *f[MAX_FIELDS];
		uint32_t gid;
		bool seen = false;

		if (skip_line (line) || split_fields (line, f) < 4 || !parse_id (f[2], &gid) || !member_of (f[3], user))
			continue;
		for (size_t i = 0; i < u->n_additional_gids; i++)
			seen = seen || u->additional_gids[i] == gid;
		if (seen)
			continue;
		u->additional_gids = xreallocarray (u->additional_gids, u->n_additional_gids + 1, sizeof (uint32_t));
		u->additional_gids[u->n_additional_gids++] = gid;
	}
}

/* process.user (and HOME) from Config.User, as conversion.md says: numeric
   parts verbatim, names looked up in the rootfs's /etc/passwd and
   /etc/group, additionalGids only for a user given by name without a
   group.  *home gets the passwd home directory, or NULL. */
static int
resolve_user (int rootfd, const char *spec, struct ct_rt_user *u, char **home, ct_error_t *err)
{
	cleanup_free char *user = xstrdup (spec != NULL ? spec : "");
	cleanup_free char *passwd = NULL;
	cleanup_free char *group_data = NULL;
	struct passwd_entry pw = { 0 };
	const char *group = NULL;
	bool by_name;
	uint32_t uid = 0;
	char *colon;
	int r = -1;

	colon = strchr (user, ':');
	if (colon != NULL) {
		*colon = '\0';
		if (colon[1] != '\0')
			group = colon + 1;
	}
	/* no user part: root, as Docker and runc read "" and ":group" */
	by_name = false;
	if (strspn (user, "0123456789") != strlen (user))
		by_name = true;
	else if (user[0] != '\0' && !parse_id (user, &uid))
		return ct_make_error (err, 0, "uid `%s` is out of range", user);

	if (read_account_file (rootfd, "/etc/passwd", &passwd, err) < 0)
		return -1;
	if (by_name) {
		if (passwd == NULL)
			return ct_make_error (err, ENOENT, "no user `%s` in /etc/passwd", user);
		if (!passwd_find (passwd, user, 0, &pw))
			return ct_make_error (err, 0, "no user `%s` in /etc/passwd", user);
	} else {
		/* a uid needs no entry; when there is one it gives the group and home */
		if (passwd == NULL || !passwd_find (passwd, NULL, uid, &pw)) {
			pw.uid = uid;
			pw.gid = 0;
		}
	}
	u->uid = pw.uid;
	u->gid = pw.gid;
	u->uid_present = u->gid_present = true;

	if (group != NULL || by_name) {
		if (read_account_file (rootfd, "/etc/group", &group_data, err) < 0)
			goto out;
	}
	if (group != NULL) {
		uint32_t gid;
		if (parse_id (group, &gid))
			u->gid = gid;
		else if (strspn (group, "0123456789") == strlen (group)) {
			ct_make_error (err, 0, "gid `%s` is out of range", group);
			goto out;
		} else if (group_data == NULL || !group_find (group_data, group, &gid)) {
			ct_make_error (err, group_data == NULL ? ENOENT : 0, "no group `%s` in /etc/group", group);
			goto out;
		} else
			u->gid = gid;
	} else if (by_name && group_data != NULL) {
		groups_of (group_data, pw.name, u);
		u->additional_gids_present = u->n_additional_gids > 0;
	}
	*home = steal_pointer (&pw.home);
	r = 0;
out:
	free (pw.name);
	free (pw.home);
	return r;
}

/* ------------------------------------------------------------ annotations */

/* An implied annotation; a label of the same key wins (conversion.md
   "Annotations": the value in Config.Labels MUST take precedence). */
static void
implied (struct ct_rt_map *m, const char *suffix, const char *value)
{
	cleanup_free char *key = NULL;

	if (value == NULL)
		return;
	xasprintf (&key, ANN_PREFIX "%s", suffix);
	if (ct_rt_map_get (m, key) == NULL)
		ct_rt_map_set (m, key, value);
}

static int
cmp_str (const void *a, const void *b)
{
	return strcmp (*(char *const *) a, *(char *const *) b);
}

/* A key set (ExposedPorts, Volumes) as one value: sorted, comma-joined;
   NULL when empty. */
static char *
joined_sorted (char *const *v)
{
	cleanup_strv char **copy = NULL;

	if (v == NULL || v[0] == NULL)
		return NULL;
	copy = ct_strv_dup (v);
	qsort (copy, ct_strv_len (copy), sizeof (char *), cmp_str);
	return ct_strv_join (copy, ",");
}

static void
set_annotations (struct ct_rt_spec *s, const struct ct_image_config *ic)
{
	struct ct_rt_map *m = &s->annotations;
	cleanup_free char *features = NULL;
	cleanup_free char *ports = joined_sorted (ic->config.exposed_ports);
	cleanup_free char *volumes = joined_sorted (ic->config.volumes);

	for (size_t i = 0; i < ic->config.labels.n; i++)
		if (ct_rt_map_get (m, ic->config.labels.keys[i]) == NULL)
			ct_rt_map_set (m, ic->config.labels.keys[i], ic->config.labels.values[i]);
	if (ic->os_features != NULL && ic->os_features[0] != NULL)
		features = ct_strv_join (ic->os_features, ",");
	implied (m, "os", ic->os);
	implied (m, "architecture", ic->architecture);
	implied (m, "variant", ic->variant);
	implied (m, "os.version", ic->os_version);
	implied (m, "os.features", features);
	implied (m, "author", ic->author);
	implied (m, "created", ic->created);
	implied (m, "stopSignal", ic->config.stop_signal);
	implied (m, "exposedPorts", ports);
	/* Volumes are not mounts here (a tmpfs would hide what the image
	   put there, and bundles are run as they are): the annotation tells
	   whoever runs the bundle where the image expects volumes. */
	implied (m, "volumes", volumes);
	s->annotations_present = m->n > 0;
}

/* ------------------------------------------------------------ process */

static bool
env_has (char *const *env, const char *name)
{
	size_t n = strlen (name);

	for (size_t i = 0; env != NULL && env[i] != NULL; i++)
		if (strncmp (env[i], name, n) == 0 && env[i][n] == '=')
			return true;
	return false;
}

static int
set_args (struct ct_rt_process *p, const struct ct_image_config *ic, ct_error_t *err)
{
	char **args = NULL;

	/* conversion.md: Entrypoint, then Cmd appended; an absent (or null)
	   member adds nothing, and neither does an empty one */
	for (size_t i = 0; ic->config.entrypoint != NULL && ic->config.entrypoint[i] != NULL; i++)
		ct_strv_push (&args, ic->config.entrypoint[i]);
	for (size_t i = 0; ic->config.cmd != NULL && ic->config.cmd[i] != NULL; i++)
		ct_strv_push (&args, ic->config.cmd[i]);
	/* Nothing to run: the bundle is still made (an image may be a base
	   or data image), with no process.args rather than runc spec's `sh`,
	   which the image never asked for; the runtime refuses it until the
	   user sets them. */
	if (args == NULL)
		ct_log_warning (
		        "image config: neither Entrypoint nor Cmd: config.json has no process.args; set them before "
		        "running the bundle");
	ct_strv_free (p->args);
	p->args = args;
	(void) err;
	return 0;
}

static int
set_process (int rootfd, struct ct_rt_process *p, const struct ct_image_config *ic, ct_error_t *err)
{
	cleanup_free char *home = NULL;
	char **env;

	/* bundles are run from scripts and engines; a user who wants a tty
	   sets it */
	p->terminal = false;
	p->terminal_present = true;
	if (set_args (p, ic, err) < 0)
		return -1;

	free (p->cwd);
	p->cwd = xstrdup (ic->config.working_dir != NULL && ic->config.working_dir[0] != '\0' ? ic->config.working_dir
	                                                                                      : "/");

	memset (&p->user, 0, sizeof p->user);
	p->user_present = true;
	if (resolve_user (rootfd, ic->config.user, &p->user, &home, err) < 0)
		return ct_error_wrap (err, "image config: `config.User`");

	/* Env verbatim; conversion.md allows additions that do not change a
	   variable the image sets: PATH (so args[0] is found) and HOME (from
	   /etc/passwd), as Docker and umoci add them */
	env = ct_strv_dup (ic->config.env);
	if (!env_has (env, "PATH"))
		ct_strv_push (&env, DEFAULT_PATH);
	if (!env_has (env, "HOME")) {
		cleanup_free char *h = NULL;
		xasprintf (&h, "HOME=%s", home != NULL ? home : "/");
		ct_strv_push (&env, h);
	}
	ct_strv_free (p->env);
	p->env = env;
	return 0;
}

/* ------------------------------------------------------------ linux */

static void
set_mappings (struct ct_rt_id_mapping **out, size_t *n_out, const struct ct_id_map *maps, size_t n)
{
	free (*out);
	*out = xcalloc (n, sizeof **out);
	*n_out = n;
	for (size_t i = 0; i < n; i++)
		(*out)[i] = (struct ct_rt_id_mapping){
			.container_id = maps[i].container,
			.host_id = maps[i].host,
			.size = maps[i].size,
		};
}

static void
set_userns (struct ct_rt_linux *l, const struct ct_bundle_config_opts *o)
{
	const struct ct_id_map *um = o->uid_map, *gm = o->gid_map;
	size_t un = o->n_uid_map, gn = o->n_gid_map;

	if (un == 0 && gn == 0)
		return;
	/* one map given: the same ranges for both, as podman's --uidmap does */
	if (gn == 0) {
		gm = um;
		gn = un;
	} else if (un == 0) {
		um = gm;
		un = gn;
	}
	set_mappings (&l->uid_mappings, &l->n_uid_mappings, um, un);
	set_mappings (&l->gid_mappings, &l->n_gid_mappings, gm, gn);
	for (size_t i = 0; i < l->n_namespaces; i++)
		if (l->namespaces[i].type == CT_RT_NS_USER)
			return;
	l->namespaces = xreallocarray (l->namespaces, l->n_namespaces + 1, sizeof *l->namespaces);
	l->namespaces[l->n_namespaces++] = (struct ct_rt_namespace){ .type = CT_RT_NS_USER };
}

int
ct_bundle_config_make (int rootfd, const struct ct_image_config *ic, const struct ct_bundle_config_opts *o,
                       struct ct_rt_spec **out, ct_error_t *err)
{
	cleanup_rt_spec struct ct_rt_spec *s = NULL;

	if (ic->os != NULL && strcmp (ic->os, "linux") != 0)
		return ct_make_error (err, 0, "image config: `os` is `%s`: only linux images make bundles", ic->os);
	s = ct_rt_spec_default (o->rootless, (uint32_t) geteuid (), (uint32_t) getegid ());
	/* a container from an image writes to its rootfs (and commit keeps
	   what it wrote), as with umoci and Docker */
	s->root->readonly = false;
	s->root->readonly_present = false;
	if (set_process (rootfd, s->process, ic, err) < 0)
		return -1;
	set_annotations (s, ic);
	set_userns (s->linux_, o);
	*out = steal_pointer (&s);
	return 0;
}
