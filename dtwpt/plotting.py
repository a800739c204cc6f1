r"""Figures of per-packet quantities over the frequency plane.

Conventions
-----------
Frequencies ``omega = (omega_y, omega_x)`` are in radians per sample, in
``[-pi, pi)^2``; ``omega_y`` is the vertical (row) frequency and ``omega_x``
the horizontal (column) one.

A level-``J`` transform has ``P = 2 * 4**J`` packets in *frequency order*:
packet ``p = r * 2**J + c`` is the tile in row ``r`` (``0 .. 2**(J+1) - 1``)
and column ``c`` (``0 .. 2**J - 1``) of the half-plane ``omega_x >= 0``. Tiles
have side ``pi / 2**J`` and centre

    theta = (-pi + (r + 1/2) pi / 2**J,  (c + 1/2) pi / 2**J),

so row 0 is ``omega_y`` near ``-pi``.

The response of a real image at ``-omega`` equals that at ``omega``, so the
full plane is filled by point symmetry: the tile at ``theta`` is also drawn at
``-theta``. The full-plane image has ``2**(J+1) x 2**(J+1)`` pixels; pixel
``(i, j)`` has centre ``(-pi + (i + 1/2) pi / 2**J, -pi + (j + 1/2) pi / 2**J)``,
hence packet ``(r, c)`` sits at pixel ``(r, 2**J + c)`` and its mirror at
``(2**(J+1) - 1 - r, 2**J - 1 - c)``.

All maps are drawn with ``omega_x`` horizontal, increasing to the right, and
``omega_y`` vertical, increasing upward (``imshow(origin="lower")``), axes in
units of pi over ``[-1, 1]``, the reversed bone colour map ``"bone_r"`` by
default. The two low-pass packets (rows ``2**J - 1`` and ``2**J``, column 0,
see :func:`lowpass_mask`) are usually hidden with a ``mask``; hidden packets
are drawn in the neutral colour :data:`MASK_COLOR`.

Only the object-oriented matplotlib API is used: figures are
:class:`matplotlib.figure.Figure` instances, independent of pyplot, so
everything works headless. Save them with :func:`save_figure`.
"""
import os
import pathlib
from collections.abc import Mapping, Sequence

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import Colormap
from matplotlib.figure import Figure, SubFigure
from matplotlib.image import AxesImage
from numpy.typing import ArrayLike

from ._io import atomic_write
from ._validation import check_int, check_level, check_real
from .tree import lowpass_mask

__all__ = [
    "MASK_COLOR",
    "full_plane",
    "lowpass_mask",
    "kernel_mosaic",
    "plot_tile_map",
    "plot_tile_maps",
    "plot_frequency_function",
    "plot_kernel_gallery",
    "plot_measured_vs_bound",
    "save_figure",
]

MASK_COLOR = "#e9dcc4"
"""Colour of hidden (masked) packets in tile maps: a pale sand, outside ``bone_r``."""

_TICKS = (-1.0, -0.5, 0.0, 0.5, 1.0)
_FULL_EXTENT = (-1.0, 1.0, -1.0, 1.0)


def _check_level(level):
    """Plots take a level >= 0 (level 0: the two half-plane tiles)."""
    return check_level(level, 0)


def _packet_values(values, level):
    """``values`` as a float array whose last axis has the ``2 * 4**level`` packets."""
    n_packets = 2 * 4 ** _check_level(level)
    values = np.asarray(values)
    if np.iscomplexobj(values):
        raise TypeError("packet values must be real; take .real, .imag or abs() first")
    if values.dtype.kind not in "biuf":
        raise TypeError(f"packet values must be real numbers, got dtype {values.dtype}")
    if values.ndim == 0 or values.shape[-1] != n_packets:
        raise ValueError(
            f"a level-{level} transform has {n_packets} packets: expected values of "
            f"shape (..., {n_packets}), got {values.shape}"
        )
    return values.astype(np.float64)


