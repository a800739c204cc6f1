"""The main experiment's computation: per-pair metrics, chunk sums, per-packet tables.

For every pair ``(X, X')`` of the source (``X'`` is ``X`` shifted by ``u``),
every level ``J`` and every packet, with ``Ymax = RMax X``, ``Ymod = CMod X``
(:func:`dtwpt.rmax_cmod`) and ``'`` marking the outputs of ``X'``, compared
at the same output positions (no re-alignment, as in the paper)::

    rho^2   = (||Ymod - Ymax|| / ||Ymod||)^2
    rho_max = ||Ymax' - Ymax|| / ||Ymod||     (rho_max_norm="cmod", the paper's text)
            = ||Ymax' - Ymax|| / ||Ymax||     (rho_max_norm="rmax", the paper's Fig. 9a)
    rho_mod = ||Ymod' - Ymod|| / ||Ymod||

The paper defines ``rho_max`` with CMod's norm (the ratio its Thm 4.2
bounds), but its Fig. 9a matches RMax's own norm: on the bundled photographs
the tile-wise r with Fig. 9a rises from 0.93/0.96 to 0.98/0.99 (J = 2/3) and
the mean absolute difference falls from 0.065 to 0.03/0.02 (measured by
``python -m dtwpt.experiments sensitivity``), so both are offered.

Each chunk of pairs is reduced to per-packet sums, sums of squares and counts
(float64), from which the run's means and (population) standard deviations
over pairs follow, and keeps every pair's values (float32) for the verdicts'
intervals.
"""
import numpy as np

from dtwpt import dtcwpt2, metrics, theory, tree
from dtwpt.kernel_metrics import energy_concentration
from dtwpt.metrics import pair_metrics

from .. import _paper

__all__ = ["METRICS", "POOL_OFFSETS", "RHO_MAX_NORMS", "offset_rmax", "pair_values",
           "chunk_sums", "aggregate", "gamma_at_tiles", "packet_table", "energy_table"]

METRICS = ("rho2", "rho_max", "rho_mod")


#: RMax's pooling-window alignments: offset ``(o_y, o_x)`` of the window's centre
#: from ``2n``, in samples of the stride-``m`` grid.
POOL_OFFSETS = {"centred": (0, 0), "offset": (1, 1), "offset-x": (0, 1), "offset-y": (1, 0)}

#: What ``rho_max`` is divided by: CMod's output norm ``||Ymod||`` or RMax's own ``||Ymax||``.
RHO_MAX_NORMS = ("cmod", "rmax")


def offset_rmax(x, level, *, wavelet="qshift_a", mode="periodization", q=1, offset=(1, 1)):
    """RMax of every packet with the pooling window centred on ``2n + offset``.

    ``offset = (0, 0)`` is :func:`dtwpt.rmax` (the theory's window, centred on
    ``2n``); ``(1, 1)`` moves the window by one sample of the stride-``m``
    grid along both axes, as PyTorch's ``MaxPool2d(2q + 1, 2, padding=0)``
    does next to CMod's subsampling ``x[..., ::2, ::2]``; ``(0, 1)`` and
    ``(1, 0)`` move it along x or y only. Computed from the real part of the
    undecimated packets (``dtcwpt2(..., decimated=False)``), with the same
    periodic wrap as the transform.

    Parameters
    ----------
    x : array_like, shape (..., H, W)
        Real image(s); leading axes are a batch.
    level : int
        Decomposition level J; the output is subsampled by ``2**J`` overall
        (the stride ``m = 2**(J-1)`` of the filter times the pooling's 2).
    wavelet : str, optional
        Q-shift family, as in :func:`dtwpt.rmax`.
    mode : {"periodization", "symmetric"}, optional
        Boundary handling, as in :func:`dtwpt.rmax`.
    q : int, optional
        Max-pooling half-width: a ``(2q + 1) x (2q + 1)`` window.
    offset : (int, int), optional
        ``(o_y, o_x)``, each 0 or 1.

    Returns
    -------
    ndarray, shape (..., P, H / 2**J, W / 2**J)
        The pooled real parts, packets in frequency order, of the dtype of
        the transform's real part (float32 for float32 input, else float64).

    Raises
    ------
    TypeError, ValueError
        For an ``x``, ``level``, ``wavelet`` or ``mode`` that
        :func:`dtwpt.dtcwpt2` refuses.

    Examples
    --------
    >>> import numpy as np, dtwpt
    >>> x = np.random.default_rng(0).standard_normal((32, 32))
    >>> offset_rmax(x, 2).shape  # 2 * 4**2 packets, 32 / 2**2 samples per side
    (32, 8, 8)
    >>> bool(np.allclose(offset_rmax(x, 2, offset=(0, 0)), dtwpt.rmax(x, 2)))
    True
    """
    oy, ox = offset
    y = dtcwpt2(x, level, wavelet=wavelet, mode=mode, decimated=False).coeffs.real
    pooled = np.full(y[..., ::2, ::2].shape, -np.inf, dtype=y.dtype)
    for dy in range(-q, q + 1):
        for dx in range(-q, q + 1):
            window = np.roll(y, (-dy - oy, -dx - ox), axis=(-2, -1))[..., ::2, ::2]
            np.maximum(pooled, window, out=pooled)
    return pooled


