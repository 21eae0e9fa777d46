"""camwatch benchmarks: `make bench` (python -m benchmarks) writes JSON.

Every benchmark is measured beside a baseline in the same run, on the same machine,
and reports the ratio; speed is never asserted in the test suite.
"""
