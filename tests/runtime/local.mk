## bats suites for runtime: one file per command
