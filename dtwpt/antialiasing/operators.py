r"""Anti-aliased pooling of DT-CWPT packets and of any kernel, next to RMax and CMod.

With ``m = 2**(J-1)``, a packet's complex kernel ``W`` (periodic
cross-correlation, the conventions of :func:`dtwpt.rmax_cmod`), its stride-``m``
map ``Z = (X * W) down m`` and ``Y = Re Z = (X * Re W) down m``:

========================  ==============================================  ======
operator                  output ``n`` (input position ``2 m n``)         source
========================  ==============================================  ======
``rmax``                  ``max_{|p|_inf <= q} Y[2n + p]``                [1]_
``cmod``                  ``|Z[2n]|``                                     [1]_
``max_blur``              ``sum_{s,t} b[s] b[t] M[2n + (s, t)]``,         [2]_
                          ``M[k] = max_{|p|_inf <= q} Y[k + p]``
``cmod_blur``             ``sum_{s,t} b[s] b[t] |Z[2n + (s, t)]|``        [4]_
``aps``                   ``M[2n + phase]``, the phase in ``{0, 1}^2``    [3]_
                          of largest ``||M[2 . + phase]||_2``
========================  ==============================================  ======

``b`` is the normalised binomial filter of size 3 ([1, 2, 1] / 4) or 5
([1, 4, 6, 4, 1] / 16); every index wraps around (periodic boundaries); every
output has the shape of CMod's, ``(H / 2m, W / 2m)``; only APS's samples sit
at an adaptive offset of ``m * phase`` input pixels. All five share one
transform (:func:`pooled_packets`) or one set of correlations
(:func:`pooled_conv`).

References
----------
.. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the shift
   invariance of max pooling feature maps in convolutional neural networks",
   arXiv:2209.11740.
.. [2] R. Zhang, "Making convolutional networks shift-invariant again",
   ICML 2019, arXiv:1904.11486.
.. [3] A. Chaman, I. Dokmanić, "Truly shift-invariant convolutional neural
   networks", CVPR 2021, arXiv:2011.14214.
.. [4] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "From CNNs to
   shift-invariant twin models based on complex wavelets", arXiv:2212.00394.
"""
from collections.abc import Sequence

import numpy as np
import pywt
from numpy.typing import ArrayLike

import dtwpt
from dtwpt._validation import check_int
from dtwpt.filters import FilterPair

from .pooling import OPERATORS, pool_all

__all__ = ["pooled_packets", "pooled_conv", "max_blur_pool_conv", "cmod_blur_conv",
           "aps_max_pool_conv"]

_MAX_BASED = ("rmax", "max_blur", "aps")


def pooled_packets(x: ArrayLike, level: int, *, operators: Sequence[str] = OPERATORS,
                   wavelet: str | ArrayLike = "qshift_a",
                   packet_wavelet: str | pywt.Wavelet | FilterPair | None = None,
                   mode: str = "periodization", q: int = 1,
                   blur_size: int = 3) -> dict[str, np.ndarray]:
    """Pooling operators on every DT-CWPT packet of an image, from one transform.

    The stride-``m`` maps are the undecimated complex packets
    ``dtwpt.dtcwpt2(x, level, decimated=False).coeffs``: the max-based
    operators pool their real part, the CMod-based ones their modulus (see the
    module docstring and :func:`dtwpt.antialiasing.pool_all`). ``"rmax"`` and
    ``"cmod"`` equal :func:`dtwpt.rmax_cmod`.

    Parameters
    ----------
    x : array_like, shape (..., H, W)
        Real image(s); float32 stays float32.
    level : int
        J >= 1, ``m = 2**(J-1)``.
    operators : sequence of str, keyword-only
        Names from :data:`OPERATORS`.
    wavelet, packet_wavelet, mode : keyword-only
        As in :func:`dtwpt.dtcwpt2`.
    q : int, keyword-only
        Max-pooling half-width: a ``(2q+1) x (2q+1)`` window.
    blur_size : {3, 5}, keyword-only
        Binomial blur taps.

    Returns
    -------
    dict of str to ndarray, each of shape (..., P, H/2**J, W/2**J)
        Packets in the frequency order of :func:`dtwpt.dtcwpt2`.

    Raises
    ------
    TypeError
        As in :func:`dtwpt.dtcwpt2` (``x`` not real numeric, ``level`` not an
        integer, a bad ``wavelet`` or ``packet_wavelet`` type...); ``q`` or
        ``blur_size`` not an integer.
    ValueError
        As in :func:`dtwpt.dtcwpt2` (``level`` outside [1, 8], ``H`` or ``W``
        not a multiple of ``2**level`` in periodization mode, an unknown
        ``mode`` or wavelet, non-finite values...); ``operators`` empty or
        holding a name not in :data:`OPERATORS`; ``q`` negative or larger than
        the packets' larger side at stride ``m``; ``blur_size`` not 3 or 5.

    References
    ----------
    .. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the shift
       invariance of max pooling feature maps in convolutional neural networks",
       arXiv:2209.11740.
    .. [2] R. Zhang, "Making convolutional networks shift-invariant again",
       ICML 2019, arXiv:1904.11486.
    .. [3] A. Chaman, I. Dokmanić, "Truly shift-invariant convolutional neural
       networks", CVPR 2021, arXiv:2011.14214.
    .. [4] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "From CNNs to
       shift-invariant twin models based on complex wavelets", arXiv:2212.00394.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).standard_normal((32, 32)).astype(np.float32)
    >>> out = pooled_packets(x, 2)
    >>> sorted(out), out["aps"].shape, out["aps"].dtype
    (['aps', 'cmod', 'cmod_blur', 'max_blur', 'rmax'], (32, 8, 8), dtype('float32'))
    >>> ymax, ymod = dtwpt.rmax_cmod(x, 2)
    >>> bool(np.array_equal(out["rmax"], ymax)), bool(np.allclose(out["cmod"], ymod))
    (True, True)
    """
    z = dtwpt.dtcwpt2(x, level, wavelet=wavelet, packet_wavelet=packet_wavelet, mode=mode,
                      decimated=False).coeffs
    return pool_all(z, operators=operators, q=q, blur_size=blur_size)


