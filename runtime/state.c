#include "common.h"

#include <ctype.h>
#include <sys/stat.h>

#include <time.h>

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

static int
mkdir_p (const char *path, mode_t mode, ct_error_t *err)
{
	cleanup_free char *buf = xstrdup (path);
	char *p;

	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir (buf, 0755) < 0 && errno != EEXIST)
			return ct_make_error (err, errno, "mkdir `%s`", buf);
		*p = '/';
	}
	if (mkdir (buf, mode) < 0 && errno != EEXIST)
		return ct_make_error (err, errno, "mkdir `%s`", buf);
	return 0;
}

int
rt_state_create (const char *root, const char *id, ct_error_t *err)
{
	cleanup_close int rootfd = -1;
	int fd;

	if (mkdir_p (root, 0700, err) < 0)
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
	cleanup_close int fd = -1;
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

	fd = openat (sdir, "state.json.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return ct_make_error (err, errno, "create `state.json.tmp`");
	if (write (fd, buf, len) != (ssize_t) len || fsync (fd) < 0)
		return ct_make_error (err, errno, "write `state.json.tmp`");
	if (close (steal_fd (&fd)) < 0)
		return ct_make_error (err, errno, "close `state.json.tmp`");
	if (renameat (sdir, "state.json.tmp", sdir, "state.json") < 0)
		return ct_make_error (err, errno, "rename `state.json.tmp`");
	if (fsync (sdir) < 0)
		return ct_make_error (err, errno, "fsync the state directory of `%s`", id);
	return 0;
}

int
rt_state_remove (const char *root, const char *id, ct_error_t *err)
{
	cleanup_close int idfd = -1;
	cleanup_dir DIR *d = NULL;
	cleanup_close int rootfd = -1;
	struct dirent *de;

	rootfd = open (root, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (rootfd < 0)
		return errno == ENOENT ? 0 : ct_make_error (err, errno, "open `%s`", root);
	idfd = openat (rootfd, id, O_DIRECTORY | O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (idfd < 0)
		return errno == ENOENT ? 0 : ct_make_error (err, errno, "open `%s/%s`", root, id);
	d = fdopendir (idfd);
	if (d == NULL)
		return ct_make_error (err, errno, "read `%s/%s`", root, id);
	idfd = -1; /* owned by d now */
	/* Only regular files live there (state.json and its temporary). */
	while ((de = readdir (d)) != NULL) {
		if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
			continue;
		if (unlinkat (dirfd (d), de->d_name, 0) < 0 && errno != ENOENT)
			return ct_make_error (err, errno, "remove `%s/%s/%s`", root, id, de->d_name);
	}
	if (unlinkat (rootfd, id, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return ct_make_error (err, errno, "remove `%s/%s`", root, id);
	return 0;
}
