/* testinit: the static payload the tests run inside containers (crun's
   tests/init.c, youki's runtimetest).  Assertions are made by the tests on what
   it prints, so output formats are fixed:

     true | exit N | echo ARGS... | cat FILE | printenv [NAME]
     id          "uid=U gid=G groups=G1,G2"   (groups empty when none)
     cwd         the working directory
     caps        "CapInh: HEX" ... "CapAmb: HEX" (the five sets of /proc/self/status)
     isatty FD   "true" / "false"  (exit 0 either way)
     pause       sleep until a signal (exit 0 on SIGTERM/SIGINT/SIGHUP)
     ls DIR      the entries, sorted, one per line, without . and ..
     fds         the open fds of this process, ascending, one per line
     hostname    the UTS host name
     write FILE TEXT   create/truncate FILE with TEXT (no newline added)
     stat PATH   "type=T mode=0OOO uid=U gid=G" (lstat; T = file dir symlink char block fifo socket)
     devnum PATH "MAJOR:MINOR" of a device node (lstat)
     sched       "policy=P nice=N priority=R" (sched_getscheduler, getpriority, sched_getparam)
     ioprio      "class=C level=L" (ioprio_get of this process)
     personality the personality as "0xHEX"
     notify MSG  send MSG as one datagram to $NOTIFY_SOCKET (sd_notify)
     syscall NAME ARGS...  call NAME (a small table: getpid, mkdir, umask,
                 personality ...) directly; an ARG is a number (strtoull,
                 base 0) or else a string pointer.  "ok" or "errno=N" (exit 0)

   The subcommand is argv[1], or argv[0]'s basename when that is not "testinit"
   (so a symlink named "pause" works).  Exit 0 on success; 1 with a message on
   stderr on failure; 2 on a usage error.  libc only, linked -static. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <unistd.h>

static int
fail (const char *what, const char *arg)
{
	fprintf (stderr, "testinit: %s `%s`: %s\n", what, arg, strerror (errno));
	return 1;
}

static int
usage (const char *msg)
{
	fprintf (stderr, "testinit: %s\n", msg);
	return 2;
}

static int
parse_int (const char *s, long *out)
{
	char *end;
	errno = 0;
	*out = strtol (s, &end, 10);
	return errno != 0 || end == s || *end != '\0' ? -1 : 0;
}

static int
cmd_exit (int argc, char **argv)
{
	long n;
	if (argc < 2 || parse_int (argv[1], &n) < 0)
		return usage ("exit needs a number");
	return (int) (n & 0xff);
}

static int
cmd_echo (int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		printf ("%s%s", i > 1 ? " " : "", argv[i]);
	printf ("\n");
	return 0;
}

static int
cmd_cat (int argc, char **argv)
{
	char buf[8192];
	ssize_t n;
	int fd;

	if (argc < 2)
		return usage ("cat needs a file");
	fd = open (argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail ("open", argv[1]);
	fflush (stdout);
	while ((n = read (fd, buf, sizeof buf)) > 0)
		if (write (STDOUT_FILENO, buf, (size_t) n) != n)
			return fail ("write", "stdout");
	if (n < 0)
		return fail ("read", argv[1]);
	close (fd);
	return 0;
}

static int
cmd_printenv (int argc, char **argv)
{
	extern char **environ;
	if (argc >= 2) {
		const char *v = getenv (argv[1]);
		if (v == NULL)
			return 1;
		printf ("%s\n", v);
		return 0;
	}
	for (char **e = environ; *e; e++)
		printf ("%s\n", *e);
	return 0;
}

static int
cmd_id (void)
{
	gid_t groups[NGROUPS_MAX];
	int n = getgroups (NGROUPS_MAX, groups);

	if (n < 0)
		return fail ("getgroups", "");
	printf ("uid=%u gid=%u groups=", (unsigned) getuid (), (unsigned) getgid ());
	for (int i = 0; i < n; i++)
		printf ("%s%u", i ? "," : "", (unsigned) groups[i]);
	printf ("\n");
	return 0;
}

static int
cmd_cwd (void)
{
	char buf[PATH_MAX];
	if (getcwd (buf, sizeof buf) == NULL)
		return fail ("getcwd", "");
	printf ("%s\n", buf);
	return 0;
}

static int
cmd_caps (void)
{
	static const char *const keys[] = { "CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:" };
	char line[256];
	FILE *f = fopen ("/proc/self/status", "re");

	if (f == NULL)
		return fail ("open", "/proc/self/status");
	while (fgets (line, sizeof line, f)) {
		for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
			size_t k = strlen (keys[i]);
			if (strncmp (line, keys[i], k) == 0) {
				char *v = line + k;
				v += strspn (v, " \t");
				printf ("%s %s", keys[i], v);
			}
		}
	}
	fclose (f);
	return 0;
}

static int
cmd_isatty (int argc, char **argv)
{
	long fd;
	if (argc < 2 || parse_int (argv[1], &fd) < 0)
		return usage ("isatty needs an fd");
	printf ("%s\n", isatty ((int) fd) ? "true" : "false");
	return 0;
}

static volatile sig_atomic_t got_signal;

static void
on_signal (int sig)
{
	got_signal = sig;
}

static int
cmd_pause (void)
{
	struct sigaction sa;

	memset (&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset (&sa.sa_mask);
	sigaction (SIGTERM, &sa, NULL);
	sigaction (SIGINT, &sa, NULL);
	sigaction (SIGHUP, &sa, NULL);
	/* as pid 1 in a PID namespace, default-action signals are ignored:
	   handlers make SIGTERM work there too */
	while (!got_signal)
		pause ();
	return 0;
}

