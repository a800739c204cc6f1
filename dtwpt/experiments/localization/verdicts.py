"""The localization study's verdicts: do the bounds hold for narrow-band Gabor filters?

For every level ``J`` (``m = 2**(J-1)``) of the sweep, each claim is judged
on the points ``(theta, kappa)`` of that ``m`` inside the claim's setting:

1. Thm 3.11: ``E[rho^2] <= (beta_q(m kappa) + gamma_q(m theta))^2``, every point;
2. Thm 4.2: ``E[rho_max] <= 2 (beta + gamma) + alpha(kappa u)``, every point,
   on the photo pairs (as in the paper's experiment and the kernels
   experiment; the bound is loose enough that the border content of ``X'``
   does not decide it);
3. Thm 2.9: ``rho_mod <= alpha(kappa u)`` for a periodic shift
   ``X' = np.roll(X, -1, -1)``, at the points with ``kappa <= pi/m``;
4. Thm 2.9 for the photo pairs: N/A. The bound is tight, and an image-sized
   narrow-band kernel sees the new content that ``X'`` brings in at the
   border everywhere, which a translation of the whole signal (the theorem's
   setting) does not bring; its share is reported as a measurement.

A point's mean over pairs has a 95% Student t interval over photographs
(pairs cut from one photograph are not independent; in the ``_ci_low`` and
``_ci_high`` columns of ``gabor.csv``). A point holds when its interval lies
within the bound and fails when it lies above; a claim PASSes when every
point holds, FAILs when one point fails, and is INCONCLUSIVE otherwise (an
interval straddling a bound, or fewer than three photographs).
"""
import numpy as np

from .._stats import Verdict, compare
from .tables import BOUNDS

__all__ = ["CLAIMS", "evaluate", "point_status", "shares"]

#: (metric, claim, bound formula); the metric's bound column is tables.BOUNDS[metric].
CLAIMS = (
    ("rho2", "Thm 3.11: E[rho^2] <= (beta + gamma)^2", "(beta_q(m kappa) + gamma_q(m theta))^2"),
    ("rho_max", "Thm 4.2: E[rho_max] <= 2 (beta + gamma) + alpha(kappa u) (photo pairs)",
     "2 (beta + gamma) + alpha(kappa u)"),
    ("rho_mod_periodic", "Thm 2.9: CMod is stable, rho_mod <= alpha(kappa u) (periodic shift)",
     "alpha(kappa u), kappa <= pi/m"),
)
PHOTO_CLAIM = "Thm 2.9 on the photo pairs (new content at the border)"


def point_status(low, high, bound):
    """Per point: ``"PASS"`` (interval within the bound), ``"FAIL"`` (above) or ``"INCONCLUSIVE"``.

    Parameters
    ----------
    low, high : ndarray, shape (N,)
        Each point's 95% interval; a NaN end makes the point INCONCLUSIVE.
    bound : float or ndarray, shape (N,)
        The bound at each point.

    Returns
    -------
    ndarray of str, shape (N,)
        ``"PASS"``, ``"FAIL"`` or ``"INCONCLUSIVE"`` per point.

    Examples
    --------
    >>> point_status(np.array([0.1, 0.1, 0.6]), np.array([0.2, 0.6, 0.7]), 0.5).tolist()
    ['PASS', 'INCONCLUSIVE', 'FAIL']
    """
    flip = {"PASS": "FAIL", "FAIL": "PASS", "INCONCLUSIVE": "INCONCLUSIVE"}
    bound = np.broadcast_to(bound, np.shape(low))
    return np.array([flip[compare(lo, hi, b)] for lo, hi, b in zip(low, high, bound)])


