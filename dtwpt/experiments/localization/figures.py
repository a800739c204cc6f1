"""Figures of the localization study.

- ``families.png``: for every family and level, mean ``rho^2``, ``rho_max``
  and ``rho_mod`` against the energy concentration and the kernel length;
- ``gabor_bounds.png``: measured against bound, one point per
  ``(theta, kappa, m)``, for Thms 3.11, 4.2 and 2.9 (photo pairs and periodic
  shift), on log-log axes.
"""
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from dtwpt.plotting import plot_measured_vs_bound, save_figure

__all__ = ["draw_all", "families_figure", "gabor_figure"]

_LEVEL_MARKERS = {1: "^", 2: "o", 3: "s", 4: "D", 5: "P"}
_METRICS = [("rho2_mean", r"mean $\rho^2$ (discrepancy)"),
            ("rho_max_mean", r"mean $\rho_{max}$ (RMax shift)"),
            ("rho_mod_mean", r"mean $\rho_{mod}$ (CMod shift)")]
_LOCALIZATION = [("energy_concentration", "energy concentration (Table 1)"),
                 ("kernel_length", "kernel length (taps per axis)")]


def _rows(table):
    return [dict(zip(table, values)) for values in zip(*table.values())]


def _legend(fig, families, levels, colours):
    handles = [Line2D([], [], ls="", marker="o", color=colours[f], markeredgecolor="black",
                      label=f) for f in families]
    handles += [Line2D([], [], ls="", marker=_LEVEL_MARKERS.get(j, "o"), color="0.5",
                       markeredgecolor="black", label=f"J = {j} (m = {2 ** (j - 1)})")
                for j in levels]
    fig.legend(handles=handles, loc="outside right center", fontsize="small")


def families_figure(table):
    """Metrics against localization, one marker per family (colour) and level (shape).

    Parameters
    ----------
    table : dict
        :func:`dtwpt.experiments.localization.tables.family_table`.

    Returns
    -------
    matplotlib.figure.Figure
        2 x 3 axes: mean ``rho^2``, ``rho_max`` and ``rho_mod`` (columns)
        against energy concentration and kernel length (rows).

    Examples
    --------
    >>> from dtwpt.data import BundledPhotos
    >>> from dtwpt.experiments.localization.compute import (
    ...     FamilyUnit, Pairs, compute_unit, prepare_unit)
    >>> from dtwpt.experiments.localization.tables import family_table
    >>> pairs = Pairs(BundledPhotos(3, size=32, shift=1, axis="x"), 3)
    >>> units = [FamilyUnit(w, None, 2) for w in ("qshift_06", "qshift_a", "qshift_b")]
    >>> families = family_table(units, [compute_unit(prepare_unit(u, size=32), pairs=pairs)
    ...                                 for u in units])
    >>> fig = families_figure(families)
    >>> len(fig.axes), fig.axes[0].get_xlabel()
    (6, 'energy concentration (Table 1)')
    """
    rows = _rows(table)
    families = list(dict.fromkeys(table["family"]))
    levels = sorted(set(table["level"]))
    colours = {f: f"C{i % 10}" for i, f in enumerate(families)}
    fig = Figure(figsize=(13.0, 7.8), layout="constrained")
    axes = fig.subplots(len(_LOCALIZATION), len(_METRICS), squeeze=False)
    for i, (xname, xlabel) in enumerate(_LOCALIZATION):
        for j, (yname, ylabel) in enumerate(_METRICS):
            ax = axes[i, j]
            for r in rows:
                ax.scatter(r[xname], r[yname], color=colours[r["family"]],
                           marker=_LEVEL_MARKERS.get(r["level"], "o"), s=46,
                           edgecolor="black", linewidth=0.5, zorder=3)
            for level in levels:  # one thin line per level, families sorted along x
                sub = sorted((r for r in rows if r["level"] == level), key=lambda r: r[xname])
                ax.plot([r[xname] for r in sub], [r[yname] for r in sub], color="0.7",
                        lw=0.8, zorder=1)
            ax.set_xlabel(xlabel)
            ax.set_ylabel(ylabel)
            ax.grid(alpha=0.3)
    _legend(fig, families, levels, colours)
    fig.suptitle("Wavelet families: discrepancy and shift stability vs localization "
                 "(bundled photos, non-low-pass packets, q = 1, u = (0, 1))")
    return fig


def _log_panel(ax, measured, bound, labels, title):
    # Bounds and measurements span decades: log-log axes. Measured values far
    # below every bound (e.g. round-off for a single-frequency kernel) are drawn
    # at a floor two decades under the smallest bound; this changes no verdict.
    positive = bound[np.isfinite(bound) & (bound > 0)]
    floor = positive.min() / 100 if positive.size else None
    shown = measured if floor is None else np.where(measured < floor, floor, measured)
    plot_measured_vs_bound(shown, bound, ax=ax, labels=labels, title=title)
    ax.legend(loc="upper left", fontsize="x-small")
    both = np.concatenate([shown, bound])
    positive = both[np.isfinite(both) & (both > 0)]
    if positive.size:
        lo, hi = positive.min() / 1.5, positive.max() * 1.5
        ax.set_xscale("log", nonpositive="clip")
        ax.set_yscale("log", nonpositive="clip")
        ax.set_aspect("auto")
        ax.set_xlim(lo, hi)
        ax.set_ylim(lo, hi)


