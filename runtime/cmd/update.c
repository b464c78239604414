/* cruntime update: change the cgroup limits of a created, running or paused
   container (runc 1.1's `update`).  The new values come either from a
   runtime-spec LinuxResources document (-r FILE, `-` = stdin; the single
   flags are then ignored, as runc does) or from the flags.  As in runc, a 0
   leaves a value unchanged and -1 means unlimited.  What was applied is
   merged into the container's stored config (RT_STATE_CONFIG), so a later
   `update`, `events` or `exec` sees the current limits. */
#include "common.h"

#include <ctype.h>
#include <inttypes.h>
#include <sys/file.h>

#include "cgroup-resources.h"
#include "cgroups.h"
#include "cli.h"
#include "cmds.h"
#include "container.h"
#include "fs.h"
#include "json.h"
#include "log.h"
#include "ocispec/runtime.h"
#include "state.h"

#define UPDATE_USAGE                                                                                          \
	"cruntime update [-r|--resources FILE|-] [--blkio-weight N] [--cpu-period N] [--cpu-quota N] "        \
	"[--cpu-share N] [--cpu-rt-period N] [--cpu-rt-runtime N] [--cpuset-cpus CPUS] [--cpuset-mems MEMS] " \
	"[--memory BYTES] [--memory-reservation BYTES] [--memory-swap BYTES] [--pids-limit N] ID"

enum {
	OPT_BLKIO_WEIGHT = 256,
	OPT_CPU_PERIOD,
	OPT_CPU_QUOTA,
	OPT_CPU_SHARE,
	OPT_CPU_RT_PERIOD,
	OPT_CPU_RT_RUNTIME,
	OPT_CPUSET_CPUS,
	OPT_CPUSET_MEMS,
	OPT_MEMORY,
	OPT_MEMORY_RESERVATION,
	OPT_MEMORY_SWAP,
	OPT_PIDS_LIMIT,
	OPT_KERNEL_MEMORY,
	OPT_KERNEL_MEMORY_TCP,
	OPT_L3_CACHE_SCHEMA,
	OPT_MEM_BW_SCHEMA,
};

static int
bad_value (const char *flag, const char *v, ct_error_t *err)
{
	return ct_make_error (err, 0, "invalid value `%s` for flag --%s", v, flag);
}

static int
parse_u64 (const char *flag, const char *v, uint64_t max, uint64_t *out, ct_error_t *err)
{
	unsigned long long n;
	char *end = NULL;

	errno = 0;
	if (!isdigit ((unsigned char) v[0]))
		return bad_value (flag, v, err);
	n = strtoull (v, &end, 10);
	if (errno != 0 || *end != '\0' || n > max)
		return bad_value (flag, v, err);
	*out = n;
	return 0;
}

static int
parse_i64 (const char *flag, const char *v, int64_t *out, ct_error_t *err)
{
	long long n;
	char *end = NULL;

	errno = 0;
	if (v[0] == '\0' || isspace ((unsigned char) v[0]))
		return bad_value (flag, v, err);
	n = strtoll (v, &end, 10);
	if (errno != 0 || *end != '\0')
		return bad_value (flag, v, err);
	*out = n;
	return 0;
}

static int
parse_bytes (const char *flag, const char *v, int64_t *out, ct_error_t *err)
{
	if (rt_cg_parse_bytes (v, out) < 0)
		return bad_value (flag, v, err);
	return 0;
}

static struct ct_rt_memory *
mem (struct ct_rt_resources *r)
{
	if (r->memory == NULL)
		r->memory = xzalloc (sizeof *r->memory);
	return r->memory;
}

static struct ct_rt_cpu *
cpu (struct ct_rt_resources *r)
{
	if (r->cpu == NULL)
		r->cpu = xzalloc (sizeof *r->cpu);
	return r->cpu;
}

