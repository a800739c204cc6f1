"""Operators on images: RMax, CMod, packet kernels, Hilbert companions, Gabor filters.

With ``m = 2**(J-1)`` and a packet's complex kernel ``W`` (SPEC conventions:
periodic cross-correlation, input-frequency ``theta``):

- ``RMax X = MaxPool_q((X * Re W) down m)``, ``MaxPool_q(Y)[n] = max_{|p|_inf <= q} Y[2n + p]``,
  the window **centred on 2n**, stride 2, periodic at the border;
- ``CMod X = |(X * W) down 2m|``.

Output ``n`` of both sits at input position ``2**J * n`` (``2m * n`` for the
generic operators).

References
----------
.. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the shift
   invariance of max pooling feature maps in convolutional neural networks",
   arXiv:2209.11740.
"""
import numbers

import numba
import numpy as np
import scipy.fft

from . import _kernels, tree
from .transform import _as_real_array, _plan, _prepare_2d, _scratch, dtcwpt2

__all__ = [
    "to_luminance",
    "rmax_cmod",
    "pair_squared_norms",
    "rmax",
    "cmod",
    "packet_kernels",
    "hilbert_companion",
    "rmax_conv",
    "cmod_conv",
    "gabor_filter",
]

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


def rmax_cmod(x, level, *, wavelet="qshift_a", packet_wavelet=None, mode="periodization", q=1):
    """RMax and CMod of every DT-CWPT packet, sharing one pass over the trees.

    Only the real trees are kept with the last stage undecimated where RMax
    needs them; the undecimated complex transform is never formed.

    Parameters
    ----------
    x : array_like, shape (..., H, W)
        Real image(s); float32 stays float32.
    level : int
        J >= 1; RMax subsamples by ``m = 2**(J-1)``.
    wavelet, packet_wavelet, mode : keyword-only
        As in :func:`dtwpt.dtcwpt2` (the max-pooling window wraps with the
        same extension as the transform).
    q : int, keyword-only
        Pooling half-width: a ``(2q+1) x (2q+1)`` window.

    Returns
    -------
    ymax, ymod : ndarray, shape (..., P, H/2**J, W/2**J)
        Real arrays, packets in the frequency order of :func:`dtwpt.dtcwpt2`.

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
    q = _check_int(q, "q", 0)
    plan, batch, _, _, lead = _prepare_2d(x, level, wavelet, packet_wavelet, mode)
    level = plan.level
    B, H, W = batch.shape
    P = plan.layout.iv.size
    shape = (B, P, H >> level, W >> level)
    ymax = np.empty(shape, dtype=batch.dtype)
    ymod = np.empty(shape, dtype=batch.dtype)
    lay = plan.layout
    _kernels.rmax_cmod_batch(batch, ymax, ymod, plan.types, *plan.bank(batch.dtype), level, q,
                             lay.iv, lay.ih, lay.sign.astype(batch.dtype),
                             _rmax_scratch(batch, level, q))
    return ymax.reshape(lead + shape[1:]), ymod.reshape(lead + shape[1:])


def _rmax_scratch(batch, level, q, planes=0):
    """Per-thread scratch of the RMax/CMod kernels, plus ``planes`` output planes."""
    B, H, W = batch.shape
    threads = max(1, min(numba.get_num_threads(), B))
    size = (_kernels.scratch_size(H, W, level, _kernels.RMAX_CMOD, batch.itemsize)
            + _kernels.rmax_scratch_size(W, q)
            + planes * 2 * 4 ** level * (H >> level) * (W >> level))
    return _scratch(threads, size, batch.dtype)


def pair_squared_norms(x, x_shifted, level, *, wavelet="qshift_a", packet_wavelet=None,
                       mode="periodization", q=1):
    """Squared norms behind the shift metrics of image pairs, without storing RMax or CMod.

    Parameters
    ----------
    x, x_shifted : array_like, shape (..., H, W)
        The images X and X' of each pair (same shape).
    level, wavelet, packet_wavelet, mode, q
        As in :func:`rmax_cmod`.

    Returns
    -------
    ndarray, shape (..., P, 4), float64
        Per pair and packet: ``||Ymod||^2``, ``||Ymod - Ymax||^2``,
        ``||Ymax' - Ymax||^2`` and ``||Ymod' - Ymod||^2``, with
        ``Ymax, Ymod = rmax_cmod(X)`` and ``'`` for X'.

    See Also
    --------
    dtwpt.metrics.shift_metrics : the ratios of the paper built on these.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).standard_normal((2, 33, 32))
    >>> norms = pair_squared_norms(x[:, :32], x[:, 1:], 2)
    >>> norms.shape
    (2, 32, 4)
    >>> ymax, ymod = rmax_cmod(x[:, :32], 2)
    >>> bool(np.allclose(norms[..., 0], (ymod ** 2).sum(axis=(-2, -1))))
    True
    """
    q = _check_int(q, "q", 0)
    xs = np.asarray(x_shifted)
    if np.shape(x) != xs.shape:
        raise ValueError(f"x and x_shifted must have the same shape, got {np.shape(x)} "
                         f"and {xs.shape}")
    plan, batch, _, _, lead = _prepare_2d(x, level, wavelet, packet_wavelet, mode)
    shifted = _prepare_2d(xs.astype(batch.dtype, copy=False), level, wavelet,
                          packet_wavelet, mode)[1]
    lay = plan.layout
    norms = _kernels.pair_norms_batch(batch, shifted, plan.types, *plan.bank(batch.dtype),
                                      plan.level, q, lay.iv, lay.ih, lay.sign.astype(batch.dtype),
                                      _rmax_scratch(batch, plan.level, q, planes=4))
    return norms.reshape(lead + norms.shape[1:])


def rmax(x, level, *, wavelet="qshift_a", packet_wavelet=None, mode="periodization", q=1):
    """RMax of every DT-CWPT packet; see :func:`rmax_cmod`.

    Examples
    --------
    >>> import numpy as np
    >>> rmax(np.ones((16, 16)), 1).shape
    (8, 8, 8)
    """
    return rmax_cmod(x, level, wavelet=wavelet, packet_wavelet=packet_wavelet, mode=mode, q=q)[0]


def cmod(x, level, *, wavelet="qshift_a", packet_wavelet=None, mode="periodization"):
    """CMod of every DT-CWPT packet: the modulus of :func:`dtwpt.dtcwpt2`.

    Examples
    --------
    >>> import numpy as np
    >>> cmod(np.ones((16, 16)), 1).shape
    (8, 8, 8)
    """
    return np.abs(dtcwpt2(x, level, wavelet=wavelet, packet_wavelet=packet_wavelet,
                          mode=mode).coeffs)


def packet_kernels(level, *, wavelet="qshift_a", packet_wavelet=None):
    """Equivalent complex kernels of the 2D packets.

    Packet ``p`` computes ``y[n] = sum_t x[(2**J n + t) mod (H, W)] K_p[t]``.

    Returns
    -------
    kernels : ndarray, complex128, shape (P, K, K)
        In frequency order; axis 1 is y, axis 2 is x.
    theta : ndarray, shape (P, 2)
        Tile centres ``(theta_y, theta_x)``.

    Examples
    --------
    >>> k, theta = packet_kernels(2)
    >>> k.shape, theta.shape
    ((32, 30, 30), (32, 2))
    """
    plan = _plan(wavelet, packet_wavelet, _check_int(level, "level", 1))
    ka = tree.equivalent_kernels_1d(plan.filters, plan.level, "a")
    kb = tree.equivalent_kernels_1d(plan.filters, plan.level, "b")
    lay = plan.layout
    psi_v = ka[lay.iv] + 1j * kb[lay.iv]
    psi_h = ka[lay.ih] - 1j * lay.sign[:, None] * kb[lay.ih]
    kernels = psi_v[:, :, None] * psi_h[:, None, :]
    kernels = np.where(lay.conj[:, None, None] < 0, kernels.conj(), kernels)
    return kernels, tree.tile_centres(plan.level)


# ----------------------------------------------------------------- generic kernels
def _check_int(value, name, minimum):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    return int(value)


def _check_kappa(kappa):
    if not np.isfinite(kappa) or not 0 < kappa <= 2 * np.pi:
        raise ValueError(f"kappa must lie in (0, 2*pi], got {kappa}")
    return float(kappa)


def _kernel_stack(kernel, name, complex_ok):
    k = np.asarray(kernel)
    if k.dtype.kind == "c" and not complex_ok:
        raise TypeError(f"{name} must be a real kernel, got dtype {k.dtype}")
    if k.dtype.kind not in "biufc":
        raise TypeError(f"{name} must be a numeric array, got dtype {k.dtype}")
    if k.ndim not in (2, 3):
        raise ValueError(f"{name} must have shape (k, k) or (L, k, k), got shape {k.shape}")
    if not np.all(np.isfinite(k)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return k, k.ndim == 2


def _frequency_grid(shape):
    """Angular frequencies (omega_y, omega_x) of a DFT grid, each in [-pi, pi)."""
    wy = 2 * np.pi * np.fft.fftfreq(shape[0])
    wx = 2 * np.pi * np.fft.fftfreq(shape[1])
    return np.meshgrid(wy, wx, indexing="ij")


def hilbert_companion(V, u=None):
    """Complex companion ``W = V + 1j H(V)`` of a real 2D kernel.

    ``hat W(omega) = (1 + sign <omega, u>) hat V(omega)`` on the kernel's own
    ``k x k`` grid, where ``hat K(omega) = sum_t K[t] exp(+1j <omega, t>)`` is
    the response to input frequency ``omega`` (the convention of ``theta``
    throughout dtwpt, so ``u = theta`` keeps the packet's own side). The sign
    is made odd under ``omega -> -omega`` so that ``Re W = V`` exactly.

    Parameters
    ----------
    V : array_like, shape (k, k) or (L, k, k)
        Real kernel(s).
    u : array_like of 2 floats, optional
        Direction ``(u_y, u_x)``; by default each kernel's dominant input
        frequency (the peak of ``|hat V|`` over ``omega_x > 0``, or
        ``omega_x = 0, omega_y >= 0``).

    Returns
    -------
    ndarray, complex, same shape as ``V``

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(8)
    >>> V = np.cos(np.pi / 2 * t)[None, :] * np.ones((8, 1))
    >>> W = hilbert_companion(V)
    >>> bool(np.allclose(W.real, V)), bool(np.allclose(np.abs(W), 1))
    (True, True)
    """
    V, single = _kernel_stack(V, "V", complex_ok=False)
    V = V.astype(np.float64).reshape((-1,) + V.shape[-2:])
    spectrum = np.fft.ifft2(V)  # input-frequency response, up to a factor k*k
    wy, wx = _frequency_grid(V.shape[-2:])
    if u is None:
        # A real kernel's |hat V| is even: search one half-plane so ties break the same way.
        half = (wx > 0) | ((wx == 0) & (wy >= 0))
        peak = (np.abs(spectrum) * half).reshape(len(V), -1).argmax(-1)
        dirs = np.stack([wy.ravel()[peak], wx.ravel()[peak]], axis=-1)
    else:
        u = np.asarray(u, dtype=np.float64)
        if u.shape != (2,) or not np.all(np.isfinite(u)):
            raise ValueError(f"u must be 2 finite numbers (u_y, u_x), got {u!r}")
        dirs = np.broadcast_to(u, (len(V), 2))
    flip = (-np.arange(V.shape[-2])) % V.shape[-2], (-np.arange(V.shape[-1])) % V.shape[-1]
    out = np.empty(V.shape, dtype=np.complex128)
    for i, (d, s) in enumerate(zip(dirs, spectrum)):
        sgn = np.sign(d[0] * wy + d[1] * wx)
        odd = 0.5 * (sgn - sgn[np.ix_(*flip)])
        out[i] = np.fft.fft2((1 + odd) * s)
        out[i].real = V[i]
    return out[0] if single else out


def _subsampled_correlation(x, kernels, m):
    """``(x * K) down m`` for a stack of kernels: (B, H, W) -> (B, L, H/m, W/m)."""
    H, W = x.shape[-2:]
    L, ky, kx = kernels.shape
    ny, nx = -(-ky // H), -(-kx // W)
    tiles = np.zeros((L, ny * H, nx * W), dtype=np.result_type(kernels, x.dtype))
    tiles[:, :ky, :kx] = kernels
    # Taps beyond the image wrap around: periodic extension.
    padded = tiles.reshape(L, ny, H, nx, W).sum(axis=(1, 3))
    # y[n] = sum_t x[n + t] K[t]  <=>  Y(w) = X(w) * conj(FFT(conj K))(w)
    kf = np.conj(scipy.fft.fft2(np.conj(padded)))
    y = scipy.fft.ifft2(scipy.fft.fft2(x)[:, None] * kf[None], workers=-1)
    return y[..., ::m, ::m]


def _generic_input(x, kernel, m, name, complex_ok):
    x = _as_real_array(x, 2)
    k, single = _kernel_stack(kernel, name, complex_ok)
    m = _check_int(m, "m", 1)
    H, W = x.shape[-2:]
    if H % (2 * m) or W % (2 * m):
        raise ValueError(f"H and W must be multiples of 2*m = {2 * m}, got {(H, W)}")
    return x, k.reshape((-1,) + k.shape[-2:]), m, single


def _finish(y, x, single):
    y = y.reshape(x.shape[:-2] + y.shape[1:])
    y = y.astype(x.dtype, copy=False)
    return y[..., 0, :, :] if single else y


def rmax_conv(x, V, m, *, q=1):
    """RMax with any real kernel(s): ``MaxPool_q((x * V) down m)``.

    Periodic cross-correlation, subsampling by ``m`` keeping sample 0, then a
    ``(2q+1)**2`` max-pooling window centred on ``2n`` with stride 2, wrapping
    periodically. Output ``n`` sits at input position ``2 m n``.

    Parameters
    ----------
    x : array_like, shape (..., H, W)
        Real image(s); ``H`` and ``W`` multiples of ``2m``.
    V : array_like, shape (k, k) or (L, k, k)
        Real kernel(s), e.g. a CNN's first layer loaded with ``np.load``.
    m : int
        Subsampling factor >= 1.
    q : int, keyword-only
        Pooling half-width >= 0.

    Returns
    -------
    ndarray, shape (..., [L,] H/(2m), W/(2m))

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).standard_normal((16, 16))
    >>> rmax_conv(x, np.ones((3, 3)), 2).shape
    (4, 4)
    """
    q = _check_int(q, "q", 0)
    x, V, m, single = _generic_input(x, V, m, "V", complex_ok=False)
    y = _subsampled_correlation(x.reshape((-1,) + x.shape[-2:]), V, m).real
    pooled = np.full(y[..., ::2, ::2].shape, -np.inf)
    for dy in range(-q, q + 1):
        for dx in range(-q, q + 1):
            shifted = np.roll(y, (-dy, -dx), axis=(-2, -1))[..., ::2, ::2]
            np.maximum(pooled, shifted, out=pooled)
    return _finish(pooled, x, single)


def cmod_conv(x, W, m):
    """CMod with any complex kernel(s): ``|(x * W) down 2m|``.

    Parameters
    ----------
    x : array_like, shape (..., H, W)
        Real image(s); ``H`` and ``W`` multiples of ``2m``.
    W : array_like, shape (k, k) or (L, k, k)
        Complex kernel(s), e.g. from :func:`hilbert_companion`.
    m : int
        RMax's subsampling factor; CMod subsamples by ``2m``.

    Returns
    -------
    ndarray, shape (..., [L,] H/(2m), W/(2m))

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).standard_normal((16, 16))
    >>> cmod_conv(x, np.ones((3, 3)) + 0j, 2).shape
    (4, 4)
    """
    x, W, m, single = _generic_input(x, W, m, "W", complex_ok=True)
    y = np.abs(_subsampled_correlation(x.reshape((-1,) + x.shape[-2:]), W, 2 * m))
    return _finish(y, x, single)


def gabor_filter(theta, kappa, size):
    """A Gabor-like kernel in ``J(theta, kappa)``.

    Its spectrum on the ``size x size`` grid (input-frequency convention of
    :mod:`dtwpt.tree`) is the separable Hann window
    ``cos(pi (omega_y - theta_y) / kappa)**2 * cos(pi (omega_x - theta_x) / kappa)**2``
    inside the square of side ``kappa`` centred at ``theta`` (differences
    taken modulo ``2 pi``), zero outside. The kernel is centred in the array
    and has unit l2 norm.

    Parameters
    ----------
    theta : array_like of 2 floats
        Centre frequency ``(theta_y, theta_x)``, rad/sample.
    kappa : float
        Bandwidth in (0, 2 pi].
    size : int
        Kernel size (>= 2); the spectrum is sampled every ``2 pi / size``.

    Returns
    -------
    ndarray, complex128, shape (size, size)

    Examples
    --------
    >>> import numpy as np
    >>> k = gabor_filter((0.0, np.pi / 2), np.pi / 4, 32)
    >>> k.shape, round(float(np.linalg.norm(k)), 6)
    ((32, 32), 1.0)
    """
    theta = np.asarray(theta, dtype=np.float64)
    if theta.shape != (2,) or not np.all(np.isfinite(theta)):
        raise ValueError(f"theta must be 2 finite numbers (theta_y, theta_x), got {theta!r}")
    kappa = _check_kappa(kappa)
    size = _check_int(size, "size", 2)
    wy, wx = _frequency_grid((size, size))

    def window(d):
        d = (d + np.pi) % (2 * np.pi) - np.pi
        return np.where(np.abs(d) < kappa / 2, np.cos(np.pi * d / kappa) ** 2, 0.0)

    response = window(wy - theta[0]) * window(wx - theta[1])
    if not response.any():
        raise ValueError(
            f"kappa={kappa:.4g} is too small for a {size}x{size} grid "
            f"(spacing {2 * np.pi / size:.4g}); increase size or kappa"
        )
    # response(xi) = sum_t K[t] exp(+1j <xi, t>)  =>  K = fft2(response) / size**2
    kernel = np.fft.fftshift(np.fft.fft2(response)) / size ** 2
    return kernel / np.linalg.norm(kernel)
