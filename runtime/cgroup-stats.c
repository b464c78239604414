/* Resource usage of a container's cgroup (cgroup-stats.h), in runc 1.1's
   `events` shape (runc types/events.go): Go's omitempty drops zero numbers,
   empty strings and empty slices but never a nested struct, so "usage" and
   "throttling" are always there (maybe as {}), "limit" and "failcnt" of a
   memory entry are always written, and map keys come sorted.  A missing
   controller or file reads as zero, as runc's stats do. */
#include "common.h"

#include <fcntl.h>
#include <inttypes.h>

#include "cgroup-stats.h"
#include "xalloc.h"

/* ---- reading cgroup files ---- */

/* The whole of file in dirfd, NUL-terminated, in *out.  Returns 0, 1 when
   there is no such file (or no cgroup: dirfd < 0), -1 on other errors. */
static int
read_text (int dirfd, const char *file, char **out, ct_error_t *err)
{
	cleanup_close int fd = -1;
	cleanup_free char *buf = NULL;
	size_t len = 0, cap = 4096;
	ssize_t n;

	*out = NULL;
	if (dirfd < 0)
		return 1;
	fd = openat (dirfd, file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		return ct_make_error (err, errno, "open `%s`", file);
	}
	buf = xmalloc (cap);
	for (;;) {
		if (cap - len < 2) {
			cap *= 2;
			buf = xrealloc (buf, cap);
		}
		n = read (fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* ENODEV: the cgroup was removed under us, it reads as absent */
			if (errno == ENODEV)
				return 1;
			return ct_make_error (err, errno, "read `%s`", file);
		}
		if (n == 0)
			break;
		len += (size_t) n;
	}
	buf[len] = '\0';
	*out = steal_pointer (&buf);
	return 0;
}

/* "123\n" or "max" (= UINT64_MAX, as runc's GetCgroupParamUint) */
static bool
parse_u64 (const char *s, uint64_t *v)
{
	char *end;
	unsigned long long x;

	while (*s == ' ' || *s == '\t')
		s++;
	if (strncmp (s, "max", 3) == 0 && (s[3] == '\0' || s[3] == '\n' || s[3] == ' ')) {
		*v = UINT64_MAX;
		return true;
	}
	/* negative values (v1 sched_relax_domain_level aside) clamp to 0, as runc */
	if (*s == '-') {
		*v = 0;
		return true;
	}
	errno = 0;
	x = strtoull (s, &end, 10);
	if (errno != 0 || end == s)
		return false;
	*v = x;
	return true;
}

/* A file holding one number; absent = 0. */
static int
read_u64 (int dirfd, const char *file, uint64_t *v, ct_error_t *err)
{
	cleanup_free char *text = NULL;
	int r;

	*v = 0;
	r = read_text (dirfd, file, &text, err);
	if (r != 0)
		return r < 0 ? -1 : 0;
	if (!parse_u64 (text, v))
		return ct_make_error (err, EINVAL, "parse `%s`: `%.32s`", file, text);
	return 0;
}

/* A file holding one signed number (cpuset.sched_relax_domain_level). */
static int
read_i64 (int dirfd, const char *file, int64_t *v, ct_error_t *err)
{
	cleanup_free char *text = NULL;
	char *end;
	int r;

	*v = 0;
	r = read_text (dirfd, file, &text, err);
	if (r != 0)
		return r < 0 ? -1 : 0;
	errno = 0;
	*v = strtoll (text, &end, 10);
	if (errno != 0 || end == text)
		return ct_make_error (err, EINVAL, "parse `%s`: `%.32s`", file, text);
	return 0;
}

/* The value of `key` in a flat keyed file ("key value" lines, or
   "key=value" words for io.stat-like files are not handled here);
   absent file or key = 0. */
