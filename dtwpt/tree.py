"""Packet-tree rules, packet ordering and frequency tiles.

Tree rules (Bayram and Selesnick [1]_): every node of a real packet tree is split by
one filter pair, chosen by how the node was reached:

============================  ======================================
node                          split by
============================  ======================================
root of tree a / tree b       first-stage pair of that tree
first-stage low, tree a / b   ``(ha, ga)`` / ``(hb, gb)``
first-stage high, tree a / b  ``(hb, gb)`` / ``(ha, ga)`` (trees swap)
low child of a Q-shift node   the same Q-shift pair again
anything below a Q-shift      the packet pair ``(h, g)``
high-pass, and below
============================  ======================================

Natural (Paley) index: the path from the root, most significant bit first, 0
for low and 1 for high. Frequency band = inverse Gray code of the natural index.

Frequency convention: a packet's characteristic frequency ``theta`` is the
**input** frequency it responds to (for ``x[n] = cos(<omega, n>)`` with omega
in the packet's tile, that packet's output has the most energy). Filtering is
cross-correlation, so a kernel ``K`` responds to input frequency ``omega``
through ``sum_t K[t] exp(1j * omega * t)``.

Which filters act at which level: the packet pair ``(h, g)`` first splits nodes
at depth 2 (the third filtering stage), so it only matters for ``J >= 3``; at
``J = 1, 2`` every node is split by a first-stage or Q-shift pair.

2D frequency order: ``P = 2 * 4**J`` packets tile the half-plane
``omega_x >= 0`` with squares of side ``pi / 2**J``, ``2**(J+1)`` rows by
``2**J`` columns; packet ``p = r * 2**J + c`` has centre
``theta = (-pi + (r + 1/2) pi / 2**J, (c + 1/2) pi / 2**J)``.

References
----------
.. [1] I. Bayram, I. W. Selesnick, "On the dual-tree complex wavelet packet and
   M-band transforms", IEEE Trans. Signal Process. 56(6), 2008.
"""
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from ._validation import check_choice, check_level
from .filters import DualTreeFilters

__all__ = [
    "gray",
    "inverse_gray",
    "node_types",
    "equivalent_kernels_1d",
    "orientation_1d",
    "Layout2D",
    "layout_2d",
    "layout_1d",
    "tile_centres",
    "lowpass_mask",
    "band_centres_1d",
]

# Filter-pair ids, in the order of :func:`filter_table`.
FIRST_A, FIRST_B, QSHIFT_A, QSHIFT_B, PACKET = range(5)


def _indices(i, name):
    """Non-negative integer indices (scalar or array)."""
    arr = np.asarray(i)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{name} must be non-negative integers, got dtype {arr.dtype}")
    if arr.size and arr.min() < 0:
        raise ValueError(f"{name} must be non-negative integers, got {int(arr.min())}")
    return arr


def _check_filters(filters):
    if not isinstance(filters, DualTreeFilters):
        raise TypeError(f"filters must be a DualTreeFilters (see dtwpt.dual_tree_filters), "
                        f"got {type(filters).__name__}")
    return filters


def _check_orientation(orientation):
    o = np.asarray(orientation)
    n = o.size
    if (o.ndim != 1 or n < 2 or n & (n - 1) or o.dtype.kind not in "iuf"
            or not np.all(np.abs(o) == 1)):
        raise ValueError(f"orientation must be a 1D array of +1/-1 whose length is a power of "
                         f"2 >= 2 (see orientation_1d), got shape {o.shape}: {orientation!r}")
    return o.astype(np.int64)


def gray(b: ArrayLike) -> np.ndarray | np.integer:
    """Gray code ``b ^ (b >> 1)``: frequency band -> natural index.

    Parameters
    ----------
    b : int or array_like of int
        Frequency band index (or indices), non-negative; band 0 is the lowest.

    Returns
    -------
    numpy.integer or ndarray of int
        Natural (Paley) index of each band, same shape as ``b``.

    Raises
    ------
    TypeError
        If ``b`` does not hold integers (float, bool, complex or other dtype).
    ValueError
        If ``b`` holds a negative value.

    Examples
    --------
    >>> gray(np.arange(8)).tolist()
    [0, 1, 3, 2, 6, 7, 5, 4]
    >>> k = np.arange(64)
    >>> bool(np.all(inverse_gray(gray(k)) == k))
    True
    """
    b = _indices(b, "b")
    return b ^ (b >> 1)


