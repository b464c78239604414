## bats suites for runtime: one file per command
BATS_TESTS += %reldir%/run.bats
BATS_TESTS += %reldir%/features.bats
BATS_TESTS += %reldir%/version.bats
BATS_TESTS += %reldir%/cli.bats
BATS_TESTS += %reldir%/spec.bats
BATS_TESTS += %reldir%/config-errors.bats
