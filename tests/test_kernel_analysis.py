"""Per-kernel characterisation: frequency, Gabor-likeness, bandwidth, Hypothesis 5.1, zones."""
import numpy as np
import pytest
from _gabor import THETAS, gabor, gabor_bank
from scipy.special import erfinv

from dtwpt import gabor_filter, theory, tree
from dtwpt.kernel_analysis import (
    analyze_kernels,
    bandwidth,
    complex_companion,
    energy_spectrum,
    gabor_likeness,
    monochrome_reduction,
    pathological_threshold,
    pathological_zone,
)
from dtwpt.learned_filters import learn_first_layer, learned_first_layer


def tile_of(theta, level):
    """(row, column) of the DT-CWPT tile (side pi / 2**J) holding theta (half-plane)."""
    side = np.pi / 2 ** level
    return np.floor((theta[..., 0] + np.pi) / side), np.floor(theta[..., 1] / side)


@pytest.mark.parametrize("level", [2, 3])
def test_theta_lands_in_its_tile(level):
    centres = tree.tile_centres(level)
    chosen = centres[np.random.default_rng(level).choice(len(centres), 12, replace=False)]
    chosen = chosen[np.hypot(*chosen.T) > 0.3]  # away from the low-pass corner
    V = gabor_bank(chosen, 6.0, 41)
    share, theta = gabor_likeness(V, np.pi / 2 ** (level - 1), n_fft=128)
    np.testing.assert_array_equal(np.stack(tile_of(theta, level)),
                                  np.stack(tile_of(chosen, level)))
    assert share.min() >= 0.9


def test_mirror_sign_and_orientation():
    """A real kernel at -theta is the same kernel: theta is reported with theta_x > 0."""
    V = gabor_bank([(0.5, -1.0), (-0.5, 1.0), (1.0, 0.0)], 5.0, 31)
    table = analyze_kernels(V, 2)
    np.testing.assert_allclose(np.c_[table["theta_y"], table["theta_x"]],
                               [(-0.5, 1.0), (-0.5, 1.0), (1.0, 0.0)], atol=0.02)
    np.testing.assert_allclose(table["orientation"], [np.arctan2(-0.5, 1.0)] * 2 + [np.pi / 2],
                               atol=0.02)


@pytest.mark.parametrize("theta, kappa", [((0.0, np.pi / 2), np.pi / 4),
                                          ((np.pi / 3, np.pi / 4), np.pi / 4),
                                          ((-2.0, 1.0), np.pi / 8)])
def test_gabor_filters_are_gabor_like(theta, kappa):
    """dtwpt.gabor_filter (band-limited to J(theta, kappa)): real part >= 0.9 at kappa <= pi/4."""
    V = gabor_filter(theta, kappa, 48).real[None, None]
    share, found = gabor_likeness(V, np.pi / 4, n_fft=128)
    assert share[0] >= 0.9
    assert np.abs(found[0] - np.array(theta)).max() < np.pi / 16


def test_random_kernels_are_not_gabor_like():
    V = np.random.default_rng(0).standard_normal((32, 3, 11, 11))
    share, _ = gabor_likeness(V, np.pi / 4)
    # A white spectrum puts (2 x window area) / (4 pi^2) = 1/32 of its energy in the squares.
    assert share.max() < 0.2 and 0.03 < np.median(share) < 0.12


def test_share_is_a_brute_force_maximum():
    """The best square (plus mirror) found by matrix products equals an explicit search."""
    V = np.random.default_rng(1).standard_normal((2, 2, 5, 5))
    n, w = 16, 3
    E = energy_spectrum(V, n)
    share, _ = gabor_likeness(V, 2 * np.pi * w / n, n_fft=n)
    for l in range(2):
        best = 0.0
        for i in range(n):
            for j in range(n):
                mask = np.zeros((n, n), bool)
                mask[np.ix_((i + np.arange(w)) % n, (j + np.arange(w)) % n)] = True
                mask |= mask[np.ix_(-np.arange(n) % n, -np.arange(n) % n)]
                best = max(best, E[l][mask].sum())
        assert share[l] == pytest.approx(best / E[l].sum(), rel=1e-12)


def test_bandwidth_of_a_gaussian_gabor():
    """Energy spectrum a Gaussian of std 1/(sigma sqrt 2) per axis: 90% square in closed form."""
    sigma = 6.0
    V = gabor((0.5, 1.0), sigma, 61)[None, None]
    half = np.sqrt(2) * erfinv(np.sqrt(0.9)) / (sigma * np.sqrt(2))
    _, theta = gabor_likeness(V, np.pi / 2, n_fft=256)
    assert bandwidth(V, theta, n_fft=256)[0] == pytest.approx(2 * half, abs=2 * np.pi / 256)


