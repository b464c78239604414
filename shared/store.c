#include "common.h"

#include <pthread.h>

#include <ctype.h>
#include <dirent.h>
#include <inttypes.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>

#include <yajl/yajl_tree.h>

#include "digest.h"
#include "fs.h"
#include "json.h"
#include "store.h"
#include "strv.h"

/* specs/store-format.md is the contract this file implements. */

#define OCI_LAYOUT_FILE "oci-layout"
#define INDEX_FILE      "index.json"
#define LOCK_FILE       ".cimage.lock"
#define INDEX_LOCK_FILE ".cimage.index.lock"
#define LAYOUT_CONTENT  "{\"imageLayoutVersion\":\"1.0.0\"}"

struct ct_layout {
	char *path;
	int dirfd;
	int lockfd; /* .cimage.lock, held shared (WRITE) or exclusive (GC) */
	enum ct_layout_mode mode;
	mode_t file_mode; /* 0644 less the umask */
};

struct ct_blob_writer {
	struct ct_layout *l;
	int fd;
	char *tmpname; /* "tmp/blob-XXXXXXXXXXXX" relative to the layout */
	struct ct_digester *dg;
	enum ct_digest_algo algo;
	char *expected;
	int64_t expected_size;
	int64_t offset;
	int64_t written_back;     /* bytes handed to writeback (sync_file_range) */
	struct blob_async *async; /* big blobs: hashed and written by a helper thread */
};

/* Start writeback every 8 MiB while a blob streams in, so the fsync of the
   commit has little left to do: the disk works while the network does. */
#define WRITEBACK_STEP (8 << 20)

/* ------------------------------------------------------------ small helpers */

static int
write_all (int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write (fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t) n;
	}
	return 0;
}

static int
flock_retry (int fd, int op)
{
	int r;

	do
		r = flock (fd, op);
	while (r < 0 && errno == EINTR);
	return r;
}

static mode_t
current_umask (void)
{
	mode_t m = umask (022);
	umask (m);
	return m;
}

static int
require_writable (struct ct_layout *l, const char *what, ct_error_t *err)
{
	if (l->mode == CT_LAYOUT_READ)
		return ct_make_error (err, 0, "%s: `%s` is opened read-only", what, l->path);
	return 0;
}

/* A temporary file in tmp/ that this process holds an exclusive flock on.
   Between creating and locking it, a cleaner may take the lock and remove
   it (it looks orphaned), so once locked the name must still be ours. */
static int
tmp_create (struct ct_layout *l, const char *prefix, char **name_out, ct_error_t *err)
{
	for (int tries = 0; tries < 100; tries++) {
		cleanup_close int fd = -1;
		cleanup_free char *name = NULL;
		unsigned char rnd[6];
		struct stat a, b;

		if (getrandom (rnd, sizeof rnd, 0) != (ssize_t) sizeof rnd)
			return ct_make_error (err, errno, "create a temporary file in `%s/tmp`", l->path);
		xasprintf (&name, "tmp/%s-%02x%02x%02x%02x%02x%02x", prefix, rnd[0], rnd[1], rnd[2], rnd[3], rnd[4],
		           rnd[5]);
		fd = openat (l->dirfd, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0) {
			if (errno == EEXIST)
				continue;
			return ct_make_error (err, errno, "create a temporary file in `%s/tmp`", l->path);
		}
		if (flock_retry (fd, LOCK_EX) < 0)
			return ct_make_error (err, errno, "lock `%s/%s`", l->path, name);
		if (fstat (fd, &a) < 0)
			return ct_make_error (err, errno, "stat `%s/%s`", l->path, name);
		if (fstatat (l->dirfd, name, &b, AT_SYMLINK_NOFOLLOW) < 0 || a.st_dev != b.st_dev ||
		    a.st_ino != b.st_ino)
			continue; /* removed by a cleaner before we locked it */
		*name_out = steal_pointer (&name);
		return steal_fd (&fd);
	}
	return ct_make_error (err, EEXIST, "create a temporary file in `%s/tmp`: too many attempts", l->path);
}

/* Remove the files of tmp/ that no live writer holds.  In GC mode nothing
   else can be writing, so directories and other entries go too. */
static int
clean_tmp (struct ct_layout *l, size_t *removed, ct_error_t *err)
{
	cleanup_dir DIR *d = NULL;
	struct dirent *de;
	int tmpfd;

	tmpfd = openat (l->dirfd, "tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (tmpfd < 0) {
		if (errno == ENOENT)
			return 0;
		return ct_make_error (err, errno, "open `%s/tmp`", l->path);
	}
	d = fdopendir (tmpfd);
	if (d == NULL) {
		int saved = errno;
		close (tmpfd);
		return ct_make_error (err, saved, "open `%s/tmp`", l->path);
	}
	while ((errno = 0, de = readdir (d)) != NULL) {
		cleanup_close int fd = -1;

		if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
			continue;
		fd = openat (tmpfd, de->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0) {
			/* a symlink (ELOOP) or something we cannot open */
			if (l->mode == CT_LAYOUT_GC && errno == ELOOP && unlinkat (tmpfd, de->d_name, 0) == 0 &&
			    removed)
				(*removed)++;
			continue;
		}
		{
			struct stat st;
			if (fstat (fd, &st) < 0)
				continue;
			if (S_ISDIR (st.st_mode)) {
				ct_error_t e = NULL;
				if (l->mode != CT_LAYOUT_GC)
					continue;
				if (ct_fs_rm_rf_at (tmpfd, de->d_name, &e) < 0) {
					ct_error_release (&e);
					continue;
				}
				if (removed)
					(*removed)++;
				continue;
			}
		}
		if (flock (fd, LOCK_EX | LOCK_NB) < 0)
			continue; /* a live writer's */
		if (unlinkat (tmpfd, de->d_name, 0) == 0 && removed)
			(*removed)++;
	}
	if (errno != 0)
		return ct_make_error (err, errno, "read `%s/tmp`", l->path);
	return 0;
}

