"""Per-chunk computation of the anti-aliasing experiment and its aggregation.

For every pair ``(X, X')`` of the source, every level ``J`` (``m = 2**(J-1)``),
every packet and every operator of :data:`dtwpt.antialiasing.OPERATORS`
(:func:`dtwpt.antialiasing.pool_all` on the undecimated packets of
:func:`dtwpt.dtcwpt2`), the measures of :mod:`dtwpt.antialiasing.measures`:

- what the operator keeps of ``X``'s packet: ``kept_energy`` and
  ``recovery`` (envelope recovery ``r**2``);
- its instability ``||Y' - Y|| / ||Y||`` and aligned instability (up to an
  output translation of at most one sample) for three kinds of second image:

  * ``crop``: the source's ``X'`` (a region shifted by ``u``, new content
    entering at the border, see :mod:`dtwpt.data`);
  * ``roll``: ``X`` translated circularly by ``u`` (``np.roll(X, -u, axis)``
    for a whole ``u``, the periodic band-limited translation
    :func:`dtwpt.data.fourier_shift` otherwise): the same shift without new
    content;
  * ``roll_m``: ``np.roll(X, -m, axis)``, the circular shift by one sample of
    the stride-``m`` grid, under which APS is exactly invariant up to its
    polyphase offset.

A chunk is reduced to per-packet sums, sums of squares, counts and maxima
over its pairs, plus, for each pair, the mean of every measure over a few
groups of tiles (:data:`TILE_GROUPS`) and the photograph the pair comes from:
the per-pair values from which the report's intervals are computed, over
photographs.
"""
import numpy as np

from dtwpt import dtcwpt2, tree
from dtwpt.antialiasing import (
    OPERATORS,
    envelope_recovery,
    instability,
    kept_energy,
    pool_all,
)
from dtwpt.data import fourier_shift
from dtwpt.experiments.shift.verdicts import pathological_tiles

__all__ = ["KINDS", "MEASURES", "TILE_GROUPS", "PAIRS_PER_BATCH", "tile_groups",
           "second_images", "pair_values", "chunk_sums", "aggregate"]

#: Kinds of second image.
KINDS = ("crop", "roll", "roll_m")
#: Measures, in the order of the arrays' measure axis.
MEASURES = ("kept_energy", "recovery") + tuple(
    f"{name}_{kind}" for kind in KINDS for name in ("instability", "aligned"))
#: Groups of tiles whose per-pair means are kept for the intervals over photographs.
TILE_GROUPS = ("band", "pathological", "ordinary", "stable", "moving")
#: Pairs transformed together (bounds the memory of a batch).
PAIRS_PER_BATCH = 4

_AXES = {"y": -2, "x": -1}


def tile_groups(level, axis):
    """Boolean masks of :data:`TILE_GROUPS` over the packets of one level.

    ``band``: every packet but the two low-pass ones; ``pathological``: the
    band-pass tiles with a corner on ``(2 pi / m) Z^2``
    (:func:`dtwpt.experiments.shift.verdicts.pathological_tiles`), ``ordinary``
    the other band-pass tiles; ``stable``: band-pass tiles whose frequency
    along the shift is below ``pi / 2**J`` in absolute value (a shift along
    that axis barely moves their phase), ``moving`` the others.

    Parameters
    ----------
    level : int
        Decomposition level ``J``; ``P = 2 * 4**J`` packets.
    axis : {"x", "y"}
        Direction of the shift.

    Returns
    -------
    ndarray of bool, shape (len(TILE_GROUPS), P)
        One mask per group, in the order of :data:`TILE_GROUPS`.

    Examples
    --------
    >>> groups = tile_groups(2, "x")
    >>> groups.shape
    (5, 32)
    >>> dict(zip(TILE_GROUPS, groups.sum(axis=1).tolist()))
    {'band': 30, 'pathological': 6, 'ordinary': 24, 'stable': 6, 'moving': 24}
    """
    band = ~tree.lowpass_mask(level)
    patho = pathological_tiles(level) & band
    theta = tree.tile_centres(level)[:, 0 if axis == "y" else 1]
    stable = band & (np.abs(theta) < np.pi / 2 ** level)
    return np.stack([band, patho, band & ~patho, stable, band & ~stable])


