"""The validators every public function of dtwpt calls first.

One mistake, one exception, one wording, wherever it is made:

- a value of the wrong *type* (a float or a bool where an integer is needed, a
  complex or string array where a real one is, a ``None`` where a bool is)
  raises :class:`TypeError`;
- a value of the right type outside what is allowed raises :class:`ValueError`;
- every message has the form ``"<name> must be <what is allowed>, got <value>"``
  so that it names the parameter, the value and the fix.

Integers: Python ``int`` and NumPy integers of any width (signed or unsigned)
are accepted and converted to a Python ``int`` before any arithmetic, so a
``np.uint8`` can never overflow later; ``bool`` is rejected. Every integer that
sizes work or memory has an upper bound computed by the caller from the data
(a level from the image size, a pooling width from the pooled map), so that no
argument can make a call hang.

These checks are cheap (O(1), or one min/max pass over an array for finite
values within an overflow-free range) and run before any output or scratch
buffer is built; the level is checked against the image size before any filter
plan is built.
"""
import numbers
import operator

import numpy as np

from ._kernels import SPLIT_ELEMENTS, all_within, extremes

__all__ = [
    "MAX_LEVEL",
    "MODES",
    "check_int",
    "check_real",
    "check_bool",
    "check_choice",
    "check_mode",
    "check_level",
    "check_level_for_sizes",
    "check_size",
    "check_kappa",
    "check_pairs",
    "check_point",
    "check_axis",
    "check_axes",
    "looks_like_colour",
    "image_axes",
    "check_same_shape",
    "as_real_array",
    "check_values",
    "check_kernel_stack",
]

MODES = ("periodization", "symmetric")

MAX_LEVEL = 8
"""Largest decomposition level any function accepts.

A level-J plan holds ``2 * 4**J`` packets and ``2**J`` equivalent kernels of
about ``2**J`` times the filter length taps, and its cost grows about six-fold
per level: about 1 s and 0.1 GB at J = 8 (131,072 packets of a 256 x 256
image reduced to 1 x 1), 7 s and 0.5 GB at J = 9, a minute and gigabytes at
J = 10. Larger levels are refused up front, before any work.
"""


def _describe(value):
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def check_int(value, name, minimum, maximum=None, *, why=""):
    """``value`` as a Python int in ``[minimum, maximum]`` (``maximum=None``: no bound).

    ``why`` (optional) is appended to the ValueError to explain a computed bound.
    """
    allowed = f">= {minimum}" if maximum is None else f"in [{minimum}, {maximum}]"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an integer {allowed}, got {_describe(value)} "
            f"of type {type(value).__name__}"
        )
    value = operator.index(value)  # NumPy integers -> Python int, no overflow later
    if value < minimum or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be an integer {allowed}{why}, got {value}")
    return value


def check_real(value, name, minimum, maximum=np.inf):
    """``value`` as a finite float in ``[minimum, maximum]``."""
    allowed = (f">= {minimum:g}" if maximum == np.inf else f"in [{minimum:g}, {maximum:g}]")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number {allowed}, got {_describe(value)}")
    value = float(value)
    if not (np.isfinite(value) and minimum <= value <= maximum):
        raise ValueError(f"{name} must be a real number {allowed}, got {value!r}")
    return value


def check_bool(value, name):
    """``value`` as a bool; only ``True``/``False`` (Python or NumPy) are accepted."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {_describe(value)}")
    return bool(value)


def check_choice(value, name, choices):
    """``value`` if it is one of ``choices`` (compared as strings only)."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {tuple(choices)}, got {_describe(value)}")
    return value


def check_mode(mode):
    """A signal-extension mode of the transforms: one of :data:`MODES`."""
    if not isinstance(mode, str) or mode not in MODES:
        raise ValueError(f"unknown mode {_describe(mode)}; mode must be one of {MODES}")
    return mode


def check_level(level, minimum=1, maximum=MAX_LEVEL, *, why=""):
    """A decomposition level in ``[minimum, maximum]`` (``maximum <= MAX_LEVEL``)."""
    maximum = min(maximum, MAX_LEVEL)
    return check_int(level, "level", minimum, maximum, why=why)


def check_level_for_sizes(level, sizes, names, mode, hint=None):
    """A level that signals of the given ``sizes`` (one per transformed axis) can hold.

    Sizes must be >= 1. In periodization mode every size must be a multiple of
    ``2**level`` (:func:`check_size`; ``hint`` replaces its suggestion); in
    symmetric mode any level up to :data:`MAX_LEVEL` is allowed (the signal is
    mirrored up to the size the level needs). Meant to run before any plan is
    built.
    """
    level = check_level(level)
    if min(sizes) < 1:
        raise ValueError(f"{' and '.join(names)} must be >= 1, got {tuple(sizes)}")
    if mode == "periodization":
        for n, name in zip(sizes, names):
            check_size(n, level, name, hint)
    return level