/* One flag into r (runc's parsing: ParseUint/ParseInt, go-units sizes). */
static int
set_flag (struct ct_rt_resources *r, int opt, const char *name, const char *v, ct_error_t *err)
{
	uint64_t u;
	int64_t i;

	switch (opt) {
	case OPT_BLKIO_WEIGHT:
		if (parse_u64 (name, v, UINT16_MAX, &u, err) < 0)
			return -1;
		if (r->block_io == NULL)
			r->block_io = xzalloc (sizeof *r->block_io);
		r->block_io->weight = (uint16_t) u;
		r->block_io->weight_present = true;
		return 0;
	case OPT_CPU_PERIOD:
	case OPT_CPU_RT_PERIOD:
	case OPT_CPU_SHARE:
		if (parse_u64 (name, v, UINT64_MAX, &u, err) < 0)
			return -1;
		if (opt == OPT_CPU_PERIOD) {
			cpu (r)->period = u;
			cpu (r)->period_present = true;
		} else if (opt == OPT_CPU_RT_PERIOD) {
			cpu (r)->realtime_period = u;
			cpu (r)->realtime_period_present = true;
		} else {
			cpu (r)->shares = u;
			cpu (r)->shares_present = true;
		}
		return 0;
	case OPT_CPU_QUOTA:
	case OPT_CPU_RT_RUNTIME:
		if (parse_i64 (name, v, &i, err) < 0)
			return -1;
		if (opt == OPT_CPU_QUOTA) {
			cpu (r)->quota = i;
			cpu (r)->quota_present = true;
		} else {
			cpu (r)->realtime_runtime = i;
			cpu (r)->realtime_runtime_present = true;
		}
		return 0;
	case OPT_CPUSET_CPUS:
		free (cpu (r)->cpus);
		cpu (r)->cpus = xstrdup (v);
		return 0;
	case OPT_CPUSET_MEMS:
		free (cpu (r)->mems);
		cpu (r)->mems = xstrdup (v);
		return 0;
	case OPT_MEMORY:
	case OPT_MEMORY_RESERVATION:
	case OPT_MEMORY_SWAP:
	case OPT_KERNEL_MEMORY:
	case OPT_KERNEL_MEMORY_TCP:
		if (parse_bytes (name, v, &i, err) < 0)
			return -1;
		if (opt == OPT_MEMORY) {
			mem (r)->limit = i;
			mem (r)->limit_present = true;
		} else if (opt == OPT_MEMORY_RESERVATION) {
			mem (r)->reservation = i;
			mem (r)->reservation_present = true;
		} else if (opt == OPT_MEMORY_SWAP) {
			mem (r)->swap = i;
			mem (r)->swap_present = true;
		} else if (opt == OPT_KERNEL_MEMORY) {
			mem (r)->kernel = i;
			mem (r)->kernel_present = true;
		} else {
			mem (r)->kernel_tcp = i;
			mem (r)->kernel_tcp_present = true;
		}
		return 0;
	case OPT_PIDS_LIMIT:
		if (parse_i64 (name, v, &i, err) < 0)
			return -1;
		if (r->pids == NULL)
			r->pids = xzalloc (sizeof *r->pids);
		r->pids->limit = i;
		r->pids->limit_present = true;
		return 0;
	case OPT_L3_CACHE_SCHEMA:
		/* no Intel RDT support: runc's answer on hosts without resctrl */
		if (v[0] != '\0')
			return ct_make_error (err, 0, "Intel RDT/CAT: l3 cache schema is not enabled");
		return 0;
	case OPT_MEM_BW_SCHEMA:
		if (v[0] != '\0')
			return ct_make_error (err, 0, "Intel RDT/MBA: memory bandwidth schema is not enabled");
		return 0;
	default:
		return ct_make_error (err, EINVAL, "unknown option");
	}
}

/* ---------------------------------------------------- merge into the stored config */

