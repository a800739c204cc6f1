"""Figures of the main experiment, drawn like the paper's by :mod:`dtwpt.plotting`.

- Fig. 5: ``gamma_q(m omega)^2`` over the frequency plane and at the tile centres;
- Fig. 6: the real parts of the packet kernels at their tiles;
- Fig. 8: mean ``rho^2`` per tile, every level on one scale, low-pass hidden;
- Fig. 9: mean ``rho_max`` and ``rho_mod`` per tile, one scale per level.
"""
import numpy as np
from matplotlib.figure import Figure

from dtwpt import packet_kernels, theory
from dtwpt.plotting import (plot_frequency_function, plot_kernel_gallery, plot_tile_map,
                            plot_tile_maps, save_figure)

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
    """
    m = 2 ** (level - 1)
    omega = -np.pi + (np.arange(GRID) + 0.5) * 2 * np.pi / GRID
    grid = np.stack(np.meshgrid(omega, omega, indexing="ij"), axis=-1)
    fig = Figure(figsize=(8.6, 3.7), layout="constrained")
    left, right = fig.subplots(1, 2)
    plot_frequency_function(theory.gamma_sq(m * grid, q=q), ax=left, level=level,
                            title=rf"$\gamma_{q}(m\omega)^2$, $m = {m}$")
    plot_tile_map(tile_values, level, ax=right,
                  title=rf"$\gamma_{q}(m\theta)^2$ per tile, J = {level}")
    return fig


def draw_all(out, tables, *, wavelet, q):
    """Draw and save every figure of a run.

    Parameters
    ----------
    out : pathlib.Path
        Run folder.
    tables : dict of int to dict
        :func:`dtwpt.experiments.shift.packet_table` per level.
    wavelet : str
        Q-shift family (for the kernels).
    q : int
        Max-pooling half-width.

    Returns
    -------
    list of (str, str)
        ``(caption, file name)`` of each figure, in the paper's order.
    """
    levels = sorted(tables)
    figures = []

    def save(fig, name, caption):
        save_figure(fig, out / name)
        figures.append((caption, name))

    for j in levels:
        save(gamma_figure(j, tables[j]["gamma_sq"], q=q), f"fig5_gamma_J{j}.png",
             f"Fig. 5 — gamma_q(m omega)^2 for m = {2 ** (j - 1)} (J = {j})")
    for j in levels:
        kernels, _ = packet_kernels(j, wavelet=wavelet)
        save(plot_kernel_gallery(kernels, j, part="real",
                                 title=f"Real part of the packet kernels, J = {j}"),
             f"fig6_kernels_J{j}.png", f"Fig. 6 — packet kernels (real part), J = {j}")
    save(plot_tile_maps({f"J = {j}": tables[j]["rho2_mean"] for j in levels}, levels,
                        mask="lowpass", suptitle=r"mean $\rho^2$ (RMax vs CMod)"),
         "fig8_rho2.png", "Fig. 8 — mean rho^2 per tile, shared scale, low-pass hidden")
    for j in levels:
        panels = {r"mean $\rho_{max}$": tables[j]["rho_max_mean"],
                  r"mean $\rho_{mod}$": tables[j]["rho_mod_mean"]}
        save(plot_tile_maps(panels, j, mask="lowpass", suptitle=f"shift stability, J = {j}"),
             f"fig9_stability_J{j}.png",
             f"Fig. 9 — mean rho_max and rho_mod, J = {j}, shared scale")
    return figures
