/* The OCI runtime-spec v1.3 config.json for Linux as typed C structs
   (config.md + config-linux.md; libocispec-shaped, STYLE.md 3.5).

   Conventions, uniform across every struct:
   - one struct per schema object, `struct ct_rt_<thing>`; everything owned,
     freed only through ct_rt_spec_free();
   - an optional object is a pointer, NULL when absent;
   - an optional scalar has `bool <x>_present`; a string is NULL when absent;
   - an array of objects/numbers is a pointer + `size_t n_<x>`;
   - a string list is a NULL-terminated `char **` (NULL when absent; a present
     but empty list is a one-element vector holding NULL);
   - a string->string map (annotations, sysctl, unified) is a struct
     ct_rt_map: parallel keys/values with a count, in document order;
   - numbers have their schema width (uint32_t, int64_t, uint64_t ...).

   The decoder checks JSON types, number ranges, required fields and the
   closed enums of the spec; semantic checks across fields live in
   runtime/validate.c.  Unknown keys are ignored (config.md "Extensibility").
   Errors name the source and JSON path:
     "config.json: `linux.uidMappings[1].size`: not a uint32". */
#ifndef CT_OCISPEC_RUNTIME_H
#define CT_OCISPEC_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* ---- generic pieces ---- */

struct ct_rt_map {
	char **keys;   /* n entries, owned */
	char **values; /* n entries, owned */
	size_t n;
};

/* Value of `key` in m, or NULL. */
const char *ct_rt_map_get (const struct ct_rt_map *m, const char *key);
/* Set key to a copy of value: replaced where it is, else appended (both
   vectors stay NULL-terminated, as ct_json_get_strmap leaves them). */
void ct_rt_map_set (struct ct_rt_map *m, const char *key, const char *value);

/* defs.json IDMapping (linux.uidMappings, mounts[].uidMappings ...) */
struct ct_rt_id_mapping {
	uint32_t container_id; /* containerID */
	uint32_t host_id;      /* hostID */
	uint32_t size;
};

/* ---- root, mounts ---- */

struct ct_rt_root {
	char *path; /* required */
	bool readonly;
	bool readonly_present;
};

struct ct_rt_mount {
	char *destination; /* required */
	char *source;
	char *type;
	char **options;
	struct ct_rt_id_mapping *uid_mappings;
	size_t n_uid_mappings;
	struct ct_rt_id_mapping *gid_mappings;
	size_t n_gid_mappings;
};

/* ---- process ---- */

struct ct_rt_console_size {
	uint64_t height; /* required */
	uint64_t width;  /* required */
};

struct ct_rt_user {
	uint32_t uid;
	bool uid_present;
	uint32_t gid;
	bool gid_present;
	uint32_t umask;
	bool umask_present;
	uint32_t *additional_gids; /* additionalGids */
	size_t n_additional_gids;
	bool additional_gids_present;
	char *username; /* Windows only in the spec; kept for round trips */
};

/* Capability names are kept as strings ("CAP_..."): the decoder checks the
   prefix only, the runtime resolves them against libcap. */
struct ct_rt_capabilities {
	char **bounding;
	char **effective;
	char **inheritable;
	char **permitted;
	char **ambient;
};

struct ct_rt_rlimit {
	char *type;    /* required, "RLIMIT_..." */
	uint64_t soft; /* required */
	uint64_t hard; /* required */
};

struct ct_rt_scheduler {
	char *policy; /* required, SCHED_OTHER|FIFO|RR|BATCH|ISO|IDLE|DEADLINE */
	int32_t nice;
	bool nice_present;
	int32_t priority;
	bool priority_present;
	char **flags; /* SCHED_FLAG_... */
	uint64_t runtime;
	bool runtime_present;
	uint64_t deadline;
	bool deadline_present;
	uint64_t period;
	bool period_present;
};

struct ct_rt_io_priority {
	char *class_; /* required: IOPRIO_CLASS_RT|BE|IDLE ("class" in JSON) */
	int32_t priority;
	bool priority_present;
};

struct ct_rt_cpu_affinity {
	char *initial; /* "0-3,7" */
	char *final;
};

