"""``balance batch``: many inputs at once, one task per input, on a Dask cluster or a local
process pool, with the per-file code of ``analyze`` and ``score`` (no Qt, no terminal:
the command draws the progress).

``inputs`` finds the inputs and plans their jobs, ``task`` is what a worker runs,
``executors`` where it runs, ``manifest`` what a batch folder has done, ``run`` the client's
loop (retries, history, manifest) and ``summary`` the CSV.
"""
