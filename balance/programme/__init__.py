"""The guided training programme: today's plan from a person's history, level ladders
with progression rules as data (``rules``), strengthening reps counted by the camera
(``balance.protocols.reps``), and adherence.

Qt-free; the window's walk-through lives in ``balance.gui.plan_page``.
"""
