/* Progress on stderr (specs/cimage.1.md OUTPUT): one bar per blob on a TTY,
   one plain line per finished blob otherwise, nothing with -q.  Not thread-
   safe: the registry client drives every transfer from one thread (curl multi). */
#ifndef CT_IMAGETOOL_PROGRESS_H
#define CT_IMAGETOOL_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct ct_progress;

/* quiet: nothing is ever printed. */
struct ct_progress *ct_progress_new (bool quiet);
void ct_progress_free (struct ct_progress *p);
/* `what` e.g. "copying blob sha256:0123456789ab"; total < 0: unknown.
   Returns a slot number for the other calls. */
int ct_progress_add (struct ct_progress *p, const char *what, int64_t total);
void ct_progress_update (struct ct_progress *p, int slot, int64_t done);
/* Finish a slot with a word: "done", "exists", "mounted", "failed". */
void ct_progress_done (struct ct_progress *p, int slot, const char *state);
/* A free-form line ("writing manifest to image destination"). */
void ct_progress_line (struct ct_progress *p, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

#endif