def inverse_gray(i: ArrayLike) -> np.ndarray | np.integer:
    """Inverse Gray code: natural index -> frequency band.

    Parameters
    ----------
    i : int or array_like of int
        Natural (Paley) index (or indices), non-negative.

    Returns
    -------
    numpy.integer or ndarray of int
        Frequency band of each natural index, same shape as ``i``.

    Raises
    ------
    TypeError
        If ``i`` does not hold integers (float, bool, complex or other dtype).
    ValueError
        If ``i`` holds a negative value.

    Examples
    --------
    >>> inverse_gray(np.arange(4)).tolist()
    [0, 1, 3, 2]
    >>> k = np.arange(64)
    >>> bool(np.all(gray(inverse_gray(k)) == k))
    True
    """
    i = _indices(i, "i")
    b = np.array(i, copy=True)
    shift = np.array(i) >> 1
    while np.any(shift):
        b ^= shift
        shift >>= 1
    return b


def node_types(level: int, tree: Literal["a", "b"]) -> np.ndarray:
    """Filter pair splitting each node, per depth.

    Parameters
    ----------
    level : int
        Number of levels J.
    tree : {"a", "b"}
        Which real tree of the dual tree.

    Returns
    -------
    ndarray of int, shape (J, 2**(J-1))
        ``types[j, i]`` is the pair id that splits natural node ``i`` at depth
        ``j`` (entries past ``2**j`` are unused and set to -1). Ids: 0 first-stage
        pair of tree a, 1 of tree b, 2 Q-shift pair of tree a, 3 of tree b, 4 packet
        pair ``(h, g)``.

    Raises
    ------
    TypeError
        If ``level`` is not an integer (a bool or a float included).
    ValueError
        If ``level`` is outside ``[1, 8]`` (8 is ``dtwpt.MAX_LEVEL``).
        If ``tree`` is not ``"a"`` or ``"b"``.

    References
    ----------
    Bayram and Selesnick, "On the dual-tree complex wavelet packet and M-band
    transforms", IEEE Trans. Signal Process. 56(6), 2008 (the tree rules).

    Examples
    --------
    >>> node_types(3, "a")
    array([[ 0, -1, -1, -1],
           [ 2,  3, -1, -1],
           [ 2,  4,  3,  4]])
    """
    level = check_level(level)
    tree = check_choice(tree, "tree", ("a", "b"))
    types = np.full((level, max(1, 2 ** (level - 1))), -1, dtype=np.int64)
    types[0, 0] = FIRST_A if tree == "a" else FIRST_B
    if level > 1:
        types[1, :2] = (QSHIFT_A, QSHIFT_B) if tree == "a" else (QSHIFT_B, QSHIFT_A)
    for j in range(2, level):
        parents = types[j - 1, : 2 ** (j - 1)]
        qshift = parents != PACKET
        types[j, 0 : 2 ** j : 2] = np.where(qshift, parents, PACKET)
        types[j, 1 : 2 ** j : 2] = PACKET
    return types


def filter_table(filters):
    """The filter pairs in id order, as a list of ``(low, high)`` arrays."""
    filters = _check_filters(filters)
    pairs = (filters.first_a, filters.first_b, filters.qshift_a, filters.qshift_b, filters.packet)
    return [(p.low, p.high) for p in pairs]


