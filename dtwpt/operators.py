"""Packet operators: RMax and CMod of every DT-CWPT packet, and the packet kernels.

With ``m = 2**(J-1)`` and a packet's complex kernel ``W`` (periodic
cross-correlation, input-frequency ``theta``, as in :mod:`dtwpt.transform`):

- ``RMax X = MaxPool_q((X * Re W) down m)``, ``MaxPool_q(Y)[n] = max_{|p|_inf <= q} Y[2n + p]``,
  the window **centred on 2n**, stride 2, periodic at the border;
- ``CMod X = |(X * W) down 2m|``.

Output ``n`` of both sits at input position ``2**J * n``. The same operators
with any kernels are in :mod:`dtwpt.convolution`.

References
----------
.. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the shift
   invariance of max pooling feature maps in convolutional neural networks",
   arXiv:2209.11740.
"""
import numpy as np
import pywt
from numpy.typing import ArrayLike

from . import _kernels, _outputs, _plan, tree
from ._validation import (
    as_real_array,
    check_int,
    check_level,
    check_out,
    check_same_shape,
    check_values,
)
from .filters import FilterPair
from .transform import dtcwpt2

MAX_KERNEL_BYTES = 4 * 2 ** 30
"""Largest output :func:`packet_kernels` builds, in bytes."""

__all__ = [
    "rmax_cmod",
    "pair_squared_norms",
    "rmax",
    "cmod",
    "packet_kernels",
]


def rmax_cmod(x: ArrayLike, level: int, *, wavelet: str | ArrayLike = "qshift_a",
              packet_wavelet: str | pywt.Wavelet | FilterPair | None = None,
              mode: str = "periodization",
              q: int = 1, axes: tuple[int, int] | None = None,
              out: tuple[np.ndarray, np.ndarray] | None = None
              ) -> tuple[np.ndarray, np.ndarray]:
    """RMax and CMod of every DT-CWPT packet, sharing one pass over the trees.

    Only the real trees are kept with the last stage undecimated where RMax
    needs them; the undecimated complex transform is never formed.

    Parameters
    ----------
    x : array_like, shape (..., H, W)
        Real image(s); float32 stays float32. Values must be finite and at
        most ``sqrt(finfo(dtype).max / 2) / G`` in magnitude (``G`` as in
        :func:`dtwpt.dtcwpt2`), so that the modulus cannot overflow.
    level : int
        J in [1, 8]; RMax subsamples by ``m = 2**(J-1)``.
    wavelet, packet_wavelet, mode : keyword-only
        As in :func:`dtwpt.dtcwpt2` (the max-pooling window wraps with the
        same extension as the transform).
    q : int, keyword-only
        Pooling half-width: a ``(2q+1) x (2q+1)`` window, ``q`` from 0 to the
        larger side of the pooled map (``max(H, W) / 2**(J-1)`` after the
        extension); a wider window would add nothing.
    axes : tuple of int, keyword-only
        As in :func:`dtwpt.dtcwpt2` (a colour-looking image needs ``axes``).
    out : tuple of two ndarray, keyword-only
        ``(ymax, ymod)`` arrays to write into (writeable, C-contiguous, of the
        result's shape and real dtype), returned; either may be None, for an
        array as without ``out`` (see :func:`dtwpt.dtcwpt2`).

    Returns
    -------
    ymax : ndarray, shape (..., P, H/2**J, W/2**J)
        RMax of every packet: real, packets in the frequency order of
        :func:`dtwpt.dtcwpt2`; ``...`` are the axes not transformed, in order.
    ymod : ndarray, shape (..., P, H/2**J, W/2**J)
        CMod of every packet, in the same layout.

    Raises
    ------
    TypeError
        As :func:`dtwpt.dtcwpt2` for ``x``, ``level``, ``wavelet``,
        ``packet_wavelet`` and ``axes``; a non-integer ``q``; an ``out`` that
        is not a tuple of two arrays, or holds something other than ndarrays.
    ValueError
        As :func:`dtwpt.dtcwpt2` for ``x``, ``level``, ``wavelet``,
        ``packet_wavelet``, ``mode`` and ``axes``, with the tighter bound on
        the values above; ``q`` < 0 or wider than the pooled map; an ``out``
        array of the wrong shape or dtype, not writeable and C-contiguous,
        sharing memory with ``x`` or with the other ``out`` array.

    See Also
    --------
    rmax, cmod : Each operator alone.
    pair_squared_norms : The norms of the shift metrics, without the maps.

    References
    ----------
    .. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the shift
       invariance of max pooling feature maps in convolutional neural
       networks", arXiv:2209.11740.
    .. [2] I. Bayram, I. W. Selesnick, "On the dual-tree complex wavelet packet
       and M-band transforms", IEEE Trans. Signal Process. 56(6), 2008.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).standard_normal((32, 32))
    >>> ymax, ymod = rmax_cmod(x, 2)
    >>> ymax.shape, ymod.shape
    ((32, 8, 8), (32, 8, 8))
    >>> bool(np.allclose(ymod, np.abs(dtcwpt2(x, 2).coeffs)))
    True
    """
    if out is not None and (not isinstance(out, tuple) or len(out) != 2):
        raise TypeError("out must be a tuple (ymax, ymod) of two arrays, got "
                        f"{type(out).__name__}")
    return _pooled_maps(x, level, wavelet, packet_wavelet, mode, q, axes,
                        out or (None, None), ("out[0]", "out[1]"), func="rmax_cmod")


