#include "common.h"

static void __attribute__ ((noreturn)) oom (void)
{
	static const char msg[] = "fatal: out of memory\n";
	if (write (STDERR_FILENO, msg, sizeof msg - 1) < 0) {
		/* nothing left to report with */
	}
	abort ();
}

void *
xmalloc (size_t n)
{
	void *p = malloc (n ? n : 1);
	if (p == NULL)
		oom ();
	return p;
}

void *
xzalloc (size_t n)
{
	return xcalloc (1, n ? n : 1);
}

void *
xcalloc (size_t nmemb, size_t size)
{
	void *p = calloc (nmemb ? nmemb : 1, size ? size : 1);
	if (p == NULL)
		oom ();
	return p;
}

void *
xrealloc (void *p, size_t n)
{
	void *r = realloc (p, n ? n : 1);
	if (r == NULL)
		oom ();
	return r;
}

void *
xreallocarray (void *p, size_t nmemb, size_t size)
{
	void *r = reallocarray (p, nmemb ? nmemb : 1, size ? size : 1);
	if (r == NULL)
		oom ();
	return r;
}

char *
xstrdup (const char *s)
{
	char *r = strdup (s);
	if (r == NULL)
		oom ();
	return r;
}

char *
xstrndup (const char *s, size_t n)
{
	char *r = strndup (s, n);
	if (r == NULL)
		oom ();
	return r;
}

int
xasprintf (char **out, const char *fmt, ...)
{
	va_list ap;
	int r;
	va_start (ap, fmt);
	r = vasprintf (out, fmt, ap);
	va_end (ap);
	if (r < 0)
		oom ();
	return r;
}
