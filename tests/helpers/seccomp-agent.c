/* seccomp-agent: the other end of linux.seccomp.listenerPath for the tests.

     seccomp-agent SOCKET ERRNO

   Listens on the unix stream socket SOCKET, takes one connection, receives
   the container process state and the listener fd in one message
   (config-linux.md "The Container Process State"), prints the state
   document on its own line, answers ONE notification, prints
   "notified nr=N" and exits 0.  ERRNO 0: the syscall returns 0 without
   running; -1: exit right after the state, answering nothing; else it
   fails with that errno.  Exit 1 with a message on
   stderr on any failure. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static int
fail (const char *what)
{
	fprintf (stderr, "seccomp-agent: %s: %s\n", what, strerror (errno));
	return 1;
}

int
main (int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	union {
		char buf[CMSG_SPACE (sizeof (int))];
		struct cmsghdr align;
	} cm;
	static char doc[65536];
	struct seccomp_notif_sizes sizes;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	struct msghdr mh = { 0 };
	struct iovec iov = { .iov_base = doc, .iov_len = sizeof (doc) - 1 };
	struct cmsghdr *c;
	int sock, conn, fd = -1, err_no;
	ssize_t n;

	if (argc != 3 || strlen (argv[1]) >= sizeof (addr.sun_path)) {
		fprintf (stderr, "usage: seccomp-agent SOCKET ERRNO\n");
		return 2;
	}
	err_no = atoi (argv[2]);
	memcpy (addr.sun_path, argv[1], strlen (argv[1]) + 1);
	sock = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || bind (sock, (struct sockaddr *) &addr, sizeof (addr)) < 0 || listen (sock, 1) < 0)
		return fail ("listen");
	conn = accept4 (sock, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		return fail ("accept");
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.buf;
	mh.msg_controllen = sizeof (cm.buf);
	n = recvmsg (conn, &mh, MSG_CMSG_CLOEXEC);
	if (n <= 0)
		return fail ("receive the state");
	doc[n] = '\0';
	for (c = CMSG_FIRSTHDR (&mh); c != NULL; c = CMSG_NXTHDR (&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy (&fd, CMSG_DATA (c), sizeof (int));
	if (fd < 0) {
		errno = EBADF;
		return fail ("no fd with the state");
	}
	printf ("%s\n", doc);
	fflush (stdout);
	if (err_no < 0)
		return 0;

	if (syscall (SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
		return fail ("get the notification sizes");
	req = calloc (1, sizes.seccomp_notif);
	resp = calloc (1, sizes.seccomp_notif_resp);
	if (req == NULL || resp == NULL)
		return fail ("allocate");
	while (ioctl (fd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
		if (errno != EINTR)
			return fail ("receive a notification");
	resp->id = req->id;
	resp->error = err_no ? -err_no : 0;
	resp->val = 0;
	resp->flags = 0;
	if (ioctl (fd, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0)
		return fail ("answer the notification");
	printf ("notified nr=%d\n", req->data.nr);
	free (req);
	free (resp);
	return 0;
}
