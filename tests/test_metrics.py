"""Tests for dtwpt.metrics against direct formulas and brute-force spectra.

Kernel spectra are recomputed here with explicit DFT matrices
(``sum_t K[t] exp(+1j <omega, t>)``, the input-frequency convention) and the
energy-concentration window is slid over every position by explicit loops or
shifted sums, independently of the library's cumulative-sum implementation.
"""
import functools
import warnings

import numpy as np
import pytest

from dtwpt import kernel_metrics, metrics
from dtwpt import operators as op

PI = np.pi


@functools.lru_cache(maxsize=None)
def kernels_for(level):
    k, _ = op.packet_kernels(level)
    k.setflags(write=False)
    return k


def explicit_energy_spectrum(kernel, n):
    """|sum_t K[t] exp(1j <omega, t>)|^2 on omega = 2 pi (j_y, j_x) / n, by DFT matrices."""
    ky, kx = kernel.shape
    Ey = np.exp(2j * PI * np.outer(np.arange(n), np.arange(ky)) / n)
    Ex = np.exp(2j * PI * np.outer(np.arange(n), np.arange(kx)) / n)
    return np.abs(Ey @ kernel @ Ex.T) ** 2


def box_share_loop(e, side):
    """Largest share of sum(e) in a periodic side x side box: explicit loop over positions."""
    n = e.shape[0]
    idx = np.arange(side)
    best = -np.inf
    for a in range(n):
        rows = (a + idx) % n
        block = e[rows]  # (side, n)
        for b in range(n):
            best = max(best, block[:, (b + idx) % n].sum())
    return best / e.sum()


def box_share_rolls(e, side):
    """Same statistic for a stack (L, n, n) through separable sums of shifted copies."""
    acc = np.zeros_like(e)
    for i in range(side):
        acc += np.roll(e, -i, axis=-2)
    box = np.zeros_like(e)
    for j in range(side):
        box += np.roll(acc, -j, axis=-1)
    return box.reshape(len(e), -1).max(-1) / e.sum(axis=(-2, -1))


def grid_size(level, ksize):
    """The library's DFT grid: 2**(J+4), doubled until it holds the kernel."""
    n = 2 ** (level + 4)
    while n < ksize:
        n *= 2
    return n


# -------------------------------------------------------- per-image metrics
def direct_norm(y):
    y = np.asarray(y, dtype=np.complex128)
    out = np.empty(y.shape[:-2])
    for idx in np.ndindex(*y.shape[:-2]):
        out[idx] = np.sqrt(sum(abs(v) ** 2 for v in y[idx].ravel()))
    return out


@pytest.mark.parametrize("shape", [(4, 5), (3, 4, 5), (2, 3, 6, 4)])
def test_discrepancy_direct_formula(shape):
    rng = np.random.default_rng(len(shape))
    ymax = rng.standard_normal(shape)
    ymod = np.abs(rng.standard_normal(shape))
    rho = metrics.discrepancy(ymax, ymod)
    assert rho.shape == shape[:-2]
    assert np.asarray(rho).dtype == np.float64
    np.testing.assert_allclose(rho, direct_norm(ymod - ymax) / direct_norm(ymod), rtol=1e-13)


@pytest.mark.parametrize("shape", [(4, 5), (3, 4, 5), (2, 3, 6, 4)])
def test_shift_stability_direct_formula(shape):
    rng = np.random.default_rng(10 + len(shape))
    y, ys = rng.standard_normal(shape), rng.standard_normal(shape)
    ymod = np.abs(rng.standard_normal(shape))
    r = metrics.shift_stability(y, ys, ymod)
    assert r.shape == shape[:-2]
    np.testing.assert_allclose(r, direct_norm(ys - y) / direct_norm(ymod), rtol=1e-13)


