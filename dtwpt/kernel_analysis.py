r"""A CNN's first-layer kernels under the RMax/CMod theory, kernel by kernel.

Kernels are real arrays ``V`` of shape ``(L, C, k, k)`` (output channel,
input channel, row, column; see :func:`dtwpt.weights.load_first_layer`),
applied by cross-correlation. Kernel ``l`` responds to the input frequency
``omega = (omega_y, omega_x)`` (radians per sample) through

.. math:: \hat V_{lc}(\omega) = \sum_t V_{lc}[t]\, e^{+i \langle \omega, t\rangle},

the input-frequency convention of every ``theta`` in dtwpt. Its *energy
spectrum* is ``E_l(omega) = sum_c |hat V_lc(omega)|^2``, sampled on an
``n_fft x n_fft`` grid (the kernel zero-padded). ``E_l`` is even, since the
kernel is real, so a band at ``theta`` always comes with its mirror at
``-theta``.

Per kernel (:func:`analyze_kernels`):

- **Gabor-likeness** at bandwidth ``kappa`` (:func:`gabor_likeness`): the
  largest share of ``E_l`` inside a periodic ``kappa x kappa`` square together
  with its mirror image, over all positions of the square on the grid. With
  ``kappa = pi / m`` for stride ``m`` this is the statistic of the paper's
  count of Gabor-like channels (AlexNet, ``m = 4``; ResNet, ``m = 2``) and of
  its Table 1 for the DT-CWPT packets (:func:`dtwpt.kernel_metrics.energy_concentration`,
  where the complex packet kernels need no mirror).
- **Characteristic frequency** ``theta``: the energy centroid inside that best
  square, reported in the half-plane ``theta_x > 0`` (or ``theta_x = 0``,
  ``theta_y >= 0``); its **orientation** ``atan2(theta_y, theta_x)`` in
  ``(-pi/2, pi/2]`` (the direction of the wave vector, perpendicular to the
  stripes) and its radial frequency ``|theta|``.
- **Bandwidth** ``kappa_90``: the side of the smallest square centred at
  ``theta`` (with its mirror) holding 90% of ``E_l``; a finite kernel is never
  exactly band-limited, so this stands in for the ``kappa`` of
  ``J(theta, kappa)`` in the bounds.
- **Monochrome reduction** (Hypothesis 5.1 of the paper,
  :func:`monochrome_reduction`): ``V_lc ~ mu_lc Vbar_l``.
- The complex companion ``W_l`` (:func:`complex_companion`), the predicted
  ``gamma_q(m theta)^2`` and the bounds of Thms 2.9, 3.11 and 4.2
  (:mod:`dtwpt.theory`), and whether ``theta`` is in the pathological zone
  (:func:`pathological_zone`).

References
----------
.. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the Shift Invariance
   of Max Pooling Feature Maps in Convolutional Neural Networks",
   arXiv:2209.11740 (Section 5: multichannel kernels and Hypothesis 5.1;
   v1, Table I: Gabor-like channels of AlexNet and ResNet-34).
"""
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from . import theory
from ._validation import check_int, check_kappa, check_pairs
from .design import hilbert_companion

__all__ = [
    "MonochromeReduction",
    "analyze_kernels",
    "bandwidth",
    "complex_companion",
    "default_fft_size",
    "energy_spectrum",
    "gabor_likeness",
    "monochrome_reduction",
    "pathological_threshold",
    "pathological_zone",
]


