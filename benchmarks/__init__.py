"""dotflow's performance harness (not part of the test run): ``benchmarks/run``."""