def _stride_m_map(x, kernel, m, complex_kernel):
    """``(x * K) down m`` (real V) or ``|(x * W) down m|`` (complex W), periodic.

    Built from the public operators at stride ``2m``: the polyphase component
    ``(i, j)`` of the stride-``m`` map is the stride-``2m`` map of ``x``
    translated by ``m (i, j)``, since ``(roll(x, -s) * K)[k] = (x * K)[k + s]``.
    """
    parts = {}
    for i in (0, 1):
        for j in (0, 1):
            moved = np.roll(x, (-m * i, -m * j), axis=(-2, -1))
            parts[i, j] = (dtwpt.cmod_conv(moved, kernel, m) if complex_kernel
                           else dtwpt.rmax_conv(moved, kernel, m, q=0))
    top = parts[0, 0]
    out = np.empty(top.shape[:-2] + (2 * top.shape[-2], 2 * top.shape[-1]), top.dtype)
    for (i, j), part in parts.items():
        out[..., i::2, j::2] = part
    return out


def pooled_conv(x: ArrayLike, V: ArrayLike | None = None, m: int = 1, *,
                W: ArrayLike | None = None, operators: Sequence[str] = OPERATORS, q: int = 1,
                blur_size: int = 3) -> dict[str, np.ndarray]:
    """Pooling operators after the convolution with any kernel(s), like :func:`dtwpt.rmax_conv`.

    The max-based operators (``rmax``, ``max_blur``, ``aps``) pool
    ``(x * V) down m``, the CMod-based ones (``cmod``, ``cmod_blur``)
    ``|(x * W) down m|``, with the periodic cross-correlation of
    :func:`dtwpt.rmax_conv` and :func:`dtwpt.cmod_conv` (whose kernel shapes
    and image layouts they accept); formulas in the module docstring. A
    typical pair is ``W = dtwpt.hilbert_companion(V)``.

    Parameters
    ----------
    x : array_like, shape (..., H, W)
        Real image(s), ``H`` and ``W`` multiples of ``2m``.
    V : array_like, optional
        Real kernel(s), any shape :func:`dtwpt.rmax_conv` accepts ((k, k),
        (L, k, k), or (L, C, k, k) on images (..., C, H, W), channels summed
        before pooling); needed by the max-based operators.
    m : int
        Subsampling factor of the convolution, >= 1.
    W : array_like, keyword-only, optional
        Complex kernel(s), any shape :func:`dtwpt.cmod_conv` accepts; needed by
        the CMod-based operators.
    operators : sequence of str, keyword-only
        Names from :data:`OPERATORS`.
    q : int, keyword-only
        Max-pooling half-width.
    blur_size : {3, 5}, keyword-only
        Binomial blur taps.

    Returns
    -------
    dict of str to ndarray, each of shape (..., [L,] H/(2m), W/(2m))
        The pooled maps, keyed by operator name in the order of ``operators``.

    Raises
    ------
    TypeError
        If a requested max-based operator has no ``V`` or a CMod-based one no
        ``W``; ``m``, ``q`` or ``blur_size`` is not an integer; or as in
        :func:`dtwpt.rmax_conv` / :func:`dtwpt.cmod_conv` (``x`` complex or
        non-numeric, a non-numeric kernel).
    ValueError
        If ``operators`` is empty or holds a name not in :data:`OPERATORS`;
        ``m`` < 1; ``q`` negative or larger than the stride-``m`` map's larger
        side; ``blur_size`` not 3 or 5; or as in :func:`dtwpt.rmax_conv` /
        :func:`dtwpt.cmod_conv` (a kernel of unsupported shape or non-finite
        taps, ``H`` or ``W`` not a multiple of ``2m``, ``m`` too large,
        non-finite values in ``x``).

    References
    ----------
    .. [1] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the shift
       invariance of max pooling feature maps in convolutional neural networks",
       arXiv:2209.11740.
    .. [2] R. Zhang, "Making convolutional networks shift-invariant again",
       ICML 2019, arXiv:1904.11486.
    .. [3] A. Chaman, I. Dokmanić, "Truly shift-invariant convolutional neural
       networks", CVPR 2021, arXiv:2011.14214.
    .. [4] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "From CNNs to
       shift-invariant twin models based on complex wavelets", arXiv:2212.00394.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).standard_normal((16, 16))
    >>> V = np.random.default_rng(1).standard_normal((5, 5))
    >>> out = pooled_conv(x, V, 2, W=dtwpt.hilbert_companion(V))
    >>> out["max_blur"].shape
    (4, 4)
    >>> bool(np.allclose(out["rmax"], dtwpt.rmax_conv(x, V, 2)))
    True
    """
    operators = tuple(operators)
    unknown = [op for op in operators if op not in OPERATORS]
    if unknown or not operators:
        raise ValueError(f"operators must be names from {OPERATORS}, got {operators!r}")
    m = check_int(m, "m", 1)
    maps = {}
    for kernel, name, wanted in ((V, "V", set(_MAX_BASED)), (W, "W", {"cmod", "cmod_blur"})):
        chosen = [op for op in operators if op in wanted]
        if not chosen:
            continue
        if kernel is None:
            raise TypeError(f"operators {chosen} need the kernel {name}; pass {name}=...")
        z = _stride_m_map(x, kernel, m, complex_kernel=name == "W")
        maps.update(pool_all(z, operators=chosen, q=q, blur_size=blur_size))
    return {op: maps[op] for op in operators}


