"""Filter plans and scratch buffers shared by the transforms and the packet operators.

A *plan* holds everything the kernels of :mod:`dtwpt._kernels` need for one
``(wavelet, packet_wavelet, level)``: the filter table, the node types of both
real trees and the frequency-order layout. Plans are cached (64 most recent).

Scratch memory: the kernels work in one scratch row per Numba thread. Each
Python thread that calls dtwpt keeps the buffers of its recent calls for
reuse, at most :func:`scratch_limit` bytes in total
(:data:`SCRATCH_BYTES_PER_THREAD` = 64 MiB times ``numba.get_num_threads()``),
least recently used evicted first. A call whose buffer alone exceeds the limit
allocates it for that call only: the memory is returned when the call returns.
Typical workloads (224 x 224 images, any level: about 6 MiB per Numba thread)
stay cached; a 2048 x 2048 float64 image (0.7 GiB per thread for the shift
metrics) is never kept. :func:`scratch_bytes` reports what the calling thread
holds.
"""
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numba
import numpy as np
import pywt

from . import _kernels, tree
from ._validation import (
    as_real_array,
    check_level_for_sizes,
    check_mode,
    check_values,
    image_axes,
    looks_like_colour,
)
from .filters import FilterPair, dual_tree_filters

__all__ = ["SCRATCH_BYTES_PER_THREAD", "scratch_limit", "Plan", "plan", "gain", "scratch",
           "scratch_bytes", "padding", "prepare_2d"]


@dataclass(frozen=True)
class Plan:
    filters: Any
    level: int
    types: np.ndarray  # (2, J, 2**(J-1)): tree a, tree b
    filt: np.ndarray  # (5, 2, ntaps.max()): see dtwpt._kernels
    first: np.ndarray
    ntaps: np.ndarray
    high_offset: np.ndarray  # even tap offset of each high-pass (the kernels' `shift`)
    layout: tree.Layout2D
    natural_1d: np.ndarray
    conj_1d: np.ndarray
    kernel_length: int
    filt32: np.ndarray

    def bank(self, dtype):
        """The filter arguments of the kernels: ``(filt, first, ntaps, high_offset)``."""
        filt = self.filt32 if dtype == np.float32 else self.filt
        return filt, self.first, self.ntaps, self.high_offset


def _key(wavelet):
    if wavelet is None or isinstance(wavelet, str):
        return wavelet
    if isinstance(wavelet, FilterPair):
        return ("pair", tuple(np.ravel(wavelet.low)), tuple(np.ravel(wavelet.high)))
    if isinstance(wavelet, pywt.Wavelet):
        bank = tuple(tuple(f) for f in wavelet.filter_bank)
        return ("pywt", wavelet.name, bank, bool(wavelet.orthogonal))
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
        if key[0] == "pywt":
            wavelet = pywt.Wavelet(key[1], filter_bank=key[2])
            wavelet.orthogonal = key[3]
            return wavelet
        return np.array(key[1]).reshape(key[2])
    return key


