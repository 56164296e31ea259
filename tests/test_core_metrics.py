"""Sway metrics: the BDS force-plate peer, independent references, hand-worked cases."""

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import signal, stats

from balance.core import jit, sway_metrics
from balance.core.metrics import f2_ppf
from balance.core.spectral import welch_psd
from balance.errors import InputError

REALDATA = Path(__file__).parents[1] / ".." / "shared" / "realdata"
BDS = REALDATA / "cop" / "bds"


def _bds_trials():
    ref = BDS / "reference_metrics.csv"
    if not ref.exists():
        return []
    with ref.open() as fh:
        return list(csv.DictReader(fh))


@pytest.mark.realdata
@pytest.mark.skipif(not _bds_trials(), reason="../shared/realdata/cop/bds is absent")
@pytest.mark.parametrize("row", _bds_trials(), ids=lambda r: r["Trial"])
def test_bds_peer_reference_values(row):
    data = np.loadtxt(BDS / f"{row['Trial']}.txt", skiprows=1)
    ap, ml = data[:, 7], data[:, 8]  # COPx = AP, COPy = ML, cm, 100 Hz, unfiltered
    m = sway_metrics(ap, ml, 100.0)
    assert m.n == 6000
    assert m.ellipse_area == pytest.approx(float(row["COParea"]), rel=1e-9)
    assert m.mean_velocity == pytest.approx(float(row["COPvelo"]), rel=1e-9)
    assert m.mean_frequency == pytest.approx(float(row["COPmfreq"]), rel=1e-9)


@pytest.mark.realdata
@pytest.mark.skipif(not _bds_trials(), reason="../shared/realdata/cop/bds is absent")
def test_bds_numpy_twin_gives_the_same_metrics():
    data = np.loadtxt(BDS / "BDS00007.txt", skiprows=1)
    a = sway_metrics(data[:, 7], data[:, 8], 100.0).to_dict()
    with jit.numpy_twins():
        b = sway_metrics(data[:, 7], data[:, 8], 100.0).to_dict()
    for key, value in a.items():
        if isinstance(value, float):
            assert b[key] == pytest.approx(value, rel=1e-10), key


# --------------------------------------------------------------------------------------
# A hand-worked case: the corners of a 2 x 2 square, walked twice, at 4 Hz
# --------------------------------------------------------------------------------------

SQUARE_AP = [1, -1, -1, 1, 1, -1, -1, 1]
SQUARE_ML = [1, 1, -1, -1, 1, 1, -1, -1]


def test_square_by_hand():
    m = sway_metrics(np.array(SQUARE_AP) + 10.0, np.array(SQUARE_ML) - 3.0, 4.0)
    # Every corner is sqrt(2) from the centre (the offsets are removed with the mean).
    assert m.mean_distance == pytest.approx(math.sqrt(2))
    assert m.rms_distance == pytest.approx(math.sqrt(2))
    assert m.max_distance == pytest.approx(math.sqrt(2))
    # 7 steps of 2: 4 along AP and 3 along ML.
    assert m.path_length == pytest.approx(14.0)
    assert m.path_length_ap == pytest.approx(8.0)
    assert m.path_length_ml == pytest.approx(6.0)
    assert m.duration_s == 2.0  # N / fs
    assert m.mean_velocity == pytest.approx(7.0)
    assert m.mean_velocity_ap == pytest.approx(4.0)
    assert m.range_ap == m.range_ml == pytest.approx(2.0)
    # Sum of squares 8 over 8 samples: RMS 1, SD sqrt(8/7).
    assert m.rms_ap == pytest.approx(1.0)
    assert m.sd_ml == pytest.approx(math.sqrt(8 / 7))
    # Each step sweeps a triangle of area 1 about the centre: 7 / 2 s.
    assert m.area_per_second == pytest.approx(3.5)
    # Uncorrelated axes, var 8/7 each: pi (8/7) F(.95; 2, 6) 2 (7)(9) / (8 x 6);
    # F(.95; 2, 6) = 5.14 in printed tables.
    expected = math.pi * (8 / 7) * 5.14 * 2 * 7 * 9 / (8 * 6)
    assert m.ellipse_area == pytest.approx(expected, rel=1e-3)


