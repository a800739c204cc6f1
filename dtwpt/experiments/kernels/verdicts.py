"""The kernels experiment's table and verdicts: which kernels the theory covers, does it hold.

A kernel is *Gabor-like* when at least ``min_share`` of its spectral energy
lies in a ``kappa x kappa`` square (with its mirror), ``kappa = pi / m``
(:func:`dtwpt.kernel_analysis.gabor_likeness`), and *in the theory's
setting* when it is also monochrome in the sense of the paper's Hypothesis
5.1 (relative projection error ``delta <= max_delta``; the paper reports
``delta <= 0.1`` on AlexNet's Gabor-like channels). The claims are judged on
the kernels in the setting only:

1. ``rho^2`` follows ``gamma_q(m theta)^2`` across kernels (Thm 3.11 bounds
   ``E[rho^2]`` by ``(beta + gamma_q(m theta))^2``, increasing in ``gamma``):
   Pearson's r and Spearman's rank correlation with their 95% Fisher-z
   intervals, on at least 10 kernels; PASS when both intervals lie above 0 (a few kernels of large
   ``gamma^2`` can carry Pearson's r alone; the ranks cannot).
2. ``rho^2`` is higher for kernels in the pathological zone
   (:func:`dtwpt.kernel_analysis.pathological_zone`) than for the others.
3. RMax is less stable than CMod: ``rho_max > rho_mod``.
4. Thm 2.9 (``rho_mod <= alpha(kappa u)``), Thm 3.11 (``E[rho^2] <= (beta +
   gamma)^2``) and Thm 4.2 (``E[rho_max] <= 2 (beta + gamma) + alpha``), kernel
   by kernel, with ``kappa`` the kernel's 90% bandwidth; Thm 2.9 only for the
   kernels with ``kappa <= pi / m``.

Claims 2 and 3 compare per-pair averages over kernels; the paired differences
are reduced to one mean per photograph (pairs cut from one photograph are not
independent) and judged by the 95% Student t interval over photographs
(at least three photographs). The bounds of claim
4 are checked against each kernel's interval over photographs: PASS when every
upper end is within its bound, FAIL when a lower end exceeds it. Claims are
N/A outside the setting the paper made them for (``q >= 1``, ``m >= 2``,
``0 < |u| <= 1``) or without enough kernels.
"""
import numpy as np
from scipy import stats

from dtwpt.kernel_analysis import analyze_kernels

from .._stats import (
    MIN_GROUPS,
    MIN_TILES,
    Verdict,
    compare,
    grouped_mean_interval,
    pearson_interval,
)
from .compute import METRICS

__all__ = [
    "DEFAULT_MIN_SHARE",
    "MAX_DELTA",
    "MIN_KERNELS_PER_SIDE",
    "evaluate",
    "gamma_correlation",
    "kernel_table",
    "rank_correlation",
]

#: Default share of energy in the kappa window above which a kernel is Gabor-like.
DEFAULT_MIN_SHARE = 0.5
#: Largest relative projection error of a monochrome kernel (the paper's delta <= 0.1).
MAX_DELTA = 0.1
#: Fewest kernels on each side of a comparison between groups of kernels.
MIN_KERNELS_PER_SIDE = 3
#: A bound this many times above every measured mean is reported as vacuous.
VACUOUS = 10


