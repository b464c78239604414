## bats suites for buildtool: one file per command
