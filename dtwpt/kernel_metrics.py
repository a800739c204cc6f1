"""Metrics of the packets' equivalent kernels: how localized they are in frequency.

Each packet of a level-J transform is a correlation with one complex kernel
(:func:`dtwpt.packet_kernels`); these functions measure its spectrum on a fine
DFT grid, in the input-frequency convention of :mod:`dtwpt.tree` (a kernel
``K`` responds to ``omega`` through ``sum_t K[t] exp(+i <omega, t>)``):

- :func:`energy_concentration`: the largest share of a kernel's energy in a
  periodic ``kappa_J x kappa_J`` window, ``kappa_J = pi / 2**(J-1)`` (the
  paper's Table 1: mean 0.98 at J = 2, 0.95 +- 0.02 at J = 3);
- :func:`analyticity`: the share of its energy at ``omega_x > 0``;
- :func:`kernel_energy_spectra`: the spectra both are computed from.

References
----------
.. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the shift
   invariance of max pooling feature maps in convolutional neural networks",
   arXiv:2209.11740, Table 1.
"""
import numpy as np
import pywt
from numpy.typing import ArrayLike

from ._validation import check_int
from .filters import FilterPair
from .operators import MAX_KERNEL_BYTES, packet_kernels

__all__ = ["kernel_energy_spectra", "energy_concentration", "analyticity"]


def kernel_energy_spectra(kernels: ArrayLike, n_fft: int) -> np.ndarray:
    """``|sum_t K[t] exp(1j <omega, t>)|**2`` on an ``n_fft x n_fft`` DFT grid.

    Parameters
    ----------
    kernels : array_like, shape (L, K_y, K_x)
        Finite real or complex kernels.
    n_fft : int
        Grid side, at least ``max(K_y, K_x)`` (a smaller grid would cut the
        kernels) and such that the result fits in 4 GiB.

    Returns
    -------
    ndarray, shape (L, n_fft, n_fft)
        DFT ordering (index ``k`` is ``omega = 2 pi k / n_fft`` modulo 2 pi).

    Raises
    ------
    TypeError
        If ``kernels`` is not numeric (object or string dtype), or ``n_fft`` is
        not an integer (a bool or a float included).
    ValueError
        If ``kernels`` is not 3-dimensional or holds NaN or infinite values; or
        ``n_fft`` is smaller than ``max(K_y, K_x)`` or so large that the result
        would exceed ``dtwpt.operators.MAX_KERNEL_BYTES`` (4 GiB).

    Examples
    --------
    >>> import numpy as np
    >>> k = np.zeros((1, 4, 4)); k[0, 0, 1] = 1  # a shift: flat spectrum
    >>> e = kernel_energy_spectra(k, 8)
    >>> e.shape, bool(np.allclose(e, 1))
    ((1, 8, 8), True)
    """
    kernels = np.asarray(kernels)
    if kernels.dtype.kind not in "biufc":
        raise TypeError(f"kernels must be a numeric array, got dtype {kernels.dtype}")
    if kernels.ndim != 3:
        raise ValueError(f"kernels must have shape (L, K_y, K_x), got shape {kernels.shape}")
    if not np.all(np.isfinite(kernels)):
        raise ValueError("kernels contains NaN or infinite values")
    top = int(np.sqrt(MAX_KERNEL_BYTES / 16 / max(len(kernels), 1)))
    n_fft = check_int(n_fft, "n_fft", max(kernels.shape[1:]), top,
                      why=f" for {len(kernels)} kernels of {kernels.shape[1:]} taps")
    return np.abs(np.fft.ifft2(kernels, s=(n_fft, n_fft)) * n_fft ** 2) ** 2


def _grid_size(level, kernel_size):
    n = 2 ** (level + 4)
    while n < kernel_size:
        n *= 2
    return n


