/* cruntime events: runc's JSON event stream of a running container, one
   record a line: {"type":"stats","id":ID,"data":{...}} every --interval
   (default 5s; with --stats once, then exit) and {"type":"oom","id":ID}
   whenever the kernel OOM-kills a process of its cgroup (v1: an eventfd
   registered on memory.oom_control; v2: oom_kill growing in memory.events).
   The stream ends with status 0 when the container's init exits (runc 1.1
   goes on until the cgroup is removed) or the cgroup goes away.  The
   container's lock is held only while it is loaded: other commands,
   `delete` included, proceed while we watch. */
#include "common.h"

#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>

#include "cgroup-stats.h"
#include "cgroups.h"
#include "cli.h"
#include "cmds.h"
#include "container.h"
#include "json.h"
#include "log.h"
#include "state.h"

#define EVENTS_USAGE "cruntime events [--stats] [--interval DURATION] ID"

/* Go's time.ParseDuration: "300ms", "1.5s", "1h2m", "-1s", "0".  Returns
   false on a syntax error or overflow. */
static bool
parse_go_duration (const char *s, int64_t *ns)
{
	static const struct {
		const char *name;
		double ns;
	} units[] = {
		{ "ns", 1 },   { "us", 1e3 }, { "\xc2\xb5s", 1e3 }, { "\xce\xbcs", 1e3 },
		{ "ms", 1e6 }, { "s", 1e9 },  { "m", 60e9 },        { "h", 3600e9 },
	};
	bool neg = false;
	double total = 0;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (strcmp (s, "0") == 0) {
		*ns = 0;
		return true;
	}
	if (*s == '\0')
		return false;
	while (*s != '\0') {
		double v = 0, scale = 1;
		bool digits = false;
		size_t i, best = 0, best_len = 0;

		for (; *s >= '0' && *s <= '9'; s++, digits = true)
			v = v * 10 + (*s - '0');
		if (*s == '.') {
			for (s++; *s >= '0' && *s <= '9'; s++, digits = true) {
				scale /= 10;
				v += (*s - '0') * scale;
			}
		}
		if (!digits)
			return false;
		for (i = 0; i < sizeof (units) / sizeof (units[0]); i++) {
			size_t l = strlen (units[i].name);
			if (strncmp (s, units[i].name, l) == 0 && l > best_len) {
				best = i;
				best_len = l;
			}
		}
		/* "m" must not eat the "m" of "ms": the longest name wins, and a
		   unit is followed by a digit, a dot or the end */
		if (best_len == 0 ||
		    (s[best_len] != '\0' && !(s[best_len] >= '0' && s[best_len] <= '9') && s[best_len] != '.'))
			return false;
		total += v * units[best].ns;
		s += best_len;
	}
	if (total > 9223372036854775807.0)
		return false;
	*ns = (int64_t) (neg ? -total : total);
	return true;
}

struct events_ctx {
	const char *id;
	struct rt_cgroup cg;
	pid_t pid;
	unsigned long long start;
	int mem;     /* the memory cgroup (borrowed from cg), or -1 */
	bool mem_v2; /* its interface */
	int oom_fd;  /* v1 eventfd / v2 inotify, or -1 */
	uint64_t oom_kills;
};

static void
jsonw_freep (struct ct_jsonw **w)
{
	if (*w != NULL)
		ct_jsonw_free (*w);
}

/* One record on stdout, flushed: readers (containerd, `head`) see each
   line as it happens. */
static int
emit (struct events_ctx *x, const char *type, ct_error_t *err)
{
	__attribute__ ((cleanup (jsonw_freep))) struct ct_jsonw *w = ct_jsonw_new (false);
	cleanup_free char *buf = NULL;
	size_t len;

	ct_jsonw_map_open (w);
	ct_jsonw_kv_str (w, "type", type);
	ct_jsonw_kv_str (w, "id", x->id);
	if (strcmp (type, "stats") == 0) {
		ct_jsonw_key (w, "data");
		if (rt_cg_stats_write (&x->cg, w, err) < 0)
			return -1;
	}
	ct_jsonw_map_close (w);
	if (ct_jsonw_finish (steal_pointer (&w), &buf, &len, err) < 0)
		return -1;
	fwrite (buf, 1, len, stdout);
	fputc ('\n', stdout);
	if (fflush (stdout) != 0)
		return ct_make_error (err, errno, "write events");
	return 0;
}

