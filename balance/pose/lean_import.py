"""Import mediapipe without the parts balance never uses.

mediapipe's package imports all of its tasks when it is imported: its drawing utilities
(which import ``matplotlib.pyplot``, about three quarters of mediapipe's import time) and
its audio tasks among them. ``defer_unused`` makes those modules lazy
(``importlib.util.LazyLoader``): they are found and bound as usual, and run the first time
one of their names is used, which balance never does. Other code that uses them still
gets the real module, only later. ``balance.pose`` calls it before any of its modules
imports mediapipe.
"""

import importlib.abc
import importlib.machinery
import importlib.util
import sys

UNUSED = frozenset({
    "mediapipe.tasks.python.vision.drawing_utils",  # matplotlib.pyplot
    "mediapipe.tasks.python.vision.drawing_styles",
    "mediapipe.tasks.python.audio",
})


class _Deferred(importlib.abc.MetaPathFinder):
    """Finds the ``UNUSED`` modules where they are, with a lazy loader."""

    def find_spec(self, name, path, target=None):
        if name not in UNUSED:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = importlib.util.LazyLoader(spec.loader)
        return spec


def defer_unused() -> None:
    """Install the lazy finder once (before mediapipe is imported; a no-op after)."""
    if "mediapipe" not in sys.modules and not any(isinstance(f, _Deferred) for f in sys.meta_path):
        sys.meta_path.insert(0, _Deferred())

