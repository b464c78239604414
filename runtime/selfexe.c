/* Sealed memfd re-exec (runc's libcontainer/dmz cloned binary, crun's
   ensure_cloned_binary): the copy is sealed against writes, growing and
   shrinking, and the seals themselves are sealed, so a container that opens
   /proc/<our pid>/exe gets a file nobody can change. */
#include "common.h"

#include <elf.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

#include "cleanup.h"
#include "selfexe.h"

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

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
copy_range (int in, int out, off_t size, ct_error_t *err)
{
	off_t done = 0;

	while (done < size) {
		ssize_t n = sendfile (out, in, &done, (size_t) (size - done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ct_make_error (err, errno, "copy `/proc/self/exe` to a memfd");
		if (n == 0)
			return ct_make_error (err, EIO, "copy `/proc/self/exe` to a memfd: short read");
	}
	return 0;
}

/* How much of the file execve() needs: the ELF header, the program headers
   and every segment they describe.  What follows (symbols, debug info,
   section headers) is two thirds of an unstripped binary and is never
   loaded; leaving it out of the copy makes every run, create and exec
   cheaper.  0 when the file is not an ELF64 binary we can read: then it is
   copied whole. */
static off_t
loaded_size (int fd, off_t file_size, Elf64_Ehdr *eh)
{
	Elf64_Phdr ph;
	off_t end;

	if (pread (fd, eh, sizeof (*eh), 0) != (ssize_t) sizeof (*eh) || memcmp (eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_phentsize != sizeof (ph) || eh->e_phnum == 0 ||
	    eh->e_phnum > 256)
		return 0;
	end = (off_t) (eh->e_phoff + (uint64_t) eh->e_phnum * sizeof (ph));
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		if (pread (fd, &ph, sizeof (ph), (off_t) (eh->e_phoff + i * sizeof (ph))) != (ssize_t) sizeof (ph))
			return 0;
		if ((off_t) (ph.p_offset + ph.p_filesz) > end)
			end = (off_t) (ph.p_offset + ph.p_filesz);
	}
	return end <= file_size ? end : 0;
}

/* Copy the binary into mfd: its loaded part only, with the section header
   table (now past the end) dropped from the ELF header, or else whole. */
static int
copy_binary (int exe, int mfd, off_t file_size, ct_error_t *err)
{
	Elf64_Ehdr eh;
	off_t size = loaded_size (exe, file_size, &eh);

	if (size == 0 || size >= file_size)
		return copy_range (exe, mfd, file_size, err);
	if (copy_range (exe, mfd, size, err) < 0)
		return -1;
	if (eh.e_shoff >= (uint64_t) size) {
		eh.e_shoff = 0;
		eh.e_shnum = 0;
		eh.e_shstrndx = SHN_UNDEF;
		if (pwrite (mfd, &eh, sizeof (eh), 0) != (ssize_t) sizeof (eh))
			return ct_make_error (err, errno, "write the sealed binary's ELF header");
	}
	return 0;
}

int
rt_selfexe_ensure_sealed (char **argv, ct_error_t *err)
{
	cleanup_close int exe = -1;
	cleanup_close int mfd = -1;
	struct statvfs vfs;
	struct stat st;

	exe = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (exe < 0)
		return ct_make_error (err, errno, "open `/proc/self/exe`");
	if (is_sealed (exe))
		return 0;
	/* On a read-only mount (an image-based host's /usr) the binary cannot
	   be written through any fd a container gets on it (EROFS), and a
	   container cannot remount a mount of the host's namespace: it is as
	   safe as a sealed copy, and the copy and second exec are saved. */
	if (fstatvfs (exe, &vfs) == 0 && (vfs.f_flag & ST_RDONLY) != 0)
		return 0;
	if (fstat (exe, &st) < 0)
		return ct_make_error (err, errno, "stat `/proc/self/exe`");
	/* MFD_EXEC (Linux 6.3): where vm.memfd_noexec is 1, a memfd made
	   without it cannot be executed; older kernels refuse the flag */
	mfd = (int) syscall (SYS_memfd_create, "cruntime", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (mfd < 0 && errno == EINVAL)
		mfd = (int) syscall (SYS_memfd_create, "cruntime", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0)
		return ct_make_error (err, errno, "create a memfd for the sealed binary");
	if (copy_binary (exe, mfd, st.st_size, err) < 0)
		return -1;
	if (fchmod (mfd, 0555) < 0)
		return ct_make_error (err, errno, "chmod the sealed binary");
	if (fcntl (mfd, F_ADD_SEALS, SEALS) < 0)
		return ct_make_error (err, errno, "seal the binary's memfd");
	/* MFD_CLOEXEC: the new image keeps no fd on its own file. */
	syscall (SYS_execveat, mfd, "", argv, environ, AT_EMPTY_PATH);
	return ct_make_error (err, errno, "re-exec from the sealed binary");
}
