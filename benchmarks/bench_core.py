"""Speed of the scoring core: per-frame streaming cost, batch metrics, numba vs NumPy.

Run from the project root::

    .venv/bin/python benchmarks/bench_core.py

Prints, in one run:

1. the per-frame streaming update (``SwayAccumulator.push``; target under 5 us), also
   with a causal filter step and a snapshot, as the live window would call them, and
   the per-frame cost of the live event detectors;
2. every batch sway metric on 60 s at 100 Hz (``sway_metrics``; target under 2 ms), and
   its time over plain NumPy + ``scipy.signal.welch`` computing the same values in the
   same run (issue 18 asks for <= 0.5x);
3. each numba kernel against its NumPy twin on a realistic input, and the ratio;
4. the other batch stages on a 60 s, 30 fps generated session (filters, CoM, events).

Times are medians of repeated runs on this machine (no warm-up cost: ``warmup()`` runs
first and its time is printed separately). Figures, not pass/fail: nothing asserts.
"""

import sys
import time
from pathlib import Path

import numpy as np
from scipy import signal

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from balance.core import (  # noqa: E402
    CausalLowpass, LiveEventDetector, SwayAccumulator, com_pixels, detect_events,
    lowpass_zero_phase, sway_metrics, warmup,
)
from balance.core import _sway_kernels  # noqa: E402
from balance.core import com as com_mod  # noqa: E402
from balance.core import filters, jit  # noqa: E402
from balance.testing.synthetic import generate  # noqa: E402


