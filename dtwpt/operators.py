"""Operators on images: luminance, RMax, CMod, Hilbert companions, Gabor filters."""
import numpy as np

__all__ = ["to_luminance"]

LUMA_WEIGHTS = (0.299, 0.587, 0.114)


def to_luminance(x, weights=LUMA_WEIGHTS, *, channel_axis=-1):
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

    Examples
    --------
    >>> import numpy as np
    >>> to_luminance(np.ones((4, 4, 3))).shape
    (4, 4)
    """
    x = np.asarray(x)
    if x.dtype.kind not in "uif":
        raise TypeError(f"to_luminance needs a real numeric array, got dtype {x.dtype}")
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 1:
        raise ValueError(f"weights must be a 1D sequence, got shape {w.shape}")
    try:
        channels = x.shape[channel_axis]
    except IndexError:
        raise ValueError(
            f"channel_axis={channel_axis} is out of range for an array of ndim {x.ndim}"
        ) from None
    if channels != w.size:
        raise ValueError(
            f"x has {channels} channels along axis {channel_axis}, "
            f"but {w.size} weights were given"
        )
    dtype = np.float32 if x.dtype == np.float32 else np.float64
    out = np.tensordot(np.moveaxis(x, channel_axis, -1).astype(dtype, copy=False),
                       w.astype(dtype), axes=([-1], [0]))
    return out.astype(dtype, copy=False)
