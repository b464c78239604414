#include "common.h"

#include <libgen.h>
#include <sys/stat.h>

#include <yajl/yajl_tree.h>

#include "fs.h"
#include "json.h"
#include "strv.h"
#include "ocispec/runtime.h"

/* One decoder per struct over the shared/json.c getters.  A decoder writes
   into a zeroed struct that the caller already owns, so on failure the
   partial result is released by the normal free functions. */

#define P(x) ((x) != NULL && *(x) != '\0' ? (x) : "")

/* ------------------------------------------------------------ enums */

static const char *const ns_names[CT_RT_NS__COUNT] = {
	[CT_RT_NS_PID] = "pid", [CT_RT_NS_NETWORK] = "network", [CT_RT_NS_MOUNT] = "mount",   [CT_RT_NS_IPC] = "ipc",
	[CT_RT_NS_UTS] = "uts", [CT_RT_NS_USER] = "user",       [CT_RT_NS_CGROUP] = "cgroup", [CT_RT_NS_TIME] = "time",
};

const char *
ct_rt_ns_type_name (enum ct_rt_ns_type t)
{
	if ((unsigned) t >= CT_RT_NS__COUNT)
		return NULL;
	return ns_names[t];
}

int
ct_rt_ns_type_from_name (const char *name)
{
	for (int i = 0; i < CT_RT_NS__COUNT; i++)
		if (strcmp (ns_names[i], name) == 0)
			return i;
	return -1;
}

static const char *const seccomp_actions[] = {
	"SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",   "SCMP_ACT_ERRNO",
	"SCMP_ACT_TRACE", "SCMP_ACT_ALLOW",        "SCMP_ACT_LOG",         "SCMP_ACT_NOTIFY", NULL,
};
static const char *const seccomp_ops[] = {
	"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",        "SCMP_CMP_EQ",
	"SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL,
};
static const char *const seccomp_flags[] = {
	"SECCOMP_FILTER_FLAG_TSYNC",
	"SECCOMP_FILTER_FLAG_LOG",
	"SECCOMP_FILTER_FLAG_SPEC_ALLOW",
	"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
	NULL,
};
static const char *const rootfs_propagations[] = { "private", "shared", "slave", "unbindable", NULL };
static const char *const device_types[] = { "c", "b", "u", "p", NULL };
static const char *const sched_policies[] = {
	"SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE", NULL,
};
static const char *const sched_flags[] = {
	"SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM",        "SCHED_FLAG_DL_OVERRUN",     "SCHED_FLAG_KEEP_POLICY",
	"SCHED_FLAG_KEEP_PARAMS",   "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX", NULL,
};
static const char *const ioprio_classes[] = { "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE", NULL };
static const char *const personality_domains[] = { "LINUX", "LINUX32", NULL };
static const char *const mpol_modes[] = {
	"MPOL_DEFAULT",   "MPOL_BIND",           "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
	"MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_LOCAL",      NULL,
};
static const char *const mpol_flags[] = { "MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES",
	                                  NULL };

static bool
in_set (const char *v, const char *const *set)
{
	for (; *set != NULL; set++)
		if (strcmp (v, *set) == 0)
			return true;
	return false;
}

/* A present string member must be one of `set`: "`path.key`: unknown <what> `v`". */
static int
check_enum (const char *v, const char *path, const char *key, const char *const *set, const char *what, ct_error_t *err)
{
	cleanup_free char *p = NULL;

	if (v == NULL || in_set (v, set))
		return 0;
	p = ct_json_path_key (path, key);
	return ct_json_error (err, p, "unknown %s `%s`", what, v);
}

static int
check_enum_list (char **list, const char *path, const char *key, const char *const *set, const char *what,
                 ct_error_t *err)
{
	if (list == NULL)
		return 0;
	for (size_t i = 0; list[i] != NULL; i++) {
		if (!in_set (list[i], set)) {
			cleanup_free char *p = ct_json_path_key (path, key);
			cleanup_free char *ep = ct_json_path_index (p, i);
			return ct_json_error (err, ep, "unknown %s `%s`", what, list[i]);
		}
	}
	return 0;
}

/* ------------------------------------------------------------ helpers */

typedef int (*elem_fn) (yajl_val v, const char *path, void *elem, ct_error_t *err);

/* Decode the array member `key` of objects with fn.  The storage is handed
   to *out before decoding so the caller's free function sees every element
   (zeroed ones included) when an element fails. */
static int
dec_array (yajl_val obj, const char *path, const char *key, bool required, size_t size, elem_fn fn, void **out,
           size_t *n, ct_error_t *err)
{
	cleanup_free char *p = NULL;
	yajl_val a = NULL;
	char *mem;
	size_t len;

	if (ct_json_get_array (obj, path, key, required, &a, err) < 0)
		return -1;
	if (a == NULL)
		return 0;
	p = ct_json_path_key (path, key);
	len = a->u.array.len;
	mem = xcalloc (len ? len : 1, size);
	*out = mem;
	*n = len;
	for (size_t i = 0; i < len; i++) {
		cleanup_free char *ep = ct_json_path_index (p, i);
		if (ct_json_as_object (a->u.array.values[i], ep, err) < 0)
			return -1;
		if (fn (a->u.array.values[i], ep, mem + i * size, err) < 0)
			return -1;
	}
	return 0;
}

/* Decode the object member `key` into a fresh xzalloc'd struct of `size`
   (stored in *out before decoding, for the same reason). */
static int
dec_object (yajl_val obj, const char *path, const char *key, bool required, size_t size, elem_fn fn, void **out,
            ct_error_t *err)
{
	cleanup_free char *p = NULL;
	yajl_val o = NULL;

	if (ct_json_get_object (obj, path, key, required, &o, err) < 0)
		return -1;
	if (o == NULL)
		return 0;
	p = ct_json_path_key (path, key);
	*out = xzalloc (size);
	return fn (o, p, *out, err);
}

static void
map_release (struct ct_rt_map *m)
{
	if (m->keys != NULL)
		for (size_t i = 0; i < m->n; i++)
			free (m->keys[i]);
	if (m->values != NULL)
		for (size_t i = 0; i < m->n; i++)
			free (m->values[i]);
	free (m->keys);
	free (m->values);
	m->keys = m->values = NULL;
	m->n = 0;
}

const char *
ct_rt_map_get (const struct ct_rt_map *m, const char *key)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp (m->keys[i], key) == 0)
			return m->values[i];
	return NULL;
}

void
ct_rt_map_set (struct ct_rt_map *m, const char *key, const char *value)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp (m->keys[i], key) == 0) {
			free (m->values[i]);
			m->values[i] = xstrdup (value);
			return;
		}
	m->keys = xreallocarray (m->keys, m->n + 2, sizeof (char *));
	m->values = xreallocarray (m->values, m->n + 2, sizeof (char *));
	m->keys[m->n] = xstrdup (key);
	m->values[m->n] = xstrdup (value);
	m->n++;
	m->keys[m->n] = NULL;
	m->values[m->n] = NULL;
}

static int
dec_map (yajl_val obj, const char *path, const char *key, struct ct_rt_map *m, bool *present, ct_error_t *err)
{
	return ct_json_get_strmap (obj, path, key, false, &m->keys, &m->values, &m->n, present, err);
}

/* ------------------------------------------------------------ decoders */

static int
dec_id_mapping (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_id_mapping *m = elem;

	if (ct_json_get_u32 (v, path, "containerID", true, &m->container_id, NULL, err) < 0 ||
	    ct_json_get_u32 (v, path, "hostID", true, &m->host_id, NULL, err) < 0 ||
	    ct_json_get_u32 (v, path, "size", true, &m->size, NULL, err) < 0)
		return -1;
	return 0;
}

static int
dec_root (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_root *r = elem;

	if (ct_json_get_str (v, path, "path", true, &r->path, err) < 0 ||
	    ct_json_get_bool (v, path, "readonly", false, &r->readonly, &r->readonly_present, err) < 0)
		return -1;
	return 0;
}

static int
dec_mount (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_mount *m = elem;

	if (ct_json_get_str (v, path, "destination", true, &m->destination, err) < 0 ||
	    ct_json_get_str (v, path, "source", false, &m->source, err) < 0 ||
	    ct_json_get_str (v, path, "type", false, &m->type, err) < 0 ||
	    ct_json_get_strv (v, path, "options", false, &m->options, err) < 0 ||
	    dec_array (v, path, "uidMappings", false, sizeof (struct ct_rt_id_mapping), dec_id_mapping,
	               (void **) &m->uid_mappings, &m->n_uid_mappings, err) < 0 ||
	    dec_array (v, path, "gidMappings", false, sizeof (struct ct_rt_id_mapping), dec_id_mapping,
	               (void **) &m->gid_mappings, &m->n_gid_mappings, err) < 0)
		return -1;
	return 0;
}

static int
dec_console_size (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_console_size *c = elem;

	if (ct_json_get_u64 (v, path, "height", true, &c->height, NULL, err) < 0 ||
	    ct_json_get_u64 (v, path, "width", true, &c->width, NULL, err) < 0)
		return -1;
	return 0;
}

static int
dec_user (yajl_val v, const char *path, struct ct_rt_user *u, ct_error_t *err)
{
	if (ct_json_get_u32 (v, path, "uid", false, &u->uid, &u->uid_present, err) < 0 ||
	    ct_json_get_u32 (v, path, "gid", false, &u->gid, &u->gid_present, err) < 0 ||
	    ct_json_get_u32 (v, path, "umask", false, &u->umask, &u->umask_present, err) < 0 ||
	    ct_json_get_u32v (v, path, "additionalGids", false, &u->additional_gids, &u->n_additional_gids,
	                      &u->additional_gids_present, err) < 0 ||
	    ct_json_get_str (v, path, "username", false, &u->username, err) < 0)
		return -1;
	return 0;
}

