"""Per-chunk computation of the kernels experiment and its aggregation.

For every pair ``(X, X')`` of the source and every kernel ``l`` of the layer
(real ``V_l`` of shape ``(C, k, k)``, its complex companion ``W_l`` from
:func:`dtwpt.kernel_analysis.complex_companion`), at the layer's stride ``m``
and pooling half-width ``q``, with the multichannel operators of
:mod:`dtwpt.convolution` (channels summed before pooling or modulus)::

    Ymax = rmax_conv(X, V, m, q=q)      Ymod = cmod_conv(X, W, m)
    rho^2   = (||Ymod - Ymax|| / ||Ymod||)^2
    rho_max = ||Ymax' - Ymax|| / ||Ymod||
    rho_mod = ||Ymod' - Ymod|| / ||Ymod||

(:func:`dtwpt.metrics.discrepancy`, :func:`dtwpt.metrics.shift_stability`;
``'`` marks the outputs of ``X'``, compared at the same positions). A chunk
keeps these per-pair values, with the photograph each pair comes from, so
that the report's intervals are computed over photographs.
"""
import numpy as np

from dtwpt import metrics
from dtwpt.convolution import cmod_conv, rmax_conv

__all__ = ["METRICS", "PAIRS_PER_CALL", "aggregate", "chunk_values", "pair_values"]

#: Metrics, in the order of the arrays' first axis.
METRICS = ("rho2", "rho_max", "rho_mod")
#: Pairs sent to the operators together (bounds the memory of a call).
PAIRS_PER_CALL = 8


def pair_values(x, x_shifted, V, W, m, *, q=1):
    """``rho^2``, ``rho_max`` and ``rho_mod`` of pairs, per kernel.

    Parameters
    ----------
    x, x_shifted : ndarray, shape (n, C, H, W) (or (n, H, W) for kernels (L, 1, k, k))
        Images ``X`` and ``X'``.
    V : ndarray, shape (L, C, k, k)
        Real kernels.
    W : ndarray, shape (L, C, k, k)
        Their complex companions.
    m : int
        Stride.
    q : int, keyword-only
        Max-pooling half-width.

    Returns
    -------
    ndarray, shape (3, n, L), float64
        NaN where ``||Ymod|| = 0``.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.random((2, 3, 16, 17))
    >>> V = rng.standard_normal((4, 3, 5, 5))
    >>> pair_values(x[..., :16], x[..., 1:], V, V + 0j, 2).shape
    (3, 2, 4)
    """
    if V.shape[1] == 1 and x.ndim == 3:
        x, x_shifted = x[:, None], x_shifted[:, None]
    both = np.concatenate([x, x_shifted])
    ymax = rmax_conv(both, V, m, q=q)
    ymod = cmod_conv(both, W, m)
    n = len(x)
    return np.stack([metrics.discrepancy(ymax[:n], ymod[:n]) ** 2,
                     metrics.shift_stability(ymax[:n], ymax[n:], ymod[:n]),
                     metrics.shift_stability(ymod[:n], ymod[n:], ymod[:n])])


def chunk_values(batch, *, V, W, m, q):
    """Reduce a batch of pairs to the arrays saved for a chunk.

    Parameters
    ----------
    batch : dtwpt.data.Batch
        Pairs, colour ``(n, C, H, W)`` or luminance ``(n, H, W)``.
    V : ndarray, shape (L, C, k, k)
        Real kernels.
    W : ndarray, shape (L, C, k, k)
        Their complex companions.
    m : int
        Stride.
    q : int
        Max-pooling half-width.

    Returns
    -------
    dict of ndarray
        ``values`` (3, n, L), as :func:`pair_values`; ``names`` and
        ``groups`` (n,) of str (the pairs and their photographs);
        ``skipped_names`` and ``skipped_reasons`` (the source's items that
        could not be loaded).

    Examples
    --------
    >>> from dtwpt.data import BundledPhotos
    >>> rng = np.random.default_rng(0)
    >>> V = rng.standard_normal((4, 3, 5, 5))
    >>> batch = BundledPhotos(2, size=32, color=True).load(0, 2)
    >>> chunk = chunk_values(batch, V=V, W=V + 0j, m=2, q=1)
    >>> chunk["values"].shape, chunk["groups"].tolist()
    ((3, 2, 4), ['astronaut', 'camera'])
    """
    n = len(batch)
    parts = [pair_values(batch.x[i:i + PAIRS_PER_CALL], batch.x_shifted[i:i + PAIRS_PER_CALL],
                         V, W, m, q=q) for i in range(0, n, PAIRS_PER_CALL)]
    values = np.concatenate(parts, axis=1) if parts else np.empty((3, 0, len(V)))
    return {"values": values,
            "names": np.array(batch.names, dtype=str),
            "groups": np.array(batch.groups or batch.names, dtype=str),
            "skipped_names": np.array([name for name, _ in batch.skipped], dtype=str),
            "skipped_reasons": np.array([why for _, why in batch.skipped], dtype=str)}


def aggregate(chunks, n_kernels):
    """Every chunk's pairs, in index order.

    Parameters
    ----------
    chunks : list of dict
        :func:`chunk_values` results in index order.
    n_kernels : int
        Kernels of the layer, ``L`` (the shape of ``values`` without chunks).

    Returns
    -------
    dict
        ``values`` (3, n_pairs, L), ``names`` and ``groups`` (n_pairs,),
        ``n_pairs`` and ``skipped`` (list of (name, reason)).

    Examples
    --------
    >>> from dtwpt.data import BundledPhotos
    >>> V = np.random.default_rng(0).standard_normal((4, 3, 5, 5))
    >>> source = BundledPhotos(4, size=32, color=True)
    >>> chunks = [chunk_values(source.load(i, i + 2), V=V, W=V + 0j, m=2, q=1)
    ...           for i in (0, 2)]
    >>> totals = aggregate(chunks, 4)
    >>> totals["values"].shape, totals["n_pairs"], totals["skipped"]
    ((3, 4, 4), 4, [])
    >>> aggregate([], 4)["values"].shape
    (3, 0, 4)
    """
    values = [c["values"] for c in chunks]
    return {"values": np.concatenate(values, axis=1) if values
            else np.empty((3, 0, n_kernels)),
            "names": np.concatenate([c["names"] for c in chunks]) if chunks else np.array([]),
            "groups": np.concatenate([c["groups"] for c in chunks]) if chunks
            else np.array([]),
            "n_pairs": int(sum(c["values"].shape[1] for c in chunks)),
            "skipped": [(str(a), str(b)) for c in chunks
                        for a, b in zip(c["skipped_names"], c["skipped_reasons"])]}
