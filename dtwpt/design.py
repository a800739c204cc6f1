"""Filter design: Hilbert companions of real kernels and Gabor-like kernels.

Frequency convention (as in :mod:`dtwpt.tree`): a kernel ``K`` responds to the
*input* frequency ``omega = (omega_y, omega_x)`` (rad/sample) through
``hat K(omega) = sum_t K[t] exp(+1j <omega, t>)``; axis 0 of a kernel is y,
axis 1 is x.

References
----------
.. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the shift
   invariance of max pooling feature maps in convolutional neural networks",
   arXiv:2209.11740.
"""
import numpy as np
from numpy.typing import ArrayLike

from ._validation import check_int, check_kappa, check_kernel_stack, check_point

__all__ = ["hilbert_companion", "gabor_filter"]

_MAX_GABOR_SIZE = 2 ** 14  # a 16384 x 16384 complex128 kernel already takes 4 GiB


def _frequency_grid(shape):
    """Angular frequencies (omega_y, omega_x) of a DFT grid, each in [-pi, pi)."""
    wy = 2 * np.pi * np.fft.fftfreq(shape[0])
    wx = 2 * np.pi * np.fft.fftfreq(shape[1])
    return np.meshgrid(wy, wx, indexing="ij")


def hilbert_companion(V: ArrayLike, direction: ArrayLike | None = None) -> np.ndarray:
    """Complex companion ``W = V + 1j H(V)`` of a real 2D kernel.

    ``hat W(omega) = (1 + sign <omega, d>) hat V(omega)`` on the kernel's own
    ``k x k`` grid, where ``hat K(omega) = sum_t K[t] exp(+1j <omega, t>)`` is
    the response to input frequency ``omega`` (the convention of ``theta``
    throughout dtwpt, so ``direction = theta`` keeps the packet's own side), ``d``
    the direction. The sign is made odd under ``omega -> -omega`` so that ``Re W = V`` exactly.

    Parameters
    ----------
    V : array_like, shape (k, k) or (L, k, k)
        Real kernel(s).
    direction : array_like of 2 floats, optional
        ``d = (d_y, d_x)``; by default each kernel's dominant input
        frequency (the peak of ``|hat V|`` over ``omega_x > 0``, or
        ``omega_x = 0, omega_y >= 0``).

    Returns
    -------
    ndarray, complex, same shape as ``V``
        The companion(s) ``W`` (complex128), with ``Re W = V`` exactly.

    Raises
    ------
    TypeError
        Complex, object or non-numeric ``V``; a ``direction`` that is not made
        of real numbers.
    ValueError
        ``V`` not of shape (k, k) or (L, k, k), or with NaN, infinite or too
        large taps; a ``direction`` that is not 2 finite numbers.

    References
    ----------
    .. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the shift
       invariance of max pooling feature maps in convolutional neural
       networks", arXiv:2209.11740.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(8)
    >>> V = np.cos(np.pi / 2 * t)[None, :] * np.ones((8, 1))
    >>> W = hilbert_companion(V)
    >>> bool(np.allclose(W.real, V)), bool(np.allclose(np.abs(W), 1))
    (True, True)
    """
    V, single = check_kernel_stack(V, "V", complex_ok=False)
    V = V.astype(np.float64).reshape((-1,) + V.shape[-2:])
    spectrum = np.fft.ifft2(V)  # input-frequency response, up to a factor k*k
    wy, wx = _frequency_grid(V.shape[-2:])
    if direction is None:
        # A real kernel's |hat V| is even: search one half-plane so ties break the same way.
        half = (wx > 0) | ((wx == 0) & (wy >= 0))
        peak = (np.abs(spectrum) * half).reshape(len(V), -1).argmax(-1)
        dirs = np.stack([wy.ravel()[peak], wx.ravel()[peak]], axis=-1)
    else:
        dirs = np.broadcast_to(check_point(direction, "direction"), (len(V), 2))
    flip = (-np.arange(V.shape[-2])) % V.shape[-2], (-np.arange(V.shape[-1])) % V.shape[-1]
    out = np.empty(V.shape, dtype=np.complex128)
    for i, (d, s) in enumerate(zip(dirs, spectrum)):
        sgn = np.sign(d[0] * wy + d[1] * wx)
        odd = 0.5 * (sgn - sgn[np.ix_(*flip)])
        out[i] = np.fft.fft2((1 + odd) * s)
        out[i].real = V[i]
    return out[0] if single else out


