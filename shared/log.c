#include "common.h"

#include <sys/stat.h>
#include <time.h>

#include "json.h"
#include "log.h"

static struct {
	const char *tool;
	int fd;       /* -1: stderr */
	bool owns_fd; /* opened by ct_log_init */
	enum ct_log_format format;
	enum ct_log_level level;
} logger = { .tool = NULL, .fd = -1, .owns_fd = false, .format = CT_LOG_FORMAT_TEXT, .level = CT_LOG_WARNING };

static const char *const level_names[] = {
	[CT_LOG_ERROR] = "error",
	[CT_LOG_WARNING] = "warning",
	[CT_LOG_INFO] = "info",
	[CT_LOG_DEBUG] = "debug",
};

const char *
ct_log_level_name (enum ct_log_level level)
{
	if ((size_t) level >= CT_ARRAY_SIZE (level_names))
		return "unknown";
	return level_names[level];
}

static void
close_owned (void)
{
	if (logger.owns_fd && logger.fd >= 0)
		close (logger.fd);
	logger.fd = -1;
	logger.owns_fd = false;
}

void
ct_log_reset (void)
{
	close_owned ();
	logger.format = CT_LOG_FORMAT_TEXT;
	logger.level = CT_LOG_WARNING;
}

int
ct_log_init (const char *tool, const char *path, const char *format, const char *level, bool debug, ct_error_t *err)
{
	enum ct_log_format fmt = logger.format;
	enum ct_log_level lvl = logger.level;

	if (format != NULL) {
		if (strcmp (format, "text") == 0)
			fmt = CT_LOG_FORMAT_TEXT;
		else if (strcmp (format, "json") == 0)
			fmt = CT_LOG_FORMAT_JSON;
		else
			return ct_make_error (err, 0, "invalid log format `%s`", format);
	}
	if (level != NULL) {
		size_t i;
		for (i = 0; i < CT_ARRAY_SIZE (level_names); i++)
			if (strcmp (level, level_names[i]) == 0)
				break;
		/* logrus accepts "warn" too */
		if (i == CT_ARRAY_SIZE (level_names) && strcmp (level, "warn") == 0)
			i = CT_LOG_WARNING;
		if (i == CT_ARRAY_SIZE (level_names))
			return ct_make_error (err, 0, "invalid log level `%s`", level);
		lvl = (enum ct_log_level) i;
	}
	if (debug)
		lvl = CT_LOG_DEBUG;
	if (path != NULL) {
		int fd = open (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (fd < 0)
			return ct_make_error (err, errno, "open log file `%s`", path);
		close_owned ();
		logger.fd = fd;
		logger.owns_fd = true;
	}
	if (tool != NULL)
		logger.tool = tool;
	logger.format = fmt;
	logger.level = lvl;
	return 0;
}

void
ct_log_set_fd (int fd)
{
	close_owned ();
	logger.fd = fd;
}

bool
ct_log_enabled (enum ct_log_level level)
{
	return level <= logger.level;
}

static void
format_time (const struct timespec *ts, char *buf, size_t size)
{
	struct tm tm;
	char base[32];

	if (gmtime_r (&ts->tv_sec, &tm) == NULL || strftime (base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		snprintf (base, sizeof base, "1970-01-01T00:00:00");
	snprintf (buf, size, "%s.%09ldZ", base, (long) ts->tv_nsec);
}

/* Go's %q for the ASCII range; bytes >= 0x80 are copied (UTF-8 stays readable). */
static void
append_quoted (char **out, size_t *len, size_t *cap, const char *s)
{
	for (;; s++) {
		unsigned char c = (unsigned char) *s;
		char esc[8];
		const char *piece = esc;
		size_t n;

		if (c == '\0')
			break;
		switch (c) {
		case '"':
			piece = "\\\"";
			break;
		case '\\':
			piece = "\\\\";
			break;
		case '\n':
			piece = "\\n";
			break;
		case '\t':
			piece = "\\t";
			break;
		case '\r':
			piece = "\\r";
			break;
		case '\a':
			piece = "\\a";
			break;
		case '\b':
			piece = "\\b";
			break;
		case '\f':
			piece = "\\f";
			break;
		case '\v':
			piece = "\\v";
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				snprintf (esc, sizeof esc, "\\x%02x", c);
			else {
				esc[0] = (char) c;
				esc[1] = '\0';
			}
		}
		n = strlen (piece);
		if (*len + n + 1 > *cap) {
			*cap = (*len + n + 1) * 2;
			*out = xrealloc (*out, *cap);
		}
		memcpy (*out + *len, piece, n);
		*len += n;
		(*out)[*len] = '\0';
	}
}

static char *
format_text (const char *level, const char *msg, const char *stamp)
{
	size_t cap = strlen (msg) + 80;
	size_t len = 0;
	char *out = xmalloc (cap);
	char *head;
	int n;

	n = xasprintf (&head, "time=\"%s\" level=%s msg=\"", stamp, level);
	out[0] = '\0';
	/* the head never needs escaping: fixed digits and level names */
	if ((size_t) n + 1 > cap) {
		cap = (size_t) n + 1;
		out = xrealloc (out, cap);
	}
	memcpy (out, head, (size_t) n + 1);
	len = (size_t) n;
	free (head);
	append_quoted (&out, &len, &cap, msg);
	if (len + 3 > cap)
		out = xrealloc (out, len + 3);
	memcpy (out + len, "\"\n", 3);
	return out;
}

static char *
format_json (const char *level, const char *msg, const char *stamp)
{
	struct ct_jsonw *w = ct_jsonw_new (false);
	ct_error_t err = NULL;
	char *doc = NULL;
	char *line;
	size_t len;

	ct_jsonw_map_open (w);
	ct_jsonw_kv_str (w, "level", level);
	ct_jsonw_kv_str (w, "msg", msg);
	ct_jsonw_kv_str (w, "time", stamp);
	ct_jsonw_map_close (w);
	if (ct_jsonw_finish (w, &doc, &len, &err) < 0) {
		ct_error_release (&err);
		return NULL;
	}
	while (len > 0 && doc[len - 1] == '\n')
		len--;
	line = xmalloc (len + 2);
	memcpy (line, doc, len);
	line[len] = '\n';
	line[len + 1] = '\0';
	free (doc);
	return line;
}

char *
ct_log_format_record (enum ct_log_format format, enum ct_log_level level, const char *msg, const struct timespec *ts)
{
	struct timespec now;
	char stamp[64];
	char *line;

	if (ts == NULL) {
		clock_gettime (CLOCK_REALTIME, &now);
		ts = &now;
	}
	format_time (ts, stamp, sizeof stamp);
	if (format == CT_LOG_FORMAT_TEXT)
		return format_text (ct_log_level_name (level), msg, stamp);

	line = format_json (ct_log_level_name (level), msg, stamp);
	if (line == NULL) {
		/* yajl refused the message (e.g. invalid UTF-8 with validation on):
		   keep the record, with the offending bytes replaced. */
		cleanup_free char *safe = xstrdup (msg);
		for (char *p = safe; *p; p++)
			if ((unsigned char) *p >= 0x80 || (unsigned char) *p < 0x20)
				*p = '?';
		line = format_json (ct_log_level_name (level), safe, stamp);
	}
	if (line == NULL)
		xasprintf (&line, "{\"level\":\"%s\",\"msg\":\"unencodable log message\",\"time\":\"%s\"}\n",
		           ct_log_level_name (level), stamp);
	return line;
}

static void
write_all (int fd, const char *buf, size_t len)
{
	/* One write(2) per record: O_APPEND makes it atomic for readers such as
	   containerd's shim; the loop only runs on a short write to a pipe/tty. */
	while (len > 0) {
		ssize_t n = write (fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		buf += n;
		len -= (size_t) n;
	}
}

static int
sink_fd (void)
{
	return logger.fd >= 0 ? logger.fd : STDERR_FILENO;
}

static void
emit (enum ct_log_level level, const char *msg)
{
	cleanup_free char *line = ct_log_format_record (logger.format, level, msg, NULL);
	int saved = errno;

	write_all (sink_fd (), line, strlen (line));
	errno = saved;
}

void
ct_log (enum ct_log_level level, const char *fmt, ...)
{
	cleanup_free char *msg = NULL;
	va_list ap;
	int saved = errno;

	if (!ct_log_enabled (level))
		return;
	va_start (ap, fmt);
	if (vasprintf (&msg, fmt, ap) < 0)
		msg = NULL;
	va_end (ap);
	if (msg == NULL)
		abort ();
	emit (level, msg);
	errno = saved;
}

void
ct_log_error_release (ct_error_t *err)
{
	cleanup_free char *msg = NULL;

	if (err == NULL || *err == NULL)
		return;
	msg = ct_error_string (*err);
	/* errors pass every threshold */
	emit (CT_LOG_ERROR, msg);
	if (sink_fd () != STDERR_FILENO) {
		cleanup_free char *line = NULL;
		int n = xasprintf (&line, "%s\n", msg);
		write_all (STDERR_FILENO, line, (size_t) n);
	}
	ct_error_release (err);
}
