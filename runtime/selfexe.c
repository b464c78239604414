/* Sealed memfd re-exec (runc's libcontainer/dmz cloned binary, crun's
   ensure_cloned_binary): the copy is sealed against writes, growing and
   shrinking, and the seals themselves are sealed, so a container that opens
   /proc/<our pid>/exe gets a file nobody can change. */
#include "common.h"

#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "cleanup.h"
#include "selfexe.h"

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

bool
rt_selfexe_needed (const char *cmd)
{
	return cmd != NULL && (strcmp (cmd, "run") == 0 || strcmp (cmd, "create") == 0 || strcmp (cmd, "exec") == 0);
}

/* The marker is the file itself, not an environment variable the caller
   could set: only a memfd carries these seals. */
static bool
is_sealed (int fd)
{
	int seals = fcntl (fd, F_GET_SEALS);

	return seals >= 0 && (seals & SEALS) == SEALS;
}

static int
copy_all (int in, int out, off_t size, ct_error_t *err)
{
	off_t done = 0;

	while (done < size) {
		ssize_t n = sendfile (out, in, NULL, (size_t) (size - done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ct_make_error (err, errno, "copy `/proc/self/exe` to a memfd");
		if (n == 0)
			return ct_make_error (err, EIO, "copy `/proc/self/exe` to a memfd: short read");
		done += n;
	}
	return 0;
}

int
rt_selfexe_ensure_sealed (char **argv, ct_error_t *err)
{
	cleanup_close int exe = -1;
	cleanup_close int mfd = -1;
	struct stat st;

	exe = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (exe < 0)
		return ct_make_error (err, errno, "open `/proc/self/exe`");
	if (is_sealed (exe))
		return 0;
	if (fstat (exe, &st) < 0)
		return ct_make_error (err, errno, "stat `/proc/self/exe`");
	mfd = (int) syscall (SYS_memfd_create, "cruntime", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0)
		return ct_make_error (err, errno, "create a memfd for the sealed binary");
	if (copy_all (exe, mfd, st.st_size, err) < 0)
		return -1;
	if (fchmod (mfd, 0555) < 0)
		return ct_make_error (err, errno, "chmod the sealed binary");
	if (fcntl (mfd, F_ADD_SEALS, SEALS) < 0)
		return ct_make_error (err, errno, "seal the binary's memfd");
	/* MFD_CLOEXEC: the new image keeps no fd on its own file. */
	syscall (SYS_execveat, mfd, "", argv, environ, AT_EMPTY_PATH);
	return ct_make_error (err, errno, "re-exec from the sealed binary");
}
