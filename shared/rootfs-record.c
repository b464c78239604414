/* Rootfs records: walk, write, read and diff (rootfs-record.h; the format is
   specs/bundle-format.md "cimage.record"). */
#include "common.h"

#include <dirent.h>
#include <inttypes.h>
#include <sys/stat.h>

#include "rootfs-record.h"

#define RECORD_HEADER "cimage-record 1"

int
ct_rootfs_path_cmp (const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *) a, *q = (const unsigned char *) b;
	int x, y;

	while (*p != '\0' && *p == *q) {
		p++;
		q++;
	}
	if (*p == *q)
		return 0;
	/* The end of a path sorts first, then '/', then every other byte: a
	   directory is followed by its contents before its next sibling. */
	x = *p == '\0' ? 0 : *p == '/' ? 1 : *p + 1;
	y = *q == '\0' ? 0 : *q == '/' ? 1 : *q + 1;
	return x - y;
}

/* ------------------------------------------------------------ walking */

struct walk {
	ct_rootfs_walk_fn fn;
	void *data;
	dev_t dev;
	char *path; /* the current path, NUL-terminated */
	size_t len;
	size_t cap;
};

static void
path_push (struct walk *w, const char *name)
{
	size_t n = strlen (name), need = w->len + 1 + n + 1;

	if (need > w->cap) {
		w->cap = need * 2;
		w->path = xrealloc (w->path, w->cap);
	}
	if (w->len > 0)
		w->path[w->len++] = '/';
	memcpy (w->path + w->len, name, n + 1);
	w->len += n;
}

static int
name_cmp (const void *a, const void *b)
{
	return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The names in dirfd (an O_RDONLY directory), sorted; getdents64 because
   the walk already holds the fd and readdir would need a second one. */
static int
read_names (int dirfd, const char *path, char ***out, size_t *n_out, ct_error_t *err)
{
	char buf[32768];
	cleanup_strv char **names = NULL;
	size_t n = 0, alloc = 0;

	for (;;) {
		ssize_t got = getdents64 (dirfd, buf, sizeof buf);
		ssize_t off;

		if (got < 0)
			return ct_make_error (err, errno, "read directory `/%s`", path);
		if (got == 0)
			break;
		for (off = 0; off < got;) {
			struct dirent64 *d = (struct dirent64 *) (buf + off);

			off += d->d_reclen;
			if (strcmp (d->d_name, ".") == 0 || strcmp (d->d_name, "..") == 0)
				continue;
			if (n + 2 > alloc) {
				alloc = alloc ? alloc * 2 : 16;
				names = xrealloc (names, alloc * sizeof (*names));
			}
			names[n++] = xstrdup (d->d_name);
			names[n] = NULL;
		}
	}
	if (n > 1)
		qsort (names, n, sizeof (*names), name_cmp);
	*out = steal_pointer (&names);
	*n_out = n;
	return 0;
}

static char *
read_link (int dirfd, const char *name, const char *path, const struct stat *st, ct_error_t *err)
{
	size_t size = st->st_size > 0 ? (size_t) st->st_size + 1 : 256;

	for (;;) {
		cleanup_free char *buf = xmalloc (size);
		ssize_t n = readlinkat (dirfd, name, buf, size);

		if (n < 0) {
			ct_make_error (err, errno, "read symlink `/%s`", path);
			return NULL;
		}
		if ((size_t) n < size) {
			buf[n] = '\0';
			return steal_pointer (&buf);
		}
		size *= 2;
	}
}

static int
walk_dir (struct walk *w, int dirfd, ct_error_t *err)
{
	cleanup_strv char **names = NULL;
	size_t n, i;

	if (read_names (dirfd, w->path, &names, &n, err) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		size_t saved = w->len;
		cleanup_free char *target = NULL;
		cleanup_close int sub = -1;
		struct ct_rootfs_entry e;
		struct stat st;

		path_push (w, names[i]);
		if (fstatat (dirfd, names[i], &st, AT_SYMLINK_NOFOLLOW) < 0)
			return ct_make_error (err, errno, "stat `/%s`", w->path);
		if (S_ISLNK (st.st_mode)) {
			target = read_link (dirfd, names[i], w->path, &st, err);
			if (target == NULL)
				return -1;
		}
		e = (struct ct_rootfs_entry){
			.path = w->path,
			.dirfd = dirfd,
			.name = names[i],
			.st = &st,
			.target = target,
			.other_fs = S_ISDIR (st.st_mode) && st.st_dev != w->dev,
		};
		if (w->fn (&e, w->data, err) < 0)
			return -1;
		if (S_ISDIR (st.st_mode) && !e.other_fs) {
			sub = openat (dirfd, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0)
				return ct_make_error (err, errno, "open directory `/%s`", w->path);
			if (walk_dir (w, sub, err) < 0)
				return -1;
		}
		w->len = saved;
		w->path[saved] = '\0';
	}
	return 0;
}

int
ct_rootfs_walk (int rootfd, ct_rootfs_walk_fn fn, void *data, ct_error_t *err)
{
	struct walk w = { .fn = fn, .data = data };
	cleanup_free char *path = xstrdup ("");
	cleanup_close int fd = -1;
	struct ct_rootfs_entry e;
	struct stat st;

	/* rootfd may be O_PATH; reading the directory needs O_RDONLY. */
	fd = openat (rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fstat (fd, &st) < 0)
		return ct_make_error (err, errno, "open the root directory");
	w.dev = st.st_dev;
	w.path = steal_pointer (&path);
	w.cap = 1;
	e = (struct ct_rootfs_entry){ .path = "", .dirfd = fd, .name = ".", .st = &st };
	if (fn (&e, data, err) < 0 || walk_dir (&w, fd, err) < 0) {
		free (w.path);
		return -1;
	}
	free (w.path);
	return 0;
}

/* ------------------------------------------------------------ the format */

/* One line per path:
     PATH TYPE MODE UID GID SIZE MTIME CTIME INODE [TARGET]
   PATH and TARGET escaped (below), "." for the root; TYPE one letter; MODE
   octal permission bits; times SECONDS.NANOSECONDS. */
struct rec {
	char *path; /* unescaped; "" for the root */
	char type;
	unsigned mode;
	uintmax_t uid, gid, size, ino;
	intmax_t mtime, ctime;
	long mtime_ns, ctime_ns;
	char *target; /* NULL unless a symlink */
};

static char
type_char (mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFREG:
		return 'f';
	case S_IFDIR:
		return 'd';
	case S_IFLNK:
		return 'l';
	case S_IFCHR:
		return 'c';
	case S_IFBLK:
		return 'b';
	case S_IFIFO:
		return 'p';
	case S_IFSOCK:
		return 's';
	default:
		return '?';
	}
}

