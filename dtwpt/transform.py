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
- Other axes can be transformed with ``axes=(axis_y, axis_x)``; a colour image
  ``(..., H, W, 3)`` or ``(..., H, W, 4)`` (last axis of 3 or 4 entries, the
  two before it at least 4 times longer) is refused unless ``axes`` is given:
  transform each channel with ``axes=(-3, -2)`` or convert it with
  :func:`dtwpt.to_luminance` first.

Validation and memory
---------------------
Every argument is checked before any work (see ``dtwpt._validation``): levels
from 1 to :data:`dtwpt.MAX_LEVEL` that fit the image size, finite values small
enough that no coefficient can overflow. Filter plans are cached (64 most
recent). The Numba kernels work in scratch buffers that each calling thread
keeps for reuse up to 64 MiB per Numba thread in total, least recently used
first out; a call that needs more allocates its scratch for that call only and
returns it when it returns (``dtwpt._plan``).

References
----------
.. [1] I. Bayram, I. W. Selesnick, "On the dual-tree complex wavelet packet and
   M-band transforms", IEEE Trans. Signal Process. 56(6), 2008.
.. [2] H. Leterme, K. Polisano, V. Perrier, K. Alahari, "On the shift
   invariance of max pooling feature maps in convolutional neural networks",
   arXiv:2209.11740.
"""
from dataclasses import dataclass
from typing import Any

import numpy as np
import pywt
from numpy.typing import ArrayLike

from . import _kernels, _outputs, _plan, tree
from ._validation import (
    as_real_array,
    check_axes,
    check_axis,
    check_bool,
    check_int,
    check_level,
    check_level_for_sizes,
    check_mode,
    check_out,
    check_values,
)
from .filters import FilterPair

__all__ = ["Packets2D", "Packets1D", "dtcwpt2", "idtcwpt2", "dtcwpt", "idtcwpt"]


def _describe_array(a):
    a = np.asarray(a)
    return f"<{a.dtype} array of shape {a.shape}>"


def _describe_wavelet(w):
    if w is None or isinstance(w, str):
        return repr(w)
    return f"<{type(w).__name__}>"


# --------------------------------------------------------------------------- 2D
@dataclass(frozen=True)
class Packets2D:
    """Result of :func:`dtcwpt2`: the packets and what the inverse needs.

    Built by :func:`dtcwpt2`; its fields are its parameters.

    Parameters
    ----------
    coeffs : ndarray, complex, shape (..., P, h, w)
        Complex packets in frequency order, ``P = 2 * 4**level``. With
        ``decimated=False`` the last stage was not decimated and ``h, w`` are
        twice as large (stride ``2**(level-1)``).
    theta : ndarray, shape (P, 2)
        Tile centres ``(theta_y, theta_x)`` (input frequencies, rad/sample).
    is_lowpass : ndarray of bool, shape (P,)
        The two packets whose tiles touch the origin.
    level, wavelet, packet_wavelet, mode : int, str or array, str or object, str
        The transform's parameters.
    shape : tuple of int
        ``(H, W)`` of the input.
    pad : tuple of tuple of int
        ``((top, bottom), (left, right))`` symmetric extension (zeros in
        periodization mode). Coefficient ``n`` sits at input position
        ``2**level * n - (top, left)``.
    decimated : bool, optional
        Whether the last stage was decimated (only then can it be inverted).
    axes : tuple of int, optional
        The input's transformed axes ``(axis_y, axis_x)``, as negative
        indices; :func:`idtcwpt2` puts them back there.

    Examples
    --------
    >>> import numpy as np, dtwpt
    >>> packets = dtwpt.dtcwpt2(np.zeros((32, 32)), 2)
    >>> packets.coeffs.shape, packets.theta.shape, int(packets.is_lowpass.sum())
    ((32, 8, 8), (32, 2), 2)
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
    axes: tuple = (-2, -1)

    def __repr__(self):
        return (f"Packets2D(coeffs={_describe_array(self.coeffs)}, level={self.level}, "
                f"wavelet={_describe_wavelet(self.wavelet)}, "
                f"packet_wavelet={_describe_wavelet(self.packet_wavelet)}, mode={self.mode!r}, "
                f"shape={self.shape}, decimated={self.decimated}, axes={self.axes})")

    @property
    def mosaic(self) -> np.ndarray:
        """``coeffs`` as ``(..., 2**(J+1), 2**J, h, w)``.

        Rows of ``omega_y``, columns of ``omega_x``.

        Examples
        --------
        >>> import numpy as np, dtwpt
        >>> dtwpt.dtcwpt2(np.zeros((32, 32)), 2).mosaic.shape
        (8, 4, 8, 8)
        """
        n = 2 ** self.level
        return self.coeffs.reshape(self.coeffs.shape[:-3] + (2 * n, n) + self.coeffs.shape[-2:])


