"""Plain NumPy reference of the dual-tree complex wavelet packet transform.

Slow and written for clarity, independently of the Numba kernels: it is the
oracle the tests compare :mod:`dtwpt.transform` against. It uses only the
filter coefficients (:mod:`dtwpt.filters`) and the tree conventions
(:mod:`dtwpt.tree`), and supports periodic extension only.

Conventions (those of :mod:`dtwpt.transform` and :mod:`dtwpt.tree`): filtering is periodic
cross-correlation ``y[n] = sum_k x[(s*n + k) mod N] f[k]``; packets of a real
tree are listed in natural (Paley) order; 2D packets in frequency order.
"""
import numpy as np

from . import tree as _tree
from .filters import dual_tree_filters

__all__ = [
    "filter_periodic",
    "real_tree_1d",
    "real_trees_2d",
    "dtcwpt2_reference",
    "dtcwpt_reference",
]


def filter_periodic(x, f, stride, axis=-1):
    """Periodic cross-correlation with subsampling along one axis.

    Parameters
    ----------
    x : array_like
        Real or complex array.
    f : array_like, shape (L,)
        Filter weights.
    stride : int
        Subsampling factor; the length along ``axis`` must be a multiple of it.
    axis : int
        Axis to filter.

    Returns
    -------
    ndarray
        ``y[n] = sum_k x[(stride*n + k) mod N] f[k]`` for ``n < N // stride``,
        in place of ``axis``.
    """
    x = np.moveaxis(np.asarray(x), axis, -1)
    f = np.asarray(f)
    N = x.shape[-1]
    if N % stride:
        raise ValueError(f"length {N} is not a multiple of the stride {stride}")
    n = np.arange(N // stride)
    idx = (stride * n[:, None] + np.arange(f.size)[None, :]) % N  # (N // stride, L)
    y = np.take(x, idx, axis=-1) @ f
    return np.moveaxis(y, -1, axis)


def real_tree_1d(x, filters, level, tree, axis=-1, last_stride=2):
    """All packets of one real packet tree along one axis.

    Parameters
    ----------
    x : array_like
        Input; every other axis is a batch.
    filters : DualTreeFilters
        Filter pairs, looked up through :func:`dtwpt.tree.filter_table`.
    level : int
        Number of levels J.
    tree : {"a", "b"}
        Which tree's rules (:func:`dtwpt.tree.node_types`) choose the pairs.
    axis : int
        Axis to transform.
    last_stride : {2, 1}
        Stride of the last level (1 leaves it undecimated).

    Returns
    -------
    list of ndarray
        The ``2**J`` packets in natural order; ``axis`` has length ``N / 2**J``
        (``N / 2**(J-1)`` with ``last_stride=1``).
    """
    table = _tree.filter_table(filters)
    types = _tree.node_types(level, tree)
    nodes = [np.asarray(x)]
    for j in range(level):
        stride = last_stride if j == level - 1 else 2
        children = []
        for i, node in enumerate(nodes):
            low, high = table[types[j, i]]
            children.append(filter_periodic(node, low, stride, axis))
            children.append(filter_periodic(node, high, stride, axis))
        nodes = children
    return nodes


def real_trees_2d(x, filters, level, last_stride=2):
    """The four separable real packet trees ``T_vh`` of an image batch.

    Parameters
    ----------
    x : array_like, shape (..., H, W)
    filters : DualTreeFilters
    level : int
    last_stride : {2, 1}

    Returns
    -------
    dict
        ``{(v, h): T_vh}`` for ``v, h`` in ``{"a", "b"}``; ``T_vh`` has shape
        ``(..., 2**J, 2**J, h, w)``: natural index of tree ``v`` along axis -4
        (from filtering axis -2), natural index of tree ``h`` along axis -3
        (from filtering axis -1).
    """
    trees = {}
    for v in "ab":
        yv = np.stack(real_tree_1d(x, filters, level, v, -2, last_stride), axis=-3)
        for h in "ab":
            trees[v, h] = np.stack(real_tree_1d(yv, filters, level, h, -1, last_stride), axis=-3)
    return trees


def _real_input(x, min_ndim):
    x = np.asarray(x, dtype=np.float64)
    if x.ndim < min_ndim:
        raise ValueError(f"x needs at least {min_ndim} dimensions")
    return x


def dtcwpt2_reference(x, level, wavelet="qshift_a", packet_wavelet=None, decimated=True):
    """2D DT-CWPT in frequency order, periodic extension, float64.

    Parameters
    ----------
    x : array_like, shape (..., H, W)
        ``H`` and ``W`` multiples of ``2**level``.
    level : int
    wavelet, packet_wavelet
        As in :func:`dtwpt.filters.dual_tree_filters`.
    decimated : bool
        False leaves the last stage undecimated.

    Returns
    -------
    ndarray of complex128, shape (..., 2 * 4**level, h, w)
        Packet ``p`` is ``ya = (T_aa - T_bb) + 1j (T_ba + T_ab)`` (layout
        sign -1) or ``yb = (T_aa + T_bb) + 1j (T_ba - T_ab)`` (sign +1) at
        natural indices ``(iv, ih)``, conjugated where the layout says so.
    """
    x = _real_input(x, 2)
    step = 2 ** level
    if x.shape[-1] % step or x.shape[-2] % step:
        raise ValueError(f"H and W must be multiples of 2**level = {step}")
    filters = dual_tree_filters(wavelet, packet_wavelet)
    t = real_trees_2d(x, filters, level, last_stride=2 if decimated else 1)
    ya = (t["a", "a"] - t["b", "b"]) + 1j * (t["b", "a"] + t["a", "b"])
    yb = (t["a", "a"] + t["b", "b"]) + 1j * (t["b", "a"] - t["a", "b"])
    lay = _tree.layout_2d(_tree.orientation_1d(filters, level))
    minus = ya[..., lay.iv, lay.ih, :, :]  # (..., P, h, w)
    plus = yb[..., lay.iv, lay.ih, :, :]
    out = np.where((lay.sign < 0)[:, None, None], minus, plus)
    return np.where((lay.conj < 0)[:, None, None], out.conj(), out)


def dtcwpt_reference(x, level, wavelet="qshift_a", packet_wavelet=None, axis=-1):
    """1D DT-CWPT in frequency order along ``axis``, periodic extension, float64.

    Returns
    -------
    ndarray of complex128, shape (..., 2**level, n)
        ``axis`` is moved to the end and replaced by ``(P, n)``; band ``b`` is
        ``K_a + 1j K_b`` of natural packet ``gray(b)``, conjugated where
        :func:`dtwpt.tree.layout_1d` says so.
    """
    x = np.moveaxis(_real_input(x, 1), axis, -1)
    if x.shape[-1] % 2 ** level:
        raise ValueError(f"the length must be a multiple of 2**level = {2 ** level}")
    filters = dual_tree_filters(wavelet, packet_wavelet)
    ta = np.stack(real_tree_1d(x, filters, level, "a"), axis=-2)  # (..., 2**J, n)
    tb = np.stack(real_tree_1d(x, filters, level, "b"), axis=-2)
    natural, conj = _tree.layout_1d(_tree.orientation_1d(filters, level))
    return ta[..., natural, :] + 1j * conj[:, None] * tb[..., natural, :]
