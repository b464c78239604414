#include "common.h"

#include <inttypes.h>

#include "id-map.h"

static bool
parse_u32 (const char **p, char stop, uint32_t *out)
{
	uint64_t v = 0;
	const char *s = *p;

	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (uint64_t) (*s - '0');
		if (v > UINT32_MAX)
			return false;
	}
	if (*s != stop)
		return false;
	*out = (uint32_t) v;
	*p = stop ? s + 1 : s;
	return true;
}

int
ct_id_map_parse (const char *s, const char *what, struct ct_id_map *out, ct_error_t *err)
{
	const char *p = s;

	if (!parse_u32 (&p, ':', &out->container) || !parse_u32 (&p, ':', &out->host) ||
	    !parse_u32 (&p, '\0', &out->size) || out->size == 0)
		return ct_make_error (err, 0, "%s `%s`: want CONTAINER:HOST:SIZE (decimal ids, SIZE at least 1)", what,
		                      s);
	if ((uint64_t) out->container + out->size - 1 > UINT32_MAX || (uint64_t) out->host + out->size - 1 > UINT32_MAX)
		return ct_make_error (err, 0, "%s `%s`: the range passes 4294967295", what, s);
	return 0;
}

bool
ct_id_map_to_host (const struct ct_id_map *maps, size_t n, uint32_t id, uint32_t *host)
{
	size_t i;

	if (n == 0) {
		*host = id;
		return true;
	}
	for (i = 0; i < n; i++)
		if (id >= maps[i].container && id - maps[i].container < maps[i].size) {
			*host = maps[i].host + (id - maps[i].container);
			return true;
		}
	return false;
}

bool
ct_id_map_to_container (const struct ct_id_map *maps, size_t n, uint32_t host, uint32_t *id)
{
	size_t i;

	if (n == 0) {
		*id = host;
		return true;
	}
	for (i = 0; i < n; i++)
		if (host >= maps[i].host && host - maps[i].host < maps[i].size) {
			*id = maps[i].container + (host - maps[i].host);
			return true;
		}
	return false;
}
