"""Every numba kernel against its NumPy twin, and the kernels run without the JIT."""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from balance.core import _com_kernels, _filter_kernels, _sway_kernels, com, filters, jit

ROOT = Path(__file__).parents[1]


def _walk(rng, n, scale=0.1):
    return np.cumsum(rng.normal(0.0, scale, n)) + rng.normal(0.0, 5.0)


def test_every_kernel_has_a_twin_pair():
    for name, (nb, np_twin) in jit.TWINS.items():
        assert nb is not np_twin, name
        assert callable(nb) and callable(np_twin)


@pytest.mark.parametrize("n", [2, 3, 17, 1000])
def test_time_stats_twins_agree(n):
    rng = np.random.default_rng(n)
    ap, ml = _walk(rng, n), _walk(rng, n)
    a = _sway_kernels.time_stats_nb(ap, ml)
    b = _sway_kernels.time_stats_np(ap, ml)
    np.testing.assert_allclose(a, b, rtol=1e-11, atol=1e-12)


def test_stream_twins_agree_with_gaps():
    rng = np.random.default_rng(1)
    ap, ml = _walk(rng, 500), _walk(rng, 500)
    ap[[10, 11, 200]] = np.nan
    ml[300] = np.inf
    s_nb, s_np = _sway_kernels.stream_new(), _sway_kernels.stream_new()
    _sway_kernels.stream_extend_nb(s_nb, ap, ml)
    _sway_kernels.stream_extend_np(s_np, ap, ml)
    np.testing.assert_allclose(s_nb, s_np, rtol=1e-11, atol=1e-12)
    assert s_nb[_sway_kernels.ST_GAPS] == 4 and s_nb[_sway_kernels.ST_N] == 496


@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_sosfilt_twins_agree_and_carry_state(order):
    rng = np.random.default_rng(order)
    sos = filters.butter_lowpass_sos(order, 6.0, 60.0)
    x = rng.normal(size=(300, 3))
    zi0 = filters.sos_steady_state(sos)[:, :, None] * x[0][None, None, :]
    za, zb = zi0.copy(), zi0.copy()
    # Two chained calls must equal one call: the state handed back is complete.
    nb, np_twin = _filter_kernels.sosfilt_nb, _filter_kernels.sosfilt_np
    ya = np.vstack([nb(sos, x[:120], za), nb(sos, x[120:], za)])
    yb = np.vstack([np_twin(sos, x[:120], zb), np_twin(sos, x[120:], zb)])
    np.testing.assert_allclose(ya, yb, rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(za, zb, rtol=1e-9, atol=1e-11)


def test_one_euro_twins_agree_with_gaps_and_repeated_times():
    rng = np.random.default_rng(2)
    t = np.cumsum(rng.uniform(0.01, 0.05, 400))
    t[50] = t[49]  # a repeated timestamp holds the output
    x = np.column_stack([_walk(rng, 400, 2.0), _walk(rng, 400, 2.0)])
    x[100:104, 0] = np.nan
    a = _filter_kernels.one_euro_nb(t, x, 1.0, 0.05, 1.0)
    b = _filter_kernels.one_euro_np(t, x, 1.0, 0.05, 1.0)
    np.testing.assert_allclose(a, b, rtol=1e-11, atol=1e-11)
    assert np.isnan(a[100:104, 0]).all() and np.isfinite(a[100:104, 1]).all()
    assert a[104, 0] == x[104, 0]  # restart from the first sample after the gap
    assert a[50, 0] == a[49, 0]


def test_com_twins_agree_with_dropouts():
    rng = np.random.default_rng(3)
    xy = rng.uniform(100.0, 600.0, (200, 33, 2))
    usable = rng.uniform(size=(200, 33)) > 0.15
    args = (com._SEG_IDX, com._SEG_FRAC, com._SEG_MASS, com._SEG_MIRROR, 0.15)
    a = _com_kernels.com_nb(xy, usable, *args)
    b = _com_kernels.com_np(xy, usable, *args)
    np.testing.assert_allclose(a, b, rtol=1e-11, atol=1e-9)
    # The random dropouts must exercise all three paths: measured, mirrored, NaN.
    assert np.isnan(a[:, 0]).any() and (a[:, 2] == 1.0).sum() < np.isfinite(a[:, 2]).sum()


def test_numpy_twins_switch_is_scoped():
    assert jit.kernel("com") is _com_kernels.com_nb
    with jit.numpy_twins():
        assert jit.kernel("com") is _com_kernels.com_np
    assert jit.kernel("com") is _com_kernels.com_nb


WARMUP_THEN_LIVE = """
import json
from balance.core.jit import TWINS, warmup
from balance.profile import Profile
from balance.protocols import create
from balance.protocols.base import Frame
from balance.testing.synthetic import Lift, generate

def compiled():
    return {name: len(nb.signatures) for name, (nb, _) in TWINS.items()}

before = compiled()
seconds = warmup()
after = compiled()
s = generate(duration_s=6.0, lifts=(Lift("left", 2.0, 5.0),), seed=2)
for name in ("single-leg-stance", "practice"):
    p = create(name, Profile(height_cm=170.0), image_size=s.image_size, fps=s.fps)
    for i in range(s.t.size):
        p.update(Frame(i, float(s.t[i]), s.image[i], s.world[i], True))
    p.stop(float(s.t[-1]))
print(json.dumps({"before": before, "after": after, "live": compiled(), "seconds": seconds}))
"""


@pytest.mark.skipif(os.environ.get("NUMBA_DISABLE_JIT") == "1", reason="nothing to compile")
def test_warmup_compiles_every_kernel_the_live_tests_use():
    """In a fresh process nothing is compiled; after warmup() every kernel is, for the very
    types a live test then calls it with (a new signature would compile mid-trial)."""
    proc = subprocess.run([sys.executable, "-c", WARMUP_THEN_LIVE], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.splitlines()[-1])
    assert set(out["before"]) == set(jit.TWINS) and not any(out["before"].values())
    assert all(n >= 1 for n in out["after"].values()), out["after"]
    assert out["live"] == out["after"]
    assert out["seconds"] > 0.0


def test_suite_passes_without_the_jit():
    """The kernels' Python source runs (and so is covered) with NUMBA_DISABLE_JIT=1."""
    env = dict(os.environ, NUMBA_DISABLE_JIT="1")
    tests = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests").glob("test_core_*.py"))
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
         "-k", "not without_the_jit", *tests],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


def test_core_source_imports_neither_scipy_nor_qt():
    """scipy is a test-only reference and the GUI toolkit stays out of the scoring core.

    Checked on the source: numba itself imports scipy when it is installed, so
    ``sys.modules`` cannot tell whether the core depends on it."""
    banned = ("scipy", "PySide6", "pyqtgraph", "cv2")
    for path in (ROOT / "balance" / "core").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not [n for n in names if n.split(".")[0] in banned], (path.name, names)


def test_importing_the_core_loads_no_gui_toolkit():
    code = ("import sys, balance.core; "
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            "('PySide6', 'pyqtgraph', 'cv2')]; print(bad); sys.exit(bool(bad))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
