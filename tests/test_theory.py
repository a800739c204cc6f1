"""Tests for dtwpt.theory (Leterme et al., arXiv:2209.11740)."""
import numpy as np
import pytest

from dtwpt.theory import (
    alpha,
    beta,
    bound_applies,
    cmod_shift_bound,
    discrepancy_bound,
    gamma,
    gamma_sq,
    is_pathological,
    rmax_shift_bound,
)

PI = np.pi


def monte_carlo_gamma_sq(omega, q, rng, n=20_000):
    """E_phi[(1 - max_p cos(phi + <omega, p>))^2] with jittered uniform phi."""
    phi = 2 * PI * (np.arange(n) + rng.random(n)) / n
    r = np.arange(-q, q + 1)
    grid = np.stack(np.meshgrid(r, r, indexing="ij"), axis=-1).reshape(-1, 2)
    best = np.cos(phi[:, None] + grid @ omega).max(axis=1)
    return np.mean((1 - best) ** 2)


@pytest.mark.parametrize(
    "omega, expected",
    [((0, 0), 1.5), ((PI, 0), 0.2268), ((PI / 2, PI / 2), 0.0177)],
)
def test_gamma_sq_reference_values(omega, expected):
    assert gamma_sq(omega) == pytest.approx(expected, abs=5e-5)
    assert gamma(omega) == pytest.approx(np.sqrt(expected), abs=1e-3)


@pytest.mark.parametrize("q", [1, 2])
def test_gamma_sq_matches_monte_carlo(q):
    rng = np.random.default_rng(1234 + q)
    omegas = rng.uniform(-PI, PI, size=(20, 2))
    exact = gamma_sq(omegas, q=q)
    for omega, value in zip(omegas, exact):
        assert monte_carlo_gamma_sq(omega, q, rng) == pytest.approx(value, abs=1e-2)


def test_gamma_sq_q0_is_constant():
    omegas = np.random.default_rng(0).uniform(-10, 10, size=(6, 2))
    np.testing.assert_allclose(gamma_sq(omegas, q=0), 1.5)


@pytest.mark.parametrize("q", [1, 2])
def test_gamma_sq_periodic_in_each_coordinate(q):
    omegas = np.random.default_rng(7).uniform(-PI, PI, size=(30, 2))
    ref = gamma_sq(omegas, q=q)
    for axis in range(2):
        for k in (-1, 1, 3):
            shifted = omegas.copy()
            shifted[:, axis] += 2 * PI * k
            np.testing.assert_allclose(gamma_sq(shifted, q=q), ref, atol=1e-9)


def test_gamma_is_even():
    omegas = np.random.default_rng(3).uniform(-4, 4, size=(30, 2))
    for q in (1, 2):
        np.testing.assert_allclose(gamma(-omegas, q=q), gamma(omegas, q=q), atol=1e-9)


def test_vectorisation_preserves_shape():
    omegas = np.random.default_rng(5).uniform(-PI, PI, size=(5, 7, 2))
    out = gamma_sq(omegas)
    assert out.shape == (5, 7)
    assert gamma(omegas, q=2).shape == (5, 7)
    np.testing.assert_allclose(out[2, 3], gamma_sq(omegas[2, 3]))
    assert np.all((out >= -1e-12) & (out <= 1.5 + 1e-12))


def test_alpha_and_beta_closed_forms():
    assert alpha(2.0, (1, 3)) == pytest.approx(4.0)
    assert alpha(1.0, (-2, 0)) == pytest.approx(1.0)
    np.testing.assert_allclose(alpha(0.5, [[0, 0], [2, -2]]), [0.0, 1.0])
    assert beta(0, 4, 1.0) == 0.0
    assert beta(2, 3, 0.5) == pytest.approx(3.0)


def test_bound_applies():
    assert bound_applies(PI / 2, 2)
    assert not bound_applies(PI / 2 + 1e-6, 2)
    assert bound_applies(2 * PI, 1) is False
    assert bound_applies(PI, 1)


def test_bounds_composition():
    rng = np.random.default_rng(11)
    theta = rng.uniform(-PI, PI, size=(4, 3, 2))
    u = np.array([1.0, -2.0])
    kappa, m, q = 0.3, 2, 1
    b = q * m * kappa
    g = gamma(m * theta, q=q)
    a = kappa * 3 / 2
    assert cmod_shift_bound(kappa, u) == pytest.approx(a)
    np.testing.assert_allclose(discrepancy_bound(theta, kappa, m, q=q), (b + g) ** 2)
    np.testing.assert_allclose(rmax_shift_bound(theta, kappa, m, u, q=q), 2 * (b + g) + a)
    assert rmax_shift_bound(theta, kappa, m, np.zeros((3, 2))).shape == (4, 3)


def test_is_pathological():
    m = 2
    theta = np.array([[0.0, 0.0], [PI, 0.0], [PI / 2, -PI / 2], [PI / 2, 0.1], [0.3, 0.7]])
    assert is_pathological(theta, m).tolist() == [True, True, True, False, False]
    assert is_pathological([PI / 2 + 1e-3, 0.0], m, atol=1e-2)
    assert not is_pathological([PI / 2 + 1e-3, 0.0], m)
    # the worst pathological frequencies maximise gamma
    assert gamma(m * theta[0]) == pytest.approx(np.sqrt(1.5))


@pytest.mark.parametrize("kappa", [0.0, -1.0, 2 * PI + 1e-9, np.nan])
def test_bad_kappa(kappa):
    with pytest.raises(ValueError, match=r"kappa must lie in \(0, 2\*pi\], got"):
        alpha(kappa, (1, 1))
    with pytest.raises(ValueError, match="kappa"):
        discrepancy_bound((0, 0), kappa, 1)


@pytest.mark.parametrize("m, error", [(0, ValueError), (-2, ValueError), (2 ** 60, ValueError),
                                      (1.5, TypeError), (2.0, TypeError), (True, TypeError)])
def test_bad_m(m, error):
    expected = rf"m must be an integer in \[1, 2251799813685248\], got {m!r}"
    with pytest.raises(error, match=expected):
        beta(1, m, 1.0)
    with pytest.raises(error, match="m must be an integer"):
        is_pathological((0, 0), m)


@pytest.mark.parametrize("q, error", [(-1, ValueError), (2 ** 63, ValueError),
                                      (0.5, TypeError), (1.0, TypeError)])
def test_bad_q(q, error):
    expected = rf"q must be an integer in \[0, 2251799813685248\], got {q!r}"
    with pytest.raises(error, match=expected):
        gamma_sq((0, 0), q=q)
    with pytest.raises(error, match="q must be an integer"):
        rmax_shift_bound((0, 0), 1.0, 1, (0, 0), q=q)


@pytest.mark.parametrize("omega", [1.0, (1, 2, 3), np.zeros((4, 3))])
def test_bad_omega_shape(omega):
    with pytest.raises(ValueError, match=r"omega must have shape \(\.\.\., 2\)"):
        gamma_sq(omega)
    with pytest.raises(ValueError, match=r"theta must have shape"):
        discrepancy_bound(omega, 1.0, 1)
    with pytest.raises(ValueError, match=r"u must have shape"):
        alpha(1.0, omega)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_omega(bad):
    with pytest.raises(ValueError, match=rf"omega must be finite, got {bad}"):
        gamma([[0.0, 0.0], [1.0, bad]])
    with pytest.raises(ValueError, match="theta must be finite"):
        is_pathological((bad, 0.0), 1)