static int
check_caps (char **caps, const char *path, const char *key, ct_error_t *err)
{
	if (caps == NULL)
		return 0;
	for (size_t i = 0; caps[i] != NULL; i++) {
		if (strncmp (caps[i], "CAP_", 4) != 0) {
			cleanup_free char *p = ct_json_path_key (path, key);
			cleanup_free char *ep = ct_json_path_index (p, i);
			return ct_json_error (err, ep, "unknown capability `%s`", caps[i]);
		}
	}
	return 0;
}

static int
dec_capabilities (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_capabilities *c = elem;
	static const char *const keys[] = { "bounding", "effective", "inheritable", "permitted", "ambient" };
	char ***fields[] = { &c->bounding, &c->effective, &c->inheritable, &c->permitted, &c->ambient };

	for (size_t i = 0; i < CT_ARRAY_SIZE (keys); i++) {
		if (ct_json_get_strv (v, path, keys[i], false, fields[i], err) < 0 ||
		    check_caps (*fields[i], path, keys[i], err) < 0)
			return -1;
	}
	return 0;
}

static int
dec_rlimit (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_rlimit *r = elem;

	if (ct_json_get_str (v, path, "type", true, &r->type, err) < 0 ||
	    ct_json_get_u64 (v, path, "soft", true, &r->soft, NULL, err) < 0 ||
	    ct_json_get_u64 (v, path, "hard", true, &r->hard, NULL, err) < 0)
		return -1;
	/* schema: ^RLIMIT_[A-Z]+$; the runtime maps the names it knows */
	if (strncmp (r->type, "RLIMIT_", 7) != 0 || r->type[7] == '\0' ||
	    strspn (r->type + 7, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen (r->type + 7)) {
		cleanup_free char *p = ct_json_path_key (path, "type");
		return ct_json_error (err, p, "unknown rlimit `%s`", r->type);
	}
	return 0;
}

static int
dec_scheduler (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_scheduler *s = elem;

	if (ct_json_get_str (v, path, "policy", true, &s->policy, err) < 0 ||
	    check_enum (s->policy, path, "policy", sched_policies, "scheduler policy", err) < 0 ||
	    ct_json_get_i32 (v, path, "nice", false, &s->nice, &s->nice_present, err) < 0 ||
	    ct_json_get_i32 (v, path, "priority", false, &s->priority, &s->priority_present, err) < 0 ||
	    ct_json_get_strv (v, path, "flags", false, &s->flags, err) < 0 ||
	    check_enum_list (s->flags, path, "flags", sched_flags, "scheduler flag", err) < 0 ||
	    ct_json_get_u64 (v, path, "runtime", false, &s->runtime, &s->runtime_present, err) < 0 ||
	    ct_json_get_u64 (v, path, "deadline", false, &s->deadline, &s->deadline_present, err) < 0 ||
	    ct_json_get_u64 (v, path, "period", false, &s->period, &s->period_present, err) < 0)
		return -1;
	return 0;
}

static int
dec_io_priority (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_io_priority *p = elem;

	if (ct_json_get_str (v, path, "class", true, &p->class_, err) < 0 ||
	    check_enum (p->class_, path, "class", ioprio_classes, "I/O priority class", err) < 0 ||
	    ct_json_get_i32 (v, path, "priority", false, &p->priority, &p->priority_present, err) < 0)
		return -1;
	return 0;
}

static int
dec_cpu_affinity (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_cpu_affinity *a = elem;

	if (ct_json_get_str (v, path, "initial", false, &a->initial, err) < 0 ||
	    ct_json_get_str (v, path, "final", false, &a->final, err) < 0)
		return -1;
	return 0;
}

static int
dec_process (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_process *p = elem;
	cleanup_free char *upath = ct_json_path_key (path, "user");
	cleanup_free char *opath = ct_json_path_key (path, "oomScoreAdj");
	yajl_val user = NULL;
	yajl_val oom;

	if (ct_json_get_bool (v, path, "terminal", false, &p->terminal, &p->terminal_present, err) < 0 ||
	    dec_object (v, path, "consoleSize", false, sizeof (struct ct_rt_console_size), dec_console_size,
	                (void **) &p->console_size, err) < 0 ||
	    ct_json_get_object (v, path, "user", false, &user, err) < 0)
		return -1;
	if (user != NULL) {
		p->user_present = true;
		if (dec_user (user, upath, &p->user, err) < 0)
			return -1;
	}
	if (ct_json_get_strv (v, path, "args", true, &p->args, err) < 0 ||
	    ct_json_get_strv (v, path, "env", false, &p->env, err) < 0 ||
	    ct_json_get_str (v, path, "cwd", true, &p->cwd, err) < 0 ||
	    dec_object (v, path, "capabilities", false, sizeof (struct ct_rt_capabilities), dec_capabilities,
	                (void **) &p->capabilities, err) < 0 ||
	    dec_array (v, path, "rlimits", false, sizeof (struct ct_rt_rlimit), dec_rlimit, (void **) &p->rlimits,
	               &p->n_rlimits, err) < 0 ||
	    ct_json_get_str (v, path, "apparmorProfile", false, &p->apparmor_profile, err) < 0 ||
	    ct_json_get_str (v, path, "selinuxLabel", false, &p->selinux_label, err) < 0 ||
	    ct_json_get_bool (v, path, "noNewPrivileges", false, &p->no_new_privileges, &p->no_new_privileges_present,
	                      err) < 0 ||
	    dec_object (v, path, "scheduler", false, sizeof (struct ct_rt_scheduler), dec_scheduler,
	                (void **) &p->scheduler, err) < 0 ||
	    dec_object (v, path, "ioPriority", false, sizeof (struct ct_rt_io_priority), dec_io_priority,
	                (void **) &p->io_priority, err) < 0 ||
	    dec_object (v, path, "execCPUAffinity", false, sizeof (struct ct_rt_cpu_affinity), dec_cpu_affinity,
	                (void **) &p->exec_cpu_affinity, err) < 0)
		return -1;
	oom = ct_json_lookup (v, "oomScoreAdj");
	if (oom != NULL) {
		int64_t n;
		if (ct_json_as_int (oom, opath, INT_MIN, INT_MAX, "int", &n, err) < 0)
			return -1;
		p->oom_score_adj = (int) n;
		p->oom_score_adj_present = true;
	}
	return 0;
}

static int
dec_hook (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_hook *h = elem;
	cleanup_free char *tpath = ct_json_path_key (path, "timeout");

	if (ct_json_get_str (v, path, "path", true, &h->path, err) < 0 ||
	    ct_json_get_strv (v, path, "args", false, &h->args, err) < 0 ||
	    ct_json_get_strv (v, path, "env", false, &h->env, err) < 0 ||
	    ct_json_get_i64 (v, path, "timeout", false, &h->timeout, &h->timeout_present, err) < 0)
		return -1;
	if (h->timeout_present && h->timeout < 1)
		return ct_json_error (err, tpath, "must be at least 1");
	return 0;
}

static int
dec_hook_list (yajl_val v, const char *path, const char *key, struct ct_rt_hook_list *l, ct_error_t *err)
{
	return dec_array (v, path, key, false, sizeof (struct ct_rt_hook), dec_hook, (void **) &l->hooks, &l->n, err);
}

static int
dec_hooks (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_hooks *h = elem;

	if (dec_hook_list (v, path, "prestart", &h->prestart, err) < 0 ||
	    dec_hook_list (v, path, "createRuntime", &h->create_runtime, err) < 0 ||
	    dec_hook_list (v, path, "createContainer", &h->create_container, err) < 0 ||
	    dec_hook_list (v, path, "startContainer", &h->start_container, err) < 0 ||
	    dec_hook_list (v, path, "poststart", &h->poststart, err) < 0 ||
	    dec_hook_list (v, path, "poststop", &h->poststop, err) < 0)
		return -1;
	return 0;
}

static int
dec_namespace (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_namespace *ns = elem;
	cleanup_free char *type = NULL;
	int t;

	if (ct_json_get_str (v, path, "type", true, &type, err) < 0 ||
	    ct_json_get_str (v, path, "path", false, &ns->path, err) < 0)
		return -1;
	t = ct_rt_ns_type_from_name (type);
	if (t < 0) {
		cleanup_free char *p = ct_json_path_key (path, "type");
		return ct_json_error (err, p, "unknown namespace type `%s`", type);
	}
	ns->type = (enum ct_rt_ns_type) t;
	return 0;
}

static int
dec_time_offset (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_time_offset *o = elem;

	if (ct_json_get_i64 (v, path, "secs", false, &o->secs, &o->secs_present, err) < 0 ||
	    ct_json_get_u32 (v, path, "nanosecs", false, &o->nanosecs, &o->nanosecs_present, err) < 0)
		return -1;
	return 0;
}

static int
dec_time_offsets (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_time_offsets *t = elem;

	if (dec_object (v, path, "boottime", false, sizeof (struct ct_rt_time_offset), dec_time_offset,
	                (void **) &t->boottime, err) < 0 ||
	    dec_object (v, path, "monotonic", false, sizeof (struct ct_rt_time_offset), dec_time_offset,
	                (void **) &t->monotonic, err) < 0)
		return -1;
	return 0;
}

static int
dec_device (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_device *d = elem;

	if (ct_json_get_str (v, path, "type", true, &d->type, err) < 0 ||
	    check_enum (d->type, path, "type", device_types, "device type", err) < 0 ||
	    ct_json_get_str (v, path, "path", true, &d->path, err) < 0 ||
	    ct_json_get_i64 (v, path, "major", false, &d->major, &d->major_present, err) < 0 ||
	    ct_json_get_i64 (v, path, "minor", false, &d->minor, &d->minor_present, err) < 0 ||
	    ct_json_get_u32 (v, path, "fileMode", false, &d->file_mode, &d->file_mode_present, err) < 0 ||
	    ct_json_get_u32 (v, path, "uid", false, &d->uid, &d->uid_present, err) < 0 ||
	    ct_json_get_u32 (v, path, "gid", false, &d->gid, &d->gid_present, err) < 0)
		return -1;
	return 0;
}

static int
dec_device_cgroup (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_device_cgroup *d = elem;

	if (ct_json_get_bool (v, path, "allow", true, &d->allow, NULL, err) < 0 ||
	    ct_json_get_str (v, path, "type", false, &d->type, err) < 0 ||
	    ct_json_get_i64 (v, path, "major", false, &d->major, &d->major_present, err) < 0 ||
	    ct_json_get_i64 (v, path, "minor", false, &d->minor, &d->minor_present, err) < 0 ||
	    ct_json_get_str (v, path, "access", false, &d->access, err) < 0)
		return -1;
	return 0;
}

static int
dec_memory (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_memory *m = elem;

	if (ct_json_get_i64 (v, path, "limit", false, &m->limit, &m->limit_present, err) < 0 ||
	    ct_json_get_i64 (v, path, "reservation", false, &m->reservation, &m->reservation_present, err) < 0 ||
	    ct_json_get_i64 (v, path, "swap", false, &m->swap, &m->swap_present, err) < 0 ||
	    ct_json_get_i64 (v, path, "kernel", false, &m->kernel, &m->kernel_present, err) < 0 ||
	    ct_json_get_i64 (v, path, "kernelTCP", false, &m->kernel_tcp, &m->kernel_tcp_present, err) < 0 ||
	    ct_json_get_u64 (v, path, "swappiness", false, &m->swappiness, &m->swappiness_present, err) < 0 ||
	    ct_json_get_bool (v, path, "disableOOMKiller", false, &m->disable_oom_killer,
	                      &m->disable_oom_killer_present, err) < 0 ||
	    ct_json_get_bool (v, path, "useHierarchy", false, &m->use_hierarchy, &m->use_hierarchy_present, err) < 0 ||
	    ct_json_get_bool (v, path, "checkBeforeUpdate", false, &m->check_before_update,
	                      &m->check_before_update_present, err) < 0)
		return -1;
	return 0;
}

static int
dec_cpu (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_cpu *c = elem;

	if (ct_json_get_u64 (v, path, "shares", false, &c->shares, &c->shares_present, err) < 0 ||
	    ct_json_get_i64 (v, path, "quota", false, &c->quota, &c->quota_present, err) < 0 ||
	    ct_json_get_u64 (v, path, "burst", false, &c->burst, &c->burst_present, err) < 0 ||
	    ct_json_get_u64 (v, path, "period", false, &c->period, &c->period_present, err) < 0 ||
	    ct_json_get_i64 (v, path, "realtimeRuntime", false, &c->realtime_runtime, &c->realtime_runtime_present,
	                     err) < 0 ||
	    ct_json_get_u64 (v, path, "realtimePeriod", false, &c->realtime_period, &c->realtime_period_present, err) <
	            0 ||
	    ct_json_get_str (v, path, "cpus", false, &c->cpus, err) < 0 ||
	    ct_json_get_str (v, path, "mems", false, &c->mems, err) < 0 ||
	    ct_json_get_i64 (v, path, "idle", false, &c->idle, &c->idle_present, err) < 0)
		return -1;
	return 0;
}

static int
dec_weight_device (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_blkio_weight_device *d = elem;

	if (ct_json_get_i64 (v, path, "major", true, &d->major, NULL, err) < 0 ||
	    ct_json_get_i64 (v, path, "minor", true, &d->minor, NULL, err) < 0 ||
	    ct_json_get_u16 (v, path, "weight", false, &d->weight, &d->weight_present, err) < 0 ||
	    ct_json_get_u16 (v, path, "leafWeight", false, &d->leaf_weight, &d->leaf_weight_present, err) < 0)
		return -1;
	return 0;
}

static int
dec_throttle_device (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_blkio_throttle_device *d = elem;

	if (ct_json_get_i64 (v, path, "major", true, &d->major, NULL, err) < 0 ||
	    ct_json_get_i64 (v, path, "minor", true, &d->minor, NULL, err) < 0 ||
	    ct_json_get_u64 (v, path, "rate", false, &d->rate, &d->rate_present, err) < 0)
		return -1;
	return 0;
}

static int
dec_blkio (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_blkio *b = elem;
	const size_t tsz = sizeof (struct ct_rt_blkio_throttle_device);

	if (ct_json_get_u16 (v, path, "weight", false, &b->weight, &b->weight_present, err) < 0 ||
	    ct_json_get_u16 (v, path, "leafWeight", false, &b->leaf_weight, &b->leaf_weight_present, err) < 0 ||
	    dec_array (v, path, "weightDevice", false, sizeof (struct ct_rt_blkio_weight_device), dec_weight_device,
	               (void **) &b->weight_device, &b->n_weight_device, err) < 0 ||
	    dec_array (v, path, "throttleReadBpsDevice", false, tsz, dec_throttle_device,
	               (void **) &b->throttle_read_bps_device, &b->n_throttle_read_bps_device, err) < 0 ||
	    dec_array (v, path, "throttleWriteBpsDevice", false, tsz, dec_throttle_device,
	               (void **) &b->throttle_write_bps_device, &b->n_throttle_write_bps_device, err) < 0 ||
	    dec_array (v, path, "throttleReadIOPSDevice", false, tsz, dec_throttle_device,
	               (void **) &b->throttle_read_iops_device, &b->n_throttle_read_iops_device, err) < 0 ||
	    dec_array (v, path, "throttleWriteIOPSDevice", false, tsz, dec_throttle_device,
	               (void **) &b->throttle_write_iops_device, &b->n_throttle_write_iops_device, err) < 0)
		return -1;
	return 0;
}

static int
dec_hugepage (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_hugepage_limit *h = elem;

	if (ct_json_get_str (v, path, "pageSize", true, &h->page_size, err) < 0 ||
	    ct_json_get_u64 (v, path, "limit", true, &h->limit, NULL, err) < 0)
		return -1;
	return 0;
}

static int
dec_net_priority (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_net_priority *p = elem;

	if (ct_json_get_str (v, path, "name", true, &p->name, err) < 0 ||
	    ct_json_get_u32 (v, path, "priority", true, &p->priority, NULL, err) < 0)
		return -1;
	return 0;
}

static int
dec_network (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_network *n = elem;

	if (ct_json_get_u32 (v, path, "classID", false, &n->class_id, &n->class_id_present, err) < 0 ||
	    dec_array (v, path, "priorities", false, sizeof (struct ct_rt_net_priority), dec_net_priority,
	               (void **) &n->priorities, &n->n_priorities, err) < 0)
		return -1;
	return 0;
}

static int
dec_pids (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_pids *p = elem;

	return ct_json_get_i64 (v, path, "limit", false, &p->limit, &p->limit_present, err);
}

static int
dec_resources (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_resources *r = elem;
	cleanup_free char *rpath = ct_json_path_key (path, "rdma");
	yajl_val rdma = NULL;

	if (dec_array (v, path, "devices", false, sizeof (struct ct_rt_device_cgroup), dec_device_cgroup,
	               (void **) &r->devices, &r->n_devices, err) < 0 ||
	    dec_object (v, path, "memory", false, sizeof (struct ct_rt_memory), dec_memory, (void **) &r->memory, err) <
	            0 ||
	    dec_object (v, path, "cpu", false, sizeof (struct ct_rt_cpu), dec_cpu, (void **) &r->cpu, err) < 0 ||
	    dec_object (v, path, "blockIO", false, sizeof (struct ct_rt_blkio), dec_blkio, (void **) &r->block_io,
	                err) < 0 ||
	    dec_array (v, path, "hugepageLimits", false, sizeof (struct ct_rt_hugepage_limit), dec_hugepage,
	               (void **) &r->hugepage_limits, &r->n_hugepage_limits, err) < 0 ||
	    dec_object (v, path, "network", false, sizeof (struct ct_rt_network), dec_network, (void **) &r->network,
	                err) < 0 ||
	    dec_object (v, path, "pids", false, sizeof (struct ct_rt_pids), dec_pids, (void **) &r->pids, err) < 0 ||
	    dec_map (v, path, "unified", &r->unified, &r->unified_present, err) < 0 ||
	    ct_json_get_object (v, path, "rdma", false, &rdma, err) < 0)
		return -1;
	if (rdma != NULL) {
		size_t n = rdma->u.object.len;
		r->rdma = xcalloc (n ? n : 1, sizeof (struct ct_rt_rdma));
		r->n_rdma = n;
		for (size_t i = 0; i < n; i++) {
			struct ct_rt_rdma *e = &r->rdma[i];
			cleanup_free char *ep = ct_json_path_key (rpath, rdma->u.object.keys[i]);
			e->device = xstrdup (rdma->u.object.keys[i]);
			if (ct_json_as_object (rdma->u.object.values[i], ep, err) < 0 ||
			    ct_json_get_u32 (rdma->u.object.values[i], ep, "hcaHandles", false, &e->hca_handles,
			                     &e->hca_handles_present, err) < 0 ||
			    ct_json_get_u32 (rdma->u.object.values[i], ep, "hcaObjects", false, &e->hca_objects,
			                     &e->hca_objects_present, err) < 0)
				return -1;
		}
	}
	return 0;
}

static int
dec_intel_rdt (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_intel_rdt *r = elem;

	if (ct_json_get_str (v, path, "closID", false, &r->clos_id, err) < 0 ||
	    ct_json_get_str (v, path, "l3CacheSchema", false, &r->l3_cache_schema, err) < 0 ||
	    ct_json_get_str (v, path, "memBwSchema", false, &r->mem_bw_schema, err) < 0 ||
	    ct_json_get_strv (v, path, "schemata", false, &r->schemata, err) < 0 ||
	    ct_json_get_bool (v, path, "enableMonitoring", false, &r->enable_monitoring, &r->enable_monitoring_present,
	                      err) < 0)
		return -1;
	return 0;
}

static int
dec_seccomp_arg (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_seccomp_arg *a = elem;

	if (ct_json_get_u32 (v, path, "index", true, &a->index, NULL, err) < 0 ||
	    ct_json_get_u64 (v, path, "value", true, &a->value, NULL, err) < 0 ||
	    ct_json_get_u64 (v, path, "valueTwo", false, &a->value_two, &a->value_two_present, err) < 0 ||
	    ct_json_get_str (v, path, "op", true, &a->op, err) < 0 ||
	    check_enum (a->op, path, "op", seccomp_ops, "seccomp operator", err) < 0)
		return -1;
	return 0;
}

static int
dec_seccomp_syscall (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_seccomp_syscall *s = elem;

	if (ct_json_get_strv (v, path, "names", true, &s->names, err) < 0 ||
	    ct_json_get_str (v, path, "action", true, &s->action, err) < 0 ||
	    check_enum (s->action, path, "action", seccomp_actions, "seccomp action", err) < 0 ||
	    ct_json_get_u32 (v, path, "errnoRet", false, &s->errno_ret, &s->errno_ret_present, err) < 0 ||
	    dec_array (v, path, "args", false, sizeof (struct ct_rt_seccomp_arg), dec_seccomp_arg, (void **) &s->args,
	               &s->n_args, err) < 0)
		return -1;
	if (s->names[0] == NULL) {
		cleanup_free char *p = ct_json_path_key (path, "names");
		return ct_json_error (err, p, "must not be empty");
	}
	return 0;
}

static int
dec_seccomp (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_seccomp *s = elem;

	if (ct_json_get_str (v, path, "defaultAction", true, &s->default_action, err) < 0 ||
	    check_enum (s->default_action, path, "defaultAction", seccomp_actions, "seccomp action", err) < 0 ||
	    ct_json_get_u32 (v, path, "defaultErrnoRet", false, &s->default_errno_ret, &s->default_errno_ret_present,
	                     err) < 0 ||
	    ct_json_get_strv (v, path, "architectures", false, &s->architectures, err) < 0 ||
	    ct_json_get_strv (v, path, "flags", false, &s->flags, err) < 0 ||
	    check_enum_list (s->flags, path, "flags", seccomp_flags, "seccomp flag", err) < 0 ||
	    ct_json_get_str (v, path, "listenerPath", false, &s->listener_path, err) < 0 ||
	    ct_json_get_str (v, path, "listenerMetadata", false, &s->listener_metadata, err) < 0 ||
	    dec_array (v, path, "syscalls", false, sizeof (struct ct_rt_seccomp_syscall), dec_seccomp_syscall,
	               (void **) &s->syscalls, &s->n_syscalls, err) < 0)
		return -1;
	/* architectures are left to libseccomp (seccomp_arch_resolve_name) */
	return 0;
}

static int
dec_personality (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_personality *p = elem;

	if (ct_json_get_str (v, path, "domain", false, &p->domain, err) < 0 ||
	    check_enum (p->domain, path, "domain", personality_domains, "personality domain", err) < 0 ||
	    ct_json_get_strv (v, path, "flags", false, &p->flags, err) < 0)
		return -1;
	return 0;
}

static int
dec_memory_policy (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_memory_policy *m = elem;

	if (ct_json_get_str (v, path, "mode", true, &m->mode, err) < 0 ||
	    check_enum (m->mode, path, "mode", mpol_modes, "memory policy mode", err) < 0 ||
	    ct_json_get_str (v, path, "nodes", false, &m->nodes, err) < 0 ||
	    ct_json_get_strv (v, path, "flags", false, &m->flags, err) < 0 ||
	    check_enum_list (m->flags, path, "flags", mpol_flags, "memory policy flag", err) < 0)
		return -1;
	return 0;
}

static int
dec_linux (yajl_val v, const char *path, void *elem, ct_error_t *err)
{
	struct ct_rt_linux *l = elem;
	cleanup_free char *ndpath = ct_json_path_key (path, "netDevices");
	yajl_val nd = NULL;

	if (dec_array (v, path, "namespaces", false, sizeof (struct ct_rt_namespace), dec_namespace,
	               (void **) &l->namespaces, &l->n_namespaces, err) < 0 ||
	    dec_array (v, path, "uidMappings", false, sizeof (struct ct_rt_id_mapping), dec_id_mapping,
	               (void **) &l->uid_mappings, &l->n_uid_mappings, err) < 0 ||
	    dec_array (v, path, "gidMappings", false, sizeof (struct ct_rt_id_mapping), dec_id_mapping,
	               (void **) &l->gid_mappings, &l->n_gid_mappings, err) < 0 ||
	    dec_object (v, path, "timeOffsets", false, sizeof (struct ct_rt_time_offsets), dec_time_offsets,
	                (void **) &l->time_offsets, err) < 0 ||
	    dec_array (v, path, "devices", false, sizeof (struct ct_rt_device), dec_device, (void **) &l->devices,
	               &l->n_devices, err) < 0 ||
	    ct_json_get_str (v, path, "cgroupsPath", false, &l->cgroups_path, err) < 0 ||
	    dec_object (v, path, "resources", false, sizeof (struct ct_rt_resources), dec_resources,
	                (void **) &l->resources, err) < 0 ||
	    ct_json_get_str (v, path, "rootfsPropagation", false, &l->rootfs_propagation, err) < 0 ||
	    check_enum (l->rootfs_propagation, path, "rootfsPropagation", rootfs_propagations, "rootfs propagation",
	                err) < 0 ||
	    dec_object (v, path, "seccomp", false, sizeof (struct ct_rt_seccomp), dec_seccomp, (void **) &l->seccomp,
	                err) < 0 ||
	    dec_map (v, path, "sysctl", &l->sysctl, &l->sysctl_present, err) < 0 ||
	    ct_json_get_strv (v, path, "maskedPaths", false, &l->masked_paths, err) < 0 ||
	    ct_json_get_strv (v, path, "readonlyPaths", false, &l->readonly_paths, err) < 0 ||
	    ct_json_get_str (v, path, "mountLabel", false, &l->mount_label, err) < 0 ||
	    dec_object (v, path, "intelRdt", false, sizeof (struct ct_rt_intel_rdt), dec_intel_rdt,
	                (void **) &l->intel_rdt, err) < 0 ||
	    dec_object (v, path, "personality", false, sizeof (struct ct_rt_personality), dec_personality,
	                (void **) &l->personality, err) < 0 ||
	    dec_object (v, path, "memoryPolicy", false, sizeof (struct ct_rt_memory_policy), dec_memory_policy,
	                (void **) &l->memory_policy, err) < 0 ||
	    ct_json_get_object (v, path, "netDevices", false, &nd, err) < 0)
		return -1;
	if (nd != NULL) {
		size_t n = nd->u.object.len;
		l->net_devices = xcalloc (n ? n : 1, sizeof (struct ct_rt_net_device));
		l->n_net_devices = n;
		for (size_t i = 0; i < n; i++) {
			struct ct_rt_net_device *e = &l->net_devices[i];
			cleanup_free char *ep = ct_json_path_key (ndpath, nd->u.object.keys[i]);
			e->host_name = xstrdup (nd->u.object.keys[i]);
			if (ct_json_as_object (nd->u.object.values[i], ep, err) < 0 ||
			    ct_json_get_str (nd->u.object.values[i], ep, "name", false, &e->name, err) < 0)
				return -1;
		}
	}
	return 0;
}

static int
dec_spec (yajl_val v, struct ct_rt_spec *s, ct_error_t *err)
{
	if (ct_json_get_str (v, "", "ociVersion", true, &s->oci_version, err) < 0 ||
	    dec_object (v, "", "root", false, sizeof (struct ct_rt_root), dec_root, (void **) &s->root, err) < 0 ||
	    dec_array (v, "", "mounts", false, sizeof (struct ct_rt_mount), dec_mount, (void **) &s->mounts,
	               &s->n_mounts, err) < 0 ||
	    dec_object (v, "", "process", false, sizeof (struct ct_rt_process), dec_process, (void **) &s->process,
	                err) < 0 ||
	    ct_json_get_str (v, "", "hostname", false, &s->hostname, err) < 0 ||
	    ct_json_get_str (v, "", "domainname", false, &s->domainname, err) < 0 ||
	    dec_object (v, "", "hooks", false, sizeof (struct ct_rt_hooks), dec_hooks, (void **) &s->hooks, err) < 0 ||
	    dec_map (v, "", "annotations", &s->annotations, &s->annotations_present, err) < 0 ||
	    dec_object (v, "", "linux", false, sizeof (struct ct_rt_linux), dec_linux, (void **) &s->linux_, err) < 0)
		return -1;
	return 0;
}

int
ct_rt_spec_decode (const char *data, size_t len, const char *source, struct ct_rt_spec **out, ct_error_t *err)
{
	cleanup_yajl yajl_val tree = NULL;
	cleanup_rt_spec struct ct_rt_spec *s = NULL;

	if (ct_json_parse (data, len, &tree, err) < 0)
		return ct_error_wrap (err, "%s", source);
	if (!YAJL_IS_OBJECT (tree))
		return ct_make_error (err, 0, "%s: not a JSON object", source);
	s = xzalloc (sizeof *s);
	if (dec_spec (tree, s, err) < 0)
		return ct_error_wrap (err, "%s", source);
	*out = steal_pointer (&s);
	return 0;
}

/* Read a JSON document of at most CT_JSON_MAX_SIZE bytes; *source is its
   basename (pointing into *pcopy) for messages. */
static int
read_doc (const char *path, char **buf, size_t *len, char **pcopy, const char **source, ct_error_t *err)
{
	cleanup_close int fd = -1;
	struct stat st;

	*pcopy = xstrdup (path);
	*source = basename (*pcopy);

	/* O_NONBLOCK: a FIFO planted as config.json must not hang us in open() */
	fd = open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return ct_make_error (err, errno, "open `%s`", path);
	if (fstat (fd, &st) < 0)
		return ct_make_error (err, errno, "stat `%s`", path);
	if (!S_ISREG (st.st_mode))
		return ct_make_error (err, 0, "%s: not a regular file", *source);
	if (ct_fs_read_all_fd (fd, CT_JSON_MAX_SIZE, buf, len, err) < 0) {
		if (ct_error_status (*err) == EFBIG) {
			ct_error_release (err);
			return ct_make_error (err, 0, "%s: document too large", *source);
		}
		return ct_error_wrap (err, "read `%s`", path);
	}
	return 0;
}

int
ct_rt_spec_load (const char *path, struct ct_rt_spec **out, ct_error_t *err)
{
	cleanup_free char *buf = NULL;
	cleanup_free char *pcopy = NULL;
	const char *source = NULL;
	size_t len = 0;

	if (read_doc (path, &buf, &len, &pcopy, &source, err) < 0)
		return -1;
	return ct_rt_spec_decode (buf, len, source, out, err);
}

static void process_free (struct ct_rt_process *p);

int
ct_rt_process_decode (const char *data, size_t len, const char *source, struct ct_rt_process **out, ct_error_t *err)
{
	cleanup_yajl yajl_val tree = NULL;
	struct ct_rt_process *p = NULL;

	if (ct_json_parse (data, len, &tree, err) < 0)
		return ct_error_wrap (err, "%s", source);
	if (!YAJL_IS_OBJECT (tree))
		return ct_make_error (err, 0, "%s: not a JSON object", source);
	p = xzalloc (sizeof *p);
	if (dec_process (tree, "", p, err) < 0) {
		process_free (p);
		return ct_error_wrap (err, "%s", source);
	}
	*out = p;
	return 0;
}

int
ct_rt_process_load (const char *path, struct ct_rt_process **out, ct_error_t *err)
{
	cleanup_free char *buf = NULL;
	cleanup_free char *pcopy = NULL;
	const char *source = NULL;
	size_t len = 0;

	if (read_doc (path, &buf, &len, &pcopy, &source, err) < 0)
		return -1;
	return ct_rt_process_decode (buf, len, source, out, err);
}

static void resources_free (struct ct_rt_resources *r);

int
ct_rt_resources_decode (const char *data, size_t len, const char *source, struct ct_rt_resources **out, ct_error_t *err)
{
	cleanup_yajl yajl_val tree = NULL;
	struct ct_rt_resources *r = NULL;

	if (ct_json_parse (data, len, &tree, err) < 0)
		return ct_error_wrap (err, "%s", source);
	if (!YAJL_IS_OBJECT (tree))
		return ct_make_error (err, 0, "%s: not a JSON object", source);
	r = xzalloc (sizeof *r);
	if (dec_resources (tree, "", r, err) < 0) {
		resources_free (r);
		return ct_error_wrap (err, "%s", source);
	}
	*out = r;
	return 0;
}

int
ct_rt_resources_load (const char *path, struct ct_rt_resources **out, ct_error_t *err)
{
	cleanup_free char *buf = NULL;
	cleanup_free char *pcopy = NULL;
	const char *source = "stdin";
	size_t len = 0;

	if (strcmp (path, "-") != 0) {
		if (read_doc (path, &buf, &len, &pcopy, &source, err) < 0)
			return -1;
	} else if (ct_fs_read_all_fd (STDIN_FILENO, CT_JSON_MAX_SIZE, &buf, &len, err) < 0) {
		if (ct_error_status (*err) == EFBIG) {
			ct_error_release (err);
			return ct_make_error (err, 0, "stdin: document too large");
		}
		return ct_error_wrap (err, "read stdin");
	}
	return ct_rt_resources_decode (buf, len, source, out, err);
}

/* ------------------------------------------------------------ free */

static void
hook_list_release (struct ct_rt_hook_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free (l->hooks[i].path);
		ct_strv_free (l->hooks[i].args);
		ct_strv_free (l->hooks[i].env);
	}
	free (l->hooks);
}