@lru_cache(maxsize=64)
def _cached_plan(wavelet_key, packet_key, level):
    filters = dual_tree_filters(_unkey(wavelet_key), _unkey(packet_key))
    pairs = tree.filter_table(filters)
    # Each pair's taps over the union of its two supports, padded to a multiple of
    # 10 (the kernels' block of taps); the high-pass is read `offset` (even)
    # samples later so that the supports overlap, and the kernels move its
    # outputs back by offset / stride.
    first = np.zeros(len(pairs), dtype=np.int64)
    ntaps = np.zeros(len(pairs), dtype=np.int64)
    offset = np.zeros(len(pairs), dtype=np.int64)
    for i, (lo, hi) in enumerate(pairs):
        lo_nz, hi_nz = np.flatnonzero(lo), np.flatnonzero(hi)
        offset[i] = 2 * ((hi_nz[0] - lo_nz[0]) // 2)
        first[i] = min(lo_nz[0], hi_nz[0] - offset[i])
        last = max(lo_nz[-1], hi_nz[-1] - offset[i])
        ntaps[i] = -(-(last + 1 - first[i]) // 10) * 10
    filt = np.zeros((len(pairs), 2, ntaps.max()))
    for i, (lo, hi) in enumerate(pairs):
        for half, (f, start) in enumerate(((lo, first[i]), (hi, first[i] + offset[i]))):
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
    for a in (filt, filt32, first, ntaps, offset, types, natural, conj):
        a.setflags(write=False)
    return Plan(filters, level, types, filt, first, ntaps, offset, tree.layout_2d(orientation),
                natural, conj, kernel_length, filt32)


def plan(wavelet, packet_wavelet, level):
    """The (cached) plan of a validated level."""
    return _cached_plan(_key(wavelet), _key(packet_wavelet), level)


@lru_cache(maxsize=64)
def _largest_l1(wavelet_key, packet_key):
    filters = dual_tree_filters(_unkey(wavelet_key), _unkey(packet_key))
    return max(1.0, max(np.abs(f).sum() for pair in tree.filter_table(filters) for f in pair))


def gain(wavelet, packet_wavelet, level, *, inverse=False):
    """Bound on ``max |output| / max |input|`` of a level-``level`` 2D transform.

    Forward: each 1D filtering multiplies the largest magnitude by at most the
    filter's l1 norm ``l1``, ``level`` times along each of the two axes, and
    combining two real trees into a complex packet adds a factor 2:
    ``2 l1**(2 level)``. Inverse: each synthesis step adds the outputs of a
    low-pass and a high-pass, at most ``2 l1`` per step, and splitting and
    merging the four trees adds a factor 4: ``4 (2 l1)**(2 level)``. Both
    bound the 1D transforms (one axis) too.
    """
    l1 = _largest_l1(_key(wavelet), _key(packet_wavelet))
    return 4.0 * (2 * l1) ** (2 * level) if inverse else 2.0 * l1 ** (2 * level)


SCRATCH_BYTES_PER_THREAD = 64 * 2 ** 20
"""Scratch one calling thread keeps between calls, in bytes per Numba thread."""


def scratch_limit():
    """Most scratch memory (bytes) one calling thread keeps between calls."""
    return SCRATCH_BYTES_PER_THREAD * numba.get_num_threads()

_local = threading.local()


def scratch(rows, size, dtype):
    """A ``(rows, size)`` scratch buffer, reused across calls while it fits the cache.

    Each calling thread caches its buffers, most recently used last; a new
    buffer evicts the least recently used ones until everything held fits
    :func:`scratch_limit`. A buffer larger than that on its own is not
    cached: it is freed as soon as the call that asked for it returns.
    """
    cache = getattr(_local, "scratch", None)
    if cache is None:
        cache = _local.scratch = OrderedDict()
    key = (rows, size, np.dtype(dtype).char)
    buf = cache.pop(key, None)
    if buf is None:
        buf = _kernels.page_aligned_empty((rows, size), dtype)
        limit = scratch_limit()
        if buf.nbytes > limit:
            return buf
        while cache and scratch_bytes() + buf.nbytes > limit:
            cache.popitem(last=False)
    cache[key] = buf
    return buf


def scratch_bytes():
    """Bytes of scratch the calling thread holds between calls."""
    cache = getattr(_local, "scratch", None)
    return sum(b.nbytes for b in cache.values()) if cache else 0


def padding(n, level, kernel_length):
    """Symmetric-mode padding ``(before, after)`` of an axis of length ``n``.

    Both sides get at least half the equivalent kernel's support, rounded up so
    that ``before`` and the padded length are multiples of ``2**level``.
    """
    step = 2 ** level
    margin = -(-(kernel_length // 2) // step) * step
    total = -(-(n + 2 * margin) // step) * step
    return margin, total - n - margin


def prepare_2d(x, level, wavelet, packet_wavelet, mode, *, axes=None, values=True,
               func="dtcwpt2"):
    """Validate, extend and flatten images: ``(plan, batch, (H, W), pad, lead, axes)``.

    ``axes`` (see :func:`dtwpt._validation.image_axes`) are moved to the end;
    the returned ``axes`` are negative indices of the input. The level is
    checked against ``(H, W)`` before the plan is built; values are checked to
    be finite and within ``finfo.max / gain`` (``values=False`` leaves that to
    the caller, who has a tighter bound).
    """
    check_mode(mode)
    x = as_real_array(x, 2, values=False)
    ay, ax = image_axes(x.shape, axes, func)
    if (ay, ax) != (x.ndim - 2, x.ndim - 1):
        x = np.moveaxis(x, (ay, ax), (-2, -1))
    H, W = x.shape[-2:]
    hint = None
    if looks_like_colour(x.shape):  # explicit axes=(-2, -1) on a colour-looking image
        hint = ("x looks like a colour image: axes=(-3, -2) transforms each channel, "
                "dtwpt.to_luminance converts it to one")
    level = check_level_for_sizes(level, (H, W), ("H", "W"), mode, hint)
    if values:
        check_values(x, "x", gain(wavelet, packet_wavelet, level))
    p = plan(wavelet, packet_wavelet, level)
    if mode == "periodization":
        pad = ((0, 0), (0, 0))
    else:
        pad = (padding(H, level, p.kernel_length), padding(W, level, p.kernel_length))
        x = np.pad(x, ((0, 0),) * (x.ndim - 2) + pad, mode="symmetric")
    batch = np.ascontiguousarray(x.reshape((-1,) + x.shape[-2:]))
    return p, batch, (H, W), pad, x.shape[:-2], (ay - x.ndim, ax - x.ndim)
