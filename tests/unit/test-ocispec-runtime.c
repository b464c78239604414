#include "common.h"

#include <dirent.h>
#include <sys/stat.h>

#include "ocispec/runtime.h"
#include "runtime/validate.h"
#include "tap.h"

static char *
fixture (const char *name)
{
	const char *src = getenv ("CT_SRCDIR");
	char *p = NULL;

	xasprintf (&p, "%s/tests/fixtures/%s", src ? src : ".", name);
	return p;
}

static int
test_full_decode (void)
{
	cleanup_free char *path = fixture ("full-config.json");
	cleanup_rt_spec struct ct_rt_spec *s = NULL;
	ct_error_t err = NULL;
	const struct ct_rt_linux *l;
	const struct ct_rt_process *p;

	if (ct_rt_spec_load (path, &s, &err) < 0) {
		printf ("# %s\n", err->msg);
		ct_error_release (&err);
		return -1;
	}
	CHECK_STR (s->oci_version, "1.3.0");
	p = s->process;
	CHECK (p != NULL && p->terminal && p->terminal_present);
	CHECK (p->console_size && p->console_size->height == 25 && p->console_size->width == 80);
	CHECK (p->user_present && p->user.uid == 1 && p->user.gid == 2 && p->user.umask == 18);
	CHECK (p->user.n_additional_gids == 2 && p->user.additional_gids[1] == 6);
	CHECK_STR (p->args[2], "true");
	CHECK (p->args[3] == NULL);
	CHECK_STR (p->capabilities->ambient[0], "CAP_KILL");
	CHECK (p->capabilities->inheritable != NULL && p->capabilities->inheritable[0] == NULL);
	CHECK (p->n_rlimits == 1 && p->rlimits[0].hard == UINT64_MAX && p->rlimits[0].soft == 1024);
	CHECK (p->oom_score_adj_present && p->oom_score_adj == -1000);
	CHECK (p->scheduler && p->scheduler->nice == -5 && p->scheduler->period == 3);
	CHECK_STR (p->io_priority->class_, "IOPRIO_CLASS_BE");
	CHECK_STR (p->exec_cpu_affinity->final, "0-1");
	CHECK (s->root && s->root->readonly);
	CHECK_STR (s->domainname, "example.org");
	CHECK (s->n_mounts == 2 && s->mounts[1].n_uid_mappings == 1 && s->mounts[1].uid_mappings[0].host_id == 100000);
	CHECK (s->hooks && s->hooks->prestart.n == 1 && s->hooks->prestart.hooks[0].timeout == 5);
	CHECK_STR (s->hooks->poststop.hooks[0].path, "/bin/pst");
	CHECK_STR (ct_rt_map_get (&s->annotations, "b"), "c");
	l = s->linux_;
	CHECK (l != NULL && l->n_namespaces == 8 && l->namespaces[7].type == CT_RT_NS_TIME);
	CHECK_STR (ct_rt_map_get (&l->sysctl, "kernel.shmmax"), "4096");
	CHECK (l->resources->memory->swap == -1 && l->resources->memory->check_before_update);
	CHECK (l->resources->cpu->realtime_runtime == 950000);
	CHECK (l->resources->pids->limit == 32);
	CHECK (l->resources->block_io->weight_device[0].leaf_weight == 300);
	CHECK (l->resources->block_io->throttle_write_iops_device[0].rate == 900);
	CHECK (l->resources->hugepage_limits[0].limit == 9223372036854775808ull);
	CHECK (l->resources->network->class_id == 1048577);
	CHECK (l->resources->n_rdma == 1 && l->resources->rdma[0].hca_objects == 10000);
	CHECK_STR (ct_rt_map_get (&l->resources->unified, "memory.high"), "1G");
	CHECK (l->n_devices == 1 && l->devices[0].file_mode == 438);
	CHECK (l->n_net_devices == 1);
	CHECK_STR (l->net_devices[0].name, "ceth1");
	CHECK (l->seccomp->n_syscalls == 2 && l->seccomp->syscalls[1].args[0].value == 8);
	CHECK_STR (l->rootfs_propagation, "slave");
	CHECK (l->intel_rdt->enable_monitoring);
	CHECK_STR (l->personality->domain, "LINUX");
	CHECK (l->time_offsets->boottime->secs == -3600 && !l->time_offsets->monotonic->nanosecs_present);
	CHECK_STR (l->memory_policy->flags[0], "MPOL_F_STATIC_NODES");
	return 0;
}

static int
test_round_trip (void)
{
	cleanup_free char *path = fixture ("full-config.json");
	cleanup_rt_spec struct ct_rt_spec *s = NULL;
	cleanup_rt_spec struct ct_rt_spec *s2 = NULL;
	cleanup_free char *a = NULL;
	cleanup_free char *b = NULL;
	size_t alen = 0, blen = 0;
	ct_error_t err = NULL;

	CHECK (ct_rt_spec_load (path, &s, &err) == 0);
	CHECK (ct_rt_spec_encode (s, &a, &alen, &err) == 0);
	CHECK (ct_rt_spec_decode (a, alen, "encoded", &s2, &err) == 0);
	CHECK (ct_rt_spec_encode (s2, &b, &blen, &err) == 0);
	CHECK (alen == blen);
	CHECK_STR (a, b);
	CHECK (strstr (a, "\n\t\"process\": {\n\t\t\"terminal\": true") != NULL);
	CHECK (strstr (a, "18446744073709551615") != NULL);
	return 0;
}