static int
read_keyed (int dirfd, const char *file, const char *key, uint64_t *v, ct_error_t *err)
{
	cleanup_free char *text = NULL;
	size_t klen = strlen (key);
	char *line, *save = NULL;
	int r;

	*v = 0;
	r = read_text (dirfd, file, &text, err);
	if (r != 0)
		return r < 0 ? -1 : 0;
	for (line = strtok_r (text, "\n", &save); line != NULL; line = strtok_r (NULL, "\n", &save)) {
		if (strncmp (line, key, klen) == 0 && line[klen] == ' ') {
			if (!parse_u64 (line + klen + 1, v))
				return ct_make_error (err, EINVAL, "parse `%s`: `%s`", file, line);
			return 0;
		}
	}
	return 0;
}

/* ---- small JSON helpers in runc's omitempty style ---- */

static void
kv_uint_nz (struct ct_jsonw *w, const char *key, uint64_t v)
{
	if (v != 0)
		ct_jsonw_kv_uint (w, key, v);
}

struct u64v {
	uint64_t *v;
	size_t n;
};

static void
u64v_push (struct u64v *a, uint64_t x)
{
	a->v = xrealloc (a->v, (a->n + 1) * sizeof (*a->v));
	a->v[a->n++] = x;
}

static void
kv_u64v_nz (struct ct_jsonw *w, const char *key, const struct u64v *a)
{
	size_t i;

	if (a->n == 0)
		return;
	ct_jsonw_key (w, key);
	ct_jsonw_array_open (w);
	for (i = 0; i < a->n; i++)
		ct_jsonw_uint (w, a->v[i]);
	ct_jsonw_array_close (w);
}

/* ---- cpu ---- */

struct cpu_stats {
	uint64_t total, kernel, user;
	struct u64v percpu, percpu_kernel, percpu_user;
	uint64_t periods, throttled_periods, throttled_time;
};

/* USER_HZ, the unit of cpuacct.stat (runc: system.GetClockTicks) */
static uint64_t
clock_ticks (void)
{
	long t = sysconf (_SC_CLK_TCK);
	return t > 0 ? (uint64_t) t : 100;
}

static int
cpu_v1 (int acct, int cpu, struct cpu_stats *s, ct_error_t *err)
{
	cleanup_free char *text = NULL;
	char *p, *line, *save = NULL;
	uint64_t v;
	int r;

	if (read_u64 (acct, "cpuacct.usage", &s->total, err) < 0)
		return -1;
	r = read_text (acct, "cpuacct.usage_percpu", &text, err);
	if (r < 0)
		return -1;
	for (p = text; r == 0 && *p != '\0';) {
		char *end;
		errno = 0;
		v = strtoull (p, &end, 10);
		if (end == p)
			break;
		u64v_push (&s->percpu, v);
		p = end;
	}
	free (steal_pointer (&text));
	/* "cpu user system" then one line per cpu, in ns */
	r = read_text (acct, "cpuacct.usage_all", &text, err);
	if (r < 0)
		return -1;
	for (line = r == 0 ? strtok_r (text, "\n", &save) : NULL; line != NULL; line = strtok_r (NULL, "\n", &save)) {
		unsigned long long c, u, k;
		if (sscanf (line, "%llu %llu %llu", &c, &u, &k) != 3)
			continue;
		u64v_push (&s->percpu_user, u);
		u64v_push (&s->percpu_kernel, k);
	}
	if (read_keyed (acct, "cpuacct.stat", "user", &s->user, err) < 0 ||
	    read_keyed (acct, "cpuacct.stat", "system", &s->kernel, err) < 0)
		return -1;
	s->user = s->user * 1000000000ull / clock_ticks ();
	s->kernel = s->kernel * 1000000000ull / clock_ticks ();
	if (read_keyed (cpu, "cpu.stat", "nr_periods", &s->periods, err) < 0 ||
	    read_keyed (cpu, "cpu.stat", "nr_throttled", &s->throttled_periods, err) < 0 ||
	    read_keyed (cpu, "cpu.stat", "throttled_time", &s->throttled_time, err) < 0)
		return -1;
	return 0;
}

