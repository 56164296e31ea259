"""The few exceptions the package raises on purpose.

The CLI turns any BalanceError into a one-line ``error: ...`` and exit status 2.
"""


class BalanceError(Exception):
    """Base class: a problem the user can act on, reported without a traceback."""


class InputError(BalanceError):
    """Bad input: a missing, empty, unreadable or foreign file, or an unusable argument."""


class SessionFormatError(InputError):
    """A file that is not a balance session, or one whose content is corrupt."""


class ModelError(BalanceError):
    """The pose model could not be found, downloaded or built."""
