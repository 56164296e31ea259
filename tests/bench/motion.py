"""Movement primitives of the bench: minimum-jerk ramps, sway, correlated jitter, foot moves.

All trajectories are functions of continuous time, so the same person and the same truth
come out at any frame rate.
"""

from dataclasses import dataclass

import numpy as np

from tests.bench.body import Body, foot_points, toe_from_flat


def min_jerk(u) -> np.ndarray:
    """The minimum-jerk ramp 10u^3 - 15u^4 + 6u^5 of progress ``u`` (clipped to 0..1):
    zero velocity and acceleration at both ends (Flash & Hogan 1985)."""
    u = np.clip(u, 0.0, 1.0)
    return u ** 3 * (10 - 15 * u + 6 * u ** 2)


def ramp(t, start: float, end: float) -> np.ndarray:
    """Minimum-jerk progress 0..1 of times ``t`` (n,) s over [start, end] s."""
    return min_jerk((np.asarray(t) - start) / max(end - start, 1e-9))


def sway(t, sd: float, rng, f_lo: float = 0.1, f_hi: float = 1.0, k: int = 12) -> np.ndarray:
    """Quiet-standing sway: a sum of ``k`` sinusoids between ``f_lo`` and ``f_hi`` Hz with
    random phases and 1/f amplitudes, scaled to standard deviation ``sd``; (n,) for t (n,)."""
    f = rng.uniform(f_lo, f_hi, k)
    a = 1.0 / f
    a *= sd * np.sqrt(2.0 / np.sum(a ** 2))
    phase = rng.uniform(0, 2 * np.pi, k)
    return np.sum(a * np.sin(2 * np.pi * np.asarray(t)[:, None] * f + phase), axis=1)


def ar1(rng, shape, sd: float, rho: float) -> np.ndarray:
    """Stationary AR(1) noise along axis 0: lag-1 autocorrelation ``rho``, SD ``sd``."""
    out = np.empty(shape)
    e = rng.standard_normal(shape) * sd
    out[0] = e[0]
    k = np.sqrt(1.0 - rho ** 2)
    for i in range(1, shape[0]):
        out[i] = rho * out[i - 1] + k * e[i]
    return out


@dataclass(frozen=True)
class FootMove:
    """One movement of a foot, times in s; angles are foot pitch (plantar flexion), rad.

    kind : "lift" (the hold), "tap" (brief, small clearance), "shuffle" (re-placed a few cm
        away with a tiny clearance) or "heel_raise" (the toe never leaves the floor).
    heel_off, toe_off, raised, lower, contact, flat : heel leaves the floor, toe leaves it,
        the foot reaches its raised place, starts down, first touches, is flat again.
    rel : (3,) raised ankle relative to the pelvis, m (person frame).
    pitch_off, pitch_up, pitch_land : foot pitch at toe-off, when raised, at first contact.
    land : (3,) where the toe tip lands, m.
    rest : (3,) person-frame ankle place on the standing leg's calf, m, reached over
        ``rest_start``..``rest_end`` and kept until ``lower`` (a foot resting on the leg),
        or None.
    wobble : the share of the raised foot's small motion (``foot_track``'s ``wobble``) and
        of the body's one-leg sway (its ``aloft``) this move follows: 1 for a lift; 0 for a
        tap, 0.2-0.4 s in the air, whose 2-4 cm of clearance they would move by +-0.6 cm.
    """

    kind: str
    heel_off: float
    toe_off: float
    raised: float
    lower: float
    contact: float
    flat: float
    rel: np.ndarray
    pitch_off: float
    pitch_up: float
    pitch_land: float
    land: np.ndarray
    rest: np.ndarray | None = None
    rest_start: float = np.inf
    rest_end: float = np.inf
    wobble: float = 1.0


def foot_track(body: Body, yaw: float, home, moves, t, pelvis, wobble):
    """Ankle, pitch and lift weight of a foot that makes ``moves`` (in time order).

    Parameters
    ----------
    home : (3,) the ankle in quiet standing, m.
    t : (n,) s; pelvis : (n, 3) m; wobble : (n, 3) m, small motion of a raised foot.

    Returns
    -------
    ankle : (n, 3) m; pitch : (n,) rad; aloft : (n,) 0 on the floor .. 1 raised, the share
        of the body's sway the foot follows.
    """
    n = len(t)
    ankle = np.tile(np.asarray(home, float), (n, 1))
    pitch, aloft = np.zeros(n), np.zeros(n)
    toe_home = foot_points(body, np.asarray(home, float)[None], np.zeros(1), yaw)[1][0]
    for m in moves:
        up = pelvis + m.rel + m.wobble * wobble
        if m.rest is not None:  # moved onto the standing calf, pressed there (less wobble)
            r = ramp(t, m.rest_start, m.rest_end)[:, None]
            up = (1 - r) * up + r * (m.rest + 0.3 * wobble)
        on = t >= m.heel_off
        # Heel-off: the foot rolls about its toe tip.
        p = m.pitch_off * ramp(t, m.heel_off, m.toe_off)
        if m.kind == "heel_raise":
            p = p * (1 - ramp(t, m.lower, m.flat))
            ankle[on] = toe_from_flat(body, np.tile(toe_home, (on.sum(), 1)), p[on], yaw)
            pitch[on] = p[on]
            continue
        s_up, s_down = ramp(t, m.toe_off, m.raised), ramp(t, m.lower, m.contact)
        # The toe tip travels from the floor to its raised place and back; with the foot
        # pitched toe-down (pitch >= 0) the heel stays above it, so the sole leaves the
        # floor at toe-off and meets it again only at first contact.
        toe_up = foot_points(body, up, np.full(n, m.pitch_up), yaw)[1]
        toe_air = (1 - s_up)[:, None] * toe_home + s_up[:, None] * toe_up
        toe_air = (1 - s_down)[:, None] * toe_air + s_down[:, None] * m.land
        # The toe leads the foot's pitch off the floor and trails it down.
        p_air = m.pitch_off + (m.pitch_up - m.pitch_off) * s_up ** 2
        p_air = p_air + (m.pitch_land - m.pitch_up) * (1 - (1 - s_down) ** 2)
        air = toe_from_flat(body, toe_air, p_air, yaw)
        roll = m.pitch_land * (1 - ramp(t, m.contact, m.flat))
        a_roll = toe_from_flat(body, np.tile(m.land, (n, 1)), roll, yaw)
        phases = [(t < m.toe_off, toe_from_flat(body, np.tile(toe_home, (n, 1)), p, yaw), p),
                  ((t >= m.toe_off) & (t < m.contact), air, p_air),
                  (t >= m.contact, a_roll, roll)]
        for sel, a, ph in phases:
            sel = sel & on
            ankle[sel], pitch[sel] = a[sel], ph[sel]
        aloft = np.maximum(aloft, m.wobble * s_up * (1 - s_down))
        toe_home = np.asarray(m.land, float)
    return ankle, pitch, aloft