def gabor_filter(theta: ArrayLike, kappa: float, size: int) -> np.ndarray:
    """A Gabor-like kernel in ``J(theta, kappa)``.

    Its spectrum on the ``size x size`` grid (input-frequency convention of
    :mod:`dtwpt.tree`) is the separable Hann window
    ``cos(pi (omega_y - theta_y) / kappa)**2 * cos(pi (omega_x - theta_x) / kappa)**2``
    inside the square of side ``kappa`` centred at ``theta`` (differences
    taken modulo ``2 pi``), zero outside. The kernel is centred in the array
    and has unit l2 norm.

    To be a Gabor filter rather than a plane wave, the window must hold more
    than one DFT sample along each axis wherever ``theta`` lies: ``size`` must
    satisfy ``kappa > 2 * (2 pi / size)`` (the window is wider than two grid
    spacings), i.e. ``size >= floor(4 pi / kappa) + 1``. Then at least two
    samples per axis (at least 2 x 2 non-zero DFT coefficients) fall strictly
    inside the window for every centre; smaller sizes raise a ValueError
    naming the smallest size that works.

    Parameters
    ----------
    theta : array_like of 2 floats
        Centre frequency ``(theta_y, theta_x)``, rad/sample.
    kappa : float
        Bandwidth in (0, 2 pi].
    size : int
        Kernel size, from ``floor(4 pi / kappa) + 1`` (and 2) to 16384; the
        spectrum is sampled every ``2 pi / size``.

    Returns
    -------
    ndarray, complex128, shape (size, size)
        The kernel, centred in the array, of unit l2 norm; axis 0 is y,
        axis 1 is x.

    Raises
    ------
    TypeError
        A ``theta`` that is not made of real numbers; a ``kappa`` that is not
        a real number (or is a bool); a non-integer ``size``.
    ValueError
        A ``theta`` that is not 2 finite numbers; ``kappa`` outside
        (0, 2 pi] (or NaN); ``size`` outside [2, 16384] or smaller than
        ``floor(4 pi / kappa) + 1``.

    References
    ----------
    .. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the shift
       invariance of max pooling feature maps in convolutional neural
       networks", arXiv:2209.11740.

    Examples
    --------
    >>> import numpy as np
    >>> k = gabor_filter((0.0, np.pi / 2), np.pi / 4, 32)
    >>> k.shape, round(float(np.linalg.norm(k)), 6)
    ((32, 32), 1.0)
    """
    theta = check_point(theta, "theta")
    kappa = check_kappa(kappa)
    size = check_int(size, "size", 2, _MAX_GABOR_SIZE)
    # smallest size with kappa * size / (2 pi) > 2 (a margin absorbs rounding at equality)
    smallest = max(2, int(np.floor(4 * np.pi / kappa * (1 + 1e-9))) + 1)
    if size < smallest:
        raise ValueError(
            f"size={size} is too small for kappa={kappa:.4g}: the window must span more than "
            f"two DFT samples (kappa > 2 * 2 pi / size) to be a Gabor filter rather than a "
            f"plane wave; the smallest size that works for this kappa is {smallest}"
        )
    wy, wx = _frequency_grid((size, size))

    def window(d):
        d = (d + np.pi) % (2 * np.pi) - np.pi
        return np.where(np.abs(d) < kappa / 2, np.cos(np.pi * d / kappa) ** 2, 0.0)

    response = window(wy - theta[0]) * window(wx - theta[1])
    # response(xi) = sum_t K[t] exp(+1j <xi, t>)  =>  K = fft2(response) / size**2
    kernel = np.fft.fftshift(np.fft.fft2(response)) / size ** 2
    return kernel / np.linalg.norm(kernel)
