/* linux.seccomp -> BPF (libseccomp, parent), the cache, the raw load
   (child), the listener hand-over (parent) and the features object.  See
   seccomp.h for the contracts; runc 1.1.5's libcontainer/seccomp is the
   behaviour we match. */
#include "common.h"

#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/utsname.h>

#include "fdpass.h"
#include "fs.h"
#include "log.h"
#include "seccomp-filter.h"
#include "sha256.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

#define CFG "config.json: `linux.seccomp"

static const struct {
	const char *name;
	uint32_t arch;
} archs[] = {
	{ "SCMP_ARCH_X86", SCMP_ARCH_X86 },
	{ "SCMP_ARCH_X86_64", SCMP_ARCH_X86_64 },
	{ "SCMP_ARCH_X32", SCMP_ARCH_X32 },
	{ "SCMP_ARCH_ARM", SCMP_ARCH_ARM },
	{ "SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64 },
	{ "SCMP_ARCH_MIPS", SCMP_ARCH_MIPS },
	{ "SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64 },
	{ "SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32 },
	{ "SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL },
	{ "SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64 },
	{ "SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32 },
	{ "SCMP_ARCH_PPC", SCMP_ARCH_PPC },
	{ "SCMP_ARCH_PPC64", SCMP_ARCH_PPC64 },
	{ "SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE },
	{ "SCMP_ARCH_S390", SCMP_ARCH_S390 },
	{ "SCMP_ARCH_S390X", SCMP_ARCH_S390X },
	{ "SCMP_ARCH_PARISC", SCMP_ARCH_PARISC },
	{ "SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64 },
	{ "SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64 },
};

/* the decoder (shared/ocispec/runtime.c) accepts exactly these names */
static const char *const action_names[] = {
	"SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",   "SCMP_ACT_ERRNO",
	"SCMP_ACT_TRACE", "SCMP_ACT_ALLOW",        "SCMP_ACT_LOG",         "SCMP_ACT_NOTIFY",
};

static const struct {
	const char *name;
	enum scmp_compare op;
} ops[] = {
	{ "SCMP_CMP_NE", SCMP_CMP_NE },
	{ "SCMP_CMP_LT", SCMP_CMP_LT },
	{ "SCMP_CMP_LE", SCMP_CMP_LE },
	{ "SCMP_CMP_EQ", SCMP_CMP_EQ },
	{ "SCMP_CMP_GE", SCMP_CMP_GE },
	{ "SCMP_CMP_GT", SCMP_CMP_GT },
	{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

static const struct {
	const char *name;
	unsigned int flag;
} flag_names[] = {
	{ "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
	{ "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
	{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
	{ "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
};

static void
cleanup_seccomp_ctx (scmp_filter_ctx *ctx)
{
	if (*ctx != NULL)
		seccomp_release (*ctx);
}
#define cleanup_seccomp __attribute__ ((cleanup (cleanup_seccomp_ctx)))

/* The libseccomp action of name with errnoRet: runc's getAction (EPERM
   when ERRNO or TRACE have no errnoRet; KILL is KILL_THREAD). */
static int
action_value (const char *name, bool ret_present, uint32_t ret, const char *path, uint32_t *out, ct_error_t *err)
{
	if (ret_present && ret > 0xffff)
		return ct_make_error (err, 0, "%s: errno `%u` out of range", path, ret);
	if (!ret_present)
		ret = EPERM;
	if (strcmp (name, "SCMP_ACT_KILL") == 0 || strcmp (name, "SCMP_ACT_KILL_THREAD") == 0)
		*out = SCMP_ACT_KILL_THREAD;
	else if (strcmp (name, "SCMP_ACT_KILL_PROCESS") == 0)
		*out = SCMP_ACT_KILL_PROCESS;
	else if (strcmp (name, "SCMP_ACT_TRAP") == 0)
		*out = SCMP_ACT_TRAP;
	else if (strcmp (name, "SCMP_ACT_ERRNO") == 0)
		*out = SCMP_ACT_ERRNO (ret);
	else if (strcmp (name, "SCMP_ACT_TRACE") == 0)
		*out = SCMP_ACT_TRACE (ret);
	else if (strcmp (name, "SCMP_ACT_ALLOW") == 0)
		*out = SCMP_ACT_ALLOW;
	else if (strcmp (name, "SCMP_ACT_LOG") == 0)
		*out = SCMP_ACT_LOG;
	else if (strcmp (name, "SCMP_ACT_NOTIFY") == 0)
		*out = SCMP_ACT_NOTIFY;
	else
		return ct_make_error (err, 0, "%s: unknown seccomp action `%s`", path, name);
	return 0;
}

static int
op_value (const char *name, const char *path, enum scmp_compare *out, ct_error_t *err)
{
	for (size_t i = 0; i < CT_ARRAY_SIZE (ops); i++)
		if (strcmp (ops[i].name, name) == 0) {
			*out = ops[i].op;
			return 0;
		}
	return ct_make_error (err, 0, "%s: unknown seccomp operator `%s`", path, name);
}

/* Everything but libseccomp's compile: checks, warnings, the kernel flags.
   archs_out gets the architectures to add (n_archs_out of them). */
static int
translate_meta (const struct ct_rt_seccomp *s, bool warn, struct rt_seccomp_prog *out, uint32_t *arch_out,
                size_t *n_arch_out, ct_error_t *err)
{
	uint32_t def;
	size_t i, j, k;

	out->flags = 0;
	out->listener = false;
	*n_arch_out = 0;
	if (action_value (s->default_action, s->default_errno_ret_present, s->default_errno_ret, CFG ".defaultAction`",
	                  &def, err) < 0)
		return -1;
	/* the listener would be the init's only, before it could hand it over */
	if (def == SCMP_ACT_NOTIFY)
		return ct_make_error (err, 0, CFG ".defaultAction`: SCMP_ACT_NOTIFY cannot be the default action");
	for (i = 0; s->architectures && s->architectures[i]; i++) {
		for (j = 0; j < CT_ARRAY_SIZE (archs); j++)
			if (strcmp (archs[j].name, s->architectures[i]) == 0)
				break;
		if (j == CT_ARRAY_SIZE (archs))
			return ct_make_error (err, 0, CFG ".architectures[%zu]`: unknown seccomp architecture `%s`", i,
			                      s->architectures[i]);
		if (*n_arch_out < CT_ARRAY_SIZE (archs))
			arch_out[(*n_arch_out)++] = archs[j].arch;
	}
	for (i = 0; s->flags && s->flags[i]; i++) {
		for (j = 0; j < CT_ARRAY_SIZE (flag_names); j++)
			if (strcmp (flag_names[j].name, s->flags[i]) == 0)
				break;
		if (j == CT_ARRAY_SIZE (flag_names))
			return ct_make_error (err, 0, CFG ".flags[%zu]`: unknown seccomp flag `%s`", i, s->flags[i]);
		out->flags |= flag_names[j].flag;
	}
	for (i = 0; i < s->n_syscalls; i++) {
		const struct ct_rt_seccomp_syscall *sc = &s->syscalls[i];
		char path[96];
		uint32_t act;

		snprintf (path, sizeof (path), CFG ".syscalls[%zu].action`", i);
		if (action_value (sc->action, sc->errno_ret_present, sc->errno_ret, path, &act, err) < 0)
			return -1;
		for (k = 0; k < sc->n_args; k++) {
			enum scmp_compare op;

			snprintf (path, sizeof (path), CFG ".syscalls[%zu].args[%zu].op`", i, k);
			if (op_value (sc->args[k].op, path, &op, err) < 0)
				return -1;
			if (sc->args[k].index >= 6)
				return ct_make_error (err, 0,
				                      CFG ".syscalls[%zu].args[%zu].index`: `%u` is not below 6", i, k,
				                      sc->args[k].index);
		}
		for (j = 0; sc->names && sc->names[j]; j++) {
			if (seccomp_syscall_resolve_name (sc->names[j]) == __NR_SCMP_ERROR) {
				/* runc: "unknown seccomp syscall %q ignored" (a newer
				   kernel's syscall, say) */
				if (warn)
					ct_log_warning (CFG
					                ".syscalls[%zu].names[%zu]`: unknown seccomp syscall \"%s\" "
					                "ignored",
					                i, j, sc->names[j]);
				continue;
			}
			if (act != SCMP_ACT_NOTIFY || act == def)
				continue;
			/* the init hands the listener over with sendmsg: notified,
			   it would wait for itself */
			if (strcmp (sc->names[j], "sendmsg") == 0)
				return ct_make_error (err, 0,
				                      CFG ".syscalls[%zu].names[%zu]`: SCMP_ACT_NOTIFY cannot be used "
				                          "for `sendmsg`",
				                      i, j);
			out->listener = true;
		}
	}
	if (out->listener) {
		out->flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
		/* the kernel refuses TSYNC with a listener unless told to */
		if (out->flags & SECCOMP_FILTER_FLAG_TSYNC)
			out->flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
	} else if (out->flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) {
		/* meaningless without a listener, and refused by the kernel */
		ct_log_debug ("seccomp: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV without SCMP_ACT_NOTIFY: dropped");
		out->flags &= ~(unsigned int) SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	}
	return 0;
}

static int
add_rules (scmp_filter_ctx ctx, const struct ct_rt_seccomp_syscall *sc, size_t i, uint32_t act, ct_error_t *err)
{
	struct scmp_arg_cmp conds[64];
	unsigned int count[6] = { 0 };
	bool repeated = false;
	size_t j, k, n = sc->n_args < CT_ARRAY_SIZE (conds) ? sc->n_args : CT_ARRAY_SIZE (conds);

	for (k = 0; k < n; k++) {
		const struct ct_rt_seccomp_arg *a = &sc->args[k];
		enum scmp_compare op = SCMP_CMP_EQ;

		op_value (a->op, "", &op, NULL); /* checked by translate_meta */
		conds[k].arg = a->index;
		conds[k].op = op;
		conds[k].datum_a = a->value;
		/* MASKED_EQ: value is the mask, valueTwo the datum (runc) */
		conds[k].datum_b = op == SCMP_CMP_MASKED_EQ ? a->value_two : 0;
		if (++count[a->index] > 1)
			repeated = true;
	}
	if (sc->n_args > n)
		return ct_make_error (err, 0, CFG ".syscalls[%zu].args`: more than %zu conditions", i, n);
	for (j = 0; sc->names[j]; j++) {
		int nr = seccomp_syscall_resolve_name (sc->names[j]);
		int r = 0;

		if (nr == __NR_SCMP_ERROR)
			continue; /* warned by translate_meta */
		/* runc's rule: the same argument twice = one rule per condition
		   (OR); distinct arguments = one rule with all of them (AND) */
		if (n == 0 || !repeated)
			r = seccomp_rule_add_array (ctx, act, nr, (unsigned int) n, n ? conds : NULL);
		else
			for (k = 0; r == 0 && k < n; k++)
				r = seccomp_rule_add_array (ctx, act, nr, 1, &conds[k]);
		if (r < 0)
			return ct_make_error (err, -r, CFG ".syscalls[%zu]`: add the rule for `%s`", i, sc->names[j]);
	}
	return 0;
}

/* The BPF as libseccomp exports it, through a memfd. */
static int
export_bpf (scmp_filter_ctx ctx, struct rt_seccomp_prog *out, ct_error_t *err)
{
	cleanup_close int fd = memfd_create ("cruntime-seccomp", MFD_CLOEXEC);
	cleanup_free char *buf = NULL;
	size_t len;
	int r;

	if (fd < 0)
		return ct_make_error (err, errno, "create the seccomp program memfd");
	r = seccomp_export_bpf (ctx, fd);
	if (r < 0)
		return ct_make_error (err, -r, "export the seccomp program");
	if (lseek (fd, 0, SEEK_SET) < 0)
		return ct_make_error (err, errno, "rewind the seccomp program memfd");
	if (ct_fs_read_all_fd (fd, BPF_MAXINSNS * sizeof (struct sock_filter), &buf, &len, err) < 0)
		return ct_error_wrap (err, "read the seccomp program");
	if (len == 0 || len % sizeof (struct sock_filter) != 0)
		return ct_make_error (err, EINVAL, "export the seccomp program: %zu bytes", len);
	out->len = len / sizeof (struct sock_filter);
	out->insns = xmalloc (len);
	memcpy (out->insns, buf, len);
	return 0;
}

static int
compile (const struct ct_rt_seccomp *s, bool warn, struct rt_seccomp_prog *out, ct_error_t *err)
{
	cleanup_seccomp scmp_filter_ctx ctx = NULL;
	uint32_t arch[CT_ARRAY_SIZE (archs)];
	size_t n_arch, i;
	uint32_t def;
	int r;

	rt_seccomp_prog_release (out);
	if (translate_meta (s, warn, out, arch, &n_arch, err) < 0)
		return -1;
	action_value (s->default_action, s->default_errno_ret_present, s->default_errno_ret, "", &def, NULL);
	ctx = seccomp_init (def);
	if (ctx == NULL)
		return ct_make_error (err, EINVAL, CFG ".defaultAction`: create the filter with `%s`",
		                      s->default_action);
	/* we load it ourselves: libseccomp's own no_new_privs must not matter */
	seccomp_attr_set (ctx, SCMP_FLTATR_CTL_NNP, 0);
	/* a binary tree of syscall numbers instead of libseccomp's linear
	   chain: every syscall of the container runs through the filter, and a
	   docker-sized allow list (~360 names, 3 architectures) is ~1100
	   instructions long; a failure only keeps the linear chain */
	seccomp_attr_set (ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	for (i = 0; i < n_arch; i++) {
		r = seccomp_arch_add (ctx, arch[i]);
		if (r < 0 && r != -EEXIST) /* the native one is always there */
			return ct_make_error (err, -r, CFG ".architectures`: add `%s`", s->architectures[i]);
	}
	for (i = 0; i < s->n_syscalls; i++) {
		const struct ct_rt_seccomp_syscall *sc = &s->syscalls[i];
		uint32_t act;

		action_value (sc->action, sc->errno_ret_present, sc->errno_ret, "", &act, NULL);
		/* libseccomp refuses a rule that repeats the default; runc skips it */
		if (act == def)
			continue;
		if (add_rules (ctx, sc, i, act, err) < 0)
			return -1;
	}
	if (export_bpf (ctx, out, err) < 0) {
		rt_seccomp_prog_release (out);
		return -1;
	}
	return 0;
}

int
rt_seccomp_compile (const struct ct_rt_seccomp *s, struct rt_seccomp_prog *out, ct_error_t *err)
{
	return compile (s, true, out, err);
}

void
rt_seccomp_prog_release (struct rt_seccomp_prog *p)
{
	free (p->insns);
	memset (p, 0, sizeof (*p));
}

/* ---- the cache ---- */

struct keybuf {
	char *data;
	size_t len, cap;
};

/* tag, length, bytes: no two profiles serialise alike */
static void
key_add (struct keybuf *b, const char *tag, const void *p, size_t n)
{
	size_t tl = strlen (tag) + 1;
	uint64_t n64 = n;
	size_t need = b->len + tl + sizeof (n64) + n;

	if (need > b->cap) {
		b->cap = need * 2;
		b->data = xrealloc (b->data, b->cap);
	}
	memcpy (b->data + b->len, tag, tl);
	memcpy (b->data + b->len + tl, &n64, sizeof (n64));
	if (n)
		memcpy (b->data + b->len + tl + sizeof (n64), p, n);
	b->len = need;
}

static void
key_str (struct keybuf *b, const char *tag, const char *s)
{
	if (s == NULL)
		key_add (b, tag, NULL, 0);
	else
		key_add (b, tag, s, strlen (s) + 1); /* +1: NULL and "" differ */
}

static void
key_u64 (struct keybuf *b, const char *tag, uint64_t v, bool present)
{
	uint64_t x[2] = { v, present };
	key_add (b, tag, x, sizeof (x));
}

static void
key_strv (struct keybuf *b, const char *tag, char **v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	key_u64 (b, tag, n, v != NULL);
	for (size_t i = 0; i < n; i++)
		key_str (b, tag, v[i]);
}

/* sha256 hex of the canonical profile + libseccomp + kernel */
static char *
cache_key (const struct ct_rt_seccomp *s)
{
	const struct scmp_version *v = seccomp_version ();
	struct keybuf b = { 0 };
	char hex[2 * CT_SHA256_LEN + 1];
	struct utsname u;
	size_t i, k;

	key_str (&b, "format", "cruntime-seccomp-2"); /* 2: binary tree */
	key_u64 (&b, "libseccomp", v ? (uint64_t) v->major << 32 | v->minor << 16 | v->micro : 0, v != NULL);
	key_u64 (&b, "api", seccomp_api_get (), true);
	if (uname (&u) == 0) {
		key_str (&b, "machine", u.machine);
		key_str (&b, "release", u.release);
	}
	key_str (&b, "defaultAction", s->default_action);
	key_u64 (&b, "defaultErrnoRet", s->default_errno_ret, s->default_errno_ret_present);
	key_strv (&b, "architectures", s->architectures);
	key_strv (&b, "flags", s->flags);
	key_u64 (&b, "syscalls", s->n_syscalls, true);
	for (i = 0; i < s->n_syscalls; i++) {
		const struct ct_rt_seccomp_syscall *sc = &s->syscalls[i];

		key_strv (&b, "names", sc->names);
		key_str (&b, "action", sc->action);
		key_u64 (&b, "errnoRet", sc->errno_ret, sc->errno_ret_present);
		key_u64 (&b, "args", sc->n_args, true);
		for (k = 0; k < sc->n_args; k++) {
			key_u64 (&b, "index", sc->args[k].index, true);
			key_u64 (&b, "value", sc->args[k].value, true);
			key_u64 (&b, "valueTwo", sc->args[k].value_two, sc->args[k].value_two_present);
			key_str (&b, "op", sc->args[k].op);
		}
	}
	ct_sha256_hex (b.data, b.len, hex);
	free (b.data);
	return xstrdup (hex);
}

/* "sha256:<hex>" of the program, the entry's first line */
static char *
body_digest (const void *body, size_t len)
{
	char hex[2 * CT_SHA256_LEN + 1];
	char *digest = NULL;

	ct_sha256_hex (body, len, hex);
	xasprintf (&digest, "sha256:%s", hex);
	return digest;
}

/* A cached entry, checked: the digest line, then a whole number of
   instructions, at most BPF_MAXINSNS.  Anything else is "corrupt". */
static int
cache_read (int dirfd, const char *name, struct rt_seccomp_prog *out, ct_error_t *err)
{
	cleanup_free char *buf = NULL;
	cleanup_free char *digest = NULL;
	size_t len, body_len;
	char *nl;

	if (ct_fs_read_all_at (dirfd, name, 128 + BPF_MAXINSNS * sizeof (struct sock_filter), &buf, &len, err) < 0)
		return -1;
	nl = memchr (buf, '\n', len < 128 ? len : 128);
	if (nl == NULL)
		return ct_make_error (err, EINVAL, "`%s`: no digest line", name);
	*nl = '\0';
	body_len = len - (size_t) (nl + 1 - buf);
	if (body_len == 0 || body_len % sizeof (struct sock_filter) != 0 ||
	    body_len / sizeof (struct sock_filter) > BPF_MAXINSNS)
		return ct_make_error (err, EINVAL, "`%s`: %zu bytes is not a program", name, body_len);
	digest = body_digest (nl + 1, body_len);
	if (strcmp (digest, buf) != 0)
		return ct_make_error (err, EINVAL, "`%s`: digest mismatch", name);
	out->insns = xmalloc (body_len);
	memcpy (out->insns, nl + 1, body_len);
	out->len = body_len / sizeof (struct sock_filter);
	return 0;
}

static int
cache_write (int dirfd, const char *name, const struct rt_seccomp_prog *p, ct_error_t *err)
{
	size_t body_len = p->len * sizeof (struct sock_filter);
	cleanup_free char *digest = body_digest (p->insns, body_len);
	cleanup_free char *buf = NULL;
	size_t hl;

	hl = strlen (digest) + 1;
	buf = xmalloc (hl + body_len);
	memcpy (buf, digest, hl - 1);
	buf[hl - 1] = '\n';
	memcpy (buf + hl, p->insns, body_len);
	return ct_fs_write_atomic_at (dirfd, name, buf, hl + body_len, 0600, err);
}

/* ROOT/seccomp:cache, made on first use; state_fd is ROOT/ID */
static int
cache_open (int state_fd, ct_error_t *err)
{
	cleanup_close int root = openat (state_fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int fd;

	if (root < 0)
		return ct_make_error (err, errno, "open the state root");
	if (mkdirat (root, RT_SECCOMP_CACHE_DIR, 0700) < 0 && errno != EEXIST)
		return ct_make_error (err, errno, "create `%s`", RT_SECCOMP_CACHE_DIR);
	fd = openat (root, RT_SECCOMP_CACHE_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ct_make_error (err, errno, "open `%s`", RT_SECCOMP_CACHE_DIR);
	return fd;
}

/* seccomp(SECCOMP_SET_MODE_FILTER, flags, NULL): EFAULT = the kernel knows
   the flags (it got as far as reading the program), EINVAL = it does not
   (libseccomp and runc probe so). */
static bool
kernel_has_flags (unsigned int flags)
{
	return syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, NULL) < 0 && errno == EFAULT;
}

static bool
flag_supported (unsigned int flag)
{
	/* the kernel takes WAIT_KILLABLE_RECV only with a listener */
	if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
		flag |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
	return kernel_has_flags (flag);
}

int
rt_seccomp_compile_cached (const struct ct_rt_seccomp *s, int state_fd, struct rt_seccomp_prog *out, ct_error_t *err)
{
	uint32_t arch[CT_ARRAY_SIZE (archs)];
	cleanup_free char *key = NULL;
	cleanup_free char *name = NULL;
	cleanup_close int dirfd = -1;
	struct rt_seccomp_prog meta = { 0 };
	ct_error_t e = NULL;
	size_t n_arch, i, j;

	rt_seccomp_prog_release (out);
	/* the checks and warnings of every run, hit or miss */
	if (translate_meta (s, true, &meta, arch, &n_arch, err) < 0)
		return -1;
	for (i = 0; s->flags && s->flags[i]; i++)
		for (j = 0; j < CT_ARRAY_SIZE (flag_names); j++)
			if (strcmp (flag_names[j].name, s->flags[i]) == 0 && !flag_supported (flag_names[j].flag))
				return ct_make_error (err, EINVAL,
				                      CFG ".flags[%zu]`: `%s` is not supported by this kernel", i,
				                      s->flags[i]);
	if (state_fd < 0)
		return compile (s, false, out, err);
	key = cache_key (s);
	xasprintf (&name, "%s.bpf", key);
	dirfd = cache_open (state_fd, &e);
	if (dirfd >= 0 && cache_read (dirfd, name, out, &e) == 0) {
		out->flags = meta.flags;
		out->listener = meta.listener;
		ct_log_debug ("seccomp: cache hit %s", key);
		return 0;
	}
	if (e != NULL) {
		cleanup_free char *msg = ct_error_string (e);
		if (e->status != ENOENT)
			ct_log_debug ("seccomp: cache not used: %s", msg);
		ct_error_release (&e);
	}
	if (compile (s, false, out, err) < 0)
		return -1;
	ct_log_debug ("seccomp: compiled %s", key);
	if (dirfd >= 0 && cache_write (dirfd, name, out, &e) < 0) {
		cleanup_free char *msg = ct_error_string (e);
		ct_log_debug ("seccomp: cache not written: %s", msg);
		ct_error_release (&e);
	}
	return 0;
}

/* ---- child ---- */

int
rt_seccomp_load (const struct rt_seccomp_prog *p)
{
	struct sock_fprog prog = {
		.len = (unsigned short) p->len,
		.filter = p->insns,
	};
	long r = syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->flags, &prog);

	if (r < 0)
		return -1;
	return p->listener ? (int) r : 0;
}

/* ---- parent: the listener ---- */

static void
state_json (struct ct_jsonw *w, const struct ct_rt_state *st)
{
	size_t i;

	ct_jsonw_map_open (w);
	ct_jsonw_kv_str (w, "ociVersion", st->oci_version ? st->oci_version : CT_OCI_RUNTIME_SPEC_VERSION);
	ct_jsonw_kv_str (w, "id", st->id ? st->id : "");
	ct_jsonw_kv_str (w, "status", st->status ? st->status : "creating");
	ct_jsonw_kv_int (w, "pid", st->pid);
	ct_jsonw_kv_str (w, "bundle", st->bundle ? st->bundle : "");
	if (st->annotations_present && st->annotations.n > 0) {
		ct_jsonw_key (w, "annotations");
		ct_jsonw_map_open (w);
		for (i = 0; i < st->annotations.n; i++)
			ct_jsonw_kv_str (w, st->annotations.keys[i], st->annotations.values[i]);
		ct_jsonw_map_close (w);
	}
	ct_jsonw_map_close (w);
}

int
rt_seccomp_send_listener (const char *path, const char *metadata, pid_t pid, const struct ct_rt_state *state, int fd,
                          ct_error_t *err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	cleanup_close int sock = -1;
	cleanup_free char *doc = NULL;
	struct ct_jsonw *w;
	size_t len;

	if (strlen (path) >= sizeof (addr.sun_path))
		return ct_make_error (err, ENAMETOOLONG, CFG ".listenerPath`: `%s` is too long", path);
	memcpy (addr.sun_path, path, strlen (path) + 1);
	w = ct_jsonw_new (false);
	ct_jsonw_map_open (w);
	ct_jsonw_kv_str (w, "ociVersion", CT_OCI_RUNTIME_SPEC_VERSION);
	ct_jsonw_key (w, "fds");
	ct_jsonw_array_open (w);
	ct_jsonw_str (w, "seccompFd");
	ct_jsonw_array_close (w);
	ct_jsonw_kv_int (w, "pid", pid);
	if (metadata != NULL)
		ct_jsonw_kv_str (w, "metadata", metadata);
	ct_jsonw_key (w, "state");
	state_json (w, state);
	ct_jsonw_map_close (w);
	if (ct_jsonw_finish (w, &doc, &len, err) < 0)
		return ct_error_wrap (err, "encode the container process state");

	sock = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return ct_make_error (err, errno, "create a socket for the seccomp agent");
	if (connect (sock, (struct sockaddr *) &addr, sizeof (addr)) < 0)
		return ct_make_error (err, errno, CFG ".listenerPath`: connect to `%s`", path);
	if (rt_fdpass_send (sock, doc, len, fd) != (ssize_t) len)
		return ct_make_error (err, errno, CFG ".listenerPath`: send the seccomp fd to `%s`", path);
	return 0;
}

/* ---- features ---- */

void
rt_seccomp_features (struct ct_jsonw *w)
{
	size_t i;

	ct_jsonw_key (w, "seccomp");
	ct_jsonw_map_open (w);
	ct_jsonw_kv_bool (w, "enabled", true);
	ct_jsonw_key (w, "actions");
	ct_jsonw_array_open (w);
	for (i = 0; i < CT_ARRAY_SIZE (action_names); i++)
		ct_jsonw_str (w, action_names[i]);
	ct_jsonw_array_close (w);
	ct_jsonw_key (w, "operators");
	ct_jsonw_array_open (w);
	for (i = 0; i < CT_ARRAY_SIZE (ops); i++)
		ct_jsonw_str (w, ops[i].name);
	ct_jsonw_array_close (w);
	ct_jsonw_key (w, "archs");
	ct_jsonw_array_open (w);
	for (i = 0; i < CT_ARRAY_SIZE (archs); i++)
		ct_jsonw_str (w, archs[i].name);
	ct_jsonw_array_close (w);
	ct_jsonw_key (w, "knownFlags");
	ct_jsonw_array_open (w);
	for (i = 0; i < CT_ARRAY_SIZE (flag_names); i++)
		ct_jsonw_str (w, flag_names[i].name);
	ct_jsonw_array_close (w);
	ct_jsonw_key (w, "supportedFlags");
	ct_jsonw_array_open (w);
	for (i = 0; i < CT_ARRAY_SIZE (flag_names); i++)
		if (flag_supported (flag_names[i].flag))
			ct_jsonw_str (w, flag_names[i].name);
	ct_jsonw_array_close (w);
	ct_jsonw_map_close (w);
}
