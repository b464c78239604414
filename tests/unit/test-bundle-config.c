#include "common.h"

#include <sys/stat.h>

#include "bundle-config.h"
#include "fs.h"
#include "strv.h"
#include "tap.h"

/* Fixture: TMP/root is the image's rootfs with /etc/passwd and /etc/group;
   TMP/outside holds decoy account files that a resolution escaping the
   root would read.  Built fresh for every test. */
static char tmp[64];
static char root[96];
static int rootfd = -1;

static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
                             "# a comment\n"
                             "+nis\n"
                             "broken line\n"
                             "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                             "app:x:1000:1000:App:/home/app:/bin/sh\n"
                             "nohome:x:1001:1001::\n"
                             "app:x:2000:2000:second app, ignored:/nowhere:/bin/sh\n";
static const char group[] = "root:x:0:\n"
                            "wheel:x:10:root,app\n"
                            "staff:x:50:\n"
                            "audio:x:29:daemon,app\n"
                            "app:x:1000:\n"
                            "again:x:10:app\n"
                            "video:x:44:apprentice\n";

static void
put (const char *dir, const char *name, const char *text)
{
	cleanup_free char *p = NULL;
	int fd;

	xasprintf (&p, "%s/%s", dir, name);
	fd = open (p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write (fd, text, strlen (text)) != (ssize_t) strlen (text))
		abort ();
	close (fd);
}

static void
mkdir_in (const char *dir, const char *name)
{
	cleanup_free char *p = NULL;

	xasprintf (&p, "%s/%s", dir, name);
	if (mkdir (p, 0755) < 0)
		abort ();
}

static void
remove_in (const char *dir, const char *name)
{
	cleanup_free char *p = NULL;

	xasprintf (&p, "%s/%s", dir, name);
	if (unlink (p) < 0)
		abort ();
}

static void
symlink_in (const char *dir, const char *name, const char *target)
{
	cleanup_free char *p = NULL;

	xasprintf (&p, "%s/%s", dir, name);
	if (symlink (target, p) < 0)
		abort ();
}

static int
setup (void)
{
	snprintf (tmp, sizeof tmp, "/tmp/ct-test-bc-XXXXXX");
	if (mkdtemp (tmp) == NULL)
		return -1;
	snprintf (root, sizeof root, "%s/root", tmp);
	if (mkdir (root, 0755) < 0)
		return -1;
	mkdir_in (root, "etc");
	put (root, "etc/passwd", passwd);
	put (root, "etc/group", group);
	/* decoys: a user `app` with other ids outside the root */
	mkdir_in (tmp, "outside");
	put (tmp, "outside/passwd", "app:x:6666:6666::/decoy:/bin/sh\nwww:x:33:33::/var/www:/bin/sh\n");
	put (tmp, "outside/group", "decoy:x:6666:app\n");
	rootfd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return rootfd < 0 ? -1 : 0;
}

static void
teardown (void)
{
	ct_error_t err = NULL;

	if (rootfd >= 0)
		close (rootfd);
	rootfd = -1;
	if (ct_fs_rm_rf_at (AT_FDCWD, tmp, &err) < 0)
		ct_error_release (&err);
}

/* A config.json made from the image config `json` (its "config" object
   and any top-level members) with no id maps. */
static int
make (const char *json, struct ct_rt_spec **out, ct_error_t *err)
{
	cleanup_image_config struct ct_image_config *ic = NULL;
	struct ct_bundle_config_opts o = { 0 };
	cleanup_free char *doc = NULL;

	xasprintf (&doc,
	           "{\"architecture\":\"amd64\",\"os\":\"linux\",%s,\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}",
	           json);
	if (ct_image_config_decode (doc, strlen (doc), "config", &ic, err) < 0) {
		printf ("# decode: %s\n", (*err)->msg);
		abort ();
	}
	return ct_bundle_config_make (rootfd, ic, &o, out, err);
}

/* "a b c" for a string vector, for comparisons. */
static char *
joined (char **v)
{
	return v == NULL ? xstrdup ("(null)") : ct_strv_join (v, " ");
}

