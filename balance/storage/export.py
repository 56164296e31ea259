"""CSV exports for spreadsheets and statistics software.

Two tables, both plain comma-separated UTF-8 with a header row, numbers in '.' decimal
notation, empty cells for unknown values, written readable by the owner only:

* per frame (``write_frames_csv``): ``frame, t_s, detected, stance, trial, side,
  sway_h_cm, sway_v_cm, events`` then the 33 image landmarks ``x0, y0, z0, v0, ...``.
  ``sway_h_cm`` is the centre of mass's horizontal sway about each trial's own centre (front
  view: medio-lateral, + to the image right; ``present.timeline``); ``sway_v_cm`` its
  height above the feet.
  ``events`` lists the kinds marked on that frame, separated by ';'. Last come the
  video's ``image_width, image_height`` in pixels, as in the landmark CSV: ``balance
  score`` takes this table too.
* per trial (``write_trials_csv``): ``person, started, protocol, session_file, trial,
  side, hold_time_s, end_reason, errors, score`` then one column per sway metric
  (``metric_<name>``, the union over all rows).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np

from balance.errors import InputError
from balance.storage.files import atomic_open, atomic_path
from balance.storage.landmark_csv import LANDMARK_COLUMNS, SIZE_COLUMNS

FRAME_HEADER = (["frame", "t_s", "detected", "stance", "trial", "side", "sway_h_cm",
                 "sway_v_cm", "events"] + LANDMARK_COLUMNS + SIZE_COLUMNS)
TRIAL_HEADER = ["person", "started", "protocol", "session_file", "trial", "side",
                "hold_time_s", "end_reason", "errors", "score"]


def write_frames_csv(path: str | Path, timeline, *, overwrite: bool = False) -> int:
    """Write one row per frame of a ``balance.present.timeline.Timeline``; returns the rows.

    An existing ``path`` is kept (InputError) unless ``overwrite``."""
    s = timeline.session
    marks: dict[int, list[str]] = {}
    for e in timeline.events + timeline.notes:
        marks.setdefault(timeline.index_at(e.t_s), []).append(e.kind)
    spans = np.zeros(len(s), dtype=int)
    sides = [""] * len(s)
    for trial in timeline.trials:
        inside = (s.t >= trial.start_s) & (s.t <= trial.end_s)
        spans[inside] = trial.number
        for i in np.flatnonzero(inside):
            sides[i] = trial.side or ""
    flat = s.image.reshape(len(s), -1)
    size = [int(v) for v in s.image_size] if min(s.image_size) > 0 else ["", ""]  # unknown
    with _open(path, overwrite) as fh:
        out = csv.writer(fh)
        out.writerow(FRAME_HEADER)
        for i in range(len(s)):
            out.writerow([i, f"{s.t[i]:.6f}", int(bool(s.detected[i])),
                          int(timeline.stance[i]), spans[i] or "", sides[i],
                          _cell(timeline.sway_h[i]), _cell(timeline.sway_v[i]),
                          ";".join(marks.get(i, []))] + [_cell(v, 6) for v in flat[i]] + size)
    return len(s)


def trial_table(rows: list[dict]) -> tuple[list[str], list[list]]:
    """Header and cells of the per-trial table from dicts with the ``TRIAL_HEADER`` keys
    and a ``metrics`` dict."""
    names = sorted({k for r in rows for k, v in (r.get("metrics") or {}).items()
                    if _number(v)})
    header = TRIAL_HEADER + [f"metric_{k}" for k in names]
    cells = []
    for r in rows:
        metrics = r.get("metrics") or {}
        errors = r.get("errors")
        cells.append([_cell(r.get(k)) if k not in ("errors",) else
                      _cell(len(errors) if isinstance(errors, list) else errors)
                      for k in TRIAL_HEADER] + [_cell(metrics.get(k)) for k in names])
    return header, cells


def write_trials_csv(path: str | Path, rows: list[dict], *, overwrite: bool = False) -> int:
    """Write the per-trial table; ``rows`` as for ``trial_table``. Returns the rows.

    An existing ``path`` is kept (InputError) unless ``overwrite``."""
    header, cells = trial_table(rows)
    with _open(path, overwrite) as fh:
        out = csv.writer(fh)
        out.writerow(header)
        out.writerows(cells)
    return len(cells)


def session_trial_rows(session) -> list[dict]:
    """Per-trial rows of one session's stored result (empty when it holds none)."""
    meta = session.metadata
    result = meta.get("result") if isinstance(meta.get("result"), dict) else {}
    base = {"person": meta.get("person_id"), "started": meta.get("start_time"),
            "protocol": result.get("protocol") or meta.get("protocol"),
            "session_file": str(session.path)}
    return [{**base, "trial": t.get("trial") or i, **{k: t.get(k) for k in (
        "side", "hold_time_s", "end_reason", "errors", "score", "metrics")}}
            for i, t in enumerate(result.get("trials") or [], start=1) if isinstance(t, dict)]


def history_trial_rows(history, person: str, *, since: str | None = None) -> list[dict]:
    """Per-trial rows of a person from the history database."""
    files = {s.id: s.file for s in history.sessions(person, since=since)}
    return [{"person": person, "started": t.started, "protocol": t.protocol,
             "session_file": files.get(t.session_id), "trial": t.trial, "side": t.side,
             "hold_time_s": t.hold_time_s, "end_reason": t.end_reason, "errors": t.errors,
             "score": t.score, "metrics": t.metrics}
            for t in history.trials(person, since=since)]