#define MERGE_SET(dst, src, f)                     \
	do {                                       \
		if ((src)->f##_present) {          \
			(dst)->f = (src)->f;       \
			(dst)->f##_present = true; \
		}                                  \
	} while (0)

/* runc's "unset" 0: keeps the stored value */
#define MERGE_NZ(dst, src, f)                              \
	do {                                               \
		if ((src)->f##_present && (src)->f != 0) { \
			(dst)->f = (src)->f;               \
			(dst)->f##_present = true;         \
		}                                          \
	} while (0)

#define STEAL_ARRAY(dst, src, f, n, release)                     \
	do {                                                     \
		if ((src)->f != NULL) {                          \
			for (size_t i_ = 0; i_ < (dst)->n; i_++) \
				release (&(dst)->f[i_]);         \
			free ((dst)->f);                         \
			(dst)->f = (src)->f;                     \
			(dst)->n = (src)->n;                     \
			(src)->f = NULL;                         \
			(src)->n = 0;                            \
		}                                                \
	} while (0)

static void
no_release (void *p)
{
	(void) p;
}

static void
hugepage_release (struct ct_rt_hugepage_limit *h)
{
	free (h->page_size);
}

static void
prio_release (struct ct_rt_net_priority *p)
{
	free (p->name);
}

static void
rdma_release (struct ct_rt_rdma *e)
{
	free (e->device);
}

static void
map_set (struct ct_rt_map *m, const char *k, const char *v)
{
	for (size_t i = 0; i < m->n; i++) {
		if (strcmp (m->keys[i], k) == 0) {
			free (m->values[i]);
			m->values[i] = xstrdup (v);
			return;
		}
	}
	m->keys = xreallocarray (m->keys, m->n + 1, sizeof *m->keys);
	m->values = xreallocarray (m->values, m->n + 1, sizeof *m->values);
	m->keys[m->n] = xstrdup (k);
	m->values[m->n] = xstrdup (v);
	m->n++;
}

static void
merge (struct ct_rt_resources *d, struct ct_rt_resources *s)
{
	if (s->memory) {
		struct ct_rt_memory *dm = mem (d), *sm = s->memory;
		MERGE_NZ (dm, sm, limit);
		MERGE_NZ (dm, sm, reservation);
		MERGE_NZ (dm, sm, swap);
		/* unlimited memory without a swap value: swap went unlimited too */
		if (sm->limit_present && sm->limit == -1 && !(sm->swap_present && sm->swap != 0)) {
			dm->swap = -1;
			dm->swap_present = true;
		}
		/* kernel and kernelTCP were ignored: not recorded */
		MERGE_SET (dm, sm, swappiness);
		MERGE_SET (dm, sm, disable_oom_killer);
		MERGE_SET (dm, sm, use_hierarchy);
		MERGE_SET (dm, sm, check_before_update);
	}
	if (s->cpu) {
		struct ct_rt_cpu *dc = cpu (d), *sc = s->cpu;
		MERGE_NZ (dc, sc, shares);
		MERGE_NZ (dc, sc, quota);
		MERGE_NZ (dc, sc, period);
		MERGE_SET (dc, sc, burst);
		MERGE_NZ (dc, sc, realtime_runtime);
		MERGE_NZ (dc, sc, realtime_period);
		MERGE_SET (dc, sc, idle);
		if (sc->cpus != NULL && sc->cpus[0] != '\0') {
			free (dc->cpus);
			dc->cpus = steal_pointer (&sc->cpus);
		}
		if (sc->mems != NULL && sc->mems[0] != '\0') {
			free (dc->mems);
			dc->mems = steal_pointer (&sc->mems);
		}
	}
	if (s->pids) {
		if (d->pids == NULL)
			d->pids = xzalloc (sizeof *d->pids);
		MERGE_NZ (d->pids, s->pids, limit);
	}
	if (s->block_io) {
		struct ct_rt_blkio *db, *sb = s->block_io;
		if (d->block_io == NULL)
			d->block_io = xzalloc (sizeof *d->block_io);
		db = d->block_io;
		MERGE_NZ (db, sb, weight);
		MERGE_NZ (db, sb, leaf_weight);
		STEAL_ARRAY (db, sb, weight_device, n_weight_device, no_release);
		STEAL_ARRAY (db, sb, throttle_read_bps_device, n_throttle_read_bps_device, no_release);
		STEAL_ARRAY (db, sb, throttle_write_bps_device, n_throttle_write_bps_device, no_release);
		STEAL_ARRAY (db, sb, throttle_read_iops_device, n_throttle_read_iops_device, no_release);
		STEAL_ARRAY (db, sb, throttle_write_iops_device, n_throttle_write_iops_device, no_release);
	}
	STEAL_ARRAY (d, s, hugepage_limits, n_hugepage_limits, hugepage_release);
	if (s->network) {
		if (d->network == NULL)
			d->network = xzalloc (sizeof *d->network);
		MERGE_SET (d->network, s->network, class_id);
		STEAL_ARRAY (d->network, s->network, priorities, n_priorities, prio_release);
	}
	STEAL_ARRAY (d, s, rdma, n_rdma, rdma_release);
	if (s->unified_present) {
		for (size_t i = 0; i < s->unified.n; i++)
			map_set (&d->unified, s->unified.keys[i], s->unified.values[i]);
		d->unified_present = true;
	}
}