def test_square_span_and_chi2_conventions():
    m = sway_metrics(SQUARE_AP, SQUARE_ML, 4.0, ellipse="chi2", velocity="span")
    assert m.duration_s == 1.75
    assert m.mean_velocity == pytest.approx(8.0)
    assert m.area_per_second == pytest.approx(14 / 3.5)
    # Population variance 1 per axis: pi x 1 x 5.991.
    assert m.ellipse_area == pytest.approx(math.pi * 5.991, rel=1e-4)
    assert (m.ellipse, m.velocity) == ("chi2", "span")


@pytest.mark.parametrize("d", [3, 6, 20, 598, 5998])
def test_f_quantile_closed_form_matches_scipy(d):
    assert f2_ppf(0.95, d) == pytest.approx(stats.f.ppf(0.95, 2, d), rel=1e-12)


def test_prediction_ellipse_matches_scipy_and_numpy_cov():
    rng = np.random.default_rng(4)
    ap = rng.normal(0, 1.3, 500)
    ml = 0.6 * ap + rng.normal(0, 0.4, 500)
    n = ap.size
    cov = np.cov(ap, ml)  # ddof = 1
    expected = (math.pi * math.sqrt(np.linalg.det(cov)) * stats.f.ppf(0.95, 2, n - 2)
                * 2 * (n - 1) * (n + 1) / (n * (n - 2)))
    assert sway_metrics(ap, ml, 50.0).ellipse_area == pytest.approx(expected, rel=1e-12)
    pop = np.cov(ap, ml, ddof=0)
    chi2 = math.pi * math.sqrt(np.linalg.det(pop)) * stats.chi2.ppf(0.95, 2)
    assert sway_metrics(ap, ml, 50.0, ellipse="chi2").ellipse_area == pytest.approx(chi2)


# --------------------------------------------------------------------------------------
# Spectral measures against scipy and against sines of known frequency
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("n", "fs"), [(8, 30.0), (101, 30.0), (999, 30.0), (5998, 100.0), (6000, 100.0),
                                       (6000, 30.0)])