def check_size(n, level, axis_name, hint=None):
    """Periodization needs ``n`` to be a multiple of ``2**level``."""
    step = 2 ** level
    if n % step:
        hint = hint or "or use mode='symmetric'"
        low, high = (n // step) * step, (n // step + 1) * step
        sizes = f"{low} or {high}" if low else f"{high}"
        raise ValueError(
            f"mode='periodization' at level {level} needs {axis_name} to be a multiple of "
            f"2**{level} = {step}, got {n}; the nearest valid sizes are {sizes} "
            f"({hint})"
        )


def check_kappa(kappa):
    """A bandwidth ``kappa`` in ``(0, 2 pi]`` as a float."""
    if isinstance(kappa, (bool, np.bool_)) or not isinstance(kappa, numbers.Real):
        raise TypeError(f"kappa must be a real number in (0, 2*pi], got {_describe(kappa)}")
    kappa = float(kappa)
    if not 0.0 < kappa <= 2 * np.pi:
        raise ValueError(f"kappa must lie in (0, 2*pi], got {kappa!r}")
    return kappa


def _real_floats(x, name, what):
    arr = np.asarray(x)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be {what} of real numbers, got dtype {arr.dtype}")
    return arr.astype(np.float64)


def check_pairs(x, name):
    """Finite float64 array of shape ``(..., 2)`` (pairs ``(y, x)``)."""
    x = _real_floats(x, name, "an array (..., 2)")
    if x.ndim == 0 or x.shape[-1] != 2:
        raise ValueError(f"{name} must have shape (..., 2) (pairs (y, x)), got shape {x.shape}")
    bad = x[~np.isfinite(x)]
    if bad.size:
        raise ValueError(f"{name} must be finite, got {float(bad[0])}")
    return x


def check_point(x, name):
    """Two finite floats ``(y, x)`` as a float64 array of shape ``(2,)``."""
    arr = _real_floats(x, name, "2 numbers")
    if arr.shape != (2,) or not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be 2 finite numbers ({name}_y, {name}_x), got {x!r}")
    return arr


def check_axis(axis, ndim, name="axis"):
    """A valid axis of an ``ndim``-dimensional array, normalised to ``[0, ndim)``."""
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"{name} must be an integer in [{-ndim}, {ndim - 1}], "
                        f"got {_describe(axis)}")
    axis = operator.index(axis)
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name} {axis} is out of range for an array of ndim {ndim}: "
                         f"{name} must be in [{-ndim}, {ndim - 1}]")
    return axis % ndim


def check_axes(axes, ndim):
    """Two distinct axes ``(axis_y, axis_x)`` of an ``ndim``-dimensional array."""
    try:
        pair = tuple(axes)
    except TypeError:
        raise TypeError(f"axes must be a pair of integers (axis_y, axis_x), "
                        f"got {_describe(axes)}") from None
    if len(pair) != 2:
        raise ValueError(f"axes must be a pair of integers (axis_y, axis_x), got {axes!r}")
    ay, ax = (check_axis(a, ndim, "axes") for a in pair)
    if ay == ax:
        raise ValueError(f"axes must name two different axes, got {axes!r}")
    return ay, ax


def looks_like_colour(shape):
    """True for ``(..., H, W, C)`` with ``C`` in (3, 4) and ``H, W >= 4 C``.

    Such an array is almost surely a colour image with channels last, which a
    transform of the last two axes would treat as ``H`` images of ``W x C``.
    """
    return len(shape) >= 3 and shape[-1] in (3, 4) and min(shape[-3:-1]) >= 4 * shape[-1]


def image_axes(shape, axes, func):
    """The two transformed axes ``(axis_y, axis_x)``, as non-negative indices.

    ``axes=None`` means ``(-2, -1)``, except for a colour-looking ``shape``
    (:func:`looks_like_colour`), which raises a ValueError naming the fixes.
    """
    ndim = len(shape)
    if axes is not None:
        return check_axes(axes, ndim)
    if ndim < 2:
        raise ValueError(f"x must have at least 2 dimensions, got shape {tuple(shape)}")
    if looks_like_colour(shape):
        raise ValueError(
            f"x has shape {tuple(shape)}, which looks like a colour image with channels last; "
            f"{func} transforms the last two axes by default, which would treat it as "
            f"{shape[-3]} images of {shape[-2]} x {shape[-1]}. Pass axes=({ndim - 3}, {ndim - 2}) "
            "to transform each channel, convert it with dtwpt.to_luminance(x) first, or pass "
            "axes=(-2, -1) to transform the last two axes anyway"
        )
    return ndim - 2, ndim - 1


