"""The dual-tree complex wavelet packet transform, 2D and 1D.

Conventions
-----------
- Images are ``(..., H, W)``: axis -2 is y (rows), axis -1 is x (columns);
  leading axes are a batch.
- Filtering is periodic cross-correlation, ``y[n] = sum_k x[(s n + k) mod N] f[k]``;
  subsampling keeps sample 0, so coefficient ``n`` of a level-J packet sits at
  input position ``2**J * n``.
- ``theta = (theta_y, theta_x)`` is the *input* frequency a packet responds to,
  in radians per sample; every 2D packet responds to ``omega_x >= 0`` (some are
  conjugated to get there, which changes neither real part nor modulus).
- Packets come in *frequency order*: ``p = r * 2**J + c`` is the tile in row
  ``r`` (``omega_y`` from ``-pi`` up) and column ``c`` (``omega_x`` from 0 up),
  see :mod:`dtwpt.tree`.

References
----------
.. [1] I. Bayram, I. W. Selesnick, "On the dual-tree complex wavelet packet and
   M-band transforms", IEEE Trans. Signal Process. 56(6), 2008.
.. [2] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the shift
   invariance of max pooling feature maps in convolutional neural networks",
   arXiv:2209.11740.
"""
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numba
import numpy as np

from . import _kernels, tree
from .filters import FilterPair, dual_tree_filters

__all__ = ["Packets2D", "Packets1D", "dtcwpt2", "idtcwpt2", "dtcwpt", "idtcwpt"]

MODES = ("periodization", "symmetric")


# --------------------------------------------------------------------------- plans
@dataclass(frozen=True)
class _Plan:
    filters: Any
    level: int
    types: np.ndarray  # (2, J, 2**(J-1)): tree a, tree b
    filt: np.ndarray  # (5, 2, ntaps.max()): see dtwpt._kernels
    first: np.ndarray
    ntaps: np.ndarray
    shift: np.ndarray
    layout: tree.Layout2D
    natural_1d: np.ndarray
    conj_1d: np.ndarray
    kernel_length: int
    filt32: np.ndarray

    def bank(self, dtype):
        """The filter arguments of the kernels: ``(filt, first, ntaps, shift)``."""
        filt = self.filt32 if dtype == np.float32 else self.filt
        return filt, self.first, self.ntaps, self.shift


def _key(wavelet):
    if wavelet is None or isinstance(wavelet, str):
        return wavelet
    if isinstance(wavelet, FilterPair):
        return ("pair", tuple(np.ravel(wavelet.low)), tuple(np.ravel(wavelet.high)))
    if isinstance(wavelet, (list, tuple, np.ndarray)):
        arr = np.asarray(wavelet)
        if arr.dtype == object:
            raise TypeError(f"wavelet coefficients must be numbers, got dtype {arr.dtype}")
        return ("array", tuple(arr.ravel().tolist()), arr.shape)
    raise TypeError(
        f"wavelet must be a name or an array of filter coefficients, got {type(wavelet).__name__}"
    )


def _unkey(key):
    if isinstance(key, tuple):
        if key[0] == "pair":
            return FilterPair(np.array(key[1]), np.array(key[2]))
        return np.array(key[1]).reshape(key[2])
    return key


