"""asv benchmark suites for dtwpt (see ``benchmarks/README.md``)."""
