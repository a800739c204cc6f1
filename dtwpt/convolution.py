"""RMax and CMod with any kernels: the generic operators of the theory.

With a real kernel ``V``, a complex kernel ``W`` and a subsampling factor ``m``:

- ``RMax X = MaxPool_q((X * V) down m)``, ``MaxPool_q(Y)[n] = max_{|p|_inf <= q} Y[2n + p]``,
  the window **centred on 2n**, stride 2, periodic at the border;
- ``CMod X = |(X * W) down 2m|``.

``*`` is periodic cross-correlation, ``(X * V)[n] = sum_t X[(n + t) mod (H, W)] V[t]``;
output ``n`` of both sits at input position ``2m * n``. Axis -2 of images and
kernels is y, axis -1 is x.

Multichannel kernels (a CNN's first layer, ``(L, C, k, k)``) act on images
``(..., C, H, W)`` as in Section 5 of the paper: the channels are summed
before the pooling or the modulus,

- ``RMax_l X = MaxPool_q(sum_c (X_c * V_lc) down m)``,
- ``CMod_l X = |sum_c (X_c * W_lc) down 2m|``.

References
----------
.. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the shift
   invariance of max pooling feature maps in convolutional neural networks",
   arXiv:2209.11740.
"""
import numpy as np
from numpy.typing import ArrayLike

from ._validation import as_real_array, check_int, check_kernel_stack, check_values

__all__ = ["cmod_conv", "rmax_conv"]


#: Kernels whose spectra are held in memory at once (bounds the scratch).
_KERNEL_BLOCK = 16
#: Complex values of the image-kernel products formed at once (bounds the scratch).
_PRODUCT_SIZE = 2 ** 21


def _fft():
    """:mod:`scipy.fft`, imported on first use (0.1 s that ``import dtwpt`` need not pay)."""
    import scipy.fft

    return scipy.fft


