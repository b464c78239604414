#include "common.h"

#include "strv.h"

size_t
ct_strv_len (char *const *v)
{
	size_t n = 0;
	if (v != NULL)
		while (v[n] != NULL)
			n++;
	return n;
}

char **
ct_strv_new (const char *const *v)
{
	size_t n = 0;
	char **out;

	while (v != NULL && v[n] != NULL)
		n++;
	out = xcalloc (n + 1, sizeof *out);
	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup (v[i]);
	return out;
}

char **
ct_strv_dup (char *const *v)
{
	if (v == NULL)
		return NULL;
	return ct_strv_new ((const char *const *) v);
}

void
ct_strv_free (char **v)
{
	ct_cleanup_strvp (&v);
}

void
ct_strv_take (char ***v, char *s)
{
	size_t n = ct_strv_len (*v);

	*v = xreallocarray (*v, n + 2, sizeof **v);
	(*v)[n] = s;
	(*v)[n + 1] = NULL;
}

void
ct_strv_push (char ***v, const char *s)
{
	ct_strv_take (v, xstrdup (s));
}

bool
ct_strv_contains (char *const *v, const char *s)
{
	for (size_t i = 0; v != NULL && v[i] != NULL; i++)
		if (strcmp (v[i], s) == 0)
			return true;
	return false;
}

char *
ct_strv_join (char *const *v, const char *sep)
{
	size_t n = ct_strv_len (v), total = 1, seplen = strlen (sep);
	char *out, *p;

	for (size_t i = 0; i < n; i++)
		total += strlen (v[i]) + (i ? seplen : 0);
	p = out = xmalloc (total);
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen (v[i]);
		if (i) {
			memcpy (p, sep, seplen);
			p += seplen;
		}
		memcpy (p, v[i], l);
		p += l;
	}
	*p = '\0';
	return out;
}
