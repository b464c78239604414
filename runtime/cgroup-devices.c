/* Device rules of a container's cgroup: v1 lists, v2 eBPF (cgroup-devices.h). */
#include "common.h"

#include <linux/bpf.h>
#include <sys/syscall.h>

#include "cgroup-devices.h"
#include "log.h"

/* Access bits, as the kernel's (and BPF_DEVCG_ACC_*). */
#define ACC_MKNOD 1u
#define ACC_READ  2u
#define ACC_WRITE 4u
#define ACC_ALL   (ACC_MKNOD | ACC_READ | ACC_WRITE)

#define WILDCARD (-1LL)

struct rule {
	char type;              /* 'a', 'b', 'c' */
	long long major, minor; /* WILDCARD = "*" */
	unsigned access;
	bool allow;
};

/* What the v1 kernel keeps: a default and exceptions to it. */
struct devstate {
	bool default_allow;
	struct rule *ex; /* allow is !default_allow for each */
	size_t n;
};

/* runc 1.1 libcontainer/specconv AllowedDevices, in its order (runc 1.1.5
   on this host lists exactly these, tun included). */
static const struct rule default_rules[] = {
	{ 'c', WILDCARD, WILDCARD, ACC_MKNOD, true }, /* mknod of any char device */
	{ 'b', WILDCARD, WILDCARD, ACC_MKNOD, true }, /* ... and block device */
	{ 'c', 1, 3, ACC_ALL, true },                 /* /dev/null */
	{ 'c', 1, 8, ACC_ALL, true },                 /* /dev/random */
	{ 'c', 1, 7, ACC_ALL, true },                 /* /dev/full */
	{ 'c', 5, 0, ACC_ALL, true },                 /* /dev/tty */
	{ 'c', 1, 5, ACC_ALL, true },                 /* /dev/zero */
	{ 'c', 1, 9, ACC_ALL, true },                 /* /dev/urandom */
	{ 'c', 136, WILDCARD, ACC_ALL, true },        /* /dev/pts/N */
	{ 'c', 5, 2, ACC_ALL, true },                 /* /dev/ptmx */
	{ 'c', 10, 200, ACC_ALL, true },              /* /dev/net/tun */
};

static void
devstate_release (struct devstate *s)
{
	free (s->ex);
	s->ex = NULL;
	s->n = 0;
}

static struct rule *
devstate_find (struct devstate *s, const struct rule *r)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->ex[i].type == r->type && s->ex[i].major == r->major && s->ex[i].minor == r->minor)
			return &s->ex[i];
	return NULL;
}

/* One write to devices.allow (allow) or devices.deny, as the v1 kernel
   handles it (security/device_cgroup.c devcgroup_update_access). */
static void
devstate_apply (struct devstate *s, const struct rule *r)
{
	struct rule *e;

	if (r->type == 'a') {
		devstate_release (s);
		s->default_allow = r->allow;
		return;
	}
	e = devstate_find (s, r);
	if (r->allow == s->default_allow) {
		/* take the bits away from the exact exception */
		if (e != NULL) {
			e->access &= ~r->access;
			if (e->access == 0) {
				*e = s->ex[s->n - 1];
				s->n--;
			}
		}
		return;
	}
	if (e != NULL) {
		e->access |= r->access;
		return;
	}
	s->ex = xrealloc (s->ex, (s->n + 1) * sizeof (*s->ex));
	s->ex[s->n] = *r;
	s->n++;
}