/* v2 cpu.stat speaks microseconds; runc reports nanoseconds */
static int
cpu_v2 (int dirfd, struct cpu_stats *s, ct_error_t *err)
{
	if (read_keyed (dirfd, "cpu.stat", "usage_usec", &s->total, err) < 0 ||
	    read_keyed (dirfd, "cpu.stat", "user_usec", &s->user, err) < 0 ||
	    read_keyed (dirfd, "cpu.stat", "system_usec", &s->kernel, err) < 0 ||
	    read_keyed (dirfd, "cpu.stat", "nr_periods", &s->periods, err) < 0 ||
	    read_keyed (dirfd, "cpu.stat", "nr_throttled", &s->throttled_periods, err) < 0 ||
	    read_keyed (dirfd, "cpu.stat", "throttled_usec", &s->throttled_time, err) < 0)
		return -1;
	s->total *= 1000;
	s->user *= 1000;
	s->kernel *= 1000;
	s->throttled_time *= 1000;
	return 0;
}

static int
write_cpu (const struct rt_cgroup *cg, struct ct_jsonw *w, ct_error_t *err)
{
	struct cpu_stats s = { 0 };
	bool v2 = false;
	int acct = rt_cg_dirfd (cg, "cpuacct", NULL);
	int cpu = rt_cg_dirfd (cg, "cpu", &v2);
	int r;

	/* cpu.stat of v2 has the usage too; v1 splits it over cpuacct */
	if (cpu >= 0 && v2)
		r = cpu_v2 (cpu, &s, err);
	else
		r = cpu_v1 (acct, cpu, &s, err);
	if (r == 0) {
		ct_jsonw_key (w, "cpu");
		ct_jsonw_map_open (w);
		ct_jsonw_key (w, "usage");
		ct_jsonw_map_open (w);
		kv_uint_nz (w, "total", s.total);
		kv_u64v_nz (w, "percpu", &s.percpu);
		kv_u64v_nz (w, "percpu_kernel", &s.percpu_kernel);
		kv_u64v_nz (w, "percpu_user", &s.percpu_user);
		ct_jsonw_kv_uint (w, "kernel", s.kernel);
		ct_jsonw_kv_uint (w, "user", s.user);
		ct_jsonw_map_close (w);
		ct_jsonw_key (w, "throttling");
		ct_jsonw_map_open (w);
		kv_uint_nz (w, "periods", s.periods);
		kv_uint_nz (w, "throttledPeriods", s.throttled_periods);
		kv_uint_nz (w, "throttledTime", s.throttled_time);
		ct_jsonw_map_close (w);
		ct_jsonw_map_close (w);
	}
	free (s.percpu.v);
	free (s.percpu_kernel.v);
	free (s.percpu_user.v);
	return r;
}

/* ---- cpuset ---- */

/* "0-3,8" -> [0,1,2,3,8] */
static void
write_cpu_list (struct ct_jsonw *w, const char *key, const char *list)
{
	const char *p = list;
	bool open = false;

	while (*p != '\0' && *p != '\n') {
		char *end;
		unsigned long a, b;
		a = strtoul (p, &end, 10);
		if (end == p)
			break;
		b = a;
		p = end;
		if (*p == '-') {
			b = strtoul (p + 1, &end, 10);
			if (end == p + 1)
				break;
			p = end;
		}
		if (!open) {
			ct_jsonw_key (w, key);
			ct_jsonw_array_open (w);
			open = true;
		}
		for (; a <= b && a <= UINT16_MAX; a++)
			ct_jsonw_uint (w, a);
		if (*p == ',')
			p++;
	}
	if (open)
		ct_jsonw_array_close (w);
}

