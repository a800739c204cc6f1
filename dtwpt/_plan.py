"""Filter plans and scratch buffers shared by the transforms and the packet operators.

A *plan* holds everything the kernels of :mod:`dtwpt._kernels` need for one
``(wavelet, packet_wavelet, level)``: the filter table, the node types of both
real trees and the frequency-order layout. Plans are cached (64 most recent).
"""
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from . import tree
from ._validation import as_real_array, check_level_for_sizes, check_mode, check_values
from .filters import FilterPair, dual_tree_filters

__all__ = ["Plan", "plan", "gain", "scratch", "padding", "prepare_2d"]


@dataclass(frozen=True)
class Plan:
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
    return Plan(filters, level, types, filt, first, ntaps, shift, tree.layout_2d(orientation),
                natural, conj, kernel_length, filt32)


def plan(wavelet, packet_wavelet, level):
    """The (cached) plan of a validated level."""
    return _cached_plan(_key(wavelet), _key(packet_wavelet), level)


@lru_cache(maxsize=64)
def _cached_gain(wavelet_key, packet_key, level):
    filters = dual_tree_filters(_unkey(wavelet_key), _unkey(packet_key))
    l1 = max(np.abs(f).sum() for pair in tree.filter_table(filters) for f in pair)
    return 2.0 * max(l1, 1.0) ** (2 * level)


def gain(wavelet, packet_wavelet, level):
    """Bound on ``max |coefficient| / max |x|`` of a level-``level`` 2D transform.

    Each 1D filtering multiplies the largest magnitude by at most the filter's
    l1 norm, ``level`` times along each of the two axes; combining two real
    trees into a complex packet adds a factor 2. It bounds the 1D transform
    (one axis) too, and the real and imaginary parts of the packets.
    """
    return _cached_gain(_key(wavelet), _key(packet_wavelet), level)


_local = threading.local()


def scratch(rows, size, dtype):
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


def padding(n, level, kernel_length):
    """Symmetric-mode padding ``(before, after)`` of an axis of length ``n``.

    Both sides get at least half the equivalent kernel's support, rounded up so
    that ``before`` and the padded length are multiples of ``2**level``.
    """
    step = 2 ** level
    margin = -(-(kernel_length // 2) // step) * step
    total = -(-(n + 2 * margin) // step) * step
    return margin, total - n - margin


def prepare_2d(x, level, wavelet, packet_wavelet, mode, *, values=True):
    """Validate, extend and flatten images: ``(plan, batch, (H, W), pad, lead)``.

    The level is checked against ``(H, W)`` before the plan is built; values are
    checked to be finite and within ``finfo.max / gain`` (``values=False``
    leaves that to the caller, who has a tighter bound).
    """
    check_mode(mode)
    x = as_real_array(x, 2, values=False)
    H, W = x.shape[-2:]
    level = check_level_for_sizes(level, (H, W), ("H", "W"), mode)
    if values:
        check_values(x, "x", gain(wavelet, packet_wavelet, level))
    p = plan(wavelet, packet_wavelet, level)
    if mode == "periodization":
        pad = ((0, 0), (0, 0))
    else:
        pad = (padding(H, level, p.kernel_length), padding(W, level, p.kernel_length))
        x = np.pad(x, ((0, 0),) * (x.ndim - 2) + pad, mode="symmetric")
    batch = np.ascontiguousarray(x.reshape((-1,) + x.shape[-2:]))
    return p, batch, (H, W), pad, x.shape[:-2]
