#include "common.h"

#include <sys/stat.h>
#include <time.h>

#include "log.h"
#include "tap.h"

/* 2026-01-02T15:04:05.123456789Z */
static const struct timespec fixed = { .tv_sec = 1767366245, .tv_nsec = 123456789 };

static int
test_json_record (void)
{
	cleanup_free char *line = ct_log_format_record (CT_LOG_FORMAT_JSON, CT_LOG_ERROR, "boom", &fixed);

	CHECK_STR (line, "{\"level\":\"error\",\"msg\":\"boom\",\"time\":\"2026-01-02T15:04:05.123456789Z\"}\n");
	return 0;
}

static int
test_json_escaping (void)
{
	cleanup_free char *line = ct_log_format_record (CT_LOG_FORMAT_JSON, CT_LOG_WARNING,
	                                                "say \"hi\"\\\n\ttab\x01 caf\xc3\xa9", &fixed);

	/* yajl escapes control characters as \uXXXX and keeps UTF-8 bytes */
	CHECK (strstr (line, "\"level\":\"warning\"") != NULL);
	CHECK (strstr (line, "say \\\"hi\\\"\\\\\\n\\ttab") != NULL);
	CHECK (strstr (line, "\\u0001") != NULL);
	CHECK (strstr (line, "caf\xc3\xa9") != NULL);
	CHECK (strchr (line, '\n') == line + strlen (line) - 1);
	return 0;
}

static int
test_text_record (void)
{
	cleanup_free char *line = ct_log_format_record (CT_LOG_FORMAT_TEXT, CT_LOG_DEBUG, "hello", &fixed);

	CHECK_STR (line, "time=\"2026-01-02T15:04:05.123456789Z\" level=debug msg=\"hello\"\n");
	return 0;
}

static int
test_text_escaping (void)
{
	cleanup_free char *line = ct_log_format_record (CT_LOG_FORMAT_TEXT, CT_LOG_INFO,
	                                                "a \"q\" b\\c\nd\te\x01\x7f caf\xc3\xa9", &fixed);

	CHECK_STR (line, "time=\"2026-01-02T15:04:05.123456789Z\" level=info "
	                 "msg=\"a \\\"q\\\" b\\\\c\\nd\\te\\x01\\x7f caf\xc3\xa9\"\n");
	return 0;
}

static int
test_time_is_now (void)
{
	cleanup_free char *line = ct_log_format_record (CT_LOG_FORMAT_JSON, CT_LOG_INFO, "x", NULL);
	struct timespec ts;
	struct tm tm;
	char year[8];

	clock_gettime (CLOCK_REALTIME, &ts);
	gmtime_r (&ts.tv_sec, &tm);
	strftime (year, sizeof year, "%Y-", &tm);
	CHECK (strstr (line, "\"time\":\"") != NULL);
	CHECK (strncmp (strstr (line, "\"time\":\"") + 8, year, 5) == 0);
	/* 2026-01-02T15:04:05.123456789Z is 30 characters */
	CHECK (strlen (strstr (line, "\"time\":\"") + 8) == 30 + 3);
	return 0;
}

static int
test_bad_options (void)
{
	ct_error_t err = NULL;

	CHECK (ct_log_init ("t", NULL, "xml", NULL, false, &err) == -1);
	CHECK_STR (err->msg, "invalid log format `xml`");
	ct_error_release (&err);
	CHECK (ct_log_init ("t", NULL, NULL, "loud", false, &err) == -1);
	CHECK_STR (err->msg, "invalid log level `loud`");
	ct_error_release (&err);
	CHECK (ct_log_init ("t", "/nonexistent/dir/log", NULL, NULL, false, &err) == -1);
	CHECK_STR (err->msg, "open log file `/nonexistent/dir/log`");
	CHECK (err->status == ENOENT);
	ct_error_release (&err);
	ct_log_reset ();
	return 0;
}

static char tmpdir[] = "/tmp/ct-test-log-XXXXXX";

