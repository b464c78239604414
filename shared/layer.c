#include "common.h"

#include "layer.h"

/* Stub: replaced by the layer engine. */
int
ct_layer_apply (int rootfd, int layerfd, const char *name, const char *diff_id, const struct ct_layer_apply_opts *o,
                ct_error_t *err)
{
	(void) rootfd, (void) layerfd, (void) diff_id, (void) o;
	return ct_make_error (err, ENOSYS, "layer %s: applying layers is not implemented yet", name);
}