def _packet_mask(mask, level):
    """``mask`` as a boolean array of shape ``(P,)``; ``"lowpass"`` and None allowed."""
    if mask is None:
        return np.zeros(2 * 4 ** _check_level(level), dtype=bool)
    if isinstance(mask, str):
        if mask != "lowpass":
            raise ValueError(f'mask must be None, "lowpass" or a boolean array, got {mask!r}')
        return lowpass_mask(level)
    mask = np.asarray(mask)
    if mask.dtype != bool:
        raise TypeError(f"mask must be boolean, got dtype {mask.dtype}")
    n_packets = 2 * 4 ** _check_level(level)
    if mask.shape != (n_packets,):
        raise ValueError(
            f"mask for level {level} must have shape ({n_packets},), got {mask.shape}"
        )
    return mask


def full_plane(values: ArrayLike, level: int) -> np.ndarray:
    """Point-symmetric full-plane image of per-packet values.

    Parameters
    ----------
    values : array_like, shape (..., 2 * 4**J)
        Real per-packet values in frequency order (see the module docstring).
    level : int
        Decomposition level ``J``.

    Returns
    -------
    ndarray, shape (..., 2**(J+1), 2**(J+1))
        ``img[..., i, j]`` is the value of the tile centred at
        ``(omega_y, omega_x) = (-pi + (i + 1/2) pi / 2**J, -pi + (j + 1/2) pi / 2**J)``:
        the row index increases with ``omega_y`` (draw with ``origin="lower"``)
        and the column index with ``omega_x``. Point symmetry reads
        ``img == img[..., ::-1, ::-1]``.

    Raises
    ------
    TypeError
        If ``values`` is complex or not numeric.
        If ``level`` is not an integer (a bool or a float included).
    ValueError
        If the last axis of ``values`` does not hold ``2 * 4**J`` packets.
        If ``level`` is outside ``[0, 8]`` (8 is ``dtwpt.MAX_LEVEL``).

    Examples
    --------
    >>> full_plane(np.arange(8.0), 1).shape
    (4, 4)
    >>> full_plane(np.arange(8.0), 1)[:, 2:]  # the half-plane omega_x >= 0
    array([[0., 1.],
           [2., 3.],
           [4., 5.],
           [6., 7.]])
    """
    values = _packet_values(values, level)
    side = 2 ** level
    half = values.reshape(values.shape[:-1] + (2 * side, side))
    return np.concatenate([half[..., ::-1, ::-1], half], axis=-1)


def _masked_full_plane(values, level, mask):
    values = np.where(_packet_mask(mask, level), np.nan, _packet_values(values, level))
    return full_plane(values, level)


def _finite_range(*images):
    """(min, max) over the finite entries of ``images``, or (None, None) if none."""
    finite = np.concatenate([img[np.isfinite(img)] for img in images])
    if finite.size == 0:
        return None, None
    return float(finite.min()), float(finite.max())


def _colormap(cmap, bad):
    if not isinstance(cmap, Colormap):
        if not isinstance(cmap, str) or cmap not in matplotlib.colormaps:
            raise ValueError(f"cmap must be a Colormap or a Matplotlib colormap name such as "
                             f"'bone_r', got {cmap!r}")
        cmap = matplotlib.colormaps[cmap]
    return cmap.with_extremes(bad=bad)


def _new_axes(figsize):
    return Figure(figsize=figsize, layout="constrained").add_subplot()


def _style_frequency_axes(ax, title):
    ax.set_xlabel(r"$\omega_x/\pi$")
    ax.set_ylabel(r"$\omega_y/\pi$")
    ax.set_xticks(_TICKS)
    ax.set_yticks(_TICKS)
    if title is not None:
        ax.set_title(title)