def equivalent_kernels_1d(filters: DualTreeFilters, level: int,
                          tree: Literal["a", "b"]) -> np.ndarray:
    """Equivalent cross-correlation kernels of every packet of one real tree.

    Packet ``i`` (natural order) computes
    ``y[n] = sum_t x[(2**J n + t) mod N] K_i[t]``.

    Parameters
    ----------
    filters : DualTreeFilters
        Filter pairs of the dual tree (see :func:`dtwpt.dual_tree_filters`).
    level : int
        Number of levels J (>= 1).
    tree : {"a", "b"}
        Which real tree of the dual tree.

    Returns
    -------
    ndarray, shape (2**J, K)
        Kernels in natural order, zero-padded to a common length.

    Raises
    ------
    TypeError
        If ``filters`` is not a :class:`~dtwpt.filters.DualTreeFilters`.
        If ``level`` is not an integer (a bool or a float included).
    ValueError
        If ``level`` is outside ``[1, 8]`` (8 is ``dtwpt.MAX_LEVEL``).
        If ``tree`` is not ``"a"`` or ``"b"``.

    References
    ----------
    Bayram and Selesnick, "On the dual-tree complex wavelet packet and M-band
    transforms", IEEE Trans. Signal Process. 56(6), 2008.

    Examples
    --------
    >>> from dtwpt import dual_tree_filters
    >>> k = equivalent_kernels_1d(dual_tree_filters("qshift_a"), 2, "a")
    >>> k.shape
    (4, 30)

    The low-pass kernel sums to ``2**(J/2)``, the others to (almost) 0:

    >>> np.round(k.sum(axis=1), 6).tolist()
    [2.0, 0.0, 0.0, 0.0]
    """
    table = filter_table(filters)
    types = node_types(level, tree)
    level = types.shape[0]
    kernels = [np.ones(1)]
    for j in range(level):
        children = []
        for i, k in enumerate(kernels):
            for f in table[types[j, i]]:
                up = np.zeros((f.size - 1) * 2 ** j + 1)
                up[:: 2 ** j] = f
                children.append(np.convolve(k, up))
        kernels = children
    size = max(k.size for k in kernels)
    return np.array([np.pad(k, (0, size - k.size)) for k in kernels])


def _one_sided_energy(kernels, n_fft):
    """Energy of each kernel's response at input frequencies > 0 and < 0."""
    response = np.fft.ifft(kernels, n=n_fft, axis=-1) * n_fft
    energy = np.abs(response) ** 2
    half = n_fft // 2
    return energy[..., 1:half].sum(-1), energy[..., half + 1 :].sum(-1)


def orientation_1d(filters: DualTreeFilters, level: int) -> np.ndarray:
    """Side of the frequency axis each 1D complex packet responds to.

    The complex packet ``psi_i = K_a,i + 1j K_b,i`` is nearly one-sided; this
    measures on which side its response lies.

    Parameters
    ----------
    filters : DualTreeFilters
        Filter pairs of the dual tree (see :func:`dtwpt.dual_tree_filters`).
    level : int
        Number of levels J (>= 1).

    Returns
    -------
    ndarray of int, shape (2**J,)
        +1 where packet ``i`` (natural order) responds to ``omega > 0``, else -1.

    Raises
    ------
    TypeError
        If ``level`` is not an integer (a bool or a float included).
        If ``filters`` is not a :class:`~dtwpt.filters.DualTreeFilters`.
    ValueError
        If ``level`` is outside ``[1, 8]`` (8 is ``dtwpt.MAX_LEVEL``).

    References
    ----------
    Bayram and Selesnick, "On the dual-tree complex wavelet packet and M-band
    transforms", IEEE Trans. Signal Process. 56(6), 2008.

    Examples
    --------
    >>> from dtwpt import dual_tree_filters
    >>> orientation_1d(dual_tree_filters("qshift_a"), 2).tolist()
    [1, -1, 1, -1]
    """
    level = check_level(level)
    psi = (equivalent_kernels_1d(filters, level, "a")
           + 1j * equivalent_kernels_1d(filters, level, "b"))
    positive, negative = _one_sided_energy(psi, 64 * 2 ** level)
    return np.where(positive >= negative, 1, -1)


