#include "common.h"

#include <inttypes.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>
#include <yajl/yajl_tree.h>

#include "json.h"

/* ---------------------------------------------------------------- writing */

/* Frame kinds on the writer's own stack: yajl_gen would happily write a
   string where a key is expected, so we track the grammar ourselves. */
enum frame {
	FRAME_MAP_KEY,   /* in an object, a key comes next */
	FRAME_MAP_VALUE, /* in an object, after a key */
	FRAME_ARRAY,
};

#define MAX_DEPTH 256

struct ct_jsonw {
	yajl_gen g;
	const char *error; /* first error; static text */
	int depth;
	bool done; /* the top-level value was written */
	enum frame stack[MAX_DEPTH];
};

struct ct_jsonw *
ct_jsonw_new (bool beautify)
{
	struct ct_jsonw *w = xzalloc (sizeof *w);

	w->g = yajl_gen_alloc (NULL);
	if (w->g == NULL)
		abort ();
	if (beautify) {
		yajl_gen_config (w->g, yajl_gen_beautify, 1);
		yajl_gen_config (w->g, yajl_gen_indent_string, "\t");
	}
	return w;
}

void
ct_jsonw_free (struct ct_jsonw *w)
{
	if (w == NULL)
		return;
	yajl_gen_free (w->g);
	free (w);
}

static const char *
gen_status_text (yajl_gen_status st)
{
	switch (st) {
	case yajl_gen_status_ok:
		return NULL;
	case yajl_gen_keys_must_be_strings:
		return "keys must be strings";
	case yajl_max_depth_exceeded:
		return "maximum depth exceeded";
	case yajl_gen_in_error_state:
		return "generator in error state";
	case yajl_gen_generation_complete:
		return "value after the end of the document";
	case yajl_gen_invalid_number:
		return "invalid number";
	case yajl_gen_no_buf:
		return "no buffer";
	case yajl_gen_invalid_string:
		return "invalid UTF-8 string";
	}
	return "unknown generator error";
}

static void
set_error (struct ct_jsonw *w, const char *msg)
{
	if (w->error == NULL)
		w->error = msg;
}

static void
check (struct ct_jsonw *w, yajl_gen_status st)
{
	if (st != yajl_gen_status_ok)
		set_error (w, gen_status_text (st));
}

/* Before writing a value: is one allowed here? Moves a map frame from
   "value" back to "key". */
static bool
value_ok (struct ct_jsonw *w)
{
	if (w->error != NULL)
		return false;
	if (w->depth == 0) {
		if (w->done) {
			set_error (w, "value after the end of the document");
			return false;
		}
		return true;
	}
	switch (w->stack[w->depth - 1]) {
	case FRAME_MAP_KEY:
		set_error (w, "value where a key is expected");
		return false;
	case FRAME_MAP_VALUE:
		w->stack[w->depth - 1] = FRAME_MAP_KEY;
		return true;
	case FRAME_ARRAY:
		return true;
	}
	return true;
}

static void
value_written (struct ct_jsonw *w)
{
	if (w->depth == 0)
		w->done = true;
}

static void
push (struct ct_jsonw *w, enum frame f)
{
	if (w->depth >= MAX_DEPTH) {
		set_error (w, "maximum depth exceeded");
		return;
	}
	w->stack[w->depth++] = f;
}

void
ct_jsonw_map_open (struct ct_jsonw *w)
{
	if (!value_ok (w))
		return;
	check (w, yajl_gen_map_open (w->g));
	push (w, FRAME_MAP_KEY);
}

void
ct_jsonw_map_close (struct ct_jsonw *w)
{
	if (w->error != NULL)
		return;
	if (w->depth == 0 || w->stack[w->depth - 1] == FRAME_ARRAY) {
		set_error (w, "object close without an open object");
		return;
	}
	if (w->stack[w->depth - 1] == FRAME_MAP_VALUE) {
		set_error (w, "object closed after a key without a value");
		return;
	}
	check (w, yajl_gen_map_close (w->g));
	w->depth--;
	value_written (w);
}

void
ct_jsonw_array_open (struct ct_jsonw *w)
{
	if (!value_ok (w))
		return;
	check (w, yajl_gen_array_open (w->g));
	push (w, FRAME_ARRAY);
}