def pair_values(x, x_shifted, level, *, wavelet, q, mode="periodization",
                pool_align="centred", rho_max_norm="cmod"):
    """``rho^2``, ``rho_max``, ``rho_mod`` of each pair and packet.

    Parameters
    ----------
    x, x_shifted : ndarray, shape (n, H, W)
        The images X and X' of the pairs.
    level : int
        Decomposition level J.
    wavelet : str
        Q-shift family.
    q : int
        Max-pooling half-width.
    mode : {"periodization", "symmetric"}, optional
        Boundary handling.
    pool_align : {"centred", "offset", "offset-x", "offset-y"}, optional
        RMax's pooling window (see :data:`POOL_OFFSETS`).
    rho_max_norm : {"cmod", "rmax"}, optional
        Divide ``||Ymax' - Ymax||`` by ``||Ymod||`` or by ``||Ymax||`` (of X).

    Returns
    -------
    ndarray, shape (3, n, P), float64
        NaN where a norm divided by is zero.

    Examples
    --------
    >>> import numpy as np, dtwpt
    >>> x = np.random.default_rng(0).standard_normal((2, 2, 32, 32))
    >>> values = pair_values(x[0], x[1], 2, wavelet="qshift_a", q=1, rho_max_norm="rmax")
    >>> ymax = dtwpt.rmax(x, 2)
    >>> direct = np.linalg.norm(ymax[1] - ymax[0], axis=(-2, -1)) / np.linalg.norm(
    ...     ymax[0], axis=(-2, -1))
    >>> bool(np.allclose(values[1], direct))
    True
    """
    if pool_align == "centred" and rho_max_norm == "cmod":
        return metrics.shift_metrics(x, x_shifted, level, wavelet=wavelet, mode=mode, q=q)
    both = np.concatenate([x, x_shifted])
    ymax = offset_rmax(both, level, wavelet=wavelet, mode=mode, q=q,
                       offset=POOL_OFFSETS[pool_align])
    ymod = np.abs(dtcwpt2(both, level, wavelet=wavelet, mode=mode).coeffs)
    values = pair_metrics(ymax, ymod, len(x))
    if rho_max_norm == "rmax":
        n = len(x)
        values[1] = metrics.shift_stability(ymax[:n], ymax[n:], ymax[:n])
    return values