def _open(path: str | Path, overwrite: bool):
    """The CSV opened through ``atomic_open``: whole or absent, owner-only, never over an
    existing file unless ``overwrite``."""
    return atomic_open(path, "w", overwrite=overwrite, newline="", encoding="utf-8")


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _cell(v, digits: int = 6):
    if v is None:
        return ""
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return f"{float(v):.{digits}g}" if math.isfinite(v) else ""
    if isinstance(v, (int, np.integer)):
        return int(v)
    return str(v)


# The kept video: SESSION.avi (MJPG, readable when a crash cuts it off) since this
# version, SESSION.mp4 (mp4v, unreadable without its closing index) before.
VIDEO_SUFFIXES = (".avi", ".mp4")


def videos_beside(session_path: str | Path) -> list[Path]:
    """Every kept video beside a session, newest naming first."""
    return [p for p in (Path(session_path).with_suffix(x) for x in VIDEO_SUFFIXES)
            if p.is_file()]


def video_beside(session_path: str | Path) -> Path | None:
    """The recorded video kept beside a session (``SESSION.avi`` or an older
    ``SESSION.mp4``), if there is one."""
    return next(iter(videos_beside(session_path)), None)


def export_video(session, out: str | Path, *, blur: bool = True,
                 skeleton: bool = False, overwrite: bool = False) -> int:
    """Copy a session's video with the face blurred (landmarks 0-10) to ``out`` (mp4v).

    Frame i of the video is frame i of the session (``balance analyze --save-video`` and
    the live window's Keep video write them together). A frame where no face was found is kept only if ``blur`` is
    off: otherwise it is blacked out, since an undetected face may still be visible.
    Returns the frames written.
    """

    src = video_beside(session.path)
    if src is None:
        raise InputError(f"{session.path} has no video beside it "
                         f"({Path(session.path).with_suffix('.avi').name}); only the "
                         "landmarks were kept")
    if Path(out).exists() and Path(out).samefile(src):
        raise InputError(f"{out} is the session's own video; export to another name")
    with atomic_path(out, overwrite=overwrite) as tmp:
        n = _copy_video(src, tmp, session, blur=blur, skeleton=skeleton)
    return n


def _copy_video(src: Path, out: Path, session, *, blur: bool, skeleton: bool) -> int:
    import cv2

    cap = cv2.VideoCapture(str(src))
    fps = session.fps or cap.get(cv2.CAP_PROP_FPS) or 30.0
    writer = None
    n = 0
    try:
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            if writer is None:
                h, w = frame.shape[:2]
                writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
                if not writer.isOpened():
                    raise InputError(f"cannot write the video {out}")
            writer.write(prepare_frame(frame, session, n, blur=blur, skeleton=skeleton))
            n += 1
    finally:
        cap.release()
        if writer is not None:
            writer.release()
    if n == 0:
        raise InputError(f"{src} holds no readable frames")
    return n


def prepare_frame(frame: np.ndarray, session, i: int, *, blur: bool = True,
                  skeleton: bool = False) -> np.ndarray:
    """One exported picture: face blurred (or frame blacked out if no face was found),
    skeleton drawn if asked."""
    from balance.privacy import blur_face, face_box

    lm = session.image[i] if i < len(session) and session.detected[i] else None
    if blur:
        if lm is None or face_box(lm, frame.shape[1::-1]) is None:
            frame = np.zeros_like(frame)
        else:
            blur_face(frame, lm)
    if skeleton and lm is not None:
        draw_skeleton(frame, lm)
    return frame


def draw_skeleton(frame: np.ndarray, lm: np.ndarray) -> None:
    """Draw the bones on a BGR frame in place (OpenCV, for exported pictures)."""
    import cv2

    from balance.pose.landmarks import SKELETON

    h, w = frame.shape[:2]
    pts = lm[:, :2] * (w, h)
    ok = np.isfinite(pts).all(axis=1)
    thick = max(2, h // 240)
    for a, b in SKELETON:
        if ok[a] and ok[b]:
            cv2.line(frame, tuple(map(int, pts[a])), tuple(map(int, pts[b])), (255, 224, 53),
                     thick, cv2.LINE_AA)


def export_snapshot(session, t_s: float, out: str | Path, *, blur: bool = True,
                    skeleton: bool = True, overwrite: bool = False) -> Path:
    """One picture at ``t_s`` (PNG or JPEG by ``out``'s suffix): the video frame with
    the face blurred, or the skeleton on a dark canvas when no video was kept."""
    import cv2

    i = int(np.clip(np.searchsorted(session.t, t_s, side="right") - 1, 0, len(session) - 1))
    src = video_beside(session.path)
    frame = None
    if src is not None:
        cap = cv2.VideoCapture(str(src))
        cap.set(cv2.CAP_PROP_POS_FRAMES, i)
        ok, frame = cap.read()
        cap.release()
        frame = frame if ok else None
    if frame is None:
        w, h = session.image_size
        frame = np.full((h, w, 3), (38, 31, 26), np.uint8)
        blur = False  # no picture, no face: only the landmarks are drawn
    frame = prepare_frame(frame, session, i, blur=blur, skeleton=skeleton)
    with atomic_path(out, overwrite=overwrite) as tmp:
        if not cv2.imwrite(str(tmp), frame):
            raise InputError(f"cannot write the picture {out} (use .png or .jpg)")
    return Path(out)