def kernel_table(V, values, groups, *, m, q, shift, min_share):
    """Columns of ``kernels.csv``: the analysis of every kernel and what was measured.

    Parameters
    ----------
    V : ndarray, shape (L, C, k, k)
        The layer.
    values : ndarray, shape (3, n_pairs, L)
        Per-pair ``rho2``, ``rho_max``, ``rho_mod``.
    groups : ndarray of str, shape (n_pairs,)
        Photograph of each pair.
    m, q : int
        Stride and pooling half-width.
    shift : (float, float)
        Shift ``u``.
    min_share : float
        Gabor-likeness threshold.

    Returns
    -------
    dict of str to ndarray
        The columns of :func:`dtwpt.kernel_analysis.analyze_kernels`, then
        ``gabor_like``, ``in_setting``, and per metric ``<metric>_mean`` and
        ``<metric>_std`` (over pairs), ``<metric>_ci_low``/``_ci_high`` (95%
        interval of the mean over photographs) and ``n_pairs``.

    Examples
    --------
    >>> from dtwpt.data import BundledPhotos
    >>> from dtwpt.kernel_analysis import complex_companion
    >>> from dtwpt.learned_filters import learned_first_layer
    >>> from dtwpt.experiments.kernels.compute import chunk_values
    >>> V = learned_first_layer()
    >>> analysis = analyze_kernels(V, 4)
    >>> theta = np.c_[analysis["theta_y"], analysis["theta_x"]]
    >>> batch = BundledPhotos(3, size=32, color=True).load(0, 3)
    >>> chunk = chunk_values(batch, V=V, W=complex_companion(V, theta), m=4, q=1)
    >>> table = kernel_table(V, chunk["values"], chunk["groups"], m=4, q=1, shift=(0, 1),
    ...                      min_share=0.5)
    >>> int(table["gabor_like"].sum()), int(table["in_setting"].sum()), table["n_pairs"][:4]
    (34, 20, array([3, 3, 3, 3]))
    >>> bool(np.all(table["rho2_ci_low"] <= table["rho2_mean"]))
    True
    """
    table = analyze_kernels(V, m, q=q, shift=shift)
    table["gabor_like"] = table["gabor_share"] >= min_share
    table["in_setting"] = table["gabor_like"] & (table["delta"] <= MAX_DELTA)
    for k, name in enumerate(METRICS):
        v = values[k].T  # (L, n_pairs)
        mean = _row_mean(v)
        table[f"{name}_mean"] = mean
        table[f"{name}_std"] = np.sqrt(_row_mean((v - mean[:, None]) ** 2))
        ci = np.array([grouped_mean_interval(row, groups)[1:3] for row in v])
        table[f"{name}_ci_low"], table[f"{name}_ci_high"] = ci[:, 0], ci[:, 1]
    table["n_pairs"] = np.isfinite(values[0]).sum(axis=0)
    return table


def gamma_correlation(table, *, outside_zone=False):
    """Pearson r between mean ``rho^2`` and ``gamma^2`` over the kernels in the setting.

    Parameters
    ----------
    table : dict
        :func:`kernel_table`.
    outside_zone : bool, optional
        Only the kernels outside the pathological zone.

    Returns
    -------
    r, low, high : float
        Pearson's r and its 95% Fisher-z interval; NaN with fewer than 10
        kernels.
    n : int
        Kernels in the setting with finite values.

    Examples
    --------
    >>> t = {"in_setting": np.ones(12, bool), "pathological": np.arange(12) > 9,
    ...      "rho2_mean": np.arange(12.0) ** 2, "gamma_sq": np.arange(12.0)}
    >>> r, low, high, n = gamma_correlation(t)
    >>> round(r, 3), n, bool(low < r < high)
    (0.964, 12, True)
    >>> gamma_correlation(t, outside_zone=True)[3]
    10
    """
    keep = table["in_setting"] & (~table["pathological"] if outside_zone else True)
    return pearson_interval(table["rho2_mean"][keep], table["gamma_sq"][keep])


def rank_correlation(table):
    """Spearman's rank correlation between mean ``rho^2`` and ``gamma^2`` (kernels in the setting).

    Robust to a few kernels of large ``gamma^2`` that can carry Pearson's r
    alone. The 95% interval is Fisher's z with the variance ``1.06 / (n - 3)``
    of Fieller, Hartley & Pearson (1957).

    Parameters
    ----------
    table : dict
        :func:`kernel_table`.

    Returns
    -------
    rho, low, high : float
        Spearman's rho and its 95% interval; NaN with fewer than 10 kernels.
    n : int
        Kernels in the setting with finite values.

    Examples
    --------
    >>> import numpy as np
    >>> t = {"in_setting": np.ones(12, bool), "rho2_mean": np.arange(12.0) ** 3,
    ...      "gamma_sq": np.arange(12.0)}
    >>> rho, lo, hi, n = rank_correlation(t)
    >>> rho, n, bool(lo < 1)
    (1.0, 12, True)
    """
    keep = table["in_setting"]
    a, b = table["rho2_mean"][keep], table["gamma_sq"][keep]
    finite = np.isfinite(a) & np.isfinite(b)
    n = int(finite.sum())
    a, b = a[finite], b[finite]
    if n < MIN_TILES or a.std() == 0 or b.std() == 0:
        return np.nan, np.nan, np.nan, n
    rho = float(stats.spearmanr(a, b).statistic)
    if not np.isfinite(rho):
        return np.nan, np.nan, np.nan, n
    z, half = np.arctanh(min(rho, 1 - 1e-12)), 1.96 * np.sqrt(1.06 / (n - 3))
    return rho, float(np.tanh(z - half)), float(np.tanh(z + half)), n


