/* runc-compatible logging shared by the three tools (STYLE.md 3.7).

   --log PATH       records go to PATH (O_APPEND), else to stderr
   --log-format     text: logrus shape  time="..." level=error msg="..."
                    json: one object per line {"level":"error","msg":"...","time":"<RFC 3339 UTC>"}
   --log-level / --debug  threshold (default: warning; --debug = debug)

   One write(2) per record.  The final error of a command goes to the log and,
   when the log is not stderr, also as a plain "<tool>: msg" line to stderr
   (runc's fatal, crun's write_log): ct_log_error_release(). */
#ifndef CT_LOG_H
#define CT_LOG_H

#include <stdbool.h>

#include "error.h"

enum ct_log_level {
	CT_LOG_ERROR = 0,
	CT_LOG_WARNING,
	CT_LOG_INFO,
	CT_LOG_DEBUG,
};

enum ct_log_format {
	CT_LOG_FORMAT_TEXT = 0,
	CT_LOG_FORMAT_JSON,
};

/* Configure the logger.  NULL arguments keep defaults.  Fails on an unknown
   format or level, or when PATH cannot be opened. */
int ct_log_init (const char *tool, const char *path, const char *format, const char *level, bool debug,
                 ct_error_t *err);

/* Use an already-open fd for records (e.g. a pipe the parent reads); -1 = stderr. */
void ct_log_set_fd (int fd);

void ct_log (enum ct_log_level level, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
bool ct_log_enabled (enum ct_log_level level);

#define ct_log_debug(...)   ct_log (CT_LOG_DEBUG, __VA_ARGS__)
#define ct_log_info(...)    ct_log (CT_LOG_INFO, __VA_ARGS__)
#define ct_log_warning(...) ct_log (CT_LOG_WARNING, __VA_ARGS__)
#define ct_log_error(...)   ct_log (CT_LOG_ERROR, __VA_ARGS__)

/* Report a command's final error (log + stderr as above) and release it. */
void ct_log_error_release (ct_error_t *err);

/* Format a record into buf (no trailing newline handling needed by callers);
   exposed for unit tests.  Returns a malloc'd line ending in '\n'. */
char *ct_log_format_record (enum ct_log_format format, enum ct_log_level level, const char *msg,
                            const struct timespec *ts);

#endif
