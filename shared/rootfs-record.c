#include "common.h"

#include "rootfs-record.h"

/* Stub: replaced by the commit work. */
int
ct_rootfs_record_write (int rootfd, int fd, ct_error_t *err)
{
	(void) rootfd, (void) fd;
	return ct_make_error (err, ENOSYS, "rootfs records are not implemented yet");
}