void
ct_jsonw_array_close (struct ct_jsonw *w)
{
	if (w->error != NULL)
		return;
	if (w->depth == 0 || w->stack[w->depth - 1] != FRAME_ARRAY) {
		set_error (w, "array close without an open array");
		return;
	}
	check (w, yajl_gen_array_close (w->g));
	w->depth--;
	value_written (w);
}

void
ct_jsonw_key (struct ct_jsonw *w, const char *key)
{
	if (w->error != NULL)
		return;
	if (w->depth == 0 || w->stack[w->depth - 1] != FRAME_MAP_KEY) {
		set_error (w, w->depth > 0 && w->stack[w->depth - 1] == FRAME_MAP_VALUE
		                      ? "key where a value is expected"
		                      : "key outside of an object");
		return;
	}
	check (w, yajl_gen_string (w->g, (const unsigned char *) key, strlen (key)));
	w->stack[w->depth - 1] = FRAME_MAP_VALUE;
}

void
ct_jsonw_strn (struct ct_jsonw *w, const char *s, size_t len)
{
	if (!value_ok (w))
		return;
	check (w, yajl_gen_string (w->g, (const unsigned char *) s, len));
	value_written (w);
}

void
ct_jsonw_str (struct ct_jsonw *w, const char *s)
{
	if (s == NULL) {
		ct_jsonw_null (w);
		return;
	}
	ct_jsonw_strn (w, s, strlen (s));
}

void
ct_jsonw_int (struct ct_jsonw *w, int64_t v)
{
	if (!value_ok (w))
		return;
	check (w, yajl_gen_integer (w->g, (long long) v));
	value_written (w);
}

void
ct_jsonw_uint (struct ct_jsonw *w, uint64_t v)
{
	char buf[32];
	int n;

	if (!value_ok (w))
		return;
	/* yajl_gen_integer takes a long long: write the decimal text so values
	   above INT64_MAX come out exactly. */
	n = snprintf (buf, sizeof buf, "%" PRIu64, v);
	check (w, yajl_gen_number (w->g, buf, (size_t) n));
	value_written (w);
}

void
ct_jsonw_double (struct ct_jsonw *w, double v)
{
	if (!value_ok (w))
		return;
	check (w, yajl_gen_double (w->g, v));
	value_written (w);
}

void
ct_jsonw_bool (struct ct_jsonw *w, bool v)
{
	if (!value_ok (w))
		return;
	check (w, yajl_gen_bool (w->g, v));
	value_written (w);
}

void
ct_jsonw_null (struct ct_jsonw *w)
{
	if (!value_ok (w))
		return;
	check (w, yajl_gen_null (w->g));
	value_written (w);
}

void
ct_jsonw_kv_str (struct ct_jsonw *w, const char *key, const char *s)
{
	ct_jsonw_key (w, key);
	ct_jsonw_str (w, s);
}

void
ct_jsonw_kv_int (struct ct_jsonw *w, const char *key, int64_t v)
{
	ct_jsonw_key (w, key);
	ct_jsonw_int (w, v);
}

void
ct_jsonw_kv_uint (struct ct_jsonw *w, const char *key, uint64_t v)
{
	ct_jsonw_key (w, key);
	ct_jsonw_uint (w, v);
}

void
ct_jsonw_kv_bool (struct ct_jsonw *w, const char *key, bool v)
{
	ct_jsonw_key (w, key);
	ct_jsonw_bool (w, v);
}

void
ct_jsonw_value (struct ct_jsonw *w, yajl_val v)
{
	if (v == NULL) {
		ct_jsonw_null (w);
		return;
	}
	switch (v->type) {
	case yajl_t_string:
		ct_jsonw_str (w, v->u.string);
		break;
	case yajl_t_number:
		if (!value_ok (w))
			return;
		check (w, yajl_gen_number (w->g, v->u.number.r, strlen (v->u.number.r)));
		value_written (w);
		break;
	case yajl_t_object:
		ct_jsonw_map_open (w);
		for (size_t i = 0; i < v->u.object.len; i++) {
			ct_jsonw_key (w, v->u.object.keys[i]);
			ct_jsonw_value (w, v->u.object.values[i]);
		}
		ct_jsonw_map_close (w);
		break;
	case yajl_t_array:
		ct_jsonw_array_open (w);
		for (size_t i = 0; i < v->u.array.len; i++)
			ct_jsonw_value (w, v->u.array.values[i]);
		ct_jsonw_array_close (w);
		break;
	case yajl_t_true:
		ct_jsonw_bool (w, true);
		break;
	case yajl_t_false:
		ct_jsonw_bool (w, false);
		break;
	case yajl_t_null:
	case yajl_t_any:
	default:
		ct_jsonw_null (w);
		break;
	}
}

