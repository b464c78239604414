/* Statistics (runtime/cgroup-stats.c) read from fake cgroup directories
   (plain files in a temporary directory, no root needed): runc's "data"
   shape for v1 and v2 files, omitempty rules, unit conversions, the v1
   blkio file order and v2 io.stat. */
#include "common.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "cgroup-stats.h"
#include "tap.h"
#include "xalloc.h"

static void
put (const char *dir, const char *file, const char *text)
{
	cleanup_free char *path = NULL;
	FILE *f;

	xasprintf (&path, "%s/%s", dir, file);
	f = fopen (path, "we");
	if (f != NULL) {
		fputs (text, f);
		fclose (f);
	}
}

static char *
stats_json (struct rt_cgroup *cg)
{
	struct ct_jsonw *w = ct_jsonw_new (false);
	ct_error_t err = NULL;
	char *out = NULL;
	size_t len;

	if (rt_cg_stats_write (cg, w, &err) < 0) {
		printf ("# %s\n", err->msg);
		ct_error_release (&err);
		ct_jsonw_free (w);
		return NULL;
	}
	if (ct_jsonw_finish (w, &out, &len, &err) < 0) {
		ct_error_release (&err);
		return NULL;
	}
	return out;
}

static void
cleanup_tree (const char *dir)
{
	cleanup_free char *cmd = NULL;
	cleanup_dir DIR *d = opendir (dir);
	struct dirent *de;

	while (d != NULL && (de = readdir (d)) != NULL) {
		cleanup_free char *sub = NULL;
		cleanup_dir DIR *s = NULL;
		struct dirent *f;
		if (de->d_name[0] == '.')
			continue;
		xasprintf (&sub, "%s/%s", dir, de->d_name);
		s = opendir (sub);
		while (s != NULL && (f = readdir (s)) != NULL) {
			cleanup_free char *p = NULL;
			if (f->d_name[0] == '.')
				continue;
			xasprintf (&p, "%s/%s", sub, f->d_name);
			unlink (p);
		}
		rmdir (sub);
	}
	rmdir (dir);
}

static int
test_v1 (void)
{
	char tmp[] = "/tmp/test-cgroup-stats.XXXXXX";
	struct rt_cg_hier h[3] = { { 0 } };
	struct rt_cgroup cg = { .mode = RT_CG_LEGACY, .h = h, .n = 3 };
	static const char *const names[] = { "cpu,cpuacct", "memory", "pids,blkio" };
	cleanup_free char *got = NULL;
	char want[2048];
	size_t i;
	int r = 0;

	if (mkdtemp (tmp) == NULL)
		return -1;
	for (i = 0; i < 3; i++) {
		cleanup_free char *d = NULL;
		xasprintf (&d, "%s/%zu", tmp, i);
		mkdir (d, 0700);
		h[i].controllers = (char *) names[i];
		h[i].dirfd = open (d, O_DIRECTORY | O_CLOEXEC);
		if (i == 0) {
			put (d, "cpuacct.usage", "1000\n");
			put (d, "cpuacct.usage_percpu", "600 400 \n");
			put (d, "cpuacct.usage_all", "cpu user system\n0 300 300\n1 200 200\n");
			put (d, "cpuacct.stat", "user 2\nsystem 1\n");
			put (d, "cpu.stat", "nr_periods 5\nnr_throttled 0\nthrottled_time 0\n");
		} else if (i == 1) {
			put (d, "memory.usage_in_bytes", "100\n");
			put (d, "memory.max_usage_in_bytes", "200\n");
			put (d, "memory.failcnt", "0\n");
			put (d, "memory.limit_in_bytes", "1000\n");
			put (d, "memory.stat", "rss 3\ncache 7\n");
		} else {
			put (d, "pids.current", "2\n");
			put (d, "pids.max", "max\n");
			/* bfq present but empty: runc moves on to the throttle files */
			put (d, "blkio.bfq.io_serviced_recursive", "Total 0\n");
			put (d, "blkio.throttle.io_serviced_recursive", "8:0 Read 1\n8:0 Write 0\nTotal 1\n");
			put (d, "blkio.throttle.io_service_bytes_recursive",
			     "8:0 Read 4096\n8:16 Write 0\nTotal 4096\n");
		}
	}
	got = stats_json (&cg);
	snprintf (want, sizeof (want),
	          "{\"cpu\":{\"usage\":{\"total\":1000,\"percpu\":[600,400],\"percpu_kernel\":[300,200],"
	          "\"percpu_user\":[300,200],\"kernel\":%llu,\"user\":%llu},\"throttling\":{\"periods\":5}},"
	          "\"cpuset\":{\"cpu_exclusive\":0,\"mem_hardwall\":0,\"mem_exclusive\":0,\"memory_migrate\":0,"
	          "\"memory_spread_page\":0,\"memory_spread_slab\":0,\"memory_pressure\":0,\"sched_load_balance\":0,"
	          "\"sched_relax_domain_level\":0},"
	          "\"memory\":{\"cache\":7,\"usage\":{\"limit\":1000,\"usage\":100,\"max\":200,\"failcnt\":0},"
	          "\"swap\":{\"limit\":0,\"failcnt\":0},\"kernel\":{\"limit\":0,\"failcnt\":0},"
	          "\"kernelTCP\":{\"limit\":0,\"failcnt\":0},\"raw\":{\"cache\":7,\"rss\":3}},"
	          "\"pids\":{\"current\":2},"
	          "\"blkio\":{\"ioServiceBytesRecursive\":[{\"major\":8,\"op\":\"Read\",\"value\":4096},"
	          "{\"major\":8,\"minor\":16,\"op\":\"Write\"}],"
	          "\"ioServicedRecursive\":[{\"major\":8,\"op\":\"Read\",\"value\":1},{\"major\":8,\"op\":\"Write\"}]},"
	          "\"hugetlb\":{},\"intel_rdt\":{},\"network_interfaces\":null}",
	          1000000000ull / (unsigned long long) sysconf (_SC_CLK_TCK),
	          2000000000ull / (unsigned long long) sysconf (_SC_CLK_TCK));
	if (got == NULL || strcmp (got, want) != 0) {
		printf ("# got  %s\n# want %s\n", got ? got : "(null)", want);
		r = -1;
	}
	for (i = 0; i < 3; i++)
		close (h[i].dirfd);
	cleanup_tree (tmp);
	return r;
}