static int
write_cpuset (const struct rt_cgroup *cg, struct ct_jsonw *w, ct_error_t *err)
{
	static const char *const flags[][2] = {
		{ "cpu_exclusive", "cpuset.cpu_exclusive" },
		{ "mems", NULL },
		{ "mem_hardwall", "cpuset.mem_hardwall" },
		{ "mem_exclusive", "cpuset.mem_exclusive" },
		{ "memory_migrate", "cpuset.memory_migrate" },
		{ "memory_spread_page", "cpuset.memory_spread_page" },
		{ "memory_spread_slab", "cpuset.memory_spread_slab" },
		{ "memory_pressure", "cpuset.memory_pressure" },
		{ "sched_load_balance", "cpuset.sched_load_balance" },
	};
	cleanup_free char *cpus = NULL;
	cleanup_free char *mems = NULL;
	bool v2 = false;
	int dirfd = rt_cg_dirfd (cg, "cpuset", &v2);
	int64_t relax;
	size_t i;

	/* v2 has none of v1's flags: the effective sets only */
	if (read_text (dirfd, v2 ? "cpuset.cpus.effective" : "cpuset.cpus", &cpus, err) < 0 ||
	    read_text (dirfd, v2 ? "cpuset.mems.effective" : "cpuset.mems", &mems, err) < 0)
		return -1;
	ct_jsonw_key (w, "cpuset");
	ct_jsonw_map_open (w);
	if (cpus != NULL)
		write_cpu_list (w, "cpus", cpus);
	for (i = 0; i < sizeof (flags) / sizeof (flags[0]); i++) {
		uint64_t v;
		if (flags[i][1] == NULL) {
			if (mems != NULL)
				write_cpu_list (w, "mems", mems);
			continue;
		}
		if (read_u64 (v2 ? -1 : dirfd, flags[i][1], &v, err) < 0)
			return -1;
		ct_jsonw_kv_uint (w, flags[i][0], v);
	}
	if (read_i64 (v2 ? -1 : dirfd, "cpuset.sched_relax_domain_level", &relax, err) < 0)
		return -1;
	ct_jsonw_kv_int (w, "sched_relax_domain_level", relax);
	ct_jsonw_map_close (w);
	return 0;
}

/* ---- memory ---- */

struct mem_entry {
	uint64_t limit, usage, max, failcnt;
};

static void
write_mem_entry (struct ct_jsonw *w, const char *key, const struct mem_entry *e)
{
	ct_jsonw_key (w, key);
	ct_jsonw_map_open (w);
	ct_jsonw_kv_uint (w, "limit", e->limit);
	kv_uint_nz (w, "usage", e->usage);
	kv_uint_nz (w, "max", e->max);
	ct_jsonw_kv_uint (w, "failcnt", e->failcnt);
	ct_jsonw_map_close (w);
}

/* v1: memory[.NAME].{usage_in_bytes,max_usage_in_bytes,failcnt,limit_in_bytes} */
static int
mem_entry_v1 (int dirfd, const char *name, struct mem_entry *e, ct_error_t *err)
{
	const char *dot = *name ? "." : "";
	char f[4][64];

	snprintf (f[0], sizeof (f[0]), "memory%s%s.usage_in_bytes", dot, name);
	snprintf (f[1], sizeof (f[1]), "memory%s%s.max_usage_in_bytes", dot, name);
	snprintf (f[2], sizeof (f[2]), "memory%s%s.failcnt", dot, name);
	snprintf (f[3], sizeof (f[3]), "memory%s%s.limit_in_bytes", dot, name);
	if (read_u64 (dirfd, f[0], &e->usage, err) < 0 || read_u64 (dirfd, f[1], &e->max, err) < 0 ||
	    read_u64 (dirfd, f[2], &e->failcnt, err) < 0 || read_u64 (dirfd, f[3], &e->limit, err) < 0)
		return -1;
	return 0;
}

struct kv {
	char *key;
	uint64_t value;
};

static int
kv_cmp (const void *a, const void *b)
{
	return strcmp (((const struct kv *) a)->key, ((const struct kv *) b)->key);
}

/* memory.stat as runc's "raw" map (keys sorted, as Go writes maps). */
static int
read_memory_stat (int dirfd, struct kv **out, size_t *n, ct_error_t *err)
{
	cleanup_free char *text = NULL;
	char *line, *save = NULL;
	int r;

	*out = NULL;
	*n = 0;
	r = read_text (dirfd, "memory.stat", &text, err);
	if (r != 0)
		return r < 0 ? -1 : 0;
	for (line = strtok_r (text, "\n", &save); line != NULL; line = strtok_r (NULL, "\n", &save)) {
		char *sp = strchr (line, ' ');
		uint64_t v;
		if (sp == NULL || !parse_u64 (sp + 1, &v))
			continue;
		*out = xrealloc (*out, (*n + 1) * sizeof (**out));
		(*out)[*n].key = xstrndup (line, (size_t) (sp - line));
		(*out)[*n].value = v;
		(*n)++;
	}
	if (*n > 0)
		qsort (*out, *n, sizeof (**out), kv_cmp);
	return 0;
}

