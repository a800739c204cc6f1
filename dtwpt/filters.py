"""Q-shift filter families and the filter banks of the dual-tree packet transform.

All filters are stored as **cross-correlation weights**: filtering a signal ``x``
of length ``N`` with ``f`` at stride ``s`` gives
``y[n] = sum_k x[(s*n + k) mod N] * f[k]``.

From a Q-shift low-pass ``h0a`` of even length ``L``:

- tree a: ``ha = h0a[::-1]``, ``ga[n] = (-1)**(n+1) * ha[L-1-n]``;
- tree b: ``hb = h0a``, ``gb[n] = (-1)**n * ha[n]`` (the time reverse of tree a);
- first stage (length ``L+2``): tree a ``low = [0, 0, ha]``, ``high = [ga, 0, 0]``;
  tree b ``low = [0, ha, 0]``, ``high = [0, -ga, 0]`` (a one-sample offset);
- packet stage ``(h, g)``: ``(ha, ga)`` by default, or any orthonormal
  PyWavelets wavelet.

References
----------
.. [1] N. G. Kingsbury, "Design of Q-shift complex wavelets for image
   processing using frequency domain energy minimization", ICIP 2003.
.. [2] I. Bayram, I. W. Selesnick, "On the dual-tree complex wavelet packet and
   M-band transforms", IEEE Trans. Signal Process. 56(6), 2008.
"""
from dataclasses import dataclass

import numpy as np
import pywt
from numpy.typing import ArrayLike

__all__ = [
    "FilterPair",
    "DualTreeFilters",
    "list_wavelets",
    "qshift_lowpass",
    "dual_tree_filters",
]

_QSHIFT_H0A = {
    "qshift_06": (
        0.03516383657149474, 0.0, -0.08832942445107285, 0.23389032060723564,
        0.7602723690661257, 0.5875182977235605, 0.0, -0.11430183714424873, 0.0, 0.0,
    ),
    "qshift_a": (
        0.051130405283831656, -0.013975370246888838, -0.10983605166597087,
        0.26383956105893763, 0.7666284677930372, 0.5636557101270515,
        0.0008736226952170968, -0.1002312195074762, -0.0016896812725281543,
        -0.006181881892116438,
    ),
    "qshift_b": (
        0.003253142763653182, -0.00388321199915849, 0.03466034684485349,
        -0.03887280126882779, -0.11720388769911527, 0.27529538466888204,
        0.7561456438925225, 0.5688104207121227, 0.011866092033797,
        -0.1067118046866654, 0.023825384794920298, 0.01702522388155399,
        -0.005439475937274115, -0.004556895628475491,
    ),
    "qshift_c": (
        -0.0047616119384559135, -0.00044602278926228516, -7.144197327965012e-05,
        0.034914612306842195, -0.03727389579989796, -0.11591145742744076,
        0.2763686431330317, 0.7563937651990367, 0.567134484100133,
        0.01463740596447335, -0.11255888425752203, 0.02228926326692271,
        0.018498682724156248, -0.0072026778782583465, -0.0002276522058977718,
        0.002430349945148675,
    ),
    "qshift_d": (
        -0.002284127440270531, 0.0012098941630734423, -0.011834794515430786,
        0.0012834569993443994, 0.044365221606616996, -0.05327610880304726,
        -0.1133058863621428, 0.2809028632221865, 0.7528160380878561,
        0.5658080673964587, 0.024550152433666563, -0.12018854471079482,
        0.018156493945546453, 0.03152637712208465, -0.006628794612430063,
        -0.0025761743066007948, 0.0012775586538069982, 0.002411869456666278,
    ),
}

_ORTHO_TOL = 1e-10


