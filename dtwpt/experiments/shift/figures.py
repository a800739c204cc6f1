"""Figures of the main experiment, drawn like the paper's by :mod:`dtwpt.plotting`.

- Fig. 5: ``gamma_q(m omega)^2`` over the frequency plane and at the tile centres,
  on the paper's square-root colour scale;
- Fig. 6: the real parts of the packet kernels at their tiles (each kernel
  scaled to its own maximum);
- Fig. 8: mean ``rho^2`` per tile, every level on one linear scale [0, 1];
- Fig. 9: mean ``rho_max`` and ``rho_mod`` per tile on the paper's squared
  scale [0, 1];
- the paper side by side: per level, the paper's Figs 8, 9a, 9b, this run's
  maps and their difference.

Every map: ``omega_x`` from -pi (left) to pi (right), ``omega_y`` from -pi
(bottom) to pi (top), the two low-pass tiles hidden in grey, reversed
``bone`` colour map with labelled colour bars. The colour norms are those of
the paper's own colour bars (read from the figures, see
:mod:`dtwpt.experiments._paper`).
"""
import numpy as np
from matplotlib.colors import PowerNorm
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from dtwpt import packet_kernels, theory
from dtwpt.plotting import MASK_COLOR, plot_frequency_function, plot_kernel_gallery, plot_tile_map
from dtwpt.tree import lowpass_mask

from .. import _paper
from .._drawing import DPI, FigureJobs
from . import _jobs

__all__ = ["draw_all", "gamma_figure"]

#: Samples per axis of the continuous gamma^2 map.
GRID = 256


def gamma_figure(level, tile_values, *, q=1):
    """Fig. 5 for one level: ``gamma_q(m omega)^2`` on a fine grid and per tile.

    Parameters
    ----------
    level : int
        J; ``m = 2**(J-1)``.
    tile_values : array_like, shape (P,)
        ``gamma_q(m theta)^2`` at the tile centres.
    q : int, optional
        Max-pooling half-width.

    Returns
    -------
    matplotlib.figure.Figure
        Two maps on the paper's square-root colour scale and their shared
        colour bar: ``gamma_q(m omega)^2`` over the frequency plane (left) and
        ``tile_values`` one pixel per tile (right).

    Examples
    --------
    >>> from dtwpt import theory, tree
    >>> values = theory.gamma_sq(2 * tree.tile_centres(2), q=1)
    >>> fig = gamma_figure(2, values)
    >>> len(fig.axes)  # two maps and the colour bar
    3
    >>> print(fig.axes[1].get_title())
    $\\gamma_1(m\\theta)^2$ per tile, J = 2
    """
    m = 2 ** (level - 1)
    omega = -np.pi + (np.arange(GRID) + 0.5) * 2 * np.pi / GRID
    grid = np.stack(np.meshgrid(omega, omega, indexing="ij"), axis=-1)
    fig = Figure(figsize=(8.6, 3.7))
    [[((left, right), bar)]] = _map_grid(fig, [2])
    gamma, vmin, vmax = _paper.colour_norm("fig5_gamma2_at_tile_centres")
    norm = PowerNorm(gamma, vmin, vmax)  # the paper's scale: values above 1 are clipped
    plot_frequency_function(theory.gamma_sq(m * grid, q=q), ax=left, level=level,
                            colorbar=False, title=rf"$\gamma_{q}(m\omega)^2$, $m = {m}$")
    plot_tile_map(tile_values, level, ax=right, colorbar=False,
                  title=rf"$\gamma_{q}(m\theta)^2$ per tile, J = {level}")
    for ax in (left, right):
        ax.images[0].set_norm(norm)
    fig.colorbar(right.images[0], cax=bar, label=r"$\gamma^2$ (square-root scale)",
                 extend="max")
    return fig


def _support(kernels, share=0.995):
    """Rows and columns of the smallest square window holding ``share`` of the kernels' energy."""
    energy = (np.abs(kernels) ** 2).sum(axis=0)
    total = energy.sum()
    cy, cx = np.unravel_index(np.argmax(energy), energy.shape)
    for half in range(1, max(energy.shape)):
        rows = slice(max(cy - half, 0), cy + half + 1)
        cols = slice(max(cx - half, 0), cx + half + 1)
        if energy[rows, cols].sum() >= share * total:
            return rows, cols
    return slice(None), slice(None)


