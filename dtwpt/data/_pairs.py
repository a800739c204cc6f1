"""Pairs ``(X, X')``: the translation model shared by every image source.

See :mod:`dtwpt.data` for the model (a region larger than the crop, translated
exactly for an integer shift, band-limited for a fractional one).
"""
import math
import numbers
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from dtwpt._validation import check_int

_AXES = {"y": -2, "x": -1}


@dataclass
class Batch:
    """Pairs loaded from a source.

    What :meth:`BundledPhotos.load` and :meth:`ImageFolder.load` return; each
    parameter is kept as the attribute of the same name, and ``len(batch)``
    is the number of pairs.

    Parameters
    ----------
    x : ndarray, shape (k, size, size) or (k, 3, size, size), float32
        Images ``X`` (the second form with ``color=True``: RGB, channel axis 1).
    x_shifted : ndarray, same shape as ``x``, float32
        Shifted images ``X'``.
    names : list of str
        Name of each of the ``k`` items (file path relative to the root for an
        :class:`ImageFolder`, with bytes that are not UTF-8 written as
        ``\\xNN``; ``"photo#i"`` for :class:`BundledPhotos`).
    skipped : list of (str, str)
        ``(name, reason)`` of the items that were left out.
    groups : list of str
        The photograph each pair comes from (the photo's name for
        :class:`BundledPhotos`, the file for :class:`ImageFolder`): pairs of
        one group are not independent, so uncertainties are computed over
        groups.

    Examples
    --------
    >>> import numpy as np
    >>> from dtwpt.data import BundledPhotos
    >>> batch = BundledPhotos(2, size=32).load(0, 2)
    >>> len(batch), batch.x.shape, batch.x.dtype, batch.groups
    (2, (2, 32, 32), dtype('float32'), ['astronaut', 'camera'])
    >>> bool(np.array_equal(batch.x_shifted[..., :-1], batch.x[..., 1:]))  # shifted along x
    True
    """

    x: np.ndarray
    x_shifted: np.ndarray
    names: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.names)


def fourier_shift(x: ArrayLike, shift: float, axis: int = -1) -> np.ndarray:
    """Periodic sub-pixel translation ``y[n] = x[n + shift]`` by a phase ramp.

    The signal is seen as a trigonometric polynomial of period ``N`` (the length
    of ``axis``), evaluated at ``n + shift``: the rFFT coefficient ``k`` is
    multiplied by ``exp(2 i pi k shift / N)``. For even ``N`` the Nyquist
    coefficient is multiplied by ``cos(pi shift)`` (the real part of the ramp),
    which keeps the output real. An integer ``shift`` gives exactly
    ``np.roll(x, -shift, axis)``; composing fractional shifts (e.g. two
    shifts of 0.5) equals the sum shift for signals without Nyquist content.

    Parameters
    ----------
    x : array_like
        Real array.
    shift : float
        Translation in samples; positive values move the content towards
        lower indices.
    axis : int, optional
        Axis along which to translate.

    Returns
    -------
    ndarray
        Translated array, float32 if ``x`` is float32, float64 otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.cos(2 * np.pi * np.arange(8) / 8)
    >>> np.allclose(fourier_shift(x, 1), np.roll(x, -1))
    True
    """
    x = np.asarray(x)
    n = x.shape[axis]
    ramp = np.exp(2j * np.pi * np.arange(n // 2 + 1) * shift / n)
    if n % 2 == 0:
        ramp[-1] = np.cos(np.pi * shift)
    ramp = ramp.reshape((-1,) + (1,) * (x.ndim - 1 - axis % x.ndim))
    y = np.fft.irfft(np.fft.rfft(x.astype(np.float64), axis=axis) * ramp, n=n, axis=axis)
    return y.astype(np.float32 if x.dtype == np.float32 else np.float64)


def _check_shift(shift):
    if isinstance(shift, bool) or not isinstance(shift, numbers.Real):
        raise TypeError(f"shift must be a positive finite number, got {shift!r}")
    if not (math.isfinite(shift) and shift > 0):
        raise ValueError(f"shift must be a positive finite number, got {shift!r}")
    return int(shift) if float(shift).is_integer() else float(shift)


def _region_side(size, shift):
    """Side of the region cut out of an image to make one pair."""
    return size + math.ceil(shift)


def _without_nyquist(x, axis):
    """Mirror-extend ``x`` along ``axis`` and remove the Nyquist coefficient: (spectrum, n)."""
    extended = np.concatenate([x, np.flip(x, axis)], axis=axis).astype(np.float64)
    spectrum = np.fft.rfft(extended, axis=axis)
    index = [slice(None)] * x.ndim
    index[axis] = -1  # even length: the last rFFT coefficient is the Nyquist one
    spectrum[tuple(index)] = 0
    return spectrum, extended.shape[axis]


def band_limited_pair(region: np.ndarray, shift: float,
                      axis: int) -> tuple[np.ndarray, np.ndarray]:
    """``(R, R translated by shift)`` without the Nyquist coefficient, mirror-extended.

    The model of fractional shifts (see the module documentation): the region
    is extended by its mirror image along ``axis``, its Nyquist coefficient is
    removed, and both the unshifted and the translated signal are returned at
    the region's size.

    Parameters
    ----------
    region : ndarray, float32 or float64
        Real array.
    shift : float
        Translation in samples (``out[n] = region(n + shift)``).
    axis : int
        Axis of the translation.

    Returns
    -------
    tuple of ndarray
        Same shape and dtype as ``region``.

    Examples
    --------
    >>> import numpy as np
    >>> r = np.cos(0.3 * np.arange(32))
    >>> a, b = band_limited_pair(r, 0.5, -1)
    >>> bool(np.allclose(b[4:20], np.cos(0.3 * (np.arange(4, 20) + 0.5)), atol=0.02))
    True
    """
    spectrum, n = _without_nyquist(region, axis)
    k = np.arange(spectrum.shape[axis])
    ramp = np.exp(2j * np.pi * k * shift / n).reshape((-1,) + (1,) * (-1 - axis % region.ndim
                                                                      + region.ndim))
    size = region.shape[axis]
    keep = [slice(None)] * region.ndim
    keep[axis] = slice(0, size)
    keep = tuple(keep)
    dtype = np.float32 if region.dtype == np.float32 else np.float64
    return tuple(np.fft.irfft(s, n=n, axis=axis)[keep].astype(dtype)
                 for s in (spectrum, spectrum * ramp))


def _make_pair(region, size, shift, axis):
    """``(X, X')`` from a region ``(..., side, side)``, ``side = _region_side(size, shift)``."""
    ax = _AXES[axis]
    if isinstance(shift, int):
        x = region[..., :size, :size]
        if axis == "x":
            return x, region[..., :size, shift:shift + size]
        return x, region[..., shift:shift + size, :size]
    x, moved = band_limited_pair(region, shift, ax)
    return x[..., :size, :size], moved[..., :size, :size]


def _stack(pairs, names, skipped, groups, shape):
    """Assemble a :class:`Batch` from a list of ``(X, X')`` pairs of the given shape."""
    x = np.empty((len(pairs),) + shape, np.float32)
    x_shifted = np.empty_like(x)
    for k, (a, b) in enumerate(pairs):
        x[k], x_shifted[k] = a, b
    return Batch(x, x_shifted, list(names), list(skipped), list(groups))


def _check_range(start, stop, n):
    start = check_int(start, "start", 0)
    stop = check_int(stop, "stop", start)
    return range(start, min(stop, n))
