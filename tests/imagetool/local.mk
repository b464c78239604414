## bats suites for imagetool: one file per command