int
ct_jsonw_finish (struct ct_jsonw *w, char **out, size_t *len, ct_error_t *err)
{
	const unsigned char *buf = NULL;
	size_t n = 0;
	char *res;
	int ret = 0;

	if (w->error == NULL && (w->depth != 0 || !w->done))
		set_error (w, "document not complete");
	if (w->error != NULL) {
		ret = ct_make_error (err, 0, "generate JSON: %s", w->error);
		goto out;
	}
	check (w, yajl_gen_get_buf (w->g, &buf, &n));
	if (w->error != NULL) {
		ret = ct_make_error (err, 0, "generate JSON: %s", w->error);
		goto out;
	}
	/* yajl's beautify already ends the document with a newline */
	res = xmalloc (n + 1);
	memcpy (res, buf, n);
	res[n] = '\0';
	*out = res;
	if (len != NULL)
		*len = n;
out:
	ct_jsonw_free (w);
	return ret;
}

/* ---------------------------------------------------------------- reading */

void
ct_json_freep (yajl_val *v)
{
	if (*v != NULL)
		yajl_tree_free (*v);
}

/* yajl_tree_free recurses: refuse absurd nesting before parsing so a
   hostile "[[[[..." cannot exhaust the stack. */
#define MAX_NESTING 512

static bool
nesting_ok (const char *data, size_t len)
{
	int depth = 0;
	bool in_str = false;

	for (size_t i = 0; i < len; i++) {
		char c = data[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
			continue;
		}
		if (c == '"')
			in_str = true;
		else if (c == '[' || c == '{') {
			if (++depth > MAX_NESTING)
				return false;
		} else if (c == ']' || c == '}')
			depth--;
	}
	return true;
}

/* Where a document that yajl_tree_parse refused goes wrong, as a 1-based line
   and column: yajl_tree does not say, so run a callback-less parser over it
   (error path only) and count the lines before the byte it stopped at. */
static void
error_position (const char *buf, size_t len, size_t *line, size_t *col)
{
	yajl_handle h = yajl_alloc (NULL, NULL, NULL);
	size_t off = len, i;

	if (h != NULL) {
		/* yajl counts the offending byte as consumed: step back onto it */
		if (yajl_parse (h, (const unsigned char *) buf, len) != yajl_status_ok) {
			off = yajl_get_bytes_consumed (h);
			off = off > 0 ? off - 1 : 0;
		} else if (yajl_complete_parse (h) != yajl_status_ok)
			off = len;
		yajl_free (h);
	}
	if (off > len)
		off = len;
	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else
			(*col)++;
	}
}

int
ct_json_parse (const char *data, size_t len, yajl_val *out, ct_error_t *err)
{
	cleanup_free char *buf = NULL;
	char errbuf[1024];
	yajl_val v;

	if (len > CT_JSON_MAX_SIZE)
		return ct_make_error (err, 0, "document too large");
	if (memchr (data, '\0', len) != NULL)
		return ct_make_error (err, 0, "invalid JSON: NUL byte in document");
	if (!nesting_ok (data, len))
		return ct_make_error (err, 0, "invalid JSON: nesting deeper than %d", MAX_NESTING);
	buf = xmalloc (len + 1);
	memcpy (buf, data, len);
	buf[len] = '\0';
	errbuf[0] = '\0';
	v = yajl_tree_parse (buf, errbuf, sizeof errbuf);
	if (v == NULL) {
		char *nl = strchr (errbuf, '\n');
		size_t line, col;

		if (nl != NULL)
			*nl = '\0';
		error_position (buf, len, &line, &col);
		return ct_make_error (err, 0, "invalid JSON at line %zu, column %zu: %s", line, col,
		                      errbuf[0] ? errbuf : "parse error");
	}
	*out = v;
	return 0;
}

