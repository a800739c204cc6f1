"""The localization study's units of work and what each one measures.

Two kinds of unit, each saved by the experiments' resumable runner as
``<out>/units/<key>.npz``:

- :class:`FamilyUnit` (key ``family-<family>-J<level>``): one wavelet family
  at one level. Its filters (:func:`prepare_unit`): the packet kernels' length,
  energy concentration and wrong-side energy per packet. Its measure
  (:func:`compute_unit`): per pair and non-low-pass packet, ``rho2``, ``rho_max``
  and ``rho_mod`` of the DT-CWPT RMax/CMod (:func:`dtwpt.rmax_cmod`).
- :class:`GaborUnit` (key ``gabor-m<m>-kappa<kappa m / pi>``): one
  ``(m, kappa)`` slice of the Gabor sweep. Its filters: per ``theta`` the
  image-sized kernel ``W = gabor_filter(theta, kappa, size)``, ``V = Re W``
  and the number of non-zero points of ``W``'s spectrum. Its measure: per
  pair and ``theta``, ``rho2``, ``rho_max`` and ``rho_mod`` of
  ``rmax_conv(X, V, m)`` and ``cmod_conv(X, W, m)``, and ``rho_mod`` for the
  periodic shift ``np.roll(X, -1, -1)`` (the setting of Thm 2.9).

Every unit stores per-pair values (float64) and the photograph of each pair,
so that the means and their intervals over photographs are computed from
the saved units alone.
"""
from dataclasses import dataclass, replace

import numpy as np

from dtwpt import (
    cmod_conv,
    gabor_filter,
    kernel_metrics,
    metrics,
    packet_kernels,
    rmax_cmod,
    rmax_conv,
    tree,
)

from .._runner import chunk_ranges

__all__ = [
    "PACKET_BASE",
    "SHIFT",
    "FamilyUnit",
    "GaborUnit",
    "Pairs",
    "Q",
    "compute_unit",
    "kappa_values",
    "make_units",
    "prepare_unit",
    "theta_grid",
    "warm_up_unit",
]

SHIFT = (0, 1)  # u = (u_y, u_x): X'[n] = X[n + u], one pixel along x
Q = 1  # max-pooling half-width (3 x 3 windows)
PACKET_BASE = "qshift_a"  # Q-shift stages under a user-named packet wavelet
_CACHE_PIXELS = 256 * 224 * 224  # keep the pairs in memory up to this many pixels


def theta_grid(n):
    """Centre frequencies of an ``n x n`` grid of cells over the half-plane.

    ``theta_y = -pi + (i + 1/2) 2 pi / n`` and ``theta_x = (j + 1/2) pi / n``,
    ``i, j = 0 .. n-1``, row-major in ``(i, j)``.

    Parameters
    ----------
    n : int
        Cells per axis.

    Returns
    -------
    ndarray, shape (n * n, 2)
        ``(theta_y, theta_x)`` per cell, in radians per sample.

    Examples
    --------
    >>> theta_grid(2) / np.pi
    array([[-0.5 ,  0.25],
           [-0.5 ,  0.75],
           [ 0.5 ,  0.25],
           [ 0.5 ,  0.75]])
    """
    i = np.arange(n)
    ty = -np.pi + (i + 0.5) * 2 * np.pi / n
    tx = (i + 0.5) * np.pi / n
    gy, gx = np.meshgrid(ty, tx, indexing="ij")
    return np.stack([gy.ravel(), gx.ravel()], axis=-1)


def kappa_values(m, count):
    """``count`` bandwidths spaced geometrically from ``pi/(8m)`` to ``pi/m``.

    A single value is ``pi/m``.

    Parameters
    ----------
    m : int
        Subsampling factor ``m = 2**(J-1)``.
    count : int
        Number of bandwidths.

    Returns
    -------
    list of float
        The bandwidths ``kappa``, increasing, the last one ``pi/m``.

    Examples
    --------
    >>> [round(k * 2 / np.pi, 4) for k in kappa_values(2, 4)]
    [0.125, 0.25, 0.5, 1.0]
    """
    top = np.pi / m
    if count == 1:
        return [top]
    return [top * 8.0 ** (-(count - 1 - k) / (count - 1)) for k in range(count)]