@dataclass(frozen=True)
class Layout2D:
    """How the four real trees combine into packets in frequency order.

    For packet ``p``: natural indices ``iv`` (axis -2) and ``ih`` (axis -1),
    ``sign`` = -1 for ``(T_aa - T_bb) + 1j (T_ba + T_ab)`` and +1 for
    ``(T_aa + T_bb) + 1j (T_ba - T_ab)``, and ``conj`` = -1 where that packet is
    conjugated (so that it responds to ``omega_x >= 0``), +1 otherwise.
    Built by :func:`layout_2d`; each parameter is kept as the attribute of the
    same name.

    Parameters
    ----------
    iv : ndarray of int, shape (2 * 4**J,)
        Natural index along axis -2 of each packet's real trees.
    ih : ndarray of int, shape (2 * 4**J,)
        Natural index along axis -1.
    sign : ndarray of int, shape (2 * 4**J,)
        -1 or +1: how the four trees combine (above).
    conj : ndarray of int, shape (2 * 4**J,)
        -1 where the packet is conjugated, +1 otherwise.

    Examples
    --------
    The 8 packets of level 1, in frequency order:

    >>> from dtwpt import dual_tree_filters
    >>> layout = layout_2d(orientation_1d(dual_tree_filters("qshift_a"), 1))
    >>> layout.iv.tolist(), layout.ih.tolist()
    ([1, 1, 0, 0, 0, 0, 1, 1], [0, 1, 0, 1, 0, 1, 0, 1])
    >>> layout.sign.tolist(), layout.conj.tolist()
    ([1, 1, 1, 1, -1, -1, -1, -1], [-1, -1, -1, -1, 1, 1, 1, 1])
    """

    iv: np.ndarray
    ih: np.ndarray
    sign: np.ndarray
    conj: np.ndarray


def layout_2d(orientation: np.ndarray) -> Layout2D:
    """Frequency-order layout of the 2D complex packets.

    Parameters
    ----------
    orientation : ndarray of int, shape (2**J,)
        Output of :func:`orientation_1d` (the same filters run along both axes).

    Returns
    -------
    Layout2D
        Arrays ``iv``, ``ih``, ``sign`` and ``conj``, each of shape
        ``(2 * 4**J,)``, indexed by packet ``p`` in frequency order (see
        :class:`Layout2D` and the module docstring).

    Raises
    ------
    ValueError
        If ``orientation`` is not a 1D array of +1/-1 whose length is a power of 2
        (at least 2), as :func:`orientation_1d` returns.

    References
    ----------
    Bayram and Selesnick, "On the dual-tree complex wavelet packet and M-band
    transforms", IEEE Trans. Signal Process. 56(6), 2008 (the 2D complex packets).

    Examples
    --------
    >>> from dtwpt import dual_tree_filters
    >>> layout = layout_2d(orientation_1d(dual_tree_filters("qshift_a"), 2))
    >>> layout.iv.shape
    (32,)

    Every pair of natural indices appears once with each sign:

    >>> len(set(zip(layout.iv.tolist(), layout.ih.tolist(), layout.sign.tolist())))
    32
    """
    orientation = _check_orientation(orientation)
    n = orientation.size
    size = 2 * n * n
    iv, ih, sign, conj = (np.zeros(size, dtype=np.int64) for _ in range(4))
    band = inverse_gray(np.arange(n))
    for v in range(n):
        for h in range(n):
            for s in (-1, 1):
                # s = -1: psi_v (x) psi_h; s = +1: psi_v (x) conj(psi_h)
                sy, sx = orientation[v], -s * orientation[h]
                c = 1 if sx > 0 else -1
                sy *= c
                row = n + band[v] if sy > 0 else n - 1 - band[v]
                p = row * n + band[h]
                iv[p], ih[p], sign[p], conj[p] = v, h, s, c
    return Layout2D(iv, ih, sign, conj)