static void
free_kvs (struct kv *kvs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free (kvs[i].key);
	free (kvs);
}

static uint64_t
kv_get (const struct kv *kvs, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp (kvs[i].key, key) == 0)
			return kvs[i].value;
	return 0;
}

static int
write_memory (const struct rt_cgroup *cg, struct ct_jsonw *w, ct_error_t *err)
{
	struct mem_entry usage = { 0 }, swap = { 0 }, kernel = { 0 }, tcp = { 0 };
	struct kv *raw = NULL;
	size_t n_raw = 0, i;
	bool v2 = false;
	int dirfd = rt_cg_dirfd (cg, "memory", &v2);
	int r = -1;

	if (read_memory_stat (dirfd, &raw, &n_raw, err) < 0)
		goto out;
	if (!v2) {
		/* v1 swap figures are memory+swap (memsw), as runc reports them */
		if (mem_entry_v1 (dirfd, "", &usage, err) < 0 || mem_entry_v1 (dirfd, "memsw", &swap, err) < 0 ||
		    mem_entry_v1 (dirfd, "kmem", &kernel, err) < 0 || mem_entry_v1 (dirfd, "kmem.tcp", &tcp, err) < 0)
			goto out;
	} else {
		if (read_u64 (dirfd, "memory.current", &usage.usage, err) < 0 ||
		    read_u64 (dirfd, "memory.max", &usage.limit, err) < 0 ||
		    read_u64 (dirfd, "memory.peak", &usage.max, err) < 0 ||
		    read_keyed (dirfd, "memory.events", "max", &usage.failcnt, err) < 0 ||
		    read_u64 (dirfd, "memory.swap.current", &swap.usage, err) < 0 ||
		    read_u64 (dirfd, "memory.swap.max", &swap.limit, err) < 0)
			goto out;
		/* runc: v2 swap alone, reported as v1's memory+swap */
		swap.usage += usage.usage;
		if (swap.limit != UINT64_MAX)
			swap.limit += usage.limit;
	}
	ct_jsonw_key (w, "memory");
	ct_jsonw_map_open (w);
	kv_uint_nz (w, "cache", kv_get (raw, n_raw, v2 ? "file" : "cache"));
	write_mem_entry (w, "usage", &usage);
	write_mem_entry (w, "swap", &swap);
	write_mem_entry (w, "kernel", &kernel);
	write_mem_entry (w, "kernelTCP", &tcp);
	if (n_raw > 0) {
		ct_jsonw_key (w, "raw");
		ct_jsonw_map_open (w);
		for (i = 0; i < n_raw; i++)
			ct_jsonw_kv_uint (w, raw[i].key, raw[i].value);
		ct_jsonw_map_close (w);
	}
	ct_jsonw_map_close (w);
	r = 0;
out:
	free_kvs (raw, n_raw);
	return r;
}

/* ---- pids ---- */

static int
write_pids (const struct rt_cgroup *cg, struct ct_jsonw *w, ct_error_t *err)
{
	int dirfd = rt_cg_dirfd (cg, "pids", NULL);
	uint64_t current, limit;

	if (read_u64 (dirfd, "pids.current", &current, err) < 0 || read_u64 (dirfd, "pids.max", &limit, err) < 0)
		return -1;
	ct_jsonw_key (w, "pids");
	ct_jsonw_map_open (w);
	kv_uint_nz (w, "current", current);
	/* "max" is no limit: runc leaves it out */
	kv_uint_nz (w, "limit", limit == UINT64_MAX ? 0 : limit);
	ct_jsonw_map_close (w);
	return 0;
}

/* ---- blkio ---- */

enum blk_kind {
	BLK_SERVICE_BYTES,
	BLK_SERVICED,
	BLK_QUEUED,
	BLK_SERVICE_TIME,
	BLK_WAIT_TIME,
	BLK_MERGED,
	BLK_TIME,
	BLK_SECTORS,
	BLK_N,
};