@dataclass(frozen=True)
class FamilyUnit:
    """One wavelet family at one level; ``pairs`` limits the pairs (warm-up).

    Parameters
    ----------
    wavelet : str
        Q-shift family of the dual tree.
    packet_wavelet : str or None
        Orthogonal PyWavelets wavelet of the packet stage (on the
        :data:`PACKET_BASE` stages), or None for the family's own.
    level : int
        Decomposition level ``J``.
    pairs : int or None, optional
        Measure only the first ``pairs`` pairs (None: all of them).

    Examples
    --------
    >>> unit = FamilyUnit("qshift_a", "db5", 3)
    >>> unit.family, unit.key
    ('qshift_a+db5', 'family-qshift_a+db5-J3')
    """

    wavelet: str
    packet_wavelet: object  # None or a PyWavelets name
    level: int
    pairs: object = None

    @property
    def family(self):
        """The family's name: ``wavelet``, or ``wavelet+packet_wavelet``.

        Examples
        --------
        >>> FamilyUnit("qshift_b", None, 2).family
        'qshift_b'
        """
        if self.packet_wavelet is None:
            return self.wavelet
        return f"{self.wavelet}+{self.packet_wavelet}"

    @property
    def key(self):
        """The unit's file name without ``.npz``: ``family-<family>-J<level>``.

        Examples
        --------
        >>> FamilyUnit("qshift_b", None, 2).key
        'family-qshift_b-J2'
        """
        return f"family-{self.family}-J{self.level}"


@dataclass(frozen=True)
class GaborUnit:
    """One ``(m, kappa)`` slice of the Gabor sweep over ``thetas``.

    Parameters
    ----------
    m : int
        Subsampling factor ``m = 2**(J-1)``.
    kappa : float
        Bandwidth of the Gabor filters.
    thetas : tuple of (float, float)
        Centre frequencies ``(theta_y, theta_x)``.
    pairs : int or None, optional
        Measure only the first ``pairs`` pairs (None: all of them).

    Examples
    --------
    >>> unit = GaborUnit(2, np.pi / 4, ((0.0, np.pi / 2),))
    >>> unit.key
    'gabor-m2-kappa0.500000'
    """

    m: int
    kappa: float
    thetas: tuple  # of (theta_y, theta_x)
    pairs: object = None

    @property
    def key(self):
        """The unit's file name without ``.npz``: ``gabor-m<m>-kappa<kappa m / pi>``.

        Examples
        --------
        >>> GaborUnit(4, np.pi / 8, ()).key
        'gabor-m4-kappa0.500000'
        """
        return f"gabor-m{self.m}-kappa{self.kappa * self.m / np.pi:.6f}"


def make_units(levels, wavelets, packet_wavelets, thetas, kappas):
    """The run's units ``(key, payload, 1)``: families first, then Gabor slices.

    Parameters
    ----------
    levels : sequence of int
        Levels ``J``; the Gabor sweep uses ``m = 2**(J-1)``.
    wavelets : sequence of str
        Q-shift families.
    packet_wavelets : sequence of str
        PyWavelets wavelets of the packet stage, on the :data:`PACKET_BASE`
        stages.
    thetas : array_like, shape (T, 2)
        Centre frequencies of the Gabor sweep (:func:`theta_grid`).
    kappas : int
        Bandwidths per ``m`` (:func:`kappa_values`).

    Returns
    -------
    list of (str, FamilyUnit or GaborUnit, int)
        The unit's key, the unit and its size (1) for the runner.

    Examples
    --------
    >>> units = make_units([2], ["qshift_a", "qshift_b"], [], theta_grid(2), 2)
    >>> [key for key, unit, size in units]  # doctest: +NORMALIZE_WHITESPACE
    ['family-qshift_a-J2', 'family-qshift_b-J2', 'gabor-m2-kappa0.125000',
     'gabor-m2-kappa1.000000']
    """
    fams = [FamilyUnit(w, None, j) for w in wavelets for j in levels]
    fams += [FamilyUnit(PACKET_BASE, p, j) for p in packet_wavelets for j in levels]
    thetas = tuple(tuple(map(float, t)) for t in thetas)
    gabors = [GaborUnit(2 ** (j - 1), k, thetas) for j in levels
              for k in kappa_values(2 ** (j - 1), kappas)]
    return [(u.key, u, 1) for u in fams + gabors]