/* Replace `name` in the layout through tmp/: write, fsync, rename, fsync
   the directory (store-format.md "ATOMIC WRITES" 4). */
static int
write_file_atomic (struct ct_layout *l, const char *name, const void *buf, size_t len, ct_error_t *err)
{
	cleanup_close int fd = -1;
	cleanup_free char *tmp = NULL;
	int saved;

	fd = tmp_create (l, "file", &tmp, err);
	if (fd < 0)
		return ct_error_wrap (err, "write `%s/%s`", l->path, name);
	if (write_all (fd, buf, len) < 0 || fchmod (fd, l->file_mode) < 0 || fsync (fd) < 0)
		goto fail;
	if (renameat (l->dirfd, tmp, l->dirfd, name) < 0)
		goto fail;
	if (fsync (l->dirfd) < 0)
		return ct_make_error (err, errno, "write `%s/%s`: fsync the directory", l->path, name);
	return 0;
fail:
	saved = errno;
	unlinkat (l->dirfd, tmp, 0);
	return ct_make_error (err, saved, "write `%s/%s`", l->path, name);
}

static int
index_lock (struct ct_layout *l, ct_error_t *err)
{
	int fd = openat (l->dirfd, INDEX_LOCK_FILE, O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);

	if (fd < 0)
		return ct_make_error (err, errno, "open `%s/%s`", l->path, INDEX_LOCK_FILE);
	if (flock_retry (fd, LOCK_EX) < 0) {
		int saved = errno;
		close (fd);
		return ct_make_error (err, saved, "lock `%s/%s`", l->path, INDEX_LOCK_FILE);
	}
	return fd;
}

/* ------------------------------------------------------------ open */

static int
check_oci_layout (struct ct_layout *l, ct_error_t *err)
{
	cleanup_free char *buf = NULL;
	cleanup_free char *version = NULL;
	cleanup_yajl yajl_val root = NULL;
	size_t len;

	if (ct_fs_read_all_at (l->dirfd, OCI_LAYOUT_FILE, 4096, &buf, &len, err) < 0) {
		int st = ct_error_status (*err);
		ct_error_release (err);
		return ct_make_error (err, st, "read `%s/%s`", l->path, OCI_LAYOUT_FILE);
	}
	if (ct_json_parse (buf, len, &root, err) < 0 || ct_json_as_object (root, "", err) < 0 ||
	    ct_json_get_str (root, "", "imageLayoutVersion", true, &version, err) < 0)
		return ct_error_wrap (err, "`%s/%s`", l->path, OCI_LAYOUT_FILE);
	if (strncmp (version, "1.", 2) != 0)
		return ct_make_error (err, 0, "`%s/%s`: imageLayoutVersion `%s` is not supported (1.x only)", l->path,
		                      OCI_LAYOUT_FILE, version);
	return 0;
}

/* Whether the directory holds nothing but what an interrupted creation by
   this code may have left. */