def _kernels(V, name="V"):
    V = np.asarray(V)
    if V.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {V.dtype}")
    if V.ndim != 4 or V.shape[-1] != V.shape[-2] or 0 in V.shape:
        raise ValueError(f"{name} must have shape (L, C, k, k) with square kernels, "
                         f"got shape {V.shape}")
    if not np.all(np.isfinite(V)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return V.astype(np.float64)


def _stride(m):
    return check_int(m, "m", 1)


# ----------------------------------------------------------------- Hypothesis 5.1
@dataclass(frozen=True)
class MonochromeReduction:
    """Result of :func:`monochrome_reduction`.

    Each parameter is kept as the attribute of the same name; the formulas
    are those of :func:`monochrome_reduction`.

    Parameters
    ----------
    mean : ndarray, shape (L, k, k)
        ``Vbar_l``, the mean of ``V_lc`` over the input channels ``c``.
    mu : ndarray, shape (L, C)
        Channel weights; NaN for a kernel whose mean is zero.
    delta : ndarray, shape (L, C)
        Relative projection error of each channel, in ``[0, 1]``.
    delta_kernel : ndarray, shape (L,)
        Relative projection error of the whole kernel.

    Examples
    --------
    Kernel 0 is one 5 x 5 kernel weighted per channel (monochrome), kernel 1
    is noise:

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> K = rng.standard_normal((5, 5))
    >>> V = np.stack([np.array([0.5, 1.0, 1.5])[:, None, None] * K,
    ...               rng.standard_normal((3, 5, 5))])
    >>> red = monochrome_reduction(V)
    >>> red.mean.shape, red.mu.shape, red.delta.shape, red.delta_kernel.shape
    ((2, 5, 5), (2, 3), (2, 3), (2,))
    >>> red.mu[0].round(6).tolist(), red.delta_kernel.round(3).tolist()
    ([0.5, 1.0, 1.5], [0.0, 0.606])
    """

    mean: np.ndarray
    mu: np.ndarray
    delta: np.ndarray
    delta_kernel: np.ndarray


def monochrome_reduction(V: ArrayLike) -> MonochromeReduction:
    r"""Fit ``V_lc ~ mu_lc Vbar_l`` (the paper's monochrome Hypothesis 5.1).

    With ``Vbar_l = (1/C) sum_c V_lc`` (the mean kernel),

    - ``mu_lc = <Vbar_l, V_lc> / ||Vbar_l||^2``, the least-squares weight of
      ``Vbar_l`` in channel ``c``; ``mean_c mu_lc = 1`` exactly;
    - ``delta_lc = 1 - <Vbar_l, V_lc>^2 / (||Vbar_l||^2 ||V_lc||^2)``, the
      relative projection error of channel ``c`` (the squared sine of the angle
      between ``V_lc`` and ``Vbar_l``; the paper reports ``delta <= 0.1``, mean
      about 1e-2, on AlexNet's Gabor-like channels);
    - ``delta_kernel_l = ||V_l - mu_l (x) Vbar_l||^2 / ||V_l||^2``
      ``= sum_c ||V_lc||^2 delta_lc / sum_c ||V_lc||^2``.

    Where the hypothesis holds, kernel ``l`` acts on an image ``X`` of ``C``
    channels as ``Vbar_l`` acts on the monochrome image ``sum_c mu_lc X_c``:
    ``sum_c X_c * V_lc = (sum_c mu_lc X_c) * Vbar_l``. (For RGB,
    ``mu_lc / 3`` are luminance weights summing to 1, to compare with
    0.299, 0.587, 0.114.)

    Parameters
    ----------
    V : array_like, shape (L, C, k, k)
        Real kernels.

    Returns
    -------
    MonochromeReduction
        ``delta`` is 1 where a channel or the mean kernel is zero, ``mu``
        NaN where the mean kernel is zero.

    Raises
    ------
    TypeError
        If ``V`` does not hold real numbers (complex, string or object dtype).
    ValueError
        If ``V`` is not of shape (L, C, k, k) with square, non-empty kernels, or holds
        NaN or infinite values.

    References
    ----------
    .. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the Shift Invariance
       of Max Pooling Feature Maps in Convolutional Neural Networks",
       arXiv:2209.11740.

    Examples
    --------
    >>> import numpy as np
    >>> K = np.random.default_rng(0).standard_normal((5, 5))
    >>> V = np.array([0.5, 1.0, 1.5])[None, :, None, None] * K
    >>> red = monochrome_reduction(V)
    >>> red.mu.round(6).tolist(), float(red.delta.max()) < 1e-12
    ([[0.5, 1.0, 1.5]], True)
    """
    V = _kernels(V)
    mean = V.mean(axis=1)
    inner = np.einsum("lcyx,lyx->lc", V, mean)
    mean_sq = np.einsum("lyx,lyx->l", mean, mean)[:, None]
    chan_sq = np.einsum("lcyx,lcyx->lc", V, V)
    with np.errstate(divide="ignore", invalid="ignore"):
        mu = np.where(mean_sq > 0, inner / mean_sq, np.nan)
        cos_sq = np.where((mean_sq > 0) & (chan_sq > 0), inner ** 2 / (mean_sq * chan_sq), 0.0)
        delta = np.clip(1.0 - cos_sq, 0.0, 1.0)
        total = chan_sq.sum(axis=1)
        delta_kernel = np.where(total > 0, (chan_sq * delta).sum(axis=1) / total, 1.0)
    return MonochromeReduction(mean, mu, delta, delta_kernel)


# ----------------------------------------------------------------- spectra
def default_fft_size(kernel_size: int, m: int) -> int:
    """DFT grid for the spectra: a power of two >= 4 k, with ``pi/m`` a whole number of bins.

    Parameters
    ----------
    kernel_size : int
        The kernels' side ``k``.
    m : int
        Stride; ``kappa = pi / m`` must span a whole number of bins.

    Returns
    -------
    int
        The grid side.

    Raises
    ------
    TypeError
        If ``m`` is not an integer (a bool or a float included).
    ValueError
        If ``m`` is smaller than 1.

    Examples
    --------
    >>> default_fft_size(11, 4), default_fft_size(7, 2)
    (64, 32)
    """
    n = 8 * _stride(m)
    while n < 4 * kernel_size:
        n *= 2
    return n


def energy_spectrum(V: ArrayLike, n_fft: int) -> np.ndarray:
    """``E_l(omega) = sum_c |hat V_lc(omega)|^2`` on an ``n_fft x n_fft`` grid.

    Parameters
    ----------
    V : array_like, shape (L, C, k, k)
        Real kernels.
    n_fft : int
        Grid size, at least ``k``. Index ``i`` is ``omega = 2 pi i / n_fft``
        modulo ``2 pi`` (DFT order) on both axes.

    Returns
    -------
    ndarray, shape (L, n_fft, n_fft), float64
        ``E[l, i_y, i_x]``; its sum is ``n_fft**2 ||V_l||^2`` (Parseval).

    Raises
    ------
    TypeError
        If ``V`` does not hold real numbers (complex, string or object dtype), or
        ``n_fft`` is not an integer.
    ValueError
        If ``V`` is not of shape (L, C, k, k) with square, non-empty kernels, or holds
        NaN or infinite values; or ``n_fft`` is smaller than ``k``.

    Examples
    --------
    >>> import numpy as np
    >>> V = np.random.default_rng(0).standard_normal((2, 3, 5, 5))
    >>> E = energy_spectrum(V, 16)
    >>> bool(np.allclose(E.sum(axis=(1, 2)), 16 ** 2 * (V ** 2).sum(axis=(1, 2, 3))))
    True
    """
    V = _kernels(V)
    n_fft = check_int(n_fft, "n_fft", V.shape[-1], why=" (at least the kernel size)")
    # hat V(omega_k) = sum_t V[t] exp(+2 pi i k t / n): n**2 times the inverse DFT
    response = np.fft.ifft2(V, s=(n_fft, n_fft)) * n_fft ** 2
    return (response.real ** 2 + response.imag ** 2).sum(axis=1)


def _window_bins(kappa, n):
    kappa = check_kappa(kappa)
    return int(min(n, max(1, round(kappa * n / (2 * np.pi)))))


def _box_masks(n, w):
    """Row ``i``: indicator of the periodic interval ``[i, i + w)``, and of its mirror's meet."""
    idx = np.arange(n)
    box = ((idx[None, :] - idx[:, None]) % n < w).astype(np.float64)
    mirror = box[:, (-idx) % n]
    return box, box * mirror


def _best_windows(E, w):
    """Per kernel: best window start ``(i_y, i_x)`` and its share (window plus mirror)."""
    n = E.shape[-1]
    box, meet = _box_masks(n, w)
    union = 2 * (box @ E @ box.T) - meet @ E @ meet.T  # sums over every square position
    flat = union.reshape(len(E), -1)
    best = flat.argmax(axis=1)
    total = E.sum(axis=(1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total > 0, flat[np.arange(len(E)), best] / total, np.nan)
    return np.stack(np.divmod(best, n), axis=1), share


def _wrap(omega):
    return (omega + np.pi) % (2 * np.pi) - np.pi


def _half_plane(theta):
    """``theta`` or ``-theta``, whichever has ``theta_x > 0`` (or ``= 0`` and ``theta_y >= 0``)."""
    theta = np.where(np.abs(theta) < 1e-9, 0.0, theta)  # rounding noise around an axis
    flip = (theta[:, 1] < 0) | ((theta[:, 1] == 0) & (theta[:, 0] < 0))
    return np.where(flip[:, None], -theta, theta)


def _centroids(E, starts, w):
    """Energy centroid of each kernel's best window, wrapped to ``[-pi, pi)``."""
    n = E.shape[-1]
    d = np.arange(w)
    theta = np.empty((len(E), 2))
    for l, (iy, ix) in enumerate(starts):
        rows, cols = (iy + d) % n, (ix + d) % n
        patch = E[l][np.ix_(rows, cols)]
        mass = patch.sum()
        if mass <= 0:
            theta[l] = np.nan
            continue
        offset = (patch.sum(axis=1) @ d / mass, patch.sum(axis=0) @ d / mass)
        theta[l] = _wrap(2 * np.pi * (np.array([iy, ix]) + offset) / n)
    return _half_plane(theta)


def gabor_likeness(V: ArrayLike, kappa: float, *,
                   n_fft: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Largest share of each kernel's energy in a ``kappa x kappa`` square and its mirror.

    Parameters
    ----------
    V : array_like, shape (L, C, k, k)
        Real kernels.
    kappa : float
        Side of the square in radians per sample, in ``(0, 2 pi]``; it is
        rounded to a whole number of DFT bins (at least one).
    n_fft : int, optional
        DFT grid; default ``max(64, power of two >= 4 k)``.

    Returns
    -------
    share : ndarray, shape (L,)
        In ``[0, 1]``; NaN for an all-zero kernel.
    theta : ndarray, shape (L, 2)
        Energy centroid ``(theta_y, theta_x)`` in the best square, in the
        half-plane ``theta_x >= 0``.

    Raises
    ------
    TypeError
        If ``V`` does not hold real numbers (complex, string or object dtype); ``kappa``
        is not a real number (a bool included); or ``n_fft`` is not an integer.
    ValueError
        If ``V`` is not of shape (L, C, k, k) with square, non-empty kernels, or holds
        NaN or infinite values; ``kappa`` is not finite or lies outside ``(0, 2 pi]``; or
        ``n_fft`` is smaller than ``k``.

    References
    ----------
    .. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the Shift Invariance
       of Max Pooling Feature Maps in Convolutional Neural Networks",
       arXiv:2209.11740.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(-15, 16)
    >>> g = np.exp(-(t[:, None] ** 2 + t[None, :] ** 2) / 72) * np.cos(np.pi / 2 * t)[None, :]
    >>> share, theta = gabor_likeness(g[None, None], np.pi / 2)
    >>> bool(share[0] > 0.95), np.round(theta[0] / np.pi, 2).tolist()
    (True, [0.0, 0.5])
    """
    V = _kernels(V)
    n = n_fft if n_fft is not None else max(64, default_fft_size(V.shape[-1], 1))
    E = energy_spectrum(V, n)
    w = _window_bins(kappa, n)
    starts, share = _best_windows(E, w)
    return share, _centroids(E, starts, w)


def bandwidth(V: ArrayLike, theta: ArrayLike, *, n_fft: int = 64,
              level: float = 0.9) -> np.ndarray:
    """Side of the smallest square at ``theta`` (with its mirror) holding ``level`` of the energy.

    Parameters
    ----------
    V : array_like, shape (L, C, k, k)
        Real kernels.
    theta : array_like, shape (L, 2)
        Centre of each kernel's square.
    n_fft : int, optional
        DFT grid of the spectrum.
    level : float, optional
        Share of the energy, in ``(0, 1]``.

    Returns
    -------
    ndarray, shape (L,)
        ``kappa`` in ``[0, 2 pi]``: twice the energy-weighted ``level``-quantile
        of the Chebyshev distance from ``omega`` to ``{theta, -theta}``
        (periodic).

    Raises
    ------
    TypeError
        If ``V`` does not hold real numbers (complex, string or object dtype); ``theta``
        does not hold real numbers; ``n_fft`` is not an integer; or ``level`` is not a
        number that compares with 0 and 1 (e.g. a string or a complex number).
    ValueError
        If ``V`` is not of shape (L, C, k, k) with square, non-empty kernels, or holds
        NaN or infinite values; ``theta`` does not have shape (..., 2), holds NaN or
        infinite values, or does not hold one pair per kernel; ``level`` is not in
        ``(0, 1]`` (NaN included); or ``n_fft`` is smaller than ``k``.

    Examples
    --------
    >>> import numpy as np
    >>> V = np.zeros((1, 1, 9, 9)); V[0, 0, 4, 4] = 1.0   # flat: 90% of the area
    >>> kappa = bandwidth(V, [[0.0, 0.0]])[0]
    >>> bool(abs(kappa - 2 * np.pi * np.sqrt(0.9)) < 2 * np.pi / 64 * 2)
    True
    """
    V = _kernels(V)
    theta = check_pairs(theta, "theta").reshape(-1, 2)
    if len(theta) != len(V):
        raise ValueError(f"theta must hold one pair per kernel ({len(V)}), got {len(theta)}")
    if not 0 < level <= 1:
        raise ValueError(f"level must lie in (0, 1], got {level!r}")
    E = energy_spectrum(V, n_fft)
    w = 2 * np.pi * np.fft.fftfreq(n_fft)
    out = np.empty(len(V))
    for l, (ty, tx) in enumerate(theta):
        dist = np.minimum(
            np.maximum(np.abs(_wrap(w - ty))[:, None], np.abs(_wrap(w - tx))[None, :]),
            np.maximum(np.abs(_wrap(w + ty))[:, None], np.abs(_wrap(w + tx))[None, :]))
        order = np.argsort(dist, axis=None)
        cum = np.cumsum(E[l].ravel()[order])
        if cum[-1] <= 0:
            out[l] = np.nan
            continue
        out[l] = 2 * dist.ravel()[order][np.searchsorted(cum, level * cum[-1] * (1 - 1e-12))]
    return out


# ----------------------------------------------------------------- companion and zones
def complex_companion(V: ArrayLike, theta: ArrayLike) -> np.ndarray:
    """Complex companions ``W_lc = V_lc + 1j H(V_lc)``, one Hilbert direction per kernel.

    Each channel of kernel ``l`` gets :func:`dtwpt.hilbert_companion` with
    ``u = theta_l``, so that ``Re W = V`` and ``W_l`` keeps the side of the
    spectrum around ``theta_l`` (doubled) and drops the mirror. A kernel with
    ``theta_l = 0`` has no side to keep: its ``W_l`` equals ``V_l``.

    Parameters
    ----------
    V : array_like, shape (L, C, k, k)
        Real kernels.
    theta : array_like, shape (L, 2)
        Characteristic frequencies (e.g. from :func:`analyze_kernels`).

    Returns
    -------
    ndarray, complex128, shape (L, C, k, k)
        ``W``, with ``W.real`` equal to ``V``.

    Raises
    ------
    TypeError
        If ``V`` does not hold real numbers (complex, string or object dtype), or
        ``theta`` does not hold real numbers.
    ValueError
        If ``V`` is not of shape (L, C, k, k) with square, non-empty kernels, or holds
        NaN or infinite values (or taps too large for :func:`dtwpt.hilbert_companion`);
        or ``theta`` does not have shape (..., 2), holds NaN or infinite values,
        or does not hold one pair per kernel.

    References
    ----------
    .. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the Shift Invariance
       of Max Pooling Feature Maps in Convolutional Neural Networks",
       arXiv:2209.11740.

    Examples
    --------
    >>> import numpy as np
    >>> V = np.random.default_rng(0).standard_normal((2, 3, 5, 5))
    >>> W = complex_companion(V, [[0.0, 1.0], [1.0, 0.5]])
    >>> W.shape, bool(np.allclose(W.real, V))
    ((2, 3, 5, 5), True)
    """
    V = _kernels(V)
    theta = check_pairs(theta, "theta").reshape(-1, 2)
    if len(theta) != len(V):
        raise ValueError(f"theta must hold one pair per kernel ({len(V)}), got {len(theta)}")
    return np.stack([hilbert_companion(v, direction=t) for v, t in zip(V, theta)])


def pathological_threshold(*, q: int = 1) -> float:
    """``gamma_q(m theta)^2`` at the centres of the pathological DT-CWPT tiles.

    The packet experiment calls a tile pathological when a corner touches
    ``(2 pi / m) Z^2``; at its centre ``m theta = (pi/4, pi/4)`` modulo
    ``2 pi``, where ``gamma_1^2 = 0.114``, the smallest value it calls
    pathological (the other tile centres give 0.014 and 0.001).

    Parameters
    ----------
    q : int, keyword-only
        Max-pooling half-width.

    Returns
    -------
    float
        ``gamma_q(pi/4, pi/4)^2``.

    Raises
    ------
    TypeError
        If ``q`` is not an integer (a bool or a float included).
    ValueError
        If ``q`` is negative or larger than ``2**51``.

    References
    ----------
    .. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the Shift Invariance
       of Max Pooling Feature Maps in Convolutional Neural Networks",
       arXiv:2209.11740.

    Examples
    --------
    >>> round(pathological_threshold(), 3)
    0.114
    """
    return float(theory.gamma_sq((np.pi / 4, np.pi / 4), q=q))


def pathological_zone(theta: ArrayLike, m: int, *, q: int = 1) -> np.ndarray:
    """Whether ``gamma_q(m theta)^2`` reaches :func:`pathological_threshold`.

    The zone is a neighbourhood of the worst frequencies ``(2 pi / m) Z^2``
    (``gamma^2 = 3/2``), about ``pi / (4 m)`` wide across the diagonals and
    stretched along the axes: with ``m theta_y = 0`` (stripes along y) the
    pooling window sees only three phases, so ``gamma^2`` stays above the
    threshold up to ``m |theta_x|`` of about ``pi / 2`` (and again near ``pi``).

    Parameters
    ----------
    theta : array_like, shape (..., 2)
        Frequencies ``(theta_y, theta_x)``.
    m : int
        Stride.
    q : int, optional
        Max-pooling half-width.

    Returns
    -------
    ndarray of bool, shape (...)
        True where ``theta`` lies in the pathological zone.

    Raises
    ------
    TypeError
        If ``theta`` does not hold real numbers, or ``m`` or ``q`` is not an
        integer (a bool or a float included).
    ValueError
        If ``theta`` is 0-dimensional, its last axis does not have length 2, or it
        holds NaN or infinite values; ``m`` is smaller than 1 or larger than
        ``2**51``; or ``q`` is negative or larger than ``2**51``.

    References
    ----------
    .. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the Shift Invariance
       of Max Pooling Feature Maps in Convolutional Neural Networks",
       arXiv:2209.11740.

    Examples
    --------
    >>> import numpy as np
    >>> pathological_zone([[0.1, 0.1], [0.0, 0.3], [np.pi / 8, np.pi / 8]], 4).tolist()
    [True, True, False]
    """
    theta = check_pairs(theta, "theta")
    m = _stride(m)
    return theory.gamma_sq(m * theta, q=q) >= pathological_threshold(q=q) * (1 - 1e-12)


# ----------------------------------------------------------------- the table
def analyze_kernels(V: ArrayLike, m: int, *, q: int = 1, shift: ArrayLike = (0.0, 1.0),
                    kappa: float | None = None,
                    n_fft: int | None = None) -> dict[str, np.ndarray]:
    """Characterise every kernel of a first layer: one row per kernel.

    Parameters
    ----------
    V : array_like, shape (L, C, k, k)
        Real kernels (e.g. from :func:`dtwpt.weights.load_first_layer`).
    m : int
        Stride of the layer (AlexNet 4, ResNet 2); RMax subsamples by ``m``,
        CMod by ``2 m``.
    q : int, optional
        Max-pooling half-width (3 x 3 pooling: ``q = 1``).
    shift : (float, float), optional
        Shift ``u = (u_y, u_x)`` of the bounds of Thms 2.9 and 4.2.
    kappa : float, optional
        Side of the Gabor window; default ``pi / m``.
    n_fft : int, optional
        DFT grid of the spectra; default :func:`default_fft_size`.

    Returns
    -------
    dict of str to ndarray, each of length L
        ``kernel``; ``gabor_share`` (:func:`gabor_likeness` at ``kappa``);
        ``theta_y``, ``theta_x``, ``frequency`` (``|theta|``), ``orientation``
        (radians); ``bandwidth`` (:func:`bandwidth`, 90%); ``delta`` (the
        kernel's relative projection error), ``delta_channel_max`` (the largest
        over its channels) and ``mu_<c>`` per input channel
        (:func:`monochrome_reduction`); ``gamma_sq`` (``gamma_q(m theta)^2``);
        ``pathological`` (:func:`pathological_zone`); with ``kappa_b = bandwidth``:
        ``bound_applies`` (``kappa_b <= pi/m``, Thm 2.9), ``cmod_shift_bound``
        (Thm 2.9), ``discrepancy_bound`` (Thm 3.11, on ``E[rho^2]``),
        ``rmax_shift_bound`` (Thm 4.2, on ``E[rho_max]``).

    Raises
    ------
    TypeError
        If ``V`` does not hold real numbers (complex, string or object dtype); ``m``,
        ``q`` or ``n_fft`` is not an integer; ``kappa`` is not a real number; or
        ``shift`` does not hold real numbers.
    ValueError
        If ``V`` is not of shape (L, C, k, k) with square, non-empty kernels, or holds
        NaN or infinite values; ``m`` is smaller than 1 or larger than ``2**51``; ``q`` is
        negative or larger than ``2**51``; ``kappa`` is not finite or lies
        outside ``(0, 2 pi]``; ``n_fft`` is smaller than ``k``; or ``shift`` is
        0-dimensional, its last axis does not have length 2, or it holds NaN or
        infinite values.

    References
    ----------
    .. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the Shift Invariance
       of Max Pooling Feature Maps in Convolutional Neural Networks",
       arXiv:2209.11740.

    Examples
    --------
    >>> import numpy as np
    >>> V = np.random.default_rng(0).standard_normal((4, 3, 11, 11))
    >>> table = analyze_kernels(V, 4)
    >>> sorted(table)[:4], table["gamma_sq"].shape
    (['bandwidth', 'bound_applies', 'cmod_shift_bound', 'delta'], (4,))
    """
    V = _kernels(V)
    m = _stride(m)
    kappa = np.pi / m if kappa is None else check_kappa(kappa)
    n = default_fft_size(V.shape[-1], m) if n_fft is None else n_fft
    share, theta = gabor_likeness(V, kappa, n_fft=n)
    theta = np.nan_to_num(theta)
    kappa_b = np.clip(bandwidth(V, theta, n_fft=n), 2 * np.pi / n, 2 * np.pi)
    red = monochrome_reduction(V)
    table = {"kernel": np.arange(len(V)), "gabor_share": share,
             "theta_y": theta[:, 0], "theta_x": theta[:, 1],
             "frequency": np.hypot(theta[:, 0], theta[:, 1]),
             "orientation": np.arctan2(theta[:, 0], theta[:, 1]),
             "bandwidth": kappa_b, "delta": red.delta_kernel,
             "delta_channel_max": red.delta.max(axis=1)}
    for c in range(V.shape[1]):
        table[f"mu_{c}"] = red.mu[:, c]
    table["gamma_sq"] = theory.gamma_sq(m * theta, q=q)
    table["pathological"] = pathological_zone(theta, m, q=q)
    table["bound_applies"] = np.array([theory.bound_applies(k, m) for k in kappa_b])
    table["cmod_shift_bound"] = np.array([theory.cmod_shift_bound(k, shift) for k in kappa_b])
    table["discrepancy_bound"] = np.array(
        [theory.discrepancy_bound(t, k, m, q=q) for t, k in zip(theta, kappa_b)])
    table["rmax_shift_bound"] = np.array(
        [theory.rmax_shift_bound(t, k, m, shift, q=q) for t, k in zip(theta, kappa_b)])
    return table
