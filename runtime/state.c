#include "common.h"

#include <ctype.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "fs.h"
#include "ocispec/state.h"
#include "state.h"

#define STATE_MAX (4 << 20)

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
lock_dir (int fd, const char *id, int op, ct_error_t *err)
{
	struct stat st;

	while (flock (fd, op) < 0)
		if (errno != EINTR)
			return ct_make_error (err, errno, "lock the state of `%s`", id);
	/* A delete may have removed the directory while we waited. */
	if (fstat (fd, &st) < 0)
		return ct_make_error (err, errno, "stat the state of `%s`", id);
	if (st.st_nlink == 0)
		return ct_make_error (err, 0, "container does not exist");
	return 0;
}

int
rt_state_create (const char *root, const char *id, ct_error_t *err)
{
	cleanup_close int rootfd = -1;
	cleanup_close int fd = -1;

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
	if (lock_dir (fd, id, LOCK_EX, err) < 0)
		return -1;
	return steal_fd (&fd);
}

int
rt_state_open (const char *root, const char *id, int lock_op, ct_error_t *err)
{
	cleanup_close int rootfd = -1;
	cleanup_close int fd = -1;

	if (rt_state_check_id (id, err) < 0)
		return -1;
	rootfd = open (root, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (rootfd >= 0)
		fd = openat (rootfd, id, O_DIRECTORY | O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			return ct_make_error (err, 0, "container does not exist");
		return ct_make_error (err, errno, "open `%s/%s`", root, id);
	}
	if (lock_dir (fd, id, lock_op, err) < 0)
		return -1;
	return steal_fd (&fd);
}

bool
rt_state_exists (const char *root, const char *id)
{
	cleanup_free char *path = NULL;

	xasprintf (&path, "%s/%s", root, id);
	return faccessat (AT_FDCWD, path, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

int
rt_state_write (int sdir, const struct ct_rt_state *st, ct_error_t *err)
{
	cleanup_free char *buf = NULL;
	size_t len;

	if (ct_rt_state_encode (st, false, &buf, &len, err) < 0)
		return ct_error_wrap (err, "encode state of `%s`", st->id);
	if (ct_fs_write_atomic_at (sdir, "state.json", buf, len, 0600, err) < 0)
		return ct_error_wrap (err, "write the state of `%s`", st->id);
	return 0;
}

int
rt_state_load (int sdir, struct ct_rt_state **out, ct_error_t *err)
{
	cleanup_free char *buf = NULL;
	size_t len;

	if (ct_fs_read_all_at (sdir, "state.json", STATE_MAX, &buf, &len, err) < 0)
		return -1;
	return ct_rt_state_decode (buf, len, "state.json", out, err);
}

int
rt_state_write_starttime (int sdir, unsigned long long start, ct_error_t *err)
{
	char buf[32];
	int n = snprintf (buf, sizeof (buf), "%llu\n", start);

	return ct_fs_write_atomic_at (sdir, "init.start", buf, (size_t) n, 0600, err);
}

int
rt_state_read_starttime (int sdir, unsigned long long *start, ct_error_t *err)
{
	cleanup_free char *buf = NULL;
	char *end;
	size_t len;

	if (ct_fs_read_all_at (sdir, "init.start", 64, &buf, &len, err) < 0)
		return -1;
	errno = 0;
	*start = strtoull (buf, &end, 10);
	if (errno != 0 || end == buf || (*end != '\n' && *end != '\0'))
		return ct_make_error (err, EINVAL, "parse `init.start`");
	return 0;
}

int
rt_proc_stat (pid_t pid, unsigned long long *start, bool *zombie)
{
	char path[64];
	char buf[1024];
	cleanup_close int fd = -1;
	ssize_t n;
	char *p;
	int field;

	snprintf (path, sizeof (path), "/proc/%d/stat", (int) pid);
	fd = open (path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read (fd, buf, sizeof (buf) - 1);
	if (n <= 0) {
		errno = n < 0 ? errno : ESRCH;
		return -1;
	}
	buf[n] = '\0';
	/* comm (field 2) may hold spaces and parentheses: parse after the last ')' */
	p = strrchr (buf, ')');
	if (p == NULL || p[1] != ' ') {
		errno = EINVAL;
		return -1;
	}
	p += 2;
	*zombie = *p == 'Z' || *p == 'X' || *p == 'x';
	/* p is at field 3 (state); starttime is field 22 */
	for (field = 3; field < 22 && p != NULL; field++) {
		p = strchr (p, ' ');
		if (p != NULL)
			p++;
	}
	if (p == NULL) {
		errno = EINVAL;
		return -1;
	}
	*start = strtoull (p, NULL, 10);
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