def max_blur_pool_conv(x: ArrayLike, V: ArrayLike, m: int, *, q: int = 1,
                       blur_size: int = 3) -> np.ndarray:
    """MaxBlurPool after a real kernel: ``blur(MaxFilter_q((x * V) down m))[2n]``.

    Zhang's anti-aliased max pooling [2]_: a stride-1 max over the
    ``(2q+1)**2`` window, a binomial blur, then subsampling by 2; periodic.

    Parameters
    ----------
    x : array_like, shape (..., H, W), or (..., C, H, W) for kernels (L, C, k, k)
        Real image(s); ``H`` and ``W`` multiples of ``2m``.
    V : array_like, shape (k, k), (L, k, k) or (L, C, k, k)
        Real kernel(s), as in :func:`dtwpt.rmax_conv`; ``C`` input channels
        are summed before pooling.
    m : int
        Subsampling factor >= 1 of the convolution; the output is subsampled
        by ``2m`` overall.
    q : int, keyword-only
        Pooling half-width >= 0: a ``(2q+1) x (2q+1)`` window.
    blur_size : {3, 5}, keyword-only
        Binomial blur taps.

    Returns
    -------
    ndarray, shape (..., [L,] H/(2m), W/(2m))
        The MaxBlurPool output, on CMod's grid.

    Raises
    ------
    TypeError
        If ``m``, ``q`` or ``blur_size`` is not an integer, or ``x`` or ``V``
        is complex or non-numeric (as in :func:`dtwpt.rmax_conv`).
    ValueError
        If ``blur_size`` is not 3 or 5, ``q`` is negative or larger than the
        stride-``m`` map's larger side, or as in :func:`dtwpt.rmax_conv`
        (``V`` of unsupported shape or non-finite, ``m`` out of range, ``H`` or
        ``W`` not a multiple of ``2m``, non-finite values in ``x``).

    References
    ----------
    .. [2] R. Zhang, "Making convolutional networks shift-invariant again",
       ICML 2019, arXiv:1904.11486.

    Examples
    --------
    >>> import numpy as np
    >>> max_blur_pool_conv(np.ones((8, 8)), np.ones((3, 3)), 2)
    array([[9., 9.],
           [9., 9.]])
    """
    return pooled_conv(x, V, m, operators=("max_blur",), q=q, blur_size=blur_size)["max_blur"]


