/* cruntime features: the runtime-spec features document (features.md,
   features-linux.md).  It must be truthful: it lists what `run` implements
   today, read from the same tables the implementation uses. */
#include "common.h"

#include "caps.h"
#include "cli.h"
#include "cmds.h"
#include "hooks.h"
#include "idmap.h"
#include "json.h"
#include "lsm.h"
#include "mounts.h"
#include "namespaces.h"
#include "seccomp-filter.h"

static void
kv_enabled (struct ct_jsonw *w, const char *key, bool enabled)
{
	ct_jsonw_key (w, key);
	ct_jsonw_map_open (w);
	ct_jsonw_kv_bool (w, "enabled", enabled);
	ct_jsonw_map_close (w);
}

int
cmd_features (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct rt_ns_kind *k;
	const char *const *o;
	cleanup_free char *out = NULL;
	struct ct_jsonw *w;
	size_t len;
	int c, cap;

	(void) g;
	while ((c = ct_cli_getopt (argc, argv, "h", longopts, err)) != -1) {
		if (c == 'h') {
			printf ("usage: cruntime features\n");
			return 0;
		}
		return -1;
	}
	if (ct_cli_args (argc, argv, 0, 0, "cruntime features", err) < 0)
		return -1;

	w = ct_jsonw_new (true);
	ct_jsonw_map_open (w);
	ct_jsonw_kv_str (w, "ociVersionMin", "1.0.0");
	ct_jsonw_kv_str (w, "ociVersionMax", CT_OCI_RUNTIME_SPEC_VERSION);
	ct_jsonw_key (w, "hooks");
	ct_jsonw_array_open (w);
	for (o = rt_hook_kinds; *o; o++)
		ct_jsonw_str (w, *o);
	ct_jsonw_array_close (w);
	ct_jsonw_key (w, "mountOptions");
	ct_jsonw_array_open (w);
	for (o = rt_mount_known_options; *o; o++)
		ct_jsonw_str (w, *o);
	ct_jsonw_array_close (w);

	ct_jsonw_key (w, "linux");
	ct_jsonw_map_open (w);
	ct_jsonw_key (w, "namespaces");
	ct_jsonw_array_open (w);
	for (k = rt_ns_kinds; k->name; k++)
		if (k->supported)
			ct_jsonw_str (w, k->name);
	ct_jsonw_array_close (w);
	ct_jsonw_key (w, "capabilities");
	ct_jsonw_array_open (w);
	for (cap = 0; cap <= rt_caps_last (); cap++) {
		cleanup_free char *name = rt_caps_name (cap);
		/* libcap spells unnamed (newer than itself) ones as numbers */
		if (strncmp (name, "CAP_", 4) == 0)
			ct_jsonw_str (w, name);
	}
	ct_jsonw_array_close (w);
	ct_jsonw_key (w, "cgroup");
	ct_jsonw_map_open (w);
	/* the cgroupfs driver on v1, v2 and hybrid hosts (cgroups.c); no
	   systemd driver; rdma limits through the rdma controller */
	ct_jsonw_kv_bool (w, "v1", true);
	ct_jsonw_kv_bool (w, "v2", true);
	ct_jsonw_kv_bool (w, "systemd", false);
	ct_jsonw_kv_bool (w, "systemdUser", false);
	ct_jsonw_kv_bool (w, "rdma", true);
	ct_jsonw_map_close (w);
	rt_seccomp_features (w);
	/* the host's state: a profile or label asked for without it fails */
	kv_enabled (w, "apparmor", rt_lsm_apparmor_enabled ());
	kv_enabled (w, "selinux", rt_lsm_selinux_enabled ());
	kv_enabled (w, "intelRdt", false);
	ct_jsonw_key (w, "mountExtensions");
	ct_jsonw_map_open (w);
	kv_enabled (w, "idmap", rt_idmap_supported ());
	ct_jsonw_map_close (w);
	kv_enabled (w, "netDevices", false);
	ct_jsonw_map_close (w);

	ct_jsonw_map_close (w);
	if (ct_jsonw_finish (w, &out, &len, err) < 0)
		return ct_error_wrap (err, "encode features");
	if (fwrite (out, 1, len, stdout) != len || fflush (stdout) != 0)
		return ct_make_error (err, errno, "write features");
	return 0;
}