static int
to_rule (const struct ct_rt_device_cgroup *d, size_t i, struct rule *r, ct_error_t *err)
{
	memset (r, 0, sizeof (*r));
	r->allow = d->allow;
	if (d->type == NULL || strcmp (d->type, "a") == 0)
		r->type = 'a';
	else if (strcmp (d->type, "b") == 0 || strcmp (d->type, "c") == 0)
		r->type = d->type[0];
	else
		return ct_make_error (err, EINVAL,
		                      "config.json: `linux.resources.devices[%zu].type`: `%s` is not a device type "
		                      "(a, b or c)",
		                      i, d->type);

	r->major = WILDCARD;
	r->minor = WILDCARD;
	if (d->major_present) {
		if (d->major < 0 || d->major > UINT32_MAX)
			return ct_make_error (
			        err, ERANGE,
			        "config.json: `linux.resources.devices[%zu].major`: `%lld` is out of range", i,
			        (long long) d->major);
		r->major = d->major;
	}
	if (d->minor_present) {
		if (d->minor < 0 || d->minor > UINT32_MAX)
			return ct_make_error (
			        err, ERANGE,
			        "config.json: `linux.resources.devices[%zu].minor`: `%lld` is out of range", i,
			        (long long) d->minor);
		r->minor = d->minor;
	}

	/* No access (runc 1.1 refuses it; the spec makes it optional): all. */
	if (d->access == NULL || d->access[0] == '\0') {
		r->access = ACC_ALL;
		return 0;
	}
	for (const char *p = d->access; *p != '\0'; p++) {
		switch (*p) {
		case 'r':
			r->access |= ACC_READ;
			break;
		case 'w':
			r->access |= ACC_WRITE;
			break;
		case 'm':
			r->access |= ACC_MKNOD;
			break;
		default:
			return ct_make_error (err, EINVAL,
			                      "config.json: `linux.resources.devices[%zu].access`: `%s` is not a "
			                      "combination of r, w and m",
			                      i, d->access);
		}
	}
	return 0;
}

int
rt_cg_devices_check (const struct ct_rt_device_cgroup *rules, size_t n, ct_error_t *err)
{
	struct rule r;

	for (size_t i = 0; i < n; i++)
		if (to_rule (&rules[i], i, &r, err) < 0)
			return -1;
	return 0;
}

/* The whole list: the config's rules, then the defaults. */
static int
build_rules (const struct ct_rt_device_cgroup *rules, size_t n, struct rule **out, size_t *n_out, ct_error_t *err)
{
	cleanup_free struct rule *all = xcalloc (n + CT_ARRAY_SIZE (default_rules), sizeof (*all));

	for (size_t i = 0; i < n; i++)
		if (to_rule (&rules[i], i, &all[i], err) < 0)
			return -1;
	memcpy (all + n, default_rules, sizeof (default_rules));
	*n_out = n + CT_ARRAY_SIZE (default_rules);
	*out = steal_pointer (&all);
	return 0;
}

static void
format_num (char *buf, size_t size, long long v)
{
	if (v == WILDCARD)
		snprintf (buf, size, "*");
	else
		snprintf (buf, size, "%lld", v);
}

/* "c 1:3 rwm", or "a" (the kernel ignores whatever follows an "a"). */
static void
format_rule (char *buf, size_t size, char type, long long major, long long minor, unsigned access)
{
	char maj[24], min[24], acc[4];
	size_t k = 0;

	if (type == 'a') {
		snprintf (buf, size, "a");
		return;
	}
	if (access & ACC_READ)
		acc[k++] = 'r';
	if (access & ACC_WRITE)
		acc[k++] = 'w';
	if (access & ACC_MKNOD)
		acc[k++] = 'm';
	acc[k] = '\0';
	format_num (maj, sizeof (maj), major);
	format_num (min, sizeof (min), minor);
	snprintf (buf, size, "%c %s:%s %s", type, maj, min, acc);
}