static bool
init_alive (const struct events_ctx *x)
{
	unsigned long long start;
	bool zombie;

	if (rt_proc_stat (x->pid, &start, &zombie) < 0)
		return false;
	return !zombie && (x->start == 0 || start == x->start);
}

/* The oom_kill count of v2's memory.events (0 when unreadable). */
static uint64_t
oom_kill_count (int dirfd)
{
	char buf[1024];
	char *p;
	ct_error_t e = NULL;

	if (rt_cg_read (dirfd, "memory.events", buf, sizeof (buf), &e) < 0) {
		ct_error_release (&e);
		return 0;
	}
	for (p = buf; p != NULL && *p != '\0'; p = strchr (p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp (p, "oom_kill ", 9) == 0)
			return strtoull (p + 9, NULL, 10);
	return 0;
}

/* Arm the OOM notification on the memory cgroup; none (oom_fd -1) when
   there is no memory controller. */
static int
oom_watch (struct events_ctx *x, ct_error_t *err)
{
	char buf[64];

	if (x->mem < 0)
		return 0;
	if (!x->mem_v2) {
		cleanup_close int efd = -1;
		cleanup_close int ofd = -1;

		/* cgroup v1's memory notification API: "<eventfd> <fd of
		   memory.oom_control>" into cgroup.event_control; the eventfd
		   counts OOMs and also fires when the cgroup is removed */
		efd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (efd < 0)
			return ct_make_error (err, errno, "create eventfd");
		ofd = openat (x->mem, "memory.oom_control", O_RDONLY | O_CLOEXEC);
		if (ofd < 0)
			return ct_make_error (err, errno, "open `memory.oom_control`");
		snprintf (buf, sizeof (buf), "%d %d", efd, ofd);
		if (rt_cg_write (x->mem, "cgroup.event_control", buf, err) < 0)
			return ct_error_wrap (err, "watch OOM events");
		x->oom_fd = steal_fd (&efd);
		return 0;
	} else {
		cleanup_close int ifd = -1;
		char path[64];

		ifd = inotify_init1 (IN_CLOEXEC | IN_NONBLOCK);
		if (ifd < 0)
			return ct_make_error (err, errno, "create inotify instance");
		snprintf (path, sizeof (path), "/proc/self/fd/%d/memory.events", x->mem);
		if (inotify_add_watch (ifd, path, IN_MODIFY) < 0)
			return ct_make_error (err, errno, "watch `memory.events`");
		x->oom_fd = steal_fd (&ifd);
		x->oom_kills = oom_kill_count (x->mem);
		return 0;
	}
}

/* Handle a readable (or maybe readable) OOM fd: print an oom record per
   notification.  *gone: the cgroup was removed (v1). */
static int
oom_check (struct events_ctx *x, bool *gone, ct_error_t *err)
{
	*gone = false;
	if (x->oom_fd < 0)
		return 0;
	if (!x->mem_v2) {
		uint64_t n;
		if (read (x->oom_fd, &n, sizeof (n)) != sizeof (n))
			return 0;
		if (faccessat (x->mem, "memory.oom_control", F_OK, 0) < 0) {
			*gone = true;
			return 0;
		}
		return emit (x, "oom", err);
	} else {
		char ev[4096];
		uint64_t now;
		while (read (x->oom_fd, ev, sizeof (ev)) > 0)
			;
		now = oom_kill_count (x->mem);
		if (now > x->oom_kills) {
			x->oom_kills = now;
			return emit (x, "oom", err);
		}
		return 0;
	}
}

static int
watch (struct events_ctx *x, int64_t interval, ct_error_t *err)
{
	cleanup_close int tfd = -1;
	cleanup_close int pidfd = -1;
	struct itimerspec its = { { 0 } };
	bool gone;

	if (oom_watch (x, err) < 0)
		return -1;
	tfd = timerfd_create (CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (tfd < 0)
		return ct_make_error (err, errno, "create timer");
	its.it_value.tv_sec = interval / 1000000000;
	its.it_value.tv_nsec = interval % 1000000000;
	its.it_interval = its.it_value;
	if (timerfd_settime (tfd, 0, &its, NULL) < 0)
		return ct_make_error (err, errno, "set timer");
#if HAVE_DECL_SYS_PIDFD_OPEN
	pidfd = (int) syscall (SYS_pidfd_open, x->pid, 0);
#endif
	/* the pid was checked before the pidfd existed: check it again */
	if (!init_alive (x))
		return 0;

	for (;;) {
		struct pollfd p[3];
		nfds_t n = 0;
		int t_i, o_i = -1, p_i = -1;
		int r;

		p[t_i = (int) n++] = (struct pollfd){ .fd = tfd, .events = POLLIN };
		if (x->oom_fd >= 0)
			p[o_i = (int) n++] = (struct pollfd){ .fd = x->oom_fd, .events = POLLIN };
		if (pidfd >= 0)
			p[p_i = (int) n++] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
		/* without a pidfd, look at the init every 100ms */
		r = poll (p, n, pidfd >= 0 ? -1 : 100);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return ct_make_error (err, errno, "poll");
		}
		if (o_i >= 0 && p[o_i].revents != 0) {
			if (oom_check (x, &gone, err) < 0)
				return -1;
			if (gone)
				return 0;
		}
		if ((p_i >= 0 && p[p_i].revents != 0) || (pidfd < 0 && !init_alive (x))) {
			/* an OOM kill that ended the init may be reported after
			   the exit: look once more */
			if (oom_check (x, &gone, err) < 0)
				return -1;
			return 0;
		}
		if (p[t_i].revents != 0) {
			uint64_t ticks;
			ct_error_t e = NULL;
			if (read (tfd, &ticks, sizeof (ticks)) < 0 && errno != EAGAIN)
				return ct_make_error (err, errno, "read timer");
			if (!init_alive (x))
				return 0;
			/* as runc: a failed reading is logged, the stream goes on */
			if (emit (x, "stats", &e) < 0) {
				if (ct_error_status (e) == EPIPE) {
					*err = e;
					return -1;
				}
				ct_log_error_release (&e);
			}
		}
	}
}

int
cmd_events (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	static const struct option longopts[] = {
		{ "stats", no_argument, NULL, 's' },
		{ "interval", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct events_ctx x = { .mem = -1, .oom_fd = -1 };
	struct rt_container c;
	int64_t interval = 5000000000LL;
	bool stats = false;
	ct_error_t e = NULL;
	int opt, r;

	while ((opt = ct_cli_getopt (argc, argv, "h", longopts, err)) != -1) {
		switch (opt) {
		case 's':
			stats = true;
			break;
		case 'i':
			if (!parse_go_duration (optarg, &interval))
				return ct_make_error (err, 0, "invalid value \"%s\" for flag -interval: parse error",
				                      optarg);
			break;
		case 'h':
			printf ("usage: %s\n", EVENTS_USAGE);
			return 0;
		default:
			return -1;
		}
	}
	if (ct_cli_args (argc, argv, 1, 1, EVENTS_USAGE, err) < 0)
		return -1;
	x.id = argv[optind];
	if (rt_container_load (g->root, x.id, LOCK_SH, false, &c, err) < 0)
		return -1;
	/* runc's order: the container, then the interval, then its status */
	if (interval <= 0) {
		rt_container_release (&c);
		return ct_make_error (err, 0, "duration interval must be greater than 0");
	}
	if (strcmp (c.status, "stopped") == 0) {
		rt_container_release (&c);
		return ct_make_error (err, 0, "container with id %s is not running", x.id);
	}
	x.pid = c.pid;
	x.start = c.start;
	if (rt_cg_load (&x.cg, c.dirfd, &e) < 0) {
		/* a container without a cgroup reads as all zeros */
		if (ct_error_status (e) != ENOENT) {
			rt_container_release (&c);
			*err = e;
			return ct_error_wrap (err, "events `%s`", x.id);
		}
		ct_error_release (&e);
		rt_cg_release (&x.cg);
		memset (&x.cg, 0, sizeof (x.cg));
	}
	/* the cgroup's dirfds are ours now: let other commands in */
	rt_container_release (&c);
	x.mem = rt_cg_dirfd (&x.cg, "memory", &x.mem_v2);

	if (stats)
		r = emit (&x, "stats", err);
	else
		r = watch (&x, interval, err);
	if (x.oom_fd >= 0)
		close (x.oom_fd);
	rt_cg_release (&x.cg);
	return r;
}