def _draw_map(ax, image, *, vmin, vmax, cmap, title, colorbar, extent=_FULL_EXTENT,
              interpolation="nearest"):
    im = ax.imshow(image, origin="lower", extent=extent, vmin=vmin, vmax=vmax,
                   cmap=_colormap(cmap, MASK_COLOR), interpolation=interpolation)
    _style_frequency_axes(ax, title)
    if colorbar:
        ax.figure.colorbar(im, ax=ax, shrink=0.85)
    return im


def plot_tile_map(values: ArrayLike, level: int, *, ax: Axes | None = None,
                  vmin: float | None = None, vmax: float | None = None,
                  cmap: str | Colormap = "bone_r", mask: ArrayLike | str | None = None,
                  title: str | None = None, colorbar: bool = True) -> AxesImage:
    r"""Draw per-packet values as one pixel per tile over the whole frequency plane.

    ``omega_x`` runs horizontally (increasing to the right) and ``omega_y``
    vertically (increasing upward), both in units of pi over ``[-1, 1]``; the
    tile at ``theta`` is also drawn at ``-theta``.

    Parameters
    ----------
    values : array_like, shape (2 * 4**J,)
        Real per-packet values in frequency order.
    level : int
        Decomposition level ``J``.
    ax : matplotlib.axes.Axes, optional
        Where to draw; by default a new headless Figure is created.
    vmin, vmax : float, optional
        Colour scale limits; by default the range of the unmasked values.
    cmap : str or Colormap, optional
        Colour map, reversed bone by default.
    mask : array_like of bool, shape (2 * 4**J,), or "lowpass", optional
        Packets to hide (drawn in :data:`MASK_COLOR`); ``"lowpass"`` hides
        the two low-pass packets (:func:`lowpass_mask`).
    title : str, optional
        Axes title.
    colorbar : bool, optional
        Whether to add a colour bar next to the axes.

    Returns
    -------
    matplotlib.image.AxesImage
        The drawn image; its figure is ``im.figure``.

    Raises
    ------
    TypeError
        If ``values`` is complex or not numeric.
        If ``level`` is not an integer (a bool or a float included).
        If ``mask`` is an array that is not boolean.
    ValueError
        If the last axis of ``values`` does not hold ``2 * 4**J`` packets.
        If ``level`` is outside ``[0, 8]`` (8 is ``dtwpt.MAX_LEVEL``).
        If ``mask`` is a string other than ``"lowpass"``, or an array whose shape is not
        ``(2 * 4**J,)``.
        If ``cmap`` is neither a Colormap nor the name of a registered Matplotlib colormap.

    Examples
    --------
    >>> im = plot_tile_map(np.arange(8.0), 1, mask="lowpass")
    >>> im.get_array().shape, im.axes.get_xlabel()
    ((4, 4), '$\\omega_x/\\pi$')
    """
    ax = _new_axes((4.2, 3.6)) if ax is None else ax
    image = _masked_full_plane(values, level, mask)
    return _draw_map(ax, image, vmin=vmin, vmax=vmax, cmap=cmap, title=title,
                     colorbar=colorbar)


def _panel_list(panels, titles):
    """(arrays, titles) from a mapping (keys are default titles) or a sequence."""
    if isinstance(panels, dict):
        arrays, keys = list(panels.values()), [str(k) for k in panels]
        titles = keys if titles is None else list(titles)
    else:
        arrays = list(panels)
        titles = [None] * len(arrays) if titles is None else list(titles)
    if not arrays:
        raise ValueError("panels is empty")
    if len(titles) != len(arrays):
        raise ValueError(f"got {len(titles)} titles for {len(arrays)} panels")
    return arrays, titles


def _per_panel(arg, n_panels, name, is_single):
    """Repeat a single argument for every panel, or check a per-panel list."""
    if is_single(arg):
        return [arg] * n_panels
    try:
        arg = list(arg)
    except TypeError:
        raise TypeError(f"{name} must be one value or a sequence of {n_panels}, got "
                        f"{arg!r}") from None
    if len(arg) != n_panels:
        raise ValueError(f"got {len(arg)} entries in {name} for {n_panels} panels")
    return arg


