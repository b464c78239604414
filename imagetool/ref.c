/* Image references (ref.h, specs/cimage.1.md REFERENCES).  The docker
   grammar is distribution/reference's (reference/regexp.go):
     name      := [domain '/'] path-component ['/' path-component]*
     domain    := host [':' port]      host: DNS components, IPv4 or [IPv6]
     path-component := [a-z0-9]+ ([._] | __ | -+ [a-z0-9]+)*
     tag       := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
   Archive and layout paths end at the first ':' as in skopeo
   (containers/image internal.SplitPathAndImage). */
#include "common.h"

#include <ctype.h>

#include "digest.h"
#include "ref.h"

#define NAME_MAX_TOTAL 255 /* distribution/reference NameTotalLengthMax */
#define TAG_MAX        128

static const struct {
	const char *prefix;
	enum ct_transport transport;
} transports[] = {
	{ "docker://", CT_TRANSPORT_DOCKER },
	{ "oci:", CT_TRANSPORT_OCI },
	{ "oci-archive:", CT_TRANSPORT_OCI_ARCHIVE },
	{ "docker-archive:", CT_TRANSPORT_DOCKER_ARCHIVE },
};

static bool
is_lower_alnum (char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool
is_alnum (char c)
{
	return is_lower_alnum (c) || (c >= 'A' && c <= 'Z');
}

static bool
is_word (char c)
{
	return is_alnum (c) || c == '_';
}

/* One path component of a repository, [s, s+n). */
static bool
valid_path_component (const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0 || !is_lower_alnum (s[0]) || !is_lower_alnum (s[n - 1]))
		return false;
	while (i < n) {
		if (is_lower_alnum (s[i])) {
			i++;
			continue;
		}
		/* A separator: '.', '_', "__" or a run of '-', then an alnum. */
		if (s[i] == '.')
			i++;
		else if (s[i] == '_')
			i += (i + 1 < n && s[i + 1] == '_') ? 2 : 1;
		else if (s[i] == '-')
			while (i < n && s[i] == '-')
				i++;
		else
			return false;
		if (i >= n || !is_lower_alnum (s[i]))
			return false;
	}
	return true;
}

static bool
valid_repository (const char *s)
{
	const char *slash;

	for (;;) {
		slash = strchr (s, '/');
		if (!valid_path_component (s, slash ? (size_t) (slash - s) : strlen (s)))
			return false;
		if (slash == NULL)
			return true;
		s = slash + 1;
	}
}

