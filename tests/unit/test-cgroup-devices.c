/* Device rules (runtime/cgroup-devices.c): validation, and, as root, the
   rules in force on a v1 devices cgroup and a v2 (eBPF) cgroup this test
   makes itself and removes.  The access checks run in a child moved into
   that cgroup, opening /dev/null (allowed by default) and /dev/kmsg (c 1:11,
   not in the defaults). */
#include "common.h"

#include <linux/bpf.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>

#include "cgroup-devices.h"
#include "tap.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define DENY_ALL                                         \
	{                                                \
		.allow = false, .access = (char *) "rwm" \
	}

static int
test_check (void)
{
	struct ct_rt_device_cgroup bad[] = {
		DENY_ALL,
		{ .allow = true, .type = (char *) "c", .access = (char *) "rw" },
		{ .allow = true, .type = (char *) "c", .major = 1, .major_present = true, .access = (char *) "rwx" },
	};
	struct ct_rt_device_cgroup ok[] = {
		DENY_ALL,
		{ .allow = true, .type = (char *) "a" },
		{ .allow = true, .type = (char *) "b", .major = 8, .major_present = true, .access = (char *) "mmr" },
		{ .allow = true, .type = (char *) "c", .minor = 4294967295LL, .minor_present = true },
	};
	ct_error_t err = NULL;

	CHECK (rt_cg_devices_check (ok, CT_ARRAY_SIZE (ok), &err) == 0);
	CHECK (err == NULL);
	CHECK (rt_cg_devices_check (NULL, 0, &err) == 0);

	CHECK (rt_cg_devices_check (bad, CT_ARRAY_SIZE (bad), &err) == -1);
	CHECK_STR (err->msg, "config.json: `linux.resources.devices[2].access`: `rwx` is not a combination of r, w "
	                     "and m");
	ct_error_release (&err);

	bad[2].access = (char *) "r";
	bad[1].type = (char *) "u";
	CHECK (rt_cg_devices_check (bad, CT_ARRAY_SIZE (bad), &err) == -1);
	CHECK_STR (err->msg, "config.json: `linux.resources.devices[1].type`: `u` is not a device type (a, b or c)");
	ct_error_release (&err);

	bad[1].type = NULL;
	bad[2].major = -1;
	CHECK (rt_cg_devices_check (bad, CT_ARRAY_SIZE (bad), &err) == -1);
	CHECK_STR (err->msg, "config.json: `linux.resources.devices[2].major`: `-1` is out of range");
	ct_error_release (&err);

	bad[2].major = 1;
	bad[2].minor = 4294967296LL;
	bad[2].minor_present = true;
	CHECK (rt_cg_devices_check (bad, CT_ARRAY_SIZE (bad), &err) == -1);
	CHECK_STR (err->msg, "config.json: `linux.resources.devices[2].minor`: `4294967296` is out of range");
	ct_error_release (&err);
	return 0;
}

/* A cgroup of our own below mount, or NULL (skip). */
static char *
make_cgroup (const char *mount)
{
	char *path;

	if (geteuid () != 0 || access (mount, W_OK) < 0)
		return NULL;
	xasprintf (&path, "%s/ct-test-devices-unit-%d", mount, (int) getpid ());
	if (mkdir (path, 0755) < 0) {
		free (path);
		return NULL;
	}
	return path;
}

static void
remove_cgroup (char *path)
{
	/* the reaped child may take a moment to leave */
	for (int i = 0; i < 100 && rmdir (path) < 0 && errno == EBUSY; i++)
		usleep (10000);
	free (path);
}

/* In a child moved into the cgroup: 0 if open (path, flags) works, else the
   errno (or 200 + step when setting up failed). */
static int
try_open (const char *cgroup, const char *path, int flags)
{
	int status;
	pid_t pid = fork ();

	if (pid < 0)
		return 250;
	if (pid == 0) {
		char procs[PATH_MAX];
		int fd;

		snprintf (procs, sizeof (procs), "%s/cgroup.procs", cgroup);
		fd = open (procs, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write (fd, "0", 1) != 1)
			_exit (201);
		close (fd);
		fd = open (path, flags | O_CLOEXEC | O_NONBLOCK);
		_exit (fd < 0 ? errno : 0);
	}
	if (waitpid (pid, &status, 0) != pid || !WIFEXITED (status))
		return 251;
	return WEXITSTATUS (status);
}