def dtcwpt2(x: ArrayLike, level: int, *, wavelet: str | ArrayLike = "qshift_a",
            packet_wavelet: str | pywt.Wavelet | FilterPair | None = None,
            mode: str = "periodization",
            decimated: bool = True, axes: tuple[int, int] | None = None,
            out: np.ndarray | None = None) -> Packets2D:
    """2D dual-tree complex wavelet packet transform.

    Parameters
    ----------
    x : array_like, shape (..., H, W)
        Real image(s); leading axes are a batch. float32 stays float32
        (complex64 coefficients); other real dtypes become float64. Values
        must be finite and, so that no coefficient can overflow, at most
        ``finfo(dtype).max / G`` in magnitude, with ``G = 2 * l1**(2 level)``
        and ``l1`` the largest l1 norm of the filters (far above any image).
    level : int
        Number of levels J, from 1 to :data:`dtwpt.MAX_LEVEL` (8).
    wavelet : str or array_like, keyword-only
        Q-shift family (``"qshift_06"``, ``"qshift_a"``, ... see
        :func:`dtwpt.list_wavelets`) or an orthonormal Q-shift low-pass.
    packet_wavelet : None, str, pywt.Wavelet or FilterPair, keyword-only
        Packet-stage pair: ``None`` for the tree-a Q-shift pair, or an
        orthogonal PyWavelets wavelet such as ``"db5"`` (it only acts from
        level 3 on, see :func:`dtwpt.list_wavelets`).
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
    axes : pair of int, keyword-only
        The axes ``(axis_y, axis_x)`` to transform, as in PyWavelets; the
        other axes are a batch, kept in order in front of ``(P, h, w)``.
        By default the last two, ``(-2, -1)``, **unless x looks like a colour
        image with channels last**: its last axis has 3 or 4 entries and the
        two before it at least 4 times as many (e.g. ``(224, 224, 3)``). Such
        an input raises a ValueError instead of being silently transformed as
        224 images of 224 x 3: pass ``axes=(0, 1)`` to transform each channel,
        convert with :func:`dtwpt.to_luminance` first, or pass
        ``axes=(-2, -1)`` explicitly to transform the last two axes anyway.
    out : ndarray, keyword-only
        Where to write the coefficients: a writeable C-contiguous complex array
        of the result's shape and dtype (``coeffs`` is then ``out``). Without
        it, the result goes into a new array, or into the memory of an earlier
        result that nothing references any more (already mapped, so a loop of
        calls does not pay for fresh pages; see the Performance page). An
        ``out`` that starts on a 64-byte boundary is written faster, and a
        large one (64 MiB or more) with streaming stores.

    Returns
    -------
    Packets2D
        The complex coefficients ``coeffs`` of shape ``(..., P, h, w)`` with
        their tile centres ``theta``, and every parameter :func:`idtcwpt2`
        needs (see :class:`Packets2D`).

    Raises
    ------
    TypeError
        Complex, object or non-numeric input; a non-integer level; a
        ``decimated`` other than True or False; axes that are not a sequence
        or hold non-integers; a ``wavelet`` that is neither a name nor an
        array of real numbers; a ``packet_wavelet`` that is not None, a name,
        a ``pywt.Wavelet`` or a FilterPair; an ``out`` that is not an ndarray.
    ValueError
        ndim < 2; level outside [1, 8]; ``H`` or ``W`` of 0, or (periodization)
        not a multiple of ``2**level``; an unknown mode; an unknown wavelet
        name or a low-pass array that is not an orthonormal low-pass of even
        length; an unknown, non-orthogonal or non-orthonormal
        ``packet_wavelet``; axes that are not two, are out of range or name
        one axis twice; NaN,
        infinite or too large values; a colour-looking image without
        ``axes``; an ``out`` of the wrong shape or dtype, not writeable and
        C-contiguous, or sharing memory with ``x``.

    See Also
    --------
    idtcwpt2 : The inverse.
    dtcwpt : The 1D transform.

    References
    ----------
    .. [1] I. Bayram, I. W. Selesnick, "On the dual-tree complex wavelet packet
       and M-band transforms", IEEE Trans. Signal Process. 56(6), 2008.
    .. [2] N. G. Kingsbury, "Complex wavelets for shift invariant analysis and
       filtering of signals", Appl. Comput. Harmon. Anal. 10(3), 2001.

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
    decimated = check_bool(decimated, "decimated")
    plan, batch, shape, pad, lead, axes = _plan.prepare_2d(x, level, wavelet, packet_wavelet,
                                                          mode, axes=axes)
    level = plan.level
    B, Hp, Wp = batch.shape
    lay = plan.layout
    up = 1 if decimated else 2
    h, w = up * (Hp >> level), up * (Wp >> level)
    complex_dtype = np.complex64 if batch.dtype == np.float32 else np.complex128
    coeffs_shape = lead + (lay.iv.size, h, w)
    if out is None:
        out = _outputs.empty(coeffs_shape, complex_dtype)
    else:
        check_out(out, coeffs_shape, complex_dtype, inputs=(x,))
    out = out.reshape((B, lay.iv.size, h, w))
    kind = _kernels.DECIMATED if decimated else _kernels.UNDECIMATED
    geo = _kernels.forward_geometry(B, Hp, Wp, level, kind, batch.itemsize,
                                    plan.bank(batch.dtype), plan.types)
    buf = _plan.scratch(_kernels.scratch_rows(B, geo), _kernels.forward_row_size(geo),
                        batch.dtype)
    _kernels.forward_batch(batch, out, plan.types, *plan.bank(batch.dtype), level, lay.iv,
                           lay.ih, lay.sign.astype(batch.dtype), lay.conj.astype(batch.dtype),
                           buf, geo)
    return Packets2D(
        coeffs=out.reshape(lead + out.shape[1:]),
        theta=tree.tile_centres(level),
        is_lowpass=tree.lowpass_mask(level),
        level=level, wavelet=wavelet, packet_wavelet=packet_wavelet, mode=mode,
        shape=shape, pad=pad, decimated=decimated, axes=axes,
    )


def idtcwpt2(packets: Packets2D, *, out: np.ndarray | None = None) -> np.ndarray:
    """Inverse of :func:`dtcwpt2`.

    Parameters
    ----------
    packets : Packets2D
        A decimated transform. Its coefficients may have been modified (same
        shape and a complex dtype, or more leading batch axes); its other
        fields must be those :func:`dtcwpt2` returned.
    out : ndarray, keyword-only
        Where to write the image(s): a writeable C-contiguous real array of the
        result's shape and dtype, returned. Without it, as in
        :func:`dtwpt.dtcwpt2`.

    Returns
    -------
    ndarray, shape (..., H, W)
        The image(s): float32 for complex64 coefficients, else float64, with the two axes
        back at ``packets.axes``. With periodic extension this is the frame's
        pseudo-inverse (the adjoint over 8).

    Raises
    ------
    TypeError
        Not a Packets2D; coefficients that are not complex; a non-bool
        ``decimated``, a non-integer level, shape entry or axis; a wavelet
        or packet wavelet field of a type :func:`dtcwpt2` refuses; an ``out``
        that is not an ndarray.
    ValueError
        An undecimated transform, or fields that no transform returns (level
        outside [1, 8], an unknown mode or wavelet, a shape or pad that is not
        2 or 2 x 2 non-negative integers, a non-zero pad in periodization mode,
        coefficients of fewer than 3 dimensions or with a number or size of
        packets that does not match level, shape and pad, axes that are not
        two distinct negative axes of the output); NaN, infinite or too large
        coefficients (checked while the kernels read them, so ``out`` may
        have been written when this error is raised); an ``out`` of the wrong
        shape or dtype, not writeable and C-contiguous, or sharing memory with
        the coefficients.

    See Also
    --------
    dtcwpt2 : The forward transform.

    References
    ----------
    .. [1] I. Bayram, I. W. Selesnick, "On the dual-tree complex wavelet packet
       and M-band transforms", IEEE Trans. Signal Process. 56(6), 2008.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(30 * 20.0).reshape(30, 20)
    >>> p = dtcwpt2(x, 3, mode="symmetric")
    >>> bool(np.allclose(idtcwpt2(p), x))
    True
    """
    plan, c, pad = _check_packets2d(packets)
    level = packets.level
    P, h, w = c.shape[-3:]
    real = np.float32 if c.dtype == np.complex64 else np.float64
    complex_dtype = np.complex64 if real == np.float32 else np.complex128
    c = np.ascontiguousarray(c.reshape((-1, P, h, w)), dtype=complex_dtype)
    B = c.shape[0]
    Hp, Wp = h << level, w << level
    H, W = packets.shape
    shape = packets.coeffs.shape[:-3] + (H, W)
    if packets.axes != (-2, -1):  # the shape moveaxis gives, without allocating
        shape = np.moveaxis(np.broadcast_to(False, shape), (-2, -1), packets.axes).shape
    if out is not None:
        check_out(out, shape, real, inputs=(packets.coeffs,))
    direct = out is not None and (Hp, Wp) == (H, W) and packets.axes == (-2, -1)
    image = out.reshape((B, Hp, Wp)) if direct else _outputs.empty((B, Hp, Wp), real)
    geo = _kernels.inverse_geometry(B, Hp, Wp, level, c.itemsize // 2, plan.bank(real),
                                    plan.types)
    buf = _plan.scratch(_kernels.scratch_rows(B, geo), _kernels.inverse_row_size(geo), real)
    lay = plan.layout
    # The coefficients' values are checked while the kernels read them; the
    # exact check below only runs to report (or clear) what they counted.
    gain = _plan.gain(packets.wavelet, packets.packet_wavelet, level, inverse=True)
    outside = _kernels.inverse_batch(c, image, plan.types, *plan.bank(real), level, lay.iv,
                                     lay.ih, lay.sign.astype(real), lay.conj.astype(real), buf,
                                     float(np.finfo(real).max) / gain, geo)
    if outside:
        _check_coeff_values(c, gain)
    (top, _), (left, _) = pad
    if direct:
        return out
    image = np.ascontiguousarray(image[:, top : top + H, left : left + W])
    image = image.reshape(packets.coeffs.shape[:-3] + (H, W))
    if packets.axes != (-2, -1):
        image = np.moveaxis(image, (-2, -1), packets.axes)
    if out is None:
        return image
    out[...] = image
    return out


def _check_ints(value, name, count, minimum):
    """A tuple of ``count`` integers >= minimum (the fields of a Packets object)."""
    try:
        items = tuple(value)
    except TypeError:
        items = None
    if items is None or len(items) != count:
        raise ValueError(f"{name} must be a tuple of {count} integers, got {value!r}")
    return tuple(check_int(v, name, minimum) for v in items)


def _check_coeffs(coeffs, name, min_ndim):
    c = np.asarray(coeffs)
    if c.dtype.kind != "c":
        raise TypeError(f"{name} must be a complex array as returned by the transform, "
                        f"got dtype {c.dtype}")
    if c.ndim < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} dimensions, got shape {c.shape}")
    return c


def _check_coeff_values(c, gain):
    """:func:`check_values` of the real and imaginary parts of ``c``: in one pass
    over their interleaved view when ``c`` is contiguous."""
    if c.flags.c_contiguous:
        check_values(c.view(c.real.dtype), "packets.coeffs", gain)
        return
    check_values(c.real, "packets.coeffs", gain)
    check_values(c.imag, "packets.coeffs", gain)


def _check_packets2d(packets):
    """``(plan, coeffs, pad)`` of a Packets2D that :func:`dtcwpt2` could have returned
    (the coefficients' values are left to the caller: :func:`idtcwpt2` checks
    them while its kernels read them)."""
    if not isinstance(packets, Packets2D):
        raise TypeError(f"idtcwpt2 needs a Packets2D, got {type(packets).__name__}")
    if check_bool(packets.decimated, "packets.decimated") is not True:
        raise ValueError("idtcwpt2 needs a decimated transform (decimated=True)")
    level = check_level(packets.level)
    mode = check_mode(packets.mode)
    H, W = _check_ints(packets.shape, "packets.shape", 2, 1)
    try:
        pad = tuple(_check_ints(p, "packets.pad", 2, 0) for p in packets.pad)
    except TypeError:
        pad = ()
    if len(pad) != 2 or (mode == "periodization" and pad != ((0, 0), (0, 0))):
        raise ValueError(f"packets.pad must be ((top, bottom), (left, right)) (zeros in "
                         f"mode 'periodization'), got {packets.pad!r}")
    c = _check_coeffs(packets.coeffs, "packets.coeffs", 3)
    P, h, w = c.shape[-3:]
    if P != 2 * 4 ** level:
        raise ValueError(f"packets.coeffs has {P} packets, level {level} needs {2 * 4 ** level}")
    sizes = (H + sum(pad[0]), W + sum(pad[1]))
    if (h << level, w << level) != sizes:
        raise ValueError(
            f"packets.coeffs has tiles of {h} x {w}, but an input of shape {(H, W)} "
            f"extended by {pad} at level {level} needs {sizes[0] >> level} x {sizes[1] >> level}"
        )
    axes = packets.axes
    ndim = c.ndim - 1
    if (not isinstance(axes, tuple) or len(axes) != 2 or check_axes(axes, ndim) is None
            or any(a >= 0 for a in axes)):
        raise ValueError(f"packets.axes must be two negative axes of a {ndim}-D output, "
                         f"got {axes!r}")
    plan = _plan.plan(packets.wavelet, packets.packet_wavelet, level)
    return plan, c, pad


# --------------------------------------------------------------------------- 1D
@dataclass(frozen=True)
class Packets1D:
    """Result of :func:`dtcwpt`: the packets and what the inverse needs.

    Built by :func:`dtcwpt`; its fields are its parameters.

    Parameters
    ----------
    coeffs : ndarray, complex, shape (..., P, n)
        ``P = 2**level`` complex packets in frequency order (band ``b``
        responds to input frequencies in ``[b, b+1] * pi / 2**level``); the
        transformed axis is moved to the end and replaced by ``(P, n)``.
    freqs : ndarray, shape (P,)
        Band centres ``(b + 1/2) pi / 2**level`` (rad/sample, input frequency).
    level, wavelet, packet_wavelet, mode : int, str or array, str or object, str
        The transform's parameters.
    axis : int
        The input's transformed axis (negative index).
    length : int
        Length of the input along ``axis``.
    pad : tuple of int
        ``(left, right)`` symmetric extension (zeros in periodization mode).

    Examples
    --------
    >>> import numpy as np, dtwpt
    >>> packets = dtwpt.dtcwpt(np.zeros(64), 3)
    >>> packets.coeffs.shape, packets.freqs.shape
    ((8, 8), (8,))
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

    def __repr__(self):
        return (f"Packets1D(coeffs={_describe_array(self.coeffs)}, level={self.level}, "
                f"wavelet={_describe_wavelet(self.wavelet)}, "
                f"packet_wavelet={_describe_wavelet(self.packet_wavelet)}, mode={self.mode!r}, "
                f"axis={self.axis}, length={self.length})")