def kernel_figure(level, wavelet, *, pixels=3, dpi=DPI):
    """Fig. 6: the real parts of the packet kernels at their tiles, drawn without resampling.

    The kernels are cut to the window holding 99.5% of their energy and every
    pixel of their mosaic (kernels and one-pixel separators) is drawn as
    ``pixels x pixels`` pixels of the image saved at ``dpi`` (nearest
    neighbour, the axes placed on whole pixels), so that no separator or
    oscillation is lost to resampling.
    """
    kernels, _ = packet_kernels(level, wavelet=wavelet)
    rows, cols = _support(kernels)
    kernels = kernels[:, rows, cols]
    side = 2 ** level
    height = (2 * side * (kernels.shape[1] + 1) - 1) * pixels  # the mosaic's, in pixels
    width = (side * (kernels.shape[2] + 1) - 1) * pixels
    left, bottom, right, top = 90, 66, 60, 75  # margins in pixels: labels, ticks, title
    fig_w, fig_h = width + left + right, height + bottom + top
    fig = Figure(figsize=(fig_w / dpi, fig_h / dpi), dpi=dpi)
    ax = fig.add_axes((left / fig_w, bottom / fig_h, width / fig_w, height / fig_h))
    plot_kernel_gallery(kernels, level, part="real", ax=ax)
    fig.suptitle(f"Packet kernels (real part), J = {level}", y=1 - 18 / fig_h, fontsize=10)
    return fig


# The map figures' fixed layout, in inches (Matplotlib's constrained layout took
# 30-40% of their drawing time): around a square map, room for its y tick labels and
# label (left), x tick labels and label (below) and title (above); a colour bar's
# gap, width and room for its tick labels and label; the figure's title and legend.
_LEFT, _BELOW, _ABOVE = 0.78, 0.48, 0.28
_BAR_GAP, _BAR, _BAR_ROOM = 0.15, 0.12, 0.85
_SUPTITLE, _LEGEND = 0.28, 0.28


def _map_grid(fig, groups, n_rows=1, *, top=0.0, bottom=0.0):
    """Square map axes on ``n_rows`` rows, each made of groups of ``groups[k]`` maps
    followed by their colour bar (90% of a map's height); the maps are as large as
    ``fig`` allows below ``top`` and above ``bottom`` inches, the space left spread
    evenly. Returns, per row, a list of ``(maps, bar)`` per group."""
    width, height = fig.get_size_inches()
    n_maps, bars = sum(groups), len(groups) * (_BAR_GAP + _BAR + _BAR_ROOM)
    side = min((width - bars) / n_maps - _LEFT,
               (height - top - bottom) / n_rows - _ABOVE - _BELOW)
    x_gap = (width - bars - n_maps * (_LEFT + side)) / (len(groups) + 1)
    y_gap = (height - top - bottom - n_rows * (_ABOVE + side + _BELOW)) / (n_rows + 1)

    def axes(x, y, w, h):
        return fig.add_axes((x / width, y / height, w / width, h / height))

    rows = []
    for row in range(n_rows):
        y = height - top - (row + 1) * (y_gap + _ABOVE + side) - row * _BELOW
        x, row_axes = x_gap, []
        for n in groups:
            maps = [axes(x + k * (_LEFT + side) + _LEFT, y, side, side) for k in range(n)]
            x += n * (_LEFT + side) + _BAR_GAP
            row_axes.append((maps, axes(x, y + 0.05 * side, _BAR, 0.9 * side)))
            x += _BAR + _BAR_ROOM + x_gap
        rows.append(row_axes)
    return rows


def _hidden_legend(fig):
    fig.legend(handles=[Patch(color=MASK_COLOR, label="low-pass tiles (hidden)")],
               loc="lower center", frameon=False, fontsize=8)


def map_row(fig, axes, bar, panels, level, *, norm, label, cmap="bone_r"):
    """Draw ``{title: values}`` tile maps on ``axes`` with one norm and a labelled
    colour bar on ``bar``."""
    images = [plot_tile_map(values, level, ax=ax, mask="lowpass", colorbar=False,
                            title=title, cmap=cmap)
              for ax, (title, values) in zip(axes, panels.items())]
    for image in images:
        image.set_norm(norm)
    colorbar = fig.colorbar(images[0], cax=bar, label=label)
    if norm.gamma > 1:  # the default ticks crowd the bar's low end: space them on the scale
        colorbar.set_ticks(norm.vmin + (norm.vmax - norm.vmin) * np.array([0, .4, .6, .8, 1]))
    return images


