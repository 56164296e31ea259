"""Development scripts: calibration and evaluation of the yoga pose table on Yoga-82.

Run from the project root (``python -m tools.yoga_calibrate``); not part of the installed
package, and nothing under ``balance/`` imports it (tests/test_import_boundaries.py checks).
"""