char *
ct_json_path_key (const char *path, const char *key)
{
	char *r = NULL;

	if (path == NULL || *path == '\0')
		return xstrdup (key);
	xasprintf (&r, "%s.%s", path, key);
	return r;
}

char *
ct_json_path_index (const char *path, size_t i)
{
	char *r = NULL;

	xasprintf (&r, "%s[%zu]", path ? path : "", i);
	return r;
}

yajl_val
ct_json_lookup (yajl_val obj, const char *key)
{
	yajl_val found = NULL;

	if (!YAJL_IS_OBJECT (obj))
		return NULL;
	for (size_t i = 0; i < obj->u.object.len; i++)
		if (strcmp (obj->u.object.keys[i], key) == 0)
			found = obj->u.object.values[i];
	if (YAJL_IS_NULL (found))
		return NULL;
	return found;
}

int
ct_json_error (ct_error_t *err, const char *path, const char *fmt, ...)
{
	cleanup_free char *what = NULL;
	va_list ap;
	int r;

	va_start (ap, fmt);
	r = vasprintf (&what, fmt, ap);
	va_end (ap);
	if (r < 0)
		abort ();
	return ct_make_error (err, 0, "`%s`: %s", path, what);
}

int
ct_json_as_str (yajl_val v, const char *path, char **out, ct_error_t *err)
{
	if (!YAJL_IS_STRING (v))
		return ct_json_error (err, path, "not a string");
	free (*out);
	*out = xstrdup (v->u.string);
	return 0;
}

int
ct_json_as_bool (yajl_val v, const char *path, bool *out, ct_error_t *err)
{
	if (YAJL_IS_TRUE (v))
		*out = true;
	else if (YAJL_IS_FALSE (v))
		*out = false;
	else
		return ct_json_error (err, path, "not a boolean");
	return 0;
}

static const char *
article (const char *tname)
{
	/* "an int32", "a uint32" */
	return tname[0] == 'i' ? "an" : "a";
}

/* The number text is an integer literal: -?[0-9]+ (JSON forbids leading
   zeros and yajl enforces that). */