def _scope(m, q, shift, needs):
    if "q" in needs and q < 1:
        return "made for max pooling over a window (q >= 1); with q = 0 gamma^2 is constant"
    if "m" in needs and m < 2:
        return "made for subsampled outputs (m >= 2)"
    if "u" in needs and not 0 < np.abs(shift).sum() <= 1:
        return "made for shifts of at most one pixel (0 < |u_y| + |u_x| <= 1)"
    return None


def _na(claim, criterion, why):
    return Verdict(0, claim, f"not applicable: {why}", criterion, "N/A")


def _correlation_verdict(table, m, q, shift):
    claim = "rho^2 follows gamma_q(m theta)^2 across kernels (Thm 3.11)"
    criterion = ("95% intervals of Pearson r and of Spearman's rank correlation both above 0 "
                 f"(the bound grows with gamma), on >= {MIN_TILES} kernels")
    why = _scope(m, q, shift, "qm")
    r, lo, hi, n = gamma_correlation(table)
    rho, rlo, rhi, _ = rank_correlation(table)
    if why is None and n < MIN_TILES:
        why = f"{n} kernels in the setting, {MIN_TILES} needed for a correlation"
    if why:
        return _na(claim, criterion, why)
    statuses = {compare(lo, hi, 0.0), compare(rlo, rhi, 0.0)}
    status = statuses.pop() if len(statuses) == 1 else "INCONCLUSIVE"
    return Verdict(0, claim, f"Pearson r = {r:.3f} [{lo:.3f}, {hi:.3f}], Spearman "
                   f"{rho:.3f} [{rlo:.3f}, {rhi:.3f}] over {n} kernels", criterion, status)


def _row_mean(a):
    """Mean of the finite values of each row; NaN for a row without any."""
    finite = np.isfinite(a)
    count = finite.sum(axis=1)
    total = np.where(finite, a, 0.0).sum(axis=1)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _paired(values, groups, first, second):
    """Per pair: mean over the ``first`` kernels minus mean over the ``second`` ones."""
    return grouped_mean_interval(_row_mean(values[:, first]) - _row_mean(values[:, second]),
                                 groups)


def _difference_verdict(claim, criterion, interval):
    mean, lo, hi, k = interval
    if not np.isfinite(lo):
        return Verdict(0, claim, f"difference {mean:+.4f}, no interval: {k} photographs "
                       f"(< {MIN_GROUPS})", criterion, "INCONCLUSIVE")
    return Verdict(0, claim, f"difference {mean:+.4f} [{lo:+.4f}, {hi:+.4f}] over {k} "
                   "photographs", criterion, compare(lo, hi, 0.0))


def _zone_verdict(table, values, groups, m, q, shift):
    claim = "rho^2 is higher for kernels in the pathological zone"
    criterion = "95% interval over photographs of mean rho^2 (zone - others) above 0"
    setting = table["in_setting"]
    inside, outside = setting & table["pathological"], setting & ~table["pathological"]
    why = _scope(m, q, shift, "qm")
    if why is None and min(inside.sum(), outside.sum()) < MIN_KERNELS_PER_SIDE:
        why = (f"{inside.sum()} kernels in the zone and {outside.sum()} outside; "
               f"{MIN_KERNELS_PER_SIDE} needed on each side")
    if why:
        return _na(claim, criterion, why)
    verdict = _difference_verdict(claim, criterion, _paired(values[0], groups, inside, outside))
    verdict.measured += f" ({inside.sum()} vs {outside.sum()} kernels)"
    return verdict