def dtcwpt(x: ArrayLike, level: int, *, wavelet: str | ArrayLike = "qshift_a",
           packet_wavelet: str | pywt.Wavelet | FilterPair | None = None,
           mode: str = "periodization",
           axis: int = -1) -> Packets1D:
    """1D dual-tree complex wavelet packet transform along one axis.

    Parameters
    ----------
    x : array_like
        Real signal(s); every other axis is a batch. Values as in
        :func:`dtcwpt2`.
    level : int
        Number of levels J, from 1 to :data:`dtwpt.MAX_LEVEL` (8).
    wavelet, packet_wavelet, mode : keyword-only
        As in :func:`dtcwpt2`.
    axis : int, keyword-only
        Axis to transform.

    Returns
    -------
    Packets1D
        ``sum |coeffs|**2 = 2 ||x||**2`` in periodization mode.

    Raises
    ------
    TypeError
        Complex, object or non-numeric input; a non-integer level or axis; a
        ``wavelet`` or ``packet_wavelet`` of a type :func:`dtcwpt2` refuses.
    ValueError
        A 0-dimensional input; an axis out of range; level outside [1, 8]; a
        signal of length 0, or (periodization) of a length that is not a
        multiple of ``2**level``; an unknown mode; a wavelet or packet wavelet
        that :func:`dtcwpt2` refuses; NaN, infinite or too large values.

    See Also
    --------
    idtcwpt : The inverse.
    dtcwpt2 : The 2D transform.

    References
    ----------
    .. [1] I. Bayram, I. W. Selesnick, "On the dual-tree complex wavelet packet
       and M-band transforms", IEEE Trans. Signal Process. 56(6), 2008.
    .. [2] N. G. Kingsbury, "Complex wavelets for shift invariant analysis and
       filtering of signals", Appl. Comput. Harmon. Anal. 10(3), 2001.

    Examples
    --------
    >>> import numpy as np
    >>> n = np.arange(256)
    >>> p = dtcwpt(np.cos(0.3 * np.pi * n), 2)
    >>> int(np.argmax((np.abs(p.coeffs) ** 2).sum(-1)))  # band [0.25, 0.5] pi
    1
    """
    check_mode(mode)
    x = as_real_array(x, 1, values=False)
    axis = check_axis(axis, x.ndim)
    xm = np.moveaxis(x, axis, -1)
    N = xm.shape[-1]
    level = check_level_for_sizes(level, (N,), ("the signal length",), mode)
    check_values(x, "x", _plan.gain(wavelet, packet_wavelet, level))
    plan = _plan.plan(wavelet, packet_wavelet, level)
    if mode == "periodization":
        pad = (0, 0)
    else:
        pad = _plan.padding(N, level, plan.kernel_length)
        xm = np.pad(xm, ((0, 0),) * (xm.ndim - 1) + (pad,), mode="symmetric")
    lead = xm.shape[:-1]
    Np = xm.shape[-1]
    cols = np.ascontiguousarray(xm.reshape(-1, Np).T)
    bank = plan.bank(cols.dtype)
    bufs = np.empty((2, cols.size), dtype=cols.dtype)
    trees = []
    for t in range(2):
        leaves = _kernels.tree_analysis(cols, 0, cols.shape[1], plan.types[t], *bank, level, 2,
                                        bufs[0], bufs[1])
        trees.append(leaves.reshape(2 ** level, Np >> level, -1).copy())
    ta, tb = trees
    nat, conj = plan.natural_1d, plan.conj_1d
    coeffs = np.empty(ta.shape, dtype=np.complex64 if cols.dtype == np.float32 else np.complex128)
    coeffs.real = ta[nat]
    coeffs.imag = conj[:, None, None] * tb[nat]
    coeffs = np.moveaxis(coeffs, -1, 0).reshape(lead + coeffs.shape[:2])
    return Packets1D(coeffs, tree.band_centres_1d(level), level, wavelet, packet_wavelet, mode,
                     axis, N, pad)