@lru_cache(maxsize=64)
def _cached_plan(wavelet_key, packet_key, level):
    filters = dual_tree_filters(_unkey(wavelet_key), _unkey(packet_key))
    pairs = tree.filter_table(filters)
    # Each pair's taps over the union of its two supports, padded to a multiple of
    # 5; the high-pass is read `shift` (even) samples later so that the supports
    # overlap, and the kernels move its outputs back by shift / stride.
    first = np.zeros(len(pairs), dtype=np.int64)
    ntaps = np.zeros(len(pairs), dtype=np.int64)
    shift = np.zeros(len(pairs), dtype=np.int64)
    for i, (lo, hi) in enumerate(pairs):
        lo_nz, hi_nz = np.flatnonzero(lo), np.flatnonzero(hi)
        shift[i] = 2 * ((hi_nz[0] - lo_nz[0]) // 2)
        first[i] = min(lo_nz[0], hi_nz[0] - shift[i])
        last = max(lo_nz[-1], hi_nz[-1] - shift[i])
        ntaps[i] = -(-(last + 1 - first[i]) // 5) * 5
    filt = np.zeros((len(pairs), 2, ntaps.max()))
    for i, (lo, hi) in enumerate(pairs):
        for half, (f, start) in enumerate(((lo, first[i]), (hi, first[i] + shift[i]))):
            for j in range(ntaps[i]):
                if 0 <= start + j < f.size:
                    filt[i, half, j] = f[start + j]
    orientation = tree.orientation_1d(filters, level)
    natural, conj = tree.layout_1d(orientation)
    types = np.stack([tree.node_types(level, "a"), tree.node_types(level, "b")])
    kernel_length = max(
        tree.equivalent_kernels_1d(filters, level, t).shape[-1] for t in ("a", "b")
    )
    filt32 = filt.astype(np.float32)
    for a in (filt, filt32, first, ntaps, shift, types, natural, conj):
        a.setflags(write=False)
    return _Plan(filters, level, types, filt, first, ntaps, shift, tree.layout_2d(orientation),
                 natural, conj, kernel_length, filt32)


def _plan(wavelet, packet_wavelet, level):
    return _cached_plan(_key(wavelet), _key(packet_wavelet), level)


_local = threading.local()


def _scratch(rows, size, dtype):
    """Per-thread scratch, reused across calls with the same size."""
    cache = getattr(_local, "scratch", None)
    if cache is None:
        cache = _local.scratch = {}
    key = (rows, size, np.dtype(dtype).char)
    buf = cache.get(key)
    if buf is None:
        if len(cache) > 8:
            cache.clear()
        buf = cache[key] = np.empty((rows, size), dtype=dtype)
    return buf


# ---------------------------------------------------------------------- validation
def _check_level(level):
    if isinstance(level, bool) or not isinstance(level, (int, np.integer)):
        raise TypeError(f"level must be an integer >= 1, got {level!r}")
    if level < 1:
        raise ValueError(f"level must be an integer >= 1, got {level}")
    return int(level)


def _check_mode(mode):
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; choose one of {MODES}")


def _as_real_array(x, min_ndim, name="x"):
    """Validated real floating array: float32 stays, other real dtypes -> float64."""
    x = np.asarray(x)
    if x.dtype.kind == "c":
        raise TypeError(
            f"{name} must be real, got complex dtype {x.dtype}; "
            "transform the real and imaginary parts separately"
        )
    if x.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a real numeric array, got dtype {x.dtype}")
    if x.ndim < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} dimensions, got shape {x.shape}")
    x = x.astype(np.float32 if x.dtype == np.float32 else np.float64, copy=False)
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return x


def _check_size(n, level, axis_name):
    step = 2 ** level
    if n % step:
        low, high = (n // step) * step, (n // step + 1) * step
        sizes = f"{low} or {high}" if low else f"{high}"
        raise ValueError(
            f"mode='periodization' at level {level} needs {axis_name} to be a multiple of "
            f"2**{level} = {step}, got {n}; the nearest valid sizes are {sizes} "
            "(or use mode='symmetric')"
        )


def _padding(n, level, kernel_length):
    """Symmetric-mode padding ``(before, after)`` of an axis of length ``n``.

    Both sides get at least half the equivalent kernel's support, rounded up so
    that ``before`` and the padded length are multiples of ``2**level``.
    """
    step = 2 ** level
    margin = -(-(kernel_length // 2) // step) * step
    total = -(-(n + 2 * margin) // step) * step
    return margin, total - n - margin


# --------------------------------------------------------------------------- 2D
@dataclass(frozen=True)
class Packets2D:
    """Result of :func:`dtcwpt2`.

    Attributes
    ----------
    coeffs : ndarray, complex, shape (..., P, h, w)
        Complex packets in frequency order, ``P = 2 * 4**level``. With
        ``decimated=False`` the last stage was not decimated and ``h, w`` are
        twice as large (stride ``2**(level-1)``).
    theta : ndarray, shape (P, 2)
        Tile centres ``(theta_y, theta_x)`` (input frequencies, rad/sample).
    is_lowpass : ndarray of bool, shape (P,)
        The two packets whose tiles touch the origin.
    level, wavelet, packet_wavelet, mode
        The transform's parameters.
    shape : tuple of int
        ``(H, W)`` of the input.
    pad : tuple of tuple of int
        ``((top, bottom), (left, right))`` symmetric extension (zeros in
        periodization mode). Coefficient ``n`` sits at input position
        ``2**level * n - (top, left)``.
    decimated : bool
    """

    coeffs: np.ndarray
    theta: np.ndarray
    is_lowpass: np.ndarray
    level: int
    wavelet: Any
    packet_wavelet: Any
    mode: str
    shape: tuple
    pad: tuple
    decimated: bool = True

    @property
    def mosaic(self):
        """``coeffs`` as ``(..., 2**(J+1), 2**J, h, w)``: rows of ``omega_y``, columns of ``omega_x``."""
        n = 2 ** self.level
        return self.coeffs.reshape(self.coeffs.shape[:-3] + (2 * n, n) + self.coeffs.shape[-2:])


def _prepare_2d(x, level, wavelet, packet_wavelet, mode):
    level = _check_level(level)
    _check_mode(mode)
    x = _as_real_array(x, 2)
    plan = _plan(wavelet, packet_wavelet, level)
    H, W = x.shape[-2:]
    if mode == "periodization":
        _check_size(H, level, "H")
        _check_size(W, level, "W")
        pad = ((0, 0), (0, 0))
    else:
        if H < 1 or W < 1:
            raise ValueError(f"mode='symmetric' needs H, W >= 1, got {(H, W)}")
        pad = (_padding(H, level, plan.kernel_length), _padding(W, level, plan.kernel_length))
        x = np.pad(x, ((0, 0),) * (x.ndim - 2) + pad, mode="symmetric")
    batch = np.ascontiguousarray(x.reshape((-1,) + x.shape[-2:]))
    return plan, batch, (H, W), pad, x.shape[:-2]


def dtcwpt2(x, level, *, wavelet="qshift_a", packet_wavelet=None, mode="periodization",
            decimated=True):
    """2D dual-tree complex wavelet packet transform.

    Parameters
    ----------
    x : array_like, shape (..., H, W)
        Real image(s); leading axes are a batch. float32 stays float32
        (complex64 coefficients); other real dtypes become float64.
    level : int
        Number of levels J >= 1.
    wavelet : str or array_like, keyword-only
        Q-shift family (``"qshift_06"``, ``"qshift_a"``, ... see
        :func:`dtwpt.list_wavelets`) or an orthonormal Q-shift low-pass.
    packet_wavelet : None or str, keyword-only
        Packet-stage pair: ``None`` for the tree-a Q-shift pair, or an
        orthogonal PyWavelets wavelet such as ``"db5"``.
    mode : {"periodization", "symmetric"}, keyword-only
        ``"periodization"``: critically sampled, ``H`` and ``W`` multiples of
        ``2**level``, ``sum |coeffs|**2 = 8 ||x||**2``. ``"symmetric"``: any
        ``H, W >= 1``; the image is mirrored (half-sample symmetric) by at
        least half the equivalent kernel's support on every side and up to a
        multiple of ``2**level``, then transformed periodically, so boundary
        artefacts move away from the image. The inverse returns exactly ``x``.
    decimated : bool, keyword-only
        False leaves the last stage undecimated: stride ``2**(level-1)``,
        ``coeffs[..., ::2, ::2]`` equals the decimated transform.

    Returns
    -------
    Packets2D

    Raises
    ------
    TypeError
        Complex, object or non-numeric input; non-integer level.
    ValueError
        ndim < 2, level < 1, a size that does not fit the level, unknown
        wavelet or mode, NaN or infinite values.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).standard_normal((2, 64, 64)).astype(np.float32)
    >>> p = dtcwpt2(x, 2)
    >>> p.coeffs.shape, p.coeffs.dtype
    ((2, 32, 16, 16), dtype('complex64'))
    >>> bool(np.allclose((np.abs(p.coeffs) ** 2).sum(), 8 * (x ** 2).sum(), rtol=1e-5))
    True
    >>> bool(np.allclose(idtcwpt2(p), x, atol=1e-5))
    True
    """
    plan, batch, shape, pad, lead = _prepare_2d(x, level, wavelet, packet_wavelet, mode)
    B, Hp, Wp = batch.shape
    lay = plan.layout
    up = 1 if decimated else 2
    h, w = up * (Hp >> level), up * (Wp >> level)
    complex_dtype = np.complex64 if batch.dtype == np.float32 else np.complex128
    out = np.empty((B, lay.iv.size, h, w), dtype=complex_dtype)
    kind = _kernels.DECIMATED if decimated else _kernels.UNDECIMATED
    threads = max(1, min(numba.get_num_threads(), B))
    scratch = _scratch(threads, _kernels.scratch_size(Hp, Wp, level, kind, batch.itemsize), batch.dtype)
    _kernels.forward_batch(batch, out.view(batch.dtype), plan.types, *plan.bank(batch.dtype),
                           level, kind, lay.iv, lay.ih,
                           lay.sign.astype(batch.dtype), lay.conj.astype(batch.dtype), scratch)
    return Packets2D(
        coeffs=out.reshape(lead + out.shape[1:]),
        theta=tree.tile_centres(level),
        is_lowpass=tree.lowpass_mask(level),
        level=level, wavelet=wavelet, packet_wavelet=packet_wavelet, mode=mode,
        shape=shape, pad=pad, decimated=decimated,
    )


def idtcwpt2(packets):
    """Inverse of :func:`dtcwpt2`.

    Parameters
    ----------
    packets : Packets2D
        A decimated transform (coefficients may have been modified).

    Returns
    -------
    ndarray, shape (..., H, W)
        float32 for complex64 coefficients, else float64. With periodic
        extension this is the frame's pseudo-inverse (the adjoint over 8).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(30 * 20.0).reshape(30, 20)
    >>> p = dtcwpt2(x, 3, mode="symmetric")
    >>> bool(np.allclose(idtcwpt2(p), x))
    True
    """
    if not isinstance(packets, Packets2D):
        raise TypeError(f"idtcwpt2 needs a Packets2D, got {type(packets).__name__}")
    if not packets.decimated:
        raise ValueError("idtcwpt2 needs a decimated transform (decimated=True)")
    level = packets.level
    plan = _plan(packets.wavelet, packets.packet_wavelet, level)
    c = np.asarray(packets.coeffs)
    P, h, w = c.shape[-3:]
    if P != 2 * 4 ** level:
        raise ValueError(f"coeffs has {P} packets, level {level} needs {2 * 4 ** level}")
    real = np.float32 if c.dtype == np.complex64 else np.float64
    complex_dtype = np.complex64 if real == np.float32 else np.complex128
    c = np.ascontiguousarray(c.reshape((-1, P, h, w)), dtype=complex_dtype)
    B = c.shape[0]
    Hp, Wp = h << level, w << level
    out = np.empty((B, Hp, Wp), dtype=real)
    threads = max(1, min(numba.get_num_threads(), B))
    scratch = _scratch(threads, _kernels.inverse_scratch_size(Hp, Wp, level, c.itemsize // 2), real)
    lay = plan.layout
    _kernels.inverse_batch(c.view(real), out, plan.types, *plan.bank(real), level, lay.iv,
                           lay.ih, lay.sign.astype(real), lay.conj.astype(real), scratch)
    (top, _), (left, _) = packets.pad
    H, W = packets.shape
    out = out[:, top : top + H, left : left + W]
    return np.ascontiguousarray(out).reshape(packets.coeffs.shape[:-3] + (H, W))


# --------------------------------------------------------------------------- 1D
@dataclass(frozen=True)
class Packets1D:
    """Result of :func:`dtcwpt`.

    Attributes
    ----------
    coeffs : ndarray, complex, shape (..., P, n)
        ``P = 2**level`` complex packets in frequency order (band ``b``
        responds to input frequencies in ``[b, b+1] * pi / 2**level``); the
        transformed axis is moved to the end and replaced by ``(P, n)``.
    freqs : ndarray, shape (P,)
        Band centres ``(b + 1/2) pi / 2**level`` (rad/sample, input frequency).
    level, wavelet, packet_wavelet, mode, axis, length, pad
        What the inverse needs.
    """

    coeffs: np.ndarray
    freqs: np.ndarray
    level: int
    wavelet: Any
    packet_wavelet: Any
    mode: str
    axis: int
    length: int
    pad: tuple


def dtcwpt(x, level, *, wavelet="qshift_a", packet_wavelet=None, mode="periodization", axis=-1):
    """1D dual-tree complex wavelet packet transform along one axis.

    Parameters
    ----------
    x : array_like
        Real signal(s); every other axis is a batch.
    level : int
        Number of levels J >= 1.
    wavelet, packet_wavelet, mode : keyword-only
        As in :func:`dtcwpt2`.
    axis : int, keyword-only
        Axis to transform.

    Returns
    -------
    Packets1D
        ``sum |coeffs|**2 = 2 ||x||**2`` in periodization mode.

    Examples
    --------
    >>> import numpy as np
    >>> n = np.arange(256)
    >>> p = dtcwpt(np.cos(0.3 * np.pi * n), 2)
    >>> int(np.argmax((np.abs(p.coeffs) ** 2).sum(-1)))  # band [0.25, 0.5] pi
    1
    """
    level = _check_level(level)
    _check_mode(mode)
    x = _as_real_array(x, 1)
    if not isinstance(axis, (int, np.integer)) or not -x.ndim <= axis < x.ndim:
        raise ValueError(f"axis {axis!r} is out of range for an array of ndim {x.ndim}")
    axis = int(axis) % x.ndim
    plan = _plan(wavelet, packet_wavelet, level)
    xm = np.moveaxis(x, axis, -1)
    N = xm.shape[-1]
    if mode == "periodization":
        _check_size(N, level, "the signal length")
        pad = (0, 0)
    else:
        pad = _padding(N, level, plan.kernel_length)
        xm = np.pad(xm, ((0, 0),) * (xm.ndim - 1) + (pad,), mode="symmetric")
    lead = xm.shape[:-1]
    Np = xm.shape[-1]
    cols = np.ascontiguousarray(xm.reshape(-1, Np).T)
    bank = plan.bank(cols.dtype)
    bufs = np.empty((2, cols.size), dtype=cols.dtype)
    trees = []
    for t in range(2):
        leaves = _kernels.tree_analysis(cols, plan.types[t], *bank, level, 2, bufs[0], bufs[1])
        trees.append(leaves.reshape(2 ** level, Np >> level, -1).copy())
    ta, tb = trees
    nat, conj = plan.natural_1d, plan.conj_1d
    coeffs = np.empty(ta.shape, dtype=np.complex64 if cols.dtype == np.float32 else np.complex128)
    coeffs.real = ta[nat]
    coeffs.imag = conj[:, None, None] * tb[nat]
    coeffs = np.moveaxis(coeffs, -1, 0).reshape(lead + coeffs.shape[:2])
    return Packets1D(coeffs, tree.band_centres_1d(level), level, wavelet, packet_wavelet, mode,
                     axis, N, pad)


def idtcwpt(packets):
    """Inverse of :func:`dtcwpt`.

    Returns
    -------
    ndarray
        The signal(s), with the transformed axis back in place.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(1).standard_normal((3, 50))
    >>> bool(np.allclose(idtcwpt(dtcwpt(x, 2, mode="symmetric")), x))
    True
    """
    if not isinstance(packets, Packets1D):
        raise TypeError(f"idtcwpt needs a Packets1D, got {type(packets).__name__}")
    level = packets.level
    plan = _plan(packets.wavelet, packets.packet_wavelet, level)
    c = np.asarray(packets.coeffs)
    real = np.float32 if c.dtype == np.complex64 else np.float64
    P, n = c.shape[-2:]
    lead = c.shape[:-2]
    c = np.moveaxis(c.reshape((-1, P, n)), 0, -1)  # (P, n, B)
    order = np.argsort(plan.natural_1d)
    ta = np.ascontiguousarray(c.real[order].reshape(P * n, -1), dtype=real)
    tb = np.ascontiguousarray((plan.conj_1d[:, None, None] * c.imag)[order].reshape(P * n, -1),
                              dtype=real)
    bank = plan.bank(real)
    bufs = np.empty((2, ta.size), dtype=real)
    out = np.zeros_like(ta)
    for t, leaves in enumerate((ta, tb)):
        rec = np.empty_like(ta)
        _kernels.tree_synthesis(leaves, rec, plan.types[t], *bank, level, bufs[0], bufs[1])
        out += 0.5 * rec
    before, _ = packets.pad
    out = out[before : before + packets.length].T.reshape(lead + (packets.length,))
    return np.moveaxis(out, -1, packets.axis)
