/* LSM labels (runtime/lsm.c): the mount data linux.mountLabel makes, and
   the refusal of a profile or label the host cannot apply. */
#include "common.h"

#include "lsm.h"
#include "tap.h"

static int
test_mount_data (void)
{
	const char *l = "system_u:object_r:container_file_t:s0";
	cleanup_free char *tmpfs = rt_lsm_mount_data ("tmpfs", "mode=755,size=65536k", l);
	cleanup_free char *devpts = rt_lsm_mount_data ("devpts", NULL, l);

	CHECK_STR (tmpfs, "mode=755,size=65536k,context=\"system_u:object_r:container_file_t:s0\"");
	CHECK_STR (devpts, "context=\"system_u:object_r:container_file_t:s0\"");
	/* runc labels neither these nor binds */
	CHECK (rt_lsm_mount_data ("proc", NULL, l) == NULL);
	CHECK (rt_lsm_mount_data ("sysfs", "ro", l) == NULL);
	CHECK (rt_lsm_mount_data ("mqueue", NULL, l) == NULL);
	CHECK (rt_lsm_mount_data ("cgroup", NULL, l) == NULL);
	CHECK (rt_lsm_mount_data ("bind", NULL, l) == NULL);
	/* no label, or an empty one: the data as is */
	CHECK (rt_lsm_mount_data ("tmpfs", "mode=755", NULL) == NULL);
	CHECK (rt_lsm_mount_data ("tmpfs", "mode=755", "") == NULL);
	return 0;
}

static int
test_check_process (void)
{
	struct ct_rt_process p = { 0 };
	ct_error_t err = NULL;

	CHECK (rt_lsm_check_process (&p, "config.json", "process.", &err) == 0);
	/* empty means none (runc) */
	p.apparmor_profile = (char *) "";
	p.selinux_label = (char *) "";
	CHECK (rt_lsm_check_process (&p, "config.json", "process.", &err) == 0);
	CHECK (rt_lsm_check_mount_label ("", &err) == 0);
	CHECK (err == NULL);

	p.apparmor_profile = (char *) "unconfined";
	if (rt_lsm_apparmor_enabled ())
		CHECK (rt_lsm_check_process (&p, "config.json", "process.", &err) == 0);
	else {
		CHECK (rt_lsm_check_process (&p, "config.json", "process.", &err) < 0);
		CHECK_ERR (err, "config.json: `process.apparmorProfile`: AppArmor is not enabled on this host");
		ct_error_release (&err);
	}
	p.apparmor_profile = NULL;
	p.selinux_label = (char *) "system_u:system_r:container_t:s0";
	if (rt_lsm_selinux_enabled ())
		CHECK (rt_lsm_check_process (&p, "p.json", "", &err) == 0);
	else {
		CHECK (rt_lsm_check_process (&p, "p.json", "", &err) < 0);
		CHECK_ERR (err, "p.json: `selinuxLabel`: SELinux is not enabled on this host");
		ct_error_release (&err);
		CHECK (rt_lsm_check_mount_label ("system_u:object_r:container_file_t:s0", &err) < 0);
		CHECK_ERR (err, "config.json: `linux.mountLabel`: SELinux is not enabled on this host");
		ct_error_release (&err);
	}
	return 0;
}

static int
test_prepare (void)
{
	struct ct_rt_process p = { .apparmor_profile = (char *) "prof" };
	struct rt_lsm l;
	ct_error_t err = NULL;

	rt_lsm_init (&l);
	CHECK (rt_lsm_prepare (&p, 10, &l, &err) == 0);
	CHECK_STR (l.apparmor_exec, "exec prof");
	CHECK (l.selinux_label == NULL);
	/* the procfs fd, above the range asked for, close-on-exec */
	CHECK (l.procfd >= 10);
	CHECK ((fcntl (l.procfd, F_GETFD) & FD_CLOEXEC) != 0);
	rt_lsm_release (&l);
	CHECK (l.procfd == -1 && l.apparmor_exec == NULL);
	/* nothing asked: no fd */
	p.apparmor_profile = NULL;
	CHECK (rt_lsm_prepare (&p, 10, &l, &err) == 0);
	CHECK (l.procfd == -1);
	rt_lsm_release (&l);
	return 0;
}

static const struct tap_test tests[] = {
	TAP_TEST (test_mount_data),
	TAP_TEST (test_check_process),
	TAP_TEST (test_prepare),
};

int
main (void)
{
	return tap_run (tests, TAP_COUNT (tests));
}