def _pooled_maps(x, level, wavelet, packet_wavelet, mode, q, axes, out, names, *, func):
    """RMax and CMod of ``x`` written into ``out = (ymax, ymod)``, each an
    array the caller gives (checked under its name in ``names``) or None for
    an array of the output pool; returns both."""
    plan, batch, lead, q = _prepare_pooled(x, level, wavelet, packet_wavelet, mode, q, axes,
                                           func=func)
    level = plan.level
    B, H, W = batch.shape
    P = plan.layout.iv.size
    shape = (B, P, H >> level, W >> level)
    for array, name in zip(out, names):
        if array is not None:
            check_out(array, lead + shape[1:], batch.dtype, name, inputs=(x,))
    if all(array is not None for array in out) and np.shares_memory(*out):
        raise ValueError(f"{names[0]} and {names[1]} must not share memory")
    out = tuple(_outputs.empty(lead + shape[1:], batch.dtype) if array is None else array
                for array in out)
    ymax, ymod = (array.reshape(shape) for array in out)
    lay = plan.layout
    geo, scratch = _rmax_scratch(batch, plan, q)
    _kernels.rmax_cmod_batch(batch, ymax, ymod, plan.types, *plan.bank(batch.dtype), level, q,
                             lay.iv, lay.ih, lay.sign.astype(batch.dtype), scratch, geo)
    return out


def _prepare_pooled(x, level, wavelet, packet_wavelet, mode, q, axes, *, func, name="x",
                    pairs=False):
    """:func:`dtwpt._plan.prepare_2d` for RMax/CMod: ``(plan, batch, lead, q)``.

    CMod is ``sqrt(re**2 + im**2)`` in the input's dtype, so the input must stay
    within ``sqrt(finfo.max / 2) / gain``; with ``pairs`` the float64 squared
    norms add ``4 h w`` squares of differences up to twice the largest output.
    ``q`` may reach the side of the pooled (stride ``2**(level-1)``) map: a wider
    window adds nothing.
    """
    check_int(q, "q", 0)
    plan, batch, _, _, lead, _ = _plan.prepare_2d(x, level, wavelet, packet_wavelet, mode,
                                                  axes=axes, values=False, func=func)
    g = _plan.gain(wavelet, packet_wavelet, plan.level)
    limit = np.sqrt(np.finfo(batch.dtype).max / 2)
    if pairs:
        terms = 16 * (batch.shape[-2] >> plan.level) * (batch.shape[-1] >> plan.level)
        limit = min(limit, np.sqrt(np.finfo(np.float64).max / terms))
    check_values(batch, name, g, limit=limit / g)
    side = max(batch.shape[-2:]) >> (plan.level - 1)
    q = check_int(q, "q", 0, side, why=f" (the pooled map is at most {side} wide)")
    return plan, batch, lead, q


def _rmax_scratch(batch, plan, q, planes=0):
    """Geometry and per-thread scratch of the RMax/CMod kernels, plus ``planes``
    output planes (no bands then: the planes hold whole images)."""
    B, H, W = batch.shape
    geo = _kernels.rmax_geometry(B, H, W, plan.level, batch.itemsize, q,
                                 plan.bank(batch.dtype), plan.types, bands=planes == 0)
    extra = planes * 2 * 4 ** plan.level * (H >> plan.level) * (W >> plan.level)
    rows = _kernels.scratch_rows(B, geo, own_bands=False)
    return geo, _plan.scratch(rows, _kernels.rmax_row_size(geo, q, extra), batch.dtype)


