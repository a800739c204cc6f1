"""The localization study's units of work and what each one measures.

Two kinds of unit, each saved by :func:`dtwpt.experiments._runner.run_units`
as ``<out>/units/<key>.npz``:

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

    Returns
    -------
    ndarray, shape (n * n, 2)

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
    """One wavelet family at one level; ``pairs`` limits the pairs (warm-up)."""

    wavelet: str
    packet_wavelet: object  # None or a PyWavelets name
    level: int
    pairs: object = None

    @property
    def family(self):
        if self.packet_wavelet is None:
            return self.wavelet
        return f"{self.wavelet}+{self.packet_wavelet}"

    @property
    def key(self):
        return f"family-{self.family}-J{self.level}"


@dataclass(frozen=True)
class GaborUnit:
    """One ``(m, kappa)`` slice of the Gabor sweep over ``thetas``."""

    m: int
    kappa: float
    thetas: tuple  # of (theta_y, theta_x)
    pairs: object = None

    @property
    def key(self):
        return f"gabor-m{self.m}-kappa{self.kappa * self.m / np.pi:.6f}"


def make_units(levels, wavelets, packet_wavelets, thetas, kappas):
    """The run's units ``(key, payload, 1)``: families first, then Gabor slices."""
    fams = [FamilyUnit(w, None, j) for w in wavelets for j in levels]
    fams += [FamilyUnit(PACKET_BASE, p, j) for p in packet_wavelets for j in levels]
    thetas = tuple(tuple(map(float, t)) for t in thetas)
    gabors = [GaborUnit(2 ** (j - 1), k, thetas) for j in levels
              for k in kappa_values(2 ** (j - 1), kappas)]
    return [(u.key, u, 1) for u in fams + gabors]


def warm_up_unit(unit):
    """The same unit on one pair (and one ``theta``): compiles the kernels it uses."""
    if isinstance(unit, GaborUnit):
        return replace(unit, pairs=1, thetas=unit.thetas[:1])
    return replace(unit, pairs=1)


class Pairs:
    """The image pairs ``(X, X')`` of a source in batches (kept in memory when small)."""

    def __init__(self, source, chunk):
        self.source, self.chunk = source, chunk
        self._cache = None

    def batches(self, limit=None):
        """Yield ``(x, x_shifted, groups)`` for the first ``limit`` pairs (all by default)."""
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
    """The unit and its filters (see the module docstring)."""
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
    """A unit's result: its filters' statistics and per-pair values (dict of arrays)."""
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