static char *
gids (const struct ct_rt_user *u)
{
	cleanup_strv char **v = NULL;

	if (!u->additional_gids_present)
		return xstrdup ("-");
	for (size_t i = 0; i < u->n_additional_gids; i++) {
		cleanup_free char *s = NULL;
		xasprintf (&s, "%u", u->additional_gids[i]);
		ct_strv_push (&v, s);
	}
	return ct_strv_join (v, ",");
}

/* ------------------------------------------------------------ args */

static int
args_is (const char *config, const char *want)
{
	cleanup_rt_spec struct ct_rt_spec *s = NULL;
	cleanup_free char *got = NULL;
	cleanup_free char *json = NULL;
	ct_error_t err = NULL;

	xasprintf (&json, "\"config\":{%s}", config);
	if (make (json, &s, &err) < 0) {
		printf ("# %s: %s\n", config, err->msg);
		ct_error_release (&err);
		return -1;
	}
	got = joined (s->process->args);
	CHECK_STR (got, want);
	return 0;
}

static int
args_fail (const char *config)
{
	cleanup_rt_spec struct ct_rt_spec *s = NULL;
	cleanup_free char *json = NULL;
	ct_error_t err = NULL;

	xasprintf (&json, "\"config\":{%s}", config);
	CHECK (make (json, &s, &err) == 0);
	CHECK (s->process->args == NULL || s->process->args[0] == NULL);
	return 0;
}

static int
test_args (void)
{
	CHECK (args_is ("\"Entrypoint\":[\"/bin/app\",\"-v\"],\"Cmd\":[\"serve\",\"--port\",\"80\"]",
	                "/bin/app -v serve --port 80") == 0);
	CHECK (args_is ("\"Entrypoint\":[\"/bin/app\"]", "/bin/app") == 0);
	CHECK (args_is ("\"Cmd\":[\"/bin/sh\",\"-c\",\"echo hi\"]", "/bin/sh -c echo hi") == 0);
	/* null and [] add nothing: the other one runs alone */
	CHECK (args_is ("\"Entrypoint\":null,\"Cmd\":[\"/bin/sh\"]", "/bin/sh") == 0);
	CHECK (args_is ("\"Entrypoint\":[],\"Cmd\":[\"/bin/sh\"]", "/bin/sh") == 0);
	CHECK (args_is ("\"Entrypoint\":[\"/init\"],\"Cmd\":[]", "/init") == 0);
	CHECK (args_is ("\"Entrypoint\":[\"/init\"],\"Cmd\":null", "/init") == 0);
	/* an empty string is an argument like any other */
	CHECK (args_is ("\"Cmd\":[\"/bin/echo\",\"\"]", "/bin/echo ") == 0);
	return 0;
}

static int
test_args_none (void)
{
	cleanup_rt_spec struct ct_rt_spec *s = NULL;
	ct_error_t err = NULL;

	CHECK (args_fail ("") == 0);
	CHECK (args_fail ("\"Entrypoint\":null,\"Cmd\":null") == 0);
	CHECK (args_fail ("\"Entrypoint\":[],\"Cmd\":[]") == 0);
	CHECK (args_fail ("\"Env\":[\"A=1\"]") == 0);
	/* no config object at all */
	CHECK (make ("\"created\":\"2024-01-01T00:00:00Z\"", &s, &err) == 0);
	CHECK (s->process->args == NULL || s->process->args[0] == NULL);
	return 0;
}

/* ------------------------------------------------------------ env, cwd, defaults */