def chunk_sums(batch, *, levels, wavelet, q, mode="periodization", pool_align="centred",
               rho_max_norm="cmod"):
    """Reduce a batch of pairs to per-packet sums and per-pair values: a chunk's result.

    Parameters
    ----------
    batch : dtwpt.data.Batch
        Pairs (float32).
    levels : sequence of int
        Decomposition levels.
    wavelet : str
        Q-shift family.
    q : int
        Max-pooling half-width.
    mode : {"periodization", "symmetric"}, optional
        Boundary handling.
    pool_align : {"centred", "offset", "offset-x", "offset-y"}, optional
        RMax's pooling window (see :data:`POOL_OFFSETS`, :func:`offset_rmax`).
    rho_max_norm : {"cmod", "rmax"}, optional
        What ``rho_max`` is divided by (see :func:`pair_values`).

    Returns
    -------
    dict of ndarray
        ``n_pairs``; ``skipped_names`` and ``skipped_reasons``; ``groups``
        (the photograph of each pair); per level J, ``sum_J<J>`` and
        ``sumsq_J<J>`` of shape (3, P) (rows: ``rho2``, ``rho_max``,
        ``rho_mod``, over the pairs where all three are defined), ``count_J<J>``
        of shape (P,), the number of those pairs, and ``pairs_J<J>`` of shape
        (3, n, P), float32, every pair's values (NaN where undefined).

    Examples
    --------
    >>> from dtwpt.data import BundledPhotos
    >>> sums = chunk_sums(BundledPhotos(2, size=32).load(0, 2), levels=[1],
    ...                   wavelet="qshift_a", q=1)
    >>> sums["sum_J1"].shape, int(sums["count_J1"][0]), sums["pairs_J1"].shape
    ((3, 8), 2, (3, 2, 8))
    """
    n = len(batch)
    result = {"n_pairs": np.int64(n),
              "skipped_names": np.array([name for name, _ in batch.skipped], dtype=str),
              "skipped_reasons": np.array([why for _, why in batch.skipped], dtype=str),
              "groups": np.array(batch.groups, dtype=str)}
    for level in levels:
        if n:
            values = pair_values(batch.x, batch.x_shifted, level, wavelet=wavelet, q=q,
                                 mode=mode, pool_align=pool_align,
                                 rho_max_norm=rho_max_norm)
        else:
            values = np.empty((3, 0, 2 * 4 ** level))
        result[f"pairs_J{level}"] = values.astype(np.float32)
        valid = np.isfinite(values).all(axis=0)
        values = np.where(valid, values, 0.0)
        result[f"sum_J{level}"] = values.sum(axis=1)
        result[f"sumsq_J{level}"] = (values * values).sum(axis=1)
        result[f"count_J{level}"] = valid.sum(axis=0).astype(np.int64)
    return result


def aggregate(chunks, levels):
    """Per-packet means and standard deviations over all chunks, in index order.

    Parameters
    ----------
    chunks : list of dict
        :func:`chunk_sums` results in chunk order.
    levels : sequence of int
        Decomposition levels J, each present in every chunk.

    Returns
    -------
    dict
        ``n_pairs``, ``skipped`` (list of (name, reason)), ``groups`` (n,)
        and, per level J, ``{"count": (P,), "<metric>_mean": (P,),
        "<metric>_std": (P,), "pairs": (3, n, P)}``; a packet with no
        defined pair has NaN means and standard deviations.

    Examples
    --------
    >>> from dtwpt.data import BundledPhotos
    >>> photos = BundledPhotos(3, size=32)
    >>> chunks = [chunk_sums(photos.load(start, stop), levels=[2], wavelet="qshift_a", q=1)
    ...           for start, stop in [(0, 2), (2, 3)]]
    >>> totals = aggregate(chunks, [2])
    >>> totals["n_pairs"], totals[2]["pairs"].shape, int(totals[2]["count"][0])
    (3, (3, 3, 32), 3)
    >>> bool(np.allclose(totals[2]["rho2_mean"], totals[2]["pairs"][0].mean(axis=0)))
    True
    """
    totals = {"n_pairs": sum(int(c["n_pairs"]) for c in chunks),
              "skipped": [(str(name), str(why)) for c in chunks
                          for name, why in zip(c["skipped_names"], c["skipped_reasons"])],
              "groups": np.concatenate([c["groups"] for c in chunks])}
    for level in levels:
        sums = sumsq = count = 0
        for c in chunks:  # a fixed order keeps the float sums reproducible
            sums = sums + c[f"sum_J{level}"]
            sumsq = sumsq + c[f"sumsq_J{level}"]
            count = count + c[f"count_J{level}"]
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = sums / count
            std = np.sqrt(np.maximum(sumsq / count - mean * mean, 0.0))
        stats = {"count": count,
                 "pairs": np.concatenate([c[f"pairs_J{level}"] for c in chunks], axis=1)}
        for k, name in enumerate(METRICS):
            stats[f"{name}_mean"], stats[f"{name}_std"] = mean[k], std[k]
        totals[level] = stats
    return totals


def gamma_at_tiles(level, q):
    """``gamma_q(m theta)^2`` at the tile centres ``theta`` of level J, ``m = 2**(J-1)``.

    Per packet, in frequency order: the ``gamma_sq`` column of
    :func:`packet_table` and the right map of Fig. 5.

    Parameters
    ----------
    level : int
        J >= 1.
    q : int
        Max-pooling half-width.

    Returns
    -------
    ndarray, shape (2 * 4**J,)
        ``gamma_q(m theta)^2`` per packet, in frequency order.

    Examples
    --------
    >>> values = gamma_at_tiles(2, 1)
    >>> values.shape, round(float(values.max()), 3)
    ((32,), 0.114)
    """
    return theory.gamma_sq(2 ** (level - 1) * tree.tile_centres(level), q=q)


