/* The runtime state document (runtime-spec runtime.md "State",
   schema/state-schema.json) plus the fields `runc state` adds (rootfs,
   created, owner), as cruntime prints it and as hooks receive it on stdin.

   Strings are owned; annotations is a ct_rt_map (parallel key/value arrays).
   The decoder ignores unknown keys and names the JSON path on errors:
     "state.json: `pid`: not an int". */
#ifndef CT_OCISPEC_STATE_H
#define CT_OCISPEC_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "ocispec/runtime.h"

struct ct_rt_state {
	char *oci_version; /* ociVersion, required */
	char *id;          /* required */
	char *status;      /* required: creating|created|running|stopped (runc adds paused) */
	int pid;           /* required when created/running; 0 = none */
	bool pid_present;
	char *bundle; /* required, absolute path */
	struct ct_rt_map annotations;
	bool annotations_present; /* written only when present and non-empty, like runc */
	/* runc extras (Go omits none of these): */
	char *rootfs;  /* absolute path of the root filesystem */
	char *created; /* RFC 3339 UTC with nanoseconds, "2026-01-02T15:04:05.123456789Z" */
	char *owner;   /* "" for runc; kept for output compatibility */
};

/* Decode a state document.  `source` prefixes error messages.  On success
 *out is allocated and owned by the caller (ct_rt_state_free). */
int ct_rt_state_decode (const char *data, size_t len, const char *source, struct ct_rt_state **out, ct_error_t *err);

/* Encode in runc's key order (ociVersion, id, pid, status, bundle, rootfs,
   created, owner, annotations); rootfs/created/owner only when non-NULL.
   beautify: tab-indented with a trailing newline; otherwise compact. */
int ct_rt_state_encode (const struct ct_rt_state *s, bool beautify, char **out, size_t *len, ct_error_t *err);

/* Free s and everything it owns; NULL is fine. */
void ct_rt_state_free (struct ct_rt_state *s);
void ct_rt_state_freep (struct ct_rt_state **s);
#define cleanup_rt_state __attribute__ ((cleanup (ct_rt_state_freep)))

/* Format a CLOCK_REALTIME timestamp as runc's `created`
   (Go's RFC3339Nano in UTC: "2026-01-02T15:04:05.1234567Z", trailing zeros
   of the fraction dropped).  Returns
   a malloc'd string. */
char *ct_rt_state_format_time (long long sec, long nsec);

#endif
