## bats suites for imagetool: one file per command
BATS_TESTS += %reldir%/cli.bats
BATS_TESTS += %reldir%/fixtures.bats
BATS_TESTS += %reldir%/store.bats
BATS_TESTS += %reldir%/archive.bats
BATS_TESTS += %reldir%/registry.bats
BATS_TESTS += %reldir%/pull.bats
BATS_TESTS += %reldir%/login.bats
BATS_TESTS += %reldir%/pull-bad.bats
BATS_TESTS += %reldir%/overlay.bats
BATS_TESTS += %reldir%/commit.bats
BATS_TESTS += %reldir%/unpack.bats
BATS_TESTS += %reldir%/config.bats
