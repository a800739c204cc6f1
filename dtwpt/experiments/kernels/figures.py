"""Figures of the kernels experiment.

- ``kernels.png``: the kernels in space (RGB, each on its own scale) and their
  energy spectra (summed over channels, each on its own scale) side by side,
  kernel ``l`` at the same place in both mosaics;
- ``gamma_map.png``: ``gamma_q(m omega)^2`` over the frequency plane with the
  Gabor-like kernels at ``theta`` (and ``-theta``);
- ``rho2_vs_gamma.png``: measured mean ``rho^2`` (95% interval over
  photographs) against the predicted ``gamma_q(m theta)^2``, per kernel;
- ``stability.png``: mean ``rho_max`` against mean ``rho_mod``, per kernel.

Frequency maps: ``omega_x`` to the right and ``omega_y`` upward, both from
``-pi`` to ``pi``, in units of ``pi``.
"""
import numpy as np
from matplotlib.figure import Figure

from dtwpt import theory
from dtwpt.kernel_analysis import energy_spectrum
from dtwpt.plotting import plot_frequency_function, save_figure

__all__ = [
    "draw_all",
    "gamma_map_figure",
    "kernel_figure",
    "mosaic",
    "rho2_gamma_figure",
    "stability_figure",
]

#: Samples per axis of the gamma^2 map.
GRID = 256