def pair_squared_norms(x: ArrayLike, x_shifted: ArrayLike, level: int, *,
                       wavelet: str | ArrayLike = "qshift_a",
                       packet_wavelet: str | pywt.Wavelet | FilterPair | None = None,
                       mode: str = "periodization", q: int = 1,
                       axes: tuple[int, int] | None = None) -> np.ndarray:
    """Squared norms behind the shift metrics of image pairs, without storing RMax or CMod.

    Parameters
    ----------
    x, x_shifted : array_like, shape (..., H, W)
        The images X and X' of each pair: real arrays of the same shape.
        Values as in :func:`rmax_cmod`, and small enough that the float64
        sums of ``16 h w`` squared outputs cannot overflow.
    level : int
        As in :func:`rmax_cmod`.
    wavelet, packet_wavelet, mode, q, axes : keyword-only
        As in :func:`rmax_cmod`.

    Returns
    -------
    ndarray, shape (4, ..., P), float64
        Per pair and packet: ``||Ymod||^2``, ``||Ymod - Ymax||^2``,
        ``||Ymax' - Ymax||^2`` and ``||Ymod' - Ymod||^2``, with
        ``Ymax, Ymod = rmax_cmod(X)`` and ``'`` for X'. The quantity comes
        first, as in the ``(3, ..., P)`` ratios of
        :func:`dtwpt.metrics.shift_metrics` and
        :func:`dtwpt.metrics.pair_metrics` built on them.

    Raises
    ------
    TypeError
        Complex, object or non-numeric ``x`` or ``x_shifted``; otherwise as
        :func:`rmax_cmod` (without ``out``).
    ValueError
        ``x_shifted`` of fewer than 2 dimensions, or ``x`` and ``x_shifted``
        of different shapes; values of either beyond the bound above;
        otherwise as :func:`rmax_cmod` (without ``out``).

    See Also
    --------
    dtwpt.metrics.shift_metrics : The ratios of the paper built on these.

    References
    ----------
    .. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the shift
       invariance of max pooling feature maps in convolutional neural
       networks", arXiv:2209.11740.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).standard_normal((2, 33, 32))
    >>> norms = pair_squared_norms(x[:, :32], x[:, 1:], 2)
    >>> norms.shape
    (4, 2, 32)
    >>> ymax, ymod = rmax_cmod(x[:, :32], 2)
    >>> bool(np.allclose(norms[0], (ymod ** 2).sum(axis=(-2, -1))))
    True
    """
    xs = as_real_array(x_shifted, 2, "x_shifted", values=False)
    check_same_shape((x, xs), ("x", "x_shifted"))
    plan, batch, lead, q = _prepare_pooled(x, level, wavelet, packet_wavelet, mode, q, axes,
                                           func="pair_squared_norms", pairs=True)
    shifted = _prepare_pooled(xs.astype(batch.dtype, copy=False), level, wavelet,
                              packet_wavelet, mode, q, axes, func="pair_squared_norms",
                              name="x_shifted", pairs=True)[1]
    lay = plan.layout
    geo, scratch = _rmax_scratch(batch, plan, q, planes=4)
    norms = _kernels.pair_norms_batch(batch, shifted, plan.types, *plan.bank(batch.dtype),
                                      plan.level, q, lay.iv, lay.ih, lay.sign.astype(batch.dtype),
                                      scratch, geo)
    return np.moveaxis(norms, -1, 0).reshape((4,) + lead + norms.shape[1:2])


