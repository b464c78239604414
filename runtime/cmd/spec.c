/* cruntime spec [--rootless] [-b|--bundle DIR]: write runc's default
   config.json (with our runtime-spec version) into DIR. */
#include "common.h"

#include <sys/stat.h>

#include "cmds.h"
#include "ocispec/runtime.h"

static const char spec_usage[] = "cruntime spec [--rootless] [--bundle DIR]";

/* Write data as dirfd/config.json without ever replacing an existing file:
   temp file, fsync, link(2) (fails with EEXIST, unlike rename), unlink the
   temp name, fsync the directory. */
static int
write_new_config (int dirfd, const char *data, size_t len, ct_error_t *err)
{
	cleanup_close int fd = -1;
	char tmp[64];
	size_t off = 0;
	int r;

	snprintf (tmp, sizeof tmp, ".config.json.%ld", (long) getpid ());
	fd = openat (dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0)
		return ct_make_error (err, errno, "create `%s`", tmp);
	while (off < len) {
		ssize_t n = write (fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			unlinkat (dirfd, tmp, 0);
			return ct_make_error (err, e, "write `%s`", tmp);
		}
		off += (size_t) n;
	}
	if (fsync (fd) < 0 || close (steal_fd (&fd)) < 0) {
		int e = errno;
		unlinkat (dirfd, tmp, 0);
		return ct_make_error (err, e, "write `%s`", tmp);
	}
	r = linkat (dirfd, tmp, dirfd, "config.json", 0);
	if (r < 0) {
		int e = errno;
		unlinkat (dirfd, tmp, 0);
		if (e == EEXIST)
			return ct_make_error (err, 0, "File config.json exists. Remove it first");
		return ct_make_error (err, e, "create `config.json`");
	}
	unlinkat (dirfd, tmp, 0);
	if (fsync (dirfd) < 0)
		return ct_make_error (err, errno, "fsync bundle directory");
	return 0;
}

int
cmd_spec (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	enum { OPT_ROOTLESS = 256 };
	static const struct option longopts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "rootless", no_argument, NULL, OPT_ROOTLESS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	cleanup_rt_spec struct ct_rt_spec *s = NULL;
	cleanup_free char *data = NULL;
	cleanup_close int dirfd = -1;
	const char *bundle = ".";
	bool rootless = false;
	size_t len = 0;
	struct stat st;
	int c;

	(void) g;
	while ((c = ct_cli_getopt (argc, argv, "b:h", longopts, err)) != -1) {
		switch (c) {
		case 'b':
			bundle = optarg;
			break;
		case OPT_ROOTLESS:
			rootless = true;
			break;
		case 'h':
			printf ("usage: %s\n\n"
			        "Create a new specification file (config.json) in the bundle directory.\n\n"
			        "OPTIONS:\n"
			        "   --bundle DIR, -b DIR  path to the root of the bundle directory\n"
			        "   --rootless            generate a configuration for a rootless container\n",
			        spec_usage);
			return 0;
		default:
			return -1;
		}
	}
	if (ct_cli_args (argc, argv, 0, 0, spec_usage, err) < 0)
		return -1;

	dirfd = open (bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return ct_make_error (err, errno, "open bundle `%s`", bundle);
	/* runc's early check and wording; write_new_config closes the race */
	if (fstatat (dirfd, "config.json", &st, AT_SYMLINK_NOFOLLOW) == 0)
		return ct_make_error (err, 0, "File config.json exists. Remove it first");

	/* like runc: the effective ids are mapped to root */
	s = ct_rt_spec_default (rootless, (uint32_t) geteuid (), (uint32_t) getegid ());
	if (ct_rt_spec_encode (s, &data, &len, err) < 0)
		return -1;
	return write_new_config (dirfd, data, len, err);
}