def _kernel_spectra(kernels, shape, dtype):
    """``conj(FFT(conj K))`` on the image grid, the taps wrapped periodically: (L, C, H, W)."""
    H, W = shape
    L, C, ky, kx = kernels.shape
    ny, nx = -(-ky // H), -(-kx // W)
    tiles = np.zeros((L, C, ny * H, nx * W), dtype=dtype)
    tiles[..., :ky, :kx] = kernels
    # Taps beyond the image wrap around: periodic extension.
    padded = tiles.reshape(L, C, ny, H, nx, W).sum(axis=(2, 4))
    return np.conj(_fft().fft2(np.conj(padded)))


def _fold(spectrum, m):
    """Spectrum of ``y[..., ::m, ::m]`` (times ``m**2``) from that of ``y``: alias sum."""
    *lead, H, W = spectrum.shape
    return spectrum.reshape(*lead, m, H // m, m, W // m).sum(axis=(-4, -2))


def _subsampled_correlation(x, kernels, m):
    """``sum_c (x_c * K_lc) down m``: x (B, C, H, W), kernels (L, C, k, k) -> (B, L, H/m, W/m).

    ``y[n] = sum_c sum_t x_c[n + t] K_c[t]`` is ``Y(w) = sum_c X_c(w) conj(FFT(conj K_c))(w)``;
    the subsampled output is the inverse FFT of the folded (aliased) spectrum,
    ``m**2`` times smaller than the full one.
    """
    B, _C, H, W = x.shape
    dtype = np.result_type(kernels, x.dtype)
    fft = _fft()
    spectra = fft.fft2(x, workers=-1)
    out = np.empty((B, len(kernels), H // m, W // m), dtype=np.result_type(dtype, 1j))
    for lo in range(0, len(kernels), _KERNEL_BLOCK):
        kf = _kernel_spectra(kernels[lo:lo + _KERNEL_BLOCK], (H, W), dtype)
        step = max(1, _PRODUCT_SIZE // kf[:, 0].size)  # images whose products fit the budget
        for b in range(0, B, step):
            product = np.einsum("bchw,lchw->blhw", spectra[b:b + step], kf)
            out[b:b + step, lo:lo + len(kf)] = fft.ifft2(_fold(product, m),
                                                        workers=-1) / m ** 2
    return out


def _kernel_array(kernel, name, complex_ok):
    """Kernels as (L, C, k, k) and the kind of input: "single", "stack" or "channels"."""
    k = np.asarray(kernel)
    if k.ndim == 4:
        check_kernel_stack(k.reshape((-1,) + k.shape[-2:]), name, complex_ok)
        return k, "channels"
    if k.ndim not in (2, 3):
        raise ValueError(f"{name} must have shape (k, k), (L, k, k) or (L, C, k, k), "
                         f"got shape {k.shape}")
    k, single = check_kernel_stack(k, name, complex_ok)
    return k.reshape((-1, 1) + k.shape[-2:]), "single" if single else "stack"


def _generic_input(x, kernel, m, name, complex_ok):
    """Images as (B, C, H, W), kernels as (L, C, k, k), ``m``, and how to shape the output."""
    k, kind = _kernel_array(kernel, name, complex_ok)
    C = k.shape[1]
    x = as_real_array(x, 3 if kind == "channels" else 2, values=False)
    if kind == "channels" and x.shape[-3] != C:
        raise ValueError(f"x must have shape (..., C, H, W) with C = {C} channels for "
                         f"{name} of shape {k.shape}, got shape {x.shape}")
    H, W = x.shape[-2:]
    m = check_int(m, "m", 1, max(1, min(H, W) // 2), why=f" for an image of size {(H, W)}")
    if H % (2 * m) or W % (2 * m):
        raise ValueError(f"H and W must be multiples of 2*m = {2 * m}, got {(H, W)}")
    # The FFTs hold sums of C H W products of x and the kernel's taps: bound x so
    # that neither they nor the output can overflow.
    l1 = float(np.abs(k).sum(axis=(-3, -2, -1)).max()) if k.size else 0.0
    check_values(x, "x", max(l1, 1.0) * H * W)
    lead = x.shape[:-3] if kind == "channels" else x.shape[:-2]
    return x.reshape((-1, C, H, W)), k, m, (lead, kind)


def _check_q(q, x, m):
    """q up to the side of the subsampled map: a wider window adds nothing."""
    side = max(x.shape[-2:]) // m
    return check_int(q, "q", 0, side, why=f" (the pooled map is at most {side} wide)")


def _finish(y, x, shape):
    lead, kind = shape
    y = y.reshape(lead + y.shape[1:]).astype(x.dtype, copy=False)
    return y[..., 0, :, :] if kind == "single" else y


def rmax_conv(x: ArrayLike, V: ArrayLike, m: int, *, q: int = 1) -> np.ndarray:
    """RMax with any real kernel(s): ``MaxPool_q((x * V) down m)``.

    Periodic cross-correlation, subsampling by ``m`` keeping sample 0, then a
    ``(2q+1)**2`` max-pooling window centred on ``2n`` with stride 2, wrapping
    periodically. Output ``n`` sits at input position ``2 m n``.

    Parameters
    ----------
    x : array_like, shape (..., H, W), or (..., C, H, W) for kernels (L, C, k, k)
        Real image(s); ``H`` and ``W`` multiples of ``2m``.
    V : array_like, shape (k, k), (L, k, k) or (L, C, k, k)
        Real kernel(s), e.g. a CNN's first layer
        (:func:`dtwpt.weights.load_first_layer`); ``C`` input channels are
        summed before pooling.
    m : int
        Subsampling factor >= 1.
    q : int, keyword-only
        Pooling half-width >= 0.

    Returns
    -------
    ndarray, shape (..., [L,] H/(2m), W/(2m))
        ``L`` present for kernels (L, k, k) and (L, C, k, k); float32 for
        float32 images, float64 otherwise.

    Raises
    ------
    TypeError
        Complex, object or non-numeric ``x`` or ``V``; a non-integer ``m`` or
        ``q``.
    ValueError
        ``V`` not of shape (k, k), (L, k, k) or (L, C, k, k), or with NaN,
        infinite or too large taps; ``x`` of fewer than 2 dimensions (3 for
        kernels (L, C, k, k)) or without ``C`` channels on axis -3; ``m``
        outside ``[1, max(1, min(H, W) // 2)]``; ``H`` or ``W`` not a multiple
        of ``2m``; ``q`` < 0 or larger than ``max(H, W) // m``; NaN, infinite
        or too large values in ``x``.

    See Also
    --------
    cmod_conv : The complex counterpart.
    dtwpt.rmax : RMax with the DT-CWPT packets.

    References
    ----------
    .. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the shift
       invariance of max pooling feature maps in convolutional neural
       networks", arXiv:2209.11740.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).standard_normal((16, 16))
    >>> rmax_conv(x, np.ones((3, 3)), 2).shape
    (4, 4)
    >>> rgb = np.random.default_rng(0).standard_normal((2, 3, 16, 16))
    >>> rmax_conv(rgb, np.ones((5, 3, 3, 3)), 2).shape
    (2, 5, 4, 4)
    """
    check_int(q, "q", 0)
    x, V, m, shape = _generic_input(x, V, m, "V", complex_ok=False)
    q = _check_q(q, x, m)
    y = _subsampled_correlation(x, V, m).real
    pooled = np.full(y[..., ::2, ::2].shape, -np.inf)
    for dy in range(-q, q + 1):
        for dx in range(-q, q + 1):
            shifted = np.roll(y, (-dy, -dx), axis=(-2, -1))[..., ::2, ::2]
            np.maximum(pooled, shifted, out=pooled)
    return _finish(pooled, x, shape)


def cmod_conv(x: ArrayLike, W: ArrayLike, m: int) -> np.ndarray:
    """CMod with any complex kernel(s): ``|(x * W) down 2m|``.

    Parameters
    ----------
    x : array_like, shape (..., H, W), or (..., C, H, W) for kernels (L, C, k, k)
        Real image(s); ``H`` and ``W`` multiples of ``2m``.
    W : array_like, shape (k, k), (L, k, k) or (L, C, k, k)
        Complex kernel(s), e.g. from :func:`dtwpt.hilbert_companion` or
        :func:`dtwpt.kernel_analysis.complex_companion`; ``C`` input channels
        are summed before the modulus.
    m : int
        RMax's subsampling factor; CMod subsamples by ``2m``.

    Returns
    -------
    ndarray, shape (..., [L,] H/(2m), W/(2m))
        As in :func:`rmax_conv`.

    Raises
    ------
    TypeError
        Complex, object or non-numeric ``x``; non-numeric ``W``; a
        non-integer ``m``.
    ValueError
        ``W`` not of shape (k, k), (L, k, k) or (L, C, k, k), or with NaN,
        infinite or too large taps; ``x`` of fewer than 2 dimensions (3 for
        kernels (L, C, k, k)) or without ``C`` channels on axis -3; ``m``
        outside ``[1, max(1, min(H, W) // 2)]``; ``H`` or ``W`` not a multiple
        of ``2m``; NaN, infinite or too large values in ``x``.

    See Also
    --------
    rmax_conv : The real counterpart.
    dtwpt.cmod : CMod with the DT-CWPT packets.

    References
    ----------
    .. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the shift
       invariance of max pooling feature maps in convolutional neural
       networks", arXiv:2209.11740.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).standard_normal((16, 16))
    >>> cmod_conv(x, np.ones((3, 3)) + 0j, 2).shape
    (4, 4)
    """
    x, W, m, shape = _generic_input(x, W, m, "W", complex_ok=True)
    y = np.abs(_subsampled_correlation(x, W, 2 * m))
    return _finish(y, x, shape)