static int
cmp_str (const void *a, const void *b)
{
	return strcmp (*(char *const *) a, *(char *const *) b);
}

static int
cmd_ls (int argc, char **argv)
{
	const char *dir = argc >= 2 ? argv[1] : ".";
	DIR *d = opendir (dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;

	if (d == NULL)
		return fail ("open", dir);
	while ((de = readdir (d)) != NULL) {
		if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = realloc (names, cap * sizeof *names);
			if (names == NULL)
				abort ();
		}
		names[n] = strdup (de->d_name);
		if (names[n++] == NULL)
			abort ();
	}
	closedir (d);
	if (n > 0)
		qsort (names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n; i++) {
		printf ("%s\n", names[i]);
		free (names[i]);
	}
	free (names);
	return 0;
}

static int
cmd_fds (void)
{
	DIR *d = opendir ("/proc/self/fd");
	struct dirent *de;
	int fds[4096];
	size_t n = 0;

	if (d == NULL)
		return fail ("open", "/proc/self/fd");
	while ((de = readdir (d)) != NULL) {
		long fd;
		if (de->d_name[0] == '.' || parse_int (de->d_name, &fd) < 0 || fd == dirfd (d))
			continue;
		if (n < sizeof fds / sizeof fds[0])
			fds[n++] = (int) fd;
	}
	closedir (d);
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && fds[j - 1] > fds[j]; j--) {
			int t = fds[j];
			fds[j] = fds[j - 1];
			fds[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++)
		printf ("%d\n", fds[i]);
	return 0;
}

static int
cmd_hostname (void)
{
	struct utsname u;
	if (uname (&u) < 0)
		return fail ("uname", "");
	printf ("%s\n", u.nodename);
	return 0;
}

static int
cmd_write (int argc, char **argv)
{
	size_t len;
	int fd;

	if (argc < 3)
		return usage ("write needs a file and a text");
	fd = open (argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return fail ("open", argv[1]);
	len = strlen (argv[2]);
	if (write (fd, argv[2], len) != (ssize_t) len)
		return fail ("write", argv[1]);
	if (close (fd) < 0)
		return fail ("close", argv[1]);
	return 0;
}

static const char *
type_name (mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFREG:
		return "file";
	case S_IFDIR:
		return "dir";
	case S_IFLNK:
		return "symlink";
	case S_IFCHR:
		return "char";
	case S_IFBLK:
		return "block";
	case S_IFIFO:
		return "fifo";
	case S_IFSOCK:
		return "socket";
	default:
		return "unknown";
	}
}

static int
cmd_stat (int argc, char **argv)
{
	struct stat st;
	if (argc < 2)
		return usage ("stat needs a path");
	if (lstat (argv[1], &st) < 0)
		return fail ("stat", argv[1]);
	printf ("type=%s mode=0%03o uid=%u gid=%u\n", type_name (st.st_mode), (unsigned) (st.st_mode & 07777),
	        (unsigned) st.st_uid, (unsigned) st.st_gid);
	return 0;
}

static int
cmd_devnum (int argc, char **argv)
{
	struct stat st;
	if (argc < 2)
		return usage ("devnum needs a path");
	if (lstat (argv[1], &st) < 0)
		return fail ("stat", argv[1]);
	printf ("%u:%u\n", major (st.st_rdev), minor (st.st_rdev));
	return 0;
}

static int
cmd_sched (void)
{
	struct sched_param sp;
	int policy = sched_getscheduler (0);
	int nice;

	errno = 0;
	nice = getpriority (PRIO_PROCESS, 0);
	if (policy < 0 || errno != 0 || sched_getparam (0, &sp) < 0)
		return fail ("get", "the scheduler");
	printf ("policy=%d nice=%d priority=%d\n", policy & ~SCHED_RESET_ON_FORK, nice, sp.sched_priority);
	return 0;
}