def paper_figure(level, table):
    """The paper's Figs 8, 9a, 9b next to this run's maps and their difference (one level)."""
    fig = Figure(figsize=(11, 10))
    rows = _map_grid(fig, [2, 1], 3, top=_SUPTITLE, bottom=_LEGEND)
    band = ~lowpass_mask(level)
    for [(pair, bar), ([axes], diff_bar)], (name, (column, figure)) in zip(
            rows, _paper.MAPS.items()):
        paper, _ = _paper.paper_map(name, level)
        run = np.asarray(table[column], dtype=float)
        gamma, vmin, vmax = _paper.colour_norm(name)
        quantity = column.replace("_mean", "")
        map_row(fig, pair, bar, {f"paper, {figure}": paper, f"this run, {quantity}": run},
                level, norm=PowerNorm(gamma, vmin, vmax),
                label=f"mean {quantity}" + (" (squared scale)" if gamma == 2 else ""))
        diff = np.where(band, run - paper, np.nan)
        limit = max(float(np.nanmax(np.abs(diff))), 1e-3)
        image = plot_tile_map(diff, level, ax=axes, mask="lowpass", colorbar=False,
                              cmap="RdBu_r", vmin=-limit, vmax=limit,
                              title=f"this run - paper, r = "
                                    f"{np.corrcoef(run[band], paper[band])[0, 1]:.2f}")
        fig.colorbar(image, cax=diff_bar, label="difference")
    fig.suptitle(f"This run next to the paper, J = {level}")
    _hidden_legend(fig)
    return fig


def draw_all(out, tables, *, wavelet, q):
    """Draw and save every figure of a run, in this process.

    Parameters
    ----------
    out : pathlib.Path
        Run folder.
    tables : dict of int to dict
        :func:`dtwpt.experiments.shift.compute.packet_table` per level.
    wavelet : str
        Q-shift family (for the kernels).
    q : int
        Max-pooling half-width.

    Returns
    -------
    list of (str, str)
        ``(caption, file name)`` of each figure, in the paper's order.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from dtwpt.data import BundledPhotos
    >>> from dtwpt.experiments.shift.compute import aggregate, chunk_sums, packet_table
    >>> totals = aggregate([chunk_sums(BundledPhotos(2, size=32).load(0, 2), levels=[2],
    ...                                wavelet="qshift_a", q=1)], [2])
    >>> tables = {2: packet_table(2, totals[2], q=1, shift=(0.0, 1.0))}
    >>> out = Path(tempfile.mkdtemp())
    >>> drawn = draw_all(out, tables, wavelet="qshift_a", q=1)
    >>> [name for _, name in drawn]  # doctest: +NORMALIZE_WHITESPACE
    ['fig5_gamma_J2.png', 'fig6_kernels_J2.png', 'fig8_rho2.png', 'fig9_stability_J2.png',
     'paper_J2.png']
    >>> sorted(p.name for p in out.iterdir()) == sorted(name for _, name in drawn)
    True
    """
    with FigureJobs(workers=1) as jobs:
        jobs.submit(_jobs.option_jobs(sorted(tables), wavelet=wavelet, q=q)
                    + _jobs.result_jobs(tables))
        return jobs.write(out)


def rho2_figure(rho2):
    """Fig. 8: mean ``rho^2`` per tile for every level (``{J: values}``), one linear scale."""
    levels = sorted(rho2)
    fig = Figure(figsize=(4.2 * len(levels) + 1.2, 4.2))
    [[(axes, bar)]] = _map_grid(fig, [len(levels)], top=_SUPTITLE, bottom=_LEGEND)
    images = []
    for ax, j in zip(axes, levels):
        images.append(plot_tile_map(rho2[j], j, ax=ax, mask="lowpass", colorbar=False,
                                    title=f"J = {j}"))
        images[-1].set_norm(PowerNorm(1, 0, 1))
    fig.colorbar(images[0], cax=bar, label=r"mean $\rho^2$")
    fig.suptitle(r"mean $\rho^2$ (RMax vs CMod), linear scale as in the paper")
    _hidden_legend(fig)
    return fig


def stability_figure(level, rho_max, rho_mod):
    """Fig. 9 for one level: mean ``rho_max`` and ``rho_mod`` per tile, squared scale."""
    fig = Figure(figsize=(9.6, 4.2))
    [[(axes, bar)]] = _map_grid(fig, [2], top=_SUPTITLE, bottom=_LEGEND)
    map_row(fig, axes, bar, {r"mean $\rho_{max}$": rho_max, r"mean $\rho_{mod}$": rho_mod},
            level, norm=PowerNorm(2, 0, 1), label="mean instability (squared scale)")
    fig.suptitle(f"shift instability, J = {level}")
    _hidden_legend(fig)
    return fig
