"""Per-packet metrics of the paper's experiments.

For one image and one packet, with ``Ymod = CMod X``, ``Ymax = RMax X`` and
``'`` marking the shifted image:

- discrepancy ``rho = ||Ymod - Ymax|| / ||Ymod||`` (the figures show ``rho**2``);
- shift stability ``rho_max = ||Ymax' - Ymax|| / ||Ymod||`` and
  ``rho_mod = ||Ymod' - Ymod|| / ||Ymod||``.

Norms run over the last two (spatial) axes; where ``||Ymod|| = 0`` the ratio
is NaN. The metrics of the kernels themselves (energy concentration,
analyticity) are in :mod:`dtwpt.kernel_metrics`.

References
----------
.. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the shift
   invariance of max pooling feature maps in convolutional neural networks",
   arXiv:2209.11740, Section 5 and Table 1.
"""
import numpy as np
import pywt
from numpy.typing import ArrayLike

from . import _kernels
from ._validation import as_real_array, check_int, check_same_shape, check_values
from .filters import FilterPair
from .operators import pair_squared_norms

__all__ = [
    "discrepancy",
    "shift_stability",
    "pair_metrics",
    "shift_metrics",
]


def _norm(y):
    return np.sqrt(np.sum(np.abs(np.asarray(y)).astype(np.float64) ** 2, axis=(-2, -1)))


