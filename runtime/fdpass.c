#include "common.h"

#include <sys/socket.h>
#include <sys/uio.h>

#include "fdpass.h"

ssize_t
rt_fdpass_send (int sock, const void *buf, size_t len, int fd)
{
	struct iovec iov = { .iov_base = (void *) buf, .iov_len = len };
	union {
		char buf[CMSG_SPACE (sizeof (int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = { 0 };
	struct cmsghdr *cmsg;
	ssize_t n;

	memset (&u, 0, sizeof (u));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = u.buf;
	msg.msg_controllen = sizeof (u.buf);
	cmsg = CMSG_FIRSTHDR (&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN (sizeof (int));
	memcpy (CMSG_DATA (cmsg), &fd, sizeof (int));
	do
		n = sendmsg (sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n;
}