def test_metrics_accept_float32():
    rng = np.random.default_rng(2)
    a = rng.standard_normal((3, 8, 8)).astype(np.float32)
    b = np.abs(rng.standard_normal((3, 8, 8))).astype(np.float32)
    expected = direct_norm(b.astype(float) - a.astype(float)) / direct_norm(b.astype(float))
    rho = metrics.discrepancy(a, b)
    assert rho.dtype == np.float64
    np.testing.assert_allclose(rho, expected, rtol=1e-6)


def test_complex_input_is_not_silently_truncated():
    """Complex arrays (e.g. raw dtcwpt2 coefficients) must either be measured with
    their modulus, ||y|| = sqrt(sum |y|^2), or be rejected -- not have their
    imaginary part dropped (metrics._norm casts to float64 *before* np.abs)."""
    rng = np.random.default_rng(2)
    y = rng.standard_normal((3, 8, 8)) + 1j * rng.standard_normal((3, 8, 8))
    ys = rng.standard_normal((3, 8, 8)) + 1j * rng.standard_normal((3, 8, 8))
    ymod = np.abs(y)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # numpy's ComplexWarning
            r = metrics.shift_stability(y, ys, ymod)
            rho = metrics.discrepancy(ys, ymod)
    except (TypeError, ValueError):
        return  # rejecting complex input is acceptable
    np.testing.assert_allclose(r, direct_norm(ys - y) / direct_norm(ymod), rtol=1e-12)
    np.testing.assert_allclose(rho, direct_norm(ymod - ys) / direct_norm(ymod), rtol=1e-12)


def test_metric_values_on_known_inputs():
    ones = np.ones((2, 2))
    assert float(metrics.discrepancy(np.zeros((2, 2)), ones)) == 1.0
    assert float(metrics.discrepancy(ones, ones)) == 0.0
    assert float(metrics.shift_stability(ones, 3 * ones, 2 * ones)) == pytest.approx(1.0)


def test_nan_where_normaliser_is_zero():
    rng = np.random.default_rng(3)
    ymod = np.abs(rng.standard_normal((4, 5, 5)))
    ymod[[1, 3]] = 0.0
    ymax = rng.standard_normal((4, 5, 5))
    rho = metrics.discrepancy(ymax, ymod)
    assert np.isnan(rho[[1, 3]]).all()
    assert np.isfinite(rho[[0, 2]]).all()
    r = metrics.shift_stability(ymax, ymax + 1, ymod)
    assert np.isnan(r[[1, 3]]).all()
    np.testing.assert_allclose(r[[0, 2]], 5 / direct_norm(ymod[[0, 2]]), rtol=1e-13)
    # 0/0 is NaN too
    assert np.isnan(metrics.discrepancy(np.zeros((3, 3)), np.zeros((3, 3))))
    assert np.isnan(metrics.shift_stability(np.zeros((3, 3)), np.zeros((3, 3)), np.zeros((3, 3))))


def test_shape_mismatch_and_too_few_dims():
    a, b = np.zeros((3, 4, 4)), np.zeros((3, 4, 5))
    with pytest.raises(ValueError, match="same shape"):
        metrics.discrepancy(a, b)
    with pytest.raises(ValueError, match="same shape"):
        metrics.discrepancy(a, np.zeros((2, 4, 4)))
    with pytest.raises(ValueError, match="same shape"):
        metrics.shift_stability(a, a, b)
    with pytest.raises(ValueError, match="same shape"):
        metrics.shift_stability(a, b, a)
    with pytest.raises(ValueError, match=r"\(\.\.\., h, w\)"):
        metrics.discrepancy(np.zeros(4), np.ones(4))
    with pytest.raises(ValueError, match=r"\(\.\.\., h, w\)"):
        metrics.shift_stability(np.zeros(4), np.zeros(4), np.ones(4))


