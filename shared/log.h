/* runc-compatible logging shared by the three tools (STYLE.md 3.7).

   --log PATH       records go to PATH (O_WRONLY|O_CREAT|O_APPEND|O_CLOEXEC, 0644),
                    else to stderr
   --log-format     text: logrus shape  time="..." level=error msg="..."
                    json: one object per line {"level":"error","msg":"...","time":"<RFC 3339 UTC>"}
                    (keys in that order; time with nanoseconds, e.g. 2026-01-02T15:04:05.123456789Z)
   --log-level / --debug  threshold (default: warning; --debug = debug)

   One write(2) per record, newline-terminated.

   The final error of a command: ct_log_error_release().  Observed with runc 1.1.5
   (`runc --log F --log-format json run -b /nonexistent id`):
     - with --log F: F gets the error record (json or text per --log-format) and
       stderr gets the bare message on one line, no level, no time, no prefix:
         runc run failed: chdir /nonexistent: no such file or directory
     - without --log: stderr gets the record only (json or text), once.
   We do the same: with a log file (or ct_log_set_fd) the record goes there and
   the message itself (ct_error_string) goes to stderr; otherwise one record on
   stderr.  (runc's "runc run failed: " is part of its message; a tool wanting it
   wraps the error in main.)  logrus' coloured "ERRO[0000] msg" on a TTY is not
   mirrored: the text shape is always the key=value one.

   Text escaping: time and msg are always quoted; msg escapes like Go's %q for
   ASCII (\" \\ \n \t \r, other control bytes as \xNN); UTF-8 passes through. */
#ifndef CT_LOG_H
#define CT_LOG_H

#include <stdbool.h>
#include <time.h>

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

/* The level's logrus name ("error", "warning", "info", "debug"). */
const char *ct_log_level_name (enum ct_log_level level);

/* Back to defaults: stderr, text, warning; closes a file opened by ct_log_init. */
void ct_log_reset (void);

#define ct_log_debug(...)   ct_log (CT_LOG_DEBUG, __VA_ARGS__)
#define ct_log_info(...)    ct_log (CT_LOG_INFO, __VA_ARGS__)
#define ct_log_warning(...) ct_log (CT_LOG_WARNING, __VA_ARGS__)
#define ct_log_error(...)   ct_log (CT_LOG_ERROR, __VA_ARGS__)

/* Report a command's final error (log + stderr as above) and release it. */
void ct_log_error_release (ct_error_t *err);

/* Format one record; exposed for unit tests.  Returns a malloc'd line ending
   in '\n'.  ts NULL = now. */
char *ct_log_format_record (enum ct_log_format format, enum ct_log_level level, const char *msg,
                            const struct timespec *ts);

#endif