static void
process_free (struct ct_rt_process *p)
{
	if (p == NULL)
		return;
	free (p->console_size);
	free (p->user.additional_gids);
	free (p->user.username);
	ct_strv_free (p->args);
	ct_strv_free (p->env);
	free (p->cwd);
	if (p->capabilities) {
		ct_strv_free (p->capabilities->bounding);
		ct_strv_free (p->capabilities->effective);
		ct_strv_free (p->capabilities->inheritable);
		ct_strv_free (p->capabilities->permitted);
		ct_strv_free (p->capabilities->ambient);
		free (p->capabilities);
	}
	for (size_t i = 0; i < p->n_rlimits; i++)
		free (p->rlimits[i].type);
	free (p->rlimits);
	free (p->apparmor_profile);
	free (p->selinux_label);
	if (p->scheduler) {
		free (p->scheduler->policy);
		ct_strv_free (p->scheduler->flags);
		free (p->scheduler);
	}
	if (p->io_priority) {
		free (p->io_priority->class_);
		free (p->io_priority);
	}
	if (p->exec_cpu_affinity) {
		free (p->exec_cpu_affinity->initial);
		free (p->exec_cpu_affinity->final);
		free (p->exec_cpu_affinity);
	}
	free (p);
}

static void
resources_free (struct ct_rt_resources *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n_devices; i++) {
		free (r->devices[i].type);
		free (r->devices[i].access);
	}
	free (r->devices);
	free (r->memory);
	if (r->cpu) {
		free (r->cpu->cpus);
		free (r->cpu->mems);
		free (r->cpu);
	}
	if (r->block_io) {
		free (r->block_io->weight_device);
		free (r->block_io->throttle_read_bps_device);
		free (r->block_io->throttle_write_bps_device);
		free (r->block_io->throttle_read_iops_device);
		free (r->block_io->throttle_write_iops_device);
		free (r->block_io);
	}
	for (size_t i = 0; i < r->n_hugepage_limits; i++)
		free (r->hugepage_limits[i].page_size);
	free (r->hugepage_limits);
	if (r->network) {
		for (size_t i = 0; i < r->network->n_priorities; i++)
			free (r->network->priorities[i].name);
		free (r->network->priorities);
		free (r->network);
	}
	free (r->pids);
	for (size_t i = 0; i < r->n_rdma; i++)
		free (r->rdma[i].device);
	free (r->rdma);
	map_release (&r->unified);
	free (r);
}

