#include "common.h"

#include <time.h>

#include <yajl/yajl_tree.h>

#include "json.h"
#include "ocispec/state.h"

void
ct_rt_state_free (struct ct_rt_state *s)
{
	if (s == NULL)
		return;
	free (s->oci_version);
	free (s->id);
	free (s->status);
	free (s->bundle);
	for (size_t i = 0; i < s->annotations.n; i++) {
		free (s->annotations.keys[i]);
		free (s->annotations.values[i]);
	}
	free (s->annotations.keys);
	free (s->annotations.values);
	free (s->rootfs);
	free (s->created);
	free (s->owner);
	free (s);
}

void
ct_rt_state_freep (struct ct_rt_state **s)
{
	ct_rt_state_free (*s);
}

static int
dec_state (yajl_val v, struct ct_rt_state *s, ct_error_t *err)
{
	yajl_val pid;

	if (ct_json_get_str (v, "", "ociVersion", true, &s->oci_version, err) < 0 ||
	    ct_json_get_str (v, "", "id", true, &s->id, err) < 0 ||
	    ct_json_get_str (v, "", "status", true, &s->status, err) < 0 ||
	    ct_json_get_str (v, "", "bundle", true, &s->bundle, err) < 0 ||
	    ct_json_get_strmap (v, "", "annotations", false, &s->annotations.keys, &s->annotations.values,
	                        &s->annotations.n, &s->annotations_present, err) < 0 ||
	    ct_json_get_str (v, "", "rootfs", false, &s->rootfs, err) < 0 ||
	    ct_json_get_str (v, "", "created", false, &s->created, err) < 0 ||
	    ct_json_get_str (v, "", "owner", false, &s->owner, err) < 0)
		return -1;
	pid = ct_json_lookup (v, "pid");
	if (pid != NULL) {
		int64_t n;
		if (ct_json_as_int (pid, "pid", 0, INT_MAX, "int", &n, err) < 0)
			return -1;
		s->pid = (int) n;
		s->pid_present = true;
	}
	return 0;
}

int
ct_rt_state_decode (const char *data, size_t len, const char *source, struct ct_rt_state **out, ct_error_t *err)
{
	cleanup_yajl yajl_val tree = NULL;
	cleanup_rt_state struct ct_rt_state *s = NULL;

	if (ct_json_parse (data, len, &tree, err) < 0)
		return ct_error_wrap (err, "%s", source);
	if (!YAJL_IS_OBJECT (tree))
		return ct_make_error (err, 0, "%s: not a JSON object", source);
	s = xzalloc (sizeof *s);
	if (dec_state (tree, s, err) < 0)
		return ct_error_wrap (err, "%s", source);
	*out = steal_pointer (&s);
	return 0;
}

int
ct_rt_state_encode (const struct ct_rt_state *s, bool beautify, char **out, size_t *len, ct_error_t *err)
{
	struct ct_jsonw *w = ct_jsonw_new (beautify);

	ct_jsonw_map_open (w);
	ct_jsonw_kv_str (w, "ociVersion", s->oci_version ? s->oci_version : "");
	ct_jsonw_kv_str (w, "id", s->id ? s->id : "");
	/* runc always writes pid (0 once stopped) */
	ct_jsonw_kv_int (w, "pid", s->pid);
	ct_jsonw_kv_str (w, "status", s->status ? s->status : "");
	ct_jsonw_kv_str (w, "bundle", s->bundle ? s->bundle : "");
	if (s->rootfs != NULL)
		ct_jsonw_kv_str (w, "rootfs", s->rootfs);
	if (s->created != NULL)
		ct_jsonw_kv_str (w, "created", s->created);
	if (s->owner != NULL)
		ct_jsonw_kv_str (w, "owner", s->owner);
	if (s->annotations_present && s->annotations.n > 0) {
		ct_jsonw_key (w, "annotations");
		ct_jsonw_map_open (w);
		for (size_t i = 0; i < s->annotations.n; i++)
			ct_jsonw_kv_str (w, s->annotations.keys[i], s->annotations.values[i]);
		ct_jsonw_map_close (w);
	}
	ct_jsonw_map_close (w);
	return ct_jsonw_finish (w, out, len, err);
}

char *
ct_rt_state_format_time (long long sec, long nsec)
{
	time_t t = (time_t) sec;
	struct tm tm;
	char buf[64];
	char *r = NULL;

	if (gmtime_r (&t, &tm) == NULL)
		memset (&tm, 0, sizeof tm);
	strftime (buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
	/* Go's RFC3339Nano drops trailing zeros of the fraction, and the dot
	   when nothing is left */
	if (nsec > 0 && nsec < 1000000000L) {
		char frac[16];
		size_t n;
		snprintf (frac, sizeof frac, "%09ld", nsec);
		n = strlen (frac);
		while (n > 0 && frac[n - 1] == '0')
			frac[--n] = '\0';
		xasprintf (&r, "%s.%sZ", buf, frac);
	} else
		xasprintf (&r, "%sZ", buf);
	return r;
}