@dataclass(frozen=True)
class FilterPair:
    """A two-channel analysis pair (cross-correlation weights, same length).

    Filtering ``x`` with a pair at stride 2 gives ``sum_k x[2n + k] low[k]``
    and ``sum_k x[2n + k] high[k]`` (the module's convention: the reverse of
    PyWavelets' convolution filters). :func:`dual_tree_filters` builds the
    transform's pairs; a user pair passed as ``packet_wavelet`` must form an
    orthonormal two-channel filter bank (checked there). ``len(pair)`` is the
    filters' length.

    Parameters
    ----------
    low : ndarray, shape (L,)
        Low-pass weights ``h``, stored as the attribute ``low``.
    high : ndarray, shape (L,)
        High-pass weights ``g``, stored as the attribute ``high``.

    Examples
    --------
    PyWavelets' ``db2`` as a pair (its low-pass reversed, the high-pass its
    alternating flip ``g[n] = (-1)**(n+1) h[L-1-n]``) gives the same packets
    as the name:

    >>> import numpy as np, pywt, dtwpt
    >>> h = np.asarray(pywt.Wavelet("db2").dec_lo)[::-1]
    >>> pair = FilterPair(h, (-1.0) ** (np.arange(4) + 1) * h[::-1])
    >>> len(pair)
    4
    >>> x = np.random.default_rng(0).standard_normal((32, 32))
    >>> by_pair = dtwpt.dtcwpt2(x, 3, packet_wavelet=pair).coeffs
    >>> bool(np.allclose(by_pair, dtwpt.dtcwpt2(x, 3, packet_wavelet="db2").coeffs))
    True
    """

    low: np.ndarray
    high: np.ndarray

    def __len__(self):
        return self.low.size


@dataclass(frozen=True)
class DualTreeFilters:
    """Every filter pair the dual-tree packet transform uses.

    Built by :func:`dual_tree_filters`; each parameter is kept as the
    attribute of the same name.

    Parameters
    ----------
    name : str
        The Q-shift family (``"custom"`` for a user low-pass).
    packet_name : str
        The packet-stage wavelet (``"tree_a"`` when it is the Q-shift tree-a pair).
    h0a : ndarray
        The Q-shift low-pass it was built from.
    first_a, first_b : FilterPair
        First-stage pairs of trees a and b (length ``L + 2``).
    qshift_a, qshift_b : FilterPair
        ``(ha, ga)`` and ``(hb, gb)``.
    packet : FilterPair
        ``(h, g)``, shared by both trees below a main-stage high-pass.

    Examples
    --------
    >>> f = dual_tree_filters("qshift_b", packet_wavelet="db2")
    >>> f.name, f.packet_name, len(f.h0a), len(f.first_a), len(f.qshift_b), len(f.packet)
    ('qshift_b', 'db2', 14, 16, 14, 4)
    """

    name: str
    packet_name: str
    h0a: np.ndarray
    first_a: FilterPair
    first_b: FilterPair
    qshift_a: FilterPair
    qshift_b: FilterPair
    packet: FilterPair


def list_wavelets() -> list[str]:
    """Names of the built-in Q-shift families (the ``wavelet`` argument).

    The ``packet_wavelet`` argument of the transforms is separate: ``None``
    (the tree-a Q-shift pair, the default), the name of any orthogonal
    PyWavelets wavelet (``pywt.wavelist(kind="discrete")`` entries whose
    ``pywt.Wavelet(name).orthogonal`` is true: ``"haar"``, ``"dbN"``,
    ``"symN"``, ``"coifN"``, ...), a ``pywt.Wavelet`` object of that kind, or
    a :class:`FilterPair` forming an orthonormal two-channel filter bank.

    The packet pair only splits the nodes below a main-stage high-pass from
    depth 2 on (see :mod:`dtwpt.tree`), that is in the third filtering stage:
    at levels 1 and 2 the transform uses the first-stage and Q-shift filters
    only and ``packet_wavelet`` has no effect; it applies from level 3 on.

    Returns
    -------
    list of str
        The family names, sorted.

    References
    ----------
    .. [1] N. G. Kingsbury, "Complex wavelets for shift invariant analysis and
       filtering of signals", Appl. Comput. Harmon. Anal. 10(3), 2001.
    .. [2] N. G. Kingsbury, "Design of Q-shift complex wavelets for image
       processing using frequency domain energy minimization", ICIP 2003.

    Examples
    --------
    >>> list_wavelets()
    ['qshift_06', 'qshift_a', 'qshift_b', 'qshift_c', 'qshift_d']
    """
    return sorted(_QSHIFT_H0A)