def warm_up_unit(unit):
    """The same unit on one pair (and one ``theta``): compiles the kernels it uses.

    Parameters
    ----------
    unit : FamilyUnit or GaborUnit
        A unit of the run.

    Returns
    -------
    FamilyUnit or GaborUnit
        A copy limited to one pair (and the first ``theta``).

    Examples
    --------
    >>> warm_up_unit(FamilyUnit("qshift_a", None, 2))
    FamilyUnit(wavelet='qshift_a', packet_wavelet=None, level=2, pairs=1)
    """
    if isinstance(unit, GaborUnit):
        return replace(unit, pairs=1, thetas=unit.thetas[:1])
    return replace(unit, pairs=1)


class Pairs:
    """The image pairs ``(X, X')`` of a source in batches (kept in memory when small).

    Parameters
    ----------
    source : dtwpt.data.BundledPhotos
        The pairs.
    chunk : int
        Pairs per batch.

    Examples
    --------
    >>> from dtwpt.data import BundledPhotos
    >>> pairs = Pairs(BundledPhotos(3, size=32, shift=1, axis="x"), 2)
    >>> [(x.shape, list(groups)) for x, x_shifted, groups in pairs.batches()]
    [((2, 32, 32), ['astronaut', 'camera']), ((1, 32, 32), ['chelsea'])]
    """

    def __init__(self, source, chunk):
        self.source, self.chunk = source, chunk
        self._cache = None

    def batches(self, limit=None):
        """Yield ``(x, x_shifted, groups)`` for the first ``limit`` pairs (all by default).

        Parameters
        ----------
        limit : int, optional
            Pairs to yield; default all. The whole source is kept in memory
            after a first full pass when it is small.

        Yields
        ------
        x, x_shifted : ndarray, shape (n, size, size)
            At most ``chunk`` pairs ``X`` and ``X'``.
        groups : list of str
            The photograph each pair comes from.

        Examples
        --------
        >>> from dtwpt.data import BundledPhotos
        >>> pairs = Pairs(BundledPhotos(3, size=32, shift=1, axis="x"), 2)
        >>> [len(x) for x, x_shifted, groups in pairs.batches(limit=1)]
        [1]
        """
        n = len(self.source) if limit is None else min(limit, len(self.source))
        if self._cache is not None and limit is None:
            yield from self._cache
            return
        keep = limit is None and n * self.source.size ** 2 <= _CACHE_PIXELS
        loaded = []
        for start, stop in chunk_ranges(n, self.chunk):
            batch = self.source.load(start, stop)
            pairs = (batch.x, batch.x_shifted, batch.groups)
            if keep:
                loaded.append(pairs)
            yield pairs
        if keep:
            self._cache = loaded


def prepare_unit(unit, *, size):
    """The unit and its filters (see the module docstring).

    Parameters
    ----------
    unit : FamilyUnit or GaborUnit
        A unit of the run.
    size : int
        Side of the images (and of the Gabor kernels).

    Returns
    -------
    unit : FamilyUnit or GaborUnit
        The same unit.
    filters : dict or list
        For a family, a dict of ``kernel_length`` (taps per axis),
        ``energy_concentration`` and ``wrong_side`` (per packet); for a Gabor
        slice, per ``theta`` a tuple ``(W, V, support)``: the complex kernel,
        its real part and the number of non-zero points of ``W``'s spectrum.

    Examples
    --------
    >>> unit, filters = prepare_unit(FamilyUnit("qshift_a", None, 2), size=32)
    >>> int(filters["kernel_length"]), filters["energy_concentration"].shape
    (30, (32,))
    >>> unit, filters = prepare_unit(GaborUnit(2, np.pi / 2, ((0.0, np.pi / 2),)), size=32)
    >>> W, V, support = filters[0]
    >>> W.shape, W.dtype, V.dtype
    ((32, 32), dtype('complex128'), dtype('float64'))
    """
    if isinstance(unit, FamilyUnit):
        kw = {"wavelet": unit.wavelet, "packet_wavelet": unit.packet_wavelet}
        kernels, _ = packet_kernels(unit.level, **kw)
        concentration = kernel_metrics.energy_concentration(unit.level, **kw)
        return unit, {"kernel_length": np.array(kernels.shape[-1]),
                      "energy_concentration": concentration,
                      "wrong_side": 1.0 - kernel_metrics.analyticity(unit.level, **kw)}
    filters = []
    for theta in unit.thetas:
        W = gabor_filter(theta, unit.kappa, size)
        spectrum = np.abs(np.fft.fft2(W))
        support = int(np.count_nonzero(spectrum > 1e-9 * spectrum.max()))
        filters.append((W, np.ascontiguousarray(W.real), support))
    return unit, filters


