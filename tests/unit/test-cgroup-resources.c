#include "common.h"

#include <sys/stat.h>

#include "cgroup-resources.h"
#include "cgroups.h"
#include "fs.h"
#include "ocispec/runtime.h"
#include "tap.h"

static int
test_weights (void)
{
	CHECK (rt_cg_shares_to_weight (0) == 0);
	CHECK (rt_cg_shares_to_weight (2) == 1);
	CHECK (rt_cg_shares_to_weight (1024) == 39);
	CHECK (rt_cg_shares_to_weight (262144) == 10000);
	CHECK (rt_cg_blkio_to_io_weight (0) == 0);
	CHECK (rt_cg_blkio_to_io_weight (10) == 1);
	CHECK (rt_cg_blkio_to_io_weight (300) == 2930);
	CHECK (rt_cg_blkio_to_io_weight (1000) == 10000);
	return 0;
}

static int
test_swap (void)
{
	ct_error_t err = NULL;
	int64_t v = 7;

	CHECK (rt_cg_swap_to_v2 (0, -1, &v, &err) == 0 && v == -1);
	CHECK (rt_cg_swap_to_v2 (-1, 100, &v, &err) == 0 && v == -1);
	CHECK (rt_cg_swap_to_v2 (0, 100, &v, &err) == 0 && v == 0);
	CHECK (rt_cg_swap_to_v2 (300, 100, &v, &err) == 0 && v == 200);
	CHECK (rt_cg_swap_to_v2 (100, 100, &v, &err) == 0 && v == 0);
	CHECK (rt_cg_swap_to_v2 (300, 0, &v, &err) < 0);
	CHECK_ERR (err, "unable to set swap limit without memory limit");
	ct_error_release (&err);
	CHECK (rt_cg_swap_to_v2 (50, 100, &v, &err) < 0);
	CHECK_ERR (err, "memory+swap limit should be >= memory limit");
	ct_error_release (&err);
	return 0;
}

static int
test_parse_bytes (void)
{
	static const struct {
		const char *s;
		int64_t v;
	} ok[] = {
		{ "0", 0 },
		{ "1024", 1024 },
		{ "-1", -1 },
		{ "512m", 536870912 },
		{ "1G", 1073741824 },
		{ "1.5k", 1536 },
		{ "10KiB", 10240 },
		{ "1kb", 1024 },
		{ "64 MiB", 67108864 },
		{ "2t", 2199023255552LL },
		{ "3b", 3 },
	};
	static const char *const bad[] = { "", "x", "-2", "1.2.3", "5q", "1.", ".5", "1kk", "m", "99999999999p" };
	int64_t v;

	for (size_t i = 0; i < CT_ARRAY_SIZE (ok); i++) {
		v = -7;
		CHECK (rt_cg_parse_bytes (ok[i].s, &v) == 0);
		CHECK (v == ok[i].v);
	}
	for (size_t i = 0; i < CT_ARRAY_SIZE (bad); i++)
		CHECK (rt_cg_parse_bytes (bad[i], &v) < 0);
	return 0;
}

static int
test_decode (void)
{
	static const char doc[] = "{\"memory\": {\"limit\": 1048576, \"swap\": -1}, \"cpu\": {\"cpus\": \"0-1\"},"
	                          " \"pids\": {\"limit\": 9}, \"rdma\": {\"mlx\": {\"hcaHandles\": 2}}}";
	static const char bad[] = "{\"cpu\": {\"shares\": -1}}";
	cleanup_rt_resources struct ct_rt_resources *r = NULL;
	ct_error_t err = NULL;

	CHECK (ct_rt_resources_decode (doc, strlen (doc), "res.json", &r, &err) == 0);
	CHECK (r->memory && r->memory->limit_present && r->memory->limit == 1048576 && r->memory->swap == -1);
	CHECK_STR (r->cpu->cpus, "0-1");
	CHECK (r->pids->limit == 9);
	CHECK (r->n_rdma == 1 && r->rdma[0].hca_handles_present && !r->rdma[0].hca_objects_present);
	CHECK (ct_rt_resources_decode (bad, strlen (bad), "res.json", &r, &err) < 0);
	CHECK_ERR (err, "res.json: `cpu.shares`: not a uint64");
	ct_error_release (&err);
	CHECK (ct_rt_resources_decode ("[]", 2, "stdin", &r, &err) < 0);
	CHECK_ERR (err, "stdin: not a JSON object");
	ct_error_release (&err);
	return 0;
}

