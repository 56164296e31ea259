"""Filters: design and output against scipy.signal, gap handling, live = batch."""

import numpy as np
import pytest
from scipy import signal

from balance.core import (
    CausalLowpass, OneEuro, butter_lowpass_sos, finite_runs, jit, lowpass_causal,
    lowpass_zero_phase, one_euro,
)
from balance.core.filters import sos_steady_state
from balance.errors import InputError


@pytest.mark.parametrize("order", [1, 2, 3, 4, 5, 6])
@pytest.mark.parametrize("fc,fs", [(5.0, 30.0), (8.0, 60.0), (2.0, 100.0), (6.0, 15.0)])
def test_butterworth_response_matches_scipy(order, fc, fs):
    ours = butter_lowpass_sos(order, fc, fs)
    ref = signal.butter(order, fc, fs=fs, output="sos")
    w = np.linspace(0, fs / 2, 200)
    _, h_ours = signal.sosfreqz(ours, worN=w, fs=fs)
    _, h_ref = signal.sosfreqz(ref, worN=w, fs=fs)
    np.testing.assert_allclose(h_ours, h_ref, atol=1e-10)
    # The definition, independently of scipy: unit DC gain, -3 dB at the cut-off.
    _, h = signal.sosfreqz(ours, worN=[0.0, fc], fs=fs)
    assert abs(h[0]) == pytest.approx(1.0, abs=1e-12)
    assert abs(h[1]) == pytest.approx(2 ** -0.5, rel=1e-9)


@pytest.mark.parametrize("order", [1, 2, 3])
def test_steady_state_matches_scipy(order):
    sos = butter_lowpass_sos(order, 4.0, 30.0)
    np.testing.assert_allclose(sos_steady_state(sos), signal.sosfilt_zi(sos), atol=1e-12)


@pytest.mark.parametrize("order", [1, 2, 4])
def test_zero_phase_matches_scipy_sosfiltfilt(order):
    rng = np.random.default_rng(order)
    x = np.cumsum(rng.normal(size=500)) + rng.normal(0, 2, 500)
    y = lowpass_zero_phase(x, 30.0, cutoff_hz=5.0, order=order)
    ref = signal.sosfiltfilt(signal.butter(order, 5.0, fs=30.0, output="sos"), x)
    np.testing.assert_allclose(y, ref, rtol=1e-9, atol=1e-9)


def test_causal_matches_scipy_sosfilt_started_at_rest():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(400, 2)) + [3.0, -8.0]
    y = lowpass_causal(x, 60.0, cutoff_hz=8.0)
    sos = signal.butter(2, 8.0, fs=60.0, output="sos")
    for k in range(2):
        ref, _ = signal.sosfilt(sos, x[:, k], zi=signal.sosfilt_zi(sos) * x[0, k])
        np.testing.assert_allclose(y[:, k], ref, rtol=1e-10, atol=1e-10)


def test_zero_phase_keeps_sway_in_place_and_removes_jitter():
    fs = 30.0
    t = np.arange(900) / fs
    sway = np.sin(2 * np.pi * 0.5 * t)
    rng = np.random.default_rng(8)
    y = lowpass_zero_phase(sway + rng.normal(0, 0.2, t.size), fs)
    inner = slice(60, -60)
    # No lag: the filtered peak sits on the true one; amplitude kept within 2 %.
    lag = np.argmax(np.correlate(y[inner], sway[inner], "full")) - (t.size - 121)
    assert lag == 0
    gain = np.dot(y[inner], sway[inner]) / np.dot(sway[inner], sway[inner])
    assert gain == pytest.approx(1.0, abs=0.02)
    # White jitter keeps the share of its power that the forward-backward response
    # |H|^4 passes (from scipy's own design of the same filter).
    _, h = signal.sosfreqz(signal.butter(2, 5.0, fs=fs, output="sos"), worN=2048, fs=fs)
    expected = 0.2 * np.sqrt(np.mean(np.abs(h) ** 4))
    assert np.std(y[inner] - sway[inner]) == pytest.approx(expected, rel=0.15)
    assert expected < 0.2 * 0.6