static int
test_env_cwd (void)
{
	cleanup_rt_spec struct ct_rt_spec *s = NULL;
	cleanup_rt_spec struct ct_rt_spec *t = NULL;
	cleanup_rt_spec struct ct_rt_spec *u = NULL;
	cleanup_free char *e1 = NULL;
	cleanup_free char *e2 = NULL;
	cleanup_free char *e3 = NULL;
	ct_error_t err = NULL;

	/* verbatim, in order, duplicates and all; PATH is the image's */
	CHECK (make ("\"config\":{\"Cmd\":[\"x\"],\"Env\":[\"PATH=/app/"
	             "bin\",\"B=2\",\"A=1\",\"B=3\",\"EMPTY=\",\"HOME=/h\"],"
	             "\"WorkingDir\":\"/srv/app\"}",
	             &s, &err) == 0);
	e1 = joined (s->process->env);
	CHECK_STR (e1, "PATH=/app/bin B=2 A=1 B=3 EMPTY= HOME=/h");
	CHECK_STR (s->process->cwd, "/srv/app");

	/* no PATH: runc's default added; HOME from /etc/passwd (root) */
	CHECK (make ("\"config\":{\"Cmd\":[\"x\"],\"Env\":[\"PATHX=1\",\"A=1\"]}", &t, &err) == 0);
	e2 = joined (t->process->env);
	CHECK_STR (e2, "PATHX=1 A=1 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root");
	CHECK_STR (t->process->cwd, "/");

	/* no Env at all, empty WorkingDir, a user without a home: HOME=/ */
	CHECK (make ("\"config\":{\"Cmd\":[\"x\"],\"WorkingDir\":\"\",\"User\":\"nohome\"}", &u, &err) == 0);
	e3 = joined (u->process->env);
	CHECK_STR (e3, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/");
	CHECK_STR (u->process->cwd, "/");
	return 0;
}

static int
test_defaults (void)
{
	cleanup_rt_spec struct ct_rt_spec *s = NULL;
	cleanup_free char *buf = NULL;
	cleanup_rt_spec struct ct_rt_spec *back = NULL;
	ct_error_t err = NULL;
	size_t len;
	bool user_ns = false, has_proc = false;

	CHECK (make ("\"config\":{\"Cmd\":[\"x\"]}", &s, &err) == 0);
	CHECK (s->process->terminal_present && !s->process->terminal);
	CHECK_STR (s->root->path, "rootfs");
	CHECK (!s->root->readonly);
	/* runc spec's defaults otherwise */
	CHECK (s->process->capabilities != NULL);
	CHECK (ct_strv_contains (s->process->capabilities->bounding, "CAP_KILL"));
	CHECK (s->process->no_new_privileges);
	CHECK (ct_strv_contains (s->linux_->masked_paths, "/proc/kcore"));
	CHECK (ct_strv_contains (s->linux_->readonly_paths, "/proc/sys"));
	for (size_t i = 0; i < s->n_mounts; i++)
		has_proc = has_proc || strcmp (s->mounts[i].destination, "/proc") == 0;
	CHECK (has_proc);
	for (size_t i = 0; i < s->linux_->n_namespaces; i++)
		user_ns = user_ns || s->linux_->namespaces[i].type == CT_RT_NS_USER;
	CHECK (!user_ns);
	CHECK (s->linux_->n_uid_mappings == 0);
	/* the result is a config.json our own decoder takes */
	CHECK (ct_rt_spec_encode (s, &buf, &len, &err) == 0);
	CHECK (ct_rt_spec_decode (buf, len, "config.json", &back, &err) == 0);
	CHECK (strstr (buf, "\"terminal\": false") != NULL);
	CHECK (strstr (buf, "\"readonly\"") == NULL);
	return 0;
}

static int
test_not_linux (void)
{
	cleanup_image_config struct ct_image_config *ic = NULL;
	cleanup_rt_spec struct ct_rt_spec *s = NULL;
	struct ct_bundle_config_opts o = { 0 };
	static const char doc[] = "{\"architecture\":\"amd64\",\"os\":\"windows\",\"config\":{\"Cmd\":[\"x\"]},"
	                          "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
	ct_error_t err = NULL;

	CHECK (ct_image_config_decode (doc, strlen (doc), "config", &ic, &err) == 0);
	CHECK (ct_bundle_config_make (rootfd, ic, &o, &s, &err) < 0);
	CHECK_STR (err->msg, "image config: `os` is `windows`: only linux images make bundles");
	ct_error_release (&err);
	return 0;
}

/* ------------------------------------------------------------ user */

/* Config.User `spec` gives uid, gid, additionalGids ("-" when absent) and HOME. */
static int
user_is (const char *spec, uint32_t uid, uint32_t gid, const char *want_gids, const char *home)
{
	cleanup_rt_spec struct ct_rt_spec *s = NULL;
	cleanup_free char *json = NULL;
	cleanup_free char *g = NULL;
	cleanup_free char *h = NULL;
	ct_error_t err = NULL;

	xasprintf (&json, "\"config\":{\"Cmd\":[\"x\"],\"User\":\"%s\"}", spec);
	if (make (json, &s, &err) < 0) {
		printf ("# User `%s`: %s\n", spec, err->msg);
		ct_error_release (&err);
		return -1;
	}
	if (s->process->user.uid != uid || s->process->user.gid != gid) {
		printf ("# User `%s`: %u:%u, expected %u:%u\n", spec, s->process->user.uid, s->process->user.gid, uid,
		        gid);
		return -1;
	}
	CHECK (s->process->user.uid_present && s->process->user.gid_present);
	g = gids (&s->process->user);
	CHECK_STR (g, want_gids);
	xasprintf (&h, "HOME=%s", home);
	if (!ct_strv_contains (s->process->env, h)) {
		cleanup_free char *e = joined (s->process->env);
		printf ("# User `%s`: env %s lacks %s\n", spec, e, h);
		return -1;
	}
	return 0;
}

static int
user_fails (const char *spec, const char *msg)
{
	cleanup_rt_spec struct ct_rt_spec *s = NULL;
	cleanup_free char *json = NULL;
	ct_error_t err = NULL;

	xasprintf (&json, "\"config\":{\"Cmd\":[\"x\"],\"User\":\"%s\"}", spec);
	if (make (json, &s, &err) == 0) {
		printf ("# User `%s`: accepted (uid %u)\n", spec, s->process->user.uid);
		return -1;
	}
	CHECK (s == NULL);
	if (strcmp (err->msg, msg) != 0) {
		printf ("# User `%s`: error \"%s\", expected \"%s\"\n", spec, err->msg, msg);
		ct_error_release (&err);
		return -1;
	}
	ct_error_release (&err);
	return 0;
}

static int
test_user_forms (void)
{
	/* "" and ":": root, as root's passwd entry says; no additionalGids */
	CHECK (user_is ("", 0, 0, "-", "/root") == 0);
	/* name: passwd ids (first entry wins), groups listing it, once each */
	CHECK (user_is ("app", 1000, 1000, "10,29", "/home/app") == 0);
	CHECK (user_is ("daemon", 1, 1, "29", "/usr/sbin") == 0);
	/* uid: verbatim; its passwd entry gives the group; no additionalGids
	   (conversion.md: numeric user) */
	CHECK (user_is ("1000", 1000, 1000, "-", "/home/app") == 0);
	CHECK (user_is ("0", 0, 0, "-", "/root") == 0);
	/* a uid with no entry: gid 0, HOME=/ */
	CHECK (user_is ("4242", 4242, 0, "-", "/") == 0);
	/* name:group, uid:gid, name:gid, uid:group: the group replaces the
	   primary one and no supplementary groups are added */
	CHECK (user_is ("app:staff", 1000, 50, "-", "/home/app") == 0);
	CHECK (user_is ("1000:50", 1000, 50, "-", "/home/app") == 0);
	CHECK (user_is ("app:4343", 1000, 4343, "-", "/home/app") == 0);
	CHECK (user_is ("4242:audio", 4242, 29, "-", "/") == 0);
	CHECK (user_is ("4242:4343", 4242, 4343, "-", "/") == 0);
	CHECK (user_is (":staff", 0, 50, "-", "/root") == 0);
	CHECK (user_is ("app:", 1000, 1000, "10,29", "/home/app") == 0);
	return 0;
}

static int
test_user_errors (void)
{
	CHECK (user_fails ("www", "image config: `config.User`: no user `www` in /etc/passwd") == 0);
	/* names match whole: "apprentice" is in video's list, "ap" is nobody */
	CHECK (user_fails ("ap", "image config: `config.User`: no user `ap` in /etc/passwd") == 0);
	CHECK (user_fails ("app:nogroup", "image config: `config.User`: no group `nogroup` in /etc/group") == 0);
	CHECK (user_fails ("1000:wheel2", "image config: `config.User`: no group `wheel2` in /etc/group") == 0);
	CHECK (user_fails ("4294967295", "image config: `config.User`: uid `4294967295` is out of range") == 0);
	CHECK (user_fails ("99999999999999999999", "image config: `config.User`: uid `99999999999999999999` is out "
	                                           "of range") == 0);
	CHECK (user_fails ("app:4294967295", "image config: `config.User`: gid `4294967295` is out of range") == 0);
	CHECK (user_fails ("app:x:y", "image config: `config.User`: no group `x:y` in /etc/group") == 0);
	return 0;
}

static int
test_user_no_files (void)
{
	ct_error_t err = NULL;
	cleanup_rt_spec struct ct_rt_spec *s = NULL;

	remove_in (root, "etc/passwd");
	remove_in (root, "etc/group");
	/* numbers need no file */
	CHECK (user_is ("1000", 1000, 0, "-", "/") == 0);
	CHECK (user_is ("1000:50", 1000, 50, "-", "/") == 0);
	CHECK (user_is ("", 0, 0, "-", "/") == 0);
	/* names do; the missing file is named (ENOENT) */
	CHECK (make ("\"config\":{\"Cmd\":[\"x\"],\"User\":\"app\"}", &s, &err) < 0);
	CHECK_STR (err->msg, "image config: `config.User`: no user `app` in /etc/passwd");
	CHECK (err->status == ENOENT);
	ct_error_release (&err);
	CHECK (user_fails ("1000:staff", "image config: `config.User`: no group `staff` in /etc/group") == 0);
	/* a named user without /etc/group: no supplementary groups */
	put (root, "etc/passwd", passwd);
	CHECK (user_is ("app", 1000, 1000, "-", "/home/app") == 0);
	return 0;
}

/* Account files are read inside the root whatever their symlinks say. */
static int
body_symlinks (void)
{
	cleanup_free char *target = NULL;

	/* an absolute target that, followed on the host, is the decoy */
	remove_in (root, "etc/passwd");
	remove_in (root, "etc/group");
	xasprintf (&target, "/../../..%s/outside/passwd", tmp);
	symlink_in (root, "etc/passwd", target);
	free (target);
	xasprintf (&target, "../../../../../../..%s/outside/group", tmp);
	symlink_in (root, "etc/group", target);
	/* inside the root that path holds the real files */
	{
		cleanup_free char *dir = NULL;
		cleanup_free char *f = NULL;
		ct_error_t err = NULL;
		xasprintf (&dir, "%s%s/outside", root, tmp);
		if (ct_fs_mkdir_p_at (AT_FDCWD, dir, 0755, &err) < 0)
			return -1;
		put (dir, "passwd", passwd);
		put (dir, "group", group);
	}
	CHECK (user_is ("app", 1000, 1000, "10,29", "/home/app") == 0);
	/* `www` exists only in the decoy */
	CHECK (user_fails ("www", "image config: `config.User`: no user `www` in /etc/passwd") == 0);

	/* "/../../etc/passwd" inside the root is the link itself: a loop,
	   never the host's /etc/passwd (which has `root`) */
	remove_in (root, "etc/passwd");
	symlink_in (root, "etc/passwd", "/../../etc/passwd");
	CHECK (user_fails ("root", "image config: `config.User`: open `/etc/passwd` beneath root") == 0);
	return 0;
}

static int
run_symlinks (bool openat2)
{
	int r;

	if (openat2)
		unsetenv ("CT_NO_OPENAT2");
	else
		setenv ("CT_NO_OPENAT2", "1", 1);
	if (openat2 && !ct_fs_have_openat2 ()) {
		unsetenv ("CT_NO_OPENAT2");
		return TAP_SKIP;
	}
	r = body_symlinks ();
	unsetenv ("CT_NO_OPENAT2");
	return r;
}

static int
test_user_symlinks_openat2 (void)
{
	return run_symlinks (true);
}

static int
test_user_symlinks_fallback (void)
{
	return run_symlinks (false);
}

static int
test_user_not_regular (void)
{
	cleanup_free char *p = NULL;

	/* a FIFO would block a plain open: the unpack must fail, not hang */
	remove_in (root, "etc/passwd");
	xasprintf (&p, "%s/etc/passwd", root);
	if (mkfifo (p, 0644) < 0)
		return -1;
	alarm (10);
	CHECK (user_fails ("app", "image config: `config.User`: `/etc/passwd` is not a regular file") == 0);
	CHECK (user_fails ("1000", "image config: `config.User`: `/etc/passwd` is not a regular file") == 0);
	alarm (0);
	remove_in (root, "etc/group");
	mkdir_in (root, "etc/group");
	remove_in (root, "etc/passwd");
	put (root, "etc/passwd", passwd);
	CHECK (user_fails ("app", "image config: `config.User`: `/etc/group` is not a regular file") == 0);
	return 0;
}

static int
test_user_too_large (void)
{
	cleanup_free char *p = NULL;
	int fd;

	/* a sparse 9 MiB /etc/passwd: bounded, not read whole */
	xasprintf (&p, "%s/etc/passwd", root);
	fd = open (p, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0 || ftruncate (fd, 9 * 1024 * 1024) < 0)
		return -1;
	close (fd);
	CHECK (user_fails ("app", "image config: `config.User`: read `/etc/passwd`: larger than 8388608 bytes") == 0);
	return 0;
}

/* ------------------------------------------------------------ annotations */

static int
test_annotations (void)
{
	cleanup_rt_spec struct ct_rt_spec *s = NULL;
	ct_error_t err = NULL;
	const struct ct_rt_map *m;

	CHECK (make ("\"created\":\"2024-05-06T07:08:09Z\",\"author\":\"Ann <a@example.org>\",\"variant\":\"v8\","
	             "\"os.version\":\"6.1\",\"os.features\":[\"f1\",\"f2\"],"
	             "\"config\":{\"Cmd\":[\"x\"],\"StopSignal\":\"SIGQUIT\","
	             "\"ExposedPorts\":{\"80/tcp\":{},\"53/udp\":{},\"443/tcp\":{},\"8080\":{}},"
	             "\"Volumes\":{\"/var/lib/db\":{},\"/data\":{}},"
	             "\"Labels\":{\"com.example.x\":\"1\",\"org.opencontainers.image.author\":\"label wins\","
	             "\"empty\":\"\"}}",
	             &s, &err) == 0);
	m = &s->annotations;
	CHECK (s->annotations_present);
	/* labels first, in document order */
	CHECK_STR (m->keys[0], "com.example.x");
	CHECK_STR (ct_rt_map_get (m, "com.example.x"), "1");
	CHECK_STR (ct_rt_map_get (m, "empty"), "");
	CHECK_STR (ct_rt_map_get (m, "org.opencontainers.image.os"), "linux");
	CHECK_STR (ct_rt_map_get (m, "org.opencontainers.image.architecture"), "amd64");
	CHECK_STR (ct_rt_map_get (m, "org.opencontainers.image.variant"), "v8");
	CHECK_STR (ct_rt_map_get (m, "org.opencontainers.image.os.version"), "6.1");
	CHECK_STR (ct_rt_map_get (m, "org.opencontainers.image.os.features"), "f1,f2");
	CHECK_STR (ct_rt_map_get (m, "org.opencontainers.image.created"), "2024-05-06T07:08:09Z");
	CHECK_STR (ct_rt_map_get (m, "org.opencontainers.image.stopSignal"), "SIGQUIT");
	CHECK_STR (ct_rt_map_get (m, "org.opencontainers.image.exposedPorts"), "443/tcp,53/udp,80/tcp,8080");
	CHECK_STR (ct_rt_map_get (m, "org.opencontainers.image.volumes"), "/data,/var/lib/db");
	/* conversion.md: Config.Labels take precedence over implied values */
	CHECK_STR (ct_rt_map_get (m, "org.opencontainers.image.author"), "label wins");
	/* once each */
	CHECK (m->n == 12);
	return 0;
}

static int
test_annotations_minimal (void)
{
	cleanup_rt_spec struct ct_rt_spec *s = NULL;
	ct_error_t err = NULL;
	const struct ct_rt_map *m;

	/* absent fields give no annotation (not an empty one) */
	CHECK (make ("\"config\":{\"Cmd\":[\"x\"],\"ExposedPorts\":{},\"Labels\":{}}", &s, &err) == 0);
	m = &s->annotations;
	CHECK (m->n == 2);
	CHECK_STR (ct_rt_map_get (m, "org.opencontainers.image.os"), "linux");
	CHECK_STR (ct_rt_map_get (m, "org.opencontainers.image.architecture"), "amd64");
	CHECK (ct_rt_map_get (m, "org.opencontainers.image.exposedPorts") == NULL);
	CHECK (ct_rt_map_get (m, "org.opencontainers.image.stopSignal") == NULL);
	return 0;
}

/* ------------------------------------------------------------ id maps */

static int
map_make (bool rootless, const struct ct_id_map *um, size_t un, const struct ct_id_map *gm, size_t gn,
          struct ct_rt_spec **out)
{
	cleanup_image_config struct ct_image_config *ic = NULL;
	struct ct_bundle_config_opts o = {
		.rootless = rootless, .uid_map = um, .n_uid_map = un, .gid_map = gm, .n_gid_map = gn
	};
	static const char doc[] = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"x\"]},"
	                          "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
	ct_error_t err = NULL;

	if (ct_image_config_decode (doc, strlen (doc), "config", &ic, &err) < 0 ||
	    ct_bundle_config_make (rootfd, ic, &o, out, &err) < 0) {
		printf ("# %s\n", err->msg);
		ct_error_release (&err);
		return -1;
	}
	return 0;
}

static size_t
count_ns (const struct ct_rt_spec *s, enum ct_rt_ns_type t)
{
	size_t n = 0;

	for (size_t i = 0; i < s->linux_->n_namespaces; i++)
		n += s->linux_->namespaces[i].type == t;
	return n;
}

static bool
has_mount_option (const struct ct_rt_spec *s, const char *dest, const char *opt)
{
	for (size_t i = 0; i < s->n_mounts; i++)
		if (strcmp (s->mounts[i].destination, dest) == 0)
			return ct_strv_contains (s->mounts[i].options, opt);
	return false;
}

static int
test_idmaps (void)
{
	cleanup_rt_spec struct ct_rt_spec *s = NULL;
	cleanup_rt_spec struct ct_rt_spec *t = NULL;
	static const struct ct_id_map um[] = { { 0, 100000, 1000 }, { 1000, 1000, 1 } };
	static const struct ct_id_map gm[] = { { 0, 200000, 65536 } };
	const struct ct_rt_linux *l;

	/* as root: root's shape plus a user namespace and the mappings */
	CHECK (map_make (false, um, 2, gm, 1, &s) == 0);
	l = s->linux_;
	CHECK (count_ns (s, CT_RT_NS_USER) == 1);
	CHECK (count_ns (s, CT_RT_NS_NETWORK) == 1);
	CHECK (l->n_uid_mappings == 2 && l->n_gid_mappings == 1);
	CHECK (l->uid_mappings[0].container_id == 0 && l->uid_mappings[0].host_id == 100000 &&
	       l->uid_mappings[0].size == 1000);
	CHECK (l->uid_mappings[1].container_id == 1000 && l->uid_mappings[1].host_id == 1000 &&
	       l->uid_mappings[1].size == 1);
	CHECK (l->gid_mappings[0].host_id == 200000 && l->gid_mappings[0].size == 65536);

	/* one map given: used for both */
	CHECK (map_make (false, um, 1, NULL, 0, &t) == 0);
	CHECK (t->linux_->n_gid_mappings == 1 && t->linux_->gid_mappings[0].host_id == 100000);
	CHECK (count_ns (t, CT_RT_NS_USER) == 1);
	return 0;
}

static int
test_rootless (void)
{
	cleanup_rt_spec struct ct_rt_spec *s = NULL;
	cleanup_rt_spec struct ct_rt_spec *t = NULL;
	static const struct ct_id_map um[] = { { 0, 100000, 65536 } };
	const struct ct_rt_linux *l;

	/* runc spec --rootless: the caller mapped to 0, a user namespace, no
	   network namespace, no gid=5 on devpts, /sys bound */
	CHECK (map_make (true, NULL, 0, NULL, 0, &s) == 0);
	l = s->linux_;
	CHECK (count_ns (s, CT_RT_NS_USER) == 1);
	CHECK (count_ns (s, CT_RT_NS_NETWORK) == 0);
	CHECK (l->n_uid_mappings == 1 && l->uid_mappings[0].container_id == 0 &&
	       l->uid_mappings[0].host_id == (uint32_t) geteuid () && l->uid_mappings[0].size == 1);
	CHECK (l->n_gid_mappings == 1 && l->gid_mappings[0].host_id == (uint32_t) getegid ());
	CHECK (!has_mount_option (s, "/dev/pts", "gid=5"));
	CHECK (has_mount_option (s, "/sys", "rbind"));

	/* rootless with maps: the maps, one user namespace */
	CHECK (map_make (true, um, 1, um, 1, &t) == 0);
	CHECK (count_ns (t, CT_RT_NS_USER) == 1);
	CHECK (t->linux_->n_uid_mappings == 1 && t->linux_->uid_mappings[0].host_id == 100000 &&
	       t->linux_->uid_mappings[0].size == 65536);
	return 0;
}

/* ------------------------------------------------------------ runner */

static int (*current) (void);

static int
with_fixture (void)
{
	int r;

	if (setup () < 0)
		return -1;
	r = current ();
	teardown ();
	return r;
}

#define FIXTURE(f)                      \
	static int f##_fx (void)        \
	{                               \
		current = f;            \
		return with_fixture (); \
	}

FIXTURE (test_args)
FIXTURE (test_args_none)
FIXTURE (test_env_cwd)
FIXTURE (test_defaults)
FIXTURE (test_not_linux)
FIXTURE (test_user_forms)
FIXTURE (test_user_errors)
FIXTURE (test_user_no_files)
FIXTURE (test_user_symlinks_openat2)
FIXTURE (test_user_symlinks_fallback)
FIXTURE (test_user_not_regular)
FIXTURE (test_user_too_large)
FIXTURE (test_annotations)
FIXTURE (test_annotations_minimal)
FIXTURE (test_idmaps)
FIXTURE (test_rootless)

int
main (void)
{
	static const struct tap_test tests[] = {
		{ "args", test_args_fx },
		{ "args_none", test_args_none_fx },
		{ "env_cwd", test_env_cwd_fx },
		{ "defaults", test_defaults_fx },
		{ "not_linux", test_not_linux_fx },
		{ "user_forms", test_user_forms_fx },
		{ "user_errors", test_user_errors_fx },
		{ "user_no_files", test_user_no_files_fx },
		{ "user_symlinks_openat2", test_user_symlinks_openat2_fx },
		{ "user_symlinks_fallback", test_user_symlinks_fallback_fx },
		{ "user_not_regular", test_user_not_regular_fx },
		{ "user_too_large", test_user_too_large_fx },
		{ "annotations", test_annotations_fx },
		{ "annotations_minimal", test_annotations_minimal_fx },
		{ "idmaps", test_idmaps_fx },
		{ "rootless", test_rootless_fx },
	};

	return tap_run (tests, TAP_COUNT (tests));
}