static int
cmd_ioprio (void)
{
	long v = syscall (SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
	if (v < 0)
		return fail ("get", "the io priority");
	printf ("class=%ld level=%ld\n", v >> 13, v & 0xff);
	return 0;
}

static int
cmd_personality (void)
{
	int v = personality (0xffffffff);
	if (v < 0)
		return fail ("get", "the personality");
	printf ("0x%x\n", (unsigned) v);
	return 0;
}

static int
cmd_notify (int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	const char *path = getenv ("NOTIFY_SOCKET");
	int fd;

	if (argc < 2)
		return usage ("notify needs a message");
	if (path == NULL || strlen (path) >= sizeof (addr.sun_path))
		return fail ("find", "NOTIFY_SOCKET");
	memcpy (addr.sun_path, path, strlen (path) + 1);
	fd = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || sendto (fd, argv[1], strlen (argv[1]), 0, (struct sockaddr *) &addr, sizeof (addr)) < 0)
		return fail ("send to", path);
	close (fd);
	return 0;
}

static const struct {
	const char *name;
	long nr;
} syscall_names[] = {
	{ "getpid", SYS_getpid }, { "getppid", SYS_getppid }, { "mkdir", SYS_mkdir },
	{ "rmdir", SYS_rmdir },   { "chdir", SYS_chdir },     { "umask", SYS_umask },
	{ "getuid", SYS_getuid }, { "setuid", SYS_setuid },   { "personality", SYS_personality },
	{ "dup", SYS_dup },       { "close", SYS_close },     { "sched_yield", SYS_sched_yield },
	{ "sync", SYS_sync },     { "uname", SYS_uname },     { "getpriority", SYS_getpriority },
};

static int
cmd_syscall (int argc, char **argv)
{
	unsigned long a[6] = { 0 };
	size_t i;
	long r;

	if (argc < 2 || argc > 8)
		return usage ("syscall needs a name and at most 6 arguments");
	for (i = 0; i < sizeof (syscall_names) / sizeof (syscall_names[0]); i++)
		if (strcmp (syscall_names[i].name, argv[1]) == 0)
			break;
	if (i == sizeof (syscall_names) / sizeof (syscall_names[0]))
		return usage ("syscall: unknown name");
	for (int k = 2; k < argc; k++) {
		char *end;
		errno = 0;
		a[k - 2] = strtoull (argv[k], &end, 0);
		if (errno != 0 || *end != '\0' || end == argv[k])
			a[k - 2] = (unsigned long) argv[k];
	}
	r = syscall (syscall_names[i].nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	if (r < 0)
		printf ("errno=%d\n", errno);
	else
		printf ("ok\n");
	return 0;
}

int
main (int argc, char **argv)
{
	const char *self = argc > 0 ? strrchr (argv[0], '/') : NULL;
	const char *cmd;
	int r;

	self = self ? self + 1 : (argc > 0 ? argv[0] : "testinit");
	if (strcmp (self, "testinit") != 0 && strncmp (self, "lt-", 3) != 0) {
		cmd = self;
	} else {
		if (argc < 2)
			return usage ("usage: testinit COMMAND [ARGS...]");
		cmd = argv[1];
		argc--;
		argv++;
	}

	if (strcmp (cmd, "true") == 0)
		r = 0;
	else if (strcmp (cmd, "exit") == 0)
		r = cmd_exit (argc, argv);
	else if (strcmp (cmd, "echo") == 0)
		r = cmd_echo (argc, argv);
	else if (strcmp (cmd, "cat") == 0)
		r = cmd_cat (argc, argv);
	else if (strcmp (cmd, "printenv") == 0)
		r = cmd_printenv (argc, argv);
	else if (strcmp (cmd, "id") == 0)
		r = cmd_id ();
	else if (strcmp (cmd, "cwd") == 0)
		r = cmd_cwd ();
	else if (strcmp (cmd, "caps") == 0)
		r = cmd_caps ();
	else if (strcmp (cmd, "isatty") == 0)
		r = cmd_isatty (argc, argv);
	else if (strcmp (cmd, "pause") == 0)
		r = cmd_pause ();
	else if (strcmp (cmd, "ls") == 0)
		r = cmd_ls (argc, argv);
	else if (strcmp (cmd, "fds") == 0)
		r = cmd_fds ();
	else if (strcmp (cmd, "hostname") == 0)
		r = cmd_hostname ();
	else if (strcmp (cmd, "write") == 0)
		r = cmd_write (argc, argv);
	else if (strcmp (cmd, "stat") == 0)
		r = cmd_stat (argc, argv);
	else if (strcmp (cmd, "devnum") == 0)
		r = cmd_devnum (argc, argv);
	else if (strcmp (cmd, "sched") == 0)
		r = cmd_sched ();
	else if (strcmp (cmd, "ioprio") == 0)
		r = cmd_ioprio ();
	else if (strcmp (cmd, "personality") == 0)
		r = cmd_personality ();
	else if (strcmp (cmd, "notify") == 0)
		r = cmd_notify (argc, argv);
	else if (strcmp (cmd, "syscall") == 0)
		r = cmd_syscall (argc, argv);
	else {
		fprintf (stderr, "testinit: unknown command `%s`\n", cmd);
		return 2;
	}
	if (fflush (stdout) != 0 && r == 0)
		return fail ("write", "stdout");
	return r;
}
