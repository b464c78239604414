## testinit: static payload run inside containers by the tests.
