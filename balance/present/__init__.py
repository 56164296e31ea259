"""What the CLI, the window, the terminal demo and the PDF all show, Qt-free.

``messages`` holds the words (result cards, safety text), ``timeline`` lays a recorded
session out in time, ``terminal`` is the demo without a screen, ``tones`` the cue sounds.
"""
