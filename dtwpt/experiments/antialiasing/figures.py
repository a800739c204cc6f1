"""Figures of the anti-aliasing experiment (drawn with :mod:`dtwpt.plotting`).

Per level J:

- ``stability_J<J>.png``: mean instability under crop pairs, one panel per
  operator, one colour scale (as the paper's Fig. 9), low-pass tiles hidden;
- ``stability_roll_m_J<J>.png``: the same for the aligned instability under
  circular shifts by m, where APS is exact;
- ``recovery_J<J>.png`` and ``energy_J<J>.png``: what each operator keeps,
  envelope recovery r² and kept energy, one scale per figure;
- ``tradeoff_J<J>.png``: mean instability against mean envelope recovery, one
  point per band-pass packet, one colour per operator, pathological tiles
  drawn as crosses.
"""
from matplotlib.figure import Figure

from dtwpt.antialiasing import OPERATORS
from dtwpt.plotting import plot_tile_maps, save_figure

from .compute import MEASURES, tile_groups
from .report import NAMES

__all__ = ["tradeoff_figure", "draw_all"]

COLORS = {"rmax": "tab:red", "cmod": "tab:blue", "max_blur": "tab:orange",
          "cmod_blur": "tab:cyan", "aps": "tab:green"}


def _maps(stats, measure, level, label, title):
    """The five operators' per-tile means on one colour scale, with a labelled bar."""
    fig = plot_tile_maps({NAMES[op]: stats["mean"][MEASURES.index(measure), o]
                          for o, op in enumerate(OPERATORS)}, level, mask="lowpass", ncols=5,
                         suptitle=title)
    fig.axes[-1].set_ylabel(label)  # the shared colour bar
    # supxlabel gets its own row in the constrained layout, below the axes labels.
    fig.supxlabel("sand-coloured: the two low-pass tiles (not shown); one pixel per tile, "
                  "mirrored to -theta", fontsize=8, color="0.3")
    return fig


def tradeoff_figure(stats, level, axis):
    """Instability (crop) against envelope recovery, one point per band-pass packet.

    Parameters
    ----------
    stats : dict
        The level's statistics, ``aggregate(...)[level]``
        (:func:`dtwpt.experiments.antialiasing.compute.aggregate`).
    level : int
        Decomposition level ``J``.
    axis : {"x", "y"}
        Direction of the shift (decides the pathological tiles drawn as
        crosses).

    Returns
    -------
    matplotlib.figure.Figure
        One axes: mean instability under crop pairs against mean envelope
        recovery, one colour per operator.

    Examples
    --------
    >>> from dtwpt.data import BundledPhotos
    >>> from dtwpt.experiments.antialiasing.compute import aggregate, chunk_sums
    >>> sums = chunk_sums(BundledPhotos(2, size=32).load(0, 2), levels=[2],
    ...                   wavelet="qshift_a", q=1, blur_size=3, shift=1, axis="x")
    >>> fig = tradeoff_figure(aggregate([sums], [2])[2], 2, "x")
    >>> type(fig).__name__, fig.axes[0].get_title()
    ('Figure', 'Stability against information kept, J = 2')
    """
    groups = tile_groups(level, axis)
    band, patho = groups[0], groups[1]
    fig = Figure(figsize=(6.0, 4.6), layout="constrained")
    ax = fig.add_subplot()
    for o, op in enumerate(OPERATORS):
        x = stats["mean"][MEASURES.index("recovery"), o]
        y = stats["mean"][MEASURES.index("instability_crop"), o]
        for mask, marker, label in ((band & ~patho, "o", NAMES[op]), (patho, "x", None)):
            ax.scatter(x[mask], y[mask], s=14, marker=marker, color=COLORS[op], alpha=0.75,
                       label=label)
    ax.scatter([], [], marker="x", color="0.3", label="pathological tiles")
    ax.set_xlabel("envelope recovery r² (information kept)")
    ax.set_ylabel("instability ||Y' - Y|| / ||Y|| (crop pairs)")
    ax.set_title(f"Stability against information kept, J = {level}")
    ax.legend(fontsize="small")
    return fig


def draw_all(out, totals, levels, *, axis, shift):
    """Draw and save every figure of the experiment (see the module docstring).

    Parameters
    ----------
    out : pathlib.Path
        Folder the PNG files are written to.
    totals : dict
        The run's totals, :func:`dtwpt.experiments.antialiasing.compute.aggregate`.
    levels : sequence of int
        Levels ``J`` to draw (keys of ``totals``).
    axis : {"x", "y"}
        Direction of the shift.
    shift : float
        ``u``, shown in the titles.

    Returns
    -------
    list of (str, str)
        Caption and file name of every figure, in drawing order.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from dtwpt.data import BundledPhotos
    >>> from dtwpt.experiments.antialiasing.compute import aggregate, chunk_sums
    >>> sums = chunk_sums(BundledPhotos(2, size=32).load(0, 2), levels=[1],
    ...                   wavelet="qshift_a", q=1, blur_size=3, shift=1, axis="x")
    >>> out = Path(tempfile.mkdtemp())
    >>> drawn = draw_all(out, aggregate([sums], [1]), [1], axis="x", shift=1)
    >>> [name for caption, name in drawn]  # doctest: +NORMALIZE_WHITESPACE
    ['stability_J1.png', 'stability_roll_m_J1.png', 'recovery_J1.png', 'energy_J1.png',
     'tradeoff_J1.png']
    >>> all((out / name).is_file() for _, name in drawn)
    True
    """
    figures = []

    def save(fig, name, caption):
        save_figure(fig, out / name)
        figures.append((caption, name))

    for j in levels:
        stats = totals[j]
        m = 2 ** (j - 1)
        save(_maps(stats, "instability_crop", j, "mean ||Y' - Y|| / ||Y||",
                   f"mean instability, crop pairs (u = {shift:g} along {axis}), J = {j}"),
             f"stability_J{j}.png",
             f"Mean instability per tile under crop pairs, J = {j}, one scale for all "
             "operators, low-pass tiles hidden")
        save(_maps(stats, "aligned_roll_m", j, "mean min_d ||T_d Y' - Y|| / ||Y||",
                   f"mean aligned instability, circular shift by m = {m}, J = {j}"),
             f"stability_roll_m_J{j}.png",
             f"Mean aligned instability under circular shifts by m = {m}, J = {j}: APS is "
             "exactly invariant there")
        save(_maps(stats, "recovery", j, "mean envelope recovery r²",
                   f"kept information: envelope recovery r², J = {j}"),
             f"recovery_J{j}.png", f"Kept information: mean envelope recovery r², J = {j}")
        save(_maps(stats, "kept_energy", j, "mean of mean(Y²) / mean(|Z|²)",
                   f"kept energy, J = {j}"),
             f"energy_J{j}.png", f"Kept energy per tile, J = {j}")
        save(tradeoff_figure(stats, j, axis), f"tradeoff_J{j}.png",
             f"Instability against envelope recovery, one point per band-pass packet, "
             f"J = {j}")
    return figures

