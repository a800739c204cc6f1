"""RMax and CMod with any kernels: the generic operators of the theory.

With a real kernel ``V``, a complex kernel ``W`` and a subsampling factor ``m``:

- ``RMax X = MaxPool_q((X * V) down m)``, ``MaxPool_q(Y)[n] = max_{|p|_inf <= q} Y[2n + p]``,
  the window **centred on 2n**, stride 2, periodic at the border;
- ``CMod X = |(X * W) down 2m|``.

``*`` is periodic cross-correlation; output ``n`` of both sits at input position
``2m * n``. Axis -2 of images and kernels is y, axis -1 is x.

References
----------
.. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the shift
   invariance of max pooling feature maps in convolutional neural networks",
   arXiv:2209.11740.
"""
import numpy as np
import scipy.fft

from ._validation import as_real_array, check_int, check_kernel_stack, check_values

__all__ = ["rmax_conv", "cmod_conv"]


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
    x = as_real_array(x, 2, values=False)
    k, single = check_kernel_stack(kernel, name, complex_ok)
    H, W = x.shape[-2:]
    m = check_int(m, "m", 1, max(1, min(H, W) // 2), why=f" for an image of size {(H, W)}")
    if H % (2 * m) or W % (2 * m):
        raise ValueError(f"H and W must be multiples of 2*m = {2 * m}, got {(H, W)}")
    # The FFTs hold sums of H W products of x and the kernel's taps: bound x so
    # that neither they nor the output can overflow.
    l1 = float(np.abs(k).sum(axis=(-2, -1)).max()) if k.size else 0.0
    check_values(x, "x", max(l1, 1.0) * H * W)
    return x, k.reshape((-1,) + k.shape[-2:]), m, single


def _check_q(q, x, m):
    """q up to the side of the subsampled map: a wider window adds nothing."""
    side = max(x.shape[-2:]) // m
    return check_int(q, "q", 0, side, why=f" (the pooled map is at most {side} wide)")


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
    check_int(q, "q", 0)
    x, V, m, single = _generic_input(x, V, m, "V", complex_ok=False)
    q = _check_q(q, x, m)
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
