## bats suites for buildtool: one file per command
BATS_TESTS += %reldir%/cli.bats
