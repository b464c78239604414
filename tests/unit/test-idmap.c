/* Idmapped mounts (runtime/idmap.c, the options in runtime/mounts.c): the
   rules checked before anything is made. */
#include "common.h"

#include "idmap.h"
#include "mounts.h"
#include "tap.h"

static int
test_options (void)
{
	char *idmap[] = { (char *) "rbind", (char *) "idmap", (char *) "ro" };
	char *ridmap[] = { (char *) "ridmap" };
	struct rt_mount m = { 0 };
	ct_error_t err = NULL;

	CHECK (rt_mount_parse_options (idmap, 3, &m, &err) == 0);
	CHECK (m.idmap && !m.ridmap && m.rec && m.idmap_fd == -1);
	/* never passed to mount(2) */
	CHECK (m.data == NULL);
	rt_mount_release (&m);
	CHECK (rt_mount_parse_options (ridmap, 1, &m, &err) == 0);
	CHECK (m.idmap && m.ridmap && m.data == NULL);
	rt_mount_release (&m);
	return 0;
}

static int
test_check (void)
{
	struct ct_rt_id_mapping map = { .container_id = 1000, .host_id = 100000, .size = 1 };
	char *idmap_opts[] = { (char *) "bind", (char *) "idmap", NULL };
	struct ct_rt_namespace user = { .type = CT_RT_NS_USER };
	struct ct_rt_linux l = { 0 };
	struct ct_rt_mount m = { .destination = (char *) "/mnt", .type = (char *) "bind", .source = (char *) "/tmp" };
	struct ct_rt_spec spec = { .mounts = &m, .n_mounts = 1, .linux_ = &l };
	ct_error_t err = NULL;

	if (geteuid () != 0)
		return TAP_SKIP; /* test_rootless */
	/* a plain bind: nothing to check */
	CHECK (rt_idmap_check (&spec, &err) == 0);
	/* idmap, no mappings, no user namespace */
	m.options = idmap_opts;
	CHECK (rt_idmap_check (&spec, &err) < 0);
	CHECK_ERR (err, "config.json: `mounts[0]`: idmap without uidMappings needs a user namespace");
	ct_error_release (&err);
	/* with one: its mapping */
	l.namespaces = &user;
	l.n_namespaces = 1;
	CHECK (rt_idmap_check (&spec, &err) == 0);
	/* uid without gid */
	m.uid_mappings = &map;
	m.n_uid_mappings = 1;
	CHECK (rt_idmap_check (&spec, &err) < 0);
	CHECK_ERR (err, "config.json: `mounts[0]`: uidMappings and gidMappings go together");
	ct_error_release (&err);
	/* mappings without the option, without a user namespace: fine */
	m.gid_mappings = &map;
	m.n_gid_mappings = 1;
	m.options = NULL;
	l.n_namespaces = 0;
	CHECK (rt_idmap_check (&spec, &err) == 0);
	/* not a bind */
	m.type = (char *) "tmpfs";
	CHECK (rt_idmap_check (&spec, &err) < 0);
	CHECK_ERR (err, "config.json: `mounts[0]`: only bind mounts can be idmapped");
	ct_error_release (&err);
	return 0;
}

static int
test_rootless (void)
{
	struct ct_rt_id_mapping map = { .container_id = 0, .host_id = 1000, .size = 1 };
	struct ct_rt_mount m = { .destination = (char *) "/mnt",
		                 .type = (char *) "bind",
		                 .source = (char *) "/tmp",
		                 .uid_mappings = &map,
		                 .n_uid_mappings = 1,
		                 .gid_mappings = &map,
		                 .n_gid_mappings = 1 };
	struct ct_rt_spec spec = { .mounts = &m, .n_mounts = 1 };
	ct_error_t err = NULL;

	if (geteuid () == 0)
		return TAP_SKIP;
	CHECK (rt_idmap_check (&spec, &err) < 0);
	CHECK_ERR (err, "config.json: `mounts[0]`: idmapped mounts need root");
	ct_error_release (&err);
	return 0;
}

static const struct tap_test tests[] = {
	TAP_TEST (test_options),
	TAP_TEST (test_check),
	TAP_TEST (test_rootless),
};

int
main (void)
{
	return tap_run (tests, TAP_COUNT (tests));
}