static int
read_file (const char *path, char **out)
{
	size_t cap = 65536, n = 0;
	ssize_t r;
	int fd = open (path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	*out = xzalloc (cap);
	while ((r = read (fd, *out + n, cap - n - 1)) > 0)
		n += (size_t) r;
	close (fd);
	return 0;
}

static int
test_file_sink_and_levels (void)
{
	ct_error_t err = NULL;
	cleanup_free char *path = NULL;
	cleanup_free char *data = NULL;
	struct stat st;

	xasprintf (&path, "%s/levels.log", tmpdir);
	CHECK (ct_log_init ("t", path, "json", NULL, false, &err) == 0);
	CHECK (!ct_log_enabled (CT_LOG_INFO));
	CHECK (ct_log_enabled (CT_LOG_WARNING));
	ct_log_debug ("not %s", "shown");
	ct_log_info ("not shown either");
	ct_log_warning ("warn %d", 1);
	ct_log_error ("err %d", 2);
	CHECK (ct_log_init (NULL, NULL, NULL, "info", false, &err) == 0);
	ct_log_info ("info %d", 3);
	ct_log_debug ("still hidden");
	CHECK (ct_log_init (NULL, NULL, NULL, NULL, true, &err) == 0);
	ct_log_debug ("debug %d", 4);
	ct_log_reset ();

	CHECK (stat (path, &st) == 0);
	CHECK ((st.st_mode & 0777) == (0644 & ~(mode_t) 022) || (st.st_mode & 0777) == 0644);
	CHECK (read_file (path, &data) == 0);
	CHECK (strstr (data, "shown") == NULL);
	CHECK (strstr (data, "hidden") == NULL);
	CHECK (strstr (data, "{\"level\":\"warning\",\"msg\":\"warn 1\",\"time\":\"") == data);
	CHECK (strstr (data, "{\"level\":\"error\",\"msg\":\"err 2\"") != NULL);
	CHECK (strstr (data, "{\"level\":\"info\",\"msg\":\"info 3\"") != NULL);
	CHECK (strstr (data, "{\"level\":\"debug\",\"msg\":\"debug 4\"") != NULL);
	/* four records, four lines */
	{
		int lines = 0;
		for (char *p = data; *p; p++)
			lines += *p == '\n';
		CHECK (lines == 4);
	}
	return 0;
}

static int
test_append (void)
{
	ct_error_t err = NULL;
	cleanup_free char *path = NULL;
	cleanup_free char *data = NULL;

	xasprintf (&path, "%s/append.log", tmpdir);
	CHECK (ct_log_init ("t", path, "text", NULL, false, &err) == 0);
	ct_log_warning ("one");
	CHECK (ct_log_init ("t", path, "text", NULL, false, &err) == 0);
	ct_log_warning ("two");
	ct_log_reset ();
	CHECK (read_file (path, &data) == 0);
	CHECK (strstr (data, "level=warning msg=\"one\"\n") != NULL);
	CHECK (strstr (data, "level=warning msg=\"two\"\n") != NULL);
	return 0;
}

/* Run fn with stderr redirected to `path`. */
static void
with_stderr_to (const char *path, void (*fn) (void))
{
	int saved = dup (STDERR_FILENO);
	int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	dup2 (fd, STDERR_FILENO);
	close (fd);
	fn ();
	dup2 (saved, STDERR_FILENO);
	close (saved);
}

static void
release_enoent (void)
{
	ct_error_t err = NULL;
	ct_make_error (&err, ENOENT, "open `%s`", "config.json");
	ct_error_wrap (&err, "load bundle");
	ct_log_error_release (&err);
}

static int
test_error_release_to_file_and_stderr (void)
{
	ct_error_t err = NULL;
	cleanup_free char *path = NULL;
	cleanup_free char *errpath = NULL;
	cleanup_free char *data = NULL;
	cleanup_free char *errdata = NULL;

	xasprintf (&path, "%s/error.log", tmpdir);
	xasprintf (&errpath, "%s/stderr", tmpdir);
	/* errors pass the threshold even at the quietest level */
	CHECK (ct_log_init ("t", path, "json", "error", false, &err) == 0);
	with_stderr_to (errpath, release_enoent);
	ct_log_reset ();
	CHECK (read_file (path, &data) == 0);
	CHECK (strstr (data, "{\"level\":\"error\",\"msg\":\"load bundle: open `config.json`: No such file or "
	                     "directory\",\"time\":\"") == data);
	CHECK (read_file (errpath, &errdata) == 0);
	CHECK_STR (errdata, "load bundle: open `config.json`: No such file or directory\n");
	return 0;
}

static int
test_error_release_to_stderr_only (void)
{
	ct_error_t err = NULL;
	cleanup_free char *errpath = NULL;
	cleanup_free char *errdata = NULL;

	xasprintf (&errpath, "%s/stderr2", tmpdir);
	CHECK (ct_log_init ("t", NULL, "text", NULL, false, &err) == 0);
	with_stderr_to (errpath, release_enoent);
	ct_log_reset ();
	CHECK (read_file (errpath, &errdata) == 0);
	/* exactly one record, no bare duplicate */
	CHECK (strncmp (errdata, "time=\"", 6) == 0);
	CHECK (strstr (errdata, " level=error msg=\"load bundle: open `config.json`: No such file or directory\"\n") !=
	       NULL);
	CHECK (strchr (errdata, '\n') == errdata + strlen (errdata) - 1);
	return 0;
}

static void
remove_tmpdir (void)
{
	static const char *const files[] = { "levels.log", "append.log", "error.log", "stderr", "stderr2" };
	for (size_t i = 0; i < CT_ARRAY_SIZE (files); i++) {
		cleanup_free char *p = NULL;
		xasprintf (&p, "%s/%s", tmpdir, files[i]);
		unlink (p);
	}
	rmdir (tmpdir);
}

int
main (void)
{
	static const struct tap_test tests[] = {
		TAP_TEST (test_json_record),
		TAP_TEST (test_json_escaping),
		TAP_TEST (test_text_record),
		TAP_TEST (test_text_escaping),
		TAP_TEST (test_time_is_now),
		TAP_TEST (test_bad_options),
		TAP_TEST (test_file_sink_and_levels),
		TAP_TEST (test_append),
		TAP_TEST (test_error_release_to_file_and_stderr),
		TAP_TEST (test_error_release_to_stderr_only),
	};
	int r;

	if (mkdtemp (tmpdir) == NULL)
		return 1;
	r = tap_run (tests, TAP_COUNT (tests));
	remove_tmpdir ();
	return r;
}
