/* yajl helpers.  Only this module and shared/ocispec/ include <yajl/...>.

   Reading: yajl_tree (documents are small, <= 4 MiB) plus typed getters that
   check types and ranges and name the JSON path on failure:
     "`linux.uidMappings[1].size`: not a uint32".
   Writing: ct_jsonw, a generator with a sticky error: calls never fail
   individually; the first yajl_gen error is kept and reported once by
   ct_jsonw_finish().  Keys are written in call order (reproducible bytes). */
#ifndef CT_JSON_H
#define CT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct ct_jsonw;

struct ct_jsonw *ct_jsonw_new (bool beautify);
void ct_jsonw_free (struct ct_jsonw *w);

void ct_jsonw_map_open (struct ct_jsonw *w);
void ct_jsonw_map_close (struct ct_jsonw *w);
void ct_jsonw_array_open (struct ct_jsonw *w);
void ct_jsonw_array_close (struct ct_jsonw *w);
void ct_jsonw_key (struct ct_jsonw *w, const char *key);
void ct_jsonw_str (struct ct_jsonw *w, const char *s);
void ct_jsonw_strn (struct ct_jsonw *w, const char *s, size_t len);
void ct_jsonw_int (struct ct_jsonw *w, int64_t v);
void ct_jsonw_uint (struct ct_jsonw *w, uint64_t v);
void ct_jsonw_double (struct ct_jsonw *w, double v);
void ct_jsonw_bool (struct ct_jsonw *w, bool v);
void ct_jsonw_null (struct ct_jsonw *w);

/* key + value shorthands */
void ct_jsonw_kv_str (struct ct_jsonw *w, const char *key, const char *s);
void ct_jsonw_kv_int (struct ct_jsonw *w, const char *key, int64_t v);
void ct_jsonw_kv_uint (struct ct_jsonw *w, const char *key, uint64_t v);
void ct_jsonw_kv_bool (struct ct_jsonw *w, const char *key, bool v);

/* Finish the document: on success *out is a malloc'd NUL-terminated buffer of
 *len bytes (a trailing newline when beautify), and w is freed either way. */
int ct_jsonw_finish (struct ct_jsonw *w, char **out, size_t *len, ct_error_t *err);

/* ---- reading: see the rest of this header (owned by shared/json.c) ---- */

#endif
