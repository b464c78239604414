#include "common.h"

static char *
vformat (const char *fmt, va_list ap)
{
	char *s = NULL;
	if (vasprintf (&s, fmt, ap) < 0)
		abort ();
	return s;
}

int
ct_make_error (ct_error_t *err, int status, const char *fmt, ...)
{
	va_list ap;
	struct ct_error_s *e;

	/* Set once: a second error would lose the first, which is the real cause. */
	if (*err != NULL)
		return -1;
	e = xzalloc (sizeof *e);
	e->status = status;
	va_start (ap, fmt);
	e->msg = vformat (fmt, ap);
	va_end (ap);
	*err = e;
	return -1;
}

int
ct_error_wrap (ct_error_t *err, const char *fmt, ...)
{
	va_list ap;
	cleanup_free char *ctx = NULL;
	char *msg;

	if (*err == NULL)
		return ct_make_error (err, 0, "internal error: wrap of an unset error");
	va_start (ap, fmt);
	ctx = vformat (fmt, ap);
	va_end (ap);
	xasprintf (&msg, "%s: %s", ctx, (*err)->msg);
	free ((*err)->msg);
	(*err)->msg = msg;
	return -1;
}

void
ct_error_release (ct_error_t *err)
{
	if (*err == NULL)
		return;
	free ((*err)->msg);
	free (*err);
	*err = NULL;
}

char *
ct_error_string (const struct ct_error_s *e)
{
	char *s;
	if (e == NULL)
		return xstrdup ("unknown error");
	if (e->status != 0)
		xasprintf (&s, "%s: %s", e->msg, strerror (e->status));
	else
		s = xstrdup (e->msg);
	return s;
}
