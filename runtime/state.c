#include "common.h"

#include <ctype.h>
#include <sys/stat.h>

#include <time.h>

#include "fs.h"
#include "ocispec/state.h"
#include "state.h"

int
rt_state_check_id (const char *id, ct_error_t *err)
{
	const char *p;

	if (*id == '\0' || strcmp (id, ".") == 0 || strcmp (id, "..") == 0 || strlen (id) > 1024)
		return ct_make_error (err, 0, "invalid id format: `%s`", id);
	for (p = id; *p; p++)
		if (!isalnum ((unsigned char) *p) && strchr ("_+-.", *p) == NULL)
			return ct_make_error (err, 0, "invalid id format: `%s`", id);
	return 0;
}

int
rt_state_create (const char *root, const char *id, ct_error_t *err)
{
	cleanup_close int rootfd = -1;
	int fd;

	if (ct_fs_mkdir_p_at (AT_FDCWD, root, 0700, err) < 0)
		return ct_error_wrap (err, "create the state root");
	rootfd = open (root, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (rootfd < 0)
		return ct_make_error (err, errno, "open `%s`", root);
	if (mkdirat (rootfd, id, 0700) < 0) {
		if (errno == EEXIST)
			return ct_make_error (err, 0, "container with id exists: %s", id);
		return ct_make_error (err, errno, "mkdir `%s/%s`", root, id);
	}
	fd = openat (rootfd, id, O_DIRECTORY | O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return ct_make_error (err, errno, "open `%s/%s`", root, id);
	return fd;
}

int
rt_state_write (int sdir, const char *id, const char *status, pid_t pid, const char *bundle, const char *rootfs,
                ct_error_t *err)
{
	struct ct_rt_state st = { 0 };
	cleanup_free char *created = NULL;
	cleanup_free char *buf = NULL;
	struct timespec now;
	size_t len;

	clock_gettime (CLOCK_REALTIME, &now);
	created = ct_rt_state_format_time (now.tv_sec, now.tv_nsec);
	/* borrowed strings: st is never freed */
	st.oci_version = (char *) CT_OCI_RUNTIME_SPEC_VERSION;
	st.id = (char *) id;
	st.status = (char *) status;
	st.pid = pid;
	st.pid_present = true;
	st.bundle = (char *) bundle;
	st.rootfs = (char *) rootfs;
	st.created = created;
	st.owner = (char *) "";
	if (ct_rt_state_encode (&st, false, &buf, &len, err) < 0)
		return ct_error_wrap (err, "encode state of `%s`", id);

	if (ct_fs_write_atomic_at (sdir, "state.json", buf, len, 0600, err) < 0)
		return ct_error_wrap (err, "write the state of `%s`", id);
	return 0;
}

int
rt_state_remove (const char *root, const char *id, ct_error_t *err)
{
	cleanup_close int rootfd = -1;

	rootfd = open (root, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (rootfd < 0)
		return errno == ENOENT ? 0 : ct_make_error (err, errno, "open `%s`", root);
	if (ct_fs_rm_rf_at (rootfd, id, err) < 0)
		return ct_error_wrap (err, "remove the state of `%s`", id);
	return 0;
}