def layout_1d(orientation: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Natural index and conjugation of each 1D packet in frequency order.

    Parameters
    ----------
    orientation : ndarray of int, shape (2**J,)
        Output of :func:`orientation_1d`.

    Returns
    -------
    natural : ndarray of int, shape (2**J,)
        Natural index of the packet in frequency band ``b`` (the Gray code of
        ``b``).
    conj : ndarray of int, shape (2**J,)
        -1 where the packet ``K_a + 1j K_b`` is conjugated to respond to
        ``omega >= 0``.

    Raises
    ------
    ValueError
        If ``orientation`` is not a 1D array of +1/-1 whose length is a power of 2
        (at least 2), as :func:`orientation_1d` returns.

    Examples
    --------
    >>> from dtwpt import dual_tree_filters
    >>> natural, conj = layout_1d(orientation_1d(dual_tree_filters("qshift_a"), 2))
    >>> natural.tolist(), conj.tolist()
    ([0, 1, 3, 2], [1, -1, -1, 1])
    """
    orientation = _check_orientation(orientation)
    natural = gray(np.arange(orientation.size))
    return natural, orientation[natural].astype(np.int64)


def tile_centres(level: int) -> np.ndarray:
    """Tile centres ``theta = (theta_y, theta_x)`` of the 2D packets.

    Parameters
    ----------
    level : int
        Number of levels J (>= 0).

    Returns
    -------
    ndarray, shape (2 * 4**J, 2)
        Centre of the tile of packet ``p`` (frequency order), in radians per
        sample: ``theta_y`` in ``(-pi, pi)``, ``theta_x`` in ``(0, pi)``.

    Raises
    ------
    TypeError
        If ``level`` is not an integer (a bool or a float included).
    ValueError
        If ``level`` is outside ``[0, 8]`` (8 is ``dtwpt.MAX_LEVEL``).

    Examples
    --------
    >>> tile_centres(2).shape
    (32, 2)
    >>> tile_centres(1)[:2] / np.pi
    array([[-0.75,  0.25],
           [-0.75,  0.75]])
    """
    n = 2 ** check_level(level, 0)
    r, c = np.divmod(np.arange(2 * n * n), n)
    step = np.pi / n
    return np.stack([-np.pi + (r + 0.5) * step, (c + 0.5) * step], axis=-1)


def lowpass_mask(level: int) -> np.ndarray:
    """True for the two packets whose tiles touch the origin.

    Parameters
    ----------
    level : int
        Number of levels J (>= 0).

    Returns
    -------
    ndarray of bool, shape (2 * 4**J,)
        True at packets ``(2**J - 1) * 2**J`` and ``4**J`` (frequency order),
        the tiles just below and just above ``omega_y = 0`` at ``omega_x = 0``.

    Raises
    ------
    TypeError
        If ``level`` is not an integer (a bool or a float included).
    ValueError
        If ``level`` is outside ``[0, 8]`` (8 is ``dtwpt.MAX_LEVEL``).

    Examples
    --------
    >>> mask = lowpass_mask(2)
    >>> mask.shape, np.flatnonzero(mask).tolist()
    ((32,), [12, 16])
    >>> tile_centres(2)[mask] / np.pi
    array([[-0.125,  0.125],
           [ 0.125,  0.125]])
    """
    n = 2 ** check_level(level, 0)
    mask = np.zeros(2 * n * n, dtype=bool)
    mask[[(n - 1) * n, n * n]] = True
    return mask


def band_centres_1d(level: int) -> np.ndarray:
    """Centre frequencies ``(b + 1/2) pi / 2**J`` of the 1D packets.

    Parameters
    ----------
    level : int
        Number of levels J (>= 0).

    Returns
    -------
    ndarray, shape (2**J,)
        Centre frequency of band ``b`` (frequency order), in radians per sample.

    Raises
    ------
    TypeError
        If ``level`` is not an integer (a bool or a float included).
    ValueError
        If ``level`` is outside ``[0, 8]`` (8 is ``dtwpt.MAX_LEVEL``).

    Examples
    --------
    >>> band_centres_1d(2) / np.pi
    array([0.125, 0.375, 0.625, 0.875])
    """
    level = check_level(level, 0)
    return (np.arange(2 ** level) + 0.5) * np.pi / 2 ** level
