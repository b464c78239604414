#include "common.h"

#include <ctype.h>
#include <linux/capability.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "caps.h"

int
rt_caps_last (void)
{
	/* cap_max_bits() asks the kernel (/proc/sys/kernel/cap_last_cap). */
	return (int) cap_max_bits () - 1;
}

int
rt_caps_parse (char *const *names, size_t n, uint64_t *mask, const char *what, ct_error_t *err)
{
	size_t i;

	*mask = 0;
	for (i = 0; i < n; i++) {
		cleanup_free char *lower = xstrdup (names[i]);
		cap_value_t v;
		char *p;

		for (p = lower; *p; p++)
			*p = (char) tolower ((unsigned char) *p);
		if (strncmp (lower, "cap_", 4) != 0 || cap_from_name (lower, &v) < 0 || v < 0 || v > 63)
			return ct_make_error (err, 0, "`%s`: unknown capability `%s`", what, names[i]);
		if (v > rt_caps_last ())
			return ct_make_error (err, 0, "`%s`: capability `%s` is not known to the kernel", what,
			                      names[i]);
		*mask |= UINT64_C (1) << v;
	}
	return 0;
}

char *
rt_caps_name (int cap)
{
	char *name = cap_to_name ((cap_value_t) cap);
	char *out, *p;

	out = xstrdup (name ? name : "");
	cap_free (name);
	for (p = out; *p; p++)
		*p = (char) toupper ((unsigned char) *p);
	return out;
}

int
rt_caps_drop_bounding (uint64_t bounding, ct_error_t *err)
{
	int last = rt_caps_last ();
	int c;

	for (c = 0; c <= last; c++)
		if (!(bounding & (UINT64_C (1) << c)) && prctl (PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			return ct_make_error (err, errno, "drop capability %d from the bounding set", c);
	return 0;
}

int
rt_caps_apply (uint64_t effective, uint64_t permitted, uint64_t inheritable, uint64_t ambient, ct_error_t *err)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	int last = rt_caps_last ();
	int c;

	data[0].effective = (uint32_t) effective;
	data[1].effective = (uint32_t) (effective >> 32);
	data[0].permitted = (uint32_t) permitted;
	data[1].permitted = (uint32_t) (permitted >> 32);
	data[0].inheritable = (uint32_t) inheritable;
	data[1].inheritable = (uint32_t) (inheritable >> 32);
	/* Raw capset: no allocation between clone and exec. */
	if (syscall (SYS_capset, &hdr, data) < 0)
		return ct_make_error (err, errno, "set capabilities");
	if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return ct_make_error (err, errno, "clear the ambient capabilities");
	for (c = 0; c <= last; c++)
		if ((ambient & (UINT64_C (1) << c)) && prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
			return ct_make_error (err, errno, "raise ambient capability %d", c);
	return 0;
}