struct ct_rt_process {
	bool terminal;
	bool terminal_present;
	struct ct_rt_console_size *console_size; /* consoleSize */
	struct ct_rt_user user;                  /* always there; fields carry _present */
	bool user_present;
	char **args; /* required (Linux) */
	char **env;
	char *cwd; /* required */
	struct ct_rt_capabilities *capabilities;
	struct ct_rt_rlimit *rlimits;
	size_t n_rlimits;
	char *apparmor_profile; /* apparmorProfile */
	int oom_score_adj;      /* oomScoreAdj: int range */
	bool oom_score_adj_present;
	char *selinux_label;    /* selinuxLabel */
	bool no_new_privileges; /* noNewPrivileges */
	bool no_new_privileges_present;
	struct ct_rt_scheduler *scheduler;
	struct ct_rt_io_priority *io_priority;        /* ioPriority */
	struct ct_rt_cpu_affinity *exec_cpu_affinity; /* execCPUAffinity */
};

/* ---- hooks ---- */

struct ct_rt_hook {
	char *path; /* required */
	char **args;
	char **env;
	int64_t timeout; /* seconds, >= 1 */
	bool timeout_present;
};

struct ct_rt_hook_list {
	struct ct_rt_hook *hooks;
	size_t n;
};

struct ct_rt_hooks {
	struct ct_rt_hook_list prestart;
	struct ct_rt_hook_list create_runtime;   /* createRuntime */
	struct ct_rt_hook_list create_container; /* createContainer */
	struct ct_rt_hook_list start_container;  /* startContainer */
	struct ct_rt_hook_list poststart;
	struct ct_rt_hook_list poststop;
};

/* ---- linux ---- */

enum ct_rt_ns_type {
	CT_RT_NS_PID,
	CT_RT_NS_NETWORK,
	CT_RT_NS_MOUNT,
	CT_RT_NS_IPC,
	CT_RT_NS_UTS,
	CT_RT_NS_USER,
	CT_RT_NS_CGROUP,
	CT_RT_NS_TIME,
	CT_RT_NS__COUNT
};

/* Spec name of t ("pid", "network", "mount", "ipc", "uts", "user", "cgroup",
   "time"), or NULL for an out-of-range value. */
const char *ct_rt_ns_type_name (enum ct_rt_ns_type t);
/* Parse a spec name; -1 when unknown. */
int ct_rt_ns_type_from_name (const char *name);

struct ct_rt_namespace {
	enum ct_rt_ns_type type; /* required */
	char *path;              /* NULL: create a new one */
};

struct ct_rt_time_offset {
	int64_t secs;
	bool secs_present;
	uint32_t nanosecs;
	bool nanosecs_present;
};

struct ct_rt_time_offsets {
	struct ct_rt_time_offset *boottime;
	struct ct_rt_time_offset *monotonic;
};

struct ct_rt_device {
	char *type; /* required: "c", "b", "u" or "p" */
	char *path; /* required */
	int64_t major;
	bool major_present;
	int64_t minor;
	bool minor_present;
	uint32_t file_mode; /* fileMode, 0..0777 */
	bool file_mode_present;
	uint32_t uid;
	bool uid_present;
	uint32_t gid;
	bool gid_present;
};

/* linux.resources.devices[] */
struct ct_rt_device_cgroup {
	bool allow; /* required */
	char *type; /* "a", "c", "b"; NULL = all */
	int64_t major;
	bool major_present;
	int64_t minor;
	bool minor_present;
	char *access; /* "rwm" subset */
};

struct ct_rt_memory {
	int64_t limit;
	bool limit_present;
	int64_t reservation;
	bool reservation_present;
	int64_t swap;
	bool swap_present;
	int64_t kernel;
	bool kernel_present;
	int64_t kernel_tcp; /* kernelTCP */
	bool kernel_tcp_present;
	uint64_t swappiness;
	bool swappiness_present;
	bool disable_oom_killer; /* disableOOMKiller */
	bool disable_oom_killer_present;
	bool use_hierarchy; /* useHierarchy */
	bool use_hierarchy_present;
	bool check_before_update; /* checkBeforeUpdate */
	bool check_before_update_present;
};

struct ct_rt_cpu {
	uint64_t shares;
	bool shares_present;
	int64_t quota;
	bool quota_present;
	uint64_t burst;
	bool burst_present;
	uint64_t period;
	bool period_present;
	int64_t realtime_runtime; /* realtimeRuntime */
	bool realtime_runtime_present;
	uint64_t realtime_period; /* realtimePeriod */
	bool realtime_period_present;
	char *cpus;
	char *mems;
	int64_t idle;
	bool idle_present;
};

struct ct_rt_blkio_weight_device {
	int64_t major; /* required */
	int64_t minor; /* required */
	uint16_t weight;
	bool weight_present;
	uint16_t leaf_weight; /* leafWeight */
	bool leaf_weight_present;
};