def mosaic(tiles, columns, sep=1, fill=1.0):
    """Tiles ``(L, h, w[, 3])`` laid out row by row, ``columns`` per row, ``sep`` apart.

    Parameters
    ----------
    tiles : ndarray, shape (L, h, w) or (L, h, w, 3)
        The tiles, grey or RGB.
    columns : int
        Tiles per row; the last row may be incomplete.
    sep : int, optional
        Pixels between neighbouring tiles.
    fill : float, optional
        Value of the separating pixels and of the missing tiles.

    Returns
    -------
    ndarray, shape (rows * (h + sep) - sep, columns * (w + sep) - sep[, 3])
        The mosaic, ``rows = ceil(L / columns)``; tile ``l`` at row
        ``l // columns`` and column ``l % columns``.

    Examples
    --------
    >>> mosaic(np.zeros((3, 2, 2)), 2)
    array([[0., 0., 1., 0., 0.],
           [0., 0., 1., 0., 0.],
           [1., 1., 1., 1., 1.],
           [0., 0., 1., 1., 1.],
           [0., 0., 1., 1., 1.]])
    """
    L, h, w = tiles.shape[:3]
    rows = -(-L // columns)
    out = np.full((rows * (h + sep) - sep, columns * (w + sep) - sep) + tiles.shape[3:], fill)
    for l, tile in enumerate(tiles):
        r, c = divmod(l, columns)
        out[r * (h + sep):r * (h + sep) + h, c * (w + sep):c * (w + sep) + w] = tile
    return out


def _unit(x, axes):
    lo, hi = x.min(axis=axes, keepdims=True), x.max(axis=axes, keepdims=True)
    return (x - lo) / np.where(hi > lo, hi - lo, 1.0)


def kernel_figure(V, *, n_fft=32):
    """The kernels in space (left) and in Fourier (right).

    Parameters
    ----------
    V : ndarray, shape (L, C, k, k)
        The layer; RGB when ``C = 3``, otherwise shown as the mean over
        channels.
    n_fft : int, optional
        Side of the zero-padded DFT of the energy spectra.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes: the kernels' mosaic in space and that of their energy
        spectra (summed over channels), each kernel on its own scale.

    Examples
    --------
    >>> from dtwpt.learned_filters import learned_first_layer
    >>> fig = kernel_figure(learned_first_layer())
    >>> [ax.get_title() for ax in fig.axes][0]
    '64 kernels in space (RGB), own scale'
    """
    L, C = V.shape[:2]
    columns = int(np.ceil(np.sqrt(L)))
    space = np.moveaxis(V, 1, -1) if C == 3 else V.mean(axis=1)
    space = _unit(space, tuple(range(1, space.ndim)))
    spectra = np.fft.fftshift(energy_spectrum(V, n_fft), axes=(-2, -1))
    spectra = _unit(spectra, (1, 2))
    fig = Figure(figsize=(11, 5.6), layout="constrained")
    left, right = fig.subplots(1, 2)
    left.imshow(mosaic(space, columns), cmap=None if C == 3 else "gray", interpolation="nearest")
    left.set_title(f"{L} kernels in space ({'RGB' if C == 3 else 'mean over channels'}), "
                   "own scale", fontsize="medium")
    # fftshift puts omega = -pi first; each tile is flipped so that omega_y grows
    # upward while the mosaic keeps kernel 0 at the top left, as on the left.
    right.imshow(mosaic(spectra[:, ::-1], columns), cmap="bone_r", interpolation="nearest")
    right.set_title(r"energy spectra, $\omega$ in $[-\pi, \pi)^2$ ($\omega_x$ right, "
                    r"$\omega_y$ up), own scale", fontsize="medium")
    for ax in (left, right):
        ax.set_xticks([])
        ax.set_yticks([])
    return fig


def gamma_map_figure(table, *, m, q):
    """``gamma_q(m omega)^2`` with the Gabor-like kernels at ``+-theta``.

    Parameters
    ----------
    table : dict
        :func:`dtwpt.experiments.kernels.verdicts.kernel_table` (columns
        ``gabor_like``, ``pathological``, ``theta_y``, ``theta_x``).
    m : int
        Stride of the layer.
    q : int
        Max-pooling half-width.

    Returns
    -------
    matplotlib.figure.Figure
        The map over ``[-pi, pi]^2`` (``omega_x`` right, ``omega_y`` up, in
        units of ``pi``) with its colour bar; kernels in the pathological
        zone as red squares, the other Gabor-like kernels as blue dots.

    Examples
    --------
    >>> from dtwpt.learned_filters import learned_first_layer
    >>> from dtwpt.experiments.kernels.verdicts import kernel_table
    >>> V = learned_first_layer()
    >>> values = np.random.default_rng(0).random((3, 6, 64))  # stand-in measurements
    >>> table = kernel_table(V, values, np.repeat(["a", "b", "c"], 2), m=4, q=1,
    ...                      shift=(0, 1), min_share=0.5)
    >>> fig = gamma_map_figure(table, m=4, q=1)
    >>> len(fig.axes)  # the map and its colour bar
    2
    """
    omega = -np.pi + (np.arange(GRID) + 0.5) * 2 * np.pi / GRID
    grid = np.stack(np.meshgrid(omega, omega, indexing="ij"), axis=-1)
    fig = Figure(figsize=(6.2, 5.2), layout="constrained")
    ax = fig.subplots()
    plot_frequency_function(theory.gamma_sq(m * grid, q=q), ax=ax,
                            title=rf"$\gamma_{q}(m\omega)^2$, $m = {m}$: Gabor-like kernels "
                                  r"at $\pm\theta$")
    gabor = table["gabor_like"]
    theta = np.c_[table["theta_y"], table["theta_x"]] / np.pi
    for mask, style, label in ((gabor & table["pathological"], {"marker": "s", "c": "tab:red"},
                                "pathological zone"),
                               (gabor & ~table["pathological"], {"marker": "o", "c": "tab:blue"},
                                "other Gabor-like")):
        for sign in (1, -1):
            ax.scatter(sign * theta[mask, 1], sign * theta[mask, 0], s=22, edgecolors="white",
                       linewidths=0.5, label=label if sign == 1 else None, **style)
    for l in np.flatnonzero(gabor):
        ax.annotate(str(l), (theta[l, 1], theta[l, 0]), fontsize=6, xytext=(3, 3),
                    textcoords="offset points")
    ax.legend(loc="lower left", fontsize="small")
    return fig


def _scatter_groups(ax, x, y, table, yerr=None):
    groups = ((table["in_setting"], "o", "tab:blue", "Gabor-like, monochrome (setting)"),
              (table["gabor_like"] & ~table["in_setting"], "^", "tab:orange",
               "Gabor-like, colour"),
              (~table["gabor_like"], "x", "0.5", "not Gabor-like"))
    for mask, marker, color, label in groups:
        if not mask.any():
            continue
        err = None if yerr is None else yerr[:, mask]
        ax.errorbar(x[mask], y[mask], yerr=err, fmt=marker, color=color, ms=4, lw=0.8,
                    label=f"{label} ({mask.sum()})")
    ax.legend(fontsize="small")


def rho2_gamma_figure(table, correlation):
    """Measured mean ``rho^2`` against predicted ``gamma^2``, one point per kernel.

    Parameters
    ----------
    table : dict
        :func:`dtwpt.experiments.kernels.verdicts.kernel_table`.
    correlation : (float, float, float, int)
        Pearson ``r``, its 95% interval and the number of kernels,
        :func:`dtwpt.experiments.kernels.verdicts.gamma_correlation`; shown
        in the title.

    Returns
    -------
    matplotlib.figure.Figure
        One axes; error bars are the 95% intervals over photographs, marker
        and colour tell the kernels in the setting, the other Gabor-like
        kernels and the rest.

    Examples
    --------
    >>> from dtwpt.learned_filters import learned_first_layer
    >>> from dtwpt.experiments.kernels.verdicts import kernel_table
    >>> V = learned_first_layer()
    >>> values = np.random.default_rng(0).random((3, 6, 64))  # stand-in measurements
    >>> table = kernel_table(V, values, np.repeat(["a", "b", "c"], 2), m=4, q=1,
    ...                      shift=(0, 1), min_share=0.5)
    >>> fig = rho2_gamma_figure(table, (0.5, 0.1, 0.8, 20))
    >>> fig.axes[0].get_title()
    'r = 0.50 [0.10, 0.80] over 20 kernels in the setting'
    """
    fig = Figure(figsize=(5.6, 4.6), layout="constrained")
    ax = fig.subplots()
    mean = table["rho2_mean"]
    err = np.abs(np.stack([mean - table["rho2_ci_low"], table["rho2_ci_high"] - mean]))
    _scatter_groups(ax, table["gamma_sq"], mean, table, np.nan_to_num(err))
    r, lo, hi, n = correlation
    where = (f"r = {r:.2f} [{lo:.2f}, {hi:.2f}] over {n} kernels in the setting"
             if np.isfinite(r) else f"no correlation computed ({n} kernels in the setting)")
    ax.set_xlabel(r"predicted $\gamma_q(m\theta)^2$")
    ax.set_ylabel(r"measured mean $\rho^2$ (95% interval)")
    ax.set_title(where, fontsize="medium")
    return fig


def stability_figure(table):
    """Mean ``rho_max`` against mean ``rho_mod``, with the diagonal.

    Parameters
    ----------
    table : dict
        :func:`dtwpt.experiments.kernels.verdicts.kernel_table`.

    Returns
    -------
    matplotlib.figure.Figure
        One axes, one point per kernel: above the diagonal, RMax is less
        stable than CMod.

    Examples
    --------
    >>> from dtwpt.learned_filters import learned_first_layer
    >>> from dtwpt.experiments.kernels.verdicts import kernel_table
    >>> V = learned_first_layer()
    >>> values = np.random.default_rng(0).random((3, 6, 64))  # stand-in measurements
    >>> table = kernel_table(V, values, np.repeat(["a", "b", "c"], 2), m=4, q=1,
    ...                      shift=(0, 1), min_share=0.5)
    >>> fig = stability_figure(table)
    >>> fig.axes[0].get_title(), fig.axes[0].lines[-1].get_label()
    ('shift instability per kernel', 'y = x')
    """
    fig = Figure(figsize=(5.0, 4.8), layout="constrained")
    ax = fig.subplots()
    _scatter_groups(ax, table["rho_mod_mean"], table["rho_max_mean"], table)
    values = np.r_[table["rho_mod_mean"], table["rho_max_mean"]]
    values = values[np.isfinite(values)]
    if values.size:
        lo, hi = values.min(), values.max()
        ax.plot([lo, hi], [lo, hi], color="tab:red", lw=1, label="y = x")
    ax.set_xlabel(r"mean $\rho_{mod}$ (CMod)")
    ax.set_ylabel(r"mean $\rho_{max}$ (RMax)")
    ax.set_title("shift instability per kernel", fontsize="medium")
    return fig


def draw_all(out, V, table, correlation, *, m, q):
    """Draw and save every figure of the experiment (see the module docstring).

    Parameters
    ----------
    out : pathlib.Path
        Folder the PNG files are written to.
    V : ndarray, shape (L, C, k, k)
        The layer.
    table : dict
        :func:`dtwpt.experiments.kernels.verdicts.kernel_table`.
    correlation : (float, float, float, int)
        :func:`dtwpt.experiments.kernels.verdicts.gamma_correlation`.
    m : int
        Stride of the layer.
    q : int
        Max-pooling half-width.

    Returns
    -------
    list of (str, str)
        Caption and file name of every figure, in drawing order.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from dtwpt.learned_filters import learned_first_layer
    >>> from dtwpt.experiments.kernels.verdicts import kernel_table
    >>> V = learned_first_layer()
    >>> values = np.random.default_rng(0).random((3, 6, 64))  # stand-in measurements
    >>> table = kernel_table(V, values, np.repeat(["a", "b", "c"], 2), m=4, q=1,
    ...                      shift=(0, 1), min_share=0.5)
    >>> drawn = draw_all(Path(tempfile.mkdtemp()), V, table, (0.5, 0.1, 0.8, 20), m=4, q=1)
    >>> [name for caption, name in drawn]
    ['kernels.png', 'gamma_map.png', 'rho2_vs_gamma.png', 'stability.png']
    """
    drawn = []
    items = (
        (kernel_figure(V), "kernels.png", "The kernels in space and their energy spectra"),
        (gamma_map_figure(table, m=m, q=q), "gamma_map.png",
         f"Gabor-like kernels at their theta on the gamma_q(m omega)^2 map, m = {m}"),
        (rho2_gamma_figure(table, correlation), "rho2_vs_gamma.png",
         "Measured mean rho^2 against predicted gamma_q(m theta)^2, per kernel"),
        (stability_figure(table), "stability.png",
         "Mean rho_max (RMax) against mean rho_mod (CMod), per kernel"),
    )
    for fig, name, caption in items:
        save_figure(fig, out / name)
        drawn.append((caption, name))
    return drawn