static int
write_rule (int dirfd, bool allow, char type, long long major, long long minor, unsigned access, ct_error_t *err)
{
	const char *file = allow ? "devices.allow" : "devices.deny";
	cleanup_close int fd = -1;
	char buf[80];
	size_t len;

	format_rule (buf, sizeof (buf), type, major, minor, access);
	len = strlen (buf);
	fd = openat (dirfd, file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return ct_make_error (err, errno, "open `%s`", file);
	if (write (fd, buf, len) != (ssize_t) len)
		return ct_make_error (err, errno ? errno : EIO, "write `%s`: `%s`", file, buf);
	return 0;
}

static int
parse_num (const char *s, long long *out)
{
	char *end;
	unsigned long long v;

	if (strcmp (s, "*") == 0) {
		*out = WILDCARD;
		return 0;
	}
	errno = 0;
	v = strtoull (s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v > UINT32_MAX)
		return -1;
	*out = (long long) v;
	return 0;
}

/* devices.list: "a *:* rwm" alone = allow-all (its deny exceptions are not
   shown); otherwise deny-all with the listed exceptions. */
static int
read_v1_state (int dirfd, struct devstate *s, ct_error_t *err)
{
	cleanup_close int fd = -1;
	cleanup_file FILE *f = NULL;
	cleanup_free char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	fd = openat (dirfd, "devices.list", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ct_make_error (err, errno, "open `devices.list`");
	f = fdopen (fd, "r");
	if (f == NULL)
		return ct_make_error (err, errno, "open `devices.list`");
	steal_fd (&fd);

	devstate_release (s);
	s->default_allow = false;
	while ((len = getline (&line, &cap, f)) > 0) {
		char type, majs[16], mins[16], acc[8];
		struct rule r = { 0 };

		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (sscanf (line, "%c %15[^:]:%15s %7s", &type, majs, mins, acc) != 4 ||
		    parse_num (majs, &r.major) < 0 || parse_num (mins, &r.minor) < 0)
			return ct_make_error (err, EINVAL, "parse `devices.list`: `%s`", line);
		if (type == 'a') {
			devstate_release (s);
			s->default_allow = true;
			return 0;
		}
		r.type = type;
		r.allow = true;
		for (const char *p = acc; *p != '\0'; p++)
			r.access |= *p == 'r' ? ACC_READ : *p == 'w' ? ACC_WRITE : *p == 'm' ? ACC_MKNOD : 0;
		devstate_apply (s, &r);
	}
	return 0;
}

static int
apply_v1 (int dirfd, const struct rule *all, size_t n, ct_error_t *err)
{
	struct devstate cur = { 0 }, target = { 0 };
	int ret = -1;

	if (read_v1_state (dirfd, &cur, err) < 0)
		goto out;
	target.default_allow = cur.default_allow;
	if (cur.n > 0) {
		target.ex = xcalloc (cur.n, sizeof (*cur.ex));
		memcpy (target.ex, cur.ex, cur.n * sizeof (*cur.ex));
		target.n = cur.n;
	}
	for (size_t i = 0; i < n; i++)
		devstate_apply (&target, &all[i]);

	if (cur.default_allow || target.default_allow) {
		/* An allow-all cgroup hides its deny exceptions: no diff possible.
		   Plain order, as on a fresh cgroup. */
		for (size_t i = 0; i < n; i++)
			if (write_rule (dirfd, all[i].allow, all[i].type, all[i].major, all[i].minor, all[i].access,
			                err) < 0)
				goto out;
	} else {
		/* Deny-all before and after: grant first, then take away what
		   is no longer granted, so nothing kept is ever lost. */
		for (size_t i = 0; i < target.n; i++) {
			const struct rule *t = &target.ex[i];
			const struct rule *c = devstate_find (&cur, t);
			if (c == NULL || (t->access & ~c->access) != 0)
				if (write_rule (dirfd, true, t->type, t->major, t->minor, t->access, err) < 0)
					goto out;
		}
		for (size_t i = 0; i < cur.n; i++) {
			const struct rule *c = &cur.ex[i];
			const struct rule *t = devstate_find (&target, c);
			unsigned extra = c->access & ~(t ? t->access : 0);
			if (extra != 0 && write_rule (dirfd, false, c->type, c->major, c->minor, extra, err) < 0)
				goto out;
		}
	}
	ret = 0;
out:
	devstate_release (&cur);
	devstate_release (&target);
	return ret;
}

/* ---- v2: the rules as a BPF_PROG_TYPE_CGROUP_DEVICE program ---- */

#define INSN(c, d, s, o, i)  ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define LDX_W(dst, src, off) INSN (BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0)
#define MOV_R(dst, src)      INSN (BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV_K(dst, imm)      INSN (BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define AND_K(dst, imm)      INSN (BPF_ALU64 | BPF_AND | BPF_K, dst, 0, 0, imm)
#define RSH_K(dst, imm)      INSN (BPF_ALU64 | BPF_RSH | BPF_K, dst, 0, 0, imm)
#define JNE32_K(dst, imm, o) INSN (BPF_JMP32 | BPF_JNE | BPF_K, dst, 0, o, imm)
#define JNE_K(dst, imm, o)   INSN (BPF_JMP | BPF_JNE | BPF_K, dst, 0, o, imm)
#define JEQ_K(dst, imm, o)   INSN (BPF_JMP | BPF_JEQ | BPF_K, dst, 0, o, imm)
#define EXIT_INSN()          INSN (BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* Registers: r2 device type, r3 access, r4 major, r5 minor, r0 scratch. */
static struct bpf_insn *
compile (const struct devstate *s, size_t *n_insns)
{
	size_t cap = 8 + s->n * 8, k = 0;
	struct bpf_insn *p = xcalloc (cap, sizeof (*p));

	p[k++] = LDX_W (BPF_REG_2, BPF_REG_1, offsetof (struct bpf_cgroup_dev_ctx, access_type));
	p[k++] = MOV_R (BPF_REG_3, BPF_REG_2);
	p[k++] = RSH_K (BPF_REG_3, 16);
	p[k++] = AND_K (BPF_REG_2, 0xffff);
	p[k++] = LDX_W (BPF_REG_4, BPF_REG_1, offsetof (struct bpf_cgroup_dev_ctx, major));
	p[k++] = LDX_W (BPF_REG_5, BPF_REG_1, offsetof (struct bpf_cgroup_dev_ctx, minor));

	/* The exceptions do not overlap in what they decide (they all carry
	   the opposite of the default), so the first match may return. */
	for (size_t i = 0; i < s->n; i++) {
		const struct rule *e = &s->ex[i];
		size_t len = 1 + 3 + (e->major != WILDCARD) + (e->minor != WILDCARD) + 2;
		size_t end = k + len;
		int type = e->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR;

#define SKIP ((short) (end - (k + 1)))
		p[k] = JNE32_K (BPF_REG_2, type, SKIP);
		k++;
		p[k++] = MOV_R (BPF_REG_0, BPF_REG_3);
		if (!s->default_allow) {
			/* an allowance: every requested bit must be in it */
			p[k++] = AND_K (BPF_REG_0, (int) (~e->access & ACC_ALL));
			p[k] = JNE_K (BPF_REG_0, 0, SKIP);
		} else {
			/* a denial: any requested bit in it denies */
			p[k++] = AND_K (BPF_REG_0, (int) e->access);
			p[k] = JEQ_K (BPF_REG_0, 0, SKIP);
		}
		k++;
		if (e->major != WILDCARD) {
			p[k] = JNE32_K (BPF_REG_4, (int) (uint32_t) e->major, SKIP);
			k++;
		}
		if (e->minor != WILDCARD) {
			p[k] = JNE32_K (BPF_REG_5, (int) (uint32_t) e->minor, SKIP);
			k++;
		}
#undef SKIP
		p[k++] = MOV_K (BPF_REG_0, s->default_allow ? 0 : 1);
		p[k++] = EXIT_INSN ();
	}
	p[k++] = MOV_K (BPF_REG_0, s->default_allow ? 1 : 0);
	p[k++] = EXIT_INSN ();
	*n_insns = k;
	return p;
}

static int
sys_bpf (int cmd, union bpf_attr *attr)
{
	return (int) syscall (SYS_bpf, cmd, attr, sizeof (*attr));
}

static int
load_program (const struct bpf_insn *insns, size_t n, ct_error_t *err)
{
	union bpf_attr attr;
	int fd, saved;

	memset (&attr, 0, sizeof (attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (uintptr_t) insns;
	attr.insn_cnt = (uint32_t) n;
	/* No GPL-only helper is called: any license loads (runc says Apache). */
	attr.license = (uintptr_t) "Apache";
	fd = sys_bpf (BPF_PROG_LOAD, &attr);
	if (fd >= 0)
		return fd;
	saved = errno;
	if (ct_log_enabled (CT_LOG_DEBUG)) {
		cleanup_free char *log = xzalloc (65536);
		attr.log_buf = (uintptr_t) log;
		attr.log_size = 65536;
		attr.log_level = 1;
		fd = sys_bpf (BPF_PROG_LOAD, &attr);
		if (fd >= 0)
			close (fd);
		ct_log (CT_LOG_DEBUG, "device program verifier log: %s", log);
	}
	return ct_make_error (err, saved, "load the device program");
}

/* Ids of the device programs attached to the cgroup itself. */
static int
query_programs (int cgfd, uint32_t **ids, uint32_t *n, ct_error_t *err)
{
	uint32_t cap = 64;

	for (;;) {
		cleanup_free uint32_t *buf = xcalloc (cap, sizeof (*buf));
		union bpf_attr attr;

		memset (&attr, 0, sizeof (attr));
		attr.query.target_fd = (uint32_t) cgfd;
		attr.query.attach_type = BPF_CGROUP_DEVICE;
		attr.query.prog_ids = (uintptr_t) buf;
		attr.query.prog_cnt = cap;
		if (sys_bpf (BPF_PROG_QUERY, &attr) == 0) {
			*n = attr.query.prog_cnt;
			*ids = steal_pointer (&buf);
			return 0;
		}
		if (errno != ENOSPC || cap >= 65536)
			return ct_make_error (err, errno, "query the device programs of the cgroup");
		cap *= 4;
	}
}

static int
detach_program (int cgfd, uint32_t id, ct_error_t *err)
{
	cleanup_close int fd = -1;
	union bpf_attr attr;

	memset (&attr, 0, sizeof (attr));
	attr.prog_id = id;
	fd = sys_bpf (BPF_PROG_GET_FD_BY_ID, &attr);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0; /* gone meanwhile */
		return ct_make_error (err, errno, "open the device program %u", id);
	}
	memset (&attr, 0, sizeof (attr));
	attr.target_fd = (uint32_t) cgfd;
	attr.attach_bpf_fd = (uint32_t) fd;
	attr.attach_type = BPF_CGROUP_DEVICE;
	if (sys_bpf (BPF_PROG_DETACH, &attr) < 0 && errno != ENOENT)
		return ct_make_error (err, errno, "detach the device program %u", id);
	return 0;
}

static int
apply_v2 (int dirfd, const struct rule *all, size_t n, ct_error_t *err)
{
	/* A new cgroup has no program: everything is allowed. */
	struct devstate s = { .default_allow = true };
	cleanup_free struct bpf_insn *insns = NULL;
	cleanup_free uint32_t *old = NULL;
	cleanup_close int cgfd = -1;
	cleanup_close int prog = -1;
	union bpf_attr attr;
	uint32_t n_old = 0;
	size_t n_insns;

	for (size_t i = 0; i < n; i++)
		devstate_apply (&s, &all[i]);
	insns = compile (&s, &n_insns);
	ct_log (CT_LOG_DEBUG, "device program: default %s, %zu exceptions, %zu instructions",
	        s.default_allow ? "allow" : "deny", s.n, n_insns);
	devstate_release (&s);

	/* BPF wants a real fd of the directory (an O_PATH one is refused). */
	cgfd = openat (dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgfd < 0)
		return ct_make_error (err, errno, "open the cgroup directory");
	prog = load_program (insns, n_insns, err);
	if (prog < 0)
		return -1;
	if (query_programs (cgfd, &old, &n_old, err) < 0)
		return -1;

	memset (&attr, 0, sizeof (attr));
	attr.target_fd = (uint32_t) cgfd;
	attr.attach_bpf_fd = (uint32_t) prog;
	attr.attach_type = BPF_CGROUP_DEVICE;
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	if (sys_bpf (BPF_PROG_ATTACH, &attr) < 0)
		return ct_make_error (err, errno, "attach the device program");

	/* Only now that the new rules are in force do the old ones go. */
	for (uint32_t i = 0; i < n_old; i++)
		if (detach_program (cgfd, old[i], err) < 0)
			return -1;
	return 0;
}

int
rt_cg_devices_apply_fd (int dirfd, bool v2, const struct ct_rt_device_cgroup *rules, size_t n, ct_error_t *err)
{
	cleanup_free struct rule *all = NULL;
	size_t n_all;

	if (build_rules (rules, n, &all, &n_all, err) < 0)
		return -1;
	if ((v2 ? apply_v2 (dirfd, all, n_all, err) : apply_v1 (dirfd, all, n_all, err)) < 0)
		return ct_error_wrap (err, "set the device rules");
	return 0;
}

int
rt_cg_devices_apply (const struct rt_cgroup *cg, const struct ct_rt_device_cgroup *rules, size_t n,
                     const struct ct_rt_device *devs, size_t n_devs, ct_error_t *err)
{
	bool v2 = false;
	int dirfd;

	(void) devs; /* no rule of their own: see cgroup-devices.h */
	(void) n_devs;

	dirfd = rt_cg_dirfd (cg, "devices", &v2);
	if (dirfd < 0 && cg->mode == RT_CG_UNIFIED) {
		/* v2 has no "devices" in cgroup.controllers: it is built in */
		dirfd = rt_cg_unified_dirfd (cg);
		v2 = true;
	}
	if (dirfd < 0) {
		ct_log (CT_LOG_DEBUG, "no devices cgroup: device rules not applied");
		return rt_cg_devices_check (rules, n, err);
	}
	/* a hybrid host's unified hierarchy is not where its devices rules live */
	if (v2 && cg->mode != RT_CG_UNIFIED) {
		ct_log (CT_LOG_DEBUG, "devices are not controlled on the unified hierarchy of a hybrid host");
		return rt_cg_devices_check (rules, n, err);
	}
	return rt_cg_devices_apply_fd (dirfd, v2, rules, n, err);
}