def rmax(x: ArrayLike, level: int, *, wavelet: str | ArrayLike = "qshift_a",
         packet_wavelet: str | pywt.Wavelet | FilterPair | None = None,
         mode: str = "periodization", q: int = 1,
         axes: tuple[int, int] | None = None, out: np.ndarray | None = None) -> np.ndarray:
    """RMax of every DT-CWPT packet: real convolution, subsampling, max pooling.

    With ``m = 2**(J-1)`` and packet ``p``'s complex kernel ``W_p``
    (:func:`dtwpt.packet_kernels`), periodic cross-correlation ``*`` and
    ``Y = (X * Re W_p) down m`` (``Y[k] = (X * Re W_p)[m k]``)::

        RMax_p(X)[n] = max_{|s|_inf <= q} Y[2 n + s]

    a ``(2q+1) x (2q+1)`` window centred on ``2n`` with stride 2, periodic at
    the border (the theory's window; Leterme et al., Section 2). Output ``n``
    sits at input position ``2**J n``, on the grid of :func:`cmod`. Computed
    with :func:`rmax_cmod`, from the real trees with an undecimated last stage.

    Parameters
    ----------
    x : array_like, shape (..., H, W)
        Real image(s); see :func:`dtwpt.dtcwpt2` for the dtype and range.
    level : int
        J in [1, 8].
    wavelet, packet_wavelet, mode : keyword-only
        As in :func:`dtwpt.dtcwpt2`.
    q : int, keyword-only
        Pooling half-width, as in :func:`rmax_cmod`.
    axes : tuple of int, keyword-only
        As in :func:`dtwpt.dtcwpt2`.
    out : ndarray, keyword-only
        Array to write the result into (writeable, C-contiguous, of the
        result's shape and real dtype), returned. Without it, as in
        :func:`dtwpt.dtcwpt2`. CMod, computed alongside, goes to a
        recycled array either way.

    Returns
    -------
    ndarray, shape (..., P, H/2**J, W/2**J)
        Real, packets in frequency order.

    Raises
    ------
    TypeError
        As :func:`rmax_cmod`; an ``out`` that is not an ndarray.
    ValueError
        As :func:`rmax_cmod`: bad level, mode, wavelet, packet wavelet, axes
        or ``q``, or values of ``x`` that are not finite or too large; an
        ``out`` of the wrong shape or dtype, not writeable and C-contiguous,
        or sharing memory with ``x``.

    See Also
    --------
    rmax_cmod : RMax and CMod in one pass.
    dtwpt.rmax_conv : The same operator with any kernel.

    References
    ----------
    .. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the shift
       invariance of max pooling feature maps in convolutional neural
       networks", arXiv:2209.11740.
    .. [2] I. Bayram, I. W. Selesnick, "On the dual-tree complex wavelet packet
       and M-band transforms", IEEE Trans. Signal Process. 56(6), 2008.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).standard_normal((16, 16))
    >>> rmax(x, 1).shape
    (8, 8, 8)
    >>> y = dtcwpt2(x, 1, decimated=False).coeffs.real  # (X * Re W) down m, m = 1
    >>> window = np.max([np.roll(y, (-a, -b), (-2, -1)) for a in (-1, 0, 1)
    ...                  for b in (-1, 0, 1)], axis=0)[..., ::2, ::2]
    >>> bool(np.allclose(rmax(x, 1), window))
    True
    """
    return _pooled_maps(x, level, wavelet, packet_wavelet, mode, q, axes, (out, None),
                        ("out", None), func="rmax")[0]


def cmod(x: ArrayLike, level: int, *, wavelet: str | ArrayLike = "qshift_a",
         packet_wavelet: str | pywt.Wavelet | FilterPair | None = None,
         mode: str = "periodization", axes: tuple[int, int] | None = None,
         out: np.ndarray | None = None) -> np.ndarray:
    """CMod of every DT-CWPT packet: complex convolution, subsampling, modulus.

    With ``m = 2**(J-1)``, packet ``p``'s complex kernel ``W_p``
    (:func:`dtwpt.packet_kernels`) and periodic cross-correlation ``*``::

        CMod_p(X)[n] = |(X * W_p)[2 m n]|

    which is the modulus of the decimated transform :func:`dtwpt.dtcwpt2`.
    Output ``n`` sits at input position ``2**J n``, on the grid of :func:`rmax`.

    Parameters
    ----------
    x : array_like, shape (..., H, W)
        Real image(s); see :func:`dtwpt.dtcwpt2` for the dtype and range.
    level : int
        J in [1, 8].
    wavelet, packet_wavelet, mode, axes : keyword-only
        As in :func:`dtwpt.dtcwpt2`.
    out : ndarray, keyword-only
        Array to write the result into (writeable, C-contiguous, of the
        result's shape and real dtype), returned. The complex coefficients
        are computed first, in a recycled array (see :func:`dtwpt.dtcwpt2`).

    Returns
    -------
    ndarray, shape (..., P, H/2**J, W/2**J)
        Real, packets in frequency order.

    Raises
    ------
    TypeError
        As :func:`dtwpt.dtcwpt2` (which has a ``decimated`` argument this
        lacks); an ``out`` that is not an ndarray.
    ValueError
        As :func:`dtwpt.dtcwpt2`: bad level, mode, wavelet, packet wavelet or
        axes, a size that does not fit the level, or values of ``x`` that are
        not finite or too large; an ``out`` of the wrong shape or dtype, not
        writeable and C-contiguous, or sharing memory with ``x``.

    See Also
    --------
    rmax_cmod : RMax and CMod in one pass.
    dtwpt.cmod_conv : The same operator with any kernel.

    References
    ----------
    .. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the shift
       invariance of max pooling feature maps in convolutional neural
       networks", arXiv:2209.11740.
    .. [2] I. Bayram, I. W. Selesnick, "On the dual-tree complex wavelet packet
       and M-band transforms", IEEE Trans. Signal Process. 56(6), 2008.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).standard_normal((16, 16))
    >>> cmod(x, 1).shape
    (8, 8, 8)
    >>> W, _ = packet_kernels(1)
    >>> p = 5
    >>> direct = [[abs(sum(x[(2 * i + a) % 16, (2 * j + b) % 16] * W[p, a, b]
    ...                    for a in range(W.shape[1]) for b in range(W.shape[2])))
    ...            for j in range(8)] for i in range(8)]
    >>> bool(np.allclose(cmod(x, 1)[p], direct))
    True
    """
    coeffs = dtcwpt2(x, level, wavelet=wavelet, packet_wavelet=packet_wavelet, mode=mode,
                     axes=axes).coeffs
    if out is None:
        return np.abs(coeffs)
    check_out(out, coeffs.shape, coeffs.real.dtype, inputs=(x,))
    return np.abs(coeffs, out=out)