def _is_single_mask(mask):
    if mask is None or isinstance(mask, str) or not isinstance(mask, (list, tuple)):
        return True
    return all(np.ndim(m) == 0 and m is not None and not isinstance(m, str) for m in mask)


def plot_tile_maps(panels: Mapping[str, ArrayLike] | Sequence[ArrayLike],
                   level: int | Sequence[int], *, titles: Sequence[str] | None = None,
                   shared_scale: bool = True, vmin: float | None = None,
                   vmax: float | None = None, cmap: str | Colormap = "bone_r",
                   mask: ArrayLike | str | Sequence[ArrayLike | str | None] | None = None,
                   suptitle: str | None = None, ncols: int | None = None) -> Figure:
    """Several tile maps side by side, by default on one shared colour scale.

    Same orientation as :func:`plot_tile_map`: ``omega_x`` to the right,
    ``omega_y`` upward, in units of pi.

    Parameters
    ----------
    panels : dict or sequence of array_like
        Per-packet values, one entry per panel; dict keys are the default titles.
    level : int or sequence of int
        Decomposition level of every panel, or one level per panel.
    titles : sequence of str, optional
        Panel titles (override dict keys).
    shared_scale : bool, optional
        If True, all panels share one colour scale and one colour bar;
        otherwise every panel has its own.
    vmin, vmax : float, optional
        Fixed limits of the shared scale (default: range of the unmasked values).
    cmap : str or Colormap, optional
        Colour map, reversed bone by default.
    mask : None, "lowpass", array_like of bool, or sequence of those, optional
        Packets to hide, for every panel or one entry per panel (needed when
        the panels have different levels, unless ``"lowpass"``).
    suptitle : str, optional
        Figure title.
    ncols : int, optional
        Number of columns of the panel grid; all panels on one row by default.

    Returns
    -------
    matplotlib.figure.Figure
        New headless figure holding one axes per panel and the colour bar(s).

    Raises
    ------
    TypeError
        If a panel's values are complex or not numeric, or a panel's level is not an
        integer.
        If a mask is an array that is not boolean.
        If ``ncols`` is not an integer.
        If ``level`` is neither an integer nor a sequence (e.g. None).
    ValueError
        If ``panels`` is empty, or ``titles``, a sequence ``level`` or a per-panel
        ``mask`` does not have one entry per panel.
        If a panel's level is outside ``[0, 8]``, or the last axis of its values does not
        hold ``2 * 4**J`` packets for its level ``J``.
        If a mask is a string other than ``"lowpass"``, or an array whose shape is not
        ``(2 * 4**J,)`` for its panel's level ``J``.
        If ``ncols`` is outside ``[1, len(panels)]``.
        If ``cmap`` is neither a Colormap nor the name of a registered Matplotlib colormap.

    Examples
    --------
    >>> fig = plot_tile_maps({"J=1": np.arange(8.0), "J=2": np.ones(32)}, [1, 2],
    ...                      mask="lowpass")
    >>> [ax.get_title() for ax in fig.axes[:2]], len(fig.axes)
    (['J=1', 'J=2'], 3)
    """
    arrays, titles = _panel_list(panels, titles)
    n_panels = len(arrays)
    levels = _per_panel(level, n_panels, "level", np.isscalar)
    masks = _per_panel(mask, n_panels, "mask", _is_single_mask)
    images = [_masked_full_plane(v, j, m) for v, j, m in zip(arrays, levels, masks)]
    if shared_scale:
        lo, hi = _finite_range(*images)
        vmin, vmax = (lo if vmin is None else vmin), (hi if vmax is None else vmax)

    ncols = n_panels if ncols is None else check_int(ncols, "ncols", 1, n_panels)
    nrows = -(-n_panels // ncols)
    fig = Figure(figsize=(3.2 * ncols + 0.9, 3.0 * nrows + 0.4 * bool(suptitle)),
                 layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax in axes[n_panels:]:
        ax.remove()
    axes = axes[:n_panels]
    for ax, image, title in zip(axes, images, titles):
        im = _draw_map(ax, image, vmin=vmin, vmax=vmax, cmap=cmap, title=title,
                       colorbar=not shared_scale)
    if shared_scale:
        fig.colorbar(im, ax=list(axes), shrink=0.85)
    if suptitle is not None:
        fig.suptitle(suptitle)
    return fig


def _check_extent(extent):
    e = np.asarray(extent)
    if (e.shape != (4,) or e.dtype.kind not in "iuf" or not np.all(np.isfinite(e))
            or e[0] >= e[1] or e[2] >= e[3]):
        raise ValueError(f"extent must be 4 finite numbers (x0, x1, y0, y1) with x0 < x1 "
                         f"and y0 < y1, got {extent!r}")
    return tuple(float(v) for v in e)


def _draw_tile_grid(ax, level, extent):
    """Thin lines on the tile boundaries ``k / 2**level`` (units of pi) inside ``extent``."""
    side = 2 ** _check_level(level)
    x0, x1, y0, y1 = extent
    edges = np.arange(-side, side + 1) / side
    style = {"colors": "0.45", "linewidths": 0.5, "alpha": 0.8}
    xs = edges[(edges >= min(x0, x1)) & (edges <= max(x0, x1))]
    ys = edges[(edges >= min(y0, y1)) & (edges <= max(y0, y1))]
    ax.vlines(xs, y0, y1, **style)
    ax.hlines(ys, x0, x1, **style)


def plot_frequency_function(func_values: ArrayLike, *,
                            extent: tuple[float, float, float, float] = _FULL_EXTENT,
                            ax: Axes | None = None, vmin: float | None = None,
                            vmax: float | None = None, cmap: str | Colormap = "bone_r",
                            level: int | None = None, title: str | None = None,
                            colorbar: bool = True) -> AxesImage:
    """Draw a function sampled on a regular grid of the frequency plane.

    ``func_values[i, j]`` is the value at the ``i``-th ``omega_y`` and the
    ``j``-th ``omega_x`` (both increasing), drawn with ``omega_x`` to the
    right and ``omega_y`` upward, in units of pi.

    Parameters
    ----------
    func_values : array_like, shape (n_y, n_x)
        Real samples, e.g. ``gamma^2`` on a fine ``omega`` grid; NaN entries
        are drawn in :data:`MASK_COLOR`.
    extent : (float, float, float, float), optional
        ``(omega_x min, omega_x max, omega_y min, omega_y max)`` covered by
        the samples, in units of pi (outer edges of the sample cells).
    ax : matplotlib.axes.Axes, optional
        Where to draw; by default a new headless Figure is created.
    vmin, vmax : float, optional
        Colour scale limits.
    cmap : str or Colormap, optional
        Colour map, reversed bone by default.
    level : int, optional
        If given, overlay the tile boundaries of that level as thin lines.
    title : str, optional
        Axes title.
    colorbar : bool, optional
        Whether to add a colour bar next to the axes.

    Returns
    -------
    matplotlib.image.AxesImage
        The drawn image; its figure is ``im.figure``.

    Raises
    ------
    TypeError
        If ``func_values`` is complex or not numeric.
        If ``level`` is given and is not an integer (a bool or a float included).
    ValueError
        If ``func_values`` is not 2D.
        If ``extent`` is not 4 finite numbers ``(x0, x1, y0, y1)`` with ``x0 < x1`` and
        ``y0 < y1``.
        If ``level`` is given and outside ``[0, 8]``.
        If ``cmap`` is neither a Colormap nor the name of a registered Matplotlib colormap.

    Examples
    --------
    >>> w = np.linspace(-1, 1, 64, endpoint=False) + 1 / 64
    >>> im = plot_frequency_function(np.cos(np.pi * w)[:, None] * np.ones(64), level=2)
    >>> im.get_extent()
    [-1.0, 1.0, -1.0, 1.0]
    """
    func_values = np.asarray(func_values)
    if func_values.dtype.kind not in "biuf":
        raise TypeError(f"func_values must be a real 2D array, got dtype {func_values.dtype}")
    if func_values.ndim != 2:
        raise ValueError(f"func_values must be a real 2D array, got shape {func_values.shape}")
    extent = _check_extent(extent)
    ax = _new_axes((4.2, 3.6)) if ax is None else ax
    im = _draw_map(ax, func_values.astype(np.float64), vmin=vmin, vmax=vmax, cmap=cmap,
                   title=title, colorbar=colorbar, extent=extent, interpolation=None)
    if level is not None:
        _draw_tile_grid(ax, level, extent)
    return im


def kernel_mosaic(kernels: ArrayLike, level: int, *, part: str = "real",
                  mask: ArrayLike | str | None = None, sep: int = 1) -> np.ndarray:
    """Assemble kernels into one array laid out like the frequency tiles.

    Parameters
    ----------
    kernels : array_like, shape (2 * 4**J, K_y, K_x)
        Kernels in frequency order, spatial axes ``(y, x)``; complex or real.
    level : int
        Decomposition level ``J``.
    part : {"real", "imag", "abs"}, optional
        Which part of the kernels to show.
    mask : array_like of bool, shape (2 * 4**J,), or "lowpass", optional
        Kernels to leave blank (NaN).
    sep : int, optional
        Width of the NaN separators between kernels, in pixels.

    Returns
    -------
    ndarray, shape (2**(J+1) * (K_y + sep) - sep, 2**J * (K_x + sep) - sep)
        Kernel ``p = r * 2**J + c`` occupies rows ``r * (K_y + sep)`` to
        ``r * (K_y + sep) + K_y - 1`` and columns ``c * (K_x + sep)`` to
        ``c * (K_x + sep) + K_x - 1``, unflipped: with ``origin="lower"`` row
        ``r = 0`` (``omega_y`` near ``-pi``) is at the bottom. Each kernel is
        scaled on its own into ``[-1, 1]``: real and imaginary parts are divided
        by their largest magnitude (0 stays 0), moduli are mapped linearly from
        ``[0, max]``. Separators and masked kernels are NaN.

    Raises
    ------
    TypeError
        If ``kernels`` is not numeric (e.g. a string or object array).
        If ``level`` is not an integer (a bool or a float included).
        If ``sep`` is not an integer (a bool or a float included).
        If ``mask`` is an array that is not boolean.
    ValueError
        If ``kernels`` is not 3D with ``2 * 4**J`` kernels on its first axis.
        If ``level`` is outside ``[0, 8]`` (8 is ``dtwpt.MAX_LEVEL``).
        If ``part`` is not one of ``"abs"``, ``"imag"``, ``"real"``.
        If ``sep`` is negative or larger than ``max(K_y, K_x)``.
        If ``mask`` is a string other than ``"lowpass"``, or an array whose shape is not
        ``(2 * 4**J,)``.

    Examples
    --------
    >>> kernel_mosaic(np.ones((8, 3, 3)), 1).shape
    (15, 7)
    """
    kernels = np.asarray(kernels)
    if kernels.dtype.kind not in "biufc":
        raise TypeError(f"kernels must be a numeric array, got dtype {kernels.dtype}")
    n_packets = 2 * 4 ** _check_level(level)
    if kernels.ndim != 3 or kernels.shape[0] != n_packets:
        raise ValueError(
            f"a level-{level} transform has {n_packets} kernels: expected shape "
            f"({n_packets}, K_y, K_x), got {kernels.shape}"
        )
    parts = {"real": np.real, "imag": np.imag, "abs": np.abs}
    if part not in parts:
        raise ValueError(f"part must be one of {sorted(parts)}, got {part!r}")
    sep = check_int(sep, "sep", 0, max(kernels.shape[1:]),
                    why=" (at most the kernel size)")
    shown = parts[part](kernels).astype(np.float64)
    scale = np.abs(shown).max(axis=(1, 2), keepdims=True)
    shown = np.divide(shown, scale, out=np.zeros_like(shown), where=scale > 0)
    if part == "abs":
        shown = 2 * shown - 1
    shown[_packet_mask(mask, level)] = np.nan

    side, (ky, kx) = 2 ** level, kernels.shape[1:]
    padded = np.full((2 * side, side, ky + sep, kx + sep), np.nan)
    padded[:, :, :ky, :kx] = shown.reshape(2 * side, side, ky, kx)
    mosaic = padded.transpose(0, 2, 1, 3).reshape(2 * side * (ky + sep), side * (kx + sep))
    return mosaic[: mosaic.shape[0] - sep, : mosaic.shape[1] - sep]


def plot_kernel_gallery(kernels: ArrayLike, level: int, *, part: str = "real",
                        ax: Axes | None = None, mask: ArrayLike | str | None = None,
                        title: str | None = None) -> Figure | SubFigure:
    r"""Draw every kernel as a small gray image at its frequency tile.

    The grid has ``2**(J+1)`` rows and ``2**J`` columns: the half-plane
    ``omega_x >= 0`` with ``omega_x`` increasing to the right and ``omega_y``
    increasing upward (row 0, ``omega_y`` near ``-pi``, at the bottom), as in
    the tile maps. Each kernel is also drawn with its ``y`` axis upward, so
    its oscillation direction points towards its tile. One ``imshow`` of the
    :func:`kernel_mosaic`, each kernel on its own symmetric gray scale
    (zero is mid-gray), no ticks.

    Parameters
    ----------
    kernels : array_like, shape (2 * 4**J, K_y, K_x)
        Kernels in frequency order, spatial axes ``(y, x)``.
    level : int
        Decomposition level ``J``.
    part : {"real", "imag", "abs"}, optional
        Which part of the kernels to show.
    ax : matplotlib.axes.Axes, optional
        Where to draw; by default a new headless Figure is created.
    mask : array_like of bool, shape (2 * 4**J,), or "lowpass", optional
        Kernels to leave blank.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure
        The figure holding the axes (``ax.figure`` when ``ax`` is given).

    Raises
    ------
    TypeError
        If ``kernels`` is not numeric (e.g. a string or object array).
        If ``level`` is not an integer (a bool or a float included).
        If ``mask`` is an array that is not boolean.
    ValueError
        If ``kernels`` is not 3D with ``2 * 4**J`` kernels on its first axis.
        If ``level`` is outside ``[0, 8]`` (8 is ``dtwpt.MAX_LEVEL``).
        If ``part`` is not one of ``"abs"``, ``"imag"``, ``"real"``.
        If ``mask`` is a string other than ``"lowpass"``, or an array whose shape is not
        ``(2 * 4**J,)``.

    Examples
    --------
    >>> fig = plot_kernel_gallery(np.ones((8, 5, 5), complex), 1, part="abs")
    >>> fig.axes[0].images[0].get_array().shape
    (23, 11)
    """
    mosaic = kernel_mosaic(kernels, level, part=part, mask=mask)
    if ax is None:
        rows, cols = mosaic.shape
        ax = _new_axes((1.0 + 5.0 * cols / rows, 6.0))
    ax.imshow(mosaic, origin="lower", cmap=_colormap("gray", "white"), vmin=-1, vmax=1,
              interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel(r"$\omega_x$: $0 \to \pi$")
    ax.set_ylabel(r"$\omega_y$: $-\pi \to \pi$")
    if title is not None:
        ax.set_title(title)
    return ax.figure


def plot_measured_vs_bound(measured: ArrayLike, bound: ArrayLike, *, ax: Axes | None = None,
                           labels: tuple[str, str] = ("bound", "measured"),
                           title: str | None = None) -> Axes:
    """Scatter measured values against their bound, with the diagonal ``y = x``.

    Parameters
    ----------
    measured, bound : array_like
        Paired values of the same shape (e.g. one per packet); pairs with a
        NaN are left out.
    ax : matplotlib.axes.Axes, optional
        Where to draw; by default a new headless Figure is created.
    labels : (str, str), optional
        Labels of the horizontal (bound) and vertical (measured) axes.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.axes.Axes
        The axes; the legend gives the share of points on or below the
        diagonal (``measured <= bound``).

    Raises
    ------
    TypeError
        If ``measured`` or ``bound`` is complex or not numeric.
    ValueError
        If ``labels`` is not two strings.
        If ``measured`` and ``bound`` have different shapes.

    Examples
    --------
    >>> ax = plot_measured_vs_bound([0.1, 0.5, 0.9], [0.2, 0.4, 1.0])
    >>> ax.get_legend().get_texts()[0].get_text()
    'measured ≤ bound: 67% (2/3)'
    """
    if (not isinstance(labels, (tuple, list)) or len(labels) != 2
            or not all(isinstance(t, str) for t in labels)):
        raise ValueError(f"labels must be two strings (bound, measured), got {labels!r}")
    measured, bound = np.asarray(measured), np.asarray(bound)
    for name, a in (("measured", measured), ("bound", bound)):
        if a.dtype.kind not in "biuf":
            raise TypeError(f"{name} must be real numbers, got dtype {a.dtype}")
    measured, bound = measured.astype(float), bound.astype(float)
    if measured.shape != bound.shape:
        raise ValueError(f"measured {measured.shape} and bound {bound.shape} differ in shape")
    keep = np.isfinite(measured) & np.isfinite(bound)
    measured, bound = measured[keep], bound[keep]
    below = int(np.count_nonzero(measured <= bound))
    share = below / measured.size if measured.size else float("nan")

    ax = _new_axes((4.0, 4.0)) if ax is None else ax
    ax.scatter(bound, measured, s=12, color="0.2", alpha=0.7,
               label=f"{labels[1]} ≤ {labels[0]}: {share:.0%} ({below}/{measured.size})")
    lo, hi = _finite_range(measured, bound)
    if lo is not None:
        ax.plot([lo, hi], [lo, hi], color="tab:red", lw=1, label="$y = x$")
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    ax.set_aspect("equal", adjustable="datalim")
    ax.legend(loc="upper left", fontsize="small")
    if title is not None:
        ax.set_title(title)
    return ax


def save_figure(fig: Figure, path: str | os.PathLike, *, dpi: float = 150) -> pathlib.Path:
    """Write ``fig`` as a PNG atomically, creating parent folders.

    The image goes to a temporary file in the destination folder that is
    flushed to disk and renamed onto ``path`` (see :mod:`dtwpt._io`), so
    readers never see a partial file.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Figure to save.
    path : str or os.PathLike
        Destination file; written in PNG format whatever its suffix.
    dpi : float, optional
        Resolution in dots per inch.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    TypeError
        If ``dpi`` is not a real number (a bool included), or ``path`` is not a str or
        os.PathLike.
    ValueError
        If ``dpi`` is not finite or lies outside ``[1, 10000]``.
    OSError
        If the parent folders cannot be created or the file cannot be written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = save_figure(plot_tile_map(np.arange(8.0), 1).figure,
    ...                       pathlib.Path(tmp) / "figs" / "map.png")
    ...     out.stat().st_size > 0
    True
    """
    dpi = check_real(dpi, "dpi", 1, 10000)
    return atomic_write(path, lambda fh: fig.savefig(fh, format="png", dpi=dpi), binary=True)
