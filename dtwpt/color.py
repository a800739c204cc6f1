"""Image operations: colour to luminance.

The transforms and operators of dtwpt act on real single-channel images
``(..., H, W)``; convert colour images with :func:`to_luminance` first (or
transform each channel with ``axes=``).
"""
import numpy as np
from numpy.typing import ArrayLike

from ._validation import as_real_array, check_axis, check_values

__all__ = ["LUMA_WEIGHTS", "to_luminance"]

LUMA_WEIGHTS = (0.299, 0.587, 0.114)


def to_luminance(x: ArrayLike, weights: ArrayLike = LUMA_WEIGHTS, *,
                 channel_axis: int = -1) -> np.ndarray:
    """Weighted sum of colour channels, ``sum_k mu_k X_k``.

    Parameters
    ----------
    x : array_like
        Real image(s) with a channel axis of length ``len(weights)``.
    weights : sequence of float, optional
        Channel weights; the default is ITU-R BT.601 (0.299, 0.587, 0.114), the
        grayscale conversion of the paper.
    channel_axis : int, optional
        Axis holding the channels.

    Returns
    -------
    ndarray
        ``x`` with ``channel_axis`` summed out; float32 stays float32, other
        inputs become float64.

    Raises
    ------
    TypeError
        Complex, object or non-numeric ``x``; ``weights`` that are not real
        numbers; a non-integer ``channel_axis``.
    ValueError
        A 0-dimensional ``x``; ``weights`` that are not a 1D sequence of
        finite numbers; a ``channel_axis`` out of range, or whose length
        differs from ``len(weights)``; NaN, infinite or too large values in
        ``x``.

    References
    ----------
    .. [1] ITU-R Recommendation BT.601, "Studio encoding parameters of digital
       television for standard 4:3 and wide-screen 16:9 aspect ratios".

    Examples
    --------
    >>> import numpy as np
    >>> to_luminance(np.ones((4, 4, 3))).shape
    (4, 4)
    """
    x = as_real_array(x, 1, values=False)
    w = np.asarray(weights)
    if w.dtype.kind not in "biuf":
        raise TypeError(f"weights must be real numbers, got dtype {w.dtype}")
    w = w.astype(np.float64)
    if w.ndim != 1 or not np.all(np.isfinite(w)):
        raise ValueError(f"weights must be a 1D sequence of finite numbers, got {weights!r}")
    axis = check_axis(channel_axis, x.ndim, "channel_axis")
    if x.shape[axis] != w.size:
        raise ValueError(
            f"x has {x.shape[axis]} channels along axis {channel_axis}, "
            f"but {w.size} weights were given"
        )
    check_values(x, "x", max(float(np.abs(w).sum()), 1.0))
    channel_axis = axis
    dtype = np.float32 if x.dtype == np.float32 else np.float64
    out = np.tensordot(np.moveaxis(x, channel_axis, -1).astype(dtype, copy=False),
                       w.astype(dtype), axes=([-1], [0]))
    return out.astype(dtype, copy=False)
