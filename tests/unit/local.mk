## One test program per shared module: tests/unit/test-<module>.c
UNIT_TESTS += %reldir%/test-error
%canon_reldir%_test_error_CPPFLAGS = $(UNIT_CPPFLAGS)
%canon_reldir%_test_error_LDADD = $(SHARED_LIBS)
UNIT_TESTS += %reldir%/test-log
%canon_reldir%_test_log_CPPFLAGS = $(UNIT_CPPFLAGS)
%canon_reldir%_test_log_LDADD = $(SHARED_LIBS)
UNIT_TESTS += %reldir%/test-digest
%canon_reldir%_test_digest_CPPFLAGS = $(UNIT_CPPFLAGS)
%canon_reldir%_test_digest_LDADD = $(SHARED_LIBS)
UNIT_TESTS += %reldir%/test-sha256
%canon_reldir%_test_sha256_CPPFLAGS = $(UNIT_CPPFLAGS)
%canon_reldir%_test_sha256_LDADD = $(SHARED_LIBS)
UNIT_TESTS += %reldir%/test-fs
%canon_reldir%_test_fs_CPPFLAGS = $(UNIT_CPPFLAGS)
%canon_reldir%_test_fs_LDADD = $(SHARED_LIBS)
UNIT_TESTS += %reldir%/test-strv
%canon_reldir%_test_strv_CPPFLAGS = $(UNIT_CPPFLAGS)
%canon_reldir%_test_strv_LDADD = $(SHARED_LIBS)
UNIT_TESTS += %reldir%/test-cli
%canon_reldir%_test_cli_CPPFLAGS = $(UNIT_CPPFLAGS)
%canon_reldir%_test_cli_LDADD = $(SHARED_LIBS)
UNIT_TESTS += %reldir%/test-cas
%canon_reldir%_test_cas_CPPFLAGS = $(UNIT_CPPFLAGS)
%canon_reldir%_test_cas_LDADD = $(SHARED_LIBS)

UNIT_TESTS += %reldir%/test-json
%canon_reldir%_test_json_CPPFLAGS = $(UNIT_CPPFLAGS)
%canon_reldir%_test_json_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
%canon_reldir%_test_json_LDADD = $(SHARED_LIBS)

UNIT_TESTS += %reldir%/test-ocispec-runtime
%canon_reldir%_test_ocispec_runtime_CPPFLAGS = $(UNIT_CPPFLAGS)
%canon_reldir%_test_ocispec_runtime_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
%canon_reldir%_test_ocispec_runtime_LDADD = libruntime.a $(SHARED_LIBS)

UNIT_TESTS += %reldir%/test-ocispec-state
%canon_reldir%_test_ocispec_state_CPPFLAGS = $(UNIT_CPPFLAGS)
%canon_reldir%_test_ocispec_state_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
%canon_reldir%_test_ocispec_state_LDADD = $(SHARED_LIBS)

UNIT_TESTS += %reldir%/test-container
%canon_reldir%_test_container_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/runtime
%canon_reldir%_test_container_LDADD = libruntime.a $(SHARED_LIBS) $(SECCOMP_LIBS) $(CAP_LIBS)

UNIT_TESTS += %reldir%/test-cgroup-devices
%canon_reldir%_test_cgroup_devices_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/runtime
%canon_reldir%_test_cgroup_devices_LDADD = libruntime.a $(SHARED_LIBS)
UNIT_TESTS += %reldir%/test-cgroup-stats
%canon_reldir%_test_cgroup_stats_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/runtime
%canon_reldir%_test_cgroup_stats_LDADD = libruntime.a $(SHARED_LIBS)
UNIT_TESTS += %reldir%/test-cgroup-resources
%canon_reldir%_test_cgroup_resources_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/runtime
%canon_reldir%_test_cgroup_resources_LDADD = libruntime.a $(SHARED_LIBS)
UNIT_TESTS += %reldir%/test-cgroups
%canon_reldir%_test_cgroups_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/runtime
%canon_reldir%_test_cgroups_LDADD = libruntime.a $(SHARED_LIBS)
UNIT_TESTS += %reldir%/test-lsm
%canon_reldir%_test_lsm_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/runtime
%canon_reldir%_test_lsm_LDADD = libruntime.a $(SHARED_LIBS)
UNIT_TESTS += %reldir%/test-idmap
%canon_reldir%_test_idmap_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/runtime
%canon_reldir%_test_idmap_LDADD = libruntime.a $(SHARED_LIBS)

