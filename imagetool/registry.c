/* The registry client (registry.h): libcurl easy handles for the sequential
   requests (manifests, auth, pushes), one curl multi for parallel blob
   downloads.  Every request goes through the same retry and auth loop. */
#include "common.h"

#include <ctype.h>
#include <dirent.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/evp.h>

#include "auth.h"
#include "digest.h"
#include "fs.h"
#include "json.h"
#include "log.h"
#include "registry.h"
#include "strv.h"

#define MAX_RETRIES     3
#define ERRBODY_MAX     (64 * 1024)
#define DEFAULT_CHUNK   (16 * 1024 * 1024)
#define CONNECT_TIMEOUT 30L
#define STALL_TIMEOUT   30L
#define RETRY_AFTER_MAX 10

enum auth_scheme {
	AUTH_NONE = 0,
	AUTH_BASIC,
	AUTH_BEARER,
};

struct ct_registry {
	char *host;
	char *repo;
	char *op;
	char *cert_dir;
	int tls_verify;
	bool push;
	int parallel;
	char *user;
	char *pass;
	bool creds_loaded;
	char *base; /* "https://HOST" or "http://HOST" once decided */
	bool may_fall_back;
	char *ca_blob; /* PEM: libcurl's bundle plus the *.crt of the cert dir */
	size_t ca_blob_len;
	char *client_cert;
	char *client_key;
	CURLSH *share;
	enum auth_scheme scheme;
	char *authz;       /* "Authorization: ..." or NULL (anonymous) */
	char *extra_scope; /* "repository:FROM:pull" while mounting */
	unsigned auth_gen; /* bumped by every new credential */
	long stall;
	int64_t chunk_size;
	int64_t rate_limit; /* CIMAGE_RATE_LIMIT: bytes/s per transfer (tests); 0 = none */
	char *user_agent;
};

/* One HTTP exchange: request settings, the response's headers and body. */
struct xfer {
	struct ct_registry *r;
	CURL *h;
	struct curl_slist *hdrs;
	char *url;
	const char *method; /* GET HEAD PUT POST PATCH */
	unsigned auth_gen;  /* r->auth_gen when the request was sent */
	bool follow;
	/* response (headers of the last response only) */
	long status;
	char *content_type;
	char *location;
	char *docker_digest;
	char *www_auth;
	char *content_range;
	long retry_after;
	int64_t content_length;
	/* body sink: memory (max > 0), a blob writer, or discarded */
	char *body;
	size_t len;
	size_t max;
	bool too_large;
	char *errbody;
	size_t errlen;
	struct ct_blob_writer *writer;
	struct ct_layout *layout;
	const struct ct_descriptor *desc;
	bool body_started;
	ct_error_t werr; /* set by a callback that aborted the transfer */
	/* upload: from memory or a file range */
	const char *up_buf;
	int up_fd;
	int64_t up_off;
	int64_t up_len;
	int64_t up_pos;
	char errbuf[CURL_ERROR_SIZE];
};

static bool curl_ready;

static void
global_init (void)
{
	if (!curl_ready) {
		curl_global_init (CURL_GLOBAL_DEFAULT);
		curl_ready = true;
	}
}

