"""The training window, replay window and PDF drawing: PySide6 + pyqtgraph only.

Everything that can run without a window lives below this package: the session driver
(threads, recording, test flow, set-up check) in `balance.session`, the words and
timelines every front end shows in `balance.present`. This package lays widgets out,
wires them to the driver's callbacks and paints.
"""