/* devices.list of the cgroup, lines sorted, joined with ", ". */
static char *
read_list (const char *cgroup)
{
	char cmd[PATH_MAX + 64], buf[4096];
	size_t len;
	FILE *f;

	snprintf (cmd, sizeof (cmd), "LC_ALL=C sort '%s/devices.list' | paste -s -d, | sed 's/,/, /g'", cgroup);
	f = popen (cmd, "r");
	if (f == NULL)
		return xstrdup ("");
	len = fread (buf, 1, sizeof (buf) - 1, f);
	pclose (f);
	buf[len] = '\0';
	if (len > 0 && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	return xstrdup (buf);
}

static int
open_dir (const char *path)
{
	return open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* LC_ALL=C sorted */
#define DEFAULT_LIST                                                                                                   \
	"c *:* m, c 10:200 rwm, c 136:* rwm, c 1:3 rwm, c 1:5 rwm, c 1:7 rwm, c 1:8 rwm, c 1:9 rwm, c 5:0 rwm, c 5:2 " \
	"rwm"

static int
v1_checks (const char *cg)
{
	struct ct_rt_device_cgroup deny[] = { DENY_ALL };
	struct ct_rt_device_cgroup kmsg_r[] = {
		DENY_ALL,
		{ .allow = true,
		  .type = (char *) "c",
		  .major = 1,
		  .major_present = true,
		  .minor = 11,
		  .minor_present = true,
		  .access = (char *) "rw" },
		{ .allow = false,
		  .type = (char *) "c",
		  .major = 1,
		  .major_present = true,
		  .minor = 11,
		  .minor_present = true,
		  .access = (char *) "w" },
	};
	struct ct_rt_device_cgroup all[] = { { .allow = true } };
	struct ct_rt_device_cgroup deny_1r[] = {
		{ .allow = true, .access = (char *) "rwm" },
		{ .allow = false, .type = (char *) "c", .major = 1, .major_present = true, .access = (char *) "r" },
	};
	cleanup_close int fd = open_dir (cg);
	ct_error_t err = NULL;
	cleanup_free char *l1 = NULL, *l2 = NULL, *l3 = NULL;

	CHECK (fd >= 0);
	/* runc's default spec: deny all, then the defaults */
	CHECK (rt_cg_devices_apply_fd (fd, false, deny, 1, &err) == 0);
	l1 = read_list (cg);
	CHECK_STR (l1, "b *:* m, " DEFAULT_LIST);
	CHECK (try_open (cg, "/dev/null", O_RDWR) == 0);
	CHECK (try_open (cg, "/dev/kmsg", O_RDONLY) == EPERM);

	/* an update on the live, deny-by-default cgroup: read only for c 1:11 */
	CHECK (rt_cg_devices_apply_fd (fd, false, kmsg_r, CT_ARRAY_SIZE (kmsg_r), &err) == 0);
	l2 = read_list (cg);
	CHECK_STR (l2, "b *:* m, c *:* m, c 10:200 rwm, c 136:* rwm, c 1:11 r, c 1:3 rwm, c 1:5 rwm, c 1:7 rwm, "
	               "c 1:8 rwm, c 1:9 rwm, c 5:0 rwm, c 5:2 rwm");
	CHECK (try_open (cg, "/dev/kmsg", O_RDONLY) == 0);
	CHECK (try_open (cg, "/dev/kmsg", O_WRONLY) == EPERM);

	/* back: the exception goes */
	CHECK (rt_cg_devices_apply_fd (fd, false, deny, 1, &err) == 0);
	ct_error_release (&err);
	free (l1);
	l1 = read_list (cg);
	CHECK_STR (l1, "b *:* m, " DEFAULT_LIST);

	/* allow all (the parent allows all) */
	CHECK (rt_cg_devices_apply_fd (fd, false, all, 1, &err) == 0);
	l3 = read_list (cg);
	CHECK_STR (l3, "a *:* rwm");
	CHECK (try_open (cg, "/dev/kmsg", O_RDONLY) == 0);

	/* allow all, but deny c 1:* read: as on v2 below */
	CHECK (rt_cg_devices_apply_fd (fd, false, deny_1r, CT_ARRAY_SIZE (deny_1r), &err) == 0);
	CHECK (try_open (cg, "/dev/kmsg", O_RDONLY) == EPERM);
	CHECK (try_open (cg, "/dev/kmsg", O_WRONLY) == 0);
	CHECK (try_open (cg, "/dev/null", O_RDONLY) == EPERM);
	CHECK (try_open (cg, "/dev/null", O_WRONLY) == 0);

	/* a bad rule: nothing written, the field named */
	kmsg_r[1].access = (char *) "rq";
	CHECK (rt_cg_devices_apply_fd (fd, false, kmsg_r, CT_ARRAY_SIZE (kmsg_r), &err) == -1);
	CHECK_ERR (err, "config.json: `linux.resources.devices[1].access`: `rq` is not");
	ct_error_release (&err);
	return 0;
}

static int
test_v1 (void)
{
	char *cg = make_cgroup ("/sys/fs/cgroup/devices");
	struct statfs st;
	int r;

	if (cg == NULL)
		return TAP_SKIP;
	if (statfs (cg, &st) < 0 || st.f_type == CGROUP2_SUPER_MAGIC) {
		remove_cgroup (cg);
		return TAP_SKIP;
	}
	r = v1_checks (cg);
	remove_cgroup (cg);
	return r;
}

static int
count_programs (int fd)
{
	uint32_t ids[16];
	union bpf_attr attr;

	memset (&attr, 0, sizeof (attr));
	attr.query.target_fd = (uint32_t) fd;
	attr.query.attach_type = BPF_CGROUP_DEVICE;
	attr.query.prog_ids = (uintptr_t) ids;
	attr.query.prog_cnt = 16;
	if (syscall (SYS_bpf, BPF_PROG_QUERY, &attr, sizeof (attr)) < 0)
		return -1;
	return (int) attr.query.prog_cnt;
}

static int
v2_checks (const char *cg)
{
	struct ct_rt_device_cgroup deny[] = { DENY_ALL };
	struct ct_rt_device_cgroup kmsg_r[] = {
		DENY_ALL,
		{ .allow = true,
		  .type = (char *) "c",
		  .major = 1,
		  .major_present = true,
		  .minor = 11,
		  .minor_present = true,
		  .access = (char *) "rw" },
		{ .allow = false,
		  .type = (char *) "c",
		  .major = 1,
		  .major_present = true,
		  .minor = 11,
		  .minor_present = true,
		  .access = (char *) "w" },
	};
	/* allow all, but deny c 1:* read: in allow-all mode the defaults only
	   drop denials of exactly their numbers, so null stays unreadable (v1) */
	struct ct_rt_device_cgroup deny_1r[] = {
		{ .allow = true, .access = (char *) "rwm" },
		{ .allow = false, .type = (char *) "c", .major = 1, .major_present = true, .access = (char *) "r" },
	};
	cleanup_close int fd = open_dir (cg);
	ct_error_t err = NULL;

	CHECK (fd >= 0);
	CHECK (rt_cg_devices_apply_fd (fd, true, deny, 1, &err) == 0);
	CHECK (count_programs (fd) == 1);
	CHECK (try_open (cg, "/dev/null", O_RDWR) == 0);
	CHECK (try_open (cg, "/dev/zero", O_RDONLY) == 0);
	CHECK (try_open (cg, "/dev/kmsg", O_RDONLY) == EPERM);

	/* an update replaces the program */
	CHECK (rt_cg_devices_apply_fd (fd, true, kmsg_r, CT_ARRAY_SIZE (kmsg_r), &err) == 0);
	CHECK (count_programs (fd) == 1);
	CHECK (try_open (cg, "/dev/kmsg", O_RDONLY) == 0);
	CHECK (try_open (cg, "/dev/kmsg", O_WRONLY) == EPERM);
	CHECK (try_open (cg, "/dev/null", O_RDWR) == 0);

	/* default allow with a denial */
	CHECK (rt_cg_devices_apply_fd (fd, true, deny_1r, CT_ARRAY_SIZE (deny_1r), &err) == 0);
	CHECK (count_programs (fd) == 1);
	CHECK (try_open (cg, "/dev/kmsg", O_RDONLY) == EPERM);
	CHECK (try_open (cg, "/dev/kmsg", O_WRONLY) == 0);
	CHECK (try_open (cg, "/dev/null", O_RDONLY) == EPERM);
	CHECK (try_open (cg, "/dev/null", O_WRONLY) == 0);
	CHECK (try_open (cg, "/dev/tty", O_RDWR) != EPERM);
	return 0;
}

/* The unified hierarchy: pure v2, or a hybrid host's /sys/fs/cgroup/unified
   (device programs work on any cgroup2 cgroup). */
static int
test_v2 (void)
{
	static const char *const mounts[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };
	struct statfs st;
	char *cg = NULL;
	int r;

	for (size_t i = 0; i < CT_ARRAY_SIZE (mounts) && cg == NULL; i++)
		if (statfs (mounts[i], &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC)
			cg = make_cgroup (mounts[i]);
	if (cg == NULL)
		return TAP_SKIP;
	r = v2_checks (cg);
	remove_cgroup (cg);
	return r;
}

int
main (void)
{
	static const struct tap_test tests[] = {
		TAP_TEST (test_check),
		TAP_TEST (test_v1),
		TAP_TEST (test_v2),
	};
	return tap_run (tests, TAP_COUNT (tests));
}