static void
linux_free (struct ct_rt_linux *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n_namespaces; i++)
		free (l->namespaces[i].path);
	free (l->namespaces);
	free (l->uid_mappings);
	free (l->gid_mappings);
	if (l->time_offsets) {
		free (l->time_offsets->boottime);
		free (l->time_offsets->monotonic);
		free (l->time_offsets);
	}
	for (size_t i = 0; i < l->n_devices; i++) {
		free (l->devices[i].type);
		free (l->devices[i].path);
	}
	free (l->devices);
	for (size_t i = 0; i < l->n_net_devices; i++) {
		free (l->net_devices[i].host_name);
		free (l->net_devices[i].name);
	}
	free (l->net_devices);
	free (l->cgroups_path);
	resources_free (l->resources);
	free (l->rootfs_propagation);
	if (l->seccomp) {
		struct ct_rt_seccomp *s = l->seccomp;
		free (s->default_action);
		ct_strv_free (s->architectures);
		ct_strv_free (s->flags);
		free (s->listener_path);
		free (s->listener_metadata);
		for (size_t i = 0; i < s->n_syscalls; i++) {
			ct_strv_free (s->syscalls[i].names);
			free (s->syscalls[i].action);
			for (size_t j = 0; j < s->syscalls[i].n_args; j++)
				free (s->syscalls[i].args[j].op);
			free (s->syscalls[i].args);
		}
		free (s->syscalls);
		free (s);
	}
	map_release (&l->sysctl);
	ct_strv_free (l->masked_paths);
	ct_strv_free (l->readonly_paths);
	free (l->mount_label);
	if (l->intel_rdt) {
		free (l->intel_rdt->clos_id);
		free (l->intel_rdt->l3_cache_schema);
		free (l->intel_rdt->mem_bw_schema);
		ct_strv_free (l->intel_rdt->schemata);
		free (l->intel_rdt);
	}
	if (l->personality) {
		free (l->personality->domain);
		ct_strv_free (l->personality->flags);
		free (l->personality);
	}
	if (l->memory_policy) {
		free (l->memory_policy->mode);
		free (l->memory_policy->nodes);
		ct_strv_free (l->memory_policy->flags);
		free (l->memory_policy);
	}
	free (l);
}

