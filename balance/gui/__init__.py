"""The training window (PySide6 + pyqtgraph). Qt stays inside this package.

Modules without Qt, usable and testable anywhere: ``engine`` (threads, one-slot queue,
recording), ``replay``, ``flow``, ``setup_check``, ``report``, ``tones``, ``live``,
``terminal``. Modules with Qt: ``app``, ``workers``, ``widgets``, ``safety``,
``setup_assistant``, ``sound``, ``settings`` (its QSettings half), ``main_window``, ``run``.
"""