static bool
valid_dns_component (const char *s, size_t n)
{
	if (n == 0 || !is_alnum (s[0]) || !is_alnum (s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum (s[i]) && s[i] != '-')
			return false;
	return true;
}

/* host[:port], host a DNS name, an IPv4 address (DNS components cover it)
   or a bracketed IPv6 address. */
static bool
valid_domain (const char *s)
{
	const char *end, *colon;

	if (s[0] == '[') {
		end = strchr (s, ']');
		if (end == NULL || end == s + 1)
			return false;
		for (const char *p = s + 1; p < end; p++)
			if (!isxdigit ((unsigned char) *p) && *p != ':')
				return false;
		colon = end[1] == ':' ? end + 1 : NULL;
		if (colon == NULL && end[1] != '\0')
			return false;
	} else {
		const char *p = s;
		colon = strchr (s, ':');
		end = colon ? colon : s + strlen (s);
		for (;;) {
			const char *dot = memchr (p, '.', (size_t) (end - p));
			if (!valid_dns_component (p, dot ? (size_t) (dot - p) : (size_t) (end - p)))
				return false;
			if (dot == NULL)
				break;
			p = dot + 1;
		}
	}
	if (colon != NULL) {
		if (colon[1] == '\0')
			return false;
		for (const char *p = colon + 1; *p; p++)
			if (!isdigit ((unsigned char) *p))
				return false;
	}
	return true;
}

static bool
valid_tag (const char *s)
{
	size_t n = strlen (s);

	if (n == 0 || n > TAG_MAX || !is_word (s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!is_word (s[i]) && s[i] != '.' && s[i] != '-')
			return false;
	return true;
}

/* The org.opencontainers.image.ref.name grammar (annotations.md):
     ref := component ('/' component)*
     component := alphanum (separator alphanum)*   separator := [-._:@+] | "--" */
static bool
valid_annotation_ref (const char *s)
{
	size_t i = 0, n = strlen (s);

	while (i < n) {
		if (!is_alnum (s[i]))
			return false;
		while (i < n && is_alnum (s[i]))
			i++;
		if (i == n)
			return true;
		if (s[i] == '-' && i + 1 < n && s[i + 1] == '-')
			i += 2;
		else if (strchr ("-._:@+/", s[i]) != NULL)
			i++;
		else
			return false;
		if (i == n)
			return false;
	}
	return n > 0;
}

/* Split "name[:tag][@digest]" (no transport) into its parts, checking the
   tag and digest.  *name is what precedes them. */
static int
split_tag_digest (const char *text, const char *s, char **name, char **tag, char **digest, ct_error_t *err)
{
	cleanup_free char *copy = xstrdup (s);
	char *at, *colon, *slash;

	at = strchr (copy, '@');
	if (at != NULL) {
		*at = '\0';
		if (ct_digest_parse (at + 1, NULL, NULL, err) < 0)
			return ct_error_wrap (err, "`%s`", text);
		*digest = xstrdup (at + 1);
	}
	colon = strrchr (copy, ':');
	slash = strrchr (copy, '/');
	if (colon != NULL && (slash == NULL || colon > slash)) {
		*colon = '\0';
		if (!valid_tag (colon + 1)) {
			free (steal_pointer (digest));
			return ct_make_error (err, 0,
			                      "`%s`: invalid tag `%s`: a tag is up to 128 letters, digits, '_', "
			                      "'.' and '-', not starting with '.' or '-'",
			                      text, colon + 1);
		}
		*tag = xstrdup (colon + 1);
	}
	*name = steal_pointer (&copy);
	return 0;
}

static bool
looks_like_domain (const char *component, size_t n)
{
	return memchr (component, '.', n) != NULL || memchr (component, ':', n) != NULL ||
	       (n == strlen ("localhost") && memcmp (component, "localhost", n) == 0);
}

static int
parse_docker (const char *text, const char *s, struct ct_ref *r, ct_error_t *err)
{
	cleanup_free char *name = NULL;
	const char *slash;

	if (*s == '\0')
		return ct_make_error (err, 0, "`%s`: no image named after `docker://`", text);
	if (split_tag_digest (text, s, &name, &r->tag, &r->digest, err) < 0)
		return -1;

	slash = strchr (name, '/');
	if (slash == NULL || !looks_like_domain (name, (size_t) (slash - name))) {
		/* Never a silent default registry: show both usual spellings. */
		return ct_make_error (err, 0,
		                      "`%s`: no registry host; write it in full, e.g. docker://docker.io/%s%s or "
		                      "docker://localhost:5000/%s",
		                      text, slash == NULL ? "library/" : "", s, s);
	}
	r->host = xstrndup (name, (size_t) (slash - name));
	if (!valid_domain (r->host))
		return ct_make_error (err, 0, "`%s`: invalid registry host `%s`", text, r->host);
	if (strcmp (r->host, "index.docker.io") == 0) {
		free (r->host);
		r->host = xstrdup ("docker.io");
	}
	if (!valid_repository (slash + 1))
		return ct_make_error (err, 0,
		                      "`%s`: invalid repository `%s`: path components are lowercase letters "
		                      "and digits separated by '.', '_', '__' or '-'",
		                      text, slash + 1);
	/* Docker Hub's official images live under library/. */
	if (strcmp (r->host, "docker.io") == 0 && strchr (slash + 1, '/') == NULL)
		xasprintf (&r->repository, "library/%s", slash + 1);
	else
		r->repository = xstrdup (slash + 1);
	if (strlen (r->host) + 1 + strlen (r->repository) > NAME_MAX_TOTAL)
		return ct_make_error (err, 0, "`%s`: repository name longer than %d characters", text, NAME_MAX_TOTAL);
	if (r->tag == NULL && r->digest == NULL)
		r->tag = xstrdup ("latest");
	return 0;
}

/* "@N" (a docker archive's Nth manifest entry) or NAME[:TAG]. */
static int
check_docker_archive_ref (const char *text, const char *ref, ct_error_t *err)
{
	cleanup_free char *name = NULL;
	cleanup_free char *tag = NULL;
	cleanup_free char *digest = NULL;

	if (ref[0] == '@') {
		if (ref[1] == '\0' || strspn (ref + 1, "0123456789") != strlen (ref + 1))
			return ct_make_error (err, 0, "`%s`: invalid archive entry `%s`: expected @N (a number)", text,
			                      ref);
		return 0;
	}
	if (split_tag_digest (text, ref, &name, &tag, &digest, err) < 0)
		return -1;
	if (digest != NULL)
		return ct_make_error (err, 0, "`%s`: a docker archive names images by tag, not by digest", text);
	{
		const char *slash = strchr (name, '/');
		const char *repo = name;
		if (slash != NULL && looks_like_domain (name, (size_t) (slash - name))) {
			cleanup_free char *host = xstrndup (name, (size_t) (slash - name));
			if (!valid_domain (host))
				return ct_make_error (err, 0, "`%s`: invalid registry host `%s`", text, host);
			repo = slash + 1;
		}
		if (!valid_repository (repo))
			return ct_make_error (err, 0,
			                      "`%s`: invalid repository `%s`: path components are lowercase "
			                      "letters and digits separated by '.', '_', '__' or '-'",
			                      text, repo);
	}
	return 0;
}

/* PATH[:REF] of the oci, oci-archive and docker-archive transports. */
static int
parse_path_ref (const char *text, const char *prefix, const char *s, struct ct_ref *r, ct_error_t *err)
{
	const char *colon = strchr (s, ':');

	r->path = colon ? xstrndup (s, (size_t) (colon - s)) : xstrdup (s);
	if (r->path[0] == '\0')
		return ct_make_error (err, 0, "`%s`: no %s after `%s`", text,
		                      r->transport == CT_TRANSPORT_OCI ? "directory" : "file", prefix);
	if (r->transport == CT_TRANSPORT_OCI && strcmp (r->path, "-") == 0)
		return ct_make_error (err, 0, "`%s`: an OCI layout is a directory; `-` (stdin) works for archives only",
		                      text);
	if (colon == NULL)
		return 0;
	if (colon[1] == '\0')
		return ct_make_error (err, 0, "`%s`: empty reference after `%s:`", text, r->path);
	r->name = xstrdup (colon + 1);
	if (r->transport == CT_TRANSPORT_DOCKER_ARCHIVE)
		return check_docker_archive_ref (text, r->name, err);
	if (!valid_annotation_ref (r->name))
		return ct_make_error (err, 0,
		                      "`%s`: invalid reference `%s`: letters and digits separated by one of "
		                      "`-._:@+/` or `--`",
		                      text, r->name);
	return 0;
}

int
ct_ref_parse (const char *s, struct ct_ref *out, ct_error_t *err)
{
	struct ct_ref r = { .transport = CT_TRANSPORT_STORE };
	int ret = -1;

	r.text = xstrdup (s);
	for (size_t i = 0; i < CT_ARRAY_SIZE (transports); i++) {
		size_t n = strlen (transports[i].prefix);
		if (strncmp (s, transports[i].prefix, n) != 0)
			continue;
		r.transport = transports[i].transport;
		if (r.transport == CT_TRANSPORT_DOCKER)
			ret = parse_docker (s, s + n, &r, err);
		else
			ret = parse_path_ref (s, transports[i].prefix, s + n, &r, err);
		break;
	}
	if (r.transport == CT_TRANSPORT_STORE) {
		/* The store's names are ref.name annotations (store-format.md NAMES). */
		if (*s == '\0')
			ret = ct_make_error (err, 0, "empty image name");
		else if (!valid_annotation_ref (s))
			ret = ct_make_error (err, 0,
			                     "`%s`: invalid image name: letters and digits separated by one of "
			                     "`-._:@+/` or `--`",
			                     s);
		else {
			r.name = xstrdup (s);
			ret = 0;
		}
	}
	if (ret < 0) {
		ct_ref_clear (&r);
		return -1;
	}
	*out = r;
	return 0;
}

void
ct_ref_clear (struct ct_ref *r)
{
	free (r->text);
	free (r->host);
	free (r->repository);
	free (r->tag);
	free (r->digest);
	free (r->path);
	free (r->name);
	memset (r, 0, sizeof *r);
}

char *
ct_ref_docker_name (const struct ct_ref *r)
{
	char *s;

	/* A digest names the content exactly; the tag it came with is not kept
	   (store-format.md NAMES: "a digest reference keeps its digest"). */
	if (r->digest != NULL)
		xasprintf (&s, "%s/%s@%s", r->host, r->repository, r->digest);
	else
		xasprintf (&s, "%s/%s:%s", r->host, r->repository, r->tag ? r->tag : "latest");
	return s;
}

const char *
ct_ref_api_host (const struct ct_ref *r)
{
	if (r->host != NULL && strcmp (r->host, "docker.io") == 0)
		return "registry-1.docker.io";
	return r->host;
}