def idtcwpt(packets: Packets1D) -> np.ndarray:
    """Inverse of :func:`dtcwpt`.

    Parameters
    ----------
    packets : Packets1D
        What :func:`dtcwpt` returned; its coefficients may have been modified
        (same shape, a complex dtype).

    Returns
    -------
    ndarray
        The signal(s), with the transformed axis back in place.

    Raises
    ------
    TypeError
        Not a Packets1D; coefficients that are not complex; a non-integer
        level, length, pad entry or axis; a wavelet or packet wavelet field
        of a type :func:`dtcwpt` refuses.
    ValueError
        Fields that no transform returns (level outside [1, 8], an unknown
        mode or wavelet, a length < 1, a pad that is not 2 non-negative
        integers or is non-zero in periodization mode, coefficients of fewer
        than 2 dimensions or of a shape that does not match level, length and
        pad, an axis out of range); NaN, infinite or too large coefficients.

    See Also
    --------
    dtcwpt : The forward transform.

    References
    ----------
    .. [1] I. Bayram, I. W. Selesnick, "On the dual-tree complex wavelet packet
       and M-band transforms", IEEE Trans. Signal Process. 56(6), 2008.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(1).standard_normal((3, 50))
    >>> bool(np.allclose(idtcwpt(dtcwpt(x, 2, mode="symmetric")), x))
    True
    """
    plan, c, before = _check_packets1d(packets)
    level = packets.level
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
        _kernels.tree_synthesis(leaves, rec, plan.types[t], *bank, level, bufs[0], bufs[1],
                                False)
        out += 0.5 * rec
    out = out[before : before + packets.length].T.reshape(lead + (packets.length,))
    return np.moveaxis(out, -1, packets.axis)


