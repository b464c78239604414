/* Signal names as kill(1), runc and image-spec config.md spell them, without
   the "SIG" prefix: one table for cruntime kill and cimage config. */
#ifndef CT_SIGNALS_H
#define CT_SIGNALS_H

/* The number of `name` (any case, with or without "SIG"); -1 when unknown.
   Real-time signals are not named here. */
int ct_signal_from_name (const char *name);
/* The name of `sig` ("TERM"; the first of aliases: ABRT, not IOT); NULL
   when it has none here. */
const char *ct_signal_name (int sig);

#endif