def _orthonormality_error(h):
    """Largest deviation of ``sum_k h[k] h[k + 2l]`` from ``delta_l``."""
    full = np.correlate(h, h, mode="full")
    centre = h.size - 1
    even_lags = full[centre % 2::2]
    target = np.zeros_like(even_lags)
    target[(centre - centre % 2) // 2] = 1.0
    return float(np.max(np.abs(even_lags - target)))


def _validated_lowpass(h, what):
    h = np.asarray(h)
    if h.dtype.kind not in "iuf":
        raise TypeError(f"{what} must be a 1D real array, got dtype {h.dtype}")
    if h.ndim != 1:
        raise ValueError(f"{what} must be a 1D real array, got shape {h.shape}")
    h = h.astype(np.float64)
    if h.size < 2 or h.size % 2:
        raise ValueError(f"{what} must have an even length >= 2, got length {h.size}")
    if not np.all(np.isfinite(h)):
        raise ValueError(f"{what} has non-finite coefficients")
    err = _orthonormality_error(h)
    if err > _ORTHO_TOL:
        raise ValueError(
            f"{what} is not orthonormal: sum_k h[k] h[k+2l] deviates from delta_l "
            f"by {err:.3g} (allowed {_ORTHO_TOL:g})"
        )
    if abs(h.sum() - np.sqrt(2.0)) > 1e-8:
        raise ValueError(f"{what} must be a low-pass with sum sqrt(2), got sum {h.sum():.6g}")
    return h


def qshift_lowpass(wavelet: str | ArrayLike = "qshift_a") -> np.ndarray:
    """The Q-shift low-pass ``h0a`` of a family, or a validated user filter.

    Parameters
    ----------
    wavelet : str or array_like
        A name from :func:`list_wavelets`, or an orthonormal low-pass of even
        length (``sum h = sqrt 2``, ``sum_k h[k] h[k+2l] = delta_l`` to 1e-10).

    Returns
    -------
    ndarray of float64
        The low-pass ``h0a`` (a new array).

    Raises
    ------
    TypeError
        An array (or other object) whose dtype is not real: complex, bool,
        object or string.
    ValueError
        An unknown name; an array that is not 1D, of odd length or shorter
        than 2, with non-finite coefficients, not orthonormal to 1e-10, or
        whose sum is not ``sqrt 2`` to 1e-8.

    References
    ----------
    .. [1] N. G. Kingsbury, "Complex wavelets for shift invariant analysis and
       filtering of signals", Appl. Comput. Harmon. Anal. 10(3), 2001.
    .. [2] N. G. Kingsbury, "Design of Q-shift complex wavelets for image
       processing using frequency domain energy minimization", ICIP 2003.

    Examples
    --------
    >>> qshift_lowpass("qshift_b").size
    14
    """
    if isinstance(wavelet, str):
        try:
            return np.array(_QSHIFT_H0A[wavelet])
        except KeyError:
            raise ValueError(
                f"unknown wavelet {wavelet!r}; choose one of {list_wavelets()} "
                "or pass an orthonormal Q-shift low-pass array"
            ) from None
    return _validated_lowpass(wavelet, "the Q-shift low-pass")


def _alternating_flip(h):
    """High-pass ``g[n] = (-1)**(n+1) h[L-1-n]`` of an orthonormal low-pass."""
    n = np.arange(h.size)
    return (-1.0) ** (n + 1) * h[::-1]


def _check_pair(low, high):
    """A custom packet pair must be an orthonormal two-channel filter bank."""
    high = np.asarray(high)
    if high.dtype.kind not in "iuf" or high.ndim != 1 or high.size != low.size:
        raise ValueError(f"packet_wavelet high-pass must be a 1D real array of the low-pass's "
                         f"length {low.size}, got dtype {high.dtype} and shape {high.shape}")
    high = high.astype(np.float64)
    if not np.all(np.isfinite(high)):
        raise ValueError("packet_wavelet high-pass has non-finite coefficients")
    # sum_k g[k] g[k + 2l] = delta_l and sum_k h[k] g[k + 2l] = 0 for every l
    cross = np.correlate(high, low, mode="full")[(low.size - 1) % 2 :: 2]
    err = max(_orthonormality_error(high), float(np.max(np.abs(cross))))
    if err > _ORTHO_TOL:
        raise ValueError(
            "packet_wavelet high-pass does not make an orthonormal filter bank with its "
            f"low-pass (error {err:.3g}, allowed {_ORTHO_TOL:g}); the alternating flip "
            "g[n] = (-1)**(n+1) h[L-1-n] of the low-pass does"
        )
    return high


def _pywt_pair(w, what):
    if not w.orthogonal:
        raise ValueError(
            f"{what} is not orthogonal; the packet stage needs an orthonormal filter bank"
        )
    # PyWavelets filters by convolution: its weights reversed are ours.
    h = _validated_lowpass(np.asarray(w.dec_lo)[::-1], what)
    return FilterPair(h, _alternating_flip(h))


def _packet_pair(packet_wavelet, tree_a):
    if packet_wavelet is None:
        return "tree_a", tree_a
    if isinstance(packet_wavelet, str):
        try:
            w = pywt.Wavelet(packet_wavelet)
        except ValueError:
            raise ValueError(
                f"unknown packet_wavelet {packet_wavelet!r}; use None for the Q-shift "
                "tree-a pair or an orthogonal PyWavelets name such as 'db5' or 'sym4'"
            ) from None
        return packet_wavelet, _pywt_pair(w, f"packet_wavelet {packet_wavelet!r}")
    if isinstance(packet_wavelet, pywt.Wavelet):
        name = packet_wavelet.name or "custom"
        return name, _pywt_pair(packet_wavelet, f"packet_wavelet pywt.Wavelet({name!r})")
    if isinstance(packet_wavelet, FilterPair):
        low = _validated_lowpass(packet_wavelet.low, "packet_wavelet low-pass")
        return "custom", FilterPair(low, _check_pair(low, packet_wavelet.high))
    raise TypeError(
        f"packet_wavelet must be None, a PyWavelets name or Wavelet, or a FilterPair, "
        f"got {type(packet_wavelet).__name__}"
    )


def dual_tree_filters(wavelet: str | ArrayLike = "qshift_a",
                      packet_wavelet: str | pywt.Wavelet | FilterPair | None = None
                      ) -> DualTreeFilters:
    """All filter pairs of the dual-tree packet transform.

    Parameters
    ----------
    wavelet : str or array_like
        Q-shift family name (see :func:`list_wavelets`) or an orthonormal
        Q-shift low-pass ``h0a``.
    packet_wavelet : None, str, pywt.Wavelet or FilterPair
        Pair used below a main-stage high-pass (from level 3 on, see
        :func:`list_wavelets`); ``None`` means the tree-a Q-shift pair
        ``(ha, ga)``, a string or ``pywt.Wavelet`` any orthogonal PyWavelets
        wavelet (e.g. ``"db5"``), a FilterPair an orthonormal filter bank.

    Returns
    -------
    DualTreeFilters
        The first-stage, Q-shift and packet-stage pairs of both trees, with
        the names and the low-pass they were built from.

    Raises
    ------
    TypeError
        A ``wavelet`` that :func:`qshift_lowpass` refuses with a TypeError;
        a ``packet_wavelet`` that is not None, a str, a ``pywt.Wavelet`` or a
        FilterPair, or a FilterPair whose low-pass is not real.
    ValueError
        A ``wavelet`` that :func:`qshift_lowpass` refuses with a ValueError;
        a ``packet_wavelet`` name that PyWavelets does not know as a discrete
        wavelet, a non-orthogonal PyWavelets wavelet, or a FilterPair whose
        low-pass :func:`qshift_lowpass` would refuse or whose high-pass is not
        a finite 1D real array of the same length forming an orthonormal
        filter bank with it.

    References
    ----------
    .. [1] N. G. Kingsbury, "Complex wavelets for shift invariant analysis and
       filtering of signals", Appl. Comput. Harmon. Anal. 10(3), 2001.
    .. [2] I. Bayram, I. W. Selesnick, "On the dual-tree complex wavelet packet
       and M-band transforms", IEEE Trans. Signal Process. 56(6), 2008.

    Examples
    --------
    >>> f = dual_tree_filters("qshift_a")
    >>> len(f.first_a), len(f.qshift_a)
    (12, 10)
    >>> bool(abs(f.qshift_a.low.sum() - 2 ** 0.5) < 1e-12)
    True
    """
    h0a = qshift_lowpass(wavelet)
    name = wavelet if isinstance(wavelet, str) else "custom"
    ha = h0a[::-1].copy()
    ga = _alternating_flip(ha)
    n = np.arange(ha.size)
    hb = h0a.copy()
    gb = (-1.0) ** n * ha
    z1, z2 = np.zeros(1), np.zeros(2)
    first_a = FilterPair(np.concatenate([z2, ha]), np.concatenate([ga, z2]))
    first_b = FilterPair(np.concatenate([z1, ha, z1]), np.concatenate([z1, -ga, z1]))
    tree_a = FilterPair(ha, ga)
    packet_name, packet = _packet_pair(packet_wavelet, tree_a)
    return DualTreeFilters(
        name=name,
        packet_name=packet_name,
        h0a=h0a,
        first_a=first_a,
        first_b=first_b,
        qshift_a=tree_a,
        qshift_b=FilterPair(hb, gb),
        packet=packet,
    )