/* The config create stored (RT_STATE_CONFIG): update merges into it.  A
   foreground `run` stores none: *spec stays NULL then. */
static int
load_stored_config (int dirfd, struct ct_rt_spec **spec, ct_error_t *err)
{
	cleanup_free char *data = NULL;
	size_t len = 0;

	*spec = NULL;
	if (faccessat (dirfd, RT_STATE_CONFIG, F_OK, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT)
		return 0;
	if (ct_fs_read_all_at (dirfd, RT_STATE_CONFIG, CT_JSON_MAX_SIZE, &data, &len, err) < 0)
		return -1;
	return ct_rt_spec_decode (data, len, RT_STATE_CONFIG, spec, err);
}

/* Merge r into the stored config and write it back atomically, as create
   did. */
static int
store_config (int dirfd, struct ct_rt_spec *spec, struct ct_rt_resources *r, ct_error_t *err)
{
	cleanup_free char *out = NULL;
	size_t olen = 0;

	if (spec->linux_ == NULL)
		spec->linux_ = xzalloc (sizeof *spec->linux_);
	if (spec->linux_->resources == NULL)
		spec->linux_->resources = xzalloc (sizeof *spec->linux_->resources);
	merge (spec->linux_->resources, r);
	if (ct_rt_spec_encode (spec, &out, &olen, err) < 0)
		return -1;
	return ct_fs_write_atomic_at (dirfd, RT_STATE_CONFIG, out, olen, 0600, err);
}

/* On v2 the swap file holds swap alone (memory.swap.max = swap - limit):
   a new swap without a new limit is converted against the stored limit. */
static void
fill_limit_for_swap (const struct ct_rt_spec *spec, struct ct_rt_resources *r)
{
	const struct ct_rt_resources *old = spec->linux_ ? spec->linux_->resources : NULL;

	if (r->memory == NULL || !r->memory->swap_present || r->memory->swap <= 0 ||
	    (r->memory->limit_present && r->memory->limit != 0))
		return;
	if (old != NULL && old->memory != NULL && old->memory->limit_present && old->memory->limit > 0) {
		r->memory->limit = old->memory->limit;
		r->memory->limit_present = true;
	}
}

int
cmd_update (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	static const struct option longopts[] = {
		{ "resources", required_argument, NULL, 'r' },
		{ "blkio-weight", required_argument, NULL, OPT_BLKIO_WEIGHT },
		{ "cpu-period", required_argument, NULL, OPT_CPU_PERIOD },
		{ "cpu-quota", required_argument, NULL, OPT_CPU_QUOTA },
		{ "cpu-share", required_argument, NULL, OPT_CPU_SHARE },
		{ "cpu-rt-period", required_argument, NULL, OPT_CPU_RT_PERIOD },
		{ "cpu-rt-runtime", required_argument, NULL, OPT_CPU_RT_RUNTIME },
		{ "cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS },
		{ "cpuset-mems", required_argument, NULL, OPT_CPUSET_MEMS },
		{ "memory", required_argument, NULL, OPT_MEMORY },
		{ "memory-reservation", required_argument, NULL, OPT_MEMORY_RESERVATION },
		{ "memory-swap", required_argument, NULL, OPT_MEMORY_SWAP },
		{ "pids-limit", required_argument, NULL, OPT_PIDS_LIMIT },
		{ "kernel-memory", required_argument, NULL, OPT_KERNEL_MEMORY },
		{ "kernel-memory-tcp", required_argument, NULL, OPT_KERNEL_MEMORY_TCP },
		{ "l3-cache-schema", required_argument, NULL, OPT_L3_CACHE_SCHEMA },
		{ "mem-bw-schema", required_argument, NULL, OPT_MEM_BW_SCHEMA },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	cleanup_rt_resources struct ct_rt_resources *flags = NULL;
	cleanup_rt_resources struct ct_rt_resources *doc = NULL;
	cleanup_rt_spec struct ct_rt_spec *spec = NULL;
	struct ct_rt_resources *r;
	const char *file = NULL;
	struct rt_container c;
	const char *id;
	int opt, ret = -1;

	flags = xzalloc (sizeof *flags);
	while ((opt = ct_cli_getopt (argc, argv, "r:h", longopts, err)) != -1) {
		switch (opt) {
		case 'r':
			file = optarg;
			break;
		case 'h':
			printf ("usage: %s\n", UPDATE_USAGE);
			return 0;
		case '?':
			return -1;
		default: {
			const char *name = NULL;
			for (const struct option *o = longopts; o->name != NULL; o++)
				if (o->val == opt)
					name = o->name;
			if (set_flag (flags, opt, name, optarg, err) < 0)
				return -1;
			break;
		}
		}
	}
	if (ct_cli_args (argc, argv, 1, 1, UPDATE_USAGE, err) < 0)
		return -1;
	id = argv[optind];

	/* runc 1.1: with -r the flags are ignored */
	if (file != NULL && ct_rt_resources_load (file, &doc, err) < 0)
		return -1;
	r = doc != NULL ? doc : flags;
	if (r->memory != NULL && (r->memory->kernel_present || r->memory->kernel_tcp_present))
		ct_log_warning ("kernel memory settings are ignored and will be removed");

	if (rt_container_load (g->root, id, LOCK_EX, false, &c, err) < 0)
		return ct_error_wrap (err, "update `%s`", id);
	if (strcmp (c.status, "stopped") == 0) {
		ct_make_error (err, 0, "container not running");
		goto out;
	}
	if (c.cg.n == 0) {
		ct_make_error (err, ENOENT, "update `%s`: the container has no cgroup", id);
		goto out;
	}
	if (load_stored_config (c.dirfd, &spec, err) < 0) {
		ct_error_wrap (err, "update `%s`: read the stored config", id);
		goto out;
	}
	if (spec != NULL)
		fill_limit_for_swap (spec, r);
	if (rt_cg_apply (&c.cg, r, true, err) < 0) {
		ct_error_wrap (err, "update `%s`", id);
		goto out;
	}
	if (spec != NULL && store_config (c.dirfd, spec, r, err) < 0) {
		ct_error_wrap (err, "update `%s`: save the new limits", id);
		goto out;
	}
	ret = 0;
out:
	rt_container_release (&c);
	return ret;
}
