"""The localization study's tables, aggregated from the saved units.

``families.csv`` (:func:`family_table`): one row per family and level.
``gabor.csv`` (:func:`gabor_table`): one row per ``(theta, kappa, m)``. Means
are over the pairs whose value is finite; a family's ``rho2_mean``,
``rho_max_mean`` and ``rho_mod_mean`` are the mean over non-low-pass packets
of the per-packet means over pairs.
"""
import numpy as np

from dtwpt import theory

from .._stats import grouped_mean_interval
from .compute import SHIFT, Q

__all__ = ["FAMILY_COLUMNS", "GABOR_METRICS", "family_table", "gabor_table", "gabor_values"]

FAMILY_COLUMNS = [
    "family", "wavelet", "packet_wavelet", "level", "m", "kernel_length",
    "energy_concentration", "energy_concentration_std",
    "wrong_side_mean", "wrong_side_max",
    "rho2_mean", "rho_max_mean", "rho_mod_mean", "n_pairs",
]
#: Measured per (theta, kappa, m) and pair, in the order of a Gabor unit's ``values``.
GABOR_METRICS = ("rho2", "rho_max", "rho_mod", "rho_mod_periodic")
#: metric -> bound column it is compared with (Thms 3.11, 4.2, 2.9, 2.9).
BOUNDS = {"rho2": "discrepancy_bound", "rho_max": "rmax_shift_bound",
          "rho_mod": "cmod_shift_bound", "rho_mod_periodic": "cmod_shift_bound"}


def _finite_mean(values, axis):
    """Sum of the finite values over ``axis`` divided by their count (NaN if none)."""
    sums = np.nansum(values, axis=axis)
    counts = np.isfinite(values).sum(axis=axis)
    return np.divide(sums, counts, out=np.full(np.shape(sums), np.nan), where=counts > 0)


def family_table(units, results):
    """Columns of ``families.csv`` from the family units and their results.

    Parameters
    ----------
    units : sequence of FamilyUnit
        The family units.
    results : sequence of dict
        Their :func:`dtwpt.experiments.localization.compute.compute_unit`
        results, in the same order.

    Returns
    -------
    dict of str to list
        One row per unit, columns :data:`FAMILY_COLUMNS`.

    Examples
    --------
    >>> from dtwpt.data import BundledPhotos
    >>> from dtwpt.experiments.localization.compute import (
    ...     FamilyUnit, Pairs, compute_unit, prepare_unit)
    >>> pairs = Pairs(BundledPhotos(3, size=32, shift=1, axis="x"), 3)
    >>> units = [FamilyUnit(w, None, 2) for w in ("qshift_06", "qshift_a", "qshift_b")]
    >>> results = [compute_unit(prepare_unit(u, size=32), pairs=pairs) for u in units]
    >>> table = family_table(units, results)
    >>> table["family"], table["kernel_length"], table["n_pairs"]
    (['qshift_06', 'qshift_a', 'qshift_b'], [30, 30, 42], [3, 3, 3])
    """
    rows = {name: [] for name in FAMILY_COLUMNS}
    for unit, r in zip(units, results):
        means = [float(np.nanmean(_finite_mean(v, axis=0))) for v in r["values"]]
        conc, wrong = r["energy_concentration"], r["wrong_side"]
        row = (unit.family, unit.wavelet, unit.packet_wavelet or "tree_a", unit.level,
               2 ** (unit.level - 1), int(r["kernel_length"]), float(conc.mean()),
               float(conc.std()), float(wrong.mean()), float(wrong.max()), *means,
               len(r["groups"]))
        for name, value in zip(FAMILY_COLUMNS, row):
            rows[name].append(value)
    return rows


def gabor_values(results):
    """Per-pair values of every Gabor point and the pairs' photographs.

    Parameters
    ----------
    results : sequence of dict
        The Gabor units' results
        (:func:`dtwpt.experiments.localization.compute.compute_unit`).

    Returns
    -------
    values : ndarray, shape (4, N, n_pairs)
        Per metric of :data:`GABOR_METRICS`, point ``(theta, kappa, m)`` and
        pair.
    groups : ndarray of str, shape (n_pairs,)
        The photograph of each pair.

    Examples
    --------
    >>> from dtwpt.data import BundledPhotos
    >>> from dtwpt.experiments.localization.compute import (
    ...     GaborUnit, Pairs, compute_unit, prepare_unit, theta_grid)
    >>> pairs = Pairs(BundledPhotos(3, size=32, shift=1, axis="x"), 3)
    >>> unit = GaborUnit(2, np.pi / 2, tuple(map(tuple, theta_grid(2))))
    >>> result = compute_unit(prepare_unit(unit, size=32), pairs=pairs)
    >>> values, groups = gabor_values([result, result])
    >>> values.shape, groups.tolist()
    ((4, 8, 3), ['astronaut', 'camera', 'chelsea'])
    """
    return (np.concatenate([r["values"] for r in results], axis=1),
            results[0]["groups"] if results else np.array([], dtype=str))


