/* One error channel (STYLE.md 3.2).
   A fallible function takes `ct_error_t *err` last and fails by returning -1
   (or NULL) with *err set exactly once; success leaves *err untouched.
   Callers either handle the error (ct_error_release) or add context on the
   way up (ct_error_wrap); only main() and the runtime's sync path report. */
#ifndef CT_ERROR_H
#define CT_ERROR_H

struct ct_error_s {
	int status; /* errno value, or 0 when no system error is involved */
	char *msg;  /* owned; lowercase, no final period, no strerror text */
};
typedef struct ct_error_s *ct_error_t;

/* Set *err to a new error; returns -1.  `status` is an errno value or 0. */
int ct_make_error (ct_error_t *err, int status, const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));

/* Prefix the message of *err with "<context>: "; status is kept; returns -1. */
int ct_error_wrap (ct_error_t *err, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

/* Free the error and reset *err to NULL (deliberately ignoring it). */
void ct_error_release (ct_error_t *err);

/* The full text: msg, then ": strerror(status)" when status != 0.  Owned by caller. */
char *ct_error_string (const struct ct_error_s *e);

static inline int
ct_error_status (ct_error_t err)
{
	return err ? err->status : 0;
}

#endif
