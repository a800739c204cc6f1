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
    """Columns of ``families.csv`` from the family units and their results."""
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
    """Per-pair values of every Gabor point, ``(4, N, n_pairs)``, and the pairs' groups."""
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
    (:func:`dtwpt.experiments._stats.grouped_mean_interval`) and
    ``<metric>_holds`` (mean <= bound).
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

