"""Running a session, Qt-free: the one driver every front end calls.

``engine`` holds the frame threads and the one-slot queue, ``recording`` the protocol run
and its files (the only code that feeds a protocol), ``rescore`` replays a recording
through it, ``flow`` the order of a session, ``setup_check`` the camera check (``setup_needs``: what
the chosen test adds to it, ``walk_line``: the TUG's 3 m line), ``live``
how a run is set up, ``pipeline`` the pose-on-every-frame loop of ``analyze``,
``settings`` what the window remembers.
"""
