/* cruntime state: the runtime-spec state of one container, status computed
   from the process (runc's shape: pid 0 when stopped, owner ""). */
#include "common.h"

#include <sys/file.h>

#include "cli.h"
#include "cmds.h"
#include "container.h"

#define STATE_USAGE "cruntime state ID"

int
cmd_state (struct ct_globals *g, int argc, char **argv, ct_error_t *err)
{
	struct rt_container c;
	struct ct_rt_state doc;
	cleanup_free char *buf = NULL;
	const char *id;
	size_t len;
	int r;

	r = cmd_id_only (argc, argv, STATE_USAGE, err);
	if (r != 0)
		return r < 0 ? -1 : 0;
	id = argv[optind];
	if (rt_container_load (g->root, id, LOCK_SH, false, &c, err) < 0)
		return ct_error_wrap (err, "state `%s`", id);
	rt_container_state_doc (&c, "", &doc);
	r = ct_rt_state_encode (&doc, true, &buf, &len, err);
	rt_container_release (&c);
	if (r < 0)
		return -1;
	fwrite (buf, 1, len, stdout);
	return 0;
}