static int
test_v2 (void)
{
	char tmp[] = "/tmp/test-cgroup-stats.XXXXXX";
	struct rt_cg_hier h = { .v2 = true, .controllers = (char *) "cpu io memory pids hugetlb" };
	struct rt_cgroup cg = { .mode = RT_CG_UNIFIED, .h = &h, .n = 1 };
	cleanup_free char *got = NULL;
	cleanup_free char *d = NULL;
	const char *want;
	int r = 0;

	if (mkdtemp (tmp) == NULL)
		return -1;
	xasprintf (&d, "%s/0", tmp);
	mkdir (d, 0700);
	put (d, "cpu.stat",
	     "usage_usec 5\nuser_usec 3\nsystem_usec 2\nnr_periods 0\nnr_throttled 0\nthrottled_usec 7\n");
	put (d, "memory.current", "100\n");
	put (d, "memory.max", "max\n");
	put (d, "memory.stat", "file 9\nanon 1\n");
	put (d, "memory.swap.current", "10\n");
	put (d, "memory.swap.max", "max\n");
	put (d, "memory.events", "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n");
	put (d, "pids.current", "1\n");
	put (d, "pids.max", "10\n");
	put (d, "io.stat", "8:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n");
	h.dirfd = open (d, O_DIRECTORY | O_CLOEXEC);
	got = stats_json (&cg);
	/* cpu.stat's microseconds become ns; swap is memory+swap as on v1;
	   "max" is UINT64_MAX for memory and no limit for pids */
	want = "{\"cpu\":{\"usage\":{\"total\":5000,\"kernel\":2000,\"user\":3000},\"throttling\":{\"throttledTime\":"
	       "7000}},"
	       "\"cpuset\":{\"cpu_exclusive\":0,\"mem_hardwall\":0,\"mem_exclusive\":0,\"memory_migrate\":0,"
	       "\"memory_spread_page\":0,\"memory_spread_slab\":0,\"memory_pressure\":0,\"sched_load_balance\":0,"
	       "\"sched_relax_domain_level\":0},"
	       "\"memory\":{\"cache\":9,\"usage\":{\"limit\":18446744073709551615,\"usage\":100,\"failcnt\":4},"
	       "\"swap\":{\"limit\":18446744073709551615,\"usage\":110,\"failcnt\":0},"
	       "\"kernel\":{\"limit\":0,\"failcnt\":0},\"kernelTCP\":{\"limit\":0,\"failcnt\":0},"
	       "\"raw\":{\"anon\":1,\"file\":9}},"
	       "\"pids\":{\"current\":1,\"limit\":10},"
	       "\"blkio\":{\"ioServiceBytesRecursive\":[{\"major\":8,\"op\":\"Read\",\"value\":10},"
	       "{\"major\":8,\"op\":\"Write\",\"value\":20}],"
	       "\"ioServicedRecursive\":[{\"major\":8,\"op\":\"Read\",\"value\":1},{\"major\":8,\"op\":\"Write\","
	       "\"value\":2}]},"
	       "\"hugetlb\":{},\"intel_rdt\":{},\"network_interfaces\":null}";
	if (got == NULL || strcmp (got, want) != 0) {
		printf ("# got  %s\n# want %s\n", got ? got : "(null)", want);
		r = -1;
	}
	close (h.dirfd);
	cleanup_tree (tmp);
	return r;
}

/* No hierarchy at all: runc's zero shape, never an error. */
static int
test_none (void)
{
	struct rt_cgroup cg = { .mode = RT_CG_UNIFIED, .h = NULL, .n = 0 };
	cleanup_free char *got = stats_json (&cg);

	CHECK (got != NULL);
	CHECK (strstr (got, "\"memory\":{\"usage\":{\"limit\":0,\"failcnt\":0},") != NULL);
	CHECK (strstr (got, "\"pids\":{},\"blkio\":{},\"hugetlb\":{}") != NULL);
	return 0;
}

int
main (void)
{
	static const struct tap_test tests[] = {
		TAP_TEST (test_v1),
		TAP_TEST (test_v2),
		TAP_TEST (test_none),
	};
	return tap_run (tests, TAP_COUNT (tests));
}