/* Bytes that would break the line's syntax (controls, space, DEL) and the
   escape character itself become \ooo; everything else is kept as it is. */
static void
put_escaped (FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *) s; *p != '\0'; p++) {
		if (*p <= ' ' || *p == 0x7f || *p == '\\')
			fprintf (f, "\\%03o", *p);
		else
			putc (*p, f);
	}
}

static void
put_line (FILE *f, const struct ct_rootfs_entry *e)
{
	const struct stat *st = e->st;

	if (e->path[0] == '\0')
		putc ('.', f);
	else
		put_escaped (f, e->path);
	fprintf (f, " %c %o %ju %ju %jd %jd.%09ld %jd.%09ld %ju", type_char (st->st_mode),
	         (unsigned) (st->st_mode & 07777), (uintmax_t) st->st_uid, (uintmax_t) st->st_gid,
	         (intmax_t) st->st_size, (intmax_t) st->st_mtim.tv_sec, (long) st->st_mtim.tv_nsec,
	         (intmax_t) st->st_ctim.tv_sec, (long) st->st_ctim.tv_nsec, (uintmax_t) st->st_ino);
	if (e->target != NULL) {
		putc (' ', f);
		put_escaped (f, e->target);
	}
	putc ('\n', f);
}

/* A FILE on a dup of fd (the caller keeps fd), with a large buffer. */
static FILE *
open_stream (int fd, const char *mode, ct_error_t *err)
{
	cleanup_close int dupfd = fcntl (fd, F_DUPFD_CLOEXEC, 3);
	FILE *f;

	if (dupfd < 0) {
		ct_make_error (err, errno, "dup");
		return NULL;
	}
	f = fdopen (dupfd, mode);
	if (f == NULL) {
		ct_make_error (err, errno, "fdopen");
		return NULL;
	}
	steal_fd (&dupfd);
	setvbuf (f, NULL, _IOFBF, 1 << 16);
	return f;
}

static int
close_written (FILE *f, ct_error_t *err)
{
	bool bad = fflush (f) != 0 || ferror (f);
	int saved = errno;

	if (fclose (f) != 0 && !bad) {
		bad = true;
		saved = errno;
	}
	if (bad)
		return ct_make_error (err, saved, "write the rootfs record");
	return 0;
}

static int
record_one (const struct ct_rootfs_entry *e, void *data, ct_error_t *err)
{
	(void) err;
	put_line (data, e);
	return 0;
}

int
ct_rootfs_record_write (int rootfd, int fd, ct_error_t *err)
{
	FILE *f = open_stream (fd, "w", err);

	if (f == NULL)
		return ct_error_wrap (err, "write the rootfs record");
	fputs (RECORD_HEADER "\n", f);
	if (ct_rootfs_walk (rootfd, record_one, f, err) < 0) {
		fclose (f);
		return ct_error_wrap (err, "write the rootfs record");
	}
	return close_written (f, err);
}

