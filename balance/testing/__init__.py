"""Test and tool support: a synthetic person with known ground truth.

Used by the tests, ``samples/make_samples.py`` and the benchmarks; no runtime module
imports it (tests/test_import_boundaries.py checks).
"""