def compute_unit(prepared, *, pairs):
    """A unit's result: its filters' statistics and per-pair values.

    Parameters
    ----------
    prepared : tuple
        :func:`prepare_unit`'s result.
    pairs : Pairs
        The image pairs.

    Returns
    -------
    dict of ndarray
        For a family, the filters' statistics and ``values`` of shape
        ``(3, n_pairs, P)``: ``rho2``, ``rho_max`` and ``rho_mod`` per pair
        and non-low-pass packet. For a Gabor slice, ``values`` of shape
        ``(4, T, n_pairs)`` (the same and ``rho_mod`` for the periodic shift)
        per ``theta``, ``theta`` and ``support``. Both hold ``groups``, the
        photograph of each pair.

    Examples
    --------
    >>> from dtwpt.data import BundledPhotos
    >>> pairs = Pairs(BundledPhotos(3, size=32, shift=1, axis="x"), 2)
    >>> unit = FamilyUnit("qshift_a", None, 2)
    >>> result = compute_unit(prepare_unit(unit, size=32), pairs=pairs)
    >>> result["values"].shape, result["groups"].tolist()
    ((3, 3, 30), ['astronaut', 'camera', 'chelsea'])
    >>> unit = GaborUnit(2, np.pi / 2, ((0.0, np.pi / 2), (np.pi / 2, np.pi / 2)))
    >>> compute_unit(prepare_unit(unit, size=32), pairs=pairs)["values"].shape
    (4, 2, 3)
    """
    unit, filters = prepared
    if isinstance(unit, FamilyUnit):
        return {**filters, **_family_values(unit, pairs)}
    return _gabor_values(unit, filters, pairs)


def _family_values(unit, pairs):
    """``values`` (3, n_pairs, P): rho2, rho_max, rho_mod per non-low-pass packet."""
    keep = ~tree.lowpass_mask(unit.level)
    parts, groups = [], []
    for x, xs, names in pairs.batches(unit.pairs):
        k = len(x)
        ymax, ymod = rmax_cmod(np.concatenate([x, xs]), unit.level, q=Q, wavelet=unit.wavelet,
                               packet_wavelet=unit.packet_wavelet)
        ymax, ymod = ymax[:, keep], ymod[:, keep]
        parts.append(np.stack([metrics.discrepancy(ymax[:k], ymod[:k]) ** 2,
                               metrics.shift_stability(ymax[:k], ymax[k:], ymod[:k]),
                               metrics.shift_stability(ymod[:k], ymod[k:], ymod[:k])]))
        groups += list(names)
    return {"values": np.concatenate(parts, axis=1), "groups": np.array(groups, dtype=str)}


def _gabor_values(unit, filters, pairs):
    """``values`` (4, T, n_pairs): rho2, rho_max, rho_mod, periodic rho_mod per theta."""
    rows = []
    for W, V, _ in filters:
        parts, groups = [], []
        for x, xs, names in pairs.batches(unit.pairs):
            k = len(x)
            ymax = rmax_conv(np.concatenate([x, xs]), V, unit.m, q=Q)
            ymod = cmod_conv(np.concatenate([x, xs, np.roll(x, -1, axis=-1)]), W, unit.m)
            base = ymod[:k]
            parts.append(np.stack([metrics.discrepancy(ymax[:k], base) ** 2,
                                   metrics.shift_stability(ymax[:k], ymax[k:], base),
                                   metrics.shift_stability(base, ymod[k:2 * k], base),
                                   metrics.shift_stability(base, ymod[2 * k:], base)]))
            groups += list(names)
        rows.append(np.concatenate(parts, axis=1))
    return {"values": np.stack(rows, axis=1), "theta": np.array(unit.thetas),
            "support": np.array([f[2] for f in filters]), "groups": np.array(groups, dtype=str)}
