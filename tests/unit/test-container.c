#include "common.h"

#include <signal.h>

#include "container.h"
#include "tap.h"

static int
test_parse_signal (void)
{
	static const struct {
		const char *in;
		int sig;
	} good[] = {
		{ "9", SIGKILL },    { "KILL", SIGKILL }, { "SIGKILL", SIGKILL },   { "sigterm", SIGTERM },
		{ "term", SIGTERM }, { "USR1", SIGUSR1 }, { "SIGWINCH", SIGWINCH }, { "1", SIGHUP },
	};
	static const char *const bad[] = { "", "0", "-9", "KIL", "SIG", "SIGFOO", "9x", "99999999999", NULL };
	ct_error_t err = NULL;
	size_t i;
	int sig;

	for (i = 0; i < CT_ARRAY_SIZE (good); i++) {
		sig = -1;
		CHECK (rt_parse_signal (good[i].in, &sig, &err) == 0);
		CHECK (sig == good[i].sig);
	}
	for (i = 0; bad[i] != NULL; i++) {
		CHECK (rt_parse_signal (bad[i], &sig, &err) == -1);
		CHECK_ERR (err, "unknown signal");
		ct_error_release (&err);
	}
	/* the highest real-time signal is accepted by number, one above it is not */
	{
		char buf[16];
		snprintf (buf, sizeof buf, "%d", SIGRTMAX);
		CHECK (rt_parse_signal (buf, &sig, &err) == 0 && sig == SIGRTMAX);
		snprintf (buf, sizeof buf, "%d", SIGRTMAX + 1);
		CHECK (rt_parse_signal (buf, &sig, &err) == -1);
		ct_error_release (&err);
	}
	return 0;
}

int
main (void)
{
	static const struct tap_test tests[] = {
		TAP_TEST (test_parse_signal),
	};
	return tap_run (tests, TAP_COUNT (tests));
}
