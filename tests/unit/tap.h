/* Minimal TAP for C unit tests (STYLE.md 3.8).
   Each test is `static int test_x (void)` returning 0 (ok), -1 (not ok) or
   77 (skip); CHECK() prints the failing condition as a TAP comment.

     static const struct tap_test tests[] = { TAP_TEST (test_x), ... };
     int main (void) { return tap_run (tests, TAP_COUNT (tests)); }
*/
#ifndef CT_TAP_H
#define CT_TAP_H

#include <stdio.h>
#include <string.h>

#define TAP_SKIP 77

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			printf ("# %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			return -1;                                                         \
		}                                                                          \
	} while (0)

#define CHECK_STR(a, b)                                                                               \
	do {                                                                                          \
		const char *ca_ = (a), *cb_ = (b);                                                    \
		if (ca_ == NULL || cb_ == NULL || strcmp (ca_, cb_) != 0) {                           \
			printf ("# %s:%d: `%s` is \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a, \
			        ca_ ? ca_ : "(null)", cb_ ? cb_ : "(null)");                          \
			return -1;                                                                    \
		}                                                                                     \
	} while (0)

/* The error's text contains `needle`. */
#define CHECK_ERR(err, needle)                                                                                \
	do {                                                                                                  \
		if ((err) == NULL || strstr ((err)->msg, (needle)) == NULL) {                                 \
			printf ("# %s:%d: error is \"%s\", expected to contain \"%s\"\n", __FILE__, __LINE__, \
			        (err) ? (err)->msg : "(none)", (needle));                                     \
			return -1;                                                                            \
		}                                                                                             \
	} while (0)

struct tap_test {
	const char *name;
	int (*fn) (void);
};

#define TAP_TEST(f)   \
	{             \
#f, f \
	}
#define TAP_COUNT(a) ((int) (sizeof (a) / sizeof ((a)[0])))

static inline int
tap_run (const struct tap_test *tests, int n)
{
	int failed = 0;

	printf ("1..%d\n", n);
	for (int i = 0; i < n; i++) {
		int r;
		fflush (stdout);
		r = tests[i].fn ();
		if (r == TAP_SKIP)
			printf ("ok %d - %s # SKIP\n", i + 1, tests[i].name);
		else if (r == 0)
			printf ("ok %d - %s\n", i + 1, tests[i].name);
		else {
			printf ("not ok %d - %s\n", i + 1, tests[i].name);
			failed++;
		}
	}
	return failed ? 1 : 0;
}

#endif