void
ct_rt_spec_free (struct ct_rt_spec *s)
{
	if (s == NULL)
		return;
	free (s->oci_version);
	if (s->root) {
		free (s->root->path);
		free (s->root);
	}
	for (size_t i = 0; i < s->n_mounts; i++) {
		free (s->mounts[i].destination);
		free (s->mounts[i].source);
		free (s->mounts[i].type);
		ct_strv_free (s->mounts[i].options);
		free (s->mounts[i].uid_mappings);
		free (s->mounts[i].gid_mappings);
	}
	free (s->mounts);
	process_free (s->process);
	free (s->hostname);
	free (s->domainname);
	if (s->hooks) {
		hook_list_release (&s->hooks->prestart);
		hook_list_release (&s->hooks->create_runtime);
		hook_list_release (&s->hooks->create_container);
		hook_list_release (&s->hooks->start_container);
		hook_list_release (&s->hooks->poststart);
		hook_list_release (&s->hooks->poststop);
		free (s->hooks);
	}
	map_release (&s->annotations);
	linux_free (s->linux_);
	free (s);
}

void
ct_rt_process_free (struct ct_rt_process *p)
{
	process_free (p);
}

void
ct_rt_process_freep (struct ct_rt_process **p)
{
	process_free (*p);
	*p = NULL;
}