struct ct_rt_blkio_throttle_device {
	int64_t major; /* required */
	int64_t minor; /* required */
	uint64_t rate;
	bool rate_present;
};

struct ct_rt_blkio {
	uint16_t weight;
	bool weight_present;
	uint16_t leaf_weight; /* leafWeight */
	bool leaf_weight_present;
	struct ct_rt_blkio_weight_device *weight_device; /* weightDevice */
	size_t n_weight_device;
	struct ct_rt_blkio_throttle_device *throttle_read_bps_device; /* throttleReadBpsDevice */
	size_t n_throttle_read_bps_device;
	struct ct_rt_blkio_throttle_device *throttle_write_bps_device; /* throttleWriteBpsDevice */
	size_t n_throttle_write_bps_device;
	struct ct_rt_blkio_throttle_device *throttle_read_iops_device; /* throttleReadIOPSDevice */
	size_t n_throttle_read_iops_device;
	struct ct_rt_blkio_throttle_device *throttle_write_iops_device; /* throttleWriteIOPSDevice */
	size_t n_throttle_write_iops_device;
};

struct ct_rt_hugepage_limit {
	char *page_size; /* pageSize, required, "2MB" */
	uint64_t limit;  /* required */
};

struct ct_rt_net_priority {
	char *name;        /* required */
	uint32_t priority; /* required */
};

struct ct_rt_network {
	uint32_t class_id; /* classID */
	bool class_id_present;
	struct ct_rt_net_priority *priorities;
	size_t n_priorities;
};

struct ct_rt_pids {
	int64_t limit; /* required by config-linux.md; <= 0 means unlimited */
	bool limit_present;
};

/* linux.resources.rdma: object keyed by device name */
struct ct_rt_rdma {
	char *device;         /* the key */
	uint32_t hca_handles; /* hcaHandles */
	bool hca_handles_present;
	uint32_t hca_objects; /* hcaObjects */
	bool hca_objects_present;
};

struct ct_rt_resources {
	struct ct_rt_device_cgroup *devices;
	size_t n_devices;
	struct ct_rt_memory *memory;
	struct ct_rt_cpu *cpu;
	struct ct_rt_blkio *block_io;                 /* blockIO */
	struct ct_rt_hugepage_limit *hugepage_limits; /* hugepageLimits */
	size_t n_hugepage_limits;
	struct ct_rt_network *network;
	struct ct_rt_pids *pids;
	struct ct_rt_rdma *rdma;
	size_t n_rdma;
	struct ct_rt_map unified; /* cgroup v2 file -> value */
	bool unified_present;
};

struct ct_rt_intel_rdt {
	char *clos_id;         /* closID */
	char *l3_cache_schema; /* l3CacheSchema */
	char *mem_bw_schema;   /* memBwSchema */
	char **schemata;
	bool enable_monitoring; /* enableMonitoring */
	bool enable_monitoring_present;
};

struct ct_rt_seccomp_arg {
	uint32_t index;     /* required */
	uint64_t value;     /* required */
	uint64_t value_two; /* valueTwo */
	bool value_two_present;
	char *op; /* required, SCMP_CMP_... */
};

struct ct_rt_seccomp_syscall {
	char **names;       /* required, at least one */
	char *action;       /* required, SCMP_ACT_... */
	uint32_t errno_ret; /* errnoRet */
	bool errno_ret_present;
	struct ct_rt_seccomp_arg *args;
	size_t n_args;
};

struct ct_rt_seccomp {
	char *default_action;       /* defaultAction, required, SCMP_ACT_... */
	uint32_t default_errno_ret; /* defaultErrnoRet */
	bool default_errno_ret_present;
	char **architectures;    /* SCMP_ARCH_... */
	char **flags;            /* SECCOMP_FILTER_FLAG_... */
	char *listener_path;     /* listenerPath */
	char *listener_metadata; /* listenerMetadata */
	struct ct_rt_seccomp_syscall *syscalls;
	size_t n_syscalls;
};

struct ct_rt_personality {
	char *domain; /* LINUX or LINUX32 */
	char **flags;
};

struct ct_rt_memory_policy {
	char *mode; /* required, MPOL_... */
	char *nodes;
	char **flags; /* MPOL_F_... */
};

/* linux.netDevices: object keyed by host device name */
struct ct_rt_net_device {
	char *host_name; /* the key */
	char *name;      /* name inside the container; NULL = host name */
};