static const char *const blk_keys[BLK_N] = {
	"ioServiceBytesRecursive", "ioServicedRecursive", "ioQueueRecursive", "ioServiceTimeRecursive",
	"ioWaitTimeRecursive",     "ioMergedRecursive",   "ioTimeRecursive",  "sectorsRecursive",
};

struct blk_entry {
	uint64_t major, minor, value;
	char op[16];
};

struct blk_list {
	struct blk_entry *e;
	size_t n;
};

static void
blk_push (struct blk_list *l, uint64_t major, uint64_t minor, const char *op, uint64_t value)
{
	struct blk_entry *e;

	l->e = xrealloc (l->e, (l->n + 1) * sizeof (*l->e));
	e = &l->e[l->n++];
	e->major = major;
	e->minor = minor;
	e->value = value;
	snprintf (e->op, sizeof (e->op), "%s", op);
}

/* A v1 blkio file: "MAJ:MIN Op VALUE" or "MAJ:MIN VALUE" lines and a
   "Total N" line (skipped).  Returns 1 when the file is absent or empty. */
static int
blk_read_v1 (int dirfd, const char *file, struct blk_list *l, ct_error_t *err)
{
	cleanup_free char *text = NULL;
	char *line, *save = NULL;
	int r;

	r = read_text (dirfd, file, &text, err);
	if (r != 0)
		return r;
	for (line = strtok_r (text, "\n", &save); line != NULL; line = strtok_r (NULL, "\n", &save)) {
		unsigned long long maj, min, v;
		char op[16];
		if (sscanf (line, "%llu:%llu %15s %llu", &maj, &min, op, &v) == 4)
			blk_push (l, maj, min, op, v);
		else if (sscanf (line, "%llu:%llu %llu", &maj, &min, &v) == 3)
			blk_push (l, maj, min, "", v);
	}
	return l->n == 0 ? 1 : 0;
}

static int
blkio_v1 (int dirfd, struct blk_list lists[BLK_N], ct_error_t *err)
{
	/* runc 1.1's order: bfq debug, bfq, cfq, throttle recursive, throttle;
	   the first group whose first file has entries is the one reported */
	static const struct {
		const char *file;
		enum blk_kind kind;
	} groups[][8] = {
		{ { "blkio.bfq.sectors_recursive", BLK_SECTORS },
		  { "blkio.bfq.io_service_time_recursive", BLK_SERVICE_TIME },
		  { "blkio.bfq.io_wait_time_recursive", BLK_WAIT_TIME },
		  { "blkio.bfq.io_merged_recursive", BLK_MERGED },
		  { "blkio.bfq.io_queued_recursive", BLK_QUEUED },
		  { "blkio.bfq.time_recursive", BLK_TIME },
		  { "blkio.bfq.io_serviced_recursive", BLK_SERVICED },
		  { "blkio.bfq.io_service_bytes_recursive", BLK_SERVICE_BYTES } },
		{ { "blkio.bfq.io_serviced_recursive", BLK_SERVICED },
		  { "blkio.bfq.io_service_bytes_recursive", BLK_SERVICE_BYTES } },
		{ { "blkio.sectors_recursive", BLK_SECTORS },
		  { "blkio.io_service_time_recursive", BLK_SERVICE_TIME },
		  { "blkio.io_wait_time_recursive", BLK_WAIT_TIME },
		  { "blkio.io_merged_recursive", BLK_MERGED },
		  { "blkio.io_queued_recursive", BLK_QUEUED },
		  { "blkio.time_recursive", BLK_TIME },
		  { "blkio.io_serviced_recursive", BLK_SERVICED },
		  { "blkio.io_service_bytes_recursive", BLK_SERVICE_BYTES } },
		{ { "blkio.throttle.io_serviced_recursive", BLK_SERVICED },
		  { "blkio.throttle.io_service_bytes_recursive", BLK_SERVICE_BYTES } },
		{ { "blkio.throttle.io_serviced", BLK_SERVICED },
		  { "blkio.throttle.io_service_bytes", BLK_SERVICE_BYTES } },
	};
	size_t g, i;

	for (g = 0; g < sizeof (groups) / sizeof (groups[0]); g++) {
		for (i = 0; i < 8 && groups[g][i].file != NULL; i++) {
			int r = blk_read_v1 (dirfd, groups[g][i].file, &lists[groups[g][i].kind], err);
			if (r < 0)
				return -1;
			if (r > 0 && i == 0)
				break; /* next group */
			if (r > 0)
				return 0;
		}
		if (i > 0)
			return 0;
	}
	return 0;
}

