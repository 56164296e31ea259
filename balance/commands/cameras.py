"""``balance cameras``: the webcams ``balance live --camera N`` can open, one a line.

Exit status 0 when at least one is found; 1, with one line on stderr, when none is (like
``grep`` finding nothing: not an error in the input, but a script can test for it).
"""

import sys

NONE_FOUND = ("no camera found (plug one in, or use `balance demo` to replay a sample, "
              "or `balance analyze VIDEO` on a recording)")

HELP = "list the webcams, for live --camera N"
DESCRIPTION = ("List the webcams found, one a line: the number that --camera takes, then "
               "the name. Exit status 1, with a hint, when there is none.")


def add_arguments(p) -> None:
    """No options."""


def run(args) -> int:
    from balance.capture import cameras  # OpenCV: only when listing

    found = cameras.list_cameras()
    if not found:
        print(NONE_FOUND, file=sys.stderr)
        return 1
    for camera in found:
        print(cameras.label(camera))
    return 0