def _bounds(units):
    """Identity and bound columns of every (theta, kappa, m)."""
    cols = {k: [] for k in ("theta_y", "theta_x", "kappa", "m", "gamma_sq",
                            "discrepancy_bound", "rmax_shift_bound", "cmod_shift_bound",
                            "bound_applies")}
    for unit in units:
        for theta in unit.thetas:
            values = (theta[0], theta[1], unit.kappa, unit.m,
                      float(theory.gamma_sq(unit.m * np.asarray(theta), q=Q)),
                      float(theory.discrepancy_bound(theta, unit.kappa, unit.m, q=Q)),
                      float(theory.rmax_shift_bound(theta, unit.kappa, unit.m, SHIFT, q=Q)),
                      float(theory.cmod_shift_bound(unit.kappa, SHIFT)),
                      bool(theory.bound_applies(unit.kappa, unit.m)))
            for name, value in zip(cols, values):
                cols[name].append(value)
    return {k: np.array(v) for k, v in cols.items()}


def gabor_table(units, results):
    """Columns of ``gabor.csv`` from the Gabor units and their results.

    Per metric of :data:`GABOR_METRICS`: ``<metric>_mean``, its 95% interval
    over photographs ``<metric>_ci_low``/``_ci_high``
    (NaN with fewer than three photographs) and ``<metric>_holds`` (mean
    <= bound).

    Parameters
    ----------
    units : sequence of GaborUnit
        The Gabor units.
    results : sequence of dict
        Their :func:`dtwpt.experiments.localization.compute.compute_unit`
        results, in the same order.

    Returns
    -------
    dict of str to ndarray
        One entry per point ``(theta, kappa, m)``: ``theta_y``, ``theta_x``,
        ``kappa``, ``m``, ``support_points``, ``gamma_sq``, the columns
        above, the bounds ``discrepancy_bound`` (Thm 3.11),
        ``rmax_shift_bound`` (Thm 4.2), ``cmod_shift_bound`` (Thm 2.9),
        ``bound_applies`` (``kappa <= pi/m``) and ``n_pairs``.

    Examples
    --------
    >>> from dtwpt.data import BundledPhotos
    >>> from dtwpt.experiments.localization.compute import (
    ...     GaborUnit, Pairs, compute_unit, prepare_unit, theta_grid)
    >>> pairs = Pairs(BundledPhotos(3, size=32, shift=1, axis="x"), 3)
    >>> unit = GaborUnit(2, np.pi / 2, tuple(map(tuple, theta_grid(2))))
    >>> result = compute_unit(prepare_unit(unit, size=32), pairs=pairs)
    >>> table = gabor_table([unit], [result])
    >>> table["m"].tolist(), table["rho2_holds"].tolist()
    ([2, 2, 2, 2], [True, True, True, True])
    >>> bool(np.all(table["rho2_mean"] <= table["discrepancy_bound"]))
    True
    """
    values, groups = gabor_values(results)
    b = _bounds(units)
    table = {k: b[k] for k in ("theta_y", "theta_x", "kappa", "m")}
    table["support_points"] = np.concatenate([r["support"] for r in results])
    table["gamma_sq"] = b["gamma_sq"]
    for k, metric in enumerate(GABOR_METRICS):
        mean = np.array([_finite_mean(v, axis=0) for v in values[k]])
        ci = np.array([grouped_mean_interval(v, groups)[1:3] for v in values[k]])
        table[f"{metric}_mean"] = mean
        table[f"{metric}_ci_low"], table[f"{metric}_ci_high"] = ci[:, 0], ci[:, 1]
        if metric != "rho_mod_periodic":
            table[BOUNDS[metric]] = b[BOUNDS[metric]]
        table[f"{metric}_holds"] = mean <= b[BOUNDS[metric]]
        if metric == "rho_mod":
            table["bound_applies"] = b["bound_applies"]
    table["n_pairs"] = np.full(len(table["m"]), len(groups))
    return table

