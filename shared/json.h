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

#include <yajl/yajl_tree.h>

/* Largest document we parse (STYLE.md 3.5, rule 8). */
#define CT_JSON_MAX_SIZE (4u * 1024 * 1024)

/* Parse `len` bytes into a tree.  Fails with "document too large" above
   CT_JSON_MAX_SIZE, "invalid JSON: <yajl's first line>" otherwise. */
int ct_json_parse (const char *data, size_t len, yajl_val *out, ct_error_t *err);

void ct_json_freep (yajl_val *v);

/* Write a parsed value as it is (numbers by their original text), for
   documents edited in place: what is not edited keeps its members. */
void ct_jsonw_value (struct ct_jsonw *w, yajl_val v);
#define cleanup_yajl __attribute__ ((cleanup (ct_json_freep)))

/* Paths for messages.  `path` is the parent's path ("" at the top level):
   ct_json_path_key ("linux", "uidMappings") = "linux.uidMappings",
   ct_json_path_index ("linux.uidMappings", 1) = "linux.uidMappings[1]".
   Both return malloc'd strings. */
char *ct_json_path_key (const char *path, const char *key);
char *ct_json_path_index (const char *path, size_t i);

/* Member `key` of object obj (the last one when repeated, as Go does), or
   NULL when absent, JSON null, or obj is not an object. */
yajl_val ct_json_lookup (yajl_val obj, const char *key);

/* Error "`<path>`: <what>" (what is e.g. "required", "not a string"). */
int ct_json_error (ct_error_t *err, const char *path, const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));

/* Value converters: v is the value at `path` (never NULL). */
int ct_json_as_str (yajl_val v, const char *path, char **out, ct_error_t *err);
int ct_json_as_bool (yajl_val v, const char *path, bool *out, ct_error_t *err);
/* Integers: the number text must be an integer (no fraction, no exponent)
   within [0, max] / [min, max]; else "not a <tname>" ("not a uint32"). */
int ct_json_as_uint (yajl_val v, const char *path, uint64_t max, const char *tname, uint64_t *out, ct_error_t *err);
int ct_json_as_int (yajl_val v, const char *path, int64_t min, int64_t max, const char *tname, int64_t *out,
                    ct_error_t *err);
int ct_json_as_object (yajl_val v, const char *path, ct_error_t *err); /* type check only */
int ct_json_as_array (yajl_val v, const char *path, ct_error_t *err);  /* type check only */

/* Member getters.  For each: absent (or null) and required -> "`path.key`:
   required"; absent and optional -> 0 with *present = false (when present
   is not NULL) and *out untouched; wrong type/range -> error naming
   `path.key`.  String outputs are malloc'd and replace nothing: *out must be
   NULL or owned by the caller's structure (it is freed first). */
int ct_json_get_str (yajl_val obj, const char *path, const char *key, bool required, char **out, ct_error_t *err);
int ct_json_get_bool (yajl_val obj, const char *path, const char *key, bool required, bool *out, bool *present,
                      ct_error_t *err);
int ct_json_get_u16 (yajl_val obj, const char *path, const char *key, bool required, uint16_t *out, bool *present,
                     ct_error_t *err);
int ct_json_get_u32 (yajl_val obj, const char *path, const char *key, bool required, uint32_t *out, bool *present,
                     ct_error_t *err);
int ct_json_get_u64 (yajl_val obj, const char *path, const char *key, bool required, uint64_t *out, bool *present,
                     ct_error_t *err);
int ct_json_get_i32 (yajl_val obj, const char *path, const char *key, bool required, int32_t *out, bool *present,
                     ct_error_t *err);
int ct_json_get_i64 (yajl_val obj, const char *path, const char *key, bool required, int64_t *out, bool *present,
                     ct_error_t *err);
/* A NULL-terminated vector of owned strings ("`path.key[2]`: not a string"). */
int ct_json_get_strv (yajl_val obj, const char *path, const char *key, bool required, char ***out, ct_error_t *err);
/* An array of uint32 (malloc'd, *n elements). */
int ct_json_get_u32v (yajl_val obj, const char *path, const char *key, bool required, uint32_t **out, size_t *n,
                      bool *present, ct_error_t *err);
/* An object whose values are all strings: parallel key/value vectors. */
int ct_json_get_strmap (yajl_val obj, const char *path, const char *key, bool required, char ***keys, char ***values,
                        size_t *n, bool *present, ct_error_t *err);
/* An object or array member, type-checked; *out = NULL when absent. */
int ct_json_get_object (yajl_val obj, const char *path, const char *key, bool required, yajl_val *out, ct_error_t *err);
int ct_json_get_array (yajl_val obj, const char *path, const char *key, bool required, yajl_val *out, ct_error_t *err);

#endif