def _stability_verdict(table, values, groups, m, q, shift):
    claim = "RMax is less stable than CMod (rho_max > rho_mod)"
    criterion = "95% interval over photographs of mean (rho_max - rho_mod) above 0"
    setting = table["in_setting"]
    why = _scope(m, q, shift, "qmu")
    if why is None and not setting.any():
        why = "no kernel in the setting"
    if why:
        return _na(claim, criterion, why)
    diff = _row_mean(values[1][:, setting] - values[2][:, setting])
    return _difference_verdict(claim, criterion, grouped_mean_interval(diff, groups))


def _bound_verdict(claim, table, metric, bound, keep, why):
    criterion = (f"every kernel's 95% interval of mean {metric} within its bound "
                 "(kappa = 90% bandwidth)")
    if why is None and not keep.any():
        why = "no kernel in the setting"
    if why:
        return _na(claim, criterion, why)
    low, high, b = (table[f"{metric}_ci_low"][keep], table[f"{metric}_ci_high"][keep],
                    table[bound][keep])
    if np.any(low > b):
        status = "FAIL"
    elif np.all(np.isfinite(high)) and np.all(high <= b):
        status = "PASS"
    else:
        status = "INCONCLUSIVE"
    means = table[f"{metric}_mean"][keep]
    measured = (f"{int(np.sum(means > b))} of {keep.sum()} kernel means above their bound; "
                f"bounds {b.min():.3g} to {b.max():.3g}")
    if np.nanmax(means) * VACUOUS < b.min():
        measured += (f" (vacuous here: every bound is over {VACUOUS} times the largest "
                     f"mean, {np.nanmax(means):.3g})")
    return Verdict(0, claim, measured, criterion, status)


def evaluate(table, values, groups, *, m, q, shift):
    """The verdicts of a run (``level`` is 0: one layer, no levels).

    Parameters
    ----------
    table : dict
        :func:`kernel_table`.
    values : ndarray, shape (3, n_pairs, L)
        Per-pair ``rho2``, ``rho_max``, ``rho_mod``.
    groups : ndarray of str, shape (n_pairs,)
        Photograph of each pair.
    m, q : int
        Stride and pooling half-width.
    shift : (float, float)
        Shift ``u``.

    Returns
    -------
    list of Verdict
        The six claims of the module docstring in order, each with
        ``claim``, ``measured``, ``criterion`` and ``status`` (``"PASS"``,
        ``"FAIL"``, ``"INCONCLUSIVE"`` or ``"N/A"``).

    Examples
    --------
    >>> from dtwpt.learned_filters import learned_first_layer
    >>> V = learned_first_layer()
    >>> values = np.random.default_rng(0).random((3, 6, 64))  # stand-in measurements
    >>> groups = np.repeat(["a", "b", "c"], 2)
    >>> table = kernel_table(V, values, groups, m=4, q=1, shift=(0, 1), min_share=0.5)
    >>> [v.status for v in evaluate(table, values, groups, m=4, q=1, shift=(0, 1))]
    ['INCONCLUSIVE', 'N/A', 'INCONCLUSIVE', 'N/A', 'PASS', 'PASS']
    >>> [v.status for v in evaluate(table, values, groups, m=1, q=1, shift=(0, 1))][:3]
    ['N/A', 'N/A', 'N/A']
    """
    setting = table["in_setting"]
    narrow = setting & table["bound_applies"]
    why_u = _scope(m, q, shift, "u")
    why_narrow = why_u or (None if narrow.any() else
                           f"no kernel in the setting is narrow enough (90% bandwidth <= "
                           f"pi/m = {np.pi / m:.3f})")
    return [
        _correlation_verdict(table, m, q, shift),
        _zone_verdict(table, values, groups, m, q, shift),
        _stability_verdict(table, values, groups, m, q, shift),
        _bound_verdict("Thm 2.9: CMod is stable, mean rho_mod <= alpha(kappa u)", table,
                       "rho_mod", "cmod_shift_bound", narrow, why_narrow),
        _bound_verdict("Thm 3.11: E[rho^2] <= (beta + gamma)^2", table, "rho2",
                       "discrepancy_bound", setting, _scope(m, q, shift, "q")),
        _bound_verdict("Thm 4.2: E[rho_max] <= 2 (beta + gamma) + alpha(kappa u)", table,
                       "rho_max", "rmax_shift_bound", setting, _scope(m, q, shift, "qu")),
    ]