def _ratio(num, den):
    num, den = np.broadcast_arrays(num, den)
    out = np.full(num.shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _same_shape(arrays, names):
    """Finite numeric arrays (..., h, w) of one shape, small enough for the norms.

    Differences (up to 2 sqrt 2 times the largest magnitude) are taken in the
    arrays' dtype, and their ``h w`` squares summed in float64.
    """
    arrays = [np.asarray(a) for a in arrays]
    for a, name in zip(arrays, names):
        if a.dtype.kind not in "biufc":
            raise TypeError(f"{name} must be a numeric array, got dtype {a.dtype}")
    shape = check_same_shape(arrays, names)
    if len(shape) < 2:
        raise ValueError(f"{' and '.join(names)} must be (..., h, w), got shape {shape}")
    limit = np.sqrt(np.finfo(np.float64).max / (8 * max(1, shape[-2] * shape[-1])))
    for a, name in zip(arrays, names):
        if a.dtype.kind in "fc":
            for part in (a.real, a.imag) if a.dtype.kind == "c" else (a,):
                check_values(part, name, 3.0, limit=limit / 3)
    return arrays


def discrepancy(ymax: ArrayLike, ymod: ArrayLike) -> np.ndarray:
    """``rho = ||Ymod - Ymax|| / ||Ymod||`` over the last two axes.

    Parameters
    ----------
    ymax, ymod : array_like, shape (..., h, w)
        RMax and CMod outputs (e.g. from :func:`dtwpt.rmax_cmod`).

    Returns
    -------
    ndarray, shape (...)
        The discrepancy ``rho`` of each map, float64; NaN where ``Ymod`` is
        zero.

    Raises
    ------
    TypeError
        If ``ymax`` or ``ymod`` is not a numeric array (object or string dtype).
    ValueError
        If ``ymax`` and ``ymod`` do not have one shape, have fewer than 2
        dimensions, or hold NaN, infinite or floating values too large for the
        float64 sums of squares (about ``1.6e153 / sqrt(h w)`` in magnitude).

    References
    ----------
    .. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the shift
       invariance of max pooling feature maps in convolutional neural networks",
       arXiv:2209.11740, Section 5 and Table 1.

    Examples
    --------
    >>> import numpy as np
    >>> float(discrepancy(np.zeros((2, 2)), np.ones((2, 2))))
    1.0
    """
    ymax, ymod = _same_shape((ymax, ymod), ("ymax", "ymod"))
    return _ratio(_norm(np.subtract(ymod, ymax)), _norm(ymod))


def shift_stability(y: ArrayLike, y_shifted: ArrayLike, ymod: ArrayLike) -> np.ndarray:
    """``||Y' - Y|| / ||Ymod||``: ``rho_max`` for RMax outputs, ``rho_mod`` for CMod.

    Parameters
    ----------
    y, y_shifted : array_like, shape (..., h, w)
        Outputs for the image and its shifted copy.
    ymod : array_like, shape (..., h, w)
        CMod output of the unshifted image (the normaliser).

    Returns
    -------
    ndarray, shape (...)
        The instability ``rho_max`` or ``rho_mod`` of each map, float64; NaN
        where ``Ymod`` is zero.

    Raises
    ------
    TypeError
        If ``y``, ``y_shifted`` or ``ymod`` is not a numeric array (object or string dtype).
    ValueError
        If ``y``, ``y_shifted`` and ``ymod`` do not have one shape, have fewer than 2
        dimensions, or hold NaN, infinite or floating values too large for the
        float64 sums of squares (about ``1.6e153 / sqrt(h w)`` in magnitude).

    References
    ----------
    .. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the shift
       invariance of max pooling feature maps in convolutional neural networks",
       arXiv:2209.11740, Section 5 and Table 1.

    Examples
    --------
    >>> import numpy as np
    >>> float(shift_stability(np.ones((2, 2)), np.ones((2, 2)), np.ones((2, 2))))
    0.0
    """
    y, y_shifted, ymod = _same_shape((y, y_shifted, ymod), ("y", "y_shifted", "ymod"))
    return _ratio(_norm(np.subtract(y_shifted, y)), _norm(ymod))


def pair_metrics(ymax: np.ndarray, ymod: np.ndarray, n: int) -> np.ndarray:
    """``rho^2``, ``rho_max`` and ``rho_mod`` of ``n`` pairs, per packet, in one pass.

    Equivalent to :func:`discrepancy` (squared) and :func:`shift_stability`
    on the RMax and CMod outputs of the pairs, fused and accumulated in
    float64: the hot path of ``python -m dtwpt.experiments``.

    Parameters
    ----------
    ymax, ymod : ndarray, shape (2n, P, h, w)
        RMax and CMod of the images X (first ``n``) then of X': real
        arrays of one shape (float32 stays float32, others become float64).
    n : int
        Number of pairs: half the length of ``ymax``.

    Returns
    -------
    ndarray, shape (3, n, P)
        ``rho^2``, ``rho_max``, ``rho_mod``; NaN where ``Ymod`` is zero.

    Raises
    ------
    TypeError
        If ``ymax`` or ``ymod`` is complex or not numeric, or ``n`` is not an
        integer (a bool or a float included).
    ValueError
        If ``ymax`` or ``ymod`` is not 4-dimensional, their shapes differ, or
        they hold NaN, infinite or values too large for the float64 sums of
        squares; or ``n`` is negative or not half their length.

    References
    ----------
    .. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the shift
       invariance of max pooling feature maps in convolutional neural networks",
       arXiv:2209.11740, Section 5 and Table 1.

    Examples
    --------
    >>> import numpy as np
    >>> from dtwpt import rmax_cmod
    >>> x = np.random.default_rng(0).standard_normal((4, 16, 16)).astype(np.float32)
    >>> pair_metrics(*rmax_cmod(x, 1), 2).shape
    (3, 2, 8)
    """
    ymax = as_real_array(ymax, 4, "ymax", values=False)
    ymod = as_real_array(ymod, 4, "ymod", values=False)
    check_same_shape((ymax, ymod), ("ymax", "ymod"))
    if ymax.ndim != 4:
        raise ValueError(f"ymax and ymod must have shape (2n, P, h, w), got {ymax.shape}")
    # float64 sums of h w squares of differences (up to twice the largest value)
    limit = np.sqrt(np.finfo(np.float64).max / (4 * max(1, ymax.shape[2] * ymax.shape[3])))
    check_values(ymax, "ymax", limit=limit)
    check_values(ymod, "ymod", limit=limit)
    if ymax.dtype != ymod.dtype:
        ymax, ymod = ymax.astype(np.float64), ymod.astype(np.float64)
    n = check_int(n, "n", 0)
    if 2 * n != len(ymax):
        raise ValueError(f"n must be half the number of images in ymax and ymod "
                         f"({len(ymax)}), got {n}")
    norms = _kernels.output_pair_norms(np.ascontiguousarray(ymax), np.ascontiguousarray(ymod), n)
    return _metrics_from_norms(np.moveaxis(norms, -1, 0))


def shift_metrics(x: ArrayLike, x_shifted: ArrayLike, level: int, *,
                  wavelet: str | ArrayLike = "qshift_a",
                  packet_wavelet: str | pywt.Wavelet | FilterPair | None = None,
                  mode: str = "periodization", q: int = 1,
                  axes: tuple[int, int] | None = None) -> np.ndarray:
    """``rho^2``, ``rho_max`` and ``rho_mod`` of image pairs, straight from the images.

    The same numbers as ``pair_metrics(*rmax_cmod(concatenate([x, x_shifted]),
    level, ...), n)``, but RMax and CMod of a pair only live in a per-thread
    buffer (:func:`dtwpt.operators.pair_squared_norms`): nothing of size
    ``P x h x w`` per image is allocated, which is what lets the experiments
    stream large image sets quickly.

    Parameters
    ----------
    x, x_shifted : array_like, shape (..., H, W)
        The images X and X' of each pair, as in :func:`dtwpt.pair_squared_norms`.
    level : int
        Decomposition level J in [1, 8], as in :func:`dtwpt.rmax_cmod`.
    wavelet : str or array_like, keyword-only
        Q-shift family name or low-pass, as in :func:`dtwpt.dtcwpt2`.
    packet_wavelet : None, str, pywt.Wavelet or FilterPair, keyword-only
        Packet-stage pair, as in :func:`dtwpt.dtcwpt2`.
    mode : {"periodization", "symmetric"}, keyword-only
        Boundary handling, as in :func:`dtwpt.dtcwpt2`.
    q : int, keyword-only
        Max-pooling half-width of RMax, as in :func:`dtwpt.rmax_cmod`.
    axes : (int, int) or None, keyword-only
        The image axes, as in :func:`dtwpt.dtcwpt2`.

    Returns
    -------
    ndarray, shape (3, ..., P)
        ``rho^2``, ``rho_max``, ``rho_mod`` per pair and packet; NaN where
        ``Ymod`` is zero.

    Raises
    ------
    TypeError
        As in :func:`dtwpt.pair_squared_norms`: complex, object or non-numeric
        ``x`` or ``x_shifted``; otherwise as :func:`dtwpt.rmax_cmod` (a
        non-integer ``level`` or ``q``, a bad ``wavelet``, ``packet_wavelet`` or
        ``axes`` type...).
    ValueError
        As in :func:`dtwpt.pair_squared_norms`: ``x`` and ``x_shifted`` of
        different shapes or fewer than 2 dimensions, NaN, infinite or too large
        values; otherwise as :func:`dtwpt.rmax_cmod` (``level`` out of range,
        image sides not a multiple of ``2**level`` in periodization mode, an
        unknown ``mode`` or wavelet, bad ``axes``...).

    References
    ----------
    .. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the shift
       invariance of max pooling feature maps in convolutional neural networks",
       arXiv:2209.11740, Section 5 and Table 1.

    Examples
    --------
    >>> import numpy as np
    >>> from dtwpt import rmax_cmod
    >>> region = np.random.default_rng(0).standard_normal((3, 32, 33))
    >>> x, xs = region[..., :32], region[..., 1:]
    >>> values = shift_metrics(x, xs, 2)
    >>> values.shape
    (3, 3, 32)
    >>> bool(np.allclose(values, pair_metrics(*rmax_cmod(np.concatenate([x, xs]), 2), 3)))
    True
    """
    return _metrics_from_norms(pair_squared_norms(
        x, x_shifted, level, wavelet=wavelet, packet_wavelet=packet_wavelet, mode=mode, q=q,
        axes=axes))


def _metrics_from_norms(norms):
    """``(rho^2, rho_max, rho_mod)`` from the ``(4, ...)`` squared norms of
    :func:`dtwpt.pair_squared_norms`: the ratios of the last three to the first."""
    mod2 = norms[:1]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(mod2 > 0, norms[1:] / mod2, np.nan)
    return np.stack([ratios[0], np.sqrt(ratios[1]), np.sqrt(ratios[2])])