def packet_table(level, stats, *, q, shift):
    """Columns of ``packets_J<J>.csv``: tiles, theory and measured statistics.

    Parameters
    ----------
    level : int
        J; ``m = 2**(J-1)`` and the packets' bandwidth is ``kappa = pi / m``.
    stats : dict
        ``aggregate(...)[level]``.
    q : int
        Max-pooling half-width.
    shift : (float, float)
        Shift vector ``u = (u_y, u_x)``.

    Returns
    -------
    dict of str to ndarray
        One entry per column, each of length ``P = 2 * 4**J`` (packets in
        frequency order): ``packet``, ``row``, ``col``, ``theta_y``,
        ``theta_x``, ``is_lowpass``; the theory's ``gamma_sq``,
        ``discrepancy_bound``, ``rmax_shift_bound``, ``cmod_shift_bound``;
        the measured ``<metric>_mean`` and ``<metric>_std`` of ``rho2``,
        ``rho_max``, ``rho_mod``; and ``n_pairs``.

    Examples
    --------
    >>> from dtwpt.data import BundledPhotos
    >>> sums = chunk_sums(BundledPhotos(2, size=32).load(0, 2), levels=[2],
    ...                   wavelet="qshift_a", q=1)
    >>> table = packet_table(2, aggregate([sums], [2])[2], q=1, shift=(0.0, 1.0))
    >>> len(table["packet"]), int(table["is_lowpass"].sum()), int(table["n_pairs"][0])
    (32, 2, 2)
    >>> round(float(table["gamma_sq"].max()), 3)  # at the pathological tiles
    0.114
    """
    m = 2 ** (level - 1)
    kappa = np.pi / m
    theta = tree.tile_centres(level)
    n_packets = len(theta)
    row, col = np.divmod(np.arange(n_packets), 2 ** level)
    table = {
        "packet": np.arange(n_packets), "row": row, "col": col,
        "theta_y": theta[:, 0], "theta_x": theta[:, 1],
        "is_lowpass": tree.lowpass_mask(level),
        "gamma_sq": gamma_at_tiles(level, q),
        "discrepancy_bound": theory.discrepancy_bound(theta, kappa, m, q=q),
        "rmax_shift_bound": theory.rmax_shift_bound(theta, kappa, m, shift, q=q),
        "cmod_shift_bound": np.full(n_packets, theory.cmod_shift_bound(kappa, shift)),
    }
    for name in METRICS:
        table[f"{name}_mean"] = stats[f"{name}_mean"]
        table[f"{name}_std"] = stats[f"{name}_std"]
    table["n_pairs"] = stats["count"]
    return table


def energy_table(levels, wavelet):
    """Columns of ``table1.csv``: energy concentration of the packet kernels.

    The share of each kernel's spectral energy inside the best periodic
    ``kappa_J x kappa_J`` window (:func:`dtwpt.kernel_metrics.energy_concentration`),
    summarised over all packets of each level, next to the paper's values.

    Parameters
    ----------
    levels : sequence of int
        Decomposition levels J, each in [1, 5] (the kernels of level 6 and
        above are too large).
    wavelet : str
        Q-shift family.

    Returns
    -------
    dict of str to list
        One entry per column, one value per level: ``level``, ``kappa``
        (``pi / 2**(J-1)``), ``n_packets``, the ``mean``, ``std`` and ``min``
        of the shares over the packets, and the paper's ``paper_mean`` and
        ``paper_std`` (empty strings where the paper gives none).

    Raises
    ------
    TypeError, ValueError
        As in :func:`dtwpt.kernel_metrics.energy_concentration`, for a level
        or wavelet it refuses.

    Examples
    --------
    >>> table = energy_table([2], "qshift_a")
    >>> table["n_packets"], table["paper_mean"]
    ([32], [0.98])
    >>> bool(0.9 < table["mean"][0] <= 1)
    True
    """
    shares = [energy_concentration(level, wavelet=wavelet) for level in levels]
    paper = [_paper.TABLE1.get(level, ("", "")) for level in levels]
    return {"level": list(levels), "kappa": [np.pi / 2 ** (j - 1) for j in levels],
            "n_packets": [s.size for s in shares], "mean": [s.mean() for s in shares],
            "std": [s.std() for s in shares], "min": [s.min() for s in shares],
            "paper_mean": [p[0] for p in paper],
            "paper_std": ["" if p[1] is None else p[1] for p in paper]}