/* ------------------------------------------------------------ reading */

/* Undo put_escaped in place; false on a malformed escape. */
static bool
unescape (char *s)
{
	char *o = s;

	for (char *p = s; *p != '\0'; p++) {
		if (*p != '\\') {
			*o++ = *p;
			continue;
		}
		if (p[1] < '0' || p[1] > '3' || p[2] < '0' || p[2] > '7' || p[3] < '0' || p[3] > '7')
			return false;
		*o++ = (char) ((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
		if (o[-1] == '\0')
			return false;
		p += 3;
	}
	*o = '\0';
	return true;
}

/* The next space-separated field of *p (NUL-terminated in place). */
static char *
field (char **p)
{
	char *s = *p, *e;

	if (s == NULL || *s == '\0')
		return NULL;
	e = strchr (s, ' ');
	if (e != NULL) {
		*e = '\0';
		*p = e + 1;
	} else
		*p = s + strlen (s);
	return s;
}

static bool
parse_uint (const char *s, uintmax_t *out)
{
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoumax (s, &end, 10);
	return errno == 0 && *end == '\0';
}

static bool
parse_time (char *s, intmax_t *sec, long *nsec)
{
	char *dot = s ? strchr (s, '.') : NULL, *end;
	uintmax_t ns;

	if (dot == NULL)
		return false;
	*dot = '\0';
	errno = 0;
	*sec = strtoimax (s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || !parse_uint (dot + 1, &ns) || ns > 999999999)
		return false;
	*nsec = (long) ns;
	return true;
}

/* Parse one line (without its newline) into r; pointers point into line. */
static bool
parse_line (char *line, struct rec *r)
{
	char *p = line, *type, *mode, *mtime, *ctime_s, *end;
	uintmax_t m;

	memset (r, 0, sizeof (*r));
	r->path = field (&p);
	type = field (&p);
	mode = field (&p);
	if (r->path == NULL || type == NULL || strlen (type) != 1 || mode == NULL)
		return false;
	r->type = type[0];
	errno = 0;
	m = strtoumax (mode, &end, 8);
	if (errno != 0 || *end != '\0' || *mode == '\0' || m > 07777)
		return false;
	r->mode = (unsigned) m;
	if (!parse_uint (field (&p), &r->uid) || !parse_uint (field (&p), &r->gid) ||
	    !parse_uint (field (&p), &r->size))
		return false;
	mtime = field (&p);
	ctime_s = field (&p);
	if (!parse_time (mtime, &r->mtime, &r->mtime_ns) || !parse_time (ctime_s, &r->ctime, &r->ctime_ns) ||
	    !parse_uint (field (&p), &r->ino))
		return false;
	r->target = field (&p);
	if ((r->type == 'l') != (r->target != NULL) || *p != '\0')
		return false;
	if (strcmp (r->path, ".") == 0)
		r->path[0] = '\0';
	else if (!unescape (r->path) || r->path[0] == '\0' || r->path[0] == '/')
		return false;
	return r->target == NULL || unescape (r->target);
}

struct reader {
	FILE *f;
	const char *name;
	size_t lineno;
	char *line;
	size_t line_cap;
	char *prev; /* the previous path, for the order check */
	bool have;  /* cur holds a line not consumed yet */
	struct rec cur;
};

/* Advance to the next line: r->have is false at the end. */
static int
reader_next (struct reader *r, ct_error_t *err)
{
	ssize_t n;

	if (r->have) {
		free (r->prev);
		r->prev = xstrdup (r->cur.path);
	}
	r->have = false;
	errno = 0;
	n = getline (&r->line, &r->line_cap, r->f);
	if (n < 0) {
		if (ferror (r->f))
			return ct_make_error (err, errno, "read `%s`", r->name);
		return 0;
	}
	r->lineno++;
	if (n > 0 && r->line[n - 1] == '\n')
		r->line[--n] = '\0';
	if ((size_t) n != strlen (r->line) || !parse_line (r->line, &r->cur))
		return ct_make_error (err, 0, "`%s` line %zu: not a record line", r->name, r->lineno);
	/* The merge with the walk depends on the order: check it. */
	if (r->prev != NULL ? ct_rootfs_path_cmp (r->prev, r->cur.path) >= 0 : r->cur.path[0] != '\0')
		return ct_make_error (err, 0, "`%s` line %zu: `%s` is out of order", r->name, r->lineno, r->cur.path);
	r->have = true;
	return 0;
}

/* ------------------------------------------------------------ diffing */

struct diff {
	struct reader rd;
	FILE *newf; /* the new record, or NULL */
	char *skip; /* record paths under this directory need no whiteout */
	struct ct_rootfs_changes *out;
};

static void
add_change (struct ct_rootfs_changes *c, const char *path, enum ct_rootfs_change_kind kind)
{
	if (c->n == c->alloc) {
		c->alloc = c->alloc ? c->alloc * 2 : 64;
		c->v = xrealloc (c->v, c->alloc * sizeof (*c->v));
	}
	c->v[c->n].path = xstrdup (path);
	c->v[c->n].kind = kind;
	c->n++;
}

static bool
under (const char *dir, const char *path)
{
	size_t n = strlen (dir);

	return strncmp (dir, path, n) == 0 && path[n] == '/';
}

static void
set_skip (struct diff *d, const char *dir)
{
	free (d->skip);
	d->skip = xstrdup (dir);
}

/* A record line no path of the rootfs matched: deleted. */
static void
record_only (struct diff *d)
{
	const struct rec *r = &d->rd.cur;

	if (d->skip != NULL && under (d->skip, r->path))
		return;
	add_change (d->out, r->path, CT_ROOTFS_DELETED);
	if (r->type == 'd')
		set_skip (d, r->path);
}

static bool
same (const struct rec *r, const struct ct_rootfs_entry *e)
{
	const struct stat *st = e->st;

	return r->type == type_char (st->st_mode) && r->mode == (st->st_mode & 07777) && r->uid == st->st_uid &&
	       r->gid == st->st_gid && r->size == (uintmax_t) st->st_size && r->ino == st->st_ino &&
	       r->mtime == st->st_mtim.tv_sec && r->mtime_ns == st->st_mtim.tv_nsec && r->ctime == st->st_ctim.tv_sec &&
	       r->ctime_ns == st->st_ctim.tv_nsec &&
	       (r->target == NULL || (e->target != NULL && strcmp (r->target, e->target) == 0));
}

static int
diff_one (const struct ct_rootfs_entry *e, void *data, ct_error_t *err)
{
	struct diff *d = data;
	bool matched = false;

	if (d->newf != NULL)
		put_line (d->newf, e);
	while (d->rd.have) {
		int c = ct_rootfs_path_cmp (d->rd.cur.path, e->path);

		if (c > 0)
			break;
		if (c < 0)
			record_only (d);
		else {
			matched = true;
			if (e->path[0] != '\0' && !same (&d->rd.cur, e))
				add_change (d->out, e->path, CT_ROOTFS_CHANGED);
			/* A directory that is something else now: the new
			   entry replaces the whole tree. */
			if (d->rd.cur.type == 'd' && !S_ISDIR (e->st->st_mode))
				set_skip (d, e->path);
		}
		if (reader_next (&d->rd, err) < 0)
			return -1;
		if (matched)
			break;
	}
	if (!matched && e->path[0] != '\0')
		add_change (d->out, e->path, CT_ROOTFS_ADDED);
	/* What is mounted there now is not the bundle's to commit, and what
	   the record has under it is not deleted. */
	if (e->other_fs)
		set_skip (d, e->path);
	return 0;
}

void
ct_rootfs_changes_release (struct ct_rootfs_changes *c)
{
	for (size_t i = 0; i < c->n; i++)
		free (c->v[i].path);
	free (c->v);
	memset (c, 0, sizeof (*c));
}

int
ct_rootfs_record_diff (int rootfd, int recfd, const char *recname, int newfd, struct ct_rootfs_changes *out,
                       ct_error_t *err)
{
	struct diff d = { .rd = { .name = recname }, .out = out };
	int r = -1;

	memset (out, 0, sizeof (*out));
	d.rd.f = open_stream (recfd, "r", err);
	if (d.rd.f == NULL)
		return ct_error_wrap (err, "read `%s`", recname);
	if (newfd >= 0) {
		d.newf = open_stream (newfd, "w", err);
		if (d.newf == NULL)
			goto done;
		fputs (RECORD_HEADER "\n", d.newf);
	}
	errno = 0;
	if (getline (&d.rd.line, &d.rd.line_cap, d.rd.f) < 0 || strcmp (d.rd.line, RECORD_HEADER "\n") != 0) {
		ct_make_error (err, ferror (d.rd.f) ? errno : 0, "`%s`: not a cimage record (no `%s` line)", recname,
		               RECORD_HEADER);
		goto done;
	}
	d.rd.lineno = 1;
	if (reader_next (&d.rd, err) < 0 || ct_rootfs_walk (rootfd, diff_one, &d, err) < 0)
		goto done;
	while (d.rd.have) {
		record_only (&d);
		if (reader_next (&d.rd, err) < 0)
			goto done;
	}
	r = 0;
done:
	fclose (d.rd.f);
	if (d.newf != NULL) {
		if (r == 0)
			r = close_written (d.newf, err);
		else
			fclose (d.newf);
	}
	free (d.rd.line);
	free (d.rd.prev);
	free (d.skip);
	if (r < 0)
		ct_rootfs_changes_release (out);
	return r;
}
