"""The window's About text: what balance is and, plainly, what touches the network.

The README's *Pose model* section states the same facts.
"""

from __future__ import annotations

from balance import __version__

LOG_HOST = "play.googleapis.com"
UPSTREAM_ISSUE = "google-ai-edge/mediapipe#6291"


def network_facts(blocked: bool) -> str:
    """The network paragraphs; ``blocked``: whether MediaPipe's lookups fail on this machine
    (`balance.pose.offline.block_usage_logging`)."""
    here = ("On this computer the stub is in place: MediaPipe's logs go nowhere."
            if blocked else
            f"On this computer the stub could not be put in place: MediaPipe may send those "
            f"logs. Block {LOG_HOST} in a firewall to stop them.")
    return (
        "balance works offline. Your recordings, history and settings stay on this "
        "computer; nothing you record is sent anywhere.\n\n"
        "The only intended network use is fetching the pose model once "
        "(`balance models prepare`, or the first run that needs it), and only when no model "
        "file is found on this computer.\n\n"
        "MediaPipe's native library, which finds the pose, would send usage logs (task name, "
        "running mode, Python and OS version, frame counts and latencies) to "
        f"{LOG_HOST} while it runs ({UPSTREAM_ISSUE}); it has no switch to turn that off. "
        "On Linux with glibc, balance points that library's address lookup at a stub that "
        "always fails (balance/pose/offline.py), so it never finds the server: no lookup, no "
        "connection. On macOS, Windows and Linux without glibc the stub cannot be put in "
        f"place; block {LOG_HOST} in a firewall there.\n\n" + here)


def about_text(blocked: bool) -> str:
    return (f"balance {__version__}: a webcam balance lab for timed stands, clinical balance "
            "tests and yoga balance poses.\n\n" + network_facts(blocked))