def packet_kernels(level: int, *, wavelet: str | ArrayLike = "qshift_a",
                   packet_wavelet: str | pywt.Wavelet | FilterPair | None = None
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Equivalent complex kernels of the 2D packets.

    Packet ``p`` computes ``y[n] = sum_t x[(2**J n + t) mod (H, W)] K_p[t]``.

    Parameters
    ----------
    level : int
        J >= 1, as long as the ``2 * 4**J`` kernels of ``K x K`` complex128
        taps fit in :data:`MAX_KERNEL_BYTES` (4 GiB): up to J = 5 for the
        built-in wavelets (2.6 GB; J = 4 takes 0.16 GB).
    wavelet, packet_wavelet : keyword-only
        As in :func:`dtwpt.dtcwpt2`.

    Returns
    -------
    kernels : ndarray, complex128, shape (P, K, K)
        In frequency order; axis 1 is y, axis 2 is x.
    theta : ndarray, shape (P, 2)
        Tile centres ``(theta_y, theta_x)``.

    Raises
    ------
    TypeError
        A non-integer level; a ``wavelet`` or ``packet_wavelet`` of a type
        :func:`dtwpt.dtcwpt2` refuses.
    ValueError
        Level outside [1, 8], or so large that the kernels would exceed
        :data:`MAX_KERNEL_BYTES`; a wavelet or packet wavelet that
        :func:`dtwpt.dtcwpt2` refuses.

    References
    ----------
    .. [1] I. Bayram, I. W. Selesnick, "On the dual-tree complex wavelet packet
       and M-band transforms", IEEE Trans. Signal Process. 56(6), 2008.

    Examples
    --------
    >>> k, theta = packet_kernels(2)
    >>> k.shape, theta.shape
    ((32, 30, 30), (32, 2))
    """
    level = check_level(level)
    plan = _plan.plan(wavelet, packet_wavelet, level)
    K = plan.kernel_length
    nbytes = 2 * 4 ** level * K * K * 16
    if nbytes > MAX_KERNEL_BYTES:
        raise ValueError(
            f"level {level} kernels would take {nbytes / 2**30:.1f} GiB "
            f"({2 * 4 ** level} kernels of {K} x {K} complex taps), more than "
            f"MAX_KERNEL_BYTES = {MAX_KERNEL_BYTES / 2**30:g} GiB; use a smaller level"
        )
    ka = tree.equivalent_kernels_1d(plan.filters, plan.level, "a")
    kb = tree.equivalent_kernels_1d(plan.filters, plan.level, "b")
    lay = plan.layout
    psi_v = ka[lay.iv] + 1j * kb[lay.iv]
    psi_h = ka[lay.ih] - 1j * lay.sign[:, None] * kb[lay.ih]
    kernels = psi_v[:, :, None] * psi_h[:, None, :]
    kernels = np.where(lay.conj[:, None, None] < 0, kernels.conj(), kernels)
    return kernels, tree.tile_centres(plan.level)