void
ct_rt_resources_free (struct ct_rt_resources *r)
{
	resources_free (r);
}

void
ct_rt_resources_freep (struct ct_rt_resources **r)
{
	resources_free (*r);
}

void
ct_rt_spec_freep (struct ct_rt_spec **s)
{
	ct_rt_spec_free (*s);
}

/* ------------------------------------------------------------ encoder */

static void
w_strv (struct ct_jsonw *w, const char *key, char **v)
{
	if (v == NULL)
		return;
	ct_jsonw_key (w, key);
	ct_jsonw_array_open (w);
	for (size_t i = 0; v[i] != NULL; i++)
		ct_jsonw_str (w, v[i]);
	ct_jsonw_array_close (w);
}

static void
w_str (struct ct_jsonw *w, const char *key, const char *v)
{
	if (v != NULL)
		ct_jsonw_kv_str (w, key, v);
}

static void
w_map (struct ct_jsonw *w, const char *key, const struct ct_rt_map *m, bool present)
{
	if (!present)
		return;
	ct_jsonw_key (w, key);
	ct_jsonw_map_open (w);
	for (size_t i = 0; i < m->n; i++)
		ct_jsonw_kv_str (w, m->keys[i], m->values[i]);
	ct_jsonw_map_close (w);
}

#define W_U(w, key, s, f)                                  \
	do {                                               \
		if ((s)->f##_present)                      \
			ct_jsonw_kv_uint (w, key, (s)->f); \
	} while (0)
#define W_I(w, key, s, f)                                 \
	do {                                              \
		if ((s)->f##_present)                     \
			ct_jsonw_kv_int (w, key, (s)->f); \
	} while (0)
#define W_B(w, key, s, f)                                  \
	do {                                               \
		if ((s)->f##_present)                      \
			ct_jsonw_kv_bool (w, key, (s)->f); \
	} while (0)

static void
w_id_mappings (struct ct_jsonw *w, const char *key, const struct ct_rt_id_mapping *m, size_t n)
{
	if (m == NULL)
		return;
	ct_jsonw_key (w, key);
	ct_jsonw_array_open (w);
	for (size_t i = 0; i < n; i++) {
		ct_jsonw_map_open (w);
		ct_jsonw_kv_uint (w, "containerID", m[i].container_id);
		ct_jsonw_kv_uint (w, "hostID", m[i].host_id);
		ct_jsonw_kv_uint (w, "size", m[i].size);
		ct_jsonw_map_close (w);
	}
	ct_jsonw_array_close (w);
}

static void
enc_process (struct ct_jsonw *w, const struct ct_rt_process *p)
{
	ct_jsonw_key (w, "process");
	ct_jsonw_map_open (w);
	W_B (w, "terminal", p, terminal);
	if (p->console_size) {
		ct_jsonw_key (w, "consoleSize");
		ct_jsonw_map_open (w);
		ct_jsonw_kv_uint (w, "height", p->console_size->height);
		ct_jsonw_kv_uint (w, "width", p->console_size->width);
		ct_jsonw_map_close (w);
	}
	if (p->user_present) {
		const struct ct_rt_user *u = &p->user;
		ct_jsonw_key (w, "user");
		ct_jsonw_map_open (w);
		W_U (w, "uid", u, uid);
		W_U (w, "gid", u, gid);
		W_U (w, "umask", u, umask);
		if (u->additional_gids_present) {
			ct_jsonw_key (w, "additionalGids");
			ct_jsonw_array_open (w);
			for (size_t i = 0; i < u->n_additional_gids; i++)
				ct_jsonw_uint (w, u->additional_gids[i]);
			ct_jsonw_array_close (w);
		}
		w_str (w, "username", u->username);
		ct_jsonw_map_close (w);
	}
	w_strv (w, "args", p->args);
	w_strv (w, "env", p->env);
	w_str (w, "cwd", p->cwd);
	if (p->capabilities) {
		ct_jsonw_key (w, "capabilities");
		ct_jsonw_map_open (w);
		w_strv (w, "bounding", p->capabilities->bounding);
		w_strv (w, "effective", p->capabilities->effective);
		w_strv (w, "inheritable", p->capabilities->inheritable);
		w_strv (w, "permitted", p->capabilities->permitted);
		w_strv (w, "ambient", p->capabilities->ambient);
		ct_jsonw_map_close (w);
	}
	if (p->rlimits) {
		ct_jsonw_key (w, "rlimits");
		ct_jsonw_array_open (w);
		for (size_t i = 0; i < p->n_rlimits; i++) {
			ct_jsonw_map_open (w);
			ct_jsonw_kv_str (w, "type", p->rlimits[i].type);
			ct_jsonw_kv_uint (w, "hard", p->rlimits[i].hard);
			ct_jsonw_kv_uint (w, "soft", p->rlimits[i].soft);
			ct_jsonw_map_close (w);
		}
		ct_jsonw_array_close (w);
	}
	W_B (w, "noNewPrivileges", p, no_new_privileges);
	w_str (w, "apparmorProfile", p->apparmor_profile);
	W_I (w, "oomScoreAdj", p, oom_score_adj);
	if (p->scheduler) {
		const struct ct_rt_scheduler *s = p->scheduler;
		ct_jsonw_key (w, "scheduler");
		ct_jsonw_map_open (w);
		w_str (w, "policy", s->policy);
		W_I (w, "nice", s, nice);
		W_I (w, "priority", s, priority);
		w_strv (w, "flags", s->flags);
		W_U (w, "runtime", s, runtime);
		W_U (w, "deadline", s, deadline);
		W_U (w, "period", s, period);
		ct_jsonw_map_close (w);
	}
	w_str (w, "selinuxLabel", p->selinux_label);
	if (p->io_priority) {
		ct_jsonw_key (w, "ioPriority");
		ct_jsonw_map_open (w);
		w_str (w, "class", p->io_priority->class_);
		W_I (w, "priority", p->io_priority, priority);
		ct_jsonw_map_close (w);
	}
	if (p->exec_cpu_affinity) {
		ct_jsonw_key (w, "execCPUAffinity");
		ct_jsonw_map_open (w);
		w_str (w, "initial", p->exec_cpu_affinity->initial);
		w_str (w, "final", p->exec_cpu_affinity->final);
		ct_jsonw_map_close (w);
	}
	ct_jsonw_map_close (w);
}

static void
enc_hook_list (struct ct_jsonw *w, const char *key, const struct ct_rt_hook_list *l)
{
	if (l->hooks == NULL)
		return;
	ct_jsonw_key (w, key);
	ct_jsonw_array_open (w);
	for (size_t i = 0; i < l->n; i++) {
		ct_jsonw_map_open (w);
		w_str (w, "path", l->hooks[i].path);
		w_strv (w, "args", l->hooks[i].args);
		w_strv (w, "env", l->hooks[i].env);
		W_I (w, "timeout", &l->hooks[i], timeout);
		ct_jsonw_map_close (w);
	}
	ct_jsonw_array_close (w);
}

static void
enc_throttle (struct ct_jsonw *w, const char *key, const struct ct_rt_blkio_throttle_device *d, size_t n)
{
	if (d == NULL)
		return;
	ct_jsonw_key (w, key);
	ct_jsonw_array_open (w);
	for (size_t i = 0; i < n; i++) {
		ct_jsonw_map_open (w);
		ct_jsonw_kv_int (w, "major", d[i].major);
		ct_jsonw_kv_int (w, "minor", d[i].minor);
		W_U (w, "rate", &d[i], rate);
		ct_jsonw_map_close (w);
	}
	ct_jsonw_array_close (w);
}

static void
enc_resources (struct ct_jsonw *w, const struct ct_rt_resources *r)
{
	ct_jsonw_key (w, "resources");
	ct_jsonw_map_open (w);
	if (r->devices) {
		ct_jsonw_key (w, "devices");
		ct_jsonw_array_open (w);
		for (size_t i = 0; i < r->n_devices; i++) {
			const struct ct_rt_device_cgroup *d = &r->devices[i];
			ct_jsonw_map_open (w);
			ct_jsonw_kv_bool (w, "allow", d->allow);
			w_str (w, "type", d->type);
			W_I (w, "major", d, major);
			W_I (w, "minor", d, minor);
			w_str (w, "access", d->access);
			ct_jsonw_map_close (w);
		}
		ct_jsonw_array_close (w);
	}
	if (r->memory) {
		const struct ct_rt_memory *m = r->memory;
		ct_jsonw_key (w, "memory");
		ct_jsonw_map_open (w);
		W_I (w, "limit", m, limit);
		W_I (w, "reservation", m, reservation);
		W_I (w, "swap", m, swap);
		W_I (w, "kernel", m, kernel);
		W_I (w, "kernelTCP", m, kernel_tcp);
		W_U (w, "swappiness", m, swappiness);
		W_B (w, "disableOOMKiller", m, disable_oom_killer);
		W_B (w, "useHierarchy", m, use_hierarchy);
		W_B (w, "checkBeforeUpdate", m, check_before_update);
		ct_jsonw_map_close (w);
	}
	if (r->cpu) {
		const struct ct_rt_cpu *c = r->cpu;
		ct_jsonw_key (w, "cpu");
		ct_jsonw_map_open (w);
		W_U (w, "shares", c, shares);
		W_I (w, "quota", c, quota);
		W_U (w, "burst", c, burst);
		W_U (w, "period", c, period);
		W_I (w, "realtimeRuntime", c, realtime_runtime);
		W_U (w, "realtimePeriod", c, realtime_period);
		w_str (w, "cpus", c->cpus);
		w_str (w, "mems", c->mems);
		W_I (w, "idle", c, idle);
		ct_jsonw_map_close (w);
	}
	if (r->pids) {
		ct_jsonw_key (w, "pids");
		ct_jsonw_map_open (w);
		W_I (w, "limit", r->pids, limit);
		ct_jsonw_map_close (w);
	}
	if (r->block_io) {
		const struct ct_rt_blkio *b = r->block_io;
		ct_jsonw_key (w, "blockIO");
		ct_jsonw_map_open (w);
		W_U (w, "weight", b, weight);
		W_U (w, "leafWeight", b, leaf_weight);
		if (b->weight_device) {
			ct_jsonw_key (w, "weightDevice");
			ct_jsonw_array_open (w);
			for (size_t i = 0; i < b->n_weight_device; i++) {
				const struct ct_rt_blkio_weight_device *d = &b->weight_device[i];
				ct_jsonw_map_open (w);
				ct_jsonw_kv_int (w, "major", d->major);
				ct_jsonw_kv_int (w, "minor", d->minor);
				W_U (w, "weight", d, weight);
				W_U (w, "leafWeight", d, leaf_weight);
				ct_jsonw_map_close (w);
			}
			ct_jsonw_array_close (w);
		}
		enc_throttle (w, "throttleReadBpsDevice", b->throttle_read_bps_device, b->n_throttle_read_bps_device);
		enc_throttle (w, "throttleWriteBpsDevice", b->throttle_write_bps_device,
		              b->n_throttle_write_bps_device);
		enc_throttle (w, "throttleReadIOPSDevice", b->throttle_read_iops_device,
		              b->n_throttle_read_iops_device);
		enc_throttle (w, "throttleWriteIOPSDevice", b->throttle_write_iops_device,
		              b->n_throttle_write_iops_device);
		ct_jsonw_map_close (w);
	}
	if (r->hugepage_limits) {
		ct_jsonw_key (w, "hugepageLimits");
		ct_jsonw_array_open (w);
		for (size_t i = 0; i < r->n_hugepage_limits; i++) {
			ct_jsonw_map_open (w);
			ct_jsonw_kv_str (w, "pageSize", r->hugepage_limits[i].page_size);
			ct_jsonw_kv_uint (w, "limit", r->hugepage_limits[i].limit);
			ct_jsonw_map_close (w);
		}
		ct_jsonw_array_close (w);
	}
	if (r->network) {
		ct_jsonw_key (w, "network");
		ct_jsonw_map_open (w);
		W_U (w, "classID", r->network, class_id);
		if (r->network->priorities) {
			ct_jsonw_key (w, "priorities");
			ct_jsonw_array_open (w);
			for (size_t i = 0; i < r->network->n_priorities; i++) {
				ct_jsonw_map_open (w);
				ct_jsonw_kv_str (w, "name", r->network->priorities[i].name);
				ct_jsonw_kv_uint (w, "priority", r->network->priorities[i].priority);
				ct_jsonw_map_close (w);
			}
			ct_jsonw_array_close (w);
		}
		ct_jsonw_map_close (w);
	}
	if (r->rdma) {
		ct_jsonw_key (w, "rdma");
		ct_jsonw_map_open (w);
		for (size_t i = 0; i < r->n_rdma; i++) {
			ct_jsonw_key (w, r->rdma[i].device);
			ct_jsonw_map_open (w);
			W_U (w, "hcaHandles", &r->rdma[i], hca_handles);
			W_U (w, "hcaObjects", &r->rdma[i], hca_objects);
			ct_jsonw_map_close (w);
		}
		ct_jsonw_map_close (w);
	}
	w_map (w, "unified", &r->unified, r->unified_present);
	ct_jsonw_map_close (w);
}

static void
enc_seccomp (struct ct_jsonw *w, const struct ct_rt_seccomp *s)
{
	ct_jsonw_key (w, "seccomp");
	ct_jsonw_map_open (w);
	w_str (w, "defaultAction", s->default_action);
	W_U (w, "defaultErrnoRet", s, default_errno_ret);
	w_strv (w, "architectures", s->architectures);
	w_strv (w, "flags", s->flags);
	w_str (w, "listenerPath", s->listener_path);
	w_str (w, "listenerMetadata", s->listener_metadata);
	if (s->syscalls) {
		ct_jsonw_key (w, "syscalls");
		ct_jsonw_array_open (w);
		for (size_t i = 0; i < s->n_syscalls; i++) {
			const struct ct_rt_seccomp_syscall *sc = &s->syscalls[i];
			ct_jsonw_map_open (w);
			w_strv (w, "names", sc->names);
			w_str (w, "action", sc->action);
			W_U (w, "errnoRet", sc, errno_ret);
			if (sc->args) {
				ct_jsonw_key (w, "args");
				ct_jsonw_array_open (w);
				for (size_t j = 0; j < sc->n_args; j++) {
					ct_jsonw_map_open (w);
					ct_jsonw_kv_uint (w, "index", sc->args[j].index);
					ct_jsonw_kv_uint (w, "value", sc->args[j].value);
					W_U (w, "valueTwo", &sc->args[j], value_two);
					w_str (w, "op", sc->args[j].op);
					ct_jsonw_map_close (w);
				}
				ct_jsonw_array_close (w);
			}
			ct_jsonw_map_close (w);
		}
		ct_jsonw_array_close (w);
	}
	ct_jsonw_map_close (w);
}

static void
enc_time_offset (struct ct_jsonw *w, const char *key, const struct ct_rt_time_offset *o)
{
	if (o == NULL)
		return;
	ct_jsonw_key (w, key);
	ct_jsonw_map_open (w);
	W_I (w, "secs", o, secs);
	W_U (w, "nanosecs", o, nanosecs);
	ct_jsonw_map_close (w);
}

static void
enc_linux (struct ct_jsonw *w, const struct ct_rt_linux *l)
{
	ct_jsonw_key (w, "linux");
	ct_jsonw_map_open (w);
	w_id_mappings (w, "uidMappings", l->uid_mappings, l->n_uid_mappings);
	w_id_mappings (w, "gidMappings", l->gid_mappings, l->n_gid_mappings);
	w_map (w, "sysctl", &l->sysctl, l->sysctl_present);
	if (l->resources)
		enc_resources (w, l->resources);
	w_str (w, "cgroupsPath", l->cgroups_path);
	if (l->namespaces) {
		ct_jsonw_key (w, "namespaces");
		ct_jsonw_array_open (w);
		for (size_t i = 0; i < l->n_namespaces; i++) {
			ct_jsonw_map_open (w);
			ct_jsonw_kv_str (w, "type", ct_rt_ns_type_name (l->namespaces[i].type));
			w_str (w, "path", l->namespaces[i].path);
			ct_jsonw_map_close (w);
		}
		ct_jsonw_array_close (w);
	}
	if (l->devices) {
		ct_jsonw_key (w, "devices");
		ct_jsonw_array_open (w);
		for (size_t i = 0; i < l->n_devices; i++) {
			const struct ct_rt_device *d = &l->devices[i];
			ct_jsonw_map_open (w);
			w_str (w, "path", d->path);
			w_str (w, "type", d->type);
			W_I (w, "major", d, major);
			W_I (w, "minor", d, minor);
			W_U (w, "fileMode", d, file_mode);
			W_U (w, "uid", d, uid);
			W_U (w, "gid", d, gid);
			ct_jsonw_map_close (w);
		}
		ct_jsonw_array_close (w);
	}
	if (l->net_devices) {
		ct_jsonw_key (w, "netDevices");
		ct_jsonw_map_open (w);
		for (size_t i = 0; i < l->n_net_devices; i++) {
			ct_jsonw_key (w, l->net_devices[i].host_name);
			ct_jsonw_map_open (w);
			w_str (w, "name", l->net_devices[i].name);
			ct_jsonw_map_close (w);
		}
		ct_jsonw_map_close (w);
	}
	if (l->seccomp)
		enc_seccomp (w, l->seccomp);
	w_str (w, "rootfsPropagation", l->rootfs_propagation);
	w_strv (w, "maskedPaths", l->masked_paths);
	w_strv (w, "readonlyPaths", l->readonly_paths);
	w_str (w, "mountLabel", l->mount_label);
	if (l->intel_rdt) {
		const struct ct_rt_intel_rdt *r = l->intel_rdt;
		ct_jsonw_key (w, "intelRdt");
		ct_jsonw_map_open (w);
		w_str (w, "closID", r->clos_id);
		w_strv (w, "schemata", r->schemata);
		w_str (w, "l3CacheSchema", r->l3_cache_schema);
		w_str (w, "memBwSchema", r->mem_bw_schema);
		W_B (w, "enableMonitoring", r, enable_monitoring);
		ct_jsonw_map_close (w);
	}
	if (l->personality) {
		ct_jsonw_key (w, "personality");
		ct_jsonw_map_open (w);
		w_str (w, "domain", l->personality->domain);
		w_strv (w, "flags", l->personality->flags);
		ct_jsonw_map_close (w);
	}
	if (l->time_offsets) {
		ct_jsonw_key (w, "timeOffsets");
		ct_jsonw_map_open (w);
		enc_time_offset (w, "boottime", l->time_offsets->boottime);
		enc_time_offset (w, "monotonic", l->time_offsets->monotonic);
		ct_jsonw_map_close (w);
	}
	if (l->memory_policy) {
		ct_jsonw_key (w, "memoryPolicy");
		ct_jsonw_map_open (w);
		w_str (w, "mode", l->memory_policy->mode);
		w_str (w, "nodes", l->memory_policy->nodes);
		w_strv (w, "flags", l->memory_policy->flags);
		ct_jsonw_map_close (w);
	}
	ct_jsonw_map_close (w);
}

int
ct_rt_spec_encode (const struct ct_rt_spec *s, char **out, size_t *len, ct_error_t *err)
{
	struct ct_jsonw *w = ct_jsonw_new (true);

	ct_jsonw_map_open (w);
	w_str (w, "ociVersion", s->oci_version);
	if (s->process)
		enc_process (w, s->process);
	if (s->root) {
		ct_jsonw_key (w, "root");
		ct_jsonw_map_open (w);
		w_str (w, "path", s->root->path);
		W_B (w, "readonly", s->root, readonly);
		ct_jsonw_map_close (w);
	}
	w_str (w, "hostname", s->hostname);
	w_str (w, "domainname", s->domainname);
	if (s->mounts) {
		ct_jsonw_key (w, "mounts");
		ct_jsonw_array_open (w);
		for (size_t i = 0; i < s->n_mounts; i++) {
			const struct ct_rt_mount *m = &s->mounts[i];
			ct_jsonw_map_open (w);
			w_str (w, "destination", m->destination);
			w_str (w, "type", m->type);
			w_str (w, "source", m->source);
			w_strv (w, "options", m->options);
			w_id_mappings (w, "uidMappings", m->uid_mappings, m->n_uid_mappings);
			w_id_mappings (w, "gidMappings", m->gid_mappings, m->n_gid_mappings);
			ct_jsonw_map_close (w);
		}
		ct_jsonw_array_close (w);
	}
	if (s->hooks) {
		ct_jsonw_key (w, "hooks");
		ct_jsonw_map_open (w);
		enc_hook_list (w, "prestart", &s->hooks->prestart);
		enc_hook_list (w, "createRuntime", &s->hooks->create_runtime);
		enc_hook_list (w, "createContainer", &s->hooks->create_container);
		enc_hook_list (w, "startContainer", &s->hooks->start_container);
		enc_hook_list (w, "poststart", &s->hooks->poststart);
		enc_hook_list (w, "poststop", &s->hooks->poststop);
		ct_jsonw_map_close (w);
	}
	w_map (w, "annotations", &s->annotations, s->annotations_present);
	if (s->linux_)
		enc_linux (w, s->linux_);
	ct_jsonw_map_close (w);
	return ct_jsonw_finish (w, out, len, err);
}

/* ------------------------------------------------------------ default */

static void
add_mount (struct ct_rt_spec *s, const char *dest, const char *type, const char *src, char **opts)
{
	struct ct_rt_mount *m;

	s->mounts = xreallocarray (s->mounts, s->n_mounts + 1, sizeof *s->mounts);
	m = &s->mounts[s->n_mounts++];
	memset (m, 0, sizeof *m);
	m->destination = xstrdup (dest);
	m->type = xstrdup (type);
	m->source = xstrdup (src);
	m->options = opts;
}

struct ct_rt_spec *
ct_rt_spec_default (bool rootless, uint32_t uid, uint32_t gid)
{
	struct ct_rt_spec *s = xzalloc (sizeof *s);
	struct ct_rt_process *p;
	struct ct_rt_linux *l;
	static const char *const caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL };
	size_t n;

	s->oci_version = xstrdup (CT_OCI_RUNTIME_SPEC_VERSION);

	p = s->process = xzalloc (sizeof *p);
	p->terminal = p->terminal_present = true;
	p->user_present = true;
	p->user.uid_present = p->user.gid_present = true;
	p->args = CT_STRV ("sh");
	p->env = CT_STRV ("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm");
	p->cwd = xstrdup ("/");
	p->capabilities = xzalloc (sizeof *p->capabilities);
	p->capabilities->bounding = ct_strv_new (caps);
	p->capabilities->effective = ct_strv_new (caps);
	p->capabilities->permitted = ct_strv_new (caps);
	p->capabilities->ambient = ct_strv_new (caps);
	p->rlimits = xzalloc (sizeof *p->rlimits);
	p->n_rlimits = 1;
	p->rlimits[0].type = xstrdup ("RLIMIT_NOFILE");
	p->rlimits[0].hard = p->rlimits[0].soft = 1024;
	p->no_new_privileges = p->no_new_privileges_present = true;

	s->root = xzalloc (sizeof *s->root);
	s->root->path = xstrdup ("rootfs");
	s->root->readonly = s->root->readonly_present = true;
	s->hostname = xstrdup ("runc");

	add_mount (s, "/proc", "proc", "proc", NULL);
	add_mount (s, "/dev", "tmpfs", "tmpfs", CT_STRV ("nosuid", "strictatime", "mode=755", "size=65536k"));
	if (rootless)
		add_mount (s, "/dev/pts", "devpts", "devpts",
		           CT_STRV ("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"));
	else
		add_mount (s, "/dev/pts", "devpts", "devpts",
		           CT_STRV ("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"));
	add_mount (s, "/dev/shm", "tmpfs", "shm", CT_STRV ("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
	add_mount (s, "/dev/mqueue", "mqueue", "mqueue", CT_STRV ("nosuid", "noexec", "nodev"));
	/* a rootless container cannot mount a fresh sysfs without its own netns */
	if (rootless)
		add_mount (s, "/sys", "none", "/sys", CT_STRV ("rbind", "nosuid", "noexec", "nodev", "ro"));
	else
		add_mount (s, "/sys", "sysfs", "sysfs", CT_STRV ("nosuid", "noexec", "nodev", "ro"));
	add_mount (s, "/sys/fs/cgroup", "cgroup", "cgroup", CT_STRV ("nosuid", "noexec", "nodev", "relatime", "ro"));

	l = s->linux_ = xzalloc (sizeof *l);
	if (rootless) {
		l->uid_mappings = xzalloc (sizeof *l->uid_mappings);
		l->n_uid_mappings = 1;
		l->uid_mappings[0] = (struct ct_rt_id_mapping){ .container_id = 0, .host_id = uid, .size = 1 };
		l->gid_mappings = xzalloc (sizeof *l->gid_mappings);
		l->n_gid_mappings = 1;
		l->gid_mappings[0] = (struct ct_rt_id_mapping){ .container_id = 0, .host_id = gid, .size = 1 };
	} else {
		l->resources = xzalloc (sizeof *l->resources);
		l->resources->devices = xzalloc (sizeof *l->resources->devices);
		l->resources->n_devices = 1;
		l->resources->devices[0].allow = false;
		l->resources->devices[0].access = xstrdup ("rwm");
	}
	{
		static const enum ct_rt_ns_type root_ns[] = { CT_RT_NS_PID, CT_RT_NS_NETWORK, CT_RT_NS_IPC,
			                                      CT_RT_NS_UTS, CT_RT_NS_MOUNT };
		static const enum ct_rt_ns_type rootless_ns[] = { CT_RT_NS_PID, CT_RT_NS_IPC, CT_RT_NS_UTS,
			                                          CT_RT_NS_MOUNT, CT_RT_NS_USER };
		const enum ct_rt_ns_type *ns = rootless ? rootless_ns : root_ns;
		n = rootless ? CT_ARRAY_SIZE (rootless_ns) : CT_ARRAY_SIZE (root_ns);
		l->namespaces = xcalloc (n, sizeof *l->namespaces);
		l->n_namespaces = n;
		for (size_t i = 0; i < n; i++)
			l->namespaces[i].type = ns[i];
	}
	l->masked_paths =
	        CT_STRV ("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
	                 "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi");
	l->readonly_paths = CT_STRV ("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");
	return s;
}
