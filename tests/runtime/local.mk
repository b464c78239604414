## bats suites for runtime: one file per command
BATS_TESTS += %reldir%/run.bats
BATS_TESTS += %reldir%/features.bats
BATS_TESTS += %reldir%/version.bats
BATS_TESTS += %reldir%/cli.bats
BATS_TESTS += %reldir%/spec.bats
BATS_TESTS += %reldir%/config-errors.bats
BATS_TESTS += %reldir%/create.bats
BATS_TESTS += %reldir%/start.bats
BATS_TESTS += %reldir%/state.bats
BATS_TESTS += %reldir%/kill.bats
BATS_TESTS += %reldir%/delete.bats
BATS_TESTS += %reldir%/list.bats
BATS_TESTS += %reldir%/lifecycle.bats
BATS_TESTS += %reldir%/exec.bats
BATS_TESTS += %reldir%/hooks.bats
BATS_TESTS += %reldir%/terminal.bats
BATS_TESTS += %reldir%/cgroup2-vm.bats