static int
test_default_spec (void)
{
	cleanup_rt_spec struct ct_rt_spec *s = ct_rt_spec_default (false, 0, 0);
	cleanup_rt_spec struct ct_rt_spec *r = ct_rt_spec_default (true, 1000, 1001);
	cleanup_free char *a = NULL;
	ct_error_t err = NULL;
	char dir[] = "/tmp/test-ocispec-XXXXXX";
	cleanup_free char *rootfs = NULL;
	int ret = 0;

	CHECK (ct_rt_spec_encode (s, &a, NULL, &err) == 0);
	CHECK (strncmp (a, "{\n\t\"ociVersion\": \"" CT_OCI_RUNTIME_SPEC_VERSION "\",\n\t\"process\"", 32) == 0);
	CHECK (r->linux_->uid_mappings[0].host_id == 1000 && r->linux_->gid_mappings[0].host_id == 1001);
	CHECK (mkdtemp (dir) != NULL);
	xasprintf (&rootfs, "%s/rootfs", dir);
	CHECK (mkdir (rootfs, 0755) == 0);
	if (rt_validate_spec (s, dir, &err) < 0 || rt_validate_spec (r, dir, &err) < 0) {
		printf ("# %s\n", err->msg);
		ct_error_release (&err);
		ret = -1;
	}
	rmdir (rootfs);
	rmdir (dir);
	return ret;
}

static int
test_ns_names (void)
{
	for (int i = 0; i < CT_RT_NS__COUNT; i++)
		CHECK (ct_rt_ns_type_from_name (ct_rt_ns_type_name ((enum ct_rt_ns_type) i)) == i);
	CHECK (ct_rt_ns_type_from_name ("net") == -1);
	CHECK (ct_rt_ns_type_name (CT_RT_NS__COUNT) == NULL);
	CHECK_STR (ct_rt_ns_type_name (CT_RT_NS_NETWORK), "network");
	return 0;
}

static char *
read_text (const char *path)
{
	FILE *f = fopen (path, "re");
	char buf[4096];
	size_t n;

	if (f == NULL)
		return NULL;
	n = fread (buf, 1, sizeof buf - 1, f);
	fclose (f);
	buf[n] = '\0';
	buf[strcspn (buf, "\n")] = '\0';
	return xstrdup (buf);
}

/* Every tests/fixtures/bad-configs/NN-x.json fails decode or validation with
   a one-line message containing NN-x.expect. */
static int
test_bad_configs (void)
{
	cleanup_free char *dirpath = fixture ("bad-configs");
	cleanup_dir DIR *d = opendir (dirpath);
	char bundle[] = "/tmp/test-ocispec-XXXXXX";
	cleanup_free char *rootfs = NULL;
	struct dirent *de;
	int n = 0, failed = 0;

	CHECK (d != NULL);
	CHECK (mkdtemp (bundle) != NULL);
	xasprintf (&rootfs, "%s/rootfs", bundle);
	CHECK (mkdir (rootfs, 0755) == 0);
	while ((de = readdir (d)) != NULL) {
		size_t len = strlen (de->d_name);
		cleanup_free char *expect_path = NULL;
		cleanup_free char *json_path = NULL;
		cleanup_free char *expect = NULL;
		cleanup_rt_spec struct ct_rt_spec *s = NULL;
		ct_error_t err = NULL;

		if (len < 8 || strcmp (de->d_name + len - 7, ".expect") != 0)
			continue;
		xasprintf (&expect_path, "%s/%s", dirpath, de->d_name);
		xasprintf (&json_path, "%s/%.*s.json", dirpath, (int) (len - 7), de->d_name);
		expect = read_text (expect_path);
		n++;
		if (ct_rt_spec_load (json_path, &s, &err) == 0 && rt_validate_spec (s, bundle, &err) == 0) {
			printf ("# %s: accepted\n", de->d_name);
			failed++;
			continue;
		}
		if (expect == NULL || strstr (err->msg, expect) == NULL || strchr (err->msg, '\n') != NULL) {
			printf ("# %s: \"%s\" lacks \"%s\"\n", de->d_name, err->msg, expect ? expect : "?");
			failed++;
		}
		ct_error_release (&err);
	}
	rmdir (rootfs);
	rmdir (bundle);
	printf ("# %d bad configs checked\n", n);
	CHECK (n >= 25);
	CHECK (failed == 0);
	return 0;
}

static int
test_huge_document (void)
{
	size_t len = 5 * 1024 * 1024;
	cleanup_free char *buf = xmalloc (len);
	struct ct_rt_spec *s = NULL;
	ct_error_t err = NULL;

	memset (buf, ' ', len);
	buf[0] = '{';
	buf[len - 1] = '}';
	CHECK (ct_rt_spec_decode (buf, len, "config.json", &s, &err) == -1);
	CHECK_STR (err->msg, "config.json: document too large");
	ct_error_release (&err);
	return 0;
}

int
main (void)
{
	static const struct tap_test tests[] = {
		TAP_TEST (test_full_decode), TAP_TEST (test_round_trip),  TAP_TEST (test_default_spec),
		TAP_TEST (test_ns_names),    TAP_TEST (test_bad_configs), TAP_TEST (test_huge_document),
	};
	return tap_run (tests, TAP_COUNT (tests));
}