def test_metrics_on_operator_outputs():
    """discrepancy / shift_stability of rmax_cmod outputs = the formulas of dtwpt.metrics."""
    rng = np.random.default_rng(4)
    x = rng.standard_normal((32, 32))
    xs = np.roll(x, 1, axis=-1)
    ymax, ymod = op.rmax_cmod(x, 2)
    ymax_s, ymod_s = op.rmax_cmod(xs, 2)
    den = np.linalg.norm(ymod, axis=(-2, -1))
    np.testing.assert_allclose(metrics.discrepancy(ymax, ymod),
                               np.linalg.norm(ymod - ymax, axis=(-2, -1)) / den, rtol=1e-12)
    np.testing.assert_allclose(metrics.shift_stability(ymax, ymax_s, ymod),
                               np.linalg.norm(ymax_s - ymax, axis=(-2, -1)) / den, rtol=1e-12)
    np.testing.assert_allclose(metrics.shift_stability(ymod, ymod_s, ymod),
                               np.linalg.norm(ymod_s - ymod, axis=(-2, -1)) / den, rtol=1e-12)


# -------------------------------------------------------- kernel spectra
def test_kernel_energy_spectra_explicit_dft():
    rng = np.random.default_rng(5)
    k = rng.standard_normal((3, 6, 6)) + 1j * rng.standard_normal((3, 6, 6))
    e = kernel_metrics.kernel_energy_spectra(k, 16)
    assert e.shape == (3, 16, 16)
    for i in range(3):
        np.testing.assert_allclose(e[i], explicit_energy_spectrum(k[i], 16), rtol=1e-12,
                                   atol=1e-12)
    # Parseval on the grid: sum e = n^2 ||k||^2
    np.testing.assert_allclose(e.sum(axis=(-2, -1)), 256 * np.sum(np.abs(k) ** 2, axis=(-2, -1)))


# -------------------------------------------------------- energy concentration
@pytest.mark.parametrize("level, expected, tol", [(2, 0.976, 0.01), (3, 0.944, 0.015)])
def test_energy_concentration_table1(level, expected, tol):
    c = kernel_metrics.energy_concentration(level)
    assert c.shape == (2 * 4 ** level,)
    assert abs(c.mean() - expected) < tol, c.mean()
    assert np.all((c > 0) & (c <= 1))