/* v2 io.stat: "MAJ:MIN rbytes=N wbytes=N rios=N wios=N ..." */
static int
blkio_v2 (int dirfd, struct blk_list lists[BLK_N], ct_error_t *err)
{
	cleanup_free char *text = NULL;
	char *line, *save = NULL;
	int r;

	r = read_text (dirfd, "io.stat", &text, err);
	if (r != 0)
		return r < 0 ? -1 : 0;
	for (line = strtok_r (text, "\n", &save); line != NULL; line = strtok_r (NULL, "\n", &save)) {
		unsigned long long maj, min;
		char *word, *wsave = NULL;
		int off = 0;
		if (sscanf (line, "%llu:%llu %n", &maj, &min, &off) != 2 || off == 0)
			continue;
		for (word = strtok_r (line + off, " ", &wsave); word != NULL; word = strtok_r (NULL, " ", &wsave)) {
			char *eq = strchr (word, '=');
			uint64_t v;
			if (eq == NULL || !parse_u64 (eq + 1, &v))
				continue;
			*eq = '\0';
			if (strcmp (word, "rbytes") == 0)
				blk_push (&lists[BLK_SERVICE_BYTES], maj, min, "Read", v);
			else if (strcmp (word, "wbytes") == 0)
				blk_push (&lists[BLK_SERVICE_BYTES], maj, min, "Write", v);
			else if (strcmp (word, "rios") == 0)
				blk_push (&lists[BLK_SERVICED], maj, min, "Read", v);
			else if (strcmp (word, "wios") == 0)
				blk_push (&lists[BLK_SERVICED], maj, min, "Write", v);
		}
	}
	return 0;
}

static int
write_blkio (const struct rt_cgroup *cg, struct ct_jsonw *w, ct_error_t *err)
{
	struct blk_list lists[BLK_N] = { { 0 } };
	bool v2 = false;
	int dirfd = rt_cg_dirfd (cg, "blkio", &v2);
	int r;
	size_t k, i;

	/* v2 calls the controller "io" */
	if (dirfd < 0)
		dirfd = rt_cg_dirfd (cg, "io", &v2);
	r = v2 ? blkio_v2 (dirfd, lists, err) : blkio_v1 (dirfd, lists, err);
	if (r == 0) {
		ct_jsonw_key (w, "blkio");
		ct_jsonw_map_open (w);
		for (k = 0; k < BLK_N; k++) {
			if (lists[k].n == 0)
				continue;
			ct_jsonw_key (w, blk_keys[k]);
			ct_jsonw_array_open (w);
			for (i = 0; i < lists[k].n; i++) {
				const struct blk_entry *e = &lists[k].e[i];
				ct_jsonw_map_open (w);
				kv_uint_nz (w, "major", e->major);
				kv_uint_nz (w, "minor", e->minor);
				if (e->op[0] != '\0')
					ct_jsonw_kv_str (w, "op", e->op);
				kv_uint_nz (w, "value", e->value);
				ct_jsonw_map_close (w);
			}
			ct_jsonw_array_close (w);
		}
		ct_jsonw_map_close (w);
	}
	for (k = 0; k < BLK_N; k++)
		free (lists[k].e);
	return r;
}

/* ---- hugetlb ---- */

