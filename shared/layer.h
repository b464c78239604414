/* Image layers: applying a layer (tar, tar+gzip, tar+zstd; detected by magic)
   to a root directory.  The layer is untrusted input: every entry is placed
   through the in-root resolution of fs.h (ct_fs_openat_beneath and friends),
   so `..`, absolute names, and symlinks or hardlinks pointing outside all
   stay inside rootfd; an entry that cannot be placed safely fails the apply
   with its name ("layer sha256:...: `etc/x`: ...").

   What an entry becomes: regular files (sparse holes kept), directories,
   symlinks, hardlinks (to entries of this layer or files of lower layers),
   FIFOs, char/block devices (created when permitted, skipped with a warning
   when not: rootless), mode incl. setuid/setgid/sticky, uid/gid (mapped
   through the id maps), mtime (atime = mtime), xattrs incl.
   security.capability, long (PAX/GNU) and non-ASCII names.  A directory over
   an existing directory keeps its contents (its metadata is updated); any
   other entry replaces what was there (a file over a directory removes the
   directory tree, and the reverse).

   Names are resolved as if rootfd were "/" ("../../x" is ROOT/x, as umoci
   and containerd do); an entry for the root itself ("./") sets the root's
   metadata, and nothing may replace the root.  Parents a layer does not
   list are made 0755, owned by the container's root.  Directory modes and
   mtimes are applied once every entry is in, and a lower directory whose
   contents the layer changes keeps its mtime (umoci does the same).  Not
   taken from a layer: security.selinux (host policy), trusted.overlay.*
   (would forge overlayfs metadata in the layer cache), and xattrs with an
   empty value (an empty PAX record deletes its keyword, so Go readers never
   see them).

   Whiteouts (image-spec layer.md): `.wh.NAME` deletes NAME of the lower
   layers, `.wh..wh..opq` empties its directory of what lower layers put
   there.  With `overlay` (the layer cache) they are written as overlayfs
   wants them instead: NAME as a 0:0 char device, the directory with
   trusted.overlay.opaque=y.  `.wh..wh..opq` keeps what this same layer
   placed in the directory, before or after the marker (tar order is not
   guaranteed; containerd tracks the same). */
#ifndef CT_LAYER_H
#define CT_LAYER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "id-map.h"

struct ct_layer_apply_opts {
	const struct ct_id_map *uid_map; /* container -> host; n == 0: identity */
	size_t n_uid_map;
	const struct ct_id_map *gid_map;
	size_t n_gid_map;
	/* Not real root: devices are skipped with a warning (ct_log_warning,
	   naming the entry), ownership is set only where permitted, and
	   security.* / trusted.* xattrs that cannot be set are skipped with a
	   warning.  As root every failure is an error. */
	bool rootless;
	/* Whiteouts as overlayfs whiteouts (see above), for the layer cache. */
	bool overlay;
};

/* Apply the layer read from layerfd (its whole stream: a blob from the
   store) on rootfd (an O_PATH or O_RDONLY directory fd).  diff_id, when not
   NULL, is the "sha256:..." the uncompressed tar must hash to; a mismatch is
   an error once the stream ends ("layer sha256:...: content does not match
   its diff_id sha256:..."), as is a stream that is not tar, gzip or zstd.
   `name` (the layer's digest) prefixes every error. */
int ct_layer_apply (int rootfd, int layerfd, const char *name, const char *diff_id, const struct ct_layer_apply_opts *o,
                    ct_error_t *err);

#endif
