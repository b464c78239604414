/* NULL-terminated vectors of owned strings (argv, env, capability lists).
   NULL is a valid empty vector for every reader (len 0, contains nothing);
   cleanup_strv (cleanup.h) frees one. */
#ifndef CT_STRV_H
#define CT_STRV_H

#include <stdbool.h>
#include <stddef.h>

size_t ct_strv_len (char *const *v);
/* Deep copy; NULL in, NULL out. */
char **ct_strv_dup (char *const *v);
/* Deep copy of a NULL-terminated array of borrowed strings (never NULL). */
char **ct_strv_new (const char *const *v);
void ct_strv_free (char **v);
/* Append a copy of s (strv_push) or s itself, taking ownership (strv_take);
 *v may be NULL.  O(len) per call: fine for argv-sized vectors. */
void ct_strv_push (char ***v, const char *s);
void ct_strv_take (char ***v, char *s);
bool ct_strv_contains (char *const *v, const char *s);
/* Elements joined by sep, malloc'd ("" for an empty vector). */
char *ct_strv_join (char *const *v, const char *sep);

/* ct_strv_new from literals: CT_STRV ("a", "b") */
#define CT_STRV(...) ct_strv_new ((const char *const[]){ __VA_ARGS__, NULL })

#endif