def second_images(x, x_crop, level, shift, axis):
    """``X'`` of every kind of :data:`KINDS`, stacked.

    Parameters
    ----------
    x, x_crop : ndarray, shape (n, H, W)
        The images ``X`` and the source's ``X'`` (kind ``crop``).
    level : int
        Decomposition level ``J``: kind ``roll_m`` shifts by ``m = 2**(J-1)``.
    shift : float
        ``u`` of kind ``roll``: ``np.roll`` for a whole number, otherwise the
        periodic band-limited translation :func:`dtwpt.data.fourier_shift`.
    axis : {"x", "y"}
        Direction of the shifts.

    Returns
    -------
    ndarray, shape (len(KINDS), n, H, W)
        ``x_crop``, ``X`` rolled by ``u`` and ``X`` rolled by ``m``.

    Examples
    --------
    >>> x = np.arange(16.0).reshape(1, 4, 4)
    >>> second = second_images(x, x + 100, 2, 1, "x")
    >>> second.shape
    (3, 1, 4, 4)
    >>> second[:, 0, 0]
    array([[100., 101., 102., 103.],
           [  1.,   2.,   3.,   0.],
           [  2.,   3.,   0.,   1.]])
    """
    ax = _AXES[axis]
    if float(shift).is_integer():
        rolled = np.roll(x, -int(shift), axis=ax)
    else:
        rolled = fourier_shift(x, shift, axis=ax % x.ndim)
    return np.stack([x_crop, rolled, np.roll(x, -2 ** (level - 1), axis=ax)])


def pair_values(x, x_crop, level, *, shift, axis, wavelet="qshift_a", q=1, blur_size=3):
    """Every measure of every pair, operator and packet at one level.

    Parameters
    ----------
    x, x_crop : ndarray, shape (n, H, W)
        The images X and the source's X' (kind ``crop``).
    level : int
        J.
    shift : float
        ``u``, for the kind ``roll``.
    axis : {"x", "y"}
        Direction of the shifts.
    wavelet : str
        Q-shift family.
    q : int
        Max-pooling half-width.
    blur_size : {3, 5}
        Binomial blur taps.

    Returns
    -------
    ndarray, shape (n, len(MEASURES), len(OPERATORS), P), float64
        NaN where a ratio's denominator is zero.

    Examples
    --------
    >>> from dtwpt.data import BundledPhotos
    >>> batch = BundledPhotos(2, size=32).load(0, 2)
    >>> values = pair_values(batch.x, batch.x_shifted, 1, shift=1, axis="x")
    >>> values.shape
    (2, 8, 5, 8)
    >>> aps, cmod = OPERATORS.index("aps"), OPERATORS.index("cmod")
    >>> k = MEASURES.index("aligned_roll_m")  # APS is invariant to rolls by m
    >>> bool(np.nanmax(values[:, k, aps]) < 1e-4 < np.nanmax(values[:, k, cmod]))
    True
    """
    n = len(x)
    images = np.concatenate([x[None], second_images(x, x_crop, level, shift, axis)])
    z = dtcwpt2(images.reshape((-1,) + x.shape[1:]), level, wavelet=wavelet,
                decimated=False).coeffs
    z = z.reshape((len(KINDS) + 1, n) + z.shape[1:])
    outputs, phase = pool_all(z, q=q, blur_size=blur_size, return_phase=True)
    values = np.empty((n, len(MEASURES), len(OPERATORS), z.shape[2]))
    for o, name in enumerate(OPERATORS):
        y = outputs[name]
        values[:, 0, o] = kept_energy(y[0], z[0])
        values[:, 1, o] = envelope_recovery(y[0], z[0],
                                            offset=phase[0] if name == "aps" else None)
        for k in range(len(KINDS)):
            values[:, 2 + 2 * k, o] = instability(y[0], y[k + 1])
            values[:, 3 + 2 * k, o] = instability(y[0], y[k + 1], aligned=True)
    return values


def _tile_means(values, groups):
    """Mean over each group's tiles, ignoring NaN: (n, M, O, P) -> (n, M, O, G)."""
    out = np.full(values.shape[:-1] + (len(groups),), np.nan)
    for g, mask in enumerate(groups):
        chosen = values[..., mask]
        count = np.isfinite(chosen).sum(axis=-1)
        total = np.where(np.isfinite(chosen), chosen, 0.0).sum(axis=-1)
        np.divide(total, count, out=out[..., g], where=count > 0)
    return out