def test_causal_filter_lags_by_its_group_delay():
    fs = 100.0
    t = np.arange(2000) / fs
    x = np.sin(2 * np.pi * 0.5 * t)
    y = lowpass_causal(x, fs, cutoff_hz=8.0)
    # Low-frequency group delay of a 2nd-order Butterworth: sqrt(2) / (2 pi fc).
    expected = np.sqrt(2) / (2 * np.pi * 8.0)
    shifts = np.arange(0, 10)
    err = [np.abs(y[500 + s:1500 + s] - x[500:1500]).max() for s in shifts]
    assert shifts[int(np.argmin(err))] / fs == pytest.approx(expected, abs=0.006)


def test_gaps_split_the_runs():
    rng = np.random.default_rng(9)
    x = np.cumsum(rng.normal(size=300))
    x[100:110] = np.nan
    x[200] = np.nan
    assert finite_runs(x) == [(0, 100), (110, 200), (201, 300)]
    for func in (lowpass_zero_phase, lowpass_causal):
        y = func(x, 30.0)
        assert np.isnan(y[100:110]).all() and np.isnan(y[200])
        np.testing.assert_allclose(y[110:200], func(x[110:200], 30.0), rtol=1e-12)


def test_short_runs_and_landmark_arrays():
    x = np.full((12, 33, 4), 0.5)
    x[3] = np.nan  # a frame without a person
    x[5, 7, 0] = np.nan  # one missing value makes the whole frame a gap
    y = lowpass_zero_phase(x, 30.0)
    assert y.shape == x.shape
    assert np.isnan(y[[3, 5]]).all()
    np.testing.assert_allclose(y[[0, 1, 2, 4, 6, 7, 11]], 0.5)  # a constant stays put
    assert finite_runs(np.array([np.nan, 1.0, np.nan])) == [(1, 2)]
    np.testing.assert_array_equal(lowpass_zero_phase([np.nan, 1.0, np.nan], 30.0)[1], 1.0)


def test_streaming_causal_equals_batch_across_a_gap():
    rng = np.random.default_rng(10)
    x = rng.normal(size=(200, 2))
    x[90:95] = np.nan
    batch = lowpass_causal(x, 30.0)
    live = CausalLowpass(30.0, channels=2)
    stream = np.array([live.push(row) for row in x])
    np.testing.assert_allclose(stream, batch, rtol=1e-12, equal_nan=True)


def test_default_cutoffs_work_at_15_fps_and_explicit_ones_are_checked():
    x = np.random.default_rng(11).normal(size=100)
    assert np.isfinite(lowpass_zero_phase(x, 15.0)).all()
    assert CausalLowpass(15.0).cutoff_hz == pytest.approx(6.0)
    with pytest.raises(InputError, match="Nyquist"):
        lowpass_zero_phase(x, 15.0, cutoff_hz=8.0)
    with pytest.raises(InputError, match="order"):
        butter_lowpass_sos(0, 1.0, 10.0)


def test_one_euro_smooths_still_follows_moves_and_streams_like_batch():
    fs = 30.0
    t = np.arange(300) / fs
    rng = np.random.default_rng(12)
    clean = np.where(t < 5.0, 100.0, 300.0)  # a 200 px jump at 5 s
    x = clean + rng.normal(0, 2.0, t.size)
    y = one_euro(x, t)
    assert np.std(y[30:140] - 100.0) < np.std(x[30:140] - 100.0) / 2
    # The fast move raises the cut-off: within 0.3 s it is within 5 % of the new place.
    assert abs(y[150 + 9] - 300.0) < 10.0
    live = OneEuro()
    np.testing.assert_allclose([live.push(ti, xi)[0] for ti, xi in zip(t, x)], y,
                               rtol=1e-12)
    with jit.numpy_twins():
        np.testing.assert_allclose(one_euro(x, t), y, rtol=1e-12)


def test_one_euro_restarts_after_a_gap_in_stream_and_batch():
    t = np.arange(20) / 30.0
    x = np.linspace(0, 19, 20)[:, None] * [1.0, 2.0]
    x[8:10, 1] = np.nan
    batch = one_euro(x, t)
    live = OneEuro()
    stream = np.array([live.push(ti, xi) for ti, xi in zip(t, x)])
    np.testing.assert_allclose(stream, batch, equal_nan=True, rtol=1e-12)
    assert batch[10, 1] == x[10, 1]
    with pytest.raises(InputError):
        one_euro(x, t[:5])