def test_welch_matches_scipy(n, fs):
    # The documented rule: scipy's Welch on the middle 4 (n // 4) samples, segments of
    # n // 2 (rounded down to even), overlap of half a segment: always three segments.
    rng = np.random.default_rng(n)
    x = np.cumsum(rng.normal(size=n))
    f, p = welch_psd(x, fs)
    q = n // 4
    start = (n - 4 * q) // 2
    f_ref, p_ref = signal.welch(x[start:start + 4 * q], fs=fs, window="hann", nperseg=2 * q,
                                noverlap=q, nfft=2 * q, detrend="constant")
    np.testing.assert_allclose(f, f_ref, rtol=1e-12)
    np.testing.assert_allclose(p, p_ref, rtol=1e-9, atol=1e-12 * p_ref.max())
    if n % 4 == 0:  # the BDS peer's rule, N // 2 and N // 4, unchanged
        _, p_peer = signal.welch(x, fs, "hann", n // 2, n // 4, n // 2)
        np.testing.assert_allclose(p, p_peer, rtol=1e-9, atol=1e-12 * p_ref.max())


def test_welch_results_are_independent_of_earlier_calls():
    # The window and the frequency grid are cached per length: a caller writing into the
    # returned grid, or another rate, must not change the next result.
    x = np.cumsum(np.random.default_rng(3).normal(size=400))
    f, p = welch_psd(x, 30.0)
    with pytest.raises(ValueError):
        f[1] = 99.0
    f100, p100 = welch_psd(x, 100.0)
    np.testing.assert_allclose(f100, f * 100.0 / 30.0, rtol=1e-12)
    np.testing.assert_allclose(p100, p * 30.0 / 100.0, rtol=1e-12)  # density: per Hz


SPECTRAL_FIELDS = ("mean_frequency", "mean_frequency_ap", "mean_frequency_ml", "f50", "f95", "total_power")


def _largest_change_when_trimmed(ap, ml, fs):
    """Largest relative change of the spectral fields over trimming 1-4 samples at either end."""
    base = sway_metrics(ap, ml, fs)
    cuts = [slice(0, -k) for k in (1, 2, 3, 4)] + [slice(k, None) for k in (1, 2, 3)]
    return max(abs(getattr(sway_metrics(ap[c], ml[c], fs), key) / getattr(base, key) - 1)
               for c in cuts for key in SPECTRAL_FIELDS)


@pytest.mark.realdata
@pytest.mark.skipif(not _bds_trials(), reason="../shared/realdata/cop/bds is absent")
@pytest.mark.parametrize("row", _bds_trials()[::3], ids=lambda r: r["Trial"])
def test_bds_spectrum_barely_moves_when_samples_are_trimmed(row):
    # The peer's N // 2, N // 4 rule gave two segments instead of three for N = 5998 and
    # moved the mean frequency 4-17 %.
    data = np.loadtxt(BDS / f"{row['Trial']}.txt", skiprows=1)
    assert _largest_change_when_trimmed(data[:, 7], data[:, 8], 100.0) < 0.01


@pytest.mark.parametrize("seed", range(4))
def test_camera_rate_spectrum_barely_moves_when_samples_are_trimmed(seed):
    # 60 s at 30 fps of stationary sway (an AR(1) with a 1 s time constant, 3 Hz low-passed,
    # like a filtered CoM trace): trimming a few samples hardly changes the data itself.
    rng = np.random.default_rng(seed)
    sos = signal.butter(2, 3.0, fs=30.0, output="sos")
    ap, ml = (signal.sosfiltfilt(sos, signal.lfilter([1.0], [1.0, -np.exp(-1 / 30)], rng.normal(size=1800)))
              for _ in range(2))
    assert _largest_change_when_trimmed(ap, ml, 30.0) < 0.01


def test_mean_frequency_matches_scipy_power_weighting():
    rng = np.random.default_rng(5)
    ap = np.cumsum(rng.normal(size=3000)) * 0.02
    ml = np.cumsum(rng.normal(size=3000)) * 0.01
    m = sway_metrics(ap, ml, 50.0)
    mpf, power = [], []
    for x in (ap, ml):
        f, p = signal.welch(x, 50.0, "hann", 1500, 750, 1500)
        mpf.append(np.trapezoid(f * p, f) / np.trapezoid(p, f))
        power.append(p.sum() * (f[1] - f[0]))
    assert m.mean_frequency_ap == pytest.approx(mpf[0], rel=1e-9)
    assert m.mean_frequency_ml == pytest.approx(mpf[1], rel=1e-9)
    assert m.mean_frequency == pytest.approx(np.dot(mpf, power) / sum(power), rel=1e-9)
    assert m.total_power == pytest.approx(sum(power), rel=1e-9)


def test_sines_of_known_frequency_and_power():
    fs, n = 100.0, 6000
    t = np.arange(n) / fs
    f_ap, f_ml = 0.5, 1.5  # whole cycles in each 30 s segment: no leakage asymmetry
    ap = 2.0 * np.sin(2 * np.pi * f_ap * t)
    ml = 1.0 * np.sin(2 * np.pi * f_ml * t + 0.3)
    m = sway_metrics(ap, ml, fs)
    assert m.mean_frequency_ap == pytest.approx(f_ap, rel=1e-6)
    assert m.mean_frequency_ml == pytest.approx(f_ml, rel=1e-6)
    # Power A²/2 per axis (Parseval), so the combined mean is 2 : 0.5 weighted.
    assert m.total_power_ap == pytest.approx(2.0, rel=1e-3)
    assert m.total_power_ml == pytest.approx(0.5, rel=1e-3)
    assert m.mean_frequency == pytest.approx((2.0 * f_ap + 0.5 * f_ml) / 2.5, rel=1e-3)
    # 80 % of the power sits at 0.5 Hz: the median is there, the 95 % point at 1.5 Hz.
    assert m.f50 == pytest.approx(f_ap, abs=1 / 30)
    assert m.f95 == pytest.approx(f_ml, abs=1 / 30)


def test_scaling_and_translation():
    rng = np.random.default_rng(6)
    ap, ml = np.cumsum(rng.normal(size=800)), np.cumsum(rng.normal(size=800))
    base = sway_metrics(ap, ml, 30.0)
    moved = sway_metrics(3.0 * ap + 50.0, 3.0 * ml - 7.0, 30.0)
    assert moved.mean_velocity == pytest.approx(3 * base.mean_velocity, rel=1e-12)
    assert moved.ellipse_area == pytest.approx(9 * base.ellipse_area, rel=1e-10)
    assert moved.total_power == pytest.approx(9 * base.total_power, rel=1e-10)
    assert moved.mean_frequency == pytest.approx(base.mean_frequency, rel=1e-10)


def test_rotation_leaves_resultant_measures_unchanged():
    rng = np.random.default_rng(7)
    ap, ml = np.cumsum(rng.normal(size=500)), np.cumsum(rng.normal(size=500))
    c, s = math.cos(0.7), math.sin(0.7)
    a = sway_metrics(ap, ml, 20.0)
    b = sway_metrics(c * ap - s * ml, s * ap + c * ml, 20.0)
    for key in ("mean_distance", "path_length", "ellipse_area", "area_per_second",
                "total_power"):
        assert getattr(b, key) == pytest.approx(getattr(a, key), rel=1e-9), key
    # The peer's mean frequency mixes a trapezoid mean with rectangle-rule weights, so it
    # is rotation-invariant only up to the difference of the two rules (documented).
    assert b.mean_frequency == pytest.approx(a.mean_frequency, rel=0.02)
    assert b.mean_frequency != pytest.approx(a.mean_frequency, rel=1e-9)


# --------------------------------------------------------------------------------------
# Bad input and documented edge results
# --------------------------------------------------------------------------------------

def test_nan_is_an_error_naming_where():
    x = np.linspace(0, 1, 50)
    y = x.copy()
    y[17] = np.nan
    with pytest.raises(InputError, match="ml has 1 non-finite.*index 17"):
        sway_metrics(x, y, 10.0)
    y[17] = np.inf
    with pytest.raises(InputError, match="non-finite"):
        sway_metrics(x, y, 10.0)


@pytest.mark.parametrize("kwargs,match", [
    (dict(ap=np.zeros(7), ml=np.zeros(7), fs=10.0), "at least 8"),
    (dict(ap=np.zeros(10), ml=np.zeros(11), fs=10.0), "differ in length"),
    (dict(ap=np.zeros((5, 2)), ml=np.zeros((5, 2)), fs=10.0), "1-D"),
    (dict(ap=np.zeros(10), ml=np.zeros(10), fs=0.0), "fs"),
    (dict(ap=np.zeros(10), ml=np.zeros(10), fs=float("nan")), "fs"),
    (dict(ap=np.zeros(10), ml=np.zeros(10), fs="fast"), "fs"),
    (dict(ap=np.zeros(10), ml=np.zeros(10), fs=10.0, ellipse="box"), "ellipse"),
    (dict(ap=np.zeros(10), ml=np.zeros(10), fs=10.0, velocity="mean"), "velocity"),
])
def test_bad_input_raises_input_error(kwargs, match):
    with pytest.raises(InputError, match=match):
        sway_metrics(**kwargs)


def test_a_still_trace_has_zero_sway_and_no_frequency():
    m = sway_metrics(np.full(40, 2.0), np.full(40, -1.0), 10.0)
    assert m.path_length == m.ellipse_area == m.rms_distance == m.total_power == 0.0
    assert math.isnan(m.mean_frequency) and math.isnan(m.f50)


def test_one_still_axis_does_not_poison_the_mean_frequency():
    t = np.arange(600) / 20.0
    m = sway_metrics(np.sin(2 * np.pi * 1.0 * t), np.zeros(600), 20.0)
    assert math.isnan(m.mean_frequency_ml)
    assert m.mean_frequency == pytest.approx(1.0, rel=1e-6)


def test_to_dict_has_every_required_metric():
    d = sway_metrics(SQUARE_AP, SQUARE_ML, 4.0).to_dict()
    required = ("mean_distance rms_distance sd_ap sd_ml rms_ap rms_ml range_ap range_ml "
                "path_length path_length_ap path_length_ml mean_velocity mean_velocity_ap "
                "mean_velocity_ml ellipse_area area_per_second mean_frequency f50 f95 "
                "total_power n fs").split()
    assert set(required) <= set(d)
    assert d["n"] == 8 and d["fs"] == 4.0


def test_one_camera_axis():
    rng = np.random.default_rng(8)
    ml = np.cumsum(rng.normal(size=400)) * 0.1
    m = sway_metrics(None, ml, 30.0)
    both = sway_metrics(np.zeros_like(ml), ml, 30.0)
    assert math.isnan(m.ellipse_area) and math.isnan(m.area_per_second)
    assert math.isnan(m.sd_ap) and math.isnan(m.mean_velocity_ap)
    assert m.mean_velocity == pytest.approx(np.abs(np.diff(ml)).sum() / (400 / 30.0))
    assert m.mean_velocity_ml == both.mean_velocity_ml
    assert m.mean_distance == pytest.approx(np.abs(ml - ml.mean()).mean())
    assert m.mean_frequency == pytest.approx(m.mean_frequency_ml)
    side = sway_metrics(ml, None, 30.0)
    assert side.mean_velocity_ap == m.mean_velocity_ml and math.isnan(side.rms_ml)
    with pytest.raises(InputError, match="at least one"):
        sway_metrics(None, None, 30.0)