def chunk_sums(batch, *, levels, wavelet, q, blur_size, shift, axis):
    """Reduce a batch of pairs: the result saved for one chunk.

    Parameters
    ----------
    batch : dtwpt.data.Batch
        Pairs (float32).
    levels : sequence of int
        Decomposition levels ``J``.
    wavelet : str
        Q-shift family.
    q : int
        Max-pooling half-width.
    blur_size : {3, 5}
        Binomial blur taps.
    shift : float
        ``u``, for the kind ``roll``.
    axis : {"x", "y"}
        Direction of the shifts.

    Returns
    -------
    dict of ndarray
        ``n_pairs``, ``skipped_names``, ``skipped_reasons``, ``photos`` (the
        photograph of each pair, ``Batch.groups``); per level J,
        ``sum_J<J>``, ``sumsq_J<J>``, ``max_J<J>`` (NaN-free values only) and
        ``count_J<J>``, each of shape (len(MEASURES), len(OPERATORS), P), and
        ``tile_means_J<J>`` of shape (n, len(MEASURES), len(OPERATORS),
        len(TILE_GROUPS)).

    Examples
    --------
    >>> from dtwpt.data import BundledPhotos
    >>> sums = chunk_sums(BundledPhotos(2, size=32).load(0, 2), levels=[2],
    ...                   wavelet="qshift_a", q=1, blur_size=3, shift=1, axis="x")
    >>> sums["sum_J2"].shape, sums["tile_means_J2"].shape
    ((8, 5, 32), (2, 8, 5, 5))
    """
    n = len(batch)
    result = {"n_pairs": np.int64(n),
              "skipped_names": np.array([name for name, _ in batch.skipped], dtype=str),
              "skipped_reasons": np.array([why for _, why in batch.skipped], dtype=str),
              "photos": np.array(batch.groups, dtype=str)}
    for level in levels:
        P = 2 * 4 ** level
        values = np.empty((n, len(MEASURES), len(OPERATORS), P))
        for start in range(0, n, PAIRS_PER_BATCH):
            part = slice(start, start + PAIRS_PER_BATCH)
            values[part] = pair_values(batch.x[part], batch.x_shifted[part], level, shift=shift,
                                       axis=axis, wavelet=wavelet, q=q, blur_size=blur_size)
        valid = np.isfinite(values)
        clean = np.where(valid, values, 0.0)
        result[f"sum_J{level}"] = clean.sum(axis=0)
        result[f"sumsq_J{level}"] = (clean * clean).sum(axis=0)
        result[f"count_J{level}"] = valid.sum(axis=0).astype(np.int64)
        result[f"max_J{level}"] = np.where(valid, values, -np.inf).max(axis=0, initial=-np.inf)
        result[f"tile_means_J{level}"] = _tile_means(values, tile_groups(level, axis))
    return result


def aggregate(chunks, levels):
    """Per-packet statistics and per-pair group means of the whole run.

    Parameters
    ----------
    chunks : list of dict
        :func:`chunk_sums` results in index order.
    levels : sequence of int
        Levels ``J`` the chunks were computed at.

    Returns
    -------
    dict
        ``n_pairs``, ``skipped`` (list of (name, reason)), ``photos`` (n_pairs,)
        and, per level J, a dict with ``mean``, ``std`` (population, over
        pairs), ``max`` and ``count`` of shape (len(MEASURES), len(OPERATORS),
        P), ``tile_means`` of shape (n_pairs, len(MEASURES), len(OPERATORS),
        len(TILE_GROUPS)) and ``photos``.

    Examples
    --------
    >>> from dtwpt.data import BundledPhotos
    >>> source = BundledPhotos(4, size=32)
    >>> chunks = [chunk_sums(source.load(i, i + 2), levels=[1], wavelet="qshift_a", q=1,
    ...                      blur_size=3, shift=1, axis="x") for i in (0, 2)]
    >>> totals = aggregate(chunks, [1])
    >>> totals["n_pairs"], totals["photos"].tolist()
    (4, ['astronaut', 'camera', 'chelsea', 'coffee'])
    >>> totals[1]["mean"].shape, totals[1]["tile_means"].shape
    ((8, 5, 8), (4, 8, 5, 5))
    """
    totals = {"n_pairs": sum(int(c["n_pairs"]) for c in chunks),
              "skipped": [(str(name), str(why)) for c in chunks
                          for name, why in zip(c["skipped_names"], c["skipped_reasons"])],
              "photos": np.concatenate([c["photos"] for c in chunks]) if chunks else
              np.array([], dtype=str)}
    for level in levels:
        sums = sumsq = count = 0
        peak = -np.inf
        for c in chunks:  # a fixed order keeps the float sums reproducible
            sums = sums + c[f"sum_J{level}"]
            sumsq = sumsq + c[f"sumsq_J{level}"]
            count = count + c[f"count_J{level}"]
            peak = np.maximum(peak, c[f"max_J{level}"])
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = sums / count
            std = np.sqrt(np.maximum(sumsq / count - mean * mean, 0.0))
        totals[level] = {"mean": mean, "std": std, "count": count,
                         "max": np.where(count > 0, peak, np.nan), "photos": totals["photos"],
                         "tile_means": np.concatenate([c[f"tile_means_J{level}"] for c in chunks])}
    return totals
