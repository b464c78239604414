/* User-namespace id mappings as cimage takes them (--uid-map C:H:N). */
#ifndef CT_ID_MAP_H
#define CT_ID_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* One range: container ids [container, container+size) are host ids
   [host, host+size) (runtime-spec's LinuxIDMapping). */
struct ct_id_map {
	uint32_t container;
	uint32_t host;
	uint32_t size;
};

/* Parse "C:H:N" (decimal, N >= 1, no overflow of either range); errors name
   `what` (the option) and the text. */
int ct_id_map_parse (const char *s, const char *what, struct ct_id_map *out, ct_error_t *err);
/* Host id of container id `id` through maps (n == 0: identity); false when unmapped. */
bool ct_id_map_to_host (const struct ct_id_map *maps, size_t n, uint32_t id, uint32_t *host);
/* Container id of host id `host` (the reverse, for commit); false when unmapped. */
bool ct_id_map_to_container (const struct ct_id_map *maps, size_t n, uint32_t host, uint32_t *id);

#endif