/* "hugepages-2048kB" -> "2MB", as runc names page sizes (1024-based units) */
static bool
hugepage_name (const char *dirent, char *out, size_t size)
{
	static const char *const units[] = { "B", "KB", "MB", "GB", "TB", "PB" };
	unsigned long long kb;
	double v;
	size_t u = 0;
	char *end;

	if (strncmp (dirent, "hugepages-", 10) != 0)
		return false;
	kb = strtoull (dirent + 10, &end, 10);
	if (end == dirent + 10 || strcmp (end, "kB") != 0)
		return false;
	v = (double) kb * 1024.0;
	while (v >= 1024.0 && u + 1 < sizeof (units) / sizeof (units[0])) {
		v /= 1024.0;
		u++;
	}
	snprintf (out, size, "%g%s", v, units[u]);
	return true;
}

static int
hugetlb_cmp (const void *a, const void *b)
{
	return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static int
write_hugetlb (const struct rt_cgroup *cg, struct ct_jsonw *w, ct_error_t *err)
{
	cleanup_dir DIR *d = NULL;
	cleanup_strv char **names = NULL;
	struct dirent *de;
	bool v2 = false;
	int dirfd = rt_cg_dirfd (cg, "hugetlb", &v2);
	size_t n = 0, i;

	if (dirfd >= 0)
		d = opendir ("/sys/kernel/mm/hugepages");
	while (d != NULL && (de = readdir (d)) != NULL) {
		char name[32];
		if (!hugepage_name (de->d_name, name, sizeof (name)))
			continue;
		names = xrealloc (names, (n + 2) * sizeof (*names));
		names[n++] = xstrdup (name);
		names[n] = NULL;
	}
	if (n > 0)
		qsort (names, n, sizeof (*names), hugetlb_cmp);
	ct_jsonw_key (w, "hugetlb");
	ct_jsonw_map_open (w);
	for (i = 0; i < n; i++) {
		char f[64];
		uint64_t usage, max = 0, failcnt;
		cleanup_free char *probe = NULL;
		int r;

		/* a size the cgroup has no files for (controller not enabled
		   there) is left out */
		snprintf (f, sizeof (f), v2 ? "hugetlb.%s.current" : "hugetlb.%s.usage_in_bytes", names[i]);
		r = read_text (dirfd, f, &probe, err);
		if (r < 0)
			return -1;
		if (r > 0)
			continue;
		if (!parse_u64 (probe, &usage))
			return ct_make_error (err, EINVAL, "parse `%s`: `%.32s`", f, probe);
		if (v2) {
			snprintf (f, sizeof (f), "hugetlb.%s.events", names[i]);
			if (read_keyed (dirfd, f, "max", &failcnt, err) < 0)
				return -1;
		} else {
			snprintf (f, sizeof (f), "hugetlb.%s.max_usage_in_bytes", names[i]);
			if (read_u64 (dirfd, f, &max, err) < 0)
				return -1;
			snprintf (f, sizeof (f), "hugetlb.%s.failcnt", names[i]);
			if (read_u64 (dirfd, f, &failcnt, err) < 0)
				return -1;
		}
		ct_jsonw_key (w, names[i]);
		ct_jsonw_map_open (w);
		kv_uint_nz (w, "usage", usage);
		kv_uint_nz (w, "max", max);
		ct_jsonw_kv_uint (w, "failcnt", failcnt);
		ct_jsonw_map_close (w);
	}
	ct_jsonw_map_close (w);
	return 0;
}

int
rt_cg_stats_write (const struct rt_cgroup *cg, struct ct_jsonw *w, ct_error_t *err)
{
	ct_jsonw_map_open (w);
	if (write_cpu (cg, w, err) < 0 || write_cpuset (cg, w, err) < 0 || write_memory (cg, w, err) < 0 ||
	    write_pids (cg, w, err) < 0 || write_blkio (cg, w, err) < 0 || write_hugetlb (cg, w, err) < 0)
		return ct_error_wrap (err, "read cgroup statistics");
	/* runc: intel_rdt is {} without RDT, network_interfaces null without
	   interface stats (runc 1.1 collects none for containers it runs) */
	ct_jsonw_key (w, "intel_rdt");
	ct_jsonw_map_open (w);
	ct_jsonw_map_close (w);
	ct_jsonw_key (w, "network_interfaces");
	ct_jsonw_null (w);
	ct_jsonw_map_close (w);
	return 0;
}