def gabor_figure(table):
    """Measured against bound for Thms 3.11, 4.2 and 2.9 (Thm 2.9 where kappa <= pi/m).

    Parameters
    ----------
    table : dict
        :func:`dtwpt.experiments.localization.tables.gabor_table`.

    Returns
    -------
    matplotlib.figure.Figure
        Four log-log panels, one point per ``(theta, kappa, m)``: Thm 3.11,
        Thm 4.2, Thm 2.9 on the photo pairs and Thm 2.9 for the periodic
        shift.

    Examples
    --------
    >>> from dtwpt.data import BundledPhotos
    >>> from dtwpt.experiments.localization.compute import (
    ...     FamilyUnit, GaborUnit, Pairs, compute_unit, prepare_unit, theta_grid)
    >>> from dtwpt.experiments.localization.tables import family_table, gabor_table
    >>> pairs = Pairs(BundledPhotos(3, size=32, shift=1, axis="x"), 3)
    >>> unit = GaborUnit(2, np.pi / 2, tuple(map(tuple, theta_grid(2))))
    >>> gabor = gabor_table([unit], [compute_unit(prepare_unit(unit, size=32), pairs=pairs)])
    >>> fig = gabor_figure(gabor)
    >>> [ax.get_title() for ax in fig.axes][:2]
    ['Thm 3.11', 'Thm 4.2']
    """
    every = np.ones(len(table["m"]), dtype=bool)
    applies = np.asarray(table["bound_applies"], dtype=bool)
    alpha = (r"$\alpha(\kappa u)$", r"measured mean $\rho_{mod}$")
    panels = [
        ("rho2_mean", "discrepancy_bound", every, "Thm 3.11",
         (r"$(\beta+\gamma)^2$", r"measured mean $\rho^2$")),
        ("rho_max_mean", "rmax_shift_bound", every, "Thm 4.2",
         (r"$2(\beta+\gamma)+\alpha$", r"measured mean $\rho_{max}$")),
        ("rho_mod_mean", "cmod_shift_bound", applies, "Thm 2.9 (photo pairs)", alpha),
        ("rho_mod_periodic_mean", "cmod_shift_bound", applies,
         "Thm 2.9 (periodic shift, its setting)", alpha),
    ]
    fig = Figure(figsize=(17.0, 5.0), layout="constrained")
    axes = fig.subplots(1, len(panels))
    for ax, (mname, bname, keep, title, labels) in zip(axes, panels):
        _log_panel(ax, np.asarray(table[mname], dtype=float)[keep],
                   np.asarray(table[bname], dtype=float)[keep], labels, title)
    fig.suptitle("Gabor filters J(theta, kappa): measured vs bound, one point per "
                 "(theta, kappa, m)")
    return fig


def draw_all(out, families, gabor):
    """Draw and save both figures in ``out``.

    Parameters
    ----------
    out : pathlib.Path
        Folder the PNG files are written to (atomically).
    families : dict
        :func:`dtwpt.experiments.localization.tables.family_table`.
    gabor : dict
        :func:`dtwpt.experiments.localization.tables.gabor_table`.

    Returns
    -------
    list of (str, str)
        Caption and file name of each figure.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from dtwpt.data import BundledPhotos
    >>> from dtwpt.experiments.localization.compute import (
    ...     FamilyUnit, GaborUnit, Pairs, compute_unit, prepare_unit, theta_grid)
    >>> from dtwpt.experiments.localization.tables import family_table, gabor_table
    >>> pairs = Pairs(BundledPhotos(3, size=32, shift=1, axis="x"), 3)
    >>> unit = GaborUnit(2, np.pi / 2, tuple(map(tuple, theta_grid(2))))
    >>> gabor = gabor_table([unit], [compute_unit(prepare_unit(unit, size=32), pairs=pairs)])
    >>> units = [FamilyUnit(w, None, 2) for w in ("qshift_06", "qshift_a", "qshift_b")]
    >>> families = family_table(units, [compute_unit(prepare_unit(u, size=32), pairs=pairs)
    ...                                 for u in units])
    >>> draw_all(Path(tempfile.mkdtemp()), families, gabor)
    [('families', 'families.png'), ('gabor bounds', 'gabor_bounds.png')]
    """
    drawn = []
    for fig, name, caption in (
            (families_figure(families), "families.png", "families"),
            (gabor_figure(gabor), "gabor_bounds.png", "gabor bounds")):
        save_figure(fig, out / name)
        drawn.append((caption, name))
    return drawn
