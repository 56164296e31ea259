"""An independent single-leg stance bench (issue 13, item 1), written from first principles.

``body`` (articulated person), ``camera`` (pinhole), ``motion`` (minimum-jerk foot moves,
sway, AR(1) jitter), ``noise`` (what a pose model adds), ``scenario`` (one recording and
its truth), ``conditions`` (the condition table and ``evaluate(name) -> Stats``).
It does not use ``balance/synthetic.py`` or the detectors' internals: keep it that way.
"""