UNIT_TESTS += %reldir%/test-seccomp
%canon_reldir%_test_seccomp_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/runtime
%canon_reldir%_test_seccomp_CFLAGS = $(AM_CFLAGS) $(SECCOMP_CFLAGS)
%canon_reldir%_test_seccomp_LDADD = libruntime.a $(SHARED_LIBS) $(SECCOMP_LIBS)

UNIT_TESTS += %reldir%/test-ocispec-image
%canon_reldir%_test_ocispec_image_CPPFLAGS = $(UNIT_CPPFLAGS)
%canon_reldir%_test_ocispec_image_LDADD = $(SHARED_LIBS)

UNIT_TESTS += %reldir%/test-store
%canon_reldir%_test_store_CPPFLAGS = $(UNIT_CPPFLAGS)
%canon_reldir%_test_store_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
%canon_reldir%_test_store_LDADD = $(SHARED_LIBS)

UNIT_TESTS += %reldir%/test-ref
%canon_reldir%_test_ref_SOURCES = %reldir%/test-ref.c imagetool/ref.c
%canon_reldir%_test_ref_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/imagetool
%canon_reldir%_test_ref_LDADD = $(SHARED_LIBS)

UNIT_TESTS += %reldir%/test-docker-archive
%canon_reldir%_test_docker_archive_CPPFLAGS = $(UNIT_CPPFLAGS)
%canon_reldir%_test_docker_archive_LDADD = $(SHARED_LIBS)

UNIT_TESTS += %reldir%/test-registry-auth
%canon_reldir%_test_registry_auth_SOURCES = %reldir%/test-registry-auth.c \
	imagetool/registry.c imagetool/auth.c imagetool/progress.c
%canon_reldir%_test_registry_auth_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/imagetool
%canon_reldir%_test_registry_auth_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(YAJL_CFLAGS) $(CRYPTO_CFLAGS)
%canon_reldir%_test_registry_auth_LDADD = $(SHARED_LIBS) $(CURL_LIBS)

UNIT_TESTS += %reldir%/test-rootfs-record
%canon_reldir%_test_rootfs_record_CPPFLAGS = $(UNIT_CPPFLAGS)
%canon_reldir%_test_rootfs_record_LDADD = $(SHARED_LIBS)

UNIT_TESTS += %reldir%/test-layer-write
%canon_reldir%_test_layer_write_CPPFLAGS = $(UNIT_CPPFLAGS)
%canon_reldir%_test_layer_write_CFLAGS = $(AM_CFLAGS) $(ARCHIVE_CFLAGS)
%canon_reldir%_test_layer_write_LDADD = $(SHARED_LIBS) $(ARCHIVE_LIBS)

UNIT_TESTS += %reldir%/test-layer
%canon_reldir%_test_layer_CPPFLAGS = $(UNIT_CPPFLAGS)
%canon_reldir%_test_layer_CFLAGS = $(AM_CFLAGS) $(ARCHIVE_CFLAGS)
%canon_reldir%_test_layer_LDADD = $(SHARED_LIBS) $(ARCHIVE_LIBS)

UNIT_TESTS += %reldir%/test-bundle-config
%canon_reldir%_test_bundle_config_SOURCES = %reldir%/test-bundle-config.c imagetool/bundle-config.c
%canon_reldir%_test_bundle_config_CPPFLAGS = $(UNIT_CPPFLAGS) -I$(top_srcdir)/imagetool
%canon_reldir%_test_bundle_config_LDADD = $(SHARED_LIBS)

UNIT_TESTS += %reldir%/test-config-edit
%canon_reldir%_test_config_edit_CPPFLAGS = $(UNIT_CPPFLAGS)
%canon_reldir%_test_config_edit_LDADD = $(SHARED_LIBS)
