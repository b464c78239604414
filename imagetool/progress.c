/* Progress on stderr (progress.h).  On a terminal the slots are a block of
   lines redrawn in place (cursor up, clear line) at most ten times a second;
   otherwise one line per finished slot, in skopeo's words. */
#include "common.h"

#include <ctype.h>
#include <time.h>

#include "progress.h"

struct slot {
	char *what;
	int64_t total;
	int64_t done;
	char *state; /* NULL while running */
	bool hidden; /* finished and scrolled above a free-form line */
};

struct ct_progress {
	bool quiet;
	bool tty;
	struct slot *slots;
	size_t n;
	size_t drawn; /* lines of the block on screen */
	double last;  /* when the block was last drawn */
};

static double
now_s (void)
{
	struct timespec ts;

	clock_gettime (CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

struct ct_progress *
ct_progress_new (bool quiet)
{
	struct ct_progress *p = xzalloc (sizeof *p);
	const char *term = getenv ("TERM");

	p->quiet = quiet;
	p->tty = !quiet && isatty (STDERR_FILENO) && (term == NULL || strcmp (term, "dumb") != 0);
	return p;
}

void
ct_progress_free (struct ct_progress *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n; i++) {
		free (p->slots[i].what);
		free (p->slots[i].state);
	}
	free (p->slots);
	free (p);
}

static void
human (char *buf, size_t len, int64_t v)
{
	const char *units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double d = (double) v;
	size_t u = 0;

	while (d >= 1024 && u + 1 < CT_ARRAY_SIZE (units)) {
		d /= 1024;
		u++;
	}
	if (u == 0)
		snprintf (buf, len, "%lld %s", (long long) v, units[0]);
	else
		snprintf (buf, len, "%.1f %s", d, units[u]);
}

/* "Copying blob ..." from "copying blob ...". */
static void
put_what (const char *what)
{
	if (what[0] != '\0') {
		fputc (toupper ((unsigned char) what[0]), stderr);
		fputs (what + 1, stderr);
	}
}

static void
draw (struct ct_progress *p)
{
	size_t lines = 0;

	if (p->drawn > 0)
		fprintf (stderr, "\033[%zuA", p->drawn);
	for (size_t i = 0; i < p->n; i++) {
		struct slot *s = &p->slots[i];
		char done[32], total[32];

		if (s->hidden)
			continue;
		lines++;
		fputs ("\r\033[K", stderr);
		put_what (s->what);
		if (s->state != NULL) {
			fprintf (stderr, " %s\n", s->state);
			continue;
		}
		human (done, sizeof done, s->done);
		if (s->total > 0) {
			const int width = 30;
			int fill = (int) ((double) s->done / (double) s->total * width);
			if (fill > width)
				fill = width;
			human (total, sizeof total, s->total);
			fprintf (stderr, " [%.*s%*s] %s / %s\n", fill, "==============================", width - fill,
			         "", done, total);
		} else
			fprintf (stderr, " %s\n", done);
	}
	p->drawn = lines;
	p->last = now_s ();
	fflush (stderr);
}

int
ct_progress_add (struct ct_progress *p, const char *what, int64_t total)
{
	struct slot *s;

	if (p == NULL)
		return -1;
	p->slots = xreallocarray (p->slots, p->n + 1, sizeof *p->slots);
	s = &p->slots[p->n];
	s->what = xstrdup (what);
	s->total = total;
	s->done = 0;
	s->state = NULL;
	s->hidden = false;
	p->n++;
	if (p->tty)
		draw (p);
	return (int) (p->n - 1);
}

void
ct_progress_update (struct ct_progress *p, int slot, int64_t done)
{
	if (p == NULL || slot < 0 || (size_t) slot >= p->n)
		return;
	p->slots[slot].done = done;
	if (p->tty && now_s () - p->last >= 0.1)
		draw (p);
}

void
ct_progress_done (struct ct_progress *p, int slot, const char *state)
{
	struct slot *s;

	if (p == NULL || slot < 0 || (size_t) slot >= p->n)
		return;
	s = &p->slots[slot];
	if (s->state != NULL)
		return;
	s->state = xstrdup (state);
	if (s->total >= 0)
		s->done = s->total;
	if (p->quiet)
		return;
	if (p->tty) {
		draw (p);
		return;
	}
	put_what (s->what);
	fprintf (stderr, " %s\n", state);
	fflush (stderr);
}

void
ct_progress_line (struct ct_progress *p, const char *fmt, ...)
{
	va_list ap;
	char *line = NULL;

	if (p == NULL || p->quiet)
		return;
	va_start (ap, fmt);
	if (vasprintf (&line, fmt, ap) < 0)
		abort ();
	va_end (ap);
	/* Below the block; later redraws start under this line. */
	put_what (line);
	fputc ('\n', stderr);
	fflush (stderr);
	free (line);
	if (p->tty) {
		/* Finished slots stay above; running ones redraw below the line. */
		for (size_t i = 0; i < p->n; i++)
			if (p->slots[i].state != NULL)
				p->slots[i].hidden = true;
		p->drawn = 0;
	}
}
