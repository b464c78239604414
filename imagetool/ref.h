/* Image references on cimage's command line (specs/cimage.1.md REFERENCES):
     docker://HOST[:PORT]/REPO[:TAG|@DIGEST]
     oci:DIR[:REF]   oci-archive:FILE[:REF]   docker-archive:FILE[:REF]
     NAME[:TAG]      (no transport: the local store)
   A docker:// reference must name its registry host (the first component has
   a '.' or ':' or is "localhost"); a short name is an error that shows how to
   write it in full, never a silent default registry. */
#ifndef CT_IMAGETOOL_REF_H
#define CT_IMAGETOOL_REF_H

#include "error.h"

enum ct_transport {
	CT_TRANSPORT_STORE = 0,
	CT_TRANSPORT_DOCKER,
	CT_TRANSPORT_OCI,
	CT_TRANSPORT_OCI_ARCHIVE,
	CT_TRANSPORT_DOCKER_ARCHIVE,
};

struct ct_ref {
	enum ct_transport transport;
	char *text; /* as given, for messages */
	/* docker: */
	char *host;       /* "localhost:5000"; "docker.io" is sent to registry-1.docker.io */
	char *repository; /* "app", "library/debian" */
	char *tag;        /* NULL when only a digest was given */
	char *digest;     /* NULL unless @DIGEST */
	/* oci, oci-archive, docker-archive: */
	char *path; /* DIR or FILE ("-" = stdin/stdout for archives) */
	/* oci*, docker-archive: the REF part (may be NULL); store: the name as given */
	char *name;
};

int ct_ref_parse (const char *s, struct ct_ref *out, ct_error_t *err);
void ct_ref_clear (struct ct_ref *r);

/* docker: "HOST/REPO:TAG" or "HOST/REPO@DIGEST" (what the store names the
   image when pulled without a NAME), malloc'd. */
char *ct_ref_docker_name (const struct ct_ref *r);
/* docker: the API host to connect to ("registry-1.docker.io" for docker.io). */
const char *ct_ref_api_host (const struct ct_ref *r);

#endif