def test_monochrome_reduction():
    mono = gabor_bank(THETAS, 3.0, 11)
    red = monochrome_reduction(mono)
    np.testing.assert_allclose(red.delta, 0, atol=1e-12)
    np.testing.assert_allclose(red.mu, np.tile([0.5, 1.0, 1.5], (len(THETAS), 1)))
    np.testing.assert_allclose(red.mean, mono.mean(axis=1))
    # A colour-opponent kernel has no mean: mu undefined, delta 1.
    opponent = monochrome_reduction(np.array([1.0, -1.0, 0.0])[None, :, None, None]
                                    * np.ones((1, 1, 3, 3)))
    assert np.isnan(opponent.mu).all() and opponent.delta_kernel[0] == 1
    # Random kernels: delta is 1 - cos^2 of the angle to the mean, computed channel by channel.
    V = np.random.default_rng(2).standard_normal((3, 3, 4, 4))
    red = monochrome_reduction(V)
    for l in range(3):
        vbar = V[l].mean(axis=0).ravel()
        for c in range(3):
            v = V[l, c].ravel()
            cos2 = (v @ vbar) ** 2 / ((v @ v) * (vbar @ vbar))
            assert red.delta[l, c] == pytest.approx(1 - cos2)
            assert red.mu[l, c] == pytest.approx(v @ vbar / (vbar @ vbar))
        residual = V[l] - red.mu[l][:, None, None] * V[l].mean(axis=0)
        assert red.delta_kernel[l] == pytest.approx((residual ** 2).sum() / (V[l] ** 2).sum())


def test_companion_keeps_the_theta_side():
    V = gabor_bank([(0.4, 1.2)], 4.0, 25)
    W = complex_companion(V, [(0.4, 1.2)])
    np.testing.assert_allclose(W.real, V)
    spectrum = np.abs(np.fft.ifft2(W, s=(64, 64))) ** 2  # input-frequency response
    w = 2 * np.pi * np.fft.fftfreq(64)
    side = (0.4 * w[:, None] + 1.2 * w[None, :]) > 0
    assert spectrum[..., side].sum() / spectrum.sum() > 0.999


def test_table_columns_follow_theory():
    V = gabor_bank(THETAS, 3.0, 11)
    table = analyze_kernels(V, 4, q=1, shift=(0.0, 1.0))
    theta = np.c_[table["theta_y"], table["theta_x"]]
    np.testing.assert_allclose(table["gamma_sq"], theory.gamma_sq(4 * theta, q=1))
    np.testing.assert_allclose(table["discrepancy_bound"],
                               (4 * table["bandwidth"] + np.sqrt(table["gamma_sq"])) ** 2)
    np.testing.assert_allclose(table["cmod_shift_bound"], table["bandwidth"] / 2)
    assert list(table["bound_applies"]) == [k <= np.pi / 4 for k in table["bandwidth"]]
    np.testing.assert_allclose(table["delta"], 0, atol=1e-12)
    np.testing.assert_allclose(table["delta_channel_max"], 0, atol=1e-12)
    np.testing.assert_allclose(table["mu_2"], 1.5)


def test_pathological_zone():
    m = 2
    # gamma^2 = 3/2 on (2 pi / m) Z^2, >= 0.227 on the axes of m theta, 0.014 at (pi/2, pi/2)
    inside = pathological_zone([(0.0, np.pi), (np.pi, np.pi + 0.3), (0.0, 0.7), (0.2, 0.2)], m)
    outside = pathological_zone([(np.pi / 4, np.pi / 4), (np.pi / 2, 0.5)], m)
    assert inside.all() and not outside.any()
    w = np.linspace(-np.pi, np.pi, 65)
    grid = np.stack(np.meshgrid(w, w, indexing="ij"), -1)
    zone = pathological_zone(grid, m)
    g = theory.gamma_sq(m * grid)
    assert g[~zone].max() < pathological_threshold() * (1 - 1e-9) < g[zone].min()
    assert pathological_threshold() == pytest.approx(0.114, abs=5e-4)


def test_learned_default_is_reproducible_and_gabor_like():
    shipped = learned_first_layer()
    assert shipped.shape == (64, 3, 11, 11) and shipped.dtype == np.float32
    fresh = learn_first_layer()
    cos = np.einsum("lchw,lchw->l", fresh.astype(float), shipped.astype(float))
    assert cos.min() > 0.999  # unit-norm filters: same filters, same order, same sign
    table = analyze_kernels(shipped, 4)
    assert (table["gabor_share"] >= 0.5).sum() >= 20          # many Gabor-like kernels
    assert (table["delta"] > 0.5).sum() >= 4                  # and colour-opponent ones
    assert np.median(table["delta"][table["gabor_share"] >= 0.5]) < 0.05


@pytest.mark.parametrize("name", ["dtwpt.kernel_analysis", "dtwpt.weights",
                                  "dtwpt.learned_filters",
                                  "dtwpt.experiments.kernels.compute"])
def test_docstring_examples(name):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name),
                             optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