def shares(table, keep, metric):
    """``(k, n)``: points of ``keep`` where the mean of ``metric`` is within its bound.

    Parameters
    ----------
    table : dict
        :func:`dtwpt.experiments.localization.tables.gabor_table`.
    keep : ndarray of bool
        The points counted.
    metric : str
        One of :data:`~dtwpt.experiments.localization.tables.GABOR_METRICS`.

    Returns
    -------
    k : int
        Points of ``keep`` whose mean is within the bound.
    n : int
        Points of ``keep``.

    Examples
    --------
    >>> table = {"rho2_holds": np.array([True, False, True, True])}
    >>> shares(table, np.array([True, True, True, False]), "rho2")
    (2, 3)
    """
    return int(np.sum(table[f"{metric}_holds"][keep])), int(np.sum(keep))


def _claim(table, keep, metric, claim, formula, level):
    criterion = (f"every point's 95% interval over photographs of the mean within "
                 f"{formula}")
    if not keep.any():
        return Verdict(level, claim, "not applicable: no point with kappa <= pi/m",
                       criterion, "N/A")
    bound = table[BOUNDS[metric]][keep]
    status = point_status(table[f"{metric}_ci_low"][keep], table[f"{metric}_ci_high"][keep],
                          bound)
    k, n = shares(table, keep, metric)
    ratio = table[f"{metric}_mean"][keep] / bound
    measured = (f"{np.sum(status == 'PASS')} of {n} points within, {np.sum(status == 'FAIL')} "
                f"above, {np.sum(status == 'INCONCLUSIVE')} undecided; means within at "
                f"{k}/{n}; measured/bound median {np.nanmedian(ratio):.3f}, max "
                f"{np.nanmax(ratio):.3f}")
    overall = ("FAIL" if (status == "FAIL").any() else
               "PASS" if (status == "PASS").all() else "INCONCLUSIVE")
    return Verdict(level, claim, measured, criterion, overall)


def evaluate(table, levels):
    """The verdicts of a run, per level and claim (see the module docstring).

    Parameters
    ----------
    table : dict
        :func:`dtwpt.experiments.localization.tables.gabor_table`.
    levels : list of int
        Levels ``J`` of the sweep (``m = 2**(J-1)``).

    Returns
    -------
    list of Verdict
        Per level, one verdict per claim of :data:`CLAIMS`, then Thm 2.9 on
        the photo pairs (N/A); each has ``level``, ``claim``, ``measured``,
        ``criterion`` and ``status``.

    Examples
    --------
    >>> from dtwpt.data import BundledPhotos
    >>> from dtwpt.experiments.localization.compute import (
    ...     GaborUnit, Pairs, compute_unit, prepare_unit, theta_grid)
    >>> from dtwpt.experiments.localization.tables import gabor_table
    >>> pairs = Pairs(BundledPhotos(3, size=32, shift=1, axis="x"), 3)
    >>> unit = GaborUnit(2, np.pi / 2, tuple(map(tuple, theta_grid(2))))
    >>> table = gabor_table([unit], [compute_unit(prepare_unit(unit, size=32), pairs=pairs)])
    >>> [(v.claim[:8], v.status) for v in evaluate(table, [2])]
    [('Thm 3.11', 'PASS'), ('Thm 4.2:', 'PASS'), ('Thm 2.9:', 'PASS'), ('Thm 2.9 ', 'N/A')]
    """
    verdicts = []
    for level in levels:
        at_m = table["m"] == 2 ** (level - 1)
        for metric, claim, formula in CLAIMS:
            keep = at_m & table["bound_applies"] if metric.startswith("rho_mod") else at_m
            verdicts.append(_claim(table, keep, metric, claim, formula, level))
        k, n = shares(table, at_m & table["bound_applies"], "rho_mod")
        verdicts.append(Verdict(
            level, PHOTO_CLAIM, f"not applicable: the theorem concerns translations of the "
            f"whole signal, X' brings new content in at the border (mean rho_mod <= alpha at "
            f"{k}/{n} points)", "alpha(kappa u), kappa <= pi/m", "N/A"))
    return verdicts