static double
now_s (void)
{
	struct timespec ts;

	clock_gettime (CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void
sleep_s (double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t) s;
	ts.tv_nsec = (long) ((s - (double) ts.tv_sec) * 1e9);
	while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
		;
}

/* 0.5, 1, 2 s; a Retry-After (429) wins, up to 10 s. */
static double
backoff_s (int attempt, long retry_after)
{
	if (retry_after > 0)
		return (double) (retry_after > RETRY_AFTER_MAX ? RETRY_AFTER_MAX : retry_after);
	return 0.5 * (double) (1 << attempt);
}

static bool
host_is_local (const char *host)
{
	cleanup_free char *h = NULL;
	char *colon;

	if (host[0] == '[') {
		const char *end = strchr (host, ']');
		h = xstrndup (host + 1, end ? (size_t) (end - host - 1) : strlen (host + 1));
		return strcmp (h, "::1") == 0;
	}
	if (strcmp (host, "::1") == 0)
		return true;
	h = xstrdup (host);
	colon = strchr (h, ':');
	if (colon != NULL)
		*colon = '\0';
	if (strcmp (h, "localhost") == 0)
		return true;
	return strncmp (h, "127.", 4) == 0 && strspn (h, "0123456789.") == strlen (h);
}

/* Docker Hub's API is not served on the name references use. */
static const char *
api_host (const char *host)
{
	if (strcmp (host, "docker.io") == 0 || strcmp (host, "index.docker.io") == 0)
		return "registry-1.docker.io";
	return host;
}

static char *
trim (char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen (s);
	while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

/* ---- TLS material ---- */

static int
append_file (char **buf, size_t *len, const char *path, ct_error_t *err)
{
	cleanup_free char *data = NULL;
	size_t n;

	if (ct_fs_read_all_at (AT_FDCWD, path, 16u * 1024 * 1024, &data, &n, err) < 0)
		return -1;
	*buf = xrealloc (*buf, *len + n + 2);
	memcpy (*buf + *len, data, n);
	*len += n;
	(*buf)[(*len)++] = '\n';
	(*buf)[*len] = '\0';
	return 0;
}

static bool
has_suffix (const char *s, const char *suffix)
{
	size_t a = strlen (s), b = strlen (suffix);

	return a >= b && strcmp (s + a - b, suffix) == 0;
}

/* *.crt are CAs; X.cert + X.key (docker) or cert.pem + key.pem a client
   certificate.  A missing directory is no error (certs.d is optional). */
static int
load_cert_dir (struct ct_registry *r, const char *dir, bool *found, ct_error_t *err)
{
	cleanup_dir DIR *d = opendir (dir);
	struct dirent *e;

	if (d == NULL) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return ct_make_error (err, errno, "open the certificate directory `%s`", dir);
	}
	*found = true;
	while ((e = readdir (d)) != NULL) {
		cleanup_free char *path = NULL;

		xasprintf (&path, "%s/%s", dir, e->d_name);
		if (has_suffix (e->d_name, ".crt")) {
			if (r->ca_blob == NULL) {
				/* Start from libcurl's own bundle: the private CA adds to it. */
				CURL *h = curl_easy_init ();
				char *def = NULL;

				if (h != NULL && curl_easy_getinfo (h, CURLINFO_CAINFO, &def) == CURLE_OK &&
				    def != NULL && access (def, R_OK) == 0) {
					ct_error_t ignored = NULL;
					if (append_file (&r->ca_blob, &r->ca_blob_len, def, &ignored) < 0)
						ct_error_release (&ignored);
				}
				if (h != NULL)
					curl_easy_cleanup (h);
			}
			if (append_file (&r->ca_blob, &r->ca_blob_len, path, err) < 0)
				return -1;
		} else if (has_suffix (e->d_name, ".cert") || strcmp (e->d_name, "cert.pem") == 0) {
			cleanup_free char *key = NULL;

			if (strcmp (e->d_name, "cert.pem") == 0)
				xasprintf (&key, "%s/key.pem", dir);
			else
				xasprintf (&key, "%.*s.key", (int) (strlen (path) - 5), path);
			if (access (key, R_OK) != 0)
				return ct_make_error (err, 0, "client certificate `%s` has no key `%s`", path, key);
			free (r->client_cert);
			free (r->client_key);
			r->client_cert = steal_pointer (&path);
			r->client_key = steal_pointer (&key);
		}
	}
	return 0;
}

/* ---- the registry handle ---- */

int
ct_registry_open (const char *host, const char *repository, const struct ct_registry_opts *opts,
                  struct ct_registry **out, ct_error_t *err)
{
	struct ct_registry *r;
	const char *env;
	bool found = false;

	global_init ();
	r = xzalloc (sizeof *r);
	r->host = xstrdup (host);
	r->repo = xstrdup (repository ? repository : "");
	r->op = xstrdup (opts && opts->op ? opts->op : "pull");
	r->tls_verify = opts ? opts->tls_verify : -1;
	r->push = opts ? opts->push : false;
	r->parallel = opts && opts->parallel > 0 ? opts->parallel : 6;
	if (opts && opts->user) {
		r->user = xstrdup (opts->user);
		r->pass = xstrdup (opts->pass ? opts->pass : "");
		r->creds_loaded = true;
	}
	r->may_fall_back = r->tls_verify == 0 || (r->tls_verify < 0 && host_is_local (host));
	r->stall = STALL_TIMEOUT;
	env = getenv ("CIMAGE_STALL_TIMEOUT");
	if (env != NULL && *env != '\0') {
		char *end;
		long v = strtol (env, &end, 10);
		if (*end == '\0' && v > 0)
			r->stall = v;
	}
	r->chunk_size = DEFAULT_CHUNK;
	env = getenv ("CIMAGE_CHUNK_SIZE");
	if (env != NULL && *env != '\0') {
		char *end;
		long long v = strtoll (env, &end, 10);
		if (*end == '\0' && v > 0)
			r->chunk_size = v;
	}
	/* Tests slow transfers down to interrupt them mid-blob. */
	env = getenv ("CIMAGE_RATE_LIMIT");
	if (env != NULL && *env != '\0') {
		char *end;
		long long v = strtoll (env, &end, 10);
		if (*end == '\0' && v > 0)
			r->rate_limit = v;
	}
	xasprintf (&r->user_agent, "cimage/%s", PACKAGE_VERSION);
	r->share = curl_share_init ();
	if (r->share != NULL) {
		curl_share_setopt (r->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
		curl_share_setopt (r->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
		curl_share_setopt (r->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
	}

	if (opts && opts->cert_dir) {
		r->cert_dir = xstrdup (opts->cert_dir);
		if (load_cert_dir (r, opts->cert_dir, &found, err) < 0)
			goto fail;
		if (!found) {
			ct_make_error (err, ENOENT, "open the certificate directory `%s`", opts->cert_dir);
			goto fail;
		}
	} else {
		const char *roots[] = { "/etc/containers/certs.d", "/etc/docker/certs.d" };
		for (size_t i = 0; i < CT_ARRAY_SIZE (roots); i++) {
			cleanup_free char *dir = NULL;

			xasprintf (&dir, "%s/%s", roots[i], host);
			if (load_cert_dir (r, dir, &found, err) < 0)
				goto fail;
		}
	}
	*out = r;
	return 0;
fail:
	ct_registry_free (r);
	return -1;
}

void
ct_registry_free (struct ct_registry *r)
{
	if (r == NULL)
		return;
	free (r->host);
	free (r->repo);
	free (r->op);
	free (r->cert_dir);
	free (r->user);
	free (r->pass);
	free (r->base);
	free (r->ca_blob);
	free (r->client_cert);
	free (r->client_key);
	if (r->share)
		curl_share_cleanup (r->share);
	free (r->authz);
	free (r->extra_scope);
	free (r->user_agent);
	free (r);
}

void
ct_registry_freep (struct ct_registry **r)
{
	ct_registry_free (*r);
	*r = NULL;
}

/* ---- one exchange ---- */

static void
xfer_reset_response (struct xfer *x)
{
	x->status = 0;
	free (x->content_type);
	free (x->location);
	free (x->docker_digest);
	free (x->www_auth);
	free (x->content_range);
	x->content_type = x->location = x->docker_digest = x->www_auth = x->content_range = NULL;
	x->retry_after = 0;
	x->content_length = -1;
	free (x->body);
	x->body = NULL;
	x->len = 0;
	x->too_large = false;
	free (x->errbody);
	x->errbody = NULL;
	x->errlen = 0;
	x->body_started = false;
	x->up_pos = 0;
	x->errbuf[0] = '\0';
}

static void
xfer_clear (struct xfer *x)
{
	xfer_reset_response (x);
	if (x->h)
		curl_easy_cleanup (x->h);
	x->h = NULL;
	curl_slist_free_all (x->hdrs);
	x->hdrs = NULL;
	free (x->url);
	x->url = NULL;
	ct_blob_writer_free (x->writer);
	x->writer = NULL;
	ct_error_release (&x->werr);
}

static size_t
header_cb (char *data, size_t size, size_t nmemb, void *userdata)
{
	struct xfer *x = userdata;
	size_t n = size * nmemb;
	cleanup_free char *line = xstrndup (data, n);
	char *colon, *name, *value;

	if (strncmp (line, "HTTP/", 5) == 0) {
		const char *sp = strchr (line, ' ');

		/* A new response (after a redirect or a 100): forget the last one's headers. */
		free (x->content_type);
		free (x->location);
		free (x->docker_digest);
		free (x->www_auth);
		free (x->content_range);
		x->content_type = x->location = x->docker_digest = x->www_auth = x->content_range = NULL;
		x->retry_after = 0;
		x->content_length = -1;
		x->status = sp ? strtol (sp + 1, NULL, 10) : 0;
		return n;
	}
	colon = strchr (line, ':');
	if (colon == NULL)
		return n;
	*colon = '\0';
	name = trim (line);
	value = trim (colon + 1);
	if (strcasecmp (name, "content-type") == 0) {
		free (x->content_type);
		x->content_type = xstrdup (value);
	} else if (strcasecmp (name, "location") == 0) {
		free (x->location);
		x->location = xstrdup (value);
	} else if (strcasecmp (name, "docker-content-digest") == 0) {
		free (x->docker_digest);
		x->docker_digest = xstrdup (value);
	} else if (strcasecmp (name, "www-authenticate") == 0) {
		/* Several challenges: keep the first Bearer or Basic one. */
		if (x->www_auth == NULL)
			x->www_auth = xstrdup (value);
	} else if (strcasecmp (name, "content-range") == 0) {
		free (x->content_range);
		x->content_range = xstrdup (value);
	} else if (strcasecmp (name, "retry-after") == 0) {
		x->retry_after = strtol (value, NULL, 10);
	} else if (strcasecmp (name, "content-length") == 0) {
		x->content_length = strtoll (value, NULL, 10);
		if (x->max > 0 && x->status >= 200 && x->status < 300 && x->content_length > (int64_t) x->max) {
			x->too_large = true;
			return 0;
		}
	}
	return n;
}

/* A 206 must continue where the writer stands; a 200 to a Range request
   starts over. */
static int
start_blob_body (struct xfer *x)
{
	int64_t off = ct_blob_writer_offset (x->writer);

	if (x->status == 200 && off > 0) {
		ct_blob_writer_free (x->writer);
		x->writer = NULL;
		if (ct_blob_writer_new (x->layout, x->desc->digest, x->desc->size, &x->writer, &x->werr) < 0)
			return -1;
	} else if (x->status == 206) {
		const char *cr = x->content_range;
		long long start = -1;

		if (cr != NULL && strncmp (cr, "bytes ", 6) == 0)
			start = strtoll (cr + 6, NULL, 10);
		if (start != off)
			return ct_make_error (&x->werr, 0, "unexpected Content-Range `%s` (resuming at %lld)",
			                      cr ? cr : "", (long long) off);
	}
	return 0;
}

static size_t
write_cb (char *data, size_t size, size_t nmemb, void *userdata)
{
	struct xfer *x = userdata;
	size_t n = size * nmemb;

	if (x->status >= 200 && x->status < 300) {
		if (x->writer != NULL) {
			if (!x->body_started) {
				x->body_started = true;
				if (start_blob_body (x) < 0)
					return 0;
			}
			if (ct_blob_writer_write (x->writer, data, n, &x->werr) < 0)
				return 0;
			return n;
		}
		if (x->max == 0)
			return n;
		if (x->len + n > x->max) {
			x->too_large = true;
			return 0;
		}
		x->body = xrealloc (x->body, x->len + n + 1);
		memcpy (x->body + x->len, data, n);
		x->len += n;
		x->body[x->len] = '\0';
		return n;
	}
	/* An error answer: keep the start of it for the registry's error code. */
	if (x->errlen < ERRBODY_MAX) {
		size_t take = n < ERRBODY_MAX - x->errlen ? n : ERRBODY_MAX - x->errlen;
		x->errbody = xrealloc (x->errbody, x->errlen + take + 1);
		memcpy (x->errbody + x->errlen, data, take);
		x->errlen += take;
		x->errbody[x->errlen] = '\0';
	}
	return n;
}

static size_t
read_cb (char *buf, size_t size, size_t nmemb, void *userdata)
{
	struct xfer *x = userdata;
	size_t want = size * nmemb;
	int64_t left = x->up_len - x->up_pos;
	ssize_t got;

	if (left <= 0)
		return 0;
	if ((int64_t) want > left)
		want = (size_t) left;
	if (x->up_buf != NULL) {
		memcpy (buf, x->up_buf + x->up_pos, want);
		x->up_pos += (int64_t) want;
		return want;
	}
	do
		got = pread (x->up_fd, buf, want, (off_t) (x->up_off + x->up_pos));
	while (got < 0 && errno == EINTR);
	if (got <= 0) {
		ct_make_error (&x->werr, got < 0 ? errno : EIO, "read the blob being uploaded");
		return CURL_READFUNC_ABORT;
	}
	x->up_pos += got;
	return (size_t) got;
}

static void
easy_setup (struct xfer *x)
{
	struct ct_registry *r = x->r;
	struct curl_slist *h = NULL;

	if (x->h == NULL)
		x->h = curl_easy_init ();
	else
		curl_easy_reset (x->h);
	if (x->h == NULL)
		abort ();
	xfer_reset_response (x);
	curl_easy_setopt (x->h, CURLOPT_URL, x->url);
	curl_easy_setopt (x->h, CURLOPT_USERAGENT, r->user_agent);
	curl_easy_setopt (x->h, CURLOPT_NOSIGNAL, 1L);
	if (r->share)
		curl_easy_setopt (x->h, CURLOPT_SHARE, r->share);
	curl_easy_setopt (x->h, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt (x->h, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
	curl_easy_setopt (x->h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt (x->h, CURLOPT_LOW_SPEED_TIME, r->stall);
	if (r->rate_limit > 0)
		curl_easy_setopt (x->h, CURLOPT_MAX_RECV_SPEED_LARGE, (curl_off_t) r->rate_limit);
	curl_easy_setopt (x->h, CURLOPT_HTTP_VERSION, (long) CURL_HTTP_VERSION_2TLS);
	/* 256 KiB reads: a sixteenth of the write and hash calls of the default */
	curl_easy_setopt (x->h, CURLOPT_BUFFERSIZE, 256L * 1024);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt (x->h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt (x->h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#endif
	/* Registries redirect blobs to storage.  libcurl (>= 7.58) does not send
	   a custom Authorization header to another host on a redirect. */
	curl_easy_setopt (x->h, CURLOPT_FOLLOWLOCATION, x->follow ? 1L : 0L);
	curl_easy_setopt (x->h, CURLOPT_MAXREDIRS, 10L);
	curl_easy_setopt (x->h, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt (x->h, CURLOPT_HEADERDATA, x);
	curl_easy_setopt (x->h, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt (x->h, CURLOPT_WRITEDATA, x);
	curl_easy_setopt (x->h, CURLOPT_PRIVATE, x);
	if (r->tls_verify == 0) {
		curl_easy_setopt (x->h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt (x->h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (r->ca_blob != NULL) {
		struct curl_blob blob = { .data = r->ca_blob, .len = r->ca_blob_len, .flags = CURL_BLOB_NOCOPY };
		curl_easy_setopt (x->h, CURLOPT_CAINFO_BLOB, &blob);
	}
	if (r->client_cert != NULL) {
		curl_easy_setopt (x->h, CURLOPT_SSLCERT, r->client_cert);
		curl_easy_setopt (x->h, CURLOPT_SSLKEY, r->client_key);
	}

	for (struct curl_slist *s = x->hdrs; s; s = s->next)
		h = curl_slist_append (h, s->data);
	if (r->authz)
		h = curl_slist_append (h, r->authz);
	x->auth_gen = r->auth_gen;
	h = curl_slist_append (h, "Expect:");
	curl_easy_setopt (x->h, CURLOPT_HTTPHEADER, h);
	/* the list must outlive the transfer: keep it on the handle's private list */
	curl_slist_free_all (x->hdrs);
	x->hdrs = h;

	if (strcmp (x->method, "HEAD") == 0)
		curl_easy_setopt (x->h, CURLOPT_NOBODY, 1L);
	else if (strcmp (x->method, "POST") == 0) {
		curl_easy_setopt (x->h, CURLOPT_POST, 1L);
		curl_easy_setopt (x->h, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt (x->h, CURLOPT_POSTFIELDSIZE, 0L);
	} else if (strcmp (x->method, "PUT") == 0 || strcmp (x->method, "PATCH") == 0) {
		curl_easy_setopt (x->h, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt (x->h, CURLOPT_READFUNCTION, read_cb);
		curl_easy_setopt (x->h, CURLOPT_READDATA, x);
		curl_easy_setopt (x->h, CURLOPT_INFILESIZE_LARGE, (curl_off_t) x->up_len);
		if (strcmp (x->method, "PATCH") == 0)
			curl_easy_setopt (x->h, CURLOPT_CUSTOMREQUEST, "PATCH");
	}
}

/* The request headers are rebuilt on every attempt from x->hdrs, which then
   also holds Authorization and Expect: strip those before the next attempt. */
static void
xfer_strip_added_headers (struct xfer *x)
{
	struct curl_slist *keep = NULL;

	for (struct curl_slist *s = x->hdrs; s; s = s->next)
		if (strncasecmp (s->data, "Authorization:", 14) != 0 && strcmp (s->data, "Expect:") != 0)
			keep = curl_slist_append (keep, s->data);
	curl_slist_free_all (x->hdrs);
	x->hdrs = keep;
}

static void
xfer_init (struct xfer *x, struct ct_registry *r, const char *method, char *url)
{
	memset (x, 0, sizeof *x);
	x->r = r;
	x->method = method;
	x->url = url;
	x->follow = strcmp (method, "GET") == 0 || strcmp (method, "HEAD") == 0;
	x->up_fd = -1;
	x->content_length = -1;
}

static void xfer_header (struct xfer *x, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

static void
xfer_header (struct xfer *x, const char *fmt, ...)
{
	va_list ap;
	char *line = NULL;

	va_start (ap, fmt);
	if (vasprintf (&line, fmt, ap) < 0)
		abort ();
	va_end (ap);
	x->hdrs = curl_slist_append (x->hdrs, line);
	free (line);
}

/* ---- errors ---- */

/* The registry's first error code, "MANIFEST_UNKNOWN" -> "manifest unknown". */
static char *
registry_error_code (const char *body, size_t len)
{
	cleanup_yajl yajl_val tree = NULL;
	ct_error_t ignored = NULL;
	yajl_val errors, code;
	char *s;

	if (body == NULL || len == 0)
		return NULL;
	if (ct_json_parse (body, len, &tree, &ignored) < 0) {
		ct_error_release (&ignored);
		return NULL;
	}
	errors = ct_json_lookup (tree, "errors");
	if (errors == NULL || !YAJL_IS_ARRAY (errors) || errors->u.array.len == 0)
		return NULL;
	code = ct_json_lookup (errors->u.array.values[0], "code");
	if (code == NULL || !YAJL_IS_STRING (code))
		return NULL;
	s = xstrdup (YAJL_GET_STRING (code));
	for (char *p = s; *p; p++)
		*p = *p == '_' ? ' ' : (char) tolower ((unsigned char) *p);
	return s;
}

static const char *
status_text (long status)
{
	switch (status) {
	case 400:
		return "bad request";
	case 401:
		return "unauthorized";
	case 403:
		return "denied";
	case 404:
		return "not found";
	case 405:
		return "method not allowed";
	case 416:
		return "range not satisfiable";
	case 429:
		return "too many requests";
	case 500:
		return "internal server error";
	case 502:
		return "bad gateway";
	case 503:
		return "service unavailable";
	case 504:
		return "gateway timeout";
	default:
		return "unexpected answer";
	}
}

static int
http_error (struct ct_registry *r, struct xfer *x, const char *what, ct_error_t *err)
{
	cleanup_free char *code = registry_error_code (x->errbody, x->errlen);

	return ct_make_error (err, 0, "%s `%s`: %s (%ld)", r->op, what, code ? code : status_text (x->status),
	                      x->status);
}

static bool
curl_code_is_tls (CURLcode c)
{
	switch (c) {
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_INVALIDCERTSTATUS:
		return true;
	default:
		return false;
	}
}

static bool
curl_code_is_transient (CURLcode c)
{
	switch (c) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

static int
curl_error (struct ct_registry *r, struct xfer *x, CURLcode c, const char *what, ct_error_t *err)
{
	const char *detail = x->errbuf[0] ? x->errbuf : curl_easy_strerror (c);

	if (x->werr != NULL) {
		ct_error_t e = steal_pointer (&x->werr);
		*err = e;
		return ct_error_wrap (err, "%s `%s`", r->op, what);
	}
	if (x->too_large)
		return ct_make_error (err, 0, "%s `%s`: manifest too large (over the %zu MiB limit)", r->op, what,
		                      x->max >> 20);
	if (c == CURLE_OPERATION_TIMEDOUT)
		return ct_make_error (err, ETIMEDOUT, "%s `%s`: timed out: %s", r->op, what, detail);
	if (curl_code_is_tls (c))
		return ct_make_error (err, 0,
		                      "%s `%s`: tls: %s (use --cert-dir for a private CA, or --tls-verify=false)",
		                      r->op, what, detail);
	return ct_make_error (err, 0, "%s `%s`: %s", r->op, what, detail);
}

/* ---- auth ---- */

static void
load_creds (struct ct_registry *r)
{
	ct_error_t e = NULL;

	if (r->creds_loaded)
		return;
	r->creds_loaded = true;
	if (ct_auth_lookup (r->host, &r->user, &r->pass, &e) < 0) {
		/* A broken auth file: anonymous access may still work. */
		ct_log_warning ("%s", e->msg);
		ct_error_release (&e);
	}
}

/* Parse `Scheme k="v", k2=v2, ...`: quoted values may hold commas and
   escaped quotes.  Returns the scheme; params in parallel vectors. */
char *
ct_registry_parse_challenge (const char *s, char ***keys, char ***values)
{
	const char *p = s;
	char *scheme;

	while (*p == ' ')
		p++;
	s = p;
	while (*p && *p != ' ')
		p++;
	scheme = xstrndup (s, (size_t) (p - s));
	for (;;) {
		const char *k;
		char *key, *val;
		size_t vl = 0;

		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		k = p;
		while (*p && *p != '=' && *p != ',' && *p != ' ')
			p++;
		key = xstrndup (k, (size_t) (p - k));
		while (*p == ' ')
			p++;
		if (*p != '=') {
			free (key);
			continue;
		}
		p++;
		while (*p == ' ')
			p++;
		val = xmalloc (strlen (p) + 1);
		if (*p == '"') {
			p++;
			while (*p && *p != '"') {
				if (*p == '\\' && p[1])
					p++;
				val[vl++] = *p++;
			}
			if (*p == '"')
				p++;
		} else {
			while (*p && *p != ',' && *p != ' ')
				val[vl++] = *p++;
		}
		val[vl] = '\0';
		for (char *c = key; *c; c++)
			*c = (char) tolower ((unsigned char) *c);
		ct_strv_take (keys, key);
		ct_strv_take (values, val);
	}
	return scheme;
}

static const char *
param (char **keys, char **values, const char *name)
{
	for (size_t i = 0; keys && keys[i]; i++)
		if (strcmp (keys[i], name) == 0)
			return values[i];
	return NULL;
}

static char *
basic_header (const char *user, const char *pass)
{
	cleanup_free char *plain = NULL;
	cleanup_free char *b64 = NULL;
	char *h;
	size_t n;

	xasprintf (&plain, "%s:%s", user, pass);
	n = strlen (plain);
	b64 = xmalloc (4 * ((n + 2) / 3) + 1);
	EVP_EncodeBlock ((unsigned char *) b64, (const unsigned char *) plain, (int) n);
	xasprintf (&h, "Authorization: Basic %s", b64);
	return h;
}

static int request (struct ct_registry *r, struct xfer *x, const char *what, bool allow_auth, ct_error_t *err);

static int
fetch_token (struct ct_registry *r, const char *realm, const char *service, const char *what, ct_error_t *err)
{
	struct xfer x;
	cleanup_free char *url = NULL;
	CURLU *u = curl_url ();
	char *full = NULL;
	cleanup_yajl yajl_val tree = NULL;
	yajl_val tok;
	cleanup_free char *saved_authz = r->authz;
	int ret = -1;

	r->authz = NULL;
	if (u == NULL || curl_url_set (u, CURLUPART_URL, realm, 0) != CURLUE_OK) {
		if (u)
			curl_url_cleanup (u);
		r->authz = steal_pointer (&saved_authz);
		return ct_make_error (err, 0, "%s `%s`: invalid token realm `%s`", r->op, what, realm);
	}
	if (service != NULL) {
		cleanup_free char *q = NULL;
		xasprintf (&q, "service=%s", service);
		curl_url_set (u, CURLUPART_QUERY, q, CURLU_APPENDQUERY | CURLU_URLENCODE);
	}
	if (r->repo[0] != '\0') {
		cleanup_free char *q = NULL;
		xasprintf (&q, "scope=repository:%s:%s", r->repo, r->push ? "pull,push" : "pull");
		curl_url_set (u, CURLUPART_QUERY, q, CURLU_APPENDQUERY | CURLU_URLENCODE);
	}
	if (r->extra_scope != NULL) {
		cleanup_free char *q = NULL;
		xasprintf (&q, "scope=%s", r->extra_scope);
		curl_url_set (u, CURLUPART_QUERY, q, CURLU_APPENDQUERY | CURLU_URLENCODE);
	}
	curl_url_get (u, CURLUPART_URL, &full, 0);
	curl_url_cleanup (u);
	url = xstrdup (full);
	curl_free (full);

	load_creds (r);
	if (r->user != NULL)
		r->authz = basic_header (r->user, r->pass);
	xfer_init (&x, r, "GET", steal_pointer (&url));
	x.max = 1024 * 1024;
	if (request (r, &x, what, false, err) < 0)
		goto out;
	if (x.status == 401 || x.status == 403) {
		cleanup_free char *code = registry_error_code (x.errbody, x.errlen);
		ct_make_error (err, 0, "%s `%s`: authentication failed (%ld)%s%s", r->op, what, x.status,
		               code ? ": " : "", code ? code : "");
		goto out;
	}
	if (x.status != 200) {
		http_error (r, &x, what, err);
		ct_error_wrap (err, "token from `%s`", realm);
		goto out;
	}
	if (ct_json_parse (x.body ? x.body : "", x.len, &tree, err) < 0) {
		ct_error_wrap (err, "%s `%s`: token from `%s`", r->op, what, realm);
		goto out;
	}
	tok = ct_json_lookup (tree, "token");
	if (tok == NULL || !YAJL_IS_STRING (tok) || YAJL_GET_STRING (tok)[0] == '\0')
		tok = ct_json_lookup (tree, "access_token");
	if (tok == NULL || !YAJL_IS_STRING (tok) || YAJL_GET_STRING (tok)[0] == '\0') {
		ct_make_error (err, 0, "%s `%s`: the token server `%s` sent no token", r->op, what, realm);
		goto out;
	}
	free (r->authz);
	xasprintf (&r->authz, "Authorization: Bearer %s", YAJL_GET_STRING (tok));
	r->scheme = AUTH_BEARER;
	r->auth_gen++;
	ret = 0;
out:
	if (ret < 0) {
		free (r->authz);
		r->authz = NULL;
	}
	xfer_clear (&x);
	return ret;
}

/* Answer a 401 challenge: new credentials in r->authz. */
static int
authenticate (struct ct_registry *r, const char *challenge, const char *what, ct_error_t *err)
{
	cleanup_strv char **keys = NULL;
	cleanup_strv char **values = NULL;
	cleanup_free char *scheme = NULL;

	if (challenge == NULL)
		return ct_make_error (err, 0, "%s `%s`: unauthorized (401) and no WWW-Authenticate challenge", r->op,
		                      what);
	scheme = ct_registry_parse_challenge (challenge, &keys, &values);
	if (strcasecmp (scheme, "basic") == 0) {
		load_creds (r);
		if (r->user == NULL)
			return ct_make_error (
			        err, 0,
			        "%s `%s`: authentication required (401): no credentials for `%s` (cimage login)", r->op,
			        what, r->host);
		free (r->authz);
		r->authz = basic_header (r->user, r->pass);
		r->scheme = AUTH_BASIC;
		r->auth_gen++;
		return 0;
	}
	if (strcasecmp (scheme, "bearer") == 0) {
		const char *realm = param (keys, values, "realm");
		if (realm == NULL)
			return ct_make_error (err, 0, "%s `%s`: bearer challenge without a realm", r->op, what);
		return fetch_token (r, realm, param (keys, values, "service"), what, err);
	}
	return ct_make_error (err, 0, "%s `%s`: unsupported authentication scheme `%s`", r->op, what, scheme);
}

static int
auth_failed (struct ct_registry *r, struct xfer *x, const char *what, ct_error_t *err)
{
	cleanup_free char *code = registry_error_code (x->errbody, x->errlen);

	return ct_make_error (err, 0, "%s `%s`: authentication failed (401)%s%s", r->op, what, code ? ": " : "",
	                      code ? code : "");
}

/* Perform x with retries (connect errors, timeouts, 429, 5xx) and the auth
   flow (one new credential per 401).  0 with x->status set: the caller
   judges the status; -1 for transport errors and failed auth. */
static int
request (struct ct_registry *r, struct xfer *x, const char *what, bool allow_auth, ct_error_t *err)
{
	int attempt = 0;
	bool reauthed = false;

	for (;;) {
		CURLcode c;

		xfer_strip_added_headers (x);
		easy_setup (x);
		c = curl_easy_perform (x->h);
		if (x->werr != NULL || x->too_large)
			return curl_error (r, x, c, what, err);
		if (c != CURLE_OK) {
			if (curl_code_is_transient (c) && attempt < MAX_RETRIES) {
				ct_log_debug ("%s: %s; retrying", x->url, x->errbuf);
				sleep_s (backoff_s (attempt++, 0));
				continue;
			}
			return curl_error (r, x, c, what, err);
		}
		if (x->status == 401 && allow_auth) {
			if (reauthed)
				return auth_failed (r, x, what, err);
			if (authenticate (r, x->www_auth, what, err) < 0)
				return -1;
			reauthed = true;
			continue;
		}
		if ((x->status == 429 || x->status >= 500) && attempt < MAX_RETRIES) {
			ct_log_debug ("%s: HTTP %ld; retrying", x->url, x->status);
			sleep_s (backoff_s (attempt++, x->status == 429 ? x->retry_after : 0));
			continue;
		}
		return 0;
	}
}

/* Whether host speaks TLS at all: a handshake only, without verification, so
   no CA bundle is loaded (that alone costs ~25 ms, more than a small pull of
   a plain-http localhost registry).  Returns the handshake's curl code. */
static CURLcode
tls_handshake_probe (struct ct_registry *r, char *errbuf)
{
	cleanup_free char *url = NULL;
	CURL *h = curl_easy_init ();
	CURLcode c;

	if (h == NULL)
		return CURLE_FAILED_INIT;
	xasprintf (&url, "https://%s/", r->host);
	curl_easy_setopt (h, CURLOPT_URL, url);
	curl_easy_setopt (h, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt (h, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt (h, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt (h, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
	curl_easy_setopt (h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt (h, CURLOPT_ERRORBUFFER, errbuf);
	errbuf[0] = '\0';
	c = curl_easy_perform (h);
	curl_easy_cleanup (h);
	return c;
}

/* https, or http for local and --tls-verify=false hosts whose https fails
   at the TLS level while http answers as a registry. */
static int
ensure_base (struct ct_registry *r, const char *what, ct_error_t *err)
{
	struct xfer x;
	CURLcode c, tls_code;
	cleanup_free char *tls_detail = NULL;
	int ret = 0;

	if (r->base != NULL)
		return 0;
	if (!r->may_fall_back) {
		xasprintf (&r->base, "https://%s", api_host (r->host));
		return 0;
	}
	xfer_init (&x, r, "GET", NULL);
	/* A server that cannot even do a TLS handshake is plain http: skip the
	   verified https request.  One that can is checked with verification. */
	c = tls_handshake_probe (r, x.errbuf);
	if (!curl_code_is_tls (c)) {
		xasprintf (&x.url, "https://%s/v2/", r->host);
		easy_setup (&x);
		c = curl_easy_perform (x.h);
		if (!curl_code_is_tls (c)) {
			xasprintf (&r->base, "https://%s", r->host);
			goto out;
		}
	}
	tls_code = c;
	tls_detail = xstrdup (x.errbuf[0] ? x.errbuf : curl_easy_strerror (c));
	free (x.url);
	xasprintf (&x.url, "http://%s/v2/", r->host);
	xfer_strip_added_headers (&x);
	easy_setup (&x);
	c = curl_easy_perform (x.h);
	if (c == CURLE_OK && (x.status == 200 || x.status == 401)) {
		ct_log_debug ("%s: https failed (%s), using http", r->host, tls_detail);
		xasprintf (&r->base, "http://%s", r->host);
		goto out;
	}
	ct_make_error (err, 0, "%s `%s`: tls: %s (use --cert-dir for a private CA, or --tls-verify=false)", r->op, what,
	               tls_detail);
	(void) tls_code;
	ret = -1;
out:
	xfer_clear (&x);
	return ret;
}

static char *
what_of (struct ct_registry *r, const char *sep, const char *ref)
{
	char *s;

	if (r->repo[0] == '\0')
		return xstrdup (r->host);
	xasprintf (&s, "%s/%s%s%s", r->host, r->repo, ref ? sep : "", ref ? ref : "");
	return s;
}

static const char *
ref_sep (const char *ref)
{
	return strchr (ref, ':') ? "@" : ":";
}

int
ct_registry_ping (struct ct_registry *r, ct_error_t *err)
{
	cleanup_free char *what = what_of (r, "", NULL);
	struct xfer x;
	int ret = -1;

	if (ensure_base (r, what, err) < 0)
		return -1;
	xfer_init (&x, r, "GET", NULL);
	xasprintf (&x.url, "%s/v2/", r->base);
	if (request (r, &x, what, true, err) < 0)
		goto out;
	if (x.status != 200) {
		http_error (r, &x, what, err);
		goto out;
	}
	ret = 0;
out:
	xfer_clear (&x);
	return ret;
}

/* ---- manifests ---- */

static bool
generic_type (const char *t)
{
	return t == NULL || *t == '\0' || strcmp (t, "application/json") == 0 || strcmp (t, "text/plain") == 0 ||
	       strcmp (t, "application/octet-stream") == 0 || strcmp (t, "binary/octet-stream") == 0;
}

int
ct_registry_get_manifest (struct ct_registry *r, const char *ref, char **buf, size_t *len, char **media_type,
                          char **digest, ct_error_t *err)
{
	cleanup_free char *what = what_of (r, ref_sep (ref), ref);
	cleanup_free char *mt = NULL;
	cleanup_free char *dg = NULL;
	enum ct_digest_algo algo = CT_DIGEST_SHA256;
	bool by_digest = strchr (ref, ':') != NULL;
	struct xfer x;
	int ret = -1;

	if (by_digest && ct_digest_parse (ref, &algo, NULL, err) < 0)
		return ct_error_wrap (err, "%s `%s`", r->op, what);
	if (ensure_base (r, what, err) < 0)
		return -1;
	xfer_init (&x, r, "GET", NULL);
	xasprintf (&x.url, "%s/v2/%s/manifests/%s", r->base, r->repo, ref);
	x.max = CT_IMAGE_MAX_DOC;
	xfer_header (&x, "Accept: %s, %s, %s, %s", CT_MT_OCI_MANIFEST, CT_MT_OCI_INDEX, CT_MT_DOCKER_MANIFEST,
	             CT_MT_DOCKER_LIST);
	if (request (r, &x, what, true, err) < 0)
		goto out;
	if (x.status != 200) {
		http_error (r, &x, what, err);
		goto out;
	}
	if (x.body == NULL)
		x.body = xstrdup ("");
	if (x.content_type != NULL) {
		char *semi = strchr (x.content_type, ';');
		if (semi)
			*semi = '\0';
		mt = xstrdup (trim (x.content_type));
	}
	if (generic_type (mt)) {
		free (mt);
		mt = ct_image_sniff_media_type (x.body, x.len);
		if (mt == NULL) {
			ct_make_error (err, 0, "%s `%s`: cannot tell what the manifest is (no media type)", r->op,
			               what);
			goto out;
		}
	}
	if (ct_image_doc_kind (mt) == CT_DOC_UNKNOWN) {
		ct_make_error (err, 0, "%s `%s`: unsupported manifest media type `%s`", r->op, what, mt);
		goto out;
	}
	if (x.docker_digest != NULL && x.docker_digest[0] != '\0') {
		enum ct_digest_algo dalgo;
		cleanup_free char *computed = NULL;

		if (ct_digest_parse (x.docker_digest, &dalgo, NULL, err) < 0) {
			ct_error_wrap (err, "%s `%s`: Docker-Content-Digest", r->op, what);
			goto out;
		}
		computed = ct_digest_buffer (dalgo, x.body, x.len, err);
		if (computed == NULL)
			goto out;
		if (strcmp (computed, x.docker_digest) != 0) {
			ct_make_error (err, 0, "%s `%s`: digest mismatch: the registry says %s, the manifest is %s",
			               r->op, what, x.docker_digest, computed);
			goto out;
		}
	}
	dg = ct_digest_buffer (algo, x.body, x.len, err);
	if (dg == NULL)
		goto out;
	if (by_digest && strcmp (dg, ref) != 0) {
		ct_make_error (err, 0, "%s `%s`: digest mismatch: expected %s, got %s", r->op, what, ref, dg);
		goto out;
	}
	*buf = steal_pointer (&x.body);
	*len = x.len;
	*media_type = steal_pointer (&mt);
	*digest = steal_pointer (&dg);
	ret = 0;
out:
	xfer_clear (&x);
	return ret;
}

int
ct_registry_put_manifest (struct ct_registry *r, const char *ref, const char *media_type, const char *buf, size_t len,
                          ct_error_t *err)
{
	cleanup_free char *what = what_of (r, ref_sep (ref), ref);
	struct xfer x;
	int ret = -1;

	if (ensure_base (r, what, err) < 0)
		return -1;
	xfer_init (&x, r, "PUT", NULL);
	xasprintf (&x.url, "%s/v2/%s/manifests/%s", r->base, r->repo, ref);
	xfer_header (&x, "Content-Type: %s", media_type);
	x.up_buf = buf;
	x.up_len = (int64_t) len;
	if (request (r, &x, what, true, err) < 0)
		goto out;
	if (x.status != 201 && x.status != 200 && x.status != 202) {
		http_error (r, &x, what, err);
		goto out;
	}
	ret = 0;
out:
	xfer_clear (&x);
	return ret;
}

int
ct_registry_get_blob (struct ct_registry *r, const struct ct_descriptor *d, size_t max, char **buf, size_t *len,
                      ct_error_t *err)
{
	cleanup_free char *what = what_of (r, "@", d->digest);
	struct xfer x;
	int ret = -1;

	if (d->size >= 0 && (uint64_t) d->size > max)
		return ct_make_error (err, EFBIG, "%s `%s`: blob too large (%lld bytes, at most %zu)", r->op, what,
		                      (long long) d->size, max);
	if (ensure_base (r, what, err) < 0)
		return -1;
	xfer_init (&x, r, "GET", NULL);
	xasprintf (&x.url, "%s/v2/%s/blobs/%s", r->base, r->repo, d->digest);
	x.max = max;
	if (request (r, &x, what, true, err) < 0)
		goto out;
	if (x.status != 200) {
		http_error (r, &x, what, err);
		goto out;
	}
	if (ct_digest_verify_buffer (d->digest, d->size, x.body ? x.body : "", x.len, err) < 0) {
		ct_error_wrap (err, "%s `%s`", r->op, what);
		goto out;
	}
	if (x.body == NULL)
		x.body = xstrdup ("");
	*buf = steal_pointer (&x.body);
	*len = x.len;
	ret = 0;
out:
	xfer_clear (&x);
	return ret;
}

/* ---- parallel blob downloads ---- */

struct job {
	const struct ct_descriptor *d;
	struct xfer x;
	int slot;
	int attempts;
	bool reauthed;
	bool running;
	bool done;
	double not_before;
};

static char *
short_digest (const char *digest)
{
	const char *colon = strchr (digest, ':');
	size_t n = colon ? (size_t) (colon - digest) + 1 + 12 : 12;

	return xstrndup (digest, n);
}

static bool
seen_before (const struct ct_descriptor *blobs, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (strcmp (blobs[j].digest, blobs[i].digest) == 0)
			return true;
	return false;
}

static int
job_start (struct ct_registry *r, CURLM *m, struct job *j, struct ct_layout *dest, ct_error_t *err)
{
	xfer_strip_added_headers (&j->x);
	j->x.layout = dest;
	j->x.desc = j->d;
	if (j->x.writer == NULL) {
		if (ct_blob_writer_new (dest, j->d->digest, j->d->size, &j->x.writer, err) < 0)
			return -1;
	}
	/* Range: resume where the last attempt stopped. */
	{
		struct curl_slist *keep = NULL;
		for (struct curl_slist *s = j->x.hdrs; s; s = s->next)
			if (strncasecmp (s->data, "Range:", 6) != 0)
				keep = curl_slist_append (keep, s->data);
		curl_slist_free_all (j->x.hdrs);
		j->x.hdrs = keep;
	}
	if (ct_blob_writer_offset (j->x.writer) > 0)
		xfer_header (&j->x, "Range: bytes=%lld-", (long long) ct_blob_writer_offset (j->x.writer));
	easy_setup (&j->x);
	(void) r;
	if (curl_multi_add_handle (m, j->x.h) != CURLM_OK)
		return ct_make_error (err, 0, "curl_multi_add_handle failed");
	j->running = true;
	return 0;
}

/* A finished transfer: 1 done, 0 to be retried, -1 error. */
static int
job_finish (struct ct_registry *r, struct job *j, CURLcode c, struct ct_progress *progress, ct_error_t *err)
{
	cleanup_free char *what = what_of (r, "@", j->d->digest);

	j->running = false;
	if (j->x.werr != NULL)
		return curl_error (r, &j->x, c, what, err);
	if (c != CURLE_OK) {
		if (curl_code_is_transient (c) && j->attempts < MAX_RETRIES) {
			ct_log_debug ("%s: %s; retrying from byte %lld", j->x.url, j->x.errbuf,
			              (long long) ct_blob_writer_offset (j->x.writer));
			j->not_before = now_s () + backoff_s (j->attempts++, 0);
			return 0;
		}
		return curl_error (r, &j->x, c, what, err);
	}
	if (j->x.status == 401 && j->x.auth_gen != r->auth_gen)
		return 0; /* another transfer got new credentials meanwhile: use them */
	if (j->x.status == 401) {
		if (j->reauthed)
			return auth_failed (r, &j->x, what, err);
		if (authenticate (r, j->x.www_auth, what, err) < 0)
			return -1;
		j->reauthed = true;
		return 0;
	}
	if ((j->x.status == 429 || j->x.status >= 500) && j->attempts < MAX_RETRIES) {
		j->not_before = now_s () + backoff_s (j->attempts++, j->x.status == 429 ? j->x.retry_after : 0);
		return 0;
	}
	/* 416 to a resume: every byte had arrived before the connection broke
	   (the commit checks them), or the registry disagrees about the size
	   and the download starts over once. */
	if (j->x.status == 416 && j->x.writer != NULL && ct_blob_writer_offset (j->x.writer) > 0) {
		if (ct_blob_writer_offset (j->x.writer) == j->d->size)
			j->x.status = 206;
		else if (j->attempts < MAX_RETRIES) {
			ct_blob_writer_free (j->x.writer);
			j->x.writer = NULL;
			j->attempts++;
			return 0;
		}
	}
	if (j->x.status != 200 && j->x.status != 206)
		return http_error (r, &j->x, what, err);
	if (j->x.writer == NULL || ct_blob_writer_commit (j->x.writer, NULL, err) < 0) {
		if (j->x.writer == NULL)
			return ct_make_error (err, 0, "%s `%s`: no body", r->op, what);
		return ct_error_wrap (err, "%s `%s`", r->op, what);
	}
	ct_blob_writer_free (j->x.writer);
	j->x.writer = NULL;
	ct_progress_done (progress, j->slot, "done");
	j->done = true;
	return 1;
}

int
ct_registry_fetch_blobs (struct ct_registry *r, const struct ct_descriptor *blobs, size_t n, struct ct_layout *dest,
                         struct ct_progress *progress, ct_error_t *err)
{
	cleanup_free char *what = what_of (r, "", NULL);
	cleanup_free struct job *jobs = NULL;
	CURLM *m = NULL;
	size_t left = 0;
	int running = 0;
	int ret = -1;

	if (n == 0)
		return 0;
	if (ensure_base (r, what, err) < 0)
		return -1;
	jobs = xcalloc (n, sizeof *jobs);
	for (size_t i = 0; i < n; i++) {
		struct job *j = &jobs[i];
		cleanup_free char *sd = short_digest (blobs[i].digest);
		cleanup_free char *label = NULL;
		char *url;

		j->d = &blobs[i];
		j->slot = -1;
		xasprintf (&url, "%s/v2/%s/blobs/%s", r->base, r->repo, blobs[i].digest);
		xfer_init (&j->x, r, "GET", url);
		if (seen_before (blobs, i)) {
			j->done = true;
			continue;
		}
		xasprintf (&label, "copying blob %s", sd);
		j->slot = ct_progress_add (progress, label, blobs[i].size);
		if (ct_layout_has_blob (dest, blobs[i].digest, blobs[i].size)) {
			ct_progress_done (progress, j->slot, "exists");
			j->done = true;
			continue;
		}
		left++;
	}

	m = curl_multi_init ();
	if (m == NULL) {
		ct_make_error (err, 0, "curl_multi_init failed");
		goto out;
	}
	while (left > 0) {
		double now = now_s (), next_wake = -1;
		int still = 0, queued;
		CURLMsg *msg;
		long timeout_ms;

		for (size_t i = 0; i < n && running < r->parallel; i++) {
			struct job *j = &jobs[i];
			if (j->done || j->running)
				continue;
			if (j->not_before > now) {
				if (next_wake < 0 || j->not_before < next_wake)
					next_wake = j->not_before;
				continue;
			}
			if (job_start (r, m, j, dest, err) < 0) {
				ct_error_wrap (err, "%s `%s/%s@%s`", r->op, r->host, r->repo, j->d->digest);
				goto out;
			}
			running++;
		}
		curl_multi_perform (m, &still);
		while ((msg = curl_multi_info_read (m, &queued)) != NULL) {
			struct xfer *x = NULL;
			struct job *j;
			int rc;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo (msg->easy_handle, CURLINFO_PRIVATE, (char **) &x);
			j = (struct job *) ((char *) x - offsetof (struct job, x));
			curl_multi_remove_handle (m, j->x.h);
			running--;
			rc = job_finish (r, j, msg->data.result, progress, err);
			if (rc < 0) {
				ct_progress_done (progress, j->slot, "failed");
				goto out;
			}
			if (rc == 1)
				left--;
		}
		for (size_t i = 0; i < n; i++)
			if (jobs[i].running && jobs[i].x.writer != NULL)
				ct_progress_update (progress, jobs[i].slot, ct_blob_writer_offset (jobs[i].x.writer));
		if (left == 0)
			break;
		timeout_ms = 100;
		if (running == 0 && next_wake > 0) {
			timeout_ms = (long) ((next_wake - now_s ()) * 1000) + 1;
			if (timeout_ms < 1)
				timeout_ms = 1;
			sleep_s ((double) timeout_ms / 1000);
			continue;
		}
		curl_multi_poll (m, NULL, 0, (int) timeout_ms, NULL);
	}
	ret = 0;
out:
	for (size_t i = 0; i < n; i++) {
		if (jobs[i].running && m != NULL)
			curl_multi_remove_handle (m, jobs[i].x.h);
		xfer_clear (&jobs[i].x);
	}
	if (m != NULL)
		curl_multi_cleanup (m);
	return ret;
}

/* ---- pushes ---- */

/* Resolve a Location (relative or absolute) against the request URL and
   optionally append a query parameter. */
static char *
resolve_location (const char *base_url, const char *location, const char *query)
{
	CURLU *u = curl_url ();
	char *full = NULL;
	char *ret;

	if (u == NULL)
		abort ();
	curl_url_set (u, CURLUPART_URL, base_url, 0);
	if (location != NULL && curl_url_set (u, CURLUPART_URL, location, 0) != CURLUE_OK) {
		curl_url_cleanup (u);
		return NULL;
	}
	if (query != NULL)
		curl_url_set (u, CURLUPART_QUERY, query, CURLU_APPENDQUERY | CURLU_URLENCODE);
	if (curl_url_get (u, CURLUPART_URL, &full, 0) != CURLUE_OK) {
		curl_url_cleanup (u);
		return NULL;
	}
	curl_url_cleanup (u);
	ret = xstrdup (full);
	curl_free (full);
	return ret;
}

static int
session_location (struct ct_registry *r, struct xfer *x, const char *what, char **out, ct_error_t *err)
{
	char *loc = x->location ? resolve_location (x->url, x->location, NULL) : NULL;

	if (loc == NULL)
		return ct_make_error (err, 0, "%s `%s`: the registry sent no usable upload Location (%ld)", r->op, what,
		                      x->status);
	*out = loc;
	return 0;
}

/* One blob's push, a chain of requests driven by the multi loop:
   HEAD -> [POST ?mount=] -> POST -> PUT ?digest=   (monolithic)
                                  -> PATCH... -> PUT ?digest= (chunked) */
enum push_step {
	P_HEAD = 0,
	P_MOUNT,
	P_POST,
	P_PATCH,
	P_PUT,
};

struct pjob {
	const struct ct_descriptor *d;
	struct xfer x;
	enum push_step step;
	char *location;
	int fd;
	int64_t off;       /* next chunk */
	int64_t chunk_len; /* the chunk in flight */
	bool no_chunks;    /* the registry refused PATCH: one PUT */
	int slot;
	int attempts;
	bool reauthed;
	bool running;
	bool done;
	double not_before;
};

static char *
url_with_digest (const char *location, const char *digest)
{
	cleanup_free char *q = NULL;

	xasprintf (&q, "digest=%s", digest);
	return resolve_location (location, NULL, q);
}

/* Build the request of the job's current step and add it to the multi. */
static int
pjob_start (struct ct_registry *r, CURLM *m, struct pjob *j, struct ct_layout *src, const char *mount_from,
            ct_error_t *err)
{
	const char *what_digest = j->d->digest;
	const char *method = "GET";
	char *url = NULL;

	xfer_clear (&j->x);
	switch (j->step) {
	case P_HEAD:
		method = "HEAD";
		xasprintf (&url, "%s/v2/%s/blobs/%s", r->base, r->repo, what_digest);
		break;
	case P_MOUNT: {
		cleanup_free char *md = curl_easy_escape (NULL, what_digest, 0);
		cleanup_free char *mf = curl_easy_escape (NULL, mount_from, 0);
		method = "POST";
		xasprintf (&url, "%s/v2/%s/blobs/uploads/?mount=%s&from=%s", r->base, r->repo, md, mf);
		break;
	}
	case P_POST:
		method = "POST";
		xasprintf (&url, "%s/v2/%s/blobs/uploads/", r->base, r->repo);
		break;
	case P_PATCH:
		method = "PATCH";
		url = xstrdup (j->location);
		break;
	case P_PUT:
		method = "PUT";
		url = url_with_digest (j->location, what_digest);
		if (url == NULL)
			return ct_make_error (err, 0, "bad upload location `%s`", j->location);
		break;
	}
	xfer_init (&j->x, r, method, url);
	if (j->step == P_PATCH || j->step == P_PUT) {
		if (j->fd < 0) {
			j->fd = ct_layout_open_blob (src, what_digest, err);
			if (j->fd < 0)
				return -1;
		}
		xfer_header (&j->x, "Content-Type: application/octet-stream");
		j->x.up_fd = j->fd;
		if (j->step == P_PATCH) {
			j->chunk_len = j->d->size - j->off < r->chunk_size ? j->d->size - j->off : r->chunk_size;
			xfer_header (&j->x, "Content-Range: %lld-%lld", (long long) j->off,
			             (long long) (j->off + j->chunk_len - 1));
			j->x.up_off = j->off;
			j->x.up_len = j->chunk_len;
			ct_log_debug ("%s/%s@%s: upload chunk %lld-%lld", r->host, r->repo, what_digest,
			              (long long) j->off, (long long) (j->off + j->chunk_len - 1));
		} else if (j->off > 0) {
			j->x.up_len = 0; /* the chunks are there: close the session */
		} else {
			j->x.up_len = j->d->size;
		}
	}
	easy_setup (&j->x);
	if (curl_multi_add_handle (m, j->x.h) != CURLM_OK)
		return ct_make_error (err, 0, "curl_multi_add_handle failed");
	j->running = true;
	return 0;
}

/* After a session was opened (POST or a mount answering 202). */
static void
pjob_upload_step (struct ct_registry *r, struct pjob *j)
{
	j->off = 0;
	j->step = j->d->size > r->chunk_size && !j->no_chunks ? P_PATCH : P_PUT;
}

/* A finished request: 1 when the blob is done, 0 to go on (next step or a
   retry), -1 on error. */
static int
pjob_finish (struct ct_registry *r, struct pjob *j, CURLcode c, const char *mount_from, struct ct_progress *progress,
             ct_error_t *err)
{
	cleanup_free char *what = what_of (r, "@", j->d->digest);
	struct xfer *x = &j->x;
	long st = x->status;

	j->running = false;
	if (x->werr != NULL)
		return curl_error (r, x, c, what, err);
	if (c != CURLE_OK) {
		if (curl_code_is_transient (c) && j->attempts < MAX_RETRIES) {
			j->not_before = now_s () + backoff_s (j->attempts++, 0);
			return 0;
		}
		return curl_error (r, x, c, what, err);
	}
	if (st == 401 && x->auth_gen != r->auth_gen)
		return 0; /* another transfer got new credentials meanwhile: use them */
	if (st == 401) {
		if (j->reauthed)
			return auth_failed (r, x, what, err);
		if (authenticate (r, x->www_auth, what, err) < 0)
			return -1;
		j->reauthed = true;
		return 0;
	}
	if ((st == 429 || st >= 500) && j->attempts < MAX_RETRIES) {
		j->not_before = now_s () + backoff_s (j->attempts++, st == 429 ? x->retry_after : 0);
		return 0;
	}
	j->attempts = 0;
	switch (j->step) {
	case P_HEAD:
		if (st == 200) {
			ct_progress_done (progress, j->slot, "exists");
			return 1;
		}
		if (st != 404)
			return http_error (r, x, what, err);
		j->step = mount_from != NULL ? P_MOUNT : P_POST;
		return 0;
	case P_MOUNT:
		if (st == 201) {
			ct_progress_done (progress, j->slot, "mounted");
			return 1;
		}
		if (st == 202 && x->location != NULL) {
			free (j->location);
			if (session_location (r, x, what, &j->location, err) < 0)
				return -1;
			pjob_upload_step (r, j);
			return 0;
		}
		/* A refused mount is no reason to fail: upload instead. */
		ct_log_debug ("%s: mount from `%s` answered %ld; uploading", what, mount_from, st);
		j->step = P_POST;
		return 0;
	case P_POST:
		if (st != 202)
			return http_error (r, x, what, err);
		free (j->location);
		if (session_location (r, x, what, &j->location, err) < 0)
			return -1;
		pjob_upload_step (r, j);
		return 0;
	case P_PATCH:
		if (j->off == 0 && (st == 405 || st == 501 || st == 416)) {
			/* No chunks here: a fresh session, one PUT. */
			j->no_chunks = true;
			j->step = P_POST;
			return 0;
		}
		if (st != 202 && st != 204)
			return http_error (r, x, what, err);
		if (x->location != NULL) {
			free (j->location);
			if (session_location (r, x, what, &j->location, err) < 0)
				return -1;
		}
		j->off += j->chunk_len;
		ct_progress_update (progress, j->slot, j->off);
		if (j->off >= j->d->size)
			j->step = P_PUT;
		return 0;
	case P_PUT:
		if (st != 201 && st != 204 && st != 200)
			return http_error (r, x, what, err);
		ct_progress_done (progress, j->slot, "done");
		return 1;
	}
	return ct_make_error (err, 0, "%s `%s`: bad push step", r->op, what);
}

int
ct_registry_push_blobs (struct ct_registry *r, const struct ct_descriptor *blobs, size_t n, struct ct_layout *src,
                        const char *mount_from, struct ct_progress *progress, ct_error_t *err)
{
	cleanup_free char *what = what_of (r, "", NULL);
	cleanup_free struct pjob *jobs = NULL;
	CURLM *m = NULL;
	size_t left = 0;
	int running = 0;
	int ret = -1;

	if (n == 0)
		return 0;
	if (mount_from != NULL && strcmp (mount_from, r->repo) == 0)
		mount_from = NULL;
	if (mount_from != NULL && r->extra_scope == NULL)
		/* The token must allow reading the source repository too. */
		xasprintf (&r->extra_scope, "repository:%s:pull", mount_from);
	if (ensure_base (r, what, err) < 0)
		return -1;
	jobs = xcalloc (n, sizeof *jobs);
	for (size_t i = 0; i < n; i++) {
		struct pjob *j = &jobs[i];
		cleanup_free char *sd = NULL;
		cleanup_free char *label = NULL;

		j->d = &blobs[i];
		j->fd = -1;
		j->slot = -1;
		xfer_init (&j->x, r, "HEAD", NULL);
		if (seen_before (blobs, i)) {
			j->done = true;
			continue;
		}
		sd = short_digest (blobs[i].digest);
		xasprintf (&label, "copying blob %s", sd);
		j->slot = ct_progress_add (progress, label, blobs[i].size);
		left++;
	}

	m = curl_multi_init ();
	if (m == NULL) {
		ct_make_error (err, 0, "curl_multi_init failed");
		goto out;
	}
	while (left > 0) {
		double now = now_s (), next_wake = -1;
		int still = 0, queued;
		CURLMsg *msg;
		long timeout_ms;

		for (size_t i = 0; i < n && running < r->parallel; i++) {
			struct pjob *j = &jobs[i];
			if (j->done || j->running)
				continue;
			if (j->not_before > now) {
				if (next_wake < 0 || j->not_before < next_wake)
					next_wake = j->not_before;
				continue;
			}
			if (pjob_start (r, m, j, src, mount_from, err) < 0) {
				ct_error_wrap (err, "%s `%s/%s@%s`", r->op, r->host, r->repo, j->d->digest);
				goto out;
			}
			running++;
		}
		curl_multi_perform (m, &still);
		while ((msg = curl_multi_info_read (m, &queued)) != NULL) {
			struct xfer *x = NULL;
			struct pjob *j;
			int rc;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo (msg->easy_handle, CURLINFO_PRIVATE, (char **) &x);
			j = (struct pjob *) ((char *) x - offsetof (struct pjob, x));
			curl_multi_remove_handle (m, j->x.h);
			running--;
			rc = pjob_finish (r, j, msg->data.result, mount_from, progress, err);
			if (rc < 0) {
				ct_progress_done (progress, j->slot, "failed");
				goto out;
			}
			if (rc == 1) {
				j->done = true;
				left--;
			}
		}
		for (size_t i = 0; i < n; i++)
			if (jobs[i].running && jobs[i].step == P_PUT && jobs[i].off == 0)
				ct_progress_update (progress, jobs[i].slot, jobs[i].x.up_pos);
		if (left == 0)
			break;
		timeout_ms = 100;
		if (running == 0 && next_wake > 0) {
			timeout_ms = (long) ((next_wake - now_s ()) * 1000) + 1;
			if (timeout_ms < 1)
				timeout_ms = 1;
			sleep_s ((double) timeout_ms / 1000);
			continue;
		}
		curl_multi_poll (m, NULL, 0, (int) timeout_ms, NULL);
	}
	ret = 0;
out:
	for (size_t i = 0; i < n; i++) {
		if (jobs[i].running && m != NULL)
			curl_multi_remove_handle (m, jobs[i].x.h);
		xfer_clear (&jobs[i].x);
		free (jobs[i].location);
		if (jobs[i].fd >= 0)
			close (jobs[i].fd);
	}
	if (m != NULL)
		curl_multi_cleanup (m);
	return ret;
}
