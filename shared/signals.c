#include "common.h"

#include <signal.h>
#include <strings.h>

#include "signals.h"

static const struct {
	const char *name;
	int sig;
} signals[] = {
	{ "HUP", SIGHUP },   { "INT", SIGINT },       { "QUIT", SIGQUIT }, { "ILL", SIGILL },     { "TRAP", SIGTRAP },
	{ "ABRT", SIGABRT }, { "IOT", SIGIOT },       { "BUS", SIGBUS },   { "FPE", SIGFPE },     { "KILL", SIGKILL },
	{ "USR1", SIGUSR1 }, { "SEGV", SIGSEGV },     { "USR2", SIGUSR2 }, { "PIPE", SIGPIPE },   { "ALRM", SIGALRM },
	{ "TERM", SIGTERM }, { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT },   { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN },     { "TTOU", SIGTTOU }, { "URG", SIGURG },     { "XCPU", SIGXCPU },
	{ "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF }, { "WINCH", SIGWINCH }, { "IO", SIGIO },
	{ "POLL", SIGPOLL }, { "PWR", SIGPWR },       { "SYS", SIGSYS },
};

int
ct_signal_from_name (const char *name)
{
	size_t i;

	if (strncasecmp (name, "SIG", 3) == 0)
		name += 3;
	for (i = 0; i < CT_ARRAY_SIZE (signals); i++)
		if (strcasecmp (signals[i].name, name) == 0)
			return signals[i].sig;
	return -1;
}

const char *
ct_signal_name (int sig)
{
	size_t i;

	for (i = 0; i < CT_ARRAY_SIZE (signals); i++)
		if (signals[i].sig == sig)
			return signals[i].name;
	return NULL;
}
