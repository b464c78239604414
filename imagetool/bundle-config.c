#include "common.h"

#include "bundle-config.h"

/* Stub: replaced by the config.json work. */
int
ct_bundle_config_make (int rootfd, const struct ct_image_config *ic, const struct ct_bundle_config_opts *o,
                       struct ct_rt_spec **out, ct_error_t *err)
{
	(void) rootfd, (void) ic, (void) o, (void) out;
	return ct_make_error (err, ENOSYS, "config.json from an image config is not implemented yet");
}