def energy_concentration(level: int, *, wavelet: str | ArrayLike = "qshift_a",
                         packet_wavelet: str | pywt.Wavelet | FilterPair | None = None
                         ) -> np.ndarray:
    """Largest share of each packet kernel's energy in a ``kappa_J``-square window.

    The window is periodic, of side ``kappa_J = pi / 2**(J-1)`` (twice a tile),
    and slides over the whole frequency plane: this is the Table 1 statistic.

    Parameters
    ----------
    level : int
        J in [1, 8].
    wavelet, packet_wavelet : keyword-only
        As in :func:`dtwpt.dtcwpt2`.

    Returns
    -------
    ndarray, shape (P,)
        One share per packet, in frequency order.

    Raises
    ------
    TypeError
        As in :func:`dtwpt.packet_kernels`: a non-integer ``level``; a
        ``wavelet`` or ``packet_wavelet`` of a type :func:`dtwpt.dtcwpt2` refuses.
    ValueError
        As in :func:`dtwpt.packet_kernels`: ``level`` outside [1, 8] or so large
        that the kernels would exceed ``dtwpt.operators.MAX_KERNEL_BYTES``
        (level 6 and above with the default wavelets); a wavelet or packet
        wavelet that :func:`dtwpt.dtcwpt2` refuses.

    References
    ----------
    .. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the shift
       invariance of max pooling feature maps in convolutional neural networks",
       arXiv:2209.11740, Table 1.

    Examples
    --------
    >>> c = energy_concentration(2)
    >>> c.shape, bool(0.9 < c.mean() < 1)
    ((32,), True)
    """
    kernels, _ = packet_kernels(level, wavelet=wavelet, packet_wavelet=packet_wavelet)
    n = _grid_size(level, kernels.shape[-1])
    side = n // 2 ** level
    shares = np.empty(len(kernels))
    for p, k in enumerate(kernels):
        e = kernel_energy_spectra(k[None], n)[0]
        # Sliding periodic box sum through 2D cumulative sums of the tiled spectrum.
        tiled = np.pad(e, ((0, side), (0, side)), mode="wrap")
        c = np.pad(tiled.cumsum(0).cumsum(1), ((1, 0), (1, 0)))
        box = c[side:, side:] - c[:-side, side:] - c[side:, :-side] + c[:-side, :-side]
        shares[p] = box[:n, :n].max() / e.sum()
    return shares


def analyticity(level: int, *, wavelet: str | ArrayLike = "qshift_a",
                packet_wavelet: str | pywt.Wavelet | FilterPair | None = None) -> np.ndarray:
    """Share of each packet's spectral energy at input frequencies ``omega_x > 0``.

    Energy on the lines ``omega_x = 0`` and ``omega_x = pi`` counts half. One
    minus this is the energy on the wrong side.

    Parameters
    ----------
    level : int
        J in [1, 8].
    wavelet, packet_wavelet : keyword-only
        As in :func:`dtwpt.dtcwpt2`.

    Returns
    -------
    ndarray, shape (P,)
        One share per packet, in frequency order.

    Raises
    ------
    TypeError
        As in :func:`dtwpt.packet_kernels`: a non-integer ``level``; a
        ``wavelet`` or ``packet_wavelet`` of a type :func:`dtwpt.dtcwpt2` refuses.
    ValueError
        As in :func:`dtwpt.packet_kernels` (``level`` outside [1, 8], kernels
        beyond ``dtwpt.operators.MAX_KERNEL_BYTES``, a refused wavelet or
        packet wavelet); or the spectra of all the packets would exceed
        ``dtwpt.operators.MAX_KERNEL_BYTES`` (level 5 and above with the
        default wavelets).

    Examples
    --------
    >>> a = analyticity(2)
    >>> bool(a.min() > 0.75)
    True
    """
    kernels, _ = packet_kernels(level, wavelet=wavelet, packet_wavelet=packet_wavelet)
    n = _grid_size(level, kernels.shape[-1])
    e = kernel_energy_spectra(kernels, n)
    weight = np.zeros(n)
    weight[1 : n // 2] = 1.0
    weight[[0, n // 2]] = 0.5
    return (e * weight).sum(axis=(-2, -1)) / e.sum(axis=(-2, -1))