def timeit(func, *, repeat=7, number=1):
    """Median seconds per call over ``repeat`` batches of ``number`` calls."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            func()
        runs.append((time.perf_counter() - start) / number)
    return float(np.median(runs))


def fmt(seconds):
    if seconds < 1e-3:
        return f"{seconds * 1e6:8.2f} us"
    return f"{seconds * 1e3:8.3f} ms"


def per_frame():
    rng = np.random.default_rng(0)
    ap = (np.cumsum(rng.normal(0, 0.01, 6000)) + 3.0).tolist()
    ml = (np.cumsum(rng.normal(0, 0.01, 6000)) - 1.0).tolist()
    rows = []

    def pushes(acc):
        def run():
            for a, m in zip(ap, ml):
                acc.push(a, m)
        return run

    nb = timeit(pushes(SwayAccumulator(100.0)), repeat=5) / len(ap)
    with jit.numpy_twins():
        py = timeit(pushes(SwayAccumulator(100.0)), repeat=3) / len(ap)
    rows.append(("SwayAccumulator.push", nb, py))

    acc, lp = SwayAccumulator(100.0), CausalLowpass(100.0, channels=2)
    frame = np.array([0.1, 0.2])

    def live_step():
        y = lp.push(frame)
        acc.push(y[0], y[1])
        acc.snapshot()
    n = 2000
    step = timeit(lambda: [live_step() for _ in range(n)], repeat=5) / n
    rows.append(("causal filter + push + snapshot", step, None))

    s = generate(fps=30, duration_s=20, lifts=[("left", 3.0, 15.0)], jitter_px=1.5, seed=4)

    def live_events():
        det = LiveEventDetector(30, s.image_size, px_per_cm=s.px_per_cm)
        for i in range(s.t.size):
            det.push(i, s.t[i], s.image[i])
    rows.append(("LiveEventDetector.push (all detectors)",
                 timeit(live_events, repeat=3) / s.t.size, None))
    return rows


def batch_metrics():
    rng = np.random.default_rng(1)
    ap = np.cumsum(rng.normal(0, 0.01, 6000))
    ml = np.cumsum(rng.normal(0, 0.01, 6000))
    nb = timeit(lambda: sway_metrics(ap, ml, 100.0), repeat=31, number=10)
    with jit.numpy_twins():
        py = timeit(lambda: sway_metrics(ap, ml, 100.0), repeat=31, number=10)
    plain = timeit(lambda: plain_metrics(ap, ml, 100.0), repeat=31, number=10)
    ours = sway_metrics(ap, ml, 100.0).to_dict()
    worst = max(abs(v / ours[k] - 1) for k, v in plain_metrics(ap, ml, 100.0).items())
    rows = [("sway_metrics, 60 s at 100 Hz (all metrics)", nb, py),
            ("plain NumPy + scipy.signal.welch, same values", plain, None)]
    return rows, (nb / plain, worst)


def plain_metrics(ap, ml, fs):
    """The same metrics written the plain way (NumPy, scipy's Welch): the speed baseline."""
    n = ap.size
    a, m = ap - ap.mean(), ml - ml.mean()
    rd = np.hypot(a, m)
    da, dm = np.diff(a), np.diff(m)
    path = np.hypot(da, dm).sum()
    cov = np.cov(a, m)
    scale = 0.5 * (n - 2) * (0.05 ** (-2 / (n - 2)) - 1) * 2 * (n - 1) * (n + 1) / (n * (n - 2))
    q = n // 4
    start = (n - 4 * q) // 2
    f, p = signal.welch(np.vstack([a, m])[:, start:start + 4 * q], fs, "hann", 2 * q, q)
    mpf = np.trapezoid(f * p, f, axis=-1) / np.trapezoid(p, f, axis=-1)
    power = p.sum(axis=-1) * (f[1] - f[0])
    pc = p.sum(axis=0)
    cum = np.concatenate([[0.0], np.cumsum((pc[1:] + pc[:-1]) / 2 * np.diff(f))])
    f50, f95 = np.interp([0.5, 0.95], cum / cum[-1], f)
    return {
        "mean_distance": rd.mean(), "rms_distance": np.sqrt(np.mean(rd ** 2)), "max_distance": rd.max(),
        "sd_ap": a.std(ddof=1), "sd_ml": m.std(ddof=1), "rms_ap": a.std(), "rms_ml": m.std(),
        "range_ap": np.ptp(a), "range_ml": np.ptp(m), "path_length": path,
        "path_length_ap": np.abs(da).sum(), "path_length_ml": np.abs(dm).sum(),
        "mean_velocity": path * fs / n, "ellipse_area": np.pi * np.sqrt(np.linalg.det(cov)) * scale,
        "area_per_second": np.abs(a[1:] * m[:-1] - a[:-1] * m[1:]).sum() * fs / (2 * n),
        "mean_frequency_ap": mpf[0], "mean_frequency_ml": mpf[1],
        "mean_frequency": np.dot(mpf, power) / power.sum(), "total_power": power.sum(),
        "f50": f50, "f95": f95,
    }


def kernels():
    rng = np.random.default_rng(2)
    ap, ml = np.cumsum(rng.normal(size=6000)), np.cumsum(rng.normal(size=6000))
    sos = filters.butter_lowpass_sos(2, 5.0, 30.0)
    x2 = np.ascontiguousarray(np.column_stack([ap, ml]))
    zi = filters.sos_steady_state(sos)[:, :, None] * x2[0][None, None, :]
    t = np.arange(6000) / 100.0
    s = generate(fps=30, duration_s=60, jitter_px=1.5, seed=0)
    xy, vis = com_mod.landmarks(s.image, s.image_size)
    usable = com_mod.usable_mask(vis)
    com_args = (np.ascontiguousarray(xy), usable, com_mod._SEG_IDX, com_mod._SEG_FRAC,
                com_mod._SEG_MASS, com_mod._SEG_MIRROR, 0.15)
    cases = {
        "time_stats (6000 samples)": ((ap, ml), 15),
        "stream_extend (6000 samples)": (None, 5),
        "sosfilt (6000 x 2, order 2)": ((sos, x2, zi), 9),
        "one_euro (6000 x 2)": ((t, x2, 1.0, 0.02, 1.0), 5),
        "com (1800 frames)": (com_args, 9),
    }
    names = ["time_stats", "stream_extend", "sosfilt", "one_euro", "com"]
    rows = []
    for (label, (args, repeat)), name in zip(cases.items(), names):
        nb_func, np_func = jit.TWINS[name]
        if name == "stream_extend":
            def call(f):
                return lambda: f(_sway_kernels.stream_new(), ap, ml)
        elif name == "sosfilt":
            def call(f):
                return lambda: f(sos, x2, zi.copy())
        else:
            def call(f, args=args):
                return lambda: f(*args)
        rows.append((label, timeit(call(nb_func), repeat=repeat),
                     timeit(call(np_func), repeat=max(3, repeat // 3))))
    return rows


def stages():
    s = generate(fps=30, duration_s=60, lifts=[("left", 5.0, 50.0)], jitter_px=1.5, seed=3)
    rows = [
        ("lowpass_zero_phase, 1800 frames x 33 x 2",
         timeit(lambda: lowpass_zero_phase(s.image[..., :2], 30.0), repeat=5), None),
        ("com_pixels, 1800 frames",
         timeit(lambda: com_pixels(s.image, s.image_size), repeat=9), None),
        ("detect_events, 60 s at 30 fps",
         timeit(lambda: detect_events(s.t, s.image, s.image_size, px_per_cm=s.px_per_cm),
                repeat=5), None),
    ]
    return rows


def print_rows(title, rows, target=None):
    print(f"\n{title}" + (f"  (target {target})" if target else ""))
    print(f"  {'':46s} {'numba':>11s} {'NumPy twin':>11s} {'ratio':>8s}")
    for label, nb, py in rows:
        ratio = f"{py / nb:7.1f}x" if py else ""
        print(f"  {label:46s} {fmt(nb)} {fmt(py) if py else '':>11s} {ratio:>8s}")


def main() -> int:
    print(f"warmup() (compile or load cached kernels): {warmup():.2f} s")
    print_rows("1. Per-frame streaming update", per_frame(), "< 5 us per push")
    rows, (ratio, worst) = batch_metrics()
    print_rows("2. Batch metrics", rows, "< 2 ms")
    print(f"  sway_metrics / plain NumPy + SciPy: {ratio:.2f}x (issue 18: <= 0.5x); "
          f"largest relative difference of the values {worst:.1e}")
    print_rows("3. Kernels, numba over NumPy twin", kernels())
    print_rows("4. Other batch stages", stages())
    return 0


if __name__ == "__main__":
    sys.exit(main())