struct ct_rt_linux {
	struct ct_rt_namespace *namespaces;
	size_t n_namespaces;
	struct ct_rt_id_mapping *uid_mappings; /* uidMappings */
	size_t n_uid_mappings;
	struct ct_rt_id_mapping *gid_mappings; /* gidMappings */
	size_t n_gid_mappings;
	struct ct_rt_time_offsets *time_offsets; /* timeOffsets */
	struct ct_rt_device *devices;
	size_t n_devices;
	struct ct_rt_net_device *net_devices; /* netDevices */
	size_t n_net_devices;
	char *cgroups_path; /* cgroupsPath */
	struct ct_rt_resources *resources;
	char *rootfs_propagation; /* rootfsPropagation: private|shared|slave|unbindable */
	struct ct_rt_seccomp *seccomp;
	struct ct_rt_map sysctl;
	bool sysctl_present;
	char **masked_paths;               /* maskedPaths */
	char **readonly_paths;             /* readonlyPaths */
	char *mount_label;                 /* mountLabel */
	struct ct_rt_intel_rdt *intel_rdt; /* intelRdt */
	struct ct_rt_personality *personality;
	struct ct_rt_memory_policy *memory_policy; /* memoryPolicy */
};

/* ---- the document ---- */

struct ct_rt_spec {
	char *oci_version; /* ociVersion, required */
	struct ct_rt_root *root;
	struct ct_rt_mount *mounts;
	size_t n_mounts;
	struct ct_rt_process *process;
	char *hostname;
	char *domainname;
	struct ct_rt_hooks *hooks;
	struct ct_rt_map annotations;
	bool annotations_present;
	struct ct_rt_linux *linux_; /* "linux" (a predefined macro in GNU C) */
};

/* Decode `len` bytes of config.json.  `source` names the document in error
   messages ("config.json").  Documents above 4 MiB are refused.
   On success *out is owned by the caller (ct_rt_spec_free). */
int ct_rt_spec_decode (const char *data, size_t len, const char *source, struct ct_rt_spec **out, ct_error_t *err);

/* Read and decode the file at `path`; messages use its basename as source. */
int ct_rt_spec_load (const char *path, struct ct_rt_spec **out, ct_error_t *err);

/* Free s and everything it owns; NULL is fine. */
void ct_rt_spec_free (struct ct_rt_spec *s);

/* cleanup attribute for a struct ct_rt_spec * */
void ct_rt_spec_freep (struct ct_rt_spec **s);
#define cleanup_rt_spec __attribute__ ((cleanup (ct_rt_spec_freep)))

/* A standalone runtime-spec `process` object (`exec --process FILE`):
   decoded and checked like config.json's, with paths from its root
   ("process.json: `args`: required").  *out is freed by ct_rt_process_free. */
int ct_rt_process_decode (const char *data, size_t len, const char *source, struct ct_rt_process **out,
                          ct_error_t *err);
int ct_rt_process_load (const char *path, struct ct_rt_process **out, ct_error_t *err);
void ct_rt_process_free (struct ct_rt_process *p);
void ct_rt_process_freep (struct ct_rt_process **p);
#define cleanup_rt_process __attribute__ ((cleanup (ct_rt_process_freep)))

/* A standalone runtime-spec LinuxResources object (`update -r FILE`):
   decoded and checked like config.json's `linux.resources`, with paths from
   its root ("resources.json: `memory.limit`: not an int64").  *out is freed
   by ct_rt_resources_free. */
int ct_rt_resources_decode (const char *data, size_t len, const char *source, struct ct_rt_resources **out,
                            ct_error_t *err);
/* Read and decode the file at `path` (like ct_rt_spec_load), or standard
   input for "-" (source "stdin"). */
int ct_rt_resources_load (const char *path, struct ct_rt_resources **out, ct_error_t *err);
void ct_rt_resources_free (struct ct_rt_resources *r);
void ct_rt_resources_freep (struct ct_rt_resources **r);
#define cleanup_rt_resources __attribute__ ((cleanup (ct_rt_resources_freep)))

/* Encode s as beautified JSON, tab-indented, with a trailing newline, in
   runc's `spec` order (ociVersion, process, root, hostname, mounts, linux,
   then the rest); only present fields are written.  *out is malloc'd. */
int ct_rt_spec_encode (const struct ct_rt_spec *s, char **out, size_t *len, ct_error_t *err);

/* The default config `runc spec` writes (with ociVersion
   CT_OCI_RUNTIME_SPEC_VERSION); `rootless` gives `runc spec --rootless`,
   mapping uid/gid (the caller's) to 0 in a user namespace. */
struct ct_rt_spec *ct_rt_spec_default (bool rootless, uint32_t uid, uint32_t gid);

#endif