@pytest.mark.parametrize("level", [2, 3])
def test_energy_concentration_all_packets_brute_force(level):
    k = kernels_for(level)
    n = grid_size(level, k.shape[-1])
    side = n // 2 ** level  # kappa_J = pi / 2**(J-1) is n / 2**J samples
    assert side * 2 * PI / n == pytest.approx(PI / 2 ** (level - 1))
    e = np.array([explicit_energy_spectrum(kk, n) for kk in k])
    np.testing.assert_allclose(kernel_metrics.energy_concentration(level),
                               box_share_rolls(e, side), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("level, packet", [(2, 0), (2, 13), (3, 45)])
def test_energy_concentration_one_packet_explicit_loop(level, packet):
    k = kernels_for(level)[packet]
    n = grid_size(level, k.shape[-1])
    e = explicit_energy_spectrum(k, n)
    share = box_share_loop(e, n // 2 ** level)
    assert kernel_metrics.energy_concentration(level)[packet] == pytest.approx(share, abs=1e-12)


@pytest.mark.parametrize("level", [2, 3])
def test_energy_concentration_is_grid_independent(level):
    """On a twice finer grid the statistic moves by less than 0.005."""
    k = kernels_for(level)
    n = 2 * grid_size(level, k.shape[-1])
    picks = [0, 5, len(k) // 2 + 3, len(k) - 1]
    e = np.array([explicit_energy_spectrum(k[p], n) for p in picks])
    fine = box_share_rolls(e, n // 2 ** level)
    np.testing.assert_allclose(kernel_metrics.energy_concentration(level)[picks], fine, atol=5e-3)


# -------------------------------------------------------- analyticity
def analyticity_brute(kernels, n):
    """Share of energy at omega_x in (0, pi), plus half on omega_x = 0 and pi."""
    out = []
    for k in kernels:
        e = explicit_energy_spectrum(k, n)
        wx = 2 * PI * np.arange(n) / n  # in [0, 2 pi): (0, pi) is the positive side
        w = np.where((wx > 0) & (wx < PI), 1.0, 0.0)
        w[np.isclose(wx, 0) | np.isclose(wx, PI)] = 0.5
        out.append((e * w[None, :]).sum() / e.sum())
    return np.array(out)


def test_analyticity_thresholds_j2():
    a = kernel_metrics.analyticity(2)
    assert a.shape == (32,)
    assert np.all(a >= 0.75)
    n = 4
    c = np.arange(32) % n
    interior = (c > 0) & (c < n - 1)  # horizontal band not touching omega_x = 0 or pi
    assert np.all(a[interior] >= 0.99)
    assert np.all(a <= 1)


@pytest.mark.parametrize("level", [1, 2, 3])
def test_analyticity_brute_force(level):
    k = kernels_for(level)
    n = grid_size(level, k.shape[-1])
    np.testing.assert_allclose(kernel_metrics.analyticity(level), analyticity_brute(k, n),
                               rtol=1e-12, atol=1e-12)


def test_analyticity_is_grid_independent():
    k = kernels_for(2)
    fine = analyticity_brute(k[[0, 1, 9, 31]], 256)
    np.testing.assert_allclose(kernel_metrics.analyticity(2)[[0, 1, 9, 31]], fine, atol=2e-3)


def test_pair_metrics_matches_the_separate_metrics():
    from dtwpt.operators import rmax_cmod

    rng = np.random.default_rng(7)
    x = rng.standard_normal((3, 32, 32))
    stacked = np.concatenate([x, np.roll(x, -1, axis=-1)])
    ymax, ymod = rmax_cmod(stacked, 2)
    rho2, rho_max, rho_mod = metrics.pair_metrics(ymax, ymod, 3)
    np.testing.assert_allclose(rho2, metrics.discrepancy(ymax[:3], ymod[:3]) ** 2, rtol=1e-12)
    np.testing.assert_allclose(rho_max, metrics.shift_stability(ymax[:3], ymax[3:], ymod[:3]),
                               rtol=1e-12)
    np.testing.assert_allclose(rho_mod, metrics.shift_stability(ymod[:3], ymod[3:], ymod[:3]),
                               rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("level, q, shape", [(1, 0, (16, 24)), (2, 1, (32, 32)),
                                             (3, 2, (48, 40)), (4, 1, (32, 48))])
def test_shift_metrics_match_the_separate_metrics(dtype, level, q, shape):
    from dtwpt.operators import rmax_cmod

    H, W = shape
    region = np.random.default_rng(level).standard_normal((2, 2, H, W + 1)).astype(dtype)
    x, xs = region[..., :W], region[..., 1:]
    values = metrics.shift_metrics(x, xs, level, q=q)
    assert values.shape == (3, 2, 2, 2 * 4 ** level)
    ymax, ymod = rmax_cmod(x, level, q=q)
    ymax_s, ymod_s = rmax_cmod(xs, level, q=q)
    rtol = 1e-4 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(values[0], metrics.discrepancy(ymax, ymod) ** 2, rtol=rtol)
    np.testing.assert_allclose(values[1], metrics.shift_stability(ymax, ymax_s, ymod), rtol=rtol)
    np.testing.assert_allclose(values[2], metrics.shift_stability(ymod, ymod_s, ymod), rtol=rtol)


def test_shift_metrics_bad_input():
    x = np.zeros((2, 16, 16))
    with pytest.raises(ValueError, match="same shape"):
        metrics.shift_metrics(x, x[:1], 2)
    with pytest.raises(ValueError, match="q"):
        metrics.shift_metrics(x, x, 2, q=-1)
    with pytest.raises(ValueError, match="NaN"):
        metrics.shift_metrics(x, np.full_like(x, np.nan), 2)