/* A fake v2 cgroup: a temporary directory holding the files. */
static int
put (int dfd, const char *f, const char *v)
{
	int fd = openat (dfd, f, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (write (fd, v, strlen (v)) < 0) {
		close (fd);
		return -1;
	}
	return close (fd);
}

static int
get (int dfd, const char *f, char *buf, size_t n)
{
	ct_error_t err = NULL;
	if (rt_cg_read (dfd, f, buf, n, &err) < 0) {
		ct_error_release (&err);
		return -1;
	}
	return 0;
}

static int
test_apply_v2 (void)
{
	static const char doc[] = "{\"memory\": {\"limit\": 1000, \"swap\": 3000, \"reservation\": 500},"
	                          " \"cpu\": {\"shares\": 1024, \"quota\": 5000},"
	                          " \"pids\": {\"limit\": -1}, \"blockIO\": {\"weight\": 300}}";
	char tmpl[] = "/tmp/ct-test-cgres-XXXXXX";
	cleanup_rt_resources struct ct_rt_resources *r = NULL;
	cleanup_close int dfd = -1;
	struct rt_cg_hier h = { 0 };
	struct rt_cgroup cg = { 0 };
	ct_error_t err = NULL;
	char buf[64];
	int ret = -1;

	CHECK (mkdtemp (tmpl) != NULL);
	dfd = open (tmpl, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	CHECK (dfd >= 0);
	h.v2 = true;
	h.controllers = (char *) "cpu memory pids io";
	h.dirfd = dfd;
	cg.mode = RT_CG_UNIFIED;
	cg.h = &h;
	cg.n = 1;
	/* rt_cg_write does not truncate (cgroup files need not): start empty,
	   except cpu.max, whose period is kept when only the quota is given */
	if (put (dfd, "memory.max", "") < 0 || put (dfd, "memory.swap.max", "") < 0 ||
	    put (dfd, "memory.low", "") < 0 || put (dfd, "cpu.weight", "") < 0 ||
	    put (dfd, "cpu.max", "max 100000") < 0 || put (dfd, "pids.max", "") < 0 || put (dfd, "io.weight", "") < 0)
		goto out;
	if (ct_rt_resources_decode (doc, strlen (doc), "res.json", &r, &err) < 0 ||
	    rt_cg_apply (&cg, r, false, &err) < 0) {
		printf ("# %s\n", err ? err->msg : "?");
		goto out;
	}
	if (get (dfd, "memory.max", buf, sizeof buf) < 0 || strcmp (buf, "1000") != 0 ||
	    get (dfd, "memory.swap.max", buf, sizeof buf) < 0 || strcmp (buf, "2000") != 0 ||
	    get (dfd, "memory.low", buf, sizeof buf) < 0 || strcmp (buf, "500") != 0 ||
	    get (dfd, "cpu.weight", buf, sizeof buf) < 0 || strcmp (buf, "39") != 0 ||
	    get (dfd, "cpu.max", buf, sizeof buf) < 0 || strcmp (buf, "5000 100000") != 0 ||
	    get (dfd, "pids.max", buf, sizeof buf) < 0 || strcmp (buf, "max") != 0 ||
	    get (dfd, "io.weight", buf, sizeof buf) < 0 || strcmp (buf, "2930") != 0) {
		printf ("# unexpected value `%s`\n", buf);
		goto out;
	}
	/* a controller the cgroup lacks is named by its field */
	ct_rt_resources_free (steal_pointer (&r));
	if (ct_rt_resources_decode ("{\"network\": {\"classID\": 1}}", 27, "res.json", &r, &err) < 0 ||
	    rt_cg_apply (&cg, r, false, &err) == 0 || err == NULL ||
	    strcmp (err->msg,
	            "config.json: `linux.resources.network.classID`: the net_cls controller is not available") != 0) {
		printf ("# %s\n", err ? err->msg : "no error");
		goto out;
	}
	ct_error_release (&err);
	ret = 0;
out:
	ct_error_release (&err);
	{
		ct_error_t e = NULL;
		if (ct_fs_rm_rf_at (AT_FDCWD, tmpl, &e) < 0)
			ct_error_release (&e);
	}
	return ret;
}

int
main (void)
{
	static const struct tap_test tests[] = {
		TAP_TEST (test_weights), TAP_TEST (test_swap),     TAP_TEST (test_parse_bytes),
		TAP_TEST (test_decode),  TAP_TEST (test_apply_v2),
	};
	return tap_run (tests, TAP_COUNT (tests));
}