static int
dir_is_fresh (struct ct_layout *l, bool *fresh, ct_error_t *err)
{
	static const char *const ours[] = { LOCK_FILE, INDEX_LOCK_FILE, "tmp", "blobs", INDEX_FILE, NULL };
	cleanup_dir DIR *d = NULL;
	struct dirent *de;
	int fd = openat (l->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return ct_make_error (err, errno, "open `%s`", l->path);
	d = fdopendir (fd);
	if (d == NULL) {
		int saved = errno;
		close (fd);
		return ct_make_error (err, saved, "open `%s`", l->path);
	}
	*fresh = true;
	while ((de = readdir (d)) != NULL) {
		bool ok = strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0;
		for (size_t i = 0; !ok && ours[i] != NULL; i++)
			ok = strcmp (de->d_name, ours[i]) == 0;
		if (!ok)
			*fresh = false;
	}
	return 0;
}

static int
mkdir_if_missing (struct ct_layout *l, const char *name, ct_error_t *err)
{
	if (mkdirat (l->dirfd, name, 0755) < 0 && errno != EEXIST)
		return ct_make_error (err, errno, "create `%s/%s`", l->path, name);
	return 0;
}

static int
create_layout (struct ct_layout *l, ct_error_t *err)
{
	cleanup_close int lk = -1;
	bool fresh;

	lk = index_lock (l, err);
	if (lk < 0)
		return -1;
	/* Another writer may have created it while we waited. */
	if (faccessat (l->dirfd, OCI_LAYOUT_FILE, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return check_oci_layout (l, err);
	if (dir_is_fresh (l, &fresh, err) < 0)
		return -1;
	if (!fresh)
		return ct_make_error (err, 0, "`%s` is not an OCI image layout", l->path);
	if (mkdir_if_missing (l, "blobs", err) < 0 || mkdir_if_missing (l, "blobs/sha256", err) < 0 ||
	    mkdir_if_missing (l, "tmp", err) < 0)
		return -1;
	if (faccessat (l->dirfd, INDEX_FILE, F_OK, AT_SYMLINK_NOFOLLOW) < 0) {
		static const char empty[] =
		        "{\"schemaVersion\":2,\"mediaType\":\"" CT_MT_OCI_INDEX "\",\"manifests\":[]}";
		if (write_file_atomic (l, INDEX_FILE, empty, sizeof empty - 1, err) < 0)
			return -1;
	}
	/* The marker last: a layout with oci-layout is complete. */
	return write_file_atomic (l, OCI_LAYOUT_FILE, LAYOUT_CONTENT, sizeof LAYOUT_CONTENT - 1, err);
}

static int
layout_open (struct ct_layout *l, const char *dir, enum ct_layout_mode mode, ct_error_t *err)
{
	if (mode != CT_LAYOUT_READ && ct_fs_mkdir_p_at (AT_FDCWD, dir, 0755, err) < 0)
		return ct_error_wrap (err, "create the image layout `%s`", dir);
	l->dirfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (l->dirfd < 0)
		return ct_make_error (err, errno, "open the image layout `%s`", dir);
	if (mode == CT_LAYOUT_READ) {
		bool fresh;
		if (faccessat (l->dirfd, OCI_LAYOUT_FILE, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
			return check_oci_layout (l, err);
		if (dir_is_fresh (l, &fresh, err) < 0)
			return -1;
		/* An empty directory is a store nobody wrote yet (ENOENT, as a
		   missing one); anything else is someone else's directory. */
		return ct_make_error (err, fresh ? ENOENT : 0, "`%s` is not an OCI image layout", dir);
	}
	l->lockfd = openat (l->dirfd, LOCK_FILE, O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (l->lockfd < 0)
		return ct_make_error (err, errno, "open `%s/%s`", dir, LOCK_FILE);
	if (flock_retry (l->lockfd, mode == CT_LAYOUT_GC ? LOCK_EX : LOCK_SH) < 0)
		return ct_make_error (err, errno, "lock `%s/%s`", dir, LOCK_FILE);
	if (faccessat (l->dirfd, OCI_LAYOUT_FILE, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
		if (check_oci_layout (l, err) < 0)
			return -1;
	} else if (create_layout (l, err) < 0)
		return -1;
	/* Layouts written by other tools may lack these. */
	if (mkdir_if_missing (l, "blobs", err) < 0 || mkdir_if_missing (l, "blobs/sha256", err) < 0 ||
	    mkdir_if_missing (l, "tmp", err) < 0)
		return -1;
	/* gc cleans (and counts) in ct_layout_gc */
	return mode == CT_LAYOUT_WRITE ? clean_tmp (l, NULL, err) : 0;
}

int
ct_layout_open (const char *dir, enum ct_layout_mode mode, struct ct_layout **out, ct_error_t *err)
{
	struct ct_layout *l = xzalloc (sizeof *l);

	l->path = xstrdup (dir);
	l->dirfd = -1;
	l->lockfd = -1;
	l->mode = mode;
	l->file_mode = 0644 & ~current_umask ();
	if (layout_open (l, dir, mode, err) < 0) {
		ct_layout_close (l);
		return -1;
	}
	*out = l;
	return 0;
}

void
ct_layout_close (struct ct_layout *l)
{
	if (l == NULL)
		return;
	if (l->lockfd >= 0)
		close (l->lockfd);
	if (l->dirfd >= 0)
		close (l->dirfd);
	free (l->path);
	free (l);
}

void
ct_layout_closep (struct ct_layout **l)
{
	ct_layout_close (*l);
}

const char *
ct_layout_path (const struct ct_layout *l)
{
	return l->path;
}

int
ct_layout_dirfd (const struct ct_layout *l)
{
	return l->dirfd;
}

/* ------------------------------------------------------------ blobs */

/* "blobs/ALG/HEX" for a valid digest, else NULL. */
static char *
blob_path (const char *digest, ct_error_t *err)
{
	enum ct_digest_algo algo;
	const char *hex;
	char *p;

	if (ct_digest_parse (digest, &algo, &hex, err) < 0)
		return NULL;
	xasprintf (&p, "blobs/%s/%s", ct_digest_algo_name (algo), hex);
	return p;
}

bool
ct_layout_has_blob (struct ct_layout *l, const char *digest, int64_t size)
{
	ct_error_t err = NULL;
	cleanup_free char *p = blob_path (digest, &err);
	struct stat st;

	if (p == NULL) {
		ct_error_release (&err);
		return false;
	}
	if (fstatat (l->dirfd, p, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG (st.st_mode))
		return false;
	return size < 0 || st.st_size == size;
}

int
ct_layout_open_blob (struct ct_layout *l, const char *digest, ct_error_t *err)
{
	cleanup_free char *p = blob_path (digest, err);
	int fd;

	if (p == NULL)
		return -1;
	fd = openat (l->dirfd, p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return ct_make_error (err, ENOENT, "blob `%s` is not in `%s`", digest, l->path);
		return ct_make_error (err, errno, "open blob `%s` in `%s`", digest, l->path);
	}
	return fd;
}

int
ct_layout_read_blob (struct ct_layout *l, const char *digest, size_t max, char **buf, size_t *len, ct_error_t *err)
{
	cleanup_close int fd = ct_layout_open_blob (l, digest, err);
	cleanup_free char *data = NULL;
	size_t n;

	if (fd < 0)
		return -1;
	if (ct_fs_read_all_fd (fd, max, &data, &n, err) < 0 || ct_digest_verify_buffer (digest, -1, data, n, err) < 0)
		return ct_error_wrap (err, "blob `%s` in `%s`", digest, l->path);
	*buf = steal_pointer (&data);
	*len = n;
	return 0;
}

int
ct_layout_put_blob (struct ct_layout *l, const void *buf, size_t len, const char *expected, char **digest_out,
                    ct_error_t *err)
{
	cleanup_blob_writer struct ct_blob_writer *w = NULL;

	if (ct_blob_writer_new (l, expected, (int64_t) len, &w, err) < 0 ||
	    ct_blob_writer_write (w, buf, len, err) < 0 || ct_blob_writer_commit (w, digest_out, err) < 0)
		return -1;
	return 0;
}

/* ------------------------------------------------------------ async writes */

/* A blob of ASYNC_MIN bytes or more is hashed and written by a helper thread
   while the caller (the registry client's one network thread) goes on
   receiving: SHA-256 and the page-cache copy run on a second core.  The
   caller fills fixed slots; the thread drains them in order.  The thread's
   first error is kept and reported by the next write or by commit. */
#define ASYNC_MIN   (4 << 20)
#define ASYNC_SLOT  (512 << 10)
#define ASYNC_SLOTS 4

struct blob_async {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char *slot[ASYNC_SLOTS];
	size_t len[ASYNC_SLOTS];
	unsigned head;  /* the slot the caller fills (not yet queued) */
	unsigned tail;  /* the next slot the thread drains */
	unsigned count; /* slots queued, including the one being drained */
	bool closing;   /* no more slots will come */
	bool abort;     /* drop what is queued (writer freed without commit) */
	ct_error_t error;
};

static void *
async_main (void *arg)
{
	struct ct_blob_writer *w = arg;
	struct blob_async *a = w->async;
	int64_t done = 0, started = 0; /* bytes written, and handed to writeback */

	for (;;) {
		unsigned t;
		bool failed;
		ct_error_t e = NULL;

		pthread_mutex_lock (&a->mu);
		while (a->count == 0 && !a->closing)
			pthread_cond_wait (&a->cv, &a->mu);
		if (a->count == 0 || a->abort) {
			pthread_mutex_unlock (&a->mu);
			return NULL;
		}
		t = a->tail;
		failed = a->error != NULL;
		pthread_mutex_unlock (&a->mu);

		if (!failed) {
			if (write_all (w->fd, a->slot[t], a->len[t]) < 0)
				ct_make_error (&e, errno, "write `%s/%s`", w->l->path, w->tmpname);
			else
				ct_digest_update (w->dg, a->slot[t], a->len[t], &e);
			done += (int64_t) a->len[t];
			if (done - started >= WRITEBACK_STEP) {
				(void) sync_file_range (w->fd, started, done - started, SYNC_FILE_RANGE_WRITE);
				started = done;
			}
		}

		pthread_mutex_lock (&a->mu);
		if (e != NULL && a->error == NULL)
			a->error = e;
		else if (e != NULL)
			ct_error_release (&e);
		a->tail = (t + 1) % ASYNC_SLOTS;
		a->count--;
		pthread_cond_broadcast (&a->cv);
		pthread_mutex_unlock (&a->mu);
	}
}

static int
async_start (struct ct_blob_writer *w)
{
	struct blob_async *a = xzalloc (sizeof *a);

	for (int i = 0; i < ASYNC_SLOTS; i++)
		a->slot[i] = xmalloc (ASYNC_SLOT);
	pthread_mutex_init (&a->mu, NULL);
	pthread_cond_init (&a->cv, NULL);
	w->async = a;
	if (pthread_create (&a->thread, NULL, async_main, w) != 0) {
		/* no thread: the caller's thread does the work, as for small blobs */
		for (int i = 0; i < ASYNC_SLOTS; i++)
			free (a->slot[i]);
		pthread_mutex_destroy (&a->mu);
		pthread_cond_destroy (&a->cv);
		free (a);
		w->async = NULL;
		return -1;
	}
	return 0;
}

/* Queue the slot being filled; waits while every slot is queued. */
static void
async_queue (struct blob_async *a)
{
	pthread_mutex_lock (&a->mu);
	a->count++;
	a->head = (a->head + 1) % ASYNC_SLOTS;
	pthread_cond_broadcast (&a->cv);
	/* the new head is free once it is no longer queued */
	while (a->count == ASYNC_SLOTS)
		pthread_cond_wait (&a->cv, &a->mu);
	a->len[a->head] = 0;
	pthread_mutex_unlock (&a->mu);
}

static int
async_write (struct ct_blob_writer *w, const char *buf, size_t len, ct_error_t *err)
{
	struct blob_async *a = w->async;

	pthread_mutex_lock (&a->mu);
	if (a->abort) {
		pthread_mutex_unlock (&a->mu);
		return ct_make_error (err, 0, "write `%s/%s`: an earlier write failed", w->l->path, w->tmpname);
	}
	pthread_mutex_unlock (&a->mu);
	while (len > 0) {
		size_t n = ASYNC_SLOT - a->len[a->head];

		if (n > len)
			n = len;
		memcpy (a->slot[a->head] + a->len[a->head], buf, n);
		a->len[a->head] += n;
		buf += n;
		len -= n;
		if (a->len[a->head] == ASYNC_SLOT)
			async_queue (a);
	}
	pthread_mutex_lock (&a->mu);
	if (a->error != NULL) {
		*err = a->error;
		a->error = NULL;
		a->abort = true;
	}
	pthread_mutex_unlock (&a->mu);
	return *err != NULL ? -1 : 0;
}

/* Drain what is queued (abort: drop it), stop the thread and free it.
   Returns the thread's error, if any, through err. */
static int
async_stop (struct ct_blob_writer *w, bool abort, ct_error_t *err)
{
	struct blob_async *a = w->async;
	int r = 0;

	if (a == NULL)
		return 0;
	pthread_mutex_lock (&a->mu);
	if (!abort && a->len[a->head] > 0) {
		a->count++;
		a->head = (a->head + 1) % ASYNC_SLOTS;
	}
	a->closing = true;
	a->abort = a->abort || abort;
	pthread_cond_broadcast (&a->cv);
	pthread_mutex_unlock (&a->mu);
	pthread_join (a->thread, NULL);
	if (a->error != NULL) {
		if (err != NULL && *err == NULL)
			*err = a->error;
		else
			ct_error_release (&a->error);
		r = -1;
	}
	for (int i = 0; i < ASYNC_SLOTS; i++)
		free (a->slot[i]);
	pthread_mutex_destroy (&a->mu);
	pthread_cond_destroy (&a->cv);
	free (a);
	w->async = NULL;
	return r;
}

int
ct_blob_writer_new (struct ct_layout *l, const char *expected_digest, int64_t expected_size,
                    struct ct_blob_writer **out, ct_error_t *err)
{
	struct ct_blob_writer *w;
	enum ct_digest_algo algo = CT_DIGEST_SHA256;

	if (require_writable (l, "write a blob", err) < 0)
		return -1;
	if (expected_digest != NULL && ct_digest_parse (expected_digest, &algo, NULL, err) < 0)
		return -1;
	w = xzalloc (sizeof *w);
	w->l = l;
	w->algo = algo;
	w->expected = expected_digest ? xstrdup (expected_digest) : NULL;
	w->expected_size = expected_size;
	w->fd = tmp_create (l, "blob", &w->tmpname, err);
	if (w->fd < 0) {
		ct_blob_writer_free (w);
		return -1;
	}
	w->dg = ct_digest_init (algo, err);
	if (w->dg == NULL) {
		ct_blob_writer_free (w);
		return -1;
	}
	if (expected_size >= ASYNC_MIN)
		(void) async_start (w);
	*out = w;
	return 0;
}

int
ct_blob_writer_write (struct ct_blob_writer *w, const void *buf, size_t len, ct_error_t *err)
{
	if (w->dg == NULL)
		return ct_make_error (err, 0, "write a blob: already committed");
	if (w->expected_size >= 0 && (uint64_t) w->offset + len > (uint64_t) w->expected_size)
		return ct_make_error (err, 0, "size mismatch: expected %" PRId64 " bytes, got %" PRIu64,
		                      w->expected_size, (uint64_t) w->offset + len);
	if (w->async != NULL) {
		if (async_write (w, buf, len, err) < 0)
			return -1;
		w->offset += (int64_t) len;
		return 0; /* the thread starts writeback as its writes land */
	}
	if (write_all (w->fd, buf, len) < 0)
		return ct_make_error (err, errno, "write `%s/%s`", w->l->path, w->tmpname);
	if (ct_digest_update (w->dg, buf, len, err) < 0)
		return -1;
	w->offset += (int64_t) len;
	if (w->offset - w->written_back >= WRITEBACK_STEP) {
		/* advisory: an error here is found again by the fsync of commit */
		(void) sync_file_range (w->fd, w->written_back, w->offset - w->written_back, SYNC_FILE_RANGE_WRITE);
		w->written_back = w->offset;
	}
	return 0;
}

int64_t
ct_blob_writer_offset (const struct ct_blob_writer *w)
{
	return w->offset;
}

int
ct_blob_writer_commit (struct ct_blob_writer *w, char **digest_out, ct_error_t *err)
{
	struct ct_layout *l = w->l;
	cleanup_free char *got = NULL;
	cleanup_free char *path = NULL;
	cleanup_free char *dir = NULL;
	cleanup_close int dfd = -1;

	if (w->dg == NULL)
		return ct_make_error (err, 0, "commit a blob: already committed");
	if (w->expected_size >= 0 && w->offset != w->expected_size)
		return ct_make_error (err, 0, "size mismatch: expected %" PRId64 " bytes, got %" PRId64,
		                      w->expected_size, w->offset);
	if (async_stop (w, false, err) < 0)
		return -1;
	got = ct_digest_final (w->dg, err);
	ct_digest_free (w->dg);
	w->dg = NULL;
	if (got == NULL)
		return -1;
	if (w->expected != NULL && strcmp (w->expected, got) != 0)
		return ct_make_error (err, 0, "digest mismatch: expected %s, got %s", w->expected, got);
	path = blob_path (got, err);
	if (path == NULL)
		return -1;
	xasprintf (&dir, "blobs/%s", ct_digest_algo_name (w->algo));
	if (ct_layout_has_blob (l, got, w->offset)) {
		/* Writes are idempotent: the existing blob wins. */
		unlinkat (l->dirfd, w->tmpname, 0);
	} else {
		if (fchmod (w->fd, l->file_mode) < 0 || fsync (w->fd) < 0)
			return ct_make_error (err, errno, "write `%s/%s`", l->path, w->tmpname);
		if (mkdir_if_missing (l, dir, err) < 0)
			return -1;
		if (renameat (l->dirfd, w->tmpname, l->dirfd, path) < 0)
			return ct_make_error (err, errno, "rename `%s/%s` to `%s`", l->path, w->tmpname, path);
		dfd = openat (l->dirfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0 || fsync (dfd) < 0)
			return ct_make_error (err, errno, "fsync `%s/%s`", l->path, dir);
	}
	free (w->tmpname);
	w->tmpname = NULL;
	if (digest_out != NULL)
		*digest_out = steal_pointer (&got);
	return 0;
}

void
ct_blob_writer_free (struct ct_blob_writer *w)
{
	if (w == NULL)
		return;
	async_stop (w, true, NULL);
	/* Unlink before closing: the temp file stays locked until it is gone. */
	if (w->tmpname != NULL)
		unlinkat (w->l->dirfd, w->tmpname, 0);
	if (w->fd >= 0)
		close (w->fd);
	ct_digest_free (w->dg);
	free (w->tmpname);
	free (w->expected);
	free (w);
}

void
ct_blob_writer_freep (struct ct_blob_writer **w)
{
	ct_blob_writer_free (*w);
}

/* ------------------------------------------------------------ names */

static const char *
desc_name (const struct ct_descriptor *d)
{
	if (ct_image_doc_kind (d->media_type) == CT_DOC_UNKNOWN)
		return NULL;
	return ct_descriptor_annotation (d, CT_ANNOTATION_REF_NAME);
}

/* annotations.md ref.name grammar:
     ref       ::= component ("/" component)*
     component ::= alphanum (separator alphanum)*
     separator ::= [-._:@+] | "--" */
static bool
ref_name_valid (const char *s)
{
	const char *p = s;

	for (;;) {
		if (!isalnum ((unsigned char) *p))
			return false;
		while (isalnum ((unsigned char) *p))
			p++;
		if (*p == '\0')
			return true;
		if (*p == '/') {
			p++;
			continue;
		}
		if (p[0] == '-' && p[1] == '-')
			p += 2;
		else if (strchr ("-._:@+", *p) != NULL)
			p++;
		else
			return false;
	}
}

/* Docker's rule: the first component names a registry when it has a '.' or
   a ':' or is "localhost", and more components follow. */
static bool
has_host (const char *name)
{
	const char *slash = strchr (name, '/');
	size_t n;

	if (slash == NULL)
		return false;
	n = (size_t) (slash - name);
	return memchr (name, '.', n) != NULL || memchr (name, ':', n) != NULL ||
	       (n == 9 && strncmp (name, "localhost", 9) == 0);
}

int
ct_store_normalize_name (const char *name, char **out, ct_error_t *err)
{
	const char *at, *last;

	if (name == NULL || name[0] == '\0')
		return ct_make_error (err, 0, "invalid name ``: empty");
	if (!ref_name_valid (name))
		return ct_make_error (err, 0, "invalid name `%s`: letters and digits separated by one of -._:@/+ only",
		                      name);
	at = strchr (name, '@');
	if (at != NULL) {
		if (ct_digest_parse (at + 1, NULL, NULL, err) < 0)
			return ct_error_wrap (err, "invalid name `%s`", name);
		*out = xstrdup (name);
		return 0;
	}
	last = strrchr (name, '/');
	last = last ? last + 1 : name;
	if (strchr (last, ':') != NULL)
		*out = xstrdup (name);
	else
		xasprintf (out, "%s:latest", name);
	return 0;
}

static int
read_index (struct ct_layout *l, struct ct_index **out, ct_error_t *err)
{
	cleanup_free char *buf = NULL;
	cleanup_free char *source = NULL;
	struct ct_index *ix = NULL;
	size_t len;

	if (ct_fs_read_all_at (l->dirfd, INDEX_FILE, CT_IMAGE_MAX_DOC, &buf, &len, err) < 0) {
		int st = ct_error_status (*err);
		ct_error_release (err);
		return ct_make_error (err, st, "read `%s/%s`", l->path, INDEX_FILE);
	}
	xasprintf (&source, "`%s/%s`", l->path, INDEX_FILE);
	if (ct_index_decode (buf, len, source, &ix, err) < 0)
		return -1;
	for (size_t i = 0; i < ix->n_manifests; i++) {
		const char *a = desc_name (&ix->manifests[i]);
		if (a == NULL)
			continue;
		for (size_t j = i + 1; j < ix->n_manifests; j++) {
			const char *b = desc_name (&ix->manifests[j]);
			if (b != NULL && strcmp (a, b) == 0) {
				ct_make_error (err, 0, "name `%s` appears twice in `%s/%s`", a, l->path, INDEX_FILE);
				ct_index_free (ix);
				return -1;
			}
		}
	}
	*out = ix;
	return 0;
}

int
ct_layout_read_index (struct ct_layout *l, struct ct_index **out, ct_error_t *err)
{
	return read_index (l, out, err);
}

/* A stored HOST/REST name whose REST is `want` (docker.io/library/ too). */
static bool
host_match (const char *stored, const char *want)
{
	const char *rest;

	if (!has_host (stored))
		return false;
	rest = strchr (stored, '/') + 1;
	if (strcmp (rest, want) == 0)
		return true;
	return strncmp (stored, "docker.io/library/", 18) == 0 && strcmp (stored + 18, want) == 0;
}

int
ct_layout_resolve (struct ct_layout *l, const char *name, struct ct_descriptor *desc, char **full, ct_error_t *err)
{
	cleanup_index struct ct_index *ix = NULL;
	cleanup_free char *norm = NULL;
	cleanup_free size_t *cand = NULL;
	size_t n_cand = 0;

	if (ct_store_normalize_name (name, &norm, err) < 0 || read_index (l, &ix, err) < 0)
		return -1;
	/* The name as given too: other tools store names without a tag ("x"). */
	for (size_t i = 0; i < ix->n_manifests; i++) {
		const char *a = desc_name (&ix->manifests[i]);
		if (a != NULL && (strcmp (a, norm) == 0 || strcmp (a, name) == 0)) {
			ct_descriptor_copy (desc, &ix->manifests[i]);
			if (full != NULL)
				*full = xstrdup (a);
			return 0;
		}
	}
	if (!has_host (norm)) {
		cand = xcalloc (ix->n_manifests + 1, sizeof *cand);
		for (size_t i = 0; i < ix->n_manifests; i++) {
			const char *a = desc_name (&ix->manifests[i]);
			if (a != NULL && host_match (a, norm))
				cand[n_cand++] = i;
		}
	}
	if (n_cand == 1) {
		ct_descriptor_copy (desc, &ix->manifests[cand[0]]);
		if (full != NULL)
			*full = xstrdup (desc_name (&ix->manifests[cand[0]]));
		return 0;
	}
	if (n_cand > 1) {
		cleanup_strv char **names = NULL;
		cleanup_free char *list = NULL;
		for (size_t i = 0; i < n_cand; i++) {
			char *q;
			xasprintf (&q, "`%s`", desc_name (&ix->manifests[cand[i]]));
			ct_strv_take (&names, q);
		}
		list = ct_strv_join (names, ", ");
		return ct_make_error (err, 0, "image `%s` is ambiguous: %s", name, list);
	}
	return ct_make_error (err, ENOENT, "image `%s` is not in the store", name);
}

static int
write_index (struct ct_layout *l, struct ct_index *ix, ct_error_t *err)
{
	cleanup_free char *buf = NULL;
	size_t len;

	if (ix->media_type == NULL)
		ix->media_type = xstrdup (CT_MT_OCI_INDEX);
	if (ct_index_encode (ix, &buf, &len, err) < 0)
		return ct_error_wrap (err, "write `%s/%s`", l->path, INDEX_FILE);
	return write_file_atomic (l, INDEX_FILE, buf, len, err);
}

/* Drop the entries named `name`; returns how many. */
static size_t
drop_name (struct ct_index *ix, const char *name)
{
	size_t j = 0, dropped = 0;

	for (size_t i = 0; i < ix->n_manifests; i++) {
		const char *a = desc_name (&ix->manifests[i]);
		if (a != NULL && strcmp (a, name) == 0) {
			ct_descriptor_clear (&ix->manifests[i]);
			dropped++;
			continue;
		}
		if (j != i)
			ix->manifests[j] = ix->manifests[i];
		j++;
	}
	ix->n_manifests = j;
	return dropped;
}

int
ct_layout_set_name (struct ct_layout *l, const char *name, const struct ct_descriptor *desc, ct_error_t *err)
{
	cleanup_close int lk = -1;
	cleanup_index struct ct_index *ix = NULL;
	cleanup_free char *norm = NULL;
	struct ct_descriptor *d;

	if (require_writable (l, "name an image", err) < 0)
		return -1;
	/* Stored as given: the store's callers normalise (ct_store_normalize_name),
	   an oci:DIR:REF keeps REF exactly as skopeo does. */
	if (name == NULL || !ref_name_valid (name))
		return ct_make_error (err, 0, "invalid name `%s`: letters and digits separated by one of -._:@/+ only",
		                      name != NULL ? name : "");
	norm = xstrdup (name);
	if (ct_image_doc_kind (desc->media_type) == CT_DOC_UNKNOWN)
		return ct_make_error (err, 0, "name `%s`: `%s` is not an image manifest or index", norm,
		                      desc->media_type ? desc->media_type : "");
	lk = index_lock (l, err);
	if (lk < 0 || read_index (l, &ix, err) < 0)
		return -1;
	drop_name (ix, norm);
	ix->manifests = xreallocarray (ix->manifests, ix->n_manifests + 1, sizeof *ix->manifests);
	d = &ix->manifests[ix->n_manifests++];
	ct_descriptor_copy (d, desc);
	ct_descriptor_set_annotation (d, CT_ANNOTATION_REF_NAME, norm);
	return write_index (l, ix, err);
}

int
ct_layout_remove_names (struct ct_layout *l, char *const *names, ct_error_t *err)
{
	cleanup_close int lk = -1;
	cleanup_index struct ct_index *ix = NULL;

	if (require_writable (l, "remove names", err) < 0)
		return -1;
	lk = index_lock (l, err);
	if (lk < 0 || read_index (l, &ix, err) < 0)
		return -1;
	for (size_t i = 0; names != NULL && names[i] != NULL; i++)
		if (drop_name (ix, names[i]) == 0)
			return ct_make_error (err, ENOENT, "image `%s` is not in the store", names[i]);
	return write_index (l, ix, err);
}

/* ------------------------------------------------------------ gc */

/* An open-addressing set of digests (stores have thousands of blobs). */
struct digest_set {
	char **slot;
	size_t cap, n;
};

static uint64_t
str_hash (const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char) *s) * 1099511628211ULL;
	return h;
}

static bool
set_has (const struct digest_set *s, const char *d)
{
	if (s->cap == 0)
		return false;
	for (size_t i = str_hash (d) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		if (s->slot[i] == NULL)
			return false;
		if (strcmp (s->slot[i], d) == 0)
			return true;
	}
}

static void
set_add (struct digest_set *s, const char *d)
{
	if (set_has (s, d))
		return;
	if ((s->n + 1) * 2 > s->cap) {
		struct digest_set g = { .cap = s->cap ? s->cap * 2 : 64 };
		g.slot = xcalloc (g.cap, sizeof (char *));
		for (size_t i = 0; i < s->cap; i++)
			if (s->slot[i] != NULL) {
				size_t j = str_hash (s->slot[i]) & (g.cap - 1);
				while (g.slot[j] != NULL)
					j = (j + 1) & (g.cap - 1);
				g.slot[j] = s->slot[i];
			}
		free (s->slot);
		s->slot = g.slot;
		s->cap = g.cap;
	}
	for (size_t i = str_hash (d) & (s->cap - 1);; i = (i + 1) & (s->cap - 1))
		if (s->slot[i] == NULL) {
			s->slot[i] = xstrdup (d);
			s->n++;
			return;
		}
}

static void
set_free (struct digest_set *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free (s->slot[i]);
	free (s->slot);
}

#define GC_MAX_DEPTH 16

static int
mark (struct ct_layout *l, struct digest_set *live, const struct ct_descriptor *d, const char *referrer, int depth,
      ct_error_t *err)
{
	enum ct_doc_kind kind = ct_image_doc_kind (d->media_type);
	cleanup_free char *buf = NULL;
	cleanup_free char *source = NULL;
	size_t len;

	if (set_has (live, d->digest))
		return 0;
	if (!ct_layout_has_blob (l, d->digest, -1)) {
		/* Non-distributable layers may live only at their urls. */
		if (d->urls != NULL && d->urls[0] != NULL && kind == CT_DOC_UNKNOWN)
			return 0;
		return ct_make_error (err, 0, "blob `%s` (needed by %s) is missing from `%s`", d->digest, referrer,
		                      l->path);
	}
	set_add (live, d->digest);
	if (kind == CT_DOC_UNKNOWN)
		return 0;
	if (depth > GC_MAX_DEPTH)
		return ct_make_error (err, 0, "`%s`: indexes nested more than %d deep", d->digest, GC_MAX_DEPTH);
	if (ct_layout_read_blob (l, d->digest, CT_IMAGE_MAX_DOC, &buf, &len, err) < 0)
		return -1;
	if (kind == CT_DOC_INDEX) {
		cleanup_index struct ct_index *ix = NULL;
		xasprintf (&source, "index %s", d->digest);
		if (ct_index_decode (buf, len, source, &ix, err) < 0)
			return -1;
		for (size_t i = 0; i < ix->n_manifests; i++)
			if (mark (l, live, &ix->manifests[i], source, depth + 1, err) < 0)
				return -1;
	} else {
		cleanup_manifest struct ct_manifest *m = NULL;
		xasprintf (&source, "manifest %s", d->digest);
		if (ct_manifest_decode (buf, len, source, &m, err) < 0)
			return -1;
		if (mark (l, live, &m->config, source, depth + 1, err) < 0)
			return -1;
		for (size_t i = 0; i < m->n_layers; i++)
			if (mark (l, live, &m->layers[i], source, depth + 1, err) < 0)
				return -1;
	}
	return 0;
}

static int
sweep (struct ct_layout *l, const struct digest_set *live, enum ct_digest_algo algo, struct ct_gc_stats *stats,
       ct_gc_fn fn, void *data, ct_error_t *err)
{
	const char *alg = ct_digest_algo_name (algo);
	cleanup_free char *dir = NULL;
	cleanup_dir DIR *d = NULL;
	struct dirent *de;
	int fd;

	xasprintf (&dir, "blobs/%s", alg);
	fd = openat (l->dirfd, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return ct_make_error (err, errno, "open `%s/%s`", l->path, dir);
	}
	d = fdopendir (fd);
	if (d == NULL) {
		int saved = errno;
		close (fd);
		return ct_make_error (err, saved, "open `%s/%s`", l->path, dir);
	}
	while ((errno = 0, de = readdir (d)) != NULL) {
		cleanup_free char *digest = NULL;
		ct_error_t e = NULL;
		struct stat st;

		xasprintf (&digest, "%s:%s", alg, de->d_name);
		if (ct_digest_parse (digest, NULL, NULL, &e) < 0) {
			ct_error_release (&e); /* not ours: left alone */
			continue;
		}
		if (set_has (live, digest))
			continue;
		if (fstatat (fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || S_ISDIR (st.st_mode))
			continue;
		if (unlinkat (fd, de->d_name, 0) < 0)
			return ct_make_error (err, errno, "remove `%s/%s/%s`", l->path, dir, de->d_name);
		stats->blobs_removed++;
		stats->bytes_removed += (uint64_t) st.st_size;
		if (fn != NULL)
			fn (digest, (uint64_t) st.st_size, data);
	}
	if (errno != 0)
		return ct_make_error (err, errno, "read `%s/%s`", l->path, dir);
	if (fsync (fd) < 0)
		return ct_make_error (err, errno, "fsync `%s/%s`", l->path, dir);
	return 0;
}

int
ct_layout_gc_report (struct ct_layout *l, struct ct_gc_stats *stats, ct_gc_fn fn, void *data, ct_error_t *err)
{
	cleanup_index struct ct_index *ix = NULL;
	struct digest_set live = { 0 };
	cleanup_free char *root = NULL;
	int r = -1;

	memset (stats, 0, sizeof *stats);
	if (l->mode != CT_LAYOUT_GC)
		return ct_make_error (err, 0, "gc: `%s` is not opened for gc", l->path);
	if (read_index (l, &ix, err) < 0)
		return -1;
	xasprintf (&root, "`%s/%s`", l->path, INDEX_FILE);
	/* Mark everything before deleting anything: a missing blob stops gc
	   with the store untouched. */
	for (size_t i = 0; i < ix->n_manifests; i++)
		if (mark (l, &live, &ix->manifests[i], root, 0, err) < 0)
			goto out;
	if (sweep (l, &live, CT_DIGEST_SHA256, stats, fn, data, err) < 0 ||
	    sweep (l, &live, CT_DIGEST_SHA512, stats, fn, data, err) < 0 || clean_tmp (l, &stats->tmp_removed, err) < 0)
		goto out;
	r = 0;
out:
	set_free (&live);
	return r;
}

int
ct_layout_gc (struct ct_layout *l, struct ct_gc_stats *stats, ct_error_t *err)
{
	return ct_layout_gc_report (l, stats, NULL, NULL, err);
}
