"""The main experiment's figures as jobs of :class:`~dtwpt.experiments._drawing.FigureJobs`.

A job names its drawing function in :mod:`dtwpt.experiments.shift.figures`
instead of holding it, so that the process running the experiment does not
import Matplotlib (0.3 s) when worker processes draw the figures.
"""
from .compute import gamma_at_tiles

__all__ = ["option_jobs", "result_jobs"]


def _draw(name):
    return f"dtwpt.experiments.shift.figures:{name}"


def option_jobs(levels, *, wavelet, q):
    """Figure jobs that need only the options: Figs 5 and 6 per level.

    They can be drawn while the run computes; Fig. 5's tile values are those
    of the packet tables (:func:`~dtwpt.experiments.shift.compute.gamma_at_tiles`).

    Parameters
    ----------
    levels : sequence of int
        Decomposition levels J.
    wavelet : str
        Q-shift family (for the kernels).
    q : int
        Max-pooling half-width.

    Returns
    -------
    list of (str, str, str, tuple, dict)
        ``(file name, caption, draw, args, kwargs)`` per figure, in the
        paper's order; ``draw`` names the function of
        :mod:`~dtwpt.experiments.shift.figures` whose ``draw(*args, **kwargs)``
        is the :class:`~matplotlib.figure.Figure`.

    Examples
    --------
    >>> jobs = option_jobs([2, 3], wavelet="qshift_a", q=1)
    >>> [name for name, *_ in jobs]
    ['fig5_gamma_J2.png', 'fig5_gamma_J3.png', 'fig6_kernels_J2.png', 'fig6_kernels_J3.png']
    >>> jobs[0][2]
    'dtwpt.experiments.shift.figures:gamma_figure'
    """
    levels = sorted(levels)
    jobs = [(f"fig5_gamma_J{j}.png",
             f"Fig. 5 — gamma_q(m omega)^2 for m = {2 ** (j - 1)} (J = {j}), square-root "
             "scale as in the paper", _draw("gamma_figure"), (j, gamma_at_tiles(j, q)),
             {"q": q}) for j in levels]
    return jobs + [(f"fig6_kernels_J{j}.png",
                    f"Fig. 6 — packet kernels (real part), J = {j}; each kernel is scaled "
                    "to its own maximum", _draw("kernel_figure"), (j, wavelet), {})
                   for j in levels]


def result_jobs(tables):
    """Figure jobs of a run's results: Fig. 8, Fig. 9 per level, the paper side by side.

    Parameters
    ----------
    tables : dict of int to dict
        :func:`~dtwpt.experiments.shift.compute.packet_table` per level.

    Returns
    -------
    list of (str, str, str, tuple, dict)
        As :func:`option_jobs`; the paper's maps exist for J = 2 and 3 only.

    Examples
    --------
    >>> import numpy as np
    >>> from dtwpt.experiments.shift.compute import packet_table
    >>> stats = {f"{m}_{s}": np.zeros(32) for m in ("rho2", "rho_max", "rho_mod")
    ...          for s in ("mean", "std")} | {"count": np.zeros(32, int)}
    >>> tables = {2: packet_table(2, stats, q=1, shift=(0.0, 1.0))}
    >>> [name for name, *_ in result_jobs(tables)]
    ['fig8_rho2.png', 'fig9_stability_J2.png', 'paper_J2.png']
    """
    levels = sorted(tables)
    jobs = [("fig8_rho2.png", "Fig. 8 — mean rho^2 per tile, linear scale [0, 1], "
                              "low-pass tiles hidden",
             _draw("rho2_figure"), ({j: tables[j]["rho2_mean"] for j in levels},), {})]
    jobs += [(f"fig9_stability_J{j}.png",
              f"Fig. 9 — mean rho_max and rho_mod, J = {j}, squared scale [0, 1] as in the "
              "paper", _draw("stability_figure"),
              (j, tables[j]["rho_max_mean"], tables[j]["rho_mod_mean"]), {}) for j in levels]
    return jobs + [(f"paper_J{j}.png",
                    f"The paper's Figs 8, 9a, 9b (left), this run (middle) and their "
                    f"difference (right), J = {j}", _draw("paper_figure"), (j, tables[j]), {})
                   for j in levels if j in (2, 3)]