def cmod_blur_conv(x: ArrayLike, W: ArrayLike, m: int, *, blur_size: int = 3) -> np.ndarray:
    """CMod + Blur after a complex kernel: ``blur(|(x * W) down m|)[2n]``.

    The modulus at stride ``m``, blurred, subsampled by 2 (the CMod + Blur
    models of [4]_); periodic.

    Parameters
    ----------
    x : array_like, shape (..., H, W), or (..., C, H, W) for kernels (L, C, k, k)
        Real image(s); ``H`` and ``W`` multiples of ``2m``.
    W : array_like, shape (k, k), (L, k, k) or (L, C, k, k)
        Complex kernel(s), as in :func:`dtwpt.cmod_conv`; ``C`` input
        channels are summed before the modulus.
    m : int
        Subsampling factor >= 1 of the convolution; the output is subsampled
        by ``2m`` overall.
    blur_size : {3, 5}, keyword-only
        Binomial blur taps.

    Returns
    -------
    ndarray, shape (..., [L,] H/(2m), W/(2m))
        The blurred modulus, subsampled by 2 (real).

    Raises
    ------
    TypeError
        If ``m`` or ``blur_size`` is not an integer, ``x`` is complex or
        non-numeric, or ``W`` is non-numeric (as in :func:`dtwpt.cmod_conv`).
    ValueError
        If ``blur_size`` is not 3 or 5, or as in :func:`dtwpt.cmod_conv`
        (``W`` of unsupported shape or non-finite, ``m`` out of range, ``H`` or
        ``W`` not a multiple of ``2m``, non-finite values in ``x``).

    References
    ----------
    .. [4] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "From CNNs to
       shift-invariant twin models based on complex wavelets", arXiv:2212.00394.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.ones((8, 8))
    >>> bool(np.allclose(cmod_blur_conv(x, np.ones((3, 3)) + 0j, 1), 9.0))
    True
    """
    return pooled_conv(x, None, m, W=W, operators=("cmod_blur",),
                       blur_size=blur_size)["cmod_blur"]


def aps_max_pool_conv(x: ArrayLike, V: ArrayLike, m: int, *, q: int = 1) -> np.ndarray:
    """Max pooling with adaptive polyphase sampling after a real kernel.

    ``M = MaxFilter_q((x * V) down m)`` at stride 1, then the polyphase
    component ``M[2n + phase]`` of largest l2 norm, each map (each kernel and
    image) choosing its phase, ties to the first of (0, 0), (0, 1), (1, 0),
    (1, 1) (:func:`dtwpt.antialiasing.aps_downsample`); periodic [3]_.

    Parameters
    ----------
    x : array_like, shape (..., H, W), or (..., C, H, W) for kernels (L, C, k, k)
        Real image(s); ``H`` and ``W`` multiples of ``2m``.
    V : array_like, shape (k, k), (L, k, k) or (L, C, k, k)
        Real kernel(s), as in :func:`dtwpt.rmax_conv`; ``C`` input channels
        are summed before pooling.
    m : int
        Subsampling factor >= 1 of the convolution; the output is subsampled
        by ``2m`` overall.
    q : int, keyword-only
        Pooling half-width >= 0: a ``(2q+1) x (2q+1)`` window.

    Returns
    -------
    ndarray, shape (..., [L,] H/(2m), W/(2m))
        The max-pooled map(s) at their chosen polyphase offset.

    Raises
    ------
    TypeError
        If ``m`` or ``q`` is not an integer, or ``x`` or ``V`` is complex or
        non-numeric (as in :func:`dtwpt.rmax_conv`).
    ValueError
        If ``q`` is negative or larger than the stride-``m`` map's larger side,
        or as in :func:`dtwpt.rmax_conv` (``V`` of unsupported shape or
        non-finite, ``m`` out of range, ``H`` or ``W`` not a multiple of
        ``2m``, non-finite values in ``x``).

    References
    ----------
    .. [3] A. Chaman, I. Dokmanić, "Truly shift-invariant convolutional neural
       networks", CVPR 2021, arXiv:2011.14214.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).standard_normal((16, 16))
    >>> V = np.random.default_rng(1).standard_normal((3, 3))
    >>> y = aps_max_pool_conv(x, V, 1)
    >>> y_rolled = aps_max_pool_conv(np.roll(x, 3, axis=1), V, 1)
    >>> any(np.allclose(np.roll(y, d, axis=1), y_rolled) for d in (1, 2))
    True
    """
    return pooled_conv(x, V, m, operators=("aps",), q=q)["aps"]