def _check_packets1d(packets):
    """``(plan, coeffs, before)`` of a Packets1D that :func:`dtcwpt` could have returned."""
    if not isinstance(packets, Packets1D):
        raise TypeError(f"idtcwpt needs a Packets1D, got {type(packets).__name__}")
    level = check_level(packets.level)
    mode = check_mode(packets.mode)
    length = check_int(packets.length, "packets.length", 1)
    pad = _check_ints(packets.pad, "packets.pad", 2, 0)
    if mode == "periodization" and pad != (0, 0):
        raise ValueError(f"packets.pad must be (0, 0) in mode 'periodization', got {pad}")
    c = _check_coeffs(packets.coeffs, "packets.coeffs", 2)
    P, n = c.shape[-2:]
    if P != 2 ** level or n << level != length + sum(pad):
        raise ValueError(
            f"packets.coeffs has shape (..., {P}, {n}); level {level} and a signal of length "
            f"{length} extended by {pad} need (..., {2 ** level}, {(length + sum(pad)) >> level})"
        )
    check_axis(packets.axis, c.ndim - 1, "packets.axis")
    plan = _plan.plan(packets.wavelet, packets.packet_wavelet, level)
    g = _plan.gain(packets.wavelet, packets.packet_wavelet, level, inverse=True)
    _check_coeff_values(c, g)
    return plan, c, pad[0]