static bool
integer_text (const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

int
ct_json_as_uint (yajl_val v, const char *path, uint64_t max, const char *tname, uint64_t *out, ct_error_t *err)
{
	const char *s;
	char *end = NULL;
	unsigned long long n;

	if (!YAJL_IS_NUMBER (v))
		return ct_json_error (err, path, "not %s %s", article (tname), tname);
	s = YAJL_GET_NUMBER (v);
	if (!integer_text (s) || s[0] == '-') {
		/* "-0" is zero, whatever its sign */
		if (!(s[0] == '-' && integer_text (s) && strspn (s + 1, "0") == strlen (s + 1)))
			return ct_json_error (err, path, "not %s %s", article (tname), tname);
		*out = 0;
		return 0;
	}
	errno = 0;
	n = strtoull (s, &end, 10);
	if (errno != 0 || *end != '\0' || n > max)
		return ct_json_error (err, path, "not %s %s", article (tname), tname);
	*out = (uint64_t) n;
	return 0;
}

int
ct_json_as_int (yajl_val v, const char *path, int64_t min, int64_t max, const char *tname, int64_t *out,
                ct_error_t *err)
{
	const char *s;
	char *end = NULL;
	long long n;

	if (!YAJL_IS_NUMBER (v))
		return ct_json_error (err, path, "not %s %s", article (tname), tname);
	s = YAJL_GET_NUMBER (v);
	if (!integer_text (s))
		return ct_json_error (err, path, "not %s %s", article (tname), tname);
	errno = 0;
	n = strtoll (s, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return ct_json_error (err, path, "not %s %s", article (tname), tname);
	*out = (int64_t) n;
	return 0;
}

int
ct_json_as_object (yajl_val v, const char *path, ct_error_t *err)
{
	if (!YAJL_IS_OBJECT (v))
		return ct_json_error (err, path, "not an object");
	return 0;
}

int
ct_json_as_array (yajl_val v, const char *path, ct_error_t *err)
{
	if (!YAJL_IS_ARRAY (v))
		return ct_json_error (err, path, "not an array");
	return 0;
}

/* Common head of every member getter: find the member, handle absence. */
static int
member (yajl_val obj, const char *path, const char *key, bool required, yajl_val *v, char **vpath, ct_error_t *err)
{
	*v = ct_json_lookup (obj, key);
	*vpath = ct_json_path_key (path, key);
	if (*v == NULL && required)
		return ct_json_error (err, *vpath, "required");
	return 0;
}

int
ct_json_get_str (yajl_val obj, const char *path, const char *key, bool required, char **out, ct_error_t *err)
{
	cleanup_free char *p = NULL;
	yajl_val v;

	if (member (obj, path, key, required, &v, &p, err) < 0)
		return -1;
	if (v == NULL)
		return 0;
	return ct_json_as_str (v, p, out, err);
}

int
ct_json_get_bool (yajl_val obj, const char *path, const char *key, bool required, bool *out, bool *present,
                  ct_error_t *err)
{
	cleanup_free char *p = NULL;
	yajl_val v;

	if (member (obj, path, key, required, &v, &p, err) < 0)
		return -1;
	if (present)
		*present = v != NULL;
	if (v == NULL)
		return 0;
	return ct_json_as_bool (v, p, out, err);
}

static int
get_uint (yajl_val obj, const char *path, const char *key, bool required, uint64_t max, const char *tname,
          uint64_t *out, bool *present, ct_error_t *err)
{
	cleanup_free char *p = NULL;
	yajl_val v;

	if (member (obj, path, key, required, &v, &p, err) < 0)
		return -1;
	if (present)
		*present = false;
	if (v == NULL)
		return 0;
	if (ct_json_as_uint (v, p, max, tname, out, err) < 0)
		return -1;
	if (present)
		*present = true;
	return 0;
}

static int
get_int (yajl_val obj, const char *path, const char *key, bool required, int64_t min, int64_t max, const char *tname,
         int64_t *out, bool *present, ct_error_t *err)
{
	cleanup_free char *p = NULL;
	yajl_val v;

	if (member (obj, path, key, required, &v, &p, err) < 0)
		return -1;
	if (present)
		*present = false;
	if (v == NULL)
		return 0;
	if (ct_json_as_int (v, p, min, max, tname, out, err) < 0)
		return -1;
	if (present)
		*present = true;
	return 0;
}

int
ct_json_get_u16 (yajl_val obj, const char *path, const char *key, bool required, uint16_t *out, bool *present,
                 ct_error_t *err)
{
	uint64_t n = 0;
	bool pr = false;

	if (get_uint (obj, path, key, required, UINT16_MAX, "uint16", &n, &pr, err) < 0)
		return -1;
	if (pr)
		*out = (uint16_t) n;
	if (present)
		*present = pr;
	return 0;
}

int
ct_json_get_u32 (yajl_val obj, const char *path, const char *key, bool required, uint32_t *out, bool *present,
                 ct_error_t *err)
{
	uint64_t n = 0;
	bool pr = false;

	if (get_uint (obj, path, key, required, UINT32_MAX, "uint32", &n, &pr, err) < 0)
		return -1;
	if (pr)
		*out = (uint32_t) n;
	if (present)
		*present = pr;
	return 0;
}

int
ct_json_get_u64 (yajl_val obj, const char *path, const char *key, bool required, uint64_t *out, bool *present,
                 ct_error_t *err)
{
	return get_uint (obj, path, key, required, UINT64_MAX, "uint64", out, present, err);
}

int
ct_json_get_i32 (yajl_val obj, const char *path, const char *key, bool required, int32_t *out, bool *present,
                 ct_error_t *err)
{
	int64_t n = 0;
	bool pr = false;

	if (get_int (obj, path, key, required, INT32_MIN, INT32_MAX, "int32", &n, &pr, err) < 0)
		return -1;
	if (pr)
		*out = (int32_t) n;
	if (present)
		*present = pr;
	return 0;
}

int
ct_json_get_i64 (yajl_val obj, const char *path, const char *key, bool required, int64_t *out, bool *present,
                 ct_error_t *err)
{
	return get_int (obj, path, key, required, INT64_MIN, INT64_MAX, "int64", out, present, err);
}

int
ct_json_get_strv (yajl_val obj, const char *path, const char *key, bool required, char ***out, ct_error_t *err)
{
	cleanup_free char *p = NULL;
	cleanup_strv char **res = NULL;
	yajl_val v;
	size_t n;

	if (member (obj, path, key, required, &v, &p, err) < 0)
		return -1;
	if (v == NULL)
		return 0;
	if (ct_json_as_array (v, p, err) < 0)
		return -1;
	n = v->u.array.len;
	res = xcalloc (n + 1, sizeof (char *));
	for (size_t i = 0; i < n; i++) {
		yajl_val e = v->u.array.values[i];
		if (!YAJL_IS_STRING (e)) {
			cleanup_free char *ep = ct_json_path_index (p, i);
			return ct_json_error (err, ep, "not a string");
		}
		res[i] = xstrdup (e->u.string);
	}
	ct_cleanup_strvp (out);
	*out = steal_pointer (&res);
	return 0;
}

int
ct_json_get_u32v (yajl_val obj, const char *path, const char *key, bool required, uint32_t **out, size_t *n,
                  bool *present, ct_error_t *err)
{
	cleanup_free char *p = NULL;
	cleanup_free uint32_t *res = NULL;
	yajl_val v;
	size_t len;

	if (member (obj, path, key, required, &v, &p, err) < 0)
		return -1;
	if (present)
		*present = false;
	if (v == NULL)
		return 0;
	if (ct_json_as_array (v, p, err) < 0)
		return -1;
	len = v->u.array.len;
	res = xcalloc (len ? len : 1, sizeof (uint32_t));
	for (size_t i = 0; i < len; i++) {
		cleanup_free char *ep = ct_json_path_index (p, i);
		uint64_t x;
		if (ct_json_as_uint (v->u.array.values[i], ep, UINT32_MAX, "uint32", &x, err) < 0)
			return -1;
		res[i] = (uint32_t) x;
	}
	free (*out);
	*out = steal_pointer (&res);
	*n = len;
	if (present)
		*present = true;
	return 0;
}

int
ct_json_get_strmap (yajl_val obj, const char *path, const char *key, bool required, char ***keys, char ***values,
                    size_t *n, bool *present, ct_error_t *err)
{
	cleanup_free char *p = NULL;
	cleanup_strv char **k = NULL;
	cleanup_strv char **vals = NULL;
	yajl_val v;
	size_t len;

	if (member (obj, path, key, required, &v, &p, err) < 0)
		return -1;
	if (present)
		*present = false;
	if (v == NULL)
		return 0;
	if (ct_json_as_object (v, p, err) < 0)
		return -1;
	len = v->u.object.len;
	k = xcalloc (len + 1, sizeof (char *));
	vals = xcalloc (len + 1, sizeof (char *));
	for (size_t i = 0; i < len; i++) {
		yajl_val e = v->u.object.values[i];
		if (!YAJL_IS_STRING (e)) {
			cleanup_free char *ep = ct_json_path_key (p, v->u.object.keys[i]);
			return ct_json_error (err, ep, "not a string");
		}
		k[i] = xstrdup (v->u.object.keys[i]);
		vals[i] = xstrdup (e->u.string);
	}
	ct_cleanup_strvp (keys);
	ct_cleanup_strvp (values);
	*keys = steal_pointer (&k);
	*values = steal_pointer (&vals);
	*n = len;
	if (present)
		*present = true;
	return 0;
}

int
ct_json_get_object (yajl_val obj, const char *path, const char *key, bool required, yajl_val *out, ct_error_t *err)
{
	cleanup_free char *p = NULL;
	yajl_val v;

	*out = NULL;
	if (member (obj, path, key, required, &v, &p, err) < 0)
		return -1;
	if (v == NULL)
		return 0;
	if (ct_json_as_object (v, p, err) < 0)
		return -1;
	*out = v;
	return 0;
}

int
ct_json_get_array (yajl_val obj, const char *path, const char *key, bool required, yajl_val *out, ct_error_t *err)
{
	cleanup_free char *p = NULL;
	yajl_val v;

	*out = NULL;
	if (member (obj, path, key, required, &v, &p, err) < 0)
		return -1;
	if (v == NULL)
		return 0;
	if (ct_json_as_array (v, p, err) < 0)
		return -1;
	*out = v;
	return 0;
}