def check_same_shape(arrays, names):
    """All ``arrays`` have one shape; names them otherwise."""
    shapes = [np.shape(a) for a in arrays]
    if len(set(shapes)) != 1:
        listed = ", ".join(f"{n} {s}" for n, s in zip(names, shapes))
        raise ValueError(f"{' and '.join(names)} must have the same shape, got {listed}")
    return shapes[0]


def as_real_array(x, min_ndim, name="x", *, gain=1.0, limit=None, values=True):
    """Validated real floating array: float32 stays float32, other real dtypes -> float64.

    Raises TypeError for complex, object, string or other non-numeric dtypes;
    ValueError for fewer than ``min_ndim`` dimensions, and (unless
    ``values=False``, to call :func:`check_values` later) as
    :func:`check_values` does.
    """
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
    # float32 in any byte order stays float32; the result is native-endian
    single = x.dtype.kind == "f" and x.dtype.itemsize == 4
    x = x.astype(np.float32 if single else np.float64, copy=False)
    if values:
        check_values(x, name, gain, limit=limit)
    return x


def check_values(x, name, gain=1.0, *, limit=None):
    """Finite values of magnitude at most ``finfo(x.dtype).max / gain`` (and ``limit``).

    ``gain`` bounds ``max |output| / max |x|`` of the caller's computation, so
    that no output or intermediate can overflow to inf; ``limit`` is an extra
    bound in the same units as ``x``.
    """
    if not x.size:
        return x
    bound = float(np.finfo(x.dtype).max) / gain
    if limit is not None:
        bound = min(bound, limit)
    # Large arrays: one pass that only tells whether all values are within the
    # bound; the extremes (two passes) are found only to report a failure.
    if (x.size >= SPLIT_ELEMENTS and x.flags.c_contiguous and x.dtype in (np.float32, np.float64)
            and all_within(x.reshape(-1), bound)):
        return x
    if x.flags.c_contiguous:  # every thread takes a share; NaN propagates
        found = extremes(x.reshape(-1))
        low, high = found.min(), found.max()
    else:
        low, high = x.min(), x.max()  # NaN propagates; no temporary array
    if not (np.isfinite(low) and np.isfinite(high)):
        raise ValueError(f"{name} contains NaN or infinite values")
    peak = max(-float(low), float(high))
    if peak > bound:
        raise ValueError(
            f"{name} has values up to {peak:.4g} in magnitude; {name} must stay within "
            f"+-{bound:.4g} for dtype {x.dtype} so that the outputs cannot overflow "
            "(rescale the input)"
        )
    return x


def check_kernel_stack(kernel, name, complex_ok):
    """A finite kernel ``(k, k)`` or stack ``(L, k, k)``; returns ``(array, single)``."""
    k = np.asarray(kernel)
    if k.dtype.kind == "c" and not complex_ok:
        raise TypeError(f"{name} must be a real kernel, got dtype {k.dtype}")
    if k.dtype.kind not in "biufc":
        raise TypeError(f"{name} must be a numeric array, got dtype {k.dtype}")
    if k.ndim not in (2, 3):
        raise ValueError(f"{name} must have shape (k, k) or (L, k, k), got shape {k.shape}")
    if not np.all(np.isfinite(k)):
        raise ValueError(f"{name} contains NaN or infinite values")
    # FFTs and l1 norms sum the k_y k_x taps of a kernel (twice, for a companion)
    limit = float(np.finfo(np.float64).max) / (4 * max(1, k.shape[-2] * k.shape[-1]))
    peak = float(np.abs(k).max()) if k.size else 0.0
    if peak > limit:
        raise ValueError(f"{name} has taps up to {peak:.4g} in magnitude; {name} must stay "
                         f"within +-{limit:.4g} so that its spectrum cannot overflow")
    return k, k.ndim == 2


def check_out(out, shape, dtype, name="out", inputs=()):
    """``out`` if it can receive a result of ``shape`` and ``dtype`` in place.

    It must be a writeable, C-contiguous NumPy array of exactly that shape and
    dtype, sharing no memory with the ``inputs``.
    """
    if not isinstance(out, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array, got {type(out).__name__}")
    dtype = np.dtype(dtype)
    if out.shape != tuple(shape) or out.dtype != dtype:
        raise ValueError(f"{name} must have shape {tuple(shape)} and dtype {dtype}, got "
                         f"shape {out.shape} and dtype {out.dtype}")
    if not (out.flags.c_contiguous and out.flags.writeable):
        raise ValueError(f"{name} must be a writeable C-contiguous array")
    if any(np.shares_memory(out, x) for x in inputs):
        raise ValueError(f"{name} must not share memory with the input")
    return out
